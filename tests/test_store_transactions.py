"""One write is one transaction: killed at any step it leaves the old state or the new one.

Each crash test runs a write in a child process told to SIGKILL itself at a named step
(``SMP_STORE_CRASH_AT``), then checks the store is wholly old or wholly new, that every file
matches its record, and that the next write leaves no temporary or orphaned file behind.
"""

from __future__ import annotations

import fcntl
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from conftest import rows
from pandas.testing import assert_frame_equal
from test_intake import TONBRIDGE

from smp_dash import cli, schema, store

BOTH = ("crimes", "asb_incidents")
TESTS = Path(__file__).parent

#: A child process that writes crimes and ASB from ``source`` (argv: store, source, rows, times).
WRITER = textwrap.dedent(f"""
    import sys
    sys.path.insert(0, {str(TESTS)!r})
    from conftest import rows
    from smp_dash import store

    folder, source, n, times = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    for _ in range(times):
        store.write_many({{"crimes": rows("crimes", *({{"crime_id": f"{{source}}{{i}}"}} for i in range(n))),
                          "asb_incidents": rows("asb_incidents", *[{{}}] * n)}}, source=source, data_dir=folder)
""")


def _writer(folder, source, n=2, times=1, crash_at=None, **env) -> subprocess.Popen:
    environ = {**os.environ, **env, **({store.CRASH_AT: crash_at} if crash_at else {})}
    return subprocess.Popen([sys.executable, "-c", WRITER, str(folder), source, str(n), str(times)], env=environ,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _write(folder, source, n=1):
    store.write_many({"crimes": rows("crimes", *({"crime_id": f"{source}{i}"} for i in range(n))),
                      "asb_incidents": rows("asb_incidents", *[{}] * n)}, source=source, data_dir=folder)


def _state(folder) -> dict:
    """Per dataset: the source in use, its rows, and the sources of the versions kept."""
    return {d: (store.provenance(d, folder)["source"], len(store.read(d, folder)),
                [v["source"] for v in store.versions(d, folder)]) for d in BOTH}


def _manifest_store(folder):
    """Six writes: old5.csv in use, old4 to old0 kept (five), so the next write prunes old0."""
    for n in range(6):
        _write(folder, f"old{n}.csv")


def _legacy_store(folder):
    """A store as earlier releases wrote it, with one earlier version of each dataset."""
    import json

    for name in BOTH:
        for stem, target in (("20200101T000000000000Z", folder / "versions" / name), (name, folder)):
            source = "old0.csv" if target != folder else "old1.csv"
            typed = schema.validate(rows(name, {"crime_id": source} if name == "crimes" else {}), name)
            target.mkdir(parents=True, exist_ok=True)
            typed.to_parquet(target / f"{stem}.parquet", index=False)
            record = store._provenance(name, typed, source, False, (target / f"{stem}.parquet").read_bytes())
            (target / f"{stem}.json").write_text(json.dumps(record))


LAYOUTS = {
    # layout: (build, the state before, the state after a write of new.csv)
    "manifest": (_manifest_store,
                 {d: ("old5.csv", 1, [f"old{n}.csv" for n in (4, 3, 2, 1, 0)]) for d in BOTH},
                 {d: ("new.csv", 2, [f"old{n}.csv" for n in (5, 4, 3, 2, 1)]) for d in BOTH}),
    "earlier layout": (_legacy_store,
                       {d: ("old1.csv", 1, ["old0.csv"]) for d in BOTH},
                       {d: ("new.csv", 2, ["old1.csv", "old0.csv"]) for d in BOTH}),
}
STEPS = ["locked", "temp:crimes", "data:crimes", "temp:crimes.cube", "cube:crimes",
         "temp:asb_incidents", "data:asb_incidents", "temp:asb_incidents.cube", "cube:asb_incidents",
         "temp:manifest.json", "committed", "link:crimes", "link:asb_incidents", "pruned"]
COMMITTED = STEPS.index("committed")


def _assert_clean_after_next_write(folder):
    """The next write removes what a killed one left; every file is named by the manifest."""
    store.write("population", rows("population"), source="ons.csv", data_dir=folder)
    assert [p.name for p in folder.rglob("*.tmp")] == []
    named = {store.path(d, folder).relative_to(folder).as_posix() for d in (*BOTH, "population")}
    named |= {f"objects/{d}/{v['version']}.parquet" for d in BOTH for v in store.versions(d, folder)}
    named |= _cubes(folder)
    assert sorted(p.relative_to(folder).as_posix() for p in folder.glob("objects/*/*")) == sorted(named)
    for d in (*BOTH, "population"):   # the links by name follow the data in use again
        assert (folder / f"{d}.parquet").resolve() == store.path(d, folder).resolve()
    assert not (folder / "versions").exists()
    assert cli.main(["--data-dir", str(folder), "check"]) == 0


def _cubes(folder) -> set[str]:
    """The cube files the manifest names, each beside the rows of its own version (a version
    written before cubes were kept, as in the earlier layout, has none)."""
    import json

    entries = [e for slot in json.loads((folder / store.MANIFEST).read_text())["datasets"].values()
               for e in [slot["current"], *slot["kept"]] if e and e.get("cube")]
    assert all(e["cube"]["file"] == e["file"].replace(".parquet", ".cube.parquet") for e in entries)
    return {e["cube"]["file"] for e in entries}


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("step", STEPS)
def test_a_write_killed_at_any_step_leaves_the_old_state_or_the_new(tmp_path, layout, step):
    build, old, new = LAYOUTS[layout]
    folder = tmp_path / "store"
    folder.mkdir()
    build(folder)
    assert _state(folder) == old

    child = _writer(folder, "new.csv", crash_at=step)
    child.communicate(timeout=60)
    assert child.returncode == -signal.SIGKILL, f"the write never reached {step!r}"
    assert _state(folder) == (new if STEPS.index(step) >= COMMITTED else old)
    assert store.verify(folder) == []
    cubes, _ = store.read_pages(folder)
    for name in BOTH:   # the cube the pages read is always the cube of the rows in use
        assert_frame_equal(cubes[name], store.dataset_cube(name, store.read(name, folder)))
    _assert_clean_after_next_write(folder)


def test_a_write_killed_at_random_moments_is_never_half_done(tmp_path):
    folder = tmp_path / "store"
    _write(folder, "first.csv")
    rng = random.Random(11)
    for round_ in range(4):
        child = _writer(folder, f"round{round_}.csv", n=3, times=1000)
        time.sleep(rng.uniform(1.0, 2.5))   # importing takes about a second; then writes in a loop
        child.send_signal(signal.SIGKILL)
        child.communicate(timeout=30)
        sources = {store.provenance(d, folder)["source"] for d in BOTH}
        assert len(sources) == 1, f"crimes and ASB from different writes: {sources}"
        assert store.verify(folder) == []
        assert len(store.versions("crimes", folder)) == len(store.versions("asb_incidents", folder))
    _assert_clean_after_next_write(folder)


def test_two_writes_at_once_both_land_one_after_the_other(tmp_path):
    folder = tmp_path / "store"
    _write(folder, "first.csv")
    with open(folder / store.LOCK, "a") as held:   # hold the lock so that both writers queue
        fcntl.flock(held, fcntl.LOCK_EX)
        children = [_writer(folder, source) for source in ("a.csv", "b.csv")]
        time.sleep(3)
    for child in children:
        out, err = child.communicate(timeout=60)
        assert child.returncode == 0, err.decode()
    current = store.provenance("crimes", folder)["source"]
    other = ({"a.csv", "b.csv"} - {current}).pop()
    expected = (current, 2, [other, "first.csv"])
    assert _state(folder) == {d: expected for d in BOTH}
    assert store.verify(folder) == []


def test_a_restore_killed_before_its_commit_changes_nothing(tmp_path):
    folder = tmp_path / "store"
    _manifest_store(folder)
    version = store.versions("crimes", folder)[-1]["version"]
    code = textwrap.dedent(f"""
        from smp_dash import store
        store.restore("crimes", {version!r}, {str(folder)!r})
    """)
    before = _state(folder)
    child = subprocess.run([sys.executable, "-c", code], env={**os.environ, store.CRASH_AT: "temp:manifest.json"},
                           capture_output=True, timeout=60)
    assert child.returncode == -signal.SIGKILL
    assert _state(folder) == before and store.verify(folder) == []


@pytest.mark.parametrize("step, kept", [("data:asb_incidents", "old"), ("committed", "new")])
def test_police_uk_ingest_killed_keeps_crimes_and_asb_together(tmp_path, maidstone, step, kept):
    folder = tmp_path / "store"
    _write(folder, "old")
    lines = ["Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,"
             "Last outcome category,Context",
             "n1,2021-03,Kent Police,Kent Police,0.5273,51.2692,On or near High Street,E01024371,x,Robbery,,",
             ",2021-03,Kent Police,Kent Police,0.5273,51.2692,On or near High Street,E01024371,x,"
             "Anti-social behaviour,,",
             f"n2,2021-03,Kent Police,Kent Police,{TONBRIDGE[0]},{TONBRIDGE[1]},On or near,E01024800,x,"
             "Robbery,,"]
    path = tmp_path / "2021-03-kent-street.csv"
    path.write_text("\n".join(lines) + "\n")
    child = subprocess.run([sys.executable, "-m", "smp_dash.cli", "--data-dir", str(folder), "ingest", "police-uk",
                            str(path)], env={**os.environ, store.CRASH_AT: step}, capture_output=True, timeout=120)
    assert child.returncode == -signal.SIGKILL, child.stderr.decode()
    source = "old" if kept == "old" else path.name
    assert {d: store.provenance(d, folder)["source"] for d in BOTH} == dict.fromkeys(BOTH, source)
    assert store.verify(folder) == []
    crimes = store.read("crimes", folder)["crime_id"].tolist()
    assert crimes == (["old0"] if kept == "old" else ["n1"])
