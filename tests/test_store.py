"""The store: typed round trips, atomic replacement, versions and restore, SQL over views."""

from __future__ import annotations

import hashlib
import os

import pandas as pd
import pytest
from conftest import BRIDGE, HIGH_STREET, rows
from pandas.testing import assert_frame_equal

from smp_dash import schema, store


def crimes(*ids: str, ward: str = HIGH_STREET) -> pd.DataFrame:
    return rows("crimes", *({"crime_id": i, "ward_code": ward} for i in ids))


def sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("dataset", schema.DATASETS)
def test_round_trip_keeps_contract_types(data_dir, dataset):
    store.write(dataset, rows(dataset), source=f"{dataset}.csv")
    back = store.read(dataset)
    assert_frame_equal(back, schema.validate(rows(dataset), dataset))
    assert dict(back.dtypes) == dict(schema.empty(dataset).dtypes)


def test_nothing_loaded_reads_as_empty_typed_frame(data_dir):
    assert not store.exists("crimes")
    assert_frame_equal(store.read("crimes"), schema.empty("crimes"))
    assert store.provenance("crimes") is None


def test_provenance_describes_the_file(data_dir):
    frame = rows("crimes", {"crime_id": "a", "month": "2020-01-01"}, {"crime_id": "b", "month": "2020-11-01"})
    record = store.write("crimes", frame, source="kent.zip")
    assert {k: record[k] for k in ("dataset", "source", "rows", "first", "last", "demo")} == {
        "dataset": "crimes", "source": "kent.zip", "rows": 2,
        "first": "2020-01-01", "last": "2020-11-01", "demo": False}
    assert record["sha256"] == sha256(store.path("crimes"))
    assert store.provenance("crimes") == record
    assert not store.is_demo()


def test_invalid_write_leaves_old_data_byte_identical(data_dir):
    store.write("crimes", crimes("a", "b"), source="good.csv")
    before = sha256(store.path("crimes"))
    with pytest.raises(schema.SchemaError, match=r"bad\.csv, row 2, column 'ward_code'"):
        store.write("crimes", crimes("c", ward="nowhere"), source="bad.csv")
    assert sha256(store.path("crimes")) == before
    assert store.read("crimes")["crime_id"].tolist() == ["a", "b"]
    assert store.provenance("crimes")["source"] == "good.csv"
    assert store.versions("crimes") == []   # nothing was archived either


def test_interrupted_replace_leaves_old_file_and_no_temp_files(data_dir, monkeypatch):
    store.write("crimes", crimes("a"), source="good.csv")
    before = sha256(store.path("crimes"))
    real_replace = os.replace

    def failing_replace(src, dst):
        # the archive copy may go through; the swap of the file in use fails, like a full disk
        if os.path.basename(dst) == "crimes.parquet":
            raise OSError("disk full")
        real_replace(src, dst)

    monkeypatch.setattr(store.os, "replace", failing_replace)
    with pytest.raises(OSError, match="disk full"):
        store.write("crimes", crimes("b"), source="new.csv")
    assert sha256(store.path("crimes")) == before
    assert store.read("crimes")["crime_id"].tolist() == ["a"]
    assert [p.name for p in data_dir.rglob("*.tmp")] == []


def test_versions_kept_newest_first_and_restore(data_dir):
    for n in range(4):
        store.write("crimes", crimes(f"v{n}"), source=f"v{n}.csv", keep=2)
    assert [v["source"] for v in store.versions("crimes")] == ["v2.csv", "v1.csv"]   # v0 pruned
    oldest = store.versions("crimes")[-1]["version"]
    record = store.restore("crimes", oldest)
    assert record["source"] == "v1.csv"
    assert store.read("crimes")["crime_id"].tolist() == ["v1"]
    # the version that was in use before the restore is kept too
    assert store.versions("crimes")[0]["source"] == "v3.csv"


def test_restore_unknown_version(data_dir):
    with pytest.raises(FileNotFoundError, match="no version 'nope' of crimes"):
        store.restore("crimes", "nope")


def test_query_over_views(data_dir):
    store.write("crimes", pd.concat([crimes("a", "b"), crimes("c", ward=BRIDGE)]), source="k.csv")
    store.write("population", rows("population"), source="ons.csv")
    got = store.query("SELECT c.ward_code, count(*) AS n, any_value(p.population) AS population "
                      "FROM crimes c LEFT JOIN population p USING (ward_code) "
                      "GROUP BY c.ward_code ORDER BY c.ward_code")
    assert got["ward_code"].tolist() == [BRIDGE, HIGH_STREET]
    assert got["n"].tolist() == [1, 2]
    # Bridge has no population row: the left join leaves it blank
    assert pd.isna(got["population"].iloc[0]) and got["population"].iloc[1] == 12000


def test_query_with_parameters(data_dir):
    store.write("crimes", pd.concat([crimes("a", "b"), crimes("c", ward=BRIDGE)]), source="k.csv")
    got = store.query("SELECT crime_id FROM crimes WHERE ward_code = $ward ORDER BY crime_id", ward=HIGH_STREET)
    assert got["crime_id"].tolist() == ["a", "b"]


def test_query_sees_only_loaded_datasets(data_dir):
    with pytest.raises(Exception, match="crimes"):
        store.query("SELECT * FROM crimes")


def test_demo_flag(data_dir):
    store.write("enforcement", rows("enforcement"), source="demonstration (illustrative)", demo=True)
    assert store.is_demo()


def test_unknown_dataset_path(data_dir):
    with pytest.raises(KeyError, match="unknown dataset"):
        store.path("crime")
