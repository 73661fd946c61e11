"""Flow-control model against hand calculations and published worked examples.

Cross-checks (sources cited per test):
- US DOE Motor Systems Tip Sheet #11, "Adjustable Speed Drive Part-Load Efficiency"
  (DOE/GO-102012-3730, November 2012): Table 1 and the 20 hp exhaust-fan example.
- US DOE Motor Systems Tip Sheet #12, "Is it Cost-Effective to Replace Old Eddy-Current
  Drives?" (DOE/GO-102012-3737, November 2012): 50 hp forced-draft fan, Tables 2–3.
"""

import numpy as np
import pytest

from retrofit.core.reference import load_table
from retrofit.models import flow_control as fc


def test_affinity_law_half_flow_no_static_head_is_one_eighth():
    # P ∝ Q³: 0.5³ = 0.125 of design shaft power, before drive losses
    assert fc.variable_speed_shaft_power_fraction(0.5, 0.0) == pytest.approx(0.125)


def test_static_head_raises_power_on_the_system_curve():
    # h(0.5) = 0.3 + 0.7 × 0.25 = 0.475; P = q·h = 0.5 × 0.475 = 0.2375
    assert fc.system_head_fraction(0.5, 0.3) == pytest.approx(0.475)
    assert fc.variable_speed_shaft_power_fraction(0.5, 0.3) == pytest.approx(0.2375)
    # at design flow the static share does not matter: h(1) = 1
    assert fc.variable_speed_shaft_power_fraction(1.0, 0.6) == pytest.approx(1.0)


def test_required_speed_equals_flow_without_static_head():
    q = np.array([0.3, 0.5, 0.8, 1.0])
    assert fc.required_speed_fraction(q, 0.0, 1.2) == pytest.approx(q)


def test_required_speed_with_static_head_by_hand():
    # n² = (h + (h0 − 1)·q²)/h0 = (0.475 + 0.2 × 0.25)/1.2 = 0.4375 → n = 0.661438
    n = fc.required_speed_fraction(0.5, 0.3, 1.2)
    assert n == pytest.approx(0.661438, abs=1e-6)
    # the machine then runs at q/n = 0.5/0.661438 = 0.755929 of its best-efficiency flow
    assert fc.full_speed_equivalent_flow_fraction(0.5, n) == pytest.approx(0.755929, abs=1e-6)


def test_control_curve_reads_tabulated_points():
    # DOE-2 'Discharge Dampers' normalised at 50 % flow: 0.7707 (table flow_control_power_curves)
    t = load_table("flow_control_power_curves")
    c = t[t.curve == "doe2_discharge_dampers"].sort_values("flow_fraction")
    assert fc.control_power_fraction(0.5, c.flow_fraction, c.power_fraction) == pytest.approx(
        0.7707
    )
    # between points: linear, (0.7707 + 0.8303)/2 at 55 %
    assert fc.control_power_fraction(0.55, c.flow_fraction, c.power_fraction) == pytest.approx(
        0.8005
    )


def _vfd_grid():
    t = load_table("vfd_part_load_efficiency")
    g = t.pivot(index="vfd_rated_kw", columns="load_fraction", values="efficiency").sort_index()
    return g.index.to_numpy(float), g.columns.to_numpy(float), g.to_numpy(float)


def test_vfd_table_is_doe_tip_sheet_11_table_1():
    # DOE Tip Sheet #11 Table 1, 20 hp (14.9 kW) row: 47, 86, 93, 94, 95, 96, 97 % at
    # 1.6, 12.5, 25, 42, 50, 75, 100 % load
    kw, loads, grid = _vfd_grid()
    row = grid[np.argmin(abs(kw - 14.9))]
    assert list(loads) == [0.016, 0.125, 0.25, 0.42, 0.5, 0.75, 1.0]
    assert list(row) == [0.47, 0.86, 0.93, 0.94, 0.95, 0.96, 0.97]


def test_drive_efficiency_bilinear_by_hand():
    kw, loads, grid = _vfd_grid()
    # on a grid node: 14.9 kW at 50 % load → 0.95
    assert fc.drive_efficiency(14.9, 0.5, kw, loads, grid) == pytest.approx(0.95)
    # half-way between 7.5 kW and 14.9 kW in size, at 37.5 % load (between the 25 % and 42 %
    # columns, t = 0.125/0.17 = 0.735294):
    #   7.5 kW: 0.90 + t × (0.93 − 0.90) = 0.922059;  14.9 kW: 0.93 + t × (0.94 − 0.93) = 0.937353
    #   mid-size: (0.922059 + 0.937353)/2 = 0.929706
    assert fc.drive_efficiency((7.5 + 14.9) / 2, 0.375, kw, loads, grid) == pytest.approx(
        0.929706, abs=1e-6
    )


def test_doe_tip_sheet_11_half_speed_fan():
    """20 shaft hp fan at half speed, motor 77.8 %, VFD 86 %: 2.8 kW (DOE Tip Sheet #11).

    kW = 0.746 × 20 × 0.5³ / (0.778 × 0.86) = 1.865 / 0.66908 = 2.7874 kW. Our shaft fraction gives the 0.125;
    the sheet's two efficiencies are its own (it reads the drive at the 12.5 % column, our
    bilinear table gives 0.88 at its 16 % drive load: (2.5 hp / 0.778) / 20 hp = 0.1607).
    """
    shaft_kw = 0.746 * 20 * fc.variable_speed_shaft_power_fraction(0.5, 0.0)
    assert shaft_kw / (0.778 * 0.86) == pytest.approx(2.7874, abs=1e-4)
    assert shaft_kw / (0.778 * 0.86) == pytest.approx(2.8, abs=0.05)  # as printed
    kw, loads, grid = _vfd_grid()
    drive_load = (2.5 / 0.778) / 20
    # 14.9 kW row: 0.86 at 12.5 %, 0.93 at 25 % → 0.86 + (0.1607 − 0.125)/0.125 × 0.07
    expected = 0.86 + (drive_load - 0.125) / 0.125 * 0.07
    assert fc.drive_efficiency(14.92, drive_load, kw, loads, grid) == pytest.approx(
        expected, abs=2e-4
    )


def test_doe_tip_sheet_12_vfd_duty_cycle():
    """50 hp fan, speeds 90/80/70 % for 20/50/30 % of 8000 h (DOE Tip Sheet #12 Table 3).

    The sheet's shaft hp per point is 50 × speed³ (36.45, 25.6, 17.15) = our cube law; with its
    motor and VFD efficiencies the weighted kW are 6.18 + 11.05 + 4.76 = 21.99 kW (printed,
    rounded; unrounded 22.02 kW).
    """
    flow, share = fc.parse_flow_profile("90:20;80:50;70:30")
    shaft_hp = 50 * fc.variable_speed_shaft_power_fraction(flow, 0.0)
    assert shaft_hp == pytest.approx([36.45, 25.6, 17.15])
    kw = 0.746 * shaft_hp / (np.array([0.916, 0.909, 0.866]) * np.array([0.96, 0.95, 0.93]))
    assert (kw * share).sum() == pytest.approx(21.99, rel=5e-3)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("100:20;80:50;60:20", "shares of hours sum to 90 %, not 100 %"),
        ("120:50;80:50", "flow 120 % is above design"),
        ("0:10;100:90", "a flow of 0 % is not a duty point"),
        ("100-50", "'100-50' is not a pair"),
        ("80:0;100:100", "every duty point needs a share of hours above 0 %"),
    ],
)
def test_impossible_profiles_are_errors(text, message):
    with pytest.raises(ValueError, match=message):
        fc.parse_flow_profile(text)


def test_profile_accepts_full_width_separators_and_percent_signs():
    flow, share = fc.parse_flow_profile("100%：33.3%；70%：33.3%；40%：33.4%")
    assert flow == pytest.approx([1.0, 0.7, 0.4])
    assert share == pytest.approx([0.333, 0.333, 0.334])
