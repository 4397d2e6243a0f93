"""One dynamic partition per document content; its key is readable and derived from the bytes.

``<stem>-<sha8>``: the whole file stem (lower-case, each run of anything but ``a-z 0-9 . _``
turned into one ``-``, cut at :data:`DEFAULT_MAX_STEM_CHARS`) and the first 8 hex digits of
the sha256 of the bytes. Unchanged bytes keep their key, so their outputs are reused; changed
bytes get a new key, and the old key is deleted with the old file. Two files with the same bytes
share one partition (the registered one, else the first name in sorted order; the others are
aliases, see ``sync.py``).

A partition is *current* when every per-document asset's latest materialisation carries the
current code version and the data version of its ``document`` (the content, see
:func:`document_data_version`); current partitions are never computed again, however they are
launched (``assets.py``: the asset bodies check it first).
"""

import re
from pathlib import Path

import dagster as dg

PARTITIONS_NAME = "documents"
#: Longest stem kept in a key (well under what the UI shows on one line); the hash keeps
#: truncated keys distinct.
DEFAULT_MAX_STEM_CHARS = 120
SHA_CHARS = 8
DATA_VERSION_SHA_CHARS = 16

_UNSAFE = re.compile(r"[^a-z0-9._]+")

document_partitions = dg.DynamicPartitionsDefinition(name=PARTITIONS_NAME)

#: The assets materialised per document, in order: ``document`` first, whatever happens.
PER_DOCUMENT = ("document", "layout", "document_facts", "found_tables", "table_cells",
                "table_records", "table_skips", "text_records")
CODE_VERSION_TAG = "dagster/code_version"
DATA_VERSION_TAG = "dagster/data_version"


def stem_to_slug(stem: str) -> str:
    """The readable part of a key: ``Li7P3S11 Review (2024)`` → ``li7p3s11-review-2024``."""
    slug = _UNSAFE.sub("-", stem.lower()).strip("-.")[:DEFAULT_MAX_STEM_CHARS].rstrip("-.")
    return slug or "document"


def document_key(path: Path, sha256: str) -> str:
    """Partition key of the PDF at ``path`` whose bytes hash to ``sha256``."""
    return f"{stem_to_slug(path.stem)}-{sha256[:SHA_CHARS]}"


def key_to_slug(key: str) -> str:
    """The stem part of a key, to find its file without hashing every PDF."""
    return key[: -(SHA_CHARS + 1)]


def document_data_version(sha256: str, code_version: str) -> dg.DataVersion:
    """The data version of every per-document output: the PDF's content read by this code."""
    return dg.DataVersion(f"{sha256[:DATA_VERSION_SHA_CHARS]}@{code_version}")


def latest_materialization(instance: dg.DagsterInstance, asset: str,
                           key: str) -> dg.AssetMaterialization | None:
    """Partition ``key``'s latest materialisation of ``asset``, if any."""
    records = instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=dg.AssetKey(asset), asset_partitions=[key]), limit=1)
    return records.records[0].asset_materialization if records.records else None


def is_current(instance: dg.DagsterInstance, key: str, code_version: str) -> bool:
    """Whether partition ``key`` was fully processed by ``code_version``: every per-document
    asset's latest materialisation has that code version and ``document``'s data version (a PDF
    that could not be read counts as processed: its failed ``document`` row is its output)."""
    document = latest_materialization(instance, "document", key)
    if document is None or document.tags.get(CODE_VERSION_TAG) != code_version:
        return False
    status = document.metadata.get("status")
    if status is not None and status.value == "failed":
        return True
    version = document.tags.get(DATA_VERSION_TAG)
    for asset in PER_DOCUMENT[1:]:
        latest = latest_materialization(instance, asset, key)
        if latest is None or latest.tags.get(CODE_VERSION_TAG) != code_version or \
                latest.tags.get(DATA_VERSION_TAG) != version:
            return False
    return True


def keys_to_run(instance: dg.DagsterInstance, keys: list[str], code_version: str) -> list[str]:
    """The partitions among ``keys`` that need a run: new, changed code, or left unfinished."""
    return [key for key in keys if not is_current(instance, key, code_version)]
