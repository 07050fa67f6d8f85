"""Mental health: section 136, referrals into adult services, the CSVG caseload, surveys and outreach."""

import streamlit as st

from smp_dash import charts, measures, metrics as m, ui
from smp_dash.priorities import mental_health

COLOUR = charts.PRIORITY_COLOURS["mental_health"]

bundle, view = ui.page("Safeguarding people whose mental health makes them vulnerable",
                       "Is the use of section 136 falling, how is demand on mental health services moving, and how often is mental "
                       "health behind the partnership's most complex cases?")
st.caption("Borough-wide health and partnership figures: the ward filter does not apply on this page.")

f = ui.figures(mental_health.figures, view)
p = f.period
if f.note:
    st.info(f.note)
c = st.columns(3)
with c[0]:
    ui.metric(measures.marked(f"Section 136 uses, {p.label}", f.demo), ui.number(f.s136),
              m.change_text(f.s136, f.s136_previous, p.previous().label))
with c[1]:
    ui.metric(measures.marked("CSVG cases with a mental health concern", f.demo),
              ui.percent(f.csvg.set_index("concern")["share"].get("Mental health")), help=f.csvg_why or p.label)
with c[2]:
    ui.metric(measures.marked("Residents reporting a negative mental health impact", f.demo), ui.percent(f.survey_share),
              help=f.survey_about)
ui.chart(ui.cached(charts.yearly_bars, f.s136_series, x="year", y="value", colour=COLOUR,
                   title=measures.marked("Section 136 (Mental Health Act) uses by year", f.demo)),
         f.s136_series, key="s136", source="Kent Police", view=view,
         period=f"{f.s136_series['year'].min()} to {f.s136_series['year'].max()}" if len(f.s136_series) else "",
         caveat=f.s136_caveat)
referrals = f.referrals
ui.chart(ui.cached(charts.change_bars, referrals, category="age_band", current="current", previous="previous", colour=COLOUR,
                   title=measures.marked(f"Mental health referrals by age band, {p.label} against {p.previous().label}",
                                         f.demo)),
         referrals, key="mh_referrals", source="Kent and Medway NHS and Social Care Partnership Trust", view=view,
         period=f"{p.label} and {p.previous().label}")
mix = f.csvg
ui.chart(ui.cached(charts.bars, mix, x="concern", y="share", colour=COLOUR, orientation="h",
                   title=measures.marked(f"CSVG cases by concern, {p.label} (% of cases)", f.demo)),
         mix, key="csvg", source="Community Safety Vulnerability Group", period=p.label, view=view, missing=f.csvg_why,
         caveat="A case can have more than one concern, so shares do not add to 100%.")
if f.outreach:
    st.markdown(f"**Outreach:** {f.outreach}")
else:
    st.caption(f.outreach_why)

ui.section("Action plan")
ui.actions_table(bundle, "mental_health")
