"""``ionlit run``: the whole pipeline, headless, on the Dagster instance of ``DAGSTER_HOME``.

1. Register one partition per PDF content in ``seeds/pdfs`` and delete the partitions of
   removed PDFs (``pipelines/defs/documents/sync.py``, the function the sensor uses too).
2. Run ``document_job`` for each partition not yet processed by this code version (unchanged
   PDFs are not parsed again); a PDF that cannot be read fails its own run and nothing else.
   ``--workers N`` processes (default: the CPUs this process may use) each run one document
   at a time, its steps in that process (``in_process_executor``): a worker imports Dagster
   and loads spaCy once, where the multiprocess executor would start a process per step.
3. Run ``corpus_job``: gather, reconcile, write the report, publish the datasets, unless the
   latest corpus run succeeded on the same inputs (``corpus_inputs.py``): then nothing new
   would be published, and its outputs are reported as they are.

Progress goes to stderr, one line per document; the published versions and the report path
end the output. The exit status is non-zero only when the corpus run fails or a document fails
for another reason than being unreadable (a bug, not a bad PDF).

SIGTERM and Ctrl-C stop the run at the next document boundary, before anything is published
(exit status 130): the documents being read finish, no new one starts. Once the corpus run has
started it completes: its versions are committed together in ``_CORPUS.json``, and a SIGKILL
there leaves the previous commit in place.
"""

import fcntl
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import dagster as dg

from extractors.publish import PublishSettings, read_corpus
from extractors.schemas import SCHEMAS
from pipelines.code_version import CODE_VERSION
from pipelines.corpus_inputs import (
    INPUTS_TAG,
    corpus_inputs_fingerprint,
    latest_corpus_run_matches,
)
from pipelines.definitions import defs, resources_config
from pipelines.defs.documents.partitions import keys_to_run, latest_materialization
from pipelines.defs.documents.resources import PdfFolder, PdfStamp
from pipelines.defs.documents.sync import sync_partitions
from pipelines.defs.jobs import corpus_job, document_job
from pipelines.defs.reconciliation.resources import CuratedSources
from pipelines.executors import uses_celery

#: Dagster's own console log is kept to errors; the progress lines say what happened.
QUIET_LOGS = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}


def _document_job() -> dg.JobDefinition:
    """``document_job`` with its steps in the calling process, unless Celery runs them."""
    job = defs.resolve_job_def(document_job.name)
    return job if uses_celery() else job.with_executor_def(dg.in_process_executor)


def _corpus_job() -> dg.JobDefinition:
    return defs.resolve_job_def(corpus_job.name)


def _say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def open_instance() -> dg.DagsterInstance:
    """The instance of ``DAGSTER_HOME``; unset, the current folder when it holds dagster.yaml."""
    if not os.environ.get("DAGSTER_HOME") and Path("dagster.yaml").is_file():
        os.environ["DAGSTER_HOME"] = str(Path.cwd())
    return dg.DagsterInstance.get()


def default_workers() -> int:
    """The CPUs this process may run on (its affinity, not the machine's count)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else \
        os.cpu_count() or 1


def register_pdfs(instance: dg.DagsterInstance, pdfs: PdfFolder,
                  stamps: Mapping[str, PdfStamp]) -> list[str]:
    """Register the folder's PDFs as partitions, delete the removed ones; the current keys."""
    sync = sync_partitions(instance, dict(stamps))
    sync.apply(instance)
    copies = f", {len(sync.aliases)} byte-identical cop{'y' if len(sync.aliases) == 1 else 'ies'}" \
        if sync.aliases else ""
    _say(f"{len(sync.keys) + len(sync.aliases)} PDF(s) in {pdfs.root}: {len(sync.added)} new, "
         f"{len(sync.removed)} removed{copies}")
    return list(sync.keys)


def metadata_values(materialization: dg.AssetMaterialization | None) -> dict[str, Any]:
    """A materialisation's metadata as plain values; ``{}`` for none."""
    return {} if materialization is None else {
        k: v.value for k, v in materialization.metadata.items()}


def _materialized(result: dg.JobExecutionResult) -> dict[str, dict[str, Any]]:
    """Asset name → metadata values of what the run materialised."""
    return {event.asset_key.to_user_string(): metadata_values(event.materialization)
            for event in result.get_asset_materialization_events()
            if event.asset_key is not None}


def root_cause(error: Any) -> Any:
    """What user code raised, from a Dagster ``SerializableErrorInfo``: Dagster wraps it
    (``Error occurred while executing op ...``) and the wrapper says nothing useful. The first
    error that is not Dagster's own is the one; a ``Failure`` our assets raise already says
    what went wrong, whatever it was raised from."""
    while error.cls_name.startswith("Dagster") and (error.cause or error.context):
        error = error.cause or error.context
    return error


def _failure(result: dg.JobExecutionResult | dg.ExecuteInProcessResult) -> str:
    """One line for the first step failure: the root cause's type and message (no module path)
    and the step it happened in. ``Failure`` is ours and already says what and where."""
    for event in result.all_events:
        error = event.step_failure_data.error if event.is_step_failure else None
        if error is None:
            continue
        cause = root_cause(error)
        lines = cause.message.strip().splitlines() or [cause.cls_name]
        where, _, message = lines[0].partition(": ")
        if not (message and where.endswith(cause.cls_name)):
            message = lines[0]
        if cause.cls_name == "Failure":
            return message
        return f"{cause.cls_name}: {message} (step {event.step_key})"
    return "run failed"


#: Exit status of a run stopped by SIGTERM or Ctrl-C (128 + SIGINT, as shells report it).
INTERRUPTED_EXIT = 130


@dataclass
class StopRequest:
    """Set by SIGTERM or Ctrl-C; the run stops at the next step boundary, before publishing."""

    signal_number: int | None = None

    def __bool__(self) -> bool:
        return self.signal_number is not None


#: The instance a worker process runs its documents on (opened once per worker).
_WORKER_INSTANCE: dg.DagsterInstance | None = None


#: How often a worker looks whether the ``ionlit run`` that started it is still alive.
PARENT_POLL_SECONDS = 0.5


def _exit_with_parent(parent: int) -> None:
    """A worker whose ``ionlit run`` died (``kill -9``) has nobody to report to: it exits
    instead of reading on, holding the instance and memory."""
    while os.getppid() == parent:
        time.sleep(PARENT_POLL_SECONDS)
    os._exit(1)


def _start_worker(instance: Any, parent: int) -> None:
    """A worker finishes the document it is reading on Ctrl-C (the terminal sends SIGINT to
    the whole process group); the parent decides what starts next. It exits when the parent
    (``parent``: its pid, passed in, as the parent may be gone by now) dies."""
    global _WORKER_INSTANCE
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True,
                     name="exit-with-parent").start()
    _WORKER_INSTANCE = dg.DagsterInstance.from_ref(instance)  # an InstanceRef


def _run_in_worker(key: str, run_config: dict[str, Any]) -> tuple[str, bool]:
    assert _WORKER_INSTANCE is not None, "a worker starts with _start_worker"
    return _run_document(_WORKER_INSTANCE, key, run_config)


def _run_document(instance: dg.DagsterInstance, key: str,
                  run_config: dict[str, Any]) -> tuple[str, bool]:
    """One partition: its progress line, and False when it failed for another reason than an
    unreadable PDF."""
    started = time.perf_counter()
    result = dg.execute_job(dg.reconstructable(_document_job), instance,
                            run_config=run_config, tags={"dagster/partition": key})
    took = time.perf_counter() - started
    done = _materialized(result)
    if result.success:
        # An asset a killed run already materialised for this content is current and skipped:
        # its figures are the latest materialisation's.
        figures = {name: done.get(name)
                   or metadata_values(latest_materialization(instance, name, key))
                   for name in ("document", "table_records", "text_records")}
        records = sum(figures[name].get("dagster/row_count", 0)
                      for name in ("table_records", "text_records"))
        return (f"  {key}: ok, {figures['document'].get('pages')} pages, {records} records "
                f"({took:.1f} s)"), True
    return (f"  {key}: FAILED: {_failure(result)} ({took:.1f} s)",
            done.get("document", {}).get("status") == "failed")


def run_documents(instance: dg.DagsterInstance, keys: list[str], run_config: dict[str, Any],
                  workers: int, stop: StopRequest) -> list[bool] | None:
    """Run ``keys`` on ``workers`` processes, at most one document each at a time; whether each
    is healthy, in the order they finished, or None when ``stop`` cut the run short.

    Workers are spawned (a fresh interpreter each, with this process's environment as it is
    now) and open ``instance`` from its reference. One worker is this process itself.
    """
    healthy: list[bool] = []
    if min(workers, len(keys)) <= 1:
        for key in keys:
            if stop:
                return None
            line, ok = _run_document(instance, key, run_config)
            _say(line)
            healthy.append(ok)
        return None if stop else healthy
    todo = iter(keys)
    with ProcessPoolExecutor(min(workers, len(keys)), multiprocessing.get_context("spawn"),
                             _start_worker, (instance.get_ref(), os.getpid())) as pool:
        running: dict[Future[tuple[str, bool]], str] = {}

        def start_next() -> None:
            key = next(todo, None)
            if key is None or stop:
                return
            try:
                running[pool.submit(_run_in_worker, key, run_config)] = key
            except BrokenProcessPool:  # a worker died: say so for each document not run
                for left in (key, *todo):
                    _say(f"  {left}: FAILED: not run, a worker process died")
                    healthy.append(False)

        for _ in range(min(workers, len(keys))):
            start_next()
        while running:
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                key = running.pop(future)
                try:
                    line, ok = future.result()
                except BrokenProcessPool as exc:
                    line, ok = f"  {key}: FAILED: its worker process died ({exc})", False
                _say(line)
                healthy.append(ok)
                start_next()
    return None if stop else healthy


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


#: Exit status when another ``ionlit run`` is using the instance (EX_TEMPFAIL: try later).
BUSY_EXIT = 75
#: The file under ``DAGSTER_HOME`` an ``ionlit run`` holds locked while it runs.
RUN_LOCK_NAME = ".ionlit-run.lock"
#: How often ``--wait`` tries the lock again.
LOCK_POLL_SECONDS = 0.5


def _try_lock(lock: IO[str]) -> bool:
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    lock.seek(0)
    lock.truncate()
    lock.write(f"pid {os.getpid()}, started {datetime.now(UTC).isoformat(timespec='seconds')}\n")
    lock.flush()
    return True


@contextmanager
def instance_lock(home: Path, wait: bool, stop: StopRequest) -> Iterator[str | None]:
    """One ``ionlit run`` per instance at a time: two would register and delete each other's
    partitions and race for the corpus commit. Yields None once this run holds the lock, or
    what the lock file says of the run holding it (when not waiting, or stopped while waiting).
    The operating system releases the lock when the process ends, however it ends."""
    home.mkdir(parents=True, exist_ok=True)
    with (home / RUN_LOCK_NAME).open("a+", encoding="utf-8") as lock:
        told = False
        while not _try_lock(lock):
            lock.seek(0)
            holder = lock.read().strip() or "another process"
            if not wait or stop:
                yield holder
                return
            if not told:
                _say(f"waiting for the other ionlit run on this instance ({holder}) ...")
                told = True
            time.sleep(LOCK_POLL_SECONDS)
        try:
            yield None
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def run_pipeline(seeds: Path, outputs: Path, workers: int | None = None,
                 wait: bool = False) -> int:
    """Materialise everything over ``seeds`` into ``outputs`` with ``workers`` processes
    (default :func:`default_workers`); 0 unless something broke, :data:`BUSY_EXIT` when another
    run holds the instance (``wait``: wait for it instead)."""
    with _stop_on_signals() as stop:
        return _run_pipeline(seeds, outputs, stop, workers or default_workers(), wait)


def _stopped(stop: StopRequest) -> bool:
    if stop:
        _say(f"interrupted (signal {stop.signal_number}): stopped before publishing; the last "
             "committed corpus (_CORPUS.json) is unchanged")
    return bool(stop)


#: What ``ionlit run`` prints of a corpus run: the published datasets, the commit, the report.
CORPUS_OUTPUTS = (*(f"{name}_dataset" for name in SCHEMAS), "corpus_snapshot",
                  "reconciliation_report")


def _latest_outputs(instance: dg.DagsterInstance) -> dict[str, dict[str, Any]]:
    """The metadata of each of :data:`CORPUS_OUTPUTS`' latest materialisation."""
    out = {}
    for name in CORPUS_OUTPUTS:
        event = instance.get_latest_materialization_event(dg.AssetKey(name))
        out[name] = metadata_values(event.asset_materialization if event is not None else None)
    return out


def _corpus_fingerprint(run_config: dict[str, Any], stamps: Mapping[str, PdfStamp]) -> str:
    curated = CuratedSources(**run_config["resources"]["curated"]["config"])
    return corpus_inputs_fingerprint(stamps, run_config, curated.curated_paths(),
                                     Path(curated.decisions_file))


def _corpus_in_place(instance: dg.DagsterInstance, run_config: dict[str, Any],
                     fingerprint: str) -> dict[str, dict[str, Any]] | None:
    """The latest corpus run's outputs when it succeeded on these very inputs and its commit
    and report are still where it put them; else None (the corpus must run)."""
    if not latest_corpus_run_matches(instance, corpus_job.name, fingerprint):
        return None
    outputs = _latest_outputs(instance)
    store = run_config["resources"]["store"]["config"]
    committed = read_corpus(PublishSettings(root=store["root"]))
    report = outputs["reconciliation_report"].get("path")
    if committed is None or not report or not Path(str(report)).is_file() or any(
            committed.versions.get(name) != outputs[f"{name}_dataset"].get("version")
            for name in SCHEMAS):
        return None
    return outputs


def _run_pipeline(seeds: Path, outputs: Path, stop: StopRequest, workers: int,
                  wait: bool) -> int:
    with open_instance() as instance, \
            instance_lock(Path(os.environ["DAGSTER_HOME"]), wait, stop) as holder:
        if holder is not None:
            if stop:
                return INTERRUPTED_EXIT
            _say(f"another ionlit run is using the Dagster instance of DAGSTER_HOME="
                 f"{os.environ['DAGSTER_HOME']} ({holder}): nothing done; run again when it "
                 "has finished, or pass --wait")
            return BUSY_EXIT
        return _run_on_instance(instance, seeds, outputs, stop, workers)


def _run_on_instance(instance: dg.DagsterInstance, seeds: Path, outputs: Path,
                     stop: StopRequest, workers: int) -> int:
    run_config = {**resources_config(seeds, outputs), **QUIET_LOGS}
    pdfs = PdfFolder(folder=run_config["resources"]["pdfs"]["config"]["folder"])
    stamps = pdfs.stamps()
    keys = register_pdfs(instance, pdfs, stamps)
    todo = keys_to_run(instance, keys, CODE_VERSION)
    _say(f"{len(keys) - len(todo)} unchanged PDF(s) reused, {len(todo)} to extract"
         + (f" on {min(workers, len(todo))} worker(s)" if todo else ""))
    healthy = run_documents(instance, todo, run_config, workers, stop)
    if _stopped(stop) or healthy is None:
        return INTERRUPTED_EXIT
    fingerprint = _corpus_fingerprint(run_config, stamps)
    done = _corpus_in_place(instance, run_config, fingerprint)
    if done is not None:
        _say("corpus: unchanged since its last run (same code, PDFs, curated values and "
             "decisions): nothing new to publish")
        for name in SCHEMAS:
            done[f"{name}_dataset"]["created"] = False
    else:
        _say("corpus: gathering, reconciling, publishing ...")
        result = dg.execute_job(dg.reconstructable(_corpus_job), instance,
                                run_config=run_config, tags={INPUTS_TAG: fingerprint})
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
    report = done["reconciliation_report"]
    if report.get("index"):
        print(f"report: {report['index']} ({report.get('n_pages', 1) - 1} material pages)")
    print(f"report: {report['path']}")
    return 0 if all(healthy) else 1
