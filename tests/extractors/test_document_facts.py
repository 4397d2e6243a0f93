"""Tests for extractors.document_facts: definitions read once per document."""

from __future__ import annotations

import dataclasses

import pytest

from extractors.citations import document_to_references
from extractors.document_facts import (
    DocumentFacts,
    document_to_facts,
    text_to_facts,
    text_to_sample_codes,
)
from extractors.extraction import records_of_document
from extractors.materials import resolve_material
from extractors.works import document_to_work_id
from tests.conftest import load_document, shared_path


def test_document_facts_abbreviations_codes_templates() -> None:
    facts = text_to_facts(
        "The solid solution Na3 + xSc2SixP3 − xO12 (abbreviated hereafter as NSSiPx) and "
        "Li1.3Al0.3Ti1.7(PO4)3 (LATP) were mixed with 10 wt% glass, Na3Zr2Si2PO12 (denoted as "
        "NCP-G1:1). The series Na1+xM2-xInx(PO4)3 (M = Ti, Sn, Hf, Zr) is cubic. Li5La3Sb2O12 "
        "PDF-80-1251 was found.")
    assert facts.abbreviation_map == {"NSSiPx": "Na3 + xSc2SixP3 − xO12",
                                      "LATP": "Li1.3Al0.3Ti1.7(PO4)3",
                                      "NCP-G1:1": "Na3Zr2Si2PO12"}
    assert [t.text for t in facts.templates] == ["Na3+xSc2SixP3-xO12", "Na1+xM2-xInx(PO4)3"]
    assert dict(facts.placeholder_values) == {"M": ("Ti", "Sn", "Hf", "Zr")}
    assert resolve_material("NSSiP0.4", facts.abbreviation_map).formula == "Na3.4O12P2.6Sc2Si0.4"
    assert resolve_material("NCP-G1:1", facts.abbreviation_map).formula == "Na3O12PSi2Zr2"


def test_document_facts_sample_code_shapes() -> None:
    assert text_to_sample_codes("Li7La3Zr2O12 (hereafter LLZO-1/2) and XRD (denoted as XRD)") \
        == {"LLZO-1/2": "Li7La3Zr2O12"}


def test_document_facts_series_code_after_the_amounts() -> None:
    facts = text_to_facts("Li7 − xLa3Zr2 − xTaxO12 (x = 0.25–1; hereafter LLZT-x) was sintered")
    assert facts.abbreviation_map == {"LLZT-x": "Li7 − xLa3Zr2 − xTaxO12"}
    assert resolve_material("LLZT-0.5", facts.abbreviation_map).formula == (
        "La3Li6.5O12Ta0.5Zr1.5")


def test_document_facts_variable_named_template() -> None:
    facts = text_to_facts("Samples of Li7-xLa3Zr2-xTaxO12 (hereafter denoted x) were sintered.")
    assert facts.variable_template is not None
    assert facts.variable_template.text == "Li7-xLa3Zr2-xTaxO12"


def test_document_facts_template_with_symbols() -> None:
    facts = text_to_facts("Na1+xTi2-xAlx(PO4)3 and Li1+xAlxGe2-x(PO4)3 and Li5Ln3Sb2O12")
    assert facts.template_with({"x"}) is None  # two series: ambiguous
    found = facts.template_with({"Ln"})
    assert found is not None and found.text == "Li5Ln3Sb2O12"


def test_document_facts_is_frozen() -> None:
    facts = DocumentFacts()
    with pytest.raises(dataclasses.FrozenInstanceError):
        facts.templates = ()  # type: ignore[misc]
    assert facts.abbreviation_map == {} and facts.variable_template is None


def test_document_facts_ocr_layer_read_as_the_mentions_read_it(tmp_path) -> None:
    """An OCR layer's "Si3012" is read as Si3O12 before definitions are looked for."""
    from extractors.document_facts import document_to_facts
    from extractors.layout import read_document
    from tests.pdfbuild import Page, write_pdf

    page = Page().text(72, 100, "The phase Na4Zr2Si3012 (hereafter denoted as NZS-A:1) was made.")
    doc = read_document(write_pdf(tmp_path / "ocr.pdf", [page]))
    assert document_to_facts(doc).abbreviation_map == {"NZS-A:1": "Na4Zr2Si3012"}
    ocr = dataclasses.replace(doc, text_layer="ocr")
    assert document_to_facts(ocr).abbreviation_map == {"NZS-A:1": "Na4Zr2Si3O12"}


def test_document_facts_real_guin_series_code() -> None:
    from extractors.document_facts import document_to_facts

    doc = load_document(shared_path("corpus", "real", "nasicon-na3sc2-guin-ssi-2016.pdf"))
    facts = document_to_facts(doc)
    assert resolve_material("NSSiP0.4", facts.abbreviation_map).formula == "Na3.4O12P2.6Sc2Si0.4"
    assert any(t.text == "Na3+xSc2SixP3-xO12" for t in facts.templates)


def test_document_facts_real_losilla_placeholders() -> None:
    from extractors.document_facts import document_to_facts

    doc = load_document(shared_path("corpus", "real",
                                    "nasicon-na-in-po4-losilla-chemmater-1998.pdf"))
    facts = document_to_facts(doc)
    assert dict(facts.placeholder_values)["M"] == ("Ti", "Sn", "Hf", "Zr")
    assert facts.find_template("Na1+xM2-xInx(PO4)3") is not None


def test_document_facts_carry_the_reference_list_and_work(replica_docs) -> None:
    """References and work are read once, with the definitions; records take them from there
    (facts made from text alone name no work, and records refuse them)."""
    doc = next(iter(replica_docs.values()))
    facts = document_to_facts(doc)
    assert facts.work_id == document_to_work_id(doc) == "doi:10.3390/inorganics12020054"
    assert facts.reference_map == document_to_references(doc) != {}
    with pytest.raises(ValueError, match="name no work"):
        records_of_document(text_to_facts(doc.text), [])
