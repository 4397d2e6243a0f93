"""Inline conductivity mentions: values stated in running text, with material and temperature.

A blank English spaCy pipeline (no downloaded model) built from ``extractors/nlp/config.cfg``:
a tokenizer that keeps formulas, powers of ten and units whole, the sentencizer, spaCy's
``span_ruler`` fed at ``initialize`` with the package-data patterns in ``extractors/patterns/``
(``mentions.jsonl``: units, numbers, qualifiers, temperatures, material names, back-references;
``kinds.jsonl``: bulk, grain-boundary, total, electronic; ``materials.jsonl``: the polymer hosts,
salts, solvents and markers that make a composite) and the linker, which joins those spans into
stated values and attaches to each its material (by the ordered
:attr:`_Linking.MATERIAL_RULES`), measurement temperature and conductivity kind. Reading the
numbers is left to :mod:`extractors.units`, so a value whose exponent the document does not show
is dropped or flagged there, never guessed here.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache
from importlib.resources import files
from itertools import accumulate
from typing import Any

from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc, Span
from spacy.util import filter_spans, load_config_from_str, load_model_from_config, registry

from extractors.document import Document
from extractors.errors import UnitParseError
from extractors.materials import (
    MaterialRef,
    expand_abbreviation,
    find_abbreviation_definitions,
    formula_variables,
    is_formula,
    is_non_material_acronym,
    match_variable_abbreviation,
    resolve_material,
)
from extractors.records import CONDUCTIVITY_KINDS, ConductivityRecord
from extractors.units import Conductivity, Temperature, parse_conductivity, parse_temperature

__all__ = [
    "DEFAULT_LOOKBACK_SENTENCES",
    "DEFAULT_MAIN_MATERIAL_MIN_COUNT",
    "DEFAULT_MAIN_MATERIAL_RATIO",
    "DEFAULT_MAX_FORMULA_TOKENS",
    "DEFAULT_OF_WINDOW",
    "DEFAULT_SAMPLE_NAME_MIN_COUNT",
    "DEFAULT_TEMPERATURE_WINDOW",
    "MATERIAL_KINDS",
    "TEXT_BLOCK_KINDS",
    "Mention",
    "MentionSettings",
    "document_to_records",
    "find_sample_names",
    "load_nlp",
    "main_material",
    "text_to_mentions",
]

_PATTERNS = files("extractors") / "patterns"
_CONFIG = files("extractors") / "nlp" / "config.cfg"

#: How many tokens after a value a temperature may start and still be its measurement condition.
DEFAULT_TEMPERATURE_WINDOW = 14
#: How many earlier sentences of the paragraph are searched for the material a value refers to.
DEFAULT_LOOKBACK_SENTENCES = 6
#: A paper's main material (the fallback for a value no sentence attaches to anything) must be
#: named this many times, and this many times more often than the runner-up.
DEFAULT_MAIN_MATERIAL_MIN_COUNT = 5
DEFAULT_MAIN_MATERIAL_RATIO = 2.0
#: A sample name defined in brackets ("a separator (PCELS)") must be used this many times.
DEFAULT_SAMPLE_NAME_MIN_COUNT = 3
#: Longest run of tokens joined back into one formula (``Na3 + xSc2SixP3 − xO12``).
DEFAULT_MAX_FORMULA_TOKENS = 7
#: How many words may sit between "conductivity of" and the material it names.
DEFAULT_OF_WINDOW = 4
#: Block kinds read for mentions; tables belong to the table extractor, headers/footers to no one.
TEXT_BLOCK_KINDS: frozenset[str] = frozenset({"paragraph", "caption"})

#: What ``Mention.material_raw`` names: one material, a composite/solution phrase, or a class.
MATERIAL_KINDS = ("specific", "composite", "class")
#: Flag of a value stated for a class of materials ("superionic conductors ... 10^-2 S cm^-1").
CLASS_STATEMENT = "class_statement"
#: Flag of a list item whose power of ten is written on the last item only ("2.3 and 1.3 × 10^-10").
SHARED_EXPONENT = "shared_exponent"

_UNSURE_EXPONENT = "unsure_exponent"
_UNSURE_TIMES = "unsure_times_sign"
# Some publisher fonts map × to "9": "4 9 10^-3 S cm^-1" has no other reading.
_TIMES_AS_NINE_RE = re.compile(r"(?P<mantissa>\d+(?:\.\d+)?) 9 (?P<power>10\^[-−–]\d+)")
_QUALIFIER_TEXT = {
    "QUALIFIER_APPROX": "~ ", "QUALIFIER_LOWER": "> ", "QUALIFIER_UPPER": "< ",
    "QUALIFIER_FROM": "from ", "QUALIFIER_BETWEEN": "between ",
}

if not Doc.has_extension("conductivity_mentions"):
    Doc.set_extension("conductivity_mentions", default=None)

# --- tokenizer -----------------------------------------------------------------------------------

_DASH = "-−–‐\ufffd"
# "at293 K": the reader lost the space between "at" and a temperature.
_PREFIX_RE = re.compile(r"""^[(\[{"“‘'~∼≈<>≤≥*]|^at(?=\d)""")
# A "?" after "^" is a charge sign the font lost ("Na^?"), not a question mark.
_SUFFIX_RE = re.compile(
    rf"(?:\)\^?[{_DASH}]?[1’'‘lI]|(?<=\d)(?:[°◦º˚∘℃][CF]?|\ufffdC|K)|[,;:!\"”’)\]}}%]"
    r"|(?<!\^)(?<!\^\d)\?|\.(?!\d))$"
)
_INFIX_RE = re.compile(
    rf"(?<=\d)[{_DASH}](?=[\d.])|(?<=[\d)])[×·⋅∙$](?=\s?1[0Oo])|(?<=\d)×(?=\d)|/"
    r"|(?<=[A-Za-z])[·⋅∙](?=c?m\b)|(?<=\d)\((?=[Oo]hm|Ω)"
)
_FORMULA_TOKEN_RE = re.compile(
    r"^(?:[A-Z(\[]|[αβγδεη][′'″]*-)[A-Za-z0-9().\[\]{}·⋅•∙+\-−–′'″^]*$"
)


def _is_whole_token(text: str) -> bool:
    """Formulas such as ``Li14Zn(GeO4)4`` or ``(100−x)(0.6MgS·0.4P2S5)`` stay one token.

    A formula starts with a capital or a bracket, has a capital and a digit, bracket or adduct
    dot, and balanced brackets; ``(Li7P3S11)`` wrapped whole in brackets is split as prose.
    """
    if not _FORMULA_TOKEN_RE.match(text) or text[-1] in ".,;:":
        return False
    if not any(c.isdigit() or c in "([·" for c in text) or not any("A" <= c <= "Z" for c in text):
        return False
    depths = list(accumulate((c in "([{") - (c in ")]}") for c in text))
    if min(depths) < 0 or depths[-1] != 0:
        return False
    return not (text[0] in "([" and depths.index(0) == len(text) - 1)


def make_tokenizer(exceptions: str) -> Callable[[Language], Tokenizer]:
    """Whitespace tokens split at punctuation, keeping formulas, powers of ten and units whole.

    Args:
        exceptions: JSONL file in ``extractors/patterns`` of tokens whose final period belongs
            to them (``et al.``, ``ca.``), so the sentencizer does not end a sentence there.
    """
    lines = (_PATTERNS / exceptions).read_text(encoding="utf-8").splitlines()
    rules = {row["orth"]: [{"ORTH": row["orth"]}] for row in map(json.loads, filter(None, lines))}

    def create(nlp: Language) -> Tokenizer:
        return Tokenizer(nlp.vocab, rules=rules, prefix_search=_PREFIX_RE.search,
                         suffix_search=_SUFFIX_RE.search, infix_finditer=_INFIX_RE.finditer,
                         token_match=_is_whole_token)

    return create


registry.tokenizers.register("ionlit.tokenizer.v1", func=make_tokenizer)

# --- pattern spans -------------------------------------------------------------------------------


def read_patterns(names: str | Sequence[str]) -> list[dict[str, Any]]:
    """The ``{label, pattern}`` rows of JSONL files in ``extractors/patterns`` (one or several)."""
    rows: list[dict[str, Any]] = []
    for name in [names] if isinstance(names, str) else names:
        for line in (_PATTERNS / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                rows.append(json.loads(line))
    return rows


def make_pattern_reader(names: list[str]) -> list[dict[str, Any]]:
    """Patterns for spaCy's built-in ``span_ruler``, read at ``initialize`` (see config.cfg)."""
    return [{"label": row["label"], "pattern": row["pattern"]} for row in read_patterns(names)]


registry.misc.register("ionlit.read_patterns.v1", func=make_pattern_reader)


# --- mentions ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MentionSettings:
    """Distances the linker allows between a value and its temperature or material."""

    temperature_window: int = DEFAULT_TEMPERATURE_WINDOW
    lookback_sentences: int = DEFAULT_LOOKBACK_SENTENCES
    max_formula_tokens: int = DEFAULT_MAX_FORMULA_TOKENS
    of_window: int = DEFAULT_OF_WINDOW

    def __post_init__(self) -> None:
        for name in ("temperature_window", "lookback_sentences", "max_formula_tokens",
                     "of_window"):
            if getattr(self, name) < 0:
                raise ValueError(f"MentionSettings.{name} must be >= 0")
        if self.max_formula_tokens < 1:
            raise ValueError("MentionSettings.max_formula_tokens must be >= 1")


@dataclass(frozen=True)
class Mention:
    """One stated conductivity value in a text, with what it is attached to.

    ``start``/``end`` are character offsets of the value (number and unit) in the text.
    ``kind`` is what the sentence says the value measures (:data:`CONDUCTIVITY_KINDS`);
    ``material_kind`` says whether ``material_raw`` names one material (``specific``), a
    composite, solution or polymer electrolyte written out as a phrase (``composite``) or a
    class of materials (``class``): only a ``specific`` material has a formula.
    """

    start: int
    end: int
    value_raw: str
    conductivity: Conductivity
    material_raw: str
    temperature: Temperature | None
    sentence: str
    flags: tuple[str, ...] = ()
    kind: str = "unspecified"
    material_kind: str = "specific"

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.end:
            raise ValueError(f"bad mention offsets {self.start}..{self.end}")
        if not self.material_raw.strip():
            raise ValueError("a mention needs a material")
        if self.kind not in CONDUCTIVITY_KINDS:
            raise ValueError(f"Mention.kind must be one of {CONDUCTIVITY_KINDS}, not {self.kind!r}")
        if self.material_kind not in MATERIAL_KINDS:
            raise ValueError(f"Mention.material_kind must be one of {MATERIAL_KINDS}")

    @property
    def temperature_K(self) -> float | None:
        """Kelvin of the temperature; the stated end for a bound (``above 529 K`` → 529).

        A range (``400–800 °C``) has no one temperature, so it gives None; its text stays in
        ``temperature_raw``.
        """
        t = self.temperature
        if t is None:
            return None
        if t.qualifier == "range":
            return None
        return t.kelvin if t.kelvin is not None else (t.low_kelvin or t.high_kelvin)


@dataclass(frozen=True)
class _Material:
    start: int
    end: int
    raw: str
    # "specific", "composite", "component" (a salt, host or solvent alone), "class", "anaphor"
    # or "ion" (never a value's material: "10 mS cm^-1 for Li^+" names no material)
    kind: str
    # a solution in coordinated solvents ("LiPF6 in EC–DEC and EC–PC"), one per solvent
    alternatives: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Value:
    start: int  # character offsets of the number (and unit) as located on the page
    end: int
    text: str
    conductivity: Conductivity
    flags: tuple[str, ...]
    tokens: tuple[int, int] = (0, 0)  # the number's tokens (without the unit)


@dataclass(frozen=True)
class _Pick:
    """A value's material: as written, and whether it is one material, a composite or a class."""

    raw: str
    kind: str = "specific"


#: A rule's answer that drops the value: it is stated for an ion and no material.
_DROP = _Pick("(dropped)", "dropped")
#: Material kinds that name something a value can belong to (not classes, ions or anaphors).
_NAMED_KINDS = ("specific", "composite", "component")


def _pick(m: _Material) -> _Pick:
    """A component (salt, host or solvent named alone) is the specific material it names."""
    return _Pick(m.raw, "specific" if m.kind == "component" else m.kind)


@dataclass(frozen=True)
class _Context:
    """A value being linked: its sentence, token range, the sentence's materials, its clause."""

    sent: Span
    start: int
    end: int
    mats: Sequence[_Material]
    seg_start: int


class ConductivityLinker:
    """Join pattern spans into values and attach each to its material and temperature."""

    def __init__(self, spans_key: str, settings: MentionSettings) -> None:
        self.spans_key = spans_key
        self.settings = settings

    def __call__(self, doc: Doc) -> Doc:
        defined = doc.user_data.get("ionlit.abbreviations", {})
        samples = doc.user_data.get("ionlit.sample_names", frozenset())
        doc._.conductivity_mentions = _Linking(doc, self.spans_key, self.settings, defined,
                                               samples).run()
        return doc


@Language.factory(
    "ionlit_conductivity_linker_v1", assigns=["doc._.conductivity_mentions"],
    requires=["doc.sents", "doc.spans"],
    default_config={"spans_key": "ionlit", "temperature_window": DEFAULT_TEMPERATURE_WINDOW,
                    "lookback_sentences": DEFAULT_LOOKBACK_SENTENCES,
                    "max_formula_tokens": DEFAULT_MAX_FORMULA_TOKENS,
                    "of_window": DEFAULT_OF_WINDOW},
)
def make_conductivity_linker(nlp: Language, name: str, spans_key: str, temperature_window: int,
                             lookback_sentences: int, max_formula_tokens: int,
                             of_window: int) -> ConductivityLinker:
    """The component that turns pattern spans into :class:`Mention` objects."""
    return ConductivityLinker(spans_key, MentionSettings(temperature_window, lookback_sentences,
                                                         max_formula_tokens, of_window))


_FORMULA_PIECE_RE = re.compile(r"^(?:\S*[A-Z0-9(\[]\S*|[xyzδ]|[+−–\-·⋅•∙()\]\ufffd])$")
# A cation named as what conducts: "10 mS cm^-1 for Li^+", "conductivity of Li^+ in solids".
_CATION_RE = re.compile(r"^[A-Z][a-z]?\^\d?\+$")
# Sample names in a "respectively" list (PP, PCS, PES and PCELS separators).
_ACRONYM_RE = re.compile(r"^[A-Z][A-Z0-9]{1,7}$")
# U+FFFD stands for an adduct dot the PDF's font lost ("2Na2O�ZrO2�3SiO2").
_OPERATOR_TOKENS = frozenset("+−–-·⋅•∙\ufffd")
# A dopant cation written before its host, its charge sign sometimes lost to "?".
_DOPANT_RE = re.compile(r"^[A-Z][a-z]?\^\d?[+?]$")
_ION_RE = re.compile(r"\^\d*[+\-−]$|[+\-−]$")


class _Linking:
    """The linking of one Doc: its spans indexed by label, and cached material mentions."""

    def __init__(self, doc: Doc, key: str, settings: MentionSettings,
                 defined: Mapping[str, str], samples: frozenset[str] = frozenset()) -> None:
        self.doc = doc
        self.settings = settings
        self.defined = defined
        self.samples = samples
        self.by_label: dict[str, list[Span]] = {}
        for span in doc.spans[key]:
            self.by_label.setdefault(span.label_, []).append(span)
        self.numbers = {t for s in self.spans("NUMBER") for t in range(s.start, s.end)}
        self.sentences = list(doc.sents)
        self._materials: dict[int, list[_Material]] = {}
        self.value_first: dict[int, int] = {}  # a value's character offset → its first token
        self.units = filter_spans(self.spans("COND_UNIT"))
        self.taken = {t for s in [*self.units, *self.spans("TEMPERATURE")]
                      for t in range(s.start, s.end)}

    def spans(self, *labels: str) -> list[Span]:
        return [s for label in labels for s in self.by_label.get(label, [])]

    def ending_at(self, end: int, *labels: str) -> Span | None:
        found = [s for s in self.spans(*labels) if s.end == end]
        return max(found, key=len) if found else None

    # -- values --

    def run(self) -> list[Mention]:
        out: list[Mention] = []
        by_sentence: dict[int, list[tuple[int, int, list[Mention]]]] = {}
        for unit in self.units:
            found = self.unit_to_mentions(unit)
            if found is not None:
                by_sentence.setdefault(unit.sent.start, []).append(found)
        for groups in by_sentence.values():
            out.extend(self.pair_respectively(groups))
        return out

    def pair_respectively(self, groups: list[tuple[int, int, list[Mention]]]) -> list[Mention]:
        """In a "respectively" sentence the i-th value is the i-th listed material's."""
        found = [m for _, _, ms in groups for m in ms]
        sent = self.doc[groups[0][0]].sent
        if len(groups) < 2 or not any(s.sent.start == sent.start
                                      for s in self.spans("RESPECTIVELY")):
            return found
        names = self.list_materials(sent, groups[0][0], groups[-1][1], len(found))
        shared = next((m.temperature for m in found if m.temperature is not None), None)
        kinds = self.respectively_kinds(sent, groups[0][0], groups[-1][1], len(found))
        out = []
        for i, m in enumerate(found):
            if names:
                flags = tuple(f for f in m.flags if f != CLASS_STATEMENT)
                if names[i].kind == "class":
                    flags += (CLASS_STATEMENT,)
                m = replace(m, material_raw=names[i].raw, material_kind=names[i].kind,
                            flags=flags)
            if kinds and (m.kind == "unspecified" or len(set(kinds)) > 1):
                m = replace(m, kind=self.direct_kind(self.value_first[m.start]) or kinds[i])
            out.append(replace(m, temperature=m.temperature or shared))
        return out

    def unit_to_mentions(self, unit: Span) -> tuple[int, int, list[Mention]] | None:
        """The values a unit closes: token range and mentions, or None."""
        sent = unit.sent
        respectively = any(s.sent.start == sent.start for s in self.spans("RESPECTIVELY"))
        start = self.walk_left(unit.start, sent.start, respectively)
        if start == unit.start or self.is_non_ionic(sent, start):
            return None
        items = self.split_items(start, unit.start, respectively or self.has_list(start, unit))
        values = [v for v in (self.read_value(a, b, unit) for a, b in items) if v is not None]
        if not values:
            return None
        values = self.share_exponent(values, unit)
        temperature = self.find_temperature(sent, start, unit.end)
        materials = self.find_materials(sent, start, unit.end, len(values))
        if materials is None:
            return None
        kinds = self.group_kinds(sent, start, [v.tokens[0] for v in values])
        return start, unit.end, [
            Mention(value.start, value.end, value.text, value.conductivity, material.raw,
                    temperature, sent.text,
                    value.flags + ((CLASS_STATEMENT,) if material.kind == "class" else ()),
                    kind, material.kind)
            for value, material, kind in zip(values, materials, kinds, strict=True)]

    def share_exponent(self, values: list[_Value], unit: Span) -> list[_Value]:
        """"2.3, 1.8 and 1.3 × 10^-10 S cm^-1": the last item's power of ten is every item's."""
        if len(values) < 2:
            return values
        last = self.doc[values[-1].tokens[0]:values[-1].tokens[1]]
        joins = [t for t in last if t.text in ("×", "x", "X", "·", "⋅", "$")]
        if not joins or joins[-1].i + 1 >= last.end:
            return values
        power = self.doc[joins[-1].i:last.end].text
        out: list[_Value] = []
        for v in values[:-1]:
            bare = self.doc[v.tokens[0]:v.tokens[1]]
            if len(bare) == 1 and bare[0].i in self.numbers and "10" not in bare.text[:2]:
                shared = self.read_value(v.tokens[0], v.tokens[1], unit, suffix=f" {power}")
                if shared is not None:
                    v = replace(shared, flags=(*shared.flags, SHARED_EXPONENT))
            out.append(v)
        return [*out, values[-1]]

    # -- what the value measures --

    def group_kinds(self, sent: Span, start: int, firsts: Sequence[int]) -> list[str]:
        """The conductivity kind of each value of a group (first tokens ``firsts``).

        A kind written at the value ("bulk (8.2 × 10^-6 S cm^-1)", "σ_total = ...") wins;
        otherwise the words before the conductivity word that governs the group: one kind
        for all values, or one per value in order ("bulk and GB conductivities of A and B").
        """
        items = self.governing_kinds(sent, start)
        n = len(firsts)
        shared = items if len(items) == n else items[:1] * n if len(items) == 1 else [
            "unspecified"] * n
        return [self.direct_kind(f) or k for f, k in zip(firsts, shared, strict=True)]

    def governing_word(self, sent: Span, start: int) -> Span | None:
        """The nearest conductivity word before ``start`` with no other value between."""
        words = [w for w in self.spans("COND_WORD", "NONIONIC")
                 if w.start >= sent.start and w.end <= start
                 and not any(w.end <= u.start < start for u in self.units)]
        return max(words, key=lambda w: (w.end, len(w))) if words else None

    def governing_kinds(self, sent: Span, start: int) -> list[str]:
        word = self.governing_word(sent, start)
        if word is None:
            return []
        own = _sigma_kind(word.text)
        if own is not None:
            return [own]
        items = self.kind_items(self.modifier_tokens(word.start, sent.start))
        if items:
            return items
        # "the conductivity of the grain boundaries", "conductivity of the bulk"
        k = word.end
        if k < start and self.doc[k].lower_ == "of":
            k += 1 + (k + 1 < start and self.doc[k + 1].lower_ == "the")
            spans = [w for w in self.spans(*_KIND_LABELS) if w.start == k]
            if spans:
                w = max(spans, key=len)
                # "of the bulk Li3PS4 sample" names a bulk sample, not the bulk contribution
                if w.label_ not in ("KIND_IONIC", "KIND_ELECTRONIC") and not (
                        w.end < start and self.names_material(w.end, w.end + 1,
                                                              formulas_only=True)):
                    return [_KIND_LABELS[w.label_]]
        return []

    def modifier_tokens(self, i: int, floor: int) -> list[int]:
        """Tokens of the kind words and joins right before token ``i`` (brackets skipped)."""
        out: list[int] = []
        k = i - 1
        while k >= floor:
            t = self.doc[k]
            if t.text == ")":  # "total (bulk + grain-boundary) and bulk": skip the aside
                depth = 0
                while k >= floor:
                    depth += (self.doc[k].text == ")") - (self.doc[k].text == "(")
                    k -= 1
                    if depth == 0:
                        break
                continue
            if self.kind_of(k) is not None or t.lower_ in _KIND_JOINS or (
                    k in self.taken and self.labelled(k, "TEMPERATURE")):
                out.append(k)
                k -= 1
                continue
            break
        return out[::-1]

    def kind_items(self, tokens: Sequence[int]) -> list[str]:
        """Coordinated kinds: "bulk and GB" → [bulk, grain_boundary]; "bulk ionic" → [bulk]."""
        items: list[list[str]] = [[]]
        for k in tokens:
            if self.doc[k].lower_ in _KIND_JOINS:
                if items[-1]:
                    items.append([])
                continue
            kind = self.kind_of(k)
            if kind is not None:
                items[-1].append(kind)
        kinds = [next((k for k in item if k != "ionic"), "unspecified") for item in items if item]
        return kinds

    def kind_of(self, k: int) -> str | None:
        """The kind a kind word at token ``k`` names ("ionic" for a plain ionic word)."""
        for label, kind in _KIND_LABELS.items():
            if self.labelled(k, label):
                return kind
        return None

    def direct_kind(self, first: int) -> str | None:
        """A kind written at the value: "bulk (8.2 ...)", "σ_gb = 1e-6 ...", "GB: 2e-6"."""
        k = first - 1
        qualifier = self.ending_at(first, *_QUALIFIER_TEXT)
        if qualifier is not None:
            k = qualifier.start - 1
        if k < 1 or self.doc[k].text not in ("(", "=", ":", "≈", "~", "∼"):
            return None
        before = self.doc[k - 1]
        own = _sigma_kind(before.text)
        if own is not None:
            return own
        kind = self.kind_of(k - 1)
        return kind if kind not in (None, "ionic") else None

    def respectively_kinds(self, sent: Span, first: int, last: int, n: int) -> list[str] | None:
        """Kinds listed for a "respectively" sentence's ``n`` values, before or after them."""
        before = self.governing_kinds(sent, first)
        if len(before) == n:
            return before
        # "the bulk and grain boundary contributions to the total ionic conductivity"
        for word in self.spans("COND_WORD", "KIND_NOUN"):
            if sent.start <= word.start and word.end <= first:
                listed = self.kind_items(self.modifier_tokens(word.start, sent.start))
                if len(listed) == n:
                    return listed
        resp = [s.start for s in self.spans("RESPECTIVELY") if last <= s.start < sent.end]
        if not resp:
            return None
        words = filter_spans([w for w in self.spans(*_KIND_LABELS) if last <= w.start
                              and w.end <= resp[0] and w.label_ != "KIND_IONIC"])
        kinds = [_KIND_LABELS[w.label_] for w in words
                 if any(self.labelled(j, "COND_WORD") for j in range(w.end, w.end + 2))]
        return kinds if len(kinds) == n else None

    def walk_left(self, i: int, floor: int, lists: bool) -> int:
        """First token of the numbers and joins right before token ``i``."""
        start = i
        j = i
        while j > floor:
            if j - 1 in self.numbers:
                j -= 1
                start = j
                continue
            labels = ("NUM_JOIN", "LIST_JOIN") if lists else ("NUM_JOIN",)
            join = self.ending_at(j, *labels)
            if join is None or join.start - 1 not in self.numbers or join.start <= floor:
                break
            j = join.start
        return start

    def has_list(self, start: int, unit: Span) -> bool:
        """Numbers joined by "and" with no "between" before them are two values."""
        between = self.ending_at(start, "QUALIFIER_BETWEEN")
        return between is None and any(t.lower_ == "and" for t in self.doc[start:unit.start])

    def split_items(self, start: int, end: int, lists: bool) -> list[tuple[int, int]]:
        if not lists:
            return [(start, end)]
        items: list[tuple[int, int]] = []
        a = start
        for t in self.doc[start:end]:
            if t.text == "," or t.lower_ == "and":
                if a < t.i:
                    items.append((a, t.i))
                a = t.i + 1
        if a < end:
            items.append((a, end))
        return items

    def read_value(self, a: int, b: int, unit: Span, suffix: str = "") -> _Value | None:
        qualifier = self.ending_at(a, *_QUALIFIER_TEXT)
        parts = [_QUALIFIER_TEXT[qualifier.label_] if qualifier is not None else ""]
        for t in self.doc[a:b]:
            join = next((s for s in self.spans("NUM_JOIN") if s.start == t.i and len(s) > 1), None)
            if join is not None:
                parts.append(f" {join[0].text} ")
                continue
            if any(s.start < t.i < s.end and len(s) > 1 for s in self.spans("NUM_JOIN")):
                continue
            parts.append(t.text_with_ws)
        number_text = "".join(parts[1:]).strip() + suffix
        unit_text = unit.text
        flags: list[str] = []
        if m := _TIMES_AS_NINE_RE.fullmatch(number_text):
            number_text = f"{m['mantissa']} × {m['power']}"
            flags.append(_UNSURE_TIMES)
        number_text = parts[0] + number_text
        if "\ufffd" in number_text + unit_text:
            number_text = number_text.replace("^\ufffd", "−").replace("\ufffd", "−")
            unit_text = unit_text.replace("^\ufffd", "−").replace("\ufffd", "−")
            flags.append(_UNSURE_EXPONENT)
        try:
            conductivity = parse_conductivity(f"{number_text} {unit_text}")
        except UnitParseError:
            return None
        if conductivity.unsure and _UNSURE_EXPONENT not in flags:
            flags.append(_UNSURE_EXPONENT)
        last = self.doc[unit.end - 1] if b == unit.start else self.doc[b - 1]
        raw = self.doc[a:unit.end].text if b == unit.start else (
            f"{self.doc[a:b].text}{suffix} {unit.text}")
        self.value_first[self.doc[a].idx] = a
        return _Value(self.doc[a].idx, last.idx + len(last), raw, conductivity, tuple(flags),
                      (a, b))

    def is_non_ionic(self, sent: Span, start: int) -> bool:
        """The conductivity word nearest before the value names thermal transport.

        Electronic conductivities are kept, with kind ``electronic``, so users can filter them.
        """
        words = [s for s in self.spans("COND_WORD", "NONIONIC")
                 if s.start >= sent.start and s.end <= start]
        if not words:
            return False
        nearest = max(words, key=lambda s: (s.end, len(s)))
        return nearest.label_ == "NONIONIC"

    # -- temperature --

    def find_temperature(self, sent: Span, start: int, end: int) -> Temperature | None:
        temps = [s for s in filter_spans(self.spans("TEMPERATURE"))
                 if s.start >= sent.start and s.end <= sent.end and not self.is_process(s)]
        other_units = [u for u in self.units if u.sent.start == sent.start and u.end != end]
        after = [s for s in temps if end <= s.start <= end + self.settings.temperature_window
                 and not any(end <= u.start < s.start for u in other_units)
                 and not any(t.text == ";" for t in self.doc[end:s.start])]
        if after:
            return self.read_temperature(min(after, key=lambda s: s.start))
        before = [s for s in temps if s.end <= start
                  and not any(s.end <= u.start < start for u in other_units)]
        cond_words = self.spans("COND_WORD")
        modifying = [s for s in temps if s.end <= start
                     and any(0 <= w.start - s.end <= 3 for w in cond_words)]
        # "A with a conductivity at room temperature of X and B with a conductivity of Y"
        stated = [s for s in temps if s.end <= start
                  and any(0 <= s.start - w.end <= 2 for w in cond_words)
                  and not any(t.text == ";" for t in self.doc[s.end:start])]
        for group in (modifying, before, stated):
            if group:
                return self.read_temperature(max(group, key=lambda s: s.end))
        return None

    def is_process(self, temp: Span) -> bool:
        """A temperature right after "sintered", "annealing", ... is not a measurement's."""
        lo = max(temp.sent.start, temp.start - 4)
        return any(s.start >= lo and s.end <= temp.start for s in self.spans("PROCESS"))

    def read_temperature(self, span: Span) -> Temperature | None:
        qualifier = self.ending_at(span.start, *_QUALIFIER_TEXT)
        text = (qualifier.text + " " if qualifier is not None else "") + span.text
        found = parse_temperature(re.sub(r"\^?\ufffd(?=[CF]\b)", "°", text))
        if found is None:
            return None
        raw = self.doc[qualifier.start if qualifier is not None else span.start:span.end].text
        return Temperature(found.kelvin, found.low_kelvin, found.high_kelvin, found.qualifier, raw)

    # -- material --

    #: The rules that give a value its material, tried in this order; the first rule that
    #: names one wins, and a rule may instead drop the value (it is stated for an ion and no
    #: material). Rules that read the value's own sentence come before the paragraph's
    #: subject; a material after the value only counts when it is not compared with it.
    MATERIAL_RULES: tuple[str, ...] = (
        "conductivity_of",     # "the conductivity of X is V", "conductivity of Li^+ in X"
        "conductivity_of_after",  # "the bulk (V1) and total (V2) conductivity of X"
        "material_with",       # "X with a high conductivity of V"
        "material_for_after",  # "V at 300 °C for X"
        "clause_before",       # the first material of the value's clause
        "sentence_before",     # the first material before the value in its sentence
        "assigned_variable",   # "obtained for x = 0.4": that member of an earlier solid solution
        "class_before",        # a class before the value: "superionic conductors ... V"
        "after_in_clause",     # "V ... in X", but not "V, higher than X"
        "paragraph_subject",   # the subject of an earlier sentence of the paragraph
        "main_material",       # what the paper is about
        "subject_phrase",      # a described subject: "compositions with ... show V"
    )

    def find_materials(self, sent: Span, start: int, end: int, n: int) -> list[_Pick] | None:
        """The material of each of ``n`` values at tokens ``start..end``, or None."""
        if n > 1:
            names = self.list_materials(sent, start, end, n)
            if names is not None:
                return names
        one = self.find_material(sent, start, end)
        return None if one is None else [one] * n

    def list_materials(self, sent: Span, start: int, end: int, n: int) -> list[_Pick] | None:
        """``n`` materials listed before the values (or after them) for a "respectively" list.

        A solid solution with a list of amounts ("Li6-xAgxPS5Cl (x = 0, 0.2, 0.4, 0.6)") lists
        its members; so does an earlier sentence of the paragraph for "the given compositions".
        """
        mats = self.materials_of(sent)
        named = [m for m in mats if m.kind in _NAMED_KINDS]
        specific = [_pick(m) for m in named if m.end <= start]
        after = [_pick(m) for m in named if m.start >= end]
        acronyms = [_Pick(t.text) for t in self.doc[end:sent.end]
                    if _ACRONYM_RE.match(t.text) and t.i not in self.taken]
        index = self.sentence_index(sent)
        earlier = [_pick(m) for m in self.materials_of(self.sentences[index - 1])
                   if m.kind in _NAMED_KINDS] if index else []
        solutions = [[_Pick(raw, "composite") for raw in m.alternatives]
                     for e in (sent, self.sentences[index - 1] if index else sent)
                     for m in self.materials_of(e) if len(m.alternatives) == n]
        for pool in (specific[-n:], self.members(sent, n), after[:n], acronyms[:n],
                     earlier[-n:], *solutions[:1]):
            if len(pool) == n:
                return pool
        lo = max(0, index - self.settings.lookback_sentences)
        for e in self.sentences[lo:index][::-1]:
            members = self.members(e, n)
            if members:
                return members
        return None

    def members(self, sent: Span, n: int) -> list[_Pick]:
        """``n`` members of a solid solution the sentence gives a list of amounts for."""
        index = self.sentence_index(sent)
        lo = max(0, index - self.settings.lookback_sentences)
        for var, values in _assigned_lists(sent).items():
            if len(values) != n:
                continue
            for e in [sent, *self.sentences[lo:index][::-1]]:  # "... for x = 0.1, 0.2 and 0.3"
                for m in self.materials_of(e):
                    if m.kind == "specific" and var in self.open_variables(m.raw):
                        return [_Pick(f"{m.raw} ({var} = {v})") for v in values]
        return []

    def sentence_index(self, sent: Span) -> int:
        return next(i for i, s in enumerate(self.sentences) if s.start == sent.start)

    def find_material(self, sent: Span, start: int, end: int) -> _Pick | None:
        """The material of the value at ``start..end``, with the amounts the sentence gives it.

        "obtained for x = 0.4" makes the value that of the solid solution's x = 0.4 member:
        ``Na3 + xSc2SixP3 − xO12 (x = 0.4)``.
        """
        found = self.pick_material(sent, start, end)
        values = _assigned_values(sent)
        if found is None or found.kind != "specific" or not values:
            return found
        given = [f"{v} = {values[v]}" for v in sorted(self.open_variables(found.raw))
                 if v in values]
        return _Pick(f"{found.raw} ({', '.join(given)})") if given else found

    def pick_material(self, sent: Span, start: int, end: int) -> _Pick | None:
        """The first answer of :attr:`MATERIAL_RULES`; None when none names one or one drops it."""
        context = _Context(sent, start, end, self.materials_of(sent), max(
            [u.end for u in self.units if sent.start <= u.end <= start] or [sent.start]))
        for name in self.MATERIAL_RULES:
            rule: Callable[[_Context], _Pick | None] = getattr(self, f"rule_{name}")
            found = rule(context)
            if found is _DROP:
                return None
            if found is not None:
                return found
        return None

    def rule_conductivity_of(self, c: _Context) -> _Pick | None:
        named = self.conductivity_of(c.sent, c.seg_start, c.start, c.mats)
        if named is None:
            return None
        if named.kind == "ion":  # "conductivity of Li^+ in Li3PS4": the material after the ion
            inside = [m for m in c.mats if named.end < m.start <= named.end + 2
                      and m.end <= c.start and m.kind in _NAMED_KINDS]
            if inside:
                return _pick(inside[0])
            # "of Li^+ in solids" is about a class; "of Li^+" alone leaves the material open
            return _DROP if self.doc[named.end].lower_ == "in" else None
        return self.resolve(named, c.sent) or _DROP

    def rule_conductivity_of_after(self, c: _Context) -> _Pick | None:
        """Values written before their conductivity word: "bulk (V1) and total (V2) conductivity
        obtained for X". Only brackets, joins, kind words and other values may come between."""
        k = c.end
        while k < c.sent.end:
            t = self.doc[k]
            if self.labelled(k, "COND_WORD"):
                break
            if not (t.text in "(),;" or t.lower_ == "and" or k in self.numbers
                    or k in self.taken or self.kind_of(k) is not None
                    or self.labelled(k, "NUM_JOIN", *_QUALIFIER_TEXT)):
                return None
            k += 1
        else:
            return None
        k += 1
        if k < c.sent.end and self.doc[k].lower_ in _REPORTING_VERBS:
            k += 1
        if k >= c.sent.end or self.doc[k].lower_ not in ("of", "for"):
            return None
        follow = [m for m in c.mats if k < m.start <= k + 1 + self.settings.of_window
                  and m.kind in _NAMED_KINDS]
        return _pick(follow[0]) if follow else None

    def rule_material_with(self, c: _Context) -> _Pick | None:
        named = self.material_with(c.seg_start, c.start, c.mats)
        return None if named is None else self.resolve(named, c.sent) or _DROP

    def rule_material_for_after(self, c: _Context) -> _Pick | None:
        after = self.material_for_after(c.end, c.mats)
        if after is None:
            return None
        return _DROP if after.kind == "ion" else _pick(after)

    def rule_clause_before(self, c: _Context) -> _Pick | None:
        return self.first_named([m for m in c.mats if c.seg_start <= m.start
                                 and m.end <= c.start], c.sent)

    def rule_sentence_before(self, c: _Context) -> _Pick | None:
        return self.first_named([m for m in c.mats if m.end <= c.start], c.sent)

    def first_named(self, pool: Sequence[_Material], sent: Span) -> _Pick | None:
        """A named material of the pool (a salt or host alone only last), or its anaphor's.

        A material the sentence compares with ("Compared with Li3OCl, its conductivity ...",
        "higher than Li3OCl") is not the one measured.
        """
        pool = [m for m in pool if not self.compared(m)]
        named = [m for m in pool if m.kind in ("specific", "composite")]
        if named:
            return _pick(named[0])
        anaphors = [m for m in pool if m.kind == "anaphor"]
        if anaphors:
            return self.resolve(anaphors[-1], sent)
        components = [m for m in pool if m.kind == "component"]
        return _pick(components[0]) if components else None

    def compared(self, m: _Material) -> bool:
        """A comparison word ("than", "compared with", "unlike") right before the material."""
        lo = max(m.start - 3, self.doc[m.start].sent.start)
        return any(self.labelled(k, "COMPARISON") for k in range(lo, m.start))

    def rule_assigned_variable(self, c: _Context) -> _Pick | None:
        variables = _assigned_variables(c.sent)
        if not variables:
            return None
        return self.look_back(c.sent, latter=False, variables=variables, only_variable=True)

    def rule_class_before(self, c: _Context) -> _Pick | None:
        classes = [m for m in c.mats if m.kind == "class" and m.end <= c.start]
        return _pick(classes[-1]) if classes else None

    def rule_after_in_clause(self, c: _Context) -> _Pick | None:
        """A material after the value, unless a comparison or a new clause comes between."""
        for m in c.mats:
            if m.kind not in _NAMED_KINDS or m.start < c.end:
                continue
            between = self.doc[c.end:m.start]
            if any(t.text == ";" or self.labelled(t.i, "COMPARISON") for t in between):
                return None
            return _pick(m)
        return None

    def rule_paragraph_subject(self, c: _Context) -> _Pick | None:
        return self.look_back(c.sent, latter=False, variables=_assigned_variables(c.sent))

    def rule_main_material(self, c: _Context) -> _Pick | None:
        main = self.doc.user_data.get("ionlit.main_material")
        return _Pick(main) if main else None

    def rule_subject_phrase(self, c: _Context) -> _Pick | None:
        phrase = self.subject_phrase(c.sent, c.start)
        return _Pick(phrase, "class") if phrase else None

    def subject_phrase(self, sent: Span, start: int) -> str | None:
        """A described material as the clause's subject: "compositions with ... show X".

        Only a plural material noun opening its clause (after determiners and adjectives at
        most), followed within :data:`_SUBJECT_SPAN` tokens of the same clause by a verb of
        having or showing before the value; the phrase runs from the noun to that verb.
        """
        for t in self.doc[sent.start:start]:
            if t.lower_ not in _SUBJECT_NOUNS:
                continue
            clause_start = max([c.i + 1 for c in self.doc[sent.start:t.i] if c.text in ",;:("]
                               or [sent.start])
            if any(not w.is_alpha for w in self.doc[clause_start:t.i]):
                return None
            for v in self.doc[t.i + 1:min(start, t.i + 1 + _SUBJECT_SPAN)]:
                if v.text in ",;:()" or v.i in self.taken:
                    break
                if v.lower_ in _SUBJECT_VERBS:
                    return self.doc[t.i:v.i].text
            return None
        return None

    def conductivity_of(self, sent: Span, lo: int, start: int,
                        mats: Sequence[_Material]) -> _Material | None:
        """The material in "conductivity of [the ...] MATERIAL" before the value."""
        for word in sorted(self.spans("COND_WORD"), key=lambda s: -s.start):
            if not (lo <= word.start and word.end <= start):
                continue
            if word.end < len(self.doc) and self.doc[word.end].lower_ == "of":
                reach = word.end + 1 + self.settings.of_window
                for m in mats:
                    if word.end < m.start <= reach and m.end <= start:
                        return m
        return None

    def material_with(self, lo: int, start: int,
                      mats: Sequence[_Material]) -> _Material | None:
        """The material in "MATERIAL with [a high ...] conductivity" before the value."""
        words = [w for w in self.spans("COND_WORD") if lo <= w.start and w.end <= start]
        for m in mats:
            if not (m.kind in _NAMED_KINDS and lo <= m.start and m.end + 1 < start):
                continue
            comma = int(self.doc[m.end].text == ",")  # "2Na2O·ZrO2·3SiO2, with high conductivity"
            if (self.doc[m.end + comma].lower_ == "with"
                    and any(0 < w.start - m.end - comma <= 1 + self.settings.of_window
                            for w in words)):
                return m
        return None

    def material_for_after(self, end: int, mats: Sequence[_Material]) -> _Material | None:
        """A material introduced by "for" right after the value and its temperature."""
        limit = min(end + 6 + self.settings.temperature_window, len(self.doc))
        for t in self.doc[end:limit]:
            if t.lower_ == "for":
                follow = [m for m in mats if t.i < m.start <= t.i + 1 + self.settings.of_window * 2
                          and m.kind in (*_NAMED_KINDS, "ion")]
                return follow[0] if follow else None
            if (t.i in self.numbers and t.i not in self.taken) or t.text in ".;":
                return None
        return None

    def resolve(self, m: _Material, sent: Span) -> _Pick | None:
        if m.kind != "anaphor":
            return _pick(m)
        return self.look_back(sent, latter=m.raw.lower().endswith(("latter", "it")))

    def look_back(self, sent: Span, *, latter: bool,
                  variables: frozenset[str] = frozenset(),
                  only_variable: bool = False) -> _Pick | None:
        """The subject (or, for "the latter", the last material) of an earlier sentence.

        A value stated "for x = 20" belongs to the formula with that variable, even when a
        later sentence names one of its end members; ``only_variable`` finds nothing else.
        A sentence whose subject is an anaphor ("It is related to Li3OCl") is about the
        material before it, and one that names materials only to compare ("refined in the same
        space group as Li3OCl"), so both are passed over; a material introduced as a successor
        ("and later X") is its sentence's subject.
        """
        index = self.sentence_index(sent)
        earlier = self.sentences[max(0, index - self.settings.lookback_sentences):index][::-1]
        specific = [[m for m in self.materials_of(e) if m.kind in ("specific", "composite")]
                    for e in earlier]
        for found in specific:
            variable = [m for m in found if variables & self.open_variables(m.raw)]
            if variable:
                return _pick(variable[0])
        if only_variable:
            return None
        for e, found in zip(earlier, specific, strict=True):
            mats = self.materials_of(e)
            if not latter and mats and mats[0].kind == "anaphor" and found:
                continue
            if not latter and found and all(self.compared(m) for m in found):
                continue  # "... in the same space group as Li3OCl": not what is measured
            if found:
                succeeding = [m for m in found if self.succeeds(m)]
                if succeeding and not latter:
                    return _pick(succeeding[-1])
                return _pick(found[-1] if latter else found[0])
        for e in earlier:
            components = [m for m in self.materials_of(e) if m.kind == "component"]
            if components:
                return _pick(components[0])
        return None

    def succeeds(self, m: _Material) -> bool:
        """The material follows "later", "subsequently", ... (within two tokens)."""
        return any(self.labelled(k, "SUCCESSION") for k in range(max(0, m.start - 2), m.start))

    def open_variables(self, raw: str) -> frozenset[str]:
        """Variables a material leaves open: its formula's, or its defined formula's."""
        if raw in self.defined:
            return formula_variables(self.defined[raw])
        return formula_variables(_compact(raw))

    def materials_of(self, sent: Span) -> list[_Material]:
        if sent.start not in self._materials:
            self._materials[sent.start] = sorted(self.find_sentence_materials(sent),
                                                 key=lambda m: m.start)
        return self._materials[sent.start]

    def find_sentence_materials(self, sent: Span) -> Iterator[_Material]:
        """Materials named in the sentence, each token in one at most.

        Composites and solutions come first, so their host, salt, filler or solvent is not
        also a material of its own; a salt, polymer host or solvent named alone is a
        ``component``, which a value is given only when nothing else is named.
        """
        covered: set[int] = set()
        for a, b, kind, alternatives in self.find_composites(sent):
            covered.update(range(a, b))
            yield _Material(a, b, self.doc[a:b].text, kind, alternatives)
        for label, kind in (("ANAPHOR", "anaphor"), ("MATERIAL_CLASS", "class"),
                            ("MATERIAL_NAME", "specific")):
            for s in filter_spans([s for s in self.spans(label) if s.sent.start == sent.start]):
                if covered.isdisjoint(range(s.start, s.end)):
                    covered.update(range(s.start, s.end))
                    if kind == "specific" and self.is_component(s.start, s.end):
                        kind = "component"
                    yield _Material(s.start, s.end, s.text, kind)
        for t in sent:
            if _CATION_RE.match(t.text) and t.i not in covered:
                covered.add(t.i)
                yield _Material(t.i, t.i + 1, t.text, "ion")
        i = sent.start
        while i < sent.end:
            found = self.formula_at(i, sent.end, covered)
            if found is None:
                i += 1
                continue
            covered.update(range(i, found))
            first = i
            if (i - 2 >= sent.start and self.doc[i - 1].text == "/"
                    and _DOPANT_RE.match(self.doc[i - 2].text)):
                first = i - 2  # "Eu^3+/NGS": the doped host
                covered.update(range(first, i))
            kind = "component" if self.is_component(first, found) else "specific"
            yield _Material(first, found, self.with_abbreviation(first, found), kind)
            i = found

    # -- composites, solutions and polymer electrolytes --

    def is_component(self, a: int, b: int) -> bool:
        """Tokens ``a..b`` are a salt, polymer host or solvent (package-data vocabularies)."""
        return any(s.start <= a and b <= s.end
                   for s in self.spans("SALT", "POLYMER_HOST", "SOLVENT"))

    def labelled(self, i: int, *labels: str) -> bool:
        return any(s.start <= i < s.end for s in self.spans(*labels))

    def find_composites(self, sent: Span) -> Iterator[tuple[int, int, str, tuple[str, ...]]]:
        """Composites and solutions written out in the sentence: range, kind, alternatives.

        "CSEs containing 30 wt.% NZSP", "solid polymer electrolytes consisting of PEGDA and a
        succinonitrile plasticizer", "Mg[B(OCH(CF3)2]2 in DME": a head, a marker from
        ``patterns/materials.jsonl`` and components up to the next verb, comma or value. The
        components must name a material or an amount. "with" only counts before an amount,
        "including" and "based on" only after a composite noun or polymer host, "in" only
        before a solvent. "X, containing ..." after a formula describes X, and a class
        "containing" no named material ("SEs containing diverse cations") stays a class.
        """
        end = sent.start
        markers = sorted((s for s in self.spans("COMPOSITE_MARKER", "COMPOSITE_MARKER_WEAK",
                                                "SOLUTION_MARKER")
                          if s.sent.start == sent.start), key=lambda s: (s.start, -len(s)))
        for m in markers:
            if m.start < end:
                continue
            a = self.head_start(m.start, max(end, sent.start))
            if a is None:
                continue
            comma = self.doc[m.start - 1].text == ","
            head_end = m.start - comma
            if not self.names_material(a, head_end):
                continue
            amount = (m.end + 1 < sent.end and m.end in self.numbers
                      and self.labelled(m.end + 1, "AMOUNT_UNIT"))
            if m.label_ == "SOLUTION_MARKER":
                if m.end >= sent.end or not self.labelled(m.end, "SOLVENT"):
                    continue
            elif m.label_ == "COMPOSITE_MARKER_WEAK":
                noun = any(self.labelled(k, "COMPOSITE_NOUN", "POLYMER_HOST")
                           for k in range(a, head_end))
                if not (amount if m.text.lower() == "with" else amount or noun):
                    continue
            elif comma and self.names_material(a, head_end, formulas_only=True):
                continue  # "Na0.5Nb2P3O12, containing mixed valence of niobium"
            b = self.tail_end(m.end, sent.end)
            if b <= m.end:
                continue
            named = self.names_material(m.end, b, formulas_only=True)
            head_class = all(self.labelled(k, "MATERIAL_CLASS") for k in range(a, head_end))
            if not (named or amount or m.label_ == "SOLUTION_MARKER" or head_class):
                continue
            kind = "class" if head_class and not (named or amount) else "composite"
            end = b
            alternatives: tuple[str, ...] = ()
            if m.label_ == "SOLUTION_MARKER":
                parts = self.coordinated(m.end, b)
                if len(parts) > 1 and all(any(self.labelled(k, "SOLVENT") for k in range(*p))
                                          for p in parts):
                    alternatives = tuple(
                        self.doc[p[0]:p[1]].text if any(
                            self.labelled(k, "SOLUTION_MARKER") for k in range(*p))
                        else f"{self.doc[a:m.end].text} {self.doc[p[0]:p[1]].text}"
                        for p in parts)
            yield a, b, kind, alternatives

    def coordinated(self, a: int, b: int) -> list[tuple[int, int]]:
        """Token ranges of ``a..b`` split at the "and"s outside brackets."""
        parts: list[tuple[int, int]] = []
        depth = 0
        first = a
        for t in self.doc[a:b]:
            depth += (t.text == "(") - (t.text == ")")
            if depth == 0 and t.lower_ == "and":
                parts.append((first, t.i))
                first = t.i + 1
        parts.append((first, b))
        return [p for p in parts if p[0] < p[1]]

    def head_start(self, marker: int, floor: int) -> int | None:
        """First token of the noun phrase a composite marker follows, or None.

        The phrase stops at a function word, a verb ("remained filled with"), a value or an
        opening bracket it is inside of.
        """
        k = marker - 1
        if k >= floor and self.doc[k].text == ",":
            k -= 1
        start = None
        depth = 0
        while k >= floor and marker - k <= 7:
            t = self.doc[k]
            depth += (t.text == ")") - (t.text == "(")
            if (depth < 0 or t.text in ",;:." or self.labelled(k, "PHRASE_STOP", "COND_WORD")
                    or k in self.taken or (t.is_lower and t.is_alpha and t.text.endswith("ed"))
                    or (t.i in self.numbers and not (
                        k + 1 < marker and self.labelled(k + 1, "AMOUNT_UNIT")))):
                break
            start = k
            k -= 1
        if start is None:
            return None
        while start < marker and self.doc[start].text in ")]":
            start += 1
        return start if start < marker else None

    def tail_end(self, i: int, limit: int) -> int:
        """End of the components after a composite marker: up to a verb, comma or value.

        A bracket that opens a reference ("(Fig. 3", "(Supplementary Table") ends them, and an
        unclosed bracket is left out.
        """
        end = i
        k = i
        while k < limit and k - i < 14:
            t = self.doc[k]
            if t.text in ",;:." or k in self.taken or self.labelled(k, "COND_WORD"):
                break
            if k in self.numbers and not (k + 1 < limit and self.labelled(k + 1, "AMOUNT_UNIT")):
                break
            if t.text in "([" and k + 1 < limit and (
                    self.doc[k + 1].lower_.rstrip(".") in _REFERENCE_WORDS
                    or k + 1 in self.numbers):
                break
            solvent_next = k + 1 < limit and self.labelled(k + 1, "SOLVENT")
            if (self.labelled(k, "PHRASE_STOP") and t.lower_ not in _COMPONENT_JOINS
                    and not (t.lower_ == "in" and solvent_next)):
                break
            k += 1
            if t.lower_ not in _COMPONENT_JOINS and t.text not in "(":
                end = k
        depth = 0
        cut = end
        for c in self.doc[i:end]:
            depth += (c.text == "(") - (c.text == ")")
            if depth < 0:  # the bracket the composite is written in closes
                return c.i
            if c.text == "(" and depth == 1:
                cut = c.i
            if depth == 0:
                cut = end
        if depth > 0:
            if end < limit and self.doc[end].text == ")" and depth == 1:
                return end + 1
            return cut
        return end

    def names_material(self, a: int, b: int, *, formulas_only: bool = False) -> bool:
        """The range holds a material word: a formula, a known name, a host, salt or solvent.

        With ``formulas_only``, classes and composite nouns ("electrolytes") do not count.
        """
        labels: tuple[str, ...] = ("MATERIAL_NAME", "POLYMER_HOST", "SALT", "SOLVENT")
        if not formulas_only:
            labels += ("MATERIAL_CLASS", "COMPOSITE_NOUN")
        for k in range(a, b):
            if self.labelled(k, *labels):
                return True
            text = self.doc[k].text
            if (text in self.defined or text in self.samples
                    or (is_formula(text) and _plausible_formula(text))
                    or (_FORMULA_SHAPE_RE.match(text) and _plausible_formula(text))):
                return True
        return False

    def formula_at(self, i: int, limit: int, covered: set[int]) -> int | None:
        """End of the longest run of tokens from ``i`` that reads as a formula or abbreviation.

        An amount written as a fraction splits a formula at its slash
        (``(NdxZr1-x)4/(4-x)NbP3O12``): both halves make one material, and a half alone none.
        """
        if self.slash_amount_at(i - 1):
            return None
        end = self.formula_run(i, limit, covered)
        if end is None and self.slash_amount_at(i + 1) and is_formula(self.doc[i].text):
            end = i + 1  # "Sc1/3Zr2(PO4)3": one element before the slash
        if end is None or not self.slash_amount_at(end):
            return end
        return self.formula_run(end + 1, limit, covered)

    def slash_amount_at(self, k: int) -> bool:
        """Token ``k`` is a "/" glued between a formula piece and an amount (``4/(4-x)``)."""
        doc = self.doc
        return (0 < k < len(doc) - 1 and doc[k].text == "/" and not doc[k - 1].whitespace_
                and not doc[k].whitespace_ and doc[k + 1].text[:1] in "(0123456789"
                and doc[k - 1].i not in self.taken and doc[k + 1].i not in self.numbers)

    def formula_run(self, i: int, limit: int, covered: set[int]) -> int | None:
        doc = self.doc
        if i >= limit or i in covered or i in self.taken or i in self.numbers:
            return None
        first = doc[i].text
        if (first in self.defined or first in self.samples
                or match_variable_abbreviation(first, self.defined) is not None):
            return i + 1
        if not _FORMULA_PIECE_RE.match(first) or first in _OPERATOR_TOKENS:
            return None
        longest = min(limit, i + self.settings.max_formula_tokens)
        for j in range(longest, i, -1):
            run = doc[i:j]
            if any(t.i in covered or t.i in self.taken or not _FORMULA_PIECE_RE.match(t.text)
                   for t in run):
                continue
            if j - i > 1 and not any(t.text in _OPERATOR_TOKENS or "(" in t.text for t in run):
                continue
            text = run.text.replace(" ", "").replace("\ufffd", "·")
            if _ION_RE.search(text) or doc[j - 1].text in _OPERATOR_TOKENS:
                continue
            if (is_formula(text) and _plausible_formula(text)) or _is_formula_system(text):
                return j
        return None

    def with_abbreviation(self, i: int, j: int) -> str:
        """``NaCB11H12 (NCB)`` when the formula is followed by the abbreviation it defines."""
        doc = self.doc
        raw = doc[i:j].text
        if j + 2 < len(doc) and doc[j].text == "(" and doc[j + 2].text == ")":
            abbr = doc[j + 1].text
            if self.defined.get(abbr, "").replace(" ", "") == raw.replace(" ", ""):
                return f"{raw} ({abbr})"
        return raw


def _is_formula_system(text: str) -> bool:
    """Formulas joined by dashes: a system (``Li2S–P2S5``) or a spelling (``NaSn-Ti(PO4)3``).

    No formula is read from it (:func:`resolve_material` gives None), but it names the material.
    """
    pieces = re.split(r"[-–—‐]", text)
    return len(pieces) > 1 and all(is_formula(p) and not _ION_RE.search(p) for p in pieces)


def _compact(raw: str) -> str:
    return raw.replace(" ", "")


# A formula the parser rejects (a bracket lost in print: "Mg[B(OCH(CF3)2]") still names a salt.
_FORMULA_SHAPE_RE = re.compile(r"^[A-Z][a-z]?[A-Za-z0-9()\[\]{}·.+\-−]*\d[A-Za-z0-9()\[\]{}]*$")


def _plausible_formula(text: str) -> bool:
    """Two elements at least: not a panel label (``3F``, ``S1``) that :func:`is_formula` accepts."""
    return sum(c.isupper() for c in text) >= 2


def _assigned_variables(sent: Span) -> frozenset[str]:
    """Variables given a value in the sentence (``x = 20``)."""
    return frozenset(_assigned_values(sent))


def _sigma_kind(text: str) -> str | None:
    """The kind a σ's subscript names: ``σNa,Total`` → total, ``σ_gb`` → grain_boundary."""
    if not text.startswith("σ") or len(text) < 2:
        return None
    sub = text[1:].lower().lstrip("_^{").rstrip("}")
    if "total" in sub or sub.startswith("tot") or sub.endswith(",t") or sub == "t":
        return "total"
    if "gb" in sub or "grain" in sub:
        return "grain_boundary"
    if "bulk" in sub or sub in ("b", "bu"):
        return "bulk"
    if sub in ("e", "el", "e-", "elec", "electronic", "eon", "electron"):
        return "electronic"
    return None


def _assigned_lists(sent: Span) -> dict[str, list[str]]:
    """``{"x": ["0", "0.2", "0.4"]}`` for "(x = 0, 0.2, and 0.4)": a list of amounts."""
    found: dict[str, list[str]] = {}
    for t in sent[:-2]:
        if not (t.text in "xyzδ" and t.nbor().text == "=" and _NUMBER_RE.match(t.nbor(2).text)):
            continue
        values = [t.nbor(2).text]
        k = t.i + 3
        while k + 1 < sent.end and t.doc[k].lower_ in (",", "and"):
            k += 1 + (t.doc[k].text == "," and t.doc[k + 1].lower_ == "and")
            if k < sent.end and _NUMBER_RE.match(t.doc[k].text):
                values.append(t.doc[k].text)
                k += 1
            else:
                break
        if len(values) > 1:
            found.setdefault(t.text, values)
    return found


def _assigned_values(sent: Span) -> dict[str, str]:
    """``{"x": "0.4"}`` for "obtained for x = 0.4"; a range (``0.05 ≤ x ≤ 0.8``) assigns none."""
    found: dict[str, str] = {}
    for t in sent[:-2]:
        if t.text in "xyzδ" and t.nbor().text == "=" and _NUMBER_RE.match(t.nbor(2).text):
            found.setdefault(t.text, t.nbor(2).text)
    return found


_NUMBER_RE = re.compile(r"^\d*\.?\d+$")
#: Pattern labels of kind words (``patterns/kinds.jsonl``) and the kind each names.
_KIND_LABELS = {"KIND_GB": "grain_boundary", "KIND_BULK": "bulk", "KIND_TOTAL": "total",
                "KIND_ELECTRONIC": "electronic", "KIND_IONIC": "ionic"}
_REPORTING_VERBS = frozenset({"obtained", "measured", "observed", "reported", "found",
                              "determined", "achieved", "recorded", "calculated"})
_KIND_JOINS = frozenset({"and", "or", ",", "/", "+", "&", "the"})
# Words that join a composite's components ("PEO and non-zeolitic silica", "a succinonitrile").
_COMPONENT_JOINS = frozenset({"and", "or", "a", "an", "the", "of"})
# A bracket opening one of these is a reference, not part of a composite's name.
_REFERENCE_WORDS = frozenset({"fig", "figs", "figure", "figures", "supplementary", "table",
                              "tables", "ref", "refs", "scheme", "eq", "section"})
_SUBJECT_NOUNS = frozenset({"compositions", "samples", "materials", "compounds", "phases",
                            "electrolytes", "conductors", "glasses", "ceramics", "membranes",
                            "separators", "films", "pellets"})
_SUBJECT_VERBS = frozenset({"show", "exhibit", "have", "reach", "display", "possess",
                            "achieve", "give", "present", "showed", "exhibited", "had",
                            "reached", "displayed", "achieved", "gave"})
_SUBJECT_SPAN = 12


# --- public API ----------------------------------------------------------------------------------


@cache
def load_nlp() -> Language:
    """The mentions pipeline, built once from ``extractors/nlp/config.cfg``."""
    config = load_config_from_str(_CONFIG.read_text(encoding="utf-8"))
    nlp = load_model_from_config(config, auto_fill=True, validate=True)
    nlp.initialize()  # the span_ruler reads its patterns here ([initialize.components])
    return nlp


def text_to_mentions(text: str, nlp: Language,
                     defined_abbreviations: Mapping[str, str] | None = None,
                     main_material: str | None = None,
                     sample_names: Collection[str] = ()) -> list[Mention]:
    """Conductivity values stated in ``text`` (a paragraph or caption), in reading order.

    Args:
        text: The text as the layout reader wrote it (exponents marked ``^``).
        nlp: The pipeline from :func:`load_nlp`.
        defined_abbreviations: ``{abbreviation: formula}`` the document defines, so a value
            stated for ``NCB`` is attached to that material.
        main_material: What the paper is about (:func:`main_material`); a value nothing in its
            paragraph attaches to is that material's. Without it such values are dropped.
        sample_names: Names the paper gives its samples (:func:`find_sample_names`), which
            count as materials where they are written.
    """
    doc = nlp.make_doc(text)
    doc.user_data["ionlit.abbreviations"] = dict(defined_abbreviations or {})
    doc.user_data["ionlit.sample_names"] = frozenset(sample_names)
    doc.user_data["ionlit.main_material"] = main_material
    doc = nlp(doc)
    mentions: list[Mention] = doc._.conductivity_mentions or []
    return sorted(mentions, key=lambda m: m.start)


def _mention_to_material(raw: str, defined: Mapping[str, str]) -> MaterialRef:
    """Resolve a material; a sample name (``PP``) or an ion (``Li^+``) is not a formula."""
    if _CATION_RE.match(raw) or (_ACRONYM_RE.match(raw)
                                 and expand_abbreviation(raw, defined) is None):
        return MaterialRef(raw)
    material = resolve_material(raw, defined)
    if material.formula is None and " " in raw:  # a formula the text spaced at + and −
        material = resolve_material(raw.replace(" ", ""), defined)
    return material


def main_material(text: str, *, min_count: int = DEFAULT_MAIN_MATERIAL_MIN_COUNT,
                  ratio: float = DEFAULT_MAIN_MATERIAL_RATIO,
                  defined: Mapping[str, str] | None = None) -> str | None:
    """The formula a paper names far more often than any other, or None (a review has none).

    Papers on one compound state its conductivity in sentences that only say "the pellet" or
    "the sample"; a review names a different material in every paragraph. A solid solution
    the paper abbreviates (``NSSiPx``) counts once for each of its members (``NSSiP0.4``).
    """
    abbreviations = dict(defined or {})
    counts: Counter[str] = Counter()
    for w in (w.strip(".,;:()[]") for w in text.split()):
        member = match_variable_abbreviation(w, abbreviations) if w else None
        if member is not None:
            counts[member[0]] += 1
        elif w in abbreviations or (w and not _ION_RE.search(w) and is_formula(w)
                                    and _plausible_formula(w)):
            counts[w] += 1
    ranked = counts.most_common(2)
    if not ranked or ranked[0][1] < min_count:
        return None
    if len(ranked) > 1 and ranked[0][1] < ratio * ranked[1][1]:
        return None
    return ranked[0][0]


_SAMPLE_NAME_RE = re.compile(r"([a-z]+)\s+\(([A-Z][A-Z0-9]{1,7})\)")
# Words naming a process, a method or a property, whose acronyms are no sample's name:
# "spark plasma sintering (SPS)", "impedance spectroscopy (EIS)", "current density (CCD)".
_NOT_A_SAMPLE_WORD = re.compile(
    r"(?:ing|tion|sion|ment|scopy|metry|graphy|ysis|ory|ique|hod|ance|ence|ency|ity|ery)$")


def find_sample_names(text: str, *, min_count: int = DEFAULT_SAMPLE_NAME_MIN_COUNT,
                      ) -> frozenset[str]:
    """Acronyms a paper gives its samples: "a separator (PCELS)", "polypropylene (PP)".

    An all-capital name in brackets right after a word, used ``min_count`` times at least,
    that is no method or property acronym (``XRD``, ``SEI``) and no formula or known
    abbreviation (those resolve on their own).
    """
    words = Counter(w.strip(".,;:()[]") for w in text.split())
    return frozenset(
        name for word, name in set(_SAMPLE_NAME_RE.findall(text))
        if words[name] + 1 >= min_count and not is_non_material_acronym(name)
        and not _NOT_A_SAMPLE_WORD.search(word)
        and not is_formula(name) and expand_abbreviation(name, {}) is None)


def document_to_records(doc: Document, nlp: Language) -> list[ConductivityRecord]:
    """Conductivity records stated in the running text and captions (``source="text"``)."""
    defined = find_abbreviation_definitions(doc.text)
    main = main_material(doc.text, defined=defined)
    samples = find_sample_names(doc.text)
    records: list[ConductivityRecord] = []
    for block in doc.blocks_of(*TEXT_BLOCK_KINDS):
        for m in text_to_mentions(block.text, nlp, defined, main, samples):
            page, (x0, top, x1, bottom) = block.locate(m.start, m.end)
            material = (_mention_to_material(m.material_raw, defined)
                        if m.material_kind == "specific" else MaterialRef(m.material_raw))
            c = m.conductivity
            records.append(ConductivityRecord(
                doc_sha256=doc.sha256, doc_name=doc.name, source="text", page=page,
                x0=x0, top=top, x1=x1, bottom=bottom, material_raw=m.material_raw,
                material_formula=material.formula, family=material.family,
                value_raw=m.value_raw, qualifier=c.qualifier, evidence=m.sentence,
                sigma_S_per_cm=c.sigma_S_per_cm, sigma_low_S_per_cm=c.sigma_low_S_per_cm,
                sigma_high_S_per_cm=c.sigma_high_S_per_cm,
                temperature_raw=m.temperature.raw if m.temperature else None,
                temperature_K=m.temperature_K, flags=",".join(m.flags) or None,
                conductivity_kind=m.kind,
            ))
    return records
