"""The layout reader on PDFs the tests build, on the review replicas and on real papers."""

from __future__ import annotations

import random
import re
import textwrap
import time
from pathlib import Path

import pytest

from extractors.document import Rule
from extractors.errors import (
    DocumentError,
    EncryptedPdfError,
    NotAPdfError,
    NoTextLayerError,
)
from extractors.layout import (
    LayoutSettings,
    document_to_text,
    drop_frames,
    letter_gaps_to_word_gap,
    read_document,
)
from tests.conftest import shared_path
from tests.extractors.hostile import ruled_page
from tests.pdfbuild import Page, Run, Words, sub, sup, write_pdf

SENTENCE = "showed an ionic conductivity of 1.25 × 10^-1 S cm^-1 at 300 °C, as reported by Hong"


def paragraph(page: Page, x: float, top: float, text: str, width: int = 44,
              leading: float = 12.0, indent: bool = True) -> float:
    """Write ``text`` as left-aligned lines; returns the top of the next line."""
    lines = textwrap.wrap(text, width)
    for i, line in enumerate(lines):
        page.text(x + (12 if indent and i == 0 else 0), top, line)
        top += leading
    return top


def body_text(path: Path) -> str:
    return read_document(path).text


# --------------------------------------------------------------------------- scripts


def test_layout_superscripts_marked_with_caret(tmp_path: Path) -> None:
    page = Page().text(72, 100, "with a conductivity of 2 × 10", sup("-6"), " S cm", sup("-1"),
                       " at 25 ", sup("°", rise=4), "C for Zn", sup("2+"), " ions.")
    text = body_text(write_pdf(tmp_path / "sup.pdf", [page]))
    assert "2 × 10^-6 S cm^-1 at 25 °C for Zn^2+ ions." in text


def test_layout_superscript_never_read_as_subtraction(tmp_path: Path) -> None:
    page = Page().text(72, 100, "reaching 10", sup("-4"), " S cm", sup("-1"), ".")
    text = body_text(write_pdf(tmp_path / "minus.pdf", [page]))
    assert "10^-4" in text
    assert "10-4" not in text and "10 -4" not in text


def test_layout_subscripts_inline(tmp_path: Path) -> None:
    page = Page().text(72, 100, "The glass-ceramic Li", sub("7"), "P", sub("3"), "S", sub("11"),
                       " and Na", sub("3"), "PS", sub("4"), " conduct.")
    text = body_text(write_pdf(tmp_path / "sub.pdf", [page]))
    assert "The glass-ceramic Li7P3S11 and Na3PS4 conduct." in text


def test_layout_superscript_after_subscript(tmp_path: Path) -> None:
    page = Page().text(72, 100, "the anion [B", sub("12"), "H", sub("12"), "]", sup("2-"),
                       " is stable.")
    assert "[B12H12]^2- is stable." in body_text(write_pdf(tmp_path / "ion.pdf", [page]))


def test_layout_primes_and_footnote_marks_are_not_exponents(tmp_path: Path) -> None:
    page = Page().text(72, 100, "Na-beta", sup("''"), "-alumina and Popovic",
                       sup("*"), " wrote.")
    text = body_text(write_pdf(tmp_path / "prime.pdf", [page]))
    assert "^" not in text
    assert "Popovic* wrote." in text



def test_layout_space_characters_part_tightly_set_words(tmp_path: Path) -> None:
    """Negative character spacing overlaps the words of a justified line; its spaces still
    part them (Nature's "The method of reference" read "Themethodofreference")."""
    page = Page()
    page.ops.append("BT 1 0 0 1 72 742 Tm /F1 10 Tf -1.5 Tc "
                    "(The method of reference is spark plasma sintering.) Tj 0 Tc ET")
    text = body_text(write_pdf(tmp_path / "tight.pdf", [page]))
    assert "The method of reference is spark plasma sintering." in text


def test_layout_tight_words_without_space_glyphs_are_parted(tmp_path: Path) -> None:
    """No space glyphs and words 0.1 em apart (a 2002 paper read "TheyemployaDistance"): the
    line's own gap clusters part the words, after a superscript and around "×" too."""
    page = Page().text(72, 100, Words("They employ a Distance Least Squares refinement."))
    page.text(72, 112, Words("The pellet showed a conductivity of 2.5 × 10", 0.08), sup("-4"),
              Words(" S cm", 0.08), sup("-1"), Words(" at 25 °C.", 0.08))
    text = body_text(write_pdf(tmp_path / "tight.pdf", [page]))
    assert "They employ a Distance Least Squares refinement." in text
    assert "The pellet showed a conductivity of 2.5 × 10^-4 S cm^-1 at 25 °C." in text


def test_layout_word_set_close_after_a_comma_is_parted(tmp_path: Path) -> None:
    """Words 0.2 em apart, a comma or full stop 0.14 em before the next ("Li3PS4,as shown"):
    the line's letter and word gaps say where words part, punctuation included."""
    page = Page()
    page.ops.append("BT 1 0 0 1 72 742 Tm /F1 10 Tf [(The) -200 (response) -200 (of) -200 "
                    "(Li3PS4,) -140 (as) -200 (shown) -200 (in) -200 (the) -200 (figure.) -140 "
                    "(It) -200 (is) -200 (typical.)] TJ ET")
    text = body_text(write_pdf(tmp_path / "comma.pdf", [page]))
    assert "The response of Li3PS4, as shown in the figure. It is typical." in text


@pytest.mark.parametrize(("gaps", "expected"), [
    ([0.0, -0.01, 0.0, 0.13, 0.0, 0.0, -0.01, 0.14, 0.0, 0.0], (0.0, 0.13, True)),  # tight
    ([0.0, 0.0, 0.3, 0.0, -0.01, 0.0, 0.28, 0.0, 0.0, 0.3], (0.0, 0.15, False)),  # 0.3 em words
    ([0.0, 0.0, 0.2, 0.0, 0.09, 0.0, 0.18, 0.0, 0.0, 0.2], None),  # a kerned gap: no cluster
    ([0.0, 0.0, 0.04, 0.0, 0.0, 0.05, 0.0, 0.0, 0.0, 0.0], None),  # no clear second cluster
    ([0.0, 0.0, 0.5, 0.0, 0.0, 0.5, 0.0, 0.0, 0.0, 0.0], None),  # the split is above word_gap
    ([0.0, 0.13, 0.0], None),  # too few gaps to tell
])
def test_layout_word_gap_from_letter_gap_clusters(
        gaps: list[float], expected: tuple[float, float, bool] | None) -> None:
    found = letter_gaps_to_word_gap(gaps, LayoutSettings())
    if expected is None:
        assert found is None
    else:
        low, high, tight = expected
        assert found is not None and low < found.threshold < high and found.tight == tight


def test_layout_spaced_line_is_read_by_its_spaces(tmp_path: Path) -> None:
    """A line painted with space glyphs is read by them and ``word_gap`` alone: gap clusters
    are looked for only where the text layer has no spaces, so such documents read as before."""
    page = Page().text(72, 100, "Some words then", Words(" abcdefgh ijklmnop qrstuvw xyz", 0.1))
    text = body_text(write_pdf(tmp_path / "spaced.pdf", [page]))
    assert "Some words thenabcdefghijklmnopqrstuvwxyz" in text

# --------------------------------------------------------------------------- reading order


LEFT = ("Alpha one starts the left column and it keeps going for a while so that it fills "
        "several lines of the narrow column on the left hand side of the page before it ends.")
LEFT2 = ("Alpha two is the second paragraph of the left column and it is also long enough to "
         "need several lines here.")
RIGHT = ("Omega one starts the right column at the very same height as the left column, so a "
         "reader that sorts lines by their height alone would interleave the two columns.")


def two_column_page() -> Page:
    page = Page()
    page.text(200, 60, Run("A Two Column Title", 16, font="bold"))
    top = paragraph(page, 50, 100, LEFT)
    paragraph(page, 50, top, LEFT2)
    paragraph(page, 310, 100, RIGHT)
    return page


def test_layout_two_columns_do_not_interleave(tmp_path: Path) -> None:
    doc = read_document(write_pdf(tmp_path / "cols.pdf", [two_column_page()]))
    paragraphs = [b.text for b in doc.blocks if b.kind == "paragraph"]
    assert paragraphs == [LEFT, LEFT2, RIGHT]
    assert doc.title == "A Two Column Title"


def test_layout_paragraph_continues_over_page_break(tmp_path: Path) -> None:
    first, second = Page(), Page()
    paragraph(first, 72, 100, "This sentence starts on the first page and is cut by the page")
    paragraph(second, 72, 100, "break, after which it goes on to the end.", indent=False)
    doc = read_document(write_pdf(tmp_path / "break.pdf", [first, second]))
    paragraphs = [b for b in doc.blocks if b.kind == "paragraph"]
    assert len(paragraphs) == 1
    assert "cut by the page break, after which" in paragraphs[0].text
    assert sorted(set(paragraphs[0].pages)) == [1, 2]


def test_layout_running_headers_and_footers_leave_body(tmp_path: Path) -> None:
    pages = []
    for n in range(1, 4):
        page = Page().text(50, 40, "Journal of Tests 2024, 12, 54").text(500, 40, f"{n} of 3")
        paragraph(page, 50, 120, f"Body text of page {n} says something worth keeping here.")
        page.text(280, 810, f"Page {n}")
        pages.append(page)
    doc = read_document(write_pdf(tmp_path / "heads.pdf", pages))
    assert "Journal of Tests" not in doc.text
    assert " of 3" not in doc.text and "Page " not in doc.text
    assert doc.text.count("Body text of page") == 3
    kinds = {b.text: b.kind for b in doc.blocks}
    assert kinds["Journal of Tests 2024, 12, 54"] == "header"
    assert kinds["Page 2"] == "footer"


def test_layout_hyphenation_joined(tmp_path: Path) -> None:
    page = Page()
    page.text(72, 100, "the material is a fast ionic conduc-")
    page.text(72, 112, "tor and a well-known electrolyte of well-")
    page.text(72, 124, "known type.")
    text = body_text(write_pdf(tmp_path / "hyph.pdf", [page]))
    assert "fast ionic conductor and" in text
    assert "of well-known type." in text


def test_layout_formula_broken_in_a_variable_subscript_is_joined(tmp_path: Path) -> None:
    """The typesetter's hyphen after ``Ti2-x`` at a line end goes; the author's hyphen of a
    compound pair (``Li2S-P2S5``) stays."""
    page = Page()
    page.text(72, 100, "conductivities of the series Na", sub("1+x"), "Ti", sub("2-x-"))
    page.text(72, 112, "Al", sub("x"), "(PO", sub("4"), ")", sub("3"), " and of the glass Li",
              sub("2"), "S-")
    page.text(72, 124, "P", sub("2"), "S", sub("5"), " at room temperature.")
    text = body_text(write_pdf(tmp_path / "formula.pdf", [page]))
    assert "the series Na1+xTi2-xAlx(PO4)3 and" in text
    assert "the glass Li2S-P2S5 at" in text


def test_layout_ruled_table_is_its_own_block(tmp_path: Path) -> None:
    page = Page()
    paragraph(page, 72, 100, "The table below compares two materials of interest here.")
    page.text(72, 140, Run("Table 1. Two electrolytes.", 8))
    page.rule(72, 146, 500)
    page.text(72, 158, Run("Material", 8))
    page.text(300, 158, Run("Sigma (mS cm", 8), sup("-1", 5.6, 2.8), Run(")", 8))
    page.rule(72, 163, 500)
    page.text(72, 175, Run("Li", 8), sub("3", 5.6, -1.5), Run("PS", 8), sub("4", 5.6, -1.5)
              ).text(300, 175, Run("0.2", 8))
    page.rule(72, 181, 500)
    paragraph(page, 72, 210, "After the table the running text resumes as usual.")
    doc = read_document(write_pdf(tmp_path / "table.pdf", [page]))
    kinds = [b.kind for b in doc.blocks]
    assert kinds == ["paragraph", "caption", "table", "paragraph"]
    table = next(doc.blocks_of("table"))
    assert table.text.splitlines() == ["Material | Sigma (mS cm^-1)", "Li3PS4 | 0.2"]
    assert "Li3PS4" not in doc.text


# --------------------------------------------------------------------------- provenance


def test_layout_every_char_keeps_page_and_box(tmp_path: Path) -> None:
    page = Page().text(72, 100, "value 2 × 10", sup("-6"), " S cm", sup("-1"), ".")
    doc = read_document(write_pdf(tmp_path / "prov.pdf",
                                  [page, Page().text(72, 100, "Second page.")]))
    block = doc.blocks[0]
    start = block.text.index("10^-6")
    page_no, (x0, top, x1, bottom) = block.locate(start, start + len("10^-6"))
    assert page_no == 1
    assert 72 < x0 < x1 < 200 and 80 < top < bottom < 104
    assert doc.blocks[-1].page == 2
    assert len(doc.sha256) == 64


def test_layout_settings_validated() -> None:
    with pytest.raises(ValueError):
        LayoutSettings(word_gap=1.0, fragment_gap=0.5)
    with pytest.raises(ValueError):
        LayoutSettings(margin_band=0.7)
    with pytest.raises(ValueError):
        LayoutSettings(tight_gap_jump=0.2)
    with pytest.raises(ValueError):
        LayoutSettings(tight_min_gaps=1)
    with pytest.raises(ValueError):
        LayoutSettings(tight_gap_ratio=0.5)


# --------------------------------------------------------------------------- bad input


def test_layout_not_a_pdf(tmp_path: Path) -> None:
    path = tmp_path / "fake.pdf"
    path.write_text("This is not a valid PDF file at all.")
    with pytest.raises(NotAPdfError, match="not a PDF"):
        read_document(path)


def test_layout_no_text_layer(tmp_path: Path) -> None:
    path = write_pdf(tmp_path / "empty.pdf", [Page().rule(50, 100, 300)])
    with pytest.raises(NoTextLayerError, match="no text layer"):
        read_document(path)


@pytest.mark.parametrize(("name", "error"), [
    ("docling-corrupted-not-a-pdf.pdf", NotAPdfError),
    ("docling-ocr-test-scanned-image-only.pdf", NoTextLayerError),
    ("docling-ocr-test-scanned-rotated-90.pdf", NoTextLayerError),
    ("docling-password-1234-2206.01062-pg3.pdf", EncryptedPdfError),
    ("pdfplumber-password-test.pdf", EncryptedPdfError),
    ("pypdf-crazyones-aes256-password.pdf", EncryptedPdfError),
])
def test_layout_bad_pdfs_raise_a_clear_error(name: str, error: type[DocumentError]) -> None:
    with pytest.raises(error) as info:
        read_document(shared_path("corpus", "bad", name))
    assert name in str(info.value)


def test_layout_encryption_recorded_when_text_extracts() -> None:
    doc = read_document(shared_path("corpus", "bad", "pypdf-r6-user-password-empty-owner.pdf"))
    assert doc.encrypted


# --------------------------------------------------------------------------- the replicas


def test_layout_replica_sentence_contiguous_with_exponents(replica_docs) -> None:
    for doc in replica_docs.values():
        assert SENTENCE in doc.text, doc.name


def test_layout_replica_no_running_header_in_body(replica_docs) -> None:
    for doc in replica_docs.values():
        for block in doc.blocks:
            if block.kind in {"paragraph", "heading", "caption"}:
                assert not re.search(r"\b\d+ of (9|14)\b", block.text), block.text[:80]
                assert "Inorganics 2024, 12, 54" not in block.text or block.page == 1


def test_layout_replica_tables_are_regions(replica_docs) -> None:
    for doc in replica_docs.values():
        tables = list(doc.blocks_of("table"))
        assert any("Ionic Conductivity (mS cm^-1)" in t.text.replace("\n", " ")
                   or "(mS cm^-1)" in t.text for t in tables)
        assert "125 (300 °C) | [153]" in "\n".join(t.text for t in tables)
        assert "125 (300 °C)" not in doc.text


def _paragraphs(doc) -> list[str]:
    """The article's long body paragraphs: from the first section heading to the back matter
    (the side bar, abbreviation list and references are laid out differently on purpose)."""
    out, inside = [], False
    for b in doc.blocks:
        if b.kind == "heading":
            inside = (inside or b.text.startswith("1.")) and b.text != "Abbreviations"
        if inside and b.kind == "paragraph" and len(b.text) > 200:
            out.append(b.text)
    return out


def test_layout_replicas_agree_paragraph_for_paragraph(replica_docs) -> None:
    """Every long paragraph of one replica appears once, whole and in the same order, in the
    other: the two layouts only share the article text, so a split, duplicated or
    interleaved paragraph shows up as a mismatch."""
    one, two = replica_docs["replica-1col"], replica_docs["replica-2col"]
    for source, other in ((one, two), (two, one)):
        haystack = other.text
        positions = []
        for para in _paragraphs(source):
            assert haystack.count(para) == 1, para[:100]
            positions.append(haystack.index(para))
        assert positions == sorted(positions)
        assert len(positions) > 40


def test_layout_replica_text_command_marks_kinds(replica_docs) -> None:
    text = document_to_text(replica_docs["replica-2col"])
    assert text.startswith("[")
    for kind in ("title", "heading", "paragraph", "caption", "table", "header", "footer"):
        assert f"[{kind} p" in text


# --------------------------------------------------------------------------- real PDFs


REAL = sorted(p.name for p in (Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
                              / "real").glob("*.pdf"))
GENERAL = sorted(p.name for p in (Path(__file__).resolve().parents[2].parent / "shared"
                                 / "corpus" / "general").glob("*.pdf"))


@pytest.mark.parametrize("name", REAL or ["(../shared absent)"])
def test_layout_reads_every_real_paper(name: str) -> None:
    doc = read_document(shared_path("corpus", "real", name))
    assert doc.n_pages >= 1
    assert sum(len(b.text) for b in doc.blocks if b.kind == "paragraph") > 5000


@pytest.mark.parametrize("name", GENERAL or ["(../shared absent)"])
def test_layout_reads_every_general_pdf(name: str) -> None:
    doc = read_document(shared_path("corpus", "general", name))
    assert doc.blocks


# --------------------------------------------------------------------------- frames


def _drop_frames_by_pairs(rules: list[Rule]) -> tuple[Rule, ...]:
    """The former all-pairs frame finder: the reference the indexed one must agree with."""
    horiz = [r for r in rules if r.horizontal]
    vert = [r for r in rules if not r.horizontal]
    dropped: set[Rule] = set()
    for a in horiz:
        for b in horiz:
            if not (b.top - a.top > 20 and abs(a.x0 - b.x0) < 2 and abs(a.x1 - b.x1) < 2):
                continue
            sides = [v for v in vert if v.top <= a.top + 2 and v.bottom >= b.top - 2
                     and (abs(v.x0 - a.x0) < 2 or abs(v.x0 - a.x1) < 2)]
            inner = [r for r in rules if r not in (a, b, *sides)
                     and a.x0 + 2 < (r.x0 + r.x1) / 2 < a.x1 - 2
                     and a.top + 2 < (r.top + r.bottom) / 2 < b.top - 2]
            if len(sides) >= 2 and not inner:
                dropped.update((a, b, *sides))
    return tuple(r for r in rules if r not in dropped)


def _random_rules(rng: random.Random) -> list[Rule]:
    """Boxes, tables (boxes with inner rules) and loose rules on a coarse grid, so that
    edges meet within the 2 pt tolerance often."""
    rules: list[Rule] = []
    for _ in range(rng.randint(1, 6)):
        x0, top = rng.randrange(0, 400, 5), rng.randrange(0, 700, 5)
        x1, bottom = x0 + rng.randrange(10, 200, 5), top + rng.randrange(10, 120, 5)
        jitter = [rng.choice((0, 0, 0.5, 1.5, 2.5)) for _ in range(4)]
        rules += [Rule(1, x0, top, x1, top), Rule(1, x0 + jitter[0], bottom, x1 + jitter[1],
                                                  bottom),
                  Rule(1, x0 + jitter[2], top, x0 + jitter[2], bottom),
                  Rule(1, x1 + jitter[3], top, x1 + jitter[3], bottom)]
        for _ in range(rng.choice((0, 0, 1, 3))):
            y = rng.uniform(top, bottom)
            rules.append(Rule(1, x0, y, x1, y))
    for _ in range(rng.randint(0, 6)):
        x, y = rng.randrange(0, 500, 5), rng.randrange(0, 800, 5)
        rules.append(Rule(1, x, y, x + rng.randrange(8, 100, 5), y) if rng.random() < 0.5
                     else Rule(1, x, y, x, y + rng.randrange(8, 100, 5)))
    return rules


def test_layout_drop_frames_agrees_with_all_pairs() -> None:
    rng = random.Random(11)
    for _ in range(300):
        rules = _random_rules(rng)
        assert drop_frames(rules) == _drop_frames_by_pairs(rules), rules


def test_layout_drop_frames_keeps_tables_drops_boxes() -> None:
    box = [Rule(1, 50, 100, 250, 100), Rule(1, 50, 200, 250, 200),
           Rule(1, 50, 100, 50, 200), Rule(1, 250, 100, 250, 200)]
    assert drop_frames(box) == ()
    table = [*box, Rule(1, 150, 100, 150, 200)]  # a column rule inside
    assert drop_frames(table) == tuple(table)


def test_layout_page_of_3000_rules_reads_in_seconds(tmp_path: Path) -> None:
    """Issue #11: 3,000 rules on one page took minutes (every pair against every rule)."""
    path = ruled_page(tmp_path / "rules.pdf", 3000)
    started = time.perf_counter()
    with pytest.raises(NoTextLayerError):
        read_document(path)
    assert time.perf_counter() - started < 30


# --------------------------------------------------------------------------- text layer


def _raw_page(fonts: list[str], image_share: float, invisible: int):
    from extractors.layout import RawPage, _Char

    chars = tuple(_Char("a", 10.0 * i, 10.0 * i + 5, 10.0, 20.0, 10.0, 18.0, f, None)
                  for i, f in enumerate(fonts))
    return RawPage(1, 600.0, 800.0, chars, (), (), image_share, invisible)


@pytest.mark.parametrize(("fonts", "image_share", "invisible", "layer"), [
    (["ABCDEF+Times"] * 10, 0.0, 0, "born_digital"),
    (["ABCDEF+Times"] * 10, 0.0, 9, "ocr"),  # render mode 3 over the scan
    (["GlyphLessFont"] * 10, 1.0, 0, "ocr"),
    (["Helvetica"] * 10, 0.98, 0, "ocr"),
    (["Helvetica"] * 10, 0.1, 0, "born_digital"),  # a standard font alone is no scan
    (["ABCDEF+Helvetica"] * 10, 0.98, 0, "born_digital"),  # embedded subset over a figure
    ([], 1.0, 0, "none"),
])
def test_layout_page_text_layer(fonts: list[str], image_share: float, invisible: int,
                                layer: str) -> None:
    from extractors.layout import page_to_text_layer

    assert page_to_text_layer(_raw_page(fonts, image_share, invisible)) == layer


def test_layout_document_text_layer_by_majority() -> None:
    from extractors.layout import pages_to_text_layer

    scan = _raw_page(["Helvetica"] * 5, 1.0, 5)
    digital = _raw_page(["ABCDEF+Times"] * 5, 0.0, 0)
    assert pages_to_text_layer([scan, scan, digital]) == "ocr"
    assert pages_to_text_layer([scan, digital, digital]) == "born_digital"
    assert pages_to_text_layer([_raw_page([], 1.0, 0)]) == "none"


def test_layout_replica_is_born_digital(replica_docs) -> None:
    assert {d.text_layer for d in replica_docs.values()} == {"born_digital"}


@pytest.mark.parametrize(("name", "layer"), [
    ("nasicon-na-zr-si-p-o-tranqui-jssc-1981.pdf", "ocr"),
    ("nasicon-scandium-subramanian-jssc-1985.pdf", "ocr"),
    ("halide-li3mcl6-park-acsami-2020.pdf", "born_digital"),
])
def test_layout_real_text_layer(name: str, layer: str) -> None:
    from tests.conftest import load_document

    assert load_document(shared_path("corpus", "real", name)).text_layer == layer


@pytest.mark.parametrize("offset", [0.05, 0.1, 0.25, 0.5, 1.0])
@pytest.mark.parametrize("x", [72.0, 72.45, 72.7])
def test_layout_fake_bold_drawn_twice_reads_once(tmp_path: Path, offset: float, x: float) -> None:
    """Older typesetting paints bold by drawing a line twice, a fraction of a point apart: the
    second painting is no text of its own, whichever way its position rounds."""
    def sentence(page: Page, x0: float, top: float) -> Page:
        return page.text(x0, top, "Li6.4La3Zr1.4Ta0.6O12 shows 11.0 x 10", sup("-3"),
                         " S cm", sup("-1"), " at 25 °C.")

    once = body_text(write_pdf(tmp_path / "once.pdf", [sentence(Page(), x, 100.25)]))
    twice = body_text(write_pdf(tmp_path / "twice.pdf",
                                [sentence(sentence(Page(), x, 100.25), x + offset,
                                          100.25 + offset / 2)]))
    assert twice == once
    assert "Li6.4La3Zr1.4Ta0.6O12 shows 11.0 x 10^-3 S cm^-1" in twice


def test_layout_text_outside_the_page_box_is_not_read_and_is_counted(tmp_path: Path) -> None:
    """Text placed far beyond the page (to hide it from readers) is not the document's."""
    from extractors.extraction import extract_document

    page = (Page().text(72, 100, "Li7P3S11 shows 1.7 × 10", sup("-2"), " S cm", sup("-1"), ".")
            .text(-400, 200, "Li3PS4 shows 9.9 × 10", sup("-1"), " S cm", sup("-1"), ".")
            .text(72, 1400, "Li6PS5Cl shows 8.8 × 10", sup("-1"), " S cm", sup("-1"), ".")
            .text(-6, 300, "LiI shows 4.4 S cm", sup("-1"), "."))  # within the bleed: kept
    path = write_pdf(tmp_path / "hidden.pdf", [page])
    doc = read_document(path)
    assert "Li3PS4" not in doc.text and "Li6PS5Cl" not in doc.text
    assert "Li7P3S11" in doc.text and "LiI" in doc.text
    result = extract_document(path)
    assert set(result.records["material_raw"]) == {"Li7P3S11", "LiI"}
    assert result.document["off_page_chars"] == doc.off_page_chars > 40
