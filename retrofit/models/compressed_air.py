"""Compressed-air systems: compressor input energy and the power ratios of four measures.

Functions are pure and vectorised: they take numbers or arrays (numpy or pandas) and never read
files. Each measure is a ratio applied to the energy left by the previous one, so the measures of
one row chain without double counting: E_k = E_(k-1) × ratio_k, and the saving of step k is
E_(k-1) − E_k. :mod:`retrofit.measures.compressed_air` fetches the parameters from the reference
tables (GB 19153-2019 grades, ``compressed_air_parameters``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd

ArrayLike = npt.ArrayLike


def _numeric(x):
    """Series and arrays as they are (a Series keeps its index); anything else as a float array."""
    return x if isinstance(x, np.ndarray | pd.Series) else np.asarray(x, dtype=float)


def input_energy_kwh(
    rated_power_kw: ArrayLike,
    load_factor: ArrayLike,
    operating_hours_h: ArrayLike,
    quantity: ArrayLike,
):
    """Electrical input energy of compressors from their motor rating and average input.

    Parameters
    ----------
    rated_power_kw : array-like
        Rated power of the drive motor [kW].
    load_factor : array-like
        Average electrical input power ÷ rated motor power [unitless] (for a compressor this is
        an input-power ratio, not the shaft load of a motor).
    operating_hours_h : array-like
        Running hours per year [h].
    quantity : array-like
        Identical units [-].

    Returns
    -------
    array-like
        E0 = P_rated · L · h · q [kWh per year].
    """
    return (
        _numeric(rated_power_kw)
        * _numeric(load_factor)
        * _numeric(operating_hours_h)
        * _numeric(quantity)
    )


def specific_power_ratio(
    specific_power_kw_per_m3min: ArrayLike, target_specific_power_kw_per_m3min: ArrayLike
):
    """Power ratio of a replacement compressor delivering the same free air.

    Parameters
    ----------
    specific_power_kw_per_m3min : array-like
        Present package specific power [kW/(m³/min)], > 0.
    target_specific_power_kw_per_m3min : array-like
        Specific power of the new package [kW/(m³/min)].

    Returns
    -------
    array-like
        SP_target ÷ SP_present [unitless]; above 1 when the new package is worse.

    Notes
    -----
    Specific power is input power ÷ volume flow at the stated conditions, so at equal flow the
    input power scales with it.

    References
    ----------
    GB 19153-2019 容积式空气压缩机能效限定值及能效等级, clause 3 (机组比功率) and 表1–表4.
    """
    return _numeric(target_specific_power_kw_per_m3min) / _numeric(specific_power_kw_per_m3min)


def leak_repair_ratio(leak_fraction: ArrayLike, target_leak_fraction: ArrayLike):
    """Compressor output (and power) ratio after leaks are cut to a target share.

    Parameters
    ----------
    leak_fraction : array-like
        Leaks ÷ compressor output before repair, 0–1 [unitless].
    target_leak_fraction : array-like
        Leaks ÷ compressor output after repair, 0–1 [unitless].

    Returns
    -------
    array-like
        (1 − leak) ÷ (1 − target) [unitless].

    Notes
    -----
    The useful demand D is unchanged: before, output Q0 = D/(1 − leak); after, Q1 = D/(1 −
    target). Power is taken proportional to output, which holds for variable-speed or
    well-staged control; load/unload and modulating control save less (the result is an upper
    bound). Both shares are of the output at the time, as the DOE defines them ("20%-30% of the
    compressor's output", target "5%-10% of total system flow").

    References
    ----------
    US DOE, Compressed Air Tip Sheet #3 "Minimize Compressed Air Leaks", August 2004.
    """
    return (1 - _numeric(leak_fraction)) / (1 - _numeric(target_leak_fraction))


def pressure_reduction_ratio(pressure_reduction_bar: ArrayLike, rate_per_bar: ArrayLike):
    """Compressor power ratio after lowering the discharge pressure.

    Parameters
    ----------
    pressure_reduction_bar : array-like
        Reduction of the discharge pressure Δp [bar].
    rate_per_bar : array-like
        Fraction of input power saved per bar [1/bar]; see :func:`rate_per_bar`.

    Returns
    -------
    array-like
        1 − r·Δp [unitless].

    Notes
    -----
    Linear rule of thumb, valid near 100 psig (about 7 bar g) at full flow. It ignores the
    smaller leak flow at lower pressure (conservative) and over-states the saving where the
    compressors do not unload in proportion.

    References
    ----------
    Compressed Air Challenge rule "1 % for each 2 psi" near 100 psig, as quoted by E Source/BEA
    and Fluid Power Journal; ORNL-AMO/AMO-Tools-Suite CompressedAirPressureReduction.cpp
    @a5813766 (``1 - (p - p_new)·0.005``, pressures in psig).
    """
    return 1 - _numeric(rate_per_bar) * _numeric(pressure_reduction_bar)


def rate_per_bar(fraction_per_psi: ArrayLike, psi_per_bar: ArrayLike):
    """Convert a saving rate per psi into one per bar.

    Parameters
    ----------
    fraction_per_psi : array-like
        Fraction of power saved per psi [1/psi].
    psi_per_bar : array-like
        psi in one bar [psi/bar] (14.5038, a unit identity).

    Returns
    -------
    array-like
        Fraction of power saved per bar [1/bar].
    """
    return _numeric(fraction_per_psi) * _numeric(psi_per_bar)


def motor_upgrade_ratio(efficiency: ArrayLike, target_efficiency: ArrayLike):
    """Input power ratio when the motor is replaced and the shaft power stays the same.

    Parameters
    ----------
    efficiency : array-like
        Present motor efficiency at its load, 0–1 [unitless].
    target_efficiency : array-like
        New motor efficiency at the same load, 0–1 [unitless].

    Returns
    -------
    array-like
        η_present ÷ η_target [unitless].
    """
    return _numeric(efficiency) / _numeric(target_efficiency)


def chain_energy_kwh(baseline_energy_kwh: ArrayLike, ratios: Sequence[ArrayLike]) -> list:
    """Energy after each of a sequence of measures applied in order.

    Parameters
    ----------
    baseline_energy_kwh : array-like
        Energy before any measure [kWh].
    ratios : sequence of array-like
        Power ratio of each measure, in the order applied [unitless]; 1 where a row does not
        take that measure.

    Returns
    -------
    list of array-like
        ``[E0, E1, …, En]`` with E_k = E_(k-1) × ratios[k-1] [kWh]. The saving of step k is
        E_(k-1) − E_k; the savings sum to E0 − En exactly (a telescoping sum), so no saving is
        counted twice.
    """
    energies = [_numeric(baseline_energy_kwh)]
    for ratio in ratios:
        energies.append(energies[-1] * _numeric(ratio))
    return energies
