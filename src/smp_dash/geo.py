"""Boundaries, point-in-ward assignment and LSOA best-fit.

Boundaries are the real ONS layers in ``config.geo_dir()`` (../shared/geo by default); they
are read when first asked for, never at import time, and never copied into the repository.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import shapely

from smp_dash import config

if TYPE_CHECKING:
    import geopandas as gpd

WARDS_FILE = "kent_wards.geojson"
LSOA_FILE = "kent_lsoa.geojson"
DISTRICTS_FILE = "kent_districts.geojson"

_LOG = logging.getLogger(__name__)


class BoundariesMissing(FileNotFoundError):
    """The boundary GeoJSON files are not where the configuration says."""


def boundary_path(name: str, geo_dir: Path | str | None = None) -> Path:
    """The path of one boundary file, or a clear error naming where to put it."""
    folder = Path(geo_dir) if geo_dir is not None else config.geo_dir()
    path = folder / name
    if not path.is_file():
        raise BoundariesMissing(
            f"Boundary file {path} not found. Put the ONS boundary GeoJSON files "
            f"({WARDS_FILE}, {LSOA_FILE}, {DISTRICTS_FILE}) in {folder}, or set SMP_GEO_DIR "
            "to the folder that holds them (the ONS Open Geography Portal publishes the same "
            "layers). Maps and ward assignment are unavailable until then."
        )
    return path


def load_wards(lad_code: str | None = None, geo_dir: Path | str | None = None) -> gpd.GeoDataFrame:
    """Electoral wards (2013 set) of one district, or of all Kent and Medway if ``lad_code`` is "all".

    Ward names are what people choose wards by, so they must be unique: across districts a
    name used twice (Castle is a ward of Dartford, Dover, and Tonbridge and Malling) gets its
    district, e.g. "Castle (Dover)".
    """
    wards = _select(_read(str(boundary_path(WARDS_FILE, geo_dir))), lad_code, "ward_code")
    shared = wards["ward_name"].duplicated(keep=False)
    wards.loc[shared, "ward_name"] = wards["ward_name"][shared] + " (" + wards["lad_name"][shared] + ")"
    return wards


def load_lsoas(lad_code: str | None = None, geo_dir: Path | str | None = None) -> gpd.GeoDataFrame:
    """2011 LSOAs with their best-fit ward, of one district or of all ("all")."""
    return _select(_read(str(boundary_path(LSOA_FILE, geo_dir))), lad_code, "lsoa_code")


def load_districts(geo_dir: Path | str | None = None) -> gpd.GeoDataFrame:
    """The 13 Kent and Medway districts."""
    return _read(str(boundary_path(DISTRICTS_FILE, geo_dir))).sort_values("lad_code").reset_index(drop=True)


@lru_cache(maxsize=8)
def _read(path: str) -> gpd.GeoDataFrame:
    # Imported here: geopandas (and its file reader) takes 0.1 s to import and a server whose
    # ward layer is cached (``ward_layer``) never reads a boundary file to draw its first page.
    import geopandas as gpd

    frame = gpd.read_file(path)
    return frame.set_crs(4326, allow_override=True) if frame.crs is None else frame.to_crs(4326)


def _select(frame: gpd.GeoDataFrame, lad_code: str | None, key: str) -> gpd.GeoDataFrame:
    code = lad_code or config.lad_code()
    if code != "all":
        frame = frame[frame["lad_code"] == code]
        if frame.empty:
            raise ValueError(f"no boundaries for district {code!r}; expected a Kent or Medway LAD code")
    return frame.sort_values(key).reset_index(drop=True).copy()


def assign_areas(longitude, latitude, areas: gpd.GeoDataFrame, key: str) -> np.ndarray:
    """The ``key`` of the polygon each point falls in (None outside every polygon).

    Vectorised: one spatial-index query for all points, no per-row Python loop. A point on a
    shared edge goes to the polygon listed first.
    """
    lon = np.asarray(longitude, dtype="float64")
    lat = np.asarray(latitude, dtype="float64")
    result = np.full(lon.shape[0], None, dtype=object)
    ok = np.isfinite(lon) & np.isfinite(lat)
    if not ok.any() or areas.empty:
        return result
    polygons = np.asarray(areas.geometry.values)
    shapely.prepare(polygons)
    x, y = lon[ok], lat[ok]
    # Candidates by bounding box from the index, then an exact test on prepared polygons
    # (2.5 times faster than the index's own "intersects" predicate; boundaries count as inside).
    point_idx, area_idx = shapely.STRtree(polygons).query(shapely.points(x, y))
    inside = shapely.intersects_xy(polygons[area_idx], x[point_idx], y[point_idx])
    point_idx, area_idx = point_idx[inside], area_idx[inside]
    order = np.lexsort((area_idx, point_idx))  # the index returns hits in its own order
    point_idx, area_idx = point_idx[order], area_idx[order]
    first = np.unique(point_idx, return_index=True)[1]
    codes = areas[key].to_numpy(dtype=object)
    hit = np.flatnonzero(ok)[point_idx[first]]
    result[hit] = codes[area_idx[first]]
    return result


def lsoa_best_fit(lsoas: pd.DataFrame) -> dict[str, str]:
    """LSOA code to the ward that holds the LSOA's interior point."""
    return dict(zip(lsoas["lsoa_code"], lsoas["best_fit_ward_code"]))


def ward_names(wards: pd.DataFrame) -> dict[str, str]:
    """Ward code to ward name."""
    return dict(zip(wards["ward_code"], wards["ward_name"]))


# Boundaries for the browser --------------------------------------------------------------

#: Coordinates are rounded to this many decimals of a degree (about 1 m).
COORD_DECIMALS = 5
#: Default simplification tolerance, in degrees (see ``ward_geojson``).
DEFAULT_TOLERANCE = 0.0004
#: A county overview of districts needs less detail than a ward map (about 55 KB instead of
#: 170 KB), and it is redrawn on every rerun of the page.
DISTRICT_TOLERANCE = 0.002


def ward_geojson(wards: gpd.GeoDataFrame, tolerance: float = DEFAULT_TOLERANCE) -> dict:
    """Ward boundaries as a small GeoJSON FeatureCollection for the browser.

    Parameters
    ----------
    wards : GeoDataFrame
        One row per ward with ``ward_code``, ``ward_name`` and polygon geometry (any CRS; it
        is read in WGS84).
    tolerance : float, default 0.0004
        Simplification in WGS84 degrees, by GEOS coverage simplification (Visvalingam-Whyatt
        on the shared edges): triangles of about ``tolerance`` squared are dropped, and each
        edge two wards share is simplified once, so neighbours still meet with no gaps or
        overlaps. 0 keeps every vertex.

    Returns
    -------
    dict
        A FeatureCollection in the order of ``wards``; each feature keeps only ``ward_code``
        and ``ward_name``, coordinates rounded to 5 decimals. Maidstone's 26 wards take about
        50 KB of JSON, all 305 Kent and Medway wards about 500 KB.
    """
    return _boundary_geojson(wards, ("ward_code", "ward_name"), tolerance)


def district_geojson(districts: gpd.GeoDataFrame, tolerance: float = DISTRICT_TOLERANCE) -> dict:
    """District boundaries (``lad_code``, ``lad_name``) as GeoJSON, as ``ward_geojson`` does wards."""
    return _boundary_geojson(districts, ("lad_code", "lad_name"), tolerance)


def _boundary_geojson(frame: gpd.GeoDataFrame, keep: tuple[str, str], tolerance: float) -> dict:
    missing_columns = [c for c in keep if c not in frame.columns]
    if missing_columns:
        raise ValueError(f"boundaries is missing column(s) {missing_columns}; it has {list(frame.columns)}")
    if tolerance < 0:
        raise ValueError(f"tolerance must be 0 or more degrees, got {tolerance}")
    if frame.crs is not None and frame.crs.to_epsg() != 4326:
        frame = frame.to_crs(4326)
    geoms = frame.geometry.to_numpy()
    missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    if missing.any():
        raise ValueError(f"boundaries have no geometry for {keep[0]} "
                         f"{frame.loc[missing, keep[0]].astype(str).tolist()[:5]}")
    if tolerance > 0:
        geoms = shapely.coverage_simplify(geoms, tolerance)
    geoms = shapely.transform(geoms, lambda xy: np.round(xy, COORD_DECIMALS))
    features = [{"type": "Feature",
                 "properties": {keep[0]: str(code), keep[1]: str(label)},
                 "geometry": json.loads(shapely.to_geojson(geom))}
                for code, label, geom in zip(frame[keep[0]], frame[keep[1]], geoms)]
    return {"type": "FeatureCollection", "features": features}


#: Bump when what :func:`ward_layer` caches changes shape, so older cache files are not read.
LAYER_FORMAT = 2
#: The boundary cache's files in the cache folder (:func:`ward_layer`, :func:`cache_problems`).
LAYER_FILES = "wards-*.json"


class CacheDamaged(ValueError):
    """A boundary cache file fails its check (not whole, or not the layer its SHA-256 says)."""


class _OtherFormat(CacheDamaged):
    """A cache file of another :data:`LAYER_FORMAT` (an earlier release's): never read, so not damage."""


def ward_layer(lad_code: str | None = None, geo_dir: Path | str | None = None, cache_dir: Path | str | None = None,
               tolerance: float = DEFAULT_TOLERANCE) -> tuple[pd.DataFrame, dict]:
    """The wards of ``lad_code`` as :func:`load_wards` names them (a frame of ``ward_code``,
    ``ward_name``) and their browser GeoJSON (:func:`ward_geojson`).

    With ``cache_dir``, both are kept in one small JSON file there, named by a digest of what they
    are worked out from: the boundary file's name and bytes, the district, the tolerance,
    :data:`LAYER_FORMAT` and the shapely and GEOS versions (which do the simplifying), so a server
    starting again over the same boundaries reads 50 to 500 KB of JSON instead of reading the
    boundary file, importing geopandas and simplifying every ward. The file carries the SHA-256 of
    the layer it holds, checked at every read: one that fails (a ward's name changed by hand, a file
    cut off) is damage, said in the log and worked out again from the boundary file, which is the
    source (the cache is only derived from it), and written over. A cache that cannot be written
    (a read-only folder) is ignored: the layer is then worked out from the boundary file, as
    without ``cache_dir``.
    """
    source = boundary_path(WARDS_FILE, geo_dir)
    code = lad_code or config.lad_code()
    cached = None
    if cache_dir is not None:
        cached = Path(cache_dir) / f"wards-{_layer_key(source, code, tolerance)}.json"
        try:
            layer = _unsealed(cached.read_bytes())
            return _ward_table(layer["wards"]), layer["geojson"]
        except OSError:
            pass   # not cached yet, or cannot be read: worked out below
        except CacheDamaged as exc:
            _LOG.warning("The boundary cache %s failed its check (%s): worked out again from %s.",
                         cached, exc, source)
    wards = load_wards(code, geo_dir)
    pairs = [[str(c), str(n)] for c, n in zip(wards["ward_code"], wards["ward_name"])]
    geojson = ward_geojson(wards, tolerance)
    if cached is not None:
        _write_quietly(cached, _sealed({"wards": pairs, "geojson": geojson}))
    return _ward_table(pairs), geojson


def cache_problems(cache_dir: Path | str) -> list[tuple[Path, str]]:
    """Each boundary cache file in ``cache_dir`` (:func:`ward_layer`) that fails its check, with
    what is wrong; an empty list when all pass. Files of an earlier release's format are never
    read, so they are not listed."""
    problems = []
    for file in sorted(Path(cache_dir).glob(LAYER_FILES)):
        try:
            _unsealed(file.read_bytes())
        except _OtherFormat:
            continue
        except CacheDamaged as exc:
            problems.append((file, str(exc)))
        except OSError as exc:
            problems.append((file, f"it cannot be read ({exc.strerror or exc})"))
    return problems


def _layer_key(source: Path, code: str, tolerance: float) -> str:
    """What names a district's cached layer: a digest of its source and of how it is worked out."""
    digest = hashlib.blake2b(source.read_bytes(), digest_size=16)
    digest.update(json.dumps([source.name, LAYER_FORMAT, code, tolerance, COORD_DECIMALS,
                              shapely.__version__, shapely.geos_version_string]).encode())
    return digest.hexdigest()


def _sealed(layer: dict) -> str:
    """A cache file's text: the layer as JSON text, with its format and the SHA-256 of that text."""
    body = json.dumps(layer, separators=(",", ":"))
    return json.dumps({"format": LAYER_FORMAT, "sha256": hashlib.sha256(body.encode()).hexdigest(), "layer": body})


def _unsealed(raw: bytes) -> dict:
    """The layer a cache file's bytes hold, once it matches the SHA-256 it carries (CacheDamaged
    saying what is wrong otherwise)."""
    try:
        saved = json.loads(raw)
    except ValueError:   # a UnicodeDecodeError too
        raise CacheDamaged("it is not JSON (cut off, or not a cache file)") from None
    if not isinstance(saved, dict):
        raise CacheDamaged("it is not a boundary cache")
    made = 1 if "format" not in saved and "wards" in saved else saved.get("format")   # format 1 did not say so
    if isinstance(made, int) and made != LAYER_FORMAT:
        raise _OtherFormat(f"a cache of format {made}, not {LAYER_FORMAT}")
    if made != LAYER_FORMAT:
        raise CacheDamaged("it is not a boundary cache")
    body = saved.get("layer")
    if not isinstance(body, str) or hashlib.sha256(body.encode()).hexdigest() != saved.get("sha256"):
        raise CacheDamaged("the layer it holds differs from the SHA-256 it carries (changed since it was written)")
    try:
        layer = json.loads(body)
        _ward_table(layer["wards"])
        if not isinstance(layer["geojson"], dict):
            raise ValueError("no GeoJSON")
    except (ValueError, KeyError, TypeError):
        raise CacheDamaged("its SHA-256 holds, but what it holds is not a ward layer") from None
    return layer


def _ward_table(pairs) -> pd.DataFrame:
    if not all(isinstance(p, list) and len(p) == 2 for p in pairs):
        raise ValueError("not a ward table")
    return pd.DataFrame(pairs, columns=["ward_code", "ward_name"])


def _write_quietly(target: Path, text: str) -> None:
    """Write ``text`` to ``target`` whole (a temporary file renamed over it), or not at all."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        try:
            with os.fdopen(handle, "w") as out:
                out.write(text)
            os.chmod(temporary, 0o644)   # readable by another server over the same store, as the store's files are
            os.replace(temporary, target)
        finally:
            if os.path.exists(temporary):
                os.unlink(temporary)
    except OSError:
        pass
