"""Human-readable renderings of an :class:`EstimateResult` for the terminal (zh or en)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd

from .. import columns
from ..columns import header, value_label
from ..core import messages
from ..core.conversion import BASIS_NAMES_ZH
from ..money.incentives import needs_text, priority_text
from ..results import EstimateResult

if TYPE_CHECKING:
    from ..validation import ValidationReport

#: Section titles and sentences of the terminal report; column headers come from the glossary
#: (:func:`retrofit.columns.header`).
LABELS = {
    "en": {
        "plants": "Plants (百一: estimate from the measures listed, not a verified saving; share "
        "= savings realised in the accounting year, by in_service_date)",
        "assets": "Assets",
        "assumptions": "Basis and assumptions",
        "caveats": "Caveats",
        "more": "… {n} more asset rows: write them all with -o out.csv|out.json|out.xlsx",
        "goals": "Toward the goals of {document} (this inventory, one year)",
        "motors_retrofitted": "motors and motor systems retrofitted",
        "it_renewed": "IT capacity renewed with ≥ 20 % gain",
        "chargers_replaced": "non-intelligent charging piles replaced",
        "energy_saving_cumulative": "standard coal saved per year",
        "equipment_renewal_investment": "equipment renewal investment",
        "equipment_investment_cumulative": "equipment investment (renewal and new)",
        "both_bases": "standard coal saved: {equivalent} tce/yr 当量值 (equivalent), "
        "{equal_value} tce/yr 等价值 (equal-value); headline basis {basis}",
        "basis_line": "coal_saved_tce basis: {basis} ({basis_zh}); accounting year {year}; "
        "region {region}",
        "equivalent_line": "当量值 {value} kgce/kWh ({table}, confidence {confidence})",
        "equal_value_line": "等价值 {value} kgce/kWh ({key}, wanted year {wanted}, fallback "
        "{fallback}, confidence {confidence})",
        "grid_line": "grid CO2 {value} tCO2/MWh ({key}, {year}, confidence {confidence})",
        "default_line": "default {column} = {value} {unit} on {count} rows (confidence "
        "{confidence}; {code})",
        "non_standard": "NON-STANDARD: user tables {tables}",
        "rows": " [{n} rows]",
        "of": "of",
        "by": "by",
        "dc_line": "data centres: {rows}, above the local PUE limit after retrofit: {above}, "
        "matching the 百一 closure profile: {closure}",
        "projects": "Projects (discount rate {rate:.1%}; life per measure from "
        "measure_lifetimes unless given)",
        "uncertainty": "Uncertainty of coal saved [tce/yr] ({n:,} draws, seed {seed})",
        "drivers": "largest drivers (total tce/yr with the input at P10 → P90): ",
        "bai_yi_clause": "百一, in the goal's own words: {source} (reading it as each "
        "enterprise's coal saved ÷ its previous-year 综合能耗, both on one basis, is this tool's "
        "interpretation, confidence {confidence})",
        "bai_yi_none": "百一: {source}",
        "unread": "headers not read (carried through): {headers}",
    },
    "zh": {
        "plants": "企业汇总（百一：按所列措施估算，非核定节能量；判定按投运日期折算的当年实现节能量，"
        "全年潜力并列对照）",
        "assets": "设备明细",
        "assumptions": "折算口径与假设",
        "caveats": "提示",
        "more": "… 另有 {n} 行设备：用 -o out.csv|out.json|out.xlsx 输出全部",
        "goals": "对照{document}目标（本清单，一年）",
        "both_bases": "节约标准煤：当量值 {equivalent} tce/年，等价值 {equal_value} tce/年"
        "（主口径：{basis}）",
        "basis_line": "节约标准煤折算口径：{basis_zh}；核算年度 {year}；地区 {region}",
        "equivalent_line": "当量值 {value} kgce/kWh（参考表 {table}，可信度 {confidence}）",
        "equal_value_line": "等价值 {value} kgce/kWh（{key}，所需年份 {wanted}，替代取值 "
        "{fallback}，可信度 {confidence}）",
        "grid_line": "电网二氧化碳排放因子 {value} tCO2/MWh（{key}，{year} 年，可信度 {confidence}）",
        "default_line": "缺省值 {column} = {value} {unit}，用于 {count} 行（可信度 {confidence}；"
        "{code}）",
        "non_standard": "非标准参考表（用户提供）：{tables}",
        "rows": " [{n} 行]",
        "of": "/",
        "by": "目标年",
        "dc_line": "数据中心：{rows} 个，改造后PUE高于本地要求：{above} 个，符合百一关停并转条件：{closure} 个",
        "projects": "项目经济性（折现率 {rate:.1%}；使用寿命取自 measure_lifetimes，除非另填）",
        "uncertainty": "节约标准煤的不确定性 [tce/年]（{n:,} 次抽样，随机种子 {seed}）",
        "drivers": "主要来源（输入取 P10 → P90 时的合计 tce/年）：",
        "bai_yi_clause": "百一原文：{source}（按企业计算“节约标准煤 ÷ 上年综合能耗”、二者口径一致，"
        "是本工具的理解，置信度 {confidence}）",
        "bai_yi_none": "百一：{source}",
        "unread": "未读取的表头（原样保留）：{headers}",
    },
}


def bai_yi_clause(assumptions: Mapping[str, Any], lang: str = "en") -> str:
    """The 百一 goal quoted from the goal pack (document, clause and its words, e.g. 355号（十四）
    "实现年节能量1%"), with the per-enterprise share named as an interpretation: the texts
    quote no unit of account, and the 2022/2023 Shanghai plans say "力争平均" (a sector average)."""
    labels = LABELS[lang]
    bai_yi = assumptions.get("bai_yi") or {}
    source = str(bai_yi.get("source", ""))
    if bai_yi.get("target_share") is None:
        return labels["bai_yi_none"].format(source=source)
    return labels["bai_yi_clause"].format(source=source, confidence=bai_yi.get("confidence"))


PROJECT_VIEW = [
    "project_id",
    "investment_cny",
    "annual_cost_saved_cny",
    "payback_years",
    "npv_cny",
    "irr",
    "cost_of_saved_tce_cny_per_tce",
    "incentives_cny",
    "payback_after_incentives_years",
    "npv_after_incentives_cny",
    "finance_status",
]
PLANT_VIEW = [
    "plant_id",
    "plant_name",
    "assets",
    "energy_saved_kwh",
    "coal_saved_tce",
    "co2_avoided_t",
    "plant_energy_tce",
    "plant_energy_basis",
    "saving_share",
    "saving_share_full_year",
    "bai_yi_status",
    "shortfall_tce",
]
ASSET_VIEW = [
    "plant_id",
    "asset_id",
    "category",
    "measure",
    "quantity",
    "rated_power_kw",
    "load_factor",
    "operating_hours_h",
    "efficiency_class_baseline",
    "efficiency_baseline_pct",
    "efficiency_class_retrofit",
    "efficiency_retrofit_pct",
    "energy_saved_kwh",
    "coal_saved_tce",
    "cost_saved_cny",
    "payback_years",
]


#: Columns whose values are words a person reads (translated through the vocabulary in zh).
VALUE_FIELDS = columns.WORDED_COLUMNS
_WAN = columns.WAN_YUAN
_money_in_wan = columns.shown_in_wan


def _heading(name: str, lang: str) -> str:
    """The glossary's ``label [unit]``; ``[万元]`` (``[万元/年]``) for money in a Chinese report."""
    if _money_in_wan(name, lang):
        return columns.wan_heading(name, lang)
    return header(name, lang) if columns.known(name) else name


def _headed(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """``frame`` with the glossary's ``label [unit]`` headers."""
    return frame.rename(columns=lambda name: _heading(name, lang))


def _table(frame: pd.DataFrame, **kwargs: Any) -> str:
    """``frame.to_string`` with columns aligned by display width: a CJK character takes two
    terminal cells (Unicode East Asian Width W/F)."""
    with pd.option_context("display.unicode.east_asian_width", True):
        return frame.to_string(**kwargs)


def _basis_name(basis: str) -> str:
    """``等价值 (equal-value)`` for ``equal_value``."""
    return f"{BASIS_NAMES_ZH.get(basis, basis)} ({basis.replace('_', '-')})"


def _fmt(frame: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """Cells as text: tce to 3 decimals (2 in Chinese reports, as Chinese audits write them),
    money in 万元 in Chinese reports, value words translated."""
    out = frame.copy()
    tce_digits = 2 if lang == "zh" else 3
    for column in out.columns:
        series = out[column]
        if column in ("saving_share", "saving_share_full_year"):
            out[column] = series.map(lambda v: "" if pd.isna(v) else f"{v:.2%}")
        elif column == "plant_energy_basis":  # the share and the verdict are on this basis
            out[column] = series.map(
                lambda v: (
                    "—"
                    if pd.isna(v)
                    else (BASIS_NAMES_ZH.get(v, v) if lang == "zh" else _basis_name(v))
                )
            )
        elif column in VALUE_FIELDS:
            out[column] = series.map(
                lambda v, c=column: "—" if _missing(v) else value_label(c, v, lang)
            )
        elif _money_in_wan(column, lang) and pd.api.types.is_numeric_dtype(series):
            out[column] = series.map(lambda v: "—" if pd.isna(v) else f"{v / _WAN:,.2f}")
        elif pd.api.types.is_float_dtype(series):
            digits = 3 if column in ("coal_saved_tce", "load_factor", "shortfall_tce") else 1
            if lang == "zh" and column.endswith("_tce"):
                digits = tce_digits
            if column.endswith("_kwh") or column in ("cost_saved_cny", "operating_hours_h"):
                digits = 0
            out[column] = series.map(lambda v, d=digits: "—" if pd.isna(v) else f"{v:,.{d}f}")
        elif not pd.api.types.is_numeric_dtype(series):
            out[column] = series.astype(object).where(series.notna(), "—")
    return out


def _missing(value: Any) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def render_table(result: EstimateResult, lang: str = "en", max_rows: int = 20) -> str:
    """Plant summary first, then asset rows (up to ``max_rows``), basis, and caveat counts."""
    labels = LABELS[lang]
    lines = [f"== {labels['plants']} =="]
    if result.assumptions.get("non_standard"):  # first, where nobody can miss it
        tables = ", ".join(result.assumptions["non_standard_tables"])
        lines.insert(0, labels["non_standard"].format(tables=tables))
    plants = _fmt(result.plants[[c for c in PLANT_VIEW if c in result.plants.columns]], lang)
    plants = _headed(plants, lang)
    lines.append(_table(plants, index=False))
    lines.append(both_bases(result, lang))
    if "bai_yi" in result.assumptions:
        lines.append(bai_yi_clause(result.assumptions, lang))
    lines.append("")
    goals = result.assumptions.get("goals", {})
    if goals:
        document = result.assumptions.get("goal_pack", {}).get("document", "")
        lines.append(f"== {labels['goals'].format(document=document)} ==")
        for key, g in goals.items():
            if key == "datacenters":
                continue
            if lang == "en":
                name = labels.get(key, key)
                lines.append(
                    f"{name}: {g['this_inventory']:,.1f} {labels['of']} "
                    f"{g['goal']:,.0f} {columns.unit_text(g['unit'], lang)} "
                    f"({labels['by']} {g['by']})"
                )
                continue
            # a Chinese reader: money in 万元 and tce to 2 decimals, Chinese punctuation
            done, goal, unit = g["this_inventory"], g["goal"], str(g["unit"])
            digits = 2 if unit in ("CNY", "tce") else 1
            if unit == "CNY":
                done, goal, unit = done / _WAN, goal / _WAN, "万元"
            lines.append(
                f"{value_label('goal', key, lang)}：{done:,.{digits}f} {labels['of']} "
                f"{goal:,.0f} {columns.unit_text(unit, lang)}（{labels['by']} {g['by']}）"
            )
        if "datacenters" in goals:
            d = goals["datacenters"]
            lines.append(
                labels["dc_line"].format(
                    rows=d["rows"],
                    above=d["above_local_pue_limit_after_retrofit"],
                    closure=d["bai_yi_closure_profile"],
                )
            )
        lines.append("")
    if result.projects is not None and len(result.projects):
        lines.append(
            "== "
            + labels["projects"].format(rate=result.assumptions["finance"]["discount_rate"])
            + " =="
        )
        view = result.projects[[c for c in PROJECT_VIEW if c in result.projects.columns]]
        shown = _fmt(view.head(max_rows), lang)
        if "irr" in shown.columns:
            shown["irr"] = [_pct(x) for x in view["irr"].head(max_rows)]
        lines.append(_table(_headed(shown, lang), index=False))
        lines.append("")
    if result.uncertainty is not None:
        u = result.uncertainty
        lines.append("== " + labels["uncertainty"].format(n=u.draws, seed=u.seed) + " ==")
        view = u.plants[
            ["plant_id", "deterministic", "p10", "p50", "p90", "probability_meets_bai_yi"]
        ].copy()
        view["probability_meets_bai_yi"] = [_pct(x) for x in view["probability_meets_bai_yi"]]
        digits = 2 if lang == "zh" else 3
        lines.append(
            _table(_headed(view, lang), index=False, float_format=lambda x: f"{x:,.{digits}f}")
        )
        top = u.tornado.head(3)
        lines.append(
            labels["drivers"]
            + ("，" if lang == "zh" else ", ").join(
                f"{input_label(r.input, lang)} ({r.at_p10:,.1f} → {r.at_p90:,.1f})"
                for r in top.itertuples()
            )
        )
        lines.extend(uncertainty_lines(result, lang))
        lines.append("")
    lines.append(f"== {labels['assets']} ==")
    view = result.assets[[c for c in ASSET_VIEW if c in result.assets.columns]].head(max_rows)
    lines.append(_table(_headed(_fmt(view, lang), lang), index=False))
    if len(result.assets) > max_rows:
        lines.append(labels["more"].format(n=len(result.assets) - max_rows))
    lines.append("")
    a = result.assumptions
    f = a["factors"]
    lines.append(f"== {labels['assumptions']} ==")
    lines.append(
        labels["basis_line"].format(
            basis=a["basis"],
            basis_zh=a["basis_zh"],
            year=a["accounting_year"],
            region=value_label("region", a["region"], lang),
        )
    )
    lines.append(
        labels["equivalent_line"].format(
            value=f["equivalent"]["value"],
            table=f["equivalent"]["table"],
            confidence=f["equivalent"]["confidence"],
        )
    )
    ev = f["equal_value"]
    lines.append(
        labels["equal_value_line"].format(
            value=ev["value"],
            key=factor_key(ev["key"], lang),
            wanted=ev["wanted_year"],
            fallback=value_label("fallback", ev["fallback"], lang),
            confidence=ev["confidence"],
        )
    )
    g = f["grid_co2"]
    lines.append(
        labels["grid_line"].format(
            value=g["value"],
            key=factor_key(g["key"], lang),
            year=g["year"],
            confidence=g["confidence"],
        )
    )
    for code, d in a["defaults"].items():
        value = f"{d['value']:g}" if isinstance(d["value"], float) else d["value"]
        value = value_label("default", value, lang)
        lines.append(
            labels["default_line"].format(
                column=d["column"] if lang == "en" else input_label(d["column"], lang),
                value=value,
                unit=columns.unit_text(str(d["unit"]), lang),
                count=d["count"],
                confidence=d["confidence"],
                code=code,
            )
        )
    if a["input"].get("passthrough_columns"):
        lines.append(labels["unread"].format(headers=", ".join(a["input"]["passthrough_columns"])))
    if a["non_standard"]:
        lines.append(labels["non_standard"].format(tables=", ".join(a["non_standard_tables"])))
    lines.append("")
    lines.append(f"== {labels['caveats']} ==")
    for c in result.caveats:
        message = c.message_zh if lang == "zh" and c.message_zh else c.message
        count = labels["rows"].format(n=c.count) if c.count else ""
        lines.append(f"{c.code}{count}: {message}")
    return "\n".join(lines)


def factor_key(key: str, lang: str) -> str:
    """A factor's table key (``national/2025``, ``electricity/equivalent``) with its region,
    basis and carrier named in ``lang``."""
    parts = str(key).split("/")
    return "/".join(
        next(
            (
                value_label(f, part, lang)
                for f in ("region", "basis", "carrier")
                if value_label(f, part, lang) != part
            ),
            part,
        )
        for part in parts
    )


def uncertainty_lines(result: EstimateResult, lang: str) -> list[str]:
    """The Monte Carlo in words: where the estimate lies among the draws (and, outside
    P10–P90, the skewed inputs that move the draws' mean), which inputs were drawn with their
    distribution and confidence, and which stayed at the estimate and why (texts from
    messages.csv and the vocabulary)."""
    u = result.uncertainty
    if u is None:
        return []
    position = result.assumptions.get("uncertainty", {}).get("estimate_position")
    lines = []
    if position:
        if position["inside_p10_p90"]:
            lines.append(
                messages.text("uncertainty_inside", lang, percentile=position["percentile"])
            )
        else:
            named = ("，" if lang == "zh" else ", ").join(
                f"{input_label(s['input'], lang)} ({s['mean_shift_tce']:+,.1f})"
                for s in position["skewed_inputs"]
            )
            lines.append(
                messages.text(
                    "uncertainty_outside",
                    lang,
                    percentile=position["percentile"],
                    shift=position["mean_shift_tce"],
                    inputs=named,
                )
            )
    separator = "；" if lang == "zh" else "; "
    if len(u.inputs):
        drawn = u.inputs.drop_duplicates("input")
        lines.append(
            messages.text(
                "uncertainty_drawn",
                lang,
                count=len(drawn),
                inputs=separator.join(
                    f"{input_label(r.input, lang)} ({value_label('distribution', r.distribution, lang)}, "
                    f"{r.confidence})"
                    for r in drawn.itertuples()
                ),
            )
        )
    fixed = u.fixed[u.fixed["rows"] > 0] if len(u.fixed) else u.fixed
    if len(fixed):
        lines.append(
            messages.text(
                "uncertainty_left_fixed",
                lang,
                count=len(fixed),
                inputs=separator.join(
                    f"{input_label(r.input, lang)}: "
                    + (
                        r.fixed_because
                        if lang == "en"
                        else value_label("uncertainty_fixed", r.input, lang)
                    )
                    for r in fixed.itertuples()
                ),
            )
        )
    return lines


def input_label(name: str, lang: str) -> str:
    """A column or uncertain input by its glossary label in Chinese, its name in English
    (the tornado's inputs and the defaults name columns)."""
    if lang == "en":
        return name
    if columns.known(name):
        return columns.label(name, lang)
    return value_label("uncertain_input", name, lang)


def both_bases(result: EstimateResult, lang: str = "en") -> str:
    """Standard coal saved on both bases, side by side, with the headline basis named."""
    assets = result.assets
    digits = 2 if lang == "zh" else 3
    totals = {
        basis: f"{float(assets[f'coal_saved_tce_{basis}'].sum()):,.{digits}f}"
        if f"coal_saved_tce_{basis}" in assets.columns
        else "—"
        for basis in ("equivalent", "equal_value")
    }
    a = result.assumptions
    basis = a["basis_zh"] if lang == "zh" else f"{a['basis']} ({a['basis_zh']})"
    return LABELS[lang]["both_bases"].format(**totals, basis=basis)


PORTFOLIO_LABELS = {
    "en": {
        "totals": "Portfolio",
        "plants_line": "{plants} plants ({with_assets} with measures), {assets:,} asset rows",
        "saving_line": "saving capacity {tce:,.1f} tce/yr "
        "({basis}), {kwh:,.0f} kWh/yr, {co2:,.1f} t CO2/yr",
        "goals": "Goals ({pack}), as of {year}",
        "goal_line": "{goal}: {way}: {to_date:,.1f} "
        "of {target:,.0f} {unit} to date ({share_to_date:.2%}); {by_end:,.1f} "
        "({share_by_end:.2%}) by {end} with planned measures, {remaining:,.1f} to go",
        "trajectory": "Trajectory, coal_saved_tce ({basis})",
        "bai_yi": "百一 per enterprise (estimate)",
        "bai_yi_line": "{year}: meets {met}, short {short}, unknown {unknown}",
        "bai_yi_short": "  short in {year}: {plants}",
        "more_plants": "and {n} more (all in the bai_yi table)",
        "counted_basis": "  * the basis the verdict counts: the plant's energy basis (the share "
        "on the other basis is shown beside it, not counted); 当量值 = equivalent, 等价值 = "
        "equal-value",
        "bai_yi_basis": "shares on each plant's energy basis: {bases}",
        "bai_yi_rule": "share = the saving realised in the year (by in_service_date) ÷ the "
        "energy of the year before; full annual potential in saving_share_full_year",
        "districts": "By district",
        "industries": "By industry",
        "files": "Files",
        "caveats": "Caveats",
        "failed": "FAILED",
        "kinds": "{n} goals in the pack: {cumulative} tracked above, {annual_share} per "
        "enterprise (百一, below), {asset_rule} asset rules, {not_tracked} not countable "
        "from an inventory (all listed in the goals table)",
        "capacity": "saving capacity",
        "realised_way": "energy realised",
    },
    "zh": {
        "totals": "汇总",
        "plants_line": "企业 {plants} 家（有改造措施 {with_assets} 家），设备 {assets:,} 行",
        "saving_line": "节能能力 {tce:,.2f} tce/年（{basis}），节电 "
        "{kwh:,.0f} kWh/年，减碳 {co2:,.1f} tCO2/年",
        "goals": "目标进度（{pack}），截至 {year} 年",
        "goal_line": "{goal}：{way}：至今 "
        "{to_date:,.{d}f} / {target:,.0f} {unit}（{share_to_date:.2%}）；含计划措施至 "
        "{end} 年 {by_end:,.{d}f}（{share_by_end:.2%}），尚差 {remaining:,.{d}f}",
        "trajectory": "逐年轨迹，节能量 tce（{basis}）",
        "bai_yi": "企业百一（估算）",
        "bai_yi_line": "{year} 年：达标 {met} 家，未达标 {short} 家，未知 {unknown} 家",
        "bai_yi_short": "  {year} 年未达标：{plants}",
        "more_plants": "另 {n} 家（全部见 bai_yi 表）",
        "counted_basis": "  * 为判定所用口径，即企业上年综合能耗口径（另一口径的比例仅供对照，不作判定）",
        "bai_yi_basis": "年节能量占上年综合能耗比例按各企业上年综合能耗口径计算：{bases}",
        "bai_yi_rule": "年节能量占上年综合能耗比例 = 按投运日期折算的当年实现节能量 ÷ 上年综合能耗；"
        "全年潜力见“全年潜力占上年综合能耗比例”列",
        "districts": "分区汇总",
        "industries": "分行业汇总",
        "files": "文件",
        "caveats": "提示",
        "failed": "失败",
        "kinds": "目标包共 {n} 项：上列进度 {cumulative} 项，企业年度比例 {annual_share} 项（百一，见下），"
        "设备规则 {asset_rule} 项，无法由设备清单统计 {not_tracked} 项（均列于 goals 表）",
        "capacity": "节能能力",
        "realised_way": "实现节能量",
    },
}


#: How many plants a summary line names before it says how many more there are.
NAMED_PLANTS = 12


def plant_names(plant_ids: pd.Series, plants: pd.DataFrame, lang: str = "en") -> str:
    """The plants of ``plant_ids`` as a summary names them: the id and, where the plants table
    has one (``name`` or ``plant_name``), the name (``SH-0002 上海某机械厂``), in the order given; past
    :data:`NAMED_PLANTS` the count of the rest."""
    ids = [str(p) for p in plant_ids]
    names: dict[str, str] = {}
    # the plants file's 企业名称 (``name``), else the inventory's own name column
    column = next((c for c in ("name", "plant_name") if c in plants.columns), None)
    if column is not None:
        table = plants.drop_duplicates("plant_id").set_index("plant_id")[column]
        names = {str(k): str(v) for k, v in table.items() if pd.notna(v) and str(v) != str(k)}
    shown = [f"{p} {names[p]}" if p in names else p for p in ids[:NAMED_PLANTS]]
    separator = "、" if lang == "zh" else ", "
    text = separator.join(shown)
    if len(ids) > NAMED_PLANTS:
        rest = PORTFOLIO_LABELS[lang]["more_plants"].format(n=len(ids) - NAMED_PLANTS)
        text += ("，" if lang == "zh" else ", ") + rest
    return text


def short_plant_texts(short: pd.DataFrame, plants: pd.DataFrame, lang: str = "en") -> list[str]:
    """Each plant short of 百一 (rows of the ``bai_yi`` table) as a summary names it: id, name
    and its share on both bases, the basis the verdict counts marked ``*``
    (``SH-0002 乙厂 (当量值* 0.52%, 等价值 1.28%)``; the bases by their Chinese names, which the
    English summary's note explains)."""
    out = []
    for row in short.itertuples(index=False):
        name = plant_names(pd.Series([row.plant_id]), plants, lang)
        shares = []
        for basis in ("equivalent", "equal_value"):
            share = getattr(row, f"saving_share_{basis}", None)
            if share is None or pd.isna(share):
                continue
            mark = "*" if basis == getattr(row, "basis", None) else ""
            shares.append(f"{BASIS_NAMES_ZH[basis]}{mark} {share:.2%}")
        if not shares:  # a pack counting other than tce: the one share it has
            shares.append(f"{row.saving_share:.2%}")
        out.append(
            f"{name}（{'，'.join(shares)}）" if lang == "zh" else f"{name} ({', '.join(shares)})"
        )
    return out


def render_portfolio(result, lang: str = "en", max_rows: int = 20) -> str:
    """Totals, goal progress, trajectory, 百一 counts and district/industry tables of a
    :class:`~retrofit.portfolio.tables.PortfolioResult`."""
    labels = PORTFOLIO_LABELS[lang]
    p = dict(result.assumptions["portfolio"])
    if lang == "zh":  # "tce, 当量值 (equivalent) basis" reads 当量值
        p["basis_note"] = BASIS_NAMES_ZH.get(p["basis"], p["basis_note"])
    t = result.totals.iloc[0]
    lines = [
        f"== {labels['totals']} ==",
        labels["plants_line"].format(
            plants=int(t["plants"]),
            with_assets=int(t["plants_with_assets"]),
            assets=int(t["assets"]),
        ),
        labels["saving_line"].format(
            tce=t["coal_saved_tce"],
            basis=p["basis_note"],
            kwh=t["energy_saved_kwh"],
            co2=t["co2_avoided_t"],
        ),
        "",
        f"== {labels['goals'].format(pack=p['goal_pack']['name'], year=p['as_of_year'])} ==",
    ]
    for g in result.goals[result.goals["kind"] == "cumulative"].itertuples(index=False):
        way = labels["realised_way" if g.counted_as == "energy realised" else "capacity"]
        # a Chinese report writes money in 万元
        scale, unit = (_WAN, "万元") if lang == "zh" and g.unit == "CNY" else (1, g.unit)
        lines.append(
            labels["goal_line"].format(
                goal=value_label("goal", g.goal, lang),
                way=way,
                to_date=g.achieved_to_date / scale,
                target=g.target / scale,
                unit=columns.unit_text(str(unit), lang),
                share_to_date=g.share_to_date,
                by_end=g.planned_by_end / scale,
                share_by_end=g.share_by_end,
                end=g.period_end,
                remaining=g.remaining_by_end / scale,
                d=2 if str(unit) in ("万元", "tce") else 1,  # zh: money and tce to 2 decimals
            )
        )
    kinds = result.goals.drop_duplicates("goal")["kind"].value_counts()
    lines.append(
        labels["kinds"].format(
            n=int(kinds.sum()),
            **{
                k: int(kinds.get(k, 0))
                for k in ("cumulative", "annual_share", "asset_rule", "not_tracked")
            },
        )
    )
    lines += ["", f"== {labels['trajectory'].format(basis=p['basis_note'])} =="]
    tce = result.trajectory[result.trajectory["metric"] == "coal_saved_tce"]
    view = tce[["year", "capacity_added", "capacity_cumulative", "realised", "realised_cumulative"]]
    if lang == "zh":  # tce to 2 decimals, as a Chinese audit writes them
        view = view.assign(
            **{c: view[c].map("{:,.2f}".format) for c in view.columns if c != "year"}
        )
    lines.append(_table(_headed(_fmt(view, lang), lang), index=False))
    lines += ["", f"== {labels['bai_yi']} ==", labels["bai_yi_rule"]]
    marked = False
    for year, part in result.bai_yi.groupby("year"):
        met = part["meets_bai_yi"]
        short = (~met.astype("boolean")).fillna(False).to_numpy(bool)
        lines.append(
            labels["bai_yi_line"].format(
                year=year,
                met=int(met.fillna(False).sum()),
                short=int(short.sum()),
                unknown=int(met.isna().sum()),
            )
        )
        if short.any():  # the plants, not only their count, with their shares on both bases
            named = short_plant_texts(part[short].head(NAMED_PLANTS), result.plants, lang)
            text = ("、" if lang == "zh" else "; ").join(named)
            if int(short.sum()) > NAMED_PLANTS:
                rest = labels["more_plants"].format(n=int(short.sum()) - NAMED_PLANTS)
                text += ("，" if lang == "zh" else "; ") + rest
            lines.append(labels["bai_yi_short"].format(year=year, plants=text))
            marked = True
    if marked:
        lines.append(labels["counted_basis"])
    if "plant_energy_basis" in result.bai_yi.columns and len(result.bai_yi):
        per_plant = result.bai_yi.drop_duplicates("plant_id")
        counts = per_plant.groupby(["plant_energy_basis", "plant_energy_basis_source"]).size()
        bases = ", ".join(
            f"{_basis_name(b) if lang == 'en' else BASIS_NAMES_ZH.get(b, b)} "
            f"{value_label('basis_source', source, lang)} {n}"
            for (b, source), n in counts.items()
        )
        lines.append(labels["bai_yi_basis"].format(bases=bases))
    for key in ("districts", "industries"):
        frame = getattr(result, key)
        column = "district" if key == "districts" else "industry"
        view = frame[[column, "plants", "assets", "coal_saved_tce", "bai_yi_years_met"]]
        view = view.sort_values("coal_saved_tce", ascending=False).head(max_rows)
        lines += [
            "",
            f"== {labels[key]} ==",
            _table(_headed(_fmt(view, lang), lang), index=False),
        ]
    failed = result.files[result.files["status"] != "ok"]
    if len(failed):
        lines += ["", f"== {labels['files']} =="]
        lines += [
            f"{labels['failed']} {r.file}: {r.problems} — {r.first_problem}"
            for r in failed.itertuples(index=False)
        ]
    lines += ["", f"== {labels['caveats']} =="]
    for c in result.caveats:
        message = c.message_zh if lang == "zh" and c.message_zh else c.message
        count = LABELS[lang]["rows"].format(n=c.count) if c.count else ""
        lines.append(f"{c.code}{count}: {message}")
    return "\n".join(lines)


INCENTIVE_LABELS = {
    "en": {
        "title": "Incentives that may apply (self-assessment, not an award)",
        "project": "Project {p} (plant {plant}): investment {inv}; payback {pb} → {pba} yr "
        "after incentives; NPV {npv} → {npva} CNY; IRR {irr} → {irra}",
        "applies": "applies",
        "superseded": "superseded",
        "needs": "needs",
        "not applicable": "not applicable",
        "total": "counted incentives: {v} CNY",
        "timing": " (the tax-timing benefit above is in the NPV, not in this total)",
        "not_counted": "  Not counted — rules that need inputs (amounts if given and met, never "
        "added to the counted total):",
        "give": "give {inputs}",
        "potential": "if it qualifies: up to {v} CNY, not counted",
        "zero": "  inputs that would change this: {inputs}",
        "unknown_amount": "amount known once the inputs are given",
        "first_reason": "  Not applicable (the first condition that failed; --all for every one):",
        "conf": "confidence",
        "cny": "CNY",
        "verify": "verify against the official text before applying",
    },
    "zh": {
        "title": "可能适用的补贴与税收政策（企业自评，非核定金额）",
        "project": "项目 {p}（企业 {plant}）：投资 {inv} 万元；回收期 {pb} → 享受政策后 {pba} 年；"
        "净现值 {npv} → {npva} 万元；内部收益率 {irr} → {irra}",
        "applies": "适用",
        "superseded": "就高不重复未计",
        "needs": "需补充信息",
        "not applicable": "不适用",
        "total": "计入的政策支持：{v} 万元",
        "timing": "（上列税收递延收益计入净现值，不计入此合计）",
        "not_counted": "  未计入——需补充信息的政策（补充并符合条件后的金额，不计入、不与上列合计相加）：",
        "give": "请补充{inputs}",
        "potential": "如符合条件：最多 {v} 万元，未计入",
        "zero": "  补充以下信息可能改变计入金额：{inputs}",
        "unknown_amount": "补充信息后方可计算金额",
        "first_reason": "  不适用（列出第一个不满足的条件；--all 列出全部）：",
        "conf": "可信度",
        "cny": "万元",
        "verify": "依据二手来源，申报前请核对官方原文",
    },
}


def _money(x, lang: str = "en") -> str:
    """An amount in 元 as the listing shows it: whole 元 in English, 万元 to 2 decimals in
    Chinese (the JSON and CSV keep 元, every digit)."""
    if x is None or pd.isna(x):
        return "–"
    return f"{x / _WAN:,.2f}" if lang == "zh" else f"{x:,.0f}"


def _pct(x) -> str:
    return "–" if x is None or pd.isna(x) else f"{x:.1%}"


def _years(x) -> str:
    return "–" if x is None or pd.isna(x) else f"{x:.1f}"


def render_incentives(result: EstimateResult, lang: str = "en", show_all: bool = False) -> str:
    """Per project: its economics before and after incentives, each rule that applies (amount,
    confidence, verify flag) and the counted total; apart from it, the rules that need inputs
    (which column or option supplies each, and what the amount would become, never summed
    with the counted money); and every condition that failed for the others. A project that
    counts nothing but has rules needing inputs gets one line naming those inputs."""
    words = INCENTIVE_LABELS[lang]
    listing = result.incentives
    if listing is None or result.projects is None:
        raise ValueError("the result has no incentives: estimate it with a policy pack")
    lines = [words["title"], ""]
    name = "name_zh" if lang == "zh" else "name"
    why = "why_zh" if lang == "zh" and "why_zh" in listing.columns else "why"
    colon = "：" if lang == "zh" else ": "
    for project in result.projects.itertuples(index=False):
        lines.append(
            words["project"].format(
                p=project.project_id,
                plant=project.plant_id,
                inv=_money(project.investment_cny, lang),
                pb=_years(project.payback_years),
                pba=_years(project.payback_after_incentives_years),
                npv=_money(project.npv_cny, lang),
                npva=_money(project.npv_after_incentives_cny, lang),
                irr=_pct(project.irr),
                irra=_pct(project.irr_after_incentives),
            )
        )
        rules = listing[listing["project_id"] == project.project_id]
        for row in rules[rules["status"].isin(["applies", "superseded"])].itertuples():
            verify = f" — {words['verify']}" if row.verify else ""
            lines.append(
                f"  [{words[row.status]}] {row.rule_id} {getattr(row, name)}: "
                f"{_money(row.amount_cny, lang)} {words['cny']} ({words['conf']} "
                f"{row.confidence})"
                f"{verify}\n      {row.document} {row.clause}; {getattr(row, why)}"
            )
        timing = (rules["kind"] == "tax_timing") & (rules["status"] == "applies")
        lines.append(
            "  "
            + words["total"].format(v=_money(project.incentives_cny, lang))
            + (words["timing"] if timing.any() else "")
        )
        needing = rules[rules["status"] == "needs"]
        inputs = [
            n
            for n in dict.fromkeys(n.strip() for t in needing["needs"] for n in str(t).split(","))
            if n
        ]
        if inputs and not project.incentives_cny:  # a run that counts nothing says what would
            lines.append(words["zero"].format(inputs=needs_text(", ".join(inputs), lang)))
        if len(needing):
            lines.append(words["not_counted"])
        for row in needing.itertuples():
            potential = (
                words["potential"].format(v=_money(row.potential_cny, lang))
                if pd.notna(row.potential_cny)
                else words["unknown_amount"]
            )
            note = priority_text(getattr(row, "priority", ""), lang)
            priority = f"\n      {note}" if note else ""
            reason = getattr(row, why)
            reason = f"\n      {reason}" if reason else ""
            lines.append(
                f"  [{words['needs']}] {row.rule_id} {getattr(row, name)}{colon}"
                + words["give"].format(inputs=needs_text(row.needs, lang))
                + ("；" if lang == "zh" else "; ")
                + f"{potential}{reason}{priority}"
            )
        rest = rules[rules["status"] == "not applicable"]
        if show_all:  # every condition that failed, rule by rule
            lines += [
                f"  [{words['not applicable']}] {row.rule_id}{colon}{getattr(row, why)}"
                for row in rest.itertuples()
            ]
        elif len(rest):  # every rule named, grouped by its first failed condition, whole
            lines.append(words["first_reason"])
            first = rest[why].astype(str).str.split("；" if lang == "zh" else "; ").str[0]
            for reason, group in rest.groupby(first, sort=False):
                lines.append(
                    f"  [{words['not applicable']}] {reason}{colon}" + ", ".join(group["rule_id"])
                )
        lines.append("")
    return "\n".join(lines)


def render_validation(report: ValidationReport, lang: str = "en") -> str:
    """The terminal text of a validation report beside its problems: how each header was
    read, the headers carried through unread, the defaults an estimate would use, the
    caveats of the rows that passed and the total, signature and note rows skipped
    (``retrofit validate``; the problems go to stderr), in ``lang`` (``"en"`` or ``"zh"``)."""
    from ..core.messages import note_text, text

    lines = [
        text("read_as", lang, header=header, column=canonical)
        for canonical, header in report.header_map.items()
    ]
    lines += [text("carried_through", lang, header=h) for h in report.unmatched_headers]
    lines += [text("note", lang, note=note_text(note, lang)) for note in report.notes]
    for code, used in report.defaults.items():
        lines.append(
            text(
                "default_used",
                lang,
                code=code,
                column=used["column"],
                count=used["count"],
                value=value_label("default", used["value"], lang)
                if isinstance(used["value"], str)
                else used["value"],
                unit=columns.unit_text(str(used["unit"]), lang),
                confidence=used["confidence"],
            )
        )
    lines += [
        text("caveat", lang, code=c.code)
        + (text("caveat_rows", lang, count=c.count) if c.count else "")
        for c in report.caveats
    ]
    lines += [
        text(
            "row_skipped",
            lang,
            row=item["row"],
            kind=text(f"kind_{item['kind']}", lang),
            text=item["text"],
        )
        for item in report.skipped_rows
    ]
    return "".join(line + "\n" for line in lines)
