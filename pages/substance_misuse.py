"""Substance misuse: drug offences against Kent, and needle finds with or without bulk incidents.

The page draws its model (``priorities.substance_misuse.page``), which the data pack, the draft and
the workbook draw too; its one widget, bulk needle finds in or out, sits above the needle finds.
"""

import streamlit as st

from smp_dash import blocks, ui
from smp_dash.priorities import substance_misuse as sm

bundle, view = ui.page(sm.TITLE, sm.QUESTION)
drugs = st.container()
bulk = st.toggle(sm.BULK_OPTION, value=True, key="needle_bulk", bind="query-params", help=sm.BULK_HELP)
drug_part, needle_part = blocks.split(ui.figures(sm.page, view, include_bulk=bulk), sm.NEEDLE_HEADING)
with drugs:
    ui.draw(drug_part, bundle, view)
ui.draw(needle_part, bundle, view)
