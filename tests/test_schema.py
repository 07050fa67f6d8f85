"""The column contracts: good rows pass typed, each broken rule is named with file, row and column."""

from __future__ import annotations

import time

import pandas as pd
import pytest
from conftest import GOOD_ROWS, HIGH_STREET, rows
from pandas.testing import assert_frame_equal

from smp_dash import schema


def test_every_dataset_has_a_good_row():
    assert sorted(GOOD_ROWS) == sorted(schema.DATASETS)


@pytest.mark.parametrize("dataset", schema.DATASETS)
def test_good_row_passes_with_contract_types(dataset):
    typed = schema.validate(rows(dataset), dataset, "good.csv")
    assert list(typed.columns) == schema.columns(dataset)
    assert dict(typed.dtypes) == dict(schema.empty(dataset).dtypes)
    assert len(typed) == 1


def test_good_crime_row_values():
    typed = schema.validate(rows("crimes"), "crimes", "good.csv")
    expected = pd.DataFrame({
        "crime_id": pd.array(["a1b2c3"], dtype="string"),
        "month": pd.to_datetime(["2020-05-01"]).astype("datetime64[ns]"),
        "crime_type": pd.array(["Robbery"], dtype="string"),
        "offence_subgroup": pd.array(["Robbery"], dtype="string"),
        "domestic_abuse": pd.array([False], dtype="boolean"),
        "hate_strand": pd.array([pd.NA], dtype="string"),  # blank text becomes NA
        "longitude": [0.5273], "latitude": [51.2692],
        "location": pd.array(["On or near High Street"], dtype="string"),
        "lsoa_code": pd.array(["E01024371"], dtype="string"),
        "ward_code": pd.array([HIGH_STREET], dtype="string"),
        "source": pd.array(["test.csv"], dtype="string"),
    })
    assert_frame_equal(typed, expected)


@pytest.mark.parametrize("dataset, change, expected", [
    # "YYYY-MM" is accepted for a month column and means the first of the month
    ("crimes", {"month": "2020-05"}, ("month", pd.Timestamp("2020-05-01"))),
    # surrounding spaces are dropped before checking
    ("crimes", {"ward_code": f"  {HIGH_STREET} "}, ("ward_code", HIGH_STREET)),
    # booleans are forgiving about case and spelling
    ("enforcement", {"with_police": "Yes"}, ("with_police", True)),
    ("needle_finds", {"needles": "4.0"}, ("needles", 4)),
    # a blank nullable date stays blank
    ("actions", {"target": ""}, ("target", pd.NaT)),
])
def test_accepted_variants(dataset, change, expected):
    column, value = expected
    got = schema.validate(rows(dataset, change), dataset, "ok.csv")[column].iloc[0]
    assert (pd.isna(got) and pd.isna(value)) or got == value


# Each bad value sits in the second data row, so the file row reported must be 3.
@pytest.mark.parametrize("dataset, change, column, rule", [
    ("crimes", {"crime_type": "Burglarly"}, "crime_type", "must be one of: Bicycle theft"),
    ("service_requests", {"received": "04/05/2020"}, "received", "expected a date as YYYY-MM-DD"),
    ("service_requests", {"received": "2020-02-30"}, "received", "expected a date as YYYY-MM-DD"),
    ("service_requests", {"received": "2099-01-01"}, "received", "date is in the future"),
    ("crimes", {"month": "2020-05-14"}, "month", "a month must be the first day of the month"),
    ("crimes", {"domestic_abuse": "maybe"}, "domestic_abuse", "expected true or false"),
    ("needle_finds", {"needles": "2.5"}, "needles", "expected a whole number"),
    ("crimes", {"longitude": "51.27"}, "longitude", "must be between -8.7 and 1.8"),
    ("crimes", {"latitude": "0.52"}, "latitude", "must be between 49.8 and 60.9"),
    ("crimes", {"ward_code": "E0500499"}, "ward_code", r"must match \^E05"),
    ("crimes", {"ward_code": ""}, "ward_code", "a value is required"),
    ("crimes", {"crime_id": "a1 b2"}, "crime_id", "must match"),
    ("population", {"year": "twenty"}, "year", r"expected a number \(whole\)"),
    # what a float cannot hold, and what does not fit the 64-bit whole numbers of a column
    ("indicators", {"value": "inf"}, "value", "expected a finite number"),
    ("indicators", {"value": "-inf"}, "value", "expected a finite number"),
    ("indicators", {"value": "1e309"}, "value", "expected a finite number"),
    ("needle_finds", {"needles": "-inf"}, "needles", "expected a finite number"),
    ("population", {"year": "99999999999999999999999"}, "year", "expected a whole number that fits in 64 bits"),
    ("population", {"year": "18446744073709551615"}, "year", "expected a whole number that fits in 64 bits"),
])
def test_bad_value_names_file_row_and_column(dataset, change, column, rule):
    # crimes need a second crime_id, or the uniqueness rule would fire as well
    second = {"crime_id": "second-crime", **change} if dataset == "crimes" else change
    frame = rows(dataset, {}, second)
    with pytest.raises(schema.SchemaError, match=rf"bad\.csv, row 3, column '{column}'.*{rule}") as info:
        schema.validate(frame, dataset, "bad.csv")
    assert [(p.row, p.column) for p in info.value.problems] == [(3, column)]


@pytest.mark.parametrize("frame, message", [
    (rows("crimes").drop(columns="ward_code"), r"bad\.csv, row 1, column 'ward_code': required column is missing"),
    (rows("crimes").assign(notes="x"), r"bad\.csv, row 1, column 'notes': column is not part of the contract"),
])
def test_column_problems_name_the_header_row(frame, message):
    with pytest.raises(schema.SchemaError, match=message):
        schema.validate(frame, "crimes", "bad.csv")


def test_extra_columns_can_be_dropped():
    typed = schema.validate(rows("crimes").assign(notes="x"), "crimes", "ok.csv", extra="drop")
    assert list(typed.columns) == schema.columns("crimes")


@pytest.mark.parametrize("dataset, frame, message", [
    # the very same encampment twice is a copy-paste slip
    ("encampments", rows("encampments", {}, {}), r"bad\.csv, row 3: duplicate row"),
    # two different crimes cannot share an id
    ("crimes", rows("crimes", {}, {"crime_type": "Drugs", "offence_subgroup": "Drug offences"}),
     r"bad\.csv, row 3, column 'crime_id': value 'a1b2c3': must be unique"),
    ("population", rows("population", {}, {"population": "12500"}),
     r"bad\.csv, row 3, column 'ward_code,year'.*must be unique"),
    ("encampments", rows("encampments", {}, {"ended": "2020-05-01"}),
     r"bad\.csv, row 3, column 'ended': value '2020-05-01': must not be before started"),
])
def test_row_rules(dataset, frame, message):
    with pytest.raises(schema.SchemaError, match=message):
        schema.validate(frame, dataset, "bad.csv")


def test_every_problem_is_listed_not_just_the_first():
    frame = rows("crimes", {"crime_type": "?"}, {"crime_id": "b", "ward_code": "W1"})
    with pytest.raises(schema.SchemaError) as info:
        schema.validate(frame, "crimes", "bad.csv", first_row=10)
    assert [(p.row, p.column) for p in info.value.problems] == [(10, "crime_type"), (11, "ward_code")]
    assert str(info.value).startswith("2 problem(s) found:")


def test_every_repeated_row_is_listed():
    # all of them in one pass: the Data page sets rows aside and validates again until none is left
    with pytest.raises(schema.SchemaError) as info:
        schema.validate(rows("encampments", *[{}] * 30), "encampments", "bad.csv")
    assert [p.row for p in info.value.problems] == list(range(3, 32))
    assert str(info.value).endswith("... and 9 more")


def test_column_checks_take_time_linear_in_the_columns():
    frame = pd.DataFrame(columns=[f"c{i}" for i in range(20_000)] + ["c0"])
    start = time.perf_counter()
    with pytest.raises(schema.SchemaError) as info:
        schema.validate(frame, "population", "wide.csv")
    assert time.perf_counter() - start < 1.0      # a bound, not a benchmark: seconds when pairwise
    assert len(info.value.problems) == 4 + 20_000 + 1   # missing; not in the contract (each name once); repeated


def test_unknown_dataset():
    with pytest.raises(KeyError, match="unknown dataset 'crime'; expected one of crimes"):
        schema.columns("crime")


# police.uk snaps incidents to shared anonymised points: two ASB incidents in one month at one
# point are identical rows and both real; so are two warnings issued the same day in one ward.
@pytest.mark.parametrize("dataset", sorted(schema.ALLOW_DUPLICATE_ROWS))
def test_identical_rows_without_an_id_are_separate_events(dataset):
    typed = schema.validate(rows(dataset, {}, {}), dataset, "ok.csv")
    assert len(typed) == 2


def test_far_future_date_is_reported_not_a_crash():
    with pytest.raises(schema.SchemaError, match=r"row 2, column 'received'.*date is in the future"):
        schema.validate(rows("service_requests", {"received": "2999-01-01"}), "service_requests", "bad.csv")


# Every text value of every contract is bounded (issue 20) ------------------------------------

TEXT_COLUMNS = [(dataset, col.name) for dataset, contract in schema.CONTRACTS.items() for col in contract
                if col.kind == "str"]


@pytest.mark.parametrize("dataset, column", TEXT_COLUMNS, ids=[f"{d}.{c}" for d, c in TEXT_COLUMNS])
def test_a_text_value_longer_than_the_limit_is_named(dataset, column):
    long = "E" * 101   # longer than the limit below, and than what a message shows of a value
    with pytest.raises(schema.SchemaError) as info:
        schema.validate(rows(dataset, {}, {column: long}), dataset, "long.csv", field_chars=100)
    [problem] = [p for p in info.value.problems if p.rule == schema.too_long(100)]
    assert (problem.source, problem.row, problem.column) == ("long.csv", 3, column)
    assert str(problem) == (f"long.csv, row 3, column '{column}': value '{'E' * 60}... (101 characters)': "
                            f"longer than the 100 characters a value may hold (config.Limits.field_chars): "
                            "is this the right column, or the right file?")
    # at the limit it is only checked against the column's other rules
    try:
        schema.validate(rows(dataset, {}, {column: "E" * 100}), dataset, "long.csv", field_chars=100)
    except schema.SchemaError as exc:
        assert all(p.rule != schema.too_long(100) for p in exc.problems)


def test_the_limit_is_read_from_the_configuration_when_called(monkeypatch):
    from smp_dash import config

    good = rows("actions", {}, {"update": "u" * 10_000})
    assert len(schema.validate(good, "actions", "a.csv")) == 2   # 10,000 characters: the default limit
    monkeypatch.setattr(config, "LIMITS", config.Limits(field_chars=9_999))
    with pytest.raises(schema.SchemaError, match=r"a\.csv, row 3, column 'update'.*longer than the 9,999"):
        schema.validate(good, "actions", "a.csv")
