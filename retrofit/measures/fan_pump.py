"""Fans and pumps: variable-speed drive, machine upgrade and motor upgrade, on one row at once.

A fan or pump row may carry ``add_vfd``, ``upgrade_equipment`` and ``upgrade_motor`` together;
this module computes the whole chain, duty point by duty point, so nothing is counted twice:

    machine shaft power  →  motor (part-load efficiency at the load it then sees)  →  drive

- Baseline: shaft power ``P_d·f_c(q)`` from the control's tabulated curve (table
  ``flow_control_power_curves``), the present machine and motor; no drive.
- Retrofit: with ``add_vfd`` the shaft power follows the system curve, ``P_d·q·h(q)``
  (:mod:`retrofit.models.flow_control`), and a PWM drive's losses are added (table
  ``vfd_part_load_efficiency``); with ``upgrade_equipment`` shaft power is scaled by
  ``η_machine,present / η_machine,new`` (same duty); with ``upgrade_motor`` the new motor's
  class is used at the reduced load.

``P_d = rated_power_kw × load_factor`` is the design duty point at 100 % flow.
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
from ..inventory.schema import normalise
from ..models import drives, flow_control
from . import machines
from .base import Measure, register
from .upgrade_motor import MOTOR_EFFICIENCY_TOLERANCES, belts, motor_efficiency

OUTPUT_COLUMNS: dict[str, str] = describe(
    [
        "control",
        "control_curve",
        "flow_profile_used",
        "static_head_fraction",
        "duty_points",
        "baseline_shaft_kw",
        "retrofit_shaft_kw",
        "vfd_efficiency_pct",
        "vfd_min_speed_fraction",
        "vfd_min_equivalent_flow_fraction",
    ]
)

#: One-paragraph statement of the model, for the result's assumptions.
MODEL = (
    "per duty point q (flow_profile): baseline shaft P = P_d·f_c(q) from the "
    "control's curve (flow_control_power_curves), P_d = rated_power_kw × "
    "load_factor; add_vfd: P = P_d·q·(h_s + (1 − h_s)·q²) with the machine "
    "efficiency held, plus drive losses η_d(size, load) from "
    "vfd_part_load_efficiency; upgrade_equipment: × η_machine,present / "
    "η_machine,new (GB 19761-2020 table / GB 19762-2025 formula or the quote); "
    "upgrade_motor: the new motor's part-load efficiency at the reduced load; "
    "E = Σ share·hours·quantity·P/(η_motor·η_drive); on_off: the motor runs at "
    "design load for the share q of the time"
)


def compute(
    assets: pd.DataFrame,
    positions: np.ndarray,
    tables: Tables,
    log: CaveatLog,
    *,
    file: str,
    header_map: dict[str, str],
) -> tuple[pd.DataFrame, list[InventoryIssue]]:
    """Baseline and retrofit energy of fan and pump rows at ``positions`` of ``assets``."""
    rows = assets.iloc[positions]
    n = len(rows)
    sub_log = CaveatLog(n)
    issues: list[InventoryIssue] = []
    out: dict[str, np.ndarray] = {}
    measure = rows["measure"]
    vfd = rows_with_measure(measure, "add_vfd")
    new_motor = rows_with_measure(measure, "upgrade_motor")
    new_machine = rows_with_measure(measure, "upgrade_equipment")
    p_kw = rows["rated_power_kw"].to_numpy(dtype=float)
    load = rows["load_factor"].to_numpy(dtype=float)
    hours = rows["operating_hours_h"].to_numpy(dtype=float)
    qty = rows["quantity"].to_numpy(dtype=float)

    flows, shares, profile_text, found = _profiles(rows, vfd, tables, file, header_map)
    issues += found
    baseline_fraction, on_off, curve_name, found = _baseline_curves(
        rows, vfd, flows, tables, file, header_map
    )
    issues += found

    static = frame.column(rows, "static_head_fraction", numeric=True).fillna(0.0).to_numpy(float)
    params = tables.keyed("model_parameters", ["model", "parameter"], "value")
    shutoff = float(params[("pump_curve", "shutoff_head_ratio")])
    por_min = float(params[("pump_curve", "preferred_operating_region_min_flow_fraction")])
    speed = np.where(
        vfd[:, None], flow_control.required_speed_fraction(flows, static[:, None], shutoff), 1.0
    )
    equivalent = flow_control.full_speed_equivalent_flow_fraction(flows, speed)
    used = shares > 0
    outside_por = vfd & ((equivalent < por_min) & used).any(axis=1)
    sub_log.add(
        "vfd.outside_preferred_region",
        "with this static head the drive runs the "
        f"machine below {por_min:g} of its best-efficiency flow at some duty point "
        "(ANSI/HI 9.6.3 preferred operating region): its efficiency falls there, so the "
        "constant-efficiency affinity model overstates the saving",
        "静扬程较高：部分工况下机组偏离高效区，恒效率相似定律高估节能量",
        mask=outside_por,
    )

    ratio, machine_columns, found = machines.machine_efficiency_ratio(
        rows, new_machine, tables, sub_log, file=file, header_map=header_map
    )
    issues += found
    out.update(machine_columns)

    control = frame.column(rows, "control").to_numpy(dtype=object)
    coupling = vfd & np.isin(control, SLIP_COUPLINGS)
    two_speed = vfd & (control == "two_speed")
    need = flow_control.required_speed_fraction(flows, static[:, None], shutoff)
    on_system_curve = flow_control.variable_speed_shaft_power_fraction(flows, static[:, None])
    if coupling.any():
        baseline_fraction[coupling] = drives.slip_coupling_motor_power_fraction(
            on_system_curve[coupling], need[coupling]
        )
    if two_speed.any():
        baseline_fraction[two_speed] = _two_speed_fraction(
            rows,
            two_speed,
            flows,
            need,
            tables,
            float(params[("two_speed_motor", "low_speed_fraction")]),
        )
    sub_log.add(
        "speed_control.slip_coupling",
        "fluid coupling / eddy-current clutch: the machine follows the system curve at the "
        "speed each duty point needs; the coupling passes the torque, so the motor delivers "
        "machine power ÷ speed ratio (slip loss as heat, KSB; Newnes 2003); the full-load slip "
        "is inside the design power",
        "液力耦合器/电磁调速：转矩不变，电机输出 = 机组功率 ÷ 转速比，转差损耗以热散失",
        mask=coupling,
    )
    sub_log.add(
        "speed_control.two_speed",
        "two-speed motor: each duty point runs at the lowest speed step that meets it (2:1 "
        "pole-changing), the flow trimmed by the category's damper or valve curve scaled by "
        "the affinity laws (P = s³·f(q/s)); the low-speed winding's efficiency is taken from "
        "the part-load curve at its load (no published YD efficiencies: it may be optimistic)",
        "双速电机：各工况取满足流量的最低转速档，档间以挡板/阀门调节并按相似定律折算",
        mask=two_speed,
    )
    full_load_ratio = float(params[("slip_coupling", "full_load_speed_ratio")])
    retrofit_fraction = (
        np.where(
            vfd[:, None],
            # a drive in place of a coupling also saves the coupling's full-load slip
            on_system_curve * np.where(coupling, full_load_ratio, 1.0)[:, None],
            baseline_fraction,
        )
        * ratio[:, None]
    )
    # a cycling machine runs at its design load while on: its motor sees that load (on/off is
    # a baseline control only, so after the retrofit the machine runs all the time)
    baseline_load = load[:, None] * np.where(on_off[:, None], 1.0, baseline_fraction)
    on_time = np.where(on_off[:, None], baseline_fraction, 1.0)
    retrofit_load = load[:, None] * retrofit_fraction
    belt = belts(rows, tables, sub_log)
    if belt.any:  # the fractions are of the machine's power behind the present belt
        design_machine_kw = belt.machine_kw(p_kw * load)[:, None]
        machine_before = design_machine_kw * np.where(on_off[:, None], 1.0, baseline_fraction)
        baseline_load = belt.motor_kw(machine_before, "baseline") / p_kw[:, None]
        retrofit_load = (
            belt.motor_kw(design_machine_kw * retrofit_fraction, "retrofit") / p_kw[:, None]
        )

    motor_before = motor_efficiency(
        rows, "baseline", baseline_load, tables, sub_log, file=file, header_map=header_map
    )
    eta_before = motor_before.efficiency
    out.update(motor_before.columns)
    eta_after, after_columns, found = _motor_after(
        rows, new_motor, retrofit_load, tables, sub_log, file, header_map
    )
    issues += motor_before.issues + found
    out.update(after_columns)

    vfd_table = (
        tables["vfd_part_load_efficiency"]
        .pivot(index="vfd_rated_kw", columns="load_fraction", values="efficiency")
        .sort_index()
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        drive_load = retrofit_load / eta_after  # drive output = motor input, per rated kW
    drive = np.where(
        vfd[:, None],
        flow_control.drive_efficiency(
            p_kw[:, None],
            np.nan_to_num(drive_load),
            vfd_table.index.to_numpy(float),
            vfd_table.columns.to_numpy(float),
            vfd_table.to_numpy(float),
        ),
        1.0,
    )
    kw_range = vfd_table.index.to_numpy(float)
    sub_log.add(
        "vfd.drive_size_clamped",
        "motor rated power outside the drive-efficiency "
        f"table ({kw_range[0]:g}–{kw_range[-1]:g} kW): the nearest size's values are used",
        "电机功率超出变频器效率表范围，采用最接近规格的数值",
        mask=vfd & ((p_kw < kw_range[0]) | (p_kw > kw_range[-1])),
    )

    with np.errstate(divide="ignore", invalid="ignore"):
        baseline_kw = p_kw[:, None] * baseline_load * on_time / eta_before
        retrofit_kw = p_kw[:, None] * retrofit_load / (eta_after * drive)
    baseline_energy = (baseline_kw * shares).sum(axis=1) * hours * qty
    retrofit_energy = (retrofit_kw * shares).sum(axis=1) * hours * qty

    sub_log.add(
        "vfd.affinity_constant_efficiency",
        "variable speed: shaft power follows the "
        "system curve, P = P_d·q·(h_s + (1 − h_s)·q²), with the machine's efficiency "
        "held at its design value; drive losses from table vfd_part_load_efficiency",
        "变频：轴功率按管网特性曲线与相似定律计算，机组效率保持设计值",
        mask=vfd,
    )
    sub_log.add(
        "vfd.motor_at_reduced_speed",
        "the motor's efficiency at reduced speed is taken "
        "from its part-load curve at the load it then carries (the DOE MotorMaster / "
        "PSAT practice)",
        "降速运行时电机效率按其负载率下的部分负载曲线取值",
        mask=vfd,
    )
    worse = retrofit_energy > baseline_energy
    sub_log.add(
        "fan_pump.not_an_improvement",
        "the retrofit uses more energy than the present "
        "system for this profile (at or near design flow a drive only adds its losses): "
        "the saving is negative",
        "该工况下改造后能耗高于现状，节能量为负",
        mask=worse,
    )
    log.extend(sub_log, positions)

    blank = np.full(n, None, dtype=object)
    control = rows["control"].to_numpy(dtype=object) if "control" in rows else blank
    out["control"] = np.where(vfd, control, blank)
    out["control_curve"] = curve_name
    out["flow_profile_used"] = profile_text
    out["static_head_fraction"] = np.where(vfd, static, np.nan)
    out["duty_points"] = used.sum(axis=1)
    out["baseline_shaft_kw"] = (p_kw[:, None] * load[:, None] * baseline_fraction * shares).sum(
        axis=1
    )
    out["retrofit_shaft_kw"] = (p_kw[:, None] * load[:, None] * retrofit_fraction * shares).sum(
        axis=1
    )
    out["vfd_efficiency_pct"] = np.where(vfd, (drive * shares).sum(axis=1) * 100.0, np.nan)
    out["vfd_min_speed_fraction"] = np.where(vfd, np.where(used, speed, np.inf).min(axis=1), np.nan)
    out["vfd_min_equivalent_flow_fraction"] = np.where(
        vfd, np.where(used, equivalent, np.inf).min(axis=1), np.nan
    )
    out["efficiency_baseline_pct"] = (eta_before * shares).sum(axis=1) * 100.0
    out["efficiency_retrofit_pct"] = (eta_after * shares).sum(axis=1) * 100.0
    out["baseline_energy_kwh"] = baseline_energy
    out["retrofit_energy_kwh"] = retrofit_energy
    out["retrofitted_motor_kw"] = np.where(vfd | new_motor | new_machine, p_kw * qty, 0.0)
    return pd.DataFrame(out, index=rows.index), issues


def _motor_after(rows, new_motor, loads, tables, log, file, header_map):
    """The motor after the retrofit: the target class on rows with upgrade_motor, the present
    motor (now at its new load) on the others."""
    n = len(rows)
    eta = np.full(loads.shape, np.nan)
    columns: dict[str, np.ndarray] = {}
    issues: list[InventoryIssue] = []
    for mask, inputs in ((new_motor, "retrofit"), (~new_motor, "baseline")):
        if not mask.any():
            continue
        positions = np.flatnonzero(mask)
        part_log = CaveatLog(len(positions))
        side = motor_efficiency(
            rows.iloc[positions],
            "retrofit",
            loads[positions],
            tables,
            part_log,
            file=file,
            header_map=header_map,
            inputs_from=inputs,
        )
        eta[positions] = side.efficiency
        for name, values in side.columns.items():
            blank = (
                np.full(n, np.nan)
                if np.asarray(values).dtype.kind == "f"
                else np.full(n, None, dtype=object)
            )
            columns.setdefault(name, blank)[positions] = values
        issues += side.issues
        log.extend(part_log, positions)
    return eta, columns, issues


def _profiles(rows, vfd, tables, file, header_map):
    """Parse each distinct profile once; return (n, K) flows and shares, the text used, and
    issues. Rows without a drive get the single design point."""
    n = len(rows)
    header = header_map.get("flow_profile", "flow_profile")
    named = tables["flow_profiles"]
    by_name = {normalise(k): g for k, g in named.groupby("profile")}
    texts = (
        rows["flow_profile"].astype(object)
        if "flow_profile" in rows.columns
        else pd.Series([None] * n, index=rows.index, dtype=object)
    )
    codes, uniques = pd.factorize(texts.where(vfd, None))
    parsed: list[tuple[np.ndarray, np.ndarray, str] | None] = []
    bad: dict[int, str] = {}
    for k, text in enumerate(uniques):
        key = normalise(text)
        if key in by_name:
            g = by_name[key]
            time = g["time_pct"].to_numpy(float)
            parsed.append(
                (
                    g["flow_pct"].to_numpy(float) / 100.0,
                    time / time.sum(),
                    str(g["profile"].iloc[0]),
                )
            )
            continue
        try:
            flow, share = flow_control.parse_flow_profile(text)
        except ValueError as err:
            bad[k] = str(err)
            parsed.append(None)
            continue
        parsed.append(
            (
                flow,
                share,
                ";".join(f"{f * 100:g}:{s * 100:g}" for f, s in zip(flow, share, strict=True)),
            )
        )
    # one row per distinct profile, plus a last row (the design point alone) for rows without
    # a drive (code −1) and for profiles in error; rows then pick theirs by code
    width = max([len(p[0]) for p in parsed if p is not None] + [1])
    unique_flows = np.ones((len(parsed) + 1, width))
    unique_shares = np.zeros((len(parsed) + 1, width))
    unique_shares[:, 0] = 1.0
    unique_text = np.full(len(parsed) + 1, None, dtype=object)
    for k, item in enumerate(parsed):
        if item is not None:
            unique_shares[k] = 0.0
            unique_flows[k, : len(item[0])] = item[0]
            unique_shares[k, : len(item[1])] = item[1]
            unique_text[k] = item[2]
    pick = np.where(codes >= 0, codes, len(parsed))
    pick = np.where(np.isin(pick, list(bad)), len(parsed), pick)
    flows, shares, text_used = unique_flows[pick], unique_shares[pick], unique_text[pick]
    issues: list[InventoryIssue] = []
    source_rows = rows["source_row"].to_numpy()
    raw = texts.to_numpy(dtype=object)
    names = ", ".join(sorted(named["profile"].unique()))
    for k, why in bad.items():
        issues.extend(
            InventoryIssue(
                "unknown-value",
                file,
                int(source_rows[pos]),
                header,
                str(raw[pos]),
                f"a duty profile as '% flow:% hours' pairs joined with ; (e.g. 100:20;80:50;60:30) "
                f"or a profile name ({names}): {why}",
            )
            for pos in np.flatnonzero(codes == k)
        )
    return flows, shares, text_used, issues


#: Speed controls without a power curve of their own: modelled from the speed each duty
#: point needs (:mod:`retrofit.models.drives`).
SLIP_COUPLINGS = ("fluid_coupling", "eddy_current_clutch")
SPEED_CONTROLS = (*SLIP_COUPLINGS, "two_speed")
#: The control that trims the flow between a two-speed motor's steps.
TRIM_CONTROL = {"fan": "damper_outlet", "pump": "throttle"}

#: Controls that apply to each category; the rest are a data error, not a silent proxy.
CONTROLS_FOR = {
    "fan": ("damper_outlet", "damper_inlet", "inlet_vane", "on_off", *SPEED_CONTROLS),
    "pump": ("throttle", "bypass", "on_off", *SPEED_CONTROLS),
}


def _baseline_curves(rows, vfd, flows, tables, file, header_map):
    """Baseline power fraction (n, K) from each row's control curve; on_off mask; curve name."""
    n = len(rows)
    curves = tables["flow_control_power_curves"]
    defaults = curves[curves["role"] == "baseline_default"]
    fraction = np.ones_like(flows)
    on_off = np.zeros(n, dtype=bool)
    name = np.full(n, None, dtype=object)
    issues: list[InventoryIssue] = []
    if not vfd.any():
        return fraction, on_off, name, issues
    control = rows["control"].to_numpy(dtype=object)
    category = rows["category"].to_numpy(dtype=object)
    header = header_map.get("control", "control")
    flow_header = header_map.get("flow_profile", "flow_profile")
    source_rows = rows["source_row"].to_numpy()
    key = pd.Series(category, dtype=object) + "|" + pd.Series(control, dtype=object).fillna("")
    codes, uniques = pd.factorize(key.where(vfd, None))
    for k, pair in enumerate(uniques):
        cat, _, ctrl = pair.partition("|")
        at = np.flatnonzero(codes == k)
        if ctrl not in CONTROLS_FOR[cat]:
            issues += [
                InventoryIssue(
                    "not-applicable",
                    file,
                    int(source_rows[p]),
                    header,
                    ctrl,
                    f"a flow control of a {cat}: one of {', '.join(CONTROLS_FOR[cat])}",
                )
                for p in at
            ]
            continue
        if ctrl in SPEED_CONTROLS:
            name[at] = f"speed:{ctrl}"
            continue
        curve = defaults[(defaults["control"] == ctrl) & (defaults["equipment"] == cat)]
        if curve.empty:
            raise tables.missing_row("flow_control_power_curves", ("baseline_default", cat, ctrl))
        curve = curve.sort_values("flow_fraction")
        x = curve["flow_fraction"].to_numpy(float)
        y = curve["power_fraction"].to_numpy(float)
        low = (flows[at] < x[0] - 1e-9).any(axis=1)
        issues += [
            InventoryIssue(
                "out-of-range",
                file,
                int(source_rows[p]),
                flow_header,
                f"{flows[p].min() * 100:g}% flow",
                f"duty points within the {ctrl} curve's range ({x[0] * 100:g}–{x[-1] * 100:g} % "
                f"of design flow, curve {curve['curve'].iloc[0]}); it is not extrapolated",
            )
            for p in at[low]
        ]
        fraction[at] = flow_control.control_power_fraction(flows[at], x, y)
        on_off[at] = ctrl == "on_off"
        name[at] = curve["curve"].iloc[0]
    return fraction, on_off, name, issues


def _two_speed_fraction(rows, mask, flows, need, tables, low_speed):
    """Motor power fraction of two-speed rows: the lowest step meeting each duty point, the
    surplus flow trimmed by the category's damper/valve curve scaled by the affinity laws,
    ``P = s³·f(q/s)``."""
    curves = tables["flow_control_power_curves"]
    defaults = curves[curves["role"] == "baseline_default"]
    category = rows["category"].to_numpy(dtype=object)
    step = drives.two_speed_step(need[mask], low_speed)
    relative_flow = flows[mask] / step
    fraction = np.ones_like(relative_flow)
    for cat, trim in TRIM_CONTROL.items():
        here = category[mask] == cat
        if not here.any():
            continue
        curve = defaults[(defaults["control"] == trim) & (defaults["equipment"] == cat)]
        if curve.empty:
            raise tables.missing_row("flow_control_power_curves", ("baseline_default", cat, trim))
        curve = curve.sort_values("flow_fraction")
        x = curve["flow_fraction"].to_numpy(float)
        y = curve["power_fraction"].to_numpy(float)
        fraction[here] = step[here] ** 3 * flow_control.control_power_fraction(
            np.clip(relative_flow[here], x[0], x[-1]), x, y
        )
    return fraction


def takes(category: pd.Series, measure: pd.Series) -> np.ndarray:
    """Fans and pumps with a drive or a new machine (a motor upgrade on the row comes along)."""
    system = rows_with_measure(measure, "add_vfd") | rows_with_measure(measure, "upgrade_equipment")
    return category.isin(["fan", "pump"]).to_numpy(dtype=bool) & system


MEASURE = register(
    Measure(
        name="fan_pump",
        takes=takes,
        compute=compute,
        # the machine's own columns (upgrade_equipment) follow the drive's
        output_columns={**OUTPUT_COLUMNS, **machines.OUTPUT_COLUMNS},
        model=MODEL,
        uncertain_inputs=MOTOR_EFFICIENCY_TOLERANCES,
    )
)
