"""Read a large inventory in chunks of rows, each validated as :func:`read_inventory` would.

A province's inventory (millions of asset rows) does not fit in memory once it is parsed,
typed and estimated in one piece. :func:`iter_inventory` reads it a block of rows at a time
and validates each chunk with the same code as a whole read, so that:

- the assets of all chunks, concatenated, equal ``read_inventory(path).assets``, with the
  same ``source_row`` (the spreadsheet row of each record, header = row 1);
- a problem is reported on the same row, with the same text, as a whole read reports it.

Memory is bounded by ``chunk_rows`` (plus the CSV parser's read-ahead), not by the file.

Reading
    CSV: the encoding, hash and header row are found exactly as :func:`read_inventory` finds
    them; the body is streamed with ``pyarrow.csv.open_csv``, falling back to pandas' C
    parser (in chunks) from the first chunk pyarrow cannot parse, e.g. a row with fewer
    cells than the header. Parquet: ``ParquetFile.iter_batches``. Excel: one chunk, the whole
    sheet (a sheet holds at most 1,048,576 rows).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
import pandas as pd

from ..core.exceptions import InventoryError, OptionError
from . import schema
from .cells import is_text, to_text
from .files import (
    CellTable,
    arrow_csv_options,
    check_cell_lengths,
    csv_parser_error,
    current_limits,
    longest_cells,
    pandas_csv_options,
)
from .headers import match_inventory_header, renamed_matcher
from .reading import Inventory, check_renamed_headers, read_inventory, validate_table
from .sniff import empty_file_issue, hash_file, read_csv_head
from .workbook import ReadLimits

if TYPE_CHECKING:
    import os

__all__ = ["iter_inventory"]

#: pyarrow's CSV block [bytes]. It bounds each record batch and the reader's read-ahead (the
#: streaming reader parses several blocks ahead): larger blocks gave no speed on 1,000,000
#: rows, only memory (peak RSS +90 MiB at 2 MiB, +100 MiB at 4 MiB, chunk_rows=250,000).
_BLOCK_BYTES = 1 << 20


class HeaderOptions(NamedTuple):
    """The user's header options of a streamed read (see :func:`iter_inventory`)."""

    rename: Mapping[str, str] | None = None
    passthrough: tuple[str, ...] = ()
    check_named: bool = True


NO_HEADER_OPTIONS = HeaderOptions()


def iter_inventory(
    path: str | os.PathLike[str],
    *,
    chunk_rows: int = 250_000,
    encoding: str | None = None,
    sheet: str | int | None = None,
    max_errors: int = 200,
    rename: Mapping[str, str] | None = None,
    passthrough: Sequence[str] = (),
    check_named: bool = True,
    limits: ReadLimits | None = None,
) -> Iterator[Inventory]:
    """Read and validate an inventory file in chunks of at most ``chunk_rows`` rows
    (``rename``, ``passthrough`` and ``check_named`` as in
    :func:`~retrofit.inventory.reading.read_inventory`).

    Parameters
    ----------
    path : str or path-like
        A ``.csv``, ``.parquet`` or ``.xlsx`` file (recognised by its content, then its
        suffix, as :func:`~retrofit.inventory.reading.read_inventory` recognises it).
    chunk_rows : int, default 250,000
        Records per chunk [rows]. A chunk has fewer assets when blank rows are dropped;
        the last chunk has the rest. Ignored for xlsx (one chunk).
    encoding : str, optional
        Force the CSV encoding, as in :func:`~retrofit.inventory.reading.read_inventory`.
    sheet : str or int, optional
        Worksheet name or 0-based index (xlsx).
    max_errors : int, default 200
        At most this many issues are kept in a chunk's error.

    Returns
    -------
    iterator of Inventory
        One :class:`~retrofit.inventory.reading.Inventory` per chunk. Each ``assets`` frame is typed
        and numbered (``source_row``) exactly as the same rows of a whole read; each ``meta``
        has the file's path, sha256 (of the whole file), encoding and header map, and
        ``n_rows`` = the chunk's rows. ``meta.notes`` has the header notes and the chunk's
        own (blank rows dropped). A chunk whose rows are all blank is skipped.

    Raises
    ------
    InventoryError
        When called: an unreadable file, encoding or header (CSV, Parquet). While iterating:
        the problems of one chunk, raised from that chunk after the earlier chunks have been
        yielded (a caller that wants to go on can open the file again and skip ahead); the
        file's "no data rows" error after the last chunk when every row is blank.
    FileNotFoundError
        The file does not exist.
    LookupError
        ``encoding`` is not an encoding Python knows (``UnknownEncodingError``, also an
        ``OptionError``: exit code 2 in the CLI).

    ``limits`` (:class:`~retrofit.inventory.workbook.ReadLimits`) bound what is read; by
    default those of an enclosing :func:`~retrofit.inventory.files.reading_limits` block when
    this is called (not when the chunks are read), else the defaults. A workbook is read
    whole, within them; every CSV cell is checked for length.
    ValueError
        ``chunk_rows`` < 1.

    Notes
    -----
    Checks *across* rows are made within a chunk only: a ``plant_id``/``asset_id`` repeated
    in two chunks, or one plant's previous-year energy given differently in two chunks, is
    **not** reported here. The caller must check those across chunks (``read_inventory``
    reports them for a whole file).

    A column without a header is kept (as ``Unnamed: X``) in the chunks where it has a
    value and left out of those where it is blank, so such a column can be missing from
    some chunks; a whole read keeps it everywhere when any cell has a value.

    Examples
    --------
    >>> total = 0.0  # doctest: +SKIP
    >>> for chunk in iter_inventory("province.csv", chunk_rows=200_000):  # doctest: +SKIP
    ...     total += estimate(chunk).assets["energy_saved_kwh"].sum()
    """
    if chunk_rows < 1:
        raise OptionError(f"chunk_rows must be at least 1, not {chunk_rows}")
    p = Path(path)
    file = str(path)
    size = p.stat().st_size  # FileNotFoundError for a missing file
    with p.open("rb") as fh:
        magic = fh.read(8)
    suffix = p.suffix.lower()
    # the order of files.read_table: zero bytes, .xls, zip (xlsx), Parquet, suffixes
    limits = limits if limits is not None else current_limits()  # now: a thread may read later
    kw: dict[str, Any] = {
        "encoding": encoding,
        "sheet": sheet,
        "max_errors": max_errors,
        "rename": rename,
        "passthrough": passthrough,
        "check_named": check_named,
        "limits": limits,
    }
    headers = HeaderOptions(rename, tuple(passthrough), check_named)
    if size and magic.startswith(b"PK\x03\x04"):
        return _whole_workbook(path, kw)
    if (
        size == 0
        or magic.startswith(b"\xd0\xcf\x11\xe0")
        or (suffix in (".xlsx", ".xlsm") and not magic.startswith(b"PAR1"))
    ):
        return iter([read_inventory(path, **kw)])  # raises the reader's own error, now
    if magic.startswith(b"PAR1") or suffix == ".parquet":
        return _parquet_chunks(path, p, file, chunk_rows, max_errors, headers)
    return _csv_chunks(p, file, encoding, chunk_rows, max_errors, limits.max_cell_chars, headers)


# --- Excel: one whole read ----------------------------------------------------------------


def _whole_workbook(path, kw) -> Iterator[Inventory]:
    """An xlsx workbook: one chunk, the whole sheet, read when the iteration starts."""
    yield read_inventory(path, **kw)


# --- chunk → Inventory --------------------------------------------------------------------


class _Chunks:
    """Validates chunks of cells against one header, numbering rows from the file's start."""

    def __init__(
        self,
        file: str,
        headers: list[str],
        header_row: int,
        notes: list[str],
        meta_kw: dict[str, Any],
        max_errors: int,
        options: HeaderOptions = NO_HEADER_OPTIONS,
    ):
        self.file, self.headers, self.header_row = file, headers, header_row
        self.notes, self.meta_kw, self.max_errors = notes, meta_kw, max_errors
        self.options = options
        if options.check_named:  # now, before the first chunk, as a whole read does
            check_renamed_headers(headers, options.rename, options.passthrough, file)
        # the audit-sheet aliases too, as a whole read, after the user's own renames
        self.match = renamed_matcher(options.rename, match_inventory_header)
        self.yielded = 0
        self.max_cell_chars: int | None = None  # checked in each chunk when set (CSV)

    def validate(self, rows: np.ndarray, box: list[pd.DataFrame]) -> Inventory | None:
        """The chunk in ``box`` (emptied, so that no caller keeps the raw cells alive while
        ``validate_table`` frees them column by column), validated; None for an all-blank chunk."""
        if self.max_cell_chars is not None:
            check_cell_lengths(box[0], rows, self.headers, self.file, self.max_cell_chars)
        if _all_blank(box[0]):
            box.clear()
            return None
        self.yielded += 1
        return self._validate(box, rows)

    def check_not_empty(self, empty: pd.DataFrame) -> None:
        """After the last chunk: a file without a data row raises what a whole read raises."""
        if not self.yielded:
            self._validate([empty], np.zeros(0, dtype=np.int64))
            raise InventoryError(
                [empty_file_issue(self.file, "the file has a header but no data rows")]
            )

    def _validate(self, box: list[pd.DataFrame], rows: np.ndarray) -> Inventory:
        # the cells go straight from the box into the table: no local keeps them alive
        table = CellTable(
            self.file, self.headers, box.pop(), rows, self.header_row, list(self.notes)
        )
        return validate_table(
            table,
            dict(self.meta_kw),
            schema.COLUMNS,
            self.match,
            self.max_errors,
            plants=False,
            passthrough=self.options.passthrough,
        )


def _all_blank(cells: pd.DataFrame) -> bool:
    """Every cell blank, as ``validate_table`` decides it (stripped text '', or NA for numbers)."""
    for i in cells.columns:
        s = cells[i]
        if is_text(s) or s.dtype == object or pd.api.types.is_bool_dtype(s.dtype):
            if not (to_text(s) == "").all():
                return False
        elif not s.isna().all():
            return False
    return True


# --- CSV ----------------------------------------------------------------------------------


def _csv_chunks(
    p: Path,
    file: str,
    encoding: str | None,
    chunk_rows: int,
    max_errors: int,
    max_cell_chars: int,
    options: HeaderOptions = NO_HEADER_OPTIONS,
) -> Iterator[Inventory]:
    """Find the encoding and header as :func:`.files.read_table` does (now); stream the body (later)."""
    head = read_csv_head(p, file, encoding, max_cell_chars=max_cell_chars)
    chunks = _Chunks(
        file, head.headers, head.header_row, head.notes, head.meta_kw, max_errors, options
    )
    chunks.max_cell_chars = max_cell_chars
    return _csv_body(
        p,
        file,
        head.meta_kw["encoding"],
        head.delimiter,
        head.header_row,
        head.lines_used,
        chunks,
        chunk_rows,
    )


def _csv_body(
    p: Path,
    file: str,
    enc: str,
    delimiter: str,
    skip_records: int,
    skip_lines: int,
    chunks: _Chunks,
    chunk_rows: int,
) -> Iterator[Inventory]:
    """Chunks of ``chunk_rows`` records, with the options of :func:`.files.arrow_csv_options`."""
    n = len(chunks.headers)
    first_row = skip_records + 1  # spreadsheet row of record 0 = h + 2
    done = 0  # records already validated; a pandas fallback resumes after them
    import pyarrow as pa
    import pyarrow.csv as pacsv

    try:
        reader = pacsv.open_csv(
            p, **arrow_csv_options(n, skip_lines, enc, delimiter, block_size=_BLOCK_BYTES)
        )
    except pa.ArrowInvalid:
        reader = None
    pending: list[Any] = []  # record batches read but not yet validated
    n_pending = 0
    while reader is not None:
        try:
            batch = reader.read_next_batch()
        except StopIteration:
            break
        except pa.ArrowInvalid:  # a ragged or unparsable row: pandas reads on from `done`
            reader = None
            break
        pending.append(batch)
        n_pending += batch.num_rows
        del batch
        while n_pending >= chunk_rows:
            table = pa.Table.from_batches(pending)
            pending = table.slice(chunk_rows).to_batches()
            n_pending -= chunk_rows
            box = [_arrow_cells(table.slice(0, chunk_rows), n)]
            del table
            inv = chunks.validate(_rows(first_row, done, chunk_rows), box)
            done += chunk_rows
            if inv is not None:
                yield inv
    if reader is not None:
        if n_pending:
            box = [_arrow_cells(pa.Table.from_batches(pending), n)]
            pending = []
            inv = chunks.validate(_rows(first_row, done, n_pending), box)
            done += n_pending
            if inv is not None:
                yield inv
        chunks.check_not_empty(_empty_cells(n))
        return
    pending = []
    reader_pd = pd.read_csv(
        p,
        skiprows=skip_records + done,
        **pandas_csv_options(n, enc, delimiter),
        chunksize=chunk_rows,
    )
    with reader_pd:
        while True:
            try:
                df = next(reader_pd)
            except StopIteration:
                break
            except pd.errors.ParserError as e:
                raise _parser_error(e, file, n) from e
            size = len(df)
            df.index = pd.RangeIndex(size)  # pandas numbers a chunk's rows on from the last
            box = [df.fillna("")]
            del df
            inv = chunks.validate(_rows(first_row, done, size), box)
            done += size
            if inv is not None:
                yield inv
    chunks.check_not_empty(_empty_cells(n))


def _rows(first_row: int, start: int, size: int) -> np.ndarray:
    return np.arange(start, start + size, dtype=np.int64) + first_row


def _arrow_cells(table, n: int) -> pd.DataFrame:
    df = table.to_pandas()
    df.columns = pd.RangeIndex(n)
    df.attrs["max_chars"] = longest_cells(table)
    return df


def _empty_cells(n: int) -> pd.DataFrame:
    return pd.DataFrame({i: pd.Series([], dtype="str") for i in range(n)})


def _parser_error(e: Exception, file: str, n: int) -> InventoryError:
    """pandas' parser error as the whole-file reader words it."""
    return csv_parser_error(e, file, n)


# --- Parquet ------------------------------------------------------------------------------


def _parquet_chunks(
    path,
    p: Path,
    file: str,
    chunk_rows: int,
    max_errors: int,
    options: HeaderOptions = NO_HEADER_OPTIONS,
) -> Iterator[Inventory]:
    """Hash and open the file (now); read record batches (later)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(p)
    except (pa.ArrowException, OSError):
        read_inventory(path, max_errors=max_errors)  # raises the reader's own error
        raise
    sha = hashlib.sha256()
    hash_file(p, sha)
    empty = pf.schema_arrow.empty_table().to_pandas()
    headers = [str(c) for c in empty.columns]
    meta_kw = {
        "path": file,
        "sha256": sha.hexdigest(),
        "file_format": "parquet",
        "encoding": None,
        "encoding_detected": False,
        "sheet": None,
    }
    chunks = _Chunks(file, headers, 1, [], meta_kw, max_errors, options)
    empty = empty.reset_index(drop=True)
    empty.columns = pd.RangeIndex(len(headers))
    return _parquet_body(pf, chunks, chunk_rows, empty)


def _parquet_body(pf, chunks: _Chunks, chunk_rows: int, empty: pd.DataFrame):
    done = 0
    for batch in pf.iter_batches(batch_size=chunk_rows):
        size = batch.num_rows
        frame = batch.to_pandas().reset_index(drop=True)  # a stored pandas index is not data
        frame.columns = pd.RangeIndex(len(chunks.headers))
        box = [frame]
        del frame, batch
        inv = chunks.validate(_rows(2, done, size), box)
        done += size
        if inv is not None:
            yield inv
    chunks.check_not_empty(empty)
