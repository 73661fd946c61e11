"""Matplotlib figures of a city portfolio: goal trajectory, savings by measure, 百一 ranking and
the saving-capacity supply (marginal abatement) curve.

Every plot function takes plain :class:`pandas.DataFrame` inputs, draws on ``ax`` (a new
:class:`matplotlib.figure.Figure` when None, so pyplot's global state is never touched) and
returns the :class:`~matplotlib.axes.Axes`. In Jupyter, pass ``ax`` from ``plt.subplots()`` or
display ``ax.figure``. :func:`save_figure` writes PNG and SVG atomically.

Chinese text needs a font with CJK glyphs. :func:`find_cjk_font` finds one; every text object a
plot creates gets it as its ``fontfamily`` (the user's ``rcParams`` are never changed). Without
one, ``lang="zh"`` falls back to English with a :class:`MissingCJKFontWarning`, and the few
Chinese terms in English labels (节能能力, 当量值, 百一) are replaced, so a figure never shows
boxes for missing glyphs.

This module imports matplotlib (the ``plots`` extra) at import time, and raises
:class:`retrofit._optional.MissingExtraError` naming the extra when it is missing; the CLI
imports it only for figures.
"""

from __future__ import annotations

import functools
import re
import shutil
import subprocess
import warnings
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .. import columns
from .._optional import plots_missing
from ..io.atomic import atomic_write
from ..portfolio.goals import ENERGY_COLUMNS

if TYPE_CHECKING:
    from ..portfolio.runner import PortfolioResult

try:  # matplotlib is the [plots] extra
    import matplotlib as mpl
    from matplotlib import font_manager
    from matplotlib.axes import Axes
    from matplotlib.axis import Axis
    from matplotlib.figure import Figure, SubFigure
    from matplotlib.ft2font import FT2Font
    from matplotlib.patches import Patch
    from matplotlib.text import Text
    from matplotlib.ticker import FixedLocator, MaxNLocator, PercentFormatter, StrMethodFormatter
except ImportError as error:
    raise plots_missing() from error

__all__ = [
    "LABELS",
    "MissingCJKFontWarning",
    "estimate_figures",
    "find_cjk_font",
    "plot_abatement_curve",
    "plot_bai_yi_ranking",
    "plot_savings_by_measure",
    "plot_supply_curve",
    "plot_tornado",
    "plot_trajectory",
    "portfolio_figures",
    "resolve_language",
    "save_figure",
    "write_portfolio_figures",
    "write_supply_curves",
]

#: Every fixed text the plots draw, one dict per language. ``{placeholders}`` are filled in by
#: the plot functions; data (plant ids, measure names, goal labels, units) comes from arguments.
#: Axes and legend entries that show an output column take its label from the glossary
#: (:mod:`retrofit.columns`).
LABELS: dict[str, dict[str, str]] = {
    "en": {
        "year": columns.label("year", "en"),
        "goal": "goal",
        "trajectory_title": "Saving capacity toward the goal",
        "capacity_added": columns.label("capacity_added", "en"),
        "capacity_cumulative": columns.label("capacity_cumulative", "en"),
        "realised_cumulative": columns.label("realised_cumulative", "en"),
        "measure_title": "Savings by measure",
        "measure_xlabel": columns.label("measure", "en"),
        "measure_gain": "saving",
        "measure_loss": "added consumption",
        "measure_total": "total",
        "bai_yi_title": "百一 {year}: estimated saving as a share of previous-year energy",
        "bai_yi_ylabel": columns.label("saving_share", "en"),
        "bai_yi_line": "百一 {target}",
        "bai_yi_meets": "meets the target",
        "bai_yi_short": "short of the target",
        "bai_yi_unknown": "{n} plants without previous-year energy not shown",
        "bai_yi_unknown_one": "1 plant without previous-year energy not shown",
        "bai_yi_top": "best {top} of {n} plants with known energy shown",
        "plant": columns.label("plant_id", "en"),
        "plants_ranked": "plants ranked",
        "mac_title": "Saving-capacity supply curve (marginal abatement cost)",
        "mac_xlabel": columns.header("cumulative_tce", "en"),
        "mac_ylabel": columns.header("investment_per_tce_cny", "en"),
        "levelised_ylabel": columns.header("cost_of_saved_tce_cny_per_tce", "en"),
        "goal_beyond": "goal {goal:,.0f} tce → {times:,.0f}× this curve's width",
    },
    "zh": {
        "year": columns.label("year", "zh"),
        "goal": "目标",
        "trajectory_title": "节能能力目标进度",
        "capacity_added": columns.label("capacity_added", "zh"),
        "capacity_cumulative": columns.label("capacity_cumulative", "zh"),
        "realised_cumulative": columns.label("realised_cumulative", "zh"),
        "measure_title": "按措施分解的节能量",
        "measure_xlabel": columns.label("measure", "zh"),
        "measure_gain": "节能",
        "measure_loss": "新增能耗",
        "measure_total": "合计",
        "bai_yi_title": "{year} 年百一进度：节能量占上年能耗比例（估算）",
        "bai_yi_ylabel": columns.label("saving_share", "zh"),
        "bai_yi_line": "百一 {target}",
        "bai_yi_meets": "达标",
        "bai_yi_short": "未达标",
        "bai_yi_unknown": "{n} 家企业缺少上年能耗，未显示",
        "bai_yi_unknown_one": "1 家企业缺少上年能耗，未显示",
        "bai_yi_top": "显示前 {top} 家（已知能耗的共 {n} 家）",
        "plant": columns.label("plant_id", "zh"),
        "plants_ranked": "企业（按比例排序）",
        "mac_title": "节能能力供给曲线（边际减排成本）",
        "mac_xlabel": columns.header("cumulative_tce", "zh"),
        "mac_ylabel": columns.header("investment_per_tce_cny", "zh"),
        "levelised_ylabel": columns.header("cost_of_saved_tce_cny_per_tce", "zh"),
        "goal_beyond": "目标 {goal:,.0f} tce → 为本曲线宽度的 {times:,.0f} 倍",
    },
}

#: A supply curve draws its goal line when the goal lies within this many curve widths; a goal
#: farther right would flatten the bars, so it is named in a corner note instead.
GOAL_LINE_MAX_WIDTHS = 3.0

#: Font families tried first, in order, by :func:`find_cjk_font`.
CJK_FONT_PREFERENCE: tuple[str, ...] = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "SimHei",
    "Microsoft YaHei",
    "PingFang SC",
    "Heiti SC",
    "Arial Unicode MS",
)

NO_CJK_FONT_MESSAGE = (
    "no CJK font found (install e.g. fonts-noto-cjk or fonts-wqy-microhei); "
    "plot labels are in English"
)

#: Chinese terms in English labels and their replacements when no CJK font exists.
_EN_FALLBACK_TERMS = {
    "当量值": "equivalent",
    "等价值": "equal-value",
    "节能能力": "saving capacity",
    "百一": "bai-yi",
    "目标": "goal",
}

_CJK = "\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
_CJK_RUN = re.compile(f"[{_CJK}]+")
# "当量值 (equivalent)" → "equivalent": the English gloss already says it
_CJK_GLOSSED = re.compile(rf"[{_CJK}]+\s*[(（]([^()（）{_CJK}]+)[)）]")
# "cumulative (节能能力)" → "cumulative": a Chinese gloss of the English before it
_CJK_PAREN = re.compile(rf"\s*[(（][^()（）A-Za-z]*[{_CJK}][^()（）A-Za-z]*[)）]")

#: "节" must have a glyph; the others must have different ones (see _has_cjk_glyph)
_PROBE_CHARS = "节能百"
_COLOURS = {
    "gain": "tab:blue",
    "loss": "tab:red",
    "total": "dimgray",
    "meets": "tab:green",
    "short": "tab:orange",
    "capacity": "tab:blue",
    "realised": "tab:green",
    "goal": "black",
}


class MissingCJKFontWarning(UserWarning):
    """``lang="zh"`` was asked for but no font with CJK glyphs exists: labels are in English."""


# --------------------------------------------------------------------------------------------
# fonts and language


def _has_cjk_glyph(path: str) -> bool:
    """Whether the font file draws Chinese: real, distinct glyphs for the probe characters.

    Matplotlib's bundled "Last Resort" font maps every character of a block to one placeholder
    glyph (a box), so a non-zero glyph index alone is not enough.
    """
    try:
        font = FT2Font(path)
        indices = [font.get_char_index(ord(char)) for char in _PROBE_CHARS]
    except (OSError, RuntimeError, ValueError):
        return False
    return all(indices) and len(set(indices)) == len(indices)


def _system_cjk_font_files() -> list[str]:
    """Font files the system has that matplotlib's (possibly stale) font cache may not list."""
    fc_list = shutil.which("fc-list")
    if fc_list is not None:
        try:
            out = subprocess.run(
                [fc_list, ":lang=zh", "file"],
                capture_output=True,
                text=True,
                timeout=30,
                check=False,
            ).stdout
        except (OSError, subprocess.SubprocessError):
            out = ""
        return sorted({line.strip().rstrip(":") for line in out.splitlines() if line.strip()})
    known = {entry.fname for entry in font_manager.fontManager.ttflist}
    return sorted(set(font_manager.findSystemFonts()) - known)


def _find_in_font_manager() -> str | None:
    entries = font_manager.fontManager.ttflist
    names = {entry.name for entry in entries}
    for name in CJK_FONT_PREFERENCE:
        if name in names:
            return name
    for entry in sorted(entries, key=lambda e: (e.name, e.fname)):
        if _has_cjk_glyph(entry.fname):
            return entry.name
    return None


@functools.cache
def find_cjk_font() -> str | None:
    """Name of a font family, known to matplotlib, that has Chinese glyphs; None when none exists.

    The families in :data:`CJK_FONT_PREFERENCE` are tried in order, then any font whose file has
    distinct glyphs for "节", "能" and "百". When matplotlib's font cache knows none (it is not rebuilt when fonts are
    installed after it was written), the system's CJK fonts (``fc-list :lang=zh file``, or
    :func:`matplotlib.font_manager.findSystemFonts` without fontconfig) are added to matplotlib's
    font manager and the search is repeated. The result is cached for the process; call
    ``find_cjk_font.cache_clear()`` after installing a font.

    Returns
    -------
    str or None
        Font family name, e.g. ``"WenQuanYi Micro Hei"``.
    """
    found = _find_in_font_manager()
    if found is not None:
        return found
    added = False
    for path in _system_cjk_font_files():
        if _has_cjk_glyph(path):
            try:
                font_manager.fontManager.addfont(path)
                added = True
            except (OSError, RuntimeError, ValueError):
                continue
    return _find_in_font_manager() if added else None


def resolve_language(lang: str) -> tuple[str, str | None]:
    """The label language a plot will use, and why it differs from ``lang`` if it does.

    Parameters
    ----------
    lang : str
        ``"en"`` or ``"zh"``.

    Returns
    -------
    lang : str
        ``lang``, or ``"en"`` when ``"zh"`` was asked for but :func:`find_cjk_font` found none.
    message : str or None
        Why the language fell back; None when it did not.

    Raises
    ------
    ValueError
        ``lang`` is neither ``"en"`` nor ``"zh"``.
    """
    if lang not in LABELS:
        raise ValueError(f"lang must be one of {sorted(LABELS)}, got {lang!r}")
    if lang == "zh" and find_cjk_font() is None:
        return "en", NO_CJK_FONT_MESSAGE
    return lang, None


def _strip_cjk(text: str) -> str:
    """English-only version of ``text`` for figures drawn without a CJK font."""
    if not _CJK_RUN.search(text):
        return text
    text = _CJK_GLOSSED.sub(r"\1", text)
    text = _CJK_PAREN.sub("", text)
    for term, english in _EN_FALLBACK_TERMS.items():
        text = text.replace(term, english)
    return _CJK_RUN.sub("?", text)


class _Text:
    """Label lookup and font for one figure: the language and font resolved once."""

    def __init__(self, lang: str):
        used, message = resolve_language(lang)
        if message is not None:
            warnings.warn(message, MissingCJKFontWarning, stacklevel=3)
        self.lang = used
        font = find_cjk_font()
        # the CJK font first, then the user's own families for any glyph it lacks
        self.families: list[str] | None = (
            None if font is None else [font, *mpl.rcParams["font.family"]]
        )

    def __getitem__(self, key: str) -> str:
        return self.clean(LABELS[self.lang][key])

    def clean(self, text: object) -> str:
        """``text`` as drawn: unchanged with a CJK font, Chinese replaced without one."""
        text = str(text)
        return text if self.families is not None else _strip_cjk(text)

    def apply(self, ax: Axes) -> None:
        """Give every text of ``ax``, tick labels to come included, the CJK font."""
        if self.families is None:
            return
        ax.tick_params(axis="both", which="both", labelfontfamily=self.families)
        for text in ax.findobj(match=Text):
            text.set_fontfamily(self.families)


# --------------------------------------------------------------------------------------------
# helpers


def _new_axes() -> Axes:
    return Figure(layout="constrained").add_subplot()


def _require(frame: pd.DataFrame, name: str, columns: Iterable[str]) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{name} is missing column(s) {missing}; found {list(frame.columns)}")
    if frame.empty:
        raise ValueError(f"{name} has no rows")


def _title(text: _Text, key: str, basis_note: str, **fields: object) -> str:
    title = text[key].format(**fields)
    note = text.clean(basis_note).strip()
    return f"{title}\n{note}" if note else title


def _check_basis(unit: str, basis_note: str) -> None:
    if "tce" in unit.lower() and not basis_note.strip():
        raise ValueError(
            f"unit {unit!r} is tce: basis_note must name the conversion basis, "
            "e.g. 'tce, 当量值 (equivalent) basis'"
        )


def _thousands(axis: Axis) -> None:
    axis.set_major_formatter(StrMethodFormatter("{x:,.12g}"))


def _format_percent(fraction: float) -> str:
    return f"{fraction * 100:.4g} %"


def _format_value(value: float) -> str:
    magnitude = abs(value)
    if magnitude >= 100:
        return f"{value:,.0f}"
    if magnitude >= 1:
        return f"{value:,.1f}"
    return f"{value:.2g}"


# --------------------------------------------------------------------------------------------
# plots


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
    _require(trajectory, "trajectory", ("year", "capacity_added", "capacity_cumulative"))
    _check_basis(unit, basis_note)
    text = _Text(lang)
    frame = trajectory.sort_values("year", kind="stable")
    years_float = frame["year"].to_numpy(dtype=float)
    if not np.all(np.isfinite(years_float)) or np.any(years_float % 1 != 0):
        raise ValueError(f"trajectory year must be whole numbers, got {list(frame['year'])}")
    years = years_float.astype(int)
    ax = _new_axes() if ax is None else ax

    ax.bar(
        years,
        frame["capacity_added"].to_numpy(dtype=float),
        width=0.6,
        color=_COLOURS["capacity"],
        alpha=0.35,
        label=text["capacity_added"],
    )
    ax.plot(
        years,
        frame["capacity_cumulative"].to_numpy(dtype=float),
        marker="o",
        color=_COLOURS["capacity"],
        label=text["capacity_cumulative"],
    )
    if "realised_cumulative" in frame.columns and frame["realised_cumulative"].notna().any():
        ax.plot(
            years,
            frame["realised_cumulative"].to_numpy(dtype=float),
            marker="s",
            color=_COLOURS["realised"],
            label=text["realised_cumulative"],
        )
    ax.axhline(
        goal_value,
        linestyle="--",
        color=_COLOURS["goal"],
        linewidth=1.2,
        label=text.clean(goal_label),
    )

    if len(years) <= 12:
        ax.xaxis.set_major_locator(FixedLocator(years))
        ax.set_xticks(years, [str(y) for y in years])
    else:
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    _thousands(ax.yaxis)
    ax.set_xlabel(text["year"])
    ax.set_ylabel(text.clean(unit))
    ax.set_title(_title(text, "trajectory_title", basis_note))
    ax.legend(loc="upper left", fontsize="small")
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
    _require(by_measure, "by_measure", ("measure_type", "saved"))
    _check_basis(unit, basis_note)
    saved_all = by_measure["saved"].to_numpy(dtype=float)
    if not np.all(np.isfinite(saved_all)):
        raise ValueError("by_measure saved must be finite numbers")
    text = _Text(lang)
    frame = by_measure.sort_values("saved", ascending=False, kind="stable")
    saved = frame["saved"].to_numpy(dtype=float)
    ends = np.cumsum(saved)
    starts = ends - saved
    total = float(ends[-1])
    positions = np.arange(len(saved) + 1)
    ax = _new_axes() if ax is None else ax

    colours = [_COLOURS["gain"] if s >= 0 else _COLOURS["loss"] for s in saved]
    bars = ax.bar(positions[:-1], saved, bottom=starts, color=colours, width=0.7)
    total_bar = ax.bar(positions[-1:], [total], color=_COLOURS["total"], width=0.7)
    ax.bar_label(
        bars, labels=[_format_value(s) for s in saved], label_type="center", fontsize="small"
    )
    ax.bar_label(total_bar, labels=[_format_value(total)], fontsize="small")
    # connectors from each bar's end to the next bar's start
    for x, level in zip(positions[:-1], ends, strict=True):
        ax.plot([x + 0.35, x + 0.65], [level, level], color="gray", linewidth=0.8)
    ax.axhline(0.0, color="black", linewidth=0.8)
    top = max(0.0, float(ends.max()))
    bottom = min(0.0, float(ends.min()))
    span = (top - bottom) or 1.0
    ax.set_ylim(bottom - 0.05 * span * (bottom < 0), top + 0.2 * span)  # room for the legend

    labels = [text.clean(m) for m in frame["measure_type"]] + [text["measure_total"]]
    ax.set_xticks(positions, labels, rotation=30, ha="right", rotation_mode="anchor")
    _thousands(ax.yaxis)
    ax.set_xlabel(text["measure_xlabel"])
    ax.set_ylabel(text.clean(unit))
    ax.set_title(_title(text, "measure_title", basis_note))
    handles = [Patch(color=_COLOURS["gain"], label=text["measure_gain"])]
    if np.any(saved < 0):
        handles.append(Patch(color=_COLOURS["loss"], label=text["measure_loss"]))
    handles.append(Patch(color=_COLOURS["total"], label=text["measure_total"]))
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
    _require(frame, "bai_yi", ("plant_id", "saving_share", "target_share"))
    targets = frame["target_share"].to_numpy(dtype=float)
    if not np.all(np.isfinite(targets)) or np.ptp(targets) != 0:
        raise ValueError(
            f"bai_yi target_share must be one finite value, got {sorted(set(targets.tolist()))}"
        )
    if top is not None and top < 1:
        raise ValueError(f"top must be at least 1, got {top}")
    target = float(targets[0])
    text = _Text(lang)

    share = frame["saving_share"].astype(float)
    unknown = int(share.isna().sum())
    known = frame.loc[share.notna()].assign(saving_share=share[share.notna()])
    ranked = known.sort_values("saving_share", ascending=False, kind="stable")
    shown = ranked if top is None else ranked.head(top)
    values = shown["saving_share"].to_numpy(dtype=float)
    meets = values >= target  # the same test as the estimate's meets_bai_yi
    positions = np.arange(len(values))
    ax = _new_axes() if ax is None else ax

    ax.bar(
        positions,
        values,
        width=0.8,
        color=[_COLOURS["meets"] if m else _COLOURS["short"] for m in meets],
    )
    target_text = text["bai_yi_line"].format(target=_format_percent(target))
    ax.axhline(target, linestyle="--", color=_COLOURS["goal"], linewidth=1.2, label=target_text)
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
        Patch(color=_COLOURS["meets"], label=text["bai_yi_meets"]),
        Patch(color=_COLOURS["short"], label=text["bai_yi_short"]),
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
    _require(curve, "curve", ("label", "saved_tce", "cost_per_tce_cny"))
    _check_basis("tce", basis_note)
    saved_all = curve["saved_tce"].to_numpy(dtype=float)
    cost_all = curve["cost_per_tce_cny"].to_numpy(dtype=float)
    if not np.all(np.isfinite(saved_all) & (saved_all > 0)):
        raise ValueError("curve saved_tce must be positive numbers")
    if not np.all(np.isfinite(cost_all)):
        raise ValueError("curve cost_per_tce_cny must be finite numbers")
    text = _Text(lang)
    frame = curve.sort_values("cost_per_tce_cny", kind="stable")
    widths = frame["saved_tce"].to_numpy(dtype=float)
    costs = frame["cost_per_tce_cny"].to_numpy(dtype=float)
    lefts = np.concatenate([[0.0], np.cumsum(widths)[:-1]])
    ax = _new_axes() if ax is None else ax

    cmap = mpl.colormaps["tab20"]
    labels = [text.clean(label) for label in frame["label"]]
    for i, (left, width, cost, label) in enumerate(zip(lefts, widths, costs, labels, strict=True)):
        ax.bar(
            left,
            cost,
            width=width,
            align="edge",
            color=cmap(i % cmap.N),
            edgecolor="white",
            linewidth=0.5,
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
            color=_COLOURS["goal"],
            linewidth=1.2,
            label=text.clean(goal_label) if goal_label is not None else text["goal"],
        )
    ax.set_xlim(left=0.0)
    _thousands(ax.xaxis)
    _thousands(ax.yaxis)
    ax.set_xlabel(text["mac_xlabel"])
    ax.set_ylabel(text.clean(ylabel) if ylabel is not None else text["mac_ylabel"])
    ax.set_title(_title(text, "mac_title", basis_note))
    if len(labels) <= 15:
        ax.legend(loc="upper left", fontsize="small")
    if note is not None:
        ax.annotate(
            note, xy=(0.99, 0.97), xycoords="axes fraction", ha="right", va="top", fontsize="small"
        )
    text.apply(ax)
    return ax


# --------------------------------------------------------------------------------------------
# output


def save_figure(
    ax_or_fig: Axes | Figure | SubFigure,
    folder: str | Path,
    stem: str,
    formats: Sequence[str] = ("png", "svg"),
) -> list[Path]:
    """Write the figure as ``folder/stem.<format>`` for each format, each atomically.

    Each file is written to a temporary file in ``folder`` and renamed over the target, so a
    failure leaves neither a partial file nor a changed target.

    Parameters
    ----------
    ax_or_fig : matplotlib.axes.Axes or matplotlib.figure.Figure
        The figure, or any Axes on it.
    folder : str or pathlib.Path
        Created if missing.
    stem : str
        File name without extension; no path separators.
    formats : sequence of str, default ("png", "svg")
        Formats matplotlib can write.

    Returns
    -------
    list of pathlib.Path
        The files written, in ``formats`` order.

    Raises
    ------
    ValueError
        ``stem`` is empty or contains a path separator, or a format is not supported.
    """
    if not stem or Path(stem).name != stem:
        raise ValueError(f"stem must be a plain file name without folders, got {stem!r}")
    fig = ax_or_fig if isinstance(ax_or_fig, Figure) else ax_or_fig.figure
    while isinstance(fig, SubFigure):
        fig = fig.figure
    if not isinstance(fig, Figure):
        raise TypeError(f"ax_or_fig must be an Axes or a Figure, got {type(ax_or_fig).__name__}")
    supported = fig.canvas.get_supported_filetypes()
    unknown = [f for f in formats if f not in supported]
    if unknown:
        raise ValueError(f"unsupported format(s) {unknown}; one of {sorted(supported)}")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for fmt in formats:
        target = folder / f"{stem}.{fmt}"
        # SVG's default metadata holds the date: leave it out so reruns give the same bytes
        metadata = {"Date": None} if fmt == "svg" else None
        atomic_write(target, functools.partial(_savefig, fig, fmt=fmt, metadata=metadata))
        written.append(target)
    return written


def _savefig(fig: Figure, path: Path, *, fmt: str, metadata: dict | None) -> None:
    fig.savefig(path, format=fmt, bbox_inches="tight", metadata=metadata)


# --------------------------------------------------------------------------------------------
# conservation supply curves of an estimate

_SUPPLY_TEXT = {
    "en": {
        "title": "Conservation supply curve — {scope}",
        "bai_yi": "百一: 1 % of previous-year energy ({value:,.1f} tce/yr)",
        "bai_yi_all": "百一 of all plants with known energy ({value:,.1f} tce/yr)",
        "value": "value of saved energy ({value:,.0f} CNY/tce)",
        "goal": "{goal} ({value:,.0f} {unit})",
    },
    "zh": {
        "title": "节能供给曲线 — {scope}",
        "bai_yi": "百一：上年能耗的1%（{value:,.1f} tce/年）",
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
    _require(
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
    frame = pd.DataFrame(
        {
            "label": curve["asset_id"].astype(str) + " " + curve["measure"].astype(str),
            "saved_tce": curve["coal_saved_tce"].to_numpy(float),
            "cost_per_tce_cny": curve["cost_of_saved_tce_cny_per_tce"].to_numpy(float),
        }
    )
    text = _Text(lang)
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
            color=_COLOURS["goal"],
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
    _require(tornado, "tornado", ("input", "at_p10", "at_p90"))
    words = _TORNADO_TEXT["zh" if lang == "zh" else "en"]
    text = _Text(lang)
    frame = tornado.assign(swing=(tornado["at_p90"] - tornado["at_p10"]).abs()).sort_values(
        "swing", kind="stable"
    )
    ax = _new_axes() if ax is None else ax
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
        color=_COLOURS.get("capacity", "C0"),
        label=words["p10"],
    )
    ax.barh(
        y,
        frame["at_p90"] - centre,
        left=centre,
        color=_COLOURS.get("realised", "C1"),
        label=words["p90"],
        alpha=0.8,
    )
    if estimate is not None:
        ax.axvline(estimate, color="black", linewidth=0.8, label=words["estimate"])
    ax.set_yticks(y, [text.clean(v) for v in frame["input"]])
    ax.set_xlabel(words["xlabel"])
    ax.set_title(words["title"])
    ax.legend(loc="lower right", fontsize="small")
    text.apply(ax)
    return ax


#: Goal labels of the trajectory figures, by language
_GOAL_LABELS = {
    "en": "goal {target:,.0f} {unit} by {end}",
    "zh": "目标 {target:,.0f} {unit}（{end}年）",
}


def portfolio_figures(result: PortfolioResult, *, lang: str = "en") -> dict[str, Axes]:
    """The portfolio's figures as matplotlib Axes, by file stem: one trajectory per cumulative
    goal, savings by measure, 百一 ranking (as-of year) and, when investments are known, the
    cost of saved tce."""
    p = result.assumptions["portfolio"]
    basis_note = p["basis_note"]
    figures: dict[str, Axes] = {}
    goals = result.goals[
        (result.goals["kind"] == "cumulative") & (result.goals["counted_as"] != "energy realised")
    ]
    for g in goals.itertuples(index=False):
        t = result.trajectory[result.trajectory["metric"] == g.counts]
        t = t[(t["year"] >= g.period_start) & (t["year"] <= g.period_end)]
        columns = ["year", "capacity_added", "capacity_cumulative"]
        if g.counts in ENERGY_COLUMNS:
            columns.append("realised_cumulative")
        figures[f"trajectory_{g.goal}"] = plot_trajectory(
            t[columns],
            goal_value=g.target,
            unit=g.unit,
            lang=lang,
            goal_label=_GOAL_LABELS.get(lang, _GOAL_LABELS["en"]).format(
                target=g.target, unit=g.unit, end=g.period_end
            ),
            basis_note=basis_note if g.counts == "coal_saved_tce" else f"{g.counts} [{g.unit}]",
        )
    by_measure = result.by_measure.rename(columns={"coal_saved_tce": "saved"})
    figures["savings_by_measure"] = plot_savings_by_measure(
        by_measure[["measure_type", "saved"]], unit="tce/yr", basis_note=basis_note, lang=lang
    )
    year = p["as_of_year"]
    ranking = result.bai_yi[result.bai_yi["year"] == year]
    if len(ranking):
        figures["bai_yi_ranking"] = plot_bai_yi_ranking(
            ranking[["plant_id", "saving_share", "target_share"]], year=year, lang=lang
        )
    if len(result.abatement):
        curve = result.abatement
        goal = float(curve["goal_line_tce"].iloc[0])
        figures["abatement_curve"] = plot_abatement_curve(
            curve[["label", "saved_tce", "cost_per_tce_cny"]],
            basis_note=basis_note,
            lang=lang,
            goal_value=goal if np.isfinite(goal) else None,
            ylabel=LABELS.get(lang, LABELS["en"])["levelised_ylabel"],
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
