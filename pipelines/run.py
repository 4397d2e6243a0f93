"""``ionlit run``: the whole pipeline, headless, on the Dagster instance of ``DAGSTER_HOME``.

1. Register one partition per PDF content in ``seeds/pdfs`` and delete the partitions of
   removed PDFs (``pipelines/defs/documents/sync.py``, the function the sensor uses too).
2. Run ``document_job`` for each partition not yet processed by this code version (unchanged
   PDFs are not parsed again); a PDF that cannot be read fails its own run and nothing else.
3. Run ``corpus_job``: gather, reconcile, write the report, publish the four datasets.

Progress goes to stderr, one line per document; the published versions and the report path
end the output. The exit status is non-zero only when the corpus run fails or a document fails
for another reason than being unreadable (a bug, not a bad PDF).

SIGTERM and Ctrl-C stop the run at the next document boundary, before anything is published
(exit status 130). Once the corpus run has started it completes: its versions are committed
together in ``_CORPUS.json``, and a SIGKILL there leaves the previous commit in place.
"""

import os
import signal
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dagster as dg

from extractors.schemas import SCHEMAS
from pipelines.code_version import CODE_VERSION
from pipelines.definitions import defs, resources_config
from pipelines.defs.documents.partitions import keys_to_run
from pipelines.defs.documents.resources import PdfFolder
from pipelines.defs.documents.sync import sync_partitions
from pipelines.defs.jobs import corpus_job, document_job

#: Dagster's own console log is kept to errors; the progress lines say what happened.
QUIET_LOGS = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}


def _document_job() -> dg.JobDefinition:
    return defs.resolve_job_def(document_job.name)


def _corpus_job() -> dg.JobDefinition:
    return defs.resolve_job_def(corpus_job.name)


def _say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def open_instance() -> dg.DagsterInstance:
    """The instance of ``DAGSTER_HOME``; unset, the current folder when it holds dagster.yaml."""
    if not os.environ.get("DAGSTER_HOME") and Path("dagster.yaml").is_file():
        os.environ["DAGSTER_HOME"] = str(Path.cwd())
    return dg.DagsterInstance.get()


def register_pdfs(instance: dg.DagsterInstance, pdfs: PdfFolder) -> list[str]:
    """Register the folder's PDFs as partitions, delete the removed ones; the current keys."""
    sync = sync_partitions(instance, pdfs.stamps())
    sync.apply(instance)
    copies = f", {len(sync.aliases)} byte-identical cop{'y' if len(sync.aliases) == 1 else 'ies'}" \
        if sync.aliases else ""
    _say(f"{len(sync.keys) + len(sync.aliases)} PDF(s) in {pdfs.root}: {len(sync.added)} new, "
         f"{len(sync.removed)} removed{copies}")
    return list(sync.keys)


def _materialized(result: dg.JobExecutionResult) -> dict[str, dict[str, Any]]:
    """Asset name → metadata values of what the run materialised."""
    return {event.asset_key.to_user_string(): {k: v.value for k, v in
                                               event.materialization.metadata.items()}
            for event in result.get_asset_materialization_events()
            if event.asset_key is not None}


def _failure(result: dg.JobExecutionResult) -> str:
    """First line of the first step failure, without the exception's module path."""
    for event in result.all_events:
        error = event.step_failure_data.error if event.is_step_failure else None
        if error is not None:
            line = error.message.strip().splitlines()[0]
            where, _, message = line.partition(": ")
            return message if message and where.endswith(error.cls_name) else line
    return "run failed"


def _run_document(instance: dg.DagsterInstance, key: str, run_config: dict[str, Any]) -> bool:
    """One partition; False when it failed for another reason than an unreadable PDF."""
    started = time.perf_counter()
    result = dg.execute_job(dg.reconstructable(_document_job), instance, run_config=run_config,
                            tags={"dagster/partition": key})
    took = time.perf_counter() - started
    done = _materialized(result)
    if result.success:
        records = sum(done[name].get("dagster/row_count", 0)
                      for name in ("table_records", "text_records"))
        _say(f"  {key}: ok, {done['document'].get('pages')} pages, {records} records "
             f"({took:.1f} s)")
        return True
    _say(f"  {key}: FAILED: {_failure(result)} ({took:.1f} s)")
    return done.get("document", {}).get("status") == "failed"


#: Exit status of a run stopped by SIGTERM or Ctrl-C (128 + SIGINT, as shells report it).
INTERRUPTED_EXIT = 130


@dataclass
class StopRequest:
    """Set by SIGTERM or Ctrl-C; the run stops at the next step boundary, before publishing."""

    signal_number: int | None = None

    def __bool__(self) -> bool:
        return self.signal_number is not None


@contextmanager
def _stop_on_signals() -> Iterator[StopRequest]:
    """SIGTERM and SIGINT ask the run to stop: the document being read finishes (its outputs
    are complete), nothing after it starts. Raising from the handler instead could land in
    any library code (a garbage-collection callback, a database session) and be lost."""
    request = StopRequest()

    def ask(signum: int, frame: object) -> None:
        request.signal_number = signum

    previous = {s: signal.signal(s, ask) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield request
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


def run_pipeline(seeds: Path, outputs: Path) -> int:
    """Materialise everything over ``seeds`` into ``outputs``; 0 unless something broke."""
    with _stop_on_signals() as stop:
        return _run_pipeline(seeds, outputs, stop)


def _stopped(stop: StopRequest) -> bool:
    if stop:
        _say(f"interrupted (signal {stop.signal_number}): stopped before publishing; the last "
             "committed corpus (_CORPUS.json) is unchanged")
    return bool(stop)


def _run_pipeline(seeds: Path, outputs: Path, stop: StopRequest) -> int:
    run_config = {**resources_config(seeds, outputs), **QUIET_LOGS}
    pdfs = PdfFolder(folder=run_config["resources"]["pdfs"]["config"]["folder"])
    with open_instance() as instance:
        keys = register_pdfs(instance, pdfs)
        todo = keys_to_run(instance, keys, CODE_VERSION)
        _say(f"{len(keys) - len(todo)} unchanged PDF(s) reused, {len(todo)} to extract")
        healthy = []
        for key in todo:
            if _stopped(stop):
                return INTERRUPTED_EXIT
            healthy.append(_run_document(instance, key, run_config))
        if _stopped(stop):
            return INTERRUPTED_EXIT
        _say("corpus: gathering, reconciling, publishing ...")
        result = dg.execute_job(dg.reconstructable(_corpus_job), instance,
                                run_config=run_config)
        if not result.success:
            _say(f"corpus: FAILED: {_failure(result)}")
            return 1
        done = _materialized(result)
    for name in SCHEMAS:
        published = done[f"{name}_dataset"]
        state = "new" if published["created"] else "unchanged"
        print(f"{name}: {published['version']} ({state}, {published['dagster/row_count']} rows) "
              f"{published['path']}")
    print(f"corpus: committed {done['corpus_snapshot']['created_at']} "
          "(_CORPUS.json names these versions)")
    print(f"report: {done['reconciliation_report']['path']}")
    return 0 if all(healthy) else 1
