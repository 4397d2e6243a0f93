"""Reading one document under limits: time, pages, memory and bytes.

A PDF is untrusted input. A 2 MB flate bomb inflates to gigabytes, a page tree can be nested
thousands deep, a FIFO named ``x.pdf`` blocks whoever opens it, and one page of a few thousand
rules keeps a reader busy for minutes. :func:`read_document_guarded` therefore checks the file
type and size in the calling process, then runs :func:`extractors.layout.read_document` in a
worker process of its own (``forkserver`` start method, so the worker shares no threads or
locks with the caller) that sets ``RLIMIT_AS`` on itself and is killed at the deadline. Every
outcome is a ``Document`` or a :class:`~extractors.errors.DocumentError` subclass naming the
limit; only a bug in ionlit's own code gives :class:`~extractors.errors.ExtractorBugError`.
"""

from __future__ import annotations

import logging
import math
import multiprocessing
import os
import resource
import signal
import traceback
from collections.abc import Mapping
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from extractors.document import Document
from extractors.env_settings import env_values
from extractors.errors import (
    DocumentError,
    ExtractorBugError,
    MalformedPdfError,
    ReadTimeoutError,
    TooLargeError,
)
from extractors.layout import LayoutSettings, open_regular, read_document
from extractors.page_ocr import OcrSettings
from extractors.pdfium_source import DEFAULT_READER, READERS, Reader

_log = logging.getLogger(__name__)

#: Seconds one document may take to read (the 30-page review of the corpus: ~35 s on a
#: busy 2-core machine).
DEFAULT_TIMEOUT_S = 180.0
#: Pages one document may have (the longest paper of the corpus has 30).
DEFAULT_MAX_PAGES = 500
#: Address space of the reading worker, MiB. It counts the interpreter and libraries too:
#: the 14-page replica needs ~500 MiB of it (~150 MiB resident); a flate bomb stops here.
DEFAULT_MAX_MEMORY_MB = 2048
#: Address space the OCR engine adds to the reading worker's, MiB (:func:`ocr_memory_mb`).
OCR_MEMORY_MB = 1536
#: Bytes of one PDF file, MiB; larger files are refused before they are hashed or parsed.
DEFAULT_MAX_FILE_MB = 256

#: The environment variable of each limit (read by :meth:`ReadLimits.from_env`).
ENV_VARS: Mapping[str, str] = {
    "timeout_s": "IONLIT_READ_TIMEOUT_S",
    "max_pages": "IONLIT_READ_MAX_PAGES",
    "max_memory_mb": "IONLIT_READ_MAX_MEMORY_MB",
    "max_file_mb": "IONLIT_READ_MAX_FILE_MB",
    "reader": "IONLIT_READER",
}
#: Modules the fork server imports once, so each worker starts in milliseconds.
_PRELOAD = ["extractors.layout"]
#: Bytes the worker holds back and frees on ``MemoryError`` to report it.
_RESERVE = 8 << 20
#: Exit status of a worker that could not even report running out of memory.
_EXIT_OUT_OF_MEMORY = 86
#: Grace after the deadline for a worker that already sent its result to finish exiting.
_JOIN_S = 5.0


@dataclass(frozen=True)
class ReadLimits:
    """Limits on reading one document, each on by default, and the reader that reads it.

    Attributes:
        timeout_s: wall-clock seconds for reading one document (worker killed after).
        max_pages: pages of one document.
        max_memory_mb: address space of the reading worker (``RLIMIT_AS``), MiB.
        max_file_mb: size of the PDF file, MiB.
        reader: where characters come from, ``pdfium`` or ``pdfplumber``
            (:func:`extractors.layout.read_document`).
    """

    timeout_s: float = DEFAULT_TIMEOUT_S
    max_pages: int = DEFAULT_MAX_PAGES
    max_memory_mb: int = DEFAULT_MAX_MEMORY_MB
    max_file_mb: int = DEFAULT_MAX_FILE_MB
    reader: Reader = DEFAULT_READER

    def __post_init__(self) -> None:
        if isinstance(self.timeout_s, bool) or not isinstance(self.timeout_s, int | float):
            raise ValueError(f"timeout_s must be a number, not {self.timeout_s!r}")
        if not (math.isfinite(self.timeout_s) and self.timeout_s > 0):
            raise ValueError(f"timeout_s must be positive and finite, not {self.timeout_s!r}")
        for name in ("max_pages", "max_memory_mb", "max_file_mb"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                raise ValueError(f"{name} must be a positive integer, not {value!r}")
        if self.reader not in READERS:
            raise ValueError(f"reader must be one of {', '.join(READERS)}, not {self.reader!r}")

    @property
    def max_bytes(self) -> int:
        return self.max_file_mb * 1024 * 1024

    @classmethod
    def resolve(cls, limits: ReadLimits | Mapping[str, Any] | None = None) -> ReadLimits:
        """``None`` gives the defaults, a mapping overrides some of them."""
        if limits is None:
            return cls()
        if isinstance(limits, ReadLimits):
            return limits
        return cls(**dict(limits))

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> ReadLimits:
        """Defaults, then the ``IONLIT_READ_*`` and ``IONLIT_READER`` variables of ``env``,
        then ``overrides``.

        An override of ``None`` is ignored, so unset command-line flags can be passed as they are.

        Raises:
            ValueError: a variable or override that is not a valid limit (the name says which).
        """
        values = env_values(cls, ENV_VARS, env)
        if values.get("reader", DEFAULT_READER) not in READERS:
            raise ValueError(f"{ENV_VARS['reader']}={values['reader']!r} is not one of "
                             f"{', '.join(READERS)}")
        values.update({k: v for k, v in overrides.items() if v is not None})
        return replace(cls(), **values)


def ocr_allowance_s() -> float:
    """Seconds the OCR engine may add to reading one document (its own budget, on top of the
    reading limit: a scan's pages are read by the engine only after the rest)."""
    ocr = OcrSettings.from_env()
    return ocr.budget_s if ocr.active else 0.0


def ocr_memory_mb() -> int:
    """Address space (MiB) the OCR engine adds to the reading worker when it may run
    (onnxruntime's arenas and threads reserve ~1 GiB beyond the ~900 MiB it touches on a
    200 dpi page); the reading itself stays within ``max_memory_mb`` until the engine starts."""
    return OCR_MEMORY_MB if OcrSettings.from_env().active else 0


def check_file(path: Path, limits: ReadLimits) -> int:
    """Size of ``path`` in bytes, after checking it is a regular file within the size limit.

    Raises:
        NotAFileError: missing, a folder, a FIFO or device, a symlink loop, unreadable.
        TooLargeError: over ``limits.max_file_mb``.
    """
    with open_regular(path) as fh:
        size = os.fstat(fh.fileno()).st_size
    if size > limits.max_bytes:
        raise TooLargeError(str(path), f"{size} bytes, over the limit of {limits.max_file_mb} MiB")
    return size


def read_document_guarded(path: Path | str, settings: LayoutSettings | None = None,
                          limits: ReadLimits | Mapping[str, Any] | None = None) -> Document:
    """:func:`extractors.layout.read_document` in a worker process under ``limits``.

    Raises:
        DocumentError: why the document cannot be read: one of the reader's own reasons, or
            ``TooLargeError`` (bytes, pages, memory) / ``ReadTimeoutError`` for a limit.
        ExtractorBugError: ionlit's own code failed on the document.
    """
    path = Path(path)
    limits = ReadLimits.resolve(limits)
    check_file(path, limits)
    if multiprocessing.current_process().daemon:
        return _read_in_this_process(path, settings, limits)
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(_PRELOAD)
    receiver, sender = ctx.Pipe(duplex=False)
    worker = ctx.Process(target=_read_in_worker, args=(sender, path, settings, limits),
                         name=f"ionlit-read-{path.name}", daemon=True)
    worker.start()
    sender.close()  # the worker holds the only writer: its death reads as end of file
    wait = limits.timeout_s + ocr_allowance_s()
    try:
        if not receiver.poll(wait):
            raise ReadTimeoutError(str(path), f"not read within {wait:g} s "
                                              "(the reader was stopped)")
        try:
            kind, value, peak_kib = receiver.recv()
        except (EOFError, OSError):
            worker.join(_JOIN_S)
            raise _worker_died(path, worker.exitcode, limits) from None
    finally:
        receiver.close()
        if worker.is_alive():
            worker.kill()
        worker.join(_JOIN_S)
    _log.debug("read %s in a worker: %s, peak resident memory %d MiB", path.name, kind,
               peak_kib // 1024, extra={"peak_rss_mb": peak_kib / 1024})
    if kind == "ok":
        return value  # type: ignore[no-any-return]
    if kind == "error":
        raise value
    raise ExtractorBugError(str(path), value)


def _read_in_this_process(path: Path, settings: LayoutSettings | None,
                          limits: ReadLimits) -> Document:
    """A daemonic process (a Celery pool worker) may not start one: read here, with the page
    and size limits; time and memory are then the pool's own limits (``--time-limit``,
    ``--max-memory-per-child``, deploy/README.md)."""
    try:
        return read_document(path, settings, max_pages=limits.max_pages,
                             max_bytes=limits.max_bytes, reader=limits.reader)
    except DocumentError:
        raise
    except Exception as exc:
        raise ExtractorBugError(str(path), f"{type(exc).__name__}: {exc}") from exc


def _worker_died(path: Path, exitcode: int | None, limits: ReadLimits) -> Exception:
    """The error for a worker that ended without sending a result."""
    if exitcode is not None and exitcode < 0:
        name = signal.Signals(-exitcode).name if -exitcode in signal.valid_signals() else "?"
        if -exitcode == signal.SIGXCPU:
            return ReadTimeoutError(str(path), f"the reader used its CPU time ({name})")
        if -exitcode == signal.SIGKILL:  # the kernel's out-of-memory killer
            return TooLargeError(str(path), f"the reader was killed ({name}), out of memory")
        if -exitcode == signal.SIGABRT:  # PDFium aborts where an allocation fails
            return TooLargeError(str(path), f"the reader aborted ({name}), out of memory "
                                            f"(over {limits.max_memory_mb} MiB)")
        return MalformedPdfError(str(path), f"the reader crashed ({name}) on this file")
    if exitcode == _EXIT_OUT_OF_MEMORY:
        return _over_memory(path, limits)
    return ExtractorBugError(str(path), f"the reader exited with code {exitcode} and no result")


def _read_in_worker(conn: Connection, path: Path, settings: LayoutSettings | None,
                    limits: ReadLimits) -> None:
    """The worker's body: limit itself, read, send ``(kind, value, peak KiB)`` back, exit."""
    memory = limits.max_memory_mb * 1024 * 1024
    # the hard limit leaves room the OCR engine takes (page_layers raises the soft one to it)
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory + ocr_memory_mb() * 1024 * 1024))
    # a backstop if the parent dies before its deadline; the OCR engine runs on two threads
    cpu = math.ceil(limits.timeout_s + 2 * ocr_allowance_s()) + 5
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
    # pdfminer warns once per odd operator; a damaged file would flood the caller's stderr,
    # and the reason that matters comes back as the DocumentError.
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    reserve = bytearray(_RESERVE)  # freed on MemoryError, so the error can still be sent
    payload: tuple[str, Any]
    try:
        payload = ("ok", read_document(path, settings, max_pages=limits.max_pages,
                                       max_bytes=limits.max_bytes, reader=limits.reader))
    except DocumentError as exc:
        payload = ("error", exc)
    except MemoryError:
        del reserve
        payload = ("error", _over_memory(path, limits))
    except RecursionError as exc:  # ionlit's own code, the parser's are DocumentErrors
        payload = ("bug", f"RecursionError: {exc}")
    except BaseException as exc:  # reported to the parent as a bug
        last = traceback.extract_tb(exc.__traceback__)[-1:]
        where = f" at {last[0].filename}:{last[0].lineno}" if last else ""
        payload = ("bug", f"{type(exc).__name__}: {exc}{where}")
    sent = _send(conn, payload)
    if not sent:  # outside the except clause: its traceback would keep the pickler's buffer
        payload = ("error", None)
        del reserve
        if not _send(conn, ("error", _over_memory(path, limits))):
            os._exit(_EXIT_OUT_OF_MEMORY)
    conn.close()
    # No interpreter shutdown: exit handlers and finalizers after a MemoryError can deadlock
    # on a lock the error left held, and the parent would report a timeout.
    os._exit(0)


def _send(conn: Connection, payload: tuple[str, Any]) -> bool:
    """Send ``(kind, value, peak resident KiB)``; False when there is no memory to do so."""
    try:
        conn.send((*payload, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))
    except MemoryError:
        return False
    return True


def _over_memory(path: Path, limits: ReadLimits) -> TooLargeError:
    return TooLargeError(str(path), f"over the memory limit of {limits.max_memory_mb} MiB")
