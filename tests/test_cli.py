"""The smp-dash command: demo, check, figures, bad input leaves the store untouched."""

from __future__ import annotations

import hashlib
import json

import pytest

from smp_dash import cli, store


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("store")
    assert cli.main(["--data-dir", str(folder), "demo"]) == 0
    return folder


def test_demo_marks_every_dataset_as_demonstration(demo_store):
    for name in ("crimes", "asb_incidents", "needle_finds", "indicators", "actions"):
        record = store.provenance(name, demo_store)
        assert record["demo"] is True
        assert record["rows"] > 0
    assert store.is_demo(demo_store)


def test_check_summarises_each_dataset(demo_store, capsys):
    assert cli.main(["--data-dir", str(demo_store), "check"]) == 0
    out = capsys.readouterr().out
    assert "crimes" in out and "98,523 rows" in out and "demonstration" in out


def test_figures_json_records_agree(demo_store, capsys):
    assert cli.main(["--data-dir", str(demo_store), "figures", "--format", "json"]) == 0
    records = json.loads(capsys.readouterr().out)
    by_id = {r["id"]: r for r in records}
    assert set(records[0]) >= {"id", "label", "period", "value", "published", "agrees"}
    assert by_id["crime_total_2020"]["value"] == 15201
    assert by_id["crime_total_2020"]["period"] == "2020"
    assert all(r["agrees"] for r in records)


def test_figures_table_reports_the_count(demo_store, capsys):
    cli.main(["--data-dir", str(demo_store), "figures"])
    assert "of 133 figures agree with the assessment" in capsys.readouterr().out


def test_bad_partner_file_exits_2_and_keeps_data(demo_store, tmp_path, capsys):
    before = hashlib.sha256(store.path("needle_finds", demo_store).read_bytes()).hexdigest()
    bad = tmp_path / "needles.csv"
    bad.write_text("found,location_name,longitude,latitude,ward_code,needles,bulk_incident,note\n"
                   "2020-13-01,River Steps,0.52,51.27,E05004996,3,false,\n")
    assert cli.main(["--data-dir", str(demo_store), "ingest", "needle_finds", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "needles.csv" in err and "row 2" in err and "'found'" in err
    assert "unchanged" in err
    assert hashlib.sha256(store.path("needle_finds", demo_store).read_bytes()).hexdigest() == before


def test_unknown_dataset_is_refused(demo_store, tmp_path, capsys):
    path = tmp_path / "x.csv"
    path.write_text("a\n1\n")
    assert cli.main(["--data-dir", str(demo_store), "ingest", "burglaries", str(path)]) == 2
    assert "unknown dataset 'burglaries'" in capsys.readouterr().err


def test_good_partner_file_replaces_and_keeps_a_version(demo_store, tmp_path, capsys):
    good = tmp_path / "enc.csv"
    good.write_text("started,ended,location_name,ward_code\n2020-05-01,2020-05-02,Mote Park,E05005003\n")
    assert cli.main(["--data-dir", str(demo_store), "ingest", "encampments", str(good)]) == 0
    assert len(store.read("encampments", demo_store)) == 1
    assert store.provenance("encampments", demo_store)["demo"] is False
    kept = store.versions("encampments", demo_store)
    assert kept and kept[0]["rows"] == 60
    assert cli.main(["--data-dir", str(demo_store), "restore", "encampments", kept[0]["version"]]) == 0
    assert len(store.read("encampments", demo_store)) == 60
