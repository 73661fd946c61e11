"""Fans and pumps end to end: variable speed, machine upgrades, motor upgrades on one row.

Expected numbers are written out by hand from the tables cited; motor efficiencies at part
load come from the motor model (tested in tests/models/test_motors.py) and are read back from
the result only to close the arithmetic chain.
"""

import numpy as np
import pandas as pd
import pytest

import retrofit
from retrofit.core.exceptions import InventoryError
from retrofit.models import pumps


def run(df):
    return retrofit.estimate(df, year=2026).assets


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


def test_damper_fan_to_vfd_single_duty_point_by_hand(frame_of_columns):
    """15 kW fan, design duty 0.8 × 15 = 12 kW shaft, 50 % flow all year, outlet damper.

    baseline shaft = 12 × 0.7707 (DOE-2 discharge dampers at 50 %) = 9.2484 kW
    VSD shaft      = 12 × 0.5³ = 1.5 kW (no static head on a fan by default)
    energy = shaft / (η_motor · η_drive) × 6000 h
    """
    a = run(frame_of_columns(**FAN, control="damper_outlet", flow_profile="50:100")).iloc[0]
    assert a.baseline_shaft_kw == pytest.approx(9.2484)
    assert a.retrofit_shaft_kw == pytest.approx(1.5)
    assert a.control_curve == "doe2_discharge_dampers"
    assert a.baseline_energy_kwh == pytest.approx(9.2484 / (a.efficiency_baseline_pct / 100) * 6000)
    assert a.retrofit_energy_kwh == pytest.approx(
        1.5 / (a.efficiency_retrofit_pct / 100) / (a.vfd_efficiency_pct / 100) * 6000
    )
    # the motor carries 1.5/15 = 10 % load: below 25 % its losses are linear (AMO rule)
    assert a.efficiency_retrofit_pct < a.efficiency_baseline_pct
    assert a.retrofitted_motor_kw == 15.0
    assert "vfd.static_head.fan_defaulted" in a.caveats


def test_time_weighted_profile_and_named_profile_agree(frame_of_columns):
    named = run(
        frame_of_columns(**FAN, control="inlet_vane", flow_profile="doe_tip_sheet_12_fan")
    ).iloc[0]
    inline = run(
        frame_of_columns(**FAN, control="inlet_vane", flow_profile="90:20;80:50;70:30")
    ).iloc[0]
    assert named.energy_saved_kwh == pytest.approx(inline.energy_saved_kwh)
    # DOE-2 inlet vanes at 90/80/70 %: 0.834, 0.7047, 0.6067 → 12 × (0.2·0.834 + 0.5·0.7047
    # + 0.3·0.6067) = 12 × (0.1668 + 0.35235 + 0.18201) = 12 × 0.70116 = 8.41392 kW
    assert named.baseline_shaft_kw == pytest.approx(8.41392)
    # VSD: 12 × (0.2·0.729 + 0.5·0.512 + 0.3·0.343) = 12 × 0.5047 = 6.0564 kW
    assert named.retrofit_shaft_kw == pytest.approx(6.0564)


def test_on_off_pump_runs_its_motor_at_design_load_while_on(frame_of_columns):
    """22 kW pump cycling at 50 % duty: on half the time at 0.9 load.

    baseline = 22 × 0.9 × 0.5 / η(0.9) × 4000; the motor efficiency is that at 90 % load, the
    same as at design — not at 45 %.
    """
    df = frame_of_columns(
        category="pump",
        measure="add_vfd",
        rated_power_kw=22.0,
        poles=4,
        efficiency_class="IE3",
        load_factor=0.9,
        operating_hours_h=4000,
        control="on_off",
        flow_profile="50:100",
    )
    a = run(df).iloc[0]
    design = run(
        frame_of_columns(
            category="motor",
            measure="upgrade_motor",
            rated_power_kw=22.0,
            poles=4,
            efficiency_class="IE3",
            target_class="IE3",
            load_factor=0.9,
            operating_hours_h=4000,
        )
    ).iloc[0]
    assert a.efficiency_baseline_pct == pytest.approx(design.efficiency_baseline_pct)
    assert a.baseline_energy_kwh == pytest.approx(design.baseline_energy_kwh * 0.5)
    assert a.retrofit_shaft_kw == pytest.approx(22 * 0.9 * 0.125)


def test_vfd_at_design_flow_only_adds_drive_losses(frame_of_columns):
    a = run(frame_of_columns(**FAN, control="damper_outlet", flow_profile="design_flow_only")).iloc[
        0
    ]
    assert a.baseline_shaft_kw == pytest.approx(a.retrofit_shaft_kw)
    assert a.energy_saved_kwh < 0
    assert "fan_pump.not_an_improvement" in a.caveats


def test_motor_upgrade_with_vfd_counts_the_motor_at_its_reduced_load(frame_of_columns):
    common = dict(FAN, control="damper_outlet", flow_profile="60:100", target_class="IE4")
    both = run(frame_of_columns(**(common | {"measure": "upgrade_motor+add_vfd"}))).iloc[0]
    vfd_only = run(frame_of_columns(**common)).iloc[0]
    # same shaft power; the new motor is evaluated at the VSD load, so it saves on top of it
    assert both.retrofit_shaft_kw == pytest.approx(vfd_only.retrofit_shaft_kw)
    assert both.efficiency_class_retrofit == "IE4"
    assert vfd_only.efficiency_class_retrofit == "IE3"
    assert both.retrofit_energy_kwh < vfd_only.retrofit_energy_kwh
    assert both.baseline_energy_kwh == pytest.approx(vfd_only.baseline_energy_kwh)


def test_pump_grade_from_gb19762_formula_by_hand(frame_of_columns):
    """End-suction pump 100 m³/h, 50 m, 2900 r/min, present efficiency 68 %, to grade 2.

    ns = 3.65 × 2900 × √(100/3600) / 50^0.75 = 10585 × 0.166667 / 18.80302 = 93.8236
    η2 = −8.44(ln ns)² − 0.48(ln Q)² + 0.09 ln ns ln Q + 84.63 ln ns + 8.5 ln Q − 163.33
       with ln ns = 4.541416, ln Q = 4.605170:
       = −174.0705 − 10.1796 + 1.8823 + 384.3401 + 39.1439 − 163.33 = 77.7862 %
    shaft after = 22.5 kW × 68 / 77.7845
    """
    assert pumps.specific_speed(2900, 100, 50) == pytest.approx(93.8236, abs=1e-4)
    df = frame_of_columns(
        category="pump",
        measure="upgrade_equipment",
        rated_power_kw=30.0,
        poles=2,
        efficiency_class="IE3",
        load_factor=0.75,
        operating_hours_h=5000,
        machine_efficiency_pct=68.0,
        pump_type="end_suction",
        flow_m3h=100.0,
        head_m=50.0,
        speed_rpm=2900.0,
    )
    a = run(df).iloc[0]
    assert a.machine_efficiency_retrofit_pct == pytest.approx(77.7862, abs=1e-3)
    assert a.retrofit_shaft_kw == pytest.approx(22.5 * 68 / 77.7862, rel=2e-5)
    assert "equipment.target_grade.defaulted" in a.caveats
    assert a.machine_efficiency_retrofit_source.startswith(
        "gb19762_2025_pump_grades end_suction 5–300 m³/h grade_2"
    )


def test_fan_grade_from_gb19761_table(frame_of_columns):
    """Centrifugal fan ψ 0.5, ns 40, No8 → GB 19761-2020 表2 cell 0.45≤ψ<0.55, 30≤ns<50,
    No5≤机号<No10: grade 2 = 79 % (gb_tables.md example: grade 3 73, grade 2 79, grade 1 84)."""
    df = frame_of_columns(
        category="fan",
        measure="upgrade_equipment",
        rated_power_kw=37.0,
        poles=4,
        efficiency_class="IE3",
        load_factor=0.8,
        operating_hours_h=7000,
        machine_efficiency_pct=65.0,
        fan_type="centrifugal",
        pressure_coefficient=0.5,
        specific_speed=40.0,
        fan_size_no=8.0,
        target_equipment_grade=["grade_3", "grade_2", "grade_1"],
    )
    a = run(df)
    assert list(a.machine_efficiency_retrofit_pct) == [73.0, 79.0, 84.0]
    assert a.retrofit_shaft_kw.iloc[1] == pytest.approx(37 * 0.8 * 65 / 79)


def test_machine_and_drive_on_one_row_multiply_not_add(frame_of_columns):
    base = {
        "category": "fan",
        "rated_power_kw": 37.0,
        "poles": 4,
        "efficiency_class": "IE3",
        "load_factor": 0.8,
        "operating_hours_h": 7000,
        "machine_efficiency_pct": 65.0,
        "fan_type": "centrifugal",
        "pressure_coefficient": 0.5,
        "specific_speed": 40.0,
        "fan_size_no": 8.0,
        "control": "damper_outlet",
        "flow_profile": "70:100",
    }
    both = run(frame_of_columns(**base, measure="add_vfd+upgrade_equipment")).iloc[0]
    # shaft = 29.6 kW × 0.7³ × 65/79 (GB 19761 grade 2 = 79 %)
    assert both.retrofit_shaft_kw == pytest.approx(29.6 * 0.343 * 65 / 79)


def test_retrofitted_motor_kw_sums_per_plant(frame_of_columns):
    df = frame_of_columns(**FAN, control="damper_outlet", flow_profile="50:100")
    df = pd.concat([df, df.assign(asset_id="B", quantity=3)])
    result = retrofit.estimate(df, year=2026)
    assert result.plants.retrofitted_motor_kw.iloc[0] == 15 * 4


def issues_of(df):
    with pytest.raises(InventoryError) as info:
        retrofit.estimate(df, year=2026)
    return [(i.type, i.column, i.value, i.expected) for i in info.value.issues]


def test_profile_errors_name_row_column_and_value(frame_of_columns):
    got = issues_of(
        frame_of_columns(**FAN, control="damper_outlet", flow_profile="100:20;80:50;60:20")
    )
    assert got[0][:3] == ("unknown-value", "flow_profile", "100:20;80:50;60:20")
    assert "shares of hours sum to 90 %, not 100 %" in got[0][3]
    got = issues_of(frame_of_columns(**FAN, control="damper_outlet", flow_profile="110:100"))
    assert "flow 110 % is above design" in got[0][3]


def test_flow_below_the_control_curve_is_not_extrapolated(frame_of_columns):
    got = issues_of(frame_of_columns(**FAN, control="damper_outlet", flow_profile="10:50;100:50"))
    assert got == [
        (
            "out-of-range",
            "flow_profile",
            "10% flow",
            (
                "duty points within the damper_outlet curve's range (20–100 % of design "
                "flow, curve doe2_discharge_dampers); it is not extrapolated"
            ),
        )
    ]


def test_a_valve_on_a_fan_is_an_error(frame_of_columns):
    got = issues_of(frame_of_columns(**FAN, control="throttle", flow_profile="50:100"))
    assert got == [
        (
            "not-applicable",
            "control",
            "throttle",
            (
                "a flow control of a fan: one of damper_outlet, damper_inlet, inlet_vane, "
                "on_off, fluid_coupling, eddy_current_clutch, two_speed"
            ),
        )
    ]


def test_equipment_upgrade_needs_the_present_efficiency(frame_of_columns):
    df = frame_of_columns(
        category="pump",
        measure="upgrade_equipment",
        rated_power_kw=30.0,
        poles=2,
        efficiency_class="IE3",
        pump_type="end_suction",
        flow_m3h=100.0,
        head_m=50.0,
        speed_rpm=2900.0,
    )
    got = issues_of(df)
    assert got[0][:2] == ("blank-required", "machine_efficiency_pct")


def test_pump_flow_outside_gb19762_scope(frame_of_columns):
    df = frame_of_columns(
        category="pump",
        measure="upgrade_equipment",
        rated_power_kw=30.0,
        poles=2,
        efficiency_class="IE3",
        machine_efficiency_pct=60.0,
        pump_type="end_suction",
        flow_m3h=3.0,
        head_m=50.0,
        speed_rpm=2900.0,
    )
    got = issues_of(df)
    assert got == [
        (
            "out-of-range",
            "flow_m3h",
            "3",
            (
                "a rated flow inside GB 19762-2025's range for end_suction pumps (5–10000 "
                "m³/h), or give target_machine_efficiency_pct"
            ),
        )
    ]


def test_static_head_flags_the_preferred_operating_region(frame_of_columns):
    # h_s 0.6, q 0.4: h = 0.6 + 0.4 × 0.16 = 0.664; n² = (0.664 + 0.2 × 0.16)/1.2 = 0.58
    # n = 0.761577, q/n = 0.525226 < 0.7 (ANSI/HI 9.6.3 POR)
    df = frame_of_columns(
        category="pump",
        measure="add_vfd",
        rated_power_kw=22.0,
        poles=4,
        efficiency_class="IE3",
        load_factor=0.9,
        operating_hours_h=4000,
        control="throttle",
        flow_profile="40:100",
        static_head_fraction=0.6,
    )
    a = run(df).iloc[0]
    assert a.vfd_min_speed_fraction == pytest.approx(0.761577, abs=1e-6)
    assert a.vfd_min_equivalent_flow_fraction == pytest.approx(0.525226, abs=1e-6)
    assert "vfd.outside_preferred_region" in a.caveats
    assert np.isclose(a.retrofit_shaft_kw, 22 * 0.9 * 0.4 * 0.664)
