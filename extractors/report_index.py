"""The report as a site that scales: an index page and one static page per material.

One page holding every comparison grows with the corpus (13 KB a row: 2 GB at 10,000 papers).
The index holds what a curator starts from: the problems (open first), counts per material and
the consensus table; each material's page holds its problems, its consensus and its comparisons,
with agreements counted rather than shown with evidence. Every page is self-contained (inline
style, no script, a CSP that forbids loading anything) and links only relatively
(``materials/<page>.html`` and back ``../index.html``), so the folder can be moved or served
anywhere.
"""

from __future__ import annotations

import functools
import hashlib
import math
from collections.abc import Mapping
from importlib import resources
from pathlib import Path

import pandas as pd

from extractors.comparison import format_sigma
from extractors.consensus import DEFAULT_MIN_WORKS
from extractors.report import template_environment
from extractors.report_figures import Crop, CropRequest, requests_to_crops
from extractors.schemas import COMPARISON_STATUSES, DECISIONS

INDEX_FILE = "index.html"
MATERIALS_FOLDER = "materials"
_CSP = ("default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; "
        "form-action 'none'")
#: Statuses whose rows a material page lists; the others are counted only.
_LISTED = frozenset(COMPARISON_STATUSES) - {"agrees", "rounding"} | frozenset(DECISIONS)


@functools.cache
def _css() -> str:
    return resources.files("extractors").joinpath("templates/_site.css").read_text("utf-8")


def material_page(material_key: str) -> str:
    """``materials/m-<12 hex>.html``: stable, safe in any file system and URL."""
    digest = hashlib.sha256(material_key.encode("utf-8")).hexdigest()[:12]
    return f"{MATERIALS_FOLDER}/m-{digest}.html"


def _sigma(value: float | None) -> str:
    number = math.nan if value is None or pd.isna(value) else float(value)
    return format_sigma(float(f"{number:.3g}")) if math.isfinite(number) else ""


def _consensus_rows(consensus: pd.DataFrame, prefix: str) -> list[dict[str, object]]:
    return [{"material": c.material, "conditions": c.conditions or "—",
             "window": f"{c.window_low_K:g}–{c.window_high_K:g}",
             "median": _sigma(c.median_sigma_S_per_cm), "mad": f"{c.mad_log10_sigma:.2f}",
             "n_works": c.n_works, "n_records": c.n_records, "n_curated": c.n_curated,
             "works": list(c.work_ids), "page": prefix + material_page(c.material_key)}
            for c in consensus.itertuples()]


def _problem_rows(problems: pd.DataFrame, prefix: str,
                  evidence: Mapping[str, Mapping[str, object]] | None = None,
                  ) -> list[dict[str, object]]:
    return [{**p, "problem_id_shown": str(p["problem_id"]).upper(),
             "page": f"{prefix}{material_page(str(p['material_key']))}#{p['problem_id']}",
             "evidence": [evidence[r] for r in p["record_ids"] if evidence and r in evidence]}
            for p in problems.to_dict("records")]


def problem_evidence(problems: pd.DataFrame, records: pd.DataFrame,
                     pdf_paths: Mapping[str, Path]) -> dict[str, dict[str, object]]:
    """Record id → where it stands and a crop of its page, for the records of every problem
    (the ones a curator must judge), rendered once each."""
    wanted = {str(r) for ids in problems["record_ids"] for r in ids}
    rows = records[records["record_id"].astype(str).isin(wanted)]
    requests = [CropRequest(str(r.record_id), pdf_paths[str(r.doc_sha256)], int(r.page),
                            (float(r.x0), float(r.top), float(r.x1), float(r.bottom)))
                for r in rows.itertuples() if str(r.doc_sha256) in pdf_paths]
    crops = requests_to_crops(requests, max_crops=max(len(requests), 1))
    return {str(r.record_id): {"doc_name": r.doc_name, "page": int(r.page),
                               "crop": crops.get(str(r.record_id), Crop(note="no PDF to crop"))}
            for r in rows.itertuples()}


def site_pages(reconciliation: pd.DataFrame, problems: pd.DataFrame, consensus: pd.DataFrame,
               *, generated_at: str, dataset_versions: Mapping[str, str],
               full_report: str = "reconciliation.html",
               min_works: int = DEFAULT_MIN_WORKS,
               evidence: Mapping[str, Mapping[str, object]] | None = None) -> dict[str, str]:
    """Relative path → HTML of every page: ``index.html`` and ``materials/m-….html``.

    Args:
        reconciliation, problems, consensus: the frames of one reconciliation.
        generated_at: ISO time of the run.
        dataset_versions: dataset name → version folder, shown on the index.
        full_report: relative link to the page with every comparison and its page crops.
        min_works: the index lists consensus rows over at least this many works (the others,
            one or two works, are on their material's page), so that it stays small.
        evidence: :func:`problem_evidence`; each material page shows the crops of its
            problems' records.
    """
    env = template_environment()
    statuses = [s for s in (*COMPARISON_STATUSES, *DECISIONS)
                if s in set(reconciliation["status"])]
    names: dict[str, str] = {}
    for key, raw in zip(reconciliation["material_key"], reconciliation["material_raw"],
                        strict=True):
        names.setdefault(str(key), str(raw))
    keys = sorted(names)
    open_by_key = problems[problems["status"] == "open"]["material_key"].value_counts()
    all_by_key = problems["material_key"].value_counts()
    by_key = dict(tuple(reconciliation.groupby("material_key")))
    problems_by_key = dict(tuple(problems.groupby("material_key")))
    consensus_by_key = dict(tuple(consensus.groupby("material_key")))
    materials = []
    for key in keys:
        counts = by_key[key]["status"].value_counts().to_dict()
        materials.append({"key": key, "name": names[key], "page": material_page(key),
                          "counts": counts, "n_open": int(open_by_key.get(key, 0)),
                          "n_problems": int(all_by_key.get(key, 0))})
    materials.sort(key=lambda m: (-int(str(m["n_open"])), str(m["name"])))
    pages = {INDEX_FILE: env.get_template("index.html.j2").render(
        csp=_CSP, css=_css(), generated_at=generated_at,
        dataset_versions=dict(dataset_versions), full_report=full_report,
        problems=_problem_rows(problems, ""), n_open=int((problems["status"] == "open").sum()),
        materials=materials, statuses=statuses,
        consensus=_consensus_rows(consensus[consensus["n_works"] >= min_works], ""),
        min_works=min_works)}
    template = env.get_template("material.html.j2")
    for m in materials:
        key = str(m["key"])
        rows = by_key[key]
        listed = rows[rows["status"].isin(_LISTED)]
        pages[str(m["page"])] = template.render(
            csp=_CSP, css=_css(), generated_at=generated_at, name=m["name"], key=key,
            problems=_problem_rows(problems_by_key.get(key, problems.iloc[:0]), "../", evidence),
            consensus=_consensus_rows(consensus_by_key.get(key, consensus.iloc[:0]), "../"),
            n_rows=len(rows), rows=listed.to_dict("records"),
            summary=sorted(rows["status"].value_counts().items()))
    return pages
