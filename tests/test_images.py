"""PNG images that stand alone: the figure handed to kaleido carries title, source, period, view
and, on demonstration data, the mark. Kaleido itself is stood in for (the real drawing is tested
in test_report.py)."""

from __future__ import annotations

import pandas as pd
import pytest

from smp_dash import charts, images

FIG = charts.bars(pd.DataFrame({"x": ["a", "b"], "y": [3, 4]}), x="x", y="y", title="Needle finds by ward, 2020",
                  colour="#009E73")
CONTEXT = dict(source="Maidstone BC needle finds", period="Dec 2019 to Nov 2020",
               view="Bridge and Fant, Assessment year, Dec 2019 to Nov 2020")


@pytest.fixture
def drawn(monkeypatch):
    """What figure_png hands to kaleido: (figure dict, options)."""
    import kaleido

    calls = []
    monkeypatch.setattr(images, "chromium_path", lambda: "/usr/bin/chromium")
    monkeypatch.setattr(kaleido, "calc_fig_sync", lambda fig, opts, kopts: calls.append((fig, opts)) or b"png")
    return calls


def test_the_image_names_its_title_source_period_view_and_demo_data(drawn):
    images.figure_png(FIG, **CONTEXT, demo=True)
    drawn_fig = drawn[0][0]
    subtitle = drawn_fig["layout"]["title"]["subtitle"]["text"].replace("<br>", " ")
    assert drawn_fig["layout"]["title"]["text"] == "Needle finds by ward, 2020"
    for words in ("DEMONSTRATION DATA.", "Source: Maidstone BC needle finds.", "Period: Dec 2019 to Nov 2020.",
                  "View: Bridge and Fant, Assessment year, Dec 2019 to Nov 2020."):
        assert words in subtitle
    assert [a["text"] for a in drawn_fig["layout"]["annotations"] if a.get("name") == "demo"] == [images.DEMO_MARK]


def test_real_data_carries_no_demo_mark():
    text = images.caption_text(images.labelled(FIG, **CONTEXT))
    assert "Source: Maidstone BC needle finds." in text
    assert "emonstration" not in text


def test_caption_lines_add_to_the_height_so_the_plot_keeps_its_size(drawn):
    images.figure_png(FIG, width=400, height=300, **CONTEXT, demo=True)
    lines = drawn[0][0]["layout"]["title"]["subtitle"]["text"].count("<br>") + 1
    assert lines > 1                                    # wrapped to the narrow image
    assert drawn[0][1]["height"] == 300 + 18 * lines + 8


def test_without_context_the_figure_is_drawn_as_it_is(drawn):
    images.figure_png(FIG, width=640, height=300)
    assert drawn[0][1]["height"] == 300
    assert "subtitle" not in drawn[0][0]["layout"].get("title", {}) or not drawn[0][0]["layout"]["title"]["subtitle"]


def test_labelling_leaves_the_figure_alone():
    before = FIG.to_dict()
    images.labelled(FIG, **CONTEXT, demo=True)
    assert FIG.to_dict() == before


def test_text_in_a_caption_is_escaped():
    fig = images.labelled(FIG, view="<b>Bridge</b> & Fant")
    assert "&lt;b&gt;Bridge&lt;/b&gt; &amp; Fant" in fig.layout.title.subtitle.text
    assert "View: <b>Bridge</b> & Fant." in images.caption_text(fig)


@pytest.mark.parametrize("labels", [dict(demo=True), dict(source="Kent Police", period="2020", view="Whole borough"),
                                    dict()])
def test_every_chart_of_the_assessment_is_drawn_as_labelled_says(frames, wards, labels):
    """The drawings are labelled in the figures' dicts (images.labelled_dict), exactly as labelled()
    labels a copy of the figure, for every chart the documents draw."""
    import json

    import plotly.io

    from smp_dash import assessment

    sent = lambda spec: json.dumps(json.loads(plotly.io.to_json(spec, validate=False)), sort_keys=True)  # noqa: E731
    _, sections = assessment.sections(frames, ward_names=dict(zip(wards["ward_code"], wards["ward_name"])))
    figs = [fig for section in sections for fig in section.charts]
    assert len(figs) >= 10
    for fig in figs:
        assert sent(images.labelled_dict(fig, width=900, **labels)) == sent(images.labelled(fig, width=900, **labels).to_dict())
