"""The linking of one Doc's pattern spans: what the kind, composite and material facets share.

:class:`LinkingBase` indexes the spans ``span_ruler`` put in ``doc.spans`` by label and answers
the questions every facet asks (is token ``i`` labelled, which sentence is this, does a range
name a material). The facets are mixins on top of it: :mod:`extractors.mention_kinds` (what a
value measures), :mod:`extractors.mention_composites` (composites, solutions, polymer
electrolytes written out) and :mod:`extractors.mention_materials` (the ordered material rules);
:mod:`extractors.mentions` adds the values and temperatures and is the public face.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from extractors.materials import is_formula

#: How many tokens after a value a temperature may start and still be its measurement condition.
DEFAULT_TEMPERATURE_WINDOW = 14
#: How many earlier sentences of the paragraph are searched for the material a value refers to.
DEFAULT_LOOKBACK_SENTENCES = 6
#: Longest run of tokens joined back into one formula (``Na3 + xSc2SixP3 − xO12``).
DEFAULT_MAX_FORMULA_TOKENS = 7
#: How many words may sit between "conductivity of" and the material it names.
DEFAULT_OF_WINDOW = 4
#: What each qualifier span adds before a number read by :mod:`extractors.units`.
_QUALIFIER_TEXT = {
    "QUALIFIER_APPROX": "~ ", "QUALIFIER_LOWER": "> ", "QUALIFIER_UPPER": "< ",
    "QUALIFIER_MAX": "up to ",
    "QUALIFIER_FROM": "from ", "QUALIFIER_BETWEEN": "between ",
}


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
class _Material:
    start: int
    end: int
    raw: str
    # "specific", "composite", "component" (a salt, host or solvent alone), "class", "anaphor"
    # or "ion" (never a value's material: "10 mS cm^-1 for Li^+" names no material)
    kind: str
    # a solution in coordinated solvents ("LiPF6 in EC–DEC and EC–PC"), one per solvent
    alternatives: tuple[str, ...] = ()


# A formula the parser rejects (a bracket lost in print: "Mg[B(OCH(CF3)2]") still names a salt.
_FORMULA_SHAPE_RE = re.compile(r"^[A-Z][a-z]?[A-Za-z0-9()\[\]{}·.+\-−]*\d[A-Za-z0-9()\[\]{}]*$")


def _plausible_formula(text: str) -> bool:
    """Two elements at least: not a panel label (``3F``, ``S1``) that :func:`is_formula` accepts."""
    return sum(c.isupper() for c in text) >= 2


class LinkingBase:
    """One Doc's spans indexed by label, its sentences, and cached material mentions."""

    def __init__(self, doc: Doc, key: str, settings: MentionSettings,
                 defined: Mapping[str, str], samples: frozenset[str] = frozenset()) -> None:
        self.doc = doc
        self.settings = settings
        self.defined = defined
        self.samples = samples
        self.by_label: dict[str, list[Span]] = {}
        self.token_labels: dict[int, set[str]] = {}  # token → labels of the spans covering it
        for span in doc.spans[key]:
            self.by_label.setdefault(span.label_, []).append(span)
            for t in range(span.start, span.end):
                self.token_labels.setdefault(t, set()).add(span.label_)
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

    def labelled(self, i: int, *labels: str) -> bool:
        """Token ``i`` lies in a span with one of ``labels``."""
        found = self.token_labels.get(i)
        return found is not None and not found.isdisjoint(labels)

    def sentence_index(self, sent: Span) -> int:
        return next(i for i, s in enumerate(self.sentences) if s.start == sent.start)

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
