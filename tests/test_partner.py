"""Partner CSV templates: the template reads back, and what Excel gets wrong is named precisely."""

from __future__ import annotations

import codecs
import csv
import io
import zipfile

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from smp_dash import config, schema
from smp_dash.sources.partner import IngestError, read_partner_csv, template_csv


def _header_and_example(dataset: str) -> tuple[list[str], list[str]]:
    header, example = list(csv.reader(io.StringIO(template_csv(dataset))))
    return header, example


@pytest.mark.parametrize("dataset", schema.DATASETS)
def test_template_round_trips(dataset):
    header, example = _header_and_example(dataset)
    assert header == schema.columns(dataset)
    typed = read_partner_csv(template_csv(dataset).encode(), dataset, name=f"{dataset}.csv")
    expected = schema.validate(pd.DataFrame([example], columns=header, dtype=object), dataset)
    assert_frame_equal(typed, expected)
    assert len(typed) == 1


def test_template_example_values():
    assert template_csv("enforcement") == (
        "issued,action,category,with_police,ward_code\n"
        "2020-05-04,CPW,Noise (inc. with ASB),true,E05004996\n")


@pytest.mark.parametrize("transform", [
    pytest.param(lambda b: codecs.BOM_UTF8 + b, id="utf-8 with BOM (Excel's CSV UTF-8)"),
    pytest.param(lambda b: b.replace(b"\n", b"\r\n"), id="Windows line endings"),
    pytest.param(lambda b: b + b",,,,\n,,,,\n", id="empty rows Excel leaves after the data"),
    pytest.param(lambda b: b.replace(b"issued,action", b" issued , action"), id="spaces around names"),
])
def test_what_excel_does_is_accepted(transform):
    typed = read_partner_csv(transform(template_csv("enforcement").encode()), "enforcement", name="e.csv")
    assert typed["action"].tolist() == ["CPW"]
    assert typed["issued"].tolist() == [pd.Timestamp("2020-05-04")]


def test_path_input_is_named_by_its_file_name(tmp_path):
    path = tmp_path / "cpt requests.csv"
    path.write_text(template_csv("service_requests").replace("Noise", "Nois"))
    with pytest.raises(schema.SchemaError, match=r"\n  - cpt requests\.csv, row 2, column 'category'"):
        read_partner_csv(path, "service_requests")


def test_upload_object_is_named_without_its_folders():
    upload = io.BytesIO(template_csv("service_requests").replace("Noise", "Nois").encode())
    upload.name = "C:\\Users\\cpt\\Downloads\\cpt requests.csv"
    with pytest.raises(schema.SchemaError, match=r"\n  - cpt requests\.csv, row 2, column 'category'"):
        read_partner_csv(upload, "service_requests")
    good = io.BytesIO(template_csv("service_requests").encode())
    good.name = "requests.csv"
    assert read_partner_csv(good, "service_requests")["category"].tolist() == ["Noise"]


def _workbook() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as book:
        book.writestr("[Content_Types].xml", "<Types/>")
        book.writestr("xl/workbook.xml", "<workbook/>")
    return buffer.getvalue()


GOOD = template_csv("enforcement").encode()


@pytest.mark.parametrize("data, message", [
    (GOOD.replace(b",", b";"), r"row 1: looks like it is separated by ';' \(semicolons\), the partner templates use commas"),
    (GOOD + "2020-05-05,CPN,Café noise,false,E05004996\n".encode("cp1252"),
     r"row 3, column 'category'.*not UTF-8 text: byte 0xe9"),
    (b"", r"the file is empty"),
    (_workbook(), r"this is an Excel workbook \(\.xlsx\), not CSV text"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, r"Excel 97-2003 workbook"),
    # an unquoted comma inside a value
    (GOOD + b"2020-05-05,CPN,Noise, barking,false,E05004996\n",
     r"row 3: value .*expected 5 comma-separated values as in the header, found 6"),
    (GOOD.replace(b"category,with_police", b"category,category"), r"row 1, column 'category': column appears more than once"),
])
def test_bad_files_are_refused(data, message):
    with pytest.raises(IngestError, match=rf"^notices\.csv\b.*{message}"):
        read_partner_csv(data, "enforcement", name="notices.csv")


@pytest.mark.parametrize("data, problems", [
    (GOOD + b"2020-05-05,ASBO,Noise,false,E05004996\n", [(3, "action")]),
    (GOOD.replace(b",ward_code", b"").replace(b",E05004996", b""), [(1, "ward_code")]),
    # a blank row in the middle is reported at the row the partner sees, not skipped
    (GOOD + b",,,,\n2020-05-06,CPW,Noise,maybe,E05004996\n",
     [(3, "issued"), (3, "action"), (3, "category"), (3, "with_police"), (3, "ward_code"), (4, "with_police")]),
])
def test_contract_problems_name_row_and_column(data, problems):
    with pytest.raises(schema.SchemaError) as info:
        read_partner_csv(data, "enforcement", name="notices.csv")
    found = sorted((p.row, p.column) for p in info.value.problems)
    assert found == sorted(problems)
    assert {p.source for p in info.value.problems} == {"notices.csv"}


def test_size_limit(monkeypatch):
    with pytest.raises(IngestError, match=r"notices\.csv: the file is [0-9.,]+ (bytes|KB); the largest accepted is 10 bytes"):
        read_partner_csv(GOOD, "enforcement", name="notices.csv", limits=config.Limits(file_bytes=10))
    monkeypatch.setattr(config, "LIMITS", config.Limits(file_bytes=10))   # read when called, not at import
    with pytest.raises(IngestError, match=r"largest accepted"):
        read_partner_csv(GOOD, "enforcement", name="notices.csv")


def test_header_only_is_an_empty_typed_frame():
    typed = read_partner_csv(b"issued,action,category,with_police,ward_code\n", "enforcement", name="e.csv")
    assert_frame_equal(typed, schema.empty("enforcement"))


def test_unknown_dataset():
    with pytest.raises(KeyError, match="unknown dataset 'enforcements'"):
        read_partner_csv(GOOD, "enforcements")
    with pytest.raises(KeyError, match="unknown dataset"):
        template_csv("enforcements")
