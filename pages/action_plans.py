"""Action plans: every action of every priority, with its status and update, chosen by priority and status.

The page reads its two choices (kept in the link) and draws its model (``priorities.action_plans.page``).
"""

import streamlit as st

from smp_dash import schema, ui
from smp_dash.priorities import action_plans

bundle, view = ui.page(action_plans.TITLE, action_plans.QUESTION)

left, right = st.columns(2)
with left:
    priorities = st.multiselect("Priority", list(schema.PRIORITY_NAMES), format_func=schema.PRIORITY_NAMES.get, key="ap_priority",
                                bind="query-params", placeholder="All priorities")
with right:
    statuses = st.multiselect("Status", list(schema.ACTION_STATUSES), key="ap_status", bind="query-params",
                              placeholder="All statuses")
ui.draw(ui.figures(action_plans.page, view, priorities=tuple(priorities), statuses=tuple(statuses)), bundle, view)
