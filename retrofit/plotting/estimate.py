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

from .._optional import plots_missing

try:  # matplotlib is the [plots] extra
    from matplotlib.axes import Axes
except ImportError as error:
    raise plots_missing() from error

from .common import COLOURS, new_axes, require_columns, save_figure
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
    },
    "zh": {
        "title": "节能供给曲线 — {scope}",
        "bai_yi": "百一（{value:,.1f} tce/年）",
        "bai_yi_quoted": "百一，{document}{clause}：“{words}”（{value:,.1f} tce/年）",
        "bai_yi_all": "已知能耗企业的百一合计（{value:,.1f} tce/年）",
        "value": "节约能源的价值（{value:,.0f} 元/tce）",
        "goal": "{goal}（{value:,.0f} {unit}）",
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
            "label": curve["asset_id"].astype(str)
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
        ax.set_title(text.clean(title) + "\n" + text.clean(basis_note), fontsize="medium")
    if len(frame) <= 15:
        ax.legend(loc="upper left", fontsize="small")
    text.apply(ax)
    return ax


def bai_yi_label(assumptions, value: float, lang: str = "en") -> str:
    """The legend of a plant's 百一 line, quoting the goal pack's words as the reports do
    (355号（十四）: “实现年节能量1%”, the last phrase of the quoted sentence), never a
    paraphrase; without a quoted goal, only the value."""
    words = _SUPPLY_TEXT["zh" if lang == "zh" else "en"]
    goal = (assumptions or {}).get("bai_yi") or {}
    quote = str(goal.get("quote") or "").strip().rstrip("。.")
    if not quote:
        return words["bai_yi"].format(value=value)
    number = re.search(r"〔\d{4}〕(\d+号)", str(goal.get("document", "")))
    return words["bai_yi_quoted"].format(
        document=number.group(1) if number else str(goal.get("document", "")),
        clause=str(goal.get("clause", "")),
        words=re.split(r"[，,；;]", quote)[-1].strip(),
        value=value,
    )


def estimate_figures(
    result, *, lang: str = "en", max_plants: int = 50
) -> list[tuple[str, str, Axes]]:
    """An estimate's figures as ``(file stem, caption, Axes)``: the whole inventory's supply
    curve (its plants' 百一 total and the 355号 tce goal), each plant's (the first
    ``max_plants``, with its 百一 line), and the tornado when the result has a Monte Carlo.

    ``lang`` should already be resolved (:func:`resolve_language`).
    """
    from ..money.appraisal import bai_yi_line

    words = _SUPPLY_TEXT["zh" if lang == "zh" else "en"]
    figures: list[tuple[str, str, Axes]] = []
    curve = result.supply_curve
    if curve is not None and not curve.empty:
        basis_note = (
            f"tce, basis: {result.assumptions.get('basis', '')}"
            if lang == "en"
            else f"标准煤，{result.assumptions.get('basis_zh', '')}"
        )
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
                goal=goal.get("quote", "goal")[:40],
                value=goal.get("goal", 0),
                unit=goal.get("unit", ""),
            )
            if goal
            else None,
        )
        figures.append(("supply_curve_all", title, ax))
        for plant in curve["plant_id"].unique()[:max_plants]:
            title = words["title"].format(scope=plant)
            ax = plot_supply_curve(
                curve[curve["plant_id"] == plant],
                basis_note=basis_note,
                lang=lang,
                bai_yi_tce=line.get(plant, np.nan),
                bai_yi_label=bai_yi_label(result.assumptions, float(line.get(plant, np.nan)), lang),
                title=title,
            )
            safe = re.sub(r"[^0-9A-Za-z_.-]", "_", str(plant))
            figures.append((f"supply_curve_{safe}", title, ax))
    if result.uncertainty is not None and len(result.uncertainty.tornado):
        ax = plot_tornado(
            result.uncertainty.tornado,
            lang=lang,
            estimate=float(result.assets["coal_saved_tce"].sum()),
        )
        figures.append(("tornado", _TORNADO_TEXT["zh" if lang == "zh" else "en"]["title"], ax))
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
