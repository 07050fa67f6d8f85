"""What every page and the data pack draw from: the store's frames as small cubes, once.

:func:`build` turns the store's frames into a :class:`Bundle`: crimes, ASB and service requests
as cubes (counts per month, ward and the dimensions the pages split by), the other datasets as
they are, the wards, which datasets are loaded (their provenance) and what months each covers.
It reads nothing and imports no streamlit: the app caches one per process, the data pack and
the command line build their own.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from smp_dash import config, geo, intake, metrics, periods, schema, store
from smp_dash.periods import Period

#: The bundle's frame for each dataset whose months matter, and the column that dates it.
DATED = {"crimes": ("crimes", "month"), "asb_incidents": ("asb", "month"),
         "service_requests": ("requests", "month"), "needle_finds": ("needles", "found")}
#: Datasets published month by month for the whole force (police.uk): a month with no rows at
#: all is a month missing from the data, not a month with none. A partner's log can have a quiet month.
MONTHLY_RELEASES = ("crimes", "asb_incidents")
#: How a figure from demonstration data says so where it stands (tile, table, chart) when real data
#: is in use beside it: the page's banner alone does not tell which figure is which.
DEMO_MARK = "(demonstration data)"


@dataclass(frozen=True)
class Coverage:
    """The months a dataset holds: first, last, and the months between with no rows at all."""

    first: pd.Timestamp
    last: pd.Timestamp
    gaps: tuple[pd.Timestamp, ...] = ()

    @property
    def label(self) -> str:
        gaps = f"; no rows in {', '.join(f'{m:%b %Y}' for m in self.gaps[:6])}" \
            f"{' and more' if len(self.gaps) > 6 else ''}" if self.gaps else ""
        return f"{self.first:%b %Y} to {self.last:%b %Y}{gaps}"

    def shortfall(self, p: Period) -> str | None:
        """Why the dataset does not hold every month of ``p`` (None when it does): ``periods.shortfall``."""
        return periods.shortfall(p, self.first, self.last, self.gaps)

    def no_comparison(self, p: Period) -> str | None:
        """Why a figure for ``p`` may not be compared with the year before (None when it may):
        ``periods.no_comparison``, the one rule every change, previous value and change class follows."""
        return periods.no_comparison(p, self.first, self.last, self.gaps)


@dataclass(frozen=True)
class Bundle:
    """Everything a page reads, built once and never mutated."""

    crimes: pd.DataFrame          # cube: month, ward_code, crime_type, offence_subgroup, domestic_abuse, hate_strand, n
    asb: pd.DataFrame             # cube: month, ward_code, n
    requests: pd.DataFrame        # cube: month, ward_code, category, subcategory, n
    needles: pd.DataFrame         # rows (bulk incidents and places matter)
    enforcement: pd.DataFrame
    encampments: pd.DataFrame
    indicators: pd.DataFrame
    actions: pd.DataFrame
    population: pd.DataFrame
    csp_crime: pd.DataFrame       # Home Office crime by partnership: quarter, partnership, offence group
    lad_population: pd.DataFrame  # ONS populations by district
    csp_comparators: pd.DataFrame  # the partnerships the analyst compares Maidstone with (none: its force's)
    wards: pd.DataFrame           # ward_code, ward_name (the polygons are in ``geojson``)
    geojson: dict | None = None   # simplified ward polygons for maps, or None
    boundary_error: str | None = None
    provenance: dict = field(default_factory=dict)
    demo: bool = True
    first_month: pd.Timestamp = pd.Timestamp(config.DEMO_START)
    last_month: pd.Timestamp = pd.Timestamp("2021-03-01")
    coverage: dict = field(default_factory=dict)   # dataset -> Coverage, for the datasets holding rows
    #: What is worked out once per data version and shared by every view (each sensitive measure's
    #: ``protection.Protection``; the Scenarios page's projections, a few views' worth): filled on
    #: first use, never part of the data.
    memo: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def ward_names(self) -> dict[str, str]:
        return dict(zip(self.wards["ward_code"], self.wards["ward_name"]))

    @property
    def ward_codes(self) -> dict[str, str]:
        return dict(zip(self.wards["ward_name"], self.wards["ward_code"]))

    def loaded(self, dataset: str) -> bool:
        """Whether ``dataset`` is in the store (a provenance record), even with no rows."""
        return bool(self.provenance.get(dataset))

    def no_comparison(self, p: Period, *datasets: str) -> str | None:
        """Why a figure for ``p`` drawn from ``datasets`` may not be compared with the same months a
        year earlier, or None when it may: every dataset must hold every month of both periods
        (:meth:`Coverage.no_comparison`). A dataset holding no rows allows no comparison."""
        for name in datasets:
            cover = self.coverage.get(name)
            why = f"no comparison: no {schema.named(name)} in the data" if cover is None else cover.no_comparison(p)
            if why:
                return why.replace("the data ", f"the {schema.named(name)} data ", 1) if len(datasets) > 1 else why
        return None
    def demonstration(self, dataset: str) -> bool:
        """Whether figures from ``dataset`` must say where they stand that they are demonstration data:
        it is, and some other dataset in use is real (a fetch into a demonstration store, say)."""
        return (intake.kind_of(self.provenance.get(dataset)) == intake.DEMONSTRATION
                and intake.mixed(records=self.provenance))   # the rule of the pages' "Mixed data" notice

    def mark(self, text: str, *datasets: str) -> str:
        """``text`` (a figure's label, a table's or chart's title, a source) with :data:`DEMO_MARK` when a
        figure from ``datasets`` must say it is demonstration data (:meth:`demonstration`)."""
        return f"{text} {DEMO_MARK}" if any(map(self.demonstration, datasets)) and DEMO_MARK not in text else text

    @property
    def spans(self) -> tuple:
        """(dataset, first month, last month, months missing) per dataset holding rows, for ``Filter.spans``."""
        return tuple((name, c.first, c.last, c.gaps) for name, c in self.coverage.items())


def from_store(folder, geo_dir, lad: str) -> Bundle:
    """The bundle of the store in ``folder`` for the wards of district ``lad`` (boundaries from
    ``geo_dir``). Without the boundary files, wards are the codes the crimes name and maps are off
    (``boundary_error`` says why).

    Reads the cubes the store wrote when the data was committed (``store.read_pages``), never every
    row, so loading takes the same time and memory whatever the number of rows; the wards and
    their simplified boundaries come from the store's cache folder once worked out
    (``geo.ward_layer``). Every file of the data in use is first held to the manifest, and the
    cached boundaries to the SHA-256 they carry: ``store.StoreDamaged`` names a file that differs
    (no bundle is built from it); a boundary cache that differs is worked out again.
    """
    frames, records = store.read_pages(folder)
    try:
        (wards, geojson), error = geo.ward_layer(lad, geo_dir, cache_dir=store.cache_dir(folder)), None
    except geo.BoundariesMissing as exc:
        codes = sorted(set(frames["crimes"]["ward_code"].dropna()))
        wards, geojson, error = pd.DataFrame({"ward_code": codes, "ward_name": codes}), None, str(exc)
    demo = any(record.get("demo", False) for record in records.values() if record)
    return _assemble(metrics.from_cubes(frames), wards, provenance=records, demo=demo,
                     geojson=geojson, boundary_error=error)


def build(frames: dict[str, pd.DataFrame], wards: pd.DataFrame, *, provenance: dict | None = None,
          demo: bool = False, geojson: dict | None = None, boundary_error: str | None = None) -> Bundle:
    """The bundle of the store's ``frames`` (``store.read_all``) for ``wards`` (ward_code, ward_name).

    ``provenance`` (dataset -> record or None) says which datasets are loaded; when None, a
    dataset counts as loaded when it holds rows.
    """
    if provenance is None:
        provenance = {name: {"rows": len(frame)} if len(frame) else None for name, frame in frames.items()}
    return _assemble(metrics.aggregates(frames), wards, provenance=provenance, demo=demo, geojson=geojson,
                     boundary_error=boundary_error)


def _assemble(cubes: dict, wards: pd.DataFrame, *, provenance: dict, demo: bool, geojson: dict | None,
              boundary_error: str | None) -> Bundle:
    return Bundle(**cubes, wards=pd.DataFrame(wards[["ward_code", "ward_name"]]), geojson=geojson,
                  boundary_error=boundary_error, provenance=provenance, demo=demo,
                  coverage={name: c for name, c in ((n, coverage(cubes[f], d, gaps=n in MONTHLY_RELEASES))
                                                    for n, (f, d) in DATED.items()) if c is not None})


def coverage(frame: pd.DataFrame, date: str = "month", *, gaps: bool = True) -> Coverage | None:
    """The months ``frame`` holds rows in (None when it holds none); with ``gaps``, the months
    between its first and last that hold none are listed as missing."""
    if not len(frame):
        return None
    months = pd.DatetimeIndex(frame[date].dt.to_period("M").dt.to_timestamp().unique()).sort_values()
    missing = tuple(pd.date_range(months[0], months[-1], freq="MS").difference(months)) if gaps else ()
    return Coverage(months[0], months[-1], missing)


def coverage_table(data: Bundle) -> pd.DataFrame:
    """Per dataset (in words): the months it covers, the months missing inside them, and whether it is
    real, demonstration data or not loaded (dataset, months, missing, kind)."""
    rows = []
    for name, record in data.provenance.items():
        cover = data.coverage.get(name)
        if cover is not None:
            months = f"{cover.first:%b %Y} to {cover.last:%b %Y}"
        elif record and record.get("first"):
            months = f"{pd.Timestamp(record['first']):%b %Y} to {pd.Timestamp(record['last']):%b %Y}"
        else:
            months = "" if record else "not loaded"
        gaps = ", ".join(f"{m:%b %Y}" for m in cover.gaps) if cover is not None and cover.gaps else "none"
        kind = "not loaded" if not record else "demonstration" if record.get("demo") else "real"
        rows.append({"dataset": schema.DATASET_NAMES.get(name, name), "months": months, "missing": gaps if record and months else "", "kind": kind})
    return pd.DataFrame(rows, columns=["dataset", "months", "missing", "kind"])


def rows_per_month(data: Bundle) -> pd.DataFrame:
    """Rows in use per month of each dated dataset (month, dataset, value), by dataset then month: the
    cubes' counts summed, the other datasets' rows counted by the column that dates them."""
    parts = []
    for name in sorted(schema.DATASETS):
        date = store.date_column(name)
        if date is None:
            continue
        frame = getattr(data, DATED.get(name, (name,))[0])
        counts = store.cube(frame, "month", (), weight="n") if name in store.CUBES else store.cube(frame, date, ())
        parts.append(counts.rename(columns={"n": "value"}).assign(dataset=name))
    out = pd.concat(parts, ignore_index=True)[["month", "dataset", "value"]]
    return out.astype({"month": "datetime64[ns]", "value": "int64"}).sort_values(["dataset", "month"],
                                                                                  ignore_index=True)


def coverage_line(data: Bundle) -> str:
    """The coverage of the datasets loaded, in one sentence for a page's foot."""
    table = coverage_table(data)
    loaded = table[table["kind"] != "not loaded"]
    parts = [f"{r.dataset} {r.months}{'' if r.missing in ('none', '') else f' (missing {r.missing})'}"
             f"{' (demonstration)' if r.kind == 'demonstration' else ''}" for r in loaded.itertuples() if r.months]
    missing = table.loc[table["kind"] == "not loaded", "dataset"].tolist()
    return ("Months covered: " + "; ".join(parts) + "." + (f" Not loaded: {', '.join(missing)}." if missing else ""))
