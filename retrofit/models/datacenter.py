"""Data-centre energy: facility energy from IT energy and PUE, IT refresh, and policy profiles.

PUE (power usage effectiveness, 电能利用效率) is total facility energy ÷ IT equipment energy over
a year (ISO/IEC 30134-2:2016; GB 40879-2021 uses the same ratio under the name 电能比). A
retrofit that lowers the PUE and one that lowers the IT energy for the same work combine by
multiplication, so a combined measure counts the PUE gain on the reduced IT load only once.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd


def it_energy_kwh(it_load_kw: npt.ArrayLike, hours_h: npt.ArrayLike) -> np.ndarray:
    """IT equipment energy [kWh/yr] = average IT load [kW] × operating hours [h/yr]."""
    return np.asarray(it_load_kw, dtype=float) * np.asarray(hours_h, dtype=float)


def facility_energy_kwh(it_energy: npt.ArrayLike, pue: npt.ArrayLike) -> np.ndarray:
    """Total facility energy [kWh/yr] = IT energy [kWh/yr] × PUE (ISO/IEC 30134-2 definition)."""
    return np.asarray(it_energy, dtype=float) * np.asarray(pue, dtype=float)


def refreshed_it_energy_kwh(
    it_energy: npt.ArrayLike, energy_reduction: npt.ArrayLike
) -> np.ndarray:
    """IT energy after a refresh that does the same work with ``energy_reduction`` (0–1) less."""
    return np.asarray(it_energy, dtype=float) * (1.0 - np.asarray(energy_reduction, dtype=float))


def efficiency_gain(energy_reduction: npt.ArrayLike) -> np.ndarray:
    """Efficiency gain (work per kWh, new ÷ old − 1) of an IT refresh saving ``energy_reduction``.

    Efficiency is work done per unit of energy: the same work with (1 − r) of the energy is
    1/(1 − r) times as efficient, a gain of r/(1 − r). A 20 % gain (沪经信技〔2024〕355号
    "能效提升20%以上") is therefore an energy reduction of 1/6 ≈ 16.7 %; a 20 % energy
    reduction is a 25 % gain.
    """
    r = np.asarray(energy_reduction, dtype=float)
    return r / (1.0 - r)


def best_grade_met(pue: npt.ArrayLike, grade: np.ndarray, max_ratio: np.ndarray) -> np.ndarray:
    """The best (lowest-numbered) grade whose maximum PUE (≤) the value meets; NaN when none.

    ``grade`` and ``max_ratio`` are the rows of a grade table (e.g. GB 40879-2021 表1).
    """
    p = np.asarray(pue, dtype=float)[:, None]
    order = np.argsort(grade)
    g = np.asarray(grade, dtype=float)[order]
    met = p <= np.asarray(max_ratio, dtype=float)[order][None, :]
    first = np.argmax(met, axis=1)
    return np.where(met.any(axis=1), g[first], np.nan)


def closure_profile(
    pue: npt.ArrayLike,
    racks: npt.ArrayLike,
    years: npt.ArrayLike,
    *,
    pue_above: float,
    racks_at_most: float,
    years_at_least: float,
) -> pd.arrays.BooleanArray:
    """Whether a site matches a "small, old, inefficient" profile: PUE > a, racks ≤ b, years ≥ c.

    Three-valued: a missing rack count or age gives NA unless another condition already fails
    (Kleene logic), so an unknown is never reported as "no".
    """

    def known(values, test):
        v = np.asarray(values, dtype=float)
        with np.errstate(invalid="ignore"):
            return pd.array(np.where(np.isnan(v), None, test(v)), dtype="boolean")

    return (
        known(pue, lambda v: v > pue_above)
        & known(racks, lambda v: v <= racks_at_most)
        & known(years, lambda v: v >= years_at_least)
    )
