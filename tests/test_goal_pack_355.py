"""The Shanghai goal pack holds every quantitative goal of 沪经信技〔2024〕355号 (issue 16,
point 8): the numbers below are read off the text by hand, and the portfolio counts the 4000亿元
investment goal from the inventory's investment_cny."""

from pathlib import Path

import pytest

from retrofit.portfolio.goals import load_goal_pack
from retrofit.portfolio.runner import portfolio

SOURCE = Path(__file__).parents[2] / "shared/policy/sources/shanghai_2024_355_special_action.txt"

# goal → (value, kind) as the 355号 text gives them
EXPECTED = {
    "equipment_investment_cumulative": (4000e8, "cumulative"),  # （七）4000 亿元
    "equipment_renewal_share_of_investment": (0.5, "not_tracked"),  # （七）设备更新约占 50%
    "digital_rd_tool_penetration": (0.95, "not_tracked"),  # 总体要求 超过95%
    "key_process_nc_rate": (0.77, "not_tracked"),  # 总体要求 77%
    "digital_retrofit_coverage": (1.0, "not_tracked"),  # 总体要求 数字化改造全覆盖
    "below_baseline_capacity_exit": (1.0, "not_tracked"),  # 总体要求 基准水平以下产能基本退出
    "main_equipment_energy_saving_level": (2.0, "asset_rule"),  # 节能水平 ≈ GB grade 2
    "green_parks": (30.0, "not_tracked"),  # （十三）30家绿色园区
    "battery_recycling_capacity": (50_000.0, "not_tracked"),  # （十五）5万吨/年
    "innovative_equipment_share_gain": (0.05, "not_tracked"),  # （一）5个百分点
    "instrument_supply_list": (20.0, "not_tracked"),  # （三）
    "medical_device_supply_list": (20.0, "not_tracked"),  # （四）
    "pilot_bases": (12.0, "not_tracked"),  # （五）
    "pilot_projects": (50.0, "not_tracked"),  # （五）
    "new_material_certifications_per_year": (10.0, "not_tracked"),  # （五）
    "metaverse_scenes_per_year": (20.0, "not_tracked"),  # （十一）
    "benchmark_smart_factories": (20.0, "not_tracked"),  # （十二）
    "demonstration_smart_factories": (300.0, "not_tracked"),  # （十二）
    "first_set_equipment_per_year": (30.0, "not_tracked"),  # （十六）
    "first_version_software_per_year": (15.0, "not_tracked"),  # （十六）
    "first_batch_materials_per_year": (10.0, "not_tracked"),  # （十六）
    "innovation_catalogue_products": (1500.0, "not_tracked"),  # （十七）
    "testing_service_platforms": (2.0, "not_tracked"),  # （十九）
    "reliability_demonstrations": (2.0, "not_tracked"),  # （十九）
    "shanghai_standards": (10.0, "not_tracked"),  # （二十）
}


def test_every_355_goal_is_in_the_pack_with_its_value_and_kind():
    goals = load_goal_pack("shanghai-2024").goals.set_index("goal")
    for goal, (value, kind) in EXPECTED.items():
        assert goals.loc[goal, "value"] == pytest.approx(value), goal
        assert goals.loc[goal, "kind"] == kind, goal
        assert (goals.loc[goal, "period_start"], goals.loc[goal, "period_end"]) == (2024, 2027)


def test_355_rows_say_the_start_year_is_assumed():
    goals = load_goal_pack("shanghai-2024").goals
    rows = goals[goals["document"].str.startswith("沪经信技〔2024〕355号")]
    assert len(rows) == 14 + len(EXPECTED)  # the 14 earlier 355号 rows and the new ones
    assert rows["note"].str.contains("start year 2024 assumed").all()


@pytest.mark.skipif(not SOURCE.exists(), reason="shared policy texts not present")
def test_quotes_are_verbatim_from_355():
    text = SOURCE.read_text(encoding="utf-8")
    goals = load_goal_pack("shanghai-2024").goals
    rows = goals[goals["document"].str.startswith("沪经信技〔2024〕355号")]
    missing = [q for q in rows["quote"] if q not in text]
    assert missing == []


def test_portfolio_counts_equipment_investment_toward_4000_yi(tmp_path):
    inventory = tmp_path / "inv.csv"
    inventory.write_text(
        "plant_id,asset_id,category,measure,quantity,rated_power_kw,poles,efficiency_class,"
        "target_class,load_factor,operating_hours_h,investment_cny,"
        "electricity_price_cny_per_kwh,in_service_date\n"
        "P1,M1,motor,upgrade_motor,1,55,4,IE2,IE4,1.0,4000,20000,0.70,2024-03-01\n"
        "P1,M2,motor,upgrade_motor,1,55,4,IE2,IE4,1.0,4000,30000,0.70,2026-03-01\n",
        encoding="utf-8",
    )
    goals = portfolio([inventory], year=2025).goals.set_index("goal")
    invest = goals.loc["equipment_investment_cumulative"]
    # to 2025: M1's 20,000 CNY; by 2027 also M2's 30,000; target 4000亿 = 4e11 CNY
    assert invest.target == 4e11
    assert invest.achieved_to_date == 20_000
    assert invest.share_to_date == pytest.approx(20_000 / 4e11)
    assert invest.planned_by_end == 50_000
    assert invest.remaining_by_end == pytest.approx(4e11 - 50_000)
    # the 2000亿 renewal goal counts the same rows: the two goals differ only in their target
    renewal = goals.loc["equipment_renewal_investment"]
    assert renewal.share_by_end == pytest.approx(50_000 / 2e11)
    assert goals.loc["green_parks", "counted_as"] == "not tracked from an inventory"
