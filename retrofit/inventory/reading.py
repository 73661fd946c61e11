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
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..columns import glossary
from ..core.exceptions import InventoryError, InventoryIssue, OptionError
from . import checks, schema
from .cells import number_text
from .files import CellTable, read_table
from .headers import (
    match_inventory_header,
    renamed_matcher,
    resembled_column,
    resembled_plant_column,
    similar_headers,
)
from .issues import CellIssues
from .nameplate import fill_from_models
from .schema import Column
from .sniff import MAX_NOTE_ITEMS, SUMMARY_ROW_KINDS, empty_file_issue, summary_rows
from .workbook import ReadLimits

__all__ = [
    "Inventory",
    "InventoryMeta",
    "output_column_names",
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
    renamed : dict
        Header → the name it is kept under, for unknown headers that name a column the tool
        computes (``piles_replaced`` → ``piles_replaced (input)``).
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
    renamed: dict[str, str] = field(default_factory=dict)
    #: Date column → spreadsheet rows whose cell gave a month without a day (2025年10月),
    #: read as the first day of that month; an estimate caveats them.
    month_only_rows: dict[str, list[int]] = field(default_factory=dict)
    #: Rows that are no asset and were skipped: totals (合计, 小计), signatures (填表人：…) and
    #: notes (备注：…), each as ``{"row", "kind", "text"}``.
    skipped_rows: list[dict[str, Any]] = field(default_factory=list)


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


def output_column_names() -> frozenset[str]:
    """The columns an estimate computes into its assets table (glossary kind ``asset``, which
    holds every output column of :func:`retrofit.results.asset_columns` that is no input):
    an inventory column of one of these names is kept renamed (see :func:`.checks.map_headers`)."""
    return frozenset(e.name for e in glossary().values() if e.kind == "asset")


def read_inventory(
    path: str | os.PathLike[str],
    *,
    encoding: str | None = None,
    sheet: str | int | None = None,
    max_errors: int = 200,
    collect: bool = False,
    rename: Mapping[str, str] | None = None,
    passthrough: Sequence[str] = (),
    limits: ReadLimits | None = None,
    check_named: bool = True,
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
        :func:`retrofit.validate` still see the other rows. A file that cannot be read as a
        table still raises; a required column missing leaves no row to go further, a column
        a measure needs leaves out the rows of that measure.
    rename : mapping, optional
        Header as typed → column (canonical name or alias), read before any alias:
        ``{"运行时数": "operating_hours_h"}``. A unit in the header still scales the cells.
    passthrough : sequence of str, optional
        Headers to carry through unread without the "looks like" error a header that
        resembles a known column otherwise gets.
    limits : ReadLimits, optional
        Rows, columns, cell length and unpacked size a file may have
        (:class:`~retrofit.inventory.workbook.ReadLimits`); default those of an enclosing
        :func:`~retrofit.inventory.files.reading_limits` block, else the defaults.
    check_named : bool, default True
        Raise :class:`OptionError` when a header named in ``rename`` or ``passthrough`` is not
        in the file (a misspelt option); a run over many files checks it across them.

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
    if check_named:
        check_renamed_headers(table.headers, rename, passthrough, table.file)
    return validate_table(
        table,
        meta_kw,
        schema.COLUMNS,
        renamed_matcher(rename, match_inventory_header),
        max_errors,
        plants=False,
        collect=collect,
        passthrough=passthrough,
    )


def _alias_notes(headers: Sequence[str], mapped: Mapping[str, int]) -> list[str]:
    """A note for each header read through table header_aliases, a unit written without
    brackets or the user's ``rename`` (the schema's own aliases need none)."""
    notes = []
    for column, i in mapped.items():
        header = str(headers[i])
        try:
            by_schema = schema.match_header(header)[0] == column
        except ValueError:
            by_schema = False
        if column == "plant_id" and mapped.get("plant_name") == i:
            continue  # 企业名称 serving as the identifier has its own note
        if not by_schema:
            notes.append(
                f"column {header} read as {column} (an audit-sheet alias of table "
                "header_aliases, a unit without brackets, or your rename)"
            )
    return notes


def check_renamed_headers(
    headers: Sequence[str],
    rename: Mapping[str, str] | None,
    passthrough: Sequence[str],
    file: str,
) -> None:
    """Every header named in ``rename`` or ``passthrough`` is one of the file's (a misspelt
    option would otherwise be silently without effect)."""
    present = {schema.normalise(str(h)) for h in headers if h is not None}
    for option, named in (("rename", list(rename or {})), ("keep-column", list(passthrough))):
        for header in named:
            if schema.normalise(header) not in present:
                raise OptionError(
                    f"--{option} {header}: {file} has no header '{header}'; its headers: "
                    + ", ".join(str(h) for h in headers if h is not None and str(h).strip())
                )


def validate_frame(
    df: pd.DataFrame,
    *,
    file: str = "<DataFrame>",
    max_errors: int = 200,
    collect: bool = False,
    rename: Mapping[str, str] | None = None,
    passthrough: Sequence[str] = (),
    first_row: int = 2,
) -> Inventory:
    """Validate an in-memory inventory exactly as :func:`read_inventory` validates a file.

    Headers may be canonical names or any alias; cells may have any dtype (numbers stay
    numbers, NaN/None count as blank). Rows are reported as index position + ``first_row``:
    by default + 2, as if the frame had been saved to a spreadsheet with its header on row 1
    (a table typed on a web page numbers its first row 1). ``collect``, ``rename`` and
    ``passthrough`` are those of :func:`read_inventory`.
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
    numbers = np.arange(first_row, len(df) + first_row, dtype=np.int64)
    table = CellTable(file, headers, cells, numbers, first_row - 1, [])
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
    check_renamed_headers(headers, rename, passthrough, file)
    return validate_table(
        table,
        meta_kw,
        schema.COLUMNS,
        renamed_matcher(rename, match_inventory_header),
        max_errors,
        plants=False,
        collect=collect,
        passthrough=passthrough,
    )


def validate_table(
    table: CellTable,
    meta_kw: dict[str, Any],
    columns: Sequence[Column],
    match: Callable[[str], tuple[str | None, float]],
    max_errors: int,
    plants: bool,
    collect: bool = False,
    passthrough: Sequence[str] = (),
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
    passthrough : sequence of str
        Headers the user keeps unread (no "looks like" error; inventories only).
    """
    notes = list(table.notes)
    issues = CellIssues(table.file, table.rows, max_errors)
    n_cols = len(table.headers)
    cells = checks.cells_by_column(table)
    reserved = frozenset() if plants else output_column_names()
    header_map = checks.map_headers(
        table.headers, cells.blank, columns, match, issues, notes, reserved
    )
    if not plants:
        notes.extend(_alias_notes(table.headers, header_map.mapped))
    # a typed number under a header that resembles a column is never dropped; a column named
    # like one retrofit computes (its own output read back) is renamed, not a near miss
    unmapped = {
        i: name
        for i, name in header_map.passthrough.items()
        if table.headers[i] not in header_map.renamed
    }
    similar = similar_headers(
        table.headers,
        unmapped,
        list(header_map.mapped),
        cells.blank,
        passthrough,
        resembled_plant_column if plants else resembled_column,
    )
    for found in similar:
        issues.file_level("similar-header", found.header, found.message(), order=found.position)
    rows = checks.drop_blank_rows(cells, table.rows, issues, notes)
    rows, skipped = _skip_summary_rows(cells, rows, issues, notes)
    if not plants:
        fill_from_models(table.headers, header_map, cells, issues, notes)
        n_cols = len(table.headers)  # a model may have added the columns it fills
    if len(rows) == 0:
        issues.file_level("empty-file", None, "the file has a header but no data rows", order=-1)
        issues.raise_if_any()
    checks.check_required_columns(columns, header_map, issues, n_cols)
    typed = checks.type_columns(columns, table.headers, header_map, cells, issues)
    if not plants:
        _check_power_after(table.headers, header_map.mapped, typed, issues)

    if not plants:
        checks.check_measures(issues, table.headers, header_map, typed, cells)
    id_cols = ["plant_id"] if plants else ["plant_id", "asset_id"]
    checks.check_duplicates(issues, table.headers, header_map, typed, cells, rows, id_cols)
    if not plants:
        checks.check_plant_energy(issues, table.headers, header_map, typed, cells, rows)

    for found in similar:  # a column reported missing that is there under another name
        issues.amend_missing(
            found.column,
            f"; column {found.header} looks like it: --rename {found.header}={found.column}",
        )
    if plants:  # a plants file missing a column: the headers it has that were not read
        named = {found.header for found in similar}
        unread = [str(table.headers[i]) for i in unmapped if table.headers[i] not in named]
        for column in columns:
            if unread and column.required and column.name not in header_map.mapped:
                issues.amend_missing(
                    column.name,
                    f"; headers not read: {', '.join(unread)} (map one with --rename "
                    f"HEADER={column.name})",
                )
    if not collect or issues.stops_file or (plants and issues.file_total):
        issues.raise_if_any()  # a plants file missing a column is not read at all
    month_only_rows = _month_only_rows(typed.month_only, rows, header_map.mapped, table, notes)

    out = typed.values
    frame: dict[str, Any] = {c.name: out[c.name] for c in columns if c.name in out}
    for i, name in header_map.passthrough.items():
        frame[name] = cells.raw[i].reset_index(drop=True)
    frame["source_row"] = rows.astype(np.int64)
    assets = pd.DataFrame(frame)
    n_rows = len(assets)
    if issues.total:  # collecting: the rows with a problem go no further
        failed = issues.failed(n_rows)
        if any(c.required and c.name not in header_map.mapped for c in columns):
            failed[:] = True  # a required column missing: no row can be computed
        assets = assets[~failed].reset_index(drop=True)
    meta = InventoryMeta(
        header_row=table.header_row,
        header_map={c: table.headers[i] for c, i in header_map.mapped.items()},
        unit_factors={c: f for c, f in header_map.factors.items()},
        passthrough=list(header_map.passthrough.values()),
        n_rows=n_rows,
        notes=notes,
        renamed=dict(header_map.renamed),
        month_only_rows=month_only_rows,
        skipped_rows=skipped,
        **meta_kw,
    )
    return Inventory(assets, meta, issues.sorted_issues(), issues.total)


def _check_power_after(
    headers: list[str], mapped: dict[str, int], typed: checks.TypedColumns, issues: CellIssues
) -> None:
    """A conflict where the rated power after the retrofit (改造后 功率) differs from the rated
    power before: a motor upgrade keeps the rated power, and another size is not modelled."""
    if "target_rated_power_kw" not in mapped or "rated_power_kw" not in mapped:
        return
    before = np.asarray(typed.values["rated_power_kw"], dtype=float)
    after = np.asarray(typed.values["target_rated_power_kw"], dtype=float)
    both = typed.valid["rated_power_kw"] & typed.valid["target_rated_power_kw"]
    with np.errstate(invalid="ignore"):
        differ = both & (np.abs(after - before) > 0.005 * before)
    if not differ.any():
        return
    i, bi = mapped["target_rated_power_kw"], mapped["rated_power_kw"]

    def text(pos: np.ndarray) -> list[str | None]:
        return [number_text(after[p]) for p in pos]

    def expected(pos: np.ndarray) -> list[str]:
        return [
            f"the rated power before, {headers[bi]} = {number_text(before[p])} kW (a motor "
            "upgrade keeps the rated power; a motor of another size is not modelled)"
            for p in pos
        ]

    issues.cells("conflict", differ, headers[i], i, text, expected)


_KIND_WORDS = {"total": "a total row", "signature": "a signature row", "note": "a note row"}


def _skip_summary_rows(
    cells: checks.ColumnCells, rows: np.ndarray, issues: CellIssues, notes: list[str]
) -> tuple[np.ndarray, list[dict[str, Any]]]:
    """Leave out the total, signature and note rows (合计, 填表人：, 备注：), each noted."""
    kind, texts = summary_rows(cells.text, cells.blank, len(rows))
    found = kind >= 0
    if not found.any():
        return rows, []
    names = list(SUMMARY_ROW_KINDS)
    skipped = [
        {"row": int(r), "kind": names[k], "text": t}
        for r, k, t in zip(rows[found], kind[found], texts, strict=True)
    ]
    notes.extend(
        f"row {item['row']} skipped, {_KIND_WORDS[item['kind']]}: {item['text']}"
        for item in skipped[:MAX_NOTE_ITEMS]
    )
    if len(skipped) > MAX_NOTE_ITEMS:
        notes.append(f"… and {len(skipped) - MAX_NOTE_ITEMS} more total/signature/note rows")
    return checks.keep_rows(cells, rows, issues, ~found), skipped


def _month_only_rows(
    month_only: dict[str, np.ndarray],
    rows: np.ndarray,
    mapped: dict[str, int],
    table: CellTable,
    notes: list[str],
) -> dict[str, list[int]]:
    """Canonical date column → rows of its month-only cells, each with a note."""
    out: dict[str, list[int]] = {}
    for name, mask in month_only.items():
        if not mask.any():
            continue
        found = [int(r) for r in rows[mask]]
        out[name] = found
        shown = ", ".join(str(r) for r in found[:MAX_NOTE_ITEMS])
        more = "" if len(found) <= MAX_NOTE_ITEMS else f", … ({len(found)} in all)"
        notes.append(
            f"column {table.headers[mapped[name]]}: a month without a day read as the first "
            f"day of that month: row {shown}{more}"
        )
    return out
