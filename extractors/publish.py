"""Immutable, versioned Parquet datasets (CONTRACT.md, "Published datasets").

Layout under a root that is a local path or an fsspec URL::

    <root>/<dataset>/version=<NNNN>/part-<iiiii>.parquet   data, ``rows_per_part`` rows per file
    <root>/<dataset>/version=<NNNN>/_manifest.json         written last: its presence = complete
    <root>/<dataset>/_LATEST                               folder name of the newest complete one

Commit protocol. A version is built whole in its own folder under the staging area (outside
``<root>``, by default ``<root-parent>/.staging``), manifest last, and only then moved into
``<root>``. On a local file system the move is one ``os.rename`` of the folder, so a
``version=`` folder is either absent or complete, and ``_LATEST`` is replaced with
``os.replace`` (temp file in staging, then rename). Object stores have no atomic rename: the
files are moved one by one, manifest last, so the folder is complete exactly when its manifest
exists, and the single-object write of ``_LATEST`` is the commit point. Readers that follow
``_LATEST`` or require ``_manifest.json`` never see a partial version.

Crash leftovers. A killed publisher leaves only a staging entry, whose name records when, on
which host and by which process it was made. The next publish removes entries whose process is
known dead (same host) or that are older than ``staging_grace_seconds``. (On object stores a
crash during the file-by-file move can also leave a ``version=`` folder without a manifest:
readers skip it and its number is never reused.) We chose this over a
lock because a lock held by a killed process must itself be expired by age, and object stores
offer no portable lock; concurrent publishers never share a staging entry, and version numbers
are claimed by the rename itself (a rename onto a complete folder fails and the loser retries
with the next number).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import io
import json
import os
import posixpath
import re
import socket
import time
import uuid
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from fsspec.core import url_to_fs
from fsspec.implementations.local import LocalFileSystem

from extractors.errors import DatasetError
from extractors.schemas import SCHEMA_VERSION, frame_to_table

DEFAULT_ROOT = "outputs/datasets"
#: Rows per Parquet file: big enough for efficient scans, small enough to write from memory.
DEFAULT_ROWS_PER_PART = 500_000
#: Keep every version unless told otherwise: deleting published data is an explicit choice.
DEFAULT_RETENTION: int | None = None
#: Staging entries older than this are a crashed publisher's, even from another host.
DEFAULT_STAGING_GRACE_SECONDS = 3600.0
#: How often a publisher retries when a concurrent one claimed the version number first.
DEFAULT_CLAIM_ATTEMPTS = 20
#: How often a reader re-follows ``_LATEST`` when the version vanished under it (retention).
DEFAULT_READ_ATTEMPTS = 3

LATEST_FILE = "_LATEST"
#: At the dataset root: the versions of one run that belong together (written last).
CORPUS_FILE = "_CORPUS.json"
MANIFEST_FILE = "_manifest.json"
VERSION_PREFIX = "version="

_VERSION_RE = re.compile(r"^version=(\d+)$")
_STAGING_RE = re.compile(
    r"^(?P<label>[^_][^/]*?)__(?P<stamp>\d{8}T\d{12}Z)__(?P<host>[A-Za-z0-9.-]+)"
    r"__(?P<pid>\d+)__(?P<token>[0-9a-f]{12})$"
)
_STAMP_FORMAT = "%Y%m%dT%H%M%S%fZ"
_SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
_PANDAS_TYPES: dict[pa.DataType, Any] = {
    pa.int32(): pd.Int32Dtype(), pa.int64(): pd.Int64Dtype(),
    pa.bool_(): pd.BooleanDtype(), pa.string(): pd.StringDtype(),
}


@dataclass(frozen=True)
class PublishSettings:
    """Where and how datasets are published.

    Attributes:
        root: Local path or fsspec URL (``file://``, ``memory://``, ``s3://`` with s3fs).
        staging: Where versions are built; must be on the same file system as ``root`` and
            outside it. ``None`` means ``<root-parent>/.staging``.
        retention: Keep at most this many complete versions per dataset (``None``: all).
        rows_per_part: Maximum rows per Parquet file.
        staging_grace_seconds: Age after which any staging entry counts as abandoned.
    """

    root: str = DEFAULT_ROOT
    staging: str | None = None
    retention: int | None = DEFAULT_RETENTION
    rows_per_part: int = DEFAULT_ROWS_PER_PART
    staging_grace_seconds: float = DEFAULT_STAGING_GRACE_SECONDS

    def __post_init__(self) -> None:
        if not self.root:
            raise ValueError("root must be a path or URL")
        if self.retention is not None and self.retention < 1:
            raise ValueError(f"retention must be None or >= 1, got {self.retention}")
        if self.rows_per_part < 1:
            raise ValueError(f"rows_per_part must be >= 1, got {self.rows_per_part}")
        if self.staging_grace_seconds < 0:
            raise ValueError(f"staging_grace_seconds must be >= 0, "
                             f"got {self.staging_grace_seconds}")


DEFAULT_SETTINGS = PublishSettings()


@dataclass(frozen=True)
class ManifestFile:
    """One data file of a version, with what is needed to verify it."""

    path: str
    sha256: str
    bytes: int
    rows: int


@dataclass(frozen=True)
class Manifest:
    """The ``_manifest.json`` of a version: provenance plus the list of its files."""

    dataset: str
    version: str
    created_at: str
    schema_version: str
    row_count: int
    files: tuple[ManifestFile, ...]
    source_documents: tuple[str, ...]
    code_version: str
    parent_version: str | None
    content_hash: str

    def to_json(self) -> str:
        """Indented JSON, meant to be read by people as well as by :meth:`from_json`."""
        return json.dumps(asdict(self), indent=2) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        """Parse a manifest; unknown keys fail loudly rather than being dropped."""
        data = json.loads(text)
        data["files"] = tuple(ManifestFile(**f) for f in data["files"])
        data["source_documents"] = tuple(data["source_documents"])
        return cls(**data)


@dataclass(frozen=True)
class PublishResult:
    """What a publish did; ``created`` is False when the content equalled the latest version."""

    dataset: str
    version: str
    path: str
    created: bool
    row_count: int
    parent_version: str | None
    pruned: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Store:
    """Resolved file system and paths of a :class:`PublishSettings`."""

    fs: Any
    root: str
    staging: str

    @property
    def local(self) -> bool:
        return isinstance(self.fs, LocalFileSystem)

    def dataset_dir(self, name: str) -> str:
        return f"{self.root}/{name}"

    def version_dir(self, name: str, version: str) -> str:
        return f"{self.root}/{name}/{version}"

    def url(self, path: str) -> str:
        return path if self.local else str(self.fs.unstrip_protocol(path))


def _settings_to_store(settings: PublishSettings) -> _Store:
    """Resolve root and staging on one file system; staging inside root would be published."""
    fs, root = url_to_fs(settings.root)
    root = root.rstrip("/") or "/"
    if settings.staging is None:
        if not posixpath.dirname(root):
            raise ValueError(f"root {settings.root!r} has no parent folder for the default "
                             f"staging; set staging")
        staging = posixpath.join(posixpath.dirname(root), ".staging")
    else:
        staging_fs, staging = url_to_fs(settings.staging)
        if type(staging_fs) is not type(fs):
            raise ValueError(f"staging {settings.staging!r} must be on the file system of "
                             f"root {settings.root!r}")
        staging = staging.rstrip("/")
    if staging == root or staging.startswith(root.rstrip("/") + "/"):
        raise ValueError(f"staging {staging!r} must be outside root {root!r}")
    return _Store(fs=fs, root=root, staging=staging)


def version_name(number: int) -> str:
    """Folder name of version ``number`` (``version=0007``)."""
    return f"{VERSION_PREFIX}{number:04d}"


def table_content_hash(table: pa.Table) -> str:
    """Hash of the table's values and schema, independent of chunking and of bytes under nulls.

    Two frames with equal values give equal hashes even when one was built by the extractors
    and the other read back from Parquet, which is what lets an unchanged re-run publish nothing.
    """
    digest = hashlib.sha256(table.schema.serialize().to_pybytes())
    for column in table.itercolumns():
        array = column.combine_chunks()
        digest.update(pc.indices_nonzero(array.is_null()).to_numpy().tobytes())
        digest.update(_array_to_ipc(array.drop_null()))
    return f"sha256:{digest.hexdigest()}"


def _array_to_ipc(array: pa.Array) -> bytes:
    sink = pa.BufferOutputStream()
    batch = pa.record_batch([array], names=["v"])
    with pa.ipc.new_stream(sink, batch.schema) as writer:
        writer.write_batch(batch)
    return bytes(sink.getvalue().to_pybytes())


def publish_dataset(name: str, df: pd.DataFrame, *, settings: PublishSettings = DEFAULT_SETTINGS,
                    source_documents: list[str], code_version: str) -> PublishResult:
    """Publish ``df`` as the next immutable version of dataset ``name``.

    Args:
        name: A dataset of :data:`extractors.schemas.SCHEMAS`.
        df: The rows; cast and checked by :func:`extractors.schemas.frame_to_table`.
        settings: Where to publish and how many versions to keep.
        source_documents: sha256 of every PDF the rows were derived from (provenance).
        code_version: Version of the code that produced the rows.

    Returns:
        The new version, or the latest one (``created=False``) when the content is unchanged.

    Raises:
        DatasetError: The frame does not fit the schema or the version cannot be written.
    """
    table = frame_to_table(name, df)
    sources = _normalise_sources(source_documents)
    content_hash = table_content_hash(table)
    store = _settings_to_store(settings)
    _clean_staging(store, settings.staging_grace_seconds)
    unchanged = _unchanged_result(store, name, content_hash)
    if unchanged is not None:
        return unchanged
    staged = _new_staging_path(store, name)
    try:
        files = _write_parts(store, staged, table, settings.rows_per_part)
        draft = Manifest(
            dataset=name, version="", created_at=datetime.now(UTC).isoformat(),
            schema_version=SCHEMA_VERSION, row_count=table.num_rows, files=files,
            source_documents=sources, code_version=code_version, parent_version=None,
            content_hash=content_hash)
        result = _commit(store, staged, draft)
    finally:
        if store.fs.exists(staged):
            store.fs.rm(staged, recursive=True)
    if not result.created:
        return result
    _point_latest(store, name)
    return replace(result, pruned=_prune(store, name, settings.retention))


def _commit(store: _Store, staged: str, draft: Manifest) -> PublishResult:
    """Number the staged version, write its manifest last and move it into place.

    A concurrent publisher may take the number first, or publish the same content first; both
    are re-checked on every attempt, so the manifest's parent is the version really preceding.
    """
    name = draft.dataset
    for _ in range(DEFAULT_CLAIM_ATTEMPTS):
        unchanged = _unchanged_result(store, name, draft.content_hash)
        if unchanged is not None:
            return unchanged
        manifest = replace(draft, version=version_name(_next_number(store, name)),
                           parent_version=_newest_complete(store, name))
        store.fs.pipe_file(f"{staged}/{MANIFEST_FILE}", manifest.to_json().encode())
        final = store.version_dir(name, manifest.version)
        if _claim(store, staged, final):
            return PublishResult(dataset=name, version=manifest.version, path=store.url(final),
                                 created=True, row_count=manifest.row_count,
                                 parent_version=manifest.parent_version)
    raise DatasetError(f"{name}: no free version number after {DEFAULT_CLAIM_ATTEMPTS} attempts")


def latest_version(name: str, settings: PublishSettings = DEFAULT_SETTINGS) -> str | None:
    """The version ``_LATEST`` names, or None before the first publish."""
    store = _settings_to_store(settings)
    return _read_latest(store, name)


def list_versions(name: str, settings: PublishSettings = DEFAULT_SETTINGS) -> list[str]:
    """Complete versions of ``name``, oldest first (folders without a manifest are skipped)."""
    return _complete_versions(_settings_to_store(settings), name)


def read_manifest(name: str, settings: PublishSettings = DEFAULT_SETTINGS,
                  version: str | None = None) -> Manifest:
    """Manifest of ``version`` (default: the one ``_LATEST`` names)."""
    store = _settings_to_store(settings)
    return _read_manifest(store, name, version or _require_latest(store, name))


def read_table(name: str, settings: PublishSettings = DEFAULT_SETTINGS,
               version: str | None = None) -> pa.Table:
    """Rows of ``version`` (default: latest), read through its manifest's file list.

    Following ``_LATEST`` again when the files vanish mid-read keeps readers working while a
    publisher prunes old versions.
    """
    store = _settings_to_store(settings)
    attempts = 1 if version is not None else DEFAULT_READ_ATTEMPTS
    for _ in range(attempts):
        chosen = version or _require_latest(store, name)
        try:
            return _read_version(store, name, chosen)
        except FileNotFoundError as exc:
            error = exc
    raise DatasetError(f"{name}: {chosen} is not a complete version (missing, or pruned while "
                       f"being read)") from error


def read_dataset(name: str, settings: PublishSettings = DEFAULT_SETTINGS,
                 version: str | None = None) -> pd.DataFrame:
    """Like :func:`read_table`, as pandas with nullable dtypes so null ints stay integers."""
    return read_table(name, settings, version).to_pandas(types_mapper=_PANDAS_TYPES.get)


def _normalise_sources(source_documents: list[str]) -> tuple[str, ...]:
    bad = [s for s in source_documents if not _SHA256_RE.match(s)]
    if bad:
        raise ValueError(f"source_documents must be sha256 hex digests, got {bad[:3]}")
    return tuple(sorted(set(source_documents)))


def _write_parts(store: _Store, staged: str, table: pa.Table,
                 rows_per_part: int) -> tuple[ManifestFile, ...]:
    """Write the Parquet parts (at least one, so an empty dataset still carries its schema)."""
    store.fs.makedirs(staged, exist_ok=True)
    files = []
    for index, offset in enumerate(range(0, max(table.num_rows, 1), rows_per_part)):
        part = table.slice(offset, rows_per_part)
        buffer = io.BytesIO()
        pq.write_table(part, buffer)
        data = buffer.getvalue()
        file_name = f"part-{index:05d}.parquet"
        store.fs.pipe_file(f"{staged}/{file_name}", data)
        files.append(ManifestFile(path=file_name, sha256=hashlib.sha256(data).hexdigest(),
                                  bytes=len(data), rows=part.num_rows))
    return tuple(files)


def _claim(store: _Store, staged: str, final: str) -> bool:
    """Move a staged version into place; False when that version number is already taken."""
    fs = store.fs
    if store.local:
        fs.makedirs(posixpath.dirname(final), exist_ok=True)
        try:
            os.rename(staged, final)
        except OSError as exc:
            if exc.errno in (errno.EEXIST, errno.ENOTEMPTY):
                return False
            raise DatasetError(f"cannot rename {staged} to {final} (staging must be on the "
                               f"file system of the root): {exc}") from exc
        return True
    if fs.exists(final):
        return False
    names = sorted(posixpath.basename(p) for p in fs.ls(staged, detail=False))
    for file_name in [n for n in names if n != MANIFEST_FILE] + [MANIFEST_FILE]:
        fs.mv(f"{staged}/{file_name}", f"{final}/{file_name}")
    return True


@dataclass(frozen=True)
class CorpusSnapshot:
    """The dataset versions one run published, which belong together.

    Each dataset's ``_LATEST`` moves as soon as that dataset is published, so a reader that
    follows the ``_LATEST`` files while a run publishes can see a new ``conductivity`` beside an
    old ``reconciliation``. The snapshot is written once every dataset of the run is complete;
    readers that follow it (:func:`read_corpus_dataset`) never see a mix.
    """

    created_at: str
    versions: dict[str, str]
    run_id: str | None = None


def commit_corpus(versions: dict[str, str], settings: PublishSettings = DEFAULT_SETTINGS, *,
                  run_id: str | None = None) -> CorpusSnapshot:
    """Name ``versions`` ({dataset: version}) as the corpus, after checking each is complete;
    the same versions as the current commit write nothing.

    Raises:
        DatasetError: a named version has no manifest (it was never completed, or pruned).
    """
    store = _settings_to_store(settings)
    for name, version in versions.items():
        if version not in _complete_versions(store, name):
            raise DatasetError(f"{name}: {version} is not a complete version; corpus not "
                               "committed")
    current = read_corpus(settings)
    if current is not None and current.versions == dict(sorted(versions.items())):
        return current  # an unchanged corpus is committed already
    snapshot = CorpusSnapshot(datetime.now(UTC).isoformat(), dict(sorted(versions.items())),
                              run_id)
    data = json.dumps(asdict(snapshot), indent=2).encode()
    path = f"{store.root}/{CORPUS_FILE}"
    if not store.local:
        store.fs.pipe_file(path, data)
        return snapshot
    store.fs.makedirs(store.staging, exist_ok=True)
    temp = _new_staging_path(store, "corpus")
    store.fs.pipe_file(temp, data)
    os.replace(temp, path)
    return snapshot


def read_corpus(settings: PublishSettings = DEFAULT_SETTINGS) -> CorpusSnapshot | None:
    """The last committed corpus snapshot, or None before the first commit."""
    raw = _read_corpus_file(_settings_to_store(settings))
    if raw is None:
        return None
    return CorpusSnapshot(raw["created_at"], dict(raw["versions"]), raw.get("run_id"))


def read_corpus_dataset(name: str, settings: PublishSettings = DEFAULT_SETTINGS,
                        ) -> pd.DataFrame:
    """Dataset ``name`` at the version the committed corpus names (consistent across datasets).

    Raises:
        DatasetError: no corpus committed yet, or it does not name ``name``.
    """
    snapshot = read_corpus(settings)
    if snapshot is None or name not in snapshot.versions:
        raise DatasetError(f"{name}: no committed corpus names this dataset")
    return read_dataset(name, settings, snapshot.versions[name])


def _read_corpus_file(store: _Store) -> dict[str, Any] | None:
    try:
        raw: dict[str, Any] = json.loads(store.fs.cat_file(f"{store.root}/{CORPUS_FILE}"))
    except FileNotFoundError:
        return None
    return raw


def _committed_version(store: _Store, name: str) -> str | None:
    raw = _read_corpus_file(store)
    return None if raw is None else raw.get("versions", {}).get(name)


def _point_latest(store: _Store, name: str) -> None:
    """Make ``_LATEST`` name the newest complete version.

    Re-listing after each write lets concurrent publishers converge: whoever writes last has
    seen every version renamed before its write.
    """
    for _ in range(DEFAULT_CLAIM_ATTEMPTS):
        newest = _newest_complete(store, name)
        if newest is None or newest == _read_latest(store, name):
            return
        _write_latest(store, name, newest)


def _write_latest(store: _Store, name: str, version: str) -> None:
    path = f"{store.dataset_dir(name)}/{LATEST_FILE}"
    data = f"{version}\n".encode()
    if not store.local:
        store.fs.pipe_file(path, data)
        return
    temp = _new_staging_path(store, f"{name}.latest")
    store.fs.makedirs(store.staging, exist_ok=True)
    store.fs.pipe_file(temp, data)
    os.replace(temp, path)


def _prune(store: _Store, name: str, retention: int | None) -> tuple[str, ...]:
    """Delete the oldest complete versions beyond ``retention``, never the one ``_LATEST`` names
    nor the one the committed corpus names.

    Locally a version leaves ``<root>`` by one rename (to staging) before it is deleted, so
    readers never see a half-deleted folder; elsewhere its manifest goes first.
    """
    if retention is None:
        return ()
    keep = {_read_latest(store, name), _committed_version(store, name)}
    pruned = []
    for version in _complete_versions(store, name)[:-retention]:
        if version in keep:
            continue
        folder = store.version_dir(name, version)
        try:
            if store.local:
                trash = _new_staging_path(store, f"{name}.pruned")
                store.fs.makedirs(store.staging, exist_ok=True)
                os.rename(folder, trash)
                store.fs.rm(trash, recursive=True)
            else:
                store.fs.rm(f"{folder}/{MANIFEST_FILE}")
                store.fs.rm(folder, recursive=True)
        except FileNotFoundError:
            continue  # a concurrent publisher pruned it first
        pruned.append(version)
    return tuple(pruned)


def _new_staging_path(store: _Store, label: str) -> str:
    """A unique staging entry whose name tells later publishers when and by whom it was made."""
    stamp = datetime.now(UTC).strftime(_STAMP_FORMAT)
    return f"{store.staging}/{label}__{stamp}__{_host()}__{os.getpid()}__{uuid.uuid4().hex[:12]}"


def _clean_staging(store: _Store, grace_seconds: float) -> None:
    """Remove staging entries of dead local publishers and any entry older than the grace."""
    fs = store.fs
    if not fs.exists(store.staging):
        return
    host = _host()
    now = time.time()
    for path in fs.ls(store.staging, detail=False):
        match = _STAGING_RE.match(posixpath.basename(path.rstrip("/")))
        if match is None:
            continue  # not ours: leave it alone
        made = datetime.strptime(match["stamp"], _STAMP_FORMAT).replace(tzinfo=UTC).timestamp()
        dead = match["host"] == host and not _process_alive(int(match["pid"]))
        if dead or now - made > grace_seconds:
            with contextlib.suppress(FileNotFoundError):  # another publisher was quicker
                fs.rm(path, recursive=True)


def _host() -> str:
    """This machine's name, made safe for a staging entry name."""
    return re.sub(r"[^A-Za-z0-9.-]", "-", socket.gethostname()) or "host"


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _unchanged_result(store: _Store, name: str, content_hash: str) -> PublishResult | None:
    """The newest version when it already holds this content (and ``_LATEST`` repaired)."""
    newest = _newest_complete(store, name)
    if newest is None:
        return None
    manifest = _read_manifest(store, name, newest)
    if manifest.content_hash != content_hash:
        return None
    _point_latest(store, name)
    return PublishResult(dataset=name, version=newest, path=store.url(
        store.version_dir(name, newest)), created=False, row_count=manifest.row_count,
        parent_version=manifest.parent_version)


def _version_folders(store: _Store, name: str) -> list[str]:
    """Every ``version=`` folder, complete or not, in numeric order."""
    folder = store.dataset_dir(name)
    store.fs.invalidate_cache(folder)
    if not store.fs.exists(folder):
        return []
    names = [posixpath.basename(p.rstrip("/")) for p in store.fs.ls(folder, detail=False)]
    return sorted((n for n in names if _VERSION_RE.match(n)), key=_version_number)


def _version_number(version: str) -> int:
    match = _VERSION_RE.match(version)
    if match is None:
        raise DatasetError(f"not a version folder name: {version!r}")
    return int(match[1])


def _complete_versions(store: _Store, name: str) -> list[str]:
    return [v for v in _version_folders(store, name)
            if store.fs.exists(f"{store.version_dir(name, v)}/{MANIFEST_FILE}")]


def _newest_complete(store: _Store, name: str) -> str | None:
    complete = _complete_versions(store, name)
    return complete[-1] if complete else None


def _next_number(store: _Store, name: str) -> int:
    folders = _version_folders(store, name)
    return _version_number(folders[-1]) + 1 if folders else 1


def _read_latest(store: _Store, name: str) -> str | None:
    try:
        text = store.fs.cat_file(f"{store.dataset_dir(name)}/{LATEST_FILE}").decode()
    except FileNotFoundError:
        return None
    return text.strip() or None


def _require_latest(store: _Store, name: str) -> str:
    latest = _read_latest(store, name)
    if latest is None:
        raise DatasetError(f"{name}: no published version under {store.url(store.root)}")
    return latest


def _read_manifest(store: _Store, name: str, version: str) -> Manifest:
    path = f"{store.version_dir(name, version)}/{MANIFEST_FILE}"
    try:
        return Manifest.from_json(store.fs.cat_file(path).decode())
    except FileNotFoundError:
        raise DatasetError(f"{name}: {version} is not a complete version "
                           f"({store.url(path)} missing)") from None


def _read_version(store: _Store, name: str, version: str) -> pa.Table:
    """Read the files the manifest lists; FileNotFoundError means the version was pruned."""
    folder = store.version_dir(name, version)
    manifest = Manifest.from_json(store.fs.cat_file(f"{folder}/{MANIFEST_FILE}").decode())
    tables = []
    for file in manifest.files:
        with store.fs.open(f"{folder}/{file.path}", "rb") as handle:
            tables.append(pq.read_table(handle))
    return pa.concat_tables(tables)
