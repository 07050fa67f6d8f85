"""Who is using this session: sign-in, the roles file, and the account box.

Access is worked out afresh from ``st.user`` and the roles file (cached, reread when it changes):
once per run by ``page()``, and again at every download. Pages read the run's answer through
:func:`who`; button callbacks, which run before the page, ask :func:`current_access`.
"""

from __future__ import annotations

import logging

import streamlit as st

from smp_dash import access, config
from smp_dash.ui import run

_LOG = logging.getLogger("smp_dash.access")


def auth_configured() -> bool:
    """Whether sign-in is configured (an ``[auth]`` section in ``.streamlit/secrets.toml``)."""
    try:
        return "auth" in st.secrets
    except FileNotFoundError:          # no secrets file at all (StreamlitSecretNotFoundError)
        return False


def current_access() -> access.Access | str | None:
    """This session's access: ``access.OPEN`` when sign-in is not configured, None before
    sign-in, the reason (text) when the signed-in person is refused."""
    if not auth_configured():
        return access.OPEN
    user = st.user
    if not user.get("is_logged_in", False):
        return None
    path = config.roles_file()
    roles = _roles(str(path), _file_stamp(path))
    if isinstance(roles, str):
        return f"Access control is not set up correctly, so nobody can be let in. {roles}"
    claims = user.to_dict()
    state = access.identify(claims, roles)
    if isinstance(state, access.Refusal):
        _log_once(access.refusal_log(claims, state))
        return state.message
    return state


def require_access() -> access.Access:
    """The check: this session's access, or the sign-in page and a stop. ``page()`` makes it once
    per run and every download makes it again; someone who may not see the app gets no further."""
    state = current_access()
    if not isinstance(state, access.Access):
        sign_in_page()
        st.stop()
    return state


def who() -> access.Access:
    """The access of the person using this session, as checked when this run's page opened."""
    now = run.current()
    return now.person if now is not None else require_access()


def sign_in_page() -> None:
    """The only page served before sign-in (or to someone refused): no data, no navigation."""
    st.title("SMP Dash · Safer Maidstone Partnership")
    state = current_access()
    if state is None:
        st.markdown("The partnership's community safety dashboard. Sign in with your organisation account "
                    "to see it; what you can see depends on the role the partnership has given you.")
        providers = _providers()
        for name in providers:     # one button per provider: a directory each (see README, 'Access control')
            label = "Sign in" if len(providers) == 1 else f"Sign in with {name.replace('_', ' ').title()}"
            st.button(label, type="primary", icon=":material/login:", on_click=st.login, args=(name,),
                      key="sign_in" if len(providers) == 1 else f"sign_in_{name}")
    elif isinstance(state, str):
        st.error(state, icon=":material/block:")
        st.button("Sign out", on_click=st.logout, key="sign_out_refused")


def account(person: access.Access) -> None:
    """Who is signed in, as what, and the way out (at the foot of the sidebar)."""
    st.sidebar.divider()
    st.sidebar.caption(person.describe())
    if not person.open_mode:
        st.sidebar.button("Sign out", key="sign_out", on_click=st.logout, icon=":material/logout:", width="stretch")


def _log_once(line: str) -> None:
    """A refusal goes to the server log once per session (the check runs at every rerun and download)."""
    logged = st.session_state.setdefault("_refusals_logged", set())
    if line not in logged:
        logged.add(line)
        _LOG.warning(line)


def _file_stamp(path) -> tuple:
    try:
        stat = path.stat()
        return stat.st_size, stat.st_mtime_ns
    except OSError:
        return ()


@st.cache_resource(show_spinner=False, max_entries=4)
def _roles(path: str, stamp: tuple) -> access.Roles | str:
    """The roles file, read again whenever it changes; its error message if it is wrong."""
    try:
        return access.load_roles(path)
    except access.RolesError as exc:
        return str(exc)


def _providers() -> list[str | None]:
    """The providers to sign in with: the unnamed one (None), or each named ``[auth.<name>]``."""
    section = st.secrets["auth"]
    if "client_id" in section:
        return [None]
    return [name for name, value in section.items() if hasattr(value, "keys")] or [None]
