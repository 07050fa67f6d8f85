"""A demonstration of the Home Office's crime by partnership and ONS's district populations: Kent's
thirteen partnerships over three financial years, every count invented (each row's ``source`` says so).

Deterministic (its own seed): the same rows every run. The populations are round figures near the
districts' real size, so the rates look like rates; the counts are drawn from invented rates per
offence group, Maidstone's close to the middle. Nothing here is real.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SEED = 2324
SOURCE = "demonstration (illustrative): invented counts in the Home Office's layout"
POPULATION_SOURCE = "demonstration (illustrative): round figures, not ONS estimates"
FORCE = "Kent"
#: Kent's partnerships, their district codes and an illustrative population (round figures).
PARTNERSHIPS = (("Ashford", "E07000105", 131_000), ("Canterbury", "E07000106", 165_000),
                ("Dartford", "E07000107", 113_000), ("Dover", "E07000108", 118_000),
                ("Folkestone and Hythe", "E07000112", 113_000), ("Gravesham", "E07000109", 107_000),
                ("Maidstone", "E07000110", 172_000), ("Medway", "E06000035", 279_000),
                ("Sevenoaks", "E07000111", 121_000), ("Swale", "E07000113", 151_000),
                ("Thanet", "E07000114", 142_000), ("Tonbridge and Malling", "E07000115", 132_000),
                ("Tunbridge Wells", "E07000116", 118_000))
#: Invented offences per 1,000 residents a year, by Home Office offence group.
RATES = {"Violence against the person": 38.0, "Sexual offences": 3.2, "Robbery": 0.8, "Theft offences": 28.0,
         "Criminal damage and arson": 9.5, "Drug offences": 2.4, "Possession of weapons offences": 0.9,
         "Public order offences": 12.0, "Miscellaneous crimes against society": 1.6}
YEARS = ("2018/19", "2019/20", "2020/21")


def build_csp_crime() -> pd.DataFrame:
    """Quarter, partnership and offence group totals in the ``csp_crime`` contract's columns."""
    rng = np.random.default_rng(SEED)
    level = dict(zip([p[0] for p in PARTNERSHIPS], rng.uniform(0.7, 1.35, len(PARTNERSHIPS))))
    level["Maidstone"] = 0.95
    rows = []
    for year in YEARS:
        start = int(year[:4])
        for quarter in range(1, 5):
            first = pd.Timestamp(start + (quarter == 4), (3 * quarter + 1) % 12 or 12, 1)
            for name, _, people in PARTNERSHIPS:
                for group, rate in RATES.items():
                    expected = rate * people / 1000 / 4 * level[name]
                    rows.append({"financial_year": year, "quarter": first, "police_force": FORCE, "csp_name": name,
                                 "offence_group": group, "offences": int(rng.poisson(expected)), "missing_lines": 0,
                                 "source": SOURCE})
    return pd.DataFrame(rows)


def build_lad_population() -> pd.DataFrame:
    """The partnerships' districts in the ``lad_population`` contract's columns."""
    return pd.DataFrame([{"lad_code": code, "lad_name": name, "geography": "Unitary Authority"
                          if code.startswith("E06") else "Non-metropolitan District", "year": 2020,
                          "population": people, "source": POPULATION_SOURCE} for name, code, people in PARTNERSHIPS])
