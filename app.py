"""SMP Dash entry point (placeholder until the pages land): shows the data in use and its figures."""

import streamlit as st

from smp_dash import store
from smp_dash.cli import figure_table

st.set_page_config(page_title="SMP Dash", layout="wide")
st.title("SMP Dash")
if not store.exists("crimes"):
    st.error("No data loaded yet. Run `smp-dash demo` (or `python3 dev.py app`) to load the demonstration data.")
    st.stop()
if store.is_demo():
    st.info("Demonstration data: figures the Strategic Assessment 2020-21 states are reproduced exactly; "
            "every other number is illustrative, not real.")
st.dataframe(figure_table(), width="stretch", hide_index=True)
