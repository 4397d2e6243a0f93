"""Curators' decisions: every problem with its exact line and column, typed loading, properties."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractors.decisions import (
    DECISION_COLUMNS,
    FRAME_COLUMNS,
    DecisionLimits,
    DecisionProblem,
    KnownIds,
    check_decisions,
    load_decisions,
    reconciliation_to_known_ids,
)
from extractors.errors import DecisionError, IonlitError

HEADER = ",".join(DECISION_COLUMNS)
#: Column numbers of the fields of a row written like ``abc,,,corrected,…``: the cases below
#: count characters by hand, these only name the ones used more than once.
DECISION_AT, SIGMA_AT, TEMPERATURE_AT = 7, 17, 18


def _write(tmp_path: Path, content: bytes | str, name: str = "decisions.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


def _rows(*rows: str, header: str = HEADER) -> str:
    return "\n".join((header, *rows)) + "\n"


def _where(problems: list[DecisionProblem]) -> list[tuple[int, int | None, str | None]]:
    return [(p.line, p.column, p.field) for p in problems]


# --- valid files --------------------------------------------------------------------------------

def test_decisions_valid_file_has_no_problems(tmp_path: Path) -> None:
    content = ("\ufeff" + HEADER + ",statement_id\r\n"
               "abc,,,corrected,1.25e-1,573.15,jdoe,2026-11-20,\"table value, in mS/cm\",\r\n"
               ",r1,C001,rejected,,,\"Doe, J.\",2026-11-20T10:30:00+02:00,\"two\r\nlines\",\r\n"
               ",,,accepted,,,,,,s9\r\n"
               ",,C002,corrected,,300,,2026-11-21 08:00,,\r\n"
               "\r\n")
    path = _write(tmp_path, content)
    assert check_decisions(path) == []
    assert len(load_decisions(path)) == 4


def test_decisions_load_types_values_and_dates(tmp_path: Path) -> None:
    path = _write(tmp_path, _rows(
        "abc,,,corrected,1.25e-1,573.15,jdoe,2026-11-20,in mS/cm",
        ",r1,,accepted,,,,2026-11-20T23:00-05:00,"))
    df = load_decisions(path)
    assert list(df.columns) == list(FRAME_COLUMNS)
    assert df["corrected_sigma_S_per_cm"].dtype == "float64"
    assert df["corrected_temperature_K"].tolist()[0] == pytest.approx(573.15)
    assert str(df["decided_at"].dtype) == "datetime64[us, UTC]"
    # 23:00 at UTC-5 is 04:00 UTC the next day: later than midnight of 2026-11-20 as an
    # instant, though as text "2026-11-20T23:00-05:00" and "2026-11-20" tell nothing of that.
    assert df["decided_at"].tolist()[1] == pd.Timestamp("2026-11-21T04:00", tz="UTC")
    assert df["decided_at"].idxmax() == 1
    assert df.loc[0, "reconciliation_id"] == "abc" and df.loc[0, "note"] == "in mS/cm"
    assert pd.isna(df.loc[1, "reconciliation_id"]) and pd.isna(df.loc[0, "statement_id"])


def test_decisions_header_only_is_valid(tmp_path: Path) -> None:
    path = _write(tmp_path, HEADER + "\n")
    assert check_decisions(path) == []
    df = load_decisions(path)
    assert df.empty and list(df.columns) == list(FRAME_COLUMNS)


def test_decisions_missing_file_is_no_decisions(tmp_path: Path) -> None:
    path = tmp_path / "absent.csv"
    assert check_decisions(path) == []
    df = load_decisions(path)
    assert df.empty and list(df.columns) == list(FRAME_COLUMNS)


def test_decisions_statement_id_column_is_optional(tmp_path: Path) -> None:
    with_it = _write(tmp_path, _rows("st-1,,,,accepted,,,,,", header=f"statement_id,{HEADER}"),
                     "a.csv")
    assert check_decisions(with_it) == []
    assert load_decisions(with_it)["statement_id"].tolist() == ["st-1"]
    without = _write(tmp_path, _rows(",,,accepted,,,,,"), "b.csv")
    assert "give reconciliation_id or record_id/curated_id" in check_decisions(without)[0].message


# --- one malformed file, one problem, its exact position -----------------------------------------

_ROW = "abc,,,accepted,,,jdoe,2026-11-20,"


@pytest.mark.parametrize(("content", "where", "message"), [
    # encoding: the first bad byte of each line, counted in characters
    pytest.param((HEADER + "\n").encode() + b"abc,,,accepted,,,jos\xe9,2026-11-20,ok\n",
                 (2, 21, None), "not UTF-8: byte 0xE9", id="latin1"),
    pytest.param((HEADER + "\n").encode() + b'abc,,,accepted,,,jdoe,2026-11-20,"two\nlines"\n'
                 b"def,,,accepted,,,jdoe,2026-11-20,caf\xe9\n",
                 (4, 37, None), "not UTF-8", id="latin1-after-multiline-note"),
    pytest.param(b"\xef\xbb\xbf" + (HEADER + "\r\nabc,,,approved,,,jdoe,2026-11-20,\r\n").encode(),
                 (2, DECISION_AT, "decision"), "decision 'approved' is not one of",
                 id="bom-and-crlf-not-counted"),
    pytest.param(HEADER + "\rabc,,,approved,,,,,\r", (2, DECISION_AT, "decision"), "approved",
                 id="cr-line-endings"),
    # layout
    pytest.param(_rows(_ROW + "a,b"), (2, 36, None), "10 fields, expected 9", id="extra-field"),
    pytest.param(_rows("abc,,,accepted"), (2, 15, None), "4 fields, expected 9",
                 id="missing-fields"),
    pytest.param(_rows(_ROW + '"oops'), (2, 34, None), "quoted field is never closed",
                 id="unclosed-quote"),
    pytest.param(_rows(_ROW + '"a"b'), (2, 37, None), "text after the closing quote",
                 id="text-after-quote"),
    pytest.param(_rows(_ROW + '"a\nb"', "abc2,,,approved,,,jdoe,2026-11-20,"),
                 (4, 8, "decision"), "approved", id="lines-after-multiline-note"),
    pytest.param(b"", (1, 1, None), "no header", id="empty-file"),
    # header
    pytest.param(HEADER + ",extra\n", (1, 122, "extra"), "unknown column 'extra'",
                 id="unknown-column"),
    pytest.param(HEADER.replace(",note", "") + "\n", (1, 116, "note"), "missing column 'note'",
                 id="missing-column"),
    pytest.param(HEADER + ",curator\n", (1, 122, "curator"), "appears twice (first at column 98)",
                 id="repeated-column"),
    pytest.param(HEADER + ",\n", (1, 122, None), "empty column name", id="empty-column-name"),
    # decision and target
    pytest.param(_rows("abc,,,Accepted,,,jdoe,2026-11-20,"), (2, DECISION_AT, "decision"),
                 "decision 'Accepted' is not one of accepted, rejected, corrected",
                 id="unknown-decision"),
    pytest.param(_rows("abc,,,,,,jdoe,2026-11-20,"), (2, DECISION_AT, "decision"),
                 "decision '' is not one of", id="empty-decision"),
    pytest.param(_rows(",,,accepted,,,jdoe,2026-11-20,"), (2, 1, "reconciliation_id"),
                 "names no reconciliation row", id="no-target"),
    pytest.param(_rows("abc,,,corrected,,,jdoe,2026-11-20,"), (2, DECISION_AT, "decision"),
                 "'corrected' needs corrected_sigma_S_per_cm or corrected_temperature_K",
                 id="corrected-without-value"),
    pytest.param(_rows("abc,,,accepted,0.1,,jdoe,2026-11-20,"),
                 (2, 16, "corrected_sigma_S_per_cm"), "given but decision is 'accepted'",
                 id="value-on-accepted"),
    # corrected values
    *[pytest.param(_rows(f"abc,,,corrected,{sigma},,jdoe,2026-11-20,"),
                   (2, SIGMA_AT, "corrected_sigma_S_per_cm"), message, id=f"sigma-{sigma}")
      for sigma, message in [
          ("-5", "'-5' must be > 0 S/cm"), ("0", "'0' must be > 0"),
          ("nan", "'nan' is not a finite number"), ("inf", "'inf' is not a finite number"),
          ("-Infinity", "not a finite number"), ("1e999", "'1e999' is not a finite number"),
          ("ten", "'ten' is not a number"), ("1_000", "'1_000' is not a number"),
          ('"1,5"', "'1,5' is not a number (write the decimal separator as '.')")]],
    *[pytest.param(_rows(f"abc,,,corrected,,{temperature},jdoe,2026-11-20,"),
                   (2, TEMPERATURE_AT, "corrected_temperature_K"), message,
                   id=f"temperature-{temperature}")
      for temperature, message in [
          ("-1e9", "'-1e9' is outside the plausible range (0, 3000] K"),
          ("0", "'0' is outside"), ("3000.5", "'3000.5' is outside"),
          ("NaN", "'NaN' is not a finite number")]],
    # decided_at
    *[pytest.param(_rows(f"abc,,,accepted,,,jdoe,{text},"), (2, 23, "decided_at"),
                   f"decided_at '{text}' is not a valid ISO date", id=f"date-{text}")
      for text in ("2026-2-01", "2026-13-01", "2026-02-30", "20261120", "20/11/2026",
                   "2026-11-20T25:00", "2026-11-20 noon")],
    pytest.param(_rows("abc,,,accepted,,,José,2026-2-01,"), (2, 23, "decided_at"),
                 "2026-2-01", id="columns-count-characters-not-bytes"),
    pytest.param(_rows('abc,,,"accepted",,,"Doe, J.",2026-2-01,'), (2, 30, "decided_at"),
                 "2026-2-01", id="columns-after-quoted-comma"),
])
def test_decisions_malformed_file_gives_line_and_column(
        tmp_path: Path, content: bytes | str, where: tuple[int, int | None, str | None],
        message: str) -> None:
    path = _write(tmp_path, content)
    problems = check_decisions(path)
    assert _where(problems) == [where]
    assert message in problems[0].message
    with pytest.raises(DecisionError) as raised:
        load_decisions(path)
    assert raised.value.problems == tuple(problems)


# --- every problem, cross-row problems ----------------------------------------------------------

def test_decisions_reports_every_problem(tmp_path: Path) -> None:
    path = _write(tmp_path, _rows(
        "abc,,,corrected,-5,-1e9,jdoe,2026-2-01,",   # three problems on one row
        "ok1,,,accepted,,,jdoe,2026-11-20,",
        "def,,,approved,,,jdoe,2026-11-20,",
        "x,y"))
    assert _where(check_decisions(path)) == [
        (2, SIGMA_AT, "corrected_sigma_S_per_cm"), (2, 20, "corrected_temperature_K"),
        (2, 30, "decided_at"), (4, DECISION_AT, "decision"), (5, 4, None)]


@pytest.mark.parametrize(("first", "second"), [
    ("abc,,,accepted,,,a,2026-11-20,", "abc,,,rejected,,,b,2026-11-20,"),
    ("abc,,,corrected,0.1,,a,,", "abc,,,corrected,0.2,,a,,"),
    ("abc,,,corrected,,300,a,2026-11-20,", "abc,,,corrected,,310,a,,"),
    (",r1,C1,accepted,,,a,,", ",r1,C1,rejected,,,a,,"),
])
def test_decisions_contradiction_reports_both_lines(tmp_path: Path, first: str,
                                                    second: str) -> None:
    path = _write(tmp_path, _rows(first, "other,,,accepted,,,a,,", second))
    problems = check_decisions(path)
    column = 1 if first.startswith("abc") else 2
    assert [(p.line, p.column) for p in problems] == [(2, column), (4, column)]
    assert problems[0].message.startswith("contradicts line 4 (")
    assert problems[1].message.startswith("contradicts line 2 (")


def test_decisions_later_date_supersedes_without_problem(tmp_path: Path) -> None:
    path = _write(tmp_path, _rows("abc,,,rejected,,,a,2026-02-01,",
                                  "abc,,,accepted,,,b,2026-12-01,",
                                  "abc,,,corrected,0.1,,b,2026-12-01T09:00,"))
    assert check_decisions(path) == []
    df = load_decisions(path)
    assert df.loc[df["decided_at"].idxmax(), "decision"] == "corrected"


def test_decisions_exact_duplicate_is_a_problem(tmp_path: Path) -> None:
    row = "abc,,,corrected,1e-3,,jdoe,2026-11-20,same"
    path = _write(tmp_path, _rows(row, "abc,,,corrected,0.001,,jdoe,2026-11-20,same", row))
    problems = check_decisions(path)
    assert [(p.line, p.column, p.message) for p in problems] == [(4, 1, "duplicate of line 2")]


def test_decisions_unknown_ids_when_known_given(tmp_path: Path) -> None:
    path = _write(tmp_path, _rows("abc,,,accepted,,,,,", "stale,,,accepted,,,,,",
                                  ",r9,C1,rejected,,,,,"))
    known = KnownIds(reconciliation_ids=frozenset({"abc"}), record_ids=frozenset({"r1"}),
                     curated_ids=frozenset({"C1"}), source="v0001")
    assert check_decisions(path) == []
    problems = check_decisions(path, known)
    assert _where(problems) == [(3, 1, "reconciliation_id"), (4, 2, "record_id")]
    assert problems[0].message == "reconciliation_id 'stale' names nothing in v0001"


def test_decisions_reconciliation_to_known_ids() -> None:
    df = pd.DataFrame({"reconciliation_id": ["a", "b"], "record_ids": [["r1", "r2"], []],
                       "curated_ids": [[], ["C1"]]})
    known = reconciliation_to_known_ids(df, "here")
    assert known == KnownIds(frozenset({"a", "b"}), None, frozenset({"r1", "r2"}),
                             frozenset({"C1"}), "here")


def test_decisions_error_lists_every_problem(tmp_path: Path) -> None:
    path = _write(tmp_path, _rows("abc,,,approved,,,,,", ",,,accepted,,,,,", "x,,,corrected,,,,,"))
    with pytest.raises(DecisionError) as raised:
        load_decisions(path)
    lines = str(raised.value).splitlines()
    assert lines[0] == (f"{path}: 3 problems; first: 2:{DECISION_AT}: decision 'approved' is "
                        f"not one of accepted, rejected, corrected")
    assert lines[1:] == [str(p) for p in raised.value.problems]
    assert lines[2].startswith(f"{path}:3:1: names no reconciliation row")
    assert isinstance(raised.value, ValueError) and isinstance(raised.value, IonlitError)


def test_decisions_problem_str() -> None:
    assert str(DecisionProblem("d.csv", 3, 7, "decision", "bad")) == "d.csv:3:7: bad"
    assert str(DecisionProblem("d.csv", 1, None, None, "unreadable")) == "d.csv:1: unreadable"


def test_decisions_limits(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="min_temperature_K"):
        DecisionLimits(min_temperature_K=-1.0)
    with pytest.raises(ValueError):
        DecisionLimits(max_temperature_K=math.inf)
    path = _write(tmp_path, _rows("abc,,,corrected,,1200,,,"))
    assert check_decisions(path) == []
    assert _where(check_decisions(path, limits=DecisionLimits(max_temperature_K=1000))) == [
        (2, TEMPERATURE_AT, "corrected_temperature_K")]


def test_decisions_unreadable_path_is_a_problem(tmp_path: Path) -> None:
    problems = check_decisions(tmp_path)
    assert _where(problems) == [(1, None, None)]
    assert problems[0].message.startswith("cannot read the file")


# --- properties ---------------------------------------------------------------------------------

_VALID = _rows("abc,,,corrected,1.25e-1,573.15,jdoe,2026-11-20,\"a, b\"",
               ",r1,C1,rejected,,,,2026-11-20T10:00Z,").encode()
_PIECES = [b",", b'"', b"\n", b"\r", b"\r\n", b"\xe9", b"\xef\xbb\xbf", b"\xff", b"\x00",
           b"nan", b"-", b"e999", b"1e-3", b"corrected", b"accepted", b"9999-12-31T23:59-14:00",
           b"0000-01-01", b"statement_id", b"abc", b" "]
_mutations = st.lists(st.tuples(st.integers(0, len(_VALID)), st.integers(0, 4),
                                st.sampled_from(_PIECES) | st.binary(max_size=4)), max_size=8)
_files = (st.binary(max_size=300)
          | _mutations.map(lambda ms: _mutate(_VALID, ms))
          | st.lists(st.lists(st.sampled_from([p.decode("latin-1") for p in _PIECES])
                              | st.text(max_size=6), max_size=11).map(",".join), max_size=5)
          .map(lambda rows: _rows(*rows).encode("utf-8", "surrogatepass")))


def _mutate(data: bytes, mutations: list[tuple[int, int, bytes]]) -> bytes:
    for position, dropped, piece in mutations:
        at = position % (len(data) + 1)
        data = data[:at] + piece + data[at + dropped:]
    return data


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=_files)
def test_decisions_never_raise_but_decision_error(tmp_path: Path, content: bytes) -> None:
    path = _write(tmp_path, content)
    problems = check_decisions(path, KnownIds(reconciliation_ids=frozenset({"abc"})))
    lines = content.count(b"\n") + content.count(b"\r") + 1
    for p in problems:
        assert 1 <= p.line <= lines and (p.column is None or p.column >= 1)
    try:
        df = load_decisions(path)
    except DecisionError as exc:
        assert exc.problems and str(exc).startswith(f"{path}: ")
    else:
        assert list(df.columns) == list(FRAME_COLUMNS)
        assert not [p for p in problems if "names nothing" not in p.message]
