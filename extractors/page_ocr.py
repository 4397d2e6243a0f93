"""Reading page images with an OCR engine where a page has no text layer or a garbled one.

A scanned paper either carries no text at all or an OCR layer written when it was scanned,
often decades ago: letter-spaced words, ``cr.l[~o`` for σ300, words run together. This module
renders such a page with PDFium, reads it with RapidOCR (PP-OCR models on onnxruntime, shipped
inside the ``rapidocr_onnxruntime`` wheel, so nothing is downloaded at run time), and turns each
text line it finds into characters in PDF points, the same characters the reader builds from a
text layer, so provenance boxes stay right. :func:`text_quality` scores a page's text, so a
page whose own OCR layer reads better than a fresh reading keeps its layer.

The engine costs seconds per page: it runs only on pages that need it, within a time budget of
its own per document (:class:`OcrSettings`), and ``IONLIT_OCR=off`` switches it off.
"""

from __future__ import annotations

import functools
import importlib.util
import re
import statistics
import time
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, NamedTuple

import numpy as np

from extractors.env_settings import env_values

#: Resolution pages are rendered at: small type (6-7 pt subscripts, table footnotes) reads.
DEFAULT_OCR_DPI = 200
#: Seconds the engine may spend on one document (7-20 s a page on a free core, several times
#: that on a busy one); pages left when it is spent keep their layer (or stay without text).
DEFAULT_OCR_BUDGET_S = 600.0
#: Pages of one document the engine reads at most.
DEFAULT_OCR_MAX_PAGES = 40
#: The engine's reading replaces a layer only when it scores this much better: a layer keeps
#: what the engine loses (subscripts, superscripts, the positions table cells are found by),
#: so a table page whose words read a little worse stays as it is.
DEFAULT_OCR_MIN_GAIN = 0.25
#: A page's OCR layer scoring below this (:func:`extractors.page_layers.page_quality`) is read
#: again by the engine (above it no reading could score ``min_gain`` better).
DEFAULT_OCR_REREAD_BELOW = 1.0 - DEFAULT_OCR_MIN_GAIN - 0.05
#: Lines the engine reads with a lower confidence are dropped (noise, stamps, figure marks).
DEFAULT_OCR_MIN_SCORE = 0.6

#: The environment variable of each setting (read by :meth:`OcrSettings.from_env`).
ENV_VARS: Mapping[str, str] = {
    "enabled": "IONLIT_OCR",
    "dpi": "IONLIT_OCR_DPI",
    "budget_s": "IONLIT_OCR_BUDGET_S",
    "max_pages": "IONLIT_OCR_MAX_PAGES",
}


@dataclass(frozen=True)
class OcrSettings:
    """When and how pages are read by the OCR engine.

    Attributes:
        enabled: read pages with the engine at all (``IONLIT_OCR=off`` turns it off).
        dpi: rendering resolution.
        budget_s: seconds of engine time per document.
        max_pages: pages per document the engine reads at most.
        reread_below: an OCR layer page scoring below this is read again.
        min_gain: how much better the engine's reading must score to replace a layer.
        min_score: lines the engine is less sure of are dropped.
    """

    enabled: bool = True
    dpi: int = DEFAULT_OCR_DPI
    budget_s: float = DEFAULT_OCR_BUDGET_S
    max_pages: int = DEFAULT_OCR_MAX_PAGES
    reread_below: float = DEFAULT_OCR_REREAD_BELOW
    min_gain: float = DEFAULT_OCR_MIN_GAIN
    min_score: float = DEFAULT_OCR_MIN_SCORE

    def __post_init__(self) -> None:
        if not 50 <= self.dpi <= 600:
            raise ValueError(f"dpi must be in [50, 600], not {self.dpi!r}")
        if not self.budget_s >= 0:
            raise ValueError(f"budget_s must not be negative, not {self.budget_s!r}")
        if self.max_pages < 0:
            raise ValueError(f"max_pages must not be negative, not {self.max_pages!r}")

    @property
    def active(self) -> bool:
        """Whether the engine may run: switched on, with budget and pages, and installed."""
        return self.enabled and self.budget_s > 0 and self.max_pages > 0 and engine_available()

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> OcrSettings:
        """Defaults, then the ``IONLIT_OCR*`` variables of ``env``.

        Raises:
            ValueError: a variable that is not a valid setting.
        """
        values = env_values(cls, ENV_VARS, env)
        return replace(cls(), **values)


@functools.cache
def engine_available() -> bool:
    """Whether the OCR engine (``rapidocr_onnxruntime``) is installed (found, not imported:
    importing it loads onnxruntime and OpenCV, which only the reading worker needs)."""
    return importlib.util.find_spec("rapidocr_onnxruntime") is not None


@functools.cache
def _engine() -> Any:
    """The engine, loaded once per process (its models load in about a second)."""
    from rapidocr_onnxruntime import RapidOCR

    # max_side_len: the engine would shrink a 200 dpi page to 2000 px and lose small type.
    # No dilation: it merges the close lines of a typewritten page (one of them is lost). No
    # angle classifier: a page renders upright, and it turns some upright lines over.
    return RapidOCR(max_side_len=6000, print_verbose=False, use_cls=False,
                    det_donot_use_dilation=True)


class OcrChar(NamedTuple):
    """One character the engine read, in PDF points (top-left origin, like the reader's)."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    baseline: float
    #: Whether a word gap parts this character from the one before it on its line.
    space_before: bool


@dataclass(frozen=True)
class OcrLine:
    """One text line the engine found: its text, box (PDF points) and confidence, and where
    along the line (x, PDF points) each character of ``text`` is centred."""

    text: str
    bbox: tuple[float, float, float, float]
    score: float
    centres: tuple[float, ...]


def render_page(page: Any, dpi: int) -> np.ndarray:
    """A PDFium page rendered to an RGB array at ``dpi``."""
    bitmap = page.render(scale=dpi / 72.0, grayscale=True)
    gray = bitmap.to_numpy()
    gray = gray[..., 0] if gray.ndim == 3 else gray
    return np.ascontiguousarray(np.stack([gray, gray, gray], axis=-1))


def image_to_lines(image: np.ndarray, scale: float, min_score: float,
                   origin: tuple[float, float] = (0.0, 0.0)) -> list[OcrLine]:
    """Text lines the engine reads on ``image``, boxes divided by ``scale`` (pixels per
    point) and moved by ``origin`` (where the image's top left is on the page, points);
    lines of a confidence below ``min_score`` and vertical lines are left out."""
    ox, oy = origin
    result, _ = _engine()(image, return_word_box=True)
    lines: list[OcrLine] = []
    for item in result or ():
        quad, text, score = item[0], str(item[1]), float(item[2])
        xs = [float(p[0]) for p in quad]
        ys = [float(p[1]) for p in quad]
        x0, x1, top, bottom = min(xs), max(xs), min(ys), max(ys)
        if score < min_score or not text.strip() or (bottom - top) > (x1 - x0):
            continue
        boxes = item[3] if len(item) > 3 else None
        chars = item[4] if len(item) > 4 else None
        centres: list[float]
        if boxes and chars and len(boxes) == len(chars) == len(text):
            centres = [(min(float(p[0]) for p in b) + max(float(p[0]) for p in b)) / 2
                       for b in boxes]
        else:  # no character positions: spread the text evenly over the box
            step = (x1 - x0) / len(text)
            centres = [x0 + (k + 0.5) * step for k in range(len(text))]
        lines.append(OcrLine(text, (ox + x0 / scale, oy + top / scale, ox + x1 / scale,
                                    oy + bottom / scale),
                             score, tuple(ox + c / scale for c in centres)))
    return lines


#: Confusions of the engine's models (trained on Chinese as well as Latin text) that are
#: certain in any Latin text: full-width punctuation, and ``_`` for a word gap.
_NORMALISE = str.maketrans({"_": " ", "。": ".", "～": "~", "˚": "°", "º": "°"})
#: How many times its expected width (the line's median, scaled by the two characters' widths)
#: a step between two character centres must be to be a word gap the engine did not write.
_WORD_GAP_PITCH = 1.45
#: Spread of a line's character steps (relative to their median) below which the line is
#: set in a monospaced (typewriter) face.
_MONO_SPREAD = 0.15
_NARROW = frozenset("iljtfrI.,:;'!|()[]-’`")
_WIDE = frozenset("mwMW%")


def _width(ch: str) -> float:
    """Rough advance of a character in em (Times-like), to tell wide letters from gaps."""
    if ch in _NARROW:
        return 0.33
    if ch in _WIDE:
        return 0.85
    return 0.65 if ch.isupper() else 0.5
#: Font size relative to the height of the engine's line box (the box holds ascenders and
#: descenders and a margin around them).
_SIZE_OF_BOX = 0.8
#: Line boxes whose height is within these ratios of the page's median are body text.
_SAME_SIZE = (0.75, 1.35)


def normalise_text(text: str) -> str:
    """The engine's text in the characters a text layer would give (same length)."""
    out = "".join(unicodedata.normalize("NFKC", ch) if len(unicodedata.normalize("NFKC", ch))
                  == 1 else ch for ch in text)
    return out.translate(_NORMALISE)


def line_to_chars(line: OcrLine, body_height: float | None = None) -> list[OcrChar]:
    """A line's characters with boxes (PDF points) and word gaps.

    The engine (trained largely on Chinese) often leaves out the spaces of Latin text
    (``activation energyof``); the character centres still show the gaps, so a step between
    two characters much wider than the line's usual pitch is a word gap.
    """
    text = normalise_text(line.text)
    x0, top, x1, bottom = line.bbox
    height = bottom - top
    if body_height is not None and _SAME_SIZE[0] < height / body_height < _SAME_SIZE[1]:
        # the box's height varies with the line's ascenders, descenders and scripts; the
        # reader parts paragraphs where the size changes
        height = body_height
    size = _SIZE_OF_BOX * height
    middle = (top + bottom) / 2
    baseline = middle + 0.25 * height
    # 90% of the box: lines a line pitch apart touch as a text layer's characters do (the
    # reader parts blocks at blank strips between lines)
    top, bottom = middle - 0.45 * height, middle + 0.45 * height
    index = [k for k, ch in enumerate(text) if not ch.isspace()]
    centres = [line.centres[k] for k in index]
    written = [n > 0 and index[n] - index[n - 1] > 1 for n in range(len(index))]
    raw = [centres[n] - centres[n - 1] for n in range(1, len(index)) if not written[n]]
    # a typewriter's glyphs all advance alike: its steps are even, whatever the letters
    mono = len(raw) >= 4 and statistics.pstdev(raw) < _MONO_SPREAD * statistics.median(raw)
    steps = [0.0] + [(centres[n] - centres[n - 1]) / (
        2.0 if mono else _width(text[index[n - 1]]) + _width(text[index[n]]))
        for n in range(1, len(index))]
    inside = [steps[n] for n in range(1, len(index)) if not written[n]]
    pitch = statistics.median(inside) if inside else float("inf")
    out: list[OcrChar] = []
    for n, k in enumerate(index):
        gap = n > 0 and (written[n] or steps[n] > _WORD_GAP_PITCH * pitch)
        left = x0 if n == 0 else (centres[n - 1] + centres[n]) / 2
        right = x1 if n == len(index) - 1 else (centres[n] + centres[n + 1]) / 2
        out.append(OcrChar(text[k], left, max(right, left + 0.1), top, bottom, size, baseline,
                           gap))
    return out


def read_page_image(page: Any, settings: OcrSettings) -> list[list[OcrChar]]:
    """The lines of a PDFium page read from its rendered image, as characters."""
    scale = settings.dpi / 72.0
    image = render_page(page, settings.dpi)
    lines = image_to_lines(image, scale, settings.min_score, _crop_origin(page))
    body = statistics.median(ln.bbox[3] - ln.bbox[1] for ln in lines) if lines else None
    return [chars for line in lines if (chars := line_to_chars(line, body))]


def _crop_origin(page: Any) -> tuple[float, float]:
    """Where the rendered crop box's top left lies in the reader's page coordinates (the
    media box's top left); none for a rotated page, whose reader coordinates are turned."""
    if page.get_rotation():
        return 0.0, 0.0
    mx0, _, _, my1 = page.get_mediabox()
    cx0, _, _, cy1 = page.get_cropbox()
    return float(cx0 - mx0), float(my1 - cy1)


# --------------------------------------------------------------------------- quality

_TOKEN = re.compile(r"\S+")
_LETTERS = re.compile(r"[^\W\d_]+")
_VOWELS = frozenset("aeiouyAEIOUY")
#: Single letters that are words on their own.
_ONE_LETTER_WORDS = frozenset("aAI")
#: Characters a word of running text does not hold inside it.
_JUNK = frozenset("~[]{}|\\^`@#<>¬¦")
#: A run of letters longer than this is words run together.
_LONGEST_WORD = 17


def _token_verdict(token: str) -> bool | None:
    """Whether a token reads as a word (True), as OCR garbage (False), or neither (None:
    numbers, formulas, symbols)."""
    core = token.strip(".,;:()[]\"'’“”!?")
    if not core:
        return None
    if any(ch in _JUNK for ch in core):
        return False
    runs = _LETTERS.findall(core)
    letters = sum(len(r) for r in runs)
    if letters == 0:
        return None
    if any(ch.isdigit() for ch in core) or sum(ch.isupper() for ch in core) > 1:
        return None  # a formula, a value, an acronym: no verdict
    if len(core) == 1:  # a capital alone may be a unit or a label (C, K, S); x a times sign
        if core in _ONE_LETTER_WORDS:
            return True
        return None if core.isupper() or core in "xX" else False
    if max(len(r) for r in runs) > _LONGEST_WORD:
        return False
    if letters < len(core) - core.count("-") - core.count("'") - core.count("’"):
        return False  # punctuation inside a word: "cr.l", "a,b"
    return any(ch in _VOWELS for ch in core)


def text_quality(text: str) -> float:
    """Share of a text's word-like tokens that read as words, 0 to 1 (1 for no verdict).

    A garbled OCR layer shows in its tokens: letter-spaced words give one-letter tokens
    (``c o n d u c t``), misread symbols give junk inside words (``cr.l[~o``), lost spaces give
    runs of letters longer than any word, and misreadings give words without a vowel.
    """
    verdicts = [v for v in (_token_verdict(t) for t in _TOKEN.findall(text)) if v is not None]
    return sum(verdicts) / len(verdicts) if verdicts else 1.0


# --------------------------------------------------------------------------- budget


class OcrBudget:
    """The engine's time and pages left for one document."""

    def __init__(self, settings: OcrSettings) -> None:
        self.settings = settings
        self.pages = settings.max_pages
        self.deadline = time.monotonic() + settings.budget_s

    def allows(self) -> bool:
        return self.settings.active and self.pages > 0 and time.monotonic() < self.deadline

    def spend_page(self) -> None:
        self.pages -= 1


def lines_text(lines: Sequence[Sequence[OcrChar]]) -> str:
    """The text of the engine's lines, spaces at word gaps (for scoring)."""
    return "\n".join("".join((" " if c.space_before else "") + c.text for c in line)
                     for line in lines)


__all__ = [
    "ENV_VARS",
    "OcrBudget",
    "OcrChar",
    "OcrLine",
    "OcrSettings",
    "engine_available",
    "image_to_lines",
    "line_to_chars",
    "lines_text",
    "normalise_text",
    "read_page_image",
    "render_page",
    "text_quality",
]
