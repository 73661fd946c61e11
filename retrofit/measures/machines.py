"""The fan or pump itself: its present efficiency and the efficiency of its replacement.

``upgrade_equipment`` on a fan or pump keeps the duty (flow and pressure or head) and replaces
the machine, so its shaft power scales by ``η_present / η_new``. The present efficiency is the
row's ``machine_efficiency_pct`` (measured or nameplate: there is no table of installed
machines). The new efficiency is a quoted ``target_machine_efficiency_pct`` or the minimum of
the target GB grade:

- fans: GB 19761-2020 表1–表4 by type, pressure coefficient ψ (hub ratio γ for axial fans),
  specific speed ns and size 机号 (table ``gb19761_2020_fan_grades``);
- pumps: the GB 19762-2025 formula by type, specific speed and flow (table
  ``gb19762_2025_pump_grades``; :mod:`retrofit.models.pumps`).

A grade minimum is what any compliant machine must reach, so a saving against it is the least
a compliant replacement gives — the conservative reading an auditor wants.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..columns import describe
from ..core import frame
from ..core.caveats import CaveatLog
from ..core.exceptions import InventoryIssue
from ..core.reference import Tables
from ..models import pumps

OUTPUT_COLUMNS: dict[str, str] = describe(
    [
        "machine_efficiency_baseline_pct",
        "machine_efficiency_retrofit_pct",
        "machine_efficiency_retrofit_source",
        "pump_specific_speed",
    ]
)


def machine_efficiency_ratio(
    rows: pd.DataFrame,
    upgrade: np.ndarray,
    tables: Tables,
    log: CaveatLog,
    *,
    file: str,
    header_map: dict[str, str],
) -> tuple[np.ndarray, dict[str, np.ndarray], list[InventoryIssue]]:
    """Shaft-power ratio new/present per row (1 where ``upgrade`` is false), audit columns and
    issues (blank inputs, cells the GB tables do not cover)."""
    n = len(rows)
    ratio = np.ones(n)
    present = frame.numbers(rows, "machine_efficiency_pct")
    quoted = frame.numbers(rows, "target_machine_efficiency_pct")
    target = np.full(n, np.nan)
    source = np.full(n, None, dtype=object)
    ns_used = np.full(n, np.nan)
    issues: list[InventoryIssue] = []
    if not upgrade.any():
        return ratio, {}, issues
    rows_at = rows["source_row"].to_numpy()
    category = rows["category"].to_numpy(dtype=object)

    def need(mask: np.ndarray, column: str, why: str) -> None:
        header = header_map.get(column, column)
        issues.extend(
            InventoryIssue("blank-required", file, int(r), header, "", why) for r in rows_at[mask]
        )

    need(
        upgrade & np.isnan(present),
        "machine_efficiency_pct",
        "the present fan or pump efficiency, measured or from the nameplate (measure "
        "upgrade_equipment needs it: no table of installed machines exists)",
    )
    use_quote = upgrade & ~np.isnan(quoted)
    target[use_quote] = quoted[use_quote]
    source[use_quote] = "input:target_machine_efficiency_pct"
    log.add(
        "equipment.target_quoted",
        "the new machine's efficiency is the quoted value, not the GB grade minimum",
        "新设备效率采用报价值，而非国标能效等级限值",
        mask=use_quote,
    )
    grade = (
        rows["target_equipment_grade"].to_numpy(dtype=object)
        if ("target_equipment_grade" in rows.columns)
        else np.full(n, None, dtype=object)
    )

    fan = upgrade & ~use_quote & (category == "fan")
    if fan.any():
        value, label, found = _fan_grade(rows, fan, grade, tables, file, header_map)
        target[fan] = value[fan]
        source[fan] = label[fan]
        issues += found
        log.add(
            "equipment.fan.best_point",
            "GB 19761-2020 grades the fan's best-point "
            "(total-pressure) efficiency: compare it with the present fan's efficiency on "
            "the same basis",
            "GB 19761-2020 按最高效率点全压效率分级，现有风机效率应同口径",
            mask=fan,
        )
    pump = upgrade & ~use_quote & (category == "pump")
    if pump.any():
        value, label, ns, found = _pump_grade(rows, pump, grade, tables, file, header_map)
        target[pump] = value[pump]
        source[pump] = label[pump]
        ns_used[pump] = ns[pump]
        issues += found
        log.add(
            "equipment.pump.best_point",
            "GB 19762-2025 grades the pump's best-efficiency "
            "point: compare it with the present pump's efficiency at its best point",
            "GB 19762-2025 按最高效率点分级，现有泵效率应同口径",
            mask=pump,
        )
    log.add(
        "equipment.gb_single_source",
        "the GB 19761 / GB 19762 grade values rest on one "
        "extraction of the standards (confidence M)",
        "国标能效等级数值仅有单一来源（可信度 M）",
        mask=(fan | pump) & ~np.isnan(target),
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(upgrade, present / target, 1.0)
    worse = upgrade & (target < present)
    log.add(
        "equipment.target_below_present",
        "the new machine's efficiency is below the present one: the saving is negative",
        "新设备效率低于现有设备，节能量为负",
        mask=worse,
    )
    columns = {
        "machine_efficiency_baseline_pct": np.where(upgrade, present, np.nan),
        "machine_efficiency_retrofit_pct": target,
        "machine_efficiency_retrofit_source": source,
        "pump_specific_speed": ns_used,
    }
    return ratio, columns, issues


def _blank_issues(rows, mask, columns, file, header_map, why):
    """A ``blank-required`` issue, expecting ``why``, for each of ``columns`` blank in ``mask``."""
    rows_at = rows["source_row"].to_numpy()
    return [
        InventoryIssue("blank-required", file, int(r), frame.header(header_map, name), "", why)
        for name in columns
        for r in rows_at[mask & frame.column(rows, name).isna().to_numpy()]
    ]


def _within(value, low, low_inclusive, high, high_inclusive):
    above = np.where(np.isnan(low), True, np.where(low_inclusive, value >= low, value > low))
    below = np.where(np.isnan(high), True, np.where(high_inclusive, value <= high, value < high))
    return above & below


def _fan_grade(rows, fan, grade, tables, file, header_map):
    """GB 19761-2020 minimum efficiency for each fan row's type, ψ/γ, ns, 机号 and grade."""
    n = len(rows)
    table = tables["gb19761_2020_fan_grades"]
    fan_type = (
        rows["fan_type"].to_numpy(dtype=object)
        if "fan_type" in rows.columns
        else (np.full(n, None, dtype=object))
    )
    psi, ns, size, hub = (
        frame.numbers(rows, c)
        for c in ("pressure_coefficient", "specific_speed", "fan_size_no", "hub_ratio")
    )
    why = (
        "the fan's type, pressure coefficient ψ (hub ratio γ for axial fans), specific speed "
        "ns and size 机号 for the GB 19761-2020 table (measure upgrade_equipment needs them, "
        "or give target_machine_efficiency_pct)"
    )
    axial = fan & (fan_type == "axial")
    issues = _blank_issues(rows, fan, ["fan_type", "fan_size_no"], file, header_map, why)
    issues += _blank_issues(
        rows,
        fan & ~axial & pd.notna(fan_type),
        ["pressure_coefficient", "specific_speed"],
        file,
        header_map,
        why,
    )
    issues += _blank_issues(rows, axial, ["hub_ratio"], file, header_map, why)
    value = np.full(n, np.nan)
    label = np.full(n, None, dtype=object)
    ready = (
        fan
        & pd.notna(fan_type)
        & ~np.isnan(size)
        & np.where(axial, ~np.isnan(hub), ~np.isnan(psi) & ~np.isnan(ns))
    )
    keys = pd.DataFrame(
        {"fan_type": fan_type, "psi": psi, "ns": ns, "size": size, "hub": hub, "grade": grade}
    )[ready]
    # one group per distinct fan specification: look each up once, then spread to its rows
    spec = keys.groupby(list(keys.columns), dropna=False, sort=False).ngroup().to_numpy()
    positions = np.flatnonzero(ready)
    combos = keys.drop_duplicates()
    for k, combo in enumerate(combos.itertuples(index=False)):
        cells = table[(table["fan_type"] == combo.fan_type) & (table["grade"] == combo.grade)]
        hit = _within(
            combo.size,
            cells["size_min"],
            cells["size_min_inclusive"],
            cells["size_max"],
            cells["size_max_inclusive"],
        )
        if combo.fan_type == "axial":
            hit &= _within(
                combo.hub,
                cells["hub_ratio_min"],
                cells["hub_ratio_min_inclusive"],
                cells["hub_ratio_max"],
                cells["hub_ratio_max_inclusive"],
            )
        else:
            hit &= _within(
                combo.psi,
                cells["psi_min"],
                cells["psi_min_inclusive"],
                cells["psi_max"],
                cells["psi_max_inclusive"],
            )
            hit &= _within(
                combo.ns,
                cells["ns_min"],
                cells["ns_min_inclusive"],
                cells["ns_max"],
                cells["ns_max_inclusive"],
            )
        match = cells[np.asarray(hit)]
        same = positions[spec == k]
        if len(match) == 1:
            cell = match.iloc[0]
            value[same] = float(cell["efficiency_pct"])
            label[same] = (
                f"gb19761_2020_fan_grades {cell['table']} {cell['as_written']} {combo.grade}"
            )
        else:
            header = header_map.get(
                "pressure_coefficient" if combo.fan_type != "axial" else "hub_ratio",
                "fan specification",
            )
            issues += [
                InventoryIssue(
                    "out-of-range",
                    file,
                    int(r),
                    header,
                    f"{combo.fan_type} ψ={combo.psi:g} γ={combo.hub:g} ns={combo.ns:g} "
                    f"机号={combo.size:g}",
                    "a fan inside one cell of GB 19761-2020 表1–表4 (the table does not cover this "
                    "specification; give target_machine_efficiency_pct from the new fan's data "
                    "sheet)",
                )
                for r in rows["source_row"].to_numpy()[same]
            ]
    return value, label, issues


def _pump_grade(rows, pump, grade, tables, file, header_map):
    """GB 19762-2025 minimum efficiency for each pump row's type, ns, flow and grade."""
    n = len(rows)
    table = tables["gb19762_2025_pump_grades"]
    pump_type = (
        rows["pump_type"].to_numpy(dtype=object)
        if "pump_type" in rows.columns
        else (np.full(n, None, dtype=object))
    )
    flow, head, speed, given_ns = (
        frame.numbers(rows, c) for c in ("flow_m3h", "head_m", "speed_rpm", "specific_speed")
    )
    stages = frame.numbers(rows, "stages")
    stages = np.where(np.isnan(stages), 1.0, stages)
    why = (
        "the pump's type and rated flow, and its speed and head (or its specific speed), "
        "for the GB 19762-2025 formula (measure upgrade_equipment needs them, or give "
        "target_machine_efficiency_pct)"
    )
    issues = _blank_issues(rows, pump, ["pump_type", "flow_m3h"], file, header_map, why)
    computed = pumps.specific_speed(
        speed, flow, head, double_suction=pump_type == "double_suction", stages=stages
    )
    ns = np.where(np.isnan(computed), given_ns, computed)
    no_ns = pump & np.isnan(ns) & ~np.isnan(flow)
    issues += _blank_issues(rows, no_ns, ["speed_rpm", "head_m"], file, header_map, why)
    value = np.full(n, np.nan)
    label = np.full(n, None, dtype=object)
    ready = pump & pd.notna(pump_type) & ~np.isnan(flow) & ~np.isnan(ns)
    ready_pumps = pd.DataFrame(
        {"pump_type": pump_type, "grade": grade, "flow": flow, "position": np.arange(n)}
    )[ready]
    merged = ready_pumps.merge(table, on=["pump_type", "grade"], how="left")
    inside = (merged["flow"] >= merged["q_min_m3h"]) & (merged["flow"] < merged["q_max_m3h"])
    cells = merged[inside.to_numpy()]
    at = cells["position"].to_numpy()
    value[at] = pumps.gb19762_efficiency_pct(
        ns[at], flow[at], cells["a"], cells["b"], cells["c"], cells["d"], cells["e"], cells["ci"]
    )
    # one label per table cell (a handful), then the row's ns appended in one array operation
    cell = cells[["pump_type", "q_min_m3h", "q_max_m3h", "grade"]]
    codes, cell_keys = pd.factorize(pd.MultiIndex.from_frame(cell))
    names = np.array(
        [f"gb19762_2025_pump_grades {t} {lo:g}–{hi:g} m³/h {g} ns=" for t, lo, hi, g in cell_keys],
        dtype=object,
    )
    label[at] = names[codes] + np.char.mod("%.1f", ns[at]).astype(object)
    outside = ready & np.isnan(value)
    header = header_map.get("flow_m3h", "flow_m3h")
    for pos in np.flatnonzero(outside):
        spans = table[table["pump_type"] == pump_type[pos]]
        issues.append(
            InventoryIssue(
                "out-of-range",
                file,
                int(rows["source_row"].iloc[pos]),
                header,
                f"{flow[pos]:g}",
                f"a rated flow inside GB 19762-2025's range for {pump_type[pos]} pumps "
                f"({spans['q_min_m3h'].min():g}–{spans['q_max_m3h'].max():g} m³/h), or give "
                "target_machine_efficiency_pct",
            )
        )
    return value, label, ns, issues
