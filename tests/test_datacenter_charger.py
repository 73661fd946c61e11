"""Data-centre and charging-pile rows through retrofit.estimate, against hand calculations
written out here (issue 5), and the policy checks at their boundaries."""

import pandas as pd
import pytest

import retrofit
from retrofit.core.exceptions import InventoryError


def frame(*rows):
    df = pd.DataFrame(list(rows))
    df.insert(0, "plant_id", "P1")
    df.insert(1, "asset_id", [f"A{i}" for i in range(len(df))])
    return df


def run(*rows, **options):
    return retrofit.estimate(frame(*rows), year=2026, **options)


def issues_of(*rows, **options):
    with pytest.raises(InventoryError) as err:
        run(*rows, **options)
    return err.value.issues


def codes(result, i=0):
    return result.assets.loc[i, "caveats"].split(";")


DC = {"category": "datacenter", "it_load_kw": 500, "operating_hours_h": 8760, "pue": 1.6}


# --- data centres ---------------------------------------------------------------------------


def test_improve_pue_issue_example():
    """500 kW IT × 8760 h = 4 380 000 kWh IT; × 1.6 = 7 008 000; × 1.3 = 5 694 000;
    saved 4 380 000 × 0.3 = 1 314 000 kWh (the issue's worked example)."""
    a = run(DC | {"measure": "improve_pue", "target_pue": 1.3}).assets.iloc[0]
    assert a["baseline_energy_kwh"] == pytest.approx(7_008_000)
    assert a["retrofit_energy_kwh"] == pytest.approx(5_694_000)
    assert a["energy_saved_kwh"] == pytest.approx(1_314_000)
    assert a["saving_improve_pue_kwh"] == pytest.approx(1_314_000)
    assert a["saving_refresh_it_kwh"] == pytest.approx(0)
    # 当量值 0.1229 kgce/kWh: 1 314 000 × 0.1229 / 1000 = 161.4906 tce
    assert a["coal_saved_tce_equivalent"] == pytest.approx(161.4906)
    assert a["retrofitted_motor_kw"] == 0 and a["it_renewed_kw"] == 0


def test_refresh_it_alone():
    """r = 0.25: IT 4 380 000 → 3 285 000 kWh; facility 7 008 000 → 5 256 000; saved
    1 752 000 kWh; gain 0.25/0.75 = 1/3 ≥ 20 %, so the 500 kW count toward the goal."""
    result = run(DC | {"measure": "refresh_it", "it_energy_reduction": 0.25})
    a = result.assets.iloc[0]
    assert a["it_energy_retrofit_kwh"] == pytest.approx(3_285_000)
    assert a["energy_saved_kwh"] == pytest.approx(1_752_000)
    assert a["pue_retrofit"] == 1.6
    assert a["it_efficiency_gain"] == pytest.approx(1 / 3)
    assert a["meets_it_gain_rule"] is True or a["meets_it_gain_rule"] == True
    assert a["it_renewed_kw"] == pytest.approx(500)
    assert "datacenter.it_capacity.from_load" in codes(result)
    assert "datacenter.refresh_it.pue_held" in codes(result)


def test_combined_measure_counts_the_pue_gain_on_the_reduced_it_load_once():
    """PUE 1.6 → 1.3 and r = 0.2 on 4 380 000 kWh IT:
    IT after = 3 504 000; facility after = 3 504 000 × 1.3 = 4 555 200; saved = 7 008 000 −
    4 555 200 = 2 452 800 kWh. Split: refresh (4 380 000 − 3 504 000) × 1.6 = 1 401 600, PUE
    3 504 000 × 0.3 = 1 051 200. Adding the two single-measure savings (1 314 000 + 1 401 600 =
    2 715 600) would count the PUE gain on the removed 876 000 kWh (262 800) twice."""
    a = run(
        DC | {"measure": "improve_pue+refresh_it", "target_pue": 1.3, "it_energy_reduction": 0.2}
    ).assets.iloc[0]
    assert a["energy_saved_kwh"] == pytest.approx(2_452_800)
    assert a["saving_refresh_it_kwh"] == pytest.approx(1_401_600)
    assert a["saving_improve_pue_kwh"] == pytest.approx(1_051_200)
    assert a["energy_saved_kwh"] == pytest.approx(2_715_600 - 262_800)


def test_quantity_and_it_capacity():
    """2 identical halls, 300 kW average IT load, 400 kW rated IT capacity renewed, r = 0.3
    (gain 0.3/0.7 = 42.9 %): 2 × 400 = 800 kW count; saved 2 × 300 × 8760 × 0.3 × 1.5 =
    2 365 200 kWh."""
    result = run(
        DC
        | {
            "measure": "refresh_it",
            "it_load_kw": 300,
            "pue": 1.5,
            "quantity": 2,
            "it_capacity_kw": 400,
            "it_energy_reduction": 0.3,
        }
    )
    a = result.assets.iloc[0]
    assert a["it_renewed_kw"] == pytest.approx(800)
    assert a["energy_saved_kwh"] == pytest.approx(2_365_200)
    assert result.plants.loc[0, "it_renewed_kw"] == pytest.approx(800)


@pytest.mark.parametrize(
    ("reduction", "counts", "reading_caveat"),
    [
        (0.166, False, False),  # gain 0.166/0.834 = 0.19904 < 0.20
        (1 / 6, True, True),  # gain exactly 0.2: counts under the work-per-kWh reading only
        (0.18, True, True),  # gain 0.2195
        (0.2, True, False),  # gain 0.25: counts under both readings
    ],
)
def test_it_gain_rule_boundary(reduction, counts, reading_caveat):
    result = run(DC | {"measure": "refresh_it", "it_energy_reduction": reduction})
    a = result.assets.iloc[0]
    assert bool(a["meets_it_gain_rule"]) is counts
    assert a["it_renewed_kw"] == (500 if counts else 0)
    assert ("datacenter.it_gain.reading" in codes(result)) is reading_caveat


@pytest.mark.parametrize(
    ("target", "new_build", "limit", "meets"),
    [
        (1.4, "no", 1.4, True),
        (1.41, "no", 1.4, False),
        (1.25, "yes", 1.25, True),
        (1.26, "yes", 1.25, False),
        (1.3, None, 1.4, True),  # blank new_build: an existing site (default, caveated)
    ],
)
def test_shanghai_pue_rule_boundary(target, new_build, limit, meets):
    row = DC | {"measure": "improve_pue", "target_pue": target}
    if new_build is not None:
        row["new_build"] = new_build
    result = run(row)
    a = result.assets.iloc[0]
    assert a["local_pue_limit"] == limit
    assert bool(a["meets_local_pue"]) is meets
    if new_build is None:
        assert "datacenter.new_build.defaulted" in codes(result)


@pytest.mark.parametrize(
    ("pue", "racks", "grade"),
    [
        (1.5, 500, "grade_3"),  # GB 40879-2021 grade 3 limit: 电能比 ≤ 1.50
        (1.51, 500, "above grade_3 limit (1.5)"),
        (1.6, 100, "not applicable (edge, ≤ 100 racks)"),
        (1.6, 101, "above grade_3 limit (1.5)"),
    ],
)
def test_gb40879_grade_boundary(pue, racks, grade):
    result = run(DC | {"measure": "improve_pue", "pue": 1.8, "target_pue": pue, "racks": racks})
    a = result.assets.iloc[0]
    assert a["gb40879_grade_retrofit"] == grade
    assert ("datacenter.gb40879.grades_unverified" in codes(result)) is (racks > 100)


@pytest.mark.parametrize(
    ("pue", "racks", "years", "expected"),
    [
        (1.7, 800, 10, False),  # PUE must be strictly above 1.7 (大于1.7)
        (1.71, 800, 10, True),  # at most 800 racks (不超过800架), 10 years or more (10年以上)
        (1.71, 801, 10, False),
        (1.71, 800, 9.9, False),
        (1.8, None, 12, None),  # unknown rack count: unknown, not "no"
        (1.5, None, None, False),  # PUE fails: "no" whatever the rest
    ],
)
def test_bai_yi_closure_profile_boundary(pue, racks, years, expected):
    row = DC | {"measure": "improve_pue", "pue": pue, "target_pue": 1.3}
    if racks is not None:
        row["racks"] = racks
    if years is not None:
        row["years_in_service"] = years
    a = run(row).assets.iloc[0]
    value = a["bai_yi_closure_profile"]
    assert (value is pd.NA) if expected is None else (bool(value) is expected)


def test_datacenter_hours_default_to_8760_with_a_caveat():
    row = {k: v for k, v in DC.items() if k != "operating_hours_h"}
    result = run(row | {"measure": "improve_pue", "target_pue": 1.3})
    assert result.assets.loc[0, "operating_hours_h"] == 8760
    assert "datacenter.operating_hours.defaulted" in codes(result)


@pytest.mark.parametrize(
    ("change", "column", "value", "expected"),
    [
        ({"pue": 0.9}, "pue", "0.9", "≥ 1"),
        ({"target_pue": 1.7}, "target_pue", "1.7", "≤ the present PUE 1.6"),
        (
            {"measure": "improve_pue+refresh_it", "it_energy_reduction": 1.0},
            "it_energy_reduction",
            "1",
            "< 1",
        ),
        ({"target_pue": None}, "target_pue", "", "improve_pue needs it"),
    ],
)
def test_datacenter_impossible_inputs_are_clear_errors(change, column, value, expected):
    row = DC | {"measure": "improve_pue", "target_pue": 1.3} | change
    issues = issues_of(row)
    assert any(
        (i.row, i.column, i.value) == (2, column, value) and expected in i.expected for i in issues
    ), issues


# --- charging piles -------------------------------------------------------------------------

AC = {
    "category": "charger",
    "measure": "replace_charger",
    "charger_type": "ac",
    "rated_power_kw": 7,
    "quantity": 10,
    "energy_delivered_kwh": 3000,
}
DCPILE = {
    "category": "charger",
    "measure": "replace_charger",
    "charger_type": "dc",
    "rated_power_kw": 60,
    "quantity": 2,
    "operating_hours_h": 1500,
    "load_factor": 0.6,
    "efficiency_pct": 90,
    "target_efficiency_pct": 95,
    "standby_w": 100,
    "target_standby_w": 30,
    "electricity_price_cny_per_kwh": 0.8,
}


def test_ac_pile_with_defaults_keeps_its_negative_saving():
    """Table charger_defaults: ac 90 % before and after; standby 2 W → 10 W.
    Charging hours = 3000 kWh ÷ 7 kW = 428.571 h; standby hours = 8760 − 3000/7 = 58 320/7.
    Conversion: 3000/0.9 both sides, no change. Standby per pile: (0.002 − 0.010) kW ×
    58 320/7 h = −466.56/7 = −66.6514 kWh; ten piles: −666.514 kWh, kept negative."""
    result = run(AC)
    a = result.assets.iloc[0]
    assert a["charging_hours_h"] == pytest.approx(3000 / 7)
    assert a["standby_hours_h"] == pytest.approx(58_320 / 7)
    assert a["saving_conversion_kwh"] == pytest.approx(0)
    assert a["energy_saved_kwh"] == pytest.approx(-4665.6 / 7)
    assert a["coal_saved_tce_equivalent"] < 0 and a["co2_avoided_t"] < 0
    assert a["piles_replaced"] == 10
    assert result.plants.loc[0, "piles_replaced"] == 10
    for code in (
        "charger.saving.negative",
        "charger.standby_baseline.defaulted",
        "charger.ac.no_conversion_saving",
        "charger.hours.at_rated_power",
    ):
        assert code in codes(result)


def test_dc_pile_hand_calculation():
    """Per pile: delivered 60 kW × 0.6 × 1500 h = 54 000 kWh; input 54 000/0.90 = 60 000 →
    54 000/0.95 = 56 842.105; standby hours 8760 − 1500 = 7260: 0.100 × 7260 = 726 →
    0.030 × 7260 = 217.8. Saving per pile 3157.895 + 508.2 = 3666.095; two piles 7332.189 kWh;
    cost at 0.8 CNY/kWh (no tariff: average price) 5865.75 CNY."""
    a = run(DCPILE).assets.iloc[0]
    assert a["energy_delivered_kwh"] == pytest.approx(54_000)
    assert a["saving_conversion_kwh"] == pytest.approx(2 * (60_000 - 54_000 / 0.95))
    assert a["saving_standby_kwh"] == pytest.approx(2 * 508.2)
    assert a["energy_saved_kwh"] == pytest.approx(7332.189474)
    assert a["cost_saved_cny"] == pytest.approx(7332.189474 * 0.8)
    assert a["price_multiplier"] == 1


def test_off_peak_shift_is_cost_only():
    """single_part tariff (沪发改价管〔2022〕50号), charging 10:00-14:00 daily (all peak), half
    the charging energy moved to the valley. 2026 has 154 days in months 1, 7, 8, 9, 12 (peak
    1.20) and 211 in the others (peak 1.17); valley 0.55 all year.
      gap = (154 × (1.20 − 0.55) + 211 × (1.17 − 0.55)) / 365 = 230.92/365 = 0.632658
      charging input after = 2 × 54 000/0.95 = 113 684.21 kWh
      shift saving = 113 684.21 × 0.5 × 0.8 × 0.632658 = 28 769.0 CNY
    Energy, tce and CO2 are those of the same row without the shift."""
    plain = run(DCPILE | {"tariff_class": "single_part", "load_profile": "10:00-14:00"})
    shifted = run(
        DCPILE
        | {
            "tariff_class": "single_part",
            "load_profile": "10:00-14:00",
            "offpeak_shift_fraction": 0.5,
        }
    )
    a, b = plain.assets.iloc[0], shifted.assets.iloc[0]
    gap = (154 * (1.20 - 0.55) + 211 * (1.17 - 0.55)) / 365
    assert b["load_shift_cost_saved_cny"] == pytest.approx(2 * 54_000 / 0.95 * 0.5 * 0.8 * gap)
    assert a["load_shift_cost_saved_cny"] == 0
    for column in (
        "energy_saved_kwh",
        "coal_saved_tce",
        "coal_saved_tce_equal_value",
        "co2_avoided_t",
        "cost_saved_cny",
    ):
        assert b[column] == a[column]
    assert b["payback_years"] is not None
    assert "tariff.shift.cost_only" in codes(shifted)


def test_tou_prices_charging_and_standby_on_their_own_hours():
    """Same row, 10:00-14:00 profile. Charging hours are all peak: m = (154 × 1.20 + 211 ×
    1.17)/365 = 431.67/365 = 1.182658. Standby falls in the other 20 h: 12 peak (06-10,
    14-22) and 8 valley: summer (12 × 1.20 + 8 × 0.55)/20 = 0.94, other (12 × 1.17 + 4.4)/20 =
    0.922; m_standby = (154 × 0.94 + 211 × 0.922)/365 = 339.302/365 = 0.929595.
    cost = 0.8 × (1.182658 × 2 × 3157.895 + 0.929595 × 2 × 508.2)."""
    a = run(DCPILE | {"tariff_class": "single_part", "load_profile": "10:00-14:00"}).assets.iloc[0]
    m, m_standby = 431.67 / 365, 339.302 / 365
    assert a["price_multiplier"] == pytest.approx(m)
    assert a["standby_price_multiplier"] == pytest.approx(m_standby)
    assert a["peak_energy_share"] == pytest.approx(1.0)
    conversion = 2 * (60_000 - 54_000 / 0.95)
    assert a["cost_saved_cny"] == pytest.approx(0.8 * (m * conversion + m_standby * 2 * 508.2))


def test_datacenter_under_a_tariff_defaults_to_continuous():
    """Continuous load on single_part: summer months (16 × 1.20 + 8 × 0.55)/24 = 23.6/24,
    others (16 × 1.17 + 4.4)/24 = 23.12/24; m = (154 × 23.6 + 211 × 23.12)/(24 × 365)."""
    result = run(
        DC | {"measure": "improve_pue", "target_pue": 1.3, "electricity_price_cny_per_kwh": 0.7},
        tariff="单一制",
    )
    a = result.assets.iloc[0]
    m = (154 * 23.6 + 211 * 23.12) / (24 * 365)
    assert a["tariff_class"] == "single_part" and a["load_profile"] == "continuous"
    assert a["price_multiplier"] == pytest.approx(m)
    assert a["cost_saved_cny"] == pytest.approx(1_314_000 * 0.7 * m)
    assert {"tariff.profile.datacenter_continuous", "tariff.from_option"} <= set(codes(result))


def test_shift_errors():
    # the night profile has no peak energy to move
    issues = issues_of(
        DCPILE
        | {"tariff_class": "single_part", "load_profile": "night", "offpeak_shift_fraction": 0.1}
    )
    assert any(
        (i.row, i.column, i.value) == (2, "offpeak_shift_fraction", "0.1")
        and "at most" in i.expected
        for i in issues
    )
    # a shift needs a tariff
    issues = issues_of(DCPILE | {"offpeak_shift_fraction": 0.1})
    assert any((i.row, i.column, i.value) == (2, "tariff_class", "") for i in issues)
    # only piles shift
    issues = issues_of(
        DC
        | {
            "measure": "improve_pue",
            "target_pue": 1.3,
            "offpeak_shift_fraction": 0.1,
            "tariff_class": "single_part",
        }
    )
    assert any(
        (i.row, i.column, i.value) == (2, "offpeak_shift_fraction", "0.1")
        and "charging piles only" in i.expected
        for i in issues
    )


def test_tariff_needs_a_profile_on_other_rows_and_a_valid_one():
    motor = {
        "category": "motor",
        "measure": "upgrade_motor",
        "rated_power_kw": 55,
        "poles": 4,
        "efficiency_class": "IE2",
        "electricity_price_cny_per_kwh": 0.7,
    }
    issues = issues_of(motor, tariff="single_part")
    assert any(
        (i.row, i.column, i.value) == (2, "load_profile", "") and "single_shift" in i.expected
        for i in issues
    )
    issues = issues_of(motor | {"load_profile": "8:30-17:00"}, tariff="single_part")
    assert any(
        (i.row, i.column, i.value) == (2, "load_profile", "8:30-17:00")
        and "whole hours" in i.expected
        for i in issues
    )
    with pytest.raises(ValueError, match="unknown tariff"):
        run(motor, tariff="peak-valley")


@pytest.mark.parametrize(
    ("change", "column", "row", "value", "expected"),
    [
        ({"efficiency_pct": 101}, "efficiency_pct", 2, "101", "< 100"),
        ({"standby_w": None}, "standby_w", 2, "", "no sourced default"),
        ({"operating_hours_h": 9000}, "operating_hours_h", 2, "9000", "≤ 8784"),
        (
            {"operating_hours_h": None, "energy_delivered_kwh": 600_000},
            "energy_delivered_kwh",
            2,
            "600000",
            "at most 8760 charging hours",
        ),
        ({"charger_type": None}, "charger_type", None, None, "needs a column charger_type"),
    ],
)
def test_charger_clear_errors(change, column, row, value, expected):
    data = {k: v for k, v in (DCPILE | change).items() if v is not None}
    issues = issues_of(data)
    assert any(
        (i.row, i.column, i.value) == (row, column, value) and expected in i.expected
        for i in issues
    ), issues


def test_chinese_headers_and_values_in_gbk(tmp_path):
    """A data-centre and a pile row as Excel on Chinese Windows saves them (GBK, Chinese headers
    and values) read the same as the canonical English frame."""
    text = (
        "企业编号,设备编号,设备类型,改造措施,数量,IT设备平均负荷(kW),现状PUE,改造后PUE,IT节能率,"
        "机架数,已运行年限,是否新建,充电桩类型,额定功率(kW),单桩年充电量(kWh),待机功率(W),"
        "新桩待机功率(W),效率(%),目标效率(%),电价,分时电价类别,充电时段,峰转谷比例\n"
        "P1,A0,数据中心,降低PUE+IT设备更新,1,500,1.6,1.3,20%,300,12,否,,,,,,,,0.7,,,\n"
        "P1,A1,充电桩,更换充电桩,2,,,,,,,,直流桩,60,54000,100,30,90,95,0.8,单一制,"
        "10:00-14:00,50%\n"
    )
    path = tmp_path / "园区.csv"
    path.write_bytes(text.encode("gbk"))
    zh = retrofit.estimate(path, year=2026).assets
    en = run(
        DC
        | {
            "measure": "improve_pue+refresh_it",
            "target_pue": 1.3,
            "it_energy_reduction": 0.2,
            "racks": 300,
            "years_in_service": 12,
            "new_build": "no",
            "electricity_price_cny_per_kwh": 0.7,
        },
        DCPILE
        | {
            "operating_hours_h": None,
            "load_factor": None,
            "energy_delivered_kwh": 54_000,
            "tariff_class": "single_part",
            "load_profile": "10:00-14:00",
            "offpeak_shift_fraction": 0.5,
        },
    ).assets
    assert zh.loc[0, "energy_saved_kwh"] == pytest.approx(2_452_800)
    for column in (
        "energy_saved_kwh",
        "cost_saved_cny",
        "load_shift_cost_saved_cny",
        "it_renewed_kw",
        "piles_replaced",
    ):
        assert zh[column].to_list() == pytest.approx(en[column].to_list()), column


def test_profile_without_tariff_is_reported_unused():
    result = run(DCPILE | {"load_profile": "night"})
    assert result.assets.loc[0, "price_multiplier"] == 1
    assert result.assets.loc[0, "load_profile"] == "night"  # kept, not lost
    assert "tariff.profile.unused" in codes(result)


def test_pue_and_refresh_on_one_row_keep_their_own_lives():
    """r = 0.25, PUE 1.6 → 1.3: refresh saves 1,095,000 × 1.6 = 1,752,000 kWh, the lower PUE
    3,285,000 × 0.3 = 985,500 kWh; shares 0.64 and 0.36. At 0.7 CNY/kWh S = 1,916,250 CNY/yr;
    I = 6,000,000: NPV = 1,916,250 × (0.64 × 3.992710 + 0.36 × 9.818147) − 6,000,000 =
    1,916,250 × 6.089867 − 6,000,000 = 5,669,708.6 CNY; the equivalent life
    −ln(1 − 0.08 × 6.089867)/ln 1.08 = 8.6778 years (not the 5 of the IT refresh)."""
    row = DC | {
        "measure": "improve_pue+refresh_it",
        "target_pue": 1.3,
        "it_energy_reduction": 0.25,
        "electricity_price_cny_per_kwh": 0.7,
        "investment_cny": 6_000_000,
    }
    result = run(row)
    a = result.assets.iloc[0]
    assert a["energy_saved_kwh"] == pytest.approx(2_737_500)
    assert a["npv_cny"] == pytest.approx(5_669_708.6, abs=0.1)
    assert a["lifetime_years"] == pytest.approx(8.67775, abs=1e-5)
    assert "finance.lifetime.per_measure" in codes(result)
