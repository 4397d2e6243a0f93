"""Recognise and canonicalise the materials named in solid-electrolyte papers.

Table cells and sentences name a material as a formula (``Li14Zn(GeO4)4``), an abbreviation
defined in the document (``NaCB11H12 (NCB)``) or a well-known one (``LLZO``), often behind a
family label (``LISICON Li14Zn(GeO4)4``). Reconciliation can only compare values when all of
these collapse to one comparable string, so this module turns them into Hill-ordered formulas.
Well-known abbreviations, family labels and ligands are package data in ``extractors/data/``.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from functools import cache, lru_cache
from importlib.resources import files
from itertools import pairwise
from math import gcd, lcm

from extractors.errors import FormulaParseError

_DATA = files("extractors") / "data"

#: Every element symbol (package data; no D/T, which would let acronyms like ``DFT`` through).
_ELEMENT_LINES = (_DATA / "elements.txt").read_text(encoding="utf-8").splitlines()
ELEMENTS: frozenset[str] = frozenset(
    word for line in _ELEMENT_LINES if not line.startswith("#") for word in line.split())
#: Elements :func:`is_formula` does not expect in a solid electrolyte (noble gases, Z > 94...).
IMPLAUSIBLE_ELEMENTS: frozenset[str] = frozenset(
    word for line in _ELEMENT_LINES if line.startswith("# implausible:")
    for word in line.split()[2:])

#: How far past an "Abbreviations" heading a flattened abbreviation list is read.
DEFAULT_ABBREVIATION_SECTION_CHARS = 4000

#: Letters that stand for a variable amount (``Na1+xTi2-xAlx(PO4)3``, ``O3-δ``).
DEFAULT_VARIABLE_SYMBOLS = "xyzδ"

_ADDUCT = "·"
_OPENERS = {"(": ")", "[": "]", "{": "}"}
_TRANSLATE = str.maketrans({
    "−": "-", "–": "-", "‐": "-", "‑": "-", "•": _ADDUCT, "⋅": _ADDUCT, "∙": _ADDUCT,
    "*": _ADDUCT, "″": "''", "′": "'", "’": "'",
    # a vacancy drawn with another square ("La(2/3)−x▫(1/3)")
    "▫": "□", "◻": "□", "☐": "□", "▢": "□", "⬜": "□",
    **{chr(0x2080 + d): str(d) for d in range(10)},
})
_CHARGE = re.compile(r"\^\{?\d*[+\-]\}?|[⁰¹²³⁴⁵⁶⁷⁸⁹]*[⁺⁻]")
_PHASE_PREFIX = re.compile(r"^([αβγδεηθκλ]'{0,2}|[ct])-(?=[A-Z(\[])")
_VARIABLE_SPEC = re.compile(
    r"[\s,;]*\(?\s*((?:[a-zδ]\s*=\s*\d*\.?\d+\s*[,;]?\s*)+)\)?\s*$")
_VARIABLE_PAIR = re.compile(r"([a-zδ])\s*=\s*(\d*\.?\d+)")
_NUMBER = re.compile(r"\d*\.?\d+")
_TRAILING_PAREN = re.compile(r"^(.*\S)\s+\(((?:[^()]|\([^()]*\))*)\)$")
# A hyphen where a formula was broken at a line end: "Li1.5Al0.5-" / "Ge1.5(PO4)3".
_LINE_BREAK_RE = re.compile(r"^(?P<head>[A-Z][A-Za-z0-9.()]*)[-‐]\s?(?P<tail>[A-Z][^\s\-‐–]*)$")
# Elements a compound needs one of: a piece without any ("Li7La3") is half a formula.
_ANION_ELEMENTS = frozenset({"O", "S", "Se", "Te", "F", "Cl", "Br", "I", "N", "P", "H", "C", "B",
                             "Si", "As"})
_PAREN_TOKEN = r"\(((?:[^()\s]|\([^()\s]*\))+)\)"
_INLINE_DEFINITION = re.compile(r"(?<!\S)(\S+)\s+" + _PAREN_TOKEN)
# "Na5GdSi4O12(NGS)": no space, and no amount after the bracket (that would be a group).
_GLUED_DEFINITION = re.compile(r"(?<!\S)([^\s(]+)\(([A-Za-z][A-Za-z0-9\-]{1,11})\)(?=[\s,.;:]|$)")
_SECTION_LINE = re.compile(
    r"^\s*(?P<abbr>[^\s:]{2,12})\s*(?::\s*|\s[–—=-]\s|\t\s*|\s+)(?P<formula>\S+)\s*$")
_ABBREVIATIONS_HEADING = re.compile(r"^\s*Abbreviations\s*$", re.MULTILINE | re.IGNORECASE)
_SECTION_END = re.compile(r"\n\s*(?:References|Appendix[A-Z ]*|Author Contributions)\s*\n")
_ABBREVIATION_SHAPE = re.compile(r"^[A-Za-zβ][A-Za-z0-9'\-]{1,11}$")
# "Na3 + xSc2SixP3 − xO12 (abbreviated hereafter as NSSiPx)", "(denoted as LZP)", "(hereafter
# NZSP)": a formula (whose + and − the PDF may space) and the name the paper gives it.
_SPACED_FORMULA = r"(\S+(?:\s[+\-−–]\s\S+)*)"
_NAMING = (r"(?:abbreviated|denoted|referred\s+to|designated|labell?ed|named|called|termed"
           r"|written)")
_LATER = r"(?:hereafter|hereinafter|henceforth|below|in\s+the\s+following)"
# "Li3xLa(2/3) − x□(1/3) − 2xTiO3 (LLT)", "... (LLT; x ≈ 0.1)": a formula whose + and − the PDF
# spaced, then its abbreviation, perhaps with the amounts the paper uses.
_AMOUNTS = r"[;,]\s*[xyzδ]\s*[=≈~∼][^()]*"
_SPACED_INLINE_DEFINITION = re.compile(
    r"(?<!\S)(\S+(?:\s[+\-−–]\s\S+)+)\s+\(([^\s();,]+)(?:" + _AMOUNTS + r")?\)")
_AMOUNTS_DEFINITION = re.compile(r"(?<!\S)(\S+)\s+\(([^\s();,]+)" + _AMOUNTS + r"\)")
_PHRASE_DEFINITION = re.compile(
    r"(?<!\S)" + _SPACED_FORMULA + r"\s+\((?:" + _LATER + r"\s+)?(?:" + _NAMING
    + r"(?:\s+" + _LATER + r")?(?:\s+as)?|" + _LATER + r")\s+[\"“‘']?([^\s()\"”’']+?)[\"”’']?\)")


# "Composite of polyether-based polymer/inorganic Na3Zr2Si2PO12 (NZSP)": a mixture whose one
# named component is not the material measured.
_COMPOSITE = re.compile(r"\b(?:composites?|hybrids?|blends?|mixtures?)\b|\bwt\.?\s*%", re.I)


@dataclass(frozen=True)
class MaterialRef:
    """A material as written plus what it resolves to, ready for the record columns.

    Attributes:
        raw: the material as written (``material_raw``).
        formula: canonical formula or None when it is not one (``material_formula``).
        family: structural family label when known (``family``).
    """

    raw: str
    formula: str | None = None
    family: str | None = None

    def __post_init__(self) -> None:
        if not self.raw.strip():
            raise ValueError("MaterialRef.raw must not be empty")


@dataclass(frozen=True)
class _Abbreviation:
    formula: str | None
    family: str | None


def _read_data(name: str) -> list[dict[str, str]]:
    """Rows of one package-data CSV (empty cells become empty strings)."""
    return list(csv.DictReader(io.StringIO((_DATA / name).read_text(encoding="utf-8"))))


@cache
def _known_abbreviations() -> dict[str, _Abbreviation]:
    return {row["abbreviation"]: _Abbreviation(row["formula"] or None, row["family"] or None)
            for row in _read_data("abbreviations.csv")}


@cache
def _family_labels() -> tuple[tuple[str, str], ...]:
    """(label, family) pairs, longest label first so ``thio-LISICON`` wins over ``LISICON``."""
    pairs = [(row["label"], row["family"]) for row in _read_data("families.csv")]
    return tuple(sorted(pairs, key=lambda p: -len(p[0])))


@cache
def _ligands() -> dict[str, str]:
    return {row["ligand"]: row["formula"] for row in _read_data("ligands.csv")}


@cache
def _non_material_acronyms() -> frozenset[str]:
    lines = (_DATA / "non_material_acronyms.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(w for line in lines if not line.startswith("#") for w in line.split())


def _normalise_text(s: str) -> str:
    """NFC, ASCII dashes and primes, subscript digits, one adduct dot."""
    return unicodedata.normalize("NFC", s).translate(_TRANSLATE).strip()


def normalise_material_text(s: str) -> str:
    """A comparable form of a material name that is no formula (``LiPON``, ``LiTFSI-PEO``)."""
    return re.sub(r"\s+", "", _normalise_text(s)).casefold()


@cache
def _labels() -> frozenset[str]:
    return frozenset(normalise_material_text(t) for t in
                     [*_known_abbreviations(), *(label for label, _ in _family_labels())])


def _is_label(token: str) -> bool:
    """True for known abbreviations and family labels, which may happen to spell formulas."""
    return normalise_material_text(token) in _labels()


class _FormulaParser:
    """Recursive-descent reader of one cleaned formula string with exact rational amounts."""

    def __init__(self, text: str, variables: Mapping[str, Fraction], probe: bool) -> None:
        self.text = text
        self.pos = 0
        self.variables = variables
        self.symbols = set(DEFAULT_VARIABLE_SYMBOLS) | set(variables)
        self.probe = probe
        self.missing: set[str] = set()

    def fail(self, why: str) -> FormulaParseError:
        return FormulaParseError(f"{self.text!r} at position {self.pos}: {why}")

    def peek(self, offset: int = 0) -> str:
        i = self.pos + offset
        return self.text[i] if i < len(self.text) else ""

    def parse(self) -> dict[str, Fraction]:
        comp = self.formula()
        if self.pos != len(self.text):
            raise self.fail(f"unexpected {self.peek()!r}")
        return comp

    def formula(self) -> dict[str, Fraction]:
        comp = self.part()
        while self.peek() == _ADDUCT:
            self.pos += 1
            _add(comp, self.part())
        return comp

    def part(self) -> dict[str, Fraction]:
        coefficient = self.coefficient()
        comp: dict[str, Fraction] = {}
        while True:
            unit = self.unit()
            if unit is None:
                break
            _add(comp, unit)
        if not comp:
            raise self.fail("expected an element symbol")
        return {el: n * coefficient for el, n in comp.items()}

    def coefficient(self) -> Fraction:
        """A leading multiplier: ``0.6MgS``, ``xMgI2`` or ``(100-x)(...)``."""
        if self.peek() == "(":
            close = self.text.find(")", self.pos)
            inner = self.text[self.pos + 1:close] if close > 0 else ""
            if inner and not any(c.isupper() or c == "(" for c in inner):
                start = self.pos
                self.pos += 1
                value = self.amount()
                if value is not None and self.peek() == ")":
                    self.pos += 1
                    return value
                self.pos = start
        value = self.amount()
        return Fraction(1) if value is None else value

    def unit(self) -> dict[str, Fraction] | None:
        ch = self.peek()
        if ch in _OPENERS:
            inner = self.group(_OPENERS[ch])
        elif ch.isupper():
            inner = {self.element(): Fraction(1)}
        else:
            return None
        amount = self.amount()
        if amount is None:
            return inner
        if amount < 0:
            raise self.fail("negative amount")
        return {el: n * amount for el, n in inner.items()}

    def group(self, closer: str) -> dict[str, Fraction]:
        self.pos += 1
        match = re.compile(r"[a-z]+").match(self.text, self.pos)
        if match and self.text[match.end():match.end() + 1] == closer:
            ligand = _ligands().get(match.group())
            if ligand is None:
                raise self.fail(f"unknown ligand {match.group()!r}")
            self.pos = match.end() + 1
            return dict(_FormulaParser(ligand, {}, probe=False).parse())
        comp = self.formula()
        if self.peek() != closer:
            raise self.fail(f"expected {closer!r}")
        self.pos += 1
        return comp

    def element(self) -> str:
        two = self.text[self.pos:self.pos + 2]
        if len(two) == 2 and two[1].islower() and two in ELEMENTS:
            self.pos += 2
            return two
        if two[:1] in ELEMENTS:
            self.pos += 1
            if self.peek().islower() and self.peek() not in self.symbols:
                raise self.fail(f"{two!r} is not an element symbol")
            return two[:1]
        raise self.fail(f"{two[:1]!r} is not an element symbol")

    def starts_term(self) -> bool:
        ch = self.peek()
        return ch.isdigit() or (ch == "." and self.peek(1).isdigit()) or ch in self.symbols

    def amount(self) -> Fraction | None:
        """``2``, ``6.4``, ``x``, ``2-x``, ``1+2x``; +/- only joins terms when a variable is in."""
        if not self.starts_term():
            return None
        total, has_variable = self.term()
        while self.peek() in ("+", "-"):
            start = self.pos
            sign = 1 if self.peek() == "+" else -1
            self.pos += 1
            if not self.starts_term():
                self.pos = start
                break
            value, term_variable = self.term()
            if not (has_variable or term_variable):
                self.pos = start
                break
            total += sign * value
            has_variable = True
        return total

    def term(self) -> tuple[Fraction, bool]:
        number = _NUMBER.match(self.text, self.pos)
        value = Fraction(1)
        if number:
            value = Fraction(number.group())
            self.pos = number.end()
            denominator = re.compile(r"/(\d+)").match(self.text, self.pos)
            if denominator and int(denominator.group(1)):  # "La2/3-xTiO3", "Sc1/3Zr2(PO4)3"
                value /= int(denominator.group(1))
                self.pos = denominator.end()
        if self.peek() and self.peek() in self.symbols:
            symbol = self.peek()
            self.pos += 1
            return value * self.variable(symbol), True
        return value, False

    def variable(self, symbol: str) -> Fraction:
        if symbol in self.variables:
            return self.variables[symbol]
        self.missing.add(symbol)
        if self.probe:
            return Fraction(1, 100)
        raise FormulaParseError(
            f"{self.text!r}: variable {symbol!r} has no value; pass variables={{{symbol!r}: ...}}")


def _add(into: dict[str, Fraction], other: Mapping[str, Fraction]) -> None:
    for el, n in other.items():
        into[el] = into.get(el, Fraction(0)) + n


@dataclass(frozen=True)
class _Parsed:
    prefix: str
    body: str
    composition: dict[str, Fraction]
    missing: frozenset[str]


# "La(2/3)-x": a fractional amount in brackets; "□(1/3)-2x": a vacancy and its amount, no atoms.
_BRACKETED_FRACTION = re.compile(r"(?<=[A-Za-z□)\]])\((\d+/\d+)\)")
_VACANCY = re.compile(r"[□◻](?:\d*\.?\d+(?:/\d+)?)?(?:[+\-]\d*\.?\d*[xyzδ])*")


def _parse(s: str, variables: Mapping[str, float] | None, probe: bool) -> _Parsed:
    """Clean ``s`` (charges, dashes, phase prefix, ``(x = 0.2)``, vacancies) and read its
    composition."""
    text = _CHARGE.sub("", _normalise_text(s))
    text = _VACANCY.sub("", _BRACKETED_FRACTION.sub(r"\1", text))
    given: dict[str, Fraction] = {}
    spec = _VARIABLE_SPEC.search(text)
    if spec and spec.start() > 0 and "=" in spec.group(1):
        given = {k: Fraction(v) for k, v in _VARIABLE_PAIR.findall(spec.group(1))}
        text = text[:spec.start()]
    given.update({k: Fraction(str(v)) for k, v in (variables or {}).items()})
    text = re.sub(r"\s*·\s*", "·", text.strip())
    text = _compact_operators(text)
    prefix_match = _PHASE_PREFIX.match(text)
    prefix = prefix_match.group(1) if prefix_match else ""
    body = text[prefix_match.end():] if prefix_match else text
    if not body or any(c.isspace() for c in body):
        raise FormulaParseError(f"{s!r} is not a single formula")
    parser = _FormulaParser(body, given, probe)
    composition = {el: n for el, n in parser.parse().items() if n != 0}
    if not composition:
        raise FormulaParseError(f"{s!r} has no elements")
    return _Parsed(prefix, body, composition, frozenset(parser.missing))


def _compact_operators(text: str) -> str:
    """``Na3 + xSc2SixP3 − xO12`` as one formula: PDFs space the + and − of variable amounts.

    Only spaces around a + or - followed by an amount (a digit or a variable) are removed, so
    ``Li2S - P2S5`` (two compounds) stays two words.
    """
    return re.sub(rf"(?<=[\w)\]])\s+([+\-])\s+(?=[\d.{DEFAULT_VARIABLE_SYMBOLS}])", r"\1", text)


def normalise_formula_text(s: str) -> str:
    """A formula as the parser reads it: NFC, ASCII dashes, subscript digits, and the spaced
    ``+``/``−`` of variable amounts closed up (``Na3 + xSc2SixP3 − xO12``)."""
    return _compact_operators(_normalise_text(s))


def _is_acronym_with_amount(body: str) -> bool:
    """``NSSiP0.4``: an acronym (three capitals in a row) with a sample's composition appended.

    Letters that happen to spell elements (N, S, Si, P) followed by one fractional or variable
    amount are a paper's abbreviation of a solid-solution member, not a formula; real formulas
    with a capital run (``KTiOPO4``, ``BPO4``) end in a whole number.
    """
    match = re.fullmatch(rf"([A-Za-z]+)(\d*\.\d+|[{DEFAULT_VARIABLE_SYMBOLS}])", body)
    return match is not None and re.search(r"[A-Z]{3}", match.group(1)) is not None


def _hill_order(elements: list[str]) -> list[str]:
    """Hill order: C then H first when carbon is present, everything else alphabetical."""
    if "C" not in elements:
        return sorted(elements)
    return ["C", *(["H"] if "H" in elements else []),
            *sorted(e for e in elements if e not in ("C", "H"))]


def _format_amount(n: Fraction) -> str:
    if n == 1:
        return ""
    if n.denominator == 1:
        return str(n.numerator)
    return f"{float(n):.6f}".rstrip("0").rstrip(".")


def _composition_to_string(prefix: str, composition: Mapping[str, Fraction]) -> str:
    body = "".join(el + _format_amount(composition[el]) for el in _hill_order(list(composition)))
    return f"{prefix}-{body}" if prefix else body


def parse_formula(s: str, variables: Mapping[str, float] | None = None) -> dict[str, float]:
    """Element amounts of a formula, in Hill order.

    Handles nested groups, adducts (``·``, ``•``, ``*``), fractional and variable amounts,
    charge marks (``^2-``, ignored) and a trailing ``(x = 0.2)``.

    Args:
        s: the formula as written.
        variables: values for variable amounts such as ``x``; they override a trailing spec.

    Raises:
        FormulaParseError: not a formula, or a variable amount without a value (no guessing).
    """
    parsed = _parse(s, variables, probe=False)
    return {el: float(parsed.composition[el]) for el in _hill_order(list(parsed.composition))}


@lru_cache(maxsize=65536)
def is_formula(token: str) -> bool:
    """True when ``token`` is plausibly a chemical formula rather than a word or acronym.

    Cached: a document asks about each of its words, most of them many times.

    Prose is full of element-like words and acronyms, so without a digit a token needs two
    elements, a lowercase letter and no run of three capitals (``In``, ``S``, ``NCB``,
    ``NaFSI`` no; ``LiI``, ``NaH`` yes). Tokens using elements foreign to electrolytes (``SEs``:
    Es) are rejected, and so are known abbreviations and family labels (``LiPON``).
    """
    token = token.strip()
    if not token or token == "NaN" or _is_label(token):
        return False
    try:
        parsed = _parse(token, None, probe=True)
    except FormulaParseError:
        return False
    if IMPLAUSIBLE_ELEMENTS & set(parsed.composition) or _is_acronym_with_amount(parsed.body):
        return False
    if any(c.isdigit() for c in parsed.body):
        return True
    has_lower = any(c.islower() for c in parsed.body if c not in DEFAULT_VARIABLE_SYMBOLS)
    return (len(parsed.composition) >= 2 and has_lower
            and not re.search(r"[A-Z]{3}", parsed.body))


_ADDUCT_PART = re.compile(r"(\d*\.?\d+)(?=[A-Z(\[])")


def _is_mole_fraction_adduct(body: str) -> bool:
    """``70Li2S·30P2S5`` or ``0.75Li2S·0.25P2S5``: components in mole percent or fractions.

    Every component carries its amount and the amounts add up to 100 or 1, so the notation
    gives a ratio, not a formula unit: its formula is the reduced one (``Li7P3S11``), whereas
    ``2Na2O·ZrO2·3SiO2`` (amounts summing to 6) is a formula unit as written.
    """
    parts = body.split("·")
    amounts = [_ADDUCT_PART.match(part) for part in parts]
    if len(parts) < 2 or not all(amounts):
        return False
    return sum(Fraction(m.group(1)) for m in amounts if m) in (1, 100)


def _formula_string(s: str, variables: Mapping[str, float] | None, reduce: bool) -> str | None:
    if _is_label(s):
        return None
    try:
        parsed = _parse(s, variables, probe=True)
    except FormulaParseError:
        return None
    if _is_acronym_with_amount(parsed.body):
        return None
    if parsed.missing:
        return f"{parsed.prefix}-{parsed.body}" if parsed.prefix else parsed.body
    composition = parsed.composition
    if reduce or _is_mole_fraction_adduct(parsed.body):
        amounts = list(composition.values())
        factor = Fraction(gcd(*(a.numerator for a in amounts)),
                          lcm(*(a.denominator for a in amounts)))
        composition = {el: n / factor for el, n in composition.items()}
    return _composition_to_string(parsed.prefix, composition)


def canonical_formula(s: str, variables: Mapping[str, float] | None = None) -> str | None:
    """A comparable formula string: Hill order, amounts as written (not reduced), except a
    composition in mole percent or fractions (``70Li2S·30P2S5`` gives ``Li7P3S11``).

    ``Li14Zn(GeO4)4`` and ``Li14ZnGe4O16`` both give ``Ge4Li14O16Zn``; a phase prefix is kept
    (``β''-Al2O3``) because polymorphs conduct differently. A variable formula without values
    gives its cleaned written form (``Na1+xTi2-xAlx(PO4)3``) so equal notations still match.

    Returns:
        The canonical string, or None when ``s`` is not a formula (or is a known abbreviation).
    """
    return _formula_string(s, variables, reduce=False)


def reduced_formula(s: str, variables: Mapping[str, float] | None = None) -> str | None:
    """Like :func:`canonical_formula` but divided down to the smallest whole-number amounts.

    ``Li14P6S22`` and ``Li7P3S11`` both give ``Li7P3S11``, and ``Li1.4Al0.4Ti1.6(PO4)3`` equals
    ``Li8.4Al2.4Ti9.6P18O72`` (both ``Al2Li7O60P15Ti8``): amounts are exact rationals, so the
    factor is gcd(numerators) / lcm(denominators).
    """
    return _formula_string(s, variables, reduce=True)


def split_family_prefix(cell: str) -> tuple[str | None, str]:
    """Split a leading family label off a table cell.

    ``"LISICON Li14Zn(GeO4)4"`` gives ``("LISICON", "Li14Zn(GeO4)4")``; ``"Garnet-type LLZO"``
    gives ``("Garnet", "LLZO")``. A cell that is only a label gives ``(family, "")``.

    Returns:
        (family or None, the rest of the cell).
    """
    text = _normalise_text(cell)
    for label, family in _family_labels():
        pattern = re.escape(label) + r"(?:[\s-]type)?s?(?=$|[\s:,;-])[\s:,;-]*"
        match = re.match(pattern, text, flags=re.IGNORECASE)
        if match:
            return family, text[match.end():].strip()
    return None, text


def is_non_material_acronym(token: str) -> bool:
    """True for method and property acronyms (``XRD``, ``EIS``, ``SEI``) that name no material."""
    return token.upper() in _non_material_acronyms()


def formula_variables(s: str) -> frozenset[str]:
    """Variables a formula leaves open (``Na3 + xSc2SixP3 − xO12`` → x); empty for a non-formula.

    A trailing ``(x = 0.4)`` closes its variable.
    """
    try:
        return _parse(s, None, probe=True).missing
    except FormulaParseError:
        return frozenset()


@cache
def material_class_nouns() -> frozenset[str]:
    """The class phrases of ``data/material_classes.txt`` (``solid electrolytes``,
    ``garnets``), casefolded: what names a class of materials rather than one."""
    text = (_DATA / "material_classes.txt").read_text(encoding="utf-8")
    return frozenset(w.strip().casefold() for line in text.splitlines()
                     if line.strip() and not line.lstrip().startswith(("#", "["))
                     for w in line.split(",") if w.strip())


def _looks_like_abbreviation(token: str) -> bool:
    """Short, at least two capitals, not itself a formula, not a method acronym (``XRD``)."""
    return (bool(_ABBREVIATION_SHAPE.match(token))
            and sum(c.isupper() for c in token) >= 2
            and token.upper() not in _non_material_acronyms()
            and (token in _known_abbreviations() or not is_formula(token)))


def find_abbreviation_definitions(text: str) -> dict[str, str]:
    """Abbreviations a document defines for formulas, first definition winning.

    Reads inline ``NaCB11H12 (NCB)`` and ``LGPS (Li10GeP2S12)``, abbreviation-list lines
    ``LLZO  Li7La3Zr2O12`` / ``NCB: NaCB11H12``, and adjacent ``ABBR FORMULA`` words after an
    "Abbreviations" heading (layout readers often flatten that table into one paragraph).
    Definitions of non-formulas (``LiPON lithium phosphorus oxynitride``) are skipped.

    Returns:
        {abbreviation: formula as written}.
    """
    found: dict[str, str] = {}
    for pattern in (_SPACED_INLINE_DEFINITION, _AMOUNTS_DEFINITION):
        for match in pattern.finditer(text):
            before = match.group(1).lstrip("([{\"'“‘")
            formula = _compact_operators(_normalise_text(before))
            if _looks_like_abbreviation(match.group(2)) and is_formula(formula):
                found.setdefault(match.group(2), formula)
    for match in _INLINE_DEFINITION.finditer(text):
        before = match.group(1).lstrip("([{\"'“‘")
        inside = match.group(2)
        if is_formula(before) and _looks_like_abbreviation(inside):
            found.setdefault(inside, before)
        elif _looks_like_abbreviation(before) and is_formula(inside):
            found.setdefault(before, inside)
    for match in _GLUED_DEFINITION.finditer(text):
        if is_formula(match.group(1)) and _looks_like_abbreviation(match.group(2)):
            found.setdefault(match.group(2), match.group(1))
    for match in _PHRASE_DEFINITION.finditer(text):
        before = match.group(1).lstrip("([{\"'“‘")
        if _looks_like_abbreviation(match.group(2)) and is_formula(_compact_operators(before)):
            found.setdefault(match.group(2), before)
    for line in text.splitlines():
        m = _SECTION_LINE.match(line)
        if m and _looks_like_abbreviation(m["abbr"]) and is_formula(m["formula"]):
            found.setdefault(m["abbr"], m["formula"])
    heading = _ABBREVIATIONS_HEADING.search(text)
    if heading:
        section = text[heading.end():heading.end() + DEFAULT_ABBREVIATION_SECTION_CHARS]
        section = _SECTION_END.split(section, maxsplit=1)[0]
        words = section.split()
        for abbr, formula in pairwise(words):
            if _looks_like_abbreviation(abbr) and is_formula(formula):
                found.setdefault(abbr, formula)
    return found


@cache
def _variable_pattern(abbr: str, formula: str) -> re.Pattern[str] | None:
    """``NSSiPx`` defined as ``Na3+xSc2SixP3-xO12`` also names ``NSSiP0.4`` (x = 0.4).

    The variables are the letters of :data:`DEFAULT_VARIABLE_SYMBOLS` at the end of the
    abbreviation that the formula uses too; None when the abbreviation has none.
    """
    tail = re.search(rf"[{DEFAULT_VARIABLE_SYMBOLS}]+$", abbr)
    if tail is None or tail.start() == 0:
        return None
    try:
        missing = _parse(formula, None, probe=True).missing
    except FormulaParseError:
        return None
    if not set(tail.group()) <= missing:
        return None
    amounts = "".join(rf"(?P<{'d' if v == 'δ' else v}>\d*\.?\d+)" for v in tail.group())
    return re.compile(re.escape(abbr[:tail.start()]) + amounts)


def match_variable_abbreviation(abbr: str, defined: Mapping[str, str],
                                ) -> tuple[str, dict[str, float]] | None:
    """The defined abbreviation a solid-solution member's name instantiates, and its amounts.

    ``("NSSiP0.4", {"NSSiPx": "Na3 + xSc2SixP3 − xO12"})`` gives ``("NSSiPx", {"x": 0.4})``.
    """
    key = _normalise_text(abbr)
    for name, formula in defined.items():
        pattern = _variable_pattern(name, formula)
        match = pattern.fullmatch(key) if pattern is not None else None
        if match:
            return name, {("δ" if k == "d" else k): float(v) for k, v in match.groupdict().items()}
    return None


def _lookup_abbreviation(abbr: str, defined: Mapping[str, str]) -> _Abbreviation | None:
    """The document's definition first, then the well-known list; exact case before casefold.

    A member of a defined solid solution (``NSSiP0.4`` for ``NSSiPx``) gets the definition's
    formula with its amounts substituted.
    """
    key = _normalise_text(abbr)
    member = match_variable_abbreviation(key, defined)
    if member is not None:
        name, amounts = member
        return _Abbreviation(canonical_formula(defined[name], amounts), None)
    known = _known_abbreviations()
    for table in ({k: _Abbreviation(v, None) for k, v in defined.items()}, known):
        if key in table:
            return table[key]
        folded = {k.casefold(): v for k, v in table.items()}
        if key.casefold() in folded:
            return folded[key.casefold()]
    return None


def expand_abbreviation(abbr: str, defined: Mapping[str, str]) -> str | None:
    """The formula an abbreviation stands for (document definitions override the known list).

    Returns:
        The formula as defined, or None when unknown or when it has no fixed formula (LiPON).
    """
    found = _lookup_abbreviation(abbr, defined)
    return found.formula if found else None


def join_line_break(text: str) -> str | None:
    """``Li1.5Al0.5Ge1.5(PO4)3`` for ``Li1.5Al0.5- Ge1.5(PO4)3``: a formula the layout broke at
    a line end. Only when the part before the hyphen has no anion, so it is no compound of a
    system (``Li2S-P2S5``); None when the text is no such break."""
    match = _LINE_BREAK_RE.match(text.strip())
    if match is None:
        return None
    symbols = re.findall(r"[A-Z][a-z]?", match["head"])
    if set(symbols) & _ANION_ELEMENTS or (len(symbols) < 2 and match["head"][-1].isalpha()):
        return None  # "Li2S-P2S5" is a system, "Li-Ti..." no spelling of one formula
    joined = match["head"] + match["tail"]
    return joined if canonical_formula(joined) is not None else None


def resolve_material(raw: str, defined_abbreviations: Mapping[str, str] | None = None,
                     ) -> MaterialRef:
    """Resolve a material as written into the ``material_*`` and ``family`` record columns.

    A composite (``Composite of polymer/Na3Zr2Si2PO12 (NZSP)``, ``... 30 wt% NZSP``) gets no
    formula: the formula it names is one component's. Otherwise tries the cell without its
    family label (leading, or trailing as in ``Li7P3S11
    glass-ceramic``), then without a trailing parenthetical (``NaCB11H12 (NCB)``), then the
    parenthetical itself; each as an abbreviation first (so ``LiPON`` stays formula-less) and
    then as a formula.

    Args:
        raw: the material as written; document definitions from
            :func:`find_abbreviation_definitions` go in ``defined_abbreviations``.
        defined_abbreviations: {abbreviation: formula} defined by the document.

    Raises:
        ValueError: ``raw`` is empty (skip empty cells before calling).
    """
    defined = defined_abbreviations or {}
    family, rest = split_family_prefix(raw)
    if _COMPOSITE.search(raw):
        return MaterialRef(raw, None, family)
    text = rest or _normalise_text(raw)
    if family is None and " " in text:
        head, _, tail = text.rpartition(" ")
        tail_family, tail_rest = split_family_prefix(tail)
        if tail_family is not None and not tail_rest:
            family, text = tail_family, head
    amounts: dict[str, float] = {}
    spec = _VARIABLE_SPEC.search(text)
    if spec and spec.start() > 0 and "=" in spec.group(1):
        amounts = {k: float(v) for k, v in _VARIABLE_PAIR.findall(spec.group(1))}
        text = text[:spec.start()].strip()
    candidates = [text]
    joined = join_line_break(text)
    if joined is not None:
        candidates.append(joined)
    trailing = _TRAILING_PAREN.match(text)
    if trailing:
        candidates += [trailing.group(1), trailing.group(2)]
    for candidate in candidates:
        abbreviation = _lookup_abbreviation(candidate, defined)
        if abbreviation is not None:
            formula = (canonical_formula(abbreviation.formula, amounts or None)
                       if abbreviation.formula else None)
            return MaterialRef(raw, formula, family or abbreviation.family)
        formula = canonical_formula(candidate, amounts or None)
        if formula is not None:
            return MaterialRef(raw, formula, family)
    return MaterialRef(raw, None, family)
