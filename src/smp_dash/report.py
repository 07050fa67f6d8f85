"""The strategic assessment data pack: one self-contained HTML file for a view of the data.

``data_pack(frames, ...)`` takes the store's frames and returns an HTML document holding every
priority's key figures, interactive charts (plotly.js inlined once), caveats and action plan,
for the chosen wards and period, with a provenance table at the end. It reads nothing and
imports no streamlit, so the app (a download button) and the CLI (``smp-dash report``) share it.

Every piece of text that comes from data is escaped; the document references nothing outside
itself (no ``<script src>``, no stylesheet links, no fonts to fetch).
"""

from __future__ import annotations

import html

import pandas as pd
import plotly.io as pio

from smp_dash import assessment, charts, disclosure, schema
from smp_dash.assessment import Section, cell_text, display, is_number, provenance_frame
from smp_dash.demo import NOTICE as DEMO_NOTICE
from smp_dash.selection import LATEST, Filter

TITLE = "Safer Maidstone Partnership — strategic assessment data pack"


def data_pack(frames: dict[str, pd.DataFrame], *, wards: tuple[str, ...] = (), ward_names: dict[str, str],
              period_kind: str = LATEST, period_label: str | None = None, demo: bool, generated_at: str,
              provenance: dict, suppress: bool = False, exclude_outliers: bool = False,
              control=None) -> str:
    """The data pack for ``wards`` (ward codes; empty = whole borough) and a period, as HTML: the
    sections of :func:`smp_dash.assessment.sections` with their interactive charts.

    Parameters
    ----------
    frames : the store's frames by dataset name (``store.read_all``).
    wards : ward codes to show; figures the wards cannot split (partner data) stay borough-wide.
    ward_names : ward code -> name, for every ward of the borough.
    period_kind, period_label : "latest" (each figure for the latest period of its kind), "published"
        (each figure for the period the 2020-21 assessment reports it) or a kind of
        :mod:`smp_dash.periods` and one of its labels (newest if None).
    demo : whether the data is the demonstration dataset (adds the notice and caveat).
    generated_at : when the pack was made, as it should read on the cover.
    provenance : dataset -> its provenance record (or None when not loaded).
    suppress, exclude_outliers : disclosure control, and flagged months replaced, as on the pages;
        disclosure control is always on for a ward selection (:func:`smp_dash.assessment.travelling`).
    control : the control charts' baseline, re-baseline month and directions (``spc.Settings``), as on the
        pages; the defaults when None.

    Raises
    ------
    ValueError
        For a ward code not in ``ward_names`` or a period the data does not cover.
    """
    view, sections = assessment.sections(frames, wards=wards, ward_names=ward_names, period_kind=period_kind,
                                         period_label=period_label, suppress=assessment.travelling(wards, suppress),
                                         exclude_outliers=exclude_outliers, provenance=provenance,
                                         control=control)
    return _document(view, sections, assessment.dataset(frames, "actions"), demo=demo, generated_at=generated_at,
                     provenance=provenance)


# Writing the document ---------------------------------------------------------------------

_STYLE = """
body{font-family:"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:#1B2733;margin:0 auto;max-width:1100px;padding:24px}
h1{font-size:26px}h2{border-bottom:2px solid #1F4E79;padding-bottom:4px;margin-top:40px}h3{font-size:16px}
table{border-collapse:collapse;margin:8px 0 16px;font-size:14px}th,td{border:1px solid #D5DAE1;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#F1F4F8}td.n{text-align:right}.notice{background:#FFF4CE;border:1px solid #E0B000;padding:10px 14px}
.caveats{color:#4B5563;font-size:13px}.chart{margin:12px 0}
"""


def _document(view: Filter, sections: list[Section], actions: pd.DataFrame, *, demo: bool, generated_at: str, provenance: dict) -> str:
    e = html.escape
    parts = [f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{e(TITLE)}</title>"
             f"<style>{_STYLE}</style></head><body>",
             f"<h1>{e(TITLE)}</h1>",
             f"<p><strong>Area:</strong> {e(view.area)}</p>",
             f"<p><strong>Period:</strong> {e(view.when)}</p>",
             f"<p><strong>Generated:</strong> {e(generated_at)}</p>"]
    if demo:
        parts.append(f"<p class=\"notice\"><strong>{e(DEMO_NOTICE)}</strong></p>")
    if view.suppress:
        parts.append(f"<p class=\"notice\">{e(disclosure.note())}</p>")
    plotly_included = False
    for section in sections:
        parts.append(f"<section><h2>{e(section.title)}</h2>")
        parts += [f"<p class=\"story\">{e(sentence)}</p>" for sentence in section.story]
        parts += [f"<p>{e(note)}</p>" for note in section.notes]
        if section.figures:
            parts.append(_table(section.figures_table(), numeric=("Value",)))
        for fig in section.charts:
            parts.append("<div class=\"chart\">" + pio.to_html(
                fig, full_html=False, include_plotlyjs=not plotly_included, config={"displaylogo": False},
                default_width="100%", default_height=f"{fig.layout.height or charts.DEFAULT_HEIGHT}px") + "</div>")
            plotly_included = True
        for title, table in section.tables:
            parts.append(f"<h3>{e(title)}</h3>" + _table(display(table)))
        caveats = section.caveats + ([DEMO_NOTICE] if demo else [])
        parts.append("<ul class=\"caveats\">" + "".join(f"<li>{e(c)}</li>" for c in caveats) + "</ul>")
        if section.actions:
            parts.append(_actions(actions, section.actions))
        parts.append("</section>")
    parts.append("<section><h2>Provenance</h2>" + _table(provenance_frame(provenance)) + "</section>")
    parts.append("</body></html>\n")
    return "\n".join(parts)


def _actions(actions: pd.DataFrame, priority: str) -> str:
    shown = assessment.actions_table(actions[actions["priority"] == priority])
    return f"<h3>Action plan: {html.escape(schema.PRIORITY_NAMES[priority])}</h3>" + _table(shown)


def _table(frame: pd.DataFrame, numeric: tuple[str, ...] = ()) -> str:
    """``frame`` as an HTML table, every cell escaped."""
    e = html.escape
    head = "".join(f"<th>{e(str(c))}</th>" for c in frame.columns)
    body = []
    for row in frame.itertuples(index=False):
        cells = "".join(f"<td class=\"n\">{e(cell_text(v))}</td>" if c in numeric or is_number(v) else f"<td>{e(cell_text(v))}</td>"
                        for c, v in zip(frame.columns, row))
        body.append(f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
