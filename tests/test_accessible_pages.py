"""Charts that stand alone and read aloud, on the demonstration data: each chart's accessible name
is its sentence (charts.describe), the ASB page draws no series twice, exports record their view."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from conftest import chart_title
from smp_dash import exports
from smp_dash.selection import Filter
from test_pages import _open


def _charts(at: AppTest) -> list[tuple[str, str]]:
    """(title, alt) of each plotly chart drawn."""
    return [(chart_title(json.loads(element.proto.spec)), element.proto.alt) for element in at.get("plotly_chart")]


@pytest.mark.parametrize("page", ["community_protection.py", "domestic_abuse.py"])
def test_every_chart_has_a_sentence_for_screen_readers(demo_store, page):
    drawn = _charts(_open(page))
    assert drawn
    for title, alt in drawn:
        assert alt.startswith(title.replace("<br>", " ")) and alt.endswith("."), (title, alt)
        assert any(ch.isdigit() for ch in alt[len(title):]), alt       # it gives figures, not just the title


def test_asb_page_draws_council_asb_complaints_once(demo_store):
    at = _open("community_protection.py")
    titles = [title for title, _ in _charts(at)]
    assert sum(t.startswith("Council ASB complaints by month") for t in titles) == 1
    assert not any(t.startswith("ASB requests by month") for t in titles)
    box = at.selectbox(key="cp_category")
    assert "ASB" not in box.options and box.value != "ASB"


@pytest.mark.parametrize(("names", "all_wards", "line"), [
    (("Bridge", "Fant"), True, "every ward in the borough; selected: Bridge, Fant"),
    (("Bridge", "Fant"), False, "Bridge and Fant, periods as in the 2020-21 assessment"),
    ((), True, "every ward in the borough; none selected"),
])
def test_an_export_of_every_ward_names_the_selection(names, all_wards, line):
    from smp_dash.ui import sections

    view = Filter(wards=tuple(n[:3] for n in names), names=names, kind="published", period=None)
    assert sections._view_line(view, all_wards) == line
    assert exports.ward_scope(names) in line or not all_wards


@pytest.mark.parametrize("page, ward", [("domestic_abuse.py", "High Street"), ("substance_misuse.py", "Bridge")])
def test_ward_maps_have_a_sentence_for_screen_readers(demo_store, page, ward):
    decks = _open(page).get("deck_gl_json_chart")
    assert decks
    for deck in decks:
        alt = deck.proto.alt
        assert "highest" in alt and ward in alt and alt.endswith("."), alt    # the ward with most is named


def test_the_district_map_has_a_sentence_for_screen_readers(demo_store):
    alts = [c.proto.alt for c in _open("police_data.py").get("plotly_chart")]
    assert ("Recorded crime by Kent district, 2020 against 2019: highest Medway 21,976, Thanet 15,512, Maidstone "
            "15,201; lowest Sevenoaks 7,110; 13 districts.") in alts
