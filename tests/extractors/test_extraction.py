"""One PDF end to end, as `ionlit extract` and the Dagster assets run it."""

from __future__ import annotations

from pathlib import Path

from extractors.extraction import extract_document
from extractors.schemas import frame_to_table
from tests.conftest import SEEDS, shared_path


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
