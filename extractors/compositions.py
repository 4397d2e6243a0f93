"""Compositions written as templates: ``Na1+xM2-xInx(PO4)3`` with ``M = Ti, x = 0.4``.

Papers on a solid solution name the series once, as a formula with variable amounts (``x``)
and placeholder sites (``M``, ``Ln``), and then label each sample by its substitutions only: a
table row ``M = Ti, x = 0.4``, a column of ``x``, a caption ``(M = Ti, Sn, Hf, Zr)``. A record
needs the concrete formula, so this module finds such templates and fills them in, and only
when every variable and placeholder has a value: a half-substituted formula would compare
with nothing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from extractors.materials import (
    DEFAULT_VARIABLE_SYMBOLS,
    ELEMENTS,
    canonical_formula,
    formula_variables,
    normalise_formula_text,
    parse_formula,
)

#: Site symbols papers use for "any of these elements"; none of them is an element symbol.
DEFAULT_PLACEHOLDER_SYMBOLS = ("Ln", "RE", "Me", "A", "E", "G", "J", "L", "M", "Q", "R", "T", "X",
                               "Z")
#: An element that stands in for a placeholder when a template is checked to be a formula.
_PROBE_ELEMENT = "Zr"
#: Greek capitals that PDFs use for the Latin letters they look like (``Νa`` with a Greek Nu).
_HOMOGLYPHS = str.maketrans("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧ", "ABEZHIKMNOPTYX")
# "M = Ti, Sn, Hf and Zr"; ACS fonts print "=" as ")": "M ) Ti, Sn".
_ELEMENT = r"[A-Z][a-z]?"
_PLACEHOLDER_LIST = re.compile(
    r"(?<![A-Za-z])(?P<sym>Ln|RE|Me|[AEGJLMQRTXZ])\s*[=)]\s*(?P<values>" + _ELEMENT
    + r"(?:\s*(?:,|,?\s*and|,?\s*or)\s*" + _ELEMENT + r")*)(?![a-z])")
_LABEL = re.compile(r"(?<![A-Za-z])(?P<sym>Ln|RE|Me|[AEGJLMQRTXZ]|[a-zδ])\s*=\s*"
                    r"(?P<value>\d*\.?\d+|" + _ELEMENT + r")(?![A-Za-z\d.])")
_TOKEN = re.compile(r"\S+")
#: Characters a PDF font may leave unmapped in place of a letter (``\ufffd``, ``` ` ```).
_UNREADABLE = frozenset("\ufffd`´¢")
#: pdfplumber's text for a glyph without a Unicode mapping.
_CID = re.compile(r"\(cid:\d+\)")


@dataclass(frozen=True)
class CompositionTemplate:
    """A formula with variable amounts and/or placeholder sites, as the document writes it.

    Attributes:
        text: the template as written, with spaced ``+``/``−`` closed up (``Na3+xSc2SixP3-xO12``).
        variables: its variable amounts (``x``).
        placeholders: its placeholder sites (``M``).
        written: the token as the document prints it (``Na1+xTi2−xAlx(PO4)3``).
    """

    text: str
    variables: frozenset[str]
    placeholders: frozenset[str]
    written: str = ""

    def __post_init__(self) -> None:
        if not (self.variables or self.placeholders):
            raise ValueError(f"{self.text!r} is a plain formula, not a template")

    @property
    def symbols(self) -> frozenset[str]:
        return self.variables | self.placeholders


def _placeholder_at(text: str, i: int, allowed: frozenset[str]) -> str | None:
    """The placeholder symbol starting at ``text[i]``, or None when an element starts there."""
    two = text[i:i + 2]
    if len(two) == 2 and two[1].islower() and two[1] not in DEFAULT_VARIABLE_SYMBOLS:
        if two in ELEMENTS:
            return None
        return two if two in allowed else None
    if two in allowed:  # "RE"
        return two
    one = text[i]
    return one if one in allowed and one not in ELEMENTS else None


def _fill(text: str, values: Mapping[str, str], allowed: frozenset[str]) -> tuple[str, set[str]]:
    """``text`` with placeholders replaced by ``values``; also the placeholders it holds."""
    out: list[str] = []
    found: set[str] = set()
    i = 0
    while i < len(text):
        symbol = _placeholder_at(text, i, allowed) if text[i].isupper() else None
        if symbol is None:
            out.append(text[i])
            i += 1
            continue
        found.add(symbol)
        out.append(values.get(symbol, symbol))
        i += len(symbol)
    return "".join(out), found


def text_to_template(token: str, placeholders: frozenset[str] | None = None,
                     ) -> CompositionTemplate | None:
    """Read one token as a composition template, or None (plain formula, word, acronym).

    Args:
        token: one word of text (``Na1+xM2-xInx(PO4)3``, trailing punctuation allowed).
        placeholders: the site symbols to accept; :data:`DEFAULT_PLACEHOLDER_SYMBOLS` when None.
    """
    allowed = frozenset(DEFAULT_PLACEHOLDER_SYMBOLS if placeholders is None else placeholders)
    text = normalise_formula_text(token.translate(_HOMOGLYPHS)).rstrip(".,;:")
    if text.count("(") < text.count(")") and text.endswith(")"):
        text = text[:-1]
    if not text or (not text[0].isupper() and text[0] not in "(["):
        return None
    probe, found = _fill(text, {s: _PROBE_ELEMENT for s in allowed}, allowed)
    if canonical_formula(probe) is None or len(found) > 2:
        return None
    variables = formula_variables(probe)
    if not (variables or found):
        return None
    elements = set(parse_formula(probe, {v: 0.01 for v in variables}))
    if len(elements - ({_PROBE_ELEMENT} if found else set())) < 2:
        return None  # "MHz", "Cox", "AB24": units, words and labels, not a series
    if found and not re.search(r"\d|[" + DEFAULT_VARIABLE_SYMBOLS + "]", text):
        return None  # "MO2", "LiM": too short to tell a site from an acronym
    written = token.strip().rstrip(".,;:")
    if written.count("(") < written.count(")") and written.endswith(")"):
        written = written[:-1]
    return CompositionTemplate(text, frozenset(variables), frozenset(found), written)


def text_to_templates(text: str, placeholders: frozenset[str] | None = None,
                      ) -> list[CompositionTemplate]:
    """Every distinct template written in ``text``, first occurrence first."""
    text = re.sub(r"(?<=[\w)\]])\s+([+\-−–])\s+(?=[\d.xyzδ])", r"\1", text)
    seen: dict[str, CompositionTemplate] = {}
    for m in _TOKEN.finditer(text):
        token = m.group().lstrip("([{\"'“‘")
        template = text_to_template(token, placeholders)
        if template is not None:
            seen.setdefault(template.text, template)
    return list(seen.values())


def text_to_placeholder_values(text: str) -> dict[str, tuple[str, ...]]:
    """Placeholder sites a text lists values for: ``M = Ti, Sn, Hf, Zr`` → {M: (Ti, ...)}."""
    out: dict[str, tuple[str, ...]] = {}
    for m in _PLACEHOLDER_LIST.finditer(text.translate(_HOMOGLYPHS)):
        values = tuple(v for v in re.findall(_ELEMENT, m["values"]) if v in ELEMENTS)
        if values:
            known = out.get(m["sym"], ())
            out[m["sym"]] = known + tuple(v for v in values if v not in known)
    return out


def text_to_labels(text: str) -> dict[str, str]:
    """Substitutions written as labels: ``M = Ti, x = 0.4`` → {M: Ti, x: 0.4}; ACS ``)`` too."""
    text = re.sub(r"(?<![A-Za-z])((?:Ln|RE|Me|[AEGJLMQRTXZ]))\s*\)\s*(?=[A-Z][a-z]?\b)",
                  r"\1 = ", text.translate(_HOMOGLYPHS))
    text = re.sub(r"(?<![A-Za-z(])([xyzδ])\s+\)\s*(?=\d*\.?\d)", r"\1 = ", text)
    return {m["sym"]: m["value"] for m in _LABEL.finditer(text)}


def template_to_formula(template: CompositionTemplate, labels: Mapping[str, str],
                        ) -> str | None:
    """The canonical formula of one member, or None unless every symbol has a value.

    Args:
        template: the series' template.
        labels: {symbol: value}; variables take numbers (``"0.4"``), placeholders element
            symbols or formula pieces (``"Ti"``).
    """
    if not template.symbols <= set(labels):
        return None
    amounts: dict[str, float] = {}
    for v in template.variables:
        try:
            amounts[v] = float(labels[v])
        except ValueError:
            return None
    # A site filled by several elements keeps its amount: A2 with A = Li0.5Na0.5 is (Li0.5Na0.5)2.
    sites = {p: labels[p] if labels[p] in ELEMENTS else f"({labels[p]})"
             for p in template.placeholders}
    if any(canonical_formula(value) is None for value in sites.values()):
        return None
    allowed = frozenset(DEFAULT_PLACEHOLDER_SYMBOLS)
    written, _ = _fill(template.text, sites, allowed)
    if formula_variables(written) - set(amounts):
        return None
    return canonical_formula(written, amounts)


def same_but_unreadable(written: str, template: str) -> bool:
    """True when ``written`` is ``template`` with some letters left unreadable by the font.

    ``\\`a1+xM2-xInx(PO4)3`` (the Greek Nu of a caption lost) is ``Na1+xM2-xInx(PO4)3``.
    """
    written = normalise_formula_text(written.translate(_HOMOGLYPHS))
    if len(written) != len(template) or written == template:
        return written == template
    bad = [(a, b) for a, b in zip(written, template, strict=True) if a != b]
    return all(a in _UNREADABLE for a, _ in bad) and len(bad) <= 2


def written_templates(text: str, known: list[CompositionTemplate],
                      placeholders: frozenset[str] | None = None) -> list[CompositionTemplate]:
    """Templates in ``text``, also where a glyph of a ``known`` one was left unreadable."""
    found = text_to_templates(text, placeholders)
    if found:
        return found
    out: list[CompositionTemplate] = []
    for m in _TOKEN.finditer(_CID.sub("\ufffd", text)):
        token = m.group().rstrip(".,;:")
        if not any(c in _UNREADABLE for c in token):
            continue
        out.extend(t for t in known if t not in out and (
            same_but_unreadable(token, t.text)
            or same_but_unreadable(token.lstrip("([{"), t.text)))
    return out
