"""Where demonstration rows are placed: points inside the real ward and LSOA polygons."""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely

from smp_dash import geo

#: Points per ward that crimes snap to, like police.uk's anonymised map points.
POINTS_PER_WARD = 40

#: police.uk-style location descriptions for the snap points.
LOCATION_KINDS = (
    "Parking Area", "Supermarket", "Shopping Area", "Park/Open Space", "Petrol Station",
    "Sports/Recreation Area", "Further/Higher Educational Building", "Conference/Exhibition Centre",
    "Nightclub", "Pedestrian Subway", "Bus/Coach Station", "Theatre/Concert Hall",
)

#: Named places in the needle-find log (approximate WGS84 points in Maidstone).
NEEDLE_PLACES = {
    "River Steps": (0.5208, 51.2725), "Needle bins": (0.5243, 51.2737),
    "Brenchley Gardens": (0.5218, 51.2768), "Whatman Park": (0.5106, 51.2790),
    "Lockmeadow": (0.5173, 51.2705), "Alexander Street": (0.5142, 51.2756),
    "Rose Garden": (0.5470, 51.2690), "Wallis Avenue": (0.5440, 51.2490),
    "Sittingbourne Road": (0.5330, 51.2850), "Mote Park": (0.5420, 51.2680),
    "Fremlin Walk": (0.5232, 51.2762), "Tonbridge Road": (0.5060, 51.2700),
    "Union Street": (0.5262, 51.2752), "Week Street": (0.5222, 51.2775),
    "Shepway Green": (0.5480, 51.2560), "Sutton Road": (0.5510, 51.2540),
    "Tovil Green": (0.5160, 51.2620), "Palace Avenue": (0.5225, 51.2720),
    "King Street": (0.5275, 51.2742), "Sandling Road": (0.5185, 51.2830),
}


def point_pools(wards: pd.DataFrame, lsoas: pd.DataFrame, rng) -> pd.DataFrame:
    """POINTS_PER_WARD random points inside each ward and inside some LSOA of the borough.

    Returns ward_code, longitude, latitude, lsoa_code, location; rows grouped by ward in
    ward-code order, so a row can be picked by (ward position, point index).
    """
    rows = []
    for i, ward in enumerate(wards.itertuples()):
        lon, lat = _sample_in(ward.geometry, POINTS_PER_WARD, rng)
        lsoa = geo.assign_areas(lon, lat, lsoas, "lsoa_code")
        kinds = rng.choice(len(LOCATION_KINDS), size=POINTS_PER_WARD)
        rows.append(pd.DataFrame({
            "ward_code": ward.ward_code,
            "longitude": np.round(lon, 6),
            "latitude": np.round(lat, 6),
            "lsoa_code": lsoa,
            "location": ["On or near " + LOCATION_KINDS[k] for k in kinds],
        }))
    return pd.concat(rows, ignore_index=True)


def _sample_in(polygon, n: int, rng) -> tuple[np.ndarray, np.ndarray]:
    """``n`` uniform random points inside ``polygon`` (rejection sampling, vectorised)."""
    minx, miny, maxx, maxy = polygon.bounds
    shapely.prepare(polygon)
    got_x, got_y = [], []
    while sum(len(x) for x in got_x) < n:
        x = rng.uniform(minx, maxx, 4 * n)
        y = rng.uniform(miny, maxy, 4 * n)
        inside = shapely.contains_xy(polygon, x, y)
        got_x.append(x[inside])
        got_y.append(y[inside])
    return np.concatenate(got_x)[:n], np.concatenate(got_y)[:n]
