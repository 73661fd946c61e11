"""Charging-pile input energy: conversion losses while charging plus standby the rest of the year.

A pile draws E_delivered ÷ η while it charges and its standby power P_sb during every other hour
of the year, so E_in = E_delivered/η + P_sb·(H_year − h_charging). Both terms matter: an
intelligent pile (networked, metered, with a display) may convert better yet draw more in
standby than the simple pile it replaces (ENERGY STAR EVSE: piles spend ~85 % of their life in
standby), so the saving can be negative and is never clipped.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

WATTS_PER_KILOWATT = 1000.0  # unit identity


def delivered_energy_kwh(
    rated_power_kw: npt.ArrayLike, load_factor: npt.ArrayLike, charging_hours_h: npt.ArrayLike
) -> np.ndarray:
    """Energy delivered to vehicles [kWh/yr] = rated output [kW] × load factor × charging hours."""
    return (
        np.asarray(rated_power_kw, dtype=float)
        * np.asarray(load_factor, dtype=float)
        * np.asarray(charging_hours_h, dtype=float)
    )


def charging_hours_at_rated_power_h(
    energy_delivered_kwh: npt.ArrayLike, rated_power_kw: npt.ArrayLike
) -> np.ndarray:
    """Hours a pile needs to deliver the energy at its rated output [h/yr] (the fewest hours)."""
    return np.asarray(energy_delivered_kwh, dtype=float) / np.asarray(rated_power_kw, dtype=float)


def conversion_input_kwh(
    energy_delivered_kwh: npt.ArrayLike, efficiency: npt.ArrayLike
) -> np.ndarray:
    """Grid energy drawn while charging [kWh/yr] = delivered ÷ conversion efficiency (0–1)."""
    return np.asarray(energy_delivered_kwh, dtype=float) / np.asarray(efficiency, dtype=float)


def standby_energy_kwh(standby_w: npt.ArrayLike, standby_hours_h: npt.ArrayLike) -> np.ndarray:
    """Standby energy [kWh/yr] = standby power [W] ÷ 1000 × hours not charging [h/yr]."""
    return (
        np.asarray(standby_w, dtype=float)
        / WATTS_PER_KILOWATT
        * np.asarray(standby_hours_h, dtype=float)
    )


def input_energy_kwh(
    energy_delivered_kwh: npt.ArrayLike,
    efficiency: npt.ArrayLike,
    standby_w: npt.ArrayLike,
    standby_hours_h: npt.ArrayLike,
) -> np.ndarray:
    """A pile's grid input [kWh/yr]: delivered ÷ η + standby power × standby hours."""
    return conversion_input_kwh(energy_delivered_kwh, efficiency) + standby_energy_kwh(
        standby_w, standby_hours_h
    )
