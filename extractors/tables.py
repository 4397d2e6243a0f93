"""Tables: structure the tables the reader found into cells, and read records from them.

The reader finds each table's parts once (``table_parts``, kept on the ``Document``). Columns
come from the horizontal gaps that body cells leave free (a rare spanning cell is tolerated);
rows from the rules between rows when the table has them, otherwise from visual lines, where a
line without values joins the row above or below it (see :func:`visual_lines_to_rows`).
Records are read only from columns whose header states a conductivity unit (or ``log σ``):
tables of resistances, activation energies or lattice parameters therefore give none.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import pairwise

import pandas as pd

from extractors._typing import BBox
from extractors.compositions import (
    CompositionTemplate,
    template_to_formula,
    text_to_labels,
    text_to_placeholder_values,
    text_to_templates,
    written_templates,
)
from extractors.document import Document, Line, TablePart, TableSkip, union_box
from extractors.document_facts import DocumentFacts, document_to_facts
from extractors.errors import UnitParseError
from extractors.materials import (
    canonical_formula,
    formula_variables,
    is_formula,
    resolve_material,
    split_family_prefix,
)
from extractors.ocr import is_ocr_power, ocr_to_text
from extractors.records import ConductivityRecord
from extractors.schemas import CELL_COLUMNS, SITE_LABEL_FLAG
from extractors.table_parts import TableSettings, visual_lines
from extractors.units import (
    Conductivity,
    Temperature,
    conductivity_unit_to_factor,
    parse_conductivity,
    parse_log_conductivity,
    parse_temperature,
    split_value_temperature,
)

_CONNECTOR_END = re.compile(r"(?:\b(?:of|and|with|in|for|the|or|at|by|to)|[/,\-–(+·:])$")
_REFERENCE = re.compile(r"^\[\s*\d+(?:\s*[,–-]\s*\d+)*\s*\]$")
_BRACKETED = re.compile(r"\[([^\[\]]*)\]|\(([^()]*(?:\([^()]*\)[^()]*)*)\)")
_POWERED_GROUP = re.compile(r"\([^()]*\)\s*\^?\s*[-−–]\s*[1’‘'lI]")
_UNIT_TAIL = re.compile(r"(?:[,/]|\bin\b)\s*(?P<unit>[^,/]*(?:/\s*c?m)?[^,]*)$")
_HEADER_TEMPERATURE = re.compile(
    r"(?<![\d.])(?P<value>\d{2,4}(?:\.\d+)?)\s*(?P<unit>\^?°\s*C|\ufffd\s*C|°?\s*K|℃)(?![a-z])")
_ROOM_TEMPERATURE = re.compile(r"(?:^|[\s_σs(])(?:RT|r\.t\.)(?![A-Za-z])|room\s+temp", re.I)
# A header that prints σ times a power of ten ("σ × 10^4 (S cm^-1)", "10^4 σ / S cm^-1"): the
# cells hold σ·10^n, so σ is the cell times 10^-n ("σ × 10^4 = 3.2" is σ = 3.2e-4). A power
# written in the unit ("σ/10^-6 S cm^-1", "σ (10^-4 S cm^-1)") is read with the unit instead.
_TIMES = r"\s*[×x·∙*]\s*"
_SHARED_FACTOR = re.compile(
    r"(?:σ|\bs|\b[Ss]igma)[_\w]{0,6}?" + _TIMES + r"10\^\s*(?P<after>[-−–]?\d{1,2})(?!\d)"
    r"|(?<![\d.^])10\^\s*(?P<before>[-−–]?\d{1,2})(?:" + _TIMES + r"|\s+|(?=σ))(?:σ|[Ss]igma)")
# The same factor with its exponent flattened onto the line ("σ × 104 (S cm-1)"): σ times 104
# means nothing, so 10^4 is read, flagged unsure.
_FLAT_FACTOR = re.compile(r"(?:σ|\bs|\b[Ss]igma)[_\w]{0,6}?" + _TIMES
                          + r"10(?P<power>[-−–]?[1-9])(?![\d.])")
# A temperature alone in brackets ("σ(25 °C)", "σ (300 K)"), not a unit.
_BRACKET_TEMPERATURE = re.compile(
    r"^(?:at\s+)?(?:[-−–]?\d+(?:\.\d+)?\s*(?:\^?°\s*C|℃|K)|RT|r\.t\.|room\s+temperature)$",
    re.I)
_CONDUCTIVITY_WORD = re.compile(r"σ|sigma|conductivit|\bcond\b", re.I)
_LOG_WORD = re.compile(r"\blog\b|\blg\b", re.I)
_MATERIAL_HEADER = re.compile(
    r"material|compound|electrolyte|composition|sample|formula|system|phase", re.I)
_FAMILY_HEADER = re.compile(r"^(?:type|family|class|category)\b", re.I)
_REFERENCE_HEADER = re.compile(r"^ref(?:erence)?s?\.?$", re.I)
# A column of substitutions: "x", "M", "x in Li7-xLa3Zr2-xTaxO12", "x (Na1+xTi2-xAlx(PO4)3)",
# "x value", "content x", or a spanning template above it ("Na3+xSc2SixP3-xO12 x").
_SYMBOL = r"(?P<sym>[a-zA-Zδ]|Ln|RE|Me)"
_VARIABLE_HEADERS = (
    re.compile(r"^" + _SYMBOL + r"$"),
    re.compile(r"^" + _SYMBOL + r"(?:\s+(?:in|of|for)\s+|\s*[(\[,]\s*)(?P<template>.+)$"),
    re.compile(r"^(?:(?:value|content|amount)\s+(?:of\s+)?)" + _SYMBOL + r"$", re.I),
    re.compile(r"^" + _SYMBOL + r"\s+(?:value|content|amount)s?$", re.I),
    re.compile(r"^(?P<template>\S+)\s+" + _SYMBOL + r"$"),
)
# "(x = 0.2, 0.4 and 0.6)", "x = 0.1–0.5": a caption listing the series, not fixing a member.
_AMOUNT_LIST = re.compile(r"(?<![A-Za-z])([a-zδ])\s*=\s*\d*\.?\d+\s*(?:,|and|or|to|[–-])\s*\d")
_LABEL_TEXT = re.compile(r"(?:Ln|RE|Me|[A-Z]|[a-zδ])\s*[=)]\s*(?:\d*\.?\d+|[A-Z][a-z]?)")
_NUMBER = re.compile(r"^\d*\.?\d+$")
# Footnote marks in a row label: a raised symbol anywhere ("Ge^&2"), a raised letter at its end
# ("x = 0.4^a"), a star set between the digits of a subscript ("In0.4Sn1*.6").
_LABEL_MARK = re.compile(r"\^[&*†‡§#]+|\^[a-z](?=\s*$)|(?<=\d)[*†‡§](?=\.?\d)")
_SITE_CHARGE = re.compile(r"\^\d?[+−-](?!\d)|\^(?:I{1,3}|IV|VI?)\b")
_NOTE_CITATION = re.compile(
    r"\[\d{1,4}(?:\s*[,–-]\s*\d{1,4})*\]|\bref(?:erence)?s?\.?\s*\d{1,4}", re.I)
_FOOTNOTE_MARK = re.compile(r"(?:\s*(?:[*†‡§]+|\^[a-z*†‡]+))+$")
# Symbol fonts leave × unmapped (\ufffd) or as a letter ("3.37F10^-4", "2.8(3)I10^-7") and
# the exponent's minus unmapped ("10^\ufffd4"); a conductivity of 10^+4 S/cm does not exist, so
# the minus is assumed (and flagged).
_LOST_TIMES = re.compile(r"(?:(?<=\d)|(?<=\d\)))\s*(?:\ufffd|\(cid:\d+\)|[A-Z])\s*(?=10\^)")
_LOST_EXPONENT_SIGN = re.compile(r"(?<=10\^)(?:\ufffd|\(cid:\d+\))(?=\d)")
# One value of a cell that lists several, each with its own note and citation:
# "2 (expt.)^26 1.5 (expt.)^25 6 (calc.)^54,55" (a review table quoting measured and computed
# values side by side). A note is a short word in parentheses, never a temperature.
_CELL_ITEM = re.compile(
    r"(?!10\^)(?P<value>[<>≤≥~≈]?\s*\d+(?:\.\d+)?(?:\s*[×x]\s*10\^?[-−–]?\d+)?)"
    r"(?:\s*\((?P<note>[A-Za-z][A-Za-z.\s-]{0,14})\))?"
    r"(?:\s*\^(?P<ref>\d{1,4}(?:\s*[,–-]\s*\d{1,4})*))?")
# "(0.84 × 10^-7)^15": a value in brackets with a citation, the cited report of the value above.
_BRACKETED_CITED = re.compile(
    r"^\((?P<value>[<>≤≥~≈]?\s*\d[^()]*)\)\s*\^(?P<ref>\d{1,4}(?:\s*[,–-]\s*\d{1,4})*)$")
_MORE_TEMPERATURES = re.compile(r"\s*(?:,|and|or|to|[–-])\s*(?:at\s+)?[-−–]?\d")
_CALCULATED_NOTE = re.compile(r"^(?:calc|calcd|cal|theo|theor|sim|comp|pred|DFT|AIMD|MD)\b",
                              re.I)
_EXPERIMENTAL_NOTE = re.compile(r"^(?:expt?|exptl|meas|obs|experimental)\b", re.I)
# A caption that states the conductivity's temperature: "Li-Ion Conductivity at 300 K",
# "Conductivities measured at 25 °C", "Conductivity of the Na3Zr2Si2PO12 pellets at 25 °C" (not a
# sintering or annealing temperature: "samples sintered at 1100 °C" does not follow the word).
_MADE_AT = (r"(?:sintered|annealed|calcined|heated|prepared|quenched|synthesi[sz]ed|pressed|"
            r"treated|grown|fired|obtained|made|formed|melted|milled|dried)\b")
# The measurement a caption names: conductivities, or the impedance data they come from
# ("Impedance data of Li6ALa2Ta2O12 (A = Sr, Ba) at 22 °C in air").
_CAPTION_MEASUREMENT = r"(?:conductivit(?:y|ies)|impedance(?:\s+(?:data|results|parameters))?)"
_CAPTION_TEMPERATURE = re.compile(
    _CAPTION_MEASUREMENT + r"(?:\s+(?:values?|data|measured|obtained|of(?:\s+(?!" + _MADE_AT
    + r")(?!at\b)\S+){1,6}))?\s+(?:at|@)\s+"
    r"(?P<temperature>room\s+temperature|RT|[-−–]?\d+(?:\.\d+)?\s*(?:°\s*C|℃|K)(?![A-Za-z]))",
    re.I)
# "50 °C: 1.53 × 10^-7": one cell per temperature; a symbol font may lose the degree sign.
_LEADING_TEMPERATURE = re.compile(r"^(?P<temperature>[^:]{1,24}?)\s*:\s*(?P<value>\S.*)$")
_ITEM_TEMPERATURE = r"(?:[-−–]?\d+(?:\.\d+)?\s*(?:\^?°\s*C|℃|K)(?![A-Za-z])|RT)"
_LEADING_ITEM = re.compile(r"(?P<t>" + _ITEM_TEMPERATURE + r")\s*:\s*(?P<v>[^:;]+?)"
                           r"(?=\s*[;,]?\s*" + _ITEM_TEMPERATURE + r"\s*:|\s*[;,]?\s*$)")
_TRAILING_ITEM = re.compile(r"(?P<v>[^();,]*\d[^();,]*?)\s*\((?P<t>" + _ITEM_TEMPERATURE
                            + r")\)\s*[;,]?")
_LOST_DEGREE = re.compile(r"(?<=\d)\s*\ufffd\s*(?=C\b)")
# The measurement temperature, not a sintering or annealing one.
_TEMPERATURE_HEADER = re.compile(
    r"^(?:(?:[Mm]easur(?:ement|ing)|[Tt]est(?:ing)?)\s+)?(?:T|Temp\.?|[Tt]emperature)(?![A-Za-z])"
    r"\s*(?:[\[(/,]\s*(?P<unit>[^\])]*?)\s*[\])]?)?$")
_CELSIUS_UNIT = re.compile(r"^(?:\^?[°º◦˚8\ufffd]?\s*C|℃)$")
_NOMINAL_HEADER = re.compile(r"nominal|starting|intended|target", re.I)
_REFINED_HEADER = re.compile(r"refine|rietveld|analy[sz]|measured|actual|experimental|EDX|EDS|"
                             r"ICP|XRF|found", re.I)
# σ may be printed as "s" (Elsevier, Wiley symbol fonts); its subscript follows it inline.
_SIGMA = r"(?:σ|\bs|\b[Ss]igma)\s*_?\s*"
# In a caption the words must qualify the conductivity ("bulk and total conductivities"; "bulk
# samples" says nothing).
_KIND_WORD = (r"(?:grain[\s-]*boundary|bulk|intra-?grain|total|overall|electronic)")
_CAPTION_KINDS = re.compile(
    r"\b(" + _KIND_WORD + r"(?:\s*(?:,|/|&|\band\b|\bor\b)\s*" + _KIND_WORD + r")*)"
    r"\s+(?:(?:ionic|ion|Li|Na|lithium|sodium|[A-Z][a-z]?[-‐]ion)\s+)?(?:conductivit|σ)", re.I)
_KIND_WORDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("grain_boundary", re.compile(r"grain[\s-]*boundary", re.I)),
    ("bulk", re.compile(r"\bbulk\b|\bintra-?grain", re.I)),
    ("total", re.compile(r"\btotal\b|\boverall\b", re.I)),
    ("electronic", re.compile(r"\belectronic\b", re.I)),
)
# Case matters after σ: "σT" is σ times T (Arrhenius plots), "σt" the total conductivity.
_KIND_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("grain_boundary", re.compile(_SIGMA + r"(?:gb|GB|g\.b\.|[Gg]rain)(?![a-z])"
                                  r"|[Gg]rain[\s-]*[Bb]oundar|GRAIN[\s-]*BOUNDAR")),
    ("bulk", re.compile(_SIGMA + r"(?:b|[Bb]ulk|bu)(?![a-z])|\b(?:[Bb]ulk|BULK)\b")),
    ("total", re.compile(_SIGMA + r"(?:t|[Tt]ot|[Tt]otal)(?![a-z])|\b(?:[Tt]otal|TOTAL)\b")),
    ("electronic", re.compile(_SIGMA + r"(?:e|el|elec|eon|[Ee]lectronic)(?![a-z])"
                              r"|\b(?:[Ee]lectronic|ELECTRONIC)\b")),
)


@dataclass(frozen=True)
class Cell:
    """One cell; an empty cell has ``text == ""`` and the box of its row and column."""

    row: int
    col: int
    text: str
    page: int
    bbox: BBox
    is_header: bool


@dataclass(frozen=True)
class Table:
    """A structured table, possibly continued over columns and pages (one ``table_id``)."""

    table_id: str
    rows: tuple[tuple[Cell, ...], ...] = ()
    n_header_rows: int = 0
    caption: str | None = None
    footnotes: tuple[str, ...] = ()
    #: Why the table has no rows: structuring it raised (see :func:`document_to_tables`).
    skipped: TableSkip | None = None

    @property
    def n_cols(self) -> int:
        return len(self.rows[0]) if self.rows else 0

    @property
    def header(self) -> tuple[str, ...]:
        """Each column's header text, its header rows joined top to bottom."""
        return tuple(" ".join(r[c].text for r in self.rows[:self.n_header_rows]
                              if r[c].text).strip() for c in range(self.n_cols))

    @property
    def body(self) -> tuple[tuple[Cell, ...], ...]:
        return self.rows[self.n_header_rows:]


# --------------------------------------------------------------------------- finding


# --------------------------------------------------------------------------- structure


def _segments(line: Line, seps: Sequence[float], shift: float,
              min_gap: float) -> list[tuple[str, BBox, float]]:
    """Cut a line at column separators that fall in one of its spaces: (text, box, centre).

    Only spaces at least ``min_gap`` em wide are cut, so a long cell (or a wide header) that
    reaches over the gap into the next column keeps its words.
    """
    cuts = [0]
    for sep in seps:
        x = sep + shift
        if not line.x0 < x < line.x1:
            continue
        spaces = [(abs((box[0] + box[2]) / 2 - x), i) for i, (ch, box) in
                  enumerate(zip(line.text, line.boxes, strict=True))
                  if ch == " " and i > cuts[-1] and box[0] - 2 <= x <= box[2] + 2
                  and box[2] - box[0] >= min_gap * line.size]
        if spaces:
            cuts.append(min(spaces)[1])
    cuts.append(len(line.text))
    out = []
    for a, b in pairwise(cuts):
        text = line.text[a:b].strip()
        if text:
            lead = len(line.text[a:b]) - len(line.text[a:b].lstrip())
            box = union_box(line.boxes[a + lead:a + lead + len(text)])
            out.append((text, box, (box[0] + box[2]) / 2 - shift))
    return out


def lines_to_separators(lines: Sequence[tuple[Line, float]], n_rows: int,
                        settings: TableSettings) -> list[float]:
    """x of the gaps between columns, from body lines given with their part's left edge.

    A gap is a run of x that at most ``span_noise`` of the rows cross (a spanning cell).
    Lines wider than ``max_cell_width`` of the table are left out, unless every line is.
    """
    if not lines:
        return []
    left = min(ln.x0 - shift for ln, shift in lines)
    width = max(ln.x1 - shift for ln, shift in lines) - left
    every = sorted((ln.x0 - shift, ln.x1 - shift) for ln, shift in lines)
    spans = [s for s in every if s[1] - s[0] <= settings.max_cell_width * width] or every
    lo, hi = int(min(s[0] for s in spans)), int(max(s[1] for s in spans)) + 1
    limit = max(1, int(settings.span_noise * n_rows)) if n_rows >= 6 else 0
    cover = [0] * (hi - lo + 1)
    for a, b in spans:
        for x in range(int(a) - lo + 1, int(b) - lo):
            cover[x] += 1
    seps: list[float] = []
    start: int | None = None
    for i, c in enumerate(cover):
        if c <= limit and start is None:
            start = i
        elif c > limit and start is not None:
            if start > 0 and i - start >= 2:
                seps.append(lo + (start + i) / 2)
            start = None
    return seps


def _column(centre: float, seps: Sequence[float]) -> int:
    return sum(1 for s in seps if centre > s)


_Row = list[tuple[int, str, BBox, int]]  # (col, text, box, page) pieces of one row
#: A group header reaches sub-headers this far (pt) from it at least (else its own width).
GROUP_MIN_REACH = 16.0


def _pieces(vline: Sequence[Line], seps: Sequence[float], shift: float,
            min_gap: float) -> _Row:
    return [(_column(centre, seps), text, box, ln.page) for ln in vline
            for text, box, centre in _segments(ln, seps, shift, min_gap)]


def _stub_text(row: _Row) -> str:
    return " ".join(t for c, t, _, _ in row if c == min(p[0] for p in row))


def _continues(prev: _Row, line: _Row) -> bool:
    """A value-less line certainly continues the row above (lower case, dangling word, paren)."""
    text = _stub_text(line)
    before = _stub_text(prev)
    return (text[:1].islower() or text[:1] in ")],;" or bool(_CONNECTOR_END.search(before))
            or before.count("(") > before.count(")"))


def visual_lines_to_rows(vlines: Sequence[_Row], stub: int = 0) -> list[_Row]:
    """Merge visual lines into rows when the table has no rules between rows.

    A line with text only in the stub column holds no values: it continues the row above when
    that is certain (lower-case start, a dangling ``of``/``/``/``(``) and otherwise joins the
    row above when the table's certain multi-line rows put their values on their first line
    (top-aligned cells), else the row below.
    """
    def valueless(row: _Row) -> bool:
        return all(c <= stub for c, _, _, _ in row)

    top_aligned = any(valueless(b) and not valueless(a) and _continues(a, b)
                      for a, b in pairwise(vlines))
    rows: list[_Row] = []
    pending: _Row = []
    for k, line in enumerate(vlines):
        if not valueless(line):
            rows.append(pending + line)
            pending = []
            continue
        nxt = vlines[k + 1] if k + 1 < len(vlines) else None
        if rows and not pending and (_continues(rows[-1], line) or top_aligned or nxt is None
                                     or valueless(nxt)):
            rows[-1] = rows[-1] + line
        else:
            pending = pending + line
    if pending:
        rows.append(pending)
    return rows


def _centre(piece: tuple[int, str, BBox, int]) -> float:
    return (piece[2][0] + piece[2][2]) / 2


def _header_pieces(vlines: Sequence[_Row]) -> _Row:
    """A header's pieces, a spanning group header given to every column of its group.

    A piece of a header line spans the columns of the next line's pieces nearer to it than to
    any other piece of its line and no farther from it than its own width, when they are two
    or more, it sits centred over them, its own column is one of theirs (a header centred in
    its own column between two others heads neither) and none sits right under its centre
    (that is a wrapped header): ``σ / S cm^-1`` over ``25 °C | 100 °C``. A header whose every
    column has its own upper text spans nothing.
    """
    out: _Row = []
    for k, line in enumerate(vlines):
        below = vlines[k + 1] if k + 1 < len(vlines) else []
        for piece in line:
            width = piece[2][2] - piece[2][0]
            reach = max(width, GROUP_MIN_REACH)
            group = [p for p in below if min(line, key=lambda u: abs(_centre(u) - _centre(p)))
                     is piece and max(p[2][0] - piece[2][2], piece[2][0] - p[2][2]) <= reach]
            cols = sorted({p[0] for p in group})
            lo, hi = (min(map(_centre, group)), max(map(_centre, group))) if group else (0, 0)
            margin = 0.25 * (hi - lo)
            # a word centred right under it continues a wrapped header ("Temperature / range")
            wrapped = any(abs(_centre(p) - _centre(piece)) < 0.25 * width for p in group)
            if (len(cols) >= 2 and piece[0] in cols and lo + margin < _centre(piece) < hi - margin
                    and not wrapped):
                out.extend((c, *piece[1:]) for c in cols)
            else:
                out.append(piece)
    return out


def _band_rows(vlines: Sequence[_Row], cuts: Sequence[float]) -> list[_Row]:
    """Rows of a fully ruled table: every line between two rules is one row."""
    bands: dict[int, _Row] = {}
    for line in vlines:
        top = min(b[1] for _, _, b, _ in line)
        bands.setdefault(sum(1 for y in cuts if top > y), []).extend(line)
    return [bands[k] for k in sorted(bands)]


def _row_to_cells(row: _Row, r: int, n_cols: int, is_header: bool, seps: Sequence[float],
                  part: TablePart) -> tuple[Cell, ...]:
    top = min(b[1] for _, _, b, _ in row)
    bottom = max(b[3] for _, _, b, _ in row)
    edges = [part.bbox[0], *(s + part.bbox[0] for s in seps), part.bbox[2]]
    cells = []
    for c in range(n_cols):
        mine = sorted((p for p in row if p[0] == c), key=lambda p: (round(p[2][3]), p[2][0]))
        if mine:
            text = " ".join(t for _, t, _, _ in mine)
            cells.append(Cell(r, c, text, mine[0][3], union_box([b for _, _, b, _ in mine]),
                              is_header))
        else:
            cells.append(Cell(r, c, "", part.page, (edges[c], top, edges[c + 1], bottom),
                              is_header))
    return tuple(cells)


def group_to_table(group: Sequence[TablePart], table_id: str,
                   settings: TableSettings | None = None) -> Table:
    """Structure the parts of one table into rows and columns."""
    settings = settings or TableSettings()
    body = [(ln, part.bbox[0]) for part in group for ln in part.body]
    n_rows = len(visual_lines(ln for ln, _ in body))
    seps = lines_to_separators(body, n_rows, settings)
    n_cols = len(seps) + 1
    rows: list[tuple[Cell, ...]] = []
    first = group[0]
    header_pieces = _header_pieces([_pieces(vline, seps, first.bbox[0], settings.min_cell_gap)
                                    for vline in visual_lines(first.header)])
    n_header = 0
    if header_pieces:
        rows.append(_row_to_cells(header_pieces, 0, n_cols, True, seps, first))
        n_header = 1
    for part in group:
        vlines = [_pieces(v, seps, part.bbox[0], settings.min_cell_gap)
                  for v in visual_lines(part.body)]
        merged = (_band_rows(vlines, part.row_rules) if part.row_rules
                  else visual_lines_to_rows(vlines))
        base = len(rows)
        rows.extend([_row_to_cells(row, base + k, n_cols, False, seps, part)
                     for k, row in enumerate(r for r in merged if r)])
    notes = tuple(n for part in group for n in part.footnotes)
    return Table(table_id, tuple(rows), n_header, first.caption, notes)


def document_to_tables(doc: Document, settings: TableSettings | None = None) -> list[Table]:
    """Structured tables of a document, one per caption, continuations joined (the parts the
    reader found, ``doc.table_parts``).

    A table whose structuring raises is kept as an empty table that says why (``skipped``), so
    the others keep their ids and the document its other records.
    """
    settings = settings or TableSettings()
    tables: list[Table] = []
    counts: dict[int, int] = {}
    for group in doc.table_parts:
        page = group[0].page
        counts[page] = counts.get(page, 0) + 1
        table_id = f"p{page}-t{counts[page]}"
        try:
            tables.append(group_to_table(group, table_id, settings))
        except Exception as exc:  # one table's bug: the document's other tables are read
            tables.append(Table(table_id, caption=group[0].caption,
                                skipped=TableSkip.of(table_id, "structure", exc)))
    return tables


def tables_to_cells(doc: Document, tables: list[Table]) -> pd.DataFrame:
    """One row per table cell (the ``tables`` dataset); empty cells have a null text."""
    rows = [{"doc_sha256": doc.sha256, "doc_name": doc.name, "table_id": t.table_id,
             "page": cell.page, "row": cell.row, "col": cell.col, "text": cell.text or None,
             "is_header": cell.is_header, "x0": cell.bbox[0], "top": cell.bbox[1],
             "x1": cell.bbox[2], "bottom": cell.bbox[3], "caption": t.caption}
            for t in tables for row in t.rows for cell in row]
    df = pd.DataFrame(rows, columns=list(CELL_COLUMNS))
    df["page"] = df["page"].astype("int32")
    df["row"] = df["row"].astype("int32")
    df["col"] = df["col"].astype("int32")
    df["is_header"] = df["is_header"].astype("bool")
    for col in ("x0", "top", "x1", "bottom"):
        df[col] = df[col].astype("float64")
    for col in ("doc_sha256", "doc_name", "table_id", "text", "caption"):
        df[col] = df[col].astype("string")
    return df


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class ConductivityColumn:
    """How to read a conductivity column: its unit, log scale, header temperature."""

    col: int
    unit: str
    log: bool = False
    temperature: Temperature | None = None
    unsure: bool = False
    #: What a cell is multiplied by to give σ: 10^-n under a header printing ``σ × 10^n``.
    scale: float = 1.0


def _unit_candidates(header: str) -> list[str]:
    """Pieces of a header that may be its unit: bracketed parts (``(ohm-cm)-1`` with its power),
    the tail after ``,`` or ``/``."""
    out = [m.group(1) if m.group(1) is not None else m.group(2)
           for m in _BRACKETED.finditer(header)]
    out.extend(m.group(0) for m in _POWERED_GROUP.finditer(header))
    if m := _UNIT_TAIL.search(header):
        out.append(m["unit"])
    return [c.strip() for c in out if c and c.strip()]


def _read_unit(candidate: str) -> tuple[str, bool] | None:
    """A conductivity unit and whether its exponent sign had to be assumed (lost glyph)."""
    stripped = re.sub(r"\^?(?:\ufffd|\(cid:\d+\))", "", candidate)
    for text in dict.fromkeys((stripped, re.sub(r"(?<![A-Za-z])(m?S)(?=c?m)", r"\1 ", stripped))):
        for allow in (False, True):
            try:
                conductivity_unit_to_factor(text, allow_unsure=allow)
            except UnitParseError:
                continue
            return text, allow or text != candidate
    return None


def header_to_temperature(header: str) -> Temperature | None:
    """A measurement temperature stated in a column header (``σ at 300 °C``, ``σRT``, ``σ400K``,
    ``σ(25 °C)``): outside brackets, or alone in a bracket of its own."""
    stripped = _BRACKETED.sub(" ", header)
    alone = [inner.strip() for m in _BRACKETED.finditer(header)
             if (inner := m.group(1) if m.group(1) is not None else m.group(2))
             and _BRACKET_TEMPERATURE.match(inner.strip())]
    if len(alone) == 1 and not _HEADER_TEMPERATURE.search(stripped) \
            and not _ROOM_TEMPERATURE.search(stripped):
        stripped = alone[0]
    if m := _HEADER_TEMPERATURE.search(stripped):
        unit = "K" if "K" in m["unit"] else "°C"
        found = parse_temperature(f"{m['value']} {unit}")
        if found is not None:
            return Temperature(found.kelvin, found.low_kelvin, found.high_kelvin, found.qualifier,
                               m.group(0).strip())
    if _ROOM_TEMPERATURE.search(stripped):
        return parse_temperature("RT")
    return None


def header_to_scale(header: str, unit: str) -> tuple[float, bool]:
    """What the cells of a column are multiplied by to give σ: ``10^-4`` under ``σ × 10^4``
    or ``10^4 σ``, 1 when the header prints no power of ten beside σ (outside its unit); and
    whether the power was read from a flattened exponent (``σ × 104``)."""
    rest = header.replace(unit, " ", 1)
    if m := _SHARED_FACTOR.search(rest):
        return 10.0 ** -int(re.sub("[−–]", "-", m["after"] or m["before"])), False
    if m := _FLAT_FACTOR.search(rest):
        return 10.0 ** -int(re.sub("[−–]", "-", m["power"])), True
    return 1.0, False


def _without_subheader(candidate: str) -> str:
    """A group header's unit without the sub-header joined after it (``S cm^-1 25 °C``,
    ``S cm^-1 bulk``, ``mS cm^-1 σgb``, ``S cm^-1 RT``): only a temperature or a kind is cut,
    never a composition (``S cm^-1 x = 0.2`` stays unread)."""
    text = _HEADER_TEMPERATURE.sub(" ", candidate).strip()
    words = text.split()
    for k in (1, 2):
        tail = " ".join(words[-k:])
        if len(words) > k and (_ROOM_TEMPERATURE.search(f" {tail}")
                               or header_to_kind(tail) != "unspecified"):
            return " ".join(words[:-k])
    return text


def header_to_column(col: int, header: str) -> ConductivityColumn | None:
    """Read a header as a conductivity column, or None (resistances, energies, lengths...)."""
    log = bool(_LOG_WORD.search(header)) and bool(_CONDUCTIVITY_WORD.search(header))
    for candidate in _unit_candidates(header):
        unit = _read_unit(candidate) or _read_unit(_without_subheader(candidate))
        if unit is not None:
            scale, flat = (1.0, False) if log else header_to_scale(header, candidate)
            return ConductivityColumn(col, unit[0], log, header_to_temperature(header),
                                      unit[1] or flat, scale)
    if log:
        return ConductivityColumn(col, "S cm^-1", True, header_to_temperature(header))
    return None


def _clean_value(text: str) -> tuple[str, bool]:
    """Drop footnote marks; read an unmapped glyph between a number and ``10^`` as ×, and an
    unmapped exponent sign as minus (the flag says one was assumed)."""
    text = _LOST_TIMES.sub(" × ", _FOOTNOTE_MARK.sub("", text)).strip()
    restored = _LOST_EXPONENT_SIGN.sub("-", text)
    return restored, restored != text


def header_to_temperature_unit(header: str) -> str | None:
    """``°C`` or ``K`` for a column of measurement temperatures (``T [°C]``, ``Temperature (K)``,
    ``T [8C]`` with the degree sign printed as 8), else None."""
    m = _TEMPERATURE_HEADER.match(header.strip())
    if m is None or not m["unit"]:
        return None
    unit = m["unit"].strip()
    if unit == "K":
        return "K"
    return "°C" if _CELSIUS_UNIT.match(unit) else None


def cell_to_conductivity(text: str, column: ConductivityColumn,
                         ) -> tuple[Conductivity, str | None] | None:
    """A cell's conductivity and its own temperature text, or None when it holds no value."""
    cleaned, assumed = _clean_value(text)
    value, temperature = split_value_temperature(cleaned)
    if temperature is None and (m := _LEADING_TEMPERATURE.match(cleaned)):
        lead = _LOST_DEGREE.sub(" °", m["temperature"])
        if parse_temperature(lead) is not None:  # "50 °C: 1.53 × 10^-7"
            value, temperature = m["value"], lead
    if not value or not re.search(r"\d", value):
        return None
    try:
        if column.log:
            sigma = parse_log_conductivity(value, column.unit)
        else:
            sigma = parse_conductivity(value, column.unit)
    except (UnitParseError, ValueError):
        return None
    if column.scale != 1.0:
        sigma = replace(sigma, **{name: value * column.scale for name in _SIGMA_FIELDS
                                  if (value := getattr(sigma, name)) is not None})
    return (replace(sigma, unsure=True) if assumed else sigma), temperature


_SIGMA_FIELDS = ("sigma_S_per_cm", "sigma_low_S_per_cm", "sigma_high_S_per_cm")


@dataclass(frozen=True)
class CellValue:
    """One value of a table cell: its text, the note printed beside it (``expt.``, ``calc.``)
    and the citation written as its superscript."""

    text: str
    note: str | None = None
    reference: str | None = None
    #: Written in brackets with its citation (``(0.84 × 10^-7)^15``): another report of the
    #: value above it, measured at the same temperature.
    cited_alongside: bool = False


def _temperature_items(text: str) -> list[str]:
    """The values of a cell that lists one per temperature (``110 °C: 8.24×10^-5 25 °C:
    1.2×10^-7``, ``8.2 × 10^-5 (110 °C) 1.2 × 10^-7 (25 °C)``), each with its temperature;
    [] unless there are two or more and nothing else is in the cell."""
    for pattern, form in ((_LEADING_ITEM, "{t}: {v}"), (_TRAILING_ITEM, "{v} ({t})")):
        items = [form.format(t=m["t"].strip(), v=m["v"].strip())
                 for m in pattern.finditer(text)]
        if len(items) >= 2 and not pattern.sub("", text).strip(" ,;"):
            return items
    return []


def cell_to_values(text: str) -> list[CellValue]:
    """The values a cell lists, each with its own note and citation.

    A cell is split only when every piece of it is a value with an optional ``(note)`` and
    ``^reference``, and at least one carries a note or a reference (``0.1 0.2`` alone is left
    whole); anything else is one value, read as before. A cell holding only a bracketed value
    and its citation is that value, cited alongside the one above.
    """
    stripped = text.strip()
    if items := _temperature_items(stripped):
        return [CellValue(item) for item in items]
    if m := _BRACKETED_CITED.match(stripped):
        return [CellValue(m["value"].strip(), None, re.sub(r"\s+", "", m["ref"]), True)]
    items: list[CellValue] = []
    pos = 0
    for m in _CELL_ITEM.finditer(stripped):
        if stripped[pos:m.start()].strip(" ,;"):
            return [CellValue(stripped)]
        items.append(CellValue(m["value"].strip(), m["note"] and m["note"].strip(),
                               m["ref"] and re.sub(r"\s+", "", m["ref"])))
        pos = m.end()
    if not items or stripped[pos:].strip(" ,;"):
        return [CellValue(stripped)]
    if not any(i.note or i.reference for i in items):
        return [CellValue(stripped)]
    return items


def note_to_flag(note: str | None) -> str | None:
    """``calculated`` or ``experimental`` for a value's printed note, else None."""
    if not note:
        return None
    if _CALCULATED_NOTE.match(note):
        return "calculated"
    if _EXPERIMENTAL_NOTE.match(note):
        return "experimental"
    return None


def caption_to_temperature(caption: str) -> Temperature | None:
    """The one temperature a caption gives the table's conductivities
    (``Li-Ion Conductivity at 300 K``), else None (none, or several different ones)."""
    matches = list(_CAPTION_TEMPERATURE.finditer(caption))
    found = {m["temperature"] for m in matches}
    if len(found) != 1 or any(_MORE_TEMPERATURES.match(caption, m.end()) for m in matches):
        return None
    temperature = parse_temperature(found.pop())
    return temperature


def _pick_column(header: Sequence[str], pattern: re.Pattern[str], exclude: set[int]) -> int | None:
    return next((c for c, h in enumerate(header) if c not in exclude and pattern.search(h)), None)


def _reference_column(body: Sequence[Sequence[Cell]], skip: set[int]) -> int | None:
    """A column without a ``Ref.`` header whose filled cells are all citations (``[153]``)."""
    for c in range(len(body[0]) if body else 0):
        texts = [row[c].text for row in body if row[c].text]
        if c not in skip and texts and all(_REFERENCE.match(t) for t in texts):
            return c
    return None


def _caption_labels(caption: str) -> dict[str, str]:
    """Substitutions a caption fixes for the whole table (``(x = 0.2)``), lists left out."""
    lists = {k for k, v in text_to_placeholder_values(caption).items() if len(v) > 1}
    lists |= set(_AMOUNT_LIST.findall(caption))
    return {k: v for k, v in text_to_labels(caption).items() if k not in lists}


def _table_templates(table: Table, facts: DocumentFacts) -> list[CompositionTemplate]:
    """Templates the caption, then the header, writes (read past unreadable glyphs)."""
    for text in (table.caption or "", *table.header):
        found = written_templates(text, list(facts.templates))
        if found:
            return found
    return []


def _pick_template(templates: Sequence[CompositionTemplate], symbols: set[str],
                   facts: DocumentFacts) -> CompositionTemplate | None:
    """The template a row's labels fill: exact symbols first, then the first that they cover;
    without one in the table, the document's only template with exactly those symbols."""
    for t in templates:
        if t.symbols == symbols:
            return t
    for t in templates:
        if t.symbols <= symbols:
            return t
    if templates:
        return templates[0]
    named = facts.variable_template
    if named is not None and named.symbols == symbols:
        return named
    return facts.template_with(symbols) if symbols else None


def _cell_labels(text: str, templates: Sequence[CompositionTemplate], facts: DocumentFacts,
                 named_column: bool) -> dict[str, str] | None:
    """A material cell that holds only substitutions (``M = Ti, x = 0.4``), or a bare amount
    in a ``Sample``/``Composition`` column where the series has a single variable (samples
    "hereafter denoted x"); else None."""
    labels = text_to_labels(text)
    if labels and not re.sub(r"[\s,;()]", "", _LABEL_TEXT.sub("", text)):
        return labels
    if named_column and _NUMBER.match(text):
        series = [t for t in templates if len(t.variables) == 1] or (
            [facts.variable_template] if facts.variable_template else [])
        if series:
            (variable,) = series[0].variables
            return {variable: text}
    return None


def _labels_to_material(labels: dict[str, str], template: CompositionTemplate | None,
                        ) -> tuple[str, str | None, str | None]:
    """A row named by its substitutions under the series' template: raw and concrete formula.

    ``material_raw`` keeps the template and the labels as written
    (``Na1+xM2-xInx(PO4)3, M = Ti, x = 0.4``); the formula stays None unless every symbol of the
    template has a value.
    """
    spec = ", ".join(f"{k} = {v}" for k, v in labels.items())
    if template is None:
        return spec, None, None
    written = template.written or template.text
    return f"{written}, {spec}", template_to_formula(template, labels), None


def label_to_marks(text: str) -> tuple[str, tuple[str, ...]]:
    """A row label without its footnote marks, and the marks (``Ge^&2`` → ``Ge2``, ``&``;
    ``x = 0.4^a`` → ``x = 0.4``, ``a``; ``In0.4Sn1*.6`` → ``In0.4Sn1.6``, ``*``)."""
    marks = tuple(m.group(0).lstrip("^") for m in _LABEL_MARK.finditer(text))
    return _LABEL_MARK.sub("", text).strip(), marks


_PLAIN_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def label_without_neighbour_numbers(label: str) -> str:
    """A formula label without the plain numbers a column split too close to it left in its
    cell (``Li6SrLa2Ta2O12 18.83``, ``3.45 Li6BaLa2Ta2O12``: a resistance of the next or the
    previous column). Only a lone formula beside bare numbers is cut: ``x = 0.4`` or
    ``LLZO 2`` stay as written."""
    words = label.split()
    kept = [w for w in words if not _PLAIN_NUMBER.fullmatch(w)]
    if len(kept) == 1 and len(words) > 1 and is_formula(kept[0]):
        return kept[0]
    return label


def site_label_to_formula(label: str, texts: Sequence[str]) -> str | None:
    """The formula of a row named by its site's content (``Ge2``) from the one template of
    the caption or notes that holds that site with the same amounts (``Na1.0M2(PO4)3`` with
    ``M = Ge, Sn, Ti`` listed): ``NaGe2(PO4)3``. None unless exactly one template fits: an
    amount that differs (``Al0.13Ge1.87`` against ``Na1.4Al0.4M1.6(PO4)3``) fits none."""
    parts = re.findall(r"([A-Z][a-z]?)(\d*\.?\d+|)", label)
    if not parts or "".join(e + n for e, n in parts) != label.replace(" ", ""):
        return None
    listed, templates = _site_templates(tuple(texts))
    found: set[str] = set()
    for template in templates:
        site = "".join(
            f"(?:{re.escape(e)}|(?P<p{k}>{'|'.join(map(re.escape, template.placeholders))}))"
            + re.escape(n) for k, (e, n) in enumerate(parts))
        for m in re.finditer(rf"(?<![a-z]){site}(?![a-z\d.])", template.text):
            labels = {m[f"p{k}"]: e for k, (e, _) in enumerate(parts) if m[f"p{k}"]}
            if labels and all((sym, e) in listed for sym, e in labels.items()):
                formula = template_to_formula(template, labels)
                if formula:
                    found.add(formula)
    return found.pop() if len(found) == 1 else None


@functools.lru_cache(maxsize=64)  # the tables of the documents being read
def _site_templates(texts: tuple[str, ...]) -> tuple[frozenset[tuple[str, str]],
                                                      tuple[CompositionTemplate, ...]]:
    """The (symbol, element) pairs and the site templates a caption and its notes give,
    read once per table, not once per row."""
    listed = frozenset((sym, value) for text in texts
                       for sym, values in text_to_placeholder_values(text).items()
                       for value in values)
    templates = tuple(t for text in texts for t in text_to_templates(text)
                      if not t.variables and t.placeholders)
    return listed, templates


def _is_site_header(header: str) -> bool:
    """A material column headed by a crystal site (``(Al/In^3+, M^4+)2``, ``M^IV``): its rows
    name what sits on the site, not a compound."""
    return bool(_SITE_CHARGE.search(header)) and not re.search(r"[A-Za-z]{4,}", header)


def footnote_reference(marks: Sequence[str], footnotes: Sequence[str]) -> str | None:
    """The citation a row's footnote mark points to (``^&Data taken from [10].`` → ``[10]``)."""
    for mark in marks:
        for note in footnotes:
            for m in re.finditer(r"(?:^|\s|\^)" + re.escape(mark) + r"\s*(?P<text>[^*&†‡§#^]+)",
                                 note):
                if cited := _NOTE_CITATION.search(m["text"]):
                    return cited.group(0)
    return None


def header_to_symbol(header: str) -> str | None:
    """The symbol a column of substitutions gives values for (``x`` of ``x in Li7-xLa3...``,
    ``M``, ``x value``), or None when the header is no such column."""
    text = header.strip()
    for pattern in _VARIABLE_HEADERS:
        m = pattern.match(text)
        if m and ("template" not in m.groupdict() or text_to_templates(m["template"])):
            return m["sym"]
    return None


def _material(row: Sequence[Cell], table: Table, mat_col: int | None, label_cols: Sequence[int],
              previous: dict[int, str], facts: DocumentFacts,
              ) -> tuple[str, str | None, str | None, bool] | None:
    """(material_raw, formula, family, named by labels) of a row; labels fill the template.

    An empty material or label cell repeats the one above (a cell spanning rows).
    """
    for c in (*label_cols, *([] if mat_col is None else [mat_col])):
        if row[c].text:
            previous[c] = row[c].text
    templates = _table_templates(table, facts)
    labels = _caption_labels(table.caption or "")
    if mat_col is None:
        row_labels = {header_to_symbol(table.header[c]) or table.header[c].strip(): previous[c]
                      for c in label_cols if c in previous}
        if not row_labels:
            return None
    else:
        raw = label_without_neighbour_numbers(label_to_marks(previous.get(mat_col, ""))[0])
        if not raw:
            return None
        if _is_site_header(table.header[mat_col]) and not text_to_labels(raw):
            # the row names only what sits on a site: a formula only from a template
            return (f"{table.header[mat_col]} = {raw}",
                    site_label_to_formula(raw, [table.caption or "", " ".join(table.footnotes)]),
                    None, True)
        found = _cell_labels(raw, templates, facts,
                             bool(_MATERIAL_HEADER.search(table.header[mat_col])))
        if found is None:
            family, rest = split_family_prefix(raw)
            return rest or raw, None, family, False
        row_labels = found
    labels = {k: v for k, v in labels.items() if k not in row_labels}
    labels.update(row_labels)
    return (*_labels_to_material(labels, _pick_template(templates, set(labels), facts)), True)


def header_to_kind(header: str) -> str:
    """What a conductivity column measures, from its header: ``σ_bulk``, ``σb``, ``σgb``,
    ``σ_total``, ``σt``, ``σe``, or the words (``bulk``, ``grain boundary``, ``total``,
    ``electronic``); ``unspecified`` when it does not say. σ printed as ``s`` is read too."""
    found = {kind for kind, pattern in _KIND_PATTERNS if pattern.search(header)}
    return found.pop() if len(found) == 1 else "unspecified"


def caption_to_kind(caption: str) -> str:
    """The one kind a caption names in words (``Total conductivities of ...``), else
    ``unspecified`` (none, or several: a table of bulk and total values)."""
    found = {kind for m in _CAPTION_KINDS.finditer(caption) for kind, pattern in _KIND_WORDS
             if pattern.search(m.group(1))}
    return found.pop() if len(found) == 1 else "unspecified"


def _composition_columns(header: Sequence[str], exclude: set[int],
                         ) -> tuple[int | None, str | None]:
    """The material column and a flag: with a nominal and a refined/analysed composition column
    both printed, the nominal one (``composition_nominal``); a refined one alone is flagged
    ``composition_refined``."""
    candidates = [c for c, h in enumerate(header)
                  if c not in exclude and _MATERIAL_HEADER.search(h)]
    nominal = [c for c in candidates if _NOMINAL_HEADER.search(header[c])]
    refined = [c for c in candidates if _REFINED_HEADER.search(header[c])]
    if nominal and refined:
        return nominal[0], "composition_nominal"
    if candidates and candidates[0] in refined:
        return candidates[0], "composition_refined"
    return (candidates[0] if candidates else None), None


def _row_temperature(row: Sequence[Cell], temperature_cols: Mapping[int, str],
                     previous: dict[int, str]) -> Temperature | None:
    """The row's measurement temperature from a ``T [°C]`` column (a spanning cell repeats)."""
    for c, unit in temperature_cols.items():
        if row[c].text:
            previous[c] = row[c].text
        text = previous.get(c, "")
        if _NUMBER.match(text):
            return parse_temperature(f"{text} {unit}")
        if text and (found := parse_temperature(text)) is not None:  # "25 °C", "RT"
            return found
    return None


def _caption_material(table: Table, mat_col: int | None, facts: DocumentFacts,
                      ) -> tuple[str, str | None] | None:
    """(raw, formula) of the one material a caption names, for a table whose rows name none:
    ``Impedance data of Li7La3Zr2O12`` over rows ``thick pellet``/``thin pellet``, or
    ``Conductivity of Na1+xTi2-xAlx(PO4)3 (x = 0.4)`` over rows of temperatures only.

    Only used when the first column was taken for want of a material header (or there is
    none) and none of its cells resolves to a formula.
    """
    if mat_col is not None:
        cells = {row[mat_col].text for row in table.body if row[mat_col].text}
        if any(resolve_material(t, facts.abbreviation_map).formula for t in cells):
            return None
    caption = table.caption or ""
    named = list(dict.fromkeys(
        w.strip(".,;:()") for w in re.findall(r"\S+", caption) if is_formula(w.strip(".,;:()"))
        and not formula_variables(w.strip(".,;:()"))))
    templates = _table_templates(Table(table.table_id, caption=caption), facts)
    if len(named) == 1 and not templates:
        return named[0], canonical_formula(named[0])
    if len(templates) == 1 and not named:
        raw, formula, _ = _labels_to_material(_caption_labels(caption), templates[0])
        return raw.rstrip(", "), formula
    return None


def header_has_garbled_subscript(header: str) -> bool:
    """Whether an OCR'd conductivity header lost its symbol and subscript to noise
    (``%0” (ohm-cm)-1`` for σ300, ``(+Mo”C (ohm-’ cm-‘)`` for σ300°C): what is left of the unit
    holds a digit or a quote/degree glyph but no word."""
    prefix = header
    for candidate in sorted(_unit_candidates(header), key=len, reverse=True):
        prefix = prefix.replace(candidate, " ")
    prefix = re.sub(r"[()\[\]]", " ", prefix).strip()
    return bool(prefix) and bool(re.search(r"[\d”“\"’‘°]", prefix)) \
        and not re.search(r"[A-Za-z]{3,}", prefix)


def table_to_ocr_reading(table: Table) -> Table:
    """The table of a scanned paper with OCR's certain confusions undone in every cell
    (``6.5 x lO-3``, ``Na2(ZrSc)P3012``; see :func:`extractors.ocr.ocr_to_text`)."""
    rows = tuple(tuple(replace(cell, text=ocr_to_text(cell.text)) for cell in row)
                 for row in table.rows)
    return replace(table, rows=rows, caption=ocr_to_text(table.caption) if table.caption
                   else table.caption)


def table_to_records(doc: Document, table: Table,
                     facts: DocumentFacts | Mapping[str, str] | None = None,
                     ) -> list[ConductivityRecord]:
    """Conductivity records of one table: one per value cell of each conductivity column.

    Args:
        doc: the document the table is in.
        table: the structured table.
        facts: the document's facts (:func:`document_to_facts`); a plain
            ``{abbreviation: formula}`` mapping is accepted too.
    """
    if facts is None or not isinstance(facts, DocumentFacts):
        facts = DocumentFacts(tuple((facts or {}).items()))
    if doc.text_layer == "ocr":
        table = table_to_ocr_reading(table)
    header = table.header
    columns = [c for c in (header_to_column(k, h) for k, h in enumerate(header)) if c is not None]
    if not columns or not table.body:
        return []
    value_cols = {c.col for c in columns}
    ref_col = _pick_column(header, _REFERENCE_HEADER, value_cols)
    if ref_col is None:
        ref_col = _reference_column(table.body, value_cols)
    family_col = _pick_column(header, _FAMILY_HEADER, value_cols)
    temperature_cols = {c: u for c, h in enumerate(header)
                        if c not in value_cols and (u := header_to_temperature_unit(h))}
    first_value = min(value_cols)
    label_cols = [c for c in range(first_value) if header_to_symbol(header[c])
                  and c not in temperature_cols]
    mat_col, composition_flag = _composition_columns(
        header, value_cols | set(temperature_cols) | {ref_col or -1})
    caption_material = None
    if mat_col is None and not label_cols:
        mat_col = next((c for c in range(first_value) if c not in (family_col, *temperature_cols)),
                       None)
        caption_material = _caption_material(table, mat_col, facts)
        if mat_col is None and caption_material is None:
            mat_col = 0
    site_rows = mat_col is not None and _is_site_header(header[mat_col])
    table_kind = caption_to_kind(table.caption or "")
    caption_temperature = caption_to_temperature(table.caption or "")
    if doc.text_layer == "ocr":
        columns = [replace(c, temperature=facts.conductivity_temperature)
                   if c.temperature is None and header_has_garbled_subscript(header[c.col])
                   else c for c in columns]
    records: list[ConductivityRecord] = []
    previous: dict[int, str] = {}
    above: dict[int, str | None] = {}  # per column, the own temperature of the value above
    for row in table.body:
        if caption_material is not None and mat_col is None:
            material: tuple[str, str | None, str | None, bool] | None = (*caption_material,
                                                                          None, True)
        else:
            material = _material(row, table, mat_col, label_cols, previous, facts)
        if material is None:
            continue
        raw, formula, family, by_labels = material
        if any(row[c].text for c in ([] if mat_col is None else [mat_col]) + label_cols):
            above.clear()  # a new material: no value above belongs to it
        if caption_material is not None and mat_col is not None:
            raw, formula = f"{caption_material[0]} ({raw})", caption_material[1]
        elif not by_labels:
            ref = resolve_material(raw, facts.abbreviation_map)
            formula = ref.formula
            family = family or ref.family
        if family_col is not None and row[family_col].text and family is None:
            family = row[family_col].text
        evidence = " | ".join(cell.text for cell in row if cell.text)
        row_reference = footnote_reference(
            label_to_marks(row[mat_col].text)[1] if mat_col is not None else (), table.footnotes)
        for column in columns:
            cell = row[column.col]
            for value in (cell_to_values(cell.text) if cell.text else []):
                read = cell_to_conductivity(value.text, column)
                if read is None:
                    continue
                sigma, temperature_text = read
                if value.cited_alongside:
                    temperature_text = temperature_text or above.get(column.col)
                else:
                    above[column.col] = temperature_text
                temperature = (parse_temperature(temperature_text) if temperature_text
                               else column.temperature
                               or _row_temperature(row, temperature_cols, previous)
                               or caption_temperature)
                # An OCR layer never marks superscripts: "6.5 x 10-3" under a conductivity
                # unit is certain there.
                unsure = column.unsure or (sigma.unsure and not (
                    doc.text_layer == "ocr" and is_ocr_power(value.text)))
                flags = [f for f in ("unsure_exponent" if unsure else None, composition_flag,
                                     note_to_flag(value.note),
                                     SITE_LABEL_FLAG if site_rows and formula is None else None)
                         if f]
                kind = header_to_kind(header[column.col])
                reference = value.reference or (row[ref_col].text or None if ref_col is not None
                                                else None) or row_reference
                records.append(ConductivityRecord(
                    doc_sha256=doc.sha256, doc_name=doc.name, source="table", page=cell.page,
                    x0=cell.bbox[0], top=cell.bbox[1], x1=cell.bbox[2], bottom=cell.bbox[3],
                    material_raw=raw, value_raw=_value_raw(value), qualifier=sigma.qualifier,
                    evidence=evidence, table_id=table.table_id, material_formula=formula,
                    sigma_S_per_cm=sigma.sigma_S_per_cm,
                    sigma_low_S_per_cm=sigma.sigma_low_S_per_cm,
                    sigma_high_S_per_cm=sigma.sigma_high_S_per_cm,
                    temperature_raw=temperature.raw if temperature else None,
                    temperature_K=temperature.kelvin if temperature else None, family=family,
                    reference=reference, flags=",".join(flags) or None,
                    conductivity_kind=kind if kind != "unspecified" else table_kind))
    return records


def _value_raw(value: CellValue) -> str:
    """A listed value as written, its note kept (``2 (expt.)``); the citation goes to
    ``reference``."""
    return f"{value.text} ({value.note})" if value.note else value.text


def read_tables(doc: Document, tables: list[Table], facts: DocumentFacts | None = None,
                ) -> tuple[list[ConductivityRecord], tuple[TableSkip, ...]]:
    """Conductivity records read from the tables, and every table of the document skipped
    because finding, structuring or reading it raised (the ``documents`` row lists them).

    Each table is its own failure domain: one that raises gives no records, the others all
    theirs. ``facts`` are read from ``doc`` when None.
    """
    skips = [*doc.table_skips, *(t.skipped for t in tables if t.skipped is not None)]
    records: list[ConductivityRecord] = []
    if tables:
        facts = facts if facts is not None else document_to_facts(doc)
    for table in tables:
        try:
            records.extend(table_to_records(doc, table, facts))
        except Exception as exc:  # one table's bug: the document's other tables are read
            skips.append(TableSkip.of(table.table_id, "records", exc))
    return records, tuple(skips)


def tables_to_records(doc: Document, tables: list[Table],
                      facts: DocumentFacts | None = None) -> list[ConductivityRecord]:
    """Conductivity records read from the tables (:func:`read_tables` without the skips)."""
    return read_tables(doc, tables, facts)[0]


def skips_to_text(skips: Sequence[TableSkip]) -> str | None:
    """The ``documents`` row's ``skipped_tables``: one ``id (stage): reason`` per skipped
    table, ``; ``-separated; None when every table was read."""
    return "; ".join(str(s) for s in skips) or None
