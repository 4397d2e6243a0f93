"""What the review app shows: the committed corpus read once, problems in queue order, filters,
progress, and one problem with its statements, curated values and consensus.

Pure: frames in, plain dicts out; the web layer only renders them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pandas as pd

from extractors.decisions import KnownIds, reconciliation_to_known_ids
from extractors.errors import DatasetError
from extractors.layout import sha256_of
from extractors.publish import PublishSettings, read_corpus, read_corpus_dataset
from extractors.report_views import format_sigma, format_temperature, present

#: Datasets the app reads, all at the versions the committed corpus names.
DATASETS: tuple[str, ...] = ("problems", "reconciliation", "conductivity", "documents",
                             "consensus", "tables")
#: Queue order of problem kinds: error candidates (likely typos) before outliers.
KIND_ORDER: tuple[str, ...] = ("error_candidate", "outlier")
#: Status filter values: ``open`` and ``decided`` group the others.
STATUS_FILTERS: tuple[str, ...] = ("all", "open", "decided", "accepted", "rejected", "corrected")
#: Source filter values: a problem has a statement read from a table or text, or a curated row.
SOURCE_FILTERS: tuple[str, ...] = ("table", "text", "curated")


def _cell(value: object) -> object:
    """None for pandas' missing markers; lists and scalars as they are."""
    return None if pd.api.types.is_scalar(value) and pd.isna(value) else value


def _rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{k: _cell(v) for k, v in r.items()} for r in frame.to_dict("records")]


def _ids(value: object) -> list[str]:
    return [str(v) for v in value] if isinstance(value, Iterable) and \
        not isinstance(value, str) else []


@dataclass(frozen=True)
class Filters:
    """The queue's filters; empty strings mean no filter."""

    status: str = "all"
    material: str = ""
    work: str = ""
    source: str = ""

    def query(self) -> str:
        """The filters as a URL query (for links that keep them)."""
        status = "" if self.status == "all" else self.status
        return urlencode({k: v for k, v in (("status", status), ("material", self.material),
                                            ("work", self.work), ("source", self.source)) if v})


@dataclass(frozen=True)
class TableHeader:
    """A table's header as printed (what says the unit of a column), and where it is."""

    text: str
    page: int
    top: float


def tables_to_headers(tables: pd.DataFrame) -> dict[tuple[str, str], TableHeader]:
    """(doc_sha256, table_id) → the table's header cells, row by row (`` | `` between cells,
    `` / `` between rows), with the page and top of its first cell."""
    out = {}
    header = tables[tables["is_header"].fillna(False).astype(bool)]
    for (sha, table_id), cells in header.groupby(["doc_sha256", "table_id"], sort=False):
        cells = cells.sort_values(["row", "col"])
        rows = [" | ".join(str(t) for t in row["text"] if present(t) and str(t).strip())
                for _, row in cells.groupby("row", sort=True)]
        first = cells.iloc[0]
        out[(str(sha), str(table_id))] = TableHeader(" / ".join(r for r in rows if r),
                                                     int(first["page"]), float(cells["top"].min()))
    return out


@dataclass
class Corpus:
    """The committed corpus as the app needs it, indexed once.

    Attributes:
        versions: {dataset: version} of the committed corpus (empty before the first run).
        pdfs: doc_sha256 → the PDF file with those very bytes in the PDF folder; the only files
            the app ever reads for a page image.
    """

    versions: dict[str, str] = field(default_factory=dict)
    problems: list[dict[str, Any]] = field(default_factory=list)
    records: dict[str, dict[str, Any]] = field(default_factory=dict)
    comparisons: dict[str, dict[str, Any]] = field(default_factory=dict)
    consensus: list[dict[str, Any]] = field(default_factory=list)
    pdfs: dict[str, Path] = field(default_factory=dict)
    statement_of: dict[str, str] = field(default_factory=dict)
    headers: dict[tuple[str, str], TableHeader] = field(default_factory=dict)
    known: KnownIds | None = None
    note: str = ""

    @classmethod
    def load(cls, datasets: Path, pdf_folder: Path) -> Corpus:
        """Read the committed corpus under ``datasets``; an empty corpus with a note when there
        is none yet (the app then tells how to run the pipeline)."""
        settings = PublishSettings(root=str(datasets))
        snapshot = read_corpus(settings)
        if snapshot is None:
            return cls(note=f"no committed corpus under {datasets}: run the pipeline first")
        try:
            frames = {name: read_corpus_dataset(name, settings) for name in DATASETS}
        except DatasetError as exc:
            return cls(versions=dict(snapshot.versions), note=str(exc))
        known = reconciliation_to_known_ids(
            frames["reconciliation"], f"{datasets}/reconciliation/"
            f"{snapshot.versions['reconciliation']}", frames["problems"])
        comparisons = {str(r["reconciliation_id"]): r for r in _rows(frames["reconciliation"])}
        return cls(
            versions=dict(snapshot.versions), problems=_rows(frames["problems"]),
            records={str(r["record_id"]): r for r in _rows(frames["conductivity"])},
            comparisons=comparisons, statement_of=records_to_statements(comparisons.values()),
            consensus=_rows(frames["consensus"]), known=known,
            headers=tables_to_headers(frames["tables"]),
            pdfs=documents_to_pdfs(frames["documents"], pdf_folder))

    def problem(self, problem_id: str) -> dict[str, Any] | None:
        key = problem_id.casefold()
        return next((p for p in self.problems if str(p["problem_id"]).casefold() == key), None)


def records_to_statements(comparisons: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """record_id → statement_id, from both sides of every comparison."""
    out: dict[str, str] = {}
    for c in comparisons:
        for ids, statement in (("record_ids", "statement_id"),
                               ("other_record_ids", "other_statement_id")):
            for r in _ids(c.get(ids)):
                if c.get(statement):
                    out.setdefault(r, str(c[statement]))
    return out


def documents_to_pdfs(documents: pd.DataFrame, folder: Path) -> dict[str, Path]:
    """doc_sha256 → ``folder/doc_name`` for each document whose file there still has the bytes
    the corpus read (a file replaced since the run is not shown as its evidence)."""
    out = {}
    for sha, name in zip(documents["doc_sha256"], documents["doc_name"], strict=True):
        path = folder / Path(str(name)).name
        if path.is_file() and sha256_of(path) == sha:
            out[str(sha)] = path
    return out


def effective_status(problem: Mapping[str, Any], pending: Mapping[str, Mapping[str, str]],
                     ) -> tuple[str, bool]:
    """The problem's status counting decisions not yet published, and whether it is pending
    (decided in the file, not yet in the published dataset)."""
    row = pending.get(str(problem["problem_id"]).casefold())
    published = str(problem.get("status") or "open")
    if row is None:
        return published, False
    decision = (row.get("decision") or "").strip()
    corrected = tuple(_float(row.get(c)) for c in ("corrected_sigma_S_per_cm",
                                                   "corrected_temperature_K"))
    same = decision == published and corrected == (
        _float(problem.get("corrected_sigma_S_per_cm")),
        _float(problem.get("corrected_temperature_K")))
    return decision or published, not same


def _float(value: object) -> float | None:
    try:
        number = float(str(value)) if value not in (None, "") else None
    except ValueError:
        return None
    return None if number is None or math.isnan(number) else number


def _sources(problem: Mapping[str, Any], records: Mapping[str, Mapping[str, Any]]) -> set[str]:
    found = {str(records[r]["source"]) for r in _ids(problem.get("record_ids")) if r in records}
    return found | ({"curated"} if _ids(problem.get("curated_ids")) else set())


def _status_matches(wanted: str, status: str) -> bool:
    if wanted == "all":
        return True
    if wanted == "decided":
        return status != "open"
    return status == wanted


def queue(corpus: Corpus, pending: Mapping[str, Mapping[str, str]], filters: Filters,
          ) -> list[dict[str, Any]]:
    """Problems in review order, filtered: open ones first (error candidates, then outliers),
    then decided ones; each by material and id so the order is stable across runs."""
    out = []
    for p in corpus.problems:
        status, is_pending = effective_status(p, pending)
        if not _status_matches(filters.status, status):
            continue
        if filters.material and p["material_raw"] != filters.material:
            continue
        if filters.work and p["work_id"] != filters.work:
            continue
        if filters.source and filters.source not in _sources(p, corpus.records):
            continue
        out.append({**p, "status": status, "pending": is_pending})
    kinds = {k: i for i, k in enumerate(KIND_ORDER)}
    return sorted(out, key=lambda p: (p["status"] != "open", kinds.get(p["problem_kind"], 9),
                                      str(p["material_raw"]), str(p["problem_id"])))


def progress(corpus: Corpus, pending: Mapping[str, Mapping[str, str]]) -> tuple[int, int]:
    """(decided, total) over every problem, filters aside."""
    decided = sum(effective_status(p, pending)[0] != "open" for p in corpus.problems)
    return decided, len(corpus.problems)


def choices(corpus: Corpus) -> dict[str, list[str]]:
    """Values the material and work filters offer."""
    return {"material": sorted({str(p["material_raw"]) for p in corpus.problems}),
            "work": sorted({str(p["work_id"]) for p in corpus.problems})}


def _statement_view(statement_id: str, problem: Mapping[str, Any],
                    corpus: Corpus) -> dict[str, Any] | None:
    suspects = set(_ids(problem.get("suspect_statement_ids")))
    mine = [corpus.records[r] for r in _ids(problem.get("record_ids")) if r in corpus.records
            and corpus.statement_of.get(r) == statement_id]
    if not mine:
        return None
    r = mine[0]
    header = corpus.headers.get((str(r["doc_sha256"]), str(r.get("table_id"))))
    return {"header": header,"statement_id": statement_id, "suspect": statement_id in suspects,
            "record_id": r["record_id"], "doc_sha256": r["doc_sha256"], "doc_name": r["doc_name"],
            "page": int(r["page"]), "box": [float(r[k]) for k in ("x0", "top", "x1", "bottom")],
            "has_pdf": str(r["doc_sha256"]) in corpus.pdfs,
            "source": r["source"], "table_id": r.get("table_id"),
            "value_raw": r["value_raw"], "sigma": format_sigma(r.get("sigma_S_per_cm")),
            "temperature_raw": r.get("temperature_raw") or "",
            "temperature": format_temperature(r.get("temperature_K")),
            "kind": r.get("conductivity_kind"), "material_raw": r["material_raw"],
            "citation": " ".join(str(x) for x in (r.get("reference"), r.get("cited_doi"))
                                 if present(x)),
            "evidence": r["evidence"], "flags": r.get("flags") or "",
            "other_places": [(m["doc_name"], int(m["page"])) for m in mine[1:]]}


def problem_view(corpus: Corpus, problem: Mapping[str, Any]) -> dict[str, Any]:
    """One problem as the page shows it: statements side by side (suspects first), the curated
    values compared, the material's consensus windows and the points of its plot."""
    statements = [v for s in _ids(problem.get("statement_ids"))
                  if (v := _statement_view(s, problem, corpus)) is not None]
    statements.sort(key=lambda v: not v["suspect"])
    curated = []
    for rid in _ids(problem.get("reconciliation_ids")):
        c = corpus.comparisons.get(rid)
        if c is not None and present(c.get("curated_source")):
            curated.append({"source": c["curated_source"],
                            "sigma": format_sigma(c.get("other_sigma_S_per_cm")),
                            "temperature": format_temperature(c.get("other_temperature_K")),
                            "status": c.get("original_status")})
    consensus = sorted((c for c in corpus.consensus
                        if c["material_key"] == problem["material_key"]),
                       key=lambda c: float(c["window_low_K"]))
    return {"statements": statements, "curated": curated,
            "consensus": [{"window": f"{c['window_low_K']:g}–{c['window_high_K']:g} K",
                           "conditions": c["conditions"] or "",
                           "median": format_sigma(c["median_sigma_S_per_cm"]),
                           "spread": f"±{float(c['mad_log10_sigma']):.2f} decades",
                           "works": int(c["n_works"]), "records": int(c["n_records"])}
                          for c in consensus],
            "plot": arrhenius_points(corpus, problem, consensus)}


def arrhenius_points(corpus: Corpus, problem: Mapping[str, Any],
                     consensus: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """log10 σ against 1000/T of the material's records (the problem's marked) and consensus
    medians: what the page plots."""
    mine = set(_ids(problem.get("record_ids")))
    suspect = set(_ids(problem.get("suspect_record_ids")))
    points = []
    for r in corpus.records.values():
        sigma, t = _float(r.get("sigma_S_per_cm")), _float(r.get("temperature_K"))
        if sigma is None or t is None or sigma <= 0 or t <= 0:
            continue
        if r["record_id"] not in mine and r.get("material_formula") != problem.get(
                "material_formula"):
            continue
        if r.get("material_formula") is None and r["record_id"] not in mine:
            continue
        point = {"x": 1000 / t, "y": math.log10(sigma),
                 "role": "suspect" if r["record_id"] in suspect else
                 "problem" if r["record_id"] in mine else "corpus"}
        if point not in points:  # one statement printed in two PDFs is one point
            points.append(point)
    for c in consensus:
        t = (float(c["window_low_K"]) + float(c["window_high_K"])) / 2
        points.append({"x": 1000 / t, "y": float(c["median_log10_sigma"]), "role": "consensus"})
    return points
