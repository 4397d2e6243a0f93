"""Explicit Arrow schemas of the published datasets (CONTRACT.md) and the frame-to-table gate.

Every published file carries its schema: each field's ``description`` (and, for closed
vocabularies, ``allowed`` values) sits in the field metadata, and the schema metadata holds the
dataset ``description`` and ``schema_version``. Readers therefore need no side channel to learn
what a column means, and :func:`frame_to_table` is the single place where a pandas frame becomes
a publishable table, so a wrong dtype or a missing column fails before anything is written.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from extractors.document import TEXT_LAYERS, TEXT_SOURCES
from extractors.errors import DatasetError

#: Bump on any rename, removal or type change of a column (CONTRACT.md: a new schema version).
SCHEMA_VERSION = "2"

DOCUMENT_STATUSES: tuple[str, ...] = ("ok", "failed")
#: Closed vocabularies of the conductivity record (CONTRACT.md).
#: ``max_reported``: "up to X", "as high as X": in this literature X is the best value reached, so
#: X is the value (not an open bound).
QUALIFIERS: tuple[str, ...] = ("exact", "approx", "range", "lower_bound", "upper_bound",
                               "max_reported")
SOURCES: tuple[str, ...] = ("table", "text")
#: Caveats a record's ``flags`` may list (comma-separated).
RECORD_FLAGS: dict[str, str] = {
    "unsure_exponent": "the power of ten or its sign is not certain from the PDF",
    "unsure_times_sign": "a lost glyph between mantissa and 10^ was read as ×",
    "shared_exponent": "a list's power of ten, written once, applied to each value",
    "temperature_from_previous_sentence": "the temperature is the one the sentence before "
                                          "measured at",
    "class_statement": "the value is about a class of materials, not one material",
    "composition_nominal": "the table prints nominal and refined compositions; nominal used",
    "composition_refined": "only a refined composition is printed",
    "calculated": "printed as a computed value (``calc.``) beside measured ones",
    "experimental": "printed as a measured value (``expt.``) beside computed ones",
    "hidden_characters": "the PDF's text held bidi controls or zero-width characters: removed "
                         "from material_raw, kept in evidence",
    "site_label": "the table row names only what sits on a crystal site (``Al0.13Ge1.87`` "
                  "under ``(Al, M)2``): no formula is given",
    "material_unlinked": "no sentence or table structure ties the value to a material: "
                         "``material_raw`` is empty and ``material_formula`` null, rather than "
                         "a guess from a material named nearby",
}
SITE_LABEL_FLAG = "site_label"
CLASS_STATEMENT_FLAG = "class_statement"
HIDDEN_CHARACTERS_FLAG = "hidden_characters"
MATERIAL_UNLINKED_FLAG = "material_unlinked"
#: What the document says the value measures; ``unspecified`` when it does not say.
CONDUCTIVITY_KINDS: tuple[str, ...] = ("total", "bulk", "grain_boundary", "electronic",
                                       "unspecified")
#: Reconciliation statuses from the comparison, then the ones curators' decisions add.
#: ``condition_conflict``: one value stated for two descriptions of the sample that cannot both
#: hold (``as-prepared`` against ``ball-milled``) inside one work. ``spread``: two independent
#: works (or a work and an independent curated source) that differ: no conflict, the
#: ``consensus`` dataset says how far values of the material spread.
COMPARISON_STATUSES: tuple[str, ...] = (
    "agrees", "rounding", "value_conflict", "unit_slip", "temperature_conflict",
    "only_in_document", "only_in_curated", "condition_conflict", "spread",
)
RECONCILIATION_STATUSES = COMPARISON_STATUSES
#: Statuses a curator has to look at, in the order the report shows them: disagreements
#: inside one work or with the source it cites (error candidates).
CONFLICT_STATUSES: tuple[str, ...] = ("value_conflict", "unit_slip", "temperature_conflict",
                                      "condition_conflict")
#: What a problem is (CONTRACT.md): a disagreement inside one work or with the source it
#: cites, or a value far from the consensus of independent works.
PROBLEM_KINDS: tuple[str, ...] = ("error_candidate", "outlier")
#: ``open`` until a curator decides the problem.
PROBLEM_STATUSES: tuple[str, ...] = ("open", "accepted", "rejected", "corrected")
#: Why a problem was raised: a comparison verdict, or ``outlier``.
PROBLEM_VERDICTS: tuple[str, ...] = (*CONFLICT_STATUSES, "outlier")
DECISIONS: tuple[str, ...] = ("accepted", "rejected", "corrected")
#: What a reconciliation row compared (see the ``scope`` column).
SCOPES: tuple[str, ...] = ("within_work", "across_works", "curated", "unmatched")

_STRING = pa.string()
_FLOAT = pa.float64()
_INT32 = pa.int32()
_STRING_LIST = pa.list_(pa.string())


def _field(name: str, type_: pa.DataType, description: str, *, nullable: bool = False,
           allowed: tuple[str, ...] = ()) -> pa.Field:
    """A field whose meaning travels with the data, in the Parquet footer."""
    metadata = {"description": description}
    if allowed:
        metadata["allowed"] = ",".join(allowed)
    return pa.field(name, type_, nullable=nullable, metadata=metadata)


def _schema(description: str, fields: list[pa.Field]) -> pa.Schema:
    return pa.schema(fields, metadata={"description": description,
                                       "schema_version": SCHEMA_VERSION})


_BOX = "PDF points, pdfplumber's top-down coordinates"

#: (type, nullable, description) of each conductivity column, in the dataset's column order:
#: CONTRACT.md's columns first, extensions after.
_CONDUCTIVITY_COLUMNS: dict[str, tuple[pa.DataType, bool, str]] = {
    "record_id": (_STRING, False, "Stable id: same document, same place and same value string "
                                  "give the same id across runs."),
    "doc_sha256": (_STRING, False, "sha256 of the PDF bytes."),
    "doc_name": (_STRING, False, "File name of the PDF."),
    "source": (_STRING, False, "Where the value was read: `table` or `text` (captions are text)."),
    "page": (_INT32, False, "1-based page number of the evidence."),
    "x0": (_FLOAT, False, f"Left edge of the evidence box, {_BOX}."),
    "top": (_FLOAT, False, f"Top edge of the evidence box, {_BOX}."),
    "x1": (_FLOAT, False, f"Right edge of the evidence box, {_BOX}."),
    "bottom": (_FLOAT, False, f"Bottom edge of the evidence box, {_BOX}."),
    "table_id": (_STRING, True, "For table records, which table (e.g. `p11-t1`; one id for a "
                                "table continued over pages); null for text records."),
    "material_raw": (_STRING, False, "The material as written, sub/superscripts flattened."),
    "material_formula": (_STRING, True, "Canonical formula when the material is a formula or a "
                                        "known abbreviation of one."),
    "value_raw": (_STRING, False, "The value as written, exponents marked with `^`."),
    "sigma_S_per_cm": (_FLOAT, True, "The value in S/cm; null for ranges and open bounds."),
    "sigma_low_S_per_cm": (_FLOAT, True, "Lower end of a range or bound in S/cm (equals "
                                         "sigma_S_per_cm for a single value)."),
    "sigma_high_S_per_cm": (_FLOAT, True, "Upper end of a range or bound in S/cm (equals "
                                          "sigma_S_per_cm for a single value)."),
    "qualifier": (_STRING, False, "How exact the value is: exact, approx, range, lower_bound, "
                                  "upper_bound, max_reported (\"up to X\": X is the best value "
                                  "reached and sigma_S_per_cm is X)."),
    "temperature_raw": (_STRING, True, "The measurement temperature as written (`300 ◦C`, `RT`)."),
    "temperature_K": (_FLOAT, True, "Measurement temperature in kelvin; room temperature is "
                                    "298.15."),
    "evidence": (_STRING, False, "The sentence or table row the value was read from."),
    "extractor_version": (_STRING, False, "Version of the code that produced the row."),
    "conductivity_kind": (_STRING, False, "What the value measures where the document says so: "
                                          "total, bulk, grain_boundary, electronic; else "
                                          "unspecified."),
    "work_id": (_STRING, True, "The work the PDF belongs to (`doi:…` when known, else a title "
                               "or text fingerprint): two PDFs of one paper share it."),
    "family": (_STRING, True, "Material family named beside the value (e.g. `NASICON`), if any."),
    "reference": (_STRING, True, "Citation the document gives for the value (e.g. `[162]`), "
                                 "if any."),
    "cited_doi": (_STRING, True, "DOI of the reference list entry the value cites (``|``-joined "
                                 "when several), if the work prints one."),
    "flags": (_STRING, True, "Extraction caveats worth a curator's look, comma-separated: "
                             + "; ".join(f"`{k}` ({v})" for k, v in RECORD_FLAGS.items())
                             + "."),
}

_ALLOWED: dict[str, tuple[str, ...]] = {"source": SOURCES, "qualifier": QUALIFIERS,
                                        "conductivity_kind": CONDUCTIVITY_KINDS}

_CONDUCTIVITY = _schema(
    "One row per stated ionic-conductivity value, with its provenance in the PDF.",
    [_field(name, type_, description, nullable=nullable, allowed=_ALLOWED.get(name, ()))
     for name, (type_, nullable, description) in _CONDUCTIVITY_COLUMNS.items()],
)

_DOCUMENTS = _schema("One row per input PDF, read or not.", [
    _field("doc_sha256", _STRING, "sha256 of the PDF bytes."),
    _field("doc_name", _STRING, "File name of the PDF."),
    _field("size_bytes", pa.int64(), "Size of the file in bytes."),
    _field("pages", _INT32, "Number of pages; null when the PDF could not be read.",
           nullable=True),
    _field("title", _STRING, "Title from the PDF metadata or first page, if found.",
           nullable=True),
    _field("doi", _STRING, "DOI found in the document, if any.", nullable=True),
    _field("work_id", _STRING, "The work the PDF belongs to: `doi:…`, else a title or text "
           "fingerprint; PDFs of one paper share it. Null when the PDF could not be read.",
           nullable=True),
    _field("status", _STRING, "`ok` when records were extracted, `failed` otherwise.",
           allowed=DOCUMENT_STATUSES),
    _field("error", _STRING, "One-line reason of the failure (not a PDF, encrypted, ...); "
                             "null when ok.", nullable=True),
    _field("n_records", _INT32, "Number of conductivity records; null when failed.",
           nullable=True),
    _field("extractor_version", _STRING, "Version of the code that read the document."),
    _field("text_layer", _STRING, "Where the text comes from: `born_digital`, `ocr` (an OCR "
           "layer over page images) or `none`; null when the PDF could not be opened.",
           nullable=True, allowed=TEXT_LAYERS),
    _field("text_source", _STRING, "Which text the pages were read from: `text_layer` (the "
           "PDF's own, every page), `ocr_engine` (the OCR engine's reading of the page images, "
           "every page with text: a scan without text, or an OCR layer that read worse) or "
           "`mixed`; null when the PDF could not be read.", nullable=True,
           allowed=TEXT_SOURCES),
    _field("ocr_pages", _STRING, "Pages whose text the OCR engine read, comma-separated "
           "(`1,2,5`); null when none or the PDF could not be read.", nullable=True),
    _field("off_page_chars", _INT32, "Characters placed outside the page box (beyond a 9 pt "
           "bleed), which no reader sees and which were not read; null when the PDF could not "
           "be read.", nullable=True),
    _field("unmapped_share", _FLOAT, "Share of the characters whose text neither the PDF's "
           "text layer nor the font's own data gives (left as U+FFFD); null when the PDF could "
           "not be read.", nullable=True),
    _field("encrypted", pa.bool_(), "Whether the PDF is encrypted (read with an empty "
           "password); null when it could not be opened.", nullable=True),
    _field("skipped_tables", _STRING, "Tables left out because finding, structuring or reading "
           "them raised (a bug of ours; the document's other tables and its text are read): "
           "`p3-t1 (records): ValueError: ... (at tables.py:187)`, `; `-separated, a page "
           "(`p3`) when the table was lost while finding it; null when none was.",
           nullable=True),
])

_TABLES = _schema("One row per extracted table cell.", [
    _field("doc_sha256", _STRING, "sha256 of the PDF bytes."),
    _field("doc_name", _STRING, "File name of the PDF."),
    _field("table_id", _STRING, "Table id (e.g. `p11-t1`; one id for a table continued over "
                                "pages), as in conductivity.table_id."),
    _field("page", _INT32, "1-based page number of the cell."),
    _field("row", _INT32, "0-based row of the cell in its table, counted over all its pages."),
    _field("col", _INT32, "0-based column of the cell in its table."),
    _field("text", _STRING, "Cell text, sub/superscripts flattened; null for an empty cell.",
           nullable=True),
    _field("is_header", pa.bool_(), "Whether the cell belongs to a header row."),
    _field("x0", _FLOAT, f"Left edge of the cell, {_BOX}."),
    _field("top", _FLOAT, f"Top edge of the cell, {_BOX}."),
    _field("x1", _FLOAT, f"Right edge of the cell, {_BOX}."),
    _field("bottom", _FLOAT, f"Bottom edge of the cell, {_BOX}."),
    _field("caption", _STRING, "Caption of the table, if found.", nullable=True),
])

_RECONCILIATION = _schema(
    "One row per comparison of two statements of one material (inside a work, across works, or "
    "against a curated source), or per statement or curated value left without a partner.", [
        _field("reconciliation_id", _STRING, "Stable id of the comparison: the same two "
               "statements (or statement and curated row) give the same id across runs."),
        _field("status", _STRING, "Outcome of the comparison, or the curator's decision once "
                                  "one is recorded.",
               allowed=RECONCILIATION_STATUSES + DECISIONS),
        _field("original_status", _STRING, "The comparison's own verdict, kept when a "
               "curator's decision replaces `status`.", allowed=RECONCILIATION_STATUSES),
        _field("explanation", _STRING, "What was compared and why the status, in a sentence "
                                       "a curator can act on."),
        _field("scope", _STRING, "What was compared: `within_work` (text vs table, table vs "
               "table), `across_works`, `curated` (a statement against a curated row) or "
               "`unmatched` (only_in_document / only_in_curated).", allowed=SCOPES),
        _field("material_key", _STRING, "Key the materials were matched on: `formula:`, "
               "`composite:`, `name:` or `class:` (a statement about a class of materials)."),
        _field("material_raw", _STRING, "The material as written in the document (in the "
                                        "curated source for only_in_curated)."),
        _field("material_formula", _STRING, "Canonical formula of the document's material.",
               nullable=True),
        _field("is_statement_about_class", pa.bool_(), "The value is about a class of "
               "materials or an ion (`solid electrolytes`, `Li^+`), not one material."),
        _field("work_id", _STRING, "Work of the statement (conductivity.work_id); null for "
                                   "only_in_curated.", nullable=True),
        _field("statement_id", _STRING, "The statement compared: one value as written in one "
               "work, however many PDFs of the work state it.", nullable=True),
        _field("record_ids", _STRING_LIST, "conductivity.record_id values of the statement "
                                           "(one per PDF and place that states it)."),
        _field("doc_sha256", _STRING, "sha256 of the first PDF stating the statement.",
               nullable=True),
        _field("other_statement_id", _STRING, "The statement it was compared with, when the "
               "other side is a document statement.", nullable=True),
        _field("other_record_ids", _STRING_LIST, "conductivity.record_id values of the other "
                                                 "statement."),
        _field("curated_ids", _STRING_LIST, "Curated rows involved: the one compared first, "
               "then curated rows of other sources that disagree with it."),
        _field("curated_source", _STRING, "The curated row compared: source dataset, id and "
                                          "the primary source it cites.", nullable=True),
        _field("same_citation", _STRING, "How both sides cite the same paper (`doi:…` or "
               "`[179]`): such sides are paired first; it says nothing about agreement (see "
               "`independent`). Null otherwise.", nullable=True),
        _field("document_sigma_S_per_cm", _FLOAT, "The statement's conductivity, S/cm.",
               nullable=True),
        _field("document_temperature_K", _FLOAT, "The statement's temperature, K.",
               nullable=True),
        _field("other_sigma_S_per_cm", _FLOAT, "The other side's conductivity (statement or "
                                               "curated row), S/cm.", nullable=True),
        _field("other_temperature_K", _FLOAT, "The other side's temperature, K.",
               nullable=True),
        _field("factor", _FLOAT, "document_sigma_S_per_cm / other_sigma_S_per_cm.",
               nullable=True),
        _field("temperature_diff_K", _FLOAT, "document_temperature_K - other_temperature_K; "
                                             "null when either is unknown.", nullable=True),
        _field("decision", _STRING, "Curator's decision, null until one is recorded.",
               nullable=True, allowed=DECISIONS),
        _field("decision_note", _STRING, "Curator's note on the decision.", nullable=True),
        _field("decided_by", _STRING, "Curator who decided.", nullable=True),
        _field("decided_at", _STRING, "ISO date of the decision.", nullable=True),
        _field("corrected_sigma_S_per_cm", _FLOAT, "Curator's corrected value (decision "
               "`corrected`), S/cm.", nullable=True),
        _field("corrected_temperature_K", _FLOAT, "Curator's corrected temperature (decision "
               "`corrected`), K.", nullable=True),
        _field("independent", pa.bool_(), "Whether the two sides are independent evidence "
               "(two works, or a work and a curated row that is neither this work's paper, nor "
               "the paper it cites, nor taken from it); null for unmatched rows.",
               nullable=True),
        _field("problem_id", _STRING, "The problem (dataset `problems`) this comparison is "
               "part of, if any.", nullable=True),
    ])

_CURATED_VIEW = _schema(
    "Every conductivity record with what curation made of it: the value to use, the verdict "
    "of its comparisons and the curator's decision.", [
        _field("record_id", _STRING, "conductivity.record_id."),
        _field("statement_id", _STRING, "The statement the record states "
               "(reconciliation.statement_id).", nullable=True),
        _field("work_id", _STRING, "conductivity.work_id.", nullable=True),
        _field("doc_sha256", _STRING, "sha256 of the PDF."),
        _field("doc_name", _STRING, "File name of the PDF."),
        _field("source", _STRING, "`table` or `text`.", allowed=SOURCES),
        _field("page", _INT32, "1-based page of the evidence."),
        _field("material_raw", _STRING, "The material as written."),
        _field("material_formula", _STRING, "Canonical formula, if any.", nullable=True),
        _field("conductivity_kind", _STRING, "total, bulk, grain_boundary, electronic or "
               "unspecified.", allowed=CONDUCTIVITY_KINDS),
        _field("value_raw", _STRING, "The value as written."),
        _field("temperature_raw", _STRING, "The temperature as written.", nullable=True),
        _field("review_status", _STRING, "The most pressing verdict any comparison gave the "
               "record's statement.", allowed=RECONCILIATION_STATUSES),
        _field("decision", _STRING, "Curator's decision on the statement, if any.",
               nullable=True, allowed=DECISIONS),
        _field("usable", pa.bool_(), "False while the record belongs to an open problem, and "
               "when a curator rejected the value; true once its problem is accepted or "
               "corrected."),
        _field("sigma_S_per_cm", _FLOAT, "The value to use, S/cm: the corrected one when a "
               "curator corrected it, else as extracted.", nullable=True),
        _field("temperature_K", _FLOAT, "The temperature to use, K (corrected when given).",
               nullable=True),
        _field("original_sigma_S_per_cm", _FLOAT, "The value as extracted, S/cm.",
               nullable=True),
        _field("original_temperature_K", _FLOAT, "The temperature as extracted, K.",
               nullable=True),
        _field("decision_note", _STRING, "Curator's note.", nullable=True),
        _field("decided_by", _STRING, "Curator who decided.", nullable=True),
        _field("decided_at", _STRING, "ISO date of the decision.", nullable=True),
        _field("problem_id", _STRING, "The problem the record belongs to (dataset "
               "`problems`), if any.", nullable=True),
        _field("problem_status", _STRING, "That problem's status: `open` until decided.",
               nullable=True, allowed=PROBLEM_STATUSES),
    ])

_PROBLEMS = _schema(
    "One row per problem a curator decides: a disagreement inside one work or with the source "
    "it cites (error_candidate), or a value far from the consensus of independent works "
    "(outlier).", [
        _field("problem_id", _STRING, "Stable id of the problem (its kind, material, work and "
               "suspect statements); decisions name it."),
        _field("problem_kind", _STRING, "`error_candidate` (inside one work, or against the "
               "source the work cites) or `outlier` (far from the consensus).",
               allowed=PROBLEM_KINDS),
        _field("verdict", _STRING, "Why it was raised: the comparison's verdict, or `outlier`.",
               allowed=PROBLEM_VERDICTS),
        _field("status", _STRING, "`open` until a curator decides; then the decision.",
               allowed=PROBLEM_STATUSES),
        _field("material_key", _STRING, "Key the materials were matched on "
               "(reconciliation.material_key)."),
        _field("material_raw", _STRING, "The suspect statement's material as written."),
        _field("material_formula", _STRING, "Its canonical formula, if any.", nullable=True),
        _field("work_id", _STRING, "Work of the suspect statement."),
        _field("explanation", _STRING, "What disagrees, as printed, by how much, the "
               "suggested correction and, once decided, the decision."),
        _field("statement_ids", _STRING_LIST, "Every document statement of the problem."),
        _field("suspect_statement_ids", _STRING_LIST, "The statements thought wrong (a "
               "table's before the text's); a correction applies to them."),
        _field("record_ids", _STRING_LIST, "conductivity.record_id of every statement."),
        _field("suspect_record_ids", _STRING_LIST, "conductivity.record_id of the suspect "
               "statements."),
        _field("curated_ids", _STRING_LIST, "Curated rows compared in the problem."),
        _field("reconciliation_ids", _STRING_LIST, "The comparisons the problem gathers."),
        _field("document_sigma_S_per_cm", _FLOAT, "The suspect value, S/cm.", nullable=True),
        _field("document_temperature_K", _FLOAT, "Its temperature, K.", nullable=True),
        _field("suggested_sigma_S_per_cm", _FLOAT, "Suggested corrected value (a unit slip: "
               "the value the other sides agree on), S/cm.", nullable=True),
        _field("suggested_temperature_K", _FLOAT, "Suggested corrected temperature (a "
               "temperature conflict: the one the other sides agree on), K.", nullable=True),
        _field("consensus_id", _STRING, "For an outlier: the consensus row it is far from.",
               nullable=True),
        _field("consensus_median_sigma_S_per_cm", _FLOAT, "For an outlier: the median of the "
               "other independent works, S/cm.", nullable=True),
        _field("consensus_n_works", _INT32, "For an outlier: how many other independent works "
               "the median is over.", nullable=True),
        _field("decades_from_consensus", _FLOAT, "For an outlier: log10 σ minus the median "
               "log10 σ of the other works.", nullable=True),
        _field("decision", _STRING, "Curator's decision, null until one is recorded.",
               nullable=True, allowed=DECISIONS),
        _field("decision_note", _STRING, "Curator's note on the decision.", nullable=True),
        _field("decided_by", _STRING, "Curator who decided.", nullable=True),
        _field("decided_at", _STRING, "ISO date of the decision.", nullable=True),
        _field("corrected_sigma_S_per_cm", _FLOAT, "Curator's corrected value, S/cm.",
               nullable=True),
        _field("corrected_temperature_K", _FLOAT, "Curator's corrected temperature, K.",
               nullable=True),
    ])

_CONSENSUS = _schema(
    "One row per material (key and stated phase/processing) and temperature window: what "
    "independent works say, one value per work.", [
        _field("consensus_id", _STRING, "Stable id: material key, conditions and window."),
        _field("material_key", _STRING, "Key the materials were matched on."),
        _field("material", _STRING, "The material as the corpus most often writes it."),
        _field("conditions", _STRING, "Phase and processing words stated (`glass-ceramic`, "
               "`ball-milled`), comma-separated; empty when none."),
        _field("window_low_K", _FLOAT, "Lower edge of the temperature window, K."),
        _field("window_high_K", _FLOAT, "Upper edge of the temperature window, K."),
        _field("median_log10_sigma", _FLOAT, "Median over works of each work's median "
               "log10(σ / S cm^-1)."),
        _field("median_sigma_S_per_cm", _FLOAT, "10 ** median_log10_sigma, S/cm."),
        _field("mad_log10_sigma", _FLOAT, "Spread: median absolute deviation of the works' "
               "log10 σ from the median."),
        _field("min_log10_sigma", _FLOAT, "Lowest work's log10 σ."),
        _field("max_log10_sigma", _FLOAT, "Highest work's log10 σ."),
        _field("n_works", _INT32, "Independent works (corpus works and curated papers)."),
        _field("n_records", _INT32, "conductivity records in the window."),
        _field("n_curated", _INT32, "Curated rows in the window."),
        _field("work_ids", _STRING_LIST, "The works: `doi:…`, a corpus work id, or "
               "`source:…` for a curated row's primary source without DOI."),
        _field("statement_ids", _STRING_LIST, "Corpus statements in the window."),
        _field("record_ids", _STRING_LIST, "conductivity.record_id of those statements."),
        _field("curated_ids", _STRING_LIST, "Curated rows in the window."),
    ])

#: The published datasets by name.
SCHEMAS: Mapping[str, pa.Schema] = MappingProxyType({
    "documents": _DOCUMENTS,
    "conductivity": _CONDUCTIVITY,
    "tables": _TABLES,
    "reconciliation": _RECONCILIATION,
    "curated": _CURATED_VIEW,
    "problems": _PROBLEMS,
    "consensus": _CONSENSUS,
})

#: Column order of each dataset (the schemas are the source).
RECORD_COLUMNS: tuple[str, ...] = tuple(_CONDUCTIVITY.names)
DOCUMENT_COLUMNS: tuple[str, ...] = tuple(_DOCUMENTS.names)
CELL_COLUMNS: tuple[str, ...] = tuple(_TABLES.names)
RECONCILIATION_COLUMNS: tuple[str, ...] = tuple(_RECONCILIATION.names)
CURATED_VIEW_COLUMNS: tuple[str, ...] = tuple(_CURATED_VIEW.names)
PROBLEM_COLUMNS: tuple[str, ...] = tuple(_PROBLEMS.names)
CONSENSUS_COLUMNS: tuple[str, ...] = tuple(_CONSENSUS.names)


def dataset_schema(name: str) -> pa.Schema:
    """The schema of dataset ``name``; unknown names fail loudly rather than publish untyped."""
    try:
        return SCHEMAS[name]
    except KeyError:
        raise DatasetError(f"unknown dataset {name!r}; known: {', '.join(SCHEMAS)}") from None


def rows_to_frame(name: str, rows: list[dict[str, object]]) -> pd.DataFrame:
    """Rows as a frame with dataset ``name``'s columns and the pandas dtypes its schema maps
    to (strings ``string``, floats ``float64``, nullable ints ``Int32``, lists as lists)."""
    schema = dataset_schema(name)
    out = pd.DataFrame(rows, columns=schema.names)
    for f in schema:
        if pa.types.is_string(f.type):
            out[f.name] = out[f.name].astype("string")
        elif pa.types.is_floating(f.type):
            out[f.name] = out[f.name].astype("float64")
        elif pa.types.is_integer(f.type):
            out[f.name] = out[f.name].astype("Int32" if f.nullable else "int32")
        elif pa.types.is_boolean(f.type):
            out[f.name] = out[f.name].astype("boolean" if f.nullable else "bool")
    return out


def frame_to_table(name: str, df: pd.DataFrame) -> pa.Table:
    """Cast ``df`` to dataset ``name``'s schema, refusing anything the schema does not promise.

    Missing or extra columns, values that do not fit the column type, nulls in required columns
    and values outside a closed vocabulary all raise :class:`DatasetError`, so a bad frame never
    becomes a published version. Column order follows the schema, not the frame.
    """
    schema = dataset_schema(name)
    columns = [str(c) for c in df.columns]
    missing = [c for c in schema.names if c not in columns]
    extra = [c for c in columns if c not in schema.names]
    duplicated = sorted({c for c in columns if columns.count(c) > 1})
    if missing or extra or duplicated:
        raise DatasetError(f"{name}: frame does not match the schema: missing {missing}, "
                           f"extra {extra}, duplicated {duplicated}")
    arrays = [_series_to_array(name, df[field.name], field) for field in schema]
    return pa.Table.from_arrays(arrays, schema=schema)


def _series_to_array(dataset: str, series: pd.Series,
                     field: pa.Field) -> pa.Array | pa.ChunkedArray:
    """One column, cast safely (no truncation, no overflow, no string-to-number parsing)."""
    where = f"{dataset}.{field.name}"
    if isinstance(series.dtype, pd.StringDtype) and not pa.types.is_string(field.type):
        raise DatasetError(f"{where}: expected {field.type}, got strings")
    try:
        array = pa.array(series, type=field.type, from_pandas=True, safe=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError) as exc:
        raise DatasetError(f"{where}: cannot cast to {field.type}: {exc}") from exc
    if not field.nullable and array.null_count:
        raise DatasetError(f"{where}: {array.null_count} null value(s) in a required column")
    allowed = (field.metadata or {}).get(b"allowed")
    if allowed is not None:
        bad = set(pc.unique(array).drop_null().to_pylist()) - set(allowed.decode().split(","))
        if bad:
            raise DatasetError(f"{where}: values outside {allowed.decode()}: {sorted(bad)[:10]}")
    return array
