"""The Scenarios page under AppTest and in a real browser, on the demonstration data.

Expected figures are worked out here from the stored crimes with pandas and ``scenarios.project``,
never read back from the app: an uplift of 20% over June and July 2021 must add 0.2 x the baseline
of those two months, and a shared link must reopen the same scenario.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlencode

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from browsing import PAGE_TIMEOUT_MS, SCREENSHOTS, metric, open_page, serve, wait_idle
from conftest import as_read, tables
from smp_dash import config, geo, scenarios, ui

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app.py"
PAGE = "pages/scenarios.py"
EURO = {"sc_name": "Euro 2020 summer", "sc_measure": "Domestic abuse", "sc_uplift": "20",
        "sc_months": ["Jun 2021", "Jul 2021"]}


def _da_series(store: Path) -> pd.DataFrame:
    """Recorded domestic abuse per month over the whole store (month, value), counted with pandas."""
    crimes = pd.read_parquet(store / "crimes.parquet", columns=["month", "domestic_abuse"])
    months = pd.date_range(crimes["month"].min(), crimes["month"].max(), freq="MS")
    counts = crimes.loc[crimes["domestic_abuse"].fillna(False).astype(bool), "month"].value_counts()
    return pd.DataFrame({"month": months, "value": counts.reindex(months, fill_value=0).to_numpy()})


def _euro_extra(store: Path) -> str:
    """0.2 x the baseline of June and July 2021, as the page writes the extra cases."""
    projected = scenarios.project(_da_series(store))
    summer = projected[projected["month"].isin(pd.to_datetime(["2021-06-01", "2021-07-01"]))]
    assert len(summer) == 2, "the demonstration data should end in March 2021"
    return f"{0.2 * summer['baseline'].sum():+,.0f}"


def _open(**query) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params.update(query)
    at.switch_page(PAGE)
    return _run(at)


def _run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _metrics(at: AppTest) -> dict[str, str]:
    return {as_read(m.label): m.value for m in at.metric}


def test_page_runs_with_notice_chart_and_figures(demo_store):
    at = _open()
    assert any("Demonstration data" in w.value for w in at.warning)
    assert len(at.get("plotly_chart")) == 1
    assert any(c.value.startswith("Source: Kent Police recorded crime") for c in at.caption)
    figures = _metrics(at)
    assert list(figures) == ["Baseline, next 12 months", "Scenario, next 12 months", "Extra cases"]
    # No lever set: the scenario is the baseline.
    assert figures["Extra cases"] == "+0"
    assert figures["Scenario, next 12 months"] == figures["Baseline, next 12 months"]
    assert "**Scenario:** Baseline only: no change assumed." in [m.value for m in at.markdown]
    assert any("whole borough" in c.value for c in at.caption)
    assert any(c.value.startswith("Copy this link") for c in at.caption)


def test_euro_uplift_adds_a_fifth_of_the_summer_baseline(demo_store):
    at = _open()
    at.slider(key="sc_uplift").set_value(20)
    at.multiselect(key="sc_months").set_value(["Jun 2021", "Jul 2021"])
    _run(at)
    assert _metrics(at)["Extra cases"] == _euro_extra(demo_store)
    assert "**Scenario:** +20% in Jun 2021 and Jul 2021." in [m.value for m in at.markdown]
    workload = tables(at)[0]
    assert workload["Partner work"].tolist() == ["MARAC cases", "Sanctuary referrals"]
    assert (workload["Extra in the next 12 months"] > 0).all()


def test_query_parameters_restore_a_named_scenario(demo_store):
    query = {"sc_name": "Town centre event", "sc_measure": "ASB incidents", "sc_uplift": "10",
             "sc_months": ["Aug 2021"], "sc_event_month": "Sep 2021", "sc_event": "40", "sc_recording": "5",
             "sc_recording_from": "Oct 2021"}
    at = _open(**query)
    assert at.text_input(key="sc_name").value == "Town centre event"
    assert at.selectbox(key="sc_measure").value == "ASB incidents"
    assert (at.slider(key="sc_uplift").value, at.slider(key="sc_recording").value) == (10, 5)
    assert at.multiselect(key="sc_months").value == ["Aug 2021"]
    assert (at.selectbox(key="sc_event_month").value, at.number_input(key="sc_event").value) == ("Sep 2021", 40)
    assert at.selectbox(key="sc_recording_from").value == "Oct 2021"
    assert at.subheader[0].value.startswith("Town centre event: ASB incidents, Whole borough")
    sentence = ("+10% in Aug 2021; a one-off event of +40 cases in Sep 2021; recording practice +5% from Oct 2021 "
                "onward.")
    assert f"**Scenario:** {sentence}" in [m.value for m in at.markdown]
    assert tables(at)[0]["Partner work"].tolist() == ["Community Protection Warnings"]


def test_a_link_shows_what_the_widgets_show(demo_store):
    # The browser, not the script, writes a user's changes into the URL (AppTest has no browser):
    # here the link is written as Streamlit writes it (the labels shown) and must match the widgets.
    at = _open()
    at.text_input(key="sc_name").set_value("Stop and search push")
    at.selectbox(key="sc_measure").set_value("Drug offences")
    at.slider(key="sc_recording").set_value(15)
    at.selectbox(key="sc_recording_from").set_value("Sep 2021")
    _run(at)
    again = _open(sc_name="Stop and search push", sc_measure="Drug offences", sc_recording="15",
                  sc_recording_from="Sep 2021")
    assert _metrics(again) == _metrics(at)
    assert _metrics(at)["Extra cases"] != "+0"
    assert [s.value for s in again.subheader] == [s.value for s in at.subheader]
    # Drug offences carry no partner ratio: the page says so rather than showing an empty table.
    assert not again.dataframe and not tables(again)
    assert any(c.value.startswith("No partner workload ratio is held for drug offences") for c in again.caption)


def test_ward_filter_narrows_the_projection(demo_store):
    try:
        geo.load_wards(config.lad_code())
    except geo.BoundariesMissing as exc:
        pytest.skip(str(exc))  # without boundaries the wards are named by code
    whole = _metrics(_open())["Baseline, next 12 months"]
    at = _open(wards=["High Street"])
    assert _metrics(at)["Baseline, next 12 months"] != whole
    assert any("the selected wards (High Street)" in c.value for c in at.caption)


# In a real browser ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def app_url(demo_store, tmp_path_factory):
    with serve(demo_store, tmp_path_factory.mktemp("scenarios_browser") / "streamlit.log") as url:
        yield url


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 2600})
    yield context.new_page()
    context.close()


@pytest.mark.browser
def test_shared_scenario_link_in_the_browser(page, app_url, demo_store):
    from playwright.sync_api import expect

    # The app's root first: on a fresh server, a deep link opened before app.py has ever run is served
    # from the pages/ folder without app.py's navigation and wide layout (a Streamlit start-up quirk).
    open_page(page, f"{app_url}/")
    # Learn how Streamlit writes bound widgets into the URL by setting two in the browser: the
    # selectbox writes its label, the text input its text, spaces as "+".
    open_page(page, f"{app_url}/scenarios")
    main = page.locator('[data-testid="stMain"]')
    main.locator('[data-testid="stSelectbox"]').filter(has_text="Measure").click()
    page.get_by_role("option", name="ASB incidents", exact=True).click()
    expect(page).to_have_url(re.compile(r"[?&]sc_measure=ASB\+incidents(&|$)"), timeout=PAGE_TIMEOUT_MS)
    wait_idle(page)
    name = main.locator('[data-testid="stTextInput"] input')
    name.fill("Euro 2020 summer")
    name.press("Enter")
    expect(page).to_have_url(re.compile(r"[?&]sc_name=Euro\+2020\+summer(&|$)"), timeout=PAGE_TIMEOUT_MS)
    wait_idle(page)

    link = f"{app_url}/scenarios?" + urlencode(
        [(key, value) for key, values in EURO.items() for value in ([values] if isinstance(values, str) else values)])
    assert "sc_uplift=20&sc_months=Jun+2021&sc_months=Jul+2021" in link
    open_page(page, link)
    errors = page.locator('[data-testid="stException"]')
    assert errors.count() == 0, errors.first.inner_text()[:500]
    expect(page.locator('[data-testid="stAlert"]', has_text="Demonstration data.").first).to_be_visible()
    expect(metric(page, "Extra cases")).to_have_text(_euro_extra(demo_store))
    expect(main.locator("h3", has_text="Euro 2020 summer: domestic abuse")).to_be_visible()
    assert page.locator('[data-testid="stPlotlyChart"] .trace path').count() > 0
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "scenarios.png"), full_page=True)


def test_a_scenario_name_from_a_link_is_shown_as_text_not_markdown(demo_store):
    """``?sc_name=![](http://host/leak.png)`` must not make the page fetch an image or show a link."""
    hostile = "![](http://host/leak.png) [click](http://host/x) **bold**"
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"sc_name": hostile})
    at.switch_page(PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    shown = [e.value for e in (*at.subheader, *at.markdown, *at.caption)]
    assert any(ui.plain(hostile) in text for text in shown)          # the name, escaped for markdown
    assert not [text for text in shown if "](http://host" in text]    # never as a link or an image
