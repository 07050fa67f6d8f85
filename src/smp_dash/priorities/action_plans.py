"""Action plans: every action of every priority, with its status and update, chosen by priority and status.

Each priority's page (and its chapter in the documents) carries its own plan (``blocks.Actions``);
this page lists them all. Its words about where the plans come from are said here once, for both.
"""

from __future__ import annotations

import pandas as pd

from smp_dash import blocks, measures, metrics
from smp_dash.selection import Filter

#: Its name in the navigation.
NAME = "Action plans"
TITLE = "Action plans"
QUESTION = "What has each priority's action plan delivered, and what is on hold or postponed?"
#: Where the demonstration's action plans come from, and when their statuses stand: they are the
#: assessment's own (``data/reference/actions_2020_21.csv``), as it reported them.
ASSESSMENT = ("Strategic Assessment 2020-21 action plans", "2020-21, updates as at the assessment")
STATUS = "Actions by status"
NONE_CHOSEN = "none of the actions loaded has the priority and status chosen"


def provenance(bundle) -> tuple[str, str]:
    """Where the action plans in use come from and when their statuses stand (source, period).

    The demonstration's are the assessment's. A file loaded is named, with the day it was loaded:
    the plans carry no date of their own (a target is the month an action is due, not when its
    status was reported), so nothing claims a year the data does not state.
    """
    record = bundle.provenance.get("actions") or {}
    if record.get("demo"):
        return ASSESSMENT
    source = f"action plans loaded from {record['source']}" if record.get("source") else "the action plans loaded"
    if not record.get("loaded_at"):
        return source, "updates as loaded"
    loaded = pd.Timestamp(record["loaded_at"])
    return source, f"updates as loaded on {loaded.day} {loaded:%b %Y}"


def page(bundle, view: Filter, *, priorities=(), statuses=()) -> blocks.Page:
    """The action plans of ``priorities`` with ``statuses`` (every one when empty): how many are shown,
    their counts by status and the actions themselves by priority; why not, when none is loaded.
    The plans are the borough's, whatever wards ``view`` selects."""
    from smp_dash import charts

    out = blocks.Page(TITLE, QUESTION)
    why = measures.not_loaded(bundle, "actions")
    if why:
        out.add(blocks.Missing(TITLE, why))
        return out
    rows = metrics.filter_actions(bundle.actions, priorities, statuses)
    source, period = provenance(bundle)
    title = bundle.mark(STATUS, "actions")
    shown = f"{len(rows)} of {len(bundle.actions)} actions"
    out.add(blocks.Tally(f"{shown} shown.", shown))
    if rows.empty:
        out.add(blocks.Missing(title, NONE_CHOSEN))
        return out
    figure = charts.bars(metrics.action_status_counts(rows), x="status", y="actions", title=title,
                         colour=charts.PRIORITY_COLOURS["overview"])
    out.add(blocks.Chart("actions", title, figure, rows, source, period, document=False),
            blocks.ActionPlan(rows, source, period, demo=bundle.demonstration("actions")))
    return out
