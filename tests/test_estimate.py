"""estimate() end to end against hand calculations written out here."""

import json

import numpy as np
import pandas as pd
import pytest

import retrofit
from retrofit.core.exceptions import InventoryError, OptionError

HEADER = (
    "plant_id,asset_id,category,measure,quantity,rated_power_kw,poles,efficiency_class,"
    "target_class,load_factor,operating_hours_h,investment_cny,"
    "electricity_price_cny_per_kwh,plant_energy_tce\n"
)


def write(tmp_path, body, name="plant.csv", header=HEADER, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes((header + body).encode(encoding))
    return path


@pytest.fixture
def iec_55kw_ie2_to_ie4(tmp_path):
    """4-pole 55 kW, IE2 (93.5 %) → IE4 (95.7 %), full load, 4000 h, 0.70 CNY/kWh, 20 000 CNY.

    IEC 60034-30-1:2014 Table, 4-pole 55 kW: IE2 93.5 %, IE4 95.7 %. At load 1.0 the part-load
    ratio is 1 exactly, so:
      baseline = 55 × 1.0 × 4000 / 0.935 = 235 294.118 kWh
      retrofit = 55 × 1.0 × 4000 / 0.957 = 229 885.057 kWh
      saved    = 5 409.061 kWh
      当量值: 5 409.061 × 0.1229 / 1000 = 0.664774 tce
      等价值 (year 2026 → 2025 national target 300 g/kWh): 5 409.061 × 0.300 / 1000 = 1.622718 tce
      CO2 (national 2023, 0.5306 t/MWh): 5 409.061 × 0.5306 / 1000 = 2.870048 t
      cost: 5 409.061 × 0.70 = 3 786.343 CNY; payback 20 000 / 3 786.343 = 5.282143 yr
      plant energy 50 tce → share 0.664774 / 50 = 1.3295 % ≥ 1 % → meets 百一
    """
    return write(tmp_path, "P1,M1,motor,upgrade_motor,1,55,4,IE2,IE4,1.0,4000,20000,0.70,50\n")


def test_hand_calculation_55kw(iec_55kw_ie2_to_ie4):
    # the plant's 50 tce is a 当量值 figure: its share divides the 当量值 savings
    result = retrofit.estimate(iec_55kw_ie2_to_ie4, year=2026, plant_energy_basis="equivalent")
    a = result.assets.iloc[0]
    assert a.efficiency_fl_baseline_pct == 93.5
    assert a.efficiency_fl_retrofit_pct == 95.7
    assert a.efficiency_baseline_pct == pytest.approx(93.5)
    assert a.baseline_energy_kwh == pytest.approx(235294.118, abs=1e-3)
    assert a.retrofit_energy_kwh == pytest.approx(229885.057, abs=1e-3)
    assert a.energy_saved_kwh == pytest.approx(5409.061, abs=1e-3)
    assert a.coal_saved_tce_equivalent == pytest.approx(0.664774, abs=1e-6)
    assert a.coal_saved_tce_equal_value == pytest.approx(1.622718, abs=1e-6)
    assert a.coal_saved_tce == a.coal_saved_tce_equivalent
    assert a.co2_avoided_t == pytest.approx(2.870048, abs=1e-6)
    assert a.cost_saved_cny == pytest.approx(3786.343, abs=1e-3)
    assert a.payback_years == pytest.approx(5.282143, abs=1e-6)
    p = result.plants.iloc[0]
    assert p.saving_share == pytest.approx(0.0132955, abs=1e-7)
    assert bool(p.meets_bai_yi) is True
    assert p.shortfall_tce == 0
    assert result.assumptions["factors"]["equal_value"]["key"] == "national/2025"
    assert result.assumptions["basis"] == "equivalent"


def test_equal_value_basis_sets_headline(iec_55kw_ie2_to_ie4):
    result = retrofit.estimate(iec_55kw_ie2_to_ie4, year=2026, basis="equal_value")
    a = result.assets.iloc[0]
    assert a.coal_saved_tce == a.coal_saved_tce_equal_value
    # 1.622718 / 50 = 3.245 %
    assert result.plants.iloc[0].saving_share == pytest.approx(0.0324544, abs=1e-6)


def test_equal_value_override_and_year_fallback(iec_55kw_ie2_to_ie4):
    result = retrofit.estimate(iec_55kw_ie2_to_ie4, year=2024, equal_value_factor_kgce_per_kwh=0.28)
    # 5 409.061 × 0.28 / 1000 = 1.514537 tce
    assert result.assets.iloc[0].coal_saved_tce_equal_value == pytest.approx(1.514537, abs=1e-6)
    assert "conversion.equal_value.user_factor" in [c.code for c in result.caveats]
    # 2024 accounting → wanted 2023; the national series holds only supply-basis (供电) statistics
    # (2020, 2022), never the 等价值 (GB/T 2589-2020: 发电标准煤耗), so the 2025 target of
    # 300 g/kWh stands in and says so: 5 409.061 × 0.300 / 1000 = 1.622718 tce
    fallback = retrofit.estimate(iec_55kw_ie2_to_ie4, year=2024)
    assert fallback.assumptions["factors"]["equal_value"]["key"] == "national/2025"
    assert fallback.assets.iloc[0].coal_saved_tce_equal_value == pytest.approx(1.622718, abs=1e-6)
    assert "conversion.equal_value.target_used" in [c.code for c in fallback.caveats]


def test_shanghai_local_region_uses_042_and_shanghai_equal_value(iec_55kw_ie2_to_ie4):
    """沪环气〔2022〕34号: 0.42 tCO2/MWh → 5 409.061 × 0.42 / 1000 = 2.271806 t;
    等价值 Shanghai 2024 0.28078 → 5 409.061 × 0.28078 / 1000 = 1.518756 tce."""
    result = retrofit.estimate(iec_55kw_ie2_to_ie4, year=2025, region="shanghai_local")
    a = result.assets.iloc[0]
    assert a.co2_avoided_t == pytest.approx(2.271806, abs=1e-6)
    assert a.coal_saved_tce_equal_value == pytest.approx(1.518756, abs=1e-6)


def test_unknown_region_lists_valid_ones(iec_55kw_ie2_to_ie4):
    with pytest.raises(OptionError, match=r"valid regions: .*shanghai_local"):
        retrofit.estimate(iec_55kw_ie2_to_ie4, region="mars")


def test_part_load_and_defaults_recorded(tmp_path):
    """Blank load and hours take the sourced defaults (0.75, 4000 h) with caveat codes."""
    path = write(tmp_path, "P1,M1,motor,upgrade_motor,2,11,4,IE1,,,,,,\n")
    result = retrofit.estimate(path, year=2026)
    a = result.assets.iloc[0]
    assert a.load_factor == 0.75 and a.operating_hours_h == 4000
    assert a.efficiency_class_retrofit == "grade_2"
    codes = [c.code for c in result.caveats]
    for code in (
        "motor.load_factor.defaulted",
        "motor.operating_hours.defaulted",
        "motor.target_class.defaulted",
        "cost.price.missing",
        "plant.energy.unknown",
    ):
        assert code in codes
    assert "motor.load_factor.defaulted" in a.caveats
    assert pd.isna(result.plants.iloc[0].meets_bai_yi)
    assert result.plants.iloc[0].bai_yi_status == "unknown (no plant energy)"
    assert pd.isna(a.cost_saved_cny) and pd.isna(a.payback_years)


def test_strict_turns_defaults_into_errors(tmp_path):
    path = write(tmp_path, "P1,M1,motor,upgrade_motor,1,11,4,IE1,IE3,,4000,,,\n")
    with pytest.raises(InventoryError) as info:
        retrofit.estimate(path, strict=True)
    assert [i.type for i in info.value.issues] == ["defaulted-strict"]
    assert str(info.value.issues[0]).startswith(f"{path} row 2, column load_factor")


def test_size_outside_tables_is_a_located_error(tmp_path):
    path = write(tmp_path, "P1,M1,motor,upgrade_motor,1,1200,4,IE2,IE3,0.8,4000,,,\n")
    with pytest.raises(InventoryError) as info:
        retrofit.estimate(path)
    issue = info.value.issues[0]
    assert (issue.type, issue.row, issue.column, issue.value) == (
        "out-of-range",
        2,
        "rated_power_kw",
        "1200",
    )


def test_series_and_grades(tmp_path):
    """YE3 → IE3; 二级 → GB 18613-2020 grade 2 = IE4. 4-pole 7.5 kW: IE3 90.4 %, IE4 92.6 %."""
    header = "企业编号,设备编号,设备类型,改造措施,额定功率(kW),极数,能效等级,目标能效等级,负载率,年运行小时\n"
    path = write(tmp_path, "A,1,电机,电机更换,7.5,4,YE3,二级,100%,2000\n", header=header)
    a = retrofit.estimate(path).assets.iloc[0]
    assert (a.efficiency_fl_baseline_pct, a.efficiency_fl_retrofit_pct) == (90.4, 92.6)
    # 7.5 × 2000 × (1/0.904 − 1/0.926) = 15 000 × (1.1061947 − 1.0799136) = 394.216 kWh
    assert a.energy_saved_kwh == pytest.approx(394.216, abs=1e-3)


def test_intermediate_size_uses_eu_formula(tmp_path):
    """4-pole 50 kW, IE3: x = log10 50 = 1.69897;
    η = 0.0773·4.90406 − 1.8951·2.88650 + 9.2984·1.69897 + 83.7025
      = 0.37908 − 5.47020 + 15.79771 + 83.7025 = 94.409 → 94.4 %."""
    path = write(tmp_path, "P1,M1,motor,upgrade_motor,1,50,4,IE3,IE4,1,4000,,,\n")
    a = retrofit.estimate(path).assets.iloc[0]
    assert a.efficiency_fl_baseline_pct == 94.4
    assert a.efficiency_fl_baseline_method == "eu2019_1781_formula"


def test_measured_efficiency_overrides_class(tmp_path):
    header = HEADER.replace(
        "efficiency_class,", "efficiency_class,efficiency_pct,target_efficiency_pct,"
    )
    path = write(
        tmp_path, "P1,M1,motor,upgrade_motor,1,55,4,IE2,90.0,96.0,IE4,1,1000,,,\n", header=header
    )
    a = retrofit.estimate(path).assets.iloc[0]
    # 55 × 1000 × (1/0.90 − 1/0.96) = 3 819.444 kWh
    assert a.energy_saved_kwh == pytest.approx(3819.444, abs=1e-3)
    assert a.efficiency_fl_baseline_method == "input"
    codes = a.caveats.split(";")
    assert "motor.efficiency.baseline_below_class_minimum" in codes


def test_dataframe_input_and_json_shape(iec_55kw_ie2_to_ie4):
    frame = pd.read_csv(iec_55kw_ie2_to_ie4)
    result = retrofit.estimate(frame, year=2026)
    doc = json.loads(result.to_json())
    assert list(doc) == ["assets", "plants", "projects", "supply_curve", "assumptions", "caveats"]
    required = {
        "plant_id",
        "asset_id",
        "category",
        "measure",
        "baseline_energy_kwh",
        "retrofit_energy_kwh",
        "energy_saved_kwh",
        "coal_saved_tce",
        "coal_saved_tce_equivalent",
        "coal_saved_tce_equal_value",
        "co2_avoided_t",
        "cost_saved_cny",
        "payback_years",
        "efficiency_baseline_pct",
        "efficiency_retrofit_pct",
    }
    assert required <= set(doc["assets"][0])
    assert {
        "plant_id",
        "energy_saved_kwh",
        "coal_saved_tce",
        "plant_energy_tce",
        "saving_share",
        "meets_bai_yi",
        "shortfall_tce",
    } <= set(doc["plants"][0])
    assert doc["assumptions"]["tables"]["iec60034_30_1_2014_motor_classes"]["standard"] is True


def test_user_table_marks_result_non_standard(tmp_path, iec_55kw_ie2_to_ie4):
    own = tmp_path / "grid.csv"
    own.write_text(
        "region_key,data_year,factor_tco2_per_mwh,default_for_region,source,confidence"
        "\nnational,2025,0.5,yes,my audit 2025,M\n",
        encoding="utf-8",
    )
    result = retrofit.estimate(iec_55kw_ie2_to_ie4, tables={"grid_emission_factors": own})
    assert result.non_standard
    assert result.assumptions["non_standard_tables"] == ["grid_emission_factors"]
    assert "reference.user_table" in [c.code for c in result.caveats]
    # 5 409.061 × 0.5 / 1000
    assert result.assets.iloc[0].co2_avoided_t == pytest.approx(2.704531, abs=1e-6)


def test_excel_output_has_all_sheets(tmp_path, iec_55kw_ie2_to_ie4):
    out = tmp_path / "out.xlsx"
    retrofit.estimate(iec_55kw_ie2_to_ie4).to_excel(out, style="plain")
    sheets = pd.read_excel(out, sheet_name=None)
    assert list(sheets) == [
        "plants",
        "assets",
        "projects",
        "supply_curve",
        "assumptions",
        "caveats",
    ]
    assert sheets["assets"].energy_saved_kwh.iloc[0] == pytest.approx(5409.061, abs=1e-3)


def test_sample_plant_runs():
    result = retrofit.estimate(retrofit.sample_path(), year=2026)
    assert len(result.assets) == 18
    assert np.isfinite(result.assets.energy_saved_kwh).all()
    # every kind of asset the sample shows: motors, a drive, a pump, a compressor, a
    # transformer, a data hall and two car parks of charging piles
    assert set(result.assets.measure) == {
        "upgrade_motor",
        "upgrade_motor+add_vfd",
        "add_vfd",
        "upgrade_equipment",
        "upgrade_equipment+fix_leaks+reduce_pressure",
        "improve_pue+refresh_it",
        "replace_charger",
    }
    # the transformer and the air-side measures replace no motor
    assets = result.assets.set_index("asset_id")
    kw = assets.retrofitted_motor_kw
    assert kw["T-401"] == 0 and kw["F-011"] == 150 and kw["C-301"] == 90
    # DC-01: 800 kW × 8760 h = 7 008 000 kWh IT; × 1.75 = 12 264 000; IT × 0.82 × 1.35 =
    # 7 757 856; saved 4 506 144 kWh; r = 18 % is a 21.95 % gain, so its 1000 kW count
    assert assets.loc["DC-01", "energy_saved_kwh"] == pytest.approx(4_506_144)
    # EV-01: 40 ac piles, standby 2 → 10 W over 8760 − 2500/7 h: 40 × −0.008 × 58 820/7
    assert assets.loc["EV-01", "energy_saved_kwh"] == pytest.approx(-0.32 * 58_820 / 7)
    campus = result.plants.set_index("plant_id").loc["SH-0004"]
    assert campus.it_renewed_kw == 1000 and campus.piles_replaced == 44 and campus.assets == 3


def test_plants_file_supplies_energy_and_name(tmp_path, write_csv):
    """Plant energy from --plants: 0.664774 tce saved (see iec_55kw fixture) on 100 tce → 0.66 %,
    short of 1 % by 1.0 − 0.664774 = 0.335226 tce."""
    inv = write(tmp_path, "P1,M1,motor,upgrade_motor,1,55,4,IE2,IE4,1.0,4000,,,\n")
    plants = write_csv("plant_id,plant_energy_tce,name,region\nP1,100,示例厂,浦东\n", "plants.csv")
    p = retrofit.estimate(inv, plants=plants, year=2026, plant_energy_basis="equivalent")
    p = p.plants.iloc[0]
    assert p["name"] == "示例厂"
    assert p.plant_energy_tce == 100
    assert bool(p.meets_bai_yi) is False
    assert p.shortfall_tce == pytest.approx(0.335226, abs=1e-6)
    assert p.bai_yi_status == "short (estimate)"


def test_plant_energy_in_two_places_must_agree(write_csv, iec_55kw_ie2_to_ie4):
    plants = write_csv("plant_id,plant_energy_tce\nP1,70\n", "plants.csv")
    with pytest.raises(InventoryError) as info:
        retrofit.estimate(iec_55kw_ie2_to_ie4, plants=plants)
    assert str(info.value.issues[0]) == (
        f'{plants} row 2, column plant_energy_tce: "70" — expected the inventory\'s value 50 tce '
        "for plant P1 (give it in one place)"
    )


def test_plant_energy_conflict_names_the_plants_file_header(write_csv, iec_55kw_ie2_to_ie4):
    plants = write_csv("企业编号,上年综合能耗(tce)\nP0,1\nP1,70\n", "plants.csv", encoding="gbk")
    with pytest.raises(InventoryError) as info:
        retrofit.estimate(iec_55kw_ie2_to_ie4, plants=plants)
    assert str(info.value.issues[0]).startswith(
        f'{plants} row 3, column 上年综合能耗(tce): "70" — expected'
    )


def test_every_default_applied_is_in_the_assumptions_even_two_for_one_column():
    # the example's M-006 takes 4000 h (motors) and DC-01 8760 h (data centres): both listed
    defaults = retrofit.estimate("retrofit/samples/example_plant.csv", year=2026).assumptions[
        "defaults"
    ]
    hours = {code: d["value"] for code, d in defaults.items() if d["column"] == "operating_hours_h"}
    assert hours == {
        "motor.operating_hours.defaulted": 4000.0,
        "datacenter.operating_hours.defaulted": 8760.0,
    }
