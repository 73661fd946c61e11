"""合同能源管理 in the national pack (issue 16, point 7): 财税〔2010〕110号.

- CN-EMC-USER-DEDUCTION (二（二）1): the user deducts its payments to the energy-service
  company as paid. Valued as t · P · [AF(r, S)/S − AF(r, N)/N]: P = 1,000,000 CNY paid over
  S = 5 years instead of depreciated over N = 10 years (machinery, 实施条例 第六十条), t = 25 %,
  r = 8 %: AF(8 %, 5) = 3.992710, /5 = 0.798542; AF(8 %, 10) = 6.710081, /10 = 0.671008;
  0.25 × 1,000,000 × 0.127534 = 31,883.47 CNY. S = 9: AF = 6.246888, /9 = 0.694099,
  0.25 × 1,000,000 × 0.023091 = 5,772.63; S = 10: 0; S = 11: negative, clipped at 0.
- CN-EMC-ESCO-EIT (二（一）, 三免三减半) and CN-EMC-VAT (一（二）; 财税〔2016〕36号 附件3 not
  found: confidence L) are the energy-service company's: listed with their conditions, never
  counted in the enterprise's incentives.
"""

from __future__ import annotations

import pandas as pd
import pytest

from retrofit import estimate
from retrofit.models.finance import contract_payment_deduction_value


def emc_row(**extra):
    row = {
        "plant_id": "P1",
        "asset_id": "M1",
        "category": "motor",
        "measure": "upgrade_motor",
        "rated_power_kw": 15,
        "poles": 4,
        "efficiency_class": "IE2",
        "target_class": "grade_2",
        "load_factor": 0.75,
        "operating_hours_h": 4000,
        # above the one-off deduction's 5,000,000 per unit, so that rule does not apply
        "investment_cny": 6_000_000,
        "electricity_price_cny_per_kwh": 0.7,
        "in_service_date": "2025-06-01",
        "emc_contract": "yes",
        "esco_qualified": "yes",
        "emc_payments_cny": 1_000_000,
        "emc_sharing_years": 5,
        "eit_payable_cny": 500_000,
        "eit_catalogue": "no",
    }
    row.update(extra)
    return row


def run(**extra):
    result = estimate(pd.DataFrame([emc_row(**extra)]), year=2026, policy="national")
    return result, result.incentives.set_index("rule_id")


@pytest.mark.parametrize(
    ("sharing_years", "expected"),
    [(5, 31_883.47), (9, 5_772.63), (10, 0.0), (11, 0.0)],
)
def test_model_value_of_deducting_payments_as_paid(sharing_years, expected):
    got = contract_payment_deduction_value(1_000_000, sharing_years, 0.25, 0.08, 10)
    assert float(got) == pytest.approx(expected, abs=0.01)


def test_model_value_is_zero_without_discounting():
    assert float(contract_payment_deduction_value(1_000_000, 5, 0.25, 0.0, 10)) == 0.0


def test_user_deduction_applies_and_is_a_timing_benefit():
    result, listing = run()
    got = listing.loc["CN-EMC-USER-DEDUCTION"]
    assert got["status"] == "applies"
    assert got["amount_cny"] == pytest.approx(31_883.47, abs=0.01)
    assert got["clause"] == "二（二）1"
    assert "110号" in got["document"]
    project = result.projects.iloc[0]
    # a timing benefit: kept out of incentives_cny (as CN-ONE-OFF-DEDUCTION), in the flows:
    # one year-1 flow of 31,883.47 × 1.08 discounted back at 8 % = 31,883.47
    assert project["incentives_cny"] == pytest.approx(0.0)
    assert project["incentives_pv_cny"] == pytest.approx(31_883.47, abs=0.01)


@pytest.mark.parametrize(
    ("blank", "needs"),
    [
        ("emc_contract", "emc_contract"),
        ("esco_qualified", "esco_qualified"),
        ("emc_payments_cny", "emc_payments_cny"),
        ("emc_sharing_years", "emc_sharing_years"),
    ],
)
def test_user_deduction_needs_what_the_tool_cannot_know(blank, needs):
    _, listing = run(**{blank: None})
    got = listing.loc["CN-EMC-USER-DEDUCTION"]
    assert got["status"] == "needs"
    assert got["needs"] == needs


def test_user_deduction_not_applicable_without_a_contract():
    _, listing = run(emc_contract="no")
    got = listing.loc["CN-EMC-USER-DEDUCTION"]
    assert got["status"] == "not applicable"
    assert "emc_contract=yes not met" in got["why"]


@pytest.mark.parametrize("rule_id", ["CN-EMC-ESCO-EIT", "CN-EMC-VAT"])
def test_the_escos_relief_is_listed_but_never_counted(rule_id):
    result, listing = run()
    got = listing.loc[rule_id]
    assert got["status"] == "applies"
    assert got["amount_cny"] == 0.0 and got["counted_cny"] == 0.0
    assert "not the enterprise's money" in got["why"]
    assert "不计入用能企业的补贴" in got["why"]
    assert result.projects.iloc[0]["incentives_needing_inputs_cny"] == pytest.approx(0.0)


def test_the_escos_relief_needing_inputs_adds_nothing():
    result, listing = run(esco_qualified=None)
    for rule_id in ("CN-EMC-ESCO-EIT", "CN-EMC-VAT"):
        got = listing.loc[rule_id]
        assert got["status"] == "needs" and got["needs"] == "esco_qualified"
        assert pd.isna(got["potential_cny"])
        assert "not the enterprise's money" in got["why"]
    # only the user's deduction would add: 31,883.47
    assert result.projects.iloc[0]["incentives_needing_inputs_cny"] == pytest.approx(
        31_883.47, abs=0.01
    )


def test_esco_income_tax_holiday_quotes_the_clause_at_h_and_vat_at_l():
    _, listing = run()
    eit = listing.loc["CN-EMC-ESCO-EIT"]
    assert eit["confidence"] == "H"
    assert eit["clause"].startswith("110号 二（一）")
    vat = listing.loc["CN-EMC-VAT"]
    assert vat["confidence"] == "L"
    assert "36号 附件3" in vat["clause"]
    assert vat["verify"]


def test_one_off_deduction_and_contract_deduction_never_both_count():
    # 5,000,000 per unit: the one-off deduction applies too (t·I·[1/(1+r) − AF(r,10)/10] =
    # 0.25 × 5,000,000 × (0.9259259 − 0.6710081) = 318,647.2), larger than the contract's
    # 31,883.47; one stacking group: the contract deduction is superseded
    _, listing = run(investment_cny=5_000_000)
    assert listing.loc["CN-ONE-OFF-DEDUCTION", "counted_cny"] == pytest.approx(318_647.2, abs=0.1)
    assert listing.loc["CN-EMC-USER-DEDUCTION", "status"] == "superseded"
    assert listing.loc["CN-EMC-USER-DEDUCTION", "counted_cny"] == 0.0
