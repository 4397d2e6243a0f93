"""Shared fixtures: paths to the seeds and to ../shared (tests that need it skip without it)."""

from __future__ import annotations

from pathlib import Path

import pytest

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


@pytest.fixture(scope="session")
def replica_docs():
    """Both replicas of the review, read once per session."""
    from extractors.layout import read_document

    return {p.stem: read_document(p) for p in REPLICAS}
