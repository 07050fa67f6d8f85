"""Period arithmetic: the four period kinds, previous periods, lockdowns."""

import pandas as pd
import pytest

from smp_dash import periods


@pytest.mark.parametrize(("kind", "year", "end_month", "start", "end", "label"), [
    ("calendar", 2020, None, "2020-01-01", "2020-12-31", "2020"),
    ("financial", 2020, None, "2020-04-01", "2021-03-31", "2020/21"),
    ("financial", 2019, None, "2019-04-01", "2020-03-31", "2019/20"),
    # the assessment year runs December to November and is named by its end
    ("assessment", 2020, None, "2019-12-01", "2020-11-30", "Dec 2019 to Nov 2020"),
    ("rolling", 2021, "2021-03", "2020-04-01", "2021-03-31", "Apr 2020 to Mar 2021"),
    # leap year: February ends on the 29th
    ("rolling", 2020, "2020-02", "2019-03-01", "2020-02-29", "Mar 2019 to Feb 2020"),
])
def test_period(kind, year, end_month, start, end, label):
    p = periods.period(kind, year, end_month)
    assert (p.start, p.end, p.label) == (pd.Timestamp(start), pd.Timestamp(end), label)


def test_previous_is_same_months_a_year_earlier():
    p = periods.period("assessment", 2020).previous()
    assert (p.start, p.end) == (pd.Timestamp("2018-12-01"), pd.Timestamp("2019-11-30"))
    leap = periods.period("rolling", 2021, "2021-02").previous()
    assert leap.end == pd.Timestamp("2020-02-29")


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="unknown period kind 'weekly'"):
        periods.period("weekly", 2020)


def test_contains_includes_the_last_day():
    p = periods.period("calendar", 2020)
    dates = pd.Series(pd.to_datetime(["2019-12-31", "2020-01-01", "2020-12-31 18:00", "2021-01-01"], format="ISO8601"))
    assert p.contains(dates).tolist() == [False, True, True, False]


@pytest.mark.parametrize(("kind", "labels"), [
    ("calendar", ["2020", "2019", "2018", "2017", "2016", "2015"]),
    ("financial", ["2020/21", "2019/20", "2018/19", "2017/18", "2016/17", "2015/16"]),
    ("assessment", ["Dec 2019 to Nov 2020", "Dec 2018 to Nov 2019", "Dec 2017 to Nov 2018",
                    "Dec 2016 to Nov 2017", "Dec 2015 to Nov 2016"]),
])
def test_available_complete_periods(kind, labels):
    got = periods.available(kind, pd.Timestamp("2015-01-01"), pd.Timestamp("2021-03-01"))
    assert [p.label for p in got] == labels


def test_available_rolling_ends_at_each_month():
    got = periods.available("rolling", pd.Timestamp("2015-01-01"), pd.Timestamp("2021-03-01"))
    assert got[0].label == "Apr 2020 to Mar 2021"
    assert got[-1].label == "Jan 2015 to Dec 2015"
    assert len(got) == 75 - 11


@pytest.mark.parametrize(("month", "share"), [
    ("2020-02-01", 0.0),
    ("2020-04-01", 1.0),
    ("2020-03-01", 9 / 31),      # from 23 March
    ("2020-11-01", 26 / 30),     # 5 November onwards
    ("2020-12-01", 2 / 31),      # to 2 December
    ("2020-07-01", 3 / 31),      # to 3 July
    ("2021-03-01", 28 / 31),     # to 28 March, the third lockdown's end
    ("2021-01-01", 26 / 31),     # from 6 January
])
def test_lockdown_share(month, share):
    assert periods.lockdown_share(pd.Timestamp(month)) == pytest.approx(share)


@pytest.mark.parametrize(("kind", "oldest"), [
    ("calendar", "2016"),                       # 2015 has no 2014 to compare with
    ("financial", "2016/17"),                   # 2015/16 would compare with Apr 2014 to Mar 2015
    ("assessment", "Dec 2016 to Nov 2017"),
    ("rolling", "Jan 2016 to Dec 2016"),
])
def test_comparable_periods_have_a_covered_previous_period(kind, oldest):
    got = periods.available(kind, pd.Timestamp("2015-01-01"), pd.Timestamp("2021-03-01"), comparable=True)
    assert got[-1].label == oldest
    assert all(p.previous().start >= pd.Timestamp("2015-01-01") for p in got)


# One rule for every comparison: both periods wholly held --------------------------------------

JAN_2024, DEC_2025 = pd.Timestamp("2024-01-01"), pd.Timestamp("2025-12-01")


@pytest.mark.parametrize(("p", "first", "last", "gaps", "why"), [
    # every month held
    (periods.period("assessment", 2025), JAN_2024, DEC_2025, (), None),
    # the data starts a month into the period (police.uk from Jan 2024, a December-to-November year)
    (periods.period("assessment", 2024), JAN_2024, DEC_2025, (),
     "the data covers 11 of the 12 months of Dec 2023 to Nov 2024 (Dec 2023 missing)"),
    # wholly before the data, wholly after it
    (periods.period("calendar", 2023), JAN_2024, DEC_2025, (),
     "the data covers 0 of the 12 months of 2023 (it starts in Jan 2024)"),
    (periods.period("calendar", 2026), JAN_2024, DEC_2025, (),
     "the data covers 0 of the 12 months of 2026 (it ends in Dec 2025)"),
    # months missing inside the data, written as runs
    (periods.period("calendar", 2024), JAN_2024, DEC_2025, (pd.Timestamp("2024-03-01"),),
     "the data covers 11 of the 12 months of 2024 (Mar 2024 missing)"),
    (periods.period("assessment", 2025), JAN_2024, DEC_2025,
     tuple(pd.Timestamp(m) for m in ("2024-12-01", "2025-01-01", "2025-06-01")),
     "the data covers 9 of the 12 months of Dec 2024 to Nov 2025 (Dec 2024 to Jan 2025 and Jun 2025 missing)"),
    # a gap outside the period does not matter
    (periods.period("calendar", 2025), JAN_2024, DEC_2025, (pd.Timestamp("2024-03-01"),), None),
])
def test_shortfall_says_which_months_a_period_lacks(p, first, last, gaps, why):
    assert periods.shortfall(p, first, last, gaps) == why


@pytest.mark.parametrize(("p", "gaps", "why"), [
    (periods.period("calendar", 2025), (), None),       # 2024 and 2025 both whole
    # the year before starts before the data: no change against 11 months of it
    (periods.period("assessment", 2025), (),
     "no comparison: the data covers 11 of the 12 months of Dec 2023 to Nov 2024 (Dec 2023 missing)"),
    # a month missing inside the year before, not only a late start
    (periods.period("calendar", 2025), (pd.Timestamp("2024-07-01"),),
     "no comparison: the data covers 11 of the 12 months of 2024 (Jul 2024 missing)"),
    # a month missing in the period itself: no comparison either
    (periods.period("calendar", 2025), (pd.Timestamp("2025-07-01"),),
     "no comparison: the data covers 11 of the 12 months of 2025 (Jul 2025 missing)"),
])
def test_no_comparison_needs_both_periods_whole(p, gaps, why):
    assert periods.no_comparison(p, JAN_2024, DEC_2025, gaps) == why


@pytest.mark.parametrize(("months", "text"), [
    (["2023-12-01"], "Dec 2023"),
    (["2024-03-01", "2024-04-01", "2024-05-01"], "Mar to May 2024"),
    (["2023-11-01", "2023-12-01", "2024-01-01"], "Nov 2023 to Jan 2024"),
    (["2023-12-01", "2024-03-01"], "Dec 2023 and Mar 2024"),
    # past three runs, the rest counted
    (["2024-01-01", "2024-03-01", "2024-05-01", "2024-07-01", "2024-08-01"],
     "Jan 2024, Mar 2024, May 2024 and 2 more months"),
])
def test_month_runs(months, text):
    assert periods.month_runs(pd.to_datetime(months)) == text
