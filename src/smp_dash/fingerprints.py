"""Small, exact keys for what is worked out from data (:func:`fingerprint`), and work kept by the data it
reads (:func:`by_data`), for figures that do not depend on the view that asks for them."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict

import pandas as pd


def fingerprint(value):
    """A small, exact key for a cache: frames by shape, columns, dtypes and a content hash.

    A GeoJSON (a dict) is refused: name boundaries by a key instead (:func:`deck`, :func:`outline`).
    """
    if isinstance(value, tuple):
        return tuple(fingerprint(v) for v in value)
    if isinstance(value, pd.DataFrame):
        return ("frame", tuple(map(str, value.columns)), tuple(map(str, value.dtypes)), value.shape,
                _row_hashes(value))
    if isinstance(value, pd.Series):
        return ("series", str(value.name), str(value.dtype), len(value), _row_hashes(value))
    if isinstance(value, dict):
        if "features" in value:
            raise TypeError("name boundaries by a key (ui.deck, ui.outline) rather than hashing a GeoJSON")
        return ("dict", tuple((str(k), fingerprint(v)) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))))
    if isinstance(value, list):
        return ("list", tuple(fingerprint(v) for v in value))
    if isinstance(value, (set, frozenset)):
        return ("set", tuple(sorted(map(str, value))))
    return value


def _row_hashes(value) -> str:
    """A digest of every row's hash, in order (a sum would not see rows swapped)."""
    return hashlib.blake2b(pd.util.hash_pandas_object(value, index=True).to_numpy().tobytes(), digest_size=16).hexdigest()


def by_data(work, *args, **kwargs):
    """``work(*args, **kwargs)``, kept by what the arguments hold (:func:`fingerprint`; a frame's
    ``attrs`` too) rather than by the view that asks: a chart of every ward (a funnel) is the same
    figure for every ward selection, so a new view gets the object already made, and what a renderer
    keeps beside it (``ui.data.kept``) with it. Callers only read what comes back. The last
    :data:`BY_DATA_ENTRIES` results are kept."""
    key = (work.__module__, work.__qualname__, fingerprint(tuple(_with_attrs(a) for a in args)),
           fingerprint({k: _with_attrs(v) for k, v in kwargs.items()}))
    with _LOCK:
        if key in _BY_DATA:
            _BY_DATA.move_to_end(key)
            return _BY_DATA[key]
    out = work(*args, **kwargs)
    with _LOCK:
        _BY_DATA[key] = out
        while len(_BY_DATA) > BY_DATA_ENTRIES:
            _BY_DATA.popitem(last=False)
    return out


def _with_attrs(value):
    return (value, value.attrs) if isinstance(value, (pd.DataFrame, pd.Series)) and value.attrs else value


#: How many results :func:`by_data` keeps (a figure each: a few per page, period and data version).
BY_DATA_ENTRIES = 256
_BY_DATA: OrderedDict = OrderedDict()
_LOCK = threading.Lock()
