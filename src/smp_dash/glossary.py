"""The glossary and the method notes: the abbreviations the pages and the assessment use, and how
the figures are worked out. The sidebar's "Glossary and method" and the draft assessment show them."""

from __future__ import annotations

import pandas as pd

from smp_dash import measures, outliers

#: Abbreviations the pages and the assessment use, in words.
GLOSSARY = {
    "ASB": "anti-social behaviour",
    "CPN": "Community Protection Notice: a legal notice requiring someone to stop behaviour that harms others",
    "CPT": "Community Protection Team (Maidstone Borough Council)",
    "CPW": "Community Protection Warning: the written warning that comes before a CPN",
    "CSVG": "Community Safety Vulnerability Group: partners' meeting on the most complex cases",
    "DA": "domestic abuse",
    "FPN": "Fixed Penalty Notice: a fine for breaching a notice or order",
    "IOM": "Integrated Offender Management: police, probation and partners managing prolific offenders together",
    "MARAC": "Multi-Agency Risk Assessment Conference: partners' meeting on the highest-risk domestic abuse cases",
    "MBC": "Maidstone Borough Council",
    "MoRiLE": "Management of Risk in Law Enforcement: the scoring method used to rank the priorities",
    "NTE": "night-time economy: the town centre's bars, clubs and late venues",
    "PSPO": "Public Spaces Protection Order: rules for a public place, such as no street drinking",
    "S136": "section 136 of the Mental Health Act: police taking a person in crisis to a place of safety",
    "SMP": "Safer Maidstone Partnership, the borough's community safety partnership",
}
#: How rates per 1,000 residents are read; which ward populations they use depends on the data in use (:func:`method`).
RATES = ("**Rates** are per 1,000 residents; the funnel plot's limits show how far a ward's rate can differ from the "
         "borough's by chance.")
#: How the figures are worked out, in a few sentences (the rates line for the data in use: :func:`method`).
METHOD = (
    "**Changes** compare a period with the one before it. A change is *beyond chance* when an exact Poisson "
    "test (5%) says chance alone would rarely produce it, *within chance* otherwise; *small numbers* when the "
    "counts are too small to say.",
    "**Periods**: calendar years (January to December), financial years (April to March) and assessment years "
    "(December to November), as the 2020-21 assessment used for each measure; 'Latest' takes the latest "
    "complete period of that kind in the data.",
    f"**Outliers**: {outliers.RULE}. Flagged months are marked on every monthly chart and can be excluded.",
    "**Disclosure control**: counts of 1 to 4 of sensitive measures for a ward or a ward selection show as <5, "
    "and figures that would reveal them are hidden.",
    f"**Police data**: {measures.POLICE_CAVEAT}",
)


def method(population: pd.DataFrame) -> tuple[str, ...]:
    """The method notes for the data in use: :data:`METHOD`, with what rates per 1,000 residents rest on
    (the ward populations loaded and their source), or that there are none without populations."""
    rates = f"{RATES} {measures.population_note(population)}" if len(population) else \
        f"**Rates** per 1,000 residents: {measures.NO_POPULATION}."
    return METHOD[:3] + (rates,) + METHOD[3:]
