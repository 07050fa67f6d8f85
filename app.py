"""SMP Dash: page configuration, sign-in and navigation. Each page opens with ``ui.page()``, which
draws the shared filter, so the same code runs whether a page is reached from here or directly.

When sign-in is configured (``[auth]`` in .streamlit/secrets.toml), nothing but the sign-in page is
served until someone signs in with an address the roles file knows; every page checks again."""

from pathlib import Path

import streamlit as st

from smp_dash import access, ui
from smp_dash.priorities import (action_plans, children_young_people, community_protection, compare, data,
                                 domestic_abuse, mental_health, morile, overview, police_data, scenarios,
                                 serious_organised_crime, substance_misuse, task_force)

# Presentation mode (?present=1, true or yes) opens with the sidebar closed for screen-sharing.
st.set_page_config(page_title="SMP Dash · Safer Maidstone Partnership", page_icon=":material/shield:",
                   layout="wide", initial_sidebar_state="collapsed" if ui.present_in_link() else "expanded")

PAGES = {
    "Overview": [
        st.Page("pages/overview.py", title=overview.NAME, icon=":material/dashboard:", default=True),
    ],
    "Priorities": [
        st.Page("pages/serious_organised_crime.py", title=serious_organised_crime.NAME, icon=":material/gavel:"),
        st.Page("pages/children_young_people.py", title=children_young_people.NAME, icon=":material/child_care:"),
        st.Page("pages/domestic_abuse.py", title=domestic_abuse.NAME, icon=":material/home:"),
        st.Page("pages/substance_misuse.py", title=substance_misuse.NAME, icon=":material/medication:"),
        st.Page("pages/mental_health.py", title=mental_health.NAME, icon=":material/psychology:"),
    ],
    "Community protection": [
        st.Page("pages/community_protection.py", title=community_protection.NAME, icon=":material/groups:"),
    ],
    "Police data": [
        st.Page("pages/police_data.py", title=police_data.NAME, icon=":material/local_police:"),
        st.Page("pages/compare.py", title=compare.NAME, icon=":material/compare_arrows:"),
    ],
    "Task force": [
        st.Page("pages/task_force.py", title=task_force.NAME, icon=":material/handshake:"),
    ],
    "Action plans": [
        st.Page("pages/action_plans.py", title=action_plans.NAME, icon=":material/checklist:"),
    ],
    "Analysis": [
        st.Page("pages/morile.py", title=morile.NAME, icon=":material/balance:"),
        st.Page("pages/scenarios.py", title=scenarios.NAME, icon=":material/trending_up:"),
    ],
    "Data": [
        st.Page("pages/data.py", title=data.NAME, icon=":material/database:"),
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

# The app draws its own menu, below the view (ui.sidebar): Streamlit's sits above the sidebar and fails WCAG.
current = st.navigation(PAGES, position="hidden")
ui.menu(PAGES)
current.run()
ui.provenance_footer()
