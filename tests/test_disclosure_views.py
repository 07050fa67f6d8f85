"""Disclosure control in every view: no sensitive count of 1 to 4 for a ward selection, anywhere.

A property test over random small stores: the demonstration data with a few wards thinned to a
handful of domestic abuse crimes, hate crimes and needles (as a rural ward of a real borough
has), and random ward selections around them. With disclosure control on, no page (headline,
chart, table, download) and no data pack shows a domestic abuse, hate crime or needle count of
1 to 4 for the selection. The unit tests below pin the rules that make it so.
"""

from __future__ import annotations

import base64
import json
import random
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from smp_dash import disclosure, report, store
from smp_dash.periods import CAL_2020

ROOT = Path(__file__).parents[1]
APP = ROOT / "app.py"
SMALL = {1, 2, 3, 4}
#: Headlines that count a sensitive measure, by page.
SENSITIVE_METRICS = {"Domestic abuse", "DA crimes", "Needles found", "Previous period", "Bulk incidents", "Hate crimes"}
#: Downloads of sensitive counts for a selection, and the columns that hold counts.
SENSITIVE_DOWNLOADS = {"da_trend": ("value",), "da_types": ("current", "previous"), "needles_monthly": ("value",),
                       "hate_strands": ("value",), "needle_places_now": ("needles",),
                       "needle_places_before": ("needles",), "focus_trend": ("value",)}
#: Chart titles (their start) that draw sensitive counts for the selection.
SENSITIVE_CHARTS = ("Domestic abuse crimes by month", "Domestic abuse by type", "Needles found by month",
                    "Hate crime by strand", "Domestic abuse by month", "Needles found by month,")


# The rules --------------------------------------------------------------------------------

@pytest.mark.parametrize("counts, selected, expected", [
    ({"A": 3, "B": 10, "C": 50, "D": 7}, ["A"], "<5"),             # small itself
    ({"A": 3, "B": 10, "C": 50, "D": 7}, ["A", "B"], "hidden"),     # 13 - B (shown 10) = A
    ({"A": 3, "B": 10, "C": 50, "D": 7}, ["A", "D"], None),         # exactly the hidden wards: their sum is known anyway
    ({"A": 3, "B": 10, "C": 50, "D": 7}, ["C"], None),              # no hidden ward inside
    ({"A": 3, "B": 10, "C": 50, "D": 7}, ["B", "C", "D"], "hidden"),  # the rest of the borough is A alone
    ({"A": 3, "B": 10, "C": 50, "D": 7}, [], None),                 # the whole borough
    ({"A": 2, "B": 1}, [], "<5"),                                   # a small borough total
    ({"A": 4, "B": 4, "C": 0}, [], "hidden"),                       # 8 would pin both <5 wards at 4 (hidden_totals)
    ({"A": 4, "B": 4, "C": 0}, ["A", "B"], "hidden"),               # and so would the two wards' total
    ({"A": 4, "B": 4, "C": 0}, ["C"], None),                        # the borough total is hidden: the rest is unknown
    ({"A": 0, "B": 10, "C": 20}, ["A"], None),                      # a true zero is shown
    ({"A": 3, "B": 4, "C": 50, "D": 60}, ["A", "C"], "hidden"),     # 53 - C = A
    ({"A": 3, "B": 4, "C": 50, "D": 60}, ["A", "B", "C"], None),    # A+B = 7 is known from the table anyway
])
def test_selection_hidden(counts, selected, expected):
    assert disclosure.selection_hidden(pd.Series(counts), selected) == expected


def test_guard_hides_the_change_when_either_period_is_small():
    rows = pd.DataFrame({"month": pd.to_datetime(["2020-03-01"] * 3 + ["2019-05-01"] * 2 + ["2020-06-01"] * 20),
                         "ward_code": ["A"] * 3 + ["A"] * 2 + ["B"] * 20, "n": 1})
    got = disclosure.guard(rows, ["A"], CAL_2020, on=True)
    assert (got.current, got.previous, got.current_hidden, got.previous_hidden) == (3, 2, "<5", "<5")
    assert got.change_hidden and got.series_hidden() == disclosure.SERIES_HIDDEN
    off = disclosure.guard(rows, ["A"], CAL_2020, on=False)
    assert not off.change_hidden and off.text() == "3" and not off.selection
    borough = disclosure.guard(rows, [], CAL_2020, on=True)   # 23 in 2020, 2 in 2019 for the borough
    assert (borough.text(), borough.text(previous=True)) == ("23", "<5")
    assert borough.series_hidden() is None            # the borough's series are not a selection's


@pytest.mark.parametrize("values, shown, note", [
    ([0, 6, 7, 0, 0, 0, 9, 9, 9, 10, 0, 5], [0, 6, 7, 0, 0, 0, 9, 9, 9, 10, 0, 5], ""),      # nothing small
    ([0, 1, 6, 7, 8, 9, 0, 0, 0, 10, 10, 10], [7, 24, 0, 30], "by quarter"),                # a small month
    ([0, 1, 0, 7, 8, 9, 0, 0, 0, 10, 10, 10], None, "Not shown"),                           # a small quarter
])
def test_protect_series(values, shown, note):
    frame = pd.DataFrame({"month": pd.date_range("2020-01-01", periods=12, freq="MS"), "value": values})
    got, why = disclosure.protect_series(frame)
    assert (got["value"].tolist() if got is not None else None) == shown
    assert note in why


def test_protect_series_sums_each_series_and_its_rate_by_quarter():
    frame = pd.DataFrame({"month": np.repeat(pd.date_range("2020-01-01", periods=3, freq="MS"), 2),
                          "area": ["Focus", "Rest"] * 3, "value": [2, 50, 3, 60, 4, 70], "rate": [0.1, 1.0, 0.2, 1.5, 0.3, 2.0]})
    got, why = disclosure.protect_series(frame)
    assert got.to_dict("list") == {"month": [pd.Timestamp("2020-01-01")] * 2, "area": ["Focus", "Rest"],
                                   "value": [9, 180], "rate": pytest.approx([0.6, 4.5])}
    assert "by quarter" in why


def test_protect_breakdown_hides_small_types_their_changes_and_labels():
    types = pd.DataFrame({"da_class": ["VAP", "Sexual", "Other"], "current": [40, 3, 12], "previous": [38, 6, 9],
                          "change": [2, -3, 3], "pct_change": [5.3, -50.0, 33.3], "label": ["+5%", "-50%", "+33%"]})
    got = disclosure.display(disclosure.protect_breakdown(types))
    assert got[["current", "previous", "change", "label"]].values.tolist() == [
        ["40", "38", "+2", "+5%"], ["<5", "6", "hidden", "<5"], ["hidden", "9", "hidden", "hidden"]]
    assert types["current"].tolist() == [40, 3, 12]   # the input is left as it was


# Random small stores ------------------------------------------------------------------------

def _thin(frames: dict, wards: list[str], rng: random.Random) -> dict:
    """``frames`` with ``wards`` left with 1 to 4 DA and hate crimes a year and a needle find or two."""
    crimes = frames["crimes"]
    years = crimes["month"].dt.year
    keep = pd.Series(True, index=crimes.index)
    for ward in wards:
        for flag in (crimes["domestic_abuse"].astype(bool), crimes["hate_strand"].notna()):
            for year in years.unique():
                rows = crimes.index[(crimes["ward_code"] == ward) & flag & (years == year)]
                keep[rows] = False
                keep[rng.sample(list(rows), min(len(rows), rng.randint(0, 4)))] = True
    needles = frames["needle_finds"]
    mine = needles["ward_code"].isin(wards)
    kept = needles[mine & ~needles["bulk_incident"].astype(bool)]
    kept = kept.sample(n=min(len(kept), rng.randint(1, 3)), random_state=rng.randint(0, 999))
    kept = kept.assign(needles=[rng.randint(1, 4) for _ in range(len(kept))])
    return {**frames, "crimes": crimes[keep], "needle_finds": pd.concat([needles[~mine], kept], ignore_index=True)}


@pytest.fixture(scope="module")
def demo_frames(demo_store):
    return store.read_all(demo_store)


@pytest.fixture(scope="module")
def ward_names(demo_frames) -> dict[str, str]:
    from smp_dash import geo

    try:
        wards = geo.load_wards()
    except geo.BoundariesMissing as exc:
        pytest.skip(str(exc))
    return dict(zip(wards["ward_code"], wards["ward_name"]))


CASES = [(seed, page) for seed in (1, 2, 3) for page in
         ("overview.py", "domestic_abuse.py", "substance_misuse.py", "police_data.py", "task_force.py", "scenarios.py")]


@pytest.fixture(scope="module")
def small_stores(tmp_path_factory, demo_frames, ward_names):
    """seed -> (store folder, selected ward names, thinned frames), made once per seed."""
    made = {}

    def make(seed: int):
        if seed not in made:
            rng = random.Random(seed)
            codes = sorted(ward_names)
            tiny = rng.sample(codes, rng.randint(1, 2))
            if seed == 3:
                tiny = [c for c, n in ward_names.items() if n in ("Shepway North", "Leeds")]  # the task force area too
            frames = _thin(demo_frames, tiny, rng)
            selected = tiny + rng.sample([c for c in codes if c not in tiny], rng.randint(0, 2))
            folder = tmp_path_factory.mktemp(f"small{seed}") / "store"
            for name, frame in frames.items():
                if len(frame):
                    store.write(name, frame, source="test: thinned demonstration data", demo=True, data_dir=folder)
            made[seed] = folder, [ward_names[c] for c in selected], frames, tuple(selected)
        return made[seed]

    return make


def _numbers(text: str) -> set[float]:
    return {float(x.replace(",", "")) for x in re.findall(r"(?<![\w.])\d[\d,]*(?:\.\d+)?", text)}


def _decoded(values) -> list:
    """A plotly trace array, plain or typed ({"dtype", "bdata"} as plotly 6 writes numpy arrays)."""
    if isinstance(values, dict) and "bdata" in values:
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=np.dtype(values["dtype"])).tolist()
    return list(values) if isinstance(values, (list, tuple)) else []


@pytest.mark.parametrize("seed, page", CASES)
def test_no_small_sensitive_count_on_any_page(small_stores, seed, page, monkeypatch):
    folder, selected, _, _ = small_stores(seed)
    monkeypatch.setenv("SMP_DATA_DIR", str(folder))
    from smp_dash import ui

    downloads: dict[str, pd.DataFrame] = {}
    monkeypatch.setattr(ui, "download", lambda table, *, key, **_: downloads.setdefault(key, table) is not None)
    query = {"wards": selected, "suppress": "true"}
    if page == "scenarios.py":
        query["sc_measure"] = ["Domestic abuse", "Needles found"][seed % 2]
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params.update(query)
    at.switch_page(f"pages/{page}").run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(disclosure.note() in i.value for i in at.info), "disclosure control should be on"

    leaks = [f"metric {m.label}: {m.value}" for m in at.metric
             if m.label in SENSITIVE_METRICS and _numbers(m.value) & SMALL]
    for key, columns in SENSITIVE_DOWNLOADS.items():
        table = downloads.get(key)
        for column in columns if table is not None else ():
            values = pd.to_numeric(table[column], errors="coerce")
            leaks += [f"download {key}.{column}: {v}" for v in values[values.isin(SMALL)]]
    for element in at.get("plotly_chart"):
        spec = json.loads(element.proto.spec)
        title = spec.get("layout", {}).get("title", {}).get("text", "")
        if title.startswith(SENSITIVE_CHARTS):
            for trace in spec["data"]:
                if trace.get("name") in ("Baseline", "Scenario", "95% band", "band") or trace.get("fill"):
                    continue   # the projection: a model, not a count
                values = _decoded(trace.get("y")) + _decoded(trace.get("values"))
                leaks += [f"chart {title!r}: {v}" for v in values if v in SMALL]
    for block in at.markdown:
        if "<svg" in block.value and "Domestic abuse" in block.value:
            label = re.search(r'aria-label="([^"]*)"', block.value).group(1)
            leaks += [f"sparkline {label}"] if _numbers(re.sub(r"[A-Z][a-z]{2} \d{4}", "", label)) & SMALL else []
    assert not leaks, f"{page} with wards {selected} shows small counts: {leaks}"


@pytest.mark.parametrize("seed", (1, 2, 3))
def test_no_small_sensitive_count_in_the_data_pack(small_stores, ward_names, seed):
    _, _, frames, selected = small_stores(seed)
    _, sections = report.pack_sections(frames, wards=selected, ward_names=ward_names, suppress=True)
    leaks = []
    for section in sections:
        for label, value, change, _ in section.figures:
            if any(word in label for word in ("Domestic abuse", "Needles", "Bulk", "Hate")) and _numbers(value) & SMALL:
                leaks.append(f"{section.title}: {label} {value}")
        for fig in section.charts:
            title = fig.layout.title.text or ""
            if title.startswith(SENSITIVE_CHARTS):
                for trace in fig.data:
                    values = [v for attr in ("y", "values") if getattr(trace, attr, None) is not None
                              for v in getattr(trace, attr)]
                    leaks += [f"{title}: {v}" for v in values if v in SMALL]
        for title, table in section.tables:
            if any(word in title.lower() for word in ("needle", "domestic")):
                counts = [c for c in table.columns if c in ("needles", "current", "previous")] or [table.columns[1]]
                leaks += [f"{title}: {v}" for c in counts for v in pd.to_numeric(table[c], errors="coerce") if v in SMALL]
    assert not leaks, f"the data pack for {selected} shows small counts: {leaks}"
    html = report.data_pack(frames, wards=selected, ward_names=ward_names, suppress=True, demo=True,
                            generated_at="today", provenance={})
    assert disclosure.note() in html.replace("&lt;", "<")
