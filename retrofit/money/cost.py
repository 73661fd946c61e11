"""Money: the cost of the energy saved, off-peak shifting and payback, with or without a tariff.

Without a tariff the row's ``electricity_price_cny_per_kwh`` is the average price paid and the
cost saved is energy saved × price. With a time-of-use tariff class (row column
``tariff_class`` or the run's ``tariff`` option; the classes of the region's table, see reference
table ``region_defaults``) that price is read as the flat-period (平段)
price, and each row's energy is priced by the energy-weighted multiplier of its load profile
(:mod:`retrofit.models.tariff`). A charging pile's standby saving falls in the hours it does not
charge and is priced on the complement of its profile. Off-peak (orderly) charging is a cost
saving only: it moves energy between hours and never enters energy, tce or CO2.

Work is per distinct (tariff class, profile) pair, never per asset.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..columns import describe
from ..core import frame
from ..core.caveats import CaveatLog
from ..core.exceptions import InventoryIssue, ReferenceDataError
from ..core.reference import Tables
from ..models import tariff as tou
from . import tariff as tariff_tables

PROFILES_TABLE = "load_profiles"
#: Profile a data centre takes when a tariff applies and it has none (an IT load runs all day).
DATACENTER_PROFILE = "continuous"

#: Result columns (name → meaning [unit]), for the README.
OUTPUT_COLUMNS: dict[str, str] = describe(
    [
        "tariff_class",
        "load_profile",
        "price_multiplier",
        "standby_price_multiplier",
        "peak_energy_share",
        "load_shift_cost_saved_cny",
    ]
)


def _profile(name_or_hours: str, profiles: pd.DataFrame) -> tuple[np.ndarray, str]:
    """Hour mask and days of a named profile, or of hours written out (every day)."""
    named = profiles.set_index("profile")
    if name_or_hours in named.index:
        row = named.loc[name_or_hours]
        return tariff_tables.parse_hours(str(row["hours"])), str(row["days"])
    return tariff_tables.parse_hours(name_or_hours), "all"


def economics(
    out: pd.DataFrame,
    tables: Tables,
    log: CaveatLog,
    *,
    year: int,
    tariff: str | None,
    file: str,
    header_map: dict[str, str],
) -> list[InventoryIssue]:
    """Add the cost columns to ``out`` in place; return the data issues found."""
    n = len(out)
    issues: list[InventoryIssue] = []
    saved = out["energy_saved_kwh"].to_numpy(float)
    price = frame.numbers(out, "electricity_price_cny_per_kwh")
    invest = frame.numbers(out, "investment_cny")
    category = out["category"].to_numpy(dtype=object)
    is_charger = category == "charger"
    tclass = frame.column(out, "tariff_class")
    option_used = np.zeros(n, dtype=bool)
    if tariff is not None:
        option_used = tclass.isna().to_numpy()
        tclass = tclass.fillna(tariff)
    has_tariff = tclass.notna().to_numpy()
    profile = frame.column(out, "load_profile")
    dc_default = has_tariff & profile.isna().to_numpy() & (category == "datacenter")
    profile = profile.where(~dc_default, DATACENTER_PROFILE)
    shift = frame.numbers(out, "offpeak_shift_fraction")
    has_shift = ~np.isnan(shift)

    issues += [
        InventoryIssue(
            "not-applicable",
            file,
            int(r),
            frame.header(header_map, "offpeak_shift_fraction"),
            f"{s:g}",
            "blank: off-peak shifting is modelled for charging piles only",
        )
        for r, s in zip(
            out["source_row"].to_numpy()[has_shift & ~is_charger],
            shift[has_shift & ~is_charger],
            strict=True,
        )
    ]
    issues += frame.blank_issues(
        out,
        has_shift & is_charger & ~has_tariff,
        "tariff_class",
        file,
        header_map,
        "an off-peak shift is priced on a time-of-use tariff; or give the run's --tariff",
    )
    no_profile = has_tariff & profile.isna().to_numpy()
    names = ", ".join(tables[PROFILES_TABLE]["profile"])
    issues += frame.blank_issues(
        out,
        no_profile,
        "load_profile",
        file,
        header_map,
        f"a time-of-use tariff prices the energy by the hours it is "
        f"used: a profile ({names}) or hours such as 08:00-17:00",
    )

    multiplier = np.ones(n)
    standby_multiplier = np.where(is_charger, 1.0, np.nan)
    peak = np.full(n, np.nan)
    gap = np.full(n, np.nan)
    profile_hours = np.full(n, np.nan)
    priced = has_tariff & ~no_profile
    if priced.any():
        key = pd.Series(
            np.where(priced, tclass.astype(str) + "\x1f" + profile.astype(str), None), dtype=object
        )
        codes, uniques = pd.factorize(key)
        days = tou.calendar_days(year)
        profiles = tables[PROFILES_TABLE]
        table = tables[tables.tariff]  # the run's time-of-use table (by region)
        grids: dict[str, tou.TariffGrid] = {}
        for k, combo in enumerate(uniques):  # distinct (tariff, profile) pairs, not assets
            cls, _, text = combo.partition("\x1f")
            rows_k = codes == k
            try:
                hours_mask, on_days = _profile(text, profiles)
            except ValueError as error:
                issues += [
                    InventoryIssue(
                        "unknown-value",
                        file,
                        int(r),
                        frame.header(header_map, "load_profile"),
                        text,
                        f"a profile name ({names}) or hours: {error}",
                    )
                    for r in out["source_row"].to_numpy()[rows_k]
                ]
                continue
            if cls not in grids:  # one grid per class, not per (class, profile) pair
                try:
                    grids[cls] = tariff_tables.tariff_grid(table, cls)
                except (KeyError, ValueError) as error:  # the table's fault, not the row's
                    raise ReferenceDataError(
                        f"reference table '{tables.tariff}'{tables.where(tables.tariff)}: "
                        f"{error.args[0]}"
                    ) from error
            grid = grids[cls]
            weights = tou.profile_weights(hours_mask, on_days, days)
            multiplier[rows_k] = tou.mean_multiplier(grid, weights)
            peak[rows_k] = tou.peak_share(grid, weights)
            gap[rows_k] = tou.shift_gap(grid, weights)
            if hours_mask.all() and on_days == "all":
                # the profile leaves no hour for standby: price it like the charging hours
                standby = multiplier[rows_k][0]
            else:
                standby = tou.mean_multiplier(
                    grid, tou.complement_weights(hours_mask, on_days, days)
                )
            standby_multiplier[rows_k & is_charger] = standby
            run_days = days.sum() if on_days == "all" else days[:, 0].sum()
            profile_hours[rows_k] = hours_mask.sum() * run_days

    too_much = has_shift & is_charger & has_tariff & (np.round(shift, 9) > np.round(peak, 9))
    issues += [
        InventoryIssue(
            "out-of-range",
            file,
            int(r),
            frame.header(header_map, "offpeak_shift_fraction"),
            f"{s:g}",
            f"at most the share of the charging profile's energy in peak hours, {p:.4g} "
            "(only peak energy can be moved to the valley)",
        )
        for r, s, p in zip(
            out["source_row"].to_numpy()[too_much], shift[too_much], peak[too_much], strict=True
        )
    ]
    if issues:
        return issues

    standby_saved = frame.column(out, "saving_standby_kwh", numeric=True).fillna(0.0).to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        cost = price * (
            multiplier * (saved - standby_saved)
            + np.nan_to_num(standby_multiplier, nan=0.0) * standby_saved
        )
        charging = frame.numbers(out, "charging_input_retrofit_kwh")
        shift_cost = np.where(has_shift, charging * shift * price * gap, 0.0)
        total = cost + shift_cost
        payback = np.where(total > 0, invest / total, np.nan)

    out["electricity_price_cny_per_kwh"] = price
    out["investment_cny"] = invest
    out["tariff_class"] = tclass.where(has_tariff, None).to_numpy(dtype=object)
    out["load_profile"] = profile.to_numpy(dtype=object)  # kept even when unused (caveated)
    out["price_multiplier"] = multiplier
    out["standby_price_multiplier"] = standby_multiplier
    out["peak_energy_share"] = peak
    out["cost_saved_cny"] = cost
    out["load_shift_cost_saved_cny"] = np.where(has_shift & np.isnan(price), np.nan, shift_cost)
    out["payback_years"] = payback

    log.add(
        "cost.price.missing",
        "no electricity price: cost saved and payback are null",
        "未提供电价：节约费用与回收期为空",
        mask=np.isnan(price),
    )
    log.add(
        "cost.investment.missing",
        "no investment: payback is null",
        "未提供投资额：回收期为空",
        mask=np.isnan(invest) & ~np.isnan(price),
    )
    log.add(
        "cost.payback.no_saving",
        "cost saved is not positive: payback is null",
        "节约费用不为正：回收期为空",
        mask=~np.isnan(total) & (total <= 0) & ~np.isnan(invest),
    )
    log.add(
        "tariff.price_is_flat_period",
        "a time-of-use tariff applies: the row's "
        "electricity price is read as the flat-period (平段) price and multiplied by the "
        "profile's energy-weighted multiplier (沪发改价管〔2022〕50号)",
        "执行分时电价：电价按平段电价计，乘以用电时段的加权系数",
        mask=priced,
    )
    log.add(
        "tariff.profile.unused",
        "load_profile given but no tariff class applies: the "
        "price is the average price and the profile is not used",
        "填写了用电时段但未执行分时电价：未使用",
        mask=~has_tariff & profile.notna().to_numpy(),
    )
    log.add(
        "tariff.from_option",
        "tariff class taken from the run's --tariff option",
        "分时电价类别取自运行参数 --tariff",
        mask=priced & option_used,
    )
    log.add(
        "tariff.profile.datacenter_continuous",
        "data centre without a load profile: continuous operation assumed (IT load every hour)",
        "数据中心未填用电时段：按连续运行计",
        mask=dc_default,
    )
    log.add(
        "tariff.calendar.weekends_only",
        "rest days are Saturdays and Sundays of the "
        "accounting year; statutory holidays and make-up workdays (调休) are not modelled",
        "休息日按周六、周日计，未考虑法定节假日与调休",
        mask=priced,
    )
    log.add(
        "tariff.deep_valley.rest_days",
        "large-industry tariff: the deep valley (深谷, 0.2 × "
        "flat) of 沪发改价管〔2024〕28号 applies on rest days in February–June and "
        "September–November (one source, confidence M)",
        "大工业深谷电价按休息日计（单一来源）",
        mask=priced & (tclass.to_numpy(dtype=object) == "large_industry_two_part"),
    )
    log.add(
        "tariff.shift.cost_only",
        "off-peak charging moves energy from peak to valley "
        "hours: a cost saving in load_shift_cost_saved_cny, not an energy or tce saving; "
        "priced at the peak (not critical-peak) multiplier of the hours it leaves",
        "有序充电峰转谷仅为电费节约，不计节能量与标煤",
        mask=has_shift & (shift > 0),
    )
    params = tables.keyed("model_parameters", ["model", "parameter"], "value")
    tolerance = float(params[("tariff", "profile_hours_tolerance_fraction")])
    hours = np.where(
        is_charger, frame.numbers(out, "charging_hours_h"), frame.numbers(out, "operating_hours_h")
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        differ = priced & (np.abs(profile_hours - hours) > tolerance * hours)
    log.add(
        "tariff.profile.hours_differ",
        "the load profile's hours in the year differ from "
        "the row's operating (charging) hours by more than the tolerance: the energy is "
        "still the row's, only its timing comes from the profile; check the profile",
        "用电时段的年小时数与运行小时数不一致：电量按本行计，仅时段分布取自用电时段",
        mask=differ,
    )
    return issues
