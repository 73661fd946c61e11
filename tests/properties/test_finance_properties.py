"""Property tests for the money: discounting, IRR, loans, incentives."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from retrofit import estimate
from retrofit.models import finance as fm

money = st.floats(1.0, 1e8)
rates = st.floats(0.0, 0.5)
lives = st.integers(1, 40)


@given(money, money, rates, rates, lives)
def test_npv_falls_as_the_discount_rate_rises(invest, saving, r1, r2, n):
    low, high = sorted((r1, r2))
    assert (
        fm.npv_uniform(invest, saving, low, n)
        >= fm.npv_uniform(invest, saving, high, n) - 1e-9 * saving * n
    )


@given(money, st.floats(0.01, 1.0), lives)
def test_npv_is_zero_at_the_irr(invest, saving_share, n):
    saving = invest * saving_share  # IRR between −99 % and +100 %: inside the bracket
    irr = fm.irr_uniform(invest, saving, n)
    if np.isfinite(irr):
        assert abs(fm.npv_uniform(invest, saving, irr, n)) <= 1e-6 * invest
        flows = np.array([[-invest] + [saving] * n])
        assert abs(fm.irr_flows(flows)[0] - irr) < 1e-9


@given(money, st.floats(0.0, 0.3), st.integers(1, 30))
def test_level_payment_loan_repays_its_principal(principal, rate, term):
    interest, outstanding = fm.loan_schedule(principal, rate, term, term + 2)
    repaid = outstanding[0, 0] - outstanding[0, term]
    assert abs(repaid - principal) <= 1e-6 * principal
    assert np.all(np.diff(outstanding[0]) <= 1e-6 * principal)  # the balance never grows
    assert np.all(interest >= 0)


@given(money, st.floats(1.0, 1e7), rates, lives, st.floats(0.1, 10.0))
def test_cost_of_saved_energy_scales_inversely_with_the_saving(invest, kwh, r, n, k):
    base = fm.levelised_cost(invest, kwh, r, n)
    assert np.isclose(fm.levelised_cost(invest, kwh * k, r, n), base / k, rtol=1e-9)
    assert base >= 0


@given(money, money, st.floats(0.0, 0.3))
@example(1.0, 1.0, 1e-12)  # log(1 − 1e-12) lost precision before log1p
def test_discounted_payback_is_never_shorter_than_simple_payback(invest, saving, r):
    assert fm.discounted_payback_years(invest, saving, r) >= invest / saving * (1 - 1e-12)


@pytest.mark.slow
@settings(max_examples=25, deadline=None)
@given(st.floats(1e4, 5e8), st.booleans(), st.booleans(), st.floats(0.01, 0.2))
def test_a_subsidy_never_raises_the_payback(invest, centre, major, rate):
    row = {
        "plant_id": "P",
        "asset_id": "A",
        "category": "motor",
        "measure": "upgrade_motor",
        "rated_power_kw": 55,
        "poles": 4,
        "efficiency_class": "IE2",
        "load_factor": 0.75,
        "operating_hours_h": 6000,
        "investment_cny": invest,
        "electricity_price_cny_per_kwh": 0.7,
        "energy_management_centre": "yes" if centre else "no",
        # the centre rule's base is the centre's own investment: part of the project's
        "energy_centre_investment_cny": invest / 4 if centre else None,
        "particularly_major": "yes" if major else "no",
    }
    result = estimate(
        pd.DataFrame([row]), year=2026, policy="shanghai-2024,national", discount_rate=rate
    )
    project = result.projects.iloc[0]
    assert project["payback_after_incentives_years"] <= project["payback_years"]
    assert project["npv_after_incentives_cny"] >= project["npv_cny"]
    assert project["incentives_cny"] >= 0
    if centre:
        assert project["incentives_cny"] > 0
