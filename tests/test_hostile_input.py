"""Hostile input: a message, never a traceback, and never a server tied up (issue 11, parts 3 and 4).

Each file goes through both doors: the Data page (``intake.preview``) and the command line
(``smp-dash ingest``). Only our own errors may come out (IngestError, SchemaError), naming the
file, the row and the column where there is one, and every file of the store is byte-identical
afterwards.
"""

from __future__ import annotations

import io
import re
import struct
import time
import zipfile

import pytest

from conftest import rows, store_hashes
from smp_dash import cli, config, intake, morile, schema
from smp_dash.sources import _chunks, partner, police_uk

POLICE_HEADER = ",".join(police_uk.COLUMNS)
MEMBER = "2020-05/2020-05-kent-street.csv"
LONG = "x" * 200_000   # longer than a value may hold (and the csv module's default field limit, 131,072)
SHOWN = r"x{60}\.\.\. \(200,000 characters\)"   # how a message shows it
TOO_LONG = r"longer than the 10,000 characters a value may hold \(config\.Limits\.field_chars\)"


def _police(*lines: str) -> bytes:
    return ("\n".join([POLICE_HEADER, *lines]) + "\n").encode()


def _police_row(crime_id="c1", lon="0.5273", lat="51.2692", location="On or near High Street") -> str:
    return f"{crime_id},2020-05,Kent Police,Kent Police,{lon},{lat},{location},E01024371,Maidstone 012A,Robbery,,"


GOOD_POLICE = _police(_police_row("c1"), _police_row("c2"))


def _partner(dataset: str, *changes: dict) -> bytes:
    """The good row of ``dataset`` (line 2), then one row per change (line 3 on)."""
    return rows(dataset, {}, *changes).to_csv(index=False, lineterminator="\n").encode()


def _zip(members: dict[str, bytes], method=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, payload in members.items():
            archive.writestr(zipfile.ZipInfo(name) if not name else name, payload)
    return buffer.getvalue()


def _bad_crc() -> bytes:
    # A stored member with one byte changed: the archive opens, reading the member fails its CRC.
    whole = bytearray(_zip({MEMBER: GOOD_POLICE}, zipfile.ZIP_STORED))
    whole[whole.index(b"c1,2020")] = ord("d")
    return bytes(whole)


def _deflate64() -> bytes:
    # Windows' "Send to > Compressed folder" uses Deflate64 (method 9) for large files.
    whole = bytearray(_zip({MEMBER: GOOD_POLICE}, zipfile.ZIP_STORED))
    central = whole.index(b"PK\x01\x02")
    whole[8:10] = whole[central + 10:central + 12] = struct.pack("<H", 9)
    return bytes(whole)


def _bad_offset() -> bytes:
    # The end record puts the central directory one byte later than it is: the member's header
    # offset becomes -1: a ValueError ("negative seek value") from bytes, an OSError from a file.
    whole = bytearray(_zip({MEMBER: GOOD_POLICE}))
    end = whole.rindex(b"PK\x05\x06")
    offset = struct.unpack_from("<I", whole, end + 16)[0]
    struct.pack_into("<I", whole, end + 16, offset + 1)
    return bytes(whole)




def _cli_ingest(folder, dataset: str, path) -> int:
    return cli.main(["--data-dir", str(folder), "ingest", dataset, str(path)])


# Refused whole, by both doors, with the same message ----------------------------------------

POLICE = intake.POLICE_UK
REFUSED = [
    # (case, dataset, file name, bytes, message pattern)
    ("CR-only line endings", "enforcement", "cpt.csv", _partner("enforcement").replace(b"\n", b"\r"),
     r"cpt\.csv, row 1: lines end with a carriage return alone \(old Mac line endings\)"),
    ("CR-only line endings, police.uk", POLICE, "street.csv", GOOD_POLICE.replace(b"\n", b"\r"),
     r"street\.csv, row 1: lines end with a carriage return alone"),
    # pandas and Arrow end a line there, the csv module does not: rows would be miscounted
    ("a carriage return alone inside a row", "enforcement", "cpt.csv",
     _partner("enforcement", {}).replace(b"Noise (inc. with ASB)", b"Noise\rASB"),
     r"cpt\.csv, row 2, column 'category': a carriage return without a line feed"),
    # a value no parser should be handed is refused while reading, before a ragged row after it
    ("a value longer than a value may hold, police.uk", POLICE, "street.csv",
     _police(_police_row("c1", location=LONG), "x,y"),
     rf"street\.csv, row 2, column 'Location': value '{SHOWN}': {TOO_LONG}"),
    ("a value longer than a value may hold", "enforcement", "cpt.csv",
     _partner("enforcement", {"category": LONG}) + b"2020-05-04,CPW,Noise,true,E05004996,extra,extra\n",
     rf"cpt\.csv, row 3, column 'category': value '{SHOWN}': {TOO_LONG}"),
    # Excel writes a cell of several lines in quotes: the contract finds what the line scan cannot
    ("a long value of many lines", "enforcement", "cpt.csv",
     _partner("enforcement", {"category": "line\n" * 40_000}),
     rf"cpt\.csv, row 3, column 'category': value 'line\\nline.*\(200,000 characters\)': {TOO_LONG}"),
    # 1 MB of blank lines in 1 KB: a zip bomb's kind, refused from what the archive states
    ("a zip member expanding 900 times", POLICE, "kent.zip",
     _zip({MEMBER: (POLICE_HEADER + "\n" * 1_000_000).encode()}),
     rf"kent\.zip:{MEMBER}: refused: 1 KB that would expand to 1\.0 MB, 9\d\d times its size; the most "
     r"accepted is 200 times \(config\.Limits\.ratio\): a zip bomb"),
    ("a cut-off last line", "enforcement", "cpt.csv", _partner("enforcement", {})[:-25],
     r"cpt\.csv, row 3: the last row has 3 of the header's 5 values and no line break after it: .*looks cut off"),
    ("zip with a bad CRC", POLICE, "kent.zip", _bad_crc(),
     rf"kent\.zip:{MEMBER}: the archive is damaged and this member cannot be read \(Bad CRC-32"),
    ("zip with an unsupported compression method", POLICE, "kent.zip", _deflate64(),
     rf"kent\.zip: member '{MEMBER}' is compressed with Deflate64 .*\(zip method 9\), which cannot be read"),
    ("zip whose offsets point before the start", POLICE, "kent.zip", _bad_offset(),
     rf"kent\.zip:{MEMBER}: the archive is damaged and this member cannot be read \("),
    ("zip member without a name", POLICE, "kent.zip", _zip({"": GOOD_POLICE}),
     r"kent\.zip: the archive is damaged \(a member has no name\)"),
    ("the same month twice, names differing only in case", POLICE, "kent.zip",
     _zip({MEMBER: GOOD_POLICE, MEMBER.replace("kent", "KENT"): GOOD_POLICE}),
     r"kent\.zip: 2020-05-kent-street\.csv appears twice \(2020-05/2020-05-KENT-street\.csv and "
     r"2020-05/2020-05-kent-street\.csv\): the same month downloaded twice"),
    ("inf longitude, police.uk", POLICE, "street.csv", _police(_police_row("c1"), _police_row("c2", lon="inf")),
     r"street\.csv, row 3, column 'Longitude': value inf: expected a finite number"),
    ("-inf latitude, police.uk", POLICE, "street.csv", _police(_police_row("c1"), _police_row("c2", lat="-inf")),
     r"street\.csv, row 3, column 'Latitude': value -inf: expected a finite number"),
    ("1e309 overflows to inf, police.uk", POLICE, "street.csv",
     _police(_police_row("c1"), _police_row("c2", lon="1e309")),
     r"street\.csv, row 3, column 'Longitude': value inf: expected a finite number"),
    ("a header of 1,000 columns", "enforcement", "cpt.csv",
     (",".join(f"c{i}" for i in range(1000)) + "\n" + "1," * 999 + "1\n").encode(),
     rf"cpt\.csv, row 1: the header has 1,000 columns; the most accepted is {schema.MAX_COLUMNS}"),
    ("a column twice, police.uk", POLICE, "street.csv", GOOD_POLICE.replace(b"Context", b"Location"),
     r"street\.csv, row 1, column 'Location': column appears more than once in the header"),
]


@pytest.mark.parametrize("case, dataset, name, data, message", REFUSED, ids=[c[0] for c in REFUSED])
def test_the_data_page_refuses_with_a_message(seeded, maidstone, case, dataset, name, data, message):
    wards, lsoas = maidstone
    before = store_hashes(seeded)
    with pytest.raises((intake.IngestError, schema.SchemaError), match=message):
        intake.preview(data, name, dataset, wards=wards, lsoas=lsoas)
    assert store_hashes(seeded) == before


@pytest.mark.parametrize("case, dataset, name, data, message", REFUSED, ids=[c[0] for c in REFUSED])
def test_the_command_line_refuses_with_a_message(seeded, maidstone, tmp_path, capsys, case, dataset, name, data,
                                                 message):
    path = tmp_path / name
    path.write_bytes(data)
    before = store_hashes(seeded)
    assert _cli_ingest(seeded, dataset, path) == cli.EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "Traceback" not in err
    assert re.search(message, err), err
    assert store_hashes(seeded) == before


def test_the_same_month_twice_in_a_folder_differing_only_in_case(seeded, maidstone, tmp_path, capsys):
    folder = tmp_path / "download"
    for force in ("kent", "KENT"):
        (folder / "2020-05").mkdir(parents=True, exist_ok=True)
        (folder / "2020-05" / f"2020-05-{force}-street.csv").write_bytes(GOOD_POLICE)
    before = store_hashes(seeded)
    assert _cli_ingest(seeded, POLICE, folder) == cli.EXIT_BAD_INPUT
    assert ("download: 2020-05-kent-street.csv appears twice (2020-05/2020-05-KENT-street.csv and "
            "2020-05/2020-05-kent-street.csv)") in capsys.readouterr().err
    assert store_hashes(seeded) == before


# A bad value in a partner file: the Data page sets the row aside, the command line refuses ----

BAD_VALUES = [
    # (case, dataset, the bad row's changes, column named, rule)
    ("a whole number beyond 64 bits", "population", {"year": "2019", "population": "99999999999999999999999"},
     "population", "expected a whole number that fits in 64 bits"),
    # 2**64 - 1: pandas reads a column holding it as unsigned 64-bit, which no cast to int64 takes
    ("2**64 - 1", "population", {"year": "18446744073709551615"}, "year",
     "expected a whole number that fits in 64 bits"),
    ("inf", "indicators", {"value": "inf"}, "value", "expected a finite number"),
    ("-inf", "indicators", {"value": "-inf"}, "value", "expected a finite number"),
    ("1e309 overflows a float", "indicators", {"value": "1e309"}, "value", "expected a finite number"),
    ("inf in a whole-number column", "needle_finds", {"needles": "inf"}, "needles", "expected a finite number"),
    ("1e309 in a coordinate", "needle_finds", {"longitude": "1e309"}, "longitude", "expected a finite number"),
]


@pytest.mark.parametrize("case, dataset, change, column, rule", BAD_VALUES, ids=[c[0] for c in BAD_VALUES])
def test_the_data_page_sets_a_bad_value_aside(seeded, maidstone, case, dataset, change, column, rule):
    wards, _ = maidstone
    before = store_hashes(seeded)
    result = intake.preview(_partner(dataset, change), f"{dataset}.csv", dataset, wards=wards)
    assert (result.rows_accepted, result.rows_rejected) == (1, 1)
    problem = result.rejected.iloc[0]
    assert (problem["row"], problem["column"], problem["value"]) == (3, column, change[column])
    assert problem["rule"].startswith(rule)
    assert store_hashes(seeded) == before


@pytest.mark.parametrize("case, dataset, change, column, rule", BAD_VALUES, ids=[c[0] for c in BAD_VALUES])
def test_the_command_line_refuses_a_bad_value(seeded, tmp_path, capsys, case, dataset, change, column, rule):
    path = tmp_path / f"{dataset}.csv"
    path.write_bytes(_partner(dataset, change))
    before = store_hashes(seeded)
    assert _cli_ingest(seeded, dataset, path) == cli.EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert f"{dataset}.csv, row 3, column '{column}': value '{change[column]}': {rule}" in err
    assert "Traceback" not in err
    assert store_hashes(seeded) == before


# No upload ties up the server ----------------------------------------------------------------

@pytest.fixture(scope="module")
def million_columns() -> bytes:
    """A header of 10**6 columns (9 MB) and one short row."""
    return (",".join(f"c{i:07d}" for i in range(10**6)) + "\n1,2\n").encode()


READERS = {
    "Data page, partner template": lambda data, w, l: intake.preview(data, "wide.csv", "enforcement", wards=w),
    "Data page, police.uk": lambda data, w, l: intake.preview(data, "wide.csv", POLICE, wards=w, lsoas=l),
    "MoRiLE sheet import": lambda data, w, l: morile.read_sheet(data, "wide.csv"),
}


@pytest.mark.parametrize("reader", READERS.values(), ids=READERS.keys())
def test_a_million_columns_are_refused_within_a_second(maidstone, million_columns, reader):
    wards, lsoas = maidstone
    start = time.perf_counter()
    with pytest.raises(intake.IngestError, match=r"wide\.csv, row 1: the header has 1,000,000 columns"):
        reader(million_columns, wards, lsoas)
    assert time.perf_counter() - start < 1.0   # a bound, not a benchmark: hours before the check


def test_a_million_columns_on_the_command_line(seeded, tmp_path, capsys, million_columns):
    path = tmp_path / "wide.csv"
    path.write_bytes(million_columns)
    before = store_hashes(seeded)
    start = time.perf_counter()
    assert _cli_ingest(seeded, "enforcement", path) == cli.EXIT_BAD_INPUT
    assert time.perf_counter() - start < 1.0
    assert "wide.csv, row 1: the header has 1,000,000 columns" in capsys.readouterr().err
    assert store_hashes(seeded) == before


def test_an_archive_of_too_many_files_is_refused_before_any_is_read(seeded, maidstone, monkeypatch):
    # every file costs milliseconds however small: 700,000 tiny ones fit in an upload
    wards, lsoas = maidstone
    monkeypatch.setattr(config, "LIMITS", config.Limits(files=2))
    members = {f"2020-0{m}/2020-0{m}-kent-street.csv": GOOD_POLICE for m in (1, 2, 3)}
    with pytest.raises(intake.IngestError, match=r"kent\.zip: 3 files; the most accepted in one archive or folder is 2 "
                                                 r"\(config\.Limits\.files\)"):
        intake.preview(_zip(members), "kent.zip", POLICE, wards=wards, lsoas=lsoas)


def test_the_column_bound_holds_every_template():
    widest = max([len(c) for c in schema.CONTRACTS.values()] + [len(police_uk.COLUMNS), len(morile.SHEET_COLUMNS)])
    assert widest < schema.MAX_COLUMNS


def test_many_repeated_rows_are_set_aside_in_one_more_pass(maidstone):
    # schema once listed 20 repeats per validation, and the Data page validated again until none
    # was left: 20,000 repeats took a thousand passes over the file.
    wards, _ = maidstone
    data = _partner("encampments", *[{}] * 20_000)
    start = time.perf_counter()
    result = intake.preview(data, "camps.csv", "encampments", wards=wards)
    assert (result.rows_accepted, result.rows_rejected) == (1, 20_000)
    assert time.perf_counter() - start < 5.0


# What a file may cost: one limits object, the same refusal through both doors (issue 20) ------

POLICE_ROWS = _police(*[_police_row(f"c{i}") for i in range(40)])   # repetitive: zips 20 times smaller
LIMITED = [
    # (case, config.Limits, dataset, file name, bytes, message pattern)
    # the finding's 60 MB cell in an action plan, in miniature
    ("an action's update longer than allowed", config.Limits(field_chars=50), "actions", "actions.csv",
     _partner("actions", {"update": "y" * 150}),
     r"actions\.csv, row 3, column 'update': value 'y{60}\.\.\. \(150 characters\)': longer than the 50 characters "
     r"a value may hold \(config\.Limits\.field_chars\)"),
    # (the header's names are values too: "Last outcome category" has 21 characters)
    ("a police.uk value longer than allowed", config.Limits(field_chars=21), POLICE, "street.csv", GOOD_POLICE,
     r"street\.csv, row 2, column 'Location': value 'On or near High Street': longer than the 21 characters"),
    # the finding's 1 MB zip holding 1 GB, in miniature: refused from what the archive states
    ("a zip member expanding more than allowed", config.Limits(ratio=5), POLICE, "kent.zip", _zip({MEMBER: POLICE_ROWS}),
     rf"kent\.zip:{MEMBER}: refused: [0-9,]+ bytes that would expand to [0-9.]+ KB, \d\d times its size; the most "
     r"accepted is 5 times \(config\.Limits\.ratio\)"),
    ("CSV files larger together than allowed", config.Limits(total_bytes=500), POLICE, "kent.zip",
     _zip({MEMBER: GOOD_POLICE, MEMBER.replace("05", "06"): GOOD_POLICE}),
     r"kent\.zip: its CSV files hold \d\d\d bytes together; the most accepted at once is 500 bytes"),
    ("more files than allowed", config.Limits(files=1), POLICE, "kent.zip",
     _zip({MEMBER: GOOD_POLICE, MEMBER.replace("05", "06"): GOOD_POLICE}),
     r"kent\.zip: 2 files; the most accepted in one archive or folder is 1 \(config\.Limits\.files\)"),
    ("a file larger than allowed", config.Limits(file_bytes=50), "enforcement", "cpt.csv", _partner("enforcement"),
     r"cpt\.csv: the file is \d\d bytes; the largest accepted is 50 bytes \(config\.Limits\.file_bytes\)"),
    ("a police.uk file larger than allowed", config.Limits(file_bytes=300), POLICE, "street.csv", GOOD_POLICE,
     r"street\.csv: the file is \d\d\d bytes; the largest accepted is 300 bytes \(config\.Limits\.file_bytes\)"),
]


@pytest.mark.parametrize("case, limits, dataset, name, data, message", LIMITED, ids=[c[0] for c in LIMITED])
def test_both_doors_refuse_what_the_limits_refuse_in_the_same_words(seeded, maidstone, tmp_path, capsys, monkeypatch,
                                                                     case, limits, dataset, name, data, message):
    # smp-dash ingest took 4 GiB where the page took 200 MB: now both read config.limits()
    monkeypatch.setattr(config, "LIMITS", limits)
    wards, lsoas = maidstone
    before = store_hashes(seeded)
    with pytest.raises((intake.IngestError, schema.SchemaError)) as page:
        intake.preview(data, name, dataset, wards=wards, lsoas=lsoas)
    said = intake.messages(page.value)
    assert re.search(message, said[0]), said
    path = tmp_path / name
    path.write_bytes(data)
    assert _cli_ingest(seeded, dataset, path) == cli.EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert all(line in err for line in said), err
    assert store_hashes(seeded) == before


def test_a_long_value_is_refused_before_any_parser_holds_it(maidstone, monkeypatch):
    # 60 MB in one cell of an action plan went through pandas (740 MB) and was committed
    def parser_reached(*args):
        raise AssertionError("the file reached the CSV parser")

    monkeypatch.setattr(partner, "_parse", parser_reached)
    data = _partner("actions", {"update": "z" * 3_000_000})
    with pytest.raises(intake.IngestError, match=r"actions\.csv, row 3, column 'update': value 'z{60}\.\.\. "
                                                 r"\(more than [0-9,]+ characters\)': longer than the 10,000 "):
        intake.preview(data, "actions.csv", "actions")


def test_a_police_uk_line_longer_than_any_row_is_refused_as_it_arrives(seeded, tmp_path, monkeypatch, capsys):
    # the reader holds a chunk and the line it cuts, never the line: 5 MB in one cell stops it
    # within a row's worth of bytes (12 values of 10,000 characters), long before the 5 MB
    read = []
    counted = _chunks._Counted.__call__
    monkeypatch.setattr(_chunks._Counted, "__call__", lambda self, size: read.append(size) or counted(self, size))
    monkeypatch.setattr(_chunks, "CHUNK_BYTES", 64 * 1024)
    path = tmp_path / "2020-05-kent-street.csv"
    path.write_bytes(_police(_police_row("c1"), _police_row("c2", location="w" * 5_000_000), _police_row("c3")))
    assert _cli_ingest(seeded, POLICE, path) == cli.EXIT_BAD_INPUT
    assert ("2020-05-kent-street.csv, row 3, column 'Location': value 'wwww" in capsys.readouterr().err)
    assert sum(read) < 1_000_000 < path.stat().st_size
