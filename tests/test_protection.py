"""The rule behind every sensitive number a viewer sees (smp_dash.protection), on tiny hand-built counts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from smp_dash import disclosure, protection
from smp_dash.periods import Period, period

MONTHS = pd.date_range("2019-01-01", "2020-12-01", freq="MS")


def _rows(counts: dict[str, list[int]]) -> pd.DataFrame:
    """One row per ward and month with the count in ``n`` (``""``: rows without a ward)."""
    return pd.DataFrame([{"ward_code": ward, "month": month, "n": n}
                         for ward, values in counts.items() for month, n in zip(MONTHS, values)])


def _shield(counts: dict[str, list[int]], wards=("A", "B", "C", "D")) -> protection.Protection:
    return protection.build(_rows(counts), wards, MONTHS[0], MONTHS[-1])


#: Four wards over 24 months: A and B large every month, C small every month, D large but for one month.
STEADY = {"A": [40] * 24, "B": [30] * 24, "C": [1] * 24, "D": [12] * 11 + [2] + [12] * 12}
Y2020, Y2019 = period("calendar", 2020), period("calendar", 2019)


@pytest.mark.parametrize("wards", [(), ("A",), ("A", "B"), ("C",), ("A", "C")])
def test_a_year_cell_passes_where_the_years_ward_table_hides_nothing(wards):
    shield = _shield(STEADY)
    # C has 12 a year: not small, and the year's ward table hides nothing, so every area passes
    assert shield.cell(shield.area(wards), shield.mask(Y2020)) is None


@pytest.mark.parametrize("wards, expected", [
    ((), None),                       # the borough: every hidden ward inside
    (("A",), None),                   # none of the hidden wards
    (("C",), "<5"),                   # the small ward itself
    (("A", "C"), disclosure.HIDDEN),  # splits the hidden group {C, and the ward hidden to protect it}
    (("A", "B", "D"), disclosure.HIDDEN),  # every ward but C: the rest of the borough is small
])
def test_a_month_cell_passes_only_with_all_or_none_of_the_hidden_group(wards, expected):
    shield = _shield(STEADY)
    january = shield.months == pd.Timestamp("2020-01-01")
    assert shield.cell(shield.area(wards), january) == expected


def test_the_hidden_group_holds_rows_without_a_ward():
    shield = _shield({**STEADY, "": [7] * 24})
    january = shield.months == pd.Timestamp("2020-01-01")
    # the unassigned rows are never shown as a ward, so an area with C's protector but not C splits the group
    assert shield.cell(shield.area(("A", "B", "D")), january) == disclosure.HIDDEN
    assert shield.cell(shield.area(()), january) is None


def test_an_area_with_a_small_month_is_shown_by_calendar_year():
    shield = _shield(STEADY)
    assert shield.grain(shield.area(())) == protection.MONTH
    assert shield.grain(shield.area(("A",))) == protection.MONTH
    # in December 2019 C (1) and D (2) are small and B (30) is hidden to protect them: A and B split that group
    assert shield.grain(shield.area(("A", "B"))) == protection.YEAR
    assert shield.grain(shield.area(("D",))) == protection.YEAR       # one month of 2
    assert shield.grain(shield.area(("A", "B", "D"))) == protection.YEAR   # every ward but C
    frame = pd.DataFrame({"month": MONTHS, "value": [12] * 11 + [2] + [12] * 12})
    shown, why = shield.series(frame, ("D",))
    assert shown["month"].tolist() == [pd.Timestamp("2019-01-01"), pd.Timestamp("2020-01-01")]
    assert shown["value"].tolist() == [134, 144]
    assert "calendar year" in why
    assert shield.series(frame, ("D",), on=False) == (frame, "")


def test_a_year_the_data_holds_in_part_is_left_out_of_a_yearly_series():
    months = pd.date_range("2019-04-01", "2020-12-01", freq="MS")
    rows = pd.DataFrame([{"ward_code": w, "month": m, "n": n} for w, n in (("A", 40), ("B", 2)) for m in months])
    shield = protection.build(rows, ("A", "B"), months[0], months[-1])
    frame = pd.DataFrame({"month": months, "value": 2})
    shown, _ = shield.series(frame, ("B",))
    assert shown is not None and shown["month"].tolist() == [pd.Timestamp("2020-01-01")]


def test_a_year_to_date_is_hidden_where_the_rest_of_its_year_would_be_small():
    # E has many crimes from January to November 2020 and 3 in December: its calendar year and its
    # April to November may each be shown, but not both (2020 less April-November less January-March).
    e = [9] * 12 + [9] * 11 + [3]
    shield = _shield({**STEADY, "E": e}, wards=("A", "B", "C", "D", "E"))
    area = shield.area(("E",))
    assert shield.period_hidden(area, Y2020) is None
    assert shield.period_hidden(area, Period("financial", pd.Timestamp("2020-04-01"), pd.Timestamp("2020-11-30"))) \
        == disclosure.HIDDEN


def test_derivable_sets_hold_the_months_between_nested_periods():
    months = pd.date_range("2020-01-01", "2020-12-01", freq="MS")
    year = np.ones(12, dtype=bool)
    to_date = months.isin(pd.date_range("2020-04-01", "2020-11-01", freq="MS"))
    sets = {tuple(m) for m in protection.derivable_sets((year, to_date), 12)}
    assert tuple(year & ~to_date) in sets       # January to March and December
    assert len(sets) == 3


def test_the_ward_table_is_in_the_suppressed_form_and_hides_derived_columns():
    shield = _shield(STEADY)
    table = pd.DataFrame({"ward_code": list("ABCD"), "ward_name": list("ABCD"), "current": [480, 360, 12, 144],
                          "previous": [480, 360, 12, 134], "change": [0, 0, 0, 10], "pct_change": [0.0, 0, 0, 7.5],
                          "rank": [1, 2, 4, 3], "population": [4000.0] * 4, "rate": [120.0, 90, 3, 36.0]})
    out = shield.ward_table(table, Y2020)
    assert out["suppressed"].tolist() == [False, False, False, False]   # every year cell passes
    text = disclosure.display(out)
    assert text["current"].tolist() == ["480", "360", "12", "144"]
    thin = _shield({**STEADY, "C": [0] * 12 + [0] * 11 + [3]})
    out = thin.ward_table(table.assign(current=[480, 360, 3, 144]), Y2020)
    assert disclosure.display(out)["current"].tolist()[2] == "<5"
    assert out["current_secondary"].sum() >= 1                            # and a ward hidden to protect it
    assert out["rate"].isna().sum() == out["suppressed"].sum()


# One month, as a reader of its ward table sees it: what each area's count may be.
@pytest.mark.parametrize("counts, selected, expected", [
    ({"A": 3, "B": 10, "C": 50, "D": 7}, ["A"], "<5"),             # small itself
    ({"A": 3, "B": 10, "C": 50, "D": 7}, ["A", "B"], disclosure.HIDDEN),     # 13 - B (shown 10) = A
    ({"A": 3, "B": 10, "C": 50, "D": 7}, ["A", "D"], None),         # exactly the hidden wards: their sum is known anyway
    ({"A": 3, "B": 10, "C": 50, "D": 7}, ["C"], None),              # no hidden ward inside
    ({"A": 3, "B": 10, "C": 50, "D": 7}, ["B", "C", "D"], disclosure.HIDDEN),  # the rest of the borough is A alone
    ({"A": 3, "B": 10, "C": 50, "D": 7}, [], None),                 # the whole borough
    ({"A": 2, "B": 1}, [], "<5"),                                   # a small borough total
    ({"A": 4, "B": 4, "C": 0}, [], disclosure.HIDDEN),                       # 8 would pin both <5 wards at 4 (hidden_totals)
    ({"A": 4, "B": 4, "C": 0}, ["A", "B"], disclosure.HIDDEN),               # and so would the two wards' total
    ({"A": 4, "B": 4, "C": 0}, ["C"], disclosure.HIDDEN),                    # the borough total cannot be shown: nor any area
    ({"A": 0, "B": 10, "C": 20}, ["A"], None),                      # a true zero is shown
    ({"A": 3, "B": 4, "C": 50, "D": 60}, ["A", "C"], disclosure.HIDDEN),     # 53 - C = A
    ({"A": 3, "B": 4, "C": 50, "D": 60}, ["A", "B", "C"], None),    # A+B = 7 is known from the table anyway
])
def test_a_cell_as_a_reader_of_the_ward_table_sees_it(counts, selected, expected):
    month = pd.Timestamp("2020-01-01")
    rows = pd.DataFrame({"ward_code": list(counts), "month": month, "n": list(counts.values())})
    shield = protection.build(rows, list(counts), month, month)
    assert shield.cell(shield.area(selected), np.ones(1, dtype=bool)) == expected


def test_guard_hides_the_change_when_either_period_is_small():
    rows = pd.DataFrame({"month": pd.to_datetime(["2020-03-01"] * 3 + ["2019-05-01"] * 2 + ["2020-06-01"] * 20),
                         "ward_code": ["A"] * 3 + ["A"] * 2 + ["B"] * 20, "n": 1})
    shield = protection.build(rows, ["A", "B"], pd.Timestamp("2019-01-01"), pd.Timestamp("2020-12-01"))
    got = shield.guard(["A"], Y2020)
    assert (got.current, got.previous, got.current_hidden, got.previous_hidden) == (3, 2, "<5", "<5")
    assert got.change_hidden and got.series_hidden() == disclosure.SERIES_HIDDEN
    off = shield.guard(["A"], Y2020, on=False)
    assert not off.change_hidden and off.text() == "3" and not off.selection
    borough = shield.guard([], Y2020)   # 23 in 2020, 2 in 2019 for the borough
    assert (borough.text(), borough.text(previous=True)) == ("23", "<5")
    assert borough.series_hidden() is None            # the borough's series are not a selection's
