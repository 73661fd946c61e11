"""Read an equipment inventory (CSV or Excel) and validate it into canonical, typed columns.

The column names, units, aliases, ranges and allowed values all come from
:mod:`retrofit.inventory.schema`; this module only reads cells and checks them against it.

Reading
    CSV in UTF-8, UTF-8 with a BOM or GBK/GB18030 (detected, recorded in
    :class:`InventoryMeta`, overridable with ``encoding=``) and ``.xlsx`` (the first sheet or
    ``sheet=``). Every cell is read as text, so nothing becomes NaN or 0 on the way in.
Validating
    Every column is checked at once with vectorised masks and *every* problem in the file is
    collected before anything is raised: an :class:`~retrofit.core.exceptions.InventoryError`
    whose ``issues`` give file, spreadsheet row (header = row 1), original header, original
    cell text and what was expected, e.g.
    ``plant.csv row 7, column 额定功率: "-5" — expected a number > 0 (kW)``.
    A blank cell in an *optional* column is the only way a missing value (NaN/NA) reaches
    the returned frame.

The parts, each its own module: :mod:`.files` reads a file into cells as written (with
:mod:`.sniff` finding its encoding and header row), :mod:`.cells` converts cells to values,
:mod:`.checks` runs the named checks and :mod:`.issues` collects what they find. This module
holds the public readers and :func:`validate_table`, which runs the checks in order and
builds the :class:`Inventory`. The plants file is :mod:`.plants`.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..core.exceptions import InventoryError, InventoryIssue
from . import checks, schema
from .files import CellTable, read_table
from .issues import CellIssues
from .schema import Column
from .sniff import empty_file_issue
from .workbook import ReadLimits

__all__ = [
    "Inventory",
    "InventoryMeta",
    "read_inventory",
    "validate_frame",
    "validate_table",
]


@dataclass
class InventoryMeta:
    """Where an inventory came from and how it was read.

    Attributes
    ----------
    path : str
        The file as the user gave it (used in messages).
    sha256 : str
        Hex digest of the file bytes (of the frame's content for :func:`validate_frame`).
    file_format : str
        ``"csv"``, ``"xlsx"``, ``"parquet"`` or ``"dataframe"``.
    encoding : str or None
        ``"utf-8"``, ``"utf-8-sig"``, ``"gb18030"`` or the forced encoding (CSV); None otherwise.
    encoding_detected : bool
        False when the caller forced the encoding.
    sheet : str or None
        The worksheet read (xlsx).
    header_row : int
        Spreadsheet row of the header: 1 normally, 2 below a merged group-title row.
    header_map : dict
        Canonical column → original header text.
    unit_factors : dict
        Canonical column → factor applied from the unit in the header (``万元`` → 10000).
    passthrough : list of str
        Headers of unknown columns, kept unchanged in the asset frame.
    n_rows : int
        Data rows read (with ``collect=True``, rows with a problem are read but not returned).
    notes : list of str
        What the reader did that a reviewer should know (merged cells filled, blank rows
        dropped, header found on row 2, ...).
    """

    path: str
    sha256: str
    file_format: str
    encoding: str | None
    encoding_detected: bool
    sheet: str | None
    header_row: int
    header_map: dict[str, str]
    unit_factors: dict[str, float]
    passthrough: list[str]
    n_rows: int
    notes: list[str] = field(default_factory=list)


@dataclass
class Inventory:
    """Validated assets (one row per data row, canonical typed columns) and their metadata."""

    assets: pd.DataFrame
    meta: InventoryMeta
    #: With ``collect=True``: the cell problems found (in file order, at most ``max_errors``);
    #: ``assets`` then holds only the rows free of them, so later checks see no row twice.
    issues: list[InventoryIssue] = field(default_factory=list)
    #: How many problems there were in all (``issues`` may be capped by ``max_errors``).
    issue_total: int = 0


def read_inventory(
    path: str | os.PathLike[str],
    *,
    encoding: str | None = None,
    sheet: str | int | None = None,
    max_errors: int = 200,
    collect: bool = False,
    limits: ReadLimits | None = None,
) -> Inventory:
    """Read and validate an inventory file.

    Parameters
    ----------
    path : str or path-like
        A ``.csv``, ``.xlsx`` or ``.parquet`` file (recognised by its content, then its
        suffix). For a file too big to hold at once, see :func:`retrofit.inventory.streaming.iter_inventory`.
    encoding : str, optional
        Force the CSV encoding (``"gbk"``, ``"utf-8"``, ...). By default a UTF-8 BOM gives
        ``"utf-8-sig"``, valid UTF-8 gives ``"utf-8"`` and anything else is read as
        ``"gb18030"`` (a superset of GBK and GB2312). Ignored for xlsx.
    sheet : str or int, optional
        Worksheet name or 0-based index (xlsx); default the first visible sheet (a hidden
        sheet skipped is said in ``meta.notes``).
    max_errors : int, default 200
        At most this many issues are kept in the error; ``InventoryError.total`` counts all.
    collect : bool, default False
        Return cell problems in ``Inventory.issues`` (with the rows they touch left out of
        ``assets``) instead of raising, so that the later checks of
        :func:`retrofit.validate` still see the other rows. Problems of the file as a whole
        (unreadable, a required column missing, a header error) still raise.
    limits : ReadLimits, optional
        Rows, columns, cell length and unpacked size a file may have
        (:class:`~retrofit.inventory.workbook.ReadLimits`); default those of an enclosing
        :func:`~retrofit.inventory.files.reading_limits` block, else the defaults.

    Returns
    -------
    Inventory
        ``assets`` has every canonical column found in the file, typed (text → str,
        int → Int64, number/fraction → float64 in canonical units, choice → canonical value,
        date → datetime64), then the unknown columns under their original headers, then
        ``source_row`` (the spreadsheet row of the record).

    Raises
    ------
    InventoryError
        With every problem found in the file (up to ``max_errors``).
    FileNotFoundError
        The file does not exist.
    LookupError
        ``encoding`` is not an encoding Python knows (``UnknownEncodingError``, also an
        ``OptionError``: exit code 2 in the CLI) (a usage error).
    """
    table, meta_kw = read_table(path, encoding=encoding, sheet=sheet, limits=limits)
    return validate_table(
        table,
        meta_kw,
        schema.COLUMNS,
        schema.match_header,
        max_errors,
        plants=False,
        collect=collect,
    )


def validate_frame(
    df: pd.DataFrame,
    *,
    file: str = "<DataFrame>",
    max_errors: int = 200,
    collect: bool = False,
) -> Inventory:
    """Validate an in-memory inventory exactly as :func:`read_inventory` validates a file.

    Headers may be canonical names or any alias; cells may have any dtype (numbers stay
    numbers, NaN/None count as blank). Rows are reported as index position + 2, as if the
    frame had been saved to a spreadsheet with its header on row 1. ``collect`` is that of
    :func:`read_inventory`.
    """
    headers = [str(c) for c in df.columns]
    cells = df.copy(deep=False)
    cells.columns = pd.RangeIndex(len(headers))
    cells = cells.reset_index(drop=True)
    try:
        digest = hashlib.sha256(
            pd.util.hash_pandas_object(df, index=False).to_numpy().tobytes()
        ).hexdigest()
    except TypeError:  # unhashable cells (lists, dicts): no digest rather than a failure
        digest = ""
    table = CellTable(file, headers, cells, np.arange(2, len(df) + 2, dtype=np.int64), 1, [])
    meta_kw = {
        "path": file,
        "sha256": digest,
        "file_format": "dataframe",
        "encoding": None,
        "encoding_detected": False,
        "sheet": None,
    }
    if len(df) == 0:
        raise InventoryError([empty_file_issue(file, "the table has a header but no data rows")])
    return validate_table(
        table,
        meta_kw,
        schema.COLUMNS,
        schema.match_header,
        max_errors,
        plants=False,
        collect=collect,
    )


def validate_table(
    table: CellTable,
    meta_kw: dict[str, Any],
    columns: Sequence[Column],
    match: Callable[[str], tuple[str | None, float]],
    max_errors: int,
    plants: bool,
    collect: bool = False,
) -> Inventory:
    """Check and type the cells of ``table`` against ``columns``: every step of
    :mod:`.checks`, in order, then the typed frame.

    Parameters
    ----------
    table : CellTable
        The cells as read; they are taken out of it (``table.cells`` is left empty) so that
        each column is freed once checked.
    meta_kw : dict
        The :class:`InventoryMeta` fields the reader knows (path, sha256, file_format,
        encoding, encoding_detected, sheet).
    columns : sequence of Column
        The columns expected (:data:`.schema.COLUMNS`, or a plants file's).
    match : callable
        Header text → (canonical name or None, unit factor); raises ValueError for a unit
        the column does not accept.
    max_errors : int
        At most this many issues are kept.
    plants : bool
        A plants file: no measure checks, ``plant_id`` alone must be unique.
    collect : bool, default False
        As in :func:`read_inventory`.
    """
    notes = list(table.notes)
    issues = CellIssues(table.file, table.rows, max_errors)
    n_cols = len(table.headers)
    cells = checks.cells_by_column(table)
    header_map = checks.map_headers(table.headers, cells.blank, columns, match, issues, notes)
    rows = checks.drop_blank_rows(cells, table.rows, issues, notes)
    if len(rows) == 0:
        issues.file_level("empty-file", None, "the file has a header but no data rows", order=-1)
        issues.raise_if_any()
    checks.check_required_columns(columns, header_map, issues, n_cols)
    typed = checks.type_columns(columns, table.headers, header_map, cells, issues)

    if not plants:
        checks.check_measures(issues, table.headers, header_map, typed, cells)
    id_cols = ["plant_id"] if plants else ["plant_id", "asset_id"]
    checks.check_duplicates(issues, table.headers, header_map, typed, cells, rows, id_cols)
    if not plants:
        checks.check_plant_energy(issues, table.headers, header_map, typed, cells, rows)

    if not collect or issues.file_total:
        issues.raise_if_any()

    out = typed.values
    frame: dict[str, Any] = {c.name: out[c.name] for c in columns if c.name in out}
    for i, name in header_map.passthrough.items():
        frame[name] = cells.raw[i].reset_index(drop=True)
    frame["source_row"] = rows.astype(np.int64)
    assets = pd.DataFrame(frame)
    n_rows = len(assets)
    if issues.total:  # collecting: the rows with a problem go no further
        assets = assets[~issues.failed(n_rows)].reset_index(drop=True)
    meta = InventoryMeta(
        header_row=table.header_row,
        header_map={c: table.headers[i] for c, i in header_map.mapped.items()},
        unit_factors={c: f for c, f in header_map.factors.items()},
        passthrough=list(header_map.passthrough.values()),
        n_rows=n_rows,
        notes=notes,
        **meta_kw,
    )
    return Inventory(assets, meta, issues.sorted_issues(), issues.total)
