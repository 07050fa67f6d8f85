"""Sign-in end to end: Chromium, the app, and a local OpenID Connect provider on 127.0.0.1.

The provider is ``oidc-provider-mock`` (PyPI), started in a thread by the test. Its login form
takes any subject; the test first gives each subject its claims (``PUT /users/<sub>``): a verified
address for the people the roles file knows, and the claims an attacker could get for the others.
Its issuer (``http://127.0.0.1:<port>``) is the one the roles file allows. The app runs with its
own secrets file (``--secrets.files``) and roles file (``SMP_ROLES_FILE``) in a temporary folder.
"""

from __future__ import annotations

import json
import logging
import threading
import urllib.request

import pytest

from browsing import MENU, PAGE_TIMEOUT_MS, SCREENSHOTS, free_port, serve, wait_idle
from smp_dash.ui import sidebar

pytestmark = pytest.mark.browser
CLIENT_SECRET = "client-secret-7c1e4a9b"
COOKIE_SECRET = "cookie-secret-5d2f8e3a6b9c"
ROLES = """[users]
"ada@maidstone.gov.uk" = "analyst"

[domains]
"kent.police.uk" = "partner"
"maidstone.gov.uk" = "viewer"

[sign_in]
issuers = ["{issuer}"]
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
    roles.write_text(ROLES.format(issuer=provider))
    log = folder / "streamlit.log"
    with serve(folder / "store", log, env={"SMP_ROLES_FILE": str(roles)}, port=port,
               args=("--secrets.files", str(secrets))) as url:
        yield url, log, provider


def claims(provider: str, sub: str, **values) -> None:
    """Give the provider's subject ``sub`` these claims (the mock's ``PUT /users/<sub>``)."""
    request = urllib.request.Request(f"{provider}/users/{sub}", data=json.dumps(values).encode(), method="PUT",
                                     headers={"Content-Type": "application/json"})
    urllib.request.urlopen(request, timeout=10).close()


@pytest.fixture
def tab(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 2400})
    yield context.new_page()
    context.close()


def sign_in_button(tab):
    return tab.get_by_role("button", name="Sign in")


def authorize(tab, url: str, sub: str) -> None:
    """Go through the provider's form as the subject ``sub``."""
    tab.goto(url)
    sign_in_button(tab).click(timeout=PAGE_TIMEOUT_MS)
    tab.locator("input[name=sub]").fill(sub, timeout=PAGE_TIMEOUT_MS)
    tab.get_by_role("button", name="Authorize").click()


def sign_in(tab, app, email: str) -> None:
    """Sign in as ``email``, an address the provider verified; wait for the first page to draw."""
    url, _, provider = app
    claims(provider, email, email=email, email_verified=True)
    authorize(tab, url, email)
    tab.locator('[data-testid="stMain"] p:has-text("Showing:")').first.wait_for(timeout=PAGE_TIMEOUT_MS)
    wait_idle(tab)


def go(tab, path: str) -> None:
    """Click the menu's link to the page at ``path`` (as a person switches page)."""
    tab.locator(f'{MENU} a:is([href="{path}"], [href$="/{path}"])').click()


def sidebar_text(tab) -> str:
    return tab.locator('[data-testid="stSidebar"]').inner_text()


@pytest.mark.parametrize("path", ["", "domestic_abuse", "data"])
def test_signed_out_browser_gets_only_the_sign_in(tab, app, path):
    url, _, _ = app
    tab.goto(f"{url}/{path}")
    sign_in_button(tab).wait_for(timeout=PAGE_TIMEOUT_MS)
    wait_idle(tab)
    main = tab.locator('[data-testid="stMain"]').inner_text()
    assert "Showing:" not in main and "domestic abuse" not in main.lower()
    assert tab.get_by_text("Page not found").count() == 0      # a shared link lands on the sign-in, not an error
    assert tab.locator(MENU).count() == 0
    assert tab.locator('[data-testid="stPlotlyChart"], [data-testid="stDeckGlJsonChart"], '
                       '[data-testid="stDownloadButton"]').count() == 0
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SCREENSHOTS / f"sign_in_{path or 'overview'}.png"))


def test_analyst_signs_in_and_can_load_data(tab, app):
    sign_in(tab, app, "ada@maidstone.gov.uk")
    assert "Signed in as ada@maidstone.gov.uk (analyst" in sidebar_text(tab)
    go(tab, "data")
    tab.locator('[data-testid="stFileUploader"]').wait_for(timeout=PAGE_TIMEOUT_MS)
    assert tab.get_by_role("heading", name="Row-level data").count() == 1


def test_partner_sees_downloads_but_no_uploads(tab, app):
    sign_in(tab, app, "pc.smith@kent.police.uk")
    assert "(partner" in sidebar_text(tab)
    # the data pack, the draft, the tables: each built under its own button (issue 21, section 4)
    assert all(_document_buttons(tab, d.label) for d in sidebar.DOCUMENTS) and len(sidebar.DOCUMENTS) == 3
    go(tab, "data")
    tab.get_by_text("are for analysts").wait_for(timeout=PAGE_TIMEOUT_MS)
    assert tab.locator('[data-testid="stFileUploader"]').count() == 0


def test_viewer_sees_aggregates_only(tab, app):
    sign_in(tab, app, "vic@maidstone.gov.uk")
    assert "(viewer" in sidebar_text(tab)
    go(tab, "domestic_abuse")
    tab.get_by_text("not available to viewers").first.wait_for(timeout=PAGE_TIMEOUT_MS)
    wait_idle(tab)
    assert tab.get_by_text("Disclosure control is on").count() >= 1
    tab.screenshot(path=str(SCREENSHOTS / "viewer_domestic_abuse.png"))
    assert tab.locator('[data-testid="stSidebar"] [data-testid="stDownloadButton"]').count() == 0   # no data pack, draft or tables
    assert not any(_document_buttons(tab, d.label) for d in sidebar.DOCUMENTS)                 # nor a button to build one


def _document_buttons(tab, label: str) -> int:
    """The sidebar's buttons that build or download the document ``label`` names."""
    return tab.locator('[data-testid="stSidebar"] button').filter(has_text=label).count()


def test_unknown_address_is_refused(tab, app):
    url, _, provider = app
    claims(provider, "eve@example.com", email="eve@example.com", email_verified=True)
    authorize(tab, url, "eve@example.com")
    tab.get_by_text("eve@example.com is not on the list").wait_for(timeout=PAGE_TIMEOUT_MS)
    assert tab.locator(MENU).count() == 0


@pytest.mark.parametrize("sub, values, says", [
    ("mallory-1", {"email": "ada@maidstone.gov.uk"}, "does not confirm that ada@maidstone.gov.uk is yours"),
    ("mallory-2", {"email": "ada@maidstone.gov.uk", "email_verified": False}, "does not confirm"),
    ("mallory-3", {"preferred_username": "ada@maidstone.gov.uk"}, "did not include an email address"),
])
def test_an_analyst_address_the_provider_does_not_verify_is_refused(tab, app, sub, values, says):
    # issue 20: an unverified email, or only a preferred_username, opened the analyst's Data page
    url, log, provider = app
    claims(provider, sub, **values)
    authorize(tab, url, sub)
    tab.get_by_text(says).wait_for(timeout=PAGE_TIMEOUT_MS)
    assert tab.locator(f'{MENU}, [data-testid="stFileUploader"]').count() == 0
    tab.goto(f"{url}/data")                           # a link to the Data page shows the refusal too
    tab.get_by_text(says).wait_for(timeout=PAGE_TIMEOUT_MS)
    assert tab.locator('[data-testid="stFileUploader"]').count() == 0
    assert "sign-in refused" in log.read_text() and "email domain=" in log.read_text()


def test_sign_out_returns_to_the_sign_in(tab, app):
    url, _, _ = app
    sign_in(tab, app, "pc.smith@kent.police.uk")
    tab.locator('[data-testid="stSidebar"]').get_by_role("button", name="Sign out").click()
    tab.get_by_role("button", name="End session").click(timeout=PAGE_TIMEOUT_MS)   # the provider's sign-out page
    sign_in_button(tab).wait_for(timeout=PAGE_TIMEOUT_MS)
    tab.goto(f"{url}/domestic_abuse")                     # the session cookie is gone: no way back in
    sign_in_button(tab).wait_for(timeout=PAGE_TIMEOUT_MS)


def test_secrets_and_session_cookies_stay_out_of_logs_and_pages(tab, app):
    _, log, _ = app
    sign_in(tab, app, "ada@maidstone.gov.uk")
    cookies = [c["value"] for c in tab.context.cookies() if c["name"].startswith("_streamlit")]
    assert cookies, "signing in sets Streamlit's session cookies"
    html = tab.content()
    written = log.read_text()
    for secret in [CLIENT_SECRET, COOKIE_SECRET, *cookies]:
        assert secret not in written, "a secret or cookie value reached the server log"
        assert secret not in html, "a secret or cookie value reached the page"
    assert "ada@maidstone.gov.uk" not in written                # refusals log the domain, never the address
