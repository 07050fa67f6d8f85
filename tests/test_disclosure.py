"""Disclosure control on tiny hand-built ward and strand tables, then invariants over random ones."""

import math

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from smp_dash import config
from smp_dash import disclosure as d

NAN = math.nan


def _column(values):
    return pd.DataFrame({"ward_code": [f"W{i}" for i in range(len(values))], "current": values})


def _expected_column(values, secondary):
    hidden = [isinstance(v, float) and math.isnan(v) for v in values]
    return pd.DataFrame({"ward_code": [f"W{i}" for i in range(len(values))],
                         "current": pd.Series(values, dtype="float64"),
                         "current_suppressed": hidden, "current_secondary": secondary, "suppressed": hidden})


F, T = False, True


@pytest.mark.parametrize(("counts", "options", "shown", "secondary", "totals"), [
    # no small cells: counts unchanged (as float), only the flags added
    ([12, 7, 0], {}, [12, 7, 0], [F, F, F], ()),
    # one small cell: it and the next smallest non-zero cell go
    ([12, 3, 7, 9], {}, [12, NAN, NAN, 9], [F, F, T, F], ()),
    # two small cells protect each other
    ([12, 2, 3, 9], {}, [12, NAN, NAN, 9], [F, F, F, F], ()),
    # ...unless the sum pins them: 8 hidden in two "<5" cells must be 4 and 4
    ([12, 4, 4, 9], {}, [12, NAN, NAN, NAN], [F, F, F, T], ()),
    # ...or 2 in two cells must be 1 and 1
    ([12, 1, 1, 9], {}, [12, NAN, NAN, NAN], [F, F, F, T], ()),
    # zeros are shown and never hidden for protection
    ([0, 12, 0, 7], {}, [0, 12, 0, 7], [F, F, F, F], ()),
    ([3, 0, 12, 0], {}, [NAN, 0, NAN, 0], [F, F, T, F], ()),
    # with suppress_zero the zeros are small, and a shown total of 0 would pin them
    ([0, 12, 0, 7], {"suppress_zero": True}, [NAN, 12, NAN, NAN], [F, F, F, T], ()),
    # only one cell can go: the total must be hidden instead
    ([3, 0, 0], {}, [NAN, 0, 0], [F, F, F], ("current",)),
    ([2], {}, [NAN], [F], ("current",)),
    ([4, 4, 0], {}, [NAN, NAN, 0], [F, F, F], ("current",)),
    # ties go in row order
    ([12, 3, 7, 7], {}, [12, NAN, NAN, 7], [F, F, T, F], ()),
    # a hidden 5 next to a shown 5 would be known to be 5 (hidden cells are the smallest): both go
    ([4, 5, 5, 9], {}, [NAN, NAN, NAN, 9], [F, T, T, F], ()),
    # another threshold
    ([12, 10, 11, 30], {"threshold": 10}, [12, NAN, NAN, 30], [F, F, T, F], ()),
    ([12, 10, 11, 30], {"threshold": 1}, [12, 10, 11, 30], [F, F, F, F], ()),
    # no total published: primary suppression only
    ([12, 3, 7], {"total_shown": False}, [12, NAN, 7], [F, F, F], ()),
])
def test_suppress_one_count_column(counts, options, shown, secondary, totals):
    got = d.suppress_wards(_column(counts), count_columns=("current",), **options)
    assert_frame_equal(got, _expected_column(shown, secondary))
    assert d.hidden_totals(got) == totals


def _ward_table(current, previous, population=(1000.0, 2000.0, 4000.0, 5000.0)):
    table = pd.DataFrame({"ward_code": ["A", "B", "C", "D"], "ward_name": ["Ash", "Bow", "Cob", "Dell"],
                          "current": current, "previous": previous})
    table["change"] = table["current"] - table["previous"]
    table["pct_change"] = [(c - p) / p * 100 if p else NAN for c, p in zip(current, previous)]
    table["rank"] = [1, 2, 3, 4]
    table["population"] = list(population)
    table["rate"] = table["current"] / table["population"] * 1000
    table["rural"] = [False, True, False, True]
    return table


def test_derived_columns_hidden_where_either_period_is():
    table = _ward_table([20, 10, 3, 0], [10, 12, 8, 2])
    got = d.suppress_wards(table)
    # current: 3 is small, 10 protects it; previous: 2 is small, 8 protects it
    expected = pd.DataFrame({
        "ward_code": ["A", "B", "C", "D"], "ward_name": ["Ash", "Bow", "Cob", "Dell"],
        "current": [20.0, NAN, NAN, 0.0], "previous": [10.0, 12.0, NAN, NAN],
        "change": [10.0, NAN, NAN, NAN], "pct_change": [100.0, NAN, NAN, NAN],
        "rank": [1.0, NAN, NAN, NAN], "population": [1000.0, 2000.0, 4000.0, 5000.0],
        "rate": [20.0, NAN, NAN, NAN], "rural": [False, True, False, True],
        "current_suppressed": [F, T, T, F], "current_secondary": [F, T, F, F],
        "previous_suppressed": [F, F, T, T], "previous_secondary": [F, F, T, F],
        "suppressed": [F, T, T, T],
    })
    assert_frame_equal(got, expected)


def test_no_small_cells_leaves_a_ward_table_as_it_was_apart_from_flags():
    table = _ward_table([20, 10, 7, 0], [10, 12, 8, 0])
    got = d.suppress_wards(table)
    flags = pd.DataFrame(False, index=table.index, columns=["current_suppressed", "current_secondary",
                                                            "previous_suppressed", "previous_secondary", "suppressed"])
    floats = {c: "float64" for c in ("current", "previous", "change", "pct_change", "rank", "rate")}
    assert_frame_equal(got, pd.concat([table.astype(floats), flags], axis=1))


@pytest.mark.parametrize(("threshold", "current", "small"), [
    (None, [20, 10, 3, 0], "<5"),    # the configured default
    (10, [20, 14, 9, 0], "<11"),     # another threshold, another label
])
def test_display_strings(threshold, current, small):
    table = _ward_table(current, [10, 12, 8, 0])
    got = d.display(d.suppress_wards(table, threshold=threshold))
    # under threshold 10 the previous column's 10 and 8 are both small, and protect each other
    prev = ["10", "12", "8", "0"] if threshold is None else [small, "12", small, "0"]
    row0 = ["+10", "+100%", "1", "20.0"] if threshold is None else ["hidden"] * 4
    expected = pd.DataFrame({
        "ward_code": ["A", "B", "C", "D"], "ward_name": ["Ash", "Bow", "Cob", "Dell"],
        "current": ["20", "hidden", small, "0"], "previous": prev,
        "change": [row0[0], "hidden", "hidden", "0"], "pct_change": [row0[1], "hidden", "hidden", "n/a"],
        "rank": [row0[2], "hidden", "hidden", "4"], "population": ["1,000", "2,000", "4,000", "5,000"],
        "rate": [row0[3], "hidden", "hidden", "0.0"], "rural": [False, True, False, True],
    })
    assert_frame_equal(got, expected)


def test_display_of_a_frame_without_flags_is_refused():
    with pytest.raises(ValueError, match="suppress_wards or suppress_counts first"):
        d.display(_ward_table([1, 2, 3, 4], [1, 2, 3, 4]))


def test_map_values_grey_out_hidden_wards():
    table = _ward_table([20, 10, 3, 0], [10, 12, 8, 2])
    got = d.map_values(d.suppress_wards(table), value="rate")
    expected = pd.DataFrame({
        "ward_code": ["A", "B", "C", "D"], "ward_name": ["Ash", "Bow", "Cob", "Dell"],
        "value": [20.0, NAN, NAN, NAN], "value_text": ["20.0", "hidden", "hidden", "hidden"],
        "current": [20.0, NAN, NAN, 0.0], "previous": [10.0, 12.0, NAN, NAN],
        "pct_change": [100.0, NAN, NAN, NAN],
        "current_text": ["20", "hidden", "<5", "0"], "previous_text": ["10", "12", "hidden", "<5"],
    })
    assert_frame_equal(got, expected)
    assert d.map_values(d.suppress_wards(table))["value_text"].tolist() == ["20", "hidden", "<5", "0"]


def test_suppress_counts_for_a_strand_table():
    strands = pd.DataFrame({"strand": ["Race", "Sexual orientation", "Religion", "Disability", "Transgender"],
                            "crimes": [120, 14, 3, 9, 0], "share": [82.2, 9.6, 2.1, 6.2, 0.0]})
    got = d.suppress_counts(strands, "crimes", derived=("share",))
    expected = strands.assign(crimes=[120.0, 14.0, NAN, NAN, 0.0], share=[82.2, 9.6, NAN, NAN, 0.0],
                              crimes_suppressed=[F, F, T, T, F], crimes_secondary=[F, F, F, T, F],
                              suppressed=[F, F, T, T, F])
    assert_frame_equal(got, expected)
    shown = d.display(got)
    assert_frame_equal(shown, strands.assign(crimes=["120", "14", "<5", "hidden", "0"],
                                             share=["82.2", "9.6", "hidden", "hidden", "0"]))


@pytest.mark.parametrize(("options", "text"), [
    ({}, "Disclosure control is on: counts of 1 to 4 are shown as <5, and further cells are hidden "
         "where a total or a difference would reveal them."),
    ({"threshold": 10}, "Disclosure control is on: counts of 1 to 10 are shown as <11, and further cells are "
                        "hidden where a total or a difference would reveal them."),
    ({"suppress_zero": True}, "Disclosure control is on: counts of 0 to 4 are shown as <5, and further cells "
                              "are hidden where a total or a difference would reveal them."),
])
def test_note(options, text):
    assert d.note(**options) == text


def test_threshold_is_read_when_called(monkeypatch):
    monkeypatch.setattr(config, "SUPPRESSION_THRESHOLD", 2)
    got = d.suppress_wards(_column([12, 3, 2, 9]), count_columns=("current",))
    assert_frame_equal(got, _expected_column([12, NAN, NAN, 9], [F, T, F, F]))
    assert d.note().startswith("Disclosure control is on: counts of 1 to 2 are shown as <3")


@pytest.mark.parametrize(("frame", "options", "match"), [
    (_column([1, 2]), {"count_columns": ("current", "previous")}, r"\['previous'\] not in the table"),
    (_column([1, -2]), {"count_columns": ("current",)}, "'current' has missing or negative counts at rows \\[1\\]"),
    (_column([1.0, NAN]), {"count_columns": ("current",)}, "missing or negative"),
    (_column([1, 2]), {"count_columns": ("current",), "threshold": 0}, "threshold must be .* at least 1"),
])
def test_bad_input_is_refused(frame, options, match):
    with pytest.raises(ValueError, match=match):
        d.suppress_wards(frame, **options)


def test_protect_breakdown_hides_small_types_their_changes_and_labels():
    types = pd.DataFrame({"da_class": ["VAP", "Sexual", "Other"], "current": [40, 3, 12], "previous": [38, 6, 9],
                          "change": [2, -3, 3], "pct_change": [5.3, -50.0, 33.3], "label": ["+5%", "-50%", "+33%"]})
    got = d.display(d.protect_breakdown(types))
    assert got[["current", "previous", "change", "label"]].values.tolist() == [
        ["40", "38", "+2", "+5%"], ["<5", "6", "hidden", "<5"], ["hidden", "9", "hidden", "hidden"]]
    assert types["current"].tolist() == [40, 3, 12]   # the input is left as it was


def _feasible(value_low, value_high, others, remaining):
    """Values a hidden cell can take, given bounds on the other hidden cells and their sum (a brute force)."""
    reachable = {0}
    for low, high in others:
        reachable = {a + v for a in reachable for v in range(low, high + 1) if a + v <= remaining}
    return [v for v in range(value_low, value_high + 1) if remaining - v in reachable]


def _random_table(rng):
    n = int(rng.integers(1, 16))
    scale = rng.choice([0.5, 2.0, 6.0, 20.0])
    current, previous = rng.poisson(scale, n), rng.poisson(scale, n)
    return _random_ward_table(current, previous, rng)


def _random_ward_table(current, previous, rng):
    n = len(current)
    population = rng.integers(0, 12000, n).astype("float64")
    return pd.DataFrame({
        "ward_code": [f"W{i:02d}" for i in range(n)], "ward_name": [f"Ward {i}" for i in range(n)],
        "current": current, "previous": previous, "change": current - previous,
        "pct_change": [(c - p) / p * 100 if p else NAN for c, p in zip(current, previous)],
        "rank": np.arange(1, n + 1), "population": population,
        "rate": current / np.where(population > 0, population, np.nan) * 1000, "rural": rng.random(n) < 0.5,
    })


def test_invariants_over_random_ward_tables():
    rng = np.random.default_rng(20240611)
    for case in range(200):
        table = _random_table(rng)
        threshold = int(rng.choice([1, 4, 4, 10]))
        suppress_zero = bool(rng.random() < 0.2)
        before = table.copy()
        got = d.suppress_wards(table, threshold=threshold, suppress_zero=suppress_zero)
        assert_frame_equal(table, before)  # input untouched
        low = 0 if suppress_zero else 1
        for col in ("current", "previous"):
            values = table[col].to_numpy()
            hidden = got[f"{col}_suppressed"].to_numpy()
            secondary = got[f"{col}_secondary"].to_numpy()
            primary = hidden & ~secondary
            where = f"case {case}, {col}={values.tolist()}, threshold={threshold}, zero={suppress_zero}"
            # every small cell is hidden as small, and nothing else is
            assert (primary == ((values >= low) & (values <= threshold))).all(), where
            assert (values[secondary] > threshold).all(), where
            # hidden cells are NaN, shown ones are the input
            assert got.loc[hidden, col].isna().all(), where
            assert (got.loc[~hidden, col].to_numpy() == values[~hidden]).all(), where
            if col in d.hidden_totals(got):
                continue
            # no lone hidden cell next to a shown total
            assert hidden.sum() != 1, where
            # and no small cell is pinned by the total, the shown cells and what the labels say
            remaining = int(values.sum() - values[~hidden].sum())
            shown_nonzero = values[~hidden & (values > 0)]
            ceiling = int(shown_nonzero.min()) if len(shown_nonzero) else remaining
            bounds = [(low, threshold) if p else (threshold + 1, ceiling) for p in primary[hidden]]
            for i in np.flatnonzero(primary[hidden]):
                options = _feasible(*bounds[i], bounds[:i] + bounds[i + 1:], remaining)
                assert len(options) >= 2, f"{where}: cell {i} can only be {options}"
        # derived figures go wherever either count went
        either = got["current_suppressed"] | got["previous_suppressed"]
        assert (got["suppressed"] == either).all()
        for col in ("change", "pct_change", "rate", "rank"):
            assert got.loc[either, col].isna().all(), f"case {case}: {col}"
            assert_frame_equal(got.loc[~either, [col]], table.loc[~either, [col]].astype("float64"))


def test_a_ward_table_with_no_comparison_protects_this_period_and_leaves_the_year_before_missing():
    # measures.without_previous: the year before is not wholly in the data, so no previous count at all
    table = pd.DataFrame({"ward_code": ["W0", "W1", "W2"], "current": [12, 3, 9],
                          "previous": [NAN] * 3, "change": [NAN] * 3, "pct_change": [NAN] * 3})
    got = d.suppress_wards(table)
    assert got["current"].isna().tolist() == [False, True, True]        # 3 is small, 9 goes with it
    assert got["previous"].isna().all() and "previous_suppressed" not in got
    assert d.display(got)["current"].tolist() == ["12", "<5", "hidden"]
    # a count missing in some rows only is still an error
    with pytest.raises(ValueError, match="missing or negative counts"):
        d.suppress_wards(table.assign(previous=[1, NAN, 2]))
