"""The ionlit code location: the four domains merged with their resources and the executor.

Per document (one dynamic partition each, ``document_job``): ``document`` + ``layout`` →
``found_tables`` → ``table_cells`` / ``table_records``, and ``text_records``. Per corpus
(``corpus_job``): ``conductivity``, ``tables``, ``documents`` → ``reconciliation`` →
``reconciliation_report``, and the four ``*_dataset`` publications.
"""

import os
from pathlib import Path
from typing import Any

import dagster as dg

from extractors.publish import DEFAULT_ROOT
from pipelines.executors import executor_from_env
from pipelines.extract import assets as extract_assets
from pipelines.extract import checks as extract_checks
from pipelines.extract.resources import SpacyNlp
from pipelines.ingest import assets as ingest_assets
from pipelines.ingest import checks as ingest_checks
from pipelines.ingest.resources import DEFAULT_PDF_FOLDER, PdfFolder
from pipelines.ingest.sensors import pdf_folder_sensor
from pipelines.io_manager import PartitionDictIOManager
from pipelines.jobs import corpus_job, document_job
from pipelines.publish import assets as publish_assets
from pipelines.publish import checks as publish_checks
from pipelines.publish.resources import DEFAULT_REPORTS, DatasetStore
from pipelines.publish.schedules import daily_corpus
from pipelines.reconcile import assets as reconcile_assets
from pipelines.reconcile import checks as reconcile_checks
from pipelines.reconcile.resources import CuratedSources


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
            "root": os.environ.get("IONLIT_DATASETS") or str(outputs / "datasets"),
            "reports": os.environ.get("IONLIT_REPORTS") or str(outputs / "reports")}},
    }}


defs = dg.Definitions(
    assets=dg.load_assets_from_modules(
        [ingest_assets, extract_assets, reconcile_assets, publish_assets]),
    asset_checks=dg.load_asset_checks_from_modules(
        [ingest_checks, extract_checks, reconcile_checks, publish_checks]),
    jobs=[document_job, corpus_job],
    sensors=[pdf_folder_sensor],
    schedules=[daily_corpus],
    resources={
        "pdfs": PdfFolder(folder=os.environ.get("IONLIT_PDFS", DEFAULT_PDF_FOLDER)),
        "nlp": SpacyNlp(),
        "curated": CuratedSources(),
        "store": DatasetStore(root=os.environ.get("IONLIT_DATASETS", DEFAULT_ROOT),
                              reports=os.environ.get("IONLIT_REPORTS", DEFAULT_REPORTS)),
        "io_manager": PartitionDictIOManager(base_dir=os.environ.get("IONLIT_IO_STORAGE")),
    },
    executor=executor_from_env(),
)
