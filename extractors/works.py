"""Works, not files: the PDFs of one paper (a publisher's file, a preprint, a replica) as one.

Two PDFs belong to one work when they print the same DOI; else when their titles are the same
once case, spacing and punctuation are set aside; else when their body text is the same by
that measure. Values stated in both are then one statement with two pieces of evidence.
"""

from __future__ import annotations

import hashlib
import re

import pandas as pd

from extractors.curated import normalise_doi
from extractors.document import Document

#: A title shorter than this (letters and digits) is too generic to identify a work.
DEFAULT_MIN_TITLE_CHARS = 20
_FINGERPRINT_CHARS = 16


def _fingerprint(text: str) -> str:
    """Letters and digits only, case-folded, hashed: layout and hyphenation do not count."""
    kept = re.sub(r"[\W_]+", "", text.casefold())
    return hashlib.sha256(kept.encode("utf-8")).hexdigest()[:_FINGERPRINT_CHARS]


def document_to_work_id(doc: Document, *, min_title_chars: int = DEFAULT_MIN_TITLE_CHARS,
                        ) -> str:
    """``doi:<doi>``, else ``title:<hash>``, else ``text:<hash>`` of the body text."""
    if doc.doi:
        return f"doi:{normalise_doi(doc.doi)}"
    title = re.sub(r"[\W_]+", "", (doc.title or "").casefold())
    if len(title) >= min_title_chars:
        return f"title:{_fingerprint(title)}"
    return f"text:{_fingerprint(doc.text)}"


def with_work_id(records: pd.DataFrame, work_id: str) -> pd.DataFrame:
    """The records of one document, each tagged with the document's work."""
    out = records.copy()
    out["work_id"] = pd.array([work_id] * len(out), dtype="string")
    return out
