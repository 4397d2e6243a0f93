"""Made-up tables drawn with ``tests.pdfbuild``: a page of body text and tables of any shape
(booktabs rules, a shaded header band, no rules at all), cells written as plain strings.

In a cell string ``^x`` sets the token ``x`` as a superscript and ``_x`` as a subscript
(``2.0 × 10^-4``, ``σ_25 °C``), so a test shows its table as it reads.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tests.pdfbuild import Page, Run, write_pdf

#: Table print is smaller than body text (the reader tells tables by it).
SIZE = 8.0
BODY = ("The electrolytes were pressed into pellets and measured by impedance spectroscopy in "
        "a symmetric cell.")
_SCRIPT = re.compile(r"([\^_])(\S+)")

#: A cell: its left x and its text (``^``/``_`` mark scripts).
Cell = tuple[float, str]


def runs(text: str, size: float = SIZE) -> list[Run]:
    """``text`` as runs: ``^x`` raised, ``_x`` lowered, the rest at ``size``."""
    out: list[Run] = []
    pos = 0
    for m in _SCRIPT.finditer(text):
        if m.start() > pos:
            out.append(Run(text[pos:m.start()], size))
        rise = 0.4 * size if m[1] == "^" else -0.2 * size
        out.append(Run(m[2], 0.75 * size, rise))
        pos = m.end()
    if pos < len(text):
        out.append(Run(text[pos:], size))
    return out


@dataclass
class TableDrawing:
    """A table to draw: caption, header lines (each a list of cells), body rows."""

    caption: str
    header: Sequence[Sequence[Cell]]
    body: Sequence[Sequence[Cell]]
    style: str = "booktabs"  # "booktabs", "band" (shaded header, no rules) or "none"
    x0: float = 60.0
    x1: float = 540.0
    pitch: float = 12.0

    def draw(self, page: Page, top: float) -> float:
        """Draw at ``top`` (the caption's baseline); the y below the table."""
        page.text(self.x0, top, *runs(self.caption, 9.0))
        y = top + 8
        if self.style == "booktabs":
            page.rule(self.x0, y, self.x1)
        band_top = y
        y += self.pitch
        for line in self.header:
            for x, text in line:
                page.text(x, y, *runs(text))
            y += self.pitch
        if self.style == "band":
            page.fill(self.x0, band_top, self.x1, y - self.pitch + 4)
        if self.style == "booktabs":
            page.rule(self.x0, y - self.pitch + 4, self.x1)
        y += 2
        for row in self.body:
            for x, text in row:
                page.text(x, y, *runs(text))
            y += self.pitch
        if self.style == "booktabs":
            page.rule(self.x0, y - self.pitch + 4, self.x1)
        return y + 10


def body_page(*lines: Sequence[str | Run], n_filler: int = 6) -> tuple[Page, float]:
    """A page opening with ``lines`` of body text and filler paragraphs (so the body size is
    the page's most common size); the page and the y below them."""
    page = Page()
    y = 80.0
    for line in lines:
        page.text(60, y, *line)
        y += 14
    for _ in range(n_filler):
        page.text(60, y, BODY)
        y += 14
    return page, y + 20


def write_tables(path: Path, drawings: Sequence[TableDrawing],
                 text: Sequence[Sequence[str | Run]] = ()) -> Path:
    """One page: ``text`` and filler as body text, then the tables, one below the other."""
    page, y = body_page(*text)
    for drawing in drawings:
        y = drawing.draw(page, y)
    return write_pdf(path, [page])
