"""The domestic abuse page model: what the page, the pack, the draft and the workbook all draw."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from conftest import blank_png

from smp_dash import assessment, blocks, bundle as bundles, draft, workbook
from smp_dash.priorities import domestic_abuse
from smp_dash.selection import PUBLISHED, Filter


@pytest.fixture(scope="module")
def demo(demo_frames_and_wards):
    frames, wards = demo_frames_and_wards
    return frames, dict(zip(wards["ward_code"], wards["ward_name"])), bundles.build(frames, wards)


def _view(data, wards=(), names=(), suppress=False):
    return Filter(tuple(wards), tuple(names), PUBLISHED, None, suppress=suppress, spans=data.spans)


def test_the_page_in_order_with_the_assessments_figures(demo):
    _, _, data = demo
    page = domestic_abuse.page(data, _view(data))
    kinds = [type(b).__name__ for b in page.blocks]
    assert kinds == ["Heading", "Headlines", "Chart", "Chart", "Heading", "WardMap", "Table", "Text", "Chart",
                     "Heading", "Headlines", "Chart", "Heading", "Actions"]
    head = page.of(blocks.Headline)[0]
    assert (head.label, head.value, head.change) == ("Domestic abuse crimes", "2,888", "+156 (+5.7%) on 2019")
    assert head.sentence.startswith("Domestic abuse crimes in the whole borough rose 5.7% to 2,888 in 2020")
    charts = {b.key: b for b in page.of(blocks.Chart)}
    assert charts["da_trend"].figure is not None and charts["da_trend"].data["value"].notna().all()
    assert charts["da_types"].title == "Domestic abuse by type, 2020 against 2019"
    top = page.of(blocks.Table)[0]
    assert top.frame["ward"].iloc[0] == "High Street" and len(top.frame) == 10 and len(top.export) == len(data.wards)
    assert page.of(blocks.Text)[0].sentences[0].startswith("High Street, Park Wood and Shepway South recorded the most")


def test_police_uk_data_says_why_and_never_reads_zero(demo):
    frames, names, _ = demo
    crimes = frames["crimes"].assign(domestic_abuse=pd.array([pd.NA] * len(frames["crimes"]), dtype="boolean"))
    data = bundles.build({**frames, "crimes": crimes}, pd.DataFrame({"ward_code": list(names),
                                                                    "ward_name": list(names.values())}))
    page = domestic_abuse.page(data, _view(data))
    head = page.of(blocks.Headline)[0]
    assert head.value == "n/a" and "police.uk has no domestic-abuse flag" in head.change
    missing = [b.title for b in page.of(blocks.Missing)] + [c.title for c in page.of(blocks.Chart) if c.figure is None]
    assert any(t.startswith("Domestic abuse crimes by month") for t in missing)
    assert any(t.startswith("Domestic abuse by ward") for t in missing)
    assert not [h for h in page.of(blocks.Headline) if h.value == "0"]


def test_page_pack_draft_and_workbook_state_the_same_figures(demo, monkeypatch):
    """One model, four renderings: every key figure the page shows for a view (a ward selection, so
    disclosure control applies to the documents as to the page) is the same text in each."""
    import docx
    import openpyxl

    from smp_dash import images, report

    frames, names, data = demo
    chosen = tuple(c for c, n in names.items() if n in ("Shepway North", "Shepway South"))
    view = _view(data, chosen, tuple(names[c] for c in chosen), suppress=True)
    shown = [(h.label, h.value, h.change) for h in domestic_abuse.page(data, view).of(blocks.Headline) if h.document]
    assert shown[0][1] != "n/a"
    loaded = {name: {"source": "demonstration", "rows": len(frame), "demo": True} for name, frame in frames.items()}
    options = dict(wards=chosen, ward_names=names, period_kind=PUBLISHED, demo=True, generated_at="today",
                   provenance=loaded)
    _, sections = assessment.sections(frames, wards=chosen, ward_names=names, suppress=True, period_kind=PUBLISHED,
                                      provenance=loaded)
    chapter = next(s for s in sections if s.title == "Domestic abuse")
    assert [(f.label, f.value, f.change) for f in chapter.figures] == shown
    pack = report.data_pack(frames, **options).replace("&lt;", "<")
    sheet = openpyxl.load_workbook(io.BytesIO(workbook.workbook(frames, **options)))["DA - key figures"]
    cells = {row[0].value: row for row in sheet.iter_rows()}
    monkeypatch.setattr(images, "figures_png", lambda figs, **_: [blank_png()] * len(figs))
    document = docx.Document(io.BytesIO(draft.document(frames, **options)))
    text = "\n".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    for label, value, change in shown:
        assert label in pack and value in pack and change.split(" (")[0] in pack
        number = cells[label][1].value
        assert (f"{number:,.0f}" if isinstance(number, (int, float)) else str(number)) == value \
            or isinstance(number, float) and f"{number:.0%}" == value
        assert value in text and label in text

