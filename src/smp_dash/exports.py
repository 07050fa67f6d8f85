"""Exports: CSV that is safe to open in a spreadsheet and says where it came from."""

from __future__ import annotations

import csv
import io
import re

import numpy as np
import pandas as pd

#: The header line of a file made from the demonstration dataset.
DEMO_NOTE = "demonstration data, not real figures"
#: A cell starting with one of these is a formula to Excel and LibreOffice.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def inert(value):
    """``value`` made safe for a spreadsheet: text that would start a formula gets a leading quote.

    Numbers stay numbers (a negative number is data, not a formula).
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_bytes(table: pd.DataFrame, *, view: str = "", period: str = "", exclusions: str = "", data: str = "",
              source: str = "", demo: bool = False) -> bytes:
    """``table`` as UTF-8 CSV with formula injection neutralised and a header block of context.

    The first lines (``# key: value``) say what the file holds (``data``, e.g. the chart's title), its
    source, the filter (``view``, see :func:`ward_scope` for a table of every ward), the period, any
    exclusions and, on demonstration data, that it is not real. Numbers are written as the page shows
    them (:func:`as_shown`): rates to one decimal, counts as whole numbers.
    """
    buffer = io.StringIO()
    lines = (("data", data), ("source", source), ("view", view), ("period", period), ("excluded", exclusions),
             ("note", DEMO_NOTE if demo else ""))
    for key, value in lines:
        if value:
            # A line break would end the comment line and start a row of its own.
            flat = re.sub(r"[\r\n]+", " ", str(value))
            buffer.write(f"# {key}: {inert(flat)}\r\n")
    safe = as_shown(table)
    for column in safe.columns:
        if safe[column].dtype == object or str(safe[column].dtype).startswith(("string", "str", "category")):
            # A plain list keeps the object dtype: Series.map would re-infer and turn -2 into -2.0.
            safe[column] = pd.Series([inert(v) for v in safe[column].astype(object)], index=safe.index, dtype=object)
    safe.columns = [inert(str(c)) for c in safe.columns]
    # CRLF, Excel's own line ending: with it a cell holding a bare CR is quoted, not split.
    safe.to_csv(buffer, index=False, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    return buffer.getvalue().encode("utf-8")


#: The longest file name a download is given, before its suffix.
FILE_NAME_LENGTH = 80


def file_name(words: str, suffix: str) -> str:
    """A download's file name from what it holds, in its words with their capitals ("ASB incidents by ward,
    Dec 2019 to Nov 2020" -> "smp-dash-ASB-incidents-by-ward-Dec-2019-to-Nov-2020.csv"): letters and digits
    joined by hyphens, whole words up to :data:`FILE_NAME_LENGTH` characters, nothing a file system or a
    shell reads specially."""
    name = "smp-dash"
    for word in re.findall(r"[A-Za-z0-9]+", re.sub(r"<[^>]*>", " ", words)):
        if len(name) + 1 + len(word) > FILE_NAME_LENGTH:
            break
        name += f"-{word}"
    return name + suffix


def ward_scope(names: tuple[str, ...] | list[str]) -> str:
    """The view line of a table that holds every ward whatever the selection, e.g.
    "every ward in the borough; selected: Bridge, High Street" (every name, however many)."""
    scope = "every ward in the borough"
    return f"{scope}; selected: {', '.join(names)}" if names else f"{scope}; none selected"


def as_shown(table: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``table`` with numbers as the page shows them: rates and changes (:func:`decimals`)
    rounded, other columns of whole numbers held as floats (a count with a gap) as whole numbers."""
    shown = table.copy()
    for column in shown.columns:
        values = shown[column]
        if not pd.api.types.is_float_dtype(values):
            continue
        places = decimals(column)
        if places is not None:
            shown[column] = values.round(places)
        elif np.isfinite(values.dropna()).all() and (values.dropna() % 1 == 0).all():
            shown[column] = values.astype("Int64")
    return shown


def decimals(column) -> int | None:
    """Decimal places a column is shown with: rates per 1,000, their limits and % changes to one; None
    for any other column."""
    name = str(column).lower()
    if name in ("rate", "pct_change", "change") or name.endswith(("_rate", " rate", "per 1,000")):
        return 1
    return 1 if name.startswith(("lower_", "upper_")) else None
