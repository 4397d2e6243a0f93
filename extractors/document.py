"""The document model the layout reader produces: pages, lines and blocks with provenance.

Every character of reconstructed text keeps the page and box it came from, so any substring
a later extractor picks (a value, a material) can be traced back to its place on the page.
"""

from __future__ import annotations

import traceback
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Literal

from extractors._typing import BBox

BlockKind = Literal[
    "title", "heading", "paragraph", "caption", "table", "header", "footer", "figure",
]
#: How a PDF carries its text: drawn by the publisher's fonts (``born_digital``), an OCR layer
#: laid invisibly over page images (``ocr``), or no text at all (``none``).
TextLayer = Literal["born_digital", "ocr", "none"]
TEXT_LAYERS: tuple[TextLayer, ...] = ("born_digital", "ocr", "none")
#: Where the text of a document's pages was read: the PDF's own text layer on every page
#: (``text_layer``), the OCR engine's reading of the page images on every page with text
#: (``ocr_engine``), or some pages each (``mixed``).
TextSource = Literal["text_layer", "ocr_engine", "mixed"]
TEXT_SOURCES: tuple[TextSource, ...] = ("text_layer", "ocr_engine", "mixed")
#: Kinds whose text belongs to the article's running text (what `ionlit text` prints first).
BODY_KINDS: frozenset[str] = frozenset({"title", "heading", "paragraph", "caption"})


def union_box(boxes: Sequence[BBox]) -> BBox:
    """Smallest box holding all ``boxes``."""
    return (
        min(b[0] for b in boxes), min(b[1] for b in boxes),
        max(b[2] for b in boxes), max(b[3] for b in boxes),
    )


@dataclass(frozen=True)
class Rule:
    """A ruling line (or the edge of a thin filled rectangle) drawn on a page."""

    page: int
    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def horizontal(self) -> bool:
        return (self.x1 - self.x0) >= (self.bottom - self.top)


@dataclass(frozen=True)
class Line:
    """One visual line of text (or, inside a table region, one cell's line).

    ``text`` is the reconstructed text: superscripts marked ``^`` (``10^-6``), subscripts
    inline, ligatures expanded. ``boxes[i]`` is the box of ``text[i]`` on ``page``.
    """

    page: int
    text: str
    boxes: tuple[BBox, ...]
    size: float
    fontname: str
    baseline: float

    def __post_init__(self) -> None:
        if len(self.text) != len(self.boxes):
            raise ValueError("a line needs exactly one box per character")

    @cached_property
    def bbox(self) -> BBox:
        return union_box(self.boxes)

    @property
    def x0(self) -> float:
        return self.bbox[0]

    @property
    def x1(self) -> float:
        return self.bbox[2]

    @property
    def top(self) -> float:
        return self.bbox[1]

    @property
    def bottom(self) -> float:
        return self.bbox[3]

    @property
    def bold(self) -> bool:
        name = self.fontname.lower()
        return "bold" in name or "black" in name or "semibold" in name

    def segments(self, min_gap: float) -> list[Segment]:
        """Split the line at horizontal gaps wider than ``min_gap`` (table cells)."""
        out: list[Segment] = []
        start = 0
        for i in range(1, len(self.text) + 1):
            at_end = i == len(self.text)
            if not at_end and not (
                self.text[i] == " " and _gap_after(self, i) > min_gap
            ):
                continue
            piece = self.text[start:i].strip()
            if piece:
                lead = len(self.text[start:i]) - len(self.text[start:i].lstrip())
                s = start + lead
                e = s + len(piece)
                out.append(Segment(piece, union_box(self.boxes[s:e]), s, e))
            start = i + 1
        return out


def _gap_after(line: Line, space_index: int) -> float:
    """Width of the blank a space at ``space_index`` stands for."""
    before = line.boxes[space_index - 1] if space_index > 0 else line.boxes[space_index]
    after = (line.boxes[space_index + 1] if space_index + 1 < len(line.boxes)
             else line.boxes[space_index])
    return after[0] - before[2]


@dataclass(frozen=True)
class Segment:
    """A run of a line between wide gaps: the text, its box and its place in ``Line.text``."""

    text: str
    bbox: BBox
    start: int
    end: int


@dataclass(frozen=True)
class Block:
    """A paragraph, heading, caption, table region, ... in reading order.

    ``text`` joins the lines (hyphenation undone); ``pages[i]``/``boxes[i]`` locate
    ``text[i]``. A paragraph continued over a column or page break is one block.
    """

    kind: BlockKind
    text: str
    pages: tuple[int, ...]
    boxes: tuple[BBox, ...]
    lines: tuple[Line, ...]
    column: int = 0

    def __post_init__(self) -> None:
        if not (len(self.text) == len(self.pages) == len(self.boxes)):
            raise ValueError("a block needs exactly one page and box per character")

    @property
    def page(self) -> int:
        return self.pages[0] if self.pages else (self.lines[0].page if self.lines else 0)

    @property
    def bbox(self) -> BBox:
        return self.locate(0, len(self.text))[1]

    def locate(self, start: int, end: int) -> tuple[int, BBox]:
        """Page and box of ``text[start:end]`` (the part on the page where it starts)."""
        if not self.text:
            return self.page, union_box([line.bbox for line in self.lines])
        start = max(0, min(start, len(self.text) - 1))
        end = max(start + 1, min(end, len(self.text)))
        page = self.pages[start]
        boxes = [b for p, b, ch in zip(self.pages[start:end], self.boxes[start:end],
                                       self.text[start:end], strict=True)
                 if p == page and not ch.isspace()]
        return page, union_box(boxes or [self.boxes[start]])


@dataclass(frozen=True)
class TablePart:
    """The piece of a table on one page (or column): its lines split into header and body.

    ``row_rules`` are the y of rules between body rows (a fully ruled table); ``open_end`` says
    the table ran to the end of its column without a closing rule, so it may go on.
    """

    page: int
    bbox: BBox
    header: tuple[Line, ...]
    body: tuple[Line, ...]
    row_rules: tuple[float, ...]
    open_end: bool
    caption: str | None = None
    footnotes: tuple[str, ...] = ()


@dataclass(frozen=True)
class TableSkip:
    """A table left out because finding or reading it raised (a bug of ours): the other tables
    and the text are read all the same, and the ``documents`` row says which and why.

    ``table_id`` is the table's id (``p3-t1``), or its page (``p3``) when finding it failed.
    """

    table_id: str
    stage: Literal["finding", "structure", "records"]
    reason: str

    def __str__(self) -> str:
        return f"{self.table_id} ({self.stage}): {self.reason}"

    @classmethod
    def of(cls, table_id: str, stage: Literal["finding", "structure", "records"],
           exc: BaseException) -> TableSkip:
        """The skip an exception causes; the reason names the line that raised."""
        where = traceback.extract_tb(exc.__traceback__)[-1:] if exc.__traceback__ else []
        at = f" (at {Path(where[0].filename).name}:{where[0].lineno})" if where else ""
        return cls(table_id, stage, f"{type(exc).__name__}: {exc}{at}")


@dataclass(frozen=True)
class PageLayout:
    """What the reader keeps of one page besides its blocks."""

    number: int
    width: float
    height: float
    lines: tuple[Line, ...]
    rules: tuple[Rule, ...]
    body_size: float


@dataclass(frozen=True)
class Document:
    """A PDF read into blocks in reading order; ``sha256`` of the file bytes is its id."""

    sha256: str
    name: str
    pages: tuple[PageLayout, ...]
    blocks: tuple[Block, ...]
    title: str | None = None
    doi: str | None = None
    encrypted: bool = False
    #: Share of the characters whose text neither the text layer nor the font's own data gives
    #: (``(cid:N)``, U+FFFD, control or private-use characters): how much of the document is lost.
    unmapped_share: float = 0.0
    #: Where the text comes from (:data:`TEXT_LAYERS`); an ``ocr`` layer is read with
    #: OCR-tolerant spellings of numbers, units and formulas.
    text_layer: TextLayer = "born_digital"
    #: The parts of each table, grouped per table in reading order (``table_parts``): found
    #: once while reading, structured by ``tables``.
    table_parts: tuple[tuple[TablePart, ...], ...] = ()
    #: Tables whose finding raised, skipped (``table_parts`` holds the others).
    table_skips: tuple[TableSkip, ...] = ()
    #: Pages whose text the OCR engine read from the page image (a scan without text, or an
    #: OCR layer that read worse): :mod:`extractors.page_layers`.
    ocr_pages: tuple[int, ...] = ()
    #: Characters placed outside the page box, which no reader sees and nothing reads.
    off_page_chars: int = 0

    @property
    def n_pages(self) -> int:
        return len(self.pages)

    @property
    def text_source(self) -> TextSource:
        """Which text the pages were read from (:data:`TEXT_SOURCES`)."""
        if not self.ocr_pages:
            return "text_layer"
        texted = {ln.page for p in self.pages for ln in p.lines}
        return "ocr_engine" if texted <= set(self.ocr_pages) else "mixed"

    def blocks_of(self, *kinds: str) -> Iterator[Block]:
        return (b for b in self.blocks if b.kind in kinds)

    @property
    def text(self) -> str:
        """The body text (headers, footers and table regions left out), a block a paragraph."""
        return "\n\n".join(b.text for b in self.blocks if b.kind in BODY_KINDS)
