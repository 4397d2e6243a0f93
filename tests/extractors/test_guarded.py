"""Reading under limits: every way a file can fail ends in a classified error (issue #11)."""

from __future__ import annotations

import multiprocessing
import multiprocessing.queues
import os
from pathlib import Path

import pytest

from extractors.errors import (
    DocumentError,
    MalformedPdfError,
    NotAFileError,
    ReadTimeoutError,
    TooLargeError,
)
from extractors.guarded import (
    DEFAULT_MAX_MEMORY_MB,
    DEFAULT_MAX_PAGES,
    DEFAULT_TIMEOUT_S,
    ENV_VARS,
    ReadLimits,
    read_document_guarded,
)
from extractors.layout import read_document, sha256_of
from tests.conftest import shared_path
from tests.extractors import hostile
from tests.pdfbuild import Page, sup, write_pdf

# --------------------------------------------------------------------------- settings


def test_guarded_limits_on_by_default() -> None:
    limits = ReadLimits()
    assert (limits.timeout_s, limits.max_pages, limits.max_memory_mb) == (
        DEFAULT_TIMEOUT_S, DEFAULT_MAX_PAGES, DEFAULT_MAX_MEMORY_MB)
    assert ReadLimits.resolve(None) == limits
    assert ReadLimits.resolve({"max_pages": 3}).max_pages == 3


@pytest.mark.parametrize("bad", [{"timeout_s": 0}, {"timeout_s": float("inf")},
                                 {"max_pages": -1}, {"max_memory_mb": 1.5},
                                 {"max_file_mb": True}, {"timeout_s": "10"}])
def test_guarded_limits_validated(bad: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        ReadLimits(**bad)  # type: ignore[arg-type]


def test_guarded_limits_from_env_then_overrides() -> None:
    env = {ENV_VARS["timeout_s"]: "12.5", ENV_VARS["max_pages"]: "40"}
    limits = ReadLimits.from_env(env, max_pages=None, max_memory_mb=512)
    assert (limits.timeout_s, limits.max_pages, limits.max_memory_mb) == (12.5, 40, 512)
    with pytest.raises(ValueError, match="IONLIT_READ_MAX_PAGES"):
        ReadLimits.from_env({ENV_VARS["max_pages"]: "many"})


# --------------------------------------------------------------------------- not a file


def _not_files(tmp_path: Path) -> list[Path]:
    os.mkfifo(tmp_path / "fifo.pdf")
    (tmp_path / "zero.pdf").symlink_to("/dev/zero")
    (tmp_path / "folder.pdf").mkdir()
    (tmp_path / "loop.pdf").symlink_to(tmp_path / "loop.pdf")
    return [tmp_path / n for n in ("fifo.pdf", "zero.pdf", "folder.pdf", "loop.pdf", "none.pdf")]


def test_guarded_not_a_file_never_opened_or_hashed(tmp_path: Path) -> None:
    """A FIFO would block the open and /dev/zero would never end: both refused by type."""
    for path in _not_files(tmp_path):
        for read in (sha256_of, read_document, read_document_guarded):
            with pytest.raises(NotAFileError, match="not a file"):
                read(path)


def test_guarded_hash_capped(tmp_path: Path) -> None:
    path = tmp_path / "big.pdf"
    path.write_bytes(b"%PDF-1.4\n" + b" " * 3000)
    with pytest.raises(TooLargeError):
        sha256_of(path, max_bytes=1000)


# --------------------------------------------------------------------------- broken PDFs


def test_guarded_deep_page_tree_is_malformed(tmp_path: Path) -> None:
    path = tmp_path / "deep.pdf"
    path.write_bytes(hostile.deep_page_tree(5000))
    with pytest.raises(MalformedPdfError, match="nested too deep"):
        read_document(path)


def test_guarded_lazy_filter_error_is_malformed(tmp_path: Path) -> None:
    """pdfplumber raises ``PdfminerException`` only when ``page.chars`` is first read."""
    path = tmp_path / "filter.pdf"
    path.write_bytes(hostile.unsupported_filter())
    with pytest.raises(MalformedPdfError, match="Unsupported filter"):
        read_document(path)


def test_guarded_broken_page_tree_is_not_called_a_scan(tmp_path: Path) -> None:
    data = write_pdf(tmp_path / "ok.pdf", [Page().text(72, 100, "Some text.")]).read_bytes()
    path = tmp_path / "no-page.pdf"
    path.write_bytes(data.replace(b"/Type /Page ", b"/Type /Pagx "))  # no page found
    with pytest.raises(MalformedPdfError, match="no pages"):
        read_document(path)


# --------------------------------------------------------------------------- limits


def test_guarded_reads_a_good_pdf(tmp_path: Path) -> None:
    doc = read_document_guarded(hostile.small_pdf(tmp_path / "small.pdf"))
    assert "Li7P3S11" in doc.text
    assert doc == read_document(tmp_path / "small.pdf")


def test_guarded_page_limit(tmp_path: Path) -> None:
    path = write_pdf(tmp_path / "two.pdf", [Page().text(72, 100, "One."),
                                            Page().text(72, 100, "Two.")])
    with pytest.raises(TooLargeError, match="2 pages"):
        read_document_guarded(path, limits=ReadLimits(max_pages=1))


def test_guarded_file_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "padded.pdf"
    path.write_bytes(hostile.small_pdf(tmp_path / "s.pdf").read_bytes() + b"%" * (2 << 20))
    with pytest.raises(TooLargeError, match="MiB"):
        read_document_guarded(path, limits=ReadLimits(max_file_mb=1))


def test_guarded_deadline_stops_the_reader(tmp_path: Path) -> None:
    path = hostile.ruled_page(tmp_path / "rules.pdf", 3000)
    with pytest.raises(ReadTimeoutError, match="timed out"):
        read_document_guarded(path, limits=ReadLimits(timeout_s=0.05))


def test_guarded_flate_bomb_stopped_by_memory_limit(tmp_path: Path) -> None:
    """1 MB that inflates to 1 GiB, read with 768 MiB of address space."""
    path = tmp_path / "bomb.pdf"
    path.write_bytes(hostile.flate_bomb(1024))
    with pytest.raises(TooLargeError, match="memory"):
        read_document_guarded(path, limits=ReadLimits(max_memory_mb=768, timeout_s=60))


# --------------------------------------------------------------------------- mutants


def test_guarded_mutants_end_in_records_or_a_classified_error(tmp_path: Path) -> None:
    """A bounded run of bench/mutants.py: 36 damaged small PDFs, seeded, no traceback."""
    from extractors.extraction import extract_document
    from extractors.mentions import load_nlp

    nlp = load_nlp()
    page = Page().text(72, 100, "The glass-ceramic Li7P3S11 showed a conductivity of")
    page.text(72, 112, "1.7 mS cm", sup("-1"), " at 25 °C.").rule(72, 130, 400)
    sources = {"small": hostile.small_pdf(tmp_path / "small.pdf").read_bytes(),
               "ruled": write_pdf(tmp_path / "ruled.pdf", [page, page]).read_bytes()}
    outcomes: dict[str, int] = {}
    for label, data in hostile.mutants(sources, 36, seed=11):
        path = tmp_path / "mutant.pdf"
        path.write_bytes(data)
        result = extract_document(path, nlp, limits=ReadLimits(timeout_s=30))
        assert not result.bug, f"{label}: {result.document['error']}"
        assert result.failed == (result.error is not None), label
        if result.failed:
            assert isinstance(result.error, DocumentError), label
        kind = result.document["error"].split(":")[0] if result.failed else "read"
        outcomes[kind] = outcomes.get(kind, 0) + 1
    assert outcomes.get("read", 0) > 0 and len(outcomes) > 1, outcomes


def test_guarded_no_text_says_ocr_only_for_images(tmp_path: Path) -> None:
    path = write_pdf(tmp_path / "blank.pdf", [Page().rule(50, 100, 300)])
    with pytest.raises(DocumentError, match="no images"):
        read_document(path)
    scan = shared_path("corpus", "bad", "docling-ocr-test-scanned-image-only.pdf")
    with pytest.raises(DocumentError, match="needs OCR"):
        read_document(scan)


def _read_in_daemon(path: str, out: multiprocessing.queues.Queue) -> None:  # type: ignore[type-arg]
    out.put(read_document_guarded(path).n_pages)


def test_guarded_reads_in_a_daemonic_process(tmp_path: Path) -> None:
    """A Celery pool worker is daemonic and may not start a reader process: it reads itself."""
    pdf = hostile.small_pdf(tmp_path / "small.pdf")
    ctx = multiprocessing.get_context("fork")
    out = ctx.Queue()
    daemon = ctx.Process(target=_read_in_daemon, args=(str(pdf), out), daemon=True)
    daemon.start()
    assert out.get(timeout=60) == 1
    daemon.join(10)
    assert daemon.exitcode == 0
