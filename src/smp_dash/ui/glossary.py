"""The glossary and the method notes, reachable from every page (the sidebar's "Glossary and method")."""

from __future__ import annotations

import streamlit as st

from smp_dash.glossary import GLOSSARY, METHOD


def glossary_popover() -> None:
    """The "Glossary and method" button in the sidebar: abbreviations and the method notes."""
    with st.sidebar.popover("Glossary and method", icon=":material/menu_book:", width="stretch"):
        st.markdown("**Glossary**\n\n" + "\n".join(f"- **{k}**: {v}" for k, v in GLOSSARY.items()))
        st.markdown("**Method**\n\n" + "\n".join(f"- {line}" for line in METHOD))
