"""SMP Dash: page configuration, sign-in and navigation. Each page opens with ``ui.page()``, which
draws the shared filter, so the same code runs whether a page is reached from here or directly.

When sign-in is configured (``[auth]`` in .streamlit/secrets.toml), nothing but the sign-in page is
served until someone signs in with an address the roles file knows; every page checks again."""

from pathlib import Path

import streamlit as st

from smp_dash import access, ui

# Presentation mode (?present=1, true or yes) opens with the sidebar closed for screen-sharing.
st.set_page_config(page_title="SMP Dash · Safer Maidstone Partnership", page_icon=":material/shield:",
                   layout="wide", initial_sidebar_state="collapsed" if ui.present_in_link() else "expanded")

PAGES = {
    "Overview": [
        st.Page("pages/overview.py", title="Overview", icon=":material/dashboard:", default=True),
    ],
    "Priorities": [
        st.Page("pages/serious_organised_crime.py", title="Serious and organised crime", icon=":material/gavel:"),
        st.Page("pages/children_young_people.py", title="Children and young people", icon=":material/child_care:"),
        st.Page("pages/domestic_abuse.py", title="Domestic abuse", icon=":material/home:"),
        st.Page("pages/substance_misuse.py", title="Substance misuse", icon=":material/medication:"),
        st.Page("pages/mental_health.py", title="Mental health", icon=":material/psychology:"),
    ],
    "Community protection": [
        st.Page("pages/community_protection.py", title="ASB and community protection", icon=":material/groups:"),
    ],
    "Police data": [
        st.Page("pages/police_data.py", title="Police data", icon=":material/local_police:"),
    ],
    "Task force": [
        st.Page("pages/task_force.py", title="Shepway task force", icon=":material/handshake:"),
    ],
    "Action plans": [
        st.Page("pages/action_plans.py", title="Action plans", icon=":material/checklist:"),
    ],
    "Analysis": [
        st.Page("pages/morile.py", title="MoRiLE priorities", icon=":material/balance:"),
        st.Page("pages/scenarios.py", title="Scenarios", icon=":material/trending_up:"),
    ],
    "Data": [
        st.Page("pages/data.py", title="Data", icon=":material/database:"),
    ],
}

if not isinstance(ui.current_access(), access.Access):
    # Signed out or refused: every address (a shared link too) shows the sign-in page, with no
    # navigation and no "page not found". No data is read.
    links = sorted(p.stem for p in (Path(__file__).parent / "pages").glob("*.py") if p.stem != "overview")
    st.navigation([st.Page(ui.sign_in_page, title="Sign in", icon=":material/login:", default=True)]
                  + [st.Page(ui.sign_in_page, title="Sign in", url_path=link) for link in links],
                  position="hidden").run()
    st.stop()

st.navigation(PAGES, position="sidebar", expanded=True).run()   # every page one click away
ui.provenance_footer()
