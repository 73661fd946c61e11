"""Physical properties that must hold for any valid motor row (hypothesis).

The properties run the measure's ``compute`` (retrofit.measures.upgrade_motor) on drawn rows,
not a whole estimate: each example is a batch of up to ten rows in one call, so hypothesis sees
more rows for less time. One smoke property still runs ``retrofit.estimate`` to check that the
pipeline carries compute's energies into savings, tce and CO2.
"""

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import retrofit
from retrofit.measures import upgrade_motor

CLASS_ORDER = ["IE1", "IE2", "IE3", "IE4", "IE5"]
pytestmark = pytest.mark.slow  # hundreds of drawn rows: make test runs them, make test-fast not
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])

motor_rows = st.fixed_dictionaries(
    {
        "rated_power_kw": st.floats(0.12, 1000, allow_nan=False).map(lambda x: round(x, 2)),
        "poles": st.sampled_from([2, 4, 6, 8]),
        "load_factor": st.floats(0.05, 1.25).map(lambda x: round(x, 3)),
        "operating_hours_h": st.floats(1, 1756).map(lambda x: round(x, 1)),
        "quantity": st.integers(1, 50),
    }
)
batches = st.lists(motor_rows, min_size=1, max_size=10)


def motors(frame_of_rows, rows):
    return frame_of_rows([{"category": "motor", "measure": "upgrade_motor"} | row for row in rows])


@SETTINGS
@given(rows=batches)
def test_a_better_class_never_uses_more_energy(run_measure, frame_of_rows, rows):
    variants = [
        r | {"efficiency_class": "IE1", "target_class": c} for r in rows for c in CLASS_ORDER
    ]
    run = run_measure(upgrade_motor, motors(frame_of_rows, variants))
    energy = run.results["retrofit_energy_kwh"].to_numpy().reshape(-1, len(CLASS_ORDER))
    assert np.all(np.diff(energy, axis=1) <= 1e-9 * energy[:, :-1]), energy


@SETTINGS
@given(rows=batches, factor=st.integers(2, 5))
def test_savings_scale_linearly_with_hours_and_quantity(run_measure, frame_of_rows, rows, factor):
    variants = []
    for row in rows:
        base = row | {"efficiency_class": "IE2", "target_class": "IE4"}
        variants += [
            base,
            base | {"operating_hours_h": base["operating_hours_h"] * factor},
            base | {"quantity": base["quantity"] * factor},
        ]
    results = run_measure(upgrade_motor, motors(frame_of_rows, variants)).results
    saved = (results["baseline_energy_kwh"] - results["retrofit_energy_kwh"]).to_numpy()
    saved = saved.reshape(-1, 3)
    np.testing.assert_allclose(saved[:, 1:], factor * saved[:, [0, 0]], rtol=1e-9)


@SETTINGS
@given(rows=batches, target=st.sampled_from(CLASS_ORDER[1:]))
def test_nothing_negative_that_cannot_be(run_measure, frame_of_rows, rows, target):
    variants = [r | {"efficiency_class": "IE1", "target_class": target} for r in rows]
    a = run_measure(upgrade_motor, motors(frame_of_rows, variants)).results
    assert (a.baseline_energy_kwh > 0).all() and (a.retrofit_energy_kwh > 0).all()
    for side in ("baseline", "retrofit"):
        efficiency = a[f"efficiency_{side}_pct"]
        assert ((efficiency > 0) & (efficiency < 100)).all()
    assert (a.baseline_energy_kwh >= a.retrofit_energy_kwh).all()


@SETTINGS
@given(rows=st.lists(motor_rows, min_size=2, max_size=10), seed=st.integers(0, 2**16))
def test_row_order_does_not_change_results(run_measure, frame_of_rows, rows, seed):
    df = motors(
        frame_of_rows, [r | {"efficiency_class": "IE2", "target_class": "IE3"} for r in rows]
    )
    shuffled = df.sample(frac=1, random_state=seed)

    def by_asset(frame):
        run = run_measure(upgrade_motor, frame)
        return run.results.set_index(run.rows["asset_id"].to_numpy())

    a = by_asset(df)
    b = by_asset(shuffled).loc[a.index]
    np.testing.assert_array_equal(a.retrofit_energy_kwh, b.retrofit_energy_kwh)
    np.testing.assert_array_equal(a.baseline_energy_kwh, b.baseline_energy_kwh)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=batches, target=st.sampled_from(CLASS_ORDER[1:]))
def test_estimate_turns_computed_energy_into_savings_tce_and_co2(
    run_measure, frame_of_rows, rows, target
):
    """Smoke property over the whole pipeline (national region, GB/T 2589 当量值 0.1229
    kgce/kWh, MEE 2023 national grid factor 0.5306 tCO2/MWh)."""
    df = motors(
        frame_of_rows, [r | {"efficiency_class": "IE1", "target_class": target} for r in rows]
    )
    computed = run_measure(upgrade_motor, df).results
    a = retrofit.estimate(df, year=2026).assets
    np.testing.assert_array_equal(
        a.retrofit_energy_kwh.to_numpy(), computed.retrofit_energy_kwh.to_numpy()
    )
    saved = computed.baseline_energy_kwh.to_numpy() - computed.retrofit_energy_kwh.to_numpy()
    np.testing.assert_allclose(a.energy_saved_kwh, saved, rtol=1e-12)
    np.testing.assert_allclose(a.coal_saved_tce_equivalent, saved * 0.1229 / 1000, rtol=1e-12)
    np.testing.assert_allclose(a.co2_avoided_t, saved * 0.5306 / 1000, rtol=1e-12)
    assert (a.coal_saved_tce >= 0).all()


def test_every_tabulated_size_pole_class_and_load_is_finite_and_ordered(
    run_measure, frame_of_rows, tables
):
    """Exhaustive grid over the IEC table's 41 sizes × 4 pole counts × 4 loads × 5 classes."""
    sizes = tables["iec60034_30_1_2014_motor_classes"].rated_power_kw.unique()
    grid = (
        pd.MultiIndex.from_product(
            [sizes, [2, 4, 6, 8], [0.1, 0.5, 1.0, 1.25], CLASS_ORDER],
            names=["rated_power_kw", "poles", "load_factor", "target_class"],
        )
        .to_frame(index=False)
        .assign(operating_hours_h=1000.0, quantity=1, efficiency_class="IE1")
    )
    results = run_measure(upgrade_motor, motors(frame_of_rows, grid.to_dict("records"))).results
    energy = results["retrofit_energy_kwh"].to_numpy().reshape(-1, len(CLASS_ORDER))
    assert np.isfinite(energy).all() and (energy > 0).all()
    assert (np.diff(energy, axis=1) <= 1e-9 * energy[:, :-1]).all()


# --- issue 20 point 2: efficiency stays physical; order by class and by target η ---------------

pairs = st.fixed_dictionaries(
    {
        "rated_power_kw": st.floats(0.12, 1000, allow_nan=False).map(lambda x: round(x, 2)),
        "poles": st.sampled_from([2, 4, 6, 8]),
        "efficiency_class": st.sampled_from(CLASS_ORDER),
        "operating_hours_h": st.just(1000.0),
        "quantity": st.just(1),
    }
)
LOADS = np.round(np.linspace(0.02, 1.25, 42), 4)


def _over_loads(rows, **extra):
    """Each row repeated at every load of LOADS (row-major: row, then load)."""
    return [r | extra | {"load_factor": float(load)} for r in rows for load in LOADS]


@SETTINGS
@given(rows=st.lists(pairs, min_size=1, max_size=4))
def test_over_the_grid_a_better_class_never_uses_more_energy_and_eta_below_100(
    run_measure, frame_of_rows, rows
):
    """Classes × kW × poles × load: every efficiency strictly below 100 %, and at every load the
    next better target class never uses more energy (one loss shape per pair: the present
    motor's, so only the full-load losses differ)."""
    variants = [v | {"target_class": c} for v in _over_loads(rows) for c in CLASS_ORDER]
    a = run_measure(upgrade_motor, motors(frame_of_rows, variants)).results
    for side in ("baseline", "retrofit"):
        assert ((a[f"efficiency_{side}_pct"] > 0) & (a[f"efficiency_{side}_pct"] < 100)).all()
    energy = a["retrofit_energy_kwh"].to_numpy().reshape(-1, len(CLASS_ORDER))
    assert np.all(np.diff(energy, axis=1) <= 1e-9 * energy[:, :-1]), energy


@SETTINGS
@given(
    rows=st.lists(pairs, min_size=1, max_size=4),
    targets=st.lists(st.floats(50.0, 99.9), min_size=2, max_size=4, unique=True),
    target_class=st.sampled_from([None, *CLASS_ORDER]),
)
def test_a_higher_target_efficiency_never_uses_more_energy_and_stays_below_100(
    run_measure, frame_of_rows, rows, targets, target_class
):
    """Quoted target η_FL up to 99.9 % (with or without a target class, so the class the
    efficiency meets may switch between the targets): η < 100 % at every load, and a higher
    target never uses more energy at the same load."""
    targets = sorted(round(t, 2) for t in targets)
    variants = [
        v | {"target_efficiency_pct": t, "target_class": target_class}
        for v in _over_loads(rows)
        for t in targets
    ]
    a = run_measure(upgrade_motor, motors(frame_of_rows, variants)).results
    assert (a["efficiency_retrofit_pct"] < 100).all()
    energy = a["retrofit_energy_kwh"].to_numpy().reshape(-1, len(targets))
    assert np.all(np.diff(energy, axis=1) <= 1e-9 * energy[:, :-1]), energy


@SETTINGS
@given(rows=st.lists(pairs, min_size=1, max_size=4), target=st.sampled_from(CLASS_ORDER))
def test_saving_never_falls_as_load_rises_unless_the_loss_curve_does(
    run_measure, frame_of_rows, rows, target
):
    """For one pair of motors the saving is (ℓ_FL,present − ℓ_FL,new)·λ(L)·P·h per year: it
    moves with the present motor's losses ℓ(L) = L·(1/η(L) − 1). It rises with load wherever
    those losses do. Where it falls the curve says so: some AMO curves (standard and premium,
    small and mid sizes) put the losses at 25 % load above those at 26–37 % (the quartic through
    AMO's five points dips there), and the saving dips with them. A downgrade (target below the
    present class) is a loss that grows with load, except where the losses dip."""
    a = run_measure(upgrade_motor, motors(frame_of_rows, _over_loads(rows, target_class=target)))
    res = a.results
    saving = (res.baseline_energy_kwh - res.retrofit_energy_kwh).to_numpy().reshape(-1, LOADS.size)
    eta = res.efficiency_baseline_pct.to_numpy().reshape(-1, LOADS.size) / 100
    losses = LOADS * (1 / eta - 1)
    upgrade = saving[:, -1] > 0
    falls = np.diff(saving, axis=1) < -1e-9 * np.abs(saving[:, 1:])
    losses_fall = np.diff(losses, axis=1) < 0
    assert not (falls[upgrade] & ~losses_fall[upgrade]).any()
    rises = np.diff(saving, axis=1) > 1e-9 * np.abs(saving[:, 1:])
    assert not (rises[~upgrade] & ~losses_fall[~upgrade]).any()


def test_the_issue_row_a_higher_target_efficiency_is_no_longer_a_loss(run_measure, frame_of_rows):
    """1.1 kW 2-pole, present IE2 at 79.3 %, target 79.5 % with no class: 79.5 % is below the
    IE2 minimum (79.6 %), so the target was placed on AMO's 'standard' curve (25 % load at 58 %
    of η_FL) while the present motor sat on the 'energy efficient' one: at half load the new
    motor computed at 72.6 % against 80.2 %, a loss. With one shape per pair (the present
    motor's), losses scale with full-load losses at every load: new ÷ present losses =
    (1/0.795 − 1)/(1/0.793 − 1) = 0.2578616/0.2610340 = 0.9878468."""
    rows = [
        {
            "rated_power_kw": 1.1,
            "poles": 2,
            "efficiency_class": "IE2",
            "efficiency_pct": 79.3,
            "target_efficiency_pct": 79.5,
            "load_factor": load,
            "operating_hours_h": 1000.0,
            "quantity": 1,
        }
        for load in (0.25, 0.5, 0.75, 1.0)
    ]
    res = run_measure(upgrade_motor, motors(frame_of_rows, rows)).results
    loads = np.array([0.25, 0.5, 0.75, 1.0])
    present = loads * (100 / res.efficiency_baseline_pct.to_numpy() - 1)
    new = loads * (100 / res.efficiency_retrofit_pct.to_numpy() - 1)
    np.testing.assert_allclose(new / present, 0.9878468, rtol=1e-6)
    assert (res.retrofit_energy_kwh < res.baseline_energy_kwh).all()
    assert (res.part_load_curve_retrofit == "amo:energy_efficient/2p").all()
