"""Curated reference values (``seeds/curated``) and curators' decisions (``seeds/decisions``)."""

from pathlib import Path

import dagster as dg
import pandas as pd

from extractors.curated import load_curated
from extractors.decisions import load_decisions

DEFAULT_CURATED_FOLDER = "seeds/curated"
DEFAULT_DECISIONS_FILE = "seeds/decisions/decisions.csv"


class CuratedSources(dg.ConfigurableResource):
    """Every ``*.csv`` of ``curated_folder`` (layout recognised by its header) and the decisions."""

    curated_folder: str = DEFAULT_CURATED_FOLDER
    decisions_file: str = DEFAULT_DECISIONS_FILE

    def curated_paths(self) -> list[Path]:
        return sorted(Path(self.curated_folder).glob("*.csv"))

    def load_curated(self) -> pd.DataFrame:
        return load_curated(self.curated_paths())

    def load_decisions(self) -> pd.DataFrame:
        return load_decisions(self.decisions_file)
