"""The result of an estimate, and its serialisations (JSON, CSV, Excel), all written atomically."""

from __future__ import annotations

import json
import math
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .caveats import Caveat

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
    "baseline_energy_kwh": "input energy per year before retrofit [kWh]",
    "retrofit_energy_kwh": "input energy per year after retrofit [kWh]",
    "energy_saved_kwh": "baseline − retrofit [kWh/yr]; negative if the retrofit uses more",
    "coal_saved_tce": "headline standard coal saved, on the run's basis [tce/yr]",
    "coal_saved_tce_equivalent": "standard coal saved, 当量值 basis [tce/yr]",
    "coal_saved_tce_equal_value": "standard coal saved, 等价值 basis [tce/yr]",
    "co2_avoided_t": "CO2 avoided [t/yr]",
    "electricity_price_cny_per_kwh": "price used [CNY/kWh]; null when not given",
    "cost_saved_cny": "energy saved × price [CNY/yr]; null without a price",
    "investment_cny": "investment [CNY]; null when not given",
    "payback_years": "investment ÷ cost saved [yr]; null without both or with no saving",
    "motor_kw_retrofitted": "rated motor power retrofitted, rated_power_kw × quantity [kW]",
    "factor_equivalent_kgce_per_kwh": "当量值 factor used [kgce/kWh]",
    "factor_equal_value_kgce_per_kwh": "等价值 factor used [kgce/kWh]",
    "grid_factor_tco2_per_mwh": "grid CO2 factor used [tCO2/MWh]",
    "caveats": "caveat codes that apply to this row, ;-separated",
}

PLANT_COLUMNS: dict[str, str] = {
    "plant_id": "enterprise / plant identifier",
    "plant_name": "enterprise / plant name, when the input has one",
    "assets": "asset rows [-]",
    "motor_kw_retrofitted": "rated motor power retrofitted [kW]",
    "baseline_energy_kwh": "input energy before retrofit [kWh/yr]",
    "retrofit_energy_kwh": "input energy after retrofit [kWh/yr]",
    "energy_saved_kwh": "energy saved [kWh/yr]",
    "coal_saved_tce": "headline standard coal saved, on the run's basis [tce/yr]",
    "coal_saved_tce_equivalent": "standard coal saved, 当量值 [tce/yr]",
    "coal_saved_tce_equal_value": "standard coal saved, 等价值 [tce/yr]",
    "co2_avoided_t": "CO2 avoided [t/yr]",
    "cost_saved_cny": "cost saved [CNY/yr]; null if any row lacks a price",
    "investment_cny": "investment [CNY]; null if any row lacks one",
    "plant_energy_tce": "previous-year total energy use [tce]; null when unknown",
    "saving_share": "coal_saved_tce ÷ plant_energy_tce [-]",
    "bai_yi_target_share": "百一 target share of previous-year energy [-]",
    "meets_bai_yi": "share ≥ target: true/false, null when plant energy is unknown (estimate)",
    "shortfall_tce": "tce still needed to reach the 百一 share [tce/yr]",
    "bai_yi_status": "meets (estimate) | short (estimate) | unknown (no plant energy)",
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
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _json_value(value: Any) -> Any:
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
        {c: _json_value(v) for c, v in zip(columns, row, strict=True)}
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

    def to_dict(self) -> dict[str, Any]:
        return {
            "assets": records(self.assets),
            "plants": records(self.plants),
            "assumptions": self.assumptions,
            "caveats": [c.to_dict() for c in self.caveats],
        }

    def to_json(self, path: str | Path | None = None, *, indent: int | None = 2) -> str:
        """JSON text ``{"assets", "plants", "assumptions", "caveats"}``; also written to ``path``."""
        text = json.dumps(self.to_dict(), ensure_ascii=False, indent=indent, default=_json_value)
        if path is not None:
            atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
        return text

    def to_csv(self, path: str | Path) -> None:
        """Asset rows as CSV (UTF-8 with BOM, so Excel on Chinese Windows opens it)."""
        atomic_write(path, lambda tmp: self.assets.to_csv(tmp, index=False,
                                                           encoding="utf-8-sig"))

    def to_excel(self, path: str | Path) -> None:
        """Workbook with sheets plants, assets, assumptions and caveats."""
        def write(tmp: Path) -> None:
            with pd.ExcelWriter(tmp, engine="openpyxl") as xl:
                self.plants.to_excel(xl, sheet_name="plants", index=False)
                self.assets.to_excel(xl, sheet_name="assets", index=False)
                flat = _flatten(self.assumptions)
                pd.DataFrame(flat, columns=["key", "value"]).to_excel(
                    xl, sheet_name="assumptions", index=False)
                pd.DataFrame([c.to_dict() | {"data": json.dumps(c.data, ensure_ascii=False,
                                                                default=str)}
                              for c in self.caveats],
                             columns=["code", "message", "message_zh", "count", "data"]).to_excel(
                    xl, sheet_name="caveats", index=False)
                for sheet in xl.sheets.values():
                    sheet.freeze_panes = "A2"
        atomic_write(path, write)

    @property
    def non_standard(self) -> bool:
        """True when any reference table came from a user file."""
        return bool(self.assumptions.get("non_standard"))


def _flatten(value: Any, prefix: str = "") -> list[tuple[str, str]]:
    if isinstance(value, dict):
        out: list[tuple[str, str]] = []
        for k, v in value.items():
            out.extend(_flatten(v, f"{prefix}.{k}" if prefix else str(k)))
        return out
    if isinstance(value, list):
        return [(prefix, json.dumps(value, ensure_ascii=False, default=str))]
    return [(prefix, "" if value is None else str(value))]
