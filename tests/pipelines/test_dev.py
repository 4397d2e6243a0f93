"""``dagster dev`` serves the code location on 127.0.0.1: assets, checks, sensor and schedule."""

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

DAGSTER = Path(sys.executable).parent / "dagster"
STARTUP_SECONDS = 240
QUERY = """{
  assetNodes { assetKey { path } assetChecksOrError { ... on AssetChecks { checks { name } } } }
  repositoriesOrError { ... on RepositoryConnection { nodes {
    sensors { name } schedules { name cronSchedule } jobs { name } } } }
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
        assert process.poll() is None, "dagster dev exited early"
        try:
            data = graphql(port, QUERY)
            if data["repositoriesOrError"].get("nodes"):
                return data
        except (urllib.error.URLError, ConnectionError, TimeoutError, KeyError):
            pass
        time.sleep(1.0)
    raise AssertionError(f"dagster dev did not serve the code location in {STARTUP_SECONDS} s")


def stop(process: subprocess.Popen) -> None:
    """SIGTERM to the process we started, then its whole session if it lingers."""
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def test_dev_lists_assets_checks_sensor_and_schedule(dagster_home: Path):
    port = free_port()
    log = (dagster_home / "dev.log").open("w")
    process = subprocess.Popen(
        [str(DAGSTER), "dev", "-m", "pipelines.definitions", "-h", "127.0.0.1", "-p", str(port)],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        env={**os.environ, "DAGSTER_HOME": str(dagster_home)})
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
    assert {"matches_schema", "no_unreviewed_conflicts"} <= checks
    (repository,) = data["repositoriesOrError"]["nodes"]
    assert [s["name"] for s in repository["sensors"]] == ["pdf_folder_sensor"]
    assert repository["schedules"] == [{"name": "daily_corpus", "cronSchedule": "0 3 * * *"}]
    assert {"document_job", "corpus_job"} <= {j["name"] for j in repository["jobs"]}
