"""The smp-dash command: demo, check, figures; ingest refuses what would lose data and leaves the store untouched."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from conftest import rows, store_hashes
from test_intake import POLICE_HEADER, TONBRIDGE, _police_row

from smp_dash import cli, config, schema, store
from smp_dash.sources import partner


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


# Ingest: the Data page's checks, and nothing emptied by a file that keeps nothing ---------------

@pytest.fixture
def seeded(data_dir):
    """A tiny store: one real row of every dataset."""
    for name in schema.DATASETS:
        store.write(name, rows(name), source=f"{name}-before.csv", data_dir=data_dir)
    return data_dir



def _police(*lines: str) -> str:
    return "\n".join([POLICE_HEADER, *lines]) + "\n"


INSIDE = (0.5273, 51.2692, "E01024371")   # High Street, Maidstone
OUTSIDE = (*TONBRIDGE, "E01024800")

REFUSED = [
    # (case, dataset, file name, contents, what the message says)
    ("police.uk header only", "police-uk", "2021-03-kent-street.csv", _police(),
     "2021-03-kent-street.csv, row 2: the file has a header but no data rows: nothing replaced. "
     "To empty recorded crimes, ASB incidents (police) on purpose: --allow-empty"),
    ("police.uk rows all outside the borough", "police-uk", "2021-03-kent-street.csv",
     _police(_police_row("t1", *OUTSIDE[:2], OUTSIDE[2]), _police_row("", *OUTSIDE[:2], OUTSIDE[2],
                                                                      kind="Anti-social behaviour")),
     "2021-03-kent-street.csv: no rows inside the borough (2 rows outside): nothing replaced. "
     "To empty recorded crimes, ASB incidents (police) on purpose: --allow-empty"),
    ("partner template header only", "needle_finds", "needles.csv",
     partner.template_csv("needle_finds").splitlines()[0] + "\n",
     "needles.csv, row 2: the file has a header but no data rows: nothing replaced. "
     "To empty needle finds on purpose: --allow-empty"),
    ("partner rows all in another district", "enforcement", "cpt.csv",
     "issued,action,category,with_police,ward_code\n2020-05-04,CPW,Noise (inc. with ASB),true,E05009999\n",
     "cpt.csv: no rows inside the borough (1 row outside): nothing replaced."),
    ("partner file cut off", "enforcement", "cpt.csv",
     "issued,action,category,with_police,ward_code\n2020-05-04,CPW,Noise (inc. with ASB),true,E05004996\n2020-05-05,CPW",
     "cpt.csv, row 3: the last row has 2 of the header's 5 values and no line break after it"),
    ("partner row invalid", "needle_finds", "needles.csv",
     "found,location_name,longitude,latitude,ward_code,needles,bulk_incident,note\n"
     "2020-13-01,River Steps,0.52,51.27,E05004996,3,false,\n",
     "needles.csv, row 2, column 'found'"),
]


@pytest.mark.parametrize("case, dataset, name, text, message", REFUSED, ids=[c[0] for c in REFUSED])
def test_ingest_that_would_lose_data_is_refused(seeded, maidstone, tmp_path, capsys, case, dataset, name, text,
                                                message):
    path = tmp_path / name
    path.write_text(text)
    before = store_hashes(seeded)
    assert cli.main(["--data-dir", str(seeded), "ingest", dataset, str(path)]) == cli.EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert message in err and "The data in use is unchanged." in err
    assert store_hashes(seeded) == before


@pytest.mark.parametrize("case, dataset, name, text, message", REFUSED[:3], ids=[c[0] for c in REFUSED[:3]])
def test_allow_empty_empties_on_purpose_and_keeps_the_old_version(seeded, maidstone, tmp_path, case, dataset,
                                                                  name, text, message):
    path = tmp_path / name
    path.write_text(text)
    assert cli.main(["--data-dir", str(seeded), "ingest", dataset, str(path), "--allow-empty"]) == 0
    emptied = ("crimes", "asb_incidents") if dataset == "police-uk" else (dataset,)
    for name in emptied:
        assert len(store.read(name, seeded)) == 0
        assert store.versions(name, seeded)[0]["source"] == f"{name}-before.csv"
    assert cli.main(["--data-dir", str(seeded), "check"]) == 0


def test_police_uk_file_without_asb_leaves_asb_as_it_was(seeded, maidstone, tmp_path, capsys):
    path = tmp_path / "2021-03-kent-street.csv"
    path.write_text(_police(_police_row("c1", *INSIDE[:2], INSIDE[2]), _police_row("t1", *OUTSIDE[:2], OUTSIDE[2])))
    before = store.provenance("asb_incidents", seeded)
    assert cli.main(["--data-dir", str(seeded), "ingest", "police-uk", str(path)]) == 0
    out = capsys.readouterr().out
    assert "crimes: 1 rows from 2021-03-kent-street.csv" in out
    assert "asb_incidents: none in the file; left as it was (1 rows from asb_incidents-before.csv)" in out
    assert store.provenance("asb_incidents", seeded) == before and store.versions("asb_incidents", seeded) == []
    assert store.read("crimes", seeded)["crime_id"].tolist() == ["c1"]


def test_partner_rows_of_another_district_are_left_out_and_counted(seeded, maidstone, tmp_path, capsys):
    path = tmp_path / "cpt.csv"
    path.write_text("issued,action,category,with_police,ward_code\n"
                    "2020-05-04,CPW,Noise (inc. with ASB),true,E05004996\n"
                    "2020-05-05,CPN,Noise (inc. with ASB),true,E05009999\n")
    assert cli.main(["--data-dir", str(seeded), "ingest", "enforcement", str(path)]) == 0
    out = capsys.readouterr().out
    assert "read 2 rows; 1 accepted, 0 rejected, 1 outside the borough" in out
    assert "left out: row 3, ward_code E05009999: not a ward of the borough" in out
    assert store.read("enforcement", seeded)["action"].tolist() == ["CPW"]


def test_partner_file_over_the_command_line_limit_is_refused(seeded, maidstone, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(config, "LIMITS", config.Limits(file_bytes=50))
    path = tmp_path / "cpt.csv"
    path.write_text(partner.template_csv("enforcement"))
    assert cli.main(["--data-dir", str(seeded), "ingest", "enforcement", str(path)]) == cli.EXIT_BAD_INPUT
    assert "cpt.csv: the file is" in capsys.readouterr().err


# Check, restore, the lock -------------------------------------------------------------------

def test_check_fails_naming_a_dataset_whose_file_does_not_match_its_record(seeded, capsys):
    assert cli.main(["--data-dir", str(seeded), "check"]) == 0
    target = store.path("enforcement", seeded)
    target.write_bytes(store.path("encampments", seeded).read_bytes())
    assert cli.main(["--data-dir", str(seeded), "check"]) == 1
    out = capsys.readouterr().out
    assert "enforcement        DOES NOT MATCH ITS RECORD" in out and "differs from the SHA-256" in out


@pytest.mark.parametrize("version", ["../../enforcement", "/etc/passwd", "nope"])
def test_restore_refuses_a_version_that_is_not_listed(seeded, capsys, version):
    before = store_hashes(seeded)
    assert cli.main(["--data-dir", str(seeded), "restore", "enforcement", version]) == cli.EXIT_BAD_INPUT
    assert f"no version {version!r} of enforcement" in capsys.readouterr().err
    assert store_hashes(seeded) == before


def test_a_second_ingest_waits_for_the_lock_then_is_refused(seeded, tmp_path, monkeypatch, capsys):
    import fcntl

    monkeypatch.setenv("SMP_STORE_LOCK_TIMEOUT", "0.3")
    path = tmp_path / "pop.csv"
    path.write_text(partner.template_csv("population"))
    before = store_hashes(seeded)
    with open(seeded / store.LOCK, "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        code = cli.main(["--data-dir", str(seeded), "ingest", "population", str(path)])
    assert code == cli.EXIT_BUSY
    err = capsys.readouterr().err
    assert f"(lock file {seeded / store.LOCK}); waited 0.3 s: nothing was changed" in err
    assert store_hashes(seeded) == before
    assert cli.main(["--data-dir", str(seeded), "ingest", "population", str(path)]) == 0  # once it is free


def test_readme_lists_every_exit_code():
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    listed = {int(line.split("|")[1]) for line in readme.splitlines() if line[:4] in {f"| {n} " for n in range(10)}}
    assert listed == set(cli.EXIT_CODES)
