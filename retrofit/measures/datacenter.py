"""Data-centre measures: ``improve_pue``, ``refresh_it`` and both on one row.

Glue between the inventory and :mod:`retrofit.models.datacenter`. Facility energy is IT energy ×
PUE before and after; the refresh acts first (IT energy × (1 − r)) and the new PUE applies to
the reduced IT energy, so the two savings add up to the total without double counting. Every
row also gets the policy checks an authority asks for: the GB 40879-2021 grade of the present
and the retrofitted PUE (only the grade limits that could be verified), and, from the run's goal
pack (:attr:`retrofit.core.reference.Tables.goals`), the local PUE rule (Shanghai's
沪经信技〔2024〕355号: ≤ 1.25 new, ≤ 1.4 after retrofit), the 百一 small-and-old closure profile
and the IT capacity that counts toward the IT renewal goal; a rule the pack lacks leaves its
columns unknown (NA).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..columns import describe
from ..core import frame
from ..core.caveats import CaveatLog
from ..core.exceptions import InventoryIssue
from ..core.reference import KeyedValues, Tables
from ..inventory.defaults import rows_with_measure
from ..models import datacenter as dc
from .base import Measure, register

#: Result columns of this measure (name → meaning [unit]), for the README.
OUTPUT_COLUMNS: dict[str, str] = describe(
    [
        "it_energy_baseline_kwh",
        "it_energy_retrofit_kwh",
        "pue_baseline",
        "pue_retrofit",
        "saving_refresh_it_kwh",
        "saving_improve_pue_kwh",
        "it_efficiency_gain",
        "meets_it_gain_rule",
        "it_renewed_kw",
        "local_pue_limit",
        "meets_local_pue",
        "gb40879_grade_baseline",
        "gb40879_grade_retrofit",
        "bai_yi_closure_profile",
    ]
)

#: One-paragraph statement of the model, for the result's assumptions.
MODEL = (
    "E_IT = it_load_kw × operating_hours_h × quantity; facility E = E_IT × PUE (ISO/IEC "
    "30134-2; GB 40879-2021 电能比); refresh_it: E_IT' = E_IT × (1 − it_energy_reduction), "
    "PUE held at the present value; improve_pue: PUE' = target_pue; saving = E_IT × PUE − "
    "E_IT' × PUE' = (E_IT − E_IT') × PUE [refresh] + E_IT' × (PUE − PUE') [PUE]; IT efficiency "
    "gain = r/(1 − r) (work per kWh), counted toward the 100 MW goal when ≥ 20 %"
)

GRADE_TABLE = "gb40879_2021_datacenter_grades"
#: Rounding when comparing ratios to a limit: inputs carry 2–3 decimals, so a value typed as
#: the limit itself must compare equal, not fail on binary noise.
_DECIMALS = 9


def _rule(goal: KeyedValues, name: str) -> float:
    """The goal pack's value of rule ``name``, NaN when the pack has no such rule."""
    return float(goal[name]) if name in goal else np.nan


def _grade_text(
    pue: np.ndarray, grade_rows: pd.DataFrame, edge: np.ndarray, edge_max: float
) -> np.ndarray:
    grade = dc.best_grade_met(
        np.round(pue, _DECIMALS),
        grade_rows["grade"].to_numpy(float),
        grade_rows["max_electricity_ratio"].to_numpy(float),
    )
    worst = int(grade_rows["grade"].max())
    limit = float(grade_rows.loc[grade_rows["grade"] == worst, "max_electricity_ratio"].iloc[0])
    text = np.where(
        np.isnan(grade),
        f"above grade_{worst} limit ({limit:g})",
        np.char.add("grade_", np.nan_to_num(grade).astype(int).astype(str)),
    )
    return np.where(edge, f"not applicable (edge, ≤ {edge_max:g} racks)", text).astype(object)


def compute(
    assets: pd.DataFrame,
    positions: np.ndarray,
    tables: Tables,
    log: CaveatLog,
    *,
    file: str,
    header_map: dict[str, str],
) -> tuple[pd.DataFrame, list[InventoryIssue]]:
    """Facility energy before and after for the data-centre rows at ``positions``.

    Returns a frame indexed like those rows with every value used (see :data:`OUTPUT_COLUMNS`)
    and the data issues found.
    """
    rows = assets.iloc[positions]
    n = len(rows)
    sub_log = CaveatLog(n)
    issues: list[InventoryIssue] = []
    # the run's goal pack (by region or --goals); a rule the pack lacks is NaN: its columns
    # are then unknown (NA), never judged against another place's rule
    goal = tables.keyed(tables.goals, "goal", "value")

    it_load, hours, pue, target, reduction, capacity, racks, years = (
        frame.numbers(rows, name)
        for name in (
            "it_load_kw",
            "operating_hours_h",
            "pue",
            "target_pue",
            "it_energy_reduction",
            "it_capacity_kw",
            "racks",
            "years_in_service",
        )
    )
    qty = frame.quantity(rows)
    new_build = frame.column(rows, "new_build").eq("yes").to_numpy()
    measure = rows["measure"]
    pue_measure = rows_with_measure(measure, "improve_pue")
    it_measure = rows_with_measure(measure, "refresh_it")

    issues += frame.blank_issues(
        rows,
        np.isnan(hours),
        "operating_hours_h",
        file,
        header_map,
        "a data centre row needs its operating hours",
    )
    worse = pue_measure & (np.round(target, _DECIMALS) > np.round(pue, _DECIMALS))
    issues += [
        InventoryIssue(
            "out-of-range",
            file,
            int(r),
            frame.header(header_map, "target_pue"),
            f"{t:g}",
            f"a target PUE ≤ the present PUE {p:g} (measure improve_pue lowers the PUE; a higher "
            "target is not a retrofit)",
        )
        for r, t, p in zip(
            rows["source_row"].to_numpy()[worse], target[worse], pue[worse], strict=True
        )
    ]
    sub_log.add(
        "datacenter.target_pue.equals_present",
        "target PUE equals the present PUE: improve_pue saves nothing",
        "目标PUE等于现状PUE：PUE改造无节能量",
        mask=pue_measure & (np.round(target, _DECIMALS) == np.round(pue, _DECIMALS)),
    )
    sub_log.add(
        "datacenter.target_pue.ignored",
        "target_pue given but the measure has no "
        "improve_pue: the PUE after the retrofit is the present one",
        "填写了目标PUE但措施不含PUE改造：按现状PUE计",
        mask=~pue_measure & ~np.isnan(target),
    )
    sub_log.add(
        "datacenter.it_energy_reduction.ignored",
        "it_energy_reduction given but the measure has no refresh_it: not used",
        "填写了IT节能率但措施不含IT设备更新：未使用",
        mask=~it_measure & ~np.isnan(reduction),
    )
    sub_log.add(
        "datacenter.refresh_it.pue_held",
        "IT refresh: the PUE is held at its present "
        "value; fixed overheads (lighting, transformer and UPS no-load losses) usually "
        "make the PUE rise when the IT load falls, so the refresh's saving is an upper "
        "bound",
        "IT设备更新按PUE不变计；IT负荷下降时固定损耗使PUE上升，节能量为上限",
        mask=it_measure,
    )
    sub_log.add(
        "datacenter.pue.annual_measured",
        "pue must be a measured annual PUE (12 months "
        "of facility and IT metering, GB 40879-2021 电能比); a design or instantaneous "
        "value misstates the saving",
        "PUE应为全年实测值（GB 40879-2021 电能比）",
    )

    r = np.where(it_measure, reduction, 0.0)
    pue_after = np.where(pue_measure, target, pue)
    it_before = dc.it_energy_kwh(it_load, hours) * qty
    it_after = dc.refreshed_it_energy_kwh(it_before, r)
    baseline = dc.facility_energy_kwh(it_before, pue)
    retrofit = dc.facility_energy_kwh(it_after, pue_after)

    gain = np.where(it_measure, dc.efficiency_gain(r), np.nan)
    gain_rule = _rule(goal, "it_efficiency_gain")
    meets_gain = pd.array(np.round(gain, _DECIMALS) >= gain_rule, dtype="boolean")
    meets_gain[~it_measure | np.isnan(gain_rule)] = (
        pd.NA
    )  # rows without an IT refresh have no gain to judge
    counted_kw = np.where(np.isnan(capacity), it_load, capacity) * qty
    it_renewed = np.where(meets_gain.fillna(False).to_numpy(dtype=bool), counted_kw, 0.0)
    sub_log.add(
        "datacenter.it_capacity.from_load",
        "it_capacity_kw not given: the average IT "
        "load stands for the renewed IT capacity counted toward the 100 MW goal, which "
        "understates a rated capacity",
        "未填更新IT设备容量：以IT平均负荷计入10万千瓦目标（偏小）",
        mask=it_measure & np.isnan(capacity) & (it_renewed > 0),
    )
    sub_log.add(
        "datacenter.it_gain.reading",
        f"the {gain_rule:.0%} IT efficiency gain "
        "(能效提升20%以上) is read as work per kWh: gain = r/(1 − r), so it needs an IT "
        f"energy reduction r ≥ {gain_rule / (1 + gain_rule):.4g}; this row counts under "
        "that reading but not if the authority reads the gain as the energy reduction "
        f"itself (r ≥ {gain_rule:.0%})",
        "能效提升按单位电量工作量计（r/(1−r)）；若主管部门按节电率≥20%认定，本行不计入",
        mask=it_measure & (it_renewed > 0) & (np.round(r, _DECIMALS) < gain_rule),
    )

    new_limit = _rule(goal, "datacenter_new_pue")
    retrofit_limit = _rule(goal, "datacenter_retrofit_pue")
    limit = np.where(new_build, new_limit, retrofit_limit)
    meets_local = pd.array(
        np.round(pue_after, _DECIMALS) <= np.round(limit, _DECIMALS), dtype="boolean"
    )
    meets_local[np.isnan(limit)] = pd.NA
    sub_log.add(
        "datacenter.local_pue.not_met",
        "the PUE after the retrofit is above the goal pack's limit "
        f"({retrofit_limit:g} after retrofit, {new_limit:g} new build; see assumptions.goal_pack)",
        f"改造后PUE高于目标要求（改造后≤{retrofit_limit:g}，新建≤{new_limit:g}）",
        mask=~meets_local.fillna(True).to_numpy(dtype=bool),
    )

    params = tables.keyed("model_parameters", ["model", "parameter"], "value")
    edge_max = float(params[("gb40879_2021", "edge_datacenter_racks_max")])
    edge = ~np.isnan(racks) & (racks <= edge_max)
    grades = tables[GRADE_TABLE]
    grade_before = _grade_text(pue, grades, edge, edge_max)
    grade_after = _grade_text(pue_after, grades, edge, edge_max)
    verified = sorted(int(g) for g in grades["grade"])
    if verified != [1, 2, 3]:
        missing = ", ".join(f"grade_{g}" for g in (1, 2, 3) if g not in verified)
        sub_log.add(
            "datacenter.gb40879.grades_unverified",
            f"the GB 40879-2021 limits of "
            f"{missing} could not be verified from a public source and are not used: "
            f"'grade_{min(verified)}' means that limit is met, the site may rank "
            "better",
            "GB 40879-2021 部分等级限值未能核实，未使用",
            mask=~edge,
            data={"verified_grades": verified},
        )
    sub_log.add(
        "datacenter.gb40879.edge_excluded",
        f"GB 40879-2021 does not cover edge data centres (≤ {edge_max:g} racks): no grade is given",
        f"GB 40879-2021 不适用于边缘数据中心（≤{edge_max:g}个机架）",
        mask=edge,
    )

    pue_above, racks_at_most, years_at_least = (
        _rule(goal, f"datacenter_closure_{k}") for k in ("pue", "racks", "years")
    )
    closure = dc.closure_profile(
        pue,
        racks,
        years,
        pue_above=pue_above,
        racks_at_most=racks_at_most,
        years_at_least=years_at_least,
    )
    if np.isnan([pue_above, racks_at_most, years_at_least]).any():
        closure[:] = pd.NA  # the pack states no closure profile
    sub_log.add(
        "datacenter.bai_yi.closure_profile",
        "the present site matches the 百一 "
        f"small-and-old data-centre profile (PUE > {pue_above:g}, ≤ {racks_at_most:g} "
        f"racks, ≥ {years_at_least:g} years in operation) listed for closure, merger or "
        "conversion (关停并转)",
        "现状符合百一行动小老散旧数据中心关停并转条件",
        mask=closure.fillna(False).to_numpy(dtype=bool),
    )
    sub_log.add(
        "datacenter.bai_yi.closure_unknown",
        "racks or years_in_service missing: whether "
        "the site matches the 百一 closure profile is unknown",
        "缺少机架数或运行年限：无法判断是否属于关停并转对象",
        mask=np.asarray(closure.isna(), dtype=bool),
    )
    log.extend(sub_log, positions)

    out = {
        "it_energy_baseline_kwh": it_before,
        "it_energy_retrofit_kwh": it_after,
        "pue_baseline": pue,
        "pue_retrofit": pue_after,
        "saving_refresh_it_kwh": (it_before - it_after) * pue,
        "saving_improve_pue_kwh": it_after * (pue - pue_after),
        "it_efficiency_gain": gain,
        "meets_it_gain_rule": meets_gain,
        "it_renewed_kw": it_renewed,
        "local_pue_limit": limit,
        "meets_local_pue": meets_local,
        "gb40879_grade_baseline": grade_before,
        "gb40879_grade_retrofit": grade_after,
        "bai_yi_closure_profile": closure,
        "baseline_energy_kwh": baseline,
        "retrofit_energy_kwh": retrofit,
        "retrofitted_motor_kw": np.zeros(n),
    }
    return pd.DataFrame(out, index=rows.index), issues


def takes(category: pd.Series, measure: pd.Series) -> np.ndarray:
    """Data centres, whatever their measures."""
    return (category == "datacenter").to_numpy(dtype=bool, na_value=False)


MEASURE = register(
    Measure(
        name="datacenter",
        takes=takes,
        compute=compute,
        output_columns=OUTPUT_COLUMNS,
        model=MODEL,
    )
)
