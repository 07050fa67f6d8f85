"""intake: preview an upload, commit it, keep and restore versions, list provenance.

Every bad input is checked twice: the message names the file (and the row and column where
there is one), and every file of the store is byte-identical afterwards.
"""

from __future__ import annotations

import io
import zipfile

import pandas as pd
import pytest

from conftest import GOOD_ROWS, HIGH_STREET, rows, store_hashes
from smp_dash import intake, schema, store
from smp_dash.config import Limits
from smp_dash.sources import partner

POLICE_HEADER = ",".join(["Crime ID", "Month", "Reported by", "Falls within", "Longitude", "Latitude", "Location",
                          "LSOA code", "LSOA name", "Crime type", "Last outcome category", "Context"])
TONBRIDGE = (0.2745, 51.1950)  # in Kent and the UK, not in Maidstone


def _csv(frame: pd.DataFrame, sep: str = ",") -> bytes:
    return frame.to_csv(index=False, sep=sep, lineterminator="\n").encode()


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, payload in members.items():
            archive.writestr(name, payload)
    return buffer.getvalue()


def _police_row(crime_id, lon, lat, lsoa="E01024371", month="2020-05", kind="Robbery") -> str:
    return f"{crime_id},{month},Kent Police,Kent Police,{lon},{lat},On or near High Street,{lsoa},Maidstone 012A,{kind},,"


@pytest.fixture(scope="module")
def points(maidstone):
    """Three points inside Maidstone (interior points of real LSOAs) with their LSOA codes."""
    _, lsoas = maidstone
    sample = lsoas.iloc[[0, 10, 20]]
    inner = sample.geometry.representative_point()
    return [(code, round(p.x, 6), round(p.y, 6)) for code, p in zip(sample["lsoa_code"], inner)]


@pytest.fixture
def police_csv(points) -> bytes:
    """Six rows: three crimes and one ASB incident in Maidstone, one crime in Tonbridge, and one
    crime without coordinates placed by its Maidstone LSOA code."""
    (a, ax, ay), (b, bx, by), (c, cx, cy) = points
    lines = [POLICE_HEADER,
             _police_row("c1", ax, ay, a), _police_row("c2", bx, by, b, month="2020-07", kind="Burglary"),
             _police_row("c3", cx, cy, c, month="2020-06"), _police_row("", ax, ay, a, kind="Anti-social behaviour"),
             _police_row("c5", *TONBRIDGE, lsoa="E01024800"), _police_row("c6", "", "", b)]
    return ("\n".join(lines) + "\n").encode()




# Bad files: an error naming the file, row and column; the store untouched -------------------

GOOD_ENF = rows("enforcement", {}, {"issued": "2020-06-01"})
WORKBOOK = _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})


def _truncated_zip(police: bytes) -> bytes:
    whole = _zip({"2020-05/2020-05-kent-street.csv": police})
    return whole[: len(whole) // 2]


BAD_FILES = [
    # (case, dataset, name, make(police_csv) -> bytes, extra kwargs, message pattern)
    ("semicolons", "enforcement", "cpt.csv", lambda p: _csv(GOOD_ENF, sep=";"), {},
     r"cpt\.csv, row 1: looks like it is separated by ';'"),
    ("tabs, police.uk", intake.POLICE_UK, "street.csv", lambda p: p.replace(b",", b"\t"), {},
     r"street\.csv, row 1: looks like it is separated by '\\t'"),
    ("missing column", "enforcement", "cpt.csv", lambda p: _csv(GOOD_ENF.drop(columns="action")), {},
     r"cpt\.csv, row 1, column 'action': required column is missing"),
    ("extra column", "enforcement", "cpt.csv", lambda p: _csv(GOOD_ENF.assign(officer="PC 123")), {},
     r"cpt\.csv, row 1, column 'officer': column is not part of the contract"),
    ("missing police.uk column", intake.POLICE_UK, "street.csv", lambda p: p.replace(b"Crime type", b"Type"), {},
     r"street\.csv, row 1, column 'Crime type': required column"),
    ("wrong type, police.uk", intake.POLICE_UK, "street.csv",
     lambda p: p.replace(p.split(b"\n")[1].split(b",")[4], b"east", 1), {},
     r"street\.csv, row 2, column 'Longitude': value 'east': expected a number"),
    ("unparseable month", intake.POLICE_UK, "street.csv", lambda p: p.replace(b"2020-07", b"July 2020"), {},
     r"street\.csv, row 3, column 'Month': value 'July 2020': expected a month"),
    ("future month", intake.POLICE_UK, "street.csv", lambda p: p.replace(b"2020-07", b"2099-07"), {},
     r"street\.csv, row 3, column 'Month': value '2099-07': month is in the future"),
    ("outside the UK", intake.POLICE_UK, "street.csv",
     lambda p: p.replace(p.split(b"\n")[1].split(b",")[4], b"12.5", 1), {},
     r"street\.csv, row 2, column 'Longitude': value 12\.5: coordinate outside the UK"),
    ("Windows-1252 text", "enforcement", "cpt.csv",
     lambda p: _csv(GOOD_ENF.assign(category=["Noise", "Caf\u00e9 noise"])).replace("\u00e9".encode(), b"\xe9"), {},
     r"cpt\.csv, row 3, column 'category': not UTF-8 text: byte 0xe9"),
    ("UTF-16 text", "enforcement", "cpt.csv", lambda p: _csv(GOOD_ENF).decode().encode("utf-16"), {},
     r"cpt\.csv: this is UTF-16 text"),
    ("Excel workbook named .csv", "enforcement", "cpt.csv", lambda p: WORKBOOK, {},
     r"cpt\.csv: this is an Excel workbook \(\.xlsx\)"),
    ("Excel workbook named .csv, police.uk", intake.POLICE_UK, "street.csv", lambda p: WORKBOOK, {},
     r"street\.csv: this is an Excel workbook \(\.xlsx\)"),
    ("empty file", "enforcement", "cpt.csv", lambda p: b"", {}, r"cpt\.csv: the file is empty"),
    ("blank lines only", "enforcement", "cpt.csv", lambda p: b"\n\n  \n", {}, r"cpt\.csv: the file is empty"),
    ("larger than the limit", "enforcement", "cpt.csv", lambda p: _csv(GOOD_ENF), {"limits": Limits(file_bytes=50)},
     r"cpt\.csv: the file is [0-9.,]+ (bytes|KB|MB); the largest accepted"),
    ("larger than the limit, zip member", intake.POLICE_UK, "kent.zip",
     lambda p: _zip({"2020-05/2020-05-kent-street.csv": p * 20}), {"limits": Limits(file_bytes=2000)},
     r"kent\.zip:2020-05/2020-05-kent-street\.csv: the file is"),
    # a million blank lines: 1 MB in 1 KB, read in no time, but a zip bomb's kind all the same
    ("a zip member expanding 900 times", intake.POLICE_UK, "kent.zip",
     lambda p: _zip({"2020-05/2020-05-kent-street.csv": (POLICE_HEADER + "\n" * 1_000_000).encode()}), {},
     r"kent\.zip:2020-05/2020-05-kent-street\.csv: refused: 1 KB that would expand to 1\.0 MB, 9\d\d times its "
     r"size; the most accepted is 200 times \(config\.Limits\.ratio\)"),
    ("CSV files larger than the limit together", intake.POLICE_UK, "kent.zip",
     lambda p: _zip({f"2020-0{m}/2020-0{m}-kent-street.csv": p for m in (5, 6, 7)}),
     {"limits": Limits(total_bytes=1000)}, r"kent\.zip: its CSV files hold [0-9.,]+ KB together; the most "
                                           r"accepted at once is 1 KB \(config\.Limits\.total_bytes\)"),
    ("nested zip", intake.POLICE_UK, "kent.zip", lambda p: _zip({"inner.zip": _zip({"a.csv": p})}), {},
     r"kent\.zip: refused: member 'inner\.zip' is an archive inside the archive"),
    ("nested zip named .csv", intake.POLICE_UK, "kent.zip",
     lambda p: _zip({"2020-05/2020-05-kent-street.csv": _zip({"a.csv": p})}), {},
     r"kent\.zip:2020-05/2020-05-kent-street\.csv: archives inside the archive are not accepted"),
    ("path climbing out", intake.POLICE_UK, "kent.zip", lambda p: _zip({"../../etc/street.csv": p}), {},
     r"kent\.zip: refused: member '\.\./\.\./etc/street\.csv' has a path that leaves the archive"),
    ("absolute path", intake.POLICE_UK, "kent.zip", lambda p: _zip({"/tmp/street.csv": p}), {},
     r"kent\.zip: refused: member '/tmp/street\.csv' has a path that leaves"),
    ("zip without CSV", intake.POLICE_UK, "kent.zip", lambda p: _zip({"readme.txt": b"hello"}), {},
     r"kent\.zip: the archive holds no CSV files"),
    ("zip as a partner file", "enforcement", "cpt.zip", lambda p: _zip({"cpt.csv": _csv(GOOD_ENF)}), {},
     r"cpt\.zip: this is a zip archive, not CSV text"),
    ("truncated zip", intake.POLICE_UK, "kent.zip", _truncated_zip, {}, r"kent\.zip: not a readable zip archive"),
    ("truncated partner CSV", "enforcement", "cpt.csv", lambda p: _csv(GOOD_ENF)[:-25], {},
     r"cpt\.csv, row 3: the last row has 3 of the header's 5 values .* looks cut off"),
    ("truncated in a quoted value", "enforcement", "cpt.csv",
     lambda p: _csv(GOOD_ENF.assign(category=["Noise", "Noise, loud"]))[:-12], {},
     r"cpt\.csv, row 3: the last row has .* looks cut off"),
    ("truncated police.uk CSV", intake.POLICE_UK, "street.csv", lambda p: p[: p.index(b"Robbery")], {},
     r"street\.csv, row 2: value '.*': expected 12 comma-separated values as in the header, found 10"),
]


@pytest.mark.parametrize("case, dataset, name, make, kwargs, message", BAD_FILES, ids=[c[0] for c in BAD_FILES])
def test_bad_file_is_refused_and_the_store_is_untouched(seeded, maidstone, police_csv, case, dataset, name, make,
                                                        kwargs, message):
    wards, lsoas = maidstone
    before = store_hashes(seeded)
    with pytest.raises((intake.IngestError, schema.SchemaError), match=message):
        intake.preview(make(police_csv), name, dataset, wards=wards, lsoas=lsoas, **kwargs)
    assert store_hashes(seeded) == before


# Bad rows: set aside with their reason, the good rows kept ------------------------------------

BAD_ROWS = [
    # (case, dataset, the bad row's changes, column named, rule pattern)
    ("wrong type", "needle_finds", {"needles": "three"}, "needles", "expected a number"),
    ("fractional count", "needle_finds", {"needles": "2.5"}, "needles", "expected a whole number"),
    ("not a boolean", "enforcement", {"with_police": "maybe"}, "with_police", "expected true or false"),
    ("unparseable date", "enforcement", {"issued": "04/05/2020"}, "issued", "expected a date as YYYY-MM-DD"),
    ("future date", "enforcement", {"issued": "2099-05-04"}, "issued", "date is in the future"),
    ("longitude outside the UK", "needle_finds", {"longitude": "10.5"}, "longitude", "must be between -8.7 and 1.8"),
    ("latitude outside the UK", "needle_finds", {"latitude": "40.1"}, "latitude", "must be between 49.8 and 60.9"),
    ("point outside the borough", "needle_finds", {"longitude": str(TONBRIDGE[0]), "latitude": str(TONBRIDGE[1])},
     "longitude, latitude", "point is outside the borough"),
    ("ward outside the borough", "enforcement", {"ward_code": "E05009999"}, "ward_code", "not a ward of the borough"),
    ("duplicate row", "encampments", {"started": "2020-05-04", "ended": "2020-05-11"}, "", "duplicate row"),
    ("duplicate key", "population", {"population": "999"}, "ward_code,year", "must be unique"),
    ("value not allowed", "enforcement", {"action": "ASBO"}, "action", "must be one of: CPW, CPN, FPN"),
    ("required value missing", "enforcement", {"category": ""}, "category", "a value is required"),
    ("end before start", "encampments", {"ended": "2020-05-01", "started": "2020-05-03"}, "ended",
     "must not be before started"),
]


@pytest.mark.parametrize("case, dataset, change, column, rule", BAD_ROWS, ids=[c[0] for c in BAD_ROWS])
def test_bad_row_is_set_aside_with_its_reason(seeded, maidstone, case, dataset, change, column, rule):
    wards, lsoas = maidstone
    before = store_hashes(seeded)
    # Row 2 is good; row 3 is the bad one (a duplicate of row 2 where the case says so).
    data = _csv(rows(dataset, {}, change))
    result = intake.preview(data, "partner.csv", dataset, wards=wards, lsoas=lsoas)
    assert (result.rows_read, result.rows_accepted) == (2, 1)
    assert result.rows_rejected + result.rows_outside == 1
    assert result.rejected[["row", "column"]].values.tolist() == [[3, column]]
    assert result.rejected["rule"].str.contains(rule, regex=False).all(), result.rejected
    # The same row alone: nothing is accepted, so nothing can be committed.
    if case not in ("duplicate row", "duplicate key"):
        alone = intake.preview(_csv(rows(dataset, change)), "partner.csv", dataset, wards=wards, lsoas=lsoas)
        assert alone.rows_accepted == 0 and alone.rejected["row"].tolist() == [2]
        with pytest.raises(intake.IngestError, match=r"partner\.csv: no rows (accepted|inside the borough) "
                                                      r"\(1 row (rejected|outside)\): nothing replaced"):
            intake.commit(alone, data_dir=seeded)
    assert store_hashes(seeded) == before


def test_two_bad_rows_of_five(seeded, maidstone):
    # Row 4 breaks two rules (both listed); row 6 one.
    wards, lsoas = maidstone
    data = _csv(rows("enforcement", {}, {"issued": "2020-05-05"}, {"issued": "next week", "action": "ASBO"},
                     {"issued": "2020-05-07", "with_police": "false"}, {"with_police": "maybe"}))
    result = intake.preview(data, "C:\\Users\\cpt\\enforcement.csv", "enforcement", wards=wards, lsoas=lsoas)
    assert result.source == "enforcement.csv"
    assert (result.rows_read, result.rows_accepted, result.rows_rejected, result.rows_outside) == (5, 3, 2, 0)
    expected = pd.DataFrame({"row": [4, 4, 6], "column": ["issued", "action", "with_police"],
                             "value": ["next week", "ASBO", "maybe"],
                             "rule": ["expected a date as YYYY-MM-DD", "must be one of: CPW, CPN, FPN",
                                      "expected true or false"]})
    pd.testing.assert_frame_equal(result.rejected, expected)
    assert result.frames["enforcement"]["issued"].dt.strftime("%Y-%m-%d").tolist() == \
        ["2020-05-04", "2020-05-05", "2020-05-07"]


def test_many_duplicates_are_all_found(maidstone):
    # every repeat of a row that cannot repeat is set aside, each with its own row number.
    wards, _ = maidstone
    data = _csv(rows("encampments", *[{}] * 30))
    result = intake.preview(data, "camps.csv", "encampments", wards=wards)
    assert (result.rows_accepted, result.rows_rejected) == (1, 29)
    assert result.rejected["row"].tolist() == list(range(3, 32))


# Good files: the preview's counts, then a commit ---------------------------------------------

def test_good_partner_file_preview_and_commit(seeded, maidstone):
    wards, lsoas = maidstone
    data = _csv(rows("needle_finds", {}, {"found": "2020-08-30", "needles": "40", "bulk_incident": "true"},
                     {"found": "2019-12-01", "longitude": "0.5480", "latitude": "51.2590", "ward_code": "E05004999"},
                     {"longitude": str(TONBRIDGE[0]), "latitude": str(TONBRIDGE[1])}))
    result = intake.preview(data, "needles.csv", "needle_finds", wards=wards, lsoas=lsoas)
    assert result.datasets == ("needle_finds",)
    assert (result.rows_read, result.rows_accepted, result.rows_rejected, result.rows_outside) == (4, 3, 0, 1)
    assert (result.first, result.last) == (pd.Timestamp("2019-12-01"), pd.Timestamp("2020-08-30"))
    names = dict(zip(wards["ward_code"], wards["ward_name"]))
    assert result.wards == tuple(sorted([names[HIGH_STREET], names["E05004999"]]))
    assert "read 4 rows; 3 accepted, 0 rejected, 1 outside the borough" in result.summary()

    records = intake.commit(result, data_dir=seeded)
    assert records["needle_finds"]["rows"] == 3
    assert (records["needle_finds"]["source"], records["needle_finds"]["demo"]) == ("needles.csv", False)
    assert len(store.read("needle_finds", seeded)) == 3


def test_police_uk_csv_preview(seeded, maidstone, police_csv):
    wards, lsoas = maidstone
    result = intake.preview(police_csv, "2020-05-kent-street.csv", intake.POLICE_UK, wards=wards, lsoas=lsoas)
    assert result.datasets == ("crimes", "asb_incidents")
    assert (result.rows_read, result.rows_accepted, result.rows_rejected, result.rows_outside) == (6, 5, 0, 1)
    assert [len(result.frames["crimes"]), len(result.frames["asb_incidents"])] == [4, 1]
    assert (result.first, result.last) == (pd.Timestamp("2020-05-01"), pd.Timestamp("2020-07-01"))
    assert result.wards and set(result.wards) <= set(wards["ward_name"])
    assert "placed by LSOA code" in result.summary()
    intake.commit(result, data_dir=seeded)
    assert store.provenance("crimes", seeded)["source"] == "2020-05-kent-street.csv"
    assert store.provenance("asb_incidents", seeded)["rows"] == 1


def test_police_uk_zip_preview(maidstone, police_csv):
    wards, lsoas = maidstone
    autumn = police_csv.replace(b"2020-05", b"2020-10").replace(b"2020-06", b"2020-11").replace(b"2020-07", b"2020-12")
    autumn = autumn.replace(b"\nc", b"\nd")  # other Crime IDs: the same id in two months is one crime
    data = _zip({"2020-05/2020-05-kent-street.csv": police_csv, "2020-10/2020-10-kent-street.csv": autumn,
                 "2020-05/2020-05-kent-outcomes.csv": b"Crime ID,Month\n"})
    result = intake.preview(data, "kent.zip", intake.POLICE_UK, wards=wards, lsoas=lsoas)
    assert (result.rows_read, result.rows_accepted, result.rows_outside) == (12, 10, 2)
    assert (result.first, result.last) == (pd.Timestamp("2020-05-01"), pd.Timestamp("2020-12-01"))
    assert "Skipped 1 file(s)" in result.summary()


def test_police_uk_without_asb_leaves_asb_as_it_is(seeded, maidstone, police_csv):
    wards, lsoas = maidstone
    data = b"\n".join(l for l in police_csv.split(b"\n") if b"Anti-social" not in l)
    result = intake.preview(data, "street.csv", intake.POLICE_UK, wards=wards, lsoas=lsoas)
    assert result.datasets == ("crimes",)
    before = store.provenance("asb_incidents", seeded)
    intake.commit(result, data_dir=seeded)
    assert store.provenance("asb_incidents", seeded) == before


# Files that keep nothing: refused, unless emptying on purpose ---------------------------------

def _outside_only(police: bytes) -> bytes:
    return (POLICE_HEADER + "\n" + _police_row("t1", *TONBRIDGE, lsoa="E01024800") + "\n"
            + _police_row("", *TONBRIDGE, lsoa="E01024800", kind="Anti-social behaviour") + "\n").encode()


BOTH = ("crimes", "asb_incidents")
NOTHING_KEPT = [
    # (case, dataset, name, make(police_csv) -> bytes, refusal pattern, datasets --allow-empty empties)
    ("header only", "needle_finds", "needles.csv", lambda p: _csv(rows("needle_finds").iloc[:0]),
     r"needles\.csv, row 2: the file has a header but no data rows: nothing replaced\. "
     r"To empty needle finds on purpose: --allow-empty", ("needle_finds",)),
    ("header only, police.uk", intake.POLICE_UK, "street.csv", lambda p: (POLICE_HEADER + "\n").encode(),
     r"street\.csv, row 2: the file has a header but no data rows: nothing replaced\. "
     r"To empty recorded crimes, ASB incidents \(police\) on purpose: --allow-empty", BOTH),
    # blank lines hold no rows (a million of them are refused as a zip bomb: see BAD_FILES)
    ("blank lines in a zip", intake.POLICE_UK, "kent.zip",
     lambda p: _zip({"2020-05/2020-05-kent-street.csv": (POLICE_HEADER + "\n" * 1_000).encode()}),
     r"kent\.zip, row 2: the file has a header but no data rows: nothing replaced", BOTH),
    ("every row outside the borough", intake.POLICE_UK, "2020-05-kent-street.csv", _outside_only,
     r"2020-05-kent-street\.csv: no rows inside the borough \(2 rows outside\): nothing replaced\. "
     r"To empty recorded crimes, ASB incidents \(police\) on purpose: --allow-empty", BOTH),
    ("every partner row in another district", "enforcement", "cpt.csv",
     lambda p: _csv(rows("enforcement", {"ward_code": "E05009999"}, {"ward_code": "E05009998"})),
     r"cpt\.csv: no rows inside the borough \(2 rows outside\): nothing replaced", ("enforcement",)),
    ("every partner row rejected", "enforcement", "cpt.csv",
     lambda p: _csv(rows("enforcement", {"action": "ASBO"}, {"issued": "2099-01-01"}, {"ward_code": "E05009999"})),
     r"cpt\.csv: no rows accepted \(1 row outside, 2 rows rejected\): nothing replaced", ("enforcement",)),
]


@pytest.mark.parametrize("case, dataset, name, make, refusal, emptied", NOTHING_KEPT,
                         ids=[c[0] for c in NOTHING_KEPT])
def test_a_file_that_keeps_nothing_is_refused_unless_emptying_on_purpose(seeded, maidstone, police_csv, case,
                                                                         dataset, name, make, refusal, emptied):
    wards, lsoas = maidstone
    before = store_hashes(seeded)
    result = intake.preview(make(police_csv), name, dataset, wards=wards, lsoas=lsoas)
    assert (result.datasets, result.empty, result.rows_accepted) == ((), emptied, 0)
    assert "Nothing to commit" in result.summary()
    with pytest.raises(intake.IngestError, match=refusal):
        intake.commit(result, data_dir=seeded)
    assert store_hashes(seeded) == before

    records = intake.commit(result, data_dir=seeded, allow_empty=True)
    assert {d: r["rows"] for d, r in records.items()} == dict.fromkeys(emptied, 0)
    assert [len(store.read(d, seeded)) for d in emptied] == [0] * len(emptied)
    assert [v["rows"] for d in emptied for v in store.versions(d, seeded)] == [1] * len(emptied)  # kept
    untouched = set(schema.DATASETS) - set(emptied)
    assert {d: len(store.read(d, seeded)) for d in untouched} == dict.fromkeys(untouched, 1)


@pytest.mark.parametrize("left, kind", [
    ("asb_incidents", "Robbery"),   # crimes only: ASB stays as it was
    ("crimes", "Anti-social behaviour"),   # ASB only: crimes stay as they were
])
def test_police_uk_file_holding_one_kind_leaves_the_other(seeded, maidstone, points, left, kind):
    wards, lsoas = maidstone
    (a, ax, ay), _, _ = points
    data = (POLICE_HEADER + "\n" + _police_row("" if kind != "Robbery" else "x1", ax, ay, a, kind=kind) + "\n").encode()
    before = store.provenance(left, seeded)
    result = intake.preview(data, "street.csv", intake.POLICE_UK, wards=wards, lsoas=lsoas)
    assert result.empty == (left,) and result.refusal is None
    assert f"Would leave {schema.named(left)} as it is" in result.summary()     # in words
    records = intake.commit(result, data_dir=seeded)
    assert list(records) == [d for d in BOTH if d != left]
    assert store.provenance(left, seeded) == before and store.versions(left, seeded) == []

    intake.commit(result, data_dir=seeded, allow_empty=True)   # emptied on purpose
    assert len(store.read(left, seeded)) == 0 and store.versions(left, seeded)[0]["rows"] == 1


# Versions, provenance, templates --------------------------------------------------------------

def test_versions_are_kept_and_restored(seeded, maidstone):
    wards, _ = maidstone
    for n in range(1, 5):  # four commits on top of the demonstration row: 1, 2, 3 then 4 rows
        data = _csv(rows("enforcement", *[{"issued": f"2020-0{m}-01"} for m in range(1, n + 1)]))
        intake.commit(intake.preview(data, f"v{n}.csv", "enforcement", wards=wards), data_dir=seeded)
    kept = intake.versions("enforcement", seeded)
    assert [v["rows"] for v in kept] == [3, 2, 1, 1]  # newest first; the last is the demonstration row
    assert [v["source"] for v in kept[:3]] == ["v3.csv", "v2.csv", "v1.csv"]
    assert "3 rows · v3.csv (real)" in intake.version_label(kept[0])

    intake.restore("enforcement", kept[1]["version"], seeded)
    assert store.provenance("enforcement", seeded)["source"] == "v2.csv"
    assert len(store.read("enforcement", seeded)) == 2
    assert intake.versions("enforcement", seeded)[0]["source"] == "v4.csv"  # the replaced one is kept


def test_provenance_table_and_mixed(seeded, maidstone):
    wards, _ = maidstone
    table = intake.provenance_table(seeded)
    assert table["dataset"].tolist() == [schema.DATASET_NAMES[d] for d in schema.DATASETS]   # in words
    assert set(table["kind"]) == {"demonstration"} and not intake.mixed(seeded)
    intake.commit(intake.preview(_csv(rows("enforcement")), "cpt.csv", "enforcement", wards=wards), data_dir=seeded)
    table = intake.provenance_table(seeded).set_index("dataset")
    meta = store.provenance("enforcement", seeded)
    assert table.loc["Enforcement notices"].to_dict() == {
        "kind": "real", "source": "cpt.csv", "rows": 1, "first": "2020-05-04", "last": "2020-05-04",
        "loaded_at": meta["loaded_at"], "sha256": meta["sha256"][:12]}
    assert intake.mixed(seeded)


def test_provenance_of_an_empty_store(tmp_path):
    table = intake.provenance_table(tmp_path)
    assert set(table["kind"]) == {"not loaded"} and table["rows"].isna().all()     # missing, never 0 rows
    assert not intake.mixed(tmp_path)


@pytest.mark.parametrize("dataset", schema.DATASETS)
def test_template_previews_cleanly(dataset, maidstone):
    wards, _ = maidstone
    text = intake.template_with_notes(dataset)
    assert text == partner.template_csv(dataset)
    result = intake.preview(text.encode(), f"{dataset}.csv", dataset, wards=wards)
    assert (result.rows_accepted, result.rows_rejected, result.rows_outside) == (1, 0, 0)


def test_column_notes():
    notes = intake.column_notes("needle_finds").set_index("column")
    assert list(notes.columns) == ["type", "required", "rule", "note"]
    assert notes.loc["found"].to_dict() == {"type": "date", "required": True,
                                            "rule": "YYYY-MM-DD; not in the future", "note": ""}
    assert notes.loc["note", "required"] == False  # noqa: E712  (numpy bool)
    assert notes.loc["bulk_incident", "note"].startswith("a single find")
    assert "between 1 and 100000" in notes.loc["needles", "rule"]


def test_messages_lists_every_problem():
    with pytest.raises(schema.SchemaError) as caught:
        schema.validate(rows("enforcement").drop(columns=["action", "issued"]), "enforcement", "x.csv")
    assert intake.messages(caught.value) == ["x.csv, row 1, column 'issued': required column is missing",
                                             "x.csv, row 1, column 'action': required column is missing"]


def test_preview_does_not_touch_its_input(maidstone):
    wards, _ = maidstone
    before = wards.copy()
    intake.preview(_csv(rows("enforcement")), "cpt.csv", "enforcement", wards=wards)
    pd.testing.assert_frame_equal(wards, before)
    assert GOOD_ROWS["enforcement"]["ward_code"] == HIGH_STREET
