"""Shared fixtures: paths to the seeds and to ../shared (tests that need it skip without it)."""

from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path

import pytest

# The OCR engine costs seconds a page: tests read scans without it unless they ask for it
# (``read_document(path, ocr=OcrSettings())``, tests/extractors/test_page_ocr.py).
os.environ.setdefault("IONLIT_OCR", "off")

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
SHARED = ROOT.parent / "shared"
REPLICAS = sorted((SEEDS / "pdfs").glob("replica-*.pdf"))


def shared_path(*parts: str) -> Path:
    """A path under ../shared, or a skip naming what is missing."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"needs {path} (../shared beside the checkout is absent)")
    return path


CACHE = ROOT / ".pytest_cache" / "ionlit-documents"


def _reader_version() -> str:
    sources = [ROOT / "extractors" / name for name in (
        "layout.py", "document.py", "table_parts.py", "fonts.py", "glyphs.py",
        "pdfium_source.py", "pdfium_fonts.py", "glyph_shapes.py", "line_breaks.py",
        "page_ocr.py", "page_layers.py", "data/symbol_fonts.csv", "data/glyph_names.csv",
        "data/code_name_encodings.csv", "data/symbol_encoding.csv")]
    ocr = os.environ.get("IONLIT_OCR", "").encode()
    return hashlib.sha256(b"".join(p.read_bytes() for p in sources) + ocr).hexdigest()[:16]


def load_document(path: Path):
    """``read_document(path)``, cached on disk for the test session and its xdist workers.

    The key holds the PDF's hash and the layout reader's source hash, so a change to the
    reader (or to the PDF) always reads afresh; tests of the reader itself call it directly.
    """
    from extractors.layout import read_document, sha256_of

    key = f"{sha256_of(path)}-{_reader_version()}.pickle"
    cached = CACHE / key
    if cached.exists():
        with cached.open("rb") as fh:
            return pickle.load(fh)
    doc = read_document(path)
    CACHE.mkdir(parents=True, exist_ok=True)
    tmp = cached.with_suffix(f".{os.getpid()}.tmp")
    with tmp.open("wb") as fh:
        pickle.dump(doc, fh)
    tmp.replace(cached)
    return doc


@pytest.fixture(scope="session")
def replica_docs():
    """Both replicas of the review, read once per session."""
    return {p.stem: load_document(p) for p in REPLICAS}
