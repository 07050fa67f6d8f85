"""Every table and every chart's data of the assessment as an Excel workbook (openpyxl).

``workbook(frames, ...)`` takes the arguments of :func:`smp_dash.report.data_pack` and builds from the
same sections, so it holds what the pages and the pack show, disclosure control included: an "Index"
sheet listing every other sheet (page, content, source, period, view, caveats), each page's key
figures, tables and charts' data, the action plans and the provenance. Numbers are numbers with
formats (counts, percentages as fractions, rates); what a page shows instead of a number ("<5",
"hidden", "n/a") stays text, and text is neutralised as the CSV exports are: no cell is a formula.
"""

from __future__ import annotations

import html
import io
import math
import re
from collections import namedtuple
from datetime import date, datetime

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink

from smp_dash import assessment, disclosure, measures, schema
from smp_dash.demo import NOTICE as DEMO_NOTICE
from smp_dash.exports import inert
from smp_dash.selection import LATEST, Filter
from smp_dash.wording import heading

TITLE = "Safer Maidstone Partnership — strategic assessment workbook"
#: What leads the context line (row 2) of every sheet made from the demonstration dataset.
DEMO_WARNING = "DEMONSTRATION DATA: not real figures"
COUNT, PERCENT, RATE, DECIMAL, MONTH, DATE = "#,##0", "0.0%", "0.0", "0.00", "mmm yyyy", "yyyy-mm-dd"
#: Phrases shortened in sheet names.
_SHORTER = (("wards with most", "top wards"), ("top ten wards for", "top wards"), ("domestic abuse", "DA"),
            ("anti-social behaviour", "ASB"), ("police-recorded", "police"), ("recorded crime", "crime"),
            ("top five", "top"), ("needle-find", "needle"), ("needles found", "needles"), ("locations", "places"),
            ("warnings, notices and penalties", "enforcement"), ("service requests", "requests"),
            ("complaints about young people gathering", "youths gathering"), ("financial year", "FY"),
            ("and the rest of the borough", "vs rest"), ("robbery, weapons and drugs", "robbery weapons drugs"))
#: Table columns holding percentage points (5.7 for 5.7%), stored as fractions.
_PERCENT_COLUMNS = ("pct_change", "share", "change %", "change_pct")
_HEADERS = {**assessment.HEADERS, "pct_change": "Change %", "share": "Share"}
_NUMBER_TEXT = re.compile(r"[+-]?\d[\d,]*(\.\d+)?%?")


#: A sheet: its row of the Index (the name before it is made unique), its title (row 1), its table and the
#: number formats of its columns (a format, or a list of one per row).
_Sheet = namedtuple("_Sheet", "name page content source period view caveats title frame formats")


def workbook(frames: dict[str, pd.DataFrame], *, wards: tuple[str, ...] = (), ward_names: dict[str, str],
             period_kind: str = LATEST, period_label: str | None = None, demo: bool, generated_at: str,
             provenance: dict, suppress: bool = False, exclude_outliers: bool = False,
             control=None) -> bytes:
    """The assessment's tables and charts' data for ``wards`` and a period, as the bytes of an .xlsx file.

    Arguments and errors as for :func:`smp_dash.report.data_pack`; disclosure control is always on for a
    ward selection (:func:`smp_dash.assessment.travelling`), as in the draft.
    """
    view, sections = assessment.sections(frames, wards=wards, ward_names=ward_names, period_kind=period_kind,
                                         period_label=period_label, suppress=assessment.travelling(wards, suppress),
                                         exclude_outliers=exclude_outliers, provenance=provenance,
                                         control=control)
    sheets = [sheet for section in sections for sheet in _section_sheets(section, view)]
    sheets += [_Sheet("Action plans", "Every priority", "Action plans: actions, status and latest update",
                      (provenance.get("actions") or {}).get("source", ""), "", "Whole borough", "",
                      "Action plans of every priority", *_table(_actions(assessment.dataset(frames, "actions")))),
               _Sheet("Provenance", "Every page", "Where every dataset came from", "The store's records", "", "", "",
                      "Provenance: where every dataset came from", *_table(assessment.provenance_frame(provenance)))]
    names = _unique([sheet.name for sheet in sheets])
    context = " | ".join([DEMO_WARNING] * demo + [f"Area: {view.area}", f"Period: {view.when}"]
                         + ["Disclosure control on"] * view.suppress)
    notes = [f"Generated: {generated_at}", f"Area: {view.area}", f"Period: {view.when}"]
    notes += [disclosure.note()] * view.suppress + [DEMO_NOTICE] * demo
    book = Workbook()
    index = pd.DataFrame([(name, *sheet[1:7]) for name, sheet in zip(names, sheets)],
                         columns=["Sheet", "Page", "Content", "Source", "Period", "View", "Caveats"])
    first = _write(book.active, "Index", TITLE, context, index, {}, notes=notes)
    for row, name in enumerate(names, start=first):
        link = book.active.cell(row, 1)
        link.hyperlink, link.style = Hyperlink(ref=link.coordinate, location=f"'{name}'!A1"), "Hyperlink"
    for name, sheet in zip(names, sheets):
        _write(book.create_sheet(), name, sheet.title, context, sheet.frame, sheet.formats)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _section_sheets(section, view: Filter) -> list[_Sheet]:
    """A page's sheets: its key figures, each table, each chart's data (a chart without data has none)."""
    page = section.sheet or section.title[:12]
    where = view.area + ("; disclosure control on" if view.suppress else "")
    parts = []   # (name, content, texts naming its measures, period, title, (frame, formats), what else to say)
    if section.figures:
        parts.append((f"{page} - key figures", "Key figures", [f.label for f in section.figures],
                      "; ".join(dict.fromkeys(f.period for f in section.figures if f.period)),
                      f"{section.title}: key figures", _key_figures(section.figures), ""))
    parts += [(_name(page, section.title, t, view.area), t, [t], "", t, _table(table), "")
              for t, table in section.tables]
    parts += [(_name(page, section.title, t, view.area), f"Chart: {t}", [t], "", t, _chart(fig, t),
               (fig.layout.meta or {}).get("spc", "") if isinstance(fig.layout.meta, dict) else "")
              for t, fig in ((_plain(fig.layout.title.text or ""), fig) for fig in section.charts)]
    caveats = " ".join(section.caveats)
    return [_Sheet(name, section.title, content, _sources(texts), period, where,
                   " ".join(filter(None, (said, caveats))), title, *data)
            for name, content, texts, period, title, data, said in parts if len(data[0].columns)]


def _key_figures(figures: list[assessment.Figure]) -> tuple[pd.DataFrame, dict]:
    """A section's key figures: the value and the one compared with as numbers, the change as a fraction,
    and what the page shows where there is no number ("n/a", "<5") or no change (the reason, in Note)."""
    rows, value_formats = [], []
    for f in figures:
        value, shown_as_percent = (f.current, False) if f.current is not None else _parse(f.value)
        value = f.value if value is None else value
        change = (f.current - f.previous) / f.previous if f.current is not None and f.previous else None
        value_formats.append(PERCENT if shown_as_percent else _format_of("", [value]))
        rows.append((f.label, value, f.previous, change, f.period, f.previous_period, f.verdict,
                     "" if change is not None else f.change))
    frame = pd.DataFrame(rows, columns=["Figure", "Value", "Previous", "Change %", "Period", "Compared with",
                                        "Significance", "Note"])
    return frame, {"Value": value_formats, "Previous": COUNT, "Change %": PERCENT}


def _table(table: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """A table as the page shows it, its numbers (also those disclosure control wrote as text) as numbers."""
    out, formats = pd.DataFrame(index=range(len(table))), {}
    for column in table.columns:
        header = _HEADERS.get(column, column if not re.fullmatch(r"[a-z_]+", str(column)) else heading(column))
        percent = str(column).lower() in _PERCENT_COLUMNS
        written = not pd.api.types.is_numeric_dtype(table[column]) and all(map(_numeric_or_shown, table[column]))
        values = [_number_in(v, percent, written) for v in table[column]]
        formats[header] = PERCENT if percent else _format_of(str(column), values)
        out[header] = pd.Series(values, dtype=object)
    return out, formats


def _number_in(value, percent: bool, written: bool):
    """A table's cell as a number where it is one: percentage points as a fraction and, in a column of
    numbers written as text (``written``), "1,234" or "+21%" parsed; other text as it is."""
    if written and isinstance(value, str):
        number, fraction = _parse(value)
        return value if number is None else number if fraction or not percent else number / 100
    return value / 100 if percent and _is_number(value) else value


def _chart(fig, title: str) -> tuple[pd.DataFrame, dict]:
    """A chart's data: one row per category (month, ward, ...), one column per trace (a bar's series,
    a line), or one row per point (Series, Category, Value) where a trace repeats a category."""
    series = {}
    for trace in fig.data:
        if trace.type == "pie":
            cats, values, axis = trace.labels, trace.values, None
        elif getattr(trace, "orientation", None) == "h":
            cats, values, axis = trace.y, trace.x, fig.layout.xaxis
        else:
            cats, values, axis = trace.x, trace.y, fig.layout.yaxis
        if cats is None or values is None:
            continue
        name = trace.name or ""
        if not name or re.fullmatch(r"[a-z_]+", name):
            name = ((axis.title.text if axis is not None else None) or _HEADERS.get(name)
                    or heading(name) or "Value")
        cats = [_plain_value(c) for c in np.asarray(cats, dtype=object)]
        series[_unique([*series, name])[-1]] = pd.Series([_plain_value(v) for v in np.asarray(values, dtype=object)],
                                                        index=cats, dtype=object)
    if not series:
        return pd.DataFrame(), {}
    dated = all(isinstance(c, datetime) for s in series.values() for c in s.index)
    category = "Month" if dated else "Category"
    number = RATE if re.search(r"per 1,000|index", title, re.I) else None
    if all(s.index.is_unique for s in series.values()):
        frame = pd.concat(series, axis=1, sort=False).rename_axis(category).reset_index()
    else:
        frame = pd.DataFrame([(name, c, v) for name, s in series.items() for c, v in s.items()],
                             columns=["Series", category, "Value"])
    frame = frame.astype(object).where(frame.notna(), None)
    values = {c: number or _format_of(c, frame[c]) for c in frame.columns if c not in ("Series", category)}
    return frame, {category: "0", **values}      # a category that is a number is a year or a code


def _actions(actions: pd.DataFrame) -> pd.DataFrame:
    """Every priority's actions, the priority by name (the HTML pack shows them under each section)."""
    return pd.DataFrame({"Priority": [schema.PRIORITY_NAMES.get(p, p) for p in actions["priority"]],
                         "Action": list(actions["action"]), "Status": list(actions["status"]),
                         "Update": list(actions["update"]), "Target": list(actions["target"])}, dtype=object)


def _write(ws, name: str, title: str, context: str, frame: pd.DataFrame, formats: dict, notes=()) -> int:
    """``frame`` under a title, context line and ``notes``, its header bold and frozen, each cell typed;
    returns the row of its first data row."""
    ws.title = name
    lines = [title, context, *notes, ""]
    for row, line in enumerate(lines, start=1):
        _put(ws.cell(row, 1), line)
    ws.cell(1, 1).font = Font(bold=True, size=13)
    header = len(lines) + 1
    widths = []
    for col, column in enumerate(frame.columns, start=1):
        cell = _put(ws.cell(header, col), str(column))
        cell.font = Font(bold=True)
        fmt = formats.get(column)
        for row, value in enumerate(frame[column], start=header + 1):
            _put(ws.cell(row, col), value, fmt[row - header - 1] if isinstance(fmt, list) else fmt)
        texts = [str(column)] + [f"{v:,.0f}" if _is_number(v) else str(v) for v in frame[column] if v is not None]
        widths.append(min(60, max(9, *(len(t) for t in texts)) + 2))
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = f"A{header + 1}"
    return header + 1


def _put(cell, value, number_format: str | None = None):
    """One cell: blank for a missing value (never 0), a number or date with its format, else inert text."""
    value = _plain_value(value)
    if value is None:
        return cell
    if isinstance(value, (datetime, date)):
        value = value.replace(tzinfo=None) if isinstance(value, datetime) else value   # Excel has no time zones
        cell.value, cell.number_format = value, MONTH if value.day == 1 else DATE
    elif _is_number(value):
        cell.value, cell.number_format = value, number_format or "General"
    else:
        cell.value = inert(str(value))
        cell.data_type = "s"    # openpyxl reads a str starting with "=" as a formula
    return cell


def _format_of(column: str, values) -> str | None:
    """Counts (whole numbers) ``#,##0``, rates ``0.0``, ranks and years plain, other numbers ``0.00``;
    None for a column without numbers."""
    name = column.lower()
    if name in ("rank", "year"):
        return "0"
    if name == "rate" or name.endswith(("_rate", " rate", "per 1,000")):
        return RATE
    numbers = [float(v) for v in values if _is_number(v)]
    if not numbers:
        return None
    return COUNT if all(math.isnan(v) or v.is_integer() for v in numbers) else DECIMAL


def _parse(text: str) -> tuple[float | None, bool]:
    """A number written as the pages write it ("2,888", "+21%", "4.2") and whether it was a percentage
    (then as a fraction); None for other text ("<5", "hidden", "n/a")."""
    text = text.strip()
    if not _NUMBER_TEXT.fullmatch(text):
        return None, False
    number = float(text.rstrip("%").replace(",", ""))
    return (number / 100, True) if text.endswith("%") else (number, False)


def _numeric_or_shown(value) -> bool:
    """A cell of a number column as disclosure control writes it: a number, its text, "<5", "hidden", "n/a"."""
    if value is None or _is_number(value):
        return True
    return isinstance(value, str) and (_parse(value)[0] is not None or value.startswith("<")
                                       or value in (disclosure.HIDDEN, disclosure.NOT_APPLICABLE))


def _is_number(value) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_))


def _plain_value(value):
    """A value as a cell takes it: numpy scalars as Python's, datetime64 as a datetime, NaN, NA, NaT as None."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (np.datetime64, pd.Timestamp)):
        return None if pd.isna(value) else pd.Timestamp(value).to_pydatetime()
    value = value.item() if isinstance(value, np.generic) else value
    return None if isinstance(value, float) and math.isnan(value) else value


def _plain(text: str) -> str:
    """A plotly title as plain text (plotly reads a subset of HTML)."""
    return html.unescape(re.sub(r"<[^>]+>", " ", text)).strip()


def _sources(texts: list[str]) -> str:
    """The sources of the measures named in ``texts`` (a title, figure labels): "" where none is named."""
    found = [m.source for m in measures.MEASURES.values() if any(m.label.lower() in t.lower() for t in texts)]
    return "; ".join(dict.fromkeys(found))


def _name(page: str, section: str, title: str, area: str) -> str:
    """A sheet name from a page and a chart or table title, "DA - By type" for "Domestic abuse by type, 2020
    against 2019": the title without its period, area and brackets, shortened to Excel's 31 characters."""
    words = re.sub(r"\s*\([^)]*\)", "", title.replace(f", {area}", ""))
    words = ", ".join(p for i, p in enumerate(words.split(", ")) if i == 0 or not re.search(r"\d", p))
    if words.lower().startswith(section.lower() + " "):
        words = words[len(section) + 1:]       # "Domestic abuse by type" on the domestic abuse page
    for long, short in _SHORTER:
        words = re.sub(re.escape(long), short, words, flags=re.I)
    words = re.sub(rf"\s+{re.escape(page)}$", "", words.replace(", ", " "))     # "Top wards" on its own page
    words = " ".join(re.sub(r"[\[\]:*?/\\]", " ", words[:1].upper() + words[1:]).split()) or "Chart"
    room = 31 - len(page) - 3
    if len(words) > room:       # cut at a word's end, not after a dangling "by" or "and"
        words = re.sub(r"\s+(by|and|of|the|for)$", "", words[:room + 1].rsplit(" ", 1)[0][:room])
    return f"{page} - {words}"


def _unique(names: list[str]) -> list[str]:
    """``names`` with repeats numbered ("DA - by month 2"), each within Excel's 31 characters."""
    seen, out = set(), []
    for name in names:
        candidate, n = name, 1
        while candidate.lower() in seen:
            n += 1
            candidate = f"{name[:31 - len(str(n)) - 1].rstrip()} {n}"
        seen.add(candidate.lower())
        out.append(candidate)
    return out
