"""The ASB and community protection page model (``priorities.community_protection.page``): its blocks
in order, the demonstration data's figures, a store of police.uk data alone, and the documents'
chapter drawn from it."""

from __future__ import annotations

import pytest

from conftest import block_keys, page_of
from smp_dash import assessment, blocks, bundle as bundles, measures
from smp_dash.priorities import community_protection
from smp_dash.selection import PUBLISHED, Filter


@pytest.fixture(scope="module")
def page(frames, wards) -> blocks.Page:
    return page_of(community_protection, frames, wards)


def test_blocks_in_page_order(page):
    assert block_keys(page) == ["Headlines", "overlay_Police", "overlay_Counci", "categories", "Heading", "asb", "asb_funnel",
                            "Heading", "Said", "enforcement", "enforcement_table", "encampments", "Said"]
    # the council overlay, the funnel, the enforcement chart and the encampments are the page's alone
    assert [getattr(b, "key", "") for b in page.blocks if getattr(b, "document", True) is False] == \
        ["overlay_Counci", "asb_funnel", "enforcement", "encampments"]


def test_key_figures_and_sentences_on_the_demonstration_data(page):
    tiles = [(h.label, h.value, h.delta) for h in page.of(blocks.Headline)]
    assert tiles == [("Police-recorded ASB, Dec 2019 to Nov 2020", "6,560", "+33% · beyond chance"),
                     ("ASB complaints to the council, Dec 2019 to Nov 2020", "754", "+51% · beyond chance")]
    assert [s for b in page.of(blocks.Said) for s in b.sentences] == [
        "57 of 150 Community Protection Warnings were issued with Kent Police; 15 Fixed Penalty Notices followed breaches.",
        "Community trigger: 1 case review instigated in 2020."]


def test_a_category_is_drawn_by_month_when_chosen(frames, wards, page):
    offered = community_protection.categories(bundles.build(frames, wards), Filter((), (), PUBLISHED, None))
    assert offered and "ASB" not in offered          # council ASB complaints have their own chart
    chosen = page_of(community_protection, frames, wards, category=offered[0])
    month = next(c for c in chosen.of(blocks.Chart) if c.key == "category_month")
    assert month.title.startswith(f"{offered[0]} requests by month: Dec 2019 to Nov 2020") and not month.document
    assert "category_month" not in block_keys(page_of(community_protection, frames, wards, category="Nonsense"))   # only a category offered


def test_police_uk_alone_says_why_never_0(frames, wards):
    # police.uk data alone: crimes and ASB; no service requests, enforcement, encampments or indicators
    page = page_of(community_protection, {name: frame if name in ("crimes", "asb_incidents") else frame.iloc[:0] for name, frame in frames.items()},
                 wards)
    council = page.of(blocks.Headline)[1]
    assert council.value == "n/a" and measures.NOT_LOADED in council.change and council.current is None
    assert page.of(blocks.Chart)[1].figure is None and page.of(blocks.Chart)[1].missing == council.change
    assert "categories" not in block_keys(page)
    missing = {m.title: m.why for m in page.of(blocks.Missing)}
    assert list(missing) == ["Warnings, notices and penalties", "Unauthorised encampments", "Community triggers, 2020"]
    assert all(why.startswith(measures.NOT_LOADED) for why in missing.values())
    assert not page.of(blocks.Said) and not page.of(blocks.Table)


def test_the_documents_state_the_page_s_figures(page):
    section = assessment.section("ASB and community protection", page)
    shown = [(h.label, h.value, h.change, h.period) for h in page.of(blocks.Headline)]
    assert [(f.label, f.value, f.change, f.period) for f in section.figures] == shown
    assert [c.layout.title.text for c in section.charts] == [c.title for c in page.of(blocks.Chart) if c.document]
    assert [t for t, _ in section.tables] == ["Warnings, notices and penalties, 2020 (whole borough)"]
    assert section.story == [h.sentence for h in page.of(blocks.Headline)] + \
        [s for b in page.of(blocks.Said) for s in b.sentences]
    assert section.caveats == page.caveats
