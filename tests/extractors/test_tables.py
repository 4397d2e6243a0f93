"""Tables: structure (rows, columns, continuation) and records, on the replicas and by hand."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

from extractors import table_parts, tables
from extractors.document import Document, TablePart
from extractors.document_facts import text_to_facts
from extractors.materials import canonical_formula
from extractors.records import records_to_frame
from extractors.schemas import CELL_COLUMNS, frame_to_table
from extractors.table_parts import TableSettings, parts_to_groups
from extractors.tables import (
    Cell,
    ConductivityColumn,
    Table,
    caption_to_kind,
    cell_to_conductivity,
    header_to_column,
    header_to_kind,
    header_to_symbol,
    header_to_temperature,
    header_to_temperature_unit,
    table_to_records,
    visual_lines_to_rows,
)
from tests.conftest import shared_path

C = 273.15

#: The review's Table 2 as printed: (material as written, S/cm or (low, high), kelvin or None).
TABLE_2: list[tuple[str, float | tuple[float, float], float | None]] = [
    ("Li14Zn(GeO4)4", 0.125, 300 + C),
    ("LiZr2(PO4)3", 0.012, 300 + C),
    ("LiPON", 2e-6, None),
    ("Na2.88Sb0.88W0.12S4", 0.032, None),
    ("Na2-x(CB11H12)x(B12H12)1-x", 0.002, None),
    ("Li7P3S11", 0.04566, None),
    ("Na7P3S11", 0.01097, None),
    ("Na3Zr2PSi2O12", 0.2, 300 + C),
    ("MgZr4(PO4)6", 0.0061, 800 + C),
    ("ZnZr4(PO4)6", 0.0037, 800 + C),
    ("Composite of LiTFSI/PEGDA/succinonitrile plasticizer", 0.00043, None),
    ("Composite of polyether-based polymer/inorganic Na3Zr2Si2PO12 (NZSP)", 1e-5, None),
    ("Na11Sn2PSe12 (NSPSe)", 0.001, None),
    ("Sm1-xCaxF3-x (0 ≤ x ≤ 0.15)", (1e-6, 1e-5), None),
    ("(100-x)(0.6MgS·0.4P2S5) · xMgI2 (0 ≤ x ≤ 30)", 2.1e-7, 200 + C),
    ("MgS-P2S5-MgI2", 2.1e-7, None),
    ("Li6.4Al0.233La3Zr1.95Ca0.05O12", 0.00052, None),
    ("Na2B12H12", 1e-7, None),
    ("β''-Al2O", 2.4e-7, 300 + C),
    ("LiNaB12H12", 7.9e-7, 280 + C),
    ("Mg(en)1(BH4)", 6e-5, 70 + C),
    ("Mg(diglyme)0.5(BH4)2", 2e-5, 70 + C),
    ("Mg3(NH2)2(BH4)4", 4e-5, 100 + C),
    ("Mg(BH4)2NH3", 0.00033, 70 + C),
    ("Mg(BH4)22NH3BH3", 0.0001, None),
    ("NaCB11H12 (NCB) as-prepared", 0.004, None),
    ("NaCB11H12 (NCB) milled", 9.78e-9, None),
    ("Li3.06P0.98Zn0.02S3.98O0.02", 0.00112, None),
    ("Li2(BH4)(NH2)", 0.0002, None),
    ("Na2(BH4)(NH2)", 3e-6, None),
    ("Mg(BH4)(NH2)", 3e-6, 100 + C),
    ("LiTFSI-PEO", 0.0008, 70 + C),
    ("LiClO4-PEO", (0.0002, 0.001), 90 + C),
    ("NaTFSI-PEO", 0.00015, 70 + C),
    ("NaClO4-PEO", 0.00014, 90 + C),
    ("LiClO4-PEO", 0.0005, 90 + C),
]

#: The review's Table 1: one range per electrolyte class, no temperature.
TABLE_1: list[tuple[str, tuple[float, float]]] = [
    ("Polymer-based", (1e-6, 1e-4)),
    ("Oxides", (1e-4, 1e-3)),
    ("Sulfides", (1e-4, 1e-3)),
    ("Boron hydrides", (1e-4, 1e-2)),
]

FAMILIES = {"Li14Zn(GeO4)4": "LISICON", "Na3Zr2PSi2O12": "NASICON",
            "Li6.4Al0.233La3Zr1.95Ca0.05O12": "Garnet"}


def _close(a: float | None, b: float) -> bool:
    return a is not None and not math.isnan(a) and math.isclose(a, b, rel_tol=1e-9)


@pytest.fixture(scope="session")
def replica_tables(replica_docs: dict[str, Document]):
    """Tables and records of both replicas, computed once."""
    out = {}
    for name, doc in replica_docs.items():
        found = tables.document_to_tables(doc)
        out[name] = (doc, found, tables.tables_to_records(doc, found))
    return out


def _table(found: list[Table], number: int) -> Table:
    (table,) = [t for t in found if (t.caption or "").startswith(f"Table {number}.")]
    return table


@pytest.mark.parametrize("name", ["replica-1col", "replica-2col"])
def test_tables_replica_table2_every_row_one_record(replica_tables, name: str) -> None:
    _, found, records = replica_tables[name]
    table = _table(found, 2)
    got = [r for r in records if r.table_id == table.table_id]
    assert len(got) == len(TABLE_2)
    for record, (material, sigma, kelvin) in zip(got, TABLE_2, strict=True):
        assert record.material_raw == material
        if isinstance(sigma, tuple):
            assert record.qualifier == "range" and record.sigma_S_per_cm is None
            assert _close(record.sigma_low_S_per_cm, sigma[0])
            assert _close(record.sigma_high_S_per_cm, sigma[1])
        else:
            assert _close(record.sigma_S_per_cm, sigma), (material, record.value_raw)
        if kelvin is None:
            assert record.temperature_K is None, material
        else:
            assert _close(record.temperature_K, kelvin), material
        assert record.family == FAMILIES.get(material)
        assert record.reference and record.reference.startswith("[")
        assert record.source == "table" and record.flags is None
        assert record.doc_sha256 and record.value_raw in record.evidence


@pytest.mark.parametrize("name", ["replica-1col", "replica-2col"])
def test_tables_replica_table1_ranges_per_class(replica_tables, name: str) -> None:
    _, found, records = replica_tables[name]
    table = _table(found, 1)
    got = [r for r in records if r.table_id == table.table_id]
    assert [(r.family, r.sigma_low_S_per_cm, r.sigma_high_S_per_cm) for r in got] == [
        (family, low, high) for family, (low, high) in TABLE_1]
    assert all(r.temperature_K is None and r.qualifier == "range" for r in got)
    assert got[0].material_raw == "PEO-Na salt PEG, PVDF-HFP, etc."
    assert table.header[2] == "Conductivity [S cm^-1]"


def test_tables_replica_composite_has_no_formula(replica_tables) -> None:
    _, _, records = replica_tables["replica-1col"]
    by_raw = {r.material_raw: r.material_formula for r in records}
    assert by_raw["Composite of polyether-based polymer/inorganic Na3Zr2Si2PO12 (NZSP)"] is None
    assert by_raw["Na11Sn2PSe12 (NSPSe)"] == canonical_formula("Na11Sn2PSe12")


def test_tables_replica_table2_one_table_over_pages(replica_tables) -> None:
    _, found, records = replica_tables["replica-1col"]
    table = _table(found, 2)
    assert table.table_id == "p11-t1"
    assert table.n_header_rows == 1 and table.n_cols == 3
    assert {cell.page for row in table.body for cell in row} == {11, 12}
    assert {r.page for r in records if r.table_id == table.table_id} == {11, 12}


def test_tables_replica_table2_one_table_over_columns(replica_tables) -> None:
    _, found, records = replica_tables["replica-2col"]
    table = _table(found, 2)
    got = [r for r in records if r.table_id == table.table_id]
    left = [r for r in got if r.x1 < 300]
    right = [r for r in got if r.x0 > 300]
    assert len(left) == 34 and len(right) == 2
    assert table.header == ("Solid Electrolyte", "Ionic Conductivity (mS cm^-1)", "Reference")


def test_tables_record_boxes_hold_the_value(replica_tables) -> None:
    doc, _, records = replica_tables["replica-1col"]
    record = next(r for r in records if r.value_raw == "125 (300 °C)")
    page = doc.pages[record.page - 1]
    inside = [ln for ln in page.lines if ln.x0 >= record.x0 - 0.5 and ln.x1 <= record.x1 + 0.5
              and ln.top >= record.top - 0.5 and ln.bottom <= record.bottom + 0.5]
    assert [ln.text for ln in inside] == ["125 (300 °C)"]
    assert record.evidence == "LISICON Li14Zn(GeO4)4 | 125 (300 °C) | [153]"


def test_tables_cells_match_the_schema(replica_tables) -> None:
    doc, found, _ = replica_tables["replica-2col"]
    cells = tables.tables_to_cells(doc, found)
    assert list(cells.columns) == list(CELL_COLUMNS)
    frame_to_table("tables", cells)
    table2 = cells[cells["caption"].str.startswith("Table 2.", na=False)]
    assert table2["row"].max() == len(TABLE_2)  # header row 0, then one row per material
    assert table2["is_header"].sum() == 3


def test_tables_records_frame(replica_tables) -> None:
    _, _, records = replica_tables["replica-1col"]
    df = records_to_frame(records)
    assert df["record_id"].is_unique
    assert set(df["source"]) == {"table"}


# --------------------------------------------------------------------------- header and cells


@pytest.mark.parametrize(("header", "factor_unit", "log", "kelvin"), [
    ("Ionic Conductivity (mS cm^-1)", "mS cm^-1", False, None),
    ("Conductivity [S cm^-1]", "S cm^-1", False, None),
    ("σ (S/cm)", "S/cm", False, None),
    ("σ1223 K, S/cm", "S/cm", False, 1223.0),
    ("σ at 300 °C (S cm^-1)", "S cm^-1", False, 573.15),
    ("σRT (mS cm^-1)", "mS cm^-1", False, 298.15),
    ("σ400K/S cm^-1", "S cm^-1", False, 400.0),
    ("log σ", "S cm^-1", True, None),
])
def test_tables_header_unit_and_temperature(header: str, factor_unit: str, log: bool,
                                            kelvin: float | None) -> None:
    column = header_to_column(3, header)
    assert column is not None
    assert column.unit == factor_unit and column.log is log and not column.unsure
    if kelvin is None:
        assert column.temperature is None
    else:
        assert column.temperature is not None and _close(column.temperature.kelvin, kelvin)


@pytest.mark.parametrize("header", ["Ea [eV]", "R/Ω", "A [S K cm^-1]", "a/Å", "Reference",
                                    "CCPE/Ω^-1 s^n", "Potential Window (V versus Na^+/Na)"])
def test_tables_header_not_conductivity(header: str) -> None:
    assert header_to_column(0, header) is None


def test_tables_cell_lost_exponent_sign_is_flagged() -> None:
    read = cell_to_conductivity("8.2 \ufffd 10^\ufffd6", ConductivityColumn(1, "S cm^-1"))
    assert read is not None and read[0].unsure and read[0].sigma_S_per_cm == pytest.approx(8.2e-6)
    read = cell_to_conductivity("8.2 × 10^-6", ConductivityColumn(1, "S cm^-1"))
    assert read is not None and not read[0].unsure


def test_tables_header_lost_minus_is_flagged() -> None:
    column = header_to_column(1, "sRT [S cm^\ufffd1]")
    assert column is not None and column.unsure
    assert column.temperature is not None and column.temperature.kelvin == 298.15


def test_tables_header_lost_degree_reads_celsius() -> None:
    temperature = header_to_temperature("s300 \ufffdC [S cm^-1]")
    assert temperature is not None and _close(temperature.kelvin, 573.15)


@pytest.mark.parametrize(("cell", "unit", "sigma", "temperature"), [
    ("125 (300 °C)", "mS cm^-1", 0.125, "300 °C"),
    ("0.2–1 (90 °C)", "mS cm^-1", (0.0002, 0.001), "90 °C"),
    ("0.01–0.001", "mS cm^-1", (1e-6, 1e-5), None),
    ("10^-6−10^-4", "S cm^-1", (1e-6, 1e-4), None),
    ("3.5 × 10^-4", "S cm^-1", 3.5e-4, None),
    ("1.34E+05*", "S cm^-1", 1.34e5, None),
    ("4.50E-06", "S cm^-1", 4.5e-6, None),
    ("2.8(3)", "mS cm^-1", 0.0028, None),
    ("3.7 \ufffd 10^-7", "S cm^-1", 3.7e-7, None),
    ("50 °C: 1.53 × 10^-7", "S cm^-1", 1.53e-7, "50 °C"),
    ("300 \ufffd C: 3.76 \ufffd 10^-3", "S cm^-1", 3.76e-3, "300 °C"),
    ("3.37F10^\ufffd4", "S cm^-1", 3.37e-4, None),
    ("8.2 (cid:2) 10^(cid:3)6", "S cm^-1", 8.2e-6, None),
])
def test_tables_cell_values(cell: str, unit: str, sigma: float | tuple[float, float],
                            temperature: str | None) -> None:
    read = cell_to_conductivity(cell, ConductivityColumn(1, unit))
    assert read is not None
    value, temperature_text = read
    if isinstance(sigma, tuple):
        assert (value.sigma_low_S_per_cm, value.sigma_high_S_per_cm) == pytest.approx(sigma)
    else:
        assert value.sigma_S_per_cm == pytest.approx(sigma)
    assert temperature_text == temperature


@pytest.mark.parametrize("cell", ["—", "n.a.", "", "-"])
def test_tables_cell_without_value(cell: str) -> None:
    assert cell_to_conductivity(cell, ConductivityColumn(1, "S cm^-1")) is None


def test_tables_cell_lost_exponent_is_flagged_not_guessed() -> None:
    assert cell_to_conductivity("6.7 × 10 4", ConductivityColumn(1, "S cm^-1")) is None
    read = cell_to_conductivity("1.03 × 10–5", ConductivityColumn(1, "S cm^-1"))
    assert read is not None and read[0].unsure


# --------------------------------------------------------------------------- rows by hand

def _piece(col: int, text: str, y: float) -> tuple[int, str, tuple[float, float, float, float],
                                                   int]:
    return (col, text, (10.0 + 100 * col, y, 60.0 + 100 * col, y + 8), 1)


def test_tables_rows_value_on_last_line_joins_below() -> None:
    lines = [[_piece(0, "Composite of LiTFSI plasticizer", 0), _piece(1, "0.43", 0)],
             [_piece(0, "Composite of polyether-based polymer/inorganic", 10)],
             [_piece(0, "Na3Zr2Si2PO12 (NZSP)", 20), _piece(1, "0.01", 20)]]
    rows = visual_lines_to_rows(lines)
    assert [[t for c, t, _, _ in row if c == 0] for row in rows] == [
        ["Composite of LiTFSI plasticizer"],
        ["Composite of polyether-based polymer/inorganic", "Na3Zr2Si2PO12 (NZSP)"]]


def test_tables_rows_top_aligned_cells_join_above() -> None:
    lines = [[_piece(0, "Composite of", 0), _piece(1, "0.43", 0)],
             [_piece(0, "LiTFSI/PEGDA", 10)],
             [_piece(0, "Composite of polyether-based", 20), _piece(1, "0.01", 20)],
             [_piece(0, "Na3Zr2Si2PO12 (NZSP)", 30)],
             [_piece(0, "Na11Sn2PSe12", 40), _piece(1, "1", 40)]]
    rows = visual_lines_to_rows(lines)
    assert [" ".join(t for c, t, _, _ in row if c == 0) for row in rows] == [
        "Composite of LiTFSI/PEGDA", "Composite of polyether-based Na3Zr2Si2PO12 (NZSP)",
        "Na11Sn2PSe12"]


# --------------------------------------------------------------------------- records by hand

def _doc() -> Document:
    return Document("0" * 64, "hand.pdf", (), ())


def _hand_table(header: list[str], body: list[list[str]], caption: str) -> Table:
    rows = []
    for r, texts in enumerate([header, *body]):
        rows.append(tuple(Cell(r, c, t, 1, (10.0 * c, 10.0 * r, 10.0 * c + 8, 10.0 * r + 8),
                               r == 0) for c, t in enumerate(texts)))
    return Table("p1-t1", tuple(rows), 1, caption)


def test_tables_near_miss_resistance_table_gives_nothing() -> None:
    table = _hand_table(["T/°C", "R/Ω", "Ea [eV]"], [["300", "1.2 × 10^12", "0.35"]],
                        "Table 4 Fitted data of impedance spectra")
    assert table_to_records(_doc(), table) == []


def test_tables_row_label_resolves_header_formula() -> None:
    table = _hand_table(["x", "σ (S cm^-1)"], [["0.4", "1.2 × 10^-3"], ["0.6", "2 × 10^-3"]],
                        "Table 3. Conductivity of Na1+xTi2−xAlx(PO4)3 at 25 °C")
    records = table_to_records(_doc(), table)
    assert [r.material_raw for r in records] == ["Na1+xTi2−xAlx(PO4)3, x = 0.4",
                                                 "Na1+xTi2−xAlx(PO4)3, x = 0.6"]
    assert records[0].material_formula == canonical_formula("Na1.4Ti1.6Al0.4(PO4)3")
    assert records[0].sigma_S_per_cm == pytest.approx(1.2e-3)


def test_tables_row_label_in_material_column() -> None:
    table = _hand_table(["Composition", "σRT (S/cm)"], [["x = 0.4", "5.2E-04"]],
                        "Table 2. Na1+xTi2−xAlx(PO4)3")
    (record,) = table_to_records(_doc(), table)
    assert record.material_formula == canonical_formula("Na1.4Ti1.6Al0.4(PO4)3")
    assert record.temperature_K == 298.15


def test_tables_spanning_material_cell_repeats_down() -> None:
    table = _hand_table(["Compound", "σ400K/S cm^-1"], [["Na3Sc2(PO4)3", "1E-5"], ["", "2E-5"]],
                        "Table 1. Conductivity")
    records = table_to_records(_doc(), table)
    assert [r.material_raw for r in records] == ["Na3Sc2(PO4)3", "Na3Sc2(PO4)3"]


def test_tables_template_labels_fill_placeholder_and_variable() -> None:
    table = _hand_table(["M", "x", "σ600K/S cm^-1"],
                        [["Ti", "0", "2.3 × 10^-5"], ["", "0.4", "4.86 × 10^-4"]],
                        "Table 2. Conductivity Parameters for Na1+xM2-xInx(PO4)3")
    records = table_to_records(_doc(), table)
    assert [(r.material_raw, r.material_formula) for r in records] == [
        ("Na1+xM2-xInx(PO4)3, M = Ti, x = 0", canonical_formula("NaTi2(PO4)3")),
        ("Na1+xM2-xInx(PO4)3, M = Ti, x = 0.4", canonical_formula("Na1.4Ti1.6In0.4(PO4)3"))]


def test_tables_template_half_resolved_stays_null() -> None:
    table = _hand_table(["x", "σ (S cm^-1)"], [["0.4", "1.2 × 10^-3"]],
                        "Table 1. Conductivity of Na1+xM2-xInx(PO4)3")
    (record,) = table_to_records(_doc(), table)
    assert record.material_raw == "Na1+xM2-xInx(PO4)3, x = 0.4"
    assert record.material_formula is None


def test_tables_template_caption_fixes_a_placeholder() -> None:
    table = _hand_table(["x", "σ (S cm^-1)"], [["0.4", "1.2 × 10^-3"]],
                        "Table 1. Conductivity of Na1+xM2-xInx(PO4)3 (M = Zr)")
    (record,) = table_to_records(_doc(), table)
    assert record.material_formula == canonical_formula("Na1.4Zr1.6In0.4(PO4)3")


def test_tables_template_caption_listing_the_series_fixes_nothing() -> None:
    table = _hand_table(["T (°C)", "σ (S cm^-1)"], [["25", "1.2 × 10^-3"]],
                        "Table 1. Conductivity of Na1+xTi2-xAlx(PO4)3 (x = 0.2, 0.4 and 0.6)")
    (record,) = table_to_records(_doc(), table)
    assert record.material_raw == "Na1+xTi2-xAlx(PO4)3"
    assert record.material_formula is None
    assert record.temperature_K == 25 + C


def test_tables_template_caption_fixes_the_member_of_a_temperature_table() -> None:
    table = _hand_table(["T (°C)", "σ (S cm^-1)"], [["25", "1.2 × 10^-3"]],
                        "Table 1. Conductivity of Na1+xTi2-xAlx(PO4)3 (x = 0.4)")
    (record,) = table_to_records(_doc(), table)
    assert record.material_raw == "Na1+xTi2-xAlx(PO4)3, x = 0.4"
    assert record.material_formula == canonical_formula("Na1.4Ti1.6Al0.4(PO4)3")


def test_tables_template_caption_glyph_lost_read_from_document() -> None:
    facts = text_to_facts("five environments in Na1+xM2-xInx(PO4)3 phases (M ) Ti, Sn)")
    table = _hand_table(["M", "x", "σ400K/S cm^-1"], [["Sn", "0.4", "3.9 × 10^-6"]],
                        "Table 2. Parameters for `a1+xM2-xInx(PO4)3")
    (record,) = table_to_records(_doc(), table, facts)
    assert record.material_raw == "Na1+xM2-xInx(PO4)3, M = Sn, x = 0.4"
    assert record.material_formula == canonical_formula("Na1.4Sn1.6In0.4(PO4)3")


def test_tables_template_in_the_substitution_header() -> None:
    table = _hand_table(["x in Li7-xLa3Zr2-xTaxO12", "σRT (S cm^-1)"], [["0.5", "4 × 10^-4"]],
                        "Table 1. Conductivity at room temperature")
    (record,) = table_to_records(_doc(), table)
    assert record.material_raw == "Li7-xLa3Zr2-xTaxO12, x = 0.5"
    assert record.material_formula == canonical_formula("Li6.5La3Zr1.5Ta0.5O12")


@pytest.mark.parametrize(("header", "symbol"), [
    ("x", "x"), ("M", "M"), ("x in Li7-xLa3Zr2-xTaxO12", "x"), ("x (Na1+xTi2-xAlx(PO4)3)", "x"),
    ("x value", "x"), ("Content of y", "y"), ("Na3+xSc2SixP3-xO12 x", "x"),
    ("Sample", None), ("Li7La3Zr2O12 pellet", None), ("Ea [eV]", None), ("a/Å", None),
    ("a (Å)", None), ("c [Å]", None),
])
def test_tables_header_to_symbol(header: str, symbol: str | None) -> None:
    assert header_to_symbol(header) == symbol


def test_tables_labels_in_material_cell() -> None:
    table = _hand_table(["Sample", "σ (S cm^-1)"], [["M = Hf, x = 0.4", "7.7 × 10^-6"]],
                        "Table 2. Conductivity of Na1+xM2-xInx(PO4)3")
    (record,) = table_to_records(_doc(), table)
    assert record.material_formula == canonical_formula("Na1.4Hf1.6In0.4(PO4)3")


def test_tables_sample_codes_resolve_through_document_facts() -> None:
    facts = text_to_facts("Na3 + xSc2SixP3 − xO12 (abbreviated hereafter as NSSiPx) and "
                          "Li1.5Al0.5Ti1.5(PO4)3 (LATP)")
    table = _hand_table(["Sample", "σRT (S cm^-1)"],
                        [["NSSiP0.4", "8 × 10^-4"], ["LATP", "1 × 10^-3"]], "Table 1. σ")
    records = table_to_records(_doc(), table, facts)
    assert [r.material_formula for r in records] == ["Na3.4O12P2.6Sc2Si0.4",
                                                     canonical_formula("Li1.5Al0.5Ti1.5(PO4)3")]


def test_tables_bare_amount_of_a_series_named_by_x() -> None:
    facts = text_to_facts("Samples of Li7-xLa3Zr2-xTaxO12 (hereafter denoted x) and "
                          "Li1+xAlxGe2-x(PO4)3 were sintered.")
    table = _hand_table(["Sample", "σRT (S cm^-1)"], [["0.5", "4 × 10^-4"]], "Table 1. σ")
    (record,) = table_to_records(_doc(), table, facts)
    assert record.material_formula == canonical_formula("Li6.5La3Zr1.5Ta0.5O12")


def test_tables_nominal_composition_preferred() -> None:
    table = _hand_table(["Nominal composition", "Refined composition", "σ (S cm^-1)"],
                        [["Li6.5La3Zr1.5Ta0.5O12", "Li6.42La3Zr1.5Ta0.5O12", "4 × 10^-4"]],
                        "Table 1. σ")
    (record,) = table_to_records(_doc(), table)
    assert record.material_formula == canonical_formula("Li6.5La3Zr1.5Ta0.5O12")
    assert record.flags == "composition_nominal"


def test_tables_refined_composition_alone_is_flagged() -> None:
    table = _hand_table(["Composition (Rietveld)", "σ (S cm^-1)"],
                        [["Li6.42La3Zr1.5Ta0.5O12", "4 × 10^-4"]], "Table 1. σ")
    (record,) = table_to_records(_doc(), table)
    assert record.material_formula == canonical_formula("Li6.42La3Zr1.5Ta0.5O12")
    assert record.flags == "composition_refined"


def test_tables_composite_gets_no_formula() -> None:
    table = _hand_table(["Solid Electrolyte", "σ (mS cm^-1)"],
                        [["Composite of polyether-based polymer/inorganic Na3Zr2Si2PO12 (NZSP)",
                          "0.01"]], "Table 2. σ")
    (record,) = table_to_records(_doc(), table)
    assert record.material_formula is None
    assert record.material_raw.startswith("Composite of polyether")


@pytest.mark.parametrize(("header", "kind"), [
    ("σbulk [S cm^-1]", "bulk"), ("sbulk (S cm^-1)", "bulk"), ("σb (S/cm)", "bulk"),
    ("σ_gb (S/cm)", "grain_boundary"), ("σgb (S/cm)", "grain_boundary"),
    ("Grain boundary conductivity (S/cm)", "grain_boundary"),
    ("stotal [Scm^-1]", "total"), ("σt (S/cm)", "total"), ("Total σ (S cm^-1)", "total"),
    ("σe (S/cm)", "electronic"), ("Electronic conductivity (S/cm)", "electronic"),
    ("σ (S/cm)", "unspecified"), ("σRT (mS cm^-1)", "unspecified"),
    ("σ400K/S cm^-1", "unspecified"), ("Ionic Conductivity (mS cm^-1)", "unspecified"),
    ("σ at 300 °C (S cm^-1)", "unspecified"), ("log σT (S K cm^-1)", "unspecified"),
    ("σ_total, S cm^-1", "total"), ("σ (bulk) (S cm^-1)", "bulk"),
    ("σ (S cm^-1)", "unspecified"), ("σ [mS cm^-1]", "unspecified"), ("σ (S·cm^-1)", "unspecified"),
])
def test_tables_header_kind(header: str, kind: str) -> None:
    assert header_to_kind(header) == kind


@pytest.mark.parametrize(("caption", "kind"), [
    ("Table 2. Total conductivities of the garnets", "total"),
    ("Table 3. Bulk and total conductivities", "unspecified"),
    ("Table 4. Bulk ionic conductivity of the pellets", "bulk"),
    ("Table 5. Conductivity of bulk samples", "unspecified"),
    ("Table 1. Impedance data of Li7La3Zr2O12 measured in air", "unspecified"),
])
def test_tables_caption_kind(caption: str, kind: str) -> None:
    assert caption_to_kind(caption) == kind


@pytest.mark.parametrize(("header", "unit"), [
    ("T [8C]", "°C"), ("Temperature (8C)", "°C"), ("T (°C)", "°C"), ("T/K", "K"),
    ("Type", None), ("T", None), ("Thickness (cm)", None), ("Measurement temperature (K)", "K"),
    ("Sintering temperature (°C)", None),
])
def test_tables_header_temperature_unit(header: str, unit: str | None) -> None:
    assert header_to_temperature_unit(header) == unit


def test_tables_caption_material_kinds_and_temperature_column() -> None:
    table = _hand_table(["Pellet type", "T [8C]", "sbulk [Scm^\ufffd1]", "stotal [Scm^\ufffd1]"],
                        [["thick pellet", "18", "3.37F10^\ufffd4", "1.90F10^\ufffd4"],
                         ["", "25", "4.67F10^\ufffd4", "2.44F10^\ufffd4"]],
                        "Table 1: Impedance data of Li7La3Zr2O12 measured in air.^[a]")
    records = table_to_records(_doc(), table)
    assert [(r.material_raw, r.conductivity_kind, r.temperature_K) for r in records] == [
        ("Li7La3Zr2O12 (thick pellet)", "bulk", 18 + C),
        ("Li7La3Zr2O12 (thick pellet)", "total", 18 + C),
        ("Li7La3Zr2O12 (thick pellet)", "bulk", 25 + C),
        ("Li7La3Zr2O12 (thick pellet)", "total", 25 + C)]
    assert records[2].sigma_S_per_cm == pytest.approx(4.67e-4)
    assert {r.material_formula for r in records} == {canonical_formula("Li7La3Zr2O12")}
    assert all(r.flags == "unsure_exponent" for r in records)


def test_tables_settings_validate() -> None:
    with pytest.raises(ValueError):
        TableSettings(span_noise=0.7)
    with pytest.raises(ValueError):
        TableSettings(size_tolerance=0.5)


# --------------------------------------------------------------------------- real papers

@pytest.fixture(scope="session")
def real_doc():
    from extractors.layout import read_document

    cache: dict[str, Document] = {}

    def load(name: str) -> Document:
        if name not in cache:
            cache[name] = read_document(shared_path("corpus", "real", name))
        return cache[name]

    return load


def test_tables_real_survey_e_notation_tables(real_doc) -> None:
    doc = real_doc("nasicon-na-transport-survey-jpowsour-2015.pdf")
    found = tables.document_to_tables(doc)
    records = tables.tables_to_records(doc, found)
    by_table = {t.table_id: sum(r.table_id == t.table_id for r in records) for t in found}
    assert by_table["p4-t1"] == 2 * 41 and by_table["p4-t2"] == 2 * 15
    assert by_table["p5-t1"] == 2 * 49 and by_table["p5-t2"] == 2 * 6
    first = next(r for r in records if r.material_raw == "NaZr2(PO4)3")
    assert first.sigma_S_per_cm == pytest.approx(4.5e-6) and first.temperature_K == 298.15
    assert first.flags is None  # the header's minus glyph comes from the font (AdvP4C4E74 C0)
    assert not any(r.table_id == "p7-t1" for r in records)  # areas and activation energies


def test_tables_real_resistance_tables_give_nothing(real_doc) -> None:
    doc = real_doc("nasicon-na3sc2-guin-ssi-2016.pdf")
    assert tables.tables_to_records(doc, tables.document_to_tables(doc)) == []


def test_tables_real_grid_table_with_header_temperature(real_doc) -> None:
    doc = real_doc("nasicon-alkali-titanium-phosphates-asabina-rjic-2006.pdf")
    records = tables.tables_to_records(doc, tables.document_to_tables(doc))
    assert [(r.material_raw, r.sigma_S_per_cm, r.temperature_K) for r in records] == [
        ("Li0.5Na0.5Ti2(PO4)3", 8.6e-3, 1223.0), ("Na0.5K0.5Ti2(PO4)3", 7.1e-6, 1223.0),
        ("K0.5Rb0.5Ti2(PO4)3", 4.5e-6, 1223.0)]


def test_tables_real_unruled_scanned_table(real_doc) -> None:
    doc = real_doc("nasicon-scandium-subramanian-jssc-1985.pdf")
    records = tables.tables_to_records(doc, tables.document_to_tables(doc))
    assert [r.sigma_S_per_cm for r in records] == [0.029, 0.031, 0.029, 0.107, 0.120, 0.179,
                                                   0.100, 0.045, 0.081, 0.009]
    assert {r.table_id for r in records} == {"p3-t1"}



def test_tables_real_template_rows(real_doc) -> None:
    doc = real_doc("nasicon-na-in-po4-losilla-chemmater-1998.pdf")
    records = tables.tables_to_records(doc, tables.document_to_tables(doc))
    assert len(records) == 16
    first, _, third = records[:3]
    # the caption prints a Greek capital Nu for N (MANIFEST): the reader makes it Latin
    assert first.material_raw == "Na1+xM2-xInx(PO4)3, M = Ti, x = 0"
    assert first.material_formula == canonical_formula("NaTi2(PO4)3")
    assert third.material_raw == "Na1+xM2-xInx(PO4)3, M = Ti, x = 0.4"
    assert third.material_formula == canonical_formula("Na1.4Ti1.6In0.4(PO4)3")
    assert third.sigma_S_per_cm == pytest.approx(2.8e-6) and third.temperature_K == 400.0
    assert records[-1].material_formula == canonical_formula("Na1.4Zr1.6In0.4(PO4)3")


def test_tables_real_bulk_and_total_columns(real_doc) -> None:
    doc = real_doc("llzo-garnet-murugan-angew-2007.pdf")
    records = tables.tables_to_records(doc, tables.document_to_tables(doc))
    assert [r.conductivity_kind for r in records] == ["bulk", "total"] * 6
    at_25 = [r for r in records if r.temperature_K == 25 + C
             and r.material_raw == "Li7La3Zr2O12 (thick pellet)"]
    assert [(r.conductivity_kind, r.sigma_S_per_cm) for r in at_25] == [
        ("bulk", pytest.approx(4.67e-4)), ("total", pytest.approx(2.44e-4))]
    assert {r.material_formula for r in records} == {canonical_formula("Li7La3Zr2O12")}


def test_tables_real_sigma_printed_as_s(real_doc) -> None:
    doc = real_doc("garnet-li5la3sb2o12-murugan-matresbull-2008.pdf")
    records = tables.tables_to_records(doc, tables.document_to_tables(doc))
    assert [(r.material_formula, r.conductivity_kind, r.temperature_K, r.sigma_S_per_cm)
            for r in records[:4]] == [
        (canonical_formula("Li5La3Sb2O12"), "bulk", 24 + C, pytest.approx(8.2e-6)),
        (canonical_formula("Li5La3Sb2O12"), "total", 24 + C, pytest.approx(7.8e-6)),
        (canonical_formula("Li5La3Sb2O12"), "bulk", 58 + C, pytest.approx(4.3e-5)),
        (canonical_formula("Li5La3Sb2O12"), "total", 58 + C, pytest.approx(4.1e-5))]
    assert len(records) == 8 and records[-1].material_raw == "Li6SrLa2Sb2O12"


def test_tables_real_one_cell_per_temperature(real_doc) -> None:
    doc = real_doc("li7mo6-hexaoxometalates-muhle-inorgchem-2004.pdf")
    records = tables.tables_to_records(doc, tables.document_to_tables(doc))
    bi = [(r.temperature_K, r.sigma_S_per_cm, r.reference) for r in records
          if r.material_raw == "Li7BiO6"]
    assert bi == [(50 + C, pytest.approx(43.48e-7), None), (50 + C, pytest.approx(6.84e-7), "15"),
                  (300 + C, pytest.approx(18.64e-3), None),
                  (300 + C, pytest.approx(7.89e-3), "15"),  # the cited value under this work's
                  (700 + C, pytest.approx(0.2631), None)]
    assert {r.material_formula for r in records} == {
        canonical_formula(f) for f in ("Li7TaO6", "Li7SbO6", "Li7BiO6")}


def _part(page: int, x0: float, x1: float, caption: str | None, *, open_end: bool) -> TablePart:
    return TablePart(page, (x0, 100.0, x1, 700.0), (), (), (), open_end, caption)


def test_tables_continuation_joins_open_table_only() -> None:
    groups = parts_to_groups([
        _part(11, 73, 522, "Table 2. Comparison", open_end=True),
        _part(12, 73, 522, None, open_end=False),        # rest of Table 2, closing rule
        _part(12, 100, 300, None, open_end=False),       # a ruled box: nothing open any more
        _part(13, 73, 522, "Table 3. Other", open_end=False),
        _part(14, 73, 522, "Table 3 (continued)", open_end=False),
    ])
    assert [[p.page for p in g] for g in groups] == [[11, 12], [13, 14]]


def test_tables_narrow_part_does_not_continue_wide_table() -> None:
    groups = parts_to_groups([_part(3, 50, 550, "Table 1. A", open_end=True),
                              _part(4, 50, 250, None, open_end=False)])
    assert [[p.page for p in g] for g in groups] == [[3]]


@pytest.mark.parametrize(("cell", "expected"), [
    ("2 (expt.)^26 1.5 (expt.)^25 6 (calc.)^54,55",
     [("2", "expt.", "26"), ("1.5", "expt.", "25"), ("6", "calc.", "54,55")]),
    ("29 (calc.)^20 3.02 (expt.)^27", [("29", "calc.", "20"), ("3.02", "expt.", "27")]),
    ("1.2 × 10^-4^12", [("1.2 × 10^-4", None, "12")]),
    ("125 (300 °C)", [("125 (300 °C)", None, None)]),
    ("0.1 0.2", [("0.1 0.2", None, None)]),
    ("10^-3", [("10^-3", None, None)]),
    ("3.5 × 10^-4", [("3.5 × 10^-4", None, None)]),
    ("(2.1 × 10^-5)^7", [("2.1 × 10^-5", None, "7")]),
    ("(2.1 × 10^-5)", [("(2.1 × 10^-5)", None, None)]),
])
def test_tables_cell_lists_values_with_notes_and_citations(cell: str, expected) -> None:
    assert [(v.text, v.note, v.reference) for v in tables.cell_to_values(cell)] == expected


def test_tables_cell_several_values_each_a_record() -> None:
    table = _hand_table(["composition", "Ea (eV)", "σ (mS/cm)", "σ300K (mS/cm)"],
                        [["Li3InCl6", "0.20", "21", "2 (expt.)^26 1.5 (expt.)^25 6 (calc.)^54,55"]],
                        "Table 2. Li-Ion Conductivity at 300 K and Activation Energy")
    records = table_to_records(_doc(), table)
    assert [(r.sigma_S_per_cm, r.temperature_K, r.reference, r.flags) for r in records] == [
        (pytest.approx(0.021), 300.0, None, None),
        (pytest.approx(0.002), 300.0, "26", "experimental"),
        (pytest.approx(0.0015), 300.0, "25", "experimental"),
        (pytest.approx(0.006), 300.0, "54,55", "calculated")]
    assert records[3].value_raw == "6 (calc.)"


def test_tables_bracketed_cited_value_takes_the_temperature_above() -> None:
    """A literature value printed in brackets under this work's ("(2.1 × 10^-5)^7") was
    measured at the temperature of the value above it, and only for that material."""
    table = _hand_table(["Compound", "σ (S cm^-1)"],
                        [["Na2ZrO3", "25 °C: 3.2 × 10^-5"], ["", "(2.1 × 10^-5)^7"],
                         ["", "200 °C: 4.0 × 10^-3"], ["K2ZrO3", "1.0 × 10^-6"],
                         ["", "(1.5 × 10^-6)^8"]],
                        "Table 2. Conductivities")
    records = table_to_records(_doc(), table)
    assert [(r.material_raw, r.sigma_S_per_cm, r.temperature_K, r.reference)
            for r in records] == [
        ("Na2ZrO3", pytest.approx(3.2e-5), pytest.approx(298.15), None),
        ("Na2ZrO3", pytest.approx(2.1e-5), pytest.approx(298.15), "7"),
        ("Na2ZrO3", pytest.approx(4.0e-3), pytest.approx(473.15), None),
        ("K2ZrO3", pytest.approx(1.0e-6), None, None),
        ("K2ZrO3", pytest.approx(1.5e-6), None, "8")]


@pytest.mark.parametrize(("caption", "kelvin"), [
    ("Table 2. Li-Ion Conductivity at 300 K and Activation Energy", 300.0),
    ("Table 1. Conductivity of Na3Zr2Si2PO12 at 25 °C", 298.15),
    ("Table 1. Ionic conductivities measured at room temperature", 298.15),
    ("Table 3. Conductivities at room temperature", 298.15),
    ("Table 1. Conductivity of samples sintered at 1100 °C", None),
    ("Table 1. Conductivity at 25 °C and at 100 °C", None),
    ("Table 1. Ionic conductivity of the samples at 25 °C.", 298.15),
    ("Table 2. Conductivities of Na1+xTi2-xAlx(PO4)3 ceramics measured at 300 °C", 573.15),
    ("Table 1. Conductivity of the pellets annealed in air at 700 °C", None),
    ("Table 1. Conductivity of the sample obtained at 1100 °C", None),
    ("Table 1. Impedance data of Li6ALa2Ta2O12 (A = Sr, Ba) at 22 °C in air.", 295.15),
    ("Table 2. Impedance results of the pellets sintered at 1200 °C", None),
])
def test_tables_caption_temperature(caption: str, kelvin: float | None) -> None:
    found = tables.caption_to_temperature(caption)
    assert (found.kelvin if found else None) == (pytest.approx(kelvin) if kelvin else None)


def test_tables_header_rule_touching_glyph_stays_in_header() -> None:
    from extractors.document import Line

    sigma = Line(1, "σ (mS/cm)", tuple((300.0 + i, 96.14, 301.0 + i, 106.3) for i in range(9)),
                 8.0, "F", 104.1)
    caption = Line(1, "Table 2", tuple((60.0 + i, 69.0, 61.0 + i, 80.0) for i in range(7)),
                   10.0, "F", 78.0)
    assert table_parts._between_rules(sigma, 96.177, 109.1)
    assert not table_parts._between_rules(caption, 96.177, 109.1)


def test_tables_real_halide_cells_with_several_values(real_doc) -> None:
    doc = real_doc("halide-li3mcl6-park-acsami-2020.pdf")
    records = tables.tables_to_records(doc, tables.document_to_tables(doc))
    got = sorted((r.material_raw, round(r.sigma_S_per_cm * 1e3, 3), r.temperature_K)
                 for r in records if r.page == 7)
    assert got == sorted([
        ("Li3InCl6", 21.0, 300.0), ("Li3InCl6", 2.0, 300.0), ("Li3InCl6", 1.5, 300.0),
        ("Li3InCl6", 6.0, 300.0), ("Li3ScCl6", 16.0, 300.0), ("Li3ScCl6", 29.0, 300.0),
        ("Li3ScCl6", 3.02, 300.0), ("Li2.5In0.5Zr0.5Cl6", 27.0, 300.0),
        ("Li2.5Sc0.5Zr0.5Cl6", 89.0, 300.0)])


def test_tables_real_scanned_garbled_header_takes_text_temperature(real_doc) -> None:
    doc = real_doc("nasicon-scandium-subramanian-jssc-1985.pdf")
    records = tables.tables_to_records(doc, tables.document_to_tables(doc))
    assert all(r.temperature_K == pytest.approx(573.15) for r in records)
    assert canonical_formula("Na3(ScZr)SiP2O12") in {r.material_formula for r in records}


def test_tables_real_scanned_ocr_exponents(real_doc) -> None:
    doc = real_doc("nasicon-na-zr-si-p-o-tranqui-jssc-1981.pdf")
    records = tables.tables_to_records(doc, tables.document_to_tables(doc))
    # 10-d, lo-* and 10-r have no certain reading and stay unread
    assert sorted(r.sigma_S_per_cm for r in records) == [pytest.approx(0.0065),
                                                         pytest.approx(0.013),
                                                         pytest.approx(0.053)]
    assert all(r.flags is None for r in records)  # an OCR layer never marks superscripts


def test_tables_garbled_header_subscript() -> None:
    assert tables.header_has_garbled_subscript("%0” (ohm-cm)-1")
    assert tables.header_has_garbled_subscript("(+Mo”C (ohm-’ cm-‘)")
    assert not tables.header_has_garbled_subscript("σ (mS/cm)")
    assert not tables.header_has_garbled_subscript("u (ohm-cm)-1")
    assert not tables.header_has_garbled_subscript("Conductivity (S/cm)")


@pytest.mark.parametrize(("text", "kelvin"), [
    ("in conductivity at 300°C with increased Si content. The conductivity of pure "
     "Na4Zr2Si3O12 at 300 °C is low.", 573.15),
    ("the conductivity at 300°C and the conductivity at 25 °C", None),
    ("the conductivity of samples sintered at 1100 °C", None),
])
def test_tables_document_conductivity_temperature(text: str, kelvin) -> None:
    from extractors.document_facts import text_to_conductivity_temperature

    found = text_to_conductivity_temperature(text)
    assert (found.kelvin if found else None) == (pytest.approx(kelvin) if kelvin else None)


# --------------------------------------------------------------------------- shared factors


@pytest.mark.parametrize(("header", "cell", "sigma"), [
    ("σ × 10^4 (S cm^-1)", "3.2", 3.2e-4),  # the cells hold σ·10^4
    ("σ × 10^4/S cm^-1", "3.2", 3.2e-4),
    ("10^4 σ / S cm^-1", "3.2", 3.2e-4),
    ("10^4 × σ (S cm^-1)", "3.2", 3.2e-4),
    ("σ_RT × 10^3 (S cm^-1)", "3.2", 3.2e-3),
    ("σ·10^-2 (S cm^-1)", "3.2", 320.0),
    ("σ/10^-6 S cm^-1", "3.2", 3.2e-6),  # σ divided by the unit's power
    ("σ (10^-4 S cm^-1)", "3.2", 3.2e-4),
    ("σ (S cm^-1)", "3.2 × 10^-4", 3.2e-4),
    ("σ (S cm^-1)", "3.2", 3.2),
])
def test_tables_header_shared_factor(header: str, cell: str, sigma: float) -> None:
    column = header_to_column(1, header)
    assert column is not None
    read = cell_to_conductivity(cell, column)
    assert read is not None and read[0].sigma_S_per_cm == pytest.approx(sigma)


def test_tables_header_flattened_shared_factor_is_read_and_flagged() -> None:
    column = header_to_column(1, "σ × 104 (S cm-1)")
    assert column is not None and column.unsure
    read = cell_to_conductivity("3.2", column)
    assert read is not None and read[0].sigma_S_per_cm == pytest.approx(3.2e-4)
    assert header_to_column(1, "σ (S cm-1)").scale == 1.0


def test_tables_header_shared_factor_scales_ranges() -> None:
    column = header_to_column(1, "σ × 10^5 (S cm^-1)")
    read = cell_to_conductivity("2–4", column)
    assert read is not None
    assert (read[0].sigma_low_S_per_cm, read[0].sigma_high_S_per_cm) == pytest.approx((2e-5, 4e-5))


@pytest.mark.parametrize(("header", "kelvin"), [
    ("σ(25 °C) (S cm^-1)", 298.15),
    ("σ (300 K)/S cm^-1", 300.0),
    ("σ (RT) (mS cm^-1)", 298.15),
    ("σ300 °C (S cm^-1)", 573.15),
    ("σ (x = 0.2) (S cm^-1)", None),
    ("σ (25 °C, 100 °C) (S cm^-1)", None),
])
def test_tables_header_temperature_alone_in_brackets(header: str, kelvin: float | None) -> None:
    column = header_to_column(1, header)
    assert column is not None
    found = column.temperature.kelvin if column.temperature else None
    assert found == (pytest.approx(kelvin) if kelvin else None)


def test_tables_cell_uncertainty_before_lost_times_sign() -> None:
    read = cell_to_conductivity("2.8(3)I10^-7", ConductivityColumn(1, "S cm^-1"))
    assert read is not None and read[0].sigma_S_per_cm == pytest.approx(2.8e-7)


def test_tables_impedance_fit_columns_are_not_conductivities() -> None:
    table = _hand_table(
        ["Sample", "Rb/kΩ", "Cb/F", "CPE-T (F s^n-1)", "Rgb (kΩ)", "σtotal (S cm^-1)"],
        [["Li6SrLa2Ta2O12", "22.5", "5.7 × 10^-6", "1.2 × 10^-7", "7.5", "7.0 × 10^-6"]],
        "Table 1. Impedance data at 22 °C")
    records = table_to_records(_doc(), table)
    assert [(r.value_raw, r.conductivity_kind) for r in records] == [("7.0 × 10^-6", "total")]


# --------------------------------------------------------------------------- row labels


@pytest.mark.parametrize(("label", "clean", "marks"), [
    ("Ge^&2", "Ge2", ("&",)),
    ("x = 0.4^a", "x = 0.4", ("a",)),
    ("In0.4Sn1*.6", "In0.4Sn1.6", ("*",)),
    ("Li3PS4^†", "Li3PS4", ("†",)),
    ("Li7La3Zr2O12", "Li7La3Zr2O12", ()),
    ("Li^+", "Li^+", ()),
])
def test_tables_row_label_footnote_marks(label: str, clean: str, marks: tuple[str, ...]) -> None:
    assert tables.label_to_marks(label) == (clean, marks)


def test_tables_row_label_with_a_mark_fills_the_caption_template() -> None:
    table = _hand_table(["Composition", "σ (S cm^-1)"], [["x = 0.4^a", "1.2 × 10^-3"]],
                        "Table 1. Conductivity of Na1+xZr2SixP3-xO12")
    (record,) = table_to_records(_doc(), table)
    assert record.material_formula == canonical_formula("Na1.4Zr2Si0.4P2.6O12")


def test_tables_site_labels_get_no_formula_and_their_note_citation() -> None:
    """Rows that name what sits on the octahedral site are not compounds: ``Al0.13Ge1.87`` is
    not a formula; the mark ``&`` cites the note's reference."""
    table = replace(_hand_table(
        ["(Al/In^3+, M^4+)2", "σT(400 K)/S cm^-1"],
        [["Al0.13Ge1.87", "2.8(3) × 10^-7"], ["Ge^&2", "2.2 × 10^-11"]],
        "Table 7 Overall ionic conductivities at 400 K"),
        footnotes=("Electrical data for parent compounds are included.",
                   "^&Data taken from [10]. *Data taken from [16]."))
    records = table_to_records(_doc(), table)
    assert [(r.material_raw, r.material_formula, r.flags, r.reference) for r in records] == [
        ("(Al/In^3+, M^4+)2 = Al0.13Ge1.87", None, "site_label", None),
        ("(Al/In^3+, M^4+)2 = Ge2", None, "site_label", "[10]")]
    assert [r.temperature_K for r in records] == [400.0, 400.0]


@pytest.mark.parametrize(("label", "formula"), [
    ("Ge2", "NaGe2(PO4)3"),  # the parent's template holds M2, M listed
    ("Ti2", "NaTi2(PO4)3"),
    ("Al0.13Ge1.87", None),  # the nominal template has Al0.4M1.6: amounts differ
    ("Hf2", None),  # Hf is not among the listed M
    ("Ge1.6", None),  # two templates hold M1.6: which compound is not certain
    ("In0.4Ti1.6", "Na1.4In0.4Ti1.6(PO4)3"),
])
def test_tables_site_label_fills_the_template_of_its_site(label: str, formula: str | None) -> None:
    texts = ["Table 7 Conductivities for nominal Na1.4Al0.4M1.6(PO4)3 (M = Ge, Sn, Ti) samples",
             "Data for parent Na1.0M2(PO4)3 (M = Ge, Sn, Ti) compounds and "
             "Na1.4In0.4M1.6(PO4)3 (M = Ge, Ti) samples are included."]
    found = tables.site_label_to_formula(label, texts)
    assert found == (canonical_formula(formula) if formula else None)


@pytest.mark.parametrize("cell", ["110 °C: 8.24×10^-5 25 °C: 1.2×10^-7",
                                  "110 °C: 8.24 × 10^-5; 25 °C: 1.2 × 10^-7",
                                  "8.24 × 10^-5 (110 °C) 1.2 × 10^-7 (25 °C)"])
def test_tables_cell_lists_one_value_per_temperature(cell: str) -> None:
    table = _hand_table(["Sample", "σ (S cm^-1)"], [["Li3PS4", cell]], "Table 1. Conductivity")
    records = table_to_records(_doc(), table)
    assert [(r.sigma_S_per_cm, r.temperature_K) for r in records] == [
        (pytest.approx(8.24e-5), pytest.approx(110 + C)),
        (pytest.approx(1.2e-7), pytest.approx(25 + C))]
    assert len({r.record_id for r in records_to_frame(records).itertuples()}) == 2


@pytest.mark.parametrize("cell", ["1.2 (25 °C) see text", "125 (300 °C)", "0.2–1 (90 °C)"])
def test_tables_cell_with_one_temperature_is_one_value(cell: str) -> None:
    assert [v.text for v in tables.cell_to_values(cell)] == [cell]


@pytest.mark.parametrize(("label", "expected"), [
    ("Li6SrLa2Ta2O12 18.83", "Li6SrLa2Ta2O12"),   # the next column's number in the cell
    ("3.45 Li6BaLa2Ta2O12", "Li6BaLa2Ta2O12"),    # the previous column's
    ("Li7La3Zr2O12", "Li7La3Zr2O12"),
    ("x = 0.4", "x = 0.4"),                       # a label, not a formula with a stray number
    ("LLZO 2", "LLZO 2"),                         # no formula: kept as written
    ("Li3PS4 Li7P3S11", "Li3PS4 Li7P3S11"),       # two formulas: not ours to choose
])
def test_tables_label_without_neighbour_numbers(label: str, expected: str) -> None:
    assert tables.label_without_neighbour_numbers(label) == expected
