"""Substance misuse: drug offences against Kent, and needle finds with or without bulk incidents."""

import streamlit as st

from smp_dash import charts, disclosure, metrics as m, ui
from smp_dash.figures import ASSESS_2020, CAL_2020

COLOUR = charts.PRIORITY_COLOURS["substance_misuse"]

bundle, view = ui.page("Reducing the impact of substance misuse on our community",
                       "Are drug offences and discarded needles rising, where are needles found, and what is being done? "
                       "Delivered through the Community Protection Team and Licensing.")

crimes = m.in_wards(bundle.crimes, view.wards)
drugs = crimes[crimes["crime_type"] == "Drugs"]
p = view.pick(CAL_2020)
row = m.compare(drugs, "month", p, weight="n").iloc[0]
ui.section(f"Drug offences, {p.long_label}")
c = st.columns(3)
with c[0]:
    ui.change_metric("Drug offences", row["current"], row["previous"], p.previous().label)
with c[1]:
    kent = m.district_table(bundle.indicators, "drug_offences_district", p.end.year) if p.kind == "calendar" else None
    if kent is not None and len(kent):
        total, before = kent["current"].sum(), kent["previous"].sum()
        ui.metric("Drug offences, Kent", int(total), f"{m.format_pct(m.pct_change(total, before))} ({int(total - before):+,})")
with c[2]:
    ui.metric("CSVG closed cases with substance misuse", ui.number(m.indicator_value(bundle.indicators, "csvg_substance_misuse_share", "2020-01-01")) + "%")
st.caption("Drug offences are mostly found by proactive policing (stop and search, warrants): a rise can mean more enforcement.")
series = m.maidstone_vs_kent(drugs if view.wards else bundle.crimes, bundle.indicators, "drug_offences_district", "Drugs", range(2015, 2021))
ui.chart(ui.cached(charts.indexed_lines, series, base=2015, title="Drug offences, Maidstone and Kent, indexed to 2015 = 100"),
         series, key="drugs_indexed", source="Kent Police recorded crime; Kent district figures", period="Calendar years 2015 to 2020",
         caveat="Kent is the Kent Police area (12 districts and Medway). " + ("Maidstone is the whole borough." if not view.wards else
                 "Maidstone is the selected wards."), view=view)

np_ = view.pick(ASSESS_2020)
ui.section(f"Needle finds, {np_.long_label}")
bulk = st.toggle("Include bulk incidents", value=True, key="needle_bulk", bind="query-params",
                 help="Two finds of bagged, unused needles held 1,500 of 2020's needles; exclude them to see the usual pattern.")
needles = m.in_wards(bundle.needles, view.wards)
change = m.needle_change(needles, np_, include_bulk=bulk).iloc[0]
guarded = disclosure.guard(m.without_bulk(bundle.needles, bulk), view.wards, np_, on=view.suppress, date="found",
                           weight="needles")
bulk_finds = int(m.in_period(needles, "found", np_)["bulk_incident"].sum())
k = st.columns(3)
with k[0]:
    ui.change_metric("Needles found", change["current"], change["previous"], np_.previous().label, guarded=guarded,
                     help="Needles, not finds: one find can hold many needles, so the test is a rough guide.")
with k[1]:
    ui.metric("Previous period", guarded.text(previous=True))
with k[2]:
    ui.metric("Bulk incidents", disclosure.small_count(bulk_finds, view.suppress and bool(view.wards)) or bulk_finds,
              help="single finds of bagged needles, flagged as outliers")
monthly = m.needle_monthly(needles, bundle.first_month, bundle.last_month, include_bulk=bulk)
ui.monthly_chart(monthly, view, title=f"Needles found by month ({'including' if bulk else 'excluding'} bulk incidents)",
                colour=COLOUR, highlight=(np_.start, np_.end), extra_flags=monthly["bulk"] if bulk else None, guarded=guarded,
                key="needles_monthly", source="Maidstone Borough Council waste team needle log, including needle bins",
                period=f"{bundle.first_month:%b %Y} to {bundle.last_month:%b %Y}",
                caveat="Bulk incidents are flagged." if bulk else "Excluded: bulk incidents (finds of bagged, unused needles).")
table = ui.cached(m.ward_table, m.without_bulk(bundle.needles, bulk), np_, bundle.wards, bundle.population, date="found", weight="needles")
points = m.needle_points(m.in_wards(bundle.needles, view.wards), np_, include_bulk=bulk)
ui.ward_map_section(bundle, view, table, key="needles", colour=COLOUR, points=points, sensitive=True,
                    caption=f"Needles found by ward, {np_.label}; dots are the find locations sized by needles.")
if ui.who().can_see_locations:
    left, right = st.columns(2)
    for col, period, when in ((left, np_, "now"), (right, np_.previous(), "before")):
        with col:
            st.markdown(f"**Top five locations, {period.label}**")
            top = ui.shown_counts(m.top_locations(needles, period, include_bulk=bulk), "needles", view)
            ui.data_table(top, hide_index=True, width="stretch", key=f"needle_places_{when}", view=view,
                          period=period.label, sensitive_wards=True)
else:
    st.caption(":material/lock: Where needles were found (place names) is not shown to viewers; the map gives ward totals.")

ui.section("Action plan")
ui.actions_table(bundle, "substance_misuse")
