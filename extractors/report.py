"""Placeholder of the curators' report until the HTML report lands."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd


@dataclass(frozen=True)
class ReportContext:
    generated_at: str
    dataset_versions: Mapping[str, str]
    documents: pd.DataFrame


def reconciliation_to_html(reconciliation: pd.DataFrame, records: pd.DataFrame,
                           curated: pd.DataFrame, context: ReportContext, *,
                           pdf_paths: Mapping[str, Path] | None = None) -> str:
    return "<html></html>"


def reconciliation_to_csv(reconciliation: pd.DataFrame) -> str:
    return str(reconciliation.to_csv(index=False))
