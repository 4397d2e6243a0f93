"""Small frames shaped like the published datasets, shared by the schema and publish tests."""

import pandas as pd

SHA_A, SHA_B = "a" * 64, "b" * 64


def documents_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "doc_sha256": [SHA_A, SHA_B], "doc_name": ["ok.pdf", "broken.pdf"],
        "size_bytes": [1234, 10], "pages": pd.array([14, None], dtype="Int64"),
        "title": ["Mechanochemical Synthesis", None], "doi": ["10.3390/x", None],
        "work_id": ["doi:10.3390/x", None],
        "status": ["ok", "failed"], "error": [None, "not a PDF"],
        "n_records": pd.array([7, None], dtype="Int64"), "extractor_version": ["0.1.0"] * 2,
        "encrypted": pd.array([False, None], dtype="boolean"),
    })
