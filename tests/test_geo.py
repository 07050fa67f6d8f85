"""Point-in-ward assignment on hand-built squares and on Maidstone's real wards; missing boundaries."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
from conftest import MAIDSTONE
from shapely.geometry import box

from smp_dash import geo

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
