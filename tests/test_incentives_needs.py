"""Rules that need inputs (issue 16): their amounts are never a sum of alternatives, interest
potentials take the year-by-year interest cap, and 355号's 优先 note is shown with them.

Every expected amount is worked by hand in the test. The loan is the issue's case: 30,000,000
CNY at 2 %, interest only, so 600,000 CNY of interest a year; the central subsidy
(CN-LOAN-1.5PP) is 1.5 points of the principal for 2 years (450,000 a year), Shanghai's
355号（七）(SH-355-LOAN) half the interest for 3 years."""

import json

import pandas as pd
import pytest

from retrofit import estimate
from retrofit.report.html import render_html
from retrofit.report.terminal import render_incentives


def loan_row(rate=0.02, **extra):
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
        "renewal_project_list": "yes",
        # the other Shanghai and national rules are decided (not applicable), so only the
        # rules a test leaves blank need inputs
        "particularly_major": "no",
        "energy_management_centre": "no",
        "sanshou": "no",
        "innovation_catalogue": "no",
        "eit_catalogue": "no",
    }
    row.update(extra)
    return row


def run(rows, policy, year=2026):
    result = estimate(pd.DataFrame(rows), year=year, policy=policy)
    return result, result.incentives.set_index(["project_id", "rule_id"])


def needs_total(result):
    return float(result.plants["incentives_needing_inputs_cny"].iloc[0])


# --- point 4: interest potentials capped year by year -------------------------------------


@pytest.mark.parametrize(
    ("rate", "potential"),
    [
        # below the cap: 4 % → 1,200,000 interest; Shanghai counts 600,000 a year; 600,000
        # left ≥ 450,000: the central potential stays 2 × 450,000
        (0.04, 900_000.0),
        # at: 3 % → 900,000; Shanghai 450,000; 450,000 left = 450,000: 900,000, not cut
        (0.03, 900_000.0),
        # above: 2 % → 600,000; Shanghai 300,000; 300,000 left a year: 2 × 300,000
        (0.02, 600_000.0),
    ],
)
def test_central_potential_is_capped_at_the_interest_left_each_year(rate, potential):
    # relending_loan blank: CN-LOAN-1.5PP needs it, SH-355-LOAN counts
    result, listing = run([loan_row(rate)], "shanghai-2024,national")
    central = listing.loc[("P1", "CN-LOAN-1.5PP")]
    assert central["status"] == "needs" and central["needs"] == "relending_loan"
    assert central["potential_cny"] == pytest.approx(potential)
    assert ("potential cut to the loan's interest left each year" in central["why"]) == (
        rate < 0.03
    )
    assert needs_total(result) == pytest.approx(potential)


def test_two_interest_potentials_are_capped_together():
    # financing blank: both loan subsidies need it. Alone each fits within 600,000 a year
    # (central 450,000 × 2 = 900,000; Shanghai 300,000 × 3 = 900,000), together the central
    # one comes first: years 1-2 450,000 + 150,000, year 3 300,000 = 1,500,000, not 1,800,000
    row = loan_row(relending_loan="yes")
    row.pop("financing")
    result, listing = run([row], "shanghai-2024,national")
    assert listing.loc[("P1", "CN-LOAN-1.5PP"), "potential_cny"] == pytest.approx(900_000)
    assert listing.loc[("P1", "SH-355-LOAN"), "potential_cny"] == pytest.approx(900_000)
    assert needs_total(result) == pytest.approx(1_500_000)
    # no year above its interest: 1,500,000 ≤ 600,000 × 3 and year 3 has only Shanghai's
    assert needs_total(result) <= 3 * 600_000


# --- point 3: alternatives in a 就高不重复 group are not summed ----------------------------


def shenyang_row(investment, **extra):
    row = loan_row(investment_cny=investment, shenyang_tier="line", shenyang_pilot_sector="no")
    for name in ("financing", "loan_principal_cny", "loan_rate"):
        row.pop(name)
    row.update(shenyang_demonstration="yes", **extra)
    return row


@pytest.mark.parametrize(
    ("investment", "leader", "other", "expected"),
    [
        # 40 M: leader 20 % = 8,000,000 (cap 15 M), other 20 % capped at 5,000,000; the sum
        # 13,000,000 is two alternatives: the larger, 8,000,000, is what the inputs could add
        (40_000_000, 8_000_000.0, 5_000_000.0, 8_000_000.0),
        # 25 M: 5,000,000 each (the other's cap exactly): 5,000,000, not 10,000,000
        (25_000_000, 5_000_000.0, 5_000_000.0, 5_000_000.0),
        # 20 M: 4,000,000 each, below the other's cap: 4,000,000
        (20_000_000, 4_000_000.0, 4_000_000.0, 4_000_000.0),
    ],
)
def test_shenyang_leader_and_other_potentials_count_once(investment, leader, other, expected):
    # chain_leader blank: SY-LOCAL-LEADER (chain_leader=yes) and SY-LOCAL-OTHER (=no) both
    # need it; they share the stacking group SY-pilot (就高不重复, 第五条)
    result, listing = run([shenyang_row(investment)], "shenyang-2025")
    assert listing.loc[("P1", "SY-LOCAL-LEADER"), "potential_cny"] == pytest.approx(leader)
    assert listing.loc[("P1", "SY-LOCAL-OTHER"), "potential_cny"] == pytest.approx(other)
    assert needs_total(result) == pytest.approx(expected)


def test_a_needing_alternative_adds_only_what_it_exceeds_the_counted_award_by():
    # SH-355-LOAN counts 900,000 (300,000 × 3); SH-355-SANSHOU needs sanshou and would give
    # 30 % × 30,000,000 = 9,000,000 in the same group (SH-municipal, 就高不重复): once known
    # it replaces the loan subsidy, so it adds 9,000,000 − 900,000 = 8,100,000
    row = loan_row(relending_loan="yes")
    row.pop("sanshou")
    result, listing = run([row], "shanghai-2024")
    assert listing.loc[("P1", "SH-355-LOAN"), "counted_cny"] == pytest.approx(900_000)
    assert listing.loc[("P1", "SH-355-SANSHOU"), "potential_cny"] == pytest.approx(9_000_000)
    assert needs_total(result) == pytest.approx(8_100_000)


def test_a_smaller_needing_alternative_adds_nothing():
    # SH-355-LOAN counts 900,000; SH-355-MAJOR needs particularly_major and would give
    # 10 % × 300,000 = 30,000 in the same group: below the counted award, it adds 0
    row = loan_row(investment_cny=300_000, relending_loan="yes")
    row.pop("particularly_major")
    result, listing = run([row], "shanghai-2024")
    assert listing.loc[("P1", "SH-355-LOAN"), "counted_cny"] == pytest.approx(900_000)
    assert listing.loc[("P1", "SH-355-MAJOR"), "status"] == "needs"
    assert needs_total(result) == pytest.approx(0.0)


# --- point 5: 355号 优先 shown for rules that need inputs ---------------------------------


@pytest.mark.parametrize(
    ("investment", "text"),
    [
        (19_999_999, "not prioritised — check the application guide"),
        (
            20_000_000,
            "prioritised: project investment ≥ 20,000,000 CNY / 优先支持：项目投资≥2,000万元",
        ),
        (
            20_000_001,
            "prioritised: project investment ≥ 20,000,000 CNY / 优先支持：项目投资≥2,000万元",
        ),
    ],
)
def test_priority_note_is_listed_for_a_rule_needing_inputs(investment, text):
    row = loan_row(investment_cny=investment)
    row.pop("financing")  # SH-355-LOAN needs financing
    result, listing = run([row], "shanghai-2024")
    got = listing.loc[("P1", "SH-355-LOAN")]
    assert got["status"] == "needs"
    assert got["priority"].startswith(text)
    assert ("not prioritised" in got["priority"]) == (investment < 20_000_000)
    # wherever the rule is listed: terminal, HTML and JSON, each face in its own language
    english = text.split(" / ")[0]
    chinese = "优先支持：项目投资≥2,000万元" if investment >= 20_000_000 else "未达优先支持投资额"
    assert english in render_incentives(result)
    assert english in render_html(result, figures=False)
    assert chinese in render_incentives(result, lang="zh")
    assert chinese in render_html(result, figures=False, lang="zh")
    assert english not in render_html(result, figures=False, lang="zh")
    rules = json.loads(result.to_json())["incentives"]
    shown = [r for r in rules if r["rule_id"] == "SH-355-LOAN"]
    assert shown and shown[0]["priority"].startswith(text)


def test_priority_column_is_blank_for_rules_without_a_priority_threshold():
    _, listing = run([loan_row(relending_loan="yes")], "shanghai-2024,national")
    assert listing.loc[("P1", "CN-LOAN-1.5PP"), "priority"] == ""
    assert listing.loc[("P1", "SH-355-LOAN"), "priority"].startswith("prioritised")
