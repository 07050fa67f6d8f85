"""ASB and community protection: police ASB, council service requests, enforcement, encampments."""

import streamlit as st

from smp_dash import charts, measures, ui
from smp_dash.metrics import SIGNIFICANCE_NOTE
from smp_dash.priorities import community_protection

COLOUR = charts.PRIORITY_COLOURS["asb_community_protection"]
REQUESTS = "Community Protection Team service requests"

bundle, view = ui.page("ASB and community protection",
                       "How did anti-social behaviour and nuisance complaints move through the lockdowns, where is ASB "
                       "concentrated, and how are warnings, notices and penalties used?")
f = ui.figures(community_protection.figures, view)
p = f.police.period
c = st.columns(2)
with c[0]:
    ui.value_metric(f.police)
with c[1]:
    ui.value_metric(f.council)
for name, frame, value, source in (("Police-recorded ASB", f.asb, f.police, "police.uk anti-social behaviour"),
                                   ("Council ASB complaints", f.council_asb, f.council, REQUESTS)):
    title = measures.marked(f"{name} by month: {value.period.label} against {value.period.previous().label} ({view.area})",
                            value.demo)
    if frame is None:
        ui.not_shown(title, value.missing)
    else:
        ui.overlay_chart(frame, value.period, view, key=f"overlay_{name[:6]}", colour=COLOUR, source=source,
                         cover=bundle.coverage[value.measure.dataset], title=title)
if f.categories is not None:
    cp = f.council.period
    ui.chart(ui.cached(charts.change_bars, f.categories, category="category", current="current", previous="previous", colour=COLOUR,
                       title=bundle.mark(f"Service requests by category, {cp.label} against {cp.previous().label}",
                                         "service_requests")),
             f.categories, key="categories", source=REQUESTS, period=f"{cp.label} and {cp.previous().label}", view=view,
             caveat=SIGNIFICANCE_NOTE)
    # Council ASB complaints have their own chart above: the box offers the other categories.
    drawn = set(f.council_asb["category"]) if f.council_asb is not None else set()
    others = sorted(set(f.categories["category"]) - drawn)
    if others:
        category = st.selectbox("Category by month", others, key="cp_category", bind="query-params")
        ui.overlay_chart(f.requests[f.requests["category"] == category], cp, view, key="category_month", colour=COLOUR,
                         source=REQUESTS, cover=bundle.coverage[f.council.measure.dataset],
                         title=bundle.mark(f"{category} requests by month: {cp.label} against {cp.previous().label}",
                                           "service_requests"))

ui.section(f"Where: police-recorded ASB by ward, {p.label}")
if f.wards is None:
    ui.not_shown("ASB by ward", f.police.missing)
else:
    ui.ward_map_section(bundle, view, f.wards, key="asb", colour=COLOUR, no_comparison=f.wards_no_comparison,
                        caption=f"ASB incidents by ward, {p.label}"
                                f"{'' if f.wards_no_comparison else f' against {p.previous().label}'}.")
    ui.funnel_chart(f.wards, key="asb_funnel", colour=COLOUR, view=view, period=p.label, population=bundle.population,
                    title=bundle.mark(f"ASB incidents per 1,000 residents by ward against the borough rate, {p.label}",
                                      "population"))

ui.section(f"Warnings, notices and penalties, {f.year}")
if f.enforcement_why:
    ui.not_shown("Warnings, notices and penalties", f.enforcement_why)
else:
    issued = f.enforcement
    cpw = issued[issued["action"] == "CPW"]
    st.markdown(bundle.mark(f"{cpw['with_police'].sum()} of {cpw['issued'].sum()} Community Protection Warnings were issued "
                            f"with Kent Police; {issued.loc[issued['action'] == 'FPN', 'issued'].sum()} Fixed Penalty Notices "
                            "followed breaches.", "enforcement"))
    rows = issued[issued["action"].isin(["CPW", "CPN"])].replace({"action": {"CPW": "Warnings (CPW)", "CPN": "Notices (CPN)"}})
    ui.chart(ui.cached(charts.bars, rows, x="category", y="issued", series="action", orientation="h", colour=COLOUR,
                       title=bundle.mark(f"Community Protection Warnings and Notices by category, {f.year}", "enforcement")),
             rows, key="enforcement", source="Community Protection Team", period=str(f.year), view=view, caveat="Borough-wide.")
st.markdown(f"**{bundle.mark('Unauthorised encampments', 'encampments')}**")
if f.encampments_why:
    st.caption(f.encampments_why)
else:
    ui.data_table(f.encampments, hide_index=True, width="stretch", ranked=5,
                  column_config={"average_days": st.column_config.NumberColumn("average days in situ", format="%.1f")})
if f.trigger:
    st.markdown(f"**Community trigger:** {bundle.mark(f.trigger, 'indicators')}")
else:
    st.caption(f.trigger_why)
ui.footnote("Community Protection Team", "calendar years", "Enforcement and encampment figures are borough-wide.")
