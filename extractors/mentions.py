"""Inline conductivity mentions: values stated in running text, with material and temperature.

A blank English spaCy pipeline (no downloaded model) built from ``extractors/nlp/config.cfg``:
a tokenizer that keeps formulas, powers of ten and units whole, the sentencizer, spaCy's
``span_ruler`` fed at ``initialize`` with the package-data patterns in ``extractors/patterns/``
(``mentions.jsonl``: units, numbers, qualifiers, temperatures, material names, back-references;
``kinds.jsonl``: bulk, grain-boundary, total, electronic; ``materials.jsonl``: the polymer hosts,
salts, solvents and markers that make a composite) and the linker, which joins those spans into
stated values and attaches to each its material (by the ordered
:attr:`extractors.mention_materials.MaterialsMixin.MATERIAL_RULES`), measurement temperature
and conductivity kind (:mod:`extractors.mention_kinds`). Reading the
numbers is left to :mod:`extractors.units`, so a value whose exponent the document does not show
is dropped or flagged there, never guessed here.
"""

from __future__ import annotations

import bisect
import json
import re
from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache
from importlib.resources import files
from itertools import accumulate
from typing import Any

from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc, Span
from spacy.util import filter_spans, load_config_from_str, load_model_from_config, registry

from extractors.compositions import CompositionTemplate
from extractors.document import Document
from extractors.document_facts import DocumentFacts, document_to_facts
from extractors.errors import UnitParseError
from extractors.materials import (
    MaterialRef,
    expand_abbreviation,
    is_formula,
    is_non_material_acronym,
    match_variable_abbreviation,
    resolve_material,
)
from extractors.mention_kinds import (
    _KIND_LABELS,  # noqa: F401 (re-exported for tests)
    CONTRAST_WORDS,
    symbol_kinds,
)
from extractors.mention_linking import (
    _QUALIFIER_TEXT,
    DEFAULT_LOOKBACK_SENTENCES,
    DEFAULT_MAX_FORMULA_TOKENS,
    DEFAULT_OF_WINDOW,
    DEFAULT_TEMPERATURE_WINDOW,
    MentionSettings,
    _plausible_formula,
)
from extractors.mention_materials import _ACRONYM_RE, _CATION_RE, _ION_RE, MaterialsMixin, _Pick
from extractors.ocr import is_ocr_power, ocr_to_text
from extractors.records import ConductivityRecord
from extractors.schemas import CLASS_STATEMENT_FLAG, CONDUCTIVITY_KINDS, MATERIAL_UNLINKED_FLAG
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

#: A paper's main material (the fallback for a value no sentence attaches to anything) must be
#: named this many times, and this many times more often than the runner-up.
DEFAULT_MAIN_MATERIAL_MIN_COUNT = 5
DEFAULT_MAIN_MATERIAL_RATIO = 2.0
#: A sample name defined in brackets ("a separator (PCELS)") must be used this many times.
DEFAULT_SAMPLE_NAME_MIN_COUNT = 3
#: Block kinds read for mentions; tables belong to the table extractor, headers/footers to no one.
TEXT_BLOCK_KINDS: frozenset[str] = frozenset({"paragraph", "caption"})

#: What ``Mention.material_raw`` names: one material, a composite/solution phrase, or a class.
MATERIAL_KINDS = ("specific", "composite", "class", "unlinked")
#: Flags a value gets from its material's kind.
_KIND_FLAGS = {"class": CLASS_STATEMENT_FLAG, "unlinked": MATERIAL_UNLINKED_FLAG}
#: Flag of a list item whose power of ten is written on the last item only ("2.3 and 1.3 × 10^-10").
SHARED_EXPONENT = "shared_exponent"
#: Flag of a value whose temperature is the one the sentence before measured at.
TEMPERATURE_FROM_PREVIOUS = "temperature_from_previous_sentence"

# Words after which a clause is about something else: no temperature is shared across them.

# A σ with its temperature as subscript or bracket: "σ300K", "σ_25 °C", "σT(400 K)", "σ(RT)".
_SYMBOL_TEMPERATURE_RE = re.compile(
    r"σ[_{]{0,2}(?:[A-Za-z]{1,6}[,_]?)?\(?\s?(?P<temperature>[-−]?\d+(?:\.\d+)?\s?(?:°\s?[CF]|℃|K)"
    r"|RT|r\.t\.)\s?[)}]?(?![\w°])")
# Processes that never run near room temperature: a temperature this low after them is the
# measurement's ("sintered by SPS at 25 °C were ..."); drying, quenching or treating may.
_HOT_PROCESS_RE = re.compile(r"sinter|calcin|fir(?:ed|ing)$|melt")
#: Highest temperature (K) read as a measurement's after a high-temperature process word.
MAX_AMBIENT_K = 313.15
# Signs that join a mantissa to its power of ten ("2 × 10^-4", "2 x 10^-4", a symbol font's "$").
_TIMES_SIGNS = frozenset({"×", "x", "X", "·", "⋅", "∙", "$", "*"})
# A token that ends in a multiplication sign: alone ("×") or after a mantissa ("1.5x", "0.2)×").
_DANGLING_TIMES_RE = re.compile(r"(?:^|[\d)])[×xX·⋅∙$*]$")
_UNSURE_EXPONENT = "unsure_exponent"
_UNSURE_TIMES = "unsure_times_sign"
# Some publisher fonts map × to "9": "4 9 10^-3 S cm^-1" has no other reading.
_TIMES_AS_NINE_RE = re.compile(r"(?P<mantissa>\d+(?:\.\d+)?) 9 (?P<power>10\^[-−–]\d+)")

if not Doc.has_extension("conductivity_mentions"):
    Doc.set_extension("conductivity_mentions", default=None)

# --- tokenizer -----------------------------------------------------------------------------------

_DASH = "-−–‐\ufffd"
# "at293 K": the reader lost the space between "at" and a temperature; "×10^-4": the mantissa's
# space fell on the other side of the multiplication sign.
_PREFIX_RE = re.compile(r"""^[(\[{"“‘'~∼≈<>≤≥*]|^at(?=\d)|^[×·⋅∙](?=1[0Oo])|^=(?=[-−+~≈.\d])""")
# A "?" after "^" is a charge sign the font lost ("Na^?"), not a question mark. A citation
# superscript after punctuation ("0.5 mS/cm,^22"), in brackets ("Li3N^[20]") or after a word
# of four letters or more ("these materials^15"; a unit's power is "cm^2") is its own token.
# The bracket of an uncertainty ("1.5(3)") stays on its number; a multiplication sign glued to a
# mantissa ("1.7× 10^-6") is split from it, and so is a citation or footnote glued to a
# temperature ("115°C^17", "25 °C^2-8", "25°C^a"); a superscript o is a degree ring ("25^oC").
_SUFFIX_RE = re.compile(
    rf"(?:\)\^?[{_DASH}]?[1’'‘lI]|(?<=\d)(?:[°◦º˚∘℃][CF]?|\ufffdC|K|\^?[o°][CF])|[,;:!\"”’\]}}%]"
    r"|(?<!\d\(\d)(?<!\d\(\d\d)\)|(?<=[\d)])[×·⋅∙]"
    r"|(?:(?<=[°◦º˚∘][CF])|(?<=℃)|(?<=\dK)|(?<=^K))\^(?:\d{1,3}(?:[,–-]\d{1,3})*|[a-z])"
    r"|(?<!\^)(?<!\^\d)\?|\.(?!\d)|(?:(?<=[,;.)\]])|(?<=[a-z]{4}))\^\d{1,3}(?:[,–-]\d{1,3})*"
    r"|\^\[\d{1,3}(?:[,–-]\d{1,3})*\])$"
)
# A slash splits ("mS/cm", "Li/Na"), except in a bracketed fractional amount ("La(2/3)−x"); an
# equals sign before a number splits ("σ=1.5×10^-5"), and a unit set against its power of ten
# ("10^-4Scm^-1", "10^-4S cm^-1") is cut from it.
_INFIX_RE = re.compile(
    rf"(?<=\d)[{_DASH}](?=[\d.])|(?<=[\d)])[×·⋅∙$](?=\s?1[0Oo])|(?<=\d)×(?=\d)"
    r"|(?<=\d)[xX](?=10\^)|(?<=\d)±(?=[\d.])|(?<=[^\s=<>≤≥])=(?=[-−+~≈.\d])"
    r"|(?<!\(\d)(?<!\(\d\d)(?<=\d)\)(?=[×·⋅∙xX]1[0Oo])"
    r"|(?:(?<=\^[-−–]\d)|(?<=\^[-−–]\d\d))(?=[mμµ]?S(?:c?m|/|$))"
    r"|(?<!\(\d)(?<!\(\d\d)/(?!\d{1,2}\))"
    r"|(?:(?<=[A-Za-z])|(?<=\^-1))[·⋅∙](?=c?m\b)|(?<=\d)\((?=[Oo]hm|Ω)"
)
#: A citation superscript on a kelvin sign ("298 K^17"), no formula: the suffix splits it off.
_CITED_KELVIN = re.compile(r"K\^\d{1,3}(?:[,–-]\d{1,3})*")
#: A citation superscript closing a token, in brackets ("Li3N^[20]") or after a full stop
#: ("Li10GeP2S12.^58"): the suffix splits it off, so the formula and the sentence end are read.
_CITED_END = re.compile(r"\^\[\d{1,3}(?:[,–-]\d{1,3})*\]$|[.,;]\^\d{1,3}(?:[,–-]\d{1,3})*$")
_FORMULA_TOKEN_RE = re.compile(
    r"^(?:[A-Z(\[]|[αβγδεη][′'″]*-)[A-Za-z0-9().\[\]{}·⋅•∙+\-−–′'″^]*$"
)


def _is_whole_token(text: str) -> bool:
    """Formulas such as ``Li14Zn(GeO4)4`` or ``(100−x)(0.6MgS·0.4P2S5)`` stay one token.

    A formula starts with a capital or a bracket, has a capital and a digit, bracket or adduct
    dot, and balanced brackets; ``(Li7P3S11)`` wrapped whole in brackets is split as prose.
    """
    if (not _FORMULA_TOKEN_RE.match(text) or text[-1] in ".,;:" or _CITED_END.search(text)
            or _CITED_KELVIN.fullmatch(text)):
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
class Mention:
    """One stated conductivity value in a text, with what it is attached to.

    ``start``/``end`` are character offsets of the value (number and unit) in the text.
    ``kind`` is what the sentence says the value measures (:data:`CONDUCTIVITY_KINDS`);
    ``material_kind`` says whether ``material_raw`` names one material (``specific``), a
    composite, solution or polymer electrolyte written out as a phrase (``composite``), a
    class of materials (``class``), or nothing the text ties to the value (``unlinked``, with
    an empty ``material_raw``): only a ``specific`` material has a formula.
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
        if not self.material_raw.strip() and self.material_kind != "unlinked":
            raise ValueError("a mention needs a material (or material_kind 'unlinked')")
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
class _Value:
    start: int  # character offsets of the number (and unit) as located on the page
    end: int
    text: str
    conductivity: Conductivity
    flags: tuple[str, ...]
    tokens: tuple[int, int] = (0, 0)  # the number's tokens (without the unit)


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


class _Linking(MaterialsMixin):
    """The linking of one Doc: values and their temperatures, on top of kinds and materials."""

    # -- values --

    def run(self) -> list[Mention]:
        out: list[Mention] = []
        by_sentence: dict[int, list[tuple[int, int, list[Mention]]]] = {}
        for unit in self.units:
            found = self.unit_to_mentions(unit)
            if found is not None:
                by_sentence.setdefault(unit.sent.start, []).append(found)
        for groups in by_sentence.values():
            out.extend(self.pair_respectively(self.share_temperature(groups)))
        return out

    def share_temperature(self, groups: list[tuple[int, int, list[Mention]]],
                          ) -> list[tuple[int, int, list[Mention]]]:
        """"a bulk conductivity of A and a total conductivity of B at 25 °C": a value with no
        temperature of its own takes the next group's when only "and" joins the two clauses
        (no ";", no contrast) and that temperature follows the next group's value."""
        out = list(groups)
        for i in range(len(out) - 2, -1, -1):
            start, end, found = out[i]
            nxt_start, nxt_end, nxt = out[i + 1]
            t = nxt[0].temperature
            if t is None or any(m.temperature is not None for m in found):
                continue
            between = self.doc[end:nxt_start]
            if (not any(w.lower_ == "and" for w in between)
                    or any(w.text in ";:" or w.lower_ in CONTRAST_WORDS for w in between)
                    or not self.temperature_after(nxt_end, t)):
                continue
            out[i] = (start, end, [replace(m, temperature=t) for m in found])
        return out

    def temperature_after(self, end: int, t: Temperature) -> bool:
        """The temperature ``t`` is written after token ``end`` (not before the value)."""
        return any(s.start >= end and self.doc[s.start:s.end].text in (t.raw or "")
                   for s in self.spans("TEMPERATURE"))

    def pair_respectively(self, groups: list[tuple[int, int, list[Mention]]]) -> list[Mention]:
        """In a "respectively" sentence the i-th value is the i-th listed material's."""
        found = [m for _, _, ms in groups for m in ms]
        sent = self.doc[groups[0][0]].sent
        if not any(s.sent.start == sent.start for s in self.spans("RESPECTIVELY")):
            return found
        if len(found) == 1:
            return [self.unlinked_unless_named(found[0], sent)]
        if len(groups) < 2:
            return found
        shared = next((m.temperature for m in found if m.temperature is not None), None)
        kinds = self.respectively_kinds(sent, groups[0][0], groups[-1][1], len(found))
        if kinds and len(set(kinds)) == len(found):
            # "the bulk and grain boundary contributions ... of X were A and B, respectively":
            # the list is of kinds, all of one material
            first = found[0]
            names: list[_Pick] | None = [_Pick(first.material_raw, first.material_kind)] * len(
                found)
        else:
            names = self.list_materials(sent, groups[0][0], groups[-1][1], len(found))
        out = []
        for i, m in enumerate(found):
            if names:
                flags = tuple(f for f in m.flags if f not in _KIND_FLAGS.values())
                if names[i].kind in _KIND_FLAGS:
                    flags += (_KIND_FLAGS[names[i].kind],)
                m = replace(m, material_raw=names[i].raw, material_kind=names[i].kind,
                            flags=flags)
            if kinds and (m.kind == "unspecified" or len(set(kinds)) > 1):
                m = replace(m, kind=self.direct_kind(self.value_first[m.start]) or kinds[i])
            out.append(replace(m, temperature=m.temperature or shared))
        return out

    @staticmethod
    def unlinked_unless_named(m: Mention, sent: Span) -> Mention:
        """A lone value read in a "respectively" sentence: the list it belongs to was not read
        whole, so which listed material is its own is unknown. Only a material the sentence
        itself names stays (``X and Y show V1 and V2 S cm, respectively`` with V2's unit lost
        must not give V1 to the paragraph's material)."""
        if m.material_kind == "unlinked" or (m.material_raw and m.material_raw in sent.text):
            return m
        flags = tuple(f for f in m.flags if f not in _KIND_FLAGS.values())
        return replace(m, material_raw="", material_kind="unlinked",
                       flags=(*flags, MATERIAL_UNLINKED_FLAG))

    def unit_to_mentions(self, unit: Span) -> tuple[int, int, list[Mention]] | None:
        """The values a unit closes: token range and mentions, or None."""
        sent = unit.sent
        respectively = any(s.sent.start == sent.start for s in self.spans("RESPECTIVELY"))
        start = self.walk_left(unit.start, sent.start, respectively)
        if start == unit.start or self.is_non_ionic(sent, start):
            return None
        change = self.change_items(start, unit.start)
        items = change or self.split_items(start, unit.start,
                                           respectively or self.has_list(start, unit))
        values = [v for v in (self.read_value(a, b, unit, qualified=not change)
                              for a, b in items) if v is not None]
        if not values:
            return None
        values = self.share_exponent(values, unit)
        temperature = (self.find_temperature(sent, start, unit.end)
                       or self.symbol_temperature(sent, start))
        if temperature is None and (temperature := self.previous_temperature(sent)) is not None:
            values = [replace(v, flags=(*v.flags, TEMPERATURE_FROM_PREVIOUS)) for v in values]
        kinds = self.group_kinds(sent, start, [v.tokens[0] for v in values])
        # A change ("drops from 12.53 to 1.34 mS cm^-1") or a list of kinds: one material.
        if change or (len(values) > 1 and len(set(kinds)) == len(values)):
            one = self.find_material(sent, start, unit.end)
            materials = None if one is None else [one] * len(values)
        else:
            materials = self.find_materials(sent, start, unit.end, len(values))
        if materials is None:
            return None
        return start, unit.end, [
            Mention(value.start, value.end, value.text, value.conductivity, material.raw,
                    temperature, sent.text,
                    value.flags + ((_KIND_FLAGS[material.kind],) if material.kind in _KIND_FLAGS
                                   else ()),
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
            if join is not None and join.text in _TIMES_SIGNS and start == j < i:
                opening = self.bracketed_mantissa(join.start, floor)
                if opening is not None:  # "(2.3 ± 0.2) × 10^-4": the bracket is the mantissa
                    start = j = opening
                    continue
            if join is None or join.start - 1 not in self.numbers or join.start <= floor:
                break
            j = join.start
        return start

    def bracketed_mantissa(self, end: int, floor: int) -> int | None:
        """The "(" of a mantissa with its uncertainty, ``( m ± u )``, closing at token ``end``."""
        if end - 5 < floor or [self.doc[k].text for k in (end - 5, end - 3, end - 1)] != [
                "(", "±", ")"]:
            return None
        return end - 5 if {end - 4, end - 2} <= self.numbers else None

    def goes_on_to(self, unit: Span) -> bool:
        """A "to" and a number follow the unit in its sentence: the value before the unit is the
        start of a change written with a unit at each end ("from A mS/cm ... to B mS/cm")."""
        return any(t.lower_ == "to" and t.i + 1 in self.numbers
                   for t in self.doc[unit.end:unit.sent.end])

    def dangling_times(self, a: int) -> bool:
        """A power of ten at token ``a`` follows a multiplication sign whose mantissa was not
        read ("σ=1.5×10^-5" split badly, "1.7× 10^-6"): the value is not the power alone."""
        if a == 0 or not self.doc[a].text.startswith(("10", "1O", "1o")):
            return False
        return _DANGLING_TIMES_RE.search(self.doc[a - 1].text) is not None

    def change_items(self, start: int, end: int) -> list[tuple[int, int]] | None:
        """"drops from 12.53 to 1.34 mS cm^-1": a change between two stated values, not a
        range; the two values' token ranges, or None."""
        qualifier = self.ending_at(start, "QUALIFIER_FROM")
        if qualifier is None or not any(0 <= qualifier.start - s.end <= 2
                                        for s in self.spans("CHANGE_VERB")):
            return None
        tos = [t.i for t in self.doc[start:end] if t.lower_ == "to"]
        if len(tos) != 1 or tos[0] == start or tos[0] + 1 >= end:
            return None
        return [(start, tos[0]), (tos[0] + 1, end)]

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

    def read_value(self, a: int, b: int, unit: Span, suffix: str = "",
                   qualified: bool = True) -> _Value | None:
        if self.dangling_times(a):
            return None
        qualifier = self.ending_at(a, *_QUALIFIER_TEXT) if qualified else None
        if qualifier is not None and qualifier.label_ == "QUALIFIER_FROM" and self.goes_on_to(unit):
            qualifier = None  # "from 25.01 mS/cm (3564 atoms) to 4.60 mS/cm": a change, no range
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
        """The temperature of the value at tokens ``start..end`` of ``sent``, or None.

        Called once per unit, so it works from an index of the Doc built on the first call
        (temperatures by position, units by sentence, conductivity words and semicolons by
        token): a page of dense statements used to cost the cube of its length.
        """
        index = self.__dict__.get("_temperature_index")
        if index is None:
            temps_all = [s for s in filter_spans(self.spans("TEMPERATURE"))
                         if not self.is_process(s)]
            units_by_sent: dict[int, list[Span]] = {}
            for u in self.units:
                units_by_sent.setdefault(u.sent.start, []).append(u)
            cond_words = self.spans("COND_WORD")
            index = (temps_all, [t.start for t in temps_all], units_by_sent,
                     {w.start for w in cond_words}, {w.end for w in cond_words},
                     [t.i for t in self.doc if t.text == ";"])
            self.__dict__["_temperature_index"] = index
        temps_all, temp_starts, units_by_sent, word_starts, word_ends, semicolons = index
        temps = [s for s in temps_all[bisect.bisect_left(temp_starts, sent.start):
                                      bisect.bisect_left(temp_starts, sent.end)]
                 if s.end <= sent.end]
        other = [u.start for u in units_by_sent.get(sent.start, []) if u.end != end]
        next_unit = min((u for u in other if u >= end), default=None)
        k = bisect.bisect_left(semicolons, end)
        next_semicolon = semicolons[k] if k < len(semicolons) else None
        after = [s for s in temps if end <= s.start <= end + self.settings.temperature_window
                 and (next_unit is None or next_unit >= s.start)
                 and (next_semicolon is None or next_semicolon >= s.start)
                 # "A S cm^-1, while at 100 °C it was B": the next clause's temperature
                 and not any(t.lower_ in CONTRAST_WORDS for t in self.doc[end:s.start])]
        if after:
            return self.read_temperature(min(after, key=lambda s: s.start))
        last_unit = max((u for u in other if u < start), default=None)
        before = [s for s in temps if s.end <= start and (last_unit is None or last_unit < s.end)]
        modifying = [s for s in temps if s.end <= start
                     and any(s.end + gap in word_starts for gap in range(4))]
        # a temperature in the value's own clause (after the previous value) goes first
        own = [s for s in modifying if last_unit is None or last_unit < s.end]
        # "A with a conductivity at room temperature of X and B with a conductivity of Y"
        k = bisect.bisect_left(semicolons, start) - 1
        last_semicolon = semicolons[k] if k >= 0 else None
        stated = [s for s in temps if s.end <= start
                  and any(s.start - gap in word_ends for gap in range(3))
                  and (last_semicolon is None or last_semicolon < s.end)]
        for group in (own, before, modifying, stated):
            if group:
                return self.read_temperature(max(group, key=lambda s: s.end))
        return None

    def symbol_temperature(self, sent: Span, start: int) -> Temperature | None:
        """The temperature a σ symbol carries as its subscript (``σRT``, ``σ300K``,
        ``σ_25°C``): the nearest conductivity word before the value, in its sentence, when no
        other unit stands between them."""
        words = [w for w in self.spans("COND_WORD")
                 if w.start >= sent.start and w.end <= start and w.text.startswith("σ")]
        if not words:
            return None
        word = max(words, key=lambda w: w.end)
        if any(word.end <= u.start < start for u in self.units):
            return None
        # "σ300K" and "σT(400" "K" ")" are split by the tokenizer: read the tokens up to the value
        m = _SYMBOL_TEMPERATURE_RE.match(self.doc[word.start:min(start, word.end + 4)].text)
        found = parse_temperature(m["temperature"]) if m else None
        if m is None or found is None:
            return None
        return Temperature(found.kelvin, found.low_kelvin, found.high_kelvin, found.qualifier,
                           m.group().rstrip())

    def previous_temperature(self, sent: Span) -> Temperature | None:
        """"Impedance was measured at 50 °C. The conductivity was 2 × 10^-3 S cm^-1.": the one
        temperature the sentence before measures conductivity at (a measuring verb and a
        conductivity word or method, no value of its own), when this sentence names no
        temperature, extrapolation or process of its own. Never across a paragraph."""
        k = self.sentence_index(sent)
        if k == 0:
            return None
        prev = self.sentences[k - 1]
        if any(sent.start <= s.start < sent.end for s in self.spans("TEMPERATURE", "PROCESS")) or (
                any(t.lower_.startswith(("temperat", "extrapol")) for t in sent)):
            return None
        if any(prev.start <= u.start < prev.end for u in self.units) or not all(
                any(prev.start <= s.start < prev.end for s in self.spans(*labels))
                for labels in (("MEASURE",), ("COND_WORD", "TRANSPORT_METHOD"))):
            return None
        temps = [s for s in filter_spans(self.spans("TEMPERATURE"))
                 if prev.start <= s.start and s.end <= prev.end]
        if len(temps) != 1 or self.is_process(temps[0]):
            return None
        found = self.read_temperature(temps[0])
        return found if found is not None and found.kelvin is not None else None

    def is_process(self, temp: Span) -> bool:
        """A temperature right after "sintered", "annealing", "prepared", ... is not a
        measurement's, unless a measuring verb comes between ("sintered samples measured at
        300 °C") or no such process runs at it ("sintered by SPS at 25 °C were ...")."""
        lo = max(temp.sent.start, temp.start - 4)
        words = [s for s in self.spans("PROCESS") if s.start >= lo and s.end <= temp.start]
        # "the sintered samples measured at 300 °C": the measuring verb is nearer
        if not words or any(words[-1].end <= s.start < temp.start for s in self.spans("MEASURE")):
            return False
        if not all(_HOT_PROCESS_RE.match(w.text.lower()) for w in words):
            return True
        found = parse_temperature(temp.text)
        return found is None or found.kelvin is None or found.kelvin > MAX_AMBIENT_K

    def read_temperature(self, span: Span) -> Temperature | None:
        qualifier = self.ending_at(span.start, *_QUALIFIER_TEXT)
        text = (qualifier.text + " " if qualifier is not None else "") + span.text
        found = parse_temperature(re.sub(r"\^?\ufffd(?=[CF]\b)", "°", text))
        if found is None:
            return None
        raw = self.doc[qualifier.start if qualifier is not None else span.start:span.end].text
        return Temperature(found.kelvin, found.low_kelvin, found.high_kelvin, found.qualifier, raw)


# --- public API ----------------------------------------------------------------------------------


@cache
def load_nlp() -> Language:
    """The mentions pipeline, built once from ``extractors/nlp/config.cfg``."""
    config = load_config_from_str(_CONFIG.read_text(encoding="utf-8"))
    nlp = load_model_from_config(config, auto_fill=True, validate=True)
    nlp.initialize()  # the span_ruler reads its patterns here ([initialize.components])
    return nlp


#: What every conductivity unit of the ``COND_UNIT`` patterns (patterns/mentions.jsonl) has
#: in its text: ``S`` then ``cm`` or ``m`` (``S cm^-1``, ``mS/cm``, ``S·m^-1``, ``Scm^-1``), ``Ω``
#: or ``ohm``, or ``mho``. Tokens are substrings of the text with only spaces between them.
_UNIT_TRACE = re.compile(r"S\s*[·⋅∙/.]?\s*[cC]?[mM]|Ω|Ω|[Oo]hm|(?i:mho)")


def may_state_conductivity(text: str) -> bool:
    """Whether ``text`` can hold a conductivity value: every mention hangs on a unit, so a
    paragraph without a trace of one is not run through spaCy (most paragraphs of a paper)."""
    return _UNIT_TRACE.search(text) is not None


def text_to_mentions(text: str, nlp: Language,
                     defined_abbreviations: Mapping[str, str] | None = None,
                     main_material: str | None = None,
                     sample_names: Collection[str] = (),
                     defined_symbols: Mapping[str, str] | None = None,
                     templates: Sequence[CompositionTemplate] = ()) -> list[Mention]:
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
        defined_symbols: ``{σ symbol: kind}`` the document defines once for the whole study
            (:func:`extractors.mention_kinds.symbol_kinds`), so ``σT`` is a total there.
        templates: The solid solutions the document writes (``Na1+xZr2SixP3-xO12``): a value
            stated "for x = 0.4" in a paragraph that writes none is that member of the one
            template it fits.
    """
    if not may_state_conductivity(text):
        return []
    doc = nlp.make_doc(text)
    doc.user_data["ionlit.abbreviations"] = dict(defined_abbreviations or {})
    doc.user_data["ionlit.sample_names"] = frozenset(sample_names)
    doc.user_data["ionlit.main_material"] = main_material
    doc.user_data["ionlit.symbol_kinds"] = dict(defined_symbols or {})
    doc.user_data["ionlit.templates"] = tuple(templates)
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


def _flags(m: Mention, doc: Document) -> tuple[str, ...]:
    """A mention's flags; an OCR layer's ``3.5 x 10-4 (ohm-cm)-1`` (superscripts are never
    marked there, and the unit follows) is no unsure exponent."""
    if doc.text_layer == "ocr" and is_ocr_power(m.value_raw):
        return tuple(f for f in m.flags if f != "unsure_exponent")
    return tuple(m.flags)


def document_to_records(doc: Document, nlp: Language,
                        facts: DocumentFacts | None = None) -> list[ConductivityRecord]:
    """Conductivity records stated in the running text and captions (``source="text"``).

    ``facts`` are the document's definitions (:func:`document_to_facts`, read when None), the
    same the table reader uses, so a sample code defined anywhere resolves in sentences too.
    """
    # A scanned paper's OCR layer is read with its certain confusions undone (10-4 for "lop4"),
    # character for character, so offsets still locate each value on the page.
    read = ocr_to_text if doc.text_layer == "ocr" else str
    text = read(doc.text)
    facts = facts if facts is not None else document_to_facts(doc)
    defined = facts.abbreviation_map
    main = main_material(text, defined=defined)
    samples = find_sample_names(text)
    symbols = symbol_kinds(text)
    records: list[ConductivityRecord] = []
    for block in doc.blocks_of(*TEXT_BLOCK_KINDS):
        for m in text_to_mentions(read(block.text), nlp, defined, main, samples,
                                  defined_symbols=symbols, templates=facts.templates):
            page, (x0, top, x1, bottom) = block.locate(m.start, m.end)
            material = (_mention_to_material(m.material_raw, defined)
                        if m.material_kind == "specific"
                        else None if m.material_kind == "unlinked" else MaterialRef(m.material_raw))
            c = m.conductivity
            records.append(ConductivityRecord(
                doc_sha256=doc.sha256, doc_name=doc.name, source="text", page=page,
                x0=x0, top=top, x1=x1, bottom=bottom, material_raw=m.material_raw,
                material_formula=material and material.formula,
                family=material and material.family,
                value_raw=m.value_raw, qualifier=c.qualifier, evidence=m.sentence,
                sigma_S_per_cm=c.sigma_S_per_cm, sigma_low_S_per_cm=c.sigma_low_S_per_cm,
                sigma_high_S_per_cm=c.sigma_high_S_per_cm,
                temperature_raw=m.temperature.raw if m.temperature else None,
                temperature_K=m.temperature_K, flags=",".join(_flags(m, doc)) or None,
                conductivity_kind=m.kind,
            ))
    return records
