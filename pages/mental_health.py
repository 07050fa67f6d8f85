"""Mental health: section 136, referrals into adult services, the CSVG caseload, surveys and outreach."""

import streamlit as st

from smp_dash import charts, metrics as m, ui
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
    ui.metric(f"Section 136 uses, {p.label}", ui.number(f.s136), m.change_text(f.s136, f.s136_previous, p.previous().label))
with c[1]:
    ui.metric("CSVG cases with a mental health concern", ui.percent(m.indicator_value(bundle.indicators, "csvg_mental_health_share", "2020-01-01")))
with c[2]:
    ui.metric("Residents reporting a negative mental health impact", ui.percent(m.indicator_value(bundle.indicators, "mbc_survey_negative_mh_share", "2020-01-01")),
              help="MBC residents' survey 2020, 1,245 respondents")
ui.chart(ui.cached(charts.yearly_bars, f.s136_series, x="year", y="value", title="Section 136 (Mental Health Act) uses by year",
                   colour=COLOUR), f.s136_series, key="s136", source="Kent Police", view=view,
         period=f"{f.s136_series['year'].min()} to {f.s136_series['year'].max()}" if len(f.s136_series) else "",
         caveat="Years before 2019 are illustrative in the demonstration data.")
referrals = f.referrals
ui.chart(ui.cached(charts.change_bars, referrals, category="age_band", current="current", previous="previous", colour=COLOUR,
                            title=f"Mental health referrals by age band, {p.label} against {p.previous().label}"),
         referrals, key="mh_referrals", source="Kent and Medway NHS and Social Care Partnership Trust", view=view,
         period=f"{p.label} and {p.previous().label}")
mix = f.csvg
ui.chart(ui.cached(charts.bars, mix, x="concern", y="share", title="CSVG cases by concern, 2020 (% of cases)", colour=COLOUR, orientation="h"),
         mix, key="csvg", source="Community Safety Vulnerability Group", period="2020", view=view,
         caveat="A case can have more than one concern, so shares do not add to 100%.")
st.markdown("**Outreach:** since October 2020 three mental health professionals working with the homeless outreach team "
            f"have engaged {ui.number(m.indicator_value(bundle.indicators, 'outreach_mh_engaged', '2020-10-01'))} people, "
            f"{ui.number(m.indicator_value(bundle.indicators, 'outreach_mh_psychiatrist_plans', '2020-10-01'))} of them now on psychiatrist plans.")

ui.section("Action plan")
ui.actions_table(bundle, "mental_health")
