"""The result of an estimate, and its serialisations (JSON, CSV, Excel), all written atomically."""

from __future__ import annotations

import csv
import io
import json
import math
import os
import tempfile
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from .caveats import Caveat
from .economics import OUTPUT_COLUMNS as ECONOMICS_COLUMNS
from .finance import ASSET_COLUMNS as FINANCE_COLUMNS
from .measures import charger, compressed_air, datacenter, fan_pump, machines, transformer

#: Output columns of ``assets``, in order, with units; a test checks each is documented.
ASSET_COLUMNS: dict[str, str] = {
    "plant_id": "enterprise / plant identifier",
    "plant_name": "enterprise / plant name, when the input has one",
    "asset_id": "asset identifier",
    "source_row": "row of the input file (spreadsheet numbering, header = 1)",
    "category": "equipment category",
    "measure": "retrofit measure(s)",
    "quantity": "identical units [-]",
    "rated_power_kw": "rated output [kW]",
    "poles": "pole count [-]",
    "load_factor": "average shaft load ÷ rated output used [0–1]",
    "operating_hours_h": "operating hours per year used [h]",
    "efficiency_class_baseline": "present class used for the part-load curve",
    "efficiency_fl_baseline_pct": "present full-load efficiency [%]",
    "efficiency_fl_baseline_method": "table | eu2019_1781_formula | log_linear | input",
    "efficiency_fl_baseline_source": "reference table or input column of that value",
    "part_load_curve_baseline": "part-load curve used (dataset:curve/poles)",
    "part_load_ratio_baseline": "efficiency at load ÷ full-load efficiency [-]",
    "efficiency_baseline_pct": "present efficiency at the load used [%]",
    "efficiency_class_retrofit": "class after retrofit",
    "efficiency_fl_retrofit_pct": "full-load efficiency after retrofit [%]",
    "efficiency_fl_retrofit_method": "table | eu2019_1781_formula | log_linear | input",
    "efficiency_fl_retrofit_source": "reference table or input column of that value",
    "part_load_curve_retrofit": "part-load curve used after retrofit",
    "part_load_ratio_retrofit": "efficiency at load ÷ full-load efficiency after retrofit [-]",
    "efficiency_retrofit_pct": "efficiency at the load used after retrofit [%]",
    **fan_pump.OUTPUT_COLUMNS,
    **machines.OUTPUT_COLUMNS,
    **compressed_air.OUTPUT_COLUMNS,
    **transformer.OUTPUT_COLUMNS,
    **datacenter.OUTPUT_COLUMNS,
    **charger.OUTPUT_COLUMNS,
    "baseline_energy_kwh": "input energy per year before retrofit [kWh]; for a transformer, "
    "its loss energy",
    "retrofit_energy_kwh": "input energy per year after retrofit [kWh]; for a transformer, "
    "its loss energy",
    "energy_saved_kwh": "baseline − retrofit [kWh/yr]; negative if the retrofit uses more",
    "coal_saved_tce": "headline standard coal saved, on the run's basis [tce/yr]",
    "coal_saved_tce_equivalent": "standard coal saved, 当量值 basis [tce/yr]",
    "coal_saved_tce_equal_value": "standard coal saved, 等价值 basis [tce/yr]",
    "co2_avoided_t": "CO2 avoided [t/yr]",
    "electricity_price_cny_per_kwh": "price used [CNY/kWh]; null when not given",
    **ECONOMICS_COLUMNS,
    "cost_saved_cny": "energy saved × price × price_multiplier [CNY/yr]; null without a price",
    "investment_cny": "investment [CNY]; null when not given",
    "payback_years": "investment ÷ (cost saved + load-shift cost saved) [yr]; null without "
    "both or with no saving",
    **FINANCE_COLUMNS,
    "retrofitted_motor_kw": "rated motor power replaced or put on variable speed, rated_power_kw "
    "× quantity; 0 for leak repair, pressure reduction, transformers, "
    "data centres and charging piles [kW]",
    "it_renewed_kw": "IT capacity toward the 100 MW IT renewal goal (data centres), else 0 [kW]",
    "piles_replaced": "charging piles replaced toward the 20,000-pile goal, else 0 [piles]",
    "metered_saving_kwh": "metered_baseline_kwh − metered_retrofit_kwh, when both are given "
    "[kWh/yr]",
    "metered_difference_kwh": "metered saving − energy_saved_kwh [kWh/yr]",
    "metered_flag": "within P10–P90 | above P90 | below P10 of the Monte Carlo band; or no band "
    "without --uncertainty",
    "factor_equivalent_kgce_per_kwh": "当量值 factor used [kgce/kWh]",
    "factor_equal_value_kgce_per_kwh": "等价值 factor used [kgce/kWh]",
    "grid_factor_tco2_per_mwh": "grid CO2 factor used [tCO2/MWh]",
    "caveats": "caveat codes that apply to this row, ;-separated",
}

PLANT_COLUMNS: dict[str, str] = {
    "plant_id": "enterprise / plant identifier",
    "plant_name": "enterprise / plant name, when the input has one",
    "district": "district or county, from the plants file",
    "industry": "industry, from the plants file",
    "assets": "asset rows [-]",
    "retrofitted_motor_kw": "rated motor power replaced or put on variable speed, toward the "
    "3 GW goal [kW]",
    "it_renewed_kw": "IT capacity renewed with ≥ 20 % efficiency gain, toward the 100 MW goal [kW]",
    "piles_replaced": "charging piles replaced, toward the 20,000-pile goal [piles]",
    "baseline_energy_kwh": "input energy before retrofit [kWh/yr]",
    "retrofit_energy_kwh": "input energy after retrofit [kWh/yr]",
    "energy_saved_kwh": "energy saved [kWh/yr]",
    "coal_saved_tce": "headline standard coal saved, on the run's basis [tce/yr]",
    "coal_saved_tce_equivalent": "standard coal saved, 当量值 [tce/yr]",
    "coal_saved_tce_equal_value": "standard coal saved, 等价值 [tce/yr]",
    "co2_avoided_t": "CO2 avoided [t/yr]",
    "cost_saved_cny": "cost saved [CNY/yr]; null if any row lacks a price",
    "load_shift_cost_saved_cny": "cost saved by off-peak charging [CNY/yr]; null if any row "
    "lacks a price",
    "investment_cny": "investment [CNY]; null if any row lacks one",
    "plant_energy_tce": "previous-year total energy use [tce]; null when unknown",
    "saving_share": "coal_saved_tce ÷ plant_energy_tce [-]",
    "bai_yi_target_share": "百一 target share of previous-year energy [-]",
    "meets_bai_yi": "share ≥ target: true/false, null when plant energy is unknown (estimate)",
    "shortfall_tce": "tce still needed to reach the 百一 share [tce/yr]",
    "bai_yi_status": "meets (estimate) | short (estimate) | unknown (no plant energy)",
    "npv_cny": "NPV of the plant's measures before incentives [CNY]; null if any row lacks "
    "investment, price or life",
    "irr": "IRR of the plant's summed yearly flows [fraction/yr]",
    "cost_of_saved_tce_cny_per_tce": "Σ investment × CRF ÷ Σ tce saved [CNY/tce]",
    "incentives_cny": "incentives counted after caps and stacking (with --policy) [CNY]",
    "incentives_pv_cny": "present value of the incentives, incl. tax timing [CNY]",
    "incentives_needing_inputs_cny": "amounts of rules that need inputs, not counted [CNY]",
    "payback_after_incentives_years": "(investment − incentives) ÷ annual cost saved [yr]",
    "npv_after_incentives_cny": "NPV + incentives_pv_cny [CNY]",
    "irr_after_incentives": "IRR of the plant's flows with incentives [fraction/yr]",
    "metered_saving_kwh": "metered saving from the plants file (before − after) [kWh/yr]",
    "metered_difference_kwh": "metered saving − energy_saved_kwh [kWh/yr]",
    "metered_flag": "within P10–P90 | above P90 | below P10 (with --uncertainty)",
    "caveats": "caveat codes of the plant's rows, ;-separated",
}


def atomic_write(path: str | Path, write: Callable[[Path], None]) -> None:
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
