"""The one place data is persisted and queried: immutable Parquet files named by one manifest.

Layout under the data directory::

    manifest.json                        the commit point: per dataset, the file and provenance
                                         record in use and the versions kept, newest first
    objects/<dataset>/<version>.parquet  data files, written once and never changed
    objects/<dataset>/<version>.cube.parquet   the counts the pages read (:data:`CUBES`), written
                                         with the rows and named by the same manifest entry
    <dataset>.parquet                    a symbolic link to the file in use, for tools that open
                                         a dataset by name (the manifest is what counts)
    .lock                                held by the one write in progress (``fcntl.flock``); while
                                         held, it names the writer (process, host, since when)
    cache/                               what a server works out from files outside the store and
                                         keeps to start faster (``geo.ward_layer``); safe to delete

A write (:func:`write_many`, one dataset or several) takes the lock, validates every frame,
writes each new data file and, for crimes, ASB and service requests, its cube (temporary name,
fsync, rename) and then replaces the manifest the same way. That one rename is the commit: a
write killed at any moment leaves the old state or the new one, never one dataset new and
another old, never a data file with another's record, never a cube with another version's rows.
Readers never lock: they read the manifest once and open the immutable files it names. What a
killed write leaves behind (temporary files, data files no manifest names) is removed by the
next write, and an earlier version's file is deleted only after the manifest stops listing it.
A write the file system refuses (a full disk, a read-only or missing folder, permission refused)
raises :class:`StoreUnavailable` naming the path, removes what it had written and changes
nothing (:func:`failure` says so in words); a manifest that is not whole raises :class:`StoreDamaged`.

Every read checks each file it opens against the manifest (SHA-256 and rows, as :func:`verify`
does) and raises :class:`StoreDamaged` naming it when it differs or is missing. A file is hashed
once per process: the answer is kept against the file's identity on disk (inode, size,
modification and change times), so reading it again costs a ``stat``, and a file changed since
is hashed again.

A store written by earlier releases (``<dataset>.parquet`` + ``<dataset>.json``, earlier
versions under ``versions/<dataset>/``) is read as it is and moved to this layout by its first
write. A version written before cubes were kept has none in its entry: :func:`read_pages`
counts its rows instead (the cube is the same), and its next write or restore writes one.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import io
import json
import os
import secrets
import shutil
import signal
import socket
import tempfile
import time
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Mapping

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from smp_dash import config, schema

KEEP_VERSIONS = 5
#: Seconds a write waits for another write's lock before it is refused (``SMP_STORE_LOCK_TIMEOUT``).
LOCK_TIMEOUT = 60.0
MANIFEST = "manifest.json"
LOCK = ".lock"
#: ``SMP_STORE_CRASH_AT=<step>`` kills the writing process at that step, as ``kill -9`` would
#: (the crash tests). Steps, in order: ``locked``; for each dataset ``temp:<dataset>`` (its data
#: file written under a temporary name) and ``data:<dataset>`` (renamed); ``temp:manifest.json``;
#: ``temp:<dataset>.cube`` and ``cube:<dataset>`` (its cube, for the datasets in ``CUBES``);
#: ``committed`` (the manifest renamed); ``link:<dataset>`` for each link changed; ``pruned``.
CRASH_AT = "SMP_STORE_CRASH_AT"
_FORMAT = 2
_LEGACY = 1

_DATE_COLUMNS = {"crimes": "month", "asb_incidents": "month", "service_requests": "received",
                 "needle_finds": "found", "enforcement": "issued", "encampments": "started",
                 "indicators": "period_start", "actions": None, "population": None,
                 "csp_crime": "quarter", "lad_population": None, "csp_comparators": None}

#: The cube kept beside each dataset the pages read as counts: the column that dates a row and
#: the columns counted by (with the month; the count is column ``n``). Said once: the store
#: writes these at every commit and ``metrics.aggregates`` builds the same from rows.
CUBES = {"crimes": ("month", ("ward_code", "crime_type", "offence_subgroup", "domestic_abuse", "hate_strand")),
         "asb_incidents": ("month", ("ward_code",)),
         "service_requests": ("received", ("ward_code", "category", "subcategory"))}


class StoreLocked(TimeoutError):
    """Another write held the store's lock for longer than the wait allowed."""


class StoreUnavailable(OSError):
    """The file system refused to read or write the store (a full disk, a read-only or missing
    folder, permission refused): ``StoreUnavailable(errno, strerror, path, action="read")``."""

    def __init__(self, *args, action: str = "use"):
        super().__init__(*args)
        self.action = action


class StoreDamaged(ValueError):
    """The store failed its check: the manifest is not whole (cut off, not JSON, or not the
    manifest's shape), or a file it names for the data in use is missing or differs from what it
    records (SHA-256, rows). The message names the file and the problem."""


#: What an errno means to the person running the store (:func:`failure`).
_WHY = {errno.ENOSPC: "the disk is full", errno.EDQUOT: "the disk quota is used up",
        errno.EROFS: "the file system is read-only", errno.EACCES: "permission refused",
        errno.EPERM: "permission refused", errno.ENOENT: "it does not exist",
        errno.ENOTDIR: "part of its path is not a folder", errno.EIO: "the disk reported an input/output error"}


def failure(exc: OSError) -> str:
    """A system failure (a full disk, a read-only or missing folder, permission refused) in one
    sentence naming the path: what the command line prints and the Data page shows."""
    why = _WHY.get(exc.errno) or exc.strerror or str(exc)
    return f"Could not {getattr(exc, 'action', 'use')} {exc.filename or 'a file'}: {why}."


def path(dataset: str, data_dir: Path | str | None = None) -> Path:
    """The Parquet file of ``dataset`` in use (``<dataset>.parquet`` when none is loaded)."""
    schema.columns(dataset)  # unknown datasets fail with a clear message
    folder = _dir(data_dir)
    entry = _current(_manifest(folder), dataset)
    return folder / entry["file"] if entry else folder / f"{dataset}.parquet"


def exists(dataset: str, data_dir: Path | str | None = None) -> bool:
    """Whether a version of ``dataset`` is in use."""
    schema.columns(dataset)
    return _current(_manifest(_dir(data_dir)), dataset) is not None


def write(dataset: str, frame: pd.DataFrame, *, source: str, demo: bool = False,
          data_dir: Path | str | None = None, keep: int = KEEP_VERSIONS, allow_empty: bool = False) -> dict:
    """Validate ``frame`` and make it the version of ``dataset`` in use (:func:`write_many`)."""
    return write_many({dataset: frame}, source=source, demo=demo, data_dir=data_dir, keep=keep,
                      allow_empty=allow_empty)[dataset]


def write_many(frames: Mapping[str, pd.DataFrame], *, source: str, demo: bool = False,
               data_dir: Path | str | None = None, keep: int = KEEP_VERSIONS,
               allow_empty: bool = False, lock_timeout: float | None = None) -> dict[str, dict]:
    """Make ``frames`` the datasets in use, all of them or none, in one locked transaction.

    Parameters
    ----------
    frames : dataset name -> its rows; datasets not named are left as they are.
    source : the file the rows came from (provenance).
    demo : whether the rows are demonstration (invented) data.
    keep : how many earlier versions of each dataset to keep.
    allow_empty : replace a dataset with zero rows; without it a frame with no rows is refused,
        so that a file that kept nothing never empties a dataset by accident.
    lock_timeout : seconds to wait for another write (default ``LOCK_TIMEOUT``, or
        ``SMP_STORE_LOCK_TIMEOUT``).

    Returns
    -------
    The provenance record of each dataset written.

    Raises
    ------
    schema.SchemaError for a frame that breaks its contract, ValueError for an empty frame
    without ``allow_empty``, StoreLocked when another write holds the lock too long. Nothing
    is changed in any of these cases.
    """
    if not frames:
        raise ValueError(f"{source}: no dataset to write: nothing replaced")
    typed = {name: schema.validate(frame, name, source) for name, frame in frames.items()}
    empty = [name for name, frame in typed.items() if len(frame) == 0]
    if empty and not allow_empty:
        raise ValueError(f"{source}: no rows for {', '.join(empty)}: nothing replaced "
                         "(allow_empty empties a dataset on purpose)")
    payloads = {name: _parquet_bytes(frame) for name, frame in typed.items()}
    folder = _dir(data_dir)
    with _locked(folder, lock_timeout), _undone_on_failure(folder):
        manifest = _tidy(folder)
        version = _new_version(manifest, typed)
        entries = {}
        for name, frame in typed.items():
            entry = {"version": version, "file": f"objects/{name}/{version}.parquet",
                     "record": _provenance(name, frame, source, demo, payloads[name])}
            _atomic_write(folder / entry["file"], payloads[name], step=f"temp:{name}")
            _step(f"data:{name}")
            entries[name] = _with_cube(folder, name, entry, frame)
        _commit(folder, manifest, entries, keep)
    return {name: dict(entry["record"]) for name, entry in entries.items()}


def read(dataset: str, data_dir: Path | str | None = None) -> pd.DataFrame:
    """The version of ``dataset`` in use, typed by its contract (empty if none is loaded)."""
    schema.columns(dataset)
    folder = _dir(data_dir)
    entry = _current(_manifest(folder), dataset)
    return _read_checked(folder, dataset, entry) if entry else schema.empty(dataset)


def read_all(data_dir: Path | str | None = None) -> dict[str, pd.DataFrame]:
    """Every dataset in use, by name (empty frames for datasets not loaded), from one manifest."""
    folder = _dir(data_dir)
    manifest = _manifest(folder)
    return {name: (_read_checked(folder, name, entry) if (entry := _current(manifest, name))
                   else schema.empty(name)) for name in schema.DATASETS}


def cube(frame: pd.DataFrame, date: str, dims, weight: str | None = None) -> pd.DataFrame:
    """Counts (or sums of ``weight``) per month and ``dims``, as column ``n``; text dimensions
    as categoricals. The month is the first day of the month of ``date``."""
    dims = list(dims)
    month = frame[date].dt.to_period("M").dt.to_timestamp()
    keys = [month.rename("month")] + [frame[d] for d in dims]
    grouped = (frame[weight] if weight else pd.Series(1, index=frame.index, name="n")) \
        .groupby(keys, observed=True, dropna=False).sum()
    return _text_as_categories(grouped.rename("n").reset_index(), dims)


def dataset_cube(dataset: str, frame: pd.DataFrame) -> pd.DataFrame:
    """The cube of ``dataset``'s rows (:data:`CUBES`): what a commit writes beside them."""
    date, dims = CUBES[dataset]
    return cube(frame, date, dims)


def read_pages(data_dir: Path | str | None = None) -> tuple[dict[str, pd.DataFrame], dict[str, dict | None]]:
    """What the pages draw from, from one manifest, without reading every row.

    Every file of the data in use, rows and cubes, is first checked against the manifest (its
    SHA-256 and rows; each file hashed once per process, :func:`_file_problem`), so the pages draw
    from a store that passes its check or from none: :class:`StoreDamaged` names the first file
    that differs or is missing.

    Returns
    -------
    frames : per dataset, its cube for the datasets in :data:`CUBES` (read from the cube file
        the commit wrote; counted from the rows for a version written before cubes were kept),
        its rows for the others (small: partner logs, indicators, actions, population).
    records : per dataset, the provenance record of the version in use, or None.
    """
    folder = _dir(data_dir)
    manifest = _manifest(folder)
    frames, records = {}, {}
    for name in schema.DATASETS:
        entry = _current(manifest, name)
        records[name] = dict(entry["record"]) if entry else None
        if entry:
            _checked(folder, name, entry)   # the rows too: a page's documents and row view read them
        if name not in CUBES:
            frames[name] = _read_checked(folder, name, entry) if entry else schema.empty(name)
        elif entry and entry.get("cube"):
            frames[name] = _text_as_categories(_read_checked(folder, name, entry, cube=True), CUBES[name][1])
        else:
            date, dims = CUBES[name]
            rows = _read_checked(folder, name, entry, columns=[date, *dims]) if entry else schema.empty(name)
            frames[name] = dataset_cube(name, rows)
    return frames, records


def provenance(dataset: str, data_dir: Path | str | None = None) -> dict | None:
    """The provenance record of the version in use, or None."""
    schema.columns(dataset)
    entry = _current(_manifest(_dir(data_dir)), dataset)
    return dict(entry["record"]) if entry else None


def versions(dataset: str, data_dir: Path | str | None = None) -> list[dict]:
    """Earlier versions of ``dataset``, newest first, each with its provenance and ``version`` id."""
    slot = _manifest(_dir(data_dir))["datasets"].get(dataset) or {}
    return [{**entry["record"], "version": entry["version"]} for entry in slot.get("kept", [])]


def restore(dataset: str, version: str, data_dir: Path | str | None = None, *,
            keep: int = KEEP_VERSIONS, lock_timeout: float | None = None) -> dict:
    """Make an earlier version the one in use; the one it replaces is kept as a version.

    ``version`` must be one of :func:`versions`' ids, exactly: anything else (a path, a
    version of another dataset) is refused with FileNotFoundError, as is a version whose
    file no longer matches its record's SHA-256.
    """
    schema.columns(dataset)
    folder = _dir(data_dir)
    with _locked(folder, lock_timeout), _undone_on_failure(folder):
        manifest = _tidy(folder)
        kept = (manifest["datasets"].get(dataset) or {}).get("kept", [])
        entry = next((e for e in kept if e["version"] == version), None)
        if entry is None:
            raise FileNotFoundError(f"no version {version!r} of {dataset}; see `smp-dash versions {dataset}`")
        problem = _verify_entry(folder, entry)
        if problem:
            raise FileNotFoundError(f"version {version!r} of {dataset} cannot be restored: {problem}")
        if dataset in CUBES and not entry.get("cube"):   # a version written before cubes were kept
            entry = _with_cube(folder, dataset, _in_objects(folder, dataset, entry),
                               pd.read_parquet(folder / entry["file"]))
        _commit(folder, manifest, {dataset: entry}, keep)
    return dict(entry["record"])


def verify(data_dir: Path | str | None = None) -> list[tuple[str, str]]:
    """Check every data file and cube, in use or kept, against its record's SHA-256 and row count.

    Returns (dataset, problem) pairs; an empty list when every file matches its record.
    """
    folder = _dir(data_dir)
    problems = []
    for name, slot in _manifest(folder)["datasets"].items():
        for entry in _entries(slot):
            problem = _verify_entry(folder, entry)
            if problem:
                problems.append((name, f"{entry['file']}: {problem}"))
    return problems


def stamp(data_dir: Path | str | None = None) -> tuple:
    """What identifies the data in use, for cache keys: changes with every commit."""
    folder = _dir(data_dir)
    try:
        info = (folder / MANIFEST).stat()
    except FileNotFoundError:
        return tuple(sorted((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in folder.glob("*.parquet")))
    return (MANIFEST, info.st_ino, info.st_size, info.st_mtime_ns)


def cache_dir(data_dir: Path | str | None = None) -> Path:
    """The store's folder for derived files a server keeps to start faster (never data: deleting
    it loses nothing)."""
    return _dir(data_dir) / "cache"


def query(sql: str, data_dir: Path | str | None = None, **params) -> pd.DataFrame:
    """Run DuckDB SQL over the store; each dataset in use is a view of the same name (its file
    checked against the manifest first: :class:`StoreDamaged` when it differs)."""
    # Imported here: DuckDB takes 0.04 to 0.09 s to import, and a server's first page reads the
    # cubes (read_pages) and never queries rows.
    import duckdb

    folder = _dir(data_dir)
    manifest = _manifest(folder)
    with duckdb.connect() as con:
        for name in schema.DATASETS:
            entry = _current(manifest, name)
            if entry:
                _checked(folder, name, entry)
                con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{_sql_path(folder / entry['file'])}')")
        return con.execute(sql, params or None).df()


def date_column(dataset: str) -> str | None:
    """The column that dates each row of ``dataset`` (None for undated datasets)."""
    schema.columns(dataset)
    return _DATE_COLUMNS[dataset]


def is_demo(data_dir: Path | str | None = None) -> bool:
    """True when any dataset in use is demonstration data."""
    manifest = _manifest(_dir(data_dir))
    return any((_current(manifest, name) or {}).get("record", {}).get("demo", False) for name in schema.DATASETS)


def _dir(data_dir: Path | str | None) -> Path:
    return Path(data_dir) if data_dir is not None else config.data_dir()


# The manifest ---------------------------------------------------------------------------------

def _manifest(folder: Path) -> dict:
    """The manifest in use; a store in the earlier layout (or none) is described as one.
    StoreDamaged when it is not whole, or missing from a store that was committed (its links are
    there); StoreUnavailable when it cannot be read."""
    file = folder / MANIFEST
    try:
        raw = file.read_bytes()
    except FileNotFoundError:
        links = [name for name in schema.DATASETS if (folder / f"{name}.parquet").is_symlink()]
        if links:   # made only after a commit: a store was here (read as empty, its first write would tidy it away)
            raise StoreDamaged(_damaged(file, f"it is missing, but {links[0]}.parquet links to a data file a "
                                              "commit wrote")) from None
        return _legacy(folder)
    except OSError as exc:
        raise _unavailable(exc, "read", file) from exc
    try:
        manifest = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        cut = isinstance(exc, json.JSONDecodeError) and not raw.rstrip().endswith(b"}")   # as a manifest ends
        problem = (f"it ends after {len(raw):,} bytes, part-way through (cut off)" if cut
                   else f"it is not JSON ({exc})")
        raise StoreDamaged(_damaged(file, problem)) from None
    problem = _manifest_problem(manifest)
    if problem:
        raise StoreDamaged(_damaged(file, problem))
    return manifest


def _damaged(file: Path, problem: str) -> str:
    return (f"the store's manifest {file} is damaged: {problem}. Restore it from a backup: the store cannot "
            "be read or written until then (its data files under objects/ are not changed)")


def _manifest_problem(manifest) -> str | None:
    """What makes ``manifest`` (parsed JSON) not the manifest's shape, or None."""
    if not isinstance(manifest, dict) or not isinstance(manifest.get("datasets"), dict):
        return "it does not list the datasets"
    if manifest.get("format") not in (_LEGACY, _FORMAT):
        return f"format {manifest.get('format')!r} is not one this release reads"
    for name, slot in manifest["datasets"].items():
        if not (isinstance(slot, dict) and isinstance(slot.get("kept", []), list)):
            return f"dataset {name!r} is not a current version and a list of kept ones"
        for entry in _entries(slot):
            if not (isinstance(entry, dict) and isinstance(entry.get("version"), str)
                    and isinstance(entry.get("record"), dict) and _inside(entry.get("file"))
                    and (entry.get("cube") is None or isinstance(entry["cube"], dict)
                         and _inside(entry["cube"].get("file")))):
                return f"an entry of {name!r} lacks its version, file or record, or names a file outside the store"
    return None


def _inside(file) -> bool:
    """Whether ``file`` (from the manifest) is a relative path inside the store folder."""
    return isinstance(file, str) and bool(file) and not Path(file).is_absolute() and ".." not in Path(file).parts


def _current(manifest: dict, dataset: str) -> dict | None:
    return (manifest["datasets"].get(dataset) or {}).get("current")


def _entries(slot: dict) -> list[dict]:
    return ([slot["current"]] if slot.get("current") else []) + list(slot.get("kept", []))


def _files(entry: dict) -> list[str]:
    """The files an entry names: its rows and, when it has one, its cube."""
    return [entry["file"]] + ([entry["cube"]["file"]] if entry.get("cube") else [])


def _legacy(folder: Path) -> dict:
    """A store written by earlier releases, described as a manifest naming its files in place."""
    datasets = {}
    for name in schema.DATASETS:
        data, meta = folder / f"{name}.parquet", folder / f"{name}.json"
        current = None
        if data.is_file() and not data.is_symlink():
            record = json.loads(meta.read_text()) if meta.is_file() else {"dataset": name, "source": "unknown"}
            when = datetime.fromtimestamp(data.stat().st_mtime, timezone.utc)
            current = {"version": _version_id(when), "file": data.name, "record": record}
        kept = [{"version": old.stem, "file": f"versions/{name}/{old.name}",
                 "record": json.loads(old.with_suffix(".json").read_text())}
                for old in sorted((folder / "versions" / name).glob("*.parquet"), reverse=True)
                if old.with_suffix(".json").is_file()]
        if current or kept:
            datasets[name] = {"current": current, "kept": kept}
    return {"format": _LEGACY, "datasets": datasets}


def _new_version(manifest: dict, datasets) -> str:
    """A version id (the UTC time, to the microsecond) no written dataset has used."""
    taken = {e["version"] for name in datasets for e in _entries(manifest["datasets"].get(name) or {})}
    when = datetime.now(timezone.utc)
    while _version_id(when) in taken:
        when += timedelta(microseconds=1)
    return _version_id(when)


def _version_id(when: datetime) -> str:
    return when.strftime("%Y%m%dT%H%M%S%fZ")


def _commit(folder: Path, manifest: dict, entries: dict[str, dict], keep: int) -> None:
    """Replace the manifest with one naming ``entries`` as in use (the commit), then tidy."""
    datasets = _migrated(folder, manifest)
    for name, entry in entries.items():
        entry = _in_objects(folder, name, entry)
        slot = datasets.get(name) or {"current": None, "kept": []}
        kept = [e for e in slot["kept"] if e["version"] != entry["version"]]  # a restored version is in use
        if slot["current"]:
            kept.insert(0, slot["current"])
        datasets[name] = {"current": entry, "kept": kept[:max(keep, 0)]}
    new = {"format": _FORMAT, "datasets": datasets}
    _atomic_write(folder / MANIFEST, json.dumps(new, indent=1).encode())
    _step("committed")
    try:
        _tidy(folder, new)
    except OSError:
        pass  # committed; removing what the manifest no longer names is left to the next write
    _step("pruned")


def _migrated(folder: Path, manifest: dict) -> dict:
    """The manifest's datasets with every file under objects/ (earlier-layout files linked in)."""
    return {name: {"current": slot["current"] and _in_objects(folder, name, slot["current"]),
                   "kept": [_in_objects(folder, name, e) for e in slot["kept"]]}
            for name, slot in manifest["datasets"].items()}


def _in_objects(folder: Path, dataset: str, entry: dict) -> dict:
    """``entry`` with its file under objects/ (an earlier layout's file is hard-linked there)."""
    if entry["file"].startswith("objects/"):
        return entry
    target = f"objects/{dataset}/{entry['version']}.parquet"
    _link_or_copy(folder / entry["file"], folder / target)
    return {**entry, "file": target}


def _tidy(folder: Path, manifest: dict | None = None) -> dict:
    """Remove what no manifest names (a killed write's files, pruned versions, the earlier
    layout once migrated) and point the ``<dataset>.parquet`` links at the files in use."""
    manifest = manifest or _manifest(folder)
    if manifest["format"] == _FORMAT:  # links first: none is left pointing at a file removed below
        for name in schema.DATASETS:
            _link(folder, name, _current(manifest, name))
            (folder / f"{name}.json").unlink(missing_ok=True)
            shutil.rmtree(folder / "versions" / name, ignore_errors=True)
        _remove_if_empty(folder / "versions")
    named = {(folder / file).resolve() for slot in manifest["datasets"].values() for e in _entries(slot)
             for file in _files(e)}
    for file in folder.glob("objects/*/*"):
        if file.resolve() not in named:
            file.unlink(missing_ok=True)
    for file in folder.glob(".*.tmp"):
        file.unlink(missing_ok=True)
    return manifest


def _link(folder: Path, dataset: str, entry: dict | None) -> None:
    link = folder / f"{dataset}.parquet"
    if entry is None:
        link.unlink(missing_ok=True)  # no stale file under a dataset's name
        return
    if link.is_symlink() and os.readlink(link) == entry["file"]:
        return
    temp = folder / f".{dataset}.parquet.{secrets.token_hex(4)}.tmp"
    try:
        os.symlink(entry["file"], temp)
        os.replace(temp, link)
    except OSError:  # a file system without symbolic links: no link rather than a stale file
        temp.unlink(missing_ok=True)
        link.unlink(missing_ok=True)
    _step(f"link:{dataset}")


# Files ----------------------------------------------------------------------------------------

@contextmanager
def _locked(folder: Path, timeout: float | None):
    """Hold the store's lock file for the whole write; wait up to ``timeout`` seconds for it.

    Once it holds the lock, the writer records itself in the lock file (process, host, since
    when) and clears the record before letting go, so a waiting writer names the real holder and
    how long it has held the lock, never a writer that has finished.
    """
    if timeout is None:
        timeout = float(os.environ.get("SMP_STORE_LOCK_TIMEOUT", LOCK_TIMEOUT))
    lock = folder / LOCK
    with _doing("write", folder):
        folder.mkdir(parents=True, exist_ok=True)
    with _doing("write", lock):
        handle = open(lock, "a+b", buffering=0)   # unbuffered: a record the disk refused is not written at close
    with handle:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise StoreLocked(f"the store is being written by {_holder(handle)} (lock file {lock}); waited "
                                      f"{timeout:g} s: nothing was changed, try again when it has finished") from None
                time.sleep(0.05)
        try:
            _record_holder(handle)
            _step("locked")
            yield
        finally:
            _record_holder(handle, clear=True)
            fcntl.flock(handle, fcntl.LOCK_UN)


def _record_holder(handle, clear: bool = False) -> None:
    """Write who holds the lock (after taking it), or clear it (before letting go). Best effort:
    the lock is the flock, the record only names its holder."""
    try:
        handle.seek(0)
        handle.truncate()
        if not clear:
            handle.write(json.dumps({"pid": os.getpid(), "host": socket.gethostname(),
                                     "since": datetime.now(timezone.utc).isoformat(timespec="seconds")}).encode())
    except OSError:
        pass


def _holder(handle) -> str:
    """Who holds the lock and for how long, from its record; "another process" when it has not
    recorded itself (yet), or the record is of a process on this host that has ended."""
    try:
        handle.seek(0)
        record = json.loads(handle.read())
        pid, host, since = int(record["pid"]), str(record["host"]), datetime.fromisoformat(record["since"])
    except (OSError, ValueError, KeyError, TypeError):
        return "another process (it has not recorded itself in the lock file)"
    if host == socket.gethostname() and not _alive(pid):
        return "another process (not recorded: the lock file names an earlier writer that has ended)"
    age = max((datetime.now(timezone.utc) - since).total_seconds(), 0)
    return f"process {pid} on {host}, holding the lock for {age:.0f} s (since {since:%Y-%m-%d %H:%M:%S} UTC)"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True   # another user's process
    return True


@contextmanager
def _doing(action: str, path: Path):
    """A refusal of the file system while reading or writing ``path``, as StoreUnavailable naming it."""
    try:
        yield
    except StoreUnavailable:
        raise
    except OSError as exc:
        if exc.errno is None:
            raise
        raise _unavailable(exc, action, path) from exc


def _unavailable(exc: OSError, action: str, path: Path) -> StoreUnavailable:
    return StoreUnavailable(exc.errno, exc.strerror or os.strerror(exc.errno), str(path), action=action)


@contextmanager
def _undone_on_failure(folder: Path):
    """When the file system refuses part of a write, remove what it wrote (files no manifest
    names) now, not at the next write, so the store is as it was."""
    try:
        yield
    except OSError:
        try:
            _tidy(folder)
        except (OSError, ValueError):
            pass
        raise


def _step(name: str) -> None:
    """A point between two steps of a write: ``SMP_STORE_CRASH_AT=<name>`` dies here (tests)."""
    if os.environ.get(CRASH_AT) == name:
        os.kill(os.getpid(), signal.SIGKILL)


def _atomic_write(target: Path, payload: bytes, step: str | None = None) -> None:
    with _doing("write", target):
        _write_then_rename(target, payload, step)


def _write_then_rename(target: Path, payload: bytes, step: str | None) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        _step(step or f"temp:{target.name}")
        os.replace(tmp, target)
        _fsync_dir(target.parent)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _link_or_copy(source: Path, target: Path) -> None:
    with _doing("write", target):
        target.parent.mkdir(parents=True, exist_ok=True)
        target.unlink(missing_ok=True)
        try:
            os.link(source, target)
        except OSError:
            _atomic_write(target, source.read_bytes())
        _fsync_dir(target.parent)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove_if_empty(folder: Path) -> None:
    try:
        folder.rmdir()
    except OSError:
        pass


def _verify_entry(folder: Path, entry: dict) -> str | None:
    """What is wrong with a version's data file or its cube given the manifest, or None."""
    return _data_problem(folder, entry) or _cube_problem(folder, entry)


def _data_problem(folder: Path, entry: dict) -> str | None:
    record = entry["record"]
    return _file_problem(folder / entry["file"], "the data file", record.get("sha256"), record.get("rows"))


def _cube_problem(folder: Path, entry: dict) -> str | None:
    cube = entry.get("cube")
    return cube and _file_problem(folder / cube["file"], f"its cube {cube['file']}", cube["sha256"], cube["rows"])


#: What each file was found to be when it was last checked, by its identity on disk and what it was
#: held to (:func:`_file_problem`): a file is hashed once per process until it changes.
_CHECKED: dict[tuple, str | None] = {}
_CHECKED_MAX = 4096
_UNSEEN = object()


def _file_problem(file: Path, subject: str, sha256: str | None, rows: int | None) -> str | None:
    """What is wrong with one file the manifest names (``subject``: how the problem names it),
    held to the SHA-256 and rows it records, or None. The answer is kept against the file's inode,
    size, modification and change times: a file changed or replaced since is checked again."""
    with _doing("read", file):
        try:
            info = file.stat()
        except FileNotFoundError:
            return f"{subject} is missing"
        key = (str(file.absolute()), sha256, rows, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)
        problem = _CHECKED.get(key, _UNSEEN)
        if problem is not _UNSEEN:
            return problem
        problem = _hashed_problem(file, subject, sha256, rows)
    if len(_CHECKED) >= _CHECKED_MAX:
        _CHECKED.clear()
    _CHECKED[key] = problem
    return problem


def _hashed_problem(file: Path, subject: str, sha256: str | None, rows: int | None) -> str | None:
    if not file.is_file():
        return f"{subject} is missing"
    if sha256 and _sha256(file) != sha256:
        return (f"{subject} differs from the SHA-256 the manifest records for it (the file was changed, or the "
                "record is another file's)")
    try:
        held = pq.ParquetFile(file).metadata.num_rows
    except pa.ArrowInvalid:   # only when the record gives no SHA-256 (an earlier release's)
        return f"{subject} is not a Parquet file"
    if rows is not None and held != rows:
        return f"{subject} holds {held:,} rows; the manifest records {rows:,}"
    return None


def _checked(folder: Path, dataset: str, entry: dict, cube: bool = False) -> Path:
    """The path of ``entry``'s data file (or cube), once it matches the manifest; StoreDamaged
    naming it and the problem otherwise."""
    problem = _cube_problem(folder, entry) if cube else _data_problem(folder, entry)
    if problem:
        raise StoreDamaged(f"{dataset} does not match its record in {folder}: {entry['file']}: {problem}")
    return folder / (entry["cube"]["file"] if cube else entry["file"])


def _read_checked(folder: Path, dataset: str, entry: dict, cube: bool = False, columns=None) -> pd.DataFrame:
    """``entry``'s data file (or cube), read once it matches the manifest (:func:`_checked`)."""
    return pd.read_parquet(_checked(folder, dataset, entry, cube), columns=columns)


def _text_as_categories(frame: pd.DataFrame, dims) -> pd.DataFrame:
    """``frame`` with its text dimensions as categoricals of plain text: the same dtypes whether a
    cube was just counted or read back from Parquet (which gives a column of no text, all blank,
    untyped categories)."""
    for d in dims:
        column = frame[d]
        if isinstance(column.dtype, pd.CategoricalDtype) or column.dtype == object or \
                str(column.dtype).startswith(("string", "str")):
            text = column.astype("category")
            frame[d] = text.cat.set_categories(text.cat.categories.astype("str"))
    return frame


def _with_cube(folder: Path, dataset: str, entry: dict, frame: pd.DataFrame) -> dict:
    """``entry`` with the cube of ``frame`` written beside its rows (datasets in :data:`CUBES`)."""
    if dataset not in CUBES:
        return entry
    payload = _parquet_bytes(dataset_cube(dataset, frame))
    cube = {"file": entry["file"].removesuffix(".parquet") + ".cube.parquet",
            "rows": pq.ParquetFile(io.BytesIO(payload)).metadata.num_rows,
            "sha256": hashlib.sha256(payload).hexdigest()}
    _atomic_write(folder / cube["file"], payload, step=f"temp:{dataset}.cube")
    _step(f"cube:{dataset}")
    return {**entry, "cube": cube}


def _sha256(file: Path) -> str:
    digest = hashlib.sha256()
    with open(file, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _sql_path(file: Path) -> str:
    return str(file).replace("'", "''")


def _parquet_bytes(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False, compression="zstd")
    return buffer.getvalue()


def _provenance(dataset, frame, source, demo, payload) -> dict:
    column = _DATE_COLUMNS.get(dataset)
    first = last = None
    if column and len(frame):
        first = str(pd.Timestamp(frame[column].min()).date())
        last = str(pd.Timestamp(frame[column].max()).date())
    return {
        "dataset": dataset,
        "source": source,
        "rows": int(len(frame)),
        "first": first,
        "last": last,
        "loaded_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "sha256": hashlib.sha256(payload).hexdigest(),
        "demo": bool(demo),
    }
