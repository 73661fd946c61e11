"""Measure ``replace_charger``: replace existing charging piles by new (intelligent) ones.

Glue between the inventory and :mod:`retrofit.models.chargers`. Each pile delivers the same
energy to vehicles before and after; the grid input is E_delivered ÷ η + P_standby × (8760 h −
charging hours), so a new pile saves on conversion and may lose on standby. The saving is
reported with its sign, never clipped. Efficiencies and standby powers come from the row, else
from the sourced ``charger_defaults`` table by pile type (each default is caveated); dc piles
have no sourced standby default and must give it. Off-peak (orderly) charging is priced in the
economics step as a cost saving only (:mod:`retrofit.pipeline`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..columns import describe
from ..core import frame
from ..core.caveats import CaveatLog
from ..core.exceptions import InventoryIssue
from ..core.reference import Tables
from ..models import chargers
from .base import Measure, register

#: Result columns of this measure (name → meaning [unit]), for the README.
OUTPUT_COLUMNS: dict[str, str] = describe(
    [
        "energy_delivered_kwh",
        "charging_hours_h",
        "standby_hours_h",
        "charger_efficiency_baseline_pct",
        "charger_efficiency_baseline_source",
        "charger_efficiency_retrofit_pct",
        "charger_efficiency_retrofit_source",
        "standby_baseline_w",
        "standby_baseline_source",
        "standby_retrofit_w",
        "standby_retrofit_source",
        "charging_input_retrofit_kwh",
        "saving_conversion_kwh",
        "saving_standby_kwh",
        "piles_replaced",
    ]
)

#: One-paragraph statement of the model, for the result's assumptions.
MODEL = (
    "per pile, E_in = E_delivered/η + P_standby × (8760 h − h_charging); E_delivered given, "
    "else rated_power_kw × load_factor × operating_hours_h; h_charging = operating_hours_h, "
    "else E_delivered ÷ rated_power_kw; the same E_delivered and hours before and after; η and "
    "P_standby from the row, else table charger_defaults by charger_type (no dc standby "
    "default); × quantity; negative savings are kept; off-peak charging is a cost saving only"
)

DEFAULTS_TABLE = "charger_defaults"


def _with_default(
    rows: pd.DataFrame,
    column: str,
    ctype: np.ndarray,
    table: pd.DataFrame,
    state: str,
    parameter: str,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The row's value of ``column``, else the table's default for the pile type: values,
    sources, defaulted mask."""
    given = frame.numbers(rows, column)
    entries = table[(table["state"] == state) & (table["parameter"] == parameter)]
    default = dict(zip(entries["charger_type"], entries["value"].astype(float), strict=True))
    fill = pd.Series(ctype, dtype=object).map(default).to_numpy(dtype=float)
    use = np.isnan(given) & ~np.isnan(fill)
    values = np.where(use, fill, given)
    source = np.where(
        use,
        np.char.add(f"{DEFAULTS_TABLE} ", np.char.add(ctype.astype(str), f" {state}")),
        f"input:{column}",
    ).astype(object)
    source[np.isnan(values)] = ""
    return values, source, use


def compute(
    assets: pd.DataFrame,
    positions: np.ndarray,
    tables: Tables,
    log: CaveatLog,
    *,
    file: str,
    header_map: dict[str, str],
) -> tuple[pd.DataFrame, list[InventoryIssue]]:
    """Grid input of the present and the new piles for the rows at ``positions``.

    Returns a frame indexed like those rows with every value used (see :data:`OUTPUT_COLUMNS`)
    and the data issues found.
    """
    rows = assets.iloc[positions]
    n = len(rows)
    sub_log = CaveatLog(n)
    issues: list[InventoryIssue] = []

    qty = frame.quantity(rows)
    ctype = frame.column(rows, "charger_type").to_numpy(dtype=object)
    rated, load, hours, delivered = (
        frame.numbers(rows, name)
        for name in ("rated_power_kw", "load_factor", "operating_hours_h", "energy_delivered_kwh")
    )
    params = tables.keyed("model_parameters", ["model", "parameter"], "value")
    year_h = float(params[("charger", "hours_per_year_h")])

    given = ~np.isnan(delivered)
    why = "measure replace_charger without energy_delivered_kwh computes it from them"
    issues += frame.blank_issues(
        rows, ~given & np.isnan(rated), "rated_power_kw", file, header_map, why
    )
    issues += frame.blank_issues(
        rows, ~given & np.isnan(load), "load_factor", file, header_map, why
    )
    issues += frame.blank_issues(
        rows,
        given & np.isnan(hours) & np.isnan(rated),
        "rated_power_kw",
        file,
        header_map,
        "needed for the charging hours when operating_hours_h is blank",
    )
    delivered = np.where(given, delivered, chargers.delivered_energy_kwh(rated, load, hours))
    charging = np.where(
        np.isnan(hours), chargers.charging_hours_at_rated_power_h(delivered, rated), hours
    )
    sub_log.add(
        "charger.hours.at_rated_power",
        "charging hours not given: taken as the "
        "energy delivered ÷ rated power (charging at full power); slower charging "
        "means more charging and fewer standby hours",
        "未填充电小时：按额定功率充电估算",
        mask=given & np.isnan(hours) & ~np.isnan(charging),
    )
    sub_log.add(
        "charger.load_factor.unused",
        "energy_delivered_kwh is given: load_factor is not used",
        "已填年充电量：未使用负载率",
        mask=given & ~np.isnan(load),
    )
    too_long = ~np.isnan(charging) & (charging > year_h)
    for i in np.flatnonzero(too_long):  # rows in error only
        column = "operating_hours_h" if not np.isnan(hours[i]) else "energy_delivered_kwh"
        value = hours[i] if column == "operating_hours_h" else delivered[i]
        issues.append(
            InventoryIssue(
                "out-of-range",
                file,
                int(rows["source_row"].iloc[i]),
                frame.header(header_map, column),
                f"{value:g}",
                f"at most {year_h:g} charging hours a year per pile (at {rated[i]:g} kW that is "
                f"{year_h * rated[i]:g} kWh); the value is per pile, not for all {qty[i]:g}",
            )
        )
    standby_hours = year_h - charging

    table = tables[DEFAULTS_TABLE]
    eff_b, src_eb, def_eb = _with_default(
        rows, "efficiency_pct", ctype, table, "present", "efficiency_pct"
    )
    eff_r, src_er, def_er = _with_default(
        rows, "target_efficiency_pct", ctype, table, "new", "efficiency_pct"
    )
    sb_b, src_sb, def_sb = _with_default(rows, "standby_w", ctype, table, "present", "standby_w")
    sb_r, src_sr, def_sr = _with_default(rows, "target_standby_w", ctype, table, "new", "standby_w")
    no_default = "no sourced default for this pile type: enter the measured or datasheet value"
    issues += frame.blank_issues(rows, np.isnan(sb_b), "standby_w", file, header_map, no_default)
    issues += frame.blank_issues(
        rows, np.isnan(sb_r), "target_standby_w", file, header_map, no_default
    )
    issues += frame.blank_issues(
        rows, np.isnan(eff_b), "efficiency_pct", file, header_map, no_default
    )
    issues += frame.blank_issues(
        rows, np.isnan(eff_r), "target_efficiency_pct", file, header_map, no_default
    )
    for code, mask, what, what_zh in (
        ("efficiency_baseline", def_eb, "present conversion efficiency", "现有充电桩转换效率"),
        ("efficiency_retrofit", def_er, "new pile's conversion efficiency", "新充电桩转换效率"),
        ("standby_baseline", def_sb, "present standby power", "现有充电桩待机功率"),
        ("standby_retrofit", def_sr, "new pile's standby power", "新充电桩待机功率"),
    ):
        sub_log.add(
            f"charger.{code}.defaulted",
            f"{what} not given: the charger_defaults value "
            "for the pile type is used (confidence L: vendor and library figures, no "
            "published standard value was found); measure it",
            f"未填{what_zh}：采用缺省值（可信度低），建议实测",
            mask=mask,
        )
    ac_same = (ctype == "ac") & def_eb & def_er
    sub_log.add(
        "charger.ac.no_conversion_saving",
        "ac pile: the car's on-board charger does "
        "the conversion, so the default efficiency is the same before and after and "
        "only standby power changes",
        "交流桩由车载充电机完成变换，缺省效率前后相同，仅待机功率变化",
        mask=ac_same,
    )

    charge_b = chargers.conversion_input_kwh(delivered, eff_b / 100.0) * qty
    charge_r = chargers.conversion_input_kwh(delivered, eff_r / 100.0) * qty
    standby_b = chargers.standby_energy_kwh(sb_b, standby_hours) * qty
    standby_r = chargers.standby_energy_kwh(sb_r, standby_hours) * qty
    baseline, retrofit = charge_b + standby_b, charge_r + standby_r
    sub_log.add(
        "charger.saving.negative",
        "the new piles draw more than the present ones "
        "(usually their standby power): the saving is negative and is kept",
        "新桩耗电多于旧桩（多因待机功率），节能量为负，如实报告",
        mask=retrofit > baseline,
    )
    sub_log.add(
        "charger.goal.non_intelligent_assumed",
        "every replaced pile is counted toward "
        "the 20,000-pile goal as an existing self-use non-intelligent pile "
        "(存量自用非智能充电桩); the inventory does not record that",
        "更换的充电桩均按存量自用非智能充电桩计入2万个目标",
    )
    sub_log.add(
        "charger.gb46519.grades_unknown",
        "GB 46519-2025 energy-efficiency grades of "
        "charging piles are not reported: its grade limits could not be found in a "
        "public source",
        "GB 46519-2025 能效等级限值未能从公开来源获得，未给出等级",
    )
    log.extend(sub_log, positions)

    out = {
        "energy_delivered_kwh": delivered,
        "charging_hours_h": charging,
        "standby_hours_h": standby_hours,
        "charger_efficiency_baseline_pct": eff_b,
        "charger_efficiency_baseline_source": src_eb,
        "charger_efficiency_retrofit_pct": eff_r,
        "charger_efficiency_retrofit_source": src_er,
        "standby_baseline_w": sb_b,
        "standby_baseline_source": src_sb,
        "standby_retrofit_w": sb_r,
        "standby_retrofit_source": src_sr,
        "charging_input_retrofit_kwh": charge_r,
        "saving_conversion_kwh": charge_b - charge_r,
        "saving_standby_kwh": standby_b - standby_r,
        "piles_replaced": qty.astype(float),
        "baseline_energy_kwh": baseline,
        "retrofit_energy_kwh": retrofit,
        "retrofitted_motor_kw": np.zeros(n),
    }
    return pd.DataFrame(out, index=rows.index), issues


def takes(category: pd.Series, measure: pd.Series) -> np.ndarray:
    """Charging piles, whatever their measures."""
    return (category == "charger").to_numpy(dtype=bool, na_value=False)


MEASURE = register(
    Measure(
        name="charger",
        takes=takes,
        compute=compute,
        output_columns=OUTPUT_COLUMNS,
        model=MODEL,
    )
)
