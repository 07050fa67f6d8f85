"""The children and young people page model (``priorities.children_young_people.page``): its blocks
in order, the seed's figures, what it says when the youth justice figures or the council's complaints
are not loaded, and the documents' chapter is the same page."""

from __future__ import annotations

import pytest

from conftest import outline
from smp_dash import assessment, blocks, bundle, demo, measures, periods
from smp_dash.priorities import children_young_people
from smp_dash.selection import PUBLISHED, Filter


@pytest.fixture(scope="module")
def frames(maidstone):
    wards, lsoas = maidstone
    return demo.build(wards, lsoas), wards[["ward_code", "ward_name"]]


def _view(frames, wards, kind=PUBLISHED, period=None):
    data = bundle.build(frames, wards)
    return data, Filter((), (), kind, period, spans=data.spans)


def _page(frames, wards, **options) -> blocks.Page:
    return children_young_people.page(*_view(frames, wards, **options))


@pytest.fixture(scope="module")
def published(frames):
    return _page(*frames)


def test_blocks_in_page_order(published):
    assert outline(published) == [
        ("Heading", "Youth justice, Financial year (Apr-Mar) 2019/20"),
        ("Headlines", "Youth offences (borough) | Young people offending (borough) | Youth population convicted"),
        ("Chart", "Youth offences by financial year"),
        ("Chart", "Young offenders by age band"),
        ("Heading", "Youth-related ASB reported to the council"),
        ("Chart", "Complaints about young people gathering, by month, Whole borough (2020 shaded)"),
        ("Heading", "Action plan"),
        ("Actions", "children_young_people"),
    ]
    assert published.of(blocks.Headlines)[0].note == "Borough-wide figures: the ward filter does not apply."


def test_the_seed_figures(published):
    shown = {h.label: (h.value, h.change, h.delta) for h in published.of(blocks.Headline)}
    assert shown == {"Youth offences (borough)": ("87", "-23 (-21%) on 2018/19", "-21% · within chance"),
                     "Young people offending (borough)": ("39", "+4 (+11%) on 2018/19", "+11% · within chance"),
                     "Youth population convicted": ("0.2%", "", None)}
    offences = published.of(blocks.Headline)[0]
    assert offences.sentence == ("Youth offences in the whole borough held broadly stable at 87 in 2019/20 (110 in "
                                 "2018/19, -21%), within chance.")     # borough-wide, whatever the wards
    chart = published.of(blocks.Chart)[0]
    assert chart.data["label"].iloc[-1] == "2019/20" and chart.data["value"].iloc[-1] == 87


def test_a_year_not_yet_published_says_which_is_shown(frames):
    # 2020/21 had not been published: the page says so and shows 2019/20, never a fall to 0
    page = _page(*frames, kind="financial", period=periods.period("financial", 2020))
    assert page.of(blocks.Note)[0].text.endswith("holds them to 2019/20, so 2019/20 is shown.")
    assert page.of(blocks.Headline)[0].value == "87"


def test_police_uk_alone_says_why_never_zero(frames):
    full, wards = frames
    page = _page({**full, "indicators": full["indicators"].iloc[0:0], "service_requests": full["service_requests"].iloc[0:0]},
                 wards)
    assert page.of(blocks.Note)[0].text.startswith(measures.NOT_LOADED)
    values = {h.label: (h.value, h.sentence) for h in page.of(blocks.Headline)}
    assert values["Youth offences (borough)"] == ("n/a", f"Youth offences, Financial year (Apr-Mar) 2019/20: "
                                                          f"{measures.NOT_LOADED}.")
    assert "0" not in [v for v, _ in values.values()]
    charts = {c.key: c for c in page.of(blocks.Chart)}
    assert charts["youth_offences"].figure is None and charts["youth_offences"].missing.startswith(measures.NOT_LOADED)
    assert charts["youth_asb"].figure is None and charts["youth_asb"].missing


def test_the_documents_chapter_is_the_page(frames, published):
    chapter = assessment.chapter(children_young_people, *_view(*frames))
    documented = [h for h in published.of(blocks.Headline) if h.document]
    assert [(f.label, f.value, f.change, f.period) for f in chapter.figures] == \
        [(h.label, h.value, h.change, h.period) for h in documented]
    assert [f.label for f in chapter.figures] == ["Youth offences (borough)", "Young people offending (borough)"]
    gathering = next(c for c in published.of(blocks.Chart) if c.key == "youth_asb")
    # the headlines' sentences, then what the complaints' control chart says, after its title
    assert chapter.story == [h.sentence for h in documented] + [f"{gathering.title}. {gathering.control}"]
    assert gathering.control.startswith("Control chart: Latest month (") and "Improvement is a fall." in gathering.control
    assert [fig.layout.title.text for fig in chapter.charts] == \
        [c.title for c in published.of(blocks.Chart) if c.document] == \
        ["Youth offences by financial year", "Complaints about young people gathering, by month, Whole borough (2020 shaded)"]
    assert chapter.actions == "children_young_people"
    assert children_young_people.NOT_A_GANG in chapter.caveats
