"""The measure registry: routing, a user's own measure through estimate(), malformed measures.

Expected values are written out here by hand: the system of every category × measure pair
from the routing rules, and the energy and coal of a user's measure computed step by step.
"""

from __future__ import annotations

import types

import numpy as np
import pandas as pd
import pytest

import retrofit
from retrofit import pipeline, results
from retrofit.core.exceptions import InventoryError, InventoryIssue, ReferenceDataError
from retrofit.core.reference import Tables
from retrofit.inventory.defaults import rows_with_measure
from retrofit.measures import base
from retrofit.uncertainty import montecarlo as uncertainty

MEASURE_NAMES = (
    "upgrade_motor",
    "add_vfd",
    "upgrade_equipment",
    "fix_leaks",
    "reduce_pressure",
    "improve_pue",
    "refresh_it",
    "replace_charger",
)

#: The system computing each category (rows) × single measure (columns, in MEASURE_NAMES
#: order), from the rules: transformer, data centre and charger by category; a compressor with
#: an air-side measure (upgrade_equipment, fix_leaks, reduce_pressure) → compressed_air; a fan
#: or pump with add_vfd or upgrade_equipment → fan_pump; everything else → motor.
ROUTES = {
    "motor": ("motor",) * 8,
    "fan": ("motor", "fan_pump", "fan_pump", "motor", "motor", "motor", "motor", "motor"),
    "pump": ("motor", "fan_pump", "fan_pump", "motor", "motor", "motor", "motor", "motor"),
    "compressor": (
        "motor",
        "motor",
        "compressed_air",
        "compressed_air",
        "compressed_air",
        "motor",
        "motor",
        "motor",
    ),
    "transformer": ("transformer",) * 8,
    "datacenter": ("datacenter",) * 8,
    "charger": ("charger",) * 8,
}

#: Combined measures on one row: (category, measure list, system).
COMBINED = (
    ("fan", "upgrade_motor+add_vfd", "fan_pump"),
    ("pump", "upgrade_motor+upgrade_equipment", "fan_pump"),
    ("pump", "add_vfd+upgrade_equipment", "fan_pump"),
    ("fan", "upgrade_motor", "motor"),
    ("compressor", "upgrade_motor+fix_leaks", "compressed_air"),
    ("compressor", "upgrade_motor+add_vfd", "motor"),
    ("compressor", "fix_leaks+reduce_pressure", "compressed_air"),
    ("motor", "upgrade_motor+add_vfd", "motor"),
    ("datacenter", "improve_pue+refresh_it", "datacenter"),
    ("transformer", "upgrade_equipment", "transformer"),
)


def _pairs():
    rows = [
        (category, measure, system)
        for category, systems in ROUTES.items()
        for measure, system in zip(MEASURE_NAMES, systems, strict=True)
    ]
    return rows + list(COMBINED)


def test_routing_of_every_category_and_measure():
    pairs = _pairs()
    category = pd.Series([p[0] for p in pairs])
    measure = pd.Series([p[1] for p in pairs])
    expected = [p[2] for p in pairs]
    assert list(pipeline.route(category, measure)) == expected
    assert list(base.route(category, measure)) == expected


def test_builtins_register_in_output_order():
    """The six of today come first, in this order (a new measure module registers after)."""
    assert [(m.name, m.model_key) for m in base.registered()][:6] == [
        ("motor", "upgrade_motor"),
        ("fan_pump", "fan_pump"),
        ("compressed_air", "compressed_air"),
        ("transformer", "transformer"),
        ("datacenter", "datacenter"),
        ("charger", "charger"),
    ]
    assert [m.name for m in base.registered() if m.fallback] == ["motor"]


def test_asset_columns_are_core_then_measures_then_totals():
    columns = list(results.ASSET_COLUMNS)
    assert columns[:11] == list(results.CORE_COLUMNS)
    assert columns[11] == "efficiency_class_baseline"  # the motor measure's first
    assert columns[-1] == "caveats"
    measured = list(
        dict.fromkeys(
            c for m in base.registered() for c in m.output_columns if c not in results.CORE_COLUMNS
        )
    )
    totals = [c for c in results.TOTAL_COLUMNS if c not in measured]
    assert columns == list(results.CORE_COLUMNS) + measured + totals
    # compressed_air lists the energies first among its own columns: they keep that place
    # (the JSON and CSV column order of earlier versions)
    energy = columns.index("baseline_energy_kwh")
    assert columns[energy : energy + 3] == [
        "baseline_energy_kwh",
        "retrofit_energy_kwh",
        "saving_upgrade_equipment_kwh",
    ]
    # the machine's columns (upgrade_equipment on a fan or pump) come with fan_pump's
    assert columns.index("vfd_efficiency_pct") < columns.index("machine_efficiency_baseline_pct")


# --- a user's own measure -------------------------------------------------------------------


def metered_power_compute(assets, positions, tables, log, *, file, header_map):
    """E = quantity × P_in × hours before and after, from the metered input power columns
    (passed through the inventory as written)."""
    rows = assets.iloc[positions]
    quantity = rows["quantity"].to_numpy(float)
    hours = rows["operating_hours_h"].to_numpy(float)
    before = pd.to_numeric(rows["input_kw_before"], errors="coerce").to_numpy(float)
    after = pd.to_numeric(rows["input_kw_after"], errors="coerce").to_numpy(float)
    issues = [
        InventoryIssue("type-error", file, int(row), "input_kw_after", str(value), "a number of kW")
        for row, value, bad in zip(
            rows["source_row"], rows["input_kw_after"], np.isnan(after), strict=True
        )
        if bad
    ]
    frame = pd.DataFrame(
        {
            "input_power_baseline_kw": before,
            "input_power_retrofit_kw": after,
            "baseline_energy_kwh": quantity * before * hours,
            "retrofit_energy_kwh": quantity * after * hours,
            "retrofitted_motor_kw": rows["rated_power_kw"].to_numpy(float) * quantity,
        },
        index=rows.index,
    )
    return frame, issues


def takes_metered_motors(category, measure):
    """Motor rows with a motor upgrade: the rows the built-in motor measure would take."""
    return (category.to_numpy(dtype=object) == "motor") & rows_with_measure(
        measure, "upgrade_motor"
    )


METERED = base.Measure(
    name="metered_motor",
    takes=takes_metered_motors,
    compute=metered_power_compute,
    output_columns={
        "input_power_baseline_kw": "metered electrical input before [kW per unit]",
        "input_power_retrofit_kw": "metered electrical input after [kW per unit]",
    },
    model="E = quantity × P_in × operating_hours_h, P_in metered before and after",
)


@pytest.fixture
def motor_and_fan():
    """Row 2, a 30 kW motor, 2 units, 4000 h, metered 30.0 kW before and 28.5 kW after:
      baseline = 2 × 30.0 × 4000 = 240 000 kWh; retrofit = 2 × 28.5 × 4000 = 228 000 kWh
      saved = 12 000 kWh; 当量值 12 000 × 0.1229 / 1000 = 1.4748 tce
    Row 3, a fan with a drive: still the built-in fan_pump's (the user's measure does not take
    it)."""
    return pd.DataFrame(
        {
            "plant_id": ["P1", "P1"],
            "asset_id": ["M1", "F1"],
            "category": ["motor", "fan"],
            "measure": ["upgrade_motor", "add_vfd"],
            "quantity": [2, 1],
            "rated_power_kw": [30, 55],
            "poles": [4, 4],
            "efficiency_class": ["IE2", "IE3"],
            "load_factor": [0.75, 0.8],
            "operating_hours_h": [4000, 6000],
            "control": ["", "damper_outlet"],
            "flow_profile": ["", "100:20;80:50;60:30"],
            "input_kw_before": ["30.0", ""],
            "input_kw_after": ["28.5", ""],
        }
    )


def test_user_measure_takes_rows_before_the_builtins(motor_and_fan):
    result = retrofit.estimate(motor_and_fan, year=2026, measures=[METERED])
    motor, fan = result.assets.iloc[0], result.assets.iloc[1]
    assert motor.baseline_energy_kwh == pytest.approx(240_000)
    assert motor.retrofit_energy_kwh == pytest.approx(228_000)
    assert motor.energy_saved_kwh == pytest.approx(12_000)
    assert motor.coal_saved_tce_equivalent == pytest.approx(1.4748, abs=1e-9)
    assert motor.input_power_retrofit_kw == 28.5
    assert pd.isna(motor.efficiency_fl_baseline_pct)  # the built-in motor model did not run
    assert fan.control_curve != "" and pd.isna(fan.input_power_baseline_kw)
    columns = list(result.assets.columns)
    own = [columns.index("input_power_baseline_kw"), columns.index("input_power_retrofit_kw")]
    # after the built-ins' columns, before the totals that no measure lists
    assert columns.index("vfd_efficiency_pct") < own[0] < own[1]
    assert own[1] + 1 == columns.index("energy_saved_kwh")
    models = result.assumptions["models"]
    assert list(models)[:6] == [
        "upgrade_motor",
        "fan_pump",
        "compressed_air",
        "transformer",
        "datacenter",
        "charger",
    ]
    assert list(models)[-1] == "metered_motor"
    assert models["metered_motor"] == METERED.model
    assert "metered_motor" not in [m.name for m in base.registered()]  # nothing registered


def test_user_measure_from_a_module(motor_and_fan):
    module = types.ModuleType("metered_motor_plugin")
    setattr(module, "MEASURE", METERED)  # noqa: B010  (a module made in the test)
    result = retrofit.estimate(motor_and_fan, year=2026, measures=[module])
    assert result.assets.loc[0, "energy_saved_kwh"] == pytest.approx(12_000)


def test_without_the_user_measure_the_builtin_takes_the_row(motor_and_fan):
    result = retrofit.estimate(motor_and_fan, year=2026)
    assert (
        result.assets.loc[0, "efficiency_fl_baseline_pct"] == 92.3
    )  # IEC 60034-30-1 IE2, 4-pole 30 kW
    assert "input_power_baseline_kw" not in result.assets.columns
    assert "metered_motor" not in result.assumptions["models"]


def test_user_measure_issues_are_raised_with_their_row(motor_and_fan):
    motor_and_fan.loc[0, "input_kw_after"] = "n/a"
    with pytest.raises(InventoryError) as info:
        retrofit.estimate(motor_and_fan, year=2026, measures=[METERED])
    (issue,) = info.value.issues
    assert (issue.row, issue.column, issue.value) == (2, "input_kw_after", "n/a")


# --- malformed measures ---------------------------------------------------------------------


def test_malformed_measure_names_every_bad_field():
    with pytest.raises(TypeError) as info:
        base.Measure(
            name="lighting",
            takes=None,  # type: ignore[arg-type]
            compute=metered_power_compute,
            output_columns={"lamp_power_kw": ""},
            model="",
        )
    assert str(info.value) == (
        "measure 'lighting' is malformed: takes (a function, got None); output_columns (a "
        "dict of column name → description with its unit); model (a non-empty description "
        "of the model)"
    )


def test_estimate_rejects_what_is_not_a_measure(motor_and_fan):
    with pytest.raises(TypeError, match="module empty_plugin has no MEASURE"):
        retrofit.estimate(motor_and_fan, measures=[types.ModuleType("empty_plugin")])
    with pytest.raises(TypeError, match="got dict"):
        retrofit.estimate(motor_and_fan, measures=[{"name": "lighting"}])


def test_estimate_rejects_a_taken_name(motor_and_fan):
    clash = base.Measure(
        name="motor",
        takes=takes_metered_motors,
        compute=metered_power_compute,
        output_columns={},
        model="m",
    )
    with pytest.raises(ValueError, match="measure name 'motor' is already taken"):
        retrofit.estimate(motor_and_fan, measures=[clash])


def test_compute_without_energy_is_named(motor_and_fan):
    def no_retrofit_energy(assets, positions, tables, log, *, file, header_map):
        frame, issues = metered_power_compute(
            assets, positions, tables, log, file=file, header_map=header_map
        )
        return frame.drop(columns="retrofit_energy_kwh"), issues

    broken = base.Measure(
        name="broken",
        takes=takes_metered_motors,
        compute=no_retrofit_energy,
        output_columns={},
        model="m",
    )
    with pytest.raises(TypeError, match="'broken': compute\\(\\) returned no retrofit_energy_kwh"):
        retrofit.estimate(motor_and_fan, year=2026, measures=[broken])


def test_takes_of_the_wrong_shape_is_named(motor_and_fan):
    wrong = base.Measure(
        name="wrong",
        takes=lambda category, measure: np.array([True]),
        compute=metered_power_compute,
        output_columns={},
        model="m",
    )
    with pytest.raises(ValueError, match="'wrong': takes\\(\\) returned shape \\(1,\\)"):
        retrofit.estimate(motor_and_fan, year=2026, measures=[wrong])


def test_register_refuses_a_second_measure_of_a_name():
    with pytest.raises(ValueError, match="a measure named 'motor' is already registered"):
        base.register(base.registered()[0])


# --- uncertainty groups from the registry ----------------------------------------------------


def test_uncertainty_efficiency_inputs_come_from_the_measures(motor_and_fan):
    """The motor efficiency tolerances are declared by the motor-carrying measures: without
    them the table's efficiency rows are unknown inputs."""
    result = retrofit.estimate(motor_and_fan, year=2026)
    table = Tables()[uncertainty.TABLE]
    names = [g.name for g in uncertainty.groups(result, table)]
    assert "efficiency_losses_baseline" in names and "part_load_losses_retrofit" in names
    with pytest.raises(ReferenceDataError, match="unknown input 'efficiency_losses'"):
        uncertainty.groups(result, table, measures=[METERED])
