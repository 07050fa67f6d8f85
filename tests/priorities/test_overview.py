"""The overview page model (``priorities.overview.page``): its blocks in order, the seed's headline
figures, what it says when police.uk is all there is, and the documents' executive summary is the
same page less its sparklines and links."""

from __future__ import annotations

import pandas as pd
import pytest

from smp_dash import assessment, blocks, bundle, demo, measures
from smp_dash.priorities import overview
from smp_dash.selection import PUBLISHED, Filter


@pytest.fixture(scope="module")
def frames(maidstone):
    wards, lsoas = maidstone
    return demo.build(wards, lsoas), wards[["ward_code", "ward_name"]]


def _view(frames, wards, **options):
    data = bundle.build(frames, wards)
    return data, Filter(options.get("wards", ()), (), PUBLISHED, None, suppress=options.get("suppress", False),
                        spans=data.spans)


@pytest.fixture(scope="module")
def published(frames):
    return overview.page(*_view(*frames))


def test_blocks_in_page_order(published):
    assert [type(b).__name__ for b in published.blocks] == [
        "DatedHeadlines", "Heading", "Sparklines", "Heading", "Side", "Text", "Links"]
    assert [b.title for b in published.of(blocks.Heading)] == ["Trend per priority", "Wards with most"]
    sparklines = published.of(blocks.Sparklines)[0]
    assert [s.label for s in sparklines.items] == ["Violent crime", "Complaints about young people gathering",
                                                   "Domestic abuse", "Drug offences", "Section 136 uses (yearly)",
                                                   "ASB incidents"]
    assert all(s.svg.startswith("<svg") and "<path" in s.svg and s.link.startswith("pages/") for s in sparklines.items)
    assert not sparklines.document and not published.of(blocks.Links)[0].document      # the page's alone
    side = published.of(blocks.Side)[0].items
    assert [t.title for t in side] == ["Wards with most: domestic abuse, Apr 2020 to Nov 2020 (whole borough)",
                                       "Wards with most: anti-social behaviour, Dec 2019 to Nov 2020 (whole borough)",
                                       "Wards with most: needles found, Dec 2019 to Nov 2020 (whole borough)"]
    assert [t.sensitive_wards for t in side] == [True, False, True]


def test_the_seed_figures(published):
    shown = {h.label: (h.value, h.delta) for h in published.of(blocks.Headline)}
    assert shown == {"Recorded crime": ("15,201", "-12% · beyond chance"),
                     "Domestic abuse": ("2,888", "+5.7% · beyond chance"),   # one decimal, as on the DA page
                     "Drug offences": ("502", "+21% · beyond chance"),
                     "ASB incidents": ("6,560", "+33% · beyond chance"),
                     "Needles found": ("2,511", "+55% · beyond chance"),
                     "Hate crimes": ("380", "-1% · within chance")}
    assert [h.period for h in published.of(blocks.Headline)][:2] == ["Calendar year 2020"] * 2
    top = published.of(blocks.Side)[0].items[0].frame
    assert top["ward"].head(3).tolist() == ["High Street", "Park Wood", "Shepway South"]
    assert published.of(blocks.Text)[0].sentences[0] == \
        "High Street, Park Wood and Shepway South recorded the most domestic abuse in Apr 2020 to Nov 2020."


def test_police_uk_alone_says_why_never_zero(frames):
    full, wards = frames
    crimes = full["crimes"].assign(domestic_abuse=pd.NA, hate_strand=pd.NA, offence_subgroup=pd.NA)
    empty = {name: full[name].iloc[0:0] for name in ("needle_finds", "service_requests", "indicators")}
    page = overview.page(*_view({**full, **empty, "crimes": crimes}, wards))
    shown = {h.label: h for h in page.of(blocks.Headline)}
    assert shown["Recorded crime"].value == "15,201"
    for label, reason in (("Domestic abuse", "police.uk has no domestic-abuse flag"),
                          ("Hate crimes", "police.uk has no hate crime strand"),
                          ("Needles found", "no needle finds")):
        assert shown[label].value == "n/a" and shown[label].caption.startswith(f"{measures.NOT_LOADED}: {reason}")
    sparks = {s.label: s for s in page.of(blocks.Sparklines)[0].items}
    assert sparks["Domestic abuse"].svg == "" and "domestic-abuse flag" in sparks["Domestic abuse"].why
    missing = {b.title: b.why for b in page.of(blocks.Side)[0].items if isinstance(b, blocks.Missing)}
    assert set(missing) == {"Wards with most: domestic abuse", "Wards with most: needles found"}
    assert all(why.startswith(measures.NOT_LOADED) for why in missing.values())


def test_the_documents_summary_is_the_page(frames, published):
    chapter = assessment.chapter(overview, *_view(*frames))
    headlines = published.of(blocks.Headline)
    assert [(f.label, f.value, f.change, f.period) for f in chapter.figures] == \
        [(h.label, h.value, h.change, h.period) for h in headlines]
    assert chapter.figures[1].change == "+156 (+5.7%) on 2019"
    assert chapter.story == [h.sentence for h in headlines] + list(published.of(blocks.Text)[0].sentences)
    side = published.of(blocks.Side)[0].items
    assert [t for t, _ in chapter.tables] == [t.title for t in side]
    for (_, frame), table in zip(chapter.tables, side):
        pd.testing.assert_frame_equal(frame, table.frame)
    assert not chapter.charts                        # sparklines are the page's alone
