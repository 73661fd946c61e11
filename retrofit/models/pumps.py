"""Centrifugal pump efficiency grades: GB 19762-2025 离心泵能效限定值及能效等级.

References
----------
.. [1] GB 19762-2025, clean-water pumps: η = a(ln ns)² + b(ln Q)² + c(ln ns)(ln Q) + d(ln ns)
   + e(ln Q) − C_i [%], with the coefficients of 表3 (as extracted by github.com/adgo07/EquipEffi
   pump.json, commit 1a74ff4; table ``gb19762_2025_pump_grades``).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike


def specific_speed(
    speed_rpm: ArrayLike,
    flow_m3h: ArrayLike,
    head_m: ArrayLike,
    *,
    double_suction: ArrayLike = False,
    stages: ArrayLike = 1,
) -> np.ndarray:
    """Pump specific speed ``ns = 3.65·n·√Q / H^0.75`` (n in r/min, Q in m³/s, H in m) [1].

    Q is halved for a double-suction impeller and H is the head per stage.

    >>> round(float(specific_speed(2900, 50, 32)), 1)
    92.7
    """
    q_m3s = np.asarray(flow_m3h, dtype=float) / 3600.0
    q_m3s = np.where(np.asarray(double_suction, dtype=bool), q_m3s / 2.0, q_m3s)
    h_stage = np.asarray(head_m, dtype=float) / np.asarray(stages, dtype=float)
    return 3.65 * np.asarray(speed_rpm, dtype=float) * np.sqrt(q_m3s) / h_stage**0.75


def gb19762_efficiency_pct(
    ns: ArrayLike,
    flow_m3h: ArrayLike,
    a: ArrayLike,
    b: ArrayLike,
    c: ArrayLike,
    d: ArrayLike,
    e: ArrayLike,
    ci: ArrayLike,
) -> np.ndarray:
    """Minimum pump efficiency [%] of a grade at specific speed ``ns`` and BEP flow [m³/h] [1].

    >>> round(float(gb19762_efficiency_pct(100, 100, -8.44, -0.48, 0.09, 84.63, 8.5, 163.33)), 1)
    78.3
    """
    ln_ns = np.log(np.asarray(ns, dtype=float))
    ln_q = np.log(np.asarray(flow_m3h, dtype=float))
    return (
        np.asarray(a) * ln_ns**2
        + np.asarray(b) * ln_q**2
        + np.asarray(c) * ln_ns * ln_q
        + np.asarray(d) * ln_ns
        + np.asarray(e) * ln_q
        - np.asarray(ci)
    )
