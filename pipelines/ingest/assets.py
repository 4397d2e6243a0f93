"""Per document: the PDF read into blocks and its ``documents`` row; per corpus: all rows."""

from collections.abc import Iterator

import dagster as dg
import pandas as pd

from extractors import layout
from extractors.errors import DocumentError
from extractors.extraction import document_to_row, rows_to_documents
from pipelines.code_version import CODE_VERSION
from pipelines.ingest.partitions import document_partitions
from pipelines.ingest.resources import PdfFolder
from pipelines.metadata import frame_metadata


@dg.multi_asset(
    outs={
        "document": dg.AssetOut(
            group_name="ingest", code_version=CODE_VERSION, kinds={"pdf"},
            description="The PDF's `documents` row: sha256, name, pages, title, DOI, and "
                        "`failed` with the reason when it cannot be read."),
        "layout": dg.AssetOut(
            group_name="ingest", code_version=CODE_VERSION, kinds={"pdfplumber"},
            description="The PDF read into blocks in reading order (extractors.layout)."),
    },
    partitions_def=document_partitions,
)
def read_pdf(context: dg.AssetExecutionContext,
             pdfs: PdfFolder) -> Iterator[dg.Output[object]]:
    """An unreadable PDF still yields its ``failed`` row, then fails its partition."""
    path = pdfs.path_of(context.partition_key)
    try:
        doc = layout.read_document(path)
    except DocumentError as exc:
        yield dg.Output(document_to_row(path, None, None, exc), "document",
                        metadata={"status": "failed", "error": f"{exc.reason}: {exc.detail}"})
        raise dg.Failure(description=f"{path.name}: {exc.reason}: {exc.detail}",
                         metadata={"path": str(path), "reason": exc.reason},
                         allow_retries=False) from exc
    yield dg.Output(document_to_row(path, doc, None), "document",
                    metadata={"status": "ok", "pages": doc.n_pages, "title": doc.title or "",
                              "doi": doc.doi or ""})
    yield dg.Output(doc, "layout", metadata={"pages": doc.n_pages, "blocks": len(doc.blocks),
                                             "encrypted": doc.encrypted})


@dg.asset(group_name="ingest", kinds={"pandas"},
          ins={"document": dg.AssetIn(metadata={"allow_missing_partitions": True})})
def documents(context: dg.AssetExecutionContext, document: dict[str, dict[str, object]],
              conductivity: pd.DataFrame) -> pd.DataFrame:
    """One row per registered PDF, read or failed, with its number of records."""
    df = rows_to_documents([document[key] for key in sorted(document)], conductivity)
    context.add_output_metadata({**frame_metadata(df, "documents"),
                                 "n_failed": int((df["status"] == "failed").sum())})
    return df
