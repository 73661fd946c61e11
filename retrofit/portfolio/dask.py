"""The portfolio under Dask: :func:`summarise_dask` runs stage 1 of
:mod:`retrofit.portfolio.tables` with ``map_partitions`` over a Dask DataFrame (e.g. partitioned
Parquet), :func:`portfolio_dask` then builds the tables here. Dask itself is not imported: the
frame brings it.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from ..core.reference import Tables, plant_energy_basis_default
from ..inventory.files import current_limits
from ..inventory.plants import read_plants
from ..inventory.workbook import ReadLimits
from .goals import load_goal_pack, region_goal_pack
from .tables import PortfolioResult, build, combine, empty_summary, summarise

# --- stage 1 under Dask ------------------------------------------------------------------------


def summarise_dask(
    ddf,
    *,
    years: Sequence[int],
    default_year: int,
    basis: str = "equivalent",
    region: str = "national",
    tariff: str | None = None,
    tables: Mapping[str, str | Path] | None = None,
    strict: bool = False,
    label: str = "partition",
    goals: str | Path | None = None,
    limits: ReadLimits | None = None,
) -> pd.DataFrame:
    """Stage 1 over a Dask DataFrame (e.g. ``dd.read_parquet(folder)``), one estimate per
    partition via ``map_partitions``, then :func:`combine` of the partition sums.

    The result equals that of the pandas path on the same rows (sums in another order: equal to
    floating-point rounding). Rows in error messages are counted within the partition, named
    ``<label> N``. Assets listed twice across partitions are not detected here.
    """
    parts = ddf.map_partitions(
        _partition_summary,
        years=list(years),
        default_year=default_year,
        basis=basis,
        region=region,
        tariff=tariff,
        tables=dict(tables or {}),
        strict=strict,
        label=label,
        goals=goals,
        limits=limits if limits is not None else current_limits(),
        meta=empty_summary(years),
    )
    return combine([parts.compute()], years)


def _partition_summary(
    part: pd.DataFrame,
    *,
    years,
    default_year,
    basis,
    region,
    tariff,
    tables,
    strict,
    label,
    goals=None,
    limits: ReadLimits | None = None,
    partition_info=None,
) -> pd.DataFrame:
    from ..inventory.reading import validate_frame
    from ..pipeline import estimate

    if len(part) == 0:
        return empty_summary(years)
    number = partition_info["number"] if partition_info else "?"
    inv = validate_frame(part.reset_index(drop=True), file=f"{label} {number}")
    result = estimate(
        inv,
        basis=basis,
        region=region,
        year=default_year,
        tariff=tariff,
        tables=tables,
        strict=strict,
        project_tables=False,
        goals=goals,
        limits=limits,
    )
    return summarise(result.assets, years=years, default_year=default_year)


# --- both stages --------------------------------------------------------------------------------


def portfolio_dask(
    ddf,
    *,
    plants: str | Path | pd.DataFrame | None = None,
    goals: str | Path | None = None,
    basis: str = "equivalent",
    region: str = "national",
    year: int | None = None,
    tariff: str | None = None,
    tables: Mapping[str, str | Path] | None = None,
    strict: bool = False,
    limits: ReadLimits | None = None,
) -> PortfolioResult:
    """:func:`portfolio` for a Dask DataFrame of asset rows (``dd.read_parquet(folder)``):
    stage 1 runs on the Dask scheduler in use (a ``distributed`` cluster when a Client is
    active), stage 2 here. Caveats and per-file tables are not collected on this path.
    ``limits`` bound the plants file and go to every partition (see :func:`summarise_dask`)."""
    as_of = int(year) if year is not None else _dt.date.today().year
    limits = limits if limits is not None else current_limits()
    tabs = Tables(dict(tables or {}))
    if goals is None:
        goals = region_goal_pack(region)
    pack = load_goal_pack(goals, tabs)
    years = list(pack.years)
    summary = summarise_dask(
        ddf,
        years=years,
        default_year=as_of,
        basis=basis,
        region=region,
        tariff=tariff,
        tables=tables,
        strict=strict,
        goals=goals,
        limits=limits,
    )
    register = (
        plants
        if plants is None or isinstance(plants, pd.DataFrame)
        else read_plants(plants, limits=limits)
    )
    return build(
        summary,
        pack=pack,
        basis=basis,
        as_of_year=as_of,
        plants=register,
        plants_file=None if plants is None or isinstance(plants, pd.DataFrame) else str(plants),
        assumptions={"engine": "dask", "partitions": int(ddf.npartitions)},
        energy_basis_default=plant_energy_basis_default(region, tabs),
    )
