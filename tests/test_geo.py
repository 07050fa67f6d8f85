"""Point-in-ward assignment on hand-built squares and on Maidstone's real wards; missing boundaries; the
boundary cache checked against the SHA-256 it carries."""

from __future__ import annotations

import hashlib
import json
import logging
import shutil

import geopandas as gpd
import numpy as np
import pytest
from conftest import MAIDSTONE, rows
from pandas.testing import assert_frame_equal
from shapely.geometry import box

from smp_dash import cli, geo, store

NAN = float("nan")
# Two unit squares side by side: A is [0,1]x[0,1], B is [1,2]x[0,1].
SQUARES = gpd.GeoDataFrame({"code": ["A", "B"]}, geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)], crs=4326)


@pytest.mark.parametrize("lon, lat, expected", [
    (0.5, 0.5, "A"),
    (1.5, 0.5, "B"),
    (3.0, 3.0, None),     # on no polygon
    (NAN, 0.5, None),     # blank longitude
    (0.5, NAN, None),     # blank latitude
    (0.0, 0.0, "A"),      # a corner counts as inside (intersects, not within)
])
def test_assign_areas_on_squares(lon, lat, expected):
    assert geo.assign_areas([lon], [lat], SQUARES, "code").tolist() == [expected]


def test_assign_areas_many_points_keep_their_order():
    lon = [1.5, NAN, 0.25, 9.0, 0.75]
    lat = [0.5, NAN, 0.25, 9.0, 0.75]
    assert geo.assign_areas(lon, lat, SQUARES, "code").tolist() == ["B", None, "A", None, "A"]


@pytest.mark.parametrize("order, expected", [
    # a point on the shared edge goes to the polygon listed first
    (["A", "B"], "A"),
    (["B", "A"], "B"),
])
def test_shared_edge_goes_to_the_first_polygon(order, expected):
    areas = SQUARES.set_index("code").loc[order].reset_index()
    assert geo.assign_areas([1.0], [0.5], areas, "code").tolist() == [expected]


@pytest.mark.parametrize("lon, lat", [([], []), ([0.5], [0.5])])
def test_assign_areas_with_nothing_to_match(lon, lat):
    # no points, or no polygons: an empty or all-None answer, never an error
    areas = SQUARES.iloc[:0] if lon else SQUARES
    assert geo.assign_areas(lon, lat, areas, "code").tolist() == [None] * len(lon)


def test_representative_point_of_each_maidstone_ward_maps_to_that_ward(maidstone):
    wards, _ = maidstone
    points = wards.geometry.representative_point()
    got = geo.assign_areas(points.x, points.y, wards, "ward_code")
    assert got.tolist() == wards["ward_code"].tolist()
    assert len(got) == 26


@pytest.mark.parametrize("lon, lat, expected", [
    (0.27, 51.195, None),           # Tonbridge, in Tonbridge and Malling
    (0.5273, 51.2692, "E05004996"),  # Maidstone High Street
    (0.0, 0.0, None),               # far away
])
def test_points_in_and_around_maidstone(maidstone, lon, lat, expected):
    wards, _ = maidstone
    assert geo.assign_areas([lon], [lat], wards, "ward_code").tolist() == [expected]


def test_lsoa_best_fit_stays_in_the_borough(maidstone):
    wards, lsoas = maidstone
    best = geo.lsoa_best_fit(lsoas)
    assert len(best) == 95
    assert set(best.values()) <= set(wards["ward_code"])
    assert best["E01024371"] == "E05004996"  # Maidstone 010A sits in High Street ward


def test_every_kent_district_loads(maidstone):
    districts = geo.load_districts()
    assert len(districts) == 13
    assert MAIDSTONE in set(districts["lad_code"])
    assert len(geo.load_wards("all")) == 305


def test_unknown_district_is_refused(maidstone):
    with pytest.raises(ValueError, match="no boundaries for district 'E07999999'"):
        geo.load_wards("E07999999")


def test_missing_boundary_folder_by_argument(tmp_path):
    folder = tmp_path / "no-geo-here"
    with pytest.raises(geo.BoundariesMissing, match=rf"{folder}.*SMP_GEO_DIR") as info:
        geo.load_wards(MAIDSTONE, geo_dir=folder)
    assert isinstance(info.value, FileNotFoundError)


def test_missing_boundary_folder_by_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("SMP_GEO_DIR", str(tmp_path / "elsewhere"))
    with pytest.raises(geo.BoundariesMissing, match=r"kent_lsoa\.geojson not found.*elsewhere.*SMP_GEO_DIR"):
        geo.load_lsoas(MAIDSTONE)


def test_assign_areas_returns_object_array_aligned_with_input():
    got = geo.assign_areas(np.array([0.5, 1.5]), np.array([0.5, 0.5]), SQUARES, "code")
    assert got.dtype == object and got.shape == (2,)


# The boundary cache (geo.ward_layer): named by its source, checked against the SHA-256 it carries -------

def _swap_two_ward_names(file) -> None:
    """The finding: two ward names swapped in the cache by hand, the SHA-256 it carries left as it was."""
    saved = json.loads(file.read_text())
    layer = json.loads(saved["layer"])
    (a, first), (b, second) = layer["wards"][:2]
    layer["wards"][:2] = [[a, second], [b, first]]
    saved["layer"] = json.dumps(layer, separators=(",", ":"))
    file.write_text(json.dumps(saved))


def test_swapped_ward_names_in_the_boundary_cache_are_caught_and_worked_out_again(tmp_path, maidstone, caplog, capsys):
    folder = tmp_path / "store"
    store.write("encampments", rows("encampments"), source="a.csv", data_dir=folder)
    cache = store.cache_dir(folder)
    expected, _ = geo.ward_layer(MAIDSTONE, cache_dir=cache)
    [file] = cache.glob(geo.LAYER_FILES)
    assert cli.main(["--data-dir", str(folder), "check"]) == 0
    assert "boundary cache     1 file(s), each matches the SHA-256 it carries" in capsys.readouterr().out

    _swap_two_ward_names(file)
    assert cli.main(["--data-dir", str(folder), "check"]) == cli.EXIT_CHECK_FAILED
    assert f"boundary cache     FAILED ITS CHECK: {file}: the layer it holds differs from the SHA-256 it carries" \
        in capsys.readouterr().out
    with caplog.at_level(logging.WARNING, logger="smp_dash.geo"):
        table, geojson = geo.ward_layer(MAIDSTONE, cache_dir=cache)
    assert_frame_equal(table, expected)     # the boundary file's names, not the swapped ones
    assert [f["properties"]["ward_name"] for f in geojson["features"]] == list(expected["ward_name"])
    assert f"The boundary cache {file} failed its check" in caplog.text and "worked out again" in caplog.text
    assert cli.main(["--data-dir", str(folder), "check"]) == 0   # written over with the right layer


@pytest.mark.parametrize("text, problem", [
    ("{not json", "it is not JSON (cut off, or not a cache file)"),
    ('{"format": 2, "sha256": "0", "layer": "{}"}', "the layer it holds differs from the SHA-256 it carries (changed since it was written)"),
    ('{"format": 2, "sha256": "' + hashlib.sha256(b"{}").hexdigest() + '", "layer": "{}"}',
     "its SHA-256 holds, but what it holds is not a ward layer"),
    ("[]", "it is not a boundary cache"),
    ("\udcff", "it is not JSON (cut off, or not a cache file)"),   # not even text
    ('{"wards": [["E05004996", "High Street"]], "geojson": {}}', None),   # an earlier release's: never read
])
def test_the_check_of_a_boundary_cache_file_says_what_is_wrong(tmp_path, text, problem):
    (tmp_path / "wards-0123.json").write_bytes(text.encode(errors="surrogateescape"))
    assert geo.cache_problems(tmp_path) == ([(tmp_path / "wards-0123.json", problem)] if problem else [])


def test_the_boundary_cache_is_named_by_its_source_file(tmp_path, maidstone):
    """Another boundary file (new ONS boundaries, the same name) gets another cache file: the old
    one is never read for it."""
    source = tmp_path / "geo"
    source.mkdir()
    shutil.copy(geo.boundary_path(geo.WARDS_FILE), source / geo.WARDS_FILE)
    cache = tmp_path / "cache"
    geo.ward_layer(MAIDSTONE, geo_dir=source, cache_dir=cache)
    [first] = cache.glob(geo.LAYER_FILES)
    with open(source / geo.WARDS_FILE, "a") as out:
        out.write("\n")
    geo.ward_layer(MAIDSTONE, geo_dir=source, cache_dir=cache)
    files = set(cache.glob(geo.LAYER_FILES))
    assert len(files) == 2 and first in files
