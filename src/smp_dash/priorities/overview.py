"""The overview: a headline per priority, a small trend per priority, and the wards with most."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from smp_dash import blocks, disclosure, measures, metrics
from smp_dash.periods import ASSESS_2020, CAL_2020, FY_TO_DATE_2020
from smp_dash.selection import Filter
from smp_dash.wording import mid_sentence

#: The headlines: measure and the period the 2020-21 assessment reports it for.
HEADLINES = (("recorded_crime", CAL_2020), ("domestic_abuse", CAL_2020), ("drug_offences", CAL_2020),
             ("asb", ASSESS_2020), ("needles", ASSESS_2020), ("hate_crime", ASSESS_2020))
#: A small trend per priority: the measure behind it.
TRENDS = {"soc": "violent_crime", "children_young_people": "youths_gathering", "domestic_abuse": "domestic_abuse",
          "substance_misuse": "drug_offences", "asb_community_protection": "asb"}
#: The wards with most: label, measure and the period the assessment ranks them for.
TOP_WARDS = (("Domestic abuse", "domestic_abuse", FY_TO_DATE_2020), ("Anti-social behaviour", "asb", ASSESS_2020),
             ("Needles found", "needles", ASSESS_2020))


@dataclass(frozen=True)
class Trend:
    label: str
    series: pd.DataFrame | None     # month, value; None with ``why`` when not shown
    why: str = ""


@dataclass(frozen=True)
class Overview:
    headlines: list[measures.Value]
    trends: dict[str, Trend]
    top_wards: dict[str, tuple[str, pd.DataFrame | None, str]]   # label -> (period label, table, why not)


def figures(bundle, view: Filter) -> Overview:
    """The overview's figures for ``view``."""
    return Overview([measures.value(bundle, m, view, p) for m, p in HEADLINES], trends(bundle, view),
                    top_wards(bundle, view))


def trends(bundle, view: Filter) -> dict[str, Trend]:
    """A monthly series per priority for the selected wards (section 136 yearly, borough-wide)."""
    out = {}
    for priority, measure_id in TRENDS.items():
        measure = measures.get(measure_id)
        why = measures.missing(bundle, measure)
        series = None if why else measures.series(bundle, measure, view.wards)
        if series is not None:
            series, why = measures.protected(bundle, measure, view, series)
        out[priority] = Trend(bundle.mark(measure.label, measure.dataset), series, why or "")
    s136 = metrics.indicator_series(bundle.indicators, "section_136_uses")
    out["mental_health"] = Trend(bundle.mark("Section 136 uses (yearly)", "indicators"),
                                 pd.DataFrame({"month": s136["period_start"], "value": s136["value"]}) if len(s136) else None,
                                 "" if len(s136) else f"{measures.NOT_LOADED}: no section 136 figures (indicators)")
    return {p: out[p] for p in ("soc", "children_young_people", "domestic_abuse", "substance_misuse", "mental_health",
                                "asb_community_protection")}


def top_wards(bundle, view: Filter, n: int = 5) -> dict[str, tuple[str, pd.DataFrame | None, str]]:
    """The ``n`` wards with most of each measure (whole borough), as shown: small counts "<5" when
    disclosure control is on."""
    out = {}
    for name, measure_id, native in TOP_WARDS:
        measure = measures.get(measure_id)
        label = bundle.mark(name, measure.dataset)
        p = view.pick(native, measure.dataset)
        why = measures.missing(bundle, measure, native, view)
        if why:
            out[label] = (p.label, None, why)
            continue
        table = disclosure.published(measures.ward_table(bundle, measure, p, view)[0]).head(n)
        out[label] = (p.label, table[["ward_name", "current"]].rename(columns={"ward_name": "ward", "current": p.label}), "")
    return out


#: Its name in the navigation.
NAME = "Overview"
#: Its chapter in the data pack and the draft.
CHAPTER = "Overview: headline figures"
#: What its sheets in the workbook start with (Excel allows 31 characters a name).
SHEET = "Overview"
TITLE = "Safer Maidstone Partnership: Strategic Assessment {years}, live"
QUESTION = ("Where does the borough stand on each priority, what changed on the previous period, and where should "
            "partners look first?")
#: The page that tells the rest of each priority's story.
LINKS = {"soc": "pages/serious_organised_crime.py", "domestic_abuse": "pages/domestic_abuse.py",
         "substance_misuse": "pages/substance_misuse.py", "asb_community_protection": "pages/community_protection.py",
         "children_young_people": "pages/children_young_people.py", "mental_health": "pages/mental_health.py"}
TRENDS_SOURCE = "Kent Police recorded crime; police.uk ASB; CPT service requests; Kent Police section 136"
#: Pages the overview links to at its foot: path, label, icon.
MORE = (("pages/task_force.py", "Shepway task force", ":material/handshake:"),
        ("pages/police_data.py", "Police data", ":material/local_police:"),
        ("pages/action_plans.py", "Action plans", ":material/checklist:"))


def page(bundle, view: Filter) -> blocks.Page:
    """The overview for ``view``, as every view of it draws it: the page, and the documents' executive
    summary (the sparklines and links are the page's alone)."""
    from smp_dash import bundle as bundles, charts, narrative

    f = figures(bundle, view)
    where = blocks.where(view)
    out = blocks.Page(TITLE, QUESTION, where=where, caveats=list(measures.POLICE_CAVEATS))
    out.add(blocks.DatedHeadlines(tuple(
        blocks.headline(v, decimals=1 if v.measure.id == "domestic_abuse" else 0, where=where,
                        help=f"{v.period.label} against {v.period.previous().label}.") for v in f.headlines)))
    out.add(blocks.Heading("Trend per priority"), blocks.Sparklines(
        tuple(blocks.Sparkline(t.label, "" if t.series is None else charts.sparkline_svg(
            t.series, colour=charts.PRIORITY_COLOURS[priority], label=t.label), t.why, LINKS[priority])
              for priority, t in f.trends.items()),
        TRENDS_SOURCE, f"{bundle.first_month:%b %Y} to {bundle.last_month:%b %Y}, monthly", measures.POLICE_CAVEAT))
    tables, sentences = [], []
    for label, (period, table, why) in f.top_wards.items():
        title = f"Wards with most: {mid_sentence(label)}"
        if table is None:
            tables.append(blocks.Missing(title, why))
            continue
        tables.append(blocks.Table(f"top_{label[:6].lower()}", f"{title}, {period} (whole borough)", table, period=period,
                                   sensitive_wards=not label.startswith("Anti-social behaviour"), ranked=5))
        sentences.append(narrative.leaders(table, what=mid_sentence(label), name="ward", value=period, period=period))
    out.add(blocks.Heading("Wards with most"), blocks.Side(tuple(tables)),
            blocks.Text(tuple(s for s in sentences if s)),
            blocks.Links(MORE, caption=bundles.coverage_line(bundle)))
    return out
