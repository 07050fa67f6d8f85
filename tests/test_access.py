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
