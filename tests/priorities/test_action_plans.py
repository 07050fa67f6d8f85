"""The action plans page model (``priorities.action_plans.page``): its blocks in order, the counts by
status against the actions themselves, the choices by priority and status, what it says when no
action is loaded or none is chosen, and where it says the plans come from."""

from __future__ import annotations

import pandas as pd
import pytest

from conftest import outline, page_of
from smp_dash import blocks, bundle as bundles, measures, schema
from smp_dash.priorities import action_plans
from smp_dash.selection import PUBLISHED, Filter


def _counts(fig) -> dict[str, int]:
    """The bars of the "Actions by status" chart: status -> actions."""
    return {status: int(n) for trace in fig.data for status, n in zip(trace.x, trace.y)}


def _with_provenance(frames, wards, demo: set[str], **actions) -> bundles.Bundle:
    """``frames`` loaded as the store records them: the datasets in ``demo`` as demonstration data,
    the others real; ``actions`` overrides the actions' record (its source, when it was loaded)."""
    records = {name: {"source": "demonstration" if name in demo else f"{name}.csv", "rows": len(frame),
                      "demo": name in demo, "loaded_at": "2025-03-04T10:00:00+00:00"}
               for name, frame in frames.items()}
    records["actions"] |= actions
    return bundles.build(frames, wards, provenance=records)


def _page(data, **options) -> blocks.Page:
    return action_plans.page(data, Filter((), (), PUBLISHED, None, spans=data.spans), **options)


def test_blocks_in_page_order(frames, wards):
    page = page_of(action_plans, frames, wards)
    assert outline(page) == [("Tally", "48 of 48 actions shown."), ("Chart", "Actions by status"), ("ActionPlan", "")]
    assert (page.title, page.question) == (action_plans.TITLE, action_plans.QUESTION)
    assert not [b for b in page.blocks if getattr(b, "document", True)]    # the page's own: chapters carry theirs


def test_counts_by_status_are_the_actions(frames, wards):
    page = page_of(action_plans, frames, wards)
    chart, plan = page.of(blocks.Chart)[0], page.of(blocks.ActionPlan)[0]
    assert _counts(chart.figure) == frames["actions"]["status"].value_counts().to_dict()
    assert sum(_counts(chart.figure).values()) == 48
    assert len(chart.data) == len(plan.rows) == len(frames["actions"])       # the chart's download: the actions
    assert plan.by_priority and sorted(plan.rows["action"]) == sorted(frames["actions"]["action"])


@pytest.mark.parametrize("priorities, statuses", [
    (("soc",), ()),                                       # one priority, every status
    ((), ("on hold", "postponed")),                       # what is stuck, everywhere
    (("domestic_abuse", "substance_misuse"), ("delivered",)),
])
def test_choices_keep_their_actions(frames, wards, priorities, statuses):
    actions = frames["actions"]
    chosen = actions[(actions["priority"].isin(priorities) if priorities else True)
                     & (actions["status"].isin(statuses) if statuses else True)]
    assert 0 < len(chosen) < len(actions)
    page = page_of(action_plans, frames, wards, priorities=priorities, statuses=statuses)
    assert page.of(blocks.Tally)[0].text == f"{len(chosen)} of {len(actions)} actions shown."
    assert page.of(blocks.Tally)[0].lead == f"{len(chosen)} of {len(actions)} actions"
    # every status has its bar: a status none of the chosen actions has is a count of 0, not a gap
    expected = chosen["status"].value_counts().reindex(schema.ACTION_STATUSES, fill_value=0)
    assert _counts(page.of(blocks.Chart)[0].figure) == expected.to_dict()
    assert sorted(page.of(blocks.ActionPlan)[0].rows["action"]) == sorted(chosen["action"])


def test_nothing_chosen_says_so_and_draws_no_zeros(frames, wards):
    page = page_of(action_plans, frames, wards, priorities=("mental_health",), statuses=("postponed",))
    assert outline(page) == [("Tally", "0 of 48 actions shown."), ("Missing", "Actions by status")]
    assert page.of(blocks.Missing)[0].why == action_plans.NONE_CHOSEN


def test_empty_store_says_why_never_zero(empty):
    page = _page(empty[0])
    assert outline(page) == [("Missing", "Action plans")]
    why = page.of(blocks.Missing)[0].why
    assert why.startswith(measures.NOT_LOADED) and "no action plans" in why
    assert not page.of(blocks.Tally)                      # no "0 of 0 actions"


def test_an_actions_file_loaded_with_no_rows_is_not_loaded(frames, wards):
    data = _with_provenance({**frames, "actions": schema.empty("actions")}, wards, demo=set())
    assert data.loaded("actions")
    assert outline(_page(data)) == [("Missing", "Action plans")]


def test_demonstration_actions_beside_real_data_say_so(frames, wards):
    data = _with_provenance(frames, wards, demo=set(schema.DATASETS) - {"crimes"})   # a police.uk fetch
    page = _page(data)
    chart, plan = page.of(blocks.Chart)[0], page.of(blocks.ActionPlan)[0]
    assert chart.title == f"Actions by status {measures.DEMO_MARK}" and plan.demo
    assert (chart.source, chart.period) == (plan.source, plan.period) == action_plans.ASSESSMENT


def test_demonstration_alone_needs_no_mark(frames, wards):
    page = _page(_with_provenance(frames, wards, demo=set(schema.DATASETS)))
    assert page.of(blocks.Chart)[0].title == "Actions by status" and not page.of(blocks.ActionPlan)[0].demo
    assert page.of(blocks.ActionPlan)[0].source == "Strategic Assessment 2020-21 action plans"


def test_real_actions_are_sourced_from_their_file_not_the_assessment(frames, wards):
    actions = frames["actions"].assign(target=pd.Timestamp("2026-03-01"))
    data = _with_provenance({**frames, "actions": actions}, wards, demo=set(), source="csp-actions-2025.csv",
                            loaded_at="2025-11-04T09:30:00+00:00")
    page = _page(data)
    chart, plan = page.of(blocks.Chart)[0], page.of(blocks.ActionPlan)[0]
    assert (plan.source, plan.period) == ("action plans loaded from csp-actions-2025.csv", "updates as loaded on 4 Nov 2025")
    assert (chart.source, chart.period) == (plan.source, plan.period)
    assert "2020-21" not in " ".join((chart.title, chart.source, chart.period)) and not plan.demo


def test_actions_whose_record_names_no_source_say_only_that_they_were_loaded(frames, wards):
    # a bundle built from frames alone (the data pack, the command line) knows rows, not a file
    data = bundles.build(frames, wards)
    assert action_plans.provenance(data) == ("the action plans loaded", "updates as loaded")
