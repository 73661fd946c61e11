"""Input distributions for the Monte Carlo: inverse CDFs on arrays of uniform draws.

Sampling through the inverse CDF of a uniform draw keeps a run reproducible from its seed,
lets a degenerate distribution (zero spread) return its single value exactly, and gives the
quantiles a one-at-a-time sensitivity (tornado) needs from the same function.
"""

from __future__ import annotations

from collections.abc import Mapping

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


#: A normal input's response is computed out to this many standard deviations either side.
NORMAL_RANGE_SD = 3.0


def response_nodes(
    kind: str,
    *,
    low: float = np.nan,
    mode: float = np.nan,
    high: float = np.nan,
    sd: float = np.nan,
    centre: float = 1.0,
) -> np.ndarray:
    """Where a non-linear input's response is computed: the ends of the distribution (low and
    high, or mode ± 3 sd for a normal), its mode and the value the estimate used (``centre``),
    ascending and without repeats.

    A single value (``centre``) when the spread is zero, so that every draw then interpolates
    to the estimate exactly.
    """
    if kind == "normal":
        first, last = mode - NORMAL_RANGE_SD * sd, mode + NORMAL_RANGE_SD * sd
    else:
        first, last = low, high
    points = [centre]
    if last > first:
        points += [first, last, *([] if np.isnan(mode) else [mode])]
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

    Notes
    -----
    Written as a sum of hinges, ``r(x) = r₀ + s₀·(x − n₀) + Σⱼ (sⱼ − sⱼ₋₁)·max(x − nⱼ, 0)`` with
    ``sⱼ`` the slope after node ``j``: a few whole-array operations instead of a gather per
    draw (the nodes are shared, only the slopes differ by column).
    """
    return interpolate_responses(x, nodes, {"response": response})["response"]


def interpolate_responses(
    x: ArrayLike, nodes: ArrayLike, responses: Mapping[str, ArrayLike]
) -> dict[str, np.ndarray]:
    """:func:`interpolate_response` of several responses at the same draws and nodes (e.g. a
    row's baseline and retrofit energy): the hinges ``max(x − nⱼ, 0)`` are computed once.
    ``x`` of shape (draws, 1) is one draw per row of draws shared by every column."""
    grid = np.asarray(nodes, dtype=float)
    values = np.asarray(x, dtype=float)
    tables = {key: np.asarray(table, dtype=float) for key, table in responses.items()}
    if grid.size == 1:
        return {  # x of one column (the same draw on every row) broadcasts over the columns
            key: np.broadcast_to(
                table[:, 0], np.broadcast_shapes(values.shape, table[:, 0].shape)
            ).copy()
            for key, table in tables.items()
        }
    clipped = np.clip(values, grid[0], grid[-1])
    offset = clipped - grid[0]
    hinges = [np.maximum(clipped - grid[j], 0.0) for j in range(1, grid.size - 1)]
    out = {}
    for key, table in tables.items():
        slopes = np.diff(table, axis=1) / np.diff(grid)[None, :]  # (columns, J − 1)
        result = slopes[None, :, 0] * offset
        result += table[None, :, 0]
        for j, hinge in enumerate(hinges, start=1):
            result += (slopes[:, j] - slopes[:, j - 1])[None, :] * hinge
        out[key] = result
    return out


def dirichlet_concentration(sd_of_half: float) -> float:
    """The Dirichlet concentration α at which a share of one half has standard deviation
    ``sd_of_half``: α = 0.25/sd² − 1 (from Var s = s(1 − s)/(α + 1)); infinite at zero spread.

    Parameters
    ----------
    sd_of_half : float
        Standard deviation of a drawn share whose mean is 0.5, 0 ≤ sd < 0.5 [fraction].

    Notes
    -----
    A Dirichlet(α·s) draw, the shares Gₖ/ΣG of independent Gₖ ~ Gamma(α·sₖ), has mean ``s``
    and variance ``s(1 − s)/(α + 1)`` (Kotz, Balakrishnan and Johnson, *Continuous
    Multivariate Distributions* vol. 1, 2000, ch. 49).
    """
    if sd_of_half == 0:
        return np.inf
    with np.errstate(divide="ignore", over="ignore"):  # a tiny sd: sd² underflows, α = ∞
        return float(np.float64(0.25) / np.float64(sd_of_half) ** 2 - 1.0)


def dirichlet_linear_moments(
    shares: ArrayLike, first: ArrayLike, second: ArrayLike, concentration: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Means, variances and covariance of two linear functions ``A = Σ s′ₖ·aₖ`` and
    ``B = Σ s′ₖ·bₖ`` of Dirichlet shares ``s′ ~ Dirichlet(α·s)``, row by row.

    Parameters
    ----------
    shares : array_like
        Mean shares ``s`` (rows, K), each row summing to 1 [fraction].
    first, second : array_like
        ``a`` and ``b`` at each of the K points (rows, K).
    concentration : float
        α [unitless].

    Returns
    -------
    tuple of numpy.ndarray
        ``(mean_a, mean_b, var_a, var_b, cov_ab)``, each (rows,).

    Notes
    -----
    ``Cov(s′ᵢ, s′ⱼ) = (sᵢ·δᵢⱼ − sᵢ·sⱼ)/(α + 1)``, hence
    ``Var A = (Σ sₖ·aₖ² − (Σ sₖ·aₖ)²)/(α + 1)`` and
    ``Cov(A, B) = (Σ sₖ·aₖ·bₖ − Σ sₖ·aₖ·Σ sₖ·bₖ)/(α + 1)`` (Kotz, Balakrishnan and Johnson,
    *Continuous Multivariate Distributions* vol. 1, 2000, ch. 49).
    """
    s = np.asarray(shares, dtype=float)
    a = np.asarray(first, dtype=float)
    b = np.asarray(second, dtype=float)
    mean_a = (s * a).sum(axis=1)
    mean_b = (s * b).sum(axis=1)
    scale = 1.0 / (concentration + 1.0)
    var_a = np.maximum((s * a * a).sum(axis=1) - mean_a**2, 0.0) * scale
    var_b = np.maximum((s * b * b).sum(axis=1) - mean_b**2, 0.0) * scale
    cov = ((s * a * b).sum(axis=1) - mean_a * mean_b) * scale
    return mean_a, mean_b, var_a, var_b, cov


def correlated_pair(
    mean_a: ArrayLike,
    mean_b: ArrayLike,
    var_a: ArrayLike,
    var_b: ArrayLike,
    cov: ArrayLike,
    z_a: ArrayLike,
    z_b: ArrayLike,
) -> tuple[np.ndarray, np.ndarray]:
    """Two normal variables with the given means, variances and covariance from independent
    standard normal draws (the Cholesky factor of their 2 × 2 covariance), broadcast over
    ``z_a`` and ``z_b``; zero variances give the means exactly."""
    va = np.asarray(var_a, dtype=float)
    vb = np.asarray(var_b, dtype=float)
    l11 = np.sqrt(va)
    with np.errstate(invalid="ignore", divide="ignore"):
        l21 = np.where(l11 > 0, np.asarray(cov, dtype=float) / l11, 0.0)
    l22 = np.sqrt(np.maximum(vb - l21**2, 0.0))
    za = np.asarray(z_a, dtype=float)
    zb = np.asarray(z_b, dtype=float)
    return mean_a + l11 * za, mean_b + l21 * za + l22 * zb
