"""Each table is its own failure domain: a table that raises while it is found, structured or
read is skipped and reported on the document's row; the other tables and the text are kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractors import table_parts, tables
from extractors.document import Line
from extractors.extraction import extract_document
from extractors.layout import read_document
from extractors.mentions import load_nlp
from extractors.table_parts import TableSettings
from tests.extractors.tablebuild import TableDrawing, write_tables
from tests.pdfbuild import Page, Run, Words, sup, write_pdf

HEADER = [[(70.0, "Sample"), (300.0, "Conductivity (S cm^-1)")]]
SENTENCE = ["Li6PS5Cl shows 3.0 mS cm", sup("-1"), " at 25 °C in our own measurements."]


def _two_tables(path: Path) -> Path:
    first = TableDrawing("Table 1. Ionic conductivity of the sulfides.", HEADER,
                         [[(70, "Li3PS4"), (300, "2.0 × 10^-4")],
                          [(70, "Li7P3S11"), (300, "1.0 × 10^-3")]])
    second = TableDrawing("Table 2. Ionic conductivity of the others.", HEADER,
                          [[(70, "Li10GeP2S12"), (300, "1.2 × 10^-2")],
                           [(70, "Li3YCl6"), (300, "5.1 × 10^-4")]])
    return write_tables(path, [first, second], [SENTENCE])


@pytest.fixture(scope="module")
def nlp():
    return load_nlp()


def _raise_for(table_id: str, original):
    def patched(doc, table, *args):
        if getattr(table, "table_id", None) == table_id or args[:1] == (table_id,):
            raise ValueError("min() arg is an empty sequence")
        return original(doc, table, *args)
    return patched


def test_tables_one_table_raising_in_records_is_skipped(tmp_path: Path, nlp,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    pdf = _two_tables(tmp_path / "two.pdf")
    monkeypatch.setattr(tables, "table_to_records",
                        _raise_for("p1-t1", tables.table_to_records))
    result = extract_document(pdf, nlp)
    assert not result.failed
    got = {(r.source, r.material_raw) for r in result.records.itertuples()}
    assert got == {("table", "Li10GeP2S12"), ("table", "Li3YCl6"), ("text", "Li6PS5Cl")}
    skipped = result.document["skipped_tables"]
    assert skipped.startswith("p1-t1 (records): ValueError: min() arg is an empty sequence")
    assert result.document["n_records"] == 3
    assert set(result.cells["table_id"]) == {"p1-t1", "p1-t2"}  # its cells are still there


def test_tables_one_table_raising_in_structure_is_skipped(tmp_path: Path, nlp,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    pdf = _two_tables(tmp_path / "two.pdf")
    original = tables.group_to_table

    def patched(group, table_id, settings=None):
        if table_id == "p1-t2":
            raise ZeroDivisionError("float division by zero")
        return original(group, table_id, settings)

    monkeypatch.setattr(tables, "group_to_table", patched)
    result = extract_document(pdf, nlp)
    got = {(r.source, r.material_raw) for r in result.records.itertuples()}
    assert got == {("table", "Li3PS4"), ("table", "Li7P3S11"), ("text", "Li6PS5Cl")}
    assert result.document["skipped_tables"].startswith(
        "p1-t2 (structure): ZeroDivisionError: float division by zero (at test_table_domains.py")
    assert set(result.cells["table_id"]) == {"p1-t1"}


def test_table_parts_one_table_raising_while_found_is_skipped(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pdf = _two_tables(tmp_path / "two.pdf")
    original = table_parts._stack_part
    calls = []

    def patched(page, stack, free, settings):
        calls.append(stack)
        if len(calls) == 1:
            raise IndexError("list index out of range")
        return original(page, stack, free, settings)

    monkeypatch.setattr(table_parts, "_stack_part", patched)
    doc = read_document(pdf)
    assert [str(s).split(":")[0] for s in doc.table_skips] == ["p1 (finding)"]
    found = tables.document_to_tables(doc)
    records, skips = tables.read_tables(doc, found)
    # the other table is found; the lost one's caption may still be read as a table without
    # rules (its rows are there), but the skip is reported all the same
    assert {"Li10GeP2S12", "Li3YCl6"} <= {r.material_raw for r in records}
    assert skips == doc.table_skips
    assert any(b.text.startswith("Li6PS5Cl shows 3.0") for b in doc.blocks)


def test_tables_no_skip_reports_nothing(tmp_path: Path, nlp) -> None:
    result = extract_document(_two_tables(tmp_path / "two.pdf"), nlp)
    assert result.document["skipped_tables"] is None
    assert len(result.records) == 5


def _line(text: str, x0: float, top: float, width: float) -> Line:
    step = width / len(text)
    boxes = tuple((x0 + i * step, top, x0 + (i + 1) * step, top + 8) for i in range(len(text)))
    return Line(1, text, boxes, 8.0, "Helvetica", top + 6)


def test_tables_separators_when_every_body_line_is_wide() -> None:
    """Every body line wider than ``max_cell_width`` of the table left no span to cut
    columns from: ``min() arg is an empty sequence`` lost the whole document."""
    lines = [(_line("Li3PS4 2.0 0.3", 60, 100 + 12 * k, 400), 60.0) for k in range(3)]
    assert tables.lines_to_separators(lines, 3, TableSettings()) == []
    narrow = [(_line("Li3PS4", 60, 100, 100), 60.0), (_line("2.0", 300, 100, 30), 60.0),
              (_line("Li7P3S11", 60, 112, 100), 60.0), (_line("1.0", 300, 112, 30), 60.0)]
    assert len(tables.lines_to_separators(narrow, 2, TableSettings())) == 1


def test_layout_invisible_tiny_text_does_not_divide_by_zero(tmp_path: Path) -> None:
    """A size that rounds to 0 pt made the line's size 0 and its word gap a division by 0."""
    page = Page().text(72, 100, "Li3PS4 gives 2 mS cm at 25 °C.")
    page.text(72, 120, Run("hiddentext", 0.04)).text(72, 140, Words("hidden text", size=0.004))
    doc = read_document(write_pdf(tmp_path / "tiny.pdf", [page]))
    assert doc.blocks[0].text == "Li3PS4 gives 2 mS cm at 25 °C."
    assert all(ln.size > 0 for p in doc.pages for ln in p.lines)
