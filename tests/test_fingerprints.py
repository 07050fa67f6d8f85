"""Work kept by the data it reads (``fingerprints.by_data``) and by view (``measures.per_view``):
the same answer for the same data, worked out again for other data, never for another view's."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from smp_dash import blocks, fingerprints, measures
from smp_dash.periods import period
from smp_dash.priorities import community_protection

TABLE = pd.DataFrame({"ward_code": ["A", "B"], "current": [3, 10]})


def test_work_is_kept_by_what_its_arguments_hold():
    calls = []

    def work(table, *, colour):
        calls.append(colour)
        return object()

    first = fingerprints.by_data(work, TABLE, colour="red")
    assert fingerprints.by_data(work, TABLE.copy(), colour="red") is first        # equal data, another object
    assert fingerprints.by_data(work, TABLE.assign(current=[3, 11]), colour="red") is not first
    assert fingerprints.by_data(work, TABLE, colour="blue") is not first
    with_year = TABLE.copy()
    with_year.attrs["population_year"] = 2019                                    # a caveat reads the attrs
    assert fingerprints.by_data(work, with_year, colour="red") is not first
    assert len(calls) == 4


def test_a_funnel_is_the_same_figure_for_every_ward_selection(demo):
    bundle, view = demo
    p = period("assessment", 2020)
    table = lambda: measures.ward_table(bundle, "asb", p)[0]                     # a frame of its own each time
    one, other = (blocks.funnel(table(), bundle.population, key="f", colour="#123456", period=p.label, title="ASB")
                  for _ in range(2))
    assert one.figure is not None and one.figure is other.figure
    hidden = blocks.funnel(table().assign(current=lambda t: t["current"] + 1), bundle.population, key="f",
                           colour="#123456", period=p.label, title="ASB")
    assert hidden.figure is not one.figure


def test_community_protection_works_its_figures_out_once_for_its_choices_and_its_model(demo, monkeypatch):
    bundle, view = demo
    names = tuple(bundle.ward_codes)[:2]
    view = replace(view, wards=tuple(bundle.ward_codes[n] for n in names), names=names)
    worked = []
    real = community_protection._figures
    monkeypatch.setattr(community_protection, "_figures", lambda *a: worked.append(a) or real(*a))
    others = community_protection.categories(bundle, view)
    community_protection.page(bundle, view, category=others[0] if others else None)
    assert len(worked) == 1
    community_protection.page(bundle, replace(view, suppress=True))               # another view: its own
    assert len(worked) == 2
