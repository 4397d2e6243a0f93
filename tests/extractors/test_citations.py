"""Tests for extractors.citations and extractors.works: reference lists, citations of values,
and the work a PDF belongs to."""

from __future__ import annotations

import pandas as pd
import pytest

from extractors.citations import citation_keys, document_to_references, resolve_citations
from extractors.document import Block, Document
from extractors.works import document_to_work_id
from tests.conftest import REPLICAS


def _block(kind: str, text: str, page: int = 5) -> Block:
    return Block(kind, text, (page,) * len(text), ((0.0, 0.0, 1.0, 1.0),) * len(text), ())


def _doc(*blocks: Block, doi: str | None = None, title: str | None = None) -> Document:
    return Document(sha256="f" * 64, name="x.pdf", pages=(), blocks=tuple(blocks), doi=doi,
                    title=title)


NUMBERED = _doc(
    _block("paragraph", "The value of 0.79 S cm^-1 at 550 K was reported [2]."),
    _block("heading", "References"),
    _block("paragraph", "[1] H.Y.P. Hong, Mater. Res. Bull. 11 (1976) 173–182."),
    _block("paragraph", "[2] W.S. Tang, A. Unemoto, Energy Environ. Sci. 8 (2015) 3637,"),
    _block("paragraph", "https://doi.org/10.1039/C5EE02941D."),
    _block("paragraph", "3. Seino, Y.; Ota, T. Energy Environ. Sci. 2014, 7, 627. doi:10.1039/"
                        "c3ee41655k"),
)


def test_citations_numbered_list_with_dois_over_blocks() -> None:
    refs = document_to_references(NUMBERED)
    assert set(refs) == {"1", "2", "3"}
    assert refs["1"].doi is None
    assert refs["2"].doi == "10.1039/c5ee02941d"
    assert refs["3"].doi == "10.1039/c3ee41655k"


def test_citations_author_year_list() -> None:
    doc = _doc(_block("heading", "Literature cited"),
               _block("paragraph", "Seino, Y.; Ota, T.; Takada, K. A sulphide lithium super ion "
                                   "conductor. Energy Environ. Sci. 2014, 7, 627."))
    assert list(document_to_references(doc)) == ["seino-2014"]


def test_citations_no_list_no_references() -> None:
    assert document_to_references(_doc(_block("paragraph", "No list here [3]."))) == {}


@pytest.mark.parametrize(("reference", "evidence", "keys"), [
    ("[179]", None, ("179",)), ("15", None, ("15",)), ("[16,232]", None, ("16",)),
    (None, "reaches 0.79 S cm^-1 at 550 K [179].", ("179",)),
    (None, "as shown by Seino et al. (2014), 17 mS cm^-1", ("seino-2014",)),
    (None, "no citation here", ()),
])
def test_citations_keys_of_a_value(reference: str | None, evidence: str | None,
                                   keys: tuple[str, ...]) -> None:
    assert citation_keys(reference, evidence)[:len(keys)] == keys


def test_citations_resolve_fills_reference_and_doi() -> None:
    records = pd.DataFrame({"reference": pd.array([None, "[1]"], dtype="string"),
                            "evidence": ["0.79 S cm^-1 at 550 K [2].", "125 (300 °C)"]})
    out = resolve_citations(records, document_to_references(NUMBERED))
    assert list(out["reference"]) == ["[2]", "[1]"]
    assert out["cited_doi"].iloc[0] == "10.1039/c5ee02941d"
    assert pd.isna(out["cited_doi"].iloc[1])


def test_works_doi_then_title_then_text() -> None:
    assert document_to_work_id(_doc(doi="10.3390/Inorganics12020054.")) == (
        "doi:10.3390/inorganics12020054")
    title = "Mechanochemical Synthesis of Solid-State Electrolytes"
    by_title = document_to_work_id(_doc(_block("paragraph", "a"), title=title))
    assert by_title.startswith("title:")
    assert by_title == document_to_work_id(_doc(_block("paragraph", "b"), title=title.upper()))
    text = document_to_work_id(_doc(_block("paragraph", "Some body-\ntext."), title="Short"))
    assert text.startswith("text:")
    assert text == document_to_work_id(_doc(_block("paragraph", "some bodytext")))


def test_works_the_two_replicas_are_one_work(replica_docs: dict[str, Document]) -> None:
    ids = {document_to_work_id(replica_docs[p.stem]) for p in REPLICAS}
    assert ids == {"doi:10.3390/inorganics12020054"}
