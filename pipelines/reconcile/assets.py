"""The corpus's records against the curated values and the curators' decisions, and the report."""

import dagster as dg
import pandas as pd

from extractors import reconcile
from pipelines.metadata import frame_metadata
from pipelines.publish.resources import DatasetStore
from pipelines.reconcile.resources import CuratedSources


@dg.asset(group_name="reconcile", kinds={"pandas"})
def reconciliation(context: dg.AssetExecutionContext, conductivity: pd.DataFrame,
                   curated: CuratedSources) -> pd.DataFrame:
    """One row per compared material/value, decisions applied (statuses in CONTRACT.md)."""
    df = reconcile.reconcile(conductivity, curated.load_curated(), curated.load_decisions())
    context.add_output_metadata({**frame_metadata(df, "reconciliation"),
                                 **reconcile.summarise_reconciliation(df)})
    return df


@dg.asset(group_name="reconcile", kinds={"markdown"})
def reconciliation_report(reconciliation: pd.DataFrame, conductivity: pd.DataFrame,
                          store: DatasetStore) -> dg.MaterializeResult:
    """The curators' report: counts, then conflicts first, each with its page and evidence."""
    path = store.write_report(reconcile.reconciliation_to_markdown(reconciliation, conductivity))
    return dg.MaterializeResult(metadata={"path": dg.MetadataValue.path(path)})
