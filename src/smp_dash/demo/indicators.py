"""Demonstration indicators, population and action plans.

Published figures come from ``data/reference/published_figures_2020_21.csv`` (transcribed
from the assessment, each row citing its section); this module adds illustrative series the
charts need around them (other years, months, breakdowns), each consistent with the
published totals it sits beside.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from smp_dash import config
from smp_dash.demo import calibration as cal
from smp_dash.demo._alloc import apportion

PUBLISHED_FILE = "published_figures_2020_21.csv"
ACTIONS_FILE = "actions_2020_21.csv"


def published(reference_dir=None) -> pd.DataFrame:
    """The assessment's stated figures, as shipped in the repository (strings)."""
    folder = reference_dir or config.reference_dir()
    return pd.read_csv(folder / PUBLISHED_FILE, dtype=str, keep_default_na=False)


def actions(reference_dir=None) -> pd.DataFrame:
    """The action plan rows of the assessment with their status."""
    folder = reference_dir or config.reference_dir()
    return pd.read_csv(folder / ACTIONS_FILE, dtype=str, keep_default_na=False)


def build_indicators(crimes: pd.DataFrame, reference_dir=None) -> pd.DataFrame:
    """Published figures plus the illustrative series around them."""
    rows = []
    rows += _kent_districts(crimes)
    rows += _youth()
    rows += _section_136()
    rows += _monthly_split("sanctuary_referrals_monthly", "Sanctuary referrals (monthly)", "domestic_abuse",
                           {"2019-04": 32, "2020-04": 33},
                           (3, 2, 3, 3, 2, 3, 3, 2, 3, 2, 3, 3), {"2020-04": (1, 0, 1, 3, 4, 3, 3, 4, 3, 4, 3, 4)})
    rows += _monthly_split("marac_cases_monthly", "MARAC cases (monthly)", "domestic_abuse",
                           {"2018-12": 194, "2019-12": 266}, (1,) * 12, {})
    rows += _illustrative_history()
    frame = pd.DataFrame(rows, columns=["indicator_id", "label", "priority", "period_start", "period_end",
                                        "value", "unit", "breakdown", "source", "note"])
    return pd.concat([published(reference_dir), frame.astype(str).replace({"None": ""})], ignore_index=True)


def build_population(wards: pd.DataFrame, lsoas: pd.DataFrame) -> pd.DataFrame:
    """Approximate ward populations: the borough estimate shared by LSOA count."""
    per_ward = lsoas.groupby("best_fit_ward_code").size().reindex(wards["ward_code"], fill_value=1)
    rows = []
    for year, total in cal.BOROUGH_POPULATION.items():
        for code, people in zip(per_ward.index, apportion(total, per_ward.to_numpy())):
            rows.append((code, year, int(people), cal.POPULATION_SOURCE))
    return pd.DataFrame(rows, columns=["ward_code", "year", "population", "source"])


def _row(indicator_id, label, priority, start, end, value, unit="count", breakdown="", note=""):
    return (indicator_id, label, priority, start, end, value, unit, breakdown, cal.ILLUSTRATIVE, note)


def _kent_districts(crimes: pd.DataFrame) -> list[tuple]:
    """All crime and drug offences by Kent district and year; Maidstone's from its own crimes."""
    rows = []
    year = crimes["month"].dt.year
    for y in sorted(cal.KENT_TOTALS):
        maidstone_all = int((year == y).sum())
        maidstone_drugs = int(((year == y) & (crimes["crime_type"] == "Drugs")).sum())
        for indicator, label, kent, mine in (
            ("recorded_crime_district", "Police recorded crime by district", cal.KENT_TOTALS[y], maidstone_all),
            ("drug_offences_district", "Drug offences by district", cal.KENT_DRUGS[y], maidstone_drugs),
        ):
            others = apportion(kent - mine, list(cal.DISTRICT_WEIGHTS.values()))
            start, end = f"{y}-01-01", f"{y}-12-31"
            note = "Kent Police area; Maidstone computed from the crimes dataset"
            rows.append(_row(indicator, label, "police_data", start, end, mine, breakdown="Maidstone", note=note))
            rows += [_row(indicator, label, "police_data", start, end, int(n), breakdown=name, note=note)
                     for name, n in zip(cal.DISTRICT_WEIGHTS, others)]
    return rows


def _youth() -> list[tuple]:
    """Youth offences by financial year; offenders by age band (published totals kept)."""
    rows = []
    for y, n in zip(range(2014, 2018), (205, 180, 152, 131)):
        rows.append(_row("youth_offences", "Youth offences", "children_young_people",
                         f"{y}-04-01", f"{y + 1}-03-31", n))
    bands = ("13-14", "15", "16", "17+")
    for y, counts in ((2018, (5, 8, 10, 12)), (2019, (6, 9, 11, 13))):
        rows += [_row("youth_offenders_by_age", "Youth offenders by age band", "children_young_people",
                      f"{y}-04-01", f"{y + 1}-03-31", c, breakdown=b) for b, c in zip(bands, counts)]
    return rows


def _section_136() -> list[tuple]:
    return [_row("section_136_uses", "Section 136 (Mental Health Act) uses", "mental_health",
                 f"{y}-01-01", f"{y}-12-31", n) for y, n in zip(range(2015, 2019), (120, 131, 138, 150))]


def _monthly_split(indicator_id, label, priority, totals: dict[str, int], profile, overrides) -> list[tuple]:
    """Monthly rows whose 12 months add up to a published period total."""
    rows = []
    for first, total in totals.items():
        months = pd.date_range(first + "-01", periods=12, freq="MS")
        weights = np.array(overrides.get(first, profile), dtype="float64") + 0.01
        for month, n in zip(months, apportion(total, weights)):
            end = (month + pd.offsets.MonthEnd(0)).date()
            rows.append(_row(indicator_id, label, priority, str(month.date()), str(end), int(n),
                             note=f"monthly split of the published {total} (illustrative)"))
    return rows


def _illustrative_history() -> list[tuple]:
    """Earlier MARAC and sanctuary totals so trends have a past (illustrative)."""
    rows = [_row("marac_cases", "MARAC cases", "domestic_abuse", f"{y - 1}-12-01", f"{y}-11-30", n)
            for y, n in ((2016, 160), (2017, 172), (2018, 181))]
    rows += [_row("sanctuary_referrals", "Sanctuary referrals", "domestic_abuse", f"{y}-04-01", f"{y + 1}-03-31", n)
             for y, n in ((2016, 27), (2017, 30), (2018, 29))]
    return rows


__all__ = ["build_indicators", "build_population", "published", "actions"]
