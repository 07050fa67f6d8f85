"""The MoRiLE page model (``priorities.morile.page``): its blocks in order, the seed's ranking and the
volume and trend it takes from the data, what it says on police.uk's crimes alone and on an empty
store, the page's own weights and sheet, disclosure control for a viewer of a small ward, and that
the documents' chapter is the page's document blocks."""

from __future__ import annotations

import random

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from conftest import thin_sensitive, thinned_domestic_abuse
from smp_dash import assessment, blocks, bundle as bundles, morile
from smp_dash.periods import CAL_2020
from smp_dash.priorities import morile as model
from smp_dash.selection import PUBLISHED, Filter

DA = "Domestic abuse (including stalking)"
#: The sensitive data measures and their themes in the default sheet.
SENSITIVE = {"da_crimes": DA, "hate_crimes": "Hate crime", "needles_found": "Discarded needles"}
JUDGED = morile.default_sheet().set_index("theme")


def _outline(page: blocks.Page) -> list[tuple[str, str]]:
    return [(type(b).__name__, getattr(b, "title", "") or getattr(b, "text", "")[:30]) for b in page.blocks]


def _volume(page: blocks.Page) -> pd.DataFrame:
    return page.of(blocks.Listing)[0].frame.set_index("theme")


def _sentences(page: blocks.Page) -> list[str]:
    return [s for b in page.blocks if isinstance(b, blocks.Text) for s in b.sentences]


def _viewer(data, code: str, name: str, suppress: bool = True) -> Filter:
    return Filter((code,), (name,), PUBLISHED, None, suppress=suppress, spans=data.spans)


@pytest.fixture(scope="module")
def names(wards) -> dict[str, str]:
    return dict(zip(wards["ward_code"], wards["ward_name"]))


@pytest.fixture(scope="module")
def published(demo):
    return model.page(*demo)


def test_blocks_in_page_order(published):
    assert _outline(published) == [
        ("Expander", "How the priority score is worked out"), ("Heading", "Ranking, Whole borough"),
        ("Ranking", ""), ("Text", ""), ("Caption", model.DEFAULTS[:30]),
        ("Heading", model.SENSITIVITY), ("Table", "The smallest change to each weight that reorders the top five"),
        ("Expander", "Every change tried, with the new top five"), ("Caption", morile.SENSITIVITY_NOTE[:30]),
        ("Heading", "Volume and trend from the data, Calendar year 2020"),
        ("Listing", "Volume and trend from the data, Whole borough, Calendar year 2020")]
    method = published.blocks[0]
    assert "Priority score P" in method.blocks[0].sentences[0] and not method.blocks[0].document
    # the method, the sensitivity and the volume table are the page's alone
    assert [b.document for b in published.of(blocks.Table) + published.of(blocks.Listing)] == [False, False]
    assert not published.of(blocks.Caption)[1].document and published.of(blocks.Caption)[0].document


def test_the_seeds_ranking_and_the_volume_and_trend_from_the_data(published):
    ranking = published.of(blocks.Ranking)[0]
    table = ranking.table.frame
    assert table["theme"].head(5).tolist() == [DA, "County lines and drug supply", "Drug offences and substance misuse",
                                               "Anti-social behaviour", "Mental health crisis"]
    # DA: H 3.2, L (4 + 2 + 4) / 3 from the data, C 1, O 1.625 -> 17.33; county lines: 3.6 x 3 x 0.875 x 1.5 -> 14.18
    assert table["priority"].head(2).tolist() == [17.33, 14.18] and table["rank"].tolist() == list(range(1, 17))
    assert set(table["change"]) == {"–"}             # the defaults against themselves
    assert "ASB and community protection" in set(table["priority_area"])   # in words, as the sheet's editor shows them
    assert list(ranking.chart.figure.data[0].y) == table["theme"].tolist()
    assert ranking.table.title == "Priority ranking, Whole borough, Calendar year 2020 (default scores and weights)"
    volume = _volume(published)
    # 2,888 DA crimes in 2020, +5.7% on 2019 (the assessment's figures): volume 4, trend 2
    assert volume.loc[DA].tolist() == ["Domestic abuse crimes (police flag)", "2,888", "+5.7%", 4, 2]
    assert volume.loc["Drug offences and substance misuse", ["count", "change", "volume_score", "trend_score"]].tolist() \
        == ["502", "+21.0%", 3, 3]
    assert list(volume.index) == [DA, "Knife crime", "Violence in the night-time economy", "Anti-social behaviour",
                                  "Drug offences and substance misuse", "Discarded needles", "Hate crime"]
    assert _sentences(published) == [
        "With the default MoRiLE scores and equal weights, and volume and trend from the data for 2020, the five "
        "themes carrying the most threat, risk and harm are: Domestic abuse (including stalking), County lines and "
        "drug supply, Drug offences and substance misuse, Anti-social behaviour and Mental health crisis."]


def test_the_sensitivity_tables(published):
    smallest, = published.of(blocks.Table)
    assert list(smallest.frame.columns) == ["weight", "smallest_change", "what_moves"]
    assert smallest.frame["weight"].tolist() == [morile.LABELS[c] for c in morile.CRITERIA]
    tried = published.blocks[7].blocks[0].frame
    assert list(tried.columns) == ["weight", "weight_tried", "reorders", "top_five"]
    assert len(tried) == 5 * len(morile.CRITERIA)  # 0, 0.5, 1.5, 2 and 3 times each weight of 1


def test_the_pages_weights_and_sheet_as_a_cache_keys_them(demo, published):
    weights = {"harm_physical": 0.5}
    sheet = morile.default_sheet()
    sheet.loc[sheet["theme"] == "Illegal puppy farming", list(morile.CRITERIA)] = 4
    as_given = model.page(*demo, weights=weights, sheet=sheet)
    as_keys = model.page(*demo, weights=tuple(weights.items()), sheet=morile.sheet_rows(sheet))
    given, keyed = (p.of(blocks.Ranking)[0].table for p in (as_given, as_keys))
    assert_frame_equal(given.frame, keyed.frame)
    assert given.title == "Priority ranking, Whole borough, Calendar year 2020 (scores and weights as set on the MoRiLE page)"
    before = published.of(blocks.Ranking)[0].table.frame.set_index("theme").loc["Illegal puppy farming", "rank"]
    assert given.frame["theme"].iloc[0] == "Illegal puppy farming" and given.frame["change"].iloc[0] == f"▲{before - 1}"
    assert as_given.of(blocks.Caption)[0].text == model.CHANGED
    assert _sentences(as_given)[0].startswith("With the MoRiLE scores and weights set,")
    # the defaults given outright are the defaults
    same = model.page(*demo, weights=dict(morile.DEFAULT_WEIGHTS), sheet=morile.DEFAULT_ROWS)
    assert_frame_equal(same.of(blocks.Ranking)[0].table.frame, published.of(blocks.Ranking)[0].table.frame)
    assert same.of(blocks.Caption)[0].text == model.DEFAULTS


def test_police_uk_only_is_scored_on_judgement_and_says_so(police_uk):
    page = model.page(*police_uk)
    volume = _volume(page)
    assert not set(SENSITIVE.values()) & set(volume.index)    # no row, so no count of 0
    assert "0" not in set(volume["count"])
    said = "Not in the data loaded for 2020, so scored on judgement: Domestic abuse crimes (police flag), Hate crimes, " \
           "Needles found (bulk finds excluded)."
    assert said in _sentences(page)
    table = page.of(blocks.Ranking)[0].table.frame.set_index("theme")
    assert table.loc[DA, "likelihood"] == round(JUDGED.loc[DA, list(morile.LIKELIHOOD)].mean(), 2)   # 4, 2, 4
    assert said in assessment.section(model.TITLE, page).story


def test_an_empty_store_ranks_on_judgement_and_says_why(empty):
    page = model.page(*empty)
    assert _volume(page).empty
    assert _sentences(page)[0].startswith("With the default MoRiLE scores and equal weights, and the sheet's judged "
                                          "volume and trend (the data loaded holds none of its measures for 2020)")
    assert page.of(blocks.Ranking)[0].table.frame["theme"].iloc[0] == DA


def test_demonstration_data_beside_real_data_is_marked(frames, wards):
    loaded = {name: {"demo": name == "needle_finds"} for name in frames}    # a demonstration needle log, real crimes
    data = bundles.build(frames, wards, provenance=loaded)
    volume = _volume(model.page(data, Filter((), (), PUBLISHED, None, spans=data.spans)))
    assert volume.loc["Discarded needles", "measure"] == "Needles found (bulk finds excluded) (demonstration data)"
    assert volume.loc["Anti-social behaviour", "measure"] == "ASB incidents"


def test_a_viewer_of_one_small_ward_sees_no_count_from_1_to_4(frames, wards, names):
    code = next(c for c, n in names.items() if n == "Detling and Thurnham")
    data = bundles.build(thin_sensitive(frames, [code], random.Random(2)), wards)
    counted = morile.measures_from_data(data.crimes, data.asb, data.needles, CAL_2020, wards=(code,))
    # the thinned ward: 1 DA crime in 2020 (2 in 2019), 1 hate crime (4 in 2019): counts the data holds
    assert (counted["da_crimes"][0], counted["hate_crimes"][0]) == (1, 1)
    page = model.page(data, _viewer(data, code, names[code]))
    volume = _volume(page)
    for key in ("da_crimes", "hate_crimes"):
        row = volume.loc[SENSITIVE[key]]
        assert row["count"] in ("<5", "hidden") and row["change"] == model.NOT_SHOWN
        # nor do the scores give it away: the sheet's judged volume and trend stand
        assert (row["volume_score"], row["trend_score"]) == tuple(JUDGED.loc[SENSITIVE[key],
                                                                             ["likelihood_volume", "likelihood_trend"]])
    sensitive = volume.loc[list(SENSITIVE.values()), "count"]    # other measures are not sensitive (3 weapons here)
    assert sensitive.tolist() == ["<5", "<5", "0"]                # no needle find in 2020: 0, which may be shown
    hidden = "so volume and trend are scored on judgement: Domestic abuse crimes (police flag), Hate crimes."
    assert any(s.endswith(hidden) for s in _sentences(page))
    # the pack of a ward selection has disclosure control on, and states the same
    chapter = assessment.section(model.TITLE, model.page(data, _viewer(data, code, names[code])))
    assert chapter.story == _sentences(page)
    # an analyst with disclosure control off sees the count and its effect on the scores
    exact = _volume(model.page(data, _viewer(data, code, names[code], suppress=False)))
    assert exact.loc[DA, ["count", "change", "volume_score", "trend_score"]].tolist() == ["1", "-50.0%", 1, 1]


@pytest.mark.parametrize("suppress", [True, False], ids=["viewer", "analyst"])
def test_a_hidden_count_changes_nothing_a_viewer_sees(frames, wards, names, suppress):
    """One DA crime or four in 2020 (two in 2019): to a viewer of the ward, every block is the same (a
    trend of -50% or +100% would otherwise score 1 or 4 and move the theme)."""
    pages = []
    for left in (((2020, 1), (2019, 2)), ((2020, 4), (2019, 2))):
        thinned, code = thinned_domestic_abuse(frames, names, left=left)
        data = bundles.build(thinned, wards)
        pages.append(model.page(data, _viewer(data, code, names[code], suppress=suppress)))
    one, four = pages
    frames_of = lambda page: [b.frame for b in page.of(blocks.Listing) + page.of(blocks.Table)] + \
        [page.of(blocks.Ranking)[0].table.frame, page.blocks[7].blocks[0].frame]  # noqa: E731
    same = all(a.equals(b) for a, b in zip(frames_of(one), frames_of(four))) and _sentences(one) == _sentences(four)
    assert same is suppress      # an analyst's page does change: the control is what keeps it still


def test_the_documents_chapter_is_the_pages_document_blocks(demo, published):
    chapter = assessment.chapter(model, *demo)
    ranking = published.of(blocks.Ranking)[0]
    [(title, table)] = chapter.tables
    assert title == ranking.table.title
    assert_frame_equal(table, ranking.table.frame[list(ranking.document_columns)])
    assert list(table.columns) == ["rank", "theme", "priority_area", "priority", "harm", "likelihood"]
    assert [c.layout.title.text for c in chapter.charts] == [ranking.chart.title] == ["Priority score, Whole borough"]
    assert chapter.story == _sentences(published)
    assert chapter.notes == [model.DEFAULTS] and chapter.caveats == [morile.CAVEAT]
    assert chapter.title == model.TITLE and chapter.where == "in the whole borough"
