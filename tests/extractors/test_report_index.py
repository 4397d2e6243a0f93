"""Tests for extractors.report_index: the index and the per-material pages of the report."""

from __future__ import annotations

import hashlib
import re
from pathlib import PurePosixPath
from typing import Any

import pandas as pd

from extractors.curated import load_curated
from extractors.reconcile import Reconciled, reconcile_corpus
from extractors.report_index import INDEX_FILE, material_page, problem_evidence, site_pages
from tests.conftest import REPLICAS, SEEDS
from tests.extractors.test_reconcile import _curated, _record, _records


def _corpus() -> Reconciled:
    """A unit slip inside one work, an outlier against three works, an agreement."""
    records = _records(
        _record("Na2B12H12", "0.0001", 1e-7, 529.0),
        _record("Na2B12H12", "0.1 S cm^-1", 1e-1, 529.0, source="text"),
        *(_record("Li7P3S11", f"{v:g}", v, 298.15, doc=f"{i:064x}", work=f"doi:w{i}")
          for i, v in enumerate((1e-3, 2e-3, 1.5e-3, 3e-2), start=1)),
        _record("LiPON <script>alert(1)</script>", "2e-6", 2e-6, 298.15))
    curated = _curated({"material": "LiPON <script>alert(1)</script>", "sigma_S_per_cm": 2e-6})
    return reconcile_corpus(records, curated)


def _pages() -> tuple[Reconciled, dict[str, str]]:
    out = _corpus()
    return out, site_pages(out.reconciliation, out.problems, out.consensus,
                           generated_at="2026-12-05T20:00:00+00:00",
                           dataset_versions={"problems": "version=0001"})


def test_report_index_lists_open_problems_first_with_links_to_material_pages() -> None:
    out, pages = _pages()
    index = pages[INDEX_FILE]
    ids = re.findall(r'<tr id="(p[0-9a-f]+)">', index)
    assert ids == list(out.problems["problem_id"]) and len(ids) == 2
    for pid in ids:
        assert pid.upper() in index
    assert index.index('id="problems"') < index.index('id="materials"') < index.index(
        'id="consensus"')


def test_report_index_every_link_is_relative_and_resolves() -> None:
    _, pages = _pages()
    for name, html in pages.items():
        for href in re.findall(r'href="([^"#]+)(?:#[^"]*)?"', html):
            assert "://" not in href and not href.startswith("/"), (name, href)
            target = str(PurePosixPath(name).parent / href)
            target = str(PurePosixPath(*[p for p in PurePosixPath(target).parts if p != "."]))
            while "/../" in f"/{target}":
                target = re.sub(r"[^/]+/\.\./", "", target, count=1)
            assert target in pages or target == "reconciliation.html", (name, href)


def test_report_index_pages_are_self_contained_and_escape_document_text() -> None:
    _, pages = _pages()
    assert len(pages) == 1 + 3  # the index and one page per material
    for html in pages.values():
        assert re.search(r"Content-Security-Policy\" content=\"default-src (&#39;|')none", html)
        assert "<script" not in html and "@media print" in html and "position: sticky" in html
    page = next(html for name, html in pages.items() if "alert(1)" in html
                and name != INDEX_FILE)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_report_index_material_page_counts_agreements_and_lists_the_rest() -> None:
    out, pages = _pages()
    key = str(out.problems.loc[out.problems["verdict"] == "unit_slip", "material_key"].iloc[0])
    page = pages[material_page(key)]
    assert 'href="../index.html"' in page and "unit_slip" in page
    lipon = next(html for name, html in pages.items() if "alert(1)" in html
                 and name != INDEX_FILE)
    assert "1 agrees" in lipon and "<td>agrees</td>" not in lipon


def test_report_index_consensus_on_the_index_needs_three_works() -> None:
    out, pages = _pages()
    assert pd.Series(out.consensus["n_works"]).max() == 4
    index = pages[INDEX_FILE]
    consensus = index[index.index('id="consensus"'):]
    assert consensus.count("<tr><td><a href=") == 1


def test_report_index_review_problem_pages_show_the_crops(replica_docs: dict[str, Any]) -> None:
    from extractors.extraction import document_to_records
    from extractors.mentions import load_nlp

    nlp = load_nlp()
    read = [document_to_records(replica_docs[p.stem], nlp) for p in REPLICAS]
    records = pd.concat([r for r, _ in read], ignore_index=True)
    out = reconcile_corpus(records, load_curated(sorted((SEEDS / "curated").glob("*.csv"))))
    paths = {hashlib.sha256(p.read_bytes()).hexdigest(): p for p in REPLICAS}
    evidence = problem_evidence(out.problems, records, paths)
    wanted = {r for ids in out.problems["record_ids"] for r in ids}
    assert set(evidence) == wanted
    assert all(str(e["crop"].uri).startswith("data:image/png;base64,")  # type: ignore[attr-defined]
               for e in evidence.values())
    pages = site_pages(out.reconciliation, out.problems, out.consensus, generated_at="t",
                       dataset_versions={}, evidence=evidence)
    key = str(out.problems["material_key"].iloc[0])
    assert pages[material_page(key)].count('<img class="crop"') >= 2
