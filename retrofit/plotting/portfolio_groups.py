"""Trajectories of a portfolio's districts and industries: each group's cumulative saving
capacity year by year, against the city's goal (the goal pack's cumulative tce goal).

A district's saving is a small part of a city goal: the axis is scaled to the groups, and the
goal is drawn as a line only when it lies within :data:`~.portfolio.GOAL_LINE_MAX_WIDTHS` times
the largest group; beyond, it is named in a note with how many times larger it is. Each legend
entry gives the group's capacity at the window's end and its share of the goal, so the numbers
are read, not guessed from the lines. At most :data:`~.common.MAX_NAMED` groups are named; the
smallest of the rest are one 其他 (other) line that says how many groups it holds.

Imports matplotlib (the ``plots`` extra) and raises
:class:`retrofit._optional.MissingExtraError` naming the extra when it is missing.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._optional import plots_missing
from ..columns import value_label

try:  # matplotlib is the [plots] extra
    import matplotlib as mpl
    from matplotlib.axes import Axes
    from matplotlib.ticker import FixedLocator, MaxNLocator
except ImportError as error:
    raise plots_missing() from error

from .common import (
    COLOURS,
    MAX_NAMED,
    check_basis,
    format_percent,
    new_axes,
    outside_legend,
    require_columns,
    thousands_separators,
)
from .labels import FigureText

#: Size of a group trajectory [inch]: the lines, and the legend with each group's numbers on
#: the right
GROUP_TRAJECTORY_FIGSIZE = (10.0, 5.2)

#: A goal beyond this many times the largest group is named in a note, not drawn (the same
#: rule as the city trajectory's)
GOAL_LINE_MAX_TIMES = 3.0

_TEXT = {
    "en": {
        "title_district": "Saving capacity by district, cumulative",
        "title_industry": "Saving capacity by industry, cumulative",
        "other_district": "other ({n} districts)",
        "other_industry": "other ({n} industries)",
        "entry": "{group}: {value} ({share} of the goal)",
        "entry_no_goal": "{group}: {value}",
        "ylabel": "saving capacity in service [tce/yr]",
        "year": "year",
        "goal_line": "city goal {goal:,.0f} tce/yr by {end}",
        "goal_note": "city goal {goal:,.0f} tce/yr by {end}: {times:,.0f}× the largest group, "
        "not drawn",
        "values_at": "values: end of {end}",
    },
    "zh": {
        "title_district": "各区县累计节能能力",
        "title_industry": "各行业累计节能能力",
        "other_district": "其他（{n} 个区县）",
        "other_industry": "其他（{n} 个行业）",
        "entry": "{group}：{value}（占全市目标 {share}）",
        "entry_no_goal": "{group}：{value}",
        "ylabel": "在运节能能力 [tce/年]",
        "year": "年份",
        "goal_line": "全市目标 {goal:,.0f} tce/年（{end}年）",
        "goal_note": "全市目标 {goal:,.0f} tce/年（{end}年）为最大分组的 {times:,.0f} 倍，未绘出",
        "values_at": "数值为 {end} 年末",
    },
}


def plot_group_trajectories(
    frame: pd.DataFrame,
    *,
    grouping: str,
    basis_note: str,
    goal_value: float | None = None,
    goal_end: int | None = None,
    lang: str = "en",
    ax: Axes | None = None,
) -> Axes:
    """Each group's cumulative saving capacity by year (one line per group) against the city
    goal.

    Parameters
    ----------
    frame : pandas.DataFrame
        ``group`` (str), ``year`` [integer] and ``capacity_cumulative`` [tce/yr], one row per
        group and year (:func:`retrofit.portfolio.tables.group_trajectories` of one grouping).
    grouping : {"district", "industry"}
        What the groups are (the title and the 其他 line say it).
    basis_note : str
        The conversion basis, shown under the title (non-blank).
    goal_value : float, optional
        The city's cumulative tce goal [tce/yr]: a dashed line when within
        :data:`GOAL_LINE_MAX_TIMES` times the largest group, else a note; each legend entry
        gives the group's share of it.
    goal_end : int, optional
        The goal's year, in its label.
    lang : str, default "en"
        "en" or "zh".
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure when None.

    Returns
    -------
    matplotlib.axes.Axes
        Its lines are the groups, largest at the window's end first (the 其他 line last), then
        the goal line when drawn.

    Raises
    ------
    ValueError
        A column is missing, there are no rows, ``grouping`` is unknown, a year is not whole or
        ``basis_note`` is blank.
    """
    require_columns(frame, "frame", ("group", "year", "capacity_cumulative"))
    if grouping not in ("district", "industry"):
        raise ValueError(f"grouping must be 'district' or 'industry', got {grouping!r}")
    check_basis("tce", basis_note)
    text = FigureText(lang)
    words = _TEXT["zh" if text.lang == "zh" else "en"]
    years_float = np.unique(frame["year"].to_numpy(dtype=float))
    if not np.all(np.isfinite(years_float)) or np.any(years_float % 1 != 0):
        raise ValueError(f"year must be whole numbers, got {sorted(set(frame['year']))}")
    years = years_float.astype(int)
    wide = (
        frame.pivot_table(
            index="group", columns="year", values="capacity_cumulative", aggfunc="sum"
        )
        .reindex(columns=years)
        .fillna(0.0)
    )
    last = wide[years[-1]]
    order = last.abs().sort_values(ascending=False, kind="stable").index
    wide = wide.loc[order]
    if len(wide) > MAX_NAMED:  # the smallest summed in one line that says how many it holds
        rest = wide.iloc[MAX_NAMED - 1 :]
        other = rest.sum().to_frame(words[f"other_{grouping}"].format(n=len(rest))).T
        wide = pd.concat([wide.iloc[: MAX_NAMED - 1], other])
        other_label = str(other.index[0])
    else:
        other_label = None
    ax = new_axes(GROUP_TRAJECTORY_FIGSIZE) if ax is None else ax
    # tab10 without its grey, which is the 其他 line's; past nine groups the colours come
    # again on dashed lines
    palette = [mpl.colormaps["tab10"](i) for i in (0, 1, 2, 3, 4, 5, 6, 8, 9)]
    for k, (group, values) in enumerate(wide.iterrows()):
        value = float(values.iloc[-1])
        name = str(group) if group == other_label else value_label("grouping", group, text.lang)
        fields = {"group": text.clean(name), "value": f"{value:,.2f}"}
        label = (
            words["entry"].format(**fields, share=format_percent(value / goal_value))
            if goal_value
            else words["entry_no_goal"].format(**fields)
        )
        is_other = group == other_label
        ax.plot(
            years,
            values.to_numpy(dtype=float),
            marker="o",
            markersize=4,
            linewidth=2.0 if not is_other else 1.5,
            linestyle="-" if k < len(palette) or is_other else "--",
            color="grey" if is_other else palette[k % len(palette)],
            label=text.clean(label),
        )
    largest = float(np.abs(wide.to_numpy()).max()) if wide.size else 0.0
    notes = [words["values_at"].format(end=years[-1])]
    if goal_value is not None and goal_value > 0:
        end = goal_end if goal_end is not None else years[-1]
        if largest > 0 and goal_value > GOAL_LINE_MAX_TIMES * largest:
            # a city goal many times a district would flatten every line: named, not drawn
            notes.append(
                words["goal_note"].format(goal=goal_value, end=end, times=goal_value / largest)
            )
        else:
            ax.axhline(
                goal_value,
                linestyle="--",
                color=COLOURS["goal"],
                linewidth=1.2,
                label=text.clean(words["goal_line"].format(goal=goal_value, end=end)),
            )
    ax.axhline(0.0, color="black", linewidth=0.8)
    if len(years) <= 12:
        ax.xaxis.set_major_locator(FixedLocator(years.tolist()))
        ax.set_xticks(years, [str(y) for y in years])
    else:
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylim(bottom=min(0.0, float(wide.to_numpy().min()) * 1.05 if wide.size else 0.0))
    thousands_separators(ax.yaxis)
    ax.set_xlabel(text.clean(words["year"]))
    ax.set_ylabel(text.clean(words["ylabel"]))
    note = text.clean(basis_note).strip()
    ax.set_title(text.clean(f"{words[f'title_{grouping}']}\n{note}"), fontsize="medium")
    outside_legend(ax, notes=[text.clean(n) for n in notes])
    text.apply(ax)
    return ax
