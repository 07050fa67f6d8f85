"""The substance misuse page model (``priorities.substance_misuse.page``): its blocks in order, the
seed's figures, what it says when police.uk is all that is loaded, and that the documents' chapter
(``assessment.section``) and the page state the same figures."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from conftest import as_read
from smp_dash import assessment, blocks
from smp_dash.priorities import substance_misuse
from smp_dash.selection import CHOICE_LABELS, PUBLISHED

MODULE = substance_misuse
APP = Path(__file__).parents[2] / "app.py"
NOT_LOADED = "not in the data loaded"


def _tiles(page: blocks.Page) -> dict[str, tuple[str, str | None]]:
    return {h.label: (h.value, h.delta) for h in page.of(blocks.Headline)}


def _outline(page: blocks.Page) -> list[tuple[str, str]]:
    return [(type(b).__name__, getattr(b, "title", "") or getattr(b, "key", "")) for b in page.blocks]


def test_blocks_in_page_order(demo):
    page = substance_misuse.page(*demo)
    assert _outline(page) == [
        ("Heading", "Drug offences, Calendar year 2020"), ("Headlines", ""), ("Caption", ""),
        ("Chart", "Drug offences, Maidstone and Kent, indexed to 2015 = 100"),
        ("Heading", "Needle finds, Assessment year, Dec 2019 to Nov 2020"), ("Headlines", ""),
        ("Chart", "Needles found by month, Whole borough (including bulk incidents)"),
        ("WardMap", "Needles found by ward, Dec 2019 to Nov 2020"), ("Places", ""),
        ("Heading", "Action plan"), ("Actions", "")]
    assert page.actions == "substance_misuse" and page.where == "in the whole borough"


def test_the_seeds_figures(demo):
    assert _tiles(substance_misuse.page(*demo)) == {
        "Drug offences": ("502", "+21% · beyond chance"),                  # 415 in 2019
        "Drug offences, Kent": ("4,546", "+28% (+994)"),
        "CSVG closed cases with substance misuse": ("37%", None),
        "Needles found": ("2,511", "+55% · beyond chance"),                # Dec 2019 to Nov 2020, bulk finds in
        "Needles found, without bulk incidents": ("1,011", "-37% · beyond chance"),   # less the 1,500 bagged
        "Previous period": ("1,621", None),
        "Bulk incidents": ("2", None)}


def test_without_bulk_incidents_the_needle_figures_say_so(demo):
    page = substance_misuse.page(*demo, include_bulk=False)
    tiles = _tiles(page)
    assert "Needles found" not in tiles
    assert tiles["Needles found, without bulk incidents"] == ("1,011", "-37% · beyond chance")
    monthly = next(c for c in page.of(blocks.Chart) if c.key == "needles_monthly")
    assert monthly.title.endswith("(excluding bulk incidents)") and "Excluded: bulk incidents" in monthly.caveat
    places = page.of(blocks.Places)[0].tables
    assert places[0].frame["location_name"].iloc[0] != "Alexander Street"   # the bulk find's place drops out


def test_location_tables_name_places_and_the_documents_take_this_periods(demo):
    places = substance_misuse.page(*demo).of(blocks.Places)[0]
    assert [t.title for t in places.tables] == ["Top five needle-find locations, Dec 2019 to Nov 2020",
                                                "Top five needle-find locations, Dec 2018 to Nov 2019"]
    assert [t.document for t in places.tables] == [True, False]
    assert all(t.sensitive_wards for t in places.tables) and "not shown to viewers" in places.withheld
    assert places.tables[0].frame["location_name"].tolist()[:2] == ["Alexander Street", "River Steps"]


def test_split_puts_the_bulk_toggle_above_the_needle_finds(demo):
    drugs, needles = blocks.split(substance_misuse.page(*demo), substance_misuse.NEEDLE_HEADING)
    assert drugs.blocks[0].title.startswith("Drug offences")
    assert needles.blocks[0].title.startswith("Needle finds") and isinstance(needles.blocks[-1], blocks.Actions)


def test_police_uk_only_says_why_never_zero(police_uk):
    page = substance_misuse.page(*police_uk)
    tiles = {h.label: h for h in page.of(blocks.Headline)}
    assert tiles["Drug offences"].value not in ("0", "n/a")
    for label in ("Needles found", "Needles found, without bulk incidents", "Previous period", "Bulk incidents"):
        assert tiles[label].value == "n/a", label          # the bulk count read 0 once
    assert tiles["Needles found"].caption.startswith(f"{NOT_LOADED}: no needle finds")
    assert "no CSVG case mix" in tiles["CSVG closed cases with substance misuse"].help
    assert "Drug offences, Kent" not in tiles
    monthly = next(c for c in page.of(blocks.Chart) if c.key == "needles_monthly")
    assert monthly.figure is None and monthly.missing.startswith(NOT_LOADED)
    assert not page.of(blocks.WardMap) and not page.of(blocks.Places)
    indexed = next(c for c in page.of(blocks.Chart) if c.key == "drugs_indexed")
    assert "Kent's district figures (indicators): Maidstone only" in indexed.caveat
    chapter = assessment.section("Substance misuse", page)
    figures = {f.label: f for f in chapter.figures}
    assert "Bulk incidents" not in figures                  # no count of bulk finds without the log
    assert figures["Needles found"].value == "n/a" and "no needle finds" in figures["Needles found"].change
    assert not any(f.value == "0" for f in chapter.figures)


@pytest.mark.parametrize("include_bulk", [True, False])
def test_the_documents_state_the_pages_figures(demo, include_bulk):
    page = substance_misuse.page(*demo, include_bulk=include_bulk)
    chapter = assessment.section("Substance misuse", page)
    shown = [h for h in page.of(blocks.Headline) if h.document]
    assert [(f.label, f.value, f.change, f.period) for f in chapter.figures] == \
        [(h.label, h.value, h.change, h.period) for h in shown]
    assert [t for t, _ in chapter.tables] == [t.title for t in page.of(blocks.Places)[0].tables if t.document]
    assert [c.layout.title.text for c in chapter.charts] == [c.title for c in page.of(blocks.Chart) if c.document]
    assert chapter.story[:2] == [shown[0].sentence, shown[1].sentence]


def test_the_pack_chapter_is_the_page_model(demo):
    data, view = demo
    chapter = assessment.chapter(substance_misuse, data, view)
    page = substance_misuse.page(data, view)
    assert [(f.label, f.value) for f in chapter.figures] == \
        [(h.label, h.value) for h in page.of(blocks.Headline) if h.document]
    assert [f.label for f in chapter.figures] == ["Drug offences", "Needles found", "Needles found, without bulk incidents",
                                                  "Bulk incidents"]    # the chapter's figures, as before the model


def test_the_page_draws_the_models_figures(demo_store, demo):
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"ptype": CHOICE_LABELS[PUBLISHED]})
    at.switch_page("pages/substance_misuse.py").run()
    assert not at.exception, [e.value for e in at.exception]
    page = substance_misuse.page(*demo)
    assert [(as_read(m.label), m.value) for m in at.metric] == [(h.label, h.value) for h in page.of(blocks.Headline)]
    assert [h.value for h in at.subheader] == [b.title for b in page.of(blocks.Heading)]


def test_an_empty_store_says_why_for_every_figure_and_chart(empty):
    page = MODULE.page(*empty)
    assert {h.value for h in page.of(blocks.Headline)} == {"n/a"}
    assert all(h.help and NOT_LOADED in h.help for h in page.of(blocks.Headline))
    assert all(c.figure is None and c.missing.startswith(NOT_LOADED) for c in page.of(blocks.Chart))
