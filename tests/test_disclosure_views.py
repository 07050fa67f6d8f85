"""Disclosure control in every view: no sensitive count of 1 to 4 for a ward selection, anywhere.

A property test over random small stores: the demonstration data with a few wards thinned to a
handful of domestic abuse crimes, hate crimes and needles (as a rural ward of a real borough
has), and random ward selections around them. With disclosure control on, no page (headline,
chart, table, download) and no data pack shows a domestic abuse, hate crime or needle count of
1 to 4 for the selection. The rules that make it so are pinned in test_disclosure.py.
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

from conftest import as_read, chart_title, thin_sensitive
from smp_dash import assessment, disclosure, report, store

ROOT = Path(__file__).parents[1]
APP = ROOT / "app.py"
SMALL = {1, 2, 3, 4}
#: Words in a key figure's label or a sentence that name a sensitive measure.
SENSITIVE_WORDS = ("Domestic abuse", "Needles", "Bulk", "Hate")
#: Headlines that count a sensitive measure, by page.
SENSITIVE_METRICS = {"Domestic abuse", "Domestic abuse crimes", "Needles found", "Needles found, without bulk incidents",
                     "Previous period", "Bulk incidents", "Hate crimes"}
#: Downloads of sensitive counts for a selection, and the columns that hold counts.
SENSITIVE_DOWNLOADS = {"da_trend": ("value",), "da_types": ("current", "previous"), "needles_monthly": ("value",),
                       "hate_strands": ("value",), "needle_places_now": ("needles",),
                       "needle_places_before": ("needles",), "focus_trend": ("value",)}
#: Chart titles (their start) that draw sensitive counts for the selection.
SENSITIVE_CHARTS = ("Domestic abuse crimes by month", "Domestic abuse by type", "Needles found by month",
                    "Hate crime by strand", "Domestic abuse by month", "Needles found by month,")


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
            frames = thin_sensitive(demo_frames, tiny, rng)
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
    from smp_dash.ui import blocks as drawn, sections

    downloads: dict[str, pd.DataFrame] = {}
    keep = lambda table, *, key, **_: downloads.setdefault(key, table) is not None  # noqa: E731
    for module in (sections, drawn):    # a chart's download, and a table block's (ui.blocks imports it by name)
        monkeypatch.setattr(module, "download", keep)
    query = {"wards": selected, "suppress": "true"}
    if page == "scenarios.py":
        query["sc_measure"] = ["Domestic abuse", "Needles found"][seed % 2]
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params.update(query)
    at.switch_page(f"pages/{page}").run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(disclosure.note() in i.value for i in at.info), "disclosure control should be on"

    leaks = [f"metric {as_read(m.label)}: {m.value}" for m in at.metric
             if as_read(m.label) in SENSITIVE_METRICS and _numbers(m.value) & SMALL]
    for key, columns in SENSITIVE_DOWNLOADS.items():
        table = downloads.get(key)
        for column in columns if table is not None else ():
            values = pd.to_numeric(table[column], errors="coerce")
            leaks += [f"download {key}.{column}: {v}" for v in values[values.isin(SMALL)]]
    for element in at.get("plotly_chart"):
        spec = json.loads(element.proto.spec)
        title = chart_title(spec)
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
    _, sections = assessment.sections(frames, wards=selected, ward_names=ward_names, suppress=True)
    leaks = []
    for section in sections:
        for figure in section.figures:
            if any(word in figure.label for word in SENSITIVE_WORDS) and _numbers(figure.value) & SMALL:
                leaks.append(f"{section.title}: {figure.label} {figure.value}")
        for sentence in section.story:   # the draft's narrative: counts, not percentages or rates
            counts = _numbers(re.sub(r"[+-]?\d[\d,.]*%|\d+\.\d|\b\d{4}(/\d\d)?\b|p [=<] [\d.]+", "", sentence))
            if any(word in sentence for word in SENSITIVE_WORDS) and counts & SMALL:
                leaks.append(f"{section.title}: {sentence}")
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
