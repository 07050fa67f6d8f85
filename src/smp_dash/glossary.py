"""The glossary and the method notes: the abbreviations the pages and the assessment use, and how
the figures are worked out. The sidebar's "Glossary and method" and the draft assessment show them."""

from __future__ import annotations

import html
import re

import pandas as pd

from smp_dash import measures, outliers, spc

#: Abbreviations the pages and the assessment use, in words.
GLOSSARY = {
    "API": "application programming interface: the service through which police.uk gives its data to programs",
    "ASB": "anti-social behaviour",
    "CPN": "Community Protection Notice: a legal notice requiring someone to stop behaviour that harms others",
    "CPT": "Community Protection Team (Maidstone Borough Council)",
    "CPW": "Community Protection Warning: the written warning that comes before a CPN",
    "CSP": "Community Safety Partnership: the council, police, fire, health and probation working together on crime "
           "and disorder in a district, as the Crime and Disorder Act 1998 requires",
    "CSVG": "Community Safety Vulnerability Group: partners' meeting on the most complex cases",
    "DA": "domestic abuse",
    "FPN": "Fixed Penalty Notice: a fine for breaching a notice or order",
    "IOM": "Integrated Offender Management: police, probation and partners managing prolific offenders together",
    "LSOA": "Lower layer Super Output Area: a small area of about 1,500 residents the ONS publishes figures for",
    "MAD": "median absolute deviation: how far months typically lie from their median, which one unusual month "
           "does not stretch as it would a standard deviation",
    "MARAC": "Multi-Agency Risk Assessment Conference: partners' meeting on the highest-risk domestic abuse cases",
    "MBC": "Maidstone Borough Council",
    "MoRiLE": "Management of Risk in Law Enforcement: the scoring method used to rank the priorities",
    "NTE": "night-time economy: the town centre's bars, clubs and late venues",
    "ONS": "Office for National Statistics",
    "PSPO": "Public Spaces Protection Order: rules for a public place, such as no street drinking",
    "S136": "section 136 of the Mental Health Act: police taking a person in crisis to a place of safety",
    "SMP": "Safer Maidstone Partnership, the borough's community safety partnership",
    "SPC": "statistical process control: control charts that tell a signal (special cause) from a month's usual "
           "variation (common cause)",
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
    f"**Control charts**: {spc.METHOD}",
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


#: An abbreviation used as a word (``{term}``, or its plural): not part of a longer word or code ("DA" in
#: "DATA", "S136" in "S1360"), a link's address or an icon's name.
USE = r"(?<![\w/#:-]){term}(?=s?(?![\w-]))"
#: A markdown link (its text, then its address): an abbreviation inside one is linked already.
_LINK = re.compile(r"\[[^\]]*\]\([^)]*\)")
_TERMS = re.compile(USE.format(term="(" + "|".join(sorted(map(re.escape, GLOSSARY), key=len, reverse=True)) + ")"))


def anchor(term: str) -> str:
    """The id of ``term``'s meaning at a page's foot (:func:`foot`): "glossary-ASB"."""
    return f"glossary-{term}"


def linked(text: str, seen: list[str]) -> str:
    """``text`` (markdown) with the first use of each abbreviation not in ``seen`` linked to its meaning
    at the page's foot, the meaning also its title for those who hover ("[ASB](#glossary-ASB "anti-social
    behaviour")"); ``seen`` gains the abbreviations linked, in order. Only the first use on a page is
    linked: a page calls this for each of its words in the order it draws them."""
    out, at = [], 0
    for link in [*_LINK.finditer(text), None]:
        end = link.start() if link else len(text)
        out.append(_TERMS.sub(lambda m: _link(m.group(1), seen), text[at:end]))
        if link:
            out.append(link.group(0))
            at = link.end()
    return "".join(out)


def linked_html(text: str, seen: list[str]) -> str:
    """:func:`linked` for plain ``text`` shown as HTML (a table's caption): every character escaped, the
    first use of each abbreviation an ``<a>`` to its meaning with the same title."""
    e = html.escape
    return _TERMS.sub(lambda m: m.group(1) if m.group(1) in seen else
                      f'<a href="#{anchor(m.group(1))}" title="{e(_title(m.group(1), seen))}">{m.group(1)}</a>', e(text))


def _link(term: str, seen: list[str]) -> str:
    if term in seen:
        return term
    return f'[{term}](#{anchor(term)} "{_title(term, seen)}")'


def _title(term: str, seen: list[str]) -> str:
    """The hover title of ``term``'s first link; ``seen`` gains it."""
    seen.append(term)
    return re.sub(r"\s*\(([^)]*)\)", r", \1", GLOSSARY[term].split(":")[0]).replace('"', "'")


def foot(terms: list[str]) -> str:
    """The meanings of ``terms`` (those a page linked, :func:`linked`), each where its links lead: markdown
    with an anchor before each term, for the foot of the page."""
    return "\n".join(f'- <span id="{anchor(t)}"></span>**{t}**: {GLOSSARY[t]}' for t in terms)
