"""Dataset schemas: column sets, descriptions, documentation and the frame-to-table gate."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from extractors.errors import DatasetError
from extractors.records import RECORD_COLUMNS, ConductivityRecord, records_to_frame
from extractors.schemas import SCHEMA_VERSION, SCHEMAS, dataset_schema, frame_to_table
from tests.extractors.frames import documents_frame, reconciliation_frame

DOC = Path(__file__).resolve().parents[2] / "docs" / "datasets.md"


def _record(**changes: object) -> ConductivityRecord:
    values: dict[str, object] = {
        "doc_sha256": "a" * 64, "doc_name": "replica-1col.pdf", "source": "table", "page": 11,
        "x0": 70.5, "top": 120.0, "x1": 300.0, "bottom": 131.2, "material_raw": "Li7P3S11",
        "value_raw": "3.2 × 10^-3", "qualifier": "exact", "evidence": "Li7P3S11 3.2 × 10^-3",
        "table_id": "p11-t1", "material_formula": "Li7P3S11", "sigma_S_per_cm": 3.2e-3,
        "sigma_low_S_per_cm": 3.2e-3, "sigma_high_S_per_cm": 3.2e-3,
    }
    values.update(changes)
    return ConductivityRecord(**values)  # type: ignore[arg-type]




def test_schemas_conductivity_follows_records_module() -> None:
    df = records_to_frame([_record(), _record(source="text", table_id=None, page=2)])
    table = frame_to_table("conductivity", df)
    assert tuple(table.column_names) == RECORD_COLUMNS
    assert table.schema.field("page").type == pa.int32()
    assert table.schema.field("sigma_S_per_cm").type == pa.float64()
    assert table.schema.field("table_id").type == pa.string()
    assert table.column("table_id").to_pylist() == ["p11-t1", None]
    assert frame_to_table("conductivity", records_to_frame([])).num_rows == 0


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_schemas_describe_every_column(name: str) -> None:
    schema = dataset_schema(name)
    assert schema.metadata[b"description"]
    assert schema.metadata[b"schema_version"] == SCHEMA_VERSION.encode()
    for field in schema:
        assert field.metadata[b"description"].strip(), field.name


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_schemas_every_column_is_documented(name: str) -> None:
    text = DOC.read_text(encoding="utf-8")
    section = re.search(rf"^### `{name}`\n(.*?)(?=^#)", text, flags=re.S | re.M)
    assert section is not None, f"docs/datasets.md has no section for {name}"
    documented = set(re.findall(r"^\| `(\w+)` \|", section[1], flags=re.M))
    assert documented == set(dataset_schema(name).names)


def test_schemas_documents_keep_null_ints() -> None:
    table = frame_to_table("documents", documents_frame())
    assert table.schema.field("pages").type == pa.int32()
    assert table.schema.field("size_bytes").type == pa.int64()
    assert table.column("pages").to_pylist() == [14, None]


def test_schemas_reconciliation_lists() -> None:
    table = frame_to_table("reconciliation", reconciliation_frame())
    assert table.column("record_ids").to_pylist() == [["rec1", "rec2"], []]
    assert table.column("curated_ids").to_pylist() == [["C002"], ["C003"]]


def test_schemas_column_order_follows_schema() -> None:
    df = documents_frame()
    table = frame_to_table("documents", df[list(reversed(df.columns))])
    assert table.column_names == dataset_schema("documents").names


def test_schemas_missing_columns_are_named() -> None:
    df = documents_frame().drop(columns=["doi", "pages"])
    with pytest.raises(DatasetError, match=r"missing \['pages', 'doi'\]"):
        frame_to_table("documents", df)


def test_schemas_extra_columns_are_rejected() -> None:
    df = documents_frame().assign(comment="x")
    with pytest.raises(DatasetError, match=r"extra \['comment'\]"):
        frame_to_table("documents", df)


@pytest.mark.parametrize(("column", "values", "message"), [
    ("pages", [1.5, 2.0], "documents.pages: cannot cast"),
    ("size_bytes", pd.array(["12", "13"], dtype="string"), "documents.size_bytes: expected"),
    ("pages", [2**40, 1], "documents.pages: cannot cast"),
    ("doc_name", ["ok.pdf", None], "documents.doc_name: 1 null"),
    ("status", ["ok", "skipped"], r"documents.status: values outside ok,failed: \['skipped'\]"),
])
def test_schemas_bad_values_are_rejected(column: str, values: object, message: str) -> None:
    df = documents_frame()
    df[column] = values
    with pytest.raises(DatasetError, match=message):
        frame_to_table("documents", df)


def test_schemas_unknown_dataset() -> None:
    with pytest.raises(DatasetError, match="unknown dataset 'records'"):
        frame_to_table("records", documents_frame())
