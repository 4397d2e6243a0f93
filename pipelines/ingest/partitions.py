"""One dynamic partition per document; its key is readable and derived from the file's content.

``<stem>-<sha8>``: the file stem (lower-case, anything but ``a-z 0-9 . _ -`` turned into ``-``)
and the first 8 hex digits of the sha256 of the bytes. Unchanged bytes keep their key, so their
outputs are reused; changed bytes get a new key, and the old key is deleted with the old file.
"""

import re
from pathlib import Path

import dagster as dg

PARTITIONS_NAME = "documents"
#: Longest stem kept in a key; the hash keeps truncated keys distinct.
DEFAULT_MAX_STEM_CHARS = 48
SHA_CHARS = 8

_UNSAFE = re.compile(r"[^a-z0-9._-]+")

document_partitions = dg.DynamicPartitionsDefinition(name=PARTITIONS_NAME)


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


#: The assets materialised per document, in order: ``document`` first, whatever happens.
PER_DOCUMENT = ("document", "layout", "found_tables", "table_cells", "table_records",
                "text_records")
CODE_VERSION_TAG = "dagster/code_version"


def _latest(instance: dg.DagsterInstance, asset: str, key: str) -> dg.AssetMaterialization | None:
    records = instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=dg.AssetKey(asset), asset_partitions=[key]), limit=1)
    return records.records[0].asset_materialization if records.records else None


def is_current(instance: dg.DagsterInstance, key: str, code_version: str) -> bool:
    """Whether partition ``key`` was fully processed by ``code_version`` (a PDF that could not
    be read counts as processed: its failed ``document`` row is its whole output)."""
    for asset in PER_DOCUMENT:
        latest = _latest(instance, asset, key)
        if latest is None or latest.tags.get(CODE_VERSION_TAG) != code_version:
            return False
        status = latest.metadata.get("status")
        if asset == "document" and status is not None and status.value == "failed":
            return True
    return True


def keys_to_run(instance: dg.DagsterInstance, keys: list[str], code_version: str) -> list[str]:
    """The partitions among ``keys`` that need a run: new, changed code, or left unfinished."""
    return [key for key in keys if not is_current(instance, key, code_version)]
