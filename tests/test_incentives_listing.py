"""Incentive listings that do not mislead (issue 19 point 7): the reason a rule does not apply
is the condition that actually failed, checked in a stated order and written whole; amounts
that depend on inputs stand apart from the counted money and say which column or option
supplies each input; Chinese reasons under lang="zh"; the portfolio summary names the plants
short of 百一; the notebooks open with one documented command.

Expected texts are written out by hand from the policy packs' rows (rule, window, rate) and
the template's headers; amounts are worked by hand in each test."""

import tomllib
from pathlib import Path

import pandas as pd
import pytest

from retrofit import estimate
from retrofit.money.incentives import needs_text, ordered_conditions
from retrofit.report.html import render_html
from retrofit.report.terminal import NAMED_PLANTS, plant_names, render_incentives

#: whole policy runs rendered to terminal and HTML: `make test` runs them, `make test-fast` leaves them out
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]

MOTOR = {
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
# GB 20052-2024 表1 630 kVA oil transformer replaced by a grade-2 unit (as in
# tests/test_transformer_compressor_estimate.py)
TRANSFORMER = {
    "plant_id": "P1",
    "asset_id": "T1",
    "category": "transformer",
    "measure": "upgrade_equipment",
    "transformer_type": "oil",
    "rated_kva": 630,
    "no_load_loss_kw": 0.81,
    "load_loss_kw": 6.2,
    "target_equipment_grade": "grade_2",
    "load_factor": 0.5,
    "operating_hours_h": 4000,
    "investment_cny": 200_000,
    "electricity_price_cny_per_kwh": 0.7,
}
WINDOW_2025 = "2025-01-01 to 2025-12-31"


def listing_of(rows, policy, year=2026):
    result = estimate(pd.DataFrame(rows), year=year, policy=policy)
    return result, result.incentives.set_index(["project_id", "rule_id"])


# --- reasons: the condition that actually failed, whole ----------------------------------


def test_transformer_rule_fails_on_the_2025_window_not_on_the_motor_row():
    # The case: a motor row comes first, so the first failing row said
    # "subsidy_product=transformer not met (subsidy_product = general_motor)". The transformer
    # row meets the product and the grade; only its date (2026-03-01) is outside 2025.
    rows = [
        MOTOR | {"in_service_date": "2026-03-01"},
        TRANSFORMER | {"in_service_date": "2026-03-01"},
    ]
    _, listing = listing_of(rows, "shanghai-2025")
    g2 = listing.loc[("P1", "SH-EQ25-TRANSFORMER-G2")]
    assert g2["status"] == "not applicable"
    assert g2["why"] == f"date 2026-03-01 outside the rule's window {WINDOW_2025}"
    assert g2["why_zh"] == "日期 2026-03-01 不在政策有效期（2025-01-01 至 2025-12-31）内"
    # grade 1: the window first, then every other condition that fails, each whole
    g1 = listing.loc[("P1", "SH-EQ25-TRANSFORMER-G1")]
    assert g1["why"] == (
        f"date 2026-03-01 outside the rule's window {WINDOW_2025}; "
        "new_grade=1 not met (new_grade = 2)"
    )
    assert g1["why_zh"] == (
        "日期 2026-03-01 不在政策有效期（2025-01-01 至 2025-12-31）内；"
        "不满足新设备能效等级=1级（本项为2级）"
    )


def test_in_the_window_the_transformer_rule_applies_at_30_cny_per_kva():
    # 630 kVA × 30 CNY/kVA = 18,900 CNY, within 15 % of 200,000 (30,000)
    rows = [
        MOTOR | {"in_service_date": "2025-06-01"},
        TRANSFORMER | {"in_service_date": "2025-06-01"},
    ]
    _, listing = listing_of(rows, "shanghai-2025", year=2025)
    g2 = listing.loc[("P1", "SH-EQ25-TRANSFORMER-G2")]
    assert g2["status"] == "applies"
    assert g2["amount_cny"] == pytest.approx(18_900.0)
    # a motor rule that the motor row fails on its grade, not on the transformer row
    pm = listing.loc[("P1", "SH-EQ25-PM-MOTOR-G2")]
    assert pm["why"] == "subsidy_product=pm_motor not met (subsidy_product = general_motor)"


def test_conditions_are_checked_region_sector_product_financing_amounts():
    requires = (
        "rated_power_kw<=22;shenyang_pilot_sector=no;financing=loan;subsidy_product=fan;"
        "shenyang_demonstration=yes;chain_leader=yes"
    )
    assert [c[0] for c in ordered_conditions(requires)] == [
        "shenyang_demonstration",  # region, in the pack's order
        "chain_leader",
        "shenyang_pilot_sector",  # sector
        "subsidy_product",  # product
        "financing",  # financing
        "rated_power_kw",  # amounts
    ]


def test_project_rule_reports_the_window_then_the_financing():
    # SH-355-LOAN: financing=loan, 2024-05-31 to 2027-12-31; a 2028 own-funds project fails both
    rows = [MOTOR | {"in_service_date": "2028-02-01", "financing": "own"}]
    _, listing = listing_of(rows, "shanghai-2024", year=2028)
    got = listing.loc[("P1", "SH-355-LOAN")]
    assert got["why"] == (
        "date 2028-02-01 outside the rule's window 2024-05-31 to 2027-12-31; "
        "financing=loan not met (financing = own)"
    )
    assert got["why_zh"] == (
        "日期 2028-02-01 不在政策有效期（2024-05-31 至 2027-12-31）内；"
        "不满足融资方式=银行贷款（本项为自有资金）"  # the values in words (issue 19)
    )


def test_terminal_reasons_are_never_cut():
    # 2026: every SH-EQ25 rule is outside its window; the grouped view names the first failed
    # condition whole and every rule; --all gives each rule's every failed condition whole
    rows = [MOTOR | {"in_service_date": "2026-03-01"}]
    result, _ = listing_of(rows, "shanghai-2025")
    text = render_incentives(result)
    line = next(t for t in text.splitlines() if "[not applicable]" in t)
    assert line.startswith(
        f"  [not applicable] date 2026-03-01 outside the rule's window {WINDOW_2025}: "
    )
    assert line.count("SH-EQ25-") == 16  # the pack's 16 rules (policy_shanghai_2025.csv)
    every = render_incentives(result, show_all=True)
    assert (
        "  [not applicable] SH-EQ25-DISPLACEMENT-COMPRESSOR-G1: date 2026-03-01 outside the "
        f"rule's window {WINDOW_2025}; subsidy_product=displacement_compressor not met "
        "(subsidy_product = general_motor); new_grade=1 not met (new_grade = 2)"
    ) in every.splitlines()  # the motor's new grade is GB 18613 grade 2 (target_class)


# --- amounts that need inputs: apart, never summed ---------------------------------------


def loan_row(**extra):
    """30,000,000 CNY at 2 %, interest only: 600,000 CNY of interest a year (as in
    tests/test_incentives_needs.py). Shanghai's 355号 half of the interest for 3 years counts
    300,000 × 3 = 900,000; the central 1.5 points needs relending_loan and, capped at the
    300,000 of interest left each year for 2 years, could add 600,000."""
    row = MOTOR | {
        "investment_cny": 30_000_000,
        "in_service_date": "2025-06-01",
        "financing": "loan",
        "loan_principal_cny": 30_000_000,
        "loan_rate": 0.02,
        "renewal_project_list": "yes",
        "particularly_major": "no",
        "energy_management_centre": "no",
        "sanshou": "no",
        "innovation_catalogue": "no",
        "eit_catalogue": "no",
    }
    return row | extra


def test_needs_are_listed_apart_with_where_the_input_comes_from():
    result, _ = listing_of([loan_row()], "shanghai-2024,national")
    assert result.projects["incentives_cny"].iloc[0] == pytest.approx(900_000)
    lines = render_incentives(result).splitlines()
    total = lines.index("  counted incentives: 900,000 CNY")
    heading = lines.index(
        "  Not counted — rules that need inputs (amounts if given and met, never added to the "
        "counted total):"
    )
    central = lines.index(
        "  [needs] CN-LOAN-1.5PP central loan-interest subsidy for equipment renewal: give "
        "relending_loan (column relending_loan or --designation relending-loan); if it "
        "qualifies: up to 600,000 CNY, not counted"
    )
    counted = next(i for i, t in enumerate(lines) if t.startswith("  [applies] SH-355-LOAN"))
    assert counted < total < heading < central
    assert lines[central + 1] == (
        "      potential cut to the loan's interest left each year: 600,000 of 900,000 CNY "
        "(subsidies of interest never exceed the interest paid)"
    )
    # something counts: no "inputs that would change this" line
    assert not any("inputs that would change this" in t for t in lines)


def test_needs_in_chinese_name_the_template_header_and_the_option():
    result, _ = listing_of([loan_row()], "shanghai-2024,national")
    lines = render_incentives(result, lang="zh").splitlines()
    assert (
        "  [需补充信息] CN-LOAN-1.5PP 设备更新贷款中央财政贴息：请补充表头“再贷款”或参数 "
        "--designation=relending-loan；如符合条件：最多 60.00 万元，未计入"
    ) in lines
    assert (
        "      可得金额按每年剩余贷款利息封顶：60.00 万元（原 90.00 万元；贴息不超过实付利息）"
    ) in lines
    assert "  计入的政策支持：90.00 万元" in lines  # 900,000 元 in 万元 (issue 19)


def test_a_run_that_counts_nothing_names_the_inputs_that_would_change_it():
    # no finance columns: every 355号 rule needs inputs (in the order the pack lists them and
    # each rule checks its conditions, then its base), nothing counts
    result, _ = listing_of([MOTOR | {"in_service_date": "2026-03-01"}], "shanghai-2024")
    lines = render_incentives(result).splitlines()
    hints = [t for t in lines if "inputs that would change this" in t]
    assert hints == [
        (
            "  inputs that would change this: financing (column financing or --financing "
            "loan|lease|own), loan_principal_cny (column loan_principal_cny), loan_rate (column "
            "loan_rate or --loan-rate), lease_equipment_cny (column lease_equipment_cny), "
            "particularly_major (column particularly_major or --designation particularly-major), "
            "energy_management_centre (column energy_management_centre or --designation "
            "energy-management-centre), energy_centre_investment_cny (column "
            "energy_centre_investment_cny), sanshou (column sanshou), innovation_catalogue "
            "(column innovation_catalogue)"
        )
    ]
    # 三首: 30 % of the row's 10,000 CNY if the product qualifies — shown, not counted
    assert (
        "  [needs] SH-355-SANSHOU 三首 innovative products (first set, version, batch): give "
        "sanshou (column sanshou); if it qualifies: up to 3,000 CNY, not counted"
    ) in lines
    assert "  counted incentives: 0 CNY" in lines


def test_needs_text_names_headers_and_options():
    assert needs_text("financing, sanshou") == (
        "financing (column financing or --financing loan|lease|own), sanshou (column sanshou)"
    )
    assert needs_text("financing, sanshou", "zh") == (
        "表头“融资方式”或参数 --financing、表头“三首”"
    )
    assert needs_text("") == ""


def test_html_shows_needs_in_their_own_table_and_chinese_reasons():
    result, _ = listing_of([loan_row()], "shanghai-2024,national")
    en = render_html(result, lang="en")
    apart = en.index("Not counted: rules that need inputs")
    assert en.index("SH-355-LOAN") < apart < en.index("CN-LOAN-1.5PP", apart)
    assert "relending_loan (column relending_loan or --designation relending-loan)" in en
    zh = render_html(result, lang="zh")
    assert "未计入：需补充信息的政策" in zh
    assert "表头“再贷款”或参数 --designation=relending-loan" in zh
    assert "可得金额按每年剩余贷款利息封顶：60.00 万元" in zh
    assert "potential cut to the loan" not in zh


# --- portfolio summary and notebooks ------------------------------------------------------


def test_plant_names_name_the_plants_then_count_the_rest():
    plants = pd.DataFrame(
        {
            "plant_id": [f"SH-{i:04d}" for i in range(1, 16)],
            "plant_name": ["上海某机械厂", *[None] * 14],
        }
    )
    assert plant_names(pd.Series(["SH-0001", "SH-0002"]), plants) == "SH-0001 上海某机械厂, SH-0002"
    assert plant_names(pd.Series(["SH-0002", "SH-0001"]), plants, "zh") == (
        "SH-0002、SH-0001 上海某机械厂"
    )
    many = plant_names(plants["plant_id"].iloc[1:], plants)  # 14 plants
    assert NAMED_PLANTS == 12
    assert many.endswith("SH-0013, and 2 more (all in the bai_yi table)")


def test_notebooks_open_with_one_documented_command():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = project["optional-dependencies"]
    assert any(r.startswith("jupyterlab") for r in extras["notebooks"])
    assert not any(r.startswith("jupyterlab") for r in extras["test"])  # not in make test
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "\nnotebooks: $(STAMP_NOTEBOOKS)\n\t$(BIN)/jupyter lab notebooks/" in makefile
    assert "'.[notebooks]'" in makefile
    test_target = makefile.split("\ntest: ", 1)[1].split("\n\n", 1)[0]
    assert "notebooks" not in test_target.split("\n", 1)[0]
    assert "make notebooks" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_counted_total_says_a_tax_timing_benefit_is_in_the_npv_only():
    # the one-off deduction is a timing benefit: listed as applying, counted in the NPV, never
    # in the incentives total, and the total line says so
    row = MOTOR | {"in_service_date": "2026-03-01", "eit_payable_cny": 50_000}
    result, listing = listing_of([row], "national")
    assert listing.loc[("P1", "CN-ONE-OFF-DEDUCTION"), "status"] == "applies"
    lines = render_incentives(result).splitlines()
    assert (
        "  counted incentives: 0 CNY (the tax-timing benefit above is in the NPV, not in this total)"
    ) in lines
    assert "  计入的政策支持：0.00 万元（上列税收递延收益计入净现值，不计入此合计）" in (
        render_incentives(result, lang="zh").splitlines()
    )
