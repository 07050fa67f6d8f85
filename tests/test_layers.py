"""Imports run one way (pages -> ui -> charts/maps/metrics -> geo/periods/store -> schema/sources -> config),
and only app.py, pages/ and the ui package import streamlit."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "smp_dash"

#: A module may import only modules of a lower rank (or its own package's modules).
RANK = {
    "config": 0, "access": 1, "schema": 1, "geo": 2, "periods": 2, "store": 3, "sources": 3, "outliers": 3, "significance": 3,
    "metrics": 4, "partnerships": 4, "exports": 4, "charts": 5, "maps": 5, "published": 8, "demo": 5, "bundle": 5,
    "morile": 8, "scenarios": 8, "disclosure": 5, "intake": 4, "images": 5, "measures": 7, "priorities": 10,
    "assessment": 11, "report": 12, "selection": 3, "cli": 13, "ui": 13, "narrative": 8, "draft": 12, "workbook": 12,
    "glossary": 8, "protection": 6, "blocks": 9, "deployment": 2, "wording": 0, "fingerprints": 0, "spc": 2, "serving": 1,
}
#: The only part of the library that may import streamlit (a package: ui/).
STREAMLIT_LAYER = "ui"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            if node.module == "smp_dash":
                names.update(f"smp_dash.{alias.name}" for alias in node.names)
    return names


def _top(module_path: Path) -> str:
    return module_path.relative_to(PACKAGE).parts[0].removesuffix(".py")


LIBRARY = sorted(p for p in PACKAGE.rglob("*.py") if p.name != "__init__.py" or p.parent != PACKAGE)
#: Every module of the library by its dotted name, as found on disk.
MODULES = sorted(".".join(("smp_dash", *p.relative_to(PACKAGE).with_suffix("").parts)).removesuffix(".__init__")
                 for p in LIBRARY)


def test_every_layer_is_a_module():
    # A module renamed or removed leaves no stale rank behind (and no second name for one layer).
    tops = {_top(p) for p in LIBRARY}
    assert set(RANK) == tops, f"ranked but missing: {sorted(set(RANK) - tops)}; unranked: {sorted(tops - set(RANK))}"
    assert (PACKAGE / STREAMLIT_LAYER / "__init__.py").exists()


@pytest.mark.parametrize("path", LIBRARY, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_library_imports_only_lower_layers(path):
    here = _top(path)
    assert here in RANK, f"{here} has no layer in this test: add it to RANK"
    for name in _imports(path):
        if not name.startswith("smp_dash.") or name == "smp_dash":
            continue
        there = name.split(".")[1]
        if there == here:
            continue
        assert RANK[there] < RANK[here], f"{path.name} ({here}) imports {name}, a layer at or above it"


@pytest.mark.parametrize("path", LIBRARY, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_only_ui_imports_streamlit(path):
    uses = {n for n in _imports(path) if n.split(".")[0] == "streamlit"}
    assert not uses or _top(path) == STREAMLIT_LAYER, f"{path.relative_to(PACKAGE)} imports {sorted(uses)}"


@pytest.mark.parametrize("path", sorted((ROOT / "pages").glob("*.py")), ids=lambda p: p.name)
def test_pages_stay_thin(path):
    tree = ast.parse(path.read_text())
    lines = len(path.read_text().splitlines())
    assert lines <= 100, f"{path.name} is {lines} lines: move logic into smp_dash"
    groupbys = [n for n in ast.walk(tree) if isinstance(n, ast.Attribute) and n.attr in ("groupby", "pivot_table", "merge")]
    assert not groupbys, f"{path.name} aggregates data itself: that belongs in metrics.py"
    for name in _imports(path):
        assert not name.startswith(("smp_dash.store", "smp_dash.sources", "smp_dash.demo")), \
            f"{path.name} reaches past ui into {name}"


def test_nothing_is_read_at_import(monkeypatch, tmp_path):
    # With the boundaries and store pointing nowhere, importing every module must still work.
    import importlib
    import sys

    monkeypatch.setenv("SMP_GEO_DIR", str(tmp_path / "missing"))
    monkeypatch.setenv("SMP_DATA_DIR", str(tmp_path / "missing-store"))
    # Afterwards every module is the one imported before, or none: a fresh module left behind (say
    # ui.blocks, keyed on the fresh blocks classes) beside a restored one (the page models, making
    # the old classes) would break the tests that run after this one.
    saved = {name: module for name, module in sys.modules.items() if name.startswith("smp_dash")}
    for name in saved:
        del sys.modules[name]
    try:
        for module in MODULES:          # every module, the ui package and its streamlit included
            importlib.import_module(module)
    finally:
        for name in [m for m in sys.modules if m.startswith("smp_dash")]:
            del sys.modules[name]
        sys.modules.update(saved)
    assert not (tmp_path / "missing-store").exists()
