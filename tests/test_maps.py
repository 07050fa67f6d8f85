"""Pydeck builders on hand-built squares and Maidstone's real wards: what ends up in deck.layers."""

import ast
import copy
import inspect
import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pydeck as pdk
import pytest
from conftest import BRIDGE, HIGH_STREET
from pandas.testing import assert_frame_equal
from shapely.geometry import Polygon, box

from smp_dash import geo, maps

NAN = float("nan")
# Three unit squares in a row, A | B | C; B's edges carry extra vertices for simplification to drop.
SQUARES = gpd.GeoDataFrame(
    {"ward_code": ["A", "B", "C"], "ward_name": ["Alpha", "Beta", "Gamma"], "extra": [1, 2, 3]},
    geometry=[box(0, 0, 1, 1),
              Polygon([(1, 0), (1.5, 1e-8), (2, 0), (2, 1), (1.5, 1 + 1e-8), (1, 1)]),
              box(2, 0, 3, 1)],
    crs=4326)


def _values(codes, value, current=None, previous=None, pct=None, names=None):
    n = len(codes)
    return pd.DataFrame({"ward_code": codes, "ward_name": names or [f"W{i}" for i in range(n)],
                         "value": value, "current": current or [10] * n,
                         "previous": previous or [8] * n, "pct_change": pct or [25.0] * n})


SQUARE_VALUES = _values(["A", "B", "C"], [1, 5, 9], current=[1, 5, 9], previous=[2, 5, 3],
                        pct=[-50.0, 0.0, 200.0], names=["Alpha", "Beta", "Gamma"])


def _props(deck, layer=0):
    return [f["properties"] for f in deck.layers[layer].data["features"]]


def _by_code(deck):
    return {p["ward_code"]: p for p in _props(deck)}


@pytest.fixture(scope="module")
def wards():
    try:
        return geo.load_wards("E07000110")
    except geo.BoundariesMissing as exc:
        pytest.skip(str(exc))


@pytest.fixture(scope="module")
def maidstone_geojson(wards):
    return geo.ward_geojson(wards)


@pytest.fixture(scope="module")
def maidstone_values(wards):
    rng = np.random.default_rng(7)
    current, previous = rng.integers(0, 500, len(wards)), rng.integers(1, 500, len(wards))
    return pd.DataFrame({"ward_code": wards["ward_code"], "ward_name": wards["ward_name"],
                         "value": current, "current": current, "previous": previous,
                         "pct_change": (current - previous) / previous * 100})


NEEDLES = pd.DataFrame({"longitude": [0.5221, 0.53, NAN], "latitude": [51.2761, 51.27, 51.2],
                        "label": ["Brenchley Gardens", "Fremlin Walk", "no coordinates"],
                        "size": [3, 120, 1]})


def test_square_geojson_keeps_codes_names_only_and_rounds():
    gj = geo.ward_geojson(SQUARES)
    assert [f["properties"] for f in gj["features"]] == [
        {"ward_code": "A", "ward_name": "Alpha"}, {"ward_code": "B", "ward_name": "Beta"},
        {"ward_code": "C", "ward_name": "Gamma"}]
    ring = gj["features"][1]["geometry"]["coordinates"][0]
    assert [1.5, 0.0] not in ring and [1.5, 1.0] not in ring  # the near-straight vertices went
    assert all(round(x, 5) == x for xy in ring for x in xy)


def test_geojson_reads_other_crs_as_wgs84():
    # the same squares handed over in British National Grid come back in degrees
    gj = geo.ward_geojson(SQUARES.to_crs(27700))
    xs = [xy[0] for xy in gj["features"][0]["geometry"]["coordinates"][0]]
    assert min(xs) == pytest.approx(0, abs=1e-4) and max(xs) == pytest.approx(1, abs=1e-4)


@pytest.mark.parametrize("frame, tolerance, match", [
    (SQUARES.drop(columns="ward_name"), 0.0004, "missing column"),
    (SQUARES, -1, "tolerance"),
    (SQUARES.assign(geometry=[None, box(1, 0, 2, 1), box(2, 0, 3, 1)]), 0.0004, "no geometry for ward_code"),
])
def test_geojson_refuses_bad_boundaries(frame, tolerance, match):
    with pytest.raises(ValueError, match=match):
        geo.ward_geojson(frame, tolerance)


def test_maidstone_geojson_is_small_and_complete(wards, maidstone_geojson):
    codes = [f["properties"]["ward_code"] for f in maidstone_geojson["features"]]
    assert codes == wards["ward_code"].tolist() and len(codes) == 26
    assert HIGH_STREET in codes and BRIDGE in codes
    assert len(json.dumps(maidstone_geojson)) < 150_000


def test_simplified_wards_still_find_their_points(wards, maidstone_geojson):
    # each ward's interior point lands in the same simplified ward
    simplified = gpd.GeoDataFrame.from_features(maidstone_geojson["features"], crs=4326)
    points = wards.geometry.representative_point()
    got = geo.assign_areas(points.x, points.y, simplified, "ward_code")
    assert (got == wards["ward_code"].to_numpy()).mean() >= 0.95


def test_kent_wards_and_districts_stay_well_under_a_megabyte():
    try:
        kent, districts = geo.load_wards("all"), geo.load_districts()
    except geo.BoundariesMissing as exc:
        pytest.skip(str(exc))
    kent_gj = geo.ward_geojson(kent)
    assert len(kent_gj["features"]) == 305
    assert len(json.dumps(kent_gj)) < 700_000
    districts_gj = geo.district_geojson(districts)
    assert {f["properties"]["lad_code"] for f in districts_gj["features"]} == set(districts["lad_code"])
    assert set(districts_gj["features"][0]["properties"]) == {"lad_code", "lad_name"}
    values = kent[["ward_code", "ward_name"]].assign(value=1.5, current=3, previous=2, pct_change=50.0)
    deck = maps.choropleth(kent_gj, values, measure="rate", measure_label="Crimes per 1,000")
    assert maps.payload_bytes(deck) < 1_000_000


# Needle finds by ward as the substance misuse page had them: 17 wards with none, East 55, Bridge 1,566.
NEEDLE_WARDS = [0] * 17 + [3, 7, 12, 40, 55, 90, 120, 200, 1566]


@pytest.mark.parametrize("values, k, expected", [
    ([1, 2, 3, 10, 11, 12, 100], 3, [(1, 3), (3, 12), (12, 100)]),  # natural breaks fall in the gaps
    ([1, 2, 3, 4, 5, 6], 5, [(1, 1), (1, 2), (2, 3), (3, 4), (4, 6)]),  # breaks at observed values
    ([4, 4, 4], 5, [(4, 4)]),                                     # one value: one class
    ([0, 0, 0, 10], 5, [(0, 0), (0, 10)]),                        # many zeros: zero is a class of its own
    ([0, 1, 2, 3, 10, 11, 12, 20, 21, 22], 3, [(0, 3), (3, 12), (12, 22)]),  # one zero in ten: no zero class
    ([0, 0, 0, 1, 2, 3, 10, 11, 12, 20], 3, [(0, 0), (0, 3), (3, 20)]),  # three in ten: zero, then k - 1
    ([0.04, 1.24, 1.26, 2.0], 5, [(0, 0), (0, 1.2), (1.2, 1.3), (1.3, 2)]),  # classed as written, 1 decimal
    ([NAN, 1, 3, None, "x"], 5, [(1, 1), (1, 3)]),                # missing and text are left out
    ([NAN, None], 5, []),                                         # nothing finite: no classes
    ([], 5, []),
])
def test_sequential_classes(values, k, expected):
    assert maps.classes(values, k=k) == expected


def test_skewed_counts_get_four_classes_or_more_and_55_is_not_1566():
    # the needle map used to have two classes, "0-40" and "41-1,566": East (55) looked like Bridge
    breaks = maps.classes(NEEDLE_WARDS)
    assert len(breaks) >= 4
    assert maps._class_index(55, breaks) != maps._class_index(1566, breaks)
    assert breaks[0] == (0, 0) and maps._class_index(3, breaks) == 1   # zeros alone, the rest above


@pytest.mark.parametrize("size", [50, 305, 5000])   # 5,000 distinct values are pooled first
def test_natural_breaks_every_class_holds_a_value(size):
    values = np.random.default_rng(size).lognormal(3, 1.5, size).round()
    breaks = maps.classes(values)
    assert len(breaks) == 5
    used = {maps._class_index(v, breaks) for v in values}
    assert used == set(range(5))                          # no empty class
    assert [high for _, high in breaks] == sorted({high for _, high in breaks})   # no repeated break
    assert breaks[0][0] == values.min() and breaks[-1][1] == values.max()


def test_a_long_tail_does_not_put_most_wards_in_one_class():
    # Kent's wards: most have a few dozen crimes, some thousands. Classed on the raw scale, 90% of
    # wards shared the lightest class; compared as log1p the classes share them out
    values = np.random.default_rng(1).lognormal(3, 1.5, 305).round()
    breaks = maps.classes(values)
    shares = np.bincount([maps._class_index(v, breaks) for v in values], minlength=5) / values.size
    assert len(breaks) == 5 and shares.max() < 0.4


def test_counts_and_rates_are_classed_on_their_own(maidstone_values):
    # a ward with few crimes can have a high rate: each measure's classes come from its own values
    rates = maidstone_values.assign(value=1000 / (maidstone_values["current"] + 1))
    assert maps.classes(maidstone_values["value"]) != maps.classes(rates["value"])
    assert maps.legend(rates, measure="rate")[0][1] != maps.legend(maidstone_values)[0][1]


@pytest.mark.parametrize("values, expected", [
    # class half-width is a round number fitted to the 90th percentile of |change|
    ([-50, -20, 0, 10, 50], [(-50, -30), (-30, -10), (-10, 10), (10, 30), (30, 50)]),
    # one outlier does not widen the neutral band; it stretches the outer class
    ([-9, -5, -3, 0, 2, 5, 8, 9, 9, 10, 400], [(-400, -6), (-6, -2), (-2, 2), (2, 6), (6, 400)]),
    ([0, 0], [(0, 0)]),  # no change anywhere
])
def test_diverging_classes_are_symmetric(values, expected):
    got = maps.classes(values, diverging=True)
    assert got == expected
    assert [low for low, _ in got] == [-high for _, high in reversed(got)]


def test_diverging_classes_need_an_odd_k():
    with pytest.raises(ValueError, match="odd k"):
        maps.classes([1, -1], k=4, diverging=True)


def test_choropleth_layer_and_properties_on_squares():
    deck = maps.choropleth(geo.ward_geojson(SQUARES), SQUARE_VALUES, measure="count", measure_label="Crimes")
    layer = deck.layers[0]
    assert (layer.type, layer.id, layer.pickable, layer.auto_highlight, layer.stroked, layer.filled) == (
        "GeoJsonLayer", "wards", True, True, True, True)
    assert layer.get_fill_color == "@@=properties.fill"
    assert _by_code(deck)["C"] | {"fill": None} == {
        "ward_code": "C", "ward_name": "Gamma", "value": 9.0, "value_text": "9", "current": "9",
        "previous": "3", "change_text": "+200%", "measure_label": "Crimes", "fill": None,
        "line": maps.LINE, "line_width": maps.LINE_WIDTH}


@pytest.mark.parametrize("measure, value, text", [
    ("count", 12345, "12,345"),
    ("current", 12345, "12,345"),
    ("rate", 4.25, "4.2 per 1,000"),       # rates to one decimal, per 1,000
    ("rate", 1234.56, "1,234.6 per 1,000"),
    ("change", 12.4, "+12%"),
    ("pct_change", -5.0, "-5%"),
    ("change", NAN, "n/a"),               # change from nothing is undefined
    ("count", NAN, "n/a"),
])
def test_value_text(measure, value, text):
    values = _values(["A"], [value])
    deck = maps.choropleth(geo.ward_geojson(SQUARES.iloc[:1]), values, measure=measure, measure_label="x")
    assert _props(deck)[0]["value_text"] == text


def test_nan_value_and_missing_ward_are_grey_and_na():
    values = SQUARE_VALUES.assign(value=[1.0, NAN, 9.0]).iloc[:2]  # B has no value, C no row
    props = _by_code(maps.choropleth(geo.ward_geojson(SQUARES), values, measure="count", measure_label="x"))
    grey = [*maps._rgb(maps.NO_DATA_COLOUR), maps.FILL_ALPHA]
    assert props["B"]["fill"] == grey and props["C"]["fill"] == grey
    assert props["B"]["value"] is None and props["B"]["value_text"] == "n/a"
    assert (props["C"]["current"], props["C"]["previous"], props["C"]["change_text"]) == ("n/a",) * 3
    assert props["A"]["fill"] != grey


def test_darkest_class_goes_to_the_largest_value(maidstone_geojson, maidstone_values):
    deck = maps.choropleth(maidstone_geojson, maidstone_values, measure="count", measure_label="Crimes",
                           colour="#1f5f8b")
    props = _props(deck)
    top = maidstone_values.loc[maidstone_values["value"].idxmax(), "ward_code"]
    darkest = min(props, key=lambda p: sum(p["fill"][:3]))
    assert darkest["ward_code"] == top and darkest["fill"][:3] == [0x1f, 0x5f, 0x8b]
    bottom = maidstone_values.loc[maidstone_values["value"].idxmin(), "ward_code"]
    lightest = max(sum(p["fill"][:3]) for p in props)
    assert sum(_by_code(deck)[bottom]["fill"][:3]) == lightest


@pytest.mark.parametrize("pct, hue", [
    (-60.0, "blue"),   # a fall
    (60.0, "red"),     # a rise
    (0.0, "grey"),     # about no change
])
def test_diverging_colours(pct, hue):
    values = _values(["A", "B", "C"], [-60.0, 0.0, 60.0])
    values.loc[1, "value"] = pct
    props = _by_code(maps.choropleth(geo.ward_geojson(SQUARES), values, measure="change",
                                     measure_label="Change", diverging=True))
    r, g, b, _ = props["B"]["fill"]
    assert {"blue": b > r + 40, "red": r > b + 40, "grey": r == g == b}[hue]


@pytest.mark.parametrize("selected, outlined", [
    ({HIGH_STREET, BRIDGE}, 2),    # two picked out by their outline
    (set(), 0),                    # an empty selection outlines nothing
    (None, 0),
])
def test_selection_is_an_outline_and_never_changes_a_fill(maidstone_geojson, maidstone_values, selected, outlined):
    # selected wards used to fade the others, so the darkest class drew as pale as the lowest
    plain = _by_code(maps.choropleth(maidstone_geojson, maidstone_values, measure="count", measure_label="Crimes"))
    deck = maps.choropleth(maidstone_geojson, maidstone_values, measure="count", measure_label="Crimes",
                           selected=selected)
    breaks = maps.classes(maidstone_values["value"])
    palette = maps._palette(len(breaks), maps.DEFAULT_COLOUR, False)
    props = _props(deck)
    assert len(props) == 26
    for p in props:
        assert p["fill"] == [*palette[maps._class_index(p["value"], breaks)], maps.FILL_ALPHA]
        assert {k: v for k, v in p.items() if k not in ("line", "line_width")} == {
            k: v for k, v in plain[p["ward_code"]].items() if k not in ("line", "line_width")}
        picked = bool(selected) and p["ward_code"] in selected
        assert (p["line"], p["line_width"]) == ((maps.SELECTED_LINE, maps.SELECTED_LINE_WIDTH) if picked
                                                else (maps.LINE, maps.LINE_WIDTH))
    assert sum(p["line_width"] == maps.SELECTED_LINE_WIDTH for p in props) == outlined


def test_tooltip_and_view(maidstone_geojson, maidstone_values):
    deck = maps.choropleth(maidstone_geojson, maidstone_values, measure="count", measure_label="Crimes")
    assert "{ward_name}" in deck._tooltip["html"] and "{value_text}" in deck._tooltip["html"]
    view = deck.initial_view_state
    assert 0.5 < view.longitude < 0.7 and 51.2 < view.latitude < 51.3
    assert 9.5 < view.zoom < 10.5


def test_no_base_map_needs_no_network(maidstone_geojson, maidstone_values):
    spec = json.loads(maps.choropleth(maidstone_geojson, maidstone_values, measure="count",
                                      measure_label="Crimes").to_json())
    # Streamlit drops this placeholder and draws no base map; a missing mapStyle would get Carto's
    assert spec["mapStyle"] == "__MAP_STYLE__" and "mapProvider" not in spec
    assert "http" not in json.dumps(spec)
    with_tiles = json.loads(maps.choropleth(maidstone_geojson, maidstone_values, measure="count",
                                            measure_label="Crimes", basemap="light").to_json())
    assert with_tiles["mapProvider"] == "carto" and "positron" in with_tiles["mapStyle"]


def test_points_layer_sits_on_top(maidstone_geojson, maidstone_values):
    deck = maps.choropleth(maidstone_geojson, maidstone_values, measure="count", measure_label="Crimes",
                           points=NEEDLES, points_label="Needles")
    assert [layer.id for layer in deck.layers] == ["wards", "points"]
    points = deck.layers[1]
    assert (points.type, points.pickable, points.radius_min_pixels) == ("ScatterplotLayer", True, 3)
    assert [(p["ward_name"], p["value_text"], p["measure_label"]) for p in points.data] == [
        ("Brenchley Gardens", "3", "Needles"), ("Fremlin Walk", "120", "Needles")]  # no coordinates: skipped
    assert points.data[1]["radius"] > points.data[0]["radius"]
    assert maps.payload_bytes(deck) < 1_000_000


def test_points_need_coordinates(maidstone_geojson, maidstone_values):
    with pytest.raises(ValueError, match="points is missing column"):
        maps.choropleth(maidstone_geojson, maidstone_values, measure="count", measure_label="x",
                        points=NEEDLES.drop(columns="latitude"))


def test_inputs_are_not_mutated(maidstone_geojson, maidstone_values):
    geojson_before, values_before = copy.deepcopy(maidstone_geojson), maidstone_values.copy()
    needles_before = NEEDLES.copy()
    deck = maps.choropleth(maidstone_geojson, maidstone_values, measure="count", measure_label="Crimes",
                           points=NEEDLES, selected={HIGH_STREET})
    deck.layers[0].data["features"][0]["geometry"]["coordinates"].clear()  # the deck owns a copy
    assert maidstone_geojson == geojson_before
    assert_frame_equal(maidstone_values, values_before)
    assert_frame_equal(NEEDLES, needles_before)
    squares_before = SQUARES.copy()
    geo.ward_geojson(SQUARES.to_crs(27700))
    assert_frame_equal(SQUARES, squares_before)


def test_districts_with_key_and_name():
    districts = SQUARES.rename(columns={"ward_code": "lad_code", "ward_name": "lad_name"})
    values = SQUARE_VALUES.rename(columns={"ward_code": "lad_code"}).drop(columns="ward_name")
    deck = maps.choropleth(geo.district_geojson(districts), values, measure="count", measure_label="Crimes",
                           key="lad_code", name="lad_name", layer_id="districts")
    assert deck.layers[0].id == "districts"
    assert [(p["lad_code"], p["lad_name"]) for p in _props(deck)] == [
        ("A", "Alpha"), ("B", "Beta"), ("C", "Gamma")]
    assert "{lad_name}" in deck._tooltip["html"]


def test_outline_map_colours_each_district_as_the_deck_does():
    districts = SQUARES.rename(columns={"ward_code": "lad_code", "ward_name": "lad_name"})
    values = SQUARE_VALUES.rename(columns={"ward_code": "lad_code"}).drop(columns="ward_name")
    geojson = geo.district_geojson(districts)
    fig = maps.outline_map(geojson, values, measure="count", measure_label="Crimes", title="Districts",
                           selected={"B"})
    deck = maps.choropleth(geojson, values, measure="count", measure_label="Crimes", key="lad_code",
                           name="lad_name", selected={"B"})
    assert [t.name for t in fig.data] == ["Alpha", "Gamma", "Beta"]     # the selected one drawn last, on top
    by_name = {props["lad_name"]: props for props in _props(deck)}
    for trace in fig.data:
        props = by_name[trace.name]
        r, g, b, alpha = props["fill"]
        assert trace.fillcolor == f"rgba({r},{g},{b},{alpha / 255:.2f})"
        assert props["value_text"] in trace.text and props["change_text"] in trace.text
        ring = list(zip(trace.x, trace.y))
        assert len(ring) == len(next(f for f in geojson["features"]
                                     if f["properties"]["lad_name"] == trace.name)["geometry"]["coordinates"][0])
    widths = {t.name: t.line.width for t in fig.data}
    assert widths["Beta"] > widths["Alpha"]          # the selected district is outlined
    assert fig.layout.yaxis.scaleanchor == "x" and fig.layout.yaxis.scaleratio > 1


def test_outline_map_refuses_points_and_lines():
    geojson = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"lad_code": "A", "lad_name": "Alpha"},
         "geometry": {"type": "Point", "coordinates": [0.5, 51.2]}}]}
    values = pd.DataFrame({"lad_code": ["A"], "value": [1.0], "current": [1], "previous": [1], "pct_change": [0.0]})
    with pytest.raises(ValueError, match="expected a Polygon or MultiPolygon"):
        maps.outline_map(geojson, values, measure="count", measure_label="x", title="")


@pytest.mark.parametrize("kwargs, values, match", [
    ({"measure": "median"}, SQUARE_VALUES, "measure must be one of"),
    ({"colour": "red"}, SQUARE_VALUES, "colour must be"),
    ({}, SQUARE_VALUES.drop(columns="previous"), "values is missing column"),
    ({}, pd.concat([SQUARE_VALUES, SQUARE_VALUES.iloc[:1]]), "more than one row"),
    ({"key": "lad_code"}, SQUARE_VALUES.rename(columns={"ward_code": "lad_code"}), "no 'lad_code' property"),
])
def test_choropleth_refuses_bad_input(kwargs, values, match):
    with pytest.raises(ValueError, match=match):
        maps.choropleth(geo.ward_geojson(SQUARES), values,
                        **{"measure": "count", "measure_label": "x", **kwargs})


def test_nan_never_reaches_the_json():
    values = SQUARE_VALUES.assign(value=NAN, current=NAN, pct_change=NAN)
    deck = maps.choropleth(geo.ward_geojson(SQUARES), values, measure="count", measure_label="x")
    assert "NaN" not in deck.to_json()


@pytest.mark.parametrize("values, kwargs, labels", [
    ([1, 2, 3, 4, 5, 6], {}, ["1", "2", "3", "4", "5 – 6"]),  # counts: each class starts after the last
    ([0, 10, 20, NAN], {}, ["0", "1 – 10", "11 – 20", "no data"]),  # a third are 0: a class of zeros
    (NEEDLE_WARDS, {}, ["0", "1 – 12", "13 – 55", "56 – 200", "201 – 1,566"]),
    ([0.5, 1.25, 2.0], {"measure": "rate"}, ["0.5", "0.6 – 1.2", "1.3 – 2.0"]),  # rates by tenths, no overlap
    ([0, 0, 0, 0.5, 2.25], {"measure": "rate"}, ["0", "0.1 – 0.5", "0.6 – 2.2"]),
    ([-50, -20, 0, 10, 50], {"measure": "change", "diverging": True},
     ["-30% or lower", "-30% to -10%", "-10% to +10%", "+10% to +30%", "over +30%"]),
    ([NAN], {}, ["no data"]),
])
def test_legend_labels(values, kwargs, labels):
    assert [label for _, label in maps.legend(values, **kwargs)] == labels


def test_legend_matches_the_map_colours(maidstone_geojson, maidstone_values):
    entries = maps.legend(maidstone_values)
    deck = maps.choropleth(maidstone_geojson, maidstone_values, measure="count", measure_label="Crimes")
    used = {maps._hex(tuple(p["fill"][:3])) for p in _props(deck)}
    assert len(entries) == 5 and used == {colour for colour, _ in entries}
    lows = [float(label.split(" – ")[0].replace(",", "")) for _, label in entries]
    assert lows == sorted(lows) and len(set(lows)) == 5  # monotone, lightest first
    shades = [sum(maps._rgb(colour)) for colour, _ in entries]
    assert shades == sorted(shades, reverse=True)


def test_legend_html_escapes_text():
    out = maps.legend_html([("#b03a2e", "<script>alert(1)</script>"), ("#bdbdbd", "no data")], "Crimes & ASB")
    assert "<script>" not in out and "&lt;script&gt;" in out and "Crimes &amp; ASB" in out
    assert out.count("background:#") == 2
    with pytest.raises(ValueError, match="colour must be"):
        maps.legend_html([("red;background:url(x)", "bad")], "t")


def test_payload_bytes_counts_the_compact_json(maidstone_geojson, maidstone_values):
    deck = maps.choropleth(maidstone_geojson, maidstone_values, measure="count", measure_label="Crimes")
    assert isinstance(deck, pdk.Deck)
    assert maps.payload_bytes(deck) == len(deck.to_json().encode()) < 150_000
    assert "\n" not in deck.to_json()


def test_maps_does_not_import_streamlit():
    tree = ast.parse(inspect.getsource(maps))
    imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom) and node.module}
    assert "streamlit" not in imported


def test_deterministic_for_caching(maidstone_geojson, wards, maidstone_values):
    assert geo.ward_geojson(wards) == maidstone_geojson
    build = lambda: maps.choropleth(maidstone_geojson, maidstone_values, measure="count",  # noqa: E731
                                    measure_label="Crimes").to_json()
    assert build() == build()


def test_legend_entries_are_the_classes_the_fills_use(maidstone_geojson, maidstone_values):
    # skewed counts with many zeros: every ward's fill is its legend entry's colour, in order
    values = maidstone_values.assign(value=NEEDLE_WARDS)
    entries = maps.legend(values)
    props = _props(maps.choropleth(maidstone_geojson, values, measure="count", measure_label="Needles",
                                   selected={BRIDGE}))
    breaks = maps.classes(values["value"])
    assert len(entries) == len(breaks) >= 4
    for p in props:
        colour, label = entries[maps._class_index(p["value"], breaks)]
        assert maps._hex(tuple(p["fill"][:3])) == colour
        if " – " in label:
            low, high = (float(x.replace(",", "")) for x in label.split(" – "))
            assert low <= p["value"] <= high
        else:
            assert p["value"] == float(label.replace(",", ""))
    assert {maps._hex(tuple(p["fill"][:3])) for p in props} == {colour for colour, _ in entries}


def test_outline_map_selection_keeps_every_fill():
    # Medway and Thanet, in the darkest class, were drawn as pale as the lowest when Maidstone was picked
    districts = SQUARES.rename(columns={"ward_code": "lad_code", "ward_name": "lad_name"})
    values = SQUARE_VALUES.rename(columns={"ward_code": "lad_code"}).drop(columns="ward_name")
    geojson = geo.district_geojson(districts)
    plain = maps.outline_map(geojson, values, measure="count", measure_label="Crimes", title="")
    picked = maps.outline_map(geojson, values, measure="count", measure_label="Crimes", title="", selected={"A"})
    fills = {t.name: t.fillcolor for t in plain.data}
    assert {t.name: t.fillcolor for t in picked.data} == fills
    assert fills["Gamma"] == "rgba({},{},{},{:.2f})".format(*maps._rgb(maps.DEFAULT_COLOUR), maps.FILL_ALPHA / 255)
    lines = {t.name: (t.line.color, t.line.width) for t in picked.data}
    assert lines["Alpha"] == ("rgb(0,0,0)", maps.LINE_WIDTH_PX[1]) and lines["Gamma"][1] == maps.LINE_WIDTH_PX[0]


def test_ward_names_layer_when_asked(maidstone_geojson, maidstone_values, wards):
    without = maps.choropleth(maidstone_geojson, maidstone_values, measure="count", measure_label="Crimes")
    assert "names" not in [layer.id for layer in without.layers]
    deck = maps.choropleth(maidstone_geojson, maidstone_values, measure="count", measure_label="Crimes",
                           points=NEEDLES, labels=True)
    assert [layer.id for layer in deck.layers] == ["wards", "points", "names"]   # names on top of all
    names = deck.layers[2]
    assert (names.type, names.pickable) == ("TextLayer", False)
    shown = [r["text"].replace("\n", " ") for r in names.data]
    assert set(shown) <= set(wards["ward_name"]) and len(shown) == len(set(shown))
    # the crowded town centre loses some names at the borough's zoom; the ward with most keeps its name
    top = maidstone_values.loc[maidstone_values["value"].idxmax(), "ward_name"]
    assert top in shown and 12 <= len(shown) < 26
    assert all(len(line) <= maps.LABEL_LINE_CHARS for r in names.data for line in r["text"].split("\n")
               if " " in line)
    spec = json.loads(deck.to_json())["layers"][2]
    assert spec["getText"] == "@@=text" and not any(k.endswith("Units") for k in spec)


def test_ward_names_all_shown_when_there_is_room():
    deck = maps.choropleth(geo.ward_geojson(SQUARES), SQUARE_VALUES, measure="count", measure_label="x",
                           labels=True)
    assert [r["text"] for r in deck.layers[-1].data] == ["Alpha", "Beta", "Gamma"]


@pytest.mark.parametrize("lon, first, kept", [
    ([0.0, 0.0001], [0, 1], [0]),      # on top of each other: the first in priority order wins
    ([0.0, 0.0001], [1, 0], [1]),
    ([0.0, 1.0], [1, 0], [1, 0]),      # a degree apart at zoom 10: both
])
def test_uncrowded_keeps_names_in_priority_order(lon, first, kept):
    assert maps._uncrowded(np.array(lon), np.array([51.0, 51.0]), ["Bridge", "High Street"], first, 10) == kept


def test_label_points_lie_inside_their_wards(maidstone_geojson):
    points = maps.label_points(maidstone_geojson)
    assert list(points.columns) == ["ward_code", "ward_name", "longitude", "latitude", "area"] and len(points) == 26
    simplified = gpd.GeoDataFrame.from_features(maidstone_geojson["features"], crs=4326)
    got = geo.assign_areas(points["longitude"], points["latitude"], simplified, "ward_code")
    assert (got == points["ward_code"].to_numpy()).all()
    crescent = {"type": "FeatureCollection", "features": [{"type": "Feature",
                "properties": {"ward_code": "U", "ward_name": "U-shaped"},
                "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [3, 0], [3, 3], [2, 3], [2, 1], [1, 1],
                                                                  [1, 3], [0, 3], [0, 0]]]}}]}
    # the centroid (1.5, ~1.3) falls in the gap of the U; the label point does not
    point = maps.label_points(crescent).iloc[0]
    assert Polygon(crescent["features"][0]["geometry"]["coordinates"][0]).contains(
        gpd.points_from_xy([point["longitude"]], [point["latitude"]])[0])


@pytest.mark.parametrize("population, offered", [
    ([1000.0, 2000.0], ["count", "rate", "change"]),
    ([np.nan, np.nan], ["count", "change"]),      # no population loaded: every ward would be grey
    ([1000.0, np.nan], ["count", "change"]),      # a ward the population lacks would be grey
    ([1000.0, 0.0], ["count", "change"]),         # a population of none gives no rate
])
def test_a_rate_map_is_offered_only_where_every_ward_has_a_population(population, offered):
    table = pd.DataFrame({"ward_code": ["A", "B"], "ward_name": ["Alpha", "Bravo"], "current": [3, 4],
                          "population": population})
    assert list(maps.ward_measures(table)) == offered
    assert maps.unpopulated(table) == [n for n, p in zip(["Alpha", "Bravo"], population) if not p > 0]
    assert set(maps.ward_measures(table).values()) <= set(maps.WARD_MEASURES.values())
