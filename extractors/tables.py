"""Tables: structure ruled table regions into cells and read conductivity records from them.

(Placeholder interface; the table extractor fills it in.)
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from extractors.document import Document
from extractors.records import ConductivityRecord

CELL_COLUMNS = ("doc_sha256", "doc_name", "table_id", "page", "row", "col", "text", "is_header",
                "x0", "top", "x1", "bottom", "caption")


@dataclass(frozen=True)
class Table:
    """A structured table (possibly continued over pages)."""

    table_id: str


def document_to_tables(doc: Document) -> list[Table]:
    """Structured tables of a document."""
    return []


def tables_to_cells(doc: Document, tables: list[Table]) -> pd.DataFrame:
    """One row per table cell (the ``tables`` dataset)."""
    return pd.DataFrame(columns=list(CELL_COLUMNS))


def tables_to_records(doc: Document, tables: list[Table]) -> list[ConductivityRecord]:
    """Conductivity records read from the tables."""
    return []
