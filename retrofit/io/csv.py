"""CSV of result tables through :func:`pyarrow.csv.write_csv`.

``pyarrow.csv`` formats every cell in C++; ``DataFrame.to_csv`` goes through a Python object per
cell (about 20 s for a million rows of 43 columns). The text differs from pandas' in formatting
only, and every value reads back equal: floats in their shortest round-trip form without a
trailing ``.0`` (``1``, ``0.00001``, ``1e+16``), booleans ``true``/``false``, every text cell
quoted (an empty text ``""``, a missing value an empty field), line ends ``\\n``.

Text a spreadsheet would evaluate (``=…``, ``+…``, ``-…``, ``@…``, a leading tab) is written
with a leading apostrophe and NUL bytes are stripped, headers included
(:mod:`retrofit.io.cells`); numbers are written as they are.
"""

from __future__ import annotations

import csv
import io
import os
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from .cells import neutralise_arrow, neutralise_text

#: Rows converted to Arrow and formatted per block: bounds the memory of a block's copy and text
CSV_BLOCK_ROWS = 20_000
#: Threads formatting blocks (Arrow's writer releases the GIL); blocks are written in order
CSV_THREADS = min(4, os.cpu_count() or 1)
#: Written first so that Excel on Chinese Windows reads the file as UTF-8 (not GBK)
CSV_BOM = "\ufeff"


def write_csv(frame: pd.DataFrame, path: str | Path) -> None:
    """``frame`` as CSV (UTF-8 with BOM, header as the csv module writes it, no index), through
    :func:`pyarrow.csv.write_csv`.

    Not atomic by itself: callers write to a temporary file through
    :func:`retrofit.io.atomic.atomic_write`.
    """
    with open(path, "wb") as fh:
        write_csv_stream(frame, fh, bom=True)


def write_csv_stream(frame: pd.DataFrame, fh: BinaryIO, *, bom: bool = False) -> None:
    """``frame`` as CSV into an open binary stream (``--format csv`` writes stdout), with the
    same cells as :func:`write_csv`; ``bom`` writes the UTF-8 byte-order mark first."""
    header = io.StringIO()
    # the header through the csv module: bare names, quoted only when they need it
    csv.writer(header, lineterminator="\n").writerow(
        [neutralise_text(str(c)) for c in frame.columns]
    )
    with ThreadPoolExecutor(CSV_THREADS) as pool:
        fh.write(((CSV_BOM if bom else "") + header.getvalue()).encode("utf-8"))
        # a few blocks in flight keep every core busy and the memory bounded
        pending: deque[Future[pa.Buffer]] = deque()
        for start in range(0, len(frame), CSV_BLOCK_ROWS):
            pending.append(pool.submit(csv_block, frame.iloc[start : start + CSV_BLOCK_ROWS]))
            if len(pending) >= CSV_THREADS:
                fh.write(pending.popleft().result())
        while pending:
            fh.write(pending.popleft().result())


def csv_block(block: pd.DataFrame) -> pa.Buffer:
    """The CSV text of a block of rows, without header."""
    # by position and under placeholder names: output columns may repeat a name
    columns = [neutralise_arrow(arrow_column(block.iloc[:, i])) for i in range(block.shape[1])]
    if len(columns) == 1:
        # a lone empty field would be a blank line, which readers skip: quote it, as the csv
        # module does
        columns = [pc.fill_null(columns[0].cast(pa.string()), "")]
    table = pa.Table.from_arrays(columns, names=[f"c{i}" for i in range(len(columns))])
    sink = pa.BufferOutputStream()
    # Arrow's default quoting: text cells quoted, numbers and booleans bare
    pacsv.write_csv(table, sink, pacsv.WriteOptions(include_header=False))
    return sink.getvalue()


def arrow_column(s: pd.Series) -> pa.Array:
    """One column as an Arrow array the CSV writer formats as pandas' value would read back:
    NaN, NA and None are null (an empty field); a column of midnights is a date."""
    dtype = s.dtype
    if isinstance(dtype, np.dtype) and dtype.kind == "M":
        values = pa.array(s, from_pandas=True)
        days = s.dropna()
        if (days == days.dt.normalize()).all():  # pandas writes a column of midnights as dates
            return values.cast(pa.date32())
        if (days == days.dt.floor("s")).all():  # no fractions of a second to write
            return values.cast(pa.timestamp("s", tz=values.type.tz))
        return values
    if isinstance(dtype, pd.CategoricalDtype):
        return arrow_column(s.astype(dtype.categories.dtype))
    try:
        return pa.array(s, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        return text_of_objects(s)


def text_of_objects(s: pd.Series) -> pa.Array:
    """A column Arrow cannot type (mixed Python objects) as each value's ``str``, as pandas
    writes it; one Python call per cell, so only for such columns."""
    return pa.array([None if pd.isna(v) else str(v) for v in s.tolist()], pa.string())
