"""The result of an estimate, and its serialisations (JSON, CSV, Excel), all written atomically."""

from __future__ import annotations

import csv
import io
import json
import math
import os
import tempfile
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .caveats import Caveat
from .columns import describe
from .economics import OUTPUT_COLUMNS as ECONOMICS_COLUMNS
from .finance import ASSET_COLUMNS as FINANCE_COLUMNS
from .measures.base import Measure, registered

try:  # a core dependency; the pandas writer below still works without it
    import pyarrow as pa
    import pyarrow.compute as pc
except ImportError:  # pragma: no cover - exercised by monkeypatching in the tests
    pa = pc = None

#: The first output columns of ``assets``: the row's identity and the inputs every measure
#: shares; descriptions with units from the glossary (retrofit/columns.csv).
CORE_COLUMNS: dict[str, str] = describe(
    [
        "plant_id",
        "plant_name",
        "asset_id",
        "source_row",
        "category",
        "measure",
        "quantity",
        "rated_power_kw",
        "poles",
        "load_factor",
        "operating_hours_h",
    ]
)

#: The last output columns of ``assets``, after the measures' own: energy, coal, CO2, money,
#: goal counters, metered savings, factors and caveats.
TOTAL_COLUMNS: dict[str, str] = describe(
    [
        "baseline_energy_kwh",
        "retrofit_energy_kwh",
        "energy_saved_kwh",
        "coal_saved_tce",
        "coal_saved_tce_equivalent",
        "coal_saved_tce_equal_value",
        "co2_avoided_t",
        "electricity_price_cny_per_kwh",
        *ECONOMICS_COLUMNS,
        "cost_saved_cny",
        "investment_cny",
        "payback_years",
        *FINANCE_COLUMNS,
        "retrofitted_motor_kw",
        "it_renewed_kw",
        "piles_replaced",
        "metered_saving_kwh",
        "metered_difference_kwh",
        "metered_flag",
        "factor_equivalent_kgce_per_kwh",
        "factor_equal_value_kgce_per_kwh",
        "grid_factor_tco2_per_mwh",
        "caveats",
    ]
)


def asset_columns(measures: Iterable[Measure]) -> dict[str, str]:
    """Output columns of ``assets`` for a run of ``measures``, in order, with units: the core
    columns, each measure's own in registration order, then the totals.

    A column listed twice keeps its first position and its last description (as ``{**a, **b}``
    does), so a measure may restate a shared column without moving it.
    """
    columns = dict(CORE_COLUMNS)
    for measure in measures:
        columns.update(measure.output_columns)
    columns.update(TOTAL_COLUMNS)
    return columns


#: Output columns of ``assets`` with the registered measures, in order, with units; a test
#: checks each is documented.
ASSET_COLUMNS: dict[str, str] = asset_columns(registered())

PLANT_COLUMNS: dict[str, str] = describe(
    [
        "plant_id",
        "plant_name",
        "district",
        "industry",
        "assets",
        "retrofitted_motor_kw",
        "it_renewed_kw",
        "piles_replaced",
        "baseline_energy_kwh",
        "retrofit_energy_kwh",
        "energy_saved_kwh",
        "coal_saved_tce",
        "coal_saved_tce_equivalent",
        "coal_saved_tce_equal_value",
        "co2_avoided_t",
        "cost_saved_cny",
        "load_shift_cost_saved_cny",
        "investment_cny",
        "plant_energy_tce",
        "saving_share",
        "bai_yi_target_share",
        "meets_bai_yi",
        "shortfall_tce",
        "bai_yi_status",
        "npv_cny",
        "irr",
        "cost_of_saved_tce_cny_per_tce",
        "incentives_cny",
        "incentives_pv_cny",
        "incentives_needing_inputs_cny",
        "payback_after_incentives_years",
        "npv_after_incentives_cny",
        "irr_after_incentives",
        "metered_saving_kwh",
        "metered_difference_kwh",
        "metered_flag",
        "caveats",
    ]
)


def atomic_write(path: str | Path, write: Callable[[Path], object]) -> None:
    """Write through a temporary file in the same folder, then rename over ``path``.

    A failure part-way leaves no partial file and no changed target.
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    os.close(fd)
    try:
        write(Path(tmp))
        # mkstemp creates 0600; give the result the permissions a plain open() would
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def json_value(value: Any) -> Any:
    """A cell as a JSON-ready Python value (NaN, NA, NaT → None; numpy scalars → Python)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    return value


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """DataFrame → list of JSON-ready dicts (NaN/NA → null, numpy scalars → Python)."""
    columns = list(frame.columns)
    return [
        {c: json_value(v) for c, v in zip(columns, row, strict=True)}
        for row in frame.itertuples(index=False, name=None)
    ]


@dataclass
class EstimateResult:
    """Everything an estimate produced.

    Attributes
    ----------
    assets : pandas.DataFrame
        One row per inventory row; columns in :data:`ASSET_COLUMNS` (units in the names) and the
        input's pass-through columns.
    plants : pandas.DataFrame
        One row per plant; columns in :data:`PLANT_COLUMNS`.
    assumptions : dict
        Every table, factor, basis, year and default the run used.
    caveats : list of Caveat
        One entry per caveat code with the number of rows it applies to.
    """

    assets: pd.DataFrame
    plants: pd.DataFrame
    assumptions: dict[str, Any]
    caveats: list[Caveat] = field(default_factory=list)
    projects: pd.DataFrame | None = None
    incentives: pd.DataFrame | None = None
    supply_curve: pd.DataFrame | None = None
    uncertainty: Any = None

    def tables(self) -> dict[str, pd.DataFrame]:
        """The result's tables by sheet name (finance and uncertainty sheets only when
        computed)."""
        sheets = {"plants": self.plants, "assets": self.assets}
        for name in ("projects", "incentives", "supply_curve"):
            frame = getattr(self, name)
            if frame is not None:
                sheets[name] = frame
        if self.uncertainty is not None:
            sheets |= self.uncertainty.tables()
        return sheets

    def to_dict(self) -> dict[str, Any]:
        sheets = self.tables()
        order = ["assets", "plants", *[n for n in sheets if n not in ("assets", "plants")]]
        return {
            **{
                name: records(sheets[name]) for name in order if not name.startswith("uncertainty_")
            },
            **({"uncertainty": self.uncertainty.to_dict()} if self.uncertainty is not None else {}),
            "assumptions": self.assumptions,
            "caveats": [c.to_dict() for c in self.caveats],
        }

    def to_json(self, path: str | Path | None = None, *, indent: int | None = 2) -> str:
        """JSON text ``{"assets", "plants", "assumptions", "caveats"}``; also written to ``path``."""
        return write_json(self.to_dict(), path, indent=indent)

    def to_csv(self, path: str | Path) -> None:
        """Asset rows as CSV (UTF-8 with BOM, so Excel on Chinese Windows opens it)."""
        atomic_write(path, lambda tmp: write_csv(self.assets, tmp))

    def to_excel(self, path: str | Path) -> None:
        """Workbook with sheets plants, assets, projects, incentives (with --policy),
        supply_curve, assumptions and caveats."""
        write_workbook(path, self.tables(), self.assumptions, self.caveats)

    @property
    def non_standard(self) -> bool:
        """True when any reference table came from a user file."""
        return bool(self.assumptions.get("non_standard"))


def write_json(
    data: dict[str, Any], path: str | Path | None = None, *, indent: int | None = 2
) -> str:
    """JSON text of a result's ``to_dict()``; also written atomically to ``path``."""
    text = json.dumps(data, ensure_ascii=False, indent=indent, default=json_value)
    if path is not None:
        atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    return text


def write_workbook(
    path: str | Path,
    sheets: dict[str, pd.DataFrame],
    assumptions: dict[str, Any],
    caveats: list[Caveat],
) -> None:
    """An .xlsx with one sheet per table, then the assumptions (flattened to key, value) and
    the caveats; written atomically, header rows frozen."""

    def write(tmp: Path) -> None:
        with pd.ExcelWriter(tmp, engine="openpyxl") as xl:
            for name, frame in sheets.items():
                frame.to_excel(xl, sheet_name=name, index=False)
            pd.DataFrame(flatten(assumptions), columns=["key", "value"]).to_excel(
                xl, sheet_name="assumptions", index=False
            )
            pd.DataFrame(
                [
                    c.to_dict() | {"data": json.dumps(c.data, ensure_ascii=False, default=str)}
                    for c in caveats
                ],
                columns=["code", "message", "message_zh", "count", "data"],
            ).to_excel(xl, sheet_name="caveats", index=False)
            for sheet in xl.sheets.values():
                sheet.freeze_panes = "A2"

    atomic_write(path, write)


def flatten(value: Any, prefix: str = "") -> list[tuple[str, str]]:
    """Nested assumptions as (dotted key, text) rows; lists as JSON."""
    if isinstance(value, dict):
        out: list[tuple[str, str]] = []
        for k, v in value.items():
            out.extend(flatten(v, f"{prefix}.{k}" if prefix else str(k)))
        return out
    if isinstance(value, list):
        return [(prefix, json.dumps(value, ensure_ascii=False, default=str))]
    return [(prefix, "" if value is None else str(value))]


# --- CSV -------------------------------------------------------------------------------------
#
# ``DataFrame.to_csv`` formats every cell through Python objects: about 20 s for a million rows
# of 43 columns. :func:`write_csv` writes the same bytes (same float text, same quoting) with
# pyarrow compute kernels, a block of rows at a time, and falls back to pandas for anything it
# does not reproduce exactly (pyarrow missing, a single column, an unusual dtype).

#: Rows formatted per block: bounds the memory of the formatted text (~50 MB a block).
CSV_BLOCK_ROWS = 100_000
#: Threads formatting blocks
CSV_THREADS = min(4, os.cpu_count() or 1)
#: pandas' line terminator, which ``to_csv(path)`` uses
CSV_LINETERMINATOR = os.linesep


def write_csv(frame: pd.DataFrame, path: str | Path) -> None:
    """``frame.to_csv(path, index=False, encoding="utf-8-sig")``, byte for byte, but fast."""
    kinds = _csv_kinds(frame) if pa is not None and frame.shape[1] > 1 else None
    if kinds is None:
        frame.to_csv(path, index=False, encoding="utf-8-sig", lineterminator=CSV_LINETERMINATOR)
        return
    special = _csv_special_chars(CSV_LINETERMINATOR)

    def block_text(start: int):
        block = frame.iloc[start : start + CSV_BLOCK_ROWS]
        cells = [_csv_text(block.iloc[:, i], kind, special) for i, kind in enumerate(kinds)]
        # the terminator joined to the last cell is cheaper than to whole lines
        cells[-1] = pc.binary_join_element_wise(
            cells[-1], "", CSV_LINETERMINATOR, null_handling="replace"
        )
        # a null cell (NaN, NA, None) is written empty, as pandas' na_rep=""
        return pc.binary_join_element_wise(*cells, ",", null_handling="replace")

    with open(path, "wb") as fh, ThreadPoolExecutor(CSV_THREADS) as pool:
        header = io.StringIO()
        # the header through the csv module, exactly as pandas writes it
        csv.writer(header, lineterminator=CSV_LINETERMINATOR).writerow(map(str, frame.columns))
        fh.write(header.getvalue().encode("utf-8-sig"))
        # Arrow kernels release the GIL: format blocks in parallel, write them in order, and
        # keep only a few blocks in flight so memory stays bounded
        pending: deque = deque()
        for start in range(0, len(frame), CSV_BLOCK_ROWS):
            pending.append(pool.submit(block_text, start))
            if len(pending) > CSV_THREADS:
                _write_strings(fh, pending.popleft().result())
        while pending:
            _write_strings(fh, pending.popleft().result())


def _csv_kinds(frame: pd.DataFrame) -> list[str] | None:
    """How to format each column, or None when a dtype needs pandas' own formatting."""
    kinds = []
    for i in range(frame.shape[1]):  # by position: column names may repeat
        s = frame.iloc[:, i]
        dtype = s.dtype
        if pd.api.types.is_bool_dtype(dtype):
            kind = "bool"
        elif pd.api.types.is_integer_dtype(dtype):
            kind = "int"
        elif dtype == np.float64:
            kind = "float"
        elif isinstance(dtype, pd.StringDtype) or (
            dtype == object and pd.api.types.infer_dtype(s, skipna=True) in ("string", "empty")
        ):
            kind = "str"
        elif (
            isinstance(dtype, np.dtype)
            and dtype.kind == "M"
            and (s.dropna() == s.dropna().dt.normalize()).all()
        ):
            kind = "date"  # pandas writes a column of midnights as plain dates
        else:
            return None
        kinds.append(kind)
    return kinds


def _csv_special_chars(lineterminator: str) -> str:
    """Characters that make the csv module (pandas' writer) quote a field; asked, not assumed,
    because it changed between Python versions."""
    special = ""
    for char in sorted(set(',"\r\n') | set(lineterminator)):
        buf = io.StringIO()
        csv.writer(buf, lineterminator=lineterminator).writerow([f"a{char}b", "c"])
        if buf.getvalue().startswith('"'):
            special += char
    return special


def _csv_text(s: pd.Series, kind: str, special: str):
    """One column as CSV cell text as pandas would write it; null where pandas writes ''."""
    if kind == "float":
        return _float_text(s.to_numpy(dtype=np.float64))
    values = pa.array(s, from_pandas=True)
    if kind == "int":
        text = pc.cast(values, pa.string())
    elif kind == "bool":
        text = pc.if_else(values, "True", "False")
    elif kind == "date":
        text = pc.strftime(values, format="%Y-%m-%d")
    else:
        text = pc.cast(values, pa.string())  # one string type for the joins below
        quote = pc.match_substring_regex(
            text, "[" + "".join("\\" + c if c in "\\]^-" else c for c in special) + "]"
        )
        if pc.any(quote).as_py():
            quoted = pc.binary_join_element_wise(
                '"', pc.replace_substring(text, '"', '""'), '"', ""
            )
            text = pc.if_else(quote, quoted, text)
    return text


def _float_text(x: np.ndarray):
    """Python's ``repr`` of each float (NaN → empty), which is what pandas writes.

    Arrow prints the same shortest round-trip digits but chooses between positional and
    exponent notation differently and drops ``.0``; those differences are fixed with vectorised
    masks, and the rare values where the notations disagree are formatted by ``repr``.
    """
    text = pc.cast(pa.array(x), pa.string())
    finite = np.isfinite(x)
    magnitude = np.abs(x)
    with np.errstate(invalid="ignore"):
        # repr is positional for 1e-4 ≤ |x| < 1e16 (and 0), else d.ddde±XX
        positional = finite & ((x == 0) | ((magnitude >= 1e-4) & (magnitude < 1e16)))
        whole = finite & (x == np.trunc(x))
    exponent = pc.match_substring(text, "e").to_numpy(zero_copy_only=False)
    both_positional = positional & ~exponent
    if (whole & both_positional).any():
        text = pc.if_else(
            pa.array(whole & both_positional), pc.binary_join_element_wise(text, ".0", ""), text
        )
    both_exponent = finite & ~positional & exponent
    if both_exponent.any():
        # repr writes at least two exponent digits: 1e-7 → 1e-07 (RE2 backrefs are one digit)
        text = pc.replace_substring_regex(text, r"(e[+-])(\d)$", r"\1" + "0" + r"\2")
    differ = finite & (positional == exponent)
    if differ.any():
        text = pc.replace_with_mask(
            text, pa.array(differ), pa.array([repr(v) for v in x[differ].tolist()], pa.string())
        )
    return pc.if_else(pa.array(np.isnan(x)), pa.scalar(None, pa.string()), text)


def _write_strings(fh, text) -> None:
    """Write the UTF-8 bytes of a string array's values back to back, straight from its
    buffers (no copy, no Python string per row)."""
    for chunk in text.chunks if isinstance(text, pa.ChunkedArray) else [text]:
        if len(chunk) == 0:
            continue
        offsets_type = np.int64 if pa.types.is_large_string(chunk.type) else np.int32
        _, offsets, data = chunk.buffers()
        bounds = np.frombuffer(offsets, dtype=offsets_type)[
            [chunk.offset, chunk.offset + len(chunk)]
        ]
        fh.write(memoryview(data)[bounds[0] : bounds[1]])
