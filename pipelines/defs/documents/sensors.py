"""Watch the PDF folder: register new or changed PDFs, delete removed ones, run the new ones.

The cursor remembers each file's size, mtime, sha256 and key, so only files that changed are
hashed again. Document runs have the run key ``document:<key>:<code version>`` (a partition
runs once per code version). The sensor requests no corpus run: the corpus assets follow
their parents by automation condition (``pipelines/automation.py``), and an observation of
``pdf_folder`` (data version: the folder's names and contents) covers what materialises no
document (a removed PDF, a byte-identical copy). Resetting the cursor is harmless: current
partitions get no run, and every materialisation leads to one republish.
"""

import json
from dataclasses import dataclass, field

import dagster as dg

from pipelines.code_version import CODE_VERSION
from pipelines.defs.documents.partitions import DATA_VERSION_TAG, keys_to_run
from pipelines.defs.documents.resources import PdfFolder, PdfStamp
from pipelines.defs.documents.sync import sync_partitions
from pipelines.defs.jobs import document_job

DEFAULT_INTERVAL_SECONDS = 30
STAMP_FIELDS = len(PdfStamp._fields)


@dataclass(frozen=True)
class FolderCursor:
    """What the previous tick saw."""

    code_version: str | None = None
    folder_version: str | None = None
    files: dict[str, PdfStamp] = field(default_factory=dict)

    @classmethod
    def from_json(cls, text: str | None) -> "FolderCursor":
        """A cursor of an older layout reads as empty (every file is hashed once again)."""
        if not text:
            return cls()
        data = json.loads(text)
        files = {name: PdfStamp(*stamp) for name, stamp in data.get("files", {}).items()
                 if len(stamp) == STAMP_FIELDS}
        return cls(data.get("code_version"), data.get("folder_version"), files)

    def to_json(self) -> str:
        return json.dumps({"code_version": self.code_version,
                           "folder_version": self.folder_version,
                           "files": {name: list(stamp) for name, stamp in self.files.items()}})


@dg.sensor(jobs=[document_job], minimum_interval_seconds=DEFAULT_INTERVAL_SECONDS,
           default_status=dg.DefaultSensorStatus.RUNNING,
           description="New or changed PDFs in the folder get a partition and a run; removed "
                       "ones lose theirs; the corpus follows by automation condition.")
def pdf_folder_sensor(context: dg.SensorEvaluationContext, pdfs: PdfFolder) -> dg.SensorResult:
    cursor = FolderCursor.from_json(context.cursor)
    stamps = pdfs.stamps(cursor.files)
    sync = sync_partitions(context.instance, stamps)
    recheck = sync.keys if cursor.code_version != CODE_VERSION else sync.added
    to_run = keys_to_run(context.instance, list(recheck), CODE_VERSION)
    runs = [dg.RunRequest(job_name=document_job.name, partition_key=key,
                          run_key=f"document:{key}:{CODE_VERSION}") for key in to_run]
    events = []
    if sync.folder_version != cursor.folder_version:
        events.append(dg.AssetObservation(
            asset_key="pdf_folder", tags={DATA_VERSION_TAG: sync.folder_version},
            metadata={"n_pdfs": len(stamps), "n_aliases": len(sync.aliases),
                      "added": list(sync.added), "removed": list(sync.removed)}))
    return dg.SensorResult(
        run_requests=runs, dynamic_partitions_requests=sync.requests(), asset_events=events,
        cursor=FolderCursor(CODE_VERSION, sync.folder_version, stamps).to_json())
