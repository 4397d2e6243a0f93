"""Code versions: what decides that an asset is computed again (Dagster's ``code_version``).

Per document, the package version alone does not move while extractors are being worked on,
so :data:`CODE_VERSION` also hashes the sources and data files the per-document extraction runs
(everything under ``extractors/`` except the corpus-level modules). Any change there re-parses
every document on the next run; any other change re-parses nothing.

Corpus assets get a version of the files that compute them (:func:`files_code_version`): the
``extractors`` modules their body calls plus their own ``pipelines/defs/<stage>/assets.py``, so
the UI marks exactly the assets whose code changed as "code version changed", and the
automation condition (``code_version_changed``) recomputes them.
"""

import hashlib
from collections.abc import Iterable
from pathlib import Path

import extractors
from extractors import EXTRACTOR_VERSION

EXTRACTORS = Path(extractors.__file__).parent
DEFS = Path(__file__).parent / "defs"

#: Modules that never run per document.
CORPUS_ONLY = frozenset({"publish.py", "schemas.py", "reconcile.py", "comparison.py",
                         "statements.py", "curated.py", "decisions.py", "report.py",
                         "report_views.py", "report_figures.py", "material_classes.txt"})
SOURCE_SUFFIXES = frozenset({".py", ".txt", ".csv", ".jsonl", ".cfg", ".json"})
HASH_CHARS = 12


def _digest(paths: Iterable[Path], root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()[:HASH_CHARS]


def extractors_code_version(root: Path = EXTRACTORS) -> str:
    """``<package version>+<12 hex digits of the per-document sources' sha256>``."""
    paths = [path for path in root.rglob("*")
             if path.is_file() and path.suffix in SOURCE_SUFFIXES and path.name not in CORPUS_ONLY
             and "__pycache__" not in path.parts]
    return f"{EXTRACTOR_VERSION}+{_digest(paths, root)}"


def files_code_version(*names: str) -> str:
    """``<package version>+<hash>`` of the named files, relative to the ``pipelines/`` folder's
    parent (``extractors/publish.py``, ``pipelines/defs/publishing/assets.py``); a folder
    counts with every source file under it."""
    root = EXTRACTORS.parent
    paths: list[Path] = []
    for name in names:
        path = root / name
        paths += ([p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
                  if path.is_dir() else [path])
    return f"{EXTRACTOR_VERSION}+{_digest(paths, root)}"


#: Per-document assets (``document``, ``layout``, tables, mentions).
CODE_VERSION = extractors_code_version()
#: ``documents``, ``conductivity``, ``tables``: the gathering of per-document outputs.
GATHER_CODE_VERSION = files_code_version(
    "extractors/extraction.py", "extractors/records.py", "extractors/schemas.py",
    "pipelines/defs/extraction/assets.py")
#: ``decisions``, ``reconciliation`` (+ ``problems``, ``consensus``), ``curated_view``.
RECONCILE_CODE_VERSION = files_code_version(
    "extractors/reconcile.py", "extractors/comparison.py", "extractors/statements.py",
    "extractors/curated.py", "extractors/decisions.py", "extractors/data/material_classes.txt",
    "extractors/conditions.py", "extractors/data/conditions.txt", "extractors/consensus.py",
    "extractors/problems.py", "extractors/table_context.py", "extractors/curation.py",
    "extractors/schemas.py", "pipelines/defs/reconciliation/assets.py")
#: The ``*_dataset`` publications.
PUBLISH_CODE_VERSION = files_code_version(
    "extractors/publish.py", "extractors/schemas.py", "pipelines/defs/publishing/assets.py")
#: ``reconciliation_report``.
REPORT_CODE_VERSION = files_code_version(
    "extractors/report.py", "extractors/report_views.py", "extractors/report_figures.py",
    "extractors/report_index.py",
    "extractors/templates", "pipelines/defs/publishing/assets.py")
