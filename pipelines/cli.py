"""The ``ionlit`` command: ``run`` needs a Dagster instance, the other commands do not."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from extractors import EXTRACTOR_VERSION, guarded
from extractors.deceptive_text import printable
from extractors.decisions import (
    DEFAULT_DECISIONS_FILE,
    KnownIds,
    check_decisions,
    load_decisions,
    reconciliation_to_known_ids,
)
from extractors.errors import DatasetError
from extractors.publish import DEFAULT_ROOT as DEFAULT_DATASETS_ROOT
from extractors.publish import PublishSettings, latest_version, read_dataset

#: Exit status of ``ionlit extract``: every PDF read, some could not be (a classified reason
#: each), or ionlit itself failed on one (a bug: the message says so).
EXIT_OK, EXIT_FAILED_PDFS, EXIT_USAGE, EXIT_BUG = 0, 1, 2, 3


def _extract(args: argparse.Namespace) -> int:
    from extractors.errors import ExtractorBugError
    from extractors.extraction import (
        DocumentExtraction,
        document_to_row,
        extract_document,
        rows_to_documents,
    )
    from extractors.guarded import ReadLimits
    from extractors.mentions import load_nlp
    from extractors.records import records_to_frame

    try:
        limits = ReadLimits.from_env(timeout_s=args.timeout, max_pages=args.max_pages,
                                     max_memory_mb=args.max_memory_mb,
                                     max_file_mb=args.max_file_mb, reader=args.reader)
    except ValueError as exc:
        print(f"ionlit extract: {exc}", file=sys.stderr)
        return EXIT_USAGE
    nlp = load_nlp()
    frames, rows = [], []
    failures = bugs = 0
    for i, pdf in enumerate(args.pdfs, 1):
        started = time.perf_counter()
        try:
            result = extract_document(pdf, nlp, limits=limits)
        except Exception as exc:  # extract_document never raises for a file: this is a bug
            bug = ExtractorBugError(str(pdf), f"{type(exc).__name__}: {exc}")
            result = DocumentExtraction(document_to_row(Path(pdf), None, None, bug, limits),
                                        records_to_frame([]), pd.DataFrame(), bug)
        took = time.perf_counter() - started
        if result.failed:
            failures += 1
            bugs += result.bug
            print(f"{printable(str(pdf))}: FAILED: {printable(str(result.document['error']))}"
                  + (" (a bug in ionlit, please report it)" if result.bug else ""),
                  file=sys.stderr)
        else:
            print(f"[{i}/{len(args.pdfs)}] {printable(str(pdf))}: {len(result.records)} records, "
                  f"{result.document['pages']} pages, {took:.1f} s", file=sys.stderr)
        frames.append(result.records)
        rows.append(result.document)
    records = pd.concat(frames, ignore_index=True) if frames else records_to_frame([])
    _write_frame("conductivity", records, Path(args.out))
    if args.documents:
        _write_frame("documents", rows_to_documents(rows, records), Path(args.documents))
    print(f"wrote {len(records)} records to {args.out}"
          + (f"; {failures} PDF(s) failed" if failures else "")
          + (f", {bugs} of them by a bug in ionlit" if bugs else ""), file=sys.stderr)
    return EXIT_BUG if bugs else EXIT_FAILED_PDFS if failures else EXIT_OK


def _write_frame(dataset: str, frame: pd.DataFrame, out: Path) -> None:
    """``frame`` as Parquet with the dataset's schema, or as CSV (cells neutralised)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix.lower() == ".csv":
        from extractors.spreadsheet import frame_to_safe_csv

        out.write_text(frame_to_safe_csv(frame), encoding="utf-8")
        return
    import pyarrow.parquet as pq

    from extractors.schemas import frame_to_table

    pq.write_table(frame_to_table(dataset, frame), out)


def _text(args: argparse.Namespace) -> int:
    from extractors.errors import DocumentError
    from extractors.guarded import ReadLimits
    from extractors.layout import document_to_text, read_document

    try:
        doc = read_document(args.pdf, reader=ReadLimits.from_env(reader=args.reader).reader)
    except ValueError as exc:
        print(f"ionlit text: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except DocumentError as exc:
        print(f"{printable(args.pdf)}: {exc.reason}: {printable(exc.detail)}", file=sys.stderr)
        return 1
    kinds = set(args.kinds.split(",")) if args.kinds else None
    if doc.text_layer != "born_digital":  # say which text a scan was read from
        pages = ",".join(map(str, doc.ocr_pages)) or "none"
        sys.stdout.write(f"[text layer: {doc.text_layer}; source: {doc.text_source}; "
                         f"pages read by the OCR engine: {pages}]\n\n")
    sys.stdout.write(printable(document_to_text(doc, kinds=kinds), keep="\n"))
    return 0


def _run(args: argparse.Namespace) -> int:
    from pipelines.run import run_pipeline

    return run_pipeline(seeds=Path(args.seeds), outputs=Path(args.outputs), workers=args.workers,
                        wait=args.wait)


def _known_ids(root: str) -> tuple[KnownIds | None, str]:
    """Ids of the latest ``reconciliation`` (and ``problems``) version published under
    ``root``, and a note; problem ids are not checked when no ``problems`` version exists."""
    settings = PublishSettings(root=root)
    try:
        version = latest_version("reconciliation", settings)
        if version is None:
            return None, f"{root}: no published reconciliation dataset; ids not checked"
        df = read_dataset("reconciliation", settings, version)
    except (DatasetError, OSError, ValueError) as exc:
        return None, f"{root}: reconciliation dataset unreadable ({exc}); ids not checked"
    source = f"{root}/reconciliation/{version}"
    try:
        problems_version = latest_version("problems", settings)
        problems = (read_dataset("problems", settings, problems_version)
                    if problems_version else None)
    except (DatasetError, OSError, ValueError):
        problems = None
    if problems is not None:
        source += f" and {root}/problems/{problems_version}"
    return reconciliation_to_known_ids(df, source, problems), f"ids checked against {source}"


def _decisions_check(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if not path.exists():
        print(f"{path}: no such file (the pipeline reads a missing file as no decisions)",
              file=sys.stderr)
        return 1
    known, note = _known_ids(args.reconciliation)
    print(note, file=sys.stderr)
    problems = check_decisions(path, known)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{path}: {len(problems)} problem{'s' if len(problems) > 1 else ''}",
              file=sys.stderr)
        return 1
    print(f"{path}: ok, {len(load_decisions(path))} decisions")
    return 0


def _review(args: argparse.Namespace) -> int:
    from pipelines.review import ReviewConfig, serve

    seeds = Path(args.seeds)
    config = ReviewConfig(outputs=Path(args.outputs), seeds=seeds,
                          decisions=Path(args.decisions or seeds / "decisions" / "decisions.csv"))
    if args.host not in ("127.0.0.1", "localhost"):
        print(f"ionlit review: listening on {args.host}: anyone who reaches it can write "
              "decisions (set IONLIT_REVIEW_HOSTS to the names browsers use)", file=sys.stderr)
    print(f"ionlit review: http://{args.host}:{args.port}/ (Ctrl-C stops)", file=sys.stderr)
    serve(config, host=args.host, port=args.port)
    return 0


def _reader_argument(p: argparse.ArgumentParser) -> None:
    from extractors.pdfium_source import DEFAULT_READER, READERS

    p.add_argument("--reader", choices=READERS,
                   help=f"where characters come from (default: ${guarded.ENV_VARS['reader']}, "
                        f"else {DEFAULT_READER}; pdfplumber reads every page with pdfminer)")


def _positive_int(text: str) -> int:
    """An argparse type: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of at least 1")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ionlit", description=__doc__)
    parser.add_argument("--version", action="version", version=f"ionlit {EXTRACTOR_VERSION}")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("extract", help="records of the given PDFs (no Dagster instance needed)")
    p.add_argument("pdfs", nargs="+", type=Path, metavar="PDF")
    p.add_argument("--out", required=True, help="FILE.parquet (or FILE.csv)")
    p.add_argument("--documents", metavar="FILE",
                   help="also write the documents rows (one per PDF, with status and reason)")
    limits = p.add_argument_group(
        "limits per PDF", "over a limit, a PDF fails with its reason and the run goes on; "
        f"unset flags fall back to {', '.join(guarded.ENV_VARS.values())}, then to the defaults")
    limits.add_argument("--timeout", type=float, metavar="S",
                        help=f"seconds to read one PDF (default {guarded.DEFAULT_TIMEOUT_S:g})")
    limits.add_argument("--max-pages", type=int, metavar="N",
                        help=f"pages (default {guarded.DEFAULT_MAX_PAGES})")
    limits.add_argument("--max-memory-mb", type=int, metavar="M",
                        help="address space of the reading worker, MiB "
                             f"(default {guarded.DEFAULT_MAX_MEMORY_MB})")
    limits.add_argument("--max-file-mb", type=int, metavar="M",
                        help=f"size of the PDF file, MiB (default {guarded.DEFAULT_MAX_FILE_MB})")
    _reader_argument(p)
    p.set_defaults(func=_extract)

    p = sub.add_parser("text", help="the reconstructed reading-order text (exponents marked)")
    p.add_argument("pdf", type=Path, metavar="PDF")
    p.add_argument("--kinds", help="only these block kinds, comma-separated (e.g. paragraph)")
    _reader_argument(p)
    p.set_defaults(func=_text)

    p = sub.add_parser("run", help="materialise the whole pipeline over seeds/ (headless)")
    p.add_argument("--seeds", default="seeds", help="folder with pdfs/, curated/, decisions/")
    p.add_argument("--outputs", default="outputs", help="where datasets/ and reports/ go")
    p.add_argument("--workers", type=_positive_int, metavar="N",
                   help="documents read at once, one process each (default: the CPUs this "
                        "process may use)")
    p.add_argument("--wait", action="store_true",
                   help="when another ionlit run is using the instance, wait for it (default: "
                        "exit with status 75 and say so)")
    p.set_defaults(func=_run)

    p = sub.add_parser("decisions", help="curators' decisions (seeds/decisions/decisions.csv)")
    decisions = p.add_subparsers(dest="decisions_command", required=True)
    p = decisions.add_parser("check", help="validate curators' decisions; file:line:column errors")
    p.add_argument("file", nargs="?", default=DEFAULT_DECISIONS_FILE, metavar="FILE",
                   help=f"the decisions CSV (default {DEFAULT_DECISIONS_FILE})")
    p.add_argument("--reconciliation", default=DEFAULT_DATASETS_ROOT, metavar="DIR",
                   help="published datasets root whose latest reconciliation version gives the "
                        f"known ids (default {DEFAULT_DATASETS_ROOT}; skipped when absent)")
    p.set_defaults(func=_decisions_check)

    p = sub.add_parser("review", help="local web app (127.0.0.1) where curators decide problems")
    p.add_argument("--outputs", default="outputs", help="where the run put datasets/")
    p.add_argument("--seeds", default="seeds", help="folder with pdfs/ and decisions/")
    p.add_argument("--decisions", metavar="FILE",
                   help="the decisions CSV to write (default SEEDS/decisions/decisions.csv)")
    p.add_argument("--host", default="127.0.0.1",
                   help="interface to listen on (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=_positive_int, default=8765)
    p.set_defaults(func=_review)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
