"""The code location loads, with every asset, check, job, sensor and schedule it promises."""

import dagster as dg

from pipelines.definitions import defs

PER_DOCUMENT = {"document", "layout", "found_tables", "table_cells", "table_records",
                "text_records"}
CORPUS = {"documents", "conductivity", "tables", "decisions", "reconciliation", "curated_view",
          "reconciliation_report", "documents_dataset", "conductivity_dataset", "tables_dataset",
          "reconciliation_dataset", "curated_dataset"}


def test_definitions_load():
    dg.Definitions.validate_loadable(defs)
    graph = defs.resolve_asset_graph()
    assert {k.to_user_string() for k in graph.get_all_asset_keys()} == PER_DOCUMENT | CORPUS
    for key in PER_DOCUMENT:
        assert graph.get(dg.AssetKey(key)).partitions_def is not None
    checks = {(k.asset_key.to_user_string(), k.name) for k in graph.asset_check_keys}
    assert {(name, "matches_schema") for name in ("documents", "conductivity", "tables",
                                                   "reconciliation", "curated_view")} <= checks
    assert {("documents", "documents_all_read"), ("documents", "documents_not_empty"),
            ("conductivity", "conductivity_not_empty"),
            ("reconciliation", "no_unreviewed_conflicts")} <= checks
    assert defs.resolve_job_def("document_job").partitions_def is not None
    assert defs.resolve_job_def("corpus_job")
    assert defs.resolve_sensor_def("pdf_folder_sensor")
    assert defs.resolve_schedule_def("daily_corpus").cron_schedule == "0 3 * * *"
