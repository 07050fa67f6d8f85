"""Overview: the headline figures, a trend per priority, the wards with most, links to every page."""

import streamlit as st

from smp_dash import charts, measures, ui
from smp_dash.bundle import coverage_line
from smp_dash.priorities import overview

bundle, view = ui.page("Safer Maidstone Partnership: Strategic Assessment {years}, live",
                       "Where does the borough stand on each priority, what changed on the previous period, and where should "
                       "partners look first?")
figures = ui.figures(overview.figures, view)
for col, value in zip(st.columns(len(figures.headlines)), figures.headlines):
    with col:
        ui.value_metric(value, help=f"{value.period.label} against {value.period.previous().label}.", period=True)

ui.section("Trend per priority")
links = {"soc": "pages/serious_organised_crime.py", "domestic_abuse": "pages/domestic_abuse.py",
         "substance_misuse": "pages/substance_misuse.py", "asb_community_protection": "pages/community_protection.py",
         "children_young_people": "pages/children_young_people.py", "mental_health": "pages/mental_health.py"}
cols = st.columns(3)
for i, (priority, trend) in enumerate(figures.trends.items()):
    with cols[i % 3]:
        st.markdown(f"**{trend.label}**")
        if trend.series is None:
            st.caption(trend.why)
        else:
            st.markdown(ui.cached(charts.sparkline_svg, trend.series, colour=charts.PRIORITY_COLOURS[priority],
                                  label=trend.label), unsafe_allow_html=True)
        st.page_link(links[priority], label=f"Open {trend.label.lower()}", icon=":material/arrow_forward:")
ui.footnote("Kent Police recorded crime; police.uk ASB; CPT service requests; Kent Police section 136",
            f"{bundle.first_month:%b %Y} to {bundle.last_month:%b %Y}, monthly", measures.POLICE_CAVEAT)

ui.section("Wards with most")
for col, (label, (period, table, why)) in zip(st.columns(3), figures.top_wards.items()):
    with col:
        st.markdown(f"**{label}**")
        if table is None:
            st.caption(why)
        else:
            ui.data_table(table, hide_index=True, width="stretch", key=f"top_{label[:6].lower()}", view=view,
                          period=period, sensitive_wards=not label.startswith("Anti-social behaviour"), ranked=5)
st.caption(coverage_line(bundle))
st.page_link("pages/task_force.py", label="Shepway task force", icon=":material/handshake:")
st.page_link("pages/police_data.py", label="Police data", icon=":material/local_police:")
st.page_link("pages/action_plans.py", label="Action plans", icon=":material/checklist:")
