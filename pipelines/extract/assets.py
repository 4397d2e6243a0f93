"""Per document: tables (cells and records) and text mentions; per corpus: the gathered frames.

The corpus assets read every partition that exists: a PDF that could not be read has no
records partition, and ``allow_missing_partitions`` lets the others through. Partitions are
gathered in key order so an unchanged corpus gives an unchanged frame (and no new version).
"""

import dagster as dg
import pandas as pd

from extractors import mentions, tables
from extractors.document import Document
from extractors.extraction import records_of_document
from extractors.records import records_to_frame
from extractors.schemas import CELL_COLUMNS
from extractors.tables import Table
from pipelines.code_version import CODE_VERSION
from pipelines.extract.resources import SpacyNlp
from pipelines.ingest.partitions import document_partitions
from pipelines.metadata import frame_metadata

_PER_DOCUMENT = {"partitions_def": document_partitions, "group_name": "extract",
                 "code_version": CODE_VERSION}
_ALL_READ = {"allow_missing_partitions": True}


@dg.asset(**_PER_DOCUMENT, kinds={"pdfplumber"})
def found_tables(context: dg.AssetExecutionContext, layout: Document) -> list[Table]:
    """Structured tables of the document (a table continued over pages is one table)."""
    found = tables.document_to_tables(layout)
    context.add_output_metadata({"n_tables": len(found)})
    return found


@dg.asset(**_PER_DOCUMENT, kinds={"pandas"})
def table_cells(context: dg.AssetExecutionContext, layout: Document,
                found_tables: list[Table]) -> pd.DataFrame:
    """One row per table cell, with its row, column, page and box."""
    df = tables.tables_to_cells(layout, found_tables)
    context.add_output_metadata(frame_metadata(df))
    return df


@dg.asset(**_PER_DOCUMENT, kinds={"pandas"})
def table_records(context: dg.AssetExecutionContext, layout: Document,
                  found_tables: list[Table]) -> pd.DataFrame:
    """Conductivity records read from the document's tables."""
    df = records_of_document(layout, tables.tables_to_records(layout, found_tables))
    context.add_output_metadata(frame_metadata(df))
    return df


@dg.asset(**_PER_DOCUMENT, kinds={"spacy"})
def text_records(context: dg.AssetExecutionContext, layout: Document,
                 nlp: SpacyNlp) -> pd.DataFrame:
    """Conductivity records stated in the running text and captions."""
    df = records_of_document(layout, mentions.document_to_records(layout, nlp.load()))
    context.add_output_metadata(frame_metadata(df))
    return df


def _gather(document: dict[str, dict[str, object]], empty: pd.DataFrame,
            *parts: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Concatenate, by partition key, the parts of documents whose latest row says ``ok``
    (a document that fails under new code may still have outputs of the old code on disk)."""
    read = {key for key, row in document.items() if row["status"] == "ok"}
    frames = [part[key] for part in parts for key in sorted(part) if key in read and len(part[key])]
    return pd.concat(frames, ignore_index=True) if frames else empty


@dg.asset(group_name="extract", kinds={"pandas"},
          ins={"document": dg.AssetIn(metadata=_ALL_READ),
               "table_records": dg.AssetIn(metadata=_ALL_READ),
               "text_records": dg.AssetIn(metadata=_ALL_READ)})
def conductivity(context: dg.AssetExecutionContext, document: dict[str, dict[str, object]],
                 table_records: dict[str, pd.DataFrame],
                 text_records: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Every record of every document read: table records, then text records, by key."""
    df = _gather(document, records_to_frame([]), table_records, text_records)
    context.add_output_metadata(frame_metadata(df))
    return df


@dg.asset(name="tables", group_name="extract", kinds={"pandas"},
          ins={"document": dg.AssetIn(metadata=_ALL_READ),
               "table_cells": dg.AssetIn(metadata=_ALL_READ)})
def all_tables(context: dg.AssetExecutionContext, document: dict[str, dict[str, object]],
               table_cells: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Every table cell of every document read, in partition-key order."""
    df = _gather(document, pd.DataFrame(columns=list(CELL_COLUMNS)), table_cells)
    context.add_output_metadata(frame_metadata(df))
    return df
