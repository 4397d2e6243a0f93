"""Inline conductivity mentions in running text (placeholder interface)."""

from __future__ import annotations

from typing import Any

from extractors.document import Document
from extractors.records import ConductivityRecord


def load_nlp() -> Any:
    """The spaCy pipeline used for mentions."""
    return None


def document_to_records(doc: Document, nlp: Any) -> list[ConductivityRecord]:
    """Conductivity records stated in the running text and captions."""
    return []
