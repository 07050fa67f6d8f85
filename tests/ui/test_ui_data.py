"""ui/data.py's cache keys: exact, cheap, and never a hashed GeoJSON."""

from __future__ import annotations

import pandas as pd
import pytest

from smp_dash.ui.data import fingerprint

TABLE = pd.DataFrame({"ward_code": ["A", "B"], "current": [3, 10]})


@pytest.mark.parametrize("changed", [
    TABLE.assign(current=[3, 11]),                         # one value
    TABLE.rename(columns={"current": "previous"}),         # a column's name
    TABLE.astype({"current": "float64"}),                  # a dtype
    TABLE.iloc[::-1],                                      # the order of rows (a chart draws it)
    TABLE.iloc[:1],                                        # a row fewer
])
def test_a_frame_that_differs_gets_another_key(changed):
    assert fingerprint(changed) != fingerprint(TABLE)


def test_an_equal_frame_gets_the_same_key_whatever_object_it_is():
    assert fingerprint(TABLE.copy()) == fingerprint(TABLE)
    assert fingerprint((TABLE, {"colour": "#123456"}, ["x"], {"a", "b"})) == \
        fingerprint((TABLE.copy(), {"colour": "#123456"}, ["x"], {"b", "a"}))
    hash(fingerprint((TABLE, TABLE["current"], {"k": 1}, ["x"], {"s"})))  # usable as a cache key


def test_a_geojson_is_named_by_a_key_not_hashed():
    with pytest.raises(TypeError, match="name boundaries by a key"):
        fingerprint({"type": "FeatureCollection", "features": []})


def test_a_figure_is_fitted_once_and_dropped_with_it():
    import gc

    from smp_dash import charts
    from smp_dash.ui import data

    frame = pd.DataFrame({"month": pd.date_range("2020-01-01", periods=3, freq="MS"), "value": [1, 2, 3]})
    fig = charts.monthly_trend(frame, title="Police-recorded ASB by month: Dec 2019 to Nov 2020 against Dec 2018 "
                                            "to Nov 2019 (Whole borough)")
    first = data.fitted(fig)
    assert data.fitted(fig) is first                                  # made once, not on every rerun
    assert _sent(first) == _sent(charts.fitted(fig))                   # what the page draws: the fitted figure
    assert first.to_dict()["layout"]["title"]["subtitle"]["text"].startswith("Dec 2019")
    short = charts.monthly_trend(frame, title="ASB by month")
    assert _sent(data.fitted(short)) == _sent(short)
    assert data.kept(charts.describe, fig) is data.kept(charts.describe, fig) == charts.describe(fig)
    held = [key for key in data._KEPT if key[1] == id(fig)]
    assert len(held) == 2                                            # its fitted dict and its sentence
    del fig, first
    gc.collect()
    assert not set(held) & set(data._KEPT)                           # the figure went, so did what was kept of it


@pytest.mark.parametrize("width", [440, 400])     # a full-width chart and a ranking's
def test_every_chart_of_every_page_is_drawn_as_its_fitted_figure(demo, width):
    """The drawn dict (the title fitted in the figure's dict) is exactly the fitted figure's, for every
    chart of every page model, so the pages draw what the documents and the tests see."""
    from smp_dash import blocks, charts
    from smp_dash.ui import data

    bundle, view = demo
    seen = 0
    for name in PAGES:
        module = __import__(f"smp_dash.priorities.{name}", fromlist=["page"])
        for block in _blocks(module.page(bundle, view).blocks, blocks):
            if getattr(block, "figure", None) is not None:
                assert _sent(data.fitted(block.figure, width)) == _sent(charts.fitted(block.figure, width)), \
                    (name, block.key)
                seen += 1
    assert seen >= 20


@pytest.mark.parametrize("choice", ["whole borough", "two wards, disclosure control"])
def test_every_figure_is_what_plotly_makes_of_it_validating_every_property(demo, choice):
    """Builders skip some of plotly's validation (the template copied in, traces added as dicts, a
    chart's labels added in one go): every chart of every page model, for the whole borough and for
    a ward selection, is exactly what plotly's validating constructor makes of the same figure."""
    from dataclasses import replace

    import plotly.graph_objects as go

    from smp_dash import blocks

    bundle, view = demo
    if choice != "whole borough":
        names = tuple(bundle.ward_codes)[3:5]
        view = replace(view, wards=tuple(bundle.ward_codes[n] for n in names), names=names, suppress=True)
    seen = 0
    for name in PAGES:
        module = __import__(f"smp_dash.priorities.{name}", fromlist=["page"])
        for block in _blocks(module.page(bundle, view).blocks, blocks):
            if getattr(block, "figure", None) is not None:
                assert _sent(block.figure) == _sent(go.Figure(block.figure.to_dict())), (name, block.key)
                seen += 1
    assert seen >= 20


def _sent(fig) -> str:
    """A figure as st.plotly_chart sends it to the browser (JSON), keys in order."""
    import json

    import plotly.io

    return json.dumps(json.loads(plotly.io.to_json(fig.to_dict(), validate=False)), sort_keys=True)


PAGES = ("overview", "serious_organised_crime", "children_young_people", "domestic_abuse", "substance_misuse",
         "mental_health", "community_protection", "police_data", "task_force", "action_plans", "morile", "scenarios",
         "data")


def _blocks(items, blocks):
    for block in items:
        yield block
        for attribute in ("blocks", "items"):
            inner = getattr(block, attribute, None)
            if isinstance(inner, (list, tuple)):
                yield from _blocks(inner, blocks)
        chart = getattr(block, "chart", None)
        if chart is not None:
            yield chart
