"""Figures of a city portfolio: goal trajectory, savings by measure, 百一 ranking and the
saving-capacity supply (marginal abatement) curve; :func:`portfolio_figures` draws them all for
a :class:`~retrofit.portfolio.tables.PortfolioResult` and :func:`write_portfolio_figures` writes
them.

Every plot function takes plain :class:`pandas.DataFrame` inputs, draws on ``ax`` (a new
:class:`matplotlib.figure.Figure` when None, so pyplot's global state is never touched) and
returns the :class:`~matplotlib.axes.Axes`. In Jupyter, pass ``ax`` from ``plt.subplots()`` or
display ``ax.figure``.

Chinese text needs a font with CJK glyphs (:mod:`.fonts`). Without one, ``lang="zh"`` falls
back to English with a :class:`~retrofit.plotting.fonts.MissingCJKFontWarning`, and the few
Chinese terms in English labels (节能能力, 当量值, 百一) are replaced, so a figure never shows
boxes for missing glyphs.

Imports matplotlib (the ``plots`` extra) and raises
:class:`retrofit._optional.MissingExtraError` naming the extra when it is missing.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .. import columns
from .._optional import plots_missing
from ..portfolio.goals import ENERGY_COLUMNS

if TYPE_CHECKING:
    from ..portfolio.tables import PortfolioResult

try:  # matplotlib is the [plots] extra
    import matplotlib as mpl
    from matplotlib.axes import Axes
    from matplotlib.patches import Patch
    from matplotlib.ticker import FixedLocator, MaxNLocator, PercentFormatter
except ImportError as error:
    raise plots_missing() from error

from .common import (
    COLOURS,
    MAX_NAMED,
    check_basis,
    format_percent,
    format_value,
    new_axes,
    outside_legend,
    require_columns,
    save_figure,
    thousands_separators,
    title_with_basis,
)
from .fonts import resolve_language
from .labels import LABELS, FigureText
from .portfolio_groups import plot_group_trajectories
from .savings import plot_bai_yi_shares, plot_measure_savings


def _counted(column: str, lang: str) -> str:
    """What a count goal counts, as the glossary names the column (``retrofitted_motor_kw`` →
    电机改造功率)."""
    return columns.label(column, lang) if columns.known(column) else column


#: A supply curve draws its goal line when the goal lies within this many curve widths; a goal
#: farther right would flatten the bars, so it is named in a corner note instead.
GOAL_LINE_MAX_WIDTHS = 3.0

#: Size of a supply curve [inch]: room for the bars and, right of them, a legend of up to
#: MAX_NAMED measures and the lines
SUPPLY_FIGSIZE = (10.0, 5.5)

#: Size of a trajectory [inch]: the legend, and the note of a goal too large to draw, on the right
TRAJECTORY_FIGSIZE = (10.0, 4.8)


def basis_in_language(note: str, lang: str) -> str:
    """A portfolio's basis note (``tce, 当量值 (equivalent) basis``) as a Chinese chart writes
    it (``标准煤，当量值``); unchanged in English or when it names neither basis."""
    if lang != "zh":
        return note
    for basis in ("当量值", "等价值"):
        if basis in note:
            return f"标准煤，{basis}"
    return note


def plot_trajectory(
    trajectory: pd.DataFrame,
    *,
    goal_value: float,
    goal_label: str,
    unit: str,
    basis_note: str,
    lang: str = "en",
    ax: Axes | None = None,
) -> Axes:
    """Capacity added per year (bars) and cumulative capacity against a goal (lines).

    Parameters
    ----------
    trajectory : pandas.DataFrame
        One row per year: ``year`` [year, integer], ``capacity_added`` [unit] and
        ``capacity_cumulative`` [unit]; optionally ``realised_cumulative`` [unit], drawn when
        present and not all NaN (count goals such as kW or piles have none).
    goal_value : float
        The goal, drawn as a dashed horizontal line [unit].
    goal_label : str
        Legend label of the goal line, e.g. "2027 goal: 500,000 tce/yr".
    unit : str
        The y-axis label, e.g. "tce/yr", "kW", "piles".
    basis_note : str
        The conversion basis, shown under the title, e.g. "tce, 当量值 (equivalent) basis".
        Required (non-blank) when ``unit`` contains "tce"; may be "" for count goals.
    lang : str, default "en"
        "en" or "zh".
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure when None.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ValueError
        A column is missing, there are no rows, a year is not whole, or a tce figure has no
        ``basis_note``.
    """
    require_columns(trajectory, "trajectory", ("year", "capacity_added", "capacity_cumulative"))
    check_basis(unit, basis_note)
    text = FigureText(lang)
    frame = trajectory.sort_values("year", kind="stable")
    years_float = frame["year"].to_numpy(dtype=float)
    if not np.all(np.isfinite(years_float)) or np.any(years_float % 1 != 0):
        raise ValueError(f"trajectory year must be whole numbers, got {list(frame['year'])}")
    years = years_float.astype(int)
    ax = new_axes(TRAJECTORY_FIGSIZE) if ax is None else ax

    ax.bar(
        years,
        frame["capacity_added"].to_numpy(dtype=float),
        width=0.6,
        color=COLOURS["capacity"],
        alpha=0.35,
        label=text["capacity_added"],
    )
    ax.plot(
        years,
        frame["capacity_cumulative"].to_numpy(dtype=float),
        marker="o",
        color=COLOURS["capacity"],
        label=text["capacity_cumulative"],
    )
    if "realised_cumulative" in frame.columns and frame["realised_cumulative"].notna().any():
        ax.plot(
            years,
            frame["realised_cumulative"].to_numpy(dtype=float),
            marker="s",
            color=COLOURS["realised"],
            label=text["realised_cumulative"],
        )
    drawn = [frame["capacity_cumulative"].to_numpy(dtype=float)]
    if "realised_cumulative" in frame.columns:
        drawn.append(frame["realised_cumulative"].to_numpy(dtype=float))
    largest = float(np.nanmax(np.concatenate([np.abs(d) for d in drawn])))
    notes = []
    if largest > 0 and goal_value > GOAL_LINE_MAX_WIDTHS * largest:
        # a goal many times the portfolio would flatten its lines: named, not drawn
        notes.append(
            text["goal_off_scale"].format(goal=text.clean(goal_label), times=goal_value / largest)
        )
    else:
        ax.axhline(
            goal_value,
            linestyle="--",
            color=COLOURS["goal"],
            linewidth=1.2,
            label=text.clean(goal_label),
        )

    if len(years) <= 12:
        ax.xaxis.set_major_locator(FixedLocator(years))
        ax.set_xticks(years, [str(y) for y in years])
    else:
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    thousands_separators(ax.yaxis)
    ax.set_xlabel(text["year"])
    ax.set_ylabel(text.clean(unit))
    ax.set_title(title_with_basis(text, "trajectory_title", basis_note))
    outside_legend(ax, notes=notes)
    text.apply(ax)
    return ax


def plot_savings_by_measure(
    by_measure: pd.DataFrame,
    *,
    unit: str,
    basis_note: str,
    lang: str = "en",
    ax: Axes | None = None,
) -> Axes:
    """Waterfall of savings by measure, largest first, ending in a total bar.

    Each measure's bar starts where the previous one ended; negative savings (a measure that
    adds consumption, such as AC charging piles) go down in another colour.

    Parameters
    ----------
    by_measure : pandas.DataFrame
        ``measure_type`` (str, e.g. "motor: upgrade_motor") and ``saved`` [unit], one row per
        measure; ``saved`` may be negative.
    unit : str
        The y-axis label, e.g. "tce/yr".
    basis_note : str
        The conversion basis, shown under the title; required (non-blank) for tce.
    lang : str, default "en"
        "en" or "zh".
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure when None.

    Returns
    -------
    matplotlib.axes.Axes
        Its patches are the measure bars in drawn order, then the total bar.

    Raises
    ------
    ValueError
        A column is missing, there are no rows, ``saved`` is not finite, or a tce figure has
        no ``basis_note``.
    """
    require_columns(by_measure, "by_measure", ("measure_type", "saved"))
    check_basis(unit, basis_note)
    saved_all = by_measure["saved"].to_numpy(dtype=float)
    if not np.all(np.isfinite(saved_all)):
        raise ValueError("by_measure saved must be finite numbers")
    text = FigureText(lang)
    frame = by_measure.sort_values("saved", ascending=False, kind="stable")
    saved = frame["saved"].to_numpy(dtype=float)
    ends = np.cumsum(saved)
    starts = ends - saved
    total = float(ends[-1])
    positions = np.arange(len(saved) + 1)
    ax = new_axes() if ax is None else ax

    colours = [COLOURS["gain"] if s >= 0 else COLOURS["loss"] for s in saved]
    bars = ax.bar(positions[:-1], saved, bottom=starts, color=colours, width=0.7)
    total_bar = ax.bar(positions[-1:], [total], color=COLOURS["total"], width=0.7)
    ax.bar_label(
        bars, labels=[format_value(s) for s in saved], label_type="center", fontsize="small"
    )
    ax.bar_label(total_bar, labels=[format_value(total)], fontsize="small")
    # connectors from each bar's end to the next bar's start
    for x, level in zip(positions[:-1], ends, strict=True):
        ax.plot([x + 0.35, x + 0.65], [level, level], color="gray", linewidth=0.8)
    ax.axhline(0.0, color="black", linewidth=0.8)
    top = max(0.0, float(ends.max()))
    bottom = min(0.0, float(ends.min()))
    span = (top - bottom) or 1.0
    ax.set_ylim(bottom - 0.05 * span * (bottom < 0), top + 0.2 * span)  # room for the legend

    labels = [text.worded("measure_type", m) for m in frame["measure_type"]] + [
        text["measure_total"]
    ]
    ax.set_xticks(positions, labels, rotation=30, ha="right", rotation_mode="anchor")
    thousands_separators(ax.yaxis)
    ax.set_xlabel(text["measure_xlabel"])
    ax.set_ylabel(text.clean(unit))
    ax.set_title(title_with_basis(text, "measure_title", basis_note))
    handles = [Patch(color=COLOURS["gain"], label=text["measure_gain"])]
    if np.any(saved < 0):
        handles.append(Patch(color=COLOURS["loss"], label=text["measure_loss"]))
    handles.append(Patch(color=COLOURS["total"], label=text["measure_total"]))
    ax.legend(handles=handles, loc="upper left", ncols=len(handles), fontsize="small")
    text.apply(ax)
    return ax


def plot_bai_yi_ranking(
    bai_yi: pd.DataFrame,
    *,
    year: int,
    lang: str = "en",
    ax: Axes | None = None,
    top: int | None = None,
) -> Axes:
    """Plants ranked by estimated saving share against the 百一 target share.

    Parameters
    ----------
    bai_yi : pandas.DataFrame
        ``plant_id`` (str), ``saving_share`` [fraction, 0–1; NaN when the plant's
        previous-year energy is unknown] and ``target_share`` [fraction, e.g. 0.01; the same in
        every row]. The estimate's plant frame names the target ``bai_yi_target_share``; that
        name is accepted too.
    year : int
        The year assessed, shown in the title.
    lang : str, default "en"
        "en" or "zh".
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure when None.
    top : int, optional
        Show only the ``top`` best plants (noted on the axes).

    Returns
    -------
    matplotlib.axes.Axes
        Its patches are the plant bars, best first. Plants with unknown share are left out and
        counted in a note on the axes; plant ids label the x axis when at most 40 are shown.

    Raises
    ------
    ValueError
        A column is missing, there are no rows, the target differs between rows or is not
        finite, or ``top`` < 1.
    """
    frame = bai_yi
    if "target_share" not in frame.columns and "bai_yi_target_share" in frame.columns:
        frame = frame.rename(columns={"bai_yi_target_share": "target_share"})
    require_columns(frame, "bai_yi", ("plant_id", "saving_share", "target_share"))
    targets = frame["target_share"].to_numpy(dtype=float)
    if not np.all(np.isfinite(targets)) or np.ptp(targets) != 0:
        raise ValueError(
            f"bai_yi target_share must be one finite value, got {sorted(set(targets.tolist()))}"
        )
    if top is not None and top < 1:
        raise ValueError(f"top must be at least 1, got {top}")
    target = float(targets[0])
    text = FigureText(lang)

    share = frame["saving_share"].astype(float)
    unknown = int(share.isna().sum())
    known = frame.loc[share.notna()].assign(saving_share=share[share.notna()])
    ranked = known.sort_values("saving_share", ascending=False, kind="stable")
    shown = ranked if top is None else ranked.head(top)
    values = shown["saving_share"].to_numpy(dtype=float)
    meets = values >= target  # the same test as the estimate's meets_bai_yi
    positions = np.arange(len(values))
    ax = new_axes() if ax is None else ax

    ax.bar(
        positions,
        values,
        width=0.8,
        color=[COLOURS["meets"] if m else COLOURS["short"] for m in meets],
    )
    target_text = text["bai_yi_line"].format(target=format_percent(target))
    ax.axhline(target, linestyle="--", color=COLOURS["goal"], linewidth=1.2, label=target_text)
    ax.axhline(0.0, color="black", linewidth=0.8)
    ax.yaxis.set_major_formatter(PercentFormatter(xmax=1.0))
    peak = max([target, *values.tolist()])
    low = min([0.0, *values.tolist()])
    ax.set_ylim(low * 1.1, peak * 1.35 if peak > 0 else 1.0)  # headroom for notes
    ax.set_xlim(-0.6, max(len(values), 1) - 0.4)

    if 0 < len(values) <= 40:
        ax.set_xticks(
            positions,
            [text.clean(p) for p in shown["plant_id"]],
            rotation=45 if len(values) > 8 else 0,
            ha="right" if len(values) > 8 else "center",
            rotation_mode="anchor",
        )
        ax.set_xlabel(text["plant"])
    else:
        ax.set_xticks([])
        ax.set_xlabel(text["plants_ranked"])
    ax.set_ylabel(text["bai_yi_ylabel"])
    ax.set_title(text["bai_yi_title"].format(year=year))

    notes = []
    if top is not None and len(ranked) > len(shown):
        notes.append(text["bai_yi_top"].format(top=len(shown), n=len(ranked)))
    if unknown:
        key = "bai_yi_unknown_one" if unknown == 1 else "bai_yi_unknown"
        notes.append(text[key].format(n=unknown))
    if notes:
        ax.text(
            0.01,
            0.98,
            "\n".join(notes),
            transform=ax.transAxes,
            ha="left",
            va="top",
            fontsize="small",
            color="dimgray",
        )
    handles = [
        Patch(color=COLOURS["meets"], label=text["bai_yi_meets"]),
        Patch(color=COLOURS["short"], label=text["bai_yi_short"]),
        *ax.get_legend_handles_labels()[0],
    ]
    ax.legend(handles=handles, loc="upper right", fontsize="small")
    text.apply(ax)
    return ax


def plot_abatement_curve(
    curve: pd.DataFrame,
    *,
    basis_note: str,
    lang: str = "en",
    ax: Axes | None = None,
    goal_value: float | None = None,
    goal_label: str | None = None,
    ylabel: str | None = None,
) -> Axes:
    """Saving-capacity supply curve: measures as bars of width tce/yr and height cost, cheapest
    first (a marginal abatement cost curve).

    Parameters
    ----------
    curve : pandas.DataFrame
        ``label`` (str), ``saved_tce`` [tce/yr, > 0] and ``cost_per_tce_cny``
        [CNY per tce/yr; negative when the measure pays for itself].
    basis_note : str
        The conversion basis, shown under the title (non-blank).
    lang : str, default "en"
        "en" or "zh".
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure when None.
    goal_value : float, optional
        A goal drawn as a dashed vertical line [tce/yr]; one beyond
        :data:`GOAL_LINE_MAX_WIDTHS` curve widths is named in a corner note instead.
    goal_label : str, optional
        Legend label of the goal line; "goal" when None.
    ylabel : str, optional
        Y-axis label; by default "investment per tce/yr of saving capacity [CNY per tce/yr]"
        (en) or "单位节能能力投资 [元/(tce/年)]" (zh).

    Returns
    -------
    matplotlib.axes.Axes
        Its patches are the measure bars, cheapest first; bar ``i`` spans the cumulative
        ``saved_tce`` of the bars before it to that plus its own.

    Raises
    ------
    ValueError
        A column is missing, there are no rows, a ``saved_tce`` is not a positive number, a
        cost is not finite, or ``basis_note`` is blank.
    """
    require_columns(curve, "curve", ("label", "saved_tce", "cost_per_tce_cny"))
    check_basis("tce", basis_note)
    saved_all = curve["saved_tce"].to_numpy(dtype=float)
    cost_all = curve["cost_per_tce_cny"].to_numpy(dtype=float)
    if not np.all(np.isfinite(saved_all) & (saved_all > 0)):
        raise ValueError("curve saved_tce must be positive numbers")
    if not np.all(np.isfinite(cost_all)):
        raise ValueError("curve cost_per_tce_cny must be finite numbers")
    text = FigureText(lang)
    frame = curve.sort_values("cost_per_tce_cny", kind="stable")
    widths = frame["saved_tce"].to_numpy(dtype=float)
    costs = frame["cost_per_tce_cny"].to_numpy(dtype=float)
    lefts = np.concatenate([[0.0], np.cumsum(widths)[:-1]])
    ax = new_axes(SUPPLY_FIGSIZE) if ax is None else ax  # wide: the legend is on the right

    cmap = mpl.colormaps["tab20"]
    labels = [text.clean(label) for label in frame["label"]]
    # the largest bars are named one by one; the others are grey, one legend entry with count
    named = np.zeros(len(widths), dtype=bool)
    named[np.argsort(-widths, kind="stable")[: MAX_NAMED - (len(widths) > MAX_NAMED)]] = True
    other_label = text["mac_other"].format(n=int((~named).sum()))
    colour_of: dict[int, object] = {
        int(i): cmap(k % cmap.N) for k, i in enumerate(np.flatnonzero(named))
    }
    first_other = True
    for i, (left, width, cost, label) in enumerate(zip(lefts, widths, costs, labels, strict=True)):
        if not named[i]:
            label = other_label if first_other else "_nolegend_"
            first_other = False
        ax.bar(
            left,
            cost,
            width=width,
            align="edge",
            color=colour_of.get(i, "lightgrey"),
            edgecolor="white",
            linewidth=0.5 if len(widths) <= 200 else 0.0,
            label=label,
        )
    ax.axhline(0.0, color="black", linewidth=0.8)
    note = None
    if goal_value is not None and goal_value > GOAL_LINE_MAX_WIDTHS * widths.sum():
        note = text["goal_beyond"].format(goal=goal_value, times=goal_value / widths.sum())
        goal_value = None
    if goal_value is not None:
        ax.axvline(
            goal_value,
            linestyle="--",
            color=COLOURS["goal"],
            linewidth=1.2,
            label=text.clean(goal_label) if goal_label is not None else text["goal"],
        )
    ax.set_xlim(left=0.0)
    thousands_separators(ax.xaxis)
    thousands_separators(ax.yaxis)
    ax.set_xlabel(text["mac_xlabel"])
    ax.set_ylabel(text.clean(ylabel) if ylabel is not None else text["mac_ylabel"])
    ax.set_title(title_with_basis(text, "mac_title", basis_note))
    outside_legend(ax, notes=[note] if note is not None else [], last=[other_label])
    text.apply(ax)
    return ax


#: Goal labels of the trajectory figures, by language
_GOAL_LABELS = {
    "en": "goal {target:,.0f} {unit} by {end}",
    "zh": "目标 {target:,.0f} {unit}（{end}年）",
}


def portfolio_figures(result: PortfolioResult, *, lang: str = "en") -> dict[str, Axes]:
    """The portfolio's figures as matplotlib Axes, by file stem: one trajectory per cumulative
    goal (the tce goal always; another only when something counts toward it), the trajectory
    of each district and industry, savings by measure on both tce bases, 百一 ranking (as-of
    year, plants by name) and, when investments are known, the cost of saved tce."""
    p = result.assumptions["portfolio"]
    basis_note = basis_in_language(p["basis_note"], lang)
    text = FigureText(lang)
    figures: dict[str, Axes] = {}
    goals = result.goals[
        (result.goals["kind"] == "cumulative") & (result.goals["counted_as"] != "energy realised")
    ]
    for g in goals.itertuples(index=False):
        t = result.trajectory[result.trajectory["metric"] == g.counts]
        t = t[(t["year"] >= g.period_start) & (t["year"] <= g.period_end)]
        if g.counts != "coal_saved_tce" and not t["capacity_cumulative"].abs().gt(0).any():
            continue  # nothing counts toward this goal: a goal line over zeros says nothing
        drawn = ["year", "capacity_added", "capacity_cumulative"]
        if g.counts in ENERGY_COLUMNS:
            drawn.append("realised_cumulative")
        unit = columns.value_label("unit", g.unit, lang)
        figures[f"trajectory_{g.goal}"] = plot_trajectory(
            t[drawn],
            goal_value=g.target,
            unit=unit,
            lang=lang,
            goal_label=_GOAL_LABELS.get(lang, _GOAL_LABELS["en"]).format(
                target=g.target, unit=unit, end=g.period_end
            ),
            basis_note=basis_note
            if g.counts == "coal_saved_tce"
            else f"{_counted(g.counts, lang)} [{columns.value_label('unit', g.unit, lang)}]",
        )
    figures.update(group_trajectory_figures(result, lang=lang))
    # named, horizontal bars on both bases: readable at any number of measure types (not the
    # waterfall); a result written before both bases were summed shows its one headline basis
    labels = [_measure_words(text, m) for m in result.by_measure["measure_type"]]
    if {"coal_saved_tce_equivalent", "coal_saved_tce_equal_value"} <= set(
        result.by_measure.columns
    ):
        figures["savings_by_measure"] = plot_measure_savings(
            pd.DataFrame(
                {
                    "label": labels,
                    "equivalent": result.by_measure["coal_saved_tce_equivalent"].to_numpy(float),
                    "equal_value": result.by_measure["coal_saved_tce_equal_value"].to_numpy(float),
                }
            ),
            lang=lang,
        )
    else:
        figures["savings_by_measure"] = plot_measure_savings(
            pd.DataFrame(
                {"label": labels, "saved": result.by_measure["coal_saved_tce"].to_numpy(float)}
            ),
            lang=lang,
            saved_label=text.clean(basis_note),
        )
    year = p["as_of_year"]
    ranking = result.bai_yi[result.bai_yi["year"] == year]
    if len(ranking) and ranking["saving_share"].notna().any():
        # the plants by the names the city knows them by, highest share on top
        # the plants file's name (企业名称), else the inventory's plant_name
        register = result.plants.set_index("plant_id")
        names = pd.Series(None, index=register.index, dtype=object)
        for column in ("plant_name", "name"):
            if column in register.columns:
                names = register[column].astype(object).where(register[column].notna(), names)
        target = float(ranking["target_share"].max())
        figures["bai_yi_ranking"] = plot_bai_yi_shares(
            pd.DataFrame(
                {
                    "label": [
                        str(names.get(plant)) if pd.notna(names.get(plant)) else str(plant)
                        for plant in ranking["plant_id"]
                    ],
                    "saving_share": ranking["saving_share"].to_numpy(float),
                    "target_share": ranking["target_share"].to_numpy(float),
                }
            ),
            line_label=text["bai_yi_line"].format(target=format_percent(target)),
            title=text["bai_yi_title"].format(year=year),
            lang=lang,
        )
    if len(result.abatement):
        curve = result.abatement
        goal = float(curve["goal_line_tce"].iloc[0])
        curve = curve.assign(label=[_measure_words(text, m) for m in curve["label"]])
        figures["abatement_curve"] = plot_abatement_curve(
            curve[["label", "saved_tce", "cost_per_tce_cny"]],
            basis_note=basis_note,
            lang=lang,
            goal_value=goal if np.isfinite(goal) else None,
            ylabel=LABELS.get(lang, LABELS["en"])["levelised_ylabel"],
        )
    return figures


def _measure_words(text: FigureText, measure_type: str) -> str:
    """A portfolio's measure type as the figure's reader reads it, a charging pile's type
    included (``charger: replace_charger (dc)`` → ``充电桩：更换充电桩（直流桩）``)."""
    base, pile = str(measure_type), ""
    if base.endswith(")") and " (" in base:
        base, kind = base[:-1].rsplit(" (", 1)
        worded = columns.value_label("charger_type", kind, text.lang)
        pile = f"（{worded}）" if text.lang == "zh" else f" ({worded})"
    return text.worded("measure_type", base) + text.clean(pile)


def group_trajectory_figures(result: PortfolioResult, *, lang: str = "en") -> dict[str, Axes]:
    """The trajectory of each district and each industry against the city's cumulative tce
    goal, by file stem (``districts_trajectory``, ``industries_trajectory``); none for a
    grouping the plants file does not give."""
    frame = getattr(result, "group_trajectory", pd.DataFrame())
    if frame.empty:
        return {}
    goals = result.goals[
        (result.goals["kind"] == "cumulative") & (result.goals["counts"] == "coal_saved_tce")
    ]
    goal = goals.iloc[0] if len(goals) else None
    basis_note = basis_in_language(result.assumptions["portfolio"]["basis_note"], lang)
    figures: dict[str, Axes] = {}
    for grouping, stem in (("district", "districts"), ("industry", "industries")):
        part = frame[frame["grouped_by"] == grouping]
        if len(part):
            figures[f"{stem}_trajectory"] = plot_group_trajectories(
                part[["group", "year", "capacity_cumulative"]],
                grouping=grouping,
                basis_note=basis_note,
                goal_value=float(goal["target"]) if goal is not None else None,
                goal_end=int(goal["period_end"]) if goal is not None else None,
                lang=lang,
            )
    return figures


def write_portfolio_figures(
    result: PortfolioResult, folder: str | Path, *, lang: str = "en"
) -> tuple[list[Path], str | None]:
    """Write every figure of :func:`portfolio_figures` as PNG and SVG into ``folder``.

    Returns the paths written and, when Chinese was asked for but no CJK font exists, the
    message saying the labels fell back to English.
    """
    used, message = resolve_language(lang)
    written: list[Path] = []
    for stem, ax in portfolio_figures(result, lang=used).items():
        written += save_figure(ax, folder, stem)
    return written, message
