"""Where datasets and reports go: a local path or an fsspec URL (``s3://bucket/ionlit/...``)."""

import dagster as dg
from fsspec.core import url_to_fs
from fsspec.implementations.local import LocalFileSystem

from extractors.publish import DEFAULT_ROOT, PublishSettings

DEFAULT_REPORTS = "outputs/reports"
REPORT_NAME = "reconciliation.md"


class DatasetStore(dg.ConfigurableResource):
    """Publishing settings (see ``extractors.publish.PublishSettings``) and the reports folder."""

    root: str = DEFAULT_ROOT
    staging: str | None = None
    retention: int | None = None
    reports: str = DEFAULT_REPORTS

    def settings(self) -> PublishSettings:
        return PublishSettings(root=self.root, staging=self.staging, retention=self.retention)

    def write_report(self, markdown: str) -> str:
        """Replace the curators' report; returns its path or URL."""
        fs, folder = url_to_fs(self.reports)
        fs.makedirs(folder, exist_ok=True)
        path = f"{folder.rstrip('/')}/{REPORT_NAME}"
        fs.pipe_file(path, markdown.encode("utf-8"))
        return path if isinstance(fs, LocalFileSystem) else str(fs.unstrip_protocol(path))
