"""Fixtures for the Dagster tests: a project folder in tmp, tiny PDFs, a broken one, an instance."""

import shutil
import socket
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import pytest

from pipelines.definitions import resources_config
from pipelines.extract.resources import SpacyNlp
from pipelines.ingest.resources import PdfFolder
from pipelines.publish.resources import DatasetStore
from pipelines.reconcile.resources import CuratedSources
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
        config = resources_config(self.seeds, self.outputs)["resources"]
        return {"pdfs": PdfFolder(**config["pdfs"]["config"]), "nlp": SpacyNlp(),
                "curated": CuratedSources(**config["curated"]["config"]),
                "store": DatasetStore(**config["store"]["config"])}


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
    """DAGSTER_HOME in tmp with the project's dagster.yaml (SQLite under its .dagster/)."""
    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(DAGSTER_YAML, home / "dagster.yaml")
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
