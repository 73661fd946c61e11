"""Figures (matplotlib, the ``plots`` extra), imported only by faces: the CLI and the reports.

The parts: :mod:`.fonts` (a font with CJK glyphs, the label language), :mod:`.labels` (the texts
drawn), :mod:`.common` (shared drawing helpers, :func:`save_figure`), :mod:`.estimate` (an
estimate's figures: supply curves and tornado), :mod:`.savings` (the figures that need no
money: savings by measure on both bases, each plant's 百一 share, the goal contributions) and
:mod:`.portfolio` (a portfolio's trajectory, savings by measure, 百一 ranking and abatement
curve) with :mod:`.portfolio_groups` (the trajectory of each district and industry).

>>> from retrofit.plotting import plot_supply_curve  # doctest: +SKIP

The names below are loaded on first use, so ``import retrofit.plotting`` does not import
matplotlib; using one without matplotlib raises
:class:`retrofit._optional.MissingExtraError` naming the extra.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

#: Public name → the module of this package that defines it
_MODULE_OF = {
    "CJK_FONT_PREFERENCE": "fonts",
    "MissingCJKFontWarning": "fonts",
    "NO_CJK_FONT_MESSAGE": "fonts",
    "find_cjk_font": "fonts",
    "resolve_language": "fonts",
    "LABELS": "labels",
    "save_figure": "common",
    "estimate_figures": "estimate",
    "plot_supply_curve": "estimate",
    "plot_tornado": "estimate",
    "write_supply_curves": "estimate",
    "GOAL_LINE_MAX_WIDTHS": "portfolio",
    "plot_abatement_curve": "portfolio",
    "plot_bai_yi_ranking": "portfolio",
    "plot_savings_by_measure": "portfolio",
    "plot_trajectory": "portfolio",
    "portfolio_figures": "portfolio",
    "write_portfolio_figures": "portfolio",
    "group_trajectory_figures": "portfolio",
    "plot_group_trajectories": "portfolio_groups",
    "MAX_NAMED": "common",
    "goal_contributions": "savings",
    "plot_bai_yi_shares": "savings",
    "plot_goal_contributions": "savings",
    "plot_measure_savings": "savings",
}


def __getattr__(name: str) -> Any:
    # lazy: `import retrofit.plotting` must not need matplotlib, its figures do
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module 'retrofit.plotting' has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{module}"), name)


def __dir__() -> list[str]:
    return sorted([*globals(), *_MODULE_OF])


__all__ = list(_MODULE_OF)
