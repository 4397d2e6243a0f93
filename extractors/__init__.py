"""ionlit extractors: pure functions from literature PDFs to conductivity records.

Nothing in this package imports Dagster; ``pipelines/`` wires these functions into assets.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("ionlit")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"

EXTRACTOR_VERSION = __version__
