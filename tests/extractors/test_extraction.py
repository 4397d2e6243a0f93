"""One PDF end to end, as `ionlit extract` and the Dagster assets run it."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from extractors import extraction, report
from extractors.extraction import extract_document
from extractors.schemas import frame_to_table
from extractors.spreadsheet import frame_to_safe_csv, neutralise_cell
from pipelines import cli
from tests.conftest import SEEDS, shared_path
from tests.pdfbuild import Page, Words, sup, write_pdf


def test_extraction_failed_pdf_gives_a_failed_row(tmp_path: Path) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"This is not a valid PDF file at all.")
    result = extract_document(path)
    assert result.failed
    assert result.document["status"] == "failed"
    assert result.document["error"].startswith("not a PDF")
    assert result.records.empty


def test_extraction_records_encryption_even_when_text_extracts() -> None:
    pdf = shared_path("corpus", "bad", "pypdf-r6-user-password-empty-owner.pdf")
    result = extract_document(pdf)
    assert not result.failed
    assert result.document["encrypted"] is True


def test_extraction_password_pdf_fails_as_encrypted() -> None:
    result = extract_document(shared_path("corpus", "bad", "pdfplumber-password-test.pdf"))
    assert result.failed
    assert result.document["encrypted"] is True
    assert result.document["error"].startswith("encrypted")


def test_extraction_records_fit_the_published_schema() -> None:
    result = extract_document(SEEDS / "pdfs" / "replica-2col.pdf")
    assert len(result.records) > 50
    assert set(result.records["source"]) == {"table", "text"}
    frame_to_table("conductivity", result.records)
    frame_to_table("tables", result.cells)


# --------------------------------------------------------------------------- issue #11


def _injection_pdf(path: Path) -> Path:
    page = Page().text(72, 100, '=HYPERLINK("http://evil.example","x") Li7P3S11 showed a '
                                "conductivity of")
    page.text(72, 112, "1.7 × 10", sup("-2"), " S cm", sup("-1"), " at 25 °C.")
    return write_pdf(path, [page])


def test_extraction_never_raises_for_a_path(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "fifo.pdf")
    (tmp_path / "folder.pdf").mkdir()
    for name, reason in (("fifo.pdf", "not a file"), ("folder.pdf", "not a file"),
                         ("missing.pdf", "not a file")):
        result = extract_document(tmp_path / name)
        assert result.failed and not result.bug
        assert result.document["error"].startswith(reason)
        assert result.document["doc_name"] == name
        assert result.document["size_bytes"] == 0


def test_extraction_bug_in_our_code_is_told_apart(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_: object) -> None:
        raise ZeroDivisionError("oops")

    monkeypatch.setattr(extraction, "document_to_outputs", broken)
    result = extract_document(_injection_pdf(tmp_path / "ok.pdf"))
    assert result.failed and result.bug
    assert result.document["error"] == "internal error: ZeroDivisionError: oops"
    assert result.document["pages"] == 1


def test_extraction_cli_writes_good_records_beside_bad_files(tmp_path: Path) -> None:
    """Issue #11: beside a broken file ``ionlit extract`` wrote nothing at all."""
    good = _injection_pdf(tmp_path / "good.pdf")
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(good.read_bytes()[:400])
    (tmp_path / "folder.pdf").mkdir()
    out, docs = tmp_path / "out.csv", tmp_path / "docs.csv"
    code = cli.main(["extract", str(broken), str(tmp_path / "folder.pdf"), str(good),
                     "--out", str(out), "--documents", str(docs), "--timeout", "60"])
    assert code == cli.EXIT_FAILED_PDFS
    records = pd.read_csv(out)
    assert len(records) == 1
    assert records["evidence"][0].startswith("'=HYPERLINK(")  # shown as text, never run
    documents = pd.read_csv(docs)
    assert list(documents["status"]) == ["failed", "failed", "ok"]
    assert documents["error"][0].startswith("malformed PDF")


def test_extraction_cli_exit_3_for_a_bug(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_: object) -> None:
        raise ZeroDivisionError("oops")

    monkeypatch.setattr(extraction, "document_to_outputs", broken)
    code = cli.main(["extract", str(_injection_pdf(tmp_path / "ok.pdf")),
                     "--out", str(tmp_path / "out.parquet")])
    assert code == cli.EXIT_BUG
    assert pd.read_parquet(tmp_path / "out.parquet").empty


def test_extraction_csv_cells_neutralised_once_for_all() -> None:
    frame = pd.DataFrame({"evidence": ["=1+1", "+x", "-y", "@z", "\tq", "plain", None],
                          "sigma": [-1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]})
    text = frame_to_safe_csv(frame)
    assert text.splitlines()[1:6] == ["'=1+1,-1.0", "'+x,2.0", "'-y,3.0", "'@z,4.0", "'\tq,5.0"]
    assert report.neutralise_cell is neutralise_cell  # the report shares the one function


def test_extraction_tight_text_without_space_glyphs(tmp_path: Path) -> None:
    """Words set 0.08 em apart with no space glyphs are parted by the reader, so the sentence's
    value, material and temperature are read as in any other PDF."""
    page = Page().text(72, 100, Words("The sintered pellet of Li3PS4 showed an ionic", 0.08))
    page.text(72, 112, Words("conductivity of 2.5 × 10", 0.08), sup("-4"), Words(" S cm", 0.08),
              sup("-1"), Words(" at 25 °C, as the impedance spectra show.", 0.08))
    result = extract_document(write_pdf(tmp_path / "tight.pdf", [page]))
    (record,) = result.records.to_dict("records")
    assert record["sigma_S_per_cm"] == pytest.approx(2.5e-4)
    assert record["material_formula"] == "Li3PS4"
    assert record["temperature_K"] == pytest.approx(298.15)


def test_extraction_cli_escapes_control_codes_in_file_names(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A file name holding a terminal escape (retitle the window, erase the line) or a bidi
    override is printed escaped, whether the file is read or refused."""
    good = _injection_pdf(tmp_path / "good\x1b]0;pwned\x07.pdf")
    broken = tmp_path / "bro\u202eken.pdf"
    broken.write_bytes(b"not a pdf")
    cli.main(["extract", str(good), str(broken), "--out", str(tmp_path / "out.parquet")])
    err = capsys.readouterr().err
    assert "good\\x1b]0;pwned\\x07.pdf" in err and "bro\\u202eken.pdf: FAILED" in err
    assert "\x1b" not in err and "\u202e" not in err
