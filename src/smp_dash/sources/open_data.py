"""Two published tables as their publishers lay them out: the Home Office's police recorded crime by
Community Safety Partnership area, and ONS's mid-year population estimates by local authority.

The Home Office table is an OpenDocument spreadsheet (.ods) of about 50 MB whose ``content.xml``
holds over a gigabyte of XML: one sheet per financial year (``2024_25``) beside a cover and notes.
:func:`read_csp_crime` streams it (``zipfile`` and ``xml.etree.ElementTree.iterparse``, each row
cleared once read), keeps the columns the compare page needs and adds the counts up as it goes, to
one row per quarter, partnership and offence group: memory stays near the size of that sum, not of
the file. The same columns as CSV are read the same way. :func:`read_lad_population` finds the
header row of ONS's workbook sheet (.xlsx or .ods, under its title rows) or of a CSV of it.

A cell of ``..``, blank or suppressed (``[c]``, ``[x]``) is missing, never 0: an offence group
with a missing line has no count (its ``offences`` blank) and the note says how many lines were
missing. Another layout is refused naming the sheet and the column expected.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

import pandas as pd

from smp_dash import config, schema
from smp_dash.sources import _archives, _files
from smp_dash.sources._files import IngestError

#: The Home Office table's header, as published.
CSP_HEADER = ("Financial Year", "Financial Quarter", "Police Force", "CSP Name", "Offence Description",
              "Offence Group", "Offence Subgroup", "Offence Code", "Offence Count")
#: The columns kept (the rest are read past).
CSP_KEPT = ("Financial Year", "Financial Quarter", "Police Force", "CSP Name", "Offence Group", "Offence Count")
#: ONS's header (the columns of single years of age after "All ages" are read past).
POPULATION_KEPT = ("Code", "Name", "Geography", "All ages")
#: A sheet of one financial year in the Home Office workbook.
YEAR_SHEET = re.compile(r"^\d{4}_\d{2}$")
#: What a publisher writes in a cell that holds no figure: not available, suppressed, not applicable.
MISSING_MARKS = frozenset({"", "..", "[c]", "[x]", "[z]", "[u]", "c", "x", "*", "n/a"})
#: How far down a sheet the header row may be (ONS puts title and note rows above it).
HEADER_SEARCH_ROWS = 30
#: The most rows set aside that are listed one by one (all of them are counted).
PROBLEMS_LISTED = 1000
CSP_SOURCE = "Home Office, police recorded crime by Community Safety Partnership area"
POPULATION_SOURCE = "ONS mid-year population estimates"

_TABLE_NS = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_OFFICE_NS = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_TEXT_NS = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_TABLE, _ROW = _TABLE_NS + "table", _TABLE_NS + "table-row"
_CELLS = {_TABLE_NS + "table-cell", _TABLE_NS + "covered-table-cell"}
_NUMERIC = {"float", "percentage", "currency"}
_FY = re.compile(r"^(\d{4})\s*[/_-]\s*(\d{2})$")
_MID_YEAR = re.compile(r"\bmid[- ]?(\d{4})\b", re.IGNORECASE)


@dataclass(frozen=True)
class Read:
    """What a published table gave: the rows kept (a contract's columns, not yet validated), the rows
    read and the rows set aside (``problems``, the first :data:`PROBLEMS_LISTED` of ``rejected``), and
    notes for the preview (sheets read, cells missing)."""

    frame: pd.DataFrame
    rows_read: int
    rejected: int
    problems: tuple[schema.Problem, ...]
    notes: tuple[str, ...]


def read_csp_crime(obj, name: str, limits: config.Limits | None = None) -> Read:
    """The Home Office's police recorded crime by CSP area (.ods as published, or CSV of its columns)
    as one row per quarter, partnership and offence group (columns of ``schema.CONTRACTS["csp_crime"]``).

    Parameters
    ----------
    obj : a path, or the file's bytes.
    name : the file's name (for messages; ``.csv`` reads CSV, anything else the workbook).

    Raises
    ------
    IngestError naming the file and sheet: not a workbook or CSV, an unsafe archive (``config.Limits``),
    no financial-year sheet, a year sheet without a header of :data:`CSP_KEPT` (naming the column missing).
    """
    limits = limits or config.limits()
    source = _files.display_name(name)
    tally = _CspTally(source)
    sheets = []
    for sheet, line, values in _rows(obj, source, limits):
        if sheet not in sheets:
            sheets.append(sheet)
        tally.add(sheet, line, values)
    years = [s for s in sheets if s == source or YEAR_SHEET.match(s)]
    if not years:
        raise IngestError(source, "no sheet of a financial year (named like 2024_25) among its sheets: "
                                  f"{', '.join(sheets) or 'none'}; is this the Home Office's table of police "
                                  "recorded crime by Community Safety Partnership area?")
    for sheet in years:
        tally.check_header_found(sheet)
    return tally.result(years)


def read_lad_population(obj, name: str, limits: config.Limits | None = None) -> Read:
    """ONS mid-year population estimates by local authority (the workbook's sheet of persons, .xlsx or
    .ods, or a CSV of it) as lad_code, lad_name, geography, year, population, source.

    The header is the first row, in the first :data:`HEADER_SEARCH_ROWS` rows of a sheet, holding
    Code, Name, Geography and All ages; the year is the "Mid-YYYY" of a title row above it, of the
    sheet's or the file's name (blank when none says). A population of ``..`` or blank is missing.

    Raises
    ------
    IngestError naming the file (and the sheet, or the column missing from the header found).
    """
    limits = limits or config.limits()
    source = _files.display_name(name)
    found, best, above, current = None, {}, [], None
    rows, read, problems = [], 0, []
    for sheet, line, values in _rows(obj, source, limits):
        if found is not None and sheet != found[0]:
            break      # the first sheet with the header is read: "MYE2 - Persons", not "Males" after it
        cells = [str(v).strip() for v in values]
        if sheet != current:
            above, current = [], sheet   # the title rows of this sheet name its year
        if found is None:
            if line > HEADER_SEARCH_ROWS:
                continue
            positions = _positions(cells, POPULATION_KEPT)
            if len(positions) == len(POPULATION_KEPT):
                year = _year(above + [sheet, source])
                found = (sheet, positions, year)
            else:
                if len(positions) > len(best.get("positions", {})):
                    best = {"sheet": sheet, "positions": positions, "line": line}
                above += cells
            continue
        _, positions, year = found
        read += 1
        row = {key: cells[at] if at < len(cells) else "" for key, at in positions.items()}
        population = _number(row["All ages"])
        if population is _BAD:
            if len(problems) < PROBLEMS_LISTED:
                problems.append(schema.Problem(f"{source}:{sheet}", line, f"{sheet}: All ages", row["All ages"],
                                               "expected a number (or '..' where there is none)"))
            continue
        rows.append({"lad_code": row["Code"], "lad_name": row["Name"], "geography": row["Geography"] or None,
                     "year": year, "population": population, "source": POPULATION_SOURCE})
    if found is None:
        raise IngestError(*_layout(source, best, POPULATION_KEPT, "ONS mid-year population estimates"))
    frame = pd.DataFrame(rows, columns=schema.columns("lad_population"))
    missing = int(frame["population"].isna().sum())
    notes = (f"Sheet {found[0]}: {len(frame):,} areas" + (f" for mid-{found[2]}" if found[2] else
                                                           "; no mid-year named above the header") + "."
             + (f" {missing:,} without a population ('..' or blank): missing, not 0." if missing else ""),)
    return Read(frame, read, read - len(rows), tuple(problems), notes)


def _layout(source: str, best: dict, wanted: tuple[str, ...], what: str) -> tuple[str, str]:
    """The message for a file of another layout: the sheet whose header came closest, and the columns
    it lacks."""
    if not best:
        return source, f"no header row with {', '.join(wanted)} in the first {HEADER_SEARCH_ROWS} rows of any sheet: is " \
                       f"this {what}?"
    lacking = [c for c in wanted if c not in best["positions"]]
    return (source if best["sheet"] == source else f"{source}:{best['sheet']}",
            f"row {best['line']} looks like the header but column{'s' * (len(lacking) > 1)} "
            f"{', '.join(repr(c) for c in lacking)} {'are' if len(lacking) > 1 else 'is'} missing (expected "
            f"{', '.join(wanted)}): is this {what}?")


class _CspTally:
    """The Home Office rows added up as they are read: per (financial year, quarter, force, partnership,
    offence group), the offences counted and the lines whose count is missing."""

    def __init__(self, source: str):
        self.source = source
        self.headers: dict[str, dict[str, int]] = {}
        self.best: dict[str, dict] = {}
        self.sums: dict[tuple, list] = {}
        self.read = self.rejected = self.missing = 0
        self.problems: list[schema.Problem] = []

    def add(self, sheet: str, line: int, values: list) -> None:
        if sheet != self.source and not YEAR_SHEET.match(sheet):
            return   # the cover, the notes
        positions = self.headers.get(sheet)
        if positions is None:
            if line <= HEADER_SEARCH_ROWS:
                self._header(sheet, line, values)
            return
        self.read += 1
        cells = [str(values[at]).strip() if at < len(values) else "" for at in positions.values()]
        year, quarter, force, csp, group, count = cells
        why = None
        fy = _FY.match(year)
        if not fy:
            why = ("Financial Year", year, "expected a financial year such as 2024/25")
        elif quarter.upper().lstrip("Q").removesuffix(".0") not in ("1", "2", "3", "4"):
            why = ("Financial Quarter", quarter, "expected a quarter, 1 to 4")
        elif not csp:
            why = ("CSP Name", None, "a value is required")
        elif not group:
            why = ("Offence Group", None, "a value is required")
        offences = None if why else _number(count)
        if offences is _BAD:
            why = ("Offence Count", count, "expected a number (or '..' where there is none)")
        if why:
            self.rejected += 1
            if len(self.problems) < PROBLEMS_LISTED:
                column, value, rule = why   # the rejected rows' table names the sheet with the column
                self.problems.append(schema.Problem(f"{self.source}:{sheet}", line, f"{sheet}: {column}", value, rule))
            return
        key = (f"{fy.group(1)}/{fy.group(2)}", int(quarter.upper().lstrip("Q").removesuffix(".0")), force, csp, group)
        held = self.sums.get(key)
        if held is None:
            held = self.sums[key] = [0, 0]
        if offences is None or offences != offences:
            held[1] += 1
            self.missing += 1
        else:
            held[0] += offences

    def _header(self, sheet: str, line: int, values: list) -> None:
        cells = [str(v).strip() for v in values]
        positions = _positions(cells, CSP_KEPT)
        if len(positions) == len(CSP_KEPT):
            self.headers[sheet] = {c: positions[c] for c in CSP_KEPT}
        elif any(cells) and (sheet not in self.best or len(positions) > len(self.best[sheet]["positions"])):
            self.best[sheet] = {"sheet": sheet, "positions": positions, "line": line}

    def check_header_found(self, sheet: str) -> None:
        if sheet not in self.headers:
            raise IngestError(*_layout(self.source, self.best.get(sheet, {"sheet": sheet, "positions": {}, "line": 1}),
                                       CSP_KEPT, "the Home Office's police recorded crime by CSP area"))

    def result(self, years: list[str]) -> Read:
        rows = [{"financial_year": fy, "quarter": _quarter_start(fy, q), "police_force": force or None,
                 "csp_name": csp, "offence_group": group, "offences": total if not missing else None,
                 "missing_lines": missing, "source": CSP_SOURCE}
                for (fy, q, force, csp, group), (total, missing) in sorted(self.sums.items())]
        frame = pd.DataFrame(rows, columns=schema.columns("csp_crime"))
        notes = [f"Sheets read: {', '.join(years)}; {frame['csp_name'].nunique():,} partnerships, "
                 f"{len(frame):,} quarter, partnership and offence group totals from {self.read:,} lines."]
        if self.missing:
            blank = int((frame["missing_lines"] > 0).sum())
            notes.append(f"{self.missing:,} line{'s' * (self.missing != 1)} had no count ('..', blank or suppressed): "
                         f"missing, not 0; {blank:,} total{'s' * (blank != 1)} that include one "
                         f"{'are' if blank != 1 else 'is'} left blank.")
        return Read(frame, self.read, self.rejected, tuple(self.problems), tuple(notes))


def _quarter_start(fy: str, quarter: int) -> pd.Timestamp:
    """The first day of financial quarter ``quarter`` (1: April) of ``fy`` ("2024/25")."""
    start = int(fy[:4])
    return pd.Timestamp(start + (quarter == 4), (3 * quarter + 1) % 12 or 12, 1)


_BAD = object()


def _number(text: str):
    """A count as written (``12``, ``1,234``, ``12.0``), None when missing (:data:`MISSING_MARKS`),
    :data:`_BAD` when it is not a number."""
    text = text.strip()
    if text.lower() in MISSING_MARKS:
        return None
    try:
        value = float(text.replace(",", ""))
    except ValueError:
        return _BAD
    return value if value == value and abs(value) != float("inf") else _BAD


def _positions(cells: list[str], wanted: tuple[str, ...]) -> dict[str, int]:
    """Where each ``wanted`` name is among ``cells`` (case and spaces aside)."""
    index = {" ".join(c.split()).lower(): i for i, c in reversed(list(enumerate(cells)))}
    return {name: index[name.lower()] for name in wanted if name.lower() in index}


def _year(texts: list[str]) -> int | None:
    """The mid-year ("Mid-2023") the first of ``texts`` names, or None."""
    for text in texts:
        found = _MID_YEAR.search(text or "")
        if found:
            return int(found.group(1))
    return None


# Reading rows ------------------------------------------------------------------------------------

def _rows(obj, source: str, limits: config.Limits) -> Iterator[tuple[str, int, list]]:
    """(sheet, row number in the sheet, values) of each row that holds anything, from a CSV (its
    sheet is the file's name), an .ods or an .xlsx. Blank rows are skipped, their numbers counted."""
    if isinstance(obj, (bytes, bytearray, memoryview)):
        _files.check_size(len(obj), source, limits.file_bytes)
        head, opened = bytes(obj[:8]), (lambda: io.BytesIO(bytes(obj)))
    else:
        path = Path(obj)
        if not path.is_file():
            raise IngestError(source, f"file not found: {path}")
        _files.check_size(path.stat().st_size, source, limits.file_bytes)
        with path.open("rb") as handle:
            head = handle.read(8)
        opened = path
    if not head.startswith(_files.ZIP_MAGIC):
        if source.lower().endswith((".ods", ".xlsx")):
            raise IngestError(source, "not a readable workbook (it is not a zip archive): download it again")
        yield from _csv_rows(opened() if callable(opened) else opened.open("rb"), source, limits)
        return
    target = opened() if callable(opened) else opened
    archive, _ = _archives.open_zip(target, source, limits, workbook=True)
    with archive:
        names = set(archive.namelist())
        if "content.xml" in names:
            yield from _ods_rows(archive, source)
        elif "xl/workbook.xml" in names:
            yield from _xlsx_rows(target, source)
        else:
            raise IngestError(source, "a zip archive that is neither an OpenDocument (.ods) nor an Excel (.xlsx) "
                                      "workbook: download the table again, or save it as CSV")


def _csv_rows(stream, source: str, limits: config.Limits) -> Iterator[tuple[str, int, list]]:
    """A CSV's rows (as csv reads them), its first bytes checked as every CSV's are."""
    with stream:
        start = _files.check_start(stream.read(4096), source)
        text = io.TextIOWrapper(_Rest(start, stream), encoding="utf-8", newline="")
        reader = csv.reader(text)
        try:
            for values in reader:
                if any(v.strip() for v in values):
                    if any(len(v) > limits.field_chars for v in values):
                        raise IngestError(source, schema.too_long(limits.field_chars), row=reader.line_num)
                    yield source, reader.line_num, values
        except UnicodeDecodeError:
            raise IngestError(source, f"not UTF-8 text (the file looks like Windows-1252/Latin-1): {_files.SAVE_AS}",
                              row=reader.line_num + 1) from None
        except csv.Error as exc:
            raise IngestError(source, f"could not be read as CSV: {exc}", row=reader.line_num) from None


class _Rest(io.RawIOBase):
    """``start`` then the rest of ``stream``: the file after its first bytes were checked."""

    def __init__(self, start: bytes, stream):
        self._start, self._stream = start, stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self._start[:len(buffer)] if self._start else self._stream.read(len(buffer))
        self._start = self._start[len(data):] if self._start else b""
        buffer[:len(data)] = data
        return len(data)


def _ods_rows(archive: zipfile.ZipFile, source: str) -> Iterator[tuple[str, int, list]]:
    """An OpenDocument spreadsheet's rows, streamed from its ``content.xml``.

    Each row is read when its end tag arrives and then cleared and detached from its table, so
    memory holds one row, whatever the number of rows. A row or cell repeated
    (``number-rows-repeated``, ``number-columns-repeated``: how LibreOffice writes runs of equal or
    empty cells) is repeated as written; empty cells at a row's end and empty rows are not expanded
    (a sheet's last row is often a million empty rows in one element).
    """
    sheet, line, table = "", 0, None
    member = _archives.member(archive, archive.getinfo("content.xml"), source)
    try:
        for event, element in ElementTree.iterparse(member, events=("start", "end")):
            tag = element.tag
            if event == "start":
                if tag == _TABLE:
                    sheet, line, table = element.get(_TABLE_NS + "name", ""), 0, element
                continue
            if tag == _ROW:
                repeat = int(element.get(_TABLE_NS + "number-rows-repeated", "1"))
                values = _ods_cells(element)
                if values:
                    for _ in range(min(repeat, 1_000_000)):
                        line += 1
                        yield sheet, line, values
                else:
                    line += repeat
                element.clear()
                if table is not None:
                    del table[:]     # the rows read, and the columns' descriptions: nothing of them is needed
            elif tag == _TABLE:
                element.clear()
                table = None
    except ElementTree.ParseError as exc:
        raise IngestError(f"{source}:content.xml", f"the workbook is damaged ({exc}): download it again") from None
    finally:
        member.close()


def _ods_cells(row) -> list:
    values = []
    for cell in row:
        if cell.tag not in _CELLS:
            continue
        repeat = int(cell.get(_TABLE_NS + "number-columns-repeated", "1"))
        if cell.get(_OFFICE_NS + "value-type") in _NUMERIC:
            value = cell.get(_OFFICE_NS + "value", "")
        else:
            value = "\n".join("".join(p.itertext()) for p in cell if p.tag == _TEXT_NS + "p")
        values.extend([value] * min(repeat, schema.MAX_COLUMNS - len(values)))
        if len(values) >= schema.MAX_COLUMNS:   # no header is wider: the rest of a row is never expanded
            break
    while values and values[-1] == "":
        values.pop()
    return values


def _xlsx_rows(target, source: str) -> Iterator[tuple[str, int, list]]:
    """An Excel workbook's rows (openpyxl's read-only mode streams each sheet), once its archive has
    been vetted as every zip is; ``target`` is its path or a stream of its bytes."""
    from openpyxl import load_workbook

    if hasattr(target, "seek"):
        target.seek(0)
    try:
        book = load_workbook(target, read_only=True, data_only=True)
    except Exception as exc:   # openpyxl raises many kinds on a damaged workbook
        raise IngestError(source, f"not a readable Excel workbook ({exc}): download it again") from None
    try:
        for sheet in book.worksheets:
            for line, values in enumerate(sheet.iter_rows(max_col=schema.MAX_COLUMNS, values_only=True), start=1):
                cells = ["" if v is None else (f"{v:g}" if isinstance(v, float) else str(v)) for v in values]
                while cells and cells[-1] == "":
                    cells.pop()
                if cells:
                    yield sheet.title, line, cells
    finally:
        book.close()

