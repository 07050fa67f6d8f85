"""The bootstrap: dev.py, .ci/run, the README's quick start, pyproject.toml and Streamlit's config.

These guard the promise that `python3 dev.py app` and `python3 dev.py test` are all a new machine
needs: CI runs the documented command, every imported package is declared, dev.py needs nothing
installed, and Streamlit accepts every option in .streamlit/config.toml.
"""

from __future__ import annotations

import ast
import importlib.metadata
import importlib.util
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

#: Import names whose distribution has another name, for packages that may not be installed.
KNOWN_DISTRIBUTIONS = {
    "yaml": "PyYAML", "sklearn": "scikit-learn", "PIL": "Pillow", "dateutil": "python-dateutil",
    "bs4": "beautifulsoup4", "cv2": "opencv-python", "dotenv": "python-dotenv",
    "google.protobuf": "protobuf",
}


def _load_dev():
    spec = importlib.util.spec_from_file_location("smp_dev_bootstrap", ROOT / "dev.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


dev = _load_dev()


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def _requirement_name(requirement: str) -> str:
    return re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement).group(1)


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _top_level_imports(path: Path) -> set[str]:
    """Top-level names of the absolute imports in one file."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def _app_sources() -> list[Path]:
    files = sorted((ROOT / "src" / "smp_dash").rglob("*.py")) + sorted((ROOT / "pages").glob("*.py"))
    if (ROOT / "app.py").is_file():
        files.append(ROOT / "app.py")
    return files


def _environment_variables() -> dict[str, list[str]]:
    """Every ``SMP_*`` name written as a string in the app, the library or dev.py, and the files
    that name it: each is an environment variable (read directly, through a constant such as
    store.CRASH_AT, or from a tuple of names tried in turn)."""
    found: dict[str, list[str]] = {}
    for path in [*_app_sources(), ROOT / "dev.py"]:
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                    and re.fullmatch(r"SMP_[A-Z0-9_]+", node.value):
                found.setdefault(node.value, []).append(str(path.relative_to(ROOT)))
    return {name: sorted(set(files)) for name, files in sorted(found.items())}


def _quick_start_commands(readme: str) -> list[str]:
    """The commands of the first code block under '## Quick start', comments stripped."""
    section = re.search(r"^## Quick start\s*$(.*?)(?=^## |\Z)", readme, re.M | re.S)
    assert section, "README.md has no '## Quick start' section"
    block = re.search(r"^```[^\n]*\n(.*?)^```", section.group(1), re.M | re.S)
    assert block, "the Quick start section has no code block"
    lines = (line.split("#", 1)[0].strip() for line in block.group(1).splitlines())
    return [line for line in lines if line]


# .ci/run

def test_ci_run_is_an_executable_script_that_runs_the_readme_test_command():
    script = ROOT / ".ci" / "run"
    assert script.is_file(), ".ci/run is missing"
    assert os.access(script, os.X_OK), ".ci/run is not executable (chmod +x .ci/run)"
    text = script.read_text()
    assert text.startswith("#!"), ".ci/run has no shebang line"
    assert "set -euo pipefail" in text, ".ci/run must stop at the first failure"
    commands = [line.strip() for line in text.splitlines()
                if line.strip() and not line.strip().startswith("#")]
    assert any(re.match(r"(exec\s+)?python3 dev\.py test\b", line) for line in commands), \
        ".ci/run does not run `python3 dev.py test`"


# README

def test_readme_quick_start_is_exactly_the_two_dev_commands():
    readme = (ROOT / "README.md").read_text()
    assert _quick_start_commands(readme) == ["python3 dev.py app", "python3 dev.py test"]


@pytest.mark.parametrize("readme, expected", [
    # comments after the commands are not part of them
    ("## Quick start\n\n```\na   # one\nb # two\n```\n", ["a", "b"]),
    # only the first block of the section counts; the next section is ignored
    ("## Quick start\n```sh\na\n```\n```\nc\n```\n## Next\n```\nd\n```\n", ["a"]),
    # a third command is reported, so the test above would fail
    ("## Quick start\n```\na\nb\nc\n```\n", ["a", "b", "c"]),
])
def test_quick_start_parser(readme, expected):
    assert _quick_start_commands(readme) == expected


@pytest.mark.parametrize("heading", [
    "## Quick start", "## What is in it", "## Data model", "## Loading real data",
    "## Data sources and licences", "## Configuration", "## Development",
])
def test_readme_has_section(heading):
    assert re.search(rf"^{re.escape(heading)}\s*$", (ROOT / "README.md").read_text(), re.M)


def test_readme_names_every_environment_variable_the_code_reads():
    readme = (ROOT / "README.md").read_text()
    names = _environment_variables()
    # Guards the scan: the store's folder and dev.py's environment are read by name in the code.
    assert {"SMP_DATA_DIR", "SMP_VENV"} <= set(names), f"the scan found only {sorted(names)}"
    missing = [f"{name} (read in {', '.join(files)})" for name, files in names.items()
               if not re.search(rf"`{name}[`=]", readme)]
    assert not missing, "README.md does not name, in `code`:\n" + "\n".join(missing)


# pyproject.toml

def test_pyproject_declares_every_third_party_import():
    declared = {_normalise(_requirement_name(r)) for r in _pyproject()["project"]["dependencies"]}
    mapping = importlib.metadata.packages_distributions()
    local = {"smp_dash", "app", "pages"}
    missing = []
    for path in _app_sources():
        for name in sorted(_top_level_imports(path) - set(sys.stdlib_module_names) - local):
            distributions = mapping.get(name) or [KNOWN_DISTRIBUTIONS.get(name, name)]
            if not declared & {_normalise(d) for d in distributions}:
                missing.append(f"{path.relative_to(ROOT)} imports {name} "
                               f"(distribution {' or '.join(distributions)})")
    assert not missing, "not in [project] dependencies:\n" + "\n".join(missing)


def test_import_scan_sees_the_library():
    # Guards the test above against passing because it looked at nothing.
    scanned = set().union(*(_top_level_imports(p) for p in _app_sources()))
    assert {"pandas", "smp_dash"} <= scanned


@pytest.mark.parametrize("group", ["dependencies", "test"])
def test_requirements_have_lower_bounds(group):
    project = _pyproject()["project"]
    requirements = (project["dependencies"] if group == "dependencies"
                    else project["optional-dependencies"][group])
    assert requirements, f"no requirements in {group}"
    unbounded = [r for r in requirements if not re.search(r"(>=|~=|==)\s*\d", r)]
    assert not unbounded, f"requirements without a lower bound: {unbounded}"


def test_pyproject_test_extra_has_what_dev_test_needs():
    extra = {_normalise(_requirement_name(r))
             for r in _pyproject()["project"]["optional-dependencies"]["test"]}
    assert {"pytest", "playwright"} <= extra


def test_cli_entry_point_that_dev_app_runs_is_declared():
    assert _pyproject()["project"]["scripts"]["smp-dash"] == "smp_dash.cli:main"


# dev.py

def test_dev_uses_only_the_standard_library():
    imports = _top_level_imports(ROOT / "dev.py")
    assert imports, "no imports found in dev.py"
    assert imports <= set(sys.stdlib_module_names), \
        f"dev.py imports non-standard modules: {sorted(imports - set(sys.stdlib_module_names))}"


RECORD = {"pyproject_sha256": "abc", "project": "/repo", "extras": []}


@pytest.mark.parametrize("previous, wanted, expected", [
    (None, RECORD, True),  # never installed
    (RECORD, RECORD, False),  # same file, same extras
    ({**RECORD, "pyproject_sha256": "old"}, RECORD, True),  # pyproject.toml changed
    ({**RECORD, "project": "/elsewhere"}, RECORD, True),  # editable install of another checkout
    (RECORD, {**RECORD, "extras": ["test"]}, True),  # test extras not installed yet
    ({**RECORD, "extras": ["test"]}, RECORD, False),  # test install covers the app's needs
    ({"pyproject_sha256": "abc"}, RECORD, True),  # stamp from an older dev.py
])
def test_needs_install(previous, wanted, expected):
    assert dev.needs_install(previous, wanted) is expected


@pytest.mark.parametrize("previous, wanted, extras", [
    (None, {**RECORD, "extras": ["test"]}, ["test"]),
    ({**RECORD, "extras": ["test"]}, RECORD, ["test"]),  # same file: extras accumulate
    ({**RECORD, "pyproject_sha256": "old", "extras": ["test"]}, RECORD, []),  # new file: reset
])
def test_merged_record_keeps_extras_only_for_the_same_file(previous, wanted, extras):
    assert dev.merged_record(previous, wanted)["extras"] == extras


def test_install_record_hashes_pyproject(tmp_path):
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text("[project]\nname = 'a'\n")
    first = dev.install_record(("test",), pyproject)
    pyproject.write_text("[project]\nname = 'b'\n")
    assert dev.install_record(("test",), pyproject)["pyproject_sha256"] != first["pyproject_sha256"]
    assert first["extras"] == ["test"] and first["project"] == str(tmp_path)


@pytest.mark.parametrize("content", [None, "not json", "[1, 2]"])
def test_unreadable_stamp_means_install(tmp_path, content):
    stamp = tmp_path / "stamp.json"
    if content is not None:
        stamp.write_text(content)
    assert dev.read_stamp(stamp) is None


@pytest.mark.parametrize("files, empty", [
    (None, True),  # the folder does not exist yet
    ([], True),
    (["crimes.json", "versions/crimes/1.parquet"], True),  # only provenance and old versions
    (["crimes.parquet"], False),
])
def test_store_is_empty(tmp_path, files, empty):
    store = tmp_path / "store"
    for name in files or []:
        (store / name).parent.mkdir(parents=True, exist_ok=True)
        (store / name).write_text("x")
    if files is not None:
        store.mkdir(exist_ok=True)
    assert dev.store_is_empty(store) is empty


@pytest.mark.parametrize("code, expected", [(0, 0), (1, 1), (5, 5)])
def test_pytest_outcome_keeps_the_code_and_explains_no_tests(capsys, code, expected):
    assert dev.pytest_outcome(code) == expected
    if code == dev.PYTEST_NO_TESTS:
        assert "collected no tests" in capsys.readouterr().err


def test_venv_override(monkeypatch, tmp_path):
    monkeypatch.setenv("SMP_VENV", str(tmp_path / "env"))
    assert dev.venv_dir() == tmp_path / "env"
    monkeypatch.delenv("SMP_VENV")
    assert dev.venv_dir() == ROOT / ".venv"


@pytest.mark.parametrize("args, code, stream, text", [
    ([], 2, "out", "usage: python3 dev.py"),  # no command
    (["--help"], 0, "out", "usage: python3 dev.py"),
    (["serve"], 2, "err", "unknown command 'serve'"),
])
def test_dev_command_line(tmp_path, args, code, stream, text):
    # Run from another folder: dev.py must find its files relative to itself.
    result = subprocess.run([sys.executable, str(ROOT / "dev.py"), *args], cwd=tmp_path,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == code
    assert text in (result.stdout if stream == "out" else result.stderr)


# .streamlit/config.toml

def _config() -> dict:
    return tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())


def _flatten(table: dict, prefix: str = "") -> dict:
    flat = {}
    for key, value in table.items():
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def test_streamlit_config_is_valid_toml_with_the_agreed_settings():
    settings = _flatten(_config())
    agreed = {
        "server.headless": True, "server.runOnSave": False, "server.enableXsrfProtection": True,
        "server.maxUploadSize": 200, "client.toolbarMode": "minimal",
        "client.showErrorDetails": "none", "browser.gatherUsageStats": False,
        "theme.base": "light", "theme.primaryColor": "#1f4e79", "theme.font": "sans-serif",
        # stated although they are Streamlit's defaults: production needs them (README, "Security model")
        "server.enableCORS": True, "logger.level": "info",
    }
    differing = {key: settings.get(key) for key, value in agreed.items() if settings.get(key) != value}
    assert not differing, f"config.toml differs from the agreed settings: {differing}"


def test_streamlit_knows_every_option_in_config_toml():
    from streamlit import config as streamlit_config

    known = set(streamlit_config.get_config_options())
    unknown = sorted(set(_flatten(_config())) - known)
    assert not unknown, f"options Streamlit does not know (it warns at startup): {unknown}"


def test_streamlit_config_comments_every_setting():
    for number, line in enumerate((ROOT / ".streamlit" / "config.toml").read_text().splitlines(), 1):
        if "=" in line and not line.lstrip().startswith("#"):
            assert "#" in line.split("=", 1)[1], f"config.toml line {number} has no comment: {line}"


def test_dev_py_installs_the_balancer_serve_runs(tmp_path, monkeypatch):
    from smp_dash import serving

    spec = serving.BALANCERS["haproxy"]
    packages, _ = dev.DEBIAN_PROGRAMS[dev.HAPROXY]
    assert dev.HAPROXY.name == spec.program and spec.package in packages
    # A program missing on a machine without apt-get: the message names it and its packages, nothing runs.
    monkeypatch.setenv("PATH", str(tmp_path))
    ran = []
    monkeypatch.setattr(dev, "_run", lambda *a, **k: ran.append(a))
    missing = {tmp_path / "haproxy": (("haproxy",), "the balancer"), Path(sys.executable): (("python3",), "x")}
    with pytest.raises(dev.StepFailed, match=rf"{tmp_path}/haproxy for the balancer.*packages haproxy "):
        dev.ensure_debian_programs(missing)
    assert ran == []


@pytest.mark.parametrize("extra, cores, expected", [
    ([], 2, ["-n", "2", "--dist", "loadfile"]),                        # the suite over both cores
    (["tests/test_spc.py"], 8, ["-n", "4", "--dist", "loadfile", "tests/test_spc.py"]),
    ([], 1, []),                                                       # one core: no workers to start
    (["-n", "0"], 2, ["-n", "0"]),                                     # the caller's choice stands
    (["-n3"], 2, ["-n3"]),
    (["-p", "no:xdist", "-x"], 2, ["-p", "no:xdist", "-x"]),
    (["--dist", "load"], 2, ["--dist", "load"]),
])
def test_dev_test_spreads_the_suite_over_the_cores_unless_told(extra, cores, expected):
    assert dev.parallel(extra, cores) == expected
