"""Tiny CFF font programs for tests: named glyphs drawn as polygons, an optional built-in
encoding, compiled as the bare CFF a PDF embeds as ``/FontFile3 /Subtype /Type1C``."""

from __future__ import annotations

import io
import math

from fontTools.fontBuilder import FontBuilder
from fontTools.pens.t2CharStringPen import T2CharStringPen

Point = tuple[float, float]
Contour = list[Point]


def rect(x0: float, y0: float, x1: float, y1: float) -> Contour:
    return [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]


def polygon(cx: float, cy: float, r: float, sides: int = 24, clockwise: bool = False
            ) -> Contour:
    """A regular polygon standing for a circle (reversed for a ring's inner contour)."""
    turn = -1 if clockwise else 1
    return [(cx + r * math.cos(turn * 2 * math.pi * k / sides),
             cy + r * math.sin(turn * 2 * math.pi * k / sides)) for k in range(sides)]


def cross(cx: float, cy: float, arm: float, half: float, angle: float = 0.0) -> Contour:
    """A cross of arms ``arm`` long and ``2 * half`` thick, turned by ``angle`` degrees (45
    for ×), drawn as one contour."""
    pts = [(half, half), (arm, half), (arm, -half), (half, -half), (half, -arm), (-half, -arm),
           (-half, -half), (-arm, -half), (-arm, half), (-half, half), (-half, arm), (half, arm)]
    a = math.radians(angle)
    return [(cx + x * math.cos(a) - y * math.sin(a), cy + x * math.sin(a) + y * math.cos(a))
            for x, y in pts]


#: Shapes as a typesetter's symbol font draws them (1000 units per em).
MINUS = [rect(90, 220, 510, 270)]
#: An en dash: a bar with less room either side (40 units) than a minus (90).
EN_DASH = [rect(40, 220, 560, 270)]
#: An en dash (or an arrow's shaft) fills its whole advance of 600 units, to join neighbours.
DASH = [rect(0, 220, 600, 270)]
PLUS = [cross(300, 250, 240, 25)]
TIMES = [cross(300, 250, 230, 25, 45)]
DEGREE = [polygon(200, 560, 110), polygon(200, 560, 70, clockwise=True)]
MIDDLE_DOT = [polygon(150, 250, 50, 12)]
LETTER_I = [rect(60, 0, 160, 662)]
LETTER_H = [[(40, 0), (140, 0), (140, 300), (500, 300), (500, 0), (600, 0), (600, 662),
             (500, 662), (500, 360), (140, 360), (140, 662), (40, 662)]]
EQUALS = [rect(60, 140, 540, 190), rect(60, 310, 540, 360)]


def wave(y: float) -> Contour:
    """A thin wavy stroke across the glyph at height ``y``."""
    top = [(60 + 40 * k, y + 40 * math.sin(k * math.pi / 6)) for k in range(13)]
    return top + [(x, v - 45) for x, v in reversed(top)]


APPROX = [wave(150), wave(320)]
LESS_EQUAL = [[(540, 560), (60, 380), (540, 200), (540, 250), (180, 380), (540, 510)],
              rect(60, 100, 540, 150)]
PLUSMINUS = [cross(300, 330, 200, 25), rect(100, 0, 500, 50)]
BULLET = [polygon(250, 250, 150)]


def cff_program(glyphs: dict[str, list[Contour]], encoding: dict[int, str] | None = None,
                name: str = "TestPi") -> bytes:
    """A bare CFF program holding ``glyphs`` (name → contours), with ``encoding`` (code →
    name) as its built-in encoding when given (else StandardEncoding)."""
    order = [".notdef", *glyphs]
    charstrings = {}
    for glyph, contours in {".notdef": [], **glyphs}.items():
        pen = T2CharStringPen(600, None)
        for contour in contours:
            pen.moveTo(contour[0])
            for point in contour[1:]:
                pen.lineTo(point)
            pen.closePath()
        charstrings[glyph] = pen.getCharString()
    builder = FontBuilder(1000, isTTF=False)
    builder.setupGlyphOrder(order)
    builder.setupCFF(name, {"FullName": name}, charstrings, {})
    table = builder.font["CFF "]
    if encoding:
        layout = [".notdef"] * 256
        for code, glyph in encoding.items():
            layout[code] = glyph
        table.cff[table.cff.fontNames[0]].Encoding = layout
    out = io.BytesIO()
    table.cff.compile(out, builder.font)
    return out.getvalue()
