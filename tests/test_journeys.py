"""Journeys, tested end to end (issue 12, part 4): every page under AppTest on stores built the way a
partner builds them, through ``smp-dash ingest``.

Four stores, each built once for the module:

- police.uk street files for 2023 to 2025 only (``latest``): every page shows 2025 by default and
  nothing police.uk lacks (domestic-abuse flag, hate strand) or nobody loaded (needle log, council
  requests, partner indicators, action plans) reads as zero or is drawn as an empty chart;
- police.uk for 2020 only (``only_2020``): violent crime counted from police.uk's categories, and no
  change against a year the data does not hold;
- the 2023-2025 street files plus the needle log and council requests templates (``partners``);
- the demonstration data: the seed's figures under "As in the 2020-21 assessment".

Expected figures are counted here with pandas from the rows ``journey_data`` wrote, never read back
from the store or the app.
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import journey_data
from conftest import as_read, chart_title, chart_titles
from smp_dash import cli
from smp_dash.selection import CHOICE_LABELS, LATEST, PUBLISHED
from smp_dash.sources.police_uk import ASB

ROOT = Path(__file__).parents[1]
APP = ROOT / "app.py"
PAGES = sorted(p.name for p in (ROOT / "pages").glob("*.py"))
VIOLENT = ("Violence and sexual offences", "Robbery")
NOT_LOADED = "not in the data loaded"


@dataclass(frozen=True)
class Journey:
    store: Path
    street: pd.DataFrame                   # the police.uk rows written (crimes and ASB)
    needles: pd.DataFrame | None = None    # the needle_finds rows written
    requests: pd.DataFrame | None = None   # the service_requests rows written

    def crimes(self, first: str, last: str, types=None) -> int:
        """Crimes (not ASB) in months ``first`` to ``last`` ("2025-01"), of ``types`` if given."""
        rows = self.street[self.street["Month"].between(first, last) & (self.street["Crime type"] != ASB)]
        return len(rows if types is None else rows[rows["Crime type"].isin(types)])

    def asb(self, first: str, last: str) -> int:
        return int((self.street["Month"].between(first, last) & (self.street["Crime type"] == ASB)).sum())


def _ingest(store: Path, dataset: str, path: Path) -> None:
    assert cli.main(["--data-dir", str(store), "ingest", dataset, str(path)]) == 0


@pytest.fixture(scope="module")
def spots(maidstone):
    wards, lsoas = maidstone
    return journey_data.places(wards, lsoas)


def _street_store(root: Path, first: str, last: str, spots) -> Journey:
    rows = journey_data.street_files(root / "police-uk", first, last, spots)
    _ingest(root / "store", "police-uk", root / "police-uk")
    return Journey(root / "store", rows)


@pytest.fixture(scope="module")
def latest(tmp_path_factory, spots) -> Journey:
    return _street_store(tmp_path_factory.mktemp("latest"), "2023-01", "2025-12", spots)


@pytest.fixture(scope="module")
def only_2020(tmp_path_factory, spots) -> Journey:
    return _street_store(tmp_path_factory.mktemp("only_2020"), "2020-01", "2020-12", spots)


@pytest.fixture(scope="module")
def partners(tmp_path_factory, spots) -> Journey:
    root = tmp_path_factory.mktemp("partners")
    street = _street_store(root, "2023-01", "2025-12", spots)
    needles = journey_data.needle_finds(root / "needles.csv", "2023-01-01", "2025-12-01", spots)
    requests = journey_data.service_requests(root / "requests.csv", "2023-01-01", "2025-12-01", spots)
    _ingest(street.store, "needle_finds", root / "needles.csv")
    _ingest(street.store, "service_requests", root / "requests.csv")
    return Journey(street.store, street.street, needles, requests)


@pytest.fixture(scope="module")
def on_latest(latest):
    return journey_data.renderer(latest.store)


@pytest.fixture(scope="module")
def on_2020(only_2020):
    return journey_data.renderer(only_2020.store)


@pytest.fixture(scope="module")
def on_partners(partners):
    return journey_data.renderer(partners.store)


def _metric(at: AppTest, label: str):
    found = {as_read(m.label): m for m in at.metric}
    assert label in found, f"no metric {label!r}; the page shows {list(found)}"
    return found[label]


def _numbers(trace: dict, axis: str) -> np.ndarray:
    """A plotly trace's values on ``axis`` as floats (NaN for text and dates); plotly sends
    numeric arrays base64-encoded ({"dtype", "bdata"})."""
    values = trace.get(axis)
    if isinstance(values, dict) and "bdata" in values:
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=np.dtype(values["dtype"])).astype(float)
    if isinstance(values, list):
        return pd.to_numeric(pd.Series(values, dtype=object), errors="coerce").to_numpy(dtype=float)
    return np.array([])


def _empty_charts(at: AppTest) -> list[str]:
    """Titles of the plotly charts that draw nothing: no trace, or only zeros and gaps."""
    empty = []
    for chart in at.get("plotly_chart"):
        spec = json.loads(chart.proto.spec)
        drawn = [v for t in spec["data"] for axis in ("x", "y") for v in _numbers(t, axis)]
        if not np.nan_to_num(np.asarray(drawn, dtype=float)).any():
            empty.append(chart_title(spec))
    return empty


def _texts(at: AppTest) -> list[str]:
    return [e.value for kind in ("caption", "info", "markdown") for e in getattr(at, kind)]


# police.uk 2023 to 2025 only: every page ------------------------------------------------------

@pytest.mark.parametrize("page", PAGES)
def test_every_page_shows_the_latest_year_by_default(on_latest, page):
    at = on_latest(page)
    ptype = at.sidebar.selectbox(key="ptype")
    assert ptype.value == LATEST
    # The data starts in 2023: the 2020-21 assessment's periods are not offered.
    assert CHOICE_LABELS[PUBLISHED] not in ptype.options
    assert "**Showing:** Whole borough, the latest periods in the data (to Dec 2025)" in [m.value for m in at.markdown]
    assert not any("Demonstration data" in w.value for w in at.warning)


@pytest.mark.parametrize("page", PAGES)
def test_nothing_missing_reads_as_zero(on_latest, page):
    # Every dataset loaded here holds hundreds of rows a year: a 0 on these pages is data not loaded.
    at = on_latest(page)
    shown = [(as_read(m.label), m.value, m.proto.delta) for m in at.metric]
    # ... except a scenario with no lever set, which adds nothing to its baseline by construction.
    assert not [s for s in shown if s[1] in ("0", "+0") and s[0] != "Extra cases"], shown
    assert not [s for s in shown if re.search(r"\bnan\b|n/a%", f"{s[1]} {s[2]}")], shown
    assert not [t for t in _texts(at) if re.search(r"\b0 of 0\b|\bnan\b", t)]


@pytest.mark.parametrize("page", PAGES)
def test_no_chart_is_drawn_empty(on_latest, page):
    assert _empty_charts(on_latest(page)) == []


@pytest.mark.parametrize("page", PAGES)
def test_no_heading_names_a_year_before_the_data(on_latest, page):
    at = on_latest(page)
    headings = ([h.value for h in at.subheader] + [as_read(m.label) for m in at.metric]
                + chart_titles(at))
    assert not [h for h in headings if re.search(r"\b20(1\d|2[0-2])\b", h)]


def test_overview_headlines_are_2025(on_latest, latest):
    at = on_latest("overview.py")
    assert [t.value for t in at.title] == ["Safer Maidstone Partnership: Strategic Assessment 2025-26, live"]
    crime = _metric(at, "Recorded crime")
    assert crime.value == f"{latest.crimes('2025-01', '2025-12'):,}"
    assert crime.help.startswith("2025 against 2024.")
    assert f"on 2024 ({latest.crimes('2024-01', '2024-12'):,} then)" in crime.help
    assert _metric(at, "Drug offences").value == f"{latest.crimes('2025-01', '2025-12', ['Drugs']):,}"
    asb = _metric(at, "ASB incidents")       # police.uk has ASB: December to November, the assessment's year
    assert asb.value == f"{latest.asb('2024-12', '2025-11'):,}"
    assert f"({latest.asb('2023-12', '2024-11'):,} then)" in asb.help


@pytest.mark.parametrize("label, reason", [
    ("Domestic abuse", "police.uk has no domestic-abuse flag"),
    ("Hate crimes", "police.uk has no hate crime strand"),
    ("Needles found", "no needle finds"),
])
def test_overview_says_what_is_not_in_the_data(on_latest, label, reason):
    at = on_latest("overview.py")
    shown = _metric(at, label)
    assert (shown.value, shown.proto.delta) == ("n/a", "")
    assert shown.help.startswith(f"{NOT_LOADED}: {reason}")
    assert f"{NOT_LOADED}: {reason}" in " ".join(c.value for c in at.caption)


def test_domestic_abuse_explains_instead_of_charting(on_latest):
    at = on_latest("domestic_abuse.py")
    assert [h.value for h in at.subheader][0] == "Recorded domestic abuse, Calendar year 2025"
    assert _metric(at, "Domestic abuse crimes").value == "n/a"
    for label in ("Share of all crime", "Share of violent crime", "Violence against the person, share of DA"):
        assert _metric(at, label).value == "n/a"
    boxes = [i.value for i in at.info]
    for title in ("Domestic abuse crimes by month", "Domestic abuse by type", "Domestic abuse by ward"):
        assert any(b.startswith(f"**{title}") and "police.uk has no domestic-abuse flag" in b for b in boxes), boxes
    charts = chart_titles(at)
    assert not [t for t in charts if t.startswith("Domestic abuse")]
    assert not at.get("deck_gl_json_chart")


def test_substance_misuse_says_needles_are_not_loaded(on_latest, latest):
    at = on_latest("substance_misuse.py")
    assert [h.value for h in at.subheader][:2] == ["Drug offences, Calendar year 2025",
                                                    "Needle finds, Assessment year, Dec 2024 to Nov 2025"]
    assert _metric(at, "Drug offences").value == f"{latest.crimes('2025-01', '2025-12', ['Drugs']):,}"
    for label in ("Needles found", "Previous period", "Bulk incidents"):   # bulk read 0 before
        assert _metric(at, label).value == "n/a", label
    assert _metric(at, "Needles found").help.startswith(f"{NOT_LOADED}: no needle finds")
    assert any(i.value.startswith("**Needles found by month") and NOT_LOADED in i.value for i in at.info)


def _chart(at: AppTest, title: str) -> dict:
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    found = [s for s, whole in zip(specs, chart_titles(at)) if whole.startswith(title)]
    assert len(found) == 1, chart_titles(at)
    return found[0]


def test_drug_offences_indexed_to_the_first_year(on_latest, latest):
    spec = _chart(on_latest("substance_misuse.py"), "Drug offences, Maidstone and Kent, indexed to 2023")
    maidstone = {t["name"]: t for t in spec["data"]}["Maidstone"]
    counts = np.array([latest.crimes(f"{y}-01", f"{y}-12", ["Drugs"]) for y in (2023, 2024, 2025)])
    assert _numbers(maidstone, "x").tolist() == [2023, 2024, 2025]
    np.testing.assert_allclose(_numbers(maidstone, "y"), 100 * counts / counts[0])


def test_drug_offences_chart_says_kent_is_not_loaded(on_latest):
    at = on_latest("substance_misuse.py")
    spec = _chart(at, "Drug offences, Maidstone")
    if "Kent" not in {t["name"] for t in spec["data"]}:
        assert any("Kent" in t and NOT_LOADED in t for t in _texts(at))


def test_community_protection_says_council_complaints_are_not_loaded(on_latest, latest):
    at = on_latest("community_protection.py")
    assert _metric(at, "Police-recorded ASB, Dec 2024 to Nov 2025").value == f"{latest.asb('2024-12', '2025-11'):,}"
    council = _metric(at, "ASB complaints to the council, Dec 2024 to Nov 2025")
    assert council.value == "n/a"
    assert council.help.startswith(f"{NOT_LOADED}: no council service requests")
    assert any(i.value.startswith("**Council ASB complaints by month") and NOT_LOADED in i.value for i in at.info)


def test_police_data_and_violent_crime_are_2025(on_latest, latest):
    police = on_latest("police_data.py")
    assert _metric(police, "Recorded crime").value == f"{latest.crimes('2025-01', '2025-12'):,}"
    assert _metric(police, "Hate crimes").value == "n/a"
    soc = on_latest("serious_organised_crime.py")
    violent = _metric(soc, "Violent crime")
    assert violent.value == f"{latest.crimes('2025-01', '2025-12', VIOLENT):,}"
    assert "counted by police.uk's 'Violence and sexual offences' plus 'Robbery'" in violent.help


# police.uk 2020 only -------------------------------------------------------------------------

@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_on_2020_alone(on_2020, page):
    at = on_2020(page)
    assert at.sidebar.selectbox(key="ptype").value == LATEST
    # The assessment's year starts in December 2019, before the data: not offered.
    assert CHOICE_LABELS[PUBLISHED] not in at.sidebar.selectbox(key="ptype").options


def test_violent_crime_2020_from_police_uk_categories(on_2020, only_2020):
    at = on_2020("serious_organised_crime.py")
    assert [h.value for h in at.subheader][0] == "Violent crime, Calendar year 2020"
    violent = _metric(at, "Violent crime")
    assert violent.value == f"{only_2020.crimes('2020-01', '2020-12', VIOLENT):,}"
    _no_comparison(violent)
    # police.uk leaves the subgroup blank for the two categories it does not split.
    unsplit = only_2020.crimes("2020-01", "2020-12", ["Violence and sexual offences", "Burglary"])
    share = unsplit / only_2020.crimes("2020-01", "2020-12")
    assert (f"{share:.0%} of crimes have no Home Office subgroup (police.uk): counted by "
            "police.uk's 'Violence and sexual offences' plus 'Robbery'.") in violent.help


def test_overview_2020_has_no_comparison(on_2020, only_2020):
    at = on_2020("overview.py")
    crime = _metric(at, "Recorded crime")
    assert crime.value == f"{only_2020.crimes('2020-01', '2020-12'):,}"
    _no_comparison(crime)


def _no_comparison(shown) -> None:
    # 2019 is not in the data: no change is given, and the metric (its delta or its help) says why.
    assert "%" not in shown.proto.delta
    assert "no comparison: the data covers 0 of the 12 months of 2019 (it starts in Jan 2020)" in \
        f"{shown.proto.delta} {shown.help}"


# police.uk plus the needle log and council requests ------------------------------------------

def _needles(journey: Journey, first: str, last: str) -> int:
    found = journey.needles["found"]
    return int(journey.needles.loc[found.between(pd.Timestamp(first), pd.Timestamp(last)), "needles"].sum())


def test_needles_fill_in(on_partners, partners):
    now, before = _needles(partners, "2024-12-01", "2025-11-30"), _needles(partners, "2023-12-01", "2024-11-30")
    overview = _metric(on_partners("overview.py"), "Needles found")
    assert overview.value == f"{now:,}"
    assert f"({before:,} then)" in overview.help
    at = on_partners("substance_misuse.py")
    assert _metric(at, "Needles found").value == f"{now:,}"
    assert _metric(at, "Previous period").value == f"{before:,}"
    assert _metric(at, "Bulk incidents").value == "0"       # loaded, and none of the finds is bulk
    assert not [i.value for i in at.info if NOT_LOADED in i.value]
    assert at.get("deck_gl_json_chart"), "the needle map is drawn"


def test_council_complaints_fill_in(on_partners, partners):
    requests = partners.requests
    asb = requests[requests["category"] == "ASB"]["received"]
    now = int(asb.between(pd.Timestamp("2024-12-01"), pd.Timestamp("2025-11-30")).sum())
    before = int(asb.between(pd.Timestamp("2023-12-01"), pd.Timestamp("2024-11-30")).sum())
    at = on_partners("community_protection.py")
    council = _metric(at, "ASB complaints to the council, Dec 2024 to Nov 2025")
    assert council.value == f"{now:,}"
    assert f"({before:,} then)" in council.help
    titles = chart_titles(at)
    assert any(t.startswith("Council ASB complaints by month") for t in titles), titles
    assert any(t.startswith("Service requests by category") for t in titles), titles


def test_youths_gathering_fills_in(on_partners):
    at = on_partners("children_young_people.py")
    assert not [i.value for i in at.info if "young people gathering" in i.value]
    titles = chart_titles(at)
    assert any("young people gathering" in t for t in titles), titles


# The demonstration data, unchanged ------------------------------------------------------------

def test_demo_figures_all_agree(demo_store, capsys):
    assert cli.main(["--data-dir", str(demo_store), "figures", "--format", "json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert len(records) == 133
    assert [r["id"] for r in records if not r["agrees"]] == []


@pytest.mark.parametrize("page, label, value", [
    ("overview.py", "Recorded crime", "15,201"),
    ("overview.py", "Domestic abuse", "2,888"),
    ("overview.py", "Needles found", "2,511"),
    ("domestic_abuse.py", "Domestic abuse crimes", "2,888"),
    ("substance_misuse.py", "Drug offences", "502"),
    ("substance_misuse.py", "Needles found", "2,511"),
])
def test_demo_as_in_the_assessment(demo_store, page, label, value):
    at = journey_data.open_page(demo_store, page, ptype=CHOICE_LABELS[PUBLISHED])
    assert at.sidebar.selectbox(key="ptype").value == PUBLISHED
    assert _metric(at, label).value == value
