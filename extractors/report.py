"""The curators' report: one self-contained HTML file and a CSV of the same rows.

A curator works through the report top-down, so it puts what needs a decision first: the
conflicts (grouped by material, each material with its σ(T) plot), then values only in the
curated sheets, rounding, agreements and decided rows; statements about a class of materials
("solid electrolytes", "PEO-based") and values only in documents come last, apart, because
they cannot be checked against a material's value. Every comparison shows both sides with
units, temperatures, the evidence in full and a crop of the PDF page, so a value can be judged
without opening the PDF.

The file must be safe to open although most of its text comes from PDFs and curators' notes:
jinja2 autoescapes every value, nothing is loaded from outside (crops and plots are ``data:``
URIs), and a Content-Security-Policy lets only our own inline script (by its hash) run. The
page works without JavaScript; the script only adds a filter by status.
"""

from __future__ import annotations

import base64
import csv
import functools
import hashlib
import io
import math
import numbers
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from types import MappingProxyType

import jinja2
import pandas as pd
from markupsafe import Markup

from extractors.report_views import (
    DEFAULT_SETTINGS,
    ReportSettings,
    document_paths,
    documents_to_works,
    present,
    reconciliation_to_parts,
    status_counts,
)
from extractors.schemas import CONFLICT_STATUSES
from extractors.spreadsheet import neutralise_cell

_CSV_FILE, _HTML_FILE = "reconciliation.csv", "reconciliation.html"
#: The default of ``pdf_paths``: an empty mapping nobody can add to by accident.
NO_PATHS: Mapping[str, Path] = MappingProxyType({})


@dataclass(frozen=True)
class ReportContext:
    """The run the report describes.

    Attributes:
        generated_at: ISO time of the run.
        dataset_versions: dataset name → version folder (``{"conductivity": "version=0003"}``).
        documents: one row per PDF: doc_sha256, doc_name, work_id, title, doi, pages, status
            and, when known, ``path`` (absolute path of the PDF) for crops and page links.
    """

    generated_at: str
    dataset_versions: Mapping[str, str]
    documents: pd.DataFrame

    def __post_init__(self) -> None:
        missing = [c for c in ("doc_sha256", "doc_name") if c not in self.documents.columns]
        if missing:
            raise ValueError(f"documents lacks column(s) {missing}")


# --- HTML -------------------------------------------------------------------------------------

@functools.cache
def template_environment() -> jinja2.Environment:
    """The report templates (``extractors/templates``), autoescaped, one for every page."""
    return jinja2.Environment(loader=jinja2.PackageLoader("extractors", "templates"),
                              autoescape=True, undefined=jinja2.StrictUndefined,
                              trim_blocks=True, lstrip_blocks=True)


@functools.cache
def _script() -> str:
    return resources.files("extractors").joinpath("templates/report.js").read_text("utf-8")


def script_hash(script: str) -> str:
    """The CSP source expression that lets exactly this inline script run."""
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def reconciliation_to_html(reconciliation: pd.DataFrame, records: pd.DataFrame,
                           curated: pd.DataFrame, context: ReportContext, *,
                           pdf_paths: Mapping[str, Path] = NO_PATHS,
                           settings: ReportSettings = DEFAULT_SETTINGS) -> str:
    """The curators' report as one HTML page that needs nothing but a browser.

    Args:
        reconciliation: one row per comparison (columns of the reconciliation dataset).
        records: conductivity records; the evidence, boxes and pages of ``record_ids``.
        curated: curated reference rows, looked up by ``curated_id``.
        context: the run header: time, dataset versions, documents.
        pdf_paths: doc_sha256 → PDF path, overriding ``context.documents.path``; a record
            whose PDF is unknown shows its evidence without a crop.
        settings: crop cap, crop and plot resolution.
    """
    paths = document_paths(context.documents, pdf_paths)
    body = reconciliation_to_parts(reconciliation, records, curated, paths=paths,
                                   settings=settings)
    script = _script()
    counts = status_counts(reconciliation)
    csp = ("default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
           f"script-src {script_hash(script)}; base-uri 'none'; form-action 'none'")
    return template_environment().get_template("report.html.j2").render(
        csp=csp, script=Markup(script), generated_at=context.generated_at,
        dataset_versions=dict(context.dataset_versions),
        works=documents_to_works(context.documents, paths),
        counts=counts, conflict_statuses=CONFLICT_STATUSES,
        parts=[p for p in body.parts if p.groups], body=body, settings=settings,
        n_rows=len(reconciliation))


# --- CSV and files ----------------------------------------------------------------------------

def _csv_cell(value: object) -> str | float | int | bool:
    if isinstance(value, numbers.Real):  # numbers are ours, never formulas (see below)
        return "" if math.isnan(float(value)) else value  # type: ignore[return-value]
    if value is None:
        return ""
    if not isinstance(value, str) and hasattr(value, "__iter__"):
        return neutralise_cell(";".join(str(v) for v in value))
    return "" if not present(value) else neutralise_cell(str(value))


def reconciliation_to_csv(reconciliation: pd.DataFrame) -> str:
    """The report's rows as CSV: list columns joined with ``;``, text cells neutralised.

    Only text cells are neutralised: a number (``-5.0`` in temperature_diff_K) is written by
    us, is a number in the spreadsheet, and must stay one.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([neutralise_cell(str(c)) for c in reconciliation.columns])
    for row in reconciliation.itertuples(index=False, name=None):
        writer.writerow([_csv_cell(v) for v in row])
    return buffer.getvalue()


def _write_atomically(path: Path, text: str) -> None:
    """Temp file in the same folder, then ``os.replace``: a reader sees the old or the new
    file, never half of one."""
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def write_report(folder: Path, html: str, csv: str) -> tuple[Path, Path]:
    """Write ``reconciliation.html`` and ``reconciliation.csv`` into ``folder`` (created)."""
    folder.mkdir(parents=True, exist_ok=True)
    html_path, csv_path = folder / _HTML_FILE, folder / _CSV_FILE
    _write_atomically(html_path, html)
    _write_atomically(csv_path, csv)
    return html_path, csv_path
