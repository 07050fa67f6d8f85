"""The Shepway task force: the focus area against the rest of the borough.

The page draws its model (``priorities.task_force.page``), which the data pack, the draft and the
workbook draw too; the measure chosen here is the one drawn by month.
"""

import streamlit as st

from smp_dash import ui
from smp_dash.priorities import task_force

bundle, view = ui.page(task_force.TITLE, task_force.QUESTION)
measure = st.selectbox("Measure over time", list(task_force.MEASURES), key="tf_measure", bind="query-params")
ui.draw(ui.figures(task_force.page, view, measure=measure), bundle, view)
