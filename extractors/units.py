"""The project's one pint registry and all reading of numbers, conductivity units, temperatures.

Text reaches pint only after :func:`normalise_text` and the unit clean-up here, and every
conductivity is checked for the dimension S/length: pint alone reads ``2 × 10−6 S cm−1`` as
``120 cm·S`` without complaint. Input follows the layout reader's convention: superscripts are
marked with ``^`` (``10^-6``, ``cm^-1``); anything that only reads as a value by restoring a lost
superscript is flagged ``unsure`` rather than guessed silently.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from tokenize import TokenError

import pint

from extractors.errors import UnitParseError
from extractors.schemas import QUALIFIERS

__all__ = [
    "DEFAULT_LOG_UNIT",
    "Q_",
    "ROOM_TEMPERATURE_K",
    "ZERO_CELSIUS_K",
    "Conductivity",
    "ParsedValue",
    "Temperature",
    "conductivity_unit_to_factor",
    "normalise_text",
    "parse_conductivity",
    "parse_log_conductivity",
    "parse_number",
    "parse_temperature",
    "parse_value",
    "split_value_temperature",
    "ureg",
]

ureg: pint.UnitRegistry[float] = pint.UnitRegistry()
Q_ = ureg.Quantity

#: Unit of the values in a ``log σ`` column when its header names none.
DEFAULT_LOG_UNIT = "S cm^-1"
#: What "RT", "room temperature" and "ambient temperature" stand for.
ROOM_TEMPERATURE_K = 298.15
#: 0 °C in kelvin.
ZERO_CELSIUS_K = 273.15

_CONDUCTIVITY = ureg.Unit("S/cm")
#: Values are rounded to this many significant digits so 1.954 mS/cm is 0.001954, not 0.0019539...
_SIGNIFICANT_DIGITS = 15

# --- normalise_text ------------------------------------------------------------------------------

_SUPERSCRIPT_RUN_RE = re.compile("[⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺]+")
_SUPERSCRIPT_DIGITS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")
# Mapped before NFKC, which would turn º into "o" and ˚ into a space plus a combining ring.
_CHARACTERS = str.maketrans({
    "◦": "°", "º": "°", "˚": "°", "∘": "°",
    "∼": "~", "〜": "~", "～": "~", "≃": "≈",
    "⩽": "≤", "⩾": "≥", "⋅": "·", "∙": "·",
    "\u00ad": None, "\u200b": None, "\ufeff": None,
})
_DASH = "[-‐‑‒–—−﹣－]"
_E_NOTATION_THORN_RE = re.compile(r"(?<=\d[Ee])þ(?=\d)")
# Elsevier fonts extract × as "$" ("6.7$10^-4"); OCR reads the 0 of "10" as a letter O.
_TIMES_RE = re.compile(r"(?<=[\d)])\s*[×xX✕⨯∗*$·]\s*(?=1[0Oo])")
_OCR_TEN_RE = re.compile(r"(?<=× )1[Oo]")
_OCR_EXPONENT_ONE_RE = re.compile(rf"(?<=× 10)({_DASH})[lI](?![A-Za-z])")
_SUPERSCRIPT_DASH_RE = re.compile(rf"\^\s*{_DASH}")
_DIGIT_DASH_DIGIT_RE = re.compile(rf"(?<=\d)\s*({_DASH})\s*(?=\d)")
# Not after a temperature unit: "25 °C–300 °C" is a range.
_UNIT_DASH_DIGIT_RE = re.compile(rf"(?<=[A-Za-zΩμ)\]])(?<!°C)(?<!°F)(?<! K){_DASH}\s*(?=\d)")
_SIGN_RE = re.compile(rf"(?:^|(?<=[\s(\[=~≈<>≤≥±,;:/–]))({_DASH})\s*(?=\.?\d)")
_LONE_MINUS_RE = re.compile(r"(?<!\d)−|−(?!\d)")
_LEFTOVER_MINUS = str.maketrans({"‐": "-", "‑": "-", "﹣": "-", "－": "-", "‒": "–"})
# A superscript (or typed) letter o before C after a number is a degree ring: "25 ^oC", "25 oC".
_O_DEGREE_RE = re.compile(r"(?<=\d)\s?(?:\^[o°]|o)(?=C\b)")
_DEGREE_RE = re.compile(r"(?<=\d)\s*°\s*(?=[CFK]\b)")
_LOOSE_DEGREE_RE = re.compile(r"\^?°\s+(?=[CFK]\b)")


def normalise_text(text: str) -> str:
    """Canonical characters for the parsers, so each messy spelling is handled in one place.

    Superscript digits become ``^`` runs; ◦/º/˚ become °, ℃ becomes °C, Ω (U+2126) becomes Ω,
    µ becomes Greek μ (as NFKC does), odd spaces become one space, and a multiplication sign
    before ``10`` (×, x, ·, or Elsevier's ``$``) becomes `` × ``. Dashes are read by position:
    after ``^``, a unit or at the start of a number they are ``-``; between two numbers they are a
    range ``–``, except U+2212, kept as ``−`` because after a bare ``10`` it marks an exponent whose
    superscript was lost (:func:`parse_number` decides).

    Args:
        text: A value, unit, temperature or sentence as the layout reader wrote it.

    Returns:
        The same text with canonical characters; offsets into ``text`` are not preserved.
    """
    text = _SUPERSCRIPT_RUN_RE.sub(lambda m: "^" + m.group().translate(_SUPERSCRIPT_DIGITS), text)
    text = unicodedata.normalize("NFKC", text.translate(_CHARACTERS)).replace("µ", "μ")
    text = " ".join(text.split())
    text = _E_NOTATION_THORN_RE.sub("+", text)
    text = _TIMES_RE.sub(" × ", text)
    text = _OCR_TEN_RE.sub("10", text)
    text = _OCR_EXPONENT_ONE_RE.sub(r"\g<1>1", text)
    text = _SUPERSCRIPT_DASH_RE.sub("^-", text)
    text = _DIGIT_DASH_DIGIT_RE.sub(lambda m: "−" if m.group(1) == "−" else "–", text)
    text = _UNIT_DASH_DIGIT_RE.sub("-", text)
    text = _SIGN_RE.sub("-", text)
    text = _LONE_MINUS_RE.sub("-", text).translate(_LEFTOVER_MINUS)
    text = _DEGREE_RE.sub(" °", _O_DEGREE_RE.sub("°", text))
    return _LOOSE_DEGREE_RE.sub("°", text).strip()


# --- numbers -------------------------------------------------------------------------------------

# Commas only as thousands separators ("1,200 °C"); decimal commas are not read.
_MANTISSA = r"(?:[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[-+]?\.\d+)"
_UNCERTAINTY = r"(?:\(\d+\))?"
_PLAIN_RE = re.compile(rf"(?P<mant>{_MANTISSA}){_UNCERTAINTY}(?:\s*±\s*{_MANTISSA})?")
_E_NOTATION_RE = re.compile(rf"(?P<mant>{_MANTISSA}){_UNCERTAINTY}[eE](?P<exp>[-+]?\d+)")
# "(2.3 ± 0.2) × 10^-4", the value is the mantissa; the uncertainty is no range.
_STATED_MANTISSA = (rf"(?:\(\s*(?P<bmant>{_MANTISSA})\s*±\s*{_MANTISSA}\s*\)"
                    rf"|(?P<mant>{_MANTISSA}){_UNCERTAINTY}(?:\s*±\s*{_MANTISSA})?)")
_POWER_RE = re.compile(
    rf"(?:{_STATED_MANTISSA}\s*×\s*|(?P<sign>[-+]?))10\^(?P<exp>[-+]?\d+)"
)
# A power of ten whose superscript was lost but whose minus survived: "1.03 × 10–5", "10−4",
# "10–3" (a range would not fall from 10 to one digit).
_UNMARKED_POWER_RE = re.compile(
    rf"(?:(?P<mant>{_MANTISSA}){_UNCERTAINTY}\s*×\s*10[–−-]|10−|10–(?=\d$))(?P<exp>\d{{1,2}})"
)
# Superscript and minus both lost: "10 5", "6.7 × 104". Reading these would guess the sign.
_LOST_POWER_RE = re.compile(rf"(?:{_MANTISSA}{_UNCERTAINTY}\s*×\s*)?10\s+\d{{1,2}}|.*×\s*10\d+")


def _decimal_to_float(mantissa: str | None, exponent: str = "0", sign: str = "") -> float:
    """Build the float from its decimal text, so 2 × 10^-6 is exactly the float of "2e-6"."""
    digits = (mantissa or f"{sign}1").replace(",", "")
    return float(f"{digits}e{exponent}")


def _number_text_to_float(text: str) -> tuple[float, bool]:
    """Read one normalised number; the flag says a lost superscript was assumed."""
    text = text.strip()
    if m := _PLAIN_RE.fullmatch(text):
        return _decimal_to_float(m["mant"]), False
    if m := _E_NOTATION_RE.fullmatch(text):
        return _decimal_to_float(m["mant"], m["exp"]), False
    if m := _POWER_RE.fullmatch(text):
        return _decimal_to_float(m["mant"] or m["bmant"], m["exp"], m["sign"] or ""), False
    if m := _UNMARKED_POWER_RE.fullmatch(text):
        return _decimal_to_float(m["mant"], "-" + m["exp"]), True
    if _LOST_POWER_RE.fullmatch(text):
        raise UnitParseError(f"power of ten without superscript or sign in {text!r}")
    raise UnitParseError(f"not a number: {text!r}")


def parse_number(text: str, *, allow_unsure: bool = False) -> float:
    """Read one number as printed: ``2 × 10^-6``, ``3.3·10^-4``, ``1.34E+05``, ``2.8(3)``, ``0.43``.

    Args:
        text: The number alone (no unit, no range).
        allow_unsure: Accept a power of ten whose superscript was lost but whose minus survived
            (``10−4``, ``1.03 × 10–5``); journals mean 10^-4 there, but the document does not
            say it.

    Raises:
        UnitParseError: Not a number, or an exponent the document does not show (``10 5``).
    """
    value, unsure = _number_text_to_float(normalise_text(text))
    if unsure and not allow_unsure:
        raise UnitParseError(f"exponent not marked as superscript in {text!r}")
    return value


# --- values: ranges, bounds, approximations ------------------------------------------------------

_PREFIX_RES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (qualifier, re.compile(rf"(?:{words})(?![A-Za-z])\s*", re.IGNORECASE))
    for qualifier, words in (
        ("approx", r"~|≈|about|around|approx(?:imately|\.)?|ca\.?|circa|nearly|roughly"),
        ("max_reported", r"up to|as high as"),
        ("upper_bound", r"≤|<=?|less than|below|lower than|under|at most|not exceeding"),
        ("lower_bound", r"≥|>=?|above|exceed(?:s|ing)|over|more than|greater than|higher than"
                        r"|at least|in excess of"),
        ("range", r"from|between"),
    )
)
_RANGE_SEPARATOR_RE = re.compile(r"\s*[–−]\s*|\s+(?:to|and)\s+")
_BARE_TEN_RE = re.compile(r"(?:^|×\s*)10$")
_SINGLE_DIGIT_RE = re.compile(r"\d(?![\d.])")
_TRAILING_PUNCTUATION = " .,;:"


@dataclass(frozen=True)
class ParsedValue:
    """A stated number: exact, approximate, a range or an open bound.

    ``value`` is set only for ``exact``/``approx``/``max_reported`` (then ``low == high ==
    value``); a range sets both ends, a bound only its own end. ``unsure`` marks a value read
    by restoring a lost superscript, for curators to check.
    """

    value: float | None
    low: float | None
    high: float | None
    qualifier: str
    unsure: bool = False

    def __post_init__(self) -> None:
        _check_ends(self.qualifier, self.value, self.low, self.high)


def _check_ends(qualifier: str, value: float | None, low: float | None, high: float | None) -> None:
    """Reject combinations of value and ends that contradict the qualifier."""
    if qualifier not in QUALIFIERS:
        raise ValueError(f"qualifier must be one of {QUALIFIERS}, not {qualifier!r}")
    expected = {
        "exact": value is not None and low == high == value,
        "approx": value is not None and low == high == value,
        "max_reported": value is not None and low == high == value,
        "range": value is None and low is not None and high is not None and low <= high,
        "lower_bound": value is None and low is not None and high is None,
        "upper_bound": value is None and low is None and high is not None,
    }[qualifier]
    if not expected:
        raise ValueError(f"{qualifier} does not fit value={value}, low={low}, high={high}")


def _text_to_prefix_and_body(text: str) -> tuple[str | None, str]:
    """Split a leading qualifier word or sign (``~``, ``above``, ``up to``) from the number."""
    for qualifier, prefix_re in _PREFIX_RES:
        if m := prefix_re.match(text):
            return qualifier, text[m.end():]
    return None, text


def _body_to_parts(body: str, *, powers_of_ten: bool) -> list[str]:
    """Split a range at its separators, keeping the dash of an unmarked exponent.

    After ``× 10`` a dash is always an exponent's minus; after a bare ``10`` it is when it is
    U+2212 (``10−4``) or when a range would fall from 10 to one digit (``10-3``, ``10–2–10``).
    """
    parts: list[str] = []
    start = 0
    for m in _RANGE_SEPARATOR_RE.finditer(body):
        left = body[start:m.start()].strip()
        dash = m.group().strip()
        exponent = dash == "−" or "×" in left or _SINGLE_DIGIT_RE.match(body, m.end())
        if powers_of_ten and dash in ("–", "−") and _BARE_TEN_RE.search(left) and exponent:
            continue
        parts.append(left)
        start = m.end()
    parts.append(body[start:].strip())
    return parts


def _body_to_value(body: str, prefix: str | None, *, powers_of_ten: bool = True) -> ParsedValue:
    """Read the number or range left after the qualifier prefix was taken off."""
    parts = _body_to_parts(body.strip(_TRAILING_PUNCTUATION), powers_of_ten=powers_of_ten)
    if len(parts) > 2:
        raise UnitParseError(f"more than two numbers in {body!r}")
    if powers_of_ten:
        read = [_number_text_to_float(part) for part in parts]
    else:
        read = [(_decimal_to_float(m["mant"]), False) for m in map(_PLAIN_RE.fullmatch, parts) if m]
        if len(read) != len(parts):
            raise UnitParseError(f"not a plain number or range: {body!r}")
    numbers = [number for number, _ in read]
    unsure = any(flag for _, flag in read)
    if len(numbers) == 2:
        if prefix in ("lower_bound", "upper_bound"):
            raise UnitParseError(f"a bound cannot be a range: {body!r}")
        return ParsedValue(None, min(numbers), max(numbers), "range", unsure)
    (number,) = numbers
    if prefix == "lower_bound":
        return ParsedValue(None, number, None, "lower_bound", unsure)
    if prefix == "upper_bound":
        return ParsedValue(None, None, number, "upper_bound", unsure)
    if prefix == "range":
        raise UnitParseError(f"'from'/'between' without a second number: {body!r}")
    return ParsedValue(number, number, number, prefix or "exact", unsure)


def parse_value(text: str) -> ParsedValue:
    """Read a stated value: ``0.43``, ``~5e-3``, ``0.2–1``, ``10^-5–10^-6``, ``> 10^-3``.

    Qualifiers are signs or words (``≈``, ``ca.``, ``above``, ``up to``, ``from ... to``); range
    ends are sorted; ``~ 0.01–0.1`` is a range (the ends already carry the vagueness).

    Raises:
        UnitParseError: The text is not one number, one range or one bound.
    """
    prefix, body = _text_to_prefix_and_body(normalise_text(text))
    return _body_to_value(body, prefix)


# --- conductivity units --------------------------------------------------------------------------

_UNIT_START_RE = re.compile(r"(?<![A-Za-z°])(?:\(\s*)?(?!(?:[eE][-+]?\d|to\s|and\s))[A-Za-zΩμ]")
_ENCLOSED_RE = re.compile(r"\((?P<inner>[^()]*)\)|\[(?P<inner2>[^\[\]]*)\]")
_MULTIPLIER_RE = re.compile(r"(?:×\s*)?(?P<number>[^A-Za-zΩμ(]*\d)\s*(?=[A-Za-zΩμ(])")
_OCR_UNIT_EXPONENT_RE = re.compile(r"-\s*[’‘'`´lI](?![A-Za-z])")
_JOINED_SIEMENS_RE = re.compile(r"\b([mμ]?S)(?=c?m\b)")
_UNIT_JOINER_RE = re.compile(r"(?<=[A-Za-zΩ])[-.](?=[A-Za-zΩ(])")
_UNIT_MINUS_RE = re.compile(r"(?<=[A-Za-z)])\s*-\s*(?=\d)")
_UNIT_LOST_MINUS_RE = re.compile(r"(?<=[A-Za-z)])\s*(?=\d)")
_PINT_SAFE_RE = re.compile(r"[A-Za-z0-9^+\-/(). ]+")


def _strip_enclosing(text: str) -> str:
    """Drop brackets around a whole header unit (``[S cm1]``) but keep ``(Ω cm)^-1``."""
    m = _ENCLOSED_RE.fullmatch(text)
    return (m["inner"] if m["inner"] is not None else m["inner2"]).strip() if m else text


def _unit_text_to_factor(unit_text: str) -> tuple[float, bool]:
    """Factor to S/cm; the flag says a minus lost from an exponent was restored (``S cm1``)."""
    text = _strip_enclosing(normalise_text(unit_text).lstrip("/ "))
    multiplier, unsure = 1.0, False
    if m := _MULTIPLIER_RE.match(text):
        multiplier, unsure = _number_text_to_float(m["number"])
        text = text[m.end():]
    text = _OCR_UNIT_EXPONENT_RE.sub("-1", text)
    text = _JOINED_SIEMENS_RE.sub(r"\1 ", text)
    text = _UNIT_JOINER_RE.sub(" ", text).replace("Ω", "ohm").replace("μ", "u").replace("·", " ")
    text = _UNIT_MINUS_RE.sub("^-", text)
    if _UNIT_LOST_MINUS_RE.search(text):
        unsure = True
        text = _UNIT_LOST_MINUS_RE.sub("^-", text)
    if not text or not _PINT_SAFE_RE.fullmatch(text):
        raise UnitParseError(f"not a unit: {unit_text!r}")
    try:
        quantity = ureg.parse_expression(text)
    except (pint.PintError, ArithmeticError, AssertionError, AttributeError, SyntaxError,
            TokenError, TypeError, ValueError) as err:
        # pint asserts on some operator-only input ("de-") and divides by zero on "C/0"
        raise UnitParseError(f"not a unit: {unit_text!r} ({err})") from err
    if not isinstance(quantity, pint.Quantity) or (
        quantity.dimensionality != _CONDUCTIVITY.dimensionality
    ):
        raise UnitParseError(f"not a conductivity unit (S/length): {unit_text!r}")
    return _tidy(multiplier * float(quantity.to(_CONDUCTIVITY).magnitude)), unsure


def _tidy(number: float) -> float:
    """Round away binary noise from unit conversion."""
    return float(f"{number:.{_SIGNIFICANT_DIGITS}g}")


def conductivity_unit_to_factor(unit_text: str, *, allow_unsure: bool = False) -> float:
    """Factor from ``unit_text`` to S/cm (``mS cm^-1`` → 1e-3, ``S m^-1`` → 1e-2).

    Accepts ``S cm^-1``, ``S/cm``, ``(Ω cm)^-1``, ``ohm^-1 cm^-1``, ``(ohm-cm)-1``, ``mho/cm``,
    ``µS cm^-1``, header forms in brackets (``[S cm^-1]``) and scaled headers (``10^-4 S cm^-1``).

    Args:
        unit_text: The unit alone.
        allow_unsure: Accept an exponent whose minus was lost (``S cm1``, ``S cm 1``), read as
            the only conductivity it can be.

    Raises:
        UnitParseError: Not a unit, or not S/length: ``mA cm^-2``, ``eV``, ``S``, ``Ω cm``.
    """
    factor, unsure = _unit_text_to_factor(unit_text)
    if unsure and not allow_unsure:
        raise UnitParseError(f"exponent sign lost in unit {unit_text!r}")
    return factor


# --- conductivities ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Conductivity:
    """A conductivity in S/cm, shaped like the record columns of the same names.

    ``unit_text`` is the unit used, as normalised: the cell's own or the header's default.
    """

    sigma_S_per_cm: float | None
    sigma_low_S_per_cm: float | None
    sigma_high_S_per_cm: float | None
    qualifier: str
    unsure: bool
    unit_text: str

    def __post_init__(self) -> None:
        _check_ends(self.qualifier, self.sigma_S_per_cm, self.sigma_low_S_per_cm,
                    self.sigma_high_S_per_cm)
        ends = (self.sigma_low_S_per_cm, self.sigma_high_S_per_cm)
        if any(end is not None and end <= 0 for end in ends):
            raise UnitParseError(f"conductivity must be positive, got {ends}")


def _value_to_conductivity(value: ParsedValue, scale: float, unsure: bool, unit_text: str,
                           *, log10: bool = False) -> Conductivity:
    """Scale each end of a parsed value into S/cm."""

    def to_s_per_cm(number: float | None) -> float | None:
        if number is None:
            return None
        return _tidy((10.0**number if log10 else number) * scale)

    return Conductivity(to_s_per_cm(value.value), to_s_per_cm(value.low), to_s_per_cm(value.high),
                        value.qualifier, value.unsure or unsure, unit_text)


def parse_conductivity(text: str, default_unit: str | None = None) -> Conductivity:
    """Read a conductivity and its unit: ``2 × 10^-6 S cm^-1``, ``0.01–0.1 mS cm–1``, ``> 1 mS/cm``

    Args:
        text: Value and unit, or a bare value when the unit sits in a table header.
        default_unit: The header's unit, used only when ``text`` has none
            (``125`` under ``Ionic Conductivity (mS cm^-1)``).

    Raises:
        UnitParseError: No unit, a unit that is not S/length, a value that cannot be read or a
            value that is not positive. Split a temperature off first
            (:func:`split_value_temperature`).
    """
    prefix, body = _text_to_prefix_and_body(normalise_text(text))
    m = _UNIT_START_RE.search(body)
    value_text, unit_text = (body[:m.start()], body[m.start():].strip()) if m else (body, "")
    unit_text = unit_text or normalise_text(default_unit or "")
    if not unit_text:
        raise UnitParseError(f"no unit in {text!r} and no default unit")
    scale, unsure = _unit_text_to_factor(unit_text)
    return _value_to_conductivity(_body_to_value(value_text, prefix), scale, unsure, unit_text)


def parse_log_conductivity(text: str, unit_text: str = DEFAULT_LOG_UNIT) -> Conductivity:
    """Read a ``log σ`` table cell: ``-3.2`` means 10^-3.2 in ``unit_text`` (log is not a unit).

    Raises:
        UnitParseError: The cell is not a number or range, or ``unit_text`` is not S/length.
    """
    scale, unsure = _unit_text_to_factor(unit_text)
    return _value_to_conductivity(parse_value(text), scale, unsure, normalise_text(unit_text),
                                  log10=True)


# --- temperatures --------------------------------------------------------------------------------

_ROOM_TEMPERATURE_RE = re.compile(
    r"RT|r\.\s?t\.|(?i:room[ -]temperature|ambient(?:[ -]temperature)?)"
)
_TEMPERATURE_LEAD_RE = re.compile(r"^(?:at\b|T\s*=)\s*", re.IGNORECASE)
_TEMPERATURE_RE = re.compile(r"(?P<values>.*?\d)\s*(?P<unit>°C|°F|K)")
_INNER_TEMPERATURE_UNIT_RE = re.compile(r"\s*(?:°C|°F|K)(?=\s*[–−]|\s+(?:to|and)\s)")
_TEMPERATURE_UNITS = {"°C": ureg.degC, "°F": ureg.degF, "K": ureg.kelvin}
_VALUE_TEMPERATURE_RES = (
    re.compile(r"(?P<value>.*?\S)\s*\((?P<temperature>[^()]+)\)\s*"),
    re.compile(r"(?P<value>.*?\S)\s+at\s+(?P<temperature>.+?)\s*"),
)


@dataclass(frozen=True)
class Temperature:
    """A measurement temperature in kelvin; ``raw`` is the text as written.

    Like :class:`ParsedValue`, ``kelvin`` is set for ``exact``/``approx`` and the ends for ranges
    and bounds. Room temperature is ``approx`` 298.15 K.
    """

    kelvin: float | None
    low_kelvin: float | None
    high_kelvin: float | None
    qualifier: str
    raw: str

    def __post_init__(self) -> None:
        _check_ends(self.qualifier, self.kelvin, self.low_kelvin, self.high_kelvin)


def parse_temperature(text: str) -> Temperature | None:
    """Read ``300 °C``, ``(25°C)``, ``353 K``, ``above 529 K``, ``30–80 °C``, ``T = 300 K``, ``RT``.

    Returns:
        The temperature, or None when ``text`` is not one (no °C/K unit, not a room-temperature
        phrase, or below absolute zero), so callers can probe parentheses and "at ..." tails.
    """
    norm = _TEMPERATURE_LEAD_RE.sub("", _strip_enclosing(normalise_text(text)), count=1)
    norm = norm.strip(_TRAILING_PUNCTUATION)
    if _ROOM_TEMPERATURE_RE.fullmatch(norm):
        k = ROOM_TEMPERATURE_K
        return Temperature(k, k, k, "approx", text)
    prefix, body = _text_to_prefix_and_body(norm)
    m = _TEMPERATURE_RE.fullmatch(body)
    if not m:
        return None
    try:
        values = _INNER_TEMPERATURE_UNIT_RE.sub("", m["values"])
        value = _body_to_value(values, prefix, powers_of_ten=False)
    except UnitParseError:
        return None
    unit = _TEMPERATURE_UNITS[m["unit"]]

    def to_kelvin(number: float | None) -> float | None:
        return None if number is None else _tidy(float(Q_(number, unit).to(ureg.kelvin).magnitude))

    low, high = to_kelvin(value.low), to_kelvin(value.high)
    if any(end is not None and end < 0 for end in (low, high)):
        return None
    return Temperature(to_kelvin(value.value), low, high, value.qualifier, text)


def split_value_temperature(cell: str) -> tuple[str, str | None]:
    """Split ``125 (300 °C)`` or ``0.1 S cm^-1 at 25 °C`` into value text and temperature text.

    Both parts are returned as written, so the temperature can go to ``temperature_raw``.

    Returns:
        ``(value, temperature)``, or ``(cell, None)`` when no trailing temperature is found.
    """
    for split_re in _VALUE_TEMPERATURE_RES:
        m = split_re.fullmatch(cell.strip())
        if m and parse_temperature(m["temperature"]) is not None:
            return m["value"], m["temperature"]
    return cell.strip(), None
