"""Who is using this session: sign-in, the roles file, and the account box.

Access is worked out afresh from ``st.user`` and the roles file (cached, reread when it changes):
once per run by ``page()``, and again at every download. Pages read the run's answer through
:func:`who`; button callbacks, which run before the page, ask :func:`current_access`.
"""

from __future__ import annotations

import streamlit as st

from smp_dash import access, config
from smp_dash.ui import run


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
    email = user.get("email") or user.get("preferred_username")   # Entra ID may send only the latter
    path = config.roles_file()
    roles = _roles(str(path), _file_stamp(path))
    if isinstance(roles, str):
        return f"Access control is not set up correctly, so nobody can be let in. {roles}"
    role = roles.role_for(email)
    if role is None:
        return (f"{email or 'This account'} is not on the list of people who may use SMP Dash. "
                "Ask the partnership's analyst to add your address or your organisation's domain.")
    return access.Access(role, email)


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
        st.button("Sign in", type="primary", icon=":material/login:", on_click=st.login, args=(_provider(),),
                  key="sign_in")
    elif isinstance(state, str):
        st.error(state, icon=":material/block:")
        st.button("Sign out", on_click=st.logout, key="sign_out_refused")


def account(person: access.Access) -> None:
    """Who is signed in, as what, and the way out (at the foot of the sidebar)."""
    st.sidebar.divider()
    st.sidebar.caption(person.describe())
    if not person.open_mode:
        st.sidebar.button("Sign out", key="sign_out", on_click=st.logout, icon=":material/logout:", width="stretch")


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


def _provider() -> str | None:
    """The provider to sign in with: the unnamed one, or the first named ``[auth.<name>]``."""
    section = st.secrets["auth"]
    if "client_id" in section:
        return None
    named = [name for name, value in section.items() if hasattr(value, "keys")]
    return named[0] if named else None
