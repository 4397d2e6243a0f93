"""Curators' decisions (``seeds/decisions/decisions.csv``): every problem, then a typed frame.

:func:`check_decisions` reports every problem of the file at once, so a curator fixes a sheet in
one pass; :func:`load_decisions` raises them all in one :class:`DecisionError` or returns the
decisions typed (floats as ``float64``, ``decided_at`` as a UTC timestamp so that "the latest
decision wins" compares instants, not text).

Positions. ``line`` is the 1-based physical line of the file (line 1 is the header), counted
with ``\\n``, ``\\r\\n`` and ``\\r`` all ending a line, so a quoted note spanning lines moves the
lines after it as an editor shows them. ``column`` is the 1-based *character* column (Unicode
code points, not bytes; a UTF-8 BOM is not counted) in that physical line where the offending
field starts: its opening quote when quoted, the position right after the comma when empty.
A missing field or header column points just past the end of its line, and a byte that is not
UTF-8 points at the column it would occupy (characters before it on its line + 1).

Why not :mod:`csv`: it reports neither the column of a field nor the line a field starts on
inside a multi-line row, and it stops at the first undecodable byte. The reader here follows
RFC 4180 the way :mod:`csv` does by default (``""`` inside quotes, any line ending), but
reports a never-closed quote and text after a closing quote instead of guessing.
"""

from __future__ import annotations

import codecs
import functools
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from extractors.errors import DecisionError
from extractors.schemas import DECISIONS

#: The columns every decisions file has, in the order the README shows them.
DECISION_COLUMNS: tuple[str, ...] = (
    "reconciliation_id", "record_id", "curated_id", "decision", "corrected_sigma_S_per_cm",
    "corrected_temperature_K", "curator", "decided_at", "note",
)
#: Columns a file may have or not: ``problem_id`` names a problem (dataset ``problems``: the
#: decision applies to every comparison and record of it), ``statement_id`` names a
#: reconciliation row by its statement.
OPTIONAL_COLUMNS: tuple[str, ...] = ("problem_id", "statement_id")
#: The columns of :func:`load_decisions`' frame (optional ones always present, null when absent).
FRAME_COLUMNS: tuple[str, ...] = (*DECISION_COLUMNS, *OPTIONAL_COLUMNS)
#: Columns that name the problem or reconciliation row a decision is about.
TARGET_COLUMNS: tuple[str, ...] = ("problem_id", "reconciliation_id", "statement_id", "record_id",
                                   "curated_id")
#: Ids compared without regard to case: hex ids a report or spreadsheet may show upper-case.
CASELESS_COLUMNS: tuple[str, ...] = ("problem_id", "reconciliation_id", "statement_id")
DEFAULT_DECISIONS_FILE = "seeds/decisions/decisions.csv"

#: A corrected temperature must lie in (min, max] K: 0 K and below is impossible, and no
#: conductivity in the corpus is measured above 3000 K, so such a value is a typo or °C.
DEFAULT_MIN_TEMPERATURE_K = 0.0
DEFAULT_MAX_TEMPERATURE_K = 3000.0

_SIGMA = "corrected_sigma_S_per_cm"
_TEMPERATURE = "corrected_temperature_K"
_NUMBER_RE = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
_DECIMAL_COMMA_RE = re.compile(r"[+-]?\d+,\d+", re.ASCII)
_NON_FINITE = frozenset({"nan", "inf", "infinity"})
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_DATETIME_RE = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:\d{2})?", re.ASCII)


@dataclass(frozen=True)
class DecisionProblem:
    """One problem of a decisions file, at the position the module docstring defines.

    Attributes:
        path: The file as given.
        line: 1-based physical line (1 is the header).
        column: 1-based character column where the bad field starts; None for a whole-file
            problem (a file that cannot be read).
        field: The column name the problem is about, if any.
        message: What is wrong and, where it helps, how to fix it.
    """

    path: str
    line: int
    column: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" + ("" if self.column is None else f":{self.column}")
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class DecisionLimits:
    """Plausible corrected temperatures, ``(min_temperature_K, max_temperature_K]``."""

    min_temperature_K: float = DEFAULT_MIN_TEMPERATURE_K
    max_temperature_K: float = DEFAULT_MAX_TEMPERATURE_K

    def __post_init__(self) -> None:
        if not (math.isfinite(self.min_temperature_K) and math.isfinite(self.max_temperature_K)
                and 0 <= self.min_temperature_K < self.max_temperature_K):
            raise ValueError(f"need 0 <= min_temperature_K < max_temperature_K, both finite; "
                             f"got {self.min_temperature_K}, {self.max_temperature_K}")


DEFAULT_LIMITS = DecisionLimits()


@dataclass(frozen=True)
class KnownIds:
    """Ids a decision may name; a ``None`` set is not checked (e.g. no such column upstream).

    Attributes:
        source: Where the ids come from, quoted in messages (``.../reconciliation/version=0003``).
    """

    reconciliation_ids: frozenset[str] | None = None
    statement_ids: frozenset[str] | None = None
    record_ids: frozenset[str] | None = None
    curated_ids: frozenset[str] | None = None
    source: str = "the known ids"
    problem_ids: frozenset[str] | None = None

    def of(self, column: str) -> frozenset[str] | None:
        """The known set for a target column (``record_id`` → :attr:`record_ids`)."""
        known: frozenset[str] | None = getattr(self, f"{column}s")
        return known

    @functools.cached_property
    def caseless(self) -> dict[str, frozenset[str]]:
        """The casefolded known set of each column compared without case, built once."""
        return {column: frozenset(i.casefold() for i in ids) for column in CASELESS_COLUMNS
                if (ids := self.of(column)) is not None}


def reconciliation_to_known_ids(df: pd.DataFrame, source: str = "the reconciliation dataset",
                                problems: pd.DataFrame | None = None) -> KnownIds:
    """Every id a decision may name in a ``reconciliation`` frame (``statement_id`` if present)
    and, given the ``problems`` frame, its problem ids."""

    def flat(column: str) -> frozenset[str] | None:
        if column not in df.columns:
            return None
        return frozenset(str(i) for ids in df[column] if ids is not None for i in ids)

    def plain(column: str) -> frozenset[str] | None:
        if column not in df.columns:
            return None
        return frozenset(str(v) for v in df[column] if v is not None and not pd.isna(v))

    problem_ids = None if problems is None else frozenset(
        str(v) for v in problems["problem_id"] if v is not None and not pd.isna(v))
    return KnownIds(reconciliation_ids=plain("reconciliation_id"), problem_ids=problem_ids,
                    statement_ids=plain("statement_id"), record_ids=flat("record_ids"),
                    curated_ids=flat("curated_ids"), source=source)


# --- reading positions ------------------------------------------------------------------------

@dataclass(frozen=True)
class _Field:
    text: str
    line: int
    column: int


@dataclass(frozen=True)
class _Row:
    fields: tuple[_Field, ...]
    end_line: int
    end_column: int  # just past the row's last character

    @property
    def line(self) -> int:
        return self.fields[0].line

    @property
    def blank(self) -> bool:
        return len(self.fields) == 1 and not self.fields[0].text.strip()


def bytes_to_text(data: bytes) -> tuple[str, list[tuple[int, int]]]:
    """UTF-8 text (BOM dropped) and, per undecodable sequence, (character offset, first byte).

    Each undecodable sequence becomes one U+FFFD, so the text keeps every line and comma.
    """
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    parts: list[str] = []
    bad: list[tuple[int, int]] = []
    length = pos = 0
    while True:
        try:
            parts.append(data[pos:].decode("utf-8"))
            return "".join(parts), bad
        except UnicodeDecodeError as exc:
            good = data[pos:pos + exc.start].decode("utf-8")
            parts.extend((good, "\ufffd"))
            length += len(good)
            bad.append((length, data[pos + exc.start]))
            length += 1
            pos += exc.end


def _offset_to_position(text: str, offset: int) -> tuple[int, int]:
    """(line, column) of a character offset, with the line endings the reader uses."""
    prefix = text[:offset]
    line = prefix.replace("\r\n", "\n").replace("\r", "\n").count("\n") + 1
    return line, offset - (max(prefix.rfind("\n"), prefix.rfind("\r")) + 1) + 1


def text_to_rows(text: str, path: str) -> tuple[list[_Row], list[DecisionProblem]]:
    """CSV rows with each field's position, and the quoting problems met on the way."""
    rows: list[_Row] = []
    problems: list[DecisionProblem] = []
    fields: list[_Field] = []
    n, i, line, line_start = len(text), 0, 1, 0
    while True:
        start_line, start_column = line, i - line_start + 1
        if i < n and text[i] == '"':
            chars: list[str] = []
            i += 1
            closed = False
            while i < n:
                c = text[i]
                i += 1
                if c == '"':
                    if i < n and text[i] == '"':
                        chars.append('"')
                        i += 1
                        continue
                    closed = True
                    break
                chars.append(c)
                if c == "\n" or (c == "\r" and (i >= n or text[i] != "\n")):
                    line, line_start = line + 1, i
            if not closed:
                problems.append(DecisionProblem(
                    path, start_line, start_column, None,
                    "quoted field is never closed (write a quote inside a quoted field as \"\")"))
            tail = i
            while i < n and text[i] not in ",\r\n":
                i += 1
            if text[tail:i].strip():
                problems.append(DecisionProblem(
                    path, line, tail - line_start + 1, None,
                    f"text after the closing quote of the field at column {start_column}"))
                chars.append(text[tail:i])
            value = "".join(chars)
        else:
            begin = i
            while i < n and text[i] not in ",\r\n":
                i += 1
            value = text[begin:i]
        fields.append(_Field(value, start_line, start_column))
        if i < n and text[i] == ",":
            i += 1
            continue
        rows.append(_Row(tuple(fields), line, i - line_start + 1))
        fields = []
        if i >= n:
            break
        i += 2 if text.startswith("\r\n", i) else 1
        line, line_start = line + 1, i
        if i >= n:
            break
    return [r for r in rows if not r.blank], problems


# --- checking fields --------------------------------------------------------------------------

@dataclass(frozen=True)
class _Decision:
    """A row whose fields were read: values stripped, empty ones None."""

    first: _Field
    fields: Mapping[str, _Field]
    values: Mapping[str, str | None]
    sigma: float | None
    temperature: float | None
    decided_at: datetime | None
    valid: bool

    @property
    def line(self) -> int:
        return self.first.line

    def at(self, column: str) -> _Field:
        """Where ``column``'s field starts (the row's start when the header lacks it)."""
        return self.fields.get(column, self.first)

    @property
    def target(self) -> tuple[str, tuple[str | None, ...]] | None:
        """What the row is about: problem_id, else reconciliation_id, else statement_id, else
        the id pair."""
        for column in ("problem_id", "reconciliation_id", "statement_id"):
            value = self.values.get(column)
            if value:
                return column, (value.casefold() if column in CASELESS_COLUMNS else value,)
        pair = (self.values.get("record_id"), self.values.get("curated_id"))
        return ("record_id", pair) if any(pair) else None

    @property
    def verdict(self) -> tuple[str | None, float | None, float | None]:
        return self.values.get("decision"), self.sigma, self.temperature

    def describe(self) -> str:
        decision, sigma, temperature = self.verdict
        values = [f"{v:g} {unit}" for v, unit in ((sigma, "S/cm"), (temperature, "K"))
                  if v is not None]
        return f"{decision!r}" + (f" ({', '.join(values)})" if values else "")


def _parse_number(text: str) -> tuple[float | None, str | None]:
    """The number, or the reason it is none (non-numeric or not finite)."""
    if _NUMBER_RE.fullmatch(text):
        value = float(text)
        return (value, None) if math.isfinite(value) else (None, "is not a finite number")
    if text.lower().lstrip("+-") in _NON_FINITE:
        return None, "is not a finite number"
    if _DECIMAL_COMMA_RE.fullmatch(text):
        return None, "is not a number (write the decimal separator as '.')"
    return None, "is not a number"


def _parse_decided_at(text: str) -> datetime | None:
    """A UTC instant from an ISO date (midnight UTC) or datetime (naive ones taken as UTC)."""
    if not (_DATE_RE.fullmatch(text) or _DATETIME_RE.fullmatch(text)):
        return None
    try:
        moment = datetime.fromisoformat(text)
        return (moment.replace(tzinfo=UTC) if moment.tzinfo is None
                else moment.astimezone(UTC))
    except (ValueError, OverflowError):
        return None


def _row_to_decision(row: _Row, columns: Mapping[str, int], path: str, limits: DecisionLimits,
                     ) -> tuple[_Decision, list[DecisionProblem]]:
    """Check one row's fields against each other; cross-row checks come later."""
    fields = {name: row.fields[k] for name, k in columns.items()}
    values = {name: f.text.strip() or None for name, f in fields.items()}
    problems: list[DecisionProblem] = []

    def problem(column: str | None, message: str) -> None:
        at = fields.get(column or "") or row.fields[0]
        problems.append(DecisionProblem(path, at.line, at.column, column, message))

    decision = values.get("decision")
    if "decision" in fields and decision not in DECISIONS:
        problem("decision", f"decision {decision or ''!r} is not one of {', '.join(DECISIONS)}")
    if not any(values.get(c) for c in TARGET_COLUMNS):
        first = next((c for c in TARGET_COLUMNS if c in fields), None)
        problem(first, "names no reconciliation row or problem: give "
                + ("problem_id, " if "problem_id" in fields else "") + "reconciliation_id"
                + (", statement_id" if "statement_id" in fields else "")
                + " or record_id/curated_id")
    numbers: dict[str, float | None] = {}
    for column, unit in ((_SIGMA, "S/cm"), (_TEMPERATURE, "K")):
        text = values.get(column)
        number, reason = _parse_number(text) if text else (None, None)
        numbers[column] = number
        if reason:
            problem(column, f"{column} {text!r} {reason}")
        elif number is None:
            continue
        elif decision in DECISIONS and decision != "corrected":
            problem(column, f"{column} is given but decision is {decision!r}; only 'corrected' "
                            f"rows carry corrected values")
        elif column == _SIGMA and number <= 0:
            problem(column, f"{column} {text!r} must be > 0 {unit}")
        elif column == _TEMPERATURE and not (
                limits.min_temperature_K < number <= limits.max_temperature_K):
            problem(column, f"{column} {text!r} is outside the plausible range "
                            f"({limits.min_temperature_K:g}, {limits.max_temperature_K:g}] {unit}")
    if decision == "corrected" and not values.get(_SIGMA) and not values.get(_TEMPERATURE):
        problem("decision", f"'corrected' needs {_SIGMA} or {_TEMPERATURE}")
    text = values.get("decided_at")
    decided_at = _parse_decided_at(text) if text else None
    if text and decided_at is None:
        problem("decided_at", f"decided_at {text!r} is not a valid ISO date (YYYY-MM-DD) or date "
                              f"and time (YYYY-MM-DDTHH:MM[:SS][+HH:MM])")
    return _Decision(row.fields[0], fields, values, numbers[_SIGMA], numbers[_TEMPERATURE],
                     decided_at, valid=not problems), problems


# --- checking the file ------------------------------------------------------------------------

def _header_to_columns(header: _Row, path: str) -> tuple[dict[str, int], list[DecisionProblem]]:
    """Position of each known column; unknown, repeated and missing columns as problems."""
    columns: dict[str, int] = {}
    problems: list[DecisionProblem] = []
    for k, f in enumerate(header.fields):
        name = f.text.strip()
        if name in columns:
            message = (f"column {name!r} appears twice (first at column "
                       f"{header.fields[columns[name]].column})")
        elif not name:
            message = "empty column name"
        elif name not in FRAME_COLUMNS:
            message = (f"unknown column {name!r}; the columns are {', '.join(DECISION_COLUMNS)}"
                       f" and optionally {', '.join(OPTIONAL_COLUMNS)}")
        else:
            columns[name] = k
            continue
        problems.append(DecisionProblem(path, f.line, f.column, name or None, message))
    missing = [c for c in DECISION_COLUMNS if c not in columns]
    if missing:
        problems.append(DecisionProblem(
            path, header.end_line, header.end_column, missing[0],
            f"missing column{'s' if len(missing) > 1 else ''} {', '.join(map(repr, missing))}"))
    return columns, problems


def _width_problem(row: _Row, width: int, path: str) -> DecisionProblem:
    count = len(row.fields)
    message = f"{count} fields, expected {width} as in the header"
    if count > width:
        at = row.fields[width]
        return DecisionProblem(path, at.line, at.column, None,
                               message + " (a value with a comma needs double quotes)")
    return DecisionProblem(path, row.end_line, row.end_column, None, message)


def _unknown_ids(decision: _Decision, known: KnownIds, path: str) -> list[DecisionProblem]:
    problems = []
    for column in TARGET_COLUMNS:
        value = decision.values.get(column)
        ids = known.caseless.get(column) if column in CASELESS_COLUMNS else known.of(column)
        if value and ids is not None and (
                value.casefold() if column in CASELESS_COLUMNS else value) not in ids:
            f = decision.at(column)
            problems.append(DecisionProblem(path, f.line, f.column, column,
                                            f"{column} {value!r} names nothing in {known.source}"))
    return problems


def _describe_target(target: tuple[str, tuple[str | None, ...]]) -> str:
    column, ids = target
    if column != "record_id":
        return f"{column} {ids[0]!r}"
    return " and ".join(f"{c} {v!r}" if v else f"no {c}" for c, v in zip(
        ("record_id", "curated_id"), ids, strict=True))


def _conflicts(decisions: Iterable[_Decision], path: str) -> list[DecisionProblem]:
    """Exact duplicates, and rows on one target that disagree with no date to order them.

    Two rows naming the same target with different ``decided_at`` are not a conflict: the
    later one supersedes the earlier (the README's "latest wins"). They conflict when their
    decision or corrected values differ and ``decided_at`` cannot order them (equal, or
    missing on either row); each such row gets one problem listing the others.
    """
    groups: dict[tuple[str, tuple[str | None, ...]], list[_Decision]] = {}
    problems = []
    for d in decisions:
        if d.valid and d.target is not None:
            groups.setdefault(d.target, []).append(d)
    for target, rows in groups.items():
        column = target[0]
        distinct: list[_Decision] = []
        for d in rows:
            original = next((o for o in distinct if o.values == d.values), None)
            if original is None:
                distinct.append(d)
                continue
            f = d.at(column)
            problems.append(DecisionProblem(path, f.line, f.column, column,
                                            f"duplicate of line {original.line}"))
        for d in distinct:
            others = [o for o in distinct if o is not d and o.verdict != d.verdict
                      and (o.decided_at is None or d.decided_at is None
                           or o.decided_at == d.decided_at)]
            if others:
                f = d.at(column)
                listed = ", ".join(f"{o.line} ({o.describe()})" for o in others)
                problems.append(DecisionProblem(
                    path, f.line, f.column, column,
                    f"contradicts line{'s' if len(others) > 1 else ''} {listed} on "
                    f"{_describe_target(target)}: {d.describe()} here, and no decided_at says "
                    f"which is later"))
    return problems


def _check(path: str | Path, known: KnownIds | None, limits: DecisionLimits,
           ) -> tuple[list[DecisionProblem], list[_Decision]]:
    """Every problem of the file, and its rows read (valid or not)."""
    name = str(path)
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        return [], []
    except OSError as exc:
        return [DecisionProblem(name, 1, None, None, f"cannot read the file: {exc}")], []
    text, bad = bytes_to_text(data)
    problems: list[DecisionProblem] = []
    seen_lines = set()
    for offset, byte in bad:
        line, column = _offset_to_position(text, offset)
        if line not in seen_lines:
            seen_lines.add(line)
            problems.append(DecisionProblem(
                name, line, column, None, f"not UTF-8: byte 0x{byte:02X} cannot be decoded "
                                          f"(save the file as UTF-8)"))
    rows, quoting = text_to_rows(text, name)
    problems += quoting
    if not rows:
        problems.append(DecisionProblem(name, 1, 1, None, "no header: the first line must be "
                                                          + ",".join(DECISION_COLUMNS)))
        return sorted(problems, key=_position), []
    columns, header_problems = _header_to_columns(rows[0], name)
    problems += header_problems
    decisions = []
    for row in rows[1:]:
        if len(row.fields) != len(rows[0].fields):
            problems.append(_width_problem(row, len(rows[0].fields), name))
            continue  # its fields are likely shifted: checking them would only add noise
        decision, row_problems = _row_to_decision(row, columns, name, limits)
        problems += row_problems
        if known is not None:
            problems += _unknown_ids(decision, known, name)
        decisions.append(decision)
    problems += _conflicts(decisions, name)
    return sorted(problems, key=_position), decisions


def _position(p: DecisionProblem) -> tuple[int, int]:
    return p.line, p.column or 0


def check_decisions(path: str | Path, known: KnownIds | None = None, *,
                    limits: DecisionLimits = DEFAULT_LIMITS) -> list[DecisionProblem]:
    """Every problem of a decisions file, in file order; empty when the file is valid.

    Checks: UTF-8 (BOM and CRLF accepted), the header (the :data:`DECISION_COLUMNS`, plus
    optionally ``statement_id``, in any order), the number of fields of each row, the decision
    word, a target (reconciliation_id, statement_id or record_id/curated_id), corrected values
    (finite numbers, σ > 0, temperature within ``limits``, only on ``corrected`` rows, at least
    one on them), ``decided_at`` (ISO date or date and time), exact duplicates and contradicting
    rows (see :func:`_conflicts`) and, given ``known``, ids that name nothing known.

    A missing file has no problems: like :func:`load_decisions`, it means no decisions yet.
    This function never raises on the file's content.
    """
    return _check(path, known, limits)[0]


def problems_to_message(path: str | Path, problems: list[DecisionProblem]) -> str:
    """A one-line summary, then each problem on its own line."""
    first = problems[0]
    where = f"{first.line}" + ("" if first.column is None else f":{first.column}")
    count = f"{len(problems)} problem{'s' if len(problems) > 1 else ''}"
    return "\n".join([f"{path}: {count}; first: {where}: {first.message}",
                      *map(str, problems)])


def _decisions_to_frame(decisions: list[_Decision]) -> pd.DataFrame:
    rows: list[dict[str, Any]] = [
        {**{c: d.values.get(c) for c in FRAME_COLUMNS}, _SIGMA: d.sigma,
         _TEMPERATURE: d.temperature, "decided_at": d.decided_at} for d in decisions]
    out = pd.DataFrame(rows, columns=list(FRAME_COLUMNS))
    for column in FRAME_COLUMNS:
        if column in (_SIGMA, _TEMPERATURE):
            out[column] = out[column].astype("float64")
        elif column == "decided_at":
            out[column] = pd.to_datetime(out[column], utc=True).astype("datetime64[us, UTC]")
        else:
            out[column] = out[column].astype("str")
    return out


def load_decisions(path: str | Path, *, limits: DecisionLimits = DEFAULT_LIMITS,
                   ) -> pd.DataFrame:
    """The decisions with :data:`FRAME_COLUMNS`, typed, in file order.

    Ids, decision, curator and note are pandas strings (NaN when empty; ``statement_id`` is
    all NaN when the file has no such column), corrected values ``float64`` and ``decided_at``
    ``datetime64[us, UTC]`` (NaT when empty), so the latest decision is ``max`` of real instants.
    A missing file means no decisions yet: an empty frame with these columns. A file with only
    the header is valid too.

    Raises:
        DecisionError: the file has problems (:func:`check_decisions`); ``problems`` holds them
            all, and the message is a summary line followed by one line per problem.
    """
    problems, decisions = _check(path, None, limits)
    if problems:
        raise DecisionError(problems_to_message(path, problems), problems)
    return _decisions_to_frame(decisions)
