"""The view as a data pack, a draft assessment or tables: built when asked, saying so under its own
button while it is built, and never twice at once.

A document takes seconds to build (the draft about ten, drawing its charts), so it is not built on
the click that downloads it, behind a greyed button that says nothing and can be clicked again. A
click asks for it (:func:`_ask`); the run that follows draws the button disabled with "Building
the draft, about 10 seconds" under it, draws the page, and builds the document last
(:func:`build_asked`, from the page's foot), so the page is readable meanwhile. The document is
then kept for the view it was built for and offered for download under its button; another view
offers the button again. A click while a document is being built is ignored.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import streamlit as st


#: Which document was asked for (a button's key), until the run that builds it takes it.
_ASKED = "_document_asked"
#: The document being built (its key), while it is built: a click meanwhile is ignored.
_BUILDING = "_document_building"
#: The documents built: key -> (the view they were built for, bytes).
_MADE = "_documents_made"
#: This run's build, once its button is drawn: (document, builder, view, the place under its button).
_PENDING = "_document_pending"


@dataclass(frozen=True)
class Document:
    """A document the view can be downloaded as: its button (key, label, icon, help), its file
    (name, MIME type), what the button says while it is built, and the download button's label."""

    key: str
    label: str
    file_name: str
    mime: str
    icon: str
    help: str
    building: str
    download: str


def offer(documents: tuple[Document, ...], build: Callable[[str], bytes], view, *, where=None) -> None:
    """A button for each document (in ``where``, the sidebar by default): "build" while it is not built
    for ``view``, disabled with what it is doing under it while it is built, and its download once
    built. The build itself runs at the end of the run (:func:`build_asked`)."""
    where = where if where is not None else st.sidebar
    asked = st.session_state.pop(_ASKED, None)
    st.session_state.pop(_PENDING, None)          # a run cut short leaves no build for a later one
    made = st.session_state.setdefault(_MADE, {})
    for doc in documents:
        built = made.get(doc.key)
        if built is not None and built[0] == view:
            where.download_button(doc.download, data=built[1], file_name=doc.file_name, mime=doc.mime, key=doc.key,
                                  on_click="ignore", icon=":material/download:", width="stretch", type="primary",
                                  help=doc.help)
            continue
        where.button(doc.label, key=f"build_{doc.key}", icon=doc.icon, width="stretch", help=doc.help,
                     disabled=asked is not None, on_click=_ask, args=(doc.key,))
        if doc.key == asked:
            slot = where.empty()
            slot.caption(f":material/hourglass_top: {doc.building}…")
            st.session_state[_PENDING] = (doc, build, view, slot)


def build_asked() -> None:
    """Build the document asked for, if any, under its button (the page is drawn already), keep it for
    its view and draw the run again to offer it."""
    if _PENDING not in st.session_state:
        return
    doc, build, view, slot = st.session_state.pop(_PENDING)
    st.session_state[_BUILDING] = doc.key
    try:
        with slot.container(), st.spinner(f"{doc.building}…", show_time=True):
            st.session_state[_MADE][doc.key] = (view, build(doc.key))
    finally:
        st.session_state.pop(_BUILDING, None)
    st.rerun()


def _ask(key: str) -> None:
    """A build button's callback: ask for ``key``, unless a document is being built (a second click)."""
    if _BUILDING not in st.session_state:
        st.session_state[_ASKED] = key
