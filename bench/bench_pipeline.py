"""Where ionlit spends its time, in one table: stages per page, the ratio to bare pdfplumber,
memory per document, and ``ionlit run`` over a corpus of a few hundred documents.

    .venv/bin/python bench/bench_pipeline.py [--repeat 3] [--corpus-docs 200] [--skip-run]

1. **Stages** on the review replica, the J. Power Sources survey and the LLZO surfaces paper:
   seconds per page of each stage (read, tables, mentions; reconcile and publish over the
   three), the median of ``--repeat`` runs alternated in one process with bare pdfplumber
   (``page.chars`` + ``extract_words()`` + ``find_tables()``: what any reader built on
   pdfplumber pays at least); the **ratio** is our extraction over that floor.
2. **Per document**, each PDF of the replicas and ../shared/corpus/real in a fresh process:
   seconds, the slowest page's seconds (read) and the peak resident memory (RSS).
3. **ionlit run** over ``--corpus-docs`` PDFs (the replicas and corpus/real repeated, each
   copy made distinct by a comment after ``%%EOF``, so their hashes differ) in a scratch
   instance: cold with 1 and with 2 workers (documents per minute, speed-up), then an
   unchanged re-run as a fraction of the cold one.

Figures depend on the machine; the first lines say which. docs/performance.md keeps the
latest table.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
REAL = SHARED / "corpus" / "real"
REPLICAS = sorted((ROOT / "seeds" / "pdfs").glob("replica-*.pdf"))
STAGE_FILES = [ROOT / "seeds" / "pdfs" / "replica-1col.pdf",
               REAL / "nasicon-na-transport-survey-jpowsour-2015.pdf",
               REAL / "llzo-garnet-surfaces-canepa-chemmater-2018.pdf"]


def machine() -> str:
    """CPU model, usable cores, memory and the library versions the figures came from."""
    from importlib.metadata import version

    model = next((line.split(":", 1)[1].strip() for line in
                  Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor()) \
        if Path("/proc/cpuinfo").exists() else platform.processor()
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (f"{model}; {len(os.sched_getaffinity(0))} usable cores; {memory:.0f} GiB; "
            f"Python {platform.python_version()}; " + ", ".join(
                f"{name} {version(name)}" for name in ("pdfplumber", "pdfminer.six",
                                                       "pypdfium2", "spacy", "dagster")))


def bare_pdfplumber(path: Path) -> int:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            _ = page.chars
            page.extract_words()
            page.find_tables()
        return len(pdf.pages)


def timed(func: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    value = func()
    return time.perf_counter() - started, value


def stage_times(path: Path, nlp: Any) -> dict[str, Any]:
    """Seconds of each extraction stage on ``path``, and what they produced."""
    from extractors import mentions, tables
    from extractors.document_facts import document_to_facts
    from extractors.extraction import records_of_document
    from extractors.layout import read_document

    read_s, doc = timed(lambda: read_document(path))

    facts_s, facts = timed(lambda: document_to_facts(doc))

    def table_stage() -> list[Any]:
        found = tables.document_to_tables(doc)
        tables.tables_to_cells(doc, found)
        return tables.tables_to_records(doc, found, facts)

    tables_s, table_records = timed(table_stage)
    mentions_s, text_records = timed(lambda: mentions.document_to_records(doc, nlp, facts))
    frame_s, frame = timed(lambda: records_of_document(facts, table_records + text_records))
    # The document's facts (definitions, references, work) serve both stages: half to each.
    return {"pages": doc.n_pages, "read": read_s, "tables": tables_s + facts_s / 2,
            "mentions": mentions_s + frame_s + facts_s / 2, "frame": frame}


def corpus_stage_times(frames: list[Any]) -> dict[str, float]:
    """Seconds to reconcile the records of ``frames`` with the seeds' curated values, and to
    publish the conductivity and reconciliation datasets into a scratch folder."""
    import pandas as pd

    from extractors import reconcile
    from extractors.curated import load_curated
    from extractors.decisions import load_decisions
    from extractors.publish import PublishSettings, publish_dataset
    from extractors.schemas import SCHEMAS

    conductivity = pd.concat(frames, ignore_index=True)
    curated = load_curated(sorted((ROOT / "seeds" / "curated").glob("*.csv")))
    decisions = load_decisions(ROOT / "seeds" / "decisions" / "decisions.csv")
    reconcile_s, reconciliation = timed(
        lambda: reconcile.reconcile(conductivity, curated, decisions))
    with tempfile.TemporaryDirectory() as scratch:
        settings = PublishSettings(root=scratch)
        sources = sorted(conductivity["doc_sha256"].unique())
        publish_s, _ = timed(lambda: [
            publish_dataset(name, df[[c for c in df.columns if c in SCHEMAS[name].names]],
                            settings=settings, source_documents=sources, code_version="bench")
            for name, df in (("conductivity", conductivity), ("reconciliation", reconciliation))])
    return {"reconcile": reconcile_s, "publish": publish_s}


def print_stages(repeat: int) -> None:
    from extractors.mentions import load_nlp

    files = [f for f in STAGE_FILES if f.exists()]
    nlp = load_nlp()
    runs: dict[Path, list[dict[str, Any]]] = {f: [] for f in files}
    bare: dict[Path, list[float]] = {f: [] for f in files}
    corpus: list[dict[str, float]] = []
    for _ in range(repeat):
        for f in files:  # alternated, so a busy moment of the machine hits both alike
            bare[f].append(timed(lambda f=f: bare_pdfplumber(f))[0])
            runs[f].append(stage_times(f, nlp))
        corpus.append(corpus_stage_times([runs[f][-1]["frame"] for f in files]))
    print(f"\n## Stages (seconds per page, median of {repeat})\n")
    print("| document | pages | bare pdfplumber | read | tables | mentions | extraction | "
          "ratio |")
    print("|---|---|---|---|---|---|---|---|")
    total_ours = total_bare = 0.0
    for f in files:
        pages = runs[f][0]["pages"]
        med = {k: statistics.median(r[k] for r in runs[f]) for k in ("read", "tables",
                                                                       "mentions")}
        ours = statistics.median(r["read"] + r["tables"] + r["mentions"] for r in runs[f])
        floor = statistics.median(bare[f])
        total_ours, total_bare = total_ours + ours, total_bare + floor
        print(f"| {f.name} | {pages} | {floor / pages:.3f} | {med['read'] / pages:.3f} | "
              f"{med['tables'] / pages:.3f} | {med['mentions'] / pages:.3f} | "
              f"{ours / pages:.3f} | **{ours / floor:.2f}** |")
    pages = sum(runs[f][0]["pages"] for f in files)
    print(f"| all three | {pages} | {total_bare / pages:.3f} | | | | {total_ours / pages:.3f} | "
          f"**{total_ours / total_bare:.2f}** |")
    print(f"\nreconcile {statistics.median(c['reconcile'] for c in corpus) / pages:.4f} s/page, "
          f"publish {statistics.median(c['publish'] for c in corpus) / pages:.4f} s/page "
          f"(over the three documents' records)")


# --------------------------------------------------------------------------- per document


def measure_one(path: Path) -> dict[str, Any]:
    """Extract ``path`` in this process: seconds, slowest page, peak RSS (MiB) and the peak
    before reading (interpreter, libraries, the spaCy pipeline: a floor every PDF pays)."""
    from extractors.extraction import document_to_records
    from extractors.layout import read_document
    from extractors.mentions import load_nlp

    nlp = load_nlp()
    loaded_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    marks: list[float] = []
    started = time.perf_counter()
    doc = read_document(path, on_page=lambda number: marks.append(time.perf_counter()))
    read_s = time.perf_counter() - started
    records, _ = document_to_records(doc, nlp)
    seconds = time.perf_counter() - started
    page_s = [b - a for a, b in zip([started, *marks], marks, strict=False)]
    return {"pages": doc.n_pages, "seconds": seconds, "read": read_s,
            "slowest_page": max(page_s, default=0.0),
            "slowest_page_number": page_s.index(max(page_s)) + 1 if page_s else None,
            "records": len(records), "loaded_mb": loaded_mb,
            "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def print_documents() -> None:
    files = [*REPLICAS, *sorted(REAL.glob("*.pdf"))]
    print("\n## Per document (each in a fresh process)\n")
    print("| document | pages | seconds | s/page | slowest page (read) | peak RSS MiB "
          "(before reading) | records |")
    print("|---|---|---|---|---|---|---|")
    worst_page = worst_rss = 0.0
    total_s = total_pages = 0.0
    for f in files:
        out = subprocess.run([sys.executable, __file__, "--measure-one", str(f)],
                             capture_output=True, text=True, cwd=ROOT, check=False)
        if out.returncode != 0:
            print(f"| {f.name} | failed: {out.stderr.strip().splitlines()[-1:]} |")
            continue
        m = json.loads(out.stdout.strip().splitlines()[-1])
        worst_page, worst_rss = max(worst_page, m["slowest_page"]), max(worst_rss, m["rss_mb"])
        total_s, total_pages = total_s + m["seconds"], total_pages + m["pages"]
        print(f"| {f.name} | {m['pages']} | {m['seconds']:.1f} | "
              f"{m['seconds'] / m['pages']:.2f} | {m['slowest_page']:.2f} "
              f"(p. {m['slowest_page_number']}) | {m['rss_mb']:.0f} ({m['loaded_mb']:.0f}) | "
              f"{m['records']} |")
    print(f"\n{len(files)} PDFs, {total_pages:.0f} pages, {total_s:.1f} s; slowest page "
          f"{worst_page:.2f} s; largest peak RSS {worst_rss:.0f} MiB")


# --------------------------------------------------------------------------- ionlit run


def build_corpus(folder: Path, n_docs: int, sources: list[Path] | None = None) -> int:
    """``n_docs`` distinct PDFs in ``folder`` (pages in all): the sources in turn (default:
    the replicas and corpus/real), copy ``k`` with ``% ionlit bench copy k`` after its last
    byte (readers ignore a comment there; the hash changes)."""
    import pdfplumber

    sources = sources or [*REPLICAS, *sorted(REAL.glob("*.pdf"))]
    contents = {source: source.read_bytes() for source in sources}
    n_pages = {}
    for source in sources:
        with pdfplumber.open(source) as pdf:
            n_pages[source] = len(pdf.pages)
    for k in range(n_docs):
        source = sources[k % len(sources)]
        data = contents[source] + f"\n% ionlit bench copy {k}\n".encode()
        (folder / f"{source.stem}-copy{k:04d}.pdf").write_bytes(data)
    return sum(n_pages[sources[k % len(sources)]] for k in range(n_docs))


def ionlit_run(project: Path, workers: int) -> float:
    """Seconds of ``ionlit run --workers N`` on ``project``'s seeds and scratch instance."""
    env = {**os.environ, "DAGSTER_HOME": str(project / "home")}
    started = time.perf_counter()
    subprocess.run([str(Path(sys.executable).parent / "ionlit"), "run", "--seeds",
                    str(project / "seeds"), "--outputs", str(project / "outputs"),
                    "--workers", str(workers)], cwd=project, env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def scratch_project(root: Path, pdfs: Path) -> Path:
    """Seeds (the corpus PDFs, the repo's curated values and decisions) and an empty SQLite
    instance under ``root``."""
    root.mkdir()
    (root / "seeds").mkdir()
    (root / "seeds" / "pdfs").symlink_to(pdfs)
    for name in ("curated", "decisions"):
        shutil.copytree(ROOT / "seeds" / name, root / "seeds" / name)
    home = root / "home"
    home.mkdir()
    config = (ROOT / "dagster.yaml").read_text(encoding="utf-8")
    (home / "dagster.yaml").write_text(config.replace(".dagster/", f"{home}/.dagster/"),
                                       encoding="utf-8")
    return root


def print_run(n_docs: int) -> None:
    print(f"\n## ionlit run over {n_docs} documents\n")
    with tempfile.TemporaryDirectory() as scratch:
        pdfs = Path(scratch) / "pdfs"
        pdfs.mkdir()
        pages = build_corpus(pdfs, n_docs)
        print("| workers | pages | cold s | documents/min | speed-up | unchanged re-run s | "
              "re-run / cold |")
        print("|---|---|---|---|---|---|---|")
        one = None
        for workers in (1, 2):
            project = scratch_project(Path(scratch) / f"w{workers}", pdfs)
            cold = ionlit_run(project, workers)
            again = ionlit_run(project, workers)
            one = one or cold
            print(f"| {workers} | {pages} | {cold:.0f} | {60 * n_docs / cold:.1f} | "
                  f"{one / cold:.2f} | {again:.1f} | {again / cold:.1%} |", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3, help="runs per stage figure (median)")
    parser.add_argument("--corpus-docs", type=int, default=200,
                        help="documents in the ionlit run corpus")
    parser.add_argument("--skip-run", action="store_true", help="leave out the ionlit run part")
    parser.add_argument("--skip-documents", action="store_true",
                        help="leave out the per-document part")
    parser.add_argument("--measure-one", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure_one:
        print(json.dumps(measure_one(args.measure_one)))
        return 0
    print(f"# ionlit benchmark, {time.strftime('%Y-%m-%d %H:%M %Z')}\n\n{machine()}")
    if not REAL.exists():
        print(f"\n(../shared is absent: {REAL} is needed for the corpus figures)")
    print_stages(args.repeat)
    if not args.skip_documents:
        print_documents()
    if not args.skip_run:
        print_run(args.corpus_docs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
