"""Drawing a page model (``smp_dash.blocks``) in Streamlit: how each block looks, never what it says."""

from __future__ import annotations

import streamlit as st

from smp_dash import blocks, charts
from smp_dash.bundle import Bundle
from smp_dash.selection import Filter
from smp_dash.ui import run
from smp_dash.ui.data import fitted, kept
from smp_dash.ui.maps import district_map_section, ward_map_section
from smp_dash.ui.glossary import words
from smp_dash.wording import mid_sentence
from smp_dash.ui.page import footnote, metric, not_shown, section
from smp_dash.ui.sections import (_NUMBER_COLUMNS, _TEXT_COLUMNS, action_plan, actions_table, data_table, download,
                                  draw_chart, ranked_list)


def draw(page: blocks.Page, bundle: Bundle, view: Filter) -> None:
    """Every block of ``page`` in order."""
    shown = True
    for block in page.blocks:
        if isinstance(block, blocks.Heading):
            shown = section(block.title, present=block.present)
        elif shown:
            _DRAW[type(block)](block, bundle, view)


def _headlines(row: blocks.Headlines, bundle: Bundle, view: Filter) -> None:
    if row.note:
        st.caption(words(row.note))
    for column, item in zip(st.columns(len(row.items)), row.items):
        with column:
            metric(item.label, item.value, item.delta, help=item.help, delta_color=item.colour, delta_arrow=item.arrow)
            if item.caption and not run.presenting():
                st.caption(words(item.caption))


def _table(table: blocks.Table, bundle: Bundle, view: Filter) -> None:
    if run.presenting():   # a short ranked list on a shared screen
        if table.ranked:
            st.markdown(words(f"**{table.title}**\n\n") + ranked_list(table.frame.drop(columns="rank", errors="ignore")
                                                                .head(table.ranked)))
        return
    data_table(table.frame, hide_index=True, width="stretch", caption=table.title,
               column_config=_TEXT_COLUMNS if table.text else _NUMBER_COLUMNS)
    export = table.frame if table.export is None else table.export
    download(export, key=table.key, view=view, period=table.period, sensitive_wards=table.sensitive_wards,
             all_wards=table.all_wards, data=table.title)


_DRAW = {
    blocks.Headlines: _headlines,
    blocks.Chart: lambda block, bundle, view: draw_chart(block, view),
    blocks.WardMap: lambda block, bundle, view: ward_map_section(bundle, view, block),
    blocks.Table: _table,
    blocks.Text: lambda block, bundle, view: None,          # the documents' sentences; the page shows the figures
    blocks.Missing: lambda block, bundle, view: not_shown(block.title, block.why),
    blocks.Actions: lambda block, bundle, view: actions_table(bundle, block.priority),
    # substance misuse page
    blocks.Caption: lambda block, bundle, view: st.caption(words(block.text)),
    blocks.Places: lambda block, bundle, view: _places(block, view),
    # serious and organised crime page
    blocks.Listing: lambda block, bundle, view: _listing(block, view),
    # Police data
    blocks.DistrictMap: lambda block, bundle, view: district_map_section(
        bundle, block.table, key=block.key, colour=block.colour, caption=f"{block.title}."),
    # Children and young people
    blocks.Note: lambda block, bundle, view: st.info(words(block.text)),
    # Overview
    blocks.DatedHeadlines: lambda block, bundle, view: _dated_headlines(block, bundle, view),
    blocks.Sparklines: lambda block, bundle, view: _sparklines(block, bundle, view),
    blocks.Side: lambda block, bundle, view: _side(block, bundle, view),
    blocks.Links: lambda block, bundle, view: _links(block, bundle, view),
    # the task force page
    blocks.AgainstRow: _headlines,      # its tiles carry their own arrows
    # the mental health page
    blocks.Said: lambda block, bundle, view: [st.markdown(words(f"**{block.lead}:** {s.removeprefix(f'{block.lead}: ')}"
                                                                if block.lead else s)) for s in block.sentences],
    # Scenarios and MoRiLE
    blocks.Expander: lambda block, bundle, view: _expander(block, bundle, view),
    blocks.Ranking: lambda block, bundle, view: _ranking(block, view),
    # the action plans page
    blocks.Tally: lambda block, bundle, view: st.markdown(words(f"**{block.lead}**{block.text.removeprefix(block.lead)}")),
    blocks.ActionPlan: lambda block, bundle, view: action_plan(block.rows, source=block.source, period=block.period,
                                                               by_priority=block.by_priority, demo=block.demo),
    # the data page
    blocks.Caution: lambda block, bundle, view: st.warning(words(block.text), icon=":material/warning:"),
}


def _places(block: blocks.Places, view: Filter) -> None:
    """Place names side by side for those who may see locations; viewers are told they are not shown."""
    if not run.current().person.can_see_locations:
        st.caption(words(f":material/lock: {block.withheld}"))
        return
    for column, table in zip(st.columns(len(block.tables)), block.tables):
        with column:
            data_table(table.frame, hide_index=True, width="stretch", key=table.key, view=view, period=table.period,
                       sensitive_wards=table.sensitive_wards, ranked=table.ranked, caption=table.title)


def _listing(block: blocks.Listing, view: Filter) -> None:
    data_table(block.frame, hide_index=True, width="stretch", ranked=len(block.frame))
    footnote(block.source, block.period)



# Overview -------------------------------------------------------------------------------------

def _dated_headlines(row: blocks.DatedHeadlines, bundle: Bundle, view: Filter) -> None:
    for column, item in zip(st.columns(len(row.items)), row.items):
        with column:
            metric(item.label, item.value, item.delta, help=item.help, delta_color=item.colour, delta_arrow=item.arrow)
            if item.caption and not run.presenting():
                st.caption(words(item.caption))
            if run.allowed("metric"):
                st.caption(item.period)


def _sparklines(block: blocks.Sparklines, bundle: Bundle, view: Filter) -> None:
    columns = st.columns(3)
    for i, item in enumerate(block.items):
        with columns[i % 3]:
            st.markdown(words(f"**{item.label}**"))
            if item.svg:
                st.markdown(item.svg, unsafe_allow_html=True)
            else:
                st.caption(words(item.why))
            st.page_link(item.link, label=f"Open {mid_sentence(item.label)}", icon=":material/arrow_forward:")
    footnote(block.source, block.period, block.caveat)


def _side(block: blocks.Side, bundle: Bundle, view: Filter) -> None:
    for column, item in zip(st.columns(len(block.items)), block.items):
        with column:
            _DRAW[type(item)](item, bundle, view)


def _links(block: blocks.Links, bundle: Bundle, view: Filter) -> None:
    if block.caption:
        st.caption(words(block.caption))
    for path, label, icon in block.links:
        st.page_link(path, label=label, icon=icon)



# Scenarios and MoRiLE ------------------------------------------------------------------------

def _expander(block: blocks.Expander, bundle: Bundle, view: Filter) -> None:
    with st.expander(block.title, icon=block.icon):
        for item in block.blocks:
            _DRAW[type(item)](item, bundle, view)


#: The narrowest the ranking's chart is drawn: beside the table in 5/11 of at least 900 px (page.READABLE_CSS
#: puts it under the table in anything narrower).
RANKING_CHART = 400


def _ranking(block: blocks.Ranking, view: Filter) -> None:
    """The ranking beside its chart (not draw_chart, whose download button is cramped in half a page),
    or above it where the two would not fit side by side."""
    table, chart = block.table, block.chart
    left, right = st.container(key=f"ranking_{table.key}").columns([6, 5])
    with left:
        number, text = st.column_config.NumberColumn, st.column_config.TextColumn
        data_table(table.frame, hide_index=True, width="stretch", height=38 + 35 * len(table.frame),
                   column_order=block.columns, ranked=table.ranked,
                   column_config={"rank": number("Rank", width="small"), "change": text("vs default", width="small"),
                                  "priority": number("Score", format="%.2f", width="small")})
    with right:
        st.plotly_chart(fitted(chart.figure, RANKING_CHART), width="stretch", key=f"chart_{chart.key}",
                        config={"displaylogo": False}, alt=kept(charts.describe, chart.figure))
        footnote(chart.source, chart.period, chart.caveat)
        download(table.frame, key=table.key, view=view, period=table.period, data=table.title)
