"""Files → a :class:`CellTable` of cells as written: CSV (pyarrow, or pandas' C parser for
ragged rows), the first or a named sheet of an ``.xlsx`` workbook (merged cells filled) and
Parquet (numbers stay numbers). :func:`read_table` recognises the format by the first bytes,
then the suffix. Nothing is typed or checked here: that is :mod:`.reading` and :mod:`.checks`.

``openpyxl`` and ``pyarrow`` are imported only when a file needs them."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..core.exceptions import InventoryError
from .cells import xlsx_cell_text
from .sniff import (
    HEADER_SEARCH_ROWS,
    MAX_NOTE_ITEMS,
    above_header_note,
    complete_header,
    empty_file_issue,
    file_error,
    hash_file,
    pick_header_row,
    read_csv_head,
)

__all__ = ["CellTable", "arrow_csv_options", "read_table"]


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
) -> tuple[CellTable, dict[str, Any]]:
    """The cells of a CSV, xlsx or Parquet file (recognised by its first bytes, then its
    suffix) and the :class:`~.reading.InventoryMeta` fields known from reading it.

    Raises
    ------
    InventoryError
        An empty, old-Excel (.xls), broken or undecodable file; a sheet that does not exist.
    """
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
        return _read_xlsx(p, file, sheet)
    if magic.startswith(b"PAR1") or suffix == ".parquet":
        return _read_parquet(p, file)
    if suffix in (".xlsx", ".xlsm"):
        raise file_error(
            "encoding-error",
            file,
            "the file is not a valid .xlsx workbook (it is not a zip archive)",
        )
    return _read_csv(p, file, encoding)


def _read_csv(p: Path, file: str, encoding: str | None) -> tuple[CellTable, dict[str, Any]]:
    head = read_csv_head(p, file, encoding)
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
        return df
    try:
        df = pd.read_csv(p, skiprows=skip_records, **pandas_csv_options(n, enc, delimiter))
    except pd.errors.ParserError as e:
        m = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(e))
        if m is None:
            raise file_error("header-error", file, f"the CSV cannot be parsed: {e}") from e
        raise file_error(
            "header-error",
            file,
            f"this row has {m.group(3)} cells but the header has {n} columns; give the extra "
            "cells a header or delete them",
            row=int(m.group(2)),
        ) from e
    return df.fillna("")


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


def _read_xlsx(p: Path, file: str, sheet: str | int | None) -> tuple[CellTable, dict[str, Any]]:
    import openpyxl  # imported here: slow to import and only needed for Excel files
    from openpyxl.utils import get_column_letter

    sha = hashlib.sha256()
    hash_file(p, sha)
    try:
        wb = openpyxl.load_workbook(p, data_only=True)
    except Exception as e:  # a corrupt or non-workbook zip
        raise file_error(
            "encoding-error",
            file,
            f"the file cannot be opened as an .xlsx workbook ({type(e).__name__}: {e})",
        ) from e
    names = wb.sheetnames
    listed = ", ".join(names)
    if sheet is None:
        ws = wb.worksheets[0]
    elif isinstance(sheet, int) and not isinstance(sheet, bool):
        if not 0 <= sheet < len(names):
            raise file_error(
                "header-error",
                file,
                f"there is no sheet number {sheet} (0-based); the sheets are: {listed}",
            )
        ws = wb.worksheets[sheet]
    else:
        if str(sheet) not in names:
            raise file_error(
                "header-error", file, f"there is no sheet named '{sheet}'; the sheets are: {listed}"
            )
        ws = wb[str(sheet)]
    meta_kw = {
        "path": file,
        "sha256": sha.hexdigest(),
        "file_format": "xlsx",
        "encoding": None,
        "encoding_detected": False,
        "sheet": ws.title,
    }

    max_row, max_col = ws.max_row, ws.max_column
    grid = [
        [xlsx_cell_text(c) for c in row]
        for row in ws.iter_rows(min_row=1, max_row=max_row, min_col=1, max_col=max_col)
    ]
    notes = []
    merges = sorted(ws.merged_cells.ranges, key=lambda r: (r.min_row, r.min_col))
    for rng in merges:
        top_left = grid[rng.min_row - 1][rng.min_col - 1]
        for r in range(rng.min_row - 1, min(rng.max_row, max_row)):
            for c in range(rng.min_col - 1, min(rng.max_col, max_col)):
                grid[r][c] = top_left
    for rng in merges[:MAX_NOTE_ITEMS]:
        start = f"{get_column_letter(rng.min_col)}{rng.min_row}"
        notes.append(f"merged cells {rng.coord} filled from {start}")
    if len(merges) > MAX_NOTE_ITEMS:
        notes.append(f"… and {len(merges) - MAX_NOTE_ITEMS} more merged ranges filled the same way")
    wb.close()

    if not any(any(c.strip() for c in row) for row in grid):
        raise InventoryError([empty_file_issue(file, f"sheet '{ws.title}' is empty")])
    h = pick_header_row(grid[:HEADER_SEARCH_ROWS])
    headers, filled = complete_header(grid, h)
    notes = above_header_note(h, grid) + notes + filled
    body = grid[h + 1 :]
    cells = pd.DataFrame(body, columns=pd.RangeIndex(max_col), dtype="str")
    if len(body) == 0:
        cells = pd.DataFrame({i: pd.Series([], dtype="str") for i in range(max_col)})
    rows = np.arange(len(body), dtype=np.int64) + (h + 2)
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
    meta_kw = {
        "path": file,
        "sha256": sha.hexdigest(),
        "file_format": "parquet",
        "encoding": None,
        "encoding_detected": False,
        "sheet": None,
    }
    return CellTable(file, headers, cells, rows, 1, []), meta_kw
