"""Domestic abuse: how much is recorded, where, of what kind, and the partnership's response."""

import streamlit as st

from smp_dash import charts, disclosure, measures, metrics as m, ui
from smp_dash.priorities import domestic_abuse

COLOUR = charts.PRIORITY_COLOURS["domestic_abuse"]
SOURCE = "Kent Police recorded crime, domestic-abuse flag"

bundle, view = ui.page("Reducing the harm caused by domestic abuse",
                       "How much domestic abuse is recorded, in which wards, of what kind, and how are partners responding? "
                       "Delivered through the Domestic Abuse Forum.")
f = ui.figures(domestic_abuse.figures, view)
p = f.headline.period
ui.section(f"Recorded domestic abuse, {p.long_label}")
c = st.columns(4)
with c[0]:
    ui.value_metric(f.headline, decimals=1)
for col, (label, share) in zip(c[1:], f.shares.items()):
    with col:
        ui.metric(bundle.mark(label, "crimes"), share, help="share of DA crimes" if label.startswith("Violence") else None)

ui.monthly_chart(f.trend, view, title=bundle.mark(f"Domestic abuse crimes by month, {view.area} ({p.label} shaded)", "crimes"),
                 colour=COLOUR,
                 highlight=(p.start, p.end), key="da_trend", source=SOURCE, caveat=measures.POLICE_CAVEAT, why=f.trend_why,
                 period=f"{bundle.first_month:%b %Y} to {bundle.last_month:%b %Y}")
title = bundle.mark(f"Domestic abuse by type, {p.label} against {p.previous().label}", "crimes")
if f.types is None:
    ui.not_shown(title, f.types_why)
else:
    ui.chart(ui.cached(charts.change_bars, f.types, category="da_class", current="current", previous="previous",
                       title=title, colour=COLOUR),
             disclosure.published(f.types), key="da_types", source=SOURCE, period=f"{p.label} and {p.previous().label}",
             view=view, caveat=m.SIGNIFICANCE_NOTE)

wp = f.ward_period
ui.section(f"Where: domestic abuse by ward, {wp.label}")
if f.wards is None:
    ui.not_shown("Domestic abuse by ward", f.wards_why)
else:
    ui.ward_map_section(bundle, view, f.wards, key="da", colour=COLOUR, sensitive=True,
                        no_comparison=f.wards_no_comparison,
                        caption=bundle.mark(f"Domestic abuse crimes by ward, {wp.label}"
                                            f"{'' if f.wards_no_comparison else f' against {wp.previous().label}'}.", "crimes"))
    ui.ward_top_table(f.wards, key="da_wards", view=view, period=bundle.mark(wp.label, "crimes"), n=10, sensitive=True)
    ui.funnel_chart(f.wards, key="da_funnel", colour=COLOUR, view=view, period=wp.label, sensitive=True,
                    population=bundle.population,
                    title=bundle.mark(f"Domestic abuse per 1,000 residents by ward against the borough rate, {wp.label}",
                                      "crimes", "population"))

mp, sp = f.marac_period, f.sanctuary_period
ui.section("MARAC and sanctuary")
st.caption("Borough-wide partner figures: the ward filter does not apply.")
k = st.columns(3)
with k[0]:
    ui.metric(bundle.mark(f"MARAC cases, {mp.label}", "indicators"), ui.number(f.marac["current"]),
              m.change_text(f.marac["current"], f.marac["previous"], mp.previous().label))
with k[1]:
    ui.metric(bundle.mark("Repeat cases", "indicators"), ui.number(f.repeats, of=f.marac["current"]))
with k[2]:
    ui.metric(bundle.mark("Children in these households", "indicators"), ui.number(f.children))
sanctuary = f.sanctuary
counted = lambda n: "" if n != n else f" ({ui.number(n)})"  # noqa: E731  a count the data lacks is left out, not "n/a"
title = bundle.mark(f"Sanctuary referrals by month: {sp.label}{counted(sanctuary['current'])} against "
                    f"{sp.previous().label}{counted(sanctuary['previous'])}", "indicators")
if sanctuary["months"].empty:
    ui.not_shown(title, f"{measures.NOT_LOADED}: no sanctuary referrals for {sp.label} (indicators)")
else:
    ui.chart(ui.cached(charts.period_overlay, sanctuary["months"], sanctuary["previous_months"], colour=COLOUR, title=title,
                       current_label=sp.label, previous_label=sp.previous().label),
             m.overlay_table(sanctuary["months"], sanctuary["previous_months"]), key="sanctuary", source="Community Protection Team sanctuary assessments",
             period=f"{sp.label} and {sp.previous().label}", view=view)

ui.section("Action plan")
ui.actions_table(bundle, "domestic_abuse")
