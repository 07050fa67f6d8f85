"""Deterministic integer allocation: the arithmetic that makes demonstration totals exact.

Totals are split with the largest-remainder method, so parts always add up to the whole and
a larger weight never gets fewer rows; labels are then spread over months by shuffling a
list of exact length and cutting it, so both the per-label and the per-month totals hold.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from smp_dash import periods

MONTHS = pd.date_range("2015-01-01", "2021-03-01", freq="MS")


def apportion(total: int, weights) -> np.ndarray:
    """Split ``total`` into integers proportional to ``weights`` (largest remainder)."""
    w = np.asarray(weights, dtype="float64")
    if total < 0 or (w < 0).any() or w.sum() <= 0:
        raise ValueError("apportion needs a non-negative total and positive weights")
    exact = w / w.sum() * total
    base = np.floor(exact).astype(int)
    short = int(total - base.sum())
    order = np.lexsort((np.arange(len(w)), -(exact - base)))
    base[order[:short]] += 1
    return base


def apportion_pinned(total: int, weights, pins: dict[int, int]) -> np.ndarray:
    """Like :func:`apportion`, but positions in ``pins`` get exactly their pinned count."""
    w = np.asarray(weights, dtype="float64").copy()
    pinned = sum(pins.values())
    if pinned > total:
        raise ValueError("pinned counts exceed the total")
    for i in pins:
        w[i] = 0.0
    out = apportion(total - pinned, w)
    for i, n in pins.items():
        out[i] = n
    return out


def monthly(annual: dict[int, int], profile, shock=None, pins: dict[str, int] | None = None) -> pd.Series:
    """Spread yearly totals over MONTHS.

    ``annual`` maps a year (2015-2020) or 2021 (January to March only) to its total;
    ``profile`` is 12 month-of-year weights; ``shock`` an optional function of the month's
    lockdown share returning a multiplier; ``pins`` fixes a month's count ("YYYY-MM").
    """
    profile = np.asarray(profile, dtype="float64")
    pins = {pd.Timestamp(k + "-01"): v for k, v in (pins or {}).items()}
    out = pd.Series(0, index=MONTHS, dtype="int64")
    for year, total in annual.items():
        months = MONTHS[MONTHS.year == year]
        weights = profile[months.month - 1].copy()
        if shock is not None:
            weights *= np.array([shock(periods.lockdown_share(m)) for m in months])
        fixed = {i: pins[m] for i, m in enumerate(months) if m in pins}
        out[months] = apportion_pinned(total, weights, fixed)
    return out


def split(total: int, parts: int, rng, low: int = 1) -> np.ndarray:
    """``parts`` random positive integers (each >= ``low``) adding to ``total``."""
    if parts * low > total:
        raise ValueError("cannot split that finely")
    extra = rng.multinomial(total - parts * low, np.full(parts, 1 / parts))
    return extra + low
