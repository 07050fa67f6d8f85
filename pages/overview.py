"""Overview: the headline figures, a trend per priority, the wards with most, links to every page."""

import streamlit as st

from smp_dash import charts, disclosure, metrics as m, ui
from smp_dash.figures import ASSESS_2020, CAL_2020, FY_TO_DATE_2020

bundle, view = ui.page("Safer Maidstone Partnership: Strategic Assessment 2020-21, live",
                       "Where does the borough stand on each priority, what changed on the previous period, and where should "
                       "partners look first?")

crimes = m.in_wards(bundle.crimes, view.wards)
needles = m.in_wards(bundle.needles, view.wards)
asb = m.in_wards(bundle.asb, view.wards)
heads = m.overview_headlines(crimes, asb, needles, view.pick(CAL_2020), view.pick(ASSESS_2020), view.exclude_outliers)
guards = disclosure.guard_specs(m.overview_specs(bundle.crimes, bundle.asb, bundle.needles, view.pick(CAL_2020),
                                                 view.pick(ASSESS_2020)), view.wards, view.suppress)
cols = st.columns(len(heads))
for col, head in zip(cols, heads):
    with col:
        excluded = f" Excluded outlier months: {', '.join(head['excluded'])}." if head["excluded"] else ""
        ui.change_metric(head["label"], head["current"], head["previous"], head["previous_period"],
                         help=f"{head['period']} against {head['previous_period']}.{excluded}",
                         guarded=guards.get(head["label"]))

ui.section("Trend per priority")
trends = m.priority_trends(crimes, asb, m.in_wards(bundle.requests, view.wards), bundle.indicators,
                           bundle.first_month, bundle.last_month)
links = {"soc": "pages/serious_organised_crime.py", "domestic_abuse": "pages/domestic_abuse.py",
         "substance_misuse": "pages/substance_misuse.py", "asb_community_protection": "pages/community_protection.py",
         "children_young_people": "pages/children_young_people.py", "mental_health": "pages/mental_health.py"}
cols = st.columns(3)
for i, (priority, (label, series)) in enumerate(trends.items()):
    with cols[i % 3]:
        st.markdown(f"**{label}**")
        shown, why = disclosure.protect_series(series, on=view.suppress and bool(view.wards)
                                               and priority in m.SENSITIVE_TRENDS)
        if shown is None:
            st.caption(why)
        else:
            st.markdown(ui.cached(charts.sparkline_svg, shown, colour=charts.PRIORITY_COLOURS[priority], label=label),
                        unsafe_allow_html=True)
        st.page_link(links[priority], label=f"Open {label.lower()}", icon=":material/arrow_forward:")
ui.footnote("Kent Police recorded crime; police.uk ASB; CPT service requests; Kent Police section 136",
            f"{bundle.first_month:%b %Y} to {bundle.last_month:%b %Y}, monthly", ui.POLICE_CAVEAT)

ui.section("Wards with most")
tops = ui.cached(m.overview_top_wards, bundle.crimes, bundle.asb, bundle.needles, bundle.wards, bundle.population,
                 view.pick(FY_TO_DATE_2020), view.pick(ASSESS_2020))
for col, (label, table) in zip(st.columns(3), tops.items()):
    with col:
        st.markdown(f"**{label}**")
        sensitive = label != "Anti-social behaviour"
        ui.data_table(ui.shown_counts(table, table.columns[1], view, sensitive=sensitive), hide_index=True,
                      width="stretch", key=f"top_{label[:6].lower()}", view=view, period=table.columns[1],
                      sensitive_wards=sensitive)
st.page_link("pages/task_force.py", label="Shepway task force", icon=":material/handshake:")
st.page_link("pages/police_data.py", label="Police data", icon=":material/local_police:")
st.page_link("pages/action_plans.py", label="Action plans", icon=":material/checklist:")
