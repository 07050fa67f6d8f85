"""Calendar, financial, assessment (December to November) and rolling-12-month periods.

A :class:`Period` is a closed range of whole months with a label that says what it is, so
every chart can name its period. Lockdown dates are the English national lockdowns.
"""

from __future__ import annotations

import calendar
import functools
from dataclasses import dataclass
from datetime import date

import pandas as pd

KINDS = ("calendar", "financial", "assessment", "rolling")
KIND_LABELS = {
    "calendar": "Calendar year",
    "financial": "Financial year (Apr-Mar)",
    "assessment": "Assessment year (Dec-Nov)",
    "rolling": "Rolling 12 months",
}

#: England's national lockdowns (start, end inclusive) as the assessment describes them.
LOCKDOWNS = (
    ("2020-03-23", "2020-07-03", "First national lockdown"),
    ("2020-11-05", "2020-12-02", "Second national lockdown"),
    ("2021-01-06", "2021-03-28", "Third national lockdown"),
)


def _remembered(function):
    """``function``, a pure function of periods, months and kinds, with its answers kept (they are
    asked for on every rerun: the sidebar's choices, each figure's period and coverage). Arguments
    that cannot be hashed (a list of months) are worked out each time."""
    kept = functools.lru_cache(maxsize=4096)(function)

    @functools.wraps(function)
    def remembered(*args, **kwargs):
        try:
            return kept(*args, **kwargs)
        except TypeError:           # an unhashable argument
            return function(*args, **kwargs)
    remembered.cache_clear = kept.cache_clear
    return remembered


@dataclass(frozen=True)
class Period:
    """Whole months from ``start`` (first day) to ``end`` (last day), inclusive."""

    kind: str
    start: pd.Timestamp
    end: pd.Timestamp

    @functools.cached_property    # a frozen value, asked for many times a rerun
    def whole_year(self) -> bool:
        return self.start + pd.DateOffset(years=1) - pd.Timedelta(days=1) == self.end

    @functools.cached_property
    def label(self) -> str:
        if not self.whole_year:
            return f"{self.start:%b %Y} to {self.end:%b %Y}"
        if self.kind == "calendar":
            return str(self.start.year)
        if self.kind == "financial":
            return f"{self.start.year}/{str(self.start.year + 1)[-2:]}"
        return f"{self.start:%b %Y} to {self.end:%b %Y}"

    @functools.cached_property
    def long_label(self) -> str:
        if not self.whole_year:
            return f"{KIND_LABELS[self.kind].split(' (')[0]} to date, {self.label}"
        return f"{KIND_LABELS[self.kind]} {self.label}" if self.kind in ("calendar", "financial") \
            else f"{KIND_LABELS[self.kind].split(' (')[0]}, {self.label}"

    def previous(self) -> "Period":
        """The same months one year earlier."""
        return _previous(self)

    def contains(self, dates: pd.Series) -> pd.Series:
        """Mask of ``dates`` that fall within the period."""
        return (dates >= self.start) & (dates <= self.end + pd.Timedelta(hours=23, minutes=59))

    def months(self) -> pd.DatetimeIndex:
        return pd.date_range(self.start, self.end, freq="MS")


@_remembered
def _previous(self: Period) -> Period:
    return Period(self.kind, self.start - pd.DateOffset(years=1),
                  (self.end - pd.DateOffset(years=1)) + pd.offsets.MonthEnd(0))


@_remembered
def period(kind: str, year: int, end_month: str | None = None) -> Period:
    """The period of ``kind`` named by ``year``.

    calendar 2020 = Jan-Dec 2020; financial 2020 = Apr 2020-Mar 2021 ("2020/21");
    assessment 2020 = Dec 2019-Nov 2020; rolling: the 12 months ending ``end_month``
    (YYYY-MM), or ending in December of ``year`` when none is given.
    """
    if kind == "calendar":
        start = pd.Timestamp(year, 1, 1)
    elif kind == "financial":
        start = pd.Timestamp(year, 4, 1)
    elif kind == "assessment":
        start = pd.Timestamp(year - 1, 12, 1)
    elif kind == "rolling":
        last = pd.Timestamp(end_month + "-01") if end_month else pd.Timestamp(year, 12, 1)
        start = last - pd.DateOffset(months=11)
    else:
        raise ValueError(f"unknown period kind {kind!r}; expected one of {', '.join(KINDS)}")
    end = start + pd.DateOffset(months=12) - pd.Timedelta(days=1)
    return Period(kind, start, end)


def available(kind: str, first: pd.Timestamp, last: pd.Timestamp, comparable: bool = False) -> list[Period]:
    """Complete periods of ``kind`` that the data from ``first`` to ``last`` covers, newest first.

    With ``comparable`` only periods whose previous period (the same months a year earlier) is
    covered too, so a change is never computed against months before the data began.
    """
    return list(_available(kind, pd.Timestamp(first), pd.Timestamp(last), comparable))


@_remembered
def _available(kind: str, first: pd.Timestamp, last: pd.Timestamp, comparable: bool) -> tuple[Period, ...]:
    first, last = pd.Timestamp(first).replace(day=1), pd.Timestamp(last) + pd.offsets.MonthEnd(0)
    if kind == "rolling":
        ends = pd.date_range(first + pd.DateOffset(months=23 if comparable else 11), last, freq="MS")
        return tuple(period("rolling", e.year, f"{e:%Y-%m}") for e in reversed(ends))
    out = []
    for year in range(first.year - 1, last.year + 2):
        p = period(kind, year)
        if (p.previous() if comparable else p).start >= first and p.end <= last:
            out.append(p)
    return tuple(sorted(out, key=lambda p: p.start, reverse=True))


# The periods the 2020-21 assessment reports its figures for (each figure's "native" period).
CAL_2019, CAL_2020 = period("calendar", 2019), period("calendar", 2020)
ASSESS_2020 = period("assessment", 2020)
FY_2019, FY_2020 = period("financial", 2019), period("financial", 2020)
#: "Financial year to date" in the assessment: April to November 2020 (its data ends in November).
FY_TO_DATE_2020 = Period("financial", pd.Timestamp("2020-04-01"), pd.Timestamp("2020-11-30"))
#: Youth justice reports the latest complete financial year, April 2019 to March 2020.
YOUTH_2019 = period("financial", 2019)


@_remembered
def latest_like(native: Period, first: pd.Timestamp, last: pd.Timestamp, gaps=()) -> Period | None:
    """The latest period of ``native``'s shape that the data from ``first`` to ``last`` covers.

    A whole year keeps its kind (calendar 2020 becomes the latest complete calendar year; an
    assessment year, December to November, the latest complete one), skipping a year with a month
    among ``gaps`` (a month the data lacks); when no year is whole, the latest that ends by ``last``
    (its figures then say how many months the data holds). A year to date (the assessment's April
    to November 2020) runs from the start of its kind's year to ``last``. None when the data ends
    before any period of the kind does.
    """
    first, last = pd.Timestamp(first).replace(day=1), pd.Timestamp(last).replace(day=1)
    if native.whole_year:
        options = [p for p in available(native.kind, first, last) if covered(p, first, last, gaps) == 12]
        if options:
            return options[0]
        ends = [p for p in (period(native.kind, y) for y in range(last.year - 1, last.year + 2))
                if p.end <= last + pd.offsets.MonthEnd(0) and p.end >= first]
        return max(ends, key=lambda p: p.end) if ends else None
    start = period(native.kind, last.year).start
    if start > last:
        start -= pd.DateOffset(years=1)
    return Period(native.kind, start, last + pd.offsets.MonthEnd(0)) if start >= first else None


@_remembered
def covered(p: Period, first: pd.Timestamp, last: pd.Timestamp, gaps=()) -> int:
    """How many of ``p``'s months the data from ``first`` to ``last`` holds (``gaps``: months it lacks)."""
    return int(_held(p, first, last, gaps).sum())


@_remembered
def shortfall(p: Period, first: pd.Timestamp, last: pd.Timestamp, gaps=()) -> str | None:
    """Why the data from ``first`` to ``last`` (``gaps``: months it lacks) does not hold every month
    of ``p``, or None when it does.

    E.g. "the data covers 11 of the 12 months of Dec 2023 to Nov 2024 (Dec 2023 missing)", or, for
    a period wholly before the data, "the data covers 0 of the 12 months of 2023 (it starts in Jan 2024)".
    """
    months = p.months()
    held = _held(p, first, last, gaps)
    if held.all():
        return None
    first, last = pd.Timestamp(first).replace(day=1), pd.Timestamp(last).replace(day=1)
    if not held.any() and months[-1] < first:
        why = f"it starts in {first:%b %Y}"
    elif not held.any() and months[0] > last:
        why = f"it ends in {last:%b %Y}"
    else:
        why = f"{month_runs(months[~held])} missing"
    return f"the data covers {int(held.sum())} of the {len(months)} months of {p.label} ({why})"


@_remembered
def no_comparison(p: Period, first: pd.Timestamp, last: pd.Timestamp, gaps=()) -> str | None:
    """Why a figure for ``p`` may not be compared with the same months a year earlier, or None when
    it may: both periods must be wholly held, every month of each, by the data from ``first`` to
    ``last`` (``gaps``: months it lacks). A change against a period held in part compares a whole
    year with part of one.

    E.g. "no comparison: the data covers 11 of the 12 months of Dec 2023 to Nov 2024 (Dec 2023 missing)".
    """
    why = shortfall(p, first, last, gaps) or shortfall(p.previous(), first, last, gaps)
    return f"no comparison: {why}" if why else None


def month_runs(months, most: int = 3) -> str:
    """Months written as runs of consecutive months: "Dec 2023", "Mar to May 2024", "Dec 2023 and
    Mar 2024"; past ``most`` runs, "... and 4 more months"."""
    months = pd.DatetimeIndex(list(months)).unique().sort_values()
    runs: list[list[pd.Timestamp]] = []
    for month in months:
        if runs and runs[-1][-1] + pd.DateOffset(months=1) == month:
            runs[-1].append(month)
        else:
            runs.append([month])
    words = [_run(run[0], run[-1]) for run in runs[:most]]
    rest = sum(len(run) for run in runs[most:])
    words += [f"{rest} more month{'s' * (rest != 1)}"] if rest else []
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def _run(start: pd.Timestamp, end: pd.Timestamp) -> str:
    if start == end:
        return f"{start:%b %Y}"
    return f"{start:%b} to {end:%b %Y}" if start.year == end.year else f"{start:%b %Y} to {end:%b %Y}"


def _held(p: Period, first: pd.Timestamp, last: pd.Timestamp, gaps=()):
    """Mask of ``p``'s months the data from ``first`` to ``last``, less ``gaps``, holds."""
    months = p.months()
    inside = (months >= pd.Timestamp(first).replace(day=1)) & (months <= pd.Timestamp(last).replace(day=1))
    return inside & ~months.isin(pd.DatetimeIndex(list(gaps)))


def lockdown_share(month: pd.Timestamp) -> float:
    """Share of the days of ``month`` spent in a national lockdown (0 to 1)."""
    first = pd.Timestamp(month).date()
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    # each lockdown's days in the month, from the dates alone (a projection asks for every month of its series)
    inside = sum(max(0, (min(last, date.fromisoformat(e)) - max(first, date.fromisoformat(s))).days + 1)
                 for s, e, _ in LOCKDOWNS)
    return inside / ((last - first).days + 1)
