"""Figures of one estimate: conservation supply curves (all plants, then each plant, with its
百一 line) and the tornado of the Monte Carlo; :func:`estimate_figures` draws them and
:func:`write_supply_curves` writes them.

Imports matplotlib (the ``plots`` extra) and raises
:class:`retrofit._optional.MissingExtraError` naming the extra when it is missing.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from .. import columns
from .._optional import plots_missing

try:  # matplotlib is the [plots] extra
    from matplotlib.axes import Axes
except ImportError as error:
    raise plots_missing() from error

from .common import (
    COLOURS,
    format_percent,
    format_value,
    new_axes,
    outside_legend,
    require_columns,
    save_figure,
)
from .fonts import resolve_language
from .labels import FigureText
from .portfolio import plot_abatement_curve

_SUPPLY_TEXT = {
    "en": {
        "title": "Conservation supply curve — {scope}",
        "bai_yi": "百一 ({value:,.1f} tce/yr)",
        "bai_yi_quoted": "百一, {document}{clause}: “{words}” ({value:,.1f} tce/yr)",
        "bai_yi_all": "百一 of all plants with known energy ({value:,.1f} tce/yr)",
        "value": "value of saved energy ({value:,.0f} CNY/tce)",
        "goal": "{goal} ({value:,.0f} {unit})",
        "bai_yi_share": "百一 line ({share})",
        "bai_yi_share_quoted": "百一 line, {document}{clause}: “{words}” ({share})",
        "covers": "covers {shown} of {total} tce/yr ({share}); left out: {reasons}",
        "lacking": "{n} row(s) without {what}",
        "lacks_why": " (no cost of saved tce)",
        "savings_caption": "Savings by measure (当量值 and 等价值)",
        "bai_yi_caption": "百一: each plant's share against its line",
        "goals_caption": "Contribution to the goal pack's goals",
    },
    "zh": {
        "title": "节能供给曲线 — {scope}",
        "bai_yi": "百一（{value:,.1f} tce/年）",
        "bai_yi_quoted": "百一，{document}{clause}：“{words}”（{value:,.1f} tce/年）",
        "bai_yi_all": "已知能耗企业的百一合计（{value:,.1f} tce/年）",
        "value": "节约能源的价值（{value:,.0f} 元/tce）",
        "goal": "{goal}（{value:,.0f} {unit}）",
        "bai_yi_share": "百一线（{share}）",
        "bai_yi_share_quoted": "百一线，{document}{clause}：“{words}”（{share}）",
        "covers": "曲线覆盖 {shown} / {total} tce/年（{share}）；未计入：{reasons}",
        "lacking": "{n} 行缺少{what}",
        "lacks_why": "（无法计算单位节能量成本）",
        "savings_caption": "按措施分解的年节能量（当量值与等价值）",
        "bai_yi_caption": "百一：各企业年节能量占上年综合能耗比例",
        "goals_caption": "对目标包各项目标的贡献",
    },
}


def plot_supply_curve(
    curve: pd.DataFrame,
    *,
    basis_note: str,
    lang: str = "en",
    ax: Axes | None = None,
    bai_yi_tce: float | None = None,
    bai_yi_label: str | None = None,
    goal_value: float | None = None,
    goal_label: str | None = None,
    title: str | None = None,
    left_out: str | None = None,
) -> Axes:
    """Measures ranked by levelised cost of saved tce, cumulative tce/yr on the x-axis, with
    the 百一 line of a plant (or of many), a goal line, and the value of the energy saved.

    Parameters
    ----------
    curve : pandas.DataFrame
        :func:`retrofit.money.appraisal.supply_curve`, or its rows of one plant: ``asset_id``, ``measure``,
        ``coal_saved_tce`` [tce/yr], ``cost_of_saved_tce_cny_per_tce`` [CNY/tce] and
        ``annual_cost_saved_cny`` [CNY/yr].
    basis_note : str
        The tce basis, shown under the title.
    bai_yi_tce : float, optional
        The 百一 requirement [tce/yr], a dotted vertical line.
    goal_value : float, optional
        A goal [tce], a dashed vertical line labelled ``goal_label``.
    left_out : str, optional
        What the curve leaves out and why (:func:`supply_coverage`), a line under the title.

    Returns
    -------
    matplotlib.axes.Axes
        Its first patches are the measure bars, cheapest first.
    """
    require_columns(
        curve,
        "curve",
        (
            "asset_id",
            "measure",
            "coal_saved_tce",
            "cost_of_saved_tce_cny_per_tce",
            "annual_cost_saved_cny",
        ),
    )
    words = _SUPPLY_TEXT["zh" if lang == "zh" else "en"]
    text = FigureText(lang)
    frame = pd.DataFrame(
        {
            "label": (
                curve["asset_name"].fillna(curve["asset_id"]).astype(str)
                if "asset_name" in curve.columns
                else curve["asset_id"].astype(str)
            )
            + " "
            + [text.worded("measure", m) for m in curve["measure"].astype(str)],
            "saved_tce": curve["coal_saved_tce"].to_numpy(float),
            "cost_per_tce_cny": curve["cost_of_saved_tce_cny_per_tce"].to_numpy(float),
        }
    )
    ax = plot_abatement_curve(
        frame,
        basis_note=basis_note,
        lang=lang,
        ax=ax,
        goal_value=goal_value,
        goal_label=goal_label,
        ylabel=text["levelised_ylabel"],
    )
    saved = curve["coal_saved_tce"].to_numpy(float)
    value = float(np.nansum(curve["annual_cost_saved_cny"].to_numpy(float)) / saved.sum())
    if np.isfinite(value):
        ax.axhline(
            value,
            color="grey",
            linestyle="-.",
            linewidth=1.0,
            label=text.clean(words["value"].format(value=value)),
        )
    if bai_yi_tce is not None and np.isfinite(bai_yi_tce):
        ax.axvline(
            bai_yi_tce,
            color=COLOURS["goal"],
            linestyle=":",
            linewidth=1.5,
            label=text.clean(bai_yi_label or words["bai_yi"].format(value=bai_yi_tce)),
        )
    if title is not None:
        lines = [title, basis_note, *([left_out] if left_out else [])]
        ax.set_title("\n".join(text.clean(line) for line in lines), fontsize="medium")
    # the legend again, with the value and 百一 lines: every entry named at any size
    legend = ax.get_legend()
    notes = [t.get_text() for t in legend.get_texts()] if legend is not None else []
    labels = ax.get_legend_handles_labels()[1]
    other = [label for label in labels if label == text["mac_other"].format(n=len(frame) - 11)]
    outside_legend(ax, notes=[n for n in notes if n not in labels], last=other)
    text.apply(ax)
    return ax


def _quoted_bai_yi(assumptions) -> dict[str, str] | None:
    """The goal pack's 百一 goal as a legend quotes it: the document's number (355号), the
    clause and the last phrase of the quoted sentence; None without a quote."""
    goal = (assumptions or {}).get("bai_yi") or {}
    quote = str(goal.get("quote") or "").strip().rstrip("。.")
    if not quote:
        return None
    number = re.search(r"〔\d{4}〕(\d+号)", str(goal.get("document", "")))
    return {
        "document": number.group(1) if number else str(goal.get("document", "")),
        "clause": str(goal.get("clause", "")),
        "words": re.split(r"[，,；;]", quote)[-1].strip(),
    }


def bai_yi_label(assumptions, value: float, lang: str = "en") -> str:
    """The legend of a plant's 百一 line, quoting the goal pack's words as the reports do
    (355号（十四）: “实现年节能量1%”, the last phrase of the quoted sentence), never a
    paraphrase; without a quoted goal, only the value."""
    words = _SUPPLY_TEXT["zh" if lang == "zh" else "en"]
    quoted = _quoted_bai_yi(assumptions)
    if quoted is None:
        return words["bai_yi"].format(value=value)
    return words["bai_yi_quoted"].format(**quoted, value=value)


def bai_yi_share_label(assumptions, share: float, lang: str = "en") -> str:
    """The legend of the 百一 share line (1 %), quoting the goal as :func:`bai_yi_label`."""
    words = _SUPPLY_TEXT["zh" if lang == "zh" else "en"]
    quoted = _quoted_bai_yi(assumptions)
    if quoted is None:
        return words["bai_yi_share"].format(share=format_percent(share))
    return words["bai_yi_share_quoted"].format(**quoted, share=format_percent(share))


def plant_names(result) -> pd.Series:
    """Each plant's name as the client wrote it (``plant_name``), its id where it has none;
    indexed by plant_id."""
    for frame in (result.plants, result.assets):
        if "plant_name" in frame.columns:
            names = frame.groupby("plant_id", sort=False)["plant_name"].first()
            names = names.where(names.notna() & names.astype(str).str.strip().ne(""))
            return names.fillna(pd.Series(names.index, index=names.index)).astype(str)
    ids = result.plants["plant_id"].drop_duplicates()
    return pd.Series(ids.astype(str).to_numpy(), index=ids.to_numpy())


def supply_coverage(assets: pd.DataFrame, curve: pd.DataFrame, lang: str = "en") -> str | None:
    """What a supply curve leaves out, to write on it: the share of the coal saved it covers
    and the rows without investment or life (no cost of saved tce); None when it covers all."""
    words = _SUPPLY_TEXT["zh" if lang == "zh" else "en"]
    saved = assets["coal_saved_tce"].to_numpy(float)
    saving = saved > 0
    total = float(saved[saving].sum())
    shown = float(curve["coal_saved_tce"].sum())
    cost = assets["cost_of_saved_tce_cny_per_tce"].to_numpy(float)
    out = saving & np.isnan(cost)
    if not out.any():
        return None
    reasons = []
    for column in ("investment_cny", "lifetime_years"):
        if column in assets.columns:
            lacking = int((out & assets[column].isna().to_numpy()).sum())
            if lacking:
                what = columns.label(column, lang)
                reasons.append(words["lacking"].format(n=f"{lacking:,}", what=what))
    if not reasons:
        reasons.append(words["lacking"].format(n=f"{int(out.sum()):,}", what="?"))
    joiner = "、" if lang == "zh" else ", "
    return words["covers"].format(
        shown=format_value(shown),
        total=format_value(total),
        share=format_percent(shown / total) if total else "–",
        reasons=joiner.join(reasons) + words["lacks_why"],
    )


def estimate_figures(
    result, *, lang: str = "en", max_plants: int = 50
) -> list[tuple[str, str, Axes]]:
    """An estimate's figures as ``(file stem, caption, Axes)``: when costs are known, the whole
    inventory's supply curve (its plants' 百一 total and the 355号 tce goal) on top; then the
    figures that need no money — savings by measure on both bases, each plant's 百一 share
    against its line, the contribution to the goal pack's goals —; each plant's supply curve
    (the first ``max_plants``, with its 百一 line); and the tornado when the result has a
    Monte Carlo. Plants are named by ``plant_name``; a curve that leaves savings out says so.

    ``lang`` should already be resolved (:func:`resolve_language`).
    """
    from ..money.appraisal import bai_yi_line

    words = _SUPPLY_TEXT["zh" if lang == "zh" else "en"]
    text = FigureText(lang)
    names = plant_names(result)
    figures: list[tuple[str, str, Axes]] = []
    curve = result.supply_curve
    basis_note = (
        f"tce, basis: {result.assumptions.get('basis', '')}"
        if lang == "en"
        else f"标准煤，{result.assumptions.get('basis_zh', '')}"
    )
    has_curve = curve is not None and not curve.empty
    if has_curve:
        curve = _with_asset_names(curve, result.assets)
        line = bai_yi_line(result.plants)
        known = line.dropna()
        goal = result.assumptions.get("goals", {}).get("energy_saving_cumulative", {})
        title = words["title"].format(scope="all" if lang == "en" else "全部")
        ax = plot_supply_curve(
            curve,
            basis_note=basis_note,
            lang=lang,
            title=title,
            bai_yi_tce=float(known.sum()) if len(known) else None,
            bai_yi_label=words["bai_yi_all"].format(value=float(known.sum())),
            goal_value=goal.get("goal"),
            goal_label=words["goal"].format(
                goal=columns.value_name("goal", "energy_saving_cumulative", lang),
                value=goal.get("goal", 0),
                unit=goal.get("unit", ""),
            )
            if goal
            else None,
            left_out=supply_coverage(result.assets, curve, lang),
        )
        figures.append(("supply_curve_all", title, ax))
    figures += _money_free_figures(result, lang, names)
    if has_curve:
        for plant in curve["plant_id"].unique()[:max_plants]:
            name = str(names.get(plant, plant))
            title = words["title"].format(scope=name)
            rows = curve[curve["plant_id"] == plant]
            ax = plot_supply_curve(
                rows,
                basis_note=basis_note,
                lang=lang,
                bai_yi_tce=line.get(plant, np.nan),
                bai_yi_label=bai_yi_label(result.assumptions, float(line.get(plant, np.nan)), lang),
                title=title,
                left_out=supply_coverage(
                    result.assets[result.assets["plant_id"] == plant], rows, lang
                ),
            )
            safe = re.sub(r"[^0-9A-Za-z_.-]", "_", str(plant))
            figures.append((f"supply_curve_{safe}", text.clean(title), ax))
    if result.uncertainty is not None and len(result.uncertainty.tornado):
        ax = plot_tornado(
            result.uncertainty.tornado,
            lang=lang,
            estimate=float(result.assets["coal_saved_tce"].sum()),
        )
        figures.append(("tornado", _TORNADO_TEXT["zh" if lang == "zh" else "en"]["title"], ax))
    return figures


def _with_asset_names(curve: pd.DataFrame, assets: pd.DataFrame) -> pd.DataFrame:
    """``curve`` with the client's name of each asset (``asset_name``) where the inventory has one."""
    if "asset_name" not in assets.columns or "asset_name" in curve.columns:
        return curve
    names = assets.drop_duplicates(["plant_id", "asset_id"]).set_index(["plant_id", "asset_id"])
    index = pd.MultiIndex.from_frame(curve[["plant_id", "asset_id"]])
    return curve.assign(asset_name=names["asset_name"].reindex(index).to_numpy())


def _money_free_figures(result, lang: str, names: pd.Series) -> list[tuple[str, str, Axes]]:
    """The figures every report draws, costs known or not: savings by measure (当量值 and
    等价值), each plant's 百一 share, the contribution to the goal pack's goals."""
    from .savings import (
        goal_contributions,
        plot_bai_yi_shares,
        plot_goal_contributions,
        plot_measure_savings,
    )

    words = _SUPPLY_TEXT["zh" if lang == "zh" else "en"]
    text = FigureText(lang)
    assets = result.assets
    figures: list[tuple[str, str, Axes]] = []
    bases = {
        "equivalent": "coal_saved_tce_equivalent",
        "equal_value": "coal_saved_tce_equal_value",
    }
    present = {basis: col for basis, col in bases.items() if col in assets.columns}
    if "equivalent" not in present:  # a result without basis columns: the headline only
        present = {"equivalent": "coal_saved_tce"}
    if len(assets):
        kinds = assets["category"].astype(str) + ": " + assets["measure"].astype(str)
        sums = assets[list(present.values())].groupby(kinds.to_numpy(), sort=False).sum()
        by_measure = pd.DataFrame(
            {
                "label": [text.worded("measure_type", kind) for kind in sums.index],
                **{basis: sums[col].to_numpy(float) for basis, col in present.items()},
            }
        )
        ax = plot_measure_savings(by_measure, lang=lang)
        figures.append(("savings_by_measure", words["savings_caption"], ax))
    plants = result.plants
    if {"saving_share", "bai_yi_target_share"} <= set(plants.columns) and len(plants):
        target = float(np.nanmax(plants["bai_yi_target_share"].to_numpy(float)))
        shares = pd.DataFrame(
            {
                "label": [str(names.get(p, p)) for p in plants["plant_id"]],
                "saving_share": plants["saving_share"].to_numpy(float),
                "target_share": plants["bai_yi_target_share"].to_numpy(float),
            }
        )
        if shares["saving_share"].notna().any() and np.isfinite(target):
            ax = plot_bai_yi_shares(
                shares,
                line_label=text.clean(bai_yi_share_label(result.assumptions, target, lang)),
                lang=lang,
            )
            figures.append(("bai_yi_shares", words["bai_yi_caption"], ax))
    year = int(result.assumptions.get("accounting_year", 0)) or None
    contributions = goal_contributions(result.assumptions.get("goals") or {}, year)
    if "investment_cny" not in assets.columns or assets["investment_cny"].isna().all():
        # no investment known: a money goal's 0 would read as nothing invested
        contributions = contributions[contributions["unit"] != "CNY"]
    if len(contributions):
        ax = plot_goal_contributions(contributions, year=year or 0, lang=lang)
        figures.append(("goal_contributions", words["goals_caption"], ax))
    return figures


def write_supply_curves(
    result, folder: str | Path, *, lang: str = "en", max_plants: int = 50
) -> tuple[list[Path], str | None]:
    """Write every figure of :func:`estimate_figures` as PNG and SVG into ``folder``:
    ``supply_curve_all``, ``supply_curve_<plant_id>`` and ``tornado``."""
    import matplotlib.pyplot as plt

    used, message = resolve_language(lang)
    written: list[Path] = []
    for stem, _caption, ax in estimate_figures(result, lang=used, max_plants=max_plants):
        written += save_figure(ax, folder, stem)
        plt.close(ax.get_figure(root=True))
    return written, message


_TORNADO_TEXT = {
    "en": {
        "title": "What drives the uncertainty of the coal saved",
        "xlabel": "total coal saved with the input at its P10 / P90 [tce/yr]",
        "p10": "input at P10",
        "p90": "input at P90",
        "estimate": "estimate",
    },
    "zh": {
        "title": "节能量不确定性的主要来源",
        "xlabel": "输入取 P10 / P90 时的节约标准煤合计 [tce/年]",
        "p10": "输入取 P10",
        "p90": "输入取 P90",
        "estimate": "估算值",
    },
}


def plot_tornado(
    tornado: pd.DataFrame,
    *,
    lang: str = "en",
    ax: Axes | None = None,
    estimate: float | None = None,
) -> Axes:
    """Tornado chart: one bar per uncertain input from the total at its P10 to the total at
    its P90 (the others as estimated), widest on top.

    Parameters
    ----------
    tornado : pandas.DataFrame
        :attr:`retrofit.uncertainty.montecarlo.UncertaintyResult.tornado`: ``input``, ``at_p10``,
        ``at_p90`` [tce/yr].
    estimate : float, optional
        The deterministic total, a vertical line.
    """
    require_columns(tornado, "tornado", ("input", "at_p10", "at_p90"))
    words = _TORNADO_TEXT["zh" if lang == "zh" else "en"]
    text = FigureText(lang)
    frame = tornado.assign(swing=(tornado["at_p90"] - tornado["at_p10"]).abs()).sort_values(
        "swing", kind="stable"
    )
    ax = new_axes() if ax is None else ax
    y = np.arange(len(frame))
    centre = (
        estimate
        if estimate is not None
        else float(np.median(frame[["at_p10", "at_p90"]].to_numpy()))
        if len(frame)
        else 0.0
    )
    ax.barh(
        y,
        frame["at_p10"] - centre,
        left=centre,
        color=COLOURS.get("capacity", "C0"),
        label=words["p10"],
    )
    ax.barh(
        y,
        frame["at_p90"] - centre,
        left=centre,
        color=COLOURS.get("realised", "C1"),
        label=words["p90"],
        alpha=0.8,
    )
    if estimate is not None:
        ax.axvline(estimate, color="black", linewidth=0.8, label=words["estimate"])
    ax.set_yticks(y, [text.input_label(v) for v in frame["input"]])
    ax.set_xlabel(words["xlabel"])
    ax.set_title(words["title"])
    ax.legend(loc="lower right", fontsize="small")
    text.apply(ax)
    return ax
