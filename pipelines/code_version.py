"""The code version of the per-document assets: what decides that a document is parsed again.

The package version alone does not move while extractors are being worked on, so the version
also hashes the sources and data files the per-document extraction runs (everything under
``extractors/`` except publishing, schemas and reconciliation). Any change there re-parses every
document on the next run; any other change re-parses nothing.
"""

import hashlib
from pathlib import Path

import extractors
from extractors import EXTRACTOR_VERSION

#: Modules that never run per document.
CORPUS_ONLY = frozenset({"publish.py", "schemas.py", "reconcile.py", "comparison.py",
                         "statements.py", "curated.py", "decisions.py", "report.py",
                         "material_classes.txt"})
SOURCE_SUFFIXES = frozenset({".py", ".txt", ".csv", ".jsonl", ".cfg", ".json"})


def extractors_code_version(root: Path = Path(extractors.__file__).parent) -> str:
    """``<package version>+<12 hex digits of the sources' sha256>``."""
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix in SOURCE_SUFFIXES and path.name not in CORPUS_ONLY \
                and "__pycache__" not in path.parts:
            digest.update(path.relative_to(root).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    return f"{EXTRACTOR_VERSION}+{digest.hexdigest()[:12]}"


CODE_VERSION = extractors_code_version()
