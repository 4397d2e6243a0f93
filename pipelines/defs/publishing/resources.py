"""Where datasets and reports go: a local path or an fsspec URL (``s3://bucket/ionlit/...``)."""

import dagster as dg
from fsspec.core import url_to_fs
from fsspec.implementations.local import LocalFileSystem

from extractors.publish import DEFAULT_ROOT, PublishSettings

DEFAULT_REPORTS = "outputs/reports"
DATASETS_ENV = "IONLIT_DATASETS"
REPORTS_ENV = "IONLIT_REPORTS"
REPORT_NAME = "reconciliation"


class DatasetStore(dg.ConfigurableResource):
    """Publishing settings (see ``extractors.publish.PublishSettings``) and the reports folder.

    ``root`` / ``reports`` unset: ``$IONLIT_DATASETS`` / ``$IONLIT_REPORTS``, read when used
    (not when the code location is imported), else ``outputs/datasets`` / ``outputs/reports``.
    """

    root: str | None = None
    staging: str | None = None
    retention: int | None = None
    reports: str | None = None

    @property
    def datasets_root(self) -> str:
        return self.root or dg.EnvVar(DATASETS_ENV).get_value(DEFAULT_ROOT) or DEFAULT_ROOT

    @property
    def reports_folder(self) -> str:
        return self.reports or dg.EnvVar(REPORTS_ENV).get_value(DEFAULT_REPORTS) \
            or DEFAULT_REPORTS

    def settings(self) -> PublishSettings:
        return PublishSettings(root=self.datasets_root, staging=self.staging,
                               retention=self.retention)

    def write_pages(self, pages: dict[str, str]) -> list[str]:
        """Write pages (path relative to the reports folder → HTML), each moved into place
        whole; their paths or URLs."""
        fs, folder = url_to_fs(self.reports_folder)
        written = []
        for relative, text in pages.items():
            path = f"{folder.rstrip('/')}/{relative}"
            fs.makedirs(path.rsplit("/", 1)[0], exist_ok=True)
            fs.pipe_file(f"{path}.partial", text.encode("utf-8"))
            fs.mv(f"{path}.partial", path)
            written.append(path if isinstance(fs, LocalFileSystem)
                           else str(fs.unstrip_protocol(path)))
        return written

    def write_report(self, html: str, csv: str) -> tuple[str, str]:
        """Replace the curators' report (HTML and CSV); their paths or URLs.

        Each file is written under a temporary name and moved into place, so a reader never
        sees half a report.
        """
        fs, folder = url_to_fs(self.reports_folder)
        fs.makedirs(folder, exist_ok=True)
        written = []
        for suffix, text in (("html", html), ("csv", csv)):
            path = f"{folder.rstrip('/')}/{REPORT_NAME}.{suffix}"
            fs.pipe_file(f"{path}.partial", text.encode("utf-8"))
            fs.mv(f"{path}.partial", path)
            written.append(path if isinstance(fs, LocalFileSystem)
                           else str(fs.unstrip_protocol(path)))
        return written[0], written[1]
