"""National pack additions (issue 16, point 7): the 2024–2027 digital/intelligent-retrofit income
tax credit, the 1-point central loan subsidy before the July 2024 increase and the two conditions
of the 1.5-point subsidy. Amounts are rate × base worked out by hand in each case."""

import pandas as pd
import pytest

from retrofit import estimate

#: whole policy runs of the national pack: `make test` runs them, `make test-fast` leaves them out
pytestmark = pytest.mark.slow


def motor_row(**extra):
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
        "investment_cny": 1_000_000,
        "electricity_price_cny_per_kwh": 0.7,
        "in_service_date": "2025-06-01",
    }
    row.update(extra)
    return row


def listing(rows, year=2026):
    result = estimate(pd.DataFrame(rows), year=year, policy="national")
    return result.incentives.set_index(["project_id", "rule_id"])


def rule(table, rule_id, project="P1"):
    return table.loc[(project, rule_id)]


# --- digital/intelligent retrofit credit (2024-01-01 to 2027-12-31) -------------------------

DIGITAL = {"digital_retrofit": "yes", "eit_catalogue": "yes", "eit_payable_cny": 1_000_000}


def test_digital_retrofit_earns_ten_percent_and_not_the_purchase_credit():
    # 10 % × 1,000,000 = 100,000, absorbed by 1,000,000 of tax payable in the first year
    table = listing([motor_row(**DIGITAL)])
    digital = rule(table, "CN-EIT-DIGITAL-CREDIT")
    assert digital["status"] == "applies"
    assert digital["amount_cny"] == pytest.approx(100_000)
    assert rule(table, "CN-EIT-CREDIT")["status"] == "not applicable"


def test_a_purchase_row_keeps_the_purchase_credit_only():
    # digital_retrofit blank counts as no: CN-EIT-CREDIT 10 % × 1,000,000 = 100,000
    row = motor_row(eit_catalogue="yes", eit_payable_cny=1_000_000)
    table = listing([row])
    assert rule(table, "CN-EIT-CREDIT")["amount_cny"] == pytest.approx(100_000)
    assert rule(table, "CN-EIT-DIGITAL-CREDIT")["status"] == "not applicable"


@pytest.mark.parametrize(
    ("in_service", "amount"),
    [
        ("2023-12-31", None),  # the day before the window
        ("2024-01-01", 100_000.0),  # its first day
        ("2027-12-31", 100_000.0),  # its last day
        ("2028-01-01", None),  # the day after
    ],
)
def test_digital_credit_window(in_service, amount):
    got = rule(listing([motor_row(in_service_date=in_service, **DIGITAL)]), "CN-EIT-DIGITAL-CREDIT")
    if amount is None:
        assert got["status"] == "not applicable"
    else:
        assert got["status"] == "applies" and got["amount_cny"] == pytest.approx(amount)


@pytest.mark.parametrize(
    ("payable", "amount"),
    [
        (0, None),  # no tax payable: eit_payable_cny>0 fails
        (10_000, 60_000.0),  # 10,000 a year over the year and 5 carry-forward years
        (100_000, 100_000.0),  # the whole 100,000 in the first year
    ],
)
def test_digital_credit_is_limited_by_the_tax_payable(payable, amount):
    row = motor_row(**{**DIGITAL, "eit_payable_cny": payable})
    got = rule(listing([row]), "CN-EIT-DIGITAL-CREDIT")
    if amount is None:
        assert got["status"] == "not applicable"
    else:
        assert got["amount_cny"] == pytest.approx(amount)


# --- central loan-interest subsidy: 1 point before 2024-07-01, 1.5 points from then ----------

LOAN = {
    "financing": "loan",
    "loan_principal_cny": 10_000_000,
    "loan_rate": 0.04,  # 400,000 of interest a year: above either subsidy, no cap
    "renewal_project_list": "yes",
    "relending_loan": "yes",
}


@pytest.mark.parametrize(
    ("in_service", "one_point", "one_and_half"),
    [
        ("2024-04-06", None, None),  # before the relending (and the 1-point window) began
        ("2024-04-07", 200_000.0, None),  # 1 % × 10 M × 2 years
        ("2024-06-30", 200_000.0, None),  # the last day before the increase
        ("2024-07-01", None, 300_000.0),  # 1.5 % × 10 M × 2 years
    ],
)
def test_one_point_before_the_increase_and_one_and_a_half_after(
    in_service, one_point, one_and_half
):
    table = listing([motor_row(in_service_date=in_service, **LOAN)])
    for rule_id, amount in (("CN-LOAN-1PP", one_point), ("CN-LOAN-1.5PP", one_and_half)):
        got = rule(table, rule_id)
        if amount is None:
            assert got["status"] == "not applicable", rule_id
        else:
            assert got["status"] == "applies", rule_id
            assert got["amount_cny"] == pytest.approx(amount), rule_id


def test_the_two_conditions_of_the_central_subsidy_are_needs_when_blank():
    row = motor_row(**{**LOAN, "renewal_project_list": None, "relending_loan": None})
    got = rule(listing([row]), "CN-LOAN-1.5PP")
    assert got["status"] == "needs"
    assert got["needs"] == "renewal_project_list, relending_loan"
    assert got["potential_cny"] == pytest.approx(300_000)  # 1.5 % × 10 M × 2 years
    one = motor_row(**{**LOAN, "relending_loan": None})
    assert rule(listing([one]), "CN-LOAN-1.5PP")["needs"] == "relending_loan"


@pytest.mark.parametrize("field", ["renewal_project_list", "relending_loan"])
def test_either_condition_false_makes_the_subsidy_not_applicable(field):
    got = rule(listing([motor_row(**{**LOAN, field: "no"})]), "CN-LOAN-1.5PP")
    assert got["status"] == "not applicable"
    assert got["amount_cny"] == 0 or pd.isna(got["amount_cny"])
