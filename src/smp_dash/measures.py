"""Every measure once: what it counts, from which dataset, and what the data must hold for it.

A :class:`Measure` names its dataset, its row rule, the field its rows must carry (police.uk
street-level data has no domestic-abuse flag, no hate strand and no Home Office subgroup for
"Violence and sexual offences"), its unit, source and caveat, and whether it is sensitive
(person-level, under disclosure control). Pages, the data pack and ``smp-dash figures`` count
through it, so a rule such as "what counts as domestic abuse" is written here and nowhere else.

:func:`value` is a measure's headline for a view: the count in the period the view picks, the
period before where the data covers it, and, instead of a number, the reason when there is
none: the dataset is not loaded, its rows lack the field, or the data covers the period only
in part. Missing is never zero.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Callable

import pandas as pd

from smp_dash import config, disclosure, metrics, protection, schema
from smp_dash.bundle import DATED, DEMO_MARK
from smp_dash.demo.calibration import ILLUSTRATIVE
from smp_dash.periods import Period
from smp_dash.selection import Filter

#: The Home Office subgroups the assessment's "violent crime" adds up.
VIOLENT_SUBGROUPS = ("Violence against the person", "Sexual offences", "Robbery")
#: police.uk's categories that hold the same crimes (it does not split violence from sexual offences).
VIOLENT_CATEGORIES = ("Violence and sexual offences", "Robbery")
#: How police.uk's street-level categories map onto the Home Office subgroups the assessment uses.
CROSSWALK = {
    "Violence and sexual offences": "Violence against the person; Sexual offences",
    "Robbery": "Robbery",
    "Burglary": "Burglary - residential; Burglary - business and community",
    "Criminal damage and arson": "Criminal damage and arson",
    "Drugs": "Drug offences",
    "Possession of weapons": "Possession of weapons offences",
    "Public order": "Public order offences",
    "Bicycle theft": "Theft offences", "Shoplifting": "Theft offences", "Other theft": "Theft offences",
    "Theft from the person": "Theft offences",
    "Vehicle crime": "Vehicle offences",
    "Other crime": "Miscellaneous crimes against society",
}
#: What to load when crimes lack the force's flags.
FORCE_EXTRACT = f"load Kent Police's extract through {schema.template('crimes')} (Data page)"
NOT_LOADED = "not in the data loaded"
#: What every police figure carries: where its locations are, and what it counts.
POLICE_CAVEATS = ("police.uk locations are approximate (snapped to anonymous map points).",
                  "Police data shows only crime that was reported and recorded.")
POLICE_CAVEAT = " ".join(POLICE_CAVEATS)


def flags_known(crimes: pd.DataFrame) -> pd.Series:
    """Crimes whose source records the force's flags (domestic abuse, hate strand): not police.uk's."""
    return crimes["domestic_abuse"].notna()


def subgroup_known(crimes: pd.DataFrame) -> pd.Series:
    """Crimes with a Home Office subgroup."""
    return crimes["offence_subgroup"].notna()


def domestic_abuse(crimes: pd.DataFrame) -> pd.Series:
    """Crimes the force flags as domestic-abuse related."""
    return crimes["domestic_abuse"].eq(True).fillna(False).astype(bool)


def hate_crime(crimes: pd.DataFrame) -> pd.Series:
    """Crimes with a hate strand."""
    return crimes["hate_strand"].notna()


def violent(crimes: pd.DataFrame) -> pd.Series:
    """Violent crime: the Home Office subgroups, or police.uk's categories where the subgroup is unknown."""
    by_subgroup = crimes["offence_subgroup"].isin(VIOLENT_SUBGROUPS)
    return (by_subgroup | (~subgroup_known(crimes) & crimes["crime_type"].isin(VIOLENT_CATEGORIES))).astype(bool)


def crime_type(name: str) -> Callable[[pd.DataFrame], pd.Series]:
    """Crimes of police.uk category ``name``."""
    rule = lambda crimes: crimes["crime_type"] == name  # noqa: E731
    rule.__doc__ = f"Crimes of category {name!r}."
    return rule


def request_category(name: str, column: str = "category") -> Callable[[pd.DataFrame], pd.Series]:
    """Service requests of ``category`` (or ``subcategory``) ``name``."""
    return lambda requests: requests[column] == name


@dataclass(frozen=True)
class Measure:
    """A count the dashboard shows: what it counts, from where, and what it needs."""

    id: str
    label: str
    dataset: str                   # the store's dataset
    frame: str                     # the bundle's frame: crimes, asb, requests or needles
    rule: Callable[[pd.DataFrame], pd.Series] | None = None    # rows counted (None: every row)
    known: Callable[[pd.DataFrame], pd.Series] | None = None   # rows whose source records what ``rule`` reads
    lacking: str = ""              # why rows may lack it, and what to load instead
    substitute: str = ""           # the label of the sound substitute ``rule`` uses where ``known`` is False
    date: str = "month"
    weight: str | None = "n"
    unit: str = "count"
    source: str = ""
    caveat: str = ""
    sensitive: bool = False

    def rows(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The rows of ``frame`` the measure counts."""
        return frame if self.rule is None else frame[self.rule(frame).to_numpy(dtype=bool)]

    def total(self, rows: pd.DataFrame) -> float:
        return float(rows[self.weight].sum()) if self.weight else float(len(rows))


_CRIMES = "Kent Police recorded crime"
_POLICE_UK = "police.uk street-level crime"
MEASURES: dict[str, Measure] = {m.id: m for m in (
    Measure("recorded_crime", "Recorded crime", "crimes", "crimes", source=_CRIMES),
    Measure("domestic_abuse", "Domestic abuse", "crimes", "crimes", domestic_abuse, flags_known,
            f"police.uk has no domestic-abuse flag; {FORCE_EXTRACT}", source=f"{_CRIMES}, domestic-abuse flag",
            sensitive=True),
    Measure("violent_crime", "Violent crime", "crimes", "crimes", violent, subgroup_known,
            substitute="police.uk's 'Violence and sexual offences' plus 'Robbery'",
            source=f"{_CRIMES} (violence against the person, sexual offences, robbery)"),
    Measure("drug_offences", "Drug offences", "crimes", "crimes", crime_type("Drugs"), source=_CRIMES,
            caveat="Drug offences are mostly found by proactive policing: a rise can mean more enforcement."),
    Measure("weapons", "Possession of weapons", "crimes", "crimes", crime_type("Possession of weapons"), source=_CRIMES),
    Measure("robbery", "Robbery", "crimes", "crimes", crime_type("Robbery"), source=_CRIMES),
    Measure("hate_crime", "Hate crimes", "crimes", "crimes", hate_crime, flags_known,
            f"police.uk has no hate crime strand; {FORCE_EXTRACT}", source=f"{_CRIMES}, hate crime flag",
            sensitive=True),
    Measure("asb", "ASB incidents", "asb_incidents", "asb", source="police.uk anti-social behaviour incidents"),
    Measure("needles", "Needles found", "needle_finds", "needles", date="found", weight="needles",
            source="Maidstone Borough Council waste team needle log", sensitive=True,
            caveat="Needles, not finds: one find can hold many needles."),
    Measure("council_asb", "ASB complaints to the council", "service_requests", "requests", request_category("ASB"),
            source="Community Protection Team service requests"),
    Measure("service_requests", "Service requests", "service_requests", "requests",
            source="Community Protection Team service requests"),
    Measure("youths_gathering", "Complaints about young people gathering", "service_requests", "requests",
            request_category("Youths gathering", "subcategory"), source="Community Protection Team service requests"),
)}
#: Where each dataset comes from, for "not in the data loaded" messages.
LOAD_HINTS = {"crimes": "load police.uk street files or Kent Police's extract (Data page, or smp-dash ingest)",
              "asb_incidents": "load police.uk street files (they hold ASB)",
              "needle_finds": f"load the waste team's needle log through {schema.template('needle_finds')}",
              "service_requests": f"load the Community Protection Team's requests through "
                                  f"{schema.template('service_requests')}",
              "actions": f"load each priority's actions through {schema.template('actions')} (Data page)"}


def not_loaded_why(dataset: str) -> str:
    """Why a figure from ``dataset`` is not shown when nothing of it is loaded, and how to load it."""
    hint = LOAD_HINTS.get(dataset, f"load it through {schema.template(dataset)} (Data page)")
    return f"{NOT_LOADED}: no {schema.named(dataset)}; {hint}"


def get(measure_id: str) -> Measure:
    """The measure called ``measure_id``."""
    try:
        return MEASURES[measure_id]
    except KeyError:
        raise ValueError(f"unknown measure {measure_id!r}; expected one of {', '.join(MEASURES)}") from None


@dataclass(frozen=True)
class Value:
    """A measure's headline for a view: the counts, or why there are none.

    ``current`` is None when ``missing`` says why there is no figure; ``previous`` is None when
    ``no_comparison`` says why there is no change. ``notes`` say what a reader should know (a
    substitute used, months excluded); ``guarded`` is set for a sensitive measure.
    """

    measure: Measure
    period: Period
    current: float | None
    previous: float | None
    missing: str | None = None
    no_comparison: str | None = None
    notes: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()
    guarded: disclosure.Guarded | None = None
    label: str = ""
    demo: bool = False             # demonstration data shown beside real data (``Bundle.demonstration``)

    @property
    def title(self) -> str:
        """The label as the figure stands on a page or in a document: marked when it is demonstration data."""
        return marked(self.label, self.demo)

    @property
    def available(self) -> bool:
        return self.current is not None

    @property
    def comparable(self) -> bool:
        return self.current is not None and self.previous is not None


def value(bundle, measure: Measure | str, view: Filter, native: Period, *, label: str = "",
          frame: pd.DataFrame | None = None, variant: str = "") -> Value:
    """``measure``'s count for ``view`` (its wards, and the period it picks for ``native``).

    Parameters
    ----------
    bundle : Bundle
        The data in use (``smp_dash.bundle``).
    measure : Measure or str
        The measure, or its id.
    view : Filter
        Wards, period choice, outlier exclusion and disclosure control.
    native : Period
        The period the 2020-21 assessment reports the figure for (its shape for "latest").
    label : str, optional
        The headline's label (the measure's by default).
    frame : DataFrame, optional
        The measure's frame for the whole borough when it differs from the bundle's (needles
        without bulk finds, say).
    variant : str, optional
        The name of that frame (``frame`` is protected under this name, once per data version).

    Returns
    -------
    Value
        With ``missing`` set when the dataset is not loaded, its rows lack what the measure
        reads, or the data does not cover the whole period; ``no_comparison`` when it does not
        cover the period before.
    """
    measure = get(measure) if isinstance(measure, str) else measure
    label = label or measure.label
    demo = bundle.demonstration(measure.dataset)
    p = view.pick(native, measure.dataset)
    whole = getattr(bundle, measure.frame) if frame is None else frame
    reason = _kept(bundle, ("missing", measure.id, variant, p), frame, lambda: _missing(bundle, measure, whole, p))
    if reason:
        return Value(measure, p, None, None, missing=reason, label=label, demo=demo)
    notes = _kept(bundle, ("notes", measure.id, variant, p), frame, lambda: _notes(measure, whole, p))
    counts, weight = by_ward(bundle, measure, frame=frame, variant=variant)
    selected = metrics.in_wards(counts, view.wards)
    no_comparison = bundle.no_comparison(p, measure.dataset)
    row = metrics.compare_excluding(selected, p, view.exclude_outliers, date=measure.date, weight=weight)
    guarded = shield(bundle, measure, frame=frame, variant=variant).guard(view.wards, p, on=view.suppress) \
        if measure.sensitive else None
    return Value(measure, p, float(row["current"]), None if no_comparison else float(row["previous"]),
                 no_comparison=no_comparison, notes=notes, excluded=tuple(row["excluded"]), guarded=guarded,
                 label=label, demo=demo)


def _kept(bundle, key: tuple, frame: pd.DataFrame | None, work):
    """``work()``, kept in ``bundle.memo`` under ``key`` (once per data version) when the frame it reads
    is named: the bundle's own (``frame`` None) or a ``variant`` (the key's third part)."""
    if frame is not None and not key[2]:
        return work()
    if key not in bundle.memo:
        bundle.memo[key] = work()
    return bundle.memo[key]


def per_view(bundle, name: str, view, work):
    """``work()`` for ``view``, kept in ``bundle.memo`` for the last :data:`VIEWS_KEPT` views asking
    under ``name``: for what two of a page's calls for one view read (its widget's choices and its
    model). Dropped with the bundle's data version."""
    with _PER_VIEW:
        kept = bundle.memo.setdefault(("per_view", name), OrderedDict())
        if view in kept:
            kept.move_to_end(view)
            return kept[view]
    out = work()
    with _PER_VIEW:
        kept[view] = out
        while len(kept) > VIEWS_KEPT:
            kept.popitem(last=False)
    return out


#: How many views :func:`per_view` keeps for each name.
VIEWS_KEPT = 32
_PER_VIEW = threading.Lock()


def by_ward(bundle, measure: Measure | str, *, frame: pd.DataFrame | None = None,
            variant: str = "") -> tuple[pd.DataFrame, str]:
    """The rows ``measure`` counts, summed per date and ward (date, ward_code, and the weight), and the
    weight's column: what a view's count and every ward's count read, made once per data version (a
    view's wards then pick from a few thousand rows, not the whole cube). Rows with no ward or date
    stay, under a missing key, as the whole borough's count holds them."""
    measure = get(measure) if isinstance(measure, str) else measure
    weight = measure.weight or "n"

    def sums():
        rows = measure.rows(getattr(bundle, measure.frame) if frame is None else frame)
        values = rows[measure.weight] if measure.weight else pd.Series(1, index=rows.index, dtype="int64")
        if not pd.api.types.is_integer_dtype(values):     # sums of counts only: the same whatever the order
            return rows if measure.weight else rows.assign(**{weight: values})
        keys = [rows[measure.date], rows["ward_code"]]
        return values.groupby(keys, observed=True, dropna=False, sort=False).sum().rename(weight).reset_index()
    return _kept(bundle, ("by_ward", measure.id, variant), frame, sums), weight


def shield(bundle, measure: Measure | str, *, frame: pd.DataFrame | None = None,
           variant: str = "") -> protection.Protection:
    """What a viewer may see of a sensitive ``measure`` (or of its ``variant``, counted from
    ``frame``): worked out once per data version and kept in the bundle, so every view asks the
    same :class:`~smp_dash.protection.Protection`."""
    measure = get(measure) if isinstance(measure, str) else measure
    key = ("protection", measure.id, variant, config.SUPPRESSION_THRESHOLD)
    if key not in bundle.memo:
        whole = getattr(bundle, measure.frame) if frame is None else frame
        cover = bundle.coverage[measure.dataset]
        bundle.memo[key] = protection.build(measure.rows(whole), bundle.wards["ward_code"], cover.first, cover.last,
                                            date=measure.date, weight=measure.weight)
    return bundle.memo[key]


def protected(bundle, measure: Measure | str, view: Filter, frame: pd.DataFrame | None, *,
              whole: pd.DataFrame | None = None, variant: str = "", area=None) -> tuple[pd.DataFrame | None, str]:
    """A monthly series of ``measure`` for the view's wards (or ``area``) as it may be shown, and why
    not (by calendar year, or not at all) when disclosure control keeps its months back."""
    measure = get(measure) if isinstance(measure, str) else measure
    if frame is None or not (measure.sensitive and view.suppress):
        return frame, ""
    return shield(bundle, measure, frame=whole, variant=variant).series(frame, view.wards if area is None else area)


#: Said where a selection's breakdown is left out because one of its categories would give a small count away.
BREAKDOWN_HIDDEN = ("Not shown: disclosure control hides a category of this selection (a count from 1 to 4, or one "
                    "that another view would give back), and the breakdown would show it.")


def breakdown_hidden(bundle, measure: Measure | str, view: Filter, period: Period, by: str,
                     frame: pd.DataFrame | None = None) -> str | None:
    """Why a ward selection's breakdown of a sensitive ``measure`` by ``by`` (DA by type, hate crime by
    strand) is not shown, or None. Each category is a count of its own for the selection: the whole
    breakdown goes when any category of it, this period or the one before, may not be shown.
    ``frame``: the measure's frame with the ``by`` column, when the bundle's lacks it."""
    measure = get(measure) if isinstance(measure, str) else measure
    if not (measure.sensitive and view.suppress and view.wards):
        return None
    whole = getattr(bundle, measure.frame) if frame is None else frame
    rows = measure.rows(whole)
    for category in rows[by].dropna().unique():
        guarded = shield(bundle, measure, frame=whole[whole[by].eq(category).fillna(False).to_numpy()],
                         variant=f"{by}={category}").guard(view.wards, period)
        if guarded.change_hidden:
            return BREAKDOWN_HIDDEN
    return None


def against(table: pd.DataFrame, value: Value) -> pd.DataFrame:
    """A breakdown's table (current, previous, change, pct_change[, label]) for ``value``'s period,
    without the previous period when the data does not cover it: no bar of zeros, no change."""
    if value.comparable or not value.available:
        return table
    return without_previous(table)


def without_previous(table: pd.DataFrame, rows=None) -> pd.DataFrame:
    """``table`` with its previous period, change and % change missing (in ``rows``, a mask; every row
    when None) and, where it has one, a "label" reading "no comparison": what a table shows for a
    period whose year before the data does not wholly hold (``Bundle.no_comparison``)."""
    rows = pd.Series(True if rows is None else rows, index=table.index).astype(bool)
    out = disclosure.hide_rows(table, rows, ("previous", "change", "pct_change"))
    return out.assign(label=out["label"].where(~rows, "no comparison")) if "label" in out.columns else out


def ward_table(bundle, measure: Measure | str, p: Period, view: Filter | None = None, *,
               frame: pd.DataFrame | None = None, variant: str = "", rural: tuple[str, ...] = ()) -> tuple[pd.DataFrame, str]:
    """Every ward's count of ``measure`` in ``p`` (``metrics.ward_table``) as it may be shown, and why
    it has no change on the year before ("" when it has one: then the previous count, change and %
    change are missing, so no map colours a change and no table prints one). A sensitive measure
    under the ``view``'s disclosure control comes in :func:`smp_dash.disclosure.suppress_wards`'s
    form, each ward hidden as its :class:`~smp_dash.protection.Protection` says. ``frame`` (named
    ``variant``): the measure's frame for the whole borough when it differs from the bundle's
    (needles without bulk finds, say)."""
    measure = get(measure) if isinstance(measure, str) else measure
    suppress = bool(measure.sensitive and view is not None and view.suppress)

    def table():        # every ward's: the same for every selection, so made once per data version
        counts, weight = by_ward(bundle, measure, frame=frame, variant=variant)
        out = metrics.ward_table(counts, p, bundle.wards, bundle.population, date=measure.date, weight=weight,
                                 rural=rural)
        why = bundle.no_comparison(p, measure.dataset)
        if why:
            out = without_previous(out)
        if suppress:
            out = shield(bundle, measure, frame=frame, variant=variant).ward_table(out, p)
        return out, why or ""
    out, why = _kept(bundle, ("ward_table", measure.id, variant, p, rural, suppress), frame, table)
    return out.copy(deep=False), why      # a frame of its own for the caller (copied on write)


def not_loaded(bundle, dataset: str) -> str:
    """Why a partner dataset's table or chart is not shown ("" when it holds rows)."""
    return "" if bundle.loaded(dataset) and dataset_rows(bundle, dataset) else not_loaded_why(dataset)


#: Why no rate per 1,000 residents is shown: said once for maps, charts, tables and the method notes.
NO_POPULATION = (f"{NOT_LOADED}: no ward populations, so no rates per 1,000 residents (load them through "
                 f"{schema.template('population')})")


def marked(text: str, demo: bool) -> str:
    """``text`` with :data:`~smp_dash.bundle.DEMO_MARK` when ``demo`` (``Bundle.demonstration`` of the
    dataset it comes from, worked out when the figure was); ``Bundle.mark`` asks the bundle itself."""
    return f"{text} {DEMO_MARK}" if demo and DEMO_MARK not in text else text


def population_note(population: pd.DataFrame, year: int | None = None) -> str:
    """Where the ward populations behind rates per 1,000 residents come from, in a sentence: the year a
    rate for ``year`` uses (``metrics.population_year``; every year loaded when None) and its source.
    :data:`NO_POPULATION` when none is loaded."""
    if population.empty:
        return NO_POPULATION
    if year is None:
        first, last = int(population["year"].min()), int(population["year"].max())
        years, rows = (str(first) if first == last else f"{first} to {last}"), population
    else:
        chosen = metrics.population_year(population, year)
        years, rows = str(chosen), population[population["year"] == chosen]
    sources = sorted({str(s) for s in rows["source"].dropna()} - {""})
    return (f"Rates per 1,000 residents use the ward populations loaded for {years}"
            + (f" ({'; '.join(sources)})" if sources else "") + ".")


def illustrative(rows: pd.DataFrame, label: str) -> str:
    """Which rows of a series the demonstration data made up around the published figures (their
    ``source`` says so), named by their ``label`` in a sentence: "Illustrative (demonstration data):
    2015, 2016, 2017 and 2018." "" when none is."""
    made_up = list(dict.fromkeys(rows.loc[rows["source"].astype(str) == ILLUSTRATIVE, label].astype(str)))
    if not made_up:
        return ""
    listed = made_up[0] if len(made_up) == 1 else f"{', '.join(made_up[:-1])} and {made_up[-1]}"
    return f"Illustrative {DEMO_MARK}: {listed}."


def dataset_rows(data, dataset: str) -> int:
    """Rows of ``dataset`` in the bundle (its cube's frame for the dated datasets, ``bundle.DATED``)."""
    return len(getattr(data, DATED[dataset][0] if dataset in DATED else dataset))


def series(bundle, measure: Measure | str, wards=(), *, by: str | None = None,
           frame: pd.DataFrame | None = None) -> pd.DataFrame | None:
    """``measure``'s monthly counts in ``wards`` over the months its dataset covers (month, [by], value).

    Months the dataset holds no rows for at all (a gap in police.uk's publication, say) are
    missing (NaN), never zero. None when the dataset holds no rows.
    """
    measure = get(measure) if isinstance(measure, str) else measure
    cover = bundle.coverage.get(measure.dataset)
    if cover is None:
        return None
    if by is None:
        rows, weight = by_ward(bundle, measure, frame=frame)
    else:
        rows, weight = measure.rows(getattr(bundle, measure.frame) if frame is None else frame), measure.weight
    return metrics.monthly(metrics.in_wards(rows, wards), cover.first, cover.last,
                           date=measure.date, weight=weight, by=by, gaps=cover.gaps)


def missing(bundle, measure: Measure | str, native: Period | None = None, view: Filter | None = None, *,
            period: Period | None = None) -> str | None:
    """Why ``measure`` has no figure for the view's period (None when it has one); ``period``: for that
    period instead (a page that shows every measure for one period)."""
    measure = get(measure) if isinstance(measure, str) else measure
    whole = getattr(bundle, measure.frame)
    p = period if period is not None else \
        view.pick(native, measure.dataset) if view is not None and native is not None else None
    return _missing(bundle, measure, whole, p)


def _missing(bundle, measure: Measure, whole: pd.DataFrame, p: Period | None) -> str | None:
    if not bundle.loaded(measure.dataset) or measure.dataset not in bundle.coverage:
        return not_loaded_why(measure.dataset)
    if measure.known is not None and not measure.substitute:
        rows = whole if p is None else metrics.in_period(whole, measure.date, p)
        if len(rows) and not measure.known(rows).any():
            return f"{NOT_LOADED}: {measure.lacking}"
    if p is None:
        return None
    why = bundle.coverage[measure.dataset].shortfall(p)
    return f"n/a: {why} ({schema.named(measure.dataset)})" if why else None


def _notes(measure: Measure, whole: pd.DataFrame, p: Period) -> tuple[str, ...]:
    if measure.known is None:
        return ()
    rows = metrics.in_period(whole, measure.date, p)
    known = measure.known(rows)
    if not len(rows) or known.all():
        return ()
    share = measure.total(rows[~known.to_numpy()]) / max(measure.total(rows), 1)
    if measure.substitute:
        return (f"{share:.0%} of crimes have no Home Office subgroup (police.uk): counted by "
                f"{measure.substitute}.",)
    return (f"{share:.0%} of rows in this period come from a source without the field "
            f"({measure.lacking.split(';')[0]}): they are not counted.",)


@dataclass(frozen=True)
class Chart:
    """A chart's data as a priority's figures give it: what to draw, or why not."""

    title: str
    data: pd.DataFrame | None
    missing: str | None = None
    notes: tuple[str, ...] = field(default=())
