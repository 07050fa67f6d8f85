"""Is a change real or noise? Exact Poisson tests, confidence intervals and funnel limits.

Counts of crimes and incidents are treated as Poisson. Two periods are compared with the
exact conditional test: given the total ``n = current + previous``, the current count is
Binomial(n, r / (1 + r)) when the underlying rate has not changed (``r`` is the ratio of the
exposures, 1 for two periods of the same length and population). Changes on small numbers
(fewer than 5 in either period or 20 in both) are labelled as such and never coloured.
Funnel limits are exact Poisson limits around the borough rate (95% and 99.8%).

The distributions are computed here with numpy (log-factorials by cumulative sum) rather than
imported from scipy.stats, whose import alone took 0.6 s of the app's cold start; the tests
check every function against scipy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

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
    return Change(current, previous, binom_two_sided(k, n, p0), small)


#: Outcomes further than this many standard deviations from the mean are left out of the exact
#: binomial test: their probability is below 1e-300.
WINDOW_SD = 40


def binom_two_sided(k: int, n: int, p: float) -> float:
    """Two-sided exact binomial test p-value (as ``scipy.stats.binomtest(k, n, p).pvalue``):
    the probability of every outcome no more likely than ``k``."""
    if not 0 < p < 1:
        return 1.0 if (p == 0 and k == 0) or (p == 1 and k == n) else 0.0
    if k == p * n:
        return 1.0
    # Only the outcomes within WINDOW_SD standard deviations of the mean (and k) are summed: the
    # others have probability below 1e-300, so the sum is the same, and a year of the county's
    # crimes (n about 500,000) no longer builds five arrays of n per headline on every rerun
    # (30 sessions at once held 30 x 19 MB of them: BENCHMARKS.md).
    sd = math.sqrt(n * p * (1 - p))
    lo, hi = max(0, int(n * p - WINDOW_SD * sd)), min(n, int(math.ceil(n * p + WINDOW_SD * sd)))
    if not lo <= k <= hi:
        return 0.0          # k itself is further out than WINDOW_SD: the p-value is below 1e-300
    i = np.arange(lo, hi + 1)
    log_pmf = (math.lgamma(n + 1) - _log_factorials_from(lo, hi) - _log_factorials_from(n - hi, n - lo)[::-1]
               + i * math.log(p) + (n - i) * math.log1p(-p))
    pmf = np.exp(log_pmf)
    return float(min(1.0, pmf[pmf <= pmf[k - lo] * (1 + 1e-7)].sum()))


def count_ci(count: float, level: float = 0.95) -> tuple[float, float]:
    """Exact (Garwood) Poisson confidence interval for a count."""
    a = 1 - level
    k = int(round(count))
    # lower: the mean at which a count of k or more has probability a/2; upper: k or fewer, a/2
    low = 0.0 if k == 0 else _solve_mean(lambda mu: 1 - _poisson_cdf(k - 1, mu), a / 2, k)
    high = _solve_mean(lambda mu: _poisson_cdf(k, mu), a / 2, k)
    return float(low), float(high)


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
        low = np.where(expected > 0, poisson_ppf(a / 2, expected), 0)
        high = poisson_ppf(1 - a / 2, expected)
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


def poisson_ppf(q: float, means) -> np.ndarray:
    """The smallest count whose Poisson cumulative probability reaches ``q``, for each mean
    (as ``scipy.stats.poisson.ppf``); NaN for a NaN mean."""
    mu = np.asarray(means, dtype="float64")
    out = np.full(mu.shape, np.nan)
    ok = np.isfinite(mu) & (mu >= 0)
    if not ok.any():
        return out
    top = int(np.nanmax(mu[ok]) + 12 * math.sqrt(np.nanmax(mu[ok])) + 30)
    k = np.arange(top + 1)
    log_fact = _log_factorials(top)
    m = mu[ok][:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        log_pmf = np.where(m > 0, k * np.log(np.where(m > 0, m, 1)) - m - log_fact[k], np.where(k == 0, 0.0, -np.inf))
    cdf = np.cumsum(np.exp(log_pmf), axis=1)
    out[ok] = (cdf < q * (1 - 1e-12)).sum(axis=1)
    return out


def _log_factorials_from(a: int, b: int) -> np.ndarray:
    """log(i!) for i = a..b, without the factorials below a."""
    return math.lgamma(a + 1) + np.concatenate(([0.0], np.cumsum(np.log(np.arange(a + 1, b + 1, dtype="float64")))))


def _log_factorials(n: int) -> np.ndarray:
    """log(i!) for i = 0..n."""
    return np.concatenate(([0.0], np.cumsum(np.log(np.arange(1, n + 1, dtype="float64")))))


def _poisson_cdf(k: int, mu: float) -> float:
    if k < 0:
        return 0.0
    if mu == 0:
        return 1.0
    i = np.arange(k + 1)
    return float(np.exp(i * math.log(mu) - mu - _log_factorials(k)[i]).sum())


def _solve_mean(tail, target: float, k: int) -> float:
    """The mean at which ``tail(mean)`` (monotone in the mean) equals ``target``, by bisection."""
    lo, hi = 0.0, k + 15 * math.sqrt(k + 1) + 30
    rising = tail(hi) > tail(lo)
    for _ in range(80):
        mid = (lo + hi) / 2
        if (tail(mid) < target) == rising:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def _p(value: float) -> str:
    return "p < 0.001" if value < 0.001 else f"p = {value:.3f}" if value < 0.01 else f"p = {value:.2f}"
