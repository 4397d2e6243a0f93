"""The four datasets, each published as an immutable version when its content changed.

Only the columns the dataset's schema declares are published; columns an extractor adds before
the schema knows them are listed in the ``unpublished_columns`` metadata (and the schema check
warns), so the published contract never changes silently.
"""

import dagster as dg
import pandas as pd

from extractors.publish import publish_dataset
from extractors.schemas import SCHEMAS, dataset_schema
from pipelines.code_version import CODE_VERSION
from pipelines.metadata import frame_metadata
from pipelines.publish.resources import DatasetStore


def publishable(name: str, df: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """The frame without the columns dataset ``name`` does not declare, and those columns."""
    declared = dataset_schema(name).names
    extra = [str(c) for c in df.columns if c not in declared]
    return df.drop(columns=extra), extra


#: The corpus asset each dataset is published from, where the names differ.
SOURCE_ASSETS = {"curated": "curated_view"}


def publish_asset(name: str) -> dg.AssetsDefinition:
    """The asset publishing the corpus frame ``name`` as dataset ``name``.

    Every dataset waits for the reconciliation and the curated view: a bad decisions file or a
    failed reconciliation publishes nothing, so the datasets never go out of step.
    """
    source = SOURCE_ASSETS.get(name, name)
    waits = [a for a in ("reconciliation", "curated_view") if a != source]

    @dg.asset(name=f"{name}_dataset", group_name="publish", kinds={"parquet"},
              ins={"frame": dg.AssetIn(source)}, deps=waits,
              description=f"The `{name}` dataset: outputs/datasets/{name}/version=<NNNN>/.")
    def _publish(context: dg.AssetExecutionContext, frame: pd.DataFrame,
                 store: DatasetStore) -> dg.MaterializeResult:
        df, extra = publishable(name, frame)
        result = publish_dataset(name, df, settings=store.settings(),
                                 source_documents=sorted(df["doc_sha256"].dropna().unique())
                                 if "doc_sha256" in df else [],
                                 code_version=CODE_VERSION)
        context.log.info(f"{name}: {result.version} "
                         f"({'new' if result.created else 'unchanged'}), {result.row_count} rows")
        return dg.MaterializeResult(metadata={
            **frame_metadata(df, name), "version": result.version, "created": result.created,
            "parent_version": result.parent_version or "", "path": dg.MetadataValue.path(
                result.path), "pruned": list(result.pruned), "unpublished_columns": extra})

    return _publish


published = [publish_asset(name) for name in SCHEMAS]
