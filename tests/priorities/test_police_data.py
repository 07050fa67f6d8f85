"""The police data page model (``priorities.police_data.page``): its blocks in order, the seed's
figures, what it says when police.uk is all there is, and the documents' chapter is the same page."""

from __future__ import annotations

import pandas as pd
import pytest

from conftest import outline
from smp_dash import assessment, blocks, bundle, demo, measures
from smp_dash.priorities import police_data
from smp_dash.selection import PUBLISHED, Filter


@pytest.fixture(scope="module")
def frames(maidstone):
    wards, lsoas = maidstone
    return demo.build(wards, lsoas), wards[["ward_code", "ward_name"]]


def _page(frames, wards, **options) -> blocks.Page:
    data = bundle.build(frames, wards)
    view = Filter(options.get("wards", ()), (), PUBLISHED, None, suppress=options.get("suppress", False),
                  spans=data.spans)
    return police_data.page(data, view)


@pytest.fixture(scope="module")
def published(frames):
    return _page(*frames)


def test_blocks_in_page_order(published):
    assert outline(published) == [
        ("Heading", "Recorded crime, Calendar year 2020"),
        ("Headlines", "Recorded crime | Recorded crime, Kent"),
        ("Chart", "Recorded crime by calendar year, Whole borough"),
        ("Chart", "Change by crime type, 2020 against 2019"),
        ("Heading", "Kent districts, 2020"),
        ("DistrictMap", "Recorded crime by Kent district, 2020 against 2019"),
        ("Text", "Among Kent's districts, Maidstone recorded the 3rd most crime in 2020 (15,201)."),
        ("Chart", "Recorded crime by Kent district, 2020"),
        ("Heading", "Hate crime, Assessment year, Dec 2019 to Nov 2020"),
        ("Headlines", "Hate crimes"),
        ("Chart", "Hate crime by strand, Dec 2019 to Nov 2020"),
        ("Heading", "Integrated Offender Management"),
        ("Headlines", "IOM cohort (Kent)"),
        ("Chart", "IOM cohort by police division (% of Kent cohort)"),
    ]


def test_the_seed_figures(published):
    shown = {h.label.removesuffix(f" {measures.DEMO_MARK}"): (h.value, h.delta) for h in published.of(blocks.Headline)}
    assert shown == {"Recorded crime": ("15,201", "-12% · beyond chance"),   # 17,260 in 2019
                     "Recorded crime, Kent": ("153,000", "-10%"),
                     "Hate crimes": ("380", "-1% · within chance"),           # 383 before: noise
                     "IOM cohort (Kent)": ("243", "+2 on a year earlier")}
    crime = published.of(blocks.Headline)[0]
    assert crime.sentence.startswith("Recorded crime in the whole borough fell")
    assert "Calendar year 2020" in crime.help


def test_police_uk_alone_says_why_never_zero(frames):
    full, wards = frames
    crimes = full["crimes"].assign(hate_strand=pd.NA, offence_subgroup=pd.NA, domestic_abuse=pd.NA)
    page = _page({**full, "crimes": crimes, "indicators": full["indicators"].iloc[0:0]}, wards)
    hate = next(h for h in page.of(blocks.Headline) if h.label == "Hate crimes")
    assert hate.value == "n/a" and "police.uk has no hate crime strand" in hate.caption
    missing = {b.title: b.why for b in page.of(blocks.Missing)}
    assert set(missing) == {"Recorded crime by Kent district", "Hate crime by strand"}
    assert all(why.startswith((measures.NOT_LOADED, "Not")) or "police.uk" in why for why in missing.values()), missing
    assert not page.of(blocks.DistrictMap)                       # no Kent figures: no map, no Kent tile
    iom = next(h for h in page.of(blocks.Headline) if h.label.startswith("IOM"))
    assert iom.value == "n/a" and iom.help.startswith(measures.NOT_LOADED)
    assert [h.value for h in page.of(blocks.Headline)] == ["15,201", "n/a", "n/a"]   # crime still counted
    iom_chart = next(c for c in page.of(blocks.Chart) if c.key == "iom")
    assert iom_chart.figure is None and iom_chart.missing


def test_an_empty_store_says_why(frames):
    full, wards = frames
    page = _page({name: frame.iloc[0:0] for name, frame in full.items()}, wards)
    values = [h.value for h in page.of(blocks.Headline)]
    assert values == ["n/a", "n/a", "n/a"] and "0" not in values
    assert {b.title for b in page.of(blocks.Missing)} == {"Recorded crime by calendar year", "Recorded crime by Kent district",
                                                          "Hate crime by strand"}


def test_the_documents_chapter_is_the_page(frames, published):
    data = bundle.build(*frames)
    view = Filter((), (), PUBLISHED, None, spans=data.spans)
    chapter = assessment.chapter(police_data, data, view)
    documented = [h for h in published.of(blocks.Headline) if h.document]
    assert [(f.label, f.value, f.change, f.period) for f in chapter.figures] == \
        [(h.label, h.value, h.change, h.period) for h in documented] == \
        [("Recorded crime", "15,201", "-2,059 (-12%) on 2019", "Calendar year 2020"),
         ("Hate crimes", "380", "-3 (-1%) on Dec 2018 to Nov 2019", "Assessment year, Dec 2019 to Nov 2020")]
    district = published.of(blocks.DistrictMap)[0]
    assert [t for t, _ in chapter.tables] == [district.title]
    pd.testing.assert_frame_equal(chapter.tables[0][1], district.table)
    titles = [fig.layout.title.text for fig in chapter.charts]
    assert titles == [c.title for c in published.of(blocks.Chart) if c.document]
    assert "Among Kent's districts, Maidstone recorded the 3rd most crime in 2020 (15,201)." in chapter.story
