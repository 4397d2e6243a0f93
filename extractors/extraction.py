"""One document end to end: layout, tables, mentions. The same calls the Dagster assets make."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from extractors import EXTRACTOR_VERSION, mentions, tables
from extractors.citations import document_to_references, resolve_citations
from extractors.document import Document
from extractors.document_facts import document_to_facts
from extractors.errors import DocumentError, EncryptedPdfError
from extractors.layout import read_document, sha256_of
from extractors.records import ConductivityRecord, records_to_frame
from extractors.schemas import CELL_COLUMNS, DOCUMENT_COLUMNS
from extractors.works import document_to_work_id, with_work_id


@dataclass(frozen=True)
class DocumentExtraction:
    """What one PDF yields: its ``documents`` row, its records and its table cells."""

    document: dict[str, Any]
    records: pd.DataFrame
    cells: pd.DataFrame

    @property
    def failed(self) -> bool:
        return bool(self.document["status"] != "ok")


def document_to_row(path: Path, doc: Document | None, n_records: int | None,
                    error: DocumentError | None = None) -> dict[str, Any]:
    """The ``documents`` dataset row of a PDF, read or failed."""
    return {
        "doc_sha256": doc.sha256 if doc else sha256_of(path),
        "doc_name": path.name,
        "size_bytes": path.stat().st_size,
        "pages": doc.n_pages if doc else None,
        "title": doc.title if doc else None,
        "doi": doc.doi if doc else None,
        "work_id": document_to_work_id(doc) if doc else None,
        "status": "ok" if error is None else "failed",
        "error": None if error is None else f"{error.reason}: {error.detail}",
        "n_records": n_records,
        "extractor_version": EXTRACTOR_VERSION,
        "unmapped_share": doc.unmapped_share if doc else None,
        "encrypted": doc.encrypted if doc else (True if isinstance(error, EncryptedPdfError)
                                                else None),
    }


def records_of_document(doc: Document, records: list[ConductivityRecord]) -> pd.DataFrame:
    """Records as the dataset frame, tagged with their work and the DOIs they cite."""
    frame = with_work_id(records_to_frame(records), document_to_work_id(doc))
    return resolve_citations(frame, document_to_references(doc))


def document_to_records(doc: Document, nlp: Any) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Table and text records of a read document, and its table cells."""
    found = tables.document_to_tables(doc)
    facts = document_to_facts(doc)
    records = tables.tables_to_records(doc, found, facts) + mentions.document_to_records(doc, nlp)
    return records_of_document(doc, records), tables.tables_to_cells(doc, found)


def extract_document(path: Path | str, nlp: Any = None) -> DocumentExtraction:
    """Extract one PDF; a PDF that cannot be read gives a ``failed`` row, not an exception."""
    path = Path(path)
    try:
        doc = read_document(path)
    except DocumentError as exc:
        return DocumentExtraction(document_to_row(path, None, None, exc), records_to_frame([]),
                                  pd.DataFrame(columns=list(CELL_COLUMNS)))
    records, cells = document_to_records(doc, nlp if nlp is not None else mentions.load_nlp())
    return DocumentExtraction(document_to_row(path, doc, len(records)), records, cells)


def rows_to_documents(rows: list[dict[str, Any]], records: pd.DataFrame) -> pd.DataFrame:
    """The ``documents`` dataset: one row per PDF, ``n_records`` counted in ``records``.

    Rows come from :func:`document_to_row` before extraction; a read document with no records
    gets 0, a failed one keeps null.
    """
    frame = pd.DataFrame(rows, columns=list(DOCUMENT_COLUMNS))
    counts = records["doc_sha256"].value_counts()
    ok = frame["status"] == "ok"
    frame["n_records"] = frame["doc_sha256"].map(counts).fillna(0).where(ok).astype("Int32")
    return frame
