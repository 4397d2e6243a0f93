"""What the UI shows: previews and examples quote PDFs and curators, so they are escaped."""

import re

import pandas as pd

from pipelines.metadata import escape_markdown, examples, frame_to_markdown

HOSTILE = "![x](https://evil.example/t.png) <script>alert(1)</script> [link](javascript:x)"


def _unescaped(markdown: str) -> list[str]:
    """Markdown image/link openers or HTML tags not preceded by a backslash."""
    return re.findall(r"(?<!\\)(?:!\\?\[|(?<!\\)\[[^\]]*(?<!\\)\]\(|<[a-z/])", markdown)


def test_metadata_escape_markdown_leaves_no_active_syntax() -> None:
    escaped = escape_markdown(HOSTILE)
    assert not _unescaped(escaped)
    assert escaped.replace("\\", "") == HOSTILE


def test_metadata_preview_and_examples_escape_pdf_text() -> None:
    preview = frame_to_markdown(pd.DataFrame({"evidence": [HOSTILE], "n": [1]}))
    assert "evil" in preview and not _unescaped(preview.replace("|", " "))
    listed = examples([HOSTILE]).value
    assert "evil" in listed and not _unescaped(listed)
