"""Issue 16 point 2: one rule for which savings count in the 百一's accounting year.

`estimate` and `portfolio` both count the saving realised in the year by in_service_date: a
row in service from day d of a year of N days counts (N − d + 1)/N of its annual saving, a
row in service before the year all of it, a row entering service after the year none.

Every row is the 55 kW motor of tests/test_estimate.py (IEC 60034-30-1 4-pole, IE2 93.5 % →
IE4 95.7 %, full load, 4000 h): 55 × 4000 × (1/0.935 − 1/0.957) = 5 409.061 kWh/yr,
当量值 S = 5 409.061 × 0.1229 / 1000 = 0.664774 tce/yr per motor.
"""

from __future__ import annotations

import pytest

import retrofit
from retrofit.portfolio.runner import portfolio

S = 55 * 4000 * (1 / 0.935 - 1 / 0.957) * 0.1229 / 1000
YEAR = 2025  # not a leap year: 1 July–31 December is 184 of 365 days
HEADER = (
    "plant_id,asset_id,category,measure,quantity,rated_power_kw,poles,efficiency_class,"
    "target_class,load_factor,operating_hours_h,investment_cny,"
    "electricity_price_cny_per_kwh,in_service_date\n"
)


def motor(asset: str, date: str) -> str:
    return f"P1,{asset},motor,upgrade_motor,1,55,4,IE2,IE4,1.0,4000,20000,0.70,{date}\n"


@pytest.fixture
def plant(tmp_path):
    """P1: M1 in service since 2024-03-01 (all of 2025), M2 from 2025-07-01 (184/365),
    M3 from 2026-01-01 (none of 2025); previous-year (2024) energy 99.9 tce on 当量值."""
    inventory = tmp_path / "p1.csv"
    inventory.write_text(
        HEADER + motor("M1", "2024-03-01") + motor("M2", "2025-07-01") + motor("M3", "2026-01-01"),
        encoding="utf-8",
    )
    plants = tmp_path / "plants.csv"
    plants.write_text(
        "plant_id,name,energy_tce_2024,plant_energy_basis\nP1,甲厂,99.9,当量值\n", encoding="utf-8"
    )
    return inventory, plants


def test_estimate_and_portfolio_give_the_same_share(plant):
    inventory, plants = plant
    realised = S * (1 + 184 / 365)  # 0.664774 × 549/365 = 0.999893 tce
    by_hand = realised / 99.9  # 1.00089 %: meets 1 % (needs 0.999 tce)
    estimated = retrofit.estimate(inventory, plants=plants, year=YEAR, region="shanghai")
    row = estimated.plants.set_index("plant_id").loc["P1"]
    assert row["coal_saved_tce_realised"] == pytest.approx(realised, rel=1e-9)
    assert row["saving_share"] == pytest.approx(by_hand, rel=1e-9)
    # the full annual potential of all three motors, beside it, not used by the verdict
    assert row["coal_saved_tce"] == pytest.approx(3 * S, rel=1e-9)
    assert row["saving_share_full_year"] == pytest.approx(3 * S / 99.9, rel=1e-9)
    assert bool(row["meets_bai_yi"]) is True
    assert estimated.assumptions["bai_yi"]["rule"].startswith("realised in the accounting year")

    pf = portfolio([inventory], plants=plants, year=YEAR, region="shanghai")
    yearly = pf.bai_yi.set_index(["plant_id", "year"]).loc[("P1", YEAR)]
    assert yearly["saving_share"] == pytest.approx(by_hand, rel=1e-9)
    assert yearly["realised_tce"] == pytest.approx(realised, rel=1e-9)
    assert yearly["saving_share"] == pytest.approx(row["saving_share"], rel=1e-12)
    # capacity entering service in 2025 is M2's full year; M1 and M2 are in service by its end
    assert yearly["capacity_added_tce"] == pytest.approx(S, rel=1e-9)
    assert yearly["full_year_tce"] == pytest.approx(2 * S, rel=1e-9)
    assert pf.assumptions["portfolio"]["bai_yi_rule"].startswith("realised in the accounting year")


def test_a_day_later_falls_short(plant, tmp_path):
    """M2 from 2 July counts 183/365: S (1 + 183/365) = 0.998072 tce < 0.999 tce (1 % of 99.9)."""
    _, plants = plant
    later = tmp_path / "later.csv"
    later.write_text(HEADER + motor("M1", "2024-03-01") + motor("M2", "2025-07-02"))
    row = retrofit.estimate(later, plants=plants, year=YEAR, region="shanghai").plants.iloc[0]
    assert row["saving_share"] == pytest.approx(S * (1 + 183 / 365) / 99.9, rel=1e-9)
    assert bool(row["meets_bai_yi"]) is False
    assert row["shortfall_tce"] == pytest.approx(0.999 - S * (1 + 183 / 365), rel=1e-9)


def test_rows_without_a_date_count_from_1_january(plant, tmp_path):
    _, plants = plant
    undated = tmp_path / "undated.csv"
    undated.write_text(HEADER + motor("M1", "") + motor("M2", ""))
    result = retrofit.estimate(undated, plants=plants, year=YEAR)
    row = result.plants.iloc[0]
    assert row["coal_saved_tce_realised"] == pytest.approx(2 * S, rel=1e-9)
    assert row["in_service_date_defaulted"] == 2
    assert "2 rows without in_service_date" in result.assumptions["bai_yi"]["in_service_default"]


def test_goal_progress_names_both_bases(plant):
    inventory, plants = plant
    result = retrofit.estimate(inventory, plants=plants, year=YEAR, region="shanghai")
    energy = result.assumptions["goals"]["energy_saving_cumulative"]
    assert energy["full_annual_potential"] == pytest.approx(3 * S, rel=1e-9)
    assert energy[f"realised_in_{YEAR}"] == pytest.approx(S * (1 + 184 / 365), rel=1e-9)
    assert energy["this_inventory_basis"] == "full annual potential"
