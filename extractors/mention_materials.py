"""Which material a stated value belongs to: the linker's ordered material rules.

The rules (:attr:`MaterialsMixin.MATERIAL_RULES`) are tried in order; the first that names a
material wins. Ions ("10 mS cm^-1 for Li^+") are never materials, classes ("superionic
conductors") are kept as written and flagged, and a paragraph's subject beats a material an
earlier sentence only compares with.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from itertools import pairwise

from spacy.tokens import Span
from spacy.util import filter_spans

from extractors.compositions import template_to_formula
from extractors.materials import (
    ELEMENTS,
    expand_abbreviation,
    formula_variables,
    is_formula,
    match_variable_abbreviation,
    split_family_prefix,
)
from extractors.mention_composites import CompositesMixin
from extractors.mention_linking import _QUALIFIER_TEXT, _Material, _plausible_formula


@dataclass(frozen=True)
class _Pick:
    """A value's material: as written, and whether it is one material, a composite or a class."""

    raw: str
    kind: str = "specific"

#: A rule's answer that drops the value: it is stated for an ion and no material.
_DROP = _Pick("(dropped)", "dropped")
#: A rule's answer for a value no structure ties to a material: published, with no material.
_UNLINKED = _Pick("", "unlinked")

#: Material kinds that name something a value can belong to (not classes, ions or anaphors).
_NAMED_KINDS = ("specific", "composite", "component")


def _pick(m: _Material) -> _Pick:
    """A component (salt, host or solvent named alone) is the specific material it names."""
    return _Pick(m.raw, "specific" if m.kind == "component" else m.kind)


def _ion_statement(ion: _Material) -> _Pick:
    """A value stated for an ion and no material ("10 mS cm^-1 for Li^+"): a statement about
    the class of that ion's conductors, kept and flagged, never a material."""
    return _Pick(ion.raw, "class")


@dataclass(frozen=True)
class _Context:
    """A value being linked: its sentence, token range, the sentence's materials, its clause."""

    sent: Span
    start: int
    end: int
    mats: Sequence[_Material]
    seg_start: int

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

# Capitals no element uses, which papers write for a site a list fills: ``Li6PS5X (X = Cl, Br)``,
# ``Li1.3R0.3Ti1.7(PO4)3 (R = Al, Sc)``, ``h-Li(BH4)1−xXx``.
_PLACEHOLDERS = frozenset("ADEGJLMQRTXZ")
_SYMBOL_RE = re.compile(r"[A-Z][a-z]?")
# A polymorph written before a formula: "h-LiBH4", "o-LiBH4", "β-Li3PS4".
_POLYMORPH_RE = re.compile(r"^[a-zα-ω]{1,2}-")
# "Al-doped", "Ta-substituted", "Ga/Al-codoped": the dopant a host formula is written with.
_DOPED_RE = re.compile(
    r"^[A-Z][a-z]?(?:[/,][A-Z][a-z]?)*[-‐–](?:co-?)?(?:doped|substituted|stabilized|stabilised)$")
# What a sample is called when named by its amount: "the x = 50 sample", "the sample with x = 50".
_SAMPLE_NOUNS = frozenset({"sample", "samples", "specimen", "specimens", "pellet", "pellets",
                           "composition", "compositions", "glass", "glasses", "ceramic",
                           "ceramics", "electrolyte", "electrolytes", "material", "materials",
                           "film", "films", "membrane", "membranes", "compound", "phase"})
_DETERMINERS = frozenset({"the", "a", "an", "this", "that", "these", "those", "our"})


def _is_formula_system(text: str) -> bool:
    """Formulas joined by dashes: a system (``Li2S–P2S5``) or a spelling (``NaSn-Ti(PO4)3``).

    No formula is read from it (:func:`resolve_material` gives None), but it names the material.
    """
    pieces = re.split(r"[-–—‐]", text)
    return len(pieces) > 1 and all(is_formula(p) and not _ION_RE.search(p) for p in pieces)


def _is_family_formula(text: str) -> bool:
    """A formula with its structure family glued on (``spinel-MgSc2Se4``,
    ``NASICON-Na3Zr2Si2PO12``): one material, whose formula ``resolve_material`` reads without
    the family."""
    family, rest = split_family_prefix(text)
    return family is not None and rest != text and is_formula(rest) and _plausible_formula(rest)


def _compact(raw: str) -> str:
    return raw.replace(" ", "")


def _assigned_variables(sent: Span) -> frozenset[str]:
    """Variables given a value in the sentence (``x = 20``)."""
    return frozenset(_assigned_values(sent))


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

_REPORTING_VERBS = frozenset({"obtained", "measured", "observed", "reported", "found",
                              "determined", "achieved", "recorded", "calculated"})

_SUBJECT_NOUNS = frozenset({"compositions", "samples", "materials", "compounds", "phases",
                            "electrolytes", "conductors", "glasses", "ceramics", "membranes",
                            "separators", "films", "pellets"})

_SUBJECT_VERBS = frozenset({"show", "exhibit", "have", "reach", "display", "possess",
                            "achieve", "give", "present", "showed", "exhibited", "had",
                            "reached", "displayed", "achieved", "gave"})

_SUBJECT_SPAN = 12

#: How far before a bracketed value the material it is compared as may be written:
#: "higher than that in LiZr2(PO4)3 with NASICON structure near room temperature (σ ≈ V)".
_COMPARED_REACH = 10

#: Words a "with" phrase may run to before the verb of a described class ("The electrolytes
#: with the argyrodite-type phase exhibited").
_DESCRIBED_WORDS = 6
_DESCRIBED_VERBS = frozenset({"exhibits", "shows", "has", "reaches", "displays", "possesses",
                              "is", "are", "was", "were"})

# What a sample is said to lack: "unsubstituted", "undoped", "non-doped", "pristine", "Al-free".
_CONTRAST_RE = re.compile(
    r"^(?:un[a-z]+ed|non-?[a-z]+ed|pristine|pure|parent|bare|[A-Z][a-z]?-free)$")

#: "We report an inorganic sulphide-based solid electrolyte": how far before its class noun.
_PRESENTED_REACH = 6
_PRESENTING_VERBS = frozenset({"report", "present", "develop", "developed", "demonstrate",
                               "introduce", "prepared", "synthesized", "synthesised"})

#: What joins materials one value is stated for: "Li3OCl and Li3OBr", "A as well as B".
_JOINS = frozenset({("and",), ("or",), (",",), (",", "and"), ("as", "well", "as")})

_ASSIGNMENT_RE = re.compile(r"\b([xyzδ]) = (\d*\.?\d+)\b")


def _placeholder_family(text: str) -> tuple[frozenset[str], bool]:
    """The placeholder capitals of a family formula, and whether one carries an amount.

    ``Li6PS5X`` gives ``({"X"}, False)``, ``h-Li(BH4)1−xXx`` gives ``({"X"}, True)``: with each
    placeholder read as an element the text is a formula. Anything else gives no placeholder.
    """
    body = _POLYMORPH_RE.sub("", text, count=1)
    used: set[str] = set()
    amounts = False

    def fill(m: re.Match[str]) -> str:
        nonlocal amounts
        symbol = m.group()
        if symbol in ELEMENTS or symbol[0] not in _PLACEHOLDERS:
            return symbol
        if len(symbol) == 2 and symbol[1] not in "xyzδ":
            return symbol
        used.add(symbol[0])
        amounts = amounts or len(symbol) == 2
        return "Cl" + symbol[1:]

    filled = _SYMBOL_RE.sub(fill, body)
    if not used or not (is_formula(filled) and _plausible_formula(filled)):
        return frozenset(), False
    return frozenset(used), amounts


class MaterialsMixin(CompositesMixin):
    """The material of each value, by :attr:`MATERIAL_RULES`."""

    #: The rules that give a value its material, tried in this order; the first rule that
    #: names one wins, and a rule may instead drop the value (it is stated for an ion and no
    #: material). Rules that read the value's own sentence come before the paragraph's
    #: subject; a material after the value only counts when it is not compared with it.
    MATERIAL_RULES: tuple[str, ...] = (
        "bracketed_after",     # "X (V)": a value in brackets right after its material
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
        "paragraph_material",  # the one material the paragraph names, even after the value
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

    def find_material(self, sent: Span, start: int, end: int) -> _Pick | None:
        """The material of the value at ``start..end``, with the amounts the sentence gives it.

        "obtained for x = 0.4" makes the value that of the solid solution's x = 0.4 member:
        ``Na3 + xSc2SixP3 − xO12 (x = 0.4)``.
        """
        found = self.pick_material(sent, start, end)
        if found is not None and found.kind == "specific":
            found = self.sample_member(self.joined(found, sent), sent)
        values = _assigned_values(sent)
        if found is None or found.kind != "specific" or not values:
            return found
        given = [f"{v} = {values[v]}" for v in sorted(self.open_variables(found.raw))
                 if v in values]
        return _Pick(f"{found.raw} ({', '.join(given)})") if given else found

    def joined(self, found: _Pick, sent: Span) -> _Pick:
        """One value stated for materials joined by "and", "or" or "as well as" ("10^-6 S cm^-1
        for bulk Li3OCl and Li3OBr") belongs to all of them as written, not to the first."""
        mats = [m for m in self.materials_of(sent) if m.kind == "specific"]
        i = next((i for i, m in enumerate(mats) if m.raw == found.raw), None)
        if i is None:
            return found
        end = mats[i].end
        for nxt in mats[i + 1:]:
            if tuple(t.lower_ for t in self.doc[end:nxt.start]) not in _JOINS:
                break
            end = nxt.end
        return found if end == mats[i].end else _Pick(self.doc[mats[i].start:end].text)

    def sample_member(self, found: _Pick, sent: Span) -> _Pick:
        """A sample described by its amount ("the x = 0.4 sample") is that member of the solid
        solution the paragraph writes with the variable, or of the document's one template
        that has it; else it stays as described (no formula is read from a description)."""
        assigned = _ASSIGNMENT_RE.search(found.raw)
        if assigned is None or is_formula(_compact(found.raw)):
            return found
        var, value = assigned.groups()
        family = self.look_back(sent, latter=False, variables=frozenset({var}),
                                only_variable=True)
        if family is None:
            family = next((_pick(m) for m in self.materials_of(sent) if m.kind == "specific"
                           and var in self.open_variables(m.raw)), None)
        if family is None:
            family = self.template_fitting({var: value})
        return found if family is None else _Pick(f"{family.raw} ({var} = {value})")

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

    def rule_bracketed_after(self, c: _Context) -> _Pick | None:
        """"Compared with Li3PS4 (0.2 mS cm^-1), ...": the material the bracket follows.

        A bracket may open with the value's symbol ("(σLi ≈ V)"). A material named for
        comparison a few words before the bracket is the bracket's too: "much higher than that
        in LiZr2(PO4)3 with NASICON structure (σ ≈ V)", "than those of the glass samples (V)".
        """
        k = c.start - 1
        qualifier = self.ending_at(c.start, *_QUALIFIER_TEXT)
        if qualifier is not None:
            k = qualifier.start - 1
        symbol = next((j for j in (k, k - 1) if j > c.sent.start
                       and self.labelled(j, "COND_WORD") and self.doc[j - 1].text == "("), None)
        if symbol is not None:
            k = symbol - 1
        if k < c.sent.start or self.doc[k].text != "(":
            return None
        before = [m for m in c.mats if m.end == k and m.kind in _NAMED_KINDS]
        if before:
            return _pick(before[0])
        return self.compared_before(k, c)

    def compared_before(self, bracket: int, c: _Context) -> _Pick | None:
        """The compared material closest before ``bracket``, with only its description between
        (no conductivity word, number, clause break or other material)."""
        named = [m for m in c.mats if m.kind in _NAMED_KINDS
                 and max(c.sent.start, bracket - _COMPARED_REACH) <= m.start and m.end < bracket]
        if not named:
            return None
        m = named[-1]
        between = self.doc[m.end:bracket]
        if any(t.text in ",;:()" or t.i in self.numbers or self.labelled(t.i, "COND_WORD")
               for t in between):
            return None
        clause = max([t.i + 1 for t in self.doc[c.sent.start:m.start] if t.text in ",;:("]
                     or [c.sent.start])
        if not any(self.labelled(k, "COMPARISON") for k in range(clause, m.start)):
            return None
        return _pick(m)

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
            return _ion_statement(named) if self.doc[named.end].lower_ == "in" else None
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
        return _ion_statement(after) if after.kind == "ion" else _pick(after)

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
        """A comparison word ("than", "compared with", "unlike") right before the material, in
        its phrase: in "Besides LiCl, LiBr shows V" LiBr is not compared."""
        lo = max(m.start - 3, self.doc[m.start].sent.start)
        for k in range(m.start - 1, lo - 1, -1):
            if self.doc[k].text in ",;":
                return False
            if self.labelled(k, "COMPARISON"):
                return True
        return False

    def aside(self, m: _Material) -> bool:
        """Named only to compare with, or as an example ("such as the garnet X"): not what a
        paragraph goes on to measure."""
        lo = max(m.start - 3, self.doc[m.start].sent.start)
        return self.compared(m) or any(self.labelled(k, "EXAMPLE") for k in range(lo, m.start))

    def rule_assigned_variable(self, c: _Context) -> _Pick | None:
        """"obtained for x = 0.4": the solid solution with that variable the paragraph writes,
        else the one template of the document that has a member at these amounts."""
        values = _assigned_values(c.sent)
        if not values:
            return None
        found = self.look_back(c.sent, latter=False, variables=frozenset(values),
                               only_variable=True)
        return found if found is not None else self.template_fitting(values)

    def template_fitting(self, values: dict[str, str]) -> _Pick | None:
        """The one template of the document with a member at these amounts (every amount in
        it positive), or None when none or several have one."""
        fits = {t.written or t.text for t in self.doc.user_data.get("ionlit.templates", ())
                if t.variables and not t.placeholders and t.variables <= set(values)
                and template_to_formula(t, values) is not None}
        return _Pick(fits.pop()) if len(fits) == 1 else None

    def rule_class_before(self, c: _Context) -> _Pick | None:
        """A class before the value: a statement about the class, unless the paper presents it
        as its own ("We report a sulphide solid electrolyte that shows V"): its main material."""
        classes = [m for m in c.mats if m.kind == "class" and m.end <= c.start]
        if not classes:
            return None
        main = self.doc.user_data.get("ionlit.main_material")
        if main and self.presented(classes[-1]):
            return _Pick(main)
        return _pick(classes[-1])

    def presented(self, m: _Material) -> bool:
        """"We report/present/develop ... CLASS": the paper's own material, named by its class."""
        lo = max(m.start - _PRESENTED_REACH, self.doc[m.start].sent.start)
        words = [t.lower_ for t in self.doc[lo:m.start]]
        return any(w == "we" and nxt in _PRESENTING_VERBS
                   for w, nxt in pairwise(words))

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
        """What the paper is about, for a value its paragraph states without naming a material
        ("the pellet", "a conductivity of V is obtained"), in a paragraph that names no material
        or names the main one. A paragraph that names only others could be about any of them,
        and a value "for x = 0.4" is a member of a series the main formula is not: the value
        is published unlinked rather than guessed."""
        main = self.doc.user_data.get("ionlit.main_material")
        if not main:
            return None
        named = {_compact(m.raw) for e in self.sentences for m in self.materials_of(e)
                 if m.kind in ("specific", "composite") and not self.aside(m)}
        values = _assigned_values(c.sent)
        if values and not set(values) & self.open_variables(main):
            return _UNLINKED  # "for x = 0.4": a member of some series, not the main material
        key = _compact(main)
        return _Pick(main) if not named or any(key in n for n in named) else _UNLINKED

    def rule_paragraph_material(self, c: _Context) -> _Pick | None:
        """The one material the paragraph names (not only to compare with), wherever it does:
        "V ... These results show the size effect in X" names it after its values."""
        named = {m.raw for e in self.sentences for m in self.materials_of(e)
                 if m.kind == "specific" and not self.aside(m)}
        return _Pick(named.pop()) if len(named) == 1 else None

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
        """A material as picked; an anaphor as what it refers back to. "When y = 0.1 in this
        system" refers to the earlier solid solution with a ``y``, not to the subject."""
        if m.kind != "anaphor":
            return _pick(m)
        return self.look_back(sent, latter=m.raw.lower().endswith(("latter", "it")),
                              variables=_assigned_variables(sent))

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
            if not latter and found and all(self.aside(m) for m in found):
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
        for a, b in [*self.described_samples(sent), *self.contrasted_samples(sent)]:
            if covered.isdisjoint(range(a, b)):
                covered.update(range(a, b))
                yield _Material(a, b, self.doc[a:b].text, "specific")
        for label, kind in (("ANAPHOR", "anaphor"), ("MATERIAL_CLASS", "class"),
                            ("MATERIAL_NAME", "specific")):
            for s in filter_spans([s for s in self.spans(label) if s.sent.start == sent.start]):
                if covered.isdisjoint(range(s.start, s.end)):
                    covered.update(range(s.start, s.end))
                    if kind == "specific" and self.is_component(s.start, s.end):
                        kind = "component"
                    first = self.dopant_start(s.start, sent.start, covered)
                    covered.update(range(first, s.start))
                    end = self.described_class_end(s, sent) if kind == "class" else None
                    if end is not None:  # "the electrolytes with the X-type phase exhibit V"
                        covered.update(range(s.end, end))
                        yield _Material(s.start, end, self.doc[s.start:end].text, "specific")
                        continue
                    yield _Material(first, s.end, self.doc[first:s.end].text, kind)
        for t in sent:
            if _CATION_RE.match(t.text) and t.i not in covered:
                covered.add(t.i)
                yield _Material(t.i, t.i + 1, t.text, "ion")
        i = sent.start
        while i < sent.end:
            found = self.formula_at(i, sent.end, covered)
            if found is None:
                found = self.placeholder_at(i, sent.end, covered)
                if found is not None:
                    covered.update(range(i, found))
                    yield _Material(i, found, self.doc[i:found].text, "specific")
                    i = found
                    continue
                i += 1
                continue
            covered.update(range(i, found))
            first = self.dopant_start(i, sent.start, covered)
            if (i - 2 >= sent.start and self.doc[i - 1].text == "/"
                    and _DOPANT_RE.match(self.doc[i - 2].text)):
                first = i - 2  # "Eu^3+/NGS": the doped host
            covered.update(range(first, i))
            kind = "component" if self.is_component(first, found) else "specific"
            yield _Material(first, found, self.with_abbreviation(first, found), kind)
            i = found

    def dopant_start(self, i: int, floor: int, covered: set[int]) -> int:
        """Where a material starts with its dopant: "Al-doped Li7La3Zr2O12" is not the undoped
        host, so the dopant stays in what is written (and no formula is read from it)."""
        k = i - 1
        if k >= floor and k not in covered and _DOPED_RE.match(self.doc[k].text):
            return k
        return i

    def placeholder_at(self, i: int, limit: int, covered: set[int]) -> int | None:
        """End of a family written with a placeholder: ``Li6PS5X (X = Cl, Br, and I)`` (with its
        definition) or ``h-Li(BH4)1−xXx`` (a placeholder with an amount). The value stated for it
        is the family's, never one member's nor a formula nearby."""
        doc = self.doc
        if i in covered or i in self.taken or i in self.numbers:
            return None
        placeholders, amounts = _placeholder_family(doc[i].text)
        if not placeholders:
            return None
        if (i + 4 < limit and doc[i + 1].text == "(" and doc[i + 2].text in placeholders
                and doc[i + 3].text == "="):
            close = next((k for k in range(i + 4, min(limit, i + 16)) if doc[k].text == ")"),
                         None)
            if close is not None:
                return close + 1
        return i + 1 if amounts else None

    def described_samples(self, sent: Span) -> Iterator[tuple[int, int]]:
        """Samples named by their amount: "the heat-treated x = 50 sample", "the crystalline
        sample with x = 50". The range runs from after the determiner to the noun or amount."""
        doc = self.doc
        for t in sent[:-2]:
            if not (t.text in "xyzδ" and t.nbor().text == "=" and t.i + 2 < sent.end
                    and _NUMBER_RE.match(t.nbor(2).text)):
                continue
            amount_end = t.i + 3
            if amount_end < sent.end and doc[amount_end].text == ",":
                continue  # a list of amounts: "x = 0, 0.2 and 0.4"
            noun = next((k for k in range(amount_end, min(amount_end + 3, sent.end))
                         if doc[k].lower_ in _SAMPLE_NOUNS), None)
            if noun is not None and all(w.is_alpha for w in doc[amount_end:noun]):
                yield self.described_from(t.i, sent.start), noun + 1
                continue
            k = t.i - 1 - (t.i - 1 > sent.start and doc[t.i - 1].lower_ in ("a", "an"))
            if k - 1 >= sent.start and doc[k].lower_ == "with" and doc[k - 1].lower_ in (
                    _SAMPLE_NOUNS):
                yield self.described_from(k - 1, sent.start), amount_end

    def contrasted_samples(self, sent: Span) -> Iterator[tuple[int, int]]:
        """Samples named by what they lack: "the unsubstituted sample", "the pristine pellet",
        "the Al-free ceramic". Not the solid solution the paper writes, and no guess at which
        member: the sample as written (a formula among the words names it instead)."""
        doc = self.doc
        for t in sent:
            if t.lower_ not in _SAMPLE_NOUNS:
                continue
            first = self.described_from(t.i, sent.start)
            words = doc[first:t.i]
            if (first > sent.start and doc[first - 1].lower_ in _DETERMINERS
                    and any(_CONTRAST_RE.match(w.text) for w in words)
                    and all(self.formula_run(k, t.i, set()) is None for k in range(first, t.i))):
                yield first, t.i + 1

    def described_class_end(self, span: Span, sent: Span) -> int | None:
        """End of a class noun made definite by "the" and a "with" phrase that opens its
        clause's verb: "The solid electrolytes with the argyrodite-type phase exhibited V" are
        the samples the paper made, not the class."""
        doc = self.doc
        if span.start - 1 < sent.start or doc[span.start - 1].lower_ != "the":
            return None
        if span.end >= sent.end or doc[span.end].lower_ != "with":
            return None
        for k in range(span.end + 1, min(span.end + 1 + _DESCRIBED_WORDS, sent.end)):
            word = doc[k]
            if word.lower_ in _SUBJECT_VERBS or word.lower_ in _DESCRIBED_VERBS:
                return k if k > span.end + 1 else None
            if not re.fullmatch(r"[A-Za-z][A-Za-z\-]*", word.text) or k in self.taken:
                return None
        return None

    def described_from(self, head: int, floor: int) -> int:
        """First word of a described sample ending at ``head``: its modifiers up to the
        determiner ("the heat-treated x = 50 sample" → "heat-treated")."""
        k = head
        while (k - 1 >= floor and self.doc[k - 1].lower_ not in _DETERMINERS
               and re.fullmatch(r"[A-Za-z][A-Za-z\-]*", self.doc[k - 1].text)
               and not self.labelled(k - 1, "COND_WORD", "COMPARISON", "PHRASE_STOP")):
            k -= 1
        return k

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
                or match_variable_abbreviation(first, self.defined) is not None
                or (sum(c.isupper() for c in first) >= 2
                    and expand_abbreviation(first, {}) is not None)):
            return i + 1
        if not _FORMULA_PIECE_RE.match(first) or first in _OPERATOR_TOKENS:
            return None
        if self.split_element_at(i, limit, covered):
            return i + 2
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
            if (is_formula(text) and _plausible_formula(text)) or _is_formula_system(text) or (
                    j == i + 1 and _is_family_formula(text)):
                return j
        return None

    def split_element_at(self, i: int, limit: int, covered: set[int]) -> bool:
        """An element symbol the PDF set apart from its amount: "K 5YSi4O12" reads as
        ``K5YSi4O12`` when the two join into a formula ("300 K 2Li2S·P2S5" is a temperature
        and a formula)."""
        doc = self.doc
        if (i + 1 >= limit or i + 1 in covered or doc[i].text not in ELEMENTS
                or (i > 0 and (doc[i - 1].like_num or i - 1 in self.numbers))):
            return False
        rest = doc[i + 1].text
        if not (rest[:1].isdigit() and any(c.isupper() for c in rest)):
            return False
        joined = doc[i].text + rest
        return is_formula(joined) and _plausible_formula(joined)

    def with_abbreviation(self, i: int, j: int) -> str:
        """``NaCB11H12 (NCB)`` when the formula is followed by the abbreviation it defines."""
        doc = self.doc
        raw = doc[i:j].text
        if j + 2 < len(doc) and doc[j].text == "(" and doc[j + 2].text == ")":
            abbr = doc[j + 1].text
            if self.defined.get(abbr, "").replace(" ", "") == raw.replace(" ", ""):
                return f"{raw} ({abbr})"
        return raw
