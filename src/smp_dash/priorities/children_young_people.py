"""Children and young people: youth justice by financial year, and complaints about young people gathering."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from smp_dash import blocks, measures, metrics, narrative, schema
from smp_dash.periods import CAL_2020, YOUTH_2019, Period
from smp_dash.selection import Filter

GATHERING = measures.get("youths_gathering")


@dataclass(frozen=True)
class ChildrenYoungPeople:
    youth_period: Period
    youth: dict                        # metrics.youth_summary
    youth_note: str                    # said when the view's period has no youth justice figures
    convicted_share: float
    gathering: pd.DataFrame | None     # month, value for the selected wards
    gathering_why: str
    gathering_period: Period
    youth_years: str                   # the financial years the youth offences series covers ("2014/15 to 2019/20")
    band_years: str                    # the years of the age bands ("2018/19 and 2019/20")
    demo: bool                         # youth justice figures are demonstration data beside real data


def figures(bundle, view: Filter) -> ChildrenYoungPeople:
    """The children and young people page's figures for ``view``."""
    yp = view.pick(YOUTH_2019, "indicators")
    youth = metrics.youth_summary(bundle.indicators, yp)
    note = ""
    if yp.kind != "financial" or youth["offences"] != youth["offences"]:
        published = metrics.youth_summary(bundle.indicators, YOUTH_2019)
        if published["offences"] == published["offences"]:
            note = (f"Youth justice figures are published by financial year; the data in use holds them to "
                    f"{YOUTH_2019.label}, so {YOUTH_2019.label} is shown.")
            yp, youth = YOUTH_2019, published
        else:
            note = f"{measures.NOT_LOADED}: no youth justice figures (indicators) for {yp.label}."
    why = measures.missing(bundle, GATHERING) or ""
    return ChildrenYoungPeople(
        yp, youth, note,
        metrics.indicator_value(bundle.indicators, "youth_population_convicted_share", f"{yp.start:%Y-%m-%d}"),
        None if why else measures.series(bundle, GATHERING, view.wards), why, view.pick(CAL_2020, GATHERING.dataset),
        _span(youth["series"]["label"], " to "), _span(youth["bands"]["label"], " and "),
        bundle.demonstration("indicators"))


def _span(labels: pd.Series, joined: str) -> str:
    """The first and last of ``labels`` (in order), e.g. "2014/15 to 2019/20"; "" when there are none."""
    years = list(dict.fromkeys(labels))
    return "" if not years else years[0] if len(years) == 1 else f"{years[0]}{joined}{years[-1]}"


COLOUR = "children_young_people"
SOURCE = "Kent Youth Justice"
GATHERING_SOURCE = "Community Protection Team service requests"
#: Its name in the navigation, and its chapter.
NAME = "Children and young people"
#: What its sheets in the workbook start with (Excel allows 31 characters a name).
SHEET = "CYP"
TITLE = "Keeping children and young people safe"
QUESTION = ("Is youth offending falling, who offends, and where do young people gather? "
            "Delivered through the District Contextual Safeguarding Meeting.")
NOT_A_GANG = "A complaint about young people gathering is not evidence of a gang."


def page(bundle, view: Filter) -> blocks.Page:
    """The children and young people page for ``view``, as every view of it draws it: the page, the
    pack, the draft and the workbook."""
    from smp_dash import charts

    f = figures(bundle, view)
    colour = charts.PRIORITY_COLOURS[COLOUR]
    yp, youth, ap = f.youth_period, f.youth, f.gathering_period
    mark = lambda text: measures.marked(text, f.demo)  # noqa: E731
    out = blocks.Page(TITLE, QUESTION, where=blocks.where(view), actions="children_young_people",
                      caveats=["Youth justice figures are borough-wide: the ward selection does not apply.", NOT_A_GANG])
    if f.youth_note:
        out.add(blocks.Note(f.youth_note))
    offences = mark("Youth offences by financial year")
    series, bands = youth["series"], youth["bands"]
    out.add(blocks.Heading(f"Youth justice, {yp.long_label}"),
            blocks.Headlines((_youth(mark("Youth offences"), youth["offences"], youth["offences_previous"], yp),
                              _youth(mark("Young people offending"), youth["offenders"], youth["offenders_previous"], yp),
                              blocks.Headline(mark("Youth population convicted"),
                                              "n/a" if f.convicted_share != f.convicted_share
                                              else f"{blocks.number(f.convicted_share)}%",
                                              period=yp.long_label, document=False)),
                             note="Borough-wide figures: the ward filter does not apply."),
            blocks.Chart("youth_offences", offences, charts.yearly_bars(series, x="label", y="value", colour=colour,
                                                                        title=offences),
                         series[["label", "value", "source"]], SOURCE, f.youth_years,
                         caveat=measures.illustrative(series, "label"))
            if series["value"].notna().any() else
            blocks.Chart("youth_offences", offences, None, None, SOURCE, f.youth_years,
                         missing=f"{measures.NOT_LOADED} (youth justice figures come through {schema.template('indicators')})"),
            blocks.Chart("youth_ages", mark("Young offenders by age band"),
                         charts.stacked_share(bands, x="label", y="value", series="breakdown",
                                              title=mark("Young offenders by age band")),
                         bands[["label", "breakdown", "value", "source"]], SOURCE, f.band_years,
                         caveat=measures.illustrative(bands, "label"), document=False),
            blocks.Heading("Youth-related ASB reported to the council"),
            blocks.monthly(f.gathering, key="youth_asb", why=f.gathering_why, colour=colour, source=GATHERING_SOURCE,
                           title=bundle.mark(f"Complaints about young people gathering, by month, "
                                             f"{blocks.plot_text(view.area)} ({ap.label} shaded)", GATHERING.dataset),
                           highlight=(ap.start, ap.end), caveat=NOT_A_GANG,
                           period=f"{bundle.first_month:%b %Y} to {bundle.last_month:%b %Y}",
                           exclude_outliers=view.exclude_outliers, control=view.control),
            blocks.Heading("Action plan"), blocks.Actions("children_young_people"))
    return out


def _youth(label: str, now: float, before: float, p: Period) -> blocks.Headline:
    """A borough-wide youth justice count and its change on the financial year before, or why there is none."""
    named = f"{label} (borough)"
    if now == now and before == before:
        return blocks.change(named, now, before, p, sentence=narrative.change(label, now, before, p.label,
                                                                               p.previous().label, where=blocks.BOROUGH))
    return blocks.Headline(named, blocks.number(now), period=p.long_label, current=None if now != now else now,
                           sentence="" if now == now else f"{label}, {p.long_label}: {measures.NOT_LOADED}.")
