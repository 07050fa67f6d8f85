"""What-if scenarios: a seasonal baseline for the next months, levers on top, partner workload.

Frames in, frames out; nothing here reads files or draws to a page.

The method
----------
:func:`project` gives a seasonal-index baseline. Seasonal indices come from the last ``years``
whole years of the series (month-of-year mean over the mean of the twelve month means, so they
average 1); the level is the mean deseasonalised value of the last 12 months; the projection for
a future month is level x that month's index. Months mostly spent in a national lockdown
(:data:`smp_dash.periods.LOCKDOWNS`, at least :data:`LOCKDOWN_SHARE` of their days) are left out
of the indices and the level by default, because 2020 was irregular. The 95% band treats each
month as a Poisson count inflated by the overdispersion of the deseasonalised values,
phi = max(1, variance / mean): baseline +/- 1.96 sqrt(phi x baseline), the lower edge clipped at 0.
A series shorter than 24 months cannot show a seasonal pattern: its projection is flat at the
mean of its last 12 months, and its ``method`` column says so.

:func:`apply` then multiplies the baseline by the levers (an uplift over chosen months, a change in
recording practice from a month onward) and adds a one-off event, and :func:`workload` turns the
extra cases into partner work at the ratios :func:`current_ratios` reads from the data.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Iterable, Mapping

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from smp_dash import charts, measures, metrics, periods

MEASURES = ("Domestic abuse", "ASB incidents", "Drug offences", "Needles found")
#: The measures that count people or their places, under disclosure control for a ward selection.
SENSITIVE = ("Domestic abuse", "Needles found")
#: Each measure's definition in ``smp_dash.measures`` (its rows, and what the data must hold for it).
MEASURE_IDS = {"Domestic abuse": "domestic_abuse", "ASB incidents": "asb", "Drug offences": "drug_offences",
               "Needles found": "needles"}
_RULES = {name: MEASURE_IDS[name] for name in ("Domestic abuse", "Drug offences")}
#: The dataset each measure's partner workload ratio reads (:func:`current_ratios`), beside the measure's own.
RATIO_DATASETS = {"Domestic abuse": "indicators", "ASB incidents": "enforcement"}
#: The normal quantile of a two-sided 95% band.
Z95 = 1.96
#: A month counts as a lockdown month when at least this share of its days was in a national lockdown.
LOCKDOWN_SHARE = 0.5
#: Fewer months than this and the projection is flat (two whole years are needed to see a season).
MIN_SEASONAL_MONTHS = 24
SEASONAL, FLAT = "seasonal", "flat"
#: What a scenario with no name is called.
UNNAMED = "Unnamed scenario"
#: The method in words, for the page (the details of one projection are in its ``attrs["method_text"]``).
METHOD = """\
- **Seasonal pattern.** For each month of the year, the mean of that month over the last three whole years,
  divided by the mean of the twelve month means (so the indices average 1).
- **Level.** The mean of the last 12 months after dividing each by its month's index.
- **Baseline.** Level x the month's index, for each of the next 12 months.
- **Lockdowns.** Months at least half spent in a national lockdown are left out of the pattern and the level:
  they were irregular and would otherwise set the baseline (the projection's own note names any left out).
- **95% band.** Counts are treated as Poisson, widened by the overdispersion phi of the deseasonalised months
  (variance over mean, at least 1): baseline +/- 1.96 x sqrt(phi x baseline), never below 0. The band of a
  12-month total adds the months' variances.
- **Short series.** With fewer than 24 months there is no seasonal pattern to find: the baseline is flat at the
  mean of the last 12 months.
- **Levers.** Scenario = baseline x (1 + uplift) in the chosen months x (1 + recording change) from its month,
  + the one-off event's cases. Partner workload = extra cases x the current ratio of partner cases per case.
"""
_DA_ITEMS = (("marac_cases_monthly", "MARAC cases"), ("sanctuary_referrals_monthly", "Sanctuary referrals"))
_CPW = "Community Protection Warnings"
#: The scenario line: indigo, apart from every priority colour a recorded line is drawn in.
SCENARIO_COLOUR = charts.PRIORITY_COLOURS["police_data"]


@dataclass(frozen=True)
class Levers:
    """What the scenario changes, on top of the baseline.

    Parameters
    ----------
    uplift_pct : float
        Percentage added to the baseline in ``uplift_months`` (e.g. 20 for a tournament summer).
    uplift_months : tuple of int or str
        Months of the year (6 = June, every June in the horizon) or months as "YYYY-MM".
    event_month : str, optional
        "YYYY-MM" of a one-off event; None for none.
    event_cases : int
        Cases the event adds in ``event_month``.
    recording_pct : float
        Percentage change in recorded cases from ``recording_from`` onward (e.g. more stop and search).
    recording_from : str, optional
        "YYYY-MM" the recording change starts; None for the first projected month.
    """

    uplift_pct: float = 0
    uplift_months: tuple = (6, 7)
    event_month: str | None = None
    event_cases: int = 0
    recording_pct: float = 0
    recording_from: str | None = None

    def __post_init__(self):
        for name in ("uplift_pct", "recording_pct"):
            if not getattr(self, name) > -100:
                raise ValueError(f"Levers: {name} must be above -100 (a fall of more than all cases), "
                                 f"not {getattr(self, name)!r}")
        months = tuple(_month_key(m) for m in self.uplift_months)
        object.__setattr__(self, "uplift_months", months)
        for name in ("event_month", "recording_from"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, _month_key(value, yearly=False))

    @property
    def active(self) -> bool:
        """Whether any lever changes the baseline."""
        return bool((self.uplift_pct and self.uplift_months) or (self.event_cases and self.event_month)
                    or self.recording_pct)


def missing(data, measure: str) -> str | None:
    """Why ``measure`` cannot be projected from the data loaded (not loaded, or police.uk lacks it)."""
    return measures.missing(data, MEASURE_IDS[measure])


def recorded(bundle, measure: str, view, history: pd.DataFrame) -> tuple[pd.DataFrame | None, str]:
    """The recorded months of ``measure`` (``measure_series``) as they may be shown for ``view``
    (``measures.protected``: a sensitive count's months kept back by disclosure control), and why not."""
    needles = measure == "Needles found"
    return measures.protected(bundle, MEASURE_IDS[measure], view, history, variant="without bulk" if needles else "",
                              whole=metrics.without_bulk(bundle.needles, False) if needles else None)


def offered(data) -> tuple[list[str], str]:
    """The measures the data loaded can project, in :data:`MEASURES` order (the page opens on the
    first), and why each of the others cannot, in words ("" when every one can)."""
    why = {name: reason for name in MEASURES if (reason := missing(data, name))}
    return [name for name in MEASURES if name not in why], " ".join(f"{name}: {reason}." for name, reason in why.items())


def measure_series(data, measure: str, wards: Iterable[str] | None = (), *, include_bulk: bool = False,
                   start=None, end=None) -> pd.DataFrame:
    """The monthly counts of ``measure`` in ``wards``: month, value (empty months as zero).

    Parameters
    ----------
    data : Bundle or mapping
        Anything with ``crimes`` and ``asb`` cubes (month, ward_code, ..., n) and ``needles`` rows
        (found, ward_code, needles, bulk_incident), as attributes or keys.
    measure : str
        One of :data:`MEASURES`.
    wards : tuple of str
        Ward codes; empty for the whole borough.
    include_bulk : bool
        Count bulk needle finds; off by default because the few bagged, unused finds are outliers
        that would swamp the pattern.
    start, end : Timestamp, optional
        First and last month; by default ``data.first_month`` and ``data.last_month`` when given,
        else the first and last dates of the frame used.
    """
    if measure not in MEASURES:
        raise ValueError(f"unknown measure {measure!r}; expected one of {', '.join(MEASURES)}")
    name = {"Needles found": "needles", "ASB incidents": "asb"}.get(measure, "crimes")
    frame = _get(data, name)
    date, weight = ("found", "needles") if name == "needles" else ("month", "n")
    rows = metrics.in_wards(metrics.without_bulk(frame, include_bulk) if name == "needles" else frame, wards)
    if measure in _RULES:
        rows = measures.get(_RULES[measure]).rows(rows)
    start = start if start is not None else _get(data, "first_month", frame[date].min())
    end = end if end is not None else _get(data, "last_month", frame[date].max())
    return metrics.monthly(rows, start, end, date=date, weight=weight)


def lockdown_months(months: Iterable, share: float = LOCKDOWN_SHARE) -> list[pd.Timestamp]:
    """The months (first days) of ``months`` with at least ``share`` of their days in a national lockdown."""
    return [m for m in pd.to_datetime(pd.Series(list(months), dtype="datetime64[ns]"))
            if periods.lockdown_share(m) >= share]


def project(series: pd.DataFrame, horizon: int = 12, years: int = 3, exclude=None) -> pd.DataFrame:
    """A baseline projection with a 95% band for the ``horizon`` months after the series ends.

    Parameters
    ----------
    series : DataFrame
        month (first day of each month, consecutive, no gaps) and value (counts).
    horizon : int
        Months to project.
    years : int
        Whole years the seasonal indices are taken from (fewer when the series is shorter).
    exclude : iterable of months, optional
        Months left out of the indices, the level and the overdispersion. None (the default) leaves
        out the lockdown months (:func:`lockdown_months`); ``()`` leaves out nothing.

    Returns
    -------
    DataFrame
        month, baseline, lower, upper, method ("seasonal", or "flat" for fewer than 24 months).
        ``attrs`` hold the method in words ("method_text"), "level", "phi" and the "excluded" months.

    Notes
    -----
    Index of month-of-year m: the mean of the kept values for m over the index window, over the
    mean of the twelve month means (a month with no kept value gets index 1). Level: the mean of
    value / index over the kept months of the last 12. phi: sample variance over mean of the
    deseasonalised kept values of the index window, at least 1, so drift between years widens the
    band too. Band: baseline +/- 1.96 sqrt(phi x baseline), lower edge clipped at 0.
    """
    data = _check_series(series, horizon, years)
    skip = set(lockdown_months(data["month"]) if exclude is None else (_first_day(m) for m in exclude))
    kept = ~data["month"].isin(skip)
    seasonal = len(data) >= MIN_SEASONAL_MONTHS
    window = data.tail(min(years, len(data) // 12) * 12) if seasonal else data
    index = _seasonal_index(window[kept.loc[window.index]]) if seasonal else pd.Series(1.0, index=range(1, 13))

    recent = data.tail(12)
    recent_kept = kept.loc[recent.index]
    all_out = not recent_kept.any()
    level = _deseasonalise(recent if all_out else recent[recent_kept], index).mean()
    level = 0.0 if not np.isfinite(level) else float(level)
    phi = _overdispersion(_deseasonalise(window[kept.loc[window.index]], index))

    months = pd.date_range(data["month"].iloc[-1] + pd.DateOffset(months=1), periods=horizon, freq="MS")
    baseline = level * months.month.map(index).to_numpy(dtype=float)
    half = Z95 * np.sqrt(phi * baseline)
    out = pd.DataFrame({"month": months, "baseline": baseline, "lower": np.clip(baseline - half, 0, None),
                        "upper": baseline + half, "method": SEASONAL if seasonal else FLAT})
    used = sorted(skip & set(data["month"]))
    out.attrs = {"method_text": _method_text(seasonal, window, recent, used, all_out, phi),
                 "level": level, "phi": phi, "excluded": [f"{m:%Y-%m}" for m in used]}
    return out


def apply(projection: pd.DataFrame, levers: Levers) -> pd.DataFrame:
    """The projection with the scenario: scenario, scenario_lower, scenario_upper and extra columns.

    scenario = baseline x (1 + uplift%) in the uplift months x (1 + recording%) from the recording
    month onward, + the event's cases in its month. The band is scaled by the same factors and
    shifted by the event (a known number of cases adds no uncertainty). extra = scenario - baseline.
    """
    missing = [c for c in ("month", "baseline", "lower", "upper") if c not in projection.columns]
    if missing:
        raise ValueError(f"apply: the projection has no column {', '.join(missing)}; use project() first")
    month = pd.to_datetime(projection["month"])
    factor = np.ones(len(projection))
    if levers.uplift_pct and levers.uplift_months:
        factor = factor * np.where(_in_months(month, levers.uplift_months), 1 + levers.uplift_pct / 100, 1)
    if levers.recording_pct:
        since = _first_day(levers.recording_from) if levers.recording_from else month.min()
        factor = factor * np.where(month >= since, 1 + levers.recording_pct / 100, 1)
    event = np.zeros(len(projection))
    if levers.event_month and levers.event_cases:
        event = np.where(month == _first_day(levers.event_month), float(levers.event_cases), 0.0)
    scenario = projection["baseline"].to_numpy(dtype=float) * factor + event
    return projection.assign(
        scenario=scenario, scenario_lower=np.clip(projection["lower"].to_numpy(dtype=float) * factor + event, 0, None),
        scenario_upper=projection["upper"].to_numpy(dtype=float) * factor + event,
        extra=scenario - projection["baseline"].to_numpy(dtype=float))


def totals(frame: pd.DataFrame) -> dict:
    """Totals over the horizon: baseline, its 95% band (lower, upper), scenario and extra.

    Months are taken as independent, so the band of the total is 1.96 x the square root of the
    summed monthly variances (each recovered from its upper edge), not the sum of the monthly bands.
    """
    base = float(frame["baseline"].sum())
    half = math.sqrt(float(((frame["upper"] - frame["baseline"]) ** 2).sum()))
    scenario = float(frame["scenario"].sum()) if "scenario" in frame else base
    return {"baseline": base, "lower": max(base - half, 0.0), "upper": base + half, "scenario": scenario,
            "extra": scenario - base}


def workload(extra_total: float, ratios: Mapping[str, float]) -> pd.DataFrame:
    """Partner work the extra cases bring at current ratios: item, per_case, extra."""
    rows = [(item, float(per_case), float(extra_total) * float(per_case)) for item, per_case in ratios.items()]
    return pd.DataFrame(rows, columns=["item", "per_case", "extra"]).astype({"item": object, "per_case": float, "extra": float})


def current_ratios(data, measure: str) -> dict[str, float]:
    """Partner cases per case of ``measure`` in the data in use (borough-wide); empty when none is held.

    Domestic abuse: MARAC cases and sanctuary referrals per recorded DA crime, over the latest
    assessment year (December to November) both series cover. ASB incidents: Community Protection
    Warnings per police-recorded ASB incident over the latest calendar year both cover. Drug
    offences and needle finds: no partner ratio is held.
    """
    return _ratios(data, measure)[0]


def ratio_basis(data, measure: str) -> str:
    """The ratios of :func:`current_ratios` in words: what per what, over which period, or why none."""
    return _ratios(data, measure)[1]


def describe(levers: Levers) -> str:
    """The scenario as a plain sentence, e.g. "+20% in Jun 2021 and Jul 2021; ..."."""
    parts = []
    if levers.uplift_pct:
        yearly = [_month_label(m) for m in levers.uplift_months if isinstance(m, int)]
        dated = [_month_label(m) for m in levers.uplift_months if not isinstance(m, int)]
        where = _join(dated + ([_join(yearly) + " of every year"] if yearly else [])) or "no months chosen (no effect)"
        parts.append(f"{levers.uplift_pct:+g}% in {where}")
    if levers.event_cases:
        when = _month_label(levers.event_month) if levers.event_month else "no month chosen (no effect)"
        parts.append(f"a one-off event of {levers.event_cases:+,} cases in {when}")
    if levers.recording_pct:
        since = _month_label(levers.recording_from) if levers.recording_from else "the first projected month"
        parts.append(f"recording practice {levers.recording_pct:+g}% from {since} onward")
    if not parts:
        return "Baseline only: no change assumed."
    text = "; ".join(parts) + "."
    return text[0].upper() + text[1:]


def horizon(last_month, months: int = 12) -> dict[str, str]:
    """The ``months`` after ``last_month`` as label -> "YYYY-MM", e.g. {"Apr 2021": "2021-04", ...}."""
    start = _first_day(last_month) + pd.DateOffset(months=1)
    return {f"{m:%b %Y}": f"{m:%Y-%m}" for m in pd.date_range(start, periods=months, freq="MS")}


def export_table(frame: pd.DataFrame, name: str, description: str) -> pd.DataFrame:
    """The scenario frame for a CSV: values to one decimal, the scenario named and described on every row."""
    numbers = [c for c in frame.columns if c not in ("month", "method")]
    out = frame.assign(**{c: frame[c].astype(float).round(1) for c in numbers})
    return out.assign(month=pd.to_datetime(out["month"]).dt.strftime("%Y-%m"), scenario_name=name or UNNAMED,
                      description=description)


def projection_figure(history: pd.DataFrame, projected: pd.DataFrame, *, title: str, colour: str,
                      y_title: str = "Count", height: int = 400) -> go.Figure:
    """Recorded months, then the baseline with its 95% band and the scenario line.

    Parameters
    ----------
    history : DataFrame
        month, value: the recorded months shown before the projection.
    projected : DataFrame
        From :func:`project` (and optionally :func:`apply`): month, baseline, lower, upper[, scenario].
    title, colour, y_title, height
        As for :func:`smp_dash.charts.monthly_trend`; lockdowns are shaded the same way and the
        projected months are tinted in ``colour``.

    Returns
    -------
    go.Figure
        Traces named "Recorded", "95% band" (upper edge, then lower edge filled up to it),
        "Scenario" when a lever changes the baseline, and "Baseline" (dashed, on top). ``layout.meta`` = {"builder": "projection_figure"}.
    """
    fig = charts.templated(height=height, title_text=title, meta={"builder": "projection_figure"})
    if len(history) == 0 and len(projected) == 0:
        fig.add_annotation(text=charts.NO_DATA, x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False, name="no_data")
        return fig
    hist = history.assign(month=pd.to_datetime(history["month"])).sort_values("month")
    proj = projected.assign(month=pd.to_datetime(projected["month"])).sort_values("month")
    # The projected lines start from the last recorded month, so the eye follows on.
    joint = hist.tail(1).rename(columns={"value": "baseline"}).assign(scenario=lambda f: f["baseline"])
    line = dict(xperiod="M1", xperiodalignment="middle", mode="lines")
    hover = "%{x|%b %Y}<br><b>%{y:,.0f}</b><extra>%{fullData.name}</extra>"
    fig.add_trace(dict(type="scatter", x=hist["month"], y=hist["value"], name="Recorded", **{**line, "mode": "lines+markers"},
                             line=dict(color=colour, width=2.5), marker=dict(color=colour, size=5), hovertemplate=hover))
    fig.add_trace(dict(type="scatter", x=proj["month"], y=proj["upper"], name="95% band", legendgroup="band", showlegend=False,
                             line=dict(width=0, color=charts._rgba("#6B7280", 0.0)), hovertemplate=hover, **line))
    fig.add_trace(dict(type="scatter", x=proj["month"], y=proj["lower"], name="95% band", legendgroup="band", fill="tonexty",
                             fillcolor=charts._rgba("#6B7280", 0.2), line=dict(width=0, color=charts._rgba("#6B7280", 0.0)),
                             hovertemplate=hover, **line))
    if "scenario" in proj and not np.allclose(proj["scenario"], proj["baseline"]):
        path = pd.concat([joint[["month", "scenario"]], proj[["month", "scenario"]]])
        fig.add_trace(dict(type="scatter", x=path["month"], y=path["scenario"], name="Scenario", hovertemplate=hover,
                                 line=dict(color=SCENARIO_COLOUR, width=3), **line))
    # The baseline goes on top, dashed, so it still shows where the scenario leaves it unchanged.
    base = pd.concat([joint[["month", "baseline"]], proj[["month", "baseline"]]])
    fig.add_trace(dict(type="scatter", x=base["month"], y=base["baseline"], name="Baseline", line=dict(color="#374151", width=2, dash="dash"),
                             hovertemplate=hover, **line))
    months = pd.concat([hist["month"], proj["month"]])
    lo, hi = months.min(), months.max() + pd.offsets.MonthBegin(1)
    span = (proj["month"].min(), proj["month"].max() + pd.offsets.MonthEnd(0)) if len(proj) else None
    charts._shade(fig, lo, hi, True, span, colour)
    fig.update_xaxes(type="date", range=[f"{lo:%Y-%m-%d}", f"{hi:%Y-%m-%d}"], ticklabelmode="period", tickformat="%b<br>%Y")
    fig.update_yaxes(title_text=y_title, rangemode="tozero", tickformat=",")
    fig.update_layout(showlegend=True)
    return fig


def _get(data, name: str, default=None):
    if isinstance(data, Mapping):
        return data.get(name, default)
    return getattr(data, name, default)


def _first_day(value) -> pd.Timestamp:
    return pd.Timestamp(value).to_period("M").to_timestamp()


def _month_key(value, yearly: bool = True):
    """A month of the year (1-12) stays an int; anything dated becomes "YYYY-MM"."""
    if yearly and isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        if not 1 <= value <= 12:
            raise ValueError(f"Levers: a month of the year must be 1 to 12, not {value}")
        return int(value)
    # Strict: pandas would read "June" as June of the current year.
    if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", value.strip()):
        raise ValueError(f"Levers: {value!r} is not a month; write it as YYYY-MM")
    try:
        return f"{_first_day(value):%Y-%m}"
    except (ValueError, TypeError) as exc:
        raise ValueError(f"Levers: {value!r} is not a month; write it as YYYY-MM") from exc


def _month_label(key) -> str:
    return f"{pd.Timestamp(2000, key, 1):%b}" if isinstance(key, int) else f"{_first_day(key):%b %Y}"


def _join(items: list[str]) -> str:
    return ", ".join(items[:-1]) + " and " + items[-1] if len(items) > 1 else "".join(items)


def _in_months(month: pd.Series, keys) -> np.ndarray:
    yearly = {k for k in keys if isinstance(k, int)}
    dated = {_first_day(k) for k in keys if not isinstance(k, int)}
    return (month.dt.month.isin(yearly) | month.isin(dated)).to_numpy()


def _check_series(series: pd.DataFrame, horizon: int, years: int) -> pd.DataFrame:
    missing = [c for c in ("month", "value") if c not in series.columns]
    if missing:
        raise ValueError(f"project: the series has no column {', '.join(missing)}; expected month and value")
    if len(series) == 0:
        raise ValueError("project: the series is empty")
    if horizon < 1 or years < 1:
        raise ValueError(f"project: horizon and years must be at least 1 (got {horizon}, {years})")
    data = pd.DataFrame({"month": pd.to_datetime(series["month"]).dt.to_period("M").dt.to_timestamp(),
                         "value": pd.to_numeric(series["value"], errors="coerce").astype(float)})
    data = data.sort_values("month", kind="stable").reset_index(drop=True)
    if data["value"].isna().any():
        raise ValueError("project: the series has missing values; give every month a count")
    expected = pd.date_range(data["month"].iloc[0], data["month"].iloc[-1], freq="MS")
    if len(expected) != len(data) or not (expected == data["month"]).all():
        raise ValueError("project: the months must be consecutive with no gaps or repeats "
                         f"({len(data)} rows for {len(expected)} months)")
    return data


def _seasonal_index(rows: pd.DataFrame) -> pd.Series:
    """Month-of-year (1-12) -> index; months with no kept value, or a zero series, get 1."""
    means = rows.groupby(rows["month"].dt.month)["value"].mean().reindex(range(1, 13))
    overall = means.mean()
    if not overall or not np.isfinite(overall):
        return pd.Series(1.0, index=range(1, 13))
    return (means / overall).fillna(1.0)


def _deseasonalise(rows: pd.DataFrame, index: pd.Series) -> pd.Series:
    factor = rows["month"].dt.month.map(index)
    return (rows["value"] / factor.where(factor > 0)).dropna()


def _overdispersion(values: pd.Series) -> float:
    mean = values.mean() if len(values) else 0.0
    if len(values) < 2 or not mean > 0:
        return 1.0
    return max(1.0, float(values.var(ddof=1) / mean))


def _method_text(seasonal: bool, window: pd.DataFrame, recent: pd.DataFrame, excluded: list, all_recent_excluded: bool,
                 phi: float) -> str:
    span = lambda f: f"{f['month'].iloc[0]:%b %Y} to {f['month'].iloc[-1]:%b %Y}"
    if seasonal:
        text = (f"Seasonal: month-of-year indices from the {len(window)} months {span(window)}; level = mean "
                f"deseasonalised value of {span(recent)}; projection = level x index.")
    else:
        text = (f"Flat: only {len(window)} months of data (seasonality needs {MIN_SEASONAL_MONTHS}), so the "
                f"projection is the mean of {span(recent)}, with no seasonal pattern.")
    if excluded:
        text += f" Left out as lockdown or chosen months: {', '.join(f'{m:%b %Y}' for m in excluded)}."
    if all_recent_excluded:
        text += " Every one of the last 12 months was left out, so the level uses them all."
    return text + f" Overdispersion phi = {phi:.2f}; 95% band = baseline +/- 1.96 x sqrt(phi x baseline)."


def _ratios(data, measure: str) -> tuple[dict[str, float], str]:
    if measure not in MEASURES:
        raise ValueError(f"unknown measure {measure!r}; expected one of {', '.join(MEASURES)}")
    if measure == "Domestic abuse":
        crimes = _get(data, "crimes")
        da = measures.get("domestic_abuse").rows(crimes)
        indicators = _get(data, "indicators")
        out, spans = {}, []
        for indicator, item in _DA_ITEMS:
            rows = indicators[indicators["indicator_id"] == indicator]
            span = _latest("assessment", rows["period_start"], crimes["month"])
            cases = metrics.count(da, "month", span, weight="n") if span else 0
            if span and cases:
                out[item] = float(rows.loc[span.contains(rows["period_start"]), "value"].sum()) / cases
                spans.append(f"{item} over {span.label}")
        basis = ("Per domestic abuse crime recorded in the borough: " + "; ".join(spans) + " (partner figures are "
                 "borough-wide, so the ratios are too).") if out else "No MARAC or sanctuary series covers a year of recorded domestic abuse."
        return out, basis
    if measure == "ASB incidents":
        asb, enforcement = _get(data, "asb"), _get(data, "enforcement")
        cpw = enforcement[enforcement["action"] == "CPW"]
        span = _latest("calendar", enforcement["issued"], asb["month"])
        incidents = metrics.count(asb, "month", span, weight="n") if span else 0
        if not (span and incidents):
            return {}, "No year of Community Protection Warnings and ASB incidents to take a ratio from."
        return ({_CPW: metrics.count(cpw, "issued", span) / incidents},
                f"CPWs issued per police-recorded ASB incident in the borough, {span.long_label}.")
    what = "drug offences" if measure == "Drug offences" else "needle finds"
    return {}, f"No partner workload ratio is held for {what}: the scenario shows extra cases only."


def _latest(kind: str, *dates: pd.Series) -> periods.Period | None:
    """The newest whole period of ``kind`` that every one of ``dates`` covers."""
    if any(len(d) == 0 for d in dates):
        return None
    first, last = max(d.min() for d in dates), min(d.max() for d in dates)
    found = periods.available(kind, first, last) if first <= last else []
    return found[0] if found else None
