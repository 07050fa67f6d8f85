"""How Maidstone compares: recorded crime per 1,000 residents against other partnerships, its rank, a
funnel plot and the trend by quarter (its model, ``priorities.compare.page``, which the data pack, the
draft and the workbook draw too). Anyone may choose other partnerships to compare with; analysts may keep
the choice for everyone (a new version of the comparator list, as an upload would be)."""

import streamlit as st

from smp_dash import ui
from smp_dash.priorities import compare

bundle, view = ui.page(compare.TITLE, compare.QUESTION)
status, message = st.session_state.pop("data_done", (None, None))
if status:
    (st.success if status == "success" else st.error)(ui.words(message))

chosen = ()
if len(bundle.csp_crime) and not view.present:
    every, current = compare.choices(bundle)
    with st.expander("Choose the partnerships to compare with", icon=":material/tune:"):
        picked = st.multiselect("Partnerships", every, default=current, key="compare_with")
        chosen = tuple(picked) if set(picked) != set(current) else ()
        if ui.who().can_upload:
            group = st.text_input("What the group is called, e.g. Most Similar Group (iQuanta)", key="compare_group")
            st.button("Keep these for everyone", on_click=ui.save_comparators, args=(tuple(picked), group),
                      icon=":material/save:")
ui.draw(ui.figures(compare.page, view, comparators=chosen), bundle, view)
