"""The view as a pack, a draft or tables (ui/documents.py, issue 21 section 4): built under its own button,
saying so while it is built, offered for download once built for the view, and never built twice at once."""

from __future__ import annotations

import pytest

import journey_data
from smp_dash.ui import documents, sidebar

KEYS = ("data_pack", "draft", "tables")


@pytest.fixture
def builds(monkeypatch) -> list[str]:
    """The documents built, in order (each a few bytes here: the builders have their own tests)."""
    made = []

    def build(kind, **_):
        made.append(kind)
        return f"{kind} document".encode()

    monkeypatch.setattr(sidebar, "_document", build)
    return made


def _after(at, key: str):
    """The sidebar element drawn right after the widget ``key``."""
    drawn = [node for node in at.sidebar if getattr(node, "type", "") in ("button", "download_button", "caption")]
    return drawn[next(i for i, node in enumerate(drawn) if getattr(node, "key", None) == key) + 1]


def test_a_document_asked_for_says_so_under_its_button_and_no_other_starts(demo_store, builds, monkeypatch):
    # The run after the click as the browser sees it while the draft is built (the build, at the run's end, left out).
    monkeypatch.setattr(documents, "build_asked", lambda: None)
    at = journey_data.open_page(demo_store, "domestic_abuse.py")
    at.sidebar.button(key="build_draft").click().run()
    assert all(at.sidebar.button(key=f"build_{key}").disabled for key in KEYS)     # none can be started meanwhile
    assert _after(at, "build_draft").value == ":material/hourglass_top: Building the draft, about 10 seconds…"
    assert builds == []


def test_a_document_is_built_once_and_offered_for_its_view(demo_store, builds):
    at = journey_data.open_page(demo_store, "domestic_abuse.py")
    assert [b.key for b in at.sidebar.button if b.key.startswith("build_")] == [f"build_{key}" for key in KEYS]
    at.sidebar.button(key="build_data_pack").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert builds == ["data_pack"]
    offered = [b for b in at.get("download_button") if b.proto.id.endswith("-data_pack")]
    assert [b.proto.label for b in offered] == ["Download the data pack (HTML)"]
    assert not at.sidebar.button(key="build_draft").disabled                       # the others can be asked for
    at.run()
    assert builds == ["data_pack"]                                                 # kept, not built again
    at.sidebar.multiselect(key="wards").set_value(["Bridge"]).run()                # another view: built again if asked
    assert [b.key for b in at.sidebar.button if b.key == "build_data_pack"] == ["build_data_pack"]
    assert builds == ["data_pack"]


def test_a_click_while_a_document_is_built_is_ignored(demo_store, builds):
    at = journey_data.open_page(demo_store, "domestic_abuse.py")
    at.session_state[documents._BUILDING] = "draft"        # a draft under way in this session
    at.sidebar.button(key="build_tables").click().run()
    assert builds == [] and documents._ASKED not in at.session_state
    assert not [c for c in at.sidebar.caption if "Building" in c.value]


def test_a_document_is_built_from_the_bundle_the_pages_read(demo_store):
    """The app's documents come from its bundle (ui.data.data: the cubes, once per data version), not
    every row: the tables hold the sheets those from every row hold, and a view's sections are kept."""
    import io

    import openpyxl

    from smp_dash import schema, store, workbook
    from smp_dash.selection import PUBLISHED, Filter
    from smp_dash.ui import data

    bundle = data.data()
    view = Filter((), (), PUBLISHED, None, suppress=True, spans=bundle.spans)
    made = sidebar._document("tables", view=view, ward_names=bundle.ward_names, demo=True)
    rows = workbook.workbook(store.read_all(), ward_names=bundle.ward_names, period_kind=PUBLISHED, demo=True,
                             generated_at="now", provenance={n: store.provenance(n) for n in schema.DATASETS},
                             suppress=True)
    assert openpyxl.load_workbook(io.BytesIO(made)).sheetnames == openpyxl.load_workbook(io.BytesIO(rows)).sheetnames
    assert len(bundle.memo["sections"]) == 1
