"""Physical properties that must hold for any valid motor row (hypothesis)."""

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import retrofit

CLASS_ORDER = ["IE1", "IE2", "IE3", "IE4", "IE5"]
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

motor_rows = st.fixed_dictionaries(
    {
        "rated_power_kw": st.floats(0.12, 1000, allow_nan=False).map(lambda x: round(x, 2)),
        "poles": st.sampled_from([2, 4, 6, 8]),
        "load_factor": st.floats(0.05, 1.25).map(lambda x: round(x, 3)),
        "operating_hours_h": st.floats(1, 1756).map(lambda x: round(x, 1)),
        "quantity": st.integers(1, 50),
    }
)


def frame(rows):
    df = pd.DataFrame(rows)
    df.insert(0, "plant_id", "P")
    df.insert(1, "asset_id", [f"A{i}" for i in range(len(df))])
    df.insert(2, "category", "motor")
    df.insert(3, "measure", "upgrade_motor")
    return df


@SETTINGS
@given(row=motor_rows)
def test_a_better_class_never_uses_more_energy(row):
    rows = [row | {"efficiency_class": "IE1", "target_class": c} for c in CLASS_ORDER]
    energy = retrofit.estimate(frame(rows), year=2026).assets["retrofit_energy_kwh"].to_numpy()
    assert np.all(np.diff(energy) <= 1e-9 * energy[:-1]), dict(
        zip(CLASS_ORDER, energy, strict=True)
    )


@SETTINGS
@given(row=motor_rows, factor=st.integers(2, 5))
def test_savings_scale_linearly_with_hours_and_quantity(row, factor):
    base = row | {"efficiency_class": "IE2", "target_class": "IE4"}
    more_hours = base | {"operating_hours_h": base["operating_hours_h"] * factor}
    more_units = base | {"quantity": base["quantity"] * factor}
    saved = (
        retrofit.estimate(frame([base, more_hours, more_units]), year=2026)
        .assets["energy_saved_kwh"]
        .to_numpy()
    )
    np.testing.assert_allclose(saved[1:], factor * saved[0], rtol=1e-9)


@SETTINGS
@given(row=motor_rows, target=st.sampled_from(CLASS_ORDER[1:]))
def test_nothing_negative_that_cannot_be(row, target):
    a = retrofit.estimate(
        frame([row | {"efficiency_class": "IE1", "target_class": target}]), year=2026
    ).assets.iloc[0]
    assert a.baseline_energy_kwh > 0 and a.retrofit_energy_kwh > 0
    assert 0 < a.efficiency_baseline_pct < 100 and 0 < a.efficiency_retrofit_pct < 100
    assert a.energy_saved_kwh >= 0
    for column in ("coal_saved_tce_equivalent", "coal_saved_tce_equal_value", "co2_avoided_t"):
        assert np.sign(a[column]) == np.sign(a.energy_saved_kwh)


@SETTINGS
@given(rows=st.lists(motor_rows, min_size=2, max_size=8), seed=st.integers(0, 2**16))
def test_row_order_does_not_change_results(rows, seed):
    df = frame([r | {"efficiency_class": "IE2", "target_class": "IE3"} for r in rows])
    shuffled = df.sample(frac=1, random_state=seed)
    a = retrofit.estimate(df, year=2026).assets.set_index("asset_id")
    b = retrofit.estimate(shuffled, year=2026).assets.set_index("asset_id").loc[a.index]
    np.testing.assert_allclose(a.energy_saved_kwh, b.energy_saved_kwh, rtol=0, atol=0)


def test_every_tabulated_size_pole_class_and_load_is_finite_and_ordered():
    """Exhaustive grid over the IEC table's 41 sizes × 4 pole counts × 4 loads × 5 classes."""
    sizes = retrofit.load_table("iec60034_30_1_2014_motor_classes").rated_power_kw.unique()
    grid = pd.MultiIndex.from_product(
        [sizes, [2, 4, 6, 8], [0.1, 0.5, 1.0, 1.25], CLASS_ORDER],
        names=["rated_power_kw", "poles", "load_factor", "target_class"],
    ).to_frame(index=False)
    grid["operating_hours_h"] = 1000.0
    grid["quantity"] = 1
    grid["efficiency_class"] = "IE1"
    assets = retrofit.estimate(frame(grid.to_dict("records")), year=2026).assets
    energy = assets["retrofit_energy_kwh"].to_numpy().reshape(-1, len(CLASS_ORDER))
    assert np.isfinite(energy).all() and (energy > 0).all()
    assert (np.diff(energy, axis=1) <= 1e-9 * energy[:, :-1]).all()
