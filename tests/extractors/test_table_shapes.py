"""Table shapes that read as a paragraph before: a shaded header band instead of rules, a
group header spanning the columns below it, a body without rules; built with pdfbuild."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractors import table_parts, tables
from extractors.document import Line
from extractors.layout import read_document
from tests.extractors.tablebuild import TableDrawing, write_tables

CAPTION = "Table 1. Ionic conductivity of the sulfides."
HEAD = [[(70.0, "Sample"), (250.0, "Conductivity (S cm^-1)"), (400.0, "Ea (eV)")]]
BODY = [[(70.0, "Li3PS4"), (250.0, "2.0 × 10^-4"), (400.0, "0.35")],
        [(70.0, "Li7P3S11"), (250.0, "1.0 × 10^-3"), (400.0, "0.28")],
        [(70.0, "Li10GeP2S12"), (250.0, "1.2 × 10^-2"), (400.0, "0.22")]]
# "σ / S cm^-1" centred over "25 °C | 100 °C" (σ printed as s: WinAnsi has no σ)
GROUP_HEAD = [[(70.0, "Sample"), (280.0, "s / S cm^-1"), (430.0, "Ea (eV)")],
              [(250.0, "25 °C"), (330.0, "100 °C")]]
GROUP_BODY = [[(70.0, "Li3PS4"), (250.0, "2.0 × 10^-4"), (330.0, "1.5 × 10^-3"), (430.0, "0.35")],
              [(70.0, "Li7P3S11"), (250.0, "1.0 × 10^-3"), (330.0, "6.1 × 10^-3"),
               (430.0, "0.28")],
              [(70.0, "Li10GeP2S12"), (250.0, "1.2 × 10^-2"), (330.0, "4.0 × 10^-2"),
               (430.0, "0.22")]]
C = 273.15
GROUP_VALUES = {("Li3PS4", 2.0e-4, 25 + C), ("Li3PS4", 1.5e-3, 100 + C),
                ("Li7P3S11", 1.0e-3, 25 + C), ("Li7P3S11", 6.1e-3, 100 + C),
                ("Li10GeP2S12", 1.2e-2, 25 + C), ("Li10GeP2S12", 4.0e-2, 100 + C)}


def _read(tmp_path: Path, drawing: TableDrawing):
    doc = read_document(write_tables(tmp_path / "table.pdf", [drawing]))
    (table,) = tables.document_to_tables(doc)
    records = tables.tables_to_records(doc, [table])
    values = {(r.material_raw, round(r.sigma_S_per_cm, 8),
               None if r.temperature_K is None else round(r.temperature_K, 2)) for r in records}
    return table, values


def _rounded(values):
    return {(m, round(s, 8), None if t is None else round(t, 2)) for m, s, t in values}


@pytest.mark.parametrize("style", ["booktabs", "band", "none"])
def test_tables_group_header_spans_the_columns_below_it(tmp_path: Path, style: str) -> None:
    """booktabs: one table; band: a shaded band two lines tall (no rules: its edges read as a
    frame); none: columns only from the alignment of the text."""
    table, values = _read(tmp_path, TableDrawing(CAPTION, GROUP_HEAD, GROUP_BODY, style=style))
    assert table.header == ("Sample", "s / S cm^-1 25 °C", "s / S cm^-1 100 °C", "Ea (eV)")
    assert values == _rounded(GROUP_VALUES)


@pytest.mark.parametrize("style", ["band", "none"])
def test_tables_without_rules_on_a_one_column_page_take_the_page_width(tmp_path: Path,
                                                                       style: str) -> None:
    table, values = _read(tmp_path, TableDrawing(CAPTION, HEAD, BODY, style=style))
    assert table.header == ("Sample", "Conductivity (S cm^-1)", "Ea (eV)")
    assert [[c.text for c in row] for row in table.body] == [
        [text for _, text in row] for row in BODY]
    assert values == _rounded({("Li3PS4", 2.0e-4, None), ("Li7P3S11", 1.0e-3, None),
                               ("Li10GeP2S12", 1.2e-2, None)})


def test_tables_two_line_header_of_own_columns_spans_nothing(tmp_path: Path) -> None:
    head = [[(70.0, "Sample"), (250.0, "Conductivity"), (400.0, "Ea")],
            [(250.0, "(S cm^-1)"), (400.0, "(eV)")]]
    table, values = _read(tmp_path, TableDrawing(CAPTION, head, BODY))
    assert table.header == ("Sample", "Conductivity (S cm^-1)", "Ea (eV)")
    assert len(values) == 3


def test_tables_bottom_aligned_header_is_not_a_group(tmp_path: Path) -> None:
    """An upper line over one column only (the others bottom-aligned) gives its text to no
    other column: the energies stay energies."""
    head = [[(250.0, "Conductivity")],
            [(70.0, "Sample"), (250.0, "(S cm^-1)"), (400.0, "Ea (eV)")]]
    table, values = _read(tmp_path, TableDrawing(CAPTION, head, BODY))
    assert table.header == ("Sample", "Conductivity (S cm^-1)", "Ea (eV)")
    assert len(values) == 3


def test_tables_wrapped_header_word_is_not_a_group(tmp_path: Path) -> None:
    """``Temperature`` over ``range (°C)``, with its neighbours' headers close by, is one
    header written on two lines, not a group over three columns."""
    head = [[(250.0, "Temperature")],
            [(70.0, "Sample"), (205.0, "Ea (eV)"), (255.0, "range (°C)"),
             (310.0, "s (S cm^-1)")]]
    body = [[(70.0, "Li3PS4"), (205.0, "0.35"), (255.0, "25-100"), (310.0, "2.0 × 10^-4")]]
    table, values = _read(tmp_path, TableDrawing(CAPTION, head, body))
    assert table.header == ("Sample", "Ea (eV)", "Temperature range (°C)", "s (S cm^-1)")
    assert values == {("Li3PS4", 2.0e-4, None)}


def _line(text: str, top: float, x0: float = 60.0) -> Line:
    boxes = tuple((x0 + 5 * i, top, x0 + 5 * (i + 1), top + 8) for i in range(len(text)))
    return Line(1, text, boxes, 9.0, "Helvetica", top + 6)


@pytest.mark.parametrize(("first", "second", "caption"), [
    ("Table 5 Ionic conductivities for Na1+xTi2-x-", "Alx(PO4)3 samples",
     "Table 5 Ionic conductivities for Na1+xTi2-xAlx(PO4)3 samples"),
    ("Table 2 Conductivity of Li7-xLa3Zr2-x-", "TaxO12 garnets",
     "Table 2 Conductivity of Li7-xLa3Zr2-xTaxO12 garnets"),
    ("Table 1 Conductivity of the Li-", "ion conductors",
     "Table 1 Conductivity of the Li- ion conductors"),
    ("Table 1 Data for Na- and", "Al-doped samples", "Table 1 Data for Na- and Al-doped samples"),
])
def test_table_parts_caption_formula_broken_at_a_line_end(first: str, second: str,
                                                           caption: str) -> None:
    assert table_parts._caption_text([_line(first, 100), _line(second, 112)]) == caption



def test_tables_group_header_over_kinds(tmp_path: Path) -> None:
    head = [[(70.0, "Sample"), (280.0, "s / S cm^-1"), (430.0, "Ea (eV)")],
            [(250.0, "bulk"), (330.0, "total")]]
    doc = read_document(write_tables(tmp_path / "kinds.pdf",
                                     [TableDrawing(CAPTION, head, GROUP_BODY)]))
    (table,) = tables.document_to_tables(doc)
    records = tables.tables_to_records(doc, [table])
    assert table.header[1:3] == ("s / S cm^-1 bulk", "s / S cm^-1 total")
    assert [(r.material_raw, r.sigma_S_per_cm, r.conductivity_kind) for r in records[:2]] == [
        ("Li3PS4", pytest.approx(2.0e-4), "bulk"), ("Li3PS4", pytest.approx(1.5e-3), "total")]
    assert len(records) == 6


@pytest.mark.parametrize(("header", "unit", "kelvin"), [
    ("σ / S cm^-1 bulk", "S cm^-1", None),
    ("σ / mS cm^-1 σgb", "mS cm^-1", None),
    ("σ / S cm^-1 RT", "S cm^-1", 298.15),
    ("σ / S cm^-1 100 °C", "S cm^-1", 373.15),
    ("σ / S cm^-1 x = 0.2", None, None),  # a composition per column: not read
    ("R / Ω bulk", None, None),
])
def test_tables_group_unit_with_the_subheader_after_it(header: str, unit: str | None,
                                                       kelvin: float | None) -> None:
    column = tables.header_to_column(1, header)
    assert (column.unit if column else None) == unit
    if column is not None:
        found = column.temperature.kelvin if column.temperature else None
        assert found == (pytest.approx(kelvin) if kelvin else None)


def test_tables_header_centred_in_its_own_column_heads_no_other(tmp_path: Path) -> None:
    """``Phase`` set on a line of its own (vertically centred in its cell) between the
    sub-headers of its neighbours is its own column's header only."""
    head = [[(60.0, "Sample"), (250.0, "s (S cm^-1)")],
            [(160.0, "Phase")],
            [(125.0, "a (A)"), (190.0, "c (A)")]]
    body = [[(60.0, "Li3PS4"), (125.0, "8.12"), (160.0, "beta"), (190.0, "12.4"),
             (250.0, "2.0 × 10^-4")]]
    table, values = _read(tmp_path, TableDrawing(CAPTION, head, body))
    assert table.header == ("Sample", "a (A)", "Phase", "c (A)", "s (S cm^-1)")
    assert values == {("Li3PS4", 2.0e-4, None)}
