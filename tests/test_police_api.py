"""Fetching police.uk months from the API: against a stand-in server on 127.0.0.1 (never the real API).

The stand-in answers in the API's shapes (coordinates as strings, a blank persistent_id for
anti-social behaviour) and is scripted to fail: 503 for an area holding too many crimes, 429s,
a 502, a month it lists but does not hold, a 500 that never ends, a closed port; and to attack:
an answer dripped a byte at a time, a redirect to another address.
"""

from __future__ import annotations

import io
import socket
import time
import urllib.parse
from pathlib import Path

import pandas as pd
import pytest
import shapely

from conftest import BRIDGE, HIGH_STREET, store_hashes, tables
from police_api_standin import StandIn, persistent_id, record
from test_access_pages import ANALYST, PARTNER, VIEWER, _as, roles_file  # noqa: F401 (a fixture)
from smp_dash import cli, intake, schema, store
from smp_dash.sources import police_api, police_uk
from smp_dash.sources.police_api import PoliceApiError, PoliceApiTimeout

SHEPWAY_NORTH, HEADCORN = "E05005003", "E05004994"



@pytest.fixture(scope="module")
def places(maidstone):
    """Points (lat, lng) inside four wards, on the High Street/Bridge edge, and just outside the borough."""
    wards = maidstone[0].set_index("ward_code").geometry
    inside = {code: wards[code].representative_point() for code in (HIGH_STREET, BRIDGE, SHEPWAY_NORTH, HEADCORN)}
    edge = wards[HIGH_STREET].boundary.intersection(wards[BRIDGE].boundary)
    outside = shapely.union_all(list(wards)).buffer(0.0005).exterior.interpolate(0.3, normalized=True)
    points = {**inside, "edge": shapely.line_interpolate_point(edge, 0.5, normalized=True), "outside": outside}
    return {name: (p.y, p.x) for name, p in points.items()}


def _months(places) -> dict[str, list[dict]]:
    """Five months: 2026-05 empty, 2026-06 listed but not held (404), three with records."""
    return {
        "2026-05": [],
        # Four in the borough's area: more than the stand-in's limit of 3, so asked ward by ward.
        "2026-07": [record(1, "2026-07", *places[HIGH_STREET]),
                    record(2, "2026-07", *places[BRIDGE], category="anti-social-behaviour",
                           street="On or near Mote Park"),
                    record(3, "2026-07", *places["edge"], category="burglary"),
                    record(4, "2026-07", *places["outside"], category="robbery")],
        "2026-08": [record(5, "2026-08", *places[SHEPWAY_NORTH], category="shoplifting"),
                    record(6, "2026-08", *places["outside"], category="drugs")],
        "2026-09": [record(7, "2026-09", *places[HEADCORN], category="drugs"),
                    record(8, "2026-09", *places[HEADCORN], category="anti-social-behaviour")],
    }


def _server(places, **kwargs) -> StandIn:
    return StandIn(_months(places), dates=["2026-05", "2026-06", "2026-07", "2026-08", "2026-09"], limit=3, **kwargs)


def _fetch(maidstone, api_url, folder, sleeps=None, progress=None, **kwargs):
    return intake.fetch_police_uk(wards=maidstone[0], lsoas=maidstone[1], api_url=api_url, data_dir=folder,
                            sleep=(sleeps if sleeps is not None else []).append, progress=progress, **kwargs)


# Pure pieces ------------------------------------------------------------------------------------

def test_every_api_category_is_a_street_level_crime_type():
    assert set(police_api.CRIME_TYPES.values()) == set(schema.CRIME_TYPES) | {police_uk.ASB}


@pytest.mark.parametrize("api, row", [
    # a crime: persistent_id is the Crime ID, the street name the Location, no LSOA
    (record(1, "2026-07", 51.2692, 0.5273, "violent-crime"),
     [persistent_id(1), "2026-07", "", "", "0.527300", "51.269200", "On or near High Street", "", "",
      "Violence and sexual offences", "Under investigation", ""]),
    # anti-social behaviour: blank persistent_id and outcome
    (record(2, "2026-07", 51.2692, 0.5273, "anti-social-behaviour", street="On or near Mote Park"),
     ["", "2026-07", "", "", "0.527300", "51.269200", "On or near Mote Park", "", "", "Anti-social behaviour", "", ""]),
    # a line break in the context would split the row: made a space
    ({**record(3, "2026-07", 51.2692, 0.5273, "drugs"), "context": "seen\r\nat night"},
     [persistent_id(3), "2026-07", "", "", "0.527300", "51.269200", "On or near High Street", "", "", "Drugs",
      "Under investigation", "seen at night"]),
    # a category the API adds later is passed on, so the ingest names it as an unknown crime type
    (record(4, "2026-07", 51.2692, 0.5273, "fraud"),
     [persistent_id(4), "2026-07", "", "", "0.527300", "51.269200", "On or near High Street", "", "", "fraud",
      "Under investigation", ""]),
])
def test_street_csv_writes_what_police_uk_publishes(api, row):
    frame = pd.read_csv(io.BytesIO(police_api.street_csv([api], "m")), dtype=str, keep_default_na=False)
    assert list(frame.columns) == list(police_uk.COLUMNS)
    assert frame.iloc[0].tolist() == row


@pytest.mark.parametrize("bad", [{"category": "drugs"}, {**record(1, "2026-07", 51.0, 0.5), "location": "x"}])
def test_a_record_not_in_the_api_shape_is_refused(bad):
    with pytest.raises(PoliceApiError, match="police.uk API 2026-07: record 1 is not the API's crime shape"):
        police_api.street_csv([bad], "police.uk API 2026-07")


@pytest.mark.parametrize("available, held, start, end, expected", [
    (["2026-09", "2026-08", "2026-07"], [], None, None, ["2026-07", "2026-08", "2026-09"]),   # oldest first
    (["2026-09", "2026-08", "2026-07"], ["2026-07", "2026-08"], None, None, ["2026-09"]),       # incremental
    (["2026-09", "2026-08", "2026-07"], [], "2026-08", None, ["2026-08", "2026-09"]),           # --from
    (["2026-09", "2026-08", "2026-07"], [], None, "2026-07", ["2026-07"]),                      # --to
    (["2026-09", "2026-08", "2026-07"], ["2026-08"], "2026-08", "2026-08", []),                 # held: nothing
    (["2026-09"], ["2019-01"], None, None, ["2026-09"]),                                        # a gap is fine
])
def test_months_to_fetch(available, held, start, end, expected):
    assert police_api.months_to_fetch(available, held, start, end) == expected


def test_held_months_of_crimes_and_asb():
    crimes = pd.DataFrame({"month": pd.to_datetime(["2026-07-01", "2026-07-01", "2026-08-01"])})
    asb = pd.DataFrame({"month": pd.to_datetime(["2026-09-01"])})
    assert police_api.held_months(crimes, asb) == {"2026-07", "2026-08", "2026-09"}


def test_area_polygon_covers_every_ward_in_a_few_hundred_points(maidstone):
    wards = maidstone[0]
    area = police_api.area_polygon(shapely.union_all(list(wards.geometry)))
    assert all(area.contains(g) for g in wards.geometry)
    assert len(area.exterior.coords) <= 300
    lat, lng = map(float, police_api.poly_text(area).split(":")[0].split(","))
    assert 51.0 < lat < 51.4 and 0.3 < lng < 0.8     # latitude first, as the API wants


@pytest.mark.parametrize("kwargs, message", [
    ({"api_url": "file:///etc/passwd"}, "must be an http\\(s\\) URL"),
    ({"api_url": "http://127.0.0.1:9/api", "start": "2026-7"}, "--from '2026-7': expected a month as YYYY-MM"),
    # production is https: plain http only for a stand-in on this machine
    ({"api_url": "http://data.police.uk/api"}, "must be https, not 'http://data.police.uk/api'"),
    ({"api_url": "http://127.0.0.1.example.org/api"}, "must be https"),
])
def test_bad_arguments_are_refused_before_asking(maidstone, tmp_path, kwargs, message):
    with pytest.raises(ValueError, match=message):
        intake.fetch_police_uk(wards=maidstone[0], lsoas=maidstone[1], data_dir=tmp_path, **kwargs)


# Against the stand-in ---------------------------------------------------------------------------

def test_fetch_commits_every_new_month_as_one_version(maidstone, places, tmp_path):
    sleeps, progress = [], []
    script = {"2026-08": [429, 429], "2026-09": [502]}
    with _server(places, script=script) as api:
        result = _fetch(maidstone, api.url, tmp_path, sleeps, lambda *call: progress.append(call))
    crimes, asb = store.read("crimes", tmp_path), store.read("asb_incidents", tmp_path)
    # In the borough, by ward; the edge burglary, answered for both wards, kept once; the two outside left out.
    assert sorted(zip(crimes["crime_id"], crimes["crime_type"], crimes["ward_code"])) == sorted([
        (persistent_id(1), "Violence and sexual offences", HIGH_STREET),
        (persistent_id(3), "Burglary", HIGH_STREET),
        (persistent_id(5), "Shoplifting", SHEPWAY_NORTH),
        (persistent_id(7), "Drugs", HEADCORN)])
    assert sorted(zip(asb["month"].dt.strftime("%Y-%m"), asb["ward_code"], asb["location"])) == [
        ("2026-07", BRIDGE, "On or near Mote Park"), ("2026-09", HEADCORN, "On or near High Street")]
    assert crimes["lsoa_code"].isna().all() and set(crimes["source"]) == {
        "police.uk API 2026-07", "police.uk API 2026-08", "police.uk API 2026-09"}
    assert (result.months, result.no_data, result.split) == (
        ("2026-05", "2026-06", "2026-07", "2026-08", "2026-09"), ("2026-05", "2026-06"), ("2026-07",))
    assert sum(3 in ids for *_, ids in api.asked("2026-07")) == 2
    assert (result.ingest.rows_read, result.ingest.outside_borough, result.ingest.duplicates_dropped) == (8, 2, 0)
    assert result.added == {"crimes": 4, "asb_incidents": 2}
    # Two 429s then 1 s and 2 s waits; one 502 then 1 s.
    assert sleeps == [1.0, 2.0, 1.0]
    # The borough's outline first (503: too many), then each of the 26 wards.
    assert [points <= 300 for _, points, _ in api.asked("2026-07")] == [True] * (1 + 26)
    # One version of both datasets, its provenance naming the API, the months and when.
    for name in ("crimes", "asb_incidents"):
        kept = store.provenance(name, tmp_path)
        assert kept["source"] == (f"police.uk API {api.url}: crimes-street 2026-07 to 2026-09, "
                                  f"fetched at {result.fetched_at}")
        assert not kept["demo"]
    assert progress[-1][:2] == (5, 5) and any("ward by ward" in m for *_, m in progress)
    # in plain words, month by month (the Data page shows them under the fetch button)
    assert progress[:2] == [(0, 1, "Asking police.uk which months it has"), (0, 5, "Fetching May 2026 (1 of 5)...")]
    assert (2, 5, "Fetching Jul 2026 ward by ward, as it holds too many crimes to ask for at once (3 of 5)...") \
        in progress
    assert (5, 5, "Fetched Sep 2026 (5 of 5): 2 records") in progress
    assert "The API gave nothing for 2026-05 to 2026-06." in result.summary()


def test_fetch_asks_only_for_months_not_held_and_adds_them(maidstone, places, tmp_path):
    with _server(places) as api:
        _fetch(maidstone, api.url, tmp_path, end="2026-08")
    before = store.read("crimes", tmp_path)
    months = {**_months(places), "2026-10": [record(9, "2026-10", *places[BRIDGE], category="robbery")]}
    with StandIn(months, limit=3) as api:
        result = _fetch(maidstone, api.url, tmp_path)
    assert result.months == ("2026-05", "2026-09", "2026-10") and result.held == ("2026-07", "2026-08")
    assert {m for _, _, m, *_ in api.requests if m} == {"2026-05", "2026-09", "2026-10"}
    crimes = store.read("crimes", tmp_path)
    pd.testing.assert_frame_equal(crimes.head(len(before)), before)     # the rows held, untouched
    assert sorted(crimes["crime_id"][len(before):]) == sorted([persistent_id(7), persistent_id(9)])
    assert len(store.versions("crimes", tmp_path)) == 1                # one new version
    # Asked again, only the month that gave nothing is asked again, and nothing is written.
    before = store_hashes(tmp_path)
    with StandIn(months, limit=3) as api:
        again = _fetch(maidstone, api.url, tmp_path)
    assert (again.months, again.records) == (("2026-05",), {})
    assert again.summary().endswith("Nothing new in the borough: nothing committed.")
    with StandIn({m: r for m, r in months.items() if m != "2026-05"}, limit=3) as api:
        again = _fetch(maidstone, api.url, tmp_path)
    assert again.months == () and again.summary().startswith("Nothing to fetch")
    assert [m for _, _, m, *_ in api.requests] == [None]    # only the list of months
    assert store_hashes(tmp_path) == before


def test_an_unreachable_api_changes_nothing(maidstone, places, tmp_path):
    with _server(places) as api:
        _fetch(maidstone, api.url, tmp_path, end="2026-07")
    before = store_hashes(tmp_path)
    with socket.socket() as closed:       # a port nobody listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    sleeps = []
    with pytest.raises(PoliceApiError, match=f"could not reach the police.uk API at http://127.0.0.1:{port}/api: "):
        _fetch(maidstone, f"http://127.0.0.1:{port}/api", tmp_path, sleeps)
    assert sleeps == [1.0, 2.0, 4.0, 8.0]
    assert store_hashes(tmp_path) == before


def test_a_failure_mid_way_writes_nothing(maidstone, places, tmp_path):
    with _server(places) as api:
        _fetch(maidstone, api.url, tmp_path, end="2026-07")
    before = store_hashes(tmp_path)
    with _server(places, forever={"2026-09": 500}) as api:
        with pytest.raises(PoliceApiError, match="answered 2026-09 with HTTP 500 .* after 5 attempts"):
            _fetch(maidstone, api.url, tmp_path)
    assert api.asked("2026-08")            # an earlier month was fetched before the failure
    assert store_hashes(tmp_path) == before


def test_a_ward_still_too_large_is_asked_by_quarters_and_long_areas_are_posted(maidstone, tmp_path, monkeypatch):
    # A crime in each quarter of Headcorn with a limit of 2: the borough and Headcorn answer 503.
    headcorn = maidstone[0].set_index("ward_code").geometry[HEADCORN]
    x0, y0, x1, y1 = headcorn.bounds
    quarters = [headcorn.intersection(shapely.box(x, y, x + (x1 - x0) / 2, y + (y1 - y0) / 2)).representative_point()
                for x in (x0, (x0 + x1) / 2) for y in (y0, (y0 + y1) / 2)]
    months = {"2026-09": [record(i, "2026-09", p.y, p.x, category="drugs") for i, p in enumerate(quarters)]}
    monkeypatch.setattr(police_api, "MAX_GET", 100)        # every area is "long": POSTed as a form
    with StandIn(months, limit=2) as api:
        result = _fetch(maidstone, api.url, tmp_path)
    crimes = store.read("crimes", tmp_path)
    assert sorted(crimes["crime_id"]) == sorted(persistent_id(i) for i in range(4))
    assert set(crimes["ward_code"]) == {HEADCORN}
    assert result.split == ("2026-09",) and len(api.asked("2026-09")) == 1 + 26 + 4
    assert {method for method, *_ in api.asked("2026-09")} == {"POST"}


# Hostile servers: a slow drip, a redirect elsewhere -------------------------------------------------

def test_an_answer_dripped_from_its_first_byte_fails_at_its_deadline(maidstone, places, tmp_path):
    # The status line and headers a byte at a time: a deadline on each read would never end.
    sleeps = []
    with _server(places, drip="headers") as api:
        started = time.monotonic()
        with pytest.raises(PoliceApiTimeout, match="gave no complete answer for the months it holds in time"):
            _fetch(maidstone, api.url, tmp_path, sleeps, timeout=0.5, give_up_after=0.5)
        elapsed = time.monotonic() - started
    assert 0.4 < elapsed < 3 and sleeps == []       # gave up at the deadline, not tried again past it
    assert not store.exists("crimes", tmp_path)


def test_a_fetch_gives_up_when_the_next_try_would_pass_the_time_without_an_answer(maidstone, places, tmp_path):
    # 429 for ever: each try answers at once, but none is usable; waiting 1 s more would pass 0.5 s.
    sleeps = []
    with _server(places, forever={"2026-09": 429}) as api:
        with pytest.raises(PoliceApiTimeout, match="no complete answer for 2026-09 in time .* a fetch waits 0.5 s"):
            _fetch(maidstone, api.url, tmp_path, sleeps, start="2026-09", give_up_after=0.5)
    assert sleeps == [] and len(api.asked("2026-09")) == 1
    assert not store.exists("crimes", tmp_path)


@pytest.mark.parametrize("elsewhere", [
    "another server",                 # another port on this machine, serving police.uk-shaped data
    "this server by another name",    # the same port, but localhost is not the host the API was given as
    "this server over https",         # another scheme
])
def test_a_redirect_to_another_address_is_refused(maidstone, places, tmp_path, elsewhere):
    with _server(places) as other, _server(places) as api:
        port = urllib.parse.urlsplit(api.root).port
        api.redirect, shown = {"another server": (other.url, other.root),
                               "this server by another name": (f"http://localhost:{port}/moved",
                                                               f"http://localhost:{port}"),
                               "this server over https": (f"https://127.0.0.1:{port}/moved",
                                                          f"https://127.0.0.1:{port}")}[elsewhere]
        with pytest.raises(PoliceApiError, match=f"redirected to {shown}, another address: refused"):
            _fetch(maidstone, api.url, tmp_path)
    assert other.requests == [] and [r[0] for r in api.requests] == ["REDIRECT"]
    assert not store.exists("crimes", tmp_path)


def test_https_is_read_against_its_deadline_and_an_untrusted_certificate_is_refused_at_once(maidstone, places,
                                                                                            tmp_path, monkeypatch):
    with _server(places, tls=True) as api:
        sleeps = []
        with pytest.raises(PoliceApiError, match="could not reach the police.uk API at https://127.0.0.1:.*"
                                                 "CERTIFICATE_VERIFY_FAILED"):
            _fetch(maidstone, api.url, tmp_path, sleeps)
        assert sleeps == [] and not store.exists("crimes", tmp_path)     # not tried again: it will not change
        monkeypatch.setenv("SSL_CERT_FILE", str(api.cafile))               # trusted, as a council's own CA would be
        result = _fetch(maidstone, api.url, tmp_path, start="2026-08", end="2026-08")
    assert result.added == {"crimes": 1}
    with _server(places, tls=True, drip="body") as api:
        monkeypatch.setenv("SSL_CERT_FILE", str(api.cafile))
        with pytest.raises(PoliceApiTimeout, match="the answer did not arrive whole in time"):
            _fetch(maidstone, api.url, tmp_path, timeout=0.3, give_up_after=0.3)


def test_an_answer_past_the_size_cap_is_refused(maidstone, places, tmp_path, monkeypatch):
    monkeypatch.setattr(police_api, "MAX_RESPONSE", 100)     # the list of five months is longer
    with _server(places) as api:
        with pytest.raises(PoliceApiError, match="answered the months it holds with more than 100 bytes"):
            _fetch(maidstone, api.url, tmp_path)
    assert not store.exists("crimes", tmp_path)


def test_a_redirect_within_the_api_is_followed(maidstone, places, tmp_path):
    with _server(places) as api:
        api.redirect = f"{api.root}/moved"
        result = _fetch(maidstone, api.url, tmp_path, start="2026-08", end="2026-08")
    assert result.added == {"crimes": 1}
    assert [method for method, *_ in api.requests] == ["REDIRECT", "GET", "REDIRECT", "GET"]


# The command line ---------------------------------------------------------------------------------

def test_cli_fetch_prints_progress_and_what_it_committed(maidstone, places, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(police_api.time, "sleep", lambda seconds: None)
    with _server(places, script={"2026-08": [429]}) as api:
        monkeypatch.setenv("SMP_POLICE_API_URL", api.url)              # no --api-url: the environment
        code = cli.main(["--data-dir", str(tmp_path), "fetch", "police-uk", "--from", "2026-08", "--to", "2026-08"])
    out = capsys.readouterr().out
    assert code == 0
    assert "Fetched Aug 2026 (1 of 1): 2 records" in out and "Recorded crimes: 1 rows (1 new), 2026-08-01 to 2026-08-01." in out
    assert store.provenance("crimes", tmp_path)["source"].startswith(f"police.uk API {api.url}: crimes-street 2026-08,")
    assert not store.exists("asb_incidents", tmp_path)    # none that month: left as it was


def test_cli_fetch_of_a_dripped_answer_gives_up_at_timeout_exits_4_and_writes_nothing(maidstone, places, tmp_path,
                                                                                     capsys):
    # The answer of the finding: 200 and its headers at once, then the body a byte at a time.
    with _server(places) as api:
        _fetch(maidstone, api.url, tmp_path, start="2026-08", end="2026-08")
    before = store_hashes(tmp_path)
    with _server(places, drip="body") as api:
        started = time.monotonic()
        code = cli.main(["--data-dir", str(tmp_path), "fetch", "police-uk", "--api-url", api.url, "--timeout", "1"])
        elapsed = time.monotonic() - started
    err = capsys.readouterr().err
    assert code == cli.EXIT_TIMED_OUT == 4 and 0.9 < elapsed < 4
    assert f"error: the police.uk API at {api.url} gave no complete answer for the months it holds in time" in err
    assert "a fetch waits 1 s without one" in err and err.endswith("The data in use is unchanged.\n")
    assert store_hashes(tmp_path) == before


@pytest.mark.parametrize("timeout", ["0", "-5", "nan", "inf"])
def test_cli_fetch_timeout_must_be_a_positive_number(tmp_path, capsys, timeout):
    code = cli.main(["--data-dir", str(tmp_path), "fetch", "police-uk", "--api-url", "http://127.0.0.1:9/api",
                     "--timeout", timeout])
    assert code == 2 and "--timeout must be a positive number of seconds" in capsys.readouterr().err


def test_fetch_timeout_from_the_environment(monkeypatch):
    from smp_dash import config

    monkeypatch.delenv("SMP_FETCH_TIMEOUT", raising=False)
    assert config.fetch_timeout() == config.FETCH_TIMEOUT <= 120
    monkeypatch.setenv("SMP_FETCH_TIMEOUT", "30")
    assert config.fetch_timeout() == 30.0
    monkeypatch.setenv("SMP_FETCH_TIMEOUT", "soon")
    with pytest.raises(ValueError, match="SMP_FETCH_TIMEOUT must be a positive number of seconds, not 'soon'"):
        config.fetch_timeout()


def test_cli_fetch_unreachable_exits_2_and_says_so(tmp_path, monkeypatch, capsys, maidstone):
    monkeypatch.setattr(police_api.time, "sleep", lambda seconds: None)
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    code = cli.main(["--data-dir", str(tmp_path), "fetch", "police-uk", "--api-url", f"http://127.0.0.1:{port}/api"])
    err = capsys.readouterr().err
    assert code == 2
    assert f"error: could not reach the police.uk API at http://127.0.0.1:{port}/api" in err
    assert "The data in use is unchanged." in err and not store.exists("crimes", tmp_path)


# The Data page ------------------------------------------------------------------------------------

@pytest.fixture
def fresh_demo_store(tmp_path, monkeypatch):
    """A demonstration store of this test's own (the fetch changes it), set as SMP_DATA_DIR."""
    folder = tmp_path / "store"
    assert cli.main(["--data-dir", str(folder), "demo"]) == 0
    monkeypatch.setenv("SMP_DATA_DIR", str(folder))
    return folder


def test_data_page_button_fetches_and_replaces_demonstration_crimes(maidstone, places, fresh_demo_store, monkeypatch):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "app.py"), default_timeout=60)
    at.switch_page("pages/data.py")
    at.run()
    with _server(places) as api:
        monkeypatch.setenv("SMP_POLICE_API_URL", api.url)
        at.button(key="fetch_police_api").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.success) == 1 and "Recorded crimes: 4 rows (4 new), 2026-07-01 to 2026-09-01." in at.success[0].value
    assert "Replaced the demonstration rows of recorded crimes, ASB incidents (police)." in at.success[0].value
    table = [t for t in tables(at) if "sha256" in t.columns][0].set_index("dataset")
    assert table.loc["Recorded crimes", ["kind", "rows"]].tolist() == ["real", 4]
    assert table.loc["Recorded crimes", "source"].startswith(f"police.uk API {api.url}: crimes-street 2026-07 to 2026-09")
    assert table.loc["Enforcement notices", "kind"] == "demonstration"       # other datasets left as they were
    _under_the_button(at, at.success[0])


def test_data_page_says_when_the_api_cannot_be_reached(maidstone, fresh_demo_store, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setattr(police_api.time, "sleep", lambda seconds: None)
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    monkeypatch.setenv("SMP_POLICE_API_URL", f"http://127.0.0.1:{port}/api")
    before = store_hashes(fresh_demo_store)
    at = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "app.py"), default_timeout=60)
    at.switch_page("pages/data.py")
    at.run()
    at.button(key="fetch_police_api").click().run()
    assert len(at.error) == 1
    assert f"could not reach the police.uk API at http://127.0.0.1:{port}/api" in at.error[0].value
    assert "The data in use is unchanged." in at.error[0].value
    assert store_hashes(fresh_demo_store) == before
    _under_the_button(at, at.error[0])


def _under_the_button(at, outcome) -> None:
    """The fetch's outcome is said where it was asked for, right under its button (it ran there, its
    progress said in words: test_fetch_commits_every_new_month_as_one_version), never at the top of the page."""
    drawn = [node for node in at.main if getattr(node, "type", "") in ("button", "alert", "success", "error", "caption")]
    at_button = next(i for i, node in enumerate(drawn) if getattr(node, "key", None) == "fetch_police_api")
    assert drawn[at_button + 1].value == outcome.value
    assert not at.button(key="fetch_police_api").disabled            # ready for another fetch


@pytest.mark.parametrize("email, offered", [(ANALYST, True), (PARTNER, False), (VIEWER, False)])
def test_only_analysts_are_offered_the_fetch(roles_file, email, offered):
    at = _as(email, "data.py")
    assert any(b.key == "fetch_police_api" for b in at.button) == offered
