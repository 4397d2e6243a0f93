"""The PDF folder (observed) and, per document, the PDF read into blocks and its row.

Per-document outputs carry the data version of the content (:func:`document_data_version`)
and the code version; a partition already *current* (``partitions.is_current``) yields no
output, so a UI launch or a backfill of unchanged PDFs reads and extracts nothing (the step
succeeds, logs why, and the stored outputs stay the latest).
"""

from collections.abc import Iterator

import dagster as dg

from extractors.errors import DocumentError, ExtractorBugError
from extractors.extraction import document_to_row
from extractors.guarded import ReadLimits, read_document_guarded
from pipelines.automation import OWNERS, PER_DOCUMENT_TAGS, stage_tags
from pipelines.code_version import CODE_VERSION
from pipelines.defs.documents.partitions import (
    document_data_version,
    document_partitions,
    is_current,
)
from pipelines.defs.documents.resources import PdfFolder
from pipelines.defs.documents.sync import stamps_to_sync

STAGE = "documents"
TAGS = stage_tags(STAGE, PER_DOCUMENT_TAGS)


@dg.multi_observable_source_asset(
    specs=[dg.AssetSpec(
        "pdf_folder", group_name=STAGE, owners=OWNERS, kinds={"folder"},
        tags=stage_tags(STAGE, {"ionlit/scope": "corpus"}),
        description="The folder of input PDFs (`IONLIT_PDFS`, default `seeds/pdfs`). Its data "
                    "version hashes every file name and content: the corpus assets follow it, "
                    "so a removed or duplicated PDF republishes too.")])
def pdf_folder(pdfs: PdfFolder) -> dg.ObserveResult:
    """Observed by ``pdf_folder_sensor`` on every change, or by hand in the UI."""
    sync = stamps_to_sync(pdfs.stamps(), [])
    return dg.ObserveResult(data_version=dg.DataVersion(sync.folder_version),
                            metadata={"n_pdfs": len(sync.keys) + len(sync.aliases),
                                      "n_aliases": len(sync.aliases)})


def skip_if_current(context: dg.AssetExecutionContext) -> bool:
    """True (and says so in the log) when the partition needs no work."""
    if is_current(context.instance, context.partition_key, CODE_VERSION):
        context.log.info(f"{context.partition_key}: unchanged content and code "
                         f"({CODE_VERSION}): the stored outputs are kept, nothing extracted")
        return True
    return False


@dg.multi_asset(
    outs={
        "document": dg.AssetOut(
            group_name=STAGE, code_version=CODE_VERSION, kinds={"pdf"}, is_required=False,
            owners=OWNERS, tags=TAGS,
            description="The PDF's `documents` row: sha256, name, pages, title, DOI, and "
                        "`failed` with the reason when it cannot be read."),
        "layout": dg.AssetOut(
            group_name=STAGE, code_version=CODE_VERSION, kinds={"pdfplumber"}, is_required=False,
            owners=OWNERS, tags=TAGS,
            description="The PDF read into blocks in reading order (extractors.layout)."),
    },
    partitions_def=document_partitions,
)
def read_pdf(context: dg.AssetExecutionContext,
             pdfs: PdfFolder) -> Iterator[dg.Output[object]]:
    """An unreadable PDF still yields its ``failed`` row, then fails its partition.

    The PDF is read in a worker process under the limits of ``IONLIT_READ_*`` (time, pages,
    memory, file size: :class:`extractors.guarded.ReadLimits`), so no PDF can stall or exhaust
    the run; a bug in our own code is recorded the same way, with its own reason.
    """
    if skip_if_current(context):
        return
    path = pdfs.path_of(context.partition_key)
    limits = ReadLimits.from_env()
    try:
        doc = read_document_guarded(path, limits=limits)
    except (DocumentError, ExtractorBugError) as exc:
        row = document_to_row(path, None, None, exc, limits)
        yield dg.Output(row, "document",
                        data_version=document_data_version(row["doc_sha256"], CODE_VERSION),
                        metadata={"status": "failed", "error": f"{exc.reason}: {exc.detail}"})
        raise dg.Failure(description=f"{path.name}: {exc.reason}: {exc.detail}",
                         metadata={"path": str(path), "reason": exc.reason},
                         allow_retries=False) from exc
    version = document_data_version(doc.sha256, CODE_VERSION)
    yield dg.Output(document_to_row(path, doc, None), "document", data_version=version,
                    metadata={"status": "ok", "pages": doc.n_pages, "title": doc.title or "",
                              "doi": doc.doi or ""})
    yield dg.Output(doc, "layout", data_version=version,
                    metadata={"pages": doc.n_pages, "blocks": len(doc.blocks),
                              "encrypted": doc.encrypted})
