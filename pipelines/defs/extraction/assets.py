"""Per document: its facts, tables (cells and records) and text mentions; per corpus: the
gathered frames.

``document_facts`` (abbreviations, sample codes, templates the paper defines) is read once per
document and handed to both the table and the text records, so a name defined anywhere in the
paper resolves the same way in a table cell and in a sentence.

The corpus assets read every partition that exists: a PDF that could not be read has no
records partition, and ``allow_missing_partitions`` lets the others through. Partitions are
gathered in key order so an unchanged corpus gives an unchanged frame (and no new version).
Files with the same bytes as another (aliases, ``documents/sync.py``) have no partition; the
``documents`` frame gives each its own row, pointing to the first file.
"""

from collections.abc import Iterator

import dagster as dg
import pandas as pd

from extractors import mentions, tables
from extractors.document import Document, TableSkip
from extractors.document_facts import DocumentFacts, document_to_facts
from extractors.extraction import records_of_document, rows_to_documents
from extractors.records import records_to_frame
from extractors.schemas import CELL_COLUMNS
from extractors.tables import Table
from pipelines.automation import (
    CORPUS_TAGS,
    FOLLOW_PARENTS,
    OWNERS,
    PER_DOCUMENT_TAGS,
    stage_tags,
)
from pipelines.code_version import CODE_VERSION, GATHER_CODE_VERSION
from pipelines.defs.documents.assets import skip_if_current
from pipelines.defs.documents.partitions import document_data_version, document_partitions
from pipelines.defs.documents.resources import PdfFolder
from pipelines.defs.documents.sync import stamps_to_aliases
from pipelines.defs.extraction.resources import SpacyNlp
from pipelines.metadata import examples, frame_data_version, frame_metadata

STAGE = "extraction"
_PER_DOCUMENT = {"partitions_def": document_partitions, "group_name": STAGE,
                 "code_version": CODE_VERSION, "output_required": False, "owners": OWNERS,
                 "tags": stage_tags(STAGE, PER_DOCUMENT_TAGS)}
_CORPUS = {"group_name": STAGE, "code_version": GATHER_CODE_VERSION, "owners": OWNERS,
           "tags": stage_tags(STAGE, CORPUS_TAGS), "automation_condition": FOLLOW_PARENTS,
           "deps": ["pdf_folder"]}
_ALL_READ = {"allow_missing_partitions": True}


def _output(layout: Document, value: object, metadata: dict[str, object],
            output_name: str = "result") -> dg.Output[object]:
    """The output with the data version of its document (content read by this code)."""
    return dg.Output(value, output_name, metadata=metadata,
                     data_version=document_data_version(layout.sha256, CODE_VERSION))


@dg.asset(**_PER_DOCUMENT, kinds={"python"})
def document_facts(context: dg.AssetExecutionContext,
                   layout: Document) -> Iterator[dg.Output[object]]:
    """What the document defines once: abbreviations, sample codes, composition templates."""
    if skip_if_current(context):
        return
    facts = document_to_facts(layout)
    yield _output(layout, facts, {"n_abbreviations": len(facts.abbreviations),
                                  "n_templates": len(facts.templates),
                                  "abbreviations": examples([f"{name} = {formula}" for name, formula
                                                             in facts.abbreviations])})


@dg.asset(**_PER_DOCUMENT, kinds={"pdfplumber"})
def found_tables(context: dg.AssetExecutionContext,
                 layout: Document) -> Iterator[dg.Output[object]]:
    """Structured tables of the document (a table continued over pages is one table)."""
    if skip_if_current(context):
        return
    found = tables.document_to_tables(layout)
    yield _output(layout, found, {"n_tables": len(found)})


@dg.asset(**_PER_DOCUMENT, kinds={"pandas"})
def table_cells(context: dg.AssetExecutionContext, layout: Document,
                found_tables: list[Table]) -> Iterator[dg.Output[object]]:
    """One row per table cell, with its row, column, page and box."""
    if skip_if_current(context):
        return
    df = tables.tables_to_cells(layout, found_tables)
    yield _output(layout, df, frame_metadata(df))


def _per_document_out(kinds: set[str], description: str) -> dg.AssetOut:
    """An output of a per-document multi-asset, set up as ``_PER_DOCUMENT`` sets an asset."""
    return dg.AssetOut(group_name=STAGE, code_version=CODE_VERSION, is_required=False,
                       owners=OWNERS, tags=_PER_DOCUMENT["tags"], kinds=kinds,
                       description=description)


@dg.multi_asset(
    outs={"table_records": _per_document_out(
              {"pandas"}, "Conductivity records read from the document's tables."),
          "table_skips": _per_document_out(
              {"python"}, "Tables of the document skipped because finding, structuring or "
                          "reading them raised (each table is its own failure domain); the "
                          "`documents` row lists them.")},
    partitions_def=document_partitions)
def table_records(context: dg.AssetExecutionContext, layout: Document,
                  found_tables: list[Table],
                  document_facts: DocumentFacts) -> Iterator[dg.Output[object]]:
    """Conductivity records read from the document's tables, one table at a time: a table
    that raises is skipped (``table_skips``), never the document (as ``ionlit extract``)."""
    if skip_if_current(context):
        return
    records, skips = tables.read_tables(layout, found_tables, document_facts)
    df = records_of_document(document_facts, records)
    yield _output(layout, df, frame_metadata(df), "table_records")
    yield _output(layout, list(skips), {"n_skipped": len(skips),
                                        "skipped": examples([str(s) for s in skips])},
                  "table_skips")


@dg.asset(**_PER_DOCUMENT, kinds={"spacy"})
def text_records(context: dg.AssetExecutionContext, layout: Document,
                 document_facts: DocumentFacts, nlp: SpacyNlp) -> Iterator[dg.Output[object]]:
    """Conductivity records stated in the running text and captions."""
    if skip_if_current(context):
        return
    df = records_of_document(document_facts, mentions.document_to_records(
        layout, nlp.load(), document_facts))
    yield _output(layout, df, frame_metadata(df))


def _gather(document: dict[str, dict[str, object]], empty: pd.DataFrame,
            *parts: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Concatenate, by partition key, the parts of documents whose latest row says ``ok``
    (a document that fails under new code may still have outputs of the old code on disk)."""
    read = {key for key, row in document.items() if row["status"] == "ok"}
    frames = [part[key] for part in parts for key in sorted(part) if key in read and len(part[key])]
    return pd.concat(frames, ignore_index=True) if frames else empty


def _corpus_output(df: pd.DataFrame, metadata: dict[str, object]) -> dg.Output[pd.DataFrame]:
    """The frame with a data version of its content."""
    return dg.Output(df, data_version=frame_data_version(df), metadata=metadata)


@dg.asset(**_CORPUS, kinds={"pandas"},
          ins={"document": dg.AssetIn(metadata=_ALL_READ),
               "table_records": dg.AssetIn(metadata=_ALL_READ),
               "text_records": dg.AssetIn(metadata=_ALL_READ)})
def conductivity(context: dg.AssetExecutionContext, document: dict[str, dict[str, object]],
                 table_records: dict[str, pd.DataFrame],
                 text_records: dict[str, pd.DataFrame]) -> dg.Output[pd.DataFrame]:
    """Every record of every document read: table records, then text records, by key."""
    df = _gather(document, records_to_frame([]), table_records, text_records)
    return _corpus_output(df, frame_metadata(df))


@dg.asset(name="tables", **_CORPUS, kinds={"pandas"},
          ins={"document": dg.AssetIn(metadata=_ALL_READ),
               "table_cells": dg.AssetIn(metadata=_ALL_READ)})
def all_tables(context: dg.AssetExecutionContext, document: dict[str, dict[str, object]],
               table_cells: dict[str, pd.DataFrame]) -> dg.Output[pd.DataFrame]:
    """Every table cell of every document read, in partition-key order."""
    df = _gather(document, pd.DataFrame(columns=list(CELL_COLUMNS)), table_cells)
    return _corpus_output(df, frame_metadata(df))


def rows_with_aliases(rows: list[dict[str, object]],
                      aliases: dict[str, str]) -> list[dict[str, object]]:
    """``rows`` plus one row per alias: the first file's row under the alias's name, with
    no records of its own (``n_records`` 0, set by ``rows_to_documents``' caller)."""
    by_name = {str(row["doc_name"]): row for row in rows}
    extra = [{**by_name[first], "doc_name": alias, "_alias_of": first}
             for alias, first in sorted(aliases.items()) if first in by_name]
    return sorted([*rows, *extra], key=lambda row: str(row["doc_name"]))


@dg.asset(**_CORPUS, kinds={"pandas"},
          ins={"document": dg.AssetIn(metadata=_ALL_READ),
               "table_skips": dg.AssetIn(metadata=_ALL_READ)})
def documents(context: dg.AssetExecutionContext, document: dict[str, dict[str, object]],
              table_skips: dict[str, list[TableSkip]], conductivity: pd.DataFrame,
              pdfs: PdfFolder) -> dg.Output[pd.DataFrame]:
    """One row per PDF of the folder, read, failed or alias, with its number of records and
    the tables skipped because one raised.

    An alias (same bytes as an earlier file name) gets the first file's row under its own
    name, ``status`` ``ok`` and ``n_records`` 0: its records are the first file's, once.
    """
    aliases = stamps_to_aliases(pdfs.stamps(), set(document))
    read = [{**document[key], "skipped_tables": tables.skips_to_text(table_skips.get(key, ()))}
            for key in sorted(document)]
    rows = rows_with_aliases(read, aliases)
    alias_names = [str(row["doc_name"]) for row in rows if "_alias_of" in row]
    df = rows_to_documents([{k: v for k, v in row.items() if k != "_alias_of"} for row in rows],
                           conductivity)
    df.loc[df["doc_name"].isin(alias_names), "n_records"] = 0
    return _corpus_output(df, {
        **frame_metadata(df, "documents"), "n_failed": int((df["status"] == "failed").sum()),
        "n_aliases": len(alias_names),
        "aliases": examples([f"{alias} = {first}" for alias, first in sorted(aliases.items())])})

