"""The counts, changes, shares, rankings and cubes of metrics.py, on tiny hand-built frames.

The demonstration-data tests near the end run the same functions on the demonstration data and
check them against counts taken straight from its rows.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from smp_dash import geo
from smp_dash import measures, metrics as m
from smp_dash.periods import Period, period
from smp_dash.schema import ACTION_STATUSES

CAL_2019 = period("calendar", 2019)
CAL_2020 = period("calendar", 2020)
FIN_2020 = period("financial", 2020)
ASSESS_2020 = period("assessment", 2020)

WARDS = pd.DataFrame({"ward_code": ["A", "B", "C"], "ward_name": ["Alpha", "Bravo", "Charlie"]})
POPULATION = pd.DataFrame({"ward_code": ["A", "B", "A", "B", "C"], "year": [2019, 2019, 2020, 2020, 2022],
                           "population": [900, 1800, 1000, 2000, 500]})


def ts(*values):
    """Dates as a datetime column (the unit the library produces)."""
    return pd.to_datetime(list(values))


def counts(rows, columns=("month", "ward_code", "n")):
    """A cube-shaped frame (month, ward_code, n) from tuples."""
    frame = pd.DataFrame(list(rows), columns=list(columns))
    return frame.assign(month=pd.to_datetime(frame["month"]))


def crime_cube_rows(rows):
    """Crime-cube rows: month, ward_code, crime_type, offence_subgroup, domestic_abuse, hate_strand, n."""
    frame = pd.DataFrame(list(rows), columns=["month", "ward_code", "crime_type", "offence_subgroup",
                                              "domestic_abuse", "hate_strand", "n"])
    return frame.assign(month=pd.to_datetime(frame["month"]))


def months_frame(months, values):
    return pd.DataFrame({"month": pd.DatetimeIndex(months, dtype="datetime64[us]"),
                         "value": np.array(values, dtype="int64")})


def nan_equal(a, b):
    return (isinstance(a, float) and math.isnan(a) and math.isnan(b)) or a == pytest.approx(b)


def crime_rows(rows):
    """Crime rows: month, offence_subgroup, ward_code."""
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
    crimes = crime_rows([
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
    crimes = crime_rows([("2020-02-01", "Robbery", "A")])
    before = crimes.copy()
    m.compare(crimes, "month", CAL_2020, by="ward_code")
    pd.testing.assert_frame_equal(crimes, before)


def test_ward_ranking_keeps_empty_wards_and_breaks_ties_by_name():
    wards = pd.DataFrame({"ward_code": ["A", "B", "C"], "ward_name": ["Zed", "Alpha", "Mid"]})
    crimes = crime_rows([("2020-01-01", "Robbery", "A"), ("2020-02-01", "Robbery", "B"),
                         ("2019-02-01", "Robbery", "B")])
    table = m.ward_ranking(crimes, "month", CAL_2020, wards)
    assert table["ward_name"].tolist() == ["Alpha", "Zed", "Mid"]
    assert table["current"].tolist() == [1, 1, 0]
    assert table["rank"].tolist() == [1, 2, 3]
    assert table.loc[0, "pct_change"] == 0.0


def test_da_class():
    crimes = crime_rows([("2020-01-01", s, "A") for s in
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


# cube ------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("rows", "expected"), [
    # two dates in one month collapse to its first day
    ([("2020-01-15", "A"), ("2020-01-31", "A")], [("2020-01-01", "A", 2)]),
    # one group per month and ward; no zero rows are invented for empty combinations
    ([("2020-01-01", "A"), ("2020-03-09", "B"), ("2020-03-10", "A")],
     [("2020-01-01", "A", 1), ("2020-03-01", "A", 1), ("2020-03-01", "B", 1)]),
    # a time of day does not move a row to another month
    ([("2020-02-29 23:59:59", "A")], [("2020-02-01", "A", 1)]),
])
def test_cube_counts_rows_per_month_and_dimension(rows, expected):
    frame = pd.DataFrame(rows, columns=["when", "ward_code"]).assign(when=lambda f: pd.to_datetime(f["when"]))
    got = m.cube(frame, "when", ["ward_code"])
    want = counts(expected).astype({"ward_code": "category"})
    assert_frame_equal(got, want, check_categorical=False)
    assert isinstance(got["ward_code"].dtype, pd.CategoricalDtype)


def test_cube_keeps_missing_dimension_values_as_their_own_group():
    frame = pd.DataFrame({"month": ts("2020-01-01", "2020-01-01", "2020-01-01"),
                          "hate_strand": [None, "Race", None]})
    got = m.cube(frame, "month", ["hate_strand"])
    # the rows with no hate strand are not dropped: they are most of the crime
    assert got["n"].sum() == 3
    assert got.loc[got["hate_strand"].isna(), "n"].tolist() == [2]
    assert got.loc[got["hate_strand"] == "Race", "n"].tolist() == [1]


def test_cube_sums_weight_and_keeps_categoricals_and_booleans():
    frame = pd.DataFrame({
        "found": ts("2020-01-03", "2020-01-20", "2020-02-01"),
        "ward_code": pd.Categorical(["A", "A", "B"], categories=["A", "B", "C"]),
        "bulk_incident": pd.array([False, False, True], dtype="boolean"),
        "needles": pd.array([2, 3, 40], dtype="Int64"),
    })
    got = m.cube(frame, "found", ["ward_code", "bulk_incident"], weight="needles")
    assert got["n"].tolist() == [5, 40]
    assert got["month"].tolist() == list(ts("2020-01-01", "2020-02-01"))
    # an existing categorical keeps every category, even one with no rows (C)
    assert list(got["ward_code"].cat.categories) == ["A", "B", "C"]
    assert got["bulk_incident"].tolist() == [False, True]


def test_cube_of_empty_frame_is_empty_with_the_columns():
    frame = pd.DataFrame({"month": pd.Series([], dtype="datetime64[us]"), "ward_code": pd.Series([], dtype="str")})
    got = m.cube(frame, "month", ["ward_code"])
    assert list(got.columns) == ["month", "ward_code", "n"]
    assert got.empty


def test_cube_does_not_mutate_input():
    frame = pd.DataFrame({"month": ts("2020-01-15"), "ward_code": ["A"]})
    before = frame.copy()
    m.cube(frame, "month", ["ward_code"])
    assert_frame_equal(frame, before)


# in_wards --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("wards", "expected"), [
    (None, ["A", "B", "C"]),          # no selection: the whole borough
    ((), ["A", "B", "C"]),            # an empty selection also means the whole borough
    ([], ["A", "B", "C"]),
    (("B",), ["B"]),
    (["A", "C"], ["A", "C"]),
    (("Z",), []),                     # an unknown code selects nothing rather than everything
])
def test_in_wards(wards, expected):
    frame = counts([("2020-01-01", "A", 1), ("2020-01-01", "B", 2), ("2020-01-01", "C", 3)])
    got = m.in_wards(frame, wards)
    assert_frame_equal(got, frame[frame["ward_code"].isin(expected)])


# monthly ---------------------------------------------------------------------------------------

FEB_APR = counts([("2020-02-01", "A", 2), ("2020-02-01", "B", 3), ("2020-04-01", "A", 4),
                  ("2019-12-01", "A", 100), ("2020-06-01", "A", 100)])  # the last two fall outside


@pytest.mark.parametrize(("start", "end", "kwargs", "months", "values"), [
    # empty months inside the window are zero, rows outside it are ignored
    ("2020-01-01", "2020-05-31", {}, ["2020-01-01", "2020-02-01", "2020-03-01", "2020-04-01", "2020-05-01"],
     [0, 5, 0, 4, 0]),
    # a start in mid-month still includes its month; an end on the 1st includes that month
    ("2020-02-17", "2020-04-01", {}, ["2020-02-01", "2020-03-01", "2020-04-01"], [5, 0, 4]),
    # weight=None counts rows instead of summing n
    ("2020-02-01", "2020-04-30", {"weight": None}, ["2020-02-01", "2020-03-01", "2020-04-01"], [2, 0, 1]),
    # a single month
    ("2020-04-01", "2020-04-30", {}, ["2020-04-01"], [4]),
    # an end before the start gives no months at all
    ("2020-04-01", "2020-02-01", {}, [], []),
])
def test_monthly_zero_fills_the_window(start, end, kwargs, months, values):
    got = m.monthly(FEB_APR, pd.Timestamp(start), pd.Timestamp(end), **kwargs)
    assert_frame_equal(got, months_frame(months, values), check_index_type=False)


def test_monthly_converts_raw_dates_when_date_is_not_month():
    needles = pd.DataFrame({"found": pd.to_datetime(["2020-01-03 10:00", "2020-01-29 00:00", "2020-03-31 23:00"]),
                            "needles": [1, 2, 7]})
    got = m.monthly(needles, "2020-01-01", "2020-03-31", date="found", weight="needles")
    assert_frame_equal(got, months_frame(["2020-01-01", "2020-02-01", "2020-03-01"], [3, 0, 7]))


def test_monthly_by_group_zero_fills_each_group():
    got = m.monthly(FEB_APR, "2020-02-01", "2020-04-30", by="ward_code")
    want = pd.DataFrame({
        "month": pd.to_datetime(["2020-02-01", "2020-02-01", "2020-03-01", "2020-03-01", "2020-04-01", "2020-04-01"]),
        "ward_code": ["A", "B", "A", "B", "A", "B"],
        "value": np.array([2, 3, 0, 0, 4, 0], dtype="int64"),
    })
    assert_frame_equal(got, want)


def test_monthly_by_group_drops_groups_with_no_rows_in_the_window():
    # B's only row is in February: a March-April window has no B line at all (not a line of zeros)
    got = m.monthly(FEB_APR, "2020-03-01", "2020-04-30", by="ward_code")
    assert got["ward_code"].unique().tolist() == ["A"]
    assert got["value"].tolist() == [0, 4]


@pytest.mark.parametrize("by", [None, "ward_code"])
def test_monthly_of_empty_frame(by):
    got = m.monthly(FEB_APR.iloc[0:0], "2020-01-01", "2020-02-29", by=by)
    if by is None:
        # with no rows every month is still there, as zero
        assert_frame_equal(got, months_frame(["2020-01-01", "2020-02-01"], [0, 0]))
    else:
        # with no rows there is no group to zero-fill
        assert list(got.columns) == ["month", "ward_code", "value"]
        assert got.empty


def test_monthly_does_not_mutate_input():
    needles = pd.DataFrame({"found": ts("2020-01-03"), "needles": [1]})
    before, cube_before = needles.copy(), FEB_APR.copy()
    m.monthly(needles, "2020-01-01", "2020-01-31", date="found", weight="needles")
    m.monthly(FEB_APR, "2020-01-01", "2020-05-31", by="ward_code")
    assert_frame_equal(needles, before)
    assert_frame_equal(FEB_APR, cube_before)


# period_totals and calendar_years ---------------------------------------------------------------

YEARS = counts([("2019-01-01", "A", 1), ("2019-12-01", "A", 2), ("2020-03-01", "A", 4),
                ("2020-04-01", "B", 8), ("2021-03-01", "A", 16), ("2021-04-01", "A", 32)])


@pytest.mark.parametrize(("spans", "weight", "expected"), [
    # given newest first, returned oldest first
    ([CAL_2020, CAL_2019], "n", [("2019", "2019-01-01", 3), ("2020", "2020-01-01", 12)]),
    ([CAL_2019, CAL_2020], None, [("2019", "2019-01-01", 2), ("2020", "2020-01-01", 2)]),
    # financial years straddle the calendar: Apr 2020 - Mar 2021
    ([FIN_2020], "n", [("2020/21", "2020-04-01", 24)]),
    # a period with no rows is a zero, not a missing row
    ([period("calendar", 2018)], "n", [("2018", "2018-01-01", 0)]),
    # a part-year (year to date) is labelled with its months
    ([Period("calendar", pd.Timestamp("2020-03-01"), pd.Timestamp("2020-04-30"))], "n",
     [("Mar 2020 to Apr 2020", "2020-03-01", 12)]),
])
def test_period_totals(spans, weight, expected):
    got = m.period_totals(YEARS, spans, weight=weight)
    want = pd.DataFrame([(label, pd.Timestamp(start), value) for label, start, value in expected],
                        columns=["label", "start", "value"])
    assert_frame_equal(got, want, check_dtype=False)
    assert got["value"].tolist() == [v for _, _, v in expected]


def test_period_totals_of_no_spans_is_empty_with_the_columns():
    got = m.period_totals(YEARS, [])
    assert list(got.columns) == ["label", "start", "value"]
    assert got.empty


@pytest.mark.parametrize(("first", "last", "labels", "values"), [
    # only whole calendar years inside the data: 2021 stops in April
    ("2019-01-01", "2021-04-01", ["2019", "2020"], [3, 12]),
    # data starting in February: 2019 is not complete
    ("2019-02-01", "2021-12-01", ["2020", "2021"], [12, 48]),
    # less than a year of data: no complete year at all
    ("2020-03-01", "2020-11-01", [], []),
])
def test_calendar_years(first, last, labels, values):
    got = m.calendar_years(YEARS, pd.Timestamp(first), pd.Timestamp(last))
    assert got["label"].tolist() == labels
    assert got["value"].tolist() == values


# rate_per_1000 ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("count", "population", "expected"), [
    (5, 1000, 5.0),
    (0, 2000, 0.0),
    (3, 1500, 2.0),
    (5, 0, math.nan),          # zero residents: undefined, not infinite
    (5, math.nan, math.nan),   # population unknown
    (5, -10, math.nan),        # nonsense population is treated as unknown
])
def test_rate_per_1000(count, population, expected):
    got = m.rate_per_1000(pd.Series([count]), pd.Series([population], dtype="float64"))
    assert nan_equal(float(got.iloc[0]), expected)


def test_rate_per_1000_with_nullable_population():
    got = m.rate_per_1000(pd.Series([5, 5]), pd.Series([1000, pd.NA], dtype="Int64"))
    assert got.iloc[0] == 5.0
    assert math.isnan(got.iloc[1])


# ward_table and _population_for ----------------------------------------------------------------

WARD_ROWS = counts([("2019-01-01", "B", 1), ("2020-01-01", "A", 2), ("2020-01-01", "A", 3),
                    ("2020-03-01", "B", 4)])


def test_ward_table_every_ward_with_counts_change_rate_and_rank():
    got = m.ward_table(WARD_ROWS, CAL_2020, WARDS, POPULATION, rural=("Charlie",))
    want = pd.DataFrame({
        "ward_code": ["A", "B", "C"], "ward_name": ["Alpha", "Bravo", "Charlie"],
        "current": [5, 4, 0], "previous": [0, 1, 0], "change": [5, 3, 0],
        # no rows last year: no percentage change; C had nothing in either year
        "pct_change": [math.nan, 300.0, math.nan],
        "rank": [1, 2, 3],
        # C's only population figure is for 2022, after the period: unknown, so no rate
        "population": [1000.0, 2000.0, math.nan],
        "rate": [5.0, 2.0, math.nan],
        "rural": [False, False, True],
    })
    assert_frame_equal(got, want)


@pytest.mark.parametrize(("year", "populations"), [
    (2020, [1000.0, 2000.0, math.nan]),   # the period's own year
    (2021, [1000.0, 2000.0, math.nan]),   # no 2021 figures: the latest before, 2020
    (2019, [900.0, 1800.0, math.nan]),    # 2020 figures are after the period; 2019 is used
    (2018, [900.0, 1800.0, math.nan]),    # nothing that early: the earliest year stands in
    (2023, [math.nan, math.nan, 500.0]),  # one year for all wards: 2022 only has C
])
def test_ward_table_population_year(year, populations):
    got = m.ward_table(WARD_ROWS, period("calendar", year), WARDS, POPULATION).sort_values("ward_code")
    assert_frame_equal(got[["population"]].reset_index(drop=True), pd.DataFrame({"population": populations}))


def test_ward_table_uses_the_period_end_year_for_population():
    # financial 2019/20 ends in March 2020, so the 2020 figures apply
    got = m.ward_table(WARD_ROWS, period("financial", 2019), WARDS, POPULATION)
    assert got.set_index("ward_code").loc["A", "population"] == 1000.0


def test_ward_table_with_no_rows_and_no_population():
    got = m.ward_table(WARD_ROWS.iloc[0:0], CAL_2020, WARDS, POPULATION.iloc[0:0])
    # every ward still listed, at zero, ranked by name; rates unknown
    assert got["ward_name"].tolist() == ["Alpha", "Bravo", "Charlie"]
    assert got[["current", "previous", "change", "rank"]].values.tolist() == [[0, 0, 0, 1], [0, 0, 0, 2], [0, 0, 0, 3]]
    assert got["population"].isna().all() and got["rate"].isna().all()
    assert not got["rural"].any()


def test_ward_table_weight_and_date():
    needles = pd.DataFrame({"found": ts("2020-02-03", "2020-02-10", "2019-06-01"),
                            "ward_code": ["B", "B", "A"], "needles": [10, 5, 3]})
    got = m.ward_table(needles, CAL_2020, WARDS, POPULATION, date="found", weight="needles")
    assert got[["ward_code", "current", "previous", "rank"]].values.tolist() == [
        ["B", 15, 0, 1], ["A", 0, 3, 2], ["C", 0, 0, 3]]
    assert got["rate"].tolist()[:2] == [7.5, 0.0]


def test_ward_table_does_not_mutate_inputs():
    frames = [WARD_ROWS, WARDS, POPULATION]
    before = [f.copy() for f in frames]
    m.ward_table(WARD_ROWS, CAL_2020, WARDS, POPULATION, rural=("Alpha",))
    for frame, copy in zip(frames, before):
        assert_frame_equal(frame, copy)


# indicator_series, indicator_window, district_table, referral_table, csvg_mix, youth_summary -----

def indicators(rows):
    """Indicator rows: indicator_id, period_start, period_end, value, breakdown."""
    frame = pd.DataFrame(list(rows), columns=["indicator_id", "period_start", "period_end", "value", "breakdown"])
    return frame.assign(period_start=pd.to_datetime(frame["period_start"]),
                        period_end=pd.to_datetime(frame["period_end"]),
                        value=frame["value"].astype("float64"), source="src", note="")


SERIES = indicators([
    ("s136", "2021-04-01", "2022-03-31", 30, None),
    ("s136", "2019-04-01", "2020-03-31", 10, None),
    ("s136", "2020-04-01", "2021-03-31", 20, None),
    ("other", "2020-04-01", "2021-03-31", 99, None),
])


def test_indicator_series_oldest_first_and_only_that_indicator():
    got = m.indicator_series(SERIES, "s136")
    want = pd.DataFrame({
        "period_start": pd.to_datetime(["2019-04-01", "2020-04-01", "2021-04-01"]),
        "period_end": pd.to_datetime(["2020-03-31", "2021-03-31", "2022-03-31"]),
        "value": [10.0, 20.0, 30.0], "source": ["src"] * 3, "note": [""] * 3,
    })
    assert_frame_equal(got, want)


def test_indicator_series_with_breakdown_sorted_within_period():
    rows = indicators([("age", "2020-04-01", "2021-03-31", 2, "15-17"),
                       ("age", "2020-04-01", "2021-03-31", 1, "10-14"),
                       ("age", "2019-04-01", "2020-03-31", 5, "15-17")])
    got = m.indicator_series(rows, "age", breakdown=True)
    assert list(got.columns) == ["period_start", "period_end", "value", "source", "note", "breakdown"]
    assert got["breakdown"].tolist() == ["15-17", "10-14", "15-17"]
    assert got["value"].tolist() == [5.0, 1.0, 2.0]


def test_indicator_series_of_unknown_indicator_is_empty():
    got = m.indicator_series(SERIES, "nope")
    assert got.empty and list(got.columns) == ["period_start", "period_end", "value", "source", "note"]


def _monthly_indicator(first: str, last: str, value: float) -> list[tuple]:
    months = pd.date_range(first, last, freq="MS")
    return [("calls", f"{m:%Y-%m-%d}", f"{m + pd.offsets.MonthEnd(0):%Y-%m-%d}", value, None) for m in months]


MONTHLY_IND = indicators(_monthly_indicator("2019-01-01", "2019-12-01", 1) + _monthly_indicator("2020-01-01", "2020-12-01", 2)
                         + _monthly_indicator("2021-01-01", "2021-03-01", 1000)    # three months of 2021 only
                         + [("other", "2020-01-01", "2020-01-31", 1000, None)])


def test_indicator_window():
    got = m.indicator_window(MONTHLY_IND, "calls", CAL_2020)
    assert {k: got[k] for k in ("current", "previous", "change", "available")} == {
        "current": 24.0, "previous": 12.0, "change": 12.0, "available": True}
    assert got["pct_change"] == pytest.approx(100.0)
    assert got["months"]["value"].tolist() == [2.0] * 12 and got["previous_months"]["value"].tolist() == [1.0] * 12


@pytest.mark.parametrize(("span", "current", "previous", "available"), [
    (period("calendar", 2019), 12.0, math.nan, True),        # the year before is not covered: unknown, not 0
    (period("calendar", 2022), math.nan, math.nan, False),   # no data this period: unknown and flagged
    (period("rolling", 2021, "2021-03"), 9 * 2 + 3 * 1000.0, 9 * 1 + 3 * 2.0, True),   # every month held
    (period("financial", 2021), math.nan, 9 * 2 + 3 * 1000.0, False),   # Apr 2021 to Mar 2022: none of it held
    (period("rolling", 2021, "2021-06"), math.nan, 6 * 1 + 6 * 2.0, False),  # 9 of its 12 months: n/a, not a partial sum
])
def test_indicator_window_edges(span, current, previous, available):
    got = m.indicator_window(MONTHLY_IND, "calls", span)
    assert nan_equal(got["current"], current) and nan_equal(got["previous"], previous)
    assert got["available"] is available
    assert nan_equal(got["pct_change"], m.pct_change(current, previous))


DISTRICTS = indicators([
    ("kent", "2020-01-01", "2020-12-31", 50, "Maidstone"), ("kent", "2019-01-01", "2019-12-31", 40, "Maidstone"),
    ("kent", "2020-01-01", "2020-12-31", 80, "Medway"), ("kent", "2019-01-01", "2019-12-31", 100, "Medway"),
    ("kent", "2020-01-01", "2020-12-31", 50, "Ashford"),  # new this year: no previous figure
    ("kent", "2019-01-01", "2019-12-31", 7, "Dover"),      # gone this year
])


def test_district_table():
    got = m.district_table(DISTRICTS, "kent", 2020)
    want = pd.DataFrame({
        # ties keep the index order (alphabetical from the alignment): Ashford before Maidstone
        "lad_name": ["Medway", "Ashford", "Maidstone", "Dover"],
        "current": [80.0, 50.0, 50.0, 0.0],
        "previous": [100.0, 0.0, 40.0, 7.0],
        "pct_change": [-20.0, math.nan, 25.0, -100.0],
    })
    assert_frame_equal(got, want)


def test_referral_table():
    rows = indicators([
        ("mh_referrals_18_64", "2020-04-01", "2021-03-31", 120, None),
        ("mh_referrals_18_64", "2019-04-01", "2020-03-31", 100, None),
        ("mh_referrals_65_plus", "2020-04-01", "2021-03-31", 30, None),  # no previous year
    ])
    got = m.referral_table(rows, FIN_2020)
    want = pd.DataFrame({"age_band": ["18-64", "65+"], "current": [120.0, 30.0], "previous": [100.0, math.nan],
                         "pct_change": [20.0, math.nan]})
    assert_frame_equal(got, want)


@pytest.mark.parametrize(("rows", "year", "shares"), [
    ([("csvg_mental_health_share", "2020-01-01", "2020-12-31", 48, None),
      ("csvg_substance_misuse_share", "2020-01-01", "2020-12-31", 31, None)], 2020, [48.0, 31.0]),
    # the year asked for only: another year's row is not this year's figure; a missing one is NaN
    ([("csvg_mental_health_share", "2019-01-01", "2019-12-31", 12, None)], 2020, [math.nan, math.nan]),
    # the year comes from the view, not from the 2020-21 assessment
    ([("csvg_mental_health_share", "2019-01-01", "2019-12-31", 12, None),
      ("csvg_mental_health_share", "2020-01-01", "2020-12-31", 48, None)], 2019, [12.0, math.nan]),
])
def test_csvg_mix(rows, year, shares):
    got = m.csvg_mix(indicators(rows), period("calendar", year))
    assert_frame_equal(got, pd.DataFrame({"concern": ["Mental health", "Substance misuse"], "share": shares}))


@pytest.mark.parametrize(("within", "until", "value"), [
    (None, None, 30.0),                                 # the newest row
    (period("financial", 2020), None, 20.0),            # the row whose period starts in the year asked for
    (period("calendar", 2018), None, None),             # none starts then: None, never a 0
    (None, "2021-03-31", 20.0),                         # the newest starting by that date
])
def test_indicator_latest(within, until, value):
    row = m.indicator_latest(SERIES, "s136", within=within, until=until)
    assert (None if row is None else row["value"]) == value


def test_youth_summary():
    rows = indicators([
        ("youth_offences", "2020-04-01", "2021-03-31", 80, None),
        ("youth_offences", "2019-04-01", "2020-03-31", 100, None),
        ("youth_offenders_by_age", "2020-04-01", "2021-03-31", 10, "10-14"),
        ("youth_offenders_by_age", "2020-04-01", "2021-03-31", 25, "15-17"),
        ("youth_offenders_by_age", "2019-04-01", "2020-03-31", 40, "15-17"),
    ])
    before = rows.copy()
    got = m.youth_summary(rows, FIN_2020)
    # offenders are summed over the age bands
    assert (got["offences"], got["offences_previous"], got["offenders"], got["offenders_previous"]) == (
        80.0, 100.0, 35.0, 40.0)
    assert got["series"]["label"].tolist() == ["2019/20", "2020/21"]
    assert got["bands"]["label"].tolist() == ["2019/20", "2020/21", "2020/21"]
    assert_frame_equal(rows, before)


def test_youth_summary_without_data_is_unknown():
    # a year with no published figure is unknown (NaN), never a fall to zero
    got = m.youth_summary(SERIES, FIN_2020)
    assert math.isnan(got["offences"]) and math.isnan(got["offenders"])
    assert got["series"].empty and got["bands"].empty


# share_table -----------------------------------------------------------------------------------

SHARES = counts([("2020-01-01", "A", 6), ("2020-02-01", "B", 2), ("2020-03-01", "C", 2),
                 ("2020-04-01", "D", 0),                       # zero count: left out, no 0% row
                 ("2019-05-01", "E", 50)])                     # previous year: left out


def test_share_table():
    got = m.share_table(SHARES, CAL_2020, "ward_code")
    # ties (B, C) keep their key order
    want = pd.DataFrame({"ward_code": ["A", "B", "C"], "value": [6, 2, 2], "share": [60.0, 20.0, 20.0]})
    assert_frame_equal(got, want)


def test_share_table_without_weight_counts_rows():
    got = m.share_table(SHARES, CAL_2020, "ward_code", weight=None)
    assert got["value"].tolist() == [1, 1, 1, 1]
    assert got["share"].tolist() == [25.0] * 4


def test_share_table_of_empty_period_is_empty():
    got = m.share_table(SHARES, period("calendar", 2017), "ward_code")
    assert list(got.columns) == ["ward_code", "value", "share"]
    assert got.empty


# area_vs_rest and focus_comparison -------------------------------------------------------------

FOCUS = counts([("2020-01-01", "A", 5), ("2020-02-01", "B", 4), ("2020-05-01", "C", 6),
                ("2019-01-01", "A", 10), ("2019-06-01", "B", 2)])


def test_area_vs_rest():
    got = m.area_vs_rest(FOCUS, CAL_2020, ("A",), POPULATION)
    want = pd.DataFrame({
        "area": ["Focus area", "Rest of borough"], "current": [5, 10], "previous": [10, 2],
        "pct_change": [-50.0, 400.0],
        # 2020 figures: C has none, so the rest is B alone
        "population": [1000.0, 2000.0], "rate": [5.0, 5.0],
    })
    assert_frame_equal(got, want)


def test_area_vs_rest_without_population_has_nan_rates():
    got = m.area_vs_rest(FOCUS, CAL_2020, ("A", "B"), POPULATION.iloc[0:0])
    assert got["population"].tolist() == [0.0, 0.0]
    assert got["rate"].isna().all()
    assert got["current"].tolist() == [9, 6]


def test_area_vs_rest_empty_focus_area():
    # a focus area with no rows is a row of zeros, not a missing row
    got = m.area_vs_rest(FOCUS, CAL_2020, ("Z",), POPULATION)
    assert got["current"].tolist() == [0, 15]
    assert got["population"].tolist() == [0.0, 3000.0]
    assert math.isnan(got["rate"].iloc[0])


def test_focus_comparison_stacks_measures():
    needles = pd.DataFrame({"found": ts("2020-03-04", "2020-07-01"), "ward_code": ["A", "C"],
                            "needles": [7, 1]})
    measures = {"Crime": (FOCUS, "month", "n"), "Needles": (needles, "found", "needles")}
    got = m.focus_comparison(measures, CAL_2020, ("A",), POPULATION)
    want = pd.DataFrame({
        "measure": ["Crime", "Crime", "Needles", "Needles"],
        "area": ["Focus area", "Rest of borough"] * 2,
        "current": [5, 10, 7, 1], "previous": [10, 2, 0, 0],
        "pct_change": [-50.0, 400.0, math.nan, math.nan],
        "population": [1000.0, 2000.0, 1000.0, 2000.0],
        "rate": [5.0, 5.0, 7.0, 0.5],
    })
    assert_frame_equal(got, want)


# focus_trend -----------------------------------------------------------------------------------

def test_focus_trend():
    got = m.focus_trend(FOCUS, ("A",), "2020-01-01", "2020-02-29", population=POPULATION)
    want = pd.DataFrame({
        "month": pd.to_datetime(["2020-01-01", "2020-01-01", "2020-02-01", "2020-02-01"]),
        "area": ["Focus area", "Rest of borough"] * 2,
        "value": np.array([5, 0, 0, 4], dtype="int64"),
        "rate": [5.0, 0.0, 0.0, 2.0],
    })
    assert_frame_equal(got, want)


def test_focus_trend_without_population_has_nan_rates_not_infinite():
    got = m.focus_trend(FOCUS, ("A",), "2020-01-01", "2020-02-29", population=POPULATION.iloc[0:0])
    assert got["value"].tolist() == [5, 0, 0, 4]
    assert not np.isinf(got["rate"]).any()
    assert got["rate"].isna().all()


def test_focus_trend_keeps_an_empty_focus_area_at_zero():
    got = m.focus_trend(FOCUS, ("Z",), "2020-01-01", "2020-02-29", population=POPULATION)
    assert got["area"].tolist() == ["Focus area", "Rest of borough"] * 2
    assert got.loc[got["area"] == "Focus area", "value"].tolist() == [0, 0]


def test_focus_trend_does_not_mutate_input():
    before = FOCUS.copy()
    m.focus_trend(FOCUS, ("A",), "2020-01-01", "2020-12-31", population=POPULATION)
    assert_frame_equal(FOCUS, before)


# needle_monthly, needle_points -----------------------------------------------------------------

NEEDLES = pd.DataFrame({
    "found": ts("2020-01-05", "2020-01-20", "2020-03-02", "2020-03-30", "2019-07-01"),
    "location_name": ["Park", "Park", "Station", "Park", "Park"],
    "longitude": [0.52, 0.52, 0.53, 0.52, 0.52], "latitude": [51.27, 51.27, 51.28, 51.27, 51.27],
    "ward_code": ["A", "A", "B", "A", "A"],
    "needles": pd.array([1, 2, 200, 3, 9], dtype="Int64"),
    "bulk_incident": pd.array([False, False, True, False, False], dtype="boolean"),
})


@pytest.mark.parametrize(("include_bulk", "values"), [
    (True, [3, 0, 203]),
    # without bulk incidents March drops to 3, but it is still flagged as a bulk month
    (False, [3, 0, 3]),
])
def test_needle_monthly(include_bulk, values):
    got = m.needle_monthly(NEEDLES, "2020-01-01", "2020-03-31", include_bulk=include_bulk)
    want = months_frame(["2020-01-01", "2020-02-01", "2020-03-01"], values).assign(bulk=[False, False, True])
    assert_frame_equal(got, want)


@pytest.mark.parametrize(("include_bulk", "expected"), [
    (True, [("Park", 0.52, 51.27, 6), ("Station", 0.53, 51.28, 200)]),
    (False, [("Park", 0.52, 51.27, 6)]),           # the station's only find was a bulk one
])
def test_needle_points(include_bulk, expected):
    got = m.needle_points(NEEDLES, CAL_2020, include_bulk=include_bulk)
    want = pd.DataFrame(expected, columns=["label", "longitude", "latitude", "size"]).astype({"size": "Int64"})
    assert_frame_equal(got, want)


def test_needle_points_of_empty_period():
    got = m.needle_points(NEEDLES, period("calendar", 2015))
    assert list(got.columns) == ["label", "longitude", "latitude", "size"]
    assert got.empty


def test_needle_functions_do_not_mutate_input():
    before = NEEDLES.copy()
    m.needle_monthly(NEEDLES, "2020-01-01", "2020-12-31", include_bulk=False)
    m.needle_points(NEEDLES, CAL_2020, include_bulk=False)
    assert_frame_equal(NEEDLES, before)


# encampment_summary, enforcement_table ---------------------------------------------------------

def test_encampment_summary():
    camps = pd.DataFrame({"started": ts("2020-05-04", "2020-06-01", "2020-12-30", "2021-01-01"),
                          "ended": ts("2020-05-11", "2020-06-02", "2021-01-04", "2021-01-03"),
                          "location_name": ["Park", "Park", "Field", "Park"]})
    got = m.encampment_summary(camps)
    want = pd.DataFrame({
        # an encampment spanning new year counts in the year it started
        "year": [2020, 2021], "encampments": [3, 1], "locations": [2, 1],
        "average_days": [13 / 3, 2.0], "total_days": [13, 2], "longest_days": [7, 2],
    })
    assert_frame_equal(got, want)


def test_encampment_summary_of_empty_frame():
    camps = pd.DataFrame({"started": pd.Series([], dtype="datetime64[us]"),
                          "ended": pd.Series([], dtype="datetime64[us]"),
                          "location_name": pd.Series([], dtype="str")})
    got = m.encampment_summary(camps)
    assert list(got.columns) == ["year", "encampments", "locations", "average_days", "total_days", "longest_days"]
    assert got.empty


ENFORCEMENT = pd.DataFrame({
    "issued": ts("2020-05-04", "2020-06-01", "2020-07-01", "2020-12-31", "2021-01-01"),
    "action": ["CPW", "CPW", "FPN", "CPW", "FPN"],
    "category": ["Noise", "Noise", "Litter", "Waste", "Litter"],
    "with_police": pd.array([True, False, True, False, True], dtype="boolean"),
})


@pytest.mark.parametrize(("year", "expected"), [
    (2020, [("CPW", "Noise", 2, 1), ("CPW", "Waste", 1, 0), ("FPN", "Litter", 1, 1)]),
    (2021, [("FPN", "Litter", 1, 1)]),
    (2019, []),   # a year with nothing issued: an empty table, not an error
])
def test_enforcement_table(year, expected):
    got = m.enforcement_table(ENFORCEMENT, year)
    want = pd.DataFrame(expected, columns=["action", "category", "issued", "with_police"]).astype(
        {"action": "str", "category": "str", "issued": "int64", "with_police": "int64"})
    assert_frame_equal(got, want)


# a small crime cube ------------------------------------------------------------------------------

VAP, SEX, ROB, OTHER = "Violence against the person", "Sexual offences", "Robbery", "Theft"

HEADLINE = crime_cube_rows([
    ("2020-01-01", "A", "Violence", VAP, True, None, 6),
    ("2020-02-01", "A", "Sexual", SEX, True, None, 2),
    ("2020-03-01", "B", "Other theft", OTHER, True, None, 2),
    ("2020-03-01", "B", "Violence", VAP, False, "Race", 10),
    ("2020-04-01", "B", "Robbery", ROB, False, None, 2),
    ("2020-05-01", "B", "Drugs", OTHER, False, None, 28),
    ("2019-06-01", "A", "Violence", VAP, True, None, 8),
    ("2019-12-01", "A", "Drugs", OTHER, False, "Religion", 3),
])


# maidstone_vs_kent -----------------------------------------------------------------------------

KENT = indicators([("kent_crime", "2019-01-01", "2019-12-31", 1000, "Maidstone"),
                   ("kent_crime", "2019-01-01", "2019-12-31", 2000, "Medway"),
                   ("kent_crime", "2020-01-01", "2020-12-31", 2500, "Medway"),
                   ("kent_drugs", "2019-01-01", "2019-12-31", 77, "Medway")])


@pytest.mark.parametrize(("frame", "crime_type", "expected"), [
    # a cube: n summed; Kent is the sum over districts; 2021 has no Kent figure, so no Kent row
    (HEADLINE, None, [(2019, "Maidstone", 11), (2019, "Kent", 3000), (2020, "Maidstone", 50),
                      (2020, "Kent", 2500), (2021, "Maidstone", 0)]),
    (HEADLINE, "Drugs", [(2019, "Maidstone", 3), (2019, "Kent", 3000), (2020, "Maidstone", 28),
                         (2020, "Kent", 2500), (2021, "Maidstone", 0)]),
    # raw rows without n: rows counted
    (HEADLINE.drop(columns="n"), None, [(2019, "Maidstone", 2), (2019, "Kent", 3000), (2020, "Maidstone", 6),
                                        (2020, "Kent", 2500), (2021, "Maidstone", 0)]),
])
def test_maidstone_vs_kent(frame, crime_type, expected):
    got = m.maidstone_vs_kent(frame, KENT, "kent_crime", crime_type, range(2019, 2022))
    assert_frame_equal(got, pd.DataFrame(expected, columns=["year", "area", "value"]))


def test_maidstone_vs_kent_no_years_is_empty():
    got = m.maidstone_vs_kent(HEADLINE, KENT, "kent_crime", None, range(0))
    assert list(got.columns) == ["year", "area", "value"] and got.empty


# actions ---------------------------------------------------------------------------------------

ACTIONS = pd.DataFrame({"priority": ["soc", "soc", "mental_health", "domestic_abuse"],
                        "action": ["a", "b", "c", "d"],
                        "status": ["delivered", "on hold", "delivered", "in progress"]})


@pytest.mark.parametrize(("priorities", "statuses", "expected"), [
    (None, None, ["a", "b", "c", "d"]),
    ([], [], ["a", "b", "c", "d"]),              # empty lists mean everything
    (["soc"], None, ["a", "b"]),
    (None, ["delivered"], ["a", "c"]),
    (["soc"], ["delivered"], ["a"]),              # both filters apply together
    (["soc", "domestic_abuse"], ["postponed"], []),
])
def test_filter_actions(priorities, statuses, expected):
    got = m.filter_actions(ACTIONS, priorities, statuses)
    want = ACTIONS[ACTIONS["action"].isin(expected)].reset_index(drop=True)
    assert_frame_equal(got, want)


@pytest.mark.parametrize(("statuses", "expected"), [
    (["delivered", "on hold", "delivered", "in progress"], [2, 1, 1, 0]),
    ([], [0, 0, 0, 0]),               # no actions: every status still listed at zero
])
def test_action_status_counts(statuses, expected):
    got = m.action_status_counts(pd.DataFrame({"status": pd.Series(statuses, dtype="str")}))
    want = pd.DataFrame({"status": list(ACTION_STATUSES), "actions": np.array(expected, dtype="int64")})
    assert_frame_equal(got, want)


# On the demonstration data ---------------------------------------------------------------------

CUBE_DIMS = ["ward_code", "crime_type", "offence_subgroup", "domestic_abuse", "hate_strand"]


@pytest.fixture(scope="module")
def demo_data():
    from smp_dash import demo

    try:
        return demo.build()
    except geo.BoundariesMissing as exc:
        pytest.skip(str(exc))


@pytest.fixture(scope="module")
def crime_cube(demo_data):
    return m.cube(demo_data["crimes"], "month", CUBE_DIMS)


def test_demo_cube_keeps_every_crime(demo_data, crime_cube):
    raw = demo_data["crimes"]
    assert crime_cube["n"].sum() == len(raw)
    # domestic abuse counted from rows and from the cube agree
    da = measures.get("domestic_abuse")
    assert m.count(da.rows(raw), "month", CAL_2020) == m.count(da.rows(crime_cube), "month", CAL_2020, "n") == 2888


@pytest.mark.parametrize("span", [CAL_2020, FIN_2020, ASSESS_2020, period("rolling", 2021, "2021-06")])
def test_demo_ward_counts_from_cube_equal_counts_from_rows(demo_data, crime_cube, span):
    raw = demo_data["crimes"]
    wards = pd.DataFrame({"ward_code": sorted(raw["ward_code"].unique())})
    wards["ward_name"] = "Ward " + wards["ward_code"]
    table = m.ward_table(crime_cube, span, wards, demo_data["population"]).set_index("ward_code")
    months = raw["month"]
    for code in wards["ward_code"].iloc[[0, 5, -1]]:
        mine = raw["ward_code"] == code
        now = int((mine & (months >= span.start) & (months <= span.end)).sum())
        before = span.previous()
        then = int((mine & (months >= before.start) & (months <= before.end)).sum())
        assert (table.loc[code, "current"], table.loc[code, "previous"]) == (now, then)
    # ranks run 1..n with the largest first
    assert table["rank"].tolist() == list(range(1, len(table) + 1))
    assert table["current"].is_monotonic_decreasing


def test_demo_monthly_da_from_cube_equals_rows(demo_data, crime_cube):
    raw = demo_data["crimes"]
    da_rows = raw[raw["domestic_abuse"].astype(bool)]
    expected = da_rows.groupby("month").size().loc["2020-01-01":"2020-12-01"]
    got = m.monthly(crime_cube[crime_cube["domestic_abuse"].astype(bool)], CAL_2020.start, CAL_2020.end)
    assert got["value"].tolist() == expected.tolist()
    assert got["value"].sum() == 2888


def test_demo_share_table_matches_row_counts(demo_data, crime_cube):
    raw = demo_data["crimes"]
    in_2020 = raw[CAL_2020.contains(raw["month"])]
    expected = in_2020["crime_type"].value_counts()
    got = m.share_table(crime_cube, CAL_2020, "crime_type").set_index("crime_type")
    assert got["value"].to_dict() == expected.to_dict()
    assert got["share"].sum() == pytest.approx(100.0)


def test_compare_excluding_replaces_a_flagged_month_by_the_trailing_median():
    # 36 steady months at 100 (Poisson-ish wiggle), then a month of 900 in the current period.
    months = pd.date_range("2017-12-01", "2020-11-01", freq="MS")
    values = [100 + (i % 3) for i in range(len(months))]
    values[-3] = 900                                   # Sep 2020
    frame = pd.DataFrame({"month": months, "n": values})
    kept = m.compare_excluding(frame, ASSESS_2020, False)
    cleaned = m.compare_excluding(frame, ASSESS_2020, True)
    assert kept["excluded"] == [] and cleaned["excluded"] == ["Sep 2020"]
    assert kept["current"] - cleaned["current"] == 900 - 101   # replaced by the median of the 24 before
    assert cleaned["previous"] == kept["previous"]


# overlay: the same calendar month a year earlier, a gap where the data lacks it ---------------------

#: ASB in one ward: the month's number (Jan 1 ... Dec 12) every month from Jan 2024 to Dec 2025, but Mar 2024.
MONTHLY = pd.DataFrame({"month": [mo for mo in pd.date_range("2024-01-01", "2025-12-01", freq="MS")
                                  if mo != pd.Timestamp("2024-03-01")], "ward_code": "A"}).pipe(
    lambda f: f.assign(n=f["month"].dt.month))
DEC_TO_NOV = period("assessment", 2025)


def test_overlay_pairs_each_month_with_the_same_month_a_year_earlier():
    now, before, note, excluded = m.overlay(MONTHLY, pd.Timestamp("2024-01-01"), DEC_TO_NOV,
                                            last=pd.Timestamp("2025-12-01"), gaps=(pd.Timestamp("2024-03-01"),))
    assert now["month"].tolist() == list(DEC_TO_NOV.months())
    assert (before["month"] + pd.DateOffset(years=1)).tolist() == now["month"].tolist()
    assert now["value"].tolist() == [12.0] + [float(mo) for mo in range(1, 12)]
    # Dec 2023 is before the data and Mar 2024 was not published: gaps, never 0 or a neighbour's count
    assert before["value"].isna().tolist() == [True, False, False, True] + [False] * 8
    assert before["value"].dropna().tolist() == [1.0, 2.0] + [float(mo) for mo in range(4, 12)]
    assert (note, excluded) == ("", "")


def test_overlay_table_pairs_by_month_not_by_row():
    now = pd.DataFrame({"month": pd.date_range("2024-12-01", periods=3, freq="MS"), "value": [10, 20, 30]})
    before = pd.DataFrame({"month": pd.to_datetime(["2024-02-01", "2024-01-01"]), "value": [2, 1]})   # no Dec 2023
    got = m.overlay_table(now, before)
    assert got["previous_month"].tolist() == list(pd.date_range("2023-12-01", periods=3, freq="MS"))
    assert got["previous"].tolist()[1:] == [1.0, 2.0] and math.isnan(got["previous"].iloc[0])


def test_monthly_leaves_the_months_the_data_lacks_missing():
    got = m.monthly(MONTHLY, "2024-01-01", "2024-04-30", gaps=(pd.Timestamp("2024-03-01"),))
    assert got["value"].tolist()[:2] + got["value"].tolist()[3:] == [1.0, 2.0, 4.0]
    assert math.isnan(got["value"].iloc[2])
