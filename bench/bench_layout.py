"""Speed of the layout reader beside bare pdfplumber, on the same files in the same run.

Bare pdfplumber = ``page.chars`` + ``page.extract_words()`` per page (what any reader built
on pdfplumber pays at least). Prints pages/second for the review replicas (seeds/pdfs) and
for ../shared/corpus/real when present, and the peak resident memory.

    .venv/bin/python bench/bench_layout.py [--repeat N]
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

import pdfplumber

from extractors.layout import read_document

ROOT = Path(__file__).resolve().parents[1]
SETS = {
    "replicas": sorted((ROOT / "seeds" / "pdfs").glob("*.pdf")),
    "corpus/real": sorted((ROOT.parent / "shared" / "corpus" / "real").glob("*.pdf")),
}


def bare_pdfplumber(path: Path) -> int:
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            _ = page.chars
            page.extract_words()
        return len(pdf.pages)


def ionlit_reader(path: Path) -> int:
    return read_document(path).n_pages


def timed(func, files: list[Path], repeat: int) -> tuple[int, float]:
    best = float("inf")
    pages = 0
    for _ in range(repeat):
        started = time.perf_counter()
        pages = sum(func(f) for f in files)
        best = min(best, time.perf_counter() - started)
    return pages, best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=1, help="best of N runs")
    args = parser.parse_args()
    print(f"{'set':<12} {'reader':<18} {'files':>5} {'pages':>5} {'seconds':>8} {'pages/s':>8}")
    for name, files in SETS.items():
        if not files:
            print(f"{name:<12} (absent, skipped)")
            continue
        for label, func in (("bare pdfplumber", bare_pdfplumber), ("ionlit layout", ionlit_reader)):
            pages, seconds = timed(func, files, args.repeat)
            print(f"{name:<12} {label:<18} {len(files):>5} {pages:>5} {seconds:>8.2f} "
                  f"{pages / seconds:>8.2f}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory: {peak:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
