"""The inventory schema: canonical columns, their units, aliases and allowed values.

This module is the single description of what an inventory may contain. The reader
(:mod:`retrofit.inventory`), the template writer and the README's column table are all built
from :data:`COLUMNS`, so they cannot drift apart. It holds names and words, not engineering
numbers: defaults such as a typical load factor live in ``reference_data/``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

#: Value kinds a column may have.
KINDS = ("text", "int", "number", "fraction", "choice", "date")


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

#: Equipment categories and their accepted spellings.
CATEGORY_ALIASES: dict[str, tuple[str, ...]] = {
    "motor": ("motor", "电机", "电动机", "马达", "异步电机", "三相异步电动机"),
    "fan": ("fan", "风机", "通风机", "鼓风机", "引风机"),
    "pump": ("pump", "水泵", "泵", "离心泵"),
    "compressor": ("compressor", "air compressor", "空压机", "空气压缩机", "压缩机"),
    "transformer": ("transformer", "变压器", "配电变压器"),
    "datacenter": ("datacenter", "data centre", "data center", "数据中心", "机房"),
    "charger": ("charger", "charging pile", "ev charger", "充电桩", "充电设施"),
}

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
        ("upgrade_motor", "电机更换", "更换电机", "更换高效电机", "高效电机替换", "电机升级",
         "电机能效提升", "motor upgrade", "replace motor"),
        ("motor", "fan", "pump", "compressor"),
        True,
        "replace the motor by one of a higher efficiency class, same rated power",
        requires=("rated_power_kw", "poles"),
        requires_one_of=(("efficiency_class", "efficiency_pct"),),
    ),
    Measure("add_vfd", ("add_vfd", "变频改造", "加装变频器", "vfd", "vsd"), ("fan", "pump"),
            False, "variable-speed drive on a fan or pump"),
    Measure("upgrade_equipment", ("upgrade_equipment", "设备更新", "更换高效设备"),
            ("fan", "pump", "compressor", "transformer"), False,
            "replace the machine by one of a higher GB grade"),
    Measure("improve_pue", ("improve_pue", "pue改造", "降低pue"), ("datacenter",), False,
            "lower a data centre's PUE"),
    Measure("refresh_it", ("refresh_it", "it设备更新"), ("datacenter",), False,
            "replace IT equipment with more efficient equipment"),
    Measure("replace_charger", ("replace_charger", "更换充电桩"), ("charger",), False,
            "replace a non-intelligent charging pile"),
)

MEASURE_BY_NAME = {m.name: m for m in MEASURES}

#: Efficiency classes. IE classes per IEC 60034-30-1; GB 18613-2020 grades as ``grade_N``;
#: Chinese motor series names are kept as written and resolved through a reference table.
CLASS_ALIASES: dict[str, tuple[str, ...]] = {
    "IE1": ("ie1",),
    "IE2": ("ie2",),
    "IE3": ("ie3",),
    "IE4": ("ie4",),
    "IE5": ("ie5",),
    "grade_1": ("grade_1", "grade1", "gb1", "一级", "1级", "一级能效", "能效一级", "1级能效",
                "能效1级", "能效等级1级", "能效等级一级"),
    "grade_2": ("grade_2", "grade2", "gb2", "二级", "2级", "二级能效", "能效二级", "2级能效",
                "能效2级", "能效等级2级", "能效等级二级"),
    "grade_3": ("grade_3", "grade3", "gb3", "三级", "3级", "三级能效", "能效三级", "3级能效",
                "能效3级", "能效等级3级", "能效等级三级"),
    "Y": ("y", "y系列"),
    "Y2": ("y2", "y2系列"),
    "Y3": ("y3", "y3系列"),
    "YX3": ("yx3", "yx3系列"),
    "YE2": ("ye2", "ye2系列"),
    "YE3": ("ye3", "ye3系列"),
    "YE4": ("ye4", "ye4系列"),
    "YE5": ("ye5", "ye5系列"),
}

CATEGORIES = tuple(CATEGORY_ALIASES)
CLASSES = tuple(CLASS_ALIASES)

_KW = {"kw": 1.0, "千瓦": 1.0}
_CNY = {"元": 1.0, "cny": 1.0, "rmb": 1.0, "yuan": 1.0, "万元": 10_000.0, "万": 10_000.0}
_HOURS = {"h": 1.0, "小时": 1.0, "h/a": 1.0, "h/年": 1.0, "小时/年": 1.0, "h/yr": 1.0}
_TCE = {"tce": 1.0, "吨标准煤": 1.0, "吨标煤": 1.0, "t标煤": 1.0, "万吨标准煤": 10_000.0,
        "万tce": 10_000.0}
_PRICE = {"元/kwh": 1.0, "cny/kwh": 1.0, "元/千瓦时": 1.0, "元/度": 1.0}

COLUMNS: tuple[Column, ...] = (
    Column("plant_id", "text", "", "enterprise / plant identifier (a 企业名称 column serves when "
           "there is no identifier column)", "企业编号（无编号列时用企业名称）",
           ("plant_id", "plant", "plant id", "enterprise", "enterprise id", "企业编号", "工厂",
            "企业", "统一社会信用代码", "企业代码"), required=True),
    Column("plant_name", "text", "", "enterprise / plant name", "企业名称",
           ("plant_name", "plant name", "company", "company name", "enterprise name",
            "企业名称", "单位名称", "企业全称")),
    Column("asset_id", "text", "", "asset identifier, unique within a plant", "设备编号",
           ("asset_id", "asset", "asset id", "equipment id", "tag", "设备编号", "设备号",
            "资产编号"), required=True),
    Column("category", "choice", "", "equipment category", "设备类型",
           ("category", "type", "equipment type", "设备类型", "设备类别", "类别"),
           required=True, choices=CATEGORIES),
    Column("measure", "choice", "", "retrofit measure; several joined with +",
           "改造措施（多项用+连接）", ("measure", "measures", "retrofit", "action", "改造措施",
                                     "措施", "改造内容"), required=True,
           choices=tuple(m.name for m in MEASURES)),
    Column("quantity", "int", "units", "identical units in this row", "数量（台）",
           ("quantity", "qty", "count", "number", "数量", "台数"), minimum=1, default="1"),
    Column("rated_power_kw", "number", "kW", "nameplate rated output", "额定功率",
           ("rated_power_kw", "rated power", "rated_power", "power", "motor kw", "额定功率",
            "功率"), minimum=0, minimum_inclusive=False, units=_KW),
    Column("poles", "int", "", "number of poles: 2, 4, 6 or 8", "极数",
           ("poles", "pole", "pole number", "极数"), choices=("2", "4", "6", "8")),
    Column("efficiency_class", "choice", "", "present efficiency class", "现有能效等级",
           ("efficiency_class", "efficiency class", "ie class", "class", "grade", "能效等级",
            "现能效等级", "原能效等级", "系列"), choices=CLASSES),
    Column("target_class", "choice", "", "efficiency class after retrofit", "目标能效等级",
           ("target_class", "target class", "new class", "目标能效等级", "改造后能效等级",
            "新能效等级"), choices=CLASSES, default="grade_2 (= IE4)"),
    Column("efficiency_pct", "number", "%", "measured or nameplate efficiency; overrides the "
           "class lookup", "实测或铭牌效率",
           ("efficiency_pct", "efficiency", "eff", "效率", "现效率", "铭牌效率"),
           minimum=0, maximum=100, minimum_inclusive=False, maximum_inclusive=False,
           units={"%": 1.0}),
    Column("target_efficiency_pct", "number", "%", "quoted nameplate efficiency of the new "
           "motor; overrides target_class", "新电机效率",
           ("target_efficiency_pct", "target efficiency", "new efficiency", "目标效率",
            "新电机效率", "改造后效率"), minimum=0, maximum=100, minimum_inclusive=False,
           maximum_inclusive=False, units={"%": 1.0}),
    Column("load_factor", "fraction", "0–1", "average shaft load ÷ rated output", "负载率",
           ("load_factor", "load factor", "load", "loading", "负载率", "负荷率"),
           minimum=0, maximum=1.25, minimum_inclusive=False, units={"%": 0.01},
           default="reference table inventory_defaults"),
    Column("operating_hours_h", "number", "h/yr", "operating hours per year",
           "年运行小时数", ("operating_hours_h", "operating hours", "hours", "run hours",
                             "annual hours", "年运行小时", "年运行时间", "运行时间",
                             "年运行小时数"), minimum=0, maximum=8784, units=_HOURS,
           default="reference table inventory_defaults"),
    Column("investment_cny", "number", "CNY", "investment for this row (all units); a header "
           "in 万元 is converted", "投资额", ("investment_cny", "investment", "capex", "cost",
                                             "投资额", "投资", "改造投资"), minimum=0,
           units=_CNY),
    Column("electricity_price_cny_per_kwh", "number", "CNY/kWh", "average electricity price "
           "paid", "平均电价", ("electricity_price_cny_per_kwh", "electricity price", "price",
                                "tariff", "电价", "平均电价"), minimum=0,
           minimum_inclusive=False, units=_PRICE),
    Column("in_service_date", "date", "", "when the retrofit starts running (default: the "
           "run's year)", "投运日期", ("in_service_date", "in service date",
                                        "commissioning date", "投运日期", "投产日期",
                                        "改造完成日期")),
    Column("plant_energy_tce", "number", "tce", "the plant's previous-year total energy use",
           "上年综合能耗", ("plant_energy_tce", "plant energy", "annual energy", "上年综合能耗",
                           "年综合能耗", "综合能耗"), minimum=0, minimum_inclusive=False,
           units=_TCE),
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
VALUE_ALIASES: dict[str, dict[str, str]] = {
    "category": _index(CATEGORY_ALIASES),
    "measure": _index({m.name: m.aliases for m in MEASURES}),
    "efficiency_class": _index(CLASS_ALIASES),
    "target_class": _index(CLASS_ALIASES),
    "poles": {p: p for p in ("2", "4", "6", "8")} | {f"{p}极": p for p in ("2", "4", "6", "8")},
}

_UNIT_SUFFIX = re.compile(r"^(?P<base>.+?)[(\[](?P<unit>[^()\[\]]*)[)\]]$")


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
