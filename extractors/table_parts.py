"""Table parts: where the tables of a page are, found once by the reader.

A ``Table N`` caption anchors the horizontal rules below it (full grids, booktabs rules,
per-column rule pieces), the rule under the header splits header from body, and a table whose
closing rule is missing runs on to the end of its column, where an uncaptioned rule with table
lines above it on the next column or page closes it (one table, one id). A caption with no rule
below it (scanned pages, whitespace tables) takes the small-print lines under it down to the
first wide gap or body-size line.

The reader (``layout.pages_to_document``) keeps the parts on the ``Document``, grouped per table,
so its table blocks are exactly what ``tables`` structures, and no page is searched twice.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from extractors._typing import BBox
from extractors.document import Line, PageLayout, Rule, TablePart, TableSkip
from extractors.line_breaks import breaks_formula

#: Shortest horizontal rule (pt) that can belong to a table.
DEFAULT_MIN_RULE_WIDTH = 40.0
#: Rules closer than this (pt) vertically are one rule (double strokes, per-column pieces).
DEFAULT_RULE_MERGE = 1.5
#: How far (in line heights) a caption may sit above the table's first rule.
DEFAULT_CAPTION_REACH = 8.0
#: Largest vertical gap (in line heights) between two lines of one table.
DEFAULT_MAX_ROW_GAP = 2.5
#: A table line is at most this much larger than the table's own font.
DEFAULT_SIZE_TOLERANCE = 1.08
#: Table lines are set smaller than body text by at least this ratio.
DEFAULT_BODY_RATIO = 0.97
#: Fraction of body rows a spanning cell may cross a column gap in, for the gap to stay a gap.
DEFAULT_SPAN_NOISE = 0.08
#: A line is cut at a column gap only where its space is this wide (in em): not a word space.
DEFAULT_MIN_CELL_GAP = 0.4
#: Running heads and feet are only trusted this close (fraction of the page height) to the edge.
DEFAULT_MARGIN_BAND = 0.07
#: Lines wider than this share of the table (spanning cells, notes) do not shape its columns.
DEFAULT_MAX_CELL_WIDTH = 0.45
#: How far (in em) a glyph box may reach past a rule and its line still sit between the rules.
RULE_SLACK = 0.15
#: Lines below a closed table read as its footnotes.
DEFAULT_MAX_FOOTNOTES = 5


TABLE_CAPTION = re.compile(r"^\s*(?:Table|TABLE)\s*(?:[IVX]+|[A-Z]?\d+)\b(?!\s*(?:lists|shows|"
                           r"summari[sz]es|gives|compares|reports))")


_TEMPERATURE_CELL = re.compile(r"^(?:[-−–]?\d+(?:\.\d+)?\s*(?:\^?°\s*C|℃|K)|RT)$")
_NOTE_START = re.compile(r"^(?:[a-z]\s+[A-Z]|\^[a-z*†‡§]|[*†‡§]|Notes?\b)")


@dataclass(frozen=True)
class TableSettings:
    """Tunables of table finding; lengths in line heights unless they say pt."""

    min_rule_width: float = DEFAULT_MIN_RULE_WIDTH
    rule_merge: float = DEFAULT_RULE_MERGE
    caption_reach: float = DEFAULT_CAPTION_REACH
    max_row_gap: float = DEFAULT_MAX_ROW_GAP
    size_tolerance: float = DEFAULT_SIZE_TOLERANCE
    body_ratio: float = DEFAULT_BODY_RATIO
    span_noise: float = DEFAULT_SPAN_NOISE
    max_footnotes: int = DEFAULT_MAX_FOOTNOTES
    margin_band: float = DEFAULT_MARGIN_BAND
    max_cell_width: float = DEFAULT_MAX_CELL_WIDTH
    min_cell_gap: float = DEFAULT_MIN_CELL_GAP

    def __post_init__(self) -> None:
        for name in ("min_rule_width", "rule_merge", "caption_reach", "max_row_gap"):
            if getattr(self, name) <= 0:
                raise ValueError(f"{name} must be positive")
        if self.size_tolerance < 1:
            raise ValueError("size_tolerance must be at least 1")
        if not 0 < self.body_ratio <= 1:
            raise ValueError("body_ratio must be in (0, 1]")
        if not 0 <= self.span_noise < 0.5:
            raise ValueError("span_noise must be in [0, 0.5)")
        if self.min_cell_gap < 0:
            raise ValueError("min_cell_gap must not be negative")
        if not 0 < self.max_cell_width <= 1:
            raise ValueError("max_cell_width must be in (0, 1]")
        if not 0 <= self.margin_band < 0.5:
            raise ValueError("margin_band must be in [0, 0.5)")
        if self.max_footnotes < 0:
            raise ValueError("max_footnotes must not be negative")


def _rule_rows(rules: Iterable[Rule], settings: TableSettings) -> list[Rule]:
    """Horizontal rules merged when they lie on one height and touch (double strokes, pieces)."""
    out: list[Rule] = []
    for r in sorted((r for r in rules if r.horizontal), key=lambda r: (r.x0, r.top)):
        for k, o in enumerate(out):
            if abs(o.top - r.top) <= settings.rule_merge and r.x0 <= o.x1 + 2 and o.x0 <= r.x1 + 2:
                out[k] = Rule(o.page, min(o.x0, r.x0), min(o.top, r.top), max(o.x1, r.x1),
                              max(o.bottom, r.bottom))
                break
        else:
            out.append(r)
    return sorted((r for r in out if r.x1 - r.x0 >= settings.min_rule_width), key=lambda r: r.top)


def _overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return min(a1, b1) - max(a0, b0)


def _centre_in(line: Line, x0: float, x1: float) -> bool:
    centre = (line.x0 + line.x1) / 2
    return x0 - 2 <= centre <= x1 + 2


def _between_rules(line: Line, top: float, bottom: float) -> bool:
    """A line drawn between two rules; a tall glyph (σ, a bracket) may poke a little past one
    (its box follows the font's ascent, not the ink)."""
    slack = RULE_SLACK * line.size
    return top - slack < line.top and line.bottom < bottom + slack \
        and top < (line.top + line.bottom) / 2 < bottom


def _is_small(line: Line, body_size: float, settings: TableSettings) -> bool:
    return line.size < settings.body_ratio * body_size and not TABLE_CAPTION.match(line.text)


def rules_to_stacks(rules: Sequence[Rule], lines: Sequence[Line], body_size: float,
                    settings: TableSettings) -> list[list[Rule]]:
    """Group rules of one width into stacks with only table lines (small print) between them."""
    stacks: list[list[Rule]] = []
    for r in rules:
        for stack in stacks:
            x0, x1 = min(s.x0 for s in stack), max(s.x1 for s in stack)
            if _overlap(x0, x1, r.x0, r.x1) <= 0.8 * max(x1 - x0, r.x1 - r.x0):
                continue
            between = [ln for ln in lines if stack[-1].bottom < ln.top and ln.bottom < r.top
                       and _overlap(ln.x0, ln.x1, x0, x1) > 0]
            if all(_is_small(ln, body_size, settings) for ln in between):
                stack.append(r)
                break
        else:
            stacks.append([r])
    return stacks


def _run(lines: Sequence[Line], start: float, x0: float, x1: float, size: float, *, down: bool,
         body_size: float, settings: TableSettings) -> list[Line]:
    """Table lines running on from ``start`` (down or up) without a wide gap or a text line."""
    pool = sorted((ln for ln in lines if _centre_in(ln, x0, x1)
                   and ((ln.top >= start - 1) if down else (ln.bottom <= start + 1))),
                  key=lambda ln: ln.top if down else -ln.bottom)
    out: list[Line] = []
    edge = start
    for ln in pool:
        gap = (ln.top - edge) if down else (edge - ln.bottom)
        if gap > settings.max_row_gap * size:
            break
        if (ln.size > settings.size_tolerance * size or TABLE_CAPTION.match(ln.text)
                or (not _is_small(ln, body_size, settings)
                    and size < body_size * settings.body_ratio)):
            break
        out.append(ln)
        edge = max(edge, ln.bottom) if down else min(edge, ln.top)
    return out


@dataclass(frozen=True)
class _Caption:
    """A ``Table N`` caption above a rule and the table lines between the two, if any."""

    text: str
    between: tuple[Line, ...]
    first: Line


def _caption_above(lines: Sequence[Line], rule: Rule, size: float, body_size: float,
                   settings: TableSettings) -> _Caption | None:
    """The nearest ``Table N`` caption above a rule with nothing but table lines in between.

    The caption runs on over the lines right below it that are at least half as wide as the
    rule; the narrower lines after it are the table's own (a table with no rule above its
    header has them between caption and rule).
    """
    column = [ln for ln in lines if _overlap(ln.x0, ln.x1, rule.x0, rule.x1) > 0
              and ln.bottom <= rule.top + 1]
    starts = [ln for ln in column if TABLE_CAPTION.match(ln.text)]
    if not starts:
        return None
    first = max(starts, key=lambda ln: ln.top)
    below = sorted((ln for ln in column if ln.top >= first.top - 1 and ln is not first),
                   key=lambda ln: (ln.top, ln.x0))
    caption = [first]
    width = rule.x1 - rule.x0
    while below and (below[0].top - max(c.bottom for c in caption) < 0.6 * first.size
                     or abs(below[0].baseline - first.baseline) < 0.3 * first.size) and (
            below[0].x1 - below[0].x0 >= 0.5 * width
            or abs(below[0].baseline - caption[-1].baseline) < 0.3 * first.size
            or (caption[-1].x1 >= max(c.x1 for c in caption) - 2 * first.size
                and abs(below[0].x0 - first.x0) < 2)):
        caption.append(below.pop(0))
    edge = max(c.bottom for c in caption)
    if not below:
        return (_Caption(_caption_text(caption), (), first)
                if rule.top - edge < settings.caption_reach * max(size, first.size) else None)
    for ln in below:
        if ln.top - edge > settings.max_row_gap * ln.size or not _is_small(ln, body_size,
                                                                           settings):
            return None
        edge = max(edge, ln.bottom)
    if rule.top - edge > settings.max_row_gap * size:
        return None
    return _Caption(_caption_text(caption), tuple(below), first)


def _caption_text(lines: Sequence[Line]) -> str:
    """The caption's lines in reading order, a formula broken at a line end made whole
    (``Na1+xTi2-x-`` + ``Alx(PO4)3``: the hyphen is the typesetter's)."""
    text = ""
    for ln in sorted(lines, key=lambda ln: (round(ln.baseline), ln.x0)):
        text = text[:-1] + ln.text if breaks_formula(text, ln.text) else f"{text} {ln.text}"
    return text.lstrip(" ")


def _split_notes(lines: Sequence[Line]) -> tuple[list[Line], list[Line]]:
    """Split a table's run of lines where its footnotes start (``^a ...``, ``* ...``)."""
    vlines = visual_lines(lines)
    for k, vline in enumerate(vlines):
        if len(vline) == 1 and _NOTE_START.match(vline[0].text):
            return ([ln for v in vlines[:k] for ln in v], [ln for v in vlines[k:] for ln in v])
    return list(lines), []


def _closed_part(page: PageLayout, bbox: BBox, header: Sequence[Line], body: Sequence[Line],
                 row_rules: Sequence[float], caption: str, free: Sequence[Line], size: float,
                 settings: TableSettings) -> TablePart:
    """A table whose last rule closes it; the small print right below is its footnotes."""
    notes = _run(free, bbox[3], bbox[0], bbox[2], size, down=True, body_size=page.body_size,
                 settings=settings)[:settings.max_footnotes]
    return TablePart(page.number, bbox, tuple(header), tuple(body), tuple(row_rules), False,
                     caption, tuple(ln.text for ln in notes))


def _caption_start(line: Line, lines: Sequence[Line], body_size: float,
                   settings: TableSettings) -> bool:
    """A small-print ``Table N`` line, also when OCR split ``TABLE`` from ``II``."""
    if not _is_small(line, body_size, settings) and line.size >= settings.body_ratio * body_size:
        return False
    if TABLE_CAPTION.match(line.text):
        return True
    if line.text.strip() not in ("Table", "TABLE"):  # only the word alone can be split off
        return False
    nxt = [ln for ln in lines if abs(ln.baseline - line.baseline) < 0.3 * line.size
           and 0 <= ln.x0 - line.x1 < 1.5 * line.size]
    return any(TABLE_CAPTION.match(f"{line.text} {ln.text}") for ln in nxt)


def _is_data(vline: Sequence[Line]) -> bool:
    """A visual line of values: two or more cells, most with digits."""
    numeric = sum(1 for ln in vline if re.search(r"\d", ln.text))
    return len(vline) >= 2 and numeric >= 2 and 2 * numeric >= len(vline)


def unruled_part(page: PageLayout, caption: Line, free: Sequence[Line],
                 settings: TableSettings) -> TablePart | None:
    """A table without ruling lines (scans, whitespace tables) below a ``Table N`` caption.

    The table takes the caption's column (full width under a centred caption or on a page
    set in one column, else its half of the page); single-run lines right under the caption
    continue it (its title), the header runs to the first line of values.
    """
    middle = page.width / 2
    centre = (caption.x0 + caption.x1) / 2
    x0, x1 = ((0.0, page.width)
              if abs(centre - middle) < 0.1 * page.width or _one_column(page, caption, free)
              else (0.0, middle) if centre < middle else (middle, page.width))
    column = sorted((ln for ln in free if _centre_in(ln, x0, x1) and ln.top >= caption.top - 1),
                    key=lambda ln: (ln.top, ln.x0))
    vlines = visual_lines(column)
    if not vlines:
        return None
    title = [vlines.pop(0)]
    while vlines and _single_run(vlines[0]) and (
            vlines[0][0].top - max(ln.bottom for ln in title[-1]) < 1.2 * caption.size):
        title.append(vlines.pop(0))
    if not vlines:
        return None
    edge = max(ln.bottom for ln in title[-1])
    size = statistics.median(ln.size for v in vlines[:6] for ln in v)
    run = _run(free, edge, x0, x1, size, down=True, body_size=page.body_size, settings=settings)
    body, notes = _split_notes(run)
    rows = visual_lines(body)
    start = next((k for k, v in enumerate(rows) if _is_data(v) and not _is_temperature_cells(v)),
                 None)
    if start is None or len(rows) - start < 2:
        return None
    header = [ln for v in rows[:start] for ln in v]
    lines = [ln for v in rows[start:] for ln in v]
    left = min(ln.x0 for ln in lines)
    box = (left, min(ln.top for ln in header or lines), max(ln.x1 for ln in lines),
           max(ln.bottom for ln in lines))
    text = _caption_text([ln for v in title for ln in v])
    return TablePart(page.number, box, tuple(header), tuple(lines), (), False, text,
                     tuple(ln.text for ln in notes))


def _one_column(page: PageLayout, caption: Line, free: Sequence[Line]) -> bool:
    """Whether the text around a caption is set in one column: most body-size lines within
    a third of the page above or below it run across the page's middle."""
    middle = page.width / 2
    reach = page.height / 3
    body = [ln for ln in free if abs(ln.top - caption.top) < reach and ln is not caption
            and ln.size >= DEFAULT_BODY_RATIO * page.body_size and ln.x1 - ln.x0 > 0.3 * middle]
    across = sum(1 for ln in body if ln.x0 < middle - 0.1 * middle < middle + 0.1 * middle < ln.x1)
    return len(body) >= 3 and 2 * across > len(body)


def _is_temperature_cells(vline: Sequence[Line]) -> bool:
    """A visual line whose cells are all temperatures (``25 °C | 100 °C``): the lower row of a
    header that groups columns by temperature, not a line of values."""
    return all(_TEMPERATURE_CELL.match(ln.text.strip()) for ln in vline)


def _single_run(vline: Sequence[Line]) -> bool:
    """A visual line that reads as one run of words (a title), not as table cells."""
    ordered = sorted(vline, key=lambda ln: ln.x0)
    return all(b.x0 - a.x1 < 1.5 * a.size for a, b in pairwise(ordered))


def _stack_part(page: PageLayout, stack: Sequence[Rule], free: Sequence[Line],
                settings: TableSettings) -> tuple[TablePart | None, Line | None]:
    """The table part a stack of rules holds, and the caption line it took (if any)."""
    body_size = page.body_size
    lines = page.lines
    x0, x1 = min(r.x0 for r in stack), max(r.x1 for r in stack)
    top, bottom = stack[0].top, stack[-1].bottom
    inside = [ln for ln in lines if _between_rules(ln, top, bottom) and _centre_in(ln, x0, x1)]
    near = inside or [ln for ln in lines if _centre_in(ln, x0, x1)
                      and abs(ln.bottom - top) < 3 * body_size]
    if not near:
        return None, None
    size = statistics.median(ln.size for ln in near)
    caption = _caption_above(lines, stack[0], size, body_size, settings)
    if caption is None:
        above = _run(free, top, x0, x1, size, down=False, body_size=body_size,
                     settings=settings)
        body = [*above, *inside]
        if not body:
            return None, None
        return TablePart(page.number, (x0, min(ln.top for ln in body), x1, bottom), (),
                         tuple(body), tuple(r.top for r in stack[:-1]), False), None
    if caption.between:
        head, *rest = visual_lines(caption.between)
        return _closed_part(page, (x0, min(ln.top for ln in head), x1, bottom), head,
                            [ln for v in rest for ln in v] + inside,
                            [r.top for r in stack[:-1]], caption.text, free, size,
                            settings), caption.first
    header: list[Line] = []
    body_rules = stack
    if len(stack) >= 2:
        header = [ln for ln in inside if ln.bottom < stack[1].top]
        if header:
            body_rules = stack[1:]
    body_lines = [ln for ln in inside if ln not in header]
    if len(body_rules) == 1 or (len(stack) == 2 and not body_lines):
        run = _run(free, body_rules[-1].bottom, x0, x1, size, down=True,
                   body_size=body_size, settings=settings)
        body_lines, notes = _split_notes(run)
        end = max((ln.bottom for ln in body_lines), default=bottom)
        return TablePart(page.number, (x0, top, x1, end), tuple(header), tuple(body_lines), (),
                         not notes, caption.text, tuple(ln.text for ln in notes)), caption.first
    return _closed_part(page, (x0, top, x1, bottom), header, body_lines,
                        [r.top for r in body_rules[1:-1]], caption.text, free, size,
                        settings), caption.first


def page_to_parts(page: PageLayout, free: Sequence[Line],
                  settings: TableSettings) -> tuple[list[TablePart], list[TableSkip]]:
    """Captioned tables of a page, and uncaptioned pieces that may continue one.

    Each rule stack and each caption without rules is found on its own: one that raises is
    skipped (and returned as a :class:`TableSkip`), the others are kept.

    Args:
        page: the page (its rules, lines and body font size).
        free: the page's lines without running headers and footers, where a table may run on
            past its rules (lines between rules are always kept: cells repeated on the same
            height of two pages can look like running heads).
        settings: tunables.
    """
    parts: list[TablePart] = []
    skips: list[TableSkip] = []
    used: set[int] = set()
    stacks = rules_to_stacks(_rule_rows(page.rules, settings), page.lines, page.body_size,
                             settings)
    for stack in stacks:
        try:
            part, caption = _stack_part(page, stack, free, settings)
        except Exception as exc:  # one table's bug: the page's other tables are still found
            skips.append(TableSkip.of(f"p{page.number}", "finding", exc))
            continue
        if caption is not None:
            used.add(id(caption))
        if part is not None:
            parts.append(part)
    for line in page.lines:
        try:
            if id(line) not in used and _caption_start(line, page.lines, page.body_size,
                                                       settings):
                part = unruled_part(page, line, free, settings)
                if part is not None:
                    parts.append(part)
        except Exception as exc:  # as above
            skips.append(TableSkip.of(f"p{page.number}", "finding", exc))
    ordered = sorted(parts, key=lambda p: (p.bbox[0] > page.width / 2 and p.bbox[2] - p.bbox[0]
                                           < page.width / 2, p.bbox[1]))
    return ordered, skips


def parts_to_groups(parts: Sequence[TablePart]) -> list[list[TablePart]]:
    """Join each captioned part with the parts that continue it.

    An uncaptioned part of about the same width continues the previous table when that table ran
    open to the end of its column (next column or page); a part captioned with the same ``Table
    N`` (``Table 2 (continued)``, or one table cut into two rule stacks) joins it as well, its
    repeated header dropped. Uncaptioned parts with nothing to continue are dropped (rules
    around figures and boxes).
    """
    groups: list[list[TablePart]] = []
    for part in parts:
        last = groups[-1][-1] if groups else None
        if part.caption is not None:
            if last is not None and _label(part.caption) == _label(groups[-1][0].caption or ""):
                groups[-1].append(part)
            else:
                groups.append([part])
        elif (last is not None and last.open_end and part.page - last.page <= 1
              and abs((part.bbox[2] - part.bbox[0]) - (last.bbox[2] - last.bbox[0]))
              < 0.15 * (last.bbox[2] - last.bbox[0])):
            groups[-1].append(part)
    return groups


def _label(caption: str) -> str:
    """``Table 2`` of ``Table 2. Comparison ...`` (case and spacing folded)."""
    m = TABLE_CAPTION.match(caption)
    return re.sub(r"\s+", "", m.group(0)).lower() if m else caption


def visual_lines(lines: Iterable[Line]) -> list[list[Line]]:
    """Lines grouped by baseline into the visual lines of a table, top to bottom."""
    out: list[list[Line]] = []
    for ln in sorted(lines, key=lambda ln: (ln.baseline, ln.x0)):
        if out and abs(out[-1][0].baseline - ln.baseline) < 0.4 * ln.size:
            out[-1].append(ln)
        else:
            out.append([ln])
    return out


def find_table_parts(pages: Sequence[PageLayout], free: Sequence[Sequence[Line]],
                     settings: TableSettings | None = None,
                     ) -> tuple[tuple[tuple[TablePart, ...], ...], tuple[TableSkip, ...]]:
    """The parts of every table of a document, grouped per table in reading order, and the
    tables skipped because finding them raised (a page that raises as a whole is skipped).

    Args:
        pages: the pages (their rules, lines and body font size).
        free: per page, its lines without running heads and feet (see :func:`page_to_parts`).
        settings: tunables.
    """
    settings = settings or TableSettings()
    parts: list[TablePart] = []
    skips: list[TableSkip] = []
    for page, lines in zip(pages, free, strict=True):
        try:
            found, skipped = page_to_parts(page, lines, settings)
        except Exception as exc:  # one page's bug: the other pages' tables are still found
            found, skipped = [], [TableSkip.of(f"p{page.number}", "finding", exc)]
        parts.extend(found)
        skips.extend(skipped)
    return tuple(tuple(group) for group in parts_to_groups(parts)), tuple(skips)
