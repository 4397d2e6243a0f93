"""What independent works say about one material at one temperature, and who is far from it.

Independent papers measure one material differently (processing, density, electrodes): LATP
spans 3.9e-4 … 5.6e-3 S/cm over five papers. Such spread is no error, so it is summarised, not
paired: per material (its key and the phase and processing words stated) and temperature
window, each independent work gives one value (the median log10 σ of its values there) and
the consensus is the median of those, with the median absolute deviation (MAD) as its spread.

The outlier rule: a statement whose log10 σ lies at least ``outlier_decades`` (1) and at least
``outlier_mads`` (3) median absolute deviations from the median of at least ``min_works`` (3)
*other* independent works in its window is an outlier. A decade is far beyond the spread of
careful measurements of one material (typically a factor 2-3) and within reach of the errors
worth a look (a unit, an exponent, a wrong material); where the works themselves spread over
decades (two phases under one formula), only a value beyond that spread stands out.

Values at different temperatures are never compared: windows are ``window_K`` wide (25 K,
centred on multiples of 25 K, so 298.15 K falls in 287.5-312.5 K); a statement whose
temperature is not stated is compared with the room-temperature window, and its explanation
says so.

Works: a corpus work is its ``work_id``; a curated row is the paper it names by DOI (the same
DOI as a corpus work is that work), else its primary source as written. A curated row read
from a work under review (``as cited in ref [179]``) repeats that work and is left out.
"""

from __future__ import annotations

import hashlib
import math
import re
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields

import pandas as pd

from extractors.comparison import format_sigma
from extractors.conditions import Conditions, describe
from extractors.schemas import rows_to_frame
from extractors.statements import Statement
from extractors.units import ROOM_TEMPERATURE_K

DEFAULT_WINDOW_K = 25.0
DEFAULT_MIN_WORKS = 3
DEFAULT_OUTLIER_DECADES = 1.0
#: Beyond this many MADs of the other works too: where careful works already spread over
#: decades (cubic and tetragonal LLZO at room temperature), one decade is no outlier.
DEFAULT_OUTLIER_MADS = 3.0
_SUPPLEMENT = re.compile(r"\.s\d+$")


@dataclass(frozen=True)
class ConsensusSettings:
    """Width of the temperature windows and the outlier rule (module docstring)."""

    window_K: float = DEFAULT_WINDOW_K
    min_works: int = DEFAULT_MIN_WORKS
    outlier_decades: float = DEFAULT_OUTLIER_DECADES
    outlier_mads: float = DEFAULT_OUTLIER_MADS

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if not (isinstance(value, int | float) and math.isfinite(value) and value > 0):
                raise ValueError(f"{f.name} must be a finite number > 0, got {value!r}")


@dataclass(frozen=True)
class Point:
    """One value of one work in a consensus cell."""

    material_key: str
    conditions: Conditions
    work: str
    log10_sigma: float
    temperature_K: float
    material: str
    statement_id: str | None = None
    record_ids: tuple[str, ...] = ()
    curated_id: str | None = None


Cell = tuple[str, Conditions, float]


def window_of(temperature_K: float, width: float) -> tuple[float, float]:
    """The temperature window holding ``temperature_K``: ``width`` wide, centred on a
    multiple of ``width``."""
    centre = round(temperature_K / width) * width
    return centre - width / 2, centre + width / 2


def curated_work(dois: Iterable[str], primary_source: str | None, curated_id: str) -> str:
    """The paper a curated row reports: its first DOI (supplement suffix dropped), else its
    primary source as written, else the row itself."""
    cleaned = sorted({_SUPPLEMENT.sub("", d.lower()) for d in dois})
    if cleaned:
        return f"doi:{cleaned[0]}"
    if primary_source:
        return "source:" + " ".join(primary_source.casefold().split())
    return f"curated:{curated_id}"


def statement_point(s: Statement) -> Point | None:
    """The statement as a consensus point: one value (not a range) at a stated temperature,
    of one material, ionic."""
    v = s.value
    if (s.is_class or v.sigma is None or v.sigma <= 0 or v.temperature_K is None
            or s.conductivity_kind == "electronic"):
        return None
    return Point(s.material_key, s.conditions, s.work_id, math.log10(v.sigma), v.temperature_K,
                 s.material_raw, statement_id=s.statement_id, record_ids=s.record_ids)


def _cell(p: Point, width: float) -> Cell:
    return p.material_key, p.conditions, window_of(p.temperature_K, width)[0]


def _by_work(points: Iterable[Point]) -> dict[str, float]:
    works: dict[str, list[float]] = {}
    for p in points:
        works.setdefault(p.work, []).append(p.log10_sigma)
    return {w: statistics.median(v) for w, v in works.items()}


def points_to_cells(points: Iterable[Point], width: float) -> dict[Cell, list[Point]]:
    """Points grouped by material, conditions and temperature window."""
    cells: dict[Cell, list[Point]] = {}
    for p in points:
        cells.setdefault(_cell(p, width), []).append(p)
    return cells


def consensus_id(cell: Cell) -> str:
    """Stable across runs: the material, its conditions and the window."""
    key, conditions, low = cell
    text = f"{key}|{','.join(sorted(conditions))}|{low:g}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def cells_to_frame(cells: Mapping[Cell, Sequence[Point]], width: float,
                   extra: Iterable[tuple[str, Conditions]] = ()) -> pd.DataFrame:
    """One row per cell of a material the corpus states at some temperature, or named in
    ``extra`` (materials whose statements give no temperature): dataset ``consensus``."""
    stated = {(p.material_key, p.conditions) for ps in cells.values() for p in ps
               if p.statement_id} | set(extra)
    rows = []
    for cell, points in cells.items():
        if (cell[0], cell[1]) not in stated:
            continue
        works = _by_work(points)
        values = list(works.values())
        median = statistics.median(values)
        names = [p.material for p in points if p.statement_id] or [p.material for p in points]
        rows.append({
            "consensus_id": consensus_id(cell), "material_key": cell[0],
            "material": max(sorted(set(names)), key=names.count),
            "conditions": ",".join(sorted(cell[1])),
            "window_low_K": cell[2], "window_high_K": cell[2] + width,
            "median_log10_sigma": median, "median_sigma_S_per_cm": 10 ** median,
            "mad_log10_sigma": statistics.median(abs(v - median) for v in values),
            "min_log10_sigma": min(values), "max_log10_sigma": max(values),
            "n_works": len(works),
            "n_records": sum(len(p.record_ids) for p in points),
            "n_curated": sum(1 for p in points if p.curated_id),
            "work_ids": sorted(works),
            "statement_ids": sorted({p.statement_id for p in points if p.statement_id}),
            "record_ids": sorted({r for p in points for r in p.record_ids}),
            "curated_ids": sorted({p.curated_id for p in points if p.curated_id}),
        })
    return rows_to_frame("consensus", rows)


@dataclass(frozen=True)
class Outlier:
    """A statement far from the consensus of the other independent works."""

    statement: Statement
    consensus_id: str
    median_log10_sigma: float
    mad_log10_sigma: float
    n_works: int
    decades: float
    window: tuple[float, float]
    temperature_assumed: bool

    def explanation(self) -> str:
        s, v = self.statement, self.statement.value
        side = "above" if self.decades > 0 else "below"
        conditions = "" if not s.conditions else f" ({describe(s.conditions)})"
        assumed = (" The statement gives no temperature: it is compared with the "
                   "room-temperature window." if self.temperature_assumed else "")
        return (f"{s.where()[:1].upper()}{s.where()[1:]} gives {v.describe()} for "
                f"{s.material_raw}; the consensus of {self.n_works} other independent works on "
                f"this material{conditions} at {self.window[0]:g}–{self.window[1]:g} K is "
                f"{format_sigma(float(f'{10 ** self.median_log10_sigma:.3g}'))} S/cm (median; "
                f"spread ±{self.mad_log10_sigma:.2f} in log10 σ, MAD): "
                f"{abs(self.decades):.2f} decades {side} it.{assumed}")


def find_outliers(statements: Iterable[Statement], cells: Mapping[Cell, Sequence[Point]],
                  settings: ConsensusSettings) -> list[Outlier]:
    """Statements ≥ ``outlier_decades`` and ≥ ``outlier_mads`` MADs from the median of
    ≥ ``min_works`` other works.

    The other works exclude the statement's own work and the papers it cites (which it may
    quote: a difference from them is an error candidate, found by the comparison).
    """
    found = []
    for s in statements:
        v = s.value
        if s.is_class or v.sigma is None or v.sigma <= 0 or s.conductivity_kind == "electronic":
            continue
        temperature = v.temperature_K if v.temperature_K is not None else ROOM_TEMPERATURE_K
        low, high = window_of(temperature, settings.window_K)
        cell = (s.material_key, s.conditions, low)
        cited = {f"doi:{_SUPPLEMENT.sub('', d.lower())}" for d in s.cited_dois}
        others = _by_work(p for p in cells.get(cell, ())
                          if p.work != s.work_id and p.work not in cited)
        if len(others) < settings.min_works:
            continue
        median = statistics.median(others.values())
        mad = statistics.median(abs(x - median) for x in others.values())
        decades = math.log10(v.sigma) - median
        if abs(decades) >= max(settings.outlier_decades, settings.outlier_mads * mad):
            found.append(Outlier(s, consensus_id(cell), median, mad, len(others), decades,
                                 (low, high), v.temperature_K is None))
    return found
