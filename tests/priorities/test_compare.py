"""The compare page model (``priorities.compare.page``): Maidstone's count, rate and rank against its
comparators checked against pandas, the funnel's limits, the quarters, the comparators saved, the
names without a population listed, missing never 0, and the documents' chapter."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from smp_dash import assessment, blocks, bundle as bundles, charts, schema, significance
from smp_dash.priorities import compare
from smp_dash.selection import PUBLISHED, Filter

WARDS = pd.DataFrame({"ward_code": ["E05004996"], "ward_name": ["High Street"]})
#: partnership -> (force, population, offences a quarter of each group)
AREAS = {"Maidstone": ("Kent", 180_000, {"Theft offences": 900, "Robbery": 30}),
         "Ashford": ("Kent", 130_000, {"Theft offences": 700, "Robbery": 40}),
         "Swale": ("Kent", 150_000, {"Theft offences": 1000, "Robbery": 10}),
         "Tunbridge Wells": ("Kent", 118_000, {"Theft offences": 500, "Robbery": 25}),
         "Folkestone & Hythe": ("Kent", 110_000, {"Theft offences": 600, "Robbery": 20}),   # "and" in ONS
         "Nowhere Else": ("Kent", None, {"Theft offences": 100, "Robbery": 5}),             # no population
         "Colchester": ("Essex", 195_000, {"Theft offences": 800, "Robbery": 35}),
         "Basingstoke and Deane": ("Hampshire", 185_000, {"Theft offences": 750, "Robbery": 15})}
QUARTERS = {"2022/23": ["2022-04-01", "2022-07-01", "2022-10-01", "2023-01-01"],
            "2023/24": ["2023-04-01", "2023-07-01", "2023-10-01", "2024-01-01"],
            "2024/25": ["2024-04-01", "2024-07-01"]}            # the newest year is not complete


def csp_crime(step: int = 7) -> pd.DataFrame:
    rows = []
    for year, quarters in QUARTERS.items():
        for q, quarter in enumerate(quarters):
            for name, (force, _, groups) in AREAS.items():
                for group, n in groups.items():
                    rows.append({"financial_year": year, "quarter": quarter, "police_force": force, "csp_name": name,
                                 "offence_group": group, "offences": n + step * q, "missing_lines": 0, "source": "t"})
    return schema.validate(pd.DataFrame(rows), "csp_crime")


def lad_population() -> pd.DataFrame:
    rows = [{"lad_code": f"E07000{100 + i}", "lad_name": name.replace("&", "and"), "geography": "Non-metropolitan District",
             "year": 2023, "population": people, "source": "ONS mid-year population estimates"}
            for i, (name, (_, people, _)) in enumerate(AREAS.items()) if people]
    rows.append({"lad_code": "E10000016", "lad_name": "Kent", "geography": "County", "year": 2023,
                 "population": 1_600_000, "source": "ONS mid-year population estimates"})
    return schema.validate(pd.DataFrame(rows), "lad_population")


def data(**frames) -> bundles.Bundle:
    full = {name: schema.empty(name) for name in schema.DATASETS} | frames
    return bundles.build(full, WARDS, provenance={n: {"rows": len(f)} if len(f) else None for n, f in full.items()})


def view(b) -> Filter:
    return Filter((), (), PUBLISHED, None, spans=b.spans)


def page(b, **options) -> blocks.Page:
    return compare.page(b, view(b), **options)


@pytest.fixture(scope="module")
def loaded():
    return data(csp_crime=csp_crime(), lad_population=lad_population())


def by_pandas(names) -> pd.DataFrame:
    """2023/24's totals, rates and ranks of ``names``, worked out by pandas alone."""
    crime = csp_crime()
    year = crime[(crime["financial_year"] == "2023/24") & crime["csp_name"].isin(names)]
    totals = year.groupby("csp_name")["offences"].sum().astype("int64").rename("offences").reset_index()
    people = pd.DataFrame([(n, AREAS[n][1]) for n in names if AREAS[n][1]], columns=["csp_name", "population"])
    out = totals.merge(people, on="csp_name")
    out["rate"] = out["offences"] / out["population"] * 1000
    out["rank"] = out["rate"].rank(ascending=False, method="min").astype("int64")
    return out.sort_values("rank").reset_index(drop=True)


KENT = ["Maidstone", "Ashford", "Swale", "Tunbridge Wells", "Folkestone & Hythe", "Nowhere Else"]


def test_rates_and_ranks_are_those_pandas_gives(loaded):
    f = compare.figures(loaded)
    assert f.year == "2023/24"                        # the newest complete year, not 2024/25's two quarters
    assert "2024/25 is not complete yet" in f.partial
    want = by_pandas(KENT)
    got = f.table.dropna(subset=["rate"])[["csp_name", "offences", "population", "rate", "rank"]]
    assert_frame_equal(got.astype({"offences": "int64", "population": "int64", "rank": "int64"}).reset_index(drop=True),
                       want[["csp_name", "offences", "population", "rate", "rank"]])
    tiles = {h.label: h.value for h in page(loaded).of(blocks.Headline)}
    mine = want.set_index("csp_name").loc["Maidstone"]
    others = want[want["csp_name"] != "Maidstone"]
    assert tiles == {compare.RECORDED: f"{int(mine['offences']):,}", "Per 1,000 residents": f"{mine['rate']:.1f}",
                     "Comparators per 1,000 residents": f"{others['offences'].sum() / others['population'].sum() * 1000:.1f}",
                     "Rank by rate": f"{int(mine['rank'])}{'st' if mine['rank'] == 1 else 'th'} highest of 5"}


def test_by_offence_group_against_the_comparators_together(loaded):
    groups = compare.figures(loaded).groups.set_index("offence_group")
    crime = csp_crime()
    year = crime[(crime["financial_year"] == "2023/24") & crime["csp_name"].isin(KENT[1:5])]
    robbery = year[year["offence_group"] == "Robbery"].groupby("csp_name")["offences"].sum()
    people = pd.Series({n: AREAS[n][1] for n in robbery.index})
    assert groups.loc["Robbery", "comparators_rate"] == pytest.approx(robbery.sum() / people.sum() * 1000)
    mine = 4 * 30 + 7 * (0 + 1 + 2 + 3)
    assert groups.loc["Robbery", "offences"] == mine
    assert groups.loc["Robbery", "rate"] == pytest.approx(mine / 180_000 * 1000)
    rates = (robbery / people * 1000).tolist() + [mine / 180]
    assert groups.loc["Robbery", "rank"] == 1 + sum(r > mine / 180 for r in rates)


def test_a_partnership_without_a_population_is_listed_never_dropped(loaded):
    out = page(loaded)
    assert "Nowhere Else" in compare.figures(loaded).unmatched
    notes = [b.text for b in out.of(blocks.Note)]
    assert any(n.startswith("No population for 1 partnership") and "Nowhere Else" in n for n in notes)
    table = out.of(blocks.Table)[0].frame.set_index("Partnership")
    assert pd.isna(table.loc["Nowhere Else", "Per 1,000"]) and pd.isna(table.loc["Nowhere Else", "Rank"])
    # "Folkestone & Hythe" is ONS's "Folkestone and Hythe"; Kent the county is no partnership's population
    assert table.loc["Folkestone & Hythe", "Residents"] == 110_000


def test_the_funnel_has_the_limits_of_the_partnerships_together(loaded):
    chart = next(c for c in page(loaded).of(blocks.Chart) if c.key == "compare_funnel")
    want = by_pandas(KENT)
    rate = want["offences"].sum() / want["population"].sum() * 1000
    limits = significance.funnel_limits(want["population"], rate)
    got = chart.data.set_index("partnership").loc[want["csp_name"]]
    assert np.allclose(got["upper_99.8"], limits["upper_99.8"]) and np.allclose(got["lower_95"], limits["lower_95"])
    assert [t.name for t in chart.figure.data][:4] == ["99.8% limits"] * 2 + ["95% limits"] * 2
    assert charts.describe(chart.figure).split(": ", 1)[1].startswith("5 partnerships")
    assert f"Centre line: {rate:.1f} per 1,000" in chart.caveat


def test_quarters_against_the_comparators_together(loaded):
    chart = next(c for c in page(loaded).of(blocks.Chart) if c.key == "compare_quarters")
    assert chart.period == "Q1 2022/23 to Q2 2024/25"
    first = chart.data[chart.data["quarter"] == "Q1 2022/23"].set_index("area")["rate"]
    assert first["Maidstone"] == pytest.approx(930 / 180)
    assert first["Comparators together"] == pytest.approx((740 + 1010 + 525 + 620) / (130 + 150 + 118 + 110))


def test_comparators_saved_replace_the_force_area(loaded):
    saved = schema.validate(pd.DataFrame({"csp_name": ["Colchester", "Basingstoke and Deane", "Atlantis"],
                                          "group_name": ["Most Similar Group (iQuanta)"] * 3}), "csp_comparators")
    b = data(csp_crime=csp_crime(), lad_population=lad_population(), csp_comparators=saved)
    f = compare.figures(b)
    assert f.comparators == ("Colchester", "Basingstoke and Deane") and f.not_found == ("Atlantis",)
    assert page(b).of(blocks.Heading)[0].title.startswith("Maidstone against its Most Similar Group (iQuanta)")
    assert_frame_equal(f.table[["csp_name", "rank"]].astype({"rank": "int64"}).reset_index(drop=True),
                       by_pandas(["Maidstone", "Colchester", "Basingstoke and Deane"])[["csp_name", "rank"]])
    assert any("Atlantis" in n.text for n in page(b).of(blocks.Note))
    # a list chosen on the page replaces the one saved
    assert compare.figures(b, ("Swale",)).comparators == ("Swale",)


def test_a_line_without_a_count_leaves_the_total_missing_not_zero():
    crime = csp_crime()
    hole = (crime["csp_name"] == "Maidstone") & (crime["quarter"] == "2023-07-01") & (crime["offence_group"] == "Robbery")
    crime.loc[hole, "offences"] = pd.NA
    crime.loc[hole, "missing_lines"] = 1
    out = page(data(csp_crime=crime, lad_population=lad_population()))
    tiles = {h.label: h for h in out.of(blocks.Headline)}
    assert tiles[compare.RECORDED].value == "n/a" and tiles["Per 1,000 residents"].value == "n/a"
    assert tiles["Rank by rate"].value == "n/a" and "no count" in tiles[compare.RECORDED].caption
    assert any("total is missing, not 0" in n.text for n in out.of(blocks.Note))
    groups = out.of(blocks.Table)[1].frame.set_index("Offence group")
    assert pd.isna(groups.loc["Robbery", "Offences"]) and groups.loc["Robbery", "Rank"] == "n/a"
    assert groups.loc["Theft offences", "Offences"] == 4 * 900 + 7 * 6       # the other groups are whole


@pytest.mark.parametrize("frames, lacking", [
    ({}, ("crime by partnership", "district populations")),
    ({"csp_crime": csp_crime()}, ("district populations",)),
    ({"lad_population": lad_population()}, ("crime by partnership",)),
])
def test_not_loaded_says_so_and_how_to_load(frames, lacking):
    out = page(data(**frames))
    assert [type(b).__name__ for b in out.blocks] == ["Heading", "Missing"]
    why = out.blocks[1].why
    assert why.startswith("not in the data loaded") and all(name in why for name in lacking)
    assert "smp-dash ingest" in why and not any(ch.isdigit() for ch in why.split(";")[0])     # never a 0


def test_the_chapter_carries_the_figures_tables_and_charts(loaded):
    section = assessment.section(compare.NAME, page(loaded))
    assert [f.label for f in section.figures] == [compare.RECORDED, "Per 1,000 residents",
                                                  "Comparators per 1,000 residents", "Rank by rate"]
    assert [t for t, _ in section.tables] == [
        "Recorded crime per 1,000 residents by partnership, financial year 2023/24",
        "Maidstone by offence group against its comparators, financial year 2023/24"]
    assert len(section.charts) == 2 and any("Nowhere Else" in n for n in section.notes)
    assert compare in assessment.CHAPTERS
