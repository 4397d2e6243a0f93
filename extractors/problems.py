"""From comparisons to problems: what a curator decides, once.

A disagreement shows up in several comparisons: a table's unit slip disagrees with the text
and with the curated row copied from the same review, and a value far from the consensus may
be compared with several curated sources. A problem gathers them:

- ``error_candidate``: the conflicting comparisons of sides that are not independent (one
  work; a work and the paper it cites; a curated row taken from the work), joined when they
  share a statement or curated row. The *suspect* statements are the ones the comparison put
  first (a table before the text: a slip is usually the table's); a slip suggests the value
  the other sides agree on.
- ``outlier``: the statements of one work far from the consensus of independent works in one
  temperature window (:mod:`extractors.consensus`).

A problem's id is stable across runs: its kind, material, work and suspect statements.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from extractors.comparison import capitalised, format_sigma
from extractors.consensus import Outlier
from extractors.schemas import CONFLICT_STATUSES
from extractors.statements import Statement

#: Which verdict names a problem whose comparisons gave several: the most specific first.
_VERDICT_ORDER: tuple[str, ...] = ("unit_slip", "temperature_conflict", "condition_conflict",
                                   "value_conflict")
assert set(_VERDICT_ORDER) == set(CONFLICT_STATUSES)


def problem_id(kind: str, material_key: str, work_id: str, suspects: Iterable[str]) -> str:
    """``p`` and 15 hex digits; the same problem gets the same id in the next run."""
    text = "|".join([kind, material_key, work_id, *sorted(suspects)])
    return "p" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:15]


def _components(rows: Sequence[Mapping[str, Any]]) -> list[list[int]]:
    """Indices of conflicting rows between dependent sides, joined by a shared side."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    members: list[tuple[int, list[str]]] = []
    for i, r in enumerate(rows):
        if r["status"] not in CONFLICT_STATUSES or r.get("independent") is not False:
            continue
        sides = [f"s:{r['statement_id']}"]
        if r.get("other_statement_id"):
            sides.append(f"s:{r['other_statement_id']}")
        elif r.get("curated_ids"):
            sides.append(f"c:{r['curated_ids'][0]}")
        for side in sides[1:]:
            parent[find(side)] = find(sides[0])
        members.append((i, sides))
    groups: dict[str, list[int]] = {}
    for i, sides in members:
        groups.setdefault(find(sides[0]), []).append(i)
    return list(groups.values())


def _agreed(values: Iterable[float | None]) -> float | None:
    """The value every side gives (within 0.1 %), else None: a suggestion needs one."""
    found = [v for v in values if v is not None]
    if not found or any(abs(v - found[0]) > 1e-3 * abs(found[0]) for v in found):
        return None
    return found[0]


def _side_text(r: Mapping[str, Any], statements: Mapping[str, Statement]) -> str:
    other = statements.get(str(r.get("other_statement_id") or ""))
    if other is not None:
        return f"{other.where()} prints {other.as_printed()} ({other.value.describe()})"
    return str(r.get("curated_source") or "a curated source") + (
        f" gives {format_sigma(r['other_sigma_S_per_cm'])} S/cm"
        if r.get("other_sigma_S_per_cm") is not None else "")


def error_candidates(rows: list[dict[str, Any]], statements: Mapping[str, Statement],
                     ) -> list[dict[str, Any]]:
    """One problem per group of conflicting dependent comparisons; sets each row's
    ``problem_id``."""
    problems = []
    for members in _components(rows):
        group = [rows[i] for i in members]
        verdict = min((r["status"] for r in group), key=_VERDICT_ORDER.index)
        suspects = list(dict.fromkeys(str(r["statement_id"]) for r in group))
        partners = [r for r in group if str(r.get("other_statement_id")) not in suspects]
        first = statements[suspects[0]]
        pid = problem_id("error_candidate", first.material_key, first.work_id, suspects)
        suggested_sigma = suggested_t = None
        if verdict == "unit_slip":
            suggested_sigma = _agreed(r.get("other_sigma_S_per_cm") for r in partners)
        if verdict == "temperature_conflict":
            suggested_t = _agreed(r.get("other_temperature_K") for r in partners)
        text = (f"{first.material_raw}: {first.where()} prints {first.as_printed()}, read as "
                f"{first.value.describe()}; "
                + "; ".join(_side_text(r, statements) for r in group) + ". "
                + capitalised("; ".join(dict.fromkeys(str(r.get("_reason")) for r in group)))
                + ".")
        notes = [str(r["_depends"]) for r in group if r.get("curated_ids") and r.get("_depends")
                 and not r.get("other_statement_id")]
        if notes:
            text += " Not independent evidence: " + "; ".join(dict.fromkeys(notes)) + "."
        if suggested_sigma is not None:
            factor = suggested_sigma / first.value.sigma if first.value.sigma else None
            text += (f" Suggested correction: {format_sigma(suggested_sigma)} S/cm"
                     + (f" (10^{round(math.log10(factor)):d} times the value read)"
                        if factor else "")
                     + f", as the other side{'s' if len(partners) > 1 else ''} give.")
        if suggested_t is not None:
            text += f" Suggested temperature: {suggested_t:g} K, as the other sides give."
        for r in group:
            r["problem_id"] = pid
        problems.append(_problem(
            pid, "error_candidate", verdict, first, text,
            statement_ids=[*suspects, *(str(r["other_statement_id"]) for r in group
                                        if r.get("other_statement_id"))],
            suspects=suspects, statements=statements,
            curated_ids=[c for r in group for c in (r.get("curated_ids") or [])[:1]],
            reconciliation_ids=[str(r["reconciliation_id"]) for r in group],
            suggested_sigma=suggested_sigma, suggested_t=suggested_t))
    return problems


def outlier_problems(outliers: Iterable[Outlier], rows: list[dict[str, Any]],
                     statements: Mapping[str, Statement]) -> list[dict[str, Any]]:
    """One problem per work and consensus cell: the work's values far from it (a table of
    pellets of one paper is one question), with their comparisons with independent sources
    (``spread`` rows)."""
    groups: dict[tuple[str, str], list[Outlier]] = {}
    for o in outliers:
        groups.setdefault((o.statement.work_id, o.consensus_id), []).append(o)
    problems = []
    for group in groups.values():
        group.sort(key=lambda o: -abs(o.decades))
        first = group[0]
        suspects = [o.statement.statement_id for o in group]
        s = first.statement
        pid = problem_id("outlier", s.material_key, s.work_id, suspects)
        mine = [r for r in rows if r["statement_id"] in suspects
                and r["status"] == "spread" and not r.get("problem_id")]
        for r in mine:
            r["problem_id"] = pid
        text = first.explanation()
        if len(group) > 1:
            text += (f" {len(group) - 1} more value(s) of this work in this window are as far: "
                     + "; ".join(f"{o.statement.where()} gives {o.statement.value.describe()}"
                                 for o in group[1:]) + ".")
        problem = _problem(pid, "outlier", "outlier", s, text, statement_ids=suspects,
                           suspects=suspects, statements=statements,
                           curated_ids=[c for r in mine for c in (r.get("curated_ids") or [])[:1]],
                           reconciliation_ids=[str(r["reconciliation_id"]) for r in mine],
                           suggested_sigma=None, suggested_t=None)
        problem.update(consensus_id=first.consensus_id,
                       consensus_median_sigma_S_per_cm=10 ** first.median_log10_sigma,
                       consensus_n_works=first.n_works, decades_from_consensus=first.decades)
        problems.append(problem)
    return problems


def _problem(pid: str, kind: str, verdict: str, first: Statement, text: str, *,
             statement_ids: list[str], suspects: list[str],
             statements: Mapping[str, Statement], curated_ids: list[str],
             reconciliation_ids: list[str], suggested_sigma: float | None,
             suggested_t: float | None) -> dict[str, Any]:
    ids = list(dict.fromkeys(statement_ids))
    return {
        "problem_id": pid, "problem_kind": kind, "verdict": verdict, "status": "open",
        "material_key": first.material_key, "material_raw": first.material_raw,
        "material_formula": first.material_formula, "work_id": first.work_id,
        "explanation": text, "statement_ids": ids, "suspect_statement_ids": suspects,
        "record_ids": [r for i in ids for r in statements[i].record_ids],
        "suspect_record_ids": [r for i in suspects for r in statements[i].record_ids],
        "curated_ids": list(dict.fromkeys(curated_ids)),
        "reconciliation_ids": reconciliation_ids,
        "document_sigma_S_per_cm": first.value.sigma,
        "document_temperature_K": first.value.temperature_K,
        "suggested_sigma_S_per_cm": suggested_sigma, "suggested_temperature_K": suggested_t,
        "consensus_id": None, "consensus_median_sigma_S_per_cm": None,
        "consensus_n_works": None, "decades_from_consensus": None,
        "decision": None, "decision_note": None, "decided_by": None, "decided_at": None,
        "corrected_sigma_S_per_cm": None, "corrected_temperature_K": None,
    }
