"""CSV exports: formula injection neutralised, a header block of context, values that read back."""

from __future__ import annotations

import io
import math

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from smp_dash import exports

STARTERS = ["=", "+", "-", "@", "\t", "\r"]


def text(data: bytes) -> str:
    """The export decoded as UTF-8, with either line ending (\\n or \\r\\n) read as \\n."""
    return data.decode("utf-8").replace("\r\n", "\n")


def read_back(data: bytes) -> pd.DataFrame:
    """The export parsed as a spreadsheet user would, with the leading quotes taken off again."""
    frame = pd.read_csv(io.BytesIO(data), comment="#", encoding="utf-8")
    frame.columns = [c.removeprefix("'") for c in frame.columns]
    for column in frame.columns:
        if frame[column].dtype == object or str(frame[column].dtype) == "str":
            frame[column] = frame[column].str.removeprefix("'")
    return frame


# inert -----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "expected"), [
    ("=1+1", "'=1+1"),
    ("+44 1622 602000", "'+44 1622 602000"),    # a phone number still starts a formula
    ("-cmd", "'-cmd"),
    ("-5", "'-5"),                              # text that looks negative is still text
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\tTab", "'\tTab"),
    ("\rCR", "'\rCR"),
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
    ("High Street", "High Street"),
    ("a=b", "a=b"),                             # a starter later in the text is harmless
    (" =1", " =1"),                             # a leading space is not in the starter list
    ("'=1", "'=1"),                             # already quoted: not quoted twice
    ("", ""),
])
def test_inert_text(value, expected):
    assert exports.inert(value) == expected


@pytest.mark.parametrize("value", [
    5, -5, -1.5, 0, np.int64(-3), np.float64(-0.25),   # numbers are data, even when negative
    None, math.nan, pd.NA, True,
])
def test_inert_leaves_non_text_alone(value):
    assert exports.inert(value) is value


# csv_bytes: cells ------------------------------------------------------------------------------

@pytest.mark.parametrize("starter", STARTERS)
def test_each_formula_starter_is_quoted_and_reads_back(starter):
    table = pd.DataFrame({"ward": [f"{starter}cmd|' /C calc'!A0", "Bridge"], "n": [-3, 4]})
    data = exports.csv_bytes(table)
    raw = pd.read_csv(io.BytesIO(data), comment="#")
    # the spreadsheet sees a leading quote, so the cell is text, not a formula
    assert raw["ward"].tolist() == [f"'{starter}cmd|' /C calc'!A0", "Bridge"]
    assert_frame_equal(read_back(data), table)


def test_hyperlink_cell_starts_with_quote_equals():
    table = pd.DataFrame({"note": ["=HYPERLINK(\"http://x\")"]})
    data = exports.csv_bytes(table)
    # CSV quoting doubles the inner quotes; the cell itself begins '=
    assert text(data) == "note\n\"'=HYPERLINK(\"\"http://x\"\")\"\n"
    cell = pd.read_csv(io.BytesIO(data))["note"].iloc[0]
    assert cell.startswith("'=")
    assert cell == "'=HYPERLINK(\"http://x\")"


@pytest.mark.parametrize("dtype", ["object", "str", "string", "category"])
def test_every_text_dtype_is_neutralised(dtype):
    table = pd.DataFrame({"t": pd.Series(["=1", "ok"], dtype=dtype)})
    assert text(exports.csv_bytes(table)) == "t\n'=1\nok\n"


@pytest.mark.parametrize(("column", "expected"), [
    (pd.Series([-2, 3], dtype="int64"), "-2,1\n3,1\n"),
    (pd.Series([-1.5, 0.25]), "-1.5,1\n0.25,1\n"),
    (pd.Series([-7, None], dtype="Int64"), "-7,1\n,1\n"),        # a missing count stays empty
    (pd.Series([-2, "n/a", "-3"], dtype=object), "-2,1\nn/a,1\n'-3,1\n"),  # a number among text vs. text
    (pd.Series([-2, 4], dtype=object), "-2,1\n4,1\n"),          # numbers held in a text column
    (pd.Series([-2, None], dtype=object), "-2,1\n,1\n"),
    (pd.Series([True, False]), "True,1\nFalse,1\n"),
])
def test_numbers_are_untouched(column, expected):
    data = exports.csv_bytes(pd.DataFrame({"v": column, "k": 1}))
    assert text(data) == "v,k\n" + expected


def test_missing_text_stays_empty():
    table = pd.DataFrame({"t": pd.Series(["=x", None], dtype="str"), "n": [1, 2]})
    assert text(exports.csv_bytes(table)) == "t,n\n'=x,1\n,2\n"


@pytest.mark.parametrize("cell", [
    "\r=1+1",                       # quoted by inert, then cut after the quote
    "see note\r=cmd|' /C calc'!A0",  # not a starter at all: the formula arrives on a row of its own
])
def test_carriage_return_inside_a_cell_keeps_the_row_whole(cell):
    table = pd.DataFrame({"note": [cell], "n": [1]})
    data = exports.csv_bytes(table)
    back = pd.read_csv(io.BytesIO(data), comment="#")
    assert len(back) == 1
    assert back["note"].iloc[0] == exports.inert(cell)


# csv_bytes: column names -----------------------------------------------------------------------

@pytest.mark.parametrize(("name", "header"), [
    ("=SUM(A1)", "'=SUM(A1)"),
    ("-change", "'-change"),
    ("@user", "'@user"),
    ("ward", "ward"),
    (2020, "2020"),                 # a year as a column name is written as text, unquoted
])
def test_column_names_are_neutralised(name, header):
    data = exports.csv_bytes(pd.DataFrame({name: [1]}))
    assert text(data).split("\n")[0] == header


# csv_bytes: header block -----------------------------------------------------------------------

TINY = pd.DataFrame({"ward": ["Bridge"], "n": [3]})


@pytest.mark.parametrize(("kwargs", "header"), [
    ({"view": "Wards: High Street", "period": "Calendar year 2020", "exclusions": "bulk needle finds"},
     "# view: Wards: High Street\n# period: Calendar year 2020\n# excluded: bulk needle finds\n"),
    ({}, ""),                                        # no context given: no header lines at all
    ({"view": "", "period": "", "exclusions": ""}, ""),
    ({"period": "2020/21"}, "# period: 2020/21\n"),   # only the lines given
    ({"view": "All wards", "exclusions": "none"}, "# view: All wards\n# excluded: none\n"),
    ({"view": "=cmd"}, "# view: '=cmd\n"),           # header values are neutralised too
])
def test_header_block(kwargs, header):
    assert text(exports.csv_bytes(TINY, **kwargs)) == header + "ward,n\nBridge,3\n"


def test_newline_in_a_header_value_stays_commented():
    data = exports.csv_bytes(TINY, view="Wards: Bridge\n=HYPERLINK(\"http://x\")", exclusions="a\r\nb")
    lines = text(data).split("\n")
    assert lines[-3:] == ["ward,n", "Bridge,3", ""]
    assert len(lines) == 5 and all(line.startswith("# ") for line in lines[:-3])
    assert_frame_equal(read_back(data), TINY)


# csv_bytes: encoding, round trip, inputs -------------------------------------------------------

def test_output_is_utf8():
    table = pd.DataFrame({"place": ["Café – ½ mile from Maidstone’s Jubilee Square"], "n": [1]})
    data = exports.csv_bytes(table, view="Vinters Park – all")
    assert isinstance(data, bytes)
    assert text(data) == ("# view: Vinters Park – all\n"
                          "place,n\nCafé – ½ mile from Maidstone’s Jubilee Square,1\n")
    assert "Café".encode("utf-8") in data and not data.startswith(b"\xef\xbb\xbf")


def test_round_trip_with_header_block():
    table = pd.DataFrame({
        "rank": [1, 2, 3],
        "ward_name": ["=Bridge", "High Street", "+Fant"],
        "current": [120, 0, 7],
        "pct_change": [-12.5, math.nan, 300.0],
        "-change": [-3, 0, 5],
        "note": ["@mention", "-", "Café"],
    })
    data = exports.csv_bytes(table, view="All wards", period="2020", exclusions="none")
    assert text(data).startswith("# view: All wards\n# period: 2020\n# excluded: none\n")
    assert_frame_equal(read_back(data), table)


def test_input_frame_is_not_mutated():
    table = pd.DataFrame({
        "=name": ["=1+1", "-x", "ok"],
        "kind": pd.Categorical(["@a", "b", "@a"]),
        "n": [-1, 2, 3],
    })
    before = table.copy()
    exports.csv_bytes(table, view="=v", period="p", exclusions="e")
    assert_frame_equal(table, before)
    assert list(table.columns) == ["=name", "kind", "n"]


def test_empty_table_writes_just_the_header():
    table = pd.DataFrame({"ward": pd.Series([], dtype="str"), "=n": pd.Series([], dtype="int64")})
    assert text(exports.csv_bytes(table, period="2020")) == "# period: 2020\nward,'=n\n"


# csv_bytes: what the file holds, numbers as shown ----------------------------------------------

def test_header_says_what_the_file_holds_and_that_demo_data_is_not_real():
    data = exports.csv_bytes(TINY, data="ASB per 1,000 by ward", source="police.uk", view="Bridge, 2020", demo=True)
    assert text(data).split("\n")[:4] == ["# data: ASB per 1,000 by ward", "# source: police.uk",
                                          "# view: Bridge, 2020", f"# note: {exports.DEMO_NOTE}"]


@pytest.mark.parametrize(("names", "line"), [
    (("Bridge", "High Street"), "every ward in the borough; selected: Bridge, High Street"),
    # Edge: more than three wards are all named (the page's "5 wards" would not say which).
    (("A", "B", "C", "D", "E"), "every ward in the borough; selected: A, B, C, D, E"),
    ((), "every ward in the borough; none selected"),
])
def test_ward_scope_names_the_selection_and_says_the_file_holds_every_ward(names, line):
    assert exports.ward_scope(names) == line


def test_rates_are_rounded_as_shown_and_counts_written_whole():
    table = pd.DataFrame({"ward_name": ["A", "B"], "current": [12.0, np.nan], "population": [2000.0, 3000.0],
                          "rate": [6.04321, 1 / 3], "upper_99.8": [9.987, 2.0], "pct_change": [12.345, -5.0],
                          "score": [2.25, 1.5]})
    lines = text(exports.csv_bytes(table)).split("\n")
    assert lines[:3] == ["ward_name,current,population,rate,upper_99.8,pct_change,score",
                         "A,12,2000,6.0,10.0,12.3,2.25",          # a column with fractions keeps them (score)
                         "B,,3000,0.3,2.0,-5.0,1.5"]               # a missing count stays empty, not 0


def test_numbers_as_shown_leave_the_input_alone():
    table = pd.DataFrame({"rate": [6.04321], "n": [3.0]})
    before = table.copy()
    assert exports.as_shown(table)["n"].dtype == "Int64"
    assert_frame_equal(table, before)


@pytest.mark.parametrize("words, suffix, name", [
    ("ASB incidents by ward, Dec 2019 to Nov 2020", ".csv", "smp-dash-ASB-incidents-by-ward-Dec-2019-to-Nov-2020.csv"),
    # a chart's title: its markup and punctuation go, its capitals stay (never "asb", "nov")
    ("Rate per 1,000<br><sub>against the borough</sub>", ".png", "smp-dash-Rate-per-1-000-against-the-borough.png"),
    ("../../etc/passwd; rm -rf", ".csv", "smp-dash-etc-passwd-rm-rf.csv"),    # nothing a shell or path reads
    ("", ".csv", "smp-dash.csv"),
    ("word " * 40, ".csv", "smp-dash" + "-word" * 14 + ".csv"),               # whole words, at most 80 characters
])
def test_file_name_from_what_a_download_holds(words, suffix, name):
    assert exports.file_name(words, suffix) == name
    assert len(name) - len(suffix) <= exports.FILE_NAME_LENGTH
