"""Benchmark: bytes a browser receives for each page, and the size of each map's deck.

Starts ``streamlit run`` over a fresh demonstration store, opens every page in Debian's
Chromium and adds up the websocket frames the server sends until the page has finished
drawing (first load of each page in a fresh tab, static assets excluded: the browser caches
those). Also prints each map's pydeck JSON size, which is what a ward map costs on the wire.

    .venv/bin/python bench/payload.py
"""

from __future__ import annotations

import statistics
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the browser helpers the Playwright tests use

from browsing import VIEWPORT, chromium, demo_server, open_page  # noqa: E402

PAGES = ["", "serious_organised_crime", "children_young_people", "domestic_abuse", "substance_misuse",
         "mental_health", "community_protection", "police_data", "task_force", "action_plans", "morile",
         "scenarios", "data"]
TARGET_MAP = 1_000_000


def page_bytes(browser, url: str) -> int:
    """Websocket bytes received while ``url`` loads in a fresh tab, until it has drawn."""
    context = browser.new_context(viewport=VIEWPORT)
    tab = context.new_page()
    received = []
    tab.on("websocket", lambda ws: ws.on("framereceived", lambda frame: received.append(
        len(frame) if isinstance(frame, (bytes, bytearray)) else len(frame.encode()))))
    open_page(tab, url)
    context.close()
    return sum(received)


def map_sizes() -> dict[str, int]:
    """The pydeck JSON of each map the app draws, in bytes."""
    from smp_dash import demo, geo, maps, metrics
    from smp_dash.figures import ASSESS_2020, FY_TO_DATE_2020

    wards, lsoas = geo.load_wards("E07000110"), geo.load_lsoas("E07000110")
    frames = demo.build(wards, lsoas)
    data = metrics.aggregates(frames)
    geojson = maps.ward_geojson(wards)
    names = wards[["ward_code", "ward_name"]]
    da = metrics.ward_table(data["crimes"][data["crimes"]["domestic_abuse"]], FY_TO_DATE_2020, names, data["population"])
    asb = metrics.ward_table(data["asb"], ASSESS_2020, names, data["population"])
    needles = metrics.ward_table(data["needles"], ASSESS_2020, names, data["population"], date="found", weight="needles")
    points = metrics.needle_points(data["needles"], ASSESS_2020)
    decks = {
        "domestic abuse wards": maps.choropleth(geojson, da.assign(value=da["current"]), measure="count", measure_label="DA"),
        "ASB wards": maps.choropleth(geojson, asb.assign(value=asb["current"]), measure="count", measure_label="ASB"),
        "needle wards + find points": maps.choropleth(geojson, needles.assign(value=needles["current"]), measure="count",
                                                      measure_label="Needles", points=points),
    }
    kent = geo.load_wards("all")
    values = kent[["ward_code", "ward_name"]].assign(value=1.0, current=1, previous=1, pct_change=0.0)
    decks["all 305 Kent wards"] = maps.choropleth(maps.ward_geojson(kent), values, measure="count", measure_label="x")
    districts = geo.load_districts()
    values = districts[["lad_code", "lad_name"]].assign(value=1.0, current=1, previous=1, pct_change=0.0)
    decks["13 Kent districts"] = maps.choropleth(maps.district_geojson(districts), values, measure="count",
                                                 measure_label="x", key="lad_code", name="lad_name", layer_id="districts")
    return {name: maps.payload_bytes(deck) for name, deck in decks.items()}


def main() -> None:
    print(f"date: {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC")
    print("\nMap payloads (pydeck JSON)")
    for name, size in map_sizes().items():
        print(f"  {name:30} {size:>10,} bytes  {'PASS' if size <= TARGET_MAP else 'MISS'} (target {TARGET_MAP:,})")
    with tempfile.TemporaryDirectory() as folder, demo_server(Path(folder)) as url, chromium() as browser:
        open_page(browser.new_context(viewport=VIEWPORT).new_page(), f"{url}/")  # warm the server's caches
        print("\nBytes received per page (websocket frames, first load in a fresh tab; median of 3)")
        for path in PAGES:
            sizes = [page_bytes(browser, f"{url}/{path}") for _ in range(3)]
            print(f"  {path or 'overview':26} {statistics.median(sizes):>12,.0f} bytes")


if __name__ == "__main__":
    main()
