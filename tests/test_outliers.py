"""The robust outlier rule: trailing median and MAD, never judged against less than chance."""

import numpy as np
import pandas as pd
import pytest

from smp_dash import outliers


def _noisy(n=36, level=100, seed=1):
    return np.random.default_rng(seed).poisson(level, n).astype(float)


@pytest.mark.parametrize(("spike_at", "size", "flagged"), [
    (30, 900, True),     # a bulk needle find: far outside
    (30, 130, False),    # +30 on a level of 100 with Poisson noise: within the usual range
    (30, 10, True),      # a collapse (a lockdown month) is flagged too
    (5, 900, False),     # too early: fewer than 12 months of history
])
def test_spikes(spike_at, size, flagged):
    values = _noisy()
    values[spike_at] = size
    assert outliers.flag(values)[spike_at] == flagged


def test_flat_history_uses_the_poisson_spread():
    # MAD of a flat past is 0; sqrt(100) = 10 keeps 120 (2 sd) unflagged and 150 (5 sd) flagged
    values = np.array([100.0] * 20 + [120.0, 150.0])
    assert outliers.flag(values).tolist()[-2:] == [False, True]


def test_only_the_past_is_used():
    values = _noisy()
    values[20] = 900
    flags = outliers.flag(values)
    assert flags[20] and flags.sum() == 1     # months after the spike are not flagged because of it


def test_flag_series_per_line():
    frame = pd.DataFrame({"month": list(pd.date_range("2018-01-01", periods=24, freq="MS")) * 2,
                          "area": ["A"] * 24 + ["B"] * 24,
                          "value": np.r_[_noisy(24), _noisy(24, seed=2)]})
    frame.loc[23, "value"] = 1000
    got = outliers.flag_series(frame, series="area")
    assert got.tolist() == [False] * 23 + [True] + [False] * 24


def test_without_replaces_by_the_trailing_median_and_records_it():
    values = np.array([10.0] * 14 + [500.0])
    frame = pd.DataFrame({"month": pd.date_range("2019-01-01", periods=15, freq="MS"), "value": values})
    flags = outliers.flag_series(frame)
    out = outliers.without(frame, flags)
    assert out["value"].iloc[-1] == 10.0
    assert out["excluded"].iloc[-1] == 500.0 and out["excluded"].iloc[:-1].isna().all()
    assert frame["value"].iloc[-1] == 500.0           # input untouched
