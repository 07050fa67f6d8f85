"""What a viewer may see of a sensitive count, decided once for every view: disclosure by construction.

The threat
----------
A viewer can open any view the dashboard offers: any ward selection, any period choice, any page,
any download. Each shows sensitive counts (domestic abuse, hate crime, needle finds) for some
*area* (the borough, a ward, a selection of wards, the rest of the borough) over some *months*
(a month of a chart, a quarter, a headline period and the one before it, a ward map's period).
The viewer subtracts one from another: the borough minus every ward but one, a selection with and
without a ward, a year minus the months of a chart, a calendar year minus a financial year to date.
No count from 1 to 4 may come out, and none may be shown.

The rule
--------
Every cell (area, months) a view shows is tested here, with the same answer in every view, so no
view can show what another view hides. For each set of months the borough's ward counts are
protected as a published ward table is (:func:`smp_dash.disclosure.suppress_counts`: counts of 1
to 4 and the cells that would give them back); the wards it hides, with the rows that have no ward,
form one **hidden group** whose sum is all a reader can learn of them. A cell passes when

1. its count is not from 1 to 4, nor is the rest of the borough's (the area's complement);
2. its area holds the whole hidden group or none of it: then the count is a sum of shown wards'
   counts (each 0 or 5 and more) and, at most, the group's known sum, so subtracting it from any
   other passing count of the same months gives nothing a reader did not know.

Across time, the months a reader can work out for an area are those of every period a view
offers (each kind's whole years, rolling years, the years to date) and every difference of two
of them, one inside the other, again and again (a calendar year less its April to November: the
other four months). These **derivable sets** depend only on the months the data covers; they are
worked out once. Then, for an area (the same answer in every view):

3. its **monthly series** is shown only when every month and every derivable set passes (the
   months add up to all of them); otherwise its series is shown **by calendar year**, the years
   that pass;
4. a twelve-month period is shown when it passes (two twelve-month periods never lie one inside
   the other); a shorter one (a year to date) only when every derivable set passes too.

The whole borough is an area like any other (it holds every hidden group). What a viewer loses:
the monthly chart of an area whose months are small or split a hidden group (a rural ward, every
ward but one), shown by year; a year to date for such an area; and any count that would split
the wards the ward table hides. Partners and analysts may switch disclosure control off (as their
role allows) and see exact counts.

What it does not defend: two overlapping twelve-month periods (rolling years) differ by one set
of months against another, a difference of two counts and not a count, which only reasoning over
many views and the fact that counts are never negative could narrow; projections and
outlier-adjusted figures are estimates, not counts.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from smp_dash import config, disclosure, periods
from smp_dash.disclosure import HIDDEN, Guarded
from smp_dash.periods import Period

MONTH, YEAR = "month", "year"
#: How many answers about areas are remembered (per measure and data version) before starting afresh.
AREAS_REMEMBERED = 20_000
#: Said where an area's series is shown by calendar year.
BY_YEAR = ("Shown by calendar year: disclosure control does not show this area's months, as one holds from 1 to {limit} "
           "or would let one be worked out from another view.")
#: Said where an area's series is not shown at all.
NO_SERIES = ("Not shown: disclosure control does not show this area's months or years, as one holds from 1 to {limit} "
             "or would let one be worked out from another view.")


@dataclass
class Protection:
    """A sensitive measure's counts per ward and month for the whole borough, and what of them may be shown.

    Build with :func:`build`; cheap to ask, as every answer is remembered.
    """

    codes: tuple[str, ...]          # ward codes, then "" for rows without a ward
    months: pd.DatetimeIndex        # every month the dataset covers
    counts: np.ndarray              # (wards + 1) x months
    offered: tuple[np.ndarray, ...]  # month masks of every period a view can show
    threshold: int = field(default_factory=lambda: config.SUPPRESSION_THRESHOLD)
    _groups: dict = field(default_factory=dict, repr=False)
    _grain: dict = field(default_factory=dict, repr=False)

    # -- what a view asks -------------------------------------------------------------------------

    def guard(self, wards, period: Period, *, on: bool = True) -> Guarded:
        """The area's count in ``period`` and the period before, each with why it may not be shown
        (nothing is hidden when ``on`` is False: disclosure control is off)."""
        area = self.area(wards)
        current, previous = (float(self.counts[area][:, self.mask(p)].sum()) for p in (period, period.previous()))
        if not on:
            return Guarded(current, previous)
        return Guarded(current, previous, self.period_hidden(area, period), self.period_hidden(area, period.previous()),
                       selection=bool(wards))

    def period_hidden(self, area: np.ndarray, period: Period) -> str | None:
        """None when the area's count in ``period`` may be shown, else "<5" or "hidden" (rules 1, 2 and 4)."""
        mask = self.mask(period)
        key = (area.tobytes(), mask.tobytes())
        if key not in self._grain:
            why = self.cell(area, mask)
            if not why and mask.sum() != 12 and self.grain(area) != MONTH and not self._derivable_pass(area):
                why = HIDDEN
            self._remember(key, why)
        return self._grain[key]

    def series(self, frame: pd.DataFrame, wards, *, on: bool = True, date: str = "month") -> tuple[pd.DataFrame | None, str]:
        """The area's monthly ``frame`` as it may be shown (rule 3): by month, by calendar year
        (dated 1 January; years that do not pass, and years the data covers in part, left out), or
        not at all (None), and why."""
        if not on:
            return frame, ""
        area = self.area(wards)
        if self.grain(area) == MONTH:
            return frame, ""
        keys = [c for c in frame.columns if c != date and not pd.api.types.is_numeric_dtype(frame[c])]
        numbers = [c for c in frame.columns if c not in keys and c != date and pd.api.types.is_numeric_dtype(frame[c])
                   and not pd.api.types.is_bool_dtype(frame[c])]
        years = [y for y in sorted(set(self.months.year)) if self.cell(area, self.months.year == y) is None
                 and (self.months.year == y).sum() == 12]
        rows = frame[frame[date].dt.year.isin(years)]
        if rows.empty:
            return None, NO_SERIES.format(limit=self.threshold)
        grouped = rows.assign(**{date: rows[date].dt.to_period("Y").dt.to_timestamp()}).groupby([date, *keys], sort=True)
        # a year with a month missing from the data is missing, not the sum of the rest
        out = grouped[numbers].sum(min_count=1).where(grouped[numbers].count() == 12).reset_index()
        return out, BY_YEAR.format(limit=self.threshold)

    def ward_table(self, table: pd.DataFrame, period: Period) -> pd.DataFrame:
        """A ward table (:func:`smp_dash.metrics.ward_table`) as it may be shown, in
        :func:`smp_dash.disclosure.suppress_wards`'s form: each ward's cell of this period and the
        one before hidden exactly where that ward alone, as an area, may not be shown."""
        out = table.copy()
        any_hidden = np.zeros(len(table), dtype=bool)
        totals = []
        for column, p in (("current", period), ("previous", period.previous())):
            if column not in table.columns:
                continue
            why = [self.period_hidden(self.area((code,)), p) for code in table["ward_code"]]
            hidden = np.array([w is not None for w in why])
            small = np.array([w is not None and w != HIDDEN for w in why])
            out[column] = table[column].astype("float64").where(~hidden)
            out[f"{column}_suppressed"], out[f"{column}_secondary"] = hidden, hidden & ~small
            any_hidden |= hidden
            if self.period_hidden(self.area(()), p):
                totals.append(column)
        for column in (c for c in disclosure.DERIVED_COLUMNS if c in table.columns):
            out[column] = table[column].astype("float64").where(~any_hidden)
        out["suppressed"] = any_hidden
        counts = tuple(c for c in ("current", "previous") if c in table.columns)
        out.attrs["disclosure"] = {"threshold": self.threshold, "suppress_zero": False, "count_columns": counts,
                                   "derived_columns": tuple(c for c in disclosure.DERIVED_COLUMNS if c in table.columns),
                                   "hidden_totals": tuple(totals)}
        return out

    # -- the rule -----------------------------------------------------------------------------------

    def area(self, wards) -> np.ndarray:
        """The rows of ``wards`` (every row, with those without a ward, for the whole borough)."""
        if not wards:
            return np.ones(len(self.codes), dtype=bool)
        return np.isin(np.array(self.codes, dtype=object), list(wards)) & (np.array(self.codes, dtype=object) != "")

    def mask(self, period: Period) -> np.ndarray:
        key = ("mask", period.start, period.end)
        if key not in self._groups:
            self._groups[key] = self.months.isin(period.months())
        return self._groups[key]

    def cell(self, area: np.ndarray, mask: np.ndarray) -> str | None:
        """Rules 1 and 2 for one set of months: None, "<5" or "hidden"."""
        values = self._sums(mask)
        small = disclosure.small_count(values[area].sum(), True, self.threshold)
        if small:
            return small
        if not area.all() and disclosure.small_count(values[~area].sum(), True, self.threshold):
            return HIDDEN
        group, closed = self._group(mask, values)
        if closed:
            return HIDDEN
        inside = group & area
        return HIDDEN if inside.any() and (group & ~area).any() else None

    def _sums(self, mask: np.ndarray) -> np.ndarray:
        key = ("sums", mask.tobytes())
        if key not in self._groups:
            self._groups[key] = self.counts[:, mask].sum(axis=1)
        return self._groups[key]

    def grain(self, area: np.ndarray) -> str:
        """Rule 3: MONTH when the area's months may be shown, else YEAR (the same in every view)."""
        key = area.tobytes()
        if key not in self._grain:
            months = all(self.cell(area, m == self.months) is None for m in self.months)
            self._remember(key, MONTH if months and self._derivable_pass(area) else YEAR)
        return self._grain[key]

    def _derivable_pass(self, area: np.ndarray) -> bool:
        key = ("derivable", area.tobytes())
        if key not in self._grain:
            self._remember(key, all(self.cell(area, m) is None for m in self.derivable()))
        return self._grain[key]

    def _remember(self, key, answer) -> None:
        """Keep an area's answer; areas are the viewers' to choose, so the memory is bounded."""
        if len(self._grain) >= AREAS_REMEMBERED:
            self._grain.clear()
        self._grain[key] = answer

    def derivable(self) -> tuple[np.ndarray, ...]:
        """The derivable sets: the offered periods and every nested difference of them, repeatedly."""
        if "derivable" not in self._groups:
            self._groups["derivable"] = derivable_sets(self.offered, len(self.months))
        return self._groups["derivable"]

    def _group(self, mask: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, bool]:
        """The hidden group for a set of months: wards the ward table hides, and rows without a ward."""
        key = mask.tobytes()
        if key not in self._groups:
            # the ward table's rule (disclosure.suppress_counts), on the numbers alone: it runs for every
            # set of months a reader can work out, so without building a frame each time
            primary, secondary, closed = disclosure.protect_column(values[:-1], self.threshold)
            self._groups[key] = (np.append(primary | secondary, values[-1] > 0), closed)
        return self._groups[key]


def derivable_sets(offered, n: int, limit: int = 5000) -> tuple[np.ndarray, ...]:
    """``offered`` month masks closed under nested difference (A less B where B lies inside A)."""
    sets = {int("".join("1" if x else "0" for x in m[::-1]) or "0", 2) for m in offered}
    sets.discard(0)
    fresh = set(sets)
    while fresh and len(sets) < limit:
        found = set()
        for a in fresh:
            for b in sets:
                if a != b:
                    if a & b == b:
                        found.add(a & ~b)
                    elif a & b == a:
                        found.add(b & ~a)
        fresh = found - sets - {0}
        sets |= fresh
    if fresh:   # too many to list: take every single month as derivable, which asks the most of an area
        sets |= {1 << i for i in range(n)}
    return tuple(np.array([(s >> i) & 1 for i in range(n)], dtype=bool) for s in sorted(sets))


def build(rows: pd.DataFrame, ward_codes, first: pd.Timestamp, last: pd.Timestamp, *, date: str = "month",
          weight: str | None = "n", threshold: int | None = None) -> Protection:
    """The protection of one measure: ``rows`` are its rows for the whole borough (``ward_code``,
    ``date``, ``weight``), ``ward_codes`` every ward of the borough, ``first`` to ``last`` the months
    its dataset covers."""
    months = pd.date_range(pd.Timestamp(first).replace(day=1), pd.Timestamp(last).replace(day=1), freq="MS")
    codes = tuple(ward_codes) + ("",)
    month = rows[date].dt.to_period("M").dt.to_timestamp() if date != "month" else rows[date]
    values = rows[weight] if weight else pd.Series(1, index=rows.index)
    ward = rows["ward_code"].where(rows["ward_code"].isin(codes[:-1]), "").fillna("")
    table = values.groupby([ward.to_numpy(), month.to_numpy()]).sum().unstack(fill_value=0)
    table = table.reindex(index=list(codes), columns=months, fill_value=0)
    return Protection(codes, months, table.to_numpy(dtype="float64"), offered_masks(months),
                      threshold=config.SUPPRESSION_THRESHOLD if threshold is None else threshold)


def offered_masks(months: pd.DatetimeIndex) -> tuple[np.ndarray, ...]:
    """Every period a view can show within ``months``: each kind's whole periods and the year to
    date of each kind's latest year (the assessment's own April to November among them)."""
    if not len(months):
        return ()
    first, last = months[0], months[-1]
    spans = {p for kind in periods.KINDS for p in periods.available(kind, first, last)}
    to_date = {periods.FY_TO_DATE_2020, periods.latest_like(periods.FY_TO_DATE_2020, first, last)} - {None}
    spans |= to_date | {p.previous() for p in to_date}
    masks = {}
    for p in spans:
        mask = months.isin(p.months())
        if mask.any() and mask.sum() == len(p.months()):
            masks[mask.tobytes()] = mask
    return tuple(masks.values())
