"""A big CSV read a chunk at a time: a police.uk file of any size in bounded memory.

:func:`chunks` yields pieces of a file of about :data:`CHUNK_BYTES`, each the file's header
line followed by whole lines of the file, so every check written for a small file in memory
(``_files.check_text``, the parsers, the slow scans that find an error's line) works on each
piece unchanged; :meth:`Chunk.located` turns a row of a piece into the row of the file. Only a
piece and the line it cut are ever held: a line longer than any real row can be (the header's
columns of the longest values allowed) is refused as it arrives, and so is a header that long.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import BinaryIO

from smp_dash import config, schema
from smp_dash.sources import _files
from smp_dash.sources._files import IngestError

#: How much of a file is read, checked and parsed at a time, in bytes.
CHUNK_BYTES = 8 * 2**20


@dataclass(frozen=True)
class Chunk:
    """A piece of a file: its header line, then whole lines of the file, checked by
    ``_files.check_text``; ``lines_before`` lines of the file lie between the two."""

    data: bytes
    lines_before: int

    @contextmanager
    def located(self):
        """Name the row of the file in an IngestError raised about a row of this piece."""
        try:
            yield
        except IngestError as exc:
            if exc.row is None or exc.row < 2 or not self.lines_before:
                raise
            raise IngestError(exc.source, exc.problem.rule, row=exc.row + self.lines_before,
                              column=exc.column, value=exc.problem.value) from None


def chunks(stream: BinaryIO, source: str, who: str, limits: config.Limits) -> Iterator[Chunk]:
    """The pieces of the file ``stream`` reads, checked as a file in memory is (at least one:
    a file of a header alone is one piece). ``who`` finishes the delimiter message."""
    read = _Counted(stream, source, limits.file_bytes)
    header, pending = _header(read, source, limits)
    names = _files.header_names(header)
    longest = _files.row_bytes(len(names), limits.field_chars)
    lines, first = 0, True
    while True:
        block = read(max(CHUNK_BYTES - len(pending), CHUNK_BYTES // 16, 1))   # pieces of about CHUNK_BYTES
        pending += block
        cut = pending.rfind(b"\n") + 1 if block else len(pending)
        if len(pending) - cut > longest:  # a line longer than any row can be, not yet ended
            _refuse_long_line(pending[cut:cut + longest], source, limits, names,
                              row=lines + 2 + pending.count(b"\n", 0, cut))
        if cut or (first and not block):
            piece, pending = pending[:cut], pending[cut:]
            chunk = Chunk(header + piece, lines)
            with chunk.located():
                yield Chunk(_files.check_text(chunk.data, source, who, limits), lines)
            lines, first = lines + piece.count(b"\n"), False
        if not block:
            return


def _header(read: _Counted, source: str, limits: config.Limits) -> tuple[bytes, bytes]:
    """The header line (with its line break) and what was read after it. The file's first
    bytes are vetted first (``_files.check_start``), then a header too long for
    ``schema.MAX_COLUMNS`` values is counted as it streams by, never held."""
    buffer = read(CHUNK_BYTES)
    longest = _files.row_bytes(schema.MAX_COLUMNS, limits.field_chars)
    while b"\n" not in buffer and len(buffer) <= longest:
        more = read(CHUNK_BYTES)
        if not more:
            break
        buffer += more
    start = _files.check_start(buffer, source)
    end = start.find(b"\n")
    if end < 0 and len(start) > longest:
        _refuse_long_header(start, read, source, limits)
    end = len(start) if end < 0 else end + 1
    return start[:end], start[end:]


class _Counted:
    """A stream's ``read``, refusing more than ``limit`` bytes in all (a file that grows while
    it is read, a stream whose size was not stated)."""

    def __init__(self, stream: BinaryIO, source: str, limit: int):
        self._stream, self._source, self._limit, self.total = stream, source, limit, 0

    def __call__(self, size: int) -> bytes:
        data = self._stream.read(size)
        self.total += len(data)
        _files.check_size(self.total, self._source, self._limit)
        return data


def _refuse_long_line(line: bytes, source: str, limits: config.Limits, names: list[str], *, row: int):
    _files.check_line(line, source, limits.field_chars, names, row=row, cut=True)
    raise IngestError(source, f"expected {len(names)} comma-separated values as in the header; this line is "
                              f"longer than {len(names)} values of at most {limits.field_chars:,} characters "
                              "can be", row=row)


def _refuse_long_header(start: bytes, read: _Counted, source: str, limits: config.Limits):
    # A value too long in the header's first row's worth of bytes is named at once; otherwise
    # its columns are counted as the rest of the line streams by.
    longest = _files.row_bytes(schema.MAX_COLUMNS, limits.field_chars)
    _files.check_line(start[:longest], source, limits.field_chars, [], row=1, cut=True)
    commas = start.count(b",")
    while block := read(CHUNK_BYTES):
        end = block.find(b"\n")
        commas += block.count(b",", 0, None if end < 0 else end)
        if end >= 0:
            break
    _files.check_columns(commas + 1, source)
    raise IngestError(source, "the header row is longer than any police.uk or partner file's: is this the "
                              "right file?", row=1)
