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

``pyarrow`` reads CSV files (pandas' C parser only locates ragged rows); ``openpyxl`` and
``pyarrow`` are imported only when a file needs them.
"""

from __future__ import annotations

import codecs
import csv
import functools
import hashlib
import io
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..core.exceptions import InventoryError, InventoryIssue
from . import schema
from .schema import Column

__all__ = [
    "PLANT_COLUMNS",
    "Inventory",
    "InventoryMeta",
    "read_inventory",
    "read_plants",
    "validate_frame",
]

#: Number of leading rows searched for the header (a group title above it is common).
HEADER_SEARCH_ROWS = 5

_CHUNK = 1 << 20
_MAX_NOTE_ITEMS = 10


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


#: Columns of a plants file (``--plants``): one row per plant.
PLANT_COLUMNS: tuple[Column, ...] = (
    replace(schema.COLUMN_BY_NAME["plant_id"], required=True),
    replace(schema.COLUMN_BY_NAME["plant_energy_tce"], required=True),
    Column(
        "name",
        "text",
        "",
        "plant or enterprise name",
        "企业全称",
        ("name", "plant name", "plant_name", "enterprise name", "名称", "企业全称", "企业名称"),
    ),
    Column(
        "region",
        "text",
        "",
        "city or province",
        "所在地区",
        ("region", "area", "city", "province", "地区", "所在地区", "区域", "城市", "省份"),
    ),
    Column(
        "district",
        "text",
        "",
        "district or county, for the district totals of ``retrofit portfolio``",
        "所在区县",
        ("district", "county", "区", "区县", "所在区", "所在区县", "行政区"),
    ),
    Column(
        "industry",
        "text",
        "",
        "industry, for the industry totals of ``retrofit portfolio``",
        "所属行业",
        ("industry", "sector", "行业", "所属行业", "行业类别", "行业分类"),
    ),
    # a plant's metered energy before and after its retrofits, compared with the estimate
    schema.COLUMN_BY_NAME["metered_baseline_kwh"],
    schema.COLUMN_BY_NAME["metered_retrofit_kwh"],
)

#: Header of a plant's energy use in one year: ``energy_tce_2023``, ``2023年综合能耗``,
#: ``综合能耗2023`` …, optionally with a unit in brackets (normalised text, see schema.normalise)
_ENERGY_YEAR_HEADER = re.compile(
    r"^(?:(?:energy(?:_tce)?|综合能耗|能耗)[_-]?(?P<a>(?:19|20)\d\d)年?"
    r"|(?P<b>(?:19|20)\d\d)年?[_-]?(?:energy(?:_tce)?|年?综合能耗|能耗|综合能源消费量))$"
)


def energy_year(header: str) -> int | None:
    """The year of a plants-file header that gives energy use by year, else None.

    >>> energy_year("2023年综合能耗(万吨标准煤)"), energy_year("energy_tce_2024")
    (2023, 2024)
    """
    key = schema.normalise(header)
    m = _UNIT_SUFFIX.match(key)
    m = _ENERGY_YEAR_HEADER.match(m.group("base") if m else key)
    if m is None:
        return None
    return int(m.group("a") or m.group("b"))


# --- public API ------------------------------------------------------------------------


def read_inventory(
    path: str | os.PathLike[str],
    *,
    encoding: str | None = None,
    sheet: str | int | None = None,
    max_errors: int = 200,
    collect: bool = False,
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
        Worksheet name or 0-based index (xlsx); default the first sheet.
    max_errors : int, default 200
        At most this many issues are kept in the error; ``InventoryError.total`` counts all.
    collect : bool, default False
        Return cell problems in ``Inventory.issues`` (with the rows they touch left out of
        ``assets``) instead of raising, so that the later checks of
        :func:`retrofit.validate` still see the other rows. Problems of the file as a whole
        (unreadable, a required column missing, a header error) still raise.

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
        ``encoding`` is not an encoding Python knows (a usage error).
    """
    table, meta_kw = _read_table(path, encoding=encoding, sheet=sheet, max_errors=max_errors)
    return _finish(
        table,
        meta_kw,
        schema.COLUMNS,
        schema.match_header,
        max_errors,
        plants=False,
        collect=collect,
    )


def read_plants(
    path: str | os.PathLike[str],
    *,
    encoding: str | None = None,
    sheet: str | int | None = None,
    max_errors: int = 200,
    collect: bool = False,
) -> pd.DataFrame:
    """Read and validate a plants file: one row per plant.

    Returns
    -------
    pandas.DataFrame
        ``plant_id`` (str), ``plant_energy_tce`` (float64 [tce], the previous year's energy),
        ``name``, ``region``, ``district`` and ``industry`` (str, when present), one
        ``energy_tce_YYYY`` column (float64 [tce]) per year of energy use given (headers such
        as ``energy_tce_2023``, ``2023年综合能耗(tce)``, ``综合能耗2023``) and ``source_row``.
        ``plant_energy_tce`` is required unless energy is given by year; year cells may be
        blank (that year is unknown). The meta record is in ``df.attrs["meta"]``; with
        ``collect=True`` (see :func:`read_inventory`) the cell problems are in
        ``df.attrs["issues"]`` and ``df.attrs["issue_total"]`` and their rows are left out.

    Raises
    ------
    InventoryError
        As :func:`read_inventory`; a plant_id listed twice is a ``duplicate-id`` issue.
    """
    table, meta_kw = _read_table(path, encoding=encoding, sheet=sheet, max_errors=max_errors)
    years = sorted({y for h in table.headers if h is not None and (y := energy_year(str(h)))})
    columns = PLANT_COLUMNS
    match = _match_plant_header
    if years:
        # energy by year replaces the single previous-year figure, and a blank year is allowed:
        # the 百一 check of the year after it is then reported as unknown
        energy = schema.COLUMN_BY_NAME["plant_energy_tce"]
        columns = (
            PLANT_COLUMNS[0],
            replace(energy, required=False),
            *PLANT_COLUMNS[2:],
            *(
                replace(
                    energy,
                    name=f"energy_tce_{y}",
                    required=False,
                    description=f"the plant's total energy use in {y}",
                    description_zh=f"{y}年综合能耗",
                )
                for y in years
            ),
        )

        def match(header: str) -> tuple[str | None, float]:
            year = energy_year(header)
            if year is None:
                return _match_plant_header(header)
            m = _UNIT_SUFFIX.match(schema.normalise(header))
            if m is None:
                return f"energy_tce_{year}", 1.0
            return f"energy_tce_{year}", _unit_factor(energy, m.group("unit"), header)

    inv = _finish(table, meta_kw, columns, match, max_errors, plants=True, collect=collect)
    keep = [c.name for c in columns if c.name in inv.assets] + ["source_row"]
    out = inv.assets[keep].copy()
    out.attrs["meta"] = inv.meta
    if collect:
        out.attrs["issues"] = inv.issues
        out.attrs["issue_total"] = inv.issue_total
    return out


def previous_year_energy(plants: pd.DataFrame, year: int, energy: pd.Series) -> pd.Series:
    """``energy`` (plant_id → the inventories' previous-year energy [tce]) completed from a
    plants table (:func:`read_plants`): its ``plant_energy_tce``, else its ``energy_tce_<year−1>``.

    Raises
    ------
    InventoryError
        A ``conflict`` issue per plant whose two figures differ, located in the plants file.
    """
    table = plants.set_index("plant_id")
    column = "plant_energy_tce" if "plant_energy_tce" in table.columns else f"energy_tce_{year - 1}"
    if column not in table.columns:
        return energy
    meta = plants.attrs.get("meta")
    from_file = table[column].reindex(energy.index).astype(float)
    both = energy.notna() & from_file.notna() & ~np.isclose(energy, from_file)
    if both.any():
        rows = (
            table["source_row"].reindex(energy.index)
            if "source_row" in table.columns
            else pd.Series(None, energy.index)
        )
        raise InventoryError(
            [
                InventoryIssue(
                    "conflict",
                    meta.path if meta else "<plants DataFrame>",
                    None if pd.isna(rows[p]) else int(rows[p]),
                    (meta.header_map.get(column) if meta else None) or column,
                    f"{from_file[p]:g}",
                    f"the inventory's value {energy[p]:g} tce for plant {p} (give it in one place)",
                )
                for p in energy.index[both]
            ]
        )
    return energy.fillna(from_file)


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
    table = _Table(file, headers, cells, np.arange(2, len(df) + 2, dtype=np.int64), 1, [])
    meta_kw = {
        "path": file,
        "sha256": digest,
        "file_format": "dataframe",
        "encoding": None,
        "encoding_detected": False,
        "sheet": None,
    }
    if len(df) == 0:
        raise InventoryError([_empty(file, "the table has a header but no data rows")])
    return _finish(
        table,
        meta_kw,
        schema.COLUMNS,
        schema.match_header,
        max_errors,
        plants=False,
        collect=collect,
    )


# --- reading ---------------------------------------------------------------------------


@dataclass
class _Table:
    """Cells as read: positional columns, original headers, spreadsheet row of each row."""

    file: str
    headers: list[str]
    cells: pd.DataFrame
    rows: np.ndarray
    header_row: int
    notes: list[str]


def _fail(type_: str, file: str, text: str, row: int | None = None) -> InventoryError:
    """An error with one file-level issue, for problems that stop reading at once."""
    return InventoryError([InventoryIssue(type_, file, row, None, None, text)])


def _empty(file: str, text: str) -> InventoryIssue:
    return InventoryIssue("empty-file", file, None, None, None, text)


def _read_table(path, *, encoding, sheet, max_errors) -> tuple[_Table, dict[str, Any]]:
    file = str(path)
    p = Path(path)
    size = p.stat().st_size  # FileNotFoundError for a missing file, as open() would
    with p.open("rb") as fh:
        magic = fh.read(8)
    if size == 0:
        raise InventoryError([_empty(file, "the file is empty (0 bytes)")])
    suffix = p.suffix.lower()
    if magic.startswith(b"\xd0\xcf\x11\xe0"):
        raise _fail(
            "encoding-error",
            file,
            "this is an old Excel .xls workbook; save it as .xlsx or as CSV UTF-8 and try again",
        )
    if magic.startswith(b"PK\x03\x04"):
        return _read_xlsx(p, file, sheet)
    if magic.startswith(b"PAR1") or suffix == ".parquet":
        return _read_parquet(p, file)
    if suffix in (".xlsx", ".xlsm"):
        raise _fail(
            "encoding-error",
            file,
            "the file is not a valid .xlsx workbook (it is not a zip archive)",
        )
    return _read_csv(p, file, encoding)


def _scan(p: Path, forced: str | None, file: str) -> tuple[str, str, bool]:
    """Hash the file and find its encoding in one streaming pass (two if not UTF-8)."""
    sha = hashlib.sha256()
    if forced is not None:
        name = codecs.lookup(forced).name  # LookupError for an unknown encoding
        err = _decode_error(p, name, sha)
        if err is not None:
            raise _fail(
                "encoding-error",
                file,
                f"the file cannot be decoded as {forced}: {err}; "
                "leave out --encoding to detect it, or name another",
            )
        return sha.hexdigest(), name, False
    with p.open("rb") as fh:
        head = fh.read(4)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        _hash_only(p, sha)
        raise _fail(
            "encoding-error",
            file,
            "the file is UTF-16 (Excel's 'Unicode text'); save it as 'CSV UTF-8' instead",
        )
    if head.startswith(codecs.BOM_UTF8):
        err = _decode_error(p, "utf-8-sig", sha)
        if err is not None:
            raise _fail(
                "encoding-error",
                file,
                f"the file starts with a UTF-8 byte-order mark but is not valid UTF-8: {err}; "
                "pass --encoding to read it in another encoding",
            )
        return sha.hexdigest(), "utf-8-sig", True
    err_utf8 = _decode_error(p, "utf-8", sha)
    if err_utf8 is None:
        return sha.hexdigest(), "utf-8", True
    err_gb = _decode_error(p, "gb18030", None)
    if err_gb is None:
        return sha.hexdigest(), "gb18030", True
    raise _fail(
        "encoding-error",
        file,
        f"the file is neither UTF-8 ({err_utf8}) nor GBK/GB18030 ({err_gb}); "
        "save it as 'CSV UTF-8' or name its encoding with --encoding",
    )


def _hash_only(p: Path, sha) -> None:
    with p.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            sha.update(chunk)


def _decode_error(p: Path, encoding: str, sha) -> str | None:
    """Decode the file chunk by chunk; describe the first undecodable byte, or None."""
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    offset = 0
    lines = 1
    error = None
    with p.open("rb") as fh:
        while True:
            chunk = fh.read(_CHUNK)
            if sha is not None:
                sha.update(chunk)
            if error is None:
                try:
                    decoder.decode(chunk, final=not chunk)
                except UnicodeDecodeError as e:
                    pos = max(0, min(e.start, len(chunk)))
                    bad = chunk[pos : pos + 1] or b"?"
                    line = lines + chunk.count(b"\n", 0, pos)
                    error = f"byte 0x{bad.hex()} at offset {offset + pos} (line {line})"
                    if sha is None:
                        return error
                lines += chunk.count(b"\n")
                offset += len(chunk)
            if not chunk:
                return error


def _head_records(p: Path, encoding: str, delimiter: str | None = None):
    """Parse the first few records with the csv module: (records, lines used, delimiter)."""
    size = 1 << 16
    while True:
        with p.open("rb") as fh:
            raw = fh.read(size)
            at_eof = not fh.read(1)
        text = codecs.getincrementaldecoder(encoding)("replace").decode(raw, final=at_eof)
        text = text.removeprefix("\ufeff")
        if delimiter is None:
            first = next((ln for ln in text.splitlines() if ln.strip()), "")
            delimiter = max([",", "\t", ";"], key=first.count) if first else ","
            if first.count(delimiter) == 0:
                delimiter = ","
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        records: list[tuple[list[str], int]] = []
        for rec in reader:
            records.append((rec, reader.line_num))
            if len(records) > HEADER_SEARCH_ROWS:
                break
        if at_eof or len(records) > HEADER_SEARCH_ROWS:
            return records[: HEADER_SEARCH_ROWS + (1 if at_eof else 0)], delimiter
        size *= 4


@dataclass
class _CsvHead:
    """What the top of a CSV says: encoding, delimiter, header and where the body starts."""

    meta_kw: dict[str, Any]
    delimiter: str
    headers: list[str]
    header_row: int  # spreadsheet row of the header (1-based)
    lines_used: int  # physical lines up to and including the header
    notes: list[str]


def _csv_head(p: Path, file: str, encoding: str | None) -> _CsvHead:
    """Hash and encoding of the file, and its header (found among the first rows)."""
    sha, enc, detected = _scan(p, encoding, file)
    records, delimiter = _head_records(p, enc)
    records = records[:HEADER_SEARCH_ROWS]
    if not any(any(c.strip() for c in rec) for rec, _ in records):
        raise InventoryError([_empty(file, "the file has no header row (it starts blank)")])
    h = _pick_header([rec for rec, _ in records])
    headers, filled = _complete_header([rec for rec, _ in records], h)
    headers = [c.removeprefix("\ufeff") for c in headers]
    meta_kw = {
        "path": file,
        "sha256": sha,
        "file_format": "csv",
        "encoding": enc,
        "encoding_detected": detected,
        "sheet": None,
    }
    return _CsvHead(
        meta_kw,
        delimiter,
        headers,
        h + 1,
        records[h][1],
        _above_header_note(h, [rec for rec, _ in records]) + filled,
    )


def _read_csv(p: Path, file: str, encoding: str | None) -> tuple[_Table, dict[str, Any]]:
    head = _csv_head(p, file, encoding)
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
    return _Table(file, head.headers, cells, rows, head.header_row, head.notes), head.meta_kw


def _read_csv_body(
    p: Path, file: str, enc: str, delimiter: str, skip_records: int, skip_lines: int, n: int
) -> pd.DataFrame:
    """All data cells as text, columns 0..n-1: pyarrow, or pandas' C engine for a file with
    ragged rows (it pads short rows with blanks and names the row of a long one)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    invalid: list[Any] = []

    def on_invalid(row):
        invalid.append(row)
        return "skip"

    try:
        table = pacsv.read_csv(
            p, **_arrow_csv_options(n, skip_lines, enc, delimiter, invalid_row_handler=on_invalid)
        )
    except pa.ArrowInvalid:
        invalid.append(None)
    if not invalid:
        df = table.to_pandas()
        df.columns = pd.RangeIndex(n)
        return df
    try:
        df = pd.read_csv(
            p,
            sep=delimiter,
            header=None,
            names=list(range(n)),
            index_col=False,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=False,
            skiprows=skip_records,
            encoding=enc,
            engine="c",
        )
    except pd.errors.ParserError as e:
        m = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(e))
        if m is None:
            raise _fail("header-error", file, f"the CSV cannot be parsed: {e}") from e
        raise _fail(
            "header-error",
            file,
            f"this row has {m.group(3)} cells but the header has {n} columns; give the extra "
            "cells a header or delete them",
            row=int(m.group(2)),
        ) from e
    return df.fillna("")


def _arrow_csv_options(
    n: int,
    skip_lines: int,
    enc: str,
    delimiter: str,
    *,
    invalid_row_handler=None,
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


def _header_score(record: Sequence[Any]) -> int:
    score = 0
    for cell in record:
        text = "" if cell is None else str(cell)
        if not text.strip():
            continue
        try:
            canonical, _ = schema.match_header(text)
        except ValueError:
            canonical = "known"
        if canonical is None:
            canonical = _PLANT_INDEX.get(schema.normalise(text))
        score += canonical is not None
    return score


def _pick_header(records: list[list[Any]]) -> int:
    """Index of the record (among the first few) matching the most known headers."""
    scores = [_header_score(r) for r in records[:HEADER_SEARCH_ROWS]]
    best = max(scores) if scores else 0
    if best == 0:  # nothing recognised: the first non-blank row is the header
        return next(i for i, r in enumerate(records) if any(str(c or "").strip() for c in r))
    return scores.index(best)


def _complete_header(records: list[list[Any]], h: int) -> tuple[list[str], list[str]]:
    """The header row, with a blank cell taken from a known header just above it.

    A CSV saved from a sheet whose header cells were merged down over two rows keeps the
    text in the upper row only: ``企业编号`` on row 1 above a blank on row 2.
    """
    headers = ["" if c is None else str(c) for c in records[h]]
    notes = []
    for i, text in enumerate(headers):
        if text.strip():
            continue
        for above in range(h - 1, -1, -1):
            cell = records[above][i] if i < len(records[above]) else ""
            if cell and str(cell).strip() and _header_score([cell]):
                headers[i] = str(cell)
                notes.append(f"header of column {_letter(i)} taken from row {above + 1}: {cell}")
                break
    return headers, notes


def _above_header_note(h: int, records: list[list[Any]]) -> list[str]:
    if h == 0:
        return []
    texts = [
        " ".join(dict.fromkeys(str(c).strip() for c in rec if c is not None and str(c).strip()))
        for rec in records[:h]
    ]
    shown = "; ".join(t for t in texts if t) or "blank"
    return [f"header found on row {h + 1}; row(s) above it ignored: {shown}"]


def _read_xlsx(p: Path, file: str, sheet: str | int | None) -> tuple[_Table, dict[str, Any]]:
    import openpyxl  # imported here: slow to import and only needed for Excel files
    from openpyxl.utils import get_column_letter

    sha = hashlib.sha256()
    _hash_only(p, sha)
    try:
        wb = openpyxl.load_workbook(p, data_only=True)
    except Exception as e:  # a corrupt or non-workbook zip
        raise _fail(
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
            raise _fail(
                "header-error",
                file,
                f"there is no sheet number {sheet} (0-based); the sheets are: {listed}",
            )
        ws = wb.worksheets[sheet]
    else:
        if str(sheet) not in names:
            raise _fail(
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
        [_xlsx_text(c) for c in row]
        for row in ws.iter_rows(min_row=1, max_row=max_row, min_col=1, max_col=max_col)
    ]
    notes = []
    merges = sorted(ws.merged_cells.ranges, key=lambda r: (r.min_row, r.min_col))
    for rng in merges:
        top_left = grid[rng.min_row - 1][rng.min_col - 1]
        for r in range(rng.min_row - 1, min(rng.max_row, max_row)):
            for c in range(rng.min_col - 1, min(rng.max_col, max_col)):
                grid[r][c] = top_left
    for rng in merges[:_MAX_NOTE_ITEMS]:
        start = f"{get_column_letter(rng.min_col)}{rng.min_row}"
        notes.append(f"merged cells {rng.coord} filled from {start}")
    if len(merges) > _MAX_NOTE_ITEMS:
        notes.append(
            f"… and {len(merges) - _MAX_NOTE_ITEMS} more merged ranges filled the same way"
        )
    wb.close()

    if not any(any(c.strip() for c in row) for row in grid):
        raise InventoryError([_empty(file, f"sheet '{ws.title}' is empty")])
    h = _pick_header(grid[:HEADER_SEARCH_ROWS])
    headers, filled = _complete_header(grid, h)
    notes = _above_header_note(h, grid) + notes + filled
    body = grid[h + 1 :]
    cells = pd.DataFrame(body, columns=pd.RangeIndex(max_col), dtype="str")
    if len(body) == 0:
        cells = pd.DataFrame({i: pd.Series([], dtype="str") for i in range(max_col)})
    rows = np.arange(len(body), dtype=np.int64) + (h + 2)
    return _Table(file, headers, cells, rows, h + 1, notes), meta_kw


def _read_parquet(p: Path, file: str) -> tuple[_Table, dict[str, Any]]:
    """A Parquet file, whole: its columns as stored, validated as :func:`validate_frame` does.

    Numbers stay numbers and nulls count as blank; the headers are the column names (any
    alias); a stored pandas index is not data. Rows are numbered index + 2, as if the table
    had been saved to a spreadsheet with its header on row 1.
    """
    import pyarrow as pa  # imported here: only Parquet files need it
    import pyarrow.parquet as pq

    sha = hashlib.sha256()
    _hash_only(p, sha)
    try:
        frame = pq.ParquetFile(p).read().to_pandas()
    except (pa.ArrowException, OSError) as e:
        raise _fail(
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
    return _Table(file, headers, cells, rows, 1, []), meta_kw


def _num_text(v: float) -> str:
    if v == int(v) and abs(v) < 1e15:
        return str(int(v))
    return repr(v)


def _xlsx_text(cell) -> str:
    """The text of an Excel cell as the reader sees it; numbers exactly, dates as ISO dates."""
    import datetime as dt

    v = cell.value
    if v is None:
        return ""
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, int | float):
        fmt = getattr(cell, "number_format", "General") or "General"
        if "%" in fmt and isinstance(v, int | float):
            return _num_text(float(f"{v * 100:.12g}")) + "%"
        return _num_text(float(v)) if isinstance(v, float) else str(v)
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time() else v.isoformat(sep=" ")
    if isinstance(v, dt.date | dt.time):
        return v.isoformat()
    return str(v)


# --- header matching -------------------------------------------------------------------

_PLANT_INDEX = {schema.normalise(a): c.name for c in PLANT_COLUMNS for a in (c.name, *c.aliases)}
_PLANT_BY_NAME = {c.name: c for c in PLANT_COLUMNS}
_UNIT_SUFFIX = re.compile(r"^(?P<base>.+?)[(\[](?P<unit>[^()\[\]]*)[)\]]$")


def _match_plant_header(header: str) -> tuple[str | None, float]:
    """:func:`retrofit.inventory.schema.match_header` over :data:`PLANT_COLUMNS`."""
    key = schema.normalise(header)
    if key in _PLANT_INDEX:
        return _PLANT_INDEX[key], 1.0
    m = _UNIT_SUFFIX.match(key)
    if m is None or m.group("base") not in _PLANT_INDEX:
        return None, 1.0
    column = _PLANT_BY_NAME[_PLANT_INDEX[m.group("base")]]
    return column.name, _unit_factor(column, m.group("unit"), header)


def _unit_factor(column: Column, unit: str, header: str) -> float:
    if unit in column.units:
        return column.units[unit]
    accepted = ", ".join(sorted(column.units)) or "none"
    raise ValueError(
        f"unit '{unit}' in header '{header}' is not accepted for "
        f"{column.name}; accepted units: {accepted}"
    )


# --- issue collection ------------------------------------------------------------------


class _Issues:
    """Collects issues from vectorised masks; builds at most ``cap`` objects per check."""

    def __init__(self, file: str, rows: np.ndarray, cap: int):
        self.file = file
        self.rows = rows
        self.cap = max(int(cap), 0)
        self.total = 0
        self.file_total = 0  # issues of the file as a whole: no row can be checked further
        self.failed_positions: list[np.ndarray] = []  # every flagged row, even past the cap
        self._items: list[tuple[tuple[int, int, int, int], InventoryIssue]] = []

    def file_level(
        self,
        type_: str,
        column: str | None,
        expected: str,
        order: int = 0,
        value: str | None = None,
    ) -> None:
        self.total += 1
        self.file_total += 1
        issue = InventoryIssue(type_, self.file, None, column, value, expected)
        self._items.append(((0, 0, order, len(self._items)), issue))

    def cells(
        self,
        type_: str,
        mask: np.ndarray,
        column: str | None,
        order: int,
        values: Callable[[np.ndarray], list[str | None]] | None,
        expected: str | Callable[[np.ndarray], list[str]],
    ) -> None:
        pos = np.flatnonzero(np.asarray(mask, dtype=bool))
        if len(pos) == 0:
            return
        self.total += len(pos)
        self.failed_positions.append(pos)
        pos = pos[: self.cap]
        vals = values(pos) if values is not None else [None] * len(pos)
        exps = [expected] * len(pos) if isinstance(expected, str) else expected(pos)
        for p, v, e in zip(pos.tolist(), vals, exps, strict=True):
            row = int(self.rows[p])
            issue = InventoryIssue(type_, self.file, row, column, v, e)
            self._items.append(((1, row, order, len(self._items)), issue))

    def sorted_issues(self) -> list[InventoryIssue]:
        items = sorted(self._items, key=lambda kv: kv[0])
        return [i for _, i in items[: self.cap]]

    def failed(self, n_rows: int) -> np.ndarray:
        """Boolean mask of the rows (positions) that carry at least one cell issue."""
        mask = np.zeros(n_rows, dtype=bool)
        for pos in self.failed_positions:
            mask[pos] = True
        return mask

    def raise_if_any(self) -> None:
        if self.total:
            raise InventoryError(self.sorted_issues(), total=self.total)


def _display(v: Any) -> str:
    """A cell as text for a message: strings unchanged, blanks empty, 4.0 as 4."""
    if isinstance(v, str):
        return v
    if v is None or (not isinstance(v, str | bytes) and pd.api.types.is_scalar(v) and pd.isna(v)):
        return ""
    if isinstance(v, float | np.floating):
        return _num_text(float(v)) if np.isfinite(v) else str(v)
    if isinstance(v, pd.Timestamp):
        return v.date().isoformat() if v == v.normalize() else str(v)
    return str(v)


# --- cell parsing (vectorised) ---------------------------------------------------------

_THOUSANDS = r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?"
_DATE = (
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)


def _is_text(s: pd.Series) -> bool:
    return pd.api.types.is_string_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype)


def _to_text(s: pd.Series) -> pd.Series:
    """Any Series as stripped text, blanks as ''."""
    if s.dtype == object or _is_text(s):
        blank = s.isna().to_numpy()
        if s.dtype == object and not blank.all():
            kinds = s[~blank].map(type).unique()
            if not all(k is str for k in kinds):
                out = pd.Series([_display(v) for v in s], index=s.index, dtype="str")
                return out.str.strip()
        out = s.astype("str")
        if blank.any():
            out = out.where(~blank, "")
        return out.str.strip()
    if pd.api.types.is_float_dtype(s.dtype):
        v = s.to_numpy(dtype=float, na_value=np.nan)
        return pd.Series([_display(x) for x in v], index=s.index, dtype="str")
    blank = s.isna().to_numpy()
    out = s.astype("str")
    return out.where(~blank, "") if blank.any() else out


def _nfkc(t: pd.Series) -> pd.Series:
    """NFKC-fold only the cells that need it (full-width digits, ％, ideographic space)."""
    wide = ~t.str.isascii().to_numpy(dtype=bool)
    if wide.any():
        t = t.copy()
        t[wide] = t[wide].str.normalize("NFKC").str.strip()
    return t


def _parse_number(col: Column, s: pd.Series, blank: np.ndarray, factor: float):
    """Text or numeric cells → (float values in canonical units, bad-type mask)."""
    if not _is_text(s):
        v = pd.to_numeric(s, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        bad = ~blank & ~np.isfinite(v)
        return np.where(blank, np.nan, v) * factor, bad
    t = _nfkc(s)
    pct = np.zeros(len(t), dtype=bool)
    if col.kind == "fraction" or "%" in col.units:
        pct = t.str.endswith("%").to_numpy(dtype=bool)
        if pct.any():
            t = t.where(~pct, t.str[:-1].str.rstrip())
    comma = t.str.contains(",", regex=False).to_numpy(dtype=bool)
    if comma.any():
        strict = t.str.fullmatch(_THOUSANDS).to_numpy(dtype=bool)
        t = t.where(~(comma & strict), t.str.replace(",", "", regex=False))
    v = _to_float(t)
    bad = ~blank & ~np.isfinite(v)
    if col.kind == "fraction":
        # "75%" is 0.75 whatever the header says; a plain number is scaled by the header unit
        return np.where(pct, v / 100, v * factor), bad
    return v * factor, bad


def _to_float(t: pd.Series) -> np.ndarray:
    """Parse text to float64; unparsable cells (and blanks) become NaN, to be reported."""
    arr = t.array
    if hasattr(arr, "_pa_array"):  # arrow-backed strings: one C cast when every cell is clean
        import pyarrow as pa
        import pyarrow.compute as pc

        a = arr._pa_array
        try:
            a = pc.if_else(pc.equal(a, ""), pa.scalar("nan"), a)  # blanks are masked by caller
            return pc.cast(a, pa.float64()).to_numpy(zero_copy_only=False)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            pass
    return pd.to_numeric(t, errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def _range_mask(col: Column, v: np.ndarray, ok: np.ndarray) -> np.ndarray:
    out = np.zeros(len(v), dtype=bool)
    with np.errstate(invalid="ignore"):
        if col.minimum is not None:
            out |= (v < col.minimum) if col.minimum_inclusive else (v <= col.minimum)
        if col.maximum is not None:
            out |= (v > col.maximum) if col.maximum_inclusive else (v >= col.maximum)
    return out & ok


def _chinese(text: str) -> bool:
    return any("\u3400" <= ch <= "\u9fff" for ch in text)


def _choice_expected(col: Column) -> str:
    if col.name == "measure":
        names = [m.name for m in schema.MEASURES]
        zh = [next((a.upper() for a in m.aliases if _chinese(a)), None) for m in schema.MEASURES]
        head = "one or more of " + ", ".join(names) + " joined with +"
    elif col.name == "poles":
        return f"one of {', '.join(col.choices)} (or {', '.join(c + '极' for c in col.choices)})"
    else:
        source = schema.CHOICE_ALIASES[col.name]
        names = list(col.choices)
        zh = [next((a.upper() for a in source.get(n, ()) if _chinese(a)), None) for n in names]
        head = "one of " + ", ".join(names)
    zh_names = [z for z in zh if z]
    return head + (f" (or {', '.join(zh_names)})" if zh_names else "")


def _canonical_measure(text: str) -> tuple[str | None, str | None]:
    """'电机更换+变频改造' → ('upgrade_motor+add_vfd', None) or (None, why-not)."""
    aliases = schema.VALUE_ALIASES["measure"]
    parts = [p for p in schema.normalise(text).split("+")]
    found = [m for m in (aliases.get(p) for p in parts) if m is not None]
    if not parts or len(found) < len(parts):
        return None, None
    dupes = sorted({f for f in found if found.count(f) > 1})
    if dupes:
        return None, f"each measure at most once ({', '.join(dupes)} is listed twice)"
    order = {m.name: i for i, m in enumerate(schema.MEASURES)}
    return "+".join(sorted(found, key=order.__getitem__)), None


def _unknown_choice_expected(
    codes: np.ndarray, why: list[str | None], expected: str, positions: np.ndarray
) -> list[str]:
    """What each unknown cell at ``positions`` should have been: the reason its value was
    refused (a measure listed twice…) or the column's accepted values."""
    return [why[codes[p]] or expected for p in positions]


def _parse_choice(col: Column, s: pd.Series):
    """Text cells → (canonical values as object array with None, unknown-value expected per
    unique code or None)."""
    codes, uniques = pd.factorize(s)
    mapped: list[str | None] = []
    why: list[str | None] = []
    if col.name == "measure":
        for u in uniques:
            m, w = _canonical_measure(u)
            mapped.append(m)
            why.append(w)
    else:
        table = schema.VALUE_ALIASES[col.name]
        mapped = [table.get(schema.normalise(u)) for u in uniques]
        why = [None] * len(mapped)
    arr = np.array([*mapped, None], dtype=object)
    return arr[codes], codes, why


# --- validation --------------------------------------------------------------------------


def _letter(i: int) -> str:
    out = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        out = chr(65 + r) + out
    return out


def _finish(
    table: _Table,
    meta_kw: dict[str, Any],
    columns: Sequence[Column],
    match: Callable[[str], tuple[str | None, float]],
    max_errors: int,
    plants: bool,
    collect: bool = False,
) -> Inventory:
    file = table.file
    notes = list(table.notes)
    by_name = {c.name: c for c in columns}
    issues = _Issues(file, table.rows, max_errors)
    n_cols = len(table.headers)
    # raw cells by column, so that each can be freed once checked (memory on large files)
    raw: dict[int, pd.Series] = {i: table.cells[i] for i in range(n_cols)}
    table.cells = pd.DataFrame()

    # 1. cells as stripped text (numbers and dates from a DataFrame stay as they are)
    data: dict[int, pd.Series] = {}
    blank: dict[int, np.ndarray] = {}
    for i in range(n_cols):
        s = raw[i]
        if _is_text(s) or s.dtype == object or pd.api.types.is_bool_dtype(s.dtype):
            s = _to_text(s)
            b = (s == "").to_numpy(dtype=bool)
        else:
            b = s.isna().to_numpy(dtype=bool)
        data[i] = s
        blank[i] = b

    # 2. headers → canonical columns
    mapped: dict[str, int] = {}
    factors: dict[str, float] = {}
    passthrough: dict[int, str] = {}
    used_names: set[str] = set()
    for i, header in enumerate(table.headers):
        header = "" if header is None else str(header)
        if not header.strip():
            if blank[i].all():
                continue  # an empty column without a header: an artefact of the export
            name = f"Unnamed: {_letter(i)}"
            notes.append(f"column {_letter(i)} has no header; kept as '{name}'")
            passthrough[i] = name
            continue
        try:
            canonical, factor = match(header)
        except ValueError as e:
            issues.file_level("header-error", header, str(e), order=i)
            continue
        if canonical is None:
            name = header
            k = 1
            while name in used_names or name == "source_row" or name in by_name:
                name = f"{header}.{k}"
                k += 1
            if name != header:
                notes.append(f"column {_letter(i)} '{header}' repeats a header; kept as '{name}'")
            used_names.add(name)
            passthrough[i] = name
            continue
        if canonical in mapped:
            first = table.headers[mapped[canonical]]
            issues.file_level(
                "header-error",
                header,
                f"this column and column {first} both mean {canonical}; keep only one",
                order=i,
            )
            continue
        mapped[canonical] = i
        factors[canonical] = factor

    if "plant_id" in by_name and "plant_id" not in mapped and "plant_name" in mapped:
        # a sheet with only 企业名称 identifies plants by name, as many enterprise lists do
        mapped["plant_id"] = mapped["plant_name"]
        factors["plant_id"] = 1.0
        notes.append(
            f"column {table.headers[mapped['plant_name']]} is also used as plant_id "
            "(no separate plant identifier column)"
        )

    # 3. entirely blank rows (trailing Excel rows) are dropped, with a note
    all_blank = np.logical_and.reduce([blank[i] for i in range(n_cols)]) if n_cols else None
    rows = table.rows
    if all_blank is not None and all_blank.any():
        keep = ~all_blank
        dropped = rows[all_blank]
        shown = ", ".join(str(r) for r in dropped[:_MAX_NOTE_ITEMS])
        more = "" if len(dropped) <= _MAX_NOTE_ITEMS else f", … ({len(dropped)} in all)"
        notes.append(f"{len(dropped)} entirely blank row(s) dropped: row {shown}{more}")
        for i in range(n_cols):
            data[i] = data[i][keep].reset_index(drop=True)
            blank[i] = blank[i][keep]
            raw[i] = raw[i][keep].reset_index(drop=True)
        rows = rows[keep]
        issues.rows = rows
    if len(rows) == 0:
        issues.file_level("empty-file", None, "the file has a header but no data rows", order=-1)
        issues.raise_if_any()

    # 4. required columns
    for col in columns:
        if col.required and col.name not in mapped:
            issues.file_level("missing-column", col.name, _missing_text(col), order=n_cols)

    def raw_values(i: int) -> Callable[[np.ndarray], list[str | None]]:
        return lambda pos: [_display(v) for v in raw[i].iloc[pos]]

    # 5. each column by kind
    out: dict[str, Any] = {}
    valid: dict[str, np.ndarray] = {}
    codes_of: dict[str, tuple[np.ndarray, list[str | None], np.ndarray]] = {}
    for col in columns:
        if col.name not in mapped:
            continue
        i = mapped[col.name]
        header = table.headers[i]
        s, b = data[i], blank[i]
        if (col.kind in ("text", "choice") and not _is_text(s)) or (
            col.kind != "date" and pd.api.types.is_datetime64_any_dtype(s.dtype)
        ):
            s = _to_text(s)
        bad = np.zeros(len(s), dtype=bool)
        if col.required:
            issues.cells(
                "blank-required",
                b,
                header,
                i,
                raw_values(i),
                f"{col.expected() if col.kind != 'choice' else _choice_expected(col)}"
                " (this column is required)",
            )
        if col.kind == "text":
            out[col.name] = s.where(~b) if b.any() else s
        elif col.kind == "choice" or (col.kind == "int" and col.choices):
            if col.kind == "int":  # poles: 4, "4", "4极"
                t = _nfkc(_to_text(s)).str.replace(r"极$", "", regex=True)
                v, bad = _parse_number(col, t, b, 1.0)
                allowed = np.isin(v, [float(c) for c in col.choices])
                unknown = ~b & ~allowed
                issues.cells(
                    "unknown-value", unknown, header, i, raw_values(i), _choice_expected(col)
                )
                bad = unknown
                out[col.name] = _int_array(v, b | bad)
            else:
                canon, codes, why = _parse_choice(col, s)
                unknown = ~b & pd.isna(canon)
                expected = _choice_expected(col)
                issues.cells(
                    "unknown-value",
                    unknown,
                    header,
                    i,
                    raw_values(i),
                    functools.partial(_unknown_choice_expected, codes, why, expected),
                )
                bad = unknown
                res = pd.Series(canon, dtype="str")
                out[col.name] = res
                codes_of[col.name] = (codes, why, canon)
        elif col.kind in ("int", "number", "fraction"):
            factor = factors[col.name]
            v, bad = _parse_number(col, s, b, factor)
            issues.cells("type-error", bad, header, i, raw_values(i), col.expected())
            ok = ~b & ~bad
            if col.kind == "int":
                frac = ok & (v != np.floor(v))
                issues.cells("type-error", frac, header, i, raw_values(i), col.expected())
                bad |= frac
                ok &= ~frac
            oor = _range_mask(col, v, ok)
            if col.kind == "fraction" and factor != 1.0 and _is_text(s):
                # a header in % with plain values ≤ 1.25 is ambiguous: 0.75 % or 75 %?
                plain = ~s.str.contains("%", regex=False).to_numpy(dtype=bool)
                amb = ok & plain & (v * 100 <= (col.maximum or 1.0)) & ~oor
                issues.cells(
                    "out-of-range",
                    amb,
                    header,
                    i,
                    raw_values(i),
                    f"a percentage such as 75 (the header is in %); "
                    f"a plain number ≤ {_num_text(col.maximum or 1.0)} here is ambiguous",
                )
                bad |= amb
            expected = col.expected()
            if col.kind == "fraction" and factor != 1.0:
                expected = f"a percentage {_bounds(col, 1 / factor)} (the header is in %)"
            issues.cells("out-of-range", oor, header, i, raw_values(i), expected)
            bad |= oor
            if col.kind == "int":
                out[col.name] = _int_array(v, b | bad)
            else:
                out[col.name] = pd.Series(np.where(b | bad, np.nan, v), dtype="float64")
        elif col.kind == "date":
            d, bad = _parse_date(s, b)
            issues.cells("type-error", bad, header, i, raw_values(i), col.expected())
            out[col.name] = d
        valid[col.name] = ~b & ~bad
        del data[i], s
        if col.name not in _CROSS_CHECKED:
            del raw[i]

    # 6. checks across columns
    if not plants:
        _check_measures(
            issues, table.headers, mapped, out, valid, blank, codes_of, raw_values, n_cols
        )
        id_cols = ["plant_id", "asset_id"]
    else:
        id_cols = ["plant_id"]
    _check_duplicates(issues, table.headers, mapped, out, valid, rows, raw_values, id_cols)
    if not plants:
        _check_plant_energy(issues, table.headers, mapped, out, valid, rows, raw_values)

    if not collect or issues.file_total:
        issues.raise_if_any()

    # 7. the typed frame
    frame: dict[str, Any] = {c.name: out[c.name] for c in columns if c.name in out}
    for i, name in passthrough.items():
        frame[name] = raw[i].reset_index(drop=True)
    frame["source_row"] = rows.astype(np.int64)
    assets = pd.DataFrame(frame)
    n_rows = len(assets)
    if issues.total:  # collecting: the rows with a problem go no further
        assets = assets[~issues.failed(n_rows)].reset_index(drop=True)
    meta = InventoryMeta(
        header_row=table.header_row,
        header_map={c: table.headers[i] for c, i in mapped.items()},
        unit_factors={c: f for c, f in factors.items()},
        passthrough=list(passthrough.values()),
        n_rows=n_rows,
        notes=notes,
        **meta_kw,
    )
    return Inventory(assets, meta, issues.sorted_issues(), issues.total)


def _bounds(col: Column, scale: float) -> str:
    parts = []
    if col.minimum is not None:
        parts.append(f"{'≥' if col.minimum_inclusive else '>'} {_num_text(col.minimum * scale)}")
    if col.maximum is not None:
        parts.append(f"{'≤' if col.maximum_inclusive else '<'} {_num_text(col.maximum * scale)}")
    return " and ".join(parts)


#: Columns whose raw cells are still needed after their own checks (for messages).
_CROSS_CHECKED = frozenset(
    {"plant_id", "asset_id", "measure", "plant_energy_tce"}
    | {name for m in schema.MEASURES for name in m.requires}
)


def _missing_text(col: Column) -> str:
    aliases = [a for a in col.aliases if a != col.name]
    return f"missing — add a column {col.name} (or one of its aliases: {', '.join(aliases)})"


def _int_array(v: np.ndarray, missing: np.ndarray) -> pd.Series:
    values = np.where(missing, 0, v).astype(np.int64)
    return pd.Series(pd.arrays.IntegerArray(values, missing.copy()))


def _parse_date(s: pd.Series, blank: np.ndarray) -> tuple[pd.Series, np.ndarray]:
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        return s.reset_index(drop=True), np.zeros(len(s), dtype=bool)
    codes, uniques = pd.factorize(_to_text(s))  # dates repeat: parse each spelling once
    t = _nfkc(pd.Series(uniques, dtype="str"))
    parts = t.str.extract(_DATE)
    parsed = pd.to_datetime({"year": parts[0], "month": parts[1], "day": parts[2]}, errors="coerce")
    d = pd.Series(parsed.to_numpy()[codes] if len(uniques) else [], dtype=parsed.dtype)
    bad = ~blank & d.isna().to_numpy(dtype=bool)
    return d, bad


def _header_or_name(headers: list[str], mapped: dict[str, int], name: str) -> str:
    return headers[mapped[name]] if name in mapped else name


def _check_measures(
    issues: _Issues, headers, mapped, out, valid, blank, codes_of, raw_values, n_cols
) -> None:
    """Measures must apply to the row's category, be modelled, and have their inputs."""
    if "measure" not in codes_of:
        return
    mi = mapped["measure"]
    mheader = headers[mi]
    measures = out["measure"].to_numpy(dtype=object, na_value=None)
    n = len(measures)
    cats = (
        out["category"].to_numpy(dtype=object, na_value=None)
        if "category" in out
        else np.full(n, None, dtype=object)
    )
    key = (
        pd.Series(cats, dtype="str").fillna("") + "|" + pd.Series(measures, dtype="str").fillna("")
    )
    codes, uniques = pd.factorize(key)
    messages: list[str | None] = []
    issue_type: list[str | None] = []
    modelled = [m.name for m in schema.MEASURES if m.modelled]
    for u in uniques:
        cat, _, meas = u.partition("|")
        msg = kind = None
        if meas:
            for name in meas.split("+"):
                m = schema.MEASURE_BY_NAME[name]
                if cat and cat not in m.categories:
                    fits = [x.name for x in schema.MEASURES if cat in x.categories]
                    msg = (
                        f"a measure that applies to {cat} ({', '.join(fits) or 'none'}); "
                        f"{name} applies to {', '.join(m.categories)}"
                    )
                    kind = "not-applicable"
                    break
                if not m.modelled:
                    msg = (
                        f"a measure this version models ({', '.join(modelled)}); "
                        f"{name} is recognised but not modelled yet"
                    )
                    kind = "not-applicable"
                    break
        messages.append(msg)
        issue_type.append(kind)
    has_msg = np.array([m is not None for m in messages] + [False])[codes]
    issues.cells(
        "not-applicable",
        has_msg,
        mheader,
        mi,
        raw_values(mi),
        lambda pos: [messages[codes[p]] or "" for p in pos],
    )

    # inputs each measure needs
    for m in schema.MEASURES:
        with_m = np.array(
            [
                bool(u.partition("|")[2]) and m.name in u.partition("|")[2].split("+")
                for u in uniques
            ]
            + [False]
        )[codes]
        with_m &= ~has_msg
        if not with_m.any():
            continue
        first_row = int(issues.rows[np.flatnonzero(with_m)[0]])
        for name in m.requires:
            col = schema.COLUMN_BY_NAME[name]
            if name not in mapped:
                issues.file_level(
                    "missing-column",
                    name,
                    f"missing — measure {m.name} (first on row {first_row}) needs a column "
                    f"{name} (or one of its aliases: "
                    f"{', '.join(a for a in col.aliases if a != name)})",
                    order=n_cols,
                )
                continue
            i = mapped[name]
            issues.cells(
                "blank-required",
                with_m & blank[i],
                headers[i],
                i,
                raw_values(i),
                f"{col.expected()} (measure {m.name} needs it)",
            )
        for group in m.requires_one_of:
            present = [g for g in group if g in mapped]
            names = " or ".join(_header_or_name(headers, mapped, g) for g in group)
            if not present:
                issues.file_level(
                    "missing-column",
                    group[0],
                    f"missing — measure {m.name} (first on row {first_row}) needs a column "
                    f"{' or '.join(group)}",
                    order=n_cols,
                )
                continue
            none_given = with_m & np.logical_and.reduce([blank[mapped[g]] for g in present])
            issues.cells(
                "blank-required",
                none_given,
                None,
                mapped[present[0]],
                None,
                f"one of {names} must be given (measure {m.name} needs it)",
            )


def _key_codes(out: dict[str, Any], names: list[str]) -> np.ndarray:
    """One int64 code per row for the combination of ``names`` (no Python string objects)."""
    key = np.zeros(len(out[names[0]]), dtype=np.int64)
    for name in names:
        codes, uniques = pd.factorize(out[name])
        key = key * (len(uniques) + 1) + (codes + 1)
    return key


def _check_duplicates(
    issues: _Issues, headers, mapped, out, valid, rows, raw_values, id_cols: list[str]
) -> None:
    """The same plant_id (and asset_id) on several rows: name the first row it repeats."""
    if not all(c in mapped for c in id_cols):
        return
    ok = np.logical_and.reduce([valid[c] for c in id_cols])
    if not ok.any():
        return
    key = _key_codes(out, id_cols)[ok]
    dup = pd.Series(key).duplicated(keep="first").to_numpy()
    if not dup.any():
        return
    first = pd.Series(rows[ok]).groupby(key, sort=False).transform("first").to_numpy()
    idx = np.flatnonzero(ok)
    mask = np.zeros(len(rows), dtype=bool)
    mask[idx[dup]] = True
    first_row = np.zeros(len(rows), dtype=np.int64)
    first_row[idx] = first
    last = id_cols[-1]
    i = mapped[last]
    plant = out["plant_id"]
    if last == "asset_id":

        def expected(pos):
            return [
                f"an asset_id not already used in plant {plant.iloc[p]} (row {first_row[p]} "
                "has the same one)"
                for p in pos
            ]
    else:

        def expected(pos):
            return [
                f"a plant_id not listed before (row {first_row[p]} has the same one)" for p in pos
            ]

    issues.cells("duplicate-id", mask, headers[i], i, raw_values(i), expected)


def _check_plant_energy(issues: _Issues, headers, mapped, out, valid, rows, raw_values) -> None:
    """One plant, one previous-year energy figure: later rows must repeat the first value."""
    if "plant_energy_tce" not in mapped or "plant_id" not in mapped:
        return
    ok = valid["plant_energy_tce"] & valid["plant_id"]
    if not ok.any():
        return
    v = out["plant_energy_tce"].to_numpy()[ok]
    grp = pd.DataFrame({"v": v, "r": rows[ok]}).groupby(
        _key_codes(out, ["plant_id"])[ok], sort=False
    )
    first_v = grp["v"].transform("first").to_numpy()
    first_r = grp["r"].transform("first").to_numpy()
    differs = ~np.isclose(v, first_v, rtol=1e-9, atol=0.0)
    if not differs.any():
        return
    idx = np.flatnonzero(ok)
    mask = np.zeros(len(rows), dtype=bool)
    mask[idx[differs]] = True
    fv = np.full(len(rows), np.nan)
    fr = np.zeros(len(rows), dtype=np.int64)
    fv[idx], fr[idx] = first_v, first_r
    i = mapped["plant_energy_tce"]
    plant = out["plant_id"]

    def expected(pos):
        return [
            f"{_num_text(fv[p])} tce as on row {fr[p]} (plant {plant.iloc[p]} has one "
            "previous-year energy figure)"
            for p in pos
        ]

    issues.cells("conflict", mask, headers[i], i, raw_values(i), expected)
