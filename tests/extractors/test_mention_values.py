"""Tests for how extractors/mentions.py reads a stated value: spacing around ×, = and exponents,
uncertainties, unit spellings, temperatures and kinds (issue 16, classes 4, 5, 7 and 8).

Every sentence here is made up for the form it tests.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractors.mention_kinds import symbol_kinds
from extractors.mentions import Mention, load_nlp, text_to_mentions


@pytest.fixture(scope="module")
def nlp():
    return load_nlp()


def _values(text: str, nlp) -> list[float | None]:
    return [m.conductivity.sigma_S_per_cm for m in text_to_mentions(text, nlp)]


def _one(text: str, nlp) -> Mention:
    found = text_to_mentions(text, nlp)
    assert len(found) == 1, [(m.value_raw, m.material_raw) for m in found]
    return found[0]


# --- spacing around ×, = and exponents -----------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "sigma"),
    [
        ("1.7× 10^-6 S cm^-1", 1.7e-6),
        ("1.7 ×10^-6 S cm^-1", 1.7e-6),
        ("1.7×10^-6 S cm^-1", 1.7e-6),
        ("2.3×10^-4S cm^-1", 2.3e-4),
        ("2.3×10^-4S/cm", 2.3e-4),
        ("10^-4Scm^-1", 1e-4),
        ("2.3x10^-4 S cm^-1", 2.3e-4),
        ("0.31 ×10^-4 S cm^-1", 3.1e-5),
    ],
)
def test_mentions_spacing_around_times_keeps_the_mantissa(nlp, written, sigma):
    m = _one(f"The conductivity of Li3PS4 is {written} at 25 °C.", nlp)
    assert m.conductivity.sigma_S_per_cm == pytest.approx(sigma)
    assert m.material_raw == "Li3PS4"


@pytest.mark.parametrize("equals", ["σ=1.5×10^-5", "σ =1.5×10^-5", "σ= 1.5 × 10^-5"])
def test_mentions_equals_sign_glued_to_the_value(nlp, equals):
    m = _one(f"Li3PS4 has {equals} S cm^-1 at 25 °C.", nlp)
    assert m.conductivity.sigma_S_per_cm == pytest.approx(1.5e-5)


@pytest.mark.parametrize("times", ["*", "×"])
def test_mentions_times_without_a_read_mantissa_publishes_nothing(nlp, times):
    # the mantissa is not a number the pipeline reads: the power alone is not the value
    assert _values(f"The conductivity of Li3PS4 is 2,3{times}10^-4 S cm^-1.", nlp) == []


_TIMES = st.sampled_from(["×", "x", "X", "·", "⋅", "∙", "$", "*"])
_SPACE = st.sampled_from(["", " "])


@st.composite
def _stated_power(draw: st.DrawFn) -> tuple[str, float]:
    """A sentence stating m × 10^e in one of the spacings papers print, and m·10^e."""
    whole = draw(st.integers(1, 99))
    decimals = draw(st.sampled_from(["", "0", "5", "25", "07"]))
    mantissa = f"{whole}.{decimals}" if decimals else str(whole)
    exponent = draw(st.integers(-12, -1))
    uncertainty = draw(st.sampled_from(["", "(3)", " ± 0.2", "bracket"]))
    number = f"{mantissa}{uncertainty}" if uncertainty != "bracket" else f"({mantissa} ± 0.1)"
    times = draw(_TIMES)
    if times == "x" and uncertainty == "bracket":
        times = "×"
    before, after = draw(_SPACE), draw(_SPACE)
    unit_space = draw(_SPACE)
    unit = draw(st.sampled_from(["S cm^-1", "S/cm", "Scm^-1", "S·cm^-1"]))
    lead = draw(st.sampled_from(["The conductivity of Li3PS4 is ", "Li3PS4 has σ=",
                                 "Li3PS4 has σ = ", "Li3PS4 reaches σRT = ",
                                 "Li3PS4 is a good conductor (σ=", "Li3PS4 shows ~"]))
    temperature = draw(st.sampled_from([" at 25 °C", ") at 25 °C", "", " (25 °C)"]))
    text = f"{lead}{number}{before}{times}{after}10^{exponent}{unit_space}{unit}{temperature}."
    return text, float(f"{mantissa}e{exponent}")


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=_stated_power())
def test_mentions_mantissa_before_times_is_never_dropped(nlp, case):
    """"m × 10^e" gives m·10^e or nothing, whatever the spacing: never 10^e alone."""
    text, sigma = case
    for value in _values(text, nlp):
        assert value is not None and math.isclose(value, sigma, rel_tol=1e-9), text


@pytest.mark.parametrize(
    "text",
    [
        "The conductivity of Li3PS4 is 1.7× 10^-6 S cm^-1 at 25 °C.",
        "Li3PS4 has σ=1.5×10^-5 S cm^-1 at 25 °C.",
        "Li3PS4 has σ = 2.3×10^-4S cm^-1 at 25 °C.",
        "The conductivity of Li3PS4 is (2.3±0.2)×10^-4 S cm^-1 at 25 °C.",
    ],
)
def test_mentions_property_forms_are_read_not_only_refused(nlp, text):
    # the property above allows "nothing"; these common spellings must give the value
    assert len(_values(text, nlp)) == 1


# --- uncertainties and unit spellings ------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "sigma"),
    [
        ("(2.3 ± 0.2) × 10^-4 S cm^-1", 2.3e-4),
        ("1.5(3) × 10^-5 S cm^-1", 1.5e-5),
        ("1.5(3)·10^-5 S cm^-1", 1.5e-5),
        ("5.4 ± 0.8 mS cm^-1", 5.4e-3),
        ("2.3 S·cm^-1", 2.3),
        ("2.3 mS·cm^-1", 2.3e-3),
        ("2.3 S.cm^-1", 2.3),
        ("2.3 × 10^-4 Ω^-1·cm^-1", 2.3e-4),
        ("2.3 × 10^-4 Ω^-1 cm^-1", 2.3e-4),
        ("2.3 × 10^-4 (ohm cm)^-1", 2.3e-4),
        ("2.3 mS/cm", 2.3e-3),
        ("2.3E−4 S cm^-1", 2.3e-4),
    ],
)
def test_mentions_uncertainty_and_unit_spellings(nlp, written, sigma):
    m = _one(f"The conductivity of Li3PS4 is {written} at 25 °C.", nlp)
    c = m.conductivity
    assert (c.sigma_S_per_cm, c.qualifier) == (pytest.approx(sigma), "exact")


# --- temperatures --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tail", "kelvin"),
    [
        ("at 115°C^17.", 388.15),
        ("at 25 °C^2-8.", 298.15),
        ("at 298 K^17.", 298.0),
        ("at 25°C^a.", 298.15),
        ("at 25 ^oC.", 298.15),
        ("at 25^oC.", 298.15),
        ("at 25 oC.", 298.15),
    ],
)
def test_mentions_temperature_spellings_and_glued_citations(nlp, tail, kelvin):
    m = _one(f"The conductivity of Li3PS4 is 1.0 × 10^-3 S cm^-1 {tail}", nlp)
    assert m.temperature_K == pytest.approx(kelvin)


@pytest.mark.parametrize(
    ("symbol", "kelvin"),
    [
        ("σT(400 K)", 400.0),
        ("σ(300 K)", 300.0),
        ("σ25 °C", 298.15),
        ("σ25°C", 298.15),
        ("σ300K", 300.0),
        ("σ_RT", 298.15),
        ("σ_{RT}", 298.15),
        ("σ_{25 °C}", 298.15),
    ],
)
def test_mentions_temperature_in_the_symbol(nlp, symbol, kelvin):
    m = _one(f"Li3PS4 shows {symbol} = 1.5(3) × 10^-5 S cm^-1.", nlp)
    assert m.temperature_K == pytest.approx(kelvin)
    assert m.temperature is not None and m.temperature.raw == symbol


def test_mentions_bare_number_subscript_is_no_temperature(nlp):
    # σ300 is 300 °C in one paper and 300 K in the next: the document does not say which
    assert _one("Li3PS4 shows σ300 = 2.7 × 10^-2 S cm^-1.", nlp).temperature is None


@pytest.mark.parametrize(
    ("sentence", "kelvin"),
    [
        ("The conductivity of Li3PS4 sintered by SPS at 25 °C was 1.4 × 10^-4 S cm^-1.", 298.15),
        ("Li3PS4 sintered at 1200 °C showed a conductivity of 1.4 × 10^-4 S cm^-1.", None),
        ("Li3PS4 annealed at 30 °C showed a conductivity of 1.4 × 10^-4 S cm^-1.", None),
        ("Li3PS4 dried at 25 °C showed a conductivity of 1.4 × 10^-4 S cm^-1.", None),
        ("The conductivity of Li3PS4 prepared at 1150 °C is 1.4 × 10^-4 S cm^-1.", None),
        ("The conductivity of Li3PS4 synthesized at 500 °C is 1.4 × 10^-4 S cm^-1.", None),
        ("The sintered samples measured at 300 °C show a conductivity of Li3PS4 of "
         "1.4 × 10^-2 S cm^-1.", 573.15),
    ],
)
def test_mentions_process_temperatures_are_not_measurements(nlp, sentence, kelvin):
    """No sintering runs at 25 °C: that temperature is the measurement's. Annealing and drying
    may run near room temperature, so those stay process temperatures; a measuring verb nearer
    the temperature than the process word makes it the measurement's."""
    assert _one(sentence, nlp).temperature_K == kelvin


# --- kinds ---------------------------------------------------------------------------------------


def test_mention_kinds_electronic_kind_carries_over_a_list(nlp):
    text = ("These sulfides show a low electronic conductivity: Li3PS4 (2 × 10^-9 S cm^-1), "
            "Li7P3S11 (3 × 10^-9 S cm^-1) and Li6PS5Cl (4 × 10^-9 S cm^-1).")
    found = text_to_mentions(text, nlp)
    assert [(m.material_raw, m.kind) for m in found] == [
        ("Li3PS4", "electronic"), ("Li7P3S11", "electronic"), ("Li6PS5Cl", "electronic")]


@pytest.mark.parametrize(
    "text",
    [
        "Li3PS4 shows a low electronic conductivity of 2 × 10^-9 S cm^-1, while Li7P3S11 shows "
        "1.2 mS cm^-1.",
        "Li3PS4 shows a low electronic conductivity of 2 × 10^-9 S cm^-1 and Li7P3S11 an ionic "
        "one of 1.2 mS cm^-1.",
        "Li3PS4 shows a low electronic conductivity of 2 × 10^-9 S cm^-1; Li7P3S11 reaches "
        "1.2 mS cm^-1.",
    ],
)
def test_mention_kinds_electronic_kind_stops_at_a_contrast(nlp, text):
    kinds = [m.kind for m in text_to_mentions(text, nlp)]
    assert kinds == ["electronic", "unspecified"]


@pytest.mark.parametrize(
    ("text", "kelvin"),
    [
        ("The impedance of Li3PS4 was measured at 50 °C. The conductivity was "
         "1.0 × 10^-3 S cm^-1.", 323.15),
        ("We repeat five simulations at 300 K for Li3PS4. They yielded conductivities ranging "
         "from 36 to 221 mS/cm.", 300.0),
        # a process, a range, two temperatures, another technique, an extrapolation: no
        ("The pellets of Li3PS4 were sintered at 1200 °C. The conductivity was "
         "1.0 × 10^-3 S cm^-1.", None),
        ("The impedance of Li3PS4 was measured from 25 to 100 °C. The conductivity was "
         "1.0 × 10^-3 S cm^-1.", None),
        ("The impedance of Li3PS4 was measured at 50 °C and 80 °C. The conductivity was "
         "1.0 × 10^-3 S cm^-1.", None),
        ("The XRD pattern of Li3PS4 was recorded at 50 °C. The conductivity was "
         "1.0 × 10^-3 S cm^-1.", None),
        ("The impedance of Li3PS4 was measured at 50 °C. The conductivity extrapolated to "
         "150 °C was 1.0 × 10^-2 S cm^-1.", 423.15),
    ],
)
def test_mentions_temperature_from_the_sentence_before(nlp, text, kelvin):
    m = _one(text, nlp)
    assert m.temperature_K == (pytest.approx(kelvin) if kelvin else None)
    assert ("temperature_from_previous_sentence" in m.flags) == (
        kelvin is not None and "extrapolated" not in text)



# --- a unit written once after a list ------------------------------------------------------------


@pytest.mark.parametrize(
    "values",
    [
        "(1.2 ± 0.1) × 10^-4 and (2.3 ± 0.2) × 10^-5 S cm^-1",
        "1.2(1) × 10^-4 and 2.3(2) × 10^-5 S cm^-1",
        "1.2× 10^-4 and 2.3 ×10^-5 S cm^-1",
        "1.2E-4 and 2.3E-5 S/cm",
        "0.12 and 0.023 mS cm^-1",
    ],
)
def test_mentions_unit_once_after_a_respectively_pair(nlp, values):
    text = f"The conductivities of Li3PS4 and Li7P3S11 are {values}, respectively."
    found = text_to_mentions(text, nlp)
    assert [(m.material_raw, m.conductivity.sigma_S_per_cm) for m in found] == [
        ("Li3PS4", pytest.approx(1.2e-4)), ("Li7P3S11", pytest.approx(2.3e-5))]


def test_mention_kinds_symbol_kind_defined_once_for_the_document(nlp):
    experimental = ("Total pellet conductivities, σT, were obtained from the intercept of the "
                    "arc on the Z' axis.")
    defined = symbol_kinds(experimental)
    assert defined == {"σT": "total"}
    result = "Li3PS4 shows the highest conductivity, σT(400 K) = 1.5(3) × 10^-5 S cm^-1."
    assert _one(result, nlp).kind == "unspecified"  # σT alone may be σ·T
    m = text_to_mentions(result, nlp, defined_symbols=defined)[0]
    assert (m.kind, m.temperature_K) == ("total", 400.0)


@pytest.mark.parametrize(
    "text",
    [
        "The total conductivity, σT, and the bulk conductivity (σT) were compared.",
        "The conductivity σT was plotted against 1000/T.",
    ],
)
def test_mention_kinds_symbol_kind_needs_one_clear_definition(text):
    assert symbol_kinds(text) == {}


@pytest.mark.parametrize(
    ("basis", "kind"),
    [
        ("The sum of the bulk and grain boundary resistance was therefore taken to calculate the "
         "ionic conductivity.", "total"),
        ("The conductivity was calculated from the total resistance of the pellet.", "total"),
        ("The bulk and grain boundary arcs were fitted separately.", "unspecified"),
    ],
)
def test_mention_kinds_total_basis_stated_in_the_paragraph(nlp, basis, kind):
    text = f"{basis} Li3PS4 shows an ionic conductivity of ~ 0.1 mS cm^-1 at 298 K."
    assert _one(text, nlp).kind == kind


def test_mention_kinds_total_basis_does_not_reach_back(nlp):
    text = ("Li3PS4 shows an ionic conductivity of ~ 0.1 mS cm^-1 at 298 K. The conductivity was "
            "calculated from the total resistance of the pellet.")
    assert _one(text, nlp).kind == "unspecified"


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("For the simulation of K5YSi4O12, the conductivity decreases from 25.01 mS/cm (3564 "
         "atoms) to 4.60 mS/cm (67 584 atoms).", [0.02501, 0.0046]),
        ("The conductivity of Li3PS4 increases from 10^-5 S cm^-1 at 25 °C to 10^-3 S cm^-1 at "
         "100 °C.", [1e-5, 1e-3]),
    ],
)
def test_mentions_change_with_a_unit_at_each_end(nlp, text, values):
    found = text_to_mentions(text, nlp)
    assert [(m.conductivity.sigma_S_per_cm, m.conductivity.qualifier) for m in found] == [
        (pytest.approx(v), "exact") for v in values]


@pytest.mark.parametrize(
    ("text", "kelvins"),
    [
        ("At 25 °C, the conductivity of Li3PS4 was 1.0 × 10^-3 S cm^-1, while at 100 °C it was "
         "1.0 × 10^-2 S cm^-1.", [298.15, 373.15]),
        ("At 25 °C, the bulk conductivity of Li3PS4 is 1.0 × 10^-3 S cm^-1 and the total "
         "conductivity is 2.0 × 10^-4 S cm^-1.", [298.15, 298.15]),
        ("At 300 K, the conductivity of Li3PS4 synthesized at 500 K is 1.0 × 10^-3 S cm^-1.",
         [300.0]),
        ("The NMR jump rate of MgSc2Se4 at 450 K gives a conductivity of ~0.01 mS cm^-1 at "
         "298 K.", [298.0]),
    ],
)
def test_mentions_temperature_of_the_values_own_clause(nlp, text, kelvins):
    assert [m.temperature_K for m in text_to_mentions(text, nlp)] == kelvins
