"""A viewer who subtracts one view from another learns no sensitive count of 1 to 4 (issue 19, section 4).

The attack, as a viewer would make it with disclosure control on: open many views of a thinned
store (the demonstration data with rural wards left with 0 to 4 domestic abuse and hate crimes in
some years and their many in others, and a needle find or two): the whole borough, each thin ward,
every ward but a thin one, a thin ward with a neighbour, the presets; every kind of period. Write
down every number each view shows (headlines and the period before, every month or quarter of
every chart, every ward of a map or table, every category of a breakdown, the task force's focus
area and the rest of the borough) as a cell: what it counts, which wards, which months. Then
subtract: two cells of the same months whose wards nest give the wards between; two cells of the
same wards whose months nest give the months between; twice over. No cell, shown or worked out, may
hold a count from 1 to 4.

The cells are read from the page models (``smp_dash.priorities``), which the pages, the pack, the
draft and the workbook draw; every shown cell is first checked against the true count of its wards
and months, so the test cannot pass by writing a cell down wrong.
"""

from __future__ import annotations

import itertools
import math
import random
from collections import defaultdict

import pandas as pd
import pytest

from conftest import thin_sensitive
from smp_dash import bundle as bundles, config, measures, periods
from smp_dash.priorities import domestic_abuse, overview, police_data, substance_misuse, task_force
from smp_dash.selection import LATEST, PUBLISHED, Filter

SMALL = {1.0, 2.0, 3.0, 4.0}
#: The rural wards thinned, and the years each is thinned in (None: every year).
THIN = {"Detling and Thurnham": None, "Leeds": (2019, 2020), "Headcorn": (2020,)}


@pytest.fixture(scope="module")
def thinned(demo_frames_and_wards):
    frames, wards = demo_frames_and_wards
    codes = dict(zip(wards["ward_name"], wards["ward_code"]))
    rng = random.Random(19)
    for name, years in THIN.items():
        frames = thin_sensitive(frames, [codes[name]], rng, years=years)
    return bundles.build(frames, wards), frames, codes


def _views(data, codes, rng: random.Random) -> list[Filter]:
    thin = [codes[n] for n in THIN]
    every = sorted(codes.values())
    selections = {(), *((w,) for w in thin), *(tuple(c for c in every if c != w) for w in thin),
                  tuple(sorted((thin[0], rng.choice([c for c in every if c not in thin])))),
                  tuple(sorted(thin[:2])), tuple(codes[n] for n in config.TASK_FORCE_WARDS),
                  tuple(codes[n] for n in config.TOWN_CENTRE_WARDS)}
    first, last = data.first_month, data.last_month
    choices = [(LATEST, None), (PUBLISHED, None)]
    for kind, newest in (("calendar", 2), ("financial", 1), ("assessment", 2)):
        choices += [(kind, p) for p in periods.available(kind, first, last, comparable=True)[:newest]]
    choices.append(("rolling", rng.choice(periods.available("rolling", first, last, comparable=True))))
    names = {c: n for n, c in codes.items()}
    return [Filter(s, tuple(names[c] for c in s), kind, p, suppress=True, spans=data.spans)
            for s in sorted(selections) for kind, p in choices]


def _seen(data, view: Filter, borough_wide: bool = True) -> dict:
    """Every sensitive number ``view`` shows, as {(what, wards, months): value}; ``borough_wide``:
    with the figures the ward filter does not change (the wards with most, the task force)."""
    everything = frozenset(data.wards["ward_code"]) | {""}
    area = frozenset(view.wards) or everything
    cells = {}

    def put(what, wards, months, value):
        if value is not None and not (isinstance(value, float) and math.isnan(value)) and not isinstance(value, str):
            cells[(what, frozenset(wards), frozenset(months))] = float(value)

    def headline(what, v):
        if not v.available:
            return
        g = v.guarded
        if g is None or g.current_hidden is None:
            put(what, area, v.period.months(), v.current)
        if v.previous is not None and (g is None or g.previous_hidden is None):
            put(what, area, v.period.previous().months(), v.previous)

    def series(what, frame, why, wards=area, where=None):
        if frame is None:
            return
        yearly = "calendar year" in why
        rows = frame if where is None else frame[frame["area"] == where]
        for month, value in zip(rows["month"], rows["value"]):
            span = pd.date_range(month, periods=12, freq="MS") if yearly else [month]
            put(what, wards, [m for m in span if data.first_month <= m <= data.last_month], value)

    def ward_cells(what, table, p):
        if table is None:
            return
        for code, now, before in zip(table["ward_code"], pd.to_numeric(table["current"], errors="coerce"),
                                     pd.to_numeric(table["previous"], errors="coerce")):
            put(what, {code}, p.months(), now)
            put(what, {code}, p.previous().months(), before)

    da = domestic_abuse.figures(data, view)
    headline("da", da.headline)
    series("da", da.trend, da.trend_why)
    ward_cells("da", da.wards, da.ward_period)
    if da.types is not None:
        p = da.headline.period
        for kind, now, before in zip(da.types["da_class"], da.types["current"], da.types["previous"]):
            put(f"da:{kind}", area, p.months(), now)
            put(f"da:{kind}", area, p.previous().months(), before)
    for include_bulk, what in ((True, "needles"), (False, "needles without bulk")):
        n = substance_misuse.needle_figures(data, view, include_bulk)
        headline(what, n.needles)
        series(what, n.monthly, n.monthly_why)
        ward_cells(what, n.wards, n.period)
    police = police_data.figures(data, view)
    headline("hate", police.hate)
    if police.strands is not None:
        for strand, value in zip(police.strands["hate_strand"], police.strands["value"]):
            put(f"hate:{strand}", area, police.hate.period.months(), value)
    if not borough_wide:
        return cells
    ov = overview.top_wards(data, view)
    codes = data.ward_codes
    for label, what in (("Domestic abuse", "da"), ("Needles found", "needles")):
        label_period, table, _ = ov[label]
        if table is not None:
            native = dict((lbl, nat) for lbl, _, nat in overview.TOP_WARDS)[label]
            p = view.pick(native, measures.get(dict((lbl, m) for lbl, m, _ in overview.TOP_WARDS)[label]).dataset)
            for ward, value in zip(table["ward"], pd.to_numeric(table[label_period].astype(str).str.replace(",", ""),
                                                                  errors="coerce")):
                put(what, {codes[ward]}, p.months(), value)
    tf = task_force.figures(data, view)
    focus = frozenset(tf.area)
    if tf.table is not None:
        for name, what in (("Domestic abuse", "da"), ("Needles found", "needles")):
            rows = tf.table[tf.table["measure"] == name]
            for where, now, before in zip(rows["area"], rows["current"], rows["previous"]):
                wards = focus if where == "Focus area" else everything - focus
                put(what, wards, tf.period.months(), now)
                put(what, wards, tf.period.previous().months(), before)
        frame, why = task_force.trend(data, tf, "Domestic abuse", view)
        series("da", frame, why, focus, "Focus area")
        series("da", frame, why, everything - focus, "Rest of borough")
    return cells


def _truth(frames, data):
    """The true count of a cell, from the rows themselves."""
    crimes, needles = frames["crimes"], frames["needle_finds"]
    da = crimes[crimes["domestic_abuse"].eq(True).fillna(False).astype(bool)]
    hate = crimes[crimes["hate_strand"].notna()]
    month = needles["found"].dt.to_period("M").dt.to_timestamp()
    finds = {"needles": needles.assign(month=month, n=needles["needles"]),
             "needles without bulk": needles[~needles["bulk_incident"].astype(bool)].assign(
                 month=month, n=needles["needles"])}
    named = set(data.wards["ward_code"])

    def count(what, wards, months):
        rows = {"da": da.assign(n=1), "hate": hate.assign(n=1)}.get(what)
        if rows is None:
            rows = finds[what]
        ward = rows["ward_code"].where(rows["ward_code"].isin(named), "").fillna("")
        return float(rows.loc[ward.isin(wards) & rows["month"].isin(months), "n"].sum())

    return count


def _derive(cells: dict, rounds: int = 2) -> dict:
    """What subtraction gives: nested wards over the same months, nested months over the same wards."""
    known = dict(cells)
    fresh = dict(cells)
    for _ in range(rounds):
        found = {}
        by_months, by_wards = defaultdict(list), defaultdict(list)
        for (what, wards, months), value in known.items():
            by_months[(what, months)].append((wards, value, (what, wards, months) in fresh))
            by_wards[(what, wards)].append((months, value, (what, wards, months) in fresh))
        for (what, months), group in by_months.items():
            for (a, va, na), (b, vb, nb) in itertools.permutations(group, 2):
                if (na or nb) and b < a:
                    found.setdefault((what, a - b, months), va - vb)
        for (what, wards), group in by_wards.items():
            for (a, va, na), (b, vb, nb) in itertools.permutations(group, 2):
                if (na or nb) and b < a:
                    found.setdefault((what, wards, a - b), va - vb)
        fresh = {k: v for k, v in found.items() if k not in known}
        known.update(fresh)
    return known


def test_no_difference_of_two_views_gives_a_small_count(thinned):
    data, frames, codes = thinned
    views = _views(data, codes, random.Random(23))
    shown = {}
    for view in views:
        shown.update(_seen(data, view, borough_wide=not view.wards))
    truth = _truth(frames, data)
    wrong = [(k, v, truth(*k)) for k, v in shown.items() if ":" not in k[0] and truth(*k) != v]
    assert not wrong, f"cells written down wrong (the test's own check): {wrong[:5]}"
    assert len(shown) > 500, "the views should show many sensitive numbers"
    small_shown = [k for k, v in shown.items() if v in SMALL]
    assert not small_shown, f"shown small counts: {small_shown[:5]}"
    derived = _derive(shown)
    leaks = [(what, sorted(wards)[:3], len(wards), sorted(m.strftime("%Y-%m") for m in months)[:3], v)
             for (what, wards, months), v in derived.items() if v in SMALL and months and wards]
    assert not leaks, f"{len(leaks)} small counts worked out by subtraction, e.g. {leaks[:5]}"


def test_the_attack_finds_the_leak_without_protection(thinned, monkeypatch):
    """The same attack on the old rule (a selection checked only for the period chosen, its months
    shown whenever none of its own is small) recovers a thin ward's counts: the test can fail."""
    data, frames, codes = thinned
    from smp_dash import protection

    monkeypatch.setattr(protection.Protection, "grain", lambda self, area: protection.MONTH)
    monkeypatch.setattr(protection.Protection, "_derivable_pass", lambda self, area: True)
    data = bundles.build(frames, data.wards)       # no protection remembered from the test before
    views = [v for v in _views(data, codes, random.Random(23)) if v.kind in (LATEST, "calendar")]
    shown = {}
    for view in views:
        shown.update(_seen(data, view, borough_wide=not view.wards))
    derived = _derive(shown, rounds=1)
    leaks = [k for k, v in derived.items() if v in SMALL and k[1] and k[2]]
    assert leaks, "without the time rule, borough minus every ward but a thin one should give its months"


def test_a_control_chart_says_nothing_its_shown_months_do_not(thinned):
    # Issue 23: a selection's control chart comes from its protected series. Where disclosure control
    # shows the months, the mean and limits are those of the months shown (a viewer could work them
    # out anyway, so they give nothing away); where it shows years, there is no control chart, as a
    # mean of hidden months times their number would be their count.
    from smp_dash import blocks, spc

    data, frames, codes = thinned
    thin, every = codes["Detling and Thurnham"], sorted(codes.values())
    charts = {}
    for wards in ((), (thin,), tuple(c for c in every if c != thin)):
        view = Filter(wards, tuple(n for n, c in codes.items() if c in wards), LATEST, None, suppress=True,
                      spans=data.spans)
        charts[wards] = next(c for c in domestic_abuse.page(data, view).of(blocks.Chart) if c.key == "da_trend")
    hidden = charts[(thin,)]      # by calendar year, or not at all: no control chart either way
    assert hidden.figure is None or (hidden.control == blocks.NO_CONTROL_BY_YEAR and "mean" not in hidden.data
                                     and not any(t.meta == "spc" for t in hidden.figure.data))
    monthly = [c for c in charts.values() if c.figure is not None and c.control != blocks.NO_CONTROL_BY_YEAR]
    assert monthly, "the whole borough shows its months"
    for chart in monthly:
        again = spc.xmr(chart.data["value"].to_numpy(dtype="float64"))
        assert list(chart.data["mean"]) == list(again.mean) and list(chart.data["upper"]) == list(again.upper)
