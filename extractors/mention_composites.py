"""Composites, solutions and polymer electrolytes named as written, never by one component.

"CSEs containing 30 wt.% NZSP" is not NZSP, "Mg[B(OCH(CF3)2]2 in DME" is not the salt alone:
a head, a marker and the components form one material with no formula. The vocabularies
(polymer hosts, salts, solvents, markers, the function words that end a phrase) are package data
in ``extractors/patterns/materials.jsonl``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from spacy.tokens import Span

from extractors.materials import is_formula, material_class_nouns
from extractors.mention_kinds import KindsMixin

# Words that join a composite's components ("PEO and non-zeolitic silica", "a succinonitrile").
_COMPONENT_JOINS = frozenset({"and", "or", "a", "an", "the", "of"})

# A bracket opening one of these is a reference, not part of a composite's name.
_REFERENCE_WORDS = frozenset({"fig", "figs", "figure", "figures", "supplementary", "table",
                              "tables", "ref", "refs", "scheme", "eq", "section"})


#: Words an additive's host phrase may run to: "LiI in addition to sulfide-based glasses".
_ADDED_TO_WORDS = 4


@cache
def _class_nouns() -> frozenset[str]:
    """The one-word class nouns (``garnets``): what a host is."""
    return frozenset(w for w in material_class_nouns() if " " not in w)


class CompositesMixin(KindsMixin):
    """Composite and solution phrases of a sentence (``_Material`` kind ``composite``)."""

    def is_component(self, a: int, b: int) -> bool:
        """Tokens ``a..b`` are a salt, polymer host or solvent (package-data vocabularies)."""
        return any(s.start <= a and b <= s.end
                   for s in self.spans("SALT", "POLYMER_HOST", "SOLVENT"))

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
        found = list(self.marker_composites(sent))
        yield from found
        for a, b in [*self.slash_composites(sent), *self.blend_composites(sent),
                     *self.added_composites(sent)]:
            if not any(a < e and s < b for s, e, _, _ in found):
                found.append((a, b, "composite", ()))
                yield a, b, "composite", ()

    def added_composites(self, sent: Span) -> Iterator[tuple[int, int]]:
        """"LiI in addition to sulfide-based glasses", "LiCl added to Li3PS4": an additive and
        its host make one material, which is neither the additive nor the host alone."""
        doc = self.doc
        for marker in self.spans("ADDED_TO"):
            a = marker.start - 1
            if a < sent.start or marker.end >= sent.end or marker.sent.start != sent.start:
                continue
            if not (is_formula(doc[a].text) or doc[a].text in self.defined):
                continue
            for k in range(marker.end, min(marker.end + _ADDED_TO_WORDS, sent.end)):
                word = doc[k]
                if is_formula(word.text) or word.text in self.defined:
                    yield a, k + 1  # "added to Li3PS4"
                    break
                if not re.fullmatch(r"[A-Za-z0-9][\w\-·]*", word.text) or k in self.taken:
                    break
                if word.lower_ in _class_nouns():
                    yield a, k + 1
                    break

    def blend_composites(self, sent: Span) -> Iterator[tuple[int, int]]:
        """"20 wt% LLZTO-PEO composite electrolyte": a polymer blend token and its noun."""
        for k in range(sent.start, sent.end - 1):
            if not self.labelled(k, "POLYMER_BLEND"):
                continue
            nxt = self.doc[k + 1]
            if not (self.labelled(k + 1, "MATERIAL_CLASS", "COMPOSITE_NOUN")
                    or nxt.lower_ in ("electrolyte", "electrolytes")):
                continue
            b = max([s.end for s in self.spans("MATERIAL_CLASS") if s.start == k + 1]
                    or [k + 2])
            a = k
            if (a - 2 >= sent.start and self.labelled(a - 1, "AMOUNT_UNIT")
                    and a - 2 in self.numbers):
                a -= 2
            elif (a - 3 >= sent.start and self.labelled(a - 1, "AMOUNT_UNIT")
                  and self.labelled(a - 2, "AMOUNT_UNIT") and a - 3 in self.numbers):
                a -= 3  # "20 wt. %"
            yield a, b

    def slash_composites(self, sent: Span) -> Iterator[tuple[int, int]]:
        """"PEO/LiTFSI", "PVDF-HFP/LiTFSI/LLZTO membranes": components joined by slashes.

        At least one part is a polymer host or salt (so a cell "Li/Li6PS5Cl/Li" is none), every
        part names a material, and a composite noun right after belongs to the name.
        """
        k = sent.start
        while k < sent.end:
            parts = [k]
            while (parts[-1] + 2 < sent.end and self.doc[parts[-1] + 1].text == "/"
                   and not self.doc[parts[-1]].whitespace_
                   and not self.doc[parts[-1] + 1].whitespace_):
                parts.append(parts[-1] + 2)
            if (len(parts) > 1
                    and any(self.labelled(p, "POLYMER_HOST", "SALT") for p in parts)
                    and all(self.names_material(p, p + 1, formulas_only=True) for p in parts)):
                b = parts[-1] + 1
                if b < sent.end and self.labelled(b, "COMPOSITE_NOUN", "MATERIAL_CLASS"):
                    b += 1
                yield k, b
                k = b
                continue
            k += 1

    def marker_composites(self, sent: Span) -> Iterator[tuple[int, int, str, tuple[str, ...]]]:
        """Composites written with a marker ("containing", "consisting of", "in")."""
        end = sent.start
        markers = sorted((s for s in self.spans("COMPOSITE_MARKER", "COMPOSITE_MARKER_WEAK",
                                                "SOLUTION_MARKER", "COMPOSITE_OF")
                          if s.sent.start == sent.start), key=lambda s: (s.start, -len(s)))
        for m in markers:
            if m.start < end:
                continue
            if m.label_ == "COMPOSITE_OF":  # "the composite of PEO and 10 wt% LLZTO"
                b = self.tail_end(m.end, sent.end)
                if b > m.end and self.names_material(m.end, b, formulas_only=True):
                    end = b
                    yield m.start, b, "composite", ()
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
                host = any(self.labelled(k, "POLYMER_HOST") for k in range(a, head_end))
                salt = m.end < sent.end and self.labelled(m.end, "SALT")
                # "with" joins only an amount, or a salt to a polymer host ("PEO with LiTFSI")
                if not (amount or (host and salt) if m.text.lower() == "with"
                        else amount or noun):
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
            # "solid polymer electrolytes based on PEO" is the class of PEO-based electrolytes
            based = m.text.lower().startswith("based")
            kind = "class" if head_class and (based or not (named or amount)) else "composite"
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
