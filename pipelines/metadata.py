"""What the UI shows about a frame: its row count, a preview table and its column schema."""

import hashlib
import re
from typing import Any

import dagster as dg
import pandas as pd

from extractors.schemas import dataset_schema

#: Rows in a preview, and longest text shown per cell (STYLE rule 10: at most 10 examples).
DEFAULT_PREVIEW_ROWS = 5
DEFAULT_PREVIEW_CHARS = 60
#: Hex digits of a frame's data version.
DATA_VERSION_CHARS = 16


#: Characters that make Markdown (or the HTML it may carry) out of text: escaped, so a PDF
#: saying ``![x](https://evil.example/t.png)`` or ``<script>`` shows as text in the UI.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]()!|<>~])")


def escape_markdown(text: str) -> str:
    """``text`` as literal Markdown: every character Markdown could act on is escaped."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def frame_to_markdown(df: pd.DataFrame, rows: int = DEFAULT_PREVIEW_ROWS) -> str:
    """The first ``rows`` rows as a Markdown table, long texts cut, every cell escaped."""
    if df.empty:
        return "(no rows)"
    head = df.head(rows).astype("string").fillna("")
    head = head.apply(lambda col: col.str.slice(0, DEFAULT_PREVIEW_CHARS).map(escape_markdown))
    return head.to_markdown(index=False)


def frame_metadata(df: pd.DataFrame, dataset: str | None = None) -> dict[str, Any]:
    """Row count and preview; with ``dataset``, also the published column schema."""
    metadata: dict[str, Any] = {"dagster/row_count": len(df),
                                "preview": dg.MetadataValue.md(frame_to_markdown(df))}
    if dataset is not None:
        metadata["dagster/column_schema"] = dg.TableSchema(columns=[
            dg.TableColumn(field.name, str(field.type),
                           description=(field.metadata or {}).get(b"description", b"").decode())
            for field in dataset_schema(dataset)])
    return metadata


#: At most this many examples in a check's metadata (STYLE rule 10).
MAX_EXAMPLES = 10


def examples(lines: list[str]) -> dg.MetadataValue:
    """The first :data:`MAX_EXAMPLES` lines as a Markdown list, each escaped (they quote PDFs
    and curators)."""
    return dg.MetadataValue.md("\n".join(f"- {escape_markdown(line)}"
                                         for line in lines[:MAX_EXAMPLES]) or "(none)")


def frame_data_version(df: pd.DataFrame) -> dg.DataVersion:
    """A data version from the frame's content (columns, dtypes, values; lists included), so an
    unchanged corpus frame keeps its version and nothing downstream shows as unsynced."""
    digest = hashlib.sha256()
    digest.update(repr([(str(c), str(t)) for c, t in df.dtypes.items()]).encode())
    digest.update(df.to_json(orient="split", index=False, date_format="iso",
                             default_handler=str).encode())
    return dg.DataVersion(digest.hexdigest()[:DATA_VERSION_CHARS])
