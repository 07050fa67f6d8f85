"""The mental health page model (``priorities.mental_health.page``): its blocks in order, the
demonstration data's figures, a store with no partner figures, and the documents' chapter drawn
from it."""

from __future__ import annotations

import pytest

from conftest import block_keys, page_of
from smp_dash import assessment, blocks, measures
from smp_dash.priorities import mental_health


@pytest.fixture(scope="module")
def page(frames, wards) -> blocks.Page:
    return page_of(mental_health, frames, wards)


def test_blocks_in_page_order(page):
    assert block_keys(page) == ["Headlines", "s136", "mh_referrals", "csvg", "Said", "Heading", "Actions"]
    assert [c.document for c in page.of(blocks.Chart)] == [True, True, False]   # the case mix is the page's alone
    assert page.actions == "mental_health" and page.caveats == [mental_health.BOROUGH_WIDE]


@pytest.mark.parametrize("label, value, change, document", [
    ("Section 136 uses (borough)", "115", "-28 (-20%) on 2019", True),          # 143 in 2019
    ("CSVG cases with a mental health concern", "71%", "", False),
    ("Residents reporting a negative mental health impact", "52%", "", False),
])
def test_key_figures_on_the_demonstration_data(page, label, value, change, document):
    tile = {h.label: h for h in page.of(blocks.Headline)}[label]
    assert (tile.value, tile.change, tile.document, tile.period) == (value, change, document, "Calendar year 2020")


def test_the_outreach_sentence(page):
    said = page.of(blocks.Said)[0]
    assert said.sentences == ("Outreach: Since October 2020 3 mental health professionals working with the homeless "
                              "outreach team have engaged 19 people, 7 of them now on psychiatrist plans.",)


def test_without_partner_figures_it_says_why_never_0(frames, wards):
    # police.uk data alone: no indicators, so no section 136, referrals, case mix, survey or outreach
    page = page_of(mental_health, {name: frame if name in ("crimes", "asb_incidents") else frame.iloc[:0] for name, frame in frames.items()},
                 wards)
    s136 = page.of(blocks.Headline)[0]
    assert (s136.value, s136.current, s136.change) == ("n/a", None, "")
    assert s136.sentence.endswith(f"{measures.NOT_LOADED}.")
    assert [h.value for h in page.of(blocks.Headline)[1:]] == ["n/a", "n/a"]
    assert measures.NOT_LOADED in page.blocks[0].note
    assert all(c.figure is None and measures.NOT_LOADED in c.missing for c in page.of(blocks.Chart))
    assert not page.of(blocks.Said)
    assert [m.title.startswith("Outreach") and measures.NOT_LOADED in m.why for m in page.of(blocks.Missing)] == [True]


def test_the_documents_state_the_page_s_figures(page):
    section = assessment.section("Mental health", page)
    shown = [(h.label, h.value, h.change, h.period) for h in page.of(blocks.Headline) if h.document]
    assert [(f.label, f.value, f.change, f.period) for f in section.figures] == shown
    assert [c.layout.title.text for c in section.charts] == [c.title for c in page.of(blocks.Chart)[:2]]
    assert section.story == [page.of(blocks.Headline)[0].sentence, *page.of(blocks.Said)[0].sentences]
    assert section.actions == "mental_health"
