"""The report's content, before any HTML: comparisons as views, in parts, grouped by material.

Frames become small frozen views here (values formatted with units, evidence looked up, crops
and plots rendered in reading order), so the template only lays them out and tests can check
what a curator will read (order, grouping, caps) without parsing HTML.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from extractors.report_figures import (
    DEFAULT_CROP_MARGIN_PT,
    DEFAULT_CROP_RESOLUTION,
    DEFAULT_MAX_CROPS,
    DEFAULT_MAX_PLOTS,
    DEFAULT_PLOT_DPI,
    Crop,
    CropRequest,
    PlotPoint,
    points_to_plot,
    requests_to_crops,
)
from extractors.schemas import CONFLICT_STATUSES, DECISIONS, RECONCILIATION_STATUSES
from extractors.units import ZERO_CELSIUS_K

#: Report parts in reading order: (key, title, statuses it holds, why a curator looks).
PARTS: tuple[tuple[str, str, tuple[str, ...], str], ...] = (
    ("conflicts", "Conflicts", CONFLICT_STATUSES,
     "Values that disagree beyond rounding: a unit slip, another value or another temperature."),
    ("only_in_curated", "Only in curated sources", ("only_in_curated",),
     "Curated values with no partner in the documents: missed by extraction, or not there."),
    ("spread", "Spread between independent sources", ("spread",),
     "Independent works (or a work and an independent curated source) that measured "
     "differently: no conflict; see the consensus of the material."),
    ("rounding", "Rounding", ("rounding",), "Values equal up to the digits stated."),
    ("agrees", "Agreements", ("agrees",), "Values that agree."),
    ("decided", "Decided", DECISIONS, "Comparisons a curator has already decided."),
    ("classes", "Statements about classes", (),
     "Values stated for a class of materials, not one material: read, not compared."),
    ("only_in_document", "Only in documents", ("only_in_document",),
     "Document values no curated source or other statement covers."),
)
#: Every status in the order the report shows them; a status unknown here ranks first and
#: lands among the conflicts (:func:`row_to_part`): new, so a curator should see it.
STATUS_ORDER: tuple[str, ...] = (*CONFLICT_STATUSES, "only_in_curated", "spread", "rounding",
                                 "agrees", *DECISIONS, "only_in_document")
_SCOPES: Mapping[str, str] = {"within_work": "within one work", "across_works": "across works",
                              "curated": "against a curated source", "unmatched": "unmatched"}


@dataclass(frozen=True)
class ReportSettings:
    """How many crops, how large, how sharp; see the DEFAULT_* constants for why."""

    max_crops: int = DEFAULT_MAX_CROPS
    crop_margin_pt: float = DEFAULT_CROP_MARGIN_PT
    crop_resolution: int = DEFAULT_CROP_RESOLUTION
    plot_dpi: int = DEFAULT_PLOT_DPI
    max_plots: int = DEFAULT_MAX_PLOTS

    def __post_init__(self) -> None:
        if self.max_crops < 0 or self.max_plots < 0:
            raise ValueError(f"max_crops and max_plots must be >= 0, got {self.max_crops}, "
                             f"{self.max_plots}")
        if self.crop_margin_pt < 0:
            raise ValueError(f"crop_margin_pt must be >= 0, got {self.crop_margin_pt}")
        if self.crop_resolution <= 0 or self.plot_dpi <= 0:
            raise ValueError("crop_resolution and plot_dpi must be > 0")


@dataclass(frozen=True)
class EvidenceView:
    """One evidence record as shown: where it is, what it says, its crop."""

    record_id: str
    found: bool
    doc_name: str = ""
    page: int | None = None
    where: str = ""
    value_raw: str = ""
    temperature_raw: str = ""
    evidence: str = ""
    reference: str = ""
    link: str | None = None
    crop: Crop = field(default_factory=Crop)


@dataclass(frozen=True)
class CuratedView:
    curated_id: str
    found: bool
    compared: bool = True
    source_dataset: str = ""
    material: str = ""
    sigma: str = ""
    temperature: str = ""
    primary_source: str = ""
    doi: str = ""


@dataclass(frozen=True)
class SideView:
    """One side of a comparison: its value, temperature and what supports it."""

    title: str
    statement_id: str
    sigma: str
    temperature: str
    evidence: tuple[EvidenceView, ...] = ()
    curated: tuple[CuratedView, ...] = ()


@dataclass(frozen=True)
class ComparisonView:
    reconciliation_id: str
    status: str
    original_status: str
    explanation: str
    scope: str
    material: str
    work_id: str
    left: SideView
    right: SideView | None
    curated_source: str
    same_citation: str
    factor: str
    temperature_diff: str
    decision: Mapping[str, str]


@dataclass(frozen=True)
class MaterialGroup:
    key: str
    label: str
    aliases: tuple[str, ...]
    plot: str | None
    rows: tuple[ComparisonView, ...]


@dataclass(frozen=True)
class PartView:
    key: str
    title: str
    blurb: str
    groups: tuple[MaterialGroup, ...]

    @property
    def n_rows(self) -> int:
        return sum(len(g.rows) for g in self.groups)


DEFAULT_SETTINGS = ReportSettings()


# --- formatting -------------------------------------------------------------------------------

def present(value: object) -> bool:
    """False for None, NaN, pd.NA and blank text; a list counts when it has items."""
    if value is None:
        return False
    if isinstance(value, str):
        return value.strip() != ""
    if hasattr(value, "__len__"):
        return len(value) > 0
    try:
        return not bool(pd.isna(value))
    except (TypeError, ValueError):
        return True


def _text(value: object) -> str:
    return str(value) if present(value) else ""


def _float(value: object) -> float | None:
    if not present(value):
        return None
    number = float(value)  # type: ignore[arg-type]
    return number if math.isfinite(number) else None


def _ids(value: object) -> tuple[str, ...]:
    """A list column's cell as a tuple of strings (lists, arrays, None and NaN alike)."""
    if value is None or isinstance(value, str | float):
        return (value,) if isinstance(value, str) and value else ()
    return tuple(str(v) for v in value if present(v))  # type: ignore[attr-defined]


def format_sigma(value: object) -> str:
    """σ in S/cm as ``1.25e-1``: every stated digit kept (rounding rows must show the
    difference), no padded exponent."""
    number = _float(value)
    if number is None:
        return "—"
    mantissa, exponent = f"{number:.6e}".split("e")
    mantissa = mantissa.rstrip("0").rstrip(".")
    return f"{mantissa}e{int(exponent)} S/cm"


def format_temperature(value: object) -> str:
    """A temperature in K and °C (papers state either; curators think in both)."""
    kelvin = _float(value)
    if kelvin is None:
        return "T not stated"
    return f"{kelvin:.6g} K ({round(kelvin - ZERO_CELSIUS_K, 2):g} °C)"


def _format_factor(value: object) -> str:
    factor = _float(value)
    if factor is None:
        return ""
    if factor > 0 and abs(math.log10(factor)) >= 2:
        return f"×10^{math.log10(factor):.2f}".rstrip("0").rstrip(".")
    return f"×{factor:.3g}"


def _format_diff(value: object) -> str:
    diff = _float(value)
    return "" if diff is None else f"ΔT = {diff:+.6g} K"


# --- frames to views --------------------------------------------------------------------------

def row_to_part(status: str, is_class: bool) -> str:
    """The report part a comparison belongs to; statuses not known here land in conflicts,
    so a new status is seen first rather than hidden."""
    if is_class:
        return "classes"
    for key, _, statuses, _ in PARTS:
        if status in statuses:
            return key
    return "conflicts"


def _status_rank(status: str) -> int:
    return STATUS_ORDER.index(status) if status in STATUS_ORDER else -1


def _sorted_rows(reconciliation: pd.DataFrame) -> list[dict[str, Any]]:
    rows = reconciliation.to_dict("records")
    return sorted(rows, key=lambda r: (_status_rank(_text(r.get("status"))),
                                       _material_label(r).casefold(),
                                       _text(r.get("reconciliation_id"))))


def _material_key(row: Mapping[str, Any]) -> str:
    return _text(row.get("material_key")) or _material_label(row)


def _material_label(row: Mapping[str, Any]) -> str:
    """The material as the document writes it: what a curator searches the PDF for."""
    return _text(row.get("material_raw")) or _text(row.get("material_formula")) or "(unnamed)"


def _is_class(row: Mapping[str, Any]) -> bool:
    value = row.get("is_statement_about_class")
    return bool(value) if present(value) else False


def document_paths(documents: pd.DataFrame, pdf_paths: Mapping[str, Path]) -> dict[str, Path]:
    """doc_sha256 → PDF path: the documents' ``path`` column, overridden by ``pdf_paths``."""
    paths: dict[str, Path] = {}
    if "path" in documents.columns:
        for sha, path in zip(documents["doc_sha256"], documents["path"], strict=True):
            if present(path):
                paths[str(sha)] = Path(str(path))
    paths.update({sha: Path(p) for sha, p in pdf_paths.items()})
    return paths


def pdf_page_link(path: Path, page: int | None) -> str:
    """``file:///abs/path.pdf#page=N``: PDF viewers in browsers open it at the page."""
    uri = path.resolve().as_uri()
    return f"{uri}#page={page}" if page else uri


def _crop_requests(rows: Iterable[Mapping[str, Any]], records: Mapping[str, Mapping[str, Any]],
                   paths: Mapping[str, Path]) -> Iterator[CropRequest]:
    """Crop requests in report order (left records, then the other statement's), each record
    once; records whose PDF is unknown or absent get none."""
    seen: set[str] = set()
    for row in rows:
        for record_id in (*_ids(row.get("record_ids")), *_ids(row.get("other_record_ids"))):
            record = records.get(record_id)
            if record_id in seen or record is None:
                continue
            seen.add(record_id)
            path = paths.get(_text(record.get("doc_sha256")))
            page = _float(record.get("page"))
            if path is None or page is None or not path.is_file():
                continue
            x0, top, x1, bottom = (_float(record.get(k)) for k in ("x0", "top", "x1", "bottom"))
            yield CropRequest(record_id, path, int(page), (_or_nan(x0), _or_nan(top),
                                                           _or_nan(x1), _or_nan(bottom)))


def _or_nan(value: float | None) -> float:
    return math.nan if value is None else value


def _evidence_view(record_id: str, records: Mapping[str, Mapping[str, Any]],
                   paths: Mapping[str, Path], crops: Mapping[str, Crop]) -> EvidenceView:
    record = records.get(record_id)
    if record is None:
        return EvidenceView(record_id, found=False)
    page_number = _float(record.get("page"))
    page = int(page_number) if page_number is not None else None
    table = _text(record.get("table_id"))
    where = f"table {table}" if table else _text(record.get("source")) or "text"
    path = paths.get(_text(record.get("doc_sha256")))
    return EvidenceView(
        record_id, found=True, doc_name=_text(record.get("doc_name")), page=page, where=where,
        value_raw=_text(record.get("value_raw")),
        temperature_raw=_text(record.get("temperature_raw")),
        evidence=_text(record.get("evidence")), reference=_text(record.get("reference")),
        link=pdf_page_link(path, page) if path is not None and path.is_file() else None,
        crop=crops.get(record_id, Crop()))


def _curated_view(curated_id: str, curated: Mapping[str, Mapping[str, Any]], *,
                  compared: bool) -> CuratedView:
    """A curated row; ``compared`` for the one the comparison is about, the others being
    curated sources that disagree with it."""
    row = curated.get(curated_id)
    if row is None:
        return CuratedView(curated_id, found=False, compared=compared)
    return CuratedView(curated_id, True, compared, _text(row.get("source_dataset")),
                       _text(row.get("material")), format_sigma(row.get("sigma_S_per_cm")),
                       format_temperature(row.get("temperature_K")),
                       _text(row.get("primary_source")), _text(row.get("doi")))


def _comparison_view(row: Mapping[str, Any], records: Mapping[str, Mapping[str, Any]],
                     curated: Mapping[str, Mapping[str, Any]], paths: Mapping[str, Path],
                     crops: Mapping[str, Crop]) -> ComparisonView:
    def evidence(column: str) -> tuple[EvidenceView, ...]:
        return tuple(_evidence_view(i, records, paths, crops) for i in _ids(row.get(column)))

    curated_rows = tuple(_curated_view(i, curated, compared=n == 0)
                         for n, i in enumerate(_ids(row.get("curated_ids"))))
    if not _ids(row.get("record_ids")):  # only_in_curated: the curated value is all there is
        sigma = row.get("other_sigma_S_per_cm")
        kelvin = row.get("other_temperature_K")
        if not present(sigma):
            sigma, kelvin = row.get("document_sigma_S_per_cm"), row.get("document_temperature_K")
        return _view(row, SideView("Curated", "", format_sigma(sigma), format_temperature(kelvin),
                                   curated=curated_rows), None)
    left = SideView("Document", _text(row.get("statement_id")),
                    format_sigma(row.get("document_sigma_S_per_cm")),
                    format_temperature(row.get("document_temperature_K")),
                    evidence=evidence("record_ids"))
    right: SideView | None = None
    other_records = _ids(row.get("other_record_ids"))
    if other_records or curated_rows or present(row.get("other_sigma_S_per_cm")):
        right = SideView("Other statement" if other_records else "Curated",
                         _text(row.get("other_statement_id")),
                         format_sigma(row.get("other_sigma_S_per_cm")),
                         format_temperature(row.get("other_temperature_K")),
                         evidence=evidence("other_record_ids"), curated=curated_rows)
    return _view(row, left, right)


def _view(row: Mapping[str, Any], left: SideView, right: SideView | None) -> ComparisonView:
    decision = {k: _text(row.get(k)) for k in ("decision", "decision_note", "decided_by",
                                               "decided_at")}
    if present(row.get("corrected_sigma_S_per_cm")):
        decision["corrected_sigma"] = format_sigma(row.get("corrected_sigma_S_per_cm"))
    if present(row.get("corrected_temperature_K")):
        decision["corrected_temperature"] = format_temperature(row.get("corrected_temperature_K"))
    scope = _text(row.get("scope"))
    return ComparisonView(
        reconciliation_id=_text(row.get("reconciliation_id")), status=_text(row.get("status")),
        original_status=_text(row.get("original_status")),
        explanation=_text(row.get("explanation")), scope=_SCOPES.get(scope, scope),
        material=_text(row.get("material_raw")), work_id=_text(row.get("work_id")),
        left=left, right=right, curated_source=_text(row.get("curated_source")),
        same_citation=_text(row.get("same_citation")), factor=_format_factor(row.get("factor")),
        temperature_diff=_format_diff(row.get("temperature_diff_K")),
        decision={k: v for k, v in decision.items() if v})


def material_points(rows: Iterable[Mapping[str, Any]], records: Mapping[str, Mapping[str, Any]],
                    curated: Mapping[str, Mapping[str, Any]]) -> list[PlotPoint]:
    """Every value behind a material's comparisons, each record and curated row once."""
    points: list[PlotPoint] = []
    seen: set[str] = set()
    for row in rows:
        for record_id in (*_ids(row.get("record_ids")), *_ids(row.get("other_record_ids"))):
            record = records.get(record_id)
            sigma = _float(record.get("sigma_S_per_cm")) if record else None
            if record is None or sigma is None or record_id in seen:
                continue
            seen.add(record_id)
            points.append(PlotPoint(_text(record.get("source")) or "text", sigma,
                                    _float(record.get("temperature_K"))))
        for curated_id in _ids(row.get("curated_ids")):
            cur = curated.get(curated_id)
            sigma = _float(cur.get("sigma_S_per_cm")) if cur else None
            if cur is None or sigma is None or f"curated:{curated_id}" in seen:
                continue
            seen.add(f"curated:{curated_id}")
            points.append(PlotPoint(_text(cur.get("source_dataset")) or "curated", sigma,
                                    _float(cur.get("temperature_K"))))
    return points


def _by_id(frame: pd.DataFrame, column: str) -> dict[str, dict[str, Any]]:
    if frame.empty or column not in frame.columns:
        return {}
    return {str(r[column]): r for r in frame.to_dict("records")}


@dataclass(frozen=True)
class ReportBody:
    """The parts in reading order, and how many crops and plots the caps left out."""

    parts: tuple[PartView, ...]
    crops_capped: int = 0
    plots_capped: int = 0


def reconciliation_to_parts(reconciliation: pd.DataFrame, records: pd.DataFrame,
                            curated: pd.DataFrame, *, paths: Mapping[str, Path],
                            settings: ReportSettings) -> ReportBody:
    """Rows into parts and material groups, with crops and plots rendered in reading order,
    so the caps only ever leave out pictures of the rows further down."""
    rows = _sorted_rows(reconciliation)
    by_part: dict[str, list[dict[str, Any]]] = {key: [] for key, *_ in PARTS}
    for row in rows:
        by_part[row_to_part(_text(row.get("status")), _is_class(row))].append(row)
    grouped = {key: _groups(by_part[key]) for key, *_ in PARTS}
    ordered = [row for key, *_ in PARTS for _, members in grouped[key] for row in members]
    record_map, curated_map = _by_id(records, "record_id"), _by_id(curated, "curated_id")
    crops = requests_to_crops(_crop_requests(ordered, record_map, paths),
                              max_crops=settings.max_crops, margin=settings.crop_margin_pt,
                              resolution=settings.crop_resolution)
    plots, plots_capped = _plots(rows, [m for key, *_ in PARTS if key != "classes"
                                        for m, _ in grouped[key]],
                                 record_map, curated_map, settings)
    parts = []
    for key, title, _, blurb in PARTS:
        groups = []
        for material, members in grouped[key]:
            aliases = tuple(sorted({_text(r.get("material_raw")) for r in members} - {""}))
            groups.append(MaterialGroup(
                material, _material_label(members[0]), aliases,
                plots.pop(material, None) if key != "classes" else None,
                tuple(_comparison_view(r, record_map, curated_map, paths, crops)
                      for r in members)))
        parts.append(PartView(key, title, blurb, tuple(groups)))
    return ReportBody(tuple(parts), sum(1 for c in crops.values() if c.capped), plots_capped)


def _plots(rows: list[dict[str, Any]], materials: list[str],
           records: Mapping[str, Mapping[str, Any]], curated: Mapping[str, Mapping[str, Any]],
           settings: ReportSettings) -> tuple[dict[str, str], int]:
    """One plot per material with several values, drawn from all its rows (whatever their
    status), first materials first until ``max_plots``; and how many the cap left out."""
    by_material: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        if not _is_class(row):
            by_material.setdefault(_material_key(row), []).append(row)
    plots: dict[str, str] = {}
    capped = 0
    for material in dict.fromkeys(materials):
        points = material_points(by_material[material], records, curated)
        if len(points) < 2:
            continue
        if len(plots) >= settings.max_plots:
            capped += 1
            continue
        plot = points_to_plot(points, title=_material_label(by_material[material][0]),
                              dpi=settings.plot_dpi)
        if plot is not None:
            plots[material] = plot
    return plots, capped


def _groups(rows: list[dict[str, Any]]) -> list[tuple[str, list[dict[str, Any]]]]:
    """Rows grouped by material, groups in alphabetical order, rows in status order."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(_material_key(row), []).append(row)
    return sorted(groups.items(), key=lambda kv: (_material_label(kv[1][0]).casefold(), kv[0]))


def documents_to_works(documents: pd.DataFrame, paths: Mapping[str, Path]) -> list[dict[str, Any]]:
    """Works with their PDFs, for the header; a PDF without a work id is its own work."""
    works: dict[str, dict[str, Any]] = {}
    for doc in documents.to_dict("records"):
        sha = _text(doc.get("doc_sha256"))
        work_id = _text(doc.get("work_id")) or f"(no work id) {_text(doc.get('doc_name'))}"
        work = works.setdefault(work_id, {"work_id": work_id, "title": _text(doc.get("title")),
                                          "doi": _text(doc.get("doi")), "pdfs": []})
        work["title"] = work["title"] or _text(doc.get("title"))
        path = paths.get(sha)
        pages = _float(doc.get("pages"))
        work["pdfs"].append({
            "doc_name": _text(doc.get("doc_name")), "sha": sha[:12],
            "pages": int(pages) if pages is not None else None,
            "status": _text(doc.get("status")),
            "link": pdf_page_link(path, None) if path is not None and path.is_file() else None})
    return sorted(works.values(), key=lambda w: str(w["work_id"]))


def status_counts(reconciliation: pd.DataFrame) -> dict[str, int]:
    """Rows per status in report order; every known status listed (zero too), unknown ones
    after."""
    counts = reconciliation["status"].value_counts()
    known = (*RECONCILIATION_STATUSES, *DECISIONS)
    order = [s for s in STATUS_ORDER if s in known] + [s for s in known if s not in STATUS_ORDER]
    order += sorted(str(s) for s in counts.index if s not in order)
    return {status: int(counts.get(status, 0)) for status in order}
