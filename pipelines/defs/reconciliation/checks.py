"""Checks on the reconciliation: conflicts and problems nobody has decided, decisions that name
nothing."""

import dagster as dg
import pandas as pd

from extractors import curation, reconcile
from extractors.schemas import CONFLICT_STATUSES, PROBLEM_KINDS
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


@dg.asset_check(asset="problems",
                description="No problem is left open (without a curator's decision).")
def no_open_problems(problems: pd.DataFrame) -> dg.AssetCheckResult:
    open_problems = problems[problems["status"] == "open"]
    return dg.AssetCheckResult(
        passed=open_problems.empty, severity=dg.AssetCheckSeverity.WARN,
        metadata={"n_open": len(open_problems),
                  **{kind: int((open_problems["problem_kind"] == kind).sum())
                     for kind in PROBLEM_KINDS},
                  "open": examples([f"{p.problem_id} {p.verdict}: {p.explanation}"
                                    for p in open_problems.itertuples()])})


@dg.asset_check(asset="reconciliation", additional_ins={"problems": dg.AssetIn("problems")},
                description="Every curator's decision still names a problem or a "
                            "reconciliation row.")
def decisions_match_rows(reconciliation: pd.DataFrame, problems: pd.DataFrame,
                         curated: CuratedSources) -> dg.AssetCheckResult:
    stale = curation.unmatched_decisions(reconciliation, curated.load_decisions(), problems)
    return dg.AssetCheckResult(
        passed=stale.empty, severity=dg.AssetCheckSeverity.WARN,
        metadata={"n_stale": len(stale),
                  "stale": examples([f"{r.decision}: problem_id {r.problem_id}, "
                                     f"reconciliation_id {r.reconciliation_id}, "
                                     f"record_id {r.record_id}, curated_id {r.curated_id}"
                                     for r in stale.itertuples()])})
