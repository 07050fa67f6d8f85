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


def test_a_figure_is_fitted_once_and_its_copy_dropped_with_it():
    import gc

    from smp_dash import charts
    from smp_dash.ui import data

    frame = pd.DataFrame({"month": pd.date_range("2020-01-01", periods=3, freq="MS"), "value": [1, 2, 3]})
    fig = charts.monthly_trend(frame, title="Police-recorded ASB by month: Dec 2019 to Nov 2020 against Dec 2018 "
                                            "to Nov 2019 (Whole borough)")
    first = data.fitted(fig)
    assert first is not fig and data.fitted(fig) is first            # copied once, not on every rerun
    assert first.layout.title.subtitle.text.startswith("Dec 2019")
    short = charts.monthly_trend(frame, title="ASB by month")
    assert data.fitted(short) is short and (id(short), charts.FULL_WIDTH) not in data._FITTED
    key = (id(fig), charts.FULL_WIDTH)
    del fig, first
    gc.collect()
    assert key not in data._FITTED                                   # the page model's figure went, so did its copy
