"""One sheet of an ``.xlsx`` workbook → a grid of cell texts, read in bounded memory.

The sheet's XML is parsed as a stream (``xml.etree.ElementTree.iterparse``, each cell
element freed once read), never as a max_row × max_column grid of cell objects: a workbook
whose only cell is XFD1048576 costs one cell, not 17 billion. Before anything is unpacked the
archive is checked from its central directory alone (:func:`check_archive`, a defence against
zip bombs): the number of its parts, their declared uncompressed sizes, each part's
compression ratio and its path (no absolute path, no ``..``); while a part unpacks its bytes
are counted, so a part whose header understates its size stops at the size declared. The
sheet's declared dimension is checked against :class:`ReadLimits` too, and while reading,
every cell (a declared dimension can be missing or wrong). Each refusal names the limit and
the option that raises it.

A formula cell is read from the value the spreadsheet cached when it saved the file; a
formula without one (a file written by a program that does not calculate) is an error that
names the cell and the formula, never a blank that a default would fill.

The first *visible* sheet is read unless one is named; a hidden sheet skipped is said in a
note. A workbook that retrofit itself wrote (``retrofit estimate -o x.xlsx``: its sheets
include ``assumptions`` and ``caveats`` beside the data sheets) is recognised and its asset
sheet read by default (the plants sheet for a plants file), also said in a note, so that the
tool's own output reads back as an inventory without ``--sheet``. Only ``openpyxl``'s public helpers for number formats, Excel dates and cell references
are used, imported when a workbook is read."""

from __future__ import annotations

import functools
import math
import os
import re
import struct
import zipfile
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any, BinaryIO, Protocol, Self
from xml.etree import ElementTree as ET

from ..core.exceptions import InventoryError, InventoryIssue
from .cells import number_text, xlsx_cell_text
from .sniff import HEADER_SEARCH_ROWS, MAX_NOTE_ITEMS

__all__ = [
    "DEFAULT_LIMITS",
    "OWN_OUTPUT_SHEETS",
    "ReadLimits",
    "SheetGrid",
    "check_archive",
    "read_sheet",
]

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_MB = 1 << 20
#: Bytes of a zip's end of central directory record (APPNOTE 4.3.16), and the most its comment
#: may add: the record lies within the archive's last 22 + 65,535 bytes
_EOCD_BYTES = 22
_EOCD_SEARCH = _EOCD_BYTES + 0xFFFF
#: Room in the central directory per part: a real entry (46 bytes and the part's name) takes
#: about 100; a directory over ``max_zip_entries`` times this holds more parts than allowed
_DIRECTORY_BYTES_PER_ENTRY = 1024
_INTEGER = re.compile(r"[+-]?\d+")
_NUMBER = re.compile(r"\d+(\.\d*)?")
#: A sheet part unpacking to more than this is counted for rows before it is parsed.
_PRECOUNT_BYTES = 4 * _MB
_COUNT_CHUNK = _MB
#: Most cells the dense grid of one sheet may hold (about 0.5 GB of references).
_MAX_GRID_CELLS = 60_000_000
#: Sheets that every workbook retrofit writes holds (:func:`retrofit.io.workbook.write_workbook`):
#: with them and the sheet wanted, a workbook is taken as the tool's own output.
OWN_OUTPUT_SHEETS = ("assumptions", "caveats")


@dataclass(frozen=True)
class ReadLimits:
    """How much of a workbook (and how long a CSV cell) the reader accepts.

    Each limit protects memory and time against a broken or hostile file; raise one for a
    genuine file that needs it (CLI ``--max-rows``, ``--max-columns``, ``--max-cell-chars``,
    ``--max-unzipped-mb``).

    Parameters
    ----------
    max_rows : int
        Last spreadsheet row a sheet may use (the header counts) [rows]. A sheet is read
        whole into memory; a larger inventory reads in chunks as CSV.
    max_columns : int
        Last column a sheet may use [columns] (Excel allows 16,384; an inventory has tens).
    max_cell_chars : int
        Longest cell text, in a sheet or a CSV [characters] (Excel's own limit is 32,767).
    max_unzipped_mb : float
        Most bytes the workbook's parts may unpack to, all together [MiB]. A sheet of 300,000
        rows × 14 columns (the row limit) unpacks to about 190 MiB.
    max_compression_ratio : float
        Largest ratio of unpacked to packed size for a part over ``ratio_checked_mb`` (a zip
        bomb packs gigabytes into kilobytes; worksheets pack 5–30 to 1) [-].
    ratio_checked_mb : float
        Parts that unpack to more than this keep to ``max_compression_ratio`` [MiB].
    max_zip_entries : int
        Most parts (zip entries) a workbook may hold [-] (a workbook holds tens).
    """

    max_rows: int = 300_000
    max_columns: int = 1_000
    max_cell_chars: int = 32_767
    max_unzipped_mb: float = 256.0
    max_compression_ratio: float = 100.0
    ratio_checked_mb: float = 1.0
    max_zip_entries: int = 10_000


#: The limits used when none are given.
DEFAULT_LIMITS = ReadLimits()


@dataclass
class SheetGrid:
    """The cells of one sheet as text, merged cells filled: the first rows (all of them) and
    every later row that holds a value, columns A… up to the last that holds one."""

    title: str
    #: Cell texts, each row ``width`` long; ``grid[i]`` is spreadsheet row ``row_numbers[i]``.
    grid: list[list[str]]
    row_numbers: list[int]
    width: int
    #: What a reviewer should know: a hidden sheet skipped, merges filled, blank rows dropped.
    notes: list[str]


def _error(file: str, type_: str, text: str) -> InventoryError:
    return InventoryError([InventoryIssue(type_, file, None, None, None, text)])


def _limit_error(file: str, text: str, option: str) -> InventoryError:
    return _error(file, "limit-exceeded", f"{text}; raise the limit with {option} if it is right")


def read_sheet(
    zf: zipfile.ZipFile,
    file: str,
    sheet: str | int | None,
    limits: ReadLimits,
    own_output_sheet: str = "assets",
) -> SheetGrid:
    """The grid of the sheet named or numbered ``sheet``; by default the sheet
    ``own_output_sheet`` of a workbook retrofit wrote (see :data:`OWN_OUTPUT_SHEETS`), else
    the first visible one.

    Raises
    ------
    InventoryError
        A workbook over a limit, a missing or unknown sheet, a formula without a cached
        value, a number that is not finite, a part that is not well-formed XML.
    """
    from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900

    _check_sizes(zf, file, limits)
    book = _parse_small(zf, "xl/workbook.xml", file, limits)
    if book is None:
        raise _error(file, "encoding-error", "the file is a zip but not an .xlsx workbook")
    sheets = _sheets(zf, book, file, limits)
    title, part, notes = _choose_sheet(sheets, sheet, file, own_output_sheet)
    pr = book.find(f"{_MAIN}workbookPr")
    date1904 = pr is not None and pr.get("date1904", "0").lower() in ("1", "true")
    reader = _SheetReader(
        file,
        title,
        _shared_strings(zf, file, limits),
        _number_formats(zf, file, limits),
        CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900,
        limits,
    )
    reader.own_output = sheet is None and _is_own_output(sheets, own_output_sheet)
    try:
        if zf.getinfo(part).file_size > _PRECOUNT_BYTES:
            rows = _count_rows(zf, part, file, limits)
            if rows > limits.max_rows:
                raise _limit_error(
                    file,
                    f"sheet '{title}' has {rows:,} rows, more than the limit of "
                    f"{limits.max_rows:,}; a sheet is read whole, so save a large inventory as "
                    "CSV UTF-8 (read in chunks)",
                    "--max-rows (API: limits=ReadLimits(max_rows=…))",
                )
        with _CountedPart(zf, part, file, limits) as fh:
            cells, width, merges = reader.read(fh, part)
    except KeyError:
        raise _error(file, "encoding-error", f"sheet '{title}' has no data part ({part})") from None
    if sheet is None and _is_own_output(sheets, own_output_sheet) and reader.frozen_rows == 2:
        # the auditor's workbook (retrofit report -o): column names, then a row of labels with
        # units (能耗 [kWh] energy [kWh]) that is no asset
        cells.pop(2, None)
        notes.append(f"row 2 of sheet '{title}' skipped: the labels of retrofit's audit workbook")
    return _grid(file, title, cells, width, merges, notes)


def _grid(
    file: str,
    title: str,
    cells: dict[int, list[str]],
    width: int,
    merges: list[tuple[tuple[int, int, int, int], str]],
    notes: list[str],
) -> SheetGrid:
    """The rows that can matter, dense: the first rows (where the header is searched) and
    every row holding a value. An entirely blank row below them is skipped with a note, as
    the checks drop one; a merged range fills the rows kept, from its top-left cell, so a
    range reaching far below the data costs nothing."""
    from openpyxl.utils import get_column_letter

    last = max(cells, default=0)
    top = min(HEADER_SEARCH_ROWS, last)
    numbers = list(range(1, top + 1)) + sorted(r for r in cells if r > top)
    if len(numbers) * width > _MAX_GRID_CELLS:
        raise _error(
            file,
            "limit-exceeded",
            f"sheet '{title}' uses {len(numbers):,} rows × {width:,} columns, more cells than "
            f"the reader holds ({_MAX_GRID_CELLS:,}); delete stray cells far to the right, or "
            "save the sheet as CSV UTF-8 (read in chunks)",
        )
    merges = sorted(merges, key=lambda m: (m[0][1], m[0][0]))
    top_lefts = [_cell(cells, min_r, min_c) for (min_c, min_r, _, _), _ in merges]
    skipped = last - len(numbers)
    blank_rows = _first_blank_rows(cells, top, last) if skipped else []
    grid = []
    for r in numbers:
        line = cells.pop(r, None) or []  # the row moves into the grid: held once
        if len(line) < width:
            line.extend([""] * (width - len(line)))
        grid.append(line)
    for ((min_c, min_r, max_c, max_r), _), top_left in zip(merges, top_lefts, strict=True):
        if min_c > width:
            continue
        for i in range(bisect_left(numbers, min_r), bisect_right(numbers, max_r)):
            line = grid[i]
            for c in range(min_c - 1, min(max_c, width)):
                line[c] = top_left
    notes = list(notes)
    for (min_c, min_r, _, _), ref in merges[:MAX_NOTE_ITEMS]:
        notes.append(f"merged cells {ref} filled from {get_column_letter(min_c)}{min_r}")
    if len(merges) > MAX_NOTE_ITEMS:
        notes.append(f"… and {len(merges) - MAX_NOTE_ITEMS} more merged ranges filled the same way")
    if skipped:
        shown = ", ".join(str(r) for r in blank_rows)
        more = "" if skipped <= MAX_NOTE_ITEMS else f", … ({skipped} in all)"
        notes.append(f"{skipped} entirely blank row(s) dropped: row {shown}{more}")
    return SheetGrid(title, grid, numbers, width, notes)


def check_archive(source: str | os.PathLike[str] | BinaryIO, file: str, limits: ReadLimits) -> None:
    """Refuse a zip archive whose central directory holds too many parts, before it is opened.

    Only the end of central directory record is read (the last 22 bytes, or up to 64 KiB when
    a comment follows; the Zip64 record when the counts overflow 16 bits), so a directory of
    millions of entries costs nothing: ``zipfile.ZipFile`` would build an object for each.
    An archive without the record is left to ``zipfile`` to refuse as no zip.

    Parameters
    ----------
    source : path or binary file
        The archive; a file object is read from its end and left at its start.
    file : str
        The file as the user named it (used in messages).
    limits : ReadLimits
        ``max_zip_entries`` bounds the parts, and the directory's size (at most 1 KiB a part).

    Raises
    ------
    InventoryError
        ``limit-exceeded``: more parts declared than the limit, or a directory too large
        for that many.

    References
    ----------
    PKWARE, APPNOTE.TXT .ZIP File Format Specification, version 6.3.10 (2022), sections
    4.3.14 (Zip64 end of central directory record), 4.3.15 (its locator) and 4.3.16 (end of
    central directory record).
    """
    if isinstance(source, (str, os.PathLike)):
        with open(source, "rb") as fh:
            declared = _declared_directory(fh)
    else:
        declared = _declared_directory(source)
        source.seek(0)
    if declared is None:
        return
    entries, directory_bytes = declared
    option = "ReadLimits(max_zip_entries=…) in Python"
    if entries > limits.max_zip_entries:
        raise _limit_error(
            file,
            f"the workbook holds {entries:,} parts, more than the limit of "
            f"{limits.max_zip_entries:,} (a workbook holds tens): it looks like a zip bomb",
            option,
        )
    if directory_bytes > limits.max_zip_entries * _DIRECTORY_BYTES_PER_ENTRY:
        raise _limit_error(
            file,
            f"the workbook's list of parts takes {directory_bytes:,} bytes, room for more "
            f"than the limit of {limits.max_zip_entries:,} parts: it looks like a zip bomb",
            option,
        )


def _declared_directory(fh: BinaryIO) -> tuple[int, int] | None:
    """(entries, bytes) of the central directory as its end record declares them; None
    when the file has no end record (no zip)."""
    size = fh.seek(0, os.SEEK_END)
    start = max(0, size - _EOCD_SEARCH)
    fh.seek(start)
    tail = fh.read(size - start)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < _EOCD_BYTES:
        return None
    entries, directory_bytes = struct.unpack_from("<HI", tail, at + 10)
    if entries != 0xFFFF and directory_bytes != 0xFFFFFFFF:
        return entries, directory_bytes
    # Zip64: the locator (20 bytes) precedes the end record and gives the Zip64 record's offset
    locator = at - 20
    if locator < 0 or tail[locator : locator + 4] != b"PK\x06\x07":
        return entries, directory_bytes
    (record_offset,) = struct.unpack_from("<Q", tail, locator + 8)
    if record_offset + 56 > size:
        return entries, directory_bytes
    fh.seek(record_offset)
    record = fh.read(56)
    if record[:4] != b"PK\x06\x06":
        return entries, directory_bytes
    entries64, directory_bytes64 = struct.unpack_from("<QQ", record, 32)
    return entries64, directory_bytes64


def _check_sizes(zf: zipfile.ZipFile, file: str, limits: ReadLimits) -> None:
    """Refuse, before anything is unpacked, a workbook whose parts would unpack too large,
    are too many, or are named with an absolute path or ``..`` (no workbook writer does
    that; an extracting tool would write outside its folder)."""
    infos = zf.infolist()
    if len(infos) > limits.max_zip_entries:
        raise _limit_error(
            file,
            f"the workbook holds {len(infos):,} parts, more than the limit of "
            f"{limits.max_zip_entries:,} (a workbook holds tens): it looks like a zip bomb",
            "ReadLimits(max_zip_entries=…) in Python",
        )
    total = 0
    for info in infos:
        name = info.filename
        pieces = name.replace("\\", "/").split("/")
        if name.startswith(("/", "\\")) or re.match(r"[A-Za-z]:", name) or ".." in pieces:
            raise _error(
                file,
                "encoding-error",
                f"part '{name}' is named with an absolute path or '..', which no workbook "
                "holds: the file is refused as hostile",
            )
        total += info.file_size
        packed = max(info.compress_size, 1)
        ratio = info.file_size / packed
        if info.file_size > limits.ratio_checked_mb * _MB and ratio > limits.max_compression_ratio:
            raise _error(
                file,
                "limit-exceeded",
                f"part {name} unpacks from {packed:,} to {info.file_size:,} bytes "
                f"({ratio:,.0f} to 1, the limit is {limits.max_compression_ratio:,.0f} to 1): "
                "the workbook looks like a zip bomb; if it is genuine, save the sheet as "
                "CSV UTF-8",
            )
    if total > limits.max_unzipped_mb * _MB:
        raise _limit_error(
            file,
            f"the workbook unpacks to {_mib(total / _MB)} MiB, more than the limit of "
            f"{_mib(limits.max_unzipped_mb)} MiB (save the sheet as CSV UTF-8 to read it in "
            "chunks)",
            "--max-unzipped-mb (API: limits=ReadLimits(max_unzipped_mb=…))",
        )


class _Readable(Protocol):
    """What the parsers read a part through: a binary stream's ``read``."""

    def read(self, size: int = -1, /) -> bytes: ...


class _CountedPart:
    """A part of the archive as it unpacks, its bytes counted: more than the part declares
    (or than the workbook may unpack to) stops the reading, whatever the zip library does
    with a header that understates the size. A checksum that fails (Python's ``zipfile``
    stops at the declared size, then checks it) is said as such."""

    def __init__(self, zf: zipfile.ZipFile, name: str, file: str, limits: ReadLimits):
        info = zf.getinfo(name)  # KeyError for a missing part, as zf.open
        self.name, self.file = name, file
        self.allowed = min(info.file_size, int(limits.max_unzipped_mb * _MB))
        self.count = 0
        self.fh = zf.open(info)

    def read(self, size: int = -1) -> bytes:
        want = self.allowed - self.count + 1 if size < 0 else size
        try:
            data = self.fh.read(min(want, self.allowed - self.count + 1))
        except zipfile.BadZipFile as e:
            raise _error(
                self.file,
                "encoding-error",
                f"part {self.name} does not unpack to the bytes its header declares ({e}): the "
                "workbook is damaged or hostile",
            ) from e
        self.count += len(data)
        if self.count > self.allowed:
            raise _error(
                self.file,
                "limit-exceeded",
                f"part {self.name} unpacks to more than the {self.allowed:,} bytes its header "
                "declares: the workbook is damaged or hostile",
            )
        return data

    def close(self) -> None:
        self.fh.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _count_rows(zf: zipfile.ZipFile, part: str, file: str, limits: ReadLimits) -> int:
    """How many row elements the sheet's XML holds, counted in its unpacked bytes without
    parsing them (a few seconds for a million rows, where parsing takes minutes). Rows are
    numbered apart, so a sheet with N row elements uses at least N rows: a sheet that
    declares no dimension (openpyxl's streaming writer declares none) is still refused at
    once."""
    patterns = (b"<row ", b"<row>", b":row ")  # every pattern is 5 bytes long
    count = 0
    previous = b""
    with _CountedPart(zf, part, file, limits) as fh:
        while chunk := fh.read(_COUNT_CHUNK):
            # a match across the boundary lies in these 8 bytes, and only such a match can
            window = previous[-4:] + chunk[:4]
            count += sum(chunk.count(p) + window.count(p) for p in patterns)
            previous = chunk
    return count


def _cell(cells: dict[int, list[str]], row: int, col: int) -> str:
    line = cells.get(row)
    return line[col - 1] if line is not None and col <= len(line) else ""


def _first_blank_rows(cells: dict[int, list[str]], top: int, last: int) -> list[int]:
    """The first few rows below ``top`` without a value (for the note)."""
    shown: list[int] = []
    r = top + 1
    while len(shown) < MAX_NOTE_ITEMS and r <= last:
        if r not in cells:
            shown.append(r)
        r += 1
    return shown


def _mib(x: float) -> str:
    return f"{x:,.1f}" if x >= 10 else f"{x:.3g}"


def _parse_small(
    zf: zipfile.ZipFile, name: str, file: str, limits: ReadLimits
) -> ET.Element | None:
    """A small part (workbook, relationships, styles) parsed whole; None when absent."""
    try:
        with _CountedPart(zf, name, file, limits) as fh:
            data = fh.read()
    except KeyError:
        return None
    if b"<!ENTITY" in data:
        raise _error(file, "encoding-error", f"part {name} declares XML entities; refused")
    try:
        return ET.fromstring(data)
    except ET.ParseError as e:
        raise _error(file, "encoding-error", f"part {name} is not well-formed XML ({e})") from e


@dataclass
class _Sheet:
    title: str
    part: str
    state: str


def _sheets(zf: zipfile.ZipFile, book: ET.Element, file: str, limits: ReadLimits) -> list[_Sheet]:
    rels = _parse_small(zf, "xl/_rels/workbook.xml.rels", file, limits)
    targets = {}
    if rels is not None:
        for rel in rels.iter(f"{_PKG_REL}Relationship"):
            target = rel.get("Target", "")
            if target.startswith("/"):
                path = target.lstrip("/")
            else:
                path = str(PurePosixPath("xl") / target)
            targets[rel.get("Id")] = _normalise(path)
    out = []
    for i, el in enumerate(book.iter(f"{_MAIN}sheet"), start=1):
        part = targets.get(el.get(f"{_REL}id"), f"xl/worksheets/sheet{i}.xml")
        out.append(_Sheet(el.get("name", f"Sheet{i}"), part, el.get("state", "visible")))
    if not out:
        raise _error(file, "empty-file", "the workbook has no sheets")
    return out


def _normalise(path: str) -> str:
    parts: list[str] = []
    for piece in path.split("/"):
        if piece == "..":
            if parts:
                parts.pop()
        elif piece not in ("", "."):
            parts.append(piece)
    return "/".join(parts)


def _is_tool_formula(text: str) -> bool:
    """One of the formulas retrofit's audit workbook writes (io/workbook.py's allow-list)."""
    from ..io.workbook import is_tool_formula

    return is_tool_formula(text)


def _is_own_output(sheets: list[_Sheet], own_output_sheet: str) -> bool:
    """Whether the workbook holds the sheets every workbook retrofit writes, and the one
    wanted (see :data:`OWN_OUTPUT_SHEETS`)."""
    names = {s.title for s in sheets}
    return all(name in names for name in (*OWN_OUTPUT_SHEETS, own_output_sheet))


def _choose_sheet(
    sheets: list[_Sheet], sheet: str | int | None, file: str, own_output_sheet: str = "assets"
) -> tuple[str, str, list[str]]:
    names = [s.title for s in sheets]
    listed = ", ".join(names)
    if sheet is None and _is_own_output(sheets, own_output_sheet):
        # the first sheet of retrofit's own workbook is a summary or the plants: not the rows
        chosen = sheets[names.index(own_output_sheet)]
        note = (
            f"retrofit's own output workbook (sheets {', '.join(names)}): read its "
            f"'{own_output_sheet}' sheet (name another with --sheet)"
        )
        return chosen.title, chosen.part, [note] if chosen is not sheets[0] else []
    if sheet is None:
        # a chart sheet holds no cells: openpyxl's first worksheet skipped it too
        grids = [s for s in sheets if "chartsheets/" not in s.part] or sheets
        visible = [s for s in grids if s.state == "visible"]
        chosen = visible[0] if visible else grids[0]
        skipped = [s for s in sheets[: sheets.index(chosen)] if s.state != "visible"]
        notes = []
        if skipped:
            shown = ", ".join(f"'{s.title}'" for s in skipped)
            notes.append(
                f"hidden sheet(s) {shown} skipped: read '{chosen.title}', the first visible "
                "sheet (name another with --sheet)"
            )
        return chosen.title, chosen.part, notes
    if isinstance(sheet, int) and not isinstance(sheet, bool):
        if not 0 <= sheet < len(sheets):
            raise _error(
                file,
                "header-error",
                f"there is no sheet number {sheet} (0-based); the sheets are: {listed}",
            )
        return sheets[sheet].title, sheets[sheet].part, []
    if str(sheet) not in names:
        raise _error(
            file, "header-error", f"there is no sheet named '{sheet}'; the sheets are: {listed}"
        )
    chosen = sheets[names.index(str(sheet))]
    return chosen.title, chosen.part, []


def _text_of(el: ET.Element) -> str:
    """The text of a rich-text or plain string item (``<si>``/``<is>``), without the
    phonetic guide (``<rPh>``) that East-Asian Excel adds."""
    parts = []
    for child in el:
        if child.tag == f"{_MAIN}t":
            parts.append(child.text or "")
        elif child.tag == f"{_MAIN}r":
            t = child.find(f"{_MAIN}t")
            if t is not None:
                parts.append(t.text or "")
    return "".join(parts)


def _shared_strings(zf: zipfile.ZipFile, file: str, limits: ReadLimits) -> list[str]:
    try:
        fh = _CountedPart(zf, "xl/sharedStrings.xml", file, limits)
    except KeyError:
        return []
    strings = []
    root: ET.Element | None = None
    with fh:
        for event, el in _iterparse(fh, file, "xl/sharedStrings.xml", ("start", "end")):
            if root is None:
                root = el
            elif event == "end" and el.tag == f"{_MAIN}si":
                # as openpyxl reads it: an escaped underscore "_x005F_" loses its escape
                strings.append(_text_of(el).replace("x005F_", ""))
                root.clear()  # the items read so far: nothing keeps them in memory
    return strings


def _iterparse(
    fh: _Readable, file: str, part: str, events: tuple[str, ...] = ("end",)
) -> Iterator[tuple[str, ET.Element]]:
    """``iterparse`` events, with an entity declaration or broken XML as an error (a
    worksheet never declares entities; a declared one could expand without bound)."""
    parser: ET.XMLPullParser = ET.XMLPullParser(events=events)  # type: ignore[arg-type]
    tail = b""
    try:
        while chunk := fh.read(1 << 16):
            if b"<!ENTITY" in tail + chunk[:16] or b"<!ENTITY" in chunk:
                raise _error(file, "encoding-error", f"part {part} declares XML entities; refused")
            tail = chunk[-16:]
            parser.feed(chunk)
            yield from parser.read_events()  # type: ignore[misc]
        parser.close()
        yield from parser.read_events()  # type: ignore[misc]
    except ET.ParseError as e:
        raise _error(file, "encoding-error", f"part {part} is not well-formed XML ({e})") from e


def _number_formats(zf: zipfile.ZipFile, file: str, limits: ReadLimits) -> list[str]:
    """The number format of each cell style (``s`` attribute of a cell), by style index."""
    from openpyxl.styles.numbers import BUILTIN_FORMATS

    styles = _parse_small(zf, "xl/styles.xml", file, limits)
    if styles is None:
        return []
    custom = {}
    fmts = styles.find(f"{_MAIN}numFmts")
    if fmts is not None:
        for f in fmts.iter(f"{_MAIN}numFmt"):
            custom[int(f.get("numFmtId", "0"))] = f.get("formatCode", "General")
    xfs = styles.find(f"{_MAIN}cellXfs")
    out = []
    if xfs is not None:
        for xf in xfs.iter(f"{_MAIN}xf"):
            fid = int(xf.get("numFmtId", "0"))
            out.append(custom.get(fid) or BUILTIN_FORMATS.get(fid, "General"))
    return out


@dataclass
class _Cell:
    """What :func:`~.cells.xlsx_cell_text` reads of a cell."""

    value: Any
    number_format: str


class _SheetReader:
    def __init__(
        self,
        file: str,
        title: str,
        shared: list[str],
        formats: list[str],
        epoch: Any,
        limits: ReadLimits,
    ):
        self.file, self.title, self.shared, self.formats = file, title, shared, formats
        self.epoch, self.limits = epoch, limits
        self.shared_formulas: dict[str, str] = {}
        self.style_cache: dict[str | None, tuple[str, bool]] = {}
        #: Rows frozen at the top of the sheet (its header rows, in the workbooks retrofit writes)
        self.frozen_rows = 0
        #: The sheet is the assets or plants sheet of a workbook retrofit wrote: its own
        #: per-row formulas (the savings it computed) carry no cached value until a spreadsheet
        #: recalculates, and their columns are outputs the reader renames and never reads
        self.own_output = False

    def read(
        self, fh: _Readable, part: str
    ) -> tuple[dict[int, list[str]], int, list[tuple[tuple[int, int, int, int], str]]]:
        """The rows that hold a value (by spreadsheet row: their texts from column A to
        their last value); the last column that holds one; the merged ranges."""
        from openpyxl.utils.cell import range_boundaries

        rows: dict[int, list[str]] = {}  # a row's texts by column - 1, up to its last value
        merges = []
        row_no = 0
        col_no = 0
        width = 0
        c_tag, row_tag, data_tag = f"{_MAIN}c", f"{_MAIN}row", f"{_MAIN}sheetData"
        sheet_data: ET.Element | None = None
        for event, el in _iterparse(fh, self.file, part, ("start", "end")):
            tag = el.tag
            if event == "start":
                if tag == row_tag:
                    r = el.get("r")
                    row_no = int(r) if r and r.isdigit() else row_no + 1
                    col_no = 0
                elif tag == data_tag:
                    sheet_data = el
                continue
            if tag == c_tag:
                ref = el.get("r")
                if ref:
                    col_no, row_no = _split_ref(ref, col_no, row_no)
                else:
                    col_no += 1
                text = self._cell_text(el, row_no, col_no)
                if text:
                    self._check_place(row_no, col_no)
                    line = rows.get(row_no)
                    if line is None:
                        line = rows[row_no] = []
                    if len(line) < col_no:
                        line.extend([""] * (col_no - len(line)))
                    line[col_no - 1] = text
                    width = max(width, col_no)
            elif tag == row_tag and sheet_data is not None:
                sheet_data.clear()  # the rows read so far: nothing keeps them in memory
            elif tag == f"{_MAIN}dimension":
                self._check_dimension(el.get("ref", ""))
            elif tag == f"{_MAIN}pane" and el.get("state") in ("frozen", "frozenSplit"):
                split = el.get("ySplit", "0")
                self.frozen_rows = int(float(split)) if _NUMBER.fullmatch(split) else 0
            elif tag == f"{_MAIN}mergeCell":
                ref = el.get("ref", "")
                try:
                    bounds = range_boundaries(ref)
                except (ValueError, TypeError):
                    continue
                min_c, min_r, max_c, max_r = bounds
                if min_c and min_r and max_c and max_r:
                    merges.append(((min_c, min_r, max_c, max_r), ref))
        return rows, width, merges

    def _check_dimension(self, ref: str) -> None:
        """Refuse at once a sheet that declares more rows or columns than the limits."""
        from openpyxl.utils.cell import range_boundaries

        try:
            _, _, max_col, max_row = range_boundaries(ref)
        except (ValueError, TypeError):
            return
        if max_row is not None and max_row > self.limits.max_rows:
            raise _limit_error(
                self.file,
                f"sheet '{self.title}' declares cells down to row {max_row:,} ({ref}), past the "
                f"limit of {self.limits.max_rows:,} rows; a sheet is read whole, so save a large inventory "
                "as CSV UTF-8 (read in chunks)",
                "--max-rows (API: limits=ReadLimits(max_rows=…))",
            )
        if max_col is not None and max_col > self.limits.max_columns:
            raise _limit_error(
                self.file,
                f"sheet '{self.title}' declares cells out to column {max_col:,} ({ref}), past "
                f"the limit of {self.limits.max_columns:,} columns",
                "--max-columns (API: limits=ReadLimits(max_columns=…))",
            )

    def _check_place(self, row: int, col: int) -> None:
        if row > self.limits.max_rows:
            raise _limit_error(
                self.file,
                f"sheet '{self.title}' has a value in row {row:,} ({self._ref(row, col)}), past "
                f"the limit of {self.limits.max_rows:,} rows; a sheet is read whole, so save a "
                "large inventory as CSV UTF-8 (read in chunks)",
                "--max-rows (API: limits=ReadLimits(max_rows=…))",
            )
        if col > self.limits.max_columns:
            raise _limit_error(
                self.file,
                f"sheet '{self.title}' has a value in column {col:,} ({self._ref(row, col)}), "
                f"past the limit of {self.limits.max_columns:,} columns",
                "--max-columns (API: limits=ReadLimits(max_columns=…))",
            )

    def _ref(self, row: int, col: int) -> str:
        from openpyxl.utils import get_column_letter

        return f"{self.title}!{get_column_letter(col)}{row}"

    def _cell_error(
        self, row: int, col: int, value: str, text: str, type_: str = "type-error"
    ) -> InventoryError:
        """An error located at the cell: its row, column letter and ``Sheet!F7`` in the text."""
        from openpyxl.utils import get_column_letter

        letter = get_column_letter(col)
        return InventoryError(
            [
                InventoryIssue(
                    type_,
                    self.file,
                    row,
                    letter,
                    value,
                    text.replace("{cell}", f"{self.title}!{letter}{row}"),
                )
            ]
        )

    def _cell_text(self, el: ET.Element, row: int, col: int) -> str:
        kind = el.get("t", "n")
        v = el.find(f"{_MAIN}v")
        f = el.find(f"{_MAIN}f")
        raw = None if v is None else (v.text or "")
        if f is not None:
            formula = self._formula(f)
            # openpyxl writes an empty <v/>; Excel caches "" only in a t="str" cell
            if kind != "inlineStr" and (v is None or (raw == "" and kind != "str")):
                if self.own_output and formula and _is_tool_formula(f"={formula}"):
                    return ""
                raise self._cell_error(
                    row,
                    col,
                    f"={formula}" if formula else "(a shared formula)",
                    "the value the formula in {cell} gave, but the file holds none (it was "
                    "saved by a program that does not calculate); open and save it in Excel "
                    "or WPS, or type the value",
                    "uncached-formula",
                )
        if kind == "inlineStr":
            is_ = el.find(f"{_MAIN}is")
            text = _text_of(is_) if is_ is not None else (raw or "")
        elif raw is None or (raw == "" and kind not in ("str", "s")):
            return ""
        elif kind == "s":
            try:
                text = self.shared[int(raw)]
            except (ValueError, IndexError):
                raise self._cell_error(
                    row, col, raw, "a shared-string index that the workbook holds ({cell})"
                ) from None
        elif kind == "b":
            text = "TRUE" if raw.strip() in ("1", "true") else "FALSE"
        elif kind in ("str", "e"):
            text = raw
        elif kind == "d":
            text = _iso_date_text(raw)
        else:
            text = self._number_text(raw, el, row, col)
        if len(text) > self.limits.max_cell_chars:
            raise _limit_error(
                self.file,
                f"cell {self._ref(row, col)} holds {len(text):,} characters, more than the "
                f"limit of {self.limits.max_cell_chars:,}",
                "--max-cell-chars (API: limits=ReadLimits(max_cell_chars=…))",
            )
        return text

    def _formula(self, f: ET.Element) -> str:
        text = f.text or ""
        si = f.get("si")
        if f.get("t") == "shared" and si is not None:
            if text:
                self.shared_formulas[si] = text
            else:
                text = self.shared_formulas.get(si, "")
        return text

    def _number_text(self, raw: str, el: ET.Element, row: int, col: int) -> str:
        from openpyxl.utils.datetime import from_excel

        raw = raw.strip()
        value: int | float
        if raw.isascii() and raw.isdigit():  # most number cells: no sign, no point
            value = int(raw)
        else:
            try:
                value = int(raw) if _INTEGER.fullmatch(raw) else float(raw)
            except ValueError:
                raise self._cell_error(row, col, raw, "a number in number cell {cell}") from None
            if isinstance(value, float) and not math.isfinite(value):
                raise self._cell_error(
                    row, col, raw, "a finite number in {cell} (this one overflows a 64-bit float)"
                )
        fmt, is_date = self._style(el.get("s"))
        if is_date:
            try:
                return xlsx_cell_text(_Cell(from_excel(value, self.epoch), fmt))
            except (ValueError, OverflowError):
                return number_text(float(value))
        if "%" not in fmt:  # what xlsx_cell_text does for these, without a cell object
            return str(value) if isinstance(value, int) else number_text(value)
        return xlsx_cell_text(_Cell(value, fmt))

    def _style(self, s: str | None) -> tuple[str, bool]:
        """The number format of style index ``s`` and whether it shows a date (cached)."""
        from openpyxl.styles.numbers import is_date_format

        hit = self.style_cache.get(s)
        if hit is None:
            try:
                index = int(s) if s else 0
            except ValueError:
                index = 0
            fmt = self.formats[index] if 0 <= index < len(self.formats) else "General"
            hit = self.style_cache[s] = (fmt, is_date_format(fmt))
        return hit


def _iso_date_text(raw: str) -> str:
    import datetime as dt

    try:
        return xlsx_cell_text(_Cell(dt.datetime.fromisoformat(raw), "General"))
    except ValueError:
        return raw


_REF = re.compile(r"([A-Za-z]{1,3})(\d+)")


def _split_ref(ref: str, col_no: int, row_no: int) -> tuple[int, int]:
    """(column, row) of a cell reference such as ``F7``; the running position if malformed."""
    m = _REF.fullmatch(ref)
    if m is None:
        return col_no + 1, row_no
    return _column_index(m.group(1)), int(m.group(2))


@functools.lru_cache(maxsize=4096)
def _column_index(letters: str) -> int:
    from openpyxl.utils.cell import column_index_from_string

    return column_index_from_string(letters.upper())
