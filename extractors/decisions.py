"""Curators' decisions (placeholder until the validating reader lands)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

DECISION_COLUMNS: tuple[str, ...] = (
    "reconciliation_id", "record_id", "curated_id", "decision", "corrected_sigma_S_per_cm",
    "corrected_temperature_K", "curator", "decided_at", "note", "statement_id",
)


def load_decisions(path: str | Path) -> pd.DataFrame:
    """The decisions file as a frame (missing file: no decisions)."""
    if not Path(path).exists():
        return pd.DataFrame(columns=list(DECISION_COLUMNS))
    df = pd.read_csv(path, dtype=str, encoding="utf-8-sig")
    return df.reindex(columns=list(DECISION_COLUMNS))
