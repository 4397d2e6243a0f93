"""Characters that make text say something else than it shows: bidi controls, zero-width
characters and terminal control codes.

A PDF can hold a right-to-left override (U+202E) or a zero-width space inside a material name:
the name then reads one way and sorts, searches and matches another, and in a terminal or an
HTML page the override reorders what follows it. Published names are cleaned of them
(:func:`strip_invisible`), records that held them say so (flag ``hidden_characters``), and a
file name printed to a terminal has its control codes escaped (:func:`printable`).
"""

from __future__ import annotations

import re
import unicodedata

#: Bidirectional embeddings, overrides, isolates and marks (Unicode "Bidi_Control").
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
#: Characters of no width: zero-width space/joiners, word joiner, byte-order mark.
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
INVISIBLE = BIDI_CONTROLS + ZERO_WIDTH
_INVISIBLE = re.compile(f"[{INVISIBLE}]")
#: C0 and C1 control codes and DEL: a terminal acts on them (ESC starts a sequence).
_CONTROL = re.compile(f"[\x00-\x1f\x7f-\x9f{INVISIBLE}]")


def has_invisible(text: str) -> bool:
    """Whether ``text`` holds a bidi control or a zero-width character."""
    return bool(_INVISIBLE.search(text))


def strip_invisible(text: str) -> str:
    """``text`` without bidi controls and zero-width characters."""
    return _INVISIBLE.sub("", text)


def printable(text: str, keep: str = "") -> str:
    """``text`` with control codes, bidi controls and zero-width characters written as escapes
    (``\\x1b``, ``\\u202e``), so printing it cannot move the cursor or reorder the line;
    the characters of ``keep`` (a text's ``"\\n"``) stay as they are."""
    return _CONTROL.sub(
        lambda m: m[0] if m[0] in keep else m[0].encode("unicode_escape").decode("ascii"), text)


def visible_start(text: str) -> str:
    """What a spreadsheet sees first: compatibility forms folded (fullwidth ``＝`` is ``=``)
    and invisible characters before it dropped."""
    return unicodedata.normalize("NFKC", strip_invisible(text))


__all__ = ["BIDI_CONTROLS", "INVISIBLE", "ZERO_WIDTH", "has_invisible", "printable",
           "strip_invisible", "visible_start"]
