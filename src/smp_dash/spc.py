"""Statistical process control: whether a month is a signal or noise, as NHS England's "Making Data Count" draws it.

An XmR (individuals) chart: the mean of a **baseline** (by default the first :data:`BASELINE` months
shown, or all of them when fewer) and the process limits, mean ± 2.66 × the mean moving range of
the baseline (the mean of the absolute differences of consecutive months). The limits are where
common-cause variation, the month-to-month noise of a stable process, almost never reaches. An
analyst may **re-baseline** at a month (after a lockdown, a change in recording): from that month
on the mean and limits are worked out again, from that month's own baseline, and the rules look
only within each stretch of limits.

Four rules find **special cause** variation (:data:`RULES`):

1. a point beyond a limit;
2. a shift: :data:`RUN` or more points in a row on one side of the mean (a point on the mean ends it);
3. a trend: :data:`RUN` or more points in a row each higher (or each lower) than the one before;
4. two of three points in a row beyond two sigma on the same side, sigma being the mean moving
   range / 1.128 (a third of the way from the mean to a limit is one sigma).

Which way is better depends on the measure (fewer burglaries; more domestic abuse *reported* can
be better reporting), so a measure states its direction of improvement, or none. The latest
month's variation is the chart's **icon**: common cause, special cause improving, special cause
concerning, or special cause where no direction is set ("neither").

Pure functions on numbers and months: no frames are changed, nothing is read.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

#: Months in the default baseline.
BASELINE = 24
#: Fewer months than this in a baseline: limits are a rough guide, and said to be.
FEW = 12
#: Fewer months than this: no limits at all (a moving range needs two months, a mean of it more).
LEAST = 3
#: Points in a row that make a shift or a trend.
RUN = 7
#: Signals said in words, the most recent; earlier ones are counted (the chart marks them all).
SAID = 4
#: Months beyond a limit named one by one up to this many; more are given as a count and a span.
NAMED = 4
#: 2.66 = 3 / 1.128: three sigma from the mean moving range (d2 = 1.128 for ranges of two points).
E2, D2 = 2.66, 1.128

BEYOND, SHIFT, TREND, TWO_OF_THREE = "beyond", "shift", "trend", "two of three"
RULES = {
    BEYOND: "a point beyond a process limit",
    SHIFT: f"a shift of {RUN} or more points in a row on one side of the mean",
    TREND: f"a trend of {RUN} or more points in a row all rising or all falling",
    TWO_OF_THREE: "two of three points in a row beyond two sigma (the mean moving range / 1.128) on the same side",
}
UP, DOWN, NEITHER = "up", "down", "neither"
#: Which way is improvement, as the controls offer it.
DIRECTIONS = {UP: "A rise", DOWN: "A fall", NEITHER: "Neither (not set)"}
#: The method in a few words, for the method notes.
METHOD = (f"every monthly chart shows its mean and process limits (mean ± {E2} × the mean moving range of the "
          f"baseline: by default the first {BASELINE} months shown) as NHS England's Making Data Count draws them. A "
          f"month is a signal (special cause) beyond a limit, in a shift of {RUN} or more months on one side of the "
          f"mean, in a trend of {RUN} or more months all rising or all falling, or as two of three months beyond two "
          "sigma on the same side; otherwise it is the usual variation (common cause). Where a measure says which "
          "way is better, a signal is improving or concerning.")
COMMON, IMPROVING, CONCERNING, SPECIAL = ("common cause", "special cause improving", "special cause concerning",
                                         "special cause, neither improving nor concerning")


@dataclass(frozen=True)
class Settings:
    """The analyst's choices: months in a baseline, the month to re-baseline from (None: none),
    and which way is improvement for a chart (its key: ``UP``, ``DOWN`` or ``NEITHER``) where the
    analyst overrides the measure's own."""

    baseline: int = BASELINE
    rebase: pd.Timestamp | None = None
    improve: tuple[tuple[str, str], ...] = ()

    def direction(self, key: str, default: str) -> str:
        return dict(self.improve).get(key, default)


@dataclass(frozen=True)
class Signal:
    """A rule met: ``side`` "high" or "low"; ``first`` and ``last`` the positions (from 0) it spans;
    ``points`` the positions it marks (a trend's and a shift's every point, the points beyond)."""

    rule: str
    side: str
    first: int
    last: int
    points: tuple[int, ...]


@dataclass(frozen=True)
class Control:
    """An XmR chart of a series: per point its mean, limits and sigma (stepped at a re-baseline),
    the baseline of each stretch (first and last positions), and the signals found."""

    values: np.ndarray
    mean: np.ndarray
    upper: np.ndarray
    lower: np.ndarray
    sigma: np.ndarray
    baselines: tuple[tuple[int, int], ...]
    signals: tuple[Signal, ...] = field(default=())

    @property
    def moving_range(self) -> np.ndarray:
        """The mean moving range each point's limits come from."""
        return self.sigma * D2

    def marked(self) -> np.ndarray:
        """Per point: the side of the signal it is part of ("high", "low") or ""."""
        out = np.full(len(self.values), "", dtype=object)
        for s in sorted(self.signals, key=lambda s: s.first):
            out[list(s.points)] = s.side
        return out

    def latest(self) -> str:
        """The side of the special cause the last point is part of ("high", "low"), or "" (common cause)."""
        return self.marked()[-1] if len(self.values) else ""


def xmr(values, *, baseline: int = BASELINE, rebase: int | None = None) -> Control:
    """The XmR chart of ``values`` (in time order, no gaps), its baseline the first ``baseline``
    points (all when fewer), and again from position ``rebase`` when given.

    Raises ValueError when a stretch has fewer than :data:`LEAST` points.
    """
    x = np.asarray(values, dtype="float64")
    starts = [0] + ([rebase] if rebase is not None and 0 < rebase < len(x) else [])
    ends = starts[1:] + [len(x)]
    mean, upper, lower, sigma = (np.full(len(x), np.nan) for _ in range(4))
    bases, signals = [], []
    for start, end in zip(starts, ends):
        if end - start < LEAST:
            raise ValueError(f"{end - start} months from position {start}: process limits need at least {LEAST}")
        base = x[start:min(end, start + max(baseline, LEAST))]
        centre, mr = float(base.mean()), float(np.abs(np.diff(base)).mean())
        mean[start:end], sigma[start:end] = centre, mr / D2
        upper[start:end], lower[start:end] = centre + E2 * mr, centre - E2 * mr
        bases.append((start, start + len(base) - 1))
        signals += _rules(x[start:end], centre, mr / D2, centre + E2 * mr, centre - E2 * mr, start)
    return Control(x, mean, upper, lower, sigma, tuple(bases), tuple(signals))


def _rules(x: np.ndarray, mean: float, sigma: float, upper: float, lower: float, offset: int) -> list[Signal]:
    """The four rules within one stretch of limits; positions counted from ``offset``."""
    found = [Signal(BEYOND, "high" if v > upper else "low", i + offset, i + offset, (i + offset,))
             for i, v in enumerate(x) if v > upper or v < lower]
    side = np.sign(x - mean)
    for first, last, sign in _runs(side):
        if sign and last - first + 1 >= RUN:
            found.append(Signal(SHIFT, "high" if sign > 0 else "low", first + offset, last + offset,
                                tuple(range(first + offset, last + offset + 1))))
    for first, last, sign in _runs(np.sign(np.diff(x))):     # step i joins points i and i + 1
        if sign and last - first + 2 >= RUN:
            found.append(Signal(TREND, "high" if sign > 0 else "low", first + offset, last + 1 + offset,
                                tuple(range(first + offset, last + 2 + offset))))
    for name, beyond in (("high", x > mean + 2 * sigma), ("low", x < mean - 2 * sigma)):
        for end in range(2, len(x)):
            if beyond[end - 2:end + 1].sum() >= 2:
                found.append(Signal(TWO_OF_THREE, name, end - 2 + offset, end + offset,
                                    tuple(i + offset for i in range(end - 2, end + 1) if beyond[i])))
    return found


def _runs(signs: np.ndarray) -> list[tuple[int, int, float]]:
    """Runs of equal values: (first, last, value)."""
    runs, first = [], 0
    for i in range(1, len(signs) + 1):
        if i == len(signs) or signs[i] != signs[first]:
            runs.append((first, i - 1, float(signs[first])))
            first = i
    return runs


def category(side: str, improve: str) -> str:
    """The variation icon of a point on ``side`` ("high", "low", "": common cause) of a measure
    whose improvement is ``improve``."""
    if not side:
        return COMMON
    if improve not in (UP, DOWN):
        return SPECIAL
    return IMPROVING if (side == "high") == (improve == UP) else CONCERNING


def sentences(control: Control, months, *, improve: str = NEITHER) -> list[str]:
    """What the chart says, in sentences: the variation of the latest month, the mean and limits and
    the baseline they come from, and the :data:`SAID` most recent special causes with their months
    ("Special cause concerning: 9 months above the mean since Dec 2020"), earlier ones counted."""
    labels = [f"{m:%b %Y}" for m in pd.to_datetime(pd.Series(list(months)))]
    out = [f"Latest month ({labels[-1]}): {category(control.latest(), improve)}."]
    for n, (first, end) in enumerate(control.baselines):
        few = f", fewer than {FEW}: a rough guide" if end - first + 1 < FEW else ""
        out.append(f"{'Re-baselined from ' + labels[first] + ': m' if n else 'M'}ean {_n(control.mean[first])}, "
                   f"process limits {_n(control.lower[first])} to {_n(control.upper[first])}, from the baseline "
                   f"{labels[first]} to {labels[end]} ({end - first + 1} months{few}).")
    groups = _grouped(control.signals)
    recent = sorted(sorted(groups, key=lambda g: g[2][-1].last)[-SAID:], key=lambda g: g[2][0].first)
    said = [_said(rule, side, group, labels, improve) for rule, side, group in recent]
    if len(groups) > len(recent):
        earlier = len(groups) - len(recent)
        said.append(f"{earlier} earlier signal{'s' * (earlier != 1)} {'are' if earlier != 1 else 'is'} marked on "
                    "the chart.")
    return out + (said or ["No special cause: every month lies within its limits and no run, trend or pair "
                           "beyond two sigma is found."])


def _grouped(signals) -> list[tuple[str, str, list[Signal]]]:
    """The signals to say: a side's points beyond a limit together, overlapping "two of three"
    windows as one stretch, each shift and trend alone; in the order they start."""
    out = []
    for rule in RULES:
        for side in ("high", "low"):
            mine = sorted((s for s in signals if s.rule == rule and s.side == side), key=lambda s: s.first)
            if rule == BEYOND:
                out += [(rule, side, mine)] if mine else []
            elif rule == TWO_OF_THREE:
                for s in mine:
                    if out and out[-1][:2] == (rule, side) and s.first <= out[-1][2][-1].last:
                        out[-1][2].append(s)
                    else:
                        out.append((rule, side, [s]))
            else:
                out += [(rule, side, [s]) for s in mine]
    return sorted(out, key=lambda g: g[2][0].first)


def _said(rule: str, side: str, group: list[Signal], labels: list[str], improve: str) -> str:
    last = len(labels) - 1
    kind = category(side, improve).replace("special cause, neither improving nor concerning", "special cause")
    first, end = group[0].first, group[-1].last
    when = f"since {labels[first]}" if end == last else f"from {labels[first]} to {labels[end]}"
    above = "above" if side == "high" else "below"
    if rule == BEYOND:
        months = [labels[s.first] for s in group]
        span = _listed(months) if len(months) <= NAMED else f"between {months[0]} and {months[-1]}"
        what = (f"{len(months)} month{'s' * (len(months) != 1)} {above} the "
                f"{'upper' if side == 'high' else 'lower'} process limit ({span})")
        return f"{kind[0].upper()}{kind[1:]}: {what}."
    if rule == SHIFT:
        what = f"{end - first + 1} months {above} the mean {when}"
    elif rule == TREND:
        what = f"{end - first + 1} months {'rising' if side == 'high' else 'falling'} {when}"
    else:
        what = f"two of three months beyond two sigma {above} the mean {when}"
    return f"{kind[0].upper()}{kind[1:]}: {what}."


def _listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _n(value: float) -> str:
    return f"{value:,.1f}"
