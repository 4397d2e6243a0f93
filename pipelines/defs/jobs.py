"""The two jobs ``ionlit run`` and the sensor launch: one document (a partition) end to end;
the corpus: gather, reconcile, publish (the automation conditions run the same assets)."""

import dagster as dg

from pipelines.defs.documents.partitions import PER_DOCUMENT
from pipelines.executors import corpus_executor_from_env, executor_from_env

document_job = dg.define_asset_job(
    "document_job", selection=dg.AssetSelection.assets(*PER_DOCUMENT),
    tags={"ionlit/stage": "document"}, executor_def=executor_from_env(),
    description="Read one PDF and extract its tables and mentions (one partition per document).")

corpus_job = dg.define_asset_job(
    "corpus_job", selection=dg.AssetSelection.all() - dg.AssetSelection.assets(*PER_DOCUMENT),
    tags={"ionlit/stage": "corpus", "dagster/priority": "-1"},
    executor_def=corpus_executor_from_env(),
    description="Gather every document's outputs, reconcile, publish the datasets and report.")
