"""Counts, changes, shares, rankings on tiny hand-built frames."""

import math

import pandas as pd
import pytest

from smp_dash import metrics as m
from smp_dash.periods import period

CAL_2020 = period("calendar", 2020)


def _crimes(rows):
    return pd.DataFrame(rows, columns=["month", "offence_subgroup", "ward_code"]).assign(
        month=lambda f: pd.to_datetime(f["month"]))


@pytest.mark.parametrize(("current", "previous", "expected"), [
    (15201, 17260, -11.929316),
    (502, 415, 20.963855),
    (5, 0, math.nan),            # no base: undefined, not infinite
    (0, 4, -100.0),
])
def test_pct_change(current, previous, expected):
    got = m.pct_change(current, previous)
    assert (math.isnan(got) and math.isnan(expected)) or got == pytest.approx(expected)


@pytest.mark.parametrize(("value", "decimals", "text"), [
    (-11.93, 0, "-12%"), (20.96, 0, "+21%"), (5.71, 1, "+5.7%"), (-0.2, 0, "0%"),
    (math.nan, 0, "n/a"),
])
def test_format_pct(value, decimals, text):
    assert m.format_pct(value, decimals) == text


def test_compare_overall_and_by_group():
    crimes = _crimes([
        ("2019-03-01", "Robbery", "A"), ("2019-05-01", "Robbery", "B"),
        ("2020-02-01", "Robbery", "A"), ("2020-02-01", "Sexual offences", "A"),
        ("2021-01-01", "Robbery", "A"),  # outside both periods
    ])
    overall = m.compare(crimes, "month", CAL_2020)
    assert overall[["current", "previous", "change"]].iloc[0].tolist() == [2, 2, 0]
    by = m.compare(crimes, "month", CAL_2020, by="offence_subgroup").set_index("offence_subgroup")
    assert by.loc["Robbery", ["current", "previous"]].tolist() == [1, 2]
    assert by.loc["Sexual offences", ["current", "previous"]].tolist() == [1, 0]
    assert math.isnan(by.loc["Sexual offences", "pct_change"])


def test_compare_does_not_mutate_input():
    crimes = _crimes([("2020-02-01", "Robbery", "A")])
    before = crimes.copy()
    m.compare(crimes, "month", CAL_2020, by="ward_code")
    pd.testing.assert_frame_equal(crimes, before)


def test_ward_ranking_keeps_empty_wards_and_breaks_ties_by_name():
    wards = pd.DataFrame({"ward_code": ["A", "B", "C"], "ward_name": ["Zed", "Alpha", "Mid"]})
    crimes = _crimes([("2020-01-01", "Robbery", "A"), ("2020-02-01", "Robbery", "B"),
                      ("2019-02-01", "Robbery", "B")])
    table = m.ward_ranking(crimes, "month", CAL_2020, wards)
    assert table["ward_name"].tolist() == ["Alpha", "Zed", "Mid"]
    assert table["current"].tolist() == [1, 1, 0]
    assert table["rank"].tolist() == [1, 2, 3]
    assert table.loc[0, "pct_change"] == 0.0


def test_da_class():
    crimes = _crimes([("2020-01-01", s, "A") for s in
                      ["Violence against the person", "Sexual offences", "Robbery", "Drug offences", None]])
    assert m.da_class(crimes).tolist() == ["Violence against the person", "Sexual offences", "Other", "Other", "Other"]


def test_needles_with_and_without_bulk():
    finds = pd.DataFrame({
        "found": pd.to_datetime(["2019-01-10", "2019-06-01", "2020-03-01", "2020-04-01"]),
        "location_name": ["Steps", "Bins", "Street", "Steps"],
        "needles": [100, 20, 800, 50],
        "bulk_incident": [False, True, True, False],
    })
    assert m.needle_change(finds, CAL_2020)[["current", "previous"]].iloc[0].tolist() == [850, 120]
    assert m.needle_change(finds, CAL_2020, include_bulk=False)[["current", "previous"]].iloc[0].tolist() == [50, 100]
    top = m.top_locations(finds, CAL_2020, n=1)
    assert top.to_dict("records") == [{"rank": 1, "location_name": "Street", "needles": 800}]
    assert m.top_locations(finds, CAL_2020, include_bulk=False)["location_name"].tolist() == ["Steps"]


def test_indicator_value_single_and_summed():
    ind = pd.DataFrame({
        "indicator_id": ["x", "x", "x", "y"],
        "period_start": pd.to_datetime(["2020-01-01", "2020-02-01", "2020-03-01", "2020-01-01"]),
        "period_end": pd.to_datetime(["2020-01-31", "2020-02-29", "2020-03-31", "2020-12-31"]),
        "value": [1.0, 2.0, 4.0, 9.0], "breakdown": [None, None, None, "West"],
    })
    assert m.indicator_value(ind, "x", "2020-02-01") == 2.0
    assert m.indicator_value(ind, "x", "2020-01-01", "2020-02-29") == 3.0
    assert m.indicator_value(ind, "y", "2020-01-01", breakdown="West") == 9.0
    assert math.isnan(m.indicator_value(ind, "z", "2020-01-01"))
