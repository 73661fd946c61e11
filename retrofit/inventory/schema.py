"""The inventory schema: canonical columns, their units, aliases and allowed values.

This module is the single description of what an inventory may contain. The reader
(:mod:`retrofit.inventory.reading`), the template writer and the README's column table are all built
from :data:`COLUMNS`, so they cannot drift apart. It holds names and words, not engineering
numbers: defaults such as a typical load factor live in ``reference_data/``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace

#: Value kinds a column may have.
KINDS = ("text", "int", "number", "fraction", "choice", "date")

#: The largest magnitude a number (or whole number) column accepts beyond its own range: far
#: above any real inventory value (10^15 kW, CNY or units), exact in float64 and int64 (below
#: 2^53), and small enough that a product of twenty such inputs stays finite in float64
#: (max 1.8e308), so no input makes a saving infinite or wraps a count.
NUMBER_LIMIT = 1e15


@dataclass(frozen=True)
class Column:
    """One canonical inventory column.

    ``units`` maps a unit written in a header's brackets (normalised, see :func:`normalise`)
    to the factor that converts it to the canonical unit, e.g. ``{"万元": 10000}`` for
    ``investment_cny``: a header ``投资额(万元)`` is read and multiplied by 10,000. These are
    unit identities, not engineering data.
    """

    name: str
    kind: str
    unit: str
    description: str
    description_zh: str
    aliases: tuple[str, ...]
    required: bool = False
    minimum: float | None = None
    maximum: float | None = None
    minimum_inclusive: bool = True
    maximum_inclusive: bool = True
    choices: tuple[str, ...] = ()
    units: dict[str, float] = field(default_factory=dict)
    default: str = ""

    @property
    def scale(self) -> str | None:
        """The scale a reader can mistake for the other: ``"percent"`` for a number in %
        (efficiency_pct 93.5, where 0.935 is ambiguous), ``"fraction"`` for a share of 1
        (load_factor 0.75, where 75 is ambiguous), None for other columns."""
        if self.kind == "fraction":
            return "fraction"
        if self.kind == "number" and self.unit == "%":
            return "percent"
        return None

    def expected(self) -> str:
        """Plain-English statement of an acceptable value, used in error messages."""
        if self.kind == "choice":
            return "one of " + ", ".join(self.choices)
        if self.kind == "date":
            return "a date such as 2025-06-30"
        if self.kind == "text":
            return "a non-empty text"
        noun = "a whole number" if self.kind == "int" else "a number"
        bounds = []
        if self.minimum is not None:
            bounds.append(f"{'≥' if self.minimum_inclusive else '>'} {_fmt(self.minimum)}")
        if self.maximum is not None:
            bounds.append(f"{'≤' if self.maximum_inclusive else '<'} {_fmt(self.maximum)}")
        text = noun + (" " + " and ".join(bounds) if bounds else "")
        if self.kind == "fraction":
            return text + ' (or a percentage such as "75%")'
        if self.unit:
            text += f" ({self.unit})"
        return text


def _fmt(x: float) -> str:
    return f"{x:g}"


# --- value vocabularies -----------------------------------------------------------------


def _builtin_vocabularies() -> dict[str, dict[str, tuple[str, ...]]]:
    """Every choice column's accepted spellings, from table ``value_aliases`` (one row per
    phrase with the standard or document that writes it, or "common usage in Chinese audit
    sheets" at confidence L): vocabulary → canonical value → spellings, in the table's order
    (the first value of a vocabulary is the template's first choice). Table
    ``audit_value_aliases`` extends them below with phrases seen in real sheets."""
    from ..core.reference import load_table

    table = load_table("value_aliases")[["vocabulary", "value", "alias"]].astype(str)
    out: dict[str, dict[str, list[str]]] = {}
    for vocabulary, value, alias in table.itertuples(index=False):
        out.setdefault(vocabulary, {}).setdefault(value, []).append(alias)
    return {name: {k: tuple(v) for k, v in values.items()} for name, values in out.items()}


_BUILTIN = _builtin_vocabularies()

#: Equipment categories and their accepted spellings.
CATEGORY_ALIASES: dict[str, tuple[str, ...]] = _BUILTIN["category"]


#: Retrofit measures. ``categories`` lists where a measure applies; ``modelled`` says whether
#: this version of retrofit computes it (a recognised but unmodelled measure is a clear error,
#: not a silent zero).
@dataclass(frozen=True)
class Measure:
    """A retrofit measure.

    ``requires`` are columns every row with this measure must fill; each tuple in
    ``requires_one_of`` names columns of which at least one must be filled.
    """

    name: str
    aliases: tuple[str, ...]
    categories: tuple[str, ...]
    modelled: bool
    description: str
    requires: tuple[str, ...] = ()
    requires_one_of: tuple[tuple[str, ...], ...] = ()


MEASURES: tuple[Measure, ...] = (
    Measure(
        "upgrade_motor",
        _BUILTIN["measure"]["upgrade_motor"],
        ("motor", "fan", "pump", "compressor"),
        True,
        "replace the motor by one of a higher efficiency class, same rated power",
        requires=("rated_power_kw", "poles"),
        requires_one_of=(("efficiency_class", "efficiency_pct"),),
    ),
    Measure(
        "add_vfd",
        _BUILTIN["measure"]["add_vfd"],
        ("fan", "pump"),
        True,
        "variable-speed drive on a centrifugal fan or pump in place of its flow control",
        requires=("rated_power_kw", "poles", "control", "flow_profile"),
        requires_one_of=(("efficiency_class", "efficiency_pct"),),
    ),
    Measure(
        "upgrade_equipment",
        _BUILTIN["measure"]["upgrade_equipment"],
        ("fan", "pump", "compressor", "transformer"),
        True,
        "replace the machine by one of a GB efficiency grade (fan, pump, air compressor, "
        "transformer)",
    ),
    Measure(
        "fix_leaks",
        _BUILTIN["measure"]["fix_leaks"],
        ("compressor",),
        True,
        "repair compressed-air leaks down to a target leak share",
        requires=("leak_fraction",),
    ),
    Measure(
        "reduce_pressure",
        _BUILTIN["measure"]["reduce_pressure"],
        ("compressor",),
        True,
        "lower the compressor discharge pressure",
        requires=("pressure_reduction_bar",),
    ),
    Measure(
        "improve_pue",
        _BUILTIN["measure"]["improve_pue"],
        ("datacenter",),
        True,
        "lower a data centre's PUE (cooling, power distribution, airflow) to target_pue",
        requires=("it_load_kw", "pue", "target_pue"),
    ),
    Measure(
        "refresh_it",
        _BUILTIN["measure"]["refresh_it"],
        ("datacenter",),
        True,
        "replace IT equipment by equipment that does the same work with it_energy_reduction "
        "less energy",
        requires=("it_load_kw", "pue", "it_energy_reduction"),
    ),
    Measure(
        "replace_charger",
        _BUILTIN["measure"]["replace_charger"],
        ("charger",),
        True,
        "replace existing non-intelligent charging piles by new (intelligent) ones",
        requires=("charger_type",),
        requires_one_of=(("energy_delivered_kwh", "operating_hours_h"),),
    ),
)

MEASURE_BY_NAME = {m.name: m for m in MEASURES}

#: Efficiency classes. IE classes per IEC 60034-30-1; GB 18613-2020 grades as ``grade_N``;
#: Chinese motor series names are kept as written and resolved through a reference table.
CLASS_ALIASES: dict[str, tuple[str, ...]] = _BUILTIN["efficiency_class"]

GRADE_ALIASES = {k: v for k, v in CLASS_ALIASES.items() if k.startswith("grade_")}

#: Baseline flow control of a fan or pump (measure add_vfd).
CONTROL_ALIASES: dict[str, tuple[str, ...]] = _BUILTIN["control"]
#: Power transmission between motor and machine (any motor-driven row).
BELT_ALIASES: dict[str, tuple[str, ...]] = _BUILTIN["belt_type"]
FAN_TYPE_ALIASES: dict[str, tuple[str, ...]] = _BUILTIN["fan_type"]
PUMP_TYPE_ALIASES: dict[str, tuple[str, ...]] = _BUILTIN["pump_type"]
COMPRESSOR_TYPE_ALIASES: dict[str, tuple[str, ...]] = _BUILTIN["compressor_type"]
#: Compressor capacity controls (MEASUR's control types; reference table compressor_control_curves).
COMPRESSOR_CONTROL_ALIASES: dict[str, tuple[str, ...]] = _BUILTIN["compressor_control"]
COOLING_ALIASES: dict[str, tuple[str, ...]] = _BUILTIN["cooling"]
TRANSFORMER_TYPE_ALIASES: dict[str, tuple[str, ...]] = _BUILTIN["transformer_type"]
CORE_ALIASES: dict[str, tuple[str, ...]] = _BUILTIN["core_material"]
INSULATION_ALIASES: dict[str, tuple[str, ...]] = _BUILTIN["insulation_class"]
VECTOR_GROUP_ALIASES: dict[str, tuple[str, ...]] = _BUILTIN["vector_group"]

#: yes/no of a flag column. 改造 is no answer at all (a flag such as 是否特别重大项目 asked of a
#: retrofit project), so it is refused here; only new_build reads it, as "an existing site".
YES_NO_ALIASES: dict[str, tuple[str, ...]] = _BUILTIN["yes_no"]
#: new_build: a new data centre, or an existing one (既有, 存量, or one being retrofitted: 改造).
NEW_BUILD_ALIASES: dict[str, tuple[str, ...]] = _BUILTIN["new_build"]
CHARGER_TYPE_ALIASES: dict[str, tuple[str, ...]] = _BUILTIN["charger_type"]
TARIFF_ALIASES: dict[str, tuple[str, ...]] = _BUILTIN["tariff_class"]

FINANCING_ALIASES: dict[str, tuple[str, ...]] = _BUILTIN["financing"]
#: the basis of a plant's previous-year energy (上年综合能耗): enterprise energy forms carry
#: 年综合能源消费量 on both bases, so the figure given must say which one it is
PLANT_ENERGY_BASIS_ALIASES: dict[str, tuple[str, ...]] = _BUILTIN["plant_energy_basis"]
SHENYANG_TIER_ALIASES: dict[str, tuple[str, ...]] = _BUILTIN["shenyang_tier"]
SUBSIDY_PRODUCT_ALIASES: dict[str, tuple[str, ...]] = _BUILTIN["subsidy_product"]

#: vocabulary name in table ``audit_value_aliases`` → the accepted spellings it extends
_VOCABULARIES: dict[str, dict[str, tuple[str, ...]]] = {
    "category": CATEGORY_ALIASES,
    "efficiency_class": CLASS_ALIASES,
    "control": CONTROL_ALIASES,
    "fan_type": FAN_TYPE_ALIASES,
    "pump_type": PUMP_TYPE_ALIASES,
    "compressor_type": COMPRESSOR_TYPE_ALIASES,
    "cooling": COOLING_ALIASES,
    "transformer_type": TRANSFORMER_TYPE_ALIASES,
    "yes_no": YES_NO_ALIASES,
    "new_build": NEW_BUILD_ALIASES,
    "charger_type": CHARGER_TYPE_ALIASES,
    "financing": FINANCING_ALIASES,
    "subsidy_product": SUBSIDY_PRODUCT_ALIASES,
}


def _add_audit_aliases() -> tuple[Measure, ...]:
    """Extend the vocabularies with the phrases of real audit sheets (table
    ``audit_value_aliases``, one source per phrase); returns :data:`MEASURES` with theirs."""
    from ..core.exceptions import ReferenceDataError
    from ..core.reference import load_table

    table = load_table("audit_value_aliases")
    extra: dict[str, dict[str, list[str]]] = {}
    for vocabulary, value, alias in table[["vocabulary", "value", "alias"]].itertuples(index=False):
        known = (
            {m.name for m in MEASURES} if vocabulary == "measure" else _VOCABULARIES.get(vocabulary)
        )
        if known is None or value not in known:
            raise ReferenceDataError(
                f"table audit_value_aliases: '{alias}' maps to {vocabulary} = {value}, "
                "which is not a known value"
            )
        extra.setdefault(vocabulary, {}).setdefault(value, []).append(str(alias))
    for vocabulary, values in extra.items():
        if vocabulary == "measure":
            continue
        aliases = _VOCABULARIES[vocabulary]
        for value, added in values.items():
            aliases[value] = (*aliases[value], *added)
    added_measures = extra.get("measure", {})
    return tuple(
        replace(m, aliases=(*m.aliases, *added_measures.get(m.name, ()))) for m in MEASURES
    )


MEASURES = _add_audit_aliases()
MEASURE_BY_NAME = {m.name: m for m in MEASURES}
GRADE_ALIASES = {k: v for k, v in CLASS_ALIASES.items() if k.startswith("grade_")}

CATEGORIES = tuple(CATEGORY_ALIASES)
CLASSES = tuple(CLASS_ALIASES)

_KW = {"kw": 1.0, "千瓦": 1.0}
_CNY = {"元": 1.0, "cny": 1.0, "rmb": 1.0, "yuan": 1.0, "万元": 10_000.0, "万": 10_000.0}
_HOURS = {"h": 1.0, "小时": 1.0, "h/a": 1.0, "h/年": 1.0, "小时/年": 1.0, "h/yr": 1.0}
_TCE = {
    "tce": 1.0,
    "吨标准煤": 1.0,
    "吨标煤": 1.0,
    "t标煤": 1.0,
    "万吨标准煤": 10_000.0,
    "万tce": 10_000.0,
}
_PRICE = {"元/kwh": 1.0, "cny/kwh": 1.0, "元/千瓦时": 1.0, "元/度": 1.0}

COLUMNS: tuple[Column, ...] = (
    Column(
        "plant_id",
        "text",
        "",
        "enterprise / plant identifier (a 企业名称 column serves when "
        "there is no identifier column)",
        "企业编号（无编号列时用企业名称）",
        (
            "plant_id",
            "plant",
            "plant id",
            "enterprise",
            "enterprise id",
            "企业编号",
            "工厂",
            "企业",
            "统一社会信用代码",
            "企业代码",
        ),
        required=True,
    ),
    Column(
        "plant_name",
        "text",
        "",
        "enterprise / plant name",
        "企业名称",
        (
            "plant_name",
            "plant name",
            "company",
            "company name",
            "enterprise name",
            "企业名称",
            "单位名称",
            "企业全称",
        ),
    ),
    Column(
        "asset_id",
        "text",
        "",
        "asset identifier, unique within a plant",
        "设备编号",
        ("asset_id", "asset", "asset id", "equipment id", "tag", "设备编号", "设备号", "资产编号"),
        required=True,
    ),
    Column(
        "category",
        "choice",
        "",
        "equipment category",
        "设备类型",
        ("category", "type", "equipment type", "设备类型", "设备类别", "类别"),
        required=True,
        choices=CATEGORIES,
    ),
    Column(
        "measure",
        "choice",
        "",
        "retrofit measure; several joined with +",
        "改造措施（多项用+连接）",
        ("measure", "measures", "retrofit", "action", "改造措施", "措施", "改造内容"),
        required=True,
        choices=tuple(m.name for m in MEASURES),
    ),
    Column(
        "quantity",
        "int",
        "units",
        "identical units in this row",
        "数量（台）",
        ("quantity", "qty", "count", "number", "数量", "台数"),
        minimum=1,
        default="1",
    ),
    Column(
        "rated_power_kw",
        "number",
        "kW",
        "nameplate rated output",
        "额定功率",
        ("rated_power_kw", "rated power", "rated_power", "power", "motor kw", "额定功率", "功率"),
        minimum=0,
        minimum_inclusive=False,
        units=_KW,
    ),
    Column(
        "target_rated_power_kw",
        "number",
        "kW",
        "rated output after the retrofit (a 改造后 功率 column); a motor upgrade keeps the "
        "rated power, so it must equal rated_power_kw",
        "改造后额定功率（须与改造前相同）",
        ("target_rated_power_kw", "new rated power", "改造后功率", "改造后额定功率", "新电机功率"),
        minimum=0,
        minimum_inclusive=False,
        units=_KW,
    ),
    Column(
        "poles",
        "int",
        "",
        "number of poles: 2, 4, 6 or 8",
        "极数",
        ("poles", "pole", "pole number", "极数"),
        choices=("2", "4", "6", "8"),
    ),
    Column(
        "motor_model",
        "text",
        "",
        "motor model as on the nameplate (Y160M-4, Y2-160M-4, YE3-200L-4): fills motor_series, "
        "frame_size, poles and, where the series fixes it, efficiency_class",
        "电机型号（铭牌，如 Y160M-4、YE3-200L-4）",
        ("motor_model", "motor model", "model", "电机型号", "型号", "规格型号", "型号规格"),
    ),
    Column(
        "motor_series",
        "text",
        "",
        "motor series (Y, Y2, YE3, YB2 …), read from motor_model",
        "电机系列（由型号读出）",
        ("motor_series", "motor series", "电机系列"),
    ),
    Column(
        "frame_size",
        "text",
        "",
        "frame size: centre height in mm, frame-length letter and core-length digit (160M, "
        "132S1, 3551), read from motor_model",
        "机座号（由型号读出）",
        ("frame_size", "frame size", "frame", "机座号", "机座"),
    ),
    Column(
        "efficiency_class",
        "choice",
        "",
        "present efficiency class",
        "现有能效等级",
        (
            "efficiency_class",
            "efficiency class",
            "ie class",
            "class",
            "grade",
            "能效等级",
            "现能效等级",
            "原能效等级",
            "系列",
        ),
        choices=CLASSES,
    ),
    Column(
        "target_class",
        "choice",
        "",
        "efficiency class after retrofit",
        "目标能效等级",
        (
            "target_class",
            "target class",
            "new class",
            "目标能效等级",
            "改造后能效等级",
            "新能效等级",
        ),
        choices=CLASSES,
        default="grade_2 (= IE4)",
    ),
    Column(
        "efficiency_pct",
        "number",
        "%",
        "measured or nameplate efficiency; overrides the "
        "class lookup (charging piles: conversion efficiency, input to output)",
        "实测或铭牌效率（充电桩：转换效率）",
        ("efficiency_pct", "efficiency", "eff", "效率", "现效率", "铭牌效率"),
        minimum=0,
        maximum=100,
        minimum_inclusive=False,
        maximum_inclusive=False,
        units={"%": 1.0},
    ),
    Column(
        "target_efficiency_pct",
        "number",
        "%",
        "quoted nameplate efficiency of the new "
        "motor (overrides target_class) or conversion efficiency of the new charging pile",
        "新电机效率（充电桩：新桩转换效率）",
        (
            "target_efficiency_pct",
            "target efficiency",
            "new efficiency",
            "目标效率",
            "新电机效率",
            "改造后效率",
        ),
        minimum=0,
        maximum=100,
        minimum_inclusive=False,
        maximum_inclusive=False,
        units={"%": 1.0},
    ),
    Column(
        "load_factor",
        "fraction",
        "0–1",
        "average shaft load ÷ rated output (charging piles: "
        "average output while charging ÷ rated power)",
        "负载率（充电桩：充电时平均输出/额定功率）",
        ("load_factor", "load factor", "load", "loading", "负载率", "负荷率"),
        minimum=0,
        maximum=1.25,
        minimum_inclusive=False,
        units={"%": 0.01},
        default="reference table inventory_defaults",
    ),
    Column(
        "operating_hours_h",
        "number",
        "h/yr",
        "operating hours per year (charging piles: charging hours per pile)",
        "年运行小时数（充电桩：单桩年充电小时）",
        (
            "operating_hours_h",
            "operating hours",
            "hours",
            "run hours",
            "annual hours",
            "年运行小时",
            "年运行时间",
            "运行时间",
            "年运行小时数",
        ),
        minimum=0,
        maximum=8784,
        units=_HOURS,
        default="reference table inventory_defaults",
    ),
    Column(
        "investment_cny",
        "number",
        "CNY",
        "investment for this row (all units); a header in 万元 is converted",
        "投资额",
        ("investment_cny", "investment", "capex", "cost", "投资额", "投资", "改造投资"),
        minimum=0,
        units=_CNY,
    ),
    Column(
        "electricity_price_cny_per_kwh",
        "number",
        "CNY/kWh",
        "average electricity price paid",
        "平均电价",
        (
            "electricity_price_cny_per_kwh",
            "electricity price",
            "price",
            "tariff",
            "电价",
            "平均电价",
        ),
        minimum=0,
        minimum_inclusive=False,
        units=_PRICE,
    ),
    Column(
        "in_service_date",
        "date",
        "",
        "when the retrofit starts running (default: the run's year)",
        "投运日期",
        (
            "in_service_date",
            "in service date",
            "commissioning date",
            "投运日期",
            "投产日期",
            "改造完成日期",
        ),
    ),
    # --- fans and pumps: flow control and variable speed (measure add_vfd) -------------
    Column(
        "control",
        "choice",
        "",
        "present flow control of the fan or pump",
        "流量调节方式",
        ("control", "flow control", "control method", "调节方式", "流量调节方式", "控制方式"),
        choices=tuple(CONTROL_ALIASES),
    ),
    Column(
        "flow_profile",
        "text",
        "% flow : % hours",
        "duty profile: pairs of % of design "
        "flow : % of operating hours joined with ; (e.g. 100:20;80:50;60:30), or a profile "
        "name from table flow_profiles",
        "流量工况（流量%:时间%，以;分隔，或工况表名称）",
        (
            "flow_profile",
            "flow profile",
            "duty profile",
            "duty cycle",
            "流量工况",
            "流量分布",
            "运行工况",
            "工况分布",
        ),
    ),
    Column(
        "static_head_fraction",
        "fraction",
        "0–1",
        "static share of the system head (or pressure) at design flow",
        "静扬程（静压）占设计扬程之比",
        (
            "static_head_fraction",
            "static head fraction",
            "static fraction",
            "静扬程占比",
            "静压占比",
            "静压比",
            "静扬程比",
        ),
        minimum=0,
        maximum=1,
        maximum_inclusive=False,
        units={"%": 0.01},
        default="fans 0; pumps from table inventory_defaults",
    ),
    Column(
        "belt_type",
        "choice",
        "",
        "present transmission between motor and machine: v_belt, cogged, synchronous or "
        "direct; belt losses per MEASUR/PSAT (V-belt loss by motor size, notched 5/7 and "
        "synchronous 2/7 of it)",
        "现有传动方式（V带、齿形V带、同步带、直联）",
        ("belt_type", "belt type", "belt", "drive belt", "transmission", "传动方式", "皮带类型"),
        choices=tuple(BELT_ALIASES),
    ),
    Column(
        "target_belt_type",
        "choice",
        "",
        "transmission after the retrofit (a belt change: v_belt → cogged or synchronous); "
        "blank keeps belt_type",
        "改造后传动方式",
        ("target_belt_type", "target belt type", "new belt", "改造后传动方式", "新传动方式"),
        choices=tuple(BELT_ALIASES),
    ),
    # --- fan, pump, compressor, transformer: the machine itself (upgrade_equipment) -------
    Column(
        "machine_efficiency_pct",
        "number",
        "%",
        "measured or nameplate efficiency of the fan or pump itself (not its motor)",
        "风机/水泵本体效率（实测或铭牌）",
        (
            "machine_efficiency_pct",
            "machine efficiency",
            "fan efficiency",
            "pump efficiency",
            "设备效率",
            "风机效率",
            "泵效率",
            "水泵效率",
            "本体效率",
        ),
        minimum=0,
        maximum=100,
        minimum_inclusive=False,
        maximum_inclusive=False,
        units={"%": 1.0},
    ),
    Column(
        "target_machine_efficiency_pct",
        "number",
        "%",
        "quoted efficiency of the new fan or pump; overrides target_equipment_grade",
        "新风机/水泵效率（报价或样本）",
        (
            "target_machine_efficiency_pct",
            "target machine efficiency",
            "新设备效率",
            "目标设备效率",
            "新风机效率",
            "新泵效率",
        ),
        minimum=0,
        maximum=100,
        minimum_inclusive=False,
        maximum_inclusive=False,
        units={"%": 1.0},
    ),
    Column(
        "target_equipment_grade",
        "choice",
        "",
        "GB efficiency grade of the new fan, pump, compressor or transformer",
        "新设备目标能效等级",
        (
            "target_equipment_grade",
            "target equipment grade",
            "equipment target grade",
            "设备目标能效等级",
            "新设备能效等级",
            "目标设备能效等级",
        ),
        choices=tuple(GRADE_ALIASES),
        default="target_class if a grade and no motor upgrade, else grade_2",
    ),
    Column(
        "fan_type",
        "choice",
        "",
        "fan type for the GB 19761-2020 table",
        "风机类型",
        ("fan_type", "fan type", "风机类型", "风机型式"),
        choices=tuple(FAN_TYPE_ALIASES),
    ),
    Column(
        "pressure_coefficient",
        "number",
        "",
        "fan pressure coefficient ψ (GB 19761-2020)",
        "压力系数 ψ",
        ("pressure_coefficient", "pressure coefficient", "psi", "压力系数", "全压系数"),
        minimum=0,
        minimum_inclusive=False,
    ),
    Column(
        "specific_speed",
        "number",
        "",
        "specific speed ns as the GB standard defines it "
        "(fans: GB 19761-2020; pumps: computed from speed, flow and head when given)",
        "比转速 ns",
        ("specific_speed", "specific speed", "ns", "比转速", "比转数"),
        minimum=0,
        minimum_inclusive=False,
    ),
    Column(
        "fan_size_no",
        "number",
        "",
        "fan size number 机号 (impeller diameter in dm)",
        "机号",
        ("fan_size_no", "fan size", "fan number", "机号", "风机机号"),
        minimum=0,
        minimum_inclusive=False,
    ),
    Column(
        "hub_ratio",
        "fraction",
        "0–1",
        "axial fan hub ratio γ",
        "轮毂比",
        ("hub_ratio", "hub ratio", "轮毂比"),
        minimum=0,
        maximum=1,
        minimum_inclusive=False,
        maximum_inclusive=False,
    ),
    Column(
        "pump_type",
        "choice",
        "",
        "pump type for the GB 19762-2025 formula",
        "泵类型",
        ("pump_type", "pump type", "泵类型", "泵型式", "泵型"),
        choices=tuple(PUMP_TYPE_ALIASES),
    ),
    Column(
        "flow_m3h",
        "number",
        "m³/h",
        "pump rated (best-efficiency-point) flow",
        "额定流量",
        ("flow_m3h", "flow", "rated flow", "design flow", "流量", "额定流量", "设计流量"),
        minimum=0,
        minimum_inclusive=False,
        units={"m3/h": 1.0, "m³/h": 1.0, "立方米/小时": 1.0, "t/h": 1.0},
    ),
    Column(
        "head_m",
        "number",
        "m",
        "pump rated head (per pump, all stages)",
        "额定扬程",
        ("head_m", "head", "rated head", "扬程", "额定扬程", "设计扬程"),
        minimum=0,
        minimum_inclusive=False,
        units={"m": 1.0, "米": 1.0},
    ),
    Column(
        "speed_rpm",
        "number",
        "r/min",
        "rated speed",
        "额定转速",
        ("speed_rpm", "speed", "rpm", "rated speed", "转速", "额定转速"),
        minimum=0,
        minimum_inclusive=False,
        units={"r/min": 1.0, "rpm": 1.0, "转/分": 1.0},
    ),
    Column(
        "stages",
        "int",
        "",
        "number of pump stages",
        "级数",
        ("stages", "级数", "泵级数"),
        minimum=1,
    ),
    # --- air compressors ------------------------------------------------------------------
    Column(
        "specific_power_kw_per_m3min",
        "number",
        "kW/(m³/min)",
        "measured package specific power (input power ÷ free air delivery)",
        "实测比功率",
        ("specific_power_kw_per_m3min", "specific power", "比功率", "实测比功率", "机组比功率"),
        minimum=0,
        minimum_inclusive=False,
        units={"kw/(m3/min)": 1.0, "kw/(m³/min)": 1.0},
    ),
    Column(
        "target_specific_power_kw_per_m3min",
        "number",
        "kW/(m³/min)",
        "quoted specific power of the new compressor; overrides target_equipment_grade",
        "新空压机比功率",
        ("target_specific_power_kw_per_m3min", "target specific power", "目标比功率", "新机比功率"),
        minimum=0,
        minimum_inclusive=False,
        units={"kw/(m3/min)": 1.0, "kw/(m³/min)": 1.0},
    ),
    Column(
        "discharge_pressure_mpa",
        "number",
        "MPa",
        "rated discharge pressure (gauge)",
        "额定排气压力",
        ("discharge_pressure_mpa", "discharge pressure", "pressure", "排气压力", "额定排气压力"),
        minimum=0,
        minimum_inclusive=False,
        units={"mpa": 1.0, "bar": 0.1, "kpa": 0.001},
    ),
    Column(
        "compressor_type",
        "choice",
        "",
        "compressor type for the GB 19153-2019 tables",
        "空压机类型",
        ("compressor_type", "compressor type", "空压机类型", "压缩机类型", "空压机型式"),
        choices=tuple(COMPRESSOR_TYPE_ALIASES),
    ),
    Column(
        "compressor_control",
        "choice",
        "",
        "capacity control: load_unload, modulating (inlet valve, with unloading), "
        "variable_displacement, vsd or start_stop; sets the part-load power curve (MEASUR); "
        "blank: load_unload (vsd for a variable-speed type)",
        "容量调节方式：加卸载、进气调节（带卸载）、变容量、变频或启停；决定部分负载功率曲线（MEASUR）；"
        "空白按加卸载（变频机型按变频）",
        (
            "compressor_control",
            "capacity control",
            "compressor control",
            "容量调节方式",
            "空压机调节方式",
            "空压机控制方式",
            "排气量调节方式",
        ),
        choices=tuple(COMPRESSOR_CONTROL_ALIASES),
    ),
    Column(
        "receiver_storage_m3_per_m3min",
        "number",
        "m³/(m³/min)",
        "air receiver volume ÷ the compressor's rated capacity (1 US gal/acfm = 0.134); "
        "blank: 0.134 assumed",
        "储气罐容积与空压机额定排气量之比（空白按 0.134）",
        (
            "receiver_storage_m3_per_m3min",
            "receiver storage",
            "storage per capacity",
            "储气容积比",
            "储气罐容积比",
        ),
        minimum=0,
        minimum_inclusive=False,
    ),
    Column(
        "cooling",
        "choice",
        "",
        "compressor cooling",
        "冷却方式",
        ("cooling", "cooling method", "冷却方式"),
        choices=tuple(COOLING_ALIASES),
    ),
    Column(
        "leak_fraction",
        "fraction",
        "0–1",
        "present leak share of compressor output",
        "泄漏率",
        ("leak_fraction", "leak rate", "leakage", "泄漏率", "漏气率"),
        minimum=0,
        maximum=1,
        maximum_inclusive=False,
        units={"%": 0.01},
    ),
    Column(
        "target_leak_fraction",
        "fraction",
        "0–1",
        "leak share after repair",
        "治理后泄漏率",
        ("target_leak_fraction", "target leak rate", "目标泄漏率", "治理后泄漏率"),
        minimum=0,
        maximum=1,
        maximum_inclusive=False,
        units={"%": 0.01},
        default="0.10 (table compressed_air_parameters)",
    ),
    Column(
        "pressure_reduction_bar",
        "number",
        "bar",
        "reduction of the discharge pressure",
        "排气压力降低值",
        ("pressure_reduction_bar", "pressure reduction", "降压幅度", "压力降低值", "排气压力降低"),
        minimum=0,
        minimum_inclusive=False,
        units={"bar": 1.0, "mpa": 10.0, "kpa": 0.01},
    ),
    # --- transformers ----------------------------------------------------------------------
    Column(
        "rated_kva",
        "number",
        "kVA",
        "transformer rated capacity",
        "额定容量",
        ("rated_kva", "rated kva", "capacity", "kva", "额定容量", "容量"),
        minimum=0,
        minimum_inclusive=False,
        units={"kva": 1.0, "千伏安": 1.0, "mva": 1000.0},
    ),
    Column(
        "transformer_series",
        "text",
        "",
        "present transformer series (S7, S9, S11, SCB10 …; see table transformer_series_losses)",
        "变压器型号系列",
        ("transformer_series", "transformer series", "变压器系列", "型号系列", "变压器型号"),
    ),
    Column(
        "transformer_type",
        "choice",
        "",
        "oil-immersed or dry-type",
        "变压器类型",
        ("transformer_type", "transformer type", "变压器类型", "冷却介质"),
        choices=tuple(TRANSFORMER_TYPE_ALIASES),
    ),
    Column(
        "core_material",
        "choice",
        "",
        "core of the new transformer",
        "新变压器铁芯材料",
        ("core_material", "core", "铁芯材料", "铁心材料"),
        choices=tuple(CORE_ALIASES),
        default="steel",
    ),
    Column(
        "insulation_class",
        "choice",
        "",
        "dry-type insulation class of the new transformer",
        "绝缘耐热等级",
        ("insulation_class", "insulation", "绝缘等级", "绝缘耐热等级"),
        choices=tuple(INSULATION_ALIASES),
        default="F (dry-type)",
    ),
    Column(
        "vector_group",
        "choice",
        "",
        "winding connection of the new oil transformer",
        "联结组别",
        ("vector_group", "connection", "联结组别", "联结组标号", "接线组别"),
        choices=tuple(VECTOR_GROUP_ALIASES),
        default="Dyn11",
    ),
    Column(
        "no_load_loss_kw",
        "number",
        "kW",
        "measured or nameplate no-load loss P0 of the present transformer",
        "空载损耗",
        ("no_load_loss_kw", "no-load loss", "p0", "空载损耗"),
        minimum=0,
        minimum_inclusive=False,
        units={"kw": 1.0, "w": 0.001},
    ),
    Column(
        "load_loss_kw",
        "number",
        "kW",
        "measured or nameplate load loss Pk of the present transformer at rated current",
        "负载损耗",
        ("load_loss_kw", "load loss", "pk", "负载损耗", "短路损耗"),
        minimum=0,
        minimum_inclusive=False,
        units={"kw": 1.0, "w": 0.001},
    ),
    Column(
        "target_no_load_loss_kw",
        "number",
        "kW",
        "quoted no-load loss of the new "
        "transformer; with target_load_loss_kw overrides the grade table",
        "新变压器空载损耗",
        ("target_no_load_loss_kw", "target no-load loss", "新变压器空载损耗"),
        minimum=0,
        minimum_inclusive=False,
        units={"kw": 1.0, "w": 0.001},
    ),
    Column(
        "target_load_loss_kw",
        "number",
        "kW",
        "quoted load loss of the new transformer",
        "新变压器负载损耗",
        ("target_load_loss_kw", "target load loss", "新变压器负载损耗"),
        minimum=0,
        minimum_inclusive=False,
        units={"kw": 1.0, "w": 0.001},
    ),
    # I0 of a distribution transformer is a few %, Uk 4–8 %: upper bounds of 10 and 20 % keep
    # a typical I0 of 0.3 from being asked "0.3 % or 30 %?" (30 is out of range)
    Column(
        "no_load_current_pct",
        "number",
        "%",
        "no-load current I0 of the present transformer, % of rated current; with "
        "impedance_voltage_pct gives the GB/T 13462 reactive powers Q0 = I0 %·S_N",
        "空载电流",
        ("no_load_current_pct", "no-load current", "空载电流", "空载电流百分数"),
        minimum=0,
        minimum_inclusive=False,
        maximum=10,
    ),
    Column(
        "impedance_voltage_pct",
        "number",
        "%",
        "impedance (short-circuit) voltage Uk of the present transformer, %; gives Qk = Uk %·S_N",
        "短路阻抗",
        ("impedance_voltage_pct", "impedance voltage", "短路阻抗", "阻抗电压", "短路电压"),
        minimum=0,
        minimum_inclusive=False,
        maximum=20,
    ),
    Column(
        "target_no_load_current_pct",
        "number",
        "%",
        "no-load current I0 of the new transformer, % of rated current",
        "新变压器空载电流",
        ("target_no_load_current_pct", "target no-load current", "新变压器空载电流"),
        minimum=0,
        minimum_inclusive=False,
        maximum=10,
    ),
    Column(
        "target_impedance_voltage_pct",
        "number",
        "%",
        "impedance (short-circuit) voltage Uk of the new transformer, %",
        "新变压器短路阻抗",
        ("target_impedance_voltage_pct", "target impedance voltage", "新变压器短路阻抗"),
        minimum=0,
        minimum_inclusive=False,
        maximum=20,
    ),
    Column(
        "reactive_economic_equivalent_kw_per_kvar",
        "number",
        "kW/kvar",
        "GB/T 13462 reactive economic equivalent of the transformer's place in the "
        "network (about 0.02–0.10 kW/kvar); blank: 0.1 from table model_parameters; 0 "
        "counts active power only",
        "无功经济当量",
        (
            "reactive_economic_equivalent_kw_per_kvar",
            "reactive economic equivalent",
            "无功经济当量",
        ),
        minimum=0,
        maximum=1,
    ),
    # --- data centres ------------------------------------------------------------------------
    Column(
        "it_load_kw",
        "number",
        "kW",
        "average IT load over the operating hours (IT equipment input power)",
        "IT设备平均负荷",
        (
            "it_load_kw",
            "it load",
            "average it load",
            "IT设备平均负荷",
            "IT负荷",
            "IT负载",
            "IT设备负荷",
            "IT平均负荷",
            "IT设备功率",
        ),
        minimum=0,
        minimum_inclusive=False,
        units=_KW,
    ),
    Column(
        "it_capacity_kw",
        "number",
        "kW",
        "rated (design) power of the IT equipment an IT "
        "refresh renews, counted toward the 100 MW goal; default it_load_kw",
        "更新的IT设备容量",
        (
            "it_capacity_kw",
            "it capacity",
            "renewed it capacity",
            "更新的IT设备容量",
            "IT设备容量",
            "IT容量",
            "更新IT容量",
        ),
        minimum=0,
        minimum_inclusive=False,
        units=_KW,
    ),
    Column(
        "pue",
        "number",
        "",
        "measured present PUE (total facility energy ÷ IT energy, annual)",
        "现状PUE（实测年均）",
        (
            "pue",
            "present pue",
            "measured pue",
            "现状PUE",
            "实测PUE",
            "现PUE",
            "改造前PUE",
            "电能利用效率",
        ),
        minimum=1,
    ),
    Column(
        "target_pue",
        "number",
        "",
        "PUE after the retrofit",
        "改造后PUE",
        ("target_pue", "target pue", "new pue", "改造后PUE", "目标PUE", "设计PUE"),
        minimum=1,
    ),
    Column(
        "it_energy_reduction",
        "fraction",
        "0–1",
        "share of IT energy saved by an IT refresh for the same work",
        "IT更新节能率（同等工作量）",
        (
            "it_energy_reduction",
            "it energy reduction",
            "it saving",
            "IT节能率",
            "IT能耗降低比例",
            "IT设备节能率",
        ),
        minimum=0,
        maximum=1,
        maximum_inclusive=False,
        units={"%": 0.01},
    ),
    Column(
        "racks",
        "int",
        "racks",
        "number of racks (for the 百一 small-and-old profile)",
        "机架数",
        ("racks", "rack count", "机架数", "机柜数", "机架数量"),
        minimum=0,
    ),
    Column(
        "years_in_service",
        "number",
        "yr",
        "years the data centre has been in operation",
        "已运行年限",
        (
            "years_in_service",
            "years in service",
            "age",
            "已运行年限",
            "运行年限",
            "投运年限",
            "使用年限",
        ),
        minimum=0,
        units={"年": 1.0, "a": 1.0, "years": 1.0, "yr": 1.0},
    ),
    Column(
        "new_build",
        "choice",
        "",
        "yes for a new data centre (Shanghai PUE ≤ 1.25), no for "
        "an existing one being retrofitted (≤ 1.4)",
        "是否新建数据中心",
        ("new_build", "new build", "new", "是否新建", "新建"),
        choices=tuple(YES_NO_ALIASES),
        default="no",
    ),
    # --- charging piles ---------------------------------------------------------------------
    Column(
        "charger_type",
        "choice",
        "",
        "charging pile type: ac (交流桩) or dc (直流桩, off-board charger)",
        "充电桩类型",
        ("charger_type", "charger type", "pile type", "充电桩类型", "桩型", "充电方式"),
        choices=tuple(CHARGER_TYPE_ALIASES),
    ),
    Column(
        "energy_delivered_kwh",
        "number",
        "kWh/yr",
        "energy each pile delivers to vehicles per year (output side)",
        "单桩年充电量",
        (
            "energy_delivered_kwh",
            "energy delivered",
            "annual charging energy",
            "单桩年充电量",
            "年充电量",
            "充电量",
            "年输出电量",
        ),
        minimum=0,
        units={"kwh/yr": 1.0, "kwh": 1.0, "kwh/a": 1.0, "kwh/年": 1.0, "度": 1.0, "mwh": 1000.0},
    ),
    Column(
        "standby_w",
        "number",
        "W",
        "standby power of the present pile (no vehicle charging)",
        "现有桩待机功率",
        ("standby_w", "standby power", "standby", "待机功率", "现有桩待机功率", "待机功耗"),
        minimum=0,
        units={"w": 1.0, "kw": 1000.0},
    ),
    Column(
        "target_standby_w",
        "number",
        "W",
        "standby power of the new pile",
        "新桩待机功率",
        (
            "target_standby_w",
            "target standby power",
            "new standby power",
            "新桩待机功率",
            "新桩待机功耗",
        ),
        minimum=0,
        units={"w": 1.0, "kw": 1000.0},
    ),
    Column(
        "offpeak_shift_fraction",
        "fraction",
        "0–1",
        "share of the pile's charging energy "
        "moved from peak to valley hours by orderly charging (a cost saving only, never "
        "energy)",
        "有序充电峰转谷比例",
        (
            "offpeak_shift_fraction",
            "offpeak shift",
            "off-peak shift",
            "peak shift",
            "峰转谷比例",
            "错峰比例",
            "有序充电比例",
            "峰谷转移比例",
        ),
        minimum=0,
        maximum=1,
        units={"%": 0.01},
    ),
    # --- tariff ---------------------------------------------------------------------------
    Column(
        "tariff_class",
        "choice",
        "",
        "Shanghai time-of-use tariff class; with it the "
        "row's price is read as the flat-period (平段) price",
        "分时电价类别",
        ("tariff_class", "tariff class", "tou tariff", "分时电价类别", "电价类别", "用电类别"),
        choices=tuple(TARIFF_ALIASES),
    ),
    Column(
        "load_profile",
        "text",
        "hours",
        "when the load runs: a name from table "
        "load_profiles or hours such as 08:00-12:00;13:00-17:00 (needed with a tariff)",
        "用电时段（时段表名称或如 08:00-17:00）",
        (
            "load_profile",
            "load profile",
            "profile hours",
            "用电时段",
            "运行时段",
            "充电时段",
            "负荷时段",
        ),
    ),
    # --- money: project, finance and eligibility for incentives (retrofit incentives) --------
    Column(
        "project_id",
        "text",
        "",
        "technical-renovation project the row belongs to (default: one project per plant)",
        "项目编号",
        ("project_id", "project id", "project", "项目编号", "项目", "技改项目编号", "项目名称"),
    ),
    Column(
        "lifetime_years",
        "number",
        "yr",
        "economic life of the measure (default: reference table measure_lifetimes)",
        "使用寿命（年）",
        (
            "lifetime_years",
            "lifetime",
            "life",
            "service life",
            "使用寿命",
            "寿命",
            "经济寿命",
            "设计寿命",
        ),
        minimum=0,
        minimum_inclusive=False,
        units={"年": 1.0, "a": 1.0, "years": 1.0, "yr": 1.0},
        default="reference table measure_lifetimes",
    ),
    Column(
        "financing",
        "choice",
        "",
        "how the project is financed: loan (银行贷款), lease (融资租赁) or own funds (自有资金)",
        "融资方式",
        ("financing", "financing", "funding", "融资方式", "资金来源"),
        choices=tuple(FINANCING_ALIASES),
    ),
    Column(
        "loan_principal_cny",
        "number",
        "CNY",
        "bank loan for the project",
        "贷款金额",
        (
            "loan_principal_cny",
            "loan principal",
            "loan amount",
            "loan",
            "贷款金额",
            "贷款本金",
            "贷款额",
        ),
        minimum=0,
        minimum_inclusive=False,
        units=_CNY,
    ),
    Column(
        "loan_rate",
        "fraction",
        "0–1",
        "annual interest rate of the loan",
        "贷款年利率",
        ("loan_rate", "loan rate", "interest rate", "贷款利率", "贷款年利率", "年利率"),
        minimum=0,
        maximum=0.5,
        units={"%": 0.01},
    ),
    Column(
        "loan_term_years",
        "number",
        "yr",
        "repayment term of the loan (level yearly instalments); blank: interest only",
        "贷款期限（年）",
        ("loan_term_years", "loan term", "term", "贷款期限", "还款期限"),
        minimum=0,
        minimum_inclusive=False,
        units={"年": 1.0, "a": 1.0, "years": 1.0, "yr": 1.0},
    ),
    Column(
        "lease_equipment_cny",
        "number",
        "CNY",
        "equipment investment in the finance-lease contract",
        "融资租赁合同设备投资额",
        (
            "lease_equipment_cny",
            "lease equipment",
            "leased equipment",
            "融资租赁合同设备投资额",
            "融资租赁设备投资额",
            "租赁设备投资额",
        ),
        minimum=0,
        minimum_inclusive=False,
        units=_CNY,
    ),
    Column(
        "particularly_major",
        "choice",
        "",
        "yes when the project is designated a particularly major project (特别重大项目, 355号)",
        "是否特别重大项目",
        ("particularly_major", "particularly major", "特别重大项目", "是否特别重大项目"),
        choices=tuple(YES_NO_ALIASES),
    ),
    Column(
        "renewal_project_list",
        "choice",
        "",
        "yes when the project is on the ministries' equipment-renewal / technical-renovation "
        "candidate project list (设备更新和技术改造项目清单) that the central loan-interest "
        "subsidy and the PBoC relending refer to",
        "是否列入设备更新和技术改造项目清单",
        (
            "renewal_project_list",
            "renewal project list",
            "on renewal project list",
            "项目清单",
            "列入项目清单",
            "设备更新项目清单",
            "是否列入设备更新和技术改造项目清单",
        ),
        choices=tuple(YES_NO_ALIASES),
    ),
    Column(
        "relending_loan",
        "choice",
        "",
        "yes when the bank loan is backed by the PBoC technology-innovation and "
        "technical-renovation relending (科技创新和技术改造再贷款)",
        "贷款是否获科技创新和技术改造再贷款支持",
        (
            "relending_loan",
            "relending loan",
            "pboc relending",
            "再贷款",
            "再贷款支持",
            "贷款是否获科技创新和技术改造再贷款支持",
        ),
        choices=tuple(YES_NO_ALIASES),
    ),
    Column(
        "energy_management_centre",
        "choice",
        "",
        "yes when the project builds an enterprise energy management centre (能源管理中心)",
        "是否能源管理中心项目",
        (
            "energy_management_centre",
            "energy management centre",
            "energy management center",
            "能源管理中心",
            "能源管理中心项目",
            "是否能源管理中心项目",
        ),
        choices=tuple(YES_NO_ALIASES),
    ),
    Column(
        "energy_centre_investment_cny",
        "number",
        "CNY",
        "the energy management centre's own investment: the base of 355号（十三）'s 20 % "
        "(not the whole project's investment)",
        "能源管理中心建设投资额（355号（十三）补贴基数，非项目总投资）",
        (
            "energy_centre_investment_cny",
            "energy centre investment",
            "energy center investment",
            "energy management centre investment",
            "能源管理中心投资",
            "能源管理中心投资额",
            "能源管理中心建设投资",
            "能源管理中心建设投资额",
        ),
        minimum=0,
        units=_CNY,
    ),
    Column(
        "shenyang_tier",
        "choice",
        "",
        "Shenyang pilot project tier: point (点), line (线) or face (面)",
        "沈阳试点项目类型（点/线/面）",
        ("shenyang_tier", "shenyang tier", "pilot tier", "试点项目类型", "点线面", "项目类型"),
        choices=tuple(SHENYANG_TIER_ALIASES),
    ),
    Column(
        "chain_leader",
        "choice",
        "",
        "yes when the enterprise is a chain leader (链主企业)",
        "是否链主企业",
        ("chain_leader", "chain leader", "链主企业", "是否链主企业"),
        choices=tuple(YES_NO_ALIASES),
    ),
    Column(
        "shenyang_pilot_sector",
        "choice",
        "",
        "yes when the enterprise is in one of the four sectors of the Shenyang pilot "
        "(GB/T 4754-2017 divisions 34 通用设备, 35 专用设备, 37 铁路船舶航空航天和其他运输设备, "
        "38 电气机械和器材制造业)",
        "是否属沈阳试点四个行业",
        (
            "shenyang_pilot_sector",
            "shenyang pilot sector",
            "pilot sector",
            "试点行业",
            "是否试点行业",
            "是否属试点行业",
        ),
        choices=tuple(YES_NO_ALIASES),
    ),
    Column(
        "shenyang_demonstration",
        "choice",
        "",
        "yes when the city recognises a 线/面 project of another sector as 示范作用强、牵引性强 "
        "(Shenyang 办法 第七条（三）2)",
        "是否示范作用强、牵引性强",
        (
            "shenyang_demonstration",
            "shenyang demonstration",
            "示范牵引项目",
            "是否示范作用强、牵引性强",
        ),
        choices=tuple(YES_NO_ALIASES),
    ),
    Column(
        "sanshou",
        "choice",
        "",
        "yes when the equipment is a recognised 三首 product (首台套、首版次、首批次)",
        "是否三首产品",
        ("sanshou", "三首", "三首产品", "首台套", "是否三首产品", "是否首台套"),
        choices=tuple(YES_NO_ALIASES),
    ),
    Column(
        "innovation_catalogue",
        "choice",
        "",
        "yes when the equipment is in Shanghai's "
        "innovation product catalogue (创新产品推荐目录), first market release",
        "是否列入创新产品推荐目录",
        (
            "innovation_catalogue",
            "innovation catalogue",
            "创新产品推荐目录",
            "创新产品目录",
            "是否列入创新产品推荐目录",
        ),
        choices=tuple(YES_NO_ALIASES),
    ),
    Column(
        "eit_catalogue",
        "choice",
        "",
        "yes when the equipment is in the energy-saving "
        "special equipment income-tax catalogue (节能节水专用设备企业所得税优惠目录)",
        "是否列入节能节水专用设备目录",
        (
            "eit_catalogue",
            "eit catalogue",
            "tax catalogue",
            "节能节水专用设备",
            "所得税优惠目录",
            "是否列入节能节水专用设备目录",
        ),
        choices=tuple(YES_NO_ALIASES),
    ),
    Column(
        "digital_retrofit",
        "choice",
        "",
        "yes when the row's investment is a digital/intelligent retrofit (数字化智能化改造) of "
        "catalogued special equipment, not a purchase; blank counts as no",
        "是否专用设备数字化智能化改造（空白视为否）",
        (
            "digital_retrofit",
            "digital retrofit",
            "数字化智能化改造",
            "数字化改造",
            "是否专用设备数字化智能化改造",
        ),
        choices=tuple(YES_NO_ALIASES),
    ),
    Column(
        "eit_payable_cny",
        "number",
        "CNY/yr",
        "the enterprise's yearly corporate income tax payable before credits (its tax position)",
        "年应纳企业所得税额",
        (
            "eit_payable_cny",
            "eit payable",
            "income tax payable",
            "应纳所得税额",
            "年应纳企业所得税额",
            "企业所得税额",
        ),
        minimum=0,
        units=_CNY,
    ),
    Column(
        "emc_contract",
        "choice",
        "",
        "yes when the project is carried out under a shared-savings energy-performance contract "
        "(节能效益分享型合同能源管理) with an energy-service company (财税〔2010〕110号)",
        "是否采用节能效益分享型合同能源管理",
        (
            "emc_contract",
            "emc contract",
            "energy performance contract",
            "合同能源管理",
            "是否合同能源管理",
            "是否采用节能效益分享型合同能源管理",
        ),
        choices=tuple(YES_NO_ALIASES),
    ),
    Column(
        "esco_qualified",
        "choice",
        "",
        "yes when the energy-service company and the contract meet 财税〔2010〕110号 二（三）"
        " (GB/T 24915 technical rules, shared-savings contract, the company's own conditions) and "
        "the project is recognised (国家税务总局 国家发展改革委公告2013年第77号)",
        "节能服务公司及合同是否符合财税〔2010〕110号规定条件",
        (
            "esco_qualified",
            "esco qualified",
            "节能服务公司符合条件",
            "节能服务公司是否符合条件",
            "节能服务公司及合同是否符合财税〔2010〕110号规定条件",
        ),
        choices=tuple(YES_NO_ALIASES),
    ),
    Column(
        "emc_payments_cny",
        "number",
        "CNY",
        "the enterprise's payments to the energy-service company over the contract",
        "合同期内支付给节能服务公司的款项合计",
        (
            "emc_payments_cny",
            "emc payments",
            "合同能源管理支付额",
            "支付节能服务公司款项",
            "合同期内支付给节能服务公司的款项合计",
        ),
        minimum=0,
        units=_CNY,
    ),
    Column(
        "emc_sharing_years",
        "number",
        "yr",
        "years over which the payments are made (the contract's benefit-sharing period)",
        "节能效益分享期（年）",
        ("emc_sharing_years", "sharing period", "效益分享期", "节能效益分享期"),
        minimum=0,
        minimum_inclusive=False,
        units={"年": 1.0, "a": 1.0, "years": 1.0, "yr": 1.0},
    ),
    Column(
        "eit_rate",
        "fraction",
        "0–1",
        "the enterprise's income tax rate (default: reference table finance_parameters, 25 %)",
        "企业所得税税率",
        ("eit_rate", "eit rate", "income tax rate", "企业所得税税率", "所得税税率"),
        minimum=0,
        maximum=1,
        units={"%": 0.01},
        default="reference table finance_parameters",
    ),
    Column(
        "subsidy_product",
        "choice",
        "",
        "product type of the new equipment in Shanghai's "
        "2025 equipment-renewal support table (default: from the category)",
        "扶持产品类别",
        ("subsidy_product", "subsidy product", "扶持产品类别", "产品类别", "设备产品类别"),
        choices=tuple(SUBSIDY_PRODUCT_ALIASES),
        default="motor: general_motor; fan: fan; transformer: transformer; compressor of a "
        "screw or piston type: displacement_compressor; pump with pump_type: "
        "clean_water_pump",
    ),
    # --- measured data (comparison with the estimate) -------------------------------------
    Column(
        "metered_baseline_kwh",
        "number",
        "kWh/yr",
        "metered energy of the row's equipment "
        "over a year before the retrofit (with metered_retrofit_kwh)",
        "改造前年计量电量",
        (
            "metered_baseline_kwh",
            "metered baseline",
            "改造前年计量电量",
            "改造前计量电量",
            "改造前实测电量",
        ),
        minimum=0,
        units={"kwh": 1.0, "kwh/yr": 1.0, "kwh/年": 1.0, "度": 1.0, "mwh": 1000.0},
    ),
    Column(
        "metered_retrofit_kwh",
        "number",
        "kWh/yr",
        "metered energy over a comparable year after the retrofit (same output and hours)",
        "改造后年计量电量",
        (
            "metered_retrofit_kwh",
            "metered retrofit",
            "改造后年计量电量",
            "改造后计量电量",
            "改造后实测电量",
        ),
        minimum=0,
        units={"kwh": 1.0, "kwh/yr": 1.0, "kwh/年": 1.0, "度": 1.0, "mwh": 1000.0},
    ),
    Column(
        "plant_energy_tce",
        "number",
        "tce",
        "the plant's previous-year total energy use",
        "上年综合能耗",
        (
            "plant_energy_tce",
            "plant energy",
            "annual energy",
            "上年综合能耗",
            "年综合能耗",
            "综合能耗",
        ),
        minimum=0,
        minimum_inclusive=False,
        units=_TCE,
    ),
    Column(
        "plant_energy_basis",
        "choice",
        "",
        "basis of plant_energy_tce: equivalent (当量值) or equal_value (等价值); the 百一 share "
        "divides the savings on this basis (default: --plant-energy-basis, else the region's, "
        "reference table plant_energy_basis_defaults)",
        "上年综合能耗口径",
        (
            "plant_energy_basis",
            "plant energy basis",
            "energy basis",
            "上年综合能耗口径",
            "综合能耗口径",
            "能耗口径",
        ),
        choices=tuple(PLANT_ENERGY_BASIS_ALIASES),
        default="--plant-energy-basis, else table plant_energy_basis_defaults",
    ),
)

COLUMN_BY_NAME = {c.name: c for c in COLUMNS}


def normalise(text: str) -> str:
    """Fold a header or value for matching: NFKC (full-width → ASCII), lower case, no spaces.

    >>> normalise("额定功率（ kW ）")
    '额定功率(kw)'
    """
    folded = unicodedata.normalize("NFKC", str(text)).strip().lower()
    return re.sub(r"\s+", "", folded)


def _index(pairs: dict[str, tuple[str, ...]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for canonical, aliases in pairs.items():
        for alias in (canonical, *aliases):
            out[normalise(alias)] = canonical
    return out


#: normalised header alias → canonical column
COLUMN_ALIASES: dict[str, str] = _index({c.name: c.aliases for c in COLUMNS})
#: normalised value alias → canonical value, per choice column
#: canonical value → accepted spellings, per choice column (measure and poles aside)
CHOICE_ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "category": CATEGORY_ALIASES,
    "efficiency_class": CLASS_ALIASES,
    "target_class": CLASS_ALIASES,
    "target_equipment_grade": GRADE_ALIASES,
    "control": CONTROL_ALIASES,
    "belt_type": BELT_ALIASES,
    "target_belt_type": BELT_ALIASES,
    "fan_type": FAN_TYPE_ALIASES,
    "pump_type": PUMP_TYPE_ALIASES,
    "compressor_type": COMPRESSOR_TYPE_ALIASES,
    "compressor_control": COMPRESSOR_CONTROL_ALIASES,
    "cooling": COOLING_ALIASES,
    "transformer_type": TRANSFORMER_TYPE_ALIASES,
    "core_material": CORE_ALIASES,
    "insulation_class": INSULATION_ALIASES,
    "vector_group": VECTOR_GROUP_ALIASES,
    "new_build": NEW_BUILD_ALIASES,
    "charger_type": CHARGER_TYPE_ALIASES,
    "tariff_class": TARIFF_ALIASES,
    "financing": FINANCING_ALIASES,
    "plant_energy_basis": PLANT_ENERGY_BASIS_ALIASES,
    "particularly_major": YES_NO_ALIASES,
    "energy_management_centre": YES_NO_ALIASES,
    "shenyang_tier": SHENYANG_TIER_ALIASES,
    "chain_leader": YES_NO_ALIASES,
    "shenyang_pilot_sector": YES_NO_ALIASES,
    "shenyang_demonstration": YES_NO_ALIASES,
    "sanshou": YES_NO_ALIASES,
    "innovation_catalogue": YES_NO_ALIASES,
    "eit_catalogue": YES_NO_ALIASES,
    "digital_retrofit": YES_NO_ALIASES,
    "renewal_project_list": YES_NO_ALIASES,
    "relending_loan": YES_NO_ALIASES,
    "emc_contract": YES_NO_ALIASES,
    "esco_qualified": YES_NO_ALIASES,
    "subsidy_product": SUBSIDY_PRODUCT_ALIASES,
}
VALUE_ALIASES: dict[str, dict[str, str]] = {
    **{name: _index(aliases) for name, aliases in CHOICE_ALIASES.items()},
    "measure": _index({m.name: m.aliases for m in MEASURES}),
    "poles": _index(_BUILTIN["poles"]),
}

# the unit may itself hold one pair of brackets: 比功率(kW/(m³/min))
_UNIT_SUFFIX = re.compile(r"^(?P<base>.+?)[(\[](?P<unit>(?:[^()\[\]]|\([^()\[\]]*\))*)[)\]]$")


def match_header(header: str) -> tuple[str | None, float]:
    """Map a file header to ``(canonical column, unit factor)``.

    The header is matched as a whole first, then as ``base(unit)`` where the unit must be one
    the column accepts; an unknown column gives ``(None, 1.0)`` and is passed through.
    A known base with a unit the column does not accept raises ``ValueError`` naming the
    accepted units, so ``投资额(美元)`` is never read as yuan.
    """
    key = normalise(header)
    if key in COLUMN_ALIASES:
        return COLUMN_ALIASES[key], 1.0
    if "/" in key and group_role(key.split("/", 1)[0]) is not None:
        return match_grouped_header(header)
    m = _UNIT_SUFFIX.match(key)
    if m is None:
        return None, 1.0
    base, unit = m.group("base"), m.group("unit")
    canonical = COLUMN_ALIASES.get(base)
    if canonical is None:
        return None, 1.0
    column = COLUMN_BY_NAME[canonical]
    if unit in column.units:
        return canonical, column.units[unit]
    accepted = ", ".join(sorted(column.units)) or "none"
    raise ValueError(
        f"unit '{unit}' in header '{header}' is not accepted for {canonical}; "
        f"accepted units: {accepted}"
    )


# --- two-row headers: a group (改造前 / 改造后) over sub-columns ----------------------------

#: Words of a group cell over sub-columns, by the side of the retrofit they describe.
GROUP_WORDS: dict[str, tuple[str, ...]] = {
    "baseline": (
        "改造前",
        "改造前情况",
        "改造前参数",
        "现状",
        "现状情况",
        "现有",
        "现有设备",
        "原",
        "原有",
        "原设备",
        "before",
        "existing",
        "present",
        "baseline",
    ),
    "target": (
        "改造后",
        "改造后情况",
        "改造后参数",
        "目标",
        "新",
        "新设备",
        "after",
        "target",
        "new",
        "retrofit",
    ),
}
_GROUP_INDEX = {normalise(w): role for role, words in GROUP_WORDS.items() for w in words}

#: A baseline column → the column that holds the same quantity after the retrofit. A target
#: group over a column not listed here maps to nothing (it is passed through).
TARGET_OF: dict[str, str] = {
    "rated_power_kw": "target_rated_power_kw",
    "efficiency_class": "target_class",
    "efficiency_pct": "target_efficiency_pct",
    "machine_efficiency_pct": "target_machine_efficiency_pct",
    "specific_power_kw_per_m3min": "target_specific_power_kw_per_m3min",
    "leak_fraction": "target_leak_fraction",
    "no_load_loss_kw": "target_no_load_loss_kw",
    "load_loss_kw": "target_load_loss_kw",
    "no_load_current_pct": "target_no_load_current_pct",
    "impedance_voltage_pct": "target_impedance_voltage_pct",
    "pue": "target_pue",
    "standby_w": "target_standby_w",
}
_TARGETS = frozenset(TARGET_OF.values())


def group_role(text: str) -> str | None:
    """``"baseline"`` or ``"target"`` for a group cell (改造前, 改造后 …), else None."""
    return _GROUP_INDEX.get(normalise(text))


def match_grouped_header(header: str) -> tuple[str | None, float]:
    """Map ``group/sub`` (a sub-column under a group cell of a two-row header) to
    ``(canonical column, unit factor)``: 改造前/能效等级 → efficiency_class, 改造后/能效等级 →
    target_class, 改造前/功率(kW) → rated_power_kw, 改造后/功率(kW) → target_rated_power_kw. A
    sub-column with no column on its side of the retrofit gives ``(None, 1.0)`` and is passed
    through."""
    group, sub = header.split("/", 1) if "/" in header else ("", header)
    role = group_role(group)
    canonical, factor = match_header(sub)
    if canonical is None or role is None:
        return canonical, factor
    if role == "baseline":
        return (None, 1.0) if canonical in _TARGETS else (canonical, factor)
    if canonical in _TARGETS:
        return canonical, factor
    return TARGET_OF.get(canonical), factor
