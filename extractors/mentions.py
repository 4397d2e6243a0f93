"""Inline conductivity mentions: values stated in running text, with material and temperature.

A blank English spaCy pipeline (no downloaded model) built from ``extractors/nlp/config.cfg``:
a tokenizer that keeps formulas, powers of ten and units whole, the sentencizer, a Matcher fed
with the package-data patterns in ``extractors/patterns/mentions.jsonl`` (units, numbers,
qualifiers, temperatures, material names, back-references) and the linker, which joins those
spans into stated values and attaches to each its material and measurement temperature. Reading
the numbers is left to :mod:`extractors.units`, so a value whose exponent the document does not
show is dropped or flagged there, never guessed here.
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
from spacy.matcher import Matcher
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc, Span
from spacy.util import filter_spans, load_config_from_str, load_model_from_config, registry
from spacy.vocab import Vocab

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
from extractors.records import ConductivityRecord
from extractors.units import Conductivity, Temperature, parse_conductivity, parse_temperature

__all__ = [
    "DEFAULT_LOOKBACK_SENTENCES",
    "DEFAULT_MAIN_MATERIAL_MIN_COUNT",
    "DEFAULT_MAIN_MATERIAL_RATIO",
    "DEFAULT_MAX_FORMULA_TOKENS",
    "DEFAULT_OF_WINDOW",
    "DEFAULT_SAMPLE_NAME_MIN_COUNT",
    "DEFAULT_TEMPERATURE_WINDOW",
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
_PREFIX_RE = re.compile(r"""^[(\[{"“‘'~∼≈<>≤≥*]""")
_SUFFIX_RE = re.compile(
    rf"(?:\)\^?[{_DASH}]?[1’'‘lI]|(?<=\d)(?:[°◦º˚∘℃][CF]?|\ufffdC|K)|[,;:!?\"”’)\]}}%]"
    r"|\.(?!\d))$"
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


class PatternSpans:
    """Matcher over the package-data patterns; overlapping matches are all kept in ``spans_key``."""

    def __init__(self, vocab: Vocab, patterns: str, spans_key: str) -> None:
        self.spans_key = spans_key
        self.matcher = Matcher(vocab)
        grouped: dict[str, list[list[dict[str, Any]]]] = {}
        for line in (_PATTERNS / patterns).read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                grouped.setdefault(row["label"], []).append(row["pattern"])
        for label, label_patterns in grouped.items():
            self.matcher.add(label, label_patterns)

    def __call__(self, doc: Doc) -> Doc:
        doc.spans[self.spans_key] = self.matcher(doc, as_spans=True)
        return doc


@Language.factory("ionlit_pattern_spans_v1", assigns=["doc.spans"],
                  default_config={"patterns": "mentions.jsonl", "spans_key": "ionlit"})
def make_pattern_spans(nlp: Language, name: str, patterns: str, spans_key: str) -> PatternSpans:
    """Spans for units, numbers, qualifiers, temperatures and material words (JSONL patterns)."""
    return PatternSpans(nlp.vocab, patterns, spans_key)


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
    """

    start: int
    end: int
    value_raw: str
    conductivity: Conductivity
    material_raw: str
    temperature: Temperature | None
    sentence: str
    flags: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.end:
            raise ValueError(f"bad mention offsets {self.start}..{self.end}")
        if not self.material_raw.strip():
            raise ValueError("a mention needs a material")

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
    kind: str  # "specific", "class", "anaphor" or "ion" (only after "of" / "for": Li^+ conductors)


@dataclass(frozen=True)
class _Value:
    start: int  # character offsets of the number (and unit) as located on the page
    end: int
    text: str
    conductivity: Conductivity
    flags: tuple[str, ...]


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
        return [replace(m, material_raw=name if names else m.material_raw,
                        temperature=m.temperature or shared)
                for m, name in zip(found, names or [""] * len(found), strict=True)]

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
        temperature = self.find_temperature(sent, start, unit.end)
        materials = self.find_materials(sent, start, unit.end, len(values))
        if materials is None:
            return None
        return start, unit.end, [
            Mention(value.start, value.end, value.text, value.conductivity, material,
                    temperature, sent.text, value.flags)
            for value, material in zip(values, materials, strict=True)]

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

    def read_value(self, a: int, b: int, unit: Span) -> _Value | None:
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
        number_text = "".join(parts[1:]).strip()
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
        raw = self.doc[a:unit.end].text if b == unit.start else f"{self.doc[a:b].text} {unit.text}"
        return _Value(self.doc[a].idx, last.idx + len(last), raw, conductivity, tuple(flags))

    def is_non_ionic(self, sent: Span, start: int) -> bool:
        """The conductivity word nearest before the value names electronic or thermal transport."""
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

    def find_materials(self, sent: Span, start: int, end: int, n: int) -> list[str] | None:
        """The material of each of ``n`` values at tokens ``start..end``, or None."""
        if n > 1:
            names = self.list_materials(sent, start, end, n)
            if names is not None:
                return names
        one = self.find_material(sent, start, end)
        return None if one is None else [one] * n

    def list_materials(self, sent: Span, start: int, end: int, n: int) -> list[str] | None:
        """``n`` materials listed before the values (or after them) for a "respectively" list."""
        mats = self.materials_of(sent)
        specific = [m.raw for m in mats if m.kind == "specific" and m.end <= start]
        after = [m.raw for m in mats if m.kind == "specific" and m.start >= end]
        acronyms = [t.text for t in self.doc[end:sent.end]
                    if _ACRONYM_RE.match(t.text) and t.i not in self.taken]
        index = next(i for i, s in enumerate(self.sentences) if s.start == sent.start)
        earlier = [m.raw for m in self.materials_of(self.sentences[index - 1])
                   if m.kind == "specific"] if index else []
        for pool in (specific[-n:], after[:n], acronyms[:n], earlier[-n:]):
            if len(pool) == n:
                return pool
        return None

    def find_material(self, sent: Span, start: int, end: int) -> str | None:
        """The material of the value at ``start..end``, with the amounts the sentence gives it.

        "obtained for x = 0.4" makes the value that of the solid solution's x = 0.4 member:
        ``Na3 + xSc2SixP3 − xO12 (x = 0.4)``.
        """
        found = self.pick_material(sent, start, end)
        values = _assigned_values(sent)
        if found is None or not values:
            return found
        given = [f"{v} = {values[v]}" for v in sorted(self.open_variables(found)) if v in values]
        return f"{found} ({', '.join(given)})" if given else found

    def pick_material(self, sent: Span, start: int, end: int) -> str | None:
        mats = self.materials_of(sent)
        seg_start = max([u.end for u in self.units if sent.start <= u.end <= start] or
                        [sent.start])
        segment = [m for m in mats if seg_start <= m.start and m.end <= start]
        named = self.conductivity_of(sent, seg_start, start, mats) or self.material_with(
            seg_start, start, mats)
        if named is not None:
            return self.resolve(named, sent)
        after = self.material_for_after(end, mats)
        if after is not None:
            return after.raw
        for pool in (segment, [m for m in mats if m.end <= start]):
            specific = [m for m in pool if m.kind == "specific"]
            if specific:
                return specific[0].raw
            anaphors = [m for m in pool if m.kind == "anaphor"]
            if anaphors:
                return self.resolve(anaphors[-1], sent)
        variables = _assigned_variables(sent)
        if variables:  # "NASICON materials ... obtained for x = 0.4": the solid solution's member
            member = self.look_back(sent, latter=False, variables=variables, only_variable=True)
            if member is not None:
                return member
        classes = [m for m in mats if m.kind == "class" and m.end <= start]
        if classes:
            return classes[-1].raw
        later = [m for m in mats if m.kind == "specific" and m.start >= end]
        if later:
            return later[0].raw
        found = self.look_back(sent, latter=False, variables=_assigned_variables(sent))
        if found is None:
            found = self.doc.user_data.get("ionlit.main_material")
        return found if found is not None else self.subject_phrase(sent, start)

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
            if not (m.kind == "specific" and lo <= m.start and m.end + 1 < start):
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
                          and m.kind in ("specific", "ion")]
                return follow[0] if follow else None
            if (t.i in self.numbers and t.i not in self.taken) or t.text in ".;":
                return None
        return None

    def resolve(self, m: _Material, sent: Span) -> str | None:
        if m.kind != "anaphor":
            return m.raw
        return self.look_back(sent, latter=m.raw.lower().endswith(("latter", "it")))

    def look_back(self, sent: Span, *, latter: bool,
                  variables: frozenset[str] = frozenset(),
                  only_variable: bool = False) -> str | None:
        """The subject (or, for "the latter", the last material) of an earlier sentence.

        A value stated "for x = 20" belongs to the formula with that variable, even when a
        later sentence names one of its end members; ``only_variable`` finds nothing else.
        """
        index = next(i for i, s in enumerate(self.sentences) if s.start == sent.start)
        earlier = self.sentences[max(0, index - self.settings.lookback_sentences):index][::-1]
        specific = [[m for m in self.materials_of(e) if m.kind == "specific"] for e in earlier]
        for found in specific:
            variable = [m for m in found if variables & self.open_variables(m.raw)]
            if variable:
                return variable[0].raw
        if only_variable:
            return None
        for found in specific:
            if found:
                return (found[-1] if latter else found[0]).raw
        return None

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
        covered: set[int] = set()
        for label, kind in (("ANAPHOR", "anaphor"), ("MATERIAL_CLASS", "class"),
                            ("MATERIAL_NAME", "specific")):
            for s in filter_spans([s for s in self.spans(label) if s.sent.start == sent.start]):
                if covered.isdisjoint(range(s.start, s.end)):
                    covered.update(range(s.start, s.end))
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
            yield _Material(first, found, self.with_abbreviation(first, found), "specific")
            i = found

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


def _plausible_formula(text: str) -> bool:
    """Two elements at least: not a panel label (``3F``, ``S1``) that :func:`is_formula` accepts."""
    return sum(c.isupper() for c in text) >= 2


def _assigned_variables(sent: Span) -> frozenset[str]:
    """Variables given a value in the sentence (``x = 20``)."""
    return frozenset(_assigned_values(sent))


def _assigned_values(sent: Span) -> dict[str, str]:
    """``{"x": "0.4"}`` for "obtained for x = 0.4"; a range (``0.05 ≤ x ≤ 0.8``) assigns none."""
    found: dict[str, str] = {}
    for t in sent[:-2]:
        if t.text in "xyzδ" and t.nbor().text == "=" and _NUMBER_RE.match(t.nbor(2).text):
            found.setdefault(t.text, t.nbor(2).text)
    return found


_NUMBER_RE = re.compile(r"^\d*\.?\d+$")
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
    return load_model_from_config(config, auto_fill=True, validate=True)


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
            material = _mention_to_material(m.material_raw, defined)
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
            ))
    return records
