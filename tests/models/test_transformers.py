"""retrofit.models.transformers against a published worked example and hand calculations."""

import numpy as np
import pandas as pd
import pytest

from retrofit.models import transformers


@pytest.fixture
def xiaomilidoc_s13_315():
    """Worked example "变压器损耗估算", xiaomilidoc.com/p-6309456.html (S13-315/10/0.4).

    S = 315 kVA, P0 = 0.48 kW, Pk = 3.65 kW, I0 = 0.3 %, Uk = 4.0 %, β = 0.77,
    K_Q = 0.1 kW/kvar, T = 8760 h. Printed: ΔP = 2.64 kW, ΔPz = 3.48 kW, annual 3.05万 kWh.
    """
    return {
        "S_kva": 315.0,
        "p0": 0.48,
        "pk": 3.65,
        "i0_pct": 0.3,
        "uk_pct": 4.0,
        "beta": 0.77,
        "kq": 0.1,
        "hours": 8760.0,
        "dp_printed": 2.64,
        "dpz_printed": 3.48,
    }


def test_active_loss_matches_worked_example(xiaomilidoc_s13_315):
    c = xiaomilidoc_s13_315
    # ΔP = 0.48 + 0.77² × 3.65 = 0.48 + 0.5929 × 3.65 = 0.48 + 2.164085 = 2.644085 kW
    dp = transformers.loss_power_kw(c["p0"], c["pk"], c["beta"])
    assert float(dp) == pytest.approx(2.644085, abs=1e-9)
    assert round(float(dp), 2) == c["dp_printed"]


def test_integrated_loss_matches_the_published_total(xiaomilidoc_s13_315):
    """The page's 3.48 kW is the GB/T 13462 integrated loss ΔPz = ΔP + K_Q·ΔQ.

    Q0 = 0.3 % × 315 = 0.945 kvar; Qk = 4.0 % × 315 = 12.6 kvar;
    ΔQ = 0.945 + 0.5929 × 12.6 = 8.41554 kvar; K_Q·ΔQ = 0.841554 kW;
    ΔPz = 2.644085 + 0.841554 = 3.485639 kW → printed 3.48 (the page truncates).
    """
    c = xiaomilidoc_s13_315
    q0 = transformers.reactive_power_kvar(c["i0_pct"], c["S_kva"])
    qk = transformers.reactive_power_kvar(c["uk_pct"], c["S_kva"])
    assert float(q0) == pytest.approx(0.945, abs=1e-12)
    assert float(qk) == pytest.approx(12.6, abs=1e-12)
    dpz = float(transformers.integrated_loss_power_kw(c["p0"], c["pk"], q0, qk, c["kq"], c["beta"]))
    assert dpz == pytest.approx(3.485639, abs=1e-9)
    assert dpz == pytest.approx(c["dpz_printed"], abs=0.01)
    # annual: 3.485639 × 8760 = 30534.2 kWh, printed 3.05万 kWh
    e = transformers.annual_integrated_loss_energy_kwh(
        c["p0"], c["pk"], q0, qk, c["kq"], c["beta"], 8760.0, 8760.0
    )
    assert float(e) == pytest.approx(30534.198, abs=1e-3)
    assert round(float(e) / 1e4, 2) == 3.05


def test_zero_reactive_equivalent_is_the_active_loss(xiaomilidoc_s13_315):
    c = xiaomilidoc_s13_315
    dpz = transformers.integrated_loss_power_kw(c["p0"], c["pk"], 0.945, 12.6, 0.0, c["beta"])
    assert float(dpz) == pytest.approx(2.644085, abs=1e-9)


def test_integrated_energy_splits_energised_and_load_hours():
    """P0' = 1 + 0.1 × 2 = 1.2 kW over 8760 h; Pk' = 10 + 0.1 × 40 = 14 kW × 0.25 over 4000 h:
    10512 + 14000 = 24512 kWh."""
    e = transformers.annual_integrated_loss_energy_kwh(1.0, 10.0, 2.0, 40.0, 0.1, 0.5, 4000, 8760)
    assert float(e) == pytest.approx(24512.0, abs=1e-9)


def test_annual_loss_energy_hand_calculation(xiaomilidoc_s13_315):
    c = xiaomilidoc_s13_315
    # 0.48 × 8760 = 4204.8; 3.65 × 0.5929 × 8760 = 18957.3846; sum 23162.1846 kWh
    # (the page's 3.05万 kWh includes the reactive term: 3.485639 × 8760 = 30534.2 kWh)
    e = transformers.annual_loss_energy_kwh(c["p0"], c["pk"], c["beta"], 8760.0, 8760.0)
    assert float(e) == pytest.approx(23162.1846, abs=1e-6)


def test_no_load_loss_runs_all_energised_hours():
    # P0 = 0.51 kW over 8760 h = 4467.6 kWh; Pk 4.96 kW × 0.5² × 4000 h = 4960 kWh
    e = transformers.annual_loss_energy_kwh(0.51, 4.96, 0.5, 4000.0, 8760.0)
    assert float(e) == pytest.approx(4467.6 + 4960.0, abs=1e-9)


def test_optimal_load_factor_hand_calculation(xiaomilidoc_s13_315):
    c = xiaomilidoc_s13_315
    # √(0.48 / 3.65) = √0.1315068… = 0.3626387…
    assert float(transformers.optimal_load_factor(c["p0"], c["pk"])) == pytest.approx(
        0.3626387, abs=1e-7
    )


def test_scalar_array_series_agree():
    p0, pk = [0.48, 0.51, 1.205], [3.65, 4.96, 7.315]
    beta, hours = [0.77, 0.5, 0.6], [8760.0, 4000.0, 6000.0]
    arrays = transformers.annual_loss_energy_kwh(
        np.array(p0), np.array(pk), np.array(beta), np.array(hours), 8760.0
    )
    scalars = [
        float(transformers.annual_loss_energy_kwh(a, b, c, d, 8760.0))
        for a, b, c, d in zip(p0, pk, beta, hours, strict=True)
    ]
    index = pd.Index(["T1", "T2", "T3"], name="asset_id")
    series = transformers.annual_loss_energy_kwh(
        pd.Series(p0, index),
        pd.Series(pk, index),
        pd.Series(beta, index),
        pd.Series(hours, index),
        8760.0,
    )
    np.testing.assert_allclose(arrays, scalars, rtol=1e-12)
    assert isinstance(series, pd.Series)
    assert series.index.equals(index)
    np.testing.assert_allclose(series.to_numpy(), arrays, rtol=1e-12)
    opt = transformers.optimal_load_factor(pd.Series(p0, index), pd.Series(pk, index))
    assert opt.index.equals(index)
