"""ui/sections.py's plain HTML tables: what a page shows whole, as a table a screen reader reads."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from smp_dash.ui import sections

WARDS = pd.DataFrame({"ward": ["High Street", "Bridge & <Fant>"], "current": [918, 1566], "pct_change": [12.4, None],
                      "rate": [4.25, 0.5], "suppressed": ["<5", "hidden"],
                      "from": [pd.Timestamp("2021-02-01"), pd.NaT]})


def _cells(html: str, tag: str) -> list[tuple[str, str]]:
    """(class, text) of every ``tag`` cell, in order."""
    return [(m.group(1) or "", m.group(2))
            for m in re.finditer(rf'<{tag}(?: scope="col" data-column="[^"]*")?(?: class="(\w)")?>(.*?)</{tag}>', html)]


def test_a_table_says_its_figures_whole_and_right_aligned_and_escapes_every_cell():
    html = sections.table_html(WARDS, sections.column_words(WARDS) | {
        "current": "This period", "pct_change": {"label": "Change", "type_config": {"format": "%+.0f%%"}}},
        caption="Wards with most: ASB, Dec 2019 to Nov 2020")
    assert "<caption>Wards with most: ASB, Dec 2019 to Nov 2020</caption>" in html
    assert _cells(html, "th") == [("", "Ward"), ("n", "This period"), ("n", "Change"), ("n", "Rate"),
                                  ("n", "Suppressed"), ("", "From")]
    assert _cells(html, "td") == [
        ("", "High Street"), ("n", "918"), ("n", "+12%"), ("n", "4.2"), ("n", "&lt;5"), ("", "1 Feb 2021"),
        # thousands written out (the grid showed "1566"), a missing change blank, disclosure's words kept
        ("", "Bridge &amp; &lt;Fant&gt;"), ("n", "1,566"), ("n", ""), ("n", "0.5"), ("n", "hidden"), ("", "")]
    assert "<script" not in sections.table_html(pd.DataFrame({"x": ["<script>alert(1)</script>"]}), {})


@pytest.mark.parametrize(("frame", "region"), [
    (WARDS[["ward", "current"]], False),                           # two columns fit the narrowest page
    # the Data page's provenance: eight columns of long words are wider than 440 px however they wrap
    (pd.DataFrame({"dataset": ["service_requests"], "kind": ["demonstration"], "source": ["demonstration dataset"],
                   "rows": [16878], "first": ["2015-01-01"], "last": ["2021-03-31"],
                   "loaded_at": ["2026-12-07T09:09:15+00:00"], "sha256": ["c3e70280fdb5"]}), True),
])
def test_only_a_table_that_cannot_fit_is_a_region_the_keyboard_can_scroll(frame, region):
    html = sections.table_html(frame, sections.column_words(frame), caption="Where each dataset came from")
    opening = html[:html.index("<table>")]
    assert (opening == '<div class="smp-table" role="region" aria-label="Where each dataset came from" tabindex="0">'
            if region else opening == '<div class="smp-table">')


def test_a_column_of_fractions_keeps_one_number_of_decimals():
    """The compare page's comparators' rates read "13" beside "40.9": a column of fractions is written
    to one decimal throughout, thousands separated; whole numbers stay whole."""
    frame = pd.DataFrame({"rate": [13.0, 40.9, 1234.5], "whole": [1.0, 2.0, 3.0], "share": [0.25, 1.0, None]})
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", sections.table_html(frame, {}))
    assert cells[0::3] == ["13.0", "40.9", "1,234.5"]
    assert cells[1::3] == ["1", "2", "3"]
    assert cells[2::3] == ["0.2", "1.0", ""]
