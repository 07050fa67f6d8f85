"""Domestic abuse: the headline and its shares, the monthly trend, types, wards, MARAC and sanctuary."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from smp_dash import blocks, config, disclosure, measures, metrics, narrative
from smp_dash.periods import ASSESS_2020, CAL_2020, FY_2020, FY_TO_DATE_2020, Period
from smp_dash.selection import Filter

DA = measures.get("domestic_abuse")


@dataclass(frozen=True)
class DomesticAbuse:
    headline: measures.Value
    shares: dict[str, str]                 # label -> "19%", "hidden" or "n/a"
    trend: pd.DataFrame | None             # month, value for the selected wards (None with ``trend_why``)
    trend_why: str
    types: pd.DataFrame | None             # da_class, current, previous, change, pct_change, label (protected)
    types_why: str
    ward_period: Period
    wards: pd.DataFrame | None             # metrics.ward_table for the whole borough
    wards_why: str
    wards_no_comparison: str               # why the ward table has no change on the year before ("" when it has)
    marac: dict                            # metrics.indicator_window, for the MARAC period
    marac_period: Period
    repeats: float
    children: float
    sanctuary: dict
    sanctuary_period: Period


def figures(bundle, view: Filter) -> DomesticAbuse:
    """The domestic abuse page's figures for ``view``."""
    head = measures.value(bundle, DA, view, CAL_2020, label="DA crimes")
    p = head.period
    crimes = metrics.in_wards(bundle.crimes, view.wards)
    why = head.missing or ""
    hidden = head.guarded.series_hidden() if head.guarded is not None else None
    types_why = why or hidden or (view.suppress and view.wards and measures.breakdown_hidden(
        bundle, DA, view, p, "da_class", bundle.crimes.assign(da_class=metrics.da_class(bundle.crimes)))) or ""
    types = None if types_why else measures.against(_types(crimes, p, view.suppress), head)
    shares = _shares(crimes, p, head, types)
    trend, trend_why = (None, why or hidden) if why or hidden else \
        measures.protected(bundle, DA, view, measures.series(bundle, DA, view.wards))
    wp = view.pick(FY_TO_DATE_2020)
    wards_why = measures.missing(bundle, DA, FY_TO_DATE_2020, view) or ""
    wards, wards_no_comparison = (None, "") if wards_why else measures.ward_table(bundle, DA, wp, view,
                                                                                   rural=config.RURAL_WARDS)
    mp, sp = view.pick(ASSESS_2020, "indicators"), view.pick(FY_2020, "indicators")
    return DomesticAbuse(
        head, shares, trend, trend_why or "", types, types_why,
        wp, wards, wards_why, wards_no_comparison,
        metrics.indicator_window(bundle.indicators, "marac_cases_monthly", mp), mp,
        metrics.indicator_value(bundle.indicators, "marac_repeat_cases", f"{mp.start:%Y-%m-%d}"),
        metrics.indicator_value(bundle.indicators, "marac_children", f"{mp.start:%Y-%m-%d}"),
        metrics.indicator_window(bundle.indicators, "sanctuary_referrals_monthly", sp), sp)


def _types(crimes: pd.DataFrame, p: Period, suppress: bool) -> pd.DataFrame:
    da = DA.rows(crimes)
    types = metrics.compare(da.assign(da_class=metrics.da_class(da)), "month", p, by="da_class", weight="n")
    types["label"] = metrics.change_labels(types, decimals=1)
    return disclosure.protect_breakdown(types) if suppress else types


def _shares(crimes: pd.DataFrame, p: Period, head: measures.Value, types: pd.DataFrame | None) -> dict[str, str]:
    """The assessment's shares: of all crime, of violent crime, and violence against the person's
    share of DA. Hidden where a count they give back is, n/a where DA is not in the data."""
    labels = ("Share of all crime", "Share of violent crime", "Violence against the person")
    if not head.available:
        return dict.fromkeys(labels, "n/a")
    count = lambda frame: metrics.count(frame, "month", p, "n")  # noqa: E731
    da, violent = DA.rows(crimes), crimes[measures.violent(crimes).to_numpy()]
    vap = da[da["offence_subgroup"] == "Violence against the person"]
    hidden = head.guarded is not None and head.guarded.hidden
    vap_hidden = hidden or types is None or (disclosure.any_hidden(
        types[types["da_class"] == "Violence against the person"]))
    values = (metrics.share(count(da), count(crimes)), metrics.share(count(violent[measures.domestic_abuse(violent).to_numpy()]),
                                                                     count(violent)), metrics.share(count(vap), count(da)))
    return {label: disclosure.HIDDEN if (vap_hidden if label == labels[2] else hidden)
            else metrics.format_pct(v, signed=False) for label, v in zip(labels, values)}


COLOUR = "domestic_abuse"
SOURCE = "Kent Police recorded crime, domestic-abuse flag"
SANCTUARY_SOURCE = "Community Protection Team sanctuary assessments"
#: Its name in the navigation, and its chapter.
NAME = "Domestic abuse"
#: What its sheets in the workbook start with (Excel allows 31 characters a name).
SHEET = "DA"
TITLE = "Reducing the harm caused by domestic abuse"
QUESTION = ("How much domestic abuse is recorded, in which wards, of what kind, and how are partners responding? "
            "Delivered through the Domestic Abuse Forum.")


def page(bundle, view: Filter) -> blocks.Page:
    """The domestic abuse page for ``view``, as every view of it draws it: the page, the pack, the draft
    and the workbook."""
    from smp_dash import charts

    f = figures(bundle, view)
    colour = charts.PRIORITY_COLOURS[COLOUR]
    where = blocks.where(view)
    out = blocks.Page(TITLE, QUESTION, where=where, actions="domestic_abuse",
                      caveats=[*measures.POLICE_CAVEATS, "MARAC figures are borough-wide.", metrics.SIGNIFICANCE_NOTE])
    p, mark = f.headline.period, lambda text, *datasets: bundle.mark(text, *(datasets or ("crimes",)))
    shares = [blocks.Headline(mark(label if label != "Violence against the person" else
                                   "Violence against the person, share of DA"), share, period=p.long_label,
                              help="share of DA crimes" if label.startswith("Violence") else None)
              for label, share in f.shares.items()]
    out.add(blocks.Heading(f"Recorded domestic abuse, {p.long_label}"),
            blocks.Headlines((blocks.headline(f.headline, decimals=1, label="Domestic abuse crimes", where=where),
                              *shares)),
            blocks.monthly(f.trend, key="da_trend", why=f.trend_why, colour=colour, source=SOURCE,
                           title=mark(f"Domestic abuse crimes by month, {blocks.plot_text(view.area)} ({p.label} shaded)"),
                           highlight=(p.start, p.end), caveat=measures.POLICE_CAVEAT,
                           period=f"{bundle.first_month:%b %Y} to {bundle.last_month:%b %Y}",
                           exclude_outliers=view.exclude_outliers, control=view.control),
            blocks.changes(f.types, key="da_types", category="da_class", p=p, colour=colour, source=SOURCE,
                           title=mark("Domestic abuse by type"), why=f.types_why,
                           no_comparison=f.headline.no_comparison or ""))
    wp = f.ward_period
    out.add(blocks.Heading(f"Where: domestic abuse by ward, {wp.label}"))
    if f.wards is None:
        out.add(blocks.Missing("Domestic abuse by ward", f.wards_why))
    else:
        top = blocks.ward_top(f.wards, key="da_wards", n=10, sensitive=True,
                              title=mark(f"Top ten wards for domestic abuse, {wp.long_label} (whole borough)"))
        out.add(blocks.WardMap("da", mark(f"Domestic abuse crimes by ward, {wp.label}"), f.wards, colour=colour,
                               sensitive=True, no_comparison=f.wards_no_comparison,
                               caption=mark(f"Domestic abuse crimes by ward, {wp.label}"
                                            f"{'' if f.wards_no_comparison else f' against {wp.previous().label}'}.")),
                top,
                blocks.Text(tuple(s for s in (narrative.leaders(top.frame, what="domestic abuse", name="ward",
                                                                period=wp.label),) if s)),
                replace(blocks.funnel(f.wards, bundle.population, key="da_funnel", colour=colour, period=wp.label,
                                             sensitive=True, title=mark(f"Domestic abuse per 1,000 residents by ward "
                                                                        f"against the borough rate, {wp.label}",
                                                                        "crimes", "population")), document=False))
    mp, sp, marac = f.marac_period, f.sanctuary_period, f.marac
    marac_cases = blocks.change(mark("MARAC cases", "indicators") + " (borough)", marac["current"], marac["previous"],
                                mp, where=blocks.BOROUGH) \
        if marac["current"] == marac["current"] and marac["previous"] == marac["previous"] else \
        blocks.Headline(mark("MARAC cases", "indicators") + " (borough)", blocks.number(marac["current"]),
                        period=mp.long_label, current=None if marac["current"] != marac["current"] else marac["current"])
    out.add(blocks.Heading("MARAC and sanctuary"),
            blocks.Headlines((marac_cases,
                              blocks.Headline(mark("Repeat cases", "indicators"), blocks.number(f.repeats, of=marac["current"]),
                                              period=mp.long_label, document=False),
                              blocks.Headline(mark("Children in these households", "indicators"),
                                              blocks.number(f.children), period=mp.long_label, document=False)),
                             note="Borough-wide partner figures: the ward filter does not apply."))
    counted = lambda n: "" if n != n else f" ({blocks.number(n)})"  # noqa: E731  a count the data lacks is left out
    title = mark(f"Sanctuary referrals by month: {sp.label}{counted(f.sanctuary['current'])} against "
                 f"{sp.previous().label}{counted(f.sanctuary['previous'])}", "indicators")
    if f.sanctuary["months"].empty:
        out.add(blocks.Missing(title, f"{measures.NOT_LOADED}: no sanctuary referrals for {sp.label} (indicators)"))
    else:
        out.add(blocks.Chart("sanctuary", title, charts.period_overlay(
            f.sanctuary["months"], f.sanctuary["previous_months"], colour=colour, title=title, current_label=sp.label,
            previous_label=sp.previous().label), metrics.overlay_table(f.sanctuary["months"], f.sanctuary["previous_months"]),
            SANCTUARY_SOURCE, f"{sp.label} and {sp.previous().label}", document=False))
    out.add(blocks.Heading("Action plan"), blocks.Actions("domestic_abuse"))
    return out
