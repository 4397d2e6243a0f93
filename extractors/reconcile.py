"""Every statement of a material compared with every other: inside a work, across works, and
against every curated source; then the curators' decisions.

Records become statements (:mod:`extractors.statements`: one per value as written in a work,
however many PDFs of the work state it). Statements and curated rows of one material fall into
groups: one per work and kind of source (the text, each table), one per curated dataset. Each
two groups are paired one-to-one, best match first (same citation, then closest temperature,
then closest value), and each pair that can be the same measurement gets a row with a verdict
(:mod:`extractors.comparison`) and a sentence a curator can act on. A statement never sits in
a row it was not compared in, so an ``agrees`` row holds only agreeing values. Statements with
no partner are ``only_in_document`` (values about a class of materials are flagged apart);
expected curated rows with no partner are ``only_in_curated``.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

import pandas as pd

from extractors.comparison import (
    CompareSettings,
    Value,
    Verdict,
    compare,
    format_sigma,
    written_figures,
)
from extractors.curated import SOURCE_LABELS
from extractors.errors import DecisionError
from extractors.schemas import (
    COMPARISON_STATUSES,
    CONFLICT_STATUSES,
    CURATED_VIEW_COLUMNS,
    DECISIONS,
    RECONCILIATION_COLUMNS,
)
from extractors.statements import (
    Statement,
    composite_aliases,
    material_key,
    records_to_statements,
    typo_aliases,
)
from extractors.units import ROOM_TEMPERATURE_K

DEFAULT_COMPARE_PUBLIC = True
STATUSES: tuple[str, ...] = (*COMPARISON_STATUSES, *DECISIONS)
_FLOAT_COLUMNS = ("document_sigma_S_per_cm", "document_temperature_K", "other_sigma_S_per_cm",
                  "other_temperature_K", "factor", "temperature_diff_K",
                  "corrected_sigma_S_per_cm", "corrected_temperature_K")
_LIST_COLUMNS = ("record_ids", "other_record_ids", "curated_ids")


@dataclass(frozen=True)
class ReconcileSettings(CompareSettings):
    """The comparison's tolerances (:class:`extractors.comparison.CompareSettings`), and
    whether public datasets are compared besides the curators' sheet."""

    compare_public: bool = DEFAULT_COMPARE_PUBLIC

    def compare_settings(self) -> CompareSettings:
        return CompareSettings(**{f.name: getattr(self, f.name)
                                  for f in fields(CompareSettings)})


@dataclass(frozen=True)
class CuratedValue:
    """One curated row with a value, ready to compare."""

    curated_id: str
    source_dataset: str
    material: str
    material_key: str
    value: Value
    dois: frozenset[str]
    citations: frozenset[str]
    primary_source: str | None
    expected: bool

    def where(self) -> str:
        origin = self.primary_source or (
            f"doi:{sorted(self.dois)[0]}" if self.dois else "no source given")
        return f"{SOURCE_LABELS.get(self.source_dataset, self.source_dataset)} " \
               f"{self.curated_id} ({origin})"


Side = Statement | CuratedValue


def _float(value: object) -> float | None:
    if value is None or pd.isna(value):
        return None
    number = float(value)  # type: ignore[arg-type]
    return number if math.isfinite(number) else None


def _text(value: object) -> str | None:
    return None if value is None or pd.isna(value) or not str(value).strip() else str(value)


def curated_to_values(curated: pd.DataFrame) -> list[CuratedValue]:
    """Curated rows that state a value (or a bound), keyed like the documents' materials."""
    out = []
    for c in curated.to_dict("records"):
        sigma, low, high = (_float(c.get(k)) for k in (
            "sigma_S_per_cm", "sigma_low_S_per_cm", "sigma_high_S_per_cm"))
        if sigma is None and low is None and high is None:
            continue
        label = SOURCE_LABELS.get(str(c["source_dataset"]), str(c["source_dataset"]))
        value = Value(sigma, low, high, _float(c.get("temperature_K")), None,
                      written_figures(None, sigma), f"{label} {c['curated_id']}")
        out.append(CuratedValue(
            str(c["curated_id"]), str(c["source_dataset"]), str(c["material"]),
            material_key(str(c["material"]), _text(c.get("material_formula"))), value,
            frozenset(d for d in str(_text(c.get("doi")) or "").split("|") if d),
            frozenset(k for k in str(_text(c.get("citations")) or "").split(",") if k),
            _text(c.get("primary_source")), bool(c.get("expected_in_corpus"))))
    return out


# --- matching ---------------------------------------------------------------------------------

def same_citation(a: Side, b: Side) -> str | None:
    """How ``a`` and ``b`` cite one paper (the strongest match there is), or None.

    A work's own DOI counts against curated rows and other works (a paper's values against a
    curated row taken from that paper), not between two statements of the work itself.
    """
    one_work = isinstance(a, Statement) and isinstance(b, Statement) and a.work_id == b.work_id
    dois_a = _side_dois(a, own=not one_work)
    dois_b = _side_dois(b, own=not one_work)
    shared = sorted(dois_a & dois_b)
    if shared:
        return f"doi:{shared[0]}"
    numbers = sorted(_side_numbers(a) & _side_numbers(b), key=int)
    return ", ".join(f"[{n}]" for n in numbers) if numbers else None


def _side_dois(side: Side, *, own: bool) -> set[str]:
    if isinstance(side, CuratedValue):
        return set(side.dois)
    mine = {side.work_id.removeprefix("doi:")} if own and side.work_id.startswith("doi:") else set()
    return mine | set(side.cited_dois)


def _side_numbers(side: Side) -> set[str]:
    numbers = side.citations if isinstance(side, CuratedValue) else set(side.citations)
    return {n for n in numbers if n.isdigit()}


def _pair_cost(a: Side, b: Side) -> tuple[int, int, float, float]:
    """Same citation first, then closest temperature (unknown after known, and ranked as room
    temperature, which is what an unqualified value usually means), then closest value."""
    ta, tb = a.value.temperature_K, b.value.temperature_K
    if ta is None or tb is None:
        rank, diff = 1, abs((ta or ROOM_TEMPERATURE_K) - (tb or ROOM_TEMPERATURE_K))
    else:
        rank, diff = 0, abs(ta - tb)
    ca, cb = _centre(a.value), _centre(b.value)
    distance = abs(math.log10(ca / cb)) if ca and cb else math.inf
    return (0 if same_citation(a, b) else 1, rank, diff, distance)


def _centre(v: Value) -> float | None:
    if v.sigma is not None:
        return v.sigma
    ends = [x for x in (v.low, v.high) if x is not None and x > 0]
    return math.sqrt(ends[0] * ends[-1]) if ends else None


def _kind(side: Side) -> str:
    """Curated datasets hold ionic conductivities of no stated kind."""
    return "unspecified" if isinstance(side, CuratedValue) else side.conductivity_kind


def kinds_comparable(a: Side, b: Side) -> bool:
    """A bulk value is no total value, and an electronic value is no ionic one; a value whose
    kind is not stated may be either ionic kind."""
    ka, kb = _kind(a), _kind(b)
    if "electronic" in (ka, kb):
        return ka == kb
    return ka == kb or "unspecified" in (ka, kb)


def pair_groups(left: list[Side], right: list[Side], settings: CompareSettings,
                ) -> list[tuple[Side, Side, Verdict]]:
    """One-to-one pairs of two groups, cheapest first; pairs that are two measurements (or of
    kinds that are not comparable) are skipped."""
    costs = sorted(((_pair_cost(a, b), i, j) for i, a in enumerate(left)
                    for j, b in enumerate(right) if kinds_comparable(a, b)),
                   key=lambda c: c[0])
    used_left: set[int] = set()
    used_right: set[int] = set()
    pairs = []
    for _, i, j in costs:
        if i in used_left or j in used_right:
            continue
        verdict = compare(left[i].value, right[j].value, settings)
        if verdict is None:
            continue
        pairs.append((left[i], right[j], verdict))
        used_left.add(i)
        used_right.add(j)
    return pairs


def _group_of(side: Side) -> tuple[str, ...]:
    if isinstance(side, CuratedValue):
        return ("curated", side.source_dataset)
    if side.source == "table":  # each table on its own: table ids are per PDF
        return ("document", side.work_id, "table", side.doc_sha256, side.table_id or "")
    return ("document", side.work_id, "text")


def _order(a: Side, b: Side) -> tuple[Side, Side]:
    """Documents before curated rows; tables before text (a slip is usually the table's)."""
    def rank(s: Side) -> tuple[int, int, str, int]:
        if isinstance(s, CuratedValue):
            return (2, 0, s.curated_id, 0)
        return (0 if s.source == "table" else 1, 0, s.work_id, s.page)
    return (a, b) if rank(a) <= rank(b) else (b, a)


def _scope(a: Side, b: Side) -> str:
    if isinstance(b, CuratedValue):
        return "curated"
    assert isinstance(a, Statement)
    return "within_work" if a.work_id == b.work_id else "across_works"


# --- rows -------------------------------------------------------------------------------------

def _rid(*parts: str) -> str:
    return hashlib.sha256("|".join(parts).encode("utf-8")).hexdigest()[:20]


def _disagreeing_sources(cur: CuratedValue, others: Iterable[CuratedValue],
                         settings: CompareSettings) -> list[CuratedValue]:
    """Other curated rows of the material that contradict ``cur`` at its temperature."""
    found = []
    for other in others:
        if other.source_dataset == cur.source_dataset:
            continue
        verdict = compare(cur.value, other.value, settings)
        if verdict is not None and verdict.status not in ("agrees", "rounding"):
            found.append(other)
    return found


def _row(a: Statement, b: Side | None, status: str, explanation: str, *,
         verdict: Verdict | None = None, citation: str | None = None,
         extra_curated: Iterable[str] = ()) -> dict[str, Any]:
    other_statement = b if isinstance(b, Statement) else None
    curated = b if isinstance(b, CuratedValue) else None
    return {
        "reconciliation_id": _rid(a.statement_id, b.statement_id if isinstance(b, Statement)
                                  else b.curated_id if b else ""),
        "status": status, "original_status": status, "explanation": explanation,
        "scope": _scope(a, b) if b is not None else "unmatched",
        "material_key": a.material_key, "material_raw": a.material_raw,
        "material_formula": a.material_formula, "is_statement_about_class": a.is_class,
        "work_id": a.work_id, "statement_id": a.statement_id, "record_ids": list(a.record_ids),
        "doc_sha256": a.doc_sha256,
        "other_statement_id": other_statement.statement_id if other_statement else None,
        "other_record_ids": list(other_statement.record_ids) if other_statement else [],
        "curated_ids": ([curated.curated_id] if curated else []) + list(extra_curated),
        "curated_source": curated.where() if curated else None,
        "same_citation": citation,
        "document_sigma_S_per_cm": a.value.sigma, "document_temperature_K": a.value.temperature_K,
        "other_sigma_S_per_cm": b.value.sigma if b else None,
        "other_temperature_K": b.value.temperature_K if b else None,
        "factor": verdict.factor if verdict else None,
        "temperature_diff_K": verdict.temperature_diff_K if verdict else None,
        "decision": None, "decision_note": None, "decided_by": None, "decided_at": None,
        "corrected_sigma_S_per_cm": None, "corrected_temperature_K": None,
    }


def _pair_row(a: Side, b: Side, verdict: Verdict, curated: list[CuratedValue],
              settings: CompareSettings) -> dict[str, Any]:
    assert isinstance(a, Statement)
    citation = same_citation(a, b)
    text = (f"{_capital(a.where())} gives {a.value.describe()}; {b.where()} gives "
            f"{b.value.describe()}: {verdict.reason}")
    if citation:
        text += f". Both cite {citation}: the same paper"
    extra: list[str] = []
    if isinstance(b, CuratedValue):
        disagree = _disagreeing_sources(b, (c for c in curated if c is not b), settings)
        if disagree:
            extra = [c.curated_id for c in disagree]
            text += (f". The curated sources disagree about this material: "
                     f"{_list_by_source(disagree)}")
    return _row(a, b, verdict.status, text + ".", verdict=verdict, citation=citation,
                extra_curated=extra)


def _list_by_source(values: list[CuratedValue]) -> str:
    """``OBELiX gives 3.2e-3 (obelix:mdp, doi:…) and 8.6e-3 (…)``: compact, by source."""
    by_source: dict[str, list[str]] = {}
    for c in values:
        value = format_sigma(c.value.sigma) if c.value.sigma is not None else "a bound"
        origin = ", ".join([c.curated_id, *(f"doi:{d}" for d in sorted(c.dois)[:1])])
        by_source.setdefault(SOURCE_LABELS.get(c.source_dataset, c.source_dataset), []).append(
            f"{value} S/cm ({origin})")
    return "; ".join(f"{source} gives {' and '.join(items)}"
                     for source, items in by_source.items())


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _only_in_document(s: Statement) -> dict[str, Any]:
    if s.is_class:
        text = (f"{_capital(s.where())} gives {s.value.describe()} for “{s.material_raw}”: a "
                "statement about a class of materials, not one material")
    else:
        text = (f"{_capital(s.where())} gives {s.value.describe()} for {s.material_raw}: no "
                "other statement or curated value of this material to compare with")
    return _row(s, None, "only_in_document", text + ".")


def _only_in_curated(c: CuratedValue) -> dict[str, Any]:
    return {
        **{col: None for col in RECONCILIATION_COLUMNS},
        "reconciliation_id": _rid("", c.curated_id), "status": "only_in_curated",
        "original_status": "only_in_curated",
        "explanation": f"{_capital(c.where())} gives {c.value.describe()} for {c.material}: no "
                       "statement of the corpus to compare with.",
        "scope": "unmatched", "material_key": c.material_key, "material_raw": c.material,
        "is_statement_about_class": False, "record_ids": [], "other_record_ids": [],
        "curated_ids": [c.curated_id], "curated_source": c.where(),
        "other_sigma_S_per_cm": c.value.sigma, "other_temperature_K": c.value.temperature_K,
    }


def _unify_within_works(statements: list[Statement]) -> list[Statement]:
    """Inside one work, a material spelled with one subscript digit fewer, or a composite named
    by some of its parts, is the same material."""
    by_work: dict[str, dict[str, set[str]]] = {}
    for s in statements:
        by_work.setdefault(s.work_id, {}).setdefault(s.material_key, set()).update(s.spellings)
    aliases = {work: {**composite_aliases(keys), **typo_aliases(keys)}
               for work, keys in by_work.items()}
    return [replace(s, material_key=aliases[s.work_id].get(s.material_key, s.material_key))
            for s in statements]


def compare_statements(statements: list[Statement], curated: list[CuratedValue],
                       settings: CompareSettings) -> list[dict[str, Any]]:
    """Rows for every comparable pair of groups of each material, then the unmatched."""
    by_key: dict[str, list[Side]] = {}
    for s in statements:
        by_key.setdefault(s.material_key, []).append(s)
    curated_by_key: dict[str, list[CuratedValue]] = {}
    for c in curated:
        curated_by_key.setdefault(c.material_key, []).append(c)
    rows: list[dict[str, Any]] = []
    compared: set[str] = set()
    for key, sides in by_key.items():
        if key.startswith("class:"):
            continue
        groups: dict[tuple[str, ...], list[Side]] = {}
        for side in [*sides, *curated_by_key.get(key, [])]:
            groups.setdefault(_group_of(side), []).append(side)
        names = list(groups)
        for i, g1 in enumerate(names):
            for g2 in names[i + 1:]:
                if g1[0] == "curated" and g2[0] == "curated":
                    continue
                for a, b, verdict in pair_groups(groups[g1], groups[g2], settings):
                    left, right = _order(a, b)
                    if not isinstance(left, Statement):
                        continue
                    rows.append(_pair_row(left, right, verdict, curated_by_key.get(key, []),
                                          settings))
                    compared.add(_ident(left))
                    compared.add(_ident(right))
    rows += [_only_in_document(s) for s in statements if s.statement_id not in compared]
    rows += [_only_in_curated(c) for c in curated if c.expected and c.curated_id not in compared]
    return rows


def _ident(side: Side) -> str:
    return side.curated_id if isinstance(side, CuratedValue) else side.statement_id


def reconcile(conductivity: pd.DataFrame, curated: pd.DataFrame,
              decisions: pd.DataFrame | None = None,
              settings: ReconcileSettings | Mapping[str, Any] | None = None) -> pd.DataFrame:
    """Compare every statement with every other of its material and with the curated values.

    Args:
        conductivity: records (``extractors.records.RECORD_COLUMNS``).
        curated: :func:`extractors.curated.load_curated` output.
        decisions: :func:`extractors.decisions.load_decisions` output; a decision replaces the
            status of the row it names (``original_status`` keeps the verdict).
        settings: :class:`ReconcileSettings`, a dict of overrides or None.

    Returns:
        A frame with the ``reconciliation`` dataset's columns, conflicts first.

    Raises:
        DecisionError: two decisions contradict each other on one statement.
    """
    settings = ReconcileSettings.resolve(settings)
    statements = _unify_within_works(records_to_statements(conductivity))
    values = [c for c in curated_to_values(curated) if settings.compare_public or c.expected]
    rows = compare_statements(statements, values, settings.compare_settings())
    out = _frame(rows)
    if decisions is not None and len(decisions):
        out = apply_decisions(out, decisions)
    order = {status: i for i, status in enumerate(
        (*CONFLICT_STATUSES, "only_in_curated", "rounding", "agrees", "only_in_document",
         *DECISIONS))}
    out = out.assign(_order=out["status"].map(order)).sort_values(
        ["_order", "material_key", "reconciliation_id"], kind="stable")
    return out.drop(columns="_order").reset_index(drop=True)


def _frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    out = pd.DataFrame(rows, columns=list(RECONCILIATION_COLUMNS))
    for col in RECONCILIATION_COLUMNS:
        if col in _FLOAT_COLUMNS:
            out[col] = out[col].astype("float64")
        elif col == "is_statement_about_class":
            out[col] = out[col].fillna(False).astype("bool")
        elif col not in _LIST_COLUMNS:
            out[col] = out[col].astype("string")
    return out


# --- decisions --------------------------------------------------------------------------------

def _decision_target(row: Mapping[str, Any], d: Mapping[str, Any]) -> bool:
    """Whether decision ``d`` names ``row``: by its id, its statement, or record + curated id."""
    if _text(d.get("reconciliation_id")):
        return bool(d["reconciliation_id"] == row["reconciliation_id"])
    if _text(d.get("statement_id")):
        return bool(d["statement_id"] == row["statement_id"])
    record, cur = _text(d.get("record_id")), _text(d.get("curated_id"))
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
            (d["decision"], _float(d.get("corrected_sigma_S_per_cm")),
             _float(d.get("corrected_temperature_K"))))
    clashes = {s: v for s, v in by_statement.items() if s != "<NA>" and len(v) > 1}
    if clashes:
        statement, verdicts = next(iter(sorted(clashes.items())))
        raise DecisionError(
            f"decisions contradict each other on statement {statement}: "
            f"{', '.join(sorted(str(v[0]) for v in verdicts))} "
            f"({len(clashes)} statement(s) decided twice)")
    return chosen


def apply_decisions(reconciliation: pd.DataFrame, decisions: pd.DataFrame) -> pd.DataFrame:
    """Curators' decisions replace the status; ``original_status`` keeps the verdict."""
    out = reconciliation.copy()
    for idx, decision in decisions_for_rows(out, decisions).items():
        note = _text(decision.get("note"))
        by = _text(decision.get("curator"))
        when = _decision_time(decision)
        out.at[idx, "status"] = decision["decision"]
        out.at[idx, "decision"] = decision["decision"]
        out.at[idx, "decision_note"] = note
        out.at[idx, "decided_by"] = by
        out.at[idx, "decided_at"] = None if when == pd.Timestamp.min else when.date().isoformat()
        for col in ("corrected_sigma_S_per_cm", "corrected_temperature_K"):
            out.at[idx, col] = _float(decision.get(col))
    return out


def unmatched_decisions(reconciliation: pd.DataFrame, decisions: pd.DataFrame) -> pd.DataFrame:
    """Decisions that name no current row (stale ids after a re-extraction), for a WARN check."""
    rows = reconciliation.to_dict("records")
    keep = [not any(_decision_target(r, d) for r in rows) for d in decisions.to_dict("records")]
    return decisions[keep].reset_index(drop=True)


def summarise_reconciliation(df: pd.DataFrame) -> dict[str, int]:
    """Rows per status, every known status present (zero when absent) for stable metadata."""
    counts = df["status"].value_counts()
    return {status: int(counts.get(status, 0)) for status in STATUSES}


# --- the curated view -------------------------------------------------------------------------

def curated_view(conductivity: pd.DataFrame, reconciliation: pd.DataFrame) -> pd.DataFrame:
    """Every record with what curation made of it: the value to use and why.

    Accepted values stand; rejected ones are marked (``usable`` false); corrected ones carry
    the corrected value, the original kept beside it. ``review_status`` is the most pressing
    verdict any comparison gave the record's statement.
    """
    rank = {s: i for i, s in enumerate((*CONFLICT_STATUSES, "rounding", "agrees",
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
                    if _text(r.get("decision")):
                        decision_of[rid] = r
    out = conductivity[["record_id", "work_id", "doc_sha256", "doc_name", "source", "page",
                        "material_raw", "material_formula", "conductivity_kind", "value_raw",
                        "temperature_raw"]].copy()
    ids = out["record_id"].astype(str)
    decided = [decision_of.get(rid, {}) for rid in ids]
    corrected_sigma = [_float(d.get("corrected_sigma_S_per_cm")) for d in decided]
    corrected_t = [_float(d.get("corrected_temperature_K")) for d in decided]
    out["statement_id"] = [statement_of.get(rid) for rid in ids]
    out["review_status"] = [status_of.get(rid, "only_in_document") for rid in ids]
    out["decision"] = [_text(d.get("decision")) for d in decided]
    out["usable"] = [d.get("decision") != "rejected" for d in decided]
    out["sigma_S_per_cm"] = [c if c is not None else s for c, s in zip(
        corrected_sigma, conductivity["sigma_S_per_cm"], strict=True)]
    out["temperature_K"] = [c if c is not None else t for c, t in zip(
        corrected_t, conductivity["temperature_K"], strict=True)]
    out["original_sigma_S_per_cm"] = conductivity["sigma_S_per_cm"].to_numpy()
    out["original_temperature_K"] = conductivity["temperature_K"].to_numpy()
    out["decision_note"] = [_text(d.get("decision_note")) for d in decided]
    out["decided_by"] = [_text(d.get("decided_by")) for d in decided]
    out["decided_at"] = [_text(d.get("decided_at")) for d in decided]
    out = out[list(CURATED_VIEW_COLUMNS)]
    for col in CURATED_VIEW_COLUMNS:
        if col in ("page",):
            out[col] = out[col].astype("int32")
        elif col == "usable":
            out[col] = out[col].astype("bool")
        elif col.endswith("_K") or col.endswith("_per_cm"):
            out[col] = pd.to_numeric(out[col]).astype("float64")
        else:
            out[col] = out[col].astype("string")
    return out.reset_index(drop=True)
