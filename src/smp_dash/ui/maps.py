"""Map sections: the ward choropleth (clicking a ward adds it to the shared filter) and Kent's
districts."""

from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st

from smp_dash import blocks, charts, config, disclosure, maps, measures
from smp_dash.bundle import Bundle
from smp_dash.selection import Filter
from smp_dash.ui import run
from smp_dash.ui.glossary import words
from smp_dash.wording import mid_sentence
from smp_dash.ui.data import deck, district_geojson, kept, outline
from smp_dash.ui.sections import protect
from smp_dash.ui.sidebar import add_ward


def ward_map_section(bundle: Bundle, view: Filter, block: blocks.WardMap) -> None:
    """Measure selector, a "Show ward names" toggle and the ward choropleth for a ward map block (its
    ``table`` from ``measures.ward_table``); both controls are kept in the address, so a shared link
    shows the same map.

    ``sensitive`` data (DA, needle finds, hate crime) is drawn with disclosure control when it is
    on: hidden wards are grey and points with small counts are left off. A rate per 1,000 residents
    is offered only when every ward has a population, and the change only when the table has one
    (``maps.ward_measures``; ``no_comparison``, the table's reason for having none, is said under the
    map); the caption says what rates rest on, or why there are none. What is drawn is made once per
    block, measure, names, selection and who may see locations (``ui.data.kept``).
    """
    if bundle.geojson is None:
        st.info(words("The ward map needs the ONS boundary files; see the notice above."))
        return
    offered = kept(maps.ward_measures, block.table, comparable=not block.no_comparison)
    measure_column, names_column = st.columns([3, 1], vertical_alignment="bottom")
    measure = measure_column.segmented_control("Map measure", list(offered), format_func=offered.get,
                                               default="count", key=f"{block.key}_measure",
                                               bind="query-params") or "count"
    measure = measure if measure in offered else "count"
    names = names_column.toggle("Show ward names", key=f"{block.key}_names", bind="query-params",
                                help="Write each ward's name on the map, for a room that cannot hover.")
    drawn, legend, caption, alt = kept(_ward_map, block, bundle, measure, bool(names), tuple(sorted(view.wards)),
                                       run.current().person.can_see_locations)
    ward_map(drawn, key=block.key, legend_html=legend, caption=caption, alt=alt)


def _ward_map(block: blocks.WardMap, bundle: Bundle, measure: str, names: bool, selected: tuple,
              locations: bool) -> tuple:
    """The deck, legend, caption and text alternative of a ward map block as shown."""
    table, colour, points = block.table, block.colour, block.points
    offered = maps.ward_measures(table, comparable=not block.no_comparison)
    caption = block.caption
    if block.no_comparison:
        caption = f"{caption} {maps.WARD_MEASURES['change']} not offered: {block.no_comparison}."
    column = maps.WARD_COLUMNS[measure]
    protected = protect(table, None, block.sensitive)
    values = table.assign(value=table[column]) if protected is None else disclosure.map_values(protected, value=column)
    if protected is not None and points is not None:
        points = points[points["size"] > config.SUPPRESSION_THRESHOLD]
    if points is not None and not locations:
        points = None           # viewers see ward totals, not where finds were made
    drawn = deck(f"wards:{config.geo_dir()}:{config.lad_code()}", bundle.geojson, values, measure=measure,
                 measure_label=offered[measure], selected=selected, points=points, colour=colour,
                 diverging=measure == "change", points_label="Needles", labels=names)
    legend = maps.legend_html(maps.legend(values["value"], colour=colour, diverging=measure == "change",
                                          measure=measure), offered[measure])
    return (drawn, legend, f"{caption} {_rates_note(bundle, table, measure)}".strip(),
            charts.describe_wards(values, title=f"{caption.split('.')[0]}, {mid_sentence(offered[measure])}"))


def _rates_note(bundle: Bundle, table: pd.DataFrame, measure: str) -> str:
    """What a ward map's rates rest on when it shows them, or why it offers none."""
    if measure == "rate":
        return bundle.mark(measures.population_note(bundle.population, table.attrs.get("population_year")), "population")
    lacking = maps.unpopulated(table)
    if not lacking:
        return ""
    if bundle.population.empty:
        return f"{measures.NO_POPULATION}."
    named = ", ".join(lacking[:3]) + (f" and {len(lacking) - 3} more" if len(lacking) > 3 else "")
    return f"No rate per 1,000 residents: no population loaded for {named}."


def ward_map(drawn, *, key: str, legend_html: str, caption: str, alt: str = "") -> None:
    """A pydeck ward map: clicking a ward adds it to the shared ward filter; ``alt`` is its text
    alternative for screen readers (``charts.describe_wards``)."""
    if not run.allowed("chart"):
        return
    st.pydeck_chart(drawn, width="stretch", height=480, on_select=partial(_map_clicked, f"map_{key}"),
                    selection_mode="single-object", key=f"map_{key}", alt=alt or None)
    st.html(legend_html)
    st.caption(words(f"{caption} Click a ward to add it to the ward filter. {config.BOUNDARY_ATTRIBUTION}"))


def district_map_section(bundle: Bundle, table: pd.DataFrame, *, key: str, colour: str, caption: str) -> None:
    """Kent districts coloured by ``table`` (lad_name, current, previous, pct_change)."""
    geojson = district_geojson(str(config.geo_dir()))
    if geojson is None:
        st.info(words("The district map needs the ONS boundary files; see the notice above."))
        return
    names = {f["properties"]["lad_name"]: f["properties"]["lad_code"] for f in geojson["features"]}
    values = table.assign(lad_code=table["lad_name"].map(names), value=table["current"])
    figure = outline(f"districts:{config.geo_dir()}", geojson, values, measure="count", measure_label="Recorded crimes",
                     colour=colour, title="", selected={names["Maidstone"]} if "Maidstone" in names else None)
    st.plotly_chart(figure, width="stretch", key=f"map_{key}", config={"displayModeBar": False}, theme=None,
                    alt=charts.describe_wards(values, title=caption.split(".")[0], name="lad_name", areas="district"))
    st.html(maps.legend_html(maps.legend(values["value"], colour=colour), "Recorded crimes"))
    st.caption(words(f"{caption} {config.BOUNDARY_ATTRIBUTION}"))


def _map_clicked(key: str) -> None:
    selection = st.session_state[key].get("selection", {})
    for picked in selection.get("objects", {}).get("wards", []):
        add_ward(picked.get("ward_name") or picked.get("properties", {}).get("ward_name", ""))
