"""This run's state, worked out once: the data, the view and the person, set by ``page()`` and read
by every helper that draws, and the one rule for the presentation link.

A run is one execution of app.py and its page. ``page()`` checks access, loads the bundle and
reads the sidebar's widgets (and through them the URL) into the view, then starts the run here;
helpers read :func:`current` instead of asking the widgets, the URL or the roles file again.
Presentation mode is designed per page: a page opens a section with ``section(title, present=False)``
when a meeting does not need it, and the headlines, charts and maps drawn in it are left out; that
flag belongs to the run, so what is drawn never depends on an earlier run or page.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import streamlit as st

from smp_dash import access
from smp_dash.bundle import Bundle
from smp_dash.selection import Filter

_RUN = "_smp_run"
#: Values of ``?present=`` that open presentation mode (case-insensitive): the documented short
#: link is ``?present=1``; the toggle itself writes ``true``.
PRESENT_VALUES = ("1", "true", "yes")


@dataclass
class Run:
    """What one run of a page shows, and to whom."""

    bundle: Bundle
    view: Filter
    person: access.Access
    #: Whether the current section is left out of presentation mode (the page's design says so).
    detail: bool = False
    #: The abbreviations the page has linked to their meaning so far, in order (``glossary.linked``).
    glossed: list[str] = field(default_factory=list)


def start(bundle: Bundle, view: Filter, person: access.Access) -> Run:
    """Begin this run's state (``page()``, once per run)."""
    run = st.session_state[_RUN] = Run(bundle, view, person)
    return run


def current() -> Run | None:
    """This run's state; None before ``page()`` has run (the sign-in page, a button callback)."""
    return st.session_state.get(_RUN)


def presenting() -> bool:
    """Whether this run is in presentation mode (the view's ``present``)."""
    run = current()
    return bool(run and run.view.present)


def new_section(present: bool = True) -> None:
    """A section starts; ``present=False``: presentation mode leaves it out."""
    run = current()
    if run is not None:
        run.detail = not present


def allowed(kind: str) -> bool:
    """Whether a ``kind`` of element (metric, chart, map) is drawn here: always, except in a section
    presentation mode leaves out."""
    run = current()
    return run is None or not (run.view.present and run.detail)


def present_in_link() -> bool:
    """Whether the address asks for presentation mode (``?present=1``, ``true`` or ``yes``, any case)."""
    return str(st.query_params.get("present", "")).strip().lower() in PRESENT_VALUES
