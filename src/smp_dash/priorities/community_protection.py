"""ASB and community protection: police ASB, council complaints and requests, ASB by ward, enforcement."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from smp_dash import blocks, measures, metrics, schema
from smp_dash.periods import ASSESS_2020, CAL_2020, period
from smp_dash.selection import Filter

ASB, COUNCIL_ASB, REQUESTS = measures.get("asb"), measures.get("council_asb"), measures.get("service_requests")


@dataclass(frozen=True)
class CommunityProtection:
    police: measures.Value
    council: measures.Value
    asb: pd.DataFrame | None                # the selected wards' ASB rows (cube), for the overlay chart
    council_asb: pd.DataFrame | None        # the selected wards' council ASB complaints (cube)
    requests: pd.DataFrame | None           # the selected wards' service requests (cube)
    categories: pd.DataFrame | None         # category, current, previous, change, pct_change, label
    wards: pd.DataFrame | None              # ASB by ward (whole borough)
    wards_no_comparison: str                # why the ward table has no change on the year before ("" when it has)
    year: int
    enforcement: pd.DataFrame               # metrics.enforcement_table for ``year``
    encampments: pd.DataFrame
    trigger: str                            # the community trigger sentence for ``year`` ("" when not loaded)
    trigger_why: str                        # why it is left out ("" when it is said): not loaded, and where from
    enforcement_why: str                    # why warnings and notices are not shown ("" when they are)
    encampments_why: str
    others: tuple[str, ...]                 # the request categories drawn by month on request (not council ASB)


def figures(bundle, view: Filter) -> CommunityProtection:
    """The ASB and community protection page's figures for ``view``, worked out once for the page's
    category choices and its model (``measures.per_view``)."""
    return measures.per_view(bundle, "community_protection", view, lambda: _figures(bundle, view))


def _figures(bundle, view: Filter) -> CommunityProtection:
    police = measures.value(bundle, ASB, view, ASSESS_2020, label="Police-recorded ASB")
    council = measures.value(bundle, COUNCIL_ASB, view, ASSESS_2020)
    p = police.period if police.available else council.period
    police = _labelled(police)
    council = _labelled(council)
    requests = None if council.missing and not bundle.loaded("service_requests") else \
        metrics.in_wards(bundle.requests, view.wards)
    categories = None
    if requests is not None and len(requests):
        categories = metrics.compare(requests, "month", council.period, by="category", weight="n")
        categories["label"] = metrics.change_labels(categories)
        categories = measures.against(categories, council)
    year = view.pick(CAL_2020).end.year
    wards, wards_no_comparison = (None, "") if police.missing else measures.ward_table(bundle, ASB, p)
    trigger = trigger_sentence(bundle.indicators, year)
    council_asb = None if council.missing else COUNCIL_ASB.rows(requests)
    return CommunityProtection(
        police, council, None if police.missing else metrics.in_wards(bundle.asb, view.wards),
        council_asb, requests if requests is not None and len(requests) else None,
        categories, wards, wards_no_comparison, year, metrics.enforcement_table(bundle.enforcement, year),
        metrics.encampment_summary(bundle.encampments),
        trigger, "" if trigger else f"{measures.NOT_LOADED} ({schema.template('indicators')})",
        measures.not_loaded(bundle, "enforcement") or _none_in(bundle.enforcement, "issued", year),
        measures.not_loaded(bundle, "encampments"), _others(categories, council_asb))


def _others(categories: pd.DataFrame | None, council_asb: pd.DataFrame | None) -> tuple[str, ...]:
    """The request categories offered by month: council ASB complaints have their own chart."""
    if categories is None:
        return ()
    drawn = set(council_asb["category"]) if council_asb is not None else set()
    return tuple(sorted(set(categories["category"]) - drawn))


def _none_in(rows: pd.DataFrame, date: str, year: int) -> str:
    """Why a loaded dataset has nothing to say of ``year`` ("" when it holds rows dated in it)."""
    return "" if (rows[date].dt.year == year).any() else f"{measures.NOT_LOADED}: no rows dated in {year}"


def trigger_sentence(indicators: pd.DataFrame, year: int) -> str:
    """The community trigger case reviews instigated in ``year``, from its figure ("1 case review
    instigated in 2020."); "" when the year's figure is not loaded."""
    row = metrics.indicator_latest(indicators, "community_triggers", within=period("calendar", year))
    if row is None:
        return ""
    n = float(row["value"])
    return f"{n:,.0f} case review{'' if n == 1 else 's'} instigated in {year}."


def _labelled(value: measures.Value) -> measures.Value:
    return replace(value, label=f"{value.label}, {value.period.label}")


COLOUR = "asb_community_protection"
#: Its name in the navigation.
NAME = "ASB and community protection"
#: Its chapter in the data pack and the draft.
CHAPTER = "Community protection and anti-social behaviour"
#: What its sheets in the workbook start with (Excel allows 31 characters a name).
SHEET = "ASB"
TITLE = "ASB and community protection"
QUESTION = ("How did anti-social behaviour and nuisance complaints move through the lockdowns, where is ASB "
            "concentrated, and how are warnings, notices and penalties used?")
REQUESTS_SOURCE = "Community Protection Team service requests"
#: Said under the enforcement chart and among the documents' caveats.
BOROUGH_WIDE = "Enforcement and encampment figures are borough-wide."


def categories(bundle, view: Filter) -> tuple[str, ...]:
    """The request categories the page offers by month (:attr:`CommunityProtection.others`)."""
    return figures(bundle, view).others


def page(bundle, view: Filter, category: str | None = None) -> blocks.Page:
    """The ASB and community protection page for ``view``, as every view of it draws it: police and
    council ASB with their months against the year before's, service requests by category (and
    ``category``, one of :func:`categories`, by month), ASB by ward, enforcement, encampments and the
    community trigger."""
    from smp_dash import charts

    f = figures(bundle, view)
    colour, p, where = charts.PRIORITY_COLOURS[COLOUR], f.police.period, blocks.where(view)
    out = blocks.Page(TITLE, QUESTION, where=where, caveats=[measures.POLICE_CAVEATS[0], BOROUGH_WIDE])
    out.add(blocks.Headlines((blocks.headline(f.police, where=where), blocks.headline(f.council, where=where))))
    for name, frame, value, source, document in (
            ("Police-recorded ASB", f.asb, f.police, "police.uk anti-social behaviour", True),
            ("Council ASB complaints", f.council_asb, f.council, REQUESTS_SOURCE, False)):
        vp, key = value.period, f"overlay_{name[:6]}"
        title = measures.marked(f"{name} by month: {vp.label} against {vp.previous().label} "
                                 f"({blocks.plot_text(view.area)})", value.demo)
        chart = blocks.Chart(key, title, None, None, source, vp.label, missing=value.missing) if frame is None else             blocks.overlay(frame, vp, bundle.coverage[value.measure.dataset], key=key, title=title, colour=colour,
                           source=source, exclude_outliers=view.exclude_outliers)
        out.add(replace(chart, document=document))
    if f.categories is not None:
        cp = f.council.period
        out.add(blocks.changes(f.categories, key="categories", category="category", p=cp, colour=colour,
                               source=REQUESTS_SOURCE, no_comparison=f.council.no_comparison or "",
                               title=bundle.mark("Service requests by category", "service_requests")))
        if category in f.others:
            out.add(replace(blocks.overlay(
                f.requests[f.requests["category"] == category], cp, bundle.coverage[f.council.measure.dataset],
                key="category_month", colour=colour, source=REQUESTS_SOURCE, exclude_outliers=view.exclude_outliers,
                title=bundle.mark(f"{category} requests by month: {cp.label} against {cp.previous().label}",
                                  "service_requests")), document=False))
    out.add(blocks.Heading(f"Where: police-recorded ASB by ward, {p.label}"))
    if f.wards is None:
        out.add(blocks.Missing("ASB by ward", f.police.missing))
    else:
        against = "" if f.wards_no_comparison else f" against {p.previous().label}"
        out.add(blocks.WardMap("asb", f"ASB incidents by ward, {p.label}", f.wards,
                               f"ASB incidents by ward, {p.label}{against}.", colour, no_comparison=f.wards_no_comparison),
                replace(blocks.funnel(f.wards, bundle.population, key="asb_funnel", colour=colour, period=p.label,
                                      title=bundle.mark(f"ASB incidents per 1,000 residents by ward against the borough "
                                                        f"rate, {p.label}", "population")), document=False))
    out.add(blocks.Heading(f"Warnings, notices and penalties, {f.year}"), *_enforcement(bundle, f, colour),
            *_encampments(bundle, f))
    if f.trigger:
        out.add(blocks.said(bundle.mark(f.trigger, "indicators"), "Community trigger"))
    else:
        out.add(blocks.Missing(f"Community triggers, {f.year}", f.trigger_why))
    return out


def _enforcement(bundle, f: CommunityProtection, colour: str) -> list:
    """Warnings, notices and penalties in words, by category and as a table; or why not."""
    from smp_dash import charts

    if f.enforcement_why:
        return [blocks.Missing("Warnings, notices and penalties", f.enforcement_why)]
    issued = f.enforcement
    cpw = issued[issued["action"] == "CPW"]
    rows = issued[issued["action"].isin(["CPW", "CPN"])].replace({"action": {"CPW": "Warnings (CPW)",
                                                                             "CPN": "Notices (CPN)"}})
    title = bundle.mark(f"Community Protection Warnings and Notices by category, {f.year}", "enforcement")
    return [blocks.said(bundle.mark(f"{cpw['with_police'].sum()} of {cpw['issued'].sum()} Community Protection Warnings "
                                    f"were issued with Kent Police; {issued.loc[issued['action'] == 'FPN', 'issued'].sum()} "
                                    "Fixed Penalty Notices followed breaches.", "enforcement")),
            blocks.Chart("enforcement", title, charts.bars(rows, x="category", y="issued", series="action",
                                                           orientation="h", colour=colour, title=title),
                         rows, "Community Protection Team", str(f.year), caveat=BOROUGH_WIDE, document=False),
            blocks.Table("enforcement_table", bundle.mark(f"Warnings, notices and penalties, {f.year} (whole borough)",
                                                          "enforcement"), issued, period=str(f.year))]


def _encampments(bundle, f: CommunityProtection) -> list:
    title = bundle.mark("Unauthorised encampments", "encampments")
    if f.encampments_why:
        return [blocks.Missing(title, f.encampments_why)]
    return [blocks.Table("encampments", title, f.encampments, period="calendar years", ranked=5, document=False)]
