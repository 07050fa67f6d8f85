"""Checks shared by the readers: size, Excel, encoding, line endings, delimiter, header, ragged
rows, values too long, cut-off files (where the files come from, and an archive's own checks,
are :mod:`smp_dash.sources._archives`).

The checks work on bytes in memory (a partner file, or one chunk of a police.uk file: see
:mod:`smp_dash.sources._chunks`) and raise :class:`IngestError` naming the file and, where it
can, the row (the 1-based line of the file, header = line 1) and the column, in the same words
as :class:`smp_dash.schema.Problem`. The limits are :class:`smp_dash.config.Limits`, the same
for every door. Every check is linear in the size of the file: a hostile upload costs no more
than reading it.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
from collections import Counter
from pathlib import Path

import numpy as np
import pyarrow as pa

from smp_dash import config, schema

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_DELIMITERS = {",": "commas", ";": "semicolons", "\t": "tabs", "|": "'|' characters"}
SAVE_AS = "open it in Excel and use File > Save As > 'CSV UTF-8 (Comma delimited)'"
_BARE_CR = re.compile(rb"\r(?!\n|\Z)")  # one at the very end ends the last line


class IngestError(ValueError):
    """A file cannot be read; the message names the file, and the row and column when known."""

    def __init__(self, source: str, rule: str, *, row: int | None = None,
                 column: str | None = None, value: object = None):
        self.problem = schema.Problem(source, row, column, value, rule)
        self.source, self.row, self.column = source, row, column
        super().__init__(str(self.problem))


def display_name(name: str | os.PathLike) -> str:
    """The bare file name, whether ``name`` is a POSIX or a Windows path (never a full path),
    reduced to letters, digits, spaces and ``._()-`` (at most 120 characters): an uploaded file's
    name is only ever a label in messages and provenance, never trusted as a path or as markup."""
    bare = re.split(r"[\\/]", str(name))[-1].strip()
    safe = re.sub(r"[^\w .()-]", "_", bare, flags=re.ASCII)[:120].strip(" .")
    return safe or "upload"


def max_bytes_or_default(max_bytes: int | None) -> int:
    """``max_bytes`` or :data:`config.MAX_UPLOAD_BYTES`, read at call time."""
    return config.MAX_UPLOAD_BYTES if max_bytes is None else int(max_bytes)


def load_bytes(obj, *, name: str | None = None, max_bytes: int | None = None) -> tuple[str, bytes]:
    """Read a path, raw bytes or an uploaded file object into memory, refusing oversize input.

    Returns (display name, bytes). A path's size is checked before anything is read.
    """
    limit = max_bytes_or_default(max_bytes)
    if isinstance(obj, (bytes, bytearray, memoryview)):
        source = display_name(name or "upload.csv")
        data = bytes(obj)
    elif isinstance(obj, (str, os.PathLike)):
        path = Path(obj)
        source = display_name(name or path.name)
        if not path.is_file():
            raise IngestError(source, f"file not found: {path}")
        check_size(path.stat().st_size, source, limit)
        return source, path.read_bytes()
    elif hasattr(obj, "getvalue") or hasattr(obj, "read"):
        source = display_name(name or getattr(obj, "name", "upload.csv"))
        data = obj.getvalue() if hasattr(obj, "getvalue") else obj.read(limit + 1)
    else:
        raise TypeError(f"expected a path, bytes or a file object, not {type(obj).__name__}")
    check_size(len(data), source, limit)
    return source, data


def check_size(size: int, source: str, limit: int) -> None:
    """Refuse anything larger than ``limit`` bytes."""
    if size > limit:
        setting = {config.MAX_UPLOAD_BYTES: " (config.MAX_UPLOAD_BYTES, for uploads)",
                   config.limits().file_bytes: " (config.Limits.file_bytes)"}.get(limit, "")
        raise IngestError(source, f"the file is {readable_size(size)}; the largest accepted is "
                                  f"{readable_size(limit)}{setting}: split it into smaller files")


def check_text(data: bytes, source: str, who: str, limits: config.Limits | None = None) -> bytes:
    """Refuse empty files, spreadsheets named .csv, text that is not UTF-8, old Mac line endings,
    a header of more than :data:`schema.MAX_COLUMNS` columns or with a name twice, and a value
    longer than ``limits.field_chars`` (default ``config.limits()``).

    Returns the bytes without a UTF-8 byte-order mark (Excel's "CSV UTF-8" writes one).
    ``who`` finishes the delimiter message, e.g. "police.uk files use commas".
    """
    data = check_start(data, source)
    _check_utf8(data, source)
    _check_line_endings(data, source)
    check_delimiter(data, source, who)
    _allow_fields_up_to(len(data))
    _check_header(data, source)
    check_values(data, source, (limits or config.limits()).field_chars)
    return data


def check_start(data: bytes, source: str) -> bytes:
    """Refuse an empty file, a workbook or an archive named .csv and UTF-16 text, from the
    file's first bytes; return them without a UTF-8 byte-order mark."""
    if _blank(data):
        raise IngestError(source, "the file is empty (no header row and no data)")
    if data.startswith(ZIP_MAGIC):
        if b"xl/" in data[:4096] or b"[Content_Types]" in data[:4096]:
            raise IngestError(source, f"this is an Excel workbook (.xlsx), not CSV text: {SAVE_AS}")
        raise IngestError(source, "this is a zip archive, not CSV text: unzip it and upload the CSV")
    if data.startswith(_OLE_MAGIC):
        raise IngestError(source, f"this is an Excel 97-2003 workbook (.xls), not CSV text: {SAVE_AS}")
    if data.startswith(_UTF16_BOMS):
        raise IngestError(source, f"this is UTF-16 text (Excel's 'Unicode Text'), not UTF-8 CSV: {SAVE_AS}")
    return data[len(codecs.BOM_UTF8):] if data.startswith(codecs.BOM_UTF8) else data


def _blank(data: bytes) -> bool:
    # bytes.strip() copies when it strips anything: look at the head first.
    if data[:4096].strip():
        return False
    return not data.strip()


def check_delimiter(data: bytes, source: str, who: str) -> None:
    """Refuse a file whose header is separated by something other than commas."""
    header = header_line(data)
    counts = {d: header.count(d) for d in _DELIMITERS}
    best = max(counts, key=counts.get)
    if best != "," and counts[best] > counts[","]:
        shown = "\\t" if best == "\t" else best
        raise IngestError(source, f"looks like it is separated by '{shown}' ({_DELIMITERS[best]}), "
                                  f"{who}: {SAVE_AS}", row=1)


def _check_line_endings(data: bytes, source: str) -> None:
    # A carriage return alone ends a line for pandas and Arrow but not for the csv module, so
    # old Mac line endings would be read one way and located another: refuse them.
    bare = _BARE_CR.search(data)
    if bare is None:
        return
    row, column = _where(data, bare.start())
    rule = ("lines end with a carriage return alone (old Mac line endings)" if row == 1 else
            "a carriage return without a line feed (old Mac line endings, or one inside a value)")
    raise IngestError(source, f"{rule}: {SAVE_AS}", row=row, column=column)


def _allow_fields_up_to(size: int) -> None:
    # pandas and Arrow read a value of any length; the csv module stops at 128 KiB by default, so
    # the scans that locate an error (and intake's) would fail on a long value before reaching
    # the row at fault. No value is longer than the file, which is in memory and under the size
    # limit. The limit is process-wide and only ever raised.
    wanted = min(size, 2**31 - 1)  # a C long on every platform
    if csv.field_size_limit() < wanted:
        csv.field_size_limit(wanted)


def _check_header(data: bytes, source: str) -> None:
    # Before any parser sees the file, in time linear in the header's length: a header of a
    # million columns is refused at once instead of being parsed and compared pairwise.
    line = header_line(data)
    if line.count(",") >= schema.MAX_COLUMNS:  # only then can there be too many (quotes aside)
        check_columns(len(_fields(line)), source)
    names = [name.strip() for name in _fields(line)]
    repeated = sorted(name for name, n in Counter(names).items() if n > 1)
    if repeated:
        raise IngestError(source, "column appears more than once in the header", row=1,
                          column=", ".join(repeated))


def check_columns(count: int, source: str) -> None:
    """Refuse a header of more than :data:`schema.MAX_COLUMNS` columns."""
    if count > schema.MAX_COLUMNS:
        raise IngestError(source, f"the header has {count:,} columns; the most accepted is "
                                  f"{schema.MAX_COLUMNS} (schema.MAX_COLUMNS, four times the widest "
                                  "template): is this the right file?", row=1)


def check_values(data: bytes, source: str, limit: int) -> None:
    """Refuse a value longer than ``limit`` characters, naming its row and column, before any
    parser holds it (a parser holds a value many times over: 60 MB in one cell took 740 MB).

    Only a line longer than ``limit`` bytes can hold such a value, and lines are found with one
    vectorised pass; each long line is then split into values, reading no more of it than the
    header's columns of the longest values allowed. A line inside a quoted value that spans
    lines (Excel writes them for a cell of several lines) is left to the contract, which
    checks every value again once parsed (``schema.validate``).
    """
    if len(data) <= limit:
        return
    ends = _line_ends(data)
    starts = np.concatenate(([0], ends + 1))
    stops = np.concatenate((ends, [len(data)]))
    long = np.flatnonzero(stops - starts > limit)
    if not long.size:
        return
    names = header_names(data)
    span = row_bytes(len(names), limit)
    quotes, counted = 0, 0
    for line in long:
        start, stop = int(starts[line]), int(stops[line])
        quotes += data.count(b'"', counted, start)
        counted = start
        if quotes % 2:  # inside a quoted value begun on an earlier line
            continue
        check_line(data[start:min(stop, start + span)], source, limit, names, row=int(line) + 1,
                   cut=stop > start + span)


def _line_ends(data: bytes, step: int = 8 * 2**20) -> np.ndarray:
    """The offset of every line feed, found a slice at a time (never a mask of the whole file)."""
    view = np.frombuffer(data, dtype=np.uint8)
    return np.concatenate([np.flatnonzero(view[at:at + step] == ord("\n")) + at
                           for at in range(0, len(data), step)] or [np.empty(0, dtype=np.int64)])


def row_bytes(columns: int, limit: int) -> int:
    """The most bytes a line of ``columns`` values, none longer than ``limit`` characters, can
    take (at most four bytes a character, a doubled quote two; quoted; a comma between), and
    one value more."""
    return (columns + 1) * (4 * limit + 3)


def check_line(line: bytes, source: str, limit: int, names: list[str], *, row: int, cut: bool = False) -> None:
    """Refuse the first value of ``line`` longer than ``limit`` characters (``cut``: ``line`` is
    the start of a longer one, :func:`row_bytes` of it, so its last value may be longer still)."""
    _allow_fields_up_to(len(line))
    values = _fields(line.rstrip(b"\r").decode("utf-8", errors="replace"))
    for position, value in enumerate(values):
        if len(value) > limit:
            raise IngestError(source, schema.too_long(limit), row=row,
                              column=names[position] if position < len(names) else None,
                              value=schema.shortened(value, cut=cut and position == len(values) - 1))


def check_not_cut_off(data: bytes, source: str) -> None:
    """Refuse a file whose last row stops short of the header's columns with no line break:
    an upload interrupted half-way, which would otherwise load as a short last row."""
    if data.endswith((b"\n", b"\r")):
        return
    start = data.rfind(b"\n") + 1
    if start == 0:
        return  # a header alone is reported as "no data rows"
    values = _fields(data[start:].decode("utf-8", errors="replace"))
    expected = len(header_names(data))
    if len(values) < expected:
        raise IngestError(source, f"the last row has {len(values)} of the header's {expected} values and "
                                  "no line break after it: the file looks cut off (an interrupted upload "
                                  "or save); upload the whole file again",
                          row=data.count(b"\n") + 1)


def header_line(data: bytes) -> str:
    """The first line of the file as text (after check_text, so it decodes)."""
    end = data.find(b"\n")
    first = data if end < 0 else data[:end]
    return first.rstrip(b"\r").decode("utf-8", errors="replace")


def header_names(data: bytes) -> list[str]:
    """The header row's column names, stripped of surrounding spaces."""
    return [name.strip() for name in _fields(header_line(data))]


def _fields(line: str) -> list[str]:
    """One line's comma-separated values; a line the csv module cannot read splits on commas
    (it is only ever used to name a column or count values)."""
    try:
        return next(csv.reader([line]), [])
    except csv.Error:
        return line.split(",")


def _where(data: bytes, offset: int) -> tuple[int, str | None]:
    """The file line (header = 1) and, past the header, the column of the byte at ``offset``."""
    row = data.count(b"\n", 0, offset) + 1
    if row == 1:
        return row, None
    line_start = data.rfind(b"\n", 0, offset) + 1
    prefix = data[line_start:offset].decode("utf-8", errors="replace")
    field = len(_fields(prefix)) - 1 if prefix else 0
    names = header_names(data)
    return row, names[field] if 0 <= field < len(names) else None


def _check_utf8(data: bytes, source: str) -> None:
    # Most files are plain ASCII: one vectorised max() settles it. Otherwise let Arrow's SIMD
    # validator decide, and only decode in Python to locate the first bad byte.
    if not data or np.frombuffer(data, dtype=np.uint8).max() < 128:
        return
    offsets = pa.array([0, len(data)], pa.int64()).buffers()[1]
    try:
        pa.Array.from_buffers(pa.large_binary(), 1, [None, offsets, pa.py_buffer(data)]).cast(pa.large_string())
        return
    except pa.ArrowInvalid:
        pass
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        row, column = _where(data, exc.start)
        raise IngestError(
            source, f"not UTF-8 text: byte 0x{data[exc.start]:02x} at byte offset {exc.start} "
                    f"cannot be decoded (the file looks like Windows-1252/Latin-1): {SAVE_AS}",
            row=row, column=column) from None


def record_lines(data: bytes, records: list[int] | np.ndarray, source: str) -> dict[int, int]:
    """The file line of each 0-based data record (header = line 1, empty lines skipped).

    Scans the file in Python, so it is only used to locate an error already found.
    """
    wanted = set(int(r) for r in records)
    found: dict[int, int] = {}
    record = -1  # the header
    for line, row in _lines(data, source):
        if not row:
            continue
        if record in wanted:
            found[record] = line
            if len(found) == len(wanted):
                break
        record += 1
    return found


def _lines(data: bytes, source: str):
    """(file line, values) of each record, for the slow scans; a record the csv module cannot
    read raises IngestError naming its line."""
    reader = csv.reader(io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline=""))
    start = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise IngestError(source, f"could not be read as CSV: {exc}", row=start) from None
        yield start, row
        start = reader.line_num + 1


def locate_parse_error(data: bytes, source: str, numeric: tuple[str, ...], exc: Exception) -> IngestError:
    """Turn a fast parser's failure into an error naming the row and column (slow scan)."""
    lines = _lines(data, source)
    header = [h.strip() for h in next(lines, (1, []))[1]]
    positions = {name: header.index(name) for name in numeric if name in header}
    for line, row in lines:
        if not row:
            continue
        if len(row) != len(header):
            return IngestError(source, f"expected {len(header)} comma-separated values as in the "
                                       f"header, found {len(row)}", row=line, value=",".join(row)[:80])
        for name, pos in positions.items():
            text = row[pos].strip()
            if text and not _is_float(text):
                return IngestError(source, "expected a number", row=line, column=name, value=text)
    return IngestError(source, f"could not be read as CSV: {exc}")


def _is_float(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def readable_size(n: int) -> str:
    """A byte count for a message: "3.2 MB", "12 KB", "900 bytes"."""
    return f"{n / 1e6:,.1f} MB" if n >= 1e6 else f"{n / 1e3:,.0f} KB" if n >= 1e3 else f"{n:,} bytes"
