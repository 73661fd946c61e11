"""Input distributions for the Monte Carlo: inverse CDFs on arrays of uniform draws.

Sampling through the inverse CDF of a uniform draw keeps a run reproducible from its seed,
lets a degenerate distribution (zero spread) return its single value exactly, and gives the
quantiles a one-at-a-time sensitivity (tornado) needs from the same function.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import ndtri

DISTRIBUTIONS = ("uniform", "triangular", "normal")


def inverse_cdf(
    kind: str,
    u: ArrayLike,
    *,
    low: float = np.nan,
    mode: float = np.nan,
    high: float = np.nan,
    sd: float = np.nan,
) -> np.ndarray:
    """Values of a distribution at cumulative probabilities ``u`` (0 < u < 1).

    Parameters
    ----------
    kind : {"uniform", "triangular", "normal"}
        ``uniform`` on [low, high]; ``triangular`` with ``low ≤ mode ≤ high``; ``normal`` with
        mean ``mode`` and standard deviation ``sd``.
    u : array_like
        Cumulative probabilities.

    Returns
    -------
    numpy.ndarray
        Same shape as ``u``; exactly ``low`` (or ``mode``) everywhere when the spread is zero.
    """
    p = np.asarray(u, dtype=float)
    if kind == "uniform":
        return low + (high - low) * p
    if kind == "triangular":
        width = high - low
        if width == 0:
            return np.full(p.shape, float(low))
        split = (mode - low) / width
        left = low + np.sqrt(p * width * (mode - low))
        right = high - np.sqrt((1.0 - p) * width * (high - mode))
        return np.where(p < split, left, right)
    if kind == "normal":
        if sd == 0:
            return np.full(p.shape, float(mode))
        return mode + sd * ndtri(p)
    raise ValueError(f"unknown distribution '{kind}'; expected one of {', '.join(DISTRIBUTIONS)}")


def mean(
    kind: str,
    *,
    low: float = np.nan,
    mode: float = np.nan,
    high: float = np.nan,
    sd: float = np.nan,
) -> float:
    """The distribution's mean (for the analytic checks)."""
    if kind == "uniform":
        return (low + high) / 2
    if kind == "triangular":
        return (low + mode + high) / 3
    if kind == "normal":
        return float(mode)
    raise ValueError(f"unknown distribution '{kind}'")


def losses_efficiency(efficiency: ArrayLike, loss_multiplier: ArrayLike) -> np.ndarray:
    """Efficiency whose losses ``1 − η`` are multiplied by ``m``: ``1 − (1 − η)·m`` [fraction]."""
    eta = np.asarray(efficiency, dtype=float)
    return 1.0 - (1.0 - eta) * np.asarray(loss_multiplier, dtype=float)


def response_nodes(
    kind: str,
    *,
    low: float = np.nan,
    mode: float = np.nan,
    high: float = np.nan,
    sd: float = np.nan,
    centre: float = 1.0,
    count: int = 5,
) -> np.ndarray:
    """Where a non-linear input's response is computed: ``count`` evenly spaced values over
    the distribution's range (low … high, or mode ± 3 sd for a normal), with its mode and the
    value the estimate used (``centre``), ascending and without repeats.

    Returns a single value (``centre``) when the spread is zero, so that every draw then
    interpolates to the estimate exactly.
    """
    if kind == "normal":
        first, last = mode - 3.0 * sd, mode + 3.0 * sd
    else:
        first, last = low, high
    points = [centre, *([] if np.isnan(mode) else [mode])]
    if last > first:
        points += list(np.linspace(first, last, count))
    return np.unique(np.asarray(points, dtype=float))


def interpolate_response(x: ArrayLike, nodes: ArrayLike, response: ArrayLike) -> np.ndarray:
    """Piecewise-linear response of each column at draws ``x``.

    Parameters
    ----------
    x : array_like
        Draws, shape (draws, columns).
    nodes : array_like
        Ascending input values where the response is known, shape (J,), shared by every column.
    response : array_like
        Response of each column at each node, shape (columns, J).

    Returns
    -------
    numpy.ndarray
        Shape of ``x``; draws outside the nodes take the end node's response (no
        extrapolation); a single node gives its response everywhere.
    """
    grid = np.asarray(nodes, dtype=float)
    table = np.asarray(response, dtype=float)
    values = np.asarray(x, dtype=float)
    if grid.size == 1:
        return np.broadcast_to(table[:, 0], values.shape).copy()
    left = np.clip(np.searchsorted(grid, values, side="right") - 1, 0, grid.size - 2)
    weight = np.clip((values - grid[left]) / (grid[left + 1] - grid[left]), 0.0, 1.0)
    column = np.arange(table.shape[0])[None, :]
    return table[column, left] * (1.0 - weight) + table[column, left + 1] * weight


def dirichlet_shares(gamma_draws: ArrayLike) -> np.ndarray:
    """Shares of a Dirichlet draw from independent gamma draws ``G_k ~ Gamma(α·s_k)`` over the
    last axis: ``G_k / Σ G`` (a zero share stays zero) [fraction].

    Notes
    -----
    The Dirichlet(α·s) distribution has mean ``s`` and variance ``s(1 − s)/(α + 1)``: the
    concentration α sets how far a drawn profile strays from the chosen one (Kotz,
    Balakrishnan and Johnson, *Continuous Multivariate Distributions* vol. 1, 2000, ch. 49).
    """
    g = np.asarray(gamma_draws, dtype=float)
    total = g.sum(axis=-1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, g / total, 0.0)


def dirichlet_concentration(sd_of_half: float) -> float:
    """The Dirichlet concentration α at which a share of one half has standard deviation
    ``sd_of_half``: α = 0.25/sd² − 1 (from Var s = s(1 − s)/(α + 1)); infinite at zero spread.

    Parameters
    ----------
    sd_of_half : float
        Standard deviation of a drawn share whose mean is 0.5, 0 ≤ sd < 0.5 [fraction].
    """
    if sd_of_half == 0:
        return np.inf
    return 0.25 / sd_of_half**2 - 1.0
