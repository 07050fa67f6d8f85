"""The one place data is persisted and queried: one Parquet file per dataset.

Layout under the data directory::

    <dataset>.parquet        the version in use
    <dataset>.json           its provenance (source, rows, date range, loaded at, hash, demo flag)
    versions/<dataset>/<stamp>.parquet + .json   earlier versions, newest first on restore

Every write validates first and then replaces the file atomically (write to a temporary file
in the same folder, fsync, then ``os.replace``), so a failed or interrupted write leaves the
previous data in use and readable.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pandas as pd

from smp_dash import config, schema

KEEP_VERSIONS = 5

_DATE_COLUMNS = {"crimes": "month", "asb_incidents": "month", "service_requests": "received",
                 "needle_finds": "found", "enforcement": "issued", "encampments": "started",
                 "indicators": "period_start", "actions": None, "population": None}


def _dir(data_dir: Path | str | None) -> Path:
    return Path(data_dir) if data_dir is not None else config.data_dir()


def path(dataset: str, data_dir: Path | str | None = None) -> Path:
    """The Parquet file of ``dataset`` in use."""
    schema.columns(dataset)  # unknown datasets fail with a clear message
    return _dir(data_dir) / f"{dataset}.parquet"


def exists(dataset: str, data_dir: Path | str | None = None) -> bool:
    """Whether a version of ``dataset`` is in use."""
    return path(dataset, data_dir).is_file()


def write(dataset: str, frame: pd.DataFrame, *, source: str, demo: bool = False,
          data_dir: Path | str | None = None, keep: int = KEEP_VERSIONS) -> dict:
    """Validate ``frame`` and make it the version of ``dataset`` in use, atomically.

    The version it replaces is kept under ``versions/`` (the newest ``keep`` are kept).
    Returns the provenance record written beside it.
    """
    typed = schema.validate(frame, dataset, source)
    folder = _dir(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    target = path(dataset, folder)
    payload = _parquet_bytes(typed)
    record = _provenance(dataset, typed, source, demo, payload)
    if target.is_file():
        _archive(dataset, folder, keep)
    _atomic_write(target, payload)
    _atomic_write(target.with_suffix(".json"), json.dumps(record, indent=2).encode())
    return record


def read(dataset: str, data_dir: Path | str | None = None) -> pd.DataFrame:
    """The version of ``dataset`` in use, typed by its contract (empty if none is loaded)."""
    target = path(dataset, data_dir)
    if not target.is_file():
        return schema.empty(dataset)
    return pd.read_parquet(target)


def read_all(data_dir: Path | str | None = None) -> dict[str, pd.DataFrame]:
    """Every dataset in use, by name (empty frames for datasets not loaded)."""
    return {name: read(name, data_dir) for name in schema.DATASETS}


def provenance(dataset: str, data_dir: Path | str | None = None) -> dict | None:
    """The provenance record of the version in use, or None."""
    meta = path(dataset, data_dir).with_suffix(".json")
    return json.loads(meta.read_text()) if meta.is_file() else None


def versions(dataset: str, data_dir: Path | str | None = None) -> list[dict]:
    """Earlier versions of ``dataset``, newest first, each with its provenance and ``version`` id."""
    folder = _dir(data_dir) / "versions" / dataset
    out = []
    for meta in sorted(folder.glob("*.json"), reverse=True):
        record = json.loads(meta.read_text())
        record["version"] = meta.stem
        out.append(record)
    return out


def restore(dataset: str, version: str, data_dir: Path | str | None = None) -> dict:
    """Make an earlier version the one in use (the current one is kept as a version too)."""
    folder = _dir(data_dir)
    old = folder / "versions" / dataset / f"{version}.parquet"
    if not old.is_file():
        raise FileNotFoundError(f"no version {version!r} of {dataset}; see `smp-dash versions {dataset}`")
    frame = pd.read_parquet(old)
    record = json.loads(old.with_suffix(".json").read_text())
    return write(dataset, frame, source=record["source"], demo=record.get("demo", False), data_dir=folder)


def query(sql: str, data_dir: Path | str | None = None, **params) -> pd.DataFrame:
    """Run DuckDB SQL over the store; each dataset in use is a view of the same name."""
    folder = _dir(data_dir)
    with duckdb.connect() as con:
        for name in schema.DATASETS:
            file = folder / f"{name}.parquet"
            if file.is_file():
                con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{_sql_path(file)}')")
        return con.execute(sql, params or None).df()


def date_column(dataset: str) -> str | None:
    """The column that dates each row of ``dataset`` (None for undated datasets)."""
    schema.columns(dataset)
    return _DATE_COLUMNS[dataset]


def is_demo(data_dir: Path | str | None = None) -> bool:
    """True when any dataset in use is demonstration data."""
    return any((provenance(d, data_dir) or {}).get("demo", False) for d in schema.DATASETS)


def _sql_path(file: Path) -> str:
    return str(file).replace("'", "''")


def _parquet_bytes(frame: pd.DataFrame) -> bytes:
    import io

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


def _archive(dataset: str, folder: Path, keep: int) -> None:
    current = path(dataset, folder)
    versions_dir = folder / "versions" / dataset
    versions_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    meta = current.with_suffix(".json")
    _atomic_write(versions_dir / f"{stamp}.parquet", current.read_bytes())
    _atomic_write(versions_dir / f"{stamp}.json",
                  meta.read_bytes() if meta.is_file() else b'{"source": "unknown"}')
    for old in sorted(versions_dir.glob("*.parquet"), reverse=True)[keep:]:
        old.unlink()
        old.with_suffix(".json").unlink(missing_ok=True)


def _atomic_write(target: Path, payload: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
