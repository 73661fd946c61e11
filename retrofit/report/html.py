"""The auditor's deliverable as one self-contained HTML file (zh or en).

No network and no script: styles are embedded, figures are inline SVG (text drawn as paths,
so no font is needed to show them), and the page prints on A4 (print CSS: repeated table
headers, no rows split across pages). Every number a reader needs to redo the estimate by
hand is in it: the measures with their savings on the named tce basis, the economics where
known, every default and factor with its reference table and source, and the caveats.
"""

from __future__ import annotations

import datetime as _dt
import html
import io
import math
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from .. import columns
from .._optional import MissingExtraError
from ..columns import header, known, unit_text, value_label
from ..io.atomic import atomic_write
from ..io.cells import NUL
from ..io.workbook import uncertainty_sources_in_chinese
from ..money.incentives import needs_text, priority_text
from ..results import EstimateResult
from .terminal import VALUE_FIELDS, bai_yi_clause, factor_key, input_label, uncertainty_lines

#: Per-plant supply curves drawn in the report (the whole inventory's curve is always drawn).
MAX_PLANT_FIGURES = 10
#: Measure rows listed in the report; the workbook and CSV hold all of them.
MAX_MEASURE_ROWS = 500

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Energy-saving retrofit assessment",
        "subtitle": "Estimate of energy, standard coal, CO2 and money saved by the measures "
        "listed — not a verified saving (GB/T 28750 measurement and verification "
        "is separate)",
        "input": "Inventory",
        "rows": "rows",
        "unread": "Headers not read",
        "generated": "Generated",
        "version": "retrofit",
        "basis": "Headline tce basis",
        "year": "Accounting year",
        "region": "Region",
        "summary": "Summary",
        "plants": "Plants and their 百一 position",
        "bai_yi_rule": "share = the coal saved realised in the accounting year (a row entering "
        "service in the year counts for its days in service, by in_service_date; no date: from "
        "1 January) ÷ previous-year energy, on the plant's energy basis; the full annual "
        "potential is shown beside it and not used by the verdict",
        "goals": "Toward the goals of {document} (this inventory, one year of savings)",
        "measures": "Measures",
        "more_rows": "{n} more rows are in the workbook and CSV outputs.",
        "economics": "Economics by project (discount rate {rate:.1%})",
        "incentives": "Incentives that may apply (self-assessment, not an award)",
        "not_counted": "Not counted: rules that need inputs (the amount if the inputs are given "
        "and met, never added to the counted incentives)",
        "uncertainty": "Uncertainty: P10 / P50 / P90 of savings ({n:,} draws, seed {seed})",
        "metered": "Metered savings against the estimate",
        "figures": "Figures",
        "no_figures": "Figures omitted: matplotlib is not installed. To draw them:",
        "assumptions": "Basis, factors and defaults",
        "factors": "Conversion and emission factors",
        "defaults": "Defaults used for blank cells",
        "models": "Models",
        "tables": "Reference tables used",
        "caveats": "Caveats",
        "none": "none",
        "footer": "Every value above comes from the tables listed under "
        "“Reference tables used”, each with its source and confidence "
        "(H: primary text; M: secondary; L: a lead to verify).",
        "verify": "verify against the official text before applying",
        "probability": "probability of meeting 百一",
        "tornado": "What drives the uncertainty",
    },
    "zh": {
        "title": "节能改造评估报告",
        "subtitle": "按所列措施估算的节电量、节约标准煤、减排二氧化碳与节约费用——非核定节能量"
        "（节能量测量与验证按 GB/T 28750 另行开展）",
        "input": "设备清单",
        "rows": "行",
        "unread": "未读取的表头",
        "generated": "生成时间",
        "version": "retrofit 版本",
        "basis": "标准煤折算口径",
        "year": "核算年度",
        "region": "地区",
        "summary": "汇总",
        "plants": "企业汇总与百一达标情况",
        "bai_yi_rule": "年节能量占上年综合能耗比例 = 当年实现节能量（当年投运的按投运日期折算天数，无日期按 1 月 1 日计）÷ "
        "上年综合能耗，二者口径一致；全年潜力并列对照，不用于判定",
        "goals": "对照{document}目标（本清单，一年节能量）",
        "measures": "改造措施明细",
        "more_rows": "另有 {n} 行见 Excel 与 CSV 输出。",
        "economics": "项目经济性（折现率 {rate:.1%}）",
        "incentives": "可能适用的补贴与税收政策（企业自评，非核定金额）",
        "not_counted": "未计入：需补充信息的政策（补充并符合条件后的金额，不计入、不与已计入金额相加）",
        "uncertainty": "不确定性：节能量 P10 / P50 / P90（{n:,} 次抽样，随机种子 {seed}）",
        "metered": "计量节能量与估算对比",
        "figures": "图表",
        "no_figures": "未绘制图表：未安装 matplotlib。安装方法：",
        "assumptions": "折算口径、系数与缺省值",
        "factors": "折标与排放系数",
        "defaults": "空白单元格采用的缺省值",
        "models": "计算模型",
        "tables": "所用参考表",
        "caveats": "提示",
        "none": "无",
        "footer": "以上数值均取自“所用参考表”所列各表，并注明来源与可信度（H：原文；M：二手来源；"
        "L：线索，需核实）。",
        "verify": "依据二手来源，申报前请核对官方原文",
        "probability": "百一达标概率",
        "tornado": "不确定性的主要来源",
    },
}

#: Numeric columns written without thousands separators (years).
PLAIN_INTEGERS = {
    "by",
    "year",
    "accounting_year",
    "wanted_year",
    "previous_year",
    "period_start",
    "period_end",
    "as_of_year",
}
_WAN = columns.WAN_YUAN
_in_wan = columns.shown_in_wan


def _exact(value: Any) -> str:
    """A factor with every digit its table gives (0.1229, 0.5306), never rounded for show."""
    if isinstance(value, float) and value.is_integer():
        return f"{value:.0f}"
    return "—" if value is None or _blank(value) else str(value)


CSS = """
:root { --ink: #1a1a1a; --muted: #5a5a5a; --rule: #c8c8c8; --band: #f3f5f7; --accent: #1f5f8b; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans CJK SC", "WenQuanYi Micro Hei", "Microsoft YaHei", "PingFang SC",
       "Source Han Sans SC", "Helvetica Neue", Arial, sans-serif; color: var(--ink);
       margin: 0 auto; max-width: 1180px; padding: 24px; font-size: 14px; line-height: 1.45; }
h1 { font-size: 24px; margin: 0 0 4px; color: var(--accent); }
h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 2px solid var(--accent); }
h3 { font-size: 15px; margin: 18px 0 6px; }
.subtitle, .note, footer { color: var(--muted); }
.banner { border: 2px solid #b00020; background: #fdecee; color: #7a0016; padding: 8px 14px;
          border-radius: 6px; margin: 0 0 12px; }
.banner ul { margin: 4px 0 0; }
.meta { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 10px 0; }
.kpis { display: flex; flex-wrap: wrap; gap: 12px; margin: 12px 0; }
.kpi { border: 1px solid var(--rule); border-radius: 6px; padding: 10px 14px; min-width: 190px;
       background: var(--band); }
.kpi .label { color: var(--muted); font-size: 12px; }
.kpi .value { font-size: 22px; font-weight: 600; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 12px; font-size: 12.5px; }
th, td { border: 1px solid var(--rule); padding: 3px 6px; vertical-align: top;
         overflow-wrap: anywhere; }
th { background: var(--band); text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
th.num { text-align: right; }
td.id, th.id { white-space: nowrap; }
table.measures tr.plant th { background: #e2eaf1; color: var(--accent); }
tr.verify td { background: #fff7e0; }
figure { margin: 10px 0 18px; }
figure svg { max-width: 100%; height: auto; }
figcaption { color: var(--muted); font-size: 12px; }
.status-meets { color: #1b7a36; font-weight: 600; }
.status-short { color: #b3261e; font-weight: 600; }
@page { size: A4; margin: 14mm 12mm; }
@page wide { size: A4 landscape; margin: 12mm 12mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10.5px; }
  h2 { break-after: avoid; }
  table { font-size: 9.5px; }
  thead { display: table-header-group; }
  tr, figure, .kpi { break-inside: avoid; }
  section { break-inside: auto; }
  #measures, #economics { page: wide; }
  .kpi { background: none; }
}
"""


def _esc(value: Any) -> str:
    return html.escape("" if value is None else str(value))


def _number(value: Any, column: str, lang: str = "en") -> str:
    """A cell as text: thousands separators, units-aware digits, blanks for missing; in a
    Chinese report tce to 2 decimals and money in 万元."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)) or value is pd.NA:
        return "—"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        x = float(value)
        if column in PLAIN_INTEGERS:
            return f"{x:.0f}"
        if _in_wan(column, lang):
            return f"{x / _WAN:,.2f}"
        if column in (
            "saving_share",
            "irr",
            "irr_after_incentives",
            "probability_meets_bai_yi",
        ) or column.endswith("_share"):
            return f"{x:.2%}"
        if column.endswith("_tce") or column in (
            "p10",
            "p50",
            "p90",
            "deterministic",
            "mean",
            "at_p10",
            "at_p90",
            "swing",
        ):
            return f"{x:,.2f}" if lang == "zh" else f"{x:,.3f}"
        if column.endswith("_years"):
            return f"{x:,.1f}"
        return f"{x:,.0f}" if abs(x) >= 100 or x == int(x) else f"{x:,.2f}"
    return str(value)


def table_html(
    frame: pd.DataFrame,
    lang: str,
    *,
    row_class: Callable[[pd.Series], str] | None = None,
    numeric: Iterable[str] | None = None,
) -> str:
    """An HTML table of ``frame`` with the glossary's headings in ``lang``."""
    columns = list(frame.columns)
    numeric = set(
        numeric
        if numeric is not None
        else [
            c
            for c in columns
            if pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c])
        ]
    )
    head = "".join(f"<th>{_esc(_heading(c, lang))}</th>" for c in columns)
    body = []
    for _, row in frame.iterrows():  # report tables: plants, projects, listed measures
        cls = row_class(row) if row_class else ""
        cells = []
        for c in columns:
            value = row[c]
            if c in numeric:
                cells.append(f'<td class="num">{_esc(_number(value, c, lang))}</td>')
            elif c == "bai_yi_status":
                kind = (
                    "meets"
                    if str(value).startswith("meets")
                    else ("short" if str(value).startswith("short") else "")
                )
                text = "" if _blank(value) else value_label(c, value, lang)
                cells.append(f'<td class="status-{kind}">{_esc(text)}</td>')
            elif c in VALUE_FIELDS and not _blank(value):
                cells.append(f"<td>{_esc(value_label(c, value, lang))}</td>")
            elif isinstance(value, float) and value.is_integer() and c in PLAIN_INTEGERS:
                cells.append(f"<td>{value:.0f}</td>")
            else:
                cells.append(f"<td>{_esc('' if _blank(value) else value)}</td>")
        body.append(f'<tr class="{cls}">' + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>" + "".join(body) + "</tbody></table>"


def _blank(value: Any) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _heading(column: str, lang: str) -> str:
    """The glossary's ``label [unit]`` (``[万元]`` for money in a Chinese report); a column the
    glossary does not know (an inventory's own pass-through column) keeps its name."""
    if _in_wan(column, lang):  # 万元, or 万元/年 for money a year
        return columns.wan_heading(column, lang)
    return header(column, lang) if known(column) else column


#: The salt of matplotlib's SVG ids (see :func:`svg_figure`)
SVG_HASH_SALT = "retrofit-report"
#: The banner at the top of the report of a run with user tables
NON_STANDARD_BANNER = {
    "en": "Non-standard result: these reference tables were replaced by your files",
    "zh": "非标准结果：以下参考表已被用户文件替换",
}


def non_standard_banner(result: EstimateResult, lang: str) -> str:
    """The first thing on the page of a non-standard run: which tables came from which
    files; empty for a standard run."""
    a = result.assumptions
    if not a.get("non_standard"):
        return ""
    tables = a.get("tables", {})
    items = "".join(
        f"<li><b>{_esc(name)}</b>: {_esc(tables.get(name, {}).get('file', ''))}</li>"
        for name in a["non_standard_tables"]
    )
    return (
        f"<div id='non-standard' class='banner' role='alert'><b>NON-STANDARD 非标准</b> "
        f"{_esc(NON_STANDARD_BANNER[lang])}<ul>{items}</ul></div>"
    )


def svg_figure(ax) -> str:
    """An Axes' figure as inline SVG (XML prolog removed), then closed."""
    import matplotlib.pyplot as plt

    buffer = io.StringIO()
    # matplotlib salts the SVG's clip-path and glyph ids with a random number unless
    # svg.hashsalt is set: a fixed salt makes the same result give the same bytes
    with plt.rc_context({"svg.hashsalt": SVG_HASH_SALT}):
        ax.figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(ax.figure)
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def _kpi(label: str, value: str) -> str:
    return (
        f'<div class="kpi"><div class="label">{_esc(label)}</div>'
        f'<div class="value">{_esc(value)}</div></div>'
    )


def render_html(
    result: EstimateResult,
    *,
    lang: str = "en",
    figures: bool = True,
    figure_lang: str | None = None,
) -> str:
    """The report as one HTML document (a string).

    ``figure_lang`` is the language of the figures' labels; by default the page's, or English
    when Chinese is asked for and no CJK font exists (:func:`retrofit.plotting.fonts.resolve_language`).
    """
    w = WORDS[lang]
    a = result.assumptions
    drawn: dict[str, str] = {}
    if figures:
        try:
            if figure_lang is None:  # Chinese labels only with a CJK font, else English
                from ..plotting.fonts import resolve_language

                figure_lang = resolve_language(lang)[0]
            drawn = _figures(result, figure_lang)
        except MissingExtraError as error:  # matplotlib is an extra: say so where figures go
            note = f"{w['no_figures']} {error.install}"
            drawn = {"supply": f"<p class='note'>{_esc(note)}</p>"}
    banner = non_standard_banner(result, lang)
    sections = [*([banner] if banner else []), _header(result, w, lang), _summary(result, w, lang)]
    if result.projects is not None and len(result.projects):
        sections.append(_economics(result, w, lang))
    if result.uncertainty is not None:
        sections.append(_uncertainty(result, w, lang, drawn.get("tornado", "")))
    if (
        "metered_saving_kwh" in result.assets.columns
        or "metered_saving_kwh" in result.plants.columns
    ):
        sections.append(_metered(result, w, lang))
    if drawn.get("supply"):
        sections.append(
            f"<section id='figures'><h2>{_esc(w['figures'])}</h2>{drawn['supply']}</section>"
        )
    sections.append(_assumptions(result, w, lang))
    sections.append(_caveats(result, w, lang))
    sections.append(f"<footer><p>{_esc(w['footer'])}</p></footer>")
    title = f"{w['title']} — {Path(a['input']['file']).name}"
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_esc(title)}</title><style>{CSS}</style></head><body>"
        + "\n".join(sections)
        + "</body></html>\n"
    )


def _header(result: EstimateResult, w: dict[str, str], lang: str) -> str:
    a = result.assumptions
    meta = [
        (
            w["input"],
            (
                f"{Path(a['input']['file']).name} ({a['input']['rows']} {w['rows']}, "
                f"sha256 {a['input']['sha256'][:16]}…)"
            ),
        ),
        (w["basis"], a["basis_zh"] if lang == "zh" else f"{a['basis_zh']} ({a['basis']})"),
        (w["year"], a["accounting_year"]),
        (w["region"], value_label("region", a["region"], lang)),
        (w["version"], a["retrofit_version"]),
        (w["generated"], _dt.date.today().isoformat()),
    ]
    if a["input"].get("passthrough_columns"):  # every header that was not read is named
        meta.append((w["unread"], ", ".join(a["input"]["passthrough_columns"])))
    rows = "".join(f"<div><b>{_esc(k)}</b></div><div>{_esc(v)}</div>" for k, v in meta)
    return (
        f"<header><h1>{_esc(w['title'])}</h1><p class='subtitle'>{_esc(w['subtitle'])}</p>"
        f"<div class='meta'>{rows}</div></header>"
    )


def _summary(result: EstimateResult, w: dict[str, str], lang: str) -> str:
    assets = result.assets
    basis = result.assumptions["basis_zh"]
    tce = float(assets["coal_saved_tce"].sum())

    def kpi(column: str, value: str, note: str = "") -> str:
        unit = unit_text(columns.unit(column), lang)
        return _kpi(columns.label(column, lang) + note, f"{value} {unit}")

    digits = 2 if lang == "zh" else 3
    headline = result.assumptions["basis"]
    both = [f"coal_saved_tce_{b}" for b in ("equivalent", "equal_value")]
    kpis = [kpi("energy_saved_kwh", f"{assets['energy_saved_kwh'].sum():,.0f}")]
    if all(column in assets.columns for column in both):
        # both bases side by side, the headline one marked: a reader compares them at a glance
        mark = " (主口径)" if lang == "zh" else " (headline)"
        kpis.extend(
            kpi(column, f"{float(assets[column].sum()):,.{digits}f}", "")
            if not column.endswith(headline)
            else kpi(column, f"{float(assets[column].sum()):,.{digits}f}", mark)
            for column in both
        )
    else:
        kpis.append(kpi("coal_saved_tce", f"{tce:,.{digits}f}", f" ({basis})"))
    kpis.append(kpi("co2_avoided_t", f"{assets['co2_avoided_t'].sum():,.1f}"))

    def money(column: str) -> str:
        total = float(assets[column].sum())
        if lang == "zh":  # 万元, as a Chinese client reads amounts
            return _kpi(columns.label(column, lang), f"{total / _WAN:,.2f} 万元")
        return kpi(column, f"{total:,.0f}")

    # totals of money are shown only when every row has the input (never a partial sum)
    if assets["investment_cny"].notna().all():
        kpis.append(money("investment_cny"))
    if assets["cost_saved_cny"].notna().all():
        kpis.append(money("cost_saved_cny"))
    plants = result.plants[
        [
            c
            for c in (
                "plant_id",
                "plant_name",
                "name",
                "assets",
                "energy_saved_kwh",
                "coal_saved_tce",
                "co2_avoided_t",
                "plant_energy_tce",
                "plant_energy_basis",
                "plant_energy_basis_source",
                "saving_share",
                "saving_share_full_year",
                "saving_share_equivalent",
                "saving_share_equal_value",
                "bai_yi_status",
                "shortfall_tce",
            )
            if c in result.plants.columns
        ]
    ]
    goals = result.assumptions.get("goals", {})
    document = result.assumptions.get("goal_pack", {}).get("document", "")
    goal_rows = pd.DataFrame(
        [
            {
                "goal": value_label("goal", name, lang),
                "this_inventory": g["this_inventory"],
                "unit": unit_text(str(g["unit"]), lang),
                "value": g["goal"],
                "by": g["by"],
            }
            for name, g in goals.items()
            if "this_inventory" in g
        ]
    )
    more = len(assets) - MAX_MEASURE_ROWS
    return (
        f"<section id='summary'><h2>{_esc(w['summary'])}</h2>"
        f"<div class='kpis' id='kpis'>{''.join(kpis)}</div>"
        f"<h3>{_esc(w['plants'])}</h3><p class='note'>"
        f"{_esc(bai_yi_clause(result.assumptions, lang))} {_esc(w['bai_yi_rule'])}</p>"
        + table_html(plants, lang)
        + (
            f"<h3>{_esc(w['goals'].format(document=document))}</h3>" + table_html(goal_rows, lang)
            if len(goal_rows)
            else ""
        )
        + f"</section><section id='measures'><h2>{_esc(w['measures'])}</h2>"
        + measures_table(result, lang, max_rows=MAX_MEASURE_ROWS)
        + (f"<p class='note'>{_esc(w['more_rows'].format(n=more))}</p>" if more > 0 else "")
        + "</section>"
    )


#: The measures table's numeric columns: the inputs a reviewer checks, then the results.
MEASURE_INPUTS = ("quantity", "rated_power_kw", "load_factor", "operating_hours_h")
MEASURE_RESULTS = (
    "energy_saved_kwh",
    "coal_saved_tce",
    "co2_avoided_t",
    "cost_saved_cny",
    "investment_cny",
    "payback_years",
)
#: The figure a reviewer compares before and after each part of a measure: (short name key,
#: column before, column after). A drive (add_vfd) is judged by its shaft power, not by the
#: motor's η (which falls at part load); leaks and pressure by the energy use itself.
FIGURES_COMPARED = {
    "efficiency": ("efficiency", "efficiency_baseline_pct", "efficiency_retrofit_pct"),
    "shaft_power": ("shaft_power", "baseline_shaft_kw", "retrofit_shaft_kw"),
    "machine_efficiency": (
        "machine_efficiency",
        "machine_efficiency_baseline_pct",
        "machine_efficiency_retrofit_pct",
    ),
    "specific_power": (
        "specific_power",
        "specific_power_baseline_kw_per_m3min",
        "specific_power_retrofit_kw_per_m3min",
    ),
    "losses": ("losses", "loss_power_baseline_kw", "loss_power_retrofit_kw"),
    "charger": ("efficiency", "charger_efficiency_baseline_pct", "charger_efficiency_retrofit_pct"),
    "pue": ("pue", "pue_baseline", "pue_retrofit"),
    "it_energy": ("it_energy", "it_energy_baseline_kwh", "it_energy_retrofit_kwh"),
    "energy": ("energy", "baseline_energy_kwh", "retrofit_energy_kwh"),
}
#: measure (or (category, measure)) → the figure it changes; any other measure: energy use
FIGURE_OF_MEASURE = {
    "upgrade_motor": "efficiency",
    "add_vfd": "shaft_power",
    ("compressor", "upgrade_equipment"): "specific_power",
    ("transformer", "upgrade_equipment"): "losses",
    "upgrade_equipment": "machine_efficiency",
    "replace_charger": "charger",
    "improve_pue": "pue",
    "refresh_it": "it_energy",
}
BEFORE_AFTER_WORDS = {
    "en": {
        "heading": "before → after",
        "pue": "PUE",
        "efficiency": "η",
        "specific_power": "specific power",
        "losses": "losses",
        "machine_efficiency": "fan/pump η",
        "shaft_power": "shaft power",
        "it_energy": "IT energy",
        "energy": "energy use",
        "kva": "kVA",
    },
    "zh": {
        "heading": "改造前 → 改造后",
        "pue": "PUE",
        "efficiency": "效率",
        "specific_power": "比功率",
        "losses": "损耗",
        "machine_efficiency": "风机/水泵效率",
        "shaft_power": "轴功率",
        "it_energy": "IT设备耗电量",
        "energy": "耗电量",
        "kva": "kVA",
    },
}


def name_columns(result: EstimateResult) -> list[str]:
    """The inventory's own name columns carried through unread (设备名称, 设备描述名称,
    ``equipment name`` …): a header with 名称 or "name" in it, in the file's order."""
    carried = result.assumptions["input"].get("passthrough_columns") or []
    return [
        c for c in carried if c in result.assets.columns and ("名称" in c or "name" in c.lower())
    ]


def _short_figure(value: float) -> str:
    """A before/after figure with the digits a reviewer compares (92.1 %, 1.35, 7.25)."""
    return (
        f"{value:,.0f}"
        if abs(value) >= 1000
        else (f"{value:,.1f}" if abs(value) >= 10 else f"{value:.2f}")
    )


def _figures_compared(category: str, measure: str) -> list[str]:
    keys: list[str] = []
    for part in measure.split("+"):
        key = FIGURE_OF_MEASURE.get((category, part)) or FIGURE_OF_MEASURE.get(part, "energy")
        if key not in keys:
            keys.append(key)
    return keys


def before_after(row: pd.Series, lang: str) -> str:
    """``η 91.8 → 95.0 %``: the figure each part of the row's measure changes, before and
    after, with its unit (``; ``-separated for a combined measure); the energy use where the
    row lacks that figure."""
    words = BEFORE_AFTER_WORDS[lang]
    category, measure = str(row.get("category", "")), str(row.get("measure", ""))
    texts: list[str] = []
    for key in [*_figures_compared(category, measure), "energy"]:
        name, before, after = FIGURES_COMPARED[key]
        if texts and key == "energy":
            break
        if before not in row.index or after not in row.index:
            continue
        a, b = row[before], row[after]
        if _blank(a) or _blank(b):
            continue
        u = columns.unit(before)
        unit = "" if u in ("", "-") else " " + unit_text(u, lang)
        texts.append(f"{words[name]} {_short_figure(float(a))} → {_short_figure(float(b))}{unit}")
    return "; ".join(texts)


def _plant_names(result: EstimateResult) -> dict[str, str]:
    names: dict[str, str] = {}
    for frame in (result.plants, result.assets):
        for column in ("plant_name", "name"):
            if column in frame.columns and "plant_id" in frame.columns:
                for plant, name in zip(frame["plant_id"], frame[column], strict=True):
                    if not _blank(name) and str(plant) not in names:
                        names[str(plant)] = str(name)
    return names


def measures_table(result: EstimateResult, lang: str, *, max_rows: int = MAX_MEASURE_ROWS) -> str:
    """The measures, one row per asset row, grouped by plant (the plant's id and name once, in
    a row across the table, not on every row): the asset id (never wrapped), the inventory's
    own name columns, the measure, the inputs a reviewer checks (quantity, kW, load, hours, the
    figure the measure changes before → after) and the savings and money."""
    assets = result.assets.head(max_rows)
    names = name_columns(result)
    inputs = [c for c in MEASURE_INPUTS if c in assets.columns]
    outputs = [c for c in MEASURE_RESULTS if c in assets.columns]
    words = BEFORE_AFTER_WORDS[lang]
    head = (
        f"<th class='id'>{_esc(_heading('asset_id', lang))}</th>"
        + "".join(f"<th>{_esc(n)}</th>" for n in names)
        + "".join(f"<th>{_esc(_heading(c, lang))}</th>" for c in ("category", "measure"))
        + "".join(f"<th class='num'>{_esc(_heading(c, lang))}</th>" for c in inputs)
        + f"<th>{_esc(words['heading'])}</th>"
        + "".join(f"<th class='num'>{_esc(_heading(c, lang))}</th>" for c in outputs)
    )
    width = 4 + len(names) + len(inputs) + len(outputs)
    plant_names = _plant_names(result)
    body: list[str] = []
    current: object = None
    for _, row in assets.iterrows():  # the listed rows only (max_rows)
        plant = row.get("plant_id")
        if plant != current:
            current = plant
            label = " ".join(
                p for p in (str(plant), plant_names.get(str(plant), "")) if p and p != "nan"
            )
            body.append(f"<tr class='plant'><th colspan='{width}'>{_esc(label)}</th></tr>")
        cells = [f"<td class='id'>{_esc(row['asset_id'])}</td>"]
        cells += [f"<td>{_esc('' if _blank(row[n]) else row[n])}</td>" for n in names]
        cells += [
            f"<td>{_esc('' if _blank(row.get(c)) else value_label(c, row.get(c), lang))}</td>"
            for c in ("category", "measure")
        ]
        for c in inputs:
            text = _number(row[c], c, lang)
            if c == "rated_power_kw" and _blank(row[c]) and not _blank(row.get("rated_kva")):
                text = f"{_number(row['rated_kva'], 'rated_kva', lang)} {words['kva']}"
            cells.append(f"<td class='num'>{_esc(text)}</td>")
        cells.append(f"<td class='change'>{_esc(before_after(row, lang))}</td>")
        cells += [f"<td class='num'>{_esc(_number(row[c], c, lang))}</td>" for c in outputs]
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (
        f"<table class='measures'><thead><tr>{head}</tr></thead><tbody>"
        + "".join(body)
        + "</tbody></table>"
    )


def _economics(result: EstimateResult, w: dict[str, str], lang: str) -> str:
    rate = result.assumptions["finance"]["discount_rate"]
    columns = [
        "project_id",
        "plant_id",
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
    every = result.projects
    if every is None:  # drawn only for results with project tables
        return ""
    projects = every[[c for c in columns if c in every.columns]]
    out = f"<section id='economics'><h2>{_esc(w['economics'].format(rate=rate))}</h2>" + table_html(
        projects, lang
    )
    if result.incentives is not None:
        listing = result.incentives
        name = "name_zh" if lang == "zh" else "name"
        why = "why_zh" if lang == "zh" and "why_zh" in listing.columns else "why"
        shown = listing[listing["status"] != "not applicable"].copy()
        shown["why"] = shown[why]
        shown["verify"] = shown["verify"].where(shown["verify"] == "", w["verify"])
        shown["priority"] = [priority_text(str(v), lang) for v in shown["priority"].fillna("")]
        shown["needs"] = [needs_text(str(v), lang) for v in shown["needs"].fillna("")]
        common = ["project_id", "rule_id", name, "status"]
        cited = ["confidence", "why", "priority", "document", "clause", "verify"]
        counted = shown[shown["status"] != "needs"][[*common, "amount_cny", *cited]]
        needing = shown[shown["status"] == "needs"][[*common, "needs", "potential_cny", *cited]]
        out += f"<h3>{_esc(w['incentives'])}</h3>" + table_html(
            counted, lang, row_class=lambda r: "verify" if r["verify"] else ""
        )
        if len(needing):  # apart from the counted money, never summed with it
            out += f"<h3>{_esc(w['not_counted'])}</h3>" + table_html(
                needing, lang, row_class=lambda r: "verify" if r["verify"] else ""
            )
    return out + "</section>"


def _uncertainty(result: EstimateResult, w: dict[str, str], lang: str, tornado_svg: str) -> str:
    u = result.uncertainty
    head = w["uncertainty"].format(n=u.draws, seed=u.seed)
    model = result.assumptions["uncertainty"]["model"]
    not_covered = result.assumptions["uncertainty"]["not_covered"]
    plants = u.plants[
        [
            "plant_id",
            "deterministic",
            "p10",
            "p50",
            "p90",
            "plant_energy_tce",
            "probability_meets_bai_yi",
        ]
    ]
    tornado = u.tornado[
        ["input", "rows", "at_p10", "at_p90", "swing", "distribution", "confidence"]
    ].assign(
        input=lambda t: [input_label(name, lang) for name in t["input"]],
        distribution=lambda t: [value_label("distribution", d, lang) for d in t["distribution"]],
    )
    out = (
        f"<section id='uncertainty'><h2>{_esc(head)}</h2>"
        f"<p class='note'>{_esc(_worded('rule', 'uncertainty.model', model, lang))}; "
        f"{_esc(_worded('rule', 'uncertainty.not_covered', not_covered, lang))}</p>"
        + "".join(f"<p class='note'>{_esc(line)}</p>" for line in uncertainty_lines(result, lang))
        + table_html(plants, lang)
        + table_html(
            u.portfolio.assign(metric=lambda t: [input_label(m, lang) for m in t["metric"]]), lang
        )
        + f"<h3>{_esc(w['tornado'])}</h3>"
        + table_html(tornado, lang)
        + table_html(
            u.inputs[
                [
                    "input",
                    "rows",
                    "method",
                    "distribution",
                    "low",
                    "mode",
                    "high",
                    "sd",
                    "unit",
                    "confidence",
                    "source",
                ]
            ].assign(
                input=lambda t: [input_label(name, lang) for name in t["input"]],
                method=lambda t: [value_label("uncertainty_method", m, lang) for m in t["method"]],
                distribution=lambda t: [
                    value_label("distribution", d, lang) for d in t["distribution"]
                ],
                unit=lambda t: [unit_text(str(v), lang) for v in t["unit"]],
                source=lambda t: [
                    v if lang == "en" else uncertainty_sources_in_chinese().get(v, v)
                    for v in t["source"]
                ],
            ),
            lang,
            numeric=["rows", "low", "mode", "high", "sd"],
        )
    )
    if len(getattr(u, "fixed", ())):  # the inputs that stay at their estimate, and why
        out += table_html(
            u.fixed[
                # the columns each stands for, by name: in English only (the glossary's Chinese
                # labels carry Latin symbols such as Uk)
                [
                    c
                    for c in ("input", "rows", "inventory_columns", "fixed_because", "confidence")
                    if c in u.fixed.columns and (lang == "en" or c != "inventory_columns")
                ]
            ].assign(
                fixed_because=lambda t: [
                    why if lang == "en" else value_label("uncertainty_fixed", name, lang)
                    for name, why in zip(t["input"], t["fixed_because"], strict=True)
                ],
                input=lambda t: [input_label(name, lang) for name in t["input"]],
            ),
            lang,
            numeric=["rows"],
        )
    return out + tornado_svg + "</section>"


def _metered(result: EstimateResult, w: dict[str, str], lang: str) -> str:
    columns = [
        "plant_id",
        "asset_id",
        "energy_saved_kwh",
        "metered_saving_kwh",
        "metered_difference_kwh",
        "metered_flag",
    ]
    parts = [f"<section id='metered'><h2>{_esc(w['metered'])}</h2>"]
    for frame in (result.plants, result.assets):
        if "metered_saving_kwh" in frame.columns:
            rows = frame[frame["metered_saving_kwh"].notna()]
            parts.append(table_html(rows[[c for c in columns if c in rows.columns]], lang))
    return "".join(parts) + "</section>"


def _figures(result: EstimateResult, lang: str) -> dict[str, str]:
    """Every figure of :func:`retrofit.plotting.estimate.estimate_figures` as inline SVG: here the
    supply curve (when costs are known) and the figures that need no money — savings by measure
    on both bases, each plant's 百一 share, the goal contributions — then each plant's curve;
    the tornado in the uncertainty section."""
    from ..plotting.estimate import estimate_figures

    parts: dict[str, list[str]] = {"supply": [], "tornado": []}
    for stem, caption, ax in estimate_figures(result, lang=lang, max_plants=MAX_PLANT_FIGURES):
        parts["tornado" if stem == "tornado" else "supply"].append(
            f"<figure>{svg_figure(ax)}<figcaption>{_esc(caption)}</figcaption></figure>"
        )
    return {name: "".join(items) for name, items in parts.items()}


def _assumptions(result: EstimateResult, w: dict[str, str], lang: str) -> str:
    a = result.assumptions
    factors = pd.DataFrame(
        [
            {
                "factor": value_label("factor", name, lang),
                "value": _exact(f.get("value")),
                "unit": f.get("unit", ""),
                "key": factor_key(str(f.get("key", "")), lang),
                "year": _exact(f.get("year")) if f.get("year") not in (None, "") else "",
                "table": f.get("table", ""),
                "confidence": f.get("confidence", ""),
                "source": f.get("source", ""),
            }
            for name, f in a["factors"].items()
        ]
    )
    defaults = pd.DataFrame(
        [
            {
                "code": code,
                "column": input_label(d["column"], lang),
                "value": value_label("default", d["value"], lang),
                "unit": unit_text(str(d["unit"]), lang),
                "count": d["count"],
                "confidence": d["confidence"],
                "source": d["source"],
            }
            for code, d in a["defaults"].items()
        ]
    )
    models = pd.DataFrame(
        [
            {"model": _worded("label", f"model.{k}", k, lang), "rule": _worded("model", k, v, lang)}
            for k, v in a["models"].items()
        ]
    )
    tables = pd.DataFrame(
        [
            {
                "table": t["table"],
                "citation": t["citation"],
                "edition": t["edition"],
                "confidence": t["confidence"],
                "source": t["file"] + (" (user)" if not t["standard"] else ""),
            }
            for t in a["tables"].values()
        ]
    )
    rules = [("bai_yi", a["bai_yi"]["rule"]), ("bai_yi_source", a["bai_yi"]["source"])]
    if "finance" in a:
        rules += [
            (f"finance.{k}", a["finance"][k])
            for k in (
                "discount_rate_source",
                "npv",
                "cost_of_saved_energy",
                "lifetimes",
                "stacking",
            )
        ]
    rules += [(f"economics.{k}", v) for k, v in a["economics"].items()]
    basis_rows = pd.DataFrame(
        [
            {"key": _worded("label", k, k, lang), "value": _worded("rule", k, v, lang)}
            for k, v in rules
        ]
    )
    return (
        f"<section id='assumptions'><h2>{_esc(w['assumptions'])}</h2>"
        f"<h3>{_esc(w['factors'])}</h3>"
        + table_html(factors, lang, numeric=[])
        + f"<h3>{_esc(w['defaults'])}</h3>"
        + (
            table_html(defaults, lang, numeric=["count"])
            if len(defaults)
            else f"<p>{_esc(w['none'])}</p>"
        )
        + f"<h3>{_esc(w['models'])}</h3>"
        + table_html(models, lang)
        + table_html(basis_rows, lang)
        + f"<h3>{_esc(w['tables'])}</h3>"
        + table_html(tables, lang)
        + "</section>"
    )


def _worded(field: str, key: str, english: Any, lang: str) -> str:
    """``english`` in an English report; the vocabulary's Chinese text for ``key`` in a Chinese
    one (``english`` itself where the vocabulary has none, e.g. a quoted Chinese source)."""
    if lang == "en":
        return str(english)
    text = value_label(field, key, lang)
    return str(english) if text == key else text


def _caveats(result: EstimateResult, w: dict[str, str], lang: str) -> str:
    rows = pd.DataFrame(
        [
            {
                "code": c.code,
                "count": c.count,
                "message": c.message_zh if lang == "zh" and c.message_zh else c.message,
            }
            for c in result.caveats
        ]
    )
    return (
        f"<section id='caveats'><h2>{_esc(w['caveats'])}</h2>"
        + (table_html(rows, lang, numeric=["count"]) if len(rows) else f"<p>{_esc(w['none'])}</p>")
        + "</section>"
    )


def write_html(
    result: EstimateResult, path: str | Path, *, lang: str = "en", figure_lang: str | None = None
) -> None:
    """Write the report atomically (UTF-8), without NUL bytes (as every output: an inventory's
    text may carry one; a browser would show it as U+FFFD)."""
    text = render_html(result, lang=lang, figure_lang=figure_lang).replace(NUL, "")
    atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
