"""The two jobs: one document (a partition) end to end; the corpus: gather, reconcile, publish."""

import dagster as dg

from pipelines.executors import corpus_executor_from_env
from pipelines.ingest.partitions import PER_DOCUMENT

document_job = dg.define_asset_job(
    "document_job", selection=dg.AssetSelection.assets(*PER_DOCUMENT),
    tags={"ionlit/stage": "document"},
    description="Read one PDF and extract its tables and mentions (one partition per document).")

corpus_job = dg.define_asset_job(
    "corpus_job", selection=dg.AssetSelection.all() - dg.AssetSelection.assets(*PER_DOCUMENT),
    tags={"ionlit/stage": "corpus", "dagster/priority": "-1"},
    executor_def=corpus_executor_from_env(),
    description="Gather every document's outputs, reconcile, report and publish the datasets.")
