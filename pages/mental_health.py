"""Mental health: section 136, referrals into adult services, the CSVG caseload, surveys and outreach."""

import streamlit as st

from smp_dash import charts, metrics as m, ui
from smp_dash.periods import CAL_2020

COLOUR = charts.PRIORITY_COLOURS["mental_health"]

bundle, view = ui.page("Safeguarding people whose mental health makes them vulnerable",
                       "Is the use of section 136 falling, how is demand on mental health services moving, and how often is mental "
                       "health behind the partnership's most complex cases?")
st.caption("Borough-wide health and partnership figures: the ward filter does not apply on this page.")

p = view.pick(CAL_2020)
now = m.indicator_value(bundle.indicators, "section_136_uses", f"{p.start:%Y-%m-%d}")
if p.kind != "calendar" or now != now:
    st.info(f"These figures are published by calendar year, to {CAL_2020.label}; showing {CAL_2020.label}.")
    p = CAL_2020
    now = m.indicator_value(bundle.indicators, "section_136_uses", f"{p.start:%Y-%m-%d}")
s136 = m.indicator_series(bundle.indicators, "section_136_uses").assign(year=lambda f: f["period_start"].dt.year.astype(str))
before = m.indicator_value(bundle.indicators, "section_136_uses", f"{p.previous().start:%Y-%m-%d}")
c = st.columns(3)
with c[0]:
    ui.metric(f"Section 136 uses, {p.label}", ui.number(now), m.change_text(now, before, p.previous().label))
with c[1]:
    ui.metric("CSVG cases with a mental health concern", ui.number(m.indicator_value(bundle.indicators, "csvg_mental_health_share", "2020-01-01")) + "%")
with c[2]:
    ui.metric("Residents reporting a negative mental health impact", ui.number(m.indicator_value(bundle.indicators, "mbc_survey_negative_mh_share", "2020-01-01")) + "%",
              help="MBC residents' survey 2020, 1,245 respondents")
ui.chart(ui.cached(charts.yearly_bars, s136, x="year", y="value", title="Section 136 (Mental Health Act) uses by year", colour=COLOUR),
         s136[["year", "value", "source"]], key="s136", source="Kent Police", period="2015 to 2020", view=view,
         caveat="Years before 2019 are illustrative in the demonstration data.")
referrals = m.referral_table(bundle.indicators, p)
ui.chart(ui.cached(charts.change_bars, referrals, category="age_band", current="current", previous="previous", colour=COLOUR,
                            title=f"Mental health referrals by age band, {p.label} against {p.previous().label}"),
         referrals, key="mh_referrals", source="Kent and Medway NHS and Social Care Partnership Trust", view=view,
         period=f"{p.label} and {p.previous().label}")
mix = m.csvg_mix(bundle.indicators)
ui.chart(ui.cached(charts.bars, mix, x="concern", y="share", title="CSVG cases by concern, 2020 (% of cases)", colour=COLOUR, orientation="h"),
         mix, key="csvg", source="Community Safety Vulnerability Group", period="2020", view=view,
         caveat="A case can have more than one concern, so shares do not add to 100%.")
st.markdown("**Outreach:** since October 2020 three mental health professionals working with the homeless outreach team "
            f"have engaged {ui.number(m.indicator_value(bundle.indicators, 'outreach_mh_engaged', '2020-10-01'))} people, "
            f"{ui.number(m.indicator_value(bundle.indicators, 'outreach_mh_psychiatrist_plans', '2020-10-01'))} of them now on psychiatrist plans.")

ui.section("Action plan")
ui.actions_table(bundle, "mental_health")
