"""Uploads on the Data page: preview a file, commit it, list provenance, restore versions.

A file is read and checked in full before anything is replaced. :func:`preview` returns what
a commit would write and an account of every row it would not (row, column, value, rule);
file-level problems (missing or extra columns, semicolons, an Excel workbook, text that is not
UTF-8, an empty, oversize or cut-off file, a zip holding something unexpected) raise
:class:`IngestError` or :class:`schema.SchemaError` naming the file, the row and the column.
:func:`commit` writes every dataset of the file through :mod:`smp_dash.store` in one locked
transaction (all of them or none), keeping earlier versions. A file that keeps no rows is
refused rather than emptying a dataset, unless ``allow_empty`` says to empty it on purpose; a
police.uk file without anti-social behaviour (or without crimes) leaves that dataset as it is.
The command line (``smp-dash ingest``) goes through the same :func:`preview` and :func:`commit`,
with the same limits (``config.limits()``): what a file may cost does not depend on its door.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from smp_dash import config, geo, schema, store
from smp_dash.sources import _files, open_data, partner, police_api, police_uk
from smp_dash.sources._files import IngestError

__all__ = ["IngestError", "POLICE_UK", "LABELS", "Preview", "preview", "commit", "provenance_table",
           "mixed", "versions", "restore", "template_with_notes", "column_notes", "messages"]

POLICE_UK = "police-uk"
#: Datasets read from a table as its publisher lays it out (``sources.open_data``), not from a template:
#: the reader, and what the Data page calls the upload.
PUBLISHED = {"csp_crime": (open_data.read_csp_crime, "Home Office police recorded crime by Community Safety "
                                                     "Partnership area (.ods as published, or CSV)"),
             "lad_population": (open_data.read_lad_population, "ONS mid-year population estimates by local "
                                                               "authority (.xlsx as published, or CSV)")}
#: What the Data page calls each kind of upload.
LABELS = {POLICE_UK: "police.uk street-level (CSV or zip)",
          **{name: PUBLISHED[name][1] if name in PUBLISHED else f"{schema.DATASET_NAMES[name]} (partner template)"
             for name in schema.DATASETS}}
#: The column giving each dataset's date range (None: the dataset is not dated).
DATE_COLUMNS = {name: store.date_column(name) for name in schema.DATASETS}
DEMONSTRATION, REAL, NOT_LOADED = "demonstration", "real", "not loaded"
UNCHANGED = "The data in use is unchanged."
_REJECTED_COLUMNS = ["row", "column", "value", "rule"]


@dataclass(frozen=True, eq=False)
class Preview:
    """What committing a file would do, worked out before anything is replaced.

    ``rows_read == rows_accepted + rows_rejected + rows_outside``, except for a table whose rows are
    added up (``summed``: the rows that went into the totals accepted).
    """

    source: str                          # the file name (never a path)
    kind: str                            # "police-uk" or a schema dataset
    frames: dict[str, pd.DataFrame]      # dataset -> the accepted rows, typed by its contract
    rejected: pd.DataFrame               # row, column, value, rule (outside-borough rows included)
    rows_read: int
    rows_rejected: int
    rows_outside: int
    first: pd.Timestamp | None
    last: pd.Timestamp | None
    wards: tuple[str, ...]               # ward names covered by the accepted rows
    notes: tuple[str, ...] = field(default=())
    empty: tuple[str, ...] = field(default=())  # datasets the file holds no rows of: left as they are
    problems: tuple[schema.Problem, ...] = field(default=())  # the rejected rows' broken rules
    summed: int = 0                      # rows added up into the rows accepted (a published table's totals)

    @property
    def datasets(self) -> tuple[str, ...]:
        """The datasets a commit would replace."""
        return tuple(self.frames)

    @property
    def refusal(self) -> str | None:
        """Why a commit would replace nothing (None when it would replace something)."""
        if self.frames:
            return None
        if self.rows_read == 0:
            why = "the file has a header but no data rows"
        else:
            counts = [f"{n:,} row{'s' * (n != 1)} {what}" for n, what in ((self.rows_outside, "outside"),
                                                                         (self.rows_rejected, "rejected")) if n]
            where = "accepted" if self.rows_rejected else "inside the borough"
            why = f"no rows {where} ({', '.join(counts)})"
        return (f"{why}: nothing replaced. To empty {schema.named(*self.empty)} on purpose: --allow-empty on the "
                "command line, or 'on purpose' on the Data page.")

    @property
    def rows_accepted(self) -> int:
        return int(sum(len(f) for f in self.frames.values()))

    def summary(self) -> str:
        """The preview in a few sentences, for the page and the command line."""
        when = (f"{self.first:%d %b %Y} to {self.last:%d %b %Y}" if self.first is not None
                else "no dates")
        kept = (f"{self.summed:,} added up into {self.rows_accepted:,} totals" if self.summed else
                f"{self.rows_accepted:,} accepted")
        lines = [f"{self.source}: read {self.rows_read:,} rows; {kept}, "
                 f"{self.rows_rejected:,} rejected, {self.rows_outside:,} outside the borough.",
                 f"Would replace {schema.named(*self.datasets) or 'nothing'}; dates {when}; "
                 f"{len(self.wards)} ward(s) covered."]
        if self.empty and self.frames:
            lines.append(f"Would leave {schema.named(*self.empty)} as it is: the file holds none of its rows.")
        if self.refusal:
            lines.append(f"Nothing to commit: {self.refusal}")
        return "\n".join(lines + list(self.notes))


def preview(data: bytes | Path, name: str, dataset: str, *, wards: pd.DataFrame | None = None,
            lsoas: pd.DataFrame | None = None, limits: config.Limits | None = None,
            progress=None) -> Preview:
    """Read an upload and say what committing it would replace, without replacing anything.

    Parameters
    ----------
    data : the uploaded file's bytes, or a path on this machine (the command line: a CSV, or
        for police.uk also a folder of ``YYYY-MM/`` folders or the zip archive).
    name : its name as uploaded (only the bare file name is kept).
    dataset : "police-uk" or a key of ``schema.CONTRACTS``.
    wards, lsoas : the borough's boundaries (``geo.load_wards``/``geo.load_lsoas``). police.uk
        needs both; for partner files ``wards`` places coordinates and checks ward codes, and
        None skips that check.
    limits : what reading the file may cost (default ``config.limits()``, for the Data page
        and the command line alike): the largest file, the largest file inside an archive and
        all of them together, a zip member's compression ratio, the longest value.
    progress : police.uk only, called as ``progress(files_done, files_total)``.

    Raises
    ------
    IngestError or schema.SchemaError naming the file, row and column of a file-level problem.
    """
    limits = limits or config.limits()
    if dataset == POLICE_UK:
        if wards is None or lsoas is None:
            raise ValueError("a police.uk preview needs the borough's wards and LSOAs")
        return _police_preview(data, name, wards, lsoas, limits, progress)
    schema.columns(dataset)
    if dataset in PUBLISHED and not _is_template(data, dataset):
        return _published_preview(data, name, dataset, limits)
    return _partner_preview(data, name, dataset, wards, limits)


def commit(preview: Preview, *, data_dir: Path | str | None = None, demo: bool = False,
           allow_empty: bool = False) -> dict[str, dict]:
    """Make the previewed rows the data in use; return the provenance record of each dataset.

    Every dataset of the file is written in one store transaction: all of them or none, each
    keeping the version it replaces (``store.KEEP_VERSIONS``). A dataset the file holds no
    rows of is left as it is; when that is every dataset the commit is refused.

    Parameters
    ----------
    preview : what :func:`preview` returned.
    demo : mark the rows as demonstration (invented) data.
    allow_empty : empty the datasets the file holds no rows of, on purpose, instead.

    Raises
    ------
    IngestError when the file keeps no rows and ``allow_empty`` is not given;
    store.StoreLocked when another write holds the store too long. Nothing is changed.
    """
    if preview.refusal and not allow_empty:
        raise IngestError(preview.source, preview.refusal, row=2 if preview.rows_read == 0 else None)
    frames = {**preview.frames, **({d: schema.empty(d) for d in preview.empty} if allow_empty else {})}
    return store.write_many(frames, source=preview.source, demo=demo, data_dir=data_dir, allow_empty=allow_empty)


def provenance_table(data_dir: Path | str | None = None, *, records: dict | None = None) -> pd.DataFrame:
    """One row per dataset: whether it is demonstration or real data, and where it came from.

    From the store in ``data_dir``, or from ``records`` (dataset -> provenance record or None, as a
    bundle or the data pack holds them). The one account of provenance the pages, the Data page and
    the data pack all show. A dataset not loaded has no row count (missing, not 0).
    """
    rows = []
    for dataset in schema.DATASETS:
        meta = (store.provenance(dataset, data_dir) if records is None else records.get(dataset)) or {}
        kind = kind_of(meta)
        rows.append({"dataset": schema.DATASET_NAMES[dataset], "kind": kind, "source": meta.get("source", ""),
                     "rows": meta.get("rows", pd.NA), "first": meta.get("first") or "",
                     "last": meta.get("last") or "", "loaded_at": meta.get("loaded_at", ""),
                     "sha256": (meta.get("sha256") or "")[:12]})
    return pd.DataFrame(rows).astype({"rows": "Int64"})


def kind_of(record: dict | None) -> str:
    """"real", "demonstration" or "not loaded", from a dataset's provenance record."""
    return NOT_LOADED if not record else DEMONSTRATION if record.get("demo") else REAL


def kinds(records: dict) -> dict[str, list[str]]:
    """The datasets of each kind (real, demonstration, not loaded), from their provenance records."""
    out: dict[str, list[str]] = {REAL: [], DEMONSTRATION: [], NOT_LOADED: []}
    for dataset in schema.DATASETS:
        out[kind_of(records.get(dataset))].append(dataset)
    return out


def mixed(data_dir: Path | str | None = None, *, records: dict | None = None) -> bool:
    """True when some datasets in use are real and others are demonstration data."""
    found = kinds(records if records is not None else {d: store.provenance(d, data_dir) for d in schema.DATASETS})
    return bool(found[REAL]) and bool(found[DEMONSTRATION])


def save_comparators(names, group: str | None, *, source: str, data_dir: Path | str | None = None) -> dict:
    """Keep ``names`` (partnerships, as the Home Office names them) as the compare page's comparators,
    a new version of ``csp_comparators`` as an uploaded list would be (no names: the default, every
    partnership of the police force area, again). Returns its provenance record."""
    frame = schema.validate(pd.DataFrame({"csp_name": list(dict.fromkeys(names)),
                                          "group_name": [group or None] * len(dict.fromkeys(names))}, dtype=object),
                            "csp_comparators", source)
    return store.write_many({"csp_comparators": frame}, source=source, data_dir=data_dir,
                            allow_empty=not len(frame))["csp_comparators"]


def versions(dataset: str, data_dir: Path | str | None = None) -> list[dict]:
    """Earlier versions of ``dataset``, newest first (``store.versions``)."""
    return store.versions(dataset, data_dir)


def version_label(record: dict) -> str:
    """A version as the page lists it: when it was loaded, its rows and source."""
    kind = DEMONSTRATION if record.get("demo") else REAL
    return (f"{record.get('loaded_at', record['version'])} · {record.get('rows', '?'):,} rows · "
            f"{record.get('source', 'unknown')} ({kind})")


def restore(dataset: str, version: str, data_dir: Path | str | None = None) -> dict:
    """Make an earlier version of ``dataset`` the one in use (the current one is kept)."""
    return store.restore(dataset, version, data_dir)


def template_with_notes(dataset: str) -> str:
    """The CSV template of ``dataset``: the header and one example row (notes are separate)."""
    return partner.template_csv(dataset)


def column_notes(dataset: str) -> pd.DataFrame:
    """The contract of ``dataset`` for people filling in the template: one row per column."""
    rows = [{"column": col.name, "type": col.kind, "required": not col.nullable, "rule": _rule(col),
             "note": col.doc} for col in schema.CONTRACTS[dataset]]
    return pd.DataFrame(rows, columns=["column", "type", "required", "rule", "note"])


#: Datasets with a row per event in a ward, which the row-level view lists.
ROW_DATASETS = ("crimes", "asb_incidents", "service_requests", "needle_finds", "enforcement", "encampments")


def rows(dataset: str, wards=(), *, limit: int = 1000, data_dir: Path | str | None = None) -> tuple[pd.DataFrame, int]:
    """The first ``limit`` rows of ``dataset`` in ``wards`` (codes; empty for all), newest first,
    and how many rows match. Only the listed datasets: the name never reaches SQL unchecked."""
    if dataset not in ROW_DATASETS:
        raise ValueError(f"no row-level view of {dataset!r}; choose one of {', '.join(ROW_DATASETS)}")
    if not store.exists(dataset, data_dir):
        return schema.empty(dataset), 0
    date = store.date_column(dataset)
    where = "WHERE len($wards) = 0 OR list_contains($wards, ward_code)"
    total = int(store.query(f"SELECT count(*) AS n FROM {dataset} {where}", data_dir, wards=list(wards))["n"].iloc[0])
    frame = store.query(f"SELECT * FROM {dataset} {where} ORDER BY {date} DESC LIMIT $limit", data_dir,
                        wards=list(wards), limit=int(limit))
    return frame, total


def messages(exc: Exception) -> list[str]:
    """Every problem an error reports, one line each (file, row, column, value, rule); a refusal
    of the file system (a full disk, permission refused) as one line naming the path."""
    if isinstance(exc, schema.SchemaError):
        return [str(p) for p in exc.problems]
    if isinstance(exc, OSError) and exc.errno is not None:
        return [store.failure(exc)]
    return [str(exc)]


# police.uk ----------------------------------------------------------------------------------

def _police_preview(data, name, wards, lsoas, limits, progress) -> Preview:
    if isinstance(data, (bytes, bytearray, memoryview)):
        data = io.BytesIO(bytes(data))
        data.name = _files.display_name(name)
    result = police_uk.read_police_uk(data, wards=wards, lsoas=lsoas, limits=limits, progress=progress)
    months = pd.concat([result.crimes["month"], result.asb["month"]])
    codes = set(result.crimes["ward_code"]) | set(result.asb["ward_code"])
    frames = {"crimes": result.crimes, "asb_incidents": result.asb}
    return Preview(
        source=_files.display_name(name), kind=POLICE_UK,
        # A dataset the file holds no rows of is left as it is, not emptied.
        frames={d: f for d, f in frames.items() if len(f)},
        empty=tuple(d for d, f in frames.items() if not len(f)),
        rejected=pd.DataFrame(columns=_REJECTED_COLUMNS),
        rows_read=result.rows_read,
        rows_rejected=result.no_location + result.duplicates_dropped,
        rows_outside=result.outside_borough,
        first=pd.Timestamp(months.min()) if len(months) else None,
        last=pd.Timestamp(months.max()) if len(months) else None,
        wards=_ward_names(codes, wards),
        notes=(result.summary(),),
    )


# Partner templates --------------------------------------------------------------------------

def _partner_preview(data, name, dataset, wards, limits) -> Preview:
    source, data = _files.load_bytes(data, name=name, max_bytes=limits.file_bytes)
    data = _files.check_text(data, source, "the partner templates use commas", limits)
    frame = partner.parse_partner_csv(data, source)     # refuses a cut-off last row too
    typed, lines, problems = _split(frame, dataset, source, limits.field_chars)
    typed, lines, outside = _outside(typed, lines, dataset, source, wards)
    rejected = problems + outside
    column = DATE_COLUMNS.get(dataset)
    dates = typed[column].dropna() if column else pd.Series([], dtype="datetime64[ns]")
    codes = set(typed["ward_code"]) if "ward_code" in typed else set()
    outside_rows = {p.row for p in outside}
    return Preview(
        source=source, kind=dataset, frames={dataset: typed} if len(typed) else {},
        empty=() if len(typed) else (dataset,),
        problems=tuple(problems),
        rejected=_rejected_table(rejected),
        rows_read=len(frame),
        rows_rejected=len({p.row for p in problems}),
        rows_outside=len(outside_rows),
        first=pd.Timestamp(dates.min()) if len(dates) else None,
        last=pd.Timestamp(dates.max()) if len(dates) else None,
        wards=_ward_names(codes, wards),
    )


def _is_template(data, dataset: str) -> bool:
    """Whether a published dataset's file is its template instead (the contract's header: a version
    downloaded from the store, or typed by hand), read as every template is."""
    if isinstance(data, (str, Path)):
        with Path(data).open("rb") as handle:
            data = handle.read(4096)
    end = bytes(data[:4096]).find(b"\n")
    first = bytes(data[:end if end >= 0 else 4096]).removeprefix(b"\xef\xbb\xbf").rstrip(b"\r")
    return first.decode("utf-8", errors="replace").split(",") == schema.columns(dataset)


def _published_preview(data, name, dataset, limits) -> Preview:
    """A published table (``PUBLISHED``): its reader keeps the rows it can and sets the others aside
    (named by sheet, row and column), then the rows kept are held to the contract as any file's are."""
    source = _files.display_name(name)
    read = PUBLISHED[dataset][0](data, source, limits)
    typed, _, problems = _split(read.frame, dataset, source, limits.field_chars)
    problems = list(read.problems) + problems
    column = DATE_COLUMNS.get(dataset)
    dates = typed[column].dropna() if column else pd.Series([], dtype="datetime64[ns]")
    return Preview(
        source=source, kind=dataset, frames={dataset: typed} if len(typed) else {},
        empty=() if len(typed) else (dataset,), problems=tuple(problems), rejected=_rejected_table(problems),
        rows_read=read.rows_read, rows_rejected=read.rejected + len({p.row for p in problems[len(read.problems):]}),
        rows_outside=0, first=pd.Timestamp(dates.min()) if len(dates) else None,
        last=pd.Timestamp(dates.max()) if len(dates) else None, wards=(), notes=read.notes,
        summed=read.rows_read - read.rejected if dataset == "csp_crime" else 0)


def _split(frame: pd.DataFrame, dataset: str, source: str, field_chars: int):
    """Validate row by row: (accepted rows typed, their file lines, the problems of the others).

    The whole frame is validated at once; rows with problems are set aside and the rest
    validated again (dropping a row can uncover another, e.g. the 21st duplicate), until the
    rest passes. File-level problems (row 1: the header) are raised, and so is a value longer
    than ``field_chars`` (refused while reading when it is on one line; a quoted value of many
    lines reaches the contract), so that it refuses the file whichever way it is found.
    """
    lines = np.arange(len(frame)) + 2  # header = line 1
    keep = np.ones(len(frame), dtype=bool)
    problems: list[schema.Problem] = []
    while True:
        kept = np.flatnonzero(keep)
        try:
            typed = schema.validate(frame.iloc[kept].reset_index(drop=True), dataset, source,
                                    field_chars=field_chars)
            return typed, lines[kept], problems
        except schema.SchemaError as exc:
            if any(p.row is None or p.row < 2 for p in exc.problems) or not kept.size:
                raise
            found = [replace(p, row=int(lines[kept[p.row - 2]])) for p in exc.problems]
            if too_long := [p for p in found if p.rule == schema.too_long(field_chars)]:
                raise schema.SchemaError(too_long) from None
            positions = sorted({p.row - 2 for p in exc.problems})
            problems.extend(found)
            keep[kept[positions]] = False


def _outside(typed, lines, dataset, source, wards):
    """Set aside rows whose point, or ward code, is not in the borough."""
    if wards is None or len(typed) == 0 or "ward_code" not in typed:
        return typed, lines, []
    codes = set(wards["ward_code"])
    bad_ward = ~typed["ward_code"].isin(codes).to_numpy(dtype=bool)
    bad_point = np.zeros(len(typed), dtype=bool)
    if "longitude" in typed:
        lon = typed["longitude"].to_numpy(dtype="float64")
        lat = typed["latitude"].to_numpy(dtype="float64")
        has = np.isfinite(lon) & np.isfinite(lat)
        placed = geo.assign_areas(lon, lat, wards, "ward_code")
        bad_point = has & pd.isna(placed)
    problems = []
    for i in np.flatnonzero(bad_point):
        problems.append(schema.Problem(source, int(lines[i]), "longitude, latitude",
                                       f"{typed['longitude'].iloc[i]}, {typed['latitude'].iloc[i]}",
                                       "point is outside the borough"))
    for i in np.flatnonzero(bad_ward & ~bad_point):
        problems.append(schema.Problem(source, int(lines[i]), "ward_code", typed["ward_code"].iloc[i],
                                       "not a ward of the borough"))
    out = bad_ward | bad_point
    return typed[~out].reset_index(drop=True), lines[~out], problems


def _rejected_table(problems: list[schema.Problem]) -> pd.DataFrame:
    rows = [{"row": p.row, "column": p.column or "", "value": "" if p.value is None else str(p.value),
             "rule": p.rule} for p in problems]
    table = pd.DataFrame(rows, columns=_REJECTED_COLUMNS)
    return table.sort_values("row", kind="stable").reset_index(drop=True).astype({"row": "int64"})


def _ward_names(codes, wards) -> tuple[str, ...]:
    names = geo.ward_names(wards) if wards is not None else {}
    return tuple(sorted(names.get(c, c) for c in codes if isinstance(c, str)))


def _rule(col: schema.Column) -> str:
    rules = []
    if col.kind in ("date", "month"):
        rules.append("YYYY-MM-DD" if col.kind == "date" else "YYYY-MM or YYYY-MM-01")
        if not col.future_ok:
            rules.append("not in the future")
    if col.kind == "bool":
        rules.append("true or false")
    if col.allowed:
        rules.append("one of: " + ", ".join(col.allowed))
    if col.pattern:
        rules.append(f"matches {col.pattern}")
    if col.bounds:
        rules.append(f"between {col.bounds[0]:g} and {col.bounds[1]:g}")
    return "; ".join(rules)


def fetch_police_uk(*, data_dir: Path | str | None = None, **options) -> police_api.FetchResult:
    """Fetch the police.uk months the store lacks from the API and commit them, with the rows held,
    as one version of crimes and asb_incidents (``sources.police_api.fetch``; ``options`` are its
    own: wards, lsoas, api_url, start, end, progress, sleep, timeout, give_up_after). Demonstration
    rows are replaced, never added to."""
    def real(name: str) -> bool:
        record = store.provenance(name, data_dir)
        return record is not None and not record.get("demo")

    def held() -> dict[str, pd.DataFrame]:
        return {name: store.read(name, data_dir) if real(name) else schema.empty(name)
                for name in ("crimes", "asb_incidents")}

    def commit(frames: dict[str, pd.DataFrame], source: str) -> tuple[dict, tuple[str, ...]]:
        replaced = tuple(name for name in frames if store.provenance(name, data_dir) and not real(name))
        return store.write_many(frames, source=source, demo=False, data_dir=data_dir), replaced

    return police_api.fetch(held=held, commit=commit, **options)
