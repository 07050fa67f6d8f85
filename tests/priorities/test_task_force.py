"""The task force page model (``priorities.task_force.page``): its blocks in order, the demonstration
data's figures, a store without needles or populations, and the documents' chapter drawn from it."""

from __future__ import annotations

import pytest

from conftest import block_keys, page_of
from smp_dash import assessment, blocks, measures
from smp_dash.priorities import task_force


@pytest.fixture(scope="module")
def page(frames, wards) -> blocks.Page:
    return page_of(task_force, frames, wards)


def test_blocks_in_page_order(page):
    assert block_keys(page) == ["AgainstRow", "focus_rates", "Text", "focus_table", "focus_trend"]
    assert [b.document for b in page.of(blocks.Chart)] == [True, False]     # the trend is the page's alone
    assert page.blocks[0].note == task_force.FIXED


@pytest.mark.parametrize("label, value, change, delta", [
    # the assessment year in the focus area; the tile compares its rate with the rest's
    ("Domestic abuse", "457", "+13 (+3%) on Dec 2018 to Nov 2019", "25.0 per 1,000, higher than the rest (15.6)"),
    ("ASB (police)", "1,115", "+295 (+36%) on Dec 2018 to Nov 2019", "60.9 per 1,000, higher than the rest (35.0)"),
    ("Drug offences", "58", "+12 (+26%) on Dec 2018 to Nov 2019", "3.2 per 1,000, higher than the rest (2.8)"),
    ("Needles found", "180", "+83 (+86%) on Dec 2018 to Nov 2019", "9.8 per 1,000, lower than the rest (15.0)"),
])
def test_key_figures_on_the_demonstration_data(page, label, value, change, delta):
    tile = {h.label: h for h in page.of(blocks.Headline)}[label]
    assert (tile.value, tile.change, tile.delta) == (value, change, delta)
    assert tile.arrow == ("down" if "lower" in delta else "up")
    assert tile.period == "Assessment year, Dec 2019 to Nov 2020"
    assert tile.sentence.startswith(f"{label} {task_force.WHERE}")


def test_the_measure_over_time_is_an_option(frames, wards):
    trend = lambda page: page.of(blocks.Chart)[-1]  # noqa: E731
    assert trend(page_of(task_force, frames, wards, measure="ASB (police)")).title.startswith("ASB (police) per 1,000 residents by month")
    # a link naming no measure of the page opens on the first
    assert trend(page_of(task_force, frames, wards, measure="Nonsense")).title.startswith("Domestic abuse per 1,000 residents")


def test_without_needles_or_populations_it_says_why_never_0(frames, wards):
    # police.uk data alone: crimes and ASB, no needle log and no ward populations
    page = page_of(task_force, {name: frame if name in ("crimes", "asb_incidents") else frame.iloc[:0] for name, frame in frames.items()},
                 wards)
    tiles = {h.label: h for h in page.of(blocks.Headline)}
    needles = tiles["Needles found"]
    assert needles.value == "n/a" and measures.NOT_LOADED in needles.change and needles.current is None
    assert needles.sentence.endswith(f"{needles.change}.")
    assert tiles["Domestic abuse"].value == "457" and tiles["Domestic abuse"].delta is None   # no rate to compare
    missing = page.of(blocks.Missing)
    assert [m.why for m in missing] == [measures.NO_POPULATION]
    assert not page.of(blocks.Text)                                  # no rate sentences without rates
    assert page.of(blocks.Chart)[-1].figure is None and page.of(blocks.Chart)[-1].missing == measures.NO_POPULATION


def test_the_documents_state_the_page_s_figures(page):
    section = assessment.section("The Shepway task force", page)
    shown = [(h.label, h.value, h.change, h.period) for h in page.of(blocks.Headline)]
    assert [(f.label, f.value, f.change, f.period) for f in section.figures] == shown
    assert section.notes == [task_force.FIXED]
    assert [t for t, _ in section.tables] == [page.of(blocks.Table)[0].title]
    assert [c.layout.title.text for c in section.charts] == [page.of(blocks.Chart)[0].title]   # not the page's trend
    assert section.story[:4] == [h.sentence for h in page.of(blocks.Headline)]
    assert section.caveats == page.caveats and "too soon" in section.caveats[0]
