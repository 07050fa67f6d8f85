"""The two published tables the compare page reads (``sources.open_data``), in the layouts their
publishers use: the Home Office's crime by Community Safety Partnership area as an .ods (a cover
sheet, two financial-year sheets, LibreOffice's repeated cells and rows) or CSV, and ONS's mid-year
population estimates under their title rows (CSV and .xlsx); totals checked against pandas; another
layout named by sheet and column; '..' and blanks missing, never 0; the Data page's door and the
command line."""

from __future__ import annotations

import csv
import io
import zipfile
from xml.sax.saxutils import escape

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from smp_dash import cli, intake, schema, store
from smp_dash.sources import open_data
from smp_dash.sources._files import IngestError

HEADER = list(open_data.CSP_HEADER)
#: (year, quarter, force, partnership, description, group, subgroup, code, count): as published.
LINES = [
    ["2023/24", 1, "Kent", "Maidstone", "Shoplifting", "Theft offences", "Shoplifting", "46", 120],
    ["2023/24", 1, "Kent", "Maidstone", "Theft from the person", "Theft offences", "Other theft offences", "39", 15],
    ["2023/24", 1, "Kent", "Maidstone", "Robbery of personal property", "Robbery", "Robbery", "34B", 4],
    ["2023/24", 2, "Kent", "Ashford", "Shoplifting", "Theft offences", "Shoplifting", "46", 88],
    ["2023/24", 2, "Kent", "Ashford", "Bicycle theft", "Theft offences", "Other theft offences", "44", ".."],
    ["2023/24", 2, "Kent", "Swale", "Bicycle theft", "Theft offences", "Other theft offences", "44", None],
    ["2023/24", 2, "Kent", "Swale", "Shoplifting", "Theft offences", "Shoplifting", "46", 0],
]
LINES_2024 = [
    ["2024/25", 1, "Kent", "Maidstone", "Shoplifting", "Theft offences", "Shoplifting", "46", 130],
    ["2024/25", 4, "Kent", "Maidstone", "Shoplifting", "Theft offences", "Shoplifting", "46", 140],
]
NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
      'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
      'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')


def _cell(value, repeat: int = 1) -> str:
    times = f' table:number-columns-repeated="{repeat}"' if repeat > 1 else ""
    if value is None or value == "":
        return f"<table:table-cell{times}/>"
    if isinstance(value, (int, float)):
        return (f'<table:table-cell office:value-type="float" office:value="{value}"{times}>'
                f"<text:p>{value}</text:p></table:table-cell>")
    return f'<table:table-cell office:value-type="string"{times}><text:p>{escape(str(value))}</text:p></table:table-cell>'


def _row(values, repeat: int = 1) -> str:
    """A row as LibreOffice writes it: equal neighbouring cells as one repeated cell, then the rest of
    the sheet's 16,384 columns as one empty cell."""
    cells, i = [], 0
    while i < len(values):
        j = i
        while j + 1 < len(values) and values[j + 1] == values[i] and values[i] not in (None, ""):
            j += 1
        cells.append(_cell(values[i], j - i + 1))
        i = j + 1
    times = f' table:number-rows-repeated="{repeat}"' if repeat > 1 else ""
    return f"<table:table-row{times}>{''.join(cells)}{_cell(None, 16384 - len(values))}</table:table-row>"


def ods(sheets: dict[str, list[str]]) -> bytes:
    """An .ods of ``sheets`` (name -> rows as XML), each ending in a million empty rows as published."""
    body = "".join(f'<table:table table:name="{name}"><table:table-column table:number-columns-repeated="9"/>'
                   f'{"".join(rows)}<table:table-row table:number-rows-repeated="1048000">{_cell(None, 16384)}'
                   "</table:table-row></table:table>" for name, rows in sheets.items())
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {NS} office:version="1.3">'
               f"<office:body><office:spreadsheet>{body}</office:spreadsheet></office:body></office:document-content>")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content)
        archive.writestr("META-INF/manifest.xml", "<manifest/>")
    return buffer.getvalue()


def published(lines=LINES, lines_2024=LINES_2024, header=HEADER) -> bytes:
    """The Home Office workbook: a cover, notes, two year sheets (a line written twice as one repeated row)."""
    return ods({"Cover": [_row(["Police recorded crime by Community Safety Partnership area"])],
                "Notes": [_row(["Note 1", "Counts of .. are not available"])],
                "2023_24": [_row(header), *(_row(line) for line in lines[:-1]), _row(lines[-1], repeat=2)],
                "2024_25": [_row(header), *(_row(line) for line in lines_2024)]})


def as_csv(lines) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(["" if v is None else v for v in line] for line in lines)
    return text.getvalue().encode()


def expected_totals(lines) -> pd.DataFrame:
    """What the reader must keep, worked out by pandas: the counts per quarter, partnership and group,
    missing where a line is '..' or blank."""
    frame = pd.DataFrame(lines, columns=HEADER)
    frame["count"] = pd.to_numeric(frame["Offence Count"].replace({"..": None}), errors="coerce")
    grouped = frame.groupby(["Financial Year", "Financial Quarter", "CSP Name", "Offence Group"])
    out = grouped["count"].sum(min_count=1).reset_index()
    out["missing_lines"] = grouped["count"].apply(lambda s: int(s.isna().sum())).to_numpy()
    out.loc[out["missing_lines"] > 0, "count"] = None
    return out.rename(columns={"CSP Name": "csp_name", "Offence Group": "offence_group", "count": "offences"})


def test_the_workbook_is_added_up_as_pandas_adds_it():
    result = open_data.read_csp_crime(published(), "prc-csp-tables.ods")
    lines = LINES + [LINES[-1]] + LINES_2024              # the repeated row counts twice
    assert result.rows_read == len(lines) and result.rejected == 0
    typed = schema.validate(result.frame, "csp_crime")
    want = expected_totals(lines)
    columns = ["csp_name", "offence_group", "offences", "missing_lines"]
    assert_frame_equal(typed[columns].astype({"offences": "float64", "missing_lines": "int64"}),
                       want[columns].astype({"offences": "float64", "missing_lines": "int64"}), check_dtype=False)
    # quarters are dated by their first day: Q1 of 2023/24 is April 2023, Q4 of 2024/25 January 2025
    assert typed["quarter"].dt.strftime("%Y-%m").tolist() == ["2023-04", "2023-04", "2023-07", "2023-07",
                                                                "2024-04", "2025-01"]
    assert "Sheets read: 2023_24, 2024_25" in result.notes[0]           # the cover and notes are read past


def test_missing_counts_are_missing_never_zero():
    typed = schema.validate(open_data.read_csp_crime(published(), "t.ods").frame, "csp_crime").set_index(
        ["csp_name", "offence_group"])
    assert pd.isna(typed.loc[("Ashford", "Theft offences"), "offences"])    # 88 and '..': no total, not 88
    assert pd.isna(typed.loc[("Swale", "Theft offences"), "offences"])      # a blank and two zeros
    assert typed.loc[("Swale", "Theft offences"), "missing_lines"] == 1
    note = open_data.read_csp_crime(published(), "t.ods").notes[1]
    assert note.startswith("2 lines had no count") and "missing, not 0" in note


def test_csv_of_the_same_columns_reads_the_same():
    lines = LINES + LINES_2024
    from_csv = open_data.read_csp_crime(as_csv(lines), "csp.csv").frame
    from_ods = open_data.read_csp_crime(published(LINES, LINES_2024), "csp.ods").frame
    swale = (from_ods["csp_name"] == "Swale").to_numpy()         # the ods repeats Swale's last line
    assert_frame_equal(from_csv[~swale].reset_index(drop=True), from_ods[~swale].reset_index(drop=True))


@pytest.mark.parametrize("header, sheet, column", [
    # a renamed column: the sheet and the column are named
    pytest.param([h if h != "Offence Count" else "Number of Offences" for h in HEADER], "2023_24", "'Offence Count'",
                 id="count renamed"),
    pytest.param([h for h in HEADER if h != "CSP Name"], "2023_24", "'CSP Name'", id="partnership column missing"),
])
def test_another_layout_names_the_sheet_and_column(header, sheet, column):
    lines = [[v for h, v in zip(HEADER, line) if h in header or h == "Offence Count"] for line in LINES]
    with pytest.raises(IngestError, match=rf"t\.ods:{sheet}.*column {column} is missing"):
        open_data.read_csp_crime(published(lines, LINES_2024, header), "t.ods")


def test_a_workbook_without_year_sheets_is_named_for_what_it_is():
    with pytest.raises(IngestError, match="no sheet of a financial year.*among its sheets: Cover, Data"):
        open_data.read_csp_crime(ods({"Cover": [_row(["x"])], "Data": [_row(HEADER)]}), "t.ods")


def test_a_count_that_is_not_a_number_is_set_aside_with_its_sheet_row_and_column():
    lines = [LINES[0], [*LINES[2][:8], "twelve"], LINES[1]]
    result = intake.preview(published(lines, LINES_2024), "t.ods", "csp_crime")
    assert result.rejected.to_dict("records") == [{"row": 3, "column": "2023_24: Offence Count", "value": "twelve",
                                                   "rule": "expected a number (or '..' where there is none)"}]
    assert result.rows_rejected == 1 and "added up into" in result.summary()


def test_a_zip_bomb_in_the_workbook_is_refused(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("content.xml", b"<a>" + b" " * 50_000_000 + b"</a>")
    with pytest.raises(IngestError, match="refused.*times its size"):
        open_data.read_csp_crime(buffer.getvalue(), "t.ods")


# ONS populations -------------------------------------------------------------------------------------

POPULATION_CSV = """Population estimates for the UK, England, Wales, Scotland and Northern Ireland: Mid-2023,,,
This worksheet contains one table.,,,
,,,
Code,Name,Geography,All ages,0,1
K04000001,England and Wales,Country,"60,854,727",1,1
E10000016,Kent,County,"1,610,251",1,1
E07000110,Maidstone,Non-metropolitan District,"184,283",1,1
E07000105,Ashford,Non-metropolitan District,..,1,1
E06000035,Medway,Unitary Authority,"284,901",1,1
"""


def test_the_population_header_is_found_under_the_title_rows():
    result = open_data.read_lad_population(POPULATION_CSV.encode(), "mye23.csv")
    typed = schema.validate(result.frame, "lad_population")
    assert typed["lad_code"].tolist() == ["K04000001", "E10000016", "E07000110", "E07000105", "E06000035"]
    assert typed["population"].tolist()[:3] == [60_854_727, 1_610_251, 184_283]     # "60,854,727" as written
    assert pd.isna(typed["population"].iloc[3]) and typed["population"].iloc[4] == 284_901   # '..': missing
    assert set(typed["year"]) == {2023}                                  # "Mid-2023" in the title row
    assert "1 without a population ('..' or blank): missing, not 0" in result.notes[0]


def test_the_population_workbook_sheet_is_read(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Contents"
    book.active.append(["Mid-2022 population estimates"])
    sheet = book.create_sheet("MYE2 - Persons")
    for line in list(csv.reader(io.StringIO(POPULATION_CSV))):
        sheet.append([int(v.replace(",", "")) if v.replace(",", "").isdigit() else v for v in line])
    path = tmp_path / "mye22.xlsx"
    book.save(path)
    typed = schema.validate(open_data.read_lad_population(path, path.name).frame, "lad_population")
    assert typed.loc[typed["lad_name"] == "Maidstone", "population"].tolist() == [184_283]
    assert set(typed["year"]) == {2023}


def test_a_population_table_without_all_ages_names_the_column():
    text = POPULATION_CSV.replace("All ages", "Total")
    with pytest.raises(IngestError, match=r"^mye\.csv: row 4 .*column 'All ages' is missing"):
        open_data.read_lad_population(text.encode(), "mye.csv")


# Through the Data page's door and the command line ---------------------------------------------------

def test_the_template_of_a_published_dataset_is_read_as_a_template():
    # a version downloaded from the store, or typed by hand, in the contract's own columns
    text = ("financial_year,quarter,police_force,csp_name,offence_group,offences,missing_lines,source\n"
            "2020/21,2020-04-01,Kent,Maidstone,Robbery,,1,typed\n")
    result = intake.preview(text.encode(), "mine.csv", "csp_crime")
    assert result.rows_accepted == 1 and pd.isna(result.frames["csp_crime"]["offences"].iloc[0])


def test_both_tables_commit_with_versions_and_provenance(tmp_path):
    for name, data, dataset in (("prc-csp.ods", published(), "csp_crime"),
                                ("mye23.csv", POPULATION_CSV.encode(), "lad_population")):
        records = intake.commit(intake.preview(data, name, dataset), data_dir=tmp_path)
        assert records[dataset]["source"] == name and not records[dataset].get("demo")
    table = intake.provenance_table(tmp_path).set_index("dataset")
    assert table.loc[schema.DATASET_NAMES["csp_crime"], "kind"] == "real"
    assert table.loc[schema.DATASET_NAMES["csp_crime"], "first"] == "2023-04-01"
    assert len(store.read("lad_population", tmp_path)) == 5


def test_the_command_line_ingests_the_published_files(tmp_path, capsys):
    ods_file, csv_file = tmp_path / "prc-csp.ods", tmp_path / "mye.csv"
    ods_file.write_bytes(published())
    csv_file.write_text(POPULATION_CSV)
    folder = tmp_path / "store"
    assert cli.main(["--data-dir", str(folder), "ingest", "csp-crime", str(ods_file)]) == 0
    assert cli.main(["--data-dir", str(folder), "ingest", "lad-population", str(csv_file)]) == 0
    out = capsys.readouterr().out
    assert "read 10 rows; 10 added up into 6 totals" in out
    assert store.provenance("lad_population", folder)["rows"] == 5


def test_comparators_chosen_on_the_page_are_kept_as_a_version(tmp_path):
    record = intake.save_comparators(["Colchester", "Swale", "Colchester"], "Most Similar Group (iQuanta)",
                                     source="chosen on the compare page", data_dir=tmp_path)
    assert record["rows"] == 2 and record["source"] == "chosen on the compare page"
    kept = store.read("csp_comparators", tmp_path)
    assert kept["csp_name"].tolist() == ["Colchester", "Swale"]
    intake.save_comparators([], "", source="chosen on the compare page", data_dir=tmp_path)   # back to the default
    assert store.read("csp_comparators", tmp_path).empty
    assert [v["rows"] for v in intake.versions("csp_comparators", tmp_path)] == [2]        # the list is kept
