"""Mechanical speed control and power transmission between a motor and its machine.

Pure functions on arrays. Powers are fractions of the design duty point or kW as stated; speeds
are fractions of the machine's design speed.

References
----------
.. [1] KSB Centrifugal Pump Lexicon, 'Fluid coupling': input torque = output torque, so the
   coupling's efficiency is its output/input speed ratio.
.. [2] Pump Handbook, 'Eddy-current couplings – fundamentals'; *Practical Variable Speed
   Drives and Power Electronics* (Newnes, 2003): slip loss P = T·(n1 − n2)/9545, the same
   torque-transmitter relation.
.. [3] ORNL-AMO/AMO-Tools-Suite (MEASUR), ``src/calculator/pump/PumpShaftPower.cpp`` (commit
   1520832): V-belt loss ``BL % = a·e^(b·P) + c·e^(d·P) + e`` of motor shaft power ``P`` [hp]
   (AMCA 203-90 Appendix L); notched belts 5/7 and synchronous belts 2/7 of the V-belt loss
   (US DOE tip sheet 'Replace V-belts with cogged or synchronous belt drives').
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike


def slip_coupling_motor_power_fraction(
    machine_power_fraction: ArrayLike, machine_speed_fraction: ArrayLike
) -> np.ndarray:
    """Motor shaft power behind a fluid coupling or eddy-current clutch [1, 2].

    A slip coupling passes the torque unchanged, so its efficiency is the output/input speed
    ratio. Speeds and powers are fractions of the design point, where the coupling already
    runs at its full-load slip; the full-load slip is therefore inside the design power, and
    at a lower machine speed ``n`` the motor delivers ``machine power / n``.

    Parameters
    ----------
    machine_power_fraction : array_like
        Machine shaft power ÷ its design-point shaft power [-].
    machine_speed_fraction : array_like
        Machine speed ÷ its design-point speed [-], in (0, 1].

    Returns
    -------
    numpy.ndarray
        Motor shaft power ÷ motor shaft power at the design point [-].

    >>> float(slip_coupling_motor_power_fraction(0.125, 0.5))  # cube-law fan at half speed
    0.25
    """
    power = np.asarray(machine_power_fraction, dtype=float)
    speed = np.asarray(machine_speed_fraction, dtype=float)
    return power / speed


def flow_at_speed(
    speed_fraction: ArrayLike, static_head_fraction: ArrayLike, shutoff_head_ratio: float
) -> np.ndarray:
    """Flow a machine at ``speed_fraction`` delivers into its system [-, of design flow].

    The inverse of :func:`retrofit.models.flow_control.required_speed_fraction`: the machine
    curve ``H = h0·n² − (h0 − 1)·Q²`` meets the system ``H = h_s + (1 − h_s)·Q²`` at
    ``Q² = (h0·n² − h_s) / (h0 − h_s)``; zero when the speed cannot lift the static head.

    >>> float(flow_at_speed(0.5, 0.0, 1.2))
    0.5
    """
    n = np.asarray(speed_fraction, dtype=float)
    hs = np.asarray(static_head_fraction, dtype=float)
    squared = (shutoff_head_ratio * n**2 - hs) / (shutoff_head_ratio - hs)
    return np.sqrt(np.clip(squared, 0.0, None))


def two_speed_step(required_speed_fraction: ArrayLike, low_speed_fraction: float) -> np.ndarray:
    """Speed a two-speed (pole-changing) motor runs at: the low speed when it is enough for the
    duty point, otherwise full speed."""
    need = np.asarray(required_speed_fraction, dtype=float)
    return np.where(need <= low_speed_fraction + 1e-12, low_speed_fraction, 1.0)


def belt_loss_fraction(
    motor_shaft_kw: ArrayLike,
    coefficients: tuple[float, float, float, float, float],
    hp_per_kw: float,
    belt_factor: ArrayLike,
) -> np.ndarray:
    """Belt loss as a fraction of motor shaft power [3].

    ``BL = (a·e^(b·P) + c·e^(d·P) + e)/100`` with ``P`` the motor shaft power in hp, times
    ``belt_factor`` (1 for a V-belt, 5/7 notched, 2/7 synchronous, 0 direct drive).

    Parameters
    ----------
    motor_shaft_kw : array_like
        Motor shaft (output) power [kW].
    coefficients : tuple
        ``(a, b, c, d, e)`` of the V-belt loss curve [%, 1/hp, %, 1/hp, %].
    hp_per_kw : float
        Horsepower in one kW [hp/kW].
    belt_factor : array_like
        The belt type's loss ÷ the V-belt's [-].
    """
    a, b, c, d, e = coefficients
    p_hp = np.asarray(motor_shaft_kw, dtype=float) * hp_per_kw
    return (a * np.exp(b * p_hp) + c * np.exp(d * p_hp) + e) / 100.0 * np.asarray(belt_factor)


def motor_power_through_belt(
    machine_kw: ArrayLike,
    coefficients: tuple[float, float, float, float, float],
    hp_per_kw: float,
    belt_factor: ArrayLike,
    iterations: int = 8,
) -> np.ndarray:
    """Motor shaft power [kW] that delivers ``machine_kw`` through a belt [3].

    The loss is a share of the motor's own shaft power, so ``P = machine / (1 − BL(P))`` is
    solved by fixed-point iteration (BL changes by well under 0.1 % per % of power, so a few
    steps reach machine precision).
    """
    machine = np.asarray(machine_kw, dtype=float)
    power = machine.copy()
    for _ in range(iterations):
        power = machine / (1.0 - belt_loss_fraction(power, coefficients, hp_per_kw, belt_factor))
    return power
