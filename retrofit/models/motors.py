"""Induction-motor efficiency and energy: full-load class values, part-load behaviour, input energy.

Functions are pure and vectorised: they take numbers or arrays (numpy or pandas) and never
read files. The orchestrator (:mod:`retrofit.pipeline`) fetches their parameters from the
reference tables. Efficiencies are fractions (0–1) inside the models; published percentages
are converted once, where tables are read.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

ArrayLike = npt.ArrayLike

#: Load points (fraction of rated output) at which the AMO part-load tables are published.
#: They are the table's own structure; the table file is checked against them on load.
PART_LOAD_NODES = np.array([0.25, 0.5, 0.75, 1.0, 1.25])


def eu2019_1781_efficiency_pct(rated_power_kw: ArrayLike, a, b, c, d) -> np.ndarray:
    """Minimum efficiency at an intermediate rated output by the EU 2019/1781 formula.

    Parameters
    ----------
    rated_power_kw : array-like
        Rated output [kW], within the coefficient set's range.
    a, b, c, d : array-like
        Interpolation coefficients of the class, pole count and range [%].

    Returns
    -------
    numpy.ndarray
        Minimum full-load efficiency [%], rounded to 0.1 as the tables are printed.

    Notes
    -----
    η = A·x³ + B·x² + C·x + D with x = log10(P / 1 kW). Rounding to 0.1 reproduces every
    tabulated IE2–IE4 value exactly (checked in the tests), so at a tabulated size the
    formula and the table agree.

    References
    ----------
    Regulation (EU) 2019/1781, Annex I, interpolation coefficients (as transposed in UK SI
    2021/745, Schedule 16, Tables 27 and 28); IEC 60034-30-1:2014, clause 5.
    """
    x = np.log10(np.asarray(rated_power_kw, dtype=float))
    eta = ((np.asarray(a) * x + np.asarray(b)) * x + np.asarray(c)) * x + np.asarray(d)
    # round half away from zero, as printed tables are; np.round would round half to even
    return np.floor(eta * 10.0 + 0.5) / 10.0


def log_linear_interpolation(
    rated_power_kw: ArrayLike, table_kw: ArrayLike, table_values: ArrayLike
) -> np.ndarray:
    """Linear interpolation in log10(rated power) between tabulated sizes.

    Parameters
    ----------
    rated_power_kw : array-like
        Sizes to evaluate [kW], within ``[min(table_kw), max(table_kw)]``.
    table_kw : array-like
        Tabulated sizes [kW], strictly increasing.
    table_values : array-like
        Values at those sizes (any unit).

    Returns
    -------
    numpy.ndarray
        Interpolated values; exactly the table value at a tabulated size.

    Notes
    -----
    Used where a standard gives no interpolation rule (IE1, GB 18613-2020 grade 1, the gap
    between 0.55 and 0.75 kW, above 200 kW). Efficiency tables are close to linear in
    log(P) between neighbouring sizes, which is the form the IEC cubic itself takes.
    """
    table_kw = np.asarray(table_kw, dtype=float)
    if np.any(np.diff(table_kw) <= 0):
        raise ValueError("table_kw must be strictly increasing")
    return np.interp(
        np.log10(np.asarray(rated_power_kw, dtype=float)),
        np.log10(table_kw),
        np.asarray(table_values, dtype=float),
    )


def lagrange_weights(load_factor: ArrayLike, nodes: ArrayLike = PART_LOAD_NODES) -> np.ndarray:
    """Weights of the polynomial through ``nodes`` evaluated at ``load_factor``.

    Returns an array of shape ``(n, len(nodes))``; the interpolated value is
    ``(weights * node_values).sum(axis=1)``. At a node the weights are exactly 1 and 0.
    """
    x = np.asarray(load_factor, dtype=float)[:, None]
    nodes = np.asarray(nodes, dtype=float)
    weights = np.ones((x.shape[0], nodes.size))
    for i, xi in enumerate(nodes):
        for j, xj in enumerate(nodes):
            if i != j:
                weights[:, i] *= (x[:, 0] - xj) / (xi - xj)
    return weights


def part_load_efficiency(
    full_load_efficiency: ArrayLike,
    load_factor: ArrayLike,
    node_relative_efficiency: ArrayLike,
    no_load_loss_fraction: float,
) -> np.ndarray:
    """Motor efficiency at a partial load from full-load efficiency and a relative curve.

    Parameters
    ----------
    full_load_efficiency : array-like
        Efficiency at rated output, 0–1 [unitless].
    load_factor : array-like
        Shaft output ÷ rated output, 0 < L ≤ 1.25 [unitless].
    node_relative_efficiency : array-like, shape (n, 5)
        Efficiency ÷ full-load efficiency at loads 0.25, 0.5, 0.75, 1.0, 1.25 [unitless];
        the 1.0 column is 1.
    no_load_loss_fraction : float
        Losses at zero load as a fraction of the losses at 25 % load [unitless].

    Returns
    -------
    numpy.ndarray
        Efficiency at ``load_factor``, 0–1 [unitless]; equal to ``full_load_efficiency`` at
        load 1.0 exactly.

    Notes
    -----
    From 25 % to 125 % load the efficiency follows the quartic through the five published
    points (AMO-Tools-Suite fits a 4th-order polynomial to the same five points, which is that
    interpolating polynomial). Below 25 % the losses fall linearly from the 25 % value to
    ``no_load_loss_fraction`` × that value at zero load:
    loss(L) = loss₀ + (loss₂₅ − loss₀)·L/0.25, η(L) = L / (L + loss(L)), losses per unit of
    rated output.

    References
    ----------
    ORNL AMO-Tools-Suite, ``src/calculator/motor/MotorEfficiency.cpp`` (US DOE MotorMaster+ and
    PSAT part-load method).
    """
    eta_fl = np.asarray(full_load_efficiency, dtype=float)
    load = np.asarray(load_factor, dtype=float)
    rel = np.asarray(node_relative_efficiency, dtype=float)
    quarter = PART_LOAD_NODES[0]
    above = np.clip(load, quarter, None)
    eta_upper = eta_fl * (lagrange_weights(above) * rel).sum(axis=1)

    eta_quarter = eta_fl * rel[:, 0]
    loss_quarter = quarter * (1.0 / eta_quarter - 1.0)
    loss_zero = no_load_loss_fraction * loss_quarter
    loss = loss_zero + (loss_quarter - loss_zero) * load / quarter
    with np.errstate(divide="ignore", invalid="ignore"):
        eta_lower = load / (load + loss)
    return np.where(load >= quarter, eta_upper, eta_lower)


def input_energy_kwh(
    rated_power_kw: ArrayLike,
    load_factor: ArrayLike,
    operating_hours_h: ArrayLike,
    quantity: ArrayLike,
    efficiency: ArrayLike,
) -> np.ndarray:
    """Electrical input energy of motors running at a steady average load.

    Parameters
    ----------
    rated_power_kw : array-like
        Rated (shaft) output [kW].
    load_factor : array-like
        Average shaft output ÷ rated output [unitless].
    operating_hours_h : array-like
        Running hours per year [h].
    quantity : array-like
        Identical units [-].
    efficiency : array-like
        Efficiency at that load, 0–1 [unitless].

    Returns
    -------
    numpy.ndarray
        Input energy per year [kWh].

    Notes
    -----
    E = P·L·h·q / η.
    """
    return (
        np.asarray(rated_power_kw, dtype=float)
        * np.asarray(load_factor, dtype=float)
        * np.asarray(operating_hours_h, dtype=float)
        * np.asarray(quantity, dtype=float)
        / np.asarray(efficiency, dtype=float)
    )
