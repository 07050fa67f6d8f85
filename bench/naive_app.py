"""The naive baseline: the overview the way most Streamlit crime dashboards are written.

Every benchmark runs this beside SMP Dash and prints the ratio. It does the overview's core
work (six headline figures, six monthly trends, three top-five ward tables) and one ward map,
the usual way: the whole Parquet files read on every rerun (``NAIVE_MODE=read``, the default)
or kept with ``st.cache_data``, which hands every rerun a fresh copy of each whole frame
(``NAIVE_MODE=cache``); filtering and grouping in pandas on each rerun; the ward boundaries read
with geopandas and sent at full resolution in a pydeck GeoJsonLayer.

    SMP_DATA_DIR=data/store .venv/bin/streamlit run bench/naive_app.py
"""

import json
import os

import geopandas as gpd
import pandas as pd
import plotly.express as px
import pydeck as pdk
import streamlit as st

folder = os.environ["SMP_DATA_DIR"]
geo_dir = os.environ.get("SMP_GEO_DIR", os.path.join(os.path.dirname(__file__), "..", "..", "shared", "geo"))
lad = os.environ.get("SMP_LAD_CODE", "E07000110")


def read(name):
    return pd.read_parquet(os.path.join(folder, name + ".parquet"))


@st.cache_data
def cached(name):
    return read(name)


load = cached if os.environ.get("NAIVE_MODE", "read") == "cache" else read
crimes, asb, needles = load("crimes"), load("asb_incidents"), load("needle_finds")
requests, population = load("service_requests"), load("population")
wards = gpd.read_file(os.path.join(geo_dir, "kent_wards.geojson"))
if lad != "all":
    wards = wards[wards["lad_code"] == lad]
wards = wards.assign(ward_name=wards["ward_name"].where(~wards["ward_name"].duplicated(keep=False),
                                                        wards["ward_name"] + " (" + wards["lad_name"] + ")"))

st.title("Community safety overview (naive baseline)")
names = dict(zip(wards["ward_name"], wards["ward_code"]))
chosen = st.sidebar.multiselect("Wards", sorted(names), key="wards", bind="query-params")
st.markdown(f"**Showing:** {', '.join(chosen) or 'whole area'}")
if chosen:
    codes = [names[n] for n in chosen]
    crimes = crimes[crimes["ward_code"].isin(codes)]
    asb = asb[asb["ward_code"].isin(codes)]
    needles = needles[needles["ward_code"].isin(codes)]
    requests = requests[requests["ward_code"].isin(codes)]


def count(frame, date, start, end, weight=None):
    rows = frame[(frame[date] >= start) & (frame[date] <= end)]
    return int(rows[weight].sum()) if weight else len(rows)


heads = [
    ("Recorded crime", crimes, "month", None, "2020"),
    ("Domestic abuse", crimes[crimes["domestic_abuse"] == True], "month", None, "2020"),  # noqa: E712
    ("Drug offences", crimes[crimes["crime_type"] == "Drugs"], "month", None, "2020"),
    ("ASB incidents", asb, "month", None, "assessment"),
    ("Needles found", needles, "found", "needles", "assessment"),
    ("Hate crimes", crimes[crimes["hate_strand"].notna()], "month", None, "assessment"),
]
periods = {"2020": ("2020-01-01", "2020-12-31", "2019-01-01", "2019-12-31"),
           "assessment": ("2019-12-01", "2020-11-30", "2018-12-01", "2019-11-30")}
for col, (label, frame, date, weight, kind) in zip(st.columns(6), heads):
    start, end, pstart, pend = (pd.Timestamp(d) for d in periods[kind])
    now, before = count(frame, date, start, end, weight), count(frame, date, pstart, pend, weight)
    col.metric(label, f"{now:,}", f"{now - before:+,}")

by_month = crimes.groupby(["month", "crime_type"]).size().rename("n").reset_index()
series = {
    "Violent crime": by_month[by_month["crime_type"].isin(["Violence and sexual offences", "Robbery"])]
    .groupby("month")["n"].sum(),
    "Domestic abuse": crimes[crimes["domestic_abuse"] == True].groupby("month").size(),  # noqa: E712
    "Drug offences": by_month[by_month["crime_type"] == "Drugs"].set_index("month")["n"],
    "Anti-social behaviour": asb.groupby("month").size(),
    "Young people gathering": requests[requests["subcategory"] == "Youths gathering"]
    .groupby(requests["received"].dt.to_period("M").dt.to_timestamp()).size(),
    "Needles found": needles.groupby(needles["found"].dt.to_period("M").dt.to_timestamp())["needles"].sum(),
}
cols = st.columns(3)
for i, (label, values) in enumerate(series.items()):
    frame = values.rename("value").reset_index()
    frame.columns = ["month", "value"]
    cols[i % 3].plotly_chart(px.line(frame, x="month", y="value", title=label, height=160), key=f"spark_{i}")

ward_names = dict(zip(wards["ward_code"], wards["ward_name"]))
for col, (label, frame, date) in zip(st.columns(3), (("Domestic abuse", crimes[crimes["domestic_abuse"] == True], "month"),  # noqa: E712
                                                     ("ASB", asb, "month"), ("Needles", needles, "found"))):
    recent = frame[(frame[date] >= "2019-12-01") & (frame[date] <= "2020-11-30")]
    top = recent.groupby("ward_code").size().sort_values(ascending=False).head(5).rename("count").reset_index()
    col.dataframe(top.assign(ward=top["ward_code"].map(ward_names)), hide_index=True)

da = crimes[(crimes["domestic_abuse"] == True) & (crimes["month"] >= "2020-04-01")]  # noqa: E712
counts = da.groupby("ward_code").size().rename("count").reset_index()
shaded = wards.merge(counts, on="ward_code", how="left").fillna({"count": 0})
shaded["fill"] = [[190, 60, 120, int(40 + 200 * c / max(shaded["count"].max(), 1))] for c in shaded["count"]]
layer = pdk.Layer("GeoJsonLayer", json.loads(shaded.to_json()), pickable=True, get_fill_color="properties.fill",
                  get_line_color=[80, 80, 80], line_width_min_pixels=1)
st.pydeck_chart(pdk.Deck(layers=[layer], map_style=None, tooltip={"text": "{ward_name}: {count}"},
                         initial_view_state=pdk.ViewState(latitude=51.25, longitude=0.6, zoom=9)))
