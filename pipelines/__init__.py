"""ionlit's Dagster definitions and command line; the work itself lives in ``extractors``."""
