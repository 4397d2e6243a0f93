"""OCR-tolerant spellings: the text layer of a scanned paper read as the page prints it.

An OCR layer (``Document.text_layer == "ocr"``) has no superscripts and confuses look-alike
glyphs: ``1O-4`` or ``lop4`` for 10^-4, ``10-Z`` for 10^-2, ``P2012`` for ``P2O12``,
``Scl.5Zro.s`` for ``Sc1.5Zr0.5``. :func:`ocr_to_text` undoes these confusions only where the
context makes the reading certain (a power of ten after a multiplication sign, a digit inside a
formula), and changes characters one for one, so every offset into the text (and the box of
each character) stays valid. A glyph with no certain reading (``10-d``, ``lo-*``) is left as
it is: the value is not read rather than guessed.
"""

from __future__ import annotations

import re

# "3.5 x 1O-4", "3.5 x lop4", "3.5 x 10e4", "1.9 x 10-l", "1.3 x 10-Z", "2 x 10 -I": mantissa,
# times sign, ten, a minus (or the p/e OCR makes of a raised minus), one or two exponent
# digits. After a multiplication sign the power is negative for any conductivity; p and e are
# read as minus only there, right after the ten.
_POWER_OF_TEN = re.compile(
    r"(?P<pre>\d\s?[xX×]\s?)(?P<ten>[1lI][0Oo])(?P<gap> ?)(?P<sign>[-−–‐pe])"
    r"(?P<exp>[0-9lIOoZz]{1,2})(?![A-Za-z0-9*])")
_DIGIT_LOOKALIKES = str.maketrans("lIOoZz", "110022")
# A formula-like word: starts with a capital or bracket and has two capitals.
_WORD = re.compile(r"\S+")
_FORMULA_WORD = re.compile(r"^[(\[]?[A-Z][^\s]*[A-Z]")
# Inside a formula word: "Scl.5" (l for 1), "Zro.8" (o for 0), "0.s" (s for 5), "P2012"
# (0 for O before the oxygen count at the end of the word).
_ONE_AFTER_ELEMENT = re.compile(r"(?<=[A-Z][a-z])[lI](?=\.\d)|(?<=[A-Z])[lI](?=\.\d)")
_ZERO_AFTER_ELEMENT = re.compile(r"(?<=[A-Z][a-z])o(?=\.[\dsS])")  # not "Co.5": cobalt
_FIVE_AFTER_POINT = re.compile(r"(?<=\d\.)[sS](?=[)\]A-Z]|$)")
_OXYGEN_AT_END = re.compile(r"(?<=[\d)A-Z])0(?=\d{1,2}$)")
_TRAILING = ".,;:"
# Units as OCR spells them, read only where the unit's shape makes the reading certain:
# "R-l cm-l" / "Q -1 cm -1" is Ω^-1 cm^-1 (an R or Q before an inverse centimetre, itself
# inverse), "cm-l", "(ohm-cm)-’", "(ohm cm) -I" end in a power of -1, and "3 fl cm" is 3 Ω cm.
_DASH = "-−–"
_ONE = "1lI’'"
_OHM_MISREAD = re.compile(
    rf"(?:(?<=\d )|(?<=\d))[RQ](?=\s?[{_DASH}][{_ONE}]\s?cm\s?[{_DASH}][{_ONE}](?![A-Za-z]))")
_INVERSE_AFTER_UNIT = re.compile(
    rf"(?:(?<=\bcm)|(?<=\bcm )|(?<=ohm[- ]cm\))|(?<=ohm[- ]cm\) )|(?<=Ω)|(?<=Ω ))"
    rf"(?P<dash>[{_DASH}])[lI’'](?![A-Za-z0-9])")
_OHM_AS_FL = re.compile(r"(?<=\d )fl(?= cm\b)")
# "3oooc", "3OoOc", "300oC": degrees Celsius after a whole number, the zeros and the raised
# degree circle read as letters o (a word never starts with a digit and ends in "oc").
_CELSIUS_MISREAD = re.compile(r"\b(?P<num>[1-9]\d*)(?P<zeros>[oO0]*)[oO°](?P<c>[cC])\b")


# "6.5 x 10-3" (with or without its unit after it): a power of ten as an OCR layer writes it,
# superscript never marked. After a multiplication sign, with a conductivity unit given, the
# exponent is certain.
_OCR_POWER_VALUE = re.compile(r"^\d+(?:\.\d+)?\s?[xX×]\s?10[-−–]\d{1,2}(?:\s.*)?$")


def is_ocr_power(value_text: str) -> bool:
    """Whether a value is written ``mantissa x 10-N`` (an OCR layer's power of ten)."""
    return bool(_OCR_POWER_VALUE.match(value_text.strip()))


def _power(m: re.Match[str]) -> str:
    sign = "-" if m["sign"] in "pe" else m["sign"]
    if m["gap"] and m["sign"] in "pe":
        return m.group(0)  # "10 e4": p and e are a minus only right after the ten
    # "10 -I": the space a typewriter layer leaves before a raised exponent moves after it
    return f"{m['pre']}10{sign}{m['exp'].translate(_DIGIT_LOOKALIKES)}{m['gap']}"


def formula_word_to_text(word: str) -> str:
    """One formula-like word with OCR's letter/digit confusions undone (same length)."""
    if not _FORMULA_WORD.match(word):
        return word
    core = word.rstrip(_TRAILING)
    tail = word[len(core):]
    core = _ONE_AFTER_ELEMENT.sub("1", core)
    core = _ZERO_AFTER_ELEMENT.sub("0", core)
    core = _FIVE_AFTER_POINT.sub("5", core)
    core = _OXYGEN_AT_END.sub("O", core)
    return core + tail


def ocr_units_to_text(text: str) -> str:
    """Units as OCR spells them (conductivity, resistivity, °C), undone one character for one.

    >>> ocr_units_to_text("2.7x 10-2 R-l cm-l and 3 fl cm at 3oooc")
    '2.7x 10-2 Ω-1 cm-1 and 3 Ω  cm at 300°C'
    """
    out = _CELSIUS_MISREAD.sub(lambda m: f"{m['num']}{'0' * len(m['zeros'])}°C", text)
    out = _OHM_MISREAD.sub("Ω", out)
    out = _INVERSE_AFTER_UNIT.sub(lambda m: m["dash"] + "1", out)
    return _OHM_AS_FL.sub("Ω ", out)


def ocr_to_text(text: str) -> str:
    """``text`` with OCR's certain confusions undone, character for character.

    >>> ocr_to_text("3.5 x lop4 (ohm-cm)-1 of Na3(ScZr)SiP2012")
    '3.5 x 10-4 (ohm-cm)-1 of Na3(ScZr)SiP2O12'
    """
    out = _POWER_OF_TEN.sub(_power, text)
    out = ocr_units_to_text(out)
    out = _WORD.sub(lambda m: formula_word_to_text(m.group(0)), out)
    if len(out) != len(text):  # every rule maps one character to one
        raise AssertionError("ocr_to_text must keep the text's length")
    return out


__all__ = ["formula_word_to_text", "is_ocr_power", "ocr_to_text", "ocr_units_to_text"]
