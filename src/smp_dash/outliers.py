"""Months far outside their usual range, flagged by a documented robust rule.

A month is an outlier when it lies more than ``THRESHOLD`` robust standard deviations from
the median of the ``WINDOW`` months before it, where the robust standard deviation is
1.4826 x the median absolute deviation (MAD) of that window (the factor makes MAD estimate
the standard deviation of normal data). Trailing windows use only the past, so a month is
judged against what partners knew at the time; the first ``MIN_HISTORY`` months are never
flagged. Counts are never judged against less spread than chance alone gives them: the
spread is at least the Poisson standard deviation sqrt(median) (and at least 1).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

WINDOW = 24
MIN_HISTORY = 12
THRESHOLD = 3.5
MAD_TO_SD = 1.4826

RULE = (f"a month more than {THRESHOLD:g} robust standard deviations (1.4826 x MAD) from the median of the "
        f"{WINDOW} months before it")


def flag(values, window: int = WINDOW, threshold: float = THRESHOLD, min_history: int = MIN_HISTORY) -> np.ndarray:
    """Boolean flags, one per value in time order, marking outliers by the trailing median/MAD rule."""
    x = np.asarray(values, dtype="float64")
    flags = np.zeros(len(x), dtype=bool)
    for i in range(min_history, len(x)):
        past = x[max(0, i - window):i]
        past = past[np.isfinite(past)]
        if len(past) < min_history or not np.isfinite(x[i]):
            continue
        median = np.median(past)
        spread = max(MAD_TO_SD * np.median(np.abs(past - median)), np.sqrt(max(median, 0.0)), 1.0)
        flags[i] = abs(x[i] - median) / spread > threshold
    return flags


def flag_series(frame: pd.DataFrame, y: str = "value", series: str | None = None) -> pd.Series:
    """Flags for a monthly frame (ordered by month), per ``series`` when given."""
    if series is None:
        return pd.Series(flag(frame[y].to_numpy()), index=frame.index, name="outlier")
    out = pd.Series(False, index=frame.index, name="outlier")
    for _, group in frame.groupby(series, observed=True, sort=False):
        out[group.index] = flag(group[y].to_numpy())
    return out


def without(frame: pd.DataFrame, flags: pd.Series, y: str = "value", window: int = WINDOW) -> pd.DataFrame:
    """``frame`` with flagged values replaced by the median of the months before them.

    Adds ``excluded`` (the original value where replaced) so downloads record what changed.
    """
    values = frame[y].to_numpy(dtype="float64")
    replaced = values.copy()
    for i in np.flatnonzero(flags.to_numpy()):
        replaced[i] = float(np.nanmedian(values[max(0, i - window):i]))   # a month the data lacks is no evidence
    return frame.assign(**{y: replaced, "excluded": np.where(flags.to_numpy(), values, np.nan)})
