"""Hardening: nothing from a link or an upload is unpickled, evaluated or used as a path; XSRF on;
uploads limited; uploaded file names are labels only."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest

from smp_dash import config, intake, store
from smp_dash.sources._files import display_name

ROOT = Path(__file__).resolve().parents[1]
CODE = sorted([*(ROOT / "src" / "smp_dash").rglob("*.py"), *(ROOT / "pages").glob("*.py"), ROOT / "app.py"])
FORBIDDEN_MODULES = {"pickle", "cPickle", "dill", "marshal", "shelve", "joblib"}
FORBIDDEN_CALLS = {"eval", "exec", "compile", "__import__"}


@pytest.mark.parametrize("path", CODE, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_unpickling_or_evaluation(path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            assert not {a.name.split(".")[0] for a in node.names} & FORBIDDEN_MODULES, f"{path.name}:{node.lineno}"
        elif isinstance(node, ast.ImportFrom) and node.module:
            assert node.module.split(".")[0] not in FORBIDDEN_MODULES, f"{path.name}:{node.lineno}"
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            assert node.func.id not in FORBIDDEN_CALLS, f"{path.name}:{node.lineno} calls {node.func.id}"
        elif isinstance(node, ast.Attribute) and node.attr in ("read_pickle", "to_pickle"):
            raise AssertionError(f"{path.name}:{node.lineno} uses {node.attr}")


def test_streamlit_config_keeps_xsrf_on_and_limits_uploads():
    settings = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert settings["server"]["enableXsrfProtection"] is True
    assert settings["server"]["maxUploadSize"] * 1024 * 1024 == config.MAX_UPLOAD_BYTES
    assert settings["client"]["showErrorDetails"] == "none"      # no tracebacks in browsers
    # Tables' own CSV and copy would bypass the role rules and formula neutralising of the app's CSV button.
    assert settings["client"]["disableDataExport"] is True


def test_secrets_and_roles_files_are_never_committed():
    ignored = (ROOT / ".gitignore").read_text().splitlines()
    assert ".streamlit/secrets.toml" in ignored and ".streamlit/roles.toml" in ignored


@pytest.mark.parametrize("name, shown", [
    ("2020-05-kent-street.csv", "2020-05-kent-street.csv"),
    ("../../etc/passwd", "passwd"),
    ("C:\\Users\\clerk\\needles.csv", "needles.csv"),
    ("[click](javascript:alert(1)).csv", "_click_(javascript_alert(1)).csv"),
    ("<img src=x onerror=alert(1)>.csv", "_img src_x onerror_alert(1)_.csv"),
    ("..", "upload"),
    ("", "upload"),
])
def test_uploaded_file_names_are_labels_only(name, shown):
    assert display_name(name) == shown


def test_an_upload_named_like_a_path_writes_only_the_store(demo_store, tmp_path_factory):
    data = store.read("population", demo_store).head(3)
    body = data.assign(year=data["year"] - 1).to_csv(index=False).encode()
    base = tmp_path_factory.getbasetemp()
    before = set(base.rglob("*"))
    preview = intake.preview(body, "../../../../tmp/evil-upload.csv", "population")
    records = intake.commit(preview, data_dir=demo_store)
    assert records["population"]["source"] == "evil-upload.csv"
    created = set(base.rglob("*")) - before
    assert created and all(Path(demo_store) in p.parents for p in created), sorted(created)
    assert not Path("/tmp/evil-upload.csv").exists()
