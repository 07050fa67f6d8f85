"""A page's content as blocks: what the page, the data pack, the draft and the workbook all draw.

A page model (``priorities.<page>.page(bundle, view)``) returns a :class:`Page`: its blocks in
order, each already protected (disclosure control applied where the block was made), already
checked for coverage (a figure the data cannot give carries its reason, never a 0) and already
worded (titles, periods, sources and caveats written once, here). A renderer decides only how a
block looks: ``ui.draw`` in Streamlit, ``assessment.section`` for the HTML pack, the Word draft
and the Excel workbook. No renderer decides what a figure is, which period it covers or whether it
may be shown.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

import pandas as pd

from smp_dash import measures, metrics, narrative, significance, spc
from smp_dash.fingerprints import by_data


@dataclass(frozen=True)
class Heading:
    """A section heading; ``present=False``: presentation mode leaves the section out."""

    title: str
    present: bool = True


@dataclass(frozen=True)
class Headline:
    """A key figure as shown (``value``, ``change`` and ``period`` are text) and the numbers behind it.

    ``delta`` is the short change a tile shows ("+5.7% · beyond chance"), ``colour`` whether it is
    coloured ("inverse": a rise red) or grey ("off"), ``arrow`` which way its arrow points ("auto": as
    the delta's sign says; "off", decided here, when the delta shows no change, "0%" or "+0", whatever
    the unrounded change was); ``help`` what hovering says; ``caption`` a
    line under the tile (why there is no figure or comparison); ``sentence`` the figure in words
    for documents ("" when it needs none); ``document=False``: shown on the page only.
    """

    label: str
    value: str
    change: str = ""
    period: str = ""
    delta: str | None = None
    colour: str = "off"
    help: str | None = None
    caption: str = ""
    sentence: str = ""
    current: float | None = None
    previous: float | None = None
    previous_period: str = ""
    verdict: str = ""
    notes: tuple[str, ...] = ()
    document: bool = True
    arrow: str = "auto"

    def __post_init__(self):
        if self.arrow == "auto" and shows_no_change(self.delta):
            object.__setattr__(self, "arrow", "off")


#: The figure a delta starts with ("+5.7% · beyond chance", "-12 on a year earlier", "0%").
_DELTA_FIGURE = re.compile(r"\s*([+-]?\d[\d,]*(?:\.\d+)?)")


def shows_no_change(delta: str | None) -> bool:
    """Whether ``delta`` shows a change of nothing as it is written ("0%", "+0", "-0.0%"): a tile draws no
    arrow for it, as an up arrow on "0%" says a rise the figure does not show."""
    figure = _DELTA_FIGURE.match(delta or "")
    return bool(figure) and float(figure.group(1).replace(",", "")) == 0


@dataclass(frozen=True)
class Headlines:
    """A row of key figures; ``note`` is said under the row (e.g. "the ward filter does not apply")."""

    items: tuple[Headline, ...]
    note: str = ""


@dataclass(frozen=True)
class Chart:
    """A plotly chart with the data behind it (its CSV and workbook sheet), or why it is not shown.

    ``figure`` is None exactly when ``missing`` says why. ``period`` and ``source`` go under it and
    into its exports; ``sensitive_wards``: ward-level sensitive data, which viewers may not download.
    """

    key: str
    title: str
    figure: object | None
    data: pd.DataFrame | None
    source: str
    period: str
    caveat: str = ""
    missing: str = ""
    exclusions: str = ""
    sensitive_wards: bool = False
    all_wards: bool = False
    document: bool = True
    control: str = ""       # what its control chart says (spc), or why it has none: the sentence under it


@dataclass(frozen=True)
class WardMap:
    """A ward map of ``table`` (``measures.ward_table``: protected, with or without a comparison)."""

    key: str
    title: str
    table: pd.DataFrame
    caption: str
    colour: str
    sensitive: bool = False
    no_comparison: str = ""
    points: pd.DataFrame | None = None


@dataclass(frozen=True)
class Table:
    """A table as shown (numbers already written where disclosure control turned them into text)."""

    key: str
    title: str
    frame: pd.DataFrame
    period: str = ""
    sensitive_wards: bool = False
    all_wards: bool = False
    ranked: int = 0
    document: bool = True
    export: pd.DataFrame | None = None     # what its download holds, when more than the rows shown
    text: bool = False                     # its numbers are already written as text (disclosure control)


@dataclass(frozen=True)
class Text:
    """Sentences written from the figures (``narrative``)."""

    sentences: tuple[str, ...]
    document: bool = True


@dataclass(frozen=True)
class Missing:
    """In place of a chart, table or map: what it would show and why it is not."""

    title: str
    why: str


@dataclass(frozen=True)
class Actions:
    """A priority's action plan."""

    priority: str


@dataclass
class Page:
    """A page's blocks in order, its caveats, and where its figures are ("in the whole borough")."""

    title: str
    question: str
    blocks: list = field(default_factory=list)
    caveats: list[str] = field(default_factory=list)
    where: str = ""
    actions: str | None = None     # the priority whose action plan the page carries

    def add(self, *blocks) -> None:
        self.blocks.extend(b for b in blocks if b is not None)

    def of(self, kind) -> list:
        """The blocks of one kind, in order (headlines inside rows flattened)."""
        if kind is Headline:
            return [h for row in self.blocks if isinstance(row, Headlines) for h in row.items]
        return [b for b in self.blocks if isinstance(b, kind)]


#: Where a borough-wide figure is, in a sentence.
BOROUGH = "in the whole borough"


def where(view) -> str:
    """Where the view's figures are, in a sentence: "in the whole borough", "in Shepway North and Shepway South"."""
    if not view.wards:
        return BOROUGH
    return f"in {view.area}" if len(view.names) <= 3 else f"in the {len(view.names)} wards selected"


def plot_text(text: str) -> str:
    """Text from data made safe for a plotly title, which reads a subset of HTML tags."""
    return html.escape(text, quote=False)


#: What Streamlit's markdown reads as markup (links, images, emphasis, HTML, headings, lists, maths).
_MARKDOWN_SPECIAL = "\\`*_{}[]()<>#+-.!|~$:"


def plain(text: str) -> str:
    """``text`` escaped so that Streamlit's markdown shows it as written: no link, image, emphasis or HTML
    (a name typed into a link, an uploaded label, in a heading or a list drawn as markdown)."""
    return "".join(f"\\{c}" if c in _MARKDOWN_SPECIAL else c for c in str(text))


# Key figures ---------------------------------------------------------------------------------

def headline(v: measures.Value, *, decimals: int = 0, label: str = "", where: str = "", help: str | None = None,
             document: bool = True) -> Headline:
    """A measure's headline as every view shows it: the reason where there is no figure, disclosure
    control's "<5"/"hidden", "no comparison" and why, or the count, its change and whether chance
    could explain it; with its sentence."""
    named = label or v.label
    shown = measures.marked(named, v.demo)
    period = v.period.long_label
    excluded = f"Excluded outlier months: {', '.join(v.excluded)}." if v.excluded else ""
    detail = " ".join(t for t in (help, *v.notes, excluded) if t) or None
    sentence = narrative.headline(v, where=where, decimals=decimals,
                                  label=measures.marked(named if named != v.label else v.measure.label, v.demo))
    common = dict(period=period, sentence=sentence, notes=tuple(v.notes), document=document)
    if not v.available:
        return Headline(shown, "n/a", v.missing, help=" ".join(t for t in (v.missing, detail) if t),
                        caption=v.missing, **common)
    guarded = v.guarded
    if guarded is not None and guarded.change_hidden and (guarded.hidden or v.comparable):
        value = guarded.text() if guarded.hidden else number(v.current)
        against = v.period.previous().label
        return Headline(shown, value, "not shown (disclosure control)", current=None if guarded.hidden else v.current,
                        help=" ".join(t for t in (detail, f"Change on {against} not shown.",
                                                  "Hidden by disclosure control: the count is from 1 to 4, or would "
                                                  "let a small count elsewhere be worked out.") if t), **common)
    if not v.comparable:
        return Headline(shown, number(v.current), v.no_comparison, current=v.current, caption=v.no_comparison,
                        help=" ".join(t for t in (v.no_comparison + ".", detail) if t), **common)
    return change(shown, v.current, v.previous, v.period, decimals=decimals, help=detail, **common)


def change(label: str, current: float, previous: float, p, *, decimals: int = 0, help: str | None = None,
           sentence: str | None = None, where: str = "", **common) -> Headline:
    """A count with its change on the same months a year earlier and whether chance could explain it
    (exact Poisson test, 5%): beyond chance coloured, within chance grey, small numbers never coloured."""
    against = p.previous().label
    test = significance.poisson_change(current, previous)
    text = metrics.change_text(current, previous, against, decimals)
    short = "small numbers" if test.small_numbers else "beyond chance" if test.significant else "within chance"
    delta = f"{metrics.format_pct(metrics.pct_change(current, previous), decimals)} · {short}" if text else None
    detail = f"{text} ({number(previous)} then). Change {test.verdict}; exact Poisson test." if text else None
    if sentence is None:
        sentence = narrative.change(label, current, previous, p.label, against, where=where, decimals=decimals) \
            if text else ""
    common.setdefault("period", p.long_label)
    return Headline(label, number(current), text or "", delta=delta, colour="inverse" if test.significant else "off",
                    help=" ".join(t for t in (help, detail) if t) or None, sentence=sentence, current=current,
                    previous=previous if text else None, previous_period=against if text else "",
                    verdict=test.verdict if text else "", **common)


def number(value, *, of: float | None = None) -> str:
    """A figure for display: "n/a" when missing, with its share of ``of`` when given."""
    if value is None or value != value:
        return "n/a"
    text = f"{int(value):,}" if float(value).is_integer() else f"{value:,.1f}"
    return f"{text} ({value / of * 100:.0f}%)" if of else text


# Charts -------------------------------------------------------------------------------------

def monthly(frame: pd.DataFrame | None, *, key: str, title: str, colour: str, source: str, period: str, why: str = "",
            caveat: str = "", series: str | None = None, highlight=None, y: str = "value", y_title: str = "Count",
            extra_flags: pd.Series | None = None, exclude_outliers: bool = False, control=None) -> Chart:
    """A monthly trend with outliers flagged by the robust rule (and ``extra_flags``, e.g. bulk needle
    finds), with or without them as the view says, and its control chart (``control``, the view's
    ``spc.Settings``): mean, process limits, special causes and the latest month's variation, on the
    chart, in its data and in the sentence under it.

    The rule judges the counts in ``value`` (its Poisson floor needs counts) even when the chart
    draws another column ``y``, such as a rate. ``frame`` comes as it may be shown
    (``measures.protected``): a sensitive series by calendar year with ``why`` saying so, or None with
    ``why`` saying why not. The control chart is worked out from the series as shown, so its mean
    and limits say nothing of a month disclosure control hides: a series shown by year has none.
    """
    from smp_dash import charts, outliers

    if frame is None:       # not in the data loaded, or hidden by disclosure control
        return Chart(key, title, None, None, source, period, missing=why)
    if why:                 # a sensitive series shown by year (protection.Protection.series)
        yearly = title.replace(" by month", " by calendar year") if " by month" in title else f"{title}, by calendar year"
        fig = charts.monthly_trend(frame, series=series, y=y, title=yearly, colour=colour, highlight=highlight,
                                   y_title=y_title)
        return Chart(key, yearly, fig, frame, source, period, caveat=" ".join(t for t in (caveat, why) if t),
                     control=NO_CONTROL_BY_YEAR)
    flags = outliers.flag_series(frame, series=series)
    if extra_flags is not None:
        flags = flags | extra_flags.reindex(frame.index, fill_value=False).astype(bool)
    flagged = frame.loc[flags, "month"].dt.strftime("%b %Y").tolist()
    shown, note, excluded = frame.assign(outlier=flags), "", ""
    if flagged:
        note = f"Flagged outliers ({outliers.RULE}): {', '.join(flagged)}."
    if exclude_outliers and flagged:
        shown = outliers.without(frame, flags, y=y).assign(outlier=False)
        excluded = f"flagged months replaced by the median of the {outliers.WINDOW} months before: {', '.join(flagged)}"
        note = f"Excluded: {excluded}."
    limits, said = control_chart(shown, key=key, y=y, series=series, settings=control)
    drawn = None if limits is None else shown.join(limits)
    fig = charts.monthly_trend(shown, series=series, y=y, title=title, colour=colour, highlight=highlight,
                               outliers="outlier", y_title=y_title, limits=drawn, said=said)
    shown = shown if drawn is None else drawn.drop(columns="icon")
    return Chart(key, title, fig, shown, source, period, caveat=" ".join(t for t in (caveat, note) if t),
                 exclusions=excluded, control=said)


#: Which way is improvement on each monthly chart (by its key), and why where it is not plain: the
#: measure states it once here, and the analyst may set another (``spc.Settings.improve``).
IMPROVEMENT = {
    "soc_trend": ("Robbery, weapons and drugs", spc.DOWN, ""),
    "nte": ("Violence and public order, town centre", spc.DOWN, ""),
    "da_trend": ("Domestic abuse crimes", spc.NEITHER,
                 "more domestic abuse recorded can be better reporting and recording, not more abuse"),
    "needles_monthly": ("Needles found", spc.NEITHER, "more needles found can be more searching and reporting"),
    "youth_asb": ("Complaints about young people gathering", spc.DOWN, ""),
    "focus_trend": ("Task force focus area", spc.DOWN, ""),
}
NO_CONTROL_BY_YEAR = ("No control chart: process limits need the months, which disclosure control does not show "
                      "for this area.")


def control_chart(frame: pd.DataFrame, *, key: str, y: str = "value", series: str | None = None,
                  settings=None) -> tuple[pd.DataFrame | None, str]:
    """The control chart (``spc.xmr``) of each line of a monthly ``frame`` as shown, row for row
    (``mean``, ``upper``, ``lower``, ``special``: the variation of a special-cause point; ``icon``
    the line's latest month's), and what it says, naming the measure's direction of improvement
    (:data:`IMPROVEMENT`, or as the analyst set it); (None, why) when there is too little to chart."""
    settings = settings or spc.Settings()
    label, default, because = IMPROVEMENT.get(key, ("", spc.NEITHER, ""))
    improve = settings.direction(key, default)
    if improve == spc.NEITHER:
        direction = f"No direction of improvement is set{f': {because}' if because else ''}."
    else:
        direction = f"Improvement is a {'rise' if improve == spc.UP else 'fall'}" + (
            " (set by the analyst)." if improve != default else ".")
    parts, out = [], []
    for name, rows in ([(None, frame)] if series is None else frame.groupby(series, sort=False, observed=True)):
        rows = rows[rows[y].notna()].sort_values("month", kind="stable")
        if len(rows) < spc.LEAST:
            return None, f"No control chart: fewer than {spc.LEAST} months to work out process limits from."
        rebase, note = _rebase(rows["month"], settings.rebase)
        c = spc.xmr(rows[y].to_numpy(dtype="float64"), baseline=max(settings.baseline, spc.LEAST), rebase=rebase)
        marked = c.marked()
        out.append(pd.DataFrame({"mean": c.mean, "upper": c.upper, "lower": c.lower,
                                 "special": [spc.category(side, improve) if side else "" for side in marked],
                                 "icon": spc.category(c.latest(), improve)}, index=rows.index))
        said = " ".join(spc.sentences(c, rows["month"], improve=improve) + ([note] if note else []))
        parts.append(said if name is None else f"{name}: {said}")
    if not out:          # a chart of lines with no rows at all (a dataset the store holds empty)
        return None, f"No control chart: fewer than {spc.LEAST} months to work out process limits from."
    limits = pd.concat(out).reindex(frame.index)
    limits[["special", "icon"]] = limits[["special", "icon"]].fillna("")
    return limits, "Control chart: " + " ".join(parts) + f" {direction}"


def _rebase(months: pd.Series, at) -> tuple[int | None, str]:
    """The position of the re-baseline month ``at`` in ``months``, and why it is not applied when it
    leaves fewer than ``spc.LEAST`` months on either side."""
    if at is None:
        return None, ""
    position = int(months.searchsorted(pd.Timestamp(at)))
    if spc.LEAST <= position <= len(months) - spc.LEAST:
        return position, ""
    return None, f"Not re-baselined at {pd.Timestamp(at):%b %Y}: it leaves fewer than {spc.LEAST} months on one side."


def overlay(frame: pd.DataFrame, p, cover, *, key: str, title: str, colour: str, source: str,
            exclude_outliers: bool = False) -> Chart:
    """This period against the previous one on the same month axis, each month over the same month a
    year earlier and a gap where the data (``cover``, the dataset's months) lacks one; outliers flagged
    as on every monthly chart (judged on the whole series) and excluded when the view says."""
    from smp_dash import charts

    now, before, note, excluded = metrics.overlay(frame, cover.first, p, exclude_outliers, last=cover.last,
                                                  gaps=cover.gaps)
    fig = charts.period_overlay(now, before, title=title, colour=colour, current_label=p.label,
                                previous_label=p.previous().label, outliers="outlier")
    return Chart(key, title, fig, metrics.overlay_table(now, before), source, f"{p.label} and {p.previous().label}",
                 caveat=note, exclusions=excluded)


def funnel(table: pd.DataFrame, population: pd.DataFrame, *, key: str, colour: str, period: str, title: str,
           sensitive: bool = False) -> Chart:
    """Ward rates against the borough rate with 95% and 99.8% limits (``table`` from
    ``measures.ward_table``, protected or not), on the ward ``population`` loaded (its source in the
    caveat; why there is no plot without one). A hidden ward is left off: its rate would give its
    count away. Every ward's, so the same for every ward selection: made once per data
    (``fingerprints.by_data``)."""
    return by_data(_funnel, table, population, key=key, colour=colour, period=period, title=title, sensitive=sensitive)


def _funnel(table: pd.DataFrame, population: pd.DataFrame, *, key: str, colour: str, period: str, title: str,
            sensitive: bool) -> Chart:
    import numpy as np

    from smp_dash import charts, disclosure

    hidden = 0
    if "suppressed" in table.columns:
        hidden = int(table["current"].isna().sum())
        table = table[table["current"].notna().to_numpy()]
    wards, rate = significance.ward_funnel(table)
    if wards.empty:
        why = measures.NO_POPULATION if population.empty else f"{measures.NOT_LOADED}: no ward population for these wards"
        return Chart(key, title, None, None, "ward counts and ward populations", period, missing=why)
    limits = significance.funnel_limits(np.linspace(wards["population"].min() * 0.9, wards["population"].max() * 1.05,
                                                    120), rate)
    above = wards.loc[wards["position"].str.startswith("above"), "ward_name"].tolist()
    data = wards[["ward_name", "current", "population", "rate", "lower_95", "upper_95", "lower_99.8", "upper_99.8",
                  "position"]]
    return Chart(key, title, charts.funnel(wards, limits, rate=rate, title=title, colour=colour), data,
                 "ward counts and ward populations", period, all_wards=True, sensitive_wards=sensitive,
                 exclusions=f"{hidden} ward{'s' * (hidden != 1)} {disclosure.HIDDEN} by disclosure control"
                 if hidden else "",
                 caveat=f"Borough rate {rate:.1f} per 1,000. Wards above the 99.8% limit are very unlikely to differ by "
                        "chance" + (f": {', '.join(above)}." if above else "; none this period.")
                        + f" {measures.population_note(population, table.attrs.get('population_year'))}")


def changes(table: pd.DataFrame | None, *, key: str, category: str, p, title: str, colour: str, source: str,
            why: str = "", no_comparison: str = "") -> Chart:
    """A breakdown's bars for ``p`` against the year before, titled "<title>, <p> against <p - 1>"; with
    ``no_comparison`` (why there is none) the bars of ``p`` alone, saying why; None ``table``: ``why``."""
    from smp_dash import charts, disclosure

    full = f"{title}, {p.label}" + ("" if no_comparison else f" against {p.previous().label}")
    if table is None:
        return Chart(key, full, None, None, source, p.label, missing=why)
    fig = charts.change_bars(table, category=category, current="current", previous="previous", colour=colour,
                             current_label=p.label, previous_label=p.previous().label, title=full)
    return Chart(key, full, fig, disclosure.published(table), source,
                 p.label if no_comparison else f"{p.label} and {p.previous().label}",
                 caveat=f"{no_comparison}." if no_comparison else metrics.SIGNIFICANCE_NOTE)


#: Ward table columns as the pages and documents show them.
WARD_COLUMNS = ["rank", "ward", "current", "previous", "pct_change", "rate"]


def ward_top(table: pd.DataFrame, *, key: str, title: str, n: int = 10, sensitive: bool = False) -> Table:
    """The ``n`` wards with most (``table`` from ``measures.ward_table``, protected or not), rural wards
    marked; its download holds every ward, ranked."""
    from smp_dash import disclosure

    protected = "suppressed" in table.columns
    shown = disclosure.display(table).assign(rural=table["rural"].to_numpy()) if protected else table
    shown = shown.assign(ward=shown["ward_name"] + shown["rural"].map({True: " (rural)", False: ""}))
    return Table(key, title, shown.head(n)[WARD_COLUMNS], sensitive_wards=sensitive, all_wards=True, ranked=5,
                 export=shown, text=protected)


# Substance misuse page ----------------------------------------------------------------------

@dataclass(frozen=True)
class Caption:
    """A line the page says where it stands (a caveat under figures, why a table is empty); the
    documents note it only when ``document`` (a caveat they already carry is page-only)."""

    text: str
    document: bool = True


@dataclass(frozen=True)
class Places:
    """Tables naming places (needle-find locations), side by side. Only people who may see locations
    are shown them (the renderer checks the person, as for a map's points); everyone else reads
    ``withheld``. The documents carry the tables marked ``document``."""

    tables: tuple[Table, ...]
    withheld: str


def percent(value) -> str:
    """A share as the pages write it: "27%", or "n/a" when it is not in the data."""
    return "n/a" if value is None or value != value else f"{number(value)}%"


def split(page: Page, heading: str) -> tuple[Page, Page]:
    """``page`` in two at the first heading that starts with ``heading``: for a page that draws a
    widget of its own between them (the needle finds' "include bulk incidents")."""
    at = next((i for i, b in enumerate(page.blocks) if isinstance(b, Heading) and b.title.startswith(heading)),
              len(page.blocks))
    return (Page(page.title, page.question, page.blocks[:at], page.caveats, page.where, page.actions),
            Page(page.title, page.question, page.blocks[at:], page.caveats, page.where, page.actions))


# Serious and organised crime page ------------------------------------------------------------

@dataclass(frozen=True)
class Listing:
    """A short table read whole, with its source and period under it (the operations an assessment
    reports); in presentation mode a numbered list."""

    key: str
    title: str
    frame: pd.DataFrame
    source: str
    period: str
    document: bool = True


def with_units(frame: pd.DataFrame, value: str = "value", unit: str = "unit") -> pd.DataFrame:
    """``value`` written with its ``unit`` as people write it ("£42,000", "27%", "12 days"), ``unit`` dropped."""
    def written(v, u) -> str:
        if v is None or v != v:
            return "n/a"
        text = number(v)
        return {"gbp": f"£{text}", "percent": f"{text}%", "count": text, "people": f"{text} people",
                "days": f"{text} days", "years": f"{text} years", "rate": f"{text} per 1,000"}.get(u, f"{text} {u}")
    return frame.assign(**{value: [written(v, u) for v, u in zip(frame[value], frame[unit])]}).drop(columns=unit)
# Police data ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class DistrictMap:
    """Kent's districts coloured by recorded crime (``table``: lad_name, current, previous, pct_change);
    the documents print ``table`` under ``title``, the page maps it with ``title`` as its caption."""

    key: str
    title: str
    table: pd.DataFrame
    colour: str
    document: bool = True


# Children and young people --------------------------------------------------------------------

@dataclass(frozen=True)
class Note:
    """Something a reader must know before the figures (e.g. that another period is shown): on the
    page in a box, in the documents among the notes."""

    text: str


# Overview -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class DatedHeadlines(Headlines):
    """A row of key figures over different periods: each tile says the period it counts under it."""


@dataclass(frozen=True)
class Sparkline:
    """A priority's small trend (``svg``: ``charts.sparkline_svg`` of a protected series, "" with ``why``)
    and the page that tells the rest (``link``: its path under pages/)."""

    label: str
    svg: str
    why: str
    link: str


@dataclass(frozen=True)
class Sparklines:
    """Small trends side by side, with their sources and period under them: the page's alone."""

    items: tuple[Sparkline, ...]
    source: str
    period: str
    caveat: str = ""
    document: bool = False


@dataclass(frozen=True)
class Side:
    """Tables (or why each is not shown, ``Missing``) side by side; the documents print them in turn."""

    items: tuple


@dataclass(frozen=True)
class Links:
    """A line about the data and links to other pages (path, label, icon): the page's alone."""

    links: tuple[tuple[str, str, str], ...]
    caption: str = ""
    document: bool = False


# The task force page ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Against(Headline):
    """A key figure whose tile compares it with another area rather than with the year before (the
    documents keep its ``change`` on the year before); ``arrow`` "up", "down" or "off": which way the
    tile's delta points, as its sign does not say it ("12.3 per 1,000, lower than the rest (14.0)")."""

    arrow: str = "off"


@dataclass(frozen=True)
class AgainstRow(Headlines):
    """A row of :class:`Against` figures (drawn with their arrows)."""


# The mental health page ------------------------------------------------------------------------

@dataclass(frozen=True)
class Said(Text):
    """Sentences the page shows too, each after its ``lead`` in bold ("**Outreach:** Since ..."); the
    documents write them after the lead ("Outreach: Since ...")."""

    lead: str = ""


def said(text: str, lead: str = "", *, document: bool = True) -> Said:
    """``text`` said (under ``lead`` when given), on the page and in the documents."""
    return Said((f"{lead}: {text}" if lead else text,), document=document, lead=lead)


# Scenarios and MoRiLE -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Expander:
    """Blocks folded under a title the reader opens (a method, every case tried); the documents carry
    only the captions in it marked for them (a method in plain words)."""

    title: str
    blocks: tuple
    icon: str | None = None


@dataclass(frozen=True)
class Ranking:
    """A ranking ``table`` beside its bar ``chart``: the page shows the table's ``columns``, the documents
    print its ``document_columns`` and the chart."""

    table: Table
    chart: Chart
    columns: tuple[str, ...]
    document_columns: tuple[str, ...]


# Action plans page ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Tally:
    """How many rows the page's choices keep, in words ("12 of 48 actions shown."), ``lead`` the part
    it stresses: the page's alone."""

    text: str
    lead: str
    document: bool = False


@dataclass(frozen=True)
class ActionPlan:
    """Actions (priority, action, status, update, target) read whole, the priority first when
    ``by_priority``, with where they come from and when their statuses stand under them (``demo``:
    demonstration actions beside real data, which the source says); the page's alone (each
    chapter carries its own priority's plan, :class:`Actions`)."""

    rows: pd.DataFrame
    source: str
    period: str
    demo: bool = False
    by_priority: bool = True
    document: bool = False


# Data page -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Caution(Note):
    """A note no reader may miss (demonstration and real data mixed): on the page in a warning box."""
