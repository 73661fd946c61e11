"""retrofit.models.drives: hand cases and properties of couplings, two-speed steps and belts."""

from itertools import pairwise

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from retrofit.models import drives

PSAT_V_BELT = (0.68759, -0.019791, 3.7558, -0.21507, 3.9963)
HP_PER_KW = 1.341022


def test_flow_at_speed_inverts_the_required_speed():
    """Static head 0.3, shutoff 1.2: Q² = (1.2·0.8² − 0.3)/(1.2 − 0.3) = 0.468/0.9 = 0.52,
    Q = 0.72111; the speed that flow needs is n² = (0.3 + 0.7·Q² + 0.2·Q²)/1.2 = 0.64, n = 0.8."""
    q = drives.flow_at_speed(0.8, 0.3, 1.2)
    assert q == pytest.approx(0.721110, rel=1e-5)
    assert np.sqrt((0.3 + 0.9 * q**2) / 1.2) == pytest.approx(0.8)


def test_two_speed_step():
    assert drives.two_speed_step([0.3, 0.5, 0.51, 1.0], 0.5).tolist() == [0.5, 0.5, 1.0, 1.0]


def test_belt_loss_at_one_hp_by_hand():
    """BL(1 hp) = 0.68759·e^(−0.019791) + 3.7558·e^(−0.21507) + 3.9963
    = 0.67412 + 3.02900 + 3.9963 = 7.6994 % (92.3 % efficient)."""
    loss = drives.belt_loss_fraction(1 / HP_PER_KW, PSAT_V_BELT, HP_PER_KW, 1.0)
    assert loss == pytest.approx(0.076994, rel=1e-4)


@given(st.floats(0.1, 2000.0))
def test_a_better_belt_never_needs_more_motor_power(machine_kw):
    powers = [
        drives.motor_power_through_belt(machine_kw, PSAT_V_BELT, HP_PER_KW, factor)
        for factor in (1.0, 5 / 7, 2 / 7, 0.0)
    ]
    assert all(a >= b for a, b in pairwise(powers))
    assert powers[-1] == machine_kw
    # the fixed point holds: motor power minus its own belt loss is the machine's power
    v_belt = powers[0]
    assert v_belt * (
        1 - drives.belt_loss_fraction(v_belt, PSAT_V_BELT, HP_PER_KW, 1.0)
    ) == pytest.approx(machine_kw, rel=1e-9)


@given(st.floats(0.2, 1.0))
def test_a_slip_coupling_never_beats_variable_speed(speed):
    """At any speed the coupling's motor power (n²) is at least the fan's (n³)."""
    fan = speed**3
    assert drives.slip_coupling_motor_power_fraction(fan, speed) >= fan
