"""The datasets (``extractors.schemas.SCHEMAS``), each published as an immutable version when
its content changed, and the curators' report naming the published versions.

Only the columns the dataset's schema declares are published; columns an extractor adds before
the schema knows them are listed in the ``unpublished_columns`` metadata (and ``matches_schema``
warns), so the published contract never changes silently. A frame that does not fit its schema
or repeats an id is not published: the asset reports the failed check and fails.

Data version of a ``*_dataset``: the published version (``version=NNNN``), which changes
exactly when the content does.
"""

from collections.abc import Iterator
from datetime import UTC, datetime

import dagster as dg
import pandas as pd

from extractors import reconcile, report, report_index
from extractors.publish import commit_corpus, latest_version, publish_dataset, read_corpus
from extractors.schemas import SCHEMAS
from pipelines.automation import (
    CORPUS_TAGS,
    DATASET_FRESHNESS,
    FOLLOW_PARENTS,
    OWNERS,
    stage_tags,
)
from pipelines.code_version import PUBLISH_CODE_VERSION, REPORT_CODE_VERSION
from pipelines.defs.documents.resources import PdfFolder
from pipelines.defs.publishing.checks import (
    ID_COLUMNS,
    SCHEMA_CHECK,
    UNIQUE_CHECK,
    publishable,
    schema_result,
    unique_ids_result,
)
from pipelines.defs.publishing.resources import DatasetStore
from pipelines.defs.reconciliation.resources import CuratedSources
from pipelines.metadata import frame_metadata

STAGE = "publishing"
TAGS = stage_tags(STAGE, CORPUS_TAGS)

#: The corpus asset each dataset is published from, where the names differ.
SOURCE_ASSETS = {"curated": "curated_view"}


def publish_asset(name: str) -> dg.AssetsDefinition:
    """The asset publishing the corpus frame ``name`` as dataset ``name``.

    Every dataset waits for the reconciliation and the curated view: a bad decisions file or a
    failed reconciliation publishes nothing, so the datasets never go out of step.
    """
    source = SOURCE_ASSETS.get(name, name)
    waits = [a for a in ("reconciliation", "problems", "consensus", "curated_view")
             if a != source]
    asset_name = f"{name}_dataset"

    @dg.asset(name=asset_name, group_name=STAGE, kinds={"parquet"}, owners=OWNERS, tags=TAGS,
              ins={"frame": dg.AssetIn(source)}, deps=waits, code_version=PUBLISH_CODE_VERSION,
              automation_condition=FOLLOW_PARENTS, freshness_policy=DATASET_FRESHNESS,
              check_specs=[
                  dg.AssetCheckSpec(SCHEMA_CHECK, asset=asset_name, description=(
                      f"The frame fits the `{name}` schema (extractors.schemas); ERROR: not "
                      "published, WARN: published without the undeclared columns.")),
                  dg.AssetCheckSpec(UNIQUE_CHECK, asset=asset_name, description=(
                      f"No two rows share an id ({', '.join(ID_COLUMNS[name])}); ERROR: "
                      "not published."))],
              description=f"The `{name}` dataset, published under "
                          f"`outputs/datasets/{name}/version=NNNN/` (`IONLIT_DATASETS`).")
    def _publish(context: dg.AssetExecutionContext, frame: pd.DataFrame,
                 store: DatasetStore) -> Iterator[dg.AssetCheckResult | dg.MaterializeResult]:
        df, extra = publishable(name, frame)
        checks = [schema_result(name, frame), unique_ids_result(name, df)]
        refused = [c for c in checks if not c.passed and c.severity == dg.AssetCheckSeverity.ERROR]
        if refused:
            yield from checks
            raise dg.Failure(description=f"{name}: not published: " + "; ".join(
                f"{c.check_name} failed" + (f" ({c.description})" if c.description else "")
                for c in refused), allow_retries=False)
        result = publish_dataset(name, df, settings=store.settings(),
                                 source_documents=sorted(df["doc_sha256"].dropna().unique())
                                 if "doc_sha256" in df else [],
                                 code_version=PUBLISH_CODE_VERSION)
        context.log.info(f"{name}: {result.version} "
                         f"({'new' if result.created else 'unchanged'}), {result.row_count} rows")
        yield dg.MaterializeResult(
            data_version=dg.DataVersion(result.version), check_results=checks, metadata={
                **frame_metadata(df, name), "version": result.version, "created": result.created,
                "parent_version": result.parent_version or "", "path": dg.MetadataValue.path(
                    result.path), "pruned": list(result.pruned), "unpublished_columns": extra})

    return _publish


published = [publish_asset(name) for name in SCHEMAS]


def summary_markdown(counts: dict[str, int]) -> str:
    """Rows per reconciliation status, as the Markdown table the UI previews."""
    return "\n".join(["| status | rows |", "|---|---|"]
                     + [f"| {status} | {n} |" for status, n in counts.items() if n])


@dg.asset(group_name=STAGE, kinds={"json"}, owners=OWNERS, tags=TAGS,
          code_version=PUBLISH_CODE_VERSION, automation_condition=FOLLOW_PARENTS,
          deps=[f"{name}_dataset" for name in SCHEMAS])
def corpus_snapshot(context: dg.AssetExecutionContext,
                    store: DatasetStore) -> dg.MaterializeResult:
    """The commit of a run: `_CORPUS.json` names the dataset versions that belong together.

    Written once every dataset of the run is published; a run that fails before (a bad PDF
    file is no failure, a bad decisions file is) commits nothing, and readers that follow the
    snapshot never see one run's `conductivity` beside another's `reconciliation`.
    """
    versions = {name: latest_version(name, store.settings()) for name in SCHEMAS}
    missing = sorted(name for name, version in versions.items() if version is None)
    if missing:
        raise dg.Failure(description=f"not published yet: {', '.join(missing)}")
    snapshot = commit_corpus({n: v for n, v in versions.items() if v}, store.settings(),
                             run_id=context.run_id)
    return dg.MaterializeResult(
        data_version=dg.DataVersion(",".join(f"{n}={v}" for n, v in snapshot.versions.items())),
        metadata={"versions": snapshot.versions, "created_at": snapshot.created_at})


@dg.asset(group_name=STAGE, kinds={"html"}, owners=OWNERS, tags=TAGS,
          code_version=REPORT_CODE_VERSION, automation_condition=FOLLOW_PARENTS,
          deps=["corpus_snapshot"])
def reconciliation_report(reconciliation: pd.DataFrame, problems: pd.DataFrame,
                          consensus: pd.DataFrame, conductivity: pd.DataFrame,
                          documents: pd.DataFrame, curated: CuratedSources, pdfs: PdfFolder,
                          store: DatasetStore) -> dg.MaterializeResult:
    """The curators' report: ``index.html`` (problems first, counts per material, the
    consensus) linking one page per material, and ``reconciliation.html`` with every
    comparison, its page crops and plots.

    Written after the corpus is committed, so its header names the versions it shows.
    """
    snapshot = read_corpus(store.settings())
    versions = dict(snapshot.versions) if snapshot else {}
    context = report.ReportContext(
        generated_at=datetime.now(UTC).isoformat(timespec="seconds"),
        dataset_versions=versions, documents=documents)
    folder = pdfs.root.resolve()
    paths = {str(r.doc_sha256): folder / str(r.doc_name) for r in documents.itertuples()
             if (folder / str(r.doc_name)).is_file()}
    html = report.reconciliation_to_html(reconciliation, conductivity, curated.load_curated(),
                                         context, pdf_paths=paths)
    html_path, csv_path = store.write_report(html, report.reconciliation_to_csv(reconciliation))
    pages = report_index.site_pages(
        reconciliation, problems, consensus, generated_at=context.generated_at,
        dataset_versions=versions,
        evidence=report_index.problem_evidence(problems, conductivity, paths))
    index_path = store.write_pages(pages)[0]
    counts = reconcile.summarise_reconciliation(reconciliation)
    return dg.MaterializeResult(
        data_version=dg.DataVersion(",".join(f"{n}={v}" for n, v in versions.items())),
        metadata={"index": dg.MetadataValue.path(index_path), "n_pages": len(pages),
                  "path": dg.MetadataValue.path(html_path),
                  "csv": dg.MetadataValue.path(csv_path),
                  "summary": dg.MetadataValue.md(summary_markdown(counts)),
                  "dataset_versions": versions})
