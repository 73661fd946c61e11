"""The audit workbook's per-row formulas: each asset row's saving, redone in Excel.

Every asset row's ``energy_saved_kwh``, ``coal_saved_tce_equivalent``,
``coal_saved_tce_equal_value``, ``coal_saved_tce``, ``co2_avoided_t`` and ``cost_saved_cny`` is a
live formula over that row's cells and the factor cells of the ``assumptions`` sheet, so a
reviewer who changes a load, the hours or a factor in Excel sees the saving change.

The rule (the README states it too): **inputs and the tool's intermediate values are cells;
savings are formulas.** The energy saving takes the simplest form that reproduces the model:

- ``motor`` — a motor upgrade (the row's measure computed by the motor model): quantity × rated
  kW × load × hours × (100/η before − 100/η after), with η [%] at the operating load as the tool
  computed it (the part-load curve of the nameplate class is not a formula).
- ``power`` — fans, pumps, compressors and any other steady load whose energy scales with its
  hours: quantity × hours × (kW before − kW after), where the two kW are each unit's electrical
  input at the operating point, computed by the tool (part-load, control and flow curves) and
  written as the labelled cells ``baseline_input_kw`` and ``retrofit_input_kw``.
- ``difference`` — transformers, data centres and charging piles, whose energy does not scale
  with operating hours (no-load losses all year, PUE, charged energy): energy before − energy
  after, the tool's ``baseline_energy_kwh`` and ``retrofit_energy_kwh``.

tce on each basis and CO2 multiply the energy saving by the factor cells of the ``assumptions``
sheet (kgce/kWh or tCO2/MWh, ÷ 1000); money multiplies it by the row's price and time-of-use
multiplier (a pile's standby saving at its standby multiplier). A cell whose value the tool could
not compute (no price, no energy) keeps its blank: no formula stands in for a missing number.

Every formula written here matches one of :data:`ROW_FORMULAS`, so the writer can tell the
tool's formulas from anything else (:func:`retrofit.io.workbook.is_tool_formula`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

#: Factor columns of the asset rows, in the order of their cells at the top of the
#: ``assumptions`` sheet (one value a run: the tool writes it on every row as well).
FACTOR_COLUMNS = (
    "factor_equivalent_kgce_per_kwh",
    "factor_equal_value_kgce_per_kwh",
    "grid_factor_tco2_per_mwh",
)
#: The tool's own per-unit input power at the operating point, added to the audit assets sheet
#: for the ``power`` form (glossary kind ``report``: the workbook's columns, not the result's).
INPUT_POWER_COLUMNS = ("baseline_input_kw", "retrofit_input_kw")
#: The columns that are formulas on every row the tool computed, in order.
FORMULA_COLUMNS = (
    "energy_saved_kwh",
    "coal_saved_tce_equivalent",
    "coal_saved_tce_equal_value",
    "coal_saved_tce",
    "co2_avoided_t",
    "cost_saved_cny",
)
#: Categories whose energy does not scale with the operating hours: the ``difference`` form.
NOT_BY_HOURS = ("transformer", "datacenter", "charger")
#: The motor-form inputs, in the formula's order.
MOTOR_INPUTS = (
    "quantity",
    "rated_power_kw",
    "load_factor",
    "operating_hours_h",
    "efficiency_baseline_pct",
    "efficiency_retrofit_pct",
)

_CELL = r"[A-Z]{1,3}"
_ROW = r"(\d+)"
#: Every per-row formula the audit workbook writes: the row number once, then the same row.
ROW_FORMULAS = (
    # motor: quantity × kW × load × hours × (100/η before − 100/η after)
    re.compile(
        rf"={_CELL}{_ROW}\*{_CELL}\1\*{_CELL}\1\*{_CELL}\1\*\(100/{_CELL}\1-100/{_CELL}\1\)"
    ),
    # power: quantity × hours × (kW before − kW after)
    re.compile(rf"={_CELL}{_ROW}\*{_CELL}\1\*\({_CELL}\1-{_CELL}\1\)"),
    # difference: energy before − energy after
    re.compile(rf"={_CELL}{_ROW}-{_CELL}\1"),
    # tce or CO2: energy saved × a factor cell of the assumptions sheet ÷ 1000
    re.compile(rf"={_CELL}{_ROW}\*assumptions!\$B\$\d+/1000"),
    # money: price × (multiplier × (energy − standby) + standby multiplier × standby)
    re.compile(rf"={_CELL}{_ROW}\*\({_CELL}\1\*\({_CELL}\1-{_CELL}\1\)\+{_CELL}\1\*{_CELL}\1\)"),
    # money without a standby saving: price × multiplier × energy
    re.compile(rf"={_CELL}{_ROW}\*{_CELL}\1\*{_CELL}\1"),
)


@dataclass(frozen=True)
class RowFormulas:
    """The formulas of an assets sheet: per formula column, one text (or None) per row, and
    the form of each row's energy formula."""

    formulas: dict[str, list[str | None]]
    forms: list[str | None]


def factor_rows(assets: pd.DataFrame) -> list[tuple[str, float]] | None:
    """The factor cells of the ``assumptions`` sheet as (column, value), or None when the rows
    do not carry every factor (then no row gets a formula: a table written by hand)."""
    if assets.empty or not all(c in assets.columns for c in FACTOR_COLUMNS):
        return None
    rows = []
    for column in FACTOR_COLUMNS:
        values = pd.to_numeric(assets[column], errors="coerce").to_numpy(float)
        if not (np.isfinite(values).all() and (values == values[0]).all()):
            return None  # one factor a run is what the cell holds; anything else stays values
        rows.append((column, float(values[0])))
    return rows


def with_input_power(assets: pd.DataFrame) -> pd.DataFrame:
    """The assets with :data:`INPUT_POWER_COLUMNS` after ``retrofit_energy_kwh``: each unit's
    electrical input at the operating point [kW] = energy ÷ (hours × quantity), on the rows of
    the ``power`` form (blank elsewhere)."""
    if not {"baseline_energy_kwh", "retrofit_energy_kwh"} <= set(assets.columns):
        return assets
    power = _power_rows(assets)
    per_unit_hours = _numbers(assets, "operating_hours_h") * _numbers(assets, "quantity")
    with np.errstate(invalid="ignore", divide="ignore"):
        kw = pd.DataFrame(
            {
                column: np.where(power, _numbers(assets, energy) / per_unit_hours, np.nan)
                for column, energy in zip(
                    INPUT_POWER_COLUMNS, ("baseline_energy_kwh", "retrofit_energy_kwh"), strict=True
                )
            },
            index=assets.index,
        )
    at = list(assets.columns).index("retrofit_energy_kwh") + 1
    # one concat, not column inserts: a result's assets are a frame of many blocks
    return pd.concat([assets.iloc[:, :at], kw, assets.iloc[:, at:]], axis=1)


def row_formulas(
    assets: pd.DataFrame,
    letters: Mapping[str, str],
    first_row: int,
    factor_cells: Mapping[str, str],
) -> RowFormulas:
    """The per-row formulas of an assets sheet whose first data row is ``first_row`` and
    whose columns sit at ``letters``; ``factor_cells`` maps each factor column to its absolute
    cell on the assumptions sheet (``assumptions!$B$3``)."""
    n = len(assets)
    rows = range(first_row, first_row + n)
    forms = _energy_forms(assets)
    saved = _numbers(assets, "energy_saved_kwh")
    known = np.isfinite(saved)
    formulas: dict[str, list[str | None]] = {c: [None] * n for c in FORMULA_COLUMNS}

    def ref(column: str, r: int) -> str:
        return f"{letters[column]}{r}"

    for i, r in enumerate(rows):
        form = forms[i]
        if form is None or not known[i]:
            continue
        if form == "motor":
            q, kw, load, hours, eta_b, eta_r = (ref(c, r) for c in MOTOR_INPUTS)
            energy = f"={q}*{kw}*{load}*{hours}*(100/{eta_b}-100/{eta_r})"
        elif form == "power":
            q, hours = ref("quantity", r), ref("operating_hours_h", r)
            kw_b, kw_r = (ref(c, r) for c in INPUT_POWER_COLUMNS)
            energy = f"={q}*{hours}*({kw_b}-{kw_r})"
        else:
            energy = f"={ref('baseline_energy_kwh', r)}-{ref('retrofit_energy_kwh', r)}"
        formulas["energy_saved_kwh"][i] = energy
        e = ref("energy_saved_kwh", r)
        for column, factor in (
            ("coal_saved_tce_equivalent", "factor_equivalent_kgce_per_kwh"),
            ("coal_saved_tce_equal_value", "factor_equal_value_kgce_per_kwh"),
            ("co2_avoided_t", "grid_factor_tco2_per_mwh"),
        ):
            if column in letters:
                formulas[column][i] = f"={e}*{factor_cells[factor]}/1000"
    if "coal_saved_tce" in letters:
        basis = _headline_basis(assets)
        if basis is not None:
            formulas["coal_saved_tce"] = list(formulas[f"coal_saved_tce_{basis}"])
    formulas["cost_saved_cny"] = _cost_formulas(assets, letters, rows, formulas["energy_saved_kwh"])
    return RowFormulas({c: v for c, v in formulas.items() if c in letters}, forms)


def _cost_formulas(
    assets: pd.DataFrame,
    letters: Mapping[str, str],
    rows: range,
    energy: list[str | None],
) -> list[str | None]:
    """price × (multiplier × (energy − standby) + standby multiplier × standby), where the
    tool priced the row (a blank price leaves the cost blank, as in the result)."""
    n = len(assets)
    needed = ("cost_saved_cny", "electricity_price_cny_per_kwh", "price_multiplier")
    if not all(c in letters for c in needed):
        return [None] * n
    cost = _numbers(assets, "cost_saved_cny")
    standby = all(c in letters for c in ("saving_standby_kwh", "standby_price_multiplier"))
    out: list[str | None] = [None] * n
    for i, r in enumerate(rows):
        if energy[i] is None or not np.isfinite(cost[i]):
            continue
        e = f"{letters['energy_saved_kwh']}{r}"
        p = f"{letters['electricity_price_cny_per_kwh']}{r}"
        m = f"{letters['price_multiplier']}{r}"
        if standby:
            s = f"{letters['saving_standby_kwh']}{r}"
            sm = f"{letters['standby_price_multiplier']}{r}"
            out[i] = f"={p}*({m}*({e}-{s})+{sm}*{s})"
        else:
            out[i] = f"={p}*{m}*{e}"
    return out


def _headline_basis(assets: pd.DataFrame) -> str | None:
    """Which basis ``coal_saved_tce`` repeats on these rows (the run's ``basis``), or None."""
    headline = _numbers(assets, "coal_saved_tce")
    for basis in ("equivalent", "equal_value"):
        column = f"coal_saved_tce_{basis}"
        if column in assets.columns:
            same = _numbers(assets, column)
            if np.array_equal(headline, same, equal_nan=True):
                return basis
    return None


def _energy_forms(assets: pd.DataFrame) -> list[str | None]:
    """Each row's energy form: ``motor``, ``power``, ``difference`` or None (no energy)."""
    n = len(assets)
    if not {"baseline_energy_kwh", "retrofit_energy_kwh", "energy_saved_kwh"} <= set(
        assets.columns
    ):
        return [None] * n
    motor = _motor_rows(assets)
    power = _power_rows(assets) & ~motor
    finite = np.isfinite(_numbers(assets, "baseline_energy_kwh")) & np.isfinite(
        _numbers(assets, "retrofit_energy_kwh")
    )
    forms: list[str | None] = []
    for i in range(n):
        if not finite[i]:
            forms.append(None)
        elif motor[i]:
            forms.append("motor")
        elif power[i]:
            forms.append("power")
        else:
            forms.append("difference")
    return forms


def _motor_rows(assets: pd.DataFrame) -> np.ndarray:
    """Rows of a bare motor upgrade (measure ``upgrade_motor`` on a motor, fan or pump that no
    system measure took) whose inputs are all numbers: the motor form."""
    n = len(assets)
    if not all(c in assets.columns for c in (*MOTOR_INPUTS, "measure", "category")):
        return np.zeros(n, dtype=bool)
    # the motor model is the fallback: a row no system measure took carries no system columns
    taken = np.zeros(n, dtype=bool)
    for column in ("baseline_shaft_kw", "compressor_control", "air_flow_m3_min"):
        if column in assets.columns:
            taken |= assets[column].notna().to_numpy()
    category = assets["category"].astype(object).to_numpy()
    upgrade = (assets["measure"].astype(object).to_numpy() == "upgrade_motor") & ~np.isin(
        category, (*NOT_BY_HOURS, "compressor")
    )
    inputs = np.column_stack([_numbers(assets, c) for c in MOTOR_INPUTS])
    usable = np.isfinite(inputs).all(axis=1) & (inputs[:, 4] > 0) & (inputs[:, 5] > 0)
    rows = upgrade & ~taken & usable
    # the formula must reproduce the model on the row, or the row takes the power form
    q, kw, load, hours, eta_b, eta_r = inputs.T
    with np.errstate(invalid="ignore", divide="ignore"):
        redone = q * kw * load * hours * (100 / eta_b - 100 / eta_r)
    saved = _numbers(assets, "energy_saved_kwh")
    scale = np.maximum(np.abs(_numbers(assets, "baseline_energy_kwh")), 1.0)
    return rows & (np.abs(redone - saved) <= 1e-12 * scale)


def _power_rows(assets: pd.DataFrame) -> np.ndarray:
    """Rows whose energy scales with hours × quantity, both positive numbers: the power form."""
    n = len(assets)
    if not {"operating_hours_h", "quantity", "category"} <= set(assets.columns):
        return np.zeros(n, dtype=bool)
    hours, quantity = _numbers(assets, "operating_hours_h"), _numbers(assets, "quantity")
    by_hours = ~np.isin(assets["category"].astype(object).to_numpy(), NOT_BY_HOURS)
    with np.errstate(invalid="ignore"):
        return by_hours & (hours > 0) & (quantity > 0)


def _numbers(assets: pd.DataFrame, column: str) -> np.ndarray:
    if column not in assets.columns:
        return np.full(len(assets), np.nan)
    return pd.to_numeric(assets[column], errors="coerce").to_numpy(float)


__all__ = [
    "FACTOR_COLUMNS",
    "FORMULA_COLUMNS",
    "INPUT_POWER_COLUMNS",
    "MOTOR_INPUTS",
    "NOT_BY_HOURS",
    "ROW_FORMULAS",
    "RowFormulas",
    "factor_rows",
    "row_formulas",
    "with_input_power",
]
