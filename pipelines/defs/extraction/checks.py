"""Checks on the gathered frames: some PDFs were given, which of them could not be read, and
the corpus yielded records."""

import dagster as dg
import pandas as pd

from pipelines.metadata import examples


@dg.asset_check(asset="documents", description="At least one PDF is registered.")
def documents_not_empty(documents: pd.DataFrame) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(passed=len(documents) > 0, severity=dg.AssetCheckSeverity.ERROR,
                               metadata={"n_documents": len(documents)})


@dg.asset_check(asset="documents",
                description="Every PDF could be read; the failed ones are listed with the reason "
                            "(their partitions failed, the other documents were published).")
def documents_all_read(documents: pd.DataFrame) -> dg.AssetCheckResult:
    failed = documents[documents["status"] == "failed"]
    return dg.AssetCheckResult(
        passed=failed.empty, severity=dg.AssetCheckSeverity.WARN,
        metadata={"n_failed": len(failed), "n_documents": len(documents),
                  "failed": examples([f"{r.doc_name}: {r.error}" for r in failed.itertuples()])})


@dg.asset_check(asset="conductivity", description="The corpus yielded at least one record.")
def conductivity_not_empty(conductivity: pd.DataFrame) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(
        passed=len(conductivity) > 0, severity=dg.AssetCheckSeverity.WARN,
        metadata={"n_records": len(conductivity),
                  "n_documents": int(conductivity["doc_sha256"].nunique())})
