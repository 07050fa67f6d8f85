"""Read police.uk street-level crime files exactly as downloaded.

Accepts one ``YYYY-MM-<force>-street.csv``, a folder of ``YYYY-MM/`` folders, or the zip
archive police.uk serves (members ``YYYY-MM/YYYY-MM-<force>-street.csv``). Rows are kept when
they fall in the borough whose wards are passed in: by point in polygon when the row has
coordinates, by the LSOA's best-fit ward when it has only an LSOA code.

What police.uk does not carry, the contract gets as "unknown": ``domestic_abuse`` is blank (NA)
and ``hate_strand`` blank for every row (street-level files have neither flag; ``measures``
reads a blank flag as "not recorded by this source", never as "not domestic abuse"), and
``offence_subgroup`` is derived from the crime type only where that is unambiguous; it stays
blank for "Violence and sexual offences" and "Burglary", which police.uk does not split.

Speed and memory: a file is read a chunk at a time (``_chunks.CHUNK_BYTES``), each chunk
parsed by Arrow's multithreaded CSV reader (the engine behind ``pandas.read_csv(engine=
"pyarrow")``, called directly so only the seven columns used are converted and rows outside
the borough never become pandas objects); a bounding-box test discards most rows before the
vectorised point-in-polygon, and only the borough's rows are kept from one chunk to the next,
as Arrow text (never a Python string per row). Memory follows the chunk and the rows kept,
never the file. What a read may cost is ``config.Limits``, the same for every door.
"""

from __future__ import annotations

import hashlib
import re
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from smp_dash import config, geo, schema
from smp_dash.sources import _archives, _chunks, _files
from smp_dash.sources._files import IngestError

__all__ = ["COLUMNS", "IngestError", "IngestResult", "read_police_uk"]

#: The columns of a police.uk street-level file, in the order police.uk writes them.
COLUMNS = ("Crime ID", "Month", "Reported by", "Falls within", "Longitude", "Latitude",
           "Location", "LSOA code", "LSOA name", "Crime type", "Last outcome category", "Context")
#: The columns the reader needs (the others may be absent).
USED = ("Crime ID", "Month", "Longitude", "Latitude", "Location", "LSOA code", "Crime type")
ASB = "Anti-social behaviour"
#: Home Office offence subgroup for each crime type that maps to exactly one.
SUBGROUPS = {
    "Robbery": "Robbery",
    "Drugs": "Drug offences",
    "Possession of weapons": "Possession of weapons offences",
    "Public order": "Public order offences",
    "Criminal damage and arson": "Criminal damage and arson",
    "Vehicle crime": "Vehicle offences",
    "Shoplifting": "Theft offences",
    "Other theft": "Theft offences",
    "Theft from the person": "Theft offences",
    "Bicycle theft": "Theft offences",
    "Other crime": "Miscellaneous crimes against society",
}

_WHO = "police.uk files use commas"
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_LSOA = re.compile(r"^[EW]01\d{6}$")
_LON, _LAT = (-8.7, 1.8), (49.8, 60.9)  # the UK box, as in schema.py
_TEXT = pa.dictionary(pa.int32(), pa.string())
_TYPES = {"Crime ID": pa.string(), "Month": _TEXT, "Longitude": pa.float64(),
          "Latitude": pa.float64(), "Location": pa.string(), "LSOA code": _TEXT, "Crime type": _TEXT}


@dataclass(frozen=True, eq=False)
class IngestResult:
    """What an ingest kept, and an account of every row it did not.

    ``rows_read == crimes_kept + asb_kept + outside_borough + no_location + duplicates_dropped``.
    ``outside_borough`` counts rows placed outside by their point, or (without coordinates) by an
    LSOA code of another district; ``no_location`` rows have neither coordinates nor an LSOA
    code. ``assigned_by_lsoa`` (kept rows placed by LSOA code) is part of the kept counts.
    """

    crimes: pd.DataFrame
    asb: pd.DataFrame
    rows_read: int
    crimes_kept: int
    asb_kept: int
    outside_borough: int
    no_location: int
    assigned_by_lsoa: int
    files_read: int
    duplicates_dropped: int = 0
    files_skipped: int = 0

    def summary(self) -> str:
        """A short account for the command line and the upload page."""
        lines = [
            f"Read {self.rows_read:,} rows from {self.files_read:,} file(s).",
            f"Kept {self.crimes_kept:,} crimes and {self.asb_kept:,} anti-social behaviour "
            "incidents in the borough",
            f"  ({self.assigned_by_lsoa:,} placed by LSOA code because coordinates were blank).",
            f"Left out {self.outside_borough:,} rows outside the borough and "
            f"{self.no_location:,} with no location.",
        ]
        if self.duplicates_dropped:
            lines.append(f"Dropped {self.duplicates_dropped:,} repeated Crime IDs (kept the first).")
        if self.files_skipped:
            lines.append(f"Skipped {self.files_skipped:,} file(s) that are not street-level "
                         "(outcomes, stop and search).")
        return "\n".join(lines)


def read_police_uk(path, *, wards: pd.DataFrame, lsoas: pd.DataFrame,
                   progress: Callable[[int, int], None] | None = None,
                   limits: config.Limits | None = None) -> IngestResult:
    """Read police.uk street-level data and keep the rows in the borough of ``wards``.

    Parameters
    ----------
    path : a street CSV, a folder holding ``YYYY-MM/`` folders, a police.uk zip archive, or an
        uploaded file object (with ``name`` and ``getvalue()``).
    wards : the borough's wards (``geo.load_wards(lad_code)``); any Kent district works.
    lsoas : the borough's LSOAs (``geo.load_lsoas(lad_code)``), for rows without coordinates.
    progress : called as ``progress(files_done, files_total)`` before and after each file.
    limits : what the read may cost (default ``config.limits()``): file sizes, a zip member's
        compression ratio, the longest value.

    Returns
    -------
    IngestResult with ``crimes`` and ``asb`` validated against their contracts.

    Raises
    ------
    IngestError (a ValueError) naming the file, the line (header = line 1) and the column.
    """
    limits = limits or config.limits()
    borough = _Borough.of(wards, lsoas)
    with ExitStack() as stack:
        label, found = _archives.gather_csv(path, limits, stack)
        _refuse_repeats(found, label)
        files, skipped = _street_only(found)
        parts = []
        _report(progress, 0, len(files))
        for done, entry in enumerate(files, 1):
            parts.append(_read_file(entry, borough, limits))
            _report(progress, done, len(files))
    return _assemble(parts, label, skipped)


@dataclass(frozen=True)
class _Borough:
    wards: pd.DataFrame
    bbox: tuple[float, float, float, float]
    lsoa_ward: dict[str, str]

    @classmethod
    def of(cls, wards, lsoas) -> _Borough:
        if len(wards) == 0 or "ward_code" not in wards or "geometry" not in wards:
            raise ValueError("wards must be the borough's ward boundaries (geo.load_wards)")
        best_fit = geo.lsoa_best_fit(lsoas)
        return cls(wards, tuple(float(v) for v in wards.total_bounds), best_fit)


@dataclass(frozen=True)
class _Part:
    crimes: pd.DataFrame
    asb: pd.DataFrame
    rows_read: int
    outside_borough: int
    no_location: int
    assigned_by_lsoa: int

    @classmethod
    def joined(cls, parts: list[_Part]) -> _Part:
        """The parts of one file as one."""
        if len(parts) == 1:
            return parts[0]
        kept = [p for p in parts if len(p.crimes) or len(p.asb)] or parts[:1]
        return cls(crimes=pd.concat([p.crimes for p in kept], ignore_index=True),
                   asb=pd.concat([p.asb for p in kept], ignore_index=True),
                   **{name: sum(getattr(p, name) for p in parts)
                      for name in ("rows_read", "outside_borough", "no_location", "assigned_by_lsoa")})


def _report(progress, done, total) -> None:
    if progress is not None:
        progress(done, total)


def _refuse_repeats(entries, label: str) -> None:
    # police.uk names each file by month and force: the same name twice is the same month
    # downloaded twice, which would count its anti-social behaviour (which has no ids) twice.
    # Names are compared ignoring case, as Windows and macOS folders do ("KENT" is "kent").
    seen: dict[str, str] = {}
    for entry in entries:
        path = entry.path
        name = _files.display_name(path)
        key = name.casefold()
        if key in seen:
            raise IngestError(label, f"{name} appears twice ({seen[key]} and {path}): the same "
                                     "month downloaded twice; remove one copy")
        seen[key] = path


def _street_only(entries):
    """Street files only when there are any (downloads may hold outcomes, stop and search)."""
    street = [e for e in entries if e.path.lower().endswith("-street.csv")]
    if street:
        return street, len(entries) - len(street)
    return entries, 0


def _read_file(entry: _archives.Entry, borough: _Borough, limits: config.Limits) -> _Part:
    """Read one street CSV a chunk at a time; return the rows it keeps and its counts."""
    name = _files.display_name(entry.path)
    parts: list[_Part] = []
    records = 0  # the file's records before the chunk (blank lines are not records)
    with entry.open() as stream:
        for chunk in _chunks.chunks(stream, name, _WHO, limits):
            with chunk.located():
                parts.append(_read_chunk(name, chunk.data, borough, records))
            records += parts[-1].rows_read
    return _Part.joined(parts)


def _read_chunk(name: str, data: bytes, borough: _Borough, first_record: int) -> _Part:
    """Parse and place one chunk (checked text: its header, then whole lines of the file);
    ``first_record`` is the file's record number of its first row."""
    table = _parse(data, name)
    n = table.num_rows
    lon = table["Longitude"].to_numpy()
    lat = table["Latitude"].to_numpy()
    has_xy = np.isfinite(lon) & np.isfinite(lat)
    _check_uk_box(data, name, lon, lat, has_xy)
    months = _months(data, name, table["Month"].to_pandas())
    crime_type, is_asb = _crime_types(data, name, table["Crime type"].to_pandas())
    lsoa = table["LSOA code"].to_pandas()
    lsoa_codes = lsoa.cat.codes.to_numpy()
    lsoa_cats = np.asarray(lsoa.cat.categories, dtype=object)
    lsoa_blank = np.array([not str(c).strip() for c in lsoa_cats], dtype=bool)[lsoa_codes]

    ward = _place(lon, lat, has_xy, lsoa_cats, lsoa_codes, borough)
    kept = ~pd.isna(ward)
    rows = np.flatnonzero(kept)
    _check_lsoa_codes(data, name, lsoa_cats, lsoa_codes, rows)
    sub = table.take(pa.array(rows, type=pa.int64()))
    frame = pd.DataFrame({
        "crime_id": _trimmed(sub["Crime ID"]),
        "month": months[rows],
        "crime_type": crime_type[rows],
        "longitude": np.where(has_xy[rows], lon[rows], np.nan),
        "latitude": np.where(has_xy[rows], lat[rows], np.nan),
        "location": _trimmed(sub["Location"], blank_as_none=True),
        "lsoa_code": _blank_to_na(pd.Series(lsoa_cats[lsoa_codes[rows]], dtype=object).str.strip()),
        "ward_code": ward[rows],
        "source": name,
    })
    asb = is_asb[rows]
    return _Part(
        crimes=_crime_rows(data, name, frame[~asb], rows[~asb], first_record),
        asb=frame.loc[asb, schema.columns("asb_incidents")].reset_index(drop=True),
        rows_read=n,
        outside_borough=int((has_xy & ~kept).sum() + (~has_xy & ~lsoa_blank & ~kept).sum()),
        no_location=int((~has_xy & lsoa_blank).sum()),
        assigned_by_lsoa=int((~has_xy & kept).sum()),
    )


def _parse(data: bytes, name: str) -> pa.Table:
    header = _files.header_names(data)
    missing = [c for c in USED if c not in header]
    if missing:
        raise IngestError(name, f"required column(s) missing; police.uk street files have: "
                                f"{', '.join(COLUMNS)}", row=1, column=", ".join(missing))
    options = dict(
        read_options=pcsv.ReadOptions(column_names=header, skip_rows=1, block_size=16 << 20),
        parse_options=pcsv.ParseOptions(delimiter=","),
        convert_options=pcsv.ConvertOptions(include_columns=list(USED), column_types=_TYPES,
                                            strings_can_be_null=False,
                                            quoted_strings_can_be_null=False),
    )
    try:
        return pcsv.read_csv(pa.BufferReader(data), **options)
    except pa.ArrowInvalid as exc:
        raise _files.locate_parse_error(data, name, ("Longitude", "Latitude"), exc) from None


def _line(data: bytes, record: int, name: str) -> int:
    return _files.record_lines(data, [record], name)[record]


def _check_uk_box(data, name, lon, lat, has_xy) -> None:
    # inf, -inf and 1e309 (which Arrow reads as inf) are not finite, so has_xy leaves them out:
    # refuse them rather than take the row for one without coordinates.
    bad_lon = np.isinf(lon) | (has_xy & ((lon < _LON[0]) | (lon > _LON[1])))
    bad_lat = np.isinf(lat) | (has_xy & ((lat < _LAT[0]) | (lat > _LAT[1])))
    bad = np.flatnonzero(bad_lon | bad_lat)
    if bad.size:
        i = int(bad[0])
        column, value, box = ("Longitude", lon[i], _LON) if bad_lon[i] else ("Latitude", lat[i], _LAT)
        rule = ("expected a finite number" if np.isinf(value) else
                f"coordinate outside the UK (expected {box[0]:g} to {box[1]:g}; are longitude and latitude swapped?)")
        raise IngestError(name, rule, row=_line(data, i, name), column=column, value=float(value))


def _months(data, name, month: pd.Series) -> np.ndarray:
    """Each row's month as datetime64 (first of the month), parsing each distinct value once."""
    cats = [str(c).strip() for c in month.cat.categories]
    parsed = pd.to_datetime(pd.Series([c if _MONTH.match(c) else None for c in cats], dtype=object),
                            format="%Y-%m", errors="coerce")
    codes = month.cat.codes.to_numpy()
    now = pd.Timestamp.now()
    for k, text in enumerate(cats):
        rule = ("expected a month as YYYY-MM, e.g. 2020-05" if pd.isna(parsed[k])
                else "month is in the future" if parsed[k] > now else None)
        if rule:
            row = int(np.flatnonzero(codes == k)[0])
            raise IngestError(name, rule, row=_line(data, row, name), column="Month", value=text)
    return parsed.to_numpy(dtype="datetime64[ns]")[codes]


def _crime_types(data, name, kind: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    cats = np.asarray([str(c).strip() for c in kind.cat.categories], dtype=object)
    codes = kind.cat.codes.to_numpy()
    allowed = set(schema.CRIME_TYPES) | {ASB}
    for k, text in enumerate(cats):
        if text not in allowed:
            row = int(np.flatnonzero(codes == k)[0])
            raise IngestError(name, f"unknown crime type; police.uk uses: {ASB}, "
                                    f"{', '.join(schema.CRIME_TYPES)}",
                              row=_line(data, row, name), column="Crime type", value=text)
    return cats[codes], cats[codes] == ASB


def _place(lon, lat, has_xy, lsoa_cats, lsoa_codes, borough: _Borough) -> np.ndarray:
    """The borough ward of each row, or None: by point, else by the LSOA's best-fit ward."""
    ward = np.full(lon.shape[0], None, dtype=object)
    x0, y0, x1, y1 = borough.bbox
    near = np.flatnonzero(has_xy & (lon >= x0) & (lon <= x1) & (lat >= y0) & (lat <= y1))
    if near.size:
        ward[near] = geo.assign_areas(lon[near], lat[near], borough.wards, "ward_code")
    by_lsoa = np.asarray([borough.lsoa_ward.get(str(c).strip()) for c in lsoa_cats] + [None],
                         dtype=object)
    bare = np.flatnonzero(~has_xy)
    ward[bare] = by_lsoa[lsoa_codes[bare]]  # code -1 (none) picks the trailing None
    return ward


def _check_lsoa_codes(data, name, cats, codes, rows) -> None:
    used = np.unique(codes[rows]) if rows.size else np.empty(0, dtype=int)
    for k in used:
        text = str(cats[k]).strip()
        if text and not _LSOA.match(text):
            row = int(rows[np.flatnonzero(codes[rows] == k)[0]])
            raise IngestError(name, "expected a 2011 LSOA code like E01024320",
                              row=_line(data, row, name), column="LSOA code", value=text)


def _crime_rows(data, name, frame: pd.DataFrame, records: np.ndarray, first_record: int) -> pd.DataFrame:
    """Crimes in contract order, with ids made for the rare crime published without one (from
    the file's record number: ``first_record`` plus the chunk's). Text stays in Arrow."""
    frame = frame.reset_index(drop=True)
    ids = frame["crime_id"]
    spaced = ids.str.contains(r"\s", regex=True, na=False).to_numpy(dtype=bool)
    if spaced.any():
        i = int(np.flatnonzero(spaced)[0])
        raise IngestError(name, "a Crime ID cannot contain spaces", row=_line(data, int(records[i]), name),
                          column="Crime ID", value=ids.iloc[i])
    blank = (ids == "").to_numpy(dtype=bool)
    if blank.any():
        ids = ids.to_numpy(dtype=object, copy=True)
        for i in np.flatnonzero(blank):
            ids[i] = _made_id(name, first_record + int(records[i]), frame.iloc[i])
    return pd.DataFrame({
        "crime_id": ids,
        "month": frame["month"],
        "crime_type": frame["crime_type"],
        "offence_subgroup": frame["crime_type"].map(SUBGROUPS),
        "domestic_abuse": pd.Series(pd.NA, index=frame.index, dtype="boolean"),
        "hate_strand": pd.Series(None, index=frame.index, dtype=object),
        "longitude": frame["longitude"],
        "latitude": frame["latitude"],
        "location": frame["location"],
        "lsoa_code": frame["lsoa_code"],
        "ward_code": frame["ward_code"],
        "source": name,
    })


def _made_id(name: str, record: int, row: pd.Series) -> str:
    # The file and record are part of the hash: two identical rows without ids are two crimes.
    text = "\x1f".join([name, str(record)] + [str(v) for v in row.to_numpy()])
    return ("pu-" + hashlib.sha1(text.encode("utf-8")).hexdigest())[:20]


def _trimmed(column: pa.ChunkedArray, blank_as_none: bool = False) -> pd.Series:
    """A text column with surrounding spaces removed, kept in Arrow (no Python string per row)."""
    text = pc.utf8_trim_whitespace(column)
    if blank_as_none:
        text = pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)
    return text.to_pandas()


def _blank_to_na(values: pd.Series) -> np.ndarray:
    out = values.to_numpy(dtype=object, copy=True)
    out[(values == "").to_numpy(dtype=bool)] = None
    return out


def _assemble(parts: list[_Part], label: str, skipped: int) -> IngestResult:
    crimes = pd.concat([p.crimes for p in parts], ignore_index=True) if parts else schema.empty("crimes")
    asb = pd.concat([p.asb for p in parts], ignore_index=True) if parts else schema.empty("asb_incidents")
    repeated = crimes["crime_id"].duplicated(keep="first").to_numpy()
    if repeated.any():   # a copy of every column only when there is something to drop
        crimes = crimes[~repeated].reset_index(drop=True)
    crimes = schema.validate(crimes, "crimes", label)
    asb = schema.validate(asb, "asb_incidents", label)
    return IngestResult(
        crimes=crimes, asb=asb,
        rows_read=sum(p.rows_read for p in parts),
        crimes_kept=len(crimes), asb_kept=len(asb),
        outside_borough=sum(p.outside_borough for p in parts),
        no_location=sum(p.no_location for p in parts),
        assigned_by_lsoa=sum(p.assigned_by_lsoa for p in parts),
        files_read=len(parts),
        duplicates_dropped=int(repeated.sum()),
        files_skipped=skipped,
    )

