"""Fixtures for the Dagster tests: a project folder in tmp, tiny PDFs, a broken one, an instance."""

import shutil
import socket
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import pytest

from extractors.schemas import SCHEMAS
from pipelines.definitions import defs, resources_config
from pipelines.defs.documents.resources import PdfFolder
from pipelines.defs.documents.sync import sync_partitions
from pipelines.defs.extraction.resources import SpacyNlp
from pipelines.defs.publishing.resources import DatasetStore
from pipelines.defs.reconciliation.resources import CuratedSources
from pipelines.io_manager import PartitionDictIOManager
from tests.conftest import ROOT, SEEDS
from tests.pdfbuild import Page, sup, write_pdf

DAGSTER_YAML = ROOT / "dagster.yaml"


@dataclass(frozen=True)
class Project:
    """A copy of seeds/ (PDFs chosen by the test) and an outputs/ folder, both under tmp."""

    seeds: Path
    outputs: Path

    @property
    def pdfs(self) -> Path:
        return self.seeds / "pdfs"

    def resources(self) -> dict[str, object]:
        """Resources on this project; the store through ``file://`` URLs (the fsspec path)."""
        config = resources_config(self.seeds, self.outputs)["resources"]
        return {"pdfs": PdfFolder(**config["pdfs"]["config"]), "nlp": SpacyNlp(),
                "curated": CuratedSources(**config["curated"]["config"]),
                "store": DatasetStore(root=f"file://{config['store']['config']['root']}",
                                      reports=f"file://{config['store']['config']['reports']}")}


ASSETS = list(defs.assets or [])
CHECKS = list(defs.asset_checks or [])
CORPUS = ["documents", "conductivity", "tables", "decisions", "reconciliation", "problems",
          "consensus", "curated_view", "corpus_snapshot", "reconciliation_report",
          *(f"{name}_dataset" for name in SCHEMAS)]


def register(instance: dg.DagsterInstance, folder: Path) -> list[str]:
    """Register the folder's PDFs as partitions (what the sensor does); their keys, sorted."""
    sync = sync_partitions(instance, PdfFolder(folder=str(folder)).stamps())
    sync.apply(instance)
    return list(sync.keys)


def project_defs(project: Project) -> dg.Definitions:
    """The code location's assets, checks and sensors on this project's resources."""
    return dg.Definitions(
        assets=ASSETS, asset_checks=CHECKS, sensors=list(defs.sensors or []),
        jobs=list(defs.jobs or []),
        resources={**project.resources(), "io_manager": PartitionDictIOManager(
            base_dir=str(project.outputs.parent / "io"))})


def materialize(project: Project, instance: dg.DagsterInstance, selection: list[str],
                partition_key: str | None = None,
                tags: dict[str, str] | None = None) -> dg.ExecuteInProcessResult:
    """Materialise ``selection`` in process, IO under the project folder, errors kept.

    Through the code location's asset job, so the run records its asset selection like a run
    launched from the UI or by the automation sensor (automation conditions read it).
    """
    job = project_defs(project).resolve_implicit_global_asset_job_def()
    return job.execute_in_process(
        instance=instance, asset_selection=[dg.AssetKey(name) for name in selection],
        partition_key=partition_key, tags=tags, raise_on_error=False)


def tiny_pdf(path: Path, material: str = "Li7P3S11") -> Path:
    """A one-page PDF stating one conductivity; reads in well under a second."""
    page = Page().text(72, 100, f"The conductivity of {material} is 1.7 × 10", sup("-2"),
                       " S cm", sup("-1"), " at room temperature.")
    return write_pdf(path, [page])


def broken_pdf(path: Path) -> Path:
    """Garbage bytes under a .pdf name (like corpus/bad/docling-corrupted-not-a-pdf.pdf)."""
    path.write_bytes(b"this is not a PDF, just bytes\n" * 3)
    return path


@pytest.fixture
def project(tmp_path: Path) -> Project:
    seeds = tmp_path / "seeds"
    (seeds / "pdfs").mkdir(parents=True)
    shutil.copytree(SEEDS / "curated", seeds / "curated")
    shutil.copytree(SEEDS / "decisions", seeds / "decisions")
    return Project(seeds, tmp_path / "outputs")


@pytest.fixture
def instance(tmp_path: Path):
    """A persistent (SQLite, temp dir) instance: outputs survive between runs like in prod."""
    home = tmp_path / "dagster_home"
    home.mkdir()
    with dg.instance_for_test(temp_dir=str(home)) as inst:
        yield inst


@pytest.fixture
def dagster_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """DAGSTER_HOME in tmp with the project's dagster.yaml, its storage under tmp too.

    (The project's relative ``.dagster/`` paths are resolved from the working directory, which
    is the checkout in tests, so they are made absolute here.)
    """
    home = tmp_path / "home"
    home.mkdir()
    config = DAGSTER_YAML.read_text().replace("base_dir: .dagster/", f"base_dir: {home}/.dagster/")
    (home / "dagster.yaml").write_text(config)
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    return home


def service_open(port: int, what: str) -> None:
    """Skip, naming the service, when nothing listens on 127.0.0.1:``port``."""
    with socket.socket() as sock:
        sock.settimeout(1.0)
        if sock.connect_ex(("127.0.0.1", port)) != 0:
            pytest.skip(f"needs {what} on 127.0.0.1:{port} (not running here)")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
