"""Fixtures the page-model tests share: the demonstration data, and police.uk's crimes alone."""

from __future__ import annotations

import pandas as pd
import pytest

from smp_dash import bundle as bundles
from smp_dash.selection import PUBLISHED, Filter


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
