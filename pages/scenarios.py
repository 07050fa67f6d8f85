"""Scenarios: a seasonal baseline for the next 12 months, what-if levers on top, and the partner work they bring.

Every widget is bound to the URL, so a copied link reopens the same named scenario. The page reads
its widgets and draws its model (``priorities.scenarios.page``).
"""

import streamlit as st

from smp_dash import scenarios as sc, ui
from smp_dash.priorities import scenarios

bundle, view = ui.page(scenarios.TITLE, scenarios.QUESTION)
offered = sc.offered(bundle)[0]
options = {}
if offered:   # with none, the model says why
    months = sc.horizon(bundle.last_month)
    labels = list(months)
    top = st.columns([2, 1])
    name = top[0].text_input("Scenario name", key="sc_name", bind="query-params", max_chars=80,
                             placeholder="e.g. Tournament summer", help="Names the scenario in the link and the download.")
    measure = top[1].selectbox("Measure", offered, key="sc_measure", bind="query-params")
    left, middle, right = st.columns(3, border=True)
    with left:
        st.markdown("**A busier season**")
        uplift = st.slider("Uplift over chosen months (%)", -50, 100, 0, key="sc_uplift", bind="query-params",
                           help="e.g. +20% over the months of a major football tournament, which the assessment "
                           "expects to raise domestic abuse.")
        chosen = st.multiselect("Uplift months", labels, default=[m for m in labels if m[:3] in ("Jun", "Jul")],
                                key="sc_months", bind="query-params")
    with middle:
        st.markdown("**A one-off event**")
        event_month = st.selectbox("Event month", labels, index=None, placeholder="No one-off event",
                                   key="sc_event_month", bind="query-params")
        event = st.number_input("Extra cases from the event", 0, 10_000, 0, step=1, key="sc_event", bind="query-params")
    with right:
        st.markdown("**A change in recording practice**")
        recording = st.slider("Change in recorded cases (%)", -50, 100, 0, key="sc_recording", bind="query-params",
                              help="e.g. more stop and search finds more drug offences: +X% from a month onward.")
        since = st.selectbox("From", labels, key="sc_recording_from", bind="query-params")
    options = dict(measure=measure, name=name, levers=sc.Levers(
        uplift_pct=uplift, uplift_months=tuple(months[m] for m in chosen), event_month=months.get(event_month),
        event_cases=int(event or 0), recording_pct=recording, recording_from=months[since]))
ui.draw(ui.figures(scenarios.page, view, **options), bundle, view)
