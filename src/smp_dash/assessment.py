"""The assessment for a view: each page's figures, sentences, charts and tables, before any document.

``sections(frames, ...)`` builds the store's frames into a :class:`Section` per page (overview,
serious and organised crime, children and young people, domestic abuse, substance misuse, mental
health, ASB and community protection, police data, the task force, MoRiLE) from the same
``smp_dash.priorities`` figures the pages show, for the same view, with the sentences
:mod:`smp_dash.narrative` writes from them. The HTML data pack (``report``), the Word draft
(``draft``) and the Excel tables (``workbook``) are written from these sections, so no document
can disagree with the dashboard. The table helpers at the end show a table as the pages do.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass, field

import pandas as pd

from smp_dash import blocks, bundle, charts, intake, measures, metrics as m, narrative, periods, significance, spc
from smp_dash.bundle import Bundle
from smp_dash.periods import Period
from smp_dash.priorities import (children_young_people, community_protection, compare, domestic_abuse, mental_health,
                                 morile, overview, police_data, serious_organised_crime, substance_misuse, task_force)
from smp_dash.selection import CHOICES, LATEST, PUBLISHED, Filter

PERIOD_KINDS = CHOICES

def period_from_label(kind: str, label: str | None, first, last) -> Period | None:
    """The period of ``kind`` named ``label`` among those the data covers (newest when no label).

    "latest" and "published" give None (each figure keeps its own kind of period). A kind or
    label the data does not offer raises ValueError naming it and the valid choices.
    """
    if kind not in PERIOD_KINDS:
        raise ValueError(f"unknown period type {kind!r}; choose one of: {', '.join(PERIOD_KINDS)}")
    if kind in (PUBLISHED, LATEST):
        if label:
            raise ValueError(f"--period {label!r} needs a period type other than {kind!r}")
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


def travelling(wards: tuple[str, ...], suppress: bool) -> bool:
    """Disclosure control for a document that leaves the dashboard (the HTML pack, the Word draft, the
    Excel tables): as asked, and always for a ward selection, whose sensitive counts are the smallest."""
    return suppress or bool(wards)


def sections(frames: dict[str, pd.DataFrame] | Bundle, *, wards: tuple[str, ...] = (), ward_names: dict[str, str],
             period_kind: str = LATEST, period_label: str | None = None, suppress: bool = False,
             exclude_outliers: bool = False, provenance: dict | None = None,
             control=None) -> tuple[Filter, list[Section]]:
    """The view and a section per page (figures, sentences, charts, tables, notes), before any document.

    Arguments and errors as for :func:`data_pack`; every section is built from the same
    ``smp_dash.priorities`` figures its page shows, for the same view (``control``: its control
    charts' ``spc.Settings``, the defaults when None). ``frames``: the store's frames,
    or the bundle the app holds (``bundle.from_store``, once per data version): then a view's sections
    are kept in it (:data:`KEPT_VIEWS` views), so the pack, the draft and the tables of one view, from
    any session, read the same sections once. Documents only read them.
    """
    unknown = [w for w in wards if w not in ward_names]
    if unknown:
        raise ValueError(f"unknown ward code(s) {', '.join(unknown)}; expected codes of: {', '.join(ward_names)}")
    held = isinstance(frames, Bundle)
    data = frames if held else bundle.build(
        frames, pd.DataFrame({"ward_code": list(ward_names), "ward_name": list(ward_names.values())}),
        provenance=provenance)
    chosen = period_from_label(period_kind, period_label, data.first_month, data.last_month)
    view = Filter(tuple(wards), tuple(ward_names[w] for w in wards), period_kind, chosen, exclude_outliers,
                  suppress=suppress, spans=data.spans, control=control or spc.Settings())
    if not held:
        return view, [chapter(page, data, view) for page in CHAPTERS]
    kept = data.memo.setdefault("sections", {})
    made = kept.get(view)
    if made is None:
        made = [chapter(page, data, view) for page in CHAPTERS]
        with _KEEPING:          # sessions of one server share the bundle
            kept[view] = made
            while len(kept) > KEPT_VIEWS:
                del kept[next(iter(kept))]     # the oldest view's
    return view, made


#: The views whose sections a bundle keeps for documents (each a few megabytes of charts and tables).
KEPT_VIEWS = 8
_KEEPING = threading.Lock()


def dataset(frames: dict[str, pd.DataFrame] | Bundle, name: str) -> pd.DataFrame:
    """The actions or population of the store's ``frames`` or of a bundle (as :func:`sections` takes either)."""
    return getattr(frames, name) if isinstance(frames, Bundle) else frames[name]


@dataclass(frozen=True)
class Figure:
    """A key figure as shown (``value``, ``change``, ``period`` are text) and the numbers behind it."""

    label: str
    value: str                      # "2,888", "<5", "n/a", "19%"
    change: str                     # "+156 (+5.7%) on 2019", or why there is none
    period: str                     # the period's long label
    current: float | None = None    # the count shown (None when it is not a number shown)
    previous: float | None = None   # the count it is compared with (None when no change is shown)
    previous_period: str = ""
    verdict: str = ""               # significance.Change.verdict, when a change is shown


@dataclass
class Section:
    """One page of the assessment: what it shows, before it is written as HTML, Word or Excel."""

    title: str
    figures: list[Figure] = field(default_factory=list)
    charts: list = field(default_factory=list)                                # go.Figure
    tables: list[tuple[str, pd.DataFrame]] = field(default_factory=list)
    caveats: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    actions: str | None = None
    story: list[str] = field(default_factory=list)    # sentences written from the figures (smp_dash.narrative)
    where: str = ""                                   # "in the whole borough", "in Shepway North": for sentences
    sheet: str = ""                                   # what its workbook sheets' names start with

    def add(self, label: str, current, previous=None, period: Period | None = None, *, decimals: int = 0,
            value: str | None = None, where: str | None = None) -> None:
        """A figure from two counts (or a ``value`` already written, such as a share), with its sentence."""
        against = period.previous().label if period else ""
        change = m.change_text(current, previous, against, decimals) if previous is not None else None
        shown = value if value is not None else _number(current)
        verdict = significance.poisson_change(current, previous).verdict if change else ""
        self.figures.append(Figure(label, shown, change or "", period.long_label if period else "",
                                   current if value is None and _known(current) else None,
                                   previous if change else None, against if change else "", verdict))
        if change:
            self.story.append(narrative.change(label.removesuffix(" (borough)"), current, previous, period.label, against,
                                               where=self.where if where is None else where, decimals=decimals))
        elif value is None and period is not None and not _known(current):
            self.story.append(f"{label.removesuffix(' (borough)')}, {period.long_label}: {measures.NOT_LOADED}.")

    def add_without_change(self, label: str, current, period: Period, why: str, *, where: str | None = None) -> None:
        """A figure with no change on the year before, and ``why`` (``Bundle.no_comparison``) as its change."""
        self.figures.append(Figure(label, _number(current), why, period.long_label, current))
        self.story.append(narrative.without_change(label.removesuffix(" (borough)"), current, period.label, why,
                                                   where=self.where if where is None else where))

    def add_value(self, v: measures.Value, *, decimals: int = 0, label: str = "") -> None:
        """A measure's headline as the page shows it: the reason where there is no figure, the
        disclosure control's "<5"/"hidden", "no comparison" where the data starts too late."""
        named = label or v.label
        label = measures.marked(named, v.demo)
        period = v.period.long_label
        if not v.available:
            self.figures.append(Figure(label, "n/a", v.missing, period))
        elif v.guarded is not None and v.guarded.change_hidden and (v.guarded.hidden or v.comparable):
            hidden = v.guarded.hidden
            self.figures.append(Figure(label, v.guarded.text() if hidden else _number(v.current),
                                       "not shown (disclosure control)", period, None if hidden else v.current))
        elif not v.comparable:
            self.figures.append(Figure(label, _number(v.current), v.no_comparison, period, v.current))
        else:
            self.add(label, v.current, v.previous, v.period, decimals=decimals)
            self.story.pop()   # the measure's own sentence below says it (with the reason when there is none)
        self.story.append(narrative.headline(v, where=self.where, decimals=decimals,
                                             label=measures.marked(named if named != v.label else v.measure.label, v.demo)))
        self.notes += [n for n in v.notes if n not in self.notes]

    def figures_table(self) -> pd.DataFrame:
        """The key figures as the documents show them: figure, value, change and period, as text."""
        return pd.DataFrame([(f.label, f.value, f.change, f.period) for f in self.figures],
                            columns=["Figure", "Value", "Change", "Period"])

    def figure(self, fig, why: str) -> None:
        """A chart built from data that may hold nothing: the chart, or a note saying ``why`` there is none."""
        if _drawn(fig):
            self.charts.append(fig)
        else:
            self.notes.append(f"{fig.layout.title.text}: {why}")

    def changes(self, table: pd.DataFrame, category: str, p: Period, title: str, colour: str,
                no_comparison: str | None = None) -> None:
        """A breakdown's bars for ``p`` against the year before, titled "<title>, <p> against <p - 1>";
        with ``no_comparison`` (why there is none) the bars of ``p`` alone, and a note saying why."""
        if no_comparison:
            self.notes.append(f"{title}, {p.label}: {no_comparison}.")
        self.charts.append(charts.change_bars(table, category=category, current="current", previous="previous",
                                              colour=colour, current_label=p.label, previous_label=p.previous().label,
                                              title=f"{title}, {p.label}" + ("" if no_comparison else
                                                                             f" against {p.previous().label}")))

    def chart(self, frame: pd.DataFrame | None, why: str, title: str, build, **style) -> None:
        """A chart of ``frame`` (``build(frame, title=...)``), or a note saying why there is none;
        a sensitive series shown by calendar year says so (``why`` is then the sentence)."""
        if frame is None:
            self.notes.append(f"{title}: {why}")
            return
        yearly = title.replace(" by month", " by calendar year") if " by month" in title else f"{title}, by calendar year"
        self.charts.append(build(frame, title=yearly if why else title, **style))
        if why:
            self.notes.append(why)


def section(title: str, page: blocks.Page) -> Section:
    """A page model (``smp_dash.blocks``) as a document's chapter called ``title``: its key figures
    and their sentences, charts, tables, sentences, notes, caveats and action plan, in the page's
    order; blocks marked ``document=False`` are the page's alone."""
    s = Section(title, where=page.where, actions=page.actions)
    for block in page.blocks:
        if isinstance(block, blocks.Headlines):
            for h in (h for h in block.items if h.document):
                s.figures.append(Figure(h.label, h.value, h.change, h.period, h.current, h.previous, h.previous_period,
                                        h.verdict))
                s.story += [h.sentence] if h.sentence else []
                s.notes += [n for n in h.notes if n not in s.notes]
        elif isinstance(block, blocks.Chart) and block.document:
            if block.figure is None:
                s.notes.append(f"{block.title}: {block.missing}")
            else:
                s.charts.append(block.figure)
                s.story += [f"{block.title}. {block.control}"] if block.control else []
        elif isinstance(block, blocks.Table) and block.document:
            s.tables.append((block.title, block.frame))
        elif isinstance(block, blocks.Text) and block.document:
            s.story += list(block.sentences)
        elif isinstance(block, blocks.Missing):
            s.notes.append(f"{block.title}: {block.why}")
        elif isinstance(block, blocks.WardMap) and block.no_comparison:
            s.notes.append(f"{block.title}: {block.no_comparison}.")
        elif isinstance(block, blocks.Caption) and block.document:
            s.notes.append(block.text)
        elif isinstance(block, blocks.Places):
            s.tables += [(t.title, t.frame) for t in block.tables if t.document]
        elif isinstance(block, blocks.Listing) and block.document:
            s.tables.append((block.title, block.frame))
        elif isinstance(block, blocks.DistrictMap) and block.document:   # police data: the district table
            s.tables.append((block.title, block.table))
        elif isinstance(block, blocks.Note):                              # children and young people
            s.notes.append(block.text)
        elif isinstance(block, blocks.Side):                              # overview: tables side by side
            s.tables += [(t.title, t.frame) for t in block.items if isinstance(t, blocks.Table) and t.document]
            s.notes += [f"{t.title}: {t.why}" for t in block.items if isinstance(t, blocks.Missing)]
        elif isinstance(block, blocks.Expander):                          # a method: what it holds for documents
            s.notes += [b.text for b in block.blocks if isinstance(b, blocks.Caption) and b.document]
        elif isinstance(block, blocks.Ranking):                           # MoRiLE: the ranking and its chart
            s.tables.append((block.table.title, block.table.frame[list(block.document_columns)]))
            s.charts.append(block.chart.figure)
    s.caveats += page.caveats
    return s


#: The pages the documents carry as chapters, in order.
CHAPTERS = (overview, serious_organised_crime, children_young_people, domestic_abuse, substance_misuse, mental_health,
            community_protection, police_data, compare, task_force, morile)


def chapter(page, data: Bundle, view: Filter) -> Section:
    """The chapter of ``page`` (a module of ``smp_dash.priorities``) for ``view``: its model, under its name."""
    s = section(getattr(page, "CHAPTER", page.NAME), page.page(data, view))
    s.sheet = page.SHEET
    return s


def actions_table(actions: pd.DataFrame) -> pd.DataFrame:
    """Action plan rows as the documents show them: action, status, update, target month."""
    return pd.DataFrame({"Action": actions["action"], "Status": actions["status"], "Update": actions["update"],
                         "Target": actions["target"].dt.strftime("%b %Y").fillna("")})


def provenance_frame(provenance: dict) -> pd.DataFrame:
    table = intake.provenance_table(records=provenance)
    return table.drop(columns="sha256").rename(columns={
        "dataset": "Dataset", "kind": "Kind", "source": "Source", "rows": "Rows", "first": "From", "last": "To",
        "loaded_at": "Loaded"})


HEADERS = {"rank": "Rank", "ward_name": "Ward", "ward": "Ward", "current": "This period", "previous": "Previous",
            "pct_change": "Change", "rate": "Per 1,000", "location_name": "Location", "needles": "Needles",
            "action": "Action", "category": "Category", "issued": "Issued", "with_police": "With police",
            "measure": "Measure", "area": "Area", "theme": "Theme", "priority_area": "Priority area", "priority": "Score",
            "harm": "Harm", "likelihood": "Likelihood", "lad_name": "District"}


def display(table: pd.DataFrame) -> pd.DataFrame:
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
            out[HEADERS.get(column, str(column))] = [_number(x) if isinstance(x, (int, float)) and not isinstance(x, bool)
                                                      else x for x in values]
    return out


def cell_text(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _number(value)
    return str(value)


def is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _number(value) -> str:
    """A figure as the app shows it: "2,888", "12.5", "n/a" when unknown."""
    if not _known(value):
        return "n/a"
    value = float(value)
    return f"{int(value):,}" if value.is_integer() else f"{value:,.1f}"


def _drawn(fig) -> bool:
    """Whether a figure has a number to draw (an empty chart is never shown)."""
    return any(len(values) and pd.to_numeric(pd.Series(list(values)), errors="coerce").notna().any()
               for trace in fig.data for attr in ("y", "x", "values")
               if (values := getattr(trace, attr, None)) is not None)


def _known(value) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value))

