"""The strategic assessment data pack: one self-contained HTML file for a view of the data.

``data_pack(frames, ...)`` takes the store's frames and returns an HTML document holding every
priority's key figures, interactive charts (plotly.js inlined once), caveats and action plan,
for the chosen wards and period, with a provenance table at the end. It reads nothing and
imports no streamlit, so the app (a download button) and the CLI (``smp-dash report``) share it.

Every piece of text that comes from data is escaped; the document references nothing outside
itself (no ``<script src>``, no stylesheet links, no fonts to fetch).
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, field

import pandas as pd
import plotly.io as pio

from smp_dash import charts, config, disclosure, metrics as m, periods
from smp_dash.figures import ASSESS_2020, CAL_2020, FY_TO_DATE_2020, YOUTH_2019
from smp_dash.selection import PUBLISHED, PUBLISHED_WORDS, Filter  # noqa: F401  (re-exported)
from smp_dash.periods import Period

PERIOD_KINDS = (PUBLISHED,) + periods.KINDS
TITLE = "Safer Maidstone Partnership — strategic assessment data pack"
#: Said wherever the app says "As in the assessment" (ui.KIND_LABELS).
PUBLISHED_LABEL = "As in the assessment"
POLICE_CAVEATS = ("police.uk locations are approximate (snapped to anonymous map points).",
                  "Police data shows only crime that was reported and recorded.")
DEMO_CAVEAT = ("Illustrative demonstration values: figures the Strategic Assessment 2020-21 states are reproduced "
               "exactly; every other number (other years, wards, months, places) is illustrative, not real.")
DEMO_NOTICE = ("Demonstration data: figures the Strategic Assessment 2020-21 states are reproduced exactly; "
               "every other number (other years, wards, months, locations) is illustrative, not real.")
ACTION_PRIORITIES = {"soc": "Serious and organised crime", "children_young_people": "Children and young people",
                     "domestic_abuse": "Domestic abuse", "substance_misuse": "Substance misuse",
                     "mental_health": "Mental health"}


def period_from_label(kind: str, label: str | None, first, last) -> Period | None:
    """The period of ``kind`` named ``label`` among those the data covers (newest when no label).

    "published" gives None (each figure keeps its own period). A kind or label the data does not
    offer raises ValueError naming it and the valid choices.
    """
    if kind not in PERIOD_KINDS:
        raise ValueError(f"unknown period type {kind!r}; choose one of: {', '.join(PERIOD_KINDS)}")
    if kind == PUBLISHED:
        if label:
            raise ValueError(f"--period {label!r} needs a period type other than {PUBLISHED!r}")
        return None
    options = periods.available(kind, first, last, comparable=True)
    if not options:
        raise ValueError(f"the data covers no complete {kind} period with a year before it")
    if label is None:
        return options[0]
    for option in options:
        if option.label == label:
            return option
    raise ValueError(f"unknown {kind} period {label!r}; choose one of: {', '.join(p.label for p in options)}")


def data_pack(frames: dict[str, pd.DataFrame], *, wards: tuple[str, ...] = (), ward_names: dict[str, str],
              period_kind: str = PUBLISHED, period_label: str | None = None, demo: bool, generated_at: str,
              provenance: dict, suppress: bool = False) -> str:
    """The data pack for ``wards`` (ward codes; empty = whole borough) and a period, as HTML.

    Parameters
    ----------
    frames : the store's frames by dataset name (``store.read_all``).
    wards : ward codes to show; figures the wards cannot split (partner data) stay borough-wide.
    ward_names : ward code -> name, for every ward of the borough.
    period_kind, period_label : "published" (each figure in its own period, as the assessment
        reports it) or a kind of :mod:`smp_dash.periods` and one of its labels (newest if None).
    demo : whether the data is the demonstration dataset (adds the notice and caveat).
    generated_at : when the pack was made, as it should read on the cover.
    provenance : dataset -> its provenance record (or None when not loaded).

    Raises
    ------
    ValueError
        For a ward code not in ``ward_names`` or a period the data does not cover.
    """
    view, sections = pack_sections(frames, wards=wards, ward_names=ward_names, period_kind=period_kind,
                                   period_label=period_label, suppress=suppress)
    return _document(view, sections, frames["actions"], demo=demo, generated_at=generated_at, provenance=provenance)


def pack_sections(frames: dict[str, pd.DataFrame], *, wards: tuple[str, ...] = (), ward_names: dict[str, str],
                  period_kind: str = PUBLISHED, period_label: str | None = None,
                  suppress: bool = False) -> tuple[Filter, list[_Section]]:
    """The view and the sections of the data pack (figures, charts, tables, notes), before HTML.

    Arguments and errors as for :func:`data_pack`.
    """
    unknown = [w for w in wards if w not in ward_names]
    if unknown:
        raise ValueError(f"unknown ward code(s) {', '.join(unknown)}; expected codes of: {', '.join(ward_names)}")
    bundle = m.aggregates(frames)
    bundle["wards"] = pd.DataFrame({"ward_code": list(ward_names), "ward_name": list(ward_names.values())})
    chosen = period_from_label(period_kind, period_label, bundle["first_month"], bundle["last_month"])
    view = Filter(tuple(wards), tuple(ward_names[w] for w in wards), period_kind, chosen, suppress=suppress)
    return view, [build(bundle, view) for build in _SECTIONS]


@dataclass
class _Section:
    """One section of the pack: what it shows, before it is written as HTML."""

    title: str
    figures: list[tuple[str, str, str, str]] = field(default_factory=list)   # label, value, change, period
    charts: list = field(default_factory=list)                                # go.Figure
    tables: list[tuple[str, pd.DataFrame]] = field(default_factory=list)
    caveats: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    actions: str | None = None

    def add(self, label: str, current, previous=None, period: Period | None = None, *, decimals: int = 0,
            value: str | None = None, guarded: disclosure.Guarded | None = None) -> None:
        change = m.change_text(current, previous, period.previous().label if period else "", decimals) \
            if previous is not None else None
        if guarded is not None and guarded.change_hidden:   # disclosure control: as the page shows it
            value, change = (guarded.text() if guarded.hidden else value), "not shown (disclosure control)"
        self.figures.append((label, value if value is not None else _number(current), change or "",
                             period.long_label if period else ""))


def _overview(b: dict, v: Filter) -> _Section:
    s = _Section("Overview: headline figures")
    crime_p, assess_p = v.pick(CAL_2020), v.pick(ASSESS_2020)
    heads = m.overview_headlines(m.in_wards(b["crimes"], v.wards), m.in_wards(b["asb"], v.wards),
                                 m.in_wards(b["needles"], v.wards), crime_p, assess_p)
    guards = disclosure.guard_specs(m.overview_specs(b["crimes"], b["asb"], b["needles"], crime_p, assess_p),
                                    v.wards, v.suppress)
    for head in heads:
        p = crime_p if head["period"] == crime_p.label else assess_p
        s.add(head["label"], head["current"], head["previous"], p, decimals=1 if head["label"] == "Domestic abuse" else 0,
              guarded=guards.get(head["label"]))
    tops = m.overview_top_wards(b["crimes"], b["asb"], b["needles"], b["wards"], b["population"],
                                v.pick(FY_TO_DATE_2020), assess_p)
    s.tables += [(f"Wards with most: {label.lower()} (whole borough)",
                  disclosure.shown(table, table.columns[1], v.suppress and label != "Anti-social behaviour"))
                 for label, table in tops.items()]
    s.caveats += list(POLICE_CAVEATS)
    return s


def _soc(b: dict, v: Filter) -> _Section:
    s = _Section("Serious and organised crime", actions="soc")
    crimes, p = m.in_wards(b["crimes"], v.wards), v.pick(CAL_2020)
    violent = m.compare(m.violent(crimes), "month", p, by="offence_subgroup", weight="n")
    violent["label"] = m.change_labels(violent)
    total = m.compare(m.violent(crimes), "month", p, weight="n").iloc[0]
    weapons = m.compare(crimes[crimes["crime_type"] == "Possession of weapons"], "month", p, weight="n").iloc[0]
    vap = violent.set_index("offence_subgroup")["current"].get("Violence against the person", 0)
    s.add("Violent crime", total["current"], total["previous"], p)
    s.add("Violence against the person, share of violent crime", None, value=m.format_pct(m.share(vap, total["current"]), signed=False))
    s.add("Possession of weapons", weapons["current"], weapons["previous"], p)
    s.charts.append(charts.change_bars(violent, category="offence_subgroup", current="current", previous="previous",
                                       colour=charts.PRIORITY_COLOURS["soc"], current_label=p.label,
                                       previous_label=p.previous().label,
                                       title=f"Violent crime by subgroup, {p.label} against {p.previous().label}"))
    focus = crimes[crimes["crime_type"].isin(["Robbery", "Possession of weapons", "Drugs"])]
    trend = m.monthly(focus, b["first_month"], b["last_month"], by="crime_type")
    s.charts.append(charts.monthly_trend(trend, series="crime_type", colour=charts.PRIORITY_COLOURS["soc"],
                                         highlight=(p.start, p.end),
                                         title=f"Robbery, weapons and drugs by month, {_plot_text(v.area)}"))
    s.caveats += list(POLICE_CAVEATS) + [m.SIGNIFICANCE_NOTE]
    return s


def _children(b: dict, v: Filter) -> _Section:
    s = _Section("Children and young people", actions="children_young_people")
    yp = v.pick(YOUTH_2019)
    youth = m.youth_summary(b["indicators"], yp)
    if yp.kind != "financial" or not _known(youth["offences"]):
        s.notes.append(f"Youth justice figures are published by financial year, to {YOUTH_2019.label}; "
                       f"showing {YOUTH_2019.label}.")
        yp = YOUTH_2019
        youth = m.youth_summary(b["indicators"], yp)
    s.add("Youth offences (borough)", youth["offences"], youth["offences_previous"], yp)
    s.add("Young people offending (borough)", youth["offenders"], youth["offenders_previous"], yp)
    colour, cp = charts.PRIORITY_COLOURS["children_young_people"], v.pick(CAL_2020)
    s.charts.append(charts.yearly_bars(youth["series"], x="label", y="value", colour=colour,
                                       title="Youth offences by financial year"))
    requests = m.in_wards(b["requests"], v.wards)
    trend = m.monthly(requests[requests["subcategory"] == "Youths gathering"], b["first_month"], b["last_month"])
    s.charts.append(charts.monthly_trend(trend, colour=colour, highlight=(cp.start, cp.end),
                                         title=f"Complaints about young people gathering, by month, {_plot_text(v.area)}"))
    s.caveats += ["Youth justice figures are borough-wide: the ward selection does not apply.",
                  "A complaint about young people gathering is not evidence of a gang."]
    return s


def _domestic_abuse(b: dict, v: Filter) -> _Section:
    s = _Section("Domestic abuse", actions="domestic_abuse")
    colour = charts.PRIORITY_COLOURS["domestic_abuse"]
    crimes, p = m.in_wards(b["crimes"], v.wards), v.pick(CAL_2020)
    da = crimes[crimes["domestic_abuse"].astype(bool)]
    head = m.da_headline(crimes, p)
    guarded = disclosure.guard(b["crimes"][b["crimes"]["domestic_abuse"].astype(bool)], v.wards, p, on=v.suppress)
    types = m.compare(da.assign(da_class=m.da_class(da)), "month", p, by="da_class", weight="n")
    types["label"] = m.change_labels(types, decimals=1)
    if guarded.selection:
        types = disclosure.protect_breakdown(types)
    vap_hidden = disclosure.any_hidden(types[types["da_class"] == "Violence against the person"])
    s.add("Domestic abuse crimes", head["current"], head["previous"], p, decimals=1, guarded=guarded)
    for label, key in (("Share of all crime", "share_of_crime"), ("Share of violent crime", "share_of_violent"),
                       ("Violence against the person, share of DA", "vap_share")):
        hidden = guarded.hidden or (vap_hidden and key == "vap_share")
        s.add(label, None, value=disclosure.HIDDEN if hidden else m.format_pct(head[key], signed=False))
    mp = v.pick(ASSESS_2020)
    marac = m.indicator_window(b["indicators"], "marac_cases_monthly", mp)
    s.add("MARAC cases (borough)", marac["current"], marac["previous"], mp)
    _series_chart(s, m.monthly(da, b["first_month"], b["last_month"]), guarded, colour=colour, highlight=(p.start, p.end),
                  title=f"Domestic abuse crimes by month, {_plot_text(v.area)} ({p.label} shaded)")
    if guarded.series_hidden():
        s.notes.append(f"Domestic abuse by type: {guarded.series_hidden()}")
    else:
        s.charts.append(charts.change_bars(types, category="da_class", current="current", previous="previous",
                                           colour=colour, current_label=p.label, previous_label=p.previous().label,
                                           title=f"Domestic abuse by type, {p.label} against {p.previous().label}"))
    wp = v.pick(FY_TO_DATE_2020)
    table = m.ward_table(b["crimes"][b["crimes"]["domestic_abuse"].astype(bool)], wp, b["wards"], b["population"],
                         rural=config.RURAL_WARDS)
    if v.suppress:  # disclosure control, as on the page: small counts and what would reveal them hidden
        table = disclosure.display(disclosure.suppress_wards(table))
    s.tables.append((f"Top ten wards for domestic abuse, {wp.long_label} (whole borough)",
                     table.head(10)[["rank", "ward_name", "current", "previous", "pct_change", "rate"]]))
    s.caveats += list(POLICE_CAVEATS) + ["MARAC figures are borough-wide.", m.SIGNIFICANCE_NOTE]
    return s


def _substance(b: dict, v: Filter) -> _Section:
    s = _Section("Substance misuse", actions="substance_misuse")
    colour = charts.PRIORITY_COLOURS["substance_misuse"]
    crimes, p, np_ = m.in_wards(b["crimes"], v.wards), v.pick(CAL_2020), v.pick(ASSESS_2020)
    drugs = crimes[crimes["crime_type"] == "Drugs"]
    row = m.compare(drugs, "month", p, weight="n").iloc[0]
    s.add("Drug offences", row["current"], row["previous"], p)
    needles = m.in_wards(b["needles"], v.wards)
    guards = {bulk: disclosure.guard(m.without_bulk(b["needles"], bulk), v.wards, np_, on=v.suppress, date="found",
                                     weight="needles") for bulk in (True, False)}
    change = m.needle_change(needles, np_).iloc[0]
    s.add("Needles found", change["current"], change["previous"], np_, guarded=guards[True])
    without = m.needle_change(needles, np_, include_bulk=False).iloc[0]
    s.add("Needles found, without bulk incidents", without["current"], without["previous"], np_, guarded=guards[False])
    bulk_finds = int(m.in_period(needles, "found", np_)["bulk_incident"].sum())
    s.add("Bulk incidents", bulk_finds, period=np_, value=disclosure.small_count(bulk_finds, v.suppress and bool(v.wards)))
    series = m.maidstone_vs_kent(drugs if v.wards else b["crimes"], b["indicators"], "drug_offences_district", "Drugs",
                                 range(2015, 2021))
    if (series["year"] == 2015).any():
        s.charts.append(charts.indexed_lines(series, base=2015, title="Drug offences, Maidstone and Kent, indexed to 2015 = 100"))
    _series_chart(s, m.needle_monthly(needles, b["first_month"], b["last_month"]), guards[True], colour=colour,
                  highlight=(np_.start, np_.end),
                  title=f"Needles found by month, {_plot_text(v.area)} (including bulk incidents)")
    s.tables.append((f"Top five needle-find locations, {np_.label}",
                     disclosure.shown(m.top_locations(needles, np_), "needles", v.suppress)))
    s.caveats += list(POLICE_CAVEATS) + ["Drug offences are mostly found by proactive policing: a rise can mean more "
                                         "enforcement.", "One needle find can hold many needles; two bulk incidents "
                                         "of bagged, unused needles dominate 2020."]
    return s


def _mental_health(b: dict, v: Filter) -> _Section:
    s = _Section("Mental health", actions="mental_health")
    colour, p = charts.PRIORITY_COLOURS["mental_health"], v.pick(CAL_2020)
    value = lambda q: m.indicator_value(b["indicators"], "section_136_uses", f"{q.start:%Y-%m-%d}")
    if p.kind != "calendar" or not _known(value(p)):
        s.notes.append(f"These figures are published by calendar year, to {CAL_2020.label}; showing {CAL_2020.label}.")
        p = CAL_2020
    s.add("Section 136 uses (borough)", value(p), value(p.previous()), p)
    s136 = m.indicator_series(b["indicators"], "section_136_uses").assign(year=lambda f: f["period_start"].dt.year.astype(str))
    s.charts.append(charts.yearly_bars(s136, x="year", y="value", colour=colour, title="Section 136 (Mental Health Act) uses by year"))
    referrals = m.referral_table(b["indicators"], p)
    s.charts.append(charts.change_bars(referrals, category="age_band", current="current", previous="previous", colour=colour,
                                       current_label=p.label, previous_label=p.previous().label,
                                       title=f"Mental health referrals by age band, {p.label} against {p.previous().label}"))
    s.caveats.append("Health and partnership figures are borough-wide: the ward selection does not apply.")
    return s


def _community_protection(b: dict, v: Filter) -> _Section:
    s = _Section("ASB and community protection")
    colour, p = charts.PRIORITY_COLOURS["asb_community_protection"], v.pick(ASSESS_2020)
    asb, requests = m.in_wards(b["asb"], v.wards), m.in_wards(b["requests"], v.wards)
    police = m.compare(asb, "month", p, weight="n").iloc[0]
    council = m.compare(requests[requests["category"] == "ASB"], "month", p, weight="n").iloc[0]
    s.add("Police-recorded ASB", police["current"], police["previous"], p)
    s.add("ASB complaints to the council", council["current"], council["previous"], p)
    by_category = m.compare(requests, "month", p, by="category", weight="n")
    by_category["label"] = m.change_labels(by_category)
    s.charts.append(charts.change_bars(by_category, category="category", current="current", previous="previous",
                                       colour=colour, current_label=p.label, previous_label=p.previous().label,
                                       title=f"Service requests by category, {p.label} against {p.previous().label}"))
    s.charts.append(charts.monthly_trend(m.monthly(asb, b["first_month"], b["last_month"]), colour=colour,
                                         highlight=(p.start, p.end),
                                         title=f"Police-recorded ASB by month, {_plot_text(v.area)}"))
    year = v.pick(CAL_2020).end.year
    s.tables.append((f"Warnings, notices and penalties, {year} (whole borough)", m.enforcement_table(b["enforcement"], year)))
    s.caveats += [POLICE_CAVEATS[0], "Enforcement figures are borough-wide."]
    return s


def _police(b: dict, v: Filter) -> _Section:
    s = _Section("Police data")
    colour = charts.PRIORITY_COLOURS["police_data"]
    crimes, p, hp = m.in_wards(b["crimes"], v.wards), v.pick(CAL_2020), v.pick(ASSESS_2020)
    total = m.compare(crimes, "month", p, weight="n").iloc[0]
    s.add("Recorded crime", total["current"], total["previous"], p)
    hate = crimes[crimes["hate_strand"].notna()]
    hate_total = m.compare(hate, "month", hp, weight="n").iloc[0]
    guarded = disclosure.guard(b["crimes"][b["crimes"]["hate_strand"].notna()], v.wards, hp, on=v.suppress)
    s.add("Hate crimes", hate_total["current"], hate_total["previous"], hp, guarded=guarded)
    years = m.calendar_years(crimes, b["first_month"], b["last_month"])
    s.charts.append(charts.yearly_bars(years, x="label", y="value", colour=colour,
                                       title=f"Recorded crime by calendar year, {_plot_text(v.area)}"))
    types = m.compare(crimes, "month", p, by="offence_subgroup", weight="n")
    types["label"] = m.change_labels(types)
    s.charts.append(charts.change_bars(types, category="offence_subgroup", current="current", previous="previous",
                                       colour=colour, current_label=p.label, previous_label=p.previous().label,
                                       title=f"Change by crime type, {p.label} against {p.previous().label}"))
    strands = m.share_table(hate, hp, "hate_strand")
    if v.suppress:
        strands = disclosure.suppress_counts(strands, "value", derived=("share",))
    if guarded.series_hidden():
        s.notes.append(f"Hate crime by strand: {guarded.series_hidden()}")
    else:
        s.charts.append(charts.donut(strands, names="hate_strand", values="value",
                                     title=f"Hate crime by strand, {hp.label}"))
    s.caveats += list(POLICE_CAVEATS) + [m.SIGNIFICANCE_NOTE]
    return s


def _series_chart(s: _Section, series: pd.DataFrame, guarded: disclosure.Guarded, *, title: str, **style) -> None:
    """A sensitive monthly series, protected as the page protects it (``ui.monthly_chart``)."""
    shown, why = (None, guarded.series_hidden()) if guarded.series_hidden() else \
        disclosure.protect_series(series, on=guarded.selection)
    if shown is None:
        s.notes.append(f"{title}: {why}")
        return
    s.charts.append(charts.monthly_trend(shown, title=f"{title}, by quarter" if why else title, **style))
    if why:
        s.notes.append(why)


_SECTIONS = (_overview, _soc, _children, _domestic_abuse, _substance, _mental_health, _community_protection, _police)


# Writing the document ---------------------------------------------------------------------

_STYLE = """
body{font-family:"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:#1B2733;margin:0 auto;max-width:1100px;padding:24px}
h1{font-size:26px}h2{border-bottom:2px solid #1F4E79;padding-bottom:4px;margin-top:40px}h3{font-size:16px}
table{border-collapse:collapse;margin:8px 0 16px;font-size:14px}th,td{border:1px solid #D5DAE1;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#F1F4F8}td.n{text-align:right}.notice{background:#FFF4CE;border:1px solid #E0B000;padding:10px 14px}
.caveats{color:#4B5563;font-size:13px}.chart{margin:12px 0}
"""


def _document(view: Filter, sections: list[_Section], actions: pd.DataFrame, *, demo: bool, generated_at: str, provenance: dict) -> str:
    e = html.escape
    parts = [f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{e(TITLE)}</title>"
             f"<style>{_STYLE}</style></head><body>",
             f"<h1>{e(TITLE)}</h1>",
             f"<p><strong>Area:</strong> {e(view.area)}</p>",
             f"<p><strong>Period:</strong> {e(view.when)}</p>",
             f"<p><strong>Generated:</strong> {e(generated_at)}</p>"]
    if demo:
        parts.append(f"<p class=\"notice\"><strong>{e(DEMO_NOTICE)}</strong></p>")
    if view.suppress:
        parts.append(f"<p class=\"notice\">{e(disclosure.note())}</p>")
    plotly_included = False
    for section in sections:
        parts.append(f"<section><h2>{e(section.title)}</h2>")
        parts += [f"<p>{e(note)}</p>" for note in section.notes]
        if section.figures:
            figures = pd.DataFrame(section.figures, columns=["Figure", "Value", "Change", "Period"])
            parts.append(_table(figures, numeric=("Value",)))
        for fig in section.charts:
            parts.append("<div class=\"chart\">" + pio.to_html(
                fig, full_html=False, include_plotlyjs=not plotly_included, config={"displaylogo": False},
                default_width="100%", default_height=f"{fig.layout.height or charts.DEFAULT_HEIGHT}px") + "</div>")
            plotly_included = True
        for title, table in section.tables:
            parts.append(f"<h3>{e(title)}</h3>" + _table(_display(table)))
        caveats = section.caveats + ([DEMO_CAVEAT] if demo else [])
        parts.append("<ul class=\"caveats\">" + "".join(f"<li>{e(c)}</li>" for c in caveats) + "</ul>")
        if section.actions:
            parts.append(_actions(actions, section.actions))
        parts.append("</section>")
    parts.append("<section><h2>Provenance</h2>" + _table(_provenance(provenance)) + "</section>")
    parts.append("</body></html>\n")
    return "\n".join(parts)


def _actions(actions: pd.DataFrame, priority: str) -> str:
    rows = actions[actions["priority"] == priority]
    shown = pd.DataFrame({"Action": rows["action"], "Status": rows["status"], "Update": rows["update"],
                          "Target": rows["target"].dt.strftime("%b %Y").fillna("")})
    return f"<h3>Action plan: {html.escape(ACTION_PRIORITIES[priority].lower())}</h3>" + _table(shown)


def _provenance(provenance: dict) -> pd.DataFrame:
    rows = []
    for name, record in provenance.items():
        record = record or {}
        rows.append({"Dataset": name, "Source": record.get("source", "not loaded"), "Rows": record.get("rows", ""),
                     "From": record.get("first") or "", "To": record.get("last") or "",
                     "Loaded": record.get("loaded_at", ""), "Demonstration": "yes" if record.get("demo") else "no"})
    return pd.DataFrame(rows, columns=["Dataset", "Source", "Rows", "From", "To", "Loaded", "Demonstration"])


_HEADERS = {"rank": "Rank", "ward_name": "Ward", "ward": "Ward", "current": "This period", "previous": "Previous",
            "pct_change": "Change", "rate": "Per 1,000", "location_name": "Location", "needles": "Needles",
            "action": "Action", "category": "Category", "issued": "Issued", "with_police": "With police"}


def _display(table: pd.DataFrame) -> pd.DataFrame:
    """A metrics table with readable headers and its numbers formatted."""
    out = pd.DataFrame(index=table.index)
    for column in table.columns:
        values = table[column]
        # Text cells are already written (disclosure control's "<5", "hidden"): kept as they are.
        if column == "pct_change":
            out["Change"] = [x if isinstance(x, str) else m.format_pct(x) for x in values]
        elif column == "rate":
            out["Per 1,000"] = [x if isinstance(x, str) else "n/a" if not _known(x) else f"{x:.1f}" for x in values]
        else:
            out[_HEADERS.get(column, str(column))] = [_number(x) if isinstance(x, (int, float)) and not isinstance(x, bool)
                                                      else x for x in values]
    return out


def _table(frame: pd.DataFrame, numeric: tuple[str, ...] = ()) -> str:
    """``frame`` as an HTML table, every cell escaped."""
    e = html.escape
    head = "".join(f"<th>{e(str(c))}</th>" for c in frame.columns)
    body = []
    for row in frame.itertuples(index=False):
        cells = "".join(f"<td class=\"n\">{e(_cell(v))}</td>" if c in numeric or _is_number(v) else f"<td>{e(_cell(v))}</td>"
                        for c, v in zip(frame.columns, row))
        body.append(f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _cell(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _number(value)
    return str(value)


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _number(value) -> str:
    """A figure as the app shows it: "2,888", "12.5", "n/a" when unknown."""
    if not _known(value):
        return "n/a"
    value = float(value)
    return f"{int(value):,}" if value.is_integer() else f"{value:,.1f}"


def _known(value) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def _plot_text(text: str) -> str:
    """Text from data made safe for a plotly title, which reads a subset of HTML tags."""
    return html.escape(text, quote=False)
