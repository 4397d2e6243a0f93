"""Watch the PDF folder: register new or changed PDFs, delete removed ones, request the runs.

The cursor remembers each file's size, mtime and key, so only files that changed are hashed
again. Run keys are deterministic: ``document:<key>:<code version>`` runs a partition once per
code version, and ``corpus:<generation>`` republishes once per change of the folder.
"""

import json
from dataclasses import dataclass, field

import dagster as dg

from pipelines.code_version import CODE_VERSION
from pipelines.ingest.partitions import document_partitions, keys_to_run
from pipelines.ingest.resources import PdfFolder, PdfStamp
from pipelines.jobs import corpus_job, document_job

DEFAULT_INTERVAL_SECONDS = 30


@dataclass(frozen=True)
class FolderCursor:
    """What the previous tick saw."""

    code_version: str | None = None
    generation: int = 0
    files: dict[str, PdfStamp] = field(default_factory=dict)

    @classmethod
    def from_json(cls, text: str | None) -> "FolderCursor":
        if not text:
            return cls()
        data = json.loads(text)
        return cls(data["code_version"], data["generation"],
                   {name: PdfStamp(*stamp) for name, stamp in data["files"].items()})

    def to_json(self) -> str:
        return json.dumps({"code_version": self.code_version, "generation": self.generation,
                           "files": {name: list(stamp) for name, stamp in self.files.items()}})


@dg.sensor(jobs=[document_job, corpus_job], minimum_interval_seconds=DEFAULT_INTERVAL_SECONDS,
           description="New or changed PDFs in the folder get a partition and a run; removed "
                       "ones lose theirs; then the corpus is republished.")
def pdf_folder_sensor(context: dg.SensorEvaluationContext, pdfs: PdfFolder) -> dg.SensorResult:
    cursor = FolderCursor.from_json(context.cursor)
    stamps = pdfs.stamps(cursor.files)
    keys = sorted({stamp.key for stamp in stamps.values()})
    registered = set(context.instance.get_dynamic_partitions(document_partitions.name))
    added = [key for key in keys if key not in registered]
    removed = sorted(registered - set(keys))
    recheck = keys if cursor.code_version != CODE_VERSION else added
    to_run = keys_to_run(context.instance, recheck, CODE_VERSION)
    changed = bool(added or removed or to_run)
    generation = cursor.generation + changed
    runs = [dg.RunRequest(job_name=document_job.name, partition_key=key,
                          run_key=f"document:{key}:{CODE_VERSION}") for key in to_run]
    if changed:
        runs.append(dg.RunRequest(job_name=corpus_job.name, run_key=f"corpus:{generation}"))
    partition_requests = []
    if added:
        partition_requests.append(document_partitions.build_add_request(added))
    if removed:
        partition_requests.append(document_partitions.build_delete_request(removed))
    return dg.SensorResult(
        run_requests=runs, dynamic_partitions_requests=partition_requests,
        cursor=FolderCursor(CODE_VERSION, generation, stamps).to_json())
