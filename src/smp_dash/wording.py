"""How a name is written in the middle of a sentence.

Labels are written once, capitalised as a heading starts ("Serious and organised crime", "ASB
incidents", "Dec 2019 to Nov 2020", "The Shepway task force"). A sentence that carries one
mid-way lowers its first letter only when that letter starts an ordinary word: never an
abbreviation (ASB, CSVG, MoRiLE), a month, or a name of a place (Shepway, Park Wood), which keep
their capitals wherever they stand. Lowering a whole label (``str.lower``) wrote "dec 2019 to nov
2020", "asb incidents" and "the shepway task force".
"""

from __future__ import annotations

import calendar

#: Words that keep their capital mid-sentence: months (short and long), days and the places the
#: dashboard names alone (a place of two words, "Park Wood", keeps it by the rule on the second word).
PROPER = frozenset({*calendar.month_abbr[1:], *calendar.month_name[1:], "Sept", *calendar.day_name,
                    "Maidstone", "Kent", "Shepway", "England", "Wales"})


def mid_sentence(text: str) -> str:
    """``text`` as it reads after the start of a sentence: "Serious and organised crime" -> "serious and
    organised crime", "The Shepway task force" -> "the Shepway task force"; "ASB incidents", "Dec 2019
    to Nov 2020", "Shepway North" and "Maidstone" unchanged."""
    words = str(text).split(" ", 2)
    first = words[0].strip("\"'(,.:;")
    second = words[1] if len(words) > 1 else ""
    ordinary = first[:1].isupper() and (first[1:].islower() or len(first) == 1) and first not in PROPER
    if not ordinary or (second[:1].isupper() and first not in ("The", "A", "An")):
        return str(text)     # an abbreviation, a month, a place, or a name of two capitalised words
    at = str(text).index(first[0])
    return str(text)[:at] + first[0].lower() + str(text)[at + 1:]


def heading(column) -> str:
    """A table column's heading from its name: "location_name" -> "Location name"; a name already in words
    keeps its capitals ("Dec 2019 to Nov 2020", "ASB incidents"), where ``str.capitalize`` lowered them."""
    text = str(column).replace("_", " ")
    return text[:1].upper() + text[1:]
