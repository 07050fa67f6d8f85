"""Statistical process control (issue 23, section 1): the XmR chart, its four rules and its sentences."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from smp_dash import spc

#: The issue's worked example; points are numbered from 1 there, from 0 here.
WORKED = [240, 251, 236, 260, 245, 238, 255, 249, 242, 258, 247, 250, 262, 270, 268, 275, 281, 279, 285, 290, 231, 249]


def _points(control, rule, side=None):
    """The signals of ``rule`` as the issue numbers points: (first, last) from 1."""
    return [(s.first + 1, s.last + 1) for s in control.signals if s.rule == rule and side in (None, s.side)]


def test_the_worked_example_of_the_issue():
    control = spc.xmr(WORKED, baseline=12)
    assert round(control.mean[0], 2) == 247.58
    assert round(control.moving_range[0], 2) == 12.00
    assert (round(control.upper[0], 2), round(control.lower[0], 2)) == (279.50, 215.66)
    assert round(2 * control.sigma[0], 2) == 21.28                               # two sigma above the mean
    assert _points(control, spc.BEYOND) == [(17, 17), (19, 19), (20, 20)]       # 279 at point 18 is just inside
    assert _points(control, spc.SHIFT) == [(12, 20)]                            # point 11 (247) is below 247.58
    assert all(s.side == "high" for s in control.signals)
    assert _points(control, spc.TREND) == []
    assert [last for _, last in _points(control, spc.TWO_OF_THREE, "high")] == [16, 17, 18, 19, 20, 21]
    assert control.baselines == ((0, 11),)
    assert control.latest() == ""                                               # 249, the last point: common cause


def test_the_worked_example_in_words():
    months = pd.date_range("2019-01-01", periods=len(WORKED), freq="MS")
    said = spc.sentences(spc.xmr(WORKED, baseline=12), months, improve=spc.DOWN)
    assert said == [
        "Latest month (Oct 2020): common cause.",
        "Mean 247.6, process limits 215.7 to 279.5, from the baseline Jan 2019 to Dec 2019 (12 months).",
        "Special cause concerning: 9 months above the mean from Dec 2019 to Aug 2020.",
        "Special cause concerning: two of three months beyond two sigma above the mean from Feb 2020 to Sep 2020.",
        "Special cause concerning: 3 months above the upper process limit (May 2020, Jul 2020 and Aug 2020).",
    ]


def test_a_run_to_the_latest_month_is_said_since_it_began_and_sets_the_icon():
    # The issue's draft sentence: "special cause: 9 months above the mean since Dec 2020".
    values = [10, 12, 9, 11, 10, 12, 9, 11, 10, 12, 11, 9] + [13] * 9
    months = pd.date_range("2019-12-01", periods=len(values), freq="MS")
    control = spc.xmr(values, baseline=12)
    assert control.latest() == "high"
    assert "Special cause: 9 months above the mean since Dec 2020." in spc.sentences(control, months)
    assert spc.sentences(control, months, improve=spc.UP)[0] == "Latest month (Aug 2021): special cause improving."


@pytest.mark.parametrize("side, improve, expected", [
    ("", spc.UP, spc.COMMON),
    ("high", spc.UP, spc.IMPROVING),
    ("high", spc.DOWN, spc.CONCERNING),
    ("low", spc.DOWN, spc.IMPROVING),
    ("low", spc.UP, spc.CONCERNING),
    ("low", spc.NEITHER, spc.SPECIAL),      # no direction set: special cause, neither improving nor concerning
])
def test_the_variation_icon(side, improve, expected):
    assert spc.category(side, improve) == expected


@pytest.mark.parametrize("values, rule, side, span", [
    # seven rising points (six rises) is a trend; six is not
    ([5, 6, 5, 6, 5, 6, 5, 6, 1, 2, 3, 4, 5, 6, 7], spc.TREND, "high", [(9, 15)]),
    ([5, 6, 5, 6, 5, 6, 5, 6, 5, 1, 2, 3, 4, 5, 6], spc.TREND, "high", []),
    # a level point ends a trend
    ([9, 8, 7, 6, 6, 5, 4, 3, 2, 1, 0, 6, 5, 6, 5], spc.TREND, "low", [(5, 11)]),
    # a point on the mean (exactly 3) ends a shift: four below, one on it, four below, eight above
    ([0] * 4 + [3] + [0] * 4 + [6] * 8, spc.SHIFT, None, [(10, 17)]),
])
def test_runs_and_trends(values, rule, side, span):
    control = spc.xmr(values, baseline=len(values))
    assert _points(control, rule, side) == span


def test_re_baselining_recomputes_the_limits_from_that_month_and_keeps_runs_apart():
    values = [10, 12, 9, 11, 10, 12, 9, 11, 12, 10] + [30, 32, 29, 31, 30, 32, 29, 31, 30, 32]
    before = spc.xmr(values, baseline=10)
    after = spc.xmr(values, baseline=10, rebase=10)
    assert _points(before, spc.SHIFT, "high") == [(11, 20)]
    assert after.baselines == ((0, 9), (10, 19))
    assert (after.mean[9], after.mean[10]) == (10.6, 30.6)
    assert round(after.upper[10], 2) == round(30.6 + 2.66 * np.abs(np.diff(values[10:])).mean(), 2)
    assert after.signals == ()                                     # each stretch is stable about its own mean


def test_too_few_months_for_limits():
    with pytest.raises(ValueError, match="at least 3"):
        spc.xmr([1, 2, 3, 4, 5], rebase=3)


@pytest.mark.parametrize("seed", range(6))
def test_the_limits_follow_the_formula_on_sampled_series(seed):
    # Property, sampled: the limits are mean ± 2.66 × mean moving range of the baseline alone, a
    # signal's points are all on its side, and each point beyond a limit is found once.
    rng = np.random.default_rng(seed)
    values = rng.poisson(rng.integers(5, 200), size=int(rng.integers(12, 60))).astype(float)
    baseline = int(rng.integers(3, len(values) + 1))
    control = spc.xmr(values, baseline=baseline)
    base = values[:baseline]
    mr = np.abs(np.diff(base)).mean()
    assert np.allclose(control.upper, base.mean() + 2.66 * mr) and np.allclose(control.lower, base.mean() - 2.66 * mr)
    for s in control.signals:
        assert all((values[i] > control.mean[i]) == (s.side == "high") for i in s.points)
    assert sorted(s.first for s in control.signals if s.rule == spc.BEYOND) == list(
        np.flatnonzero((values > control.upper) | (values < control.lower)))


def test_a_long_history_of_signals_is_said_briefly():
    """A series with many signals (a smooth rise) says the latest ones and counts the rest, and names
    months beyond a limit one by one only when they are few."""
    values = [100 + (i // 6) * 3 + (i % 2) for i in range(75)]
    months = pd.date_range("2015-01-01", periods=75, freq="MS")
    control = spc.xmr(values)
    said = spc.sentences(control, months)
    groups = spc._grouped(control.signals)
    assert len(groups) > spc.SAID
    assert said[-1] == f"{len(groups) - spc.SAID} earlier signals are marked on the chart."
    assert len(said) == 2 + spc.SAID + 1
    beyond = [s for s in said if "process limit (" in s]
    assert beyond and all(s.count(" 20") <= 2 for s in beyond), beyond      # "between Jan 2017 and Mar 2021"


def test_a_chart_of_lines_with_no_rows_has_no_control_chart_and_says_why():
    """A monthly chart of several lines whose dataset is held empty (crimes with no violent rows) drew
    an error from the control chart: no line, nothing to put together."""
    from smp_dash import blocks

    empty = pd.DataFrame({"month": pd.to_datetime([]), "count": pd.Series([], dtype="int64"),
                          "crime_type": pd.Series([], dtype="object")})
    limits, said = blocks.control_chart(empty, key="soc_trend", y="count", series="crime_type")
    assert limits is None and said.startswith("No control chart: fewer than 3 months")
