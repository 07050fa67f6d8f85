"""police.uk street files: which rows are kept and where, every way a download can arrive, bad input."""

from __future__ import annotations

import codecs
import io
import re
import zipfile

import pandas as pd
import pytest
from conftest import HIGH_STREET
from pandas.testing import assert_frame_equal
from shapely.geometry import Point

from smp_dash import config, geo, schema
from smp_dash.sources import _chunks
from smp_dash.sources.police_uk import COLUMNS, IngestError, IngestResult, read_police_uk

TONBRIDGE = (0.27, 51.195)          # Tonbridge town, in Tonbridge and Malling
TM_LSOA = "E01024732"               # Tonbridge and Malling 012A, holding that point
HS_LSOA = "E01024371"               # Maidstone 010A, best-fit ward High Street
FILE = "2020-05-kent-street.csv"


def row(**fields) -> dict:
    """One police.uk row; blank unless given (the way police.uk leaves fields empty)."""
    base = dict.fromkeys(COLUMNS, "")
    base.update({"Month": "2020-05", "Reported by": "Kent Police", "Falls within": "Kent Police",
                 "Crime type": "Robbery", "Location": "On or near High Street"})
    base.update({k.replace("_", " "): v for k, v in fields.items()})
    return base


def csv_bytes(rows: list[dict], columns=COLUMNS, sep: str = ",") -> bytes:
    lines = [sep.join(columns)] + [sep.join(r.get(c, "") for c in columns) for r in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


@pytest.fixture(scope="module")
def place(maidstone):
    """A point in Maidstone 010A (text as police.uk writes it) and the ward it falls in."""
    wards, lsoas = maidstone
    point = lsoas.loc[lsoas["lsoa_code"] == HS_LSOA, "geometry"].iloc[0].representative_point()
    lon, lat = f"{point.x:.6f}", f"{point.y:.6f}"
    ward = wards.loc[wards.contains(Point(float(lon), float(lat))), "ward_code"].iloc[0]
    return lon, lat, ward


@pytest.fixture(scope="module")
def mixed(place):
    lon, lat, _ = place
    tlon, tlat = (f"{v:.6f}" for v in TONBRIDGE)
    return [
        row(Crime_ID="c1", Longitude=lon, Latitude=lat, LSOA_code=HS_LSOA),                    # line 2: kept by point
        row(Crime_type="Anti-social behaviour", Longitude=lon, Latitude=lat, LSOA_code=HS_LSOA),  # 3: ASB
        row(Crime_ID="c2", Crime_type="Drugs", LSOA_code=HS_LSOA, Location="No Location"),       # 4: by LSOA
        row(Crime_ID="c3", Location="No Location"),                                             # 5: nowhere
        row(Crime_ID="c4", Longitude=tlon, Latitude=tlat, LSOA_code=TM_LSOA),                   # 6: Tonbridge
        row(Crime_ID="c5", LSOA_code=TM_LSOA, Location="No Location"),                          # 7: Tonbridge LSOA
        row(Crime_type="Burglary", Longitude=lon, Latitude=lat, LSOA_code=HS_LSOA),              # 8: no id
        row(Crime_type="Anti-social behaviour", Longitude=lon, Latitude=lat, LSOA_code=HS_LSOA),  # 9: same as 3
    ]


def ingest(tmp_path, maidstone, data: bytes, name: str = FILE, **kwargs) -> IngestResult:
    path = tmp_path / name
    path.write_bytes(data)
    wards, lsoas = maidstone
    return read_police_uk(path, wards=wards, lsoas=lsoas, **kwargs)


def test_rows_are_kept_placed_and_counted(tmp_path, maidstone, mixed, place):
    lon, lat, ward = place
    result = ingest(tmp_path, maidstone, csv_bytes(mixed))
    counts = {k: getattr(result, k) for k in ("rows_read", "crimes_kept", "asb_kept", "outside_borough",
                                              "no_location", "assigned_by_lsoa", "files_read",
                                              "duplicates_dropped")}
    assert counts == {"rows_read": 8, "crimes_kept": 3, "asb_kept": 2, "outside_borough": 2,
                      "no_location": 1, "assigned_by_lsoa": 1, "files_read": 1, "duplicates_dropped": 0}
    made_id = result.crimes["crime_id"].iloc[2]
    assert made_id.startswith("pu-") and len(made_id) == 20
    expected = schema.validate(pd.DataFrame([
        # police.uk carries no domestic-abuse flag: unknown (blank), never "not domestic abuse"
        ["c1", "2020-05", "Robbery", "Robbery", None, None, lon, lat, "On or near High Street", HS_LSOA, ward, FILE],
        ["c2", "2020-05", "Drugs", "Drug offences", None, None, None, None, "No Location", HS_LSOA, HIGH_STREET, FILE],
        [made_id, "2020-05", "Burglary", None, None, None, lon, lat, "On or near High Street", HS_LSOA, ward, FILE],
    ], columns=schema.columns("crimes")), "crimes")
    assert_frame_equal(result.crimes, expected)
    # two ASB incidents at one anonymised point in one month: both kept
    asb = schema.validate(pd.DataFrame([["2020-05", lon, lat, "On or near High Street", HS_LSOA, ward, FILE]] * 2,
                                       columns=schema.columns("asb_incidents")), "asb_incidents")
    assert_frame_equal(result.asb, asb)


def test_made_ids_are_deterministic(tmp_path, maidstone, mixed):
    first = ingest(tmp_path, maidstone, csv_bytes(mixed))
    again = ingest(tmp_path, maidstone, csv_bytes(mixed))
    assert first.crimes["crime_id"].tolist() == again.crimes["crime_id"].tolist()


def test_summary_accounts_for_every_row(tmp_path, maidstone, mixed):
    result = ingest(tmp_path, maidstone, csv_bytes(mixed))
    assert result.summary().splitlines() == [
        "Read 8 rows from 1 file(s).",
        "Kept 3 crimes and 2 anti-social behaviour incidents in the borough",
        "  (1 placed by LSOA code because coordinates were blank).",
        "Left out 2 rows outside the borough and 1 with no location.",
    ]


def test_another_district_keeps_its_own_rows(tmp_path, mixed):
    # the same file read for Tonbridge and Malling keeps the two Tonbridge rows instead
    wards, lsoas = geo.load_wards("E07000115"), geo.load_lsoas("E07000115")
    path = tmp_path / FILE
    path.write_bytes(csv_bytes(mixed))
    result = read_police_uk(path, wards=wards, lsoas=lsoas)
    assert result.crimes["crime_id"].tolist() == ["c4", "c5"]
    assert set(result.crimes["ward_code"]) <= set(wards["ward_code"])
    assert (result.outside_borough, result.no_location, result.assigned_by_lsoa) == (5, 1, 1)


@pytest.mark.parametrize("crime_type, subgroup", [
    ("Robbery", "Robbery"), ("Drugs", "Drug offences"),
    ("Possession of weapons", "Possession of weapons offences"), ("Public order", "Public order offences"),
    ("Criminal damage and arson", "Criminal damage and arson"), ("Vehicle crime", "Vehicle offences"),
    ("Shoplifting", "Theft offences"), ("Other theft", "Theft offences"),
    ("Theft from the person", "Theft offences"), ("Bicycle theft", "Theft offences"),
    ("Other crime", "Miscellaneous crimes against society"),
    # police.uk does not split these into the Home Office subgroups
    ("Violence and sexual offences", None), ("Burglary", None),
])
def test_offence_subgroup(tmp_path, maidstone, place, crime_type, subgroup):
    lon, lat, _ = place
    result = ingest(tmp_path, maidstone, csv_bytes([row(Crime_ID="x", Crime_type=crime_type,
                                                        Longitude=lon, Latitude=lat)]))
    got = result.crimes["offence_subgroup"].iloc[0]
    assert (pd.isna(got) and subgroup is None) or got == subgroup
    assert result.crimes["domestic_abuse"].isna().all()   # police.uk carries no flag: unknown, not False
    assert result.crimes["hate_strand"].isna().all()


def test_repeated_crime_id_is_dropped_and_counted(tmp_path, maidstone, place):
    lon, lat, _ = place
    data = csv_bytes([row(Crime_ID="same", Longitude=lon, Latitude=lat)] * 2)
    result = ingest(tmp_path, maidstone, data)
    assert (result.crimes_kept, result.duplicates_dropped) == (1, 1)
    assert "Dropped 1 repeated Crime IDs" in result.summary()


def test_header_only_file_gives_empty_typed_frames(tmp_path, maidstone):
    result = ingest(tmp_path, maidstone, csv_bytes([]))
    assert (result.rows_read, len(result.crimes), len(result.asb)) == (0, 0, 0)
    assert dict(result.crimes.dtypes) == dict(schema.empty("crimes").dtypes)


def _write_month(folder, month, rows_):
    target = folder / month / f"{month}-kent-street.csv"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(csv_bytes(rows_))
    return target


def test_folder_of_month_folders(tmp_path, maidstone, mixed, place):
    lon, lat, _ = place
    root = tmp_path / "download"
    _write_month(root, "2020-05", mixed)
    _write_month(root, "2020-06", [row(Crime_ID="j1", Month="2020-06", Longitude=lon, Latitude=lat)])
    (root / "2020-06" / "2020-06-kent-outcomes.csv").write_text("Crime ID,Month\nx,2020-06\n")
    (root / "2020-06" / "._2020-06-kent-street.csv").write_bytes(b"\x00\x05junk")  # macOS litter
    calls = []
    wards, lsoas = maidstone
    result = read_police_uk(root, wards=wards, lsoas=lsoas, progress=lambda *a: calls.append(a))
    assert calls == [(0, 2), (1, 2), (2, 2)]
    assert (result.files_read, result.files_skipped, result.rows_read) == (2, 1, 9)
    assert result.crimes["crime_id"].iloc[-1] == "j1"
    assert result.crimes["month"].max() == pd.Timestamp("2020-06-01")
    assert set(result.crimes["source"]) == {FILE, "2020-06-kent-street.csv"}   # names, never paths


def _zip(path, members: dict[str, bytes], compression=zipfile.ZIP_STORED):
    with zipfile.ZipFile(path, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def test_zip_archive_reads_like_the_folder(tmp_path, maidstone, mixed):
    wards, lsoas = maidstone
    root = tmp_path / "download"
    _write_month(root, "2020-05", mixed)
    archive = _zip(tmp_path / "download.zip", {f"2020-05/{FILE}": csv_bytes(mixed)})
    from_zip = read_police_uk(archive, wards=wards, lsoas=lsoas)
    from_folder = read_police_uk(root, wards=wards, lsoas=lsoas)
    assert_frame_equal(from_zip.crimes, from_folder.crimes)
    assert_frame_equal(from_zip.asb, from_folder.asb)
    assert from_zip.summary() == from_folder.summary()


def test_upload_object_uses_the_bare_file_name(maidstone, mixed):
    wards, lsoas = maidstone
    upload = io.BytesIO(csv_bytes(mixed))
    upload.name = "C:\\Users\\analyst\\Downloads\\" + FILE
    result = read_police_uk(upload, wards=wards, lsoas=lsoas)
    assert set(result.crimes["source"]) == {FILE}


def test_the_same_month_twice_is_refused(tmp_path, maidstone, mixed):
    wards, lsoas = maidstone
    _write_month(tmp_path / "d" / "a", "2020-05", mixed)
    _write_month(tmp_path / "d" / "b", "2020-05", mixed)
    with pytest.raises(IngestError, match=rf"{FILE} appears twice"):
        read_police_uk(tmp_path / "d", wards=wards, lsoas=lsoas)


def _xlsx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as book:
        book.writestr("[Content_Types].xml", "<Types/>")
        book.writestr("xl/workbook.xml", "<workbook/>")
    return buffer.getvalue()


def _bad_rows(**fields) -> bytes:
    return csv_bytes([row(Crime_ID="ok", Longitude="0.52", Latitude="51.27"), row(**{"Crime_ID": "b", **fields})])


@pytest.mark.parametrize("data, message", [
    (csv_bytes([row(Crime_ID="a")], sep=";"),
     r"row 1: looks like it is separated by ';' \(semicolons\), police\.uk files use commas"),
    (csv_bytes([row(Crime_ID="a")], sep="\t"), r"separated by '\\t' \(tabs\)"),
    (csv_bytes([row(Crime_ID="a")], columns=[c for c in COLUMNS if c != "Crime type"]),
     r"row 1, column 'Crime type': required column\(s\) missing"),
    (_bad_rows() + "b,2020-05,,,0.52,51.27,On or near Café,,,Robbery,,\n".encode("latin-1"),
     r"row 4, column 'Location'.*not UTF-8 text: byte 0xe9 at byte offset"),
    (b"", r"the file is empty"),
    (b"\r\n\r\n", r"the file is empty"),   # blank lines only
    (_xlsx(), r"this is an Excel workbook \(\.xlsx\), not CSV text"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, r"Excel 97-2003 workbook \(\.xls\)"),
    (codecs.BOM_UTF16_LE + "Crime ID\tMonth".encode("utf-16-le"), r"UTF-16 text"),
    (_bad_rows(Month="May 2020"), r"row 3, column 'Month': value 'May 2020': expected a month as YYYY-MM"),
    (_bad_rows(Month="2020-13"), r"row 3, column 'Month': value '2020-13'"),
    (_bad_rows(Month=""), r"row 3, column 'Month': value '': expected a month"),
    (_bad_rows(Month="2999-01"), r"row 3, column 'Month': value '2999-01': month is in the future"),
    # longitude and latitude swapped
    (_bad_rows(Longitude="51.27", Latitude="0.52"),
     r"row 3, column 'Longitude': value 51\.27: coordinate outside the UK .*swapped"),
    (_bad_rows(Longitude="0.52", Latitude="70.1"), r"row 3, column 'Latitude': value 70\.1"),
    (_bad_rows(Longitude="abc", Latitude="51.27"), r"row 3, column 'Longitude': value 'abc': expected a number"),
    (_bad_rows(Crime_type="Theft"), r"row 3, column 'Crime type': value 'Theft': unknown crime type"),
    (_bad_rows(Crime_ID="b c", Longitude="0.52", Latitude="51.27"), r"row 3, column 'Crime ID': value 'b c'"),
    (_bad_rows(LSOA_code="E1024371", Longitude="0.52", Latitude="51.27"),
     r"row 3, column 'LSOA code': value 'E1024371': expected a 2011 LSOA code"),
    # one value too many (an unquoted comma in Location)
    (_bad_rows(Location="On or near High Street, Maidstone"),
     r"row 3: value .*expected 12 comma-separated values as in the header, found 13"),
    # an empty line before the bad row: the row named is still the line in the file
    (_bad_rows(Month="May").replace(b"\nb,", b"\n\nb,"), r"row 4, column 'Month': value 'May'"),
])
def test_bad_input_is_refused_naming_file_row_and_column(tmp_path, maidstone, data, message):
    with pytest.raises(IngestError, match=rf"^{re.escape(FILE)}\b.*{message}"):
        ingest(tmp_path, maidstone, data)


def test_too_large_is_refused_before_reading(tmp_path, maidstone, mixed, monkeypatch):
    with pytest.raises(IngestError, match=r"largest accepted is 40 bytes"):
        ingest(tmp_path, maidstone, csv_bytes(mixed), limits=config.Limits(file_bytes=40))
    # the default limits are read when called, so configuration can change them
    monkeypatch.setattr(config, "LIMITS", config.Limits(file_bytes=40))
    with pytest.raises(IngestError, match=r"largest accepted is 40 bytes \(config\.Limits\.file_bytes\)"):
        ingest(tmp_path, maidstone, csv_bytes(mixed))


def test_missing_path(tmp_path, maidstone):
    wards, lsoas = maidstone
    with pytest.raises(IngestError, match=r"nowhere\.csv: no such file or folder"):
        read_police_uk(tmp_path / "nowhere.csv", wards=wards, lsoas=lsoas)


@pytest.mark.parametrize("members, message", [
    ({"../2020-05-kent-street.csv": b"x"}, r"member '\.\./2020-05-kent-street\.csv' has a path that leaves"),
    ({"2020-05/../../etc/evil.csv": b"x"}, r"has a path that leaves the archive"),
    ({"/tmp/2020-05-kent-street.csv": b"x"}, r"has a path that leaves the archive"),
    ({"C:\\evil\\2020-05-kent-street.csv": b"x"}, r"has a path that leaves the archive"),
    ({"2020-05/inner.zip": b"PK\x03\x04"}, r"is an archive inside the archive"),
    # a zip disguised as a CSV member
    ({f"2020-05/{FILE}": b"PK\x03\x04rest"}, r"archives inside the archive are not accepted"),
    ({"notes.txt": b"hello"}, r"the archive holds no CSV files"),
    ({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<w/>"}, r"Excel workbook"),
])
def test_unsafe_archives_are_refused_without_extracting(tmp_path, maidstone, members, message):
    wards, lsoas = maidstone
    archive = _zip(tmp_path / "download.zip", members)
    before = sorted(tmp_path.rglob("*"))
    with pytest.raises(IngestError, match=rf"^download\.zip.*{message}"):
        read_police_uk(archive, wards=wards, lsoas=lsoas)
    assert sorted(tmp_path.rglob("*")) == before


def test_oversize_member_is_refused(tmp_path, maidstone, mixed):
    wards, lsoas = maidstone
    # compresses well: the archive is small, the member is not (a zip bomb in miniature)
    archive = _zip(tmp_path / "download.zip", {f"2020-05/{FILE}": csv_bytes(mixed * 50)}, zipfile.ZIP_DEFLATED)
    with pytest.raises(IngestError, match=rf"download\.zip:2020-05/{FILE}.*largest accepted"):
        read_police_uk(archive, wards=wards, lsoas=lsoas, limits=config.Limits(file_bytes=archive.stat().st_size + 10))


def test_ingest_error_is_a_value_error():
    assert issubclass(IngestError, ValueError)


# Read a chunk at a time (issue 20): the same rows, counts and messages as one read --------------

POINT = ("0.522100", "51.276100")   # Brenchley Gardens, in High Street ward
# What the reader before issue 20 (the whole file in memory, one parse) kept and counted for
# _month_file(), printed from main at c280239 and written down here.
MAIN_SUMMARY = ["Read 84 rows from 1 file(s).",
                "Kept 24 crimes and 11 anti-social behaviour incidents in the borough",
                "  (12 placed by LSOA code because coordinates were blank).",
                "Left out 36 rows outside the borough and 12 with no location.",
                "Dropped 1 repeated Crime IDs (kept the first)."]
MAIN_CRIME_IDS = ["in0", "pu-dc2e2921364d7d551", "in1", "pu-9995f4de2273cc620", "in2", "pu-af882d43d74439f67",
                  "in3", "pu-a525adb9df44c8447", "in4", "pu-1ba10fa85bf252e8a", "in5", "pu-173e77c164767bca1",
                  "in6", "pu-4ed3e702092a511d0", "in7", "pu-f9a9b23e85ee51f88", "in8", "pu-1001dd8822a41b279",
                  "in9", "pu-a179889efe9759b3d", "in10", "pu-1637001f8fde48bec", "in11", "pu-b39f37ebfe39bb58c"]


def _month_file() -> bytes:
    """A month of Kent with rows in and out of Maidstone, by point and by LSOA, without ids, with
    a blank line, padded text and a Crime ID repeated ten rows later: what chunk boundaries could
    change (made ids hang on the record number; the first of a repeated id is kept)."""
    lon, lat = POINT
    tlon, tlat = (f"{v:.6f}" for v in TONBRIDGE)
    rows_ = []
    for i in range(12):
        rows_ += [
            row(Crime_ID=f"in{i}", Longitude=lon, Latitude=lat, LSOA_code=HS_LSOA, Crime_type="Drugs"),
            row(Crime_ID=f"out{i}", Longitude=tlon, Latitude=tlat, LSOA_code=TM_LSOA),
            row(Crime_type="Anti-social behaviour", Longitude=lon, Latitude=lat, Location=f" On or near Street {i} "),
            row(Crime_type="Anti-social behaviour", Longitude=tlon, Latitude=tlat),
            row(Crime_ID="", Crime_type="Burglary", LSOA_code=HS_LSOA, Location="No Location"),   # made id
            row(Crime_ID=f"tm{i}", LSOA_code=TM_LSOA, Location="No Location"),
            row(Crime_ID=f"none{i}", Location="No Location"),
        ]
    rows_[30] = row(Crime_ID="in0", Longitude=lon, Latitude=lat, LSOA_code=HS_LSOA)   # in0 for ASB 4
    data = csv_bytes(rows_)
    return data.replace(b"\nout5,", b"\n\nout5,", 1)   # a blank line: records and lines part


def test_a_file_read_in_small_chunks_keeps_what_one_read_keeps(tmp_path, maidstone, monkeypatch):
    data = _month_file()
    whole = ingest(tmp_path, maidstone, data)
    monkeypatch.setattr(_chunks, "CHUNK_BYTES", 300)   # two or three lines a chunk: 40 chunks
    pieces = ingest(tmp_path, maidstone, data)
    assert_frame_equal(pieces.crimes, whole.crimes)
    assert_frame_equal(pieces.asb, whole.asb)
    assert pieces.summary() == whole.summary()
    assert whole.summary().splitlines() == MAIN_SUMMARY
    assert whole.crimes["crime_id"].tolist() == MAIN_CRIME_IDS
    assert set(whole.crimes["ward_code"]) == {HIGH_STREET}
    assert whole.asb["location"].tolist() == [f"On or near Street {i}" for i in range(12) if i != 4]


def test_a_row_named_in_a_later_chunk_is_the_row_of_the_file(tmp_path, maidstone, monkeypatch):
    data = _month_file().replace(b"none9,2020-05", b"none9,May 2020")
    line = data[:data.index(b"none9,")].count(b"\n") + 1
    monkeypatch.setattr(_chunks, "CHUNK_BYTES", 300)
    with pytest.raises(IngestError, match=rf"^{FILE}, row {line}, column 'Month': value 'May 2020'"):
        ingest(tmp_path, maidstone, data)
    assert line > 60   # past the blank line, many chunks in
