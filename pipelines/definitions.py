"""The ``ionlit`` code location: everything under ``pipelines/defs/`` merged with resources.

``pipelines/defs/`` holds one folder per stage, loaded by ``dg.load_from_defs_folder`` (the
``[tool.dg]`` project of pyproject.toml): ``documents`` (the PDF folder, per document: ``document``
+ ``layout``), ``extraction`` (per document: tables and mentions; per corpus: ``documents``,
``conductivity``, ``tables``), ``reconciliation`` (``decisions`` → ``reconciliation`` →
``curated_view``) and ``publishing`` (the five ``*_dataset`` and ``reconciliation_report``).
Resources read their environment variables when used, not here. The location's default
executor (runs of the automation sensor, UI launches) is the in-process one: corpus steps are
light, and a process per step cost more than the work; ``document_job`` forks its steps.
"""

from pathlib import Path
from typing import Any

import dagster as dg

from pipelines.defs.documents.resources import PdfFolder
from pipelines.defs.extraction.resources import SpacyNlp
from pipelines.defs.publishing.resources import DATASETS_ENV, REPORTS_ENV, DatasetStore
from pipelines.defs.reconciliation.resources import CuratedSources
from pipelines.executors import corpus_executor_from_env
from pipelines.io_manager import PartitionDictIOManager

#: The one name of the code location (pyproject.toml ``[tool.dg.project]`` and ``[tool.dagster]``).
CODE_LOCATION = "ionlit"


def resources_config(seeds: Path, outputs: Path) -> dict[str, Any]:
    """Run config pointing every resource at ``seeds/`` and ``outputs/`` (absolute paths).

    ``IONLIT_DATASETS`` / ``IONLIT_REPORTS``, when set, keep the deployment's dataset root and
    reports folder (e.g. ``s3://bucket/ionlit/datasets``) instead of ``outputs/``.
    """
    seeds, outputs = seeds.resolve(), outputs.resolve()
    return {"resources": {
        "pdfs": {"config": {"folder": str(seeds / "pdfs")}},
        "curated": {"config": {"curated_folder": str(seeds / "curated"),
                               "decisions_file": str(seeds / "decisions" / "decisions.csv")}},
        "store": {"config": {
            "root": dg.EnvVar(DATASETS_ENV).get_value() or str(outputs / "datasets"),
            "reports": dg.EnvVar(REPORTS_ENV).get_value() or str(outputs / "reports")}},
    }}


RESOURCES: dict[str, Any] = {
    "pdfs": PdfFolder(),
    "nlp": SpacyNlp(),
    "curated": CuratedSources(),
    "store": DatasetStore(),
    "io_manager": PartitionDictIOManager(),
}


defs = dg.Definitions.merge(
    dg.load_from_defs_folder(path_within_project=Path(__file__).parent),
    dg.Definitions(resources=RESOURCES, executor=corpus_executor_from_env()))
