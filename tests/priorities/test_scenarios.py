"""The Scenarios page model (``priorities.scenarios.page``): its blocks in order, its totals on the
demonstration data against a series counted here with pandas, what it offers on police.uk's crimes
alone and on an empty store, that a viewer of a single thinned ward sees no recorded month of 1 to 4,
that a scenario's name stays text, and what a document chapter would make of it."""

from __future__ import annotations

import random
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from conftest import block_keys, thin_sensitive
from smp_dash import assessment, blocks, bundle, scenarios as sc
from smp_dash.priorities import scenarios
from smp_dash.selection import PUBLISHED, Filter

APP = Path(__file__).parents[2] / "app.py"
NOT_LOADED = "not in the data loaded"
#: Every lever pulled: +20% over the Euro summer, 40 cases in September, +5% recorded from October.
EURO = sc.Levers(uplift_pct=20, uplift_months=("2021-06", "2021-07"), event_month="2021-09", event_cases=40,
                 recording_pct=5, recording_from="2021-10")
SMALL = {1, 2, 3, 4}


def _da_series(crimes: pd.DataFrame) -> pd.DataFrame:
    """Recorded domestic abuse per month in the whole borough (month, value), counted with pandas."""
    months = pd.date_range(crimes["month"].min(), crimes["month"].max(), freq="MS")
    counts = crimes.loc[crimes["domestic_abuse"].fillna(False).astype(bool), "month"].value_counts()
    return pd.DataFrame({"month": months, "value": counts.reindex(months, fill_value=0).to_numpy()})


def _recorded(page: blocks.Page) -> list[float]:
    """The recorded months the projection chart draws."""
    figure = page.of(blocks.Chart)[0].figure
    return [y for trace in figure.data if trace.name == "Recorded" for y in trace.y]


def test_blocks_in_page_order(demo):
    page = scenarios.page(*demo, levers=EURO, name="Euro 2020 summer")
    assert block_keys(page) == ["Heading", "Said", "Caption", "Headlines", "scenario", "Heading",
                                "scenario_workload", "Caption", "Expander", "Caption"]
    assert [b.title for b in page.of(blocks.Heading)] == [
        "Euro 2020 summer: domestic abuse, Whole borough, Apr 2021 to Mar 2022", "Partner workload at current ratios"]
    assert page.of(blocks.Said)[0].sentences == (
        "Scenario: +20% in Jun 2021 and Jul 2021; a one-off event of +40 cases in Sep 2021; recording practice +5% "
        "from Oct 2021 onward.",)
    scope, basis, share = page.of(blocks.Caption)
    assert scope.text.startswith("The projection uses the whole borough") and not scope.document
    assert basis.text.startswith("Per domestic abuse crime recorded in the borough: MARAC cases over Dec 2019 to Nov 2020")
    assert share.text == scenarios.SHARE and not share.document
    chart = page.of(blocks.Chart)[0]
    assert chart.title == "Domestic abuse by month, Whole borough: recorded, and projected with a 95% band"
    assert (chart.source, chart.period) == ("Kent Police recorded crime, domestic-abuse flag",
                                            "Apr 2018 to Mar 2021 recorded; Apr 2021 to Mar 2022 projected")
    assert chart.caveat == f"Scenario: {sc.describe(EURO)}"
    assert [t.name for t in chart.figure.data] == ["Recorded", "95% band", "95% band", "Scenario", "Baseline"]
    assert chart.data["scenario_name"].eq("Euro 2020 summer").all() and len(chart.data) == 12
    method = page.of(blocks.Expander)[0]
    assert method.title == "Method" and method.blocks[0].sentences == (sc.METHOD,)
    assert method.blocks[1].text.startswith("Seasonal: ")


def test_the_figures_are_the_totals_of_the_projection(demo, frames):
    page = scenarios.page(*demo, levers=EURO)
    expected = sc.totals(sc.apply(sc.project(_da_series(frames["crimes"])), EURO))
    tiles = {h.label: h for h in page.of(blocks.Headline)}
    assert {label: (h.value, h.current) for label, h in tiles.items()} == {
        "Baseline, next 12 months": (f"{expected['baseline']:,.0f}", pytest.approx(expected["baseline"])),
        "Scenario, next 12 months": (f"{expected['scenario']:,.0f}", pytest.approx(expected["scenario"])),
        "Extra cases": (f"{expected['extra']:+,.0f}", pytest.approx(expected["extra"]))}
    assert tiles["Baseline, next 12 months"].help == f"95% band {expected['lower']:,.0f} to {expected['upper']:,.0f}"
    assert {h.period for h in tiles.values()} == {"Apr 2021 to Mar 2022"}
    # the extra cases as partner work, at the ratios in the data
    work = page.of(blocks.Table)[0].frame
    ratios = sc.current_ratios(demo[0], "Domestic abuse")
    assert work["Partner work"].tolist() == list(ratios) == ["MARAC cases", "Sanctuary referrals"]
    assert work["Extra in the next 12 months"].tolist() == [round(expected["extra"] * r, 1) for r in ratios.values()]
    assert work["Per case"].tolist() == [round(r, 3) for r in ratios.values()]


def test_no_lever_means_no_extra_case(demo):
    tiles = {h.label: h.value for h in scenarios.page(*demo).of(blocks.Headline)}
    assert tiles["Extra cases"] == "+0" and tiles["Scenario, next 12 months"] == tiles["Baseline, next 12 months"]
    assert scenarios.page(*demo).of(blocks.Said)[0].sentences == ("Scenario: Baseline only: no change assumed.",)


@pytest.mark.parametrize("measure, source, ratio", [
    ("ASB incidents", "police.uk anti-social behaviour incidents", True),
    ("Drug offences", "Kent Police recorded crime", False),        # no partner ratio: said, no empty table
    ("Needles found", "Maidstone Borough Council waste team needle log (bulk finds left out)", False),
])
def test_each_measure_says_its_source_once(demo, measure, source, ratio):
    page = scenarios.page(*demo, measure=measure)
    assert page.of(blocks.Chart)[0].source == source
    assert bool(page.of(blocks.Table)) == ratio
    if not ratio:
        assert page.of(blocks.Caption)[1].text.startswith("No partner workload ratio is held for")


def test_police_uk_alone_opens_on_the_first_measure_offered(police_uk):
    page = scenarios.page(*police_uk)
    assert page.of(blocks.Heading)[0].title.startswith("Unnamed scenario: ASB incidents, Whole borough")
    offered = page.of(blocks.Caption)[0].text
    assert offered.startswith("Not offered: Domestic abuse: not in the data loaded: police.uk has no domestic-abuse flag")
    assert "Needles found: not in the data loaded: no needle finds" in offered
    # a measure the data cannot give (a link from another store) says why, never a projection of zeros
    missing = scenarios.page(*police_uk, measure="Domestic abuse")
    assert block_keys(missing) == ["Caption", "Missing"]
    assert missing.of(blocks.Missing)[0].why.startswith(f"{NOT_LOADED}: police.uk has no domestic-abuse flag")


def test_an_empty_store_says_why(empty):
    page = scenarios.page(*empty)
    assert block_keys(page) == ["Missing"]
    assert page.blocks[0].why.startswith(f"Domestic abuse: {NOT_LOADED}")


def test_an_unknown_measure_is_refused(demo):
    with pytest.raises(ValueError, match="unknown measure 'Burglary'"):
        scenarios.page(*demo, measure="Burglary")


@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("measure", ["Domestic abuse", "Needles found"])
def test_a_viewer_of_a_thinned_ward_sees_no_recorded_month_of_one_to_four(frames, wards, seed, measure):
    ward = wards.set_index("ward_name")["ward_code"]["South"]             # one with needle finds to thin
    needles = frames["needle_finds"]    # the ward's finds before the months drawn go, so the one or two kept are drawn
    early = needles["ward_code"].eq(ward) & (needles["found"] < "2018-04-01")
    data = bundle.build(thin_sensitive({**frames, "needle_finds": needles[~early]}, [ward], random.Random(seed)), wards)
    view = lambda suppress: Filter((ward,), ("South",), PUBLISHED, None, suppress=suppress,  # noqa: E731
                                   spans=data.spans)
    # without disclosure control (a partner) the ward's small months are drawn: the case is real
    assert set(_recorded(scenarios.page(data, view(False), measure=measure))) & SMALL
    page = scenarios.page(data, view(True), measure=measure)
    # nor the projection made from them (a flat one's 12 months are the last 12 months' count), its headlines,
    # workload or the method's details (phi is their variance over their mean)
    assert not page.of(blocks.Chart) and not page.of(blocks.Headline) and not page.of(blocks.Table)
    missing = page.of(blocks.Missing)[0]
    assert missing.why.startswith(scenarios.WITHHELD) and missing.why.endswith(".")
    assert [type(b) for b in page.of(blocks.Expander)[0].blocks] == [blocks.Said]   # the method, not its phi


def test_moving_a_lever_reuses_the_projection_and_the_bundle_keeps_a_few(frames, wards, monkeypatch):
    data = bundle.build(frames, wards)
    view = lambda *codes: Filter(codes, codes, PUBLISHED, None, spans=data.spans)  # noqa: E731
    still, moved = scenarios.page(data, view()), scenarios.page(data, view(), levers=EURO)
    assert len(data.memo["scenarios"]) == 1
    assert still.of(blocks.Expander) == moved.of(blocks.Expander)                 # one projection, two scenarios
    assert still.of(blocks.Headline)[0] == moved.of(blocks.Headline)[0]          # the same baseline
    monkeypatch.setattr(scenarios, "KEPT", 3)
    for code in wards["ward_code"].head(4):                                       # viewers choose the wards
        scenarios.page(data, view(code))
    # full with the borough and two wards: forgotten at the third, then the last two kept
    assert [key[1] for key in data.memo["scenarios"]] == [(c,) for c in wards["ward_code"].iloc[2:4]]


@pytest.mark.parametrize("name, heading", [
    ("<b>x</b>", "\\<b\\>x\\</b\\>: domestic abuse"),                           # never bold, never HTML
    ("![](http://host/leak.png)", "\\!\\[\\]\\(http\\://host/leak\\.png\\): domestic abuse"),   # never an image
    ("  ", "Unnamed scenario: domestic abuse"),
])
def test_a_name_stays_text(demo, name, heading):
    page = scenarios.page(*demo, name=name)
    assert page.of(blocks.Heading)[0].title.startswith(heading)
    chart = page.of(blocks.Chart)[0]
    assert name.strip() not in chart.title or not name.strip()                 # the chart is the measure's
    assert chart.data["scenario_name"].eq(name.strip() or sc.UNNAMED).all()   # the CSV holds the name as typed


def test_a_document_chapter_would_carry_the_figures_chart_table_and_method(demo):
    page = scenarios.page(*demo, levers=EURO)
    chapter = assessment.section(scenarios.TITLE, page)
    assert [(f.label, f.value, f.period) for f in chapter.figures] == \
        [(h.label, h.value, h.period) for h in page.of(blocks.Headline)]
    assert chapter.charts == [page.of(blocks.Chart)[0].figure]
    assert chapter.tables == [(t.title, t.frame) for t in page.of(blocks.Table)]
    assert chapter.story == list(page.of(blocks.Said)[0].sentences)
    basis = page.of(blocks.Caption)[1].text
    assert chapter.notes == [basis, page.of(blocks.Expander)[0].blocks[1].text]  # the page's own captions stay on it


def test_the_page_draws_the_models_figures(demo_store, demo):
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page("pages/scenarios.py").run()
    assert not at.exception, [e.value for e in at.exception]
    page = scenarios.page(*demo)
    assert [(m.label, m.value) for m in at.metric] == [(h.label, h.value) for h in page.of(blocks.Headline)]
    assert [h.value for h in at.subheader] == [b.title for b in page.of(blocks.Heading)]
    assert [e.label for e in at.main.expander] == ["Method"]
    assert at.selectbox(key="sc_measure").options == sc.offered(demo[0])[0]
