"""Checks on the gathered records."""

import dagster as dg
import pandas as pd


@dg.asset_check(asset="conductivity", description="The corpus yielded at least one record.")
def conductivity_not_empty(conductivity: pd.DataFrame) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(
        passed=len(conductivity) > 0, severity=dg.AssetCheckSeverity.WARN,
        metadata={"n_records": len(conductivity),
                  "n_documents": int(conductivity["doc_sha256"].nunique())})
