"""Tests for extractors.compositions: templates such as Na1+xM2-xInx(PO4)3 and their members."""

from __future__ import annotations

import pytest

from extractors.compositions import (
    CompositionTemplate,
    same_but_unreadable,
    template_to_formula,
    text_to_labels,
    text_to_placeholder_values,
    text_to_template,
    text_to_templates,
    written_templates,
)
from extractors.materials import canonical_formula


@pytest.mark.parametrize(("token", "variables", "placeholders"), [
    ("Na1+xM2-xInx(PO4)3", {"x"}, {"M"}),
    ("Na1+xTi2−xAlx(PO4)3", {"x"}, set()),
    ("Na1.4M1.6In0.4(PO4)3", set(), {"M"}),
    ("Li6ALa2Nb2O12", set(), {"A"}),
    ("Li5Ln3Sb2O12", set(), {"Ln"}),
    ("ΝaM2-xInx(PO4)3,", {"x"}, {"M"}),  # Greek Nu for N, trailing comma
])
def test_compositions_text_to_template(token: str, variables: set[str],
                                       placeholders: set[str]) -> None:
    template = text_to_template(token)
    assert template is not None
    assert template.variables == variables and template.placeholders == placeholders


@pytest.mark.parametrize("token", ["MHz", "Cox", "AB24", "T1", "M^4+", "Li7P3S11", "MO2",
                                   "NSSiPx", "Table", "x"])
def test_compositions_text_to_template_rejects(token: str) -> None:
    assert text_to_template(token) is None


@pytest.mark.parametrize(("labels", "expected"), [
    ({"M": "Ti", "x": "0.4"}, canonical_formula("Na1.4Ti1.6In0.4(PO4)3")),
    ({"M": "Zr", "x": "0"}, canonical_formula("NaZr2(PO4)3")),
    ({"x": "0.4"}, None),            # M has no value: never half-substituted
    ({"M": "Ti"}, None),             # x has no value
    ({"M": "Xy", "x": "0.4"}, None),  # not an element
])
def test_compositions_template_to_formula(labels: dict[str, str], expected: str | None) -> None:
    template = text_to_template("Na1+xM2-xInx(PO4)3")
    assert template is not None
    assert template_to_formula(template, labels) == expected


def test_compositions_site_filled_by_several_elements() -> None:
    template = text_to_template("A2Ti2(PO4)3")
    assert template is not None
    assert template_to_formula(template, {"A": "Li0.5Na0.5"}) == canonical_formula(
        "LiNaTi2(PO4)3")


def test_compositions_spaced_template_in_text() -> None:
    (template,) = text_to_templates("the solid solution Na3 + xSc2SixP3 − xO12 (abbreviated)")
    assert template.text == "Na3+xSc2SixP3-xO12"
    assert template_to_formula(template, {"x": "0.4"}) == "Na3.4O12P2.6Sc2Si0.4"


@pytest.mark.parametrize(("text", "expected"), [
    ("M = Ti, x = 0.4", {"M": "Ti", "x": "0.4"}),
    ("M ) Ti, x = 0", {"M": "Ti", "x": "0"}),  # ACS fonts print "=" as ")"
    ("x ) 0.4", {"x": "0.4"}),
    ("x = 0.25", {"x": "0.25"}),
    ("thick pellet", {}),
])
def test_compositions_text_to_labels(text: str, expected: dict[str, str]) -> None:
    assert text_to_labels(text) == expected


def test_compositions_placeholder_lists() -> None:
    assert text_to_placeholder_values("Na1.4M1.6In0.4(PO4)3 (M ) Ti, Sn, Hf, Zr) and A = Ca, "
                                      "Sr and Ba") == {"M": ("Ti", "Sn", "Hf", "Zr"),
                                                       "A": ("Ca", "Sr", "Ba")}


def test_compositions_unreadable_glyph_matches_known_template() -> None:
    known = text_to_template("Na1+xM2-xInx(PO4)3")
    assert known is not None
    assert same_but_unreadable("`a1+xM2-xInx(PO4)3", known.text)
    assert not same_but_unreadable("`a1+xM2-xGax(PO4)3", known.text)
    assert written_templates("Parameters for `a1+xM2-xInx(PO4)3", [known]) == [known]
    assert written_templates("for (cid:3)a1+xM2-xInx(PO4)3", [known]) == [known]


def test_compositions_template_needs_a_symbol() -> None:
    with pytest.raises(ValueError, match="plain formula"):
        CompositionTemplate("Li7P3S11", frozenset(), frozenset())
