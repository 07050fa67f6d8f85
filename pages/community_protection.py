"""ASB and community protection: police ASB, council service requests, enforcement, encampments.

The page draws its model (``priorities.community_protection.page``), which the data pack, the draft
and the workbook draw too; the request category chosen here is the one drawn by month.
"""

import streamlit as st

from smp_dash import ui
from smp_dash.priorities import community_protection

bundle, view = ui.page(community_protection.TITLE, community_protection.QUESTION)
others = ui.figures(community_protection.categories, view)
category = st.selectbox("Category by month", others, key="cp_category", bind="query-params") if others else None
ui.draw(ui.figures(community_protection.page, view, category=category), bundle, view)
