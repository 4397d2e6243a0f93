"""The PDFium character source: the same pages, lines and records as pdfplumber's."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest

from bench.compare_readers import records_differ
from extractors.extraction import document_to_records
from extractors.fonts import GlyphMap
from extractors.glyphs import GlyphPage, GlyphResources
from extractors.guarded import ENV_VARS, ReadLimits
from extractors.layout import (
    LayoutSettings,
    page_to_chars,
    page_to_figures,
    page_to_layer_evidence,
    page_to_rules,
    read_document,
)
from extractors.mentions import load_nlp
from extractors.pdfium_fonts import PageFont, as_pdfminer_reads, code_texts_to_finals
from extractors.pdfium_source import (
    DEFAULT_PDFIUM_MIN_OBJECTS,
    PdfiumPage,
    count_objects,
    open_pdfium,
    page_source,
)
from pipelines.cli import main
from tests.conftest import REPLICAS, shared_path
from tests.pdfbuild import Page, sub, sup, write_pdf

#: Every page PDFium can read goes to PDFium (by default only figure-heavy pages do).
EVERY_PAGE = LayoutSettings(pdfium_min_objects=0)


def _both(path: Path) -> list[tuple[GlyphPage, PdfiumPage]]:
    """Each page read by pdfminer and by PDFium."""
    fast = open_pdfium(path)
    assert fast is not None
    with pdfplumber.open(path) as pdf:
        resources = GlyphResources()
        pages = []
        for plain in pdf.pages:
            slow = GlyphPage(plain, resources)
            source = page_source(slow, fast, min_objects=0)
            assert isinstance(source, PdfiumPage)
            pages.append((slow, source))
        return pages


def test_pdfium_source_chars_rules_and_baselines_as_pdfplumber(tmp_path: Path) -> None:
    page = (Page().text(72, 100, "Li", sub("7"), "P", sub("3"), "S", sub("11"), " gives 2 × 10",
                        sup("-6"), " S cm", sup("-1"), " at 25 °C")
            .rule(72, 130, 400).rule(72, 160, 400))
    [(slow, fast)] = _both(write_pdf(tmp_path / "p.pdf", [page]))
    (a, _), (b, _) = page_to_chars(slow), page_to_chars(fast)
    assert [c.text for c in a] == [c.text for c in b]
    for x, y in zip(a, b, strict=True):
        assert (x.font, round(x.size, 2)) == (y.font, round(y.size, 2))
        assert max(abs(p - q) for p, q in zip(x.box, y.box, strict=True)) < 0.05
        assert abs(x.baseline - y.baseline) < 0.05  # the rise (Ts) of scripts included
    assert page_to_rules(slow) == page_to_rules(fast)
    assert page_to_figures(slow) == page_to_figures(fast) == ()
    assert page_to_layer_evidence(slow) == page_to_layer_evidence(fast) == (0.0, 0)


def test_pdfium_source_same_text_as_pdfplumber(tmp_path: Path) -> None:
    page = Page().text(72, 100, "with a conductivity of 2 × 10", sup("-6"), " S cm", sup("-1"),
                       " at 25 ", sup("°", rise=4), "C for Zn", sup("2+"), " ions.")
    path = write_pdf(tmp_path / "sup.pdf", [page])
    fast = read_document(path, EVERY_PAGE, reader="pdfium")
    slow = read_document(path, reader="pdfplumber")
    assert fast.text == slow.text
    assert "2 × 10^-6 S cm^-1 at 25 °C for Zn^2+ ions." in fast.text


@pytest.mark.parametrize(("threshold", "source"), [("zero", PdfiumPage), ("count", PdfiumPage),
                                                   ("count+1", GlyphPage),
                                                   ("default", GlyphPage)])
def test_pdfium_source_only_pages_of_many_objects_by_default(
        tmp_path: Path, threshold: str, source: type) -> None:
    """A page goes to PDFium only when it holds at least the threshold's objects (texts,
    rules); an ordinary page stays with pdfminer by default, which reads it as fast."""
    page = Page().text(72, 100, "Li3PS4 gives 2 S cm", sup("-1")).rule(72, 130, 400) \
        .rule(72, 160, 400)
    path = write_pdf(tmp_path / "p.pdf", [page])
    fast = open_pdfium(path)
    assert fast is not None
    try:
        with pdfplumber.open(path) as pdf:
            plain = GlyphPage(pdf.pages[0], GlyphResources())
            n = count_objects(fast, 0, 100)
            assert 3 <= n < 100
            assert count_objects(fast, 0, 2) == 2  # counting stops at the limit
            min_objects = {"zero": 0, "count": n, "count+1": n + 1,
                           "default": DEFAULT_PDFIUM_MIN_OBJECTS}[threshold]
            assert isinstance(page_source(plain, fast, min_objects), source)
    finally:
        fast.close()


def test_pdfium_source_unknown_reader_refused(tmp_path: Path) -> None:
    path = write_pdf(tmp_path / "p.pdf", [Page().text(72, 100, "text")])
    with pytest.raises(ValueError, match="reader must be one of"):
        read_document(path, reader="pymupdf")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="reader must be one of"):
        ReadLimits(reader="pymupdf")  # type: ignore[arg-type]


def test_pdfium_source_reader_from_env_then_flag() -> None:
    assert ReadLimits.from_env({}).reader == "pdfium"
    assert ReadLimits.from_env({ENV_VARS["reader"]: "pdfplumber"}).reader == "pdfplumber"
    assert ReadLimits.from_env({ENV_VARS["reader"]: "pdfplumber"}, reader="pdfium").reader == (
        "pdfium")
    with pytest.raises(ValueError, match="IONLIT_READER='pymupdf' is not one of"):
        ReadLimits.from_env({ENV_VARS["reader"]: "pymupdf"})


@pytest.mark.parametrize("reader", ["pdfium", "pdfplumber"])
def test_pdfium_source_cli_reader_flag(tmp_path: Path, reader: str,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    path = write_pdf(tmp_path / "p.pdf", [Page().text(72, 100, "Li", sub("3"), "PS",
                                                      sub("4"), " conducts.")])
    assert main(["text", str(path), "--reader", reader]) == 0
    assert "Li3PS4 conducts." in capsys.readouterr().out


@pytest.fixture(scope="module")
def nlp():
    return load_nlp()


#: PDFs whose records both readers must give alike in the suite: the review replicas, a
#: paper PDFium reads most pages of and one of ruled tables. Every PDF of ../shared/corpus is
#: compared by ``bench/compare_readers.py`` (pdfplumber alone needs ~2 min for them all, the
#: Mg-spinel paper ~50 s of it: too slow for the suite).
SHARED_SUBSET = ["real/halide-li3mcl6-park-acsami-2020.pdf",
                 "real/llzo-garnet-surfaces-canepa-chemmater-2018.pdf",
                 "general/otsl-table-page-arxiv-2305.03393-pg9.pdf"]


@pytest.mark.parametrize("pdf", [*(p.name for p in REPLICAS), *SHARED_SUBSET])
def test_pdfium_source_same_records_as_pdfplumber(pdf: str, nlp) -> None:
    """Records (page, material, values, temperature, kind, source; boxes within 1 pt) are
    the same whichever reader read the PDF."""
    path = next((p for p in REPLICAS if p.name == pdf), None) or shared_path("corpus", pdf)
    fast = document_to_records(read_document(path, EVERY_PAGE, reader="pdfium"), nlp)[0]
    slow = document_to_records(read_document(path, reader="pdfplumber"), nlp)[0]
    assert records_differ(slow, fast) == []


# --------------------------------------------------------------------------- inferred codes


def _font(texts: dict[int, tuple[str, str, float]], widths: bool = True,
          forced: bool = False) -> PageFont:
    glyphs = GlyphMap("F", forced={0: "x"} if forced else {})
    return PageFont("ABCDEF+F", -0.2, glyphs, code_texts_to_finals(texts), widths)


def _char(text: str, x1: float = 15.0) -> dict[str, object]:
    return {"text": text, "fontname": "F", "size": 10.0, "x0": 10.0, "x1": x1, "y0": 98.0,
            "y1": 108.0, "top": 692.0, "bottom": 702.0, "upright": True,
            "matrix": (10.0, 0.0, 0.0, 10.0, 10.0, 100.0)}


def test_pdfium_source_code_inferred_from_text_takes_recovered_text() -> None:
    """Elsevier's MathematicalPi draws × on the code that reads "3": PDFium's "3" is × too."""
    font = _font({51: ("3", "×", 0.5), 52: ("4", "4", 0.5)}, forced=True)
    chars = [_char("3")]
    assert as_pdfminer_reads(chars, {"F": [font]})
    assert chars[0]["text"] == "×"
    assert chars[0]["fontname"] == "ABCDEF+F"
    assert chars[0]["x1"] == 15.0 and chars[0]["bottom"] == 702.0


def test_pdfium_source_codes_that_recover_differently_go_to_pdfminer() -> None:
    """Wiley's fonts draw × on a code that reads "6" beside a real "6": the width tells them
    apart, and where it cannot the page is read by pdfminer."""
    font = _font({54: ("6", "6", 0.5), 200: ("6", "×", 0.6)}, forced=True)
    wide = [_char("6", x1=16.0)]
    assert as_pdfminer_reads(wide, {"F": [font]}) and wide[0]["text"] == "×"
    same = _font({54: ("6", "6", 0.5), 200: ("6", "×", 0.5)}, forced=True)
    assert not as_pdfminer_reads([_char("6")], {"F": [same]})


def test_pdfium_source_unmapped_code_number_only_without_exact_text() -> None:
    finals = code_texts_to_finals({183: ("·", "·", 0.3), 226: ("(cid:226)", "·", 0.3),
                                   65: ("(cid:65)", "α", 0.5)})
    assert finals["·"] == {("·", 0.3)}
    assert finals["A"] == {("α", 0.5)}  # PDFium gives an unmapped code's number as its text


def test_pdfium_source_renamed_font_goes_to_pdfminer_beside_recovering_fonts() -> None:
    font = _font({51: ("3", "×", 0.5)}, forced=True)
    assert not as_pdfminer_reads([{**_char("a"), "fontname": "Times-Italic"}], {"F": [font]})
