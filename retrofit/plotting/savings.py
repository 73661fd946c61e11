"""Figures that need no money: savings by measure on both tce bases (当量值 and 等价值), each
plant's 百一 share against its line, and the contribution to the goal pack's goals. An inventory
without investment figures gets these, and every report draws them before any cost figure.

Every chart stays readable at any size: at most :data:`MAX_NAMED` bars or legend entries are
named one by one, the smallest of the rest are one 其他 (other) bar that says how many it holds,
and bars are horizontal so names never collide.

Imports matplotlib (the ``plots`` extra) and raises
:class:`retrofit._optional.MissingExtraError` naming the extra when it is missing.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from .. import columns
from .._optional import plots_missing

try:  # matplotlib is the [plots] extra
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch
    from matplotlib.ticker import PercentFormatter
except ImportError as error:
    raise plots_missing() from error

from .common import (
    COLOURS,
    MAX_NAMED,
    format_percent,
    format_value,
    outside_legend,
    require_columns,
    thousands_separators,
)
from .labels import FigureText

#: Plants a 百一 chart names one by one; beyond, the bars are a ranked profile without names
MAX_NAMED_PLANTS = 30

#: A 百一 chart's share axis ends at most this many times the line (10 × 1 % = 10 %), so the
#: line is never squeezed against the axis by a plant far above it
SHARE_AXIS_TARGETS = 10.0

#: A 百一 chart's share axis goes below 0 at most this fraction of its positive end
NEGATIVE_AXIS_SHARE = 0.25

_TEXT = {
    "en": {
        "other": "other ({n} measures)",
        "measure_title": "Savings by measure, on both tce bases",
        "measure_title_one": "Savings by measure",
        "equivalent": "当量值 (equivalent)",
        "equal_value": "等价值 (equal-value)",
        "saved_xlabel": "standard coal saved [tce/yr]",
        "bai_yi_title": "百一: each plant's saving as a share of its previous-year energy",
        "bai_yi_xlabel": "saving ÷ previous-year energy",
        "meets": "meets 百一",
        "short": "short of 百一",
        "plants_meet": "{meets} of {n} plants with known energy meet 百一",
        "unknown": "{n} plant(s) without previous-year energy not shown",
        "ranked": "plants, ranked by share",
        "cut": "{n} bar(s) above {end} cut at the axis end",
        "cut_low": "{n} bar(s) below {end} (more consumption than saved) cut at the axis end",
        "goal_title": "Contribution to the goal pack's goals",
        "goal_xlabel": "share of the goal",
        "goal_bar": "{value} of {goal} {unit} ({share})",
        "full_year": "full annual potential",
        "realised": "realised in {year}",
    },
    "zh": {
        "other": "其他（{n} 项措施）",
        "measure_title": "按措施分解的年节能量（当量值与等价值）",
        "measure_title_one": "按措施分解的年节能量",
        "equivalent": "当量值",
        "equal_value": "等价值",
        "saved_xlabel": "年节能量 [tce/年]",
        "bai_yi_title": "百一：各企业年节能量占上年综合能耗比例",
        "bai_yi_xlabel": "年节能量 ÷ 上年综合能耗",
        "meets": "达到百一",
        "short": "未达到百一",
        "plants_meet": "已知能耗的 {n} 家企业中 {meets} 家达到百一",
        "unknown": "{n} 家企业缺少上年综合能耗，未显示",
        "ranked": "企业（按比例排序）",
        "cut": "{n} 家超过 {end}，条形在轴端截断",
        "cut_low": "{n} 家低于 {end}（增加能耗），条形在轴端截断",
        "goal_title": "对目标包各项目标的贡献",
        "goal_xlabel": "占目标的比例",
        "goal_bar": "{value} / {goal} {unit}（{share}）",
        "full_year": "全年节能潜力",
        "realised": "{year}年实现",
    },
}


def _words(lang: str) -> dict[str, str]:
    return _TEXT["zh" if lang == "zh" else "en"]


def _sized_axes(rows: int, width: float = 9.0) -> Axes:
    """An Axes on a new Figure tall enough for ``rows`` horizontal bars (pyplot untouched)."""
    return Figure(figsize=(width, 1.8 + 0.42 * max(rows, 3)), layout="constrained").add_subplot()


def group_smallest(
    frame: pd.DataFrame, size: str, label: str, other_label: str, keep: int = MAX_NAMED
) -> pd.DataFrame:
    """``frame`` sorted by ``size`` (largest magnitude first), with the rows beyond the first
    ``keep - 1`` summed into one last row labelled ``other_label.format(n=count)``; the numeric
    columns are summed, ``frame`` is returned sorted as is when it has at most ``keep`` rows."""
    order = frame.assign(_magnitude=frame[size].abs()).sort_values(
        "_magnitude", ascending=False, kind="stable"
    )
    order = order.drop(columns="_magnitude")
    if len(order) <= keep:
        return order.reset_index(drop=True)
    named, rest = order.iloc[: keep - 1], order.iloc[keep - 1 :]
    other = rest.select_dtypes("number").sum().to_frame().T
    other[label] = other_label.format(n=len(rest))
    return pd.concat([named, other], ignore_index=True)[list(frame.columns)]


def plot_measure_savings(
    by_measure: pd.DataFrame,
    *,
    lang: str = "en",
    ax: Axes | None = None,
    title: str | None = None,
    saved_label: str | None = None,
) -> Axes:
    """Horizontal bars of the coal saved by each measure on the 当量值 and the 等价值 basis,
    largest first, at most :data:`MAX_NAMED` bars (the smallest summed in 其他, with their count).

    Parameters
    ----------
    by_measure : pandas.DataFrame
        ``label`` (the measure as the reader reads it) and ``equivalent`` [tce/yr, 当量值] with
        ``equal_value`` [tce/yr, 等价值], or only ``saved`` [tce/yr, one basis named by
        ``saved_label``]; one row per measure, negative when the measure adds consumption.
    title : str, optional
        Drawn above the default title (e.g. the plant's name).
    saved_label : str, optional
        The legend of ``saved``: its basis (a portfolio's one headline basis).

    Returns
    -------
    matplotlib.axes.Axes
        Its patches are the 当量值 bars top to bottom, then the 等价值 bars.
    """
    bases = [b for b in ("equivalent", "equal_value", "saved") if b in by_measure.columns]
    require_columns(by_measure, "by_measure", ("label", *(bases[:1] or ["equivalent"])))
    words = {**_words(lang), "saved": saved_label or ""}
    text = FigureText(lang)
    frame = group_smallest(by_measure[["label", *bases]], bases[0], "label", words["other"])
    ax = _sized_axes(len(frame)) if ax is None else ax
    y = np.arange(len(frame))
    height = 0.8 / len(bases)
    colours = {
        "equivalent": COLOURS["capacity"],
        "equal_value": "tab:purple",
        "saved": COLOURS["capacity"],
    }
    for i, basis in enumerate(bases):
        values = frame[basis].to_numpy(float)
        bars = ax.barh(
            y - 0.4 + height * (i + 0.5),
            values,
            height=height,
            color=colours[basis],
            label=text.clean(words[basis]),
        )
        ax.bar_label(bars, labels=[format_value(v) for v in values], padding=2, fontsize="small")
    ax.axvline(0.0, color="black", linewidth=0.8)
    ax.set_yticks(y, [text.clean(label) for label in frame["label"]])
    ax.invert_yaxis()  # largest on top
    low = float(min(0.0, np.nanmin(frame[bases].to_numpy(float))))
    high = float(max(0.0, np.nanmax(frame[bases].to_numpy(float))))
    span = (high - low) or 1.0
    ax.set_xlim(low - 0.18 * span * (low < 0), high + 0.18 * span)  # room for the values
    thousands_separators(ax.xaxis)
    ax.set_xlabel(text.clean(words["saved_xlabel"]))
    head = text.clean(words["measure_title" if "saved" not in bases else "measure_title_one"])
    ax.set_title(f"{text.clean(title)}\n{head}" if title else head, fontsize="medium")
    outside_legend(ax)
    text.apply(ax)
    return ax


def plot_bai_yi_shares(
    plants: pd.DataFrame,
    *,
    line_label: str,
    lang: str = "en",
    ax: Axes | None = None,
    title: str | None = None,
) -> Axes:
    """Each plant's saving share against its 百一 line (the target share, a dashed line).

    Named horizontal bars, highest share on top, up to :data:`MAX_NAMED_PLANTS` plants; more
    are drawn as a ranked profile without names. A note counts the plants that meet the line
    and those left out for lack of previous-year energy.

    Parameters
    ----------
    plants : pandas.DataFrame
        ``label`` (the plant's name), ``saving_share`` [fraction; NaN when the energy is
        unknown] and ``target_share`` [fraction, e.g. 0.01].
    line_label : str
        The legend of the line, quoting the goal (:func:`.estimate.bai_yi_share_label`).
    title : str, optional
        The title; by default "百一: each plant's saving as a share of its previous-year energy".

    Returns
    -------
    matplotlib.axes.Axes
        Its patches are the plant bars, highest share first.
    """
    require_columns(plants, "plants", ("label", "saving_share", "target_share"))
    words = _words(lang)
    text = FigureText(lang)
    share = plants["saving_share"].astype(float)
    known = plants.loc[share.notna()].assign(saving_share=share[share.notna()])
    ranked = known.sort_values("saving_share", ascending=False, kind="stable")
    values = ranked["saving_share"].to_numpy(float)
    targets = ranked["target_share"].to_numpy(float)
    meets = values >= targets  # the estimate's meets_bai_yi
    colours = [COLOURS["meets"] if m else COLOURS["short"] for m in meets]
    target = float(np.nanmax(plants["target_share"].to_numpy(float)))
    named = len(values) <= MAX_NAMED_PLANTS
    if ax is None:
        ax = (
            _sized_axes(len(values))
            if named
            else Figure(figsize=(9.0, 4.8), layout="constrained").add_subplot()
        )  # a profile as wide as a named chart: its notes fit above it
    positions = np.arange(len(values))
    # the axis ends at SHARE_AXIS_TARGETS × the line, so the line stays where a reader sees it;
    # a longer bar is cut there and its share written on it
    end = min(max([target, *values.tolist()]), SHARE_AXIS_TARGETS * target)
    # a plant whose measures add consumption is cut at a quarter of the axis' positive end
    # below 0, so a few large negative shares do not squeeze every other bar against the line
    floor = max(min([0.0, *values.tolist()]), -NEGATIVE_AXIS_SHARE * end)
    low = floor * 1.1
    cut = values > end
    cut_low = values < floor
    values_drawn = np.clip(values, floor, end)
    if named:
        ax.barh(positions, values_drawn, height=0.7, color=colours)
        for position, value, over, under in zip(positions, values, cut, cut_low, strict=True):
            ax.text(
                end * 0.99 if over else (floor * 0.99 if under else value + end * 0.01),
                float(position),
                ("← " if under else "") + f"{value * 100:,.2f} %" + (" →" if over else ""),
                ha="right" if over else "left",
                va="center",
                color="white" if over or under else "black",
                fontsize="small",
                # readable where it crosses the 1 % line
                bbox=None
                if over or under
                else {"facecolor": "white", "edgecolor": "none", "pad": 0.5},
            )
        ax.axvline(target, linestyle="--", color=COLOURS["goal"], linewidth=1.2, label=line_label)
        ax.axvline(0.0, color="black", linewidth=0.8)
        ax.set_yticks(positions, [text.clean(v) for v in ranked["label"]])
        ax.invert_yaxis()
        ax.xaxis.set_major_formatter(PercentFormatter(xmax=1.0))
        ax.set_xlabel(text.clean(words["bai_yi_xlabel"]))
        ax.set_xlim(low, end * 1.2)  # room for the values
    else:
        ax.bar(positions, values_drawn, width=1.0, color=colours)
        ax.axhline(target, linestyle="--", color=COLOURS["goal"], linewidth=1.2, label=line_label)
        ax.axhline(0.0, color="black", linewidth=0.8)
        ax.set_xticks([])
        ax.set_xlabel(text.clean(words["ranked"]))
        ax.yaxis.set_major_formatter(PercentFormatter(xmax=1.0))
        ax.set_ylabel(text.clean(words["bai_yi_xlabel"]))
        ax.set_ylim(low, end * 1.1)
    notes = [words["plants_meet"].format(meets=int(meets.sum()), n=len(values))]
    if int(share.isna().sum()):
        notes.append(words["unknown"].format(n=int(share.isna().sum())))
    if cut.any():
        notes.append(words["cut"].format(n=int(cut.sum()), end=format_percent(end)))
    if cut_low.any():
        notes.append(words["cut_low"].format(n=int(cut_low.sum()), end=format_percent(floor)))
    ax.set_title(
        text.clean(title or words["bai_yi_title"])
        + "\n"
        # the count on its own line, what is left out or cut under it: a title as wide as the axes
        + text.clean(notes[0])
        + (
            "\n" + text.clean(("；" if lang == "zh" else "; ").join(notes[1:])) if notes[1:] else ""
        ),
        fontsize="medium",
    )
    colours_named = [
        Patch(color=COLOURS["meets"], label=text.clean(words["meets"])),
        Patch(color=COLOURS["short"], label=text.clean(words["short"])),
    ]
    outside_legend(ax, first=colours_named)
    text.apply(ax)
    return ax


def goal_contributions(progress: Mapping[str, Mapping], year: int | None = None) -> pd.DataFrame:
    """The estimate's goal progress (``assumptions["goals"]``) as rows ``goal``, ``basis``
    (``full_year`` or ``realised``), ``value``, ``target``, ``unit``: one row per goal with a
    number, a second for the energy realised in ``year`` when the goal counts energy."""
    rows = []
    for goal, entry in progress.items():
        if not isinstance(entry.get("goal"), (int, float)) or "this_inventory" not in entry:
            continue
        target = float(entry["goal"])
        if not np.isfinite(target) or target <= 0:
            continue
        rows.append((goal, "full_year", float(entry["this_inventory"]), target, entry["unit"]))
        realised = entry.get(f"realised_in_{year}") if year is not None else None
        if realised is not None:
            rows.append((goal, "realised", float(realised), target, entry["unit"]))
    return pd.DataFrame(rows, columns=["goal", "basis", "value", "target", "unit"])


def plot_goal_contributions(
    contributions: pd.DataFrame,
    *,
    year: int,
    lang: str = "en",
    ax: Axes | None = None,
) -> Axes:
    """This inventory's share of each goal (:func:`goal_contributions`), one bar per goal (two
    for an energy goal: the full annual potential and the energy realised in ``year``), each
    labelled with its value, the goal and the share; the axis is scaled to the shares, not to
    100 %, so a small contribution stays visible and its number says how small.

    Returns
    -------
    matplotlib.axes.Axes
        Its patches are the bars top to bottom.
    """
    require_columns(contributions, "contributions", ("goal", "basis", "value", "target", "unit"))
    words = _words(lang)
    text = FigureText(lang)
    frame = contributions.reset_index(drop=True)
    shares = (frame["value"] / frame["target"]).to_numpy(float)
    ax = _sized_axes(len(frame)) if ax is None else ax
    y = np.arange(len(frame))
    colours = [
        COLOURS["capacity"] if basis == "full_year" else COLOURS["realised"]
        for basis in frame["basis"]
    ]
    bars = ax.barh(y, shares, height=0.7, color=colours)
    labels = []
    for row, share in zip(frame.itertuples(index=False), shares, strict=True):
        value, target, unit = float(row.value), float(row.target), str(row.unit)
        if lang == "zh" and unit == "CNY":  # money in 万元, as a Chinese reader writes it
            value, target, unit = value / 1e4, target / 1e4, "万元"
        labels.append(
            words["goal_bar"].format(
                value=format_value(value),
                goal=f"{target:,.0f}",
                unit=columns.value_label("unit", unit, lang),
                share=format_percent(share),
            )
        )
    ax.bar_label(bars, labels=[text.clean(label) for label in labels], padding=3, fontsize="small")
    names = []
    for row in frame.itertuples(index=False):
        name = columns.value_name("goal", row.goal, lang)
        basis = words[row.basis].format(year=year)
        names.append(text.clean(f"{name}\n{basis}" if row.goal in _energy_goals(frame) else name))
    ax.set_yticks(y, names)
    ax.invert_yaxis()
    peak = float(np.nanmax(shares)) if len(shares) else 0.0
    ax.set_xlim(0.0, (peak or 0.01) * 1.9)  # room for the labels right of the bars
    ax.xaxis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=None))
    ax.set_xlabel(text.clean(words["goal_xlabel"]))
    ax.set_title(text.clean(words["goal_title"]), fontsize="medium")
    text.apply(ax)
    return ax


def _energy_goals(frame: pd.DataFrame) -> set[str]:
    """Goals drawn with two bars (full annual potential and realised)."""
    return set(frame.loc[frame["basis"] == "realised", "goal"])
