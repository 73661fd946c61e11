"""The orchestrator: inventory in, :class:`~retrofit.results.EstimateResult` out.

It checks options first, fills documented defaults, hands each measure's rows to its module in
:mod:`retrofit.measures`, converts energy to tce on both bases and to CO2, prices the savings,
aggregates per plant with the 百一 check, and records every assumption. The CLI and notebooks
call only :func:`estimate`.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import finance
from ._version import __version__
from .caveats import CaveatLog
from .conversion import (
    BASES,
    BASIS_NAMES_ZH,
    energy_to_co2_t,
    energy_to_tce,
    equal_value_factor,
    equivalent_factor,
    grid_emission_factor,
)
from .defaults import apply_defaults, rows_with_measure
from .economics import economics
from .exceptions import InventoryError
from .incentives import PROJECT_FIELDS, evaluate, load_rules, parse_policies
from .inventory import (
    Inventory,
    previous_year_energy,
    read_inventory,
    read_plants,
    validate_frame,
)
from .measures import (
    _rows,
    charger,
    compressed_air,
    datacenter,
    fan_pump,
    transformer,
    upgrade_motor,
)
from .reference import Tables
from .results import ASSET_COLUMNS, PLANT_COLUMNS, EstimateResult
from .schema import TARIFF_ALIASES, VALUE_ALIASES, normalise

#: The system modules: each computes whole rows, every measure on the row at once, so that
#: measures combined on one asset (a new motor behind a new drive) are never double counted.
SYSTEM_MODULES = {
    "motor": upgrade_motor,
    "fan_pump": fan_pump,
    "compressed_air": compressed_air,
    "transformer": transformer,
    "datacenter": datacenter,
    "charger": charger,
}


def route(category: pd.Series, measure: pd.Series) -> np.ndarray:
    """Name of the system module that computes each row (see :data:`SYSTEM_MODULES`).

    Transformers, data centres and charging piles go to the module of the same name; compressors with any air-side measure to
    ``compressed_air`` (which also takes a motor upgrade on the same row); fans and pumps with
    a drive or a new machine to ``fan_pump`` (likewise); every other row, a bare motor upgrade,
    to ``motor``.
    """
    cat = category.to_numpy(dtype=object)

    def has(name: str) -> np.ndarray:
        return rows_with_measure(measure, name)

    air_side = has("upgrade_equipment") | has("fix_leaks") | has("reduce_pressure")
    system = has("add_vfd") | has("upgrade_equipment")
    return np.select(
        [
            cat == "transformer",
            cat == "datacenter",
            cat == "charger",
            (cat == "compressor") & air_side,
            np.isin(cat, ["fan", "pump"]) & system,
        ],
        ["transformer", "datacenter", "charger", "compressed_air", "fan_pump"],
        default="motor",
    )


def estimate(
    inventory: str | Path | pd.DataFrame | Inventory,
    *,
    plants: str | Path | pd.DataFrame | None = None,
    basis: str = "equivalent",
    region: str = "national",
    year: int | None = None,
    equal_value_factor_kgce_per_kwh: float | None = None,
    tables: Mapping[str, str | Path] | None = None,
    strict: bool = False,
    encoding: str | None = None,
    sheet: str | int | None = None,
    max_errors: int = 200,
    tariff: str | None = None,
    discount_rate: float | None = None,
    policy: str | list[str] | None = None,
    eligibility: Mapping[str, object] | None = None,
    uncertainty: int | None = None,
    seed: int = 0,
    project_tables: bool = True,
) -> EstimateResult:
    """Estimate energy, standard coal, CO2 and cost saved for every row of an inventory.

    Parameters
    ----------
    inventory : path, DataFrame or Inventory
        A CSV/XLSX file, a DataFrame with canonical or alias headers, or a read inventory.
    plants : path or DataFrame, optional
        Plant table (plant_id, plant_energy_tce, name, region) for the 百一 check.
    basis : {"equivalent", "equal_value"}
        Which tce basis fills the headline ``coal_saved_tce`` (当量值 or 等价值); both are
        always reported.
    region : str
        Region for the grid CO2 factor and the 等价值 series (see ``retrofit tables``).
    year : int, optional
        Accounting year of the savings (default: this year). The 等价值 is that of year − 1.
    equal_value_factor_kgce_per_kwh : float, optional
        Override the 等价值 factor [kgce/kWh].
    tables : mapping, optional
        Reference table name → user CSV; the result is then marked non-standard.
    strict : bool
        Treat every default that would fill a blank cell as an error.
    tariff : str, optional
        Shanghai time-of-use tariff class (large_industry_two_part, general_two_part,
        single_part, or a Chinese name such as 大工业两部制) for rows that give none; the price
        is then read as the flat-period price (see :mod:`retrofit.economics`).
    discount_rate : float, optional
        Real discount rate [fraction/yr] for NPV, IRR and the cost of saved energy (default:
        table finance_parameters, the 8 % social discount rate).
    policy : str or list, optional
        Policy packs to evaluate (``"shanghai-2024,national"``; names in
        :data:`retrofit.incentives.PACKS` or CSV paths): fills ``result.incentives`` and the
        after-incentive columns of ``result.projects``.
    eligibility : mapping, optional
        Values for project attributes that rows leave blank (financing, loan_rate,
        loan_term_years, eit_payable_cny, eit_rate, particularly_major, …).
    uncertainty : int, optional
        Monte Carlo draws (:mod:`retrofit.uncertainty`); fills ``result.uncertainty`` and
        compares metered savings with the P10–P90 band.
    seed : int
        Seed of the Monte Carlo (the same seed and draws give the same numbers).
    project_tables : bool
        Build the projects table, the plant economics and the supply curve (a portfolio's
        chunks skip them: only the asset rows are summed).

    Returns
    -------
    EstimateResult

    Raises
    ------
    InventoryError
        Any data problem, with every issue located by file, row and column.
    ValueError, KeyError
        Bad options (unknown basis, region or table name).
    """
    if basis not in BASES:
        raise ValueError(f"unknown basis '{basis}'; expected one of {', '.join(BASES)}")
    if equal_value_factor_kgce_per_kwh is not None and not (
        0 < equal_value_factor_kgce_per_kwh < 1
    ):
        raise ValueError(
            f"equal-value factor {equal_value_factor_kgce_per_kwh} kgce/kWh is implausible; "
            "expected a value between 0 and 1 (e.g. 0.3)"
        )
    accounting_year = int(year) if year is not None else _dt.date.today().year
    tariff_class = None
    if tariff is not None:
        tariff_class = VALUE_ALIASES["tariff_class"].get(normalise(tariff))
        if tariff_class is None:
            raise ValueError(
                f"unknown tariff '{tariff}'; expected one of "
                f"{', '.join(TARIFF_ALIASES)} (or 大工业两部制, 一般工商业两部制, "
                "单一制)"
            )
    if discount_rate is not None and not (0 <= discount_rate < 1):
        raise ValueError(
            f"discount rate {discount_rate} is implausible; expected a fraction "
            "per year from 0 to below 1 (e.g. 0.08)"
        )
    packs = parse_policies(policy)
    options = _eligibility_options(eligibility)
    tabs = Tables(dict(tables or {}))
    rules = load_rules(packs, tabs) if packs else None
    grid = grid_emission_factor(tabs, region)  # validates region before reading data
    equivalent = equivalent_factor(tabs)
    equal = equal_value_factor(tabs, region, accounting_year, equal_value_factor_kgce_per_kwh)

    inv = _as_inventory(inventory, encoding=encoding, sheet=sheet, max_errors=max_errors)
    meta = inv.meta
    log = CaveatLog(len(inv.assets))
    assets, issues, defaults_used = apply_defaults(
        inv.assets, tabs, log, file=meta.path, header_map=meta.header_map, strict=strict
    )
    if issues:
        raise InventoryError(issues[:max_errors], total=len(issues))

    computed = []
    routes = route(assets["category"], assets["measure"])
    for name, module in SYSTEM_MODULES.items():
        positions = np.flatnonzero(routes == name)
        if positions.size:
            frame, found = module.compute(
                assets, positions, tabs, log, file=meta.path, header_map=meta.header_map
            )
            issues.extend(found)
            computed.append(frame)
    if issues:
        issues.sort(key=lambda i: i.row or 0)
        raise InventoryError(issues[:max_errors], total=len(issues))
    results = (
        pd.concat(computed).reindex(assets.index) if computed else pd.DataFrame(index=assets.index)
    )
    del computed  # a million rows' worth of module frames: free them as soon as they are merged

    out = assets  # apply_defaults returned a copy of the input: no need for another
    del assets
    for column in results.columns:
        # a module's column fills its own rows; other rows keep their input value, if any
        out[column] = (
            results[column].where(results[column].notna(), out[column])
            if column in out.columns
            else results[column]
        )
    del results
    saved = out["baseline_energy_kwh"].to_numpy(float) - out["retrofit_energy_kwh"].to_numpy(float)
    out["energy_saved_kwh"] = saved
    out["coal_saved_tce_equivalent"] = energy_to_tce(saved, equivalent.value)
    out["coal_saved_tce_equal_value"] = energy_to_tce(saved, equal.factor.value)
    out["coal_saved_tce"] = out[f"coal_saved_tce_{basis}"]
    out["co2_avoided_t"] = energy_to_co2_t(saved, grid.value)
    out["factor_equivalent_kgce_per_kwh"] = equivalent.value
    out["factor_equal_value_kgce_per_kwh"] = equal.factor.value
    out["grid_factor_tco2_per_mwh"] = grid.value
    issues = _metered(out, meta.path, meta.header_map)
    if issues:
        raise InventoryError(issues[:max_errors], total=len(issues))
    issues = economics(
        out,
        tabs,
        log,
        year=accounting_year,
        tariff=tariff_class,
        file=meta.path,
        header_map=meta.header_map,
    )
    if issues:
        issues.sort(key=lambda i: i.row or 0)
        raise InventoryError(issues[:max_errors], total=len(issues))
    _conversion_caveats(log, equal, basis)
    rate = (
        discount_rate
        if discount_rate is not None
        else finance.parameter(tabs, "discount_rate", "default")
    )
    issues = finance.asset_finance(
        out,
        tabs,
        log,
        discount_rate=rate,
        file=meta.path,
        header_map=meta.header_map,
        rates=project_tables,
    )
    if issues:
        raise InventoryError(issues[:max_errors], total=len(issues))
    listing = flows = totals = None
    if rules is not None:
        listing, flows, totals, issues = evaluate(
            out,
            rules,
            tabs,
            log,
            options=options,
            year=accounting_year,
            discount_rate=rate,
            file=meta.path,
            header_map=meta.header_map,
        )
        if issues:
            raise InventoryError(issues[:max_errors], total=len(issues))
    projects = finance.project_finance(out, rate, flows, totals) if project_tables else None

    row_codes = log.row_codes()  # _plants adds only run-wide caveats: the rows' codes are final
    plant_frame, bai_yi = _plants(
        out, row_codes, inv, plants, tabs, log, basis, encoding, sheet, accounting_year
    )
    curve = None
    if project_tables:
        plant_frame = _plant_finance(plant_frame, out, rate, projects, flows, totals)
        curve = finance.supply_curve(out, plant_frame)
    # a few distinct code lists, each up to a few hundred characters: as Python objects the rows
    # share them, where Arrow strings would copy one into every row (~250 MB a million rows)
    out["caveats"] = pd.Series(row_codes, index=out.index, dtype=object)
    ordered = [c for c in ASSET_COLUMNS if c in out.columns]
    extra = [c for c in out.columns if c not in ASSET_COLUMNS]
    assets_out = out[ordered + extra].reset_index(drop=True)

    assumptions = {
        "retrofit_version": __version__,
        "input": {
            "file": meta.path,
            "sha256": meta.sha256,
            "format": meta.file_format,
            "encoding": meta.encoding,
            "encoding_detected": meta.encoding_detected,
            "sheet": meta.sheet,
            "header_row": meta.header_row,
            "rows": meta.n_rows,
            "columns": meta.header_map,
            "unit_factors": meta.unit_factors,
            "passthrough_columns": meta.passthrough,
            "notes": meta.notes,
        },
        "basis": basis,
        "basis_zh": BASIS_NAMES_ZH[basis],
        "basis_note": "coal_saved_tce is on this basis; both bases are always reported",
        "accounting_year": accounting_year,
        "region": region,
        "factors": {
            "equivalent": equivalent.to_dict(),
            "equal_value": equal.factor.to_dict()
            | {
                "wanted_year": equal.wanted_year,
                "region_used": equal.region_used,
                "fallback": equal.fallback or "none",
            },
            "grid_co2": grid.to_dict(),
        },
        "models": {
            "upgrade_motor": (
                "E = P_rated·L·h·q / η(L); η(L) = η_FL·r(L); η_FL from the class table at "
                "tabulated sizes, EU 2019/1781 formula (IE2–IE4, 0.12–0.55 and 0.75–200 kW) or "
                "log-linear interpolation between sizes; r(L) = AMO-Tools-Suite relative "
                "part-load curve (quartic through 25–125 % load points, linear losses below "
                "25 %); saving = E_baseline − E_retrofit at the same shaft load"
            ),
            "fan_pump": (
                "per duty point q (flow_profile): baseline shaft P = P_d·f_c(q) from the "
                "control's curve (flow_control_power_curves), P_d = rated_power_kw × "
                "load_factor; add_vfd: P = P_d·q·(h_s + (1 − h_s)·q²) with the machine "
                "efficiency held, plus drive losses η_d(size, load) from "
                "vfd_part_load_efficiency; upgrade_equipment: × η_machine,present / "
                "η_machine,new (GB 19761-2020 table / GB 19762-2025 formula or the quote); "
                "upgrade_motor: the new motor's part-load efficiency at the reduced load; "
                "E = Σ share·hours·quantity·P/(η_motor·η_drive); on_off: the motor runs at "
                "design load for the share q of the time"
            ),
            "compressed_air": compressed_air.MODEL,
            "transformer": transformer.MODEL,
            "datacenter": datacenter.MODEL,
            "charger": charger.MODEL,
        },
        "defaults": defaults_used,
        "bai_yi": bai_yi,
        "goals": _goal_progress(out, tabs),
        "economics": {
            "cost_saved_cny": "energy_saved_kwh × electricity_price_cny_per_kwh × "
            "price_multiplier (1 without a tariff; a pile's standby saving "
            "× standby_price_multiplier)",
            "load_shift_cost_saved_cny": "charging_input_retrofit_kwh × "
            "offpeak_shift_fraction × price × (peak − valley "
            "multiplier of the profile's hours); cost only, never "
            "energy or tce",
            "payback_years": "investment_cny ÷ (cost_saved_cny + load_shift_cost_saved_cny) "
            "(null without both, or when the sum is not positive)",
            "tariff": tariff_class or "per row (tariff_class) or none",
            "tariff_note": "with a tariff class the row's price is the flat-period (平段) "
            "price; without one it is the average price paid",
        },
        "tables": {name: use.to_dict() for name, use in tabs.used.items()},
        "non_standard": bool(tabs.non_standard),
        "non_standard_tables": tabs.non_standard,
    }
    if tabs.non_standard:
        log.add_global(
            "reference.user_table",
            "user-supplied reference tables were used: the "
            "result is non-standard: " + ", ".join(tabs.non_standard),
            "使用了用户提供的参考表，结果为非标准结果",
            data={"tables": tabs.non_standard},
        )
    assumptions["finance"] = _finance_assumptions(tabs, rate, discount_rate, packs, rules, options)
    result = EstimateResult(
        assets_out,
        plant_frame,
        assumptions,
        log.summary(),
        projects=projects,
        incentives=listing,
        supply_curve=curve,
    )
    if uncertainty is not None:
        from .uncertainty import attach

        attach(result, uncertainty, seed=seed, tables=tabs)
    elif "metered_saving_kwh" in result.assets.columns:
        from .uncertainty import flag_metered

        flag_metered(result, None)
    return result


def _plant_metered(frame: pd.DataFrame, plant_meta: pd.DataFrame) -> None:
    """A plant's metered saving from the plants file, beside its estimate."""
    meta = getattr(plant_meta, "attrs", {}).get("meta")
    file = meta.path if meta is not None else "<plants DataFrame>"
    header_map = meta.header_map if meta is not None else {}
    readings = plant_meta.reindex(frame.index)
    readings = readings.assign(
        energy_saved_kwh=frame["energy_saved_kwh"],
        source_row=readings.get("source_row", pd.Series(0, index=readings.index))
        .fillna(0)
        .astype(int),
    )
    issues = _metered(readings, file, header_map)
    if issues:
        raise InventoryError(issues, total=len(issues))
    frame["metered_saving_kwh"] = readings["metered_saving_kwh"]
    frame["metered_difference_kwh"] = readings["metered_difference_kwh"]


def _metered(out: pd.DataFrame, file: str, header_map: dict[str, str]):
    """Metered saving (before − after) and its difference from the estimate, where a row
    gives both readings; one reading without the other is an error."""
    if "metered_baseline_kwh" not in out.columns and "metered_retrofit_kwh" not in out.columns:
        return []
    before = _rows.numbers(out, "metered_baseline_kwh")
    after = _rows.numbers(out, "metered_retrofit_kwh")
    issues = _rows.blank_issues(
        out,
        np.isnan(before) & ~np.isnan(after),
        "metered_baseline_kwh",
        file,
        header_map,
        "a metered saving needs both readings",
    )
    issues += _rows.blank_issues(
        out,
        ~np.isnan(before) & np.isnan(after),
        "metered_retrofit_kwh",
        file,
        header_map,
        "a metered saving needs both readings",
    )
    out["metered_saving_kwh"] = before - after
    out["metered_difference_kwh"] = out["metered_saving_kwh"] - out["energy_saved_kwh"]
    return issues


#: Plant columns taken from the plant-level finance (the rest of the plant frame is _plants')
PLANT_FINANCE_COLUMNS = (
    "npv_cny",
    "irr",
    "cost_of_saved_tce_cny_per_tce",
    "incentives_cny",
    "incentives_pv_cny",
    "incentives_needing_inputs_cny",
    "payback_after_incentives_years",
    "npv_after_incentives_cny",
    "irr_after_incentives",
)


def _plant_finance(plant_frame, out, rate, projects, flows, totals) -> pd.DataFrame:
    """Add the plant-level economics: the plant's projects' flows and incentives summed."""
    plant_flows = plant_totals = None
    if flows is not None:
        plant_of = projects.set_index("project_id")["plant_id"]
        plant_flows = flows.groupby(plant_of.reindex(flows.index).to_numpy()).sum()
        plant_totals = totals.groupby(plant_of.reindex(totals.index).to_numpy()).sum()
    per_plant = finance.plant_finance(out, rate, plant_flows, plant_totals).set_index("plant_id")
    frame = plant_frame.copy()
    for column in PLANT_FINANCE_COLUMNS:
        if column in per_plant.columns:
            frame[column] = per_plant[column].reindex(frame["plant_id"]).to_numpy()
    return frame


def _eligibility_options(eligibility: Mapping[str, object] | None) -> dict[str, object]:
    """Normalise run-wide eligibility values (Chinese spellings accepted)."""
    options: dict[str, object] = {}
    for name, value in (eligibility or {}).items():
        if value is None:
            continue
        if name not in PROJECT_FIELDS:
            raise ValueError(
                f"unknown eligibility field '{name}'; expected one of {', '.join(PROJECT_FIELDS)}"
            )
        if name in VALUE_ALIASES:
            canonical = VALUE_ALIASES[name].get(normalise(str(value)))
            if canonical is None:
                raise ValueError(
                    f"{name} '{value}' — expected one of "
                    f"{', '.join(sorted(set(VALUE_ALIASES[name].values())))}"
                )
            value = canonical
        else:
            value = float(value)
            if value < 0:
                raise ValueError(f"{name} {value} — expected a value ≥ 0")
        options[name] = value
    return options


def _finance_assumptions(tabs, rate, given, packs, rules, options) -> dict[str, Any]:
    return {
        "discount_rate": rate,
        "discount_rate_source": "option --discount-rate"
        if given is not None
        else "table finance_parameters: "
        + tabs["finance_parameters"]
        .set_index(["parameter", "key"])
        .loc[("discount_rate", "default"), "source"],
        "cash_flows": "investment at year 0; cost savings constant in real terms at the end of "
        "each year of the measure's life; grants at year 0; interest subsidies in "
        "the years they are paid; tax credits in the years the tax payable "
        "absorbs them",
        "npv": "annual_cost_saved_cny × (1 − (1 + r)^−n) / r − investment_cny",
        "cost_of_saved_energy": "investment_cny × CRF(r, n) ÷ annual saving (Meier 1982)",
        "lifetimes": "lifetime_years, else table measure_lifetimes (shortest of the row's "
        "measures)",
        "policy_packs": packs,
        "rules": 0 if rules is None else len(rules),
        "eligibility_options": options,
        "stacking": "within a stacking group marked highest only the largest programme counts "
        "(就高不重复); Shanghai's municipal awards are grouped so (conservative: "
        "355号 states no stacking rule); groups add to each other",
        "label": "a self-assessment estimate, not an award: every amount carries its rule's "
        "confidence, and rules from secondary sources say verify",
    }


def _goal_progress(out: pd.DataFrame, tabs: Tables) -> dict[str, dict[str, Any]]:
    """This inventory's contribution to each counted 355号 goal (one year of savings)."""
    goals = tabs["goals_shanghai_2024"].set_index("goal")
    counted = goals[goals["kind"] == "cumulative"]["counts"]
    progress = {}
    for goal, column in counted.items():
        row = goals.loc[goal]
        progress[goal] = {
            "this_inventory": float(out[column].sum()),
            "goal": float(row["value"]),
            "unit": row["unit"],
            "by": int(row["period_end"]),
            "quote": f"{row['document']} {row['clause']}: {row['quote']}",
        }
    progress["energy_saving_cumulative"]["note"] = (
        "one year of coal_saved_tce on the headline basis; the goal is cumulative to 2027"
    )
    if "meets_shanghai_pue" in out.columns:
        dc = out["category"].eq("datacenter")
        progress["datacenters"] = {
            "rows": int(dc.sum()),
            "above_shanghai_pue_limit_after_retrofit": int(
                (~out.loc[dc, "meets_shanghai_pue"].astype("boolean")).fillna(False).sum()
            ),
            "bai_yi_closure_profile": int(
                out.loc[dc, "bai_yi_closure_profile"].astype("boolean").fillna(False).sum()
            ),
        }
    return progress


def _as_inventory(inventory, *, encoding, sheet, max_errors) -> Inventory:
    if isinstance(inventory, Inventory):
        return inventory
    if isinstance(inventory, pd.DataFrame):
        return validate_frame(inventory)
    return read_inventory(inventory, encoding=encoding, sheet=sheet, max_errors=max_errors)


def _conversion_caveats(log: CaveatLog, equal, basis: str) -> None:
    factor = equal.factor
    if equal.fallback == "user":
        log.add_global(
            "conversion.equal_value.user_factor",
            "the 等价值 factor was given by the user",
            "等价值折算系数由用户给定",
            data={"kgce_per_kwh": factor.value},
        )
        return
    messages = {
        "earlier_year": (
            f"no 等价值 statistic for {equal.wanted_year}: the latest earlier one, "
            f"{factor.key}, is used"
        ),
        "region": (
            f"no 等价值 series for the region up to {equal.wanted_year}: the national "
            f"{factor.key} is used"
        ),
        "target": (
            f"the 等价值 for {equal.wanted_year} is a policy target ({factor.key}), not a "
            "measured statistic"
        ),
    }
    codes = {"earlier_year": "earlier_year", "region": "national_used", "target": "target_used"}
    if equal.fallback in messages:
        log.add_global(
            f"conversion.equal_value.{codes[equal.fallback]}",
            f"{messages[equal.fallback]}: {factor.value} kgce/kWh, confidence "
            f"{factor.confidence} ({factor.note})",
            f"{equal.wanted_year} 年等价值采用 {factor.key}（{factor.value} kgce/kWh）",
            data={"wanted_year": equal.wanted_year, "used": factor.key},
        )
    if factor.confidence in ("L", "M"):
        log.add_global(
            "conversion.equal_value.weak_source",
            f"the 等价值 factor {factor.value} kgce/kWh has confidence "
            f"{factor.confidence}; override it with --equal-value-factor when the "
            "authority publishes its own",
            "等价值折算系数来源较弱，可用 --equal-value-factor 覆盖",
            data={"confidence": factor.confidence, "basis_is_headline": basis == "equal_value"},
        )


def _plants(out, row_codes, inv, plants, tabs, log, basis, encoding, sheet, year):
    goals = tabs["goals_shanghai_2024"].set_index("goal")
    target = float(goals.loc["bai_yi", "value"])
    for column in ("it_renewed_kw", "piles_replaced"):
        out[column] = (
            out[column].fillna(0.0) if column in out.columns else pd.Series(0.0, index=out.index)
        )
    sums = [
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
    ]
    grouped = out.groupby("plant_id", sort=False)
    frame = grouped[sums].sum()
    frame.insert(0, "assets", grouped.size())
    if "plant_name" in out.columns:
        frame.insert(0, "plant_name", grouped["plant_name"].first())
    # a plant total is null, not a partial sum, when any row lacks the input
    for column in ("cost_saved_cny", "load_shift_cost_saved_cny", "investment_cny"):
        complete = out[column].notna().groupby(out["plant_id"], sort=False).all()
        frame[column] = grouped[column].sum(min_count=1).where(complete)
    energy = pd.Series(np.nan, index=frame.index)
    if "plant_energy_tce" in out.columns:
        energy = grouped["plant_energy_tce"].first().astype(float)
    plant_meta: Any = None
    if plants is not None:
        plant_meta = (
            plants
            if isinstance(plants, pd.DataFrame)
            else read_plants(plants, encoding=encoding, sheet=sheet)
        )
        energy = previous_year_energy(plant_meta, year, energy)
        plant_meta = plant_meta.set_index("plant_id")
        for column in ("industry", "district", "region", "name"):
            if column in plant_meta.columns:
                frame.insert(1, column, plant_meta[column].reindex(frame.index))
        if {"metered_baseline_kwh", "metered_retrofit_kwh"} & set(plant_meta.columns):
            _plant_metered(frame, plant_meta)
    frame["plant_energy_tce"] = energy
    share = frame["coal_saved_tce"] / energy
    frame["saving_share"] = share
    frame["bai_yi_target_share"] = target
    known = energy.notna()
    meets = pd.Series(pd.NA, index=frame.index, dtype="boolean")
    meets[known] = share[known] >= target
    frame["meets_bai_yi"] = meets
    frame["shortfall_tce"] = np.where(
        known, np.maximum(0.0, target * energy - frame["coal_saved_tce"]), np.nan
    )
    frame["bai_yi_status"] = np.where(
        ~known,
        "unknown (no plant energy)",
        np.where(meets.fillna(False), "meets (estimate)", "short (estimate)"),
    )
    frame["caveats"] = _plant_codes(out["plant_id"], row_codes).reindex(frame.index, fill_value="")
    unknown = frame.index[~known]
    if len(unknown):
        log.add_global(
            "plant.energy.unknown",
            "plants without previous-year energy: the 百一 "
            "check is unknown, not failed: " + ", ".join(map(str, unknown[:20])),
            "缺少上年综合能耗的企业：百一判定为未知",
            data={"plants": list(map(str, unknown))},
        )
    frame = frame.reset_index()
    ordered = [c for c in PLANT_COLUMNS if c in frame.columns]
    front = [
        c
        for c in ("plant_id", "plant_name", "name", "region", "district", "industry")
        if c in frame.columns
    ]
    frame = frame[front + [c for c in ordered if c not in front]]
    bai_yi = {
        "target_share": target,
        "source": f"{goals.loc['bai_yi', 'document']} {goals.loc['bai_yi', 'clause']}: "
        f"{goals.loc['bai_yi', 'quote']}",
        "confidence": goals.loc["bai_yi", "confidence"],
        "rule": "saving_share = coal_saved_tce (headline basis) ÷ plant_energy_tce; meets_bai_yi "
        "when saving_share ≥ target_share",
        "plant_energy_basis": f"plant_energy_tce is taken to be on the headline basis ({basis})",
        "label": "an estimate from the measures listed, not a verified saving",
    }
    return frame, bai_yi


def _plant_codes(plant_id: pd.Series, row_codes: np.ndarray) -> pd.Series:
    """Per plant, the sorted ``;``-joined union of its rows' caveat codes (plants with none
    are absent)."""
    # rows repeat a few code combinations and plants a few unions of them: mark the codes of
    # each combination in a boolean matrix, OR the rows' marks per plant (one grouped max, not
    # a Python call per plant), and join the strings once per distinct union
    combo, combos = pd.factorize(row_codes)
    lists = [[c for c in str(text).split(";") if c] for text in combos]
    names = np.array(sorted({c for codes in lists for c in codes}), dtype=object)
    plant, plants = pd.factorize(plant_id)
    if not len(names):
        return pd.Series([], index=pd.Index(plants[:0], name="plant_id"), dtype=object)
    column = {name: i for i, name in enumerate(names)}
    marks = np.zeros((len(combos), len(names)), dtype=bool)
    for i, codes in enumerate(lists):
        marks[i, [column[c] for c in codes]] = True
    pairs = pd.DataFrame({"plant": plant, "combo": combo})
    pairs = pairs[pairs["plant"] >= 0].drop_duplicates()  # a missing plant_id has no plant
    unions = pd.DataFrame(marks[pairs["combo"].to_numpy()]).groupby(pairs["plant"].to_numpy()).max()
    patterns, inverse = np.unique(unions.to_numpy(), axis=0, return_inverse=True)
    joined = np.array([";".join(names[row]) for row in patterns], dtype=object)[inverse.ravel()]
    codes = pd.Series(joined, index=pd.Index(plants[unions.index], name="plant_id"), name="code")
    return codes[joined != ""]
