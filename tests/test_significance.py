"""Exact Poisson tests, intervals and funnel limits against known values."""

import math

import numpy as np
import pandas as pd
import pytest

from smp_dash import significance as s


@pytest.mark.parametrize(("current", "previous", "p_value", "verdict"), [
    (380, 383, 0.9423, "within chance (p = 0.94)"),        # hate crime: -3 is noise
    (502, 415, 0.00449, "beyond chance (p = 0.004)"),      # drug offences +21%
    (2888, 2732, 0.03867, "beyond chance (p = 0.04)"),     # recorded DA +5.7%
    (115, 143, 0.0926, "within chance (p = 0.09)"),        # section 136 -20% is not beyond chance
    (10, 10, 1.0, "within chance (p = 1.00)"),
])
def test_poisson_change_known_values(current, previous, p_value, verdict):
    got = s.poisson_change(current, previous)
    assert got.p_value == pytest.approx(p_value, abs=5e-4)
    assert got.verdict == verdict


def test_exact_test_matches_the_binomial_by_hand():
    # 7 against 1: P(X >= 7 | n=8, 1/2) = 9/256, two-sided doubles it.
    assert s.poisson_change(7, 1).p_value == pytest.approx(2 * 9 / 256)


@pytest.mark.parametrize(("current", "previous"), [
    (3, 1),     # fewer than 5 in a period
    (12, 6),    # fewer than 20 in both
    (0, 0),
])
def test_small_numbers_are_labelled_not_judged(current, previous):
    got = s.poisson_change(current, previous)
    assert got.small_numbers and not got.significant
    assert got.verdict.startswith("small numbers")


def test_exposure_ratio_accounts_for_a_longer_period():
    # twice the exposure and twice the count: no change in rate
    assert s.poisson_change(200, 100, exposure_ratio=2).p_value == pytest.approx(1.0, abs=0.01)
    assert s.poisson_change(200, 100).significant


def test_missing_counts_give_no_verdict():
    got = s.poisson_change(math.nan, 10)
    assert math.isnan(got.p_value) and not got.significant


@pytest.mark.parametrize(("count", "low", "high"), [
    (0, 0.0, 3.6889),          # Garwood exact limits (standard tables)
    (10, 4.7954, 18.3904),
    (100, 81.3640, 121.6268),
])
def test_count_ci_exact(count, low, high):
    got = s.count_ci(count)
    assert got == pytest.approx((low, high), abs=1e-3)


def test_funnel_limits_narrow_as_population_grows():
    limits = s.funnel_limits([1000, 5000, 20000], rate=20)
    width95 = limits["upper_95"] - limits["lower_95"]
    assert (np.diff(width95) < 0).all()
    assert (limits["upper_99.8"] >= limits["upper_95"]).all()
    assert (limits["lower_99.8"] <= limits["lower_95"]).all()
    # expected 20 at 1,000 residents: the 95% Poisson range is 12 to 29
    assert limits.loc[0, ["lower_95", "upper_95"]].tolist() == [12.0, 29.0]


def test_ward_funnel_flags_a_ward_far_above_the_borough_rate():
    table = pd.DataFrame({"ward_name": ["A", "B", "C", "D"], "current": [100, 20, 21, 18],
                          "population": [2000, 2000, 2000, 2000]})
    wards, rate = s.ward_funnel(table)
    assert rate == pytest.approx(159 / 8000 * 1000)
    assert wards.set_index("ward_name")["position"].to_dict() == {
        "A": "above 99.8% limit", "B": "below 99.8% limit", "C": "below 99.8% limit", "D": "below 99.8% limit"}


def test_ward_funnel_skips_wards_without_population():
    table = pd.DataFrame({"ward_name": ["A", "B"], "current": [5, 5], "population": [1000, np.nan]})
    wards, _ = s.ward_funnel(table)
    assert wards["ward_name"].tolist() == ["A"]


# The numpy implementations against scipy.stats (a test dependency only) -------------------

@pytest.mark.parametrize("k, n, p", [(0, 0, 0.5), (3, 10, 0.5), (7490, 15201, 0.5), (15201, 32500, 0.5),
                                     (1, 40, 0.3), (40, 40, 0.5), (0, 40, 0.5), (12, 30, 0.37), (20, 40, 0.5)])
def test_binomial_test_matches_scipy(k, n, p):
    from scipy import stats

    expected = stats.binomtest(k, n, p).pvalue if n else 1.0
    assert s.binom_two_sided(k, n, p) == pytest.approx(expected, rel=1e-9, abs=1e-15)


@pytest.mark.parametrize("count", [0, 1, 2, 5, 17, 380, 7490])
@pytest.mark.parametrize("level", [0.95, 0.998])
def test_garwood_interval_matches_scipy(count, level):
    from scipy import stats

    a = 1 - level
    low = 0.0 if count == 0 else stats.chi2.ppf(a / 2, 2 * count) / 2
    high = stats.chi2.ppf(1 - a / 2, 2 * count + 2) / 2
    assert s.count_ci(count, level) == pytest.approx((low, high), rel=1e-9)


def test_poisson_quantiles_match_scipy():
    from scipy import stats

    means = np.array([0.0, 0.3, 1.0, 4.4, 17.2, 95.0, 612.5, 8100.0, np.nan])
    for q in (0.001, 0.025, 0.5, 0.975, 0.999):
        np.testing.assert_array_equal(s.poisson_ppf(q, means), stats.poisson.ppf(q, means))


@pytest.mark.parametrize("k, n, p", [(250_500, 500_000, 0.5), (249_000, 500_000, 0.5), (150_900, 300_000, 0.497),
                                     (3, 500_000, 0.5), (12, 20, 0.3)])
def test_exact_test_on_a_year_of_the_county_agrees_with_scipy_and_stays_small(k, n, p):
    import tracemalloc

    from scipy import stats

    tracemalloc.start()
    got = s.binom_two_sided(k, n, p)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert got == pytest.approx(stats.binomtest(k, n, p).pvalue, rel=1e-7, abs=1e-300)
    # only the outcomes within 40 sd are built: 5 arrays of ~2 x 40 x 354 values, not of 500,001 (19 MB)
    assert peak < 2_000_000, peak
