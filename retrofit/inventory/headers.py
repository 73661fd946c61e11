"""Which headers the reader knows besides the inventory schema's: the columns of a plants file
(:data:`PLANT_COLUMNS`), energy-by-year headers (``2023年综合能耗``) and a unit in brackets
after a header (``年耗电量(万kWh)``)."""

from __future__ import annotations

import re
from dataclasses import replace

from . import schema
from .schema import Column

__all__ = [
    "PLANT_COLUMNS",
    "UNIT_SUFFIX",
    "energy_year",
    "is_known_header",
    "match_plant_header",
    "unit_factor",
]

#: Columns of a plants file (``--plants``): one row per plant.
PLANT_COLUMNS: tuple[Column, ...] = (
    replace(schema.COLUMN_BY_NAME["plant_id"], required=True),
    replace(schema.COLUMN_BY_NAME["plant_energy_tce"], required=True),
    Column(
        "name",
        "text",
        "",
        "plant or enterprise name",
        "企业全称",
        ("name", "plant name", "plant_name", "enterprise name", "名称", "企业全称", "企业名称"),
    ),
    Column(
        "region",
        "text",
        "",
        "city or province",
        "所在地区",
        ("region", "area", "city", "province", "地区", "所在地区", "区域", "城市", "省份"),
    ),
    Column(
        "district",
        "text",
        "",
        "district or county, for the district totals of ``retrofit portfolio``",
        "所在区县",
        ("district", "county", "区", "区县", "所在区", "所在区县", "行政区"),
    ),
    Column(
        "industry",
        "text",
        "",
        "industry, for the industry totals of ``retrofit portfolio``",
        "所属行业",
        ("industry", "sector", "行业", "所属行业", "行业类别", "行业分类"),
    ),
    # a plant's metered energy before and after its retrofits, compared with the estimate
    schema.COLUMN_BY_NAME["metered_baseline_kwh"],
    schema.COLUMN_BY_NAME["metered_retrofit_kwh"],
    # the basis of the plant's energy figures (当量值 or 等价值), for the 百一 share
    schema.COLUMN_BY_NAME["plant_energy_basis"],
)

#: Header of a plant's energy use in one year: ``energy_tce_2023``, ``2023年综合能耗``,
#: ``综合能耗2023`` …, optionally with a unit in brackets (normalised text, see schema.normalise)
_ENERGY_YEAR_HEADER = re.compile(
    r"^(?:(?:energy(?:_tce)?|综合能耗|能耗)[_-]?(?P<a>(?:19|20)\d\d)年?"
    r"|(?P<b>(?:19|20)\d\d)年?[_-]?(?:energy(?:_tce)?|年?综合能耗|能耗|综合能源消费量))$"
)


def energy_year(header: str) -> int | None:
    """The year of a plants-file header that gives energy use by year, else None.

    >>> energy_year("2023年综合能耗(万吨标准煤)"), energy_year("energy_tce_2024")
    (2023, 2024)
    """
    key = schema.normalise(header)
    m = UNIT_SUFFIX.match(key)
    m = _ENERGY_YEAR_HEADER.match(m.group("base") if m else key)
    if m is None:
        return None
    return int(m.group("a") or m.group("b"))


_PLANT_INDEX = {schema.normalise(a): c.name for c in PLANT_COLUMNS for a in (c.name, *c.aliases)}
_PLANT_BY_NAME = {c.name: c for c in PLANT_COLUMNS}
UNIT_SUFFIX = re.compile(r"^(?P<base>.+?)[(\[](?P<unit>[^()\[\]]*)[)\]]$")


def match_plant_header(header: str) -> tuple[str | None, float]:
    """:func:`retrofit.inventory.schema.match_header` over :data:`PLANT_COLUMNS`."""
    key = schema.normalise(header)
    if key in _PLANT_INDEX:
        return _PLANT_INDEX[key], 1.0
    m = UNIT_SUFFIX.match(key)
    if m is None or m.group("base") not in _PLANT_INDEX:
        return None, 1.0
    column = _PLANT_BY_NAME[_PLANT_INDEX[m.group("base")]]
    return column.name, unit_factor(column, m.group("unit"), header)


def is_known_header(text: str) -> bool:
    """Whether ``text`` names an inventory or plants-file column (an alias, with or without a
    unit; a unit the column does not accept still marks a header row)."""
    if not text.strip():
        return False
    try:
        canonical, _ = schema.match_header(text)
    except ValueError:
        return True
    return canonical is not None or schema.normalise(text) in _PLANT_INDEX


def unit_factor(column: Column, unit: str, header: str) -> float:
    """The factor that brings a value given in ``unit`` (from ``header``) to ``column``'s unit.

    Raises
    ------
    ValueError
        The column does not accept that unit (the message names the accepted ones).
    """
    if unit in column.units:
        return column.units[unit]
    accepted = ", ".join(sorted(column.units)) or "none"
    raise ValueError(
        f"unit '{unit}' in header '{header}' is not accepted for "
        f"{column.name}; accepted units: {accepted}"
    )


# --- issue collection ------------------------------------------------------------------
