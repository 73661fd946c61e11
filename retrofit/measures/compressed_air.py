"""Compressed-air measures on a compressor row: upgrade_equipment, fix_leaks, reduce_pressure
(and upgrade_motor alongside the last two).

Glue between the inventory and :mod:`retrofit.models.compressed_air`. The measures a row names
are applied in a fixed order, each to the energy the previous one left:

1. ``upgrade_equipment``: E1 = E0 × SP_target / SP_present (GB 19153-2019 grade or a quote);
2. ``fix_leaks``: output c1 = c0 × (1 − leak) / (1 − target leak), E2 = E1 × f(c1)/f(c0) on
   the compressor's control curve f (MEASUR; c0 from the measured input share);
3. ``reduce_pressure``: E3 = E2 × W(p − Δp)/W(p) × f(c2)/f(c1), W the adiabatic compression
   power and c2 = c1 less the unregulated demand that falls with absolute pressure (the
   0.5 %/psi rule only where the discharge pressure is unknown);
4. ``upgrade_motor``: E4 = E3 × η_present / η_target at the motor's load after steps 1–3.

Each step's saving has its own column and the savings add up to the total exactly. The grade
lookup is a pandas merge over the rows, never a loop per asset.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..columns import describe
from ..core import frame
from ..core.caveats import CaveatLog
from ..core.exceptions import InventoryIssue
from ..core.reference import Tables
from ..inventory.defaults import rows_with_measure
from ..models import compressed_air as air
from . import upgrade_motor
from .base import Measure, register

#: Result columns of this measure (name → meaning [unit]), for the README.
OUTPUT_COLUMNS: dict[str, str] = describe(
    [
        "baseline_energy_kwh",
        "retrofit_energy_kwh",
        "saving_upgrade_equipment_kwh",
        "saving_fix_leaks_kwh",
        "saving_reduce_pressure_kwh",
        "saving_upgrade_motor_kwh",
        "power_ratio_upgrade_equipment",
        "power_ratio_fix_leaks",
        "power_ratio_reduce_pressure",
        "power_ratio_upgrade_motor",
        "specific_power_baseline_kw_per_m3min",
        "specific_power_retrofit_kw_per_m3min",
        "specific_power_retrofit_source",
        "specific_power_table_pressure_mpa",
        "leak_fraction_retrofit",
        "leak_fraction_retrofit_source",
        "pressure_saving_per_bar",
        "compressor_control_curve",
        "capacity_fraction_baseline",
        "capacity_fraction_retrofit",
        "motor_load_factor",
        "efficiency_baseline_pct",
        "efficiency_retrofit_pct",
        "retrofitted_motor_kw",
    ]
)
# step 4 also returns the motor audit columns of measure upgrade_motor
# (efficiency_class_*, efficiency_fl_*_pct, efficiency_fl_*_method, efficiency_fl_*_source,
# part_load_curve_*), documented there.

#: One-paragraph statement of the model, for the result's assumptions.
MODEL = (
    "E0 = rated_power_kw × load_factor (average electrical input ÷ rated motor power) × "
    "operating_hours_h × quantity; the row's measures applied in order, each to the energy the "
    "previous left: upgrade_equipment E1 = E0 × SP_target/SP_present (SP_target quoted, else "
    "GB 19153-2019 表1–表4 at a listed motor power, the next listed pressure at or above the "
    "row's, cooling, grade); the compressor's capacity c0 is read from load_factor on its "
    "control curve f (MEASUR: load/unload by receiver storage, modulating, variable "
    "displacement, VSD, start/stop); fix_leaks c1 = c0 × (1 − leak)/(1 − target leak), "
    "E2 = E1 × f(c1)/f(c0); reduce_pressure E3 = E2 × W(p − Δp)/W(p) × f(c2)/f(c1), "
    "W = ((p + pa)/pa)^((k−1)/k) − 1 (k = 1.395) and c2 = c1 × (1 − 0.6·(1 − (p − Δp + pa)/"
    "(p + pa))) (MEASUR; 0.5 %/psi only where p is unknown); upgrade_motor E4 = E3 × "
    "η_present/η_target at shaft load load_factor × E3/E0; each step's saving reported "
    "separately, summing to the total"
)

GRADE_TABLE = "gb19153_2019_compressor_grades"
PARAMETERS = "compressed_air_parameters"
CONTROL_CURVES = "compressor_control_curves"
#: Controls whose MEASUR curve depends on receiver storage (the unloaded cycle's blowdown).
STORAGE_CONTROLS = ("load_unload", "modulating", "variable_displacement")
STEPS = ("upgrade_equipment", "fix_leaks", "reduce_pressure", "upgrade_motor")
BAR_PER_MPA = 10.0  # unit identity: 1 MPa = 10 bar
_ROUND = 6  # decimals compared when matching a power or pressure to a tabulated one


def target_specific_power(
    rows: pd.DataFrame,
    need: np.ndarray,
    tables: Tables,
    log: CaveatLog,
    *,
    file: str,
    header_map: dict[str, str],
):
    """GB 19153-2019 specific power [kW/(m³/min)] of the target grade for the rows in ``need``.

    Returns the values, the cell's text label, the cell's rated pressure [MPa] and the issues.
    """
    n = len(rows)
    value = np.full(n, np.nan)
    label = np.full(n, "", dtype=object)
    table_p = np.full(n, np.nan)
    issues: list[InventoryIssue] = []
    ctype = frame.column(rows, "compressor_type")
    power = frame.numbers(rows, "rated_power_kw")
    pressure = frame.numbers(rows, "discharge_pressure_mpa")
    cooling = frame.column(rows, "cooling")
    grade = frame.column(rows, "target_equipment_grade")
    why = "needed to pick the GB 19153-2019 specific power of the new compressor"
    for column, blank in (
        ("compressor_type", ctype.isna().to_numpy()),
        ("discharge_pressure_mpa", np.isnan(pressure)),
        ("target_equipment_grade", grade.isna().to_numpy()),
    ):
        issues += frame.blank_issues(rows, need & blank, column, file, header_map, why)
    ready = (
        need
        & ctype.notna().to_numpy()
        & ~np.isnan(pressure)
        & ~np.isnan(power)
        & grade.notna().to_numpy()
    )
    if not ready.any():
        return value, label, table_p, issues

    table = tables[GRADE_TABLE]
    t = table.assign(
        rated_power_kw=table["rated_power_kw"].astype(float).round(_ROUND),
        table_pressure=table["discharge_pressure_mpa"].astype(float),
    )
    lookup = pd.DataFrame(
        {
            "pos": np.arange(n),
            "compressor_type": ctype.to_numpy(dtype=object),
            "rated_power_kw": np.round(power, _ROUND),
            "grade": grade.to_numpy(dtype=object),
            "row_cooling": cooling.to_numpy(dtype=object),
            "row_pressure": pressure,
        }
    )[ready]
    cand = lookup.merge(t, on=["compressor_type", "rated_power_kw", "grade"])
    cool_ok = (cand["cooling"] == "any") | (cand["cooling"] == cand["row_cooling"])
    cand = cand[cool_ok]
    # the listed rated pressure at or above the row's: the less strict value when not listed
    above = cand[cand["table_pressure"] >= np.round(cand["row_pressure"], _ROUND) - 1e-9]
    hit = above.sort_values(["pos", "table_pressure"]).drop_duplicates("pos")
    pos = hit["pos"].to_numpy()
    value[pos] = hit["specific_power_kw_per_m3min"].to_numpy(float)
    table_p[pos] = hit["table_pressure"].to_numpy(float)
    cool_part = np.where(hit["cooling"].eq("any"), "", " " + hit["cooling"].astype(str))
    label[pos] = (
        "gb19153_2019 "
        + hit["table"].astype(str)
        + " "
        + hit["rated_power_kw"].map("{:g} kW".format).astype(str)
        + " "
        + hit["table_pressure"].map("{:g} MPa".format).astype(str)
        + cool_part
        + " "
        + hit["grade"].astype(str)
    ).to_numpy()
    used = np.zeros(n, dtype=bool)
    used[pos] = True
    rounded_up = used & (np.round(table_p, _ROUND) > np.round(pressure, _ROUND))
    log.add(
        "compressor.discharge_pressure.rounded_up",
        "GB 19153-2019 gives no value at this "
        "discharge pressure (not a listed rated pressure, or '-' in the table): the value "
        "of the next higher listed pressure (the less strict one) is used; see "
        "specific_power_table_pressure_mpa",
        "排气压力非标准所列额定压力：取相邻较高压力档（较宽松）的限值",
        mask=rounded_up,
    )
    log.add(
        "compressor.gb19153.single_source",
        "GB 19153-2019 specific powers rest on one "
        "extraction of the standard (confidence M); the standard gives no rule between "
        "listed powers and pressures",
        "GB 19153-2019 比功率限值来自单一摘录（可信度 M）",
        mask=used,
    )
    vsd = used & ctype.eq("oil_injected_rotary_vsd").to_numpy()
    log.add(
        "compressor.vsd.weighted_specific_power",
        "GB 19153-2019 表2 (variable speed) limits "
        "a weighted specific power at 100/70/40 % flow (clause 6.3.3; weights of 表7 not "
        "read): the present measured specific power must be on the same basis",
        "变频机组限值为 100%/70%/40% 流量加权比功率，现有实测比功率须同口径",
        mask=vsd,
    )

    # rows in error only, reported one by one
    types = {k: g for k, g in t.groupby("compressor_type")}
    for i in np.flatnonzero(ready & ~used):
        r = int(rows["source_row"].iloc[i])
        g = types.get(ctype.iloc[i])
        name = g["table"].iloc[0] if g is not None else "表1–表4"
        tail = "; or give target_specific_power_kw_per_m3min"
        sizes = np.sort(g["rated_power_kw"].unique()) if g is not None else np.array([])
        if g is None or not np.isin(np.round(power[i], _ROUND), sizes):
            issues.append(
                InventoryIssue(
                    "out-of-range",
                    file,
                    r,
                    frame.header(header_map, "rated_power_kw"),
                    f"{power[i]:g}",
                    f"a drive-motor rated power listed in GB 19153-2019 {name} "
                    f"({ctype.iloc[i]}): nearest {frame.neighbours(sizes, power[i])} kW, no interpolation "
                    f"(the standard gives none){tail}",
                )
            )
            continue
        at = g[(g["rated_power_kw"] == np.round(power[i], _ROUND)) & (g["grade"] == grade.iloc[i])]
        split = at["cooling"].ne("any").any()
        if split and pd.isna(cooling.iloc[i]):  # a blank cell is NaN here, never 'nan'-cooled
            issues.append(
                InventoryIssue(
                    "blank-required",
                    file,
                    r,
                    frame.header(header_map, "cooling"),
                    "",
                    f"air or liquid (GB 19153-2019 {name} gives separate values by cooling; {why})",
                )
            )
            continue
        cells = at[(at["cooling"] == "any") | (at["cooling"] == cooling.iloc[i])]
        if cells.empty:
            issues.append(
                InventoryIssue(
                    "out-of-range",
                    file,
                    r,
                    frame.header(header_map, "cooling"),
                    str(cooling.iloc[i]),
                    f"a cooling for which GB 19153-2019 {name} gives a value at {power[i]:g} kW "
                    f"(it prints '-' for {cooling.iloc[i]}-cooled units here){tail}",
                )
            )
            continue
        top = cells["table_pressure"].max()
        issues.append(
            InventoryIssue(
                "out-of-range",
                file,
                r,
                frame.header(header_map, "discharge_pressure_mpa"),
                f"{pressure[i]:g}",
                f"≤ {top:g} MPa, the highest rated pressure GB 19153-2019 {name} "
                f"lists at {power[i]:g} kW{tail}",
            )
        )
    return value, label, table_p, issues


def _demand_ratio(before, after, nodes, power) -> np.ndarray:
    """f(after)/f(before) on each row's curve; 1 where the curve draws nothing at ``before``
    (a start/stop compressor that never runs)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = air.demand_change_power_ratio(before, after, nodes, power)
    return np.where(air.control_power_fraction(before, nodes, power) > 0, ratio, 1.0)


def control_curves(
    rows: pd.DataFrame,
    tables: Tables,
    log: CaveatLog,
    storage_default: float,
    applies: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each row's control, its curve label and its power fractions at the curve's capacities.

    Returns the capacity nodes (k,), the power nodes (n, k) and the per-row curve label. A
    blank control is the VSD curve for a variable-speed type and load/unload otherwise.
    Caveats are logged for the rows in ``applies`` (those whose air demand changes).
    """
    n = len(rows)
    given = frame.column(rows, "compressor_control")
    ctype = frame.column(rows, "compressor_type")
    vsd_type = ctype.eq("oil_injected_rotary_vsd").to_numpy()
    blank = given.isna().to_numpy()
    control = np.where(
        blank, np.where(vsd_type, "vsd", "load_unload"), given.to_numpy(dtype=object)
    )
    log.add(
        "compressor.control.defaulted",
        "compressor_control not given: load/unload assumed (the control of every entry of "
        "MEASUR's generic compressor library for lubricant-injected screws; a variable-speed "
        "type takes the VSD curve): give the control, it sets how much of a demand "
        "reduction reaches the meter",
        "未给出空压机调节方式：按加卸载（MEASUR 通用机型库）计，变频机型按变频曲线",
        mask=blank & applies,
    )
    given_storage = frame.numbers(rows, "receiver_storage_m3_per_m3min")
    storage = np.where(np.isnan(given_storage), storage_default, given_storage)
    table = tables[CONTROL_CURVES]
    screw = table[table["compressor_family"] == "screw"]
    nodes = np.sort(screw["capacity_fraction"].unique().astype(float))
    power = np.full((n, nodes.size), np.nan)
    label = np.full(n, "", dtype=object)
    stored = np.isin(control, STORAGE_CONTROLS)
    outside = np.zeros(n, dtype=bool)
    for name in pd.unique(control):
        at = control == name
        grid = (
            screw[screw["control"] == name]
            .pivot_table(
                index="receiver_storage_m3_per_m3min",
                columns="capacity_fraction",
                values="power_fraction",
                dropna=False,
            )
            .sort_index()
        )
        if grid.shape[1] != nodes.size or grid.isna().any().any():
            raise tables.missing_row(CONTROL_CURVES, ("screw", name))
        if name not in STORAGE_CONTROLS:
            power[at] = grid.to_numpy(float)[0]
            label[at] = f"measur {name}"
            continue
        # linear between MEASUR's curves at the tabulated storages, clamped at the ends
        sizes = grid.index.to_numpy(float)
        s = storage[at]
        outside[at] = (s < sizes[0]) | (s > sizes[-1])
        s = np.clip(s, sizes[0], sizes[-1])
        j = np.clip(np.searchsorted(sizes, s, side="right") - 1, 0, sizes.size - 2)
        t = ((s - sizes[j]) / (sizes[j + 1] - sizes[j]))[:, None]
        curves = grid.to_numpy(float)
        power[at] = curves[j] + t * (curves[j + 1] - curves[j])
        label[at] = [f"measur {name} storage {v:.3g} m3/(m3/min)" for v in s]
    log.add(
        "compressor.control.storage_assumed",
        f"receiver_storage_m3_per_m3min not given: {storage_default:g} m³ per m³/min of "
        "capacity (1 US gal/acfm, MEASUR's load/unload test) assumed for the control curve; a "
        "larger receiver lets load/unload and unloading controls save more of a demand "
        "reduction",
        f"储气罐容积未知：按每 m³/min 排气量 {storage_default:g} m³（MEASUR 算例）计",
        mask=stored & applies & np.isnan(given_storage),
    )
    log.add(
        "compressor.control.storage_outside_curves",
        "receiver storage outside 0.134–1.337 m³ per m³/min (1–10 US gal/acfm), the range of "
        "MEASUR's curves: the nearest curve is used",
        "储气容积超出 MEASUR 曲线范围（每 m³/min 0.134–1.337 m³），采用最近曲线",
        mask=stored & applies & outside,
    )
    piston = ctype.isin(["piston", "oil_free_piston"]).to_numpy()
    log.add(
        "compressor.control.screw_curve_for_piston",
        "the control curves are MEASUR's lubricant-injected screw curves; for a piston "
        "compressor they are a proxy",
        "调节曲线取自喷油螺杆机（MEASUR），活塞机为近似",
        mask=piston & applies,
    )
    return nodes, power, label


def compute(
    assets: pd.DataFrame,
    positions: np.ndarray,
    tables: Tables,
    log: CaveatLog,
    *,
    file: str,
    header_map: dict[str, str],
) -> tuple[pd.DataFrame, list[InventoryIssue]]:
    """Compressor energy before and after the row's measures, step by step.

    Returns a frame indexed like the rows at ``positions`` with every value used (see
    :data:`OUTPUT_COLUMNS`) and the data issues found.
    """
    rows = assets.iloc[positions]
    n = len(rows)
    sub_log = CaveatLog(n)
    issues: list[InventoryIssue] = []
    take = {step: rows_with_measure(rows["measure"], step) for step in STEPS}
    params = tables.keyed(PARAMETERS, "parameter", "value")
    out: dict[str, np.ndarray] = {}

    p_kw = frame.numbers(rows, "rated_power_kw")
    load = frame.numbers(rows, "load_factor")
    hours = frame.numbers(rows, "operating_hours_h")
    qty = frame.quantity(rows)
    why = "every compressed-air measure starts from the compressor's input energy"
    for column, values in (
        ("rated_power_kw", p_kw),
        ("load_factor", load),
        ("operating_hours_h", hours),
    ):
        issues += frame.blank_issues(rows, np.isnan(values), column, file, header_map, why)
    e0 = air.input_energy_kwh(p_kw, load, hours, qty)
    sub_log.add(
        "compressor.load_factor.input_basis",
        "for a compressor, load_factor is the "
        "average electrical input power ÷ rated motor power (measure it, e.g. from "
        "load/unload hours or a power logger)",
        "空压机负载率指平均输入电功率与电机额定功率之比",
    )
    # where the compressor sits on its control curve: the demand measures move it along it
    demand = take["fix_leaks"] | take["reduce_pressure"]
    storage = float(params["receiver_storage_default_m3_per_m3min"])
    nodes, curve_power, curve_label = control_curves(rows, tables, sub_log, storage, demand)
    capacity0 = air.control_capacity_fraction(load, nodes, curve_power)
    sub_log.add(
        "compressor.control.full_load_input",
        "the control curve gives power as a share of the package's full-load input: the "
        "motor's rated power is taken as that input, so load_factor places the compressor on "
        "its curve (capacity_fraction_baseline)",
        "按调节曲线由负载率反推排气量比例（以电机额定功率作满载输入功率）",
        mask=demand,
    )
    sub_log.add(
        "compressor.control.below_no_load",
        "load_factor at or below the control's unloaded (no-load) power: the compressor "
        "delivers no air on its curve, so a demand reduction saves nothing; check load_factor "
        "and compressor_control",
        "负载率不高于该调节方式的空载功率：需求下降无节能，请核对负载率与调节方式",
        mask=demand & (load <= curve_power[:, 0]),
    )

    # 1. upgrade_equipment ----------------------------------------------------------------
    up = take["upgrade_equipment"]
    sp = frame.numbers(rows, "specific_power_kw_per_m3min")
    issues += frame.blank_issues(
        rows,
        up & np.isnan(sp),
        "specific_power_kw_per_m3min",
        file,
        header_map,
        "measure upgrade_equipment on a compressor needs the "
        "present package's measured specific power",
    )
    quoted = frame.numbers(rows, "target_specific_power_kw_per_m3min")
    has_quote = up & ~np.isnan(quoted)
    grade_sp, grade_label, grade_p, found = target_specific_power(
        rows, up & ~has_quote, tables, sub_log, file=file, header_map=header_map
    )
    issues += found
    sp_target = np.where(has_quote, quoted, grade_sp)
    sp_source = np.where(has_quote, "input:target_specific_power_kw_per_m3min", grade_label)
    sub_log.add(
        "compressor.target_specific_power.quoted",
        "new compressor's specific power is "
        "the quoted value (target_specific_power_kw_per_m3min), not a GB 19153-2019 "
        "grade",
        "新空压机比功率采用报价/样本值",
        mask=has_quote,
    )
    sub_log.add(
        "compressor.specific_power.same_basis",
        "present and target specific powers "
        "are compared at equal free air delivery: the present value must be a package "
        "value at the conditions of GB 19153-2019 / GB/T 3853 (inlet 0.1 MPa, 20 °C)",
        "现有比功率须为机组值并与标准工况同口径",
        mask=up,
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio_up = np.where(up, air.specific_power_ratio(sp, sp_target), 1.0)
    sub_log.add(
        "compressor.upgrade.not_an_improvement",
        "the new compressor's specific power "
        "is higher than the present one: the saving is negative (reported, not "
        "clipped)",
        "新空压机比功率高于现有机组，节能量为负",
        mask=up & (ratio_up > 1),
    )

    # 2. fix_leaks -------------------------------------------------------------------------
    fix = take["fix_leaks"]
    leak = frame.numbers(rows, "leak_fraction")
    issues += frame.blank_issues(
        rows,
        fix & np.isnan(leak),
        "leak_fraction",
        file,
        header_map,
        "measure fix_leaks needs the present leak share",
    )
    given_target = frame.numbers(rows, "target_leak_fraction")
    defaulted = fix & np.isnan(given_target)
    default_target = float(params["target_leak_fraction_default"])
    target_leak = np.where(np.isnan(given_target), default_target, given_target)
    sub_log.add(
        "compressor.target_leak.defaulted",
        f"target leak share not given: "
        f"{default_target:g} of system flow assumed (US DOE Compressed Air Tip Sheet #3: "
        "5–10 % is a typical cost-effective target; the upper end is used)",
        "未给出治理后泄漏率：按 DOE 建议 5–10% 的上限取值",
        mask=defaulted,
        data={"target_leak_fraction": default_target},
    )
    bad = fix & ~np.isnan(leak) & (target_leak >= leak)
    src_rows = rows["source_row"].to_numpy()
    for i in np.flatnonzero(bad & ~defaulted):
        issues.append(
            InventoryIssue(
                "out-of-range",
                file,
                int(src_rows[i]),
                frame.header(header_map, "target_leak_fraction"),
                f"{target_leak[i]:g}",
                f"a target leak share below the present leak_fraction "
                f"{leak[i]:g} (measure fix_leaks)",
            )
        )
    for i in np.flatnonzero(bad & defaulted):
        issues.append(
            InventoryIssue(
                "out-of-range",
                file,
                int(src_rows[i]),
                frame.header(header_map, "leak_fraction"),
                f"{leak[i]:g}",
                f"a leak share above the default target {default_target:g} (US DOE "
                "Tip Sheet #3), or a lower target_leak_fraction (measure fix_leaks)",
            )
        )
    capacity1 = np.where(fix, capacity0 * air.leak_repair_ratio(leak, target_leak), capacity0)
    ratio_fix = np.where(fix, _demand_ratio(capacity0, capacity1, nodes, curve_power), 1.0)
    sub_log.add(
        "compressor.fix_leaks.control_curve",
        "leak-repair saving read on the compressor's control curve (MEASUR): output falls "
        "by (1 − leak)/(1 − target leak) and power by f(c1)/f(c0); only start/stop control "
        "saves in proportion to output",
        "泄漏治理节能量按空压机调节曲线（MEASUR）计算，仅启停控制与排气量成正比",
        mask=fix,
    )

    # 3. reduce_pressure -------------------------------------------------------------------
    red = take["reduce_pressure"]
    dp = frame.numbers(rows, "pressure_reduction_bar")
    issues += frame.blank_issues(
        rows,
        red & np.isnan(dp),
        "pressure_reduction_bar",
        file,
        header_map,
        "measure reduce_pressure needs it",
    )
    pressure = frame.numbers(rows, "discharge_pressure_mpa")
    known = ~np.isnan(pressure)
    rate = float(
        air.rate_per_bar(
            float(params["pressure_power_fraction_per_psi"]), float(params["psi_per_bar"])
        )
    )
    ratio_rule = air.pressure_reduction_ratio(dp, rate)
    inlet = float(params["atmospheric_pressure_mpa"])
    new_pressure = pressure - dp / BAR_PER_MPA
    with np.errstate(divide="ignore", invalid="ignore"):
        full_load_ratio = air.adiabatic_power_ratio(
            pressure, new_pressure, inlet, float(params["adiabatic_exponent_k"])
        )
        demand_ratio = air.unregulated_demand_ratio(
            pressure, new_pressure, inlet, float(params["unregulated_demand_fraction"])
        )
    capacity2 = np.where(red & known, capacity1 * demand_ratio, capacity1)
    ratio_adiabatic = full_load_ratio * _demand_ratio(capacity1, capacity2, nodes, curve_power)
    ratio_red = np.where(red, np.where(known, ratio_adiabatic, ratio_rule), 1.0)
    too_much = red & ~np.isnan(pressure) & (dp >= pressure * BAR_PER_MPA)
    for i in np.flatnonzero(too_much):
        issues.append(
            InventoryIssue(
                "out-of-range",
                file,
                int(src_rows[i]),
                frame.header(header_map, "pressure_reduction_bar"),
                f"{dp[i]:g}",
                f"a reduction below the discharge pressure {pressure[i] * BAR_PER_MPA:g} "
                "bar (measure reduce_pressure)",
            )
        )
    for i in np.flatnonzero(red & ~known & (ratio_rule <= 0)):
        issues.append(
            InventoryIssue(
                "out-of-range",
                file,
                int(src_rows[i]),
                frame.header(header_map, "pressure_reduction_bar"),
                f"{dp[i]:g}",
                f"a reduction below {1 / rate:.1f} bar (the 0.5 %/psi rule would "
                "save all the power; it holds only near 7 bar g)",
            )
        )
    sub_log.add(
        "compressor.reduce_pressure.adiabatic",
        "pressure saving by the adiabatic relation W ∝ ((p + pa)/pa)^((k−1)/k) − 1 (k = "
        "1.395, pa = 0.101325 MPa) at full load, and the 60 % of air use that flows with "
        "absolute pressure falls with it, read on the control curve (MEASUR "
        "ReduceSystemAirPressure)",
        "降压节能按绝热压缩功关系计算，并计入随绝对压力下降的 60% 用气量（MEASUR）",
        mask=red & known,
    )
    sub_log.add(
        "compressor.reduce_pressure.rule_of_thumb",
        f"discharge pressure not given: pressure saving by the linear rule 0.5 %/psi = "
        f"{rate:.4f} per bar, quoted near 100 psig at full flow (Compressed Air Challenge); "
        "give discharge_pressure_mpa for the adiabatic relation",
        "未给出排气压力：降压节能按每 psi 0.5% 经验规则（约 7 bar 满负荷）",
        mask=red & ~known,
    )

    # 4. upgrade_motor ---------------------------------------------------------------------
    mot = take["upgrade_motor"]
    for i in np.flatnonzero(mot & up):
        issues.append(
            InventoryIssue(
                "conflict",
                file,
                int(src_rows[i]),
                frame.header(header_map, "measure"),
                str(rows["measure"].iloc[i]),
                "upgrade_equipment or upgrade_motor, not both: a new "
                "compressor comes with its motor and its GB 19153-2019 specific power is that of "
                "the package (机组) with the motor, so a separate motor saving would be counted "
                "twice",
            )
        )
    e3 = e0 * ratio_up * ratio_fix * ratio_red
    with np.errstate(divide="ignore", invalid="ignore"):
        motor_load = load * (e3 / e0)
    ratio_mot = np.ones(n)
    eff = {"baseline": np.full(n, np.nan), "retrofit": np.full(n, np.nan)}
    motor_cols: dict[str, np.ndarray] = {}
    mpos = np.flatnonzero(mot & ~up)
    if mpos.size:
        mrows = rows.iloc[mpos]
        mlog = CaveatLog(mpos.size)
        for side in ("baseline", "retrofit"):
            motor = upgrade_motor.motor_efficiency(
                mrows, side, motor_load[mpos], tables, mlog, file=file, header_map=header_map
            )
            issues.extend(motor.issues)
            eff[side][mpos] = motor.efficiency
            for name, values in motor.columns.items():
                numeric = np.asarray(values).dtype.kind == "f"
                filled = np.full(n, np.nan) if numeric else np.full(n, None, dtype=object)
                filled[mpos] = values
                motor_cols[name] = filled
        ratio_mot[mpos] = air.motor_upgrade_ratio(eff["baseline"][mpos], eff["retrofit"][mpos])
        mlog.add(
            "compressor.motor.load_from_input",
            "the motor's shaft load is taken as "
            "load_factor × E3/E0, the electrical input share left after the other measures "
            "(motor losses of a few % ignored)",
            "电机负载率按其他措施后的输入功率比例估算",
        )
        sub_log.extend(mlog, mpos)

    energies = air.chain_energy_kwh(e0, [ratio_up, ratio_fix, ratio_red, ratio_mot])
    log.extend(sub_log, positions)
    out["baseline_energy_kwh"] = energies[0]
    out["retrofit_energy_kwh"] = energies[-1]
    for k, step in enumerate(STEPS):
        out[f"saving_{step}_kwh"] = energies[k] - energies[k + 1]
    out["power_ratio_upgrade_equipment"] = ratio_up
    out["power_ratio_fix_leaks"] = ratio_fix
    out["power_ratio_reduce_pressure"] = ratio_red
    out["power_ratio_upgrade_motor"] = ratio_mot
    out["specific_power_baseline_kw_per_m3min"] = np.where(up, sp, np.nan)
    out["specific_power_retrofit_kw_per_m3min"] = np.where(up, sp_target, np.nan)
    out["specific_power_retrofit_source"] = np.where(up, sp_source, "")
    out["specific_power_table_pressure_mpa"] = np.where(up & ~has_quote, grade_p, np.nan)
    out["leak_fraction_retrofit"] = np.where(fix, target_leak, np.nan)
    out["leak_fraction_retrofit_source"] = np.where(
        fix,
        np.where(
            defaulted, f"{PARAMETERS} target_leak_fraction_default", "input:target_leak_fraction"
        ),
        "",
    )
    out["pressure_saving_per_bar"] = np.where(red & ~known, rate, np.nan)
    out["compressor_control_curve"] = np.where(demand, curve_label, "")
    out["capacity_fraction_baseline"] = np.where(demand, capacity0, np.nan)
    out["capacity_fraction_retrofit"] = np.where(demand, capacity2, np.nan)
    out["motor_load_factor"] = np.where(mot & ~up, motor_load, np.nan)
    out["efficiency_baseline_pct"] = eff["baseline"] * 100.0
    out["efficiency_retrofit_pct"] = eff["retrofit"] * 100.0
    out.update(motor_cols)
    out["retrofitted_motor_kw"] = np.where(up | mot, p_kw * qty, 0.0)
    return pd.DataFrame(out, index=rows.index), issues


#: Measures that act on the air side (a motor upgrade alone stays with the motor measure).
AIR_SIDE_MEASURES = ("upgrade_equipment", "fix_leaks", "reduce_pressure")


def takes(category: pd.Series, measure: pd.Series) -> np.ndarray:
    """Compressors with any air-side measure (a motor upgrade on the row comes along)."""
    air_side = np.zeros(len(category), dtype=bool)
    for name in AIR_SIDE_MEASURES:
        air_side |= rows_with_measure(measure, name)
    return (category == "compressor").to_numpy(dtype=bool, na_value=False) & air_side


MEASURE = register(
    Measure(
        name="compressed_air",
        takes=takes,
        compute=compute,
        output_columns=OUTPUT_COLUMNS,
        model=MODEL,
        uncertain_inputs=upgrade_motor.MOTOR_EFFICIENCY_TOLERANCES,
    )
)
