"""Assets and checks on tiny inputs, in process: a broken PDF fails its partition only."""

from pathlib import Path

import dagster as dg
import pandas as pd
import pytest

from extractors.layout import sha256_of
from extractors.publish import PublishSettings, latest_version, read_dataset
from extractors.records import records_to_frame
from extractors.schemas import SCHEMAS
from pipelines.defs.documents.partitions import PER_DOCUMENT, document_key, document_partitions
from pipelines.defs.documents.resources import PdfFolder
from pipelines.defs.extraction.checks import documents_all_read
from pipelines.defs.publishing.checks import schema_result, unique_ids_result
from pipelines.defs.reconciliation.checks import no_open_problems, no_unreviewed_conflicts
from tests.pipelines.conftest import (
    CORPUS,
    Project,
    broken_pdf,
    materialize,
    register,
    tiny_pdf,
)


def test_partitions_key_is_readable_and_follows_content(tmp_path: Path):
    pdf = tiny_pdf(tmp_path / "Li7P3S11 Review (2024).pdf")
    key = document_key(pdf, sha256_of(pdf))
    assert key == f"li7p3s11-review-2024-{sha256_of(pdf)[:8]}"
    long = tiny_pdf(
        tmp_path / "Ionic conductivity of Li6PS5Cl argyrodites - Kasabina RJIC 2006.pdf")
    assert document_key(long, sha256_of(long)) == \
        f"ionic-conductivity-of-li6ps5cl-argyrodites-kasabina-rjic-2006-{sha256_of(long)[:8]}"
    assert PdfFolder(folder=str(tmp_path)).path_of(key) == pdf
    tiny_pdf(pdf, material="Na3PS4")
    with pytest.raises(FileNotFoundError, match="removed or changed"):
        PdfFolder(folder=str(tmp_path)).path_of(key)


def test_assets_broken_pdf_fails_its_partition_removed_pdf_leaves_next_version(project: Project,
                                                               instance: dg.DagsterInstance):
    tiny_pdf(project.pdfs / "good.pdf")
    broken_pdf(project.pdfs / "broken.pdf")
    broken_key, good_key = register(instance, project.pdfs)

    good = materialize(project, instance, list(PER_DOCUMENT), good_key)
    broken = materialize(project, instance, list(PER_DOCUMENT), broken_key)
    assert good.success
    assert not broken.success
    failure = next(e for e in broken.all_events if e.is_step_failure)
    assert "broken.pdf: not a PDF" in failure.step_failure_data.error.message
    stored = {e.asset_key.to_user_string() for e in broken.get_asset_materialization_events()}
    assert stored == {"document"}  # its failed row, nothing else

    corpus = materialize(project, instance, CORPUS)
    assert corpus.success
    documents = corpus.output_for_node("documents")
    assert documents.set_index("doc_name")["status"].to_dict() == {"broken.pdf": "failed",
                                                                    "good.pdf": "ok"}
    checks = {(e.asset_key.to_user_string(), e.check_name): e
              for e in corpus.get_asset_check_evaluations()}
    assert not checks["documents", "documents_all_read"].passed
    assert checks["documents", "documents_all_read"].severity == dg.AssetCheckSeverity.WARN
    for name in SCHEMAS:
        assert checks[f"{name}_dataset", "matches_schema"].passed
        assert checks[f"{name}_dataset", "unique_ids"].passed
    settings = PublishSettings(root=str(project.outputs / "datasets"))
    published = read_dataset("documents", settings)
    assert published.loc[published["status"] == "failed", "error"].str.startswith(
        "not a PDF").all()
    assert latest_version("conductivity", settings) == "version=0001"
    assert (project.outputs / "reports" / "reconciliation.html").is_file()
    assert (project.outputs / "reports" / "reconciliation.csv").is_file()

    instance.delete_dynamic_partition(document_partitions.name, broken_key)  # PDF removed
    assert materialize(project, instance, CORPUS).success
    assert list(read_dataset("documents", settings)["doc_name"]) == ["good.pdf"]
    assert latest_version("documents", settings) == "version=0002"
    assert latest_version("conductivity", settings) == "version=0001"  # nothing else changed


def test_checks_schema_rejects_a_bad_frame_and_warns_on_extra_columns():
    bad = records_to_frame([]).drop(columns=["record_id"])
    result = schema_result("conductivity", bad)
    assert not result.passed
    assert result.severity == dg.AssetCheckSeverity.ERROR
    extra = records_to_frame([]).assign(note=pd.Series(dtype="string"))
    result = schema_result("conductivity", extra)
    assert not result.passed
    assert result.severity == dg.AssetCheckSeverity.WARN
    assert result.metadata["unpublished_columns"].value == ["note"]
    assert schema_result("conductivity", records_to_frame([])).passed


def test_checks_unique_ids_name_the_duplicates():
    frame = pd.DataFrame({"reconciliation_id": ["a", "b", "a"]})
    result = unique_ids_result("reconciliation", frame)
    assert not result.passed
    assert result.severity == dg.AssetCheckSeverity.ERROR
    assert result.metadata["n_duplicated_rows"].value == 2
    assert "- a" in result.metadata["duplicated"].value
    assert unique_ids_result("reconciliation", frame.drop_duplicates()).passed
    assert not unique_ids_result("reconciliation", pd.DataFrame({"x": [1]})).passed


def test_checks_unreviewed_conflicts_warn():
    frame = pd.DataFrame({"status": ["agrees", "value_conflict", "accepted"],
                          "explanation": ["ok", "10x apart", "fine"],
                          "reconciliation_id": ["a", "b", "c"]})
    result = no_unreviewed_conflicts(frame)
    assert not result.passed
    assert result.severity == dg.AssetCheckSeverity.WARN
    assert result.metadata["value_conflict"].value == 1
    assert no_unreviewed_conflicts(frame[frame["status"] != "value_conflict"]).passed


def test_checks_open_problems_warn():
    frame = pd.DataFrame({"problem_id": ["p1", "p2"], "problem_kind": ["outlier",
                                                                       "error_candidate"],
                          "verdict": ["outlier", "unit_slip"], "status": ["open", "corrected"],
                          "explanation": ["far", "slip"]})
    result = no_open_problems(frame)
    assert not result.passed and result.severity == dg.AssetCheckSeverity.WARN
    assert (result.metadata["n_open"].value, result.metadata["outlier"].value) == (1, 1)
    assert no_open_problems(frame[frame["status"] != "open"]).passed


def test_checks_documents_all_read_lists_failures():
    frame = pd.DataFrame({"doc_name": ["a.pdf", "b.pdf"], "status": ["ok", "failed"],
                          "error": [None, "encrypted: password needed"]})
    result = documents_all_read(frame)
    assert not result.passed
    assert "b.pdf: encrypted" in result.metadata["failed"].value


def test_assets_raising_table_is_skipped_not_the_document(project: Project,
                                                          instance: dg.DagsterInstance,
                                                          monkeypatch: pytest.MonkeyPatch):
    """As ``ionlit extract``: a table that raises loses its own records only, and the
    ``documents`` row says which table and why."""
    from extractors import tables
    from tests.extractors.test_table_domains import _raise_for, _two_tables

    _two_tables(project.pdfs / "two.pdf")
    (key,) = register(instance, project.pdfs)
    monkeypatch.setattr(tables, "table_to_records", _raise_for("p1-t1", tables.table_to_records))
    assert materialize(project, instance, list(PER_DOCUMENT), key).success
    corpus = materialize(project, instance, ["conductivity", "documents"])
    assert corpus.success
    records = corpus.output_for_node("conductivity")
    assert set(zip(records["source"], records["material_raw"], strict=True)) == {
        ("table", "Li10GeP2S12"), ("table", "Li3YCl6"), ("text", "Li6PS5Cl")}
    (row,) = corpus.output_for_node("documents").to_dict("records")
    assert row["status"] == "ok" and row["n_records"] == 3
    assert row["skipped_tables"].startswith("p1-t1 (records): ValueError: min() arg is an empty")
