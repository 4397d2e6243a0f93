"""What every ``*_dataset`` asset checks before it publishes: the frame fits the dataset's
Arrow schema, and its ids are unique. Pure functions of the frame; the assets
(``assets.py``) report them as the checks ``matches_schema`` and ``unique_ids``."""

import dagster as dg
import pandas as pd

from extractors.errors import DatasetError
from extractors.schemas import dataset_schema, frame_to_table
from pipelines.metadata import examples

#: The columns that identify a row of each dataset.
ID_COLUMNS: dict[str, tuple[str, ...]] = {
    "documents": ("doc_name",),
    "conductivity": ("record_id",),
    "tables": ("doc_sha256", "table_id", "page", "row", "col"),
    "reconciliation": ("reconciliation_id",),
    "curated": ("record_id",),
    "problems": ("problem_id",),
    "consensus": ("consensus_id",),
}
SCHEMA_CHECK = "matches_schema"
UNIQUE_CHECK = "unique_ids"


def publishable(name: str, df: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """The frame without the columns dataset ``name`` does not declare, and those columns."""
    declared = dataset_schema(name).names
    extra = [str(c) for c in df.columns if c not in declared]
    return df.drop(columns=extra), extra


def schema_result(name: str, frame: pd.DataFrame) -> dg.AssetCheckResult:
    """ERROR when frame ``name`` does not fit its schema (nothing is published); WARN for
    columns the schema does not declare (published without them)."""
    df, extra = publishable(name, frame)
    try:
        frame_to_table(name, df)
    except DatasetError as exc:
        return dg.AssetCheckResult(check_name=SCHEMA_CHECK, passed=False,
                                   severity=dg.AssetCheckSeverity.ERROR,
                                   description=str(exc), metadata={"error": str(exc)})
    return dg.AssetCheckResult(check_name=SCHEMA_CHECK, passed=not extra,
                               severity=dg.AssetCheckSeverity.WARN,
                               metadata={"unpublished_columns": extra})


def unique_ids_result(name: str, frame: pd.DataFrame) -> dg.AssetCheckResult:
    """ERROR when two rows of dataset ``name`` share an id (nothing is published)."""
    columns = [c for c in ID_COLUMNS[name] if c in frame.columns]
    duplicated = frame[frame.duplicated(subset=columns, keep=False)] if columns else frame.head(0)
    ids = duplicated[columns].astype("string").agg("|".join, axis=1).drop_duplicates() \
        if len(duplicated) else pd.Series(dtype="string")
    return dg.AssetCheckResult(
        check_name=UNIQUE_CHECK, passed=duplicated.empty and len(columns) == len(ID_COLUMNS[name]),
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={"id_columns": list(ID_COLUMNS[name]), "n_duplicated_rows": len(duplicated),
                  "duplicated": examples(list(ids))})
