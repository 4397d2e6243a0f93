"""Curated reference values: our curators' sheet and the public datasets, as one frame.

Each source keeps its own identity (``source_dataset``) so the reconciliation can compare a
document value with every source and show where the sources disagree among themselves. The
layout of a file is recognised from its header, never from its name. Citations travel with
each row: the DOI it names and the bracketed reference numbers (``as cited in ref [179]``) a
curator wrote, which are matched against the citation of a document value.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from extractors.errors import CuratedDataError
from extractors.materials import resolve_material
from extractors.units import ROOM_TEMPERATURE_K, ZERO_CELSIUS_K

#: Display names of the curated sources, in the order the report lists them.
SOURCE_LABELS: dict[str, str] = {
    "curators_sheet": "curators' sheet",
    "obelix": "OBELiX",
    "liverpool": "Liverpool Ionics",
    "laskowski2023": "Laskowski 2023",
}

CURATED_COLUMNS: tuple[str, ...] = (
    "curated_id", "material", "material_formula", "sigma_S_per_cm", "sigma_low_S_per_cm",
    "sigma_high_S_per_cm", "temperature_K", "source_dataset", "primary_source", "doi",
    "citations", "expected_in_corpus", "note", "processing",
)

DOI_PATTERN = re.compile(r"10\.\d{4,9}/[^\s,;|]+")
#: ``ref [179]``, ``refs [179]/[232]/[242]``, ``[16,232]``, ``[21–23]``, ``refs [217]-[220]``.
_BRACKETED = re.compile(r"\[(\d{1,4}(?:\s*[,–-]\s*\d{1,4})*)\](?:\s*[-–]\s*\[(\d{1,4})\])?")
_RANGE = re.compile(r"(\d{1,4})\s*[–-]\s*(\d{1,4})")
_MAX_CITATION_SPAN = 50


def normalise_doi(doi: str) -> str:
    """DOIs compare case-insensitively and without trailing punctuation or ``.s001`` parts."""
    doi = doi.strip().rstrip(".,;)").casefold()
    return re.sub(r"\.s\d{3}$", "", doi)


def bracketed_citations(text: str) -> tuple[str, ...]:
    """Reference numbers named in brackets, ranges expanded: ``[217]-[220]`` → 217..220."""
    found: list[str] = []
    for m in _BRACKETED.finditer(text or ""):
        inner = m.group(1) if m.group(2) is None else f"{m.group(1)}-{m.group(2)}"
        for part in inner.split(","):
            span = _RANGE.fullmatch(part.strip())
            first, last = (int(span.group(1)), int(span.group(2))) if span else (
                int(part), int(part))
            if 0 <= last - first <= _MAX_CITATION_SPAN:
                found += [str(n) for n in range(first, last + 1)]
            else:
                found += [str(first), str(last)]
    return tuple(dict.fromkeys(found))


def _parse_reference_sigma(raw: object) -> tuple[float | None, float | None, float | None]:
    """(value, low, high) from ``1.2E-4``, ``1.2E−4`` or bounds like ``<1E-10``."""
    if raw is None or (isinstance(raw, float) and math.isnan(raw)):
        return None, None, None
    text = str(raw).strip().replace("−", "-").replace(" ", "")
    if not text:
        return None, None, None
    bound = text[0] if text[0] in "<>" else ""
    value = float(text.lstrip("<>≤≥="))
    if not math.isfinite(value) or value <= 0:
        return None, None, None
    if bound == "<":
        return None, None, value
    if bound == ">":
        return None, value, None
    return value, value, value


def cell_text(value: object) -> str | None:
    """A frame cell as text, else None (missing or blank)."""
    return None if value is None or pd.isna(value) or not str(value).strip() else str(value)


def _curated_row(curated_id: str, material: str, sigma: object, temperature_K: float | None,
                 source_dataset: str, primary_source: str | None, dois: str | None,
                 expected: bool, note: str | None, processing: str | None = None,
                 ) -> dict[str, Any]:
    value, low, high = _parse_reference_sigma(sigma)
    if value is None and (low is not None or high is not None):
        note = "; ".join(filter(None, [note, f"bound {str(sigma).strip()} kept as a bound"]))
    found = [normalise_doi(d) for d in DOI_PATTERN.findall(dois or "")]
    return {
        "curated_id": curated_id, "material": material,
        "material_formula": resolve_material(material).formula,
        "sigma_S_per_cm": value, "sigma_low_S_per_cm": low, "sigma_high_S_per_cm": high,
        "temperature_K": temperature_K, "source_dataset": source_dataset,
        "primary_source": primary_source, "doi": "|".join(dict.fromkeys(found)) or None,
        "citations": ",".join(bracketed_citations(primary_source or "")) or None,
        "expected_in_corpus": expected, "note": note, "processing": processing,
    }


def _curators_sheet_rows(df: pd.DataFrame) -> list[dict[str, Any]]:
    rows = []
    for r in df.itertuples(index=False):
        source = cell_text(r.primary_source)
        temperature = None if pd.isna(r.temperature_K) else float(r.temperature_K)
        rows.append(_curated_row(str(r.curated_id), str(r.material), r.sigma_S_per_cm,
                                 temperature, "curators_sheet", source, source, True,
                                 cell_text(r.curator_note),
                                 cell_text(getattr(r, "processing", None))))
    return rows


def _obelix_rows(df: pd.DataFrame) -> list[dict[str, Any]]:
    return [_curated_row(f"obelix:{r['ID']}", str(r["Reduced Composition"]),
                         r["Ionic conductivity (S cm-1)"], ROOM_TEMPERATURE_K, "obelix", None,
                         cell_text(r["DOI"]), False, None)
            for r in df.to_dict("records")]


def _liverpool_rows(df: pd.DataFrame) -> list[dict[str, Any]]:
    """The Liverpool file's ``temperature`` column is in °C (Hargreaves et al. 2023); its
    ``family`` says ``Glass`` for glasses, which a formula alone does not."""
    return [_curated_row(f"liverpool:{r['ID']}", str(r["composition"]), r["target"],
                         float(r["temperature"]) + ZERO_CELSIUS_K, "liverpool",
                         None, cell_text(r["source"]), False, None,
                         "glass" if str(r.get("family")).strip().casefold() == "glass" else None)
            for r in df.to_dict("records")]


def _laskowski_rows(df: pd.DataFrame) -> list[dict[str, Any]]:
    index = df.columns[0]
    return [_curated_row(f"laskowski:{r[index]}", str(r["Structure"]), r["σ(RT)(S cm-1)"],
                         ROOM_TEMPERATURE_K, "laskowski2023", None, cell_text(r["DOI"]), False,
                         None)
            for r in df.to_dict("records")]


_READERS: tuple[tuple[set[str], Callable[[pd.DataFrame], list[dict[str, Any]]]], ...] = (
    ({"curated_id", "material", "sigma_S_per_cm", "temperature_K"}, _curators_sheet_rows),
    ({"ID", "Reduced Composition", "Ionic conductivity (S cm-1)"}, _obelix_rows),
    ({"ID", "composition", "temperature", "target"}, _liverpool_rows),
    ({"Structure", "σ(RT)(S cm-1)", "DOI"}, _laskowski_rows),
)


def load_curated(paths: Iterable[str | Path]) -> pd.DataFrame:
    """Curators' sheet and public datasets as one frame with :data:`CURATED_COLUMNS`.

    OBELiX and Laskowski values are RT (298.15 K); Liverpool temperatures are °C. ``<1E-10``
    becomes an upper bound (value null); zero, negative and non-finite values count as no
    value. Rows seen twice (OBELiX ``all`` and its splits) are kept once; an id repeated inside
    one file (the Liverpool file has two rows ``922``) gets a ``#2`` suffix.

    Raises:
        CuratedDataError: a file whose header matches no known layout, or a value that is not
            a number; the message names the file.
    """
    frames = []
    for path in paths:
        df = pd.read_csv(path, encoding="utf-8-sig")
        reader = next((read for cols, read in _READERS if cols <= set(df.columns)), None)
        if reader is None:
            raise CuratedDataError(f"{path}: unknown curated layout, columns {list(df.columns)}")
        try:
            frame = pd.DataFrame(reader(df), columns=list(CURATED_COLUMNS))
        except ValueError as exc:
            raise CuratedDataError(f"{path}: {exc}") from exc
        repeat = frame.groupby("curated_id").cumcount()
        frame.loc[repeat > 0, "curated_id"] += "#" + (repeat[repeat > 0] + 1).astype(str)
        frames.append(frame)
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=list(CURATED_COLUMNS))
    out = out.drop_duplicates("curated_id").reset_index(drop=True)
    for col in ("sigma_S_per_cm", "sigma_low_S_per_cm", "sigma_high_S_per_cm", "temperature_K"):
        out[col] = out[col].astype("float64")
    for col in ("curated_id", "material", "material_formula", "source_dataset",
                "primary_source", "doi", "citations", "note", "processing"):
        out[col] = out[col].astype("string")
    out["expected_in_corpus"] = out["expected_in_corpus"].astype("bool")
    return out
