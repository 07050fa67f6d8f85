"""Police data: the six-year trend, Kent districts compared, change by crime type, hate crime, IOM."""

import streamlit as st

from smp_dash import charts, disclosure, measures, metrics as m, ui
from smp_dash.priorities import police_data

COLOUR = charts.PRIORITY_COLOURS["police_data"]
SOURCE = "Kent Police recorded crime"

bundle, view = ui.page("Police data",
                       "How has recorded crime changed over six years, how does Maidstone compare with the rest of Kent, which crime "
                       "types moved, and what does hate crime look like?")

f = ui.figures(police_data.figures, view)
p, kent = f.crime.period, f.kent
c = st.columns(2)
with c[0]:
    ui.value_metric(f.crime, help=f"Recorded crime, {p.long_label}.")
with c[1]:
    if kent is not None:
        ui.metric(bundle.mark(f"Kent, {p.label}", "indicators"), int(kent["current"].sum()), m.format_pct(m.pct_change(kent["current"].sum(), kent["previous"].sum())))
if f.years is None:
    ui.not_shown("Recorded crime by calendar year", f.crime.missing)
else:
    ui.chart(ui.cached(charts.yearly_bars, f.years, x="label", y="value", colour=COLOUR,
                       title=bundle.mark(f"Recorded crime by calendar year, {view.area}", "crimes")),
             f.years, key="six_years", source=SOURCE, period=f"{f.years['label'].iloc[0]} to {f.years['label'].iloc[-1]}",
             caveat=measures.POLICE_CAVEAT, view=view)
    ui.chart(ui.cached(charts.change_bars, f.types, category="offence_subgroup", current="current", previous="previous", colour=COLOUR,
                       title=bundle.mark(f"Change by crime type, {p.label} against {p.previous().label}", "crimes")),
             f.types, key="crime_types", source=SOURCE, period=f"{p.label} and {p.previous().label}", view=view,
             caveat="Home Office subgroups where the data has them; police.uk's categories otherwise. " + m.SIGNIFICANCE_NOTE)

if kent is not None:
    ui.section(f"Kent districts, {p.label}")
    ui.district_map_section(bundle, kent, key="districts", colour=COLOUR,
                            caption=bundle.mark(f"Police recorded crime by district, {p.label} against {p.previous().label}.",
                                                "indicators"))
    ui.chart(ui.cached(charts.bars, kent, x="lad_name", y="current", orientation="h", colour=COLOUR, highlight=["Maidstone"],
                       title=bundle.mark(f"Police recorded crime by Kent district, {p.label}", "indicators")),
             kent, key="district_bars", source="Kent Police recorded crime by district", period=p.label, view=view,
             caveat=f.kent_caveat)

hp = f.hate.period
ui.section(f"Hate crime, {hp.long_label}")
ui.value_metric(f.hate)
if f.strands is None:
    ui.not_shown("Hate crime by strand", f.strands_why)
else:
    ui.chart(ui.cached(charts.donut, f.strands, names="hate_strand", values="value",
                       title=bundle.mark(f"Hate crime by strand, {hp.label}", "crimes")),
             disclosure.published(f.strands), key="hate_strands", source=SOURCE + " (hate crime flag)", period=hp.label,
             view=view, sensitive_wards=True,
             caveat="Gender and age prejudice: none recorded this period." if not f.strands["hate_strand"].isin(["Gender", "Age"]).any() else "")

ui.section("Integrated Offender Management")
iom = police_data.iom(bundle.indicators)
ui.metric(bundle.mark("IOM cohort (Kent)", "indicators"), ui.number(iom.cohort),
          None if iom.change != iom.change else f"{iom.change:+.0f} on a year earlier",
          help=iom.why or f"As at {iom.as_at}.")
ui.chart(ui.cached(charts.bars, iom.shares, x="breakdown", y="value", colour=COLOUR,
                   title=bundle.mark("IOM cohort by police division (% of Kent cohort)", "indicators")),
         iom.shares, key="iom", source="Kent IOM", period=f"as at {iom.as_at}" if iom.as_at else "", view=view,
         caveat=iom.note, missing=iom.why)
