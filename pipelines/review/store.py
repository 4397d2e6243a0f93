"""The review app's decisions file: validated, atomic writes that never overwrite a hand edit.

Every write builds the whole new file in a temporary file beside ``decisions.csv``, runs
:func:`extractors.decisions.check_decisions` on it (the code of ``ionlit decisions check``, with
the ids of the published corpus) and only then renames it into place, so a reader (the pipeline,
a curator's editor) sees the old file or the new one, never half of one, and never an invalid
one. The app remembers the hash of what it last read or wrote; a file that changed since
(edited by hand while the app runs) is read again and the write refused.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import os
import tempfile
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from extractors.decisions import (
    DECISION_COLUMNS,
    DecisionProblem,
    KnownIds,
    bytes_to_text,
    check_decisions,
)
from extractors.errors import IonlitError

#: Where a decision names its problem; added to a file whose header lacks it.
PROBLEM_COLUMN = "problem_id"


class DecisionsChanged(RuntimeError, IonlitError):
    """The file changed on disk since the app read it (a hand edit): nothing was written."""


class DecisionsRefused(ValueError, IonlitError):
    """The new file would not pass ``ionlit decisions check``; ``problems`` says why."""

    def __init__(self, problems: list[DecisionProblem]) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class Verdict:
    """One curator's decision on one problem, as the file will hold it (text fields)."""

    problem_id: str
    decision: str
    corrected_sigma_S_per_cm: str = ""
    corrected_temperature_K: str = ""
    curator: str = ""
    note: str = ""
    decided_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(
        timespec="seconds").replace("+00:00", "Z"))

    def row(self) -> dict[str, str]:
        return {"problem_id": self.problem_id, "decision": self.decision,
                "corrected_sigma_S_per_cm": self.corrected_sigma_S_per_cm,
                "corrected_temperature_K": self.corrected_temperature_K,
                "curator": self.curator, "decided_at": self.decided_at, "note": self.note}


def _digest(data: bytes | None) -> str | None:
    return None if data is None else hashlib.sha256(data).hexdigest()


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def text_to_table(data: bytes | None) -> tuple[list[str], list[dict[str, str]]]:
    """Header and rows of a decisions file (a missing or empty file: the default header)."""
    text = bytes_to_text(data)[0] if data else ""
    rows = [r for r in csv.reader(io.StringIO(text, newline="")) if any(c.strip() for c in r)]
    if not rows:
        return [*DECISION_COLUMNS, PROBLEM_COLUMN], []
    header = [c.strip() for c in rows[0]]
    return header, [dict(zip(header, r, strict=False)) for r in rows[1:]]


def table_to_bytes(header: list[str], rows: list[dict[str, str]]) -> bytes:
    """RFC 4180 CSV, UTF-8, ``\\n`` line ends: what ``load_decisions`` reads back unchanged."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows([{c: r.get(c, "") for c in header} for r in rows])
    return out.getvalue().encode("utf-8")


class DecisionStore:
    """``decisions.csv`` as the app sees it: one decision per problem, writes checked first.

    Args:
        path: The decisions file (need not exist yet).
        known: Ids of the published corpus the checker checks names against (None: unchecked).
    """

    def __init__(self, path: Path, known: KnownIds | None = None) -> None:
        self.path = path
        self.known = known
        self._lock = threading.Lock()
        self._undo: list[bytes | None] = []
        self._data = _read(path)
        self._hash = _digest(self._data)

    def by_problem(self) -> dict[str, dict[str, str]]:
        """The file's decisions naming a problem, by problem id (lower case); the last row of a
        problem wins, as in the file."""
        _, rows = text_to_table(self._data)
        return {r[PROBLEM_COLUMN].strip().casefold(): r for r in rows
                if (r.get(PROBLEM_COLUMN) or "").strip()}

    def changed_on_disk(self) -> bool:
        """Whether the file differs from what the app last read or wrote."""
        return _digest(_read(self.path)) != self._hash

    def reload(self) -> None:
        """Adopt the file as it is on disk now (after a hand edit); the undo history is dropped
        because it describes a file that no longer exists."""
        with self._lock:
            self._data = _read(self.path)
            self._hash = _digest(self._data)
            self._undo.clear()

    def decide(self, *verdicts: Verdict) -> None:
        """Write ``verdicts`` in one file write (a bulk decision is one undo step), each
        replacing any earlier row on the same problem.

        Raises:
            DecisionsChanged: the file was edited since the app read it (now read again).
            DecisionsRefused: the checker finds problems in the new file (nothing written).
        """
        with self._lock:
            self._guard()
            header, rows = text_to_table(self._data)
            if PROBLEM_COLUMN not in header:
                header.append(PROBLEM_COLUMN)
            keys = {v.problem_id.casefold() for v in verdicts}
            rows = [r for r in rows if (r.get(PROBLEM_COLUMN) or "").strip().casefold()
                    not in keys]
            rows += [v.row() for v in verdicts]
            self._write(table_to_bytes(header, rows), check=True)

    def undo(self) -> bool:
        """Put back the file as it was before the app's last write; False when there is none.

        Raises:
            DecisionsChanged: the file was edited since the app's last write.
        """
        with self._lock:
            if not self._undo:
                return False
            self._guard()
            before = self._undo.pop()
            if before is None:
                self.path.unlink(missing_ok=True)
                self._data, self._hash = None, None
            else:
                self._replace(before)
            return True

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    def _guard(self) -> None:
        on_disk = _read(self.path)
        if _digest(on_disk) != self._hash:
            self._data, self._hash = on_disk, _digest(on_disk)
            self._undo.clear()
            raise DecisionsChanged(f"{self.path} changed on disk since the app read it (edited "
                                   "by hand?): nothing was written; it has been read again, "
                                   "decide again")

    def _write(self, data: bytes, *, check: bool) -> None:
        before = self._data
        temp = self._temp(data)
        try:
            if check:
                problems = check_decisions(temp, self.known)
                if problems:
                    raise DecisionsRefused(problems)
            os.replace(temp, self.path)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temp)
        self._undo.append(before)
        self._data, self._hash = data, _digest(data)

    def _replace(self, data: bytes) -> None:
        temp = self._temp(data)
        os.replace(temp, self.path)
        self._data, self._hash = data, _digest(data)

    def _temp(self, data: bytes) -> Path:
        """``data`` in a new file beside the target (same file system: the rename is atomic)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.",
                                    suffix=".tmp")
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        return Path(name)
