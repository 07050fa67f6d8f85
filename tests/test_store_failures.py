"""When the file system or the store itself fails, each failure is said in words and changes nothing.

A full disk, a read-only data folder, a missing one, permission refused: one line naming the
path and saying that the data in use is unchanged, exit 5, no traceback, on the command line and
the Data page. Each is injected in-process (the call that reaches the disk refuses), and also
made real where the machine allows: a folder without write permission (as root, the child
process runs without the capabilities that let root write anyway), and, where this process may
mount file systems, a full tmpfs and a read-only bind mount in a mount namespace of their own.

Also: a waiting write names the process that really holds the lock and for how long, and
``smp-dash check`` names the file and the problem for a damaged manifest or a missing cube.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from conftest import HIGH_STREET, rows, store_hashes
from police_api_standin import StandIn, record

from smp_dash import cli, intake, store

ENCAMPMENT = "started,ended,location_name,ward_code\n2020-05-01,2020-05-02,Mote Park,E05005003\n"
UNCHANGED = "The data in use is unchanged."


@pytest.fixture
def held(tmp_path):
    """A store holding encampments and crimes (with its cube), and a new encampments file to load."""
    folder = tmp_path / "store"
    store.write("encampments", rows("encampments"), source="before.csv", data_dir=folder)
    store.write("crimes", rows("crimes"), source="crimes-before.csv", data_dir=folder)
    new = tmp_path / "new.csv"
    new.write_text(ENCAMPMENT)
    return folder, new


def _as_before(folder: Path, before: dict) -> None:
    """Not one file of the store changed, none added, none left behind; and it passes its check."""
    assert store_hashes(folder) == before
    assert store.verify(folder) == [] and store.provenance("encampments", folder)["source"] == "before.csv"


def _one_line(err: str, path: str, why: str) -> None:
    assert "Traceback" not in err and err.count("\n") == 1, err
    assert re.fullmatch(f"error: Could not write {re.escape(path)}\\S*: {why}\\. {re.escape(UNCHANGED)}\n", err), err


# Injected: the call that reaches the disk refuses -------------------------------------------------

def _refuse(monkeypatch, call: str, code: int, only: str = "") -> None:
    """Make ``os.fsync`` or ``tempfile.mkstemp`` fail with ``code`` for files whose name holds ``only``."""
    if call == "fsync":   # where a full disk shows: the data reach the disk at fsync
        real_fsync = os.fsync

        def fsync(fd):
            if only in os.readlink(f"/proc/self/fd/{fd}"):
                raise OSError(code, os.strerror(code))
            return real_fsync(fd)

        monkeypatch.setattr(store.os, "fsync", fsync)
    else:
        real_mkstemp = tempfile.mkstemp

        def mkstemp(*args, prefix="", dir=None, **kwargs):
            if only in prefix:
                raise OSError(code, os.strerror(code), str(Path(dir) / prefix))
            return real_mkstemp(*args, prefix=prefix, dir=dir, **kwargs)

        monkeypatch.setattr(store.tempfile, "mkstemp", mkstemp)


@pytest.mark.parametrize("call, code, only, where, why", [
    ("fsync", errno.ENOSPC, "", "objects/encampments/", "the disk is full"),
    ("mkstemp", errno.EROFS, "", "objects/encampments/", "the file system is read-only"),
    ("mkstemp", errno.EACCES, "", "objects/encampments/", "permission refused"),
    ("fsync", errno.EDQUOT, "", "objects/encampments/", "the disk quota is used up"),
    # The data file is written, the manifest is not: the data file goes too, at once.
    ("mkstemp", errno.ENOSPC, ".manifest.json", "manifest.json", "the disk is full"),
])
def test_a_write_the_file_system_refuses_says_where_in_one_line_and_changes_nothing(held, monkeypatch, capsys,
                                                                                     call, code, only, where, why):
    folder, new = held
    before = store_hashes(folder)
    _refuse(monkeypatch, call, code, only)
    assert cli.main(["--data-dir", str(folder), "ingest", "encampments", str(new)]) == cli.EXIT_SYSTEM == 5
    _one_line(capsys.readouterr().err, f"{folder}/{where}", why)
    monkeypatch.undo()
    _as_before(folder, before)


def test_a_refused_restore_changes_nothing(held, monkeypatch, capsys):
    folder, new = held
    assert cli.main(["--data-dir", str(folder), "ingest", "encampments", str(new)]) == 0
    before = store_hashes(folder)
    _refuse(monkeypatch, "fsync", errno.ENOSPC)
    version = store.versions("encampments", folder)[0]["version"]
    assert cli.main(["--data-dir", str(folder), "restore", "encampments", version]) == 5
    _one_line(capsys.readouterr().err, f"{folder}/manifest.json", "the disk is full")
    assert store_hashes(folder) == before and store.provenance("encampments", folder)["source"] == "new.csv"


def test_a_missing_data_folder_is_named_not_shown_as_an_empty_store(tmp_path, capsys):
    missing = tmp_path / "not-mounted" / "store"
    assert cli.main(["--data-dir", str(missing), "check"]) == 5
    assert capsys.readouterr().err == f"error: Could not read {missing}: it does not exist. {UNCHANGED}\n"


def test_a_manifest_the_store_may_not_read_is_named(held, monkeypatch):
    folder, _ = held
    real = Path.read_bytes

    def read_bytes(path):
        if path.name == store.MANIFEST:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))
        return real(path)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    with pytest.raises(store.StoreUnavailable) as refused:
        store.read("crimes", folder)
    assert store.failure(refused.value) == f"Could not read {folder / store.MANIFEST}: permission refused."


def test_the_data_page_says_the_same_in_one_line(maidstone, monkeypatch, tmp_path):
    from streamlit.testing.v1 import AppTest

    folder = tmp_path / "store"
    assert cli.main(["--data-dir", str(folder), "demo"]) == 0
    monkeypatch.setenv("SMP_DATA_DIR", str(folder))
    before = store_hashes(folder)
    at = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "app.py"), default_timeout=60)
    at.switch_page("pages/data.py")
    at.run()
    point = maidstone[0].set_index("ward_code").geometry[HIGH_STREET].representative_point()
    with StandIn({"2026-09": [record(1, "2026-09", point.y, point.x)]}) as api:
        monkeypatch.setenv("SMP_POLICE_API_URL", api.url)
        _refuse(monkeypatch, "fsync", errno.ENOSPC)   # the fetch's commit meets a full disk
        at.button(key="fetch_police_api").click().run()
    monkeypatch.undo()
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.error) == 1
    shown = at.error[0].value
    assert re.fullmatch(f"- Could not write {re.escape(str(folder))}/objects/crimes/\\S+: the disk is full\\.\n\n"
                        f"{re.escape(UNCHANGED)}", shown), shown
    assert store_hashes(folder) == before


# Real: the file system itself refuses -------------------------------------------------------------

def _cli(folder: Path, new: Path, prefix=()) -> subprocess.CompletedProcess:
    return subprocess.run([*prefix, sys.executable, "-m", "smp_dash.cli", "--data-dir", str(folder), "ingest",
                           "encampments", str(new)], capture_output=True, text=True, timeout=120)


def test_a_folder_without_write_permission(held):
    folder, new = held
    before = store_hashes(folder)
    prefix = ()
    if os.geteuid() == 0:   # root writes anyway: the child runs without the capabilities that allow it
        if not shutil.which("setpriv"):
            pytest.skip("running as root without setpriv: permission refused is tested by injection only")
        prefix = ("setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner")
    folders = [folder, *(p for p in folder.rglob("*") if p.is_dir())]
    for path in folders:
        path.chmod(0o555)
    try:
        child = _cli(folder, new, prefix)
    finally:
        for path in folders:
            path.chmod(0o755)
    assert child.returncode == 5, child.stderr
    _one_line(child.stderr, f"{folder}/", "permission refused")
    _as_before(folder, before)


@pytest.fixture(scope="module")
def mounts():
    """Whether this process may mount file systems in a mount namespace of its own (root, with
    CAP_SYS_ADMIN); otherwise the full disk and the read-only folder are tested by injection only."""
    if os.geteuid() != 0 or not shutil.which("unshare"):
        pytest.skip("not root, or no unshare: a full disk and a read-only folder are tested by injection only")
    with tempfile.TemporaryDirectory() as point:
        tried = subprocess.run(["unshare", "--mount", "mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", point],
                               capture_output=True, timeout=30)
    if tried.returncode != 0:
        pytest.skip(f"cannot mount in a mount namespace ({tried.stderr.decode().strip()}): "
                    "a full disk and a read-only folder are tested by injection only")


def _namespaced(script: str) -> subprocess.CompletedProcess:
    return subprocess.run(["unshare", "--mount", "sh", "-c", script], capture_output=True, text=True, timeout=120)


def test_a_full_disk(mounts, held, tmp_path):
    folder, new = held
    before = store_hashes(folder)
    disk, after, err = tmp_path / "disk", tmp_path / "after", tmp_path / "err"
    disk.mkdir()
    after.mkdir()
    # On a 2 MB tmpfs: the store, then zeros until nothing is left, then the load; the store is
    # copied back out before the namespace (and its tmpfs) goes.
    child = _namespaced(textwrap.dedent(f"""
        set -e
        mount -t tmpfs -o size=2m tmpfs {disk}
        cp -a {folder} {disk}/store
        dd if=/dev/zero of={disk}/zeros bs=64k 2>/dev/null || true
        set +e
        {sys.executable} -m smp_dash.cli --data-dir {disk}/store ingest encampments {new} 2>{err}
        echo $?
        cp -a {disk}/store/. {after}/
    """))
    assert child.stdout.splitlines()[-1] == "5", (child.stdout, child.stderr, err.read_text())
    _one_line(err.read_text(), f"{disk}/store/", "the disk is full")
    _as_before(after, before)


def test_a_read_only_folder(mounts, held, tmp_path):
    folder, new = held
    before = store_hashes(folder)
    err = tmp_path / "err"
    child = _namespaced(textwrap.dedent(f"""
        set -e
        mount --bind {folder} {folder}
        mount -o remount,bind,ro {folder}
        set +e
        {sys.executable} -m smp_dash.cli --data-dir {folder} ingest encampments {new} 2>{err}
        echo $?
    """))
    assert child.stdout.splitlines()[-1] == "5", (child.stdout, child.stderr, err.read_text())
    _one_line(err.read_text(), f"{folder}/{store.LOCK}", "the file system is read-only")
    _as_before(folder, before)


# Locks: the real holder and how long ----------------------------------------------------------------

#: A child process that takes the store's lock as a write does and holds it until told to go.
HOLDER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from smp_dash import store

    with store._locked(Path(sys.argv[1]), 5):
        print("locked", flush=True)
        sys.stdin.readline()
""")


def test_a_waiting_write_names_the_holder_and_how_long_it_has_held_the_lock(tmp_path, monkeypatch):
    folder = tmp_path / "store"
    store.write("population", rows("population"), source="first.csv", data_dir=folder)
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(folder)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline() == "locked\n"
        record = json.loads((folder / store.LOCK).read_text())
        assert (record["pid"], record["host"]) == (holder.pid, socket.gethostname())

        class Later(datetime):   # the waiting write looks 90 s after the holder took the lock
            @classmethod
            def now(cls, tz=None):
                return datetime.now(tz) + timedelta(seconds=90)

        monkeypatch.setattr(store, "datetime", Later)
        with pytest.raises(store.StoreLocked) as refused:
            store.write_many({"population": rows("population")}, source="second.csv", data_dir=folder,
                             lock_timeout=0.1)
        monkeypatch.undo()
    finally:
        holder.communicate("go\n", timeout=30)
    # 90 s and the part of a second the record's time leaves out
    assert re.search(f"the store is being written by process {holder.pid} on {re.escape(socket.gethostname())}, "
                     "holding the lock for 9[01] s \\(since ", str(refused.value)), str(refused.value)
    assert (folder / store.LOCK).read_text() == ""    # a writer that has finished is named nowhere
    assert store.provenance("population", folder)["source"] == "first.csv"


def test_a_lock_file_left_by_a_writer_that_was_killed_does_not_name_it(tmp_path):
    folder = tmp_path / "store"
    store.write("population", rows("population"), source="first.csv", data_dir=folder)
    code = f"from conftest import rows\nfrom smp_dash import store\nstore.write('population', rows('population'), " \
           f"source='killed.csv', data_dir={str(folder)!r})"
    killed = subprocess.Popen([sys.executable, "-c", code], cwd=Path(__file__).parent,
                              env={**os.environ, store.CRASH_AT: "locked"})
    assert killed.wait(timeout=60) == -signal.SIGKILL
    assert json.loads((folder / store.LOCK).read_text())["pid"] == killed.pid     # its record is left
    with open(folder / store.LOCK, "a") as other:    # held by a process that records nothing (another tool)
        fcntl.flock(other, fcntl.LOCK_EX)
        with pytest.raises(store.StoreLocked) as refused:
            store.write_many({"population": rows("population")}, source="second.csv", data_dir=folder,
                             lock_timeout=0.1)
    message = str(refused.value)
    assert f"process {killed.pid}" not in message
    assert "being written by another process (not recorded: the lock file names an earlier writer that has ended)" \
        in message


# smp-dash check: a damaged manifest, a missing file --------------------------------------------------

def _cut(folder: Path) -> None:
    manifest = folder / store.MANIFEST
    manifest.write_bytes(manifest.read_bytes()[:37])


def _entry(folder: Path, dataset: str) -> dict:
    return json.loads((folder / store.MANIFEST).read_text())["datasets"][dataset]["current"]


def _rewrite(folder: Path, change) -> None:
    manifest = json.loads((folder / store.MANIFEST).read_text())
    change(manifest)
    (folder / store.MANIFEST).write_text(json.dumps(manifest))


@pytest.mark.parametrize("damage, said", [
    (_cut, "the store's manifest {folder}/manifest.json is damaged: it ends after 37 bytes, part-way through "
           "(cut off). Restore it from a backup"),
    (lambda f: (f / store.MANIFEST).write_bytes(b"\xff\xfe not json"),
     "the store's manifest {folder}/manifest.json is damaged: it is not JSON"),
    (lambda f: (f / store.MANIFEST).write_text('{"format": 2}'),
     "the store's manifest {folder}/manifest.json is damaged: it does not list the datasets"),
    # A manifest naming a file outside the store is not followed.
    (lambda f: _rewrite(f, lambda m: m["datasets"]["crimes"]["current"].update(file="../../etc/passwd")),
     "is damaged: an entry of 'crimes' lacks its version, file or record, or names a file outside the store"),
])
def test_check_names_a_damaged_manifest_and_what_is_wrong(held, capsys, damage, said):
    folder, _ = held
    damage(folder)
    assert cli.main(["--data-dir", str(folder), "check"]) == cli.EXIT_CHECK_FAILED == 1
    err = capsys.readouterr().err
    assert said.format(folder=folder) in err and "Expecting value" not in err and "Traceback" not in err
    assert err.endswith(f"{UNCHANGED}\n")


@pytest.mark.parametrize("missing, said", [
    ("cube", "crimes             DOES NOT MATCH ITS RECORD: {file}: its cube {cube} is missing"),
    ("file", "crimes             DOES NOT MATCH ITS RECORD: {file}: the data file is missing"),
])
def test_check_names_a_missing_cube_or_data_file(held, capsys, missing, said):
    folder, _ = held
    entry = _entry(folder, "crimes")
    (folder / (entry["cube"]["file"] if missing == "cube" else entry["file"])).unlink()
    assert cli.main(["--data-dir", str(folder), "check"]) == 1
    out = capsys.readouterr().out
    assert said.format(file=entry["file"], cube=entry["cube"]["file"]) in out
    assert "encampments" in out and "before.csv" in out     # the datasets that are whole still listed


def test_failure_words_each_refusal_and_names_the_path():
    assert store.failure(store.StoreUnavailable(errno.ENOSPC, "No space left on device", "/srv/store/x.parquet",
                                                action="write")) == \
        "Could not write /srv/store/x.parquet: the disk is full."
    assert store.failure(PermissionError(errno.EACCES, "Permission denied", "/srv/report.html")) == \
        "Could not use /srv/report.html: permission refused."
    assert intake.messages(OSError(errno.ENOSPC, "No space left on device", "/srv/store")) == \
        ["Could not use /srv/store: the disk is full."]
