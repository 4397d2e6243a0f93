"""Facts a document states once and uses everywhere: abbreviations, sample codes, templates.

A paper defines ``NaCB11H12 (NCB)``, ``Na3 + xSc2SixP3 − xO12 (abbreviated hereafter as
NSSiPx)`` or ``Na1+xM2-xInx(PO4)3 (M = Ti, Sn, Hf, Zr)`` in one sentence and then writes only
the short name in its tables and text. :func:`document_to_facts` reads these definitions once
per document into a frozen :class:`DocumentFacts`, which both the table reader and the text
mentions are handed, so a name resolves the same way in a table cell and in a sentence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cached_property

from extractors.citations import Reference, document_to_references
from extractors.compositions import (
    CompositionTemplate,
    text_to_placeholder_values,
    text_to_templates,
)
from extractors.document import Document
from extractors.materials import (
    find_abbreviation_definitions,
    is_formula,
    is_non_material_acronym,
    normalise_formula_text,
)
from extractors.ocr import ocr_to_text
from extractors.units import Temperature, parse_temperature
from extractors.works import document_to_work_id

# "Na3Zr2Si2PO12 with 10 wt% glass (denoted as NCP-G1:1)": a sample code may hold ":" and "/",
# which the abbreviation reader (one word of letters, digits and dashes) does not take.
_NAMING = (r"(?:abbreviated|denoted|referred\s+to|designated|labell?ed|named|called|termed"
           r"|written)")
_LATER = r"(?:hereafter|hereinafter|henceforth|below|in\s+the\s+following)"
_CODE_DEFINITION = re.compile(
    r"(?<!\S)(?P<formula>\S+(?:\s[+\-−–]\s\S+)*)\s*[(,]\s*(?:[^()]{0,60}?[;,]\s*)?(?:" + _LATER
    + r"\s+)?(?:" + _NAMING
    + r"(?:\s+" + _LATER + r")?(?:\s+as)?|" + _LATER + r")\s+[\"“‘']?"
    r"(?P<code>[A-Za-z][A-Za-z0-9'\-:/.]{0,15}?)[\"”’']?\s*[),;]")
# "Li5La3Sb2O12 PDF-80-1251": a diffraction card or database entry, not a name for the phase.
# "conductivity at 300°C", "the conductivity of pure Na4Zr2Si3O12 at 300 °C": the temperature a
# paper states its conductivities at (at most three words between, none of them a verb of
# preparation: "conductivity of samples sintered at 1100 °C" is not one).
_CONDUCTIVITY_AT = re.compile(
    r"conductivit(?:y|ies)(?:\s+(?!sinter|anneal|calcin|heat|prepar|quench)[^\s.;]+){0,3}?\s+at\s+"
    r"(?P<temperature>[-−–]?\d+(?:\.\d+)?\s*(?:°\s*C|℃|K)(?![A-Za-z]))")
_CATALOGUE_NUMBER = re.compile(r"^(?:PDF|ICSD|JCPDS|COD|ICDD|CIF)\b|^\D*\d+[-/]\d{3,}")
_CODE_SHAPE = re.compile(r"^(?=(?:.*[A-Z]){2})[A-Za-z][A-Za-z0-9'\-:/.]{1,15}$")


@dataclass(frozen=True)
class DocumentFacts:
    """What a document defines once, read by :func:`document_to_facts`.

    Attributes:
        abbreviations: (name, formula as written) pairs, first definition first: ``NCB``,
            ``NSSiPx`` (a series code, whose members ``NSSiP0.4`` resolve too), ``NCP-G1:1``.
        templates: composition templates the document writes (``Na1+xM2-xInx(PO4)3``).
        placeholder_values: (site, elements) pairs listed for placeholder sites
            (``M = Ti, Sn, Hf, Zr``).
        variable_template: the template whose members the paper names by their amount alone
            ("hereafter denoted x"), when it says so.
        references: (key, entry) pairs of the reference list (:mod:`extractors.citations`).
        work_id: the work the document belongs to (:mod:`extractors.works`).
    """

    abbreviations: tuple[tuple[str, str], ...] = ()
    templates: tuple[CompositionTemplate, ...] = ()
    placeholder_values: tuple[tuple[str, tuple[str, ...]], ...] = ()
    variable_template: CompositionTemplate | None = None
    conductivity_temperature: Temperature | None = None
    references: tuple[tuple[str, Reference], ...] = ()
    work_id: str | None = None

    @cached_property
    def reference_map(self) -> dict[str, Reference]:
        """{key: entry}, the mapping ``resolve_citations`` takes."""
        return dict(self.references)

    @cached_property
    def abbreviation_map(self) -> dict[str, str]:
        """{name: formula as written}, the mapping ``resolve_material`` takes."""
        return dict(self.abbreviations)

    def template_with(self, symbols: Iterable[str]) -> CompositionTemplate | None:
        """The one template whose symbols are exactly ``symbols``; None if none or several."""
        wanted = frozenset(symbols)
        found = [t for t in self.templates if t.symbols == wanted]
        return found[0] if len(found) == 1 else None

    def find_template(self, text: str) -> CompositionTemplate | None:
        """The document's template written as ``text`` (closed-up ``+``/``−`` compared)."""
        key = normalise_formula_text(text)
        return next((t for t in self.templates if t.text == key), None)


def text_to_sample_codes(text: str) -> dict[str, str]:
    """Sample codes defined for a formula with a naming phrase, beyond plain abbreviations.

    ``Na3Zr2Si2PO12 (denoted as NCP-G1:1)`` gives ``{"NCP-G1:1": "Na3Zr2Si2PO12"}``; the code may
    hold ``:``, ``/`` and ``.``, which :func:`find_abbreviation_definitions` does not take.
    """
    found: dict[str, str] = {}
    for m in _CODE_DEFINITION.finditer(text):
        code = m["code"].rstrip(".")
        formula = m["formula"].lstrip("([{\"'“‘")
        if (_CODE_SHAPE.match(code) and not is_non_material_acronym(code)
                and is_formula(normalise_formula_text(formula))):
            found.setdefault(code, formula)
    return found


def _variable_named_template(text: str, templates: Iterable[CompositionTemplate],
                             ) -> CompositionTemplate | None:
    """The template a paper says it names by its amount: ``... (hereafter denoted x)``."""
    for m in _CODE_DEFINITION.finditer(text):
        if len(m["code"]) == 1 and m["code"] in "xyzδ":
            key = normalise_formula_text(m["formula"].lstrip("([{\"'“‘"))
            for t in templates:
                if t.text == key and t.variables == {m["code"]}:
                    return t
    return None


def text_to_conductivity_temperature(text: str) -> Temperature | None:
    """The one temperature the text gives conductivities at (``the conductivity at 300°C``,
    ``conductivity of pure Na4Zr2Si3O12 at 300 °C``), or None when it gives none or several."""
    found: dict[float, Temperature] = {}
    for m in _CONDUCTIVITY_AT.finditer(text):
        t = parse_temperature(m["temperature"])
        if t is not None and t.kelvin is not None:
            found[round(t.kelvin, 1)] = t
    return next(iter(found.values())) if len(found) == 1 else None


def text_to_facts(text: str) -> DocumentFacts:
    """The facts a document's text defines (see :class:`DocumentFacts`)."""
    abbreviations = {name: formula for name, formula in find_abbreviation_definitions(text).items()
                     if not _CATALOGUE_NUMBER.match(name)}
    for code, formula in text_to_sample_codes(text).items():
        abbreviations.setdefault(code, formula)
    placeholders = text_to_placeholder_values(text)
    templates = tuple(text_to_templates(text))
    return DocumentFacts(tuple(abbreviations.items()), templates,
                         tuple(placeholders.items()),
                         _variable_named_template(text, templates),
                         text_to_conductivity_temperature(text))


def document_to_facts(doc: Document) -> DocumentFacts:
    """Read the document's definitions once: its body text, captions included, an OCR layer
    with its certain confusions undone (``Si3012`` is ``Si3O12``), as the mentions read it;
    its reference list and its work."""
    facts = text_to_facts(ocr_to_text(doc.text) if doc.text_layer == "ocr" else doc.text)
    return replace(facts, references=tuple(document_to_references(doc).items()),
                   work_id=document_to_work_id(doc))
