"""Tests for extractors.materials: formulas, abbreviations, family labels."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractors.errors import FormulaParseError, IonlitError
from extractors.materials import (
    MaterialRef,
    canonical_formula,
    expand_abbreviation,
    find_abbreviation_definitions,
    is_formula,
    parse_formula,
    reduced_formula,
    resolve_material,
    split_family_prefix,
)


@pytest.mark.parametrize(("formula", "expected"), [
    ("Li7P3S11", {"Li": 7, "P": 3, "S": 11}),
    ("Li14Zn(GeO4)4", {"Li": 14, "Zn": 1, "Ge": 4, "O": 16}),
    ("[B12H12]", {"B": 12, "H": 12}),
    ("Na2[B12H12]", {"Na": 2, "B": 12, "H": 12}),
    ("Li6.4Al0.233La3Zr1.95Ca0.05O12",
     {"Li": 6.4, "Al": 0.233, "La": 3, "Zr": 1.95, "Ca": 0.05, "O": 12}),
    ("Mg(BH4)2·NH3", {"Mg": 1, "B": 2, "H": 11, "N": 1}),
    ("Mg(BH4)2•NH3", {"Mg": 1, "B": 2, "H": 11, "N": 1}),
    ("Mg(BH4)2*NH3", {"Mg": 1, "B": 2, "H": 11, "N": 1}),
    ("Mg(BH4)2·2NH3", {"Mg": 1, "B": 2, "H": 14, "N": 2}),
    ("[B12H12]^2-", {"B": 12, "H": 12}),
    ("Li^+", {"Li": 1}),
    ("Li₇P₃S₁₁", {"Li": 7, "P": 3, "S": 11}),
    ("β''-Al2O3", {"Al": 2, "O": 3}),
    ("Mg(en)1(BH4)2", {"Mg": 1, "C": 2, "H": 16, "N": 2, "B": 2}),
    ("(100-x)(0.6MgS·0.4P2S5)·xMgI2 (x = 20)", {"Mg": 68, "S": 208, "P": 64, "I": 40}),
])
def test_materials_parse_formula_amounts(formula: str, expected: dict[str, float]) -> None:
    assert parse_formula(formula) == pytest.approx(expected)


@pytest.mark.parametrize(("formula", "x", "expected"), [
    ("Na1+xTi2−xAlx(PO4)3", 0.4, {"Na": 1.4, "Ti": 1.6, "Al": 0.4, "P": 3, "O": 12}),
    ("Na2−x(CB11H12)x(B12H12)1−x", 0.4, {"Na": 1.6, "C": 0.4, "B": 11.6, "H": 12}),
    ("Li7−xLa3Zr2−xTaxO12", 0.5, {"Li": 6.5, "La": 3, "Zr": 1.5, "Ta": 0.5, "O": 12}),
    ("Na1+xTi2−xAlx(PO4)3", 0, {"Na": 1, "Ti": 2, "P": 3, "O": 12}),
])
def test_materials_parse_formula_substitutes_variables(formula: str, x: float,
                                                       expected: dict[str, float]) -> None:
    assert parse_formula(formula, variables={"x": x}) == pytest.approx(expected)


@pytest.mark.parametrize("formula", [
    "Na1+xTi2−xAlx(PO4)3", "Na2−x(CB11H12)x(B12H12)1−x", "", "Table", "Li2S-P2S5",
    "Li3PS4-0.5LiI", "Xy2O3", "Li(PO4", "12", "LiTFSI-PEO", "Mg(foo)2",
    "Na1+xTi2−xAlx(PO4)3 (x = 3)",
])
def test_materials_parse_formula_rejects(formula: str) -> None:
    with pytest.raises(FormulaParseError) as info:
        parse_formula(formula)
    assert isinstance(info.value, (ValueError, IonlitError))


def test_materials_parse_formula_names_missing_variable() -> None:
    with pytest.raises(FormulaParseError, match="'x'"):
        parse_formula("Na1+xTi2−xAlx(PO4)3")


@pytest.mark.parametrize("token", [
    "Li7P3S11", "NaCB11H12", "Li3YCl6", "LiBH4", "β''-Al2O3", "β′′-Al2O3", "Na3PS4",
    "Mg(BH4)2·NH3", "LiI", "NaH", "Li2S", "S8", "Li14Zn(GeO4)4", "Na1+xTi2−xAlx(PO4)3",
    "Li6.4Al0.233La3Zr1.95Ca0.05O12", "KTiOPO4",
])
def test_materials_is_formula_accepts(token: str) -> None:
    assert is_formula(token)


@pytest.mark.parametrize("token", [
    "In", "As", "Ca.", "He", "No", "Table", "SEM", "XRD", "DFT", "EIS", "NMR", "12", "1.5",
    "S", "ICSD", "NCB", "BN", "LiPON", "NaSICON", "NaN", "x", "", "Li3PS4,", "Fig.",
    "SEs", "SPEs", "HTs", "NSPSe", "NaFSI", "XeF2", "NSSiP0.4", "NSSiPx",
])
def test_materials_is_formula_rejects(token: str) -> None:
    assert not is_formula(token)


@pytest.mark.parametrize(("a", "b"), [
    ("Li14Zn(GeO4)4", "Li14ZnGe4O16"),
    ("Mg(BH4)2·NH3", "MgB2H11N"),
    ("β′′-Al2O3", "β''-Al2O3"),
    ("Na2−x(CB11H12)x(B12H12)1−x", "Na2-x(CB11H12)x(B12H12)1-x"),
    ("Li6.40La3Zr2O12", "La3Li6.4O12Zr2"),
    ("[B12H12]^2-", "B12H12"),
])
def test_materials_canonical_formula_equivalent(a: str, b: str) -> None:
    assert canonical_formula(a) is not None
    assert canonical_formula(a) == canonical_formula(b)


@pytest.mark.parametrize(("a", "b"), [
    ("Li14P6S22", "Li7P3S11"),
    ("Li1.4Al0.4Ti1.6(PO4)3", "Li8.4Al2.4Ti9.6P18.0O72.0"),
    ("Na3Zr2Si2PO12", "Na6Zr4Si4P2O24"),
])
def test_materials_reduced_formula_equivalent(a: str, b: str) -> None:
    assert canonical_formula(a) != canonical_formula(b)
    assert reduced_formula(a) == reduced_formula(b)


@pytest.mark.parametrize(("a", "b"), [
    ("Li7P3S11", "Li7PS11"),
    ("β''-Al2O3", "Al2O3"),
    ("Na1+xTi2−xAlx(PO4)3", "Na1+yTi2−yAly(PO4)3"),
])
def test_materials_canonical_formula_distinguishes(a: str, b: str) -> None:
    assert reduced_formula(a) != reduced_formula(b)


@pytest.mark.parametrize(("formula", "expected"), [
    ("Li14Zn(GeO4)4", "Ge4Li14O16Zn"),
    ("NaCB11H12", "CH12B11Na"),
    ("Na1+xTi2−xAlx(PO4)3", "Na1+xTi2-xAlx(PO4)3"),
    ("LiPON", None),
    ("Table", None),
    ("Na0.33La0.56□0.11NbO3", "La0.56Na0.33NbO3"),  # a vacancy holds no atoms
    ("Na3xLa(2/3)−x□(1/3)−2xNbO3 (x = 0.1)", "La0.566667Na0.3NbO3"),  # bracketed fractions
])
def test_materials_canonical_formula_string(formula: str, expected: str | None) -> None:
    assert canonical_formula(formula) == expected


@pytest.mark.parametrize(("formula", "expected"), [
    ("60Na2S·40SiS2", "Na6S7Si2"),  # mole percent: a ratio, read per formula unit
    ("0.8Li2O · 0.2B2O3", "B2Li8O7"),  # mole fractions
    ("3CaO·Al2O3", "Al2Ca3O6"),  # a formula unit as written: amounts sum to 4
    ("Na2O·ZrO2", "Na2O3Zr"),
])
def test_materials_mole_fraction_adduct_is_reduced(formula: str, expected: str) -> None:
    assert canonical_formula(formula) == expected


def test_materials_canonical_formula_substitutes_variables() -> None:
    assert canonical_formula("Na1+xTi2−xAlx(PO4)3", {"x": 0.4}) == "Al0.4Na1.4O12P3Ti1.6"


def test_materials_amounts_written_as_fractions() -> None:
    assert reduced_formula("Sc1/3Zr2(PO4)3") == reduced_formula("ScZr6(PO4)9")
    assert canonical_formula("Li3xLa2/3−xTiO3", {"x": 0.1}) == "La0.566667Li0.3O3Ti"
    assert canonical_formula("Li/LLZO") is None


@pytest.mark.parametrize(("cell", "expected"), [
    ("LISICON Li14Zn(GeO4)4", ("LISICON", "Li14Zn(GeO4)4")),
    ("thio-LISICON Li3.25Ge0.25P0.75S4", ("thio-LISICON", "Li3.25Ge0.25P0.75S4")),
    ("NASICON Na3Zr2Si2PO12", ("NASICON", "Na3Zr2Si2PO12")),
    ("Garnet-type LLZO", ("Garnet", "LLZO")),
    ("Perovskites: Li0.33La0.56TiO3", ("Perovskite", "Li0.33La0.56TiO3")),
    ("Argyrodite Li6PS5Cl", ("Argyrodite", "Li6PS5Cl")),
    ("β′′-alumina", ("β-alumina", "")),
    ("Li7P3S11", (None, "Li7P3S11")),
    ("Garnetite", (None, "Garnetite")),
])
def test_materials_split_family_prefix(cell: str, expected: tuple[str | None, str]) -> None:
    assert split_family_prefix(cell) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("the closo-borate NaCB11H12 (NCB) melts", {"NCB": "NaCB11H12"}),
    ("cubic Li7La3Zr2O12 (LLZO) and glassy Li3PS4 (LPS).", {"LLZO": "Li7La3Zr2O12",
                                                            "LPS": "Li3PS4"}),
    ("LGPS (Li10GeP2S12) and LATP (Li1.3Al0.3Ti1.7(PO4)3)",
     {"LGPS": "Li10GeP2S12", "LATP": "Li1.3Al0.3Ti1.7(PO4)3"}),
    ("Abbreviations\nLLZO  Li7La3Zr2O12\nNCB: NaCB11H12\nEIS electrochemical impedance",
     {"LLZO": "Li7La3Zr2O12", "NCB": "NaCB11H12"}),
    ("Li1.3Al0.3Ti1.7(PO4)3 (LATP) and (Li6PS5Cl (LPSC))",
     {"LATP": "Li1.3Al0.3Ti1.7(PO4)3", "LPSC": "Li6PS5Cl"}),
    ("Abbreviations\nAbbreviation Definition LiB lithium-ion battery Nb-NCA93 "
     "Li[Ni0.92Co0.06Al0.01Nb0.01]O2 LiPON lithium phosphorus oxynitride NZSP Na3Zr2Si2PO12 "
     "RT room temperature\nReferences\n1. LLTO Li0.33La0.56TiO3 data",
     {"Nb-NCA93": "Li[Ni0.92Co0.06Al0.01Nb0.01]O2", "NZSP": "Na3Zr2Si2PO12"}),
    ("Li7P3S11 (RT) by XRD (XRD) and lithium phosphorus oxynitride (LiPON)", {}),
    ("NaCB11H12 (NCB) ... later Na2B12H12 (NCB)", {"NCB": "NaCB11H12"}),
    ("the new solid solution Na3 + xSc2SixP3 − xO12 (abbreviated hereafter as NSSiPx) was",
     {"NSSiPx": "Na3 + xSc2SixP3 − xO12"}),
    ("Na3Zr2Si2PO12 (hereafter NZSP) and Li3PS4 (denoted as LPS-g)",
     {"NZSP": "Na3Zr2Si2PO12", "LPS-g": "Li3PS4"}),
    ("A Nasicon-related Na5GdSi4O12(NGS) was made; Zr2(PO4)3 groups", {"NGS": "Na5GdSi4O12"}),
])
def test_materials_find_abbreviation_definitions(text: str, expected: dict[str, str]) -> None:
    assert find_abbreviation_definitions(text) == expected


@pytest.mark.parametrize(("abbr", "defined", "expected"), [
    ("NCB", {"NCB": "NaCB11H12"}, "NaCB11H12"),
    ("LLZO", {}, "Li7La3Zr2O12"),
    ("llzo", {}, "Li7La3Zr2O12"),
    ("LLZO", {"LLZO": "Li6.4La3Zr1.4Ta0.6O12"}, "Li6.4La3Zr1.4Ta0.6O12"),
    ("LGPS", {}, "Li10GeP2S12"),
    ("NZSP", {}, "Na3Zr2Si2PO12"),
    ("β′′-alumina", {}, "β''-Al2O3"),
    ("LiPON", {}, None),
    ("XYZ", {}, None),
])
def test_materials_expand_abbreviation(abbr: str, defined: dict[str, str],
                                       expected: str | None) -> None:
    assert expand_abbreviation(abbr, defined) == expected


@pytest.mark.parametrize(("raw", "formula", "family"), [
    ("NaCB11H12 (NCB)", "CH12B11Na", None),
    ("NCB", "CH12B11Na", None),
    ("LISICON Li14Zn(GeO4)4", "Ge4Li14O16Zn", "LISICON"),
    ("LLZO", "La3Li7O12Zr2", "Garnet"),
    ("LiPON", None, None),
    ("β''-alumina", "β''-Al2O3", "β-alumina"),
    ("Li7P3S11 glass-ceramic", "Li7P3S11", "Glass-ceramic"),
    ("NASICON", None, "NASICON"),
    ("polyether / Na3Zr2Si2PO12 composite (30 wt.% NZSP)", None, None),
    ("Table 2", None, None),
    ("NaFSI", "F2NNaO4S2", None),
])
def test_materials_resolve_material(raw: str, formula: str | None, family: str | None) -> None:
    assert resolve_material(raw, {"NCB": "NaCB11H12"}) == MaterialRef(raw, formula, family)


def test_materials_members_of_a_defined_solid_solution() -> None:
    defined = {"NSSiPx": "Na3 + xSc2SixP3 − xO12"}
    assert expand_abbreviation("NSSiP0.05", defined) == "Na3.05O12P2.95Sc2Si0.05"
    assert resolve_material("NSSiP0.4", defined).formula == "Na3.4O12P2.6Sc2Si0.4"
    assert resolve_material("NSSiPx", defined).formula == "Na3+xSc2SixP3-xO12"
    assert resolve_material("NSSiPx (x = 0.4)", defined).formula == "Na3.4O12P2.6Sc2Si0.4"
    assert resolve_material("NSSiP0.4").formula is None  # an acronym is not read as elements
    assert resolve_material("Na3 + xSc2(SiO4)x(PO4)3 − x (x = 0.4)").formula == (
        "Na3.4O12P2.6Sc2Si0.4")
    assert canonical_formula("Li2S - P2S5") is None  # two compounds, not one formula


def test_materials_material_ref_is_frozen_and_validated() -> None:
    ref = MaterialRef("LLZO", "La3Li7O12Zr2", "Garnet")
    with pytest.raises(dataclasses.FrozenInstanceError):
        ref.raw = "x"  # type: ignore[misc]
    with pytest.raises(ValueError, match="empty"):
        MaterialRef("  ")


# --------------------------------------------------------------------------- properties (#11)

_FORMULA_EXAMPLES = ["Li7P3S11", "Na3+xSc2SixP3-xO12", "Li1.4Al0.4Ti1.6(PO4)3", "β''-Al2O3",
                     "Li6PS5Cl", "Na2B12H12·xH2O", "[B12H12]^2-", "Li7La3Zr2O12 (x = 0.2)",
                     "Li14Zn(GeO4)4", "Na1+xZr2SixP3−xO12"]
_FORMULA_NOISE = "LiNaKPSOClBrHZrLaAlTiGe0123456789.()[]{}+-−–·•*^=xyzδ' "
_ELEMENTS = ["Li", "Na", "K", "Mg", "Al", "P", "S", "O", "Cl", "Zr", "La", "Ti", "Ge", "B", "H",
             "Sc", "Si", "N", "F", "Br", "I", "Zn", "Y", "In"]


@st.composite
def _mutated_formula(draw: st.DrawFn) -> str:
    text = list(draw(st.sampled_from(_FORMULA_EXAMPLES)))
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(text)))
        ch = draw(st.sampled_from(_FORMULA_NOISE) | st.characters())
        op = draw(st.sampled_from(("insert", "delete", "replace")))
        if op == "insert":
            text.insert(i, ch)
        elif i < len(text):
            text[i:i + 1] = [] if op == "delete" else [ch]
    return "".join(text)


_FORMULA_TEXT = (st.text(_FORMULA_NOISE, max_size=30) | st.text(max_size=20)
                 | _mutated_formula())


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_FORMULA_TEXT, variables=st.sampled_from([None, {"x": 0.2}, {"x": 0.0, "y": 1.5}]))
def test_materials_parsers_raise_only_their_own_error(text: str,
                                                     variables: dict[str, float] | None):
    try:
        amounts = parse_formula(text, variables)
    except FormulaParseError:
        amounts = None
    assert amounts is None or all(isinstance(v, float) for v in amounts.values())
    canonical = canonical_formula(text, variables)
    assert canonical is None or isinstance(canonical, str)


@settings(max_examples=300, deadline=None)
@given(composition=st.dictionaries(st.sampled_from(_ELEMENTS), st.integers(1, 24),
                                   min_size=1, max_size=5))
def test_materials_formula_round_trips(composition: dict[str, int]):
    written = "".join(el + (str(n) if n > 1 else "") for el, n in composition.items())
    assert parse_formula(written) == pytest.approx({el: float(n) for el, n in composition.items()})
    canonical = canonical_formula(written)
    assert canonical is not None
    assert parse_formula(canonical) == parse_formula(written)
    assert canonical_formula(canonical) == canonical  # canonical strings are a fixed point
