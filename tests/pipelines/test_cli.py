"""The ``ionlit`` command line, called in-process through ``pipelines.cli.main``."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from extractors.decisions import DECISION_COLUMNS
from extractors.publish import PublishSettings, publish_dataset
from extractors.schemas import SCHEMAS
from pipelines.cli import main

HEADER = ",".join(DECISION_COLUMNS)


def _decisions(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "decisions.csv"
    path.write_text("\n".join((HEADER, *rows)) + "\n", encoding="utf-8")
    return path


def _publish_reconciliation(root: Path, reconciliation_id: str, record_ids: list[str],
                            curated_ids: list[str]) -> None:
    """One reconciliation row, every other column null or a placeholder."""
    row: dict[str, object] = {}
    for field in SCHEMAS["reconciliation"]:
        allowed = (field.metadata or {}).get(b"allowed")
        if pa.types.is_floating(field.type) or (field.nullable and field.name != "decision"):
            row[field.name] = None
        elif pa.types.is_boolean(field.type):
            row[field.name] = False
        elif pa.types.is_list(field.type):
            row[field.name] = []
        else:
            row[field.name] = allowed.decode().split(",")[0] if allowed else "x"
    row.update(reconciliation_id=reconciliation_id, record_ids=record_ids,
               curated_ids=curated_ids, decision=None)
    df = pd.DataFrame([row])
    for field in SCHEMAS["reconciliation"]:
        if pa.types.is_floating(field.type):
            df[field.name] = df[field.name].astype("float64")
    publish_dataset("reconciliation", df, settings=PublishSettings(root=str(root)),
                    source_documents=[], code_version="test")


def test_cli_decisions_check_ok(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _decisions(tmp_path, "abc,,,accepted,,,jdoe,2026-11-20,", ",r1,C1,rejected,,,,,")
    assert main(["decisions", "check", str(path),
                 "--reconciliation", str(tmp_path / "datasets")]) == 0
    out, err = capsys.readouterr()
    assert out == f"{path}: ok, 2 decisions\n"
    assert err == f"{tmp_path / 'datasets'}: no published reconciliation dataset; ids not checked\n"


def test_cli_decisions_check_prints_every_problem(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    path = _decisions(tmp_path, "abc,,,corrected,-5,,jdoe,2026-2-01,", "abc,,,approved,,,,,")
    assert main(["decisions", "check", str(path),
                 "--reconciliation", str(tmp_path / "datasets")]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines()[1:] == [
        f"{path}:2:17: corrected_sigma_S_per_cm '-5' must be > 0 S/cm",
        f"{path}:2:26: decided_at '2026-2-01' is not a valid ISO date (YYYY-MM-DD) or date and "
        f"time (YYYY-MM-DDTHH:MM[:SS][+HH:MM])",
        f"{path}:3:7: decision 'approved' is not one of accepted, rejected, corrected",
        f"{path}: 3 problems",
    ]


def test_cli_decisions_check_ids_against_latest_reconciliation(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "datasets"
    _publish_reconciliation(root, "abc", ["r1"], ["C1"])
    path = _decisions(tmp_path, "abc,,,accepted,,,,,", "stale,,,accepted,,,,,",
                      ",r1,C9,rejected,,,,,")
    assert main(["decisions", "check", str(path), "--reconciliation", str(root)]) == 1
    err = capsys.readouterr().err.splitlines()
    source = f"{root}/reconciliation/version=0001"
    assert err == [f"ids checked against {source}",
                   f"{path}:3:1: reconciliation_id 'stale' names nothing in {source}",
                   f"{path}:4:5: curated_id 'C9' names nothing in {source}",
                   f"{path}: 2 problems"]


def test_cli_decisions_check_missing_file(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "absent.csv"
    assert main(["decisions", "check", str(path)]) == 1
    assert capsys.readouterr().err.startswith(f"{path}: no such file")


def test_cli_decisions_check_problem_ids_in_any_case(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    """Problem ids are checked against the latest ``problems`` version; one shown upper-case
    in the report is accepted, an unknown one is reported where it stands."""
    from tests.extractors.test_problems import _slip

    _, out = _slip()
    settings = PublishSettings(root=str(tmp_path / "datasets"))
    for name, frame in (("reconciliation", out.reconciliation), ("problems", out.problems)):
        publish_dataset(name, frame, settings=settings, source_documents=[],
                        code_version="test")
    pid = str(out.problems["problem_id"].iloc[0])
    path = tmp_path / "decisions.csv"
    path.write_text(f"problem_id,{HEADER}\n{pid.upper()},,,,accepted,,,,,\n"
                    "PFFFF,,,,accepted,,,,,\n", encoding="utf-8")
    assert main(["decisions", "check", str(path), "--reconciliation", settings.root]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0].endswith("/problems/version=0001")
    assert err[1:] == [f"{path}:3:1: problem_id 'PFFFF' names nothing in "
                       f"{err[0].removeprefix('ids checked against ')}", f"{path}: 1 problem"]
