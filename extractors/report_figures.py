"""Pictures for the curators' report: page crops of the evidence and per-material σ(T) plots.

Both come back as ``data:image/png;base64,…`` URIs, so the report stays one self-contained
file that opens offline and loads nothing from anywhere (its Content-Security-Policy allows
``data:`` images only). Neither function raises on a bad PDF or a missing temperature: a
report that fails on the one odd record is worse than a report with one crop missing.
"""

from __future__ import annotations

import base64
import contextlib
import io
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pdfplumber
from matplotlib.figure import Figure

from extractors._typing import BBox

#: Most page crops one report embeds; each is ~10-40 kB, so the cap keeps the file openable.
DEFAULT_MAX_CROPS = 200
#: Points of page above and below the evidence box: the line before and after, for context.
DEFAULT_CROP_MARGIN_PT = 18.0
#: Rendering resolution of a crop in dpi: sharp enough to read a superscript.
DEFAULT_CROP_RESOLUTION = 110
#: Plot size in inches and dpi: small enough to sit beside a material heading.
DEFAULT_PLOT_SIZE_IN: tuple[float, float] = (4.4, 2.8)
DEFAULT_PLOT_DPI = 90
#: Most plots one report embeds (~15 kB and ~0.1 s each); conflicts' materials come first.
DEFAULT_MAX_PLOTS = 300
_MARGINS: Mapping[str, float] = {"left": 0.15, "right": 0.97, "bottom": 0.16, "top": 0.89}
#: Marker per source; curated sources take the remaining ones in order of appearance.
_DOCUMENT_MARKERS: Mapping[str, str] = {"text": "o", "table": "s"}
#: The evidence box drawn on its crop: translucent yellow, like a highlighter.
_HIGHLIGHT_FILL, _HIGHLIGHT_STROKE = (255, 214, 0, 70), (230, 120, 0, 220)
_CURATED_MARKERS: tuple[str, ...] = ("^", "D", "v", "P", "X", "*", "h", "<", ">")


@dataclass(frozen=True)
class CropRequest:
    """One evidence box to render: which PDF, which 1-based page, which box (PDF points)."""

    record_id: str
    pdf: Path
    page: int
    bbox: BBox


@dataclass(frozen=True)
class Crop:
    """A rendered crop (``uri``) or why there is none (``note``; ``capped`` when the cap)."""

    uri: str | None = None
    note: str | None = None
    capped: bool = False


@dataclass(frozen=True)
class PlotPoint:
    """One value on a material's plot; ``source`` is ``text``, ``table`` or a curated dataset."""

    source: str
    sigma_S_per_cm: float
    temperature_K: float | None


def png_to_data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def crop_box(bbox: BBox, margin: float, page_bbox: BBox) -> BBox:
    """The full-width strip of the page from ``margin`` above the evidence to ``margin`` below.

    Evidence boxes are often just the value (a table cell, the words of a mention); the whole
    line shows the material column of a table row, or the sentence around a value. Clipped to
    the page, which pdfplumber requires of a crop.
    """
    _, top, _, bottom = bbox
    px0, ptop, px1, pbottom = page_bbox
    return (px0, max(ptop, top - margin), px1, min(pbottom, bottom + margin))


def requests_to_crops(requests: Iterable[CropRequest], *, max_crops: int = DEFAULT_MAX_CROPS,
                      margin: float = DEFAULT_CROP_MARGIN_PT,
                      resolution: int = DEFAULT_CROP_RESOLUTION) -> dict[str, Crop]:
    """Render each request's crop, in the given order, until ``max_crops`` distinct crops.

    The caller orders requests by importance (conflicts first), so the cap drops crops of
    agreeing rows, not of the rows a curator must judge. Identical (pdf, page, box) requests,
    e.g. one sentence holding two values, share one rendering and count once. Each PDF is
    opened once for the whole batch.
    """
    crops: dict[str, Crop] = {}
    rendered: dict[tuple[Path, int, BBox], Crop] = {}
    with contextlib.ExitStack() as stack:
        opened: dict[Path, Any] = {}
        for req in requests:
            key = (req.pdf, req.page, req.bbox)
            if key in rendered:
                crops[req.record_id] = rendered[key]
                continue
            if len(rendered) >= max_crops:
                crops[req.record_id] = Crop(note=f"no crop: the report's cap of {max_crops} "
                                                 "crops is reached", capped=True)
                continue
            crop = _render(req, opened, stack, margin, resolution)
            rendered[key] = crop
            crops[req.record_id] = crop
    return crops


def _render(req: CropRequest, opened: dict[Path, Any], stack: contextlib.ExitStack,
            margin: float, resolution: int) -> Crop:
    if not all(math.isfinite(v) for v in req.bbox):
        return Crop(note="no crop: the record has no box")
    try:
        if req.pdf not in opened:
            opened[req.pdf] = stack.enter_context(pdfplumber.open(req.pdf))
        pdf = opened[req.pdf]
        if not 1 <= req.page <= len(pdf.pages):
            return Crop(note=f"no crop: page {req.page} is not in {req.pdf.name}")
        page = pdf.pages[req.page - 1]
        box = crop_box(req.bbox, margin, page.bbox)
        if box[1] >= box[3]:
            return Crop(note="no crop: the box lies outside the page")
        image = page.crop(box).to_image(resolution=resolution)
        highlight = (max(req.bbox[0], box[0]), max(req.bbox[1], box[1]),
                     min(req.bbox[2], box[2]), min(req.bbox[3], box[3]))
        image.draw_rect(highlight, fill=_HIGHLIGHT_FILL, stroke=_HIGHLIGHT_STROKE)
        buffer = io.BytesIO()
        image.annotated.save(buffer, format="PNG", compress_level=6)
    except Exception as exc:  # any unreadable PDF: the report still shows the evidence text
        return Crop(note=f"no crop: {type(exc).__name__}: {exc}")
    return Crop(uri=png_to_data_uri(buffer.getvalue()))


def points_to_plot(points: Sequence[PlotPoint], *, title: str,
                   size_in: tuple[float, float] = DEFAULT_PLOT_SIZE_IN,
                   dpi: int = DEFAULT_PLOT_DPI) -> str | None:
    """log10 σ against 1000/T, one marker per source, as a PNG data URI.

    A log axis makes a 10^3 or 10^6 unit slip a visible jump rather than a number to read.
    Values without a temperature sit in a column at the right edge, labelled "no T", so they
    are seen without pretending to a temperature. Returns None when nothing can be drawn
    (no positive value).
    """
    usable = [p for p in points if p.sigma_S_per_cm > 0 and math.isfinite(p.sigma_S_per_cm)]
    if not usable:
        return None
    xs = [1000.0 / p.temperature_K for p in usable
          if p.temperature_K is not None and p.temperature_K > 0]
    span = (max(xs) - min(xs)) if xs else 0.0
    edge = (max(xs) + max(0.25 * span, 0.3)) if xs else 1.0
    fig = Figure(figsize=size_in, dpi=dpi)
    fig.subplots_adjust(**_MARGINS)  # fixed: constrained layout triples the time per plot
    ax = fig.subplots()
    markers = _markers(p.source for p in usable)
    for source, marker in markers.items():
        mine = [p for p in usable if p.source == source]
        x = [_x_of(p, edge) for p in mine]
        y = [math.log10(p.sigma_S_per_cm) for p in mine]
        ax.scatter(x, y, marker=marker, s=28, label=source, alpha=0.75)
    if len(xs) < len(usable):
        ax.axvline(edge, color="0.8", linestyle=":", linewidth=1)
        ax.annotate("no T", (edge, 1.0), xycoords=("data", "axes fraction"), ha="center",
                    va="bottom", fontsize=7, color="0.4")
    _pad_limits(ax, [_x_of(p, edge) for p in usable],
                [math.log10(p.sigma_S_per_cm) for p in usable])
    ax.set_xlabel("1000 / T  (1/K)", fontsize=8)
    ax.set_ylabel("log10 σ  (S/cm)", fontsize=8)
    ax.set_title(title, fontsize=9)
    ax.tick_params(labelsize=7)
    ax.grid(True, color="0.92")
    ax.legend(fontsize=7, loc="best", frameon=False)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", metadata={"Software": None})
    return png_to_data_uri(buffer.getvalue())


def _pad_limits(ax: Any, xs: Sequence[float], ys: Sequence[float]) -> None:
    """At least 0.4 of 1000/T and one decade of σ in view: two values at 550 and 553 K, or
    two equal values, must not fill the plot as if they were far apart."""
    x_pad = max(0.2, 0.08 * (max(xs) - min(xs)))
    y_pad = max(0.5, 0.08 * (max(ys) - min(ys)))
    ax.set_xlim(min(xs) - x_pad, max(xs) + x_pad)
    ax.set_ylim(min(ys) - y_pad, max(ys) + y_pad)


def _x_of(point: PlotPoint, edge: float) -> float:
    t = point.temperature_K
    return 1000.0 / t if t is not None and t > 0 else edge


def _markers(sources: Iterable[str]) -> dict[str, str]:
    """Stable marker per source: documents' text/table fixed, curated sources in order."""
    markers: dict[str, str] = {}
    curated = iter(_CURATED_MARKERS * 4)
    for source in sources:
        if source not in markers:
            markers[source] = _DOCUMENT_MARKERS.get(source) or next(curated)
    return markers
