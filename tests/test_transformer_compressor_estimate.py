"""Transformer and compressed-air rows through retrofit.estimate, against cited table values and
hand calculations written out here."""

import numpy as np
import pandas as pd
import pytest

import retrofit
from retrofit.core.exceptions import InventoryError
from retrofit.measures import compressed_air, transformer

PSI_PER_BAR = 14.503773773
RATE_PER_BAR = 0.005 * PSI_PER_BAR  # 0.5 %/psi → 0.0725189 per bar


def frame(*rows):
    df = pd.DataFrame(list(rows))
    df.insert(0, "plant_id", "P1")
    df.insert(1, "asset_id", [f"A{i}" for i in range(len(df))])
    return df


def run(*rows):
    return retrofit.estimate(frame(*rows), year=2026)


def issues_of(*rows):
    with pytest.raises(InventoryError) as err:
        run(*rows)
    return err.value.issues


def codes(result, i=0):
    return result.assets.loc[i, "caveats"].split(";")


TRANSFORMER = {
    "category": "transformer",
    "measure": "upgrade_equipment",
    "transformer_type": "oil",
    "load_factor": 0.5,
    "operating_hours_h": 4000,
}
COMPRESSOR = {
    "category": "compressor",
    "rated_power_kw": 55,
    "load_factor": 0.75,
    "operating_hours_h": 4000,
    "compressor_type": "oil_injected_rotary",
    "cooling": "air",
    "discharge_pressure_mpa": 0.8,
}


# --- transformers -------------------------------------------------------------------------


@pytest.fixture
def gb20052_2024_table1_630kva_oil_steel_grade2():
    """GB 20052-2024 表1 (10 kV oil, electrical steel), 630 kVA, grade 2: P0 0.51 kW,
    Pk 4.96 kW (one value for every vector group from 630 kVA up).

    Present unit: nameplate P0 0.81 kW, Pk 6.2 kW (an S11-630). β = 0.5, 4000 h, 8760 h
    energised:
      baseline = 0.81 × 8760 + 6.2 × 0.25 × 4000 = 7095.6 + 6200 = 13 295.6 kWh
      retrofit = 0.51 × 8760 + 4.96 × 0.25 × 4000 = 4467.6 + 4960 = 9 427.6 kWh
      saved    = 3 868.0 kWh
    """
    return TRANSFORMER | {
        "rated_kva": 630,
        "no_load_loss_kw": 0.81,
        "load_loss_kw": 6.2,
        "target_equipment_grade": "grade_2",
    }


def test_transformer_630kva_grade2_hand_calculation(gb20052_2024_table1_630kva_oil_steel_grade2):
    result = run(gb20052_2024_table1_630kva_oil_steel_grade2)
    a = result.assets.iloc[0]
    assert a.no_load_loss_retrofit_kw == 0.51
    assert a.load_loss_retrofit_kw == 4.96
    assert a.losses_retrofit_source == "gb20052_2024 表1 oil 10 kV 630 kVA steel grade_2"
    assert a.losses_baseline_source == "input:no_load_loss_kw+load_loss_kw"
    assert a.energised_hours_h == 8760
    assert a.baseline_energy_kwh == pytest.approx(13295.6, abs=1e-6)
    assert a.retrofit_energy_kwh == pytest.approx(9427.6, abs=1e-6)
    assert a.energy_saved_kwh == pytest.approx(3868.0, abs=1e-6)
    assert a.retrofitted_motor_kw == 0
    # √(0.81/6.2) = 0.361449; √(0.51/4.96) = 0.320660
    assert a.optimal_load_factor_baseline == pytest.approx(0.361449, abs=1e-6)
    assert a.optimal_load_factor_retrofit == pytest.approx(0.320660, abs=1e-6)
    c = codes(result)
    assert "transformer.energy.loss_only" in c
    assert "transformer.core_material.defaulted" in c
    assert "transformer.vector_group.defaulted" not in c  # the table does not split at 630


def test_transformer_vector_group_matters_up_to_500kva():
    """GB 20052-2024 表1, 315 kVA steel grade 2: Pk 3.065 kW (Dyn11/Yzn11), 2.92 kW (Yyn0);
    P0 0.305 kW for both."""
    row = TRANSFORMER | {"rated_kva": 315, "no_load_loss_kw": 0.48, "load_loss_kw": 3.65}
    result = run(row, row | {"vector_group": "Yyn0"}, row | {"vector_group": "Yzn11"})
    a = result.assets
    assert a.load_loss_retrofit_kw.tolist() == [3.065, 2.92, 3.065]
    assert a.no_load_loss_retrofit_kw.tolist() == [0.305, 0.305, 0.305]
    assert a.losses_retrofit_source[1] == "gb20052_2024 表1 oil 10 kV 315 kVA steel Yyn0 grade_2"
    assert "transformer.vector_group.defaulted" in codes(result, 0)
    assert "transformer.vector_group.defaulted" not in codes(result, 1)


def test_transformer_dry_1000kva_insulation_f_default():
    """GB 20052-2024 表2 (10 kV dry), 1000 kVA steel, class F, grade 2: P0 1.205, Pk 7.315 kW;
    class H grade 3: P0 1.415, Pk 8.76 kW."""
    row = TRANSFORMER | {
        "transformer_type": "dry",
        "rated_kva": 1000,
        "no_load_loss_kw": 2.2,
        "load_loss_kw": 9.4,
    }
    result = run(row, row | {"insulation_class": "H", "target_equipment_grade": "grade_3"})
    a = result.assets
    assert (a.no_load_loss_retrofit_kw[0], a.load_loss_retrofit_kw[0]) == (1.205, 7.315)
    assert (a.no_load_loss_retrofit_kw[1], a.load_loss_retrofit_kw[1]) == (1.415, 8.76)
    assert "transformer.insulation_class.defaulted" in codes(result, 0)
    assert "transformer.insulation_class.defaulted" not in codes(result, 1)


def test_transformer_s11_from_series_table_xiaomilidoc_case():
    """S11-315 from table transformer_series_losses: P0 0.48, Pk 3.65 kW, the losses of the
    worked example xiaomilidoc.com/p-6309456.html. β 0.77, 8760 h, two units:
      one unit: 0.48 × 8760 + 3.65 × 0.77² × 8760 = 4204.8 + 18957.3846 = 23 162.1846 kWh
      two units: 46 324.3692 kWh (the page's 3.05万 kWh per unit adds the reactive term)
    """
    row = TRANSFORMER | {
        "rated_kva": 315,
        "transformer_series": "S11-M-315/10",
        "load_factor": 0.77,
        "operating_hours_h": 8760,
        "quantity": 2,
    }
    result = run(row)
    a = result.assets.iloc[0]
    assert (a.no_load_loss_baseline_kw, a.load_loss_baseline_kw) == (0.48, 3.65)
    assert a.losses_baseline_source == "transformer_series_losses S11 315 kVA Yyn0"
    assert a.baseline_energy_kwh == pytest.approx(46324.3692, abs=1e-6)
    assert a.loss_power_baseline_kw == pytest.approx(2.644085, abs=1e-9)
    assert {"transformer.series.losses_from_table", "transformer.series.prefix_matched"} <= set(
        codes(result)
    )


def test_transformer_quoted_target_and_negative_saving_not_clipped():
    # quoted P0 1.0, Pk 7.0 vs present 0.81 / 6.2 (β 0.5, 4000 h):
    # retrofit = 1.0 × 8760 + 7.0 × 0.25 × 4000 = 15 760; baseline 13 295.6; saved −2 464.4
    row = TRANSFORMER | {
        "rated_kva": 630,
        "no_load_loss_kw": 0.81,
        "load_loss_kw": 6.2,
        "target_no_load_loss_kw": 1.0,
        "target_load_loss_kw": 7.0,
    }
    result = run(row)
    a = result.assets.iloc[0]
    assert a.energy_saved_kwh == pytest.approx(-2464.4, abs=1e-6)
    assert a.losses_retrofit_source == "input:target_no_load_loss_kw+target_load_loss_kw"
    c = codes(result)
    assert {"transformer.target_losses.quoted", "transformer.upgrade.not_an_improvement"} <= set(c)
    assert "transformer.gb20052.single_source" not in c


def test_transformer_blank_load_factor_is_an_error():
    row = TRANSFORMER | {"rated_kva": 630, "no_load_loss_kw": 0.81, "load_loss_kw": 6.2}
    issues = issues_of(row | {"load_factor": None}, row | {"operating_hours_h": None})
    assert [(i.type, i.row, i.column, i.value) for i in issues] == [
        ("blank-required", 2, "load_factor", ""),
        ("blank-required", 3, "operating_hours_h", ""),
    ]
    assert issues[0].expected.endswith("(measure upgrade_equipment on a transformer needs it)")


def test_transformer_untabulated_kva_lists_neighbours():
    row = TRANSFORMER | {"rated_kva": 700, "no_load_loss_kw": 1.0, "load_loss_kw": 7.0}
    (issue,) = issues_of(row)
    assert (issue.type, issue.row, issue.column, issue.value) == (
        "out-of-range",
        2,
        "rated_kva",
        "700",
    )
    assert issue.expected == (
        "a capacity tabulated in GB 20052-2024 表1 (oil, 10 kV): nearest 630 and 800 kVA, no "
        "interpolation; or give target_no_load_loss_kw and target_load_loss_kw"
    )


def test_transformer_old_series_without_nameplate_is_an_error():
    (issue,) = issues_of(TRANSFORMER | {"rated_kva": 630, "transformer_series": "S9"})
    assert (issue.type, issue.row, issue.column, issue.value) == (
        "unknown-value",
        2,
        "transformer_series",
        "S9",
    )
    assert "S7, S9, S14, S20, SC(B)9, SCB10–SCB18" in issue.expected
    assert "nameplate no_load_loss_kw and load_loss_kw" in issue.expected
    (blank,) = issues_of(TRANSFORMER | {"rated_kva": 630})
    assert (blank.type, blank.column) == ("blank-required", "no_load_loss_kw")


# --- compressed air -----------------------------------------------------------------------


@pytest.fixture
def gb19153_2019_table1_55kw_08mpa_air_grade2():
    """GB 19153-2019 表1 (oil-injected rotary, fixed speed), 55 kW, 0.8 MPa, air-cooled:
    grade 1/2/3 = 6.5 / 7.0 / 7.7 kW/(m³/min).

    Present 8.0 kW/(m³/min), 55 kW × 0.75 × 4000 h:
      E0 = 165 000 kWh; E1 = 165 000 × 7.0 / 8.0 = 144 375 kWh; saving 20 625 kWh
    """
    return COMPRESSOR | {
        "measure": "upgrade_equipment",
        "specific_power_kw_per_m3min": 8.0,
        "target_equipment_grade": "grade_2",
    }


def test_compressor_upgrade_grade2_hand_calculation(gb19153_2019_table1_55kw_08mpa_air_grade2):
    row = gb19153_2019_table1_55kw_08mpa_air_grade2
    result = run(
        row,
        row | {"target_equipment_grade": "grade_1"},
        row | {"target_equipment_grade": "grade_3"},
    )
    a = result.assets
    assert a.specific_power_retrofit_kw_per_m3min.tolist() == [7.0, 6.5, 7.7]
    assert a.specific_power_retrofit_source[0] == "gb19153_2019 表1 55 kW 0.8 MPa air grade_2"
    assert a.baseline_energy_kwh[0] == pytest.approx(165000.0, abs=1e-9)
    assert a.retrofit_energy_kwh[0] == pytest.approx(144375.0, abs=1e-9)
    assert a.saving_upgrade_equipment_kwh[0] == pytest.approx(20625.0, abs=1e-9)
    assert a.saving_fix_leaks_kwh[0] == 0
    assert a.retrofitted_motor_kw[0] == 55
    assert "compressor.load_factor.input_basis" in codes(result)


def test_compressor_three_steps_sum_to_total():
    """upgrade_equipment + fix_leaks + reduce_pressure on the 55 kW case, start/stop control
    (MEASUR curve: power 0.7191 at 70 %, 0.8218 at 80 %, 0.5136 at 50 %, 0.6163 at 60 %
    capacity, i.e. ∝ capacity × 1.0272):
    E1 = 144 375 (as above)
    c0: 0.75 on the curve = 0.7 + (0.75 − 0.7191)/0.1027 × 0.1 = 0.7300876
    fix_leaks: c1 = c0 × 0.7/0.9 = 0.5678459, f(c1) = 0.5136 + 0.678459 × 0.1027 = 0.5832778,
    ratio 0.5832778/0.75 = 0.7777037 (proportional to output, as start/stop is);
    E2 = 144 375 × 0.7777037 = 112 280.972
    reduce_pressure 0.8 → 0.7 MPa(g), pa 0.101325 MPa, (k−1)/k = 0.395/1.395:
    W ratio = ((0.801325/0.101325)^0.28315 − 1)/((0.901325/0.101325)^0.28315 − 1) = 0.9290245;
    demand d = 1 − 0.6 × (1 − 0.801325/0.901325) = 0.9334313, c2 = c1 × d = 0.5300452,
    f(c2) = 0.5136 + 0.300452 × 0.1027 = 0.5444564; ratio = 0.9290245 × 0.5444564/0.5832778
    = 0.8671911; E3 = 97 369.065 kWh
    """
    row = COMPRESSOR | {
        "measure": "upgrade_equipment+fix_leaks+reduce_pressure",
        "compressor_control": "start_stop",
        "specific_power_kw_per_m3min": 8.0,
        "leak_fraction": 0.3,
        "pressure_reduction_bar": 1.0,
    }
    result = run(row)
    a = result.assets.iloc[0]
    assert a.saving_upgrade_equipment_kwh == pytest.approx(20625.0, abs=1e-6)
    assert a.saving_fix_leaks_kwh == pytest.approx(144375.0 - 112280.972, abs=1e-2)
    assert a.retrofit_energy_kwh == pytest.approx(97369.065, abs=1e-2)
    assert a.capacity_fraction_baseline == pytest.approx(0.7300876, abs=1e-6)
    assert a.capacity_fraction_retrofit == pytest.approx(0.5300452, abs=1e-6)
    steps = (
        a.saving_upgrade_equipment_kwh
        + a.saving_fix_leaks_kwh
        + a.saving_reduce_pressure_kwh
        + a.saving_upgrade_motor_kwh
    )
    assert steps == pytest.approx(a.energy_saved_kwh, rel=1e-12)
    assert a.leak_fraction_retrofit == 0.1
    assert a.leak_fraction_retrofit_source == (
        "compressed_air_parameters target_leak_fraction_default"
    )
    assert np.isnan(a.pressure_saving_per_bar)  # the adiabatic relation, not the rule
    assert a.compressor_control_curve == "measur start_stop"
    assert {
        "compressor.target_leak.defaulted",
        "compressor.fix_leaks.control_curve",
        "compressor.reduce_pressure.adiabatic",
    } <= set(codes(result))


def test_compressor_leak_repair_on_load_unload_saves_less_than_proportional():
    """Blank control on a fixed-speed screw: load/unload (MEASUR), receiver 1 US gal/acfm
    (0.134 m³ per m³/min) assumed. Curve: 0.7027 at 30 %, 0.7872 at 40 %, 0.5842 at 20 %.
    c0: 0.75 → 0.3 + (0.75 − 0.7027)/0.0845 × 0.1 = 0.3559763; leaks 30 % → 10 %:
    c1 = c0 × 0.7/0.9 = 0.2768705; f(c1) = 0.5842 + 0.768705 × 0.1185 = 0.6752915;
    ratio 0.6752915/0.75 = 0.9003887: E0 165 000 → 148 564.13 kWh, a saving of 16 435.87
    kWh where power in proportion to output would save 165 000 × 2/9 = 36 666.67."""
    row = COMPRESSOR | {"measure": "fix_leaks", "leak_fraction": 0.3}
    result = run(row)
    a = result.assets.iloc[0]
    assert a.baseline_energy_kwh == pytest.approx(165000.0)
    assert a.saving_fix_leaks_kwh == pytest.approx(16435.87, abs=1e-2)
    assert a.compressor_control_curve == "measur load_unload storage 0.134 m3/(m3/min)"
    assert {
        "compressor.control.defaulted",
        "compressor.control.storage_assumed",
        "compressor.control.full_load_input",
    } <= set(codes(result))


def test_compressor_pressure_rule_only_without_a_discharge_pressure():
    """AMO-Tools-Suite CompressedAirPressureReduction test @0f16e66c: 500 kW, 8640 h, a 50 psi
    reduction: 4 320 000 → 3 240 000 kWh (0.5 %/psi × 50 psi = 25 %). The linear rule is
    kept only where the discharge pressure is unknown, and says so."""
    row = COMPRESSOR | {
        "measure": "reduce_pressure",
        "rated_power_kw": 500,
        "load_factor": 1.0,
        "operating_hours_h": 8640,
        "discharge_pressure_mpa": None,
        "pressure_reduction_bar": 50 / PSI_PER_BAR,
    }
    result = run(row)
    a = result.assets.iloc[0]
    assert a.baseline_energy_kwh == pytest.approx(4_320_000.0, rel=1e-12)
    assert a.retrofit_energy_kwh == pytest.approx(3_240_000.0, rel=1e-9)
    assert a.pressure_saving_per_bar == pytest.approx(RATE_PER_BAR, rel=1e-12)
    assert a.retrofitted_motor_kw == 0
    assert "compressor.reduce_pressure.rule_of_thumb" in codes(result)


def test_compressor_unlisted_pressure_uses_next_higher(gb19153_2019_table1_55kw_08mpa_air_grade2):
    result = run(gb19153_2019_table1_55kw_08mpa_air_grade2 | {"discharge_pressure_mpa": 0.75})
    a = result.assets.iloc[0]
    assert a.specific_power_table_pressure_mpa == 0.8
    assert a.specific_power_retrofit_kw_per_m3min == 7.0
    assert "compressor.discharge_pressure.rounded_up" in codes(result)


def test_compressor_motor_step_with_fix_leaks():
    row = COMPRESSOR | {
        "measure": "fix_leaks+upgrade_motor",
        "compressor_control": "start_stop",
        "leak_fraction": 0.25,
        "target_leak_fraction": 0.05,
        "poles": 4,
        "efficiency_class": "IE2",
        "target_class": "IE4",
    }
    result = run(row)
    a = result.assets.iloc[0]
    # start/stop: c0 = 0.7300876 (see above), c1 = c0 × 0.75/0.95 = 0.5763850,
    # f(c1) = 0.5136 + 0.763850 × 0.1027 = 0.5920474; E2 = 165 000 × 0.5920474/0.75 =
    # 130 250.421; motor load = 0.75 × E2/E0 = 0.5920474
    assert a.motor_load_factor == pytest.approx(0.5920474, abs=1e-6)
    e2 = 130250.421
    assert a.saving_upgrade_motor_kwh == pytest.approx(
        e2 * (1 - a.efficiency_baseline_pct / a.efficiency_retrofit_pct), rel=1e-8
    )
    assert a.saving_upgrade_motor_kwh > 0
    assert a.retrofitted_motor_kw == 55


def test_compressor_clear_errors(gb19153_2019_table1_55kw_08mpa_air_grade2):
    up = gb19153_2019_table1_55kw_08mpa_air_grade2
    issues = issues_of(
        up | {"specific_power_kw_per_m3min": None},  # row 2
        up | {"rated_power_kw": 60},  # row 3
        up | {"cooling": None},  # row 4
        COMPRESSOR
        | {"measure": "fix_leaks", "leak_fraction": 0.2, "target_leak_fraction": 0.25},  # row 5
        COMPRESSOR | {"measure": "reduce_pressure", "pressure_reduction_bar": 9},  # row 6
        up
        | {
            "measure": "upgrade_equipment+upgrade_motor",
            "poles": 4,
            "efficiency_class": "IE2",
        },  # row 7
    )
    got = [(i.type, i.row, i.column, i.value) for i in issues]
    assert got == [
        ("blank-required", 2, "specific_power_kw_per_m3min", ""),
        ("out-of-range", 3, "rated_power_kw", "60"),
        ("blank-required", 4, "cooling", ""),
        ("out-of-range", 5, "target_leak_fraction", "0.25"),
        ("out-of-range", 6, "pressure_reduction_bar", "9"),
        ("conflict", 7, "measure", issues[5].value),
    ]
    assert set(issues[5].value.split("+")) == {"upgrade_equipment", "upgrade_motor"}
    assert "nearest 55 and 75 kW, no interpolation" in issues[1].expected
    assert issues[3].expected == (
        "a target leak share below the present leak_fraction 0.2 (measure fix_leaks)"
    )
    assert (
        issues[4].expected == "a reduction below the discharge pressure 8 bar (measure "
        "reduce_pressure)"
    )


def test_output_columns_documented_and_present(gb19153_2019_table1_55kw_08mpa_air_grade2):
    result = run(
        gb19153_2019_table1_55kw_08mpa_air_grade2,
        TRANSFORMER | {"rated_kva": 630, "no_load_loss_kw": 0.81, "load_loss_kw": 6.2},
    )
    for module in (compressed_air, transformer):
        missing = set(module.OUTPUT_COLUMNS) - set(result.assets.columns)
        assert not missing, (module.__name__, missing)
        assert all(text.strip() for text in module.OUTPUT_COLUMNS.values())
    assert np.isfinite(result.assets["energy_saved_kwh"]).all()


def test_compressor_receiver_storage_moves_the_load_unload_curve():
    """Load/unload, 30 % → 10 % leaks at load 0.75 (55 kW, 4000 h: E0 165 000 kWh).
    Storage 0.401 m³ per m³/min (3 US gal/acfm), MEASUR's curve 0.6456 at 40 %, 0.7306 at
    50 %, 0.8046 at 60 %: c0 = 0.5 + (0.75 − 0.7306)/0.074 × 0.1 = 0.5262162, c1 = c0 × 7/9 =
    0.4092793, f(c1) = 0.6456 + 0.092793 × 0.085 = 0.6534874, saving 165 000 × (1 −
    0.6534874/0.75) = 21 232.77 kWh (16 435.87 at the assumed 1 gal/acfm, above).
    Storage 0.2675 (half-way between the 1 and 3 gal/acfm curves): the curve is their mean
    (0.7164 at 40 %, 0.79035 at 50 %, 0.6255 at 30 %): c0 = 0.4 + 0.0336/0.07395 × 0.1 =
    0.4454361, c1 = 0.3464503, f(c1) = 0.6255 + 0.464503 × 0.0909 = 0.6677233, saving
    165 000 × (1 − 0.6677233/0.75) = 18 100.87 kWh."""
    rows = [
        COMPRESSOR
        | {
            "measure": "fix_leaks",
            "compressor_control": "load_unload",
            "leak_fraction": 0.3,
            "receiver_storage_m3_per_m3min": storage,
        }
        for storage in [0.401, 0.2675]
    ]
    result = run(*rows)
    saved = result.assets.saving_fix_leaks_kwh.to_numpy()
    np.testing.assert_allclose(saved, [21232.77, 18100.87], atol=0.01)
    assert "compressor.control.storage_assumed" not in codes(result)
    assert result.assets.compressor_control_curve[0] == (
        "measur load_unload storage 0.401 m3/(m3/min)"
    )


# --- GB/T 13462 integrated loss ------------------------------------------------------------

#: The new unit in these tests: GB 20052-2024 表1 grade 1, 100 kVA steel Yyn0 (P0 0.12 kW,
#: Pk 1.08 kW), quoted with I0 0.3 % and Uk 4.0 % (inputs of the test, not table values).
S13_TO_GRADE1 = TRANSFORMER | {
    "transformer_series": "S13-M-100/10",
    "target_equipment_grade": "grade_1",
    "vector_group": "Yyn0",
    "target_no_load_current_pct": 0.3,
    "target_impedance_voltage_pct": 4.0,
}


def test_s13_designation_gives_series_kva_and_reactive_data():
    """S13-M-100/10 with no rated_kva: 100 kVA from the designation; table
    transformer_series_losses S13 100 kVA: P0 0.15, Pk 1.5 kW, I0 1.2 %, Uk 4.0 %.
    β 0.5, 4000 h, K_Q 0.1:
      baseline (0.15 + 0.1 × 1.2) × 8760 + 0.25 × (1.5 + 0.1 × 4.0) × 4000 = 2365.2 + 1900
               = 4265.2 kWh
      retrofit (0.12 + 0.1 × 0.3) × 8760 + 0.25 × (1.08 + 0.4) × 4000 = 1314 + 1480 = 2794 kWh
      active   (0.15 × 8760 + 0.25 × 1.5 × 4000) − (0.12 × 8760 + 0.25 × 1.08 × 4000)
               = 2814 − 2131.2 = 682.8 kWh
    """
    result = run(S13_TO_GRADE1)
    a = result.assets.iloc[0]
    assert a.losses_baseline_source == "transformer_series_losses S13 100 kVA Yyn0"
    assert (a.no_load_current_baseline_pct, a.impedance_voltage_baseline_pct) == (1.2, 4.0)
    assert a.reactive_losses_source.startswith("transformer_series_losses")
    assert a.baseline_energy_kwh == pytest.approx(4265.2, abs=1e-6)
    assert a.retrofit_energy_kwh == pytest.approx(2794.0, abs=1e-6)
    assert a.energy_saved_kwh == pytest.approx(1471.2, abs=1e-6)
    assert a.active_loss_energy_saved_kwh == pytest.approx(682.8, abs=1e-6)
    c = codes(result)
    assert {
        "transformer.rated_kva.from_designation",
        "transformer.series.prefix_matched",
        "transformer.loss.integrated_gbt13462",
    } <= set(c)


def test_reactive_equivalent_column_overrides_and_zero_is_active_only():
    """K_Q 0.05: baseline (0.15 + 0.06) × 8760 + 0.25 × (1.5 + 0.2) × 4000 = 1839.6 + 1700 =
    3539.6; retrofit (0.12 + 0.015) × 8760 + 0.25 × (1.08 + 0.2) × 4000 = 1182.6 + 1280 =
    2462.6; saved 1077.0 kWh. K_Q 0: the active saving 682.8 kWh."""
    result = run(
        S13_TO_GRADE1 | {"reactive_economic_equivalent_kw_per_kvar": 0.05},
        S13_TO_GRADE1 | {"reactive_economic_equivalent_kw_per_kvar": 0},
    )
    a = result.assets
    assert a.energy_saved_kwh[0] == pytest.approx(1077.0, abs=1e-6)
    assert a.reactive_equivalent_used_kw_per_kvar[0] == 0.05
    assert a.energy_saved_kwh[1] == pytest.approx(682.8, abs=1e-6)
    assert a.transformer_loss_basis.tolist() == ["integrated GB/T 13462", "active"]
    assert "transformer.loss.active_only" in codes(result, 1)


def test_without_the_new_units_i0_the_saving_is_active_only():
    row = S13_TO_GRADE1 | {"target_no_load_current_pct": None}
    result = run(row)
    a = result.assets.iloc[0]
    assert a.transformer_loss_basis == "active"
    assert a.energy_saved_kwh == pytest.approx(682.8, abs=1e-6)
    assert a.energy_saved_kwh == a.active_loss_energy_saved_kwh
    assert np.isnan(a.reactive_equivalent_used_kw_per_kvar)
    assert "transformer.loss.active_only" in codes(result)
