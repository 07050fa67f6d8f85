"""Sign-in end to end: Chromium, the app, and a local OpenID Connect provider on 127.0.0.1.

The provider is ``oidc-provider-mock`` (PyPI), started in a thread by the test. Its login form
takes any subject; a subject it does not know gets the claims ``{"email": subject}``, so typing
an address signs in as that address. The app runs with its own secrets file (``--secrets.files``)
and roles file (``SMP_ROLES_FILE``) in a temporary folder.
"""

from __future__ import annotations

import logging
import threading

import pytest

from browsing import PAGE_TIMEOUT_MS, SCREENSHOTS, free_port, serve, wait_idle
from smp_dash.ui import sidebar

pytestmark = pytest.mark.browser
CLIENT_SECRET = "client-secret-7c1e4a9b"
COOKIE_SECRET = "cookie-secret-5d2f8e3a6b9c"
ROLES = """[users]
"ada@maidstone.gov.uk" = "analyst"

[domains]
"kent.police.uk" = "partner"
"maidstone.gov.uk" = "viewer"
"""


@pytest.fixture(scope="module")
def provider():
    """The mock OpenID Connect provider on 127.0.0.1; yields its issuer URL."""
    import oidc_provider_mock
    import werkzeug.serving

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = werkzeug.serving.make_server("127.0.0.1", 0, oidc_provider_mock.app(require_nonce=True), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="module")
def app(tmp_path_factory, provider):
    """The app with sign-in configured against the provider; yields (base URL, server log path)."""
    from smp_dash import cli

    folder = tmp_path_factory.mktemp("auth")
    assert cli.main(["--data-dir", str(folder / "store"), "demo"]) == 0
    port = free_port()
    secrets = folder / "secrets.toml"
    secrets.write_text(f"""[auth]
redirect_uri = "http://127.0.0.1:{port}/oauth2callback"
cookie_secret = "{COOKIE_SECRET}"
client_id = "smp-dash"
client_secret = "{CLIENT_SECRET}"
server_metadata_url = "{provider}/.well-known/openid-configuration"
""")
    roles = folder / "roles.toml"
    roles.write_text(ROLES)
    log = folder / "streamlit.log"
    with serve(folder / "store", log, env={"SMP_ROLES_FILE": str(roles)}, port=port,
               args=("--secrets.files", str(secrets))) as url:
        yield url, log


@pytest.fixture
def tab(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 2400})
    yield context.new_page()
    context.close()


def sign_in_button(tab):
    return tab.get_by_role("button", name="Sign in")


def sign_in(tab, url: str, email: str) -> None:
    """Sign in through the provider's form as ``email``; wait for the first page to draw."""
    tab.goto(url)
    sign_in_button(tab).click(timeout=PAGE_TIMEOUT_MS)
    tab.locator("input[name=sub]").fill(email, timeout=PAGE_TIMEOUT_MS)
    tab.get_by_role("button", name="Authorize").click()
    tab.locator('[data-testid="stMain"] p:has-text("Showing:")').first.wait_for(timeout=PAGE_TIMEOUT_MS)
    wait_idle(tab)


def go(tab, path: str) -> None:
    """Click the sidebar's link to the page at ``path`` (as a person switches page), opening the
    navigation's "View more" first when the link is folded away."""
    link = tab.locator(f'[data-testid="stSidebarNav"] a[href$="/{path}"]')
    if not link.is_visible():
        tab.locator('[data-testid="stSidebarNav"]').get_by_text("more", exact=False).last.click()
    link.click()


def sidebar_text(tab) -> str:
    return tab.locator('[data-testid="stSidebar"]').inner_text()


@pytest.mark.parametrize("path", ["", "domestic_abuse", "data"])
def test_signed_out_browser_gets_only_the_sign_in(tab, app, path):
    url, _ = app
    tab.goto(f"{url}/{path}")
    sign_in_button(tab).wait_for(timeout=PAGE_TIMEOUT_MS)
    wait_idle(tab)
    main = tab.locator('[data-testid="stMain"]').inner_text()
    assert "Showing:" not in main and "domestic abuse" not in main.lower()
    assert tab.get_by_text("Page not found").count() == 0      # a shared link lands on the sign-in, not an error
    assert tab.locator('[data-testid="stSidebarNav"]').count() == 0
    assert tab.locator('[data-testid="stPlotlyChart"], [data-testid="stDeckGlJsonChart"], '
                       '[data-testid="stDownloadButton"]').count() == 0
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SCREENSHOTS / f"sign_in_{path or 'overview'}.png"))


def test_analyst_signs_in_and_can_load_data(tab, app):
    url, _ = app
    sign_in(tab, url, "ada@maidstone.gov.uk")
    assert "Signed in as ada@maidstone.gov.uk (analyst" in sidebar_text(tab)
    go(tab, "data")
    tab.locator('[data-testid="stFileUploader"]').wait_for(timeout=PAGE_TIMEOUT_MS)
    assert tab.get_by_role("heading", name="Row-level data").count() == 1


def test_partner_sees_downloads_but_no_uploads(tab, app):
    url, _ = app
    sign_in(tab, url, "pc.smith@kent.police.uk")
    assert "(partner" in sidebar_text(tab)
    assert tab.locator('[data-testid="stSidebar"] [data-testid="stDownloadButton"]').count() == len(sidebar.DOCUMENTS) == 3   # the data pack, the draft, the tables
    go(tab, "data")
    tab.get_by_text("are for analysts").wait_for(timeout=PAGE_TIMEOUT_MS)
    assert tab.locator('[data-testid="stFileUploader"]').count() == 0


def test_viewer_sees_aggregates_only(tab, app):
    url, _ = app
    sign_in(tab, url, "vic@maidstone.gov.uk")
    assert "(viewer" in sidebar_text(tab)
    go(tab, "domestic_abuse")
    tab.get_by_text("not available to viewers").first.wait_for(timeout=PAGE_TIMEOUT_MS)
    wait_idle(tab)
    assert tab.get_by_text("Disclosure control is on").count() >= 1
    tab.screenshot(path=str(SCREENSHOTS / "viewer_domestic_abuse.png"))
    assert tab.locator('[data-testid="stSidebar"] [data-testid="stDownloadButton"]').count() == 0   # no data pack, draft or tables


def test_unknown_address_is_refused(tab, app):
    url, _ = app
    tab.goto(url)
    sign_in_button(tab).click(timeout=PAGE_TIMEOUT_MS)
    tab.locator("input[name=sub]").fill("eve@example.com")
    tab.get_by_role("button", name="Authorize").click()
    tab.get_by_text("eve@example.com is not on the list").wait_for(timeout=PAGE_TIMEOUT_MS)
    assert tab.locator('[data-testid="stSidebarNav"]').count() == 0


def test_sign_out_returns_to_the_sign_in(tab, app):
    url, _ = app
    sign_in(tab, url, "pc.smith@kent.police.uk")
    tab.locator('[data-testid="stSidebar"]').get_by_role("button", name="Sign out").click()
    tab.get_by_role("button", name="End session").click(timeout=PAGE_TIMEOUT_MS)   # the provider's sign-out page
    sign_in_button(tab).wait_for(timeout=PAGE_TIMEOUT_MS)
    tab.goto(f"{url}/domestic_abuse")                     # the session cookie is gone: no way back in
    sign_in_button(tab).wait_for(timeout=PAGE_TIMEOUT_MS)


def test_secrets_and_session_cookies_stay_out_of_logs_and_pages(tab, app):
    url, log = app
    sign_in(tab, url, "ada@maidstone.gov.uk")
    cookies = [c["value"] for c in tab.context.cookies() if c["name"].startswith("_streamlit")]
    assert cookies, "signing in sets Streamlit's session cookies"
    html = tab.content()
    written = log.read_text()
    for secret in [CLIENT_SECRET, COOKIE_SECRET, *cookies]:
        assert secret not in written, "a secret or cookie value reached the server log"
        assert secret not in html, "a secret or cookie value reached the page"
