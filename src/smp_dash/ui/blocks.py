"""Drawing a page model (``smp_dash.blocks``) in Streamlit: how each block looks, never what it says."""

from __future__ import annotations

import streamlit as st

from smp_dash import blocks
from smp_dash.bundle import Bundle
from smp_dash.selection import Filter
from smp_dash.ui import run
from smp_dash.ui.maps import ward_map_section
from smp_dash.ui.page import metric, not_shown, section
from smp_dash.ui.sections import (_NUMBER_COLUMNS, _TEXT_COLUMNS, actions_table, data_table, download, draw_chart,
                                  ranked_list)


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
        st.caption(row.note)
    for column, item in zip(st.columns(len(row.items)), row.items):
        with column:
            metric(item.label, item.value, item.delta, help=item.help, delta_color=item.colour)
            if item.caption and not run.presenting():
                st.caption(item.caption)


def _table(table: blocks.Table, bundle: Bundle, view: Filter) -> None:
    if run.presenting():   # a short ranked list on a shared screen
        if table.ranked:
            st.markdown(f"**{table.title}**\n\n" + ranked_list(table.frame.drop(columns="rank", errors="ignore")
                                                                .head(table.ranked)))
        return
    st.markdown(f"**{table.title}**")
    data_table(table.frame, hide_index=True, width="stretch",
               column_config=_TEXT_COLUMNS if table.text else _NUMBER_COLUMNS)
    export = table.frame if table.export is None else table.export
    download(export, key=table.key, view=view, period=table.period, sensitive_wards=table.sensitive_wards,
             all_wards=table.all_wards, data=table.title)


_DRAW = {
    blocks.Headlines: _headlines,
    blocks.Chart: lambda block, bundle, view: draw_chart(block, view),
    blocks.WardMap: lambda block, bundle, view: ward_map_section(
        bundle, view, block.table, key=block.key, colour=block.colour, caption=block.caption, points=block.points,
        sensitive=block.sensitive, no_comparison=block.no_comparison),
    blocks.Table: _table,
    blocks.Text: lambda block, bundle, view: None,          # the documents' sentences; the page shows the figures
    blocks.Missing: lambda block, bundle, view: not_shown(block.title, block.why),
    blocks.Actions: lambda block, bundle, view: actions_table(bundle, block.priority),
    # the task force page
    blocks.AgainstRow: lambda block, bundle, view: _against(block, bundle, view),
    # the mental health page
    blocks.Said: lambda block, bundle, view: [st.markdown(f"**{block.lead}:** {s.removeprefix(f'{block.lead}: ')}"
                                                          if block.lead else s) for s in block.sentences],
}


def _against(row: blocks.AgainstRow, bundle: Bundle, view: Filter) -> None:   # the task force page
    if row.note:
        st.caption(row.note)
    for column, item in zip(st.columns(len(row.items)), row.items):
        with column:
            metric(item.label, item.value, item.delta, help=item.help, delta_color=item.colour,
                   delta_arrow=getattr(item, "arrow", "auto"))
            if item.caption and not run.presenting():
                st.caption(item.caption)

