"""Savings year by year from in-service dates: capacity added and energy realised.

Two ways to count a year's savings, both reported, never mixed:

*saving capacity* (节能能力)
    The full annual saving of every measure that enters service in the year, counted in that
    year. Project-based reporting (a project's "年节能量") counts this.
*realised energy*
    The saving that actually accrues within the calendar year: a measure in service from
    day *d* of a year of *N* days saves (N − d + 1) / N of its annual saving that year, and the
    full annual saving in every later year.

Pure functions on arrays; :mod:`retrofit.portfolio.runner` applies them to whole inventories.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

#: The one rule for which savings count in the 百一's accounting year (estimate and portfolio)
BAI_YI_RULE = (
    "realised in the accounting year: saving_share = the savings realised in the year on the "
    "plant's energy basis (coal_saved_tce_equivalent_realised or "
    "coal_saved_tce_equal_value_realised, per plant_energy_basis) ÷ the plant's energy use of "
    "the year before; a row in service from day d of a year of N days counts (N − d + 1)/N of "
    "its annual saving, a row in service before the year all of it, a row entering service "
    "after the year none; a row without in_service_date is taken as in service from 1 January "
    "of the year; meets_bai_yi when saving_share ≥ target_share; the headline basis does not "
    "change the verdict"
)


def service_dates(assets: pd.DataFrame, default_year: int) -> tuple[np.ndarray, np.ndarray]:
    """Each row's ``in_service_date`` as datetime64[D], a blank or absent date taken as
    1 January of ``default_year``; and which rows were so defaulted."""
    if "in_service_date" in assets.columns:
        dates = pd.to_datetime(assets["in_service_date"]).to_numpy(dtype="datetime64[D]")
    else:
        dates = np.full(len(assets), np.datetime64("NaT"), dtype="datetime64[D]")
    defaulted = np.isnat(dates)
    return np.where(defaulted, np.datetime64(f"{default_year}-01-01", "D"), dates), defaulted


def year_fraction_in_service(in_service: np.ndarray, year: int) -> np.ndarray:
    """Share of calendar ``year`` during which a measure is in service [0–1].

    Parameters
    ----------
    in_service : array of datetime64
        Date each measure starts running (the day itself counts as in service). NaT → NaN.
    year : int
        Calendar year.

    Returns
    -------
    numpy.ndarray of float
        0 for a start after the year, 1 for a start on or before 1 January, else
        (days from the start to 31 December, both included) ÷ days in the year.

    Examples
    --------
    A start on 1 July 2025 covers 184 of 365 days of 2025 (0.5041…) and all of 2026.
    """
    start = np.asarray(in_service, dtype="datetime64[D]")
    first = np.datetime64(f"{year}-01-01", "D")
    after = np.datetime64(f"{year + 1}-01-01", "D")
    days = (after - first).astype(float)
    covered = (after - np.clip(start, first, after)).astype(float)
    fraction = covered / days
    fraction[np.isnat(start)] = np.nan
    return fraction


def in_service_year(in_service: np.ndarray) -> np.ndarray:
    """Calendar year of each date (NaT → -1, a sentinel the caller must handle)."""
    start = np.asarray(in_service, dtype="datetime64[D]")
    years = start.astype("datetime64[Y]").astype(np.int64) + 1970
    return np.where(np.isnat(start), -1, years)


def capacity_by_year(
    added: pd.DataFrame, years: Sequence[int], columns: Sequence[str]
) -> pd.DataFrame:
    """Capacity added per year and its running total over ``years``.

    Parameters
    ----------
    added : DataFrame
        One row per group, with ``in_service_year`` and the ``columns`` to sum.
    years : sequence of int
        The window, in order; groups outside it are left out (the caller reports them).

    Returns
    -------
    DataFrame
        Index ``years``; for each column ``c``: ``c`` (added that year) and
        ``c + "_cumulative"``.
    """
    window = added[added["in_service_year"].isin(list(years))]
    per_year = (
        window.groupby("in_service_year")[list(columns)].sum().reindex(list(years), fill_value=0.0)
    )
    per_year.index.name = "year"
    cumulative = per_year.cumsum().add_suffix("_cumulative")
    return pd.concat([per_year, cumulative], axis=1)


def share_of_previous_year(saving: np.ndarray, previous_energy: np.ndarray) -> np.ndarray:
    """A year's saving ÷ the previous year's energy use [-]; NaN where that energy is unknown.

    Parameters
    ----------
    saving : array [tce]
        Saving capacity added in the year, on the same tce basis as the energy.
    previous_energy : array [tce]
        Total energy use of the year before (> 0), NaN when unknown.
    """
    saving = np.asarray(saving, dtype=float)
    energy = np.asarray(previous_energy, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(energy > 0, saving / energy, np.nan)
