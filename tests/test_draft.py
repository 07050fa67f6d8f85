"""The draft assessment (draft.py, narrative.py) and ``smp-dash draft``: opened with python-docx."""

from __future__ import annotations

import io
import re

import docx
import pandas as pd
import pytest

from smp_dash import assessment, bundle, cli, demo, draft, images, narrative
from smp_dash.priorities import domestic_abuse, overview, police_data, substance_misuse
from smp_dash.selection import PUBLISHED, Filter

from conftest import blank_png, thinned_domestic_abuse


CHAPTERS = ["Introduction and method", "Executive summary", "Serious and organised crime", "Children and young people",
            "Domestic abuse", "Substance misuse", "Mental health", "Community protection and anti-social behaviour",
            "Police data and the Kent comparison", "How Maidstone compares", "The Shepway task force", "MoRiLE priorities", "Action plans", "Glossary"]
#: Words that say a count went up or down: only a change beyond chance may use them.
DIRECTION_WORDS = {"rose", "fell", "rise", "rises", "fall", "falls", "increase", "increased", "decrease", "decreased",
                   "up", "down", "higher", "lower"}
SMALL = {1, 2, 3, 4}


@pytest.fixture(scope="module")
def demo_frames(maidstone):
    wards, lsoas = maidstone
    return demo.build(wards, lsoas), dict(zip(wards["ward_code"], wards["ward_name"]))


def _draft(frames, names, **options) -> docx.Document:
    settings = dict(ward_names=names, demo=True, generated_at="1 Apr 2021 09:00 UTC", period_kind=PUBLISHED,
                    provenance={name: {"source": "demonstration", "rows": len(frame), "demo": True}
                                for name, frame in frames.items()})
    return docx.Document(io.BytesIO(draft.document(frames, **{**settings, **options})))


@pytest.fixture(scope="module")
def published(demo_frames):
    """The draft of the demonstration data "as in the 2020-21 assessment", charts drawn by kaleido."""
    return _draft(*demo_frames)


@pytest.fixture
def no_images(monkeypatch):
    """Charts as a one-pixel PNG, for tests about the text (kaleido takes a few seconds a document)."""
    monkeypatch.setattr(images, "figures_png", lambda figs, **_: [blank_png()] * len(figs))


def _chapters(doc) -> dict[str, list]:
    """Paragraphs and tables by Heading 1, in document order."""
    out, current = {}, None
    for block in doc.iter_inner_content():
        if isinstance(block, docx.text.paragraph.Paragraph) and block.style.name == "Heading 1":
            current = out.setdefault(block.text, [])
        elif current is not None:
            current.append(block)
    return out


def _text(blocks) -> str:
    return "\n".join(b.text for b in blocks if isinstance(b, docx.text.paragraph.Paragraph))


def _figure(doc, chapter: str, label: str) -> tuple[str, str]:
    """(value, change) of key figure ``label`` in ``chapter``'s key figures table."""
    for block in _chapters(doc)[chapter]:
        if isinstance(block, docx.table.Table) and block.rows[0].cells[0].text == "Figure":
            for row in block.rows[1:]:
                cells = [c.text for c in row.cells]
                if cells[0] == label:
                    return cells[1], cells[2]
    raise AssertionError(f"no key figure {label!r} in {chapter!r}")


def _view(frames, names, **options) -> tuple[bundle.Bundle, Filter]:
    data = bundle.build(frames, pd.DataFrame({"ward_code": list(names), "ward_name": list(names.values())}))
    return data, Filter(options.get("wards", ()), tuple(names[w] for w in options.get("wards", ())), PUBLISHED, None,
                        suppress=options.get("suppress", False), spans=data.spans)


def test_chapters_are_the_assessments_in_order(published):
    headings = [p.text for p in published.paragraphs if p.style.name == "Heading 1"]
    assert headings == CHAPTERS
    assert published.paragraphs[0].style.name == "Title"
    assert published.paragraphs[0].text == "Safer Maidstone Partnership Strategic Assessment 2020-21"
    assert {"Heading 2", "Caption", "List Bullet"} <= {p.style.name for p in published.paragraphs}
    assert {t.style.name for t in published.tables} == {draft.TABLE_STYLE}
    # A table of contents field Word fills in, from the headings.
    assert any('TOC \\o "1-2"' in t.text for t in published.element.body.iter(docx.oxml.ns.qn("w:instrText")))


def test_headline_figures_are_the_pages_figures_and_the_seeds(published, demo_frames):
    data, view = _view(*demo_frames)
    da = domestic_abuse.figures(data, view).headline
    crime = police_data.figures(data, view).crime
    drugs, needles = substance_misuse.figures(data, view)
    assert _figure(published, "Domestic abuse", "Domestic abuse crimes") == (f"{da.current:,.0f}", "+156 (+5.7%) on 2019")
    assert da.current == 2888                                       # the seed's figure
    assert _figure(published, "Police data and the Kent comparison", "Recorded crime")[0] == f"{crime.current:,.0f}" == "15,201"
    assert _figure(published, "Substance misuse", "Needles found")[0] == f"{needles.needles.current:,.0f}" == "2,511"
    assert _figure(published, "Substance misuse", "Drug offences")[0] == f"{drugs.drugs.current:,.0f}" == "502"
    headlines = {v.measure.id: v.current for v in overview.figures(data, view).headlines}
    assert _figure(published, "Executive summary", "Hate crimes")[0] == f"{headlines['hate_crime']:,.0f}" == "380"


def test_sentences_say_what_changed_against_what_and_which_wards_lead(published):
    da = _text(_chapters(published)["Domestic abuse"])
    assert "Domestic abuse crimes in the whole borough rose 5.7% to 2,888 in 2020 (2,732 in 2019), a change beyond chance." in da
    assert re.search(r"High Street, Park Wood and Shepway South recorded the most domestic abuse in", da)
    summary = _text(_chapters(published)["Executive summary"])
    assert "Needles found in the whole borough rose 55% to 2,511" in summary
    assert "Hate crimes in the whole borough held broadly stable at 380" in summary


def test_a_change_within_chance_is_never_a_rise_or_a_fall(published):
    sentences = [s for p in published.paragraphs for s in re.split(r"(?<=\.) ", p.text) if s.endswith("within chance.")]
    assert len(sentences) >= 5
    for sentence in sentences:
        assert not {w.strip(".,;:()").lower() for w in sentence.split()} & DIRECTION_WORDS, sentence
        assert "broadly stable" in sentence


@pytest.mark.parametrize("current, previous, expected", [
    (105, 100, "held broadly stable at 105 in 2020 (100 in 2019, +5%), within chance."),
    (95, 100, "held broadly stable at 95 in 2020 (100 in 2019, -5%), within chance."),
    (2888, 2732, "rose 5.7% to 2,888 in 2020 (2,732 in 2019), a change beyond chance."),
    (700, 1000, "fell 30.0% to 700 in 2020 (1,000 in 2019), a change beyond chance."),
    (3, 1, "numbered 3 in 2020 against 1 in 2019: too few to judge whether that is more than chance."),
    (40, 40, "stayed at 40 in 2020 (40 in 2019)."),
])
def test_change_sentences(current, previous, expected):
    assert narrative.change("Thefts", current, previous, "2020", "2019", decimals=1 if current in (2888, 700) else 0) \
        == f"Thefts {expected}"


def test_every_chart_is_a_print_image_with_alt_text(published, demo_frames):
    _, sections = assessment.sections(demo_frames[0], ward_names=demo_frames[1], period_kind=PUBLISHED)
    charts_drawn = sum(len(s.charts) for s in sections)
    shapes = published.inline_shapes
    assert len(shapes) == charts_drawn >= 15
    for shape in shapes:
        alt = shape._inline.docPr.get("descr")
        assert alt and len(alt) > 20, f"no alt text on {shape._inline.docPr.get('title')}"
        blob = shape._inline.graphic.graphicData.pic.blipFill.blip.embed
        image = published.part.related_parts[blob].image
        assert image.px_width >= 2000 and shape.width >= docx.shared.Inches(6)   # ~300 dpi at full width
    captions = [p.text for p in published.paragraphs if p.style.name == "Caption" and p.text.startswith("Figure")]
    assert len(captions) == charts_drawn


def test_every_page_says_draft_and_demonstration(published, demo_frames, no_images):
    for section in published.sections:
        assert draft.DRAFT_MARK in section.header.paragraphs[0].text
        assert draft.DEMO_MARK in section.header.paragraphs[0].text
    assert demo.NOTICE in "\n".join(p.text for p in published.paragraphs[:5])
    real = _draft(*demo_frames, demo=False)
    assert draft.DEMO_MARK not in real.sections[0].header.paragraphs[0].text
    assert draft.DRAFT_MARK in real.sections[0].header.paragraphs[0].text
    assert demo.NOTICE not in "\n".join(p.text for p in real.paragraphs)


def test_no_small_domestic_abuse_count_under_disclosure_control(demo_frames, no_images):
    frames, names = demo_frames
    thinned, code = thinned_domestic_abuse(frames, names)
    doc = _draft(thinned, names, wards=(code,), suppress=True)
    value, change = _figure(doc, "Domestic abuse", "Domestic abuse crimes")
    assert value == "<5" and "disclosure control" in change
    chapter = _chapters(doc)["Domestic abuse"]
    ward_table = next(b for b in chapter if isinstance(b, docx.table.Table) and b.rows[0].cells[1].text == "Ward")
    counts = [c.text for row in ward_table.rows[1:] for c in row.cells[2:4]]
    assert not {int(x.replace(",", "")) for x in counts if x.replace(",", "").isdigit()} & SMALL
    sentences = [p.text for p in doc.paragraphs if p.text.startswith("Domestic abuse") and "in Detling and Thurnham" in p.text]
    assert sentences
    for sentence in sentences:
        found = {int(x) for x in re.findall(r"(?<![\d.,])\d+(?![\d.,%]|\d)", re.sub(r"\b\d{4}(/\d\d)?\b", "", sentence))}
        assert not found & SMALL and "not shown" in sentence, sentence
    # A ward selection's draft is protected even when disclosure control was not asked for ...
    assert _figure(_draft(thinned, names, wards=(code,)), "Domestic abuse", "Domestic abuse crimes")[0] == "<5"
    # ... while the page, with the control off, shows the count the test above would catch.
    data, view = _view(thinned, names, wards=(code,))
    assert domestic_abuse.figures(data, view).headline.current == 3


def test_police_uk_only_says_what_is_missing(demo_frames, no_images):
    frames, names = demo_frames
    crimes = frames["crimes"].assign(domestic_abuse=pd.NA, hate_strand=pd.NA, offence_subgroup=pd.NA)
    empty = {name: frame.iloc[0:0] for name, frame in frames.items()
             if name not in ("crimes", "asb_incidents", "actions")}
    doc = _draft({**frames, **empty, "crimes": crimes}, names, demo=False)
    value, why = _figure(doc, "Domestic abuse", "Domestic abuse crimes")
    assert value == "n/a" and "police.uk has no domestic-abuse flag" in why
    text = _text(_chapters(doc)["Domestic abuse"])
    assert "police.uk has no domestic-abuse flag" in text
    assert not re.search(r"Domestic abuse crimes[^.]*\b0\b", text)
    summary = _text(_chapters(doc)["Executive summary"])
    assert "What the data loaded does not show" in summary and "Needles found" in summary


def test_cli_draft_writes_a_document(demo_store, tmp_path, capsys, no_images):
    out = tmp_path / "assessment.docx"
    assert cli.main(["--data-dir", str(demo_store), "draft", "-o", str(out), "--period-type", "published",
                     "--wards", "Shepway North,Shepway South", "--suppress"]) == 0
    doc = docx.Document(out)
    assert [p.text for p in doc.paragraphs if p.style.name == "Heading 1"] == CHAPTERS
    assert "Draft for Shepway North and Shepway South" in doc.paragraphs[1].text
    assert str(out) in capsys.readouterr().out


def test_cli_draft_without_a_browser_exits_2_saying_what_to_install(demo_store, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SMP_CHROMIUM", str(tmp_path / "no-such-browser"))
    out = tmp_path / "assessment.docx"
    assert cli.main(["--data-dir", str(demo_store), "draft", "-o", str(out)]) == cli.EXIT_BAD_INPUT
    assert "SMP_CHROMIUM" in capsys.readouterr().err and not out.exists()


def test_cli_tables_writes_a_workbook(demo_store, tmp_path):
    import openpyxl

    out = tmp_path / "tables.xlsx"
    assert cli.main(["--data-dir", str(demo_store), "tables", "-o", str(out), "--period-type", "published"]) == 0
    assert openpyxl.load_workbook(out).sheetnames[0] == "Index"


def test_leading_wards_are_read_from_the_table_as_published():
    shown = pd.DataFrame({"ward": ["Bridge", "High Street", "Detling", "Park Wood", "East"],
                          "2020": ["1,566", "514", "<5", "hidden", "95"]})
    assert narrative.leaders(shown, what="needles found", name="ward", value="2020", period="2020") == \
        "Bridge and High Street recorded the most needles found in 2020."   # none after a hidden count
    assert narrative.leaders(shown.iloc[2:4], name="ward", value="2020") is None      # nothing shown as a number
    assert narrative.leaders(None) is None
