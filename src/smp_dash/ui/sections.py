"""Sections a page draws from its figures: charts with their footnote and downloads, tables, the
monthly and overlay charts with outliers flagged, the funnel plot and the ward table.

Every CSV download checks the person's access again (:func:`download`); in presentation mode
a table becomes a short ranked list (or is left out), an action plan a status summary, and the
sections a page leaves out of presentation draw nothing (``section(..., present=False)``).
"""

from __future__ import annotations

import html
import re
from functools import partial

import numpy as np
import pandas as pd
import streamlit as st

from smp_dash import blocks, charts, exports, images, measures, morile, schema
from smp_dash.bundle import Bundle
from smp_dash.priorities import action_plans
from smp_dash.selection import Filter
from smp_dash.wording import heading
from smp_dash.ui import run
from smp_dash.ui.data import fitted, kept
from smp_dash.ui.glossary import words, words_html
from smp_dash.ui.page import footnote, not_shown
from smp_dash.ui.signin import require_access

_NUMBER_COLUMNS = {"current": st.column_config.NumberColumn("this period", format="%d"),
                   "previous": st.column_config.NumberColumn("previous", format="%d"),
                   "pct_change": st.column_config.NumberColumn("change", format="%+.0f%%"),
                   "rate": st.column_config.NumberColumn("per 1,000", format="%.1f")}
#: With disclosure control the cells are text ("<5", "hidden").
#: Column headings in words where "location_name" -> "Location name" is not enough.
COLUMN_WORDS = {"location_name": "Location", "ward_name": "Ward", "total_days": "Total days in situ",
                "average_days": "Average days in situ", "period_start": "From", "period_end": "To",
                "label": "What", "pct_change": "Change", "lad_name": "District"}
_TEXT_COLUMNS = {"current": "this period", "previous": "previous", "pct_change": "change", "rate": "per 1,000"}


def chart(fig, table: pd.DataFrame, *, key: str, source: str, period: str, caveat: str = "", view: Filter | None = None,
          exclusions: str = "", sensitive_wards: bool = False, missing: str = "", all_wards: bool = False) -> None:
    """A plotly chart, its footnote and a CSV download of the data behind it (``sensitive_wards``:
    ward-level DA, needle finds or hate crime, which viewers may not download). A table with no
    rows or no number draws no chart: ``missing`` (or "not in the data loaded") says why.

    A long title is split over a title and a subtitle that fit the narrowest screen (:func:`charts.fitted`);
    screen readers get the chart's sentence (:func:`charts.describe`) as its accessible name. The
    PNG carries the title, source, period and view (``all_wards``: the chart shows every ward, the
    selection named) and, on demonstration data, says so.
    """
    if not run.allowed("chart"):
        return
    if kept(_nothing_to_draw, table):   # never an empty chart: say why there is nothing
        not_shown(fig.layout.title.text or key, missing or f"{measures.NOT_LOADED} for this view")
        return
    st.plotly_chart(fitted(fig), width="stretch", key=f"chart_{key}", config={"displaylogo": False},
                    alt=kept(charts.describe, fig))
    if run.presenting():
        footnote(source, period, caveat)
        return
    left, right = st.columns([4, 1])
    with left:
        footnote(source, period, caveat)
    with right:
        if not download(table, key=key, view=view, period=period, exclusions=exclusions, sensitive_wards=sensitive_wards,
                        data=fig.layout.title.text or "", source=source, all_wards=all_wards):
            return
        this = run.current()
        png = partial(images.figure_png, fig, source=source, period=period, view=_view_line(view, all_wards),
                      demo=bool(this and this.bundle.demo))
        st.download_button("Chart (PNG)", data=png, file_name=exports.file_name(fig.layout.title.text or key, ".png"),
                           mime="image/png", key=f"png_{key}", on_click="ignore", icon=":material/image:",
                           width="stretch")


def _nothing_to_draw(table: pd.DataFrame) -> bool:
    """A chart's data with no rows, or no number in it (every value missing)."""
    numbers = table.select_dtypes("number")
    return table.empty or (not numbers.empty and numbers.isna().all().all())


def download(table: pd.DataFrame, *, key: str, view: Filter | None, period: str, exclusions: str = "",
             sensitive_wards: bool = False, data: str = "", source: str = "", all_wards: bool = False) -> bool:
    """A "download data (CSV)" button; the file records what it holds (``data``, ``source``), the
    filter (``all_wards``: a table of every ward, the selection named) and period it came from, and
    whether it is demonstration data.

    Access is checked again here. Returns False (and draws a note instead) when this person's
    role may not download it.
    """
    if not require_access().can_download(sensitive_wards):
        st.caption(":material/lock: Ward-level downloads of sensitive data are not available to viewers.")
        return False
    this = run.current()
    # A callable: the CSV is made only when someone clicks, not on every rerun.
    st.download_button("Download data (CSV)", data=partial(exports.csv_bytes, table, view=_view_line(view, all_wards),
                                                           period=period, exclusions=exclusions, data=data,
                                                           source=source, demo=bool(this and this.bundle.demo)),
                       file_name=exports.file_name(data or key, ".csv"), mime="text/csv", key=f"dl_{key}", on_click="ignore",
                       icon=":material/download:", width="stretch")
    return True


def _view_line(view: Filter | None, all_wards: bool) -> str:
    """The view an export records: the filter in words, or for a table of every ward, which were selected."""
    if view is None:
        return ""
    return exports.ward_scope(view.names) if all_wards else view.describe()


#: Tables this long or shorter are drawn whole as plain HTML (:func:`table_html`): sized to their
#: content, nothing cut or scrolled out of sight, read by a screen reader as a table. Longer ones
#: (rows of raw data) scroll in Streamlit's grid.
WHOLE_ROWS = 60


def data_table(frame: pd.DataFrame, *, key: str | None = None, view: Filter | None = None, period: str = "",
               sensitive_wards: bool = False, ranked: int = 0, caption: str = "", **kwargs) -> None:
    """A data table under its ``caption``, with its columns in words (``column_config`` adds to them,
    ``column_order`` picks them). In presentation mode no raw table: ``ranked`` > 0 draws its first
    rows as a short numbered list instead.

    Up to :data:`WHOLE_ROWS` rows are drawn whole (:func:`table_html`); a longer table goes in the
    grid, whose own toolbar has no export (``client.disableDataExport``): with a ``key`` the app's
    CSV button, which follows the role rules and neutralises formulas, is drawn under it.
    """
    if run.presenting():
        if ranked:   # in the table's own column order when it sets one
            order = [c for c in kwargs.get("column_order") or frame.columns if c in frame.columns]
            st.markdown((words(f"**{blocks.plain(caption)}**\n\n") if caption else "") + ranked_list(frame[order].head(ranked)))
        return
    kwargs["column_config"] = column_words(frame) | kwargs.get("column_config", {})
    if len(frame) <= WHOLE_ROWS:
        order = [c for c in kwargs.get("column_order") or frame.columns if c in frame.columns]
        st.html(kept(_whole_table, frame, tuple(order), config=kwargs["column_config"], caption=caption,
                     linked=words_html(caption)))
    else:
        if caption:
            st.markdown(words(f"**{blocks.plain(caption)}**"))
        st.dataframe(frame, **kwargs)
    if key is not None:
        download(frame, key=key, view=view, period=period, sensitive_wards=sensitive_wards)


def _whole_table(frame: pd.DataFrame, order: tuple, *, config: dict, **kwargs) -> str:
    """:func:`table_html` of ``frame``'s columns ``order``, made once per frame (``kept``)."""
    return table_html(frame[list(order)], config, **kwargs)


def table_html(frame: pd.DataFrame, config: dict, *, caption: str = "", linked: str = "") -> str:
    """``frame`` as a plain HTML table: headings from ``config`` (labels, or column settings with a
    ``label`` and a number ``format``), every cell escaped. Figures are written as the pages write
    them ("1,566", "+12%"), right-aligned and never broken over lines; words wrap between words
    (page.READABLE_CSS), so the table fits any column at least as wide as its longest words. One
    wider than the narrowest page (:data:`charts.FULL_WIDTH`) even so, such as the Data page's eight
    columns of provenance at 800 px, may scroll sideways in its own box, which the keyboard can reach
    and scroll (a data table is the two-dimensional content WCAG's reflow criterion allows to).
    ``linked``: the caption as HTML with its abbreviations linked (``ui.glossary.words_html``)."""
    e = html.escape
    head, columns, least = [], [], 0
    for column in frame.columns:
        setting = config.get(column, str(column))
        label, number_format = (setting, None) if isinstance(setting, str) else (
            setting.get("label") or str(column), (setting.get("type_config") or {}).get("format"))
        number_format = number_format or _decimals(frame[column])
        texts = [_cell(v, number_format) for v in frame[column]]
        mark = _FIGURE_CELL if _numeric(frame[column], texts) else ""
        columns.append((texts, mark))
        head.append(f'<th scope="col" data-column="{e(str(column))}"{mark}>{e(label)}</th>')
        least += _CELL_PAD + _CHAR * max(len(word) for text in (label, *texts) for word in (text.split() or [""]))
    body = "".join("<tr>" + "".join(f"<td{mark}>{e(texts[i])}</td>" for texts, mark in columns) + "</tr>"
                   for i in range(len(frame)))
    title = f"<caption>{linked or e(caption)}</caption>" if caption else ""
    region = f' role="region" aria-label="{e(caption or "Table")}" tabindex="0"' if least > charts.FULL_WIDTH else ""
    return (f'<div class="smp-table"{region}><table>{title}<thead><tr>{"".join(head)}</tr></thead>'
            f"<tbody>{body}</tbody></table></div>")


_FIGURE_CELL = ' class="n"'
#: px a character of a table's 14 px text takes at most, on average, and a cell's padding.
_CHAR, _CELL_PAD = 8, 16
#: A cell that reads as a figure: "1,566", "-12%", "4.2", disclosure control's "<5" and "hidden", "n/a"
#: (or is blank).
_FIGURE = re.compile(r"[<>+\-−]?\d[\d,]*(\.\d+)?%?|n/a|hidden|")


def _cell(value, number_format: str | None) -> str:
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, pd.Timestamp):
        return f"{value.day} {value:%b %Y}"
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        return str(value)
    if number_format and number_format.startswith("{"):
        return number_format.format(value)
    if number_format and number_format != "%d":
        return number_format % value
    return blocks.number(value)


def _decimals(values: pd.Series) -> str | None:
    """A column of fractions written to one decimal, as ``blocks.number`` writes a fraction, every
    value alike ("13.0" beside "40.9", never "13"), thousands separated; None for whole numbers."""
    if not pd.api.types.is_float_dtype(values):
        return None
    shown = values.dropna().astype(float)
    return None if np.allclose(shown, shown.round()) else "{:,.1f}"


def _numeric(values: pd.Series, texts: list[str]) -> bool:
    if pd.api.types.is_bool_dtype(values):
        return False
    return pd.api.types.is_numeric_dtype(values) or (any(texts) and all(_FIGURE.fullmatch(t) for t in texts))


def ranked_list(frame: pd.DataFrame) -> str:
    """A table's rows as a numbered list for a shared screen, its first two columns: "1. Bridge: 1,566"."""
    frame = frame.drop(columns=[c for c in ("rank",) if c in frame.columns]).iloc[:, :2]   # the numbers are the ranks
    def cell(v) -> str:
        if isinstance(v, pd.Timestamp):
            return f"{v:%b %Y}"
        return blocks.number(v) if isinstance(v, (int, float, np.integer, np.floating)) else blocks.plain(v)
    return "\n".join(f"{i}. **{cell(row[0])}**: {', '.join(cell(v) for v in row[1:] if v == v and v not in ('', None))}"
                     for i, row in enumerate(frame.itertuples(index=False), start=1))


def column_words(frame: pd.DataFrame) -> dict:
    """Column headings in words ("location_name" -> "Location") and dates as people write them."""
    config = {}
    for column in frame.columns:
        label = COLUMN_WORDS.get(column) or heading(column)
        if pd.api.types.is_datetime64_any_dtype(frame[column]):
            config[column] = st.column_config.DateColumn(label, format="D MMM YYYY")
        else:
            config[column] = label
    return config


def draw_chart(block: blocks.Chart, view: Filter | None) -> None:
    """A chart block: the chart with its footnote and downloads, or why it is not shown."""
    if block.figure is None:
        not_shown(block.title, block.missing)
        return
    chart(block.figure, block.data, key=block.key, source=block.source, period=block.period, caveat=block.caveat,
          view=view, exclusions=block.exclusions, sensitive_wards=block.sensitive_wards, missing=block.missing,
          all_wards=block.all_wards)
    if block.control and run.allowed("chart") and not _nothing_to_draw(block.data):
        st.markdown(words(block.control))    # what its control chart says, under it


def protect(table: pd.DataFrame, view: Filter, sensitive: bool) -> pd.DataFrame | None:
    """``table`` (a ward table) when it comes protected (``measures.ward_table`` of a sensitive measure
    under disclosure control), or None when it is shown as it is."""
    return table if "suppressed" in table.columns else None


def actions_table(bundle: Bundle, priority: str) -> None:
    """The action plan of one priority: every action with its status, update and target, wrapped to
    be read whole; in presentation mode a short status summary."""
    rows = kept(_of_priority, bundle.actions, priority)
    if rows.empty:
        st.caption(words(f"{measures.NOT_LOADED}: no action plan for this priority (load one through "
                         f"{schema.template('actions')})."))
        return
    source, period = action_plans.provenance(bundle)
    action_plan(rows, source=source, period=period, demo=bundle.demonstration("actions"))


def action_plan(actions: pd.DataFrame, *, source: str, period: str, by_priority: bool = False,
                demo: bool = False) -> None:
    """Actions as a wrapped table (the priority first when ``by_priority``) and their ``source`` and
    ``period`` (``action_plans.provenance``; the source marked when ``demo``: demonstration actions
    beside real data); in presentation mode the counts by status and the actions on hold or postponed."""
    if run.presenting():
        st.markdown(words(action_summary(actions, by_priority=by_priority)))
    else:
        st.table(kept(_actions_shown, actions, by_priority), hide_index=True)
    footnote(measures.marked(source, demo), period)


def _of_priority(actions: pd.DataFrame, priority: str) -> pd.DataFrame:
    return actions[actions["priority"] == priority]


def _actions_shown(actions: pd.DataFrame, by_priority: bool) -> pd.DataFrame:
    """The actions as the table shows them: the priority in words (first when ``by_priority``),
    the target as "Jun 2021"."""
    rows = action_rows(actions)
    columns = (["priority"] if by_priority else []) + ["action", "status", "update", "target"]
    shown = rows.assign(priority=rows["priority"].map(schema.PRIORITY_NAMES).fillna(rows["priority"]))[columns]
    return shown.rename(columns=heading)


def action_summary(actions: pd.DataFrame, *, by_priority: bool = False) -> str:
    """The action plan in a few lines: "12 actions: 7 delivered, 3 in progress, 1 on hold, 1 postponed",
    then each action on hold or postponed."""
    counts = actions["status"].value_counts()
    line = f"**{len(actions)} actions:** " + ", ".join(f"{counts[s]} {s}" for s in schema.ACTION_STATUSES if s in counts)
    held = actions[actions["status"].isin(["on hold", "postponed"])]
    items = [f"- *{s}*: {blocks.plain(a)}" + (f" ({schema.PRIORITY_NAMES.get(p, p)})" if by_priority else "")
             for a, s, p in zip(held["action"], held["status"], held["priority"])]
    return "\n".join([line] + (["", "On hold or postponed:", ""] + items if items else []))


def action_rows(actions: pd.DataFrame) -> pd.DataFrame:
    """Actions for display: the target as "Jun 2021", blank where the plan sets none."""
    return actions.assign(target=actions["target"].dt.strftime("%b %Y").fillna(""))


def morile_sheet_columns() -> dict:
    """How the MoRiLE scoring sheet's columns are edited: scores as whole numbers in their bounds."""
    number, text = st.column_config.NumberColumn, st.column_config.TextColumn
    columns = {c: number(morile.LABELS[c], min_value=morile.BOUNDS[c][0], max_value=morile.BOUNDS[c][1], step=1,
                         format="%d", required=True) for c in morile.CRITERIA}
    # the codes stay in the sheet (and its CSV); people see words
    return columns | {"theme": text("Theme", required=True, width="medium"),
                      "priority_area": st.column_config.SelectboxColumn("Priority", options=morile.PRIORITY_AREAS,
                                                                        required=True, format_func=lambda c: morile.AREA_NAMES.get(c, c)),
                      "data_measure": st.column_config.SelectboxColumn("Data measure", options=list(morile.MEASURES),
                                                                       format_func=lambda c: morile.MEASURES.get(c, c)),
                      "note": text("Note", width="large")}
