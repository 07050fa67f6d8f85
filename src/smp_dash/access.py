"""Who may see what: roles from a roles file, and what each role may do.

Sign-in itself is Streamlit's (``st.login`` with OpenID Connect, configured in
``.streamlit/secrets.toml``); this module decides, from the signed-in address, which role the
person has. The roles file (TOML, ``SMP_ROLES_FILE`` or ``.streamlit/roles.toml``) maps exact
addresses and whole domains to roles; an exact address wins over its domain::

    [users]
    "ada.lovelace@maidstone.gov.uk" = "analyst"

    [domains]
    "kent.police.uk" = "partner"
    "maidstone.gov.uk" = "viewer"

A role is given only to a verified identity (:func:`identify`): the sign-in must come from an
issuer the roles file allows, for Microsoft Entra ID from a directory (tenant) it allows, and carry an
``email`` its provider vouches for (``email_verified`` true; for Entra, which sends no
``email_verified``, its ``xms_edov`` claim: the address's domain is verified by the user's own
directory). ``preferred_username`` is never used: a directory's administrator can set it to anything::

    [sign_in]
    issuers = ["https://login.microsoftonline.com/<tenant-id>/v2.0", "https://accounts.google.com"]
    tenants = ["<tenant-id>"]

Anyone else is refused (not let in as a viewer: a viewer still sees every page's aggregates).

Roles:

- ``analyst``: everything, including uploads, restores and row-level data;
- ``partner``: every page and every download, no uploads or restores;
- ``viewer``: aggregates only: disclosure control always on, no ward-level downloads of
  sensitive data (domestic abuse, needle finds, hate crime), no find locations, no data pack.

Anyone not in the file is refused. A roles file that cannot be read refuses everyone (fail
closed) with a message naming the file, line and key.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ANALYST, PARTNER, VIEWER = "analyst", "partner", "viewer"
ROLES = (ANALYST, PARTNER, VIEWER)
DESCRIPTIONS = {
    ANALYST: "everything, including uploads and row-level data",
    PARTNER: "every page and download; no uploads",
    VIEWER: "aggregates only, with small numbers hidden; no ward-level downloads of sensitive data",
}
_EMAIL = re.compile(r"^[^@\s]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$")
_DOMAIN = re.compile(r"^(?=.{3,253}$)[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")
_GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
#: Hosts whose tokens are Microsoft Entra ID's: any directory in the world can sign in through them.
ENTRA_HOSTS = ("login.microsoftonline.com", "sts.windows.net", "login.microsoftonline.us",
               "login.partner.microsoftonline.cn")
#: The directory of personal Microsoft accounts, which anyone can create.
PERSONAL_MICROSOFT = "9188040d-6c67-4c5b-b112-36a304b66dad"
#: Hosts an issuer may use plain http on: a provider on the same machine (tests, development).
LOOPBACK = ("127.0.0.1", "localhost", "::1")


class RolesError(ValueError):
    """The roles file is missing or wrong; the message names the file, the line and the key."""


@dataclass(frozen=True)
class Trust:
    """Who may vouch for an identity: the issuers (``iss``) whose sign-ins are accepted and, for
    Microsoft Entra ID, the directories (``tid``)."""

    issuers: frozenset[str] = frozenset()
    tenants: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Roles:
    """Addresses and domains to roles (all lower case), and whose sign-ins count."""

    users: dict[str, str] = field(default_factory=dict)
    domains: dict[str, str] = field(default_factory=dict)
    trust: Trust = field(default_factory=Trust)

    def role_for(self, email: str | None) -> str | None:
        """The role of ``email``: its own entry, else its domain's, else None (refused)."""
        if not email or not _EMAIL.match(email.strip()):
            return None
        address = email.strip().lower()
        return self.users.get(address) or self.domains.get(address.rsplit("@", 1)[1])


@dataclass(frozen=True)
class Access:
    """What the person using this session may do."""

    role: str
    email: str | None = None
    open_mode: bool = False     # no sign-in configured: the open demonstration mode

    @property
    def can_upload(self) -> bool:
        """Load files, commit them and restore versions."""
        return self.role == ANALYST

    @property
    def can_see_rows(self) -> bool:
        """See and download row-level data (individual crimes, finds, requests)."""
        return self.role == ANALYST

    @property
    def always_suppress(self) -> bool:
        """Disclosure control on whatever the filter says."""
        return self.role == VIEWER

    @property
    def can_download_pack(self) -> bool:
        """The data pack holds every priority's ward tables."""
        return self.role != VIEWER

    def can_download(self, sensitive_wards: bool) -> bool:
        """Whether a table (or chart) may be downloaded; ``sensitive_wards`` marks ward-level
        domestic abuse, needle finds or hate crime."""
        return self.role != VIEWER or not sensitive_wards

    @property
    def can_see_locations(self) -> bool:
        """Needle-find locations on maps (points, not ward totals)."""
        return self.role != VIEWER

    def describe(self) -> str:
        if self.open_mode:
            return "Open demonstration mode: no sign-in is configured, so everyone has full access."
        return f"Signed in as {self.email} ({self.role}: {DESCRIPTIONS[self.role]})."


#: The access everyone gets when sign-in is not configured.
OPEN = Access(ANALYST, None, open_mode=True)


@dataclass(frozen=True)
class Refusal:
    """Why a signed-in person is not let in: ``reason`` (a word, for the log) and ``message`` (for them)."""

    reason: str
    message: str


def identify(claims: Mapping, roles: Roles) -> Access | Refusal:
    """The access of a signed-in person, from their identity token's claims (``st.user``).

    A role is given only to a verified identity: ``iss`` among ``roles.trust.issuers``; for a
    Microsoft Entra issuer, ``tid`` among ``roles.trust.tenants`` and the issuer's own; an
    ``email`` that is ``email_verified`` (the JSON true, not the text "true"), or, from Entra when
    ``email_verified`` is absent, whose domain Entra verified (``xms_edov`` true); and that address
    (or its domain) in the roles file. ``preferred_username`` is never read.
    """
    trust = roles.trust
    issuer, entra = claims.get("iss"), _is_entra(claims.get("iss"))
    if not trust.issuers:
        return Refusal("no-issuers", "Access control is not set up completely, so nobody can be let in: the roles "
                       "file's [sign_in] issuers names no identity provider whose sign-ins are accepted (see README, "
                       "'Access control').")
    if not isinstance(issuer, str) or issuer not in trust.issuers:
        return Refusal("issuer", f"Your sign-in came from an identity provider SMP Dash does not accept "
                       f"({issuer if isinstance(issuer, str) else 'none named'}). Sign in with your organisation account.")
    tenant = claims.get("tid")
    if entra and (not isinstance(tenant, str) or tenant.lower() not in trust.tenants
                  or tenant.lower() != _entra_tenant(issuer)):
        return Refusal("tenant", "Your organisation's directory is not one whose accounts may use SMP Dash. "
                       "Ask the partnership's analyst to add it.")
    email = claims.get("email")
    if not isinstance(email, str) or not _EMAIL.match(email.strip()):
        return Refusal("no-email", "Your sign-in did not include an email address, so SMP Dash cannot tell who you "
                       "are (the user name is not used: it is not checked by your organisation). Ask your IT team to "
                       "send the email claim (see README, 'Access control').")
    if not _verified(claims, entra):
        return Refusal("unverified", f"Your identity provider does not confirm that {email} is yours (a verified "
                       "email address is needed), so SMP Dash cannot let you in. Ask your IT team to verify the "
                       "address or its domain (see README, 'Access control').")
    role = roles.role_for(email)
    if role is None:
        return Refusal("not-listed", f"{email} is not on the list of people who may use SMP Dash. "
                       "Ask the partnership's analyst to add your address or your organisation's domain.")
    return Access(role, email.strip())


def refusal_log(claims: Mapping, refusal: Refusal) -> str:
    """The log line of a refusal: the reason, the issuer and tenant, and only the domain of the
    address (no token, no other claim, no full address)."""
    email = claims.get("email")
    domain = email.rsplit("@", 1)[1].lower() if isinstance(email, str) and _EMAIL.match(email.strip()) else "none"
    issuer, tenant = claims.get("iss"), claims.get("tid")
    return (f"sign-in refused ({refusal.reason}): issuer={_printable(issuer)} tenant={_printable(tenant)} "
            f"email domain={_printable(domain)}")


def _verified(claims: Mapping, entra: bool) -> bool:
    """Whether the provider vouches for the address: ``email_verified`` true; or, from Entra, which
    sends no ``email_verified``, ``xms_edov`` true. An explicit ``email_verified`` false is never overridden."""
    if "email_verified" in claims and claims["email_verified"] is not None:
        return claims["email_verified"] is True
    return entra and claims.get("xms_edov") is True


def _is_entra(issuer) -> bool:
    return isinstance(issuer, str) and urlsplit(issuer).hostname in ENTRA_HOSTS


def _entra_tenant(issuer: str) -> str | None:
    """The directory an Entra issuer names (``https://login.microsoftonline.com/<tid>/v2.0``)."""
    first = urlsplit(issuer).path.strip("/").split("/")[0].lower()
    return first if _GUID.match(first) else None


def _printable(value) -> str:
    """A claim as it may go in a log line: short, on one line."""
    return re.sub(r"[^\w.:/@-]", "?", str(value))[:100] if isinstance(value, str) else "none"


def load_roles(path: Path | str) -> Roles:
    """Read and check a roles file.

    Raises
    ------
    RolesError naming the file, and the line and key of the first problem.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RolesError(f"{path}: roles file not found. Sign-in is configured, so a roles file must say who may "
                         "see what (see README, 'Access control'); until then nobody is let in.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RolesError(f"{path}: cannot be read as UTF-8 text ({exc}).") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RolesError(f"{path}: not valid TOML: {exc}.") from None
    unknown = sorted(set(data) - {"users", "domains", "sign_in"})
    if unknown:
        raise RolesError(f"{path}, line {_line(text, unknown[0])}: unknown section or key {unknown[0]!r}; "
                         "expected [users], [domains] and [sign_in].")
    tables = {}
    for section, pattern, what in (("users", _EMAIL, "an email address"), ("domains", _DOMAIN, "a domain like kent.police.uk")):
        entries = data.get(section, {})
        if not isinstance(entries, dict):
            raise RolesError(f"{path}, line {_line(text, section)}: {section} must be a table ([{section}]).")
        checked = {}
        for key, role in entries.items():
            where = f"{path}, line {_line(text, key)}, [{section}] {key!r}"
            if not pattern.match(key.strip()):
                raise RolesError(f"{where}: expected {what}.")
            if role not in ROLES:
                raise RolesError(f"{where}: role {role!r} is not one of {', '.join(ROLES)}.")
            if key.strip().lower() in checked:
                raise RolesError(f"{where}: listed twice (addresses and domains are not case-sensitive).")
            checked[key.strip().lower()] = role
        tables[section] = checked
    return Roles(tables["users"], tables["domains"], _trust(path, text, data.get("sign_in", {})))


def _trust(path: Path, text: str, section) -> Trust:
    """The ``[sign_in]`` section: https issuers (http only on this machine), tenant GUIDs, and a
    tenant listed for every Entra issuer."""
    if not isinstance(section, dict):
        raise RolesError(f"{path}, line {_line(text, 'sign_in')}: sign_in must be a table ([sign_in]).")
    unknown = sorted(set(section) - {"issuers", "tenants"})
    if unknown:
        raise RolesError(f"{path}, line {_line(text, unknown[0])}, [sign_in]: unknown key {unknown[0]!r}; "
                         "expected issuers and tenants.")
    lists = {}
    for key in ("issuers", "tenants"):
        values = section.get(key, [])
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise RolesError(f"{path}, line {_line(text, key)}, [sign_in] {key}: expected a list of texts, "
                             f'e.g. {key} = ["..."].')
        lists[key] = [v.strip() for v in values]
    tenants = {t.lower() for t in lists["tenants"]}
    for tenant in lists["tenants"]:
        if not _GUID.match(tenant.lower()):
            raise RolesError(f"{path}, line {_line(text, tenant)}, [sign_in] tenants {tenant!r}: expected a "
                             "directory (tenant) ID like 00000000-0000-0000-0000-000000000000; 'organizations' and "
                             "'common' are sign-in addresses for every directory, not a tenant.")
    for issuer in lists["issuers"]:
        where = f"{path}, line {_line(text, issuer)}, [sign_in] issuers {issuer!r}"
        parts = urlsplit(issuer)
        if not (parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in LOOPBACK)) \
                or not parts.hostname or any(c.isspace() for c in issuer):
            raise RolesError(f"{where}: expected an https address (the provider's issuer, e.g. "
                             "https://accounts.google.com; plain http only on 127.0.0.1 or localhost).")
        if _is_entra(issuer):
            tenant = _entra_tenant(issuer)
            if tenant is None:
                raise RolesError(f"{where}: a Microsoft Entra issuer names its directory, e.g. "
                                 "https://login.microsoftonline.com/<tenant-id>/v2.0; list each directory's own issuer.")
            if tenant not in tenants:
                raise RolesError(f"{where}: its directory {tenant} is not in [sign_in] tenants; list it there too.")
    return Trust(frozenset(lists["issuers"]), frozenset(tenants))


def _line(text: str, key: str) -> int:
    """The line on which ``key`` first appears in the file (1 if it cannot be found)."""
    for number, line in enumerate(text.splitlines(), start=1):
        if key in line:
            return number
    return 1
