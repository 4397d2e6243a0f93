"""What a corpus run is computed from, as one fingerprint: an unchanged corpus is not run again.

``ionlit run`` tags each corpus run with the fingerprint of its inputs: the code (every source
under ``extractors/`` and ``pipelines/``), each PDF's name and content hash, the curated sources,
the curators' decisions and where the datasets and reports go. When the latest corpus run
succeeded with the same fingerprint and its commit is still in place, a new run would publish
nothing new; ``ionlit run`` says so and reuses that run's outputs instead of gathering,
reconciling and publishing again.
"""

import hashlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dagster as dg

from pipelines.code_version import files_code_version
from pipelines.defs.documents.resources import PdfStamp

#: Run tag holding the fingerprint of a corpus run's inputs.
INPUTS_TAG = "ionlit/inputs"


def _file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "absent"


def corpus_inputs_fingerprint(stamps: Mapping[str, PdfStamp], run_config: Mapping[str, Any],
                              curated_paths: list[Path], decisions_file: Path) -> str:
    """sha256 of everything a corpus run reads (see the module docstring)."""
    digest = hashlib.sha256()
    for part in (files_code_version("extractors", "pipelines"), repr(sorted(
            (name, stamp.sha256) for name, stamp in stamps.items())),
            repr(sorted(run_config.get("resources", {}).items())),
            *(f"{p.name}:{_file_digest(p)}" for p in sorted(curated_paths)),
            f"decisions:{_file_digest(decisions_file)}"):
        digest.update(part.encode() + b"\0")
    return digest.hexdigest()


def latest_corpus_run_matches(instance: dg.DagsterInstance, job_name: str,
                              fingerprint: str) -> bool:
    """Whether the latest run of ``job_name`` succeeded on inputs with ``fingerprint``."""
    records = instance.get_run_records(dg.RunsFilter(job_name=job_name), limit=1)
    if not records:
        return False
    run = records[0].dagster_run
    return run.status == dg.DagsterRunStatus.SUCCESS and run.tags.get(INPUTS_TAG) == fingerprint
