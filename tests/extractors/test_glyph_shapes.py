"""Symbols told from a glyph's outline in the embedded font program (``glyph_shapes``)."""

from __future__ import annotations

import pytest

from extractors.fonts import cff_to_glyphs
from extractors.glyph_shapes import keeps_text, outline_to_symbol
from tests.extractors.fontprogram import (
    APPROX,
    BULLET,
    DASH,
    DEGREE,
    EN_DASH,
    EQUALS,
    LESS_EQUAL,
    LETTER_H,
    LETTER_I,
    MIDDLE_DOT,
    MINUS,
    PLUS,
    PLUSMINUS,
    TIMES,
    cff_program,
)

SHAPES = {"bar": MINUS, "plus": PLUS, "times": TIMES, "ring": DEGREE, "dot": MIDDLE_DOT,
          "I": LETTER_I, "H": LETTER_H, "plusminus": PLUSMINUS, "bullet": BULLET,
          "dash": DASH, "equals": EQUALS, "endash": EN_DASH, "approx": APPROX,
          "lessequal": LESS_EQUAL}


@pytest.fixture(scope="module")
def glyphs() -> tuple[object, float]:
    program = cff_to_glyphs(cff_program(SHAPES))
    assert program is not None
    return program


@pytest.mark.parametrize(("name", "symbol"), [
    ("bar", "\u2212"), ("plus", "+"), ("times", "\u00d7"), ("ring", "\u00b0"),
    ("dot", "\u00b7"), ("equals", "="), ("endash", "\u2013"), ("approx", "\u2248"),
])
def test_glyph_shapes_tell_the_symbols_numbers_are_written_with(
        glyphs: tuple[object, float], name: str, symbol: str) -> None:
    outlines, em = glyphs
    assert outline_to_symbol(outlines, name, em) == symbol


@pytest.mark.parametrize("name", ["I", "H", "plusminus", "bullet", "dash", "lessequal",
                                  "missing"])
def test_glyph_shapes_leave_other_outlines_alone(glyphs: tuple[object, float],
                                                 name: str) -> None:
    outlines, em = glyphs
    assert outline_to_symbol(outlines, name, em) is None


@pytest.mark.parametrize(("symbol", "text", "keeps"), [
    ("\u2212", "-", True), ("\u2212", "\u2013", True), ("\u2212", "2", False),
    ("\u00d7", "x", True), ("\u00d7", "6", False), ("\u00b0", "\u2021", False),
    ("\u00b0", "\u030a", True),
    ("\u00b7", "I", False), ("+", "z", False),
])
def test_glyph_shapes_keep_a_text_that_already_says_the_symbol(symbol: str, text: str,
                                                               keeps: bool) -> None:
    assert keeps_text(symbol, text) is keeps
