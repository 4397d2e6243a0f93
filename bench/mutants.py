"""Damaged and hostile PDFs through ``extract_document``: every outcome must be classified.

Mutants (flipped bytes, truncations, damaged tokens, deleted or repeated chunks, from a seeded
generator) of the 1-column replica, the Losilla paper (../shared/corpus, when present) and a
small built PDF, then crafted files (a FIFO, a symlink to /dev/zero, a folder, a symlink loop,
a page tree nested 5,000 deep, an unknown filter, a 2 MB flate bomb). Prints the files tried,
the outcomes (records, each classified reason, tracebacks = bugs, hangs = over the time limit)
and the peak memory of this process and of the reading workers.

    .venv/bin/python bench/mutants.py [-n 400] [--seed 11] [--budget 1800] [--timeout 60]

Exit status 1 when any file ended in a traceback (an unclassified exception).
"""

from __future__ import annotations

import argparse
import logging
import os
import resource
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extractors.extraction import extract_document  # noqa: E402
from extractors.guarded import ReadLimits  # noqa: E402
from extractors.mentions import load_nlp  # noqa: E402
from tests.extractors import hostile  # noqa: E402

LOSILLA = (ROOT.parent / "shared" / "corpus" / "real"
           / "nasicon-na-in-po4-losilla-chemmater-1998.pdf")


def sources(folder: Path) -> dict[str, bytes]:
    found = {"replica-1col": (ROOT / "seeds" / "pdfs" / "replica-1col.pdf").read_bytes(),
             "small": hostile.small_pdf(folder / "small.pdf").read_bytes()}
    if LOSILLA.exists():
        found["losilla"] = LOSILLA.read_bytes()
    return found


def crafted(folder: Path) -> list[Path]:
    """The hostile files of issue #11 that are not mutants."""
    os.mkfifo(folder / "fifo.pdf")
    (folder / "zero.pdf").symlink_to("/dev/zero")
    (folder / "folder.pdf").mkdir()
    (folder / "loop.pdf").symlink_to(folder / "loop.pdf")
    (folder / "deep-tree.pdf").write_bytes(hostile.deep_page_tree(5000))
    (folder / "unknown-filter.pdf").write_bytes(hostile.unsupported_filter())
    (folder / "flate-bomb.pdf").write_bytes(hostile.flate_bomb(2048))
    return [folder / name for name in ("fifo.pdf", "zero.pdf", "folder.pdf", "loop.pdf",
                                       "missing.pdf", "deep-tree.pdf", "unknown-filter.pdf",
                                       "flate-bomb.pdf")]


class _PeakMemory(logging.Handler):
    """Keeps the largest peak resident memory the reading workers report."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.peak_mb = 0.0

    def emit(self, record: logging.LogRecord) -> None:
        self.peak_mb = max(self.peak_mb, float(getattr(record, "peak_rss_mb", 0.0)))


def outcome(path: Path, nlp: object, limits: ReadLimits) -> str:
    """``records``, the classified reason, ``timed out`` or ``TRACEBACK: ...``."""
    try:
        result = extract_document(path, nlp, limits=limits)
    except BaseException as exc:  # exactly what must never happen
        return f"TRACEBACK: {type(exc).__name__}: {exc}"
    if result.bug:
        return f"TRACEBACK: {result.document['error']}"
    if not result.failed:
        return "records" if len(result.records) else "read, no records"
    return str(result.document["error"]).split(":")[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=400, help="mutants to try (default 400)")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--budget", type=float, default=1800,
                        help="seconds for the mutants; the rest is skipped (default 1800)")
    parser.add_argument("--timeout", type=float, default=60, help="read limit per file, s")
    parser.add_argument("-v", "--verbose", action="store_true", help="one line per file")
    args = parser.parse_args()
    limits = ReadLimits.from_env(timeout_s=args.timeout)
    nlp = load_nlp()
    peak = _PeakMemory()
    logger = logging.getLogger("extractors.guarded")
    logger.setLevel(logging.DEBUG)
    logger.addHandler(peak)
    counts: Counter[str] = Counter()
    tracebacks: list[str] = []
    started = time.perf_counter()
    slowest = (0.0, "")
    with tempfile.TemporaryDirectory(prefix="ionlit-mutants-") as tmp:
        folder = Path(tmp)
        tried = 0
        for label, data in hostile.mutants(sources(folder), args.n, args.seed):
            if time.perf_counter() - started > args.budget:
                break
            path = folder / "mutant.pdf"
            path.write_bytes(data)
            t0 = time.perf_counter()
            result = outcome(path, nlp, limits)
            took = time.perf_counter() - t0
            slowest = max(slowest, (took, label))
            tried += 1
            counts[result.split(":")[0]] += 1
            if result.startswith("TRACEBACK"):
                tracebacks.append(f"{label}: {result}")
            if args.verbose:
                print(f"{took:6.1f} s  {label}: {result}", flush=True)
        mutant_seconds = time.perf_counter() - started
        crafted_results = [(p.name, outcome(p, nlp, limits)) for p in crafted(folder)]
    hangs = counts["timed out"]
    classified = sum(n for k, n in counts.items() if k not in ("records", "read, no records",
                                                                 "TRACEBACK"))
    me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    workers = peak.peak_mb
    print(f"mutants tried      {tried} of {args.n} (seed {args.seed}, {mutant_seconds:.0f} s, "
          f"slowest {slowest[0]:.1f} s: {slowest[1]})")
    print(f"  read             {counts['records'] + counts['read, no records']} "
          f"({counts['records']} with records)")
    print(f"  classified       {classified}")
    for kind, n in sorted(counts.items(), key=lambda kv: -kv[1]):
        if kind not in ("records", "read, no records", "TRACEBACK"):
            print(f"    {kind:<16} {n}")
    print(f"  tracebacks       {counts['TRACEBACK']}")
    print(f"  hangs            {hangs} (timed out at {limits.timeout_s:g} s, classified)")
    for line in tracebacks[:20]:
        print(f"    {line}")
    print("crafted files")
    for name, result in crafted_results:
        print(f"  {name:<20} {result}")
    print(f"peak memory        this process {me:.0f} MiB, largest worker {workers:.0f} MiB "
          f"(limit {limits.max_memory_mb} MiB)")
    bad = counts["TRACEBACK"] + sum(r.startswith("TRACEBACK") for _, r in crafted_results)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
