"""Glyph recovery from the font's own data: names, encodings, the symbol-font table, real papers."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pdfplumber
import pytest
from pdfminer.layout import LTChar, LTContainer, LTCurve, LTItem
from pdfminer.pdffont import PDFType1Font
from pdfminer.pdfinterp import PDFResourceManager
from pdfminer.pdftypes import PDFStream
from pdfminer.psparser import LIT

from extractors.document import Document
from extractors.fonts import (
    SymbolFontTable,
    code_name_encoding,
    font_family,
    font_to_glyph_map,
    glyph_name_to_text,
    is_unmapped,
    load_symbol_fonts,
    spec_to_encoding,
    table_family,
    type1_to_names,
)
from extractors.glyphs import GlyphPage, GlyphResources, glyph_width
from extractors.layout import read_document
from tests.conftest import SEEDS, load_document, shared_path
from tests.extractors.fontprogram import (
    DEGREE,
    LETTER_I,
    MIDDLE_DOT,
    MINUS,
    PLUS,
    TIMES,
    cff_program,
)
from tests.pdfbuild import Codes, Page, sub, sup, write_pdf

#: A test family that reuses codes the way Advent's and Mathematical Pi's fonts do.
TABLE = SymbolFontTable(by_glyph={"TestPi": {"C0": "\u2212", "Thorn": ")"}},
                        by_code={"TestPi": {51: "\u00d7"}})


def differences(*items: int | str) -> dict[str, object]:
    return {"Type": LIT("Font"), "Subtype": LIT("Type1"),
            "Encoding": {"Differences": [i if isinstance(i, int) else LIT(i) for i in items]}}


# --------------------------------------------------------------------------- names


@pytest.mark.parametrize(("name", "text"), [
    ("minus", "\u2212"), ("multiply", "\u00d7"), ("degree", "\u00b0"), ("sigma", "\u03c3"),
    ("plusminus", "\u00b1"), ("uni2212", "\u2212"), ("Delta1", "\u0394"), ("betatwo", "\u03b2"),
    ("prime", "\u2032"),
])
def test_fonts_glyph_name_to_text(name: str, text: str) -> None:
    assert glyph_name_to_text(name) == text


@pytest.mark.parametrize("name", ["C0", "g118", "uniE104", ".notdef", "C300"])
def test_fonts_glyph_name_without_meaning_gives_none(name: str) -> None:
    assert glyph_name_to_text(name) is None


@pytest.mark.parametrize(("name", "encoding", "text"), [
    ("C97", "StandardEncoding", "a"), ("c79", "StandardEncoding", "O"),
    ("C177", "StandardEncoding", "\u2013"), ("C186", "StandardEncoding", "\u201d"),
    ("C179", "Symbol", "\u2265"), ("C187", "Symbol", "\u2248"), ("C115", "Symbol", "\u03c3"),
])
def test_fonts_code_names_read_through_the_fonts_layout(name: str, encoding: str,
                                                        text: str) -> None:
    """Advent/3B2 names each glyph ``C<n>``: n is its code in StandardEncoding (text fonts)
    or in the Symbol font's own layout."""
    assert glyph_name_to_text(name, encoding) == text


def test_fonts_code_name_encodings_list_the_symbol_layout() -> None:
    assert code_name_encoding("AdvPS_SY") == "Symbol"
    assert code_name_encoding("AdvPS_TTR") == "StandardEncoding"


@pytest.mark.parametrize(("basefont", "family"), [
    ("EPLIOG+MathematicalPi-One", "MathematicalPi-One"), ("AdvP4C4E74", "AdvP4C4E74"),
    ("JJBJAG+AdvOT999035f4+e1", "AdvOT999035f4+e1"),
])
def test_fonts_family_drops_subset_prefix_only(basefont: str, family: str) -> None:
    assert font_family(basefont) == family


@pytest.mark.parametrize(("family", "listed"), [
    ("TestPi", "TestPi"), ("TestPi3", "TestPi"), ("TestPi-One", "TestPi-One"), ("Other2", "Other2"),
])
def test_fonts_table_family_reads_numbered_duplicates(family: str, listed: str) -> None:
    assert table_family(family, TABLE) == listed


@pytest.mark.parametrize(("text", "unmapped"), [
    ("(cid:3)", True), ("\ufffd", True), ("\t", True), ("\ue104", True), ("", True),
    ("\u2212", False), ("s", False), ("ff", False),
])
def test_fonts_is_unmapped(text: str, unmapped: bool) -> None:
    assert is_unmapped(text) is unmapped


# --------------------------------------------------------------------------- glyph maps


def test_fonts_differences_fill_unmapped_codes() -> None:
    glyphs = font_to_glyph_map("XYZABC+SomeMath", differences(1, "minus", "multiply", "g118"),
                               frozenset(), table=TABLE)
    assert glyphs.text(1, "(cid:1)") == "\u2212"
    assert glyphs.text(2, "\ufffd") == "\u00d7"
    assert glyphs.text(3, "(cid:3)") == "(cid:3)"  # a name that says nothing stays unmapped
    assert glyphs.text(1, "-") == "-"  # what the text layer reads stays


def test_fonts_code_names_replace_the_base_encodings_text() -> None:
    """pdfminer keeps the base encoding's text for a /Differences name it cannot read: code
    34 named C105 read as '"', code 4 named C97 as (cid:4)."""
    glyphs = font_to_glyph_map("AdvPS_TTR", differences(4, "C97", 34, "C105"), frozenset(),
                               table=TABLE)
    assert glyphs.text(34, '"') == "i"
    assert glyphs.text(4, "(cid:4)") == "a"
    tounicode = font_to_glyph_map("AdvPS_TTR", differences(34, "C105"), frozenset({34}),
                                  table=TABLE)
    assert tounicode.text(34, "j") == "j"  # a ToUnicode map says what the code is


def _embedded(encoding: object, program: bytes, flags: int = 4) -> dict[str, object]:
    return {"Type": LIT("Font"), "Subtype": LIT("Type1"), "Encoding": encoding,
            "FontDescriptor": {"Flags": flags, "FontFile3": PDFStream(
                {"Subtype": LIT("Type1C")}, program)}}


def test_fonts_outline_gives_the_symbol_a_code_name_hides() -> None:
    """A symbol font's C50 is no "2" of StandardEncoding when its outline is a bar."""
    program = cff_program({"C50": MINUS, "C54": TIMES, "C179": DEGREE, "C122": PLUS,
                           "C65": LETTER_I}, {50: "C50", 54: "C54", 179: "C179", 122: "C122",
                                              65: "C65"})
    glyphs = font_to_glyph_map("ABCDEF+AdvP7DA6", _embedded({"Differences": []}, program),
                               frozenset(), table=TABLE)
    assert [glyphs.text(code, text) for code, text in
            ((50, "2"), (54, "6"), (179, "\u2021"), (122, "z"), (65, "A"))] == [
        "\u2212", "\u00d7", "\u00b0", "+", "A"]


def test_fonts_outline_wins_over_a_wrong_tounicode() -> None:
    """Typesetters fill a symbol font's ToUnicode with the letter of its glyph name: a
    middle dot named and mapped "I", a degree named "hyphen"; a real I stays I."""
    program = cff_program({"I": MIDDLE_DOT, "hyphen": DEGREE, "J": LETTER_I})
    glyphs = font_to_glyph_map("AdvP0004", _embedded({"Differences": [
        1, LIT("hyphen"), LIT("I"), LIT("J")]}, program), frozenset({1, 2, 3}), table=TABLE)
    assert glyphs.text(2, "I") == "\u00b7"
    assert glyphs.text(1, "-") == "\u00b0"
    assert glyphs.text(3, "I") == "I"


def test_fonts_table_glyph_rows_win_over_tounicode() -> None:
    glyphs = font_to_glyph_map("ABCDEF+TestPi", differences(3, "C0", 222, "Thorn"),
                               frozenset({3, 222}), table=TABLE)
    assert glyphs.text(3, "(cid:3)") == "\u2212"
    assert glyphs.text(222, "\u00de") == ")"


def test_fonts_table_code_rows_need_the_fonts_own_layout() -> None:
    plain = {"Type": LIT("Font"), "Subtype": LIT("Type1")}
    assert font_to_glyph_map("TestPi", plain, frozenset(), table=TABLE).text(51, "3") == "\u00d7"
    # a ToUnicode entry or a Differences entry re-encodes the code: the row no longer applies
    assert font_to_glyph_map("TestPi", plain, frozenset({51}), table=TABLE).text(51, "3") == "3"
    renamed = font_to_glyph_map("TestPi", differences(51, "three"), frozenset(), table=TABLE)
    assert renamed.text(51, "3") == "3"


def test_fonts_builtin_encoding_of_a_symbolic_program_is_read() -> None:
    program = b"%!FontType1\n/Encoding 256 array\ndup 51 /multiply put\ndup 50 /minus put\n"
    spec = {"Type": LIT("Font"), "Subtype": LIT("Type1"), "Encoding": {"Differences": []},
            "FontDescriptor": {"Flags": 4,
                               "FontFile": PDFStream({"Length1": len(program)}, program)}}
    encoding = spec_to_encoding(spec)
    assert encoding.names[51] == "multiply" and 51 in encoding.builtin
    glyphs = font_to_glyph_map("SymbolicPi", spec, frozenset(), table=TABLE)
    assert glyphs.text(51, "3") == "\u00d7"  # pdfminer read code 51 with StandardEncoding
    assert glyphs.text(65, "A") == "A"


def test_fonts_type1_cleartext_names() -> None:
    assert type1_to_names(b"dup 176 /degree put dup 45 /minus put", None) == {
        176: "degree", 45: "minus"}


def test_fonts_symbol_table_loads_with_verified_rows() -> None:
    table = load_symbol_fonts()
    assert table.by_glyph["AdvP4C4E74"]["C0"] == "\u2212"
    assert table.by_code["MathematicalPi-One"][51] == "\u00d7"
    assert all(chars for rows in table.by_glyph.values() for chars in rows.values())


def test_fonts_symbol_table_rejects_row_without_key(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("family,glyph,code,char,unicode_name,verified_in\nX,,,a,,\n", encoding="utf-8")
    with pytest.raises(ValueError, match="needs a glyph or a code"):
        load_symbol_fonts(path)


def test_fonts_recovered_glyph_keeps_its_width() -> None:
    """pdfminer keys the standard 14 fonts' widths by character: Symbol's degree, unmapped
    as (cid:176), had width 0 and pulled the following text onto it."""
    symbol = PDFType1Font(PDFResourceManager(), {"Type": LIT("Font"), "BaseFont": LIT("Symbol")})
    assert symbol.char_width(176) == 0
    assert glyph_width(symbol, 176, "\u00b0") == pytest.approx(0.4)


# --------------------------------------------------------------------------- built PDFs

ADVENT = ("<< /Type /Font /Subtype /Type1 /BaseFont /ABCDEF+AdvP4C4E74 /FirstChar 1 "
          "/LastChar 3 /Widths [600 600 400] "
          "/Encoding << /Type /Encoding /Differences [1 /C2 /C0 /C14] >> >>")
MATHPI = ("<< /Type /Font /Subtype /Type1 /BaseFont /EPLIOG+MathematicalPi-One /FirstChar 49 "
          "/LastChar 56 /Widths [600 600 600 600 600 600 600 400] >>")
UNKNOWN = ("<< /Type /Font /Subtype /Type1 /BaseFont /NoSuchSymbols /FirstChar 1 /LastChar 1 "
           "/Widths [600] /Encoding << /Type /Encoding /Differences [1 /g118] >> >>")


def test_fonts_reader_recovers_symbol_font_codes(tmp_path: Path) -> None:
    minus, pi_minus = Codes("F9", b"\x02", 7, 3.5), Codes("F8", b"2", 7, 3.5)
    page = Page().text(72, 100, "a conductivity of 2 ", Codes("F9", b"\x01"), " 10", minus,
                       sup("3"), " S cm", minus, sup("1"), " at 25 ", Codes("F9", b"\x03"), "C.")
    page.text(72, 130, "and 7 ", Codes("F8", b"3"), " 10", pi_minus, sup("5"), " S cm", pi_minus,
              sup("1"), " at 400 ", Codes("F8", b"8"), "C.")
    doc = read_document(write_pdf(tmp_path / "symbols.pdf", [page],
                                  extra_fonts={"F9": ADVENT, "F8": MATHPI}))
    assert "2 \u00d7 10^-3 S cm^-1 at 25 \u00b0C." in doc.text
    assert "7 \u00d7 10^-5 S cm^-1 at 400 \u00b0C." in doc.text
    assert doc.unmapped_share == 0.0


def test_fonts_reader_reads_symbols_from_the_embedded_outlines(tmp_path: Path) -> None:
    """A symbol font (no ToUnicode) naming its glyphs C<n>: the minus reads "2" through
    StandardEncoding, × "6", ° "‡"; the outlines say what they are."""
    program = cff_program({"C54": TIMES, "C50": MINUS, "C179": DEGREE})
    font = ("<< /Type /Font /Subtype /Type1 /BaseFont /ABCDEF+AdvP7DA6 /FirstChar 1 "
            "/LastChar 3 /Widths [600 600 400] /Encoding << /Type /Encoding /Differences "
            "[1 /C54 /C50 /C179] >> /FontDescriptor << /Type /FontDescriptor /FontName "
            "/ABCDEF+AdvP7DA6 /Flags 4 /FontBBox [0 -200 1000 900] /ItalicAngle 0 /Ascent 900 "
            "/Descent -200 /CapHeight 700 /StemV 80 /FontFile3 @program >> >>")
    minus = Codes("F9", b"\x02", 7, 3.5)
    page = Page().text(72, 100, "a conductivity of 4.0 ", Codes("F9", b"\x01"), " 10", minus,
                       sup("5"), " S cm", minus, sup("1"), " at 25 ", Codes("F9", b"\x03"), "C.")
    doc = read_document(write_pdf(tmp_path / "outlines.pdf", [page], extra_fonts={"F9": font},
                                  streams={"program": ("/Subtype /Type1C", program)}))
    assert "4.0 \u00d7 10^-5 S cm^-1 at 25 \u00b0C." in doc.text


GREEKISH = ("<< /Type /Font /Subtype /Type1 /BaseFont /GreekMixed /FirstChar 1 /LastChar 2 "
            "/Widths [600 700] /Encoding << /Type /Encoding /Differences "
            "[1 /uni039D /uni2126] >> >>")


def test_fonts_reader_text_is_searchable(tmp_path: Path) -> None:
    """Greek Nu drawn for the N of a formula reads N, an OHM SIGN reads Greek Omega (as NFC
    makes it); a Greek word and a control character stay out of the Latin text."""
    nu, ohm = Codes("F6", b"\x01"), Codes("F6", b"\x02")
    page = Page().text(72, 100, "the series ", nu, "a", sub("1+x"), "Zr", sub("2"),
                       " has R = 12 k", ohm, " and ", nu, " alone.")
    doc = read_document(write_pdf(tmp_path / "greek.pdf", [page],
                                  extra_fonts={"F6": GREEKISH}))
    assert "the series Na1+xZr2 has R = 12 k\u03a9 and \u039d alone." in doc.text


def test_fonts_unmapped_share_counts_what_stays_lost(tmp_path: Path) -> None:
    page = Page().text(72, 100, "ninety nine letters ", Codes("F7", b"\x01"))
    doc = read_document(write_pdf(tmp_path / "lost.pdf", [page], extra_fonts={"F7": UNKNOWN}))
    assert doc.unmapped_share == pytest.approx(1 / 18)


# --------------------------------------------------------------------------- real papers


@pytest.fixture(scope="module")
def real() -> dict[str, Document]:
    return {}


def real_doc(cache: dict[str, Document], name: str) -> Document:
    if name not in cache:
        cache[name] = load_document(shared_path("corpus", "real", f"{name}.pdf"))
    return cache[name]


@pytest.mark.parametrize(("name", "expected"), [
    # Elsevier 2000, MathematicalPi-One: × on the code of 3, minus on 2
    ("latp-li-al-ti-po4-best-ssi-2000", r"between 2 × 10\^-3 and 3 × 10\^-3 S cm\^-1"),
    ("latp-li-al-ti-po4-best-ssi-2000", r"7 × 10\^-5 S cm\^-1"),
    # RSC, AdvP4C4E74: × C2, minus C0, ° C14
    ("li7p3s11-glass-ceramic-seino-ees-2014", r"1\.7 × 10\^-2 S cm\^-1"),
    ("li7p3s11-glass-ceramic-seino-ees-2014", r"at −35 °C"),
    # Wiley 2007: × is C148 of the text font (ToUnicode says 6), minus C0, ° is AdvPi1's 8
    ("llzo-garnet-murugan-angew-2007", r"3 × 10\^-4 ?S ?cm\^-1 at 25 ?°C"),
    # Elsevier 2008: × C2, minus C0, ° AdvPi1, σ AdvP4A5FDB's s
    ("garnet-li5la3sb2o12-murugan-matresbull-2008", r"8\.2 × 10\^-6 S cm\^-1"),
    # ACS 2004: × is MTSY's multiply, = is ChemBats2's parenright, ° the Symbol font's 176
    ("li7mo6-hexaoxometalates-muhle-inorgchem-2004", r"\(M = Nb, Ta, Sb, Bi\)"),
    ("li7mo6-hexaoxometalates-muhle-inorgchem-2004", r"\(0\.84 × 10\^-7\)"),
    # Elsevier 2015: σ AdvP4721B4's s, + AdvP4C4E74's thorn
    ("nasicon-na-transport-survey-jpowsour-2015", r"σRT \[S cm\^-1\]"),
    ("nasicon-na-transport-survey-jpowsour-2015", r"1\.18E\+05"),
    # Nature Materials 2019: TeX_CM_Maths_Symbols's C0, onequarter, eth, Thorn, the Italic's equal
    ("solid-electrolytes-review-famprikis-natmater-2019", r"σ = q n u = σ0T\^me\^-Ea/kBT \(1\)"),
])
def test_fonts_real_papers_read_their_symbols(real: dict[str, Document], name: str,
                                              expected: str) -> None:
    doc = real_doc(real, name)
    text = "\n".join(b.text for b in doc.blocks)
    assert re.search(expected, text), expected


@pytest.mark.parametrize("name", [
    "latp-li-al-ti-po4-best-ssi-2000", "li7p3s11-glass-ceramic-seino-ees-2014",
    "llzo-garnet-murugan-angew-2007", "li7mo6-hexaoxometalates-muhle-inorgchem-2004",
])
def test_fonts_real_papers_keep_no_unmapped_glyphs(real: dict[str, Document], name: str) -> None:
    doc = real_doc(real, name)
    assert doc.unmapped_share == 0.0
    assert "\ufffd" not in "".join(b.text for b in doc.blocks)


def _page_objects(page: pdfplumber.page.Page) -> Iterator[LTItem]:
    """pdfminer's layout items of a page, flattened as pdfplumber flattens them."""
    stack = list(reversed(page.layout._objs))
    while stack:
        obj = stack.pop()
        if isinstance(obj, LTContainer):
            stack.extend(reversed(obj._objs))
        else:
            yield obj


@pytest.mark.parametrize("parts", [
    ("seeds", "replica-1col.pdf"),  # ruled tables
    ("real", "llzo-garnet-surfaces-canepa-chemmater-2018.pdf"),  # vector figures (curves)
    ("real", "nasicon-na-transport-survey-jpowsour-2015.pdf"),
])
def test_glyph_page_objects_carry_pdfplumbers_own_values(parts: tuple[str, str]) -> None:
    """The reader's short conversion of chars and paths gives, key for key, what pdfplumber's
    full ``process_object`` gives for the same layout object."""
    where, name = parts
    path = SEEDS / "pdfs" / name if where == "seeds" else shared_path("corpus", where, name)
    checked = {"chars": 0, "paths": 0}
    with pdfplumber.open(path) as pdf:
        resources = GlyphResources()
        for plain in pdf.pages:
            page = GlyphPage(plain, resources)
            for obj in _page_objects(page):
                if not isinstance(obj, LTChar | LTCurve):
                    continue
                short = page.process_object(obj)
                full = pdfplumber.page.Page.process_object(page, obj)
                assert {k: full[k] for k in short} == short
                checked["chars" if isinstance(obj, LTChar) else "paths"] += 1
    assert checked["chars"] > 1000 and checked["paths"] > 0
