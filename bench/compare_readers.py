"""The two character sources of the layout reader, PDFium and pdfplumber, side by side.

For each PDF (the review replicas in seeds/pdfs and, when present, ../shared/corpus/{real,
general,bad}) this reads the document with both readers, extracts its records and prints
whether they come out the same (the columns that matter: page, material, values, temperature,
kind, source; boxes within ``BOX_TOLERANCE`` points), the characters and pages read, how many
pages PDFium read itself, and each reader's seconds. ``--rss PDF`` prints each reader's peak
resident memory on one file instead (each reader in a fresh process).

    .venv/bin/python bench/compare_readers.py [PDF ...]
    .venv/bin/python bench/compare_readers.py --rss PDF
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pandas as pd
import pdfplumber

from extractors.errors import DocumentError
from extractors.extraction import document_to_records
from extractors.glyphs import GlyphPage, GlyphResources
from extractors.layout import LayoutSettings, read_document
from extractors.pdfium_source import READERS, PdfiumPage, open_pdfium, page_source

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
#: Columns a reader must not change (the boxes are compared with a tolerance).
RECORD_COLUMNS = ["source", "page", "material_raw", "material_formula", "value_raw",
                  "sigma_S_per_cm", "sigma_low_S_per_cm", "sigma_high_S_per_cm", "qualifier",
                  "temperature_raw", "temperature_K", "conductivity_kind"]
BOX_COLUMNS = ["x0", "top", "x1", "bottom"]
#: Points two readers' boxes of one record may differ by (glyph outlines that overhang their
#: advance width make PDFium's right edges up to ~0.1 pt wider).
BOX_TOLERANCE = 1.0


def default_pdfs() -> list[Path]:
    pdfs = sorted((ROOT / "seeds" / "pdfs").glob("*.pdf"))
    for name in ("real", "general", "bad"):
        pdfs += sorted((CORPUS / name).glob("*.pdf"))
    return pdfs


def record_key(records: pd.DataFrame) -> list[tuple[Any, ...]]:
    """The records as sorted tuples of :data:`RECORD_COLUMNS` (NaN made comparable)."""
    rows = records[RECORD_COLUMNS].astype(object).where(records[RECORD_COLUMNS].notna(), None)
    return sorted((tuple(r) for r in rows.itertuples(index=False)), key=repr)


def records_differ(a: pd.DataFrame, b: pd.DataFrame) -> list[str]:
    """What differs between two readers' records of one document (empty: the same)."""
    ka, kb = record_key(a), record_key(b)
    if ka != kb:
        only_a = [r for r in ka if r not in kb]
        only_b = [r for r in kb if r not in ka]
        return [f"only pdfplumber: {r}" for r in only_a] + [f"only pdfium: {r}" for r in only_b]
    sa = a.sort_values(RECORD_COLUMNS + BOX_COLUMNS, key=lambda c: c.astype(str))
    sb = b.sort_values(RECORD_COLUMNS + BOX_COLUMNS, key=lambda c: c.astype(str))
    diff = (sa[BOX_COLUMNS].to_numpy(float) - sb[BOX_COLUMNS].to_numpy(float))
    far = [k for k, row in enumerate(abs(diff)) if row.max() > BOX_TOLERANCE]
    return [f"box moved: {sa.iloc[k][['page', 'value_raw']].tolist()} by "
            f"{abs(diff[k]).max():.2f} pt" for k in far]


def pdfium_pages(path: Path) -> int:
    """Pages PDFium reads itself (the others need pdfminer: see ``page_source``)."""
    fast = open_pdfium(path)
    if fast is None:
        return 0
    try:
        with pdfplumber.open(path) as pdf:
            resources = GlyphResources()
            return sum(isinstance(page_source(GlyphPage(p, resources), fast, 0), PdfiumPage)
                       for p in pdf.pages)
    finally:
        fast.close()


#: Every page PDFium can read goes to PDFium, so the comparison covers its reading of each
#: (by default only pages of many objects do).
EVERY_PAGE = LayoutSettings(pdfium_min_objects=0)


def read_with(path: Path, reader: str, nlp: Any) -> tuple[pd.DataFrame | str, int, int, float]:
    """(records or the error's class name, characters, pages, seconds to read)."""
    started = time.perf_counter()
    try:
        doc = read_document(path, EVERY_PAGE, reader=reader)  # type: ignore[arg-type]
    except DocumentError as exc:
        return type(exc).__name__, 0, 0, time.perf_counter() - started
    seconds = time.perf_counter() - started
    chars = sum(len(b.text) for b in doc.blocks)
    return document_to_records(doc, nlp)[0], chars, doc.n_pages, seconds


def compare(pdfs: list[Path]) -> int:
    from extractors.mentions import load_nlp

    nlp = load_nlp()
    print(f"{'pdf':<58} {'same':>4} {'records':>7} {'chars':>13} {'pages':>5} {'pdfium':>6} "
          f"{'pdfium s':>8} {'plumber s':>9}")
    differing = 0
    total = dict.fromkeys(READERS, 0.0)
    for path in pdfs:
        fast, chars_fast, pages, s_fast = read_with(path, "pdfium", nlp)
        slow, chars_slow, _, s_slow = read_with(path, "pdfplumber", nlp)
        total["pdfium"] += s_fast
        total["pdfplumber"] += s_slow
        if isinstance(fast, str) or isinstance(slow, str):
            notes = [] if str(fast) == str(slow) else [f"pdfium {fast}, pdfplumber {slow}"]
            count = fast if isinstance(fast, str) else str(len(fast))
        else:
            notes = records_differ(slow, fast)
            count = str(len(slow))
        differing += bool(notes)
        used = 0 if isinstance(fast, str) else pdfium_pages(path)
        print(f"{path.parent.name + '/' + path.name:<58.58} {'yes' if not notes else 'NO':>4} "
              f"{count:>7} {chars_fast:>6}/{chars_slow:<6} {pages:>5} {used:>6} "
              f"{s_fast:>8.2f} {s_slow:>9.2f}", flush=True)
        for note in notes[:10]:
            print(f"    {note}")
    print(f"total seconds: pdfium {total['pdfium']:.1f}, pdfplumber {total['pdfplumber']:.1f}; "
          f"{differing} of {len(pdfs)} PDFs differ")
    return 1 if differing else 0


def peak_rss_mb(path: Path, reader: str) -> float:
    """Peak resident memory of a fresh process that reads ``path`` with ``reader``, MiB."""
    code = ("import resource, sys; from extractors.layout import LayoutSettings, read_document; "
            f"read_document(sys.argv[1], reader={reader!r}); "
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")
    out = subprocess.run([sys.executable, "-c", code, str(path)], cwd=ROOT, check=True,
                         capture_output=True, text=True)
    return int(out.stdout.split()[-1]) / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("pdfs", nargs="*", type=Path, help="default: seeds and the corpus")
    parser.add_argument("--rss", action="store_true", help="peak memory of each reader")
    args = parser.parse_args()
    pdfs = args.pdfs or default_pdfs()
    if args.rss:
        for path in pdfs:
            print(path.name, ", ".join(f"{r} {peak_rss_mb(path, r):.0f} MiB" for r in READERS))
        return 0
    return compare(pdfs)


if __name__ == "__main__":
    sys.exit(main())
