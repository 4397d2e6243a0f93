"""A work's reference list, and the citation of each stated value resolved to its entry.

A review quotes values from other papers: ``0.79 S cm^-1 at 550 K [179]``. The entry behind
``[179]`` (its DOI when printed) is the strongest key there is for matching the value with a
curated row that cites the same paper. Numbered lists (``[12]``, ``12.``) and author–year
lists (``Seino, Y.; … 2014``) are read; superscript citations reach the records as plain
numbers in the ``reference`` column (tables put them in a column of their own).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from extractors.curated import DOI_PATTERN, bracketed_citations, normalise_doi
from extractors.document import Document

#: Headings that open a reference list (also found at the end of a paragraph).
_LIST_START = re.compile(
    r"(?:^|\s)(?:references(?: and notes)?|bibliography|literature cited|notes and references)"
    r"\s*$", re.IGNORECASE)
#: ``[12] A. Author …``, ``12. Author, A. …``, ``(12) Author …`` at the start of a block.
_NUMBERED_ENTRY = re.compile(r"^\s*(?:\[(\d{1,4})\]|\((\d{1,4})\)|(\d{1,4})\.)\s+(?=\S)")
#: ``Seino, Y.; …`` or ``Y. Seino, …``: the first author's surname.
_FIRST_SURNAME = re.compile(r"^\s*(?:[A-Z]\.\s*(?:[A-Z]\.\s*)*)?([A-Z][\w'’-]+)")
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
#: ``(Seino et al., 2014)``, ``Seino et al. (2014)``, ``(Seino and Ota 2014)``.
_AUTHOR_YEAR_CITATION = re.compile(
    r"([A-Z][\w'’-]+)(?:\s+et\s+al\.?|\s+(?:and|&)\s+[A-Z][\w'’-]+)?,?\s*\(?\s*(1[89]\d\d|20\d\d)")
_TAIL_KINDS = frozenset({"paragraph", "heading", "caption"})


@dataclass(frozen=True)
class Reference:
    """One entry of a reference list: its key (``179`` or ``seino-2014``), text and DOI."""

    key: str
    text: str
    doi: str | None = None


def _entry_key(text: str, number: str | None) -> str | None:
    if number:
        return number
    surname, year = _FIRST_SURNAME.match(text), _YEAR.search(text)
    return f"{surname.group(1).casefold()}-{year.group(1)}" if surname and year else None


def _entries(texts: list[str]) -> list[tuple[str | None, str]]:
    """Blocks after the list heading, joined into (number, text) entries."""
    entries: list[tuple[str | None, str]] = []
    for text in texts:
        m = _NUMBERED_ENTRY.match(text)
        if m:
            entries.append((next(g for g in m.groups() if g), text[m.end():]))
        elif entries and entries[-1][0] is not None:
            number, before = entries[-1]
            entries[-1] = (number, f"{before} {text}")
        else:
            entries.append((None, text))
    return entries


def document_to_references(doc: Document) -> dict[str, Reference]:
    """The reference list of ``doc`` by key; empty when the document prints none."""
    blocks = [b for b in doc.blocks if b.kind in _TAIL_KINDS]
    start = next((i for i in range(len(blocks) - 1, -1, -1)
                  if _LIST_START.search(blocks[i].text.strip())), None)
    if start is None:
        return {}
    refs: dict[str, Reference] = {}
    for number, text in _entries([b.text for b in blocks[start + 1:]]):
        key = _entry_key(text, number)
        if key is None or key in refs:
            continue
        doi = DOI_PATTERN.search(text.replace(" ", ""))
        refs[key] = Reference(key, text.strip(), normalise_doi(doi.group()) if doi else None)
    return refs


def citation_keys(reference: str | None, evidence: str | None) -> tuple[str, ...]:
    """The citations of one value: its ``reference`` cell, else those of its sentence."""
    if reference and reference.strip():
        text = reference.strip()
        numbers = bracketed_citations(text if "[" in text else f"[{text}]")
        if numbers:
            return numbers
        bare = tuple(re.findall(r"\d{1,4}", text))
        if bare:
            return bare
    keys = bracketed_citations(evidence or "")
    if keys:
        return keys
    return tuple(f"{m.group(1).casefold()}-{m.group(2)}"
                 for m in _AUTHOR_YEAR_CITATION.finditer(evidence or ""))


def cited_dois(keys: tuple[str, ...], references: Mapping[str, Reference]) -> str | None:
    """``|``-joined DOIs of the cited entries that print one, else None."""
    dois = [references[k].doi for k in keys if k in references and references[k].doi]
    return "|".join(dict.fromkeys(d for d in dois if d)) or None


def resolve_citations(records: pd.DataFrame, references: Mapping[str, Reference]) -> pd.DataFrame:
    """``reference`` filled from the sentence where a record has none, and ``cited_doi``.

    A text record's citation is the bracketed reference of its sentence (``… 550 K [179].``);
    its DOI comes from the work's own list, so a review value can be matched with a curated
    value from the paper it quotes.
    """
    out = records.copy()
    keys = [citation_keys(ref if isinstance(ref, str) else None,
                          ev if isinstance(ev, str) else None)
            for ref, ev in zip(out["reference"], out["evidence"], strict=True)]
    filled = [ref if isinstance(ref, str) and ref.strip() else
              (", ".join(f"[{k}]" if k.isdigit() else k for k in ks) or None)
              for ref, ks in zip(out["reference"], keys, strict=True)]
    out["reference"] = pd.array(filled, dtype="string")
    out["cited_doi"] = pd.array([cited_dois(ks, references) for ks in keys], dtype="string")
    return out
