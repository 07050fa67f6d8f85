"""Plotly builders on tiny hand-built frames: what ends up in fig.data and fig.layout."""

import ast
import html
import inspect
import re

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest
from pandas.testing import assert_frame_equal

from conftest import contrast
from smp_dash import charts as c
from smp_dash.periods import period

ASSESS_2020 = period("assessment", 2020)
LABEL = ASSESS_2020.long_label  # "Assessment year, Dec 2019 to Nov 2020"
SOC = c.PRIORITY_COLOURS["soc"]


def _months(start, n, values=None, **extra):
    months = pd.date_range(start, periods=n, freq="MS")
    return pd.DataFrame({"month": months, "value": values or list(range(100, 100 + n)), **extra})


def _annotations(fig, name):
    return [a.text for a in fig.layout.annotations if a.name == name]


def _shapes(fig, name):
    return [s for s in fig.layout.shapes if s.name == name]


TREND = _months("2019-12-01", 12, flag=[False] * 4 + [True] + [False] * 7)
CHANGE = pd.DataFrame({"crime_type": ["Violence", "Sexual offences", "Robbery"],
                       "previous": [415, 400, 3], "current": [502, 220, 5],
                       "label": [None, "", "small numbers"]})
CATEGORIES = pd.DataFrame({"category": ["Noise", "ASB", "Dog fouling"], "value": [1200, 3400, 56]})
YEARS = pd.DataFrame({"year": ["2019/20", "2017/18", "2018/19"], "value": [1410, 1020, 1288]})
AREAS = pd.DataFrame({"year": [2018, 2019, 2020] * 2, "area": ["Maidstone"] * 3 + ["Kent"] * 3,
                      "value": [200, 250, 180, 1000, 1100, 1500]})
BANDS = pd.DataFrame({"year": ["2019"] * 3 + ["2020"] * 3, "band": ["10-13", "14-15", "16-17"] * 2,
                      "n": [10, 30, 60, 5, 15, 30]})
STRANDS = pd.DataFrame({"strand": ["Race", "Religion", "Disability"], "n": [210, 12, 30]})

#: One call per builder: (builder, frames, keyword arguments). Frames are positional inputs.
CALLS = [
    (c.monthly_trend, (TREND,), dict(title=f"All crime, {LABEL}", colour=SOC, outliers="flag",
                                     highlight=(ASSESS_2020.start, ASSESS_2020.end))),
    (c.period_overlay, (TREND[["month", "value"]], _months("2018-12-01", 12)),
     dict(title=f"Monthly crime, {LABEL}", colour=SOC, current_label="2020", previous_label="2019")),
    (c.bars, (CATEGORIES,), dict(x="category", y="value", title=f"Requests, {LABEL}", colour=SOC,
                                 highlight=["ASB"])),
    (c.change_bars, (CHANGE,), dict(category="crime_type", current="current", previous="previous",
                                    title=f"Change, {LABEL}", colour=SOC)),
    (c.yearly_bars, (YEARS,), dict(title="Referrals, financial years 2017/18 to 2019/20", colour=SOC)),
    (c.indexed_lines, (AREAS,), dict(base=2018, title="Index, calendar years 2018 to 2020")),
    (c.stacked_share, (BANDS,), dict(x="year", y="n", series="band", title="Age bands, 2019 to 2020")),
    (c.donut, (STRANDS,), dict(names="strand", values="n", title=f"Hate crime strands, {LABEL}")),
]
IDS = [call[0].__name__ for call in CALLS]


@pytest.mark.parametrize(("builder", "frames", "kwargs"), CALLS, ids=IDS)
def test_every_builder_names_itself_and_shares_the_template(builder, frames, kwargs):
    fig = builder(*frames, **kwargs)
    assert fig.layout.meta == {"builder": builder.__name__}
    assert fig.layout.template.layout.font.family.endswith("sans-serif")
    assert fig.layout.template.layout.plot_bgcolor == "white"
    assert fig.layout.height == c.DEFAULT_HEIGHT
    pio.to_json(fig, validate=True)  # serialisable as plotly.js will receive it


@pytest.mark.parametrize(("builder", "frames", "kwargs"), [call for call in CALLS if "title" in call[2]],
                         ids=[i for i, call in zip(IDS, CALLS) if "title" in call[2]])
def test_title_keeps_the_period_the_caller_names(builder, frames, kwargs):
    fig = builder(*frames, **kwargs)
    assert fig.layout.title.text == kwargs["title"]
    assert re.search(r"20(18|19|20)", fig.layout.title.text)


@pytest.mark.parametrize(("builder", "frames", "kwargs"), CALLS, ids=IDS)
def test_inputs_are_not_mutated(builder, frames, kwargs):
    before = [f.copy(deep=True) for f in frames]
    builder(*frames, **kwargs)
    for original, frame in zip(before, frames):
        assert_frame_equal(frame, original)


@pytest.mark.parametrize(("builder", "frames", "kwargs"), CALLS, ids=IDS)
def test_an_empty_frame_says_so(builder, frames, kwargs):
    empty = [f.iloc[0:0] for f in frames]
    fig = builder(*empty, **kwargs)
    assert _annotations(fig, "no_data") == [c.NO_DATA]
    assert len(fig.data) == 0
    assert fig.layout.meta == {"builder": builder.__name__}


@pytest.mark.parametrize(("builder", "frames", "kwargs"), [
    # A frame without any columns at all is empty too, not an error.
    (c.monthly_trend, (pd.DataFrame(),), dict(title="t, 2020")),
    (c.bars, (pd.DataFrame(),), dict(x="a", y="b", title="t, 2020", colour=SOC)),
    # period_overlay keys on the current period: nothing this period is nothing to show.
    (c.period_overlay, (TREND.iloc[0:0], TREND), dict(title="t", colour=SOC, current_label="a",
                                                        previous_label="b")),
    # A donut of zeros has no shares to draw.
    (c.donut, (STRANDS.assign(n=0),), dict(names="strand", values="n", title="t")),
])
def test_other_empty_selections(builder, frames, kwargs):
    assert _annotations(builder(*frames, **kwargs), "no_data") == [c.NO_DATA]


@pytest.mark.parametrize(("builder", "frame", "kwargs", "message"), [
    (c.monthly_trend, TREND, dict(y="count", title="t"), "no column 'count'"),
    (c.bars, CATEGORIES, dict(x="category", y="n", title="t", colour=SOC), "bars: .*'n'"),
    (c.bars, CATEGORIES, dict(x="category", y="value", title="t", colour=SOC, orientation="d"), "orientation"),
    (c.indexed_lines, AREAS, dict(base=2015, title="t"), "base 2015"),
])
def test_bad_arguments_raise_clearly(builder, frame, kwargs, message):
    with pytest.raises(ValueError, match=message):
        builder(frame, **kwargs)


def test_priority_colours_cover_every_priority_as_hex():
    required = {"soc", "children_young_people", "domestic_abuse", "substance_misuse", "mental_health",
                "asb_community_protection", "police_data", "task_force", "overview"}
    assert required <= set(c.PRIORITY_COLOURS)
    assert all(re.fullmatch(r"#[0-9A-F]{6}", v) for v in c.PRIORITY_COLOURS.values())
    assert len(set(c.PRIORITY_COLOURS.values())) == len(c.PRIORITY_COLOURS)


def test_template_layout():
    layout = c.monthly_trend(TREND, title="t").layout.template.layout
    assert (layout.title.x, layout.title.xanchor) == (0, "left")
    assert (layout.legend.orientation, layout.legend.yanchor, layout.legend.y) == ("h", "bottom", 0)
    assert layout.hoverlabel.bgcolor == "white"


@pytest.mark.parametrize(("kwargs", "traces", "legend"), [
    (dict(), 1, False),                                  # one line, nothing to tell apart
    (dict(outliers="flag"), 2, True),                    # the line and its flagged month
    (dict(outliers="none_flagged"), 1, False),           # a flag column with no flags adds nothing
    (dict(series="area"), 2, True),                      # one line per area
])
def test_monthly_trend_traces(kwargs, traces, legend):
    frame = pd.concat([TREND.assign(area="Maidstone"), TREND.assign(area="Kent", value=TREND.value * 2)])
    frame = frame.assign(none_flagged=False)
    if "series" not in kwargs:
        frame = frame[frame.area == "Maidstone"]
    fig = c.monthly_trend(frame, title="t", colour=SOC, **kwargs)
    assert len(fig.data) == traces
    assert fig.layout.showlegend is legend
    assert list(fig.data[0].y) == list(range(100, 112))
    assert fig.data[0].line.color == SOC


def test_monthly_trend_sorts_months_and_marks_outliers():
    fig = c.monthly_trend(TREND.iloc[::-1], title="t", colour=SOC, outliers="flag")
    line, flagged = fig.data
    assert list(line.y) == list(TREND.value)
    assert list(flagged.y) == [104]
    assert flagged.marker.line.color == "#C00000" and flagged.marker.symbol == "circle-open"
    assert "flagged outlier" in flagged.hovertemplate
    assert line.xperiodalignment == "middle"  # a month's point sits mid-month, where its days are


def test_monthly_trend_series_colours_start_with_the_colour_given():
    frame = pd.concat([TREND.assign(area=a) for a in ("Maidstone", "Kent", "Medway")])
    fig = c.monthly_trend(frame, series="area", title="t", colour=c.PRIORITY_COLOURS["domestic_abuse"])
    colours = [t.line.color for t in fig.data]
    assert colours[0] == c.PRIORITY_COLOURS["domestic_abuse"]
    assert len(set(colours)) == 3
    assert [t.name for t in fig.data] == ["Maidstone", "Kent", "Medway"]


@pytest.mark.parametrize(("start", "n", "lockdowns"), [
    ("2018-01-01", 12, 0),      # 2018 only: no lockdown to shade
    ("2020-01-01", 12, 2),      # calendar 2020: the first two
    ("2019-12-01", 12, 2),      # assessment year 2020 (Dec-Nov) ends inside the second
    ("2020-01-01", 15, 3),      # into March 2021: all three
    ("2020-02-01", 1, 0),       # the month before the first lockdown
    ("2020-03-01", 1, 1),       # the first began on 23 March
    ("2020-07-01", 1, 1),       # ...and ended on 3 July
    ("2020-08-01", 3, 0),       # the summer between
    ("2020-12-01", 1, 1),       # the second ran to 2 December
])
def test_lockdowns_shaded_only_where_they_overlap(start, n, lockdowns):
    fig = c.monthly_trend(_months(start, n), title="t")
    assert len(_shapes(fig, "lockdown")) == lockdowns
    assert _annotations(fig, "lockdown") == [c.LOCKDOWN_TEXT] * lockdowns
    assert all(s.fillcolor == c.LOCKDOWN_FILL for s in _shapes(fig, "lockdown"))


def test_lockdown_shading_is_clipped_to_the_months_shown():
    fig = c.monthly_trend(_months("2020-04-01", 2), title="t")
    (shape,) = _shapes(fig, "lockdown")
    assert (shape.x0, shape.x1) == ("2020-04-01", "2020-06-01")
    assert tuple(fig.layout.xaxis.range) == ("2020-04-01", "2020-06-01")


def test_lockdowns_can_be_turned_off():
    assert _shapes(c.monthly_trend(TREND, title="t", lockdowns=False), "lockdown") == []


@pytest.mark.parametrize(("highlight", "expected"), [
    ((ASSESS_2020.start, ASSESS_2020.end), ("2019-12-01", "2020-12-01")),   # a (start, end) pair
    (ASSESS_2020, ("2019-12-01", "2020-12-01")),                           # or the Period itself
    ((pd.Timestamp("2019-06-01"), pd.Timestamp("2020-01-31")), ("2019-12-01", "2020-02-01")),  # clipped
    ((pd.Timestamp("2017-01-01"), pd.Timestamp("2017-12-31")), None),     # outside the data: nothing
])
def test_highlight_shades_the_period_in_pale_priority_colour(highlight, expected):
    colour = c.PRIORITY_COLOURS["substance_misuse"]
    fig = c.monthly_trend(TREND, title="t", colour=colour, highlight=highlight)
    shapes = _shapes(fig, "highlight")
    if expected is None:
        assert shapes == []
        return
    (shape,) = shapes
    assert (shape.x0, shape.x1) == expected
    assert shape.fillcolor == colour and shape.opacity < 0.3


@pytest.mark.parametrize(("values", "spec"), [
    ([1200, 1300, 1400], ",.0f"),       # counts: thousands separators, no decimals
    ([27.5, 30.25, 31.0], ",.1f"),      # percentages and rates keep a decimal
])
def test_hover_shows_month_and_formatted_value(values, spec):
    fig = c.monthly_trend(_months("2020-01-01", 3, values), title="t")
    assert fig.data[0].hovertemplate.startswith("%{x|%b %Y}")
    assert f"%{{y:{spec}}}" in fig.data[0].hovertemplate


@pytest.mark.parametrize(("builder", "frames", "kwargs"), [call for call in CALLS if call[0] is not c.stacked_share],
                         ids=[i for i in IDS if i != "stacked_share"])
def test_hover_values_have_thousands_separators(builder, frames, kwargs):
    fig = builder(*frames, **kwargs)
    assert all(",.0f}" in t.hovertemplate for t in fig.data)


def test_period_overlay_puts_both_periods_on_one_month_axis():
    current, previous = TREND[["month", "value"]], _months("2018-12-01", 12, list(range(12)))
    fig = c.period_overlay(current, previous, title="t", colour=SOC, current_label="2020",
                           previous_label="2019")
    prev, cur = fig.data
    months = ["Dec", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov"]
    assert list(fig.layout.xaxis.categoryarray) == months
    assert list(prev.x) == months and list(cur.x) == months
    assert list(prev.y) == list(range(12)) and list(cur.y) == list(range(100, 112))
    assert (prev.name, cur.name) == ("2019", "2020")
    assert prev.line.dash == "dash" and cur.line.color == SOC
    assert cur.customdata[0] == "Dec 2019" and prev.customdata[0] == "Dec 2018"


def test_period_overlay_with_a_period_in_progress():
    fig = c.period_overlay(TREND[["month", "value"]].head(3), _months("2018-12-01", 12), title="t",
                           colour=SOC, current_label="2020", previous_label="2019")
    assert list(fig.data[1].x) == ["Dec", "Jan", "Feb"]
    assert len(fig.layout.xaxis.categoryarray) == 12


@pytest.mark.parametrize(("kwargs", "order"), [
    (dict(), ["ASB", "Noise", "Dog fouling"]),                  # largest first
    (dict(sort=False), ["Noise", "ASB", "Dog fouling"]),        # the frame's own order
])
def test_bars_order(kwargs, order):
    fig = c.bars(CATEGORIES, x="category", y="value", title="t", colour=SOC, **kwargs)
    assert list(fig.data[0].x) == order
    assert list(fig.layout.xaxis.categoryarray) == order


def test_bars_horizontal_put_the_largest_on_top():
    fig = c.bars(CATEGORIES, x="category", y="value", title="t", colour=SOC, orientation="h")
    bar = fig.data[0]
    assert bar.orientation == "h" and list(bar.x) == [3400, 1200, 56]
    assert list(fig.layout.yaxis.categoryarray) == ["Dog fouling", "Noise", "ASB"]  # plotly lists bottom up
    assert bar.texttemplate == "%{x:,.0f}"


@pytest.mark.parametrize(("highlight", "strong"), [
    (None, [True, True, True]),                 # nothing singled out: all strong
    (["ASB"], [True, False, False]),
    (["Noise", "Dog fouling"], [False, True, True]),
    ([], [False, False, False]),                # an empty selection lightens all
])
def test_bars_highlight(highlight, strong):
    fig = c.bars(CATEGORIES, x="category", y="value", title="t", colour=SOC, highlight=highlight)
    colours = list(fig.data[0].marker.color)
    assert [col == SOC for col in colours] == strong
    assert all(col == SOC or col.startswith("#") for col in colours)


@pytest.mark.parametrize(("text", "template"), [(True, "%{y:,.0f}"), (False, None)])
def test_bars_value_labels(text, template):
    fig = c.bars(CATEGORIES, x="category", y="value", title="t", colour=SOC, text=text)
    assert fig.data[0].texttemplate == template


def test_bars_grouped_by_series():
    frame = pd.DataFrame({"measure": ["ASB", "Crime", "ASB", "Crime"], "area": ["Focus", "Focus", "Rest", "Rest"],
                          "rate": [12.5, 30.0, 4.0, 10.0]})
    fig = c.bars(frame, x="measure", y="rate", series="area", title="t", colour=SOC)
    focus, rest = fig.data
    assert (focus.name, rest.name) == ("Focus", "Rest")
    assert list(focus.x) == ["Crime", "ASB"] and list(focus.y) == [30.0, 12.5]   # largest total first
    assert set(focus.marker.color) == {SOC} and SOC not in set(rest.marker.color)
    assert fig.layout.barmode == "group" and fig.layout.showlegend is True
    assert "Rest: <b>%{y:,.1f}</b>" in rest.hovertemplate                         # rates keep a decimal


def test_bars_wrap_long_labels_but_keep_categories():
    frame = pd.DataFrame({"category": ["Violence against the person"], "value": [1]})
    fig = c.bars(frame, x="category", y="value", title="t", colour=SOC)
    assert list(fig.data[0].x) == ["Violence against the person"]
    assert fig.layout.xaxis.ticktext == ("Violence against<br>the person",)


def test_change_bars_write_the_change_per_pair():
    fig = c.change_bars(CHANGE, category="crime_type", current="current", previous="previous",
                        title="t", colour=SOC, current_label="2020", previous_label="2019")
    prev, cur = fig.data
    assert list(prev.y) == [415, 400, 3] and list(cur.y) == [502, 220, 5]
    assert (prev.name, cur.name) == ("2019", "2020") and cur.marker.color == SOC
    # 415 -> 502 is +21%, 400 -> 220 is -45%; the label column overrides the third.
    assert _annotations(fig, "change") == ["<b>+21%</b>", "<b>-45%</b>", "<b>small numbers</b>"]
    assert list(cur.customdata[0]) == [415, 502, "+21%", "Violence"]
    assert "2019: %{customdata[0]:,.0f}" in cur.hovertemplate and "Change: %{customdata[2]}" in cur.hovertemplate


@pytest.mark.parametrize(("previous", "current", "text"), [
    (0, 5, "n/a"),          # nothing last year: no percentage to give
    (10, 10, "0%"),         # unchanged is unsigned
    (1000, 1500, "+50%"),
])
def test_change_bars_edge_changes(previous, current, text):
    frame = pd.DataFrame({"c": ["x"], "p": [previous], "n": [current]})
    fig = c.change_bars(frame, category="c", current="n", previous="p", title="t", colour=SOC)
    assert _annotations(fig, "change") == [f"<b>{text}</b>"]


@pytest.mark.parametrize(("n", "orientation", "expected", "taller"), [
    (3, "auto", "v", False),
    (7, "auto", "v", False),        # up to seven pairs stand up
    (8, "auto", "h", True),         # more lie down, first at the top, and the figure grows
    (3, "h", "h", False),           # asked for: three pairs fit the usual height
    (12, "v", "v", False),          # asked for, even if crowded
])
def test_change_bars_lie_down_when_crowded(n, orientation, expected, taller):
    frame = pd.DataFrame({"c": [f"type {i}" for i in range(n)], "p": range(10, 10 + n), "n": range(20, 20 + n)})
    fig = c.change_bars(frame, category="c", current="n", previous="p", title="t", colour=SOC,
                        orientation=orientation)
    assert {t.orientation for t in fig.data} == {expected}
    assert (fig.layout.height > c.DEFAULT_HEIGHT) is taller
    if expected == "h":
        assert list(fig.data[1].x) == list(range(20, 20 + n))
        assert fig.layout.yaxis.categoryarray[-1] == "type 0"                   # first row on top
        assert {a.xanchor for a in fig.layout.annotations} == {"left"}


def test_yearly_bars_in_time_order_on_a_category_axis():
    fig = c.yearly_bars(YEARS, title="t", colour=SOC)
    assert list(fig.data[0].x) == ["2017/18", "2018/19", "2019/20"]
    assert list(fig.data[0].y) == [1020, 1288, 1410]
    assert fig.layout.xaxis.type == "category"
    assert fig.data[0].texttemplate == "%{y:,.0f}"


def test_yearly_bars_take_numeric_years_as_labels():
    fig = c.yearly_bars(pd.DataFrame({"year": [2020, 2019], "value": [5, 4]}), title="t", colour=SOC)
    assert list(fig.data[0].x) == [2019, 2020] and fig.layout.xaxis.type == "category"


def test_indexed_lines_are_100_at_the_base():
    fig = c.indexed_lines(AREAS, base=2018, title="t", colours={"Maidstone": SOC})
    maidstone, kent = fig.data
    assert list(maidstone.y) == pytest.approx([100, 125, 90]) and list(kent.y) == pytest.approx([100, 110, 150])
    assert list(maidstone.customdata) == [200, 250, 180]           # the raw value, for hover
    assert maidstone.line.color == SOC
    assert "Index %{y:.0f}" in kent.hovertemplate and "%{customdata:,.0f}" in kent.hovertemplate
    assert [s.y0 for s in fig.layout.shapes] == [100]               # the reference line


@pytest.mark.parametrize(("base_value", "traces"), [
    (0, 1),         # a zero base cannot be indexed: that series is left out
    (None, 1),      # nor can a missing one
    (50, 2),
])
def test_indexed_lines_leave_out_series_without_a_base(base_value, traces):
    frame = AREAS.copy()
    frame.loc[3, "value"] = base_value
    if base_value is None:
        frame = frame.drop(index=3)
    assert len(c.indexed_lines(frame, base=2018, title="t").data) == traces


def test_stacked_share_sums_to_100_per_bar():
    fig = c.stacked_share(BANDS, x="year", y="n", series="band", title="t")
    assert [t.name for t in fig.data] == ["10-13", "14-15", "16-17"]
    assert [list(t.y) for t in fig.data] == [[10, 10], [30, 30], [60, 60]]
    assert fig.layout.barmode == "stack" and tuple(fig.layout.yaxis.range) == (0, 100)
    assert list(fig.data[0].customdata[1]) == [5, 50]      # count and bar total, for hover


def test_stacked_share_with_an_empty_bar():
    frame = BANDS.assign(n=[0, 0, 0, 1, 1, 2])
    fig = c.stacked_share(frame, x="year", y="n", series="band", title="t")
    assert [t.y[0] for t in fig.data] == [0, 0, 0]          # a year with no rows is 0%, not NaN


def test_sparkline_svg_draws_every_month_and_marks_the_latest():
    import xml.etree.ElementTree as ET

    svg = c.sparkline_svg(TREND, colour=SOC, label="Violent crime")
    root = ET.fromstring(svg)                      # well-formed: the browser draws it without a script
    ns = "{http://www.w3.org/2000/svg}"
    area, line, dot = root.findall(f"{ns}path") or root.findall("path")
    assert line.get("d").count("L") == len(TREND) - 1 and line.get("stroke") == SOC
    heights = [float(point.split(",")[1]) for point in re.findall(r"[ML]([\d.]+,[\d.]+)", line.get("d"))]
    highest = TREND["value"].idxmax()
    assert min(heights) == heights[highest]          # the highest month is drawn highest (smallest y)
    title = (root.find(f"{ns}title") or root.find("title")).text
    latest = pd.to_datetime(TREND["month"]).iloc[-1]
    assert title.startswith(f"Violent crime: {latest:%b %Y} 111;")
    assert root.get("aria-label") == title and root.get("width") == "100%"
    assert dot.get("stroke-linecap") == "round"    # a zero-length round-capped stroke: a dot at any width


def test_sparkline_svg_without_data_says_so():
    svg = c.sparkline_svg(TREND.iloc[0:0], colour=SOC)
    assert c.NO_DATA in svg and "<path" not in svg


def test_donut_largest_first_with_total():
    fig = c.donut(STRANDS, names="strand", values="n", title="t",
                  colours={"Race": c.PRIORITY_COLOURS["police_data"]})
    pie = fig.data[0]
    assert list(pie.labels) == ["Race", "Disability", "Religion"] and list(pie.values) == [210, 30, 12]
    assert pie.hole > 0.3 and pie.marker.colors[0] == c.PRIORITY_COLOURS["police_data"]
    assert _annotations(fig, "total") == ["<b>252</b><br>total"]


def test_donut_total_has_thousands_separator():
    fig = c.donut(STRANDS.assign(n=[2100, 120, 300]), names="strand", values="n", title="t")
    assert _annotations(fig, "total") == ["<b>2,520</b><br>total"]


def test_charts_does_not_import_streamlit():
    tree = ast.parse(inspect.getsource(c))
    names = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    names |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    assert not any(name and name.split(".")[0] == "streamlit" for name in names)


def test_funnel_draws_limits_centre_line_and_wards_split_by_position():
    from smp_dash import significance

    table = pd.DataFrame({"ward_name": ["A", "B", "C", "D"], "current": [100, 20, 21, 18],
                          "population": [2000, 2000, 3000, 1500]})
    wards, rate = significance.ward_funnel(table)
    limits = significance.funnel_limits([1000, 2000, 4000], rate)
    fig = c.funnel(wards, limits, rate=rate, title="DA per 1,000, 2020", colour="#CC79A7")
    names = [t.name for t in fig.data]
    assert names.count("95% limits") == 2 and names.count("99.8% limits") == 2
    above = next(t for t in fig.data if t.name == "Above a limit")
    assert "A" in list(above.customdata[:, 0])
    assert fig.layout.shapes[0].y0 == pytest.approx(rate)       # the borough rate line
    assert fig.layout.meta["builder"] == "funnel"


def test_funnel_without_wards_says_so():
    fig = c.funnel(pd.DataFrame(), pd.DataFrame(), rate=1.0, title="x", colour="#CC79A7")
    assert fig.layout.annotations[0].text == c.NO_DATA


def test_period_overlay_rings_flagged_months_once_in_the_legend():
    months = pd.date_range("2019-12-01", periods=12, freq="MS")
    cur = pd.DataFrame({"month": months, "value": range(12), "outlier": [False] * 4 + [True, True] + [False] * 6})
    prev = pd.DataFrame({"month": months - pd.DateOffset(years=1), "value": range(12), "outlier": [True] + [False] * 11})
    fig = c.period_overlay(cur, prev, title="ASB, Dec 2019 to Nov 2020", colour="#D55E00", current_label="now",
                           previous_label="before", outliers="outlier")
    rings = [t for t in fig.data if t.name == "Flagged outlier"]
    assert [list(t.x) for t in rings] == [["Dec"], ["Apr", "May"]]
    assert [t.showlegend for t in rings] == [True, False]


def test_funnel_tells_within_from_outside_by_shape_as_well_as_colour():
    from smp_dash import significance

    table = pd.DataFrame({"ward_name": ["A", "B", "C", "D"], "current": [100, 20, 21, 18],
                          "population": [2000, 2000, 3000, 1500]})
    wards, rate = significance.ward_funnel(table)
    fig = c.funnel(wards, significance.funnel_limits([1000, 2000, 4000], rate), rate=rate, title="t", colour="#CC79A7")
    symbols = {t.name: t.marker.symbol for t in fig.data if t.mode == "markers"}
    assert symbols == {"Within limits": "circle", "Above a limit": "triangle-up", "Below a limit": "triangle-down"}


def test_funnel_leaves_out_an_empty_outside_group():
    from smp_dash import significance

    # Equal rates everywhere: every ward within the limits, no "above" or "below" legend entry.
    table = pd.DataFrame({"ward_name": ["A", "B"], "current": [20, 40], "population": [2000, 4000]})
    wards, rate = significance.ward_funnel(table)
    fig = c.funnel(wards, significance.funnel_limits([1000, 4000], rate), rate=rate, title="t", colour="#CC79A7")
    assert [t.name for t in fig.data if t.mode == "markers"] == ["Within limits"]


def test_period_overlay_shades_the_lockdowns_of_both_periods():
    # Dec 2019 to Nov 2020 against Dec 2018 to Nov 2019: the first lockdown (23 Mar to 3 Jul 2020)
    # starts 22 days into March (category 3) and ends 3 days into July (category 7).
    cur, prev = _months("2019-12-01", 12), _months("2018-12-01", 12)
    fig = c.period_overlay(cur, prev, title="t", colour=SOC, current_label="now", previous_label="before")
    shades = _shapes(fig, "lockdown")
    assert [(round(s.x0, 3), round(s.x1, 3)) for s in shades] == [
        (round(2.5 + 22 / 31, 3), round(6.5 + 3 / 31, 3)),       # first lockdown, Mar to Jul
        (round(10.5 + 4 / 30, 3), 11.5)]                           # second, from 5 Nov, cut at the period's end
    assert _annotations(fig, "lockdown") == ["Lockdown 2020", "Lockdown 2020"]
    assert not _shapes(c.period_overlay(cur, prev, title="t", colour=SOC, current_label="a", previous_label="b",
                                        lockdowns=False), "lockdown")


def test_period_overlay_shades_the_previous_periods_lockdowns_paler():
    # Dec 2020 to Nov 2021 against Dec 2019 to Nov 2020: last year's lockdowns are drawn too, paler.
    fig = c.period_overlay(_months("2020-12-01", 12), _months("2019-12-01", 12), title="t", colour=SOC,
                           current_label="now", previous_label="before")
    opacities = [s.opacity for s in _shapes(fig, "lockdown")]
    assert sorted(set(opacities)) == [0.22, 0.45]
    assert _annotations(fig, "lockdown") == ["Lockdown 2020", "Lockdown 2020", "Lockdown 2020", "Lockdown 2021"]


@pytest.mark.parametrize(("fig", "sentence"), [
    (c.monthly_trend(_months("2015-01-01", 3, [200, 180, 256]), title="Domestic abuse crimes by month", colour=SOC),
     "Domestic abuse crimes by month, Jan 2015 to Mar 2015: highest 256 in Mar 2015, lowest 180 in Feb 2015; "
     "latest 256 in Mar 2015."),
    # Rates keep one decimal, as the hover does.
    (c.monthly_trend(_months("2020-01-01", 2, [1.25, 2.5]), title="Rate", colour=SOC),
     "Rate, Jan 2020 to Feb 2020: highest 2.5 in Feb 2020, lowest 1.2 in Jan 2020; latest 2.5 in Feb 2020."),
    (c.monthly_trend(pd.concat([_months("2020-01-01", 2, [5, 7], area="A"), _months("2020-01-01", 2, [9, 4], area="B")]),
                     series="area", title="By area", colour=SOC),
     "By area, Jan 2020 to Feb 2020: A latest 7 in Feb 2020, highest 7; B latest 4 in Feb 2020, highest 9."),
    (c.period_overlay(_months("2019-12-01", 2, [10, 30]), _months("2018-12-01", 2, [20, 5]), title="ASB by month",
                      colour=SOC, current_label="2019-20", previous_label="2018-19"),
     "ASB by month: 2019-20 total 40 over 2 months, highest 30 in Jan 2020, lowest 10 in Dec 2019; "
     "2018-19 total 25 over 2 months, highest 20 in Dec 2018, lowest 5 in Jan 2019."),
    (c.bars(CATEGORIES, x="category", y="value", title="Requests, 2020", colour=SOC),
     "Requests, 2020: largest ASB 3,400, Noise 1,200, Dog fouling 56."),
    (c.change_bars(CHANGE, category="crime_type", current="current", previous="previous", title="Crime, 2020",
                   colour=SOC, current_label="2020", previous_label="2019"),
     "Crime, 2020: 727 in 2020 against 818 in 2019; largest Violence 502 (+21% on 415), "
     "Sexual offences 220 (-45% on 400), Robbery 5 (+67% on 3)."),
    (c.change_bars(CHANGE, category="crime_type", current="current", previous="previous", title="Crime", colour=SOC),
     "Crime: 727 in this period against 818 in the previous period; largest Violence 502 (+21% on 415), "
     "Sexual offences 220 (-45% on 400), Robbery 5 (+67% on 3)."),
    (c.yearly_bars(YEARS, title="Crimes by year", colour=SOC),
     "Crimes by year, 2017/18 to 2019/20: highest 1,410 in 2019/20, lowest 1,020 in 2017/18; latest 1,410 in 2019/20."),
    (c.donut(STRANDS, names="strand", values="n", title="Hate crime by strand"),
     "Hate crime by strand: 252 in all; largest Race 210 (83%), Disability 30 (12%), Religion 12 (5%)."),
    (c.stacked_share(BANDS, x="year", y="n", series="band", title="Age bands"),
     "Age bands, in 2020: 16-17 60%, 14-15 30%, 10-13 10%."),
    (c.indexed_lines(AREAS, base=2018, title="Crime indexed"), "Crime indexed: Maidstone 2020 index 90; Kent 2020 index 150."),
    # Edge: an empty frame says so, the title's HTML is dropped.
    (c.bars(CATEGORIES.iloc[0:0], x="category", y="value", title="<b>Requests</b><br>2020", colour=SOC),
     "Requests 2020: no data for this selection."),
])
def test_describe_says_what_the_chart_shows(fig, sentence):
    assert c.describe(fig) == sentence


def test_describe_names_the_wards_outside_the_funnel_limits():
    from smp_dash import significance

    table = pd.DataFrame({"ward_name": ["A", "B", "C", "D"], "current": [100, 20, 21, 18],
                          "population": [2000, 2000, 3000, 1500]})
    wards, rate = significance.ward_funnel(table)
    fig = c.funnel(wards, significance.funnel_limits([1000, 2000, 4000], rate), rate=rate, title="DA per 1,000",
                   colour="#CC79A7")
    assert c.describe(fig) == "DA per 1,000: 4 wards; above a limit: A; below a limit: B, C; 1 within the limits."


WARD_VALUES = pd.DataFrame({"ward_name": ["Bridge", "High Street", "Fant", "Park Wood", "Detling"],
                            "value": [610.0, 1204.0, float("nan"), 512.0, 31.0]})


@pytest.mark.parametrize(("values", "kwargs", "sentence"), [
    (WARD_VALUES, {}, "ASB by ward, 2020: highest High Street 1,204, Bridge 610, Park Wood 512; lowest Detling 31; "
                      "5 wards, 1 hidden by disclosure control."),
    (WARD_VALUES.assign(value=[12.5, -3.25, 0.0, 40.0, 7.0]), {"suffix": "%", "top": 1},
     "ASB by ward, 2020: highest Park Wood 40.0%; lowest High Street -3.2%; 5 wards."),
    # Edges: two wards name both and no "lowest"; every ward hidden says there is nothing to show.
    (WARD_VALUES.head(2), {}, "ASB by ward, 2020: highest High Street 1,204, Bridge 610; 2 wards."),
    (WARD_VALUES.assign(value=float("nan")), {}, "ASB by ward, 2020: no data for this selection."),
])
def test_describe_wards_names_the_wards_with_most_and_least(values, kwargs, sentence):
    before = values.copy()
    assert c.describe_wards(values, title="ASB by ward, 2020.", **kwargs) == sentence
    assert_frame_equal(values, before)


# Overlays pair months by the calendar, never by row ----------------------------------------------

MONTHS = ["Dec", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov"]


def _drawn(trace) -> dict:
    """Each category of a trace with its value (None for a gap), checking its hover names the same month."""
    assert [str(m)[:3] for m in trace.customdata] == list(trace.x)
    return dict(zip(trace.x, trace.y))


def test_period_overlay_puts_a_previous_period_that_starts_late_under_its_own_months():
    # police.uk from Jan 2024: Dec 2023 is not in the previous period's frame. Jan 2024's count was
    # drawn under "Dec" and every month after it one month early.
    current = _months("2024-12-01", 12)
    previous = _months("2024-01-01", 11, list(range(1, 12)))          # Jan (1) to Nov (11) 2024
    prev, cur = c.period_overlay(current, previous, title="t", colour=SOC, current_label="now",
                                 previous_label="before").data
    assert _drawn(prev) == dict(zip(MONTHS[1:], range(1, 12)))
    assert _drawn(cur) == dict(zip(MONTHS, range(100, 112)))


def test_period_overlay_leaves_a_gap_where_a_month_is_missing():
    previous = _months("2023-12-01", 12, list(range(12))).drop(index=3)    # no Mar 2024
    fig = c.period_overlay(_months("2024-12-01", 12), previous, title="ASB", colour=SOC, current_label="now",
                           previous_label="before", outliers="outlier")
    drawn = _drawn(fig.data[0])
    assert list(drawn) == MONTHS and drawn["Mar"] is None                  # a gap, not 0, not April's 4
    assert [drawn[m] for m in ("Feb", "Apr", "Nov")] == [2, 4, 11]
    assert "before total 63 over 11 months" in c.describe(fig)


def test_period_overlay_rings_an_outlier_over_its_own_month_when_a_month_is_missing():
    previous = _months("2024-01-01", 11, outlier=[False, True] + [False] * 9)   # Feb 2024 flagged
    fig = c.period_overlay(_months("2024-12-01", 12, outlier=[False] * 12), previous, title="t", colour=SOC,
                           current_label="now", previous_label="before", outliers="outlier")
    ring = next(t for t in fig.data if t.name == "Flagged outlier")
    assert (list(ring.x), list(ring.customdata)) == (["Feb"], ["Feb 2024"])


def test_period_overlay_refuses_periods_more_than_a_year_apart():
    with pytest.raises(ValueError, match="span 13 calendar months"):
        c.period_overlay(_months("2024-12-01", 12), _months("2023-12-01", 1).assign(month=pd.Timestamp("2024-12-01")),
                         title="t", colour=SOC, current_label="a", previous_label="b")


@pytest.mark.parametrize("builder, frames, kwargs", CALLS, ids=IDS)
def test_chart_text_reads_on_white_and_on_the_lockdown_shading(builder, frames, kwargs):
    # WCAG 2.2 AA (issue 21): every text colour a chart sets has 4.5:1 on white and on the lockdown
    # shading the lockdown labels sit on (they were grey at 4.2:1); the previous period's line and
    # bars, a graphic to be seen, 3:1 on white.
    (lockdown,) = _shapes(c.monthly_trend(_months("2020-04-01", 2), title="t"), "lockdown")
    fill = [int(lockdown.fillcolor[i:i + 2], 16) for i in (1, 3, 5)]
    shading = tuple(round(lockdown.opacity * v + (1 - lockdown.opacity) * 255) for v in fill)
    fig = builder(*frames, **kwargs)
    template = fig.layout.template.layout
    texts = {template.font.color, template.title.font.color, template.xaxis.tickfont.color,
             template.yaxis.tickfont.color, template.xaxis.title.font.color, template.hoverlabel.font.color}
    texts |= {a.font.color for a in fig.layout.annotations if a.font.color}
    texts |= {t.textfont.color for t in fig.data if isinstance(getattr(t, "textfont", None) and t.textfont.color, str)}
    assert {(colour, background) for colour in texts for background in ("#FFFFFF", shading)
            if contrast(colour, background) < 4.5} == set()
    assert contrast(c._PREVIOUS, "#FFFFFF") >= 3


# Titles that fit the narrowest screen, lockdown labels that never touch (issue 21) --------------

ASB_TITLE = "Police-recorded ASB by month: Dec 2019 to Nov 2020 against Dec 2018 to Nov 2019 (Whole borough)"


@pytest.mark.parametrize(("title", "width", "head", "tail"), [
    # the subject, then the periods compared: at 800 px the title was cut at "...against Dec 2"
    (ASB_TITLE, 440, ["Police-recorded ASB by month"], ["Dec 2019 to Nov 2020 against Dec 2018 to Nov 2019 (Whole borough)"]),
    (ASB_TITLE, 300, ["Police-recorded ASB by month"], ["Dec 2019 to Nov 2020 against Dec 2018 to Nov", "2019 (Whole borough)"]),
    # no colon: the first comma, not the one in "1,000"; a long subject wraps too
    ("ASB incidents per 1,000 residents by ward against the borough rate, Dec 2019 to Nov 2020", 440,
     ["ASB incidents per 1,000 residents by ward against", "the borough rate"], ["Dec 2019 to Nov 2020"]),
    # a comma inside brackets is not the end of the subject; what follows starts with a capital
    ("Violence and public order by month: town centre (High Street, Bridge, Fant) and the rest", 440,
     ["Violence and public order by month"], ["Town centre (High Street, Bridge, Fant) and the rest"]),
    ("Violence (High Street, Bridge) by month, Whole borough", 360, ["Violence (High Street, Bridge) by month"],
     ["Whole borough"]),
    # MoRiLE's chart, beside its ranking in 5/11 of the page
    ("Priority score, Whole borough", 200, ["Priority score"], ["Whole borough"]),
    # nothing to split at: the title wraps, with no subtitle; a name with "&" stays escaped for plotly
    ("Needles & syringes found in the borough parks by month", 300,
     ["Needles &amp; syringes found in the", "borough parks by month"], []),
])
def test_a_long_title_is_split_into_a_subject_and_a_wrapped_subtitle(title, width, head, tail):
    fig = c.monthly_trend(TREND, title=title)
    out = c.fitted(fig, width)
    assert out.layout.title.text.split("<br>") == head
    assert (out.layout.title.subtitle.text or "").split("<br>") == (tail or [""])
    assert all(len(html.unescape(line)) * 8 <= width - 24 for line in head)   # each line fits at 8 px a character
    # the plot keeps its size: margin and height grow by the lines added (21 px a title line, 18 a subtitle's),
    # and a subtitle by 8 px more, clear of a tick label standing on the top of the plot (it ran into "300")
    added = 21 * (len(head) - 1) + (18 * len(tail) + 8 if tail else 0)
    assert (out.layout.height, out.layout.margin.t) == (c.DEFAULT_HEIGHT + added, 56 + added)
    # screen readers and the documents still get the whole title; the figure given is unchanged
    assert c.title_of(out) == c.title_of(fig) == title
    assert c.describe(out) == c.describe(fig)
    assert fig.layout.title.text == title and fig.layout.title.subtitle.text is None
    assert out.layout.meta == {"builder": "monthly_trend", "title": title}


def test_a_title_that_fits_comes_back_as_the_same_figure():
    fig = c.bars(CATEGORIES, x="category", y="value", title="Requests by category, 2020", colour=SOC)
    assert c.fitted(fig) is fig
    assert c.fitted(c.monthly_trend(TREND, title=ASB_TITLE), width=1200).layout.title.text == ASB_TITLE


@pytest.mark.parametrize(("start", "n", "labels"), [
    # 2015 to Mar 2021: the second (5 Nov 2020) and third (6 Jan 2021) lockdowns are 1% of the axis apart
    ("2015-01-01", 75, ["Lockdown", "Lockdowns"]),
    # 2020 to Mar 2021: two months are 13% of fifteen, far enough apart to label each
    ("2020-01-01", 15, ["Lockdown"] * 3),
])
def test_lockdown_labels_too_close_to_read_become_one(start, n, labels):
    fig = c.monthly_trend(_months(start, n), title="t")
    notes = [a for a in fig.layout.annotations if a.name == "lockdown"]
    assert [a.text for a in notes] == labels
    assert len(_shapes(fig, "lockdown")) == 3                             # every lockdown still shaded
    if labels[-1] == "Lockdowns":
        assert notes[-1].hovertext == "Second national lockdown; Third national lockdown"
        assert notes[-1].x == "2020-11-05"


# The control chart's legend (issue 23): one entry a line kind, no ring, the plot's height kept --------

def _controlled(n: int = 12) -> pd.DataFrame:
    """Two areas' months with their control chart: the focus area concerning in its last three months,
    the rest improving in its first, each area's latest month ringed."""
    rows = []
    for area, base, special in (("Focus area", 100, {n - 3: "concerning", n - 2: "concerning", n - 1: "concerning"}),
                                ("Rest of borough", 50, {0: "improving"})):
        for i, month in enumerate(pd.date_range("2020-01-01", periods=n, freq="MS")):
            kind = f"special cause {special[i]}" if i in special else ""
            rows.append(dict(month=month, area=area, value=base + i, flag=i == 4, mean=base + 5.0, upper=base + 12.0,
                             lower=base - 2.0, special=kind, icon=("special cause concerning" if area == "Focus area"
                                                                   else "common cause") if i == n - 1 else ""))
    return pd.DataFrame(rows)


def test_a_control_chart_has_one_legend_entry_for_each_kind_of_line_and_point():
    frame = _controlled()
    fig = c.monthly_trend(frame, series="area", outliers="flag", limits=frame, title="t", colour=SOC)
    legend = [t.name for t in fig.data if t.showlegend is not False]
    # each area's mean and limits are drawn, but named once; each special cause present once, none absent
    assert legend == ["Focus area", "Rest of borough", "Flagged outlier", *c.CONTROL_LINES,
                      "Special cause concerning", "Special cause improving"]
    for name in c.CONTROL_LINES:
        lines = [t for t in fig.data if t.name == name]
        assert len(lines) == 2 and {t.legendgroup for t in lines} == {name}     # one click hides both areas'
    # the latest month's ring has no entry (the sentence under the chart says it), and is never cut at the edge
    rings = [t for t in fig.data if t.name.startswith("Latest month")]
    assert [t.name for t in rings] == ["Latest month (Focus area): special cause concerning",
                                       "Latest month (Rest of borough): common cause"]
    assert all(t.showlegend is False and t.cliponaxis is False for t in rings)
    # room for the half past the axis' end, in the figure's own layout: Streamlit's theme zeroes the template's
    assert fig.layout.margin.r >= (rings[0].marker.size + rings[0].marker.line.width) / 2 + 3
    # special-cause points small enough to leave the line beneath them readable
    assert {t.marker.size for t in fig.data if t.name.startswith("Special cause")} == {6}


@pytest.mark.parametrize(("names", "grouped", "width", "rows"), [
    ([], False, 440, 0),                                   # nothing in the legend
    (["Line"], False, 440, 0),                             # one trace: plotly shows no legend
    (["Focus area", "Rest of borough"], False, 440, 1),    # two short entries share a row
    # not grouped and too long for one row: each entry takes the widest one's width (40 + 6 px a character)
    (["Dec 2019 to Nov 2020", "Dec 2018 to Nov 2019", "Flagged outlier"], False, 440, 2),
    (["Dec 2019 to Nov 2020", "Dec 2018 to Nov 2019", "Flagged outlier"], False, 1200, 1),
    # grouped: each entry takes its own width, a row as many as fit in the plot's width (the chart's less 80 px)
    (["Mean", "Upper process limit", "Lower process limit", "Special cause concerning"], True, 440, 2),
    (["Mean", "Upper process limit", "Lower process limit", "Special cause concerning"], True, 800, 1),
])
def test_legend_rows_counts_rows_as_plotly_lays_them(names, grouped, width, rows):
    fig = go.Figure()
    for name in names:
        fig.add_trace(go.Scatter(x=[1], y=[1], name=name, legendgroup=name if grouped else None))
    assert c.legend_rows(fig, width) == rows


def test_fitted_grows_a_chart_by_its_legend_rows_so_the_plot_keeps_its_height():
    # A task force chart at 800 px: its legend took four rows more than the one the height allows for,
    # out of a fixed 360 px, and left the plot a strip its axis title ran out of.
    frame = _controlled()
    fig = c.monthly_trend(frame, series="area", outliers="flag", limits=frame, title="t", colour=SOC)
    narrow, wide = c.fitted(fig, 440), c.fitted(fig, 1400)
    rows = c.legend_rows(fig, 440)
    assert rows > c.legend_rows(fig, 1400) == 1
    assert narrow.layout.height == c.DEFAULT_HEIGHT + (rows - 1) * (19 + 10)      # 19 px a row, 10 between groups
    assert wide is fig and fig.layout.height == c.DEFAULT_HEIGHT                   # one row: as built, unchanged
    assert c.describe(narrow) == c.describe(fig)
