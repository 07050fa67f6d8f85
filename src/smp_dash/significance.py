"""Is a change real or noise? Exact Poisson tests, confidence intervals and funnel limits.

Counts of crimes and incidents are treated as Poisson. Two periods are compared with the
exact conditional test: given the total ``n = current + previous``, the current count is
Binomial(n, r / (1 + r)) when the underlying rate has not changed (``r`` is the ratio of the
exposures, 1 for two periods of the same length and population). Changes on small numbers
(fewer than 5 in either period or 20 in both) are labelled as such and never coloured.
Funnel limits are exact Poisson limits around the borough rate (95% and 99.8%).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

SMALL_EACH = 5
SMALL_TOTAL = 20
ALPHA = 0.05


@dataclass(frozen=True)
class Change:
    """A period-on-period change and what chance could explain."""

    current: float
    previous: float
    p_value: float
    small_numbers: bool

    @property
    def significant(self) -> bool:
        return not self.small_numbers and self.p_value < ALPHA

    @property
    def verdict(self) -> str:
        if self.small_numbers:
            return "small numbers: too few to judge"
        if self.significant:
            return f"beyond chance ({_p(self.p_value)})"
        return f"within chance ({_p(self.p_value)})"


def poisson_change(current: float, previous: float, exposure_ratio: float = 1.0) -> Change:
    """Exact test of whether ``current`` differs from ``previous`` by more than chance.

    Parameters
    ----------
    current, previous : counts (non-negative; NaN gives p = NaN).
    exposure_ratio : current exposure / previous exposure (days, population), default 1.
    """
    if any(v is None or not np.isfinite(v) for v in (current, previous)):
        return Change(current, previous, math.nan, True)
    k, n = int(round(current)), int(round(current + previous))
    small = min(current, previous) < SMALL_EACH or n < SMALL_TOTAL
    if n == 0:
        return Change(current, previous, 1.0, True)
    p0 = exposure_ratio / (1 + exposure_ratio)
    return Change(current, previous, float(stats.binomtest(k, n, p0).pvalue), small)


def count_ci(count: float, level: float = 0.95) -> tuple[float, float]:
    """Exact (Garwood) Poisson confidence interval for a count."""
    a = 1 - level
    low = 0.0 if count == 0 else stats.chi2.ppf(a / 2, 2 * count) / 2
    high = stats.chi2.ppf(1 - a / 2, 2 * count + 2) / 2
    return float(low), float(high)


def rate_ci(count: float, denominator: float, per: float = 1000, level: float = 0.95) -> tuple[float, float]:
    """Exact confidence interval for a rate per ``per`` (e.g. crimes per 1,000 residents)."""
    low, high = count_ci(count, level)
    return low / denominator * per, high / denominator * per


def funnel_limits(denominators, rate: float, per: float = 1000, levels=(0.95, 0.998)) -> pd.DataFrame:
    """Control limits of a rate funnel plot around ``rate`` (per ``per``) for each denominator.

    Returns denominator plus lower_<level>/upper_<level> columns (e.g. lower_95, upper_99.8),
    the exact Poisson limits of the count expected at the borough rate, as rates.
    """
    den = np.asarray(denominators, dtype="float64")
    expected = rate / per * den
    out = pd.DataFrame({"denominator": den})
    for level in levels:
        name = f"{level * 100:g}"
        a = 1 - level
        low = np.where(expected > 0, stats.poisson.ppf(a / 2, expected), 0)
        high = stats.poisson.ppf(1 - a / 2, expected)
        out[f"lower_{name}"] = low / den * per
        out[f"upper_{name}"] = high / den * per
    return out


def ward_funnel(table: pd.DataFrame, per: float = 1000) -> tuple[pd.DataFrame, float]:
    """Each ward's rate against the borough rate, flagged outside the 95% and 99.8% limits.

    ``table`` needs ward_name, current (count) and population (from ``metrics.ward_table``).
    Returns (wards with rate, lower/upper limits and ``position``, borough rate).
    """
    rows = table[table["population"].fillna(0) > 0].copy()
    rate = rows["current"].sum() / rows["population"].sum() * per if len(rows) else math.nan
    limits = funnel_limits(rows["population"], rate, per)
    rows = rows.reset_index(drop=True).join(limits.drop(columns="denominator"))
    rows["rate"] = rows["current"] / rows["population"] * per
    rows["position"] = np.select(
        [rows["rate"] > rows["upper_99.8"], rows["rate"] > rows["upper_95"],
         rows["rate"] < rows["lower_99.8"], rows["rate"] < rows["lower_95"]],
        ["above 99.8% limit", "above 95% limit", "below 99.8% limit", "below 95% limit"], "within limits")
    return rows, rate


def _p(value: float) -> str:
    return "p < 0.001" if value < 0.001 else f"p = {value:.3f}" if value < 0.01 else f"p = {value:.2f}"
