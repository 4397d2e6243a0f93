"""What pdfminer, with ionlit's glyph recovery, makes of the characters PDFium reads.

PDFium keeps no character codes, and glyph recovery (``fonts``/``glyphs``) works on codes: a
character's code is inferred from its text (the codes of its font that read or recover as
that text), and it takes the text, font name, box bottom and right edge pdfminer would give
it. Where the code cannot be told, the page is read by pdfminer (``pdfium_source.page_source``).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pdfminer.pdftypes import PDFObjRef, PDFStream, dict_value, resolve1, stream_value

from extractors._typing import PageObject
from extractors.fonts import GlyphMap, font_family, is_unmapped
from extractors.glyphs import GlyphPage

#: Text of a composite font's character neither reader maps. pdfminer writes ``(cid:N)``;
#: N is lost with the code, and the layout reader turns any ``(cid:`` text into U+FFFD.
UNMAPPED_CID = "(cid:0)"
#: How far (in font sizes) an outline may overhang its advance in PDFium's loose box.
OVERHANG = 0.25
#: How far (in font sizes) a code's width may be from PDFium's advance for the code to be
#: the one drawn, when codes of one text read differently.
ADVANCE_SLACK = 0.02


@dataclass(frozen=True)
class PageFont:
    """A font as pdfminer reads it: name, descent, and what each code's text becomes."""

    basefont: str
    #: Per point of font size (negative): where pdfminer puts the bottom of a glyph's box.
    descent: float
    glyphs: GlyphMap
    #: For a simple font: each text PDFium may give a code (pdfminer's text, the recovered
    #: text, the code's number when unmapped; ligatures spelled out) → (recovered text,
    #: advance width per point of font size) of the codes that text can stand for.
    finals: Mapping[str, frozenset[tuple[str, float]]]
    #: Whether the font dictionary holds the glyph widths. Without them pdfminer takes a
    #: standard font's AFM metrics (0 for glyphs they lack, such as ligatures, which moves
    #: the characters after them) and PDFium its own, whose boxes differ.
    widths: bool


#: The fonts of a page by family (the base font name without a subset prefix).
PageFonts = Mapping[str, Sequence[PageFont]]


def _spelled(text: str) -> str:
    """Ligature characters (U+FB00-FB06) spelled out, as PDFium reports them."""
    return "".join(unicodedata.normalize("NFKC", ch) if "\ufb00" <= ch <= "\ufb06" else ch
                   for ch in text)


def code_texts_to_finals(texts: Mapping[int, tuple[str, str, float]]
                         ) -> dict[str, frozenset[tuple[str, float]]]:
    """See :attr:`PageFont.finals`. A text some code reads as is taken to come from such a
    code; the number of an unmapped code (PDFium's text for a code it cannot map) only
    stands for that code when no code reads as that text."""
    exact: dict[str, set[tuple[str, float]]] = {}
    numbers: dict[str, set[tuple[str, float]]] = {}
    for code, (raw, final, width) in texts.items():
        for key in {_spelled(raw), _spelled(final)}:
            exact.setdefault(key, set()).add((final, width))
        if is_unmapped(raw):
            numbers.setdefault(chr(code), set()).add((final, width))
    return {key: frozenset(exact.get(key) or numbers[key]) for key in exact.keys() | numbers}


def page_fonts(plain: GlyphPage) -> dict[str, list[PageFont]]:
    """Every font the page's resources (and its forms') name, by family. Building them reads
    the fonts' dictionaries and programs (once per document), not the page's content."""
    fonts: dict[str, list[PageFont]] = {}
    seen: set[int] = set()
    stack = [plain.page_obj.resources]
    while stack:
        resources = dict_value(stack.pop())
        for ref in dict_value(resources.get("Font")).values():
            objid = ref.objid if isinstance(ref, PDFObjRef) else None
            spec = dict_value(ref)
            font = plain.resources.get_font(objid, spec)
            basefont = str(getattr(font, "basefont", font.fontname))
            texts = plain.resources.code_texts(font)
            entry = PageFont(basefont, float(font.get_descent()),
                             plain.resources.glyph_maps[id(font)][1],
                             code_texts_to_finals(texts),
                             "Widths" in spec or not texts)
            if entry not in fonts.setdefault(font_family(basefont), []):
                fonts[font_family(basefont)].append(entry)
        for ref in dict_value(resources.get("XObject")).values():
            xobj = stream_value(ref) if isinstance(resolve1(ref), PDFStream) else None
            if xobj is None or id(xobj) in seen or "Resources" not in xobj:
                continue
            seen.add(id(xobj))
            stack.append(xobj["Resources"])
    return fonts


def as_pdfminer_reads(chars: Sequence[PageObject], fonts: PageFonts) -> bool:
    """Give each character the text (glyph recovery included), base font name, box bottom
    and right edge pdfminer gives it; False when that cannot be told, and pdfminer must read
    the page.

    PDFium keeps no character codes, so a character's code is inferred from its text: the
    codes of the page's fonts of its family whose pdfminer or recovered text it is (or,
    unmapped, whose number it is), narrowed by their widths when they read differently. The
    text is settled when all of them recover to one text, and the right edge comes from
    their width (:func:`_width`) when PDFium's box fits it. Otherwise (codes that recover
    differently, a text no code gives, a width PDFium's box does not fit, a font PDFium
    renames, such as ``Times-Italic`` for ``TimesNewRoman-Italic``, on a
    page with fonts glyph recovery changes or with an unmapped character, a glyph of a font
    without widths that pdfminer's metrics give no width), pdfminer reads the page. Glyph
    recovery leaves composite (CID) fonts alone, and both readers map them through their
    ToUnicode and the registry's CID tables, so a character of one that PDFium leaves
    unmapped is unmapped for pdfminer too.

    PDFium also drops the subset prefix (``LEPKNP+``) of some font names and takes the
    descent of a standard font it does not embed from its substitute (Helvetica: -0.224 em,
    pdfminer's metrics: -0.207).
    """
    every = [font for family in fonts.values() for font in family]
    recovering = any(font.glyphs.recovers for font in every)
    for c in chars:
        text = c["text"]
        candidates = fonts.get(font_family(c["fontname"]), ())
        if not candidates:
            if is_unmapped(text) or recovering:
                return False
            continue
        simple = [font for font in candidates if font.finals]
        if simple:
            if len(simple) < len(candidates):
                return False
            finals = _by_advance(c, frozenset().union(
                *(font.finals.get(_spelled(text), frozenset()) for font in simple)))
            texts = {final for final, _ in finals}
            width = _width(c, {width for _, width in finals})
            if len(texts) != 1 or not (all(font.widths for font in simple) or width):
                return False
            text = texts.pop()
            if width is not None:
                if not _drawn_with(c, width):
                    return False
                _set_advance(c, width)
        elif is_unmapped(text):
            text = UNMAPPED_CID
        c["text"] = text
        if len({(font.basefont, font.descent) for font in candidates}) == 1:
            _set_font(c, candidates[0])
    return True


def _by_advance(c: PageObject, finals: frozenset[tuple[str, float]]
                ) -> frozenset[tuple[str, float]]:
    """The codes ``c`` can stand for, narrowed to those whose width is PDFium's advance when
    they read differently (Wiley's fonts draw × on a code that reads "6")."""
    if len({final for final, _ in finals}) < 2:
        return finals
    scale = _width_scale(c)
    advance = float(c["x1"]) - float(c["x0"])
    return frozenset(f for f in finals if abs(f[1] * scale - advance) <= ADVANCE_SLACK * scale)


def _width(c: PageObject, widths: set[float]) -> float | None:
    """The width of the code ``c`` stands for, when its candidates tell: their one width,
    zero widths left out beside others (codes ``/Widths`` leaves out, which no text draws),
    else the one that is PDFium's advance."""
    drawn = {w for w in widths if w > 0} or widths
    if len(drawn) > 1:
        scale = _width_scale(c)
        advance = float(c["x1"]) - float(c["x0"])
        drawn = {w for w in drawn if abs(w * scale - advance) <= ADVANCE_SLACK * scale}
    return drawn.pop() if len(drawn) == 1 else None


def _drawn_with(c: PageObject, width: float) -> bool:
    """Whether ``c`` can be a glyph of ``width``: a code inferred from its text alone can be
    wrong (PDFium reads code 226 of a symbol font as "‚", which pdfminer gives code 184, of
    width 0). PDFium's loose box is no exact advance (kerned neighbours narrow it, outlines
    widen it), but a box wider than any overhang (``OVERHANG``) is no glyph of width 0."""
    return width > 0 or float(c["x1"]) - float(c["x0"]) <= OVERHANG * _width_scale(c)


def _width_scale(c: PageObject) -> float:
    """Points per unit of glyph width (per point of font size) along the character's line."""
    a, _, _, d = (float(v) for v in c["matrix"][:4])
    return float(c["size"]) * abs(a / d if d else 1.0)


def _set_advance(c: PageObject, width: float) -> None:
    """pdfminer's right edge for ``c``: its origin plus the code's width (per point of font
    size, in the scale of the character's matrix). PDFium's loose box ends there too unless
    the outline overhangs the advance (an ``f``: up to 0.12 em in Century Schoolbook)."""
    c["x1"] = float(c["x0"]) + width * _width_scale(c)


def _set_font(c: PageObject, font: PageFont) -> None:
    """pdfminer's font name and box bottom (the font's descent below the origin) for ``c``."""
    size = float(c["size"])
    y0 = c["matrix"][5] + font.descent * size
    shift = y0 - float(c["y0"])
    c.update(fontname=font.basefont, y0=y0, y1=y0 + size,
             top=float(c["top"]) - shift, bottom=float(c["bottom"]) - shift)
