"""Which text each page is read from: its own text layer, or the OCR engine's reading of it.

A page without characters that shows an image (a scan) is read by the engine. A page whose
text is an OCR layer (:func:`extractors.layout.page_to_text_layer`) that reads badly
(:func:`extractors.page_ocr.text_quality` below ``reread_below``) is read again, and the engine's
reading replaces the layer only when it reads better. Born-digital pages are never touched.
"""

from __future__ import annotations

import dataclasses
import logging
import re
import resource
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from extractors.layout import (
    LayoutSettings,
    RawPage,
    _Char,
    chars_to_fragments,
    fragment_to_line,
    page_to_text_layer,
)
from extractors.page_ocr import (
    OcrBudget,
    OcrChar,
    OcrSettings,
    read_page_image,
    text_quality,
)

_log = logging.getLogger(__name__)

#: Font name of the characters the engine reads (the reader's ``fontname`` of their lines).
OCR_ENGINE_FONT = "OCR-engine"
#: Share of a page images must cover for a page without characters to be a scan worth reading.
SCAN_IMAGE_SHARE = 0.3


def layer_lines(page: RawPage, settings: LayoutSettings) -> list[str]:
    """A page's line texts as the reader builds them from its characters."""
    lines = sorted((fragment_to_line(page.number, f, settings)
                    for f in chars_to_fragments(page.chars, settings)),
                   key=lambda ln: (ln.top, ln.x0))
    return [ln.text for ln in lines]


def page_quality(page: RawPage, settings: LayoutSettings) -> float:
    """How well a page reads as the reader builds it, 0 to 1: :func:`text_quality` of its
    words, less half the share of its words that stand alone on a line (a typewriter layer
    whose word gaps part every word into a line of its own reads in no order)."""
    lines = layer_lines(page, settings)
    words = [len(re.findall(r"[^\W\d_]{2,}", text)) for text in lines]
    alone = sum(1 for n in words if n == 1) / max(1, sum(words))
    return text_quality("\n".join(lines)) * (1 - 0.5 * alone)


def ocr_lines_to_chars(lines: Sequence[Sequence[OcrChar]]) -> tuple[_Char, ...]:
    """The engine's characters as the reader's: a word gap becomes the space the text layer
    would paint right before the character."""
    out: list[_Char] = []
    for line in lines:
        prev: OcrChar | None = None
        for c in line:
            space_x0 = prev.x1 if prev is not None and c.space_before else None
            out.append(_Char(c.text, c.x0, c.x1, c.top, c.bottom, c.size, c.baseline,
                             OCR_ENGINE_FONT, space_x0))
            prev = c
    return tuple(out)


def needs_reading(page: RawPage, settings: LayoutSettings, ocr: OcrSettings,
                  quality: float | None = None) -> bool:
    """Whether the engine should read ``page``: a scan without text, or a garbled OCR layer
    (``quality``: its :func:`page_quality`, when already known)."""
    layer = page_to_text_layer(page)
    if layer == "none":
        return page.image_share >= SCAN_IMAGE_SHARE
    if layer == "ocr":
        return (page_quality(page, settings) if quality is None else quality) < ocr.reread_below
    return False


def _allow_engine_memory() -> None:
    """Raise the address-space limit to its hard limit, where a reading worker keeps the room
    the engine needs (:func:`extractors.guarded.ocr_memory_mb`)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if soft != resource.RLIM_INFINITY and hard != soft:
        resource.setrlimit(resource.RLIMIT_AS, (hard, hard))


def choose_page_layers(path: Path, pages: Sequence[RawPage], settings: LayoutSettings,
                       ocr: OcrSettings,
                       read: Callable[[Any, OcrSettings], list[list[OcrChar]]] = read_page_image,
                       ) -> list[RawPage]:
    """``pages`` with each page that needs it read by the engine, within ``ocr``'s budget
    (pages in order; those left when it is spent keep what they have)."""
    if not (ocr.enabled and ocr.budget_s > 0 and ocr.max_pages > 0):
        return list(pages)
    # worst first: when the budget runs out, the pages that read worst were read again
    scores = {k: page_quality(p, settings) for k, p in enumerate(pages)
              if page_to_text_layer(p) == "ocr"}
    todo = sorted((k for k, p in enumerate(pages)
                   if needs_reading(p, settings, ocr, scores.get(k))),
                  key=lambda k: scores.get(k, 0.0))
    if not todo:
        return list(pages)
    import pypdfium2

    out = list(pages)
    _allow_engine_memory()
    budget = OcrBudget(ocr)
    doc = pypdfium2.PdfDocument(str(path))
    try:
        for k in todo:
            if not budget.allows():
                _log.info("%s: OCR budget spent, page %d keeps its text layer", path.name,
                          pages[k].number)
                break
            budget.spend_page()
            page = doc[pages[k].number - 1]
            try:
                lines = read(page, ocr)
            except MemoryError:
                raise
            except Exception as exc:  # the engine's own failure costs the page, not the paper
                _log.warning("%s: the OCR engine failed on page %d (%s: %s); it keeps its "
                             "text", path.name, pages[k].number, type(exc).__name__, exc)
                continue
            finally:
                page.close()
            reading = ocr_lines_to_chars(lines)
            if not reading:
                continue
            candidate = dataclasses.replace(pages[k], chars=reading, ocr_engine=True)
            if pages[k].chars and page_quality(candidate, settings) < ocr.min_gain + (
                    scores[k] if k in scores else page_quality(pages[k], settings)):
                continue
            out[k] = candidate
    finally:
        doc.close()
    return out


__all__ = ["OCR_ENGINE_FONT", "choose_page_layers", "layer_lines", "needs_reading",
           "ocr_lines_to_chars", "page_quality"]
