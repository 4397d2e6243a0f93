"""Schema checks: each corpus frame fits its dataset's Arrow schema before it is published."""

import dagster as dg
import pandas as pd

from extractors.errors import DatasetError
from extractors.schemas import SCHEMAS, frame_to_table
from pipelines.publish.assets import SOURCE_ASSETS, publishable


def schema_check(name: str) -> dg.AssetChecksDefinition:
    """ERROR (blocking the publish) when frame ``name`` does not fit; WARN for extra columns."""

    @dg.asset_check(asset=SOURCE_ASSETS.get(name, name), name="matches_schema", blocking=True,
                    description=f"The frame fits the `{name}` schema (extractors.schemas).")
    def _check(frame: pd.DataFrame) -> dg.AssetCheckResult:
        df, extra = publishable(name, frame)
        try:
            frame_to_table(name, df)
        except DatasetError as exc:
            return dg.AssetCheckResult(passed=False, severity=dg.AssetCheckSeverity.ERROR,
                                       description=str(exc), metadata={"error": str(exc)})
        return dg.AssetCheckResult(passed=not extra, severity=dg.AssetCheckSeverity.WARN,
                                   metadata={"unpublished_columns": extra})

    return _check


schema_checks = [schema_check(name) for name in SCHEMAS]
