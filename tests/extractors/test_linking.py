"""Tests for the material a value is given (extractors/mention_materials.py), issue 16 class 1.

Every sentence is made up for the construction it tests; a value no structure ties to a
material is published unlinked, never given to the nearest formula.
"""

from __future__ import annotations

import pytest

from extractors.mentions import Mention, _mention_to_material, load_nlp, text_to_mentions
from extractors.schemas import MATERIAL_UNLINKED_FLAG, RECORD_FLAGS


@pytest.fixture(scope="module")
def nlp():
    return load_nlp()


def _materials(text: str, nlp, **kw) -> list[tuple[float | None, str]]:
    return [(m.conductivity.sigma_S_per_cm or m.conductivity.sigma_low_S_per_cm, m.material_raw)
            for m in text_to_mentions(text, nlp, **kw)]


def _one(text: str, nlp, **kw) -> Mention:
    found = text_to_mentions(text, nlp, **kw)
    assert len(found) == 1, [(m.value_raw, m.material_raw) for m in found]
    return found[0]


def test_linking_formula_before_a_cited_full_stop_is_read(nlp):
    text = ("A conductivity of 2.5 × 10^-2 S cm^-1 was reported for the new phase Na4SnP4S14.^31 "
            "Further work is in progress.")
    assert _one(text, nlp, main_material="Li3YCl6").material_raw == "Na4SnP4S14"


def test_linking_placeholder_family_keeps_its_definition(nlp):
    text = ("For comparison, NaCl was added. Argyrodites Na6PS5Q (Q = Cl, Br, and I) also show "
            "conductivities of over 10^-4 S cm^-1 at 25 °C.")
    m = _one(text, nlp)
    assert m.material_raw == "Na6PS5Q (Q = Cl, Br, and I)"
    assert _mention_to_material(m.material_raw, {}).formula is None  # no one member's


def test_linking_placeholder_with_an_amount_is_the_family(nlp):
    text = ("The stabilized polymorphs o-Na(BH4)1−yXy were found to have conductivities of "
            "2 × 10^-5 S cm^-1 at room temperature.")
    assert _one(text, nlp, main_material="NaCB11H12").material_raw == "o-Na(BH4)1−yXy"


def test_linking_doped_host_keeps_its_dopant(nlp):
    assert _one("Ga-doped Li7La3Zr2O12 shows 1.1 mS cm^-1 at 25 °C.", nlp,
                main_material="Li3PS4").material_raw == "Ga-doped Li7La3Zr2O12"
    m = _one("Nb-substituted LLZO reaches 0.8 mS cm^-1 at 25 °C.", nlp)
    assert m.material_raw == "Nb-substituted LLZO"
    assert _mention_to_material(m.material_raw, {}).formula is None


def test_linking_known_abbreviation_names_a_material(nlp):
    text = "We study Na3PS4 here. LLZO shows 0.3 mS cm^-1 at 25 °C."
    assert _one(text, nlp).material_raw == "LLZO"


def test_linking_sample_named_by_its_amount(nlp):
    text = ("The conductivity of the annealed y = 20 sample was 3.1 × 10^-4 S cm^-1 at 25 °C, "
            "which is higher than that of LiBr.")
    assert _one(text, nlp).material_raw == "annealed y = 20 sample"
    text = ("The glassy sample with y = 20 exhibits a conductivity of 2.2 × 10^-4 S cm^-1 "
            "at 25 °C, higher than LiBr.")
    assert _one(text, nlp).material_raw == "glassy sample with y = 20"


def test_linking_sample_amount_is_the_member_of_a_written_solution(nlp):
    text = ("We prepared Na3+xSc2SixP3−xO12. The conductivity of the x = 0.4 sample was "
            "1.9 × 10^-3 S cm^-1 at 300 °C.")
    assert _one(text, nlp).material_raw == "Na3+xSc2SixP3−xO12 (x = 0.4)"


def test_linking_bracketed_value_after_a_compared_material(nlp):
    text = ("The conductivities of Na3+xZr2SixP3−xO12 are much higher than that of "
            "NaZr2(PO4)3 with rhombohedral structure near room temperature (σNa ≈ 4 × 10^-6 "
            "S cm^-1).")
    assert _one(text, nlp).material_raw == "NaZr2(PO4)3"


def test_linking_example_is_no_paragraph_subject(nlp):
    text = ("This holds for Li3OBr. The other path dominates for oxides such as the garnet "
            "Li7La3Zr2O12. The dashed line marks the bulk conductivity (∼2.1 × 10^-5 S cm^-1).")
    assert _one(text, nlp).material_raw == "Li3OBr"


def test_linking_main_material_only_where_the_paragraph_names_it_or_none(nlp):
    lone = "The slope gives a conductivity of 4 × 10^-5 S cm^-1 at 20 °C."
    assert _one(lone, nlp, main_material="LiLa(BH4)3Br").material_raw == "LiLa(BH4)3Br"
    named = (lone + " The LiLa(BH4)3Br sample is therefore a good conductor, unlike LiBr.")
    assert _one(named, nlp, main_material="LiLa(BH4)3Br").material_raw == "LiLa(BH4)3Br"


def test_linking_value_in_a_paragraph_about_other_materials_is_unlinked(nlp):
    text = ("The slope gives a conductivity of 4 × 10^-5 S cm^-1 at 20 °C. "
            "The pellet contains NaBr and LaBr3 besides the main phase.")
    m = _one(text, nlp, main_material="LiLa(BH4)3Br")
    assert m.material_raw == "" and m.material_kind == "unlinked"
    assert MATERIAL_UNLINKED_FLAG in m.flags and MATERIAL_UNLINKED_FLAG in RECORD_FLAGS


def test_linking_anaphor_with_a_citation_refers_back(nlp):
    text = ("A new family, the anti-perovskites Na3OQ (Q = Cl or Br), has been studied.^4-9 "
            "The first study of these materials^4 as solid electrolytes showed a high ionic "
            "conductivity (>10^-4 S cm^-1 at room temperature).")
    assert _one(text, nlp).material_raw == "Na3OQ (Q = Cl or Br)"


def test_linking_definite_class_with_a_phrase_is_the_samples(nlp):
    text = ("The solid electrolytes with the thio-LISICON-type phase exhibited a conductivity of "
            "2.4 × 10^-3 S cm^-1 at 25 °C. Solid electrolytes with a high conductivity show "
            "1 mS cm^-1.")
    found = text_to_mentions(text, nlp)
    assert (found[0].material_raw, found[0].material_kind) == (
        "solid electrolytes with the thio-LISICON-type phase", "specific")
    assert found[1].material_kind == "class"  # no "the": the class


def test_linking_additive_in_addition_to_its_host_is_one_material(nlp):
    text = ("For example, LiBr in addition to thiophosphate glasses resulted in a conductivity "
            "of 10^-3 S cm^-1 at 25 °C.")
    m = _one(text, nlp)
    assert (m.material_raw, m.material_kind) == (
        "LiBr in addition to thiophosphate glasses", "composite")
    m = _one("NaI added to Na3PS4 gives 0.2 mS cm^-1.", nlp)
    assert (m.material_raw, m.material_kind) == ("NaI added to Na3PS4", "composite")


def test_linking_material_set_besides_is_not_measured(nlp):
    assert _one("Besides NaCl, NaBr shows 0.3 mS cm^-1 at 25 °C.", nlp).material_raw == "NaBr"


def test_linking_formula_broken_at_a_line_end_resolves(nlp):
    m = _one("Na1.4Al0.4- Ti1.6(PO4)3 shows 0.2 mS cm^-1 at 25 °C.", nlp)
    assert _mention_to_material(m.material_raw, {}).formula == "Al0.4Na1.4O12P3Ti1.6"
    assert _mention_to_material("KSn-Ti(PO4)3", {}).formula == "KO12P3SnTi"
    assert _mention_to_material("Na2S-P2S5", {}).formula is None  # a system, not a break


def test_linking_abbreviation_of_a_vacancy_formula_is_defined():
    from extractors.materials import find_abbreviation_definitions, resolve_material
    for text in ("The perovskite Li3xLa(2/3) − x□(1/3) − 2xTiO3 (LLT) is fast.",
                 "The perovskite Li3xLa(2/3)–x▫(1/3)–2xTiO3 (LLT; x ≈ 0.1) is fast."):
        defined = find_abbreviation_definitions(text)
        assert defined == {"LLT": "Li3xLa(2/3)-x□(1/3)-2xTiO3"}, text
        assert resolve_material("LLT", defined).formula == "Li3xLa2/3-xTiO3"
    assert find_abbreviation_definitions("Li2S (TCI, 99%) was dried.") == {}


def test_linking_sample_named_by_what_it_lacks(nlp):
    text = ("We made Na3+xZr2SixP3−xO12 with Sc. The unsubstituted sample shows "
            "2 × 10^-4 S cm^-1 at 25 °C.")
    assert _one(text, nlp).material_raw == "unsubstituted sample"
    assert _one("The undoped LLZO pellet shows 0.1 mS cm^-1.", nlp).material_raw == "LLZO"


def test_linking_comparisons_and_respectively(nlp):
    text = ("A conductivity of 1 × 10^-3 S cm^-1 was obtained for Na3PS4 at 25 °C. "
            "Na3PS4 and Na3SbS4 show 0.2 and 1.1 mS cm^-1, respectively. "
            "The conductivity of Na3SbS4 is an order of magnitude higher than Na3PS4 "
            "(0.1 mS cm^-1).")
    assert [raw for _, raw in _materials(text, nlp)] == [
        "Na3PS4", "Na3PS4", "Na3SbS4", "Na3PS4"]


def test_linking_unlinked_values_are_compared_with_nothing():
    from extractors.statements import material_key
    key = material_key("", None, MATERIAL_UNLINKED_FLAG)
    assert key.startswith("class:")  # reconciliation skips class keys: no "name:" pile-up


def test_linking_class_the_paper_presents_is_its_main_material(nlp):
    text = ("We report a sulphide-based solid electrolyte that shows a conductivity of "
            "2.5 × 10^-2 S cm^-1. Oxide solid electrolytes show 10^-3 S cm^-1.")
    found = text_to_mentions(text, nlp, main_material="Na11Sn2PS12")
    assert [(m.material_raw, m.material_kind) for m in found] == [
        ("Na11Sn2PS12", "specific"), ("Oxide solid electrolytes", "class")]


def test_linking_amount_is_the_member_of_the_documents_one_template(nlp):
    from extractors.compositions import text_to_templates
    templates = [*text_to_templates("Na1+xZr2SixP3-xO12"),
                 *text_to_templates("Li1+xAlxTi2-x(PO4)3")]
    text = "The highest conductivity, 2 × 10^-3 S cm^-1 at 300 °C, was obtained for x = 2.5."
    m = _one(text, nlp, templates=templates, main_material="Na3Zr2Si2PO12")
    assert m.material_raw == "Na1+xZr2SixP3-xO12 (x = 2.5)"  # no Li1+xAlxTi2-x member at 2.5
    assert _mention_to_material(m.material_raw, {}).formula == "Na3.5O12P0.5Si2.5Zr2"
    ambiguous = text.replace("2.5", "0.4")  # a member of both: no template is chosen, and
    m = _one(ambiguous, nlp, templates=templates, main_material="Na3Zr2Si2PO12")
    assert m.material_kind == "unlinked"  # the main formula has no x: no guess


def test_linking_sample_amount_fills_the_documents_template(nlp):
    from extractors.compositions import text_to_templates
    templates = text_to_templates("Na1+xZr2SixP3-xO12")
    text = "The conductivity of the annealed x = 2 sample was 1.1 × 10^-3 S cm^-1 at 25 °C."
    m = _one(text, nlp, templates=templates)
    assert m.material_raw == "Na1+xZr2SixP3-xO12 (x = 2)"
    text = "The conductivity of the annealed x = 50 sample was 1.1 × 10^-3 S cm^-1 at 25 °C."
    assert _one(text, nlp, templates=templates).material_raw == "annealed x = 50 sample"


def test_linking_one_value_for_joined_materials_names_them_all(nlp):
    text = ("Other reports give lower conductivities (10^-6 S cm^-1 at room temperature) for "
            "bulk Na3OCl and Na3OBr. Na6PS5Cl and Na6PS5Br show 1.9 and 1.1 mS cm^-1, "
            "respectively.")
    assert [raw for _, raw in _materials(text, nlp)] == [
        "Na3OCl and Na3OBr", "Na6PS5Cl", "Na6PS5Br"]
    assert _mention_to_material("Na3OCl and Na3OBr", {}).formula is None


def test_linking_lone_value_of_a_respectively_list_is_unlinked(nlp):
    """The list's second value lost its unit ('S cm'): the one value read is the first of two,
    and neither the paragraph's main material nor the nearest formula is its own."""
    text = ("The activation energies of Li6SrLa2Ta2O12 and Li6BaLa2Ta2O12 are 0.50 and 0.40 eV. "
            "For example, the strontium and barium compounds exhibit bulk ionic conductivities "
            "of 8.84 × 10^-6 S cm^-1 and 5.38 × 10^-5 S cm, respectively at 22 °C.")
    m = _one(text, nlp, main_material="Li6BaLa2Ta2O12")
    assert (m.material_raw, m.material_kind) == ("", "unlinked")
    assert MATERIAL_UNLINKED_FLAG in m.flags


def test_linking_lone_value_of_a_respectively_sentence_keeps_a_material_it_names(nlp):
    text = ("Li7P3S11 shows 1.7 × 10^-2 S cm^-1 at 25 °C and 0.1 S at 100 °C, "
            "respectively.")
    assert _one(text, nlp).material_raw == "Li7P3S11"
