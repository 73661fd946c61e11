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


def relative_losses(node_efficiency: ArrayLike, nodes: ArrayLike = PART_LOAD_NODES) -> np.ndarray:
    """Losses at each load node ÷ losses at rated load, from a curve of absolute efficiencies.

    Parameters
    ----------
    node_efficiency : array-like, shape (n, len(nodes))
        Efficiency of the curve's own motor at each node, 0–1 [unitless]; the node at load 1.0
        must be present.
    nodes : array-like
        Load points (shaft output ÷ rated output) of the columns [unitless].

    Returns
    -------
    numpy.ndarray
        λ_i = ℓ(L_i) ÷ ℓ(1) with ℓ(L) = L·(1/η(L) − 1), the losses per unit of rated output;
        exactly 1 at load 1.0.

    Notes
    -----
    A part-load curve describes how a motor's losses change with load (fixed core and friction
    losses, load losses rising about as L²). Carried as a ratio of losses it can be applied to
    a motor of any full-load efficiency without lifting η above 1 (see
    :func:`part_load_efficiency`).
    """
    eta = np.atleast_2d(np.asarray(node_efficiency, dtype=float))
    nodes = np.asarray(nodes, dtype=float)
    full = int(np.flatnonzero(np.isclose(nodes, 1.0))[0])
    losses = nodes[None, :] * (1.0 / eta - 1.0)
    return losses / losses[:, [full]]


def part_load_efficiency(
    full_load_efficiency: ArrayLike,
    load_factor: ArrayLike,
    node_relative_losses: ArrayLike,
    no_load_loss_fraction: float,
) -> np.ndarray:
    """Motor efficiency at a partial load from full-load efficiency and a relative loss curve.

    Parameters
    ----------
    full_load_efficiency : array-like
        Efficiency at rated output, 0 < η_FL < 1 [unitless].
    load_factor : array-like
        Shaft output ÷ rated output, 0 < L ≤ 1.25 [unitless].
    node_relative_losses : array-like, shape (n, 5)
        Losses ÷ full-load losses at loads 0.25, 0.5, 0.75, 1.0, 1.25 [unitless]
        (:func:`relative_losses`); the 1.0 column is 1.
    no_load_loss_fraction : float
        Losses at zero load as a fraction of the losses at 25 % load [unitless].

    Returns
    -------
    numpy.ndarray
        Efficiency at ``load_factor``, 0–1 [unitless]; equal to ``full_load_efficiency`` at
        load 1.0 exactly, and below 1 at every load whatever η_FL is.

    Notes
    -----
    The part-load curve scales the LOSSES, never the efficiency: with ℓ_FL = 1/η_FL − 1 (losses
    per unit of rated output at full load) the losses at load L are ℓ(L) = ℓ_FL·λ(L) and
    η(L) = L / (L + ℓ(L)). Multiplying η_FL by a relative efficiency instead would put a motor
    of η_FL ≈ 99 % above 100 % wherever the curve's ratio exceeds 1. With one curve shape, a
    higher η_FL means smaller losses at every load, so it never uses more energy.

    From 25 % to 125 % load λ follows the quartic through the five published points
    (AMO-Tools-Suite fits a 4th-order polynomial through the same five points of its curve; at
    the curve's own η_FL the two agree at every node). Below 25 % the losses fall linearly from
    the 25 % value to ``no_load_loss_fraction`` × that value at zero load:
    ℓ(L) = ℓ₀ + (ℓ₂₅ − ℓ₀)·L/0.25.

    References
    ----------
    ORNL AMO-Tools-Suite, ``src/calculator/motor/MotorEfficiency.cpp`` (US DOE MotorMaster+ and
    PSAT part-load method; losses linear below 25 % load).
    """
    eta_fl = np.asarray(full_load_efficiency, dtype=float)
    load = np.asarray(load_factor, dtype=float)
    lam = np.asarray(node_relative_losses, dtype=float)
    loss_full = 1.0 / eta_fl - 1.0
    quarter = PART_LOAD_NODES[0]
    above = np.clip(load, quarter, None)
    loss_upper = loss_full * (lagrange_weights(above) * lam).sum(axis=1)
    loss_quarter = loss_full * lam[:, 0]
    loss_zero = no_load_loss_fraction * loss_quarter
    loss_lower = loss_zero + (loss_quarter - loss_zero) * load / quarter
    loss = np.where(load >= quarter, loss_upper, loss_lower)
    with np.errstate(divide="ignore", invalid="ignore"):
        eta = load / (load + loss)
    # at rated load the quartic's weights are exactly (0, 0, 0, 1, 0): return η_FL itself
    return np.where(load == 1.0, eta_fl * np.ones_like(eta), eta)


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
