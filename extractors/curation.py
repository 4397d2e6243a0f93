"""What curation makes of the comparisons: decisions applied, and the curated view.

A decision names a problem (``problem_id``) or, as decisions files of the last round do, a
comparison (``reconciliation_id``, ``statement_id``, ``record_id``/``curated_id``); either decides
the whole problem the comparison belongs to. The curated view tells, per record, which value to
use and whether it may be used yet.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from extractors.comparison import capitalised
from extractors.curated import cell_text
from extractors.errors import DecisionError
from extractors.schemas import CONFLICT_STATUSES, CURATED_VIEW_COLUMNS, rows_to_frame


def cell_float(value: object) -> float | None:
    """A frame cell as a finite number, else None (missing, NaN or infinite)."""
    if value is None or pd.isna(value):
        return None
    number = float(value)  # type: ignore[arg-type]
    return number if math.isfinite(number) else None




# --- decisions --------------------------------------------------------------------------------

def _decision_target(row: Mapping[str, Any], d: Mapping[str, Any]) -> bool:
    """Whether decision ``d`` names ``row``: by its id, its statement, or record + curated id."""
    if cell_text(d.get("reconciliation_id")):
        return bool(d["reconciliation_id"] == row["reconciliation_id"])
    if cell_text(d.get("statement_id")):
        return bool(d["statement_id"] == row["statement_id"])
    record, cur = cell_text(d.get("record_id")), cell_text(d.get("curated_id"))
    records = list(row["record_ids"] or [])
    curated_ids = list(row["curated_ids"] or [])
    return ((record is None or record in records) and (cur is None or cur in curated_ids)
            and (record is not None or cur is not None))


def _decision_time(d: Mapping[str, Any]) -> pd.Timestamp:
    value = pd.to_datetime(d.get("decided_at"), errors="coerce")
    return pd.Timestamp.min if pd.isna(value) else pd.Timestamp(value)


def decisions_for_rows(reconciliation: pd.DataFrame, decisions: pd.DataFrame,
                       ) -> dict[int, Mapping[str, Any]]:
    """Row index → the latest decision naming it.

    Raises:
        DecisionError: the decisions that apply to one statement disagree (one row accepted,
            another corrected to another value): a statement is decided once.
    """
    listed = decisions.to_dict("records")
    chosen: dict[int, Mapping[str, Any]] = {}
    for idx, row in reconciliation.iterrows():
        matching = [d for d in listed if _decision_target(row, d)]
        if matching:
            chosen[int(idx)] = max(matching, key=_decision_time)
    by_statement: dict[str, set[tuple[Any, ...]]] = {}
    for idx, d in chosen.items():
        statement = str(reconciliation.at[idx, "statement_id"])
        by_statement.setdefault(statement, set()).add(
            (d["decision"], cell_float(d.get("corrected_sigma_S_per_cm")),
             cell_float(d.get("corrected_temperature_K"))))
    clashes = {s: v for s, v in by_statement.items() if s != "<NA>" and len(v) > 1}
    if clashes:
        statement, verdicts = next(iter(sorted(clashes.items())))
        raise DecisionError(
            f"decisions contradict each other on statement {statement}: "
            f"{', '.join(sorted(str(v[0]) for v in verdicts))} "
            f"({len(clashes)} statement(s) decided twice)")
    return chosen


def _names_problem(d: Mapping[str, Any], problem_id: str) -> bool:
    """Problem ids are compared case-insensitively: a report may show them upper-case."""
    named = cell_text(d.get("problem_id"))
    return named is not None and named.strip().casefold() == problem_id.casefold()


def decision_sentence(d: Mapping[str, Any]) -> str:
    """``Corrected by jdoe on 2026-11-20: the table is in mS/cm.``"""
    by = cell_text(d.get("curator")) or cell_text(d.get("decided_by"))
    when = _decision_time(d)
    note = cell_text(d.get("note")) or cell_text(d.get("decision_note"))
    return (f"{capitalised(str(d['decision']))}" + (f" by {by}" if by else "")
            + ("" if when == pd.Timestamp.min else f" on {when.date().isoformat()}")
            + (f": {note}" if note else "") + ".")


def _decide(frame: pd.DataFrame, idx: int, d: Mapping[str, Any], *, status: str) -> None:
    when = _decision_time(d)
    frame.at[idx, "status"] = status
    frame.at[idx, "decision"] = d["decision"]
    frame.at[idx, "decision_note"] = cell_text(d.get("note"))
    frame.at[idx, "decided_by"] = cell_text(d.get("curator"))
    frame.at[idx, "decided_at"] = None if when == pd.Timestamp.min else when.date().isoformat()
    for col in ("corrected_sigma_S_per_cm", "corrected_temperature_K"):
        frame.at[idx, col] = cell_float(d.get(col))
    frame.at[idx, "explanation"] = f"{frame.at[idx, 'explanation']} {decision_sentence(d)}"


def apply_problem_decisions(reconciliation: pd.DataFrame, problems: pd.DataFrame,
                            decisions: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Decisions applied to problems and comparisons; the latest decision wins.

    A decision naming a ``problem_id`` (or any comparison of the problem, as old decisions
    files do by ``reconciliation_id``) decides the problem and every comparison of it; the
    explanations end with who decided what and when. A decision naming a comparison outside
    any problem decides that comparison alone.
    """
    rows = reconciliation.copy()
    out = problems.copy()
    by_row = decisions_for_rows(rows, decisions)
    listed = decisions.to_dict("records")
    decided: dict[str, Mapping[str, Any]] = {}
    for idx, pid in out["problem_id"].items():
        named = [d for d in listed if _names_problem(d, str(pid))]
        named += [d for i, d in by_row.items() if rows.at[i, "problem_id"] == pid]
        if named:
            decided[str(pid)] = max(named, key=_decision_time)
            _decide(out, int(idx), decided[str(pid)], status=str(decided[str(pid)]["decision"]))
    for idx, pid in rows["problem_id"].items():
        d = decided.get(str(pid)) if pd.notna(pid) else by_row.get(int(idx))
        if d is not None:
            _decide(rows, int(idx), d, status=str(d["decision"]))
    return rows, out


def unmatched_decisions(reconciliation: pd.DataFrame, decisions: pd.DataFrame,
                        problems: pd.DataFrame | None = None) -> pd.DataFrame:
    """Decisions that name no current row or problem (stale ids after a re-extraction), for a
    WARN check."""
    rows = reconciliation.to_dict("records")
    ids = [] if problems is None else [str(p) for p in problems["problem_id"]]
    keep = [not any(_decision_target(r, d) for r in rows)
            and not any(_names_problem(d, p) for p in ids) for d in decisions.to_dict("records")]
    return decisions[keep].reset_index(drop=True)


# --- the curated view -------------------------------------------------------------------------

def _problems_by_record(problems: pd.DataFrame | None,
                        ) -> dict[str, tuple[Mapping[str, Any], bool]]:
    """Record id → (its problem, whether the record is a suspect of it); an error candidate
    wins over an outlier when a record has both."""
    found: dict[str, tuple[Mapping[str, Any], bool]] = {}
    if problems is None:
        return found
    for p in sorted(problems.to_dict("records"), key=lambda p: p["problem_kind"] != "outlier"):
        suspects = set(p["suspect_record_ids"])
        for rid in p["record_ids"]:
            found[str(rid)] = (p, rid in suspects)
    return found


def curated_view(conductivity: pd.DataFrame, reconciliation: pd.DataFrame,
                 problems: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every record with what curation made of it: the value to use and why.

    A record of an open problem is not usable until a curator decides it: accepted and
    corrected make it usable (a correction replaces the suspect records' values, the original
    kept beside), rejected marks the suspect records unusable. Outside problems, decisions on
    comparisons apply as before. ``review_status`` is the most pressing verdict any comparison
    gave the record's statement.
    """
    rank = {s: i for i, s in enumerate((*CONFLICT_STATUSES, "spread", "rounding", "agrees",
                                        "only_in_document"))}
    status_of: dict[str, str] = {}
    decision_of: dict[str, Mapping[str, Any]] = {}
    statement_of: dict[str, str] = {}
    for r in reconciliation.to_dict("records"):
        for side, ids in (("left", r["record_ids"]), ("right", r["other_record_ids"])):
            for rid in list(ids if ids is not None else []):
                current = status_of.get(rid)
                verdict = str(r["original_status"])
                if current is None or rank.get(verdict, 99) < rank.get(current, 99):
                    status_of[rid] = verdict
                if side == "left":
                    statement_of[rid] = str(r["statement_id"])
                    if cell_text(r.get("decision")) and (problems is None
                                                     or pd.isna(r.get("problem_id"))):
                        decision_of[rid] = r
    in_problem = _problems_by_record(problems)
    out = conductivity[["record_id", "work_id", "doc_sha256", "doc_name", "source", "page",
                        "material_raw", "material_formula", "conductivity_kind", "value_raw",
                        "temperature_raw"]].copy()
    ids = out["record_id"].astype(str)
    decided, usable = [], []
    for rid in ids:
        problem, suspect = in_problem.get(rid, ({}, False))
        if problem:
            decision = cell_text(problem.get("decision"))
            decided.append(problem if decision and suspect else
                           {"decision": decision} if decision else {})
            usable.append(decision in ("accepted", "corrected")
                          or (decision == "rejected" and not suspect))
        else:
            d = decision_of.get(rid, {})
            decided.append(d)
            usable.append(d.get("decision") != "rejected")
    corrected_sigma = [cell_float(d.get("corrected_sigma_S_per_cm")) for d in decided]
    corrected_t = [cell_float(d.get("corrected_temperature_K")) for d in decided]
    out["statement_id"] = [statement_of.get(rid) for rid in ids]
    out["review_status"] = [status_of.get(rid, "only_in_document") for rid in ids]
    out["decision"] = [cell_text(d.get("decision")) for d in decided]
    out["usable"] = usable
    out["sigma_S_per_cm"] = [c if c is not None else s for c, s in zip(
        corrected_sigma, conductivity["sigma_S_per_cm"], strict=True)]
    out["temperature_K"] = [c if c is not None else t for c, t in zip(
        corrected_t, conductivity["temperature_K"], strict=True)]
    out["original_sigma_S_per_cm"] = conductivity["sigma_S_per_cm"].to_numpy()
    out["original_temperature_K"] = conductivity["temperature_K"].to_numpy()
    out["decision_note"] = [cell_text(d.get("decision_note")) for d in decided]
    out["decided_by"] = [cell_text(d.get("decided_by")) for d in decided]
    out["decided_at"] = [cell_text(d.get("decided_at")) for d in decided]
    out["problem_id"] = [in_problem[rid][0]["problem_id"] if rid in in_problem else None
                         for rid in ids]
    out["problem_status"] = [in_problem[rid][0]["status"] if rid in in_problem else None
                             for rid in ids]
    return rows_to_frame("curated", out[list(CURATED_VIEW_COLUMNS)].to_dict("records"))
