"""Children and young people: youth offending, young offenders by age, youth-related ASB."""

import streamlit as st

from smp_dash import charts, measures, metrics as m, ui
from smp_dash.priorities import children_young_people

COLOUR = charts.PRIORITY_COLOURS["children_young_people"]
SOURCE = "Kent Youth Justice"

bundle, view = ui.page("Keeping children and young people safe",
                       "Is youth offending falling, who offends, and where do young people gather? "
                       "Delivered through the District Contextual Safeguarding Meeting.")

f = ui.figures(children_young_people.figures, view)
yp, youth = f.youth_period, f.youth
if f.youth_note:
    st.info(f.youth_note)
ui.section(f"Youth justice, {yp.long_label}")
st.caption("Borough-wide figures: the ward filter does not apply.")
c = st.columns(3)
with c[0]:
    ui.metric(measures.marked("Youth offences", f.demo), ui.number(youth["offences"]),
              m.change_text(youth["offences"], youth["offences_previous"], yp.previous().label))
with c[1]:
    ui.metric(measures.marked("Young people offending", f.demo), ui.number(youth["offenders"]),
              m.change_text(youth["offenders"], youth["offenders_previous"]))
with c[2]:
    ui.metric(measures.marked("Youth population convicted", f.demo), ui.percent(f.convicted_share))
ui.chart(ui.cached(charts.yearly_bars, youth["series"], x="label", y="value", colour=COLOUR,
                   title=measures.marked("Youth offences by financial year", f.demo)),
         youth["series"][["label", "value", "source"]], key="youth_offences", source=SOURCE, period=f.youth_years,
         view=view, caveat=measures.illustrative(youth["series"], "label"))
ui.chart(ui.cached(charts.stacked_share, youth["bands"], x="label", y="value", series="breakdown",
                   title=measures.marked("Young offenders by age band", f.demo)),
         youth["bands"][["label", "breakdown", "value", "source"]], key="youth_ages", source=SOURCE, period=f.band_years,
         view=view, caveat=measures.illustrative(youth["bands"], "label"))

ap = f.gathering_period
ui.section("Youth-related ASB reported to the council")
ui.monthly_chart(f.gathering, view, title=bundle.mark(f"Complaints about young people gathering, by month, {view.area} "
                                                     f"({ap.label} shaded)", "service_requests"),
                 colour=COLOUR, highlight=(ap.start, ap.end), key="youth_asb", source="Community Protection Team service requests",
                 period=f"{bundle.first_month:%b %Y} to {bundle.last_month:%b %Y}", why=f.gathering_why,
                 caveat="A complaint about young people gathering is not evidence of a gang; see the assessment's definitions.")

ui.section("Action plan")
ui.actions_table(bundle, "children_young_people")
