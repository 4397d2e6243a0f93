"""Glyphs from the font's own data: what a character code draws when the text layer won't say.

Publisher symbol fonts lose the characters conductivities are written with: σ comes out as
``s``, × as ``(cid:2)`` or ``3``, the minus as ``(cid:3)`` or ``2``, ° as ``8``. pdfminer maps a
code to text through the font's ToUnicode map or, failing that, through the glyph names of a
standard encoding; it never reads the glyph names a font program carries in its own built-in
encoding, and it has nothing for names outside the Adobe Glyph List (``C0``, ``Delta1``).

This module recovers a code's text, most trusted source first:

1. ``data/symbol_fonts.csv``: fonts known to reuse codes and names for other glyphs (Advent's
   ``AdvP4C4E74`` names a minus ``C0`` and a closing parenthesis ``Thorn``; Elsevier's 2000-era
   ``MathematicalPi-One`` puts × on the code and name of ``3``). A row names the family (the
   base font without its subset prefix) and either the glyph name the font gives (robust:
   subsets renumber codes, names stay) or, for fonts without usable names, the code. Each row
   was checked against the rendered glyph outline and every use in a whole document
   (``verified_in`` names the corpus papers). Glyph rows win over ToUnicode, which such fonts
   fill with the same wrong letters; code rows hold only where the code keeps the font's own
   layout (no ToUnicode or ``/Differences`` entry re-encodes it). A family missing from the
   table reads the rows of its name without a producer's duplicate counter
   (``TeX_CM_Maths_Symbols4`` → ``TeX_CM_Maths_Symbols``).
2. The glyph name in the font's encoding (``/Differences``, ``/BaseEncoding`` or the built-in
   encoding of the embedded Type1/CFF program, as PDF 32000 §9.6.6 orders them), mapped to
   Unicode by the Adobe Glyph List (``fontTools.agl``) or ``data/glyph_names.csv`` for common
   non-AGL names. A name from the built-in encoding corrects pdfminer's text when the font has
   no ToUnicode for the code; any other name only fills a code left unmapped.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from fontTools import agl
from fontTools.cffLib import CFFFontSet
from pdfminer.latin_enc import ENCODING
from pdfminer.pdftypes import PDFStream, resolve1
from pdfminer.psparser import PSLiteral

from extractors.glyph_shapes import keeps_text, outline_to_symbol

_DATA = Path(__file__).parent / "data"

#: Subset fonts carry six capitals and ``+`` before the family name (``EPLIOG+MathematicalPi``).
SUBSET_PREFIX = re.compile(r"^[A-Z]{6}\+")
#: A counter a producer appends to a duplicate font name (``TeX_CM_Maths_Symbols4``).
DUPLICATE_COUNTER = re.compile(r"\d+$")
#: Type1 cleartext: ``dup 51 /three put`` lines of a built-in encoding array.
TYPE1_ENCODING_ENTRY = re.compile(rb"dup\s+(\d+)\s*/([^\s/\[\]{}()<>]+)\s+put")
#: A glyph name that only numbers the glyph's code in the font's own layout (``C97``, ``c177``):
#: Advent/3B2 typesetting names every glyph so, the code being that of StandardEncoding for a
#: text font and of the font's own layout for a symbol font (``code_name_encodings.csv``).
CODE_NAME = re.compile(r"^[Cc](\d{1,3})$")
#: Font descriptor flag: the font uses glyphs outside the standard Latin set (PDF 32000 §9.8.2).
SYMBOLIC_FLAG = 4
STANDARD_ENCODINGS = {"StandardEncoding": 1, "MacRomanEncoding": 2, "WinAnsiEncoding": 3,
                      "PDFDocEncoding": 4}


@lru_cache(maxsize=8192)
def is_unmapped(text: str) -> bool:
    """Whether pdfminer's text for a glyph says nothing: ``(cid:N)``, U+FFFD, a control or a
    private-use character (cached: asked for every character of a document)."""
    if not text or text.startswith("(cid:"):
        return True
    return any(ch == "\ufffd" or unicodedata.category(ch) in ("Cc", "Co") for ch in text)


def font_family(basefont: str) -> str:
    """The base font name without its subset prefix: ``EPLIOG+MathematicalPi-One`` →
    ``MathematicalPi-One``."""
    return SUBSET_PREFIX.sub("", basefont)


def table_family(family: str, table: SymbolFontTable) -> str:
    """The table's name for a family: the family itself or, when only that is listed, the
    family without the counter some producers append to duplicate font names
    (``TeX_CM_Maths_Symbols4`` reads the rows of ``TeX_CM_Maths_Symbols``)."""
    if family in table:
        return family
    stripped = DUPLICATE_COUNTER.sub("", family)
    return stripped if stripped in table else family


@cache
def _extra_glyph_names() -> dict[str, str]:
    text = (_DATA / "glyph_names.csv").read_text(encoding="utf-8")
    return {row["glyph"]: row["char"] for row in csv.DictReader(io.StringIO(text))}


def glyph_name_to_text(name: str, code_encoding: str = "StandardEncoding") -> str | None:
    """Unicode text of a glyph name, or None when the name says nothing usable.

    The Adobe Glyph List covers ``minus``, ``multiply``, ``sigma``, ``uni2212``, ``a.sc``;
    ``data/glyph_names.csv`` adds names typesetters use outside it (``Delta1``, ``betatwo``).
    A name that numbers a code (``C97``, :data:`CODE_NAME`) is the glyph of that code in
    ``code_encoding`` (the font's layout: ``code_name_encoding``). Private-use code points
    (``uniE104``) say nothing about the glyph, so they give None.
    """
    text = _extra_glyph_names().get(name) or agl.toUnicode(name)
    numbered = CODE_NAME.match(name)
    if not text and numbered:
        layout_name = encoding_names(code_encoding).get(int(numbered.group(1)))
        text = agl.toUnicode(layout_name) if layout_name else ""
    return None if is_unmapped(text) else text


@cache
def _code_name_encodings() -> dict[str, str]:
    text = (_DATA / "code_name_encodings.csv").read_text(encoding="utf-8")
    return {row["family"]: row["encoding"] for row in csv.DictReader(io.StringIO(text))}


def code_name_encoding(family: str) -> str:
    """The layout whose codes a family's ``C<n>`` glyph names number: StandardEncoding (a text
    font) unless ``data/code_name_encodings.csv`` lists the family (Advent's Symbol font)."""
    return _code_name_encodings().get(family, "StandardEncoding")


@cache
def encoding_names(name: str) -> dict[int, str]:
    """Code → glyph name of a standard encoding, or of the Symbol font's built-in encoding
    (``data/symbol_encoding.csv``, from Adobe's Symbol AFM)."""
    if name in STANDARD_ENCODINGS:
        return standard_encoding(name)
    text = (_DATA / "symbol_encoding.csv").read_text(encoding="utf-8")
    return {int(row["code"]): row["glyph"] for row in csv.DictReader(io.StringIO(text))}


@dataclass(frozen=True)
class SymbolFontTable:
    """Families that reuse codes and names for other glyphs: family → glyph name or code → text."""

    by_glyph: Mapping[str, Mapping[str, str]]
    by_code: Mapping[str, Mapping[int, str]]

    def __contains__(self, family: object) -> bool:
        return family in self.by_glyph or family in self.by_code


@cache
def load_symbol_fonts(path: Path | None = None) -> SymbolFontTable:
    """Read ``data/symbol_fonts.csv`` (columns family, glyph, code, char, ...)."""
    text = (path or _DATA / "symbol_fonts.csv").read_text(encoding="utf-8")
    by_glyph: dict[str, dict[str, str]] = {}
    by_code: dict[str, dict[int, str]] = {}
    for row in csv.DictReader(io.StringIO(text)):
        if bool(row["glyph"]) == bool(row["code"]):
            raise ValueError(f"symbol_fonts.csv: {row['family']} needs a glyph or a code")
        if row["glyph"]:
            by_glyph.setdefault(row["family"], {})[row["glyph"]] = row["char"]
        else:
            by_code.setdefault(row["family"], {})[int(row["code"])] = row["char"]
    return SymbolFontTable(by_glyph, by_code)


@cache
def standard_encoding(name: str) -> dict[int, str]:
    """Code → glyph name of one of the PDF's standard encodings (pdfminer's table)."""
    column = STANDARD_ENCODINGS[name]
    return {int(str(row[column])): str(row[0]) for row in ENCODING if row[column] is not None}


def differences_to_names(differences: object) -> dict[int, str]:
    """Code → glyph name of an ``/Encoding /Differences`` array (``[24 /minus /multiply]``)."""
    names: dict[int, str] = {}
    code = 0
    for item in resolve1(differences) or []:
        item = resolve1(item)
        if isinstance(item, int):
            code = item
        elif isinstance(item, PSLiteral):
            names[code] = str(item.name)
            code += 1
    return names


def cff_to_names(data: bytes) -> dict[int, str]:
    """Code → glyph name of a bare CFF program's built-in encoding (empty for a standard or
    CID-keyed one, which adds nothing to what the PDF says)."""
    try:
        fonts = CFFFontSet()
        fonts.decompile(io.BytesIO(data), None)
        top = fonts[fonts.fontNames[0]]
        encoding = getattr(top, "Encoding", None)
    except Exception:  # a broken or unusual program only means no names
        return {}
    if not isinstance(encoding, list):
        return {}
    return {code: str(name) for code, name in enumerate(encoding) if name != ".notdef"}


def cff_to_glyphs(data: bytes) -> tuple[Mapping[str, Any], float] | None:
    """A bare CFF program's glyphs by name (drawable with a fontTools pen) and its units per
    em, or None for a CID-keyed or unreadable program."""
    try:
        fonts = CFFFontSet()
        fonts.decompile(io.BytesIO(data), None)
        top = fonts[fonts.fontNames[0]]
        if hasattr(top, "ROS"):
            return None
        scale = float(getattr(top, "FontMatrix", [0.001])[0]) or 0.001
        return top.CharStrings, 1.0 / scale
    except Exception:  # a broken or unusual program only means no outlines
        return None


def descriptor_to_glyphs(descriptor: Mapping[str, Any]) -> tuple[Mapping[str, Any], float] | None:
    """The embedded program's glyphs and units per em (a bare CFF program only)."""
    stream = resolve1(descriptor.get("FontFile3"))
    subtype = resolve1(stream.get("Subtype")) if isinstance(stream, PDFStream) else None
    if isinstance(stream, PDFStream) and getattr(subtype, "name", None) == "Type1C":
        return cff_to_glyphs(stream.get_data())
    return None


def type1_to_names(data: bytes, length1: int | None) -> dict[int, str]:
    """Code → glyph name of a Type1 program's built-in encoding, read from its cleartext."""
    clear = data[:length1] if length1 else data
    return {int(code): name.decode("latin-1")
            for code, name in TYPE1_ENCODING_ENTRY.findall(clear) if int(code) < 256}


def descriptor_to_builtin_names(descriptor: Mapping[str, Any]) -> dict[int, str]:
    """Code → glyph name of the embedded font program's own encoding, if it has one."""
    if "FontFile3" in descriptor:
        stream = resolve1(descriptor["FontFile3"])
        subtype = resolve1(stream.get("Subtype")) if isinstance(stream, PDFStream) else None
        if isinstance(stream, PDFStream) and getattr(subtype, "name", None) == "Type1C":
            return cff_to_names(stream.get_data())
    elif "FontFile" in descriptor:
        stream = resolve1(descriptor["FontFile"])
        if isinstance(stream, PDFStream):
            length1 = resolve1(stream.get("Length1"))
            return type1_to_names(stream.get_data(), length1 if isinstance(length1, int) else None)
    return {}


@dataclass(frozen=True)
class FontEncoding:
    """Code → glyph name as PDF 32000 §9.6.6 resolves it, and which codes took their name from
    the font program's built-in encoding (pdfminer reads those with a standard encoding)."""

    names: Mapping[int, str]
    builtin: frozenset[int] = frozenset()
    differences: frozenset[int] = frozenset()


def spec_to_encoding(spec: Mapping[str, Any]) -> FontEncoding:
    """The encoding of a simple font (Type1, Type1C, TrueType, Type3) from its font dictionary.

    The base is ``/BaseEncoding`` or a named ``/Encoding``; without one, a symbolic embedded
    font (or one with no ``/Encoding`` at all) uses its program's built-in encoding, others
    ``StandardEncoding`` (``WinAnsiEncoding`` for TrueType, as pdfminer reads them).
    ``/Differences`` then replace single codes.
    """
    encoding = resolve1(spec.get("Encoding"))
    descriptor = resolve1(spec.get("FontDescriptor")) or {}
    flags = resolve1(descriptor.get("Flags", 0)) if isinstance(descriptor, dict) else 0
    base_name = None
    differences: dict[int, str] = {}
    if isinstance(encoding, PSLiteral):
        base_name = str(encoding.name)
    elif isinstance(encoding, dict):
        base = resolve1(encoding.get("BaseEncoding"))
        base_name = str(base.name) if isinstance(base, PSLiteral) else None
        differences = differences_to_names(encoding.get("Differences"))
    builtin: dict[int, str] = {}
    if base_name not in STANDARD_ENCODINGS and isinstance(descriptor, dict) and (
            encoding is None or (isinstance(flags, int) and flags & SYMBOLIC_FLAG)):
        builtin = descriptor_to_builtin_names(descriptor)
    subtype = resolve1(spec.get("Subtype"))
    default = "WinAnsiEncoding" if getattr(subtype, "name", "") == "TrueType" else (
        "StandardEncoding")
    names = dict(standard_encoding(base_name if base_name in STANDARD_ENCODINGS else default))
    names.update(builtin)
    names.update(differences)
    return FontEncoding(names, frozenset(set(builtin) - set(differences)),
                        frozenset(differences))


@dataclass(frozen=True)
class GlyphMap:
    """What one font's own data says its codes draw, in the order of trust.

    ``forced`` comes from ``symbol_fonts.csv`` and wins over everything; ``builtin`` holds
    names pdfminer does not read for codes ToUnicode leaves out (the program's built-in
    encoding, and ``C<n>`` names, where pdfminer keeps the base encoding's text); ``named``
    fills codes pdfminer left unmapped.
    """

    family: str
    forced: Mapping[int, str] = field(default_factory=dict)
    builtin: Mapping[int, str] = field(default_factory=dict)
    named: Mapping[int, str] = field(default_factory=dict)
    shapes: Mapping[int, str] = field(default_factory=dict)

    def text(self, code: int, current: str) -> str:
        """The text of ``code``, given what pdfminer made of it; a symbol its outline draws
        (``shapes``) replaces any text that does not already say it."""
        text = self._named_text(code, current)
        shape = self.shapes.get(code)
        return shape if shape is not None and not keeps_text(shape, text) else text

    def _named_text(self, code: int, current: str) -> str:
        if code in self.forced:
            return self.forced[code]
        if code in self.builtin:
            return self.builtin[code]
        if code in self.named and is_unmapped(current):
            return self.named[code]
        return current

    @property
    def recovers(self) -> bool:
        """Whether the map may change a text pdfminer maps (not only fill unmapped ones)."""
        return bool(self.forced or self.builtin or self.shapes)


def font_to_glyph_map(basefont: str, spec: Mapping[str, Any], tounicode: frozenset[int],
                      simple: bool = True, table: SymbolFontTable | None = None) -> GlyphMap:
    """A font's glyph map from its font dictionary.

    Args:
        basefont: the font's name (subset prefix allowed).
        spec: the font dictionary (``/Encoding``, ``/FontDescriptor``).
        tounicode: codes the font's ToUnicode map covers; their text stays unless a table row
            or an unmapped text says otherwise.
        simple: False for composite (Type0/CID) fonts, whose codes name no glyphs here.
        table: the symbol-font table (``data/symbol_fonts.csv`` when None).
    """
    table = table or load_symbol_fonts()
    family = table_family(font_family(basefont), table)
    if not simple:
        return GlyphMap(family)
    encoding = spec_to_encoding(spec)
    forced: dict[int, str] = {}
    by_glyph = table.by_glyph.get(family, {})
    for code, name in encoding.names.items():
        if name in by_glyph:
            forced[code] = by_glyph[name]
    for code, char in table.by_code.get(family, {}).items():
        if code not in tounicode and code not in encoding.differences:
            forced.setdefault(code, char)
    builtin: dict[int, str] = {}
    named: dict[int, str] = {}
    code_encoding = code_name_encoding(family)
    for code, name in encoding.names.items():
        text = glyph_name_to_text(name, code_encoding)
        if text is None or code in forced:
            continue
        if code not in tounicode and (code in encoding.builtin or CODE_NAME.match(name)):
            builtin[code] = text  # pdfminer read the code with a standard encoding
        named[code] = text
    return GlyphMap(family, forced, builtin, named, _shapes(spec, encoding))


def _shapes(spec: Mapping[str, Any], encoding: FontEncoding) -> dict[int, str]:
    """Code → the symbol its glyph's outline draws (``glyph_shapes``). Any name may say
    nothing true: ``C50`` for a minus, a symbol font's ``z`` for ≈, a ToUnicode typesetters
    fill with the letter of the name (``I`` for a middle dot)."""
    descriptor = resolve1(spec.get("FontDescriptor"))
    program = descriptor_to_glyphs(descriptor) if isinstance(descriptor, dict) else None
    if program is None:
        return {}
    glyphs, em = program
    shapes = {}
    for code, name in encoding.names.items():
        if name in glyphs and (symbol := outline_to_symbol(glyphs, name, em)):
            shapes[code] = symbol
    return shapes
