"""Counts, changes, shares and rankings: frames in, frames (or numbers) out.

Nothing here reads files or draws; every function takes the frames it needs and returns new
objects, leaving its inputs untouched.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from smp_dash import config, schema, store
from smp_dash.periods import Period


def pct_change(current: float, previous: float) -> float:
    """Percentage change from ``previous`` to ``current`` (NaN when previous is 0)."""
    return (current - previous) / previous * 100 if previous else math.nan


def share(part: float, whole: float) -> float:
    """``part`` as a percentage of ``whole`` (NaN when whole is 0)."""
    return part / whole * 100 if whole else math.nan


def change_text(current: float, previous: float, against: str = "", decimals: int = 0) -> str | None:
    """ "+23 (-21%) on 2018/19", or None when either side is unknown (so no arrow is drawn)."""
    if not all(v is not None and np.isfinite(v) for v in (current, previous)):
        return None
    text = f"{current - previous:+,.0f} ({format_pct(pct_change(current, previous), decimals)})"
    return f"{text} on {against}" if against else text


def format_pct(value: float, decimals: int = 0, signed: bool = True) -> str:
    """A percentage as the assessment writes it: "+21%", "-5.4%", "n/a" when undefined."""
    if value is None or not np.isfinite(value):
        return "n/a"
    text = f"{abs(value):.{decimals}f}%"
    if not signed or round(value, decimals) == 0:
        return text
    return ("+" if value > 0 else "-") + text


def in_period(frame: pd.DataFrame, column: str, period: Period) -> pd.DataFrame:
    """Rows of ``frame`` whose ``column`` date falls in ``period``."""
    return frame[period.contains(frame[column])]


def count(frame: pd.DataFrame, column: str, period: Period, weight: str | None = None) -> int:
    """Rows (or the sum of ``weight``) in ``period``."""
    rows = in_period(frame, column, period)
    return int(rows[weight].sum()) if weight else int(len(rows))


def compare(frame: pd.DataFrame, column: str, period: Period, by: str | None = None,
            weight: str | None = None) -> pd.DataFrame:
    """This period against the same months a year earlier, overall or per ``by``.

    Returns columns [by,] current, previous, change, pct_change; one row per group (or one).
    """
    cur = _total(in_period(frame, column, period), by, weight)
    old = _total(in_period(frame, column, period.previous()), by, weight)
    if by is None:
        out = pd.DataFrame({"current": [int(cur)], "previous": [int(old)]})
    else:
        out = pd.DataFrame({"current": cur, "previous": old}).fillna(0).astype(int).reset_index()
    out["change"] = out["current"] - out["previous"]
    out["pct_change"] = [pct_change(c, p) for c, p in zip(out["current"], out["previous"])]
    return out


def _total(rows: pd.DataFrame, by: str | None, weight: str | None):
    if by is None:
        return rows[weight].sum() if weight else len(rows)
    groups = rows.groupby(by, observed=True)
    return groups[weight].sum() if weight else groups.size()


def da_class(crimes: pd.DataFrame) -> pd.Series:
    """The assessment's DA classes: violence against the person, sexual offences, other."""
    sub = crimes["offence_subgroup"]
    return pd.Series(np.where(sub == "Violence against the person", "Violence against the person",
                              np.where(sub == "Sexual offences", "Sexual offences", "Other")),
                     index=crimes.index, name="da_class")


def ward_ranking(frame: pd.DataFrame, column: str, period: Period, wards: pd.DataFrame,
                 weight: str | None = None) -> pd.DataFrame:
    """Every ward's count in ``period`` and the previous one, ranked (1 = most).

    Wards with no rows are kept with zero, so a map or table shows the whole borough.
    """
    table = compare(frame, column, period, by="ward_code", weight=weight)
    table = wards[["ward_code", "ward_name"]].merge(table, on="ward_code", how="left")
    for col in ("current", "previous", "change"):
        table[col] = table[col].fillna(0).astype(int)
    table["pct_change"] = [pct_change(c, p) for c, p in zip(table["current"], table["previous"])]
    table = table.sort_values(["current", "ward_name"], ascending=[False, True], kind="stable")
    table["rank"] = np.arange(1, len(table) + 1)
    return table.reset_index(drop=True)


def top_locations(needles: pd.DataFrame, period: Period, n: int = 5, include_bulk: bool = True) -> pd.DataFrame:
    """The ``n`` places with most needles found in ``period`` (rank, location_name, needles)."""
    rows = in_period(without_bulk(needles, include_bulk), "found", period)
    table = (rows.groupby("location_name", observed=True)["needles"].sum()
             .reset_index().sort_values(["needles", "location_name"], ascending=[False, True], kind="stable")
             .head(n).reset_index(drop=True))
    table.insert(0, "rank", np.arange(1, len(table) + 1))
    return table


def needle_change(needles: pd.DataFrame, period: Period, include_bulk: bool = True) -> pd.DataFrame:
    """Needles found this period and the previous one, with or without bulk incidents."""
    return compare(without_bulk(needles, include_bulk), "found", period, weight="needles")


def indicator_value(indicators: pd.DataFrame, indicator_id: str, start: str, end: str | None = None,
                    breakdown: str | None = None) -> float:
    """The value of one indicator row (or the sum over rows) starting at ``start``.

    With ``end`` the rows falling between ``start`` and ``end`` are summed (monthly series).
    """
    rows = indicators[indicators["indicator_id"] == indicator_id]
    if breakdown is not None:
        rows = rows[rows["breakdown"] == breakdown]
    if end is None:
        rows = rows[rows["period_start"] == pd.Timestamp(start)]
    else:
        rows = rows[(rows["period_start"] >= pd.Timestamp(start)) & (rows["period_end"] <= pd.Timestamp(end))]
    if rows.empty:
        return math.nan
    return float(rows["value"].sum())


def indicator_latest(indicators: pd.DataFrame, indicator_id: str, *, within: Period | None = None,
                     until: pd.Timestamp | None = None) -> pd.Series | None:
    """The newest row of one indicator (period_start, period_end, value, label, unit, source), or None.

    ``within``: only a row whose period starts in that period (the year a page shows); ``until``:
    only one starting by that date. A figure is read with the period it covers, never at a date
    typed into the page.
    """
    rows = indicators[indicators["indicator_id"] == indicator_id]
    if within is not None:
        rows = rows[within.contains(rows["period_start"])]
    if until is not None:
        rows = rows[rows["period_start"] <= pd.Timestamp(until)]
    if rows.empty:
        return None
    return rows.sort_values("period_start", kind="stable").iloc[-1]


# Aggregates the pages draw from. The app keeps small "cubes" (counts per month, ward and the
# dimensions a page splits by) so a filter change regroups thousands of rows, not every row. The
# store writes them at every commit (store.CUBES); built here from rows for frames not from the store.

#: Counts per month and dimensions (``store.cube``): defined beside the cubes the store keeps,
#: which are written at every commit, so that the store (a lower layer) builds them the same way.
cube = store.cube


def in_wards(frame: pd.DataFrame, wards: tuple[str, ...] | list[str] | None) -> pd.DataFrame:
    """Rows in ``wards`` (ward codes); all rows when ``wards`` is empty or None."""
    if not wards:
        return frame
    return frame[frame["ward_code"].isin(wards)]


def monthly(frame: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp, *, date: str = "month",
            weight: str | None = "n", by: str | None = None, gaps=()) -> pd.DataFrame:
    """Monthly totals from ``start`` to ``end`` with empty months as zero (month, [by], value).

    ``gaps`` are months the data does not hold (a month police.uk did not publish): their value is
    missing (NaN, the column then float), never zero.
    """
    if len(gaps):
        out = monthly(frame, start, end, date=date, weight=weight, by=by)
        return out.assign(value=out["value"].astype("float64").where(~out["month"].isin(pd.DatetimeIndex(list(gaps)))))
    months = pd.date_range(pd.Timestamp(start).replace(day=1), end, freq="MS")
    dates = frame[date].dt.to_period("M").dt.to_timestamp() if date != "month" else frame[date]
    rows = frame.assign(month=dates)
    rows = rows[(rows["month"] >= months[0]) & (rows["month"] <= months[-1])] if len(months) else rows.iloc[0:0]
    values = rows[weight] if weight else pd.Series(1, index=rows.index)
    if by is None:
        series = values.groupby(rows["month"]).sum().reindex(months, fill_value=0)
        return pd.DataFrame({"month": months, "value": series.to_numpy().astype(int)})
    table = values.groupby([rows["month"], rows[by]], observed=True).sum().unstack(fill_value=0)
    table = table.reindex(months, fill_value=0)
    out = table.stack().rename("value").reset_index()
    out.columns = ["month", by, "value"]
    out["value"] = out["value"].astype(int)
    return out


def period_totals(frame: pd.DataFrame, spans: list, *, date: str = "month", weight: str | None = "n") -> pd.DataFrame:
    """Totals for each of ``spans`` (Periods), oldest first: label, start, value."""
    rows = []
    for span in sorted(spans, key=lambda p: p.start):
        sel = in_period(frame, date, span)
        rows.append({"label": span.label, "start": span.start,
                     "value": int(sel[weight].sum()) if weight else int(len(sel))})
    return pd.DataFrame(rows, columns=["label", "start", "value"])


def rate_per_1000(count: pd.Series, population: pd.Series) -> pd.Series:
    """``count`` per 1,000 residents (NaN where population is missing or zero)."""
    pop = population.astype("float64").where(population > 0)
    return count / pop * 1000


def ward_table(frame: pd.DataFrame, period: Period, wards: pd.DataFrame, population: pd.DataFrame,
               *, date: str = "month", weight: str | None = "n", rural: tuple[str, ...] = ()) -> pd.DataFrame:
    """Every ward with this period's count, the previous one, change, rate per 1,000 and rank.

    ``population`` holds ward_code, year, population; the latest year not after the period's
    end is used. ``rural`` names the wards marked rural.
    """
    table = ward_ranking(frame, date, period, wards, weight=weight)
    pop = _population_for(population, period.end.year)
    table = table.merge(pop, on="ward_code", how="left")
    table["rate"] = rate_per_1000(table["current"], table["population"].fillna(0))
    table["rural"] = table["ward_name"].isin(rural)
    table.attrs["population_year"] = population_year(population, period.end.year)   # what its rates rest on
    return table


def population_year(population: pd.DataFrame, year: int) -> int | None:
    """The year of ``population`` a rate for ``year`` uses: the latest not after it, else the
    earliest held; None when none is loaded."""
    if population.empty:
        return None
    years = population.loc[population["year"] <= year, "year"]
    return int(years.max() if len(years) else population["year"].min())


def _population_for(population: pd.DataFrame, year: int) -> pd.DataFrame:
    if population.empty:
        return pd.DataFrame({"ward_code": pd.Series(dtype="object"), "population": pd.Series(dtype="float64")})
    rows = population[population["year"] == population_year(population, year)]
    return rows[["ward_code", "population"]].astype({"population": "float64"})


def indicator_series(indicators: pd.DataFrame, indicator_id: str, breakdown: bool = False) -> pd.DataFrame:
    """All rows of one indicator, oldest first (period_start, period_end, value[, breakdown])."""
    rows = indicators[indicators["indicator_id"] == indicator_id]
    cols = ["period_start", "period_end", "value", "source", "note"] + (["breakdown"] if breakdown else [])
    return rows[cols].sort_values(["period_start"] + (["breakdown"] if breakdown else []), kind="stable") \
        .reset_index(drop=True)


def share_table(frame: pd.DataFrame, period: Period, by: str, *, date: str = "month", weight: str | None = "n") -> pd.DataFrame:
    """Counts and shares of ``by`` within ``period``, largest first (by, value, share)."""
    rows = in_period(frame, date, period)
    values = rows[weight] if weight else pd.Series(1, index=rows.index)
    counts = values.groupby(rows[by], observed=True).sum()
    counts = counts[counts > 0].sort_values(ascending=False, kind="stable")
    total = counts.sum()
    out = counts.rename("value").reset_index()
    out["share"] = out["value"] / total * 100 if total else math.nan
    return out


def area_vs_rest(frame: pd.DataFrame, period: Period, area: tuple[str, ...], population: pd.DataFrame,
                 *, date: str = "month", weight: str | None = "n") -> pd.DataFrame:
    """The focus ``area`` (ward codes) against the rest of the borough: counts, rates, change."""
    pop = _population_for(population, period.end.year)
    inside = frame["ward_code"].isin(area)
    rows = []
    for name, mask, wards in (("Focus area", inside, pop["ward_code"].isin(area)),
                              ("Rest of borough", ~inside, ~pop["ward_code"].isin(area))):
        table = compare(frame[mask], date, period, weight=weight).iloc[0]
        people = float(pop.loc[wards, "population"].sum())
        rows.append({"area": name, "current": int(table["current"]), "previous": int(table["previous"]),
                     "pct_change": table["pct_change"], "population": people,
                     "rate": table["current"] / people * 1000 if people else math.nan})
    return pd.DataFrame(rows)


def indicator_window(indicators: pd.DataFrame, indicator_id: str, period: Period) -> dict:
    """A monthly indicator summed over ``period`` and the same months a year earlier."""
    rows = indicators[indicators["indicator_id"] == indicator_id].rename(columns={"period_start": "month"})
    now, before = in_period(rows, "month", period), in_period(rows, "month", period.previous())
    # A window the series does not cover month by month is unknown, never a partial sum.
    months = len(period.months())
    cur = float(now["value"].sum()) if now["month"].nunique() == months else math.nan
    prev = float(before["value"].sum()) if before["month"].nunique() == months else math.nan
    return {"current": cur, "previous": prev, "change": cur - prev, "pct_change": pct_change(cur, prev),
            "available": not math.isnan(cur), "months": now[["month", "value"]].reset_index(drop=True),
            "previous_months": before[["month", "value"]].reset_index(drop=True)}


def needle_monthly(needles: pd.DataFrame, start, end, include_bulk: bool = True) -> pd.DataFrame:
    """Needles found per month (month, value, bulk: whether a bulk incident fell in the month)."""
    out = monthly(without_bulk(needles, include_bulk), start, end, date="found", weight="needles")
    bulk_months = needles.loc[needles["bulk_incident"].astype(bool), "found"].dt.to_period("M").dt.to_timestamp()
    out["bulk"] = out["month"].isin(bulk_months)
    return out


def encampment_summary(encampments: pd.DataFrame) -> pd.DataFrame:
    """Per year: encampments, distinct locations, average and total days in situ."""
    rows = encampments.assign(year=encampments["started"].dt.year,
                              days=(encampments["ended"] - encampments["started"]).dt.days)
    out = rows.groupby("year").agg(encampments=("location_name", "size"), locations=("location_name", "nunique"),
                                   average_days=("days", "mean"), total_days=("days", "sum"),
                                   longest_days=("days", "max")).reset_index()
    return out.astype({"year": int})


def enforcement_table(enforcement: pd.DataFrame, year: int) -> pd.DataFrame:
    """Warnings, notices and penalties issued in ``year`` by category (action, category, issued, with_police)."""
    rows = enforcement[enforcement["issued"].dt.year == year]
    out = rows.groupby(["action", "category"], observed=True).agg(
        issued=("category", "size"), with_police=("with_police", "sum")).reset_index()
    return out.astype({"issued": int, "with_police": int})


def district_table(indicators: pd.DataFrame, indicator_id: str, year: int) -> pd.DataFrame:
    """A by-district indicator for ``year`` and the year before (lad_name, current, previous, change %)."""
    rows = indicators[indicators["indicator_id"] == indicator_id]
    pick = lambda y: rows[rows["period_start"] == pd.Timestamp(f"{y}-01-01")].set_index("breakdown")["value"]
    out = pd.DataFrame({"current": pick(year), "previous": pick(year - 1)}).fillna(0)
    out.index.name = "lad_name"
    out = out.reset_index().sort_values("current", ascending=False, kind="stable").reset_index(drop=True)
    out["pct_change"] = [pct_change(c, p) for c, p in zip(out["current"], out["previous"])]
    return out


def maidstone_vs_kent(crimes: pd.DataFrame, indicators: pd.DataFrame, indicator_id: str, crime_type: str | None,
                      years: range) -> pd.DataFrame:
    """Calendar-year totals for the borough (from its crimes) and for Kent (from district indicators)."""
    rows = []
    subset = crimes if crime_type is None else crimes[crimes["crime_type"] == crime_type]
    kent = indicators[indicators["indicator_id"] == indicator_id]
    for year in years:
        start, end = pd.Timestamp(f"{year}-01-01"), pd.Timestamp(f"{year}-12-31")
        mine = subset[(subset["month"] >= start) & (subset["month"] <= end)]
        rows.append({"year": year, "area": "Maidstone", "value": int(mine["n"].sum() if "n" in mine else len(mine))})
        county = kent[kent["period_start"] == start]["value"]
        if len(county):
            rows.append({"year": year, "area": "Kent", "value": int(county.sum())})
    return pd.DataFrame(rows, columns=["year", "area", "value"])


def calendar_years(crimes: pd.DataFrame, first: pd.Timestamp, last: pd.Timestamp, weight: str | None = "n") -> pd.DataFrame:
    """Totals for every complete calendar year in the data (label, start, value)."""
    from smp_dash.periods import available

    return period_totals(crimes, available("calendar", first, last), weight=weight)


def referral_table(indicators: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Mental health referrals by age band for ``period`` and the previous year."""
    rows = []
    for band, indicator in (("18-64", "mh_referrals_18_64"), ("65+", "mh_referrals_65_plus")):
        cur = indicator_value(indicators, indicator, f"{period.start:%Y-%m-%d}")
        prev = indicator_value(indicators, indicator, f"{period.previous().start:%Y-%m-%d}")
        rows.append({"age_band": band, "current": cur, "previous": prev, "pct_change": pct_change(cur, prev)})
    return pd.DataFrame(rows)


#: The CSVG case mix: each concern and its indicator (share of cases, %).
CSVG_CONCERNS = (("Mental health", "csvg_mental_health_share"), ("Substance misuse", "csvg_substance_misuse_share"))


def csvg_mix(indicators: pd.DataFrame, period: Period) -> pd.DataFrame:
    """The CSVG case mix for ``period`` (concern, share %): each concern's share from the row whose
    period starts in ``period``, NaN where there is none."""
    rows = [indicator_latest(indicators, ind, within=period) for _, ind in CSVG_CONCERNS]
    return pd.DataFrame({"concern": [name for name, _ in CSVG_CONCERNS],
                         "share": [math.nan if row is None else float(row["value"]) for row in rows]})


def youth_summary(indicators: pd.DataFrame, period: Period) -> dict:
    """Youth offences and offenders for ``period`` and the year before, with the series behind them."""
    offences = indicator_series(indicators, "youth_offences")
    offences["label"] = offences["period_start"].dt.year.map(lambda y: f"{y}/{str(y + 1)[-2:]}")
    bands = indicator_series(indicators, "youth_offenders_by_age", breakdown=True)
    bands["label"] = bands["period_start"].dt.year.map(lambda y: f"{y}/{str(y + 1)[-2:]}")
    pick = lambda frame, p: float(frame.loc[frame["period_start"] == p.start, "value"].sum(min_count=1))
    return {"offences": pick(offences, period), "offences_previous": pick(offences, period.previous()),
            "offenders": pick(bands, period), "offenders_previous": pick(bands, period.previous()),
            "series": offences, "bands": bands}


def focus_comparison(measures: dict, period: Period, area: tuple[str, ...], population: pd.DataFrame) -> pd.DataFrame:
    """Each measure for the focus ``area`` and the rest of the borough (measure, area, current, rate, ...).

    ``measures`` maps a name to (frame, date column, weight column).
    """
    tables = []
    for name, (frame, date, weight) in measures.items():
        tables.append(area_vs_rest(frame, period, area, population, date=date, weight=weight).assign(measure=name))
    out = pd.concat(tables, ignore_index=True)
    return out[["measure", "area", "current", "previous", "pct_change", "population", "rate"]]


def focus_trend(frame: pd.DataFrame, area: tuple[str, ...], start, end, *, date: str = "month",
                weight: str | None = "n", population: pd.DataFrame) -> pd.DataFrame:
    """Monthly counts and rates per 1,000 for the focus area and the rest (month, area, value, rate)."""
    names = ["Focus area", "Rest of borough"]
    labelled = frame.assign(area=frame["ward_code"].isin(area).map({True: names[0], False: names[1]}))
    out = monthly(labelled, start, end, date=date, weight=weight, by="area")
    months = pd.date_range(pd.Timestamp(start).replace(day=1), end, freq="MS")
    grid = pd.MultiIndex.from_product([months, names], names=["month", "area"])
    out = out.set_index(["month", "area"])["value"].reindex(grid, fill_value=0).reset_index()  # an empty area keeps its line
    pop = _population_for(population, pd.Timestamp(end).year)
    people = {names[0]: pop.loc[pop["ward_code"].isin(area), "population"].sum(),
              names[1]: pop.loc[~pop["ward_code"].isin(area), "population"].sum()}
    out["rate"] = rate_per_1000(out["value"], out["area"].map(people))
    return out


def filter_actions(actions: pd.DataFrame, priorities=None, statuses=None) -> pd.DataFrame:
    """Actions of the given priorities and statuses (all when a list is empty)."""
    rows = actions
    if priorities:
        rows = rows[rows["priority"].isin(priorities)]
    if statuses:
        rows = rows[rows["status"].isin(statuses)]
    return rows.reset_index(drop=True)


def action_status_counts(actions: pd.DataFrame) -> pd.DataFrame:
    """How many actions have each status (status, actions), in the schema's order."""
    from smp_dash.schema import ACTION_STATUSES

    counts = actions["status"].value_counts().reindex(ACTION_STATUSES, fill_value=0)
    return counts.rename("actions").rename_axis("status").reset_index()


def needle_points(needles: pd.DataFrame, period: Period, include_bulk: bool = True) -> pd.DataFrame:
    """Needles found per place in ``period`` for a map layer (longitude, latitude, label, size)."""
    rows = in_period(without_bulk(needles, include_bulk), "found", period)
    out = rows.groupby(["location_name", "longitude", "latitude"], as_index=False)["needles"].sum()
    return out.rename(columns={"location_name": "label", "needles": "size"})


def without_bulk(needles: pd.DataFrame, include_bulk: bool) -> pd.DataFrame:
    """``needles`` as they are, or without bulk incidents when ``include_bulk`` is False."""
    return needles if include_bulk else needles[~needles["bulk_incident"].astype(bool)]


SIGNIFICANCE_NOTE = ("* beyond chance (exact Poisson test, 5%); changes without a mark are within chance; "
                     "'small numbers' are too few to judge.")


def change_labels(table: pd.DataFrame, decimals: int = 0) -> pd.Series:
    """Each row's % change marked by what chance could explain: "+21% *", "-5%", "+50% (small numbers)"."""
    from smp_dash.significance import poisson_change

    def label(current, previous, pct):
        test = poisson_change(current, previous)
        mark = " (small numbers)" if test.small_numbers else " *" if test.significant else ""
        return format_pct(pct, decimals) + mark

    return pd.Series([label(c, p, v) for c, p, v in zip(table["current"], table["previous"], table["pct_change"])],
                     index=table.index, name="label")


def overlay(frame: pd.DataFrame, first: pd.Timestamp, period: Period, exclude_outliers: bool = False, *,
            last: pd.Timestamp | None = None, gaps=()):
    """This period's months against the same calendar months a year earlier, for an overlay chart.

    The data runs from ``first`` to ``last`` (the period's end when None) without the months in
    ``gaps``; a month of either period outside it has no value (NaN), never 0. Outliers are judged
    on the whole monthly series (``outliers.flag_series``) and flagged (column ``outlier``), or
    replaced by the median of the months before them when ``exclude_outliers``.

    Returns
    -------
    tuple
        (now, before, note, excluded): each period's months (month, value, outlier), one row per
        month of the period in order, so row i of ``before`` is row i of ``now`` a year earlier;
        the sentence for the chart's caption; and the months replaced ("" if none).
    """
    from smp_dash import outliers

    series = monthly(frame, first, period.end if last is None else last, gaps=gaps)
    flags = outliers.flag_series(series)
    flagged = series.loc[flags, "month"]
    shown = series.assign(outlier=flags)
    if exclude_outliers and flags.any():
        shown = outliers.without(series, flags).assign(outlier=False)
    inside = flagged[period.contains(flagged) | period.previous().contains(flagged)].dt.strftime("%b %Y").tolist()
    note = excluded = ""
    if inside:
        note = (f"Excluded: {', '.join(inside)}, replaced by the median of the {outliers.WINDOW} months before."
                if exclude_outliers else f"Flagged outliers ({outliers.RULE}): {', '.join(inside)}.")
        excluded = ", ".join(inside) if exclude_outliers else ""
    return _months_of(shown, period), _months_of(shown, period.previous()), note, excluded


def _months_of(series: pd.DataFrame, p: Period) -> pd.DataFrame:
    """Every month of ``p`` with its value and flag from ``series`` (month, value, outlier); NaN where absent."""
    out = pd.DataFrame({"month": p.months()}).merge(series[["month", "value", "outlier"]], on="month", how="left")
    return out.assign(value=out["value"].astype("float64"), outlier=out["outlier"].fillna(False).astype(bool))


def overlay_table(now: pd.DataFrame, before: pd.DataFrame) -> pd.DataFrame:
    """An overlay's data as one table: each month of ``now`` (month, value, ...) with the value of the
    same calendar month a year earlier from ``before`` (previous_month, previous), paired by month,
    never by row; NaN where ``before`` lacks it."""
    earlier = now["month"] - pd.DateOffset(years=1)
    values = before.drop_duplicates("month", keep="last").set_index("month")["value"] if len(before) else pd.Series(dtype="float64")
    return now.assign(previous_month=earlier.to_numpy(), previous=earlier.map(values).astype("float64").to_numpy())


def compare_excluding(frame: pd.DataFrame, period: Period, exclude_outliers: bool, *, date: str = "month",
                      weight: str | None = "n", history: int = 24) -> dict:
    """``compare`` for one measure, optionally with flagged outlier months replaced.

    With ``exclude_outliers`` the monthly series (from ``history`` months before the previous
    period) is flagged by the robust rule in :mod:`smp_dash.outliers`, flagged months are
    replaced by the median of the months before them, and the period totals are summed from
    the result. ``excluded`` lists the months replaced (within either period).
    """
    from smp_dash import outliers

    row = compare(frame, date, period, weight=weight).iloc[0]
    out = {"current": float(row["current"]), "previous": float(row["previous"]), "excluded": []}
    if exclude_outliers:
        start = period.previous().start - pd.DateOffset(months=history)
        series = monthly(frame, start, period.end, date=date, weight=weight)
        flags = outliers.flag_series(series)
        cleaned = outliers.without(series, flags)
        for key, span in (("current", period), ("previous", period.previous())):
            inside = span.contains(cleaned["month"])
            out[key] = float(round(cleaned.loc[inside, "value"].sum()))  # a count, medians can be halves
            out["excluded"] += cleaned.loc[inside & flags, "month"].dt.strftime("%b %Y").tolist()
    out["change"] = out["current"] - out["previous"]
    out["pct_change"] = pct_change(out["current"], out["previous"])
    return out


def aggregates(frames: dict[str, pd.DataFrame]) -> dict:
    """What the pages and the data pack draw from, built once from the store's frames (rows).

    Crimes, ASB and service requests become cubes (``store.CUBES``: counts per month, ward and
    the dimensions the pages split by); the other datasets are kept as they are.
    """
    return from_cubes({name: (store.dataset_cube(name, frame) if name in store.CUBES else frame)
                       for name, frame in frames.items()})


def from_cubes(frames: dict[str, pd.DataFrame]) -> dict:
    """:func:`aggregates` of frames whose crimes, ASB and service requests are already cubes
    (``store.read_pages``). ``first_month`` and ``last_month`` bound the crime data (the
    demonstration start when there is none)."""
    crimes = frames["crimes"]
    months = crimes["month"] if len(crimes) else pd.Series([pd.Timestamp(config.DEMO_START)])
    return {
        "crimes": crimes,
        "asb": frames["asb_incidents"],
        "requests": frames["service_requests"],
        "needles": frames["needle_finds"],
        "enforcement": frames["enforcement"],
        "encampments": frames["encampments"],
        "indicators": frames["indicators"],
        "actions": frames["actions"],
        "population": frames["population"],
        **{name: frames[name] if name in frames else schema.empty(name)
           for name in ("csp_crime", "lad_population", "csp_comparators")},
        "first_month": pd.Timestamp(months.min()),
        "last_month": pd.Timestamp(months.max()),
    }
