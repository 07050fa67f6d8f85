"""Every page under Streamlit's AppTest, on the demonstration data in a throwaway store.

Light tests (STYLE habit 11): each page runs without an exception, says it shows demonstration
data, draws a chart with a sourced footnote, and shows the Strategic Assessment's figures with
the default filter. The shared filter is checked end to end: a ward choice changes the figures
(to counts derived here from the store with pandas, not read back from the app), survives a page
switch, comes back from the URL, and the presets and period types set it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from streamlit.proto.Metric_pb2 import Metric
from streamlit.testing.v1 import AppTest

from conftest import as_read, navigation, tables
from smp_dash import config, disclosure, geo, periods
from smp_dash.selection import CHOICE_LABELS, PUBLISHED

ROOT = Path(__file__).parents[1]
APP = ROOT / "app.py"
PAGES = sorted(p.name for p in (ROOT / "pages").glob("*.py"))
TASK_FORCE = ["Shepway North", "Shepway South"]


@pytest.fixture(scope="module")
def crimes(demo_store) -> pd.DataFrame:
    """The stored crimes, read with pandas: the independent source of expected counts."""
    return pd.read_parquet(demo_store / "crimes.parquet")


@pytest.fixture(scope="module")
def ward_codes() -> dict[str, str]:
    """Ward name -> code, from the boundaries the app names its wards by."""
    try:
        wards = geo.load_wards(config.lad_code())
    except geo.BoundariesMissing as exc:
        pytest.skip(str(exc))
    return dict(zip(wards["ward_name"], wards["ward_code"]))


@pytest.fixture(scope="module")
def rendered(demo_store):
    """Each page run once with the default filter, shared by the tests that only read it."""
    cache: dict[str, AppTest] = {}

    def render(page: str) -> AppTest:
        if page not in cache:
            cache[page] = _open(page)
        return cache[page]

    return render


def _open(page: str = "overview.py", **query) -> AppTest:
    """A fresh session on ``page``, opened with ``query`` as the URL's parameters; the period
    choice is "As in the 2020-21 assessment" unless ``query`` names one (``ptype=None``: the default)."""
    at = AppTest.from_file(APP, default_timeout=60)
    query.setdefault("ptype", CHOICE_LABELS[PUBLISHED])
    at.query_params.update({k: v for k, v in query.items() if v is not None})
    return _goto(at.switch_page(f"pages/{page}"))


def _goto(at: AppTest, page: str | None = None) -> AppTest:
    if page is not None:
        at.switch_page(f"pages/{page}")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _metric(at: AppTest, label: str) -> tuple[str, str]:
    """(value, delta) of the metric called ``label``; the delta is "" when there is none."""
    found = {as_read(m.label): (m.value, m.proto.delta) for m in at.metric}
    assert label in found, f"no metric {label!r}; the page shows {list(found)}"
    return found[label]


def _preset(at: AppTest, name: str):
    """The sidebar preset button for ``name`` (found by its help text: the short labels change)."""
    buttons = [b for b in at.sidebar.button if b.key.startswith("preset_") and b.help.startswith(f"{name}:")]
    assert len(buttons) == 1, [(b.key, b.help) for b in at.sidebar.button]
    return buttons[0]


def _showing(at: AppTest) -> str:
    lines = [m.value for m in at.markdown if m.value.startswith("**Showing:**")]
    assert len(lines) == 1, [m.value for m in at.markdown]
    return lines[0]


def _table(at: AppTest, column: str, nth: int = 0) -> pd.DataFrame:
    """The ``nth`` table on the page that has ``column``."""
    shown = [t for t in tables(at) if column in t.columns]
    assert len(shown) > nth, f"{len(shown)} tables with {column!r}"
    return shown[nth]


def _count(crimes: pd.DataFrame, start: str, end: str, wards=None, domestic_abuse: bool = False) -> str:
    """Crimes recorded in months ``start`` to ``end`` (inclusive), formatted as the app shows counts."""
    rows = crimes[crimes["month"].between(pd.Timestamp(start), pd.Timestamp(end))]
    if wards is not None:
        rows = rows[rows["ward_code"].isin(wards)]
    if domestic_abuse:
        rows = rows[rows["domestic_abuse"].fillna(False).astype(bool)]
    return f"{len(rows):,}"


# Every page --------------------------------------------------------------------------------

def test_every_page_file_is_tested():
    # Every file in pages/ is run below; the menu must list exactly those files: a page without an
    # entry would be tested here but unreachable in the app, an entry without a file a broken link.
    assert PAGES, "no page files found"
    assert sorted(f"pages/{page}" for page in PAGES) == sorted(file for file, _ in navigation())


@pytest.mark.parametrize("page", PAGES)
def test_page_runs_with_notice_chart_and_source(rendered, page):
    at = rendered(page)
    assert not at.exception, [e.value for e in at.exception]
    assert any("Demonstration data" in w.value for w in at.warning)
    plotly, decks = at.get("plotly_chart"), at.get("deck_gl_json_chart")
    sparklines = [md for md in at.markdown if md.value.startswith("<svg")]
    if page == "overview.py":     # the landing page's trends are inline SVG: no plotly.js to load
        assert len(sparklines) == 6 and all("<path" in md.value for md in sparklines)
    else:
        assert len(plotly) + len(decks) >= 1
    # A chart drawn with no trace is an empty frame on screen.
    assert all(json.loads(chart.proto.spec)["data"] for chart in plotly)
    assert any(c.value.startswith("Source:") for c in at.caption)
    assert _showing(at) == "**Showing:** Whole borough, periods as in the 2020-21 assessment"


@pytest.mark.parametrize("page", PAGES)
def test_the_view_comes_before_the_pages(rendered, page):
    # The sidebar opens with the view (issue 21: the ward filter was 750 px down, below 14 links),
    # then the app's own menu: every page in app.py's menu, under its section's heading, once.
    drawn = [(node.type, node.proto.label if node.type == "page_link" else getattr(node, "label", node.value))
             for node in _leaves(rendered(page).sidebar)]
    order = [kind for kind, _ in drawn]
    assert drawn[0] == ("markdown", "### View")
    assert ("multiselect", "Wards") in drawn and ("selectbox", "Period type") in drawn
    assert max(drawn.index(("multiselect", "Wards")), drawn.index(("selectbox", "Period type"))) < order.index("page_link")
    links = [label for kind, label in drawn if kind == "page_link"]
    assert len(links) == len(navigation()) == len(set(links))
    assert drawn[order.index("page_link") - 2] == ("markdown", "### Pages")


# The assessment's figures, default filter ----------------------------------------------------

@pytest.mark.parametrize("page, label, value, delta", [
    ("overview.py", "Recorded crime", "15,201", "-12% · beyond chance"),  # 2020 against 17,260 in 2019
    ("overview.py", "Domestic abuse", "2,888", "+5.7% · beyond chance"),  # one decimal, as the text and the DA page give it
    ("overview.py", "Drug offences", "502", "+21% · beyond chance"),
    ("overview.py", "Needles found", "2,511", "+55% · beyond chance"),  # assessment year, bulk finds included
    ("overview.py", "Hate crimes", "380", "-1% · within chance"),  # 380 against 383 is noise
    ("police_data.py", "Recorded crime", "15,201", "-12% · beyond chance"),
    ("police_data.py", "Recorded crime, Kent", "153,000", "-10%"),
    ("police_data.py", "Hate crimes", "380", "-1% · within chance"),
    ("police_data.py", "IOM cohort (Kent)", "243", "+2 on a year earlier"),
    ("domestic_abuse.py", "Domestic abuse crimes", "2,888", "+5.7% · beyond chance"),  # one decimal, as the text gives it
    ("domestic_abuse.py", "Share of all crime", "19%", ""),
    ("domestic_abuse.py", "Share of violent crime", "33%", ""),
    ("domestic_abuse.py", "Violence against the person, share of DA", "82%", ""),
    ("domestic_abuse.py", "MARAC cases (borough)", "266", "+37% · beyond chance"),  # 194 before
    ("domestic_abuse.py", "Repeat cases", "85 (32%)", ""),
    ("domestic_abuse.py", "Children in these households", "294", ""),
    ("substance_misuse.py", "Drug offences", "502", "+21% · beyond chance"),
    ("substance_misuse.py", "Drug offences, Kent", "4,546", "+28% (+994)"),
    ("substance_misuse.py", "CSVG closed cases with substance misuse", "37%", ""),
    ("substance_misuse.py", "Needles found", "2,511", "+55% · beyond chance"),
    ("substance_misuse.py", "Needles found, without bulk incidents", "1,011", "-37% · beyond chance"),  # as the documents
    ("substance_misuse.py", "Previous period", "1,621", ""),
    ("substance_misuse.py", "Bulk incidents", "2", ""),
    ("serious_organised_crime.py", "Violence against the person, share of violent crime", "92%", ""),  # as the documents say
    ("children_young_people.py", "Youth offences (borough)", "87", "-21% · within chance"),  # -23 on 2018/19
    ("children_young_people.py", "Young people offending (borough)", "39", "+11% · within chance"),
    ("children_young_people.py", "Youth population convicted", "0.2%", ""),
    ("mental_health.py", "Section 136 uses (borough)", "115", "-20% · within chance"),  # 143 in 2019
    ("mental_health.py", "CSVG cases with a mental health concern", "71%", ""),
    ("mental_health.py", "Residents reporting a negative mental health impact", "52%", ""),
    # the demonstration's invented table of Kent's partnerships, 2020/21: Maidstone against the 12 others
    ("compare.py", "Recorded crime (Home Office)", "15,963", ""),
    ("compare.py", "Per 1,000 residents", "92.8", ""),
    ("compare.py", "Rank by rate", "10th highest of 13", ""),
])
def test_metric_shows_the_assessment_figure(rendered, page, label, value, delta):
    assert _metric(rendered(page), label) == (value, delta)


def test_violent_crime_change(rendered):
    # The text gives only the change for violent crime, not the count.
    assert _metric(rendered("serious_organised_crime.py"), "Violent crime")[1] == "-3% · within chance"  # p = 0.06


@pytest.mark.parametrize("page, sentence", [
    ("community_protection.py", "57 of 150 Community Protection Warnings were issued with Kent Police; "
                                "15 Fixed Penalty Notices followed breaches."),  # 38% with the police
    ("community_protection.py", "**Community trigger:** 1 case review instigated in 2020."),
    ("action_plans.py", "**48 of 48 actions** shown."),
    ("mental_health.py", "**Outreach:** Since October 2020 3 mental health professionals working with the homeless "
                         "outreach team have engaged 19 people, 7 of them now on psychiatrist plans."),
])
def test_page_states_the_assessment_figure(rendered, page, sentence):
    assert sentence in [m.value for m in rendered(page).markdown]


def test_domestic_abuse_top_ten_wards(rendered):
    top = _table(rendered("domestic_abuse.py"), "ward")
    assert len(top) == 10
    assert top["ward"].head(5).tolist() == ["High Street", "Park Wood", "Shepway South", "Bridge", "Shepway North"]
    # Sutton Valence and Langley is the only rural ward in the top ten, up 150% on a low base.
    rural = top[top["ward"].str.endswith(" (rural)")]
    assert rural["ward"].tolist() == ["Sutton Valence and Langley (rural)"]
    assert rural["pct_change"].tolist() == ["+150%"]


def test_needle_top_locations(rendered):
    at = rendered("substance_misuse.py")
    headings = [t.attrs["caption"] for t in tables(at) if t.attrs["caption"].startswith("Top five needle-find locations")]
    assert headings == ["Top five needle-find locations, Dec 2019 to Nov 2020",
                        "Top five needle-find locations, Dec 2018 to Nov 2019"]
    now, before = (_table(at, "location_name", i)["location_name"].tolist() for i in (0, 1))
    # The text names these places at these ranks; the others are illustrative.
    assert [now[0], now[1], now[3], now[4]] == ["Alexander Street", "River Steps", "Rose Garden", "Wallis Avenue"]
    assert [before[0], before[1], before[4]] == ["River Steps", "Needle bins", "Whatman Park"]


def test_needles_without_bulk_incidents(demo_store):
    at = _open("substance_misuse.py")
    at.toggle(key="needle_bulk").set_value(False)
    _goto(at)
    # 2,511 less the 1,500 needles of the two bulk finds: the text's 37% fall, named as the documents name it.
    assert _metric(at, "Needles found, without bulk incidents") == ("1,011", "-37% · beyond chance")
    assert "Needles found" not in [as_read(m.label) for m in at.metric]
    assert _table(at, "location_name")["location_name"].iloc[0] != "Alexander Street"


def test_action_status_filter(demo_store):
    at = _open("action_plans.py")
    at.multiselect(key="ap_status").set_value(["on hold"])
    _goto(at)
    on_hold = pd.read_parquet(demo_store / "actions.parquet").query("status == 'on hold'")
    shown = at.table[0].value       # a wrapped table, read whole (issue 14)
    assert 0 < len(shown) < 48
    assert set(shown["Status"]) == {"on hold"}
    assert sorted(shown["Action"]) == sorted(on_hold["action"])
    assert f"**{len(on_hold)} of 48 actions** shown." in [m.value for m in at.markdown]


# The shared filter -------------------------------------------------------------------------

def test_ward_filter_changes_the_figures(crimes, ward_codes):
    at = _open()
    at.multiselect(key="wards").set_value(TASK_FORCE)
    _goto(at)
    expected = _count(crimes, "2020-01-01", "2020-12-01", [ward_codes[n] for n in TASK_FORCE])
    assert expected != "15,201"
    assert _metric(at, "Recorded crime")[0] == expected
    assert _showing(at) == "**Showing:** Shepway North and Shepway South, periods as in the 2020-21 assessment"


def test_ward_filter_survives_a_page_switch(crimes, ward_codes):
    at = _open()
    at.multiselect(key="wards").set_value(TASK_FORCE)
    _goto(at)
    _goto(at, "domestic_abuse.py")
    assert at.multiselect(key="wards").value == TASK_FORCE
    codes = [ward_codes[n] for n in TASK_FORCE]
    assert _metric(at, "Domestic abuse crimes")[0] == _count(crimes, "2020-01-01", "2020-12-01", codes, domestic_abuse=True)
    assert "Shepway North and Shepway South" in _showing(at)


def test_url_parameters_restore_the_view(crimes, ward_codes):
    # Streamlit writes a selectbox's displayed label to the URL: "Calendar year", not "calendar".
    at = _open(wards=["High Street"], ptype=CHOICE_LABELS["calendar"], period="2019")
    assert at.multiselect(key="wards").value == ["High Street"]
    assert (at.selectbox(key="ptype").value, at.selectbox(key="period").value) == ("calendar", "2019")
    assert "High Street" in _showing(at) and "2019" in _showing(at)
    expected = _count(crimes, "2019-01-01", "2019-12-01", [ward_codes["High Street"]])
    assert _metric(at, "Recorded crime")[0] == expected
    _goto(at, "police_data.py")
    assert _metric(at, "Recorded crime")[0] == expected


def test_a_copied_link_reopens_the_same_view(demo_store):
    at = _open()
    at.multiselect(key="wards").set_value(["High Street"])
    at.selectbox(key="ptype").set_value("financial")
    _goto(at)
    at.selectbox(key="period").set_value("2019/20")
    _goto(at)
    link = dict(at.query_params)
    again = _open(**link)
    assert _showing(again) == _showing(at) == "**Showing:** High Street, Financial year (Apr-Mar) 2019/20"
    assert [(as_read(m.label), m.value, m.proto.delta) for m in again.metric] == [(as_read(m.label), m.value, m.proto.delta) for m in at.metric]


def test_url_period_type_is_its_label(demo_store):
    # Streamlit writes the displayed label into the link, so links carry "Calendar year";
    # anything else is ignored and the page keeps the assessment's periods.
    assert _open(ptype="Calendar year", period="2019").selectbox(key="ptype").value == "calendar"
    assert _open(ptype="calendar", period="2019").selectbox(key="ptype").value == "latest"   # unknown: the default


def test_task_force_preset(crimes, ward_codes):
    at = _open()
    _preset(at, "Task force focus area").click()
    _goto(at)
    assert at.multiselect(key="wards").value == TASK_FORCE
    assert _metric(at, "Recorded crime")[0] == _count(crimes, "2020-01-01", "2020-12-01", [ward_codes[n] for n in TASK_FORCE])
    _preset(at, "Whole borough").click()
    _goto(at)
    assert at.multiselect(key="wards").value == []
    assert _metric(at, "Recorded crime")[0] == "15,201"


def test_financial_year_changes_the_domestic_abuse_headline(crimes):
    at = _open("domestic_abuse.py")
    at.selectbox(key="ptype").set_value("financial")
    _goto(at)
    at.selectbox(key="period").set_value("2019/20")
    _goto(at)
    expected = _count(crimes, "2019-04-01", "2020-03-01", domestic_abuse=True)
    assert expected != "2,888"
    value, delta = _metric(at, "Domestic abuse crimes")
    assert value == expected
    assert delta.endswith(("beyond chance", "within chance"))
    assert _showing(at) == "**Showing:** Whole borough, Financial year (Apr-Mar) 2019/20"


def test_youth_figures_missing_for_a_year_are_not_zero(demo_store):
    # "Financial year" opens on 2020/21, a year Kent Youth Justice had not yet published:
    # the page says so and shows the latest published year instead of a fall to zero.
    at = _open("children_young_people.py", ptype=CHOICE_LABELS["financial"], period="2020/21")
    assert _metric(at, "Youth offences (borough)")[0] == "87"
    assert any("holds them to 2019/20" in i.value for i in at.info)


def test_no_change_against_a_period_before_the_data(demo_store):
    # 2014/15 holds only Jan-Mar 2015 (the data starts in January 2015): a change against it means
    # nothing, so 2015/16 is not offered and the oldest financial year is 2016/17.
    at = _open("police_data.py", ptype=CHOICE_LABELS["financial"])
    assert "2015/16" not in at.selectbox(key="period").options
    assert at.selectbox(key="period").options[-1] == "2016/17"


# Outliers and significance ------------------------------------------------------------------

def _captions(at: AppTest) -> str:
    return " ".join(c.value for c in at.caption)


def test_bulk_needle_months_are_flagged_and_can_be_excluded(demo_store):
    at = _open("substance_misuse.py")
    # the three bulk finds (June 2019's small one, and 2020's two that held 1,500 needles)
    assert "Flagged outliers" in _captions(at) and "Jun 2019, Aug 2020, Sep 2020." in _captions(at)
    at.toggle(key="outliers").set_value(True)
    _goto(at)
    # replaced by the median of the months before them, and said so under the chart
    assert ("Excluded: flagged months replaced by the median of the 24 months before: Jun 2019, Aug 2020, "
            "Sep 2020.") in _captions(at)


def test_lockdown_months_are_flagged_by_the_robust_rule(demo_store):
    # No bulk flag here: the first lockdown's ASB surge is flagged by the median/MAD rule alone.
    at = _open("task_force.py", tf_measure="ASB (police)")
    assert "Flagged outliers" in _captions(at) and "Apr 2020" in _captions(at)


def test_outlier_toggle_is_in_the_link(demo_store):
    at = _open("substance_misuse.py", outliers="true")
    assert at.toggle(key="outliers").value is True
    assert "Excluded:" in _captions(at)


@pytest.mark.parametrize("page, label, verdict", [
    ("serious_organised_crime.py", "Violent crime", "within chance"),   # -3%, p = 0.06
    ("police_data.py", "Hate crimes", "within chance"),                 # 380 against 383
    ("substance_misuse.py", "Drug offences", "beyond chance"),          # 502 against 415, p = 0.004
])
def test_changes_say_whether_chance_explains_them(rendered, page, label, verdict):
    metric = next(m for m in rendered(page).metric if as_read(m.label) == label)
    assert metric.delta.endswith(verdict)
    assert "exact Poisson test" in metric.help


def test_small_numbers_are_labelled(demo_store):
    # A single rural ward's weapons offences are too few to judge.
    at = _open("serious_organised_crime.py", wards=["Leeds"])
    metric = next(m for m in at.metric if as_read(m.label) == "Possession of weapons")
    assert metric.delta.endswith("small numbers")


def test_ward_funnel_plot_names_wards_above_the_limit(rendered):
    captions = _captions(rendered("domestic_abuse.py"))
    assert "Borough rate" in captions and "above the 99.8% limit" in captions


def test_excluding_outliers_recomputes_the_asb_headline(demo_store):
    # The first lockdown's ASB surge (Apr-Jun 2020) and November 2020 are flagged: without them
    # the +33% rise on the previous assessment year shrinks to +6%.
    at = _open("community_protection.py", outliers="true")
    metric = next(m for m in at.metric if as_read(m.label).startswith("Police-recorded ASB"))
    assert (metric.value, metric.delta) == ("5,196", "+6% · beyond chance")
    assert "Apr 2020, May 2020, Jun 2020, Nov 2020" in _captions(at)


# Presentation mode ---------------------------------------------------------------------------

def test_presentation_mode_shows_every_headline_the_key_charts_and_a_status_summary(demo_store):
    normal = _open("domestic_abuse.py")
    shown = _open("domestic_abuse.py", present="1")          # the documented short link
    assert shown.toggle(key="present").value is True
    assert not (shown.dataframe or tables(shown)) and tables(normal)   # no raw tables on a shared screen
    assert [as_read(m.label) for m in shown.metric] == [as_read(m.label) for m in normal.metric]   # every headline figure
    assert shown.get("plotly_chart")
    markdown = [m.value for m in shown.markdown]
    # the view in one line, at the top; the ward table as a short ranked list; the action plan as counts
    assert markdown[0] == ("**Showing:** Whole borough · Periods as in the 2020-21 assessment · Disclosure control on: "
                           "1 to 4 shown as <5 · Data to Mar 2021")
    assert [node.value for node in _leaves(shown.main) if node.type != "html"][0] == markdown[0]   # above the title
    assert any(v.startswith("**Top ten wards for domestic abuse") and "\n1. **" in v for v in markdown)
    assert any(v.startswith("**") and " actions:** " in v and "delivered" in v for v in markdown)


@pytest.mark.parametrize("page", ["overview.py", "substance_misuse.py", "serious_organised_crime.py",
                                  "children_young_people.py", "task_force.py"])
def test_presentation_mode_leaves_no_empty_heading(demo_store, page):
    # each section heading is followed by something (a figure, chart, map, list or words) before the next
    at = _open(page, present="1")
    kinds = [node.type for node in _leaves(at.main)]
    pairs = list(zip(kinds, kinds[1:] + ["end"]))
    assert not [i for i, (a, b) in enumerate(pairs) if a == "subheader" and b in ("subheader", "end")], kinds


def _leaves(node):
    children = getattr(node, "children", None)
    if not children:
        yield node
        return
    for child in children.values():
        yield from _leaves(child)


def test_action_plans_wrap_and_can_be_read_whole(demo_store):
    at = _open("action_plans.py")
    assert not at.dataframe and not tables(at)
    table = at.table[0].value
    assert list(table.columns) == ["Priority", "Action", "Status", "Update", "Target"] and len(table) == 48


def test_task_force_arrows_compare_with_the_rest(demo_store):
    at = _open("task_force.py")
    for m in at.metric:
        delta = m.proto.delta
        if "than the rest" in delta:
            now, rest = (float(x) for x in re.findall(r"([\d.]+) per 1,000.*\(([\d.]+)\)", delta)[0])
            assert ("lower than" in delta) == (now < rest), delta
            assert m.proto.direction == (Metric.DOWN if now < rest else Metric.UP if now > rest else Metric.NONE)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_in_presentation_mode(demo_store, page):
    at = _open(page, present="1")
    assert not at.dataframe and not tables(at)


# Disclosure control --------------------------------------------------------------------------

def test_disclosure_control_is_in_the_link_and_says_so(demo_store):
    at = _open("domestic_abuse.py", suppress="true")
    assert at.toggle(key="suppress").value is True
    assert any("Disclosure control is on" in i.value for i in at.info)
    assert not any("Disclosure control is on" in i.value for i in _open("domestic_abuse.py").info)


def test_presentation_mode_always_suppresses(demo_store):
    at = _open("substance_misuse.py", present="1")   # said in the view's one line
    assert " · Disclosure control on: 1 to 4 shown as <5 · " in _showing(at)
    assert at.toggle(key="suppress_forced").value is True


def test_ward_tables_are_drawn_as_the_model_protected_them():
    """The page draws a ward table as the model gives it (smp_dash.protection decides what is hidden,
    tests/test_protection.py); ui only tells a protected table from a plain one."""
    from smp_dash import protection
    from smp_dash.ui.sections import protect

    table = pd.DataFrame({"ward_code": list("ABCD"), "ward_name": list("ABCD"), "current": [40, 3, 12, 20],
                          "previous": [35, 8, 10, 22], "change": [5, -5, 2, -2], "pct_change": [14.3, -62.5, 20.0, -9.1],
                          "rank": [1, 4, 3, 2], "population": [4000.0] * 4, "rate": [10.0, 0.75, 3.0, 5.0]})
    months = pd.date_range("2019-01-01", "2020-12-01", freq="MS")
    rows = pd.DataFrame([{"ward_code": w, "month": m, "n": n / 12 if m.year == 2020 else p / 12}
                         for w, n, p in zip("ABCD", [40, 3, 12, 20], [35, 8, 10, 22]) for m in months])
    shield = protection.build(rows, list("ABCD"), months[0], months[-1])
    protected = protect(shield.ward_table(table, periods.period("calendar", 2020)), None, sensitive=True)
    assert protected["current"].isna().tolist() == [False, True, True, False]   # 3, and 12 to protect it
    assert protected.loc[1, "rate"] != protected.loc[1, "rate"]                 # derived figures hidden too
    assert protect(table, None, sensitive=False) is None                        # a plain table is drawn as it is
    shown = disclosure.shown(pd.DataFrame({"ward": ["A", "B"], "n": [2, 50]}), "n", True)
    assert shown["n"].tolist() == ["<5", "50"]


def test_glossary_and_method_are_on_every_page(rendered):
    from smp_dash.glossary import GLOSSARY

    assert {"MARAC", "CSVG", "CPW", "CPN", "NTE", "MoRiLE", "IOM", "S136", "ASB", "DA", "FPN", "PSPO"} <= set(GLOSSARY)
    for page in ("overview.py", "morile.py"):
        text = " ".join(m.value for m in rendered(page).sidebar.markdown)
        assert "**MARAC**" in text and "Poisson" in text, page


def test_every_page_header_names_the_data_s_last_month(rendered):
    for page in ("overview.py", "task_force.py", "data.py"):
        assert any("Data to Mar 2021." in c.value for c in rendered(page).caption), page
