"""Words from the data (issue 19, part 3): every page under AppTest on police.uk data alone for 2024
and 2025, and on a demonstration store after a police.uk fetch (real crime and ASB beside
demonstration needles, indicators and populations).

No sentence names a year, a count or an event the view's data does not hold: a figure not loaded
leaves its sentence out and a "not loaded" note says so, never "n/a people"; no caption speaks of
ward populations nobody loaded, or of a task force too new to judge years after it began; options
the data cannot serve are not offered; and where real and demonstration data are mixed, each
demonstration figure says so where it stands.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import journey_data
from conftest import chart_titles, tables
from smp_dash import assessment, cli, measures, store
from smp_dash.periods import ASSESS_2020, Period, period
from smp_dash.priorities import task_force

ROOT = Path(__file__).parents[1]
APP = ROOT / "app.py"
PAGES = sorted(p.name for p in (ROOT / "pages").glob("*.py"))
#: The assessment's own names for itself and its periods: the only place a fixed year may stand.
OWN_LABELS = re.compile(r"Strategic Assessment 2020-21|(the )?2020-21 assessment")
DEMO = "(demonstration data)"


@pytest.fixture(scope="module")
def spots(maidstone):
    wards, lsoas = maidstone
    return journey_data.places(wards, lsoas)


@pytest.fixture(scope="module")
def police_only(tmp_path_factory, spots) -> Path:
    """police.uk street files for January 2024 to December 2025, and nothing else."""
    root = tmp_path_factory.mktemp("police_only")
    journey_data.street_files(root / "police-uk", "2024-01", "2025-12", spots)
    assert cli.main(["--data-dir", str(root / "store"), "ingest", "police-uk", str(root / "police-uk")]) == 0
    return root / "store"


@pytest.fixture(scope="module")
def mixed(tmp_path_factory, spots) -> Path:
    """The demonstration store after police.uk files for 2024 and 2025 replaced its crimes and ASB."""
    root = tmp_path_factory.mktemp("mixed")
    assert cli.main(["--data-dir", str(root / "store"), "demo"]) == 0
    journey_data.street_files(root / "police-uk", "2024-01", "2025-12", spots)
    assert cli.main(["--data-dir", str(root / "store"), "ingest", "police-uk", str(root / "police-uk")]) == 0
    return root / "store"


@pytest.fixture(scope="module")
def on_police(police_only):
    return journey_data.renderer(police_only)


@pytest.fixture(scope="module")
def on_mixed(mixed):
    return journey_data.renderer(mixed)


def _visible(at: AppTest) -> list[str]:
    """Every piece of text a person can read on the page: headings, sentences, notes, tiles (label,
    value, change and help), chart titles, table cells and widgets (label, help, placeholder, options)."""
    texts = [e.value for kind in ("title", "header", "subheader", "caption", "info", "markdown", "warning",
                                  "error", "success") for e in getattr(at, kind)]
    texts += [t for m in at.metric for t in (m.label, m.value, m.proto.delta, m.help or "")]
    texts += chart_titles(at)
    for frame in at.dataframe:
        if "data_measure" in frame.value.columns:
            # The MoRiLE scoring sheet is data in use, edited or imported on its page: its default notes
            # quote the 2020-21 assessment's figures, and the page says so (morile.SHEET_NOTE).
            continue
        texts += [str(c) for c in frame.value.columns] + [str(v) for v in frame.value.astype(str).to_numpy().ravel()]
    # tables drawn whole (ui.sections.table_html): caption, headings and cells, as written
    texts += [html.unescape(t) for h in at.get("html") if 'class="smp-table"' in h.proto.body
              for t in re.findall(r">([^<>]+)<", h.proto.body)]
    for kind in ("selectbox", "multiselect", "text_input", "slider", "number_input", "toggle", "checkbox",
                 "button", "button_group", "radio"):
        for w in getattr(at, kind):
            texts += [str(getattr(w, name, "") or "") for name in ("label", "help", "placeholder")]
            texts += [str(o) for o in getattr(w, "options", []) or []]
    return [t for t in texts if t]


# The task force's start, said only when it is true of the period ----------------------------------

@pytest.mark.parametrize("p, note", [
    # the 2020-21 assessment's year ends three months after the start: too soon
    (ASSESS_2020, "The task force began in September 2020: too soon to judge its impact."),
    (period("calendar", 2019), "The task force began in September 2020, after this period."),
    (Period("rolling", pd.Timestamp("2020-09-01"), pd.Timestamp("2021-08-31")),
     "The task force began in September 2020: too soon to judge its impact."),   # the 12th month after
    (period("assessment", 2021), ""),            # Nov 2021, 14 months on: no longer too soon, nothing to add
    (period("calendar", 2025), ""),              # years later: never "too soon"
])
def test_task_force_start_note(p, note):
    assert task_force.start_note(p) == note


def test_task_force_start_is_configurable():
    assert task_force.start_note(period("calendar", 2025), start="2025-06") == \
        "The task force began in June 2025: too soon to judge its impact."
    assert task_force.start_note(period("calendar", 2025), start="2025-06", early=3) == ""


# police.uk 2024 and 2025 alone: every page -----------------------------------------------------

@pytest.mark.parametrize("page", PAGES)
def test_no_fixed_words_on_police_uk_data(on_police, page):
    texts = _visible(on_police(page))
    assert not [t for t in texts if "n/a people" in t or "n/a case" in t]
    # The data is 2024 and 2025: a year before it is a fixed word, not a figure of the view.
    assert not [t for t in texts if re.search(r"\b(2019|2020|2021)\b", OWN_LABELS.sub("", t))]
    assert not [t for t in texts if "too soon" in t]
    assert not [t for t in texts if "approximate ward populations" in t]


def test_mental_health_leaves_out_the_outreach_sentence(on_police):
    at = on_police("mental_health.py")
    texts = _visible(at)
    assert not [t for t in texts if t.startswith("**Outreach:**")]
    assert any("Outreach" in t and measures.NOT_LOADED in t for t in texts), texts
    assert not [t for t in texts if "CSVG cases by concern" in t and "2020" in t]


def test_community_trigger_is_left_out_when_not_loaded(on_police):
    texts = _visible(on_police("community_protection.py"))
    assert not [t for t in texts if t.startswith("**Community trigger:**")]
    assert any(t.startswith("**Community triggers") and measures.NOT_LOADED in t for t in texts), texts


def test_task_force_says_why_there_are_no_rates(on_police):
    texts = _visible(on_police("task_force.py"))
    assert any(measures.NO_POPULATION in t for t in texts), texts
    assert not [t for t in texts if "began in" in t]     # 2025 is years after September 2020: nothing to say


def test_no_rate_map_without_population(on_police):
    at = on_police("community_protection.py")
    # no population: no rate; and no change either, as the year before lacks Dec 2023 (issue 19, section 2)
    assert [str(o) for o in at.button_group(key="asb_measure").options] == ["Count"]
    assert any(measures.NO_POPULATION in c.value for c in at.caption)


def test_scenarios_open_on_a_measure_that_is_loaded(on_police):
    at = on_police("scenarios.py")
    box = at.selectbox(key="sc_measure")
    assert box.value == "ASB incidents"
    assert box.options == ["ASB incidents", "Drug offences"]
    assert at.get("plotly_chart"), "the projection is drawn"
    notes = " ".join(c.value for c in at.caption)
    assert "Domestic abuse" in notes and "police.uk has no domestic-abuse flag" in notes


def test_a_link_to_a_measure_not_loaded_opens_on_one_that_is(police_only):
    at = journey_data.open_page(police_only, "scenarios.py", sc_measure="Domestic abuse")
    assert at.selectbox(key="sc_measure").value == "ASB incidents"


# A demonstration store after a police.uk fetch ------------------------------------------------

def _titles(at: AppTest) -> list[str]:
    return chart_titles(at)


def test_mixed_overview_marks_each_demonstration_figure(on_mixed):
    at = on_mixed("overview.py")
    labels = [m.label for m in at.metric]
    assert f"Needles found {DEMO}" in labels, labels                      # the 2020 needle tile
    assert "Recorded crime" in labels and "ASB incidents" in labels       # real 2025: no mark
    headings = [m.value for m in at.markdown if m.value.startswith("**")]
    captions = [t.attrs["caption"] for t in tables(at)]
    # the wards with most needles, titled as the documents title them (issue 19, section 1)
    assert any(c.startswith(f"Wards with most: needles found {DEMO}, ") for c in captions), captions
    assert f"**Section 136 uses (yearly) {DEMO}**" in headings
    assert any(c.startswith("Wards with most: anti-social behaviour, ") for c in captions), captions
    assert "**Violent crime**" in headings


def test_mixed_pages_mark_demonstration_tiles_charts_and_rows(on_mixed):
    needles = on_mixed("substance_misuse.py")
    labels = [m.label for m in needles.metric]
    assert {f"Needles found {DEMO}", f"Previous period {DEMO}", f"Bulk incidents {DEMO}", "Drug offences"} <= set(labels)
    assert any(t.startswith("Needles found by month") and t.endswith(DEMO) for t in _titles(needles))
    assert f"Top five needle-find locations, Dec 2019 to Nov 2020 {DEMO}" in [t.attrs["caption"] for t in tables(needles)]
    assert not [t for t in _titles(needles) if t.startswith("Drug offences, Maidstone") and DEMO in t]
    task = on_mixed("task_force.py")
    assert f"Needles found {DEMO}" in [m.label for m in task.metric]
    assert "ASB (police)" in [m.label for m in task.metric]
    assert any(t.startswith("Rate per 1,000 residents") and t.endswith(DEMO) for t in _titles(task))   # demonstration populations
    health = on_mixed("mental_health.py")
    assert all(DEMO in m.label for m in health.metric), [m.label for m in health.metric]
    assert all(DEMO in t for t in _titles(health))
    community = on_mixed("community_protection.py")
    assert f"ASB complaints to the council, Dec 2019 to Nov 2020 {DEMO}" in [m.label for m in community.metric]
    assert "Police-recorded ASB, Dec 2024 to Nov 2025" in [m.label for m in community.metric]
    # the 2020 needle log does not cover the task force's Dec 2024 to Nov 2025: no figure, never a 0
    needles = [m for m in task.metric if m.label.startswith("Needles found")][0]
    assert needles.value == "n/a" and "needle_finds" in needles.help, (needles.value, needles.help)


def test_demonstration_alone_carries_no_mark(demo_store):
    at = journey_data.open_page(demo_store, "overview.py")
    assert not [m.label for m in at.metric if DEMO in m.label]


def test_mixed_documents_mark_the_same_figures(mixed, maidstone):
    # The pack, the draft and the workbook are written from these sections: the same marks as the pages.
    wards, _ = maidstone
    frames = store.read_all(mixed)
    _, sections = assessment.sections(frames, ward_names=dict(zip(wards["ward_code"], wards["ward_name"])),
                                      provenance={name: store.provenance(name, mixed) for name in frames})
    overview = {f.label: f for f in sections[0].figures}
    assert f"Needles found {DEMO}" in overview and "Recorded crime" in overview
    assert any(s.startswith(f"Needles found {DEMO} in the whole borough") for s in sections[0].story), sections[0].story
    health = next(s for s in sections if s.title == "Mental health")
    assert [f.label for f in health.figures] == [f"Section 136 uses {DEMO} (borough)"]
    assert any(s.startswith("Outreach: Since October 2020") and s.endswith(DEMO) for s in health.story)
    task = next(s for s in sections if s.title == "The Shepway task force")
    assert not [c for c in task.caveats if "too soon" in c or "approximate ward populations" in c]
