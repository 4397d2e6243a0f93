"""Pages whose characters carry the text their fonts' own data gives (see ``fonts``).

pdfminer decides a character's text inside ``render_char`` and keeps neither the character
code nor the font dictionary, so recovery has to happen there: :class:`GlyphPage` is a
pdfplumber page laid out by :class:`GlyphDevice`, which passes each character's text through
the glyph map :class:`GlyphResources` builds once per font and document.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pdfplumber
from pdfminer.layout import LAParams, LTChar, LTCurve, LTItem, LTPage
from pdfminer.pdfcolor import PDFColorSpace
from pdfminer.pdfdevice import PDFTextSeq
from pdfminer.pdffont import PDFCIDFont, PDFFont, PDFUnicodeNotDefined
from pdfminer.pdfinterp import (
    PDFGraphicState,
    PDFPageInterpreter,
    PDFResourceManager,
    PDFTextState,
)
from pdfminer.utils import Matrix
from pdfplumber.page import PDFPageAggregatorWithMarkedContent, fix_fontname_bytes
from pdfplumber.utils.exceptions import PdfminerException

from extractors.fonts import GlyphMap, font_to_glyph_map

#: Text render modes that paint nothing: 3 (invisible) and 7 (add to clipping path only).
INVISIBLE_RENDER_MODES = frozenset({3, 7})


class GlyphResources(PDFResourceManager):
    """pdfminer's resource manager, keeping each font's glyph map beside the font.

    pdfminer caches one font object per font dictionary for the whole document, so the map
    (which may parse the embedded font program) is built once per font and document. The
    font dictionary itself is only at hand here: pdfminer's font objects drop ``/Differences``.
    """

    def __init__(self) -> None:
        super().__init__(caching=True)
        self.glyph_maps: dict[int, tuple[PDFFont, GlyphMap]] = {}
        self._code_texts: dict[int, dict[int, tuple[str, str, float]]] = {}

    def get_font(self, objid: object, spec: Mapping[str, object]) -> PDFFont:
        font = super().get_font(objid, spec)
        if id(font) not in self.glyph_maps:  # the font is kept too, so its id stays unique
            basefont = str(getattr(font, "basefont", font.fontname))
            try:
                glyphs = font_to_glyph_map(basefont, spec, _tounicode_codes(font),
                                           simple=not isinstance(font, PDFCIDFont))
            except Exception:  # a font we cannot read keeps pdfminer's text
                glyphs = GlyphMap(basefont)
            self.glyph_maps[id(font)] = (font, glyphs)
        return font

    def glyph_text(self, font: PDFFont, code: int, text: str) -> str:
        entry = self.glyph_maps.get(id(font))
        return entry[1].text(code, text) if entry else text

    def code_texts(self, font: PDFFont) -> Mapping[int, tuple[str, str, float]]:
        """(pdfminer's text, the text after glyph recovery, the advance width per point of
        font size) of every code of a simple font, exactly as :class:`GlyphDevice` reads
        them; empty for a composite font."""
        if isinstance(font, PDFCIDFont):
            return {}
        if id(font) not in self._code_texts:
            texts = {}
            for code in range(256):
                try:
                    text = font.to_unichr(code)
                except PDFUnicodeNotDefined:
                    text = f"(cid:{code})"  # pdfminer's handle_undefined_char
                final = self.glyph_text(font, code, text)
                texts[code] = (text, final, glyph_width(font, code, final))
            self._code_texts[id(font)] = texts
        return self._code_texts[id(font)]


def _tounicode_codes(font: PDFFont) -> frozenset[int]:
    """Codes the font's ToUnicode map covers (pdfminer keeps it as ``unicode_map``)."""
    mapping = getattr(getattr(font, "unicode_map", None), "cid2unichr", None)
    return frozenset(mapping) if isinstance(mapping, dict) else frozenset()


class GlyphDevice(PDFPageAggregatorWithMarkedContent):
    """pdfplumber's layout device, with each character's text recovered from its font."""

    def __init__(self, resources: GlyphResources, pageno: int,
                 laparams: LAParams | None) -> None:
        super().__init__(resources, pageno=pageno, laparams=laparams)
        self.resources = resources
        #: Characters painted in an invisible text render mode (3, or 7: clip only), the mode
        #: OCR tools lay their text over a page image in.
        self.invisible_chars = 0
        self._invisible = False

    def render_string(self, textstate: PDFTextState, seq: PDFTextSeq, ncs: PDFColorSpace,
                      graphicstate: PDFGraphicState) -> None:
        """pdfminer's ``render_string``, noting whether the text is painted invisibly."""
        self._invisible = getattr(textstate, "render", 0) in INVISIBLE_RENDER_MODES
        super().render_string(textstate, seq, ncs, graphicstate)

    def render_char(self, matrix: Matrix, font: PDFFont, fontsize: float,
                    scaling: float, rise: float, cid: int, ncs: PDFColorSpace,
                    graphicstate: PDFGraphicState) -> float:
        """pdfminer's ``render_char`` with the text passed through the font's glyph map."""
        try:
            text = font.to_unichr(cid)
        except PDFUnicodeNotDefined:
            text = self.handle_undefined_char(font, cid)
        text = self.resources.glyph_text(font, cid, text)
        item = LTChar(matrix, font, fontsize, scaling, rise, text, glyph_width(font, cid, text),
                      font.char_disp(cid), ncs, graphicstate)
        self.cur_item.add(item)
        self.tag_cur_item()
        if self._invisible and text.strip():
            self.invisible_chars += 1
        return item.adv


def glyph_width(font: PDFFont, cid: int, text: str) -> float:
    """pdfminer's width of a glyph, looked up by its recovered text when the code has none.

    The metrics of the standard 14 fonts are keyed by character, so a Symbol degree pdfminer
    reads as ``(cid:176)`` got width 0 and the text after it moved left ("50 ° C").
    """
    widths = font.widths
    if cid not in widths and text in widths:
        return float(widths[text]) * font.hscale
    return font.char_width(cid)


class GlyphPage(pdfplumber.page.Page):
    """A pdfplumber page laid out by :class:`GlyphDevice`: its chars carry recovered text.

    Characters and paths become the few keys the reader uses (text, font, size, box, matrix;
    a path's box and points), with pdfplumber's own geometry: pdfplumber's full conversion
    (every attribute resolved, colours, each path's commands) costs more than laying the page
    out, and a figure of 80,000 curves makes that seconds per page.
    """

    def __init__(self, page: pdfplumber.page.Page, resources: GlyphResources) -> None:
        super().__init__(page.pdf, page.page_obj, page_number=page.page_number,
                         initial_doctop=page.initial_doctop)
        self.resources = resources

    @property
    def layout(self) -> LTPage:
        if hasattr(self, "_layout"):
            return self._layout
        device = GlyphDevice(self.resources, self.page_number, self.pdf.laparams)
        try:
            PDFPageInterpreter(self.resources, device).process_page(self.page_obj)
        except Exception as e:
            raise PdfminerException(e) from e
        self._layout: LTPage = device.get_result()
        self._invisible_chars = device.invisible_chars
        return self._layout

    @property
    def invisible_chars(self) -> int:
        """Characters painted invisibly on the page (laying it out counts them)."""
        _ = self.layout
        return self._invisible_chars

    def process_object(self, obj: LTItem) -> dict[str, Any]:
        if isinstance(obj, LTChar | LTCurve):
            return self._geometry(obj)
        return super().process_object(obj)

    def _geometry(self, obj: LTChar | LTCurve) -> dict[str, Any]:
        """``process_object``'s keys the reader and pdfplumber's edges use, computed as it
        computes them (pdfminer's coordinates moved by the MediaBox origin)."""
        mb_x0, mb_top = self.mediabox[:2]
        top = (self.height - obj.y1) + mb_top
        attr: dict[str, Any] = {
            "object_type": obj.__class__.__name__[2:].lower(), "page_number": self.page_number,
            "x0": obj.x0 + mb_x0 if mb_x0 != 0 else obj.x0,
            "x1": obj.x1 + mb_x0 if mb_x0 != 0 else obj.x1,
            "y0": obj.y0, "y1": obj.y1, "width": obj.width, "height": obj.height,
            "top": top, "bottom": (self.height - obj.y0) + mb_top,
            "doctop": self.initial_doctop + top}
        if isinstance(obj, LTChar):
            fontname = obj.fontname
            attr.update(text=obj.get_text(), size=obj.size, upright=obj.upright,
                        matrix=obj.matrix, adv=obj.adv,
                        fontname=fix_fontname_bytes(fontname) if isinstance(fontname, bytes)
                        else fontname)
        else:
            attr["pts"] = [self.point2coord(pt) for pt in obj.pts]
        return attr
