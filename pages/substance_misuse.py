"""Substance misuse: drug offences against Kent, and needle finds with or without bulk incidents."""

import streamlit as st

from smp_dash import charts, measures, metrics as m, ui
from smp_dash.priorities import substance_misuse

COLOUR = charts.PRIORITY_COLOURS["substance_misuse"]

bundle, view = ui.page("Reducing the impact of substance misuse on our community",
                       "Are drug offences and discarded needles rising, where are needles found, and what is being done? "
                       "Delivered through the Community Protection Team and Licensing.")
f = ui.figures(substance_misuse.drug_figures, view)
p = f.drugs.period
ui.section(f"Drug offences, {p.long_label}")
c = st.columns(3)
with c[0]:
    ui.value_metric(f.drugs)
with c[1]:
    if f.kent is not None and len(f.kent):
        total, before = f.kent["current"].sum(), f.kent["previous"].sum()
        ui.metric(bundle.mark("Drug offences, Kent", "indicators"), int(total), f"{m.format_pct(m.pct_change(total, before))} ({int(total - before):+,})")
with c[2]:
    ui.metric(bundle.mark("CSVG closed cases with substance misuse", "indicators"), ui.percent(f.csvg_share),
              help=p.label if f.csvg_share == f.csvg_share else
              f"{measures.NOT_LOADED}: no CSVG case mix for {p.label} (the indicators template)")
st.caption(f.drugs.measure.caveat)
years, kent_drawn = f.indexed_years, (f.indexed["area"] == "Kent").any()
ui.chart(ui.cached(charts.indexed_lines, f.indexed, base=years[0],
                   title=bundle.mark(f"Drug offences, Maidstone and Kent, indexed to {years[0]} = 100",
                                     *(("crimes", "indicators") if kent_drawn else ("crimes",)))),
         f.indexed, key="drugs_indexed", source="Kent Police recorded crime; Kent district figures",
         period=f"Calendar years {years[0]} to {years[-1]}",
         caveat=("Kent is the Kent Police area (12 districts and Medway). " if kent_drawn else
                  f"{measures.NOT_LOADED}: Kent's district figures (indicators): Maidstone only. ")
         + ("Maidstone is the whole borough." if not view.wards else "Maidstone is the selected wards."), view=view)

bulk = st.toggle("Include bulk incidents", value=True, key="needle_bulk", bind="query-params",
                 help="A bulk incident is a single find of bagged, unused needles, which can hold most of a year's "
                      "needles; exclude them to see the usual pattern.")
f = ui.figures(substance_misuse.needle_figures, view, include_bulk=bulk)
np_ = f.period
ui.section(f"Needle finds, {np_.long_label}")
k = st.columns(3)
with k[0]:
    ui.value_metric(f.needles, help="Needles, not finds: one find can hold many needles, so the test is a rough guide.")
with k[1]:
    ui.metric(bundle.mark("Previous period", "needle_finds"), f.previous_text)
with k[2]:
    ui.metric(bundle.mark("Bulk incidents", "needle_finds"), f.bulk_finds, help="single finds of bagged needles, flagged as outliers")
ui.monthly_chart(f.monthly, view, title=bundle.mark(f"Needles found by month ({'including' if bulk else 'excluding'} bulk incidents)",
                                                    "needle_finds"),
                 colour=COLOUR, highlight=(np_.start, np_.end), why=f.monthly_why,
                 extra_flags=f.monthly["bulk"] if bulk and f.monthly is not None and "bulk" in f.monthly else None,
                 key="needles_monthly", source="Maidstone Borough Council waste team needle log, including needle bins",
                 period=f"{bundle.first_month:%b %Y} to {bundle.last_month:%b %Y}",
                 caveat="Bulk incidents are flagged." if bulk else "Excluded: bulk incidents (finds of bagged, unused needles).")
if f.wards is not None:
    ui.ward_map_section(bundle, view, f.wards, key="needles", colour=COLOUR, points=f.points, sensitive=True,
                        no_comparison=f.wards_no_comparison,
                        caption=bundle.mark(f"Needles found by ward, {np_.label}", "needle_finds")
                        + "; dots are the find locations sized by needles.")
if not f.top:
    pass
elif ui.who().can_see_locations:
    for col, (label, top), when in zip(st.columns(2), f.top.items(), ("now", "before")):
        with col:
            st.markdown(f"**{bundle.mark(f'Top five locations, {label}', 'needle_finds')}**")
            ui.data_table(top, hide_index=True, width="stretch", key=f"needle_places_{when}", view=view,
                          period=label, sensitive_wards=True, ranked=5)
else:
    st.caption(":material/lock: Where needles were found (place names) is not shown to viewers; the map gives ward totals.")

ui.section("Action plan")
ui.actions_table(bundle, "substance_misuse")
