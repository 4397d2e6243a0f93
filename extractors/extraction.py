"""One document end to end: layout, tables, mentions. The same calls the Dagster assets make."""

from __future__ import annotations

import hashlib
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from extractors import EXTRACTOR_VERSION, mentions, tables
from extractors.citations import resolve_citations
from extractors.document import Document, TableSkip
from extractors.document_facts import DocumentFacts, document_to_facts
from extractors.errors import (
    DocumentError,
    EncryptedPdfError,
    ExtractorBugError,
    NoTextLayerError,
)
from extractors.guarded import ReadLimits, read_document_guarded
from extractors.layout import LayoutSettings, sha256_of
from extractors.records import ConductivityRecord, records_to_frame
from extractors.schemas import CELL_COLUMNS, DOCUMENT_COLUMNS
from extractors.works import document_to_work_id, with_work_id

#: ``doc_sha256`` of a path with no bytes to hash (missing, a folder, a FIFO, over the size
#: limit): the sha256 of nothing, as the column is not nullable.
NO_BYTES_SHA256 = hashlib.sha256(b"").hexdigest()

Failure = DocumentError | ExtractorBugError


@dataclass(frozen=True)
class DocumentExtraction:
    """What one PDF yields: its ``documents`` row, its records and its table cells.

    ``error`` is why it failed: a :class:`DocumentError` for a file that cannot be read (a
    classified failure), an :class:`ExtractorBugError` for a bug in ionlit.
    """

    document: dict[str, Any]
    records: pd.DataFrame
    cells: pd.DataFrame
    error: Failure | None = None

    @property
    def failed(self) -> bool:
        return bool(self.document["status"] != "ok")

    @property
    def bug(self) -> bool:
        return isinstance(self.error, ExtractorBugError)


def _sha256_or_nothing(path: Path, limits: ReadLimits) -> str:
    try:
        return sha256_of(path, limits.max_bytes)
    except DocumentError:
        return NO_BYTES_SHA256


def _size_of(path: Path) -> int:
    """Bytes of a regular file; 0 for anything else (the row is written all the same)."""
    try:
        st = path.stat()
    except OSError:  # missing, a symlink loop, no permission
        return 0
    return st.st_size if stat.S_ISREG(st.st_mode) else 0


def document_to_row(path: Path, doc: Document | None, n_records: int | None,
                    error: Failure | None = None,
                    limits: ReadLimits | None = None, *,
                    skipped_tables: Sequence[TableSkip] = ()) -> dict[str, Any]:
    """The ``documents`` dataset row of a PDF, read or failed; never raises for a bad path.

    ``skipped_tables``: the tables left out because reading them raised (known only once the
    tables are read; the Dagster ``documents`` asset fills them in from ``table_skips``).
    """
    return {
        "doc_sha256": doc.sha256 if doc else _sha256_or_nothing(path, ReadLimits.resolve(limits)),
        "doc_name": path.name,
        "size_bytes": _size_of(path),
        "pages": doc.n_pages if doc else None,
        "title": doc.title if doc else None,
        "doi": doc.doi if doc else None,
        "work_id": document_to_work_id(doc) if doc else None,
        "status": "ok" if error is None else "failed",
        "error": None if error is None else f"{error.reason}: {error.detail}",
        "n_records": n_records,
        "extractor_version": EXTRACTOR_VERSION,
        "text_layer": doc.text_layer if doc else (
            "none" if isinstance(error, NoTextLayerError) else None),
        "text_source": doc.text_source if doc else None,
        "ocr_pages": ",".join(map(str, doc.ocr_pages)) or None if doc else None,
        "off_page_chars": doc.off_page_chars if doc else None,
        "unmapped_share": doc.unmapped_share if doc else None,
        "encrypted": doc.encrypted if doc else (True if isinstance(error, EncryptedPdfError)
                                                else None),
        "skipped_tables": tables.skips_to_text(skipped_tables),
    }


def records_of_document(facts: DocumentFacts,
                        records: list[ConductivityRecord]) -> pd.DataFrame:
    """Records as the dataset frame, tagged with their work and the DOIs they cite (both
    read once per document, in ``facts``).

    Raises:
        ValueError: ``facts`` without a work (made from text alone, not by
            :func:`document_to_facts`).
    """
    if facts.work_id is None:
        raise ValueError("these facts name no work: read them with document_to_facts(doc)")
    frame = with_work_id(records_to_frame(records), facts.work_id)
    return resolve_citations(frame, facts.reference_map)


def document_to_outputs(doc: Document, nlp: Any,
                        ) -> tuple[pd.DataFrame, pd.DataFrame, tuple[TableSkip, ...]]:
    """Table and text records of a read document, its table cells, and the tables skipped
    because one raised (each table is its own failure domain, as in the Dagster assets)."""
    found = tables.document_to_tables(doc)
    facts = document_to_facts(doc)
    table_records, skips = tables.read_tables(doc, found, facts)
    records = table_records + mentions.document_to_records(doc, nlp, facts)
    return records_of_document(facts, records), tables.tables_to_cells(doc, found), skips


def document_to_records(doc: Document, nlp: Any) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Table and text records of a read document, and its table cells."""
    records, cells, _ = document_to_outputs(doc, nlp)
    return records, cells


def extract_document(path: Path | str, nlp: Any = None, *,
                     limits: ReadLimits | None = None,
                     settings: LayoutSettings | None = None) -> DocumentExtraction:
    """Extract one PDF; a PDF that cannot be read gives a ``failed`` row, not an exception.

    The PDF is read under ``limits`` (the defaults of :class:`ReadLimits` when None) in a
    worker process (:func:`read_document_guarded`). Nothing a file can do makes this raise: a
    file that cannot be read gives ``error`` a :class:`DocumentError`, and an exception in
    ionlit's own code gives an :class:`ExtractorBugError`, both with a ``failed`` row.
    """
    path = Path(path)
    limits = ReadLimits.resolve(limits)
    try:
        doc = read_document_guarded(path, settings, limits)
    except (DocumentError, ExtractorBugError) as exc:
        return _failed(path, exc, limits)
    try:
        records, cells, skips = document_to_outputs(
            doc, nlp if nlp is not None else mentions.load_nlp())
    except Exception as exc:  # a bug of ours on this document; the run goes on without it
        return _failed(path, ExtractorBugError(str(path), f"{type(exc).__name__}: {exc}"),
                       limits, doc)
    return DocumentExtraction(document_to_row(path, doc, len(records), skipped_tables=skips),
                              records, cells)


def _failed(path: Path, error: Failure, limits: ReadLimits,
            doc: Document | None = None) -> DocumentExtraction:
    row = document_to_row(path, None, None, error, limits)
    if doc is not None:
        row["doc_sha256"], row["pages"] = doc.sha256, doc.n_pages
    return DocumentExtraction(row, records_to_frame([]), pd.DataFrame(columns=list(CELL_COLUMNS)),
                              error)


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
