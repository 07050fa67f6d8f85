"""The county-scale generator over ten years (``demo.kent.build(years=...)``): every month of the
span, each calendar month following the pattern's same month, and no date outside the span."""

from __future__ import annotations

import pandas as pd
import pytest

from smp_dash import demo
from smp_dash.demo import kent


@pytest.fixture(scope="module")
def pattern():
    return demo.build()


@pytest.mark.parametrize("dataset, date", [("crimes", "month"), ("asb_incidents", "month"),
                                           ("service_requests", "received")])
def test_ten_years_cover_every_month_and_repeat_whole_pattern_years(pattern, dataset, date):
    spread = kent._over_years(pattern, 2015, 2025)[dataset]
    months = spread[date].dt.to_period("M")
    assert months.min() == pd.Period("2015-01") and months.max() == pd.Period("2025-12")
    assert months.nunique() == 132
    source = pattern[dataset][date]
    # 2021 is the pattern's 2015 again (its whole years are 2015 to 2020; 2021 stops in March)
    assert (spread[date].dt.year == 2021).sum() == (source.dt.year == 2015).sum()
    assert (spread[date].dt.year == 2020).sum() == (source.dt.year == 2020).sum()


def test_the_pattern_s_own_years_map_onto_themselves(pattern):
    frames = kent._over_years(pattern, 2015, 2020)
    assert len(frames["crimes"]) == (pattern["crimes"]["month"].dt.year <= 2020).sum()
    assert frames["needle_finds"] is pattern["needle_finds"]   # only the resampled datasets move
