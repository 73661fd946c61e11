"""A seeded synthetic city: many plants' retrofit inventories and a plant table.

The city is made up for the ``retrofit portfolio`` command, the notebook
``notebooks/02_city_portfolio`` and the 2,000,000-row benchmark. **Every value here is
illustrative, not a statistic**: the equipment mix, sizes, hours, prices, investments and plant
energy use are plausible-looking draws from a random generator, chosen to exercise every
measure module and the 百一 check, and say nothing about any real plant, district or industry.

What it builds
    :func:`synthetic_city` returns ``(inventory, plants)``. ``inventory`` has canonical column
    names of :mod:`retrofit.inventory.schema` and passes :func:`retrofit.pipeline.estimate`: mostly motor
    upgrades, fans and pumps on variable-speed drives, pump replacements, air compressors (leaks,
    pressure, new package), transformers (nameplate losses or the S11 series table), charging
    piles (ac and dc) and, in a minority of plants, data centres (PUE retrofit, IT refresh).
    ``plants`` has one row per plant: name, district (Shanghai's 16, in Chinese), industry,
    region and the plant's energy use by year, ``energy_tce_<year>`` [tce].
Writing
    :func:`write_city` writes the city as a city would receive it: one CSV per district (or per
    plant), alternating encodings (UTF-8 with BOM, GB18030), Chinese headers and values in some
    files and English in others, plus ``plants.csv``. :func:`write_parquet` writes partitioned
    Parquet for the Dask benchmark.
Blanks on purpose
    ``in_service_date`` is blank on about 3 % of rows and falls in the year before
    ``year_range`` on about 2 %; ``investment_cny`` is blank on about 5 %; about 5 % of the
    plants' yearly energy cells are blank, so a 百一 check comes out "unknown" for some plants.

Plant energy is sized from the assets: a rough annual saving per row (a rough energy proxy times
an illustrative saving share per kind of row, :data:`ROUGH_SAVING_SHARE`) converted at the
electricity 当量值 of GB/T 2589-2020 (read from table ``energy_conversion_coefficients``), divided
by a saving share drawn log-uniformly in :data:`PLANT_SAVING_SHARE_RANGE`, so that 百一 (1 %/yr)
is met by some plants and missed by others.

Command line::

    python -m retrofit.samples.synthetic_city --plants 300 --seed 2024 -o city/
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from ..inventory import schema

__all__ = [
    "DISTRICTS",
    "INDUSTRIES",
    "synthetic_city",
    "write_city",
    "write_parquet",
]

#: Shanghai's 16 districts (市辖区).
DISTRICTS = (
    "浦东新区",
    "黄浦区",
    "徐汇区",
    "长宁区",
    "静安区",
    "普陀区",
    "虹口区",
    "杨浦区",
    "闵行区",
    "宝山区",
    "嘉定区",
    "金山区",
    "松江区",
    "青浦区",
    "奉贤区",
    "崇明区",
)
#: ASCII file-name slugs of :data:`DISTRICTS`, in the same order.
DISTRICT_SLUGS = (
    "pudong",
    "huangpu",
    "xuhui",
    "changning",
    "jingan",
    "putuo",
    "hongkou",
    "yangpu",
    "minhang",
    "baoshan",
    "jiading",
    "jinshan",
    "songjiang",
    "qingpu",
    "fengxian",
    "chongming",
)
#: Industries of the synthetic plants; plants with data-centre rows are 数据中心.
INDUSTRIES = ("汽车制造", "化工", "钢铁", "电子信息", "生物医药", "装备制造", "数据中心")
_NAME_SUFFIX = {
    "汽车制造": "汽车零部件",
    "化工": "化工",
    "钢铁": "钢铁",
    "电子信息": "电子",
    "生物医药": "生物医药",
    "装备制造": "机械",
    "数据中心": "数据科技",
}
_NAME_WORDS = (
    "宏达",
    "恒通",
    "华申",
    "浦江",
    "金桥",
    "新兴",
    "联合",
    "东方",
    "江南",
    "永盛",
    "申达",
    "长江",
    "海港",
    "天成",
    "瑞丰",
    "协力",
)

#: IEC 60034-30-1 standard rated outputs from 0.75 to 200 kW [kW]
IEC_SIZES_KW = (
    0.75,
    1.1,
    1.5,
    2.2,
    3,
    4,
    5.5,
    7.5,
    11,
    15,
    18.5,
    22,
    30,
    37,
    45,
    55,
    75,
    90,
    110,
    132,
    160,
    200,
)
#: Air-compressor sizes drawn; all are tabulated in GB 19153-2019 [kW]
COMPRESSOR_SIZES_KW = (22, 37, 55, 75, 90, 110, 132, 160, 200, 250)
#: Transformer capacities drawn; all are in GB 20052-2024 表1/表2 and the S11 table [kVA]
TRANSFORMER_KVA = (315, 400, 630, 800, 1000, 1250, 1600)

#: Nameplate (no-load, load) losses given to old transformers without a series [kW]: typical
#: S9 (oil, 10 kV) and SCB10 (dry, F class) catalogue figures, illustrative
S9_LIKE_LOSSES_KW = {
    315: (0.67, 3.65),
    400: (0.80, 4.30),
    630: (1.20, 6.20),
    800: (1.40, 7.50),
    1000: (1.70, 10.30),
    1250: (1.95, 12.00),
    1600: (2.40, 14.50),
}
SCB10_LIKE_LOSSES_KW = {
    315: (0.88, 3.47),
    400: (0.98, 3.99),
    630: (1.34, 5.96),
    800: (1.52, 6.96),
    1000: (1.77, 8.13),
    1250: (2.09, 9.69),
    1600: (2.45, 11.73),
}

#: Kinds of ordinary rows and their shares (data-centre rows are placed per plant instead).
KIND_SHARES = {
    "motor": 0.52,
    "fan_vfd": 0.13,
    "pump_vfd": 0.12,
    "pump_new": 0.03,
    "compressor": 0.09,
    "transformer": 0.06,
    "charger_ac": 0.03,
    "charger_dc": 0.02,
}
KINDS = (*KIND_SHARES, "datacenter")
_CATEGORY = {
    "motor": "motor",
    "fan_vfd": "fan",
    "pump_vfd": "pump",
    "pump_new": "pump",
    "compressor": "compressor",
    "transformer": "transformer",
    "charger_ac": "charger",
    "charger_dc": "charger",
    "datacenter": "datacenter",
}
_PREFIX = {
    "motor": "M",
    "fan_vfd": "F",
    "pump_vfd": "P",
    "pump_new": "P",
    "compressor": "C",
    "transformer": "T",
    "charger_ac": "EV",
    "charger_dc": "EV",
    "datacenter": "DC",
}
#: Share of plants with data-centre rows, and how many such rows they have (1 to this).
DATACENTER_PLANT_SHARE = 0.05
DATACENTER_ROWS_MAX = 3

#: Rough annual saving ÷ rough annual energy proxy, per kind of row (illustrative, close to
#: what :func:`retrofit.pipeline.estimate` gives for this mix); used only to size plant energy.
ROUGH_SAVING_SHARE = {
    "motor": 0.037,
    "fan_vfd": 0.31,
    "pump_vfd": 0.36,
    "pump_new": 0.24,
    "compressor": 0.2,
    "transformer": 0.24,
    "charger_ac": 0.0,
    "charger_dc": 0.07,
    "datacenter": 0.22,
}
#: A plant's estimated saving as a share of its energy use is drawn log-uniformly in this range.
PLANT_SAVING_SHARE_RANGE = (0.003, 0.03)
#: Largest year-on-year change of a plant's energy use (uniform in ± this) [unitless]
ENERGY_DRIFT = 0.03
#: Shares of blank cells and of dates before the window.
BLANK_DATE_SHARE = 0.03
EARLY_DATE_SHARE = 0.02
BLANK_INVESTMENT_SHARE = 0.05
BLANK_ENERGY_SHARE = 0.05

_FLOW_PROFILES = (
    "100:20;80:50;60:30",
    "doe_tip_sheet_12_fan",
    "90:40;70:40;50:20",
    "100:10;75:30;50:40;30:20",
)


def _text_where(conditions: list[np.ndarray], labels: list[str]) -> np.ndarray:
    """Object array: per row the label of the first true condition (as ``np.select``), None
    where none holds."""
    out = np.full(len(conditions[0]), None, dtype=object)
    for condition, label in reversed(list(zip(conditions, labels, strict=True))):
        out[condition] = label
    return out


def synthetic_city(
    n_plants: int = 300,
    *,
    assets_per_plant: float = 25,
    seed: int = 2024,
    year_range: tuple[int, int] = (2024, 2027),
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Build a synthetic city: an inventory of retrofit rows and a table of plants.

    Parameters
    ----------
    n_plants : int, default 300
        Number of plants [plants].
    assets_per_plant : float, default 25
        Mean number of inventory rows per plant (lognormal, at least 1) [rows].
    seed : int, default 2024
        Seed of the random generator; the same seed gives identical frames.
    year_range : (int, int), default (2024, 2027)
        First and last year (inclusive) of the retrofits' in-service dates; the plant table has
        energy use for the years ``year_range[0] - 1`` to ``year_range[1] - 1``.

    Returns
    -------
    inventory : pandas.DataFrame
        One row per asset, canonical columns of :mod:`retrofit.inventory.schema`, rows of a plant
        contiguous, ``in_service_date`` as "YYYY-MM-DD" text (None when blank).
    plants : pandas.DataFrame
        One row per plant: ``plant_id``, ``name``, ``district``, ``industry``, ``region``
        ("shanghai") and ``energy_tce_<year>`` [tce] (NaN when blank).

    Notes
    -----
    Values are illustrative, not statistics (see the module docstring). Everything is drawn
    from one ``numpy.random.default_rng(seed)`` with array operations, never a loop per asset.
    """
    if n_plants < 1:
        raise ValueError(f"n_plants must be at least 1, got {n_plants}")
    if assets_per_plant <= 0:
        raise ValueError(f"assets_per_plant must be > 0, got {assets_per_plant}")
    first_year, last_year = (int(y) for y in year_range)
    if last_year < first_year:
        raise ValueError(f"year_range {year_range} ends before it starts")
    rng = np.random.default_rng(seed)

    # --- plants ---------------------------------------------------------------------------
    sigma = 0.6
    counts = np.maximum(
        1, np.rint(rng.lognormal(np.log(assets_per_plant) - sigma**2 / 2, sigma, n_plants))
    ).astype(np.int64)
    has_dc = rng.random(n_plants) < DATACENTER_PLANT_SHARE
    district = rng.integers(0, len(DISTRICTS), n_plants)
    industry = np.where(has_dc, len(INDUSTRIES) - 1, rng.integers(0, len(INDUSTRIES) - 1, n_plants))
    price = np.round(rng.uniform(0.55, 0.95, n_plants), 3)  # [CNY/kWh]
    plant_ids = np.array([f"P{i + 1:05d}" for i in range(n_plants)], dtype=object)
    words = rng.integers(0, len(_NAME_WORDS), n_plants)
    names = np.array(
        [
            f"上海{_NAME_WORDS[w]}{_NAME_SUFFIX[INDUSTRIES[k]]}{i + 1}厂"
            for i, (w, k) in enumerate(zip(words, industry, strict=True))
        ],
        dtype=object,
    )

    # --- rows -----------------------------------------------------------------------------
    n = int(counts.sum())
    plant = np.repeat(np.arange(n_plants), counts)
    starts = np.cumsum(counts) - counts
    pos = np.arange(n) - starts[plant]  # 0-based position of the row within its plant
    ordinary = list(KIND_SHARES)
    shares = np.array(list(KIND_SHARES.values()))
    kind = rng.choice(len(ordinary), n, p=shares / shares.sum())
    dc_rows = rng.integers(1, DATACENTER_ROWS_MAX + 1, n_plants)
    kind[has_dc[plant] & (pos < dc_rows[plant])] = KINDS.index("datacenter")
    is_ = {k: kind == i for i, k in enumerate(KINDS)}
    motor_like = is_["motor"] | is_["fan_vfd"] | is_["pump_vfd"] | is_["pump_new"]
    fanpump_vfd = is_["fan_vfd"] | is_["pump_vfd"]
    comp, tr, dc = is_["compressor"], is_["transformer"], is_["datacenter"]
    ac, dcp = is_["charger_ac"], is_["charger_dc"]

    col = _Columns(n, rng)
    cols: dict[str, object] = {}
    cols["plant_id"] = plant_ids[plant]
    cols["plant_name"] = names[plant]
    width = max(4, len(str(int(counts.max()))))
    numbers = np.array([f"{i + 1:0{width}d}" for i in range(int(counts.max()))], dtype=object)
    prefixes = np.array([_PREFIX[k] + "-" for k in KINDS], dtype=object)
    cols["asset_id"] = prefixes[kind] + numbers[pos]  # kind prefix + position: unique in a plant
    cols["category"] = np.array([_CATEGORY[k] for k in KINDS], dtype=object)[kind]

    measure = np.full(n, "upgrade_motor", dtype=object)
    col.put(measure, is_["fan_vfd"], ["add_vfd", "upgrade_motor+add_vfd"], [0.8, 0.2])
    col.put(measure, is_["pump_vfd"], ["add_vfd", "upgrade_motor+add_vfd"], [0.7, 0.3])
    measure[is_["pump_new"] | tr] = "upgrade_equipment"
    col.put(
        measure,
        comp,
        [
            "fix_leaks",
            "reduce_pressure",
            "fix_leaks+reduce_pressure",
            "upgrade_equipment",
            "upgrade_equipment+fix_leaks",
        ],
        [0.3, 0.15, 0.2, 0.2, 0.15],
    )
    col.put(measure, dc, ["improve_pue", "refresh_it", "improve_pue+refresh_it"], [0.4, 0.3, 0.3])
    measure[ac | dcp] = "replace_charger"
    cols["measure"] = measure
    motor_upgrade = _contains(measure, "upgrade_motor")

    quantity = np.ones(n, dtype=np.int64)
    col.put(quantity, is_["motor"], np.arange(1, 5), [0.55, 0.25, 0.12, 0.08])
    col.put(quantity, fanpump_vfd | is_["pump_new"] | comp | tr, [1, 2], [0.8, 0.2])
    col.put(quantity, ac, np.arange(4, 41))
    col.put(quantity, dcp, np.arange(1, 9))
    cols["quantity"] = quantity

    # rated power: motors from the IEC sizes (small ones commoner); a new pump's motor sized
    # from its duty; compressors from their own sizes; piles from pile sizes
    sizes = np.asarray(IEC_SIZES_KW)
    weights = 1.0 / np.sqrt(sizes)
    power = col.empty()
    col.put(power, motor_like, sizes, weights / weights.sum())
    flow = col.empty()
    head = col.empty()
    col.put(flow, is_["pump_new"], [50.0, 100.0, 200.0, 280.0])
    col.put(head, is_["pump_new"], [20.0, 32.0, 50.0, 80.0])
    machine_eff = col.empty()
    col.put_uniform(machine_eff, is_["pump_new"], 55, 70, 1)
    # shaft power ρ·g·Q·H/η [kW] with ρ·g = 9.81 kN/m³, then the next IEC size with 15 % margin
    shaft = 9.81 * flow / 3600 * head / (machine_eff / 100)
    fit = np.searchsorted(sizes, shaft * 1.15)
    power[is_["pump_new"]] = sizes[np.minimum(fit, len(sizes) - 1)][is_["pump_new"]]
    col.put(power, comp, COMPRESSOR_SIZES_KW, _falling(COMPRESSOR_SIZES_KW))
    power[ac] = 7.0
    col.put(power, dcp, [30.0, 60.0, 120.0], [0.3, 0.5, 0.2])
    cols["rated_power_kw"] = power

    pole_draw = rng.choice([2, 4, 6, 8], n, p=[0.3, 0.45, 0.2, 0.05])
    cols["poles"] = pd.arrays.IntegerArray(pole_draw.astype(np.int64), ~(motor_like | comp))
    efficiency_class = np.full(n, None, dtype=object)
    col.put(
        efficiency_class,
        motor_like | comp,
        ["IE1", "IE2", "IE3", "Y", "Y2", "YX3", "YE2", "grade_3"],
        [0.2, 0.25, 0.12, 0.05, 0.12, 0.06, 0.12, 0.08],
    )
    cols["efficiency_class"] = efficiency_class
    target_class = np.full(n, None, dtype=object)
    col.put(target_class, motor_upgrade, ["grade_2", "IE4", "grade_1"], [0.55, 0.3, 0.15])
    cols["target_class"] = target_class

    load = col.empty()
    col.put_uniform(load, motor_like | comp | dcp, 0.4, 1.0, 2)
    col.put_uniform(load, tr, 0.3, 0.8, 2)
    cols["load_factor"] = load
    hours = col.empty()
    col.put(hours, is_["motor"], np.arange(2000, 8001, 100))
    col.put(hours, fanpump_vfd | is_["pump_new"], np.arange(3000, 8001, 100))
    col.put(hours, comp, np.arange(4000, 8001, 100))
    hours[tr | dc] = 8760.0
    col.put(hours, dcp, [800.0, 1500.0, 2500.0])
    cols["operating_hours_h"] = hours

    # --- fans and pumps ---------------------------------------------------------------------
    control = np.full(n, None, dtype=object)
    col.put(control, is_["fan_vfd"], ["damper_outlet", "damper_inlet", "inlet_vane"])
    col.put(control, is_["pump_vfd"], ["throttle", "bypass"], [0.8, 0.2])
    cols["control"] = control
    profile = np.full(n, None, dtype=object)
    col.put(profile, fanpump_vfd, _FLOW_PROFILES)
    cols["flow_profile"] = profile
    static = col.empty()
    static[is_["fan_vfd"]] = 0.0
    col.put(static, is_["pump_vfd"], [0.0, 0.1, 0.2, 0.3])
    cols["static_head_fraction"] = static
    cols["machine_efficiency_pct"] = machine_eff
    cols["pump_type"] = _text_where([is_["pump_new"]], ["end_suction"])
    cols["flow_m3h"] = flow
    cols["head_m"] = head
    speed = col.empty()
    speed[is_["pump_new"]] = 2900.0
    cols["speed_rpm"] = speed

    # --- air compressors ----------------------------------------------------------------------
    cols["compressor_type"] = _text_where([comp], ["oil_injected_rotary"])
    pressure = col.empty()
    col.put(pressure, comp, [0.7, 0.8, 1.0], [0.3, 0.55, 0.15])
    cols["discharge_pressure_mpa"] = pressure
    cols["cooling"] = _text_where([comp], ["air"])
    specific = col.empty()
    col.put_uniform(specific, comp, 7.6, 9.5, 2)
    cols["specific_power_kw_per_m3min"] = specific
    leak = col.empty()
    col.put_uniform(leak, comp, 0.15, 0.35, 2)
    cols["leak_fraction"] = leak
    reduction = col.empty()
    col.put(reduction, comp, [0.3, 0.5, 1.0])
    cols["pressure_reduction_bar"] = reduction

    # --- transformers: oil with nameplate losses (S9-like) or the S11 table; dry SCB10-like --
    kva = col.empty()
    col.put(kva, tr, TRANSFORMER_KVA)
    cols["rated_kva"] = kva
    oil = tr & (rng.random(n) < 0.75)
    dry = tr & ~oil
    cols["transformer_type"] = _text_where([oil, dry], ["oil", "dry"])
    s11 = oil & (rng.random(n) < 0.4)
    cols["transformer_series"] = _text_where([s11], ["S11"])
    p0 = col.empty()
    pk = col.empty()
    for mask, losses in ((oil & ~s11, S9_LIKE_LOSSES_KW), (dry, SCB10_LIKE_LOSSES_KW)):
        at = np.searchsorted(TRANSFORMER_KVA, kva[mask])
        p0[mask] = np.asarray([losses[k][0] for k in TRANSFORMER_KVA])[at]
        pk[mask] = np.asarray([losses[k][1] for k in TRANSFORMER_KVA])[at]
    cols["no_load_loss_kw"] = p0
    cols["load_loss_kw"] = pk

    # --- data centres -----------------------------------------------------------------------
    it_load = col.empty()
    col.put(it_load, dc, [50.0, 200.0, 800.0, 3000.0], [0.35, 0.35, 0.2, 0.1])
    cols["it_load_kw"] = it_load
    pue = col.empty()
    col.put_uniform(pue, dc, 1.4, 2.0, 2)
    cols["pue"] = pue
    target_pue = col.empty()
    target_pue[dc] = np.round(pue - rng.uniform(0.05, 0.35, n), 2)[dc]
    cols["target_pue"] = target_pue
    reduction_it = col.empty()
    col.put(reduction_it, dc, [0.1, 0.18, 0.25, 0.3])
    cols["it_energy_reduction"] = reduction_it
    rack_count = np.zeros(n, dtype=np.int64)
    rack_count[dc] = np.maximum(1, np.rint(it_load[dc] / rng.uniform(3, 8, int(dc.sum()))))
    cols["racks"] = pd.arrays.IntegerArray(rack_count, ~dc)  # 3–8 kW IT per rack
    years = col.empty()
    col.put(years, dc, [3.0, 6.0, 10.0, 15.0])
    cols["years_in_service"] = years

    # --- charging piles -------------------------------------------------------------------
    cols["charger_type"] = _text_where([ac, dcp], ["ac", "dc"])
    delivered = col.empty()
    col.put(delivered, ac, [1500.0, 3000.0, 6000.0])
    cols["energy_delivered_kwh"] = delivered
    efficiency = col.empty()
    col.put(efficiency, dcp, [88.0, 90.0, 92.0])
    cols["efficiency_pct"] = efficiency
    target_efficiency = col.empty()
    target_efficiency[dcp] = 95.0
    cols["target_efficiency_pct"] = target_efficiency
    standby = col.empty()
    col.put(standby, dcp, [60.0, 120.0, 200.0])
    cols["standby_w"] = standby
    target_standby = col.empty()
    target_standby[dcp] = 40.0
    cols["target_standby_w"] = target_standby

    # --- money and dates ----------------------------------------------------------------------
    qty = quantity.astype(float)
    unit_cost = rng.uniform(0.0, 1.0, n)  # one draw, scaled per kind below [unitless]
    investment = np.select(
        [is_["motor"], fanpump_vfd, is_["pump_new"], comp, tr, dc, ac, dcp],
        [
            power * qty * (300 + 600 * unit_cost),  # new motor [CNY/kW]
            power * qty * (400 + 600 * unit_cost),  # drive [CNY/kW]
            power * qty * (800 + 700 * unit_cost),  # new pump set [CNY/kW]
            np.where(
                _contains(measure, "upgrade_equipment"),
                power * qty * (1500 + 1000 * unit_cost),  # new package [CNY/kW]
                20_000 + 60_000 * unit_cost,
            ),  # leak / pressure work [CNY]
            kva * qty * (150 + 150 * unit_cost),  # new transformer [CNY/kVA]
            it_load * (2000 + 4000 * unit_cost),  # data hall [CNY/kW IT]
            qty * (2000 + 2000 * unit_cost),  # ac pile [CNY/pile]
            power * qty * (600 + 400 * unit_cost),
        ],
    )  # dc pile [CNY/kW]
    investment = np.round(investment, -2)
    investment[rng.random(n) < BLANK_INVESTMENT_SHARE] = np.nan
    cols["investment_cny"] = investment
    cols["electricity_price_cny_per_kwh"] = price[plant]
    cols["in_service_date"] = _dates(rng, n, first_year, last_year)

    order = [c.name for c in schema.COLUMNS if c.name in cols]
    inventory = pd.DataFrame({name: cols[name] for name in order})

    # --- plant energy: sized from a rough saving ------------------------------------------
    proxy = np.select(
        [tr, dc, ac],
        [
            kva * qty * (0.0017 + 0.0105 * np.nan_to_num(load) ** 2) * 8760,  # loss proxy [kWh]
            it_load * pue * 8760,  # facility [kWh]
            delivered * qty,
        ],  # [kWh]
        power * np.nan_to_num(load) * hours * qty,
    )  # input proxy [kWh]
    share = np.array([ROUGH_SAVING_SHARE[k] for k in KINDS])[kind]
    saving_kwh = np.bincount(plant, weights=np.nan_to_num(proxy) * share, minlength=n_plants)
    saving_tce = saving_kwh * _equivalent_kgce_per_kwh() / 1000
    low, high = PLANT_SAVING_SHARE_RANGE
    plant_share = np.exp(rng.uniform(np.log(low), np.log(high), n_plants))
    energy_years = range(first_year - 1, last_year)
    plants = pd.DataFrame(
        {
            "plant_id": plant_ids,
            "name": names,
            "district": np.asarray(DISTRICTS, dtype=object)[district],
            "industry": np.asarray(INDUSTRIES, dtype=object)[industry],
            "region": "shanghai",
        }
    )
    energy = np.maximum(saving_tce / plant_share, 1.0)
    for year in energy_years:
        values = np.round(energy, 1)
        values[rng.random(n_plants) < BLANK_ENERGY_SHARE] = np.nan
        plants[f"energy_tce_{year}"] = values
        energy = energy * (1 + rng.uniform(-ENERGY_DRIFT, ENERGY_DRIFT, n_plants))
    return inventory, plants


class _Columns:
    """Draws values for the rows of a mask, in a fixed order from one generator."""

    def __init__(self, n: int, rng: np.random.Generator):
        self.n = n
        self.rng = rng

    def empty(self) -> np.ndarray:
        return np.full(self.n, np.nan)

    def put(
        self,
        target: np.ndarray,
        mask: np.ndarray,
        values: Sequence | np.ndarray,
        p: Sequence[float] | np.ndarray | None = None,
    ) -> None:
        k = int(mask.sum())
        if k:
            choices = np.asarray(values, dtype=target.dtype if target.dtype != object else None)
            probs = None if p is None else np.asarray(p, dtype=float) / np.sum(p)
            target[mask] = self.rng.choice(choices, k, p=probs)

    def put_uniform(
        self, target: np.ndarray, mask: np.ndarray, low: float, high: float, decimals: int
    ) -> None:
        k = int(mask.sum())
        if k:
            target[mask] = np.round(self.rng.uniform(low, high, k), decimals)


def _contains(measure: np.ndarray, name: str) -> np.ndarray:
    """Rows whose ``+``-joined measure includes ``name`` (each distinct spelling tested once)."""
    codes, uniques = pd.factorize(measure)
    return np.array([name in str(u).split("+") for u in uniques], dtype=bool)[codes]


def _falling(sizes: Sequence[float]) -> np.ndarray:
    w = 1.0 / np.sqrt(np.asarray(sizes, dtype=float))
    return w / w.sum()


def _dates(rng: np.random.Generator, n: int, first_year: int, last_year: int) -> np.ndarray:
    """ "YYYY-MM-DD" dates uniform over the window, a few in the year before, a few blank."""
    start = np.datetime64(f"{first_year}-01-01", "D")
    span = int((np.datetime64(f"{last_year + 1}-01-01", "D") - start).astype(np.int64))
    early_start = np.datetime64(f"{first_year - 1}-01-01", "D")
    early_span = int((start - early_start).astype(np.int64))
    u = rng.random(n)
    days = rng.integers(0, span, n)
    early_days = rng.integers(0, early_span, n)
    early = (u >= BLANK_DATE_SHARE) & (u < BLANK_DATE_SHARE + EARLY_DATE_SHARE)
    dates = np.where(early, early_start + early_days, start + days)
    text = np.datetime_as_string(dates, unit="D").astype(object)
    text[u < BLANK_DATE_SHARE] = None
    return text


def _equivalent_kgce_per_kwh() -> float:
    """Electricity 当量值 of GB/T 2589-2020 [kgce/kWh], through the one table loader."""
    from ..core.conversion import equivalent_factor
    from ..core.reference import Tables

    return equivalent_factor(Tables()).value


# --- writing -------------------------------------------------------------------------------


def _has_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


#: How a Chinese header writes a canonical unit (others as in :mod:`retrofit.inventory.schema`).
_ZH_UNITS = {"CNY": "元", "CNY/kWh": "元/kWh", "h/yr": "h", "kWh/yr": "kWh", "yr": "年"}


def _zh_header(name: str) -> str:
    """The first Chinese alias of a column that reads back as that column with unit factor 1,
    with the canonical unit in brackets when the column accepts it: ``额定功率(kW)``."""
    column = schema.COLUMN_BY_NAME[name]
    for alias in column.aliases:
        if _has_cjk(alias) and schema.match_header(alias) == (name, 1.0):
            unit = _ZH_UNITS.get(column.unit, column.unit)
            with_unit = f"{alias}({unit})"
            if (
                unit
                and schema.normalise(unit) in column.units
                and (schema.match_header(with_unit) == (name, 1.0))
            ):
                return with_unit
            return alias
    return name


def _zh_value(column: str, value: str) -> str:
    """The first Chinese spelling of a canonical value that reads back as that value."""
    aliases = (
        schema.VALUE_ALIASES["measure"]
        if column == "measure"
        else schema.VALUE_ALIASES.get(column, {})
    )
    spellings = (
        {m.name: m.aliases for m in schema.MEASURES}.get(value, ())
        if column == "measure"
        else schema.CHOICE_ALIASES.get(column, {}).get(value, ())
    )
    for alias in spellings:
        if _has_cjk(alias) and aliases.get(schema.normalise(alias)) == value:
            return alias
    return value


def _to_chinese(frame: pd.DataFrame) -> pd.DataFrame:
    """Chinese headers and Chinese spellings of choice values (each distinct value once)."""
    out = frame.copy()
    for column in out.columns:
        if column == "measure" or column in schema.CHOICE_ALIASES:
            codes, uniques = pd.factorize(out[column])
            if column == "measure":
                mapped = [
                    "+".join(_zh_value("measure", m) for m in str(u).split("+")) for u in uniques
                ]
            else:
                mapped = [_zh_value(column, str(u)) for u in uniques]
            values = np.asarray(mapped, dtype=object)[np.maximum(codes, 0)]
            values[codes < 0] = None
            out[column] = values
    out.columns = [_zh_header(c) for c in out.columns]
    return out


def _atomic_csv(frame: pd.DataFrame, path: Path, encoding: str) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding=encoding, newline="") as fh:
            frame.to_csv(fh, index=False)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_city(
    folder: str | os.PathLike[str],
    n_plants: int = 300,
    *,
    seed: int = 2024,
    files: str = "per_district",
    encodings: Sequence[str] = ("utf-8-sig", "gb18030"),
    assets_per_plant: float = 25,
    year_range: tuple[int, int] = (2024, 2027),
) -> list[Path]:
    """Write a synthetic city as the enterprise files a city would receive.

    Parameters
    ----------
    folder : path
        Output folder (created if needed); existing files of the same names are replaced.
    n_plants, seed, assets_per_plant, year_range
        As :func:`synthetic_city`.
    files : {"per_district", "per_plant"}
        One inventory CSV per district (``01_pudong.csv`` …) or per plant (``P00001.csv`` …).
    encodings : sequence of str
        Encodings used in turn, file by file.

    Returns
    -------
    list of pathlib.Path
        The inventory files in order, then ``plants.csv`` (UTF-8 with BOM, English headers).

    Notes
    -----
    Files alternate encodings, and pairs of files alternate language: Chinese headers (the
    first Chinese alias of each column in :mod:`retrofit.inventory.schema`) with Chinese spellings of
    categories, measures and other choices, or canonical English. Columns blank throughout a
    file are left out, as a district that has no data centre sends no PUE column. Each file
    is written to a temporary file in the folder and moved into place with ``os.replace``.
    """
    if files not in ("per_district", "per_plant"):
        raise ValueError(f"files must be 'per_district' or 'per_plant', got {files!r}")
    if not encodings:
        raise ValueError("encodings must name at least one encoding")
    inventory, plants = synthetic_city(
        n_plants, assets_per_plant=assets_per_plant, seed=seed, year_range=year_range
    )
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    if files == "per_district":
        district_of = plants.set_index("plant_id")["district"]
        key = inventory["plant_id"].map(district_of).map(DISTRICTS.index).to_numpy()
        names = {i: f"{i + 1:02d}_{slug}.csv" for i, slug in enumerate(DISTRICT_SLUGS)}
    else:
        key = pd.factorize(inventory["plant_id"])[0]
        names = dict(enumerate(plants["plant_id"] + ".csv"))
    groups = pd.Series(np.arange(len(inventory))).groupby(key, sort=True)
    paths = []
    for i, (group, positions) in enumerate(groups):
        part = inventory.iloc[positions.to_numpy()]
        part = part.loc[:, part.notna().any()]
        if (i // 2) % 2 == 0:
            part = _to_chinese(part)
        path = out / names[int(group)]
        _atomic_csv(part, path, encodings[i % len(encodings)])
        paths.append(path)
    plants_path = out / "plants.csv"
    _atomic_csv(plants, plants_path, "utf-8-sig")
    paths.append(plants_path)
    return paths


def write_parquet(
    inventory: pd.DataFrame, folder: str | os.PathLike[str], rows_per_file: int
) -> list[Path]:
    """Write an inventory as partitioned Parquet: ``part-00000.parquet``, … (for Dask).

    Every part has the same Arrow schema, taken from the whole frame: text columns (dates
    included, as "YYYY-MM-DD") as ``string``, which :func:`retrofit.inventory.reading.validate_frame`
    reads directly; numbers as ``double`` or ``int64``.

    Parameters
    ----------
    inventory : pandas.DataFrame
        An inventory such as the first frame of :func:`synthetic_city`.
    folder : path
        Output folder (created if needed).
    rows_per_file : int
        Rows per part (the last part may have fewer) [rows].

    Returns
    -------
    list of pathlib.Path
        The parts, in row order.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    if rows_per_file < 1:
        raise ValueError(f"rows_per_file must be at least 1, got {rows_per_file}")
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    fields = []
    for name, dtype in inventory.dtypes.items():
        if pd.api.types.is_integer_dtype(dtype):
            kind = pa.int64()
        elif pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype):
            kind = pa.float64()
        else:
            kind = pa.string()
        fields.append(pa.field(str(name), kind))
    arrow_schema = pa.schema(fields)
    paths = []
    for k, start in enumerate(range(0, len(inventory), rows_per_file)):
        chunk = inventory.iloc[start : start + rows_per_file]
        table = pa.Table.from_pandas(chunk, schema=arrow_schema, preserve_index=False)
        path = out / f"part-{k:05d}.parquet"
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=out)
        os.close(fd)
        try:
            pq.write_table(table, tmp)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        paths.append(path)
    return paths


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m retrofit.samples.synthetic_city``: write a synthetic city to a folder."""
    parser = argparse.ArgumentParser(
        prog="python -m retrofit.samples.synthetic_city",
        description="Write a synthetic (illustrative, not statistical) city of enterprise "
        "inventories and a plants.csv to a folder.",
    )
    parser.add_argument("--plants", type=int, default=300, help="number of plants [300]")
    parser.add_argument(
        "--assets-per-plant", type=float, default=25, help="mean inventory rows per plant [25]"
    )
    parser.add_argument("--seed", type=int, default=2024, help="random seed [2024]")
    parser.add_argument(
        "--files",
        choices=("per_district", "per_plant"),
        default="per_district",
        help="one CSV per district or per plant",
    )
    parser.add_argument("-o", "--output", type=Path, required=True, help="output folder")
    args = parser.parse_args(argv)
    if args.plants < 1:
        parser.error("--plants must be at least 1")
    paths = write_city(
        args.output,
        args.plants,
        seed=args.seed,
        files=args.files,
        assets_per_plant=args.assets_per_plant,
    )
    print(
        f"wrote {len(paths) - 1} inventory files and plants.csv to {args.output}", file=sys.stderr
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
