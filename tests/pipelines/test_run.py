"""``ionlit run`` over seeds/ plus a broken PDF, twice, on a SQLite instance (multiprocess)."""

import shutil
from pathlib import Path

import dagster as dg
import pytest

from extractors.publish import PublishSettings, list_versions, read_dataset
from pipelines.code_version import CODE_VERSION, extractors_code_version
from pipelines.jobs import document_job
from pipelines.run import run_pipeline
from tests.conftest import REPLICAS
from tests.pipelines.conftest import Project, broken_pdf

DATASETS = ("documents", "conductivity", "tables", "reconciliation")


def document_runs() -> int:
    with dg.DagsterInstance.get() as instance:
        return len(instance.get_run_records(dg.RunsFilter(job_name=document_job.name)))


def test_run_publishes_good_documents_records_broken_one_then_reuses_them(
        project: Project, dagster_home: Path, capsys: pytest.CaptureFixture[str]):
    for replica in REPLICAS:
        shutil.copy(replica, project.pdfs / replica.name)
    broken_pdf(project.pdfs / "broken.pdf")
    settings = PublishSettings(root=str(project.outputs / "datasets"))

    version = extractors_code_version()
    assert run_pipeline(project.seeds, project.outputs) == 0
    first = capsys.readouterr()
    assert "broken-" in first.err and "FAILED" in first.err and "not a PDF" in first.err
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
    assert run_pipeline(project.seeds, project.outputs) == 0
    second = capsys.readouterr()
    assert f"{len(REPLICAS) + 1} unchanged PDF(s) reused, 0 to extract" in second.err
    assert document_runs() == len(REPLICAS) + 1  # nothing parsed again
    for name in DATASETS:
        assert list_versions(name, settings) == ["version=0001"]
        assert f"{name}: version=0001 (unchanged" in second.out
