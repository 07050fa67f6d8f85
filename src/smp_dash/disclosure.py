"""Disclosure control for small counts: frames in, frames out.

The rule
--------
Ward-level domestic abuse, needle finds and hate crime can be small enough to point at a
household, so every shared view (map, table, chart, download) shows them through this module.

1. **Primary suppression.** A count from 1 to the threshold (``config.SUPPRESSION_THRESHOLD``,
   4 by default) is hidden and written "<5" (``f"<{threshold + 1}"``).

   A true zero is *shown*: by the usual ONS / police.uk convention a zero discloses nothing
   about a person, and hiding zeros would blank out most rural wards. ``suppress_zero=True``
   hides zeros too (then "<5" means 0 to 4).

2. **Secondary suppression.** The borough total of each count column is published elsewhere
   on the page, so one hidden cell would be ``total - sum(shown)``. For each count column,
   further cells are hidden (the smallest non-zero shown cell first, ties in row order) until
   no primary cell can be pinned to a single value by a reader who knows:

   * the total and every shown cell, so the sum of the hidden cells;
   * that a "<5" cell is 1 to 4 (0 to 4 with ``suppress_zero``);
   * that a cell hidden for protection is above the threshold and, because they are taken
     smallest first, no larger than any shown non-zero cell.

   In practice one small cell brings the next smallest with it; two or more small cells usually
   protect each other, but not when the sum forces them (two cells summing to 8 must both be 4,
   two summing to 2 must both be 1), and then another cell is hidden. Zeros are never hidden
   for protection: with zeros shown, "<5" must keep meaning 1 to 4.

   When no cell is left to hide and a primary cell can still be pinned (a column with one
   non-zero ward, say), the column's **total** must be hidden instead: the column is listed
   by :func:`hidden_totals` and the page must not show that borough total.
   With ``total_shown=False`` (no total published anywhere) only primary suppression applies.

3. **Derived columns.** ``change``, ``pct_change``, ``rate`` and ``rank`` are hidden in every row
   where any count is hidden, since ``current - change = previous`` and
   ``rate * population / 1000 = current`` would give the count back.

Hidden numbers become NaN (the count columns turn float); ``<col>_suppressed`` marks every hidden
count, ``<col>_secondary`` those hidden only for protection (written "hidden", not "<5", as they
are not small) and ``suppressed`` any hidden count in the row. :func:`display` turns a result
into strings for tables and downloads, :func:`map_values` into a map's values and :func:`note`
gives the sentence to show whenever disclosure control is on.

Rows keep their order; a table ordered by the hidden count still shows where those rows fall,
so callers showing a suppressed table should order it by name.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from smp_dash import config
from smp_dash.metrics import format_pct

#: How a cell hidden to protect another (or a derived figure) is written.
HIDDEN = "hidden"
#: How a missing figure that was not hidden (a % change from zero, a rate without population) is written.
NOT_APPLICABLE = "n/a"
#: Columns computed from the counts, hidden wherever a count in the row is hidden.
DERIVED_COLUMNS = ("change", "pct_change", "rate", "rank")
#: How display() writes each known numeric column.
_FORMATS = {
    "change": lambda v: f"{v:+,.0f}" if v else "0",
    "pct_change": format_pct,
    "rate": lambda v: f"{v:,.1f}",
    "rank": lambda v: f"{v:.0f}",
    "population": lambda v: f"{v:,.0f}",
}
_ATTR = "disclosure"


def suppress_wards(table: pd.DataFrame, *, count_columns: Sequence[str] = ("current", "previous"),
                   threshold: int | None = None, suppress_zero: bool = False,
                   total_shown: bool = True) -> pd.DataFrame:
    """A ward table with small counts, and the cells that would reveal them, hidden.

    Parameters
    ----------
    table : DataFrame
        A ward table such as ``metrics.ward_table`` returns (ward_code, ward_name, current,
        previous, change, pct_change, rank, population, rate, rural); left untouched.
    count_columns : sequence of str, default ("current", "previous")
        The counts to protect, each on its own against its own total. A column with no count at
        all (every cell missing: the previous period of a table with no comparison,
        ``measures.without_previous``) has nothing to protect and stays missing.
    threshold : int, optional
        Largest count hidden as small; ``config.SUPPRESSION_THRESHOLD`` (read now) when None.
    suppress_zero : bool, default False
        Hide zeros as small too. Off by default: a true zero is not disclosive.
    total_shown : bool, default True
        Whether each column's total is published (then secondary suppression applies).

    Returns
    -------
    DataFrame
        The same rows, index and columns, hidden numbers as NaN (count and derived columns
        float), plus boolean ``<col>_suppressed`` and ``<col>_secondary`` per count column and
        ``suppressed`` per row. :func:`hidden_totals` names the columns whose total must go.

    Raises
    ------
    ValueError
        A count column is missing or holds a missing or negative count, or the threshold is
        below 1.
    """
    present = tuple(c for c in DERIVED_COLUMNS if c in table.columns)
    counts = tuple(c for c in count_columns if c not in table.columns or table[c].notna().any())
    return _suppress(table, counts, present, threshold, suppress_zero, total_shown)


def suppress_counts(frame: pd.DataFrame, column: str, threshold: int | None = None, *,
                    suppress_zero: bool = False, total_shown: bool = True,
                    derived: Iterable[str] = ()) -> pd.DataFrame:
    """A one-column breakdown (hate crime by strand, say) under the same rule.

    Parameters
    ----------
    frame : DataFrame
        One row per category with the count in ``column``; left untouched.
    column : str
        The count to protect against its total.
    threshold : int, optional
        Largest count hidden as small; ``config.SUPPRESSION_THRESHOLD`` when None.
    suppress_zero, total_shown : bool
        As for :func:`suppress_wards`.
    derived : iterable of str, optional
        Columns computed from the count (a share, say), hidden where the count is.

    Returns
    -------
    DataFrame
        ``frame`` with ``column`` as float (NaN where hidden), ``<column>_suppressed``,
        ``<column>_secondary`` and ``suppressed``.
    """
    return _suppress(frame, (column,), tuple(derived), threshold, suppress_zero, total_shown)


def hidden_totals(table: pd.DataFrame) -> tuple[str, ...]:
    """The count columns of a suppressed table whose borough total must not be shown."""
    return tuple(table.attrs.get(_ATTR, {}).get("hidden_totals", ()))


def shown(frame: pd.DataFrame, column: str, on: bool) -> pd.DataFrame:
    """A small table of counts as published: "<5" for hidden counts when ``on``, else unchanged.

    No total is published beside such a table (a top-five list), so only small counts are hidden.
    """
    return display(suppress_counts(frame, column, total_shown=False)) if on else frame


def note(threshold: int | None = None, suppress_zero: bool = False) -> str:
    """The sentence to show wherever disclosure control is on.

    >>> note()
    'Disclosure control is on: counts of 1 to 4 are shown as <5, and further cells are hidden where a total or a difference would reveal them.'
    """
    limit = _threshold(threshold)
    low = 0 if suppress_zero else 1
    return (f"Disclosure control is on: counts of {low} to {limit} are shown as {_small_text(limit)}, "
            "and further cells are hidden where a total or a difference would reveal them.")


def display(table: pd.DataFrame, threshold: int | None = None) -> pd.DataFrame:
    """A suppressed table as text for tables and downloads.

    Parameters
    ----------
    table : DataFrame
        From :func:`suppress_wards` or :func:`suppress_counts`.
    threshold : int, optional
        For the "<5" label; the one the table was suppressed with when None.

    Returns
    -------
    DataFrame
        The table's own columns (flag columns dropped), same index. Count columns read "<5"
        where small, "hidden" where hidden for protection, "1,234" otherwise; derived columns
        read "hidden" where a count in the row is hidden; known numbers are formatted ("+12",
        "+21%", "4.2", "3", "10,412") and other missing numbers read "n/a". Other columns are
        left as they are.
    """
    counts, derived = _suppressed_columns(table)
    limit = threshold if threshold is not None else table.attrs.get(_ATTR, {}).get("threshold")
    small = _small_text(_threshold(limit))
    out = table.drop(columns=_flag_columns(counts))
    for col in counts:
        out[col] = [small if hit and not second else HIDDEN if hit else _text(v, _count_text)
                    for v, hit, second in zip(table[col], table[f"{col}_suppressed"], table[f"{col}_secondary"])]
    for col in (c for c in out.columns if c in _FORMATS or c in derived):
        hidden = table["suppressed"] if col in derived else pd.Series(False, index=table.index)
        fmt = _FORMATS.get(col, _count_text)
        out[col] = [HIDDEN if hit else _text(v, fmt) for v, hit in zip(table[col], hidden)]
    return out


def published(table: pd.DataFrame) -> pd.DataFrame:
    """A table as it may be published: :func:`display` of a suppressed table, any other unchanged."""
    return display(table) if "suppressed" in table.columns else table


def any_hidden(table: pd.DataFrame) -> bool:
    """Whether a table holds a hidden count (False for a table that was not suppressed)."""
    return "suppressed" in table.columns and bool(table["suppressed"].any())


def map_values(table: pd.DataFrame, value: str = "current", threshold: int | None = None) -> pd.DataFrame:
    """A suppressed ward table as a map's values: hidden wards are NaN, so drawn grey.

    Parameters
    ----------
    table : DataFrame
        From :func:`suppress_wards`.
    value : str, default "current"
        The column to colour by (a count or a derived column such as "rate").
    threshold : int, optional
        As for :func:`display`.

    Returns
    -------
    DataFrame
        ward_code, ward_name, ``value`` (float, NaN where hidden), ``value_text`` (as
        :func:`display` writes the cell: "<5", "hidden", "12"), current, previous and
        pct_change as numbers (NaN where hidden) with current_text and previous_text.
    """
    if value not in table.columns:
        raise ValueError(f"table has no column {value!r} to map")
    text = display(table, threshold)
    out = table[["ward_code", "ward_name"]].copy()
    out["value"] = table[value].astype("float64")
    out["value_text"] = text[value]
    for col in ("current", "previous", "pct_change"):
        if col in table.columns:
            out[col] = table[col].astype("float64")
    for col in ("current", "previous"):
        if col in table.columns:
            out[f"{col}_text"] = text[col]
    return out


@dataclass(frozen=True)
class Guarded:
    """A selection's count this period and the period before, and why either may not be shown.

    ``current_hidden`` / ``previous_hidden`` are None when the count may be published, or the
    text to show instead: "<5" (the count itself is small) or "hidden" (it would reveal a small
    count elsewhere). A change is shown only when neither is hidden.
    """

    current: float
    previous: float
    current_hidden: str | None = None
    previous_hidden: str | None = None
    #: Disclosure control is on and the count is for a ward selection (not the whole borough).
    selection: bool = False

    @property
    def hidden(self) -> bool:
        """Whether the current count is hidden."""
        return self.current_hidden is not None

    @property
    def change_hidden(self) -> bool:
        """Whether the change must not be shown (either count hidden: one gives the other back)."""
        return self.current_hidden is not None or self.previous_hidden is not None

    def series_hidden(self) -> str | None:
        """Why the selection's series and breakdowns are not shown at all, or None: they add up
        to a total that is hidden."""
        return SERIES_HIDDEN if self.selection and self.change_hidden else None

    def text(self, previous: bool = False) -> str:
        """The count as published: "<5", "hidden" or "1,234"."""
        hidden, value = (self.previous_hidden, self.previous) if previous else (self.current_hidden, self.current)
        return hidden if hidden is not None else _text(value, _count_text)


#: Said where a selection's series or breakdown is left out because its total is hidden.
SERIES_HIDDEN = ("Not shown: disclosure control hides this selection's total (a count from 1 to 4, or one that "
                 "would reveal a small count elsewhere), and a breakdown would add up to it.")
#: Said wherever a figure is hidden by disclosure control.
HIDDEN_HELP = ("Hidden by disclosure control: the count is from 1 to 4, or would let a small count elsewhere "
               "be worked out.")


def protect_breakdown(frame: pd.DataFrame, *, counts: Sequence[str] = ("current", "previous"),
                      label: str | None = "label", threshold: int | None = None) -> pd.DataFrame:
    """A breakdown by category (domestic abuse by type, say) with small counts hidden.

    Each count column is protected against its total (which the page shows as a headline), as
    :func:`suppress_wards` protects a ward table; changes are hidden in rows with a hidden count,
    and the text column ``label`` (a change label on a chart) reads "<5" or "hidden" there.
    """
    derived = tuple(c for c in DERIVED_COLUMNS if c in frame.columns)
    out = _suppress(frame, tuple(counts), derived, threshold, False, True)
    if label and label in frame.columns:
        current = display(out)[counts[0]]
        out[label] = [(text if hidden else HIDDEN) if row_hidden else original for original, row_hidden, hidden, text
                      in zip(frame[label], out["suppressed"], out[f"{counts[0]}_suppressed"], current)]
    return out


def hide_rows(table: pd.DataFrame, mask, columns: Iterable[str]) -> pd.DataFrame:
    """``table`` with ``columns`` blanked (NaN) in the rows ``mask`` marks; ``table`` is left untouched."""
    mask = pd.Series(mask, index=table.index).astype(bool)
    return table.assign(**{c: table[c].astype("float64").where(~mask) for c in columns if c in table.columns})


def small_count(value: float, on: bool, threshold: int | None = None) -> str | None:
    """"<5" when ``value`` is a small count that disclosure control hides, else None."""
    limit = _threshold(threshold)
    return _small_text(limit) if on and _is_small(value, limit) else None


def _is_small(value: float, limit: int) -> bool:
    return 0 < float(value) <= limit


def _suppress(frame: pd.DataFrame, counts: tuple[str, ...], derived: tuple[str, ...], threshold: int | None,
              suppress_zero: bool, total_shown: bool) -> pd.DataFrame:
    limit = _threshold(threshold)
    _check_counts(frame, counts)
    out = frame.copy()
    any_hidden = np.zeros(len(frame), dtype=bool)
    totals = []
    for col in counts:
        values = frame[col].to_numpy(dtype="float64")
        primary, secondary, total_hidden = _protect(values, limit, suppress_zero, total_shown)
        hidden = primary | secondary
        out[col] = np.where(hidden, np.nan, values)
        out[f"{col}_suppressed"] = hidden
        out[f"{col}_secondary"] = secondary
        any_hidden |= hidden
        if total_hidden:
            totals.append(col)
    for col in derived:
        out[col] = frame[col].astype("float64").where(~any_hidden)
    out["suppressed"] = any_hidden
    out.attrs[_ATTR] = {"threshold": limit, "suppress_zero": suppress_zero, "count_columns": counts,
                        "derived_columns": derived, "hidden_totals": tuple(totals)}
    return out


def protect_column(values: np.ndarray, threshold: int | None = None) -> tuple[np.ndarray, np.ndarray, bool]:
    """:func:`suppress_counts`'s rule for one column of counts with its total shown, on an array:
    the primary and secondary masks, and whether the total must be hidden."""
    return _protect(np.asarray(values, dtype="float64"), _threshold(threshold), False, True)


def _protect(values: np.ndarray, limit: int, suppress_zero: bool, total_shown: bool):
    """Primary and secondary masks for one column, and whether its total must be hidden."""
    low = 0 if suppress_zero else 1
    primary = (values <= limit) & ((values >= 0) if suppress_zero else (values > 0))
    secondary = np.zeros(len(values), dtype=bool)
    if not total_shown or not primary.any():
        return primary, secondary, False
    order = np.lexsort((np.arange(len(values)), values))  # smallest first, ties in row order
    while not _protected(values, primary, secondary, limit, low):
        candidates = [i for i in order if not primary[i] and not secondary[i] and values[i] > 0]
        if not candidates:
            return primary, secondary, True
        secondary[candidates[0]] = True
    return primary, secondary, False


def _protected(values, primary, secondary, limit: int, low: int, ceiling: float | None = None) -> bool:
    """Whether no primary cell is pinned by the hidden sum and what a reader knows of each cell
    (a cell hidden for protection is no larger than ``ceiling``, by default the smallest shown)."""
    hidden = primary | secondary
    remaining = float(values[hidden].sum())
    if ceiling is None:
        shown_nonzero = values[~hidden & (values > 0)]
        ceiling = float(shown_nonzero.min()) if len(shown_nonzero) else remaining
    lows = np.where(primary, low, limit + 1)[hidden]
    highs = np.where(primary, limit, ceiling)[hidden]
    for i in np.flatnonzero(primary[hidden]):
        others_low, others_high = lows.sum() - lows[i], highs.sum() - highs[i]
        smallest = max(lows[i], remaining - others_high)
        largest = min(highs[i], remaining - others_low)
        if largest - smallest < 1:
            return False
    return True


def _check_counts(frame: pd.DataFrame, counts: tuple[str, ...]) -> None:
    missing = [c for c in counts if c not in frame.columns]
    if missing:
        raise ValueError(f"count column(s) {missing} not in the table (columns: {list(frame.columns)})")
    for col in counts:
        values = pd.to_numeric(frame[col], errors="coerce")
        bad = values.isna() | (values < 0)
        if bad.any():
            raise ValueError(f"count column {col!r} has missing or negative counts at rows "
                             f"{list(frame.index[bad])[:5]}; expected counts of 0 or more")


def _threshold(threshold: int | None) -> int:
    limit = config.SUPPRESSION_THRESHOLD if threshold is None else threshold
    if int(limit) != limit or limit < 1:
        raise ValueError(f"threshold must be a whole number of at least 1, got {limit!r}")
    return int(limit)


def _small_text(limit: int) -> str:
    return f"<{limit + 1}"


def _suppressed_columns(table: pd.DataFrame) -> tuple[tuple[str, ...], tuple[str, ...]]:
    info = table.attrs.get(_ATTR)
    if info:
        return tuple(info["count_columns"]), tuple(info["derived_columns"])
    counts = tuple(c[: -len("_suppressed")] for c in table.columns
                   if c.endswith("_suppressed") and f"{c[: -len('_suppressed')]}_secondary" in table.columns)
    if not counts or "suppressed" not in table.columns:
        raise ValueError("table has no suppression flags: pass it through suppress_wards or suppress_counts first")
    return counts, tuple(c for c in DERIVED_COLUMNS if c in table.columns)


def _flag_columns(counts: tuple[str, ...]) -> list[str]:
    return [f"{c}_{kind}" for c in counts for kind in ("suppressed", "secondary")] + ["suppressed"]


def _count_text(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _text(value, formatter) -> str:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return NOT_APPLICABLE
    return formatter(number) if math.isfinite(number) else NOT_APPLICABLE
