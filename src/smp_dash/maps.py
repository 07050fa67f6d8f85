"""Pydeck builders: boundaries and ward measures in, ``pdk.Deck`` out.

The boundary GeoJSON is made once per borough (``geo.ward_geojson``, ``geo.district_geojson``:
pure functions of their input, so ``ui`` can cache them on the LAD code) and every rerun colours
a fresh copy of it (``choropleth``). Nothing here draws to a page or reads a file.

Base map: none. Decks are built with ``map_provider=None``, which pydeck serialises as its
``"__MAP_STYLE__"`` placeholder; Streamlit 1.67 drops that placeholder and renders no base map
at all, so the wards draw on the page background with no token and no internet. (Passing
``map_style=None`` instead would make Streamlit substitute a Carto base map by theme, which
needs cartocdn.com.) ``choropleth(basemap="light")`` asks for a Carto style by name or URL
where tiles can load; the polygons still draw above it if they cannot.

Payload: pydeck's ``to_json`` indents by two spaces, which multiplies the size of a GeoJSON
layer by about five. The decks returned here serialise compactly (``CompactDeck``): 305 Kent
wards go to the browser in about half a megabyte instead of two and a half.
"""

from __future__ import annotations

import copy
import html
import json
import math
import re
import textwrap
from collections.abc import Iterable

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pydeck as pdk
from pydeck.bindings.json_tools import default_serialize
from shapely.geometry import shape

from smp_dash import geo
from smp_dash.metrics import format_pct


#: How each measure is written: counts, rates per 1,000 residents, percentage changes.
MEASURE_KINDS = {"count": "count", "current": "count", "previous": "count",
                 "rate": "rate", "change": "change", "pct_change": "change"}
#: The measures a ward map can be coloured by, in words (the choice, the legend and the text alternative
#: all name them so), and the ward table's column (``metrics.ward_table``) each draws.
WARD_MEASURES = {"count": "Count", "rate": "Rate per 1,000 residents", "change": "Change on previous period"}
WARD_COLUMNS = {"count": "current", "rate": "rate", "change": "pct_change"}
VALUE_COLUMNS = ("value", "current", "previous", "pct_change")
POINT_COLUMNS = ("longitude", "latitude")

DEFAULT_COLOUR = "#b03a2e"
FALL_COLOUR = "#2166ac"
RISE_COLOUR = "#b2182b"
NEUTRAL_COLOUR = "#eeeeee"
NO_DATA_COLOUR = "#bdbdbd"
#: The lightest step of a sequential ramp, as a share of the full colour mixed into white.
RAMP_START = 0.12
#: Every area is filled at this opacity, selected or not: the fill is what the legend explains.
FILL_ALPHA = 220
LINE = [110, 110, 110, 255]
#: A selection is shown by outline only: a thicker, near-black line.
SELECTED_LINE = [0, 0, 0, 255]
#: Outline widths are in metres, clamped on screen to LINE_WIDTH_PX: 1 m draws 1 px, and a
#: selected ward's 2 km draws 3 px at any zoom past the county view. No layer sets a
#: ``*_units`` prop: with one set (even to its default, "meters") pydeck 0.9.3's deck.gl 9.3
#: filled the whole canvas with that layer's colour in headless Chromium.
LINE_WIDTH = 1
SELECTED_LINE_WIDTH = 2000
LINE_WIDTH_PX = (1, 3)
HIGHLIGHT = [30, 30, 30, 70]
#: Sequential classes are drawn from values rounded as the legend writes them (one decimal).
CLASS_DECIMALS = 1
#: When at least this share of the areas are 0, zero gets a class of its own ("0").
ZERO_CLASS_SHARE = 0.2
#: Natural breaks compare every pair of distinct values; past this many they are pooled first.
NATURAL_BREAKS_MAX_VALUES = 1000
#: Past this skewness natural breaks compare values on a log scale (see ``_natural_breaks``).
SKEWED = 1.0
#: Ward names: text size in pixels, colour, the white halo that keeps them legible on any fill,
#: the characters on a line before a name wraps, and the font.
LABEL_SIZE = 12
LABEL_COLOUR = [20, 20, 20, 255]
LABEL_HALO = [255, 255, 255, 230]
LABEL_LINE_CHARS = 16
LABEL_FONT = "Source Sans Pro, Helvetica, Arial, sans-serif"
#: For leaving out names that would overlap: a character's width in ems (a little over Source
#: Sans's average, so estimates err wide) and the clear space kept round each name, in pixels.
LABEL_CHAR_EMS = 0.6
LABEL_GAP_PX = 2
POINT_FILL = [33, 37, 41, 190]
POINT_LINE = [255, 255, 255, 255]
#: Point radius in metres is this times the square root of the point's size.
POINT_RADIUS_M = 45
NOT_APPLICABLE = "n/a"
NO_FIGURE = "–"

#: The viewport the initial zoom is fitted to, in pixels (about a Streamlit column at the
#: default chart height of 500), and the share of it left as margin on each side.
FIT_WIDTH_PX = 640
FIT_HEIGHT_PX = 480
FIT_PADDING = 0.05

TOOLTIP_LINES = ("<b>{%s}</b><br/>{measure_label}: {value_text}<br/>This period: {current}"
                 "<br/>Previous: {previous}<br/>Change: {change_text}")
TOOLTIP_STYLE = {"backgroundColor": "white", "color": "#262730", "fontSize": "12px",
                 "border": "1px solid #bbb", "padding": "6px 8px"}

_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


class CompactDeck(pdk.Deck):
    """A ``pdk.Deck`` whose JSON has no indentation (what Streamlit sends to the browser).

    Refuses NaN, which is not JSON and would blank the whole map in the browser.
    """

    def to_json(self) -> str:
        return json.dumps(self, sort_keys=True, default=default_serialize,
                          separators=(",", ":"), allow_nan=False)


def ward_measures(table: pd.DataFrame, comparable: bool = True) -> dict[str, str]:
    """The measures of :data:`WARD_MEASURES` a ward table can colour its wards by: a rate per 1,000
    only when every ward has a population, the change only when the table is ``comparable`` with
    the year before (without either, every ward would be grey)."""
    return {key: words for key, words in WARD_MEASURES.items()
            if (key != "rate" or not unpopulated(table)) and (key != "change" or comparable)}


def unpopulated(table: pd.DataFrame) -> list[str]:
    """The wards of a ward table with no population (none loaded, or none for that ward), by name."""
    population = pd.to_numeric(table["population"], errors="coerce") if "population" in table else \
        pd.Series(np.nan, index=table.index)
    return table.loc[~(population > 0), "ward_name"].astype(str).tolist()


def classes(values, k: int = 5, diverging: bool = False) -> list[tuple[float, float]]:
    """Class breaks for a choropleth, lowest first, as (low, high) pairs.

    A value belongs to the first class whose ``high`` it does not exceed; classes after the
    first hold (low, high], so each class's ``low`` is the previous one's ``high``.

    Parameters
    ----------
    values : array-like of float
        The measure; NaN and infinities are left out (drawn as "no data").
    k : int, default 5
        Number of classes wanted; fewer come back when there are fewer distinct values.
    diverging : bool, default False
        False: natural breaks (Fisher-Jenks, exact: the classes with the least spread within
        them) of the values rounded to one decimal, as the legend writes them, so every break
        is an observed value and no class is empty. Skewed data (most wards 0 or a few dozen,
        one ward 1,566) gets classes that tell the few dozen from the 1,566; when a fifth or
        more of the values are 0, zero is a class of its own and the rest share ``k - 1``.
        True: breaks symmetric about zero for changes, ``k`` must be odd; the middle class is
        "about no change". The class width is a round number fitted to the 90th percentile of
        the absolute values, so one small ward going from 1 to 5 does not turn everything else
        grey; the outer classes stretch to the largest rise or fall.

    Returns
    -------
    list of (float, float)
        Empty when no value is finite.
    """
    finite = _finite(values)
    if finite.size == 0:
        return []
    if diverging:
        return _diverging_classes(finite, k)
    if k < 1:
        raise ValueError(f"classes need k of 1 or more, got {k}")
    shown = _shown(finite)
    positive = shown[shown > 0]
    if k > 1 and shown.min() == 0 and positive.size and np.mean(shown == 0) >= ZERO_CLASS_SHARE:
        rest = _natural_breaks(positive, k - 1)
        return [(0.0, 0.0), (0.0, rest[0][1]), *rest[1:]]
    return _natural_breaks(shown, k)


def choropleth(geojson: dict, values: pd.DataFrame, *, measure: str, measure_label: str,
               selected: Iterable[str] | None = None, points: pd.DataFrame | None = None,
               colour: str = DEFAULT_COLOUR, diverging: bool = False, layer_id: str = "wards",
               key: str = "ward_code", name: str = "ward_name", points_label: str = "Size",
               basemap: str | None = None, labels: bool = False) -> pdk.Deck:
    """A map of areas coloured by one measure, with an optional layer of points on top.

    Parameters
    ----------
    geojson : dict
        From ``ward_geojson`` or ``district_geojson``; left untouched (the map gets a copy).
    values : DataFrame
        One row per area: ``key``, ``value`` (the number to colour by), ``current``,
        ``previous``, ``pct_change``. Areas with no row, or a NaN value, are grey and "n/a".
        The class breaks come from every row, as ``legend``'s do.
    measure : {"count", "rate", "change"}
        How ``value`` is written: "1,234"; "4.2 per 1,000"; "+12%". "current" and
        "previous" mean count, "pct_change" means change.
    measure_label : str
        What the value is, for the tooltip ("Crimes", "Crimes per 1,000").
    selected : set of str, optional
        Area codes to pick out with a thick black outline. Every area keeps the fill of its
        class, selected or not, so the legend reads true for the whole map.
    points : DataFrame, optional
        ``longitude``, ``latitude`` and optionally ``label`` and ``size`` (e.g. needle finds,
        sized by needles); drawn as layer "points" above the areas, radius growing with the
        square root of size. Rows without coordinates are skipped.
    colour : str, default "#b03a2e"
        The darkest colour of the sequential ramp (ignored when ``diverging``).
    diverging : bool, default False
        Colour rises red and falls blue, with grey about zero (for ``pct_change``).
    layer_id : str, default "wards"
        The area layer's id: Streamlit reports picks as ``selection.objects[layer_id]``.
    key, name : str
        The code and name properties: "ward_code"/"ward_name" or "lad_code"/"lad_name".
    points_label : str, default "Size"
        What a point's size is, for its tooltip ("Needles").
    basemap : str, optional
        None (default) for no base map; a Carto style name ("light", "road", ...) or style
        URL to draw one where tiles can load.
    labels : bool, default False
        Write the areas' names on the map (layer "names", on top, not pickable), for a room
        that cannot hover; names that would overlap at the first zoom are left out, the areas
        with the larger values named first.

    Returns
    -------
    pydeck.Deck
        A ``CompactDeck`` with a pickable GeoJsonLayer ``layer_id`` (each feature's
        properties: code, name, value, value_text, current, previous, change_text,
        measure_label, fill, line, line_width); with points, a ScatterplotLayer "points";
        with labels, a TextLayer "names"; the view fitted to the boundaries.
    """
    features = _coloured(geojson, values, measure, measure_label, selected, colour, diverging, key, name)
    coloured = {"type": "FeatureCollection", "features": features}
    layers = [pdk.Layer("GeoJsonLayer", coloured, id=layer_id, pickable=True, auto_highlight=True,
                        highlight_color=HIGHLIGHT, stroked=True, filled=True,
                        get_fill_color="properties.fill", get_line_color="properties.line",
                        get_line_width="properties.line_width",
                        line_width_min_pixels=LINE_WIDTH_PX[0], line_width_max_pixels=LINE_WIDTH_PX[1])]
    if points is not None:
        layers.append(_points_layer(points, name, points_label))
    view = _fit_view(_bounds(features))
    if labels:
        layers.append(_names_layer(label_points(geojson, key=key, name=name), features, key, view.zoom))
    return CompactDeck(
        layers=layers,
        initial_view_state=view,
        tooltip={"html": TOOLTIP_LINES % name, "style": TOOLTIP_STYLE},
        **({"map_style": basemap, "map_provider": "carto"} if basemap else {"map_provider": None}),
    )


def outline_map(geojson: dict, values: pd.DataFrame, *, measure: str, measure_label: str, title: str,
                selected: Iterable[str] | None = None, colour: str = DEFAULT_COLOUR,
                key: str = "lad_code", name: str = "lad_name", height: int = 440) -> go.Figure:
    """The same choropleth as ``choropleth`` drawn as a plotly figure (SVG, no WebGL).

    For a handful of large areas (the 13 Kent districts) where nothing is clicked: the browser
    redraws an SVG figure in milliseconds, where a WebGL deck can take a second to rebuild
    without a GPU. Arguments as ``choropleth``; one filled trace per part of an area (named by
the area; islands are parts), hover gives the
    name, the value, this and the previous period, and the change. Longitude and latitude keep
    their true proportions at the areas' latitude.
    """
    features = _coloured(geojson, values, measure, measure_label, selected, colour, False, key, name)
    fig = go.Figure()
    on_top = sorted(features, key=lambda f: f["properties"]["line_width"] == SELECTED_LINE_WIDTH)  # outlines last
    for feature in on_top:
        props = feature["properties"]
        r, g, b, alpha = props["fill"]
        hover = (f"<b>{html.escape(props[name])}</b><br>{html.escape(measure_label)}: {props['value_text']}<br>"
                 f"This period: {props['current']}<br>Previous: {props['previous']}<br>Change: {props['change_text']}")
        for ring in _outer_rings(feature["geometry"]):   # one filled trace per part
            fig.add_trace(dict(type="scatter",
                x=[p[0] for p in ring], y=[p[1] for p in ring], mode="lines", fill="toself", name=props[name],
                legendgroup=props[name], showlegend=False, hoveron="fills", text=hover, hoverinfo="text",
                fillcolor=f"rgba({r},{g},{b},{alpha / 255:.2f})",
                line=dict(color="rgb({},{},{})".format(*props["line"][:3]),
                          width=LINE_WIDTH_PX[1] if props["line_width"] == SELECTED_LINE_WIDTH else LINE_WIDTH_PX[0])))
    lo_x, lo_y, hi_x, hi_y = _bounds(features) or (0, 0, 1, 1)
    aspect = 1 / math.cos(math.radians((lo_y + hi_y) / 2))
    fig.update_layout(title=dict(text=title, x=0, font=dict(size=15)), showlegend=False, height=height,
                      margin=dict(l=0, r=0, t=40, b=0), plot_bgcolor="white", paper_bgcolor="white",
                      xaxis=dict(visible=False, range=[lo_x, hi_x]),
                      yaxis=dict(visible=False, range=[lo_y, hi_y], scaleanchor="x", scaleratio=aspect),
                      hoverlabel=dict(bgcolor="white"))
    return fig


def legend(values, *, colour: str = DEFAULT_COLOUR, diverging: bool = False,
           measure: str = "count") -> list[tuple[str, str]]:
    """The key to a ``choropleth`` of the same values: (hex colour, label) per class.

    Parameters
    ----------
    values : DataFrame or array-like
        The frame given to ``choropleth`` (its ``value`` column is used) or the values.
    colour, diverging
        As given to ``choropleth``.
    measure : {"count", "rate", "change"}, default "count"
        How the class limits are written.

    Returns
    -------
    list of (str, str)
        Lowest class first, then ("#bdbdbd", "no data") if any value is missing.
    """
    kind = _measure_kind(measure)
    _check_colour(colour)
    series = values["value"] if isinstance(values, pd.DataFrame) else values
    numbers = _numbers(series)
    breaks = classes(numbers, diverging=diverging)
    palette = _palette(len(breaks), colour, diverging)
    whole = kind == "count" and bool(np.all(np.mod(_finite(numbers), 1) == 0))
    entries = [(_hex(rgb), _class_label(i, breaks, kind, whole, diverging))
               for i, rgb in enumerate(palette)]
    if not np.isfinite(numbers).all():
        entries.append((NO_DATA_COLOUR, "no data"))
    return entries


def legend_html(entries: Iterable[tuple[str, str]], title: str) -> str:
    """A small inline HTML key: a coloured square and a label per entry, under a title. The
    squares are as opaque as the map's fills, so a class looks the same in the key as on the map.

    Text is escaped, and colours must be "#rrggbb", so nothing in the entries can inject
    markup or styles into the page.
    """
    rows = []
    for colour, label in entries:
        _check_colour(colour)
        rows.append(
            '<div style="display:flex;align-items:center;gap:0.4em;margin:0.1em 0">'
            f'<span style="display:inline-block;width:0.9em;height:0.9em;background:{colour};'
            f'opacity:{FILL_ALPHA / 255:.2f};border:1px solid #999"></span><span>{html.escape(str(label))}</span></div>'
        )
    return ('<div style="font-size:0.8rem;line-height:1.3">'
            f'<div style="font-weight:600;margin-bottom:0.2em">{html.escape(str(title))}</div>'
            + "".join(rows) + "</div>")


def label_points(geojson: dict, *, key: str = "ward_code", name: str = "ward_name") -> pd.DataFrame:
    """Where to write each area's name: a point inside its (simplified) polygon.

    Shapely's ``representative_point``, which always lies inside the area (a centroid can fall
    outside a crescent-shaped ward or in a neighbour). Ward labels cost about a millisecond per
    ten wards; ``choropleth`` is cached per boundaries and values, so they are found once per map.

    Returns
    -------
    DataFrame
        ``key``, ``name``, ``longitude``, ``latitude`` and ``area`` (in square degrees, to rank
        the areas by size): one row per feature with a geometry, in the GeoJSON's order.
    """
    rows = []
    for feature in geojson.get("features", []):
        geometry = feature.get("geometry")
        if not geometry:
            continue
        props = feature.get("properties", {})
        polygon = shape(geometry)
        point = polygon.representative_point()
        rows.append({key: str(props.get(key, "")), name: str(props.get(name, props.get(key, ""))),
                     "longitude": round(point.x, geo.COORD_DECIMALS), "latitude": round(point.y, geo.COORD_DECIMALS),
                     "area": polygon.area})
    return pd.DataFrame(rows, columns=[key, name, "longitude", "latitude", "area"])


def payload_bytes(deck: pdk.Deck) -> int:
    """The size of the map as sent to the browser: the UTF-8 bytes of ``deck.to_json()``."""
    return len(deck.to_json().encode())


def _coloured(geojson, values, measure, measure_label, selected, colour, diverging, key, name) -> list[dict]:
    """Each feature of ``geojson`` with its fill, outline and tooltip properties (see ``choropleth``)."""
    kind = _measure_kind(measure)
    _require(values, (key, *VALUE_COLUMNS), "values")
    if values[key].duplicated().any():
        raise ValueError(f"values has more than one row for {key} "
                         f"{sorted(values.loc[values[key].duplicated(), key].astype(str))[:5]}")
    _check_colour(colour)
    features = geojson.get("features", [])
    for feature in features:
        if key not in feature.get("properties", {}):
            raise ValueError(f"geojson feature has no {key!r} property; pass key= and name= to match")
    by_code = values.set_index(values[key].astype(str))
    value = pd.to_numeric(by_code["value"], errors="coerce")
    breaks = classes(value, diverging=diverging)
    palette = _palette(len(breaks), colour, diverging)
    picked = {str(code) for code in selected} if selected else set()
    return [_coloured_feature(feature, by_code, value, breaks, palette, picked, kind, measure_label, key, name)
            for feature in features]


def _outer_rings(geometry: dict) -> list[list]:
    """The outer ring of each part of a Polygon or MultiPolygon (districts have no holes to show)."""
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"][0]]
    if geometry["type"] == "MultiPolygon":
        return [polygon[0] for polygon in geometry["coordinates"]]
    raise ValueError(f"expected a Polygon or MultiPolygon, not {geometry['type']}")


def _coloured_feature(feature: dict, by_code: pd.DataFrame, value: pd.Series, breaks, palette,
                      picked: set[str], kind: str, measure_label: str, key: str, name: str) -> dict:
    props = feature["properties"]
    code = str(props[key])
    row = by_code.loc[code] if code in by_code.index else None
    number = _float(value.loc[code]) if row is not None else math.nan
    has_value = math.isfinite(number)
    rgb = palette[_class_index(number, breaks)] if has_value and palette else _rgb(NO_DATA_COLOUR)
    chosen = code in picked
    label = props.get(name)
    if label is None and row is not None and name in row.index:
        label = row[name]
    return {
        "type": "Feature",
        "geometry": copy.deepcopy(feature["geometry"]),
        "properties": {
            key: code,
            name: str(label) if label is not None else code,
            "value": round(number, 4) if has_value else None,
            "value_text": _format_value(number, kind),
            "current": _format_count(row["current"]) if row is not None else NOT_APPLICABLE,
            "previous": _format_count(row["previous"]) if row is not None else NOT_APPLICABLE,
            "change_text": format_pct(_float(row["pct_change"])) if row is not None else NOT_APPLICABLE,
            "measure_label": measure_label,
            "fill": [*rgb, FILL_ALPHA],
            "line": list(SELECTED_LINE if chosen else LINE),
            "line_width": SELECTED_LINE_WIDTH if chosen else LINE_WIDTH,
        },
    }


def _points_layer(points: pd.DataFrame, name: str, points_label: str) -> pdk.Layer:
    _require(points, POINT_COLUMNS, "points")
    lon = pd.to_numeric(points["longitude"], errors="coerce").to_numpy(float)
    lat = pd.to_numeric(points["latitude"], errors="coerce").to_numpy(float)
    size = (pd.to_numeric(points["size"], errors="coerce").to_numpy(float)
            if "size" in points else np.ones(len(points)))
    labels = points["label"].tolist() if "label" in points else [""] * len(points)
    records = []
    for x, y, s, label in zip(lon, lat, size, labels):
        if not (math.isfinite(x) and math.isfinite(y)):
            continue
        s = s if math.isfinite(s) and s > 0 else 1.0
        records.append({
            "longitude": round(float(x), geo.COORD_DECIMALS), "latitude": round(float(y), geo.COORD_DECIMALS),
            "radius": round(POINT_RADIUS_M * math.sqrt(s), 1),
            name: "" if pd.isna(label) else str(label), "measure_label": points_label,
            "value_text": _format_count(s), "current": NO_FIGURE, "previous": NO_FIGURE,
            "change_text": NO_FIGURE,
        })
    return pdk.Layer("ScatterplotLayer", records, id="points", pickable=True, auto_highlight=True,
                     get_position="[longitude, latitude]", get_radius="radius",
                     radius_min_pixels=3, radius_max_pixels=15, stroked=True, filled=True,
                     get_fill_color=POINT_FILL, get_line_color=POINT_LINE, line_width_min_pixels=1)


def _names_layer(points: pd.DataFrame, features: list[dict], key: str, zoom: float) -> pdk.Layer:
    """Area names in dark text with a white halo, wrapped onto lines of ``LABEL_LINE_CHARS``;
    sizes in pixels (TextLayer's default, so no ``*_units`` prop is set: see ``LINE_WIDTH``).

    Names that would overlap at the map's first ``zoom`` (the small town-centre wards at the
    borough's zoom) are left out, so every name drawn can be read: the area with the larger value
    keeps its name (what a meeting asks about first), then the larger area. The others are in the
    tooltip. (deck.gl's collision filter, which would bring them back on zooming in, faded names
    that overlapped nothing in headless Chromium, so it is not used.)
    """
    value = {f["properties"][key]: f["properties"]["value"] for f in features}
    order = pd.DataFrame({"value": points[key].map(value).astype(float).fillna(-np.inf),
                          "area": points["area"]}).reset_index(drop=True)
    first = order.sort_values(["value", "area"], ascending=False, kind="stable").index
    texts = [textwrap.fill(str(text), LABEL_LINE_CHARS, break_long_words=False) for text in points.iloc[:, 1]]
    kept = _uncrowded(points["longitude"].to_numpy(float), points["latitude"].to_numpy(float), texts, first, zoom)
    records = [{"text": texts[i], "longitude": float(points["longitude"].iloc[i]),
                "latitude": float(points["latitude"].iloc[i])} for i in sorted(kept)]
    return pdk.Layer("TextLayer", records, id="names", pickable=False, get_position="[longitude, latitude]",
                     get_text="text", get_size=LABEL_SIZE, get_color=LABEL_COLOUR, font_weight=600,
                     font_family=f"'{LABEL_FONT}'", font_settings={"sdf": True}, outline_width=3,
                     outline_color=LABEL_HALO, character_set="'auto'")


def _uncrowded(lon: np.ndarray, lat: np.ndarray, texts: list[str], first: Iterable[int], zoom: float) -> list[int]:
    """Positions of the names kept, taken in the order ``first`` and kept when their box (centred
    on the point, in screen pixels at ``zoom``) clears every box kept before it."""
    world = 512 * 2 ** zoom                                   # Web Mercator pixels round the world
    x = lon / 360 * world
    y = np.array([-_mercator_y(v) for v in lat]) / (2 * math.pi) * world
    kept, boxes = [], []
    for i in first:
        lines = texts[i].split("\n")
        half_w = max(map(len, lines)) * LABEL_CHAR_EMS * LABEL_SIZE / 2 + LABEL_GAP_PX
        half_h = len(lines) * LABEL_SIZE / 2 + LABEL_GAP_PX
        box = (x[i] - half_w, y[i] - half_h, x[i] + half_w, y[i] + half_h)
        if all(box[2] <= b[0] or b[2] <= box[0] or box[3] <= b[1] or b[3] <= box[1] for b in boxes):
            kept.append(i)
            boxes.append(box)
    return kept


def _diverging_classes(finite: np.ndarray, k: int) -> list[tuple[float, float]]:
    if k < 3 or k % 2 == 0:
        raise ValueError(f"diverging classes need an odd k of 3 or more, got {k}")
    size = np.abs(finite)
    top = float(size.max())
    if top == 0:
        return [(0.0, 0.0)]
    typical = float(np.quantile(size, 0.9)) or top
    step = _nice_step(typical / k)
    inner = step * np.arange(1, k - 1, 2)  # the half-widths: 1, 3, ... steps
    outer = max(top, float(inner[-1]) + 2 * step)
    edges = np.concatenate([[-outer], -inner[::-1], inner, [outer]])
    return [(float(low), float(high)) for low, high in zip(edges[:-1], edges[1:])]


def _natural_breaks(values: np.ndarray, k: int) -> list[tuple[float, float]]:
    """Fisher-Jenks natural breaks: the ``k`` runs of sorted values with the least total
    within-class sum of squares, found exactly by dynamic programming over distinct values.

    Strongly right-skewed values that are never negative (most wards a few, some hundreds) are
    compared as ``log1p``: on the raw scale the largest few would take every class but one.
    """
    distinct, counts = np.unique(values, return_counts=True)
    if distinct.size > NATURAL_BREAKS_MAX_VALUES:
        distinct, counts = _pooled(values, NATURAL_BREAKS_MAX_VALUES)
    k = min(k, distinct.size)
    if k <= 1:
        return [(float(distinct[0]), float(distinct[-1]))]
    skewed = distinct[0] >= 0 and _skewness(values) > SKEWED
    spread = _within_spread(np.log1p(distinct) if skewed else distinct, counts)
    n = distinct.size
    cost = spread[0].copy()                  # one class over the first b + 1 values
    starts = []
    for _ in range(1, k):
        # a new last class starting at a (1..n-1) after the best split of the values before it
        candidates = cost[:-1, None] + spread[1:, :]
        best = np.argmin(candidates, axis=0)
        cost = candidates[best, np.arange(n)]
        starts.append(best + 1)
    ends, b = [n - 1], n - 1
    for start in reversed(starts):
        b = int(start[b]) - 1
        ends.append(b)
    highs = distinct[ends[::-1]]
    edges = [float(distinct[0]), *map(float, highs)]
    return [(low, high) for low, high in zip(edges[:-1], edges[1:])]


def _skewness(values: np.ndarray) -> float:
    """Sample skewness (0 for a symmetric spread, above 1 for a long tail of large values)."""
    deviation = values - values.mean()
    scale = np.sqrt(np.mean(deviation ** 2))
    return float(np.mean(deviation ** 3) / scale ** 3) if scale > 0 else 0.0


def _within_spread(distinct: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Sum of squared deviations of the values ``distinct[a..b]`` (weighted by ``counts``)
    from their mean, at [a, b]; infinite where a > b."""
    weight = np.concatenate([[0.0], np.cumsum(counts, dtype=float)])
    total = np.concatenate([[0.0], np.cumsum(distinct * counts)])
    squares = np.concatenate([[0.0], np.cumsum(distinct ** 2 * counts)])
    a, b = np.arange(distinct.size)[:, None], np.arange(distinct.size)[None, :] + 1
    with np.errstate(divide="ignore", invalid="ignore"):
        spread = squares[b] - squares[a] - (total[b] - total[a]) ** 2 / (weight[b] - weight[a])
    return np.where(a < b, np.maximum(spread, 0.0), np.inf)


def _pooled(values: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """At most ``size`` observed values (evenly spaced quantiles), each counting the values up to it."""
    marks = np.unique(np.quantile(values, np.linspace(0, 1, size), method="nearest"))
    counts = np.bincount(np.searchsorted(marks, values, side="left"), minlength=marks.size)
    return marks, counts


def _nice_step(raw: float) -> float:
    """The smallest of 1, 2, 2.5 or 5 times a power of ten that is at least ``raw``."""
    power = 10.0 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5):
        if factor * power >= raw * (1 - 1e-9):
            return factor * power
    return 10 * power


def _class_index(number: float, breaks: list[tuple[float, float]]) -> int:
    highs = np.array([high for _, high in breaks])
    return int(min(np.searchsorted(highs, _shown(number), side="left"), len(breaks) - 1))


def _shown(numbers):
    """Numbers rounded as the legend writes their class limits; classes are drawn from these."""
    return np.round(numbers, CLASS_DECIMALS)


def _palette(n: int, colour: str, diverging: bool) -> list[tuple[int, int, int]]:
    """Colours for ``n`` classes, lightest (sequential) or biggest fall (diverging) first."""
    if n == 0:
        return []
    if not diverging:
        if n == 1:
            return [_mix(colour, 0.55)]
        return [_mix(colour, share) for share in np.linspace(RAMP_START, 1, n)]
    side = n // 2
    shares = np.linspace(0.35, 1, side) if side > 1 else np.array([0.7])
    falls = [_mix(FALL_COLOUR, share) for share in shares[::-1]]
    rises = [_mix(RISE_COLOUR, share) for share in shares]
    return falls[:side] + [_rgb(NEUTRAL_COLOUR)] + rises[:side]


def _class_label(i: int, breaks, kind: str, whole: bool, diverging: bool) -> str:
    low, high = breaks[i]
    if low == high:
        return _format_limit(low, kind)
    if diverging and len(breaks) > 1 and i == 0:
        return f"{_format_limit(high, kind)} or lower"
    if diverging and len(breaks) > 1 and i == len(breaks) - 1:
        return f"over {_format_limit(low, kind)}"
    if not diverging and i > 0:
        # classes hold (low, high] of values as written: the first one in it is a step above low
        low = round(low + (1 if whole else 10 ** -CLASS_DECIMALS), CLASS_DECIMALS)
    if low == high:
        return _format_limit(low, kind)
    # "-30% to -10%" reads as a range where "-30% – -10%" reads as a sum
    return f"{_format_limit(low, kind)}{' to ' if diverging else ' – '}{_format_limit(high, kind)}"


def _format_limit(number: float, kind: str) -> str:
    if number == 0:
        return "0"
    if kind == "change":
        return format_pct(number)
    if kind == "rate":
        return f"{number:,.1f}"
    return _format_count(number)


def _format_value(number: float, kind: str) -> str:
    if not math.isfinite(number):
        return NOT_APPLICABLE
    if kind == "change":
        return format_pct(number)
    if kind == "rate":
        return f"{number:,.1f} per 1,000"
    return _format_count(number)


def _format_count(number) -> str:
    number = _float(number)
    if not math.isfinite(number):
        return NOT_APPLICABLE
    return f"{number:,.0f}" if float(number).is_integer() else f"{number:,.1f}"


def _float(number) -> float:
    try:
        return float(number)
    except (TypeError, ValueError):
        return math.nan


def _numbers(values) -> np.ndarray:
    """Floats from any array-like; text and missing values become NaN."""
    if not isinstance(values, pd.Series):
        values = pd.Series(np.asarray(values, dtype=object).ravel())
    return pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def _finite(values) -> np.ndarray:
    numbers = _numbers(values)
    return numbers[np.isfinite(numbers)]


def _bounds(features: list[dict]) -> tuple[float, float, float, float] | None:
    coords = [xy for feature in features for xy in _positions(feature.get("geometry"))]
    if not coords:
        return None
    array = np.asarray(coords, dtype=float)
    return (float(array[:, 0].min()), float(array[:, 1].min()),
            float(array[:, 0].max()), float(array[:, 1].max()))


def _positions(geometry):
    """Every [x, y] position in a GeoJSON geometry, however deeply nested."""
    if not geometry:
        return
    stack = [geometry.get("coordinates", [])]
    if geometry.get("type") == "GeometryCollection":
        stack = [g.get("coordinates", []) for g in geometry.get("geometries", [])]
    while stack:
        item = stack.pop()
        if len(item) and isinstance(item[0], (int, float)):
            yield item[:2]
        else:
            stack.extend(item)


def _fit_view(bounds: tuple[float, float, float, float] | None) -> pdk.ViewState:
    """The centre and the largest zoom at which ``bounds`` fit the assumed viewport.

    Web Mercator as deck.gl draws it: at zoom z the world is 512 * 2**z pixels wide.
    """
    if bounds is None:
        return pdk.ViewState(longitude=0.52, latitude=51.27, zoom=10)
    west, south, east, north = bounds
    y_south, y_north = _mercator_y(south), _mercator_y(north)
    usable = 1 - 2 * FIT_PADDING
    zooms = [20.0]
    if east > west:
        zooms.append(math.log2(FIT_WIDTH_PX * usable * 360 / (512 * (east - west))))
    if y_north > y_south:
        zooms.append(math.log2(FIT_HEIGHT_PX * usable * 2 * math.pi / (512 * (y_north - y_south))))
    centre_lat = math.degrees(2 * math.atan(math.exp((y_south + y_north) / 2)) - math.pi / 2)
    return pdk.ViewState(longitude=round((west + east) / 2, 5), latitude=round(centre_lat, 5),
                         zoom=round(min(zooms), 2), pitch=0, bearing=0)


def _mercator_y(latitude: float) -> float:
    return math.log(math.tan(math.pi / 4 + math.radians(latitude) / 2))


def _measure_kind(measure: str) -> str:
    if measure not in MEASURE_KINDS:
        raise ValueError(f"measure must be one of {sorted(MEASURE_KINDS)}, got {measure!r}")
    return MEASURE_KINDS[measure]


def _require(frame: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise ValueError(f"{what} is missing column(s) {missing}; it has {list(frame.columns)}")


def _check_colour(colour: str) -> None:
    if not isinstance(colour, str) or not _HEX.match(colour):
        raise ValueError(f"colour must be '#rrggbb', got {colour!r}")


def _rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))


def _hex(rgb: tuple[int, int, int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def _mix(colour: str, share: float) -> tuple[int, int, int]:
    """``colour`` mixed into white: share 0 is white, 1 the colour itself."""
    return tuple(int(round(255 + (c - 255) * float(share))) for c in _rgb(colour))
