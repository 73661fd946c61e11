"""Files → a :class:`CellTable` of cells as written: CSV (pyarrow, or pandas' C parser for
ragged rows), the first or a named sheet of an ``.xlsx`` workbook (merged cells filled) and
Parquet (numbers stay numbers). :func:`read_table` recognises the format by the first bytes,
then the suffix. Nothing is typed or checked here: that is :mod:`.reading` and :mod:`.checks`.

``openpyxl`` and ``pyarrow`` are imported only when a file needs them."""

from __future__ import annotations

import hashlib
import os
import re
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..core.exceptions import InventoryError, InventoryIssue
from .sniff import (
    HEADER_SEARCH_ROWS,
    above_header_note,
    complete_header,
    empty_file_issue,
    file_error,
    hash_file,
    pick_header_row,
    read_csv_head,
)
from .workbook import DEFAULT_LIMITS, ReadLimits, check_archive, read_sheet

__all__ = [
    "CellTable",
    "ReadLimits",
    "arrow_csv_options",
    "check_cell_lengths",
    "csv_parser_error",
    "current_limits",
    "longest_cells",
    "read_table",
    "reading_limits",
]

_LIMITS: ContextVar[ReadLimits] = ContextVar("reading_limits", default=DEFAULT_LIMITS)


@contextmanager
def reading_limits(limits: ReadLimits) -> Iterator[None]:
    """Read every file within the block under ``limits`` unless a call names its own: how
    the CLI's ``--max-rows`` and siblings reach the readers under ``estimate``,
    ``validate`` and ``portfolio``.

    >>> with reading_limits(ReadLimits(max_rows=1_048_576)):  # doctest: +SKIP
    ...     result = estimate("big.xlsx")
    """
    token = _LIMITS.set(limits)
    try:
        yield
    finally:
        _LIMITS.reset(token)


@dataclass
class CellTable:
    """Cells as read: positional columns, original headers, spreadsheet row of each row."""

    #: The file as the user named it (in messages).
    file: str
    #: Header texts, one per column position.
    headers: list[str]
    #: The data cells, columns 0…n-1 (text as written; Parquet and DataFrames keep types).
    cells: pd.DataFrame
    #: Spreadsheet row of each data row (header = its own row, 1-based).
    rows: np.ndarray
    #: Spreadsheet row of the header.
    header_row: int
    #: What the reader did that a reviewer should know (title rows skipped, merges filled).
    notes: list[str]


def read_table(
    path: str | os.PathLike[str],
    *,
    encoding: str | None,
    sheet: str | int | None,
    limits: ReadLimits | None = None,
    own_output_sheet: str = "assets",
) -> tuple[CellTable, dict[str, Any]]:
    """The cells of a CSV, xlsx or Parquet file (recognised by its first bytes, then its
    suffix) and the :class:`~.reading.InventoryMeta` fields known from reading it.

    Without ``sheet``, a workbook that retrofit wrote is read from its sheet
    ``own_output_sheet`` (``"plants"`` for a plants file), and the note says so.

    ``limits`` bounds what is read (:class:`~.workbook.ReadLimits`); by default those of
    the enclosing :func:`reading_limits` block, else :data:`~.workbook.DEFAULT_LIMITS`.

    Raises
    ------
    InventoryError
        An empty, old-Excel (.xls), broken or undecodable file; a sheet that does not exist;
        a file over a limit.
    """
    limits = limits if limits is not None else _LIMITS.get()
    file = str(path)
    p = Path(path)
    size = p.stat().st_size  # FileNotFoundError for a missing file, as open() would
    with p.open("rb") as fh:
        magic = fh.read(8)
    if size == 0:
        raise InventoryError([empty_file_issue(file, "the file is empty (0 bytes)")])
    suffix = p.suffix.lower()
    if magic.startswith(b"\xd0\xcf\x11\xe0"):
        raise file_error(
            "encoding-error",
            file,
            "this is an old Excel .xls workbook; save it as .xlsx or as CSV UTF-8 and try again",
        )
    if magic.startswith(b"PK\x03\x04"):
        return _read_xlsx(p, file, sheet, limits, own_output_sheet)
    if magic.startswith(b"PAR1") or suffix == ".parquet":
        return _read_parquet(p, file)
    if suffix in (".xlsx", ".xlsm"):
        raise file_error(
            "encoding-error",
            file,
            "the file is not a valid .xlsx workbook (it is not a zip archive)",
        )
    return _read_csv(p, file, encoding, limits)


def _read_csv(
    p: Path, file: str, encoding: str | None, limits: ReadLimits
) -> tuple[CellTable, dict[str, Any]]:
    head = read_csv_head(p, file, encoding, max_cell_chars=limits.max_cell_chars)
    cells = _read_csv_body(
        p,
        file,
        head.meta_kw["encoding"],
        head.delimiter,
        head.header_row,
        head.lines_used,
        len(head.headers),
    )
    rows = np.arange(len(cells), dtype=np.int64) + (head.header_row + 1)
    check_cell_lengths(cells, rows, head.headers, file, limits.max_cell_chars)
    return CellTable(file, head.headers, cells, rows, head.header_row, head.notes), head.meta_kw


def _read_csv_body(
    p: Path, file: str, enc: str, delimiter: str, skip_records: int, skip_lines: int, n: int
) -> pd.DataFrame:
    """All data cells as text, columns 0..n-1: pyarrow, or pandas' C engine for a file with
    ragged rows (it pads short rows with blanks and names the row of a long one)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    invalid: list[Any] = []

    def on_invalid(row: Any) -> str:
        invalid.append(row)
        return "skip"

    try:
        table = pacsv.read_csv(
            p, **arrow_csv_options(n, skip_lines, enc, delimiter, invalid_row_handler=on_invalid)
        )
    except pa.ArrowInvalid:
        invalid.append(None)
    if not invalid:
        df = table.to_pandas()
        df.columns = pd.RangeIndex(n)
        df.attrs["max_chars"] = longest_cells(table)  # pyarrow's count is the cheaper one
        return df
    try:
        df = pd.read_csv(p, skiprows=skip_records, **pandas_csv_options(n, enc, delimiter))
    except pd.errors.ParserError as e:
        raise csv_parser_error(e, file, n) from e
    return df.fillna("")


def longest_cells(table: Any) -> int:
    """The most UTF-8 bytes of any cell of a pyarrow table of strings (at least its
    characters): read from the string offsets, without decoding a cell."""
    longest = 0
    for column in table.columns:
        for chunk in column.chunks:
            if len(chunk):
                # a string array's second buffer: int32 offsets, one more than its cells
                offsets = np.frombuffer(chunk.buffers()[1], dtype=np.int32)
                window = offsets[chunk.offset : chunk.offset + len(chunk) + 1]
                longest = max(longest, int(np.diff(window).max()))
    return longest


def current_limits() -> ReadLimits:
    """The limits of the enclosing :func:`reading_limits` block (else the defaults)."""
    return _LIMITS.get()


def check_cell_lengths(
    cells: pd.DataFrame, rows: np.ndarray, headers: list[str], file: str, limit: int
) -> None:
    """A cell longer than ``limit`` characters is an error at its row and column (skipped
    when ``cells.attrs["max_chars"]``, set by a pyarrow reader, is within the limit)."""
    if cells.attrs.pop("max_chars", limit + 1) <= limit:
        return
    for i in cells.columns:
        lengths = cells[i].str.len().to_numpy()
        if len(lengths) and lengths.max() > limit:
            at = int(np.argmax(lengths > limit))
            raise InventoryError(
                [
                    InventoryIssue(
                        "limit-exceeded",
                        file,
                        int(rows[at]),
                        headers[i] if i < len(headers) else None,
                        None,
                        f"the cell holds {int(lengths[at]):,} characters, more than the limit "
                        f"of {limit:,}; raise the limit with --max-cell-chars if it is right",
                    )
                ]
            )


def _refuse_nul_text(cells: pd.DataFrame, rows: np.ndarray, headers: list[str], file: str) -> None:
    """A text cell holding a NUL character (U+0000) is an error at its row and column: no
    person typed it, and it would pass into the outputs (a CSV's NUL bytes are found while
    its encoding is checked)."""
    for i in cells.columns:
        s = cells[i]
        if s.dtype == object or pd.api.types.is_string_dtype(s.dtype):
            try:
                has_nul = s.str.contains("\0", regex=False, na=False).to_numpy(dtype=bool)
            except AttributeError:  # an object column without text (numbers, dates)
                continue
            if has_nul.any():
                at = int(np.argmax(has_nul))
                raise InventoryError(
                    [
                        InventoryIssue(
                            "encoding-error",
                            file,
                            int(rows[at]),
                            headers[i],
                            str(s.iloc[at]).replace("\0", "\\0"),
                            "text without NUL characters (\\0): remove them",
                        )
                    ]
                )


def csv_parser_error(e: Exception, file: str, n: int) -> InventoryError:
    """pandas' C-parser error as the reader words it, at the spreadsheet row it concerns:
    'Expected 50 fields in line 7, saw 52' (a 1-based line) or 'EOF inside string starting
    at row 4' (0-based, counted from the file's first record: row 4 is spreadsheet row 5)."""
    m = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(e))
    if m is not None:
        return file_error(
            "header-error",
            file,
            f"this row has {m.group(3)} cells but the header has {n} columns; give the extra "
            "cells a header or delete them",
            row=int(m.group(2)),
        )
    m = re.search(r"EOF inside string starting at row (\d+)", str(e))
    if m is not None:
        return file_error(
            "header-error",
            file,
            'a quote (") opened in this row is never closed, so the rest of the file reads '
            "as one cell; close it or remove it",
            row=int(m.group(1)) + 1,
        )
    return file_error("header-error", file, f"the CSV cannot be parsed: {e}")


def pandas_csv_options(n: int, enc: str, delimiter: str) -> dict[str, Any]:
    """pandas' C-engine options that read every cell as text exactly as written, columns
    0..n-1, short rows padded with blanks: the fallback for ragged files, shared by the
    whole-file and the streaming readers (the caller adds ``skiprows`` and ``chunksize``)."""
    return {
        "sep": delimiter,
        "header": None,
        "names": list(range(n)),
        "index_col": False,
        "dtype": str,
        "keep_default_na": False,
        "na_filter": False,
        "skip_blank_lines": False,
        "encoding": enc,
        "engine": "c",
    }


def arrow_csv_options(
    n: int,
    skip_lines: int,
    enc: str,
    delimiter: str,
    *,
    invalid_row_handler: Callable[[Any], str] | None = None,
    block_size: int | None = None,
) -> dict[str, Any]:
    """pyarrow CSV options that read every cell as text exactly as written (no nulls, no
    type inference), columns ``c0``…; shared by the whole-file and the streaming readers."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    names = [f"c{i}" for i in range(n)]
    read = {"block_size": block_size} if block_size is not None else {}
    return {
        "read_options": pacsv.ReadOptions(
            column_names=names,
            skip_rows=skip_lines,
            encoding="utf8" if enc in ("utf-8", "utf-8-sig") else enc,
            **read,
        ),
        "parse_options": pacsv.ParseOptions(
            delimiter=delimiter,
            ignore_empty_lines=False,
            newlines_in_values=True,
            invalid_row_handler=invalid_row_handler,
        ),
        "convert_options": pacsv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.string()),
            null_values=[],
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    }


def _read_xlsx(
    p: Path, file: str, sheet: str | int | None, limits: ReadLimits, own_output_sheet: str
) -> tuple[CellTable, dict[str, Any]]:
    """One sheet, streamed and bounded by ``limits`` (:mod:`.workbook`), merged cells filled
    from their top-left cell; the header searched among its first rows."""
    import zipfile

    sha = hashlib.sha256()
    hash_file(p, sha)
    check_archive(p, file, limits)  # before zipfile lists every entry of the directory
    try:
        zf = zipfile.ZipFile(p)
    except (zipfile.BadZipFile, OSError) as e:  # a corrupt or non-workbook zip
        raise file_error(
            "encoding-error",
            file,
            f"the file cannot be opened as an .xlsx workbook ({type(e).__name__}: {e})",
        ) from e
    try:
        with zf:
            read = read_sheet(zf, file, sheet, limits, own_output_sheet)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as e:
        raise file_error(
            "encoding-error",
            file,
            f"the file cannot be read as an .xlsx workbook ({type(e).__name__}: {e})",
        ) from e
    meta_kw = {
        "path": file,
        "sha256": sha.hexdigest(),
        "file_format": "xlsx",
        "encoding": None,
        "encoding_detected": False,
        "sheet": read.title,
    }

    grid, max_col = read.grid, read.width
    notes = list(read.notes)
    if not any(any(c.strip() for c in row) for row in grid):
        raise InventoryError([empty_file_issue(file, f"sheet '{read.title}' is empty")])
    h = pick_header_row(grid[:HEADER_SEARCH_ROWS])
    headers, filled = complete_header(grid, h)
    # the note on the sheet chosen (a hidden one skipped, the tool's own workbook) comes first
    hidden = 1 if read.notes and read.notes[0].startswith(("hidden sheet", "retrofit's own")) else 0
    notes = notes[:hidden] + above_header_note(h, grid) + notes[hidden:] + filled
    body = grid[h + 1 :]
    cells = pd.DataFrame(body, columns=pd.RangeIndex(max_col), dtype="str")
    if len(body) == 0:
        cells = pd.DataFrame({i: pd.Series([], dtype="str") for i in range(max_col)})
    rows = np.array(read.row_numbers[h + 1 :], dtype=np.int64)
    return CellTable(file, headers, cells, rows, h + 1, notes), meta_kw


def _read_parquet(p: Path, file: str) -> tuple[CellTable, dict[str, Any]]:
    """A Parquet file, whole: its columns as stored, validated as :func:`validate_frame` does.

    Numbers stay numbers and nulls count as blank; the headers are the column names (any
    alias); a stored pandas index is not data. Rows are numbered index + 2, as if the table
    had been saved to a spreadsheet with its header on row 1.
    """
    import pyarrow as pa  # imported here: only Parquet files need it
    import pyarrow.parquet as pq

    sha = hashlib.sha256()
    hash_file(p, sha)
    try:
        frame = pq.ParquetFile(p).read().to_pandas()
    except (pa.ArrowException, OSError) as e:
        raise file_error(
            "encoding-error",
            file,
            f"the file cannot be read as Parquet ({type(e).__name__}: {e})",
        ) from e
    headers = [str(c) for c in frame.columns]
    cells = frame.reset_index(drop=True)
    cells.columns = pd.RangeIndex(len(headers))
    rows = np.arange(2, len(cells) + 2, dtype=np.int64)
    _refuse_nul_text(cells, rows, headers, file)
    meta_kw = {
        "path": file,
        "sha256": sha.hexdigest(),
        "file_format": "parquet",
        "encoding": None,
        "encoding_detected": False,
        "sheet": None,
    }
    return CellTable(file, headers, cells, rows, 1, []), meta_kw
