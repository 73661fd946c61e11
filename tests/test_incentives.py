"""Subsidy and tax rules: each at, below and above its cap, 就高不重复, date windows and
missing eligibility. Expected amounts are the rule's rate × base worked out by hand."""

import numpy as np
import pandas as pd
import pytest

from retrofit import estimate
from retrofit.core.exceptions import InventoryError


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
        "investment_cny": 10_000,
        "electricity_price_cny_per_kwh": 0.7,
    }
    row.update(extra)
    return row


def run(rows, policy, year=2026, **options):
    result = estimate(pd.DataFrame(rows), year=year, policy=policy, eligibility=options or None)
    return result, result.incentives.set_index(["project_id", "rule_id"])


def rule(listing, rule_id, project="P1"):
    return listing.loc[(project, rule_id)]


# --- Shanghai 355号 -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("principal", "expected"),
    [
        (20_000_000, 0.5 * 3 * 20_000_000 * 0.04),  # 1.2 M: below the cap
        (1e9 / 3, 20_000_000.0),  # 0.5 × 3 × 0.04 × P = 20 M: at the cap
        (400_000_000, 20_000_000.0),  # 24 M before the cap: capped at 20 M
    ],
)
def test_sh355_loan_interest_subsidy_cap(principal, expected):
    # interest only (no term): 3 years × principal × 4 %, half of it, capped at 20 M cumulative
    _, listing = run(
        [
            motor_row(
                investment_cny=30_000_000,
                financing="loan",
                loan_principal_cny=principal,
                loan_rate=0.04,
            )
        ],
        "shanghai-2024",
    )
    got = rule(listing, "SH-355-LOAN")
    assert got["status"] == "applies"
    assert got["amount_cny"] == pytest.approx(expected, rel=1e-9)
    assert got["confidence"] == "H" and got["verify"] == ""


def test_sh355_loan_with_level_payments_uses_the_schedule():
    # 1,000,000 at 5 % over 5 years: interest 50,000 + 40,951.26 + 31,450.08 → half = 61,200.67
    _, listing = run(
        [
            motor_row(
                investment_cny=20_000_000,
                financing="loan",
                loan_principal_cny=1_000_000,
                loan_rate=0.05,
                loan_term_years=5,
            )
        ],
        "shanghai-2024",
    )
    assert rule(listing, "SH-355-LOAN")["amount_cny"] == pytest.approx(61_200.67, abs=0.01)


@pytest.mark.parametrize(
    ("investment", "prioritised"),
    [(19_999_999, False), (20_000_000, True), (20_000_001, True)],
)
def test_sh355_2000wan_is_a_priority_not_a_condition_of_the_loan_subsidy(investment, prioritised):
    # 355号（七）"对投资2000万元以上……优先给予贷款贴息": below it the subsidy still applies,
    # 0.5 × 3 years × 1,000,000 × 4 % = 60,000 CNY at every investment
    _, listing = run(
        [
            motor_row(
                investment_cny=investment,
                financing="loan",
                loan_principal_cny=1_000_000,
                loan_rate=0.04,
            )
        ],
        "shanghai-2024",
    )
    got = rule(listing, "SH-355-LOAN")
    assert got["status"] == "applies"
    assert got["amount_cny"] == pytest.approx(60_000.0)
    assert got["counted_cny"] == pytest.approx(60_000.0)
    if prioritised:
        assert "prioritised: project investment ≥ 20,000,000 CNY" in got["why"]
        assert "not prioritised" not in got["why"]
    else:
        assert "not prioritised — check the application guide" in got["why"]
        assert "19,999,999" in got["why"] and "请查阅申报指南" in got["why"]


@pytest.mark.parametrize(
    ("investment", "prioritised"),
    [(19_999_999, False), (20_000_000, True), (20_000_001, True)],
)
def test_sh355_2000wan_is_a_priority_not_a_condition_of_the_lease_subsidy(investment, prioritised):
    # 5 % × 3,000,000 CNY of leased equipment = 150,000 CNY, whatever the project's size
    _, listing = run(
        [motor_row(investment_cny=investment, financing="lease", lease_equipment_cny=3_000_000)],
        "shanghai-2024",
    )
    got = rule(listing, "SH-355-LEASE")
    assert got["status"] == "applies"
    assert got["amount_cny"] == pytest.approx(150_000.0)
    assert ("not prioritised" in got["why"]) is not prioritised


def test_sh355_priority_with_unknown_investment_still_applies():
    # the loan subsidy's base is interest, not investment: 0.5 × 3 × 2,000,000 × 5 % = 150,000
    row = motor_row(financing="loan", loan_principal_cny=2_000_000, loan_rate=0.05)
    row["investment_cny"] = None
    _, listing = run([row], "shanghai-2024")
    got = rule(listing, "SH-355-LOAN")
    assert got["status"] == "applies"
    assert got["amount_cny"] == pytest.approx(150_000.0)
    assert "priority unknown: give investment_cny" in got["why"]


@pytest.mark.parametrize(
    ("investment", "expected"),
    [
        (19_999_999, 1_999_999.9),  # 10 % below 2000万: no minimum in clause (七)
        (20_000_000, 2_000_000.0),
        (20_000_001, 2_000_000.1),
        (500_000_000, 50_000_000.0),
        (1_000_000_000, 100_000_000.0),  # at the 1亿 cap
        (1_200_000_000, 100_000_000.0),
    ],
)
def test_sh355_particularly_major_has_no_investment_minimum_and_a_1yi_cap(investment, expected):
    _, listing = run(
        [motor_row(investment_cny=investment, particularly_major="yes")], "shanghai-2024"
    )
    got = rule(listing, "SH-355-MAJOR")
    assert got["status"] == "applies"
    assert got["amount_cny"] == pytest.approx(expected)


@pytest.mark.parametrize(
    ("centre", "expected"),
    [
        (1_000_000, 200_000.0),  # 20 % of the centre's own 1,000,000
        (49_999_995, 9_999_999.0),  # just below the 1000万 cap
        (50_000_000, 10_000_000.0),  # at the cap
        (50_000_005, 10_000_000.0),  # above: capped
    ],
)
def test_sh355_energy_centre_base_is_the_centre_own_investment(centre, expected):
    # clause (十三): 20 % of the (centre) project's approved investment, at most 10 M, no 2000万
    # threshold; the whole project (80 M) is not the base
    _, listing = run(
        [
            motor_row(
                investment_cny=80_000_000,
                energy_management_centre="是",
                energy_centre_investment_cny=centre,
            )
        ],
        "shanghai-2024",
    )
    got = rule(listing, "SH-355-EMC-CENTRE")
    assert got["status"] == "applies"
    assert got["amount_cny"] == pytest.approx(expected)


def test_sh355_energy_centre_investment_in_wan_under_a_chinese_header():
    # 能源管理中心投资额（万元）= 150 → 1,500,000 CNY → 20 % = 300,000 CNY
    rows = pd.DataFrame([motor_row(investment_cny=5_000_000, energy_management_centre="是")])
    rows["能源管理中心投资额（万元）"] = 150
    result = estimate(rows, year=2026, policy="shanghai-2024")
    got = result.incentives.set_index("rule_id").loc["SH-355-EMC-CENTRE"]
    assert got["status"] == "applies"
    assert got["amount_cny"] == pytest.approx(300_000.0)


@pytest.mark.parametrize(
    ("investment", "potential"),
    [(1_000_000, 200_000.0), (80_000_000, 10_000_000.0)],
)
def test_sh355_energy_centre_without_its_investment_needs_it(investment, potential):
    # blank centre investment: needs it; the potential takes the project's investment as the
    # upper bound of the centre's (20 % of it, capped at 10 M)
    _, listing = run(
        [motor_row(investment_cny=investment, energy_management_centre="yes")], "shanghai-2024"
    )
    got = rule(listing, "SH-355-EMC-CENTRE")
    assert got["status"] == "needs"
    assert got["needs"] == "energy_centre_investment_cny"
    assert got["amount_cny"] == 0
    assert got["potential_cny"] == pytest.approx(potential)


def test_sh355_highest_award_wins_and_others_are_superseded():
    # loan subsidy 0.5 × 3 × 40 M × 4 % = 2.4 M; major 10 % × 50 M = 5 M;
    # energy management centre 20 % × its own 50 M = 10 M (its cap): the highest, 10 M, counts
    result, listing = run(
        [
            motor_row(
                investment_cny=50_000_000,
                financing="loan",
                loan_principal_cny=40_000_000,
                loan_rate=0.04,
                particularly_major="yes",
                energy_management_centre="yes",
                energy_centre_investment_cny=50_000_000,
            )
        ],
        "shanghai-2024",
    )
    assert rule(listing, "SH-355-EMC-CENTRE")["counted_cny"] == pytest.approx(10_000_000)
    for loser, amount in (("SH-355-LOAN", 2_400_000), ("SH-355-MAJOR", 5_000_000)):
        got = rule(listing, loser)
        assert got["status"] == "superseded" and got["counted_cny"] == 0
        assert got["amount_cny"] == pytest.approx(amount)
        assert "就高不重复" in got["why"]
    assert result.projects.loc[0, "incentives_cny"] == pytest.approx(10_000_000)


# --- Shanghai 2025 per-kW support ----------------------------------------------------------


@pytest.mark.parametrize(
    ("date", "status"),
    [
        ("2024-12-31", "not applicable"),
        ("2025-01-01", "applies"),
        ("2025-12-31", "applies"),
        ("2026-01-01", "not applicable"),
    ],
)
def test_sh2025_date_window(date, status):
    _, listing = run([motor_row(in_service_date=date)], "shanghai-2025")
    got = rule(listing, "SH-EQ25-GENERAL-MOTOR-G2")
    assert got["status"] == status
    if status == "applies":
        assert got["amount_cny"] == pytest.approx(60 * 15)  # 60 CNY/kW × 15 kW
    else:
        assert "outside the rule's window 2025-01-01 to 2025-12-31" in got["why"]


@pytest.mark.parametrize(
    ("investment", "expected"),
    [
        (10_000, 900.0),  # 60 × 15 = 900 < 15 % × 10,000 = 1,500
        (6_000, 900.0),  # at the cap: 15 % × 6,000 = 900
        (5_000, 750.0),  # capped at 15 % of the investment
    ],
)
def test_sh2025_share_of_investment_cap(investment, expected):
    _, listing = run(
        [motor_row(investment_cny=investment, in_service_date="2025-06-30")], "shanghai-2025"
    )
    assert rule(listing, "SH-EQ25-GENERAL-MOTOR-G2")["amount_cny"] == pytest.approx(expected)


def test_sh2025_grade_one_rate_and_size_band():
    # grade 1 (IE5): 120 CNY/kW, cap 20 %; a 30 kW general motor is outside the ≤ 22 kW band
    rows = [
        motor_row(target_class="grade_1", in_service_date="2025-03-01"),
        motor_row(
            asset_id="M2",
            rated_power_kw=30,
            target_class="grade_1",
            in_service_date="2025-03-01",
            plant_id="P2",
        ),
    ]
    _, listing = run(rows, "shanghai-2025")
    assert rule(listing, "SH-EQ25-GENERAL-MOTOR-G1")["amount_cny"] == pytest.approx(1800)
    big = rule(listing, "SH-EQ25-GENERAL-MOTOR-G1", "P2")
    assert big["status"] == "not applicable" and "rated_power_kw≤22" in big["why"]
    assert "verify against the official text" in big["verify"]


@pytest.mark.parametrize(
    ("units", "expected"),
    [
        (500, 7_000_000.0),  # 70 × 200 kW × 500 = 7 M: below the enterprise cap
        (1000, 10_000_000.0),  # 14 M before the cap: the enterprise total is capped at 10 M
    ],
)
def test_sh2025_enterprise_cap(units, expected):
    rows = [
        motor_row(
            rated_power_kw=200,
            quantity=units,
            subsidy_product="pm_motor",
            investment_cny=1e10,
            in_service_date="2025-05-01",
        )
    ]
    _, listing = run(rows, "shanghai-2025")
    assert rule(listing, "SH-EQ25-PM-MOTOR-G2")["amount_cny"] == pytest.approx(expected)


# --- Shenyang ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tier", "leader", "investment", "rule_id", "expected"),
    [
        ("point", None, 40_000_000, "SY-PILOT-POINT", 6_000_000.0),
        ("point", None, 80_000_000, "SY-PILOT-POINT", 10_000_000.0),
        ("line", "yes", 50_000_000, "SY-PILOT-LEADER", 10_000_000.0),
        ("face", "yes", 100_000_000, "SY-PILOT-LEADER", 15_000_000.0),
        ("line", "no", 20_000_000, "SY-PILOT-OTHER", 4_000_000.0),
        ("face", "no", 30_000_000, "SY-PILOT-OTHER", 5_000_000.0),
    ],
)
def test_shenyang_tiers_and_caps(tier, leader, investment, rule_id, expected):
    row = motor_row(
        investment_cny=investment,
        shenyang_tier=tier,
        shenyang_pilot_sector="yes",
        in_service_date="2025-06-01",
    )
    if leader:
        row["chain_leader"] = leader
    _, listing = run([row], "shenyang-2025")
    got = rule(listing, rule_id)
    assert got["status"] == "applies"
    assert got["amount_cny"] == pytest.approx(expected)


def test_shenyang_line_without_chain_leader_flag_needs_it():
    _, listing = run(
        [
            motor_row(
                investment_cny=10_000_000,
                shenyang_tier="线",
                shenyang_pilot_sector="yes",
                in_service_date="2025-06-01",
            )
        ],
        "shenyang-2025",
    )
    for rule_id in ("SY-PILOT-LEADER", "SY-PILOT-OTHER"):
        got = rule(listing, rule_id)
        assert got["status"] == "needs" and got["needs"] == "chain_leader"
    assert rule(listing, "SY-PILOT-POINT")["status"] == "not applicable"


# --- national --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("payable", "expected", "years"),
    [
        (50_000, 100_000.0, [50_000, 50_000, 0, 0, 0, 0]),  # 10 % × 1 M fully used in 2 years
        (10_000, 60_000.0, [10_000] * 6),  # limited to 6 years of payable
    ],
)
def test_eit_credit_is_limited_by_the_tax_payable(payable, expected, years):
    result, listing = run(
        [motor_row(investment_cny=1_000_000, eit_catalogue="yes", eit_payable_cny=payable)],
        "national",
    )
    got = rule(listing, "CN-EIT-CREDIT")
    assert got["amount_cny"] == pytest.approx(expected)
    assert got["verify"].startswith("verify")
    # the credit enters the after-incentive NPV year by year at 8 %
    pv = sum(v / 1.08 ** (k + 1) for k, v in enumerate(years))
    deduction = rule(listing, "CN-ONE-OFF-DEDUCTION")["amount_cny"]
    projects = result.projects.iloc[0]
    assert projects["incentives_pv_cny"] == pytest.approx(pv + deduction, rel=1e-9)


def test_one_off_deduction_value_and_unit_value_limit():
    # 25 % × 1 M × (1/1.08 − AF(8 %, 10)/10) for a unit ≤ 5 M; a 6 M unit gets nothing
    rows = [
        motor_row(investment_cny=1_000_000, eit_payable_cny=1e6),
        motor_row(asset_id="M2", plant_id="P2", investment_cny=6_000_000, eit_payable_cny=1e6),
    ]
    _, listing = run(rows, "national")
    assert rule(listing, "CN-ONE-OFF-DEDUCTION")["amount_cny"] == pytest.approx(
        250_000 * (1 / 1.08 - 6.7100814 / 10), rel=1e-6
    )
    assert rule(listing, "CN-ONE-OFF-DEDUCTION", "P2")["status"] == "not applicable"


def test_central_loan_subsidy_on_outstanding_principal_and_its_window():
    # 1.5 points × 10 M × 2 years (interest only) = 300,000; the rule ends 2026-12-31
    row = motor_row(
        financing="loan",
        loan_principal_cny=10_000_000,
        loan_rate=0.04,
        renewal_project_list="yes",
        relending_loan="yes",
    )
    _, listing = run([row], "national")
    assert rule(listing, "CN-LOAN-1.5PP")["amount_cny"] == pytest.approx(300_000)
    _, later = run([row], "national", year=2027)
    assert rule(later, "CN-LOAN-1.5PP")["status"] == "not applicable"


# --- missing inputs, options, errors ---------------------------------------------------------


def test_missing_eligibility_is_listed_as_needs_with_the_potential_amount():
    _, listing = run([motor_row(investment_cny=30_000_000)], "shanghai-2024,national")
    loan = rule(listing, "SH-355-LOAN")
    assert loan["status"] == "needs"
    assert loan["needs"] == "financing, loan_principal_cny, loan_rate"
    sanshou = rule(listing, "SH-355-SANSHOU")
    assert sanshou["status"] == "needs" and sanshou["potential_cny"] == pytest.approx(9_000_000)
    assert rule(listing, "CN-EIT-CREDIT")["needs"] == "eit_catalogue, eit_payable_cny"


def test_options_fill_blank_project_attributes_and_rows_win():
    rows = [
        motor_row(investment_cny=30_000_000),
        motor_row(asset_id="M2", plant_id="P2", investment_cny=30_000_000, financing="own"),
    ]
    _, listing = run(
        rows, "shanghai-2024", financing="贷款", loan_rate=0.04, loan_principal_cny=None
    )
    assert rule(listing, "SH-355-LOAN")["needs"] == "loan_principal_cny"
    assert rule(listing, "SH-355-LOAN", "P2")["status"] == "not applicable"


def test_rows_of_one_project_must_agree():
    rows = [
        motor_row(project_id="X", financing="loan"),
        motor_row(asset_id="M2", project_id="X", financing="lease"),
    ]
    with pytest.raises(InventoryError) as error:
        run(rows, "shanghai-2024")
    issue = error.value.issues[0]
    assert issue.column == "financing" and "loan" in issue.value and "lease" in issue.value
    assert issue.row == 3  # the second of the project's two rows (header = row 1)


def test_unknown_pack_is_a_usage_error():
    with pytest.raises(ValueError, match="unknown policy pack"):
        run([motor_row()], "atlantis-2030")


def test_subsidy_never_raises_payback_and_is_not_counted_without_policy():
    plain = estimate(pd.DataFrame([motor_row(investment_cny=50_000_000)]), year=2026)
    assert "incentives_cny" not in plain.projects.columns
    result, _ = run(
        [
            motor_row(
                investment_cny=50_000_000,
                energy_management_centre="yes",
                energy_centre_investment_cny=50_000_000,
            )
        ],
        "shanghai-2024",
    )
    project = result.projects.iloc[0]
    assert project["payback_after_incentives_years"] < project["payback_years"]
    assert project["npv_after_incentives_cny"] == pytest.approx(project["npv_cny"] + 10_000_000)
    assert np.isfinite(project["cost_of_saved_tce_after_incentives_cny_per_tce"])


@pytest.mark.parametrize(
    ("flags", "status", "expected"),
    [
        # 1 of 4 M in the catalogue; the general loan subsidy of the same stacking group
        # (0.5 × 3 × 1 M × 4 % = 60,000, a 4 M project is not prioritised but eligible) wins
        (["yes", "no"], "superseded", 0.5 * 3 * 1_000_000 * 0.04 * 0.25),
        ([None, "no"], "needs", 0.5 * 3 * 1_000_000 * 0.04 * 0.25),  # would give the same
        (["no", "no"], "not applicable", None),
    ],
)
def test_catalogue_loan_interest_is_the_catalogue_share_of_the_interest(flags, status, expected):
    rows = [
        motor_row(asset_id="A", investment_cny=1_000_000, innovation_catalogue=flags[0]),
        motor_row(asset_id="B", investment_cny=3_000_000, innovation_catalogue=flags[1]),
    ]
    _, listing = run(
        rows, "shanghai-2024", financing="loan", loan_rate=0.04, loan_principal_cny=1_000_000
    )
    got = rule(listing, "SH-355-CATALOG-LOAN")
    assert got["status"] == status
    if status == "superseded":
        assert got["amount_cny"] == pytest.approx(expected)
        assert rule(listing, "SH-355-LOAN")["counted_cny"] == pytest.approx(60_000.0)
    elif status == "needs":
        assert got["potential_cny"] == pytest.approx(expected)


@pytest.mark.parametrize(
    ("lease", "expected"),
    [
        (100_000_000, 5_000_000.0),  # 5 % × 100 M: below the cap
        (400_000_000, 20_000_000.0),  # 5 % × 400 M = 20 M: at the cap
        (500_000_000, 20_000_000.0),  # 25 M before the cap
    ],
)
def test_sh355_finance_lease_cap(lease, expected):
    _, listing = run(
        [motor_row(investment_cny=30_000_000, financing="融资租赁", lease_equipment_cny=lease)],
        "shanghai-2024",
    )
    got = rule(listing, "SH-355-LEASE")
    assert got["status"] == "applies" and got["amount_cny"] == pytest.approx(expected)
    assert "rate is a maximum" in got["note"]


@pytest.mark.parametrize(
    ("contract", "expected"),
    [(10_000_000, 3_000_000.0), (200_000_000 / 3, 20_000_000.0), (100_000_000, 20_000_000.0)],
)
def test_sh355_sanshou_cap(contract, expected):
    _, listing = run([motor_row(investment_cny=contract, sanshou="是")], "shanghai-2024")
    assert rule(listing, "SH-355-SANSHOU")["amount_cny"] == pytest.approx(expected)


@pytest.mark.parametrize(
    ("invest", "expected"),
    [(10_000_000, 3_000_000.0), (50_000_000 / 3, 5_000_000.0), (30_000_000, 5_000_000.0)],
)
def test_sh355_catalogue_lease_cap(invest, expected):
    _, listing = run(
        [
            motor_row(
                investment_cny=invest,
                innovation_catalogue="yes",
                financing="lease",
                lease_equipment_cny=invest,
            )
        ],
        "shanghai-2024",
    )
    assert rule(listing, "SH-355-CATALOG-LEASE")["amount_cny"] == pytest.approx(expected)


@pytest.mark.parametrize(
    ("principal", "expected"),
    [
        (10_000_000, 0.5 * 3 * 10_000_000 * 0.05),  # 750,000: below the cap
        (200_000_000 / 3, 5_000_000.0),  # 0.5 × 3 × 5 % × P = 5 M: at the cap
        (100_000_000, 5_000_000.0),  # 7.5 M before the cap
    ],
)
def test_sh355_catalogue_loan_cap(principal, expected):
    _, listing = run(
        [
            motor_row(
                investment_cny=1_000_000,
                innovation_catalogue="yes",
                financing="loan",
                loan_principal_cny=principal,
                loan_rate=0.05,
            )
        ],
        "shanghai-2024",
    )
    assert rule(listing, "SH-355-CATALOG-LOAN")["amount_cny"] == pytest.approx(expected)


def test_a_users_policy_pack_is_checked_and_used(tmp_path):
    from retrofit.core.reference import load_table

    pack = load_table("policy_shenyang_2025")
    good = tmp_path / "district.csv"
    pack.assign(rule_id=pack["rule_id"] + "-D", rate=0.05).to_csv(good, index=False)
    _, listing = run(
        [
            motor_row(
                investment_cny=1_000_000,
                shenyang_tier="point",
                shenyang_pilot_sector="yes",
                in_service_date="2025-06-01",
            )
        ],
        str(good),
    )
    assert rule(listing, "SY-PILOT-POINT-D")["amount_cny"] == pytest.approx(50_000)
    bad = tmp_path / "bad.csv"
    pack.head(3).assign(
        kind=["grant", "gift", "grant"], requires=["shenyang_tier=point", "tier ~ line", ""]
    ).to_csv(bad, index=False)
    with pytest.raises(InventoryError) as error:
        run([motor_row()], str(bad))
    found = {(i.row, i.column, i.value) for i in error.value.issues}
    assert (3, "kind", "gift") in found and (3, "requires", "tier ~ line") in found
