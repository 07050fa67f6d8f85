"""Mental health: section 136 by calendar year, referrals by age band, the CSVG case mix, the residents'
survey and the outreach team's work (borough-wide), each for the page's year and said from the data."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from smp_dash import measures, metrics
from smp_dash.periods import CAL_2020, Period, period
from smp_dash.selection import Filter

#: Where the partnership's figures come from: what to load when one is missing.
INDICATORS = "the indicators template"


@dataclass(frozen=True)
class MentalHealth:
    period: Period
    note: str                        # said when the view's year has no figures, or none are loaded
    s136: float
    s136_previous: float
    s136_series: pd.DataFrame        # year, value, source
    s136_caveat: str                 # which years are illustrative ("" when none is)
    referrals: pd.DataFrame          # age_band, current, previous, pct_change
    csvg: pd.DataFrame               # concern, share (NaN where not loaded) for ``period``
    csvg_why: str                    # why the case mix is not shown ("" when it is)
    survey_share: float              # residents reporting a negative mental health impact (%), NaN when not loaded
    survey_about: str                # the survey's year and respondents, or why there is none
    outreach: str                    # the outreach team's sentence ("" when its figures are not loaded)
    outreach_why: str                # why it is left out ("" when it is said)
    demo: bool                       # demonstration figures beside real data (``Bundle.demonstration``)


def figures(bundle, view: Filter) -> MentalHealth:
    """The mental health page's figures: the view's calendar year, or the latest the figures reach."""
    indicators = bundle.indicators
    series = metrics.indicator_series(indicators, "section_136_uses")
    series = series.assign(year=series["period_start"].dt.year.astype(str))
    value = lambda q: metrics.indicator_value(indicators, "section_136_uses", f"{q.start:%Y-%m-%d}")  # noqa: E731
    p, note = view.pick(CAL_2020, "indicators"), ""
    if series.empty:
        note = f"{measures.NOT_LOADED}: no section 136, referral or CSVG figures ({INDICATORS})."
    elif p.kind != "calendar" or value(p) != value(p):
        latest = period("calendar", int(series["period_start"].max().year))
        note = (f"Section 136 and referral figures are published by calendar year; the data in use holds them to "
                f"{latest.label}, so {latest.label} is shown.")
        p = latest
    csvg = metrics.csvg_mix(indicators, p)
    survey_share, survey_about = _survey(indicators, p)
    outreach = outreach_sentence(indicators, p)
    return MentalHealth(
        p, note, value(p), value(p.previous()), series[["year", "value", "source"]],
        measures.illustrative(series, "year"), metrics.referral_table(indicators, p), csvg,
        "" if csvg["share"].notna().any() else f"{measures.NOT_LOADED}: no CSVG case mix for {p.label} ({INDICATORS})",
        survey_share, survey_about, outreach,
        "" if outreach else f"Outreach mental health work, {p.label}: {measures.NOT_LOADED} ({INDICATORS}).",
        bundle.demonstration("indicators"))


def outreach_sentence(indicators: pd.DataFrame, p: Period) -> str:
    """What the outreach team's mental health professionals did, from the figures whose period starts in
    ``p``: "Since October 2020 3 mental health professionals ... have engaged 19 people, 7 of them now on
    psychiatrist plans." "" when the people engaged are not loaded for ``p``."""
    engaged = metrics.indicator_latest(indicators, "outreach_mh_engaged", within=p)
    if engaged is None:
        return ""
    start = engaged["period_start"]
    staff = metrics.indicator_latest(indicators, "outreach_mh_professionals", within=p)
    plans = metrics.indicator_latest(indicators, "outreach_mh_psychiatrist_plans", within=p)
    who = (f"{_count(staff['value'])} mental health professional{'' if staff['value'] == 1 else 's'}"
           if staff is not None else "mental health professionals")
    people = _count(engaged["value"])
    return (f"Since {start:%B %Y} {who} working with the homeless outreach team have engaged {people} "
            f"{'person' if engaged['value'] == 1 else 'people'}"
            + (f", {_count(plans['value'])} of them now on psychiatrist plans." if plans is not None else "."))


def _survey(indicators: pd.DataFrame, p: Period) -> tuple[float, str]:
    share = metrics.indicator_latest(indicators, "mbc_survey_negative_mh_share", within=p)
    if share is None:
        return float("nan"), f"{measures.NOT_LOADED}: no residents' survey for {p.label} ({INDICATORS})"
    asked = metrics.indicator_latest(indicators, "mbc_survey_respondents", within=p)
    return float(share["value"]), (f"MBC residents' survey, {share['period_start']:%Y}"
                                   + (f", {_count(asked['value'])} respondents" if asked is not None else ""))


def _count(value) -> str:
    return f"{float(value):,.0f}"
