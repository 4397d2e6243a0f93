"""Which number-writing symbol a glyph's outline draws, when its name and text say nothing.

Symbol fonts of typesetters (Advent/3B2's ``AdvP7DA6``, ``AdvPi1``...) name their glyphs
``C50`` or reuse a letter's name, so the minus reads ``2``, × ``6``, ° ``‡`` and a middle dot
``I``. The few symbols a conductivity is written with have plain, unmistakable shapes: a
horizontal bar on the maths axis (−, or – with less room either side), an upright cross (+),
a diagonal cross (×), a small ring high above the baseline (°), a small dot (·), two bars (=)
or waves (≈). This module tells them from the outline in the embedded font program (its
bounding box, contour count and which points it covers), so the text comes from what the font
draws, never from the surrounding words.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fontTools.pens.basePen import BasePen
from fontTools.pens.boundsPen import BoundsPen
from fontTools.pens.pointInsidePen import PointInsidePen

#: Texts each shape may already carry: a glyph read as one of them keeps its text.
_DASHES = frozenset("\u2212-\u2010\u2011\u2012\u2013\u2014\u2015\u2043\u2500\u2501\u23af"
                    "\ufe63\uff0d")
COMPATIBLE = {
    "\u2212": _DASHES,
    "\u2013": _DASHES,
    "+": frozenset("+\u2020\ufe62\uff0b"),
    "=": frozenset("=\u2261\ufe66\uff1d"),
    "\u2248": frozenset("\u2248\u2243\u2245"),
    "\u00d7": frozenset("\u00d7xX\u2715\u2a2f"),
    "\u00b0": frozenset("\u00b0\u00ba\u02da\u030a\u2218"),  # a ring accent builds Å
    "\u00b7": frozenset("\u00b7.\u2022\u2219\u22c5\u02d9\u30fb"),
}
#: Shape limits in ems. A bar is at most this thick and at least this many times as wide.
BAR_MAX_HEIGHT = 0.12
BAR_MIN_ASPECT = 3.0
BAR_MIN_WIDTH = 0.25
#: A bar wider than this is a rule or an em dash, not a minus.
BAR_MAX_WIDTH = 0.7
#: Two bars (=) are at least this many times as wide as they stand tall together.
EQUALS_MIN_ASPECT = 1.5
#: Each stroke of a ≈ spans at least this share of the glyph's width and at most this share
#: of its height; the two overlap by at most this share of the height.
STROKE_SPAN = 0.8
STROKE_THICKNESS = 0.6
STROKE_OVERLAP = 0.1
#: A bar nearer than this to an edge of its advance is a piece of an arrow or rule, drawn to
#: join its neighbours. A minus sits on the maths axis with the side bearings of a + (0.08 to
#: 0.15 em); a bar with less room either side is an en dash (about 0.05 em), which reads as
#: a minus in exponents and formulas and as a range between numbers.
MIN_BEARING = 0.02
MINUS_BEARING = 0.07
#: A bar's middle lies between these heights (the maths axis; not an underscore or macron).
BAR_MIN_Y = 0.1
BAR_MAX_Y = 0.5
#: A dot is at most this big either way; a ring (°) at most this big, its bottom this high.
DOT_MAX_SIZE = 0.16
RING_MAX_SIZE = 0.5
RING_MIN_BOTTOM = 0.3
#: A cross (+, ×) is between these sizes, and about as wide as tall.
CROSS_MIN_SIZE = 0.25
CROSS_MAX_SIZE = 0.85
MAX_SQUARENESS = 1.4
#: Fractions of the box where the strokes of a bar lie.
STROKE_SAMPLES = (0.15, 0.3, 0.5, 0.7, 0.85)
#: Fractions of the box sampled across a cross (symmetric about 0.5), and those far from
#: its middle, where only the ends of a ×'s arms (or nothing of a +) lie.
GRID = (0.03, 0.1, 0.2, 0.35, 0.5, 0.65, 0.8, 0.9, 0.97)
OUTER = frozenset({0.03, 0.1, 0.2, 0.8, 0.9, 0.97})
#: Sampled points (counted both ways) a mirror image may differ in: samples on a stroke's
#: edge fall either side of it.
MAX_ASYMMETRY = 6


class _ContourCounter(BasePen):
    """Counts the contours a glyph draws and keeps each one's box (of its on- and
    off-curve points: close enough for telling strokes apart)."""

    def __init__(self, glyphs: Mapping[str, Any]) -> None:
        super().__init__(glyphs)
        self.contours = 0
        self.boxes: list[list[float]] = []

    def _add(self, pt: tuple[float, float]) -> None:
        box = self.boxes[-1]
        box[:] = [min(box[0], pt[0]), min(box[1], pt[1]), max(box[2], pt[0]),
                  max(box[3], pt[1])]

    def _moveTo(self, pt: tuple[float, float]) -> None:
        self.contours += 1
        self.boxes.append([pt[0], pt[1], pt[0], pt[1]])

    def _lineTo(self, pt: tuple[float, float]) -> None:
        self._add(pt)

    def _curveToOne(self, p1: tuple[float, float], p2: tuple[float, float],
                    p3: tuple[float, float]) -> None:
        for pt in (p1, p2, p3):
            self._add(pt)


def outline_to_symbol(glyphs: Mapping[str, Any], name: str, em: float) -> str | None:
    """The symbol (−, –, +, ×, °, ·, =, ≈) glyph ``name`` of ``glyphs`` (a fontTools glyph set, each
    glyph drawable with a pen) draws, or None when its outline is none of them.

    ``em`` is the font units per em (1000 for a CFF program with the usual FontMatrix).
    """
    if name not in glyphs:
        return None
    glyph = glyphs[name]
    bounds_pen = BoundsPen(glyphs)
    glyph.draw(bounds_pen)
    if bounds_pen.bounds is None:
        return None
    x0, y0, x1, y1 = (v / em for v in bounds_pen.bounds)
    width, height = x1 - x0, y1 - y0
    if width <= 0 or height <= 0:
        return None
    counter = _ContourCounter(glyphs)
    glyph.draw(counter)

    def inside(fx: float, fy: float) -> bool:
        pen = PointInsidePen(glyphs, ((x0 + fx * width) * em, (y0 + fy * height) * em))
        glyph.draw(pen)
        return bool(pen.getResult())

    square = max(width, height) / min(width, height) <= MAX_SQUARENESS
    middle = (y0 + y1) / 2
    bar_wide = BAR_MIN_WIDTH <= width <= BAR_MAX_WIDTH and BAR_MIN_Y <= middle <= BAR_MAX_Y
    if counter.contours == 1 and bar_wide and height <= BAR_MAX_HEIGHT \
            and width >= BAR_MIN_ASPECT * height:
        if not all(inside(f, 0.5) for f in STROKE_SAMPLES):
            return None
        advance = getattr(glyph, "width", None)  # a CFF charstring's, once drawn
        if not isinstance(advance, int | float):
            return "\u2013"
        bearing = min(x0, advance / em - x1)
        if bearing < MIN_BEARING:
            return None  # a rule or arrow piece, drawn to join its neighbours
        return "\u2212" if bearing >= MINUS_BEARING else "\u2013"
    if counter.contours == 1 and width <= DOT_MAX_SIZE and height <= DOT_MAX_SIZE and square:
        return "\u00b7" if inside(0.5, 0.5) and middle > BAR_MIN_Y else None
    if counter.contours == 2 and width <= RING_MAX_SIZE and height <= RING_MAX_SIZE and square \
            and y0 >= RING_MIN_BOTTOM:
        return "\u00b0" if not inside(0.5, 0.5) and inside(0.5, 0.05) else None
    if counter.contours == 2 and bar_wide and width >= EQUALS_MIN_ASPECT * height:
        if not any(inside(f, 0.5) for f in STROKE_SAMPLES) and all(
                inside(f, 0.05) and inside(f, 0.95) for f in STROKE_SAMPLES):
            return "="
        return "\u2248" if _two_strokes(counter.boxes, width * em, height * em) else None
    if counter.contours > 2 or not square or not CROSS_MIN_SIZE <= width <= CROSS_MAX_SIZE:
        return None
    last = len(GRID) - 1
    grid = {(i, j): inside(GRID[i], GRID[j]) for i in range(len(GRID)) for j in range(len(GRID))}
    asymmetry = max(sum(grid[i, j] != grid[last - i, j] for i, j in grid),
                    sum(grid[i, j] != grid[i, last - j] for i, j in grid))
    if asymmetry > MAX_ASYMMETRY:
        return None  # a +, a × is symmetric both ways (a ±, a χ, an italic x are not)
    mid = last // 2
    outer = [i for i in range(len(GRID)) if GRID[i] in OUTER]
    arms = {(i, mid) for i in range(len(GRID))} | {(mid, i) for i in range(len(GRID))}
    diagonals = {(i, i) for i in range(1, last)} | {(i, last - i) for i in range(1, last)}
    near = [*outer, mid - 1, mid + 1]
    off_arms = {(i, j) for i in near for j in near}
    off_diagonals = {(i, mid) for i in outer} | {(mid, i) for i in outer}
    if all(grid[p] for p in arms) and not any(grid[p] for p in off_arms):
        return "+"
    if all(grid[p] for p in diagonals) and not any(grid[p] for p in off_diagonals):
        return "\u00d7"
    return None


def _two_strokes(boxes: list[list[float]], width: float, height: float) -> bool:
    """Whether two contours are thin strokes across the whole glyph, one above the other
    (the waves of ≈; the chevron of ≤ is as tall as the glyph)."""
    low, high = sorted(boxes, key=lambda box: box[1])
    return all(box[2] - box[0] >= STROKE_SPAN * width and box[3] - box[1] <= STROKE_THICKNESS
               * height for box in (low, high)) and low[3] <= high[1] + STROKE_OVERLAP * height


def keeps_text(symbol: str, text: str) -> bool:
    """Whether ``text`` already says what ``symbol``'s shape draws (a hyphen for a bar, an
    ``x`` for a diagonal cross): such a glyph keeps its text."""
    return text in COMPATIBLE[symbol]
