"""A store that checks itself: the app never draws a figure from a file that differs from its record.

Every read checks each file it opens against the manifest (SHA-256, rows); loading the pages' bundle
checks every file of the data in use, once per data version. A store that fails (counts doubled in a
cube, a manifest cut off, a cube missing) gets one page naming the file and the problem on every
page and deep link, with no figure; the documents and the command line refuse it too.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest
from conftest import MAIDSTONE, rows, store_hashes
from streamlit.testing.v1 import AppTest

from smp_dash import bundle, cli, config, store
from smp_dash.blocks import plain
from smp_dash.selection import CHOICE_LABELS, PUBLISHED

APP = Path(__file__).parents[1] / "app.py"
FAILED = "The data store failed its check: run `smp-dash check` or restore a version."


@pytest.fixture
def copy(demo_store, tmp_path) -> Path:
    """A copy of the demonstration store, at a path no cache of this process has seen."""
    folder = tmp_path / "store"
    shutil.copytree(demo_store, folder, symlinks=True)
    return folder


def _entry(folder: Path, dataset: str = "crimes") -> dict:
    return json.loads((folder / store.MANIFEST).read_text())["datasets"][dataset]["current"]


def _double(folder: Path, file: str) -> None:
    """Every count (``n``) of a cube doubled, or every row of a data file there twice, in place."""
    frame = pd.read_parquet(folder / file)
    changed = frame.assign(n=frame["n"] * 2) if "n" in frame else pd.concat([frame, frame], ignore_index=True)
    changed.to_parquet(folder / file, index=False)


def _doubled_cube(folder: Path) -> str:
    cube = _entry(folder)["cube"]["file"]
    _double(folder, cube)
    return cube


def _doubled_rows(folder: Path) -> str:
    rows = _entry(folder)["file"]
    _double(folder, rows)
    return rows


def _missing_cube(folder: Path) -> str:
    cube = _entry(folder)["cube"]["file"]
    (folder / cube).unlink()
    return cube


def _cut_manifest(folder: Path) -> str:
    manifest = folder / store.MANIFEST
    manifest.write_bytes(manifest.read_bytes()[:37])
    return str(manifest)


def _open(folder: Path, monkeypatch, page: str = "overview", **query) -> AppTest:
    monkeypatch.setenv("SMP_DATA_DIR", str(folder))
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params.update({"ptype": CHOICE_LABELS[PUBLISHED], **query})
    at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_doubled_counts_in_the_crimes_cube_are_refused_naming_the_file(copy):
    """The finding: 30,402 shown for 15,201. Now the bundle is not built, and the error says which file."""
    cube = _doubled_cube(copy)
    with pytest.raises(store.StoreDamaged, match=f"crimes does not match its record in {copy}: .*its cube "
                                                 f"{cube} differs from the SHA-256 the manifest records"):
        bundle.from_store(copy, config.geo_dir(), MAIDSTONE)
    assert cli.main(["--data-dir", str(copy), "check"]) == cli.EXIT_CHECK_FAILED


def test_rows_changed_are_refused_by_the_bundle_the_documents_and_the_command_line(copy, tmp_path, capsys):
    """The crimes rows (which the pages' cubes do not need) are checked too: the data pack, the draft,
    the workbook and the row view read them."""
    rows = _doubled_rows(copy)
    for read in (lambda: bundle.from_store(copy, None, MAIDSTONE), lambda: store.read_all(copy),
                 lambda: store.read("crimes", copy), lambda: store.query("SELECT count(*) FROM crimes", copy)):
        with pytest.raises(store.StoreDamaged, match=f"{rows}: the data file differs from the SHA-256"):
            read()
    assert cli.main(["--data-dir", str(copy), "report", "-o", str(tmp_path / "pack.html")]) == cli.EXIT_CHECK_FAILED
    assert rows in capsys.readouterr().err and not (tmp_path / "pack.html").exists()


def test_a_file_changed_after_it_was_checked_is_checked_again(copy):
    """What is remembered is a file's identity on disk: a change to it (even with its size and
    modification time put back) is hashed again and refused."""
    store.read_pages(copy)
    cube = copy / _entry(copy)["cube"]["file"]
    before = cube.stat()
    _double(copy, cube.relative_to(copy))
    os.utime(cube, ns=(before.st_atime_ns, before.st_mtime_ns))
    with pytest.raises(store.StoreDamaged, match="differs from the SHA-256"):
        store.read_pages(copy)


def _removed_manifest(folder: Path) -> str:
    (folder / store.MANIFEST).unlink()
    return str(folder / store.MANIFEST)


@pytest.mark.parametrize("damage, said", [
    (_removed_manifest, "is damaged: it is missing, but crimes.parquet links to a data file a commit wrote"),
    (_doubled_cube, "differs from the SHA-256 the manifest records for it"),
    (_doubled_rows, "the data file differs from the SHA-256 the manifest records for it"),
    (_missing_cube, "is missing"),
    (_cut_manifest, "is damaged: it ends after 37 bytes, part-way through (cut off)"),
])
def test_every_page_shows_the_failure_and_no_figure(copy, monkeypatch, damage, said):
    file = damage(copy)
    at = _open(copy, monkeypatch)
    assert [t.value for t in at.title] == ["The data store failed its check"]
    [error] = at.error
    assert error.value.startswith(f"**{FAILED}**") and plain(file) in error.value and plain(said) in error.value
    assert "Traceback" not in error.value
    assert not at.metric and not at.get("plotly_chart") and not at.get("deck_gl_json_chart") and not at.table
    assert not at.sidebar.get("download_button") and not at.get("download_button")
    assert "15,201" not in str([e.proto for e in at.main]) and "30,402" not in str([e.proto for e in at.main])


def test_a_store_whose_manifest_was_removed_is_neither_read_as_empty_nor_written_over(copy, monkeypatch):
    """Read as an empty store, it got the demonstration data on its first page, and that write
    tidied away every data file no manifest named: the real data and its earlier versions."""
    _removed_manifest(copy)
    before = store_hashes(copy)
    _open(copy, monkeypatch)
    with pytest.raises(store.StoreDamaged, match="manifest.json is damaged: it is missing"):
        store.write("encampments", rows("encampments"), source="new.csv", data_dir=copy)
    assert store_hashes(copy) == before


@pytest.mark.parametrize("page, query", [
    ("domestic_abuse", {"wards": "High Street"}),   # a deep link with a view
    ("data", {}),                                   # the analysts' page: no row view, no download
    ("scenarios", {}),
])
def test_a_deep_link_gets_the_same_failure_page(copy, monkeypatch, page, query):
    cube = _doubled_cube(copy)
    at = _open(copy, monkeypatch, page, **query)
    [error] = at.error
    assert FAILED in error.value and plain(cube) in error.value
    assert not at.metric and not at.table and not at.dataframe and not at.get("download_button")


def test_the_check_runs_once_per_data_version(copy, monkeypatch):
    """Files are hashed when a data version is first loaded, never on a rerun or by another session;
    a new version hashes only its own new files."""
    hashed = []
    real = store._sha256
    monkeypatch.setattr(store, "_sha256", lambda file: hashed.append(Path(file).relative_to(copy)) or real(file))
    in_use = {Path(f) for slot in json.loads((copy / store.MANIFEST).read_text())["datasets"].values()
              for f in store._files(slot["current"])}

    at = _open(copy, monkeypatch)
    assert ("Recorded crime", "15,201") in {(m.label, m.value) for m in at.metric}
    assert set(hashed) == in_use and len(hashed) == len(in_use)   # each file in use, once
    at.run()
    _open(copy, monkeypatch, "police_data")   # another session, another page
    assert len(hashed) == len(in_use)

    record = store.write("encampments", store.read("encampments", copy), source="again.csv", data_dir=copy)
    hashed.clear()
    at.run()
    assert not at.exception and not at.error
    assert hashed == [Path(_entry(copy, "encampments")["file"])] and record["source"] == "again.csv"
