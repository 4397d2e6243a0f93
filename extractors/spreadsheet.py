"""CSV cells a spreadsheet shows as text: the one guard against CSV (formula) injection.

Evidence, material names and curators' notes come from PDFs and people. A cell starting with
``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return before one) is run as a formula by
Excel and LibreOffice (``=HYPERLINK(...)``), so every CSV ionlit writes passes its text cells
through :func:`neutralise_cell`, which prefixes such a cell with an apostrophe (OWASP).
"""

from __future__ import annotations

import pandas as pd

from extractors.deceptive_text import visible_start

#: Spreadsheets run a cell starting with these as a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(text: str) -> str:
    """A cell a spreadsheet would run as a formula gets a leading apostrophe (shown as text).

    Judged on what the spreadsheet sees: a byte-order mark or zero-width space before ``=``,
    or a fullwidth ``＝`` (which spreadsheets fold to ``=``), start a formula too.
    """
    runs = text.startswith(FORMULA_STARTS) or visible_start(text).startswith(FORMULA_STARTS)
    return "'" + text if runs else text


def frame_to_safe_csv(frame: pd.DataFrame) -> str:
    """``frame`` as CSV with its text cells and column names neutralised.

    Only text cells change: a number (a negative temperature difference) is written by us, is
    a number in the spreadsheet, and must stay one.
    """
    safe = frame.copy()
    for column in safe.columns:
        values = safe[column]
        if values.dtype == object or isinstance(values.dtype, pd.StringDtype):
            safe[column] = values.map(lambda v: neutralise_cell(v) if isinstance(v, str) else v)
    safe.columns = [neutralise_cell(str(c)) for c in safe.columns]
    return str(safe.to_csv(index=False, lineterminator="\n"))
