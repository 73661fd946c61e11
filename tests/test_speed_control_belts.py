"""Baseline speed controls (fluid coupling, eddy-current clutch, two-speed motor), belts and
Chinese series baselines, end to end. Expected numbers are worked by hand in each docstring
from the relations and tables cited there."""

import pytest

import retrofit
from retrofit.models import drives

FAN = {
    "category": "fan",
    "measure": "add_vfd",
    "rated_power_kw": 15.0,
    "poles": 4,
    "efficiency_class": "IE3",
    "load_factor": 0.8,
    "operating_hours_h": 6000,
    "quantity": 1,
}

#: MEASUR/PSAT V-belt loss coefficients (AMO-Tools-Suite PumpShaftPower.cpp), written out.
PSAT_V_BELT = (0.68759, -0.019791, 3.7558, -0.21507, 3.9963)
HP_PER_KW = 1.341022


def run(df):
    return retrofit.estimate(df, year=2026).assets


@pytest.mark.parametrize(
    "control", ["fluid_coupling", "eddy_current_clutch", "液力耦合器", "电磁调速"]
)
def test_slip_coupling_fan_at_half_flow_by_hand(frame_of_columns, control):
    """Design duty 0.8 × 15 = 12 kW; 50 % flow, no static head: the fan turns at half speed
    and takes 12 × 0.5³ = 1.5 kW; the coupling passes its torque, so the motor delivers
    1.5 / 0.5 = 3 kW (the slip loss, 1.5 kW, becomes heat). A drive in its place also saves the
    full-load slip: 12 × 0.97 × 0.125 = 1.455 kW."""
    a = run(frame_of_columns(**FAN, control=control, flow_profile="50:100")).iloc[0]
    assert a.baseline_shaft_kw == pytest.approx(3.0)
    assert a.retrofit_shaft_kw == pytest.approx(1.455)
    assert a.control_curve.startswith("speed:")
    assert "speed_control.slip_coupling" in a.caveats


def test_two_speed_fan_by_hand(frame_of_columns):
    """40 % flow half the year, 70 % the other half, 2:1 pole-changing motor, outlet damper
    trim (DOE-2 discharge dampers: 0.9288 at 80 %, 0.883 at 70 %):
    40 % → low speed 0.5, flow 0.8 of that speed's: 12 × 0.5³ × 0.9288 = 1.3932 kW;
    70 % → needs 0.7 > 0.5, full speed: 12 × 0.883 = 10.596 kW; mean 5.9946 kW."""
    a = run(frame_of_columns(**FAN, control="双速电机", flow_profile="40:50;70:50")).iloc[0]
    assert a.baseline_shaft_kw == pytest.approx((1.3932 + 10.596) / 2, rel=1e-4)
    assert "speed_control.two_speed" in a.caveats


def test_belt_loss_curve_at_20_hp_by_hand():
    """BL = 0.68759·e^(−0.39582) + 3.7558·e^(−4.3014) + 3.9963 = 0.46283 + 0.05089 + 3.9963
    = 4.5100 % at 20 hp (14.914 kW); synchronous 2/7 of it = 1.2886 %."""
    kw = 20 / HP_PER_KW
    assert drives.belt_loss_fraction(kw, PSAT_V_BELT, HP_PER_KW, 1.0) == pytest.approx(
        0.045100, rel=1e-4
    )
    assert drives.belt_loss_fraction(kw, PSAT_V_BELT, HP_PER_KW, 2 / 7) == pytest.approx(
        0.012886, rel=1e-3
    )
    assert drives.belt_loss_fraction(kw, PSAT_V_BELT, HP_PER_KW, 0.0) == 0.0


def test_belt_change_on_a_motor_row_by_hand(frame_of_columns):
    """A 20 hp (14.914 kW) motor at full load through a V-belt (4.510 % loss) delivers
    14.914 × 0.9549 = 14.2414 kW to the machine. Through a synchronous belt the motor needs
    P = 14.2414 / (1 − BL(P)·2/7); at P ≈ 14.43 kW (19.35 hp) BL = 4.524 %, so P = 14.2414 /
    0.98708 = 14.428 kW: load 0.9674. Same motor class both sides, so energy falls by the
    load ratio times the efficiency ratio at the two loads."""
    kw = 20 / HP_PER_KW
    df = frame_of_columns(
        category="motor",
        measure="upgrade_motor",
        rated_power_kw=kw,
        poles=4,
        efficiency_class="IE2",
        target_class="IE2",
        load_factor=1.0,
        operating_hours_h=1000,
        quantity=1,
        belt_type="三角带",
        target_belt_type="同步带",
    )
    a = run(df).iloc[0]
    retrofit_load = 0.96742
    assert a.retrofit_energy_kwh == pytest.approx(
        kw * retrofit_load * 1000 / (a.efficiency_retrofit_pct / 100), rel=2e-4
    )
    assert a.baseline_energy_kwh == pytest.approx(kw * 1000 / (a.efficiency_baseline_pct / 100))
    assert "belt.losses_modelled" in a.caveats


def test_a_v_belt_on_a_drive_row_by_hand(frame_of_columns):
    """Coupling fan with a V-belt, replaced by a drive (belt kept). Design motor power 12 kW
    (16.092 hp): BL = 0.68759·e^(−0.31848) + 3.7558·e^(−3.4610) + 3.9963 = 4.6143 %, so the
    fan's design power is 12 × 0.953857 = 11.44628 kW. With the drive at 50 % flow the fan
    takes 11.44628 × 0.97 × 0.125 = 1.387862 kW; the motor then delivers P with
    P = 1.387862 / (1 − BL(P)): BL(2.0033 hp) = 0.660862 + 2.441122 + 3.9963 = 7.0983 %,
    P = 1.387862 / 0.929017 = 1.49390 kW. The belt's loss share rises at low power."""
    a = run(
        frame_of_columns(**FAN, control="fluid_coupling", flow_profile="50:100", belt_type="V带")
    ).iloc[0]
    motor_kw = 1.49390
    assert a.retrofit_energy_kwh == pytest.approx(
        motor_kw / (a.efficiency_retrofit_pct / 100) / (a.vfd_efficiency_pct / 100) * 6000,
        rel=1e-4,
    )
    # baseline: the motor delivers its design 12 kW × 0.25 (half speed through the coupling),
    # 3 kW at the coupling, through the belt: 11.44628 × 0.25 = 2.86157 kW of fan-side power
    # needs P = 2.86157 / (1 − BL(P)); BL(4.0906 hp) = 0.634120 + 1.558236 + 3.9963 = 6.1887 %,
    # so P = 2.86157 / 0.938113 = 3.0503 kW
    assert a.baseline_energy_kwh == pytest.approx(
        3.0503 / (a.efficiency_baseline_pct / 100) * 6000, rel=1e-4
    )


def test_y_series_baseline_from_its_catalogue(frame_of_columns):
    """Y160L-4, 15 kW: 88.5 % in the Y-series catalogue table (IE1 minimum: 88.7 %)."""
    df = frame_of_columns(
        category="motor",
        measure="upgrade_motor",
        rated_power_kw=15.0,
        poles=4,
        efficiency_class="Y",
        target_class="IE3",
        load_factor=1.0,
        operating_hours_h=1000,
        quantity=1,
    )
    a = run(df).iloc[0]
    assert a.efficiency_fl_baseline_pct == pytest.approx(88.5)
    assert a.efficiency_fl_baseline_method == "series_table"
    assert a.efficiency_fl_baseline_source.startswith("motor_series_efficiency")
    assert "motor.series.baseline_catalogue" in a.caveats
    assert "motor.series.baseline_assumed" not in a.caveats


def test_y2_has_no_table_and_says_which_class_stands_in(frame_of_columns):
    df = frame_of_columns(
        category="motor",
        measure="upgrade_motor",
        rated_power_kw=5.5,
        poles=6,
        efficiency_class="Y2",
        target_class="IE3",
        load_factor=1.0,
        operating_hours_h=1000,
        quantity=1,
    )
    a = run(df).iloc[0]
    assert a.efficiency_fl_baseline_source == (
        "iec60034_30_1_2014_motor_classes (series Y2 taken as IE1: motor_series_classes)"
    )
    assert "motor.series.baseline_assumed" in a.caveats


def test_a_model_on_the_phase_out_catalogue_is_flagged(frame_of_columns):
    """Y2-132M2-6 (5.5 kW) is in batch 3 of the MIIT catalogue (made in 2003 or earlier: stop
    using by end of 2015); YE3-132M2-6 is not."""
    df = frame_of_columns(
        category="motor",
        measure="upgrade_motor",
        motor_model=["Y2-132M2-6", "YE3-132M2-6"],
        rated_power_kw=5.5,
        target_class="IE4",
        load_factor=1.0,
        operating_hours_h=1000,
        quantity=1,
    )
    a = run(df)
    assert a.motor_phase_out_listing.iloc[0].startswith("batch 3: Y2-132M2-6, made in 2003")
    assert "motor.phase_out_listed" in a.caveats.iloc[0]
    assert a.motor_phase_out_listing.isna().iloc[1]
