"""Many plants against a city's goals: the runner over files, folders and big files
(:mod:`.runner`), the analyst's tables in two stages (:mod:`.tables`), the same under Dask
(:mod:`.dask`), goal packs (:mod:`.goals`) and the year-by-year trajectory (:mod:`.trajectory`).
Never imports plotting.

>>> from retrofit.portfolio import portfolio  # doctest: +SKIP
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

#: Public name → the module of this package that defines it
_MODULE_OF = {
    "portfolio": "runner",
    "expand_inputs": "runner",
    "PortfolioResult": "tables",
    "build": "tables",
    "combine": "tables",
    "summarise": "tables",
    "portfolio_dask": "dask",
    "summarise_dask": "dask",
}


def __getattr__(name: str) -> Any:
    # lazy: importing retrofit.portfolio.trajectory must not load the runner (and the estimate)
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module 'retrofit.portfolio' has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{module}"), name)


__all__ = list(_MODULE_OF)
