"""``dg dev`` (``make dev``) serves the code location on 127.0.0.1: assets, checks, sensors."""

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.conftest import ROOT
from tests.pipelines.conftest import free_port

DG = Path(sys.executable).parent / "dg"
STARTUP_SECONDS = 240
QUERY = """{
  assetNodes { assetKey { path } assetChecksOrError { ... on AssetChecks { checks { name } } } }
  repositoriesOrError { ... on RepositoryConnection { nodes {
    name location { name } sensors { name sensorState { status } } jobs { name } } } }
}"""


def graphql(port: int, query: str) -> dict:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql", data=json.dumps({"query": query}).encode(),
        headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())["data"]


def wait_until_served(port: int, process: subprocess.Popen) -> dict:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        assert process.poll() is None, "dg dev exited early"
        try:
            data = graphql(port, QUERY)
            if data["repositoriesOrError"].get("nodes"):
                return data
        except (urllib.error.URLError, ConnectionError, TimeoutError, KeyError):
            pass
        time.sleep(1.0)
    raise AssertionError(f"dg dev did not serve the code location in {STARTUP_SECONDS} s")


def stop(process: subprocess.Popen) -> None:
    """SIGTERM to the process we started, then its whole session if it lingers."""
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def test_dev_lists_assets_checks_and_running_sensors(dagster_home: Path, tmp_path: Path):
    port = free_port()
    log = (dagster_home / "dev.log").open("w")
    empty = tmp_path / "no_pdfs"  # the sensors run by default: give them nothing to read
    empty.mkdir()
    process = subprocess.Popen(
        [str(DG), "dev", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        env={**os.environ, "DAGSTER_HOME": str(dagster_home), "IONLIT_PDFS": str(empty),
             "IONLIT_DATASETS": str(tmp_path / "datasets"),
             "IONLIT_REPORTS": str(tmp_path / "reports"),
             "PATH": f"{DG.parent}:{os.environ['PATH']}"})
    try:
        data = wait_until_served(port, process)
    finally:
        stop(process)
        log.close()
    nodes = {"/".join(n["assetKey"]["path"]): n for n in data["assetNodes"]}
    assert {"document", "layout", "table_records", "text_records", "documents", "conductivity",
            "tables", "reconciliation", "reconciliation_report", "documents_dataset",
            "conductivity_dataset", "tables_dataset", "reconciliation_dataset"} <= set(nodes)
    checks = {c["name"] for c in nodes["reconciliation"]["assetChecksOrError"]["checks"]}
    assert {"no_unreviewed_conflicts", "decisions_match_rows"} <= checks
    assert {"matches_schema", "unique_ids"} <= {
        c["name"] for c in nodes["conductivity_dataset"]["assetChecksOrError"]["checks"]}
    (repository,) = data["repositoriesOrError"]["nodes"]
    assert repository["location"]["name"] == "ionlit"
    assert {s["name"]: s["sensorState"]["status"] for s in repository["sensors"]} == {
        "pdf_folder_sensor": "RUNNING", "ionlit_automation": "RUNNING"}
    assert {"document_job", "corpus_job"} <= {j["name"] for j in repository["jobs"]}
