"""The settings a deployment runs with, and which of them are dangerous (``smp-dash doctor``).

Reads and never changes: Streamlit's settings (``.streamlit/config.toml``, overridden by
``STREAMLIT_*`` environment variables as Streamlit does; options given to ``streamlit run`` on its
command line are not seen), the secrets file's ``[auth]`` section (sign-in; no value of it is ever
repeated), the roles file (who may write it, and its ``[sign_in]`` section), and, when given,
HAProxy's configuration in front of several servers (``smp-dash serve``: where it listens, whether
it keeps each session on its server, checks their health and lets websockets stay open). Each
dangerous setting is a :class:`Finding` saying what is at risk and what to set instead.
"""

from __future__ import annotations

import stat
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from smp_dash import access, config

#: The Streamlit options checked, with Streamlit's defaults and their environment variables.
OPTIONS = {
    "server.address": (None, "STREAMLIT_SERVER_ADDRESS"),
    "server.headless": (True, "STREAMLIT_SERVER_HEADLESS"),      # Streamlit's default on a server without a display
    "server.enableXsrfProtection": (True, "STREAMLIT_SERVER_ENABLE_XSRF_PROTECTION"),
    "server.enableCORS": (True, "STREAMLIT_SERVER_ENABLE_CORS"),
    "server.corsAllowedOrigins": ([], "STREAMLIT_SERVER_CORS_ALLOWED_ORIGINS"),
    "server.maxUploadSize": (200, "STREAMLIT_SERVER_MAX_UPLOAD_SIZE"),
    "client.showErrorDetails": ("full", "STREAMLIT_CLIENT_SHOW_ERROR_DETAILS"),
    "logger.level": ("info", "STREAMLIT_LOGGER_LEVEL"),
}
#: Microsoft sign-in addresses that accept an account from any directory, instead of one tenant's.
ANY_DIRECTORY = ("common", "organizations", "consumers")
#: The shortest cookie secret accepted: it signs the cookie that holds a signed-in person's claims.
MIN_COOKIE_SECRET = 32
#: Permission bits that let someone other than the owner change a file (group or others may write).
OTHERS_WRITE = stat.S_IWGRP | stat.S_IWOTH


@dataclass(frozen=True)
class Finding:
    """A dangerous setting: which, where it is set, and why it is dangerous (with the fix)."""

    setting: str
    where: str
    problem: str

    def __str__(self) -> str:
        return f"DANGER {self.setting} ({self.where}): {self.problem}"


def findings(streamlit_config: Path, secrets: Path, roles: Path,
             environ: Mapping[str, str], balancer: Path | None = None) -> list[Finding]:
    """Every dangerous setting of the deployment these files and this environment describe."""
    options, found = _streamlit_options(Path(streamlit_config), environ)
    auth, problems = _auth_section(Path(secrets))
    found += problems
    found += _server(options, signed_in=auth is not None)
    if auth is not None:
        found += _sign_in(auth, Path(secrets))
        found += _roles(Path(roles))
    if balancer is not None:
        found += _balancer(Path(balancer), signed_in=auth is not None)
    return found


def _server(options: dict, signed_in: bool) -> list[Finding]:
    """Streamlit's server settings for production."""
    found = []

    def danger(name, problem):
        found.append(Finding(name, options[name][1], problem))

    address = options["server.address"][0]
    if not signed_in and address not in access.LOOPBACK:
        danger("server.address", f"open mode (no sign-in: no [auth] in the secrets file) on "
               f"{address or 'every network interface (address unset)'}: anyone who can reach the server sees "
               "and changes everything. Configure sign-in, or set server.address = \"127.0.0.1\".")
    if not _true(options["server.enableXsrfProtection"][0]):
        danger("server.enableXsrfProtection", "XSRF protection is off: another web site can send uploads through "
               "a signed-in analyst's browser. Set it to true.")
    if not _true(options["server.enableCORS"][0]):
        danger("server.enableCORS", "cross-origin protection is off: Streamlit answers any web site "
               "(Access-Control-Allow-Origin: *) and accepts its WebSocket. Set it to true.")
    if "*" in str(options["server.corsAllowedOrigins"][0]):
        danger("server.corsAllowedOrigins", "'*' lets every web site in. List the origins you trust, or none.")
    if _number(options["server.maxUploadSize"][0]) > config.MAX_UPLOAD_BYTES // 2**20:
        danger("server.maxUploadSize", f"uploads of up to {options['server.maxUploadSize'][0]} MB are held in memory, "
               f"more than the {config.MAX_UPLOAD_BYTES // 2**20} MB the app accepts. Set it to "
               f"{config.MAX_UPLOAD_BYTES // 2**20}.")
    if not _true(options["server.headless"][0]):
        danger("server.headless", "the server tries to open a browser on itself. Set it to true.")
    if str(options["client.showErrorDetails"][0]).lower() not in ("none", "false"):
        danger("client.showErrorDetails", "browsers are shown error details (tracebacks with paths and values). "
               'Set it to "none": the log keeps them.')
    if str(options["logger.level"][0]).lower() == "debug":
        danger("logger.level", "debug logging writes request and sign-in details to the log. Set it to \"info\".")
    return found


def _sign_in(auth: Mapping, secrets: Path) -> list[Finding]:
    """The ``[auth]`` settings that would let a forged or unverified identity in."""
    found, where = [], str(secrets)
    if len(str(auth.get("cookie_secret", ""))) < MIN_COOKIE_SECRET:
        found.append(Finding("auth.cookie_secret", where, f"shorter than {MIN_COOKIE_SECRET} characters: it signs the "
                             "cookie holding who is signed in, so a guessed secret forges any identity. Use "
                             "python3 -c 'import secrets; print(secrets.token_urlsafe(32))'."))
    redirect = urlsplit(str(auth.get("redirect_uri", "")))
    if redirect.scheme != "https" and redirect.hostname not in access.LOOPBACK:
        found.append(Finding("auth.redirect_uri", where, "not https: sign-in codes and the session cookie would "
                             "cross the network unencrypted. Serve the app over https."))
    if "expose_tokens" in auth:
        found.append(Finding("auth.expose_tokens", where, "hands the provider's tokens to the app, which needs none; "
                             "a token shown or logged by mistake signs someone in elsewhere. Remove it."))
    providers = {"auth": auth, **{f"auth.{k}": v for k, v in auth.items() if isinstance(v, Mapping)}}
    for name, section in providers.items():
        url = urlsplit(str(section.get("server_metadata_url", "")))
        directory = url.path.strip("/").split("/")[0].lower()
        if url.hostname in access.ENTRA_HOSTS and directory in ANY_DIRECTORY:
            found.append(Finding(f"{name}.server_metadata_url", where, f"'{directory}' accepts accounts from every "
                                 "Microsoft directory, whose administrators set their users' claims. Use each "
                                 "directory's own tenant ID (a provider per directory) and list it in the roles "
                                 "file's [sign_in] tenants."))
    return found


def _roles(path: Path) -> list[Finding]:
    """Who may change the roles file, and whether it lets anyone in, and whom."""
    found = []
    for target, what in ((path, "the roles file"), (path.parent, "the roles file's folder")):
        try:
            mode = target.stat().st_mode
        except OSError:
            continue
        if mode & OTHERS_WRITE and not (target.is_dir() and mode & stat.S_ISVTX):
            found.append(Finding("roles file", str(target), f"{what} can be written by others (mode "
                                 f"{stat.filemode(mode)}): anyone with that access can make themselves an analyst. "
                                 f"chmod go-w {target}."))
    try:
        roles = access.load_roles(path)
    except access.RolesError as exc:
        return found + [Finding("roles file", str(path), f"nobody can sign in: {exc}")]
    if not roles.trust.issuers:
        found.append(Finding("[sign_in] issuers", str(path), "no identity provider is trusted, so nobody can sign "
                             "in. List your provider's issuer (see README, 'Access control')."))
    if access.PERSONAL_MICROSOFT in roles.trust.tenants:
        found.append(Finding("[sign_in] tenants", str(path), f"{access.PERSONAL_MICROSOFT} is the directory of "
                             "personal Microsoft accounts, which anyone can create. Remove it."))
    return found


def _balancer(path: Path, signed_in: bool) -> list[Finding]:
    """HAProxy in front of several servers: where it listens (open mode on the network is as
    dangerous through it as without it), and what a Streamlit session needs of it."""
    try:
        sections = _haproxy_sections(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        return [Finding("balancer settings", str(path), f"cannot be read ({type(exc).__name__}).")]
    found, where = [], str(path)
    tunnel = any(line.startswith("timeout tunnel ") for line in sections.get("defaults", []))
    for name, lines in sections.items():
        kind = name.split()[0]
        for line in lines:
            host = line.split()[1].rsplit(":", 1)[0].strip("[]") if line.startswith("bind ") else None
            if host is not None and not signed_in and host not in access.LOOPBACK:
                found.append(Finding(f"{name}: {line}", where, f"open mode (no sign-in: no [auth] in the secrets "
                                     f"file) on {host or 'every network interface'}: anyone who can reach the "
                                     "balancer sees and changes everything. Configure sign-in, or bind 127.0.0.1."))
        servers = [line for line in lines if line.startswith("server ")]
        if kind not in ("backend", "listen") or not servers:
            continue
        sticky = "balance source" in lines or (any(line.startswith("cookie ") for line in lines)
                                               and all(" cookie " in line for line in servers))
        if not sticky:
            found.append(Finding(name, where, "sessions are not kept on their server: a browser's later requests "
                                 "(a reconnecting websocket, an upload, a download) reach a server that does not "
                                 "hold its session. Set `cookie SERVERID insert indirect nocache` and `cookie <name>` "
                                 "on each server line (or `balance source`)."))
        unchecked = [line.split()[1] for line in servers if " check" not in f"{line} "]
        if unchecked:
            found.append(Finding(name, where, f"no health check of {', '.join(unchecked)}: a stopped server keeps "
                                 "being sent people. Add `option httpchk GET /_stcore/health` and `check` to each "
                                 "server line."))
        if not (tunnel or any(line.startswith("timeout tunnel ") for line in lines)):
            found.append(Finding(f"{name}: timeout tunnel", where, "not set: an open page's websocket is cut "
                                 "after `timeout client` without a message and the page reconnects, losing its "
                                 "place. Set `timeout tunnel 1h`."))
    return found


def _haproxy_sections(text: str) -> dict[str, list[str]]:
    """Each section of an HAProxy file ("defaults", "backend streamlit", ...) and its lines, without
    comments, spaces made single."""
    sections, current = {}, None
    for raw in text.splitlines():
        line = " ".join(raw.split("#", 1)[0].split())
        if not line:
            continue
        if not raw[0].isspace():
            current = line
            sections[current] = []
        elif current is not None:
            sections[current].append(line)
    return sections


def _streamlit_options(path: Path, environ: Mapping[str, str]) -> tuple[dict, list[Finding]]:
    """Each checked option's value and where it comes from: the environment, the file, or Streamlit's default."""
    problems = []
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        data = {}
        problems.append(Finding("Streamlit settings", str(path), f"cannot be read ({exc}); Streamlit's defaults "
                                "are assumed."))
    options = {}
    for name, (default, variable) in OPTIONS.items():
        section, key = name.split(".")
        table = data.get(section, {})
        if variable in environ:
            options[name] = (environ[variable], variable)
        elif isinstance(table, dict) and key in table:
            options[name] = (table[key], str(path))
        else:
            options[name] = (default, f"Streamlit's default; not set in {path}")
    return options, problems


def _auth_section(path: Path) -> tuple[Mapping | None, list[Finding]]:
    """The secrets file's ``[auth]`` section (None: sign-in not configured), and who may read it."""
    try:
        mode = path.stat().st_mode
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None, []
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return None, [Finding("secrets file", str(path), f"cannot be read ({type(exc).__name__}), so sign-in is "
                              "off: the app runs in open mode.")]
    problems = []
    if mode & (stat.S_IROTH | OTHERS_WRITE):
        problems.append(Finding("secrets file", str(path), f"others can read or change it (mode "
                                f"{stat.filemode(mode)}): it holds the client and cookie secrets. chmod 600 {path}."))
    auth = data.get("auth")
    return (auth if isinstance(auth, dict) else None), problems


def _true(value) -> bool:
    return value is True or str(value).strip().lower() in ("true", "1", "yes")


def _number(value) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0
