"""Roles: the roles file, who gets which role, and what each role may do."""

from __future__ import annotations

import pytest

from smp_dash import access
from smp_dash.access import ANALYST, PARTNER, VIEWER

ROLES_TOML = """
# who may sign in, and as what
[users]
"Ada.Lovelace@maidstone.gov.uk" = "analyst"
"visitor@kent.police.uk" = "viewer"

[domains]
"kent.police.uk" = "partner"
"maidstone.gov.uk" = "viewer"
"""


@pytest.fixture
def roles(tmp_path):
    path = tmp_path / "roles.toml"
    path.write_text(ROLES_TOML)
    return access.load_roles(path)


@pytest.mark.parametrize("email, role", [
    ("ada.lovelace@maidstone.gov.uk", ANALYST),      # an address wins over its domain, in any case
    ("ADA.LOVELACE@MAIDSTONE.GOV.UK", ANALYST),
    ("someone@maidstone.gov.uk", VIEWER),
    ("pc.smith@kent.police.uk", PARTNER),
    ("visitor@kent.police.uk", VIEWER),
    ("someone@evil.example", None),                   # unknown: refused
    ("someone@sub.kent.police.uk", None),             # a domain is that domain, not its subdomains
    ("kent.police.uk", None),                         # not an address
    ("", None),
    (None, None),
])
def test_role_for(roles, email, role):
    assert roles.role_for(email) == role


def _write(tmp_path, text):
    path = tmp_path / "roles.toml"
    path.write_text(text)
    return path


@pytest.mark.parametrize("text, message", [
    ('[users]\n"ada@maidstone.gov.uk" = "admin"\n', r"line 2, \[users\] 'ada@maidstone.gov.uk': role 'admin' is not one of analyst, partner, viewer"),
    ('[users]\n"ada" = "analyst"\n', r"line 2, \[users\] 'ada': expected an email address"),
    ('[domains]\n\n"@kent" = "partner"\n', r"line 3, \[domains\] '@kent': expected a domain"),
    ('[users]\n"a@b.gov.uk" = "viewer"\n"A@B.gov.uk" = "analyst"\n', r"line 3, .*listed twice"),
    ('[groups]\n"x" = "analyst"\n', r"line 1: unknown section or key 'groups'"),
    ('[users\n', r"not valid TOML: .*line 1"),
    ('users = "analyst"\n', r"line 1: users must be a table"),
])
def test_bad_roles_file_names_file_line_and_key(tmp_path, text, message):
    path = _write(tmp_path, text)
    with pytest.raises(access.RolesError, match=message) as caught:
        access.load_roles(path)
    assert str(path) in str(caught.value)


def test_missing_roles_file_lets_nobody_in(tmp_path):
    with pytest.raises(access.RolesError, match="roles file not found.*nobody is let in"):
        access.load_roles(tmp_path / "absent.toml")


def test_empty_roles_file_refuses_everyone(tmp_path):
    assert access.load_roles(_write(tmp_path, "")).role_for("ada@maidstone.gov.uk") is None


@pytest.mark.parametrize("role, upload, rows, suppress, pack, sensitive, locations", [
    (ANALYST, True, True, False, True, True, True),
    (PARTNER, False, False, False, True, True, True),
    (VIEWER, False, False, True, False, False, False),
])
def test_what_each_role_may_do(role, upload, rows, suppress, pack, sensitive, locations):
    who = access.Access(role, "x@maidstone.gov.uk")
    assert (who.can_upload, who.can_see_rows, who.always_suppress, who.can_download_pack,
            who.can_download(sensitive_wards=True), who.can_see_locations) == (upload, rows, suppress, pack, sensitive, locations)
    assert who.can_download(sensitive_wards=False)          # everyone may download what is not sensitive by ward
    assert role in who.describe() and "x@maidstone.gov.uk" in who.describe()


def test_open_mode_says_so():
    assert access.OPEN.open_mode and access.OPEN.can_upload
    assert "Open demonstration mode" in access.OPEN.describe()


# Verified identities: who gets which role from which claims (issue 20). One Entra directory and
# Google are trusted; the Entra issuer names the same directory as the tenant list.
TENANT = "11111111-2222-3333-4444-555555555555"
OTHER = "99999999-8888-7777-6666-555555555555"
ENTRA = f"https://login.microsoftonline.com/{TENANT}/v2.0"
GOOGLE = "https://accounts.google.com"
TRUST = f"""
[sign_in]
issuers = ["{ENTRA}", "{GOOGLE}"]
tenants = ["{TENANT}"]
"""
ADA = "ada.lovelace@maidstone.gov.uk"


@pytest.fixture
def trusted(tmp_path):
    return access.load_roles(_write(tmp_path, ROLES_TOML + TRUST))


def _outcome(result) -> str:
    """The role given, or 'refused: <reason>'."""
    return result.role if isinstance(result, access.Access) else f"refused: {result.reason}"


def _google(**claims):
    return {"iss": GOOGLE, "sub": "1077", **claims}


def _entra(**claims):
    return {"iss": ENTRA, "tid": TENANT, "sub": "x1", "oid": "o1", **claims}


@pytest.mark.parametrize("claims, outcome", [
    # Google: email_verified is the provider's word, and only the JSON true counts
    (_google(email=ADA, email_verified=True), ANALYST),
    (_google(email=ADA.upper(), email_verified=True), ANALYST),                  # an address in any case
    (_google(email="pc.smith@kent.police.uk", email_verified=True), PARTNER),
    (_google(email=ADA, email_verified=False), "refused: unverified"),
    (_google(email=ADA), "refused: unverified"),                                # absent: not vouched for
    (_google(email=ADA, email_verified=None), "refused: unverified"),
    (_google(email=ADA, email_verified="true"), "refused: unverified"),         # a text is not OIDC's boolean
    (_google(email=ADA, email_verified=1), "refused: unverified"),
    (_google(email=ADA, xms_edov=True), "refused: unverified"),                 # xms_edov is Entra's, not Google's
    (_google(preferred_username=ADA), "refused: no-email"),                     # never the role from the user name
    (_google(preferred_username=ADA, email_verified=True), "refused: no-email"),
    (_google(email="ada", email_verified=True), "refused: no-email"),           # not an address
    (_google(email="eve@example.com", email_verified=True), "refused: not-listed"),
    # the issuer: exactly one the roles file lists
    ({"email": ADA, "email_verified": True}, "refused: issuer"),                # none
    ({"iss": "https://evil.example", "email": ADA, "email_verified": True}, "refused: issuer"),
    ({"iss": GOOGLE + "/", "email": ADA, "email_verified": True}, "refused: issuer"),
    ({"iss": "accounts.google.com", "email": ADA, "email_verified": True}, "refused: issuer"),   # Google's other form, unless listed
    # Microsoft Entra ID: the tenant too, and xms_edov when email_verified is absent
    (_entra(email=ADA, xms_edov=True), ANALYST),
    (_entra(email=ADA, xms_edov=True, tid=TENANT.upper()), ANALYST),           # a GUID in any case
    (_entra(email=ADA, email_verified=True), ANALYST),                         # a directory that sends email_verified
    (_entra(email="someone@maidstone.gov.uk", xms_edov=True), VIEWER),
    (_entra(email=ADA), "refused: unverified"),                                # no word on the address
    (_entra(email=ADA, xms_edov=False), "refused: unverified"),
    (_entra(email=ADA, xms_edov="true"), "refused: unverified"),
    (_entra(email=ADA, email_verified=False, xms_edov=True), "refused: unverified"),   # an explicit false stands
    (_entra(email=ADA, email_verified="true"), "refused: unverified"),
    (_entra(preferred_username=ADA, xms_edov=True), "refused: no-email"),      # Entra's UPN: never the role
    (_entra(preferred_username=ADA, upn=ADA), "refused: no-email"),
    (_entra(email=ADA, xms_edov=True, tid=OTHER), "refused: tenant"),          # iss and tid disagree
    ({"iss": ENTRA, "email": ADA, "xms_edov": True}, "refused: tenant"),       # tid absent
    (_entra(email=ADA, xms_edov=True, tid=None), "refused: tenant"),
    (_entra(email=ADA, xms_edov=True, iss=f"https://login.microsoftonline.com/{OTHER}/v2.0", tid=OTHER),
     "refused: issuer"),                                                        # another directory's administrator
    (_entra(email=ADA, xms_edov=True, iss="https://login.microsoftonline.com/{tenantid}/v2.0"), "refused: issuer"),
    (_entra(email=ADA, xms_edov=True, iss=f"https://sts.windows.net/{TENANT}/"), "refused: issuer"),   # v1 issuer unless listed
])
def test_a_role_is_given_only_to_a_verified_identity(trusted, claims, outcome):
    assert _outcome(access.identify(claims, trusted)) == outcome


def test_a_v1_entra_issuer_is_checked_against_its_tenant(tmp_path):
    roles = access.load_roles(_write(tmp_path, ROLES_TOML + f'[sign_in]\nissuers = ["https://sts.windows.net/{TENANT}/"]\n'
                                     f'tenants = ["{TENANT}"]\n'))
    v1 = {"iss": f"https://sts.windows.net/{TENANT}/", "email": ADA, "xms_edov": True}
    assert _outcome(access.identify({**v1, "tid": TENANT}, roles)) == ANALYST
    assert _outcome(access.identify({**v1, "tid": OTHER}, roles)) == "refused: tenant"


@pytest.mark.parametrize("trust", ["", "[sign_in]\n", "[sign_in]\nissuers = []\n"])
def test_without_allowed_issuers_nobody_is_let_in(tmp_path, trust):
    roles = access.load_roles(_write(tmp_path, ROLES_TOML + trust))
    refusal = access.identify(_google(email=ADA, email_verified=True), roles)
    assert refusal.reason == "no-issuers" and "[sign_in] issuers" in refusal.message


@pytest.mark.parametrize("reason, claims, says", [
    ("issuer", {"iss": "https://evil.example", "email": ADA}, "does not accept (https://evil.example)"),
    ("tenant", _entra(email=ADA, tid=OTHER), "directory is not one"),
    ("no-email", _google(preferred_username=ADA), "did not include an email address"),
    ("unverified", _google(email=ADA, email_verified=False), f"does not confirm that {ADA} is yours"),
    ("not-listed", _google(email="eve@example.com", email_verified=True), "eve@example.com is not on the list"),
])
def test_each_refusal_says_why(trusted, reason, claims, says):
    refusal = access.identify(claims, trusted)
    assert refusal.reason == reason and says in refusal.message


def test_the_refusal_log_names_the_domain_not_the_address_nor_any_token(trusted):
    claims = _google(email=ADA, email_verified=False, preferred_username=ADA, nonce="n-0451",
                     tokens={"id": "eyJhbGciOi.secret"}, at_hash="h-99")
    line = access.refusal_log(claims, access.identify(claims, trusted))
    assert line == f"sign-in refused (unverified): issuer={GOOGLE} tenant=none email domain=maidstone.gov.uk"
    forged = {"iss": "https://evil.example/\nsign-in accepted: ada", "email": "x@y"}     # a claim cannot forge a log line
    line = access.refusal_log(forged, access.identify(forged, trusted))
    assert "\n" not in line and line.startswith("sign-in refused (issuer): issuer=https://evil.example/?sign-in?accepted")


@pytest.mark.parametrize("trust, message", [
    ('[sign_in]\ntenants = ["organizations"]\n', r"line 2, \[sign_in\] tenants 'organizations': expected a directory"),
    ('[sign_in]\nissuers = ["http://accounts.example.com"]\n', r"line 2, \[sign_in\] issuers .*: expected an https address"),
    ('[sign_in]\nissuers = ["accounts.google.com"]\n', r"expected an https address"),
    (f'[sign_in]\nissuers = ["{ENTRA}"]\n', rf"its directory {TENANT} is not in \[sign_in\] tenants"),
    ('[sign_in]\nissuers = ["https://login.microsoftonline.com/organizations/v2.0"]\n', r"names its directory"),
    ('[sign_in]\nissuers = "https://accounts.google.com"\n', r"issuers: expected a list of texts"),
    ('[sign_in]\nissuer = ["https://accounts.google.com"]\n', r"unknown key 'issuer'"),
    ('sign_in = "google"\n', r"sign_in must be a table"),
])
def test_bad_sign_in_section_names_file_line_and_key(tmp_path, trust, message):
    with pytest.raises(access.RolesError, match=message):
        access.load_roles(_write(tmp_path, trust))


def test_sign_in_section_is_read(tmp_path):
    roles = access.load_roles(_write(tmp_path, f'[sign_in]\nissuers = ["{ENTRA}", "http://127.0.0.1:9000"]\n'
                                              f'tenants = ["{TENANT.upper()}"]\n'))
    assert roles.trust == access.Trust(frozenset({ENTRA, "http://127.0.0.1:9000"}), frozenset({TENANT}))
