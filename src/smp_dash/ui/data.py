"""The data behind every page, loaded once per process and shared read-only by every session.

The bundle (``bundle.from_store``) is reloaded when the store's manifest changes; a page's figures
(``smp_dash.priorities``), charts, maps and row samples are cached on simple keys: the builder's
name, the data version and the view, never the frames themselves where hashing them would cost
more than the work.
"""

from __future__ import annotations

import importlib
import threading
import weakref

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from smp_dash import bundle, charts, config, demo, geo, images, intake, store
from smp_dash.fingerprints import fingerprint
from smp_dash.bundle import Bundle
from smp_dash.selection import Filter


def _stamp(data_dir) -> tuple:
    """What identifies the data in use (the store's manifest): changes with every commit."""
    return store.stamp(data_dir)


def data() -> Bundle:
    """The shared data bundle (loaded once per process; reloaded when the store changes).

    Loading checks every file of the data in use against the manifest (``store.read_pages``), so
    the check runs once per data version too, and a warm rerun pays nothing; ``store.StoreDamaged``
    (never cached) when it fails, which ``ui.page`` turns into its failure page."""
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


#: Figure computations running at once in this process: reruns of many sessions at the same moment
#: each work on their own temporary frames, so a meeting opening one link would otherwise multiply
#: the server's peak memory (731 MB for 30 sessions at county scale); one process runs one at a time
#: under the GIL anyway, so this costs no throughput.
_COMPUTING = threading.BoundedSemaphore(2)


def cached(builder, *args, **kwargs):
    """``builder(*args, **kwargs)``, computed once per distinct input and shared.

    For the pure builders of charts and metrics: building a plotly figure costs tens of
    milliseconds of validation, so a rerun with the same filter gets the same object back.
    Inputs are keyed by a cheap fingerprint (:func:`fingerprint`: a frame's shape, columns and
    content hash), not by Streamlit's hashing, which cost a quarter of a page's rerun. Builders
    return fresh objects and callers only read them, so sharing is safe.
    """
    key = tuple(fingerprint(v) for v in (*args, *sorted(kwargs.items())))
    return _figure(f"{builder.__module__}:{builder.__qualname__}", key, _args=args, _kwargs=kwargs)


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
    with _COMPUTING:
        return _call(builder, _bundle, view, **dict(options))


@st.cache_resource(max_entries=1024, show_spinner=False)
def _figure(builder: str, key: tuple, _args: tuple, _kwargs: dict):
    with _COMPUTING:
        return _call(builder, *_args, **_kwargs)


def _call(builder: str, *args, **kwargs):
    module, attribute = builder.split(":")
    return getattr(importlib.import_module(module), attribute)(*args, **kwargs)


def deck(geo_key: str, geojson: dict, values: pd.DataFrame, **kwargs):
    """A cached choropleth (``maps.choropleth``); the boundaries are named by ``geo_key`` rather
    than hashed (50 KB+), the values by their fingerprint."""
    key = (fingerprint(values), tuple((k, fingerprint(v)) for k, v in sorted(kwargs.items())))
    return _named("smp_dash.maps:choropleth", geo_key, key, _geojson=geojson, _values=values, _kwargs=kwargs)


def outline(geo_key: str, geojson: dict, values: pd.DataFrame, **kwargs):
    """A cached outline map (``maps.outline_map``), keyed as :func:`deck` is."""
    key = (fingerprint(values), tuple((k, fingerprint(v)) for k, v in sorted(kwargs.items())))
    return _named("smp_dash.maps:outline_map", geo_key, key, _geojson=geojson, _values=values, _kwargs=kwargs)


@st.cache_resource(max_entries=256, show_spinner=False)
def _named(builder: str, geo_key: str, key: tuple, _geojson: dict, _values: pd.DataFrame, _kwargs: dict):
    return _call(builder, _geojson, _values, **_kwargs)


@st.cache_resource(show_spinner=False)
def district_geojson(geo_dir: str) -> dict | None:
    """Kent's district outlines for the district map; None when the boundary files are missing."""
    try:
        return geo.district_geojson(geo.load_districts(geo_dir))
    except geo.BoundariesMissing:
        return None


def per_version(reader, *args):
    """``reader(*args, data_dir=...)`` over the store in use (intake's earlier versions of a dataset,
    which the manifest holds and the bundle does not), read once per version of the data."""
    folder = config.data_dir()
    return _per_version(f"{reader.__module__}:{reader.__qualname__}", args, str(folder), _stamp(folder))


@st.cache_resource(max_entries=64, show_spinner=False)
def _per_version(reader: str, args: tuple, folder: str, stamp: tuple):
    return _call(reader, *args, data_dir=folder)


def row_sample(dataset: str, wards: tuple[str, ...]) -> tuple[pd.DataFrame, int]:
    """The newest rows of ``dataset`` in ``wards`` and how many match (``intake.rows``), worked out
    once per dataset, wards and version of the data in use."""
    folder = config.data_dir()
    return _row_sample(dataset, tuple(wards), str(folder), _stamp(folder))


@st.cache_resource(max_entries=32, show_spinner=False)
def _row_sample(dataset: str, wards: tuple[str, ...], folder: str, stamp: tuple):
    return intake.rows(dataset, wards, data_dir=folder)


def fitted(fig, width: int = charts.FULL_WIDTH):
    """``charts.fitted(fig, width)`` as ``st.plotly_chart`` reads it, made once per figure (:func:`kept`).

    ``st.plotly_chart`` draws a figure's dict (``to_dict``), which for a chart of a few traces costs
    milliseconds on every rerun (their arrays encoded again), and copying a figure to fit its title
    tens of milliseconds per new view (plotly validates every property again): here the figure's
    dict is made once and the title fitted in it (``charts.title_fit``), the same dict as
    ``charts.fitted(fig, width).to_dict()``.
    """
    return kept(_drawn, fig, width)


class Drawn(go.Figure):
    """A figure's dict, handed to ``st.plotly_chart`` as the figure it was made from: it reads the
    dict alone (``to_dict``). Not a figure to change or to read properties of."""

    def __init__(self, spec: dict):      # no plotly validation: the dict came from a figure
        self.__dict__["_spec"] = spec

    def to_dict(self) -> dict:
        return self._spec


def _drawn(fig, width: int) -> Drawn:
    spec = fig.to_dict()
    changes = charts.title_fit(fig, width)
    return Drawn({**spec, "layout": images.merged(spec.get("layout", {}), changes)} if changes else spec)


def kept(work, thing, *args, **kwargs):
    """``work(thing, *args, **kwargs)``, worked out once per object ``thing`` and arguments.

    For what a renderer derives from a page model's figures and tables on every rerun (a fitted
    copy, the text alternative, a table's HTML): those objects are shared, never changed, and live
    as long as their cache entry, so what is derived from them is kept beside them, by identity (a
    figure cannot be hashed, and hashing a frame would cost more than the work), and dropped with
    them. ``args`` are part of the key, by value or, where they cannot be hashed (the bundle, one
    per data version), by identity; ``kwargs`` by their ``repr``.
    """
    key = (work, id(thing), tuple(map(_by_value_or_identity, args)), repr(sorted(kwargs.items())) if kwargs else "")
    held = _KEPT.get(key)
    if held is not None and held[0]() is thing:
        return thing if held[1] is _SAME else held[1]
    out = work(thing, *args, **kwargs)
    # the object itself is never held strongly, or it would never be dropped
    _KEPT[key] = (weakref.ref(thing, lambda _, key=key: _KEPT.pop(key, None)), _SAME if out is thing else out)
    return out


def _by_value_or_identity(value):
    try:
        hash(value)
    except TypeError:
        return ("id", id(value))
    return value


#: (work, id of an object, arguments) -> (a weak reference to the object, what work made of it).
_KEPT: dict[tuple, tuple[weakref.ref, object]] = {}
_SAME = object()
