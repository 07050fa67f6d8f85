"""Exports: CSV that is safe to open in a spreadsheet and says where it came from."""

from __future__ import annotations

import csv
import io
import re

import pandas as pd

#: A cell starting with one of these is a formula to Excel and LibreOffice.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def inert(value):
    """``value`` made safe for a spreadsheet: text that would start a formula gets a leading quote.

    Numbers stay numbers (a negative number is data, not a formula).
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_bytes(table: pd.DataFrame, *, view: str = "", period: str = "", exclusions: str = "") -> bytes:
    """``table`` as UTF-8 CSV with formula injection neutralised and a header block of context.

    The first lines (``# key: value``) record the filter, the period and any exclusions.
    """
    buffer = io.StringIO()
    for key, value in (("view", view), ("period", period), ("excluded", exclusions)):
        if value:
            # A line break would end the comment line and start a row of its own.
            flat = re.sub(r"[\r\n]+", " ", str(value))
            buffer.write(f"# {key}: {inert(flat)}\r\n")
    safe = table.copy()
    for column in safe.columns:
        if safe[column].dtype == object or str(safe[column].dtype).startswith(("string", "str", "category")):
            # A plain list keeps the object dtype: Series.map would re-infer and turn -2 into -2.0.
            safe[column] = pd.Series([inert(v) for v in safe[column].astype(object)], index=safe.index, dtype=object)
    safe.columns = [inert(str(c)) for c in safe.columns]
    # CRLF, Excel's own line ending: with it a cell holding a bare CR is quoted, not split.
    safe.to_csv(buffer, index=False, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    return buffer.getvalue().encode("utf-8")
