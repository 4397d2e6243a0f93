"""``ionlit run`` over seeds/ plus a broken PDF, twice, on a SQLite instance (two workers)."""

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import pytest

from extractors.publish import PublishSettings, list_versions, read_corpus, read_dataset
from extractors.schemas import SCHEMAS
from pipelines.cli import build_parser
from pipelines.code_version import CODE_VERSION, extractors_code_version
from pipelines.defs.jobs import corpus_job, document_job
from pipelines.run import INTERRUPTED_EXIT, run_pipeline
from tests.conftest import REPLICAS, ROOT
from tests.pipelines.conftest import Project, broken_pdf, tiny_pdf

DATASETS = tuple(SCHEMAS)
#: A run of ionlit over a few small PDFs, with room for a busy machine.
RUN_TIMEOUT_SECONDS = 300


def document_runs() -> int:
    return runs_of(document_job.name)


def runs_of(job_name: str) -> int:
    with dg.DagsterInstance.get() as instance:
        return len(instance.get_run_records(dg.RunsFilter(job_name=job_name)))


def test_run_publishes_good_documents_records_broken_one_then_reuses_them(
        project: Project, dagster_home: Path, capsys: pytest.CaptureFixture[str]):
    for replica in REPLICAS:
        shutil.copy(replica, project.pdfs / replica.name)
    broken_pdf(project.pdfs / "broken.pdf")
    settings = PublishSettings(root=str(project.outputs / "datasets"))

    version = extractors_code_version()
    assert run_pipeline(project.seeds, project.outputs, workers=2) == 0
    first = capsys.readouterr()
    assert f"{len(REPLICAS) + 1} to extract on 2 worker(s)" in first.err
    assert "broken-" in first.err and "FAILED" in first.err and "not a PDF" in first.err
    for replica in REPLICAS:  # each worker's document reported, with what it found
        assert any(replica.stem in line and ": ok, " in line and " records " in line
                   for line in first.err.splitlines())
    assert "report: " in first.out
    documents = read_dataset("documents", settings).set_index("doc_name")
    assert documents.loc["broken.pdf", "status"] == "failed"
    assert documents.loc["broken.pdf", "error"].startswith("not a PDF")
    assert (documents.drop(index="broken.pdf")["status"] == "ok").all()
    assert len(documents) == len(REPLICAS) + 1
    conductivity = read_dataset("conductivity", settings)
    assert set(conductivity["doc_name"]) <= {r.name for r in REPLICAS}
    assert document_runs() == len(REPLICAS) + 1

    if extractors_code_version() != version or version != CODE_VERSION:
        pytest.skip("extractors/ changed while this test ran (parsing again is then right)")
    assert runs_of(corpus_job.name) == 1
    assert run_pipeline(project.seeds, project.outputs, workers=2) == 0
    second = capsys.readouterr()
    assert f"{len(REPLICAS) + 1} unchanged PDF(s) reused, 0 to extract" in second.err
    assert "corpus: unchanged since its last run" in second.err
    assert document_runs() == len(REPLICAS) + 1  # nothing parsed again
    assert runs_of(corpus_job.name) == 1  # nor gathered, reconciled and published again
    for name in DATASETS:
        assert list_versions(name, settings) == ["version=0001"]
        assert f"{name}: version=0001 (unchanged" in second.out


def test_run_corpus_runs_again_when_curated_values_change(
        project: Project, dagster_home: Path, capsys: pytest.CaptureFixture[str]):
    """Only the curated sheet changed: no document is read again, the corpus is."""
    tiny_pdf(project.pdfs / "tiny.pdf")
    assert run_pipeline(project.seeds, project.outputs) == 0
    sheet = next((project.seeds / "curated").glob("*.csv"))
    sheet.write_bytes(sheet.read_bytes() + b"\n")
    capsys.readouterr()
    assert run_pipeline(project.seeds, project.outputs) == 0
    err = capsys.readouterr().err
    assert "1 unchanged PDF(s) reused, 0 to extract" in err
    assert "corpus: gathering, reconciling, publishing" in err
    assert runs_of(corpus_job.name) == 2


@pytest.mark.parametrize("workers", ["0", "-1", "two"])
def test_run_refuses_a_worker_count_below_one(workers: str,
                                              capsys: pytest.CaptureFixture[str]):
    with pytest.raises(SystemExit) as exited:
        build_parser().parse_args(["run", "--workers", workers])
    assert exited.value.code == 2
    assert "is not a whole number of at least 1" in capsys.readouterr().err


DECISIONS_HEADER = ("reconciliation_id,record_id,curated_id,decision,corrected_sigma_S_per_cm,"
                    "corrected_temperature_K,curator,decided_at,note")


@pytest.mark.parametrize(("line", "where"), [
    ("abc,,,corrected,inf,,jdoe,2026-11-20,x", ":2:17:"),
    ("abc,,,corrected,-5,,jdoe,2026-11-20,x", ":2:17:"),
    ("abc,,,accepted,,,jdoe,2026-2-01,x", ":2:"),
    ("abc,,,maybe,,,jdoe,2026-11-20,x", ":2:7:"),
    ("abc,,,accepted,,,jdoe", ":2:"),
])
def test_run_bad_decisions_publish_nothing_and_say_why(
        project: Project, dagster_home: Path, capsys: pytest.CaptureFixture[str],
        line: str, where: str):
    tiny_pdf(project.pdfs / "tiny.pdf")
    settings = PublishSettings(root=str(project.outputs / "datasets"))
    assert run_pipeline(project.seeds, project.outputs) == 0
    capsys.readouterr()
    committed = read_corpus(settings)
    assert committed is not None
    assert committed.versions == {name: "version=0001" for name in DATASETS}
    tiny_pdf(project.pdfs / "other.pdf", material="Na3PS4")  # something new to publish
    decisions = project.seeds / "decisions" / "decisions.csv"
    decisions.write_text(f"{DECISIONS_HEADER}\n{line}\n", encoding="utf-8")
    assert run_pipeline(project.seeds, project.outputs) == 1
    err = capsys.readouterr().err
    failure = next(x for x in err.splitlines() if x.startswith("corpus: FAILED"))
    assert f"decisions.csv{where}" in failure
    for name in DATASETS:  # all datasets stay on the first run's version, in step
        assert list_versions(name, settings) == ["version=0001"]
    assert read_corpus(settings) == committed  # the first run's commit still stands


def test_run_decision_reaches_report_and_curated_view(
        project: Project, dagster_home: Path, capsys: pytest.CaptureFixture[str]):
    """A value 5 decades above the consensus of independent works is an open problem, its
    record unusable; a decision naming the problem (upper-case, as a report may show it)
    closes it in the next run: in ``problems``, ``reconciliation``, ``curated`` and the report."""
    tiny_pdf(project.pdfs / "tiny.pdf", material="LiZr2(PO4)3")
    settings = PublishSettings(root=str(project.outputs / "datasets"))
    assert run_pipeline(project.seeds, project.outputs) == 0
    (problem,) = read_dataset("problems", settings).itertuples()
    assert (problem.problem_kind, problem.status) == ("outlier", "open")
    record = problem.suspect_record_ids[0]
    assert not read_dataset("curated", settings).set_index("record_id").at[record, "usable"]
    decisions = project.seeds / "decisions" / "decisions.csv"
    decisions.write_text(f"problem_id,{DECISIONS_HEADER}\n{problem.problem_id.upper()},,,,"
                         "corrected,1.7e-7,298.15,jdoe,2026-11-20,checked against the paper\n",
                         encoding="utf-8")
    assert run_pipeline(project.seeds, project.outputs) == 0
    decided = read_dataset("problems", settings).set_index("problem_id")
    assert decided.at[problem.problem_id, "status"] == "corrected"
    assert "Corrected by jdoe on 2026-11-20" in decided.at[problem.problem_id, "explanation"]
    rows = read_dataset("reconciliation", settings)
    rows = rows[rows["problem_id"] == problem.problem_id]
    assert len(rows) and set(rows["status"]) == {"corrected"}
    view = read_dataset("curated", settings).set_index("record_id")
    assert view.at[record, "decision"] == "corrected" and view.at[record, "usable"]
    assert view.at[record, "sigma_S_per_cm"] == 1.7e-7
    report = (project.outputs / "reports" / "reconciliation.html").read_text(encoding="utf-8")
    assert "checked against the paper" in report and "jdoe" in report


def _start_run(project: Project) -> subprocess.Popen[str]:
    """``ionlit run`` in its own process (and session), as a user or a scheduler starts it."""
    return subprocess.Popen(
        [str(Path(sys.executable).parent / "ionlit"), "run", "--seeds", str(project.seeds),
         "--outputs", str(project.outputs)], cwd=ROOT, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, start_new_session=True)


def _corpus_is_consistent(settings: PublishSettings) -> None:
    """Whatever happened, the committed corpus names complete versions of every dataset."""
    committed = read_corpus(settings)
    if committed is None:
        return
    assert set(committed.versions) == set(DATASETS)
    for name, version in committed.versions.items():
        assert version in list_versions(name, settings)
        read_dataset(name, settings, version)  # every file of it reads


def test_run_sigterm_stops_before_publishing(project: Project, dagster_home: Path):
    tiny_pdf(project.pdfs / "tiny.pdf")
    for replica in REPLICAS:  # something that takes a few seconds to read
        shutil.copy(replica, project.pdfs / replica.name)
    run = _start_run(project)
    assert run.stderr is not None
    for line in run.stderr:  # wait until documents are being read
        if "to extract" in line:
            break
    run.send_signal(signal.SIGTERM)
    _, err = run.communicate(timeout=RUN_TIMEOUT_SECONDS)
    assert run.returncode == INTERRUPTED_EXIT, err[-2000:]
    assert "interrupted" in err
    assert not (project.outputs / "datasets").exists()  # nothing published


def test_run_kill_9_at_random_points_keeps_the_corpus_in_step(project: Project,
                                                               dagster_home: Path):
    """SIGKILL at a few seeded random moments of runs that publish: after each, the committed
    corpus names complete versions of all datasets; a final run commits a consistent one."""
    settings = PublishSettings(root=str(project.outputs / "datasets"))
    rng = random.Random(7)
    for attempt in range(3):
        tiny_pdf(project.pdfs / f"tiny-{attempt}.pdf", material=f"Li{attempt + 3}PS4")
        run = _start_run(project)
        time.sleep(rng.uniform(2.0, 25.0))
        os.killpg(run.pid, signal.SIGKILL)
        run.communicate(timeout=60)
        _corpus_is_consistent(settings)
    assert run_pipeline(project.seeds, project.outputs) == 0
    _corpus_is_consistent(settings)
    committed = read_corpus(settings)
    assert committed is not None
    documents = read_dataset("documents", settings, committed.versions["documents"])
    assert len(documents) == 3


@dg.op
def _disk_full() -> None:
    raise OSError(28, "No space left on device", "reports/reconciliation.html.partial")


@dg.op
def _decisions_refused() -> None:
    raise dg.Failure(description="decisions.csv:2:17: not a finite positive number")


@pytest.mark.parametrize(("op", "expected"), [
    (_disk_full, "OSError: [Errno 28] No space left on device: "
                 "'reports/reconciliation.html.partial' (step _disk_full)"),
    (_decisions_refused, "decisions.csv:2:17: not a finite positive number"),
])
def test_run_failure_line_names_the_root_cause_and_step(op: dg.OpDefinition,
                                                        expected: str) -> None:
    """Dagster wraps an op's exception ('Error occurred while executing op ...'): the line
    ionlit run prints is the exception itself, with the step it happened in."""
    from pipelines.run import _failure

    result = dg.GraphDefinition(name=f"job_{op.name}", node_defs=[op]).to_job() \
        .execute_in_process(raise_on_error=False)
    assert _failure(result) == expected


def test_run_second_run_on_a_busy_instance_exits_and_says_so(
        project: Project, dagster_home: Path, capsys: pytest.CaptureFixture[str]):
    """Two runs on one instance would delete each other's partitions: the second one exits
    with BUSY_EXIT and names the holder, before touching anything."""
    import fcntl

    from pipelines.run import BUSY_EXIT, RUN_LOCK_NAME

    tiny_pdf(project.pdfs / "tiny.pdf")
    with (dagster_home / RUN_LOCK_NAME).open("a+", encoding="utf-8") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        held.write("pid 4242, started 2026-12-05T10:00:00+00:00\n")
        held.flush()
        assert run_pipeline(project.seeds, project.outputs) == BUSY_EXIT
    err = capsys.readouterr().err
    assert "another ionlit run is using the Dagster instance" in err
    assert "pid 4242" in err and "--wait" in err
    assert runs_of(document_job.name) == 0 and not (project.outputs / "datasets").exists()
    assert run_pipeline(project.seeds, project.outputs) == 0  # the lock went with its holder


def _children(pid: int) -> set[int]:
    """Processes whose parent is ``pid`` (read from /proc)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_run_kill_9_of_the_parent_leaves_no_worker_behind(project: Project,
                                                           dagster_home: Path):
    for replica in REPLICAS:  # two documents: two spawned workers
        shutil.copy(replica, project.pdfs / replica.name)
    run = subprocess.Popen(
        [str(Path(sys.executable).parent / "ionlit"), "run", "--workers", "2", "--seeds",
         str(project.seeds), "--outputs", str(project.outputs)], cwd=ROOT,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True)
    assert run.stderr is not None
    for line in run.stderr:  # the workers are being started
        if "to extract on 2 worker(s)" in line:
            break
    deadline = time.monotonic() + 60
    while len(workers := _children(run.pid)) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert len(workers) >= 2, "the run never started its workers"
    os.kill(run.pid, signal.SIGKILL)  # the parent only, not its process group
    run.wait(timeout=30)
    deadline = time.monotonic() + 20
    while (alive := {p for p in workers if Path(f"/proc/{p}").exists()}) \
            and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not alive, f"workers {sorted(alive)} outlived their ionlit run"


def test_run_document_partly_current_reports_the_reused_figures(
        project: Project, dagster_home: Path):
    """A run killed after some of a document's assets materialised leaves those current: the
    next run skips them and its progress line takes their figures from the instance (it died
    with KeyError: 'table_records')."""
    from pipelines.definitions import resources_config
    from pipelines.run import QUIET_LOGS, _run_document
    from tests.pipelines.conftest import register

    tiny_pdf(project.pdfs / "tiny.pdf")
    with dg.DagsterInstance.get() as instance:
        (key,) = register(instance, project.pdfs)
        run_config = {**resources_config(project.seeds, project.outputs), **QUIET_LOGS}
        line, ok = _run_document(instance, key, run_config)
        assert ok and ", 1 records" in line
        line, ok = _run_document(instance, key, run_config)  # everything current now
    assert ok and f"{key}: ok, 1 pages, 1 records" in line
