"""Action plans: every action of every priority, with its status and update."""

import streamlit as st

from smp_dash import charts, measures, metrics as m, schema, ui

bundle, view = ui.page("Action plans", "What has each priority's action plan delivered, and what is on hold or postponed?")
ui.stop_if_missing("Action plans", measures.not_loaded(bundle, "actions"))

left, right = st.columns(2)
with left:
    priorities = st.multiselect("Priority", list(schema.PRIORITY_NAMES), format_func=schema.PRIORITY_NAMES.get, key="ap_priority",
                                bind="query-params", placeholder="All priorities")
with right:
    statuses = st.multiselect("Status", list(schema.ACTION_STATUSES), key="ap_status", bind="query-params",
                              placeholder="All statuses")
rows = m.filter_actions(bundle.actions, priorities, statuses)
st.markdown(f"**{len(rows)} of {len(bundle.actions)} actions** shown.")
ui.chart(ui.cached(charts.bars, m.action_status_counts(rows), x="status", y="actions", colour=charts.PRIORITY_COLOURS["overview"],
                   title=bundle.mark("Actions by status", "actions")),
         rows, key="actions", source="Strategic Assessment 2020-21 action plans", period="2020-21", view=view)
ui.action_plan(rows, by_priority=True, demo=bundle.demonstration("actions"))
