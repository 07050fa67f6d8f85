"""MoRiLE scoring on tiny hand-built sheets: the arithmetic, ranking, data-driven likelihood,
sensitivity, the sheet's validation and its CSV round trip. Expected numbers are worked by hand."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from smp_dash import morile, schema
from smp_dash.periods import period
from smp_dash.sources._files import IngestError

CAL_2020 = period("calendar", 2020)
#: Criteria in morile.CRITERIA order: 5 harm, 3 likelihood, confidence, capacity, capability.
ALPHA = (4, 4, 4, 4, 4, 2, 2, 2, 4, 0, 0)   # H 4, L 2, R 8, C 1, O 1 -> 8.00
BETA = (4, 0, 0, 0, 0, 4, 4, 4, 2, 4, 2)    # H 0.8, L 4, R 3.2, C 0.75, O 1.75 -> 4.20
GAMMA = (2, 2, 2, 2, 2, 3, 3, 0, 1, 2, 2)   # H 2, L 2, R 4, C 0.625, O 1.5 -> 3.75


def _sheet(*rows, measures=None) -> pd.DataFrame:
    """A valid sheet from (theme, scores) pairs; ``measures`` gives each theme's data_measure."""
    frame = pd.DataFrame([{"theme": theme, "priority_area": "other", "data_measure": (measures or {}).get(theme, ""),
                           **dict(zip(morile.CRITERIA, scores)), "note": ""} for theme, scores in rows])
    return morile.validate_sheet(frame, "test")


THREE = _sheet(("Gamma", GAMMA), ("Alpha", ALPHA), ("Beta", BETA))


# Scoring ------------------------------------------------------------------------------------

def test_score_arithmetic():
    got = morile.score(THREE)
    expected = pd.DataFrame({
        "theme": ["Alpha", "Beta", "Gamma"],
        "harm": [4.0, 0.8, 2.0],
        "likelihood": [2.0, 4.0, 2.0],
        "risk": [8.0, 3.2, 4.0],
        "confidence_factor": [1.0, 0.75, 0.625],      # 0.5 + confidence / 8
        "organisational_factor": [1.0, 1.75, 1.5],    # 1 + mean(capacity, capability) / 4
        "priority": [8.0, 4.2, 3.75],                 # 8 x 1 x 1; 3.2 x 0.75 x 1.75; 4 x 0.625 x 1.5
        "rank": [1, 2, 3],
    })
    assert_frame_equal(got[expected.columns], expected, check_dtype=False)
    assert list(got.columns[:len(morile.SHEET_COLUMNS)]) == list(morile.SHEET_COLUMNS)


@pytest.mark.parametrize("weights, priorities", [
    ({}, {"Alpha": 8.0, "Beta": 4.2, "Gamma": 3.75}),
    # Physical harm x3: Beta's harm is 12/7, risk 48/7, x 0.75 x 1.75 = 9; Alpha and Gamma keep equal harm scores.
    ({"harm_physical": 3}, {"Beta": 9.0, "Alpha": 8.0, "Gamma": 3.75}),
    # Confidence weight 0: every confidence factor is 1 (Beta 3.2 x 1.75, Gamma 4 x 1.5).
    ({"confidence": 0}, {"Alpha": 8.0, "Beta": 5.6, "Gamma": 6.0}),
    # Confidence weight 2: factors squared (Beta 0.5625, Gamma 0.390625 -> 2.34375 -> 2.34).
    ({"confidence": 2}, {"Alpha": 8.0, "Beta": 3.15, "Gamma": 2.34}),
    # Capability only: Beta's O = 1 + 2/4, Gamma's 1 + 2/4, Alpha's 1.
    ({"capacity": 0}, {"Alpha": 8.0, "Beta": 3.6, "Gamma": 3.75}),
    # Every harm weight 0: harm is the midpoint 2 for all (Alpha 4, Beta 8 x 0.75 x 1.75, Gamma 3.75).
    (dict.fromkeys(morile.HARM, 0), {"Beta": 10.5, "Alpha": 4.0, "Gamma": 3.75}),
    # Scaling a whole group alike changes nothing: weights act within their group.
    (dict.fromkeys(morile.LIKELIHOOD, 2.5), {"Alpha": 8.0, "Beta": 4.2, "Gamma": 3.75}),
])
def test_score_with_weights(weights, priorities):
    got = morile.score(THREE, weights)
    assert dict(zip(got["theme"], got["priority"])) == pytest.approx(priorities)
    assert got["theme"].tolist() == sorted(priorities, key=lambda t: (-priorities[t], t))
    assert got["rank"].tolist() == [1, 2, 3]


def test_weight_zero_removes_a_criterion():
    changed = THREE.assign(harm_financial=[0, 4, 1])
    weights = {"harm_financial": 0}
    assert_frame_equal(morile.score(THREE, weights).drop(columns="harm_financial"),
                       morile.score(changed, weights).drop(columns="harm_financial"))
    assert not morile.score(THREE)["priority"].equals(morile.score(changed)["priority"])


@pytest.mark.parametrize("order", [["Banana", "Apple", "Cherry"], ["Cherry", "Banana", "Apple"]])
def test_ties_rank_by_theme_name(order):
    rows = {"Apple": GAMMA, "Banana": GAMMA, "Cherry": ALPHA}
    got = morile.score(_sheet(*((t, rows[t]) for t in order)))
    assert got[["theme", "rank"]].values.tolist() == [["Cherry", 1], ["Apple", 2], ["Banana", 3]]


@pytest.mark.parametrize("weights, message", [
    ({"harm_speed": 1}, "unknown weight"),
    ({"harm_physical": -1}, "non-negative"),
    ({"confidence": math.nan}, "non-negative"),
])
def test_bad_weights(weights, message):
    with pytest.raises(ValueError, match=message):
        morile.score(THREE, weights)


# Likelihood from the data ---------------------------------------------------------------------

@pytest.mark.parametrize("count, expected", [
    (0, 1), (49, 1),        # below 50
    (50, 2), (249, 2),      # below 250
    (250, 3), (999, 3),     # below 1,000
    (1000, 4), (6600, 4),
])
def test_volume_score(count, expected):
    assert morile.volume_score(count) == expected


@pytest.mark.parametrize("pct, expected", [
    (-100.0, 1), (-10.0, 1),    # -10% or less
    (-9.99, 2), (9.99, 2),      # below +10%
    (10.0, 3), (29.99, 3),      # below +30%
    (30.0, 4), (250.0, 4),
])
def test_trend_score(pct, expected):
    assert morile.trend_score(pct) == expected


def test_data_likelihood_replaces_volume_and_trend_where_data_exists():
    sheet = _sheet(("Alpha", ALPHA), ("Beta", BETA), ("Gamma", GAMMA),
                   measures={"Alpha": "da_crimes", "Beta": "hate_crimes", "Gamma": "drug_offences"})
    before = sheet.copy()
    got = morile.data_likelihood(sheet, {"da_crimes": (250, 30.0),        # volume 3, trend 4
                                         "hate_crimes": (49, math.nan),    # volume 1, trend kept (nothing a year earlier)
                                         "asb_incidents": (9000, 5.0)})    # no theme uses it
    assert got["likelihood_volume"].tolist() == [3, 1, 3]     # Gamma's measure has no data: its judged 3 stays
    assert got["likelihood_trend"].tolist() == [4, 4, 3]
    assert got["data_driven"].tolist() == [True, True, False]
    assert got["measure_count"].tolist() == [250, 49, pd.NA]
    assert got["measure_change"].iloc[0] == 30.0 and got["measure_change"].iloc[1:].isna().all()
    assert_frame_equal(sheet, before)
    # the table of them, as shown and marked when demonstration data: tests/priorities/test_morile.py


def test_measures_from_data():
    months = pd.to_datetime(["2019-03-01", "2020-03-01", "2020-07-01"])
    crimes = pd.DataFrame({
        "month": months.repeat(3),
        "ward_code": ["W1", "W2", "W1"] * 3,
        "crime_type": ["Drugs", "Violence and sexual offences", "Possession of weapons"] * 3,
        "offence_subgroup": ["Drug offences", "Violence against the person", "Possession of weapons offences"] * 3,
        "domestic_abuse": pd.array([False, True, False] * 3, dtype="boolean"),
        "hate_strand": ["Race", None, None] * 3,
        "n": [4, 10, 2, 5, 12, 3, 1, 3, 0],
    })
    asb = pd.DataFrame({"month": months, "ward_code": ["W1", "W1", "W2"], "n": [20, 10, 15]})
    needles = pd.DataFrame({"found": pd.to_datetime(["2019-05-02", "2020-05-02", "2020-06-02"]),
                            "ward_code": ["W1", "W1", "W1"], "needles": [10, 8, 1000],
                            "bulk_incident": pd.array([False, False, True], dtype="boolean")})
    got = morile.measures_from_data(crimes, asb, needles, CAL_2020, town_centre=("W2",))
    expected = {
        "da_crimes": (15, 50.0),            # 12 + 3 against 10
        "drug_offences": (6, 50.0),         # 5 + 1 against 4
        "weapon_possession": (3, 50.0),     # 3 + 0 against 2
        "hate_crimes": (6, 50.0),           # the Race rows are the drug rows
        "asb_incidents": (25, 25.0),        # 10 + 15 against 20
        "needles_found": (8, -20.0),        # the bulk find of 1,000 is left out
        "nte_violence": (15, 50.0),         # violence in W2
    }
    assert list(got) == list(expected)
    assert all(got[k] == pytest.approx(v) for k, v in expected.items())
    in_w1 = morile.measures_from_data(crimes, asb, needles, CAL_2020, wards=("W1",))
    assert in_w1["asb_incidents"] == pytest.approx((10, -50.0))
    assert "nte_violence" not in in_w1 and math.isnan(in_w1["da_crimes"][1])   # nothing in W1 a year earlier
    # police.uk rows (no domestic-abuse flag, no hate strand) and no needle log: those measures are left
    # out, so their themes keep the judged volume and trend rather than scoring a count of 0.
    police_uk = crimes.assign(domestic_abuse=pd.NA, hate_strand=None, offence_subgroup=None)
    got = morile.measures_from_data(police_uk, asb, needles.iloc[0:0], CAL_2020, town_centre=("W2",))
    assert set(got) == {"drug_offences", "weapon_possession", "asb_incidents", "nte_violence"}
    sheet = morile.data_likelihood(morile.default_sheet(), got)
    da = sheet[sheet["data_measure"] == "da_crimes"]
    assert len(da) and not da["data_driven"].any()
    assert (da["likelihood_volume"].to_numpy() == morile.default_sheet().loc[da.index, "likelihood_volume"].to_numpy()).all()


# Rank change and sensitivity ------------------------------------------------------------------

def test_rank_change():
    default = morile.score(THREE)
    now = morile.score(pd.concat([THREE, _sheet(("Delta", ALPHA))], ignore_index=True), {"harm_physical": 3})
    expected = pd.DataFrame({"theme": ["Beta", "Alpha", "Delta", "Gamma"],
                             "default_rank": pd.array([2, 1, pd.NA, 3], dtype="Int64"),
                             "rank": [1, 2, 3, 4],
                             "change": pd.array([1, -1, pd.NA, -1], dtype="Int64")})
    assert_frame_equal(morile.rank_change(default, now), expected, check_dtype=False)


@pytest.mark.parametrize("change, label", [(2, "▲2"), (-1, "▼1"), (0, "–"), (pd.NA, "new"), (None, "new")])
def test_change_label(change, label):
    assert morile.change_label(change) == label


def test_ranking_table_shows_the_change_against_the_default():
    table = morile.ranking_table(morile.score(THREE, {"harm_physical": 3}), morile.score(THREE))
    assert table[["rank", "theme", "priority", "change"]].values.tolist() == [
        [1, "Beta", 9.0, "▲1"], [2, "Alpha", 8.0, "▼1"], [3, "Gamma", 3.75, "–"]]


def test_sensitivity_finds_the_weight_that_reorders():
    detail = morile.sensitivity(THREE, top=2)
    assert len(detail) == len(morile.CRITERIA) * 5
    physical = detail[detail["weight"] == "harm_physical"].set_index("factor")
    # x0.5: Beta's harm 2/4.5, score 16/9 x 0.75 x 1.75 = 2.33, below Gamma's 3.75 (x0 too).
    # x1.5 and x2 leave Beta second (5.73, 7); x3 lifts it over Alpha (9 > 8).
    assert physical["reorders"].to_dict() == {0.0: True, 0.5: True, 1.5: False, 2.0: False, 3.0: True}
    assert physical.loc[3.0, "top"] == "Beta; Alpha"
    assert physical.loc[3.0, "moves"] == "Beta 2 → 1; Alpha 1 → 2"
    summary = morile.sensitivity_summary(detail).set_index("weight")
    assert summary.loc["harm_physical", "smallest_change"] == "weight 1 → 0.5 (×0.5)"
    assert summary.loc["harm_physical", "moves"] == "Gamma enters at 2; Beta drops out"
    # Confidence x0 ignores it: Gamma (6.0) passes Beta (5.6) into second place.
    assert summary.loc["confidence", "smallest_change"] == "weight 1 → 0 (×0)"
    assert summary.loc["confidence", "moves"] == "Gamma enters at 2; Beta drops out"


def test_sensitivity_reports_none_when_nothing_can_reorder():
    # Top dominates bottom on every criterion, so no weighting can swap them.
    sheet = _sheet(("Top", (4,) * 8 + (4, 4, 4)), ("Bottom", (0,) * 8 + (1, 0, 0)))
    summary = morile.sensitivity_summary(morile.sensitivity(sheet, top=2))
    assert summary["smallest_change"].eq(morile.NO_CHANGE).all()
    assert summary["weight"].tolist() == list(morile.CRITERIA)


def test_sensitivity_tries_a_zero_weight_as_if_from_one():
    detail = morile.sensitivity(THREE, {"harm_physical": 0}, top=2)
    tried = detail[detail["weight"] == "harm_physical"]
    # 0 -> 0 changes nothing, so it is not tried; from 0 no factor holds, so none is written.
    assert tried["value"].tolist() == [0.5, 1.5, 2, 3]
    assert tried["change"].tolist() == ["weight 0 → 0.5", "weight 0 → 1.5", "weight 0 → 2", "weight 0 → 3"]


@pytest.mark.parametrize("before, after, label", [
    (1, 0.5, "weight 1 → 0.5 (×0.5)"),
    (2, 3, "weight 2 → 3 (×1.5)"),
    (1, 0, "weight 1 → 0 (×0)"),
    (0, 0.5, "weight 0 → 0.5"),     # edge: 0 times anything is 0, so no factor is claimed
])
def test_weight_change_is_arithmetic_that_holds(before, after, label):
    assert morile.weight_change(before, after) == label


def test_sensitivity_labels_never_claim_a_factor_the_numbers_deny():
    detail = morile.sensitivity(THREE, {"harm_physical": 0, "capacity": 2}, top=2)
    for row in detail.itertuples():
        assert row.value != row.current
        if "×" in row.change:
            assert row.current * float(row.change.split("×")[1].rstrip(")")) == pytest.approx(row.value)


# The sheet: defaults, validation, CSV ---------------------------------------------------------

def test_default_sheet_is_valid_and_ranks_as_the_text_suggests():
    sheet = morile.default_sheet()
    assert 12 <= len(sheet) <= 16
    assert_frame_equal(morile.validate_sheet(sheet, "defaults"), sheet)
    ranked = morile.score(sheet)["theme"].tolist()
    assert ranked[:2] == ["Domestic abuse (including stalking)", "County lines and drug supply"]
    assert ranked.index("Illegal puppy farming") >= len(ranked) - 3
    assert set(sheet["priority_area"]) >= set(schema.PRIORITIES)


def test_csv_round_trip():
    sheet = pd.concat([morile.default_sheet(), _sheet(("=HYPERLINK(\"x\")", ALPHA), ("-2 knives, \"quoted\"", BETA))],
                      ignore_index=True).assign(note=lambda f: f["note"].where(f.index < 16, "+1 line\nbreak"))
    data = morile.sheet_csv(sheet)
    assert b"'=HYPERLINK" in data          # inert in a spreadsheet
    assert_frame_equal(morile.read_sheet(data, "sheet.csv"), sheet)


def test_read_sheet_from_a_path(tmp_path):
    path = tmp_path / "scores.csv"
    path.write_bytes(morile.sheet_csv(THREE))
    assert_frame_equal(morile.read_sheet(path), THREE)


def _csv(edit=lambda lines: lines) -> bytes:
    return "\n".join(edit(morile.sheet_csv(THREE).decode().splitlines())).encode()


def _cell(row: int, column: str, value: str):
    """Set one cell of the CSV text (row as in the file: header = 1)."""
    def edit(lines):
        header = lines[0].split(",")
        cells = lines[row - 1].split(",")
        cells[header.index(column)] = value
        return lines[:row - 1] + [",".join(cells)] + lines[row:]
    return edit


@pytest.mark.parametrize("data, message", [
    (_csv(_cell(3, "harm_physical", "5")), "sheet.csv, row 3, column 'harm_physical': value '5': must be between 0 and 4"),
    (_csv(_cell(2, "capacity", "-1")), "row 2, column 'capacity': value '-1': must be between 0 and 4"),
    (_csv(_cell(4, "confidence", "0")), "row 4, column 'confidence': value '0': must be between 1 and 4"),
    (_csv(_cell(2, "harm_scope", "high")), "row 2, column 'harm_scope': value 'high': expected a whole number"),
    (_csv(_cell(2, "harm_scope", "2.5")), "value '2.5': expected a whole number"),
    (_csv(_cell(3, "likelihood_trend", "")), "row 3, column 'likelihood_trend': a value is required"),
    (_csv(_cell(4, "theme", "alpha")), "row 4, column 'theme': value 'alpha': duplicate theme \\(as row 3\\)"),
    (_csv(_cell(2, "theme", " ")), "row 2, column 'theme': a value is required"),
    (_csv(_cell(2, "priority_area", "burglary")), "row 2, column 'priority_area': value 'burglary': must be one of"),
    (_csv(_cell(2, "data_measure", "shoplifting")), "column 'data_measure': value 'shoplifting': must be one of"),
    (_csv(lambda lines: [ln.rsplit(",", 3)[0] + "," + ln.rsplit(",", 1)[1] for ln in lines]),  # capacity, capability gone
     "sheet.csv, row 1, column 'capacity': required column is missing"),
    (_csv(lambda lines: [lines[0] + ",colour"] + [ln + ",red" for ln in lines[1:]]),
     "row 1, column 'colour': column is not part of the sheet"),
    (_csv(lambda lines: lines[:1]), "sheet.csv: the sheet has no themes"),
])
def test_bad_sheet_names_file_row_column_and_rule(data, message):
    with pytest.raises(schema.SchemaError, match=message) as caught:
        morile.read_sheet(data, "sheet.csv")
    assert all(p.source == "sheet.csv" for p in caught.value.problems)


def test_every_problem_is_listed():
    data = _csv(lambda lines: _cell(3, "confidence", "9")(_cell(2, "harm_physical", "x")(lines)))
    with pytest.raises(schema.SchemaError) as caught:
        morile.read_sheet(data, "sheet.csv")
    assert [(p.row, p.column, p.value) for p in caught.value.problems] == [(2, "harm_physical", "x"), (3, "confidence", "9")]


@pytest.mark.parametrize("data, message", [
    (b"", "sheet.csv: the file is empty"),
    (b"  \n", "the file is empty"),
    (_csv().replace(b"Alpha", "Alph\u00e0".encode("cp1252")), "sheet.csv, row 3.*not UTF-8"),
    (_csv().replace(b",", b";"), "separated by ';'"),
    (_csv(lambda lines: [lines[0] + ",theme"] + lines[1:]), "column appears more than once"),
    (b"PK\x03\x04[Content_Types]xl/", "Excel workbook"),
    (_csv().replace(b"\n", b"\r"), r"sheet\.csv, row 1: lines end with a carriage return alone"),
    (_csv()[:-30], r"sheet\.csv, row 4: the last row has .* values and no line break after it: the file looks cut off"),
    (_csv(lambda lines: [lines[0] + ",x" * 100] + lines[1:]), r"sheet\.csv, row 1: the header has 115 columns"),
])
def test_unreadable_file_names_the_file(data, message):
    with pytest.raises(IngestError, match=message):
        morile.read_sheet(data, "sheet.csv")


def test_oversize_file_is_refused():
    with pytest.raises(ValueError, match=r"sheet\.csv: the file is [0-9.,]+ (bytes|KB); the largest accepted is 100 bytes"):
        morile.read_sheet(_csv(), "sheet.csv", max_bytes=100)


def test_validate_an_edited_frame_counts_rows_from_one():
    edited = THREE.assign(harm_physical=[4, 9, 2])  # numbers as the data editor returns them
    with pytest.raises(schema.SchemaError, match="the scoring sheet, row 2, column 'harm_physical': value 9"):
        morile.validate_sheet(edited, "the scoring sheet", first_row=1)
    added = pd.concat([THREE, pd.DataFrame([{c: None for c in morile.SHEET_COLUMNS}])], ignore_index=True)
    with pytest.raises(schema.SchemaError, match="row 4, column 'theme': a value is required"):
        morile.validate_sheet(added, "the scoring sheet", first_row=1)


# Inputs are never changed -----------------------------------------------------------------------

@pytest.mark.parametrize("call", [
    lambda s: morile.score(s, {"harm_physical": 2}),
    lambda s: morile.data_likelihood(s, {"da_crimes": (10, 5.0)}),
    lambda s: morile.sensitivity(s, top=2),
    lambda s: morile.validate_sheet(s, "x"),
    lambda s: morile.sheet_csv(s),
    lambda s: morile.rank_change(morile.score(s), morile.score(s)),
])
def test_inputs_are_not_mutated(call):
    sheet = THREE.assign(data_measure=["da_crimes", "", ""])
    before = sheet.copy()
    call(sheet)
    assert_frame_equal(sheet, before)
