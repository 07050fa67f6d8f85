"""Every figure the Strategic Assessment 2020-21 states (published), computed from the data in use.

``compute(data)`` returns one record per figure: id, label, period, value, the value the
assessment published, and whether they agree. On the demonstration data they all agree
(the tests hold it to that); on real data the comparison shows what has moved.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import pandas as pd

from smp_dash import measures, metrics as m
from smp_dash.periods import ASSESS_2020, CAL_2019, CAL_2020, FY_TO_DATE_2020, period

Data = dict[str, pd.DataFrame]


@dataclass(frozen=True)
class Figure:
    """One stated figure: how to compute it, and what the assessment published."""

    id: str
    label: str
    period: str
    compute: Callable[[Data], object]
    published: object
    unit: str = "count"
    decimals: int = 0

    def agrees(self, value) -> bool:
        if isinstance(self.published, (int, float)):
            return value is not None and not (isinstance(value, float) and math.isnan(value)) \
                and round(float(value), self.decimals) == float(self.published)
        return _plain(value) == _plain(self.published)


def _crimes(d: Data) -> pd.DataFrame:
    return d["crimes"]


def _n(frame, p, col="month"):
    return m.count(frame, col, p)


def _pct(frame, p, col="month", weight=None):
    row = m.compare(frame, col, p, weight=weight).iloc[0]
    return row["pct_change"]


def _drugs(d):
    return measures.get("drug_offences").rows(_crimes(d))


def _violent(crimes):
    return measures.get("violent_crime").rows(crimes)


def _sub(d, subgroup):
    return _crimes(d)[_crimes(d)["offence_subgroup"] == subgroup]


def _da(d, cls=None):
    crimes = measures.get("domestic_abuse").rows(_crimes(d))
    return crimes if cls is None else crimes[m.da_class(crimes) == cls]


def _district(d, indicator, year, name=None):
    rows = d["indicators"]
    rows = rows[(rows["indicator_id"] == indicator) & (rows["period_start"] == pd.Timestamp(f"{year}-01-01"))]
    if name is not None:
        rows = rows[rows["breakdown"] == name]
    return float(rows["value"].sum())


def _only_rise(d):
    table = m.compare(_crimes(d), "month", CAL_2020, by="offence_subgroup")
    return sorted(table.loc[table["change"] > 0, "offence_subgroup"].tolist())


def _largest_fall(d):
    table = m.compare(_crimes(d), "month", CAL_2020, by="offence_subgroup")
    return table.sort_values("pct_change").iloc[0]["offence_subgroup"]


def _da_wards(d):
    return m.ward_ranking(_da(d), "month", FY_TO_DATE_2020, d["wards"])


def _rural(d):
    return set(d.get("rural_wards", ()))


def _needles(d, p, bulk=True):
    return m.needle_change(d["needle_finds"], p, include_bulk=bulk).iloc[0]


def _top(d, year):
    return tuple(m.top_locations(d["needle_finds"], period("assessment", year))["location_name"])


def _hate(d):
    return measures.get("hate_crime").rows(_crimes(d))


def _strand_share(d, strand):
    rows = m.in_period(_hate(d), "month", ASSESS_2020)
    return m.share((rows["hate_strand"] == strand).sum(), len(rows))


def _ind(indicator_id, start, end=None, breakdown=None):
    return lambda d: m.indicator_value(d["indicators"], indicator_id, start, end, breakdown)


def _enforce(d, action, year):
    rows = d["enforcement"]
    return rows[(rows["action"] == action) & (rows["issued"].dt.year == year)]


def _longest_encampment(d, year):
    rows = d["encampments"]
    rows = rows[rows["started"].dt.year == year]
    return int((rows["ended"] - rows["started"]).dt.days.max())


def _requests(d, category, subcategory, start, end):
    rows = d["service_requests"]
    rows = rows[(rows["category"] == category) & rows["received"].between(pd.Timestamp(start), pd.Timestamp(end))]
    return rows if subcategory is None else rows[rows["subcategory"] == subcategory]


def _noise_may_top(d):
    counts = _requests(d, "Noise", None, "2020-05-01", "2020-05-31")["subcategory"].value_counts()
    return counts.index[0] if len(counts) and (counts.iloc[0] > counts.iloc[1:]).all() else None


FIGURES: tuple[Figure, ...] = (
    Figure("crime_total_2019", "Police recorded crime, Maidstone", "2019", lambda d: _n(_crimes(d), CAL_2019), 17260),
    Figure("crime_total_2020", "Police recorded crime, Maidstone", "2020", lambda d: _n(_crimes(d), CAL_2020), 15201),
    Figure("crime_change_2020", "Police recorded crime, change", "2020 on 2019", lambda d: _pct(_crimes(d), CAL_2020), -12, "percent"),
    Figure("kent_crime_change_2020", "Police recorded crime, Kent, change", "2020 on 2019",
           lambda d: m.pct_change(_district(d, "recorded_crime_district", 2020), _district(d, "recorded_crime_district", 2019)), -10, "percent"),
    Figure("drugs_2019", "Drug offences, Maidstone", "2019", lambda d: _n(_drugs(d), CAL_2019), 415),
    Figure("drugs_2020", "Drug offences, Maidstone", "2020", lambda d: _n(_drugs(d), CAL_2020), 502),
    Figure("drugs_change_2020", "Drug offences, change", "2020 on 2019", lambda d: _pct(_drugs(d), CAL_2020), 21, "percent"),
    Figure("drugs_change_count_2020", "Drug offences, more crimes", "2020 on 2019",
           lambda d: _n(_drugs(d), CAL_2020) - _n(_drugs(d), CAL_2019), 87),
    Figure("kent_drugs_2019", "Drug offences, Kent", "2019", lambda d: _district(d, "drug_offences_district", 2019), 3552),
    Figure("kent_drugs_2020", "Drug offences, Kent", "2020", lambda d: _district(d, "drug_offences_district", 2020), 4546),
    Figure("kent_drugs_change_2020", "Drug offences, Kent, change", "2020 on 2019",
           lambda d: m.pct_change(_district(d, "drug_offences_district", 2020), _district(d, "drug_offences_district", 2019)), 28, "percent"),
    Figure("kent_drugs_change_count_2020", "Drug offences, Kent, more crimes", "2020 on 2019",
           lambda d: _district(d, "drug_offences_district", 2020) - _district(d, "drug_offences_district", 2019), 994),
    Figure("violent_change_2020", "Violent crime, change", "2020 on 2019", lambda d: _pct(_violent(_crimes(d)), CAL_2020), -3, "percent"),
    Figure("vap_share_of_violent_2020", "Violence against the person, share of violent crime", "2020",
           lambda d: m.share(_n(_sub(d, "Violence against the person"), CAL_2020), _n(_violent(_crimes(d)), CAL_2020)), 92, "percent"),
    Figure("sexual_offences_change_2020", "Sexual offences, change", "2020 on 2019", lambda d: _pct(_sub(d, "Sexual offences"), CAL_2020), -12, "percent"),
    Figure("robbery_change_2020", "Robbery, change", "2020 on 2019", lambda d: _pct(_sub(d, "Robbery"), CAL_2020), -18, "percent"),
    Figure("burglary_business_change_2020", "Burglary - business and community, change", "2020 on 2019",
           lambda d: _pct(_sub(d, "Burglary - business and community"), CAL_2020), -45, "percent"),
    Figure("largest_fall_2020", "Crime type with the largest percentage fall", "2020 on 2019", _largest_fall,
           "Burglary - business and community", "text"),
    Figure("only_rise_2020", "Crime types that rose", "2020 on 2019", _only_rise, ["Drug offences"], "text"),
    Figure("da_share_of_crime_2020", "Domestic abuse, share of all crime", "2020",
           lambda d: m.share(_n(_da(d), CAL_2020), _n(_crimes(d), CAL_2020)), 19, "percent"),
    Figure("da_share_of_violent_2020", "Domestic abuse, share of violent crime", "2020",
           lambda d: m.share(_n(_violent(_da(d)), CAL_2020), _n(_violent(_crimes(d)), CAL_2020)), 33, "percent"),
    Figure("da_change_2020", "Recorded domestic abuse, change", "2020 on 2019", lambda d: _pct(_da(d), CAL_2020), 5.7, "percent", 1),
    Figure("da_vap_change_2020", "DA violence against the person, change", "2020 on 2019",
           lambda d: _pct(_da(d, "Violence against the person"), CAL_2020), 9.8, "percent", 1),
    Figure("da_vap_share_2020", "DA violence against the person, share of DA", "2020",
           lambda d: m.share(_n(_da(d, "Violence against the person"), CAL_2020), _n(_da(d), CAL_2020)), 82, "percent"),
    Figure("da_sexual_change_2020", "DA sexual offences, change", "2020 on 2019",
           lambda d: _pct(_da(d, "Sexual offences"), CAL_2020), -5.4, "percent", 1),
    Figure("da_other_change_2020", "Other DA crimes, change", "2020 on 2019", lambda d: _pct(_da(d, "Other"), CAL_2020), -10.6, "percent", 1),
    Figure("da_top5_wards_fytd", "Wards with most domestic abuse", "Apr to Nov 2020 (financial year to date)",
           lambda d: tuple(_da_wards(d)["ward_name"].head(5)),
           ("High Street", "Park Wood", "Shepway South", "Bridge", "Shepway North"), "text"),
    Figure("da_rural_top10_fytd", "Rural wards in the DA top ten", "Apr to Nov 2020 (financial year to date)",
           lambda d: [w for w in _da_wards(d)["ward_name"].head(10) if w in _rural(d)], ["Sutton Valence and Langley"], "text"),
    Figure("da_svl_change_fytd", "DA, Sutton Valence and Langley, change", "Apr to Nov 2020 on Apr to Nov 2019",
           lambda d: _da_wards(d).set_index("ward_name").loc["Sutton Valence and Langley", "pct_change"], 150, "percent"),
    Figure("needles_previous", "Needles found", "Dec 2018 to Nov 2019", lambda d: _needles(d, ASSESS_2020)["previous"], 1621),
    Figure("needles_current", "Needles found", "Dec 2019 to Nov 2020", lambda d: _needles(d, ASSESS_2020)["current"], 2511),
    Figure("needles_change", "Needles found, change", "Dec 2019 to Nov 2020 on previous", lambda d: _needles(d, ASSESS_2020)["pct_change"], 55, "percent"),
    Figure("needles_bulk", "Needles in bulk incidents", "Dec 2019 to Nov 2020",
           lambda d: int(m.in_period(d["needle_finds"], "found", ASSESS_2020).query("bulk_incident")["needles"].sum()), 1500),
    Figure("needles_bulk_incidents", "Bulk incidents", "Dec 2019 to Nov 2020",
           lambda d: int(m.in_period(d["needle_finds"], "found", ASSESS_2020)["bulk_incident"].sum()), 2),
    Figure("needles_change_without_bulk", "Needles found without bulk incidents, change", "Dec 2019 to Nov 2020 on previous",
           lambda d: _needles(d, ASSESS_2020, bulk=False)["pct_change"], -37, "percent"),
    Figure("needle_top_2019", "Top needle-find locations (text's names at their ranks)", "Dec 2018 to Nov 2019",
           lambda d: tuple(t if k is not None else None for t, k in zip(_top(d, 2019), ("x", "x", None, None, "x"))),
           ("River Steps", "Needle bins", None, None, "Whatman Park"), "text"),
    Figure("needle_top_2020", "Top needle-find locations (text's names at their ranks)", "Dec 2019 to Nov 2020",
           lambda d: tuple(t if k is not None else None for t, k in zip(_top(d, 2020), ("x", "x", None, "x", "x"))),
           ("Alexander Street", "River Steps", None, "Rose Garden", "Wallis Avenue"), "text"),
    Figure("hate_current", "Hate crimes", "Dec 2019 to Nov 2020", lambda d: _n(_hate(d), ASSESS_2020), 380),
    Figure("hate_previous", "Hate crimes", "Dec 2018 to Nov 2019", lambda d: _n(_hate(d), ASSESS_2020.previous()), 383),
    Figure("hate_race_share", "Hate crimes, race", "Dec 2019 to Nov 2020", lambda d: _strand_share(d, "Race"), 74, "percent"),
    Figure("hate_sexual_orientation_share", "Hate crimes, sexual orientation", "Dec 2019 to Nov 2020",
           lambda d: _strand_share(d, "Sexual orientation"), 13, "percent"),
    Figure("hate_gender_age", "Hate crimes, gender or age", "Dec 2019 to Nov 2020",
           lambda d: int(m.in_period(_hate(d), "month", ASSESS_2020)["hate_strand"].isin(["Gender", "Age"]).sum()), 0),
    Figure("marac_cases_current", "MARAC cases", "Dec 2019 to Nov 2020", _ind("marac_cases_monthly", "2019-12-01", "2020-11-30"), 266),
    Figure("marac_cases_previous", "MARAC cases", "Dec 2018 to Nov 2019", _ind("marac_cases_monthly", "2018-12-01", "2019-11-30"), 194),
    Figure("marac_repeats", "MARAC repeat cases", "Dec 2019 to Nov 2020", _ind("marac_repeat_cases", "2019-12-01"), 85),
    Figure("marac_repeat_share", "MARAC repeat share", "Dec 2019 to Nov 2020",
           lambda d: m.share(_ind("marac_repeat_cases", "2019-12-01")(d), _ind("marac_cases", "2019-12-01")(d)), 32, "percent"),
    Figure("marac_children", "Children in MARAC households", "Dec 2019 to Nov 2020", _ind("marac_children", "2019-12-01"), 294),
    Figure("sanctuary_current", "Sanctuary referrals", "2020/21", _ind("sanctuary_referrals_monthly", "2020-04-01", "2021-03-31"), 33),
    Figure("sanctuary_previous", "Sanctuary referrals", "2019/20", _ind("sanctuary_referrals_monthly", "2019-04-01", "2020-03-31"), 32),
    Figure("sanctuary_first_lockdown_lower", "Sanctuary referrals fell in the first lockdown", "Apr to Jun 2020 on Apr to Jun 2019",
           lambda d: _ind("sanctuary_referrals_monthly", "2020-04-01", "2020-06-30")(d)
           < _ind("sanctuary_referrals_monthly", "2019-04-01", "2019-06-30")(d), True, "text"),
    Figure("youth_offences_current", "Youth offences", "2019/20", _ind("youth_offences", "2019-04-01"), 87),
    Figure("youth_offences_previous", "Youth offences", "2018/19", _ind("youth_offences", "2018-04-01"), 110),
    Figure("youth_offenders_current", "Youth offenders (sum of age bands)", "2019/20",
           _ind("youth_offenders_by_age", "2019-04-01", "2020-03-31"), 39),
    Figure("youth_offenders_previous", "Youth offenders (sum of age bands)", "2018/19",
           _ind("youth_offenders_by_age", "2018-04-01", "2019-03-31"), 35),
    Figure("section_136_2020", "Section 136 uses", "2020", _ind("section_136_uses", "2020-01-01"), 115),
    Figure("section_136_2019", "Section 136 uses", "2019", _ind("section_136_uses", "2019-01-01"), 143),
    Figure("section_136_change", "Section 136 uses, change", "2020 on 2019",
           lambda d: m.pct_change(_ind("section_136_uses", "2020-01-01")(d), _ind("section_136_uses", "2019-01-01")(d)), -20, "percent"),
    Figure("cpw_with_police_share", "CPWs issued with Kent Police", "2020",
           lambda d: m.share(_enforce(d, "CPW", 2020)["with_police"].sum(), len(_enforce(d, "CPW", 2020))), 38, "percent"),
    Figure("fpn_offenders", "Fixed Penalty Notices for breaches", "2020", lambda d: len(_enforce(d, "FPN", 2020)), 15),
    Figure("encampment_longest", "Longest encampment in situ (days)", "2020", lambda d: _longest_encampment(d, 2020), 62),
    Figure("construction_noise_may", "Construction noise complaints, May 2020 (more than 20)", "May 2020",
           lambda d: len(_requests(d, "Noise", "Construction", "2020-05-01", "2020-05-31")) > 20, True, "text"),
    Figure("construction_noise_top_may", "Noise type with most complaints", "May 2020", _noise_may_top, "Construction", "text"),
    Figure("bonfire_smoke_change", "Bonfire smoke complaints, change", "Apr to Jun 2020 on Apr to Jun 2019",
           lambda d: m.pct_change(len(_requests(d, "Other nuisance", "Bonfire smoke", "2020-04-01", "2020-06-30")),
                                  len(_requests(d, "Other nuisance", "Bonfire smoke", "2019-04-01", "2019-06-30"))), 250, "percent"),
)

_ROW_LEVEL = {"marac_cases", "sanctuary_referrals", "youth_offences", "youth_offenders", "section_136_uses",
              "da_sutton_valence_langley_increase_share", "cpw_with_police_share", "fpn_cpn_breach_offenders",
              "encampment_longest_days", "construction_noise_complaints_may", "bonfire_smoke_increase_share"}


def stated_indicators(published: pd.DataFrame) -> tuple[Figure, ...]:
    """One figure per published indicator row not already computed above from row-level data."""
    out = []
    for row in published.itertuples():
        if row.indicator_id in _ROW_LEVEL:
            continue
        start, end = f"{row.period_start:%Y-%m-%d}", f"{row.period_end:%Y-%m-%d}"
        breakdown = None if pd.isna(row.breakdown) or row.breakdown == "" else str(row.breakdown)
        fid = f"{row.indicator_id}_{start}" + (f"_{breakdown}" if breakdown else "")
        out.append(Figure(fid.lower().replace(" ", "_"), row.label, f"{start} to {end}",
                          _ind(row.indicator_id, start, None, breakdown),
                          float(row.value), row.unit, _decimals(row.value)))
    return tuple(out)


def _decimals(value) -> int:
    text = str(value)
    return len(text.split(".")[1].rstrip("0")) if "." in text else 0


def compute(data: Data, published: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every stated figure computed from ``data``: id, label, period, value, published, agrees.

    ``data`` holds the store's frames plus ``wards`` (ward_code, ward_name) and
    ``rural_wards`` (names); ``published`` adds the published-indicator figures.
    """
    figures = FIGURES + (stated_indicators(published) if published is not None else ())
    records = []
    for fig in figures:
        try:
            value = fig.compute(data)
        except (KeyError, IndexError, ValueError) as exc:
            value, error = None, f"not computable from the data in use: {exc}"
        else:
            error = ""
        value = _plain(value)
        records.append({"id": fig.id, "label": fig.label, "period": fig.period, "value": value,
                        "unit": fig.unit, "published": _plain(fig.published),
                        "agrees": error == "" and fig.agrees(value), "error": error})
    return pd.DataFrame(records)


def _plain(value):
    """Numbers as int/float, sequences as lists: JSON-friendly."""
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and value.is_integer() and not math.isnan(value):
        return int(value)
    if isinstance(value, tuple):
        return list(value)
    return value
