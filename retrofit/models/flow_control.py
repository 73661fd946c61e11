"""Fans and pumps under flow control: baseline control curves, affinity laws, drive losses.

Pure functions on arrays; flows, heads and powers are fractions of the design duty point
(100 % flow, design head, design shaft power ``P_d = rated_power_kw × load_factor``).

References
----------
.. [1] Affinity laws for centrifugal machines, Q ∝ n, H ∝ n², P ∝ n³ (any pump or fan text;
   e.g. US DOE Motor Systems Tip Sheet #11, DOE/GO-102012-3730, 2012).
.. [2] System curve with a static part: H = H_s + (H_d − H_s)·(Q/Q_d)² (Hydraulic Institute /
   Europump, *Variable Speed Pumping*, 2004, ch. 2).
.. [3] ANSI/HI 9.6.3-2012: preferred operating region 70–120 % of best-efficiency flow.
"""

from __future__ import annotations

import re

import numpy as np
from numpy.typing import ArrayLike


def system_head_fraction(flow_fraction: ArrayLike, static_head_fraction: ArrayLike) -> np.ndarray:
    """Head the system needs at a flow, as a fraction of design head [2].

    ``h(q) = h_s + (1 − h_s)·q²`` with ``q`` the flow and ``h_s`` the static head, both as
    fractions of the design point.
    """
    q = np.asarray(flow_fraction, dtype=float)
    hs = np.asarray(static_head_fraction, dtype=float)
    return hs + (1.0 - hs) * q**2


def variable_speed_shaft_power_fraction(
    flow_fraction: ArrayLike, static_head_fraction: ArrayLike
) -> np.ndarray:
    """Shaft power under speed control, as a fraction of design shaft power.

    The machine follows the system curve: hydraulic power ∝ Q·H(Q), and its efficiency is held
    at the design value, so ``P/P_d = q·h(q)``. With no static head this is the cube law
    ``q³`` [1]; with static head the machine leaves its best-efficiency path and the held
    efficiency makes the result a lower bound on power (see
    :func:`full_speed_equivalent_flow_fraction`).

    >>> float(variable_speed_shaft_power_fraction(0.5, 0.0))
    0.125
    """
    q = np.asarray(flow_fraction, dtype=float)
    return q * system_head_fraction(q, static_head_fraction)


def required_speed_fraction(
    flow_fraction: ArrayLike, static_head_fraction: ArrayLike, shutoff_head_ratio: float
) -> np.ndarray:
    """Speed at which the machine meets the system curve at ``flow_fraction`` [1, 2].

    The machine's own full-speed curve is taken as the parabola through the design point and
    the shutoff head ``h0``: ``H = h0 − (h0 − 1)·Q²``; by the affinity laws at speed ``n`` it is
    ``H = h0·n² − (h0 − 1)·Q²``. Setting it equal to the system head gives
    ``n² = (h(q) + (h0 − 1)·q²) / h0``. With no static head ``n = q``.
    """
    q = np.asarray(flow_fraction, dtype=float)
    h = system_head_fraction(q, static_head_fraction)
    return np.sqrt((h + (shutoff_head_ratio - 1.0) * q**2) / shutoff_head_ratio)


def full_speed_equivalent_flow_fraction(
    flow_fraction: ArrayLike, speed_fraction: ArrayLike
) -> np.ndarray:
    """Where on its own curve the machine runs: ``q / n`` as a fraction of best-efficiency
    flow [1]. Below the preferred operating region (70 % [3]) its efficiency falls and the
    constant-efficiency affinity model overstates the saving."""
    return np.asarray(flow_fraction, dtype=float) / np.asarray(speed_fraction, dtype=float)


def control_power_fraction(
    flow_fraction: ArrayLike, curve_flow_fraction: ArrayLike, curve_power_fraction: ArrayLike
) -> np.ndarray:
    """Power of a fixed-speed machine under a baseline control (valve, damper, vanes…), read
    from a tabulated curve by linear interpolation. Flows outside the curve are an error of
    the caller, never extrapolated here: the caller checks the range first."""
    return np.interp(
        np.asarray(flow_fraction, dtype=float),
        np.asarray(curve_flow_fraction, dtype=float),
        np.asarray(curve_power_fraction, dtype=float),
    )


def drive_efficiency(
    drive_rated_kw: ArrayLike,
    load_fraction: ArrayLike,
    table_kw: ArrayLike,
    table_load_fraction: ArrayLike,
    table_efficiency: ArrayLike,
) -> np.ndarray:
    """PWM drive efficiency by drive size and load, bilinear in a tabulated grid.

    ``load_fraction`` is the drive's output (the motor's input power) ÷ its rated output, the
    definition of US DOE Tip Sheet #11 Table 1. Sizes and loads outside the grid are clamped
    to its edge (the caller records it). ``table_efficiency`` is shaped (sizes, loads).
    """
    kw = np.asarray(table_kw, dtype=float)
    loads = np.asarray(table_load_fraction, dtype=float)
    grid = np.asarray(table_efficiency, dtype=float)
    p = np.clip(np.asarray(drive_rated_kw, dtype=float), kw[0], kw[-1])
    x = np.clip(np.asarray(load_fraction, dtype=float), loads[0], loads[-1])
    i = np.clip(np.searchsorted(kw, p, side="right") - 1, 0, len(kw) - 2)
    j = np.clip(np.searchsorted(loads, x, side="right") - 1, 0, len(loads) - 2)
    tp = (p - kw[i]) / (kw[i + 1] - kw[i])
    tx = (x - loads[j]) / (loads[j + 1] - loads[j])
    low = grid[i, j] + (grid[i, j + 1] - grid[i, j]) * tx
    high = grid[i + 1, j] + (grid[i + 1, j + 1] - grid[i + 1, j]) * tx
    return low + (high - low) * tp


_PAIR_SEPARATORS = re.compile(r"[;；]")
_FLOW_TIME = re.compile(r"^\s*(?P<flow>[0-9.]+)\s*%?\s*[:：]\s*(?P<time>[0-9.]+)\s*%?\s*$")

#: Shares of hours may miss 100 % by rounding (three thirds written 33.3) but no more.
SHARE_SUM_TOLERANCE_PCT = 0.1


def parse_flow_profile(text: str) -> tuple[np.ndarray, np.ndarray]:
    """``"100:20;80:50;60:30"`` → (flow fractions, time fractions).

    Each pair is % of design flow : % of operating hours, pairs joined with ``;`` (or the
    full-width ``；``; ``：`` is accepted for ``:``). Raises ``ValueError`` with a sentence
    saying what is wrong: a malformed pair, a flow not in (0, 100] %, a zero share, or shares
    not summing to 100 %.

    >>> parse_flow_profile("100:20;80:50;60:30")
    (array([1. , 0.8, 0.6]), array([0.2, 0.5, 0.3]))
    """
    flows, times = [], []
    for pair in _PAIR_SEPARATORS.split(str(text).strip().rstrip(";；")):
        m = _FLOW_TIME.match(pair)
        if m is None:
            raise ValueError(f"'{pair.strip()}' is not a pair '% flow:% hours' such as 80:50")
        flows.append(float(m.group("flow")))
        times.append(float(m.group("time")))
    flow = np.array(flows)
    time = np.array(times)
    if (flow <= 0).any():
        raise ValueError(
            "a flow of 0 % is not a duty point: leave stopped hours out of operating_hours_h"
        )
    if (flow > 100).any():
        raise ValueError(
            f"flow {flow.max():g} % is above design: the design duty point "
            "(rated_power_kw × load_factor at 100 % flow) must be the largest "
            "flow; rescale the profile to it"
        )
    if (time <= 0).any():
        raise ValueError("every duty point needs a share of hours above 0 %")
    if abs(time.sum() - 100.0) > SHARE_SUM_TOLERANCE_PCT:
        raise ValueError(f"shares of hours sum to {time.sum():g} %, not 100 %")
    return flow / 100.0, time / time.sum()
