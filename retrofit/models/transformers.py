"""Distribution-transformer losses: no-load and load losses, annual loss energy, best load.

Functions are pure and vectorised: they take numbers or arrays (numpy or pandas) and never read
files. Loss values (P0, Pk) come from nameplates or from the GB 20052-2024 grade tables, fetched
by :mod:`retrofit.measures.transformer`.

Only active-power losses are modelled. The reactive-power equivalent term of GB/T 13462
(综合功率损耗 ΔPz = ΔP + K_Q·ΔQ, with ΔQ = Q0 + β²·Qk) is not included: it charges the
transformer with losses caused upstream by its reactive power, which depend on the network and
on an economic equivalent K_Q [kW/kvar] that no inventory gives.
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
    carries load. Reactive-power equivalent losses (GB/T 13462 K_Q·Q terms) are excluded.

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
