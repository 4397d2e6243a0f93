"""Small frames shaped like the published datasets, shared by the schema and publish tests."""

import pandas as pd

SHA_A, SHA_B = "a" * 64, "b" * 64


def documents_frame() -> pd.DataFrame:
    """A read document and a failed one."""
    return pd.DataFrame({
        "doc_sha256": [SHA_A, SHA_B], "doc_name": ["ok.pdf", "broken.pdf"],
        "size_bytes": [1234, 10], "pages": pd.array([14, None], dtype="Int64"),
        "title": ["Mechanochemical Synthesis", None], "doi": ["10.3390/x", None],
        "work_id": ["doi:10.3390/x", None],
        "status": ["ok", "failed"], "error": [None, "not a PDF"],
        "n_records": pd.array([7, None], dtype="Int64"), "extractor_version": ["0.1.0"] * 2,
        "text_layer": ["born_digital", "none"], "text_source": ["text_layer", None],
        "ocr_pages": [None, None], "off_page_chars": pd.array([0, None], dtype="Int64"),
        "unmapped_share": [0.001, None],
        "encrypted": pd.array([False, None], dtype="boolean"),
        "skipped_tables": ["p3-t1 (records): ValueError: min() arg is an empty sequence", None],
    })


def reconciliation_frame() -> pd.DataFrame:
    """A compared (and corrected) row and an only_in_curated row."""
    return pd.DataFrame({
        "reconciliation_id": ["r1", "r2"], "status": ["corrected", "only_in_curated"],
        "original_status": ["unit_slip", "only_in_curated"],
        "explanation": ["factor 1000", "no document value"], "scope": ["curated", "unmatched"],
        "material_key": ["name:lipon", "name:lipon"], "material_raw": ["LiPON", "LiPON"],
        "material_formula": [None, None], "is_statement_about_class": [False, False],
        "work_id": ["doi:10.1/x", None], "statement_id": ["s1", None],
        "record_ids": [["rec1", "rec2"], []], "doc_sha256": [SHA_A, None],
        "other_statement_id": [None, None], "other_record_ids": [[], []],
        "curated_ids": [["C002"], ["C003"]], "curated_source": ["ref [154]", "C003"],
        "same_citation": ["[154]", None],
        "document_sigma_S_per_cm": [2e-3, None], "document_temperature_K": [298.15, None],
        "other_sigma_S_per_cm": [2e-6, 3e-2], "other_temperature_K": [298.15, 298.15],
        "factor": [1000.0, None], "temperature_diff_K": [0.0, None],
        "decision": ["corrected", None], "decision_note": ["mS", None],
        "decided_by": ["jdoe", None], "decided_at": ["2026-11-20", None],
        "corrected_sigma_S_per_cm": [2e-6, None], "corrected_temperature_K": [None, None],
        "independent": pd.array([False, None], dtype="boolean"),
        "problem_id": ["p0123456789abcde", None],
    })
