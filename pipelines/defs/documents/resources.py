"""The folder of input PDFs: which documents it holds now, and where a partition's file is."""

from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple

import dagster as dg

from extractors.layout import sha256_of
from pipelines.defs.documents.partitions import document_key, key_to_slug, stem_to_slug

DEFAULT_PDF_FOLDER = "seeds/pdfs"
PDF_FOLDER_ENV = "IONLIT_PDFS"


class PdfStamp(NamedTuple):
    """What the sensor remembers of a file: hashing again only when size or mtime changed."""

    size: int
    mtime_ns: int
    sha256: str
    key: str


class PdfFolder(dg.ConfigurableResource):
    """A local folder of PDFs (``*.pdf``, not recursive); relative paths are from the cwd.

    ``folder`` unset: ``$IONLIT_PDFS``, read when the folder is used (not when the code
    location is imported), else ``seeds/pdfs``.
    """

    folder: str | None = None

    @property
    def root(self) -> Path:
        return Path(self.folder or dg.EnvVar(PDF_FOLDER_ENV).get_value(DEFAULT_PDF_FOLDER)
                    or DEFAULT_PDF_FOLDER)

    def pdfs(self) -> list[Path]:
        """The PDFs in the folder, by name."""
        return sorted(p for p in self.root.glob("*") if p.suffix.lower() == ".pdf"
                      and p.is_file())

    def stamps(self, known: Mapping[str, PdfStamp] | None = None) -> dict[str, PdfStamp]:
        """File name → stamp of every PDF, re-hashing only files that changed since ``known``."""
        known = known or {}
        out = {}
        for path in self.pdfs():
            stat = path.stat()
            before = known.get(path.name)
            if before is not None and (before.size, before.mtime_ns) == (stat.st_size,
                                                                          stat.st_mtime_ns):
                out[path.name] = before
            else:
                sha256 = sha256_of(path)
                out[path.name] = PdfStamp(stat.st_size, stat.st_mtime_ns, sha256,
                                          document_key(path, sha256))
        return out

    def path_of(self, key: str) -> Path:
        """The PDF whose partition key is ``key`` (only files with the key's stem are hashed).

        Raises:
            FileNotFoundError: No PDF has that key any more (removed or changed).
        """
        for path in self.pdfs():
            if stem_to_slug(path.stem) == key_to_slug(key) and \
                    document_key(path, sha256_of(path)) == key:
                return path
        raise FileNotFoundError(f"no PDF in {self.root} has partition key {key!r} (removed or "
                                f"changed since it was registered)")
