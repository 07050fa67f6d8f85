#!/usr/bin/env python3
"""Set up and run SMP Dash on a machine that has only Python 3.11+.

    python3 dev.py app  [streamlit options]   install, generate the demonstration data, start the app
    python3 dev.py test [pytest options]      install (with Debian's chromium and haproxy), run the test suite

Both commands use the project's own virtual environment (``.venv`` beside this file, or
``SMP_VENV``), never an activated one, so a user and CI run the same thing. ``pip install -e``
runs only when pyproject.toml (or the extras asked for) changed since the last install: a
stamp file in the environment records what was installed. Standard library only, because it
runs before anything is installed.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
PYPROJECT = ROOT / "pyproject.toml"
STAMP_NAME = ".smp-dash-install.json"
MIN_PYTHON = (3, 11)
CHROMIUM = Path("/usr/bin/chromium")
BROWSER_PACKAGES = ("chromium", "chromium-driver", "fonts-dejavu-core")
HAPROXY = Path("/usr/sbin/haproxy")
BALANCER_PACKAGES = ("haproxy",)
#: The Debian programs the tests need, the packages that install each, and what for.
DEBIAN_PROGRAMS = {
    CHROMIUM: (BROWSER_PACKAGES, "the browser tests"),
    HAPROXY: (BALANCER_PACKAGES, "smp-dash serve's load balancer (tests/test_serve.py)"),
}
PYTEST_NO_TESTS = 5

USAGE = """usage: python3 dev.py {app,test} [extra arguments]

  app   create the virtual environment, install SMP Dash, generate the demonstration data if
        the store is empty, then run `streamlit run app.py` with any extra arguments
        (e.g. --server.port 8600 --server.headless true)
  test  create the virtual environment, install SMP Dash with its test extras, make sure
        Debian's chromium and haproxy are installed, then run pytest with any extra arguments

environment: SMP_VENV (virtual environment, default .venv), SMP_DATA_DIR (store, default
data/store), SMP_GEO_DIR (boundaries, default ../shared/geo), SMP_LAD_CODE (borough)"""


class StepFailed(Exception):
    """A step could not complete; the message says which and what to do."""

    def __init__(self, message: str, code: int = 1):
        super().__init__(message)
        self.code = code


def main(argv: list[str]) -> int:
    """Dispatch ``app`` or ``test``; return the process exit code."""
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(USAGE)
        return 0 if argv else 2
    command, extra = argv[0], argv[1:]
    if command not in ("app", "test"):
        print(f"dev.py: unknown command {command!r}\n\n{USAGE}", file=sys.stderr)
        return 2
    try:
        _check_python()
        _absolutise_env_paths()
        venv = venv_dir()
        if command == "app":
            return run_app(venv, extra)
        return run_tests(venv, extra)
    except StepFailed as failure:
        print(f"dev.py: {failure}", file=sys.stderr)
        return failure.code
    except KeyboardInterrupt:
        print("dev.py: interrupted", file=sys.stderr)
        return 130


def run_app(venv: Path, extra: list[str]) -> int:
    """Install, generate the demonstration data if needed, then become ``streamlit run app.py``."""
    ensure_venv(venv)
    ensure_installed(venv, extras=())
    store = data_dir()
    if store_is_empty(store):
        _step(f"store {store} is empty: generating the demonstration data")
        _run([str(_bin(venv, "smp-dash")), "demo"], "smp-dash demo", venv)
        if store_is_empty(store):
            raise StepFailed(f"`smp-dash demo` finished but wrote no Parquet files to {store}")
    else:
        _step(f"store {store} has data: keeping it")
    app = ROOT / "app.py"
    if not app.is_file():
        raise StepFailed(f"{app} not found: is this a complete checkout of SMP Dash?")
    streamlit = _bin(venv, "streamlit")
    _step(f"starting the app: streamlit run app.py {' '.join(extra)}".rstrip())
    sys.stdout.flush()
    sys.stderr.flush()
    # From the project root, so Streamlit finds .streamlit/config.toml and pages/.
    os.chdir(ROOT)
    os.execve(str(streamlit), [str(streamlit), "run", "app.py", *extra], _venv_env(venv))
    return 0  # not reached: execve replaces this process


def run_tests(venv: Path, extra: list[str]) -> int:
    """Install with the test extras, make sure chromium and haproxy are there, run pytest, return its code."""
    ensure_venv(venv)
    ensure_installed(venv, extras=("test",))
    ensure_debian_programs()
    extra = parallel(extra)
    _step(f"running the tests: python -m pytest {' '.join(extra)}".rstrip())
    code = subprocess.run([str(_bin(venv, "python")), "-m", "pytest", *extra],
                          cwd=ROOT, env=_venv_env(venv)).returncode
    return pytest_outcome(code)


def parallel(extra: list[str], cores: int | None = None) -> list[str]:
    """``extra`` with the suite spread over the machine's cores (pytest-xdist, a test file to a
    worker, so each module's fixtures are built once), unless the caller chose (``-n``, ``-p
    no:xdist``) or the machine has one core."""
    cores = cores if cores is not None else len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") \
        else (os.cpu_count() or 1)
    chosen = any(a == "-n" or a.startswith(("-n", "--numprocesses", "--dist")) or a == "no:xdist" for a in extra)
    return extra if chosen or cores < 2 else ["-n", str(min(cores, 4)), "--dist", "loadfile", *extra]


def pytest_outcome(code: int) -> int:
    """Pytest's exit code, with a message; "no tests collected" (5) counts as a failure."""
    if code == PYTEST_NO_TESTS:
        print("dev.py: pytest collected no tests (exit code 5); a run that tests nothing is "
              "treated as a failure. Check the test paths and any -k/-m selection.",
              file=sys.stderr)
    elif code != 0:
        print(f"dev.py: the tests failed (pytest exit code {code})", file=sys.stderr)
    else:
        print("[dev] tests passed")
    return code


def venv_dir() -> Path:
    """The project's virtual environment: ``SMP_VENV`` or ``.venv`` beside this file."""
    override = os.environ.get("SMP_VENV")
    return Path(override).expanduser().resolve() if override else ROOT / ".venv"


def data_dir() -> Path:
    """The store folder, as smp_dash.config reads it (``SMP_DATA_DIR``, default data/store)."""
    override = os.environ.get("SMP_DATA_DIR")
    return Path(override).expanduser().resolve() if override else ROOT / "data" / "store"


def store_is_empty(store: Path) -> bool:
    """Whether the store holds no dataset yet (no manifest, and no Parquet file in its top folder)."""
    return not store.is_dir() or not ((store / "manifest.json").is_file() or any(store.glob("*.parquet")))


def ensure_venv(venv: Path) -> None:
    """Create the virtual environment unless a working one is already there."""
    if _bin(venv, "python").exists() and _bin(venv, "pip").exists():
        return
    if venv.exists() and any(venv.iterdir()) and not (venv / "pyvenv.cfg").is_file():
        raise StepFailed(f"{venv} exists and is not a virtual environment; point SMP_VENV "
                         "at a new folder or remove it")
    _step(f"creating the virtual environment {venv}")
    # --clear repairs a half-made environment (e.g. one whose pip never got installed).
    command = [sys.executable, "-m", "venv", "--clear", str(venv)]
    result = subprocess.run(command)
    if result.returncode != 0:
        raise StepFailed(
            f"could not create the virtual environment (`{' '.join(command)}` exited "
            f"{result.returncode}). On Debian or Ubuntu install the venv module first: "
            f"apt-get install python3-venv", result.returncode)


def ensure_installed(venv: Path, extras: tuple[str, ...]) -> None:
    """``pip install -e .[extras]`` unless the stamp says this pyproject.toml is installed."""
    wanted = install_record(extras)
    stamp = venv / STAMP_NAME
    previous = read_stamp(stamp)
    if not needs_install(previous, wanted):
        _step("SMP Dash is installed and pyproject.toml is unchanged: skipping pip install")
        return
    target = str(ROOT) + (f"[{','.join(sorted(wanted['extras']))}]" if wanted["extras"] else "")
    _step(f"installing SMP Dash into {venv}: pip install -e {target}")
    stamp.unlink(missing_ok=True)  # a failed install must not look like a finished one
    _run([str(_bin(venv, "python")), "-m", "pip", "install", "--disable-pip-version-check",
          "-e", target], "pip install", venv)
    stamp.write_text(json.dumps(merged_record(previous, wanted), indent=2) + "\n")


def install_record(extras: tuple[str, ...], pyproject: Path = PYPROJECT) -> dict:
    """What an install of this checkout with ``extras`` consists of, for the stamp file."""
    if not pyproject.is_file():
        raise StepFailed(f"{pyproject} not found: run dev.py from a complete checkout")
    return {"pyproject_sha256": hashlib.sha256(pyproject.read_bytes()).hexdigest(),
            "project": str(pyproject.parent), "extras": sorted(set(extras))}


def needs_install(previous: dict | None, wanted: dict) -> bool:
    """Whether pip must run: no stamp, another pyproject.toml or checkout, or missing extras."""
    if previous is None:
        return True
    return (previous.get("pyproject_sha256") != wanted["pyproject_sha256"]
            or previous.get("project") != wanted["project"]
            or not set(wanted["extras"]) <= set(previous.get("extras", [])))


def merged_record(previous: dict | None, wanted: dict) -> dict:
    """The stamp after installing ``wanted``: extras already installed for the same file stay."""
    extras = set(wanted["extras"])
    if previous and {k: previous.get(k) for k in ("pyproject_sha256", "project")} == \
            {k: wanted[k] for k in ("pyproject_sha256", "project")}:
        extras |= set(previous.get("extras", []))
    return {**wanted, "extras": sorted(extras)}


def read_stamp(stamp: Path) -> dict | None:
    """The stamp's record, or None if it is missing or unreadable."""
    try:
        record = json.loads(stamp.read_text())
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) else None


def ensure_debian_programs(programs: dict = DEBIAN_PROGRAMS) -> None:
    """Install the Debian packages of every program in ``programs`` that is missing, with apt-get."""
    missing = {path: need for path, need in programs.items() if not path.exists()}
    for path in programs.keys() - missing.keys():
        _step(f"{path.name} found at {path}")
    if not missing:
        return
    packages = [package for packages, _ in missing.values() for package in packages]
    needed_for = "; ".join(f"{path} for {what}" for path, (_, what) in missing.items())
    if shutil.which("apt-get") is None:
        raise StepFailed(
            f"missing and apt-get is not available: {needed_for}. Install the Debian packages "
            f"{' '.join(packages)} (or run on Debian/Ubuntu), then run `python3 dev.py test` again.")
    prefix = _root_prefix(packages)
    _step(f"installing {needed_for}: apt-get install {' '.join(packages)}")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    _run([*prefix, "apt-get", "update"], "apt-get update", env=env)
    _run([*prefix, "apt-get", "install", "-y", *packages], "apt-get install", env=env)
    still = [str(path) for path in missing if not path.exists()]
    if still:
        raise StepFailed(f"apt-get installed {' '.join(packages)} but {', '.join(still)} is still missing")


def _root_prefix(packages: list[str]) -> list[str]:
    """Nothing when root; otherwise sudo (keeping DEBIAN_FRONTEND), or a clear error."""
    if os.geteuid() == 0:
        return []
    if shutil.which("sudo") is None:
        raise StepFailed("installing Debian packages needs root and sudo is not available: run "
                         f"`apt-get install -y {' '.join(packages)}` as root, then "
                         "`python3 dev.py test` again")
    return ["sudo", "env", "DEBIAN_FRONTEND=noninteractive"]


def _check_python() -> None:
    if sys.version_info < MIN_PYTHON:
        found = ".".join(map(str, sys.version_info[:3]))
        raise StepFailed(f"SMP Dash needs Python {MIN_PYTHON[0]}.{MIN_PYTHON[1]} or newer; "
                         f"this is Python {found} ({sys.executable})")


def _absolutise_env_paths() -> None:
    # Relative paths in these variables mean "relative to where dev.py was run"; the app and
    # the CLI run from the project root, so pass them on as absolute paths.
    for name in ("SMP_VENV", "SMP_DATA_DIR", "SMP_GEO_DIR"):
        value = os.environ.get(name)
        if value:
            os.environ[name] = str(Path(value).expanduser().resolve())


def _bin(venv: Path, name: str) -> Path:
    return venv / "bin" / name


def _venv_env(venv: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["VIRTUAL_ENV"] = str(venv)
    env["PATH"] = os.pathsep.join([str(venv / "bin"), env.get("PATH", "")])
    env.pop("PYTHONHOME", None)
    return env


def _run(command: list[str], what: str, venv: Path | None = None,
         env: dict[str, str] | None = None) -> None:
    """Run one step from the project root; a failure becomes StepFailed naming the step."""
    try:
        subprocess.run(command, cwd=ROOT, check=True,
                       env=env if env is not None else (_venv_env(venv) if venv else None))
    except FileNotFoundError as missing:
        raise StepFailed(f"{what}: {missing.filename} not found") from None
    except subprocess.CalledProcessError as failed:
        raise StepFailed(f"{what} failed (exit code {failed.returncode}): "
                         f"{' '.join(command)}", failed.returncode or 1) from None


def _step(message: str) -> None:
    print(f"[dev] {message}", flush=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
