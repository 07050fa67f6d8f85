"""Benchmark: bytes a browser receives for each page, and the size of each map's deck.

Starts ``streamlit run`` over a fresh demonstration store, opens every page in Debian's
Chromium and adds up the websocket frames the server sends until the page has finished
drawing (first load of each page in a fresh tab, static assets excluded: the browser caches
those). Also prints each map's pydeck JSON size, which is what a ward map costs on the wire. The
naive baseline sends the ward boundaries as read (geopandas ``to_json``, full resolution, every
property) in a GeoJsonLayer; its map and its page (``naive_app.py``) are measured the same way.

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

from browsing import VIEWPORT, chromium, demo_server, open_page, serve  # noqa: E402

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
    from smp_dash.periods import ASSESS_2020, FY_TO_DATE_2020

    wards, lsoas = geo.load_wards("E07000110"), geo.load_lsoas("E07000110")
    frames = demo.build(wards, lsoas)
    data = metrics.aggregates(frames)
    geojson = geo.ward_geojson(wards)
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
    decks["all 305 Kent wards"] = maps.choropleth(geo.ward_geojson(kent), values, measure="count", measure_label="x")
    sizes = {name: maps.payload_bytes(deck) for name, deck in decks.items()}
    districts = geo.load_districts()
    values = districts[["lad_code", "lad_name"]].assign(value=1.0, current=1, previous=1, pct_change=0.0)
    outline = maps.outline_map(geo.district_geojson(districts), values, measure="count", measure_label="x", title="")
    sizes["13 Kent districts (plotly SVG)"] = len(outline.to_json().encode())
    return sizes


def naive_map_sizes() -> dict[str, int]:
    """The naive baseline's ward map: boundaries as read, in a pydeck GeoJsonLayer."""
    import json

    import pydeck as pdk

    from smp_dash import geo

    sizes = {}
    for name, wards in (("domestic abuse wards", geo.load_wards("E07000110")), ("all 305 Kent wards", geo.load_wards("all"))):
        layer = pdk.Layer("GeoJsonLayer", json.loads(wards.assign(count=1).to_json()), get_fill_color="properties.fill")
        sizes[name] = len(pdk.Deck(layers=[layer], map_style=None).to_json().encode())
    return sizes


def main() -> None:
    print(f"date: {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC")
    print("\nMap payloads (pydeck JSON)")
    ours, naive = map_sizes(), naive_map_sizes()
    for name, size in ours.items():
        ratio = f"  naive {naive[name]:>10,} bytes: {naive[name] / size:.1f}x" if name in naive else ""
        print(f"  {name:30} {size:>10,} bytes  {'PASS' if size <= TARGET_MAP else 'MISS'} (target {TARGET_MAP:,}){ratio}")
    with tempfile.TemporaryDirectory() as folder, chromium() as browser:
        with demo_server(Path(folder)) as url:
            open_page(browser.new_context(viewport=VIEWPORT).new_page(), f"{url}/")  # warm the server's caches
            print("\nBytes received per page (websocket frames, first load in a fresh tab; median of 3)")
            pages = {}
            for path in PAGES:
                pages[path] = statistics.median([page_bytes(browser, f"{url}/{path}") for _ in range(3)])
                print(f"  {path or 'overview':26} {pages[path]:>12,.0f} bytes", flush=True)
        with serve(Path(folder) / "store", Path(folder) / "naive.log", "bench/naive_app.py") as url:
            naive_page = statistics.median([page_bytes(browser, f"{url}/") for _ in range(3)])
        print(f"  {'naive baseline overview':26} {naive_page:>12,.0f} bytes: {naive_page / pages['']:.1f}x SMP Dash's overview")


if __name__ == "__main__":
    main()
