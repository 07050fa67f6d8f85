"""The data behind every page, loaded once per process and shared read-only by every session.

The bundle (``bundle.from_store``) is reloaded when the store's manifest changes; a page's figures
(``smp_dash.priorities``), charts, maps and row samples are cached on simple keys: the builder's
name, the data version and the view, never the frames themselves where hashing them would cost
more than the work.
"""

from __future__ import annotations

import importlib

import pandas as pd
import streamlit as st

from smp_dash import bundle, config, demo, geo, intake, maps, store
from smp_dash.bundle import Bundle
from smp_dash.selection import Filter


def _stamp(data_dir) -> tuple:
    """What identifies the data in use (the store's manifest): changes with every commit."""
    return store.stamp(data_dir)


def data() -> Bundle:
    """The shared data bundle (loaded once per process; reloaded when the store changes)."""
    folder = config.data_dir()
    if not store.exists("crimes", folder):
        _load_demo(str(folder))
    return _bundle(str(folder), str(config.geo_dir()), config.lad_code(), _stamp(folder))


@st.cache_resource(show_spinner="Generating the demonstration data…")
def _load_demo(folder: str) -> None:
    demo.write(folder)


@st.cache_resource(show_spinner="Loading data…", max_entries=2)
def _bundle(folder: str, geo_dir: str, lad: str, stamp: tuple) -> Bundle:
    return bundle.from_store(folder, geo_dir, lad)


def cached(builder, *args, **kwargs):
    """``builder(*args, **kwargs)``, computed once per distinct input and shared.

    For the pure builders of charts, maps and metrics: building a plotly figure costs tens of
    milliseconds of validation, so a rerun with the same filter gets the same object back.
    Builders return fresh objects and callers only read them, so sharing is safe.
    """
    return _figure(f"{builder.__module__}:{builder.__qualname__}", *args, **kwargs)


def figures(build, view: Filter, **options):
    """``build(data(), view, **options)``: a page's figures (``smp_dash.priorities``), computed once
    per version of the data in use, view and options, and shared by every session showing that view.

    Keyed on the store's manifest and the view, never on the data itself (hashing the cubes on
    every lookup would cost more than the figures). Callers only read what comes back.
    """
    return _figures(f"{build.__module__}:{build.__qualname__}", _stamp(config.data_dir()), view,
                    tuple(sorted(options.items())), data())


@st.cache_resource(max_entries=512, show_spinner=False)
def _figures(builder: str, stamp: tuple, view: Filter, options: tuple, _bundle: Bundle):
    module, attribute = builder.split(":")
    return getattr(importlib.import_module(module), attribute)(_bundle, view, **dict(options))


@st.cache_resource(max_entries=1024, show_spinner=False)
def _figure(smp_builder: str, /, *args, **kwargs):
    module, attribute = smp_builder.split(":")
    return getattr(importlib.import_module(module), attribute)(*args, **kwargs)


@st.cache_resource(max_entries=256, show_spinner=False)
def deck(geo_key: str, _geojson: dict, values: pd.DataFrame, **kwargs):
    """A cached choropleth; the boundaries are named by ``geo_key`` rather than hashed (50 KB+)."""
    return maps.choropleth(_geojson, values, **kwargs)


@st.cache_resource(show_spinner=False)
def district_geojson(geo_dir: str) -> dict | None:
    """Kent's district outlines for the district map; None when the boundary files are missing."""
    try:
        return geo.district_geojson(geo.load_districts(geo_dir))
    except geo.BoundariesMissing:
        return None


def row_sample(dataset: str, wards: tuple[str, ...]) -> tuple[pd.DataFrame, int]:
    """The newest rows of ``dataset`` in ``wards`` and how many match (``intake.rows``), worked out
    once per dataset, wards and version of the data in use."""
    folder = config.data_dir()
    return _row_sample(dataset, tuple(wards), str(folder), _stamp(folder))


@st.cache_resource(max_entries=32, show_spinner=False)
def _row_sample(dataset: str, wards: tuple[str, ...], folder: str, stamp: tuple):
    return intake.rows(dataset, wards, data_dir=folder)
