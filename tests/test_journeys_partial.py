"""Journeys on police.uk data whose year before is not whole (issue 19, part 2): no change against it
anywhere, and overlays that pair each month with the same month a year earlier.

Two stores, built through ``smp-dash ingest`` as a partner builds them:

- ``late_start``: police.uk street files for Jan 2024 to Dec 2025. The December-to-November year
  (ASB's, the task force's) Dec 2024 to Nov 2025 has a year before that lacks Dec 2023;
- ``gap``: Jan 2023 to Dec 2025 without Mar 2024 (a month police.uk did not publish): calendar 2025
  and Dec 2024 to Nov 2025 both have a year before with a month missing inside it.

Each view says "no comparison" and why, and shows no change: the headline, the ward map's values and
measures, the task force's table, the data pack's, the draft's and the workbook's figures, sentences
and cells. Expected counts are counted here from the rows ``journey_data`` wrote.
"""

from __future__ import annotations

import io
import json
import re
import shutil
from dataclasses import dataclass

import docx
import numpy as np
import openpyxl
import pandas as pd
import pytest

import journey_data
from smp_dash import assessment, draft, images, report, schema, store, workbook
from conftest import blank_png
from test_journeys import Journey, _chart, _ingest, _metric, _numbers

MONTHS = ["Dec", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov"]
ASB_TITLE = "Police-recorded ASB by month: Dec 2024 to Nov 2025 against Dec 2023 to Nov 2024"
#: A change as the views write one: "+11%", "-9.1%", "+23 (".
CHANGE = re.compile(r"[+-]\d[\d,.]*%|[+-]\d[\d,]* \(")


@dataclass(frozen=True)
class Case:
    journey: Journey
    missing: str              # the months the year before lacks, as the reason writes them
    asb_why: str              # the reason the ASB year has no comparison
    crime_why: str | None     # the reason calendar 2025 has none (None: 2024 is whole)


@pytest.fixture(scope="module")
def spots(maidstone):
    wards, lsoas = maidstone
    return journey_data.places(wards, lsoas)


@pytest.fixture(scope="module")
def ward_names(maidstone):
    wards, _ = maidstone
    return dict(zip(wards["ward_code"], wards["ward_name"]))


def _store(root, first: str, last: str, spots, without: str | None = None) -> Journey:
    rows = journey_data.street_files(root / "police-uk", first, last, spots)
    if without:                                     # police.uk never published that month
        shutil.rmtree(root / "police-uk" / without)
        rows = rows[rows["Month"] != without].reset_index(drop=True)
    _ingest(root / "store", "police-uk", root / "police-uk")
    return Journey(root / "store", rows)


@pytest.fixture(scope="module", params=["late_start", "gap"])
def case(request, tmp_path_factory, spots) -> Case:
    root = tmp_path_factory.mktemp(request.param)
    if request.param == "late_start":
        return Case(_store(root, "2024-01", "2025-12", spots), "Dec 2023",
                    "no comparison: the data covers 11 of the 12 months of Dec 2023 to Nov 2024 (Dec 2023 missing)",
                    None)
    return Case(_store(root, "2023-01", "2025-12", spots, without="2024-03"), "Mar 2024",
                "no comparison: the data covers 11 of the 12 months of Dec 2023 to Nov 2024 (Mar 2024 missing)",
                "no comparison: the data covers 11 of the 12 months of 2024 (Mar 2024 missing)")


@pytest.fixture(scope="module")
def pages(case):
    return journey_data.renderer(case.journey.store)


def _no_change(shown, why: str) -> None:
    """A headline with no change: no delta, and the reason in its help."""
    assert not CHANGE.search(shown.proto.delta or ""), shown.proto.delta
    assert why in shown.help, shown.help


# The pages -----------------------------------------------------------------------------------------

def test_headlines_say_no_comparison_and_why(case, pages):
    at = pages("overview.py")
    asb = _metric(at, "ASB incidents")
    assert asb.value == f"{case.journey.asb('2024-12', '2025-11'):,}"
    _no_change(asb, case.asb_why)
    crime = _metric(at, "Recorded crime")
    if case.crime_why:
        _no_change(crime, case.crime_why)
    else:   # 2024 and 2025 are both whole: the change stands
        assert CHANGE.search(crime.proto.delta)
    _no_change(_metric(pages("community_protection.py"), "Police-recorded ASB, Dec 2024 to Nov 2025"), case.asb_why)


def test_the_asb_ward_map_offers_no_change_and_says_why(case, pages):
    at = pages("community_protection.py")
    measure = at.button_group(key="asb_measure")
    assert measure.value == "count"
    assert "change" not in measure.options and "Change on previous period" not in str(measure.options)
    assert any(case.asb_why in c.value for c in at.caption), [c.value for c in at.caption]
    deck = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    wards = next(layer for layer in deck["layers"] if layer["@@type"] == "GeoJsonLayer")["data"]["features"]
    assert {f["properties"]["previous"] for f in wards} == {"n/a"}
    assert {f["properties"]["change_text"] for f in wards} == {"n/a"}
    assert sum(int(f["properties"]["current"].replace(",", "")) for f in wards) == case.journey.asb("2024-12", "2025-11")


def test_a_shared_link_to_the_change_map_falls_back_to_counts(case):
    at = journey_data.open_page(case.journey.store, "community_protection.py", asb_measure="change")
    assert at.button_group(key="asb_measure").value == "count"


def test_the_asb_overlay_pairs_months_and_leaves_a_gap(case, pages):
    spec = _chart(pages("community_protection.py"), ASB_TITLE)
    before, now = ({str(x): y for x, y in zip(trace["x"], _numbers(trace, "y"))} for trace in spec["data"][:2])
    months = pd.date_range("2023-12-01", "2024-11-01", freq="MS")
    for label, month in zip(MONTHS, months):
        key = f"{month:%Y-%m}"
        if f"{month:%b %Y}" == case.missing:
            assert np.isnan(before.get(label, np.nan)), label          # a gap: neither 0 nor a neighbour's count
        else:
            assert before[label] == case.journey.asb(key, key), label
    for label, month in zip(MONTHS, pd.date_range("2024-12-01", "2025-11-01", freq="MS")):
        assert now[label] == case.journey.asb(f"{month:%Y-%m}", f"{month:%Y-%m}"), label


# The documents -------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def frames(case):
    return store.read_all(case.journey.store)


def _build(builder, frames, ward_names, journey):
    return builder(frames, ward_names=ward_names, demo=False, generated_at="1 Jan 2026 09:00 UTC",
                   provenance={name: store.provenance(name, journey.store) for name in schema.DATASETS})


def _focus_asb(journey: Journey, ward_names: dict, first: str, last: str) -> int:
    focus = {code for code, name in ward_names.items() if name in ("Shepway North", "Shepway South")}
    rows = journey.street[journey.street["Month"].between(first, last) & journey.street["ward_code"].isin(focus)]
    return int((rows["Crime type"] == journey_data.ASB).sum())


def test_the_sections_state_no_change_against_a_year_held_in_part(case, frames, ward_names):
    _, sections = assessment.sections(frames, ward_names=ward_names)
    by_title = {s.title: s for s in sections}
    overview = {f.label: f for f in by_title["Overview: headline figures"].figures}
    assert (overview["ASB incidents"].change, overview["ASB incidents"].previous) == (case.asb_why, None)
    tf = by_title["The Shepway task force"]
    asb = next(f for f in tf.figures if f.label == "ASB (police)")
    focus = _focus_asb(case.journey, ward_names, "2024-12", "2025-11")
    assert (asb.value, asb.change, asb.previous) == (f"{focus:,}", case.asb_why, None)
    sentence = next(t for t in tf.story if t.startswith("ASB (police) in the focus area"))
    assert sentence.endswith(f"numbered {focus:,} in Dec 2024 to Nov 2025; {case.asb_why}.") and not CHANGE.search(sentence)
    table = next(t for title, t in tf.tables if title.startswith("Focus area and the rest"))
    assert table[["previous", "pct_change"]].isna().all().all()      # every measure here is Dec to Nov
    for s in sections:
        for line in s.story:
            if "ASB" in line:
                assert not CHANGE.search(line), line


def test_the_workbook_has_no_change_cell(case, frames, ward_names):
    book = openpyxl.load_workbook(io.BytesIO(_build(workbook.workbook, frames, ward_names, case.journey)))
    sheet = book["Task force - key figures"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    header = next(i for i, r in enumerate(rows) if r[0] == "Figure")
    columns = rows[header]
    asb = dict(zip(columns, next(r for r in rows[header + 1:] if r[0] == "ASB (police)")))
    assert (asb["Previous"], asb["Change %"], asb["Note"]) == (None, None, case.asb_why)
    table = next(book[name] for name in book.sheetnames if name.startswith("Task force - ") and "vs rest" in name)
    cells = [[c.value for c in row] for row in table.iter_rows()]
    top = next(i for i, r in enumerate(cells) if r[0] == "Measure")
    for row in cells[top + 1:]:
        record = dict(zip(cells[top], row))
        assert record["Previous"] in (None, "n/a") and record["Change %"] in (None, "n/a"), record


def test_the_draft_and_the_data_pack_say_no_comparison(case, frames, ward_names, monkeypatch):
    monkeypatch.setattr(images, "figures_png", lambda figs, **_: [blank_png()] * len(figs))
    doc = docx.Document(io.BytesIO(_build(draft.document, frames, ward_names, case.journey)))
    text = "\n".join(p.text for p in doc.paragraphs)
    focus = _focus_asb(case.journey, ward_names, "2024-12", "2025-11")
    assert f"numbered {focus:,} in Dec 2024 to Nov 2025; {case.asb_why}." in text
    assert not [line for line in text.splitlines() if "ASB" in line and CHANGE.search(line)]
    figures = [[c.text for c in row.cells] for table in doc.tables for row in table.rows]
    assert ["ASB (police)", f"{focus:,}", case.asb_why] in [row[:3] for row in figures]
    pack = _build(report.data_pack, frames, ward_names, case.journey)
    rows = [re.findall(r"<td[^>]*>(.*?)</td>", row) for row in re.findall(r"<tr>(.*?)</tr>", pack)]
    asb = [row for row in rows if row and row[0] == "ASB (police)"]
    # the key figure, then the focus area and the rest of the borough: no previous count, no change
    assert asb[0][:3] == ["ASB (police)", f"{focus:,}", case.asb_why]
    assert [row[1] for row in asb[1:]] == ["Focus area", "Rest of borough"]
    assert {cell for row in asb[1:] for cell in row[3:5]} == {"n/a"}
