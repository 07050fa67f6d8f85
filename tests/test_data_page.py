"""The Data page: provenance, upload preview and commit, refusal of bad files, restore.

AppTest drives the uploader directly (``FileUploader.set_value``); the browser tests upload
through Chromium's file input against a real ``streamlit run``, each over its own store.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from conftest import as_read, rows, store_hashes, tables
from smp_dash import cli, schema, store
from browsing import PAGE_TIMEOUT_MS, SCREENSHOTS, VIEWPORT, serve, wait_idle

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app.py"


def _csv(frame: pd.DataFrame, sep: str = ",") -> bytes:
    return frame.to_csv(index=False, sep=sep, lineterminator="\n").encode()


GOOD = _csv(rows("enforcement", {}, {"issued": "2020-06-01"}, {"issued": "2020-07-01", "action": "FPN"}))
HALF_BAD = _csv(rows("enforcement", {}, {"issued": "not a date"}, {"issued": "2020-07-01", "action": "FPN"}))
SEMICOLONS = _csv(rows("enforcement", {}, {"issued": "2020-06-01"}), sep=";")



@pytest.fixture
def demo_store(tmp_path, monkeypatch):
    """A fresh demonstration store per test (these tests change it), set as SMP_DATA_DIR."""
    folder = tmp_path / "store"
    assert cli.main(["--data-dir", str(folder), "demo"]) == 0
    monkeypatch.setenv("SMP_DATA_DIR", str(folder))
    return folder


def _open() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page("pages/data.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _upload(at: AppTest, name: str, data: bytes, dataset: str = "enforcement") -> AppTest:
    at.selectbox(key="dataset").set_value(dataset)
    at.file_uploader(key="upload").set_value((name, data, "text/csv"))
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _provenance(at: AppTest) -> pd.DataFrame:
    shown = [t for t in tables(at) if "sha256" in t.columns]
    assert len(shown) == 1
    return shown[0].set_index("dataset")


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_page_shows_provenance_and_says_demonstration(demo_store):
    at = _open()
    table = _provenance(at)
    # the comparator partnerships are the analyst's choice: the demonstration leaves them to the default
    comparators = schema.DATASET_NAMES["csp_comparators"]
    assert set(table.drop(index=comparators)["kind"]) == {"demonstration"}
    assert table.loc[comparators, "kind"] == "not loaded"
    assert table.loc["Enforcement notices", "rows"] == 425
    assert any(as_read(m.value).startswith("**Demonstration:** Recorded crimes, ASB incidents (police)") for m in at.markdown)
    assert not [w for w in at.warning if "are mixed" in w.value]
    assert at.get("file_uploader") and at.file_uploader(key="upload").allowed_type == [".csv", ".zip", ".ods", ".xlsx"]
    # A template download and the column notes for every dataset but police.uk's.
    assert len([b for b in at.get("download_button") if b.proto.label == "Download the CSV template"]) == \
        len(schema.DATASETS)
    assert any("note" in t.columns and "rule" in t.columns for t in tables(at))


def test_upload_previews_and_commits(demo_store):
    at = _upload(_open(), "cpt.csv", HALF_BAD)
    assert _metrics(at) == {"Rows read": "3", "Rows accepted": "2", "Rows rejected": "1", "Outside the borough": "0"}
    rejected = [t for t in tables(at) if "rule" in t.columns and "row" in t.columns][0]
    assert rejected[["row", "column", "value"]].values.tolist() == [[3, "issued", "not a date"]]
    assert store.provenance("enforcement", demo_store)["rows"] == 425  # nothing written by a preview

    at.button(key="commit").click().run()
    assert [s.value for s in at.success] == ["Committed 2 rows to enforcement notices from cpt.csv."]
    table = _provenance(at)
    assert (table.loc["Enforcement notices", "kind"], table.loc["Enforcement notices", "rows"]) == ("real", 2)
    assert any("are mixed" in w.value for w in at.warning)
    assert any(m.value.startswith("**Real:** Enforcement notices.") for m in at.markdown)
    # the committed file offers no second commit (which would only add a duplicate version)
    assert not [b for b in at.button if b.key == "commit"]
    assert any("is committed" in i.value for i in at.info)


@pytest.mark.parametrize("name, data, problem", [
    ("cpt.csv", SEMICOLONS, "cpt.csv, row 1: looks like it is separated by ';'"),
    ("cpt.csv", _csv(rows("enforcement").drop(columns="action")),
     "cpt.csv, row 1, column 'action': required column is missing"),
    ("cpt.csv", b"", "cpt.csv: the file is empty"),
])
def test_bad_upload_is_refused_and_nothing_changes(demo_store, name, data, problem):
    before = store_hashes(demo_store)
    at = _upload(_open(), name, data)
    assert len(at.error) == 1
    assert problem in at.error[0].value and "The data in use is unchanged." in at.error[0].value
    assert not [b for b in at.button if b.key == "commit"]
    assert store_hashes(demo_store) == before


def test_a_header_only_file_empties_nothing_unless_asked(demo_store):
    header = _csv(rows("enforcement")).splitlines()[0] + b"\n"
    at = _upload(_open(), "cpt.csv", header)
    assert at.button(key="commit").disabled                     # nothing to commit: the 425 rows stay
    assert "nothing replaced" in at.text[0].value
    assert store.provenance("enforcement", demo_store)["rows"] == 425
    at.checkbox(key="allow_empty").check().run()               # on purpose, it empties the dataset
    assert not at.button(key="commit").disabled
    at.button(key="commit").click().run()
    assert [s.value for s in at.success] == ["Committed 0 rows to enforcement notices from cpt.csv."]
    assert store.provenance("enforcement", demo_store)["rows"] == 0
    assert store.versions("enforcement", demo_store)[0]["rows"] == 425   # and the old rows are a version


def test_restore_from_the_page(demo_store):
    at = _upload(_open(), "cpt.csv", GOOD)
    at.button(key="commit").click().run()
    assert _provenance(at).loc["Enforcement notices", "rows"] == 3
    at.button(key="restore_enforcement").click().run()  # the newest earlier version: the demonstration rows
    assert [s.value[:60] for s in at.success] == ["Restored enforcement notices: 425 rows from demonstration da"]
    table = _provenance(at)
    assert (table.loc["Enforcement notices", "kind"], table.loc["Enforcement notices", "rows"]) == ("demonstration", 425)


def test_committed_action_plans_say_where_they_come_from(demo_store):
    # the demonstration's plans are the 2020-21 assessment's; a file loaded is named, never that year
    at = _upload(_open(), "plans.csv", _csv(rows("actions", {}, {"status": "on hold"})), dataset="actions")
    at.button(key="commit").click().run()
    loaded = pd.Timestamp(store.provenance("actions", demo_store)["loaded_at"])
    at.switch_page("pages/action_plans.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert "**2 of 2 actions** shown." in [m.value for m in at.markdown]
    sources = [c.value for c in at.caption if c.value.startswith("Source:")]
    assert sources == [f"Source: action plans loaded from plans.csv. Period: updates as loaded on "
                       f"{loaded.day} {loaded:%b %Y}."] * 2                    # under the chart and the plan
    at.switch_page("pages/serious_organised_crime.py").run()                     # a priority's own plan says so too
    assert f"Source: action plans loaded from plans.csv. Period: updates as loaded on {loaded.day} {loaded:%b %Y}." \
        in [c.value for c in at.caption]


# In the browser -------------------------------------------------------------------------------

@pytest.fixture
def data_app(tmp_path):
    """A ``streamlit run app.py`` over its own demonstration store: (base URL, store folder)."""
    folder = tmp_path / "store"
    assert cli.main(["--data-dir", str(folder), "demo"]) == 0
    with serve(folder, tmp_path / "streamlit.log") as url:
        yield url, folder


@pytest.fixture
def tab(data_app, browser):
    context = browser.new_context(viewport=VIEWPORT)
    yield context.new_page()
    context.close()


def _goto_data(page, url: str) -> None:
    page.goto(url)  # "/" first: the first session runs app.py's navigation
    page.locator('[data-testid="stMain"] p:has-text("Showing:")').first.wait_for(timeout=PAGE_TIMEOUT_MS)
    wait_idle(page)
    page.goto(f"{url}/data")
    page.locator('[data-testid="stMain"] h3:has-text("Data in use")').wait_for(timeout=PAGE_TIMEOUT_MS)
    wait_idle(page)


def _choose_dataset(page, label: str) -> None:
    page.locator('[data-testid="stMain"] [data-testid="stSelectbox"]').filter(has_text="Dataset").first.click()
    page.get_by_role("option", name=label, exact=True).click()
    wait_idle(page)


def _upload_file(page, path: Path) -> None:
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(path))
    page.wait_for_timeout(300)
    wait_idle(page)


@pytest.mark.browser
def test_upload_commit_refuse_and_restore_in_the_browser(tab, data_app, tmp_path):
    from playwright.sync_api import expect

    url, folder = data_app
    page = tab
    _goto_data(page, url)
    main = page.locator('[data-testid="stMain"]')
    expect(main.get_by_text("Demonstration:", exact=False).first).to_be_visible()

    good = tmp_path / "cpt.csv"
    good.write_bytes(GOOD)
    _choose_dataset(page, "Enforcement notices (partner template)")
    _upload_file(page, good)
    expect(main.locator('[data-testid="stMetric"]').filter(has_text="Rows accepted")
           .locator('[data-testid="stMetricValue"]')).to_have_text("3", timeout=PAGE_TIMEOUT_MS)
    main.get_by_role("button", name="Commit 3 rows to enforcement notices").click()
    expect(main.get_by_text("Committed 3 rows to enforcement notices from cpt.csv.")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    wait_idle(page)
    assert store.provenance("enforcement", folder)["rows"] == 3
    expect(main.get_by_text("Real:", exact=False).first).to_be_visible()
    expect(main.get_by_text("are mixed", exact=False)).to_be_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "data.png"))

    before = store_hashes(folder)
    bad = tmp_path / "semicolons.csv"
    bad.write_bytes(SEMICOLONS)
    _upload_file(page, bad)
    alert = main.locator('[data-testid="stAlert"]').filter(has_text="unchanged")
    expect(alert).to_contain_text("semicolons.csv, row 1: looks like it is separated by ';'", timeout=PAGE_TIMEOUT_MS)
    expect(alert).to_contain_text("The data in use is unchanged.")
    assert store_hashes(folder) == before
    page.screenshot(path=str(SCREENSHOTS / "data_refused.png"))

    main.get_by_text("Enforcement notices: 1 earlier version(s), template").click()
    main.get_by_role("button", name="Restore").click()
    expect(main.get_by_text("Restored enforcement notices: 425 rows from demonstration dataset")).to_be_visible(
        timeout=PAGE_TIMEOUT_MS)
    meta = store.provenance("enforcement", folder)
    assert (meta["rows"], meta["demo"]) == (425, True)
