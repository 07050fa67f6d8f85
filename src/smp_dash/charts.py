"""Plotly builders: a frame in, a ``go.Figure`` out.

Every builder is a pure function: it reads the columns it is told about, never changes the frame it
is given, and returns a figure that shares one look (:func:`_template`). Each figure carries
``layout.meta = {"builder": <name>}`` so pages and tests can tell what drew it, and an empty frame
gives a figure that says "No data for this selection" rather than an error or blank axes.
Monthly charts shade England's national lockdowns (:data:`smp_dash.periods.LOCKDOWNS`), which
shaped the 2020-21 figures.
"""

from __future__ import annotations

import html
import re
import textwrap
from functools import cache
from typing import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from smp_dash.metrics import format_pct, pct_change
from smp_dash.periods import LOCKDOWNS
from smp_dash.wording import mid_sentence

#: One colour per strategic priority (Okabe-Ito, with Paul Tol's indigo, olive and wine for the rest):
#: distinguishable with the common colour-vision deficiencies and strong enough to read on white.
PRIORITY_COLOURS = {
    "soc": "#0072B2",
    "children_young_people": "#E69F00",
    "domestic_abuse": "#CC79A7",
    "substance_misuse": "#009E73",
    "mental_health": "#56B4E9",
    "asb_community_protection": "#D55E00",
    "police_data": "#332288",
    "task_force": "#999933",
    "overview": "#1F4E79",
    "pandemic": "#882255",
    "other": "#6F6F6F",
}
#: Series colours in order; a builder starts from the priority colour it is given.
QUALITATIVE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#332288",
               "#999933", "#882255", "#6F6F6F")
LOCKDOWN_FILL = "#D9D9D9"
LOCKDOWN_TEXT = "Lockdown"
NO_DATA = "No data for this selection"
DEFAULT_HEIGHT = 360
#: More categories than this and :func:`change_bars` lies down (horizontal bars).
MAX_VERTICAL_PAIRS = 7
SPARKLINE_HEIGHT = 80

# WCAG 2.2 AA: text 4.5:1 or more (axis ticks and the lockdown labels, 6.5:1 on the lockdown shading,
# 7.6:1 on white), the previous period's line and bars 3:1 on white (3.3:1) as a graphic to be seen.
_TEXT = "#1B2733"
_MUTED = "#4B5563"
_GRID = "#E5E7EB"
_PREVIOUS = "#878E98"
_OUTLIER = "#C00000"
_FONT = '"Source Sans Pro", "Source Sans 3", "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif'
_MONTH = "%{x|%b %Y}"


def monthly_trend(frame: pd.DataFrame, *, x: str = "month", y: str = "value", series: str | None = None,
                  title: str, colour: str | None = None, y_title: str = "Count", lockdowns: bool = True,
                  highlight=None, outliers: str | None = None, limits: pd.DataFrame | None = None,
                  said: str = "", height: int = DEFAULT_HEIGHT) -> go.Figure:
    """A monthly series as a line, one line per value of ``series`` when given.

    Parameters
    ----------
    frame : DataFrame
        One row per month (and series): ``x`` holds the first day of the month, ``y`` the value.
    x, y : str
        Month and value columns.
    series : str, optional
        Column whose values split the frame into lines, drawn in the order they first appear.
    title : str
        Figure title; callers include the period name.
    colour : str, optional
        Colour of the (first) line; the others follow :data:`QUALITATIVE`.
    y_title : str
        Value axis title.
    lockdowns : bool
        Shade the national lockdowns that fall within the months shown.
    highlight : (Timestamp, Timestamp) or Period, optional
        First and last day of the selected period, shaded in a pale ``colour``.
    outliers : str, optional
        Boolean column; flagged months get a red ring and "flagged outlier" on hover.
    limits : DataFrame, optional
        A control chart (:mod:`smp_dash.spc`) per line: ``x`` (and ``series``), ``mean``, ``upper``,
        ``lower``, ``special`` (the variation of a point that is part of a special cause, or "")
        and ``icon`` (the latest month's variation, on its last row): drawn as "Mean", "Upper process
        limit" and "Lower process limit", special-cause points filled in their variation's colour,
        the latest month ringed in its variation's.
    said : str
        What the control chart says in words, which the text alternative (:func:`describe`) ends with.
    height : int
        Figure height in pixels.

    Returns
    -------
    go.Figure
        Points sit in the middle of their month, so shading by calendar date lines up with them.
    """
    if _is_empty(frame):
        return _empty("monthly_trend", title, height)
    _require(frame, "monthly_trend", x, y, series, outliers)
    data = frame.assign(**{x: pd.to_datetime(frame[x])}).sort_values(x, kind="stable")
    groups = [(None, data)] if series is None else list(data.groupby(series, sort=False, observed=True))
    colours = _palette(colour or PRIORITY_COLOURS["overview"], len(groups))
    fmt = _value_format(data[y])

    fig = _base("monthly_trend", title, height)
    for (name, rows), line in zip(groups, colours):
        label = y_title if name is None else str(name)
        fig.add_trace(dict(type="scatter",
            x=rows[x], y=rows[y], name=label, mode="lines+markers", showlegend=series is not None,
            line=dict(color=line, width=2.5), marker=dict(color=line, size=5),
            xperiod="M1", xperiodalignment="middle",
            hovertemplate=f"{_MONTH}<br><b>%{{y:{fmt}}}</b><extra>{'' if name is None else label}</extra>"))
    if outliers is not None:
        flagged = data[data[outliers].fillna(False).astype(bool)]
        if len(flagged):
            fig.add_trace(dict(type="scatter",
                x=flagged[x], y=flagged[y], name="Flagged outlier", mode="markers",
                marker=dict(symbol="circle-open", size=14, color=_OUTLIER, line=dict(width=2.5, color=_OUTLIER)),
                xperiod="M1", xperiodalignment="middle",
                hovertemplate=f"{_MONTH}<br><b>%{{y:{fmt}}}</b><br>flagged outlier<extra></extra>"))
    if limits is not None and len(limits):
        _control(fig, limits.assign(**{x: pd.to_datetime(limits[x])}), x, y, series, colours, fmt)
        # Room on the right for the latest month's ring, which reaches past the axis' end: in the figure's
        # own layout, as Streamlit's chart theme sets the template's left and right margins to 0.
        fig.update_layout(meta={"builder": "monthly_trend", "spc": said}, margin_r=_RING_ROOM)
    # The axis runs from the first day of the first month to the day after the last month.
    lo = data[x].min().to_period("M").start_time
    hi = data[x].max().to_period("M").end_time.normalize() + pd.Timedelta(days=1)
    _shade(fig, lo, hi, lockdowns, highlight, colour or PRIORITY_COLOURS["overview"])
    fig.update_xaxes(type="date", range=[_day(lo), _day(hi)], ticklabelmode="period", tickformat="%b<br>%Y")
    fig.update_yaxes(title_text=y_title, rangemode="tozero", tickformat=",")
    fig.update_layout(showlegend=len(fig.data) > 1)
    return fig


#: A special cause's colour by its variation, as Making Data Count colours them (improving blue, concerning
#: orange, neither purple), dark enough for 4.5:1 on white and on the lockdown shading (5.5, 4.7 and 6.6).
VARIATION_COLOURS = {"special cause improving": "#005EB8", "special cause concerning": "#B34700",
                     "special cause, neither improving nor concerning": "#7B3294", "common cause": _MUTED}
#: The names of the control chart's lines: the text alternative reads them apart from the data.
CONTROL_LINES = ("Mean", "Upper process limit", "Lower process limit")
#: A special-cause point: small enough that a run of them leaves the line beneath readable.
_SPECIAL_SIZE = 6
#: The latest month's ring (px across) and the room right of the plot for the half of it past the axis' end.
_RING, _RING_ROOM = 13, 12


def _control(fig: go.Figure, limits: pd.DataFrame, x: str, y: str, series: str | None, colours, fmt: str) -> None:
    """A control chart's lines, special-cause points and latest month's variation on ``fig``
    (:func:`monthly_trend`'s ``limits``); each marked ``meta="spc"`` for :func:`describe`."""
    groups = [(None, limits)] if series is None else list(limits.groupby(series, sort=False, observed=True))
    for n, ((name, rows), line) in enumerate(zip(groups, colours)):
        tint = _MUTED if series is None else line
        of = "" if name is None else f" ({name})"
        for column, label, dash in (("mean", "Mean", "solid"), ("upper", "Upper process limit", "dash"),
                                    ("lower", "Lower process limit", "dash")):
            fig.add_trace(dict(type="scatter",
                x=rows[x], y=rows[column], name=label, mode="lines", line=dict(color=tint, width=1.5, dash=dash,
                                                                               shape="hv"),
                legendgroup=label, showlegend=n == 0, meta="spc", xperiod="M1", xperiodalignment="middle",
                hovertemplate=f"{_MONTH}<br>{label}{of} %{{y:{fmt}}}<extra></extra>"))
        for kind, points in rows[rows["special"] != ""].groupby("special", sort=False):
            fig.add_trace(dict(type="scatter",
                x=points[x], y=points[y], name=kind[0].upper() + kind[1:], mode="markers", legendgroup=kind,
                showlegend=not any(t.name == kind[0].upper() + kind[1:] for t in fig.data), meta="spc",
                marker=dict(color=VARIATION_COLOURS[kind], size=_SPECIAL_SIZE, line=dict(width=0.5, color="#FFFFFF")),
                xperiod="M1", xperiodalignment="middle",
                hovertemplate=f"{_MONTH}<br><b>%{{y:{fmt}}}</b><br>{kind}{of}<extra></extra>"))
        latest = rows.iloc[[-1]]
        icon = latest["icon"].iloc[0]
        # No legend entry: the sentence under the chart and the hover say what the ring means, and its
        # long name took a legend row of its own per line. Drawn over the axis' end, never cut by it.
        fig.add_trace(dict(type="scatter",
            x=latest[x], y=latest[y], name=f"Latest month{of}: {icon}", mode="markers", meta="spc",
            showlegend=False, cliponaxis=False,
            marker=dict(symbol="square-open", size=_RING, color=VARIATION_COLOURS[icon],
                        line=dict(width=2, color=VARIATION_COLOURS[icon])),
            xperiod="M1", xperiodalignment="middle",
            hovertemplate=f"{_MONTH}<br><b>%{{y:{fmt}}}</b><br>latest month{of}: {icon}<extra></extra>"))


def period_overlay(current: pd.DataFrame, previous: pd.DataFrame, *, title: str, colour: str,
                   current_label: str, previous_label: str, y_title: str = "Count", outliers: str | None = None,
                   lockdowns: bool = True, height: int = DEFAULT_HEIGHT) -> go.Figure:
    """This period and the one before it on the same month axis (e.g. Dec to Nov).

    Parameters
    ----------
    current, previous : DataFrame
        Columns ``month`` (first day of the month) and ``value``; at most 12 rows each. Months are
        paired by calendar month, never by row: each month of ``previous`` is drawn over the same
        month a year later, and a month either lacks (or whose value is missing) is a gap in its
        line. ``current`` may be shorter (a period still in progress).
    title : str
        Figure title; callers include the period name.
    colour : str
        Colour of the current period; the previous one is a dashed grey line.
    current_label, previous_label : str
        Legend names, e.g. "Dec 2019 to Nov 2020".
    y_title : str
        Value axis title.
    lockdowns : bool
        Shade the national lockdowns as on every monthly chart: the current period's in grey, the
        previous period's paler, each labelled with its year.
    height : int
        Figure height in pixels.

    Returns
    -------
    go.Figure
        Two traces, previous first, with x the month abbreviations in period order.

    Raises
    ------
    ValueError
        A frame lacks ``month`` or ``value``, or the two periods span more than 12 calendar months.
    """
    if _is_empty(current):
        return _empty("period_overlay", title, height)
    _require(current, "period_overlay", "month", "value")
    if not _is_empty(previous):
        _require(previous, "period_overlay", "month", "value")
    cur = _by_month(current)
    prev = _by_month(previous) if not _is_empty(previous) else cur.iloc[0:0]
    # Each month sits over the same calendar month of the other period, whatever rows either frame
    # holds: a month one period lacks is a gap in its line, never its neighbour's value.
    axis = _overlay_axis(cur["month"], prev["month"] + pd.DateOffset(years=1))
    labels = [f"{m:%b}" for m in axis]
    cur, prev = _on_axis(cur, axis), _on_axis(prev, axis - pd.DateOffset(years=1))
    fmt = _value_format(pd.concat([cur["value"], prev["value"]]))

    fig = _base("period_overlay", title, height)
    for rows, name, style in ((prev, previous_label, dict(color=_PREVIOUS, width=2, dash="dash")),
                              (cur, current_label, dict(color=colour, width=3))):
        if not len(rows):
            continue
        fig.add_trace(dict(type="scatter",
            x=[labels[i] for i in rows.index], y=_gaps(rows["value"]), name=name, mode="lines+markers", line=style,
            marker=dict(color=style["color"], size=6), customdata=[f"{m:%b %Y}" for m in rows["month"]],
            hovertemplate=f"%{{customdata}}<br><b>%{{y:{fmt}}}</b><extra>{name}</extra>"))
    legend = True
    for rows in (prev, cur):
        if outliers is not None and outliers in rows and rows[outliers].fillna(False).astype(bool).any():
            hit = rows[rows[outliers].fillna(False).astype(bool)]
            fig.add_trace(dict(type="scatter",
                x=[labels[i] for i in hit.index], y=hit["value"], name="Flagged outlier", mode="markers", showlegend=legend,
                marker=dict(symbol="circle-open", size=14, color=_OUTLIER, line=dict(width=2.5, color=_OUTLIER)),
                customdata=[f"{m:%b %Y}" for m in hit["month"]],
                hovertemplate=f"%{{customdata}}<br><b>%{{y:{fmt}}}</b><br>flagged outlier<extra></extra>"))
            legend = False
    if lockdowns:
        _shade_months(fig, prev["month"], opacity=0.22)
        _shade_months(fig, cur["month"], opacity=0.45)
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=labels)
    fig.update_yaxes(title_text=y_title, rangemode="tozero", tickformat=",")
    return fig


def _overlay_axis(*months: pd.Series) -> pd.DatetimeIndex:
    """The months of an overlay's axis (in the current period's year): from the earliest to the latest
    of ``months``, at most 12, so each calendar month has one place."""
    every = pd.concat([pd.Series(m, dtype="datetime64[ns]") for m in months]).dt.to_period("M").dt.to_timestamp()
    axis = pd.date_range(every.min(), every.max(), freq="MS")
    if len(axis) > 12:
        raise ValueError(f"period_overlay: the two periods span {len(axis)} calendar months "
                         f"({axis[0]:%b %Y} to {axis[-1]:%b %Y} in the current period's year); expected 12 at most")
    return axis


def _on_axis(rows: pd.DataFrame, months: pd.DatetimeIndex) -> pd.DataFrame:
    """``rows`` (month, value, ...) placed on ``months``, indexed by position on the axis, from its first
    month to its last; a month between them that ``rows`` lacks has no value (NaN)."""
    if not len(rows):
        return rows.iloc[0:0].set_axis(pd.RangeIndex(0), axis=0)
    on = rows.assign(month=rows["month"].dt.to_period("M").dt.to_timestamp()).drop_duplicates("month", keep="last")
    positions = pd.Series(range(len(months)), index=months)
    span = positions[on["month"].min():on["month"].max()]
    placed = on.set_index("month").reindex(span.index).rename_axis("month").reset_index()
    return placed.set_axis(pd.Index(span.to_numpy()), axis=0)


def _gaps(values: pd.Series) -> list:
    """Values for a line with a gap (None) where a value is missing."""
    return [None if pd.isna(v) else v for v in values]


def bars(frame: pd.DataFrame, *, x: str, y: str, title: str, colour: str, orientation: str = "v",
         text: bool = True, sort: bool = True, y_title: str | None = None,
         highlight: Iterable | None = None, series: str | None = None,
         height: int = DEFAULT_HEIGHT) -> go.Figure:
    """A bar per category, largest first, with its value written on it.

    Parameters
    ----------
    frame : DataFrame
        One row per category (and series).
    x : str
        Category column (drawn down the side when ``orientation="h"``).
    y : str
        Value column.
    title : str
        Figure title; callers include the period name.
    colour : str
        Bar colour (of the first series).
    orientation : {"v", "h"}
        Vertical bars, or horizontal ones for long category names.
    text : bool
        Write each value at the end of its bar.
    sort : bool
        Largest (total) first, at the left or top; otherwise the frame's order.
    y_title : str, optional
        Value axis title.
    highlight : list, optional
        Categories drawn in full colour; the others are drawn lighter.
    series : str, optional
        Column whose values give grouped bars side by side, in the order they first appear.
    height : int
        Figure height in pixels.

    Returns
    -------
    go.Figure
        One bar trace per series (one in all without ``series``).
    """
    if _is_empty(frame):
        return _empty("bars", title, height)
    _require(frame, "bars", x, y, series)
    if sort:
        totals = frame.groupby(x, sort=False, observed=True)[y].sum()
        order = list(totals.sort_values(ascending=False, kind="stable").index)
    else:
        order = list(pd.unique(frame[x]))
    return _bar_figure("bars", frame, x, y, series, order, title, colour, orientation, text, y_title,
                       highlight, height)


def yearly_bars(frame: pd.DataFrame, *, x: str = "year", y: str = "value", title: str, colour: str,
                y_title: str = "Count", height: int = DEFAULT_HEIGHT) -> go.Figure:
    """A bar per year (or period label) in time order, with its value written on it.

    Parameters
    ----------
    frame : DataFrame
        One row per year: ``x`` a year or a label such as "2019/20", ``y`` the value.
    x, y : str
        Year and value columns.
    title : str
        Figure title; callers include the period name.
    colour : str
        Bar colour.
    y_title : str
        Value axis title.
    height : int
        Figure height in pixels.

    Returns
    -------
    go.Figure
        One bar trace on a category axis, so years are labels, not numbers.
    """
    if _is_empty(frame):
        return _empty("yearly_bars", title, height)
    _require(frame, "yearly_bars", x, y)
    order = sorted(pd.unique(frame[x]))
    return _bar_figure("yearly_bars", frame, x, y, None, order, title, colour, "v", True, y_title, None, height)


def change_bars(frame: pd.DataFrame, *, category: str, current: str, previous: str, title: str,
                colour: str, current_label: str = "This period", previous_label: str = "Previous period",
                y_title: str = "Count", orientation: str = "auto", height: int = DEFAULT_HEIGHT) -> go.Figure:
    """Previous and current values side by side per category, with the change written beside them.

    Parameters
    ----------
    frame : DataFrame
        One row per category, drawn in the frame's order; an optional text column ``label``
        replaces the change text where given (e.g. "small numbers").
    category, current, previous : str
        Category and value columns.
    title : str
        Figure title; callers include the period name.
    colour : str
        Colour of the current bars; the previous ones are grey.
    current_label, previous_label : str
        Legend and hover names of the two periods.
    y_title : str
        Value axis title.
    orientation : {"auto", "v", "h"}
        "auto" draws more than :data:`MAX_VERTICAL_PAIRS` categories as horizontal bars, first at
        the top, and grows the figure so each pair keeps room for its label.
    height : int
        Figure height in pixels (the least height when horizontal).

    Returns
    -------
    go.Figure
        Two bar traces (previous, current) and one annotation per category, named "change".
    """
    if _is_empty(frame):
        return _empty("change_bars", title, height)
    _require(frame, "change_bars", category, current, previous)
    if orientation not in ("auto", "v", "h"):
        raise ValueError(f"change_bars: orientation must be 'auto', 'v' or 'h', not {orientation!r}")
    cats = list(frame[category])
    if orientation == "auto":
        orientation = "h" if len(cats) > MAX_VERTICAL_PAIRS else "v"
    cur, prev = frame[current].astype(float).tolist(), frame[previous].astype(float).tolist()
    changes = [format_pct(pct_change(c, p)) for c, p in zip(cur, prev)]
    if "label" in frame.columns:
        changes = [c if pd.isna(t) or str(t) == "" else str(t) for c, t in zip(changes, frame["label"])]
    fmt = _value_format(pd.Series(cur + prev))
    hover = (f"%{{customdata[3]}}<br>{previous_label}: %{{customdata[0]:{fmt}}}<br>{current_label}: "
             f"%{{customdata[1]:{fmt}}}<br>Change: %{{customdata[2]}}<extra></extra>")
    custom = [[p, c, t, str(cat)] for p, c, t, cat in zip(prev, cur, changes, cats)]
    across, along = ("x", "y") if orientation == "v" else ("y", "x")
    if orientation == "h":
        height = max(height, 110 + 34 * len(cats))

    fig = _base("change_bars", title, height)
    for values, name, fill in ((prev, previous_label, _PREVIOUS), (cur, current_label, colour)):
        fig.add_trace(dict(type="bar", **{across: cats, along: values}, orientation=orientation, name=name,
                             marker_color=fill, customdata=custom, hovertemplate=hover))
    # added in one go: plotly validates every annotation again as each one is added (n² for n bars)
    fig.layout.annotations = (*fig.layout.annotations, *(
        dict(**(dict(x=cat, y=max(c, p), yanchor="bottom", yshift=4) if orientation == "v"
                else dict(y=cat, x=max(c, p), xanchor="left", xshift=6)),
             text=f"<b>{t}</b>", name="change", showarrow=False, font=dict(size=12, color=_TEXT))
        for cat, c, p, t in zip(cats, cur, prev, changes)))
    value_axis = dict(range=[0, (max(cur + prev) or 1) * (1.18 if orientation == "v" else 1.22)],
                      tickformat=",", title_text=y_title)
    category_axis = _category_ticks(cats, 16 if orientation == "v" else 32)
    fig.update_layout(barmode="group", bargroupgap=0.08)
    if orientation == "h":
        category_axis["categoryarray"] = cats[::-1]
        fig.update_yaxes(showgrid=False, ticks="", **category_axis)
        fig.update_xaxes(showgrid=True, gridcolor=_GRID, **value_axis)
    else:
        fig.update_xaxes(**category_axis)
        fig.update_yaxes(**value_axis)
    return fig


def indexed_lines(frame: pd.DataFrame, *, x: str = "year", y: str = "value", series: str = "area", base,
                  title: str, colours: Mapping[str, str] | None = None,
                  height: int = DEFAULT_HEIGHT) -> go.Figure:
    """Each series as an index, 100 at ``x == base``, so areas of different size compare.

    Parameters
    ----------
    frame : DataFrame
        One row per series and ``x``.
    x, y, series : str
        Time (year or label), value and series columns.
    base
        The ``x`` value that is 100 for every series. A series with no (or a zero) value there
        cannot be indexed and is left out.
    title : str
        Figure title; callers include the period name.
    colours : mapping, optional
        Series value -> colour; by default :data:`QUALITATIVE` in order of appearance.
    height : int
        Figure height in pixels.

    Returns
    -------
    go.Figure
        One line per series; hover shows the index and the raw value.

    Raises
    ------
    ValueError
        If ``base`` is not among the ``x`` values.
    """
    if _is_empty(frame):
        return _empty("indexed_lines", title, height)
    _require(frame, "indexed_lines", x, y, series)
    if not (frame[x] == base).any():
        raise ValueError(f"indexed_lines: base {base!r} is not a value of column {x!r}")
    groups = list(frame.groupby(series, sort=False, observed=True))
    palette = dict(zip([k for k, _ in groups], _palette(QUALITATIVE[0], len(groups))))
    fmt = _value_format(frame[y])
    order = sorted(frame[x].unique())

    fig = _base("indexed_lines", title, height)
    fig.add_hline(y=100, line=dict(color=_MUTED, width=1, dash="dot"), layer="below")
    for name, rows in groups:
        rows = rows.sort_values(x, kind="stable")
        at_base = rows.loc[rows[x] == base, y]
        if at_base.empty or not at_base.iloc[0]:
            continue
        line = (colours or {}).get(name, palette[name])
        fig.add_trace(dict(type="scatter",
            x=rows[x], y=rows[y] * 100 / at_base.iloc[0], customdata=rows[y], name=str(name),
            mode="lines+markers", line=dict(color=line, width=2.5), marker=dict(color=line, size=6),
            hovertemplate=(f"<b>{name}</b> %{{x}}<br>Index %{{y:.0f}} ({base} = 100)"
                           f"<br>Value %{{customdata:{fmt}}}<extra></extra>")))
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=order)
    fig.update_yaxes(title_text=f"Index ({base} = 100)")
    return fig


def stacked_share(frame: pd.DataFrame, *, x: str, y: str, series: str, title: str,
                  colours: Mapping[str, str] | None = None, height: int = DEFAULT_HEIGHT) -> go.Figure:
    """Each ``x`` as a 100% bar split by ``series`` (age bands, hate crime strands by year).

    Parameters
    ----------
    frame : DataFrame
        Counts, one row per ``x`` and ``series``.
    x, y, series : str
        Bar, count and split columns; bars and segments keep the order they first appear in.
    title : str
        Figure title; callers include the period name.
    colours : mapping, optional
        Series value -> colour; by default :data:`QUALITATIVE`.
    height : int
        Figure height in pixels.

    Returns
    -------
    go.Figure
        One bar trace per series holding percentages; hover shows the count and the bar total.
    """
    if _is_empty(frame):
        return _empty("stacked_share", title, height)
    _require(frame, "stacked_share", x, y, series)
    totals = frame.groupby(x, sort=False, observed=True)[y].transform("sum")
    data = frame.assign(_share=(frame[y] / totals.where(totals != 0)).fillna(0) * 100, _total=totals)
    groups = list(data.groupby(series, sort=False, observed=True))
    palette = _palette(QUALITATIVE[0], len(groups))
    fmt = _value_format(frame[y])

    fig = _base("stacked_share", title, height)
    for (name, rows), default in zip(groups, palette):
        fig.add_trace(dict(type="bar",
            x=rows[x], y=rows["_share"], name=str(name), marker_color=(colours or {}).get(name, default),
            text=[f"{s:.0f}%" if s >= 5 else "" for s in rows["_share"]], textposition="inside",
            insidetextanchor="middle", customdata=np.column_stack([rows[y], rows["_total"]]),
            hovertemplate=(f"%{{x}}<br><b>{name}</b>: %{{y:.1f}}%<br>%{{customdata[0]:{fmt}}} of "
                           f"%{{customdata[1]:{fmt}}}<extra></extra>")))
    fig.update_layout(barmode="stack", legend_traceorder="normal", uniformtext=dict(minsize=10, mode="hide"))
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=list(pd.unique(frame[x])))
    fig.update_yaxes(range=[0, 100], ticksuffix="%", title_text="Share")
    return fig


def sparkline_svg(frame: pd.DataFrame, *, x: str = "month", y: str = "value", colour: str,
                  label: str = "", width: int = 300, height: int = SPARKLINE_HEIGHT) -> str:
    """The overview's sparkline as inline SVG: a line, the pale area under it and a dot on the
    latest month, with no JavaScript, so the landing page draws without loading plotly.js (cold
    start to a drawn overview 5.5 s to 3.5 s, BENCHMARKS.md).

    Stretches to its container's width; the line and dot keep their thickness and shape. The
    element's title (a tooltip, and its accessible name) gives the latest month's value and the
    range. An empty frame gives a box saying there is no data.
    """
    if _is_empty(frame):
        return (f'<svg role="img" aria-label="{html.escape(NO_DATA)}" width="100%" height="{height}">'
                f'<text x="50%" y="50%" text-anchor="middle" fill="{_MUTED}" font-size="12">{html.escape(NO_DATA)}</text></svg>')
    _require(frame, "sparkline_svg", x, y)
    data = frame.assign(**{x: pd.to_datetime(frame[x])}).sort_values(x, kind="stable")
    values = data[y].astype("float64").to_numpy()
    low, high = float(np.nanmin(values)), float(np.nanmax(values))
    pad = (high - low) * 0.12 or abs(high) * 0.1 or 1
    top, bottom = high + pad, low - pad
    n = len(values)
    xs = [width * (i + 0.5) / n for i in range(n)] if n > 1 else [width / 2]
    ys = [height * (top - v) / (top - bottom) for v in values]
    line = " ".join(f"{'M' if i == 0 else 'L'}{px:.1f},{py:.1f}" for i, (px, py) in enumerate(zip(xs, ys)))
    area = f"{line} L{xs[-1]:.1f},{height} L{xs[0]:.1f},{height} Z"
    fmt = _value_format(data[y])
    last = data.iloc[-1]
    title = (f"{label + ': ' if label else ''}{last[x]:%b %Y} {format(float(last[y]), fmt)}; "
             f"{data[x].iloc[0]:%b %Y} to {last[x]:%b %Y}, lowest {format(low, fmt)}, highest {format(high, fmt)}")
    stroke = 'vector-effect="non-scaling-stroke"'
    return (f'<svg role="img" aria-label="{html.escape(title)}" viewBox="0 0 {width} {height}" width="100%" '
            f'height="{height}" preserveAspectRatio="none"><title>{html.escape(title)}</title>'
            f'<path d="{area}" fill="{_rgba(colour, 0.12)}" stroke="none"/>'
            f'<path d="{line}" fill="none" stroke="{colour}" stroke-width="2" stroke-linejoin="round" {stroke}/>'
            f'<path d="M{xs[-1]:.1f},{ys[-1]:.1f} l0,0" stroke="{colour}" stroke-width="7" stroke-linecap="round" {stroke}/>'
            '</svg>')


def donut(frame: pd.DataFrame, *, names: str, values: str, title: str,
          colours: Mapping[str, str] | None = None, height: int = DEFAULT_HEIGHT) -> go.Figure:
    """Shares of a whole (case mix, hate crime strands) as a ring, largest first, total in the middle.

    Parameters
    ----------
    frame : DataFrame
        One row per slice.
    names, values : str
        Slice name and count columns.
    title : str
        Figure title; callers include the period name.
    colours : mapping, optional
        Name -> colour; by default :data:`QUALITATIVE` in order of size.
    height : int
        Figure height in pixels.

    Returns
    -------
    go.Figure
        One pie trace with a hole.
    """
    if _is_empty(frame):
        return _empty("donut", title, height)
    _require(frame, "donut", names, values)
    if not frame[values].fillna(0).astype(float).sum():
        return _empty("donut", title, height)
    data = frame.sort_values(values, ascending=False, kind="stable")
    palette = _palette(QUALITATIVE[0], len(data))
    slices = [(colours or {}).get(n, c) for n, c in zip(data[names], palette)]
    fmt = _value_format(data[values])
    total = float(data[values].sum())

    fig = _base("donut", title, height)
    fig.add_trace(dict(type="pie",
        labels=data[names], values=data[values], hole=0.58, sort=False, direction="clockwise",
        marker=dict(colors=slices, line=dict(color="white", width=2)), texttemplate="%{percent:.0%}",
        textposition="inside", insidetextorientation="horizontal",
        hovertemplate=f"%{{label}}<br><b>%{{value:{fmt}}}</b> (%{{percent}})<extra></extra>"))
    fig.add_annotation(text=f"<b>{total:{fmt}}</b><br>total", x=0.5, y=0.5, xref="paper",
                       yref="paper", showarrow=False, font=dict(size=15, color=_TEXT), name="total")
    fig.update_layout(uniformtext=dict(minsize=10, mode="hide"))
    return fig


def describe(fig: go.Figure) -> str:
    """One sentence saying what a figure from this module shows: its text alternative for screen readers.

    The sentence names the chart (its title) and gives what a sighted reader takes from it: for a
    monthly series the months covered, the highest, lowest and latest values; for bars the largest
    and smallest; for a comparison each period's total; for a funnel plot the wards outside the
    limits. E.g. "Domestic abuse crimes by month, Jan 2015 to Mar 2021: highest 312 in Jul 2020,
    lowest 180 in Feb 2015; latest 256 in Mar 2021."

    Parameters
    ----------
    fig : go.Figure
        A figure built here (``layout.meta["builder"]`` says which builder); it is not changed.
    """
    title = title_of(fig) or "Chart"
    builder = (fig.layout.meta or {}).get("builder", "") if isinstance(fig.layout.meta, dict) else ""
    traces = [t for t in fig.data if t.name != "Flagged outlier" and t.meta != "spc"]
    if any(a.name == "no_data" for a in fig.layout.annotations) or not traces:
        return f"{title}: {NO_DATA.lower()}."
    said = (fig.layout.meta or {}).get("spc", "") if isinstance(fig.layout.meta, dict) else ""
    describer = {"monthly_trend": _describe_monthly, "period_overlay": _describe_overlay,
                 "change_bars": _describe_change, "donut": _describe_donut,
                 "indexed_lines": _describe_lines, "yearly_bars": _describe_years,
                 "stacked_share": _describe_shares}.get(builder, _describe_bars)
    if builder == "funnel":
        return f"{title}{_describe_funnel(traces, *(fig.layout.meta.get('noun') or ('ward', 'wards')))}."
    return f"{title}{describer(traces)}." + (f" {said}" if said else "")


#: The narrowest a full-width chart is drawn: 800 px wide with the sidebar open (468 px measured),
#: less presentation mode's wider padding.
FULL_WIDTH = 440
#: px a character takes, at most on average, in the 16 px title (bold in Streamlit) and the 13 px subtitle
_TITLE_CHAR, _SUBTITLE_CHAR = 8, 6
_TITLE_LINE, _SUBTITLE_LINE = 21, 18     # px a line of each takes
#: Plotly centres a title of many lines on its anchor, so a top-anchored one rises by half of each
#: line added (1.3 em of 16 px): its pad goes down as much.
_TITLE_RISE = 11
_TITLE_PAD = 24                          # the title's left pad and a little air on the right


def title_of(fig: go.Figure) -> str:
    """A figure's whole title in plain words, also once :func:`fitted` has split it over a subtitle."""
    meta = fig.layout.meta if isinstance(fig.layout.meta, dict) else {}
    return _plain(meta.get("title") or fig.layout.title.text or "")


def fitted(fig: go.Figure, width: int = FULL_WIDTH) -> go.Figure:
    """``fig`` with a title and a legend that fit a chart ``width`` CSS pixels wide, the narrowest it
    is drawn at, and a plot area as tall as the figure was built with.

    Plotly never wraps a title: a long one is cut at the chart's edge, often exactly where it names
    the period compared ("...against Dec 2"). A title too long for ``width`` is split where the
    subject ends (at its first colon, else its first comma outside brackets): the subject stays the
    title, what follows (the period, the comparison, the view) becomes a smaller subtitle, each
    wrapped over lines; the top margin grows by the lines added and by :data:`_SUBTITLE_GAP` (a tick
    label at the top of the axis reaches above the plot, under the subtitle). Plotly does wrap a legend
    under the plot, but within the figure's height: each row past the first would be taken from the
    plot (a control chart's seven entries left a strip at 800 px, its axis title running into the
    subtitle). So the height grows by the title's lines and the legend's rows added, as
    :func:`legend_rows` counts them at ``width``, and the plot keeps its size. The whole title stays in
    ``layout.meta["title"]`` for :func:`title_of` and :func:`describe`.

    A figure that fits comes back as the same object (copying a figure costs tens of milliseconds).
    """
    changes = title_fit(fig, width)
    if changes is None:
        return fig
    return go.Figure(fig).update_layout(changes)


def title_fit(fig: go.Figure, width: int = FULL_WIDTH) -> dict | None:
    """The layout changes :func:`fitted` makes to ``fig`` (nested, as ``update_layout`` takes them),
    or None when its title fits: for a renderer that fits a figure's dict without copying the figure."""
    text = fig.layout.title.text or ""
    room = width - _TITLE_PAD
    rows = legend_rows(fig, width)
    legend = _legend_height(fig, rows) - _legend_height(fig, min(rows, 1))
    split = len(_plain(text)) * _TITLE_CHAR > room
    if not split and not legend:
        return None
    height = (fig.layout.height or DEFAULT_HEIGHT) + legend
    if not split:
        return dict(height=height)
    head, tail = _subject(_plain(text))
    title = _wrapped(head, int(room / _TITLE_CHAR))
    subtitle = _wrapped(tail[:1].upper() + tail[1:], int(room / _SUBTITLE_CHAR)) if tail else []
    added = _TITLE_LINE * (len(title) - 1) + (_SUBTITLE_LINE * len(subtitle) + _SUBTITLE_GAP if subtitle else 0)
    meta = fig.layout.meta if isinstance(fig.layout.meta, dict) else {}
    return dict(meta={**meta, "title": text}, height=height + added,
                margin=dict(t=(fig.layout.margin.t or _template().layout.margin.t) + added),
                title=dict(text="<br>".join(title), yref="container", y=1, yanchor="top",
                           pad=dict(l=12, t=14 + _TITLE_RISE * (len(title) - 1)),
                           subtitle=dict(text="<br>".join(subtitle), font=dict(size=13, color=_MUTED))))


#: Plotly's horizontal legend (plotly.js legend/draw.js, computeLegendDimensions): an entry is its
#: symbol and gaps (40 px) and its text; a row is 19 px (a 12 px line), grouped entries (any trace with
#: a legendgroup) 10 px apart more; 10 px above and below the whole. A legend character is at most
#: 6 px on average (5.1 measured in Source Sans, 5.9 in Arial's metric twin): rows are counted on the
#: high side, so a legend counted long gives the plot a little more room, never less.
_ENTRY, _ENTRY_GAP, _LEGEND_CHAR, _LEGEND_ROW, _GROUP_GAP, _LEGEND_PAD = 40, 5, 6, 19, 10, 10
#: The width the legend may take is the plot's: the chart's less its y axis (title and ticks) and margins.
_PLOT_SIDES = 80
#: Between the subtitle and the top of the plot, for half of a tick label standing on the plot's top.
_SUBTITLE_GAP = 8


def legend_rows(fig: go.Figure, width: int = FULL_WIDTH) -> int:
    """How many rows ``fig``'s legend takes on a chart ``width`` px wide, as plotly lays it out: 0
    when it shows none. Grouped (a trace has a legendgroup), each group takes its own width in a row;
    otherwise all entries share one row when they fit, else each takes the widest entry's width."""
    names = [_plain(t.name or "") for t in fig.data if t.showlegend is not False and t.visible is not False]
    if fig.layout.showlegend is False or (fig.layout.showlegend is None and len(names) < 2) or not names:
        return 0
    room = width - _PLOT_SIDES
    entries = [_ENTRY + len(name) * _LEGEND_CHAR for name in names]
    if not _grouped(fig) and sum(entries) + _ENTRY_GAP * (len(entries) - 1) < room:
        return 1
    step = None if _grouped(fig) else max(entries)
    rows, used = 1, 0
    for entry in entries:
        taken = (step or entry) + _ENTRY_GAP
        if used > 0 and taken + used > room:
            rows, used = rows + 1, 0
        used += taken
    return rows


def _grouped(fig: go.Figure) -> bool:
    """Whether plotly lays out ``fig``'s legend by legendgroup (its default once any trace has one)."""
    order = fig.layout.legend.traceorder
    return "grouped" in order if order else any(t.legendgroup for t in fig.data if t.visible is not False)


def _legend_height(fig: go.Figure, rows: int) -> int:
    if not rows:
        return 0
    return rows * _LEGEND_ROW + (rows - 1) * (_GROUP_GAP if _grouped(fig) else 0) + _LEGEND_PAD


def _subject(title: str) -> tuple[str, str]:
    """"Police-recorded ASB by month: Dec 2019 to Nov 2020 against ..." -> its subject and the rest:
    split at the first colon, else the first comma, outside brackets ("(High Street, Bridge, Fant)")."""
    for mark in (": ", ", "):
        depth = 0
        for i, char in enumerate(title):
            depth += (char == "(") - (char == ")")
            if depth == 0 and title.startswith(mark, i):
                return title[:i], title[i + len(mark):]
    return title, ""


def _wrapped(text: str, chars: int) -> list[str]:
    return [html.escape(line, quote=False) for line in textwrap.wrap(text, max(chars, 12))] or [""]


def describe_wards(values: pd.DataFrame, *, title: str, value: str = "value", name: str = "ward_name",
                   suffix: str = "", top: int = 3, areas: str = "ward") -> str:
    """One sentence saying what a ward map shows, its text alternative: the wards with most and least.

    E.g. "ASB incidents by ward, 2020: highest High Street 1,204, Bridge 610, Park Wood 512; lowest
    Detling and Thurnham 31; 26 wards, 2 hidden by disclosure control."

    Parameters
    ----------
    values : DataFrame
        One row per ward: ``name`` and ``value`` (NaN where disclosure control hides the ward, as from
        ``disclosure.map_values``); not changed.
    title : str
        What the map shows, e.g. the caption's first sentence.
    suffix : str
        Written after each value, e.g. "%" for a change or " per 1,000" for a rate.
    top : int
        How many wards with most to name.
    """
    title = _plain(title).rstrip(".")
    numbers = pd.to_numeric(values[value], errors="coerce") if len(values) else pd.Series(dtype="float64")
    shown = values.assign(_v=numbers)[numbers.notna()].sort_values("_v", ascending=False, kind="stable")
    if shown.empty:
        return f"{title}: {NO_DATA.lower()}."
    fmt = _value_format(shown["_v"])
    most = ", ".join(f"{w} {v:{fmt}}{suffix}" for w, v in zip(shown[name].head(top), shown["_v"].head(top)))
    text = f"{title}: highest {most}"
    if len(shown) > top:
        text += f"; lowest {shown[name].iloc[-1]} {shown['_v'].iloc[-1]:{fmt}}{suffix}"
    hidden = len(values) - len(shown)
    text += f"; {len(values)} {areas}{'s' * (len(values) != 1)}"
    return text + (f", {hidden} hidden by disclosure control." if hidden else ".")


def _describe_monthly(traces) -> str:
    months = pd.to_datetime(pd.Series([m for t in traces for m in t.x]))
    head = f", {months.min():%b %Y} to {months.max():%b %Y}"
    if len(traces) == 1:
        t = traces[0]
        return head + ": " + _extremes(t.y, [f"{m:%b %Y}" for m in pd.to_datetime(pd.Series(t.x))], latest=True)
    return head + ": " + "; ".join(
        f"{t.name} latest {_number(t.y[-1], t.y)} in {pd.Timestamp(t.x[-1]):%b %Y}, highest {_number(max(t.y), t.y)}"
        for t in traces)


def _describe_overlay(traces) -> str:
    parts = []
    for t in reversed(traces):           # the current period first
        held = [v for v in t.y if v is not None]     # a gap is a month the data does not hold
        parts.append(f"{t.name} total {_number(sum(held), held)} over {len(held)} month{'s' * (len(held) != 1)}, "
                     + _extremes(t.y, list(t.customdata)))
    return ": " + "; ".join(parts)


def _describe_bars(traces) -> str:
    parts = []
    for t in traces:
        cats, values = (t.y, t.x) if t.orientation == "h" else (t.x, t.y)
        pairs = sorted(((v, str(c)) for c, v in zip(cats, values) if pd.notna(v)), key=lambda p: -p[0])
        if not pairs:
            continue
        name = f"{t.name}: " if len(traces) > 1 else ""
        top = ", ".join(f"{c} {_number(v, values)}" for v, c in pairs[:3])
        tail = f"; smallest {pairs[-1][1]} {_number(pairs[-1][0], values)}" if len(pairs) > 3 else ""
        parts.append(f"{name}largest {top}{tail}")
    return ": " + "; ".join(parts) if parts else f": {NO_DATA.lower()}"


def _describe_years(traces) -> str:
    t = traces[0]
    return f", {t.x[0]} to {t.x[-1]}: " + _extremes(t.y, [str(x) for x in t.x], latest=True)


def _describe_shares(traces) -> str:
    last = traces[0].x[-1]
    shares = sorted(((t.y[-1], t.name) for t in traces if len(t.x) and t.x[-1] == last), key=lambda p: -p[0])
    return f", in {last}: " + ", ".join(f"{name} {share:.0f}%" for share, name in shares)


def _describe_change(traces) -> str:
    before, now = traces[0], traces[1]
    cats, prev, cur = (now.y, before.x, now.x) if now.orientation == "h" else (now.x, before.y, now.y)
    values = list(prev) + list(cur)
    rows = sorted(zip(cur, prev, cats), key=lambda r: -r[0])[:3]
    listed = ", ".join(f"{c} {_number(v, values)} ({format_pct(pct_change(v, p))} on {_number(p, values)})"
                       for v, p, c in rows)
    # The default legend names ("This period") read as words mid-sentence; a period's label ("2019") as itself.
    current, previous = (mid_sentence(n).replace("previous period", "the previous period")
                         for n in (now.name, before.name))
    return (f": {_number(sum(cur), values)} in {current} against {_number(sum(prev), values)} in {previous}; "
            f"largest {listed}")


def _describe_donut(traces) -> str:
    t = traces[0]
    total = float(sum(t.values))
    shares = ", ".join(f"{n} {_number(v, t.values)} ({v / total:.0%})" for n, v in list(zip(t.labels, t.values))[:3])
    return f": {_number(total, t.values)} in all; largest {shares}"


def _describe_lines(traces) -> str:
    return ": " + "; ".join(f"{t.name} {t.x[-1]} index {t.y[-1]:.0f}" for t in traces if t.name != "95% limits")


def _describe_funnel(traces, one: str = "ward", many: str = "wards") -> str:
    points = [t for t in traces if t.name in ("Within limits", "Above a limit", "Below a limit")]
    count = sum(len(t.x) for t in points)
    parts = [f"{count} {one if count == 1 else many}"]
    for t in points:
        if t.name != "Within limits" and len(t.x):
            names = ", ".join(str(n) for n in np.asarray(t.customdata)[:, 0])
            parts.append(f"{t.name.lower()}: {names}")
    within = next((len(t.x) for t in points if t.name == "Within limits"), 0)
    parts.append(f"{within} within the limits")
    return ": " + "; ".join(parts)


def _extremes(values, labels, latest: bool = False) -> str:
    """"highest 312 in Jul 2020, lowest 180 in Feb 2015" (and "; latest 256 in Mar 2021")."""
    numbers = pd.to_numeric(pd.Series(list(values)), errors="coerce")
    if numbers.isna().all():
        return NO_DATA.lower()
    high, low = numbers.idxmax(), numbers.idxmin()
    text = (f"highest {_number(numbers[high], numbers)} in {labels[high]}, "
            f"lowest {_number(numbers[low], numbers)} in {labels[low]}")
    last = numbers.last_valid_index()
    return text + (f"; latest {_number(numbers[last], numbers)} in {labels[last]}" if latest else "")


def _number(value, among) -> str:
    return format(float(value), _value_format(pd.Series(list(among), dtype="float64")))


def _plain(text: str) -> str:
    """A title without plotly's HTML tags (<br>, <b>)."""
    return html.unescape(re.sub(r"</?[a-z]+[^>]*>", "", re.sub(r"<br\s*/?>", " ", str(text)))).strip()


@cache
def _template() -> go.layout.Template:
    """The one look every builder shares (figures copy it, so the cached object stays unchanged)."""
    axis = dict(automargin=True, zeroline=False, linecolor="#C9CED6", tickcolor="#C9CED6",
                tickfont=dict(color=_MUTED, size=12), title=dict(font=dict(color=_MUTED, size=12)))
    return go.layout.Template(layout=dict(
        font=dict(family=_FONT, size=13, color=_TEXT),
        paper_bgcolor="white", plot_bgcolor="white", colorway=list(QUALITATIVE),
        title=dict(x=0, xanchor="left", xref="container", pad=dict(l=12), font=dict(size=16, color=_TEXT)),
        legend=dict(orientation="h", x=0, xanchor="left", y=0, yanchor="bottom", yref="container", title_text="",
                    font=dict(size=12)),
        margin=dict(l=12, r=16, t=56, b=12, pad=2),
        hovermode="closest",
        hoverlabel=dict(bgcolor="white", bordercolor="#C9CED6", font=dict(family=_FONT, size=13, color=_TEXT),
                        align="left"),
        xaxis=dict(axis, showgrid=False, ticks="outside"),
        yaxis=dict(axis, showgrid=True, gridcolor=_GRID, showline=False),
        bargap=0.28,
    ))


def _base(builder: str, title: str | None, height: int) -> go.Figure:
    """A builder's figure. Builders add their traces as dicts (``dict(type="scatter", ...)``):
    ``add_trace(go.Scatter(...))`` validates a trace twice, as it is built and again as it is added."""
    fig = templated()
    fig.update_layout(height=height, meta={"builder": builder}, **({"title_text": title} if title else {}))
    return fig


def templated(**layout) -> go.Figure:
    """A new figure in the house look (:func:`_template`) with ``layout``. The template is copied in
    without plotly validating it again, as plotly sets its own default template: it was validated
    once, when built, and validating it for every figure cost 40 ms of a chart's 50."""
    fig = go.Figure()
    fig._layout_obj._validate = False
    try:
        fig.layout.template = _template()
    finally:
        fig._layout_obj._validate = True
    return fig.update_layout(**layout) if layout else fig


def _empty(builder: str, title: str, height: int) -> go.Figure:
    fig = _base(builder, title, height)
    fig.add_annotation(text=NO_DATA, x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False,
                       name="no_data", font=dict(size=14, color=_MUTED))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig


def _is_empty(frame: pd.DataFrame | None) -> bool:
    return frame is None or len(frame) == 0


def _require(frame: pd.DataFrame, builder: str, *columns: str | None) -> None:
    missing = [c for c in columns if c is not None and c not in frame.columns]
    if missing:
        raise ValueError(f"{builder}: the frame has no column {', '.join(map(repr, missing))}; "
                         f"it has {', '.join(map(str, frame.columns))}")


def _bar_figure(builder, frame, x, y, series, order, title, colour, orientation, text, y_title, highlight,
                height):
    """Bars in category ``order``, one trace per ``series`` value, grouped side by side."""
    if orientation not in ("v", "h"):
        raise ValueError(f"{builder}: orientation must be 'v' or 'h', not {orientation!r}")
    rank = {cat: i for i, cat in enumerate(order)}
    data = frame.sort_values(x, key=lambda col: col.map(rank), kind="stable")
    groups = [(None, data)] if series is None else list(data.groupby(series, sort=False, observed=True))
    strong = set(highlight) if highlight is not None else None
    fmt = _value_format(data[y])
    across, along = ("x", "y") if orientation == "v" else ("y", "x")
    fig = _base(builder, title, height)
    for (name, rows), hue in zip(groups, _palette(colour, len(groups))):
        cats = list(rows[x])
        label = "" if name is None else f"{name}: "
        fig.add_trace(dict(type="bar",
            **{across: cats, along: rows[y]}, orientation=orientation, name=y if name is None else str(name),
            marker_color=[hue if strong is None or c in strong else _tint(hue, 0.6) for c in cats],
            texttemplate=f"%{{{along}:{fmt}}}" if text else None, textposition="outside" if text else "none",
            cliponaxis=False, textfont=dict(color=_TEXT, size=12),
            hovertemplate=f"%{{{across}}}<br>{label}<b>%{{{along}:{fmt}}}</b><extra></extra>"))
    category_axis = _category_ticks(order, 16 if orientation == "v" else 32)
    # Room past the longest bar for its label: plotly's autorange does not always leave enough. Lying
    # down, the label ("21,976") is wide and the plot narrow beside long category names: a quarter more.
    value_axis = dict(tickformat=",", title_text=y_title, rangemode="tozero")
    values = pd.to_numeric(data[y], errors="coerce")
    if text and values.max() > 0 and values.min() >= 0:
        value_axis["range"] = [0, float(values.max()) * (1.12 if orientation == "v" else 1.25)]
    if orientation == "h":
        # Tall enough that category names wrapped over lines do not run into each other.
        lines = max(t.count("<br>") + 1 for t in category_axis["ticktext"]) if order else 1
        fig.update_layout(height=max(height, _BARS_TOP + len(order) * (_TICK_LINE * lines + _TICK_GAP)))
        category_axis["categoryarray"] = order[::-1]
        fig.update_yaxes(showgrid=False, ticks="", **category_axis)
        fig.update_xaxes(showgrid=True, gridcolor=_GRID, **value_axis)
    else:
        fig.update_xaxes(**category_axis)
        fig.update_yaxes(**value_axis)
    fig.update_layout(barmode="group", showlegend=series is not None)
    return fig


#: Lying bars: the margins above and below them, a line of a category's name and the space between names (px).
_BARS_TOP, _TICK_LINE, _TICK_GAP = 90, 15, 9


def _category_ticks(cats: Sequence, width: int) -> dict:
    """A category axis in the given order, long labels wrapped over lines."""
    return dict(type="category", categoryorder="array", categoryarray=list(cats), tickmode="array",
                tickvals=list(cats), ticktext=["<br>".join(textwrap.wrap(str(c), width)) or str(c) for c in cats])


def _shade(fig: go.Figure, lo: pd.Timestamp, hi: pd.Timestamp, lockdowns: bool, highlight, colour: str):
    """Shade the lockdowns and the selected period that overlap [lo, hi), clipped to it.

    The period goes on top, translucent, so a lockdown inside it still shows.
    """
    shapes, notes = [], []
    for start, end, label in LOCKDOWNS if lockdowns else ():
        x0, x1 = max(pd.Timestamp(start), lo), min(pd.Timestamp(end) + pd.Timedelta(days=1), hi)
        if x0 < x1:
            shapes.append(dict(type="rect", xref="x", yref="paper", x0=_day(x0), x1=_day(x1), y0=0, y1=1,
                               fillcolor=LOCKDOWN_FILL, opacity=0.45, line_width=0, layer="below", name="lockdown"))
            notes.append(dict(x=_day(x0), y=1, xref="x", yref="paper", text=LOCKDOWN_TEXT, hovertext=label,
                              textangle=-90, xanchor="left", yanchor="top", showarrow=False,
                              name="lockdown", font=dict(size=10, color=_MUTED)))
    if highlight is not None:
        start, end = (highlight.start, highlight.end) if hasattr(highlight, "start") else highlight
        x0, x1 = max(pd.Timestamp(start), lo), min(pd.Timestamp(end).normalize() + pd.Timedelta(days=1), hi)
        if x0 < x1:
            shapes.append(dict(type="rect", xref="x", yref="paper", x0=_day(x0), x1=_day(x1), y0=0, y1=1,
                               fillcolor=colour, opacity=0.13, line_width=0, layer="below", name="highlight"))
    # One layout update: add_vrect/add_annotation validate the whole layout on every call.
    fig.update_layout(shapes=list(fig.layout.shapes) + shapes,
                      annotations=list(fig.layout.annotations) + _spaced(notes, lambda x: pd.Timestamp(x).value,
                                                                         (hi - lo).value))


def _shade_months(fig: go.Figure, months: pd.Series, opacity: float) -> None:
    """Shade the lockdowns on a month category axis whose category ``i`` holds ``months[i]`` (the
    Series' index is the category's position).

    Category i spans i - 0.5 to i + 0.5; a lockdown covering part of a month covers that part of it.
    """
    shapes, notes = [], []
    starts = pd.Series(pd.to_datetime(months))
    for start, end, label in LOCKDOWNS:
        first, last = pd.Timestamp(start), pd.Timestamp(end) + pd.Timedelta(days=1)
        span = []
        for i, month in starts.items():
            following = month + pd.offsets.MonthBegin(1)
            x0, x1 = max(first, month), min(last, following)
            if x0 < x1:
                days = (following - month).days
                span.append((i - 0.5 + (x0 - month).days / days, i - 0.5 + (x1 - month).days / days))
        if span:
            x0, x1 = span[0][0], span[-1][1]
            shapes.append(dict(type="rect", xref="x", yref="paper", x0=x0, x1=x1, y0=0, y1=1, fillcolor=LOCKDOWN_FILL,
                               opacity=opacity, line_width=0, layer="below", name="lockdown"))
            notes.append(dict(x=x0, y=1, xref="x", yref="paper", text=f"{LOCKDOWN_TEXT} {first:%Y}", hovertext=label,
                              textangle=-90, xanchor="left", yanchor="top", showarrow=False, name="lockdown",
                              font=dict(size=10, color=_MUTED)))
    # The other period's labels (drawn before) share the axis: space them all together.
    others = [a for a in fig.layout.annotations if a.name != "lockdown"]
    drawn = [a.to_plotly_json() for a in fig.layout.annotations if a.name == "lockdown"]
    fig.update_layout(shapes=list(fig.layout.shapes) + shapes,
                      annotations=others + _spaced(drawn + notes, float, max(len(starts), 1)))


#: Lockdown labels closer than this share of the axis would touch at the narrowest chart (a 10 px
#: label on a 440 px wide plot is 3% of it).
_LABEL_GAP = 0.05


def _spaced(notes: list[dict], position, span: float) -> list[dict]:
    """Lockdown labels at least :data:`_LABEL_GAP` of the axis apart: a label too close to the one
    before is left out, and that one says "Lockdowns" and names both when hovered (the second and
    third national lockdowns, two months apart, would otherwise be drawn over each other)."""
    kept: dict[int, dict] = {}        # by place in ``notes``, which keeps its order
    last = None
    for i in sorted(range(len(notes)), key=lambda i: position(notes[i]["x"])):
        note = notes[i]
        if last is not None and position(note["x"]) - position(kept[last]["x"]) < _LABEL_GAP * span:
            before = kept[last]
            years = dict.fromkeys(re.findall(r"\d{4}", before["text"] + " " + note["text"]))
            kept[last] = {**before, "text": " ".join([f"{LOCKDOWN_TEXT}s", ", ".join(years)]).strip(),
                          "hovertext": f"{before['hovertext']}; {note['hovertext']}"}
        else:
            kept[i], last = note, i
    return [kept[i] for i in sorted(kept)]


def _by_month(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(month=pd.to_datetime(frame["month"])).sort_values("month", kind="stable")


def _day(ts: pd.Timestamp) -> str:
    return f"{ts:%Y-%m-%d}"


def _value_format(values: pd.Series) -> str:
    """d3 format for hover and labels: whole numbers with thousands separators, else one decimal."""
    finite = pd.to_numeric(values, errors="coerce").dropna()
    return ",.0f" if finite.empty or np.allclose(finite, finite.round()) else ",.1f"


def _palette(first: str, n: int) -> list[str]:
    """``n`` colours starting with ``first``, then :data:`QUALITATIVE` without it, cycling."""
    rest = [c for c in QUALITATIVE if c.lower() != first.lower()]
    order = [first] + rest
    return [order[i % len(order)] for i in range(n)]


def _rgb(colour: str) -> tuple[int, int, int]:
    h = colour.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def _tint(colour: str, amount: float) -> str:
    """``colour`` mixed with ``amount`` of white, as hex."""
    return "#" + "".join(f"{round(c + (255 - c) * amount):02X}" for c in _rgb(colour))


def _rgba(colour: str, alpha: float) -> str:
    # No spaces and 0-255 channels: plotly.js 4 rejects rgb() strings written otherwise.
    r, g, b = _rgb(colour)
    return f"rgba({r},{g},{b},{alpha})"


def funnel(wards: pd.DataFrame, limits: pd.DataFrame, *, rate: float, title: str, colour: str,
           x_title: str = "Residents", y_title: str = "per 1,000 residents", height: int = 420,
           noun: tuple[str, str] = ("ward", "wards")) -> go.Figure:
    """A funnel plot: each ward's rate against its population, with 95% and 99.8% limits.

    Parameters
    ----------
    wards : DataFrame
        ward_name, population, rate, current and position (from ``significance.ward_funnel``).
    limits : DataFrame
        denominator and lower_/upper_ 95 and 99.8 columns (``significance.funnel_limits``).
    rate : float
        The borough rate, drawn as the centre line.
    noun : what a point is, one and many, for the text alternative (partnerships on the compare page).
    """
    if _is_empty(wards):
        return _empty("funnel", title, height)
    _require(wards, "funnel", "ward_name", "population", "rate", "current", "position")
    fig = _base("funnel", title, height)
    fig.layout.meta = {**fig.layout.meta, "noun": list(noun)}
    for level, dash in (("99.8", "dash"), ("95", "dot")):
        for side in ("upper", "lower"):
            fig.add_trace(dict(type="scatter", x=limits["denominator"], y=limits[f"{side}_{level}"], mode="lines",
                                     name=f"{level}% limits", legendgroup=level, showlegend=side == "upper",
                                     line=dict(color=_MUTED, width=1.2, dash=dash, shape="hv"), hoverinfo="skip"))
    fig.add_hline(y=rate, line=dict(color=colour, width=1.5), layer="below")
    # Shape as well as colour tells the groups apart (a reader who cannot tell the tints apart, a grey print).
    position = wards["position"].astype(str)
    for mask, name, fill, symbol in ((position == "within limits", "Within limits", _tint(colour, 0.45), "circle"),
                                     (position.str.startswith("above"), "Above a limit", colour, "triangle-up"),
                                     (position.str.startswith("below"), "Below a limit", colour, "triangle-down")):
        rows = wards[mask]
        if name != "Within limits" and not len(rows):
            continue
        fig.add_trace(dict(type="scatter",
            x=rows["population"], y=rows["rate"], mode="markers", name=name,
            marker=dict(size=10 if symbol == "circle" else 12, color=fill, symbol=symbol,
                        line=dict(width=1, color="white")),
            customdata=np.column_stack([rows["ward_name"], rows["current"], rows["position"]]) if len(rows) else None,
            hovertemplate="<b>%{customdata[0]}</b><br>%{y:.1f} per 1,000 (%{customdata[1]:,} from %{x:,} residents)"
                          "<br>%{customdata[2]}<extra></extra>"))
    fig.update_xaxes(title_text=x_title, tickformat=",")
    fig.update_yaxes(title_text=y_title, rangemode="tozero")
    return fig
