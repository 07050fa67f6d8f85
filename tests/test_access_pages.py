"""Each role's view of the app (AppTest with ``at.user``), and the open demonstration mode."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from conftest import tables

APP = str(Path(__file__).resolve().parents[1] / "app.py")
AUTH = {"redirect_uri": "http://127.0.0.1:8501/oauth2callback", "cookie_secret": "c" * 32, "client_id": "smp-dash",
        "client_secret": "not-a-real-secret", "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration"}
ISSUER = "https://accounts.google.com"
ROLES = f"""[users]
"ada@maidstone.gov.uk" = "analyst"

[domains]
"kent.police.uk" = "partner"
"maidstone.gov.uk" = "viewer"

[sign_in]
issuers = ["{ISSUER}"]
"""
ANALYST, PARTNER, VIEWER = "ada@maidstone.gov.uk", "pc.smith@kent.police.uk", "vic@maidstone.gov.uk"


@pytest.fixture
def roles_file(tmp_path, monkeypatch, demo_store):
    path = tmp_path / "roles.toml"
    path.write_text(ROLES)
    monkeypatch.setenv("SMP_ROLES_FILE", str(path))
    return path


def _as(email: str | None, page: str = "overview.py", claims: dict | None = None, auth: dict = AUTH, **query) -> AppTest:
    """A session on ``page`` with sign-in configured, signed in as ``email`` with a verified address
    from the trusted issuer, or with ``claims`` (None and no claims: signed out)."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["auth"] = auth
    if claims is None and email:
        claims = {"iss": ISSUER, "email": email, "email_verified": True}
    at.user = {"is_logged_in": True, **claims} if claims else {"is_logged_in": False}
    at.query_params.update(query)
    at.switch_page(f"pages/{page}")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


#: The buttons that build the view as a pack, a draft and tables (ui.documents).
DOCUMENTS = ("build_data_pack", "build_draft", "build_tables")


def _downloads(at: AppTest) -> set[str]:
    return {d.proto.id.rsplit("-", 1)[-1] for d in at.get("download_button")}


@pytest.mark.parametrize("page", ["overview.py", "domestic_abuse.py", "data.py"])
def test_signed_out_sees_only_the_sign_in(roles_file, page):
    at = _as(None, page)
    assert [t.value for t in at.title] == ["SMP Dash · Safer Maidstone Partnership"]
    assert [b.key for b in at.button] == ["sign_in"]
    assert not at.metric and not at.get("plotly_chart") and not at.get("deck_gl_json_chart")
    assert not _downloads(at) and not at.sidebar.multiselect


def test_unknown_address_is_refused_with_a_clear_message(roles_file):
    at = _as("eve@example.com", "domestic_abuse.py")
    assert "eve@example.com is not on the list of people who may use SMP Dash" in at.error[0].value
    assert not at.metric and [b.key for b in at.button] == ["sign_out_refused"]


@pytest.mark.parametrize("claims, says", [
    ({"iss": ISSUER, "email": ANALYST, "email_verified": False}, f"does not confirm that {ANALYST} is yours"),
    ({"iss": ISSUER, "email": ANALYST, "email_verified": "true"}, f"does not confirm that {ANALYST} is yours"),
    ({"iss": ISSUER, "preferred_username": ANALYST}, "did not include an email address"),
    ({"iss": "https://login.microsoftonline.com/99999999-8888-7777-6666-555555555555/v2.0", "email": ANALYST,
      "email_verified": True, "tid": "99999999-8888-7777-6666-555555555555"}, "identity provider SMP Dash does not accept"),
])
def test_an_analyst_address_without_a_verified_identity_opens_nothing(roles_file, caplog, claims, says):
    # issue 20: an analyst's address in an unverified email, or only in preferred_username, opened the Data page
    at = _as(None, "data.py", claims=claims)
    assert says in at.error[0].value
    assert not at.get("file_uploader") and not at.metric and [b.key for b in at.button] == ["sign_out_refused"]
    logged = [r.getMessage() for r in caplog.records if r.name == "smp_dash.access"]
    assert len(logged) == 1 and logged[0].startswith("sign-in refused") and ANALYST not in logged[0]


def test_a_roles_file_without_allowed_issuers_lets_nobody_in(roles_file):
    roles_file.write_text(ROLES.split("[sign_in]")[0])
    at = _as(ANALYST, "data.py")
    assert "[sign_in] issuers names no identity provider" in at.error[0].value and not at.get("file_uploader")


def test_each_named_provider_has_its_sign_in_button(roles_file):
    provider = {k: AUTH[k] for k in ("client_id", "client_secret", "server_metadata_url")}
    at = _as(None, auth={"redirect_uri": AUTH["redirect_uri"], "cookie_secret": AUTH["cookie_secret"],
                         "maidstone": provider, "kent_police": provider})
    assert [(b.key, b.label) for b in at.button] == [("sign_in_maidstone", "Sign in with Maidstone"),
                                                     ("sign_in_kent_police", "Sign in with Kent Police")]


def test_a_broken_roles_file_lets_nobody_in_and_says_where(roles_file):
    roles_file.write_text('[users]\n"ada@maidstone.gov.uk" = "administrator"\n')
    at = _as(ANALYST)
    assert "nobody can be let in" in at.error[0].value
    assert f"{roles_file}, line 2" in at.error[0].value and "'administrator'" in at.error[0].value
    assert not at.metric


def test_analyst_can_load_files_and_see_rows(roles_file):
    at = _as(ANALYST, "data.py")
    assert at.get("file_uploader")
    assert at.selectbox(key="rows_dataset").value == "crimes"
    assert "dl_rows_crimes" in _downloads(at)
    assert any(f"Signed in as {ANALYST} (analyst" in c.value for c in at.sidebar.caption)


def test_partner_sees_every_page_and_download_but_cannot_load(roles_file):
    at = _as(PARTNER, "data.py")
    assert not at.get("file_uploader")
    assert any("for analysts" in i.value for i in at.info)
    at = _as(PARTNER, "domestic_abuse.py")
    assert {"dl_da_wards", "dl_da_funnel", "png_da_funnel"} <= _downloads(at)     # ward-level DA tables
    assert set(DOCUMENTS) <= {b.key for b in at.sidebar.button}          # the pack, the Word draft, the Excel tables
    assert at.sidebar.toggle(key="suppress").value is False


def test_viewer_sees_aggregates_only(roles_file):
    at = _as(VIEWER, "domestic_abuse.py", suppress="false")     # the link cannot switch disclosure control off
    toggle = at.sidebar.toggle(key="suppress_forced")
    assert toggle.proto.disabled and toggle.value is True        # and the toggle says so, whatever the link says
    assert not [t for t in at.sidebar.toggle if t.key == "suppress"]
    assert any("<5" in i.value or "small" in i.value.lower() for i in at.info)   # the disclosure note
    downloads = _downloads(at)
    assert not {"dl_da_wards", "dl_da_funnel", "png_da_funnel", "data_pack", "draft", "tables"} & downloads
    assert not set(DOCUMENTS) & {b.key for b in at.sidebar.button}     # nor the documents built from them
    assert "dl_da_trend" in downloads                               # borough-level figures stay downloadable
    assert sum("not available to viewers" in c.value for c in at.caption) == 2
    assert not at.get("file_uploader")


def test_viewer_map_of_needle_finds_has_no_find_locations(roles_file):
    def layers(at):
        return [layer["id"] for deck in at.get("deck_gl_json_chart") for layer in json.loads(deck.proto.json)["layers"]]

    assert "points" in layers(_as(PARTNER, "substance_misuse.py"))
    assert "points" not in layers(_as(VIEWER, "substance_misuse.py"))


def test_viewer_sees_no_needle_find_place_names(roles_file):
    def places(at):
        return [t for t in tables(at) if "location_name" in t.columns]

    assert len(places(_as(PARTNER, "substance_misuse.py"))) == 2       # this period and the last
    viewer = _as(VIEWER, "substance_misuse.py")
    assert not places(viewer)
    assert any("not shown to viewers" in c.value for c in viewer.caption)


def test_a_signed_in_session_can_sign_out(roles_file):
    at = _as(PARTNER)
    at.button(key="sign_out").click().run()
    assert [b.key for b in at.button] == ["sign_in"] and not at.metric


@pytest.mark.parametrize("page", ["overview.py", "police_data.py", "data.py"])
def test_without_sign_in_configured_every_page_says_open_mode(demo_store, page):
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page(f"pages/{page}")
    at.run()
    assert not at.exception
    assert any("Open demonstration mode" in c.value for c in at.caption)
    assert "sign_out" not in [b.key for b in at.sidebar.button]


@pytest.mark.parametrize("email, imports", [(ANALYST, True), (PARTNER, False), (VIEWER, False)])
def test_only_analysts_can_import_a_morile_sheet(roles_file, email, imports):
    at = _as(email, "morile.py")
    assert bool(at.get("file_uploader")) is imports
    assert any("for analysts" in c.value for c in at.caption) == (not imports)
    assert at.dataframe and tables(at)       # everyone still sees the sheet and the ranking
