"""Distribution-transformer losses: no-load and load losses, annual loss energy, best load.

Functions are pure and vectorised: they take numbers or arrays (numpy or pandas) and never read
files. Loss values (P0, Pk) come from nameplates or from the GB 20052-2024 grade tables, fetched
by :mod:`retrofit.measures.transformer`.

Two loss measures are given. The active-power loss ΔP = P0 + β²·Pk is what the transformer
itself dissipates. The integrated (综合) power loss of GB/T 13462 adds the active loss its
reactive power causes upstream in the network, K_Q·ΔQ with ΔQ = Q0 + β²·Qk: Q0 = I0 %·S_N,
Qk = Uk %·S_N, and K_Q [kW/kvar] the reactive economic equivalent (无功经济当量), which
depends on the transformer's place in the network and is data, not code.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

ArrayLike = npt.ArrayLike


def _numeric(x):
    """Series and arrays as they are (a Series keeps its index); anything else as a float array."""
    return x if isinstance(x, np.ndarray | pd.Series) else np.asarray(x, dtype=float)


def loss_power_kw(no_load_loss_kw: ArrayLike, load_loss_kw: ArrayLike, load_factor: ArrayLike):
    """Active-power loss of a transformer at a load factor.

    Parameters
    ----------
    no_load_loss_kw : array-like
        No-load (core) loss P0 [kW].
    load_loss_kw : array-like
        Load (winding) loss Pk at rated current and reference temperature [kW].
    load_factor : array-like
        β = load ÷ rated apparent power [unitless]. Strictly the RMS load over the period, since
        the load loss goes with the square of the current.

    Returns
    -------
    array-like
        ΔP = P0 + β²·Pk [kW]; a Series stays a Series with its index.

    Notes
    -----
    The active-power part of the integrated power loss of GB/T 13462 (电力变压器经济运行):
    ΔP = P0 + β²·Pk. The standard's text was not read; the formula's form is taken from a
    worked example that applies it.

    References
    ----------
    GB/T 13462 电力变压器经济运行 (integrated power loss ΔPz = ΔP + K_Q·ΔQ), as applied in the
    worked example "变压器损耗估算", xiaomilidoc.com/p-6309456.html (S13-315/10:
    ΔP = 0.48 + 0.77² × 3.65 = 2.64 kW, ΔPz = 3.48 kW with the reactive term).

    Examples
    --------
    >>> float(loss_power_kw(0.48, 3.65, 0.77))  # doctest: +ELLIPSIS
    2.644...
    """
    beta = _numeric(load_factor)
    return _numeric(no_load_loss_kw) + beta * beta * _numeric(load_loss_kw)


def annual_loss_energy_kwh(
    no_load_loss_kw: ArrayLike,
    load_loss_kw: ArrayLike,
    load_factor: ArrayLike,
    operating_hours_h: ArrayLike,
    energised_hours_h: ArrayLike,
):
    """Annual active loss energy of a transformer.

    Parameters
    ----------
    no_load_loss_kw : array-like
        No-load loss P0 [kW].
    load_loss_kw : array-like
        Load loss Pk at rated current [kW].
    load_factor : array-like
        β, RMS load ÷ rated apparent power while loaded [unitless].
    operating_hours_h : array-like
        Hours per year at load factor β [h].
    energised_hours_h : array-like
        Hours per year the transformer is energised [h] (8760 when never switched off).

    Returns
    -------
    array-like
        E = P0·h_energised + Pk·β²·h [kWh per year and unit].

    Notes
    -----
    The no-load loss accrues whenever the transformer is energised, the load loss only while it
    carries load. Active power only: see :func:`annual_integrated_loss_energy_kwh` for the
    GB/T 13462 integrated loss with the K_Q·Q terms.

    References
    ----------
    GB/T 13462 (ΔP = P0 + β²·Pk; energy = loss × time), via the worked example
    xiaomilidoc.com/p-6309456.html (annual loss = ΔPz × 8760 h).
    """
    beta = _numeric(load_factor)
    return _numeric(no_load_loss_kw) * _numeric(energised_hours_h) + _numeric(
        load_loss_kw
    ) * beta * beta * _numeric(operating_hours_h)


def optimal_load_factor(no_load_loss_kw: ArrayLike, load_loss_kw: ArrayLike):
    """Load factor at which a transformer's efficiency is highest.

    Parameters
    ----------
    no_load_loss_kw : array-like
        No-load loss P0 [kW].
    load_loss_kw : array-like
        Load loss Pk [kW], > 0.

    Returns
    -------
    array-like
        β_opt = √(P0 / Pk) [unitless].

    Notes
    -----
    Loss per unit of load, (P0 + β²·Pk)/β, is smallest where its derivative
    −P0/β² + Pk vanishes, i.e. where the load loss equals the no-load loss.

    References
    ----------
    Derived here from :func:`loss_power_kw` (calculus, no table); active power only.
    """
    return np.sqrt(_numeric(no_load_loss_kw) / _numeric(load_loss_kw))


def reactive_power_kvar(percent: ArrayLike, rated_kva: ArrayLike):
    """Reactive power that is a percentage of the rated apparent power.

    Parameters
    ----------
    percent : array-like
        No-load current I0 [% of rated current] for Q0, or impedance (short-circuit) voltage
        Uk [% of rated voltage] for Qk.
    rated_kva : array-like
        Rated apparent power S_N [kVA].

    Returns
    -------
    array-like
        Q = percent / 100 · S_N [kvar]: Q0 = I0 %·S_N (no-load, magnetising) or
        Qk = Uk %·S_N (leakage reactive power at rated load).

    Notes
    -----
    The approximations Q0 ≈ I0 %·S_N and Qk ≈ Uk %·S_N of GB/T 13462 take the no-load current
    and the impedance voltage as wholly reactive (their active parts are P0 and Pk).

    References
    ----------
    GB/T 13462 电力变压器经济运行, as applied in the worked example xiaomilidoc.com/p-6309456.html
    (S13-100/10: Q0 = 0.3 % × 100 = 0.3 kvar, Qk = 4.0 % × 100 = 4.0 kvar).

    Examples
    --------
    >>> float(reactive_power_kvar(4.0, 100))
    4.0
    """
    return _numeric(percent) / 100.0 * _numeric(rated_kva)


def integrated_loss_power_kw(
    no_load_loss_kw: ArrayLike,
    load_loss_kw: ArrayLike,
    no_load_reactive_kvar: ArrayLike,
    load_reactive_kvar: ArrayLike,
    reactive_equivalent_kw_per_kvar: ArrayLike,
    load_factor: ArrayLike,
):
    """Integrated (综合) power loss of a transformer per GB/T 13462.

    Parameters
    ----------
    no_load_loss_kw : array-like
        No-load loss P0 [kW].
    load_loss_kw : array-like
        Load loss Pk at rated current [kW].
    no_load_reactive_kvar : array-like
        No-load reactive power Q0 = I0 %·S_N [kvar].
    load_reactive_kvar : array-like
        Leakage reactive power at rated load Qk = Uk %·S_N [kvar].
    reactive_equivalent_kw_per_kvar : array-like
        Reactive economic equivalent K_Q [kW/kvar]: active loss caused upstream per kvar drawn.
        0 gives the active-power loss.
    load_factor : array-like
        β, RMS load ÷ rated apparent power [unitless].

    Returns
    -------
    array-like
        ΔP_Z = P0 + K_Q·Q0 + β²·(Pk + K_Q·Qk) [kW].

    Notes
    -----
    ΔP_Z = ΔP + K_Q·ΔQ with ΔP = P0 + β²·Pk and ΔQ = Q0 + β²·Qk. The load-fluctuation factor
    K_T (about 1.05 in one secondary note) is not applied: β is the RMS load, which already
    carries the fluctuation.

    References
    ----------
    GB/T 13462 电力变压器经济运行 (综合功率损耗), as applied in the worked example
    xiaomilidoc.com/p-6309456.html (S13-100/10, K_Q 0.1, β 0.77: ΔP = 1.09 kW, ΔQ = 2.67 kvar,
    ΔP_Z = 1.36 kW).

    Examples
    --------
    >>> round(float(integrated_loss_power_kw(0.2, 1.5, 0.3, 4.0, 0.1, 0.77)), 3)
    1.357
    """
    kq = _numeric(reactive_equivalent_kw_per_kvar)
    return loss_power_kw(
        _numeric(no_load_loss_kw) + kq * _numeric(no_load_reactive_kvar),
        _numeric(load_loss_kw) + kq * _numeric(load_reactive_kvar),
        load_factor,
    )


def annual_integrated_loss_energy_kwh(
    no_load_loss_kw: ArrayLike,
    load_loss_kw: ArrayLike,
    no_load_reactive_kvar: ArrayLike,
    load_reactive_kvar: ArrayLike,
    reactive_equivalent_kw_per_kvar: ArrayLike,
    load_factor: ArrayLike,
    operating_hours_h: ArrayLike,
    energised_hours_h: ArrayLike,
):
    """Annual integrated (GB/T 13462) loss energy of a transformer.

    Parameters
    ----------
    no_load_loss_kw, load_loss_kw : array-like
        P0 and Pk [kW].
    no_load_reactive_kvar, load_reactive_kvar : array-like
        Q0 = I0 %·S_N and Qk = Uk %·S_N [kvar].
    reactive_equivalent_kw_per_kvar : array-like
        K_Q [kW/kvar].
    load_factor : array-like
        β, RMS load ÷ rated apparent power while loaded [unitless].
    operating_hours_h : array-like
        Hours per year at load factor β [h].
    energised_hours_h : array-like
        Hours per year the transformer is energised [h].

    Returns
    -------
    array-like
        E_Z = (P0 + K_Q·Q0)·h_energised + β²·(Pk + K_Q·Qk)·h [kWh per year and unit].

    References
    ----------
    GB/T 13462, via xiaomilidoc.com/p-6309456.html (S13-100/10: 1.36 kW × 8760 h = 1.19万 kWh).
    """
    kq = _numeric(reactive_equivalent_kw_per_kvar)
    return annual_loss_energy_kwh(
        _numeric(no_load_loss_kw) + kq * _numeric(no_load_reactive_kvar),
        _numeric(load_loss_kw) + kq * _numeric(load_reactive_kvar),
        load_factor,
        operating_hours_h,
        energised_hours_h,
    )
