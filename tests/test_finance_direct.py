"""retrofit.money.appraisal called directly (lives, asset and project finance, supply curve), against
hand calculations; tests/test_finance.py checks the same through estimate and the CLI.

Lives are those of reference_data/measure_lifetimes.csv (NSW ESS Table F7.4 for motors, the EIT
depreciation floor of 10 years for drives, ASHRAE for machines). At r = 8 % over 10 years the
annuity factor is (1 − 1.08^−10) / 0.08 = 6.710081, so the capital recovery factor is 0.149029.
"""

import numpy as np
import pandas as pd
import pytest

from retrofit.core.caveats import CaveatLog
from retrofit.money import appraisal as finance

ANNUITY_8PCT_10Y = 6.710081
CRF_8PCT_10Y = 0.149029


def test_discount_rate_default_is_8_percent(tables):
    assert finance.parameter(tables, "discount_rate", "default") == 0.08


def test_lifetimes_follow_the_size_bands_and_the_shortest_measure(tables):
    rows = pd.DataFrame(
        {
            "category": ["motor", "motor", "motor", "fan", "compressor", "compressor", "motor"],
            "measure": [
                "upgrade_motor",
                "upgrade_motor",
                "upgrade_motor",
                "upgrade_motor+add_vfd",
                "upgrade_equipment",
                "fix_leaks",
                "upgrade_motor",
            ],
            "rated_power_kw": [5.5, 41.0, 160.0, 30.0, 90.0, 90.0, 55.0],
            "operating_hours_h": [4000.0, 4000.0, 4000.0, 4000.0, 8000.0, 8000.0, 4000.0],
            "lifetime_years": [np.nan] * 6 + [7.0],
        }
    )
    life, source = finance.lifetimes(rows, tables)
    # 2.6–9.2 kW: 15 yr; 41–100 kW: 22 yr (a band includes its lower bound); ≥ 100 kW: 25 yr;
    # a 30 kW motor (20 yr) behind a drive (10 yr): 10 yr; a compressor's 80,000 h at
    # 8,000 h/yr: 10 yr before its 20; leak repair: 1 yr (a proxy); a given life wins
    np.testing.assert_array_equal(life, [15, 22, 25, 10, 10, 1, 7])
    assert list(source) == [
        "measure_lifetimes: upgrade_motor, all, 2.6–9.2 kW",
        "measure_lifetimes: upgrade_motor, all, 41–100 kW",
        "measure_lifetimes: upgrade_motor, all, 100– kW",
        "measure_lifetimes: add_vfd, all, 0– kW",
        "measure_lifetimes: upgrade_equipment, compressor, 0– kW",
        "measure_lifetimes: fix_leaks, compressor, 0– kW",
        "input lifetime_years",
    ]


def asset_rows(**columns) -> pd.DataFrame:
    """Rows as finance sees them after economics (source_row as in a file)."""
    n = len(columns["investment_cny"])
    base = {
        "source_row": list(range(2, n + 2)),
        "plant_id": ["P1"] * n,
        "category": ["motor"] * n,
        "measure": ["upgrade_motor"] * n,
        "rated_power_kw": [55.0] * n,
        "operating_hours_h": [4000.0] * n,
        "load_shift_cost_saved_cny": [np.nan] * n,
    }
    return pd.DataFrame(base | columns)


def test_asset_finance_of_a_ten_year_measure(tables):
    out = asset_rows(
        investment_cny=[10_000.0],
        cost_saved_cny=[1_500.0],
        load_shift_cost_saved_cny=[500.0],
        energy_saved_kwh=[20_000.0],
        coal_saved_tce=[2.458],  # 20,000 kWh × 0.1229 kgce/kWh
        lifetime_years=[10.0],
    )
    log = CaveatLog(1)
    assert (
        finance.asset_finance(out, tables, log, discount_rate=0.08, file="f", header_map={}) == []
    )
    row = out.iloc[0]
    assert row["project_id"] == "P1"  # no project_id: the plant is the project
    assert row["annual_cost_saved_cny"] == 2_000.0
    assert row["lifetime_source"] == "input lifetime_years"
    # NPV = 2,000 × 6.710081 − 10,000
    assert row["npv_cny"] == pytest.approx(2_000 * ANNUITY_8PCT_10Y - 10_000, abs=0.01)
    # IRR: the annuity factor 10,000 / 2,000 = 5 over 10 years is reached at 15.098 %
    assert row["irr"] == pytest.approx(0.15098, abs=1e-5)
    # discounted payback: 1 − 1.08^−n = 0.08 × 10,000 / 2,000 → n = ln(1 / 0.6) / ln 1.08
    assert row["discounted_payback_years"] == pytest.approx(6.6375, abs=1e-4)
    # 10,000 × 0.149029 = 1,490.29 CNY/yr annualised
    assert row["cost_of_saved_energy_cny_per_kwh"] == pytest.approx(
        10_000 * CRF_8PCT_10Y / 20_000, rel=1e-5
    )
    assert row["cost_of_saved_tce_cny_per_tce"] == pytest.approx(1_490.29 / 2.458, rel=1e-5)
    assert row["net_cost_of_saved_tce_cny_per_tce"] == pytest.approx(
        (1_490.29 - 2_000) / 2.458, rel=1e-4
    )
    assert log.row_codes()[0] == "finance.project.defaulted"


def test_a_life_beyond_sixty_years_is_an_input_error(tables):
    out = asset_rows(
        investment_cny=[1.0, 1.0],
        cost_saved_cny=[1.0, 1.0],
        energy_saved_kwh=[1.0, 1.0],
        coal_saved_tce=[1.0, 1.0],
        lifetime_years=[60.0, 61.0],
    )
    issues = finance.asset_finance(
        out, tables, CaveatLog(2), discount_rate=0.08, file="f.csv", header_map={}
    )
    assert [(i.type, i.row, i.column, i.value) for i in issues] == [
        ("out-of-range", 3, "lifetime_years", "61")
    ]
    assert issues[0].expected == "a life of at most 60 years"


def test_a_measure_without_a_life_has_no_npv_and_says_why(tables):
    # measure_lifetimes has replace_charger for chargers only: a motor row has no life for it
    out = asset_rows(
        category=["motor"],
        measure=["replace_charger"],
        investment_cny=[5_000.0],
        cost_saved_cny=[1_000.0],
        energy_saved_kwh=[0.0],
        coal_saved_tce=[0.0],
    )
    log = CaveatLog(1)
    finance.asset_finance(out, tables, log, discount_rate=0.08, file="f", header_map={})
    assert np.isnan(out.loc[0, "npv_cny"]) and np.isnan(out.loc[0, "irr"])
    assert np.isnan(out.loc[0, "cost_of_saved_energy_cny_per_kwh"])
    assert log.row_codes()[0].split(";") == [
        "finance.project.defaulted",
        "finance.lifetime.unknown",
        "finance.no_saving",
    ]


def test_projects_sum_their_rows_and_say_what_they_lack(tables):
    out = asset_rows(
        plant_id=["P1", "P1", "P2"],
        project_id=["A", "A", None],
        investment_cny=[10_000.0, 5_000.0, np.nan],
        cost_saved_cny=[2_000.0, 1_000.0, 800.0],
        energy_saved_kwh=[20_000.0, 10_000.0, 8_000.0],
        coal_saved_tce=[2.458, 1.229, 0.9832],
        lifetime_years=[10.0, 10.0, 10.0],
    )
    finance.asset_finance(out, tables, CaveatLog(3), discount_rate=0.08, file="f", header_map={})
    projects = finance.project_finance(out, 0.08).set_index("project_id")
    a, p2 = projects.loc["A"], projects.loc["P2"]
    assert (a["plant_id"], a["assets"], a["investment_cny"]) == ("P1", 2, 15_000.0)
    assert (a["annual_cost_saved_cny"], a["payback_years"]) == (3_000.0, 5.0)
    assert a["npv_cny"] == pytest.approx(3_000 * ANNUITY_8PCT_10Y - 15_000, abs=0.01)
    assert a["irr"] == pytest.approx(0.15098, abs=1e-5)  # the same factor 5 as one row
    assert a["cost_of_saved_tce_cny_per_tce"] == pytest.approx(
        15_000 * CRF_8PCT_10Y / 3.687, rel=1e-5
    )
    assert a["finance_status"] == "complete"
    assert p2["finance_status"] == "incomplete: no investment_cny"
    assert np.isnan(p2["investment_cny"]) and np.isnan(p2["npv_cny"]) and np.isnan(p2["irr"])
    assert p2["energy_saved_kwh"] == 8_000.0


def test_supply_curve_ranks_by_cost_per_tce_within_and_across_plants():
    out = pd.DataFrame(
        {
            "plant_id": ["P1", "P1", "P2", "P2"],
            "asset_id": ["M1", "M2", "M3", "M4"],
            "measure": ["upgrade_motor"] * 4,
            "category": ["motor"] * 4,
            "coal_saved_tce": [2.0, 1.0, 4.0, 0.0],
            "cost_of_saved_tce_cny_per_tce": [900.0, 300.0, 600.0, 100.0],
            "net_cost_of_saved_tce_cny_per_tce": [-100.0, -500.0, -50.0, np.nan],
            "annual_cost_saved_cny": [2_000.0, 800.0, 2_600.0, 0.0],
        }
    )
    plants = pd.DataFrame(
        {
            "plant_id": ["P1", "P2"],
            "plant_energy_tce": [500.0, np.nan],
            "bai_yi_target_share": [0.01, 0.01],
        }
    )
    curve = finance.supply_curve(out, plants)
    # M4 saves nothing and is left out; the others, cheapest first
    assert list(curve["asset_id"]) == ["M2", "M3", "M1"]
    assert list(curve["rank"]) == [1, 2, 3]
    assert list(curve["cumulative_tce"]) == [1.0, 5.0, 7.0]
    assert list(curve["plant_rank"]) == [1, 1, 2]
    assert list(curve["plant_cumulative_tce"]) == [1.0, 4.0, 3.0]
    # 1 % of 500 tce for P1; P2's energy is unknown
    np.testing.assert_array_equal(curve["bai_yi_line_tce"], [5.0, np.nan, 5.0])


# --- several measures on one row, each with its own life ------------------------------------
# AF(8 %, 20) = (1 − 1.08^−20)/0.08 = 9.818147; AF(8 %, 5) = 3.992710.


def test_equivalent_life_by_hand():
    """0.6 × 9.818147 + 0.4 × 3.992710 = 7.487972; n = −ln(1 − 0.08 × 7.487972)/ln 1.08 =
    11.8747 years; at r = 0 the share-weighted mean 0.6 × 20 + 0.4 × 5 = 14 years."""
    lives = np.array([[20.0, 5.0]])
    shares = np.array([[0.6, 0.4]])
    assert finance.equivalent_life(0.08, lives, shares)[0] == pytest.approx(11.874685, abs=1e-6)
    assert finance.equivalent_life(0.0, lives, shares)[0] == pytest.approx(14.0)
    # one measure alone keeps its own life
    assert finance.equivalent_life(0.08, lives, np.array([[1.0, 0.0]]))[0] == pytest.approx(20)


def test_pue_and_it_refresh_keep_their_own_lives(tables):
    """improve_pue (20 yr) gives 60 % of the saving, refresh_it (5 yr) 40 %; S = 100,000 CNY/yr,
    I = 500,000 CNY: NPV = 100,000 × 7.487972 − 500,000 = 248,797.25 CNY (the shortest life
    alone would give 100,000 × 3.992710 − 500,000 = −100,729). Cost of saved energy
    500,000 / (100,000 kWh × 7.487972) = 0.667737 CNY/kWh."""
    out = asset_rows(
        category=["datacenter"],
        measure=["improve_pue+refresh_it"],
        investment_cny=[500_000.0],
        cost_saved_cny=[100_000.0],
        energy_saved_kwh=[100_000.0],
        coal_saved_tce=[12.29],
        saving_improve_pue_kwh=[60_000.0],
        saving_refresh_it_kwh=[40_000.0],
    )
    log = CaveatLog(1)
    finance.asset_finance(out, tables, log, discount_rate=0.08, file="f", header_map={})
    row = out.iloc[0]
    assert row["npv_cny"] == pytest.approx(248_797.25, abs=0.01)
    assert row["lifetime_years"] == pytest.approx(11.874685, abs=1e-6)
    assert row["cost_of_saved_energy_cny_per_kwh"] == pytest.approx(0.667737, abs=1e-6)
    assert row["lifetime_source"] == (
        "equivalent life at the discount rate: "
        "improve_pue 20 yr × 60 % of the saving (measure_lifetimes: improve_pue, datacenter, "
        "0– kW); refresh_it 5 yr × 40 % of the saving (measure_lifetimes: refresh_it, "
        "datacenter, 0– kW)"
    )
    found = log.row_codes()[0].split(";")
    assert "finance.lifetime.per_measure" in found
    assert "finance.lifetime.shortest_measure" not in found


def test_new_compressor_with_leak_repair_keeps_its_economics(tables):
    """upgrade_equipment (20 yr; 80,000 h at 4,000 h/yr is also 20) saves 30,000 kWh and
    fix_leaks (1 yr) 10,000 kWh: shares 0.75 and 0.25. AF(8 %, 1) = 1/1.08 = 0.925926.
    S = 28,000 CNY/yr, I = 150,000 CNY: NPV = 28,000 × (0.75 × 9.818147 + 0.25 × 0.925926) −
    150,000 = 28,000 × 7.595092 − 150,000 = 62,662.58 CNY."""
    out = asset_rows(
        category=["compressor"],
        measure=["upgrade_equipment+fix_leaks"],
        rated_power_kw=[90.0],
        investment_cny=[150_000.0],
        cost_saved_cny=[28_000.0],
        energy_saved_kwh=[40_000.0],
        coal_saved_tce=[4.916],
        saving_upgrade_equipment_kwh=[30_000.0],
        saving_fix_leaks_kwh=[10_000.0],
        saving_reduce_pressure_kwh=[0.0],
        saving_upgrade_motor_kwh=[0.0],
    )
    finance.asset_finance(out, tables, CaveatLog(1), discount_rate=0.08, file="f", header_map={})
    assert out.loc[0, "npv_cny"] == pytest.approx(62_662.58, abs=0.01)


def test_combined_row_without_a_split_takes_the_shortest_life(tables):
    """A fan with a drive (10 yr) and a new 30 kW motor (20 yr): no saving per measure, so
    10 years: NPV = 2,000 × 6.710081 − 10,000 = 3,420.16 CNY."""
    out = asset_rows(
        category=["fan"],
        measure=["upgrade_motor+add_vfd"],
        rated_power_kw=[30.0],
        investment_cny=[10_000.0],
        cost_saved_cny=[2_000.0],
        energy_saved_kwh=[20_000.0],
        coal_saved_tce=[2.458],
    )
    log = CaveatLog(1)
    finance.asset_finance(out, tables, log, discount_rate=0.08, file="f", header_map={})
    assert out.loc[0, "lifetime_years"] == 10
    assert out.loc[0, "npv_cny"] == pytest.approx(2_000 * ANNUITY_8PCT_10Y - 10_000, abs=0.01)
    assert "finance.lifetime.shortest_measure" in log.row_codes()[0].split(";")
