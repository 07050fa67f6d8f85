"""The glossary and the method notes, reachable from every page (the sidebar's "Glossary and method"),
and each abbreviation's first use on a page linked to its meaning at the page's foot."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from smp_dash import glossary
from smp_dash.glossary import GLOSSARY, method
from smp_dash.ui import run


def glossary_popover(population: pd.DataFrame) -> None:
    """The "Glossary and method" button in the sidebar: abbreviations and the method notes for the
    data in use (``population``: the ward populations rates rest on)."""
    with st.sidebar.popover("Glossary and method", icon=":material/menu_book:", width="stretch"):
        st.markdown("**Glossary**\n\n" + "\n".join(f"- **{k}**: {v}" for k, v in GLOSSARY.items()))
        st.markdown("**Method**\n\n" + "\n".join(f"- {line}" for line in method(population)))


def words(text: str) -> str:
    """``text`` (markdown) with each abbreviation the page has not used before linked to its meaning
    (``glossary.linked``): every sentence, note, caption and tile label passes through here as it is drawn."""
    this = run.current()
    return glossary.linked(text, this.glossed) if this is not None and text else text


def words_html(text: str) -> str:
    """:func:`words` for plain ``text`` shown as HTML (a table's caption): escaped, abbreviations linked."""
    this = run.current()
    return glossary.linked_html(text, this.glossed) if this is not None and text else ""


def glossary_foot() -> None:
    """The meanings of the abbreviations this page linked, where its links lead."""
    this = run.current()
    if this is not None and this.glossed:
        st.markdown("**Abbreviations on this page**\n\n" + glossary.foot(this.glossed), unsafe_allow_html=True)
