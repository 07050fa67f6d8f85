"""County scale: the synthetic Kent files are in the real formats and go in through `smp-dash ingest`."""

from __future__ import annotations

import csv

import pandas as pd
import pytest

from smp_dash import cli, config, geo, store
from smp_dash.demo import kent
from smp_dash.sources.police_uk import COLUMNS

CRIMES = 6_000


@pytest.fixture(scope="module")
def sources(demo_store, tmp_path_factory):
    pattern = store.read_all(demo_store)
    folder = tmp_path_factory.mktemp("kent")
    return kent.write_sources(folder, CRIMES, pattern=pattern), pattern


@pytest.fixture(scope="module")
def kent_store(sources, tmp_path_factory):
    paths, _ = sources
    folder = tmp_path_factory.mktemp("kent-store") / "store"
    steps = [["ingest", "police-uk", str(paths["police_uk"]), "--lad", "all", "--demo"],
             ["ingest", "crimes", str(paths["crimes"]), "--lad", "all", "--demo"],
             ["ingest", "service_requests", str(paths["service_requests"]), "--lad", "all", "--demo"],
             ["ingest", "population", str(paths["population"]), "--lad", "all", "--demo"]]
    for step in steps:
        assert cli.main(["--data-dir", str(folder), *step]) == 0, step
    return folder


def test_police_uk_files_are_monthly_and_in_police_uk_columns(sources):
    paths, _ = sources
    files = sorted(paths["police_uk"].rglob("*.csv"))
    assert files[0].name == "2015-01-kent-street.csv" and files[-1].name == "2021-03-kent-street.csv"
    assert len(files) == 75
    with files[0].open(newline="") as handle:
        header = next(csv.reader(handle))
    assert tuple(header) == COLUMNS


def test_every_district_has_crimes_and_the_mix_follows_the_pattern(kent_store, sources):
    _, pattern = sources
    crimes = store.read("crimes", kent_store)
    # as for police.uk: a point a metre outside the generalised county edge is left out
    assert CRIMES - 5 <= len(crimes) <= CRIMES
    lad_of = dict(zip(geo.load_wards("all")["ward_code"], geo.load_wards("all")["lad_code"]))
    assert set(crimes["ward_code"].map(lad_of)) == set(geo.load_districts()["lad_code"])   # all 13 districts
    share = crimes["domestic_abuse"].mean()
    assert share == pytest.approx(pattern["crimes"]["domestic_abuse"].mean(), abs=0.03)
    assert crimes["hate_strand"].notna().any()


def test_police_uk_ingest_keeps_crimes_and_asb_for_the_whole_county(kent_store, sources):
    _, pattern = sources
    asb = store.read("asb_incidents", kent_store)
    expected = round(len(pattern["asb_incidents"]) * CRIMES / len(pattern["crimes"]))
    # a rounded point can fall a metre outside the generalised county edge: ingest leaves it out
    assert expected - 5 <= len(asb) <= expected


def test_ingested_county_data_is_marked_as_demonstration(kent_store):
    for name in ("crimes", "asb_incidents", "service_requests", "population"):
        assert store.provenance(name, kent_store)["demo"] is True
    assert (store.read("service_requests", kent_store)["source"] == kent.SOURCE).all()


def test_population_covers_every_kent_ward(kent_store):
    population = store.read("population", kent_store)
    assert set(population["ward_code"]) == set(geo.load_wards("all")["ward_code"])
    assert sorted(population["year"].unique()) == list(range(2015, 2021))


def test_same_seed_same_files(sources, tmp_path):
    paths, pattern = sources
    again = kent.write_sources(tmp_path, CRIMES, pattern=pattern)
    assert again["crimes"].read_bytes() == paths["crimes"].read_bytes()
    first = sorted(paths["police_uk"].rglob("*.csv"))[10]
    assert (again["police_uk"] / first.parent.name / first.name).read_bytes() == first.read_bytes()


def test_ward_names_are_unique_across_the_county():
    wards = geo.load_wards("all")
    assert wards["ward_name"].is_unique
    assert {"Castle (Dartford)", "Castle (Dover)", "Castle (Tonbridge and Malling)"} <= set(wards["ward_name"])
    assert "Shepway North" in set(wards["ward_name"])   # names used once keep their plain form
    assert "Heath (Maidstone)" in set(wards["ward_name"])


def test_command_line_ingest_takes_files_larger_than_an_upload(tmp_path, monkeypatch):
    monkeypatch.setattr(config, "MAX_UPLOAD_BYTES", 100)
    path = tmp_path / "population.csv"
    frame = pd.DataFrame({"ward_code": ["E05004996"] * 10, "year": range(2011, 2021),
                          "population": [8000] * 10, "source": ["ONS"] * 10})
    frame.to_csv(path, index=False)
    assert path.stat().st_size > 100
    assert cli.main(["--data-dir", str(tmp_path / "store"), "ingest", "population", str(path)]) == 0
    assert store.provenance("population", tmp_path / "store")["demo"] is False
