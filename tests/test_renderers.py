"""Each renderer on one shared set of blocks: the Streamlit page (``ui.draw``), the HTML pack, the Word
draft and the Excel workbook draw the same hand-made page, and each says what its blocks say.

The page is a stand-in chapter (:data:`SHARED`) put where the documents read their chapters
(``assessment.CHAPTERS``), after the overview the draft's summary needs.
"""

from __future__ import annotations

import io
import types

import pandas as pd
import plotly.graph_objects as go
import pytest
from streamlit.testing.v1 import AppTest

from conftest import blank_png, tables

from smp_dash import assessment, blocks, draft, images, report, workbook
from smp_dash.priorities import overview

LABEL, VALUE, CHANGE, PERIOD = "Shared figure", "1,234", "+7% on last year", "Calendar year 2020"
SENTENCE = "The shared figure was 1,234 in 2020, 7% more than in 2019."
TABLE = pd.DataFrame({"ward": ["Alpha ward", "Beta ward"], "current": [321, 654]})
CHART_TITLE, MISSING, MISSING_WHY = "Shared chart by month", "Shared map", "not in the data loaded: no map"
NOTE, CAPTION, METHOD_DETAIL = "A shared note for every reader.", "A shared caveat under the figures.", "Method in words."
CONTROL = "Control chart: latest month (Feb 2020): shared common cause."


def shared_page() -> blocks.Page:
    """One block of every kind every renderer draws, with words and numbers found nowhere else."""
    figure = go.Figure(go.Scatter(x=["2020-01", "2020-02"], y=[11, 13], name="Shared"), layout={"title": CHART_TITLE})
    page = blocks.Page("Shared page", "What does every renderer draw?", where="in the whole borough",
                       caveats=["A shared caveat of the chapter."])
    page.add(blocks.Heading("Shared heading"),
             blocks.Headlines((blocks.Headline(LABEL, VALUE, CHANGE, PERIOD, delta="+7%", sentence=SENTENCE,
                                               current=1234, previous=1153, previous_period="Calendar year 2019"),
                               blocks.Headline("Page-only figure", "99", document=False))),
             blocks.Chart("shared_chart", CHART_TITLE, figure, pd.DataFrame({"month": ["2020-01", "2020-02"],
                                                                            "value": [11, 13]}),
                          "a shared source", PERIOD, control=CONTROL),
             blocks.Table("shared_table", "Shared wards", TABLE, period=PERIOD),
             blocks.Text((SENTENCE,)),
             blocks.Missing(MISSING, MISSING_WHY),
             blocks.Caption(CAPTION),
             blocks.Note(NOTE),
             blocks.Expander("Method", (blocks.said("Page-only method.", document=False), blocks.Caption(METHOD_DETAIL))))
    return page


SHARED = types.SimpleNamespace(NAME="Shared chapter", SHEET="Shared", page=lambda bundle, view: shared_page())


@pytest.fixture
def documents(demo_frames_and_wards, monkeypatch):
    """The pack, the draft's text and the workbook of the demonstration data with the shared chapter."""
    import docx
    import openpyxl

    frames, wards = demo_frames_and_wards
    monkeypatch.setattr(assessment, "CHAPTERS", (overview, SHARED))
    monkeypatch.setattr(images, "figures_png", lambda figs, **_: [blank_png()] * len(figs))
    loaded = {name: {"source": "demonstration", "rows": len(frame), "demo": True} for name, frame in frames.items()}
    options = dict(ward_names=dict(zip(wards["ward_code"], wards["ward_name"])), demo=True, generated_at="today",
                   provenance=loaded)
    document = docx.Document(io.BytesIO(draft.document(frames, **options)))
    text = "\n".join([p.text for p in document.paragraphs]
                     + [cell.text for table in document.tables for row in table.rows for cell in row.cells])
    book = openpyxl.load_workbook(io.BytesIO(workbook.workbook(frames, **options)))
    cells = {sheet.title: [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
             for sheet in book.worksheets}
    return report.data_pack(frames, **options), text, cells


def test_a_chapter_is_the_pages_document_blocks():
    chapter = assessment.section("Shared chapter", shared_page())
    assert [(f.label, f.value, f.change, f.period, f.current, f.previous) for f in chapter.figures] == [
        (LABEL, VALUE, CHANGE, PERIOD, 1234, 1153)]                                # the page-only figure stays
    assert [fig.layout.title.text for fig in chapter.charts] == [CHART_TITLE]
    assert [(title, frame["current"].tolist()) for title, frame in chapter.tables] == [("Shared wards", [321, 654])]
    # the headline's, the chart's control chart after its title, and the text's
    assert chapter.story == [SENTENCE, f"{CHART_TITLE}. {CONTROL}", SENTENCE]
    assert chapter.notes == [f"{MISSING}: {MISSING_WHY}", CAPTION, NOTE, METHOD_DETAIL]
    assert chapter.caveats == ["A shared caveat of the chapter."] and chapter.where == "in the whole borough"


def test_the_pack_draft_and_workbook_draw_the_shared_chapter(documents):
    pack, text, cells = documents
    for said in (LABEL, VALUE, SENTENCE, "Alpha ward", "654", MISSING_WHY, CAPTION, NOTE, METHOD_DETAIL, CONTROL):
        assert said in pack, said
        assert said in text, said
    for page_only in ("Page-only figure", "Page-only method."):
        assert page_only not in pack and page_only not in text
    assert "<h2>Shared chapter</h2>" in pack and "Shared chapter" in text
    shared = {name: values for name, values in cells.items() if name.startswith("Shared")}
    workbook_text = " ".join(v for values in shared.values() for v in values)
    assert shared and LABEL in workbook_text and "Alpha ward" in workbook_text and "654" in workbook_text
    assert "Page-only figure" not in workbook_text


#: The page script the Streamlit renderer test runs: the shared page, drawn by ui.draw.
SCRIPT = """
import sys
sys.path.insert(0, {tests!r})
from test_renderers import shared_page
from smp_dash import ui
bundle, view = ui.page("Shared page", "What does every renderer draw?")
ui.draw(shared_page(), bundle, view)
"""


def test_the_streamlit_page_draws_every_block(demo_store):
    from pathlib import Path

    at = AppTest.from_string(SCRIPT.format(tests=str(Path(__file__).parent)), default_timeout=60)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert [(m.label, m.value) for m in at.metric if m.label in (LABEL, "Page-only figure")] == [
        (LABEL, VALUE), ("Page-only figure", "99")]
    markdown = " ".join([*(m.value for m in at.markdown), *(c.value for c in at.caption),
                         *(t.attrs["caption"] for t in tables(at))])
    assert "Shared wards" in markdown and CAPTION in markdown and CONTROL in markdown and MISSING_WHY in " ".join(
        e.value for e in [*at.info, *at.caption, *at.markdown, *at.warning])
    assert any(NOTE in i.value for i in at.info)
    assert [e.label for e in at.main.expander] [-1:] == ["Method"]
    assert any(t["current"].tolist() == [321, 654] for t in tables(at) if "current" in t)
    assert len(at.get("plotly_chart")) == 1
