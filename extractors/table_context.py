"""What a curator needs to find a table value in the paper: the table's own name and its
column's header.

Table ids (``p11-t1``) are ours and differ between two PDFs of one work; the paper calls the
table "Table 2" in its caption. A value read from a table cell carries no unit of its own: the
column header says it (``Ionic Conductivity (mS cm^-1)``), and an explanation that gives the
value without it cannot be checked.
"""

from __future__ import annotations

import re

import pandas as pd

#: ``Table 2.``, ``TABLE IV``, ``Table S3:`` at the start of a caption.
_TABLE_NAME = re.compile(r"^\s*(table)\s+([A-Z]?\d+[a-z]?|[IVXL]+)\b", re.I)
#: Box coordinates are compared at this many decimals (PDF points).
_BOX_DECIMALS = 1


def caption_to_table_name(caption: str | None) -> str | None:
    """``Table 2. Comparison of ...`` → ``Table 2``; None when the caption names no table."""
    found = _TABLE_NAME.match(caption or "")
    return f"Table {found.group(2)}" if found else None


def records_with_table_context(records: pd.DataFrame, tables: pd.DataFrame | None,
                               ) -> pd.DataFrame:
    """``records`` with ``table_name`` and ``column_header`` for table records (null else).

    A record's cell is the one of its table, page and box; the header is the text of the header
    cells of that column (joined top to bottom), wherever the table's header sits.
    """
    out = records.copy()
    out["table_name"] = pd.Series([None] * len(out), index=out.index, dtype="object")
    out["column_header"] = pd.Series([None] * len(out), index=out.index, dtype="object")
    if tables is None or tables.empty or out.empty:
        return out
    names = {(str(d), str(t)): caption_to_table_name(c) for d, t, c in tables.groupby(
        ["doc_sha256", "table_id"])["caption"].first().reset_index().itertuples(index=False)}
    headers: dict[tuple[str, str, int], str] = {}
    for (doc, table, col), cells in tables[tables["is_header"]].groupby(
            ["doc_sha256", "table_id", "col"]):
        text = " ".join(str(t) for t in cells.sort_values(["row"])["text"].dropna())
        if text.strip():
            headers[(str(doc), str(table), int(col))] = text
    cell_col = {(str(r.doc_sha256), str(r.table_id), int(r.page), round(float(r.x0), _BOX_DECIMALS),
                 round(float(r.top), _BOX_DECIMALS)): int(r.col)
                for r in tables.itertuples(index=False)}
    for idx, r in out[out["source"] == "table"].iterrows():
        doc, table = str(r["doc_sha256"]), str(r["table_id"])
        out.at[idx, "table_name"] = names.get((doc, table))
        col = cell_col.get((doc, table, int(r["page"]), round(float(r["x0"]), _BOX_DECIMALS),
                            round(float(r["top"]), _BOX_DECIMALS)))
        if col is not None:
            out.at[idx, "column_header"] = headers.get((doc, table, col))
    return out
