"""retrofit.models.compressed_air against AMO-Tools-Suite test cases and hand calculations."""

import numpy as np
import pandas as pd
import pytest

from retrofit.models import compressed_air as air

PSI_PER_BAR = 14.503773773  # 100000 Pa / 6894.757293 Pa, the value in compressed_air_parameters


@pytest.fixture
def amo_pressure_reduction_old():
    """ORNL-AMO/AMO-Tools-Suite tests/CompressedAirPressureReduction.unit.cpp @0f16e66c with
    src/calculator/util/CompressedAirPressureReduction.cpp @a5813766 (E = h·kW·(1 − Δp·0.005),
    Δp in psi).

    Test 1: 8640 h, 500 kW, 150 psig → baseline 4,320,000 kWh.
    Test 2: 150 → 100 psig → 3,240,000 kWh.
    List test: 500 kW 150 → 50 psig plus 250 kW 150 → 89 psig → 3,661,200 kWh.
    """
    return {
        "hours": 8640.0,
        "kw": 500.0,
        "baseline": 4_320_000.0,
        "after_50psi": 3_240_000.0,
        "list_total": 3_661_200.0,
    }


def test_baseline_energy_amo(amo_pressure_reduction_old):
    c = amo_pressure_reduction_old
    e0 = air.input_energy_kwh(c["kw"], 1.0, c["hours"], 1)
    assert float(e0) == pytest.approx(c["baseline"], rel=1e-12)


def test_pressure_reduction_amo_150_to_100_psig(amo_pressure_reduction_old):
    c = amo_pressure_reduction_old
    rate = air.rate_per_bar(0.005, PSI_PER_BAR)  # 0.0725189 per bar
    assert float(rate) == pytest.approx(0.07251887, abs=1e-8)
    ratio = air.pressure_reduction_ratio(50.0 / PSI_PER_BAR, rate)  # 50 psi in bar
    # 4,320,000 × (1 − 50 × 0.005) = 4,320,000 × 0.75 = 3,240,000 kWh
    assert float(c["baseline"] * ratio) == pytest.approx(c["after_50psi"], rel=1e-12)


def test_pressure_reduction_amo_list(amo_pressure_reduction_old):
    c = amo_pressure_reduction_old
    rate = air.rate_per_bar(0.005, PSI_PER_BAR)
    # 500 × 8640 × (1 − 100 × 0.005) = 2,160,000; 250 × 8640 × (1 − 61 × 0.005) = 1,501,200
    e0 = air.input_energy_kwh(np.array([500.0, 250.0]), 1.0, c["hours"], 1)
    after = e0 * air.pressure_reduction_ratio(np.array([100.0, 61.0]) / PSI_PER_BAR, rate)
    np.testing.assert_allclose(after, [2_160_000.0, 1_501_200.0], rtol=1e-12)
    assert after.sum() == pytest.approx(c["list_total"], rel=1e-12)


def test_leak_repair_ratio_doe_shares():
    """DOE Tip Sheet #3 shares: untreated 30 % of output, target 10 % of system flow.

    Demand = 70 % of the old output; new output = 70 / (1 − 0.10) = 77.78 % of the old:
    ratio 0.7 / 0.9 = 0.777… (a 22.2 % saving).
    """
    assert float(air.leak_repair_ratio(0.30, 0.10)) == pytest.approx(0.7 / 0.9, rel=1e-12)
    assert float(air.leak_repair_ratio(0.2, 0.2)) == 1.0


def test_specific_power_ratio_gb19153_grade2_55kw():
    # GB 19153-2019 表1, 55 kW, 0.8 MPa, air-cooled, grade 2 = 7.0 kW/(m³/min); present 8.0
    assert float(air.specific_power_ratio(8.0, 7.0)) == pytest.approx(0.875, rel=1e-12)


def test_chain_savings_add_up_to_the_total():
    # 165,000 × 0.875 = 144,375; × 0.7/0.9 = 112,291.667; × (1 − 0.0725189) = 104,148.40
    e = air.chain_energy_kwh(165_000.0, [0.875, 0.7 / 0.9, 1 - 0.005 * PSI_PER_BAR, 1.0])
    assert float(e[1]) == pytest.approx(144_375.0, rel=1e-12)
    assert float(e[2]) == pytest.approx(112_291.6667, abs=1e-3)
    assert float(e[3]) == pytest.approx(104_148.40, abs=1e-2)
    steps = [float(e[k] - e[k + 1]) for k in range(4)]
    assert sum(steps) == pytest.approx(float(e[0] - e[-1]), rel=1e-12)


def test_motor_upgrade_ratio():
    assert float(air.motor_upgrade_ratio(0.93, 0.95)) == pytest.approx(0.93 / 0.95)


def test_scalar_array_series_agree():
    kw, load, hours = [55.0, 500.0], [0.75, 1.0], [4000.0, 8640.0]
    index = pd.Index(["C1", "C2"], name="asset_id")
    arrays = air.input_energy_kwh(np.array(kw), np.array(load), np.array(hours), 1)
    scalars = [
        float(air.input_energy_kwh(a, b, c, 1)) for a, b, c in zip(kw, load, hours, strict=True)
    ]
    series = air.input_energy_kwh(
        pd.Series(kw, index), pd.Series(load, index), pd.Series(hours, index), 1
    )
    np.testing.assert_allclose(arrays, scalars, rtol=1e-12)
    assert series.index.equals(index)
    np.testing.assert_allclose(series.to_numpy(), arrays, rtol=1e-12)
    leaks = air.leak_repair_ratio(pd.Series([0.3, 0.25], index), 0.1)
    assert leaks.index.equals(index)


NODES = [i / 10 for i in range(11)]
LOAD_UNLOAD_1GAL = [
    0.188,
    0.4118,
    0.5842,
    0.7027,
    0.7872,
    0.8501,
    0.899,
    0.9384,
    0.9709,
    0.9985,
    1.0,
]


def test_control_power_fraction_interpolates_each_row_on_its_own_curve():
    """Row 1 load/unload: 0.35 → 0.7027 + 0.5 × (0.7872 − 0.7027) = 0.74495.
    Row 2 a straight line 0.2 + 0.8c: 0.35 → 0.48; capacities outside 0–1 are clipped."""
    curves = np.array([LOAD_UNLOAD_1GAL, [0.2 + 0.8 * c for c in NODES]])
    got = air.control_power_fraction([0.35, 0.35], NODES, curves)
    np.testing.assert_allclose(got, [0.74495, 0.48], rtol=1e-12)
    clipped = air.control_power_fraction([-0.2, 1.3], NODES, curves)
    np.testing.assert_allclose(clipped, [0.188, 1.0], rtol=1e-12)


def test_control_capacity_fraction_inverts_the_curve_and_clips():
    """0.74495 on the load/unload curve is 35 % capacity; 0.1 (below the 18.8 % no-load
    power) reads as 0; 1.05 (above the curve) as 1."""
    curves = np.array([LOAD_UNLOAD_1GAL] * 3)
    got = air.control_capacity_fraction([0.74495, 0.1, 1.05], NODES, curves)
    np.testing.assert_allclose(got, [0.35, 0.0, 1.0], atol=1e-12)
    assert np.isnan(air.control_capacity_fraction([np.nan], NODES, curves[:1])[0])


def test_demand_change_power_ratio_proportional_only_through_the_origin():
    """Start/stop-like curve 1.025c: 0.6 → 0.45 capacity gives 0.75 exactly; the load/unload
    curve gives f(0.45)/f(0.6) = (0.7872 + 0.5 × 0.0629)/0.899 = 0.81865/0.899 = 0.9106229."""
    curves = np.array([[1.025 * c for c in NODES], LOAD_UNLOAD_1GAL])
    got = air.demand_change_power_ratio([0.6, 0.6], [0.45, 0.45], NODES, curves)
    np.testing.assert_allclose(got, [0.75, 0.9106229], rtol=1e-6)


def test_adiabatic_power_ratio_by_hand_in_mpa():
    """0.8 → 0.7 MPa(g), pa 0.101325 MPa, (k−1)/k = 0.395/1.395 = 0.2831541:
    (0.901325/0.101325)^0.2831541 = 1.8567778; (0.801325/0.101325)^0.2831541 = 1.7959675;
    ratio 0.7959675/0.8567778 = 0.929024 (7.1 % saved, against 7.25 % by the 0.5 %/psi rule)."""
    got = air.adiabatic_power_ratio(0.8, 0.7, 0.101325, 1.395)
    assert float(got) == pytest.approx(0.929024, abs=1e-6)


def test_unregulated_demand_ratio_by_hand():
    """0.8 → 0.7 MPa(g): absolute ratio 0.801325/0.901325 = 0.8890523; 60 % of the demand
    follows it: 1 − 0.6 × 0.1109477 = 0.9334313."""
    got = air.unregulated_demand_ratio(0.8, 0.7, 0.101325, 0.6)
    assert float(got) == pytest.approx(0.9334313, abs=1e-7)
