"""Shared fixtures: one good row per dataset, a throwaway data folder, Maidstone's boundaries."""

from __future__ import annotations

import ast
import hashlib
import html
import io
import json
import re
import struct
import zlib
from pathlib import Path

import pandas as pd
import pytest

from smp_dash import blocks, bundle as bundles, geo, schema, store
from smp_dash.selection import PUBLISHED, Filter

MAIDSTONE = "E07000110"
HIGH_STREET = "E05004996"
BRIDGE = "E05004987"

#: One row per dataset, as a partner would type it (all text), that passes its contract.
GOOD_ROWS = {
    "crimes": {"crime_id": "a1b2c3", "month": "2020-05-01", "crime_type": "Robbery",
               "offence_subgroup": "Robbery", "domestic_abuse": "false", "hate_strand": "",
               "longitude": "0.5273", "latitude": "51.2692", "location": "On or near High Street",
               "lsoa_code": "E01024371", "ward_code": HIGH_STREET, "source": "test.csv"},
    "asb_incidents": {"month": "2020-05-01", "longitude": "0.5273", "latitude": "51.2692",
                      "location": "On or near High Street", "lsoa_code": "E01024371",
                      "ward_code": HIGH_STREET, "source": "test.csv"},
    "service_requests": {"received": "2020-05-04", "category": "Noise", "subcategory": "barking",
                         "ward_code": HIGH_STREET, "longitude": "", "latitude": "", "source": "cpt.csv"},
    "needle_finds": {"found": "2020-05-04", "location_name": "Brenchley Gardens", "longitude": "0.5221",
                     "latitude": "51.2761", "ward_code": HIGH_STREET, "needles": "3",
                     "bulk_incident": "false", "note": ""},
    "enforcement": {"issued": "2020-05-04", "action": "CPW", "category": "Noise (inc. with ASB)",
                    "with_police": "true", "ward_code": HIGH_STREET},
    "encampments": {"started": "2020-05-04", "ended": "2020-05-11", "location_name": "Mote Park",
                    "ward_code": BRIDGE},
    "indicators": {"indicator_id": "da_repeat", "label": "Repeat referrals", "priority": "domestic_abuse",
                   "period_start": "2020-04-01", "period_end": "2021-03-31", "value": "27.5",
                   "unit": "percent", "breakdown": "", "source": "MARAC", "note": ""},
    "actions": {"priority": "soc", "action": "Map organised crime groups", "update": "",
                "status": "delivered", "target": "2030-03-31"},
    "population": {"ward_code": HIGH_STREET, "year": "2020", "population": "12000", "source": "ONS"},
    "csp_crime": {"financial_year": "2020/21", "quarter": "2020-04-01", "police_force": "Kent", "csp_name": "Maidstone",
                  "offence_group": "Robbery", "offences": "30", "missing_lines": "0", "source": "prc-csp.ods"},
    "lad_population": {"lad_code": MAIDSTONE, "lad_name": "Maidstone", "geography": "Non-metropolitan District",
                       "year": "2020", "population": "171826", "source": "ONS"},
    "csp_comparators": {"csp_name": "Ashford", "group_name": "Most Similar Group (iQuanta)"},
}


def as_read(text: str) -> str:
    """Markdown as a reader reads it: a link (an abbreviation's, to its meaning at the page's foot) as its text."""
    return re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)


def rows(dataset: str, *changes: dict) -> pd.DataFrame:
    """A text frame of the good row, once per ``changes`` dict applied on top (one row if none)."""
    changes = changes or ({},)
    return pd.DataFrame([{**GOOD_ROWS[dataset], **change} for change in changes], dtype=object)


def thinned_domestic_abuse(frames: dict, names: dict, ward: str = "Detling and Thurnham",
                           left: tuple = ((2020, 3), (2019, 2))) -> tuple[dict, str]:
    """Demonstration frames with ``ward`` left with three domestic-abuse crimes in 2020 and two in 2019
    (counts disclosure control must hide; ``left``: (year, crimes) pairs for others), and that ward's code."""
    code = next(c for c, n in names.items() if n == ward)
    crimes = frames["crimes"]
    da = crimes["ward_code"].eq(code) & crimes["domestic_abuse"].eq(True).fillna(False)
    year = crimes["month"].dt.year
    dropped = [i for y, kept in left for i in crimes.index[da & year.eq(y)][kept:]]
    return {**frames, "crimes": crimes.drop(dropped).reset_index(drop=True)}, code


def thin_sensitive(frames: dict, wards: list[str], rng, years=None) -> dict:
    """``frames`` with ``wards`` left with 0 to 4 DA and hate crimes a year (in ``years``, every year
    when None; the others keep their many) and a needle find or two."""
    crimes = frames["crimes"]
    all_years = crimes["month"].dt.year
    keep = pd.Series(True, index=crimes.index)
    for ward in wards:
        for flag in (crimes["domestic_abuse"].astype(bool), crimes["hate_strand"].notna()):
            for year in all_years.unique() if years is None else years:
                rows = crimes.index[(crimes["ward_code"] == ward) & flag & (all_years == year)]
                keep[rows] = False
                keep[rng.sample(list(rows), min(len(rows), rng.randint(0, 4)))] = True
    needles = frames["needle_finds"]
    mine = needles["ward_code"].isin(wards)
    kept = needles[mine & ~needles["bulk_incident"].astype(bool)]
    kept = kept.sample(n=min(len(kept), rng.randint(1, 3)), random_state=rng.randint(0, 999))
    kept = kept.assign(needles=[rng.randint(1, 4) for _ in range(len(kept))])
    return {**frames, "crimes": crimes[keep], "needle_finds": pd.concat([needles[~mine], kept], ignore_index=True)}


def blank_png(width: int = 1, height: int = 1) -> bytes:
    """A white PNG image (no browser needed)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\x00" + b"\xff\xff\xff" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def store_hashes(folder) -> dict[str, str]:
    """Every data file of a store and its SHA-256 (the lock file and the boundary cache aside, which
    hold no data): equal before and after means no data was written."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != store.LOCK and p.relative_to(folder).parts[0] != "cache"}


def contrast(one, other) -> float:
    """WCAG's contrast ratio of two sRGB colours, each "#RRGGBB" or (r, g, b) in 0-255."""
    def luminance(colour):
        rgb = [int(colour[i:i + 2], 16) for i in (1, 3, 5)] if isinstance(colour, str) else colour
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in (v / 255 for v in rgb)]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def navigation() -> list[tuple[str, bool]]:
    """The pages app.py's menu lists, in menu order: (file, as in "pages/overview.py"; whether it is
    the default page), read from its ``st.Page("pages/...")`` calls so tests follow the menu."""
    app = Path(__file__).resolve().parents[1] / "app.py"
    entries = []
    for node in ast.walk(ast.parse(app.read_text(), filename=str(app))):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "Page"
                and node.args and isinstance(node.args[0], ast.Constant)
                and str(node.args[0].value).startswith("pages/")):
            default = any(k.arg == "default" and isinstance(k.value, ast.Constant) and k.value.value is True
                          for k in node.keywords)
            entries.append((node.args[0].value, default, (node.lineno, node.col_offset)))
    return [(file, default) for file, default, _ in sorted(entries, key=lambda entry: entry[2])]

@pytest.fixture
def seeded(data_dir):
    """A store holding one demonstration row of every dataset."""
    for name in schema.DATASETS:
        store.write(name, rows(name), source="demonstration (illustrative)", demo=True, data_dir=data_dir)
    return data_dir


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium under Playwright, one per test module (``browsing.chromium``); each test
    opens its own context, so each page load is its own Streamlit session."""
    from browsing import chromium

    with chromium() as launched:
        yield launched


@pytest.fixture(scope="module")
def context(browser):
    """One browser context per module, so Streamlit's script chunks are fetched once."""
    from browsing import VIEWPORT

    context = browser.new_context(viewport=VIEWPORT)
    yield context
    context.close()


@pytest.fixture
def page(context):
    """A fresh tab: each page load is its own Streamlit session."""
    tab = context.new_page()
    yield tab
    tab.close()


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    """An empty store folder, also set as SMP_DATA_DIR so nothing touches the real one."""
    folder = tmp_path / "store"
    monkeypatch.setenv("SMP_DATA_DIR", str(folder))
    return folder


@pytest.fixture(scope="session")
def maidstone():
    """Maidstone's wards and LSOAs (skips when the boundary files are not on this machine)."""
    try:
        return geo.load_wards(MAIDSTONE), geo.load_lsoas(MAIDSTONE)
    except geo.BoundariesMissing as exc:
        pytest.skip(str(exc))


@pytest.fixture(scope="module")
def demo_frames_and_wards(demo_store):
    """The demonstration store's frames and Maidstone's wards (ward_code, ward_name); skips without boundaries."""
    try:
        wards = geo.load_wards()[["ward_code", "ward_name"]]
    except geo.BoundariesMissing as exc:
        pytest.skip(str(exc))
    return store.read_all(demo_store), wards


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory):
    """A store holding the demonstration data, set as SMP_DATA_DIR for the whole module."""
    from smp_dash import cli

    folder = tmp_path_factory.mktemp("demo") / "store"
    assert cli.main(["--data-dir", str(folder), "demo"]) == 0
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SMP_DATA_DIR", str(folder))
        yield folder


# The page-model tests (tests/priorities/) share these: the demonstration data, and police.uk's crimes alone.

@pytest.fixture(scope="module")
def wards(demo_frames_and_wards):
    """Maidstone's wards (ward_code, ward_name)."""
    return demo_frames_and_wards[1]


@pytest.fixture(scope="module")
def frames(demo_frames_and_wards):
    """The demonstration store's frames."""
    return demo_frames_and_wards[0]


@pytest.fixture(scope="module")
def demo(frames, wards):
    """The demonstration data and the view "as in the 2020-21 assessment"."""
    data = bundles.build(frames, wards)
    return data, Filter((), (), PUBLISHED, None, spans=data.spans)


@pytest.fixture(scope="module")
def police_uk(frames, wards):
    """police.uk's crimes alone: no Home Office subgroup or flags, no needle log, no partner indicators."""
    crimes = frames["crimes"].assign(domestic_abuse=pd.NA, hate_strand=pd.NA, offence_subgroup=pd.NA)
    empty = {name: frame.iloc[0:0] for name, frame in frames.items() if name not in ("crimes", "asb_incidents")}
    data = bundles.build({**frames, **empty, "crimes": crimes}, wards)
    return data, Filter((), (), PUBLISHED, None, spans=data.spans)


@pytest.fixture(scope="module")
def empty(wards):
    """A store with nothing loaded, and the view "as in the 2020-21 assessment"."""
    frames = {name: schema.empty(name) for name in schema.DATASETS}
    data = bundles.build(frames, wards, provenance={name: None for name in schema.DATASETS})
    return data, Filter((), (), PUBLISHED, None, spans=data.spans)


def page_of(module, frames: dict, wards: pd.DataFrame, **options):
    """``module.page`` (a priorities module) of ``frames`` "as in the 2020-21 assessment"."""
    data = bundles.build(frames, wards)
    return module.page(data, Filter((), (), PUBLISHED, None, spans=data.spans), **options)


def tables(at) -> list[pd.DataFrame]:
    """The tables an AppTest run draws whole (``ui.sections.table_html``), in order: each a frame of
    what it shows under its columns' own names (their ``data-column``), plain figures read back as
    numbers ("2,888", "17.33"), the rest as written ("+5.7%", "<5", "n/a"); its caption in ``attrs``."""
    out = []
    for element in at.get("html"):
        body = element.proto.body
        if 'class="smp-table"' not in body:
            continue
        frame = pd.read_html(io.StringIO(body), thousands=",", keep_default_na=False, na_values=[""])[0]
        frame.columns = [html.unescape(c) for c in re.findall(r'<th [^>]*data-column="([^"]*)"', body)]
        caption = re.search(r"<caption>(.*?)</caption>", body)
        frame.attrs["caption"] = html.unescape(caption.group(1)) if caption else ""
        out.append(frame)
    return out


def chart_titles(at) -> list[str]:
    """The whole title of each chart an AppTest run draws (:func:`chart_title`)."""
    return [chart_title(json.loads(c.proto.spec)) for c in at.get("plotly_chart")]


def chart_title(spec: dict) -> str:
    """A drawn chart's whole title: a long one drawn as a title and a subtitle (``charts.fitted``)
    keeps it in ``layout.meta``."""
    layout = spec.get("layout", {})
    title = layout.get("title", {})
    return (layout.get("meta") or {}).get("title") or (title.get("text", "") if isinstance(title, dict) else str(title))


def block_keys(page) -> list[str]:
    """Each block of a page model by its key, or its kind when it has none."""
    return [getattr(b, "key", type(b).__name__) for b in page.blocks]


def outline(page) -> list[tuple[str, str]]:
    """(kind, title) of every block: headline rows by their labels, the rest by their title, text,
    sentences or priority."""
    def title(b) -> str:
        if isinstance(b, blocks.Headlines):
            return " | ".join(h.label for h in b.items)
        return (getattr(b, "title", "") or getattr(b, "text", "") or " ".join(getattr(b, "sentences", ()))
                or getattr(b, "priority", ""))
    return [(type(b).__name__, title(b)) for b in page.blocks]
