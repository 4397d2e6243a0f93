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
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

import pandas as pd

from extractors.comparison import (
    CompareSettings,
    Value,
    Verdict,
    capitalised,
    compare,
    format_sigma,
    written_figures,
)
from extractors.conditions import (
    Conditions,
    contradicting,
    describe,
    same_material,
    text_to_conditions,
)
from extractors.consensus import (
    DEFAULT_MIN_WORKS,
    DEFAULT_OUTLIER_DECADES,
    DEFAULT_OUTLIER_MADS,
    DEFAULT_WINDOW_K,
    ConsensusSettings,
    Point,
    cells_to_frame,
    curated_work,
    find_outliers,
    points_to_cells,
    statement_point,
)
from extractors.curated import SOURCE_LABELS, cell_text
from extractors.curation import apply_problem_decisions, cell_float, curated_view
from extractors.problems import error_candidates, outlier_problems
from extractors.schemas import (
    COMPARISON_STATUSES,
    CONFLICT_STATUSES,
    DECISIONS,
    RECONCILIATION_COLUMNS,
    rows_to_frame,
)
from extractors.statements import (
    Statement,
    composite_aliases,
    material_key,
    records_to_statements,
    typo_aliases,
)
from extractors.table_context import records_with_table_context
from extractors.units import ROOM_TEMPERATURE_K

DEFAULT_COMPARE_PUBLIC = True
STATUSES: tuple[str, ...] = (*COMPARISON_STATUSES, *DECISIONS)
_FLOAT_COLUMNS = ("document_sigma_S_per_cm", "document_temperature_K", "other_sigma_S_per_cm",
                  "other_temperature_K", "factor", "temperature_diff_K",
                  "corrected_sigma_S_per_cm", "corrected_temperature_K")
_LIST_COLUMNS = ("record_ids", "other_record_ids", "curated_ids")


@dataclass(frozen=True)
class ReconcileSettings(CompareSettings):
    """The comparison's tolerances (:class:`extractors.comparison.CompareSettings`), whether
    public datasets are compared besides the curators' sheet, and the consensus windows and
    outlier rule (:class:`extractors.consensus.ConsensusSettings`)."""

    compare_public: bool = DEFAULT_COMPARE_PUBLIC
    window_K: float = DEFAULT_WINDOW_K
    min_works: int = DEFAULT_MIN_WORKS
    outlier_decades: float = DEFAULT_OUTLIER_DECADES
    outlier_mads: float = DEFAULT_OUTLIER_MADS

    def compare_settings(self) -> CompareSettings:
        return CompareSettings(**{f.name: getattr(self, f.name)
                                  for f in fields(CompareSettings)})

    def consensus_settings(self) -> ConsensusSettings:
        return ConsensusSettings(**{f.name: getattr(self, f.name)
                                    for f in fields(ConsensusSettings)})


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
    conditions: Conditions = frozenset()

    def where(self) -> str:
        origin = self.primary_source or (
            f"doi:{sorted(self.dois)[0]}" if self.dois else "no source given")
        return f"{SOURCE_LABELS.get(self.source_dataset, self.source_dataset)} " \
               f"{self.curated_id} ({origin})"


Side = Statement | CuratedValue




def curated_to_values(curated: pd.DataFrame) -> list[CuratedValue]:
    """Curated rows that state a value (or a bound), keyed like the documents' materials."""
    out = []
    for c in curated.to_dict("records"):
        sigma, low, high = (cell_float(c.get(k)) for k in (
            "sigma_S_per_cm", "sigma_low_S_per_cm", "sigma_high_S_per_cm"))
        if sigma is None and low is None and high is None:
            continue
        label = SOURCE_LABELS.get(str(c["source_dataset"]), str(c["source_dataset"]))
        value = Value(sigma, low, high, cell_float(c.get("temperature_K")), None,
                      written_figures(None, sigma), f"{label} {c['curated_id']}")
        out.append(CuratedValue(
            str(c["curated_id"]), str(c["source_dataset"]), str(c["material"]),
            material_key(str(c["material"]), cell_text(c.get("material_formula"))), value,
            frozenset(d for d in str(cell_text(c.get("doi")) or "").split("|") if d),
            frozenset(k for k in str(cell_text(c.get("citations")) or "").split(",") if k),
            cell_text(c.get("primary_source")), bool(c.get("expected_in_corpus")),
            text_to_conditions(str(c["material"]), cell_text(c.get("processing")))))
    return out


# --- matching ---------------------------------------------------------------------------------

def same_citation(a: Side, b: Side) -> str | None:
    """How ``a`` and ``b`` cite one paper (pairs sharing one are paired first), or None.

    Sharing a citation pairs two sides; it is no evidence that they agree, and when one side
    was taken from the other (:func:`dependence`) their agreement proves nothing.

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


Judge = Callable[[Side, Side], Verdict | None]


def pair_groups(left: list[Side], right: list[Side], settings: CompareSettings,
                judge: Judge | None = None) -> list[tuple[Side, Side, Verdict]]:
    """One-to-one pairs of two groups, cheapest first; pairs that are two measurements (or of
    kinds that are not comparable) are skipped. ``judge`` gives the verdict (default: the
    values compared)."""
    def by_value(a: Side, b: Side) -> Verdict | None:
        return compare(a.value, b.value, settings)

    judge = judge or by_value
    costs = sorted(((_pair_cost(a, b), i, j) for i, a in enumerate(left)
                    for j, b in enumerate(right) if kinds_comparable(a, b)),
                   key=lambda c: c[0])
    used_left: set[int] = set()
    used_right: set[int] = set()
    pairs = []
    for _, i, j in costs:
        if i in used_left or j in used_right:
            continue
        verdict = judge(left[i], right[j])
        if verdict is None:
            continue
        pairs.append((left[i], right[j], verdict))
        used_left.add(i)
        used_right.add(j)
    return pairs


# --- independence ---------------------------------------------------------------------------

Bound = Mapping[str, frozenset[str]]


def curated_bound_to_works(statements: Iterable[Statement], curated: Iterable[CuratedValue],
                           ) -> dict[str, frozenset[str]]:
    """Curated rows taken from a work under review: curated id → those works.

    A row citing bracketed reference numbers (``as cited in ref [179]``) was read from a
    document that numbers its references so, not from the paper itself: it belongs to the work
    whose statements of the material cite those numbers.
    """
    citing: dict[tuple[str, str], set[str]] = {}
    for s in statements:
        for n in s.citations:
            citing.setdefault((s.material_key, n), set()).add(s.work_id)
    return {c.curated_id: frozenset(w for n in c.citations
                                    for w in citing.get((c.material_key, n), ()))
            for c in curated if c.citations}


def dependence(a: Side, b: Side, bound: Bound) -> str | None:
    """Why ``a`` and ``b`` are not independent evidence, or None when they are.

    One work, a work and the paper it cites, or a curated row taken from the work under
    review (or from the paper it cites) say one thing twice: a difference between them is an
    error to find, an agreement proves nothing.
    """
    if isinstance(a, CuratedValue):
        a, b = b, a
    assert isinstance(a, Statement)
    own = a.work_id.removeprefix("doi:") if a.work_id.startswith("doi:") else None
    if isinstance(b, Statement):
        if a.work_id == b.work_id:
            return "one work"
        other = b.work_id.removeprefix("doi:")
        if other in a.cited_dois or (own and own in b.cited_dois):
            return "one of the two works cites the other"
        return None
    if own and own in b.dois:
        return f"{b.where()} is this work's own paper"
    cited = sorted(set(a.cited_dois) & b.dois)
    if cited:
        return f"{b.where()} is the paper this work cites (doi:{cited[0]})"
    if a.work_id in bound.get(b.curated_id, ()):
        return f"{b.where()} was taken from this work"
    return None


def judge_pair(a: Side, b: Side, settings: CompareSettings, bound: Bound) -> Verdict | None:
    """The verdict on a pair, knowing whether its sides are independent.

    Independent sides must describe the same sample (phase and processing words,
    :mod:`extractors.conditions`), and a difference between them is ``spread``, not a conflict.
    Dependent sides that describe the sample in ways that cannot both hold are two samples,
    unless they state one value: then one of the descriptions is wrong (``condition_conflict``).
    """
    depends = dependence(a, b, bound)
    if depends is None and not same_material(a.conditions, b.conditions):
        return None
    verdict = compare(a.value, b.value, settings)
    if verdict is None:
        return None
    if depends is not None and contradicting(a.conditions, b.conditions):
        if verdict.status not in ("agrees", "rounding"):
            return None
        return Verdict("condition_conflict",
                       f"the same value for two descriptions of the sample: "
                       f"{describe(a.conditions)} in {a.value.label}, "
                       f"{describe(b.conditions)} in {b.value.label}",
                       verdict.factor, verdict.temperature_diff_K)
    if depends is None and verdict.status in CONFLICT_STATUSES:
        return Verdict("spread", f"{verdict.reason}; independent sources, so no conflict: see "
                                 "the consensus of the material", verdict.factor,
                       verdict.temperature_diff_K)
    return verdict


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
        "independent": None, "problem_id": None,
    }


def _pair_row(a: Side, b: Side, verdict: Verdict, curated: list[CuratedValue],
              settings: CompareSettings, bound: Bound) -> dict[str, Any]:
    assert isinstance(a, Statement)
    citation = same_citation(a, b)
    depends = dependence(a, b, bound)
    text = (f"{capitalised(a.where())} gives {a.value.describe()}; {b.where()} gives "
            f"{b.value.describe()}: {verdict.reason}")
    if depends and isinstance(b, CuratedValue):
        text += f". Not independent evidence: {depends}"
    elif citation and not depends:
        text += f". Both cite {citation}"
    extra: list[str] = []
    if isinstance(b, CuratedValue) and verdict.status in CONFLICT_STATUSES:
        disagree = _disagreeing_sources(b, (c for c in curated if c is not b
                                            and c.conditions == b.conditions), settings)
        if disagree:
            extra = [c.curated_id for c in disagree]
            text += (f". The curated sources disagree about this material: "
                     f"{_list_by_source(disagree)}")
    row = _row(a, b, verdict.status, text + ".", verdict=verdict, citation=citation,
               extra_curated=extra)
    row.update(independent=depends is None, _reason=verdict.reason, _depends=depends)
    return row


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


def _only_in_document(s: Statement) -> dict[str, Any]:
    if s.is_class:
        text = (f"{capitalised(s.where())} gives {s.value.describe()} for “{s.material_raw}”: a "
                "statement about a class of materials, not one material")
    else:
        text = (f"{capitalised(s.where())} gives {s.value.describe()} for {s.material_raw}: no "
                "other statement or curated value of this material to compare with")
    return _row(s, None, "only_in_document", text + ".")


def _only_in_curated(c: CuratedValue) -> dict[str, Any]:
    return {
        **{col: None for col in RECONCILIATION_COLUMNS},
        "reconciliation_id": _rid("", c.curated_id), "status": "only_in_curated",
        "original_status": "only_in_curated",
        "explanation": f"{capitalised(c.where())} gives {c.value.describe()} for {c.material}: no "
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
    bound = curated_bound_to_works(statements, curated)

    def judge(a: Side, b: Side) -> Verdict | None:
        return judge_pair(a, b, settings, bound)

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
                for a, b, verdict in pair_groups(groups[g1], groups[g2], settings, judge):
                    left, right = _order(a, b)
                    if not isinstance(left, Statement):
                        continue
                    rows.append(_pair_row(left, right, verdict, curated_by_key.get(key, []),
                                          settings, bound))
                    compared.add(_ident(left))
                    compared.add(_ident(right))
    rows += [_only_in_document(s) for s in statements if s.statement_id not in compared]
    rows += [_only_in_curated(c) for c in curated if c.expected and c.curated_id not in compared]
    return rows


def _ident(side: Side) -> str:
    return side.curated_id if isinstance(side, CuratedValue) else side.statement_id


@dataclass(frozen=True)
class Reconciled:
    """The three frames of one reconciliation: comparisons, problems and consensus."""

    reconciliation: pd.DataFrame
    problems: pd.DataFrame
    consensus: pd.DataFrame

    def curated_view(self, conductivity: pd.DataFrame) -> pd.DataFrame:
        """:func:`curated_view` of these comparisons and problems."""
        return curated_view(conductivity, self.reconciliation, self.problems)


def curated_points(values: Iterable[CuratedValue], keys: set[str]) -> list[Point]:
    """Curated values as consensus points, for the materials the corpus states; a row read
    from a work under review (bracketed citations, no DOI) repeats that work and is left out."""
    points = []
    for c in values:
        v = c.value
        if (c.material_key not in keys or v.sigma is None or v.sigma <= 0
                or v.temperature_K is None or (c.citations and not c.dois)):
            continue
        points.append(Point(c.material_key, c.conditions,
                            curated_work(c.dois, c.primary_source, c.curated_id),
                            math.log10(v.sigma), v.temperature_K, c.material,
                            curated_id=c.curated_id))
    return points


def reconcile_corpus(conductivity: pd.DataFrame, curated: pd.DataFrame,
                     decisions: pd.DataFrame | None = None,
                     settings: ReconcileSettings | Mapping[str, Any] | None = None,
                     tables: pd.DataFrame | None = None) -> Reconciled:
    """Compare every statement with every other of its material and with the curated values,
    gather the disagreements into problems and the independent values into a consensus.

    Args:
        conductivity: records (``extractors.records.RECORD_COLUMNS``).
        curated: :func:`extractors.curated.load_curated` output.
        decisions: :func:`extractors.decisions.load_decisions` output; a decision naming a
            problem decides every comparison of it, one naming a comparison decides it (and
            its problem). ``original_status`` keeps the verdict.
        settings: :class:`ReconcileSettings`, a dict of overrides or None.
        tables: the ``tables`` cells; explanations then name a table as its caption does
            ("Table 2") and give a table value's column header (its unit).

    Returns:
        The ``reconciliation`` (conflicts first), ``problems`` (open first) and ``consensus``
        frames with their datasets' columns.

    Raises:
        DecisionError: two decisions contradict each other on one statement.
    """
    settings = ReconcileSettings.resolve(settings)
    statements = _unify_within_works(records_to_statements(
        records_with_table_context(conductivity, tables)))
    values = [c for c in curated_to_values(curated) if settings.compare_public or c.expected]
    rows = compare_statements(statements, values, settings.compare_settings())
    by_id = {s.statement_id: s for s in statements}
    agreed = settings.consensus_settings()
    errors = error_candidates(rows, by_id)
    # a value suspected of an error inside its work says nothing about the material
    suspected = {i for p in errors for i in p["suspect_statement_ids"]}
    trusted = [s for s in statements if s.statement_id not in suspected]
    points = [p for p in map(statement_point, trusted) if p is not None]
    cells = points_to_cells(
        [*points, *curated_points(values, {s.material_key for s in statements})],
        agreed.window_K)
    outliers = find_outliers(trusted, cells, agreed)
    problem_rows = [*errors, *outlier_problems(outliers, rows, by_id)]
    consensus = cells_to_frame(cells, agreed.window_K, extra=[
        (o.statement.material_key, o.statement.conditions) for o in outliers])
    out = _frame(rows)
    problems = rows_to_frame("problems", problem_rows)
    if decisions is not None and len(decisions):
        out, problems = apply_problem_decisions(out, problems, decisions)
    order = {status: i for i, status in enumerate(
        (*CONFLICT_STATUSES, "only_in_curated", "spread", "rounding", "agrees",
         "only_in_document", *DECISIONS))}
    out = out.assign(_order=out["status"].map(order)).sort_values(
        ["_order", "material_key", "reconciliation_id"], kind="stable")
    problems = problems.assign(_open=problems["status"] != "open").sort_values(
        ["_open", "problem_kind", "material_key", "problem_id"], kind="stable")
    consensus = consensus.sort_values(["material_key", "conditions", "window_low_K"])
    return Reconciled(out.drop(columns="_order").reset_index(drop=True),
                      problems.drop(columns="_open").reset_index(drop=True),
                      consensus.reset_index(drop=True))


def reconcile(conductivity: pd.DataFrame, curated: pd.DataFrame,
              decisions: pd.DataFrame | None = None,
              settings: ReconcileSettings | Mapping[str, Any] | None = None) -> pd.DataFrame:
    """The ``reconciliation`` frame of :func:`reconcile_corpus`."""
    return reconcile_corpus(conductivity, curated, decisions, settings).reconciliation


def _frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    out = pd.DataFrame(rows, columns=list(RECONCILIATION_COLUMNS))
    for col in RECONCILIATION_COLUMNS:
        if col in _FLOAT_COLUMNS:
            out[col] = out[col].astype("float64")
        elif col == "is_statement_about_class":
            out[col] = out[col].fillna(False).astype("bool")
        elif col == "independent":
            out[col] = out[col].astype("boolean")
        elif col not in _LIST_COLUMNS:
            out[col] = out[col].astype("string")
    return out


def summarise_reconciliation(df: pd.DataFrame) -> dict[str, int]:
    """Rows per status, every known status present (zero when absent) for stable metadata."""
    counts = df["status"].value_counts()
    return {status: int(counts.get(status, 0)) for status in STATUSES}
