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
