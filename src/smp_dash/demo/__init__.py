"""The deterministic demonstration dataset, calibrated to the Strategic Assessment 2020-21.

``build()`` returns every dataset as frames in its contract; the same boundaries and seed
give the same rows, in the same order, every run. Figures the assessment states are
reproduced exactly (see ``calibration.py``); every other number is illustrative and its
rows say so in their ``source`` column. ``write()`` puts the dataset in the store, marked
as demonstration data.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from smp_dash import geo, schema, store
from smp_dash.demo import calibration
from smp_dash.demo._places import point_pools
from smp_dash.demo.community import (build_encampments, build_enforcement, build_needle_finds,
                                     build_service_requests)
from smp_dash.demo.crime import build_asb, build_crimes
from smp_dash.demo.indicators import actions, build_indicators, build_population
from smp_dash.demo.partnerships import build_csp_crime, build_lad_population

SEED = 20210331
SOURCE = "demonstration dataset (SMP Dash; calibrated to the Strategic Assessment 2020-21, otherwise illustrative)"
#: The notice over demonstration data, said once for the pages, the data pack and the command line.
NOTICE_TITLE = "Demonstration data."
NOTICE_TEXT = ("Figures the Strategic Assessment 2020-21 states are reproduced exactly; every other number "
               "(other years, wards, months, places) is illustrative, not real.")
NOTICE = f"{NOTICE_TITLE} {NOTICE_TEXT}"


def build(wards: pd.DataFrame | None = None, lsoas: pd.DataFrame | None = None, *,
          seed: int = SEED) -> dict[str, pd.DataFrame]:
    """Every dataset of the demonstration, validated against its contract.

    Parameters
    ----------
    wards, lsoas : the borough's boundaries (default: Maidstone's from the configured folder).
    seed : the random seed; the default reproduces the published figures.
    """
    wards = geo.load_wards("E07000110") if wards is None else wards
    lsoas = geo.load_lsoas("E07000110") if lsoas is None else lsoas
    rng = np.random.default_rng(seed)
    pools = point_pools(wards, lsoas, rng)
    crimes = build_crimes(wards, pools, rng)
    frames = {
        "crimes": crimes,
        "asb_incidents": build_asb(wards, pools, rng),
        "service_requests": build_service_requests(wards, pools, rng),
        "needle_finds": build_needle_finds(wards, rng),
        "enforcement": build_enforcement(wards, rng),
        "encampments": build_encampments(wards, rng),
        "indicators": build_indicators(crimes),
        "actions": actions(),
        "population": build_population(wards, lsoas),
        "csp_crime": build_csp_crime(),
        "lad_population": build_lad_population(),
    }
    return {name: schema.validate(frame, name, f"demonstration {name}") for name, frame in frames.items()}


def write(data_dir=None) -> dict[str, dict]:
    """Build the demonstration dataset and make it the data in use; return provenance per dataset."""
    return store.write_many(build(), source=SOURCE, demo=True, data_dir=data_dir)   # one transaction


__all__ = ["build", "write", "calibration", "NOTICE", "NOTICE_TEXT", "NOTICE_TITLE", "SEED", "SOURCE"]
