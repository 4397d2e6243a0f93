"""Checks on the reconciliation: conflicts nobody has reviewed, decisions that name no row."""

import dagster as dg
import pandas as pd

from extractors import reconcile
from extractors.schemas import CONFLICT_STATUSES
from pipelines.defs.reconciliation.resources import CuratedSources
from pipelines.metadata import examples


@dg.asset_check(asset="reconciliation",
                description="No value conflict, unit slip or temperature conflict is left "
                            "without a curator's decision (seeds/decisions/decisions.csv).")
def no_unreviewed_conflicts(reconciliation: pd.DataFrame) -> dg.AssetCheckResult:
    counts = reconcile.summarise_reconciliation(reconciliation)
    open_rows = reconciliation[reconciliation["status"].isin(CONFLICT_STATUSES)]
    return dg.AssetCheckResult(
        passed=open_rows.empty, severity=dg.AssetCheckSeverity.WARN,
        metadata={**{status: counts[status] for status in CONFLICT_STATUSES},
                  "unreviewed": examples([f"{r.status}: {r.explanation} [{r.reconciliation_id}]"
                                          for r in open_rows.itertuples()])})


@dg.asset_check(asset="reconciliation",
                description="Every curator's decision still names a reconciliation row.")
def decisions_match_rows(reconciliation: pd.DataFrame,
                         curated: CuratedSources) -> dg.AssetCheckResult:
    stale = reconcile.unmatched_decisions(reconciliation, curated.load_decisions())
    return dg.AssetCheckResult(
        passed=stale.empty, severity=dg.AssetCheckSeverity.WARN,
        metadata={"n_stale": len(stale),
                  "stale": examples([f"{r.decision}: reconciliation_id {r.reconciliation_id}, "
                                     f"record_id {r.record_id}, curated_id {r.curated_id}"
                                     for r in stale.itertuples()])})
