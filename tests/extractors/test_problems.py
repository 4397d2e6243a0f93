"""Tests for extractors.problems, extractors.consensus and extractors.conditions: disagreements
gathered into problems a curator decides once, spread between independent works summarised as
a consensus, and phase words that keep samples apart; first on small data, then on the review."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from extractors.conditions import contradicting, strip_conditions, text_to_conditions
from extractors.consensus import ConsensusSettings, window_of
from extractors.curated import load_curated
from extractors.decisions import check_decisions, load_decisions, reconciliation_to_known_ids
from extractors.reconcile import Reconciled, reconcile_corpus
from extractors.schemas import CONFLICT_STATUSES, frame_to_table
from extractors.table_context import caption_to_table_name
from tests.conftest import REPLICAS, SEEDS
from tests.extractors.test_reconcile import NO_CURATED, _curated, _record, _records

HEADER = ("problem_id,reconciliation_id,record_id,curated_id,decision,"
          "corrected_sigma_S_per_cm,corrected_temperature_K,curator,decided_at,note")


def _decisions(tmp_path: Path, *lines: str) -> pd.DataFrame:
    path = tmp_path / "decisions.csv"
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return load_decisions(path)


# --- conditions -------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "conditions"), [
    ("Li7P3S11 glass-ceramic", {"glass-ceramic"}),
    ("70Li2S-30P2S5 glass", {"glass"}),
    ("LiPON amorphous thin film", {"thin film"}),
    ("NaCB11H12 (NCB) as-prepared", {"as-prepared"}),
    ("ball-milled 45 min (bcc polymorph stabilised)", {"ball-milled"}),
    ("Li7La3Zr2O12 sintered at 1230 °C", {"sintered"}),
    ("Li7P3S11", set()),
])
def test_conditions_read_from_text(text: str, conditions: set[str]) -> None:
    assert text_to_conditions(text) == conditions


@pytest.mark.parametrize(("caption", "name"), [
    ("Table 2. Comparison of the solid electrolytes", "Table 2"), ("TABLE IV Conductivities",
                                                                   "Table IV"),
    ("Table S3: fits", "Table S3"), ("Comparison of electrolytes", None), (None, None)])
def test_table_context_caption_names_the_table(caption: str | None, name: str | None) -> None:
    assert caption_to_table_name(caption) == name


def test_conditions_contradict_only_within_one_group() -> None:
    assert contradicting(frozenset({"as-prepared"}), frozenset({"ball-milled"}))
    assert not contradicting(frozenset({"as-prepared"}), frozenset())
    assert not contradicting(frozenset({"glass"}), frozenset({"ball-milled"}))
    assert strip_conditions("NaCB11H12 (NCB) as-prepared") == "NaCB11H12 (NCB)"


def test_reconcile_glass_is_not_the_glass_ceramic_of_the_same_reduced_formula() -> None:
    records = _records(_record("Li7P3S11 glass-ceramic", "17", 1.7e-2, 298.15, work="doi:w"))
    curated = _curated({"material": "Li1.4P0.6S2.2", "sigma_S_per_cm": 2e-3,
                        "processing": "glass", "doi": "10.1/glass"},
                       {"material": "Li7P3S11", "sigma_S_per_cm": 1.7e-2,
                        "processing": "glass-ceramic", "doi": "10.1/gc"})
    out = reconcile_corpus(records, curated).reconciliation
    compared = out[out["scope"] == "curated"]
    assert [ids[0] for ids in compared["curated_ids"]] == ["C002"]
    assert set(out.loc[out["status"] == "only_in_curated", "curated_ids"].str[0]) == {"C001"}


# --- consensus and outliers -------------------------------------------------------------------

def _works(*values: tuple[float, float | None], material: str = "Li7P3S11") -> pd.DataFrame:
    return _records(*(_record(material, f"{v:g}", v, t, doc=f"{i:064x}", work=f"doi:w{i}")
                      for i, (v, t) in enumerate(values)))


def test_consensus_window_holds_room_temperature() -> None:
    assert window_of(298.15, 25.0) == (287.5, 312.5)
    with pytest.raises(ValueError):
        ConsensusSettings(min_works=0)


def test_consensus_one_value_per_work_and_an_outlier_named_with_it() -> None:
    out = reconcile_corpus(_works((1e-3, 298.15), (2e-3, 298.15), (1.5e-3, 300.0),
                                  (3e-2, 298.15)), NO_CURATED)
    (row,) = out.consensus.itertuples()
    assert (row.n_works, row.n_records, row.window_low_K) == (4, 4, 287.5)
    (problem,) = out.problems.itertuples()
    assert (problem.problem_kind, problem.status) == ("outlier", "open")
    assert problem.consensus_id == row.consensus_id and problem.consensus_n_works == 3
    assert "consensus of 3 other independent works" in problem.explanation
    assert "1.5e-3 S/cm (median" in problem.explanation
    statuses = set(out.reconciliation["status"])
    assert "spread" in statuses and not statuses & set(CONFLICT_STATUSES)
    frame_to_table("problems", out.problems)
    frame_to_table("consensus", out.consensus)


def test_consensus_values_of_one_work_far_from_it_are_one_problem() -> None:
    records = pd.concat([_works((1e-3, 298.15), (2e-3, 298.15), (1.5e-3, 300.0)),
                         _records(_record("Li7P3S11", "30", 3e-2, 298.15, work="doi:far"),
                                  _record("Li7P3S11", "50", 5e-2, 298.15, work="doi:far",
                                          top=200.0))], ignore_index=True)
    (problem,) = reconcile_corpus(records, NO_CURATED).problems.itertuples()
    assert len(problem.suspect_record_ids) == 2 and problem.document_sigma_S_per_cm == 5e-2
    assert "1 more value(s) of this work" in problem.explanation


@pytest.mark.parametrize("values", [
    [(1e-4, 298.15), (1e-3, 298.15), (1e-2, 298.15), (1e-1, 298.15), (1.0, 298.15)],
    # 1 S/cm is 2.5 decades out, but the other works spread 1 decade (MAD): 3 MADs needed
    [(1e-3, 298.15), (2e-3, 298.15), (3e-2, 298.15)],  # two other works: too few
    [(1e-3, 298.15), (2e-3, 298.15), (1.5e-3, 298.15), (3e-2, 573.15)],  # another temperature
    [(1e-3, 298.15), (2e-3, 298.15), (1.5e-3, 298.15), (8e-3, 298.15)],  # within a decade
])
def test_consensus_no_outlier(values: list[tuple[float, float]]) -> None:
    assert reconcile_corpus(_works(*values), NO_CURATED).problems.empty


# --- problems and decisions on small data -----------------------------------------------------

def _slip(decisions: pd.DataFrame | None = None) -> tuple[pd.DataFrame, Reconciled]:
    """A table slip against the text and the curated row taken from the work (ref [179])."""
    records = _records(_record("Na2B12H12", "0.0001", 1e-7, 529.0, reference="[179]"),
                       _record("Na2B12H12", "0.1 S cm^-1", 1e-1, 529.0, source="text"))
    curated = _curated({"material": "Na2B12H12", "sigma_S_per_cm": 1e-1, "temperature_K": 529.0,
                        "citations": "179", "primary_source": "as cited in ref [179]"})
    return records, reconcile_corpus(records, curated, decisions)


def test_problems_two_conflicting_comparisons_are_one_problem() -> None:
    _, out = _slip()
    conflicts = out.reconciliation[out.reconciliation["status"].isin(CONFLICT_STATUSES)]
    assert len(conflicts) == 2
    (problem,) = out.problems.to_dict("records")
    assert set(conflicts["problem_id"]) == {problem["problem_id"]}
    assert (problem["problem_kind"], problem["verdict"]) == ("error_candidate", "unit_slip")
    assert problem["suggested_sigma_S_per_cm"] == pytest.approx(0.1)
    assert "prints “0.0001”" in problem["explanation"]
    assert "Suggested correction: 1e-1 S/cm (10^6 times the value read)" in \
        problem["explanation"]
    assert "taken from this work" in problem["explanation"]
    assert problem["problem_id"] == _slip()[1].problems["problem_id"].iloc[0]  # stable


def test_problems_decision_by_upper_case_problem_id_closes_the_problem(tmp_path: Path) -> None:
    records, before = _slip()
    pid = str(before.problems["problem_id"].iloc[0])
    view = before.curated_view(records)
    assert not view["usable"].any() and set(view["problem_status"]) == {"open"}
    decisions = _decisions(tmp_path, f"{pid.upper()},,,,corrected,0.1,,jdoe,2026-11-20,mS")
    records, after = _slip(decisions)
    problem = after.problems.iloc[0]
    assert (problem["status"], problem["decided_by"]) == ("corrected", "jdoe")
    assert problem["explanation"].endswith("Corrected by jdoe on 2026-11-20: mS.")
    rows = after.reconciliation[after.reconciliation["problem_id"] == pid]
    assert set(rows["status"]) == {"corrected"} and len(rows) == 2
    assert rows["explanation"].str.contains("Corrected by jdoe on 2026-11-20").all()
    view = after.curated_view(records).set_index("source")
    assert view["usable"].all()
    assert view.at["table", "sigma_S_per_cm"] == 0.1
    assert view.at["text", "sigma_S_per_cm"] == 0.1 and view.at["text", "decision"] == \
        "corrected"


def test_problems_old_decision_by_reconciliation_id_decides_the_whole_problem(
        tmp_path: Path) -> None:
    _, before = _slip()
    rid = before.reconciliation["reconciliation_id"].iloc[0]
    records, after = _slip(_decisions(tmp_path, f",{rid},,,rejected,,,ann,2026-11-21,"))
    assert after.problems["status"].iloc[0] == "rejected"
    decided = after.reconciliation[after.reconciliation["problem_id"].notna()]
    assert set(decided["status"]) == {"rejected"}
    view = after.curated_view(records).set_index("source")
    assert not view.at["table", "usable"] and view.at["text", "usable"]


def test_decisions_check_accepts_problem_ids_in_any_case(tmp_path: Path) -> None:
    _, out = _slip()
    known = reconciliation_to_known_ids(out.reconciliation, "here", out.problems)
    pid = str(out.problems["problem_id"].iloc[0])
    path = tmp_path / "d.csv"
    path.write_text(f"{HEADER}\n{pid.upper()},,,,accepted,,,,,\npzzz,,,,accepted,,,,,\n",
                    encoding="utf-8")
    (problem,) = check_decisions(path, known)
    assert (problem.line, problem.field) == (3, "problem_id")


# --- the review, end to end -------------------------------------------------------------------

@pytest.fixture(scope="module")
def review(replica_docs: dict[str, Any]) -> Reconciled:
    from extractors.extraction import document_to_records
    from extractors.mentions import load_nlp

    nlp = load_nlp()
    read = [document_to_records(replica_docs[p.stem], nlp) for p in REPLICAS]
    return reconcile_corpus(pd.concat([r for r, _ in read], ignore_index=True),
                            load_curated(sorted((SEEDS / "curated").glob("*.csv"))),
                            tables=pd.concat([c for _, c in read], ignore_index=True))


def test_problems_review_disagreements_are_seven_problems(review: Reconciled) -> None:
    """The 14 conflicting comparisons of the last round are 6 problems, plus NaCB11H12 (the
    table's "as-prepared" 4 mS/cm, which the text reaches only after 45 min milling)."""
    got = sorted(zip(review.problems["material_raw"], review.problems["verdict"], strict=True))
    assert got == sorted([
        ("LiNaB12H12", "unit_slip"), ("Na2B12H12", "unit_slip"), ("β''-Al2O", "unit_slip"),
        ("Mg(BH4)2NH3", "temperature_conflict"),
        ("Mg(diglyme)0.5(BH4)2", "temperature_conflict"),
        ("NaCB11H12 (NCB) as-prepared", "condition_conflict"), ("Li7P3S11", "outlier")])
    conflicts = review.reconciliation[review.reconciliation["status"].isin(CONFLICT_STATUSES)]
    assert conflicts["problem_id"].notna().all()
    both_replicas = review.problems["suspect_record_ids"].map(len)
    assert (both_replicas == 2).all()


def test_problems_review_li7p3s11_outlier_names_its_consensus(review: Reconciled) -> None:
    (problem,) = review.problems[review.problems["verdict"] == "outlier"].itertuples()
    consensus = review.consensus.set_index("consensus_id").loc[problem.consensus_id]
    assert consensus["window_low_K"] <= 298.15 <= consensus["window_high_K"]
    assert consensus["conditions"] == "" and problem.consensus_n_works >= 3
    assert "no temperature" in problem.explanation


def test_problems_review_unit_slips_suggest_the_texts_value(review: Reconciled) -> None:
    """The table's column is printed in mS cm^-1 (the old sentence said µS/cm): the explanation
    quotes the cell and its header, names the table as the paper does, and suggests a value."""
    slips = review.problems[review.problems["verdict"] == "unit_slip"]
    assert len(slips) == 3
    for p in slips.itertuples():
        assert p.suggested_sigma_S_per_cm / p.document_sigma_S_per_cm == pytest.approx(1e6)
        assert "µS/cm against S/cm" not in p.explanation
        assert "under “Ionic Conductivity (mS cm^-1)”" in p.explanation
        assert p.explanation.split(": ", 1)[1].startswith("Table 2 (p. ")


def test_problems_review_no_circular_same_citation(review: Reconciled) -> None:
    rows = review.reconciliation
    taken = rows[rows["curated_source"].fillna("").str.startswith("curators' sheet")
                 & rows["curated_source"].fillna("").str.contains(r"cited in ref", regex=True)]
    assert len(taken) and not taken["independent"].fillna(False).any()
    assert not taken["explanation"].str.contains("Both cite").any()
