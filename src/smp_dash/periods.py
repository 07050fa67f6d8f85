"""Calendar, financial, assessment (December to November) and rolling-12-month periods.

A :class:`Period` is a closed range of whole months with a label that says what it is, so
every chart can name its period. Lockdown dates are the English national lockdowns.
"""

from __future__ import annotations

from dataclasses import dataclass

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


@dataclass(frozen=True)
class Period:
    """Whole months from ``start`` (first day) to ``end`` (last day), inclusive."""

    kind: str
    start: pd.Timestamp
    end: pd.Timestamp

    @property
    def whole_year(self) -> bool:
        return self.start + pd.DateOffset(years=1) - pd.Timedelta(days=1) == self.end

    @property
    def label(self) -> str:
        if not self.whole_year:
            return f"{self.start:%b %Y} to {self.end:%b %Y}"
        if self.kind == "calendar":
            return str(self.start.year)
        if self.kind == "financial":
            return f"{self.start.year}/{str(self.start.year + 1)[-2:]}"
        return f"{self.start:%b %Y} to {self.end:%b %Y}"

    @property
    def long_label(self) -> str:
        if not self.whole_year:
            return f"{KIND_LABELS[self.kind].split(' (')[0]} to date, {self.label}"
        return f"{KIND_LABELS[self.kind]} {self.label}" if self.kind in ("calendar", "financial") \
            else f"{KIND_LABELS[self.kind].split(' (')[0]}, {self.label}"

    def previous(self) -> "Period":
        """The same months one year earlier."""
        return Period(self.kind, self.start - pd.DateOffset(years=1),
                      (self.end - pd.DateOffset(years=1)) + pd.offsets.MonthEnd(0))

    def contains(self, dates: pd.Series) -> pd.Series:
        """Mask of ``dates`` that fall within the period."""
        return (dates >= self.start) & (dates <= self.end + pd.Timedelta(hours=23, minutes=59))

    def months(self) -> pd.DatetimeIndex:
        return pd.date_range(self.start, self.end, freq="MS")


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
    first, last = pd.Timestamp(first).replace(day=1), pd.Timestamp(last) + pd.offsets.MonthEnd(0)
    if kind == "rolling":
        ends = pd.date_range(first + pd.DateOffset(months=23 if comparable else 11), last, freq="MS")
        return [period("rolling", e.year, f"{e:%Y-%m}") for e in reversed(ends)]
    out = []
    for year in range(first.year - 1, last.year + 2):
        p = period(kind, year)
        if (p.previous() if comparable else p).start >= first and p.end <= last:
            out.append(p)
    return sorted(out, key=lambda p: p.start, reverse=True)


# The periods the 2020-21 assessment reports its figures for (each figure's "native" period).
CAL_2019, CAL_2020 = period("calendar", 2019), period("calendar", 2020)
ASSESS_2020 = period("assessment", 2020)
FY_2019, FY_2020 = period("financial", 2019), period("financial", 2020)
#: "Financial year to date" in the assessment: April to November 2020 (its data ends in November).
FY_TO_DATE_2020 = Period("financial", pd.Timestamp("2020-04-01"), pd.Timestamp("2020-11-30"))
#: Youth justice reports the latest complete financial year, April 2019 to March 2020.
YOUTH_2019 = period("financial", 2019)


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


def covered(p: Period, first: pd.Timestamp, last: pd.Timestamp, gaps=()) -> int:
    """How many of ``p``'s months the data from ``first`` to ``last`` holds (``gaps``: months it lacks)."""
    months = p.months()
    inside = (months >= pd.Timestamp(first).replace(day=1)) & (months <= pd.Timestamp(last).replace(day=1))
    return int((inside & ~months.isin(pd.DatetimeIndex(list(gaps)))).sum())


def lockdown_share(month: pd.Timestamp) -> float:
    """Share of the days of ``month`` spent in a national lockdown (0 to 1)."""
    days = pd.date_range(month, month + pd.offsets.MonthEnd(0), freq="D")
    inside = sum(((days >= pd.Timestamp(s)) & (days <= pd.Timestamp(e))).sum() for s, e, _ in LOCKDOWNS)
    return inside / len(days)
