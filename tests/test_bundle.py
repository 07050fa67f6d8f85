"""The bundle the pages read: the store's cubes, written at commit, equal the cubes of its rows.

A commit writes, beside the rows of crimes, ASB and service requests, the cube the pages read
(``store.CUBES``); ``bundle.from_store`` reads those and never every row. Built from the rows
instead (``bundle.build``, as the data pack and tests do), the bundle is the same.
"""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest
from conftest import BRIDGE, HIGH_STREET, MAIDSTONE, rows
from pandas.testing import assert_frame_equal

from smp_dash import bundle, cli, metrics, schema, store

FRAMES = ("crimes", "asb", "requests", "needles", "enforcement", "encampments", "indicators", "actions", "population")
#: The datasets whose rows have a date (all but the actions and the population).
DATED = sorted(name for name in schema.DATASETS if store.date_column(name))


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("store")
    assert cli.main(["--data-dir", str(folder), "demo"]) == 0
    return folder


def _from_rows(folder, wards) -> bundle.Bundle:
    """The bundle built the other way: every row read and cubed in memory."""
    frames = store.read_all(folder)
    return bundle.build(frames, wards, provenance={name: store.provenance(name, folder) for name in frames},
                        demo=store.is_demo(folder))


def _assert_same_bundle(got: bundle.Bundle, expected: bundle.Bundle) -> None:
    for name in FRAMES:
        assert_frame_equal(getattr(got, name), getattr(expected, name), obj=name)
    assert got.coverage == expected.coverage
    assert (got.first_month, got.last_month, got.provenance, got.demo) == \
        (expected.first_month, expected.last_month, expected.provenance, expected.demo)


def _without_cubes(folder) -> None:
    """Make ``folder`` a store as written before cubes were kept: no cube in any manifest entry."""
    manifest = json.loads((folder / store.MANIFEST).read_text())
    for slot in manifest["datasets"].values():
        for entry in [slot["current"], *slot["kept"]]:
            if entry and entry.pop("cube", None):
                (folder / entry["file"].replace(".parquet", ".cube.parquet")).unlink()
    (folder / store.MANIFEST).write_text(json.dumps(manifest))


@pytest.mark.parametrize("dataset", sorted(store.CUBES))
def test_the_cube_a_commit_writes_is_the_cube_of_its_rows(demo_store, dataset):
    frames, _ = store.read_pages(demo_store)
    expected = metrics.aggregates(store.read_all(demo_store))[{"crimes": "crimes", "asb_incidents": "asb",
                                                                "service_requests": "requests"}[dataset]]
    assert_frame_equal(frames[dataset], expected)
    assert len(frames[dataset]) < store.provenance(dataset, demo_store)["rows"]   # a cube, not the rows


def test_the_bundle_from_the_store_is_the_bundle_from_its_rows(demo_store, maidstone):
    wards, _ = maidstone
    got = bundle.from_store(demo_store, None, MAIDSTONE)
    _assert_same_bundle(got, _from_rows(demo_store, got.wards))
    assert got.spans == _from_rows(demo_store, got.wards).spans   # the coverage the pages and Data page show


def test_a_store_written_before_cubes_still_loads_and_its_next_write_adds_them(tmp_path, demo_store, maidstone):
    folder = tmp_path / "store"
    shutil.copytree(demo_store, folder, symlinks=True)
    expected = bundle.from_store(demo_store, None, MAIDSTONE)
    _without_cubes(folder)
    assert not list(folder.glob("objects/*/*.cube.parquet"))
    _assert_same_bundle(bundle.from_store(folder, None, MAIDSTONE), expected)   # counted from the rows
    assert cli.main(["--data-dir", str(folder), "check"]) == 0

    # the next commit of a dataset writes its cube; the others keep loading from their rows
    store.write("asb_incidents", store.read("asb_incidents", folder), source="again.csv", demo=True, data_dir=folder)
    assert [p.parent.name for p in folder.glob("objects/*/*.cube.parquet")] == ["asb_incidents"]
    _assert_same_bundle(bundle.from_store(folder, None, MAIDSTONE),
                        _from_rows(folder, expected.wards))


def test_rows_per_month_from_the_cubes_are_the_rows_in_the_store(demo_store, maidstone):
    # the Data page's chart, read from the cubes, counts what every row of the store says
    got = bundle.rows_per_month(bundle.from_store(demo_store, None, MAIDSTONE))
    counted = []
    for name in DATED:
        dates = store.read(name, demo_store)[store.date_column(name)]
        months = dates.dt.to_period("M").dt.to_timestamp().value_counts().sort_index()
        counted.append(pd.DataFrame({"month": months.index, "dataset": name, "value": months.to_numpy()}))
    expected = pd.concat(counted, ignore_index=True).astype({"month": "datetime64[ns]", "value": "int64"})
    assert_frame_equal(got, expected, check_dtype=False)
    assert got["value"].sum() == sum(store.provenance(n, demo_store)["rows"] for n in set(got["dataset"]))


def test_rows_per_month_of_one_row_each(seeded, maidstone):
    got = bundle.rows_per_month(bundle.from_store(seeded, None, MAIDSTONE))
    assert got.loc[got["dataset"] == "crimes", ["month", "value"]].values.tolist() == [[pd.Timestamp("2020-05-01"), 1]]
    assert sorted(set(got["dataset"])) == DATED


def test_restoring_a_version_written_before_cubes_writes_its_cube(data_dir):
    store.write("crimes", rows("crimes", {"crime_id": "a"}, {"crime_id": "b", "ward_code": BRIDGE}), source="old.csv")
    _without_cubes(data_dir)
    store.write("crimes", rows("crimes", {"crime_id": "c"}), source="new.csv")
    store.restore("crimes", store.versions("crimes")[0]["version"])
    frames, records = store.read_pages()
    assert records["crimes"]["source"] == "old.csv"
    assert_frame_equal(frames["crimes"], store.dataset_cube("crimes", store.read("crimes")))
    assert sorted(frames["crimes"]["ward_code"]) == sorted([HIGH_STREET, BRIDGE])
    assert store.verify() == []


@pytest.mark.parametrize("damage, message", [
    ("change", "differs from the SHA-256"),   # a cube edited by hand, or another version's cube copied in
    ("remove", "is missing"),
])
def test_check_catches_a_damaged_cube(tmp_path, demo_store, capsys, damage, message):
    folder = tmp_path / "store"
    shutil.copytree(demo_store, folder, symlinks=True)
    cube = next(folder.glob("objects/crimes/*.cube.parquet"))
    if damage == "change":
        store._atomic_write(cube, store._parquet_bytes(store.read_pages(folder)[0]["asb_incidents"]))
    else:
        cube.unlink()
    assert cli.main(["--data-dir", str(folder), "check"]) == 1
    out = capsys.readouterr().out
    assert "crimes" in out and "DOES NOT MATCH ITS RECORD" in out and message in out


def test_an_empty_dataset_written_on_purpose_has_an_empty_cube(data_dir):
    store.write("service_requests", rows("service_requests"), source="a.csv")
    store.write("service_requests", rows("service_requests").iloc[:0], source="blank.csv", allow_empty=True)
    cube = store.read_pages()[0]["service_requests"]
    assert len(cube) == 0 and list(cube.columns) == ["month", "ward_code", "category", "subcategory", "n"]
    assert store.verify() == []


def test_pages_read_no_row_file_of_a_cubed_dataset(demo_store, monkeypatch):
    read = []
    real = pd.read_parquet
    monkeypatch.setattr(store.pd, "read_parquet", lambda path, *a, **k: read.append(str(path)) or real(path, *a, **k))
    store.read_pages(demo_store)
    big = [p for p in read if any(f"objects/{name}/" in p for name in store.CUBES)]
    assert big and all(p.endswith(".cube.parquet") for p in big)


def test_the_ward_layer_is_kept_beside_the_store_and_read_back_the_same(tmp_path, maidstone):
    """``geo.ward_layer``: the wards and browser boundaries worked out once per boundary file and
    district, then read from the store's cache folder, equal to working them out again."""
    from smp_dash import geo

    wards, _ = maidstone
    cache = tmp_path / "cache"
    first = geo.ward_layer(MAIDSTONE, cache_dir=cache)
    assert len(list(cache.glob("wards-*.json"))) == 1
    again = geo.ward_layer(MAIDSTONE, cache_dir=cache)
    uncached = geo.ward_layer(MAIDSTONE)
    for table, geojson in (first, again, uncached):
        assert_frame_equal(table, uncached[0])
        assert geojson == geo.ward_geojson(geo.load_wards(MAIDSTONE))
    assert list(uncached[0]["ward_code"]) == list(wards["ward_code"])
    assert list(uncached[0]["ward_name"]) == list(wards["ward_name"])
    geo.ward_layer("all", cache_dir=cache)   # another district: another file, never the first one's
    assert len(list(cache.glob("wards-*.json"))) == 2


def test_a_damaged_or_unwritable_ward_cache_is_ignored(tmp_path):
    from smp_dash import geo

    expected = geo.ward_layer(MAIDSTONE)
    cache = tmp_path / "cache"
    geo.ward_layer(MAIDSTONE, cache_dir=cache)
    for damage in ('{"wards": [[1]], "geojson": {}}', "{not json", ""):
        next(cache.glob("wards-*.json")).write_text(damage)
        table, geojson = geo.ward_layer(MAIDSTONE, cache_dir=cache)
        assert_frame_equal(table, expected[0])
        assert geojson == expected[1]
    blocked = tmp_path / "file"
    blocked.write_text("")   # a cache folder that cannot be made: the layer still comes back
    table, geojson = geo.ward_layer(MAIDSTONE, cache_dir=blocked / "cache")
    assert_frame_equal(table, expected[0])


def test_a_server_with_its_ward_layer_cached_reads_no_boundary_file(demo_store):
    """The first page of a server started again needs neither geopandas nor DuckDB (0.1 s and
    0.05 s to import): the wards come from the cache, the figures from the cubes."""
    import subprocess
    import sys

    bundle.from_store(demo_store, None, MAIDSTONE)   # writes the cache
    code = ("import sys; from smp_dash import bundle; "
            f"b = bundle.from_store({str(demo_store)!r}, None, {MAIDSTONE!r}); "
            "assert b.geojson and len(b.wards) == 26, b.boundary_error; "
            "print(sorted(m for m in ('geopandas', 'duckdb', 'pyogrio') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
