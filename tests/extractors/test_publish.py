"""Versioned publishing: dedup, lineage, retention, crashes, concurrent readers, doc examples."""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import threading
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from extractors.errors import DatasetError
from extractors.publish import (
    LATEST_FILE,
    MANIFEST_FILE,
    PublishResult,
    PublishSettings,
    commit_corpus,
    latest_version,
    list_versions,
    publish_dataset,
    read_corpus,
    read_corpus_dataset,
    read_dataset,
    read_manifest,
)
from extractors.records import RECORD_COLUMNS
from extractors.schemas import SCHEMA_VERSION, dataset_schema
from tests.extractors.frames import SHA_A, SHA_B, documents_frame, reconciliation_frame

REPO = Path(__file__).resolve().parents[2]
DOC = REPO / "docs" / "datasets.md"


def conductivity_frame(n: int, generation: int = 0) -> pd.DataFrame:
    """``n`` records, all tagged ``gen<generation>`` in doc_name, with some nulls."""
    i = np.arange(n)
    sigma = np.where(i % 3 == 0, np.nan, (i + 1) * 1e-6)
    columns = {
        "record_id": [f"r{generation}-{k:07d}" for k in i], "doc_sha256": SHA_A,
        "doc_name": f"gen{generation}.pdf", "source": np.where(i % 2 == 0, "table", "text"),
        "page": (i % 14 + 1).astype("int32"), "x0": i * 0.5, "top": i * 0.25, "x1": i * 0.5 + 10,
        "bottom": i * 0.25 + 8, "table_id": [None if k % 2 else "p11-t1" for k in i],
        "material_raw": "Li7P3S11", "material_formula": "Li7P3S11",
        "value_raw": [f"{k} × 10^-6" for k in i], "sigma_S_per_cm": sigma,
        "sigma_low_S_per_cm": sigma, "sigma_high_S_per_cm": sigma, "qualifier": "exact",
        "temperature_raw": "RT", "temperature_K": 298.15, "evidence": "Li7P3S11 shows ...",
        "extractor_version": "0.1.0", "family": None, "reference": "[162]", "flags": None,
        "conductivity_kind": np.where(i % 4 == 0, "bulk", "unspecified"), "work_id": "doi:10.1/x",
        "cited_doi": None,
    }
    return pd.DataFrame(columns)[list(RECORD_COLUMNS)]


def publish(df: pd.DataFrame, settings: PublishSettings,
            sources: list[str] | None = None) -> PublishResult:
    return publish_dataset("conductivity", df, settings=settings,
                           source_documents=sources or [SHA_A], code_version="test-1")


def rows(table: pa.Table) -> list[dict[str, object]]:
    """Rows in record_id order, cast to the dataset's types, so any reader can be compared."""
    schema = dataset_schema("conductivity")
    plain = pa.schema([pa.field(f.name, f.type) for f in schema])
    table = table.select(schema.names).cast(plain)
    out = table.sort_by("record_id").to_pylist()
    return [{k: (None if isinstance(v, float) and np.isnan(v) else v) for k, v in row.items()}
            for row in out]


@pytest.fixture
def settings(tmp_path: Path) -> PublishSettings:
    return PublishSettings(root=str(tmp_path / "outputs" / "datasets"), rows_per_part=300)


def test_publish_unchanged_input_makes_one_version(settings: PublishSettings) -> None:
    first = publish(conductivity_frame(1000), settings)
    again = publish(conductivity_frame(1000), settings)
    assert first.created and first.version == "version=0001" and first.parent_version is None
    assert not again.created and again.version == first.version
    assert list_versions("conductivity", settings) == ["version=0001"]




@pytest.mark.parametrize(("name", "make_frame"), [
    ("conductivity", lambda: conductivity_frame(1000)),
    ("documents", documents_frame),
    ("reconciliation", reconciliation_frame),
])
def test_publish_read_back_frame_is_unchanged(settings: PublishSettings, name: str,
                                              make_frame: Callable[[], pd.DataFrame]) -> None:
    assert publish_dataset(name, make_frame(), settings=settings, source_documents=[SHA_A],
                           code_version="t").created
    back = read_dataset(name, settings)
    again = publish_dataset(name, back, settings=settings, source_documents=[SHA_A],
                            code_version="t")
    assert not again.created and again.version == "version=0001"
    assert read_dataset(name, settings).equals(back)


def test_publish_changed_input_names_parent(settings: PublishSettings) -> None:
    publish(conductivity_frame(1000), settings)
    second = publish(conductivity_frame(1001), settings, [SHA_B, SHA_A, SHA_B])
    manifest = read_manifest("conductivity", settings)
    assert second.created and second.version == "version=0002"
    assert manifest.parent_version == second.parent_version == "version=0001"
    assert manifest.source_documents == (SHA_A, SHA_B)
    assert latest_version("conductivity", settings) == "version=0002"


def test_publish_manifest_describes_files(settings: PublishSettings) -> None:
    result = publish(conductivity_frame(1000), settings)
    folder = Path(result.path)
    manifest = json.loads((folder / MANIFEST_FILE).read_text())
    assert [f["path"] for f in manifest["files"]] == [f"part-0000{k}.parquet" for k in range(4)]
    for entry in manifest["files"]:
        data = (folder / entry["path"]).read_bytes()
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
        assert entry["bytes"] == len(data)
    assert sum(f["rows"] for f in manifest["files"]) == manifest["row_count"] == 1000
    assert datetime.fromisoformat(manifest["created_at"]).utcoffset() == timedelta(0)
    assert manifest["schema_version"] == SCHEMA_VERSION and manifest["code_version"] == "test-1"
    assert manifest["content_hash"].startswith("sha256:")


def test_publish_empty_frame_keeps_schema(settings: PublishSettings) -> None:
    result = publish(conductivity_frame(0), settings)
    assert result.created and result.row_count == 0
    df = read_dataset("conductivity", settings)
    assert list(df.columns) == list(RECORD_COLUMNS) and len(df) == 0


def test_publish_retention_prunes_oldest_and_keeps_latest(tmp_path: Path) -> None:
    settings = PublishSettings(root=str(tmp_path / "datasets"), retention=2)
    results = [publish(conductivity_frame(10 + k, k), settings) for k in range(4)]
    assert list_versions("conductivity", settings) == ["version=0003", "version=0004"]
    assert results[2].pruned == ("version=0001",) and results[3].pruned == ("version=0002",)
    assert latest_version("conductivity", settings) == "version=0004"
    assert len(read_dataset("conductivity", settings)) == 13
    assert not any((tmp_path / ".staging").iterdir())


def test_publish_corpus_snapshot_names_versions_that_belong_together(tmp_path: Path) -> None:
    """A reader following the committed corpus sees the run's versions, never a mix, even while
    the next run has moved one dataset's _LATEST already."""
    settings = PublishSettings(root=str(tmp_path / "datasets"))
    assert read_corpus(settings) is None
    conductivity = publish(conductivity_frame(10), settings)
    documents = publish_dataset("documents", documents_frame(), settings=settings,
                                source_documents=[SHA_A], code_version="t")
    snapshot = commit_corpus({"conductivity": conductivity.version,
                              "documents": documents.version}, settings, run_id="run-1")
    assert read_corpus(settings) == snapshot
    again = commit_corpus({"conductivity": conductivity.version,
                           "documents": documents.version}, settings, run_id="run-2")
    assert again == snapshot  # unchanged: the first commit stands
    publish(conductivity_frame(11, 1), settings)  # the next run, half-way
    assert latest_version("conductivity", settings) == "version=0002"
    assert len(read_corpus_dataset("conductivity", settings)) == 10
    with pytest.raises(DatasetError, match="not a complete version"):
        commit_corpus({"conductivity": "version=0009"}, settings)
    assert read_corpus(settings) == snapshot


def test_publish_retention_keeps_the_committed_version(tmp_path: Path) -> None:
    settings = PublishSettings(root=str(tmp_path / "datasets"), retention=1)
    first = publish(conductivity_frame(10), settings)
    commit_corpus({"conductivity": first.version}, settings)
    publish(conductivity_frame(11, 1), settings)
    assert list_versions("conductivity", settings) == ["version=0001", "version=0002"]


def test_publish_memory_root_uses_same_code_path() -> None:
    root = f"memory://ionlit-test-{uuid.uuid4().hex}/datasets"
    settings = PublishSettings(root=root, retention=2, rows_per_part=400)
    first = publish(conductivity_frame(1000), settings)
    assert not publish(conductivity_frame(1000), settings).created
    publish(conductivity_frame(1000, 1), settings)
    third = publish(conductivity_frame(1000, 2), settings)
    assert first.path.startswith("memory://")
    assert third.parent_version == "version=0002" and third.pruned == ("version=0001",)
    assert list_versions("conductivity", settings) == ["version=0002", "version=0003"]
    df = read_dataset("conductivity", settings)
    assert set(df["doc_name"]) == {"gen2.pdf"} and len(df) == 1000


def test_publish_rejects_bad_settings(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="retention"):
        PublishSettings(retention=0)
    with pytest.raises(ValueError, match="rows_per_part"):
        PublishSettings(rows_per_part=0)
    inside = PublishSettings(root=str(tmp_path / "d"), staging=str(tmp_path / "d" / "s"))
    with pytest.raises(ValueError, match="outside root"):
        publish(conductivity_frame(3), inside)
    with pytest.raises(ValueError, match="sha256"):
        publish(conductivity_frame(3), PublishSettings(root=str(tmp_path / "d")), ["nope"])


def test_publish_missing_version_is_an_error(settings: PublishSettings) -> None:
    with pytest.raises(DatasetError, match="no published version"):
        read_dataset("conductivity", settings)
    publish(conductivity_frame(3), settings)
    with pytest.raises(DatasetError, match="version=0007 is not a complete version"):
        read_dataset("conductivity", settings, version="version=0007")


CHILD = """
import os, sys, time
import pandas as pd
import pyarrow.parquet as pq
from extractors.publish import PublishSettings, publish_dataset

root, phase, frame_path = sys.argv[1:4]
if phase == "parts":
    write_table = pq.write_table
    def slow_write_table(*args, **kwargs):
        print("PART", flush=True)
        time.sleep(0.2)
        return write_table(*args, **kwargs)
    pq.write_table = slow_write_table
else:
    def slow_replace(*args, **kwargs):
        print("REPLACE", flush=True)
        time.sleep(60)
    os.replace = slow_replace
publish_dataset("conductivity", pd.read_parquet(frame_path),
                settings=PublishSettings(root=root, rows_per_part=100),
                source_documents=["a" * 64], code_version="child")
print("DONE", flush=True)
"""


def _kill_child_at(tmp_path: Path, root: str, phase: str, marker: str, count: int,
                   frame: pd.DataFrame) -> None:
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    frame_path = tmp_path / "frame.parquet"
    frame.to_parquet(frame_path)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    child = subprocess.Popen([sys.executable, str(script), root, phase, str(frame_path)],
                             cwd=REPO, env=env, stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    seen = 0
    while seen < count:
        line = child.stdout.readline()
        assert line, "child exited before reaching the kill point"
        seen += line.strip() == marker
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=10)
    child.stdout.close()


def _assert_only_complete_versions(dataset_dir: Path) -> None:
    for entry in dataset_dir.iterdir():
        assert entry.name == LATEST_FILE or re.fullmatch(r"version=\d{4}", entry.name), entry
        if entry.is_dir():
            assert (entry / MANIFEST_FILE).exists(), f"partial version {entry.name}"


def test_publish_killed_while_writing_parts_leaves_no_partial_version(tmp_path: Path) -> None:
    root = tmp_path / "outputs" / "datasets"
    settings = PublishSettings(root=str(root))
    publish(conductivity_frame(50), settings)
    _kill_child_at(tmp_path, str(root), "parts", "PART", 3, conductivity_frame(5000, 1))

    dataset_dir = root / "conductivity"
    assert (dataset_dir / LATEST_FILE).read_text() == "version=0001\n"
    _assert_only_complete_versions(dataset_dir)
    assert len(list((tmp_path / "outputs" / ".staging").iterdir())) == 1  # the crashed build
    assert len(read_dataset("conductivity", settings)) == 50

    result = publish(conductivity_frame(60, 2), settings)
    assert result.created and result.version == "version=0002"
    assert result.parent_version == "version=0001"
    assert not any((tmp_path / "outputs" / ".staging").iterdir())
    _assert_only_complete_versions(dataset_dir)


def test_publish_killed_before_latest_is_repaired_next_time(tmp_path: Path) -> None:
    root = tmp_path / "outputs" / "datasets"
    settings = PublishSettings(root=str(root))
    publish(conductivity_frame(50), settings)
    _kill_child_at(tmp_path, str(root), "latest", "REPLACE", 1, conductivity_frame(500, 1))

    dataset_dir = root / "conductivity"
    assert (dataset_dir / LATEST_FILE).read_text() == "version=0001\n"
    _assert_only_complete_versions(dataset_dir)  # version=0002 is complete, just not latest yet

    result = publish(conductivity_frame(500, 1), settings)
    assert not result.created and result.version == "version=0002"
    assert latest_version("conductivity", settings) == "version=0002"
    assert not any((tmp_path / "outputs" / ".staging").iterdir())


def _doc_style_read(settings: PublishSettings) -> pd.DataFrame:
    dataset_dir = Path(settings.root) / "conductivity"
    latest = (dataset_dir / LATEST_FILE).read_text().strip()
    return pd.read_parquet(dataset_dir / latest)


@pytest.mark.parametrize(("reader", "retention"), [("ionlit", 2), ("pandas", None)])
def test_publish_concurrent_reader_never_fails(tmp_path: Path, reader: str,
                                               retention: int | None) -> None:
    settings = PublishSettings(root=str(tmp_path / "datasets"), retention=retention,
                               rows_per_part=200)
    publish(conductivity_frame(1000), settings)
    stop = threading.Event()
    errors: list[BaseException] = []
    reads = [0]

    def read_loop() -> None:
        while not stop.is_set():
            try:
                df = (read_dataset("conductivity", settings) if reader == "ionlit"
                      else _doc_style_read(settings))
                (doc_name,) = set(df["doc_name"])  # never rows of two versions
                assert len(df) == 1000 + int(doc_name[3:-4])
                reads[0] += 1
            except BaseException as exc:
                errors.append(exc)
                return

    thread = threading.Thread(target=read_loop)
    thread.start()
    try:
        for generation in range(1, 9):
            publish(conductivity_frame(1000 + generation, generation), settings)
    finally:
        stop.set()
        thread.join()
    assert not errors, errors[0]
    assert reads[0] > 0
    assert latest_version("conductivity", settings) == "version=0009"


def test_publish_concurrent_publishers_get_distinct_versions(tmp_path: Path) -> None:
    settings = PublishSettings(root=str(tmp_path / "datasets"), rows_per_part=100)
    results = []

    def run(generation: int) -> None:
        results.append(publish(conductivity_frame(700, generation), settings))

    threads = [threading.Thread(target=run, args=(g,)) for g in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    versions = sorted(r.version for r in results)
    assert versions == [f"version=000{k}" for k in range(1, 5)]
    assert list_versions("conductivity", settings) == versions
    assert latest_version("conductivity", settings) == "version=0004"


def _doc_python_blocks() -> list[str]:
    return re.findall(r"^```python\n(.*?)^```", DOC.read_text(encoding="utf-8"), re.S | re.M)


def test_publish_doc_readers_return_the_same_rows(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    publish(conductivity_frame(40), PublishSettings())
    frame = conductivity_frame(1200, 1)
    namespace: dict[str, object] = {"frame": frame, "doc_sha256s": [SHA_A, SHA_B]}
    blocks = _doc_python_blocks()
    assert len(blocks) >= 6
    for block in blocks:
        exec(compile(block, str(DOC), "exec"), namespace)

    assert namespace["latest"] == "version=0002"
    expected = rows(pa.Table.from_pandas(frame, preserve_index=False))
    readers = {
        "ionlit": pa.Table.from_pandas(namespace["ionlit_df"], preserve_index=False),
        "pandas": pa.Table.from_pandas(namespace["pandas_df"], preserve_index=False),
        "pyarrow": namespace["arrow_table"],
        "duckdb": pa.Table.from_pandas(namespace["duckdb_df"], preserve_index=False),
        "polars": namespace["polars_df"].to_arrow(),  # type: ignore[attr-defined]
    }
    for name, table in readers.items():
        assert table.column_names == list(RECORD_COLUMNS), name
        assert rows(table) == expected, name
    assert namespace["versions"] == [("0001", 40), ("0002", 1200)]
    assert namespace["every_version"].num_rows == 1240  # type: ignore[attr-defined]
