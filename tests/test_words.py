"""Words from the data (issue 19, part 3): every page under AppTest on police.uk data alone for 2024
and 2025, and on a demonstration store after a police.uk fetch (real crime and ASB beside
demonstration needles, indicators and populations).

No sentence names a year, a count or an event the view's data does not hold: a figure not loaded
leaves its sentence out and a "not loaded" note says so, never "n/a people"; no caption speaks of
ward populations nobody loaded, or of a task force too new to judge years after it began; options
the data cannot serve are not offered; and where real and demonstration data are mixed, each
demonstration figure says so where it stands.
"""

from __future__ import annotations

import html
import io
import json
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from streamlit.proto.Metric_pb2 import Metric
from streamlit.testing.v1 import AppTest

import journey_data
from conftest import as_read, blank_png, chart_titles, tables
from smp_dash import assessment, blocks, cli, glossary, measures, morile, schema, store, wording
from smp_dash.periods import ASSESS_2020, Period, period
from smp_dash.priorities import task_force
from smp_dash.selection import CHOICE_LABELS, PUBLISHED

ROOT = Path(__file__).parents[1]
APP = ROOT / "app.py"
PAGES = sorted(p.name for p in (ROOT / "pages").glob("*.py"))
#: The assessment's own names for itself and its periods: the only place a fixed year may stand.
OWN_LABELS = re.compile(r"Strategic Assessment 2020-21|(the )?2020-21 assessment")
DEMO = "(demonstration data)"
#: A tile's delta drawn without an arrow.
NO_ARROW = Metric.MetricDirection.NONE


@pytest.fixture(scope="module")
def spots(maidstone):
    wards, lsoas = maidstone
    return journey_data.places(wards, lsoas)


@pytest.fixture(scope="module")
def police_only(tmp_path_factory, spots) -> Path:
    """police.uk street files for January 2024 to December 2025, and nothing else."""
    root = tmp_path_factory.mktemp("police_only")
    journey_data.street_files(root / "police-uk", "2024-01", "2025-12", spots)
    assert cli.main(["--data-dir", str(root / "store"), "ingest", "police-uk", str(root / "police-uk")]) == 0
    return root / "store"


@pytest.fixture(scope="module")
def mixed(tmp_path_factory, spots) -> Path:
    """The demonstration store after police.uk files for 2024 and 2025 replaced its crimes and ASB."""
    root = tmp_path_factory.mktemp("mixed")
    assert cli.main(["--data-dir", str(root / "store"), "demo"]) == 0
    journey_data.street_files(root / "police-uk", "2024-01", "2025-12", spots)
    assert cli.main(["--data-dir", str(root / "store"), "ingest", "police-uk", str(root / "police-uk")]) == 0
    return root / "store"


@pytest.fixture(scope="module")
def on_police(police_only):
    return journey_data.renderer(police_only)


@pytest.fixture(scope="module")
def on_mixed(mixed):
    return journey_data.renderer(mixed)


def _visible(at: AppTest) -> list[str]:
    """Every piece of text a person can read on the page: headings, sentences, notes, tiles (label,
    value, change and help), chart titles, table cells and widgets (label, help, placeholder, options)."""
    texts = [e.value for kind in ("title", "header", "subheader", "caption", "info", "markdown", "warning",
                                  "error", "success") for e in getattr(at, kind)]
    texts += [t for m in at.metric for t in (m.label, m.value, m.proto.delta, m.help or "")]
    texts += chart_titles(at)
    for frame in at.dataframe:
        if "data_measure" in frame.value.columns:
            # The MoRiLE scoring sheet is data in use, edited or imported on its page: its default notes
            # quote the 2020-21 assessment's figures, and the page says so (morile.SHEET_NOTE).
            continue
        texts += [str(c) for c in frame.value.columns] + [str(v) for v in frame.value.astype(str).to_numpy().ravel()]
    # tables drawn whole (ui.sections.table_html): caption, headings and cells, as written
    texts += [html.unescape(t) for h in at.get("html") if 'class="smp-table"' in h.proto.body
              for t in re.findall(r">([^<>]+)<", h.proto.body)]
    for kind in ("selectbox", "multiselect", "text_input", "slider", "number_input", "toggle", "checkbox",
                 "button", "button_group", "radio"):
        for w in getattr(at, kind):
            texts += [str(getattr(w, name, "") or "") for name in ("label", "help", "placeholder")]
            texts += [str(o) for o in getattr(w, "options", []) or []]
    return [t for t in texts if t]


# The task force's start, said only when it is true of the period ----------------------------------

@pytest.mark.parametrize("p, note", [
    # the 2020-21 assessment's year ends three months after the start: too soon
    (ASSESS_2020, "The task force began in September 2020: too soon to judge its impact."),
    (period("calendar", 2019), "The task force began in September 2020, after this period."),
    (Period("rolling", pd.Timestamp("2020-09-01"), pd.Timestamp("2021-08-31")),
     "The task force began in September 2020: too soon to judge its impact."),   # the 12th month after
    (period("assessment", 2021), ""),            # Nov 2021, 14 months on: no longer too soon, nothing to add
    (period("calendar", 2025), ""),              # years later: never "too soon"
])
def test_task_force_start_note(p, note):
    assert task_force.start_note(p) == note


def test_task_force_start_is_configurable():
    assert task_force.start_note(period("calendar", 2025), start="2025-06") == \
        "The task force began in June 2025: too soon to judge its impact."
    assert task_force.start_note(period("calendar", 2025), start="2025-06", early=3) == ""


# police.uk 2024 and 2025 alone: every page -----------------------------------------------------

@pytest.mark.parametrize("page", PAGES)
def test_no_fixed_words_on_police_uk_data(on_police, page):
    texts = _visible(on_police(page))
    assert not [t for t in texts if "n/a people" in t or "n/a case" in t]
    # The data is 2024 and 2025: a year before it is a fixed word, not a figure of the view.
    assert not [t for t in texts if re.search(r"\b(2019|2020|2021)\b", OWN_LABELS.sub("", t))]
    assert not [t for t in texts if "too soon" in t]
    assert not [t for t in texts if "approximate ward populations" in t]


def test_mental_health_leaves_out_the_outreach_sentence(on_police):
    at = on_police("mental_health.py")
    texts = _visible(at)
    assert not [t for t in texts if t.startswith("**Outreach:**")]
    assert any("Outreach" in t and measures.NOT_LOADED in t for t in texts), texts
    assert not [t for t in texts if "CSVG cases by concern" in t and "2020" in t]


def test_community_trigger_is_left_out_when_not_loaded(on_police):
    texts = _visible(on_police("community_protection.py"))
    assert not [t for t in texts if t.startswith("**Community trigger:**")]
    assert any(t.startswith("**Community triggers") and measures.NOT_LOADED in t for t in texts), texts


def test_task_force_says_why_there_are_no_rates(on_police):
    texts = _visible(on_police("task_force.py"))
    assert any(measures.NO_POPULATION in t for t in texts), texts
    assert not [t for t in texts if "began in" in t]     # 2025 is years after September 2020: nothing to say


def test_no_rate_map_without_population(on_police):
    at = on_police("community_protection.py")
    # no population: no rate; and no change either, as the year before lacks Dec 2023 (issue 19, section 2)
    assert [str(o) for o in at.button_group(key="asb_measure").options] == ["Count"]
    assert any(measures.NO_POPULATION in c.value for c in at.caption)


def test_scenarios_open_on_a_measure_that_is_loaded(on_police):
    at = on_police("scenarios.py")
    box = at.selectbox(key="sc_measure")
    assert box.value == "ASB incidents"
    assert box.options == ["ASB incidents", "Drug offences"]
    assert at.get("plotly_chart"), "the projection is drawn"
    notes = " ".join(c.value for c in at.caption)
    assert "Domestic abuse" in notes and "police.uk has no domestic-abuse flag" in notes


def test_a_link_to_a_measure_not_loaded_opens_on_one_that_is(police_only):
    at = journey_data.open_page(police_only, "scenarios.py", sc_measure="Domestic abuse")
    assert at.selectbox(key="sc_measure").value == "ASB incidents"


# A demonstration store after a police.uk fetch ------------------------------------------------

def _titles(at: AppTest) -> list[str]:
    return chart_titles(at)


def test_mixed_overview_marks_each_demonstration_figure(on_mixed):
    at = on_mixed("overview.py")
    labels = [as_read(m.label) for m in at.metric]
    assert f"Needles found {DEMO}" in labels, labels                      # the 2020 needle tile
    assert "Recorded crime" in labels and "ASB incidents" in labels       # real 2025: no mark
    headings = [m.value for m in at.markdown if m.value.startswith("**")]
    captions = [t.attrs["caption"] for t in tables(at)]
    # the wards with most needles, titled as the documents title them (issue 19, section 1)
    assert any(c.startswith(f"Wards with most: needles found {DEMO}, ") for c in captions), captions
    assert f"**Section 136 uses (yearly) {DEMO}**" in headings
    assert any(c.startswith("Wards with most: anti-social behaviour, ") for c in captions), captions
    assert "**Violent crime**" in headings


def test_mixed_pages_mark_demonstration_tiles_charts_and_rows(on_mixed):
    needles = on_mixed("substance_misuse.py")
    labels = [as_read(m.label) for m in needles.metric]
    assert {f"Needles found {DEMO}", f"Previous period {DEMO}", f"Bulk incidents {DEMO}", "Drug offences"} <= set(labels)
    assert any(t.startswith("Needles found by month") and t.endswith(DEMO) for t in _titles(needles))
    assert f"Top five needle-find locations, Dec 2019 to Nov 2020 {DEMO}" in [t.attrs["caption"] for t in tables(needles)]
    assert not [t for t in _titles(needles) if t.startswith("Drug offences, Maidstone") and DEMO in t]
    task = on_mixed("task_force.py")
    assert f"Needles found {DEMO}" in [as_read(m.label) for m in task.metric]
    assert "ASB (police)" in [as_read(m.label) for m in task.metric]
    assert any(t.startswith("Rate per 1,000 residents") and t.endswith(DEMO) for t in _titles(task))   # demonstration populations
    health = on_mixed("mental_health.py")
    assert all(DEMO in as_read(m.label) for m in health.metric), [as_read(m.label) for m in health.metric]
    assert all(DEMO in t for t in _titles(health))
    community = on_mixed("community_protection.py")
    assert f"ASB complaints to the council, Dec 2019 to Nov 2020 {DEMO}" in [as_read(m.label) for m in community.metric]
    assert "Police-recorded ASB, Dec 2024 to Nov 2025" in [as_read(m.label) for m in community.metric]
    # the 2020 needle log does not cover the task force's Dec 2024 to Nov 2025: no figure, never a 0
    needles = [m for m in task.metric if as_read(m.label).startswith("Needles found")][0]
    assert needles.value == "n/a" and "(needle finds)" in needles.help, (needles.value, needles.help)


def test_demonstration_alone_carries_no_mark(demo_store):
    at = journey_data.open_page(demo_store, "overview.py")
    assert not [as_read(m.label) for m in at.metric if DEMO in as_read(m.label)]


def test_mixed_documents_mark_the_same_figures(mixed, maidstone):
    # The pack, the draft and the workbook are written from these sections: the same marks as the pages.
    wards, _ = maidstone
    frames = store.read_all(mixed)
    _, sections = assessment.sections(frames, ward_names=dict(zip(wards["ward_code"], wards["ward_name"])),
                                      provenance={name: store.provenance(name, mixed) for name in frames})
    overview = {f.label: f for f in sections[0].figures}
    assert f"Needles found {DEMO}" in overview and "Recorded crime" in overview
    assert any(s.startswith(f"Needles found {DEMO} in the whole borough") for s in sections[0].story), sections[0].story
    health = next(s for s in sections if s.title == "Mental health")
    assert [f.label for f in health.figures] == [f"Section 136 uses {DEMO} (borough)"]
    assert any(s.startswith("Outreach: Since October 2020") and s.endswith(DEMO) for s in health.story)
    task = next(s for s in sections if s.title == "The Shepway task force")
    assert not [c for c in task.caveats if "too soon" in c or "approximate ward populations" in c]


# Words a council officer reads (issue 21, section 3): every page and document ---------------------
#
# Every string a person can read on every page (headings, sentences, tiles, tables, chart titles,
# axes, legends and text alternatives, widgets and their options, folds, links, downloads and their
# file names) and in every document (the pack's text, the draft's paragraphs, tables and picture
# descriptions, the workbook's sheet names and cells), on the demonstration data and on police.uk
# data alone: no arrow on a change shown as none, months capitalised, no internal name, and each
# abbreviation linked to its meaning where a page first uses it.

#: Internal names: the datasets', priorities' and measures' keys (those with an underscore, and the
#: two lower-case abbreviations; "crimes" or "actions" are words as well as keys).
INTERNAL = re.compile(r"(?<![A-Za-z0-9])(" + "|".join(sorted({
    *(k for k in (*schema.DATASETS, *schema.INDICATOR_PRIORITIES, *measures.MEASURES, *morile.MEASURES,
                  *morile.AREA_NAMES, *morile.LABELS) if "_" in k),
    "soc", "asb"}, key=len, reverse=True)) + r")(?![A-Za-z0-9])")
MONTHS = "jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec"
LOWER_MONTH = re.compile(rf"(?:\d|\bto) (?:{MONTHS})\b|\b(?:{MONTHS}) \d{{4}}\b")
#: A markdown link, read as its text.
LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
#: What a page draws in words that may carry a link: sentences, notes and tiles' labels (a heading names a
#: section, as the navigation names the page; the words under it link an abbreviation it holds).
LINKABLE = ("markdown", "caption", "warning", "info", "error", "success")
#: A table of a template's columns, or the rows stored, reads the codes a file must hold (as the MoRiLE
#: sheet's codes are data in use): its headings are checked, its cells are the data.
CODES = ("rule", "data_measure", "ward_code")


@dataclass
class Read:
    """What a page shows: ``main`` in order as (kind, text) and the rest (the sidebar, file names)."""

    main: list[tuple[str, str]]
    rest: list[str]
    arrows: list[tuple[str, str, int]]        # each tile's (label, delta, arrow direction)

    @property
    def texts(self) -> list[str]:
        return [LINK.sub(r"\1", t) for _, t in self.main] + self.rest


def _element_texts(node) -> list[tuple[str, str]]:
    """(kind, text) of one element: kinds in LINKABLE may hold a link; "other" cannot."""
    kind = getattr(node, "type", "")
    if kind in LINKABLE or kind in ("title", "header", "subheader"):
        return [(kind, node.value)]
    if kind == "metric":
        return [("markdown", node.label), ("other", node.value), ("other", node.proto.delta),
                ("other", node.help or "")]
    if kind == "plotly_chart":
        layout = (spec := json.loads(node.proto.spec))["layout"]
        axes = [layout.get(a, {}).get("title", {}).get("text", "") for a in layout if a.startswith(("xaxis", "yaxis"))]
        names = [t.get("name", "") for t in spec["data"] if t.get("showlegend", True)]
        return [("other", t) for t in (layout.get("title", {}).get("text", ""), *axes, *names, node.proto.alt)]
    if kind == "html" and 'class="smp-table"' in node.proto.body:
        return _html_table_texts(node.proto.body)
    if kind == "html":
        words = _Words()
        words.feed(node.proto.body)
        return [("html", node.proto.body)] + [("other", t) for t in words.words]
    if kind == "deck_gl_json_chart":
        return [("other", node.proto.alt)]
    if kind in ("dataframe", "table"):
        return [("other", t) for t in _table_texts(node)]
    if kind in ("expander", "popover", "page_link", "download_button", "tab"):
        return [("other", str(getattr(node.proto, "label", "")))]
    texts = [str(getattr(node, name, "") or "") for name in ("label", "help", "placeholder")]
    texts += [str(o) for o in getattr(node, "options", []) or []] if kind != "file_uploader" else []
    return [("other", t) for t in texts]


def _table_texts(node) -> list[str]:
    """A table's headings as drawn (its column labels) and its cells of text."""
    frame = node.value
    labels = json.loads(node.proto.columns or "{}") if node.type == "dataframe" else {}
    texts = [str(labels.get(str(c), {}).get("label") or c) for c in frame.columns]
    if not any(c in frame.columns for c in CODES):
        texts += [str(v) for c in frame.columns if frame[c].dtype == object for v in frame[c]]
    return texts


def _html_table_texts(body: str) -> list[tuple[str, str]]:
    """A table drawn whole (``ui.sections.table_html``): its caption as words that may carry a link (an
    abbreviation's ``<a>`` read as the markdown link it stands for), its headings as drawn, and its
    cells unless it is a table of codes (:data:`CODES`)."""
    caption = re.search(r"<caption>(.*?)</caption>", body, re.S)
    texts = []
    if caption:
        linked = re.sub(r'<a href="([^"]*)" title="([^"]*)">([^<]*)</a>', r'[\3](\1 "\2")', caption.group(1))
        texts.append(("markdown", html.unescape(re.sub(r"<[^>]+>", "", linked))))
    head = re.findall(r'<th scope="col" data-column="([^"]*)"[^>]*>([^<]*)</th>', body)
    texts += [("other", html.unescape(label)) for _, label in head]
    if not any(html.unescape(column) in CODES for column, _ in head):
        texts += [("other", html.unescape(t)) for t in re.findall(r"<td[^>]*>([^<]*)</td>", body)]
    return texts


def _read(at: AppTest, files: list[str]) -> Read:
    main = [pair for node in at.main for pair in _element_texts(node)]
    rest = [t for node in at.sidebar for _, t in _element_texts(node)] + files
    arrows = [(m.label, m.proto.delta, m.proto.direction) for m in at.metric]
    return Read([(k, t) for k, t in main if t], [t for t in rest if t], arrows)


def _reading(store: Path):
    """``read(page)``: what each page of ``store`` shows (:class:`Read`), each page opened once; the file
    names its downloads offer are kept as Streamlit is asked for them."""
    from streamlit.delta_generator import DeltaGenerator
    import streamlit

    cache: dict = {}
    files: list[str] = []
    original = DeltaGenerator.download_button

    def recording(self, label, data, file_name=None, *args, **kwargs):
        files.append(file_name or "")
        return original(self, label, data, file_name, *args, **kwargs)

    def read(page: str) -> Read:
        if page not in cache:
            files.clear()
            with pytest.MonkeyPatch.context() as mp:
                mp.setattr(DeltaGenerator, "download_button", recording)
                mp.setattr(streamlit, "download_button",
                           lambda *a, **k: recording(streamlit._main, *a, **k))
                at = journey_data.open_page(store, page)
            cache[page] = _read(at, list(files))
        return cache[page]

    return read


@pytest.fixture(scope="module")
def read_demo(demo_store):
    return _reading(demo_store)


@pytest.fixture(scope="module")
def read_police(police_only):
    return _reading(police_only)


def _documents(folder: Path, ward_names: dict) -> dict[str, list[str]]:
    """The pack's text (and its pictures' descriptions), the draft's paragraphs, table cells and picture
    descriptions, and the workbook's sheet names and cells, of the store in ``folder``."""
    import docx
    import openpyxl

    from smp_dash import draft, images, report, workbook
    from smp_dash.selection import LATEST

    frames = store.read_all(folder)
    provenance = {name: store.provenance(name, folder) for name in schema.DATASETS}
    common = dict(ward_names=ward_names, period_kind=LATEST, demo=any((r or {}).get("demo") for r in provenance.values()),
                  generated_at="1 Apr 2026 09:00 UTC", provenance=provenance)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(images, "figures_png", lambda figs, **_: [blank_png()] * len(figs))
        pack, doc, book = (report.data_pack(frames, **common), draft.document(frames, **common),
                           workbook.workbook(frames, **common))
    parser = _Words()
    parser.feed(pack)
    document = docx.Document(io.BytesIO(doc))
    paragraphs = [p.text for p in document.paragraphs]
    paragraphs += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    paragraphs += [shape._inline.docPr.get("descr") or "" for shape in document.inline_shapes]
    sheets = openpyxl.load_workbook(io.BytesIO(book))
    cells = list(sheets.sheetnames) + [str(c.value) for ws in sheets for row in ws.iter_rows() for c in row
                                       if isinstance(c.value, str)]
    return {"pack": parser.words, "draft": paragraphs, "workbook": cells}


class _Words(HTMLParser):
    """The text of an HTML page and its pictures' descriptions (no style or script)."""

    def __init__(self):
        super().__init__()
        self.words, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("style", "script")
        self.words += [v for k, v in attrs if k in ("alt", "title", "aria-label") and v]

    def handle_endtag(self, tag):
        self._skip -= tag in ("style", "script")

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.words.append(data.strip())


@pytest.fixture(scope="module")
def demo_documents(demo_store, maidstone):
    wards, _ = maidstone
    return _documents(demo_store, dict(zip(wards["ward_code"], wards["ward_name"])))


@pytest.fixture(scope="module")
def police_documents(police_only, maidstone):
    wards, _ = maidstone
    return _documents(police_only, dict(zip(wards["ward_code"], wards["ward_name"])))


def _broken(texts: list[str]) -> dict[str, list[str]]:
    """The strings that break a rule of words, by rule."""
    return {rule: found for rule, found in (
        ("lower-case month", [t for t in texts if LOWER_MONTH.search(t)]),
        ("internal name", [f"{INTERNAL.search(t).group(1)}: {t[:160]}" for t in texts if INTERNAL.search(t)]),
    ) if found}


def _unlinked(read: Read) -> list[str]:
    """Abbreviations whose first use in the page's words (headings, sentences, notes, tiles) is not a link
    to their meaning, or whose meaning the page's foot does not hold."""
    first: dict[str, str] = {}
    for kind, text in read.main:
        if kind in LINKABLE:
            for term in glossary.GLOSSARY:
                if term not in first and re.search(glossary.USE.format(term=re.escape(term)), LINK.sub(r"\1", text)):
                    first[term] = text
    foot = " ".join(t for _, t in read.main)
    return [f"{term}: {text[:160]}" for term, text in first.items()
            if not re.search(rf"\[{re.escape(term)}\]\(#{glossary.anchor(term)}\b", text)
            or f'id="{glossary.anchor(term)}"' not in foot]


@pytest.mark.parametrize("data", ["demo", "police"])
@pytest.mark.parametrize("page", PAGES)
def test_every_page_reads_plainly(request, data, page):
    read = request.getfixturevalue(f"read_{data}")(page)
    assert not _broken(read.texts), _broken(read.texts)
    assert not [a for a in read.arrows if blocks.shows_no_change(a[1]) and a[2] != NO_ARROW], read.arrows
    assert not _unlinked(read), _unlinked(read)


@pytest.mark.parametrize("data", ["demo", "police"])
def test_every_document_reads_plainly(request, data):
    documents = request.getfixturevalue(f"{data}_documents")
    for name, texts in documents.items():
        assert texts, name
        assert not _broken(texts), (name, _broken(texts))


# The rules piece by piece ---------------------------------------------------------------------------

@pytest.mark.parametrize("delta, none", [
    ("0% · within chance", True),          # +0.3% as the tile writes it: no arrow up
    ("-0.0%", True),
    ("+0 on a year earlier", True),
    ("+1% · beyond chance", False),
    ("-12 on a year earlier", False),
    ("12.3 per 1,000, lower than the rest (14.0)", False),
    ("not shown (disclosure control)", False),   # no figure: as Streamlit decides
    (None, False),
])
def test_a_delta_that_shows_no_change(delta, none):
    assert blocks.shows_no_change(delta) is none


def test_a_change_rounded_to_nothing_has_no_arrow():
    p = period("calendar", 2020)
    flat = blocks.change("Recorded crime", 1003, 1000, p)             # +0.3%, written "0%"
    assert flat.delta.startswith("0% ") and flat.arrow == "off"
    assert blocks.change("Recorded crime", 1010, 1000, p).arrow == "auto"   # +1%: its sign says which way
    assert blocks.Against("Needles", "3", delta="0.0 per 1,000, as the rest (0.0)").arrow == "off"


def test_no_arrow_on_a_tile_that_shows_no_change(demo_store):
    # Shepway North's hate crimes in the assessment's year: 23 against 23, "0% · within chance"
    at = journey_data.open_page(demo_store, "overview.py", wards="Shepway North", ptype=CHOICE_LABELS[PUBLISHED])
    tile = next(m for m in at.metric if as_read(m.label) == "Hate crimes")
    assert tile.proto.delta.startswith("0% ") and tile.proto.direction == NO_ARROW


@pytest.mark.parametrize("label, mid", [
    ("Serious and organised crime", "serious and organised crime"),
    ("The Shepway task force", "the Shepway task force"),     # "the shepway task force" before
    ("ASB and community protection", "ASB and community protection"),
    ("ASB incidents", "ASB incidents"),                       # "asb incidents" before
    ("Dec 2019 to Nov 2020", "Dec 2019 to Nov 2020"),         # "dec 2019 to nov 2020" before
    ("MoRiLE priorities", "MoRiLE priorities"),
    ("Shepway North", "Shepway North"),                       # a place keeps its capitals
    ("Maidstone and Kent", "Maidstone and Kent"),
    ("Anti-social behaviour", "anti-social behaviour"),
    ("Count", "count"),
])
def test_a_label_mid_sentence(label, mid):
    assert wording.mid_sentence(label) == mid


@pytest.mark.parametrize("column, heading", [
    ("location_name", "Location name"),
    ("Dec 2019 to Nov 2020", "Dec 2019 to Nov 2020"),         # "Dec 2019 to nov 2020" before
    ("ASB incidents", "ASB incidents"),
])
def test_a_column_heading(column, heading):
    assert wording.heading(column) == heading


def test_each_abbreviation_is_linked_at_its_first_use_only():
    seen: list[str] = []
    first = glossary.linked("**ASB incidents** and ASB, with CPNs", seen)
    assert first == ('**[ASB](#glossary-ASB "anti-social behaviour") incidents** and ASB, with '
                     '[CPN](#glossary-CPN "Community Protection Notice")s')
    assert seen == ["ASB", "CPN"]
    assert glossary.linked("ASB again", seen) == "ASB again"                 # used before on this page
    # not inside another word or code, a link already made, an icon's name or an address
    assert glossary.linked("DATA [ASB](#x) :material/lock: pages/DA", []) == "DATA [ASB](#x) :material/lock: pages/DA"
    assert 'id="glossary-CPN"' in glossary.foot(seen)                         # where the link leads


def test_every_dataset_has_a_name_in_words():
    assert set(schema.DATASET_NAMES) == set(schema.DATASETS)
    assert not [n for n in schema.DATASET_NAMES.values() if INTERNAL.search(n)]
    assert schema.named("needle_finds", "asb_incidents") == "needle finds, ASB incidents (police)"
