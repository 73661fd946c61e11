"""Interest subsidies capped year by year at the loan's interest (issue 16, point 4), the
Shenyang pilot's sectors (办法 第五条, 第七条（三）2) and open-ended rule windows.

Every expected amount is worked by hand in the test: the central subsidy is 1.5 points of the
principal outstanding for 2 years, Shanghai's 355号 (七) half the interest for 3 years, and
their sum never exceeds the year's interest (the central one is allocated first)."""

import pandas as pd
import pytest

from retrofit import estimate
from retrofit.money.incentives import window_text


def loan_row(rate, **extra):
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
        "investment_cny": 30_000_000,
        "electricity_price_cny_per_kwh": 0.7,
        "in_service_date": "2025-06-01",
        "financing": "loan",
        "loan_principal_cny": 30_000_000,
        "loan_rate": rate,
        # the central subsidy's two conditions (issue 16, point 7) are met
        "renewal_project_list": "yes",
        "relending_loan": "yes",
    }
    row.update(extra)
    return row


def run(rows, policy, year=2026):
    result = estimate(pd.DataFrame(rows), year=year, policy=policy)
    return result, result.incentives.set_index(["project_id", "rule_id"])


# --- the case: 30,000,000 CNY at 2 %, interest only -------------------------------


def test_thirty_million_at_two_percent_is_capped_at_each_years_interest():
    # interest: 2 % × 30,000,000 = 600,000 a year (interest only: no loan_term_years)
    # uncapped: central 1.5 % × 30,000,000 = 450,000 in years 1-2 (900,000);
    #           Shanghai 50 % × 600,000 = 300,000 in years 1-3 (900,000)
    # capped:   year 1: 450,000 + 150,000 = 600,000; year 2: the same; year 3: 300,000
    result, listing = run([loan_row(0.02)], "shanghai-2024,national")
    central = listing.loc[("P1", "CN-LOAN-1.5PP")]
    shanghai = listing.loc[("P1", "SH-355-LOAN")]
    assert central["counted_before_interest_cap_cny"] == pytest.approx(900_000)
    assert shanghai["counted_before_interest_cap_cny"] == pytest.approx(900_000)
    assert central["counted_cny"] == pytest.approx(450_000 + 450_000)
    assert shanghai["counted_cny"] == pytest.approx(150_000 + 150_000 + 300_000)
    assert "cut to the loan's interest of each year: 600,000 of 900,000" in shanghai["why"]
    assert "cut to" not in central["why"]
    for row in (central, shanghai):
        assert "stacking of SH-355-LOAN and CN-LOAN-1.5PP is not stated" in row["why"]
    project = result.projects.iloc[0]
    assert project["incentives_cny"] == pytest.approx(1_500_000)
    assert project["incentives_before_interest_cap_cny"] == pytest.approx(1_800_000)
    # the yearly flows 600,000, 600,000, 300,000 (never above 600,000) discounted at 8 %
    pv = 600_000 / 1.08 + 600_000 / 1.08**2 + 300_000 / 1.08**3
    assert project["incentives_pv_cny"] == pytest.approx(pv, rel=1e-9)
    assert "incentives.interest.stacking_unknown" in [c.code for c in result.caveats]


@pytest.mark.parametrize(
    ("rate", "central", "shanghai"),
    [
        # below: 4 % → 1,200,000 interest; 450,000 + 600,000 = 1,050,000 fits; 3 × 600,000
        (0.04, 900_000.0, 1_800_000.0),
        # at: 3 % → 900,000 interest; 450,000 + 450,000 = 900,000 exactly; 3 × 450,000
        (0.03, 900_000.0, 1_350_000.0),
        # above: 2 % → 600,000 interest; Shanghai keeps 150,000 in years 1-2, 300,000 in year 3
        (0.02, 900_000.0, 600_000.0),
    ],
)
def test_interest_cap_below_at_and_above(rate, central, shanghai):
    _, listing = run([loan_row(rate)], "shanghai-2024,national")
    assert listing.loc[("P1", "CN-LOAN-1.5PP"), "counted_cny"] == pytest.approx(central)
    got = listing.loc[("P1", "SH-355-LOAN")]
    assert got["counted_cny"] == pytest.approx(shanghai)
    assert ("cut to the loan's interest" in got["why"]) == (rate < 0.03)


def test_interest_cap_follows_the_amortised_schedule():
    # 2 level payments at 2 %: payment = 30 M × 0.02 / (1 − 1.02⁻²) = 15,451,485.15
    # year 1: outstanding 30,000,000, interest 600,000, central 450,000, Shanghai 300,000
    # year 2: outstanding 30,600,000 − 15,451,485.15 = 15,148,514.85, interest 302,970.30,
    #         central 227,227.72, Shanghai 151,485.15; year 3: nothing is owed
    payment = 30_000_000 * 0.02 / (1 - 1.02**-2)
    owed_2 = 30_000_000 * 1.02 - payment
    interest_2 = 0.02 * owed_2
    assert interest_2 == pytest.approx(302_970.30, abs=0.01)
    _, listing = run([loan_row(0.02, loan_term_years=2)], "shanghai-2024,national")
    central = listing.loc[("P1", "CN-LOAN-1.5PP")]
    shanghai = listing.loc[("P1", "SH-355-LOAN")]
    assert central["counted_cny"] == pytest.approx(450_000 + 0.015 * owed_2)  # 677,227.72
    assert shanghai["counted_before_interest_cap_cny"] == pytest.approx(
        0.5 * (600_000 + interest_2)
    )  # 451,485.15
    # year 1: 600,000 − 450,000 = 150,000; year 2: 302,970.30 − 227,227.72 = 75,742.57
    assert shanghai["counted_cny"] == pytest.approx(150_000 + 75_742.57, abs=0.02)


def test_one_interest_subsidy_alone_has_no_stacking_note():
    _, listing = run([loan_row(0.02)], "national")
    got = listing.loc[("P1", "CN-LOAN-1.5PP")]
    assert got["counted_cny"] == pytest.approx(900_000)
    assert got["counted_before_interest_cap_cny"] == pytest.approx(900_000)
    assert "stacking" not in got["why"]


# --- Shenyang: sectors (办法 第五条, 第七条（三）2) --------------------------------------------


def shenyang_row(**extra):
    row = loan_row(0.02, investment_cny=40_000_000, in_service_date="2025-06-01")
    for name in ("financing", "loan_principal_cny", "loan_rate"):
        row.pop(name)
    row.update(extra)
    return row


def test_shenyang_point_project_in_a_pilot_sector_gets_central_funds():
    # 第六条（二）1: 15 % × 40,000,000 = 6,000,000 (cap 10,000,000)
    _, listing = run(
        [shenyang_row(shenyang_tier="point", shenyang_pilot_sector="yes")], "shenyang-2025"
    )
    got = listing.loc[("P1", "SY-PILOT-POINT")]
    assert got["status"] == "applies"
    assert got["amount_cny"] == pytest.approx(6_000_000)


def test_shenyang_point_project_of_another_sector_is_not_applicable_under_article_5():
    _, listing = run(
        [shenyang_row(shenyang_tier="point", shenyang_pilot_sector="no")], "shenyang-2025"
    )
    got = listing.loc[("P1", "SY-PILOT-POINT")]
    assert got["status"] == "not applicable"
    assert "shenyang_pilot_sector=yes not met (shenyang_pilot_sector = no)" in got["why"]
    assert got["clause"].startswith("第五条")
    # no 可参照 rule covers a 点 project of another sector (第七条（三）2 names 线/面 only)
    for rule_id in ("SY-LOCAL-LEADER", "SY-LOCAL-OTHER"):
        assert listing.loc[("P1", rule_id), "status"] == "not applicable"


@pytest.mark.parametrize(
    ("leader", "investment", "rule_id", "expected"),
    [
        ("yes", 50_000_000, "SY-LOCAL-LEADER", 10_000_000.0),  # 20 % × 50 M, cap 15 M
        ("yes", 100_000_000, "SY-LOCAL-LEADER", 15_000_000.0),  # 20 M capped at 15 M
        ("no", 20_000_000, "SY-LOCAL-OTHER", 4_000_000.0),  # 20 % × 20 M, cap 5 M
    ],
)
def test_shenyang_line_project_of_another_sector_is_kecanzhao(
    leader, investment, rule_id, expected
):
    row = shenyang_row(
        investment_cny=investment,
        shenyang_tier="line",
        chain_leader=leader,
        shenyang_pilot_sector="no",
    )
    _, undecided = run([row], "shenyang-2025")
    got = undecided.loc[("P1", rule_id)]
    # 可参照: counted only once the city recognises it as 示范作用强、牵引性强
    assert got["status"] == "needs" and got["needs"] == "shenyang_demonstration"
    assert got["potential_cny"] == pytest.approx(expected)
    assert got["clause"].startswith("第七条（三）2") and got["confidence"] == "M"
    assert "可参照" in got["name_zh"]
    _, recognised = run([{**row, "shenyang_demonstration": "yes"}], "shenyang-2025")
    got = recognised.loc[("P1", rule_id)]
    assert got["status"] == "applies"
    assert got["amount_cny"] == pytest.approx(expected)
    assert recognised.loc[("P1", "SY-PILOT-LEADER"), "status"] == "not applicable"


def test_shenyang_has_no_in_service_start_date():
    # the 办法 sets no in-service date: a project in service before its issue (2025-03-10)
    # still applies; after its expiry (第十八条, 2027-12-31) it does not
    row = shenyang_row(shenyang_tier="point", shenyang_pilot_sector="yes")
    _, before = run([{**row, "in_service_date": "2025-03-09"}], "shenyang-2025")
    assert before.loc[("P1", "SY-PILOT-POINT"), "status"] == "applies"
    _, after = run([{**row, "in_service_date": "2028-01-01"}], "shenyang-2025", year=2028)
    got = after.loc[("P1", "SY-PILOT-POINT")]
    assert got["status"] == "not applicable"
    assert got["why"] == (
        "date 2028-01-01 outside the rule's window until 2027-12-31 (no start date)"
    )


# --- the window text --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "text"),
    [
        ("2025-01-01", "2025-12-31", "2025-01-01 to 2025-12-31"),
        ("2025-03-10", None, "from 2025-03-10 (no end date)"),
        (None, "2027-12-31", "until 2027-12-31 (no start date)"),
        (None, None, "any date"),
    ],
)
def test_window_text_is_whole_for_open_ended_windows(start, end, text):
    def stamp(day):
        return None if day is None else pd.Timestamp(day)

    assert window_text(stamp(start), stamp(end)) == text
