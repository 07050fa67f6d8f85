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
from dataclasses import dataclass, field
from pathlib import Path

ANALYST, PARTNER, VIEWER = "analyst", "partner", "viewer"
ROLES = (ANALYST, PARTNER, VIEWER)
DESCRIPTIONS = {
    ANALYST: "everything, including uploads and row-level data",
    PARTNER: "every page and download; no uploads",
    VIEWER: "aggregates only, with small numbers hidden; no ward-level downloads of sensitive data",
}
_EMAIL = re.compile(r"^[^@\s]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$")
_DOMAIN = re.compile(r"^(?=.{3,253}$)[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")


class RolesError(ValueError):
    """The roles file is missing or wrong; the message names the file, the line and the key."""


@dataclass(frozen=True)
class Roles:
    """Addresses and domains to roles (all lower case)."""

    users: dict[str, str] = field(default_factory=dict)
    domains: dict[str, str] = field(default_factory=dict)

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
    unknown = sorted(set(data) - {"users", "domains"})
    if unknown:
        raise RolesError(f"{path}, line {_line(text, unknown[0])}: unknown section or key {unknown[0]!r}; "
                         "expected [users] and [domains].")
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
    return Roles(tables["users"], tables["domains"])


def _line(text: str, key: str) -> int:
    """The line on which ``key`` first appears in the file (1 if it cannot be found)."""
    for number, line in enumerate(text.splitlines(), start=1):
        if key in line:
            return number
    return 1
