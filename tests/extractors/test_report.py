"""The curators' HTML/CSV report, on frames built by hand (hostile text included)."""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from extractors.report import (
    ReportContext,
    ReportSettings,
    reconciliation_to_csv,
    reconciliation_to_html,
    write_report,
)
from extractors.report_figures import (
    CropRequest,
    PlotPoint,
    crop_box,
    points_to_plot,
    requests_to_crops,
)
from extractors.report_views import (
    format_sigma,
    format_temperature,
    reconciliation_to_parts,
    row_to_part,
)
from tests.pdfbuild import Page, sup, write_pdf

SHA_A, SHA_B = "a" * 64, "b" * 64
HOSTILE_SCRIPT = '<script>document.title="pwned"</script>'
HOSTILE_MARKDOWN = "![x](https://evil.example/t.png)"
HOSTILE_IMG = '<img src="https://evil.example/i.png" onerror="document.title=\'pwned\'">'
LONG_EVIDENCE = ("The total ionic conductivity of Li7P3S11 glass-ceramic reaches "
                 "1.7 × 10^-2 S cm^-1 at room temperature "
                 + "after heat treatment at 260 °C " * 30 + "END-OF-SENTENCE.")

_RECONCILIATION_DEFAULTS: dict[str, Any] = {
    "status": "agrees", "original_status": None, "explanation": "", "scope": "curated",
    "material_key": None, "material_raw": "", "material_formula": None,
    "is_statement_about_class": False, "work_id": "doi:10.1000/w1", "statement_id": None,
    "record_ids": [], "other_statement_id": None, "other_record_ids": [], "curated_ids": [],
    "curated_source": None, "same_citation": None, "document_sigma_S_per_cm": None,
    "document_temperature_K": None, "other_sigma_S_per_cm": None, "other_temperature_K": None,
    "factor": None, "temperature_diff_K": None, "decision": None, "decision_note": None,
    "decided_by": None, "decided_at": None, "corrected_sigma_S_per_cm": None,
    "corrected_temperature_K": None,
}


def _row(rid: str, material: str, **values: Any) -> dict[str, Any]:
    row = {**_RECONCILIATION_DEFAULTS, "reconciliation_id": rid, "material_raw": material,
           "material_key": material.casefold(), "material_formula": material,
           "statement_id": f"s-{rid}", **values}
    row["original_status"] = row["original_status"] or row["status"]
    return row


def _record(record_id: str, material: str, sigma: float | None, temperature: float | None,
            evidence: str, *, source: str = "text", page: int = 1, doc: str = SHA_A,
            box: tuple[float, float, float, float] = (72.0, 88.0, 400.0, 104.0),
            table_id: str | None = None) -> dict[str, Any]:
    x0, top, x1, bottom = box
    return {"record_id": record_id, "doc_sha256": doc,
            "doc_name": "paper.pdf" if doc == SHA_A else "si.pdf", "source": source,
            "page": page, "x0": x0, "top": top, "x1": x1, "bottom": bottom,
            "table_id": table_id, "material_raw": material, "material_formula": material,
            "value_raw": "1.7 × 10^-2 S cm^-1", "sigma_S_per_cm": sigma,
            "temperature_raw": "RT" if temperature else None, "temperature_K": temperature,
            "evidence": evidence, "reference": "[179]", "conductivity_kind": "total",
            "work_id": "doi:10.1000/w1"}


def _frames() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    records = pd.DataFrame([
        _record("r-slip", "Li7P3S11", 1.7e-8, 298.15, LONG_EVIDENCE),
        _record("r-llzo-text", "LLZO", 5e-4, 298.15, "LLZO shows 5 × 10^-4 S cm^-1 at RT.",
                box=(72.0, 300.0, 300.0, 330.0)),
        _record("r-llzo-table", "LLZO", 2e-4, 298.15, "LLZO | 2.0 × 10^-4 | 25",
                source="table", table_id="p2-t1", page=2, doc=SHA_B),
        _record("r-llzo-hot", "LLZO", 1.2e-3, None, "LLZO 1.2 × 10^-3 S cm^-1 (T not given)",
                box=(72.0, 400.0, 300.0, 430.0)),
        _record("r-lps", "Li3PS4", 1.6e-4, 298.15, "β-Li3PS4: 1.6 × 10^-4 S cm^-1."),
        _record("r-class", "solid electrolytes", 1e-3, 298.15,
                f"Solid electrolytes exceed 10^-3 S cm^-1. {HOSTILE_SCRIPT}"),
        _record("r-hostile", HOSTILE_SCRIPT, 3e-5, 298.15,
                f"{HOSTILE_MARKDOWN} {HOSTILE_IMG} reaches 3 × 10^-5 S cm^-1."),
        _record("r-round", "LiPON", 3.3e-6, 298.15, "LiPON: 3.3 × 10^-6 S cm^-1."),
        _record("r-fix", "Li10GeP2S12", 1.2e-3, 300.0, "LGPS 1.2 mS cm^-1 at 300 K."),
    ])
    curated = pd.DataFrame([
        {"curated_id": "c-slip", "material": "Li7P3S11", "material_formula": "Li7P3S11",
         "sigma_S_per_cm": 1.7e-2, "temperature_K": 298.15, "source_dataset": "obelix",
         "primary_source": "doi:10.1039/c3ee41655k", "doi": "10.1039/c3ee41655k"},
        {"curated_id": "c-lps", "material": "Li3PS4", "material_formula": "Li3PS4",
         "sigma_S_per_cm": 1.6e-4, "temperature_K": 298.15, "source_dataset": "curators_sheet",
         "primary_source": "Liu 2013", "doi": None},
        {"curated_id": "c-nps", "material": "Na3PS4", "material_formula": "Na3PS4",
         "sigma_S_per_cm": 2e-4, "temperature_K": None, "source_dataset": "liverpool",
         "primary_source": "=HYPERLINK(\"https://evil.example\")", "doi": None},
        {"curated_id": "c-round", "material": "LiPON", "material_formula": None,
         "sigma_S_per_cm": 3.3e-6, "temperature_K": 298.15, "source_dataset": "laskowski2023",
         "primary_source": None, "doi": None},
    ])
    reconciliation = pd.DataFrame([
        _row("rec-agree", "Li3PS4", status="agrees", explanation="Same value at RT.",
             record_ids=["r-lps"], curated_ids=["c-lps"], curated_source="curators_sheet: Liu",
             document_sigma_S_per_cm=1.6e-4, document_temperature_K=298.15,
             other_sigma_S_per_cm=1.6e-4, other_temperature_K=298.15, factor=1.0),
        _row("rec-slip", "Li7P3S11", status="unit_slip", explanation="Off by 10^6: a unit slip.",
             record_ids=["r-slip"], curated_ids=["c-slip"], same_citation="[179]",
             curated_source="obelix: doi:10.1039/c3ee41655k", document_sigma_S_per_cm=1.7e-8,
             document_temperature_K=298.15, other_sigma_S_per_cm=1.7e-2,
             other_temperature_K=298.15, factor=1e-6, temperature_diff_K=0.0),
        _row("rec-llzo", "LLZO", status="value_conflict", scope="within_work",
             explanation="Text and table disagree.", record_ids=["r-llzo-text"],
             other_statement_id="s-llzo-table", other_record_ids=["r-llzo-table"],
             document_sigma_S_per_cm=5e-4, document_temperature_K=298.15,
             other_sigma_S_per_cm=2e-4, other_temperature_K=298.15, factor=2.5),
        _row("rec-llzo-t", "LLZO", status="temperature_conflict", scope="within_work",
             explanation="Temperatures differ.", record_ids=["r-llzo-hot"],
             other_record_ids=["r-llzo-text"], document_sigma_S_per_cm=1.2e-3,
             other_sigma_S_per_cm=5e-4, other_temperature_K=298.15),
        _row("rec-nps", "Na3PS4", status="only_in_curated", scope="unmatched",
             explanation="Not found in the corpus.", curated_ids=["c-nps"], work_id=None,
             other_sigma_S_per_cm=2e-4),
        _row("rec-round", "LiPON", status="rounding", explanation="Equal up to rounding.",
             record_ids=["r-round"], curated_ids=["c-round"], document_sigma_S_per_cm=3.3e-6,
             other_sigma_S_per_cm=3.3e-6, document_temperature_K=298.15),
        _row("rec-class", "solid electrolytes", status="value_conflict", scope="across_works",
             explanation="A class, not a material.", is_statement_about_class=True,
             record_ids=["r-class"], document_sigma_S_per_cm=1e-3),
        _row("rec-hostile", HOSTILE_SCRIPT, status="only_in_document", scope="unmatched",
             explanation=f"Only here. {HOSTILE_MARKDOWN}", record_ids=["r-hostile"],
             material_formula=None, document_sigma_S_per_cm=3e-5),
        _row("rec-fix", "Li10GeP2S12", status="corrected", original_status="value_conflict",
             explanation="Curator corrected the value.", record_ids=["r-fix"],
             document_sigma_S_per_cm=1.2e-3, decision="corrected",
             decision_note=f"Typo in the table. {HOSTILE_SCRIPT}", decided_by="mh",
             decided_at="2026-11-27T10:00:00Z", corrected_sigma_S_per_cm=1.2e-2,
             corrected_temperature_K=300.0),
    ])
    return reconciliation, records, curated


def _context(paths: dict[str, Path] | None = None) -> ReportContext:
    paths = paths or {}
    documents = pd.DataFrame({
        "doc_sha256": [SHA_A, SHA_B], "doc_name": ["paper.pdf", "si.pdf"],
        "work_id": ["doi:10.1000/w1", "doi:10.1000/w1"], "title": ["Sulfide electrolytes", None],
        "doi": ["10.1000/w1", None], "pages": [2, 1], "status": ["ok", "ok"],
        "path": [str(paths[s]) if s in paths else None for s in (SHA_A, SHA_B)]})
    return ReportContext("2026-11-28T08:00:00Z", {"conductivity": "version=0003",
                                                 "reconciliation": "version=0002"}, documents)


def _html(**kwargs: Any) -> str:
    reconciliation, records, curated = _frames()
    return reconciliation_to_html(reconciliation, records, curated,
                                  kwargs.pop("context", None) or _context(), **kwargs)


class _Tags(HTMLParser):
    """Every start tag with its attributes, in document order."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def _tags(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(html)
    return parser.tags


def _article_ids(html: str) -> list[str]:
    return [str(a["id"]) for t, a in _tags(html) if t == "article"]


@pytest.fixture(scope="module")
def pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two pages; page 1 holds the evidence sentence at the records' box (72, 88–104)."""
    page1 = Page().text(72, 100, "Li7P3S11 reaches 1.7 x 10", sup("-2"), " S cm", sup("-1"), ".")
    page2 = Page().text(72, 100, "LLZO | 2.0 x 10", sup("-4"), " | 25")
    return write_pdf(tmp_path_factory.mktemp("pdf") / "paper.pdf", [page1, page2])


def test_report_conflicts_come_before_agreements() -> None:
    ids = _article_ids(_html())
    assert ids.index("r-rec-slip") < ids.index("r-rec-nps") < ids.index("r-rec-round") \
        < ids.index("r-rec-agree") < ids.index("r-rec-fix") < ids.index("r-rec-class") \
        < ids.index("r-rec-hostile")


def test_report_parts_in_reading_order() -> None:
    parts = [a["id"] for t, a in _tags(_html()) if t == "section" and "part" in (a["class"] or "")]
    assert parts == ["part-conflicts", "part-only_in_curated", "part-rounding", "part-agrees",
                     "part-decided", "part-classes", "part-only_in_document"]


def test_report_groups_conflicts_by_material() -> None:
    reconciliation, records, curated = _frames()
    parts = reconciliation_to_parts(reconciliation, records, curated, paths={},
                                    settings=ReportSettings()).parts
    conflicts = parts[0]
    assert conflicts.key == "conflicts"
    assert [g.label for g in conflicts.groups] == ["Li7P3S11", "LLZO"]
    llzo = conflicts.groups[1]
    assert [r.status for r in llzo.rows] == ["value_conflict", "temperature_conflict"]


def test_report_statements_about_classes_stand_apart() -> None:
    reconciliation, records, curated = _frames()
    parts = reconciliation_to_parts(reconciliation, records, curated, paths={},
                                    settings=ReportSettings()).parts
    by_key = {p.key: p for p in parts}
    assert [r.reconciliation_id for g in by_key["classes"].groups for r in g.rows] == ["rec-class"]
    assert all(r.reconciliation_id != "rec-class"
               for g in by_key["conflicts"].groups for r in g.rows)
    assert all(g.plot is None for g in by_key["classes"].groups)


def test_report_escapes_pdf_and_curator_text() -> None:
    html = _html()
    assert "<script>document.title" not in html
    assert "&lt;script&gt;document.title=&#34;pwned&#34;&lt;/script&gt;" in html
    assert HOSTILE_MARKDOWN in html  # shown as text: nothing renders Markdown
    assert "onerror" not in [k for _, a in _tags(html) for k in a]
    assert [t for t, _ in _tags(html)].count("script") == 1


def test_report_loads_nothing_from_outside() -> None:
    html = _html()
    tags = _tags(html)
    sources = [a["src"] for _, a in tags if "src" in a]
    assert sources and all(str(s).startswith("data:image/png;base64,") for s in sources)
    links = [str(a["href"]) for t, a in tags if t == "a"]
    assert all(h.startswith(("#", "file:///")) for h in links)
    assert not [t for t, a in tags if t == "link" or (t == "script" and "src" in a)]


def test_report_csp_allows_only_its_own_script() -> None:
    html = _html()
    csp = next(a["content"] for t, a in _tags(html)
               if t == "meta" and a.get("http-equiv") == "Content-Security-Policy")
    script = re.search(r"<script>(.*?)</script>", html, re.S).group(1)  # type: ignore[union-attr]
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in str(csp)
    assert "default-src 'none'" in str(csp) and "img-src data:" in str(csp)
    assert "unsafe-inline" not in str(csp).split("script-src")[1].split(";")[0]


def test_report_readable_without_javascript() -> None:
    tags = _tags(_html())
    filter_box = next(a for t, a in tags if t == "fieldset" and a.get("id") == "filter")
    assert "hidden" in filter_box  # only the script reveals the filter
    assert not any("hidden" in a for t, a in tags if t in ("article", "section"))
    assert "noscript" in [t for t, _ in tags]


def test_report_shows_both_values_with_units_and_temperatures() -> None:
    html = _html()
    slip = html[html.index('id="r-rec-slip"'):html.index('id="r-rec-llzo"')]
    assert "1.7e-8 S/cm" in slip and "1.7e-2 S/cm" in slip
    assert "298.15 K (25 °C)" in slip
    assert "same citation [179]" in slip
    assert "obelix: doi:10.1039/c3ee41655k" in slip
    assert "p.&nbsp;1" in slip


def test_report_only_in_curated_shows_the_curated_value() -> None:
    html = _html()
    row = html[html.index('id="r-rec-nps"'):]
    row = row[:row.index("</article>")]
    assert "2e-4 S/cm" in row and "liverpool" in row and "T not stated" in row
    assert row.count('class="side"') == 1  # nothing to compare it with


def test_report_crop_is_the_full_width_strip_around_the_evidence() -> None:
    assert crop_box((300.0, 100.0, 350.0, 110.0), 18.0, (0.0, 0.0, 595.0, 842.0)) == \
        (0.0, 82.0, 595.0, 128.0)
    assert crop_box((300.0, 5.0, 350.0, 830.0), 18.0, (0.0, 0.0, 595.0, 842.0)) == \
        (0.0, 0.0, 595.0, 842.0)


@pytest.mark.parametrize(("value", "text"), [(0.125, "1.25e-1 S/cm"), (1.7e-8, "1.7e-8 S/cm"),
                                             (1e-3, "1e-3 S/cm"), (None, "—")])
def test_report_formats_sigma(value: float | None, text: str) -> None:
    assert format_sigma(value) == text


def test_report_formats_temperature_in_kelvin_and_celsius() -> None:
    assert format_temperature(573.15) == "573.15 K (300 °C)"
    assert format_temperature(float("nan")) == "T not stated"


def test_report_shows_evidence_in_full() -> None:
    html = _html()
    assert LONG_EVIDENCE in html
    assert "END-OF-SENTENCE." in html


def test_report_shows_decision_with_value_note_and_curator() -> None:
    html = _html()
    fixed = html[html.index('id="r-rec-fix"'):]
    fixed = fixed[:fixed.index("</article>")]
    assert "Decision: corrected" in fixed and "1.2e-2 S/cm" in fixed
    assert "by mh" in fixed and "Typo in the table." in fixed and "was value conflict" in fixed


def test_report_header_lists_versions_works_and_counts() -> None:
    html = _html()
    assert "version=0003" in html and "doi:10.1000/w1" in html and "si.pdf" in html
    counts = re.findall(r"<td>(\w+)</td><td class=\"num\">(\d+)</td>", html)
    assert ("unit_slip", "1") in counts and ("value_conflict", "2") in counts
    assert counts[0][0] == "value_conflict"


def test_report_without_pdf_paths_shows_no_crops() -> None:
    tags = _tags(_html())
    assert not [a for t, a in tags if t == "img" and "crop" in str(a.get("class"))]
    assert not [a for t, a in tags if t == "a" and str(a.get("href")).startswith("file:")]


def test_report_crops_the_evidence_when_the_pdf_is_known(pdf: Path) -> None:
    html = _html(pdf_paths={SHA_A: pdf})
    tags = _tags(html)
    crops = [a for t, a in tags if t == "img" and a.get("class") == "crop"]
    assert crops and all(str(a["src"]).startswith("data:image/png;base64,") for a in crops)
    png = base64.b64decode(str(crops[0]["src"]).split(",", 1)[1])
    assert png.startswith(b"\x89PNG")
    assert f'href="{pdf.resolve().as_uri()}#page=1"' in html
    si_rows = html[html.index("r-llzo-table"):][:200]
    assert "data:image" not in si_rows  # si.pdf's path is unknown: evidence only


def test_report_takes_pdf_paths_from_documents(pdf: Path) -> None:
    html = _html(context=_context({SHA_A: pdf}))
    assert any(t == "img" and a.get("class") == "crop" for t, a in _tags(html))


def test_report_caps_crops_and_says_so(pdf: Path) -> None:
    html = _html(pdf_paths={SHA_A: pdf}, settings=ReportSettings(max_crops=1))
    crops = {a["src"] for t, a in _tags(html) if t == "img" and a.get("class") == "crop"}
    assert len(crops) == 1
    assert "Page crops are capped at 1 per report" in html
    first_crop = html.index('class="crop"')
    assert html.index('id="r-rec-slip"') < first_crop < html.index('id="r-rec-llzo"')


def test_report_crops_render_each_box_once(pdf: Path) -> None:
    box = (72.0, 88.0, 400.0, 104.0)
    crops = requests_to_crops([CropRequest("r1", pdf, 1, box), CropRequest("r2", pdf, 1, box),
                               CropRequest("r3", pdf, 9, box)], max_crops=1)
    assert crops["r1"] is crops["r2"] and crops["r1"].uri
    assert crops["r3"].uri is None and "cap" in str(crops["r3"].note)


def test_report_crop_of_unreadable_pdf_is_a_note(tmp_path: Path) -> None:
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"not a pdf")
    crops = requests_to_crops([CropRequest("r1", bad, 1, (0.0, 0.0, 10.0, 10.0))])
    assert crops["r1"].uri is None and str(crops["r1"].note).startswith("no crop")


def test_report_plots_materials_with_several_values() -> None:
    reconciliation, records, curated = _frames()
    parts = reconciliation_to_parts(reconciliation, records, curated, paths={},
                                    settings=ReportSettings()).parts
    plots = {g.label: g.plot for p in parts for g in p.groups}
    assert str(plots["LLZO"]).startswith("data:image/png;base64,")  # one value has no T
    assert str(plots["Li7P3S11"]).startswith("data:image/png;base64,")
    assert plots["Na3PS4"] is None  # one value: nothing to compare


def test_report_caps_plots_and_says_so() -> None:
    html = _html(settings=ReportSettings(max_plots=1))
    plots = [a for t, a in _tags(html) if t == "img" and a.get("class") == "plot"]
    assert len(plots) == 1 and "Plots are capped at 1 per report" in html
    assert html.index('class="plot"') < html.index('id="r-rec-slip"')  # the first conflict's


def test_report_plot_survives_missing_temperatures_and_bad_values() -> None:
    points = [PlotPoint("text", 1e-3, None), PlotPoint("obelix", 1e-9, None),
              PlotPoint("table", 0.0, 300.0)]
    assert str(points_to_plot(points, title="x")).startswith("data:image/png;base64,")
    assert points_to_plot([PlotPoint("text", -1.0, 300.0)], title="x") is None


def test_report_csv_neutralises_formulas_and_joins_lists() -> None:
    reconciliation = pd.DataFrame([_row("rec-1", "=cmd|' /C calc'!A0", status="unit_slip",
                                        record_ids=["r1", "r2"], explanation="+1 more",
                                        decision_note="@SUM(A1)", decided_by="\tx",
                                        temperature_diff_K=-5.0, curated_source="-2+3")])
    rows = list(csv.DictReader(io.StringIO(reconciliation_to_csv(reconciliation))))
    assert len(rows) == 1
    row = rows[0]
    assert row["material_raw"] == "'=cmd|' /C calc'!A0"
    assert row["explanation"] == "'+1 more" and row["decision_note"] == "'@SUM(A1)"
    assert row["decided_by"] == "'\tx" and row["curated_source"] == "'-2+3"
    assert row["record_ids"] == "r1;r2" and row["curated_ids"] == ""
    assert row["temperature_diff_K"] == "-5.0"  # our own numbers stay numbers
    assert row["corrected_sigma_S_per_cm"] == ""


def test_report_write_report_replaces_both_files(tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    html_path, csv_path = write_report(folder, "<p>old</p>", "a\n1\n")
    write_report(folder, "<p>new ×</p>", "a\n2\n")
    assert (html_path.name, csv_path.name) == ("reconciliation.html", "reconciliation.csv")
    assert html_path.read_text("utf-8") == "<p>new ×</p>" and csv_path.read_text() == "a\n2\n"
    assert sorted(p.name for p in folder.iterdir()) == ["reconciliation.csv",
                                                        "reconciliation.html"]


def test_report_write_report_keeps_the_old_file_when_the_write_fails(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    html_path, _ = write_report(tmp_path, "<p>old</p>", "a\n")

    def fail(*_: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("extractors.report.os.replace", fail)
    with pytest.raises(OSError, match="disk full"):
        write_report(tmp_path, "<p>new</p>", "b\n")
    assert html_path.read_text() == "<p>old</p>"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["reconciliation.csv",
                                                          "reconciliation.html"]


def test_report_reads_list_columns_back_from_parquet() -> None:
    reconciliation, records, curated = _frames()
    table = pa.Table.from_pandas(reconciliation, preserve_index=False)
    roundtrip = table.to_pandas()  # list cells come back as numpy arrays
    html = reconciliation_to_html(roundtrip, records, curated, _context())
    assert _article_ids(html) == _article_ids(_html())
    assert "r1;r2" in reconciliation_to_csv(roundtrip.assign(
        record_ids=[np.array(["r1", "r2"], dtype=object)] * len(roundtrip)))


def test_report_of_no_comparisons_is_still_a_page() -> None:
    reconciliation, records, curated = _frames()
    html = reconciliation_to_html(reconciliation.iloc[0:0], records, curated, _context())
    assert "0 comparisons" in html and not _article_ids(html)


@pytest.mark.parametrize(("status", "is_class", "part"), [
    ("unit_slip", False, "conflicts"), ("agrees", True, "classes"),
    ("corrected", False, "decided"), ("brand_new_status", False, "conflicts")])
def test_report_row_to_part(status: str, is_class: bool, part: str) -> None:
    assert row_to_part(status, is_class) == part


def test_report_context_needs_document_ids() -> None:
    with pytest.raises(ValueError, match="doc_sha256"):
        ReportContext("2026-11-28T08:00:00Z", {}, pd.DataFrame({"doc_name": ["x.pdf"]}))


CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium"
                                        if Path("/usr/bin/chromium").exists() else None)


def _dump_dom(page: Path, profile: Path) -> str:
    """The DOM after headless Chromium loaded ``page`` and ran its scripts (no network)."""
    return subprocess.run(
        [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-first-run", f"--user-data-dir={profile}", "--virtual-time-budget=2000",
         "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120, check=True).stdout


@pytest.mark.skipif(CHROMIUM is None, reason="needs /usr/bin/chromium (apt-get install chromium)")
def test_report_in_a_browser_runs_only_its_own_script(tmp_path: Path, pdf: Path) -> None:
    html_path, _ = write_report(tmp_path / "out", _html(pdf_paths={SHA_A: pdf}), "")
    dom = _dump_dom(html_path, tmp_path / "profile")
    title = re.search(r"<title>(.*?)</title>", dom, re.S)
    assert title and title.group(1) == "Reconciliation report · 2026-11-28T08:00:00Z"
    assert 'data-filter="on"' in dom  # our script ran under the CSP: the hash is right
    assert re.search(r'<fieldset id="filter"\s*>', dom)  # and revealed the filter
    assert 'id="r-rec-slip"' in dom and 'id="r-rec-llzo"' in dom
    assert "pwned" not in title.group(1)


@pytest.mark.skipif(CHROMIUM is None, reason="needs /usr/bin/chromium (apt-get install chromium)")
def test_report_hostile_pdf_text_stays_text_in_a_browser(tmp_path: Path) -> None:
    """Issue #11: a PDF that says `<script>` or a Markdown image beside a value, read, reconciled
    and reported as `ionlit run` does: the browser shows the text and runs no script from it."""
    from extractors.curated import CURATED_COLUMNS
    from extractors.extraction import extract_document
    from extractors.reconcile import reconcile

    hostile = "<script>document.title='pwned'</script> ![x](https://evil.example/t.png)"
    pdf = write_pdf(tmp_path / "hostile.pdf", [Page().text(
        72, 100, "The conductivity of Li7P3S11 is 1.7 × 10", sup("-2"), " S cm", sup("-1"),
        f" at room temperature {hostile}.")])
    result = extract_document(pdf)
    assert len(result.records) == 1 and "<script>" in result.records["evidence"].iloc[0]
    curated = pd.DataFrame(columns=list(CURATED_COLUMNS))
    reconciliation = reconcile(result.records, curated)
    documents = pd.DataFrame([result.document])
    html = reconciliation_to_html(
        reconciliation, result.records, curated,
        ReportContext("2026-11-28T08:00:00Z", {}, documents),
        pdf_paths={result.document["doc_sha256"]: pdf})
    assert "<script>document.title" not in html and "evil.example/t.png\"" not in html
    html_path, _ = write_report(tmp_path / "out", html, "")
    dom = _dump_dom(html_path, tmp_path / "profile")
    title = re.search(r"<title>(.*?)</title>", dom, re.S)
    assert title and "pwned" not in title.group(1)
    assert "&lt;script&gt;document.title='pwned'&lt;/script&gt;" in dom  # shown as text
    assert not re.search(r"<img[^>]+evil\.example", dom)
