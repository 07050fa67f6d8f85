"""ASB and community protection: police ASB, council service requests, enforcement, encampments."""

import streamlit as st

from smp_dash import charts, metrics as m, ui
from smp_dash.figures import ASSESS_2020, CAL_2020

COLOUR = charts.PRIORITY_COLOURS["asb_community_protection"]
REQUESTS = "Community Protection Team service requests"

bundle, view = ui.page("ASB and community protection",
                       "How did anti-social behaviour and nuisance complaints move through the lockdowns, where is ASB "
                       "concentrated, and how are warnings, notices and penalties used?")

p = view.pick(ASSESS_2020)
asb = m.in_wards(bundle.asb, view.wards)
requests = m.in_wards(bundle.requests, view.wards)
police = m.compare_excluding(asb, p, view.exclude_outliers)
council = m.compare_excluding(requests[requests["category"] == "ASB"], p, view.exclude_outliers)
if police["excluded"] or council["excluded"]:
    st.caption(f"Outlier months replaced by the median of the months before them: {', '.join(dict.fromkeys(police['excluded'] + council['excluded']))}.")
c = st.columns(2)
with c[0]:
    ui.change_metric(f"Police-recorded ASB, {p.label}", police["current"], police["previous"], p.previous().label)
with c[1]:
    ui.change_metric(f"ASB complaints to the council, {p.label}", council["current"], council["previous"], p.previous().label)
for name, frame, source in (("Police-recorded ASB", asb, "police.uk anti-social behaviour"),
                            ("Council ASB complaints", requests[requests["category"] == "ASB"], REQUESTS)):
    ui.overlay_chart(frame, p, view, key=f"overlay_{name[:6]}", colour=COLOUR, source=source, first=bundle.first_month,
                     title=f"{name} by month: {p.label} against {p.previous().label} ({view.area})")
by_category = m.compare(requests, "month", p, by="category", weight="n")
by_category["label"] = m.change_labels(by_category)
ui.chart(ui.cached(charts.change_bars, by_category, category="category", current="current", previous="previous", colour=COLOUR,
                            title=f"Service requests by category, {p.label} against {p.previous().label}"),
         by_category, key="categories", source=REQUESTS, period=f"{p.label} and {p.previous().label}", view=view)
category = st.selectbox("Category by month", sorted(by_category["category"]), key="cp_category", bind="query-params")
ui.overlay_chart(requests[requests["category"] == category], p, view, key="category_month", colour=COLOUR, source=REQUESTS,
                 first=bundle.first_month, title=f"{category} requests by month: {p.label} against {p.previous().label}")

ui.section(f"Where: police-recorded ASB by ward, {p.label}")
table = ui.cached(m.ward_table, bundle.asb, p, bundle.wards, bundle.population)
ui.ward_map_section(bundle, view, table, key="asb", colour=COLOUR, caption=f"ASB incidents by ward, {p.label} against {p.previous().label}.")
ui.funnel_chart(table, key="asb_funnel", colour=COLOUR, view=view, period=p.label,
                title=f"ASB incidents per 1,000 residents by ward against the borough rate, {p.label}")

year = view.pick(CAL_2020).end.year
ui.section(f"Warnings, notices and penalties, {year}")
issued = ui.cached(m.enforcement_table, bundle.enforcement, year)
cpw = issued[issued["action"] == "CPW"]
st.markdown(f"{cpw['with_police'].sum()} of {cpw['issued'].sum()} Community Protection Warnings were issued with Kent Police; "
            f"{issued.loc[issued['action'] == 'FPN', 'issued'].sum()} Fixed Penalty Notices followed breaches.")
rows = issued[issued["action"].isin(["CPW", "CPN"])].replace({"action": {"CPW": "Warnings (CPW)", "CPN": "Notices (CPN)"}})
ui.chart(ui.cached(charts.bars, rows, x="category", y="issued", series="action", orientation="h", colour=COLOUR,
                   title=f"Community Protection Warnings and Notices by category, {year}"),
         rows, key="enforcement", source="Community Protection Team", period=str(year), view=view, caveat="Borough-wide.")
st.markdown("**Unauthorised encampments**")
ui.data_table(ui.cached(m.encampment_summary, bundle.encampments), hide_index=True, width="stretch",
             column_config={"average_days": st.column_config.NumberColumn("average days in situ", format="%.1f")})
triggers = m.indicator_value(bundle.indicators, "community_triggers", "2020-01-01")
st.markdown(f"**Community trigger:** {ui.number(triggers)} case review instigated in 2020.")
ui.footnote("Community Protection Team", "calendar years", "Enforcement and encampment figures are borough-wide.")
