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
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from .columns import describe
from .core.caveats import Caveat
from .measures.base import Measure, registered
from .money.appraisal import ASSET_COLUMNS as FINANCE_COLUMNS
from .money.cost import OUTPUT_COLUMNS as ECONOMICS_COLUMNS

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
# ``pyarrow.csv`` formats every cell in C++; ``DataFrame.to_csv`` goes through a Python object
# per cell (about 20 s for a million rows of 43 columns). The text differs from pandas' in
# formatting only, and every value reads back equal: floats in their shortest round-trip form
# without a trailing ``.0`` (``1``, ``0.00001``, ``1e+16``), booleans ``true``/``false``, every
# text cell quoted (an empty text ``""``, a missing value an empty field), line ends ``\n``.

#: Rows converted to Arrow and formatted per block: bounds the memory of a block's copy and text
CSV_BLOCK_ROWS = 20_000
#: Threads formatting blocks (Arrow's writer releases the GIL); blocks are written in order
CSV_THREADS = min(4, os.cpu_count() or 1)
#: Written first so that Excel on Chinese Windows reads the file as UTF-8 (not GBK)
CSV_BOM = "\ufeff"


def write_csv(frame: pd.DataFrame, path: str | Path) -> None:
    """``frame`` as CSV (UTF-8 with BOM, header as the csv module writes it, no index), through
    :func:`pyarrow.csv.write_csv`.

    Not atomic by itself: callers write to a temporary file through :func:`atomic_write`.
    """
    header = io.StringIO()
    # the header through the csv module: bare names, quoted only when they need it
    csv.writer(header, lineterminator="\n").writerow([str(c) for c in frame.columns])
    with open(path, "wb") as fh, ThreadPoolExecutor(CSV_THREADS) as pool:
        fh.write((CSV_BOM + header.getvalue()).encode("utf-8"))
        # a few blocks in flight keep every core busy and the memory bounded
        pending: deque[Future[pa.Buffer]] = deque()
        for start in range(0, len(frame), CSV_BLOCK_ROWS):
            pending.append(pool.submit(_csv_block, frame.iloc[start : start + CSV_BLOCK_ROWS]))
            if len(pending) >= CSV_THREADS:
                fh.write(pending.popleft().result())
        while pending:
            fh.write(pending.popleft().result())


def _csv_block(block: pd.DataFrame) -> pa.Buffer:
    """The CSV text of a block of rows, without header."""
    # by position and under placeholder names: output columns may repeat a name
    columns = [_arrow_column(block.iloc[:, i]) for i in range(block.shape[1])]
    if len(columns) == 1:
        # a lone empty field would be a blank line, which readers skip: quote it, as the csv
        # module does
        columns = [pc.fill_null(columns[0].cast(pa.string()), "")]
    table = pa.Table.from_arrays(columns, names=[f"c{i}" for i in range(len(columns))])
    sink = pa.BufferOutputStream()
    # Arrow's default quoting: text cells quoted, numbers and booleans bare
    pacsv.write_csv(table, sink, pacsv.WriteOptions(include_header=False))
    return sink.getvalue()


def _arrow_column(s: pd.Series) -> pa.Array:
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
        return _arrow_column(s.astype(dtype.categories.dtype))
    try:
        return pa.array(s, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        return _text_of_objects(s)


def _text_of_objects(s: pd.Series) -> pa.Array:
    """A column Arrow cannot type (mixed Python objects) as each value's ``str``, as pandas
    writes it; one Python call per cell, so only for such columns."""
    return pa.array([None if pd.isna(v) else str(v) for v in s.tolist()], pa.string())
