"""The PDF layout reader: pdfplumber characters to lines and blocks in reading order.

pdfplumber's ``extract_text()`` clusters characters by their top edge, which lifts every
superscript onto the line above ("2 × 10 S cm" / "−6 −1") and turns ``10^-4`` into "10−4".
This reader works from the characters themselves: it groups them by proximity and baseline,
tells superscripts and subscripts from their size and baseline, marks superscripts with ``^``,
finds columns, running headers/footers and ruled table regions, and joins lines into blocks.
"""

from __future__ import annotations

import bisect
import contextlib
import functools
import hashlib
import itertools
import os
import re
import stat
import statistics
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pdfminer
import pdfplumber
import pypdfium2
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfplumber.utils.exceptions import PdfminerException

from extractors._typing import BBox, PageObject, PageSource
from extractors.document import (
    Block,
    BlockKind,
    Document,
    Line,
    PageLayout,
    Rule,
    TextLayer,
    union_box,
)
from extractors.errors import (
    DocumentError,
    EncryptedPdfError,
    MalformedPdfError,
    NotAFileError,
    NotAPdfError,
    NoTextLayerError,
    TooLargeError,
)
from extractors.fonts import is_unmapped
from extractors.glyphs import GlyphPage, GlyphResources
from extractors.line_breaks import breaks_formula
from extractors.page_ocr import OcrSettings
from extractors.pdfium_source import (
    DEFAULT_PDFIUM_MIN_OBJECTS,
    DEFAULT_READER,
    READERS,
    Reader,
    open_pdfium,
    page_source,
)
from extractors.table_parts import TableSettings, find_table_parts

DEFAULT_SCRIPT_SIZE_RATIO = 0.85
DEFAULT_SUPERSCRIPT_RISE = 0.15
DEFAULT_SUBSCRIPT_DROP = 0.08
DEFAULT_WORD_GAP = 0.15
#: In a line without space glyphs, its letter-to-letter gaps (0 inside words, e.g. 0.13 em
#: between them) must split into two clusters at least this far apart (in font size) for the
#: wider one to count as word gaps ...
DEFAULT_TIGHT_GAP_JUMP = 0.05
#: ... and that split must be this many times wider than any other step between its gaps.
DEFAULT_TIGHT_GAP_RATIO = 1.5
#: Letter-to-letter gaps a line needs before its gap distribution is trusted.
DEFAULT_TIGHT_MIN_GAPS = 6
#: How far (in font size) a glyph may overlap the one before it when the text layer puts a
#: space character between them: tightly justified lines still part words at their spaces.
DEFAULT_SPACE_OVERLAP = 0.15
DEFAULT_FRAGMENT_GAP = 0.8
DEFAULT_MARGIN_BAND = 0.08
#: Share of a page's characters that must be invisible (or in OCR fonts) for an OCR page.
DEFAULT_OCR_INVISIBLE_SHARE = 0.5
#: Share of a page that images must cover for visible standard-font text to count as OCR.
DEFAULT_OCR_IMAGE_SHARE = 0.5
#: Standard fonts OCR tools reference without embedding them.
DEFAULT_OCR_FONTS = frozenset({"Helvetica", "Courier", "Times-Roman", "Arial", "ArialMT",
                               "TimesNewRoman", "TimesNewRomanPSMT", "GlyphLessFont"})

LIGATURES = {
    "\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl",
    "\ufb05": "st", "\ufb06": "st",
}
MINUS_LIKE = "\u2212\u2013\u2012\u2010\u2011\ufe63\uff0d-"
DEGREE_LIKE = frozenset("◦°∘º˚")
#: Raised marks that are not exponents: primes (β′′), footnote marks.
PLAIN_RAISED = frozenset("′″‴'’*†‡§¶")
#: Punctuation a word ends with, after which a line's own word gap parts the next word.
_WORD_END_PUNCTUATION = frozenset(",;:.)]")
CAPTION_START = re.compile(r"^(Table|Figure|Fig\.|Scheme|TABLE|FIGURE)\s*[A-Z]?\d+[.:|]?(\s|$)")
NUMBERED_HEADING = re.compile(r"^(\d+\.(\d+\.)*|\d+(\.\d+)+|[IVX]+\.|[A-H]\.)\s+[A-Z]")
DOI_PATTERN = re.compile(r"\b10\.\d{4,9}/[-._;()/:A-Za-z0-9]+")
TERMINAL = ".!?:"
LIST_ITEM = re.compile(r"^(\[\d+\]|\d+[.)]|[•·▪–-])\s")


@dataclass(frozen=True)
class LayoutSettings:
    """Tunables of the reader, each relative to the font size of the line it applies to."""

    script_size_ratio: float = DEFAULT_SCRIPT_SIZE_RATIO
    superscript_rise: float = DEFAULT_SUPERSCRIPT_RISE
    subscript_drop: float = DEFAULT_SUBSCRIPT_DROP
    word_gap: float = DEFAULT_WORD_GAP
    tight_gap_jump: float = DEFAULT_TIGHT_GAP_JUMP
    tight_gap_ratio: float = DEFAULT_TIGHT_GAP_RATIO
    tight_min_gaps: int = DEFAULT_TIGHT_MIN_GAPS
    space_overlap: float = DEFAULT_SPACE_OVERLAP
    fragment_gap: float = DEFAULT_FRAGMENT_GAP
    margin_band: float = DEFAULT_MARGIN_BAND
    #: Table finding (``table_parts``), done while reading.
    tables: TableSettings = field(default_factory=TableSettings)
    #: With the ``pdfium`` reader, pages of at least this many objects are read by PDFium
    #: (figure-heavy pages), the others by pdfminer; 0 sends every page PDFium can read.
    pdfium_min_objects: int = DEFAULT_PDFIUM_MIN_OBJECTS

    def __post_init__(self) -> None:
        if self.pdfium_min_objects < 0:
            raise ValueError("pdfium_min_objects must not be negative")
        if not 0 < self.script_size_ratio <= 1:
            raise ValueError("script_size_ratio must be in (0, 1]")
        if not 0 < self.word_gap < self.fragment_gap:
            raise ValueError("word_gap must be positive and below fragment_gap")
        if not 0 < self.tight_gap_jump < self.word_gap:
            raise ValueError("tight_gap_jump must be positive and below word_gap")
        if self.tight_gap_ratio < 1:
            raise ValueError("tight_gap_ratio must be at least 1")
        if self.tight_min_gaps < 2:
            raise ValueError("tight_min_gaps must be at least 2")
        if self.space_overlap < 0:
            raise ValueError("space_overlap must not be negative")
        if not 0 < self.margin_band < 0.5:
            raise ValueError("margin_band must be in (0, 0.5)")
        for name in ("superscript_rise", "subscript_drop"):
            if getattr(self, name) <= 0:
                raise ValueError(f"{name} must be positive")


class _Char:
    """A character reduced to what the reader needs (slots: pages hold thousands)."""

    __slots__ = ("baseline", "bottom", "font", "size", "space_x0", "text", "top", "x0", "x1")

    def __init__(self, text: str, x0: float, x1: float, top: float, bottom: float,
                 size: float, baseline: float, font: str, space_x0: float | None = None) -> None:
        self.text, self.x0, self.x1, self.top, self.bottom = text, x0, x1, top, bottom
        self.size, self.baseline, self.font = size, baseline, font
        #: Where the space character the text layer paints right before this one starts.
        self.space_x0 = space_x0

    @property
    def box(self) -> BBox:
        return (self.x0, self.top, self.x1, self.bottom)


# --------------------------------------------------------------------------- opening


def _os_reason(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


def _file_kind(mode: int) -> str:
    kinds = ((stat.S_ISDIR, "folder"), (stat.S_ISFIFO, "FIFO"), (stat.S_ISCHR, "character device"),
             (stat.S_ISBLK, "block device"), (stat.S_ISSOCK, "socket"))
    return next((name for test, name in kinds if test(mode)), "special file")


def open_regular(path: Path) -> BinaryIO:
    """``path`` opened for reading, or ``NotAFileError`` unless it is a regular file.

    Opened non-blocking and checked with ``fstat`` on the open descriptor, so a FIFO named
    ``x.pdf`` cannot block the open and a symlink to ``/dev/zero`` is refused before a byte is
    read; a missing path, a folder and a symlink loop say so instead of raising ``OSError``.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise NotAFileError(str(path), _os_reason(exc)) from exc
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise NotAFileError(str(path), f"a {_file_kind(mode)}, not a regular file")
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def sha256_of(path: Path, max_bytes: int | None = None) -> str:
    """The document id: sha256 of the file bytes.

    Raises:
        NotAFileError: nothing readable at ``path`` (see :func:`open_regular`).
        TooLargeError: more than ``max_bytes`` bytes (hashing stops there).
    """
    digest = hashlib.sha256()
    read = 0
    with open_regular(path) as fh:
        try:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                read += len(chunk)
                if max_bytes is not None and read > max_bytes:
                    raise TooLargeError(str(path), f"more than {max_bytes} bytes")
                digest.update(chunk)
        except OSError as exc:  # e.g. EIO, or EISDIR on exotic file systems
            raise NotAFileError(str(path), f"read failed: {_os_reason(exc)}") from exc
    return digest.hexdigest()


_PARSER_DIRS = tuple(str(Path(m.__file__).parent) for m in (pdfminer, pdfplumber, pypdfium2)
                     if m.__file__)


def _raised_by_parser(exc: BaseException) -> bool:
    """Whether pdfminer, pdfplumber or PDFium raised ``exc`` (rather than ionlit's own code)."""
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.startswith(_PARSER_DIRS):
            return True
        tb = tb.tb_next
    return False


def parser_error(path: Path, exc: Exception, where: str = "") -> DocumentError:
    """The ``DocumentError`` for an exception pdfminer or pdfplumber raised on ``path``.

    pdfplumber wraps pdfminer's errors in ``PdfminerException`` (some only when ``page.chars``
    is first read), and a broken file can make the parser fail in any way (``KeyError``,
    ``AssertionError``, ``zlib.error``, ``RecursionError`` for a page tree nested thousands
    deep): all of them mean the file is malformed, unless the cause is a password.
    """
    cause: BaseException = exc
    if isinstance(exc, PdfminerException) and exc.args and isinstance(exc.args[0], BaseException):
        cause = exc.args[0]
    if isinstance(cause, PDFPasswordIncorrect | PDFEncryptionError):
        return EncryptedPdfError(str(path), f"needs a password ({type(cause).__name__})")
    if isinstance(cause, MemoryError):
        return TooLargeError(str(path), f"{where}out of memory while parsing")
    if isinstance(cause, RecursionError):
        return MalformedPdfError(str(path), f"{where}objects nested too deep (RecursionError)")
    text = " ".join(str(cause).split())
    text = text if len(text) <= 200 else text[:197] + "..."
    return MalformedPdfError(str(path), f"{where}{type(cause).__name__}: {text}")


def open_pdf(path: Path, max_pages: int | None = None) -> pdfplumber.pdf.PDF:
    """Open a PDF or raise the ``DocumentError`` that says why it cannot be read.

    Raises:
        NotAFileError, NotAPdfError, EncryptedPdfError, MalformedPdfError: as named.
        TooLargeError: more than ``max_pages`` pages.
    """
    with open_regular(path) as fh:
        head = fh.read(1024)
    if b"%PDF-" not in head:
        raise NotAPdfError(str(path), "no %PDF- header in the first 1024 bytes")
    try:
        pdf = pdfplumber.open(path)
    except Exception as exc:  # everything the parser raises is classified
        raise parser_error(path, exc) from exc
    try:
        n_pages = len(pdf.pages)  # forces the page tree, where broken files fail
    except Exception as exc:
        _close_quietly(pdf)
        raise parser_error(path, exc, "page tree: ") from exc
    if n_pages == 0:
        _close_quietly(pdf)
        raise MalformedPdfError(str(path), "no pages (the page tree is broken or empty)")
    if max_pages is not None and n_pages > max_pages:
        _close_quietly(pdf)
        raise TooLargeError(str(path), f"{n_pages} pages, over the limit of {max_pages}")
    return pdf


def _close_quietly(pdf: pdfplumber.pdf.PDF) -> None:
    with contextlib.suppress(Exception):  # closing a broken file must not hide why it broke
        pdf.close()


def read_document(path: Path | str, settings: LayoutSettings | None = None, *,
                  max_pages: int | None = None, max_bytes: int | None = None,
                  on_page: Callable[[int], None] | None = None,
                  reader: Reader = DEFAULT_READER,
                  ocr: OcrSettings | None = None) -> Document:
    """Read a PDF into a ``Document`` (blocks in reading order, provenance on every char).

    ``on_page`` is called with each page's number once its characters are read (progress on
    long documents; per-page timing in ``bench/``). ``reader`` picks where characters, rules
    and images come from: ``pdfium`` (pages of at least ``settings.pdfium_min_objects``
    objects, vector figures, by PDFium; other pages, and those whose characters' recovered
    text PDFium cannot tell, by pdfminer: :func:`extractors.pdfium_source.page_source`) or
    ``pdfplumber`` (pdfminer for every page). Pages without text that show a scan, and
    pages whose OCR layer reads badly, are read by the OCR engine under ``ocr`` (the
    ``IONLIT_OCR*`` environment when None: :mod:`extractors.page_layers`).

    Raises:
        DocumentError: the subclass that says why the file cannot be read. An exception that
            pdfminer, pdfplumber or PDFium raises is always one; one from ionlit's own code is
            not (it is a bug, and propagates as it is).
        ValueError: an unknown ``reader``.
    """
    if reader not in READERS:
        raise ValueError(f"reader must be one of {', '.join(READERS)}, not {reader!r}")
    path = Path(path)
    settings = settings or LayoutSettings()
    sha = sha256_of(path, max_bytes)
    pdf = open_pdf(path, max_pages)
    fast = open_pdfium(path) if reader == "pdfium" else None
    try:
        encrypted = bool(getattr(pdf.doc, "encryption", None))
        resources = GlyphResources()
        raw_pages = []
        scanned = False  # any image at all: what "needs OCR" rests on
        for plain in pdf.pages:
            page = GlyphPage(plain, resources)
            try:
                source = page_source(page, fast, settings.pdfium_min_objects)
                chars, off_page = page_to_chars(source)
                raw_pages.append(RawPage(page.page_number, float(page.width),
                                         float(page.height), tuple(chars),
                                         page_to_rules(source), page_to_figures(source),
                                         *page_to_layer_evidence(source),
                                         off_page_chars=off_page))
                scanned = scanned or bool(source.images)
                if on_page is not None:
                    on_page(page.page_number)
            except Exception as exc:
                if not _raised_by_parser(exc):
                    raise
                raise parser_error(path, exc, f"page {page.page_number}: ") from exc
            finally:
                page.close()
    finally:
        _close_quietly(pdf)
        if fast is not None:
            fast.close()
    if ocr is None:
        ocr = OcrSettings.from_env()
    if ocr.active:
        from extractors.page_layers import choose_page_layers  # it builds on this module

        raw_pages = choose_page_layers(path, raw_pages, settings, ocr)
    if not any(raw.chars for raw in raw_pages):
        raise NoTextLayerError(str(path), f"{len(raw_pages)} page(s), no characters " + (
            "(a scanned image the OCR engine found no text on)" if scanned and ocr.active
            else "(a scanned image needs OCR, which is switched off or not installed)"
            if scanned else
            "and no images (blank pages, or content streams that could not be read)"))
    return pages_to_document(sha, path.name, raw_pages, settings, encrypted=encrypted)


#: How far beyond the page box a glyph may sit and still be printed (a print bleed, 1/8 in).
OFF_PAGE_BLEED_PT = 9.0


def is_off_page(c: PageObject, width: float, height: float,
                bleed: float = OFF_PAGE_BLEED_PT) -> bool:
    """Whether a character lies wholly outside the page box and its bleed: no reader sees it,
    so it is no text of the document (cells placed far off the page to hide them)."""
    return (float(c["x1"]) < -bleed or float(c["x0"]) > width + bleed
            or float(c["bottom"]) < -bleed or float(c["top"]) > height + bleed)


#: Fake bold paints a glyph again this close (a share of its size, at most
#: :data:`FAKE_BOLD_MAX_PT`): the second painting is no character of its own. Two real
#: neighbours (``ll``, ``11``) sit an advance apart, a quarter em or more.
FAKE_BOLD_EM = 0.15
FAKE_BOLD_MAX_PT = 2.0


class _PaintedGlyphs:
    """The glyphs painted so far on a page, found again by text and nearness: a tolerance
    relative to the glyph size, as pdfplumber's ``dedupe_chars`` takes one, not positions
    rounded to whole points (10.45 and 10.55 round apart)."""

    def __init__(self) -> None:
        self._cells: dict[tuple[str, int, int], list[tuple[float, float, float]]] = \
            defaultdict(list)

    def repeats(self, text: str, x0: float, top: float, size: float) -> bool:
        """Whether ``text`` was painted within the tolerance of (``x0``, ``top``) at this
        size; else it is remembered."""
        tolerance = min(FAKE_BOLD_EM * size, FAKE_BOLD_MAX_PT)
        ix, iy = int(x0 // FAKE_BOLD_MAX_PT), int(top // FAKE_BOLD_MAX_PT)
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                for px, ptop, psize in self._cells.get((text, ix + dx, iy + dy), ()):
                    if (abs(px - x0) <= tolerance and abs(ptop - top) <= tolerance
                            and abs(psize - size) <= 0.01 * size):
                        return True
        self._cells[(text, ix, iy)].append((x0, top, size))
        return False


def page_to_chars(page: PageSource) -> tuple[list[_Char], int]:
    """Upright, visible characters of a page with their baselines, and how many characters
    lie outside the page box (:func:`is_off_page`: not read, counted).

    pdfminer places a glyph box at ``baseline + rise + descent``; the text matrix alone misses
    the rise (``Ts``) some producers raise superscripts with. Each font's descent is the
    median offset of its glyphs, so ``box bottom - descent`` gives the baseline, rise included.
    """
    raw = []
    off_page = 0
    width, height = float(page.width), float(page.height)
    painted = _PaintedGlyphs()
    space: tuple[float, float] | None = None  # (x0, top) of a space character just painted
    for c in page.chars:
        text = str(c["text"])
        upright = c.get("upright", True)
        x0, top = float(c["x0"]), float(c["top"])
        if text.isspace() and upright:
            space = (x0, top)
            continue
        if not upright or not text:
            continue
        if is_off_page(c, width, height):
            off_page += 1
            continue
        bottom = float(c["bottom"])
        size = float(c["size"]) or bottom - top
        if painted.repeats(text, x0, top, size):  # fake bold: one glyph painted twice
            continue
        space_x0 = space[0] if space is not None and _space_precedes(space, x0, top, size) \
            else None
        space = None
        if size > 0:
            raw.append((c, text, x0, top, bottom, size, space_x0))
    offsets: dict[str, list[float]] = defaultdict(list)
    for c, _, _, _, _, size, _ in raw:
        if c.get("matrix"):
            offsets[str(c.get("fontname"))].append((float(c["y0"]) - float(c["matrix"][5])) / size)
    descent = {font: statistics.median(v) for font, v in offsets.items()}
    out: list[_Char] = []
    for c, text, x0, top, bottom, size, space_x0 in raw:
        font = str(c.get("fontname", ""))
        baseline = bottom + descent.get(font, -0.2) * size
        out.append(_Char(text, x0, float(c["x1"]), top, bottom, size, baseline, font, space_x0))
    return out, off_page


def _space_precedes(space: tuple[float, float], x0: float, top: float, size: float) -> bool:
    """Whether a space character painted just before a character at (``x0``, ``top``) sits
    on its line, right before it."""
    space_x0, space_top = space
    return abs(space_top - top) < 0.5 * size and x0 - 1.5 * size <= space_x0 <= x0 + 0.2 * size


def page_to_figures(page: PageSource) -> tuple[BBox, ...]:
    """Boxes of the images on a page; none when images tile most of it (a scan whose OCR
    text layer is the page's real text, not a figure's labels)."""
    boxes = tuple((float(i["x0"]), float(i["top"]), float(i["x1"]), float(i["bottom"]))
                  for i in page.images)
    area = sum((b[2] - b[0]) * (b[3] - b[1]) for b in boxes)
    return () if area > 0.5 * float(page.width) * float(page.height) else boxes


def page_to_layer_evidence(page: PageSource) -> tuple[float, int]:
    """(share of the page images cover, characters painted invisibly): what tells an OCR layer
    laid over a scan from a publisher's text (:func:`pages_to_text_layer`)."""
    area = float(page.width) * float(page.height) or 1.0
    covered = sum((float(i["x1"]) - float(i["x0"])) * (float(i["bottom"]) - float(i["top"]))
                  for i in page.images)
    return min(1.0, covered / area), page.invisible_chars


def _ocr_font(font: str) -> bool:
    """A font OCR tools write their text layer in: GlyphLessFont (Tesseract), or a standard
    font referenced without an embedded subset (``Helvetica``, ``Courier``; no ``ABCDEF+``)."""
    name = font.split("+", 1)[1] if "+" in font[:7] else font
    return "GlyphLess" in name or ("+" not in font[:7] and name.split("-")[0].split(",")[0]
                                   in DEFAULT_OCR_FONTS)


def page_to_text_layer(page: RawPage) -> TextLayer:
    """``none`` without characters; ``ocr`` when the OCR engine read them, when most
    characters are invisible, or when images cover the page and its text is set in OCR fonts;
    else ``born_digital``."""
    if not page.chars:
        return "none"
    if page.ocr_engine:
        return "ocr"
    if page.invisible_chars >= DEFAULT_OCR_INVISIBLE_SHARE * len(page.chars):
        return "ocr"
    ocr_fonts = sum(1 for c in page.chars if _ocr_font(c.font))
    if (page.image_share >= DEFAULT_OCR_IMAGE_SHARE
            and ocr_fonts >= DEFAULT_OCR_INVISIBLE_SHARE * len(page.chars)):
        return "ocr"
    return "born_digital"


def pages_to_text_layer(raw_pages: Sequence[RawPage]) -> TextLayer:
    """The document's text layer: ``ocr`` when most pages with text are OCR pages, ``none``
    when no page has text, else ``born_digital`` (a cover page scan does not make it OCR)."""
    layers = [page_to_text_layer(p) for p in raw_pages]
    texted = [x for x in layers if x != "none"]
    if not texted:
        return "none"
    return "ocr" if 2 * texted.count("ocr") > len(texted) else "born_digital"


def page_to_rules(page: PageSource) -> tuple[Rule, ...]:
    """Ruling lines of a page (edges of lines and rectangles), frames left out."""
    rules = []
    for e in page.edges:
        x0, x1, top, bottom = (float(e["x0"]), float(e["x1"]), float(e["top"]),
                               float(e["bottom"]))
        if max(x1 - x0, bottom - top) >= 8:
            rules.append(Rule(page.page_number, x0, top, x1, bottom))
    return drop_frames(rules)


def drop_frames(rules: Sequence[Rule]) -> tuple[Rule, ...]:
    """Remove boxes drawn around text or figures: four edges with no rule inside.

    A sidebar box or a figure placeholder is a closed rectangle taller than a table row with
    nothing ruled inside it; a ruled table has inner rules, so it keeps all of its edges.

    A box is a top rule ``a`` and a bottom rule ``b`` of the same extent at least 20 pt lower.
    The rules are indexed by position so a page of thousands of rules stays fast: for each
    ``a`` the first rule centred inside its column below it bounds the ``b`` worth trying (a
    lower ``b`` would have that rule inside), and the sides come from an index of the vertical
    rules by x.
    """
    horiz = sorted((r for r in rules if r.horizontal), key=lambda r: r.top)
    vert = sorted((r for r in rules if not r.horizontal), key=lambda r: r.x0)
    tops = [r.top for r in horiz]
    vert_x = [v.x0 for v in vert]
    centres = sorted((((r.top + r.bottom) / 2, (r.x0 + r.x1) / 2, r) for r in rules),
                     key=lambda c: c[0])
    centre_ys = [c[0] for c in centres]
    dropped: set[Rule] = set()
    for a in horiz:
        # the highest rule centre strictly inside a's column and more than 2 pt below it
        below = range(bisect.bisect_right(centre_ys, a.top + 2), len(centres))
        first_inner = next((centres[i][0] for i in below
                            if a.x0 + 2 < centres[i][1] < a.x1 - 2 and centres[i][2] != a),
                           float("inf"))
        lo = bisect.bisect_right(tops, a.top + 20)
        hi = bisect.bisect_right(tops, first_inner + 2)
        for b in horiz[lo:hi]:
            if not (abs(a.x0 - b.x0) < 2 and abs(a.x1 - b.x1) < 2):
                continue
            sides = {k for x in (a.x0, a.x1)
                     for k in range(bisect.bisect_right(vert_x, x - 2),
                                    bisect.bisect_left(vert_x, x + 2))
                     if vert[k].top <= a.top + 2 and vert[k].bottom >= b.top - 2}
            if len(sides) >= 2:
                dropped.update((a, b, *(vert[k] for k in sides)))
    return tuple(r for r in rules if r not in dropped)


# --------------------------------------------------------------------------- lines


def chars_to_fragments(chars: Sequence[_Char], settings: LayoutSettings) -> list[list[_Char]]:
    """Group characters that sit side by side on one line (with their scripts) into runs.

    Two characters join when the second starts within ``fragment_gap`` x size after the first
    and their baseline-to-cap-height bands overlap: a superscript's band overlaps its base
    line's band but not the line above, so scripts stay with their base.

    Candidates come from 4 pt bands of band centres, three bands either way, and from x
    order within a band (:func:`_candidate_pairs`, vectorised: a page has thousands of
    characters); the runs are the connected groups of the pairs that join.
    """
    n = len(chars)
    if n == 0:
        return []
    x0 = np.fromiter((c.x0 for c in chars), float, n)
    x1 = np.fromiter((c.x1 for c in chars), float, n)
    size = np.fromiter((c.size for c in chars), float, n)
    hi = np.fromiter((c.baseline for c in chars), float, n)
    lo = hi - 0.7 * size  # _core: baseline to roughly cap height
    i, j = _candidate_pairs(x0, x1 + settings.fragment_gap * size * 1.5,
                            ((lo + hi) / 2 // _BAND_PT).astype(np.int64))
    join = (i != j) & (x0[j] - x1[i] <= settings.fragment_gap * np.maximum(size[i], size[j]))
    overlap = np.minimum(hi[i], hi[j]) - np.maximum(lo[i], lo[j])
    join &= overlap > 0.2 * np.minimum(hi[i] - lo[i], hi[j] - lo[j])
    groups = _components(n, i[join], j[join])
    return [sorted((chars[k] for k in g), key=lambda c: (c.x0, c.baseline)) for g in groups]


def _components(n: int, i: np.ndarray, j: np.ndarray) -> list[list[int]]:
    """Connected groups of ``range(n)`` under the pairs (i, j), each ascending, ordered by
    their first index (minimum-label propagation with pointer jumping)."""
    label = np.arange(n)
    while True:
        joined = np.minimum(label[i], label[j])
        nxt = label.copy()
        np.minimum.at(nxt, i, joined)
        np.minimum.at(nxt, j, joined)
        nxt = nxt[nxt]
        if np.array_equal(nxt, label):
            break
        label = nxt
    order = np.argsort(label, kind="stable")
    cuts = np.flatnonzero(np.diff(label[order])) + 1
    return [part.tolist() for part in np.split(order, cuts)]


#: Height of the bands of band centres candidates are looked up in (pt).
_BAND_PT = 4.0
#: Bands either way of a character's own that may hold a character its band overlaps.
_BAND_REACH = 3


def _candidate_pairs(x0: np.ndarray, reach: np.ndarray,
                     band: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Index pairs (i, j): ``j`` in a band within :data:`_BAND_REACH` of ``i``'s, starting at
    most 0.5 pt left of ``i`` and at most at ``reach[i]``."""
    n = len(x0)
    order = np.lexsort((np.arange(n), x0, band))
    sorted_band, sorted_x0 = band[order], x0[order]
    bands, starts = np.unique(sorted_band, return_index=True)
    ends = np.append(starts[1:], n)
    firsts, seconds = [], []
    for b, start, end in zip(bands.tolist(), starts.tolist(), ends.tolist(), strict=True):
        xs = sorted_x0[start:end]
        near = order[np.searchsorted(sorted_band, b - _BAND_REACH, "left"):
                     np.searchsorted(sorted_band, b + _BAND_REACH, "right")]
        low = np.searchsorted(xs, x0[near] - 0.5, "left")
        counts = np.searchsorted(xs, reach[near], "right") - low
        counts[counts < 0] = 0
        total = int(counts.sum())
        if total == 0:
            continue
        skip = np.repeat(np.cumsum(counts) - counts, counts)
        firsts.append(np.repeat(near, counts))
        seconds.append(order[start + np.repeat(low, counts) + np.arange(total) - skip])
    if not firsts:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    return np.concatenate(firsts), np.concatenate(seconds)


def _main_metrics(chars: Sequence[_Char], settings: LayoutSettings) -> tuple[float, float, str]:
    """Size, baseline and font of the full-size characters of a run."""
    biggest = max(c.size for c in chars)
    main = [c for c in chars if c.size >= settings.script_size_ratio * biggest]
    # A size below 0.05 pt rounds to 0 (invisible text): keep it, later steps divide by it.
    size = Counter(round(c.size, 1) for c in main).most_common(1)[0][0] or biggest
    baseline = statistics.median(c.baseline for c in main)
    font = Counter(c.font for c in main).most_common(1)[0][0]
    return size, baseline, font


def _script_role(c: _Char, size: float, baseline: float, settings: LayoutSettings) -> str:
    rise = baseline - c.baseline
    if c.size < settings.script_size_ratio * size or abs(rise) > 0.25 * size:
        if rise > settings.superscript_rise * size:
            return "sup"
        if -rise > settings.subscript_drop * size:
            return "sub"
    return "main"


@functools.lru_cache(maxsize=8192)
def _clean_glyph(text: str) -> str:
    """Expand ligatures; unmapped glyphs and control characters become U+FFFD; a character
    Unicode makes canonically equal to another (OHM SIGN Ω, KELVIN SIGN K, ANGSTROM SIGN Å)
    becomes that one, so text is searched and units parsed as one (cached: a document repeats
    a few hundred glyph texts tens of thousands of times)."""
    if text.startswith("(cid:"):
        return "\ufffd"
    return "".join(LIGATURES.get(ch) or ("\ufffd" if unicodedata.category(ch) == "Cc"
                                         else _canonical(ch)) for ch in text)


def _canonical(ch: str) -> str:
    """The character a canonical singleton stands for (NFC), else ``ch`` itself."""
    composed = unicodedata.normalize("NFC", ch)
    return composed if len(composed) == 1 else ch


#: Greek letters drawn exactly as Latin ones: a Symbol-encoded font gives Greek Ν for the N
#: of ``Na``. Inside a word that holds Latin letters or digits they are the Latin letters.
GREEK_HOMOGLYPHS = str.maketrans("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧο", "ABEZHIKMNOPTYXo")
_HOMOGLYPH_WORD = re.compile(r"[^\W_]*[ΑΒΕΖΗΙΚΜΝΟΡΤΥΧο][^\W_]*")
_LATIN_OR_DIGIT = re.compile(r"[A-Za-z0-9]")


def latin_homoglyphs(text: str) -> str:
    """``text`` with Greek look-alikes of Latin letters made Latin inside words that hold
    Latin letters or digits (``Νa1+x`` → ``Na1+x``); Greek words stay. Keeps the length."""
    def latin(word: re.Match[str]) -> str:
        text = word.group(0)
        return text.translate(GREEK_HOMOGLYPHS) if _LATIN_OR_DIGIT.search(text) else text
    return _HOMOGLYPH_WORD.sub(latin, text)


def _spaced(prev: _Char, c: _Char, settings: LayoutSettings) -> bool:
    """Whether the text layer's own space character parts ``prev`` and ``c``: it starts at the
    end of ``prev`` (an accent painted over a letter as a space does not), and ``c`` overlaps
    ``prev`` by at most ``space_overlap``."""
    slack = settings.space_overlap * min(prev.size, c.size)
    return (c.space_x0 is not None and c.space_x0 >= prev.x1 - slack
            and c.x0 - prev.x1 > -slack)


@dataclass(frozen=True)
class WordGap:
    """A line's own word gap (in font size), split from its letter gaps by
    :func:`letter_gaps_to_word_gap`; ``tight`` when most of its word gaps are below
    ``word_gap``, so the line has no other way to read its words."""

    threshold: float
    tight: bool


def letter_gaps_to_word_gap(gaps: Sequence[float], settings: LayoutSettings) -> WordGap | None:
    """Where a line's letter-to-letter gaps split into letter gaps and word gaps, or None when
    they do not split clearly.

    Some PDFs paint no space glyphs and set words 0.1 em apart, so the fixed threshold reads
    "TheyemployaDistance"; others set a comma 0.14 em before the next word ("MgSc2Se4,as").
    Letter gaps cluster at the line's median gap (most gaps are inside words); the widest
    empty interval above it splits them from the word gaps when it is at least
    ``tight_gap_jump`` wide, twice the letter gaps' spread above the median and
    ``tight_gap_ratio`` times as wide as any other interval (a stray kerned gap among word
    gaps is no cluster). The threshold is the interval's middle, when that is below
    ``word_gap``.
    """
    if len(gaps) < settings.tight_min_gaps:
        return None
    median = statistics.median(gaps)
    ladder = [median, *sorted(g for g in gaps if g > median)]
    steps = sorted(itertools.pairwise(ladder), key=lambda ab: ab[1] - ab[0])
    if not steps:
        return None
    low, high = steps[-1]
    jump = high - low
    if jump < max(settings.tight_gap_jump, 2 * (low - median)) or (
            len(steps) > 1 and jump < settings.tight_gap_ratio * (steps[-2][1] - steps[-2][0])):
        return None
    threshold = (low + high) / 2
    if threshold >= settings.word_gap:
        return None
    tight = sum(1 for g in gaps if threshold < g <= settings.word_gap)
    wide = sum(1 for g in gaps if g > settings.word_gap)
    return WordGap(threshold, tight > wide)


def _line_word_gap(chars: Sequence[_Char], roles: Sequence[str], size: float,
                   settings: LayoutSettings) -> WordGap | None:
    """The word gap :func:`letter_gaps_to_word_gap` finds between the letters of a line
    without space glyphs, or None (a line with them is read by its spaces and ``word_gap``).
    Letters only: punctuation, digits and symbols carry side bearings that widen their gaps."""
    if any(c.space_x0 is not None for c in chars):
        return None
    gaps = [(chars[k].x0 - chars[k - 1].x1) / size for k in range(1, len(chars))
            if roles[k - 1] == roles[k] == "main" and chars[k - 1].text.isalpha()
            and chars[k].text.isalpha()]
    return letter_gaps_to_word_gap(gaps, settings)


def _word_break(prev: _Char, c: _Char, role: str, gap: WordGap | None, size: float) -> bool:
    """Whether the line's own word gap parts ``prev`` and ``c``: anywhere before a full-size
    character in a tightly set line, else only between punctuation and a letter (a comma
    set close to the next word; elsewhere such a gap may be a script's or a kern's)."""
    if gap is None or role != "main" or c.x0 - prev.x1 <= gap.threshold * size:
        return False
    return gap.tight or (prev.text in _WORD_END_PUNCTUATION and c.text.isalpha())


def fragment_to_line(page: int, chars: Sequence[_Char], settings: LayoutSettings) -> Line:
    """Reconstruct a run's text: ``^`` before superscripts, subscripts inline, spaces by gap
    (``word_gap``, or the line's own word gap: :func:`_word_break`) or where the text layer has
    a space character (tightly set lines overlap their glyphs)."""
    size, baseline, font = _main_metrics(chars, settings)
    roles = [_script_role(c, size, baseline, settings) for c in chars]
    gap = _line_word_gap(chars, roles, size, settings)
    pieces: list[tuple[str, BBox]] = []
    i = 0
    prev: _Char | None = None
    prev_role = "main"
    while i < len(chars):
        c = chars[i]
        if prev is not None and (
                c.x0 - prev.x1 > settings.word_gap * max(prev.size, c.size)
                or _word_break(prev, c, roles[i], gap, size)
                or (roles[i] == "main" and prev_role == "main" and _spaced(prev, c, settings))):
            gap_box = (prev.x1, min(prev.top, c.top), c.x0, max(prev.bottom, c.bottom))
            pieces.append((" ", gap_box))
        if roles[i] != "sup":
            for ch in _clean_glyph(c.text):
                pieces.append((ch, c.box))
            prev, prev_role = c, roles[i]
            i += 1
            continue
        j = i
        while j < len(chars) and roles[j] == "sup" and (
                j == i or chars[j].x0 - chars[j - 1].x1 <= settings.word_gap * size):
            j += 1
        group = chars[i:j]
        text = "".join(_clean_glyph(g.text) for g in group)
        nxt = chars[j].text if j < len(chars) else ""
        if set(text) <= DEGREE_LIKE or (text in {"o", "0"} and nxt in {"C", "F"}):
            pieces.append(("°", union_box([g.box for g in group])))
        elif set(text) <= PLAIN_RAISED:
            pieces.extend((ch, g.box) for g in group for ch in _clean_glyph(g.text))
        else:
            pieces.append(("^", group[0].box))
            for g in group:
                for ch in _clean_glyph(g.text):
                    pieces.append(("-" if ch in MINUS_LIKE else ch, g.box))
        prev, prev_role = group[-1], "sup"
        i = j
    text = latin_homoglyphs("".join(p[0] for p in pieces))
    return Line(page, text, tuple(p[1] for p in pieces), size, font, baseline)


def join_lines(first: Line, second: Line) -> Line:
    """Join two runs of one visual line (a wide justified gap split them) with a space."""
    left, right = (first, second) if first.x0 <= second.x0 else (second, first)
    gap_box = (left.x1, min(left.top, right.top), right.x0, max(left.bottom, right.bottom))
    return Line(left.page, left.text + " " + right.text, (*left.boxes, gap_box, *right.boxes),
                max(left.size, right.size), left.fontname if left.size >= right.size
                else right.fontname, left.baseline)


# --------------------------------------------------------------------------- page structure


def _norm_key(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", " ", text.strip().lower()))


def find_running_lines(pages: Sequence[tuple[int, float, Sequence[Line]]],
                       settings: LayoutSettings) -> set[tuple[int, int]]:
    """(page, line index) of running headers, footers and page numbers.

    A line is running when its text (digits ignored) recurs near the same height on other
    pages inside the top or bottom band, or when it sits alone in the outer margin band.
    """
    seen: dict[str, list[tuple[int, int, float]]] = defaultdict(list)
    for number, height, lines in pages:
        for idx, line in enumerate(lines):
            band = settings.margin_band * height
            if line.top < band or line.bottom > height - band:
                seen[_norm_key(line.text)].append((number, idx, line.top))
    running: set[tuple[int, int]] = set()
    for hits in seen.values():
        if len({p for p, _, _ in hits}) < 2:
            continue
        for p, idx, top in hits:
            if sum(1 for q, _, t in hits if q != p and abs(t - top) < 6) >= 1:
                running.add((p, idx))
    for number, height, lines in pages:
        band = settings.margin_band * height
        for idx, line in enumerate(lines):
            if (number, idx) in running or line.size > 1.25 * statistics.median(
                    ln.size for ln in lines):
                continue
            in_top = line.bottom < band
            in_bottom = line.top > height - band
            if not (in_top or in_bottom):
                continue
            others = [o for k, o in enumerate(lines) if k != idx and (number, k) not in running]
            if in_top:
                gap = min((o.top - line.bottom for o in others if o.top > line.top),
                          default=1e9)
            else:
                gap = min((line.top - o.bottom for o in others if o.top < line.top),
                          default=1e9)
            if gap > 0.9 * line.size or re.fullmatch(r"(page )?\d+( of \d+)?",
                                                     line.text.strip().lower()):
                running.add((number, idx))
    return running


def find_gutter(boxes: Sequence[BBox], width: float) -> float | None:
    """The x of the gap between two text columns, or None for a single-column band.

    A gutter is a vertical strip near the middle that few boxes cross while many lie wholly
    on each side of it; boxes that do cross it (titles, wide tables) span both columns. The
    best-scoring strip whose two sides read as text columns wins, at its middle.
    """
    if len(boxes) < 8:
        return None
    scored: dict[float, int] = {}
    x = 0.2 * width
    while x <= 0.8 * width:
        left = sum(1 for b in boxes if b[2] <= x)
        right = sum(1 for b in boxes if b[0] >= x)
        crossing = len(boxes) - left - right
        if left >= 4 and right >= 4 and crossing <= 0.15 * len(boxes):
            scored[x] = min(left, right) - crossing
        x += 1.0
    for score in sorted(set(scored.values()), reverse=True):
        xs = sorted(x for x, sc in scored.items() if sc == score)
        runs: list[list[float]] = [[xs[0]]]
        for x in xs[1:]:
            if x - runs[-1][-1] > 1.5:
                runs.append([x])
            else:
                runs[-1].append(x)
        for run in runs:
            gutter = (run[0] + run[-1]) / 2
            if _fills_columns(boxes, gutter):
                return gutter
    return None


def _fills_columns(boxes: Sequence[BBox], gutter: float) -> bool:
    """Whether the two sides of a gap are text columns rather than the two sides of a list.

    In text columns a fair share of the lines run across their column, or the left lines are
    long next to the gap beside them. A list (``LiB      lithium-ion battery``) or a table's
    columns pair short entries across wide gaps, to be read row by row.
    """
    left = _rows([b for b in boxes if b[2] <= gutter])
    right = _rows([b for b in boxes if b[0] >= gutter])
    for side in (left, right):
        x0, x1 = min(b[0] for b in side), max(b[2] for b in side)
        if sum(1 for b in side if b[2] - b[0] >= 0.6 * (x1 - x0)) < 0.2 * len(side):
            break
    else:
        return True
    paired = listlike = 0
    for b in left:
        partner = min((r for r in right if abs(r[3] - b[3]) < 2), key=lambda r: r[0],
                      default=None)
        if partner is not None:
            paired += 1
            listlike += partner[0] - b[2] > b[2] - b[0]
    return paired == 0 or listlike <= 0.5 * paired


def _rows(boxes: Sequence[BBox]) -> list[BBox]:
    """Boxes on one baseline joined: the entries of a list row read as one line."""
    rows: list[BBox] = []
    for b in sorted(boxes, key=lambda b: (b[3], b[0])):
        if rows and abs(rows[-1][3] - b[3]) < 2:
            rows[-1] = union_box([rows[-1], b])
        else:
            rows.append(b)
    return rows


def _column_of(box: BBox, gutter: float | None) -> int:
    if gutter is None:
        return 0
    if box[2] <= gutter + 1:
        return 1
    if box[0] >= gutter - 1:
        return 2
    return 0


def assign_columns(lines: Sequence[Line], gutter: float | None) -> list[int]:
    """Column of each line (0 spans both), reading the short last line of a spanning
    paragraph (a caption's tail) as spanning when nothing stands beside it."""
    cols = [_column_of(ln.bbox, gutter) for ln in lines]
    order = sorted(range(len(lines)), key=lambda k: lines[k].top)
    for pos, k in enumerate(order):
        if cols[k] == 0 or pos == 0:
            continue
        ln = lines[k]
        above = lines[order[pos - 1]]
        beside = any(cols[m] not in (0, cols[k]) and lines[m].top < ln.bottom
                     and lines[m].bottom > ln.top for m in range(len(lines)))
        if (cols[order[pos - 1]] == 0 and not beside and ln.top - above.bottom < ln.size
                and abs(ln.size - above.size) < 0.1 * ln.size):
            cols[k] = 0
    return cols


def order_items(items: Sequence[tuple[BBox, int, Block]]) -> list[tuple[BBox, int, Block]]:
    """Reading order: top to bottom, spanning items cut the page into bands, and inside a
    band the left column is read before the right one."""
    ordered = sorted(items, key=lambda it: (it[0][1], it[0][0]))
    out: list[tuple[BBox, int, Block]] = []
    band: list[tuple[BBox, int, Block]] = []
    for it in ordered:
        if it[1] == 0 and band and it[0][1] > min(b[0][1] for b in band) - 1:
            out.extend(sorted(band, key=lambda b: (b[1], b[0][1])))
            band = []
        if it[1] == 0:
            out.append(it)
        else:
            band.append(it)
    out.extend(sorted(band, key=lambda b: (b[1], b[0][1])))
    return out


def merge_same_baseline(lines: Sequence[Line]) -> list[Line]:
    """Join the runs of one visual line within a column (a wide justified gap, the two
    sides of a list such as ``LiB   lithium-ion battery``)."""
    out: list[Line] = []
    for line in sorted(lines, key=lambda ln: (round(ln.baseline), ln.x0)):
        if out:
            prev = out[-1]
            if (abs(prev.baseline - line.baseline) < 0.3 * line.size
                    and line.x0 >= prev.x1 - 0.5
                    and abs(prev.size - line.size) < 0.1 * line.size):
                out[-1] = join_lines(prev, line)
                continue
        out.append(line)
    return sorted(out, key=lambda ln: (ln.top, ln.x0))


# --------------------------------------------------------------------------- blocks


def _ends_sentence(text: str) -> bool:
    t = text.rstrip()
    return bool(t) and (t[-1] in TERMINAL or t.endswith((".)", ".]", '."', ".”")))


def _is_heading(line: Line, body_size: float, col_right: float) -> bool:
    short = line.x1 < col_right - 2 * line.size
    if line.size >= 1.08 * body_size and short:
        return True
    if line.bold and short and len(line.text) < 120 and not CAPTION_START.match(line.text):
        return True
    numbered = NUMBERED_HEADING.match(line.text)
    return bool(numbered) and (line.bold or "italic" in line.fontname.lower()
                               or (short and len(line.text) < 80))


def lines_to_blocks(lines: Sequence[Line], body_size: float) -> list[list[Line]]:
    """Split a column's lines (top to bottom) into paragraphs, headings and captions."""
    if not lines:
        return []
    lefts = Counter(round(ln.x0) for ln in lines)
    col_left = min(x for x, n in lefts.items() if n >= max(1, lefts.most_common(1)[0][1] // 3))
    col_right = max(ln.x1 for ln in lines)
    blocks: list[list[Line]] = [[lines[0]]]
    for prev, line in itertools.pairwise(lines):
        indent = line.x0 - col_left
        prev_short = prev.x1 < col_right - 1.5 * prev.size
        new = (
            bool(CAPTION_START.match(line.text))
            or _is_heading(line, body_size, col_right) != _is_heading(prev, body_size, col_right)
            or (_is_heading(line, body_size, col_right) and prev_short)
            or abs(line.size - prev.size) > 0.1 * prev.size
            or line.top - prev.bottom > 0.75 * max(prev.size, line.size)
            or line.top - prev.bottom < -0.5 * line.size
            or (0.7 * line.size < indent < 4 * line.size and (prev_short or _ends_sentence(
                prev.text)) and prev.x0 < line.x0 - 0.5 * line.size)
            or (prev_short and _ends_sentence(prev.text) and indent > -1)
            or (LIST_ITEM.match(line.text) is not None and indent < 0.7 * line.size
                and (prev_short or prev.text.rstrip()[-1:] in ".]"))
        )
        if new:
            blocks.append([line])
        else:
            blocks[-1].append(line)
    return blocks


#: Second halves of compounds whose hyphen is the author's, not the typesetter's.
DEFAULT_COMPOUND_HEADS = frozenset({
    "based", "type", "like", "rich", "poor", "free", "state", "doped", "induced", "containing",
    "related", "assisted", "coated", "derived", "dependent", "driven", "scale", "term", "range",
    "ion", "ions", "conducting", "conductor", "conductors", "temperature", "phase", "step",
    "pot", "energy", "art", "known", "made", "sized", "shaped", "substituted", "stabilized",
    "stabilised", "modified", "treated", "milled", "prepared", "synthesized", "synthesised",
    "ceramic", "ceramics", "gel", "metal", "air", "time", "order", "disorder", "dimensional",
})


#: First halves of compounds that are written with a hyphen far more often than closed.
DEFAULT_COMPOUND_PREFIXES = frozenset({
    "self", "high", "low", "ion", "non", "well", "all", "solid", "room", "long", "short",
    "large", "small", "mixed", "half", "full", "single", "double", "chemo", "cost", "state",
    "air", "water", "heat", "time", "first", "second", "third", "one", "two", "three",
})


@dataclass(frozen=True)
class Vocabulary:
    """What the document itself says about compounds: the hyphenated words it writes whole.

    Typesetters only hyphenate within a word, so a line-end hyphen stays when the document
    writes that compound with a hyphen elsewhere, when the word already holds a hyphen
    (``tetragonal-to-`` + ``cubic``) or when the second half is a usual compound head
    (``manganese-`` + ``based``).
    """

    hyphenated: frozenset[str]
    closed: frozenset[str]
    heads: frozenset[str] = DEFAULT_COMPOUND_HEADS
    prefixes: frozenset[str] = DEFAULT_COMPOUND_PREFIXES

    def keeps_hyphen(self, word: str, right: str) -> bool:
        """``manganese-`` + ``based`` keeps its hyphen, ``conduc-`` + ``tor`` loses it."""
        left = word.rsplit("-", 1)[-1].lower()
        right = right.lower()
        if f"{left}{right}" in self.closed:
            return False
        return ("-" in word or f"{left}-{right}" in self.hyphenated or right in self.heads
                or left in self.prefixes)


def lines_to_vocabulary(pages: Iterable[Sequence[Line]]) -> Vocabulary:
    hyphenated: set[str] = set()
    closed: set[str] = set()
    for lines in pages:
        for line in lines:
            text = re.sub(r"\S+-$", "", line.text)
            hyphenated.update(w.lower() for w in re.findall(r"(?=\b([^\W\d_]+-[^\W\d_]+))", text))
            closed.update(w.lower() for w in re.findall(r"[^\W\d_]{6,}", text))
    return Vocabulary(frozenset(hyphenated), frozenset(closed))


def _joined(lines: Sequence[Line], vocabulary: Vocabulary) -> tuple[str, list[int], list[BBox]]:
    """Join lines into one text, undoing end-of-line hyphenation (``conduc-`` + ``tor``,
    ``Na1+xTi2−x-`` + ``Alx``: :func:`~extractors.line_breaks.breaks_formula`)."""
    text = ""
    pages: list[int] = []
    boxes: list[BBox] = []
    for line in lines:
        if text:
            word_end = re.search(r"([^\W\d_][-\w]*)-$", text)
            next_word = re.match(r"[^\W\d_]+", line.text)
            if text.endswith("-") and next_word and next_word.group(0) in ("and", "or"):
                text += " "  # "closo- and nido-": a suspended hyphen
                pages.append(line.page)
                boxes.append(boxes[-1])
            elif ((word_end and next_word and text[-2].islower() and line.text[:1].islower()
                    and not vocabulary.keeps_hyphen(word_end.group(1), next_word.group(0)))
                    or breaks_formula(text, line.text)):
                text, pages, boxes = text[:-1], pages[:-1], boxes[:-1]
            elif not text.endswith(("-", "–", "—", "−", "/", "(", "[")):
                text += " "
                pages.append(line.page)
                boxes.append(boxes[-1])
        text += line.text
        pages.extend([line.page] * len(line.text))
        boxes.extend(line.boxes)
    return text, pages, boxes


def make_block(kind: BlockKind, lines: Sequence[Line], vocabulary: Vocabulary,
               column: int = 0) -> Block:
    text, pages, boxes = _joined(lines, vocabulary)
    return Block(kind, text, tuple(pages), tuple(boxes), tuple(lines), column)


def table_block(lines: Sequence[Line], column: int) -> Block:
    """A table region: rows joined by newlines, cells by `` | ``; lines kept as cells."""
    rows: list[list[Line]] = []
    for line in sorted(lines, key=lambda ln: (ln.baseline, ln.x0)):
        if rows and abs(rows[-1][0].baseline - line.baseline) < 0.4 * line.size:
            rows[-1].append(line)
        else:
            rows.append([line])
    text = ""
    pages: list[int] = []
    boxes: list[BBox] = []
    for row in rows:
        for k, cell in enumerate(sorted(row, key=lambda ln: ln.x0)):
            sep = "\n" if k == 0 and text else (" | " if k else "")
            text += sep
            pages.extend([cell.page] * len(sep))
            boxes.extend([cell.boxes[0]] * len(sep))
            text += cell.text
            pages.extend([cell.page] * len(cell.text))
            boxes.extend(cell.boxes)
    return Block("table", text, tuple(pages), tuple(boxes), tuple(lines), column)


def _classify(lines: Sequence[Line], body_size: float, col_right: float, page: int,
              images: Sequence[BBox]) -> BlockKind:
    first = lines[0]
    if any(_inside(ln.bbox, img) for img in images for ln in lines[:1]):
        return "figure"
    if CAPTION_START.match(first.text):
        return "caption"
    if page == 1 and first.size >= 1.3 * body_size:
        return "title"
    if all(_is_heading(ln, body_size, col_right + 1) or ln.bold for ln in lines) and len(
            lines) <= 3:
        return "heading"
    return "paragraph"


def _inside(box: BBox, region: BBox, slack: float = 1.0) -> bool:
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return (region[0] - slack <= cx <= region[2] + slack
            and region[1] - slack <= cy <= region[3] + slack)


def _should_continue(prev: Block, nxt: Block) -> bool:
    """Whether ``nxt`` is the rest of paragraph ``prev`` cut by a column or page break."""
    if prev.kind != "paragraph" or nxt.kind != "paragraph" or _ends_sentence(prev.text):
        return False
    if LIST_ITEM.match(nxt.text):
        return False
    first = nxt.text[:1]
    if first.islower() or first in "([,;":
        return True
    last_line, first_line = prev.lines[-1], nxt.lines[0]
    full = last_line.x1 > max(ln.x1 for ln in prev.lines) - 2 * last_line.size
    return full and len(prev.lines) > 1 and abs(first_line.size - last_line.size) < 0.5


def merge_continued(blocks: list[Block], vocabulary: Vocabulary) -> list[Block]:
    """Rejoin paragraphs cut by column and page breaks (figures/tables may stand between)."""
    out = list(blocks)
    skip = {"header", "footer", "table", "figure", "caption"}
    i = 0
    while i < len(out):
        b = out[i]
        j = i + 1
        while j < len(out) and j - i <= 8 and out[j].kind in skip:
            j += 1
        if j < len(out) and _should_continue(b, out[j]) and (
                j > i + 1 or out[j].page != b.page or out[j].column != b.column):
            merged = make_block("paragraph", (*b.lines, *out[j].lines), vocabulary, b.column)
            out[i] = merged
            del out[j]
            continue
        i += 1
    return out


@dataclass(frozen=True)
class RawPage:
    """What pdfplumber gives of one page, before any layout decision."""

    number: int
    width: float
    height: float
    chars: tuple[_Char, ...]
    rules: tuple[Rule, ...]
    figures: tuple[BBox, ...]
    #: Share of the page area that images cover (a scan is one or a few page-sized images).
    image_share: float = 0.0
    #: Characters painted invisibly (text render mode 3): an OCR layer over the scan.
    invisible_chars: int = 0
    #: Whether ``chars`` are the OCR engine's reading of the page image, not its text layer.
    ocr_engine: bool = False
    #: Characters outside the page box, left unread (:func:`is_off_page`).
    off_page_chars: int = 0


def split_bands(boxes: Sequence[BBox], gap: float) -> list[list[int]]:
    """Indices of ``boxes`` grouped into horizontal bands that blank strips at least ``gap``
    high and as wide as the page separate (title block, abstract block, body)."""
    bands: list[list[int]] = []
    bottom = float("-inf")
    for k in sorted(range(len(boxes)), key=lambda k: boxes[k][1]):
        if boxes[k][1] > bottom + gap:
            bands.append([k])
            bottom = boxes[k][3]
        else:
            bands[-1].append(k)
            bottom = max(bottom, boxes[k][3])
    return bands


def page_to_bands(boxes: Sequence[BBox], width: float,
                  gap: float) -> list[tuple[list[int], float | None]]:
    """Bands of a page, each with its own gutter (or None), top to bottom.

    A first page often stacks layouts: a narrow info column beside the abstract, then two
    body columns with their gutter elsewhere. Neighbouring bands with the same gutter are one
    band, so a blank strip that happens to cross both columns does not cut them, and a band
    that keeps to one side of its neighbour's gutter (a column running on below the other's
    end) joins that neighbour. A band without a gutter is cut again at narrower strips (an
    abstract set close above the columns), down to a quarter of ``gap``.
    """
    def crosses(band: list[int], gutter: float) -> bool:
        return any(boxes[k][0] < gutter - 1 < gutter + 1 < boxes[k][2] for k in band)

    def bands_with_gutters(indices: list[int], gap: float) -> list[tuple[list[int], float | None]]:
        found = []
        for sub in split_bands([boxes[k] for k in indices], gap):
            band = [indices[k] for k in sub]
            gutter = find_gutter([boxes[k] for k in band], width)
            if gutter is None and len(sub) < len(indices) and gap > min_gap:
                found.extend(bands_with_gutters(band, gap / 2))
            else:
                found.append((band, gutter))
        return found

    min_gap = gap / 4
    out: list[tuple[list[int], float | None]] = []
    for band, gutter in bands_with_gutters(list(range(len(boxes))), gap):
        prev = out[-1] if out else None
        if prev is not None and (
                (gutter is not None and prev[1] is not None and abs(gutter - prev[1]) < 6)
                or (gutter is None and prev[1] is not None and not crosses(band, prev[1]))
                or (prev[1] is None and gutter is not None and not crosses(prev[0], gutter))):
            out[-1] = (prev[0] + band, prev[1] if prev[1] is not None else gutter)
        else:
            out.append((band, gutter))
    return out


def page_to_blocks(page: RawPage, body: Sequence[Line], heads: Sequence[Line],
                   regions: Sequence[BBox], body_size: float,
                   vocabulary: Vocabulary) -> list[Block]:
    """One page's blocks in reading order: running heads first/last, table regions whole,
    and band by band, the left column before the right one."""
    in_table: dict[int, list[Line]] = defaultdict(list)
    free: list[Line] = []
    for ln in body:
        hit = next((r for r, reg in enumerate(regions) if _inside(ln.bbox, reg)), None)
        if hit is None:
            free.append(ln)
        else:
            in_table[hit].append(ln)
    boxes = [ln.bbox for ln in free] + list(regions)
    ordered: list[Block] = []
    for band, gutter in page_to_bands(boxes, page.width, 0.9 * body_size):
        band_lines = [free[k] for k in band if k < len(free)]
        by_col: dict[int, list[Line]] = defaultdict(list)
        for ln, col in zip(band_lines, assign_columns(band_lines, gutter), strict=True):
            by_col[col].append(ln)
        items: list[tuple[BBox, int, Block]] = []
        for col, col_lines in by_col.items():
            merged = merge_same_baseline(col_lines)
            col_right = max(ln.x1 for ln in merged)
            for group in lines_to_blocks(merged, body_size):
                kind = _classify(group, body_size, col_right, page.number, page.figures)
                items.append((union_box([ln.bbox for ln in group]), col,
                              make_block(kind, group, vocabulary, col)))
        for r in (k - len(free) for k in band if k >= len(free)):
            if in_table.get(r):
                col = _column_of(regions[r], gutter)
                items.append((regions[r], col, table_block(in_table[r], col)))
        ordered.extend(it[2] for it in order_items(items))
    top = [make_block("header", [ln], vocabulary) for ln in heads if ln.top < page.height / 2]
    bottom = [make_block("footer", [ln], vocabulary) for ln in heads
              if ln.top >= page.height / 2]
    return top + ordered + bottom


def page_free_lines(lines: Sequence[Line], running: set[int], height: float,
                    margin_band: float) -> list[Line]:
    """A page's lines where a table may run: all but its running lines in the page margins
    (cells repeated at one height on two pages look like running lines, and only the margins
    hold real running heads and feet)."""
    band = margin_band * height
    return [ln for k, ln in enumerate(lines)
            if k not in running or (band < ln.top and ln.bottom < height - band)]


def pages_to_document(sha: str, name: str, raw_pages: Sequence[RawPage],
                      settings: LayoutSettings, *, encrypted: bool = False) -> Document:
    """Lines, running heads, table regions, columns and blocks for all pages of a document."""
    page_lines = [
        sorted((fragment_to_line(p.number, f, settings)
                for f in chars_to_fragments(p.chars, settings)), key=lambda ln: (ln.top, ln.x0))
        for p in raw_pages
    ]
    sizes: Counter[float] = Counter()
    for lines in page_lines:
        for ln in lines:
            sizes[round(ln.size, 1)] += len(ln.text)
    body_size = sizes.most_common(1)[0][0] if sizes else 10.0
    running = find_running_lines(
        [(p.number, p.height, lines) for p, lines in zip(raw_pages, page_lines, strict=True)],
        settings)
    vocabulary = lines_to_vocabulary(page_lines)
    layouts = tuple(PageLayout(p.number, p.width, p.height, tuple(lines), p.rules, body_size)
                    for p, lines in zip(raw_pages, page_lines, strict=True))
    heads = [[ln for k, ln in enumerate(lines) if (p.number, k) in running]
             for p, lines in zip(raw_pages, page_lines, strict=True)]
    bodies = [[ln for k, ln in enumerate(lines) if (p.number, k) not in running]
              for p, lines in zip(raw_pages, page_lines, strict=True)]
    table_parts, table_skips = find_table_parts(layouts, [
        page_free_lines(lines, {k for n, k in running if n == p.number}, p.height,
                        settings.tables.margin_band)
        for p, lines in zip(raw_pages, page_lines, strict=True)], settings.tables)
    regions: list[list[BBox]] = [[] for _ in raw_pages]
    index = {p.number: k for k, p in enumerate(raw_pages)}
    for part in (part for group in table_parts for part in group):
        regions[index[part.page]].append(part.bbox)
    blocks: list[Block] = []
    for p, body, head, region in zip(raw_pages, bodies, heads, regions, strict=True):
        blocks.extend(page_to_blocks(p, body, head, region, body_size, vocabulary))
    blocks = merge_continued(blocks, vocabulary)
    return Document(sha, name, layouts, tuple(blocks),
                    title=next((b.text for b in blocks if b.kind == "title"), None),
                    doi=find_doi(blocks), encrypted=encrypted,
                    unmapped_share=pages_to_unmapped_share(raw_pages),
                    text_layer=pages_to_text_layer(raw_pages), table_parts=table_parts,
                    table_skips=table_skips,
                    ocr_pages=tuple(p.number for p in raw_pages if p.ocr_engine),
                    off_page_chars=sum(p.off_page_chars for p in raw_pages))


def pages_to_unmapped_share(raw_pages: Sequence[RawPage]) -> float:
    """Share of the characters still unmapped after glyph recovery (0 for no characters)."""
    total = sum(len(p.chars) for p in raw_pages)
    lost = sum(1 for p in raw_pages for c in p.chars if is_unmapped(c.text))
    return lost / total if total else 0.0


def find_doi(blocks: Sequence[Block]) -> str | None:
    """The first DOI printed on the first two pages (headers and footers included)."""
    for b in blocks:
        if b.page > 2:
            break
        m = DOI_PATTERN.search(b.text)
        if m:
            return m.group(0).rstrip(".,;)")
    return None


def document_to_text(doc: Document, *, kinds: set[str] | None = None) -> str:
    """The reconstructed text for people to read: each block prefixed by its kind and page."""
    parts = []
    for b in doc.blocks:
        if kinds is not None and b.kind not in kinds:
            continue
        pages = sorted(set(b.pages)) or [b.page]
        where = f"p{pages[0]}" + (f"-{pages[-1]}" if len(pages) > 1 else "")
        parts.append(f"[{b.kind} {where}]\n{b.text}")
    return "\n\n".join(parts) + "\n"
