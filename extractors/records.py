"""The conductivity record: one row per stated value (columns fixed by CONTRACT.md)."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, fields

import pandas as pd

from extractors import EXTRACTOR_VERSION
from extractors.deceptive_text import has_invisible, strip_invisible
from extractors.schemas import (
    CONDUCTIVITY_KINDS,
    HIDDEN_CHARACTERS_FLAG,
    QUALIFIERS,
    RECORD_COLUMNS,
    SOURCES,
)

__all__ = ["CONDUCTIVITY_KINDS", "QUALIFIERS", "RECORD_COLUMNS", "SOURCES", "ConductivityRecord",
           "make_record_id", "records_to_frame"]


@dataclass(frozen=True)
class ConductivityRecord:
    """One stated ionic-conductivity value with its provenance."""

    doc_sha256: str
    doc_name: str
    source: str
    page: int
    x0: float
    top: float
    x1: float
    bottom: float
    material_raw: str
    value_raw: str
    qualifier: str
    evidence: str
    table_id: str | None = None
    material_formula: str | None = None
    sigma_S_per_cm: float | None = None
    sigma_low_S_per_cm: float | None = None
    sigma_high_S_per_cm: float | None = None
    temperature_raw: str | None = None
    temperature_K: float | None = None
    family: str | None = None
    reference: str | None = None
    flags: str | None = None
    conductivity_kind: str = "unspecified"
    work_id: str | None = None
    cited_doi: str | None = None
    extractor_version: str = EXTRACTOR_VERSION

    def __post_init__(self) -> None:
        if self.source not in SOURCES:
            raise ValueError(f"source must be one of {SOURCES}, not {self.source!r}")
        if self.qualifier not in QUALIFIERS:
            raise ValueError(f"qualifier must be one of {QUALIFIERS}, not {self.qualifier!r}")
        if self.conductivity_kind not in CONDUCTIVITY_KINDS:
            raise ValueError(f"conductivity_kind must be one of {CONDUCTIVITY_KINDS}, "
                             f"not {self.conductivity_kind!r}")
        if self.page < 1:
            raise ValueError(f"page is 1-based, got {self.page}")

    @property
    def record_id(self) -> str:
        return make_record_id(self.doc_sha256, self.source, self.page, self.x0, self.top,
                              self.value_raw)


def make_record_id(doc_sha256: str, source: str, page: int, x0: float, top: float,
                   value_raw: str) -> str:
    """Stable id: same document, same place (to 0.1 pt) and same value string give the same id."""
    key = f"{doc_sha256}|{source}|{page}|{x0:.1f}|{top:.1f}|{value_raw}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]


_DTYPES = {
    "page": "int32",
    **{c: "float64" for c in ("x0", "top", "x1", "bottom", "sigma_S_per_cm",
                              "sigma_low_S_per_cm", "sigma_high_S_per_cm", "temperature_K")},
}


def _visible(row: dict[str, object]) -> dict[str, object]:
    """A record's row with bidi controls and zero-width characters out of ``material_raw``
    (a name must read, search and match as it shows) and flagged when the PDF had any."""
    material, evidence = str(row["material_raw"]), str(row["evidence"])
    if not (has_invisible(material) or has_invisible(evidence)):
        return row
    flags = [f for f in str(row["flags"] or "").split(",") if f]
    return {**row, "material_raw": strip_invisible(material),
            "flags": ",".join([*flags, HIDDEN_CHARACTERS_FLAG])}


def records_to_frame(records: list[ConductivityRecord]) -> pd.DataFrame:
    """Records as a frame with the dataset's columns and dtypes (empty input gives no rows)."""
    names = [f.name for f in fields(ConductivityRecord)]
    rows = [_visible({**asdict(r), "record_id": r.record_id}) for r in records]
    df = pd.DataFrame(rows, columns=["record_id", *names])
    df = df[list(RECORD_COLUMNS)]
    for col in RECORD_COLUMNS:
        df[col] = df[col].astype(_DTYPES.get(col, "string"))
    return df.reset_index(drop=True)
