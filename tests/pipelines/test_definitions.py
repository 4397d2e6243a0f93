"""The code location loads, with every asset, check, job and sensor it promises; its groups
follow the stages without crossing; ``dg check defs`` and ``dagster definitions validate``."""

import os
import re
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest

from pipelines.definitions import CODE_LOCATION, defs
from tests.conftest import ROOT

BIN = Path(sys.executable).parent
PER_DOCUMENT = {"document", "layout", "document_facts", "found_tables", "table_cells",
                "table_records", "table_skips", "text_records"}
DATASETS = ("documents", "conductivity", "tables", "reconciliation", "curated", "problems",
            "consensus")
CORPUS = {"documents", "conductivity", "tables", "decisions", "reconciliation", "problems",
          "consensus", "curated_view", "corpus_snapshot", "reconciliation_report",
          *(f"{name}_dataset" for name in DATASETS)}
#: Stages in order: an arrow may only go from a stage to itself or a later one.
STAGES = ("documents", "extraction", "reconciliation", "publishing")
CLI_TIMEOUT_SECONDS = 300


def test_definitions_load():
    dg.Definitions.validate_loadable(defs)
    graph = defs.resolve_asset_graph()
    assert {k.to_user_string() for k in graph.get_all_asset_keys()} == \
        PER_DOCUMENT | CORPUS | {"pdf_folder"}
    for key in PER_DOCUMENT:
        assert graph.get(dg.AssetKey(key)).partitions_def is not None
    checks = {(k.asset_key.to_user_string(), k.name) for k in graph.asset_check_keys}
    for name in DATASETS:
        assert {(f"{name}_dataset", "matches_schema"), (f"{name}_dataset", "unique_ids")} <= checks
    assert {("documents", "documents_all_read"), ("documents", "documents_not_empty"),
            ("conductivity", "conductivity_not_empty"),
            ("reconciliation", "no_unreviewed_conflicts"),
            ("problems", "no_open_problems")} <= checks
    assert defs.resolve_job_def("document_job").partitions_def is not None
    assert defs.resolve_job_def("corpus_job")
    assert defs.resolve_sensor_def("pdf_folder_sensor").default_status == \
        dg.DefaultSensorStatus.RUNNING
    assert defs.resolve_sensor_def("ionlit_automation").default_status == \
        dg.DefaultSensorStatus.RUNNING


def test_definitions_groups_follow_stages_without_crossing():
    graph = defs.resolve_asset_graph()
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        assert node.group_name in STAGES, key
        for child in node.child_keys:
            assert STAGES.index(graph.get(child).group_name) >= STAGES.index(node.group_name), \
                f"{key.to_user_string()} ({node.group_name}) -> {child.to_user_string()}"


def test_definitions_every_asset_has_owners_tags_code_version_and_a_policy():
    graph = defs.resolve_asset_graph()
    for key in graph.get_all_asset_keys():
        node, name = graph.get(key), key.to_user_string()
        assert node.owners and node.tags.get("ionlit/stage") == node.group_name, name
        if name == "pdf_folder":
            continue  # observed, not computed
        assert node.code_version and node.code_version.count("+") == 1, name
        assert (node.automation_condition is not None) == (name in CORPUS), name
        assert (node.freshness_policy is not None) == name.endswith("_dataset"), name
    description = graph.get(dg.AssetKey("conductivity_dataset")).description or ""
    assert "`outputs/datasets/conductivity/version=NNNN/`" in description
    assert not re.search(r"<[A-Za-z]+>", description)  # Markdown would eat <NNNN>


def test_definitions_public_api_only_and_one_code_location_name():
    sources = [p for p in (ROOT / "pipelines").rglob("*.py")]
    assert not [p for p in sources if "dagster._" in p.read_text()]
    assert not [p for p in (ROOT / "pipelines" / "defs").rglob("*.py")
                if "os.environ" in p.read_text()]
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert pyproject.count(f'code_location_name = "{CODE_LOCATION}"') == 2


def _cli(args: list[str], home: Path) -> subprocess.CompletedProcess[str]:
    """``args`` from the checkout, on an empty DAGSTER_HOME (nothing written in the checkout)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DAGSTER_HOME": str(home),
           "PATH": f"{BIN}:{os.environ['PATH']}"}
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=CLI_TIMEOUT_SECONDS)


def test_definitions_dg_check_defs(tmp_path: Path):
    if not (BIN / "dg").exists():
        pytest.fail("dg is not installed: pip install -c requirements.lock -e '.[dev]'")
    result = _cli([str(BIN / "dg"), "check", "defs"], tmp_path)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]


def test_definitions_dagster_definitions_validate(tmp_path: Path):
    result = _cli([str(BIN / "dagster"), "definitions", "validate"], tmp_path)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert CODE_LOCATION in result.stdout + result.stderr
