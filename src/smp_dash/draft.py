"""The draft strategic assessment: an editable Word document written from the live data.

``document(frames, ...)`` takes the store's frames and returns a .docx (python-docx) laid out as
the assessment is: introduction and method, executive summary, a chapter per priority and page
(serious and organised crime, children and young people, domestic abuse, substance misuse, mental
health, ASB and community protection, police data and the Kent comparison, the task force, the
MoRiLE ranking), the action plans and a glossary. Each chapter holds the sentences written from
its figures (:mod:`smp_dash.narrative`), its key figures, its charts as print-resolution images
with alt text, its tables and its action plan.

Everything comes from ``assessment.sections``, the figures functions the pages call, for the
same view: the draft and the dashboard cannot disagree. Word's built-in styles (Title, Heading 1
and 2, Caption, a table style) carry the layout, so the navigation pane and a table of contents
work and partners can restyle it to their template. Every page's header says it is a draft, and
on demonstration data that it is demonstration data.
"""

from __future__ import annotations

import io
import re

import pandas as pd
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Inches, Pt

from smp_dash import assessment, charts, disclosure, images, metrics, schema
from smp_dash.demo import NOTICE as DEMO_NOTICE
from smp_dash.glossary import GLOSSARY, method
from smp_dash.selection import LATEST, assessment_years

DRAFT_MARK = "DRAFT for the analyst to edit: written by SMP Dash from the data loaded"
DEMO_MARK = "DEMONSTRATION DATA: not real figures"
TABLE_STYLE = "Light Grid Accent 1"
SIGNIFICANCE = ("A change is called a rise or a fall only when an exact Poisson test (5%) says chance alone would "
                "rarely produce it; otherwise it is broadly stable. Counts too small to judge are said to be. On "
                "the charts, * marks a change beyond chance.")
#: Image width on the page (A4 less margins) and the CSS pixels it is drawn at (x2 for print).
IMAGE_WIDTH, DRAW_WIDTH, DRAW_SCALE = Inches(6.3), 1000, 2


def document(frames: dict[str, pd.DataFrame], *, wards: tuple[str, ...] = (), ward_names: dict[str, str],
             period_kind: str = LATEST, period_label: str | None = None, demo: bool, generated_at: str,
             provenance: dict, suppress: bool = False, exclude_outliers: bool = False,
             control=None) -> bytes:
    """The draft assessment for ``wards`` and a period, as .docx bytes.

    Arguments and errors as for ``report.data_pack``, but disclosure control is always on for a ward
    selection (``assessment.travelling``): a document travels further than a screen. Charts are drawn by
    kaleido in the system's Chromium (``images.ChromiumMissing`` when there is none).
    """
    view, sections = assessment.sections(frames, wards=wards, ward_names=ward_names, period_kind=period_kind,
                                         period_label=period_label, suppress=assessment.travelling(wards, suppress),
                                         exclude_outliers=exclude_outliers, provenance=provenance,
                                         control=control)
    figs = [fig for section in sections for fig in section.charts]
    # No view line on the images: each chart's title and chapter say where it is (the task force's is not the view's).
    pngs = iter(images.figures_png(figs, width=DRAW_WIDTH, scale=DRAW_SCALE, demo=demo))
    title = f"Safer Maidstone Partnership Strategic Assessment {assessment_years(view)}"
    doc = _document()
    _page_marks(doc, title, demo)
    doc.core_properties.title = title
    doc.core_properties.subject = f"Draft strategic assessment: {view.area}"[:255]
    doc.core_properties.comments = (DRAFT_MARK + (f". {DEMO_MARK}" if demo else ""))[:255]
    doc.add_paragraph(title, style="Title")
    doc.add_paragraph(f"Draft for {view.area}. {view.when}. Written by SMP Dash on {generated_at} from the data "
                      "loaded; every sentence is written from a figure the dashboard shows for the same view. "
                      "Edit the text, keep the figures.", style="Subtitle")
    if demo:
        doc.add_paragraph(DEMO_NOTICE, style="Intense Quote")
    _contents(doc)
    counter = _Counter()
    overview, chapters = sections[0], sections[1:]
    _introduction(doc, view, sections, provenance, demo, counter, assessment.dataset(frames, "population"))
    _summary(doc, overview, chapters, counter)
    for section in chapters:
        _chapter(doc, section, pngs, counter, assessment.dataset(frames, "actions"))
    _action_plans(doc, assessment.dataset(frames, "actions"), counter)
    _glossary(doc, counter)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


class _Counter:
    """Figure and table numbers through the document."""

    def __init__(self):
        self.figures = self.tables = 0

    def figure(self) -> int:
        self.figures += 1
        return self.figures

    def table(self) -> int:
        self.tables += 1
        return self.tables


def _introduction(doc, view, sections, provenance, demo: bool, counter: _Counter, population: pd.DataFrame) -> None:
    doc.add_heading("Introduction and method", level=1)
    doc.add_paragraph("This strategic assessment sets out crime and community-safety data for the Safer Maidstone "
                      "Partnership, priority by priority, to inform next year's partnership plan. "
                      f"Area: {view.area}. Period: {view.when}.")
    if demo:
        doc.add_paragraph(DEMO_NOTICE)
    doc.add_heading("Data sources", level=2)
    _table(doc, assessment.provenance_frame(provenance), "Data sources and the months they cover", counter)
    doc.add_heading("Method", level=2)
    for line in method(population):
        doc.add_paragraph(_plain(line), style="List Bullet")
    doc.add_heading("Caveats", level=2)
    caveats = list(dict.fromkeys(c for s in sections for c in s.caveats))
    if view.suppress:
        caveats.insert(0, disclosure.note())
    for caveat in caveats:
        doc.add_paragraph(_plain(caveat), style="List Bullet")


def _document():
    """A new .docx whose paragraph and table styles, named as Word names them ("List Bullet"), are looked
    up once each: python-docx scans every style of the document for each use (1.6 of a draft's 7 s)."""
    doc = Document()
    look_up, found = doc.part.get_style_id, {}

    def style_id(style, kind):
        if not isinstance(style, str):
            return look_up(style, kind)
        if (style, kind) not in found:
            found[style, kind] = look_up(style, kind)
        return found[style, kind]
    doc.part.get_style_id = style_id
    return doc


def _summary(doc, overview, chapters, counter: _Counter) -> None:
    """The headlines in words (and each chapter's first sentence the headlines do not already say),
    the headline figures, the wards with most, and what the data loaded does not show."""
    doc.add_heading("Executive summary", level=1)
    said = {(f.current, f.period) for f in overview.figures}   # a chapter's first figure the headlines already give
    leads = [s.story[0] for s in chapters if s.story and not (s.figures and (s.figures[0].current, s.figures[0].period) in said)]
    for sentence in dict.fromkeys(overview.story + leads):
        doc.add_paragraph(sentence, style="List Bullet")
    _figures(doc, overview, counter)
    for title, table in overview.tables:
        _table(doc, assessment.display(table), title, counter)
    missing = [f"{f.label}: {f.change}" for s in [overview] + chapters for f in s.figures
               if f.value == "n/a" and f.change]
    if missing:
        doc.add_heading("What the data loaded does not show", level=2)
        for line in dict.fromkeys(missing):
            doc.add_paragraph(line, style="List Bullet")


def _chapter(doc, section, pngs, counter: _Counter, actions: pd.DataFrame) -> None:
    doc.add_heading(section.title, level=1)
    if section.story:
        doc.add_heading("Summary", level=2)
        for sentence in section.story:
            doc.add_paragraph(sentence)
    for note in section.notes:
        doc.add_paragraph(note)
    _figures(doc, section, counter)
    for fig in section.charts:
        _picture(doc, fig, next(pngs), counter)
    for title, table in section.tables:
        _table(doc, assessment.display(table), title, counter)
    if section.actions:
        doc.add_heading("Action plan", level=2)
        rows = actions[actions["priority"] == section.actions]
        _table(doc, assessment.actions_table(rows), f"Action plan: {schema.PRIORITY_NAMES[section.actions]}", counter)
    if section.caveats:
        doc.add_heading("Caveats", level=2)
        for caveat in dict.fromkeys(section.caveats):
            doc.add_paragraph(_plain(caveat), style="List Bullet")


def _figures(doc, section, counter: _Counter) -> None:
    if section.figures:
        doc.add_heading("Key figures", level=2)
        _table(doc, section.figures_table(), f"Key figures: {section.title}", counter)


def _action_plans(doc, actions: pd.DataFrame, counter: _Counter) -> None:
    doc.add_heading("Action plans", level=1)
    if not len(actions):
        doc.add_paragraph("No action plans are in the data loaded: load each priority's actions through the actions "
                          "template (Data page).")
        return
    counts = metrics.action_status_counts(actions)
    doc.add_paragraph(f"{len(actions)} actions across {actions['priority'].nunique()} priorities.")
    _table(doc, counts, "Actions by priority and status", counter)
    for priority, rows in actions.groupby("priority", sort=False):
        doc.add_heading(schema.PRIORITY_NAMES.get(priority, str(priority)), level=2)
        _table(doc, assessment.actions_table(rows), f"Actions: {schema.PRIORITY_NAMES.get(priority, priority)}", counter)


def _glossary(doc, counter: _Counter) -> None:
    doc.add_heading("Glossary", level=1)
    _table(doc, pd.DataFrame({"Term": list(GLOSSARY), "Meaning": list(GLOSSARY.values())}), "Glossary", counter)


def _picture(doc, fig, png: bytes, counter: _Counter) -> None:
    """A chart at print resolution, its caption, and its text alternative (Word's alt text)."""
    n = counter.figure()
    title = _plain(re.sub(r"<[^>]+>", "", fig.layout.title.text or "Chart"))
    alt = charts.describe(fig)
    shape = doc.add_picture(io.BytesIO(png), width=IMAGE_WIDTH)
    # python-docx has no property for alt text: it is the drawing's docPr descr (and title).
    shape._inline.docPr.set("descr", alt)
    shape._inline.docPr.set("title", title)
    doc.add_paragraph(f"Figure {n}: {title}", style="Caption")


def _table(doc, frame: pd.DataFrame, title: str, counter: _Counter) -> None:
    """``frame`` as a Word table in the document's table style, with a caption above it."""
    doc.add_paragraph(f"Table {counter.table()}: {title}", style="Caption")
    table = doc.add_table(rows=1, cols=len(frame.columns), style=TABLE_STYLE)
    for cell, name in zip(table.rows[0].cells, frame.columns):
        cell.text = str(name)
    for row in frame.itertuples(index=False):
        cells = table.add_row().cells
        for cell, value in zip(cells, row):
            cell.text = assessment.cell_text(value)
            if assessment.is_number(value):
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _repeat_header(table.rows[0])


def _page_marks(doc, title: str, demo: bool) -> None:
    """Every page's header (draft, and demonstration data) and footer (title and page number)."""
    section = doc.sections[0]
    header = section.header.paragraphs[0]
    header.text = DRAFT_MARK + (f" | {DEMO_MARK}" if demo else "")
    header.runs[0].font.size = Pt(8)
    header.runs[0].bold = demo
    footer = section.footer.paragraphs[0]
    footer.text = f"{title} | draft | page "
    footer.runs[0].font.size = Pt(8)
    _field(footer, "PAGE")


def _contents(doc) -> None:
    """A table of contents field (headings 1 and 2), which Word fills in when the document opens."""
    doc.add_paragraph("Contents", style="TOC Heading")
    _field(doc.add_paragraph(), 'TOC \\o "1-2" \\h \\z \\u',
           "Right-click and choose Update Field to list the chapters (Word asks when the document opens).")
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    doc.settings.element.append(update)


def _field(paragraph, instruction: str, placeholder: str = "") -> None:
    """A Word field (page number, table of contents) at the end of ``paragraph``."""
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, instruction), ("separate", None), (None, placeholder), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
            run._r.append(element)
        elif text is not None:
            element = OxmlElement("w:instrText" if text is instruction else "w:t")
            element.set(qn("xml:space"), "preserve")
            element.text = text
            run._r.append(element)


def _repeat_header(row) -> None:
    """A table's header row repeated at the top of each page it runs onto."""
    props = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    props.append(header)


def _plain(text: str) -> str:
    """Markdown emphasis (the method notes' **bold**, *italic*) as plain text; the pages' note on their
    "* beyond chance" marks as the document words changes."""
    if text == metrics.SIGNIFICANCE_NOTE:
        return SIGNIFICANCE
    return re.sub(r"\*{1,2}([^*]+)\*{1,2}", r"\1", text)
