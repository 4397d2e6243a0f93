"""The ionlit code location."""

import dagster as dg

defs = dg.Definitions(assets=[])
