"""The benchmark's own pieces: the corpus it builds and the per-document figures it reads."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pdfplumber

from bench.bench_pipeline import REPLICAS, build_corpus, measure_one
from extractors.layout import read_document


def test_bench_corpus_copies_are_distinct_readable_pdfs(tmp_path: Path) -> None:
    """Copies differ in their hash (each is a partition of its own) and read as the source."""
    pages = build_corpus(tmp_path, 2 * len(REPLICAS) + 1, sources=REPLICAS)
    copies = sorted(tmp_path.glob("*.pdf"))
    assert len(copies) == 2 * len(REPLICAS) + 1
    assert len({hashlib.sha256(p.read_bytes()).hexdigest() for p in copies}) == len(copies)
    source = REPLICAS[0]
    copy = next(p for p in copies if p.name.startswith(source.stem))
    assert read_document(copy).blocks == read_document(source).blocks
    with pdfplumber.open(source) as pdf:
        first = len(pdf.pages)
    assert pages >= 3 * first


def test_bench_measure_one_times_every_page() -> None:
    figures = measure_one(REPLICAS[0])
    assert figures["pages"] > 1 and figures["records"] > 0
    assert 0 < figures["slowest_page"] <= figures["read"] <= figures["seconds"]
    assert 1 <= figures["slowest_page_number"] <= figures["pages"]
    assert figures["rss_mb"] > 0
