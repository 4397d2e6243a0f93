"""The corpus's statements compared with each other and the curated values, the curators'
decisions applied, the curated view, and the curators' report (HTML + CSV)."""

from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
import pandas as pd

from extractors import reconcile, report
from extractors.errors import DecisionError
from extractors.publish import latest_version
from extractors.schemas import SCHEMAS
from pipelines.ingest.resources import PdfFolder
from pipelines.metadata import frame_metadata
from pipelines.publish.resources import DatasetStore
from pipelines.reconcile.resources import CuratedSources


def _one_line(exc: DecisionError) -> str:
    """``file:line:column: message``, and how many more problems ``decisions check`` lists."""
    if not exc.problems:
        return str(exc).splitlines()[0]
    more = len(exc.problems) - 1
    return str(exc.problems[0]) + (f" (and {more} more: run `ionlit decisions check`)"
                                   if more else "")


@dg.asset(group_name="reconcile", kinds={"csv"})
def decisions(context: dg.AssetExecutionContext, curated: CuratedSources) -> pd.DataFrame:
    """The curators' decisions, validated: a bad file stops the run before anything publishes."""
    try:
        df = curated.load_decisions()
    except DecisionError as exc:
        raise dg.Failure(description=_one_line(exc), allow_retries=False,
                         metadata={"problems": dg.MetadataValue.md(str(exc))}) from exc
    context.add_output_metadata({"n_decisions": len(df)})
    return df


@dg.asset(group_name="reconcile", kinds={"pandas"})
def reconciliation(context: dg.AssetExecutionContext, conductivity: pd.DataFrame,
                   decisions: pd.DataFrame, curated: CuratedSources) -> pd.DataFrame:
    """One row per comparison of two statements of a material, decisions applied."""
    try:
        df = reconcile.reconcile(conductivity, curated.load_curated(), decisions)
    except DecisionError as exc:
        raise dg.Failure(description=str(exc), allow_retries=False) from exc
    context.add_output_metadata({**frame_metadata(df, "reconciliation"),
                                 **reconcile.summarise_reconciliation(df)})
    return df


@dg.asset(group_name="reconcile", kinds={"pandas"})
def curated_view(context: dg.AssetExecutionContext, conductivity: pd.DataFrame,
                 reconciliation: pd.DataFrame) -> pd.DataFrame:
    """Every record with the value to use after curation (accepted, rejected, corrected)."""
    df = reconcile.curated_view(conductivity, reconciliation)
    context.add_output_metadata({**frame_metadata(df, "curated"),
                                 "n_decided": int(df["decision"].notna().sum())})
    return df


@dg.asset(group_name="reconcile", kinds={"html"},
          deps=[f"{name}_dataset" for name in SCHEMAS])
def reconciliation_report(reconciliation: pd.DataFrame, conductivity: pd.DataFrame,
                          documents: pd.DataFrame, curated: CuratedSources, pdfs: PdfFolder,
                          store: DatasetStore) -> dg.MaterializeResult:
    """The curators' report: conflicts first, each with both values, the page crops and a plot.

    Written after the datasets are published, so its header names the versions it shows.
    """
    context = report.ReportContext(
        generated_at=datetime.now(UTC).isoformat(timespec="seconds"),
        dataset_versions={name: latest_version(name, store.settings()) or "none"
                          for name in SCHEMAS},
        documents=documents)
    folder = Path(pdfs.folder).resolve()
    paths = {str(r.doc_sha256): folder / str(r.doc_name) for r in documents.itertuples()
             if (folder / str(r.doc_name)).is_file()}
    html = report.reconciliation_to_html(reconciliation, conductivity, curated.load_curated(),
                                         context, pdf_paths=paths)
    html_path, csv_path = store.write_report(html, report.reconciliation_to_csv(reconciliation))
    counts = reconcile.summarise_reconciliation(reconciliation)
    return dg.MaterializeResult(metadata={
        "path": dg.MetadataValue.path(html_path), "csv": dg.MetadataValue.path(csv_path),
        "summary": dg.MetadataValue.md("\n".join(
            ["| status | rows |", "|---|---|"]
            + [f"| {status} | {n} |" for status, n in counts.items() if n]))})
