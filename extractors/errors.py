"""One error hierarchy for ionlit; each error also inherits the builtin it refines."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only for the annotation: errors.py imports nothing of ionlit at run time
    from extractors.decisions import DecisionProblem


class IonlitError(Exception):
    """Root of every error ionlit raises on purpose."""


class DocumentError(ValueError, IonlitError):
    """A PDF that cannot be read; ``reason`` is a short machine-friendly tag.

    Every way a file can fail to open, hash or read ends in one of the subclasses below, so a
    run can say why in one line and go on with the other files.
    """

    reason = "unreadable"

    def __init__(self, path: str, detail: str) -> None:
        self.path = path
        self.detail = detail
        super().__init__(f"{path}: {self.reason}: {detail}")

    def __reduce__(self) -> tuple[type[DocumentError], tuple[str, str]]:
        # Errors cross the boundary of the reader's worker process (extractors.guarded).
        return (type(self), (self.path, self.detail))


class NotAFileError(DocumentError):
    """Nothing readable at the path: missing, a folder, a FIFO or device, a symlink loop."""

    reason = "not a file"


class NotAPdfError(DocumentError):
    reason = "not a PDF"


class EncryptedPdfError(DocumentError):
    reason = "encrypted"


class NoTextLayerError(DocumentError):
    reason = "no text layer"


class MalformedPdfError(DocumentError):
    reason = "malformed PDF"


class TooLargeError(DocumentError):
    """Over a limit of :class:`extractors.guarded.ReadLimits`: bytes, pages or memory."""

    reason = "too large"


class ReadTimeoutError(DocumentError, TimeoutError):
    """Reading took longer than the time limit; the worker was stopped."""

    reason = "timed out"


class ExtractorBugError(RuntimeError, IonlitError):
    """An unexpected exception in ionlit's own code while extracting one document.

    Not a :class:`DocumentError`: the file may be fine and the code is wrong. ``ionlit extract``
    records it in the ``documents`` row and exits 3 rather than 1.
    """

    reason = "internal error"

    def __init__(self, path: str, detail: str) -> None:
        self.path = path
        self.detail = detail
        super().__init__(f"{path}: {self.reason}: {detail}")

    def __reduce__(self) -> tuple[type[ExtractorBugError], tuple[str, str]]:
        return (type(self), (self.path, self.detail))


class UnitParseError(ValueError, IonlitError):
    """A unit or quantity string that cannot be read with confidence."""


class DatasetError(RuntimeError, IonlitError):
    """A published dataset that is missing, inconsistent or cannot be written."""


class FormulaParseError(ValueError, IonlitError):
    """A chemical formula that cannot be read, or whose variable amounts have no value."""


class CuratedDataError(ValueError, IonlitError):
    """A curated reference file whose layout is not one ionlit knows how to read."""


class DecisionError(ValueError, IonlitError):
    """An invalid curators' decisions file; the message names the file and line.

    ``problems`` holds every problem when the whole file was checked
    (:func:`extractors.decisions.load_decisions`), and is empty otherwise.
    """

    def __init__(self, message: str, problems: Sequence[DecisionProblem] = ()) -> None:
        super().__init__(message)
        self.problems: tuple[DecisionProblem, ...] = tuple(problems)
