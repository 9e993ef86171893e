"""Writing cells into .xlsx workbooks so that text from users stays text.

openpyxl turns any string starting with "=" into a live formula, and a spreadsheet program re-reads a cell starting
with "+", "-" or "@" as one when a user edits it (CSV/DDE injection: `=HYPERLINK(...)` in an applicant's name).
Every export writes its rows through `append_row`, which stores such strings as plain text (shared strings) marked
with Excel's quote prefix: the visible value is unchanged and editing the cell keeps it text.
"""

from collections.abc import Iterable

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(text: str) -> bool:
    """True when a spreadsheet could read the text as a formula (also after leading spaces)."""
    return text.startswith(FORMULA_STARTS) or text.lstrip(" \n").startswith(FORMULA_STARTS)


def write_text(cell, value) -> None:
    """Set a cell's value; a string is always stored as text, never as a formula."""
    cell.value = _printable(value)
    _keep_as_text(cell)


def append_row(sheet: Worksheet, values: Iterable) -> None:
    """Append a row like `Worksheet.append`, every string stored as text."""
    values = [_printable(value) for value in values]
    sheet.append(values)
    row = sheet.max_row  # append writes below every existing row
    for column in range(1, len(values) + 1):
        _keep_as_text(sheet.cell(row=row, column=column))


def _printable(value):
    # control characters openpyxl refuses to write (an export would fail on them)
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def _keep_as_text(cell) -> None:
    if isinstance(cell.value, str) and looks_like_formula(cell.value):
        cell.data_type = "s"
        cell.quotePrefix = True
