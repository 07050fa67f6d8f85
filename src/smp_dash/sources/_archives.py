"""Where the CSV files to read come from: a path, a folder, a zip archive or an upload.

:func:`gather_csv` lists them, vetted against ``config.Limits`` before any is read (how many, how
large each and all together, how much a zip member expands) and with an archive's own dangers
refused (paths leaving it, archives inside it, encryption, compression methods zipfile cannot
read); each :class:`Entry` opens its file as a stream, to be read a chunk at a time. Nothing is
ever extracted to disk.
"""

from __future__ import annotations

import io
import lzma
import os
import re
import zipfile
import zlib
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO, Callable

from smp_dash import config
from smp_dash.sources._files import (SAVE_AS, ZIP_MAGIC, IngestError, check_size, display_name, load_bytes,
                                     readable_size)

#: The compression methods Python's zipfile reads; anything else is refused before reading.
_ZIP_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}
_ZIP_METHOD_NAMES = {6: "Implode", 9: "Deflate64 (Windows' 'Compressed folder' for large files)",
                     93: "Zstandard", 95: "XZ", 98: "PPMd", 99: "AES encryption"}
#: What a damaged archive raises while a member is read (a bad CRC, a broken stream).
_ZIP_READ_ERRORS = (zipfile.BadZipFile, zlib.error, lzma.LZMAError, EOFError, OSError, NotImplementedError,
                    ValueError)  # ValueError: an offset before the start of the file


@dataclass(frozen=True)
class Entry:
    """One CSV to read: its path inside what was given (folders and archive members keep theirs),
    its size as stated before reading, and how to open it as a binary stream."""

    path: str
    size: int
    open: Callable[[], BinaryIO]


def gather_csv(obj, limits: config.Limits, stack: ExitStack) -> tuple[str, list[Entry]]:
    """The CSV files in a path, a folder (searched recursively), a zip archive or an upload.

    Returns a label for messages (the bare name given) and the entries, sorted; nothing is read
    until an entry is opened, and nothing is ever extracted. Refused before any is read: more
    than ``limits.files`` files, a file larger than ``limits.file_bytes``, CSV files larger than
    ``limits.total_bytes`` together, and an unsafe archive (:func:`open_zip`). An open archive
    is closed by ``stack``.
    """
    if not isinstance(obj, (str, os.PathLike)):
        label, data = load_bytes(obj, max_bytes=limits.file_bytes)
        if _is_archive(label, data[:8]):
            return label, _zip_entries(data, label, limits, stack)
        return label, [Entry(label, len(data), lambda: io.BytesIO(data))]
    root = Path(obj)
    label = display_name(root.name)
    if root.is_dir():
        found = sorted(p for p in root.rglob("*") if p.is_file() and p.suffix.lower() == ".csv"
                       and not _hidden(p.relative_to(root).as_posix()))
        if not found:
            raise IngestError(label, "no CSV files found in this folder")
        _check_count(len(found), label, limits)
        entries = [Entry(p.relative_to(root).as_posix(), p.stat().st_size, lambda p=p: p.open("rb")) for p in found]
        for entry in entries:
            check_size(entry.size, display_name(entry.path), limits.file_bytes)
        _check_total(sum(e.size for e in entries), label, limits)
        return label, entries
    if not root.is_file():
        raise IngestError(label, f"no such file or folder: {root}")
    check_size(root.stat().st_size, label, limits.file_bytes)
    with root.open("rb") as handle:
        head = handle.read(8)
    if _is_archive(label, head):
        return label, _zip_entries(root, label, limits, stack)
    return label, [Entry(label, root.stat().st_size, lambda: root.open("rb"))]


def _is_archive(name: str, head: bytes) -> bool:
    # A workbook named .csv is left to check_text, which names it as a workbook.
    return name.lower().endswith(".zip") or (head.startswith(b"PK") and not name.lower().endswith(".csv"))


def _zip_entries(source, label: str, limits: config.Limits, stack: ExitStack) -> list[Entry]:
    archive, infos = open_zip(source, label, limits)
    stack.enter_context(archive)
    if not infos:
        raise IngestError(label, "the archive holds no CSV files")
    return [Entry(i.filename, i.file_size, lambda i=i: _Member(archive, i, label)) for i in infos]


def open_zip(data_or_path, source: str, limits: config.Limits, *,
             workbook: bool = False) -> tuple[zipfile.ZipFile, list[zipfile.ZipInfo]]:
    """Open an archive and vet every member before any is read; return the CSV members.

    ``workbook``: the archive is a spreadsheet (.ods, .xlsx; ``sources.open_data``), vetted alike
    but not refused for being one. An .ods's ``content.xml`` expands about 25 times (the Home
    Office's 50 MB table to over a gigabyte), well inside ``limits.ratio``.

    Refuses more than ``limits.files`` members, members that climb out of the archive ("../"),
    absolute paths, nested archives, encrypted members, compression methods zipfile cannot
    read, members larger than ``limits.file_bytes`` or expanding more than ``limits.ratio``
    times (a zip bomb), and CSV members larger than ``limits.total_bytes`` together. The sizes
    are the ones the archive states; zipfile never reads more than a member states (a member
    that holds more fails its CRC check).
    """
    try:
        archive = zipfile.ZipFile(data_or_path if not isinstance(data_or_path, bytes)
                                  else io.BytesIO(data_or_path))
    except (zipfile.BadZipFile, EOFError, ValueError) as exc:  # ValueError: offsets past the end
        raise IngestError(source, f"not a readable zip archive ({exc})") from None
    try:
        _check_count(len(archive.infolist()), source, limits)
        for info in archive.infolist():
            _vet_member(info, source, limits)
        infos = [i for i in archive.infolist() if not i.is_dir()]
        if not workbook and any(n.startswith("xl/") or n == "[Content_Types].xml" for n in archive.namelist()):
            raise IngestError(source, f"this is an Excel workbook (.xlsx), not police.uk CSV files: {SAVE_AS}")
        csvs = sorted((i for i in infos if i.filename.lower().endswith(".csv") and not _hidden(i.filename)),
                      key=lambda i: i.filename)
        _check_total(sum(i.file_size for i in csvs), source, limits)
    except IngestError:
        archive.close()
        raise
    return archive, csvs


def member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, source: str) -> _Member:
    """A vetted member of ``archive`` (:func:`open_zip`) opened as a stream; a damaged archive raises
    IngestError naming the member."""
    return _Member(archive, info, source)


class _Member:
    """A zip member read a piece at a time; a damaged archive, or an archive inside it, raises
    IngestError naming the member."""

    def __init__(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo, source: str):
        self._where = f"{source}:{info.filename}"
        self._first = True
        try:
            self._handle = archive.open(info)
        except _ZIP_READ_ERRORS as exc:
            raise self._damaged(exc) from None

    def read(self, size: int = -1) -> bytes:
        try:
            data = self._handle.read(size)
        except _ZIP_READ_ERRORS as exc:
            raise self._damaged(exc) from None
        if self._first and data.startswith(ZIP_MAGIC):
            raise IngestError(self._where, "archives inside the archive are not accepted; unzip the inner one first")
        self._first = False
        return data

    def close(self) -> None:
        self._handle.close()

    def __enter__(self) -> _Member:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _damaged(self, exc: Exception) -> IngestError:
        return IngestError(self._where, f"the archive is damaged and this member cannot be read ({exc}): "
                                        "download the archive again")


def _check_count(count: int, source: str, limits: config.Limits) -> None:
    if count > limits.files:
        raise IngestError(source, f"{count:,} files; the most accepted in one archive or folder is "
                                  f"{limits.files:,} (config.Limits.files): download only the forces and months "
                                  "you need")


def _check_total(total: int, source: str, limits: config.Limits) -> None:
    if total > limits.total_bytes:
        raise IngestError(source, f"its CSV files hold {readable_size(total)} together; the most accepted at once is "
                                  f"{readable_size(limits.total_bytes)} (config.Limits.total_bytes): load the months "
                                  "in several parts")


def _vet_member(info: zipfile.ZipInfo, source: str, limits: config.Limits) -> None:
    name = info.filename
    if not name:
        raise IngestError(source, "the archive is damaged (a member has no name): download it again")
    parts = PurePosixPath(name.replace("\\", "/")).parts
    if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name) or ".." in parts:
        raise IngestError(source, f"refused: member {name!r} has a path that leaves the archive "
                                  "(absolute or '../'); nothing was extracted")
    if name.lower().endswith((".zip", ".7z", ".gz", ".rar", ".tar")):
        raise IngestError(source, f"refused: member {name!r} is an archive inside the archive; "
                                  "unzip it first")
    if info.flag_bits & 0x1:
        raise IngestError(source, f"member {name!r} is password-protected")
    if info.compress_type not in _ZIP_METHODS:
        method = _ZIP_METHOD_NAMES.get(info.compress_type, "an unusual method")
        raise IngestError(source, f"member {name!r} is compressed with {method} (zip method "
                                  f"{info.compress_type}), which cannot be read: make the zip again "
                                  "with ordinary (Deflate) compression")
    check_size(info.file_size, f"{source}:{name}", limits.file_bytes)
    expands = info.file_size / max(info.compress_size, 1)
    if expands > limits.ratio:
        raise IngestError(f"{source}:{name}", f"refused: {readable_size(info.compress_size)} that would expand to "
                                              f"{readable_size(info.file_size)}, {expands:,.0f} times its size; the most "
                                              f"accepted is {limits.ratio:,g} times (config.Limits.ratio): a zip "
                                              "bomb, or a file that is not police.uk's; nothing was read")


def _hidden(name: str) -> bool:
    parts = PurePosixPath(name.replace("\\", "/")).parts
    return any(p.startswith(".") or p == "__MACOSX" for p in parts)
