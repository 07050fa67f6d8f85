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


def test_failed_commit_leaves_old_data_and_no_temp_files(data_dir, monkeypatch):
    store.write("crimes", crimes("a"), source="good.csv")
    before = sha256(store.path("crimes"))
    real_replace = os.replace

    def failing_replace(src, dst):
        # the new data file goes through; the swap of the manifest fails, like a full disk
        if os.path.basename(dst) == store.MANIFEST:
            raise OSError("disk full")
        real_replace(src, dst)

    with monkeypatch.context() as patched:
        patched.setattr(store.os, "replace", failing_replace)
        with pytest.raises(OSError, match="disk full"):
            store.write("crimes", crimes("b"), source="new.csv")
    assert sha256(store.path("crimes")) == before
    assert store.read("crimes")["crime_id"].tolist() == ["a"]
    assert store.versions("crimes") == []
    assert [p.name for p in data_dir.rglob("*.tmp")] == []
    store.write("population", rows("population"), source="ons.csv")  # the next write clears the orphan
    assert sorted(p.relative_to(data_dir).as_posix() for p in data_dir.glob("objects/*/*.parquet")
                  if not p.name.endswith(".cube.parquet")) == [
        store.path(name).relative_to(data_dir).as_posix() for name in ("crimes", "population")]
    assert len(list(data_dir.glob("objects/crimes/*.cube.parquet"))) == 1   # the orphan's cube went too


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


@pytest.mark.parametrize("version", [
    "nope",
    "../../crimes",                 # a path climbing out of the store
    "../population/{population}",   # a version of another dataset, reached by a path
    "{population}",                 # a version of another dataset, by its id
    "",
])
def test_restore_refuses_anything_but_a_listed_version(data_dir, version):
    store.write("population", rows("population"), source="ons1.csv")
    store.write("population", rows("population", {"population": "13000"}), source="ons2.csv")
    store.write("crimes", crimes("a"), source="k.csv")
    version = version.format(population=store.versions("population")[0]["version"])
    with pytest.raises(FileNotFoundError, match=f"no version {version!r} of crimes"):
        store.restore("crimes", version)
    assert store.read("crimes")["crime_id"].tolist() == ["a"]


def test_write_many_is_all_or_nothing(data_dir):
    store.write_many({"crimes": crimes("a"), "asb_incidents": rows("asb_incidents")}, source="old.csv")
    with pytest.raises(schema.SchemaError, match=r"new\.csv, row 2, column 'ward_code'"):
        store.write_many({"crimes": crimes("b"), "asb_incidents": rows("asb_incidents", {"ward_code": "x"})},
                         source="new.csv")
    assert [store.provenance(d)["source"] for d in ("crimes", "asb_incidents")] == ["old.csv", "old.csv"]
    records = store.write_many({"crimes": crimes("b", "c"), "asb_incidents": rows("asb_incidents")}, source="new.csv")
    assert {d: r["rows"] for d, r in records.items()} == {"crimes": 2, "asb_incidents": 1}
    assert [v["source"] for v in store.versions("crimes") + store.versions("asb_incidents")] == ["old.csv"] * 2


def test_an_empty_frame_is_refused_unless_emptying_on_purpose(data_dir):
    store.write("needle_finds", rows("needle_finds"), source="log.csv")
    with pytest.raises(ValueError, match=r"blank\.csv: no rows for needle_finds: nothing replaced"):
        store.write("needle_finds", schema.empty("needle_finds"), source="blank.csv")
    assert len(store.read("needle_finds")) == 1 and store.versions("needle_finds") == []
    assert store.write("needle_finds", schema.empty("needle_finds"), source="blank.csv", allow_empty=True)["rows"] == 0
    assert len(store.read("needle_finds")) == 0 and store.versions("needle_finds")[0]["rows"] == 1


def test_pruned_versions_leave_no_file_and_kept_ones_keep_theirs(data_dir):
    for n in range(5):
        store.write("crimes", crimes(f"v{n}"), source=f"v{n}.csv", keep=2)
    files = sorted(p.name for p in (data_dir / "objects" / "crimes").iterdir())
    versions = [store.path("crimes").stem] + [v["version"] for v in store.versions("crimes")]
    assert files == sorted(f"{v}{suffix}" for v in versions for suffix in (".parquet", ".cube.parquet"))
    assert store.verify() == []


TAMPERING = [
    # (case, change to the store after two writes, dataset named)
    ("data file changed", lambda d: store.path("crimes", d).chmod(0o644) or
     store.path("crimes", d).write_bytes(store.path("population", d).read_bytes()), "crimes"),
    ("data file missing", lambda d: store.path("population", d).unlink(), "population"),
    ("record of another file", lambda d: _swap_records(d, "crimes", "population"), "crimes"),
]


def _swap_records(folder, one, other):
    import json

    manifest = json.loads((folder / store.MANIFEST).read_text())
    slots = manifest["datasets"]
    slots[one]["current"]["record"]["sha256"] = slots[other]["current"]["record"]["sha256"]
    (folder / store.MANIFEST).write_text(json.dumps(manifest))


@pytest.mark.parametrize("case, tamper, dataset", TAMPERING, ids=[t[0] for t in TAMPERING])
def test_verify_names_the_dataset_whose_file_does_not_match_its_record(data_dir, case, tamper, dataset):
    store.write("crimes", crimes("a", "b"), source="k.csv")
    store.write("population", rows("population"), source="ons.csv")
    assert store.verify() == []
    tamper(data_dir)
    assert [name for name, _ in store.verify()] == [dataset]


def test_stamp_changes_with_every_commit(data_dir):
    store.write("crimes", crimes("a"), source="k.csv")
    first = store.stamp()
    assert store.stamp() == first
    store.write("crimes", crimes("a"), source="k.csv")
    assert store.stamp() != first


def test_links_by_dataset_name_follow_the_data_in_use(data_dir):
    store.write("crimes", crimes("a"), source="k.csv")
    store.write("crimes", crimes("b"), source="k2.csv")
    assert pd.read_parquet(data_dir / "crimes.parquet")["crime_id"].tolist() == ["b"]
    assert sorted(p.name for p in data_dir.glob("*.parquet")) == ["crimes.parquet"]


def _legacy_store(folder):
    """A store as earlier releases wrote it: <dataset>.parquet + .json, versions/<dataset>/."""
    import json

    for name, ids in (("crimes", ["new"]), ("needle_finds", None)):
        frame = crimes(*ids) if ids else rows(name)
        typed = schema.validate(frame, name)
        typed.to_parquet(folder / f"{name}.parquet", index=False)
        record = store._provenance(name, typed, f"{name}.csv", False, (folder / f"{name}.parquet").read_bytes())
        (folder / f"{name}.json").write_text(json.dumps(record))
    old = folder / "versions" / "crimes"
    old.mkdir(parents=True)
    typed = schema.validate(crimes("old"), "crimes")
    typed.to_parquet(old / "20200101T000000000000Z.parquet", index=False)
    record = store._provenance("crimes", typed, "old.csv", False, (old / "20200101T000000000000Z.parquet").read_bytes())
    (old / "20200101T000000000000Z.json").write_text(json.dumps(record))


def test_a_store_in_the_earlier_layout_is_read_then_moved_by_its_first_write(data_dir):
    data_dir.mkdir()
    _legacy_store(data_dir)
    assert store.read("crimes")["crime_id"].tolist() == ["new"]
    assert [v["source"] for v in store.versions("crimes")] == ["old.csv"]
    assert store.verify() == []

    store.write("population", rows("population"), source="ons.csv")
    assert (data_dir / store.MANIFEST).is_file()
    assert store.read("crimes")["crime_id"].tolist() == ["new"]
    assert store.provenance("needle_finds")["source"] == "needle_finds.csv"
    assert [v["version"] for v in store.versions("crimes")] == ["20200101T000000000000Z"]
    store.restore("crimes", "20200101T000000000000Z")
    assert store.read("crimes")["crime_id"].tolist() == ["old"]
    assert store.verify() == []
    leftovers = [p.name for p in data_dir.iterdir() if p.suffix == ".json" and p.name != store.MANIFEST]
    assert leftovers == [] and not (data_dir / "versions").exists()
    assert all(p.is_symlink() for p in data_dir.glob("*.parquet"))


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


def test_no_link_points_at_a_removed_file_even_keeping_no_versions(data_dir, monkeypatch):
    store.write("crimes", crimes("a"), source="a.csv", keep=0)
    seen = []
    real_unlink = store.Path.unlink

    def unlink(self, missing_ok=False):
        # whenever a data file is removed, the link by name already points elsewhere
        if "objects" in self.parts:
            seen.append((data_dir / "crimes.parquet").resolve() != self.resolve())
        real_unlink(self, missing_ok=missing_ok)

    monkeypatch.setattr(store.Path, "unlink", unlink)
    store.write("crimes", crimes("b"), source="b.csv", keep=0)
    assert seen == [True, True]   # the earlier version's rows and its cube
    assert store.versions("crimes") == [] and len(list(data_dir.glob("objects/crimes/*"))) == 2
