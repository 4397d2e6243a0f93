"""Tests for extractors/units.py: the one registry; reading values, units and temperatures."""

import dataclasses
from pathlib import Path

import pint
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractors import units
from extractors.errors import IonlitError, UnitParseError
from extractors.units import (
    Conductivity,
    ParsedValue,
    Temperature,
    conductivity_unit_to_factor,
    normalise_text,
    parse_conductivity,
    parse_log_conductivity,
    parse_number,
    parse_temperature,
    parse_value,
    split_value_temperature,
)

REPO = Path(__file__).resolve().parents[2]


def _ends(result: ParsedValue | Conductivity | Temperature) -> tuple[object, ...]:
    """The numeric fields and qualifier of a result, for one approx comparison."""
    return tuple(getattr(result, f.name) for f in dataclasses.fields(result)
                 if f.name not in ("raw", "unit_text"))


# --- the registry -------------------------------------------------------------------------------


def test_units_registry_is_one_pint_registry():
    assert isinstance(units.ureg, pint.UnitRegistry)
    assert units.Q_ is units.ureg.Quantity
    total = units.Q_(1, "mS/cm") + units.Q_(1, "S/m")
    assert total.to("S/cm").magnitude == pytest.approx(1.1e-2)


def test_units_no_other_module_creates_a_registry():
    offenders = [
        path.relative_to(REPO).as_posix()
        for folder in ("extractors", "pipelines")
        for path in (REPO / folder).rglob("*.py")
        if path != REPO / "extractors" / "units.py" and "UnitRegistry(" in path.read_text("utf-8")
    ]
    assert offenders == []


def test_units_errors_are_value_errors():
    assert issubclass(UnitParseError, ValueError)
    assert issubclass(UnitParseError, IonlitError)


# --- normalise_text -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2 × 10⁻⁶ S cm⁻¹", "2 × 10^-6 S cm^-1"),
        ("2 × 10^−6 S cm^–1", "2 × 10^-6 S cm^-1"),
        ("300 ℃", "300 °C"),
        ("300 ◦C", "300 °C"),
        ("300ºC", "300 °C"),
        ("300˚ C", "300 °C"),
        ("25°C", "25 °C"),
        ("1 \u2126", "1 Ω"),
        ("5 µS", "5 μS"),
        ("0.2\u2009–\u20091", "0.2–1"),
        ("25-300 °C", "25–300 °C"),
        ("10^-5–10^-6", "10^-5–10^-6"),
        ("10^-6−10^-4", "10^-6−10^-4"),
        ("10−4", "10−4"),
        ("2.3 × 10− 5 S cm− 1", "2.3 × 10−5 S cm-1"),
        ("−20 °C", "-20 °C"),
        ("from − 30 °C", "from -30 °C"),
        ("S cm−1", "S cm-1"),
        ("mS cm–1", "mS cm-1"),
        ("(Ω cm)–1", "(Ω cm)-1"),
        ("25 °C–300 °C", "25 °C–300 °C"),
        ("3.5 x 1O-4", "3.5 × 10–4"),
        ("1.9 x 10-l", "1.9 × 10–1"),
        ("3.3·10^-4", "3.3 × 10^-4"),
        ("6.7$10^-4", "6.7 × 10^-4"),
        ("1.34Eþ05", "1.34E+05"),
        ("1.34E−05", "1.34E-05"),
        ("∼ 0.1", "~ 0.1"),
        ("S⋅cm^-1", "S·cm^-1"),
        ("Li–Na", "Li–Na"),
        ("  a\u00a0 b\u202fc ", "a b c"),
    ],
)
def test_units_normalise_text(text, expected):
    assert normalise_text(text) == expected
    assert normalise_text(expected) == expected


# --- numbers ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0.43", 0.43),
        ("2 × 10^-6", 2e-6),
        ("2 × 10⁻⁶", 2e-6),
        ("3.3·10^-4", 3.3e-4),
        ("3.3 ⋅ 10^-4", 3.3e-4),
        ("10^-4", 1e-4),
        ("10^3", 1e3),
        ("1.25 × 10^-1", 0.125),
        ("1.25 x 10^-1", 0.125),
        ("1.34E+05", 1.34e5),
        ("1.34Eþ05", 1.34e5),
        ("5e-3", 5e-3),
        ("2.8(3)", 2.8),
        ("2.80(15) × 10^-3", 2.8e-3),
        ("2.8 ± 0.3", 2.8),
        ("(2.3 ± 0.2) × 10^-4", 2.3e-4),
        ("(2.3±0.2)×10^-4", 2.3e-4),
        ("2.3 ± 0.2 × 10^-4", 2.3e-4),
        ("−3.2", -3.2),
        ("1,200", 1200.0),
        (".5", 0.5),
    ],
)
def test_units_parse_number(text, expected):
    assert parse_number(text) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("10−4", 1e-4), ("1.03 × 10–5", 1.03e-5), ("2.3 × 10− 5", 2.3e-5), ("3.5 x 1O-4", 3.5e-4)],
)
def test_units_parse_number_unmarked_exponent_needs_consent(text, expected):
    with pytest.raises(UnitParseError, match="not marked"):
        parse_number(text)
    assert parse_number(text, allow_unsure=True) == pytest.approx(expected)


@pytest.mark.parametrize("text", ["10 5", "1.6 × 10 6", "6.7 × 104", "6.7$104"])
def test_units_parse_number_never_guesses_a_lost_exponent(text):
    with pytest.raises(UnitParseError, match="without superscript or sign"):
        parse_number(text, allow_unsure=True)


@pytest.mark.parametrize("text", ["", "abc", "x", "1.2.3", "0.2–1", "3.5 x lop4"])
def test_units_parse_number_rejects_non_numbers(text):
    with pytest.raises(UnitParseError):
        parse_number(text)


# --- values -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0.43", (0.43, 0.43, 0.43, "exact", False)),
        ("2 × 10^-6", (2e-6, 2e-6, 2e-6, "exact", False)),
        ("0.43.", (0.43, 0.43, 0.43, "exact", False)),
        ("0.2–1", (None, 0.2, 1.0, "range", False)),
        ("0.2 - 1", (None, 0.2, 1.0, "range", False)),
        ("0.01–0.001", (None, 0.001, 0.01, "range", False)),
        ("10^-6−10^-4", (None, 1e-6, 1e-4, "range", False)),
        ("10^-5–10^-6", (None, 1e-6, 1e-5, "range", False)),
        ("10⁻⁵–10⁻⁶", (None, 1e-6, 1e-5, "range", False)),
        ("0.2 to 1", (None, 0.2, 1.0, "range", False)),
        ("from 10^-6 to 10^-4", (None, 1e-6, 1e-4, "range", False)),
        ("between 1 and 2", (None, 1.0, 2.0, "range", False)),
        ("10–20", (None, 10.0, 20.0, "range", False)),
        ("~ 0.01–0.1", (None, 0.01, 0.1, "range", False)),
        ("~5", (5.0, 5.0, 5.0, "approx", False)),
        ("∼ 5", (5.0, 5.0, 5.0, "approx", False)),
        ("≈ 5", (5.0, 5.0, 5.0, "approx", False)),
        ("about 5", (5.0, 5.0, 5.0, "approx", False)),
        ("around 5", (5.0, 5.0, 5.0, "approx", False)),
        ("ca. 5", (5.0, 5.0, 5.0, "approx", False)),
        ("approx. 5", (5.0, 5.0, 5.0, "approx", False)),
        ("approximately 5", (5.0, 5.0, 5.0, "approx", False)),
        ("> 5", (None, 5.0, None, "lower_bound", False)),
        ("≥5", (None, 5.0, None, "lower_bound", False)),
        ("above 5", (None, 5.0, None, "lower_bound", False)),
        ("exceeding 5", (None, 5.0, None, "lower_bound", False)),
        ("over 5", (None, 5.0, None, "lower_bound", False)),
        ("higher than 5", (None, 5.0, None, "lower_bound", False)),
        ("< 5", (None, None, 5.0, "upper_bound", False)),
        ("≤ 5", (None, None, 5.0, "upper_bound", False)),
        ("<1E-10", (None, None, 1e-10, "upper_bound", False)),
        ("up to 5", (5.0, 5.0, 5.0, "max_reported", False)),
        ("as high as 5", (5.0, 5.0, 5.0, "max_reported", False)),
        ("up to 2–3", (None, 2.0, 3.0, "range", False)),
        ("less than 5", (None, None, 5.0, "upper_bound", False)),
        ("below 5", (None, None, 5.0, "upper_bound", False)),
        ("10−4", (1e-4, 1e-4, 1e-4, "exact", True)),
        ("1.03 × 10–5", (1.03e-5, 1.03e-5, 1.03e-5, "exact", True)),
        ("10-3", (1e-3, 1e-3, 1e-3, "exact", True)),
        ("10–3", (1e-3, 1e-3, 1e-3, "exact", True)),
        ("10−4–10−3", (None, 1e-4, 1e-3, "range", True)),
        ("10–2–10", (None, 1e-2, 10.0, "range", True)),
        ("between 10 and 3", (None, 3.0, 10.0, "range", False)),
        ("10 to 3", (None, 3.0, 10.0, "range", False)),
    ],
)
def test_units_parse_value(text, expected):
    assert _ends(parse_value(text)) == pytest.approx(expected)


@pytest.mark.parametrize("text", ["", "1–2–3", "> 1–2", "from 5", "10 5", "many", "10–20–30"])
def test_units_parse_value_rejects_what_is_not_one_value(text):
    with pytest.raises(UnitParseError):
        parse_value(text)


@pytest.mark.parametrize(
    "fields",
    [
        (1.0, 1.0, 1.0, "typo"),
        (1.0, 0.5, 1.0, "exact"),
        (1.0, 0.5, 2.0, "range"),
        (None, 2.0, 1.0, "range"),
        (None, 1.0, 2.0, "lower_bound"),
        (None, 1.0, None, "upper_bound"),
    ],
)
def test_units_results_reject_inconsistent_fields(fields):
    with pytest.raises(ValueError):
        ParsedValue(*fields)
    with pytest.raises(ValueError):
        Temperature(*fields, raw="x")


def test_units_results_are_frozen():
    value = parse_value("0.43")
    with pytest.raises(dataclasses.FrozenInstanceError):
        value.value = 1.0


# --- conductivity units -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("unit", "factor"),
    [
        ("S cm^-1", 1.0),
        ("S cm⁻¹", 1.0),
        ("S cm−1", 1.0),
        ("S/cm", 1.0),
        ("S·cm^-1", 1.0),
        ("S.cm-1", 1.0),
        ("Scm^-1", 1.0),
        ("mS cm^-1", 1e-3),
        ("mS cm–1", 1e-3),
        ("mS/cm", 1e-3),
        ("µS cm^-1", 1e-6),
        ("μS cm^-1", 1e-6),
        ("S m^-1", 1e-2),
        ("mS m^-1", 1e-5),
        ("(Ω cm)^-1", 1.0),
        ("(\u2126 cm)^-1", 1.0),
        ("Ω^-1 cm^-1", 1.0),
        ("Ω−1 cm−1", 1.0),
        ("Ω^-1·cm^-1", 1.0),
        ("ohm^-1 cm^-1", 1.0),
        ("(ohm-cm)-1", 1.0),
        ("(ohm-cm)-’", 1.0),
        ("ohm-’ cm-‘", 1.0),
        ("mho/cm", 1.0),
        ("[S cm^-1]", 1.0),
        ("(mS cm^-1)", 1e-3),
        ("/S cm-1", 1.0),
        ("10^-4 S cm^-1", 1e-4),
        ("(10^-3 S cm^-1)", 1e-3),
    ],
)
def test_units_conductivity_unit_to_factor(unit, factor):
    assert conductivity_unit_to_factor(unit) == pytest.approx(factor, rel=1e-12)


@pytest.mark.parametrize(
    "unit",
    ["mA cm^-2", "mA h g^-1", "mAh g^-1", "eV", "S", "Ω cm", "ohm cm", "S cm", "S K cm^-1",
     "ms cm^-1", "log σ", "%", "", "cm^-1", "Ω"],
)
def test_units_conductivity_unit_rejects_other_dimensions(unit):
    with pytest.raises(UnitParseError):
        conductivity_unit_to_factor(unit, allow_unsure=True)


@pytest.mark.parametrize("unit", ["S cm1", "S cm 1", "[S cm1]", "(ohm cm)1"])
def test_units_conductivity_unit_lost_minus_needs_consent(unit):
    with pytest.raises(UnitParseError, match="sign lost"):
        conductivity_unit_to_factor(unit)
    assert conductivity_unit_to_factor(unit, allow_unsure=True) == 1.0


# --- conductivities -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2 × 10^-6 S cm^-1", (2e-6, 2e-6, 2e-6, "exact", False)),
        ("0.1 S cm^-1", (0.1, 0.1, 0.1, "exact", False)),
        ("1.954 mS cm–1", (1.954e-3, 1.954e-3, 1.954e-3, "exact", False)),
        ("10^-5–10^-6 S cm^-1", (None, 1e-6, 1e-5, "range", False)),
        ("10^-6−10^-4 S cm^-1", (None, 1e-6, 1e-4, "range", False)),
        ("0.01–0.1 mS cm–1", (None, 1e-5, 1e-4, "range", False)),
        ("~ 0.01–0.1 mS cm–1", (None, 1e-5, 1e-4, "range", False)),
        ("10^-6 to 10^-4 S/cm", (None, 1e-6, 1e-4, "range", False)),
        ("about 3.3·10^-4 S·cm^-1", (3.3e-4, 3.3e-4, 3.3e-4, "approx", False)),
        ("> 1 mS/cm", (None, 1e-3, None, "lower_bound", False)),
        ("up to 1 mS/cm", (1e-3, 1e-3, 1e-3, "max_reported", False)),
        ("<1E-10 S/cm", (None, None, 1e-10, "upper_bound", False)),
        ("1.34E+05 µS m^-1", (1.34e-3, 1.34e-3, 1.34e-3, "exact", False)),
        ("5e-3 S/cm", (5e-3, 5e-3, 5e-3, "exact", False)),
        ("2.8(3) (Ω cm)^-1", (2.8, 2.8, 2.8, "exact", False)),
        ("4 Ω^-1 cm^-1", (4.0, 4.0, 4.0, "exact", False)),
        ("0.2 S m^-1", (2e-3, 2e-3, 2e-3, "exact", False)),
        ("(5.4 ± 0.8) × 10^-4 S cm^-1", (5.4e-4, 5.4e-4, 5.4e-4, "exact", False)),
        ("5.4 ± 0.8 mS cm^-1", (5.4e-3, 5.4e-3, 5.4e-3, "exact", False)),
        ("1.5(3) × 10^-5 S·cm^-1", (1.5e-5, 1.5e-5, 1.5e-5, "exact", False)),
        # pint alone reads this as 120 cm·S: the exponents lost their superscript, kept the minus.
        ("2 × 10−6 S cm−1", (2e-6, 2e-6, 2e-6, "exact", True)),
        ("10−3 S cm−1", (1e-3, 1e-3, 1e-3, "exact", True)),
        ("2.3 × 10− 5 S cm− 1", (2.3e-5, 2.3e-5, 2.3e-5, "exact", True)),
        ("3.5 x 1O-4 (ohm-cm)-’", (3.5e-4, 3.5e-4, 3.5e-4, "exact", True)),
        ("0.2 S cm1", (0.2, 0.2, 0.2, "exact", True)),
        ("10-3 S cm-1", (1e-3, 1e-3, 1e-3, "exact", True)),
        ("10–2–10 mS cm–1", (None, 1e-5, 1e-2, "range", True)),
    ],
)
def test_units_parse_conductivity(text, expected):
    result = parse_conductivity(text)
    assert _ends(result) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("cell", "header_unit", "expected"),
    [
        ("125", "mS cm^-1", (0.125, 0.125, 0.125, "exact", False)),
        ("0.2–1", "S cm^-1", (None, 0.2, 1.0, "range", False)),
        ("6.9 × 10^-4", "[S cm1]", (6.9e-4, 6.9e-4, 6.9e-4, "exact", True)),
        ("125 S/cm", "mS cm^-1", (125.0, 125.0, 125.0, "exact", False)),
    ],
)
def test_units_parse_conductivity_uses_header_unit_only_when_cell_has_none(
    cell, header_unit, expected
):
    assert _ends(parse_conductivity(cell, default_unit=header_unit)) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("text", "sigma"),
    [("1.954 mS cm–1", 0.001954), ("0.2 S m^-1", 0.002), ("3.3 µS cm^-1", 3.3e-6)],
)
def test_units_conversion_leaves_no_binary_noise(text, sigma):
    assert parse_conductivity(text).sigma_S_per_cm == sigma


def test_units_parse_conductivity_keeps_unit_text():
    assert parse_conductivity("1.954 mS cm–1").unit_text == "mS cm-1"
    assert parse_conductivity("125", default_unit="mS cm⁻¹").unit_text == "mS cm^-1"


@pytest.mark.parametrize(
    ("text", "default_unit"),
    [
        ("1 mA cm^-2", None),
        ("150 mA h g^-1", None),
        ("0.3 eV", None),
        ("2 Ω cm", None),
        ("3 S", None),
        ("10 5 S cm 1", None),
        ("6.7$104 S cm1", None),
        ("125", None),
        ("−3.2", "S cm^-1"),
        ("0", "S cm^-1"),
        ("n.a.", "S cm^-1"),
        ("125 (300 °C)", "mS cm^-1"),
    ],
)
def test_units_parse_conductivity_rejects(text, default_unit):
    with pytest.raises(UnitParseError):
        parse_conductivity(text, default_unit=default_unit)


@pytest.mark.parametrize(
    ("text", "unit", "expected"),
    [
        ("-3.2", "S cm^-1", (10**-3.2, 10**-3.2, 10**-3.2, "exact", False)),
        ("−3.2", "S cm^-1", (10**-3.2, 10**-3.2, 10**-3.2, "exact", False)),
        ("-2", "mS cm^-1", (1e-5, 1e-5, 1e-5, "exact", False)),
        ("−4 to −3", "S cm^-1", (None, 1e-4, 1e-3, "range", False)),
    ],
)
def test_units_parse_log_conductivity(text, unit, expected):
    assert _ends(parse_log_conductivity(text, unit)) == pytest.approx(expected)


def test_units_parse_log_conductivity_checks_the_unit():
    with pytest.raises(UnitParseError):
        parse_log_conductivity("-3.2", "S K cm^-1")


# --- temperatures -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("300 °C", (573.15, 573.15, 573.15, "exact")),
        ("300 ◦C", (573.15, 573.15, 573.15, "exact")),
        ("300 ℃", (573.15, 573.15, 573.15, "exact")),
        ("300°C", (573.15, 573.15, 573.15, "exact")),
        ("300 ºC", (573.15, 573.15, 573.15, "exact")),
        ("(300 °C)", (573.15, 573.15, 573.15, "exact")),
        ("25°C", (298.15, 298.15, 298.15, "exact")),
        ("−20 °C", (253.15, 253.15, 253.15, "exact")),
        ("− 30 °C", (243.15, 243.15, 243.15, "exact")),
        ("1,000 °C", (1273.15, 1273.15, 1273.15, "exact")),
        ("353 K", (353.0, 353.0, 353.0, "exact")),
        ("T = 300 K", (300.0, 300.0, 300.0, "exact")),
        ("at 25 °C", (298.15, 298.15, 298.15, "exact")),
        ("above 529 K", (None, 529.0, None, "lower_bound")),
        ("below 0 °C", (None, None, 273.15, "upper_bound")),
        ("around 529 K", (529.0, 529.0, 529.0, "approx")),
        ("~ 24 °C", (297.15, 297.15, 297.15, "approx")),
        ("RT", (298.15, 298.15, 298.15, "approx")),
        ("(RT)", (298.15, 298.15, 298.15, "approx")),
        ("room temperature", (298.15, 298.15, 298.15, "approx")),
        ("Room Temperature", (298.15, 298.15, 298.15, "approx")),
        ("ambient temperature", (298.15, 298.15, 298.15, "approx")),
        ("at room temperature", (298.15, 298.15, 298.15, "approx")),
        ("30–80 °C", (None, 303.15, 353.15, "range")),
        ("25-300 °C", (None, 298.15, 573.15, "range")),
        ("25 °C–300 °C", (None, 298.15, 573.15, "range")),
        ("from 25 to 300 °C", (None, 298.15, 573.15, "range")),
        ("between 240 K and 470 K", (None, 240.0, 470.0, "range")),
        ("~ 320–400 K", (None, 320.0, 400.0, "range")),
        ("25 ^oC", (298.15, 298.15, 298.15, "exact")),
        ("25^°C", (298.15, 298.15, 298.15, "exact")),
        ("25 oC", (298.15, 298.15, 298.15, "exact")),
    ],
)
def test_units_parse_temperature(text, expected):
    result = parse_temperature(text)
    assert result is not None
    assert _ends(result) == pytest.approx(expected)
    assert result.raw == text


@pytest.mark.parametrize(
    "text", ["", "mS cm^-1", "10 mm", "0.3 eV", "-300 K", "300 C", "room", "10^-4 K", "a"]
)
def test_units_parse_temperature_returns_none_for_non_temperatures(text):
    assert parse_temperature(text) is None


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("125 (300 °C)", ("125", "300 °C")),
        ("0.2–1 (90 °C)", ("0.2–1", "90 °C")),
        ("3 (RT)", ("3", "RT")),
        ("0.1 S cm^-1 at 25 °C", ("0.1 S cm^-1", "25 °C")),
        ("~ 0.01–0.1 mS cm–1 at 298 K", ("~ 0.01–0.1 mS cm–1", "298 K")),
        (" 2.8(3) ", ("2.8(3)", None)),
        ("0.1 (Ω cm)^-1", ("0.1 (Ω cm)^-1", None)),
        ("5 (a)", ("5 (a)", None)),
        ("125 (mS cm^-1)", ("125 (mS cm^-1)", None)),
    ],
)
def test_units_split_value_temperature(cell, expected):
    assert split_value_temperature(cell) == expected


def test_units_split_then_parse_a_table_cell():
    value, temperature = split_value_temperature("0.2–1 (90 °C)")
    sigma = parse_conductivity(value, default_unit="mS cm^-1")
    kelvin = parse_temperature(temperature or "")
    assert (sigma.sigma_low_S_per_cm, sigma.sigma_high_S_per_cm) == pytest.approx((2e-4, 1e-3))
    assert kelvin is not None
    assert kelvin.kelvin == pytest.approx(363.15)


# --------------------------------------------------------------------------- properties (#11)

_UNIT_EXAMPLES = ["2 × 10^-6 S cm^-1", "0.01–0.1 mS cm–1", "> 1 mS/cm", "1.7E-2 S/cm",
                  "3.5 x 10-4 (ohm-cm)-1", "125 mS cm^-1", "~10^-3 S cm^-1", "log σ = -3.2"]
_TEMPERATURE_EXAMPLES = ["300 °C", "(25°C)", "353 K", "above 529 K", "30–80 °C", "T = 300 K",
                         "RT", "room temperature", "−35 ◦C"]
_NOISE = "0123456789.,-−–+×x^eE()[]{}/ SsmMcCkKΩ°◦µμ<>~≈=±\ufffd\t\n"


@st.composite
def _mutated(draw: st.DrawFn, examples: list[str]) -> str:
    """An example with characters inserted, deleted or replaced."""
    text = list(draw(st.sampled_from(examples)))
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(("insert", "delete", "replace")))
        i = draw(st.integers(0, len(text)))
        ch = draw(st.sampled_from(_NOISE) | st.characters())
        if op == "insert":
            text.insert(i, ch)
        elif text and i < len(text):
            text[i:i + 1] = [] if op == "delete" else [ch]
    return "".join(text)


_CONDUCTIVITY_TEXT = st.text(_NOISE, max_size=40) | st.text(max_size=40) | _mutated(_UNIT_EXAMPLES)
_TEMPERATURE_TEXT = (st.text(_NOISE, max_size=30) | st.text(max_size=30)
                     | _mutated(_TEMPERATURE_EXAMPLES))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_CONDUCTIVITY_TEXT, default=st.sampled_from([None, "mS cm^-1", "S/cm", "bogus"]))
def test_units_parse_conductivity_raises_only_its_own_error(text: str, default: str | None):
    try:
        found = parse_conductivity(text, default)
    except UnitParseError:
        return
    ends = [v for v in (found.sigma_S_per_cm, found.sigma_low_S_per_cm,
                        found.sigma_high_S_per_cm) if v is not None]
    assert ends and all(v > 0 for v in ends)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_TEMPERATURE_TEXT)
def test_units_parse_temperature_never_raises(text: str):
    found = parse_temperature(text)
    assert found is None or all(v is None or v >= 0 for v in
                                (found.kelvin, found.low_kelvin, found.high_kelvin))


@settings(max_examples=200, deadline=None)
@given(mantissa=st.floats(1, 9.99), exponent=st.integers(-12, 2),
       unit=st.sampled_from([("S cm^-1", 1.0), ("mS cm^-1", 1e-3), ("S/cm", 1.0),
                             ("mS/cm", 1e-3), ("S m^-1", 1e-2), ("µS/cm", 1e-6)]))
def test_units_conductivity_round_trips(mantissa: float, exponent: int,
                                        unit: tuple[str, float]):
    written = f"{mantissa:.3f} × 10^{exponent} {unit[0]}"
    expected = float(f"{mantissa:.3f}") * 10.0**exponent * unit[1]
    assert parse_conductivity(written).sigma_S_per_cm == pytest.approx(expected, rel=1e-9)


@settings(max_examples=200, deadline=None)
@given(value=st.floats(0, 2000).map(lambda v: round(v, 1)), celsius=st.booleans())
def test_units_temperature_round_trips(value: float, celsius: bool):
    found = parse_temperature(f"{value:g} °C" if celsius else f"{value:g} K")
    assert found is not None
    assert found.kelvin == pytest.approx(value + 273.15 if celsius else value)
