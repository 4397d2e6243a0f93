"""Phase and processing words: a glass and a glass-ceramic of one formula are two materials.

The reduced formula alone does not say what was measured: Li1.4P0.6S2.2 glass and the
glass-ceramic Li7P3S11 reduce to one formula, and NaCB11H12 as prepared conducts six decades
less than after 45 min of ball milling. The words are package data (``data/conditions.txt``),
one label per group (phase, processing) at most.
"""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files

Conditions = frozenset[str]


@cache
def _patterns() -> tuple[tuple[str, tuple[tuple[str, re.Pattern[str]], ...]], ...]:
    """(group, ((label, pattern), ...)) in file order."""
    groups: list[tuple[str, list[tuple[str, re.Pattern[str]]]]] = []
    text = files("extractors").joinpath("data/conditions.txt").read_text("utf-8")
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            groups.append((line.strip("[]"), []))
            continue
        label, _, pattern = line.partition(":")
        groups[-1][1].append((label.strip(), re.compile(pattern.strip(), re.I)))
    return tuple((name, tuple(entries)) for name, entries in groups)


def text_to_conditions(*texts: str | None) -> Conditions:
    """The phase and processing labels the texts state (``{"glass-ceramic", "sintered"}``)."""
    joined = " ".join(t for t in texts if t)
    found = set()
    for _, entries in _patterns():
        label = next((label for label, pattern in entries if pattern.search(joined)), None)
        if label:
            found.add(label)
    return frozenset(found)


def strip_conditions(text: str) -> str:
    """``NaCB11H12 (NCB) as-prepared`` → ``NaCB11H12 (NCB)``: the material without the words
    that describe its sample, so that the formula can be read."""
    for _, entries in _patterns():
        for _, pattern in entries:
            text = pattern.sub(" ", text)
    return " ".join(text.split())


def same_material(a: Conditions, b: Conditions) -> bool:
    """Across works, a stated phase or processing keeps samples apart unless both state it:
    a glass is not the glass-ceramic, nor a value whose sample is not described."""
    return a == b


def contradicting(a: Conditions, b: Conditions) -> bool:
    """Inside one work, two descriptions of one sample that cannot both hold (``as-prepared``
    against ``ball-milled``); a word said on one side only is no contradiction."""
    groups = {label: name for name, entries in _patterns() for label, _ in entries}
    by_group_a = {groups[c]: c for c in a}
    by_group_b = {groups[c]: c for c in b}
    return any(by_group_b.get(g, c) != c for g, c in by_group_a.items())


def describe(conditions: Conditions) -> str:
    """``glass-ceramic, sintered`` or ``no phase or processing stated``."""
    return ", ".join(sorted(conditions)) or "no phase or processing stated"
