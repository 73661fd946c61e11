"""Physical properties of the transformer and compressed-air measures (hypothesis).

The measure modules are called directly (rows as the pipeline hands them over, after
validation and defaults) to keep each test well under two seconds.
"""

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from retrofit.core.caveats import CaveatLog
from retrofit.core.reference import Tables
from retrofit.measures import compressed_air, transformer
from retrofit.models import transformers

pytestmark = pytest.mark.slow  # hundreds of drawn rows: make test runs them, make test-fast not
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
TABLES = Tables()
GRADES = ["grade_1", "grade_2", "grade_3"]
TYPE_KVA = sorted(
    TABLES["gb20052_2024_transformer_losses"]
    .query("voltage_kv == 10")
    .groupby(["transformer_type", "rated_kva"])
    .groups
)
AIR = TABLES["gb19153_2019_compressor_grades"]
AIR_CELLS = (
    AIR[["compressor_type", "rated_power_kw", "discharge_pressure_mpa", "cooling"]]
    .drop_duplicates()
    .reset_index(drop=True)
)


def compute(module, rows):
    df = pd.DataFrame(rows)
    df["source_row"] = np.arange(2, len(df) + 2)
    log = CaveatLog(len(df))
    out, issues = module.compute(df, np.arange(len(df)), TABLES, log, file="p.csv", header_map={})
    assert not issues, [str(i) for i in issues]
    return out


transformer_rows = st.fixed_dictionaries(
    {
        "measure": st.just("upgrade_equipment"),
        "type_kva": st.sampled_from(TYPE_KVA),
        "core_material": st.sampled_from(["steel", "amorphous"]),
        "vector_group": st.sampled_from(["Dyn11", "Yzn11", "Yyn0"]),
        "insulation_class": st.sampled_from(["B", "F", "H"]),
        "load_factor": st.floats(0.05, 1.25).map(lambda x: round(x, 3)),
        "operating_hours_h": st.floats(1, 8760).map(lambda x: round(x, 1)),
        "quantity": st.integers(1, 20),
        "no_load_loss_kw": st.floats(0.05, 5).map(lambda x: round(x, 3)),
        "load_loss_kw": st.floats(0.3, 30).map(lambda x: round(x, 3)),
    }
).map(
    lambda r: (
        {k: v for k, v in r.items() if k != "type_kva"}
        | {"transformer_type": r["type_kva"][0], "rated_kva": r["type_kva"][1]}
    )
)


@SETTINGS
@given(row=transformer_rows)
def test_a_better_transformer_grade_never_loses_more(row):
    out = compute(transformer, [row | {"target_equipment_grade": g} for g in GRADES])
    energy = out["retrofit_energy_kwh"].to_numpy()
    assert np.all(np.diff(energy) >= -1e-9 * energy[1:]), dict(zip(GRADES, energy, strict=True))
    assert (out[["baseline_energy_kwh", "retrofit_energy_kwh"]].to_numpy() > 0).all()


@SETTINGS
@given(
    p0=st.floats(0.01, 20),
    pk=st.floats(0.1, 200),
    rel=st.floats(0.05, 3).filter(lambda x: abs(x - 1) > 1e-3),
)
def test_transformer_loss_per_load_is_least_at_the_optimal_load_factor(p0, pk, rel):
    beta = transformers.optimal_load_factor(p0, pk)

    def per_load(b):
        return transformers.loss_power_kw(p0, pk, b) / b

    assert per_load(beta) <= per_load(beta * rel) * (1 + 1e-12)
    # numerically: the minimum over a fine grid sits at β_opt to the grid's resolution
    grid = np.linspace(beta * 0.2, beta * 3, 4001)
    assert abs(grid[np.argmin(per_load(grid))] - beta) <= (grid[1] - grid[0])


cells = st.integers(0, len(AIR_CELLS) - 1).map(lambda i: AIR_CELLS.iloc[i].to_dict())


@SETTINGS
@given(cell=cells, pressure_offset=st.sampled_from([0.0, -0.02]))
def test_a_better_compressor_grade_never_needs_more_specific_power(cell, pressure_offset):
    grades = AIR.merge(pd.DataFrame([cell]))["grade"].tolist()
    if len(grades) < 3:  # some cells are '-' for a grade: nothing to compare
        return
    row = {
        "measure": "upgrade_equipment",
        "rated_power_kw": cell["rated_power_kw"],
        "load_factor": 0.75,
        "operating_hours_h": 4000.0,
        "quantity": 1,
        "compressor_type": cell["compressor_type"],
        "cooling": None if cell["cooling"] == "any" else cell["cooling"],
        "discharge_pressure_mpa": cell["discharge_pressure_mpa"] + pressure_offset,
        "specific_power_kw_per_m3min": 12.0,
    }
    out = compute(compressed_air, [row | {"target_equipment_grade": g} for g in GRADES])
    sp = out["specific_power_retrofit_kw_per_m3min"].to_numpy()
    assert np.all(np.diff(sp) > 0), dict(zip(GRADES, sp, strict=True))


air_rows = st.fixed_dictionaries(
    {
        "rated_power_kw": st.sampled_from([22.0, 37.0, 55.0, 90.0, 132.0]),
        "load_factor": st.floats(0.3, 1.0).map(lambda x: round(x, 3)),
        "operating_hours_h": st.floats(100, 4000).map(lambda x: round(x, 1)),
        "quantity": st.integers(1, 5),
        "specific_power_kw_per_m3min": st.floats(6.0, 12.0).map(lambda x: round(x, 2)),
        "leak_fraction": st.floats(0.12, 0.6).map(lambda x: round(x, 3)),
        "pressure_reduction_bar": st.floats(0.1, 2.0).map(lambda x: round(x, 2)),
        "discharge_pressure_mpa": st.sampled_from([0.7, 0.8, 1.0]),
    }
)
STEP_COLUMNS = [
    "saving_upgrade_equipment_kwh",
    "saving_fix_leaks_kwh",
    "saving_reduce_pressure_kwh",
    "saving_upgrade_motor_kwh",
]


@SETTINGS
@given(row=air_rows, factor=st.sampled_from([0.5, 2.0]))
def test_compressor_savings_scale_linearly_with_hours(row, factor):
    base = row | {
        "measure": "upgrade_equipment+fix_leaks+reduce_pressure",
        "compressor_type": "oil_injected_rotary",
        "cooling": "air",
        "target_equipment_grade": "grade_2",
    }
    out = compute(
        compressed_air, [base, base | {"operating_hours_h": row["operating_hours_h"] * factor}]
    )
    one, scaled = out[STEP_COLUMNS].to_numpy()
    np.testing.assert_allclose(scaled, one * factor, rtol=1e-9, atol=1e-9)


@SETTINGS
@given(row=air_rows)
def test_compressor_nothing_negative_that_cannot_be(row):
    rows = [
        row | {"measure": "fix_leaks+reduce_pressure"},
        row | {"measure": "fix_leaks"},
        row | {"measure": "reduce_pressure"},
    ]
    out = compute(compressed_air, rows)
    assert (out[STEP_COLUMNS].to_numpy() >= 0).all()
    assert (out["retrofit_energy_kwh"] > 0).all()
    assert (out["retrofit_energy_kwh"] <= out["baseline_energy_kwh"]).all()
    np.testing.assert_allclose(
        out[STEP_COLUMNS].sum(axis=1),
        out["baseline_energy_kwh"] - out["retrofit_energy_kwh"],
        rtol=1e-12,
    )
    assert (out["retrofitted_motor_kw"] == 0).all()


CONTROLS = ["load_unload", "modulating", "variable_displacement", "vsd", "start_stop"]


@SETTINGS
@given(row=air_rows, control=st.sampled_from(CONTROLS))
def test_leak_repair_never_saves_more_than_power_in_proportion_to_output(row, control):
    """On every MEASUR control curve power ÷ capacity does not rise as capacity falls (the
    unloaded, throttled or idling power stays), so f(c1)/f(c0) ≥ c1/c0: the old
    proportional rule is the upper bound, reached by start/stop (within the 4-decimal
    rounding of its curve, 1 × 10⁻³). And a repair never costs energy."""
    leak = row["leak_fraction"]
    out = compute(
        compressed_air,
        [
            row
            | {"measure": "fix_leaks", "compressor_control": control, "target_leak_fraction": 0.1}
        ],
    )
    saving = out["saving_fix_leaks_kwh"].to_numpy()[0]
    proportional = out["baseline_energy_kwh"].to_numpy()[0] * (1 - (1 - leak) / 0.9)
    assert -1e-9 <= saving <= proportional * (1 + 1e-3) + 1e-9


@SETTINGS
@given(row=air_rows, control=st.sampled_from(CONTROLS))
def test_a_larger_pressure_cut_never_saves_less(row, control):
    """Adiabatic power and the unregulated demand both fall with the discharge pressure,
    and every control curve is non-decreasing in capacity, so a deeper cut saves more."""
    cuts = [0.1, 0.3, 0.5, 1.0, 2.0]
    rows = [
        row
        | {"measure": "reduce_pressure", "compressor_control": control, "pressure_reduction_bar": d}
        for d in cuts
    ]
    saving = compute(compressed_air, rows)["saving_reduce_pressure_kwh"].to_numpy()
    assert (saving > 0).all() and (np.diff(saving) >= -1e-9).all(), saving


@SETTINGS
@given(rows=st.lists(transformer_rows, min_size=2, max_size=6), seed=st.integers(0, 1000))
def test_transformer_results_do_not_depend_on_row_order(rows, seed):
    rows = [r | {"target_equipment_grade": "grade_2"} for r in rows]
    order = np.random.default_rng(seed).permutation(len(rows))
    first = compute(transformer, rows)["retrofit_energy_kwh"].to_numpy()
    shuffled = compute(transformer, [rows[i] for i in order])["retrofit_energy_kwh"].to_numpy()
    np.testing.assert_allclose(shuffled, first[order], rtol=1e-12)
