"""OCR-tolerant spellings of a scanned paper's text layer."""

from __future__ import annotations

import pytest

from extractors.ocr import formula_word_to_text, ocr_to_text


@pytest.mark.parametrize(("text", "expected"), [
    ("3.5 x 1O-4 (ohm-cm)-’", "3.5 x 10-4 (ohm-cm)-1"),
    ("is 3.5 x lop4 (ohm cm)-’", "is 3.5 x 10-4 (ohm cm)-1"),
    ("is 3.5 x 10e4 (ohm-cm)-’", "is 3.5 x 10-4 (ohm-cm)-1"),
    ("to 1.9 x 10-l (ohm-cm)-’", "to 1.9 x 10-1 (ohm-cm)-1"),
    ("1.3 x 10-Z", "1.3 x 10-2"),
    ("6.5 x lO-3", "6.5 x 10-3"),
])
def test_ocr_power_of_ten_after_times_sign(text: str, expected: str) -> None:
    assert ocr_to_text(text) == expected


@pytest.mark.parametrize("text", [
    "3.5 x 10-d",  # no certain reading of d: the value is left unread, not guessed
    "2.3 x lo-*",
    "the 2012 paper by lop et al.",
    "loo-270",
    "10e4 cycles",  # no times sign before it
])
def test_ocr_uncertain_or_unrelated_text_unchanged(text: str) -> None:
    assert ocr_to_text(text) == text


@pytest.mark.parametrize(("word", "expected"), [
    ("Na3(ScZr)SiP2012", "Na3(ScZr)SiP2O12"),
    ("Na3(Scl.5Zro.s)Sio.5P2.5012", "Na3(Sc1.5Zr0.5)Si0.5P2.5O12"),
    ("Na3.3(Sco.3Zrl.7)Si2P012", "Na3.3(Sc0.3Zr1.7)Si2PO12"),
    ("Li7La3Zr2012.", "Li7La3Zr2O12."),
    ("NaCo.5", "NaCo.5"),  # cobalt, not C0.5
    ("2012", "2012"),
])
def test_ocr_formula_letter_digit_confusions(word: str, expected: str) -> None:
    assert formula_word_to_text(word) == expected


def test_ocr_keeps_every_offset() -> None:
    text = "conductivity of Na2(ZrSc)P3012 is 3.5 x lop4 (ohm cm)-’ at 300°C"
    assert len(ocr_to_text(text)) == len(text)


@pytest.mark.parametrize(("value", "expected"), [
    ("6.5 x 10-3", True), ("3.5 x 10-4 (ohm-cm)-1", True), ("3.5 × 10^-4", False),
    ("10-4", False), ("3.5 x 10-d", False),
])
def test_ocr_power_of_ten_shape(value: str, expected: bool) -> None:
    from extractors.ocr import is_ocr_power

    assert is_ocr_power(value) is expected


@pytest.mark.parametrize(("text", "expected"), [
    ("(crSo0=2.7x 10-2 R-l cm-l)", "(crSo0=2.7x 10-2 Ω-1 cm-1)"),
    ("4.5x 10-2 Q -1 cm -1.", "4.5x 10-2 Ω -1 cm -1."),
    ("3.5 x 1O-4 (ohm-cm)-’ at", "3.5 x 10-4 (ohm-cm)-1 at"),
    ("2 x 10 -I (ohm cm) -I in", "2 x 10-1  (ohm cm) -1 in"),
    ("about 3 fl cm at 300°C", "about 3 Ω  cm at 300°C"),
    ("1.5 Ω-1 cm-1", "1.5 Ω-1 cm-1"),
    ("At 3oooc NASICON", "At 300°C NASICON"),
    ("at 3OoOc and 25oC", "at 300°C and 25°C"),
])
def test_ocr_units_as_ocr_spells_them(text: str, expected: str) -> None:
    assert ocr_to_text(text) == expected


@pytest.mark.parametrize("text", [
    "R-l", "the cm-level", "Ru-l", "2 x 10 e4 x", "a Q-l factor", "fl cm", "3 doc", "Co",
])
def test_ocr_units_only_where_certain(text: str) -> None:
    assert ocr_to_text(text) == text
