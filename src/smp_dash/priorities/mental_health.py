"""Mental health: section 136 by calendar year, referrals by age band, the CSVG case mix, the residents'
survey and the outreach team's work (borough-wide), each for the page's year and said from the data."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from smp_dash import blocks, measures, metrics, narrative, schema
from smp_dash.periods import CAL_2020, Period, period
from smp_dash.selection import Filter

#: Where the partnership's figures come from: what to load when one is missing.
INDICATORS = schema.template("indicators")


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
    outreach_why: str                # why it is left out ("" when it is said): not loaded, and where from
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
        "" if outreach else f"{measures.NOT_LOADED} ({INDICATORS})",
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


COLOUR = "mental_health"
#: Its name in the navigation, and its chapter.
NAME = "Mental health"
#: What its sheets in the workbook start with (Excel allows 31 characters a name).
SHEET = "MH"
TITLE = "Safeguarding people whose mental health makes them vulnerable"
QUESTION = ("Is the use of section 136 falling, how is demand on mental health services moving, and how often is mental "
            "health behind the partnership's most complex cases?")
#: Said under the key figures and among the documents' caveats.
BOROUGH_WIDE = "Health and partnership figures are borough-wide: the ward filter does not apply."
REFERRALS_SOURCE = "Kent and Medway NHS and Social Care Partnership Trust"


def page(bundle, view: Filter) -> blocks.Page:
    """The mental health page for ``view``, as every view of it draws it: section 136 uses with their
    change (the page's other key figures, the case mix, are its alone), section 136 by year,
    referrals by age band, the CSVG case mix, the outreach team's work and the action plan."""
    from smp_dash import charts

    f = figures(bundle, view)
    p, colour = f.period, charts.PRIORITY_COLOURS[COLOUR]
    mark = lambda text: measures.marked(text, f.demo)  # noqa: E731
    out = blocks.Page(TITLE, QUESTION, where=blocks.BOROUGH, actions="mental_health", caveats=[BOROUGH_WIDE])
    notes = tuple(t for t in (f.note,) if t)
    share = f.csvg.set_index("concern")["share"].get("Mental health")
    out.add(blocks.Headlines((_s136(f, mark("Section 136 uses") + " (borough)", notes),
                              blocks.Headline(mark("CSVG cases with a mental health concern"), blocks.percent(share),
                                              period=p.long_label, help=f.csvg_why or p.label, document=False),
                              blocks.Headline(mark("Residents reporting a negative mental health impact"),
                                              blocks.percent(f.survey_share), period=p.long_label, help=f.survey_about,
                                              document=False)),
                             note=" ".join((*notes, BOROUGH_WIDE))))
    series, years = f.s136_series, f.s136_series["year"]
    title = mark("Section 136 (Mental Health Act) uses by year")
    out.add(blocks.Chart("s136", title, charts.yearly_bars(series, x="year", y="value", colour=colour, title=title)
                         if len(series) else None, series if len(series) else None, "Kent Police",
                         f"{years.min()} to {years.max()}" if len(series) else "", caveat=f.s136_caveat,
                         missing="" if len(series) else f"{measures.NOT_LOADED}: no section 136 uses ({INDICATORS})"))
    referrals = f.referrals if f.referrals[["current", "previous"]].notna().any().any() else None
    title = mark(f"Mental health referrals by age band, {p.label} against {p.previous().label}")
    out.add(blocks.Chart("mh_referrals", title, None if referrals is None else charts.change_bars(
        referrals, category="age_band", current="current", previous="previous", colour=colour, title=title,
        current_label=p.label, previous_label=p.previous().label), referrals, REFERRALS_SOURCE,
        f"{p.label} and {p.previous().label}",
        missing="" if referrals is not None else f"{measures.NOT_LOADED}: no referrals by age band for {p.label} "
                                                 f"({INDICATORS})"))
    title = mark(f"CSVG cases by concern, {p.label} (% of cases)")
    out.add(blocks.Chart("csvg", title, None if f.csvg_why else
                         charts.bars(f.csvg, x="concern", y="share", colour=colour, orientation="h", title=title),
                         None if f.csvg_why else f.csvg, "Community Safety Vulnerability Group", p.label,
                         caveat="A case can have more than one concern, so shares do not add to 100%.",
                         missing=f.csvg_why, document=False))
    out.add(blocks.said(mark(f.outreach), "Outreach") if f.outreach else
            blocks.Missing(f"Outreach mental health work, {p.label}", f.outreach_why))
    out.add(blocks.Heading("Action plan"), blocks.Actions("mental_health"))
    return out


def _s136(f: MentalHealth, label: str, notes: tuple[str, ...]) -> blocks.Headline:
    """Section 136 uses in the borough: with the change on the year before when both years are
    loaded, the count alone when only this year is, or why there is none."""
    p = f.period
    known = lambda n: n is not None and n == n  # noqa: E731
    named = label.removesuffix(" (borough)")
    if known(f.s136) and known(f.s136_previous):
        return blocks.change(label, f.s136, f.s136_previous, p, notes=notes, sentence=narrative.change(
            named, f.s136, f.s136_previous, p.label, p.previous().label, where=blocks.BOROUGH))
    said = "" if known(f.s136) else f"{named}, {p.long_label}: {measures.NOT_LOADED}."
    return blocks.Headline(label, blocks.number(f.s136), period=p.long_label, sentence=said, notes=notes,
                           current=f.s136 if known(f.s136) else None)
