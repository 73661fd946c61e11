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
    """Compressor output ratio after leaks are cut to a target share.

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
    target). This is the OUTPUT ratio; the power ratio follows from the compressor's control
    curve (:func:`demand_change_power_ratio`), proportional only for start/stop control. Both
    shares are of the output at the time, as the DOE defines them ("20%-30% of the
    compressor's output", target "5%-10% of total system flow").

    References
    ----------
    US DOE, Compressed Air Tip Sheet #3 "Minimize Compressed Air Leaks", August 2004.
    """
    return (1 - _numeric(leak_fraction)) / (1 - _numeric(target_leak_fraction))


def _row_segments(x: np.ndarray, nodes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Index of the segment of ``nodes`` (ascending) holding each ``x``, and the position in it."""
    j = np.clip(np.searchsorted(nodes, x, side="right") - 1, 0, nodes.size - 2)
    return j, (x - nodes[j]) / (nodes[j + 1] - nodes[j])


def control_power_fraction(
    capacity_fraction: ArrayLike, capacity_nodes: ArrayLike, power_nodes: ArrayLike
) -> np.ndarray:
    """Input power ÷ full-load input power at a capacity fraction, on each row's control curve.

    Parameters
    ----------
    capacity_fraction : array-like, shape (n,)
        Air delivered ÷ full-load capacity, clipped to 0–1 [unitless].
    capacity_nodes : array-like, shape (k,)
        Capacity fractions at which the curves are tabulated, ascending [unitless].
    power_nodes : array-like, shape (n, k)
        Each row's power fraction at those capacities [unitless].

    Returns
    -------
    numpy.ndarray
        Power fraction, linear between the nodes [unitless].

    Notes
    -----
    The curves are MEASUR's compressor control models (load/unload with its receiver blowdown
    and pump-up cycle, modulation with unloading, variable displacement, VSD, start/stop,
    centrifugal load/unload) evaluated every 10 % of capacity; MEASUR's own models are
    piecewise (linear for modulation, start/stop and centrifugal load/unload, a smooth cycle
    model for load/unload), so linear interpolation between 10 % nodes is within the curve
    table's rounding for the linear ones.

    References
    ----------
    ORNL-AMO/AMO-Tools-Suite ``src/calculator/util/Compressors.cpp`` @1520832 (MEASUR).
    """
    nodes = np.asarray(capacity_nodes, dtype=float)
    power = np.atleast_2d(np.asarray(power_nodes, dtype=float))
    c = np.clip(np.asarray(capacity_fraction, dtype=float), nodes[0], nodes[-1])
    j, t = _row_segments(c, nodes)
    rows = np.arange(power.shape[0])
    return power[rows, j] + t * (power[rows, j + 1] - power[rows, j])


def control_capacity_fraction(
    power_fraction: ArrayLike, capacity_nodes: ArrayLike, power_nodes: ArrayLike
) -> np.ndarray:
    """Capacity fraction at which each row's control curve draws a given power fraction.

    Parameters
    ----------
    power_fraction : array-like, shape (n,)
        Average input power ÷ full-load input power [unitless].
    capacity_nodes : array-like, shape (k,)
        Capacity fractions of the curve nodes, ascending [unitless].
    power_nodes : array-like, shape (n, k)
        Power fractions at the nodes, non-decreasing along each row [unitless].

    Returns
    -------
    numpy.ndarray
        The inverse of :func:`control_power_fraction`: 0 where the power is at or below the
        no-load power, 1 where it is at or above the curve's end [unitless].
    """
    nodes = np.asarray(capacity_nodes, dtype=float)
    power = np.atleast_2d(np.asarray(power_nodes, dtype=float))
    y = np.asarray(power_fraction, dtype=float)
    j = np.clip((power <= y[:, None]).sum(axis=1) - 1, 0, nodes.size - 2)
    rows = np.arange(power.shape[0])
    lo, hi = power[rows, j], power[rows, j + 1]
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.where(hi > lo, (y - lo) / (hi - lo), 0.0)
    c = nodes[j] + np.clip(t, 0.0, 1.0) * (nodes[j + 1] - nodes[j])
    return np.where(np.isnan(y), np.nan, np.clip(c, nodes[0], nodes[-1]))


def demand_change_power_ratio(
    capacity_before: ArrayLike,
    capacity_after: ArrayLike,
    capacity_nodes: ArrayLike,
    power_nodes: ArrayLike,
) -> np.ndarray:
    """Power ratio of a compressor whose air delivery changes, on its control curve.

    Returns
    -------
    numpy.ndarray
        f(c_after) ÷ f(c_before) with f the row's control curve [unitless]. For start/stop
        (power ∝ capacity) this is the proportional rule c_after/c_before; load/unload and
        modulation keep drawing unloaded or throttled power, so they save less.
    """
    before = control_power_fraction(capacity_before, capacity_nodes, power_nodes)
    after = control_power_fraction(capacity_after, capacity_nodes, power_nodes)
    with np.errstate(divide="ignore", invalid="ignore"):
        return after / before


def adiabatic_power_ratio(
    discharge_pressure_mpa: ArrayLike,
    new_discharge_pressure_mpa: ArrayLike,
    inlet_pressure_mpa: ArrayLike,
    k: ArrayLike,
):
    """Full-load compression power ratio after a change of discharge pressure.

    Parameters
    ----------
    discharge_pressure_mpa, new_discharge_pressure_mpa : array-like
        Discharge pressure before and after, gauge [MPa].
    inlet_pressure_mpa : array-like
        Inlet (atmospheric) pressure, absolute [MPa].
    k : array-like
        Ratio of specific heats of air [unitless] (MEASUR: 1.395).

    Returns
    -------
    array-like
        [((p2 + pa)/pa)^((k−1)/k) − 1] ÷ [((p1 + pa)/pa)^((k−1)/k) − 1] [unitless].

    Notes
    -----
    The isentropic (adiabatic) compression work of an ideal gas per unit of inlet volume is
    k/(k−1)·pa·[(p_out/pa)^((k−1)/k) − 1]; at the same inlet flow the power scales with the
    bracket. It replaces the linear 0.5 %/psi rule, which matches it only near 100 psig.

    References
    ----------
    ORNL-AMO/AMO-Tools-Suite ``include/calculator/util/Compressors.h`` @1520832
    (CompressorEEMs::kWAdjusted, ReduceSystemAirPressure; exponent 0.283 = 0.395/1.395);
    tests/cpp/Compressors.unit.cpp: 75 kW at 125 → 110 psig gives 69.9653 kW.
    """
    pa = _numeric(inlet_pressure_mpa)
    exponent = (_numeric(k) - 1) / _numeric(k)
    before = ((_numeric(discharge_pressure_mpa) + pa) / pa) ** exponent - 1
    after = ((_numeric(new_discharge_pressure_mpa) + pa) / pa) ** exponent - 1
    return after / before


def unregulated_demand_ratio(
    discharge_pressure_mpa: ArrayLike,
    new_discharge_pressure_mpa: ArrayLike,
    inlet_pressure_mpa: ArrayLike,
    unregulated_fraction: ArrayLike,
):
    """Air demand ratio after a pressure reduction (artificial demand falls with pressure).

    Returns
    -------
    array-like
        1 − u·[1 − (p2 + pa)/(p1 + pa)] [unitless], u = share of air use (leaks, open blowing,
        unregulated end uses) that flows in proportion to absolute pressure (MEASUR: 0.6).

    References
    ----------
    ORNL-AMO/AMO-Tools-Suite ``include/calculator/util/Compressors.h`` @1520832
    (CompressorEEMs::ReduceSystemAirPressure; test: 100 acfm → 97.384 acfm at 100 → 95 psig).
    """
    pa = _numeric(inlet_pressure_mpa)
    absolute_ratio = (_numeric(new_discharge_pressure_mpa) + pa) / (
        _numeric(discharge_pressure_mpa) + pa
    )
    return 1 - _numeric(unregulated_fraction) * (1 - absolute_ratio)


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
    Linear rule of thumb, valid near 100 psig (about 7 bar g) at full flow; used only where
    the discharge pressure is unknown (:func:`adiabatic_power_ratio` otherwise). It ignores the
    smaller leak flow at lower pressure and the compressor's control.

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
