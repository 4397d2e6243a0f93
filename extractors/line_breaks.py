"""Where a typesetter's line-end hyphen splits one formula, for every reader of lines.

Typesetters break a long formula inside a variable subscript and add a hyphen
(``Na1+xTi2−x-`` + ``Alx(PO4)3``): the hyphen is theirs, not the author's, and the two halves
are one formula. The author's hyphen between two compounds (``Li2S-`` + ``P2S5``) stays: its
left half ends in an element's count, not in a variable after a sign.
"""

from __future__ import annotations

import re

#: The left line ends in a subscript that closes on a variable after a sign, then a hyphen.
FORMULA_BREAK_LEFT = re.compile(r"[A-Z][a-z]?\d+(?:\.\d+)?[+\u2212-][xyzδ]-$")
#: The right line opens with an element symbol and its count (a number, a variable, a group).
FORMULA_BREAK_RIGHT = re.compile(r"[A-Z][a-z]?(?:\d|[xyzδ](?![a-z])|\()")


def breaks_formula(left: str, right: str) -> bool:
    """Whether ``left`` (a line's text so far) and ``right`` (the next line) are one formula
    split at a typesetter's hyphen, which the joined text drops."""
    return bool(FORMULA_BREAK_LEFT.search(left) and FORMULA_BREAK_RIGHT.match(right))
