"""What a stated value measures: total, bulk, grain-boundary or electronic conductivity.

The kind words are package data (``extractors/patterns/kinds.jsonl``). A kind written at the
value wins ("bulk (8.2 × 10^-6 S cm^-1)", "σ_gb = ..."); otherwise the words before the
conductivity word that governs the value, one kind for all or one per value in order ("bulk and
GB conductivities of A and B, respectively"), or kinds listed after the values.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from spacy.tokens import Span
from spacy.util import filter_spans

from extractors.mention_linking import _QUALIFIER_TEXT, LinkingBase


def _sigma_kind(text: str) -> str | None:
    """The kind a σ's subscript names: ``σNa,Total`` → total, ``σ_gb`` → grain_boundary."""
    if not text.startswith("σ") or len(text) < 2:
        return None
    written = text[1:].lstrip("_^{").rstrip("}")
    sub = written.lower()
    if written in ("T", "B", "E"):  # σT is the Arrhenius product, not a total
        return None
    if "total" in sub or sub.startswith("tot") or sub.endswith(",t") or sub == "t":
        return "total"
    if "gb" in sub or "grain" in sub:
        return "grain_boundary"
    if "bulk" in sub or sub in ("b", "bu"):
        return "bulk"
    if sub in ("e", "el", "e-", "elec", "electronic", "eon", "electron"):
        return "electronic"
    return None

# "Total pellet conductivities, σT, were obtained ...", "the bulk conductivity (σb)": a document
# defines a σ symbol by its kind once and uses it for the whole study.
_KIND_WORDS = {"total": "total", "overall": "total", "bulk": "bulk", "intragrain": "bulk",
               "grain boundary": "grain_boundary"}
_SYMBOL_DEFINITION_RE = re.compile(
    r"\b(?P<kind>(?i:total|overall|bulk|intragrain|grain[- ]boundary))"
    r"(?:\s+[a-z]+){0,2}?\s+(?i:conductivit(?:y|ies))\s*[,(]\s*"
    r"(?P<symbol>σ[_{]?[A-Za-z][A-Za-z,]{0,5}\}?)\s*[,)]")
_SYMBOL_RE = re.compile(r"σ[_{]?[A-Za-z][A-Za-z,]{0,5}\}?")


def symbol_kinds(text: str) -> dict[str, str]:
    """The σ symbols a document defines by kind ("Total pellet conductivities, σT, ..."), each
    with its kind; a symbol defined with two kinds is left out (the document is not clear)."""
    found: dict[str, set[str]] = {}
    for m in _SYMBOL_DEFINITION_RE.finditer(text):
        found.setdefault(m["symbol"], set()).add(_KIND_WORDS[m["kind"].lower().replace("-", " ")])
    return {symbol: kinds.pop() for symbol, kinds in found.items() if len(kinds) == 1}


# A statement that conductivities are computed from the whole resistance of the pellet.
_TOTAL_BASIS_RE = re.compile(
    r"(?i)\b(?:sum of the bulk and grain[- ]boundary resistances?|(?:total|overall) resistances?)"
    r"\b.*\bconductivit|\bconductivit.*\b(?:total|overall) resistances?\b")
_CALCULATED_RE = re.compile(r"(?i)\b(?:calculat|obtain|determin|deriv|taken|used|extract)")


#: Pattern labels of kind words (``patterns/kinds.jsonl``) and the kind each names.
_KIND_LABELS = {"KIND_GB": "grain_boundary", "KIND_BULK": "bulk", "KIND_TOTAL": "total",
                "KIND_ELECTRONIC": "electronic", "KIND_IONIC": "ionic"}

_KIND_JOINS = frozenset({"and", "or", ",", "/", "+", "&", "the"})
# Words after which a clause is about something else: a kind is not carried across them.
CONTRAST_WORDS = frozenset({"while", "whereas", "but", "although", "however", "than"})


class KindsMixin(LinkingBase):
    """The conductivity kind of values (``Mention.kind``)."""

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
        kinds = [self.direct_kind(f) or k for f, k in zip(firsts, shared, strict=True)]
        if set(kinds) == {"unspecified"} and self.total_basis_before(sent):
            return ["total"] * n
        return kinds

    def total_basis_before(self, sent: Span) -> bool:
        """The paragraph said, at or before this sentence, that its conductivity comes from the
        total resistance ("the sum of the bulk and grain boundary resistance was taken to
        calculate the ionic conductivity"): its values of no stated kind are totals."""
        return any(s.start <= sent.start and _TOTAL_BASIS_RE.search(s.text)
                   and _CALCULATED_RE.search(s.text) for s in self.sentences)

    def governing_word(self, sent: Span, start: int) -> Span | None:
        """The nearest conductivity word ("a bulk contribution of") before ``start`` with no
        other value between."""
        words = [w for w in self.spans("COND_WORD", "NONIONIC", "KIND_NOUN")
                 if w.start >= sent.start and w.end <= start
                 and not any(w.end <= u.start < start for u in self.units)]
        return max(words, key=lambda w: (w.end, len(w))) if words else None

    def governing_kinds(self, sent: Span, start: int) -> list[str]:
        word = self.governing_word(sent, start)
        if word is None:
            return self.listed_electronic(sent, start)
        own = _sigma_kind(word.text) or self.defined_symbol_kind(word.text)
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

    def defined_symbol_kind(self, text: str) -> str | None:
        """The kind the document defined for this σ symbol ("σT(400" is σT), if any."""
        m = _SYMBOL_RE.match(text)
        defined = self.doc.user_data.get("ionlit.symbol_kinds") or {}
        return defined.get(m.group()) if m else None

    def listed_electronic(self, sent: Span, start: int) -> list[str]:
        """"a low electronic conductivity: A (x S cm^-1), B (y S cm^-1) and C (z S cm^-1)": the
        later values of a list keep the electronic kind their conductivity word gives the first,
        while no other kind word, contrast or ";" comes between."""
        words = [w for w in self.spans("COND_WORD", "NONIONIC", "KIND_NOUN")
                 if w.start >= sent.start and w.end <= start]
        if not words:
            return []
        word = max(words, key=lambda w: (w.end, len(w)))
        if any(t.text == ";" or t.lower_ in CONTRAST_WORDS or self.kind_of(t.i) is not None
               for t in self.doc[word.end:start]):
            return []
        kinds = self.kind_items(self.modifier_tokens(word.start, sent.start))
        return kinds if kinds == ["electronic"] else []

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
