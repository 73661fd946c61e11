"""Many plants against a city's goals: the runner over files, folders and big files
(:mod:`.runner`), goal packs (:mod:`.goals`) and the year-by-year trajectory
(:mod:`.trajectory`). Never imports plotting.

>>> from retrofit.portfolio import portfolio  # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any

_RUNNER_NAMES = ("portfolio", "portfolio_dask", "PortfolioResult")


def __getattr__(name: str) -> Any:
    # lazy: importing retrofit.portfolio.trajectory must not load the runner (and the estimate)
    if name in _RUNNER_NAMES:
        from . import runner

        return getattr(runner, name)
    raise AttributeError(f"module 'retrofit.portfolio' has no attribute {name!r}")


__all__ = list(_RUNNER_NAMES)
