"""A city's (or a district's) portfolio as one self-contained HTML page (zh or en).

The page a city's energy office reads: the 百一 ranking of the plants in the as-of year (each
plant's realised saving ÷ its previous-year energy against the goal pack's line, the plants
short of it named), progress and trajectories against the pack's cumulative goals, totals by
district and industry where the plants file gives them, and savings by measure. As the
estimate's report (:mod:`.html`): no script and no network, inline CSS and SVG figures (the
plotting functions of :mod:`retrofit.plotting.portfolio`), A4 print CSS, and the same bytes for
the same result (no date on the page; the SVG ids are salted with a fixed salt).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pandas as pd

from .. import columns
from .._optional import MissingExtraError
from ..columns import value_label
from ..io.atomic import atomic_write
from ..io.cells import NUL
from ..portfolio.tables import PortfolioResult
from .html import CSS, svg_figure, table_html
from .terminal import short_plant_texts

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Energy-saving retrofits: portfolio report",
        "subtitle": "Estimated savings of the inventories below against the goals of {pack} — "
        "not verified savings (GB/T 28750 measurement and verification is separate)",
        "pack": "Goal pack",
        "year": "As of year",
        "basis": "Headline tce basis",
        "files": "Inventories",
        "plants_n": "Plants",
        "assets": "Asset rows",
        "version": "retrofit",
        "kpi_tce": "Saving capacity, {basis} [tce/yr]",
        "kpi_kwh": "Electricity saved [kWh/yr]",
        "kpi_co2": "CO2 avoided [t/yr]",
        "kpi_bai_yi": "Plants meeting 百一 in {year}",
        "ranking": "百一 ranking of the plants, {year}",
        "ranking_rule": "Ranked by the share of the previous year's energy saved in {year} "
        "(realised saving by in-service date ÷ energy of {previous}, on each plant's energy "
        "basis), against the {line} line of the goal pack.",
        "short": "Short of the {line} line ({n}):",
        "counted_basis": "Each plant's share on both tce bases (当量值: equivalent, 等价值: "
        "equal-value); * marks the basis the verdict counts (the plant's energy basis), the "
        "other is shown beside it, not counted.",
        "none_short": "No plant with a known share is short of the {line} line.",
        "unknown": "Unknown (no energy use of {previous} given): {names}.",
        "no_ranking": "The goal pack sets no per-enterprise annual share: no 百一 ranking.",
        "goals": "Progress against the goals of {pack} (as of {year})",
        "capacity": "saving capacity",
        "realised": "energy realised",
        "trajectory": "Trajectory of the standard coal saved ({basis})",
        "other_trajectories": "Trajectories of the other cumulative goals",
        "districts": "By district",
        "industries": "By industry",
        "group_trajectory_district": "Trajectory of each district ({basis})",
        "group_trajectory_industry": "Trajectory of each industry ({basis})",
        "group_table_note": "Saving capacity in service at the end of each year [tce/yr, "
        "{basis}] and its share of the city goal ({goal} {unit} by {end}); the chart draws the "
        "same numbers.",
        "group_table_no_goal": "Saving capacity in service at the end of each year [tce/yr, "
        "{basis}]; the goal pack sets no cumulative tce goal.",
        "end_of": "end of {year}",
        "goal_share_at": "share of the city goal, end of {year}",
        "bai_yi_met": "百一 met in {year}",
        "bai_yi_short": "short in {year}",
        "by_measure": "Savings by measure",
        "figures_missing": "Figures omitted: matplotlib is not installed. To draw them:",
        "file_list": "Inventories read",
        "caveats": "Caveats",
        "none": "none",
        "footer": "Every figure comes from the estimate of each inventory (see each plant's "
        "report for its factors, defaults and sources); the goals quote {pack}.",
    },
    "zh": {
        "title": "节能改造项目组合评估报告",
        "subtitle": "下列设备清单的估算节能量对照{pack}目标——非核定节能量"
        "（节能量测量与验证按 GB/T 28750 另行开展）",
        "pack": "目标文件",
        "year": "截至年份",
        "basis": "标准煤折算口径",
        "files": "设备清单",
        "plants_n": "企业数",
        "assets": "设备行数",
        "version": "retrofit 版本",
        "kpi_tce": "节能能力（{basis}）[tce/年]",
        "kpi_kwh": "年节电量 [kWh/年]",
        "kpi_co2": "年减排二氧化碳 [t/年]",
        "kpi_bai_yi": "{year}年百一达标企业",
        "ranking": "{year}年企业百一排名",
        "ranking_rule": "按{year}年实现节能量（按投运日期折算）占{previous}年综合能耗的比例排序"
        "（各企业按其能耗口径），对照目标文件的 {line} 达标线。",
        "short": "未达 {line} 达标线的企业（{n} 家）：",
        "counted_basis": "括号内为两种折算口径下的比例；* 为判定所用口径（企业上年综合能耗口径），"
        "另一口径仅供对照，不作判定。",
        "none_short": "已知比例的企业均达到 {line} 达标线。",
        "unknown": "无法判定（未提供{previous}年综合能耗）：{names}。",
        "no_ranking": "目标文件未设企业年度节能比例，不作百一排名。",
        "goals": "对照{pack}目标的进展（截至{year}年）",
        "capacity": "节能能力",
        "realised": "实现节能量",
        "trajectory": "节约标准煤的逐年进展（{basis}）",
        "other_trajectories": "其他累计目标的逐年进展",
        "districts": "按区县汇总",
        "industries": "按行业汇总",
        "group_trajectory_district": "各区县节能能力逐年进展（{basis}）",
        "group_trajectory_industry": "各行业节能能力逐年进展（{basis}）",
        "group_table_note": "各年末在运措施的累计节能能力 [tce/年，{basis}] 及其占全市目标"
        "（{end}年 {goal} {unit}）的比例；与上图数值相同。",
        "group_table_no_goal": "各年末在运措施的累计节能能力 [tce/年，{basis}]；目标文件未设累计节能量目标。",
        "end_of": "{year}年末",
        "goal_share_at": "{year}年末占全市目标比例",
        "bai_yi_met": "{year}年百一达标企业数",
        "bai_yi_short": "{year}年未达标企业数",
        "by_measure": "按措施汇总",
        "figures_missing": "未绘制图表：未安装 matplotlib。安装方法：",
        "file_list": "读取的设备清单",
        "caveats": "提示",
        "none": "无",
        "footer": "各项数值取自各设备清单的估算（折算系数、缺省值与来源见各企业的评估报告）；"
        "目标引自{pack}。",
    },
}

#: The page's own rules beside the estimate report's: the plants short of 百一 in columns, so a
#: city's hundred names take a few lines, not a page
PORTFOLIO_CSS = """
.plant-list { columns: 2 24em; column-gap: 28px; margin: 4px 0 6px; padding-left: 20px; }
.plant-list li { break-inside: avoid; }
@media print {
  .plant-list { columns: 2; font-size: 9.5px; }
  #ranking-table { page: wide; }
}
"""

#: Basis names as the page writes them
BASIS_WORDS = {
    "en": {"equivalent": "当量值 (equivalent)", "equal_value": "等价值 (equal-value)"},
    "zh": {"equivalent": "当量值", "equal_value": "等价值"},
}


def bai_yi_ranking(result: PortfolioResult, year: int | None = None) -> pd.DataFrame:
    """The plants of ``year`` (default: the as-of year) ranked by their 百一 saving share,
    largest first; plants whose share is unknown come last, in plant order. Columns: ``rank``
    (1, 2, …; blank when unknown), the plant's id, name, district and industry, then the
    ``bai_yi`` table's previous-year energy, realised saving, share, target share, shortfall
    and status."""
    year = result.assumptions["portfolio"]["as_of_year"] if year is None else year
    rows = result.bai_yi[result.bai_yi["year"] == year]
    register = result.plants.set_index("plant_id")
    ranked = rows.assign(_known=rows["saving_share"].notna()).sort_values(
        ["_known", "saving_share", "plant_id"], ascending=[False, False, True], kind="stable"
    )
    out = pd.DataFrame({"plant_id": ranked["plant_id"].to_numpy()})
    for column in ("name", "district", "industry"):
        if column in register.columns:
            values = register[column].reindex(out["plant_id"]).to_numpy()
            if pd.notna(values).any():
                out[column] = values
    known = ranked["_known"].to_numpy()
    out.insert(0, "rank", pd.array([i + 1 if k else None for i, k in enumerate(known)], "Int64"))
    for column in (
        "previous_year_energy_tce",
        "realised_tce",
        "saving_share",
        "target_share",
        "shortfall_tce",
        "bai_yi_status",
    ):
        out[column] = ranked[column].to_numpy()
    return out


def measure_type_text(measure_type: str, lang: str) -> str:
    """``compressor: upgrade_equipment+fix_leaks`` as a reader of ``lang`` reads it
    (``空压机：设备更新+泄漏治理``)."""
    if lang == "en" or ": " not in measure_type:
        return measure_type
    category, measures = measure_type.split(": ", 1)
    pile = ""
    if measures.endswith(")") and " (" in measures:  # a charging pile's type: (ac) or (dc)
        measures, kind = measures[:-1].rsplit(" (", 1)
        pile = f"（{value_label('charger_type', kind, lang)}）"
    return (
        value_label("category", category, lang)
        + "："
        + "+".join(value_label("measure", m, lang) for m in measures.split("+"))
        + pile
    )


def _plant_text(row: pd.Series) -> str:
    name = row.get("name")
    return f"{row['plant_id']} {name}" if isinstance(name, str) and name else str(row["plant_id"])


def _percent(x: float) -> str:
    return "—" if pd.isna(x) else f"{x:.2%}"


def _esc(value: Any) -> str:
    import html

    return html.escape("" if value is None else str(value))


def _kpi(label: str, value: str) -> str:
    return (
        f'<div class="kpi"><div class="label">{_esc(label)}</div>'
        f'<div class="value">{_esc(value)}</div></div>'
    )


def _figure(ax, caption: str = "") -> str:
    cap = f"<figcaption>{_esc(caption)}</figcaption>" if caption else ""
    return f"<figure>{svg_figure(ax)}{cap}</figure>"


def render_portfolio_html(
    result: PortfolioResult,
    *,
    lang: str = "en",
    figures: bool = True,
    figure_lang: str | None = None,
) -> str:
    """The portfolio report as one HTML document (a string).

    Parameters
    ----------
    result : PortfolioResult
        :func:`retrofit.portfolio.portfolio`'s result.
    lang : {"en", "zh"}
        Language of the page.
    figures : bool, default True
        Draw the figures (needs matplotlib, the ``plots`` extra; without it the page says how
        to install it where the figures would be).
    figure_lang : {"en", "zh"}, optional
        Language of the figures' labels; by default the page's, or English when Chinese is
        asked for and no CJK font exists.
    """
    if lang not in WORDS:
        raise ValueError(f"lang must be 'en' or 'zh', got {lang!r}")
    w = WORDS[lang]
    p = result.assumptions["portfolio"]
    pack = p["goal_pack"]
    year = int(p["as_of_year"])
    pack_name = str(pack.get("document") or pack["name"])
    drawn: dict[str, str] = {}
    missing = ""
    if figures:
        try:
            from ..plotting.fonts import resolve_language
            from ..plotting.portfolio import portfolio_figures

            used = figure_lang or resolve_language(lang)[0]
            drawn = {stem: _figure(ax) for stem, ax in portfolio_figures(result, lang=used).items()}
        except MissingExtraError as error:
            missing = f"<p class='note'>{_esc(w['figures_missing'])} {_esc(error.install)}</p>"
    sections = [
        _header(result, w, lang, pack_name, year),
        _ranking(result, w, lang, year, drawn.get("bai_yi_ranking", missing)),
        _goals(result, w, lang, pack_name, year, drawn, missing),
        _groups(result, w, lang, year, drawn, missing),
        _measures(result, w, lang, drawn, missing),
        _files_and_caveats(result, w, lang),
        f"<footer><p>{_esc(w['footer'].format(pack=pack_name))}</p></footer>",
    ]
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_esc(w['title'])} — {_esc(pack_name)} {year}</title>"
        f"<style>{CSS}{PORTFOLIO_CSS}</style></head><body>"
        + "\n".join(s for s in sections if s)
        + "</body></html>\n"
    )


def _header(result: PortfolioResult, w: dict[str, str], lang: str, pack: str, year: int) -> str:
    from .._version import __version__

    p = result.assumptions["portfolio"]
    t = result.totals.iloc[0]
    basis = BASIS_WORDS[lang][p["basis"]]
    meta = [
        (w["pack"], pack),
        (w["year"], str(year)),
        (w["basis"], basis),
        (w["files"], str(len(result.files))),
        (w["plants_n"], f"{int(t['plants']):,}"),
        (w["assets"], f"{int(t['assets']):,}"),
        (w["version"], __version__),
    ]
    rows = "".join(f"<div><b>{_esc(k)}</b></div><div>{_esc(v)}</div>" for k, v in meta)
    ranking = result.bai_yi[result.bai_yi["year"] == year]
    met = int(ranking["meets_bai_yi"].fillna(False).astype(bool).sum())
    digits = 2 if lang == "zh" else 1
    kpis = [
        _kpi(w["kpi_tce"].format(basis=basis), f"{float(t['coal_saved_tce']):,.{digits}f}"),
        _kpi(w["kpi_kwh"], f"{float(t['energy_saved_kwh']):,.0f}"),
        _kpi(w["kpi_co2"], f"{float(t['co2_avoided_t']):,.1f}"),
    ]
    if len(ranking):
        kpis.append(_kpi(w["kpi_bai_yi"].format(year=year), f"{met} / {len(ranking)}"))
    return (
        f"<header><h1>{_esc(w['title'])}</h1>"
        f"<p class='subtitle'>{_esc(w['subtitle'].format(pack=pack))}</p>"
        f"<div class='meta'>{rows}</div></header>"
        f"<div class='kpis' id='kpis'>{''.join(kpis)}</div>"
    )


def _ranking(result: PortfolioResult, w: dict[str, str], lang: str, year: int, figure: str) -> str:
    head = f"<section id='ranking'><h2>{_esc(w['ranking'].format(year=year))}</h2>"
    ranking = bai_yi_ranking(result, year)
    if not len(ranking):
        return head + f"<p class='note'>{_esc(w['no_ranking'])}</p></section>"
    target = float(ranking["target_share"].iloc[0])
    line = f"{target:.0%}" if math.isclose(target * 100, round(target * 100)) else f"{target:.2%}"
    short = ranking[ranking["saving_share"] < ranking["target_share"]]
    unknown = ranking[ranking["saving_share"].isna()]
    parts = [
        head,
        "<p class='note'>"
        + _esc(w["ranking_rule"].format(year=year, previous=year - 1, line=line))
        + "</p>",
    ]
    if len(short):
        rows = result.bai_yi[result.bai_yi["year"] == year].set_index("plant_id")
        shares = rows.reindex(short["plant_id"]).reset_index()
        named = "".join(
            f"<li>{_esc(text)}</li>" for text in short_plant_texts(shares, result.plants, lang)
        )
        parts.append(
            f"<div id='short'><p><b>{_esc(w['short'].format(line=line, n=len(short)))}</b></p>"
            f"<ul class='plant-list'>{named}</ul>"
            f"<p class='note' id='counted-basis'>{_esc(w['counted_basis'])}</p></div>"
        )
    else:
        parts.append(f"<p id='short'>{_esc(w['none_short'].format(line=line))}</p>")
    if len(unknown):
        names = "; ".join(_plant_text(r) for _, r in unknown.iterrows())
        parts.append(
            f"<p class='note'>{_esc(w['unknown'].format(previous=year - 1, names=names))}</p>"
        )
    parts.append(figure)
    if lang == "zh":  # "unknown (no energy for 2025)": the vocabulary's words for it
        ranking = ranking.assign(
            bai_yi_status=[
                "unknown (no plant energy)" if str(v).startswith("unknown (no energy") else v
                for v in ranking["bai_yi_status"]
            ]
        )
    parts.append(
        "<div id='ranking-table'>"
        + table_html(
            ranking,
            lang,
            numeric=[
                "rank",
                "previous_year_energy_tce",
                "realised_tce",
                "saving_share",
                "target_share",
                "shortfall_tce",
            ],
        )
        + "</div>"
    )
    return "".join(parts) + "</section>"


def _goals(
    result: PortfolioResult,
    w: dict[str, str],
    lang: str,
    pack: str,
    year: int,
    drawn: dict[str, str],
    missing: str,
) -> str:
    goals = result.goals[result.goals["kind"] == "cumulative"]
    # a Chinese report writes money in 万元
    scale = [
        float(columns.WAN_YUAN) if lang == "zh" and u == "CNY" else 1.0
        for u in goals["achieved_unit"]
    ]
    view = pd.DataFrame(
        {
            "goal": [value_label("goal", g, lang) for g in goals["goal"]],
            "counted_as": [
                w["realised"] if c == "energy realised" else w["capacity"]
                for c in goals["counted_as"]
            ],
            "achieved_to_date": goals["achieved_to_date"].to_numpy() / scale,
            "share_to_date": [_percent(x) for x in goals["share_to_date"]],
            "planned_by_end": goals["planned_by_end"].to_numpy() / scale,
            "share_by_end": [_percent(x) for x in goals["share_by_end"]],
            "target": goals["target"].to_numpy() / scale,
            "achieved_unit": [
                "万元" if s != 1.0 else columns.unit_text(str(u), lang)
                for u, s in zip(goals["achieved_unit"], scale, strict=True)
            ],
            "period_end": goals["period_end"].to_numpy(),
        }
    )
    basis = BASIS_WORDS[lang][result.assumptions["portfolio"]["basis"]]
    tce = result.trajectory[result.trajectory["metric"] == "coal_saved_tce"]
    trajectory = tce[
        ["year", "capacity_added", "capacity_cumulative", "realised", "realised_cumulative"]
    ]
    # the tce goal's chart above its table, the other goals' (kW, piles, money) after it
    tce_stems = {f"trajectory_{g}" for g in goals.loc[goals["counts"] == "coal_saved_tce", "goal"]}
    figures = "".join(v for k, v in sorted(drawn.items()) if k in tce_stems)
    others = "".join(
        v for k, v in sorted(drawn.items()) if k.startswith("trajectory_") and k not in tce_stems
    )
    if others:
        others = f"<h3>{_esc(w['other_trajectories'])}</h3>{others}"
    return (
        f"<section id='goals'><h2>{_esc(w['goals'].format(pack=pack, year=year))}</h2>"
        + table_html(
            view,
            lang,
            numeric=[
                "achieved_to_date",
                "share_to_date",
                "planned_by_end",
                "share_by_end",
                "target",
                "period_end",
            ],
        )
        + f"<h3>{_esc(w['trajectory'].format(basis=basis))}</h3>"
        + (figures or missing)
        + table_html(trajectory, lang)
        + others
        + "</section>"
    )


def _groups(
    result: PortfolioResult,
    w: dict[str, str],
    lang: str,
    year: int,
    drawn: dict[str, str],
    missing: str,
) -> str:
    """Totals by district and by industry, each with its plants meeting and short of 百一 in
    the as-of year, then its trajectory against the city goal (chart and table); left out when
    the plants file names none."""
    ranking = result.bai_yi[result.bai_yi["year"] == year]
    parts = []
    for key, column in (("districts", "district"), ("industries", "industry")):
        frame = getattr(result, key)
        if column not in result.plants.columns or result.plants[column].isna().all():
            continue
        view = frame[
            [
                c
                for c in (
                    column,
                    "plants",
                    "assets",
                    "energy_saved_kwh",
                    "coal_saved_tce",
                    "co2_avoided_t",
                    "investment_cny",
                )
                if c in frame.columns and (c != "investment_cny" or frame[c].notna().any())
            ]
        ].sort_values(["coal_saved_tce", column], ascending=[False, True], kind="stable")
        if len(ranking):
            group_of = result.plants.set_index("plant_id")[column].fillna("(not given)")
            groups = group_of.reindex(ranking["plant_id"]).to_numpy()
            met = ranking["meets_bai_yi"].astype("boolean")
            counts = (
                pd.DataFrame(
                    {
                        "group": groups,
                        "met": met.fillna(False).to_numpy(),
                        "short": (~met).fillna(False).to_numpy(),
                    }
                )
                .groupby("group")[["met", "short"]]
                .sum()
            )
            met_label = w["bai_yi_met"].format(year=year)
            short_label = w["bai_yi_short"].format(year=year)
            view = view.assign(
                **{
                    met_label: counts["met"].reindex(view[column]).fillna(0).astype(int).to_numpy(),
                    short_label: counts["short"]
                    .reindex(view[column])
                    .fillna(0)
                    .astype(int)
                    .to_numpy(),
                }
            )
        parts.append(
            f"<h2>{_esc(w[key])}</h2>"
            + table_html(view, lang)
            + _group_trajectory(result, w, lang, column, drawn.get(f"{key}_trajectory", missing))
        )
    return f"<section id='groups'>{''.join(parts)}</section>" if parts else ""


def _group_trajectory(
    result: PortfolioResult, w: dict[str, str], lang: str, grouping: str, figure: str
) -> str:
    """The chart of each group's cumulative saving capacity and, under it, the same numbers: one
    row per group, its capacity in service at the end of each year (tce to 2 decimals) and its
    share of the city goal at the window's end."""
    frame = getattr(result, "group_trajectory", pd.DataFrame())
    part = frame[frame["grouped_by"] == grouping] if len(frame) else frame
    if not len(part):
        return ""
    basis = BASIS_WORDS[lang][result.assumptions["portfolio"]["basis"]]
    years = sorted(int(y) for y in part["year"].unique())
    wide = part.pivot_table(
        index="group", columns="year", values="capacity_cumulative", aggfunc="sum"
    ).reindex(columns=years)
    share = part[part["year"] == years[-1]].set_index("group")["goal_share_cumulative"]
    order = sorted(wide.index, key=lambda g: (-float(wide.at[g, years[-1]]), str(g)))
    table = pd.DataFrame({grouping: [value_label("grouping", g, lang) for g in order]})
    year_columns = [w["end_of"].format(year=y) for y in years]
    for y, heading in zip(years, year_columns, strict=True):
        table[heading] = [f"{float(wide.at[g, y]):,.2f}" for g in order]
    goals = result.goals[
        (result.goals["kind"] == "cumulative") & (result.goals["counts"] == "coal_saved_tce")
    ]
    numeric = list(year_columns)
    if len(goals):
        goal = goals.iloc[0]
        share_column = w["goal_share_at"].format(year=years[-1])
        table[share_column] = [_small_percent(share.get(g)) for g in order]
        numeric.append(share_column)
        unit = columns.unit_text("tce/yr", lang)
        note = w["group_table_note"].format(
            basis=basis,
            goal=f"{float(goal['target']):,.0f}",
            unit=unit,
            end=int(goal["period_end"]),
        )
    else:
        note = w["group_table_no_goal"].format(basis=basis)
    return (
        f"<h3>{_esc(w[f'group_trajectory_{grouping}'].format(basis=basis))}</h3>"
        + figure
        + f"<p class='note'>{_esc(note)}</p>"
        + table_html(table, lang, numeric=numeric)
    )


def _small_percent(x: Any) -> str:
    """A share as a percentage with four significant digits, so a district's 0.003 % of a city
    goal does not read 0.00 %."""
    return "—" if x is None or pd.isna(x) else f"{float(x) * 100:.4g}%"


def _measures(
    result: PortfolioResult, w: dict[str, str], lang: str, drawn: dict[str, str], missing: str
) -> str:
    shown = [
        "measure_type",
        "assets",
        "energy_saved_kwh",
        "coal_saved_tce_equivalent",
        "coal_saved_tce_equal_value",
        "co2_avoided_t",
    ]
    view = result.by_measure[[c for c in shown if c in result.by_measure.columns]].assign(
        measure_type=lambda f: [measure_type_text(str(m), lang) for m in f["measure_type"]]
    )
    figures = drawn.get("savings_by_measure", missing) + drawn.get("abatement_curve", "")
    return (
        f"<section id='by-measure'><h2>{_esc(w['by_measure'])}</h2>{figures}"
        + table_html(view, lang)
        + "</section>"
    )


def _files_and_caveats(result: PortfolioResult, w: dict[str, str], lang: str) -> str:
    files = result.files
    shown = files[[c for c in ("file", "status", "rows", "problems") if c in files.columns]].assign(
        file=lambda f: [Path(str(p)).name for p in f["file"]]
    )
    caveats = pd.DataFrame(
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
        f"<section id='files'><h2>{_esc(w['file_list'])}</h2>"
        + table_html(shown, lang, numeric=["rows", "problems"])
        + f"<h2>{_esc(w['caveats'])}</h2>"
        + (
            table_html(caveats, lang, numeric=["count"])
            if len(caveats)
            else f"<p>{_esc(w['none'])}</p>"
        )
        + "</section>"
    )


def write_portfolio_html(
    result: PortfolioResult,
    path: str | Path,
    *,
    lang: str = "en",
    figure_lang: str | None = None,
) -> None:
    """Write :func:`render_portfolio_html` atomically (UTF-8, no NUL bytes)."""
    text = render_portfolio_html(result, lang=lang, figure_lang=figure_lang).replace(NUL, "")
    atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
