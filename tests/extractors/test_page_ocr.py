"""Pages read by the OCR engine: page layer choice, characters from OCR lines, quality."""

from __future__ import annotations

import itertools
import os
from pathlib import Path

import pytest

from extractors.layout import LayoutSettings, RawPage, _Char, page_to_text_layer
from extractors.page_layers import choose_page_layers, needs_reading, page_quality
from extractors.page_ocr import (
    OcrChar,
    OcrLine,
    OcrSettings,
    engine_available,
    line_to_chars,
    lines_text,
    normalise_text,
    text_quality,
)

needs_engine = pytest.mark.skipif(not engine_available(), reason="rapidocr_onnxruntime absent")


# --------------------------------------------------------------------------- quality


def test_page_ocr_quality_tells_garbled_from_clean_text() -> None:
    clean = "The conductivity of the sample prepared at 1050 C is a little more than half."
    assert text_quality(clean) == 1.0
    spaced = "c o n d u c t i v i t y of r o u g h l y 2 x 10 -I (ohm cm) -1"
    junk = "energy of 0.30 eV, wit cr.l[~o=4.5XICI- and tbe vaiues wcrc fnd"
    runs = "temperaturedependentwithanharmoniccontributionsat high temperature"
    for bad in (spaced, junk, runs):
        assert text_quality(bad) < 0.8, bad


def test_page_ocr_quality_has_no_verdict_on_numbers_and_formulas() -> None:
    assert text_quality("Na3Zr2Si2PO12 1.9 x 10-1 (ohm-cm)-1 300") == 1.0


# --------------------------------------------------------------------------- OCR lines


def _line(text: str, centres: list[float], box=(100.0, 200.0, 300.0, 212.0)) -> OcrLine:
    return OcrLine(text, box, 0.95, tuple(centres))


def test_page_ocr_word_gaps_the_engine_did_not_write_become_spaces() -> None:
    # "activation energyof": the engine wrote no space between "energy" and "of", but the
    # step between their centres is twice the line's pitch
    text = "energyof"
    centres = [100.0 + 5 * k for k in range(6)] + [137.0, 142.0]
    chars = line_to_chars(_line(text, centres))
    assert "".join((" " if c.space_before else "") + c.text for c in chars) == "energy of"


def test_page_ocr_letter_spaced_typewriter_line_is_one_line_of_words() -> None:
    """A typewriter line set with wide, even pitch reads as words, not one word a column."""
    text = "conductivityofroughly"  # the engine wrote no spaces; a blank pitch parts words
    centres = [100.0 + 6.0 * (k + (k >= 12) + (k >= 14)) for k in range(len(text))]
    chars = line_to_chars(_line(text, centres, (97.0, 200.0, centres[-1] + 3, 212.0)))
    # even steps: no narrow letter (i, t, l) between wide ones reads as a word gap
    assert lines_text([chars]) == "conductivity of roughly"
    # characters abut: no gap the reader could take for a column
    assert all(abs(b.x0 - a.x1) < 1e-6 for a, b in itertools.pairwise(chars))


def test_page_ocr_boxes_are_in_points_and_keep_the_line() -> None:
    chars = line_to_chars(_line("ab", [110.0, 290.0]))
    assert chars[0].x0 == 100.0 and chars[-1].x1 == 300.0
    assert all(c.top < c.baseline < c.bottom for c in chars)


def test_page_ocr_normalises_full_width_punctuation_one_for_one() -> None:
    assert normalise_text("Kohler，H.（4)_of") == "Kohler,H.(4) of"


def test_page_ocr_settings_from_env() -> None:
    assert OcrSettings.from_env({"IONLIT_OCR": "off"}).enabled is False
    assert OcrSettings.from_env({"IONLIT_OCR": "off"}).active is False
    assert OcrSettings.from_env({"IONLIT_OCR_DPI": "150"}).dpi == 150
    with pytest.raises(ValueError, match="IONLIT_OCR_BUDGET_S"):
        OcrSettings.from_env({"IONLIT_OCR_BUDGET_S": "soon"})


# --------------------------------------------------------------------------- page choice


def _chars(words: list[list[str]], font: str, pitch: float = 5.0, word_gap: float = 5.0,
           top: float = 100.0) -> tuple[_Char, ...]:
    """Lines of ``words`` as text layer characters, ``word_gap`` between words."""
    out = []
    for n, line in enumerate(words):
        x, y = 50.0, top + 12.0 * n
        for word in line:
            for ch in word:
                out.append(_Char(ch, x, x + pitch - 0.5, y, y + 9.0, 9.0, y + 7.5, font))
                x += pitch
            x += word_gap
    return tuple(out)


_WORDS = [["the", "conductivity", "of", "the", "sample", "is", "high"],
          ["and", "it", "rises", "with", "temperature", "as", "expected"]]


def _reading(page: object, ocr: OcrSettings) -> list[list[OcrChar]]:
    """A stand-in for the engine: it reads the running text of ``_WORDS``."""
    lines = []
    for n, words in enumerate(_WORDS):
        text = " ".join(words)
        top = 100.0 + 12.0 * n
        centres = [50.0 + 5.0 * k for k in range(len(text))]
        lines.append(line_to_chars(OcrLine(text, (48.0, top, 50.0 + 5.0 * len(text), top + 11),
                                           0.9, tuple(centres))))
    return lines


def _page(chars: tuple[_Char, ...], image_share: float, invisible: int = 0) -> RawPage:
    return RawPage(1, 600.0, 800.0, chars, (), (), image_share, invisible)


def test_page_layers_scan_without_text_is_read_by_the_engine(tmp_path: Path) -> None:
    from tests.pdfbuild import Page, write_pdf

    path = write_pdf(tmp_path / "scan.pdf", [Page()])
    [page] = choose_page_layers(path, [_page((), 1.0)], LayoutSettings(), OcrSettings(),
                                read=_reading)
    assert page.ocr_engine and page_to_text_layer(page) == "ocr"
    assert "".join(c.text for c in page.chars).startswith("theconductivity")


def test_page_layers_typewriter_layer_split_word_by_word_is_read_again(tmp_path: Path) -> None:
    """A typewriter OCR layer whose word gaps (over the reader's fragment gap) part every
    word into a line of its own reads worse than the engine's lines: the engine's win."""
    from tests.pdfbuild import Page, write_pdf

    path = write_pdf(tmp_path / "scan.pdf", [Page()])
    layer = _page(_chars(_WORDS, "Courier", word_gap=9.0), 1.0, invisible=80)
    assert page_to_text_layer(layer) == "ocr"
    assert needs_reading(layer, LayoutSettings(), OcrSettings())
    [page] = choose_page_layers(path, [layer], LayoutSettings(), OcrSettings(), read=_reading)
    assert page.ocr_engine


def test_page_layers_good_layers_and_born_digital_pages_are_kept(tmp_path: Path) -> None:
    from tests.pdfbuild import Page, write_pdf

    path = write_pdf(tmp_path / "scan.pdf", [Page()])
    ocr_layer = _page(_chars(_WORDS, "Courier", word_gap=1.0), 1.0, invisible=80)
    digital = _page(_chars([["cr.l[~o", "wcrc", "c", "o", "n", "d"]] * 3, "ABCDEF+Times"), 0.0)
    assert page_quality(ocr_layer, LayoutSettings()) > 0.9
    calls: list[object] = []

    def spy(page: object, ocr: OcrSettings) -> list[list[OcrChar]]:
        calls.append(page)
        return _reading(page, ocr)

    out = choose_page_layers(path, [ocr_layer, digital], LayoutSettings(), OcrSettings(),
                             read=spy)
    assert not calls and out == [ocr_layer, digital]


def test_page_layers_switched_off_reads_nothing(tmp_path: Path) -> None:
    from tests.pdfbuild import Page, write_pdf

    path = write_pdf(tmp_path / "scan.pdf", [Page()])
    scan = _page((), 1.0)
    for off in (OcrSettings(enabled=False), OcrSettings(max_pages=0), OcrSettings(budget_s=0)):
        assert choose_page_layers(path, [scan], LayoutSettings(), off, read=_reading) == [scan]


def test_page_layers_engine_failure_keeps_the_page(tmp_path: Path) -> None:
    from tests.pdfbuild import Page, write_pdf

    def broken(page: object, ocr: OcrSettings) -> list[list[OcrChar]]:
        raise RuntimeError("onnxruntime: bad model")

    path = write_pdf(tmp_path / "scan.pdf", [Page()])
    scan = _page((), 1.0)
    assert choose_page_layers(path, [scan], LayoutSettings(), OcrSettings(),
                              read=broken) == [scan]


# --------------------------------------------------------------------------- the engine


def _scan_pdf(path: Path, lines: list[str]) -> Path:
    """An image-only PDF (no text layer): ``lines`` drawn with Pillow at 200 dpi."""
    import matplotlib
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("L", (1100, 160 + 60 * len(lines)), 255)
    draw = ImageDraw.Draw(image)
    serif = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSerif.ttf"
    font = ImageFont.truetype(str(serif), 30)
    for n, text in enumerate(lines):
        draw.text((80, 80 + 60 * n), text, fill=0, font=font)
    image.save(path, "PDF", resolution=200.0)
    return path


@needs_engine
def test_page_ocr_image_only_pdf_is_read_with_provenance(tmp_path: Path) -> None:
    from extractors.layout import read_document

    path = _scan_pdf(tmp_path / "scan.pdf", ["The conductivity of the sample",
                                             "is 3.5 x 10-4 S/cm at 300 C."])
    doc = read_document(path, ocr=OcrSettings())
    assert doc.text_layer == "ocr" and doc.ocr_pages == (1,)
    text = " ".join(b.text for b in doc.blocks)
    assert "conductivity of the sample" in text and "10-4" in text
    block = next(b for b in doc.blocks if "3.5" in b.text)
    start = block.text.index("3.5")
    page, box = block.locate(start, start + 3)
    # the second line starts at 80 px + 60 px down at 200 dpi: 28.8 pt in, ~50 pt down
    assert page == 1 and 20 < box[0] < 40 and 40 < box[1] < 70
    from extractors.extraction import document_to_row

    row = document_to_row(path, doc, 0)
    assert (row["text_layer"], row["text_source"], row["ocr_pages"]) == ("ocr", "ocr_engine",
                                                                          "1")


@needs_engine
def test_page_ocr_image_only_scan_of_the_bad_corpus_is_read() -> None:
    from extractors.layout import read_document
    from tests.conftest import shared_path

    doc = read_document(shared_path("corpus", "bad", "docling-ocr-test-scanned-image-only.pdf"),
                        ocr=OcrSettings())
    assert doc.text_source == "ocr_engine"
    assert "Docling bundles PDF document conversion to JSON and Markdown" in doc.text


def test_page_ocr_switched_off_leaves_a_scan_unread(tmp_path: Path) -> None:
    from extractors.errors import NoTextLayerError
    from extractors.layout import read_document

    path = _scan_pdf(tmp_path / "scan.pdf", ["The conductivity"])
    with pytest.raises(NoTextLayerError, match="switched off"):
        read_document(path, ocr=OcrSettings(enabled=False))


@pytest.mark.parametrize(("ocr_pages", "source"), [
    ((), "text_layer"), ((1, 2), "ocr_engine"), ((2,), "mixed"),
])
def test_page_ocr_document_says_which_text_its_pages_were_read_from(
        ocr_pages: tuple[int, ...], source: str) -> None:
    from extractors.document import Document, Line, PageLayout

    def page(n: int) -> PageLayout:
        line = Line(n, "ab", ((0, 0, 5, 9), (5, 0, 10, 9)), 9.0, "Times", 8.0)
        return PageLayout(n, 600.0, 800.0, (line,), (), 9.0)

    blank = PageLayout(3, 600.0, 800.0, (), (), 9.0)  # a page without text counts for neither
    doc = Document("a" * 64, "x.pdf", (page(1), page(2), blank), (), ocr_pages=ocr_pages)
    assert doc.text_source == source


@needs_engine
@pytest.mark.shared
@pytest.mark.skipif(not os.environ.get("IONLIT_SLOW_TESTS"),
                    reason="the engine reads 4 pages (a minute or more); set IONLIT_SLOW_TESTS=1")
def test_page_ocr_typewriter_scan_gives_its_value() -> None:
    """A typewriter scan whose OCR layer parts every word into a column of its own: the engine's
    reading gives the cited value with its unit and temperature (issue 16, class 6)."""
    from extractors.extraction import document_to_records
    from extractors.layout import read_document
    from extractors.mentions import load_nlp
    from tests.conftest import shared_path

    doc = read_document(shared_path("corpus", "real", "nasicon-kohler-1983a.pdf"),
                        ocr=OcrSettings())
    assert doc.text_source == "ocr_engine"
    records, _ = document_to_records(doc, load_nlp())
    [record] = records.to_dict("records")
    assert (record["sigma_S_per_cm"], record["temperature_K"]) == (0.2, 573.15)
