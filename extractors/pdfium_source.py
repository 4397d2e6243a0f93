"""Characters, ruling edges and images of a page read by PDFium, shaped as pdfplumber's.

pdfminer interprets every content stream in Python, so a page holding a vector plot of 80,000
curves takes tens of seconds and a gigabyte before a single character comes out. PDFium (through
pypdfium2, which pdfplumber already depends on) parses the same page in C++ in milliseconds.
:class:`PdfiumPage` gives what the layout reader takes from a pdfplumber page (``chars``,
``edges``, ``images``, ``invisible_chars``) in pdfplumber's coordinates and dict keys, so
``layout.page_to_chars`` and the rest of the reader run unchanged on either source.

PDFium decodes text with its own Unicode mapping and keeps no character codes, so ionlit's
glyph recovery (``fonts``/``glyphs``) cannot run on its characters:
:func:`extractors.pdfium_fonts.as_pdfminer_reads` gives each character the text pdfminer's
reading with glyph recovery gives it, or says the page must be read by pdfminer
(:func:`page_source`).
"""

from __future__ import annotations

import ctypes
import itertools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, NamedTuple

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from extractors._typing import PageObject
from extractors.glyphs import INVISIBLE_RENDER_MODES, GlyphPage
from extractors.pdfium_fonts import as_pdfminer_reads, page_fonts

#: Where the reader takes characters from (``layout.read_document(reader=...)``).
Reader = Literal["pdfium", "pdfplumber"]
READERS: tuple[Reader, ...] = ("pdfium", "pdfplumber")
DEFAULT_READER: Reader = "pdfium"
#: Page objects from which PDFium reads a page. pdfminer interprets every object in Python
#: (~0.3 ms apiece: 25 s for the Mg-spinel page of 85,000 curves), PDFium in C; on ordinary
#: pages (at most ~3,000 objects in ../shared/corpus) pdfminer is as fast as PDFium plus the
#: per-character work of shaping its characters as pdfminer's.
DEFAULT_PDFIUM_MIN_OBJECTS = 5000
#: (a, b, c, d, e, f): a PDF transformation matrix.
Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
#: Edges shorter than this (points, both ways) are never rules (``layout.page_to_rules``):
#: paths smaller than it are not walked segment by segment.
MIN_EDGE = 8.0
#: Points by which a glyph's tight box may stop short of its loose box and still count as
#: reaching it (an outline overhanging its advance width).
OVERHANG_SLACK = 0.01
#: How far an outline overhangs its advance width at most, in font sizes (composite fonts,
#: whose widths ``pdfium_fonts`` does not know).
MAX_OVERHANG = 0.1
#: Decimal places of PDFium's coordinates and sizes kept (single precision holds ~7 digits).
DECIMALS = 4
#: A subpath's shape in pdfminer's letters: ``m`` move, ``l`` line, ``c`` curve, ``h`` close.
_SUBPATH = re.compile(r"m[^m]+")


def _mult(m: Matrix, n: Matrix) -> Matrix:
    """``m`` then ``n`` (PDF row-vector convention, as pdfminer's ``mult_matrix``)."""
    a, b, c, d, e, f = m
    a1, b1, c1, d1, e1, f1 = n
    return (a * a1 + b * c1, a * b1 + b * d1, c * a1 + d * c1, c * b1 + d * d1,
            e * a1 + f * c1 + e1, e * b1 + f * d1 + f1)


def _apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = m
    return (a * x + c * y + e, b * x + d * y + f)


def _point(m: Matrix, x: float, y: float) -> tuple[float, float]:
    """A path or image point in page space, to ``DECIMALS`` places."""
    px, py = _apply(m, x, y)
    return (_decimal(px), _decimal(py))


def _object_matrix(obj: object) -> Matrix:
    m = pdfium_c.FS_MATRIX()
    pdfium_c.FPDFPageObj_GetMatrix(obj, m)
    return (m.a, m.b, m.c, m.d, m.e, m.f)


class Frame(NamedTuple):
    """pdfplumber's coordinates of a page: ``top = height - (y - y0)``, ``x`` as in the PDF."""

    #: Bottom of the MediaBox.
    y0: float
    height: float


@dataclass
class PdfiumPage:
    """One page as PDFium reads it, with the attributes the layout reader takes from a
    pdfplumber page. Coordinates are pdfplumber's: points, ``top`` measured down from the
    top of the MediaBox."""

    page_number: int
    width: float
    height: float
    chars: list[PageObject] = field(default_factory=list)
    edges: list[PageObject] = field(default_factory=list)
    images: list[PageObject] = field(default_factory=list)
    #: Characters painted in an invisible render mode (an OCR layer laid over a scan).
    invisible_chars: int = 0
    #: Text objects none of whose characters PDFium's text page holds: it drops characters
    #: it has no text for (a code whose glyph name no list knows), which pdfminer keeps. An
    #: empty string shown counts too: pypdfium2 cannot tell it from a dropped glyph (no
    #: characters, bounds of zero size either way).
    unread_text_objects: int = 0


def open_pdfium(path: Path) -> pdfium.PdfDocument | None:
    """The PDF opened by PDFium, or None when PDFium cannot open a file pdfminer could (then
    pdfminer reads every page: the document stays readable exactly as before)."""
    try:
        return pdfium.PdfDocument(path)
    except pdfium.PdfiumError:
        return None


def page_source(page: GlyphPage, doc: pdfium.PdfDocument | None,
                min_objects: int = DEFAULT_PDFIUM_MIN_OBJECTS) -> GlyphPage | PdfiumPage:
    """The page as PDFium reads it, or ``page`` itself (read by pdfminer) when PDFium is no
    faster or cannot give what the reader needs: fewer than ``min_objects`` page objects
    (:data:`DEFAULT_PDFIUM_MIN_OBJECTS`), no PDFium document, a rotated page (pdfminer turns its
    coordinates, PDFium does not), a page without characters (PDFium shows a content stream
    it cannot decode as an empty page, pdfminer says why: a scan is cheap to read), a text
    object PDFium dropped every character of, or a page whose characters' text, after glyph
    recovery, cannot be told without their codes (:func:`as_pdfminer_reads`)."""
    if doc is None or page.rotation or count_objects(doc, page.page_number - 1,
                                                     min_objects) < min_objects:
        return page
    x0, y0, x1, y1 = (float(v) for v in page.page_obj.mediabox)
    fast = read_page(doc, page.page_number - 1,
                     (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)))
    if (not fast.chars or fast.unread_text_objects
            or not as_pdfminer_reads(fast.chars, page_fonts(page))):
        return page
    return fast


def count_objects(doc: pdfium.PdfDocument, index: int, limit: int) -> int:
    """Page objects of page ``index`` (0-based; form XObjects entered), counted up to
    ``limit``: a page of 85,000 curves is told from an ordinary one in milliseconds."""
    if limit <= 0:
        return 0
    page = doc[index]
    try:
        return sum(1 for _ in itertools.islice(_walk_objects(page.raw), limit))
    finally:
        page.close()


def read_page(doc: pdfium.PdfDocument, index: int,
              mediabox: tuple[float, float, float, float]) -> PdfiumPage:
    """Characters, edges and images of page ``index`` (0-based).

    ``mediabox`` is the page's MediaBox as pdfminer resolves it (inherited from the page
    tree when the page has none; pypdfium2 then answers US Letter).
    """
    page = doc[index]
    try:
        left, bottom, right, top = mediabox
        out = PdfiumPage(index + 1, right - left, top - bottom)
        frame = Frame(bottom, top - bottom)
        textpage = page.get_textpage()
        try:
            read = _read_chars(textpage.raw, out, frame)
        finally:
            textpage.close()
        for obj, outer in _walk_objects(page.raw):
            kind = pdfium_c.FPDFPageObj_GetType(obj)
            if kind == pdfium_c.FPDF_PAGEOBJ_TEXT:
                out.unread_text_objects += _address(obj) not in read
            elif kind == pdfium_c.FPDF_PAGEOBJ_IMAGE:
                out.images.append(_image_dict(_mult(_object_matrix(obj), outer), frame))
            elif kind == pdfium_c.FPDF_PAGEOBJ_PATH and _may_hold_edges(obj, outer):
                out.edges.extend(_path_edges(obj, _mult(_object_matrix(obj), outer),
                                             frame))
        return out
    finally:
        page.close()


def _walk_objects(parent: object, form: bool = False,
                  outer: Matrix = IDENTITY) -> Iterator[tuple[object, Matrix]]:
    """Every page object, form XObjects entered, with the matrix from the space its own
    matrix maps into (the page, or the form that holds it) to page space."""
    count = (pdfium_c.FPDFFormObj_CountObjects if form else pdfium_c.FPDFPage_CountObjects)
    get = pdfium_c.FPDFFormObj_GetObject if form else pdfium_c.FPDFPage_GetObject
    for k in range(count(parent)):
        obj = get(parent, k)
        if pdfium_c.FPDFPageObj_GetType(obj) == pdfium_c.FPDF_PAGEOBJ_FORM:
            yield from _walk_objects(obj, True, _mult(_object_matrix(obj), outer))
        else:
            yield obj, outer


@dataclass(frozen=True)
class _TextObject:
    """What every character of one text object shares."""

    fontname: str
    #: Descent of the font per point of font size (negative), as the font descriptor says.
    descent: float
    invisible: bool


def _text_object(textpage: object, k: int, obj: object) -> _TextObject:
    """What the characters of ``obj`` (holding character ``k``) share. The font's name comes
    from the text page: PDFium's font object answers it without the subset prefix."""
    name = ctypes.create_string_buffer(256)
    flags = ctypes.c_int()
    pdfium_c.FPDFText_GetFontInfo(textpage, k, name, len(name), flags)
    descent = ctypes.c_float()
    pdfium_c.FPDFFont_GetDescent(pdfium_c.FPDFTextObj_GetFont(obj), ctypes.c_float(1000.0),
                                 descent)
    mode = pdfium_c.FPDFTextObj_GetTextRenderMode(obj)
    return _TextObject(name.value.decode("utf-8", "replace"), descent.value / 1000.0,
                       mode in INVISIBLE_RENDER_MODES)


def _address(obj: Any) -> int | None:
    """Where a PDFium object lives: the same object through the text page and the page."""
    address: int | None = ctypes.cast(obj, ctypes.c_void_p).value
    return address


def _decimal(value: float) -> float:
    """A PDFium coordinate to ``DECIMALS`` places: PDFium computes in single precision
    (84.73 comes out 84.729996), pdfminer in double, and the reader compares positions with
    thresholds that a page may meet exactly."""
    return round(value, DECIMALS)


def _char_text(textpage: object, k: int, n: int) -> tuple[str, int]:
    """The text of character ``k`` and how many text-page entries it took.

    PDFium writes a line-end hyphen as U+0002 (its hyphen marker) and a character outside the
    BMP as a UTF-16 surrogate pair.
    """
    code = pdfium_c.FPDFText_GetUnicode(textpage, k)
    if code == 2 and pdfium_c.FPDFText_IsHyphen(textpage, k) == 1:
        return "-", 1
    if 0xD800 <= code < 0xDC00 and k + 1 < n:
        low = pdfium_c.FPDFText_GetUnicode(textpage, k + 1)
        return chr(0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)), 2
    return chr(code), 1


def _read_chars(textpage: object, out: PdfiumPage, frame: Frame) -> set[int | None]:
    """pdfplumber char dicts of a text page (characters PDFium inserts itself left out); the
    text objects they belong to.

    pdfminer's box of a glyph spans its advance width from the origin and one font size up
    from the descent below the baseline; PDFium's loose box also takes in the outline where a
    glyph overhangs (``j``, ``y``), so only its right edge is used. PDFium splits a ligature
    whose text is several characters ("fi") into entries with one origin and one box; they are
    joined back (two glyphs drawn at one origin, a space and a digit, keep their own boxes).
    """
    box = pdfium_c.FS_RECTF()
    m = pdfium_c.FS_MATRIX()
    ox, oy = ctypes.c_double(), ctypes.c_double()
    tight = tuple(ctypes.c_double() for _ in range(4))
    objects: dict[int | None, _TextObject] = {}
    last: tuple[int | None, float, float, float] | None = None
    n = pdfium_c.FPDFText_CountChars(textpage)
    k = 0
    while k < n:
        if pdfium_c.FPDFText_IsGenerated(textpage, k):
            k += 1
            continue
        text, used = _char_text(textpage, k, n)
        obj = pdfium_c.FPDFText_GetTextObject(textpage, k)
        key = _address(obj)
        pdfium_c.FPDFText_GetCharOrigin(textpage, k, ox, oy)
        pdfium_c.FPDFText_GetLooseCharBox(textpage, k, box)
        if last == (key, ox.value, oy.value, box.right) and out.chars:
            out.chars[-1]["text"] = out.chars[-1]["text"] + text
            k += used
            continue
        last = (key, ox.value, oy.value, box.right)
        info = objects.get(key) or objects.setdefault(key, _text_object(textpage, k, obj))
        pdfium_c.FPDFText_GetMatrix(textpage, k, m)
        a, b, c, d = _decimal(m.a), _decimal(m.b), _decimal(m.c), _decimal(m.d)
        x0, x1 = _decimal(ox.value), _decimal(box.right)
        font_size = _decimal(pdfium_c.FPDFText_GetFontSize(textpage, k))
        size = font_size * abs(d or b)
        x1 = _advance_end(textpage, k, obj, text, x0, x1, font_size * abs(a), tight)
        if info.invisible and text.strip():
            out.invisible_chars += 1
        baseline = _decimal(oy.value) - frame.y0
        y0 = baseline + info.descent * size
        out.chars.append({
            "text": text, "fontname": info.fontname, "size": size,
            "x0": x0, "x1": x1, "y0": y0, "y1": y0 + size,
            "top": frame.height - y0 - size, "bottom": frame.height - y0,
            "upright": a * d > 0 and b * c <= 0,
            "matrix": (a, b, c, d, x0, baseline),
        })
        k += used
    return set(objects)


def _advance_end(textpage: object, k: int, obj: object, text: str, x0: float,
                 loose_right: float, width_scale: float,
                 tight: tuple[ctypes.c_double, ...]) -> float:
    """Where the glyph's advance ends (pdfminer's ``x1``).

    PDFium's loose box ends there unless the outline overhangs it (an italic or an ``f``
    whose tight box reaches the loose box's edge); then the advance comes from the font's
    width of the character, when the font maps the character back to a code and the outline
    overhangs that advance by at most ``MAX_OVERHANG`` (a ligature's first letter or a small
    capital mapped back to another code gives a width far short of the loose box).
    """
    left, right, bottom, top = tight  # out-parameters, reused from character to character
    pdfium_c.FPDFText_GetCharBox(textpage, k, left, right, bottom, top)
    if right.value < loose_right - OVERHANG_SLACK or len(text) != 1:
        return max(loose_right, x0)
    width = ctypes.c_float()
    font = pdfium_c.FPDFTextObj_GetFont(obj)
    if not pdfium_c.FPDFFont_GetGlyphWidth(font, ord(text), ctypes.c_float(1.0), width):
        return max(loose_right, x0)
    end = x0 + width.value * width_scale
    overhang = MAX_OVERHANG * width_scale
    return end if loose_right - overhang <= end <= loose_right else max(loose_right, x0)


def _image_dict(matrix: Matrix, frame: Frame) -> PageObject:
    """An image's box: the unit square under its matrix, as pdfminer places it."""
    corners = [_point(matrix, x, y) for x, y in ((0, 0), (1, 0), (0, 1), (1, 1))]
    return _box_dict(corners, frame)


def _box_dict(points: Sequence[tuple[float, float]],
              frame: Frame) -> PageObject:
    xs = [p[0] for p in points]
    ys = [p[1] - frame.y0 for p in points]
    return {"x0": min(xs), "x1": max(xs), "top": frame.height - max(ys),
            "bottom": frame.height - min(ys)}


def _may_hold_edges(obj: object, outer: Matrix) -> bool:
    """Whether a path is big enough to hold an edge of ``MIN_EDGE``: its bounds (control
    points and line width included, so never too small; in its parent's space) in page
    space."""
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    if not pdfium_c.FPDFPageObj_GetBounds(obj, left, bottom, right, top):
        return False
    pts = [_apply(outer, x, y) for x in (left.value, right.value)
           for y in (bottom.value, top.value)]
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    return max(max(xs) - min(xs), max(ys) - min(ys)) >= MIN_EDGE


def _path_edges(obj: object, matrix: Matrix,
                frame: Frame) -> list[PageObject]:
    """The edges pdfplumber derives from a path: each subpath classified as pdfminer does
    (line, rectangle or curve), then cut into its segments."""
    shape, pts = _path_shape(obj, matrix)
    edges: list[PageObject] = []
    for m in _SUBPATH.finditer(shape):
        edges.extend(_subpath_edges(shape[m.start():m.end()], pts[m.start():m.end()],
                                    frame))
    return edges


def _path_shape(obj: object, matrix: Matrix) -> tuple[str, list[tuple[float, float]]]:
    """The path in pdfminer's terms: one letter and one end point (page space) per operator;
    a Bézier's three PDFium points are one ``c``, a closing flag is an ``h`` at the start."""
    x, y = ctypes.c_float(), ctypes.c_float()
    shape: list[str] = []
    pts: list[tuple[float, float]] = []
    start = (0.0, 0.0)
    bezier = 0
    for k in range(pdfium_c.FPDFPath_CountSegments(obj)):
        seg = pdfium_c.FPDFPath_GetPathSegment(obj, k)
        kind = pdfium_c.FPDFPathSegment_GetType(seg)
        pdfium_c.FPDFPathSegment_GetPoint(seg, x, y)
        point = _point(matrix, x.value, y.value)
        if kind == pdfium_c.FPDF_SEGMENT_BEZIERTO:
            bezier += 1
            if bezier % 3:
                continue
            letter = "c"
        else:
            bezier = 0
            letter = "m" if kind == pdfium_c.FPDF_SEGMENT_MOVETO else "l"
        if letter == "m":
            start = point
        closes = pdfium_c.FPDFPathSegment_GetClose(seg)
        if closes and letter == "l" and point == start:
            letter = "h"  # PDFium's line back to the start of a closed subpath
        shape.append(letter)
        pts.append(point)
        if closes and letter != "h":
            shape.append("h")
            pts.append(start)
    return "".join(shape), pts


def _subpath_edges(shape: str, pts: list[tuple[float, float]],
                   frame: Frame) -> list[PageObject]:
    """pdfminer's ``paint_path`` for one subpath, then pdfplumber's edges of the object."""
    if len(shape) > 3 and shape[-2:] == "lh" and pts[-2] == pts[0]:
        shape = shape[:-2] + "h"
        pts = pts[:-2] + pts[-1:]
    if shape in {"mlh", "ml"}:
        pts = pts[:2]  # LTLine: one edge
    return [_box_dict((p, q), frame) for p, q in itertools.pairwise(pts)]
