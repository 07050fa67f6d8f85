"""Journeys in Chromium (issue 12, part 4): the app served over a store of police.uk street files for
2023 to 2025 only, loaded with ``smp-dash ingest``. The overview, domestic abuse and substance misuse
pages render without an exception, show 2025, and say "n/a" and "not in the data loaded" where
police.uk lacks the field or nobody loaded the dataset. Screenshots: artefacts/screenshots/journey_*.png.
"""

from __future__ import annotations

import pytest

import journey_data
from browsing import SCREENSHOTS, metric, open_page, serve
from smp_dash import cli

pytestmark = pytest.mark.browser

NOT_LOADED = "not in the data loaded"


@pytest.fixture(scope="module")
def app_url(tmp_path_factory, maidstone):
    root = tmp_path_factory.mktemp("journey_browser")
    wards, lsoas = maidstone
    journey_data.street_files(root / "police-uk", "2023-01", "2025-12", journey_data.places(wards, lsoas))
    assert cli.main(["--data-dir", str(root / "store"), "ingest", "police-uk", str(root / "police-uk")]) == 0
    with serve(root / "store", root / "streamlit.log") as url:
        yield url



def _visit(page, app_url: str, path: str, name: str) -> str:
    """Open ``path``, screenshot it as journey_<name>.png, check it shows no exception; the main text."""
    open_page(page, f"{app_url}/{path}")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"journey_{name}.png"))
    errors = page.locator('[data-testid="stException"]')
    assert errors.count() == 0, f"/{path} shows an exception: {errors.first.inner_text()[:500]}"
    text = page.locator('[data-testid="stMain"]').inner_text()
    assert "the latest periods in the data (to Dec 2025)" in text
    assert "Demonstration data" not in text
    return text


@pytest.mark.parametrize("path, heading, missing, counted", [
    ("", "Strategic Assessment 2025-26", ("Domestic abuse", "Needles found", "Hate crimes"),
     ("Recorded crime", "Drug offences", "ASB incidents")),
    ("domestic_abuse", "Recorded domestic abuse, Calendar year 2025",
     ("Domestic abuse crimes", "Share of all crime", "Share of violent crime"), ()),
    ("substance_misuse", "Needle finds, Assessment year, Dec 2024 to Nov 2025",
     ("Needles found", "Previous period", "Bulk incidents"), ("Drug offences",)),
], ids=["overview", "domestic_abuse", "substance_misuse"])
def test_page_says_what_the_data_lacks(page, app_url, path, heading, missing, counted):
    text = _visit(page, app_url, path, path or "overview")
    assert heading in text
    assert [metric(page, label).inner_text() for label in missing] == ["n/a"] * len(missing)
    assert NOT_LOADED in text
    for label in counted:     # what police.uk does hold is counted (the AppTest journeys check the numbers)
        shown = metric(page, label).inner_text()
        assert shown.replace(",", "").isdigit() and shown != "0", (label, shown)
