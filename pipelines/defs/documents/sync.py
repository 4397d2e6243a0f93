"""The one partition sync: the PDFs of the folder against the partitions of the instance.

The sensor turns a :class:`PartitionSync` into ``dynamic_partitions_requests`` (the daemon
applies them); ``ionlit run`` applies it to the instance itself. Both compute it here.

One partition per content: files with the same bytes share one partition, the one already
registered if any (a copy never displaces the original), else the first name in sorted order;
the others are *aliases*, never read, and the ``documents`` asset gives each of them a row
pointing to that file (``extraction/assets.py``).
"""

import hashlib
from collections.abc import Collection, Mapping
from dataclasses import dataclass

import dagster as dg

from pipelines.defs.documents.partitions import document_partitions
from pipelines.defs.documents.resources import PdfStamp


@dataclass(frozen=True)
class PartitionSync:
    """What the folder holds against what the instance has registered."""

    keys: tuple[str, ...]
    added: tuple[str, ...]
    removed: tuple[str, ...]
    #: Alias file name → the file name whose partition holds its content.
    aliases: Mapping[str, str]
    #: Hash of every (name, sha256) in the folder: changes when any file comes, goes or changes.
    folder_version: str

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed)

    def requests(self) -> list[dg.AddDynamicPartitionsRequest | dg.DeleteDynamicPartitionsRequest]:
        """The dynamic partition requests a sensor returns."""
        out: list[dg.AddDynamicPartitionsRequest | dg.DeleteDynamicPartitionsRequest] = []
        if self.added:
            out.append(document_partitions.build_add_request(list(self.added)))
        if self.removed:
            out.append(document_partitions.build_delete_request(list(self.removed)))
        return out

    def apply(self, instance: dg.DagsterInstance) -> None:
        """Register and delete the partitions directly (no daemon: ``ionlit run``)."""
        if self.added:
            instance.add_dynamic_partitions(document_partitions.name, list(self.added))
        for key in self.removed:
            instance.delete_dynamic_partition(document_partitions.name, key)


def stamps_to_aliases(stamps: Mapping[str, PdfStamp],
                      registered: Collection[str] = ()) -> dict[str, str]:
    """Alias name → the name whose partition holds the same bytes: a file whose key is in
    ``registered`` first, then the first name in sorted order."""
    first: dict[str, str] = {}
    aliases = {}
    for name in sorted(stamps, key=lambda n: (stamps[n].key not in registered, n)):
        sha256 = stamps[name].sha256
        if sha256 in first:
            aliases[name] = first[sha256]
        else:
            first[sha256] = name
    return aliases


def stamps_to_sync(stamps: Mapping[str, PdfStamp], registered: list[str]) -> PartitionSync:
    """The partitions the folder's ``stamps`` need, against the ``registered`` ones."""
    aliases = stamps_to_aliases(stamps, set(registered))
    keys = sorted({stamp.key for name, stamp in stamps.items() if name not in aliases})
    known = set(registered)
    digest = hashlib.sha256()
    for name in sorted(stamps):
        digest.update(f"{name}\0{stamps[name].sha256}\n".encode())
    return PartitionSync(keys=tuple(keys), added=tuple(k for k in keys if k not in known),
                         removed=tuple(sorted(known - set(keys))), aliases=aliases,
                         folder_version=digest.hexdigest()[:16])


def sync_partitions(instance: dg.DagsterInstance, stamps: Mapping[str, PdfStamp]) -> PartitionSync:
    """:func:`stamps_to_sync` against ``instance``'s registered partitions."""
    return stamps_to_sync(stamps, instance.get_dynamic_partitions(document_partitions.name))
