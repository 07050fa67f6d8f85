"""A shared link opened first on a freshly started server still goes through app.py."""

import pytest

from browsing import MENU, open_page
from test_browser import app_url, showing  # noqa: F401  (a fixture)

pytestmark = pytest.mark.browser


def test_first_request_is_a_deep_link(page, app_url):  # noqa: F811
    # This module starts its own server, so this is the process's first session: before the fix
    # Streamlit ran the page alone (legacy pages/ mode: file-name navigation, no page config).
    open_page(page, f"{app_url}/domestic_abuse?wards=Bridge")
    nav = page.locator(MENU)
    assert nav.get_by_text("Serious and organised crime").count() == 1      # app.py's titles
    assert nav.get_by_text("children young people", exact=True).count() == 0  # not file names
    assert showing(page) == "Showing: Bridge, the latest periods in the data (to Mar 2021)"
    assert "wards=Bridge" in page.url
