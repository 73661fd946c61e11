"""Finance formulas against hand calculations and spreadsheet values written out here."""

import math

import numpy as np
import pytest

from retrofit.models import finance as fm


def test_npv_uniform_spreadsheet_value():
    # =NPV(10%, 300, 300, 300, 300, 300) - 1000 = 137.236...
    # annuity factor (1 - 1.1^-5) / 0.1 = 3.7907868; 300 × 3.7907868 − 1000 = 137.23603
    assert fm.npv_uniform(1000, 300, 0.10, 5) == pytest.approx(137.23603, abs=1e-4)


def test_irr_uniform_spreadsheet_value():
    # =IRR({-1000, 300, 300, 300, 300, 300}) = 15.2382 %
    assert fm.irr_uniform(1000, 300, 5) == pytest.approx(0.152382, abs=1e-6)


def test_irr_flows_two_year_quadratic():
    # −100, 60, 60: with x = 1/(1+r), 60x² + 60x − 100 = 0 → x = (−60 + √27600)/120
    x = (-60 + math.sqrt(60**2 + 4 * 60 * 100)) / 120
    assert fm.irr_flows([[-100, 60, 60]])[0] == pytest.approx(1 / x - 1, abs=1e-9)
    assert 1 / x - 1 == pytest.approx(0.130662, abs=1e-6)


def test_irr_flows_equals_uniform_and_is_nan_when_not_conventional():
    flows = np.array(
        [[-1000, 300, 300, 300, 300, 300], [100, -50, -60, 0, 0, 0], [-100, 60, -60, 60, 0, 0]]
    )
    irr = fm.irr_flows(flows)
    assert irr[0] == pytest.approx(fm.irr_uniform(1000, 300, 5), abs=1e-9)
    assert np.isnan(irr[1]) and np.isnan(irr[2])


def test_capital_recovery_factor_table_value():
    # annuity tables: A/P at 8 %, 10 years = 0.14903
    assert fm.capital_recovery_factor(0.08, 10) == pytest.approx(0.1490295, abs=1e-7)
    assert fm.capital_recovery_factor(0.0, 10) == pytest.approx(0.1)


def test_cost_of_saved_energy_hand_value():
    # 10,000 CNY × 0.1490295 / 5,000 kWh = 0.298059 CNY/kWh (Meier 1982 definition)
    assert fm.levelised_cost(10_000, 5_000, 0.08, 10) == pytest.approx(0.298059, abs=1e-6)
    assert np.isnan(fm.levelised_cost(10_000, 0, 0.08, 10))
    assert np.isnan(fm.levelised_cost(10_000, -5, 0.08, 10))


def test_discounted_payback_hand_value():
    # −ln(1 − 0.1 × 1000/300) / ln 1.1 = 0.4054651 / 0.0953102 = 4.254164 years
    assert fm.discounted_payback_years(1000, 300, 0.10) == pytest.approx(4.254164, abs=1e-6)
    assert fm.discounted_payback_years(1000, 300, 0.0) == pytest.approx(1000 / 300)
    assert np.isinf(fm.discounted_payback_years(1000, 90, 0.10))  # 0.1 × 1000 ≥ 90: never
    assert np.isnan(fm.discounted_payback_years(1000, 0, 0.10))


def test_loan_schedule_level_payment_hand_values():
    # P = 1,000,000 at 5 % over 5 years: payment = P × 0.05 / (1 − 1.05^−5) = 230,974.80
    # year 1 interest 50,000; balance 1,050,000 − 230,974.80 = 819,025.20 → 40,951.26;
    # balance 819,025.20 × 1.05 − 230,974.80 = 629,001.66 → 31,450.08
    interest, outstanding = fm.loan_schedule(1_000_000, 0.05, 5, 6)
    assert interest[0, :3] == pytest.approx([50_000, 40_951.26, 31_450.08], abs=0.01)
    assert outstanding[0, 1] == pytest.approx(819_025.20, abs=0.01)
    assert interest[0, 5] == 0.0  # repaid after 5 years
    only, _ = fm.loan_schedule(1_000_000, 0.05, np.nan, 3)
    assert only[0] == pytest.approx([50_000] * 3)


def test_one_off_deduction_hand_value():
    # 25 % × 1,000,000 × (1/1.08 − AF(8 %, 10)/10) = 250,000 × (0.9259259 − 0.6710081)
    assert fm.one_off_deduction_value(1_000_000, 0.25, 0.08, 10) == pytest.approx(
        250_000 * (1 / 1.08 - 6.7100814 / 10), rel=1e-7
    )
    assert fm.one_off_deduction_value(1_000_000, 0.25, 0.0, 10) == pytest.approx(0.0)


def test_scalar_array_equivalence():
    invest = np.array([1000.0, 2000.0])
    saving = np.array([300.0, 500.0])
    both = fm.npv_uniform(invest, saving, 0.1, np.array([5, 8]))
    assert both[0] == pytest.approx(fm.npv_uniform(1000, 300, 0.1, 5))
    assert both[1] == pytest.approx(fm.npv_uniform(2000, 500, 0.1, 8))
