"""Domestic abuse: how much is recorded, where, of what kind, and the partnership's response."""

import streamlit as st

from smp_dash import charts, config, disclosure, metrics as m, ui
from smp_dash.figures import ASSESS_2020, CAL_2020, FY_2020, FY_TO_DATE_2020

COLOUR = charts.PRIORITY_COLOURS["domestic_abuse"]
SOURCE = "Kent Police recorded crime, domestic-abuse flag"

bundle, view = ui.page("Reducing the harm caused by domestic abuse",
                       "How much domestic abuse is recorded, in which wards, of what kind, and how are partners responding? "
                       "Delivered through the Domestic Abuse Forum.")

crimes = m.in_wards(bundle.crimes, view.wards)
da = crimes[crimes["domestic_abuse"]]
p = view.pick(CAL_2020)
head = m.da_headline(crimes, p)
guarded = disclosure.guard(bundle.crimes[bundle.crimes["domestic_abuse"]], view.wards, p, on=view.suppress)
types = m.compare(da.assign(da_class=m.da_class(da)), "month", p, by="da_class", weight="n")
types["label"] = m.change_labels(types, decimals=1)
if guarded.selection:   # a small type, or one that would reveal it, is hidden in the chart and its data
    types = disclosure.protect_breakdown(types)
vap_hidden = disclosure.any_hidden(types[types["da_class"] == "Violence against the person"])
ui.section(f"Recorded domestic abuse, {p.long_label}")
c = st.columns(4)
with c[0]:
    ui.change_metric("DA crimes", head["current"], head["previous"], p.previous().label, decimals=1, guarded=guarded)
with c[1]:  # a share of a shown total gives a hidden count back
    ui.metric("Share of all crime", disclosure.HIDDEN if guarded.hidden else m.format_pct(head["share_of_crime"], signed=False))
with c[2]:
    ui.metric("Share of violent crime", disclosure.HIDDEN if guarded.hidden else m.format_pct(head["share_of_violent"], signed=False))
with c[3]:
    ui.metric("Violence against the person", disclosure.HIDDEN if guarded.hidden or vap_hidden
              else m.format_pct(head["vap_share"], signed=False), help="share of DA crimes")

trend = m.monthly(da, bundle.first_month, bundle.last_month)
ui.monthly_chart(trend, view, title=f"Domestic abuse crimes by month, {view.area} ({p.label} shaded)", colour=COLOUR,
                highlight=(p.start, p.end), key="da_trend", source=SOURCE, caveat=ui.POLICE_CAVEAT, guarded=guarded,
                period=f"{bundle.first_month:%b %Y} to {bundle.last_month:%b %Y}")
if guarded.series_hidden():
    st.info(f"Domestic abuse by type: {guarded.series_hidden()}", icon=":material/visibility_off:")
else:
    ui.chart(ui.cached(charts.change_bars, types, category="da_class", current="current", previous="previous",
                       title=f"Domestic abuse by type, {p.label} against {p.previous().label}", colour=COLOUR),
             disclosure.published(types), key="da_types", source=SOURCE,
             period=f"{p.label} and {p.previous().label}", view=view, caveat=m.SIGNIFICANCE_NOTE)

wp = view.pick(FY_TO_DATE_2020)
ui.section(f"Where: domestic abuse by ward, {wp.label}")
table = ui.cached(m.ward_table, bundle.crimes[bundle.crimes["domestic_abuse"]], wp, bundle.wards, bundle.population,
                     rural=config.RURAL_WARDS)
ui.ward_map_section(bundle, view, table, key="da", colour=COLOUR, sensitive=True,
                    caption=f"Domestic abuse crimes by ward, {wp.label} against {wp.previous().label}.")
ui.ward_top_table(table, key="da_wards", view=view, period=wp.label, n=10, sensitive=True)
ui.funnel_chart(table, key="da_funnel", colour=COLOUR, view=view, period=wp.label, sensitive=True,
                title=f"Domestic abuse per 1,000 residents by ward against the borough rate, {wp.label}")

mp, sp = view.pick(ASSESS_2020), view.pick(FY_2020)
ui.section("MARAC and sanctuary")
st.caption("Borough-wide partner figures: the ward filter does not apply.")
marac = m.indicator_window(bundle.indicators, "marac_cases_monthly", mp)
repeats = m.indicator_value(bundle.indicators, "marac_repeat_cases", f"{mp.start:%Y-%m-%d}")
children = m.indicator_value(bundle.indicators, "marac_children", f"{mp.start:%Y-%m-%d}")
k = st.columns(3)
with k[0]:
    ui.metric(f"MARAC cases, {mp.label}", ui.number(marac["current"]),
              m.change_text(marac["current"], marac["previous"], mp.previous().label))
with k[1]:
    ui.metric("Repeat cases", ui.number(repeats, of=marac["current"]))
with k[2]:
    ui.metric("Children in these households", ui.number(children))
sanctuary = m.indicator_window(bundle.indicators, "sanctuary_referrals_monthly", sp)
ui.chart(ui.cached(charts.period_overlay, sanctuary["months"], sanctuary["previous_months"], colour=COLOUR,
                               title=f"Sanctuary referrals by month: {sp.label} ({sanctuary['current']:.0f}) against "
                               f"{sp.previous().label} ({sanctuary['previous']:.0f})",
                               current_label=sp.label, previous_label=sp.previous().label),
         sanctuary["months"], key="sanctuary", source="Community Protection Team sanctuary assessments",
         period=f"{sp.label} and {sp.previous().label}", view=view)

ui.section("Action plan")
ui.actions_table(bundle, "domestic_abuse")
