"""Compare extracted conductivities with curated reference values and curators' decisions.

The curators' sheet lists what our corpus should contain (``expected_in_corpus``); public
datasets (OBELiX, Liverpool, Laskowski) only give a second opinion on values the curators did
not cover. Materials match on the reduced formula, or on the normalised name when a material
has no formula (``LiPON``). Within one document and material, each curated value is paired
with the document value closest in temperature, then in value; document values left over
are listed after the compared record in ``record_ids`` (they usually are the other points of
an Arrhenius series). A curated value left without a partner is ``only_in_curated``.
"""

from __future__ import annotations

import csv
import hashlib
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import pandas as pd

from extractors.errors import CuratedDataError, DecisionError
from extractors.materials import normalise_material_text, reduced_formula, resolve_material

DEFAULT_RELATIVE_TOLERANCE = 1e-3
DEFAULT_TEMPERATURE_TOLERANCE_K = 5.0
DEFAULT_UNIT_SLIP_TOLERANCE = 0.05
DEFAULT_MAX_UNIT_SLIP_EXPONENT = 6
DEFAULT_COMPARE_PUBLIC = True

#: Room temperature as every source here means it.
ROOM_TEMPERATURE_K = 298.15
#: The Liverpool file's ``temperature`` column is in °C (Hargreaves et al. 2023).
LIVERPOOL_TEMPERATURE_OFFSET_K = 273.15

COMPARISON_STATUSES: tuple[str, ...] = (
    "agrees", "rounding", "unit_slip", "value_conflict", "temperature_conflict",
    "only_in_document", "only_in_curated",
)
DECISIONS: tuple[str, ...] = ("accepted", "rejected", "corrected")
STATUSES: tuple[str, ...] = (*COMPARISON_STATUSES, *DECISIONS)
#: Report order: what needs a curator first.
_REPORT_ORDER: tuple[str, ...] = (
    "value_conflict", "unit_slip", "temperature_conflict", "only_in_curated", "only_in_document",
    "rounding", "agrees", "corrected", "rejected", "accepted",
)

CURATED_COLUMNS: tuple[str, ...] = (
    "curated_id", "material", "material_formula", "sigma_S_per_cm", "sigma_low_S_per_cm",
    "sigma_high_S_per_cm", "temperature_K", "source_dataset", "primary_source", "doi",
    "expected_in_corpus", "note",
)
DECISION_COLUMNS: tuple[str, ...] = (
    "reconciliation_id", "record_id", "curated_id", "decision", "corrected_sigma_S_per_cm",
    "corrected_temperature_K", "curator", "decided_at", "note",
)
RECONCILIATION_COLUMNS: tuple[str, ...] = (
    "reconciliation_id", "status", "explanation", "material_raw", "material_formula",
    "record_ids", "curated_ids", "doc_sha256", "document_sigma_S_per_cm",
    "curated_sigma_S_per_cm", "factor", "document_temperature_K", "curated_temperature_K",
    "temperature_diff_K", "curated_source", "decision", "decision_note", "original_status",
    "corrected_sigma_S_per_cm", "corrected_temperature_K",
)
_FLOAT_COLUMNS = ("document_sigma_S_per_cm", "curated_sigma_S_per_cm", "factor",
                  "document_temperature_K", "curated_temperature_K", "temperature_diff_K",
                  "corrected_sigma_S_per_cm", "corrected_temperature_K")
_DOI = re.compile(r"10\.\d{4,9}/[^\s,;]+")
_FIRST_NUMBER = re.compile(r"\d+(?:\.\d+)?|\.\d+")


@dataclass(frozen=True)
class ReconcileSettings:
    """Tolerances for comparing a document value with a curated one.

    Attributes:
        relative_tolerance: largest |doc - curated| / curated that still ``agrees``.
        temperature_tolerance_K: larger temperature differences give ``temperature_conflict``
            (RT as 298.15 K vs 300 K stays within).
        unit_slip_tolerance: relative tolerance around a power of ten for ``unit_slip``.
        max_unit_slip_exponent: largest power of ten considered a unit slip (µS vs S is 6).
        compare_public: compare uncurated materials with public datasets too.
    """

    relative_tolerance: float = DEFAULT_RELATIVE_TOLERANCE
    temperature_tolerance_K: float = DEFAULT_TEMPERATURE_TOLERANCE_K
    unit_slip_tolerance: float = DEFAULT_UNIT_SLIP_TOLERANCE
    max_unit_slip_exponent: int = DEFAULT_MAX_UNIT_SLIP_EXPONENT
    compare_public: bool = DEFAULT_COMPARE_PUBLIC

    def __post_init__(self) -> None:
        for name in ("relative_tolerance", "temperature_tolerance_K", "unit_slip_tolerance"):
            if not getattr(self, name) >= 0:
                raise ValueError(f"{name} must be >= 0, got {getattr(self, name)!r}")
        if not 1 <= self.max_unit_slip_exponent <= 12:
            raise ValueError(
                f"max_unit_slip_exponent must be in 1..12, got {self.max_unit_slip_exponent}")

    @classmethod
    def resolve(cls, settings: ReconcileSettings | Mapping[str, Any] | None,
                ) -> ReconcileSettings:
        """Accept None (defaults), a dict of overrides or an instance."""
        if settings is None:
            return cls()
        if isinstance(settings, ReconcileSettings):
            return settings
        known = {f.name for f in fields(cls)}
        unknown = set(settings) - known
        if unknown:
            raise ValueError(f"unknown reconcile settings: {sorted(unknown)}")
        return cls(**dict(settings))


# --- curated reference data -------------------------------------------------------------------

def _parse_reference_sigma(raw: object) -> tuple[float | None, float | None, float | None]:
    """(value, low, high) from ``1.2E-4``, ``1.2E−4`` or bounds like ``<1E-10``."""
    if raw is None or (isinstance(raw, float) and math.isnan(raw)):
        return None, None, None
    text = str(raw).strip().replace("−", "-").replace(" ", "")
    if not text:
        return None, None, None
    bound = text[0] if text[0] in "<>" else ""
    value = float(text.lstrip("<>≤≥="))
    if bound == "<":
        return None, None, value
    if bound == ">":
        return None, value, None
    return value, value, value


def _curated_row(curated_id: str, material: str, sigma: object, temperature_K: float | None,
                 source_dataset: str, primary_source: str | None, doi: str | None,
                 expected: bool, note: str | None) -> dict[str, Any]:
    value, low, high = _parse_reference_sigma(sigma)
    if value is None and (low is not None or high is not None):
        note = "; ".join(filter(None, [note, f"bound {str(sigma).strip()} kept as a bound"]))
    return {
        "curated_id": curated_id, "material": material,
        "material_formula": resolve_material(material).formula,
        "sigma_S_per_cm": value, "sigma_low_S_per_cm": low, "sigma_high_S_per_cm": high,
        "temperature_K": temperature_K, "source_dataset": source_dataset,
        "primary_source": primary_source, "doi": doi, "expected_in_corpus": expected,
        "note": note,
    }


def _text(value: object) -> str | None:
    return None if value is None or pd.isna(value) or not str(value).strip() else str(value)


def _curators_sheet_rows(df: pd.DataFrame) -> list[dict[str, Any]]:
    rows = []
    for r in df.itertuples(index=False):
        source = _text(r.primary_source)
        doi = _DOI.search(source) if source else None
        temperature = None if pd.isna(r.temperature_K) else float(r.temperature_K)
        rows.append(_curated_row(str(r.curated_id), str(r.material), r.sigma_S_per_cm,
                                 temperature, "curators_sheet", source,
                                 doi.group() if doi else None, True, _text(r.curator_note)))
    return rows


def _obelix_rows(df: pd.DataFrame) -> list[dict[str, Any]]:
    return [_curated_row(f"obelix:{r['ID']}", str(r["Reduced Composition"]),
                         r["Ionic conductivity (S cm-1)"], ROOM_TEMPERATURE_K, "obelix", None,
                         _text(r["DOI"]), False, None)
            for r in df.to_dict("records")]


def _liverpool_rows(df: pd.DataFrame) -> list[dict[str, Any]]:
    return [_curated_row(f"liverpool:{r['ID']}", str(r["composition"]), r["target"],
                         float(r["temperature"]) + LIVERPOOL_TEMPERATURE_OFFSET_K, "liverpool",
                         None, _text(r["source"]), False, None)
            for r in df.to_dict("records")]


def _laskowski_rows(df: pd.DataFrame) -> list[dict[str, Any]]:
    index = df.columns[0]
    return [_curated_row(f"laskowski:{r[index]}", str(r["Structure"]), r["σ(RT)(S cm-1)"],
                         ROOM_TEMPERATURE_K, "laskowski2023", None, _text(r["DOI"]), False, None)
            for r in df.to_dict("records")]


_READERS = (
    ({"curated_id", "material", "sigma_S_per_cm", "temperature_K"}, _curators_sheet_rows),
    ({"ID", "Reduced Composition", "Ionic conductivity (S cm-1)"}, _obelix_rows),
    ({"ID", "composition", "temperature", "target"}, _liverpool_rows),
    ({"Structure", "σ(RT)(S cm-1)", "DOI"}, _laskowski_rows),
)


def load_curated(paths: Iterable[str | Path]) -> pd.DataFrame:
    """Curators' sheet and public datasets as one frame with :data:`CURATED_COLUMNS`.

    The layout is recognised from the header. OBELiX and Laskowski values are RT (298.15 K);
    Liverpool temperatures are °C. ``<1E-10`` becomes an upper bound (value null). Rows seen
    twice (OBELiX ``all`` and its splits) are kept once; an id repeated inside one file (the
    Liverpool file has two rows ``922``) gets a ``#2`` suffix.

    Raises:
        CuratedDataError: a file whose header matches no known layout.
    """
    frames = []
    for path in paths:
        df = pd.read_csv(path, encoding="utf-8-sig")
        reader = next((read for cols, read in _READERS if cols <= set(df.columns)), None)
        if reader is None:
            raise CuratedDataError(f"{path}: unknown curated layout, columns {list(df.columns)}")
        frame = pd.DataFrame(reader(df), columns=list(CURATED_COLUMNS))
        repeat = frame.groupby("curated_id").cumcount()
        frame.loc[repeat > 0, "curated_id"] += "#" + (repeat[repeat > 0] + 1).astype(str)
        frames.append(frame)
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=list(CURATED_COLUMNS))
    out = out.drop_duplicates("curated_id").reset_index(drop=True)
    for col in ("sigma_S_per_cm", "sigma_low_S_per_cm", "sigma_high_S_per_cm", "temperature_K"):
        out[col] = out[col].astype("float64")
    for col in ("curated_id", "material", "material_formula", "source_dataset",
                "primary_source", "doi", "note"):
        out[col] = out[col].astype("string")
    out["expected_in_corpus"] = out["expected_in_corpus"].astype("bool")
    return out


# --- curators' decisions ----------------------------------------------------------------------

def _optional_float(row: Mapping[str, str], column: str, where: str) -> float | None:
    text = (row.get(column) or "").strip()
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise DecisionError(f"{where}: {column} {text!r} is not a number") from None


def load_decisions(path: str | Path) -> pd.DataFrame:
    """Curators' decisions (``seeds/decisions/decisions.csv``) with :data:`DECISION_COLUMNS`.

    Raises:
        DecisionError: a missing column, an unknown decision, a row that names no
            comparison or a ``corrected`` row without a corrected value; names file and line.
    """
    rows = []
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = set(DECISION_COLUMNS) - set(reader.fieldnames or ())
        if missing:
            raise DecisionError(f"{path}: line 1: missing columns {sorted(missing)}")
        for row in reader:
            where = f"{path}: line {reader.line_num}"
            decision = (row["decision"] or "").strip()
            if decision not in DECISIONS:
                raise DecisionError(f"{where}: decision {decision!r} is not one of {DECISIONS}")
            ids = {c: (row[c] or "").strip() or None
                   for c in ("reconciliation_id", "record_id", "curated_id")}
            if not any(ids.values()):
                raise DecisionError(f"{where}: needs reconciliation_id or record_id/curated_id")
            sigma = _optional_float(row, "corrected_sigma_S_per_cm", where)
            temperature = _optional_float(row, "corrected_temperature_K", where)
            if decision == "corrected" and sigma is None and temperature is None:
                raise DecisionError(f"{where}: 'corrected' needs a corrected value")
            rows.append({**ids, "decision": decision, "corrected_sigma_S_per_cm": sigma,
                         "corrected_temperature_K": temperature,
                         **{c: (row[c] or "").strip() or None
                            for c in ("curator", "decided_at", "note")}})
    out = pd.DataFrame(rows, columns=list(DECISION_COLUMNS))
    for col in ("corrected_sigma_S_per_cm", "corrected_temperature_K"):
        out[col] = out[col].astype("float64")
    return out


# --- comparing values -------------------------------------------------------------------------

def _num(value: object) -> float | None:
    return None if value is None or pd.isna(value) else float(value)  # type: ignore[arg-type]


def _significant_figures(number: str) -> int:
    """Significant figures of a written number; trailing zeros of integers do not count."""
    digits = number.replace(".", "").lstrip("0")
    if "." not in number:
        digits = digits.rstrip("0")
    return max(len(digits), 1)


def _value_significant_figures(value: float) -> int:
    return _significant_figures(f"{value:.12g}".split("e")[0])


def _round_significant(value: float, figures: int) -> float:
    return float(f"{value:.{figures - 1}e}")


def format_sigma(value: float) -> str:
    """``0.125`` as ``1.25e-1``: compact, and the exponent reads like the papers'."""
    mantissa, exponent = f"{value:.{_value_significant_figures(value) - 1}e}".split("e")
    return f"{mantissa}e{int(exponent)}"


def _format_temperature(value: float | None) -> str:
    return "at unstated temperature" if value is None else f"at {value:g} K"


@dataclass(frozen=True)
class _Side:
    """One value with its range: a document record or a curated row."""

    ident: str
    sigma: float | None
    low: float | None
    high: float | None
    temperature_K: float | None
    figures: int

    @property
    def has_value(self) -> bool:
        return self.sigma is not None or self.low is not None or self.high is not None

    def describe(self) -> str:
        if self.sigma is not None:
            return format_sigma(self.sigma)
        if self.low is not None and self.high is not None:
            return f"{format_sigma(self.low)}–{format_sigma(self.high)}"
        if self.high is not None:
            return f"<{format_sigma(self.high)}"
        return f">{format_sigma(self.low or 0.0)}"

    def contains(self, value: float, tolerance: float) -> bool:
        low = -math.inf if self.low is None else self.low * (1 - tolerance)
        high = math.inf if self.high is None else self.high * (1 + tolerance)
        return low <= value <= high

    def centre(self) -> float | None:
        """The value, or the geometric middle of a range, for ranking candidate pairs."""
        if self.sigma is not None:
            return self.sigma
        ends = [v for v in (self.low, self.high) if v is not None and v > 0]
        return math.sqrt(ends[0] * ends[-1]) if ends else None


def _document_side(r: Mapping[str, Any]) -> _Side:
    sigma = _num(r.get("sigma_S_per_cm"))
    number = _FIRST_NUMBER.search(str(r.get("value_raw") or ""))
    figures = (_significant_figures(number.group()) if number
               else _value_significant_figures(sigma) if sigma else 1)
    return _Side(str(r["record_id"]), sigma, _num(r.get("sigma_low_S_per_cm")),
                 _num(r.get("sigma_high_S_per_cm")), _num(r.get("temperature_K")), figures)


def _curated_side(r: Mapping[str, Any]) -> _Side:
    sigma = _num(r.get("sigma_S_per_cm"))
    figures = _value_significant_figures(sigma) if sigma else 1
    return _Side(str(r["curated_id"]), sigma, _num(r.get("sigma_low_S_per_cm")),
                 _num(r.get("sigma_high_S_per_cm")), _num(r.get("temperature_K")), figures)


def _pair_cost(doc: _Side, cur: _Side, settings: ReconcileSettings,
               ) -> tuple[int, float, float]:
    """Closest temperature first (unknown ranks after a match), then closest value (log)."""
    if doc.temperature_K is None or cur.temperature_K is None:
        rank, diff = 1, 0.0
    else:
        diff = abs(doc.temperature_K - cur.temperature_K)
        rank = 0 if diff <= settings.temperature_tolerance_K else 2
    a, b = doc.centre(), cur.centre()
    distance = abs(math.log10(a / b)) if a and b and a > 0 and b > 0 else math.inf
    return rank, diff, distance


def _values_status(doc: _Side, cur: _Side, settings: ReconcileSettings) -> tuple[str, str]:
    """Status and reason from the values alone."""
    if doc.sigma is not None and cur.sigma is not None:
        d, c = doc.sigma, cur.sigma
        if abs(d - c) <= settings.relative_tolerance * abs(c):
            return "agrees", ""
        figures = min(doc.figures, cur.figures)
        if _round_significant(d, figures) == _round_significant(c, figures):
            return "rounding", f"equal at {figures} significant figure(s)"
        for k in range(1, settings.max_unit_slip_exponent + 1):
            for sign in (1, -1):
                scaled = d / 10 ** (sign * k)
                if abs(scaled - c) <= settings.unit_slip_tolerance * abs(c):
                    return "unit_slip", (f"document is 10^{sign * k} × curated, a unit slip "
                                         "such as mS vs S or cm vs m")
        return "value_conflict", f"document is {d / c:.3g} × curated"
    if doc.sigma is not None and cur.has_value:
        inside = cur.contains(doc.sigma, settings.relative_tolerance)
        return ("agrees", "within the curated bounds") if inside else (
            "value_conflict", "outside the curated bounds")
    if cur.sigma is not None:
        inside = doc.contains(cur.sigma, settings.relative_tolerance)
        return ("agrees", "the document's range contains the curated value") if inside else (
            "value_conflict", "the document's range excludes the curated value")
    overlap = ((doc.low is None or cur.high is None or doc.low <= cur.high)
               and (cur.low is None or doc.high is None or cur.low <= doc.high))
    return ("agrees", "ranges overlap") if overlap else ("value_conflict", "ranges are disjoint")


def _compare(doc: _Side, cur: _Side, settings: ReconcileSettings) -> tuple[str, str]:
    """Status and explanation; a temperature mismatch outranks any verdict on the values."""
    diff = (None if doc.temperature_K is None or cur.temperature_K is None
            else doc.temperature_K - cur.temperature_K)
    if diff is not None and abs(diff) > settings.temperature_tolerance_K:
        status, reason = "temperature_conflict", f"temperatures differ by {abs(diff):g} K"
    else:
        status, reason = _values_status(doc, cur, settings)
    text = (f"document {doc.describe()} S/cm {_format_temperature(doc.temperature_K)} vs "
            f"curated {cur.describe()} {_format_temperature(cur.temperature_K)} "
            f"({cur.ident}): {status}")
    return status, f"{text} ({reason})" if reason else text


# --- reconciling ------------------------------------------------------------------------------

def _match_key(formula: object, text: object) -> str:
    """Reduced formula when there is one, else the normalised name."""
    reduced = reduced_formula(str(formula)) if _text(formula) else None
    if reduced:
        return f"formula:{reduced}"
    return f"name:{normalise_material_text(str(text or ''))}"


def _reconciliation_id(doc_sha256: str | None, record_id: str | None,
                       curated_id: str | None) -> str:
    """Stable: the same document record paired with the same curated row gives the same id."""
    key = f"{doc_sha256 or ''}|{record_id or ''}|{curated_id or ''}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]


def _curated_source(cur: Mapping[str, Any]) -> str:
    origin = _text(cur.get("primary_source")) or (
        f"doi:{cur['doi']}" if _text(cur.get("doi")) else "no source")
    return f"{cur['source_dataset']}: {origin}"


def _row(doc_sha256: str | None, records: list[Mapping[str, Any]],
         cur: Mapping[str, Any] | None, status: str, explanation: str) -> dict[str, Any]:
    first = records[0] if records else None
    doc_sigma = _num(first.get("sigma_S_per_cm")) if first else None
    cur_sigma = _num(cur.get("sigma_S_per_cm")) if cur else None
    doc_t = _num(first.get("temperature_K")) if first else None
    cur_t = _num(cur.get("temperature_K")) if cur else None
    return {
        "reconciliation_id": _reconciliation_id(
            doc_sha256, str(first["record_id"]) if first else None,
            str(cur["curated_id"]) if cur else None),
        "status": status, "explanation": explanation,
        "material_raw": str((first or {}).get("material_raw") or (cur or {}).get("material")),
        "material_formula": (_text((first or {}).get("material_formula"))
                             or _text((cur or {}).get("material_formula"))),
        "record_ids": [str(r["record_id"]) for r in records],
        "curated_ids": [str(cur["curated_id"])] if cur else [],
        "doc_sha256": doc_sha256,
        "document_sigma_S_per_cm": doc_sigma, "curated_sigma_S_per_cm": cur_sigma,
        "factor": doc_sigma / cur_sigma if doc_sigma and cur_sigma else None,
        "document_temperature_K": doc_t, "curated_temperature_K": cur_t,
        "temperature_diff_K": (doc_t - cur_t if doc_t is not None and cur_t is not None
                               else None),
        "curated_source": _curated_source(cur) if cur else None,
        "decision": None, "decision_note": None, "original_status": status,
        "corrected_sigma_S_per_cm": None, "corrected_temperature_K": None,
    }


def _pair_greedily(records: list[Mapping[str, Any]], curated: list[Mapping[str, Any]],
                   settings: ReconcileSettings) -> list[tuple[int, int]]:
    """One-to-one (record, curated) index pairs, cheapest first."""
    costs = sorted(
        (_pair_cost(_document_side(r), _curated_side(c), settings), i, j)
        for i, r in enumerate(records) for j, c in enumerate(curated))
    used_r: set[int] = set()
    used_c: set[int] = set()
    pairs = []
    for _, i, j in costs:
        if i not in used_r and j not in used_c:
            pairs.append((i, j))
            used_r.add(i)
            used_c.add(j)
    return pairs


def _reconcile_group(doc_sha256: str, records: list[Mapping[str, Any]],
                     expected: list[Mapping[str, Any]], public: list[Mapping[str, Any]],
                     settings: ReconcileSettings) -> tuple[list[dict[str, Any]], set[str]]:
    """Rows for one document and material, and the ids of the expected rows it covered."""
    candidates = expected or public
    pairs = _pair_greedily(records, candidates, settings) if candidates else []
    if not expected:
        pairs = pairs[:1]  # one public second opinion per material is enough
    paired = {i for i, _ in pairs}
    leftovers = [r for i, r in enumerate(records) if i not in paired]
    rows = []
    for n, (i, j) in enumerate(pairs):
        extra = leftovers if n == 0 else []
        status, explanation = _compare(_document_side(records[i]),
                                       _curated_side(candidates[j]), settings)
        if extra:
            explanation += (f"; {len(extra)} other document value(s) for this material "
                            "not compared")
        rows.append(_row(doc_sha256, [records[i], *extra], candidates[j], status, explanation))
    if not pairs:
        for r in records:
            side = _document_side(r)
            rows.append(_row(doc_sha256, [r], None, "only_in_document",
                             f"document {side.describe()} S/cm "
                             f"{_format_temperature(side.temperature_K)} for "
                             f"{r['material_raw']}: only_in_document (no curated value)"))
    covered = {str(candidates[j]["curated_id"]) for _, j in pairs} if expected else set()
    return rows, covered


def reconcile(conductivity: pd.DataFrame, curated: pd.DataFrame,
              decisions: pd.DataFrame | None = None,
              settings: ReconcileSettings | Mapping[str, Any] | None = None) -> pd.DataFrame:
    """Compare document records with curated values; one row per comparison.

    Args:
        conductivity: records with ``extractors.records.RECORD_COLUMNS``.
        curated: :func:`load_curated` output. Rows without any value are not compared.
        decisions: :func:`load_decisions` output; a matching decision replaces the status.
        settings: :class:`ReconcileSettings`, a dict of overrides or None.

    Returns:
        A frame with :data:`RECONCILIATION_COLUMNS`.
    """
    settings = ReconcileSettings.resolve(settings)
    reference = curated[curated["sigma_S_per_cm"].notna()
                        | curated["sigma_low_S_per_cm"].notna()
                        | curated["sigma_high_S_per_cm"].notna()]
    if not settings.compare_public:
        reference = reference[reference["expected_in_corpus"]]
    by_key: dict[tuple[str, bool], list[Mapping[str, Any]]] = {}
    for c in reference.to_dict("records"):
        keys = {_match_key(c["material_formula"], c["material"]),
                _match_key(None, c["material"])}
        for key in keys:
            by_key.setdefault((key, bool(c["expected_in_corpus"])), []).append(c)

    groups: dict[tuple[str, str], list[Mapping[str, Any]]] = {}
    for r in conductivity.to_dict("records"):
        key = _match_key(r.get("material_formula"), r.get("material_raw"))
        groups.setdefault((str(r["doc_sha256"]), key), []).append(r)

    rows: list[dict[str, Any]] = []
    covered: set[str] = set()
    for (doc_sha256, key), records in groups.items():
        group_rows, group_covered = _reconcile_group(
            doc_sha256, records, by_key.get((key, True), []), by_key.get((key, False), []),
            settings)
        rows += group_rows
        covered |= group_covered

    docs = conductivity["doc_sha256"].dropna().unique()
    only_doc = str(docs[0]) if len(docs) == 1 else None
    for c in reference[reference["expected_in_corpus"]].to_dict("records"):
        if str(c["curated_id"]) in covered:
            continue
        side = _curated_side(c)
        rows.append(_row(only_doc, [], c, "only_in_curated",
                         f"curated {side.describe()} S/cm {_format_temperature(side.temperature_K)}"
                         f" ({c['curated_id']}) for {c['material']}: only_in_curated "
                         "(no document value paired with it)"))
    out = pd.DataFrame(rows, columns=list(RECONCILIATION_COLUMNS))
    for col in RECONCILIATION_COLUMNS:
        if col in _FLOAT_COLUMNS:
            out[col] = out[col].astype("float64")
        elif col not in ("record_ids", "curated_ids"):
            out[col] = out[col].astype("string")
    if decisions is not None and len(decisions):
        out = apply_decisions(out, decisions)
    return out


def _decision_for(row: Mapping[str, Any], decisions: list[Mapping[str, Any]],
                  ) -> Mapping[str, Any] | None:
    """The latest decision naming this row by id or by (record_id, curated_id)."""
    first_record = row["record_ids"][0] if row["record_ids"] else None
    first_curated = row["curated_ids"][0] if row["curated_ids"] else None
    matching = [
        d for d in decisions
        if d["reconciliation_id"] == row["reconciliation_id"]
        or (not _text(d["reconciliation_id"])
            and (_text(d["record_id"]), _text(d["curated_id"])) == (first_record, first_curated))
    ]
    matching.sort(key=lambda d: str(d["decided_at"] or ""))
    return matching[-1] if matching else None


def apply_decisions(reconciliation: pd.DataFrame, decisions: pd.DataFrame) -> pd.DataFrame:
    """Curators' decisions replace the status; the explanation keeps the original verdict."""
    out = reconciliation.copy()
    listed = decisions.to_dict("records")
    for idx, row in out.iterrows():
        decision = _decision_for(row.to_dict(), listed)
        if decision is None:
            continue
        note = _text(decision["note"])
        by = " ".join(filter(None, [_text(decision["curator"]), _text(decision["decided_at"])]))
        out.at[idx, "status"] = decision["decision"]
        out.at[idx, "decision"] = decision["decision"]
        out.at[idx, "decision_note"] = note
        out.at[idx, "explanation"] = (f"{row['explanation']}; {decision['decision']} by curator"
                                      f"{' ' + by if by else ''}{': ' + note if note else ''}")
        for col in ("corrected_sigma_S_per_cm", "corrected_temperature_K"):
            out.at[idx, col] = _num(decision[col])
    return out


def unmatched_decisions(reconciliation: pd.DataFrame, decisions: pd.DataFrame) -> pd.DataFrame:
    """Decisions that name no current row (stale ids after a re-extraction), for a WARN check."""
    rows = reconciliation.to_dict("records")
    ids = {str(r["reconciliation_id"]) for r in rows}
    pairs = {(r["record_ids"][0] if len(r["record_ids"]) else None,
              r["curated_ids"][0] if len(r["curated_ids"]) else None) for r in rows}
    keep = [
        not (d["reconciliation_id"] in ids if _text(d["reconciliation_id"])
             else (_text(d["record_id"]), _text(d["curated_id"])) in pairs)
        for d in decisions.to_dict("records")
    ]
    return decisions[keep].reset_index(drop=True)


# --- reporting --------------------------------------------------------------------------------

def summarise_reconciliation(df: pd.DataFrame) -> dict[str, int]:
    """Rows per status, every known status present (zero when absent) for stable metadata."""
    counts = df["status"].value_counts()
    return {status: int(counts.get(status, 0)) for status in STATUSES}


def _evidence(record_id: str, records: pd.DataFrame | None) -> str:
    if records is None:
        return ""
    match = records[records["record_id"] == record_id]
    if match.empty:
        return ""
    r = match.iloc[0]
    where = f"p. {r['page']}" + (f", table {r['table_id']}" if _text(r.get("table_id")) else "")
    evidence = " ".join(str(r["evidence"]).split())
    return f" — {where}: “{evidence[:200]}”"


def reconciliation_to_markdown(df: pd.DataFrame, records: pd.DataFrame | None = None) -> str:
    """A curator's report: counts, then conflicts first, with page and evidence when given."""
    summary = summarise_reconciliation(df)
    lines = ["# Reconciliation report", "", "| status | rows |", "|---|---|"]
    lines += [f"| {status} | {n} |" for status, n in summary.items() if n]
    for status in _REPORT_ORDER:
        part = df[df["status"] == status]
        if part.empty:
            continue
        lines += ["", f"## {status} ({len(part)})", ""]
        for r in part.itertuples(index=False):
            formula = f" (`{r.material_formula}`)" if _text(r.material_formula) else ""
            evidence = _evidence(r.record_ids[0], records) if len(r.record_ids) else ""
            lines.append(f"- **{r.material_raw}**{formula}: {r.explanation}{evidence} "
                         f"[`{r.reconciliation_id}`]")
    return "\n".join(lines) + "\n"
