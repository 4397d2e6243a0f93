"""Tests for extractors.reconcile (with comparison, statements, curated): each verdict pinned on
small data built here, then the review's own slips on the replicas end to end."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from extractors.comparison import CompareSettings, Value, compare
from extractors.curated import CURATED_COLUMNS, bracketed_citations, load_curated
from extractors.curation import curated_view, unmatched_decisions
from extractors.decisions import load_decisions
from extractors.errors import CuratedDataError, DecisionError
from extractors.materials import resolve_material
from extractors.reconcile import (
    STATUSES,
    ReconcileSettings,
    reconcile,
    summarise_reconciliation,
)
from extractors.records import ConductivityRecord, records_to_frame
from extractors.schemas import frame_to_table
from extractors.statements import dropped_digit, material_key, records_to_statements
from tests.conftest import REPLICAS, SEEDS, shared_path

DOC_A, DOC_B, DOC_C = "a" * 64, "b" * 64, "c" * 64
WORK = "doi:10.1/review"


def _record(material: str, value_raw: str, sigma: float | None, temperature_K: float | None,
            *, source: str = "table", page: int = 3, doc: str = DOC_A, work: str = WORK,
            top: float = 100.0, temperature_raw: str | None = None, low: float | None = None,
            high: float | None = None, reference: str | None = None,
            evidence: str | None = None) -> ConductivityRecord:
    ref = resolve_material(material)
    return ConductivityRecord(
        doc_sha256=doc, doc_name=f"{doc[:4]}.pdf", source=source, page=page, x0=50.0, top=top,
        x1=300.0, bottom=top + 10, material_raw=material, value_raw=value_raw,
        qualifier="exact" if sigma is not None else "range",
        evidence=evidence or f"{material} {value_raw}",
        table_id="p3-t1" if source == "table" else None, material_formula=ref.formula,
        sigma_S_per_cm=sigma, sigma_low_S_per_cm=low if sigma is None else sigma,
        sigma_high_S_per_cm=high if sigma is None else sigma, temperature_K=temperature_K,
        temperature_raw=temperature_raw, reference=reference, work_id=work)


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
            "citations": None, "expected_in_corpus": True, "note": None, **row})
    return pd.DataFrame(full, columns=list(CURATED_COLUMNS))


NO_CURATED = _curated()


# --- the verdicts -----------------------------------------------------------------------------

@pytest.mark.parametrize(("a", "b", "status"), [
    (Value(1.25e-1, temperature_K=573.0), Value(1.25e-1, temperature_K=573.15), "agrees"),
    (Value(5.2e-4, figures=2, temperature_K=298.15), Value(5.24e-4, temperature_K=298.15),
     "rounding"),
    (Value(1e-5, figures=1), Value(1.03e-5, figures=3, temperature_K=298.0), "rounding"),
    (Value(125.0, temperature_K=573.0), Value(1.25e-1, temperature_K=573.15), "unit_slip"),
    (Value(1e-7), Value(1e-1, temperature_K=529.0), "unit_slip"),
    (Value(1.7e-3), Value(1.7e-2), "value_conflict"),  # a factor 10 is no unit slip
    (Value(3.2e-3), Value(1.7e-2), "value_conflict"),
    (Value(3.3e-4, temperature_K=343.15), Value(3.3e-4, temperature_K=353.0),
     "temperature_conflict"),
    (Value(1e-3, temperature_K=573.15), Value(1e-3, temperature_K=300.0),
     "temperature_conflict"),
    (Value(2e-3, temperature_K=573.15, temperature_raw="300 K"),
     Value(5e-5, temperature_K=300.0, temperature_raw="300 °C"), "temperature_conflict"),
    (Value(2e-3, temperature_K=343.15, temperature_raw="70 °C"),
     Value(5e-5, temperature_K=70.0, temperature_raw="70 K"), "temperature_conflict"),
    (Value(None, 1e-6, 1e-5), Value(3e-6), "agrees"),
    (Value(None, 1e-6, 1e-5), Value(3e-4), "value_conflict"),
    (Value(None, None, 1e-10), Value(1e-11), "agrees"),
])
def test_comparison_verdicts(a: Value, b: Value, status: str) -> None:
    verdict = compare(a, b)
    assert verdict is not None and verdict.status == status, verdict


def test_comparison_different_values_at_different_temperatures_are_two_measurements() -> None:
    assert compare(Value(1e-3, temperature_K=373.15), Value(1e-5, temperature_K=298.15)) is None


def test_comparison_says_which_temperature_is_missing() -> None:
    verdict = compare(Value(1e-7, label="the table (p. 12)"),
                      Value(1e-1, temperature_K=529.0, label="the text (p. 9)"))
    assert verdict is not None
    assert "no temperature stated in the table (p. 12)" in verdict.reason
    assert "10^6 apart" in verdict.reason and "smaller in the table (p. 12)" in verdict.reason


@pytest.mark.parametrize("bad", [{"relative_tolerance": -1.0}, {"unit_slip_exponents": ()},
                                 {"nonsense": 1.0}])
def test_reconcile_settings_are_validated(bad: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        ReconcileSettings.resolve(bad)
    with pytest.raises(ValueError):
        CompareSettings.resolve(bad)


# --- statements and materials -----------------------------------------------------------------

def test_statements_two_pdfs_of_one_work_state_one_statement() -> None:
    records = _records(_record("Li7P3S11", "45.66", 4.566e-2, None, doc=DOC_A),
                       _record("Li7P3S11", "45.66", 4.566e-2, None, doc=DOC_B, page=8))
    (statement,) = records_to_statements(records)
    assert len(statement.record_ids) == 2


def test_statements_of_two_works_stay_two() -> None:
    records = _records(_record("Li7P3S11", "45.66", 4.566e-2, None, doc=DOC_A),
                       _record("Li7P3S11", "45.66", 4.566e-2, None, doc=DOC_B, work="doi:x"))
    assert len(records_to_statements(records)) == 2


@pytest.mark.parametrize(("raw", "prefix"), [
    ("solid electrolyte", "class:"), ("superionic conductors", "class:"), ("Li^+", "class:"),
    ("Mg^2+", "class:"), ("PEO", "class:"), ("PEO-based", "class:"),
    ("LiClO4-PEO", "composite:"), ("LiPON", "name:"), ("Li7P3S11", "formula:"),
    ("Composite of polyether-based polymer/inorganic Na3Zr2Si2PO12 (NZSP)", "composite:"),
])
def test_statements_material_keys(raw: str, prefix: str) -> None:
    assert material_key(raw, resolve_material(raw).formula).startswith(prefix)


def test_statements_composite_is_not_its_filler() -> None:
    composite = "Composite of polyether-based polymer/inorganic Na3Zr2Si2PO12 (NZSP)"
    curated = "polyether / Na3Zr2Si2PO12 composite (30 wt.% NZSP)"
    assert material_key(composite, "Na3Zr2PSi2O12") == material_key(curated, None)
    assert material_key(composite, "Na3Zr2PSi2O12") != material_key("NZSP", "Na3Zr2PSi2O12")


def test_reconcile_composite_named_by_some_of_its_parts_inside_a_work() -> None:
    """"CSEs containing 30 wt.% NZSP" in the text is the table's polyether/NZSP composite; a
    PUA/LiTFSI electrolyte is not the LiTFSI/PEGDA/succinonitrile one."""
    records = _records(
        _record("Composite of polyether-based polymer/inorganic Na3Zr2Si2PO12 (NZSP)", "0.01",
                1e-5, None),
        _record("CSEs containing 30 wt.% NZSP", "1.03 × 10^-5 S cm^-1", 1.03e-5, 298.0,
                source="text"),
        _record("Composite of LiTFSI/PEGDA/succinonitrile plasticizer", "0.43", 4.3e-4, None,
                top=300),
        _record("UV-photocurable polyurethane acrylate (PUA) containing 30 wt.% LiTFSI",
                "0.0032 mS cm^-1", 3.2e-6, 298.15, source="text", top=300))
    out = reconcile(records, NO_CURATED)
    compared = out[out["scope"] == "within_work"]
    assert list(compared["status"]) == ["rounding"]
    assert sorted(out.loc[out["scope"] == "unmatched", "status"]) == ["only_in_document"] * 2


@pytest.mark.parametrize(("short", "long", "same"), [
    ("β''-Al2O", "β''-Al2O3", True), ("mg(en)1(bh4)", "mg(en)1(bh4)2", True),
    ("li6ps5cl", "li5ps5cl", False), ("li7p3s11", "li7p3s1", False), ("abc", "abc1", False),
])
def test_statements_dropped_subscript_digit(short: str, long: str, same: bool) -> None:
    assert dropped_digit(short, long) is same


def test_curated_bracketed_citations_expand_ranges() -> None:
    assert bracketed_citations("refs [179]/[232]") == ("179", "232")
    assert bracketed_citations("refs [217]-[220]") == ("217", "218", "219", "220")
    assert bracketed_citations("[16, 232] and [21–23]") == ("16", "232", "21", "22", "23")


# --- reconciling ------------------------------------------------------------------------------

def test_reconcile_text_vs_table_unit_slip_is_not_an_agreement() -> None:
    """The review's slip: the table says 0.0001 mS/cm, the text 0.1 S/cm above 529 K; the
    curated value agrees with the text. The table value must not hide in an agreeing row."""
    records = _records(
        _record("Na2B12H12", "0.0001", 1e-7, None, reference="[179]"),
        _record("Na2B12H12", "0.1 S cm^-1", 1e-1, 529.0, source="text", page=9,
                temperature_raw="around 529 K"))
    curated = _curated({"material": "Na2B12H12", "sigma_S_per_cm": 1e-1, "temperature_K": 529.0,
                        "citations": "179"})
    out = reconcile(records, curated)
    by_scope = {r.scope: r for r in out.itertuples()}
    assert by_scope["within_work"].status == "unit_slip"
    assert "10^6 apart" in by_scope["within_work"].explanation
    assert "the table" in by_scope["within_work"].explanation.split(":")[-1]
    statuses = sorted(out["status"])
    assert statuses == ["agrees", "unit_slip", "unit_slip"]
    table_id = records.loc[records["source"] == "table", "record_id"].iloc[0]
    for row in out[out["status"] == "agrees"].itertuples():
        assert table_id not in row.record_ids and table_id not in row.other_record_ids
    slip = out[(out["scope"] == "curated") & (out["status"] == "unit_slip")].iloc[0]
    assert slip["same_citation"] == "[179]"


def test_reconcile_temperature_conflict_between_text_and_table() -> None:
    records = _records(
        _record("Mg(BH4)2NH3", "0.33 (70 °C)", 3.3e-4, 343.15, temperature_raw="70 °C"),
        _record("Mg(BH4)2NH3", "3.3·10^-4 S cm^-1", 3.3e-4, 353.0, source="text",
                temperature_raw="353 K"))
    (row,) = reconcile(records, NO_CURATED).itertuples()
    assert row.status == "temperature_conflict" and row.temperature_diff_K == pytest.approx(-9.85)


def test_reconcile_no_agreeing_row_holds_a_value_more_than_3x_off() -> None:
    """Many values of one material in one work and the curated sheet: every row pairs exactly
    two values, and an agreeing row's values are within the tolerance."""
    values = [1e-3, 1.001e-3, 3e-3, 1e-6, 1e-4, 2e-3]
    records = _records(*[_record("Li3YCl6", f"{v:g}", v, 298.15, top=10.0 * i,
                                 source="table" if i % 2 else "text")
                         for i, v in enumerate(values)])
    curated = _curated({"material": "Li3YCl6", "sigma_S_per_cm": 1e-3})
    out = reconcile(records, curated)
    sigma = dict(zip(records["record_id"], records["sigma_S_per_cm"], strict=True))
    for row in out[out["status"].isin(["agrees", "rounding"])].itertuples():
        mine = [sigma[r] for r in row.record_ids]
        theirs = [sigma[r] for r in row.other_record_ids] or [row.other_sigma_S_per_cm]
        assert max(mine + theirs) / min(mine + theirs) < 3


def test_reconcile_against_every_curated_source_and_their_disagreement() -> None:
    """A curated row taken from the work (same bracketed reference) that disagrees is a
    conflict, and the other sources' values are listed beside it."""
    records = _records(_record("Li7P3S11", "45.66", 4.566e-2, None, reference="[23]"))
    curated = _curated(
        {"material": "Li7P3S11", "sigma_S_per_cm": 1.7e-2, "citations": "23"},
        {"material": "Li7P3S11", "sigma_S_per_cm": 3.2e-3, "source_dataset": "obelix",
         "curated_id": "obelix:mdp", "doi": "10.1039/c3ee41655k", "expected_in_corpus": False})
    out = reconcile(records, curated)
    assert sorted(out["curated_source"].str.split(" ").str[0]) == ["OBELiX", "curators'"]
    sheet = out[out["curated_ids"].map(lambda ids: ids[0] == "C001")].iloc[0]
    assert sheet["status"] == "value_conflict"
    assert "obelix:mdp" in sheet["curated_ids"]
    assert "curated sources disagree" in sheet["explanation"]
    assert "3.2e-3" in sheet["explanation"]
    assert "Not independent evidence" in sheet["explanation"]
    obelix = out[out["curated_ids"].map(lambda ids: ids[0] == "obelix:mdp")].iloc[0]
    assert obelix["status"] == "spread" and bool(obelix["independent"])


def test_reconcile_curated_row_taken_from_the_work_is_no_independent_agreement() -> None:
    records = _records(_record("LiPON", "2 × 10^-6", 2e-6, 298.15, reference="[154]"))
    curated = _curated({"material": "LiPON", "sigma_S_per_cm": 2e-6, "citations": "154",
                        "primary_source": "Burazer & Popović 2024 ref [154]"})
    (row,) = reconcile(records, curated).itertuples()
    assert row.status == "agrees" and not row.independent
    assert "Not independent evidence" in row.explanation and "taken from this work" in \
        row.explanation
    assert "Both cite" not in row.explanation


def test_reconcile_same_doi_is_the_strongest_match() -> None:
    """A paper's own value is paired with the curated row citing that paper, not the closest."""
    records = _records(_record("Li7P3S11", "17", 1.7e-2, 298.15, work="doi:10.1039/c3ee41655k"))
    curated = _curated(
        {"material": "Li7P3S11", "sigma_S_per_cm": 1.7e-2, "source_dataset": "obelix",
         "curated_id": "obelix:other", "doi": "10.1/other", "expected_in_corpus": False},
        {"material": "Li7P3S11", "sigma_S_per_cm": 3.2e-3, "source_dataset": "obelix",
         "curated_id": "obelix:mdp", "doi": "10.1039/c3ee41655k", "expected_in_corpus": False})
    (row,) = reconcile(records, curated).itertuples()
    assert row.curated_ids[0] == "obelix:mdp" and row.same_citation == "doi:10.1039/c3ee41655k"
    assert row.status == "value_conflict"


def test_reconcile_class_statements_are_set_apart() -> None:
    records = _records(_record("solid electrolytes", "10^-3 S cm^-1", 1e-3, 298.15,
                               source="text"),
                       _record("Li^+", "10^-3 S cm^-1", 1e-3, 298.15, source="text", top=300))
    out = reconcile(records, _curated({"material": "Li", "sigma_S_per_cm": 1e-3}))
    assert set(out.loc[out["is_statement_about_class"], "status"]) == {"only_in_document"}
    assert out["is_statement_about_class"].sum() == 2
    assert set(out.loc[~out["is_statement_about_class"], "status"]) == {"only_in_curated"}


def test_reconcile_typo_of_one_subscript_is_the_same_material_inside_a_work() -> None:
    records = _records(_record("β''-Al2O", "0.00024 (300 °C)", 2.4e-7, 573.15),
                       _record("β′′-Al2O3", "0.24 S cm^-1", 2.4e-1, 573.0, source="text"))
    (row,) = reconcile(records, NO_CURATED).itertuples()
    assert row.status == "unit_slip"


@pytest.mark.parametrize(("kinds", "compared"), [
    (("bulk", "total"), False), (("bulk", "unspecified"), True), (("bulk", "bulk"), True),
    (("electronic", "unspecified"), False), (("electronic", "electronic"), True),
])
def test_reconcile_compares_only_comparable_kinds(kinds: tuple[str, str], compared: bool) -> None:
    from dataclasses import replace

    first, second = (replace(_record("Li7La3Zr2O12", "1", 1e-4, 298.15, source=source),
                             conductivity_kind=kind)
                     for kind, source in zip(kinds, ("table", "text"), strict=True))
    out = reconcile(_records(first, second), NO_CURATED)
    assert (set(out["scope"]) == {"within_work"}) is compared


def test_reconcile_missing_citations_read_back_as_nan_cite_nothing() -> None:
    records = _records(_record("Li7P3S11", "17", 1.7e-2, 298.15),
                       _record("Li7P3S11", "17 mS", 1.7e-2, 298.15, source="text"))
    records["cited_doi"] = [float("nan")] * len(records)  # as pandas reads an all-null column
    (row,) = reconcile(records, NO_CURATED).itertuples()
    assert pd.isna(row.same_citation) and "nan" not in row.explanation


def test_reconcile_two_works_are_compared_across() -> None:
    records = _records(_record("Li7P3S11", "17", 1.7e-2, 298.15, doc=DOC_A),
                       _record("Li7P3S11", "3.2", 3.2e-3, 298.15, doc=DOC_C, work="doi:x"))
    (row,) = reconcile(records, NO_CURATED).itertuples()
    assert (row.scope, row.status) == ("across_works", "spread")
    assert "independent sources, so no conflict" in row.explanation


def test_reconcile_only_in_document_and_only_in_curated() -> None:
    records = _records(_record("Li3InCl6", "1.49", 1.49e-3, 298.15))
    curated = _curated({"material": "Li10GeP2S12", "sigma_S_per_cm": 1.2e-2},
                       {"material": "Li3YCl6", "sigma_S_per_cm": 5.1e-4, "source_dataset":
                        "obelix", "expected_in_corpus": False})
    out = reconcile(records, curated)
    assert sorted(out["status"]) == ["only_in_curated", "only_in_document"]


def test_reconcile_ids_are_stable_unique_and_the_frame_fits_its_schema() -> None:
    records = _records(_record("Li7P3S11", "17", 1.7e-2, 298.15),
                       _record("Li7P3S11", "17 mS", 1.7e-2, 298.15, source="text"))
    curated = _curated({"material": "Li7P3S11", "sigma_S_per_cm": 1.7e-2})
    first, again = reconcile(records, curated), reconcile(records, curated)
    assert list(first["reconciliation_id"]) == list(again["reconciliation_id"])
    assert first["reconciliation_id"].is_unique
    frame_to_table("reconciliation", first)
    frame_to_table("reconciliation", reconcile(_records(), curated))


def test_reconcile_summary_counts_every_status() -> None:
    out = reconcile(_records(_record("Li7P3S11", "17", 1.7e-2, 298.15)),
                    _curated({"material": "Li7P3S11", "sigma_S_per_cm": 1e-2}))
    summary = summarise_reconciliation(out)
    assert list(summary) == list(STATUSES) and summary["spread"] == 1


# --- decisions and the curated view -----------------------------------------------------------

HEADER = ("reconciliation_id,record_id,curated_id,decision,corrected_sigma_S_per_cm,"
          "corrected_temperature_K,curator,decided_at,note")


def _decisions(tmp_path: Path, *lines: str) -> pd.DataFrame:
    path = tmp_path / "decisions.csv"
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return load_decisions(path)


def _slip() -> tuple[pd.DataFrame, pd.DataFrame]:
    records = _records(_record("Na2B12H12", "0.0001", 1e-7, None),
                       _record("Na2B12H12", "0.1 S cm^-1", 1e-1, 529.0, source="text"))
    return records, reconcile(records, NO_CURATED)


def test_reconcile_decision_replaces_status_and_reaches_the_curated_view(tmp_path: Path) -> None:
    records, out = _slip()
    rid = out["reconciliation_id"].iloc[0]
    decisions = _decisions(tmp_path, f"{rid},,,corrected,0.1,,jdoe,2026-11-20,mS not S")
    decided = reconcile(records, NO_CURATED, decisions)
    row = decided.iloc[0]
    assert (row["status"], row["original_status"], row["decided_by"]) == (
        "corrected", "unit_slip", "jdoe")
    view = curated_view(records, decided).set_index("record_id")
    table = records.loc[records["source"] == "table", "record_id"].iloc[0]
    assert view.at[table, "sigma_S_per_cm"] == 0.1
    assert view.at[table, "original_sigma_S_per_cm"] == 1e-7
    assert view.at[table, "decision"] == "corrected" and view.at[table, "usable"]
    frame_to_table("curated", view.reset_index())


def test_reconcile_rejected_values_are_marked_unusable(tmp_path: Path) -> None:
    records, out = _slip()
    rid = out["reconciliation_id"].iloc[0]
    view = curated_view(records, reconcile(records, NO_CURATED,
                                           _decisions(tmp_path, f"{rid},,,rejected,,,,,")))
    assert list(view.sort_values("source")["usable"]) == [False, True]


def test_reconcile_latest_decision_wins(tmp_path: Path) -> None:
    records, out = _slip()
    rid = out["reconciliation_id"].iloc[0]
    decisions = _decisions(tmp_path, f"{rid},,,accepted,,,,2026-11-21,",
                           f"{rid},,,rejected,,,,2026-02-01,")
    assert reconcile(records, NO_CURATED, decisions)["status"].iloc[0] == "accepted"


def test_reconcile_contradicting_decisions_on_one_statement_are_an_error(tmp_path: Path) -> None:
    records = _records(_record("Na2B12H12", "0.0001", 1e-7, None),
                       _record("Na2B12H12", "0.1 S cm^-1", 1e-1, 529.0, source="text"))
    curated = _curated({"material": "Na2B12H12", "sigma_S_per_cm": 1e-1, "temperature_K": 529.0})
    out = reconcile(records, curated)
    table_rows = out[out["statement_id"] == out["statement_id"].iloc[0]]
    assert len(table_rows) == 2
    first, second = table_rows["reconciliation_id"]
    decisions = _decisions(tmp_path, f"{first},,,accepted,,,,2026-11-20,",
                           f"{second},,,rejected,,,,2026-11-20,")
    with pytest.raises(DecisionError, match="contradict"):
        reconcile(records, curated, decisions)


def test_reconcile_unmatched_decisions_are_reported(tmp_path: Path) -> None:
    _, out = _slip()
    decisions = _decisions(tmp_path, f"{out['reconciliation_id'].iloc[0]},,,accepted,,,,,",
                           "stale,,,accepted,,,,,")
    assert list(unmatched_decisions(out, decisions)["reconciliation_id"]) == ["stale"]


# --- curated sources --------------------------------------------------------------------------

def test_curated_seed_files_load_with_citations() -> None:
    curated = load_curated(sorted((SEEDS / "curated").glob("*.csv")))
    assert set(curated["source_dataset"]) == {"curators_sheet", "obelix", "liverpool",
                                              "laskowski2023"}
    assert curated["curated_id"].is_unique
    sheet = curated.set_index("curated_id")
    assert sheet.at["C019", "citations"] == "179,232,242"
    assert sheet.at["C001", "doi"] == "10.1016/0025-5408(78)90075-2"
    assert math.isclose(curated.loc[curated["source_dataset"] == "liverpool",
                                    "temperature_K"].median(), 303.15)


def test_curated_rejects_unknown_layout(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(CuratedDataError, match="unknown curated layout"):
        load_curated([path])


def test_curated_shared_copy_matches_the_seeds() -> None:
    shared = shared_path("curated", "curators_sheet.csv")
    assert shared.read_bytes() == (SEEDS / "curated" / "curators_sheet.csv").read_bytes()


# --- the review, end to end -------------------------------------------------------------------

@pytest.fixture(scope="module")
def review_reconciliation(replica_docs: dict[str, Any]) -> tuple[pd.DataFrame, pd.DataFrame]:
    from extractors.extraction import document_to_records
    from extractors.mentions import load_nlp

    nlp = load_nlp()
    records = pd.concat([document_to_records(replica_docs[p.stem], nlp)[0] for p in REPLICAS],
                        ignore_index=True)
    curated = load_curated(sorted((SEEDS / "curated").glob("*.csv")))
    return records, reconcile(records, curated)


def _rows(out: pd.DataFrame, material: str, scope: str) -> pd.DataFrame:
    return out[(out["material_raw"] == material) & (out["scope"] == scope)]


@pytest.mark.parametrize("material", ["Na2B12H12", "β''-Al2O", "LiNaB12H12"])
def test_reconcile_review_table_slips_are_unit_slips_against_the_text(
        review_reconciliation: tuple[pd.DataFrame, pd.DataFrame], material: str) -> None:
    _, out = review_reconciliation
    (status,) = _rows(out, material, "within_work")["status"]
    assert status == "unit_slip"


@pytest.mark.parametrize("material", ["Mg(diglyme)0.5(BH4)2", "Mg(BH4)2NH3"])
def test_reconcile_review_temperature_conflicts(
        review_reconciliation: tuple[pd.DataFrame, pd.DataFrame], material: str) -> None:
    _, out = review_reconciliation
    (status,) = _rows(out, material, "within_work")["status"]
    assert status == "temperature_conflict"


def test_reconcile_review_is_one_work_compared_once(
        review_reconciliation: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    records, out = review_reconciliation
    assert records["work_id"].nunique() == 1
    compared = out[out["scope"] != "unmatched"]
    assert compared["record_ids"].map(len).min() == 2  # each statement: both replicas
    assert out["reconciliation_id"].is_unique


def test_reconcile_review_li7p3s11_is_spread_against_independent_sources_not_the_glass_ceramic(
        review_reconciliation: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    """The review's Li7P3S11 states no phase: the sheet's glass-ceramic (C008) and Liverpool's
    glass are other materials; OBELiX, Laskowski and Liverpool are independent spread."""
    _, out = review_reconciliation
    rows = out[(out["material_raw"] == "Li7P3S11") & (out["scope"] != "unmatched")]
    assert set(rows["status"]) == {"spread"} and rows["independent"].all()
    compared = {c for ids in rows["curated_ids"] for c in ids}
    assert "C008" not in compared and not compared & {"liverpool:158", "liverpool:160"}


@pytest.mark.parametrize(("material", "status"), [
    ("LiPON", "agrees"), ("Li14Zn(GeO4)4", "agrees"), ("Na3Zr2PSi2O12", "agrees"),
    ("Composite of polyether-based polymer/inorganic Na3Zr2Si2PO12 (NZSP)", "rounding"),
])
def test_reconcile_review_agreements(review_reconciliation: tuple[pd.DataFrame, pd.DataFrame],
                                     material: str, status: str) -> None:
    _, out = review_reconciliation
    rows = out[(out["material_raw"] == material) & (out["scope"] == "curated")
               & out["curated_source"].str.startswith("curators' sheet")]
    assert len(rows) and set(rows["status"]) == {status}


def test_reconcile_review_no_agreeing_row_is_3x_off(
        review_reconciliation: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    records, out = review_reconciliation
    sigma = dict(zip(records["record_id"], records["sigma_S_per_cm"], strict=True))
    for row in out[out["status"].isin(["agrees", "rounding"])].itertuples():
        values = [sigma[r] for r in [*row.record_ids, *row.other_record_ids]
                  if not pd.isna(sigma[r])]
        if not pd.isna(row.other_sigma_S_per_cm):
            values.append(row.other_sigma_S_per_cm)
        if len(values) > 1:
            assert max(values) / min(values) < 3, row.explanation
