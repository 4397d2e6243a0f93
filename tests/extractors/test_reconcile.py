"""Tests for extractors.reconcile: curated loading, statuses, decisions, reports."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pytest

from extractors.errors import CuratedDataError, DecisionError
from extractors.materials import resolve_material
from extractors.reconcile import (
    CURATED_COLUMNS,
    RECONCILIATION_COLUMNS,
    STATUSES,
    ReconcileSettings,
    load_curated,
    load_decisions,
    reconcile,
    reconciliation_to_markdown,
    summarise_reconciliation,
    unmatched_decisions,
)
from extractors.records import RECORD_COLUMNS, ConductivityRecord, records_to_frame

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
SHARED_CURATED = ROOT.parent / "shared" / "curated"
DOC = "d" * 64


def _record(material: str, value_raw: str, sigma: float | None, temperature_K: float | None,
            *, low: float | None = None, high: float | None = None, qualifier: str = "exact",
            top: float = 100.0, page: int = 3, doc: str = DOC) -> ConductivityRecord:
    ref = resolve_material(material)
    return ConductivityRecord(
        doc_sha256=doc, doc_name="review.pdf", source="table", page=page, x0=50.0, top=top,
        x1=300.0, bottom=top + 10, material_raw=material, value_raw=value_raw,
        qualifier=qualifier, evidence=f"{material} {value_raw}", table_id="p3-t1",
        material_formula=ref.formula, family=ref.family, sigma_S_per_cm=sigma,
        sigma_low_S_per_cm=low if sigma is None else sigma,
        sigma_high_S_per_cm=high if sigma is None else sigma,
        temperature_K=temperature_K)


def _records(*records: ConductivityRecord) -> pd.DataFrame:
    return records_to_frame(list(records))


def _curated(*rows: dict[str, Any]) -> pd.DataFrame:
    full = []
    for i, row in enumerate(rows, start=1):
        sigma = row.get("sigma_S_per_cm")
        full.append({
            "curated_id": f"C{i:03d}",
            "material_formula": resolve_material(row["material"]).formula,
            "sigma_low_S_per_cm": sigma, "sigma_high_S_per_cm": sigma, "temperature_K": 298.15,
            "source_dataset": "curators_sheet", "primary_source": "test", "doi": None,
            "expected_in_corpus": True, "note": None, **row})
    return pd.DataFrame(full, columns=list(CURATED_COLUMNS))


def _one(result: pd.DataFrame) -> pd.Series:
    assert len(result) == 1, result[["status", "explanation"]]
    return result.iloc[0]


@pytest.mark.parametrize(("value_raw", "sigma", "doc_t", "cur_sigma", "cur_t", "status"), [
    ("1.25 × 10^-1", 1.25e-1, 573.0, 1.25e-1, 573.15, "agrees"),
    ("1.0 × 10^-3", 1.0e-3, 300.0, 1.0e-3, 298.15, "agrees"),
    ("5.2 × 10^-4", 5.2e-4, 298.15, 5.24e-4, 298.15, "rounding"),
    ("3 × 10^-3", 3e-3, 298.15, 3.4e-3, 298.15, "rounding"),
    ("125", 125.0, 573.0, 1.25e-1, 573.15, "unit_slip"),
    ("0.17", 1.7e-3, 298.15, 1.7e-2, 298.15, "unit_slip"),
    ("3.2 × 10^-3", 3.2e-3, 298.15, 1.7e-2, 298.15, "value_conflict"),
    ("5.4 × 10^-4", 5.4e-4, 298.15, 5.2e-4, 298.15, "value_conflict"),
    ("1.25 × 10^-1", 1.25e-1, 298.15, 1.25e-1, 573.15, "temperature_conflict"),
    ("1.2 × 10^-2", 1.2e-2, 310.0, 1.2e-2, 300.15, "temperature_conflict"),
    ("1.2 × 10^-2", 1.2e-2, None, 1.2e-2, 300.15, "agrees"),
])
def test_reconcile_status_of_single_values(value_raw: str, sigma: float, doc_t: float | None,
                                           cur_sigma: float, cur_t: float,
                                           status: str) -> None:
    records = _records(_record("Li7P3S11", value_raw, sigma, doc_t))
    curated = _curated({"material": "Li7P3S11", "sigma_S_per_cm": cur_sigma,
                        "temperature_K": cur_t})
    row = _one(reconcile(records, curated))
    assert row["status"] == status
    assert row["original_status"] == status
    assert f": {status}" in row["explanation"]
    assert row["curated_ids"] == ["C001"]
    assert row["record_ids"] == list(records["record_id"])
    assert row["factor"] == pytest.approx(sigma / cur_sigma)


def test_reconcile_explanation_reads_as_a_sentence() -> None:
    records = _records(_record("Li14Zn(GeO4)4", "1.25 × 10^-1", 1.25e-1, 573.0))
    curated = _curated({"material": "Li14ZnGe4O16", "sigma_S_per_cm": 1.25e-1,
                        "temperature_K": 573.15})
    row = _one(reconcile(records, curated))
    assert row["explanation"] == (
        "document 1.25e-1 S/cm at 573 K vs curated 1.25e-1 at 573.15 K (C001): agrees")
    assert row["temperature_diff_K"] == pytest.approx(-0.15)
    assert row["curated_source"] == "curators_sheet: test"


@pytest.mark.parametrize(("low", "high", "qualifier", "cur_sigma", "status"), [
    (1e-6, 1e-5, "range", 5e-6, "agrees"),
    (1e-6, 1e-5, "range", 5e-5, "value_conflict"),
    (1e-4, None, "lower_bound", 2e-4, "agrees"),
    (None, 1e-7, "upper_bound", 2e-4, "value_conflict"),
])
def test_reconcile_ranges_compare_by_containment(low: float | None, high: float | None,
                                                 qualifier: str, cur_sigma: float,
                                                 status: str) -> None:
    records = _records(_record("Na3PS4", "range", None, 298.15, low=low, high=high,
                               qualifier=qualifier))
    curated = _curated({"material": "Na3PS4", "sigma_S_per_cm": cur_sigma})
    row = _one(reconcile(records, curated))
    assert row["status"] == status
    assert pd.isna(row["factor"])


@pytest.mark.parametrize(("sigma", "status"), [(5e-11, "agrees"), (3e-9, "value_conflict")])
def test_reconcile_curated_bound_compares_by_containment(sigma: float, status: str) -> None:
    records = _records(_record("Li4P2O7", "value", sigma, 298.15))
    curated = _curated({"material": "Li4P2O7", "sigma_S_per_cm": None,
                        "sigma_low_S_per_cm": None, "sigma_high_S_per_cm": 1e-10})
    assert _one(reconcile(records, curated))["status"] == status


@pytest.mark.parametrize(("document", "curated"), [
    ("Li14P6S22", "Li7P3S11"),
    ("LISICON Li14Zn(GeO4)4", "Li14ZnGe4O16"),
    ("β′′-Al2O3", "β''-Al2O3"),
    ("LiPON", "LiPON"),
    ("Na2−x(CB11H12)x(B12H12)1−x", "Na2-x(CB11H12)x(B12H12)1-x"),
    ("Mg(BH4)2•NH3", "Mg(BH4)2·NH3"),
])
def test_reconcile_matches_equivalent_materials(document: str, curated: str) -> None:
    records = _records(_record(document, "2 × 10^-6", 2e-6, 298.15))
    row = _one(reconcile(records, _curated({"material": curated, "sigma_S_per_cm": 2e-6})))
    assert row["status"] == "agrees"


def test_reconcile_only_in_document_and_only_in_curated() -> None:
    records = _records(_record("Li3InCl6", "1 × 10^-3", 1e-3, 298.15))
    curated = _curated({"material": "Li3YCl6", "sigma_S_per_cm": 5.1e-4},
                       {"material": "Sm0.95Ca0.05F2.95", "sigma_S_per_cm": None,
                        "temperature_K": None})
    result = reconcile(records, curated).set_index("status")
    assert sorted(result.index) == ["only_in_curated", "only_in_document"]
    only_doc = result.loc["only_in_document"]
    assert only_doc["curated_ids"] == [] and only_doc["record_ids"] == list(records["record_id"])
    only_cur = result.loc["only_in_curated"]
    assert only_cur["curated_ids"] == ["C001"] and only_cur["record_ids"] == []
    assert only_cur["doc_sha256"] == DOC
    assert "Li3YCl6" in only_cur["explanation"]


def test_reconcile_public_datasets_compare_but_never_only_in_curated() -> None:
    records = _records(_record("Li6PS5Cl", "1.9 × 10^-3", 1.9e-3, 298.15))
    curated = _curated(
        {"material": "Li6PS5Cl", "sigma_S_per_cm": 1.9e-3, "curated_id": "obelix:a",
         "source_dataset": "obelix", "expected_in_corpus": False},
        {"material": "Li6PS5Cl", "sigma_S_per_cm": 1.0e-3, "curated_id": "obelix:b",
         "source_dataset": "obelix", "expected_in_corpus": False},
        {"material": "Li7BiO6", "sigma_S_per_cm": 1.6e-6, "curated_id": "obelix:c",
         "source_dataset": "obelix", "expected_in_corpus": False})
    row = _one(reconcile(records, curated))
    assert (row["status"], row["curated_ids"]) == ("agrees", ["obelix:a"])
    assert row["curated_source"].startswith("obelix")
    private = reconcile(records, curated, settings={"compare_public": False})
    assert _one(private)["status"] == "only_in_document"


def test_reconcile_pairs_closest_temperature_then_value() -> None:
    records = _records(
        _record("NaCB11H12 (NCB)", "4 × 10^-3", 4e-3, 298.15, top=100),
        _record("NaCB11H12 (NCB)", "1 × 10^-8", 1e-8, 298.15, top=120),
        _record("NaCB11H12 (NCB)", "7 × 10^-2", 7e-2, 400.0, top=140),
        _record("Li7P3S11", "1.7 × 10^-2", 1.7e-2, 298.15, top=160),
    )
    curated = _curated({"material": "NaCB11H12", "sigma_S_per_cm": 4e-3},
                       {"material": "NaCB11H12", "sigma_S_per_cm": 9.78e-9},
                       {"material": "Li7P3S11", "sigma_S_per_cm": 1.7e-2},
                       {"material": "Li7P3S11", "sigma_S_per_cm": 3.2e-3})
    result = reconcile(records, curated)
    result = result.set_index(result["curated_ids"].str[0])
    ids = list(records["record_id"])
    assert result.index.tolist() == ["C001", "C002", "C003", "C004"]
    assert result.loc["C001", "record_ids"] == [ids[0], ids[2]]
    assert "1 other document value" in result.loc["C001", "explanation"]
    assert (result.loc["C002", "status"], result.loc["C002", "record_ids"]) == (
        "rounding", [ids[1]])
    assert result.loc["C003", "status"] == "agrees"
    assert result.loc["C004", "status"] == "only_in_curated"


def test_reconcile_ids_are_stable_and_unique() -> None:
    records = _records(_record("Li7P3S11", "1.7 × 10^-2", 1.7e-2, 298.15),
                       _record("Li3InCl6", "1 × 10^-3", 1e-3, 298.15, top=300))
    curated = _curated({"material": "Li7P3S11", "sigma_S_per_cm": 1.7e-2},
                       {"material": "Na3PS4", "sigma_S_per_cm": 2e-4})
    first = reconcile(records, curated)
    second = reconcile(records.iloc[::-1].reset_index(drop=True), curated)
    assert first["reconciliation_id"].is_unique
    assert sorted(first["reconciliation_id"]) == sorted(second["reconciliation_id"])
    assert list(first.columns) == list(RECONCILIATION_COLUMNS)


def test_reconcile_frame_has_a_stable_arrow_schema() -> None:
    records = _records(_record("Li7P3S11", "1.7 × 10^-2", 1.7e-2, 298.15))
    schema = pa.Table.from_pandas(
        reconcile(records, _curated({"material": "Li7P3S11", "sigma_S_per_cm": 1.7e-2})),
        preserve_index=False).schema
    assert schema.field("record_ids").type == pa.list_(pa.string())
    assert pa.types.is_string(schema.field("decision").type) or pa.types.is_large_string(
        schema.field("decision").type)
    assert schema.field("factor").type == pa.float64()


def test_reconcile_empty_records_make_every_curated_value_missing() -> None:
    records = records_to_frame([])
    assert list(records.columns) == list(RECORD_COLUMNS)
    curated = _curated({"material": "Li7P3S11", "sigma_S_per_cm": 1.7e-2})
    row = _one(reconcile(records, curated))
    assert row["status"] == "only_in_curated" and pd.isna(row["doc_sha256"])


def _write_decisions(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "decisions.csv"
    header = (SEEDS / "decisions" / "decisions.csv").read_text(encoding="utf-8")
    path.write_text(header + "".join(f"{line}\n" for line in lines), encoding="utf-8")
    return path


@pytest.mark.parametrize(("by_id", "decision", "corrected"), [
    (True, "accepted", ""),
    (False, "rejected", ""),
    (False, "corrected", "1.25e-1"),
])
def test_reconcile_applies_decisions(tmp_path: Path, by_id: bool, decision: str,
                                     corrected: str) -> None:
    records = _records(_record("Li14ZnGe4O16", "125", 125.0, 573.0))
    curated = _curated({"material": "Li14ZnGe4O16", "sigma_S_per_cm": 1.25e-1,
                        "temperature_K": 573.15})
    before = _one(reconcile(records, curated))
    assert before["status"] == "unit_slip"
    key = (f"{before['reconciliation_id']},," if by_id
           else f",{before['record_ids'][0]},C001")
    path = _write_decisions(
        tmp_path, f"{key},{decision},{corrected},,jdoe,2026-11-20,value is in mS/cm")
    after = _one(reconcile(records, curated, load_decisions(path)))
    assert (after["status"], after["decision"]) == (decision, decision)
    assert after["original_status"] == "unit_slip"
    assert ": unit_slip" in after["explanation"] and "jdoe" in after["explanation"]
    assert after["decision_note"] == "value is in mS/cm"
    assert after["reconciliation_id"] == before["reconciliation_id"]
    if corrected:
        assert after["corrected_sigma_S_per_cm"] == pytest.approx(0.125)


def test_reconcile_latest_decision_wins(tmp_path: Path) -> None:
    records = _records(_record("Li7P3S11", "3.2 × 10^-3", 3.2e-3, 298.15))
    curated = _curated({"material": "Li7P3S11", "sigma_S_per_cm": 1.7e-2})
    rid = _one(reconcile(records, curated))["reconciliation_id"]
    path = _write_decisions(tmp_path, f"{rid},,,accepted,,,a,2026-11-21,",
                            f"{rid},,,rejected,,,b,2026-11-20,")
    assert _one(reconcile(records, curated, load_decisions(path)))["status"] == "accepted"


def test_reconcile_unmatched_decisions_are_reported(tmp_path: Path) -> None:
    records = _records(_record("Li7P3S11", "3.2 × 10^-3", 3.2e-3, 298.15))
    curated = _curated({"material": "Li7P3S11", "sigma_S_per_cm": 1.7e-2})
    result = reconcile(records, curated)
    rid, record_id = result.iloc[0]["reconciliation_id"], records.iloc[0]["record_id"]
    path = _write_decisions(tmp_path, f"{rid},,,accepted,,,a,2026-11-21,",
                            f",{record_id},C001,accepted,,,a,2026-11-21,",
                            "stale0000,,,rejected,,,a,2026-11-21,",
                            ",,C009,rejected,,,a,2026-11-21,")
    stale = unmatched_decisions(result, load_decisions(path))
    assert stale["reconciliation_id"].tolist()[0] == "stale0000"
    assert stale["curated_id"].tolist()[1] == "C009"
    assert len(stale) == 2


@pytest.mark.parametrize(("line", "message"), [
    ("abc,,,approved,,,jdoe,2026-11-20,", r"line 3: decision 'approved'"),
    (",,,accepted,,,jdoe,2026-11-20,", "line 3: needs reconciliation_id"),
    ("abc,,,corrected,,,jdoe,2026-11-20,", "line 3: 'corrected' needs"),
    ("abc,,,corrected,ten,,jdoe,2026-11-20,", "line 3: corrected_sigma_S_per_cm 'ten'"),
])
def test_reconcile_load_decisions_rejects_bad_rows(tmp_path: Path, line: str,
                                                   message: str) -> None:
    path = _write_decisions(tmp_path, "abc,,,accepted,,,jdoe,2026-11-20,ok", line)
    with pytest.raises(DecisionError, match=message):
        load_decisions(path)


def test_reconcile_load_decisions_seed_file_is_valid() -> None:
    decisions = load_decisions(SEEDS / "decisions" / "decisions.csv")
    assert decisions.empty and "decision" in decisions.columns


def test_reconcile_summary_and_markdown_put_conflicts_first() -> None:
    records = _records(_record("Li7P3S11", "3.2 × 10^-3", 3.2e-3, 298.15, page=7),
                       _record("Na3PS4", "2 × 10^-4", 2e-4, 298.15, top=300))
    curated = _curated({"material": "Li7P3S11", "sigma_S_per_cm": 1.7e-2},
                       {"material": "Na3PS4", "sigma_S_per_cm": 2e-4})
    result = reconcile(records, curated)
    summary = summarise_reconciliation(result)
    assert set(summary) == set(STATUSES)
    assert (summary["value_conflict"], summary["agrees"], summary["rounding"]) == (1, 1, 0)
    report = reconciliation_to_markdown(result, records)
    assert report.index("## value_conflict") < report.index("## agrees")
    assert "p. 7, table p3-t1" in report and "Li7P3S11 3.2 × 10^-3" in report
    assert "p. 7" not in reconciliation_to_markdown(result)


@pytest.mark.parametrize("bad", [{"relative_tolerance": -1}, {"max_unit_slip_exponent": 0},
                                 {"temperature_tolerance_K": float("nan")}, {"nope": 1}])
def test_reconcile_settings_are_validated(bad: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        ReconcileSettings.resolve(bad)


def test_reconcile_load_curated_seed_files() -> None:
    curated = load_curated([SEEDS / "curated" / "curators_sheet.csv",
                            SEEDS / "curated" / "obelix_all.csv",
                            SEEDS / "curated" / "obelix_train.csv"])
    assert list(curated.columns) == list(CURATED_COLUMNS)
    counts = curated["source_dataset"].value_counts()
    assert (counts["curators_sheet"], counts["obelix"]) == (25, 599)
    sheet = curated[curated["source_dataset"] == "curators_sheet"].set_index("curated_id")
    assert sheet["expected_in_corpus"].all()
    assert sheet.loc["C001", "material_formula"] == "Ge4Li14O16Zn"
    assert pd.isna(sheet.loc["C002", "material_formula"])
    assert sheet.loc["C018", "doi"] == "10.1038/nmat3066"
    obelix = curated[curated["source_dataset"] == "obelix"]
    assert not obelix["expected_in_corpus"].any()
    assert (obelix["temperature_K"] == 298.15).all()
    bounds = obelix[obelix["sigma_S_per_cm"].isna()]
    assert len(bounds) == 37 and bounds["sigma_high_S_per_cm"].notna().all()


@pytest.mark.shared
@pytest.mark.skipif(not SHARED_CURATED.is_dir(), reason="needs ../shared/curated")
def test_reconcile_load_curated_public_datasets() -> None:
    curated = load_curated([SHARED_CURATED / "liverpool_ionics_LiIonDatabase.csv",
                            SHARED_CURATED / "laskowski2023_with_dois.csv"])
    counts = curated["source_dataset"].value_counts()
    assert (counts["liverpool"], counts["laskowski2023"]) == (820, 1346)
    liverpool = curated[curated["source_dataset"] == "liverpool"].set_index("curated_id")
    assert liverpool.loc["liverpool:1", "temperature_K"] == pytest.approx(573.15)
    assert "liverpool:922#2" in liverpool.index
    laskowski = curated[curated["source_dataset"] == "laskowski2023"]
    assert (laskowski["temperature_K"] == 298.15).all()


def test_reconcile_load_curated_rejects_unknown_layout(tmp_path: Path) -> None:
    path = tmp_path / "other.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(CuratedDataError, match="unknown curated layout"):
        load_curated([path])
