"""The Data page model (``priorities.data.page``): what every viewer of the Data page sees (which data is
in use, the warning when real and demonstration data are mixed, provenance, the months covered and
missing, rows per month), on the demonstration data, a store holding nothing, and police.uk alone."""

from __future__ import annotations

import pandas as pd
import pytest

from conftest import outline
from smp_dash import blocks, bundle as bundles, measures, schema, store
from smp_dash.priorities import data
from smp_dash.selection import PUBLISHED, Filter

LOADED = "2025-03-04T10:00:00+00:00"
#: Each dataset as the page names it.
N = schema.DATASET_NAMES


def _loaded(frames, wards, demo: set[str]) -> bundles.Bundle:
    """``frames`` as the store records them: the datasets in ``demo`` demonstration data, the others real."""
    records = {name: {"source": "demonstration" if name in demo else f"{name}.csv", "rows": len(frame),
                      "demo": name in demo, "loaded_at": LOADED, "first": None, "last": None, "sha256": "ab" * 32}
               for name, frame in frames.items()}
    return bundles.build(frames, wards, provenance=records)


def _page(bundle, wards=()) -> blocks.Page:
    return data.page(bundle, Filter(tuple(wards), (), PUBLISHED, None, spans=bundle.spans))


def _table(page, title) -> pd.DataFrame:
    return next(t.frame for t in page.of(blocks.Table) if t.title == title)


@pytest.fixture(scope="module")
def demonstration(frames, wards):
    return _loaded(frames, wards, demo=set(schema.DATASETS))


def test_blocks_in_page_order(demonstration):
    assert outline(_page(demonstration)) == [
        ("Heading", "Data in use"),
        ("Said", f"Demonstration: {', '.join(N.values())}."),
        ("Table", data.PROVENANCE),
        ("Table", data.COVERAGE),
        ("Caption", data.GAPS),
        ("Chart", data.ROWS),
    ]
    assert not [b for b in _page(demonstration).blocks if getattr(b, "document", False)]   # no document chapter


def test_the_same_for_every_view(demonstration, wards):
    # the data in use is the borough's: a ward selection changes nothing
    whole, one = _page(demonstration), _page(demonstration, wards["ward_code"].head(1))
    assert outline(whole) == outline(one)
    for a, b in zip(whole.of(blocks.Table), one.of(blocks.Table)):
        pd.testing.assert_frame_equal(a.frame, b.frame)


def test_rows_per_month_are_the_rows_in_use(demonstration, frames):
    chart = _page(demonstration).of(blocks.Chart)[0]
    counted = chart.data.groupby("dataset")["value"].sum().to_dict()
    dated = {name for name in schema.DATASETS if store.date_column(name)}     # the undated: no rows per month
    assert counted == {N[name]: len(frames[name]) for name in dated}     # crimes summed from the cube, too
    crimes = frames["crimes"]["month"].value_counts().sort_index()
    shown = chart.data[chart.data["dataset"] == N["crimes"]].set_index("month")["value"]
    assert shown.to_dict() == crimes.to_dict()
    assert (chart.source, chart.period) == ("the data in use (provenance above)", "every month loaded")
    assert {trace.name for trace in chart.figure.data} == {N[name] for name in dated}   # in words, never a key


def test_provenance_and_coverage_tables(demonstration, frames):
    page = _page(demonstration)
    provenance = _table(page, data.PROVENANCE).set_index("dataset")
    assert list(provenance.index) == list(N.values())
    assert provenance["rows"].to_dict() == {N[name]: len(frames[name]) for name in schema.DATASETS}
    assert set(provenance["kind"]) == {"demonstration"} and set(provenance["sha256"]) == {"ab" * 6}
    coverage = _table(page, data.COVERAGE).set_index("dataset")
    assert coverage.loc[N["crimes"]].to_dict() == {"months": "Jan 2015 to Mar 2021", "missing": "none",
                                                "kind": "demonstration"}
    assert next(t for t in page.of(blocks.Table) if t.title == data.COVERAGE).ranked == 20   # a list on a shared screen


def test_demonstration_beside_real_data_is_marked_and_warned(frames, wards):
    page = _page(_loaded(frames, wards, demo=set(schema.DATASETS) - {"enforcement"}))   # one partner file loaded
    said = [s for b in page.of(blocks.Said) for s in b.sentences]
    assert said == ["Real: Enforcement notices.",
                    f"Demonstration: {', '.join(N[d] for d in schema.DATASETS if d != 'enforcement')}."]
    assert [b.lead for b in page.of(blocks.Said)] == ["Real", "Demonstration"]
    assert [b.text for b in page.of(blocks.Caution)] == [data.MIXED]
    kinds = _table(page, data.PROVENANCE).set_index("dataset")["kind"]
    assert kinds[N["enforcement"]] == "real" and (kinds.drop(N["enforcement"]) == "demonstration").all()
    assert _table(page, data.COVERAGE).set_index("dataset").loc[N["enforcement"], "kind"] == "real"


def test_demonstration_alone_is_no_mixture(demonstration):
    assert not _page(demonstration).of(blocks.Caution)


def test_empty_store_says_what_is_not_loaded_never_zero(empty):
    page = _page(empty[0])
    assert outline(page) == [
        ("Heading", "Data in use"), ("Said", f"Not loaded: {', '.join(N.values())}."),
        ("Table", data.PROVENANCE), ("Table", data.COVERAGE), ("Caption", data.GAPS), ("Missing", data.ROWS)]
    why = page.of(blocks.Missing)[0].why
    assert why.startswith(measures.NOT_LOADED) and "no dated dataset holds rows" in why
    coverage = _table(page, data.COVERAGE)
    assert set(coverage["kind"]) == set(coverage["months"]) == {"not loaded"}
    assert not page.of(blocks.Chart) and not page.of(blocks.Caution)


def test_police_uk_alone(police_uk, frames):
    page = _page(police_uk[0])
    coverage = _table(page, data.COVERAGE).set_index("dataset")
    police = [N["crimes"], N["asb_incidents"]]
    assert coverage.loc[police, "months"].tolist() == ["Jan 2015 to Mar 2021"] * 2
    assert set(coverage.drop(police)["months"]) == {"not loaded"}
    chart = page.of(blocks.Chart)[0]
    assert set(chart.data["dataset"]) == set(police)
    assert chart.data.groupby("dataset")["value"].sum().to_dict() == {N["crimes"]: len(frames["crimes"]),
                                                                      N["asb_incidents"]: len(frames["asb_incidents"])}


def test_a_month_police_uk_left_out_is_a_gap_not_a_zero(frames, wards):
    gap = pd.Timestamp("2019-06-01")
    crimes = frames["crimes"]
    page = _page(_loaded({**frames, "crimes": crimes[crimes["month"] != gap]}, wards, demo=set()))
    assert _table(page, data.COVERAGE).set_index("dataset").loc[N["crimes"], "missing"] == "Jun 2019"
    rows = page.of(blocks.Chart)[0].data
    assert gap not in set(rows.loc[rows["dataset"] == N["crimes"], "month"])      # no row: drawn as a gap
    assert (rows["value"] > 0).all()
