"""Measures that know their source: each rule once, and missing is never zero.

Tiny hand-built stores: a force extract (domestic-abuse flag, hate strand, Home Office subgroup)
and police.uk rows (none of those), through ``bundle.build`` as the app builds its data.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from smp_dash import bundle, measures, morile, schema
from smp_dash.periods import ASSESS_2020, CAL_2020, FY_TO_DATE_2020, period
from smp_dash.priorities import (community_protection, domestic_abuse, overview, police_data, serious_organised_crime,
                                 task_force)
from smp_dash.selection import LATEST, PUBLISHED, Filter

WARDS = pd.DataFrame({"ward_code": ["A", "B", "C"], "ward_name": ["Alpha", "Bravo", "Charlie"]})
VAP, SEX, ROB = "Violence against the person", "Sexual offences", "Robbery"


def crimes(rows, force: bool = True) -> pd.DataFrame:
    """Crime rows (month, ward, crime type, subgroup, DA, hate, count): a force extract, or police.uk's
    (no flags: DA unknown, no strand, no subgroup for "Violence and sexual offences")."""
    out = []
    for month, ward, ctype, subgroup, da, hate, n in rows:
        out += [{"month": pd.Timestamp(month), "ward_code": ward, "crime_type": ctype,
                 "offence_subgroup": subgroup if force else (ROB if ctype == "Robbery" else None),
                 "domestic_abuse": da if force else pd.NA, "hate_strand": hate if force else None}] * n
    frame = pd.DataFrame(out)
    return frame.astype({"domestic_abuse": "boolean"})


def every_month(first: str, last: str, ward="A", ctype="Violence and sexual offences", subgroup=VAP, da=False, n=1):
    return [(f"{m:%Y-%m-%d}", ward, ctype, subgroup, da, None, n) for m in pd.date_range(first, last, freq="MS")]


def make(crime_frame: pd.DataFrame, **others) -> bundle.Bundle:
    frames = {name: schema.empty(name) for name in schema.DATASETS}
    frames["crimes"] = crime_frame
    frames.update(others)
    return bundle.build(frames, WARDS)


def view(data, wards=(), kind=LATEST, **options) -> Filter:
    return Filter(tuple(wards), tuple(wards), kind, None, spans=data.spans, **options)


FORCE = crimes(every_month("2019-01-01", "2020-12-01", n=2)
               + every_month("2019-01-01", "2020-12-01", ward="B", da=True)
               + [("2020-03-01", "B", "Drugs", "Drug offences", False, "Race", 4),
                  ("2020-05-01", "C", "Robbery", ROB, False, None, 3)])
POLICE_UK = crimes(every_month("2024-01-01", "2025-12-01", n=3) + [("2025-02-01", "C", "Robbery", ROB, False, None, 2)],
                   force=False)


# The rules -----------------------------------------------------------------------------------

def test_domestic_abuse_rule_counts_flagged_crimes_and_never_unknown_ones():
    frame = pd.DataFrame({"domestic_abuse": pd.array([True, False, pd.NA], dtype="boolean")})
    assert measures.domestic_abuse(frame).tolist() == [True, False, False]
    assert measures.flags_known(frame).tolist() == [True, True, False]


def test_violent_crime_uses_subgroups_and_police_uk_categories_where_there_are_none():
    frame = pd.DataFrame({"offence_subgroup": [VAP, "Theft offences", None, None, ROB],
                          "crime_type": ["Violence and sexual offences", "Other theft", "Violence and sexual offences",
                                         "Public order", "Robbery"]})
    assert measures.violent(frame).tolist() == [True, False, True, False, True]


def test_a_measure_id_that_does_not_exist_is_refused():
    with pytest.raises(ValueError, match="unknown measure 'burglary'"):
        measures.get("burglary")


# Missing is never zero ------------------------------------------------------------------------

def test_police_uk_only_domestic_abuse_and_hate_crime_say_why_they_are_missing():
    data = make(POLICE_UK)
    v = view(data)
    for measure in ("domestic_abuse", "hate_crime"):
        got = measures.value(data, measure, v, CAL_2020)
        assert got.current is None and not got.available
        assert got.missing.startswith("not in the data loaded: police.uk has no")
        assert "the recorded crimes template" in got.missing


def test_partner_datasets_not_loaded_say_so():
    data = make(POLICE_UK)
    got = measures.value(data, "needles", view(data), ASSESS_2020)
    assert got.current is None
    assert got.missing == ("not in the data loaded: no needle finds; load the waste team's needle log "
                           "through the needle finds template")
    assert measures.series(data, "council_asb") is None


def test_violent_crime_from_police_uk_is_the_categories_with_a_note():
    data = make(POLICE_UK)
    got = measures.value(data, "violent_crime", view(data), CAL_2020)
    assert got.period == period("calendar", 2025)
    assert (got.current, got.previous) == (36 + 2, 36)          # 3 a month + 2 robberies; 2024 for comparison
    assert got.notes and "Violence and sexual offences' plus 'Robbery'" in got.notes[0]


def test_latest_is_the_latest_complete_period_of_each_kind_and_compares_where_it_can():
    data = make(POLICE_UK)
    v = view(data)
    assert measures.value(data, "recorded_crime", v, CAL_2020).period == period("calendar", 2025)
    asb_kind = v.pick(ASSESS_2020)
    assert asb_kind == period("assessment", 2025)                # Dec 2024 to Nov 2025
    no_previous = measures.value(data, "recorded_crime", v, ASSESS_2020)
    assert no_previous.previous is None and no_previous.no_comparison == (
        "no comparison: the data covers 11 of the 12 months of Dec 2023 to Nov 2024 (Dec 2023 missing)")
    assert v.pick(FY_TO_DATE_2020).label == "Apr 2025 to Dec 2025"  # the financial year to date


def test_a_period_the_data_covers_in_part_is_not_available():
    data = make(POLICE_UK)
    got = measures.value(data, "recorded_crime", view(data, kind=PUBLISHED), CAL_2020)
    assert got.current is None and got.missing.startswith("n/a: the data covers 0 of the 12 months of 2020")


def test_a_month_missing_from_police_uk_is_missing_in_series_and_periods():
    gap = POLICE_UK[POLICE_UK["month"] != pd.Timestamp("2025-06-01")]
    data = make(gap)
    series = measures.series(data, "recorded_crime")
    assert math.isnan(series.loc[series["month"] == pd.Timestamp("2025-06-01"), "value"].iloc[0])
    assert series["value"].iloc[0] == 3
    got = measures.value(data, "recorded_crime", view(data, kind=PUBLISHED), period("calendar", 2025))
    assert got.missing.startswith("n/a: the data covers 11 of the 12 months of 2025")


def test_exclude_flagged_months_applies_to_every_headline():
    spike = crimes(every_month("2018-01-01", "2020-12-01", n=10) + [("2020-06-01", "A", "Drugs", "Drug offences",
                                                                      False, None, 200)])
    data = make(spike)
    plain = measures.value(data, "recorded_crime", view(data, kind=PUBLISHED), CAL_2020)
    cleaned = measures.value(data, "recorded_crime", view(data, kind=PUBLISHED, exclude_outliers=True), CAL_2020)
    assert (plain.current, cleaned.current) == (320, 120)      # June 2020's 210 replaced by the median, 10
    assert cleaned.excluded == ("Jun 2020",)


# One function per priority, the page's and the pack's ------------------------------------------

def test_overview_headlines_on_a_force_extract():
    data = make(FORCE)
    got = {v.label: (v.current, v.previous) for v in overview.figures(data, view(data, kind=PUBLISHED)).headlines}
    assert got["Recorded crime"] == (24 + 12 + 4 + 3, 36)
    assert got["Domestic abuse"] == (12, 12)
    assert got["Drug offences"] == (4, 0)
    assert got["Hate crimes"] == (4, None)               # Dec 2018 is before the data: no comparison
    assert got["ASB incidents"] == (None, None) and got["Needles found"] == (None, None)


def test_overview_on_police_uk_only_shows_no_zero_for_what_it_lacks():
    data = make(POLICE_UK)
    figures = overview.figures(data, view(data))
    missing = {v.label: v.missing for v in figures.headlines if not v.available}
    assert set(missing) == {"Domestic abuse", "Hate crimes", "ASB incidents", "Needles found"}
    assert figures.trends["domestic_abuse"].series is None and "domestic-abuse flag" in figures.trends["domestic_abuse"].why
    assert figures.top_wards["Domestic abuse"][1] is None


def test_domestic_abuse_shares_from_the_measures():
    data = make(FORCE)
    f = domestic_abuse.figures(data, view(data, kind=PUBLISHED))
    assert (f.headline.current, f.headline.previous) == (12, 12)
    # 12 of 43 crimes; 12 of the 39 violent ones (24 + 12 VAP, 3 robberies); all 12 are VAP
    assert f.shares == {"Share of all crime": "28%", "Share of violent crime": "31%", "Violence against the person": "100%"}


def test_domestic_abuse_page_figures_on_police_uk_say_what_is_missing():
    data = make(POLICE_UK)
    f = domestic_abuse.figures(data, view(data))
    assert f.headline.missing.startswith("not in the data loaded")
    assert f.trend is None and f.types is None and f.wards is None
    assert set(f.shares.values()) == {"n/a"}


def test_soc_subgroups_label_police_uk_crimes_they_cannot_split():
    data = make(POLICE_UK)
    f = serious_organised_crime.figures(data, view(data))
    assert set(f.subgroups["offence_subgroup"]) == {serious_organised_crime.NO_SUBGROUP, ROB}
    assert f.vap_share.startswith("n/a")


def test_police_data_hate_crime_on_police_uk_is_missing_not_zero():
    data = make(POLICE_UK)
    f = police_data.figures(data, view(data))
    assert f.crime.label == "Recorded crime, 2025" and f.crime.current == 38
    assert f.hate.current is None and f.strands is None and "hate crime strand" in f.strands_why


def test_coverage_says_what_each_dataset_covers_and_lacks():
    gap = POLICE_UK[POLICE_UK["month"] != pd.Timestamp("2025-06-01")]
    data = bundle.build({**{name: schema.empty(name) for name in schema.DATASETS}, "crimes": gap}, WARDS,
                        provenance={"crimes": {"rows": len(gap), "demo": False}, "needle_finds": None})
    table = bundle.coverage_table(data).set_index("dataset")
    assert table.loc["Recorded crimes"].tolist() == ["Jan 2024 to Dec 2025", "Jun 2025", "real"]
    assert table.loc["Needle finds"].tolist() == ["not loaded", "", "not loaded"]
    assert bundle.coverage_line(data) == ("Months covered: Recorded crimes Jan 2024 to Dec 2025 (missing Jun 2025). "
                                          "Not loaded: Needle finds.")


def test_latest_skips_a_year_with_a_month_police_uk_left_out():
    gap = POLICE_UK[POLICE_UK["month"] != pd.Timestamp("2025-06-01")]
    data = make(gap)
    got = measures.value(data, "recorded_crime", view(data), CAL_2020)
    assert got.period == period("calendar", 2024) and got.current == 36     # 2025 lacks June: 2024 is the latest whole year
    assert got.no_comparison == "no comparison: the data covers 0 of the 12 months of 2023 (it starts in Jan 2024)"


def test_a_breakdown_without_the_previous_period_draws_no_bars_of_zeros():
    data = make(POLICE_UK)
    f = serious_organised_crime.figures(data, view(data))
    assert f.violent.period == period("calendar", 2025) and f.violent.previous is not None
    first_year = serious_organised_crime.figures(data, Filter((), (), "calendar", period("calendar", 2024),
                                                              spans=data.spans))
    assert first_year.violent.previous is None
    assert first_year.subgroups["previous"].isna().all() and set(first_year.subgroups["label"]) == {"no comparison"}


# Comparisons only between whole, like periods ----------------------------------------------------
# police.uk from Jan 2024: the December-to-November year before Dec 2024 to Nov 2025 lacks Dec 2023;
# and a store from Jan 2023 whose 2024 lacks March.

def asb(first: str, last: str, per_ward: dict, skip=()) -> pd.DataFrame:
    """ASB rows: ``per_ward`` (ward -> incidents a month) every month from ``first`` to ``last`` but ``skip``."""
    months = [m for m in pd.date_range(first, last, freq="MS") if f"{m:%Y-%m}" not in skip]
    rows = [{"month": m, "ward_code": w} for m in months for w, n in per_ward.items() for _ in range(n)]
    return pd.DataFrame(rows).astype({"ward_code": "string"}).assign(
        longitude=0.5, latitude=51.3, location="On or near High Street", lsoa_code="E01024371", source="test.csv")


#: Every month of 2024 and 2025, ASB too; Shepway North is the task force's focus area.
SHEPWAY = pd.DataFrame({"ward_code": ["A", "B", "C"], "ward_name": ["Shepway North", "Bravo", "Charlie"]})
LATE_START = {"crimes": POLICE_UK, "asb_incidents": asb("2024-01-01", "2025-12-01", {"A": 2, "B": 1})}
#: From Jan 2023, police.uk without March 2024 (crimes and ASB alike).
GAP = {"crimes": crimes(every_month("2023-01-01", "2025-12-01", n=3), force=False).pipe(
           lambda f: f[f["month"] != pd.Timestamp("2024-03-01")]),
       "asb_incidents": asb("2023-01-01", "2025-12-01", {"A": 2, "B": 1}, skip=("2024-03",))}


def store(frames: dict, wards=SHEPWAY) -> bundle.Bundle:
    return bundle.build({**{name: schema.empty(name) for name in schema.DATASETS}, **frames}, wards)


@pytest.mark.parametrize(("frames", "measure", "native", "why"), [
    (LATE_START, "asb", ASSESS_2020,
     "no comparison: the data covers 11 of the 12 months of Dec 2023 to Nov 2024 (Dec 2023 missing)"),
    # a month missing inside the year before: it said "the data starts in Jan 2023", which is no reason
    (GAP, "recorded_crime", CAL_2020, "no comparison: the data covers 11 of the 12 months of 2024 (Mar 2024 missing)"),
    (GAP, "asb", ASSESS_2020,
     "no comparison: the data covers 11 of the 12 months of Dec 2023 to Nov 2024 (Mar 2024 missing)"),
])
def test_a_headline_has_no_change_against_a_year_held_in_part(frames, measure, native, why):
    data = store(frames)
    got = measures.value(data, measure, view(data), native)
    assert got.period.previous().label in why and got.available
    assert (got.previous, got.comparable, got.no_comparison) == (None, False, why)


@pytest.mark.parametrize("frames", [LATE_START, GAP])
def test_the_asb_ward_table_and_map_have_no_change_against_a_year_held_in_part(frames):
    data = store(frames)
    f = community_protection.figures(data, view(data))
    assert f.police.period == period("assessment", 2025)
    assert f.wards["current"].tolist() == [24, 12, 0]
    # it compared 24 with Dec 2023's missing month as none: a "+9%" that is no change at all
    assert f.wards[["previous", "change", "pct_change"]].isna().all().all()
    assert f.wards_no_comparison == f.police.no_comparison


def test_a_ward_table_keeps_its_change_when_both_years_are_whole():
    data = store(LATE_START)
    table, why = measures.ward_table(data, "asb", period("calendar", 2025))
    assert why == ""
    assert table[["ward_name", "current", "previous", "pct_change"]].values.tolist() == [
        ["Shepway North", 24, 24, 0.0], ["Bravo", 12, 12, 0.0], ["Charlie", 0, 0, pytest.approx(float("nan"), nan_ok=True)]]


@pytest.mark.parametrize("frames", [LATE_START, GAP])
def test_the_task_force_table_has_no_change_against_a_year_held_in_part(frames):
    data = store(frames)
    f = task_force.figures(data, view(data))
    asb_rows = f.table[f.table["measure"] == "ASB (police)"]
    assert asb_rows["current"].tolist() == [24, 12]
    assert asb_rows[["previous", "pct_change"]].isna().all().all()
    assert f.no_comparison["ASB (police)"].startswith("no comparison: the data covers 11 of the 12 months of Dec 2023")
    _, sections = assessment_sections(frames)
    tf = next(s for s in sections if s.title == "The Shepway task force")
    figure = next(x for x in tf.figures if x.label == "ASB (police)")
    assert (figure.value, figure.change, figure.previous) == ("24", f.no_comparison["ASB (police)"], None)
    sentence = next(t for t in tf.story if t.startswith("ASB (police) in the focus area"))
    assert sentence == (f"ASB (police) in the focus area (Shepway North and Shepway South) numbered 24 in Dec 2024 to "
                        f"Nov 2025; {f.no_comparison['ASB (police)']}.")
    table = dict(tf.tables)[next(t for t, _ in tf.tables if t.startswith("Focus area and the rest"))]
    assert table.loc[table["measure"] == "ASB (police)", ["previous", "pct_change"]].isna().all().all()


def assessment_sections(frames: dict):
    from smp_dash import assessment

    full = {**{name: schema.empty(name) for name in schema.DATASETS}, **frames}
    return assessment.sections(full, ward_names=dict(zip(SHEPWAY["ward_code"], SHEPWAY["ward_name"])))


def test_breakdown_bars_have_no_previous_when_a_month_of_it_is_missing():
    data = store(GAP)
    f = serious_organised_crime.figures(data, view(data))
    assert f.violent.period == period("calendar", 2025) and f.violent.no_comparison.endswith("(Mar 2024 missing)")
    assert f.subgroups["previous"].isna().all() and set(f.subgroups["label"]) == {"no comparison"}


def test_morile_trend_is_judged_where_the_year_before_is_held_in_part():
    data = store(GAP)
    p = period("calendar", 2025)
    held = morile.measures_from_data(data.crimes, data.asb, data.needles, p)
    got = morile.measures_from_data(data.crimes, data.asb, data.needles, p, coverage=data.coverage)
    # 2024 lacks March: 36 against 33 is not a 9% rise, so the sheet's judged trend stands
    assert held["asb_incidents"] == (36, pytest.approx(100 * 3 / 33))
    assert got["asb_incidents"][0] == 36 and math.isnan(got["asb_incidents"][1])
    whole = store(LATE_START)       # 2024 and 2025 both whole: the change stands
    assert morile.measures_from_data(whole.crimes, whole.asb, whole.needles, p,
                                     coverage=whole.coverage)["asb_incidents"] == (36, 0.0)
# What rates rest on, and how demonstration figures are marked (issue 19, part 3) ------------------

POPULATION = pd.DataFrame({"ward_code": ["A", "B", "A", "B"], "year": [2019, 2019, 2021, 2021],
                           "population": [1000, 2000, 1100, 2100],
                           "source": ["ONS mid-2019", "ONS mid-2019", "ONS mid-2021", "ONS mid-2021"]})


@pytest.mark.parametrize("population, year, note", [
    # none loaded: no rate, and why, never "approximate ward populations"
    (POPULATION.iloc[0:0], 2025, measures.NO_POPULATION),
    # the year a rate for 2025 uses (the latest loaded by then), with its own source
    (POPULATION, 2025, "Rates per 1,000 residents use the ward populations loaded for 2021 (ONS mid-2021)."),
    (POPULATION, 2020, "Rates per 1,000 residents use the ward populations loaded for 2019 (ONS mid-2019)."),
    # no year: every year loaded, every source
    (POPULATION, None, "Rates per 1,000 residents use the ward populations loaded for 2019 to 2021 "
                       "(ONS mid-2019; ONS mid-2021)."),
])
def test_population_note_says_what_rates_rest_on(population, year, note):
    assert measures.population_note(population, year) == note


@pytest.mark.parametrize("records, marked", [
    # a fetch into a demonstration store: the needle log is still the demonstration's
    ({"crimes": {"demo": False}, "needle_finds": {"demo": True}}, {"crimes": False, "needle_finds": True}),
    # demonstration data alone: the banner says so, no figure is marked
    ({"crimes": {"demo": True}, "needle_finds": {"demo": True}}, {"crimes": False, "needle_finds": False}),
    # real data, and a dataset not loaded: nothing to mark
    ({"crimes": {"demo": False}, "needle_finds": None}, {"crimes": False, "needle_finds": False}),
])
def test_a_demonstration_figure_is_marked_only_beside_real_data(records, marked):
    data = bundle.build({name: schema.empty(name) for name in schema.DATASETS}, WARDS, provenance=records)
    assert {name: data.demonstration(name) for name in marked} == marked
    assert {name: measures.marked("Needles found", data.demonstration(name)) for name in marked} == {
        name: "Needles found (demonstration data)" if mark else "Needles found" for name, mark in marked.items()}


def test_a_headline_from_demonstration_data_beside_real_data_says_so():
    frames = {name: schema.empty(name) for name in schema.DATASETS} | {"crimes": POLICE_UK}
    records = {name: None for name in schema.DATASETS} | {"crimes": {"demo": False}, "population": {"demo": True}}
    data = bundle.build(frames, WARDS, provenance=records)
    value = measures.value(data, "recorded_crime", view(data), CAL_2020)
    assert (value.demo, value.title) == (False, "Recorded crime")
    records["crimes"] = {"demo": True}
    records["indicators"] = {"demo": False}
    value = measures.value(bundle.build(frames, WARDS, provenance=records), "recorded_crime", view(data), CAL_2020)
    assert (value.demo, value.title, value.label) == (True, "Recorded crime (demonstration data)", "Recorded crime")


def test_illustrative_rows_are_named_from_their_source():
    series = pd.DataFrame({"year": ["2017", "2018", "2019"],
                           "source": ["demo: illustrative", "demo: illustrative", "Strategic Assessment 2020-21"]})
    assert measures.illustrative(series, "year") == "Illustrative (demonstration data): 2017 and 2018."
    assert measures.illustrative(series.iloc[2:], "year") == ""
