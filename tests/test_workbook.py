"""The Excel workbook (workbook.py): every table and chart's data as typed, neutralised, controlled sheets."""

from __future__ import annotations

import io
import re
import zipfile

import openpyxl
import numpy as np
import pandas as pd
import pytest

from smp_dash import assessment, demo, disclosure, spc, workbook
from smp_dash.selection import PUBLISHED

HOSTILE = ('=HYPERLINK("http://evil","x")', "@SUM(1)", "-2+3", "+cmd|' /C calc'!A0")
SMALL = {1, 2, 3, 4}
#: Words naming a sensitive measure in a key figure's label or a sheet's content.
SENSITIVE = ("domestic abuse", "needle", "hate", "bulk")
#: A number written as text ("2,888", "+5.7%"): never in a column that holds numbers.
NUMBER_TEXT = re.compile(r"[+-]?\d[\d,]*(\.\d+)?%?")
THIN_WARD = "Boxley"


@pytest.fixture(scope="module")
def demo_data(maidstone):
    """The demonstration frames and Maidstone's ward names, built once for the module."""
    wards, lsoas = maidstone
    return demo.build(wards, lsoas), dict(zip(wards["ward_code"], wards["ward_name"]))


def _build(frames, names, **options) -> bytes:
    settings = dict(ward_names=names, demo=True, generated_at="1 Apr 2021 09:00 UTC", period_kind=PUBLISHED,
                    provenance={name: {"source": "demonstration", "rows": len(frame), "demo": options.get("demo", True)}
                                for name, frame in frames.items()})
    return workbook.workbook(frames, **{**settings, **options})


def _open(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


@pytest.fixture(scope="module")
def book(demo_data):
    """The workbook "as in the 2020-21 assessment", on demonstration data."""
    return _open(_build(*demo_data))


@pytest.fixture(scope="module")
def hostile(demo_data):
    """Real (not demonstration) data whose action plans and a selected ward's name start formulas: the raw
    bytes and the workbook."""
    frames, names = demo_data
    actions = frames["actions"].copy()
    actions.loc[actions.index[:len(HOSTILE)], "action"] = HOSTILE
    actions.loc[actions.index[0], "update"] = "@SUM(A1)"
    code = next(iter(names))
    data = _build({**frames, "actions": actions}, {**names, code: HOSTILE[0]}, demo=False, wards=(code,))
    return data, _open(data)


@pytest.fixture(scope="module")
def thinned(demo_data):
    """Frames where one ward has 3 domestic abuse and 2 hate crimes a year and 4 needles in 2020."""
    frames, names = demo_data
    ward = next(code for code, name in names.items() if name == THIN_WARD)
    crimes = frames["crimes"]
    years = crimes["month"].dt.year
    keep = pd.Series(True, index=crimes.index)
    for flag, left in ((crimes["domestic_abuse"].fillna(False).astype(bool), 3), (crimes["hate_strand"].notna(), 2)):
        for _, rows in crimes[(crimes["ward_code"] == ward) & flag].groupby(years):
            keep[rows.index[left:]] = False
    needles = frames["needle_finds"]
    mine = needles["ward_code"] == ward
    # Two finds of two needles in the ward in Dec 2019 to Nov 2020 (copies of finds elsewhere).
    kept = needles[~needles["bulk_incident"].astype(bool) & (needles["found"].dt.year == 2020)
                   & (needles["found"].dt.month < 12)].head(2).assign(ward_code=ward, needles=2)
    needles = pd.concat([needles[~mine], kept], ignore_index=True)
    return {**frames, "crimes": crimes[keep], "needle_finds": needles}, ward


def _header_row(ws) -> int:
    return int(ws.freeze_panes[1:]) - 1


def _table(ws) -> pd.DataFrame:
    """A sheet's table (below its frozen header) as the cells' values."""
    rows = list(ws.iter_rows(min_row=_header_row(ws), values_only=True))
    return pd.DataFrame(rows[1:], columns=rows[0])


def _cells(ws):
    """Every data cell of a sheet with its column's header."""
    header = _header_row(ws)
    names = [c.value for c in ws[header]]
    for row in ws.iter_rows(min_row=header + 1):
        for name, cell in zip(names, row):
            yield name, cell


def _figure(ws, label: str):
    """The cells of the key-figure row called ``label`` by header."""
    header = [c.value for c in ws[_header_row(ws)]]
    for row in ws.iter_rows(min_row=_header_row(ws) + 1):
        if row[0].value == label:
            return dict(zip(header, row))
    raise AssertionError(f"no key figure {label!r} in {ws.title}")


def _index(book) -> pd.DataFrame:
    return _table(book["Index"])


# What it holds ---------------------------------------------------------------------------------

def test_index_lists_every_other_sheet_with_page_and_content(book):
    assert book.sheetnames[0] == "Index"
    index = _index(book)
    assert list(index["Sheet"]) == book.sheetnames[1:]
    assert index[["Page", "Content"]].notna().all().all()
    first = _header_row(book["Index"]) + 1
    links = [book["Index"].cell(first + i, 1).hyperlink.location for i in range(len(index))]
    assert links == [f"'{name}'!A1" for name in book.sheetnames[1:]]
    assert book.sheetnames[-2:] == ["Action plans", "Provenance"]


def test_sheet_names_are_valid_for_excel(book):
    names = book.sheetnames
    assert len({n.lower() for n in names}) == len(names)
    for name in names:
        assert len(name) <= 31 and not re.search(r"[\[\]:*?/\\]", name), name
    for expected in ("DA - key figures", "DA - Crimes by month", "DA - By type", "SOC - key figures",
                     "Police - Crime by Kent district", "Overview - Top wards DA"):
        assert expected in names


def test_every_section_has_a_sheet(book, demo_data):
    frames, names = demo_data
    _, sections = assessment.sections(frames, ward_names=names, period_kind=PUBLISHED)
    pages = set(_index(book)["Page"])
    assert {s.title for s in sections} <= pages


@pytest.mark.parametrize("sheet, label, value", [
    ("DA - key figures", "Domestic abuse crimes", 2888),     # the seed: 2,888 in 2020
    ("Police - key figures", "Recorded crime", 15201),
    ("Substance - key figures", "Needles found", 2511),
    ("Police - key figures", "Hate crimes", 380),
])
def test_key_figures_are_the_published_numbers(book, sheet, label, value):
    cells = _figure(book[sheet], label)
    assert cells["Value"].value == value and cells["Value"].data_type == "n"
    assert cells["Value"].number_format == workbook.COUNT


def test_change_is_a_fraction_with_a_percent_format(book):
    cells = _figure(book["DA - key figures"], "Domestic abuse crimes")
    assert cells["Previous"].value == 2732
    assert cells["Change %"].value == pytest.approx(0.057, abs=5e-4)      # +5.7% on 2019
    assert "%" in cells["Change %"].number_format
    assert cells["Period"].value == "Calendar year 2020" and cells["Compared with"].value == "2019"
    share = _figure(book["DA - key figures"], "Share of all crime")["Value"]   # shown as "19%"
    assert share.value == pytest.approx(0.19) and "%" in share.number_format


def test_table_numbers_are_typed_by_kind(book, demo_data):
    frames, names = demo_data
    _, sections = assessment.sections(frames, ward_names=names, period_kind=PUBLISHED)
    table = next(t for s in sections for title, t in s.tables if title.startswith("Top ten wards for domestic"))
    sheet = _table(book["DA - Top wards DA FY to date"])
    assert list(sheet.columns) == ["Rank", "Ward", "This period", "Previous", "Change %", "Per 1,000"]
    assert list(sheet["This period"]) == list(table["current"])
    assert sheet["Change %"].tolist() == pytest.approx((table["pct_change"] / 100).tolist())
    formats = {name: {cell.number_format for n, cell in _cells(book["DA - Top wards DA FY to date"]) if n == name}
               for name in sheet.columns}
    assert formats["This period"] == formats["Previous"] == {workbook.COUNT}
    assert formats["Change %"] == {workbook.PERCENT} and formats["Per 1,000"] == {workbook.RATE}


def test_chart_data_adds_up_to_the_figure(book):
    monthly = _table(book["DA - Crimes by month"])
    assert list(monthly.columns)[:5] == ["Month", "Count", "Mean", "Upper process limit", "Lower process limit"]
    assert monthly.loc[monthly["Month"].dt.year == 2020, "Count"].sum() == 2888
    control = spc.xmr(monthly["Count"])          # the control chart's lines, from the counts beside them
    assert np.allclose(monthly[["Mean", "Upper process limit", "Lower process limit"]].to_numpy(float),
                       np.column_stack([control.mean, control.upper, control.lower]))
    month = book["DA - Crimes by month"].cell(_header_row(book["DA - Crimes by month"]) + 1, 1)
    assert month.is_date and month.number_format == workbook.MONTH
    types = _table(book["DA - By type"])
    assert list(types.columns) == ["Category", "2019", "2020"]
    assert (types["2019"].sum(), types["2020"].sum()) == (2732, 2888)


def _numbers_as_text(book) -> list[str]:
    """Cells of a column holding numbers that hold a number as text, and numbers without a format."""
    found = []
    for ws in book.worksheets[1:]:
        columns: dict[str, list] = {}
        for name, cell in _cells(ws):
            columns.setdefault(name, []).append(cell)
        for name, cells in columns.items():
            numbers = [c for c in cells if c.data_type == "n" and c.value is not None]
            if numbers:
                found += [f"{ws.title}!{c.coordinate} {name}: {c.value!r}" for c in cells
                          if c.data_type == "s" and NUMBER_TEXT.fullmatch(str(c.value).lstrip("'"))]
            found += [f"{ws.title}!{c.coordinate} {name}: unformatted" for c in numbers if c.number_format == "General"]
    return found


def test_no_number_is_stored_as_text(book, thinned_books):
    assert not _numbers_as_text(book)
    # Disclosure control writes a table's numbers as text ("1,234", "+3%"): they are numbers again here.
    assert not _numbers_as_text(thinned_books[True])
    top = _table(thinned_books[True]["DA - Top wards DA FY to date"])
    assert top["This period"].map(type).eq(int).all()
    # Shown to the whole percent ("+3%"), stored as the fraction 0.03.
    change = (top["This period"] - top["Previous"]) / top["Previous"]
    assert top["Change %"].tolist() == pytest.approx(change.tolist(), abs=0.006)


def test_header_frozen_on_every_sheet(book):
    for ws in book.worksheets:
        header = _header_row(ws)
        assert ws.freeze_panes == f"A{header + 1}"
        cells = [c for c in ws[header] if c.value is not None]
        assert cells and all(c.font.b for c in cells), ws.title
        if ws.title != "Index":
            assert header == 4, ws.title       # title, context, a blank row, the header


def test_every_sheet_says_demonstration_data(book, hostile):
    for ws in book.worksheets:
        assert ws["A2"].value.startswith(workbook.DEMO_WARNING), ws.title
    assert demo.NOTICE in [c.value for c in book["Index"]["A"]]
    _, real = hostile
    for ws in real.worksheets:
        for row in ws.iter_rows(values_only=True):
            assert not any(isinstance(v, str) and ("DEMONSTRATION" in v or demo.NOTICE_TITLE in v) for v in row)


# Safety ----------------------------------------------------------------------------------------

def test_no_cell_is_a_formula(hostile):
    data, book = hostile
    for ws in book.worksheets:
        for row in ws.iter_rows():
            assert not [c.coordinate for c in row if c.data_type == "f"], ws.title
    with zipfile.ZipFile(io.BytesIO(data)) as xlsx:
        for name in xlsx.namelist():
            if name.startswith("xl/worksheets/"):
                assert "<f>" not in xlsx.read(name).decode() and "<f " not in xlsx.read(name).decode()
    values = {c.value for ws in book.worksheets for row in ws.iter_rows() for c in row}
    for text in HOSTILE + ("@SUM(A1)",):
        assert "'" + text in values and text not in values
    # The selected ward's name, in the Index's view column.
    assert any(str(v).startswith("'" + HOSTILE[0]) for v in _index(book)["View"])


@pytest.fixture(scope="module")
def thinned_books(thinned, demo_data):
    frames, ward = thinned
    _, names = demo_data
    books = {True: _open(_build(frames, names, wards=(ward,), suppress=True)),
             "selection": _open(_build(frames, names, wards=(ward,), suppress=False))}
    # What the workbook would show were a ward selection not always protected: the leak the checks must see.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(assessment, "travelling", lambda wards, suppress: suppress)
        books[False] = _open(_build(frames, names, wards=(ward,), suppress=False))
    return books


def _small_counts(book) -> list[str]:
    """Sensitive counts of 1 to 4 anywhere in ``book``: key figures named for a sensitive measure, and
    count cells of sheets about one."""
    index = _index(book).set_index("Sheet")
    leaks = []
    for ws in book.worksheets[1:]:
        about = f"{ws.title} {index.at[ws.title, 'Content']}".lower()
        for name, cell in _cells(ws):
            if ws.title.endswith("key figures"):
                label = ws.cell(cell.row, 1).value or ""
                sensitive = name in ("Value", "Previous") and any(w.lower() in label.lower() for w in SENSITIVE)
            else:
                sensitive = any(w.lower() in about for w in SENSITIVE) and cell.number_format == workbook.COUNT
            if sensitive and cell.data_type == "n" and cell.value in SMALL:
                leaks.append(f"{ws.title}!{cell.coordinate} {name} = {cell.value}")
    return leaks


def test_disclosure_control_leaves_no_small_sensitive_count(thinned_books):
    assert _small_counts(thinned_books[False]), "without control the thinned ward's small counts show"
    controlled = thinned_books[True]
    assert not _small_counts(controlled)
    assert disclosure.note() in [c.value for c in controlled["Index"]["A"]]
    assert _figure(controlled["DA - key figures"], "Domestic abuse crimes")["Value"].value == "<5"
    assert _figure(controlled["Police - key figures"], "Hate crimes")["Value"].value == "<5"
    assert all(ws["A2"].value.endswith("Disclosure control on") for ws in controlled.worksheets)


def test_a_ward_selection_is_always_protected(thinned_books):
    """Not asked for, disclosure control still applies to a ward selection's workbook: it travels."""
    book = thinned_books["selection"]
    assert not _small_counts(book)
    assert _figure(book["DA - key figures"], "Domestic abuse crimes")["Value"].value == "<5"


def test_a_hidden_breakdown_is_left_out_with_its_reason_never_drawn_as_zeros(thinned_books, thinned, demo_data):
    """The thinned ward's total is hidden, so its breakdown by type would add up to it: the sections say
    why and draw no chart, and the workbook has no sheet of it (no zeros standing in for hidden counts)."""
    frames, ward = thinned
    _, names = demo_data
    _, sections = assessment.sections(frames, wards=(ward,), ward_names=names, suppress=True,
                                      period_kind=PUBLISHED)
    da = next(s for s in sections if s.title == "Domestic abuse")
    assert not [fig for fig in da.charts if fig.layout.title.text.startswith("Domestic abuse by type")]
    assert any(note.startswith("Domestic abuse by type") and "Not shown" in note for note in da.notes)
    assert "DA - By type" not in thinned_books[True].sheetnames
    assert "DA - By type" in thinned_books[False].sheetnames   # the unprotected book would show it


def test_missing_is_not_zero(demo_data):
    frames, names = demo_data
    # police.uk's street files carry no domestic-abuse flag and no hate strand.
    crimes = frames["crimes"].assign(domestic_abuse=pd.array([pd.NA] * len(frames["crimes"]), dtype="boolean"),
                                     hate_strand=pd.NA)
    book = _open(_build({**frames, "crimes": crimes}, names))
    cells = _figure(book["DA - key figures"], "Domestic abuse crimes")
    assert cells["Value"].data_type == "s" and cells["Value"].value == "n/a"
    assert "not in the data loaded" in cells["Note"].value
    assert cells["Change %"].value is None
    assert _figure(book["Police - key figures"], "Hate crimes")["Value"].value == "n/a"
    assert _figure(book["Police - key figures"], "Recorded crime")["Value"].value == 15201
