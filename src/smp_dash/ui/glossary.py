"""The glossary and the method notes, reachable from every page (the sidebar's "Glossary and method")."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from smp_dash.glossary import GLOSSARY, method


def glossary_popover(population: pd.DataFrame) -> None:
    """The "Glossary and method" button in the sidebar: abbreviations and the method notes for the
    data in use (``population``: the ward populations rates rest on)."""
    with st.sidebar.popover("Glossary and method", icon=":material/menu_book:", width="stretch"):
        st.markdown("**Glossary**\n\n" + "\n".join(f"- **{k}**: {v}" for k, v in GLOSSARY.items()))
        st.markdown("**Method**\n\n" + "\n".join(f"- {line}" for line in method(population)))
