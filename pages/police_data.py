"""Police data: the six-year trend, Kent districts compared, change by crime type, hate crime, IOM."""

import streamlit as st

from smp_dash import charts, disclosure, metrics as m, ui
from smp_dash.figures import ASSESS_2020, CAL_2020

COLOUR = charts.PRIORITY_COLOURS["police_data"]
SOURCE = "Kent Police recorded crime"

bundle, view = ui.page("Police data",
                       "How has recorded crime changed over six years, how does Maidstone compare with the rest of Kent, which crime "
                       "types moved, and what does hate crime look like?")

crimes = m.in_wards(bundle.crimes, view.wards)
p = view.pick(CAL_2020)
total = m.compare(crimes, "month", p, weight="n").iloc[0]
c = st.columns(2)
with c[0]:
    ui.change_metric(f"Recorded crime, {p.label}", total["current"], total["previous"], p.previous().label)
kent = m.district_table(bundle.indicators, "recorded_crime_district", p.end.year) if p.kind == "calendar" else None
with c[1]:
    if kent is not None and len(kent):
        ui.metric(f"Kent, {p.label}", int(kent["current"].sum()), m.format_pct(m.pct_change(kent["current"].sum(), kent["previous"].sum())))
years = m.calendar_years(crimes, bundle.first_month, bundle.last_month)
ui.chart(ui.cached(charts.yearly_bars, years, x="label", y="value", title=f"Recorded crime by calendar year, {view.area}", colour=COLOUR),
         years, key="six_years", source=SOURCE, period=f"{years['label'].iloc[0]} to {years['label'].iloc[-1]}",
         caveat=ui.POLICE_CAVEAT, view=view)
types = m.compare(crimes, "month", p, by="offence_subgroup", weight="n")
types["label"] = m.change_labels(types)
ui.chart(ui.cached(charts.change_bars, types, category="offence_subgroup", current="current", previous="previous", colour=COLOUR,
                            title=f"Change by crime type, {p.label} against {p.previous().label}"),
         types, key="crime_types", source=SOURCE, period=f"{p.label} and {p.previous().label}", view=view,
         caveat=m.SIGNIFICANCE_NOTE)

if kent is not None and len(kent):
    ui.section(f"Kent districts, {p.label}")
    ui.district_map_section(bundle, kent, key="districts", colour=COLOUR,
                            caption=f"Police recorded crime by district, {p.label} against {p.previous().label}.")
    ui.chart(ui.cached(charts.bars, kent, x="lad_name", y="current", orientation="h", colour=COLOUR, highlight=["Maidstone"],
                         title=f"Police recorded crime by Kent district, {p.label}"),
             kent, key="district_bars", source="Kent Police recorded crime by district", period=p.label, view=view,
             caveat="Other districts' figures are illustrative in the demonstration data.")

hp = view.pick(ASSESS_2020)
ui.section(f"Hate crime, {hp.long_label}")
hate = crimes[crimes["hate_strand"].notna()]
hate_total = m.compare(hate, "month", hp, weight="n").iloc[0]
guarded = disclosure.guard(bundle.crimes[bundle.crimes["hate_strand"].notna()], view.wards, hp, on=view.suppress)
ui.change_metric("Hate crimes", hate_total["current"], hate_total["previous"], hp.previous().label, guarded=guarded)
strands = ui.protect_counts(m.share_table(hate, hp, "hate_strand"), "value", view, derived=("share",))
if guarded.series_hidden():
    st.info(f"Hate crime by strand: {guarded.series_hidden()}", icon=":material/visibility_off:")
else:
    ui.chart(ui.cached(charts.donut, strands, names="hate_strand", values="value", title=f"Hate crime by strand, {hp.label}"),
             disclosure.published(strands), key="hate_strands", source=SOURCE + " (hate crime flag)", period=hp.label,
             view=view, sensitive_wards=True,
             caveat="Gender and age prejudice: none recorded this period." if not strands["hate_strand"].isin(["Gender", "Age"]).any() else "")

ui.section("Integrated Offender Management")
iom = m.indicator_series(bundle.indicators, "iom_cohort_share", breakdown=True)
ui.metric("IOM cohort (Kent)", ui.number(m.indicator_value(bundle.indicators, "iom_cohort", "2021-03-31")),
          f"{m.indicator_value(bundle.indicators, 'iom_cohort_change', '2021-03-31'):+.0f} on a year earlier")
ui.chart(ui.cached(charts.bars, iom, x="breakdown", y="value", title="IOM cohort by police division (% of Kent cohort)", colour=COLOUR),
         iom, key="iom", source="Kent IOM", period="as at the assessment", view=view,
         caveat="Around 70 of the Kent cohort are in the Maidstone area.")
