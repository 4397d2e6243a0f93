"""Bidi controls, zero-width characters and control codes: out of names, escaped when printed,
seen through by the CSV guard (issue 21, case 9)."""

import pytest

from extractors.deceptive_text import printable, strip_invisible
from extractors.records import ConductivityRecord, records_to_frame
from extractors.spreadsheet import neutralise_cell

SPOOFS = ["Li\u202e11S3P7", "Li7P3\u200bS11", "\u2066Li7P3S11\u2069", "\ufeffLi7P3S11",
          "Li7\u200fP3S11"]


def _record(material: str, evidence: str) -> ConductivityRecord:
    return ConductivityRecord(doc_sha256="0" * 64, doc_name="d.pdf", source="text", page=1,
                              x0=1, top=2, x1=3, bottom=4, material_raw=material,
                              value_raw="1 mS cm^-1", qualifier="exact", evidence=evidence,
                              sigma_S_per_cm=1e-3)


@pytest.mark.parametrize("spoof", SPOOFS)
def test_deceptive_text_removed_from_material_raw_and_flagged(spoof: str) -> None:
    frame = records_to_frame([_record(spoof, f"{spoof} shows 1 mS cm^-1")])
    assert frame.at[0, "material_raw"] == strip_invisible(spoof)
    assert "\u202e" not in frame.at[0, "material_raw"]
    assert frame.at[0, "flags"] == "hidden_characters"
    assert frame.at[0, "evidence"] == f"{spoof} shows 1 mS cm^-1"  # evidence kept as printed


def test_deceptive_text_clean_records_are_not_flagged() -> None:
    frame = records_to_frame([_record("Li7P3S11", "Li7P3S11 shows 1 mS cm^-1")])
    assert frame.at[0, "material_raw"] == "Li7P3S11"
    assert frame["flags"].isna().all()


@pytest.mark.parametrize("cell", ["\ufeff=HYPERLINK(\"x\")", "\uff1d1+1", "\u200b+cmd",
                                  "\uff20SUM(A1)", "\u202e-2+3"])
def test_deceptive_text_csv_guard_sees_through_invisible_and_fullwidth_starts(cell: str) -> None:
    assert neutralise_cell(cell) == "'" + cell


def test_deceptive_text_csv_guard_leaves_plain_text() -> None:
    assert neutralise_cell("Li7P3S11") == "Li7P3S11"
    assert neutralise_cell("\uff2c\uff49") == "\uff2c\uff49"  # fullwidth letters: no formula


def test_deceptive_text_printable_escapes_terminal_and_bidi_codes() -> None:
    name = "paper\x1b]0;pwned\x07\u202efdp.pdf"
    shown = printable(name)
    assert shown == "paper\\x1b]0;pwned\\x07\\u202efdp.pdf"
    assert all(ch.isprintable() for ch in shown)
    assert printable("line one\nline two", keep="\n") == "line one\nline two"
    assert printable("a\nb") == "a\\nb"
