"""The serious and organised crime page model (``priorities.serious_organised_crime.page``): its
blocks in order, the seed's figures, what it says on police.uk's crimes alone, and that the
documents' chapter (``assessment.section``) and the page state the same figures."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from smp_dash import assessment, blocks
from smp_dash.priorities import serious_organised_crime as soc
from smp_dash.selection import CHOICE_LABELS, PUBLISHED

MODULE = soc
APP = Path(__file__).parents[2] / "app.py"
NOT_LOADED = "not in the data loaded"


def _outline(page: blocks.Page) -> list[tuple[str, str]]:
    return [(type(b).__name__, getattr(b, "title", "") or getattr(b, "key", "")) for b in page.blocks]


def test_blocks_in_page_order(demo):
    page = soc.page(*demo)
    assert _outline(page) == [
        ("Heading", "Violent crime, Calendar year 2020"), ("Headlines", ""),
        ("Chart", "Violent crime by subgroup, 2020 against 2019"),
        ("Chart", "Robbery, weapons and drugs by month, Whole borough"),
        ("Heading", "Town centre and the night-time economy"),
        ("Chart", "Violence and public order by month: town centre (High Street, Bridge, Fant) and the rest"),
        ("Heading", "Operations reported in the assessment"), ("Listing", "Operations reported in the assessment"),
        ("Heading", "Action plan"), ("Actions", "")]
    # the night-time economy and the operations are the page's own; the documents keep their chapter
    assert [b.document for b in page.blocks if isinstance(b, (blocks.Chart, blocks.Listing))] == [True, True, False, False]


def test_the_seeds_figures(demo):
    tiles = {h.label: (h.value, h.delta) for h in soc.page(*demo).of(blocks.Headline)}
    assert tiles == {"Violent crime": ("7,490", "-3% · within chance"),      # 7,722 in 2019, p = 0.06
                     "Violence against the person, share of violent crime": ("92%", None),
                     "Possession of weapons": ("160", "-8% · within chance")}
    subgroups = soc.page(*demo).of(blocks.Chart)[0]
    assert subgroups.caveat.startswith(soc.DEFINITION) and "beyond chance" in subgroups.caveat


def test_operations_are_listed_with_their_units_and_sources(demo):
    listing = soc.page(*demo).of(blocks.Listing)[0]
    assert list(listing.frame.columns) == ["label", "value", "period_start", "period_end", "note"]
    assert listing.frame["value"].map(type).eq(str).all() and listing.source


def test_police_uk_only_says_why_never_zero(police_uk):
    page = soc.page(*police_uk)
    tiles = {h.label: h for h in page.of(blocks.Headline)}
    share = tiles[soc.VAP_SHARE]
    assert share.value == "n/a" and share.caption == "police.uk does not split violence from sexual offences"
    assert tiles["Violent crime"].value not in ("0", "n/a")
    assert "police.uk's 'Violence and sexual offences' plus 'Robbery'" in tiles["Violent crime"].help
    subgroups = page.of(blocks.Chart)[0]
    assert soc.NO_SUBGROUP in set(subgroups.data["offence_subgroup"])
    assert page.of(blocks.Caption)[0].text == f"{NOT_LOADED}: no operations (the partner indicators template)"
    chapter = assessment.section("Serious and organised crime", page)
    figure = next(f for f in chapter.figures if f.label == soc.VAP_SHARE)
    assert (figure.value, figure.change) == ("n/a", "police.uk does not split violence from sexual offences")
    assert not any(f.value == "0" for f in chapter.figures)


def test_the_documents_state_the_pages_figures(demo):
    page = soc.page(*demo)
    chapter = assessment.chapter(soc, *demo)
    assert [(f.label, f.value, f.change, f.period) for f in chapter.figures] == \
        [(h.label, h.value, h.change, h.period) for h in page.of(blocks.Headline) if h.document]
    assert [c.layout.title.text for c in chapter.charts] == [c.title for c in page.of(blocks.Chart) if c.document]
    # the headlines' sentences, then what each chart in the documents says of its control chart
    assert chapter.story == [h.sentence for h in page.of(blocks.Headline) if h.sentence] + [
        f"{c.title}. {c.control}" for c in page.of(blocks.Chart) if c.document and c.control]
    assert chapter.tables == [] and chapter.actions == "soc"


def test_the_page_draws_the_models_figures(demo_store, demo):
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"ptype": CHOICE_LABELS[PUBLISHED]})
    at.switch_page("pages/serious_organised_crime.py").run()
    assert not at.exception, [e.value for e in at.exception]
    page = soc.page(*demo)
    assert [(m.label, m.value) for m in at.metric] == [(h.label, h.value) for h in page.of(blocks.Headline)]
    assert [h.value for h in at.subheader] == [b.title for b in page.of(blocks.Heading)]
    assert len(at.get("plotly_chart")) == 3


def test_an_empty_store_says_why_for_every_figure_and_chart(empty):
    page = MODULE.page(*empty)
    assert {h.value for h in page.of(blocks.Headline)} == {"n/a"}
    assert all(h.help and NOT_LOADED in h.help for h in page.of(blocks.Headline))
    assert all(c.figure is None and c.missing.startswith(NOT_LOADED) for c in page.of(blocks.Chart))
