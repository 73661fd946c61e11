"""Physical properties of the fan and pump model that must hold for any valid row.

Rows go through the measure's ``compute`` (retrofit.measures.fan_pump), not a whole estimate;
energy saved is baseline − retrofit energy, as the pipeline computes it (the smoke property in
test_motor_properties.py checks that step).
"""

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from retrofit.measures import fan_pump

pytestmark = pytest.mark.slow  # hundreds of drawn rows: make test runs them, make test-fast not
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

machines = st.fixed_dictionaries(
    {
        "rated_power_kw": st.floats(0.75, 400, allow_nan=False).map(lambda x: round(x, 2)),
        "poles": st.sampled_from([2, 4, 6]),
        "load_factor": st.floats(0.3, 1.0).map(lambda x: round(x, 3)),
        "operating_hours_h": st.floats(100, 8760).map(lambda x: round(x, 1)),
        "efficiency_class": st.sampled_from(["IE1", "IE2", "IE3"]),
    }
)
fan_or_pump = st.sampled_from(
    [
        ("fan", "damper_outlet"),
        ("fan", "damper_inlet"),
        ("fan", "inlet_vane"),
        ("pump", "throttle"),
        ("pump", "bypass"),
    ]
)


@st.composite
def profiles(draw):
    flows = draw(st.lists(st.integers(20, 100), min_size=1, max_size=5, unique=True))
    weights = draw(st.lists(st.integers(1, 10), min_size=len(flows), max_size=len(flows)))
    shares = np.array(weights) / sum(weights) * 100
    shares[-1] = 100 - shares[:-1].sum()
    return ";".join(f"{f}:{s:.10g}" for f, s in zip(flows, shares, strict=True))


def computed(run_measure, frame_of_rows, rows):
    """fan_pump.compute's results for ``rows``, with the energy saved."""
    results = run_measure(fan_pump, frame_of_rows(rows)).results
    return results.assign(
        energy_saved_kwh=results.baseline_energy_kwh - results.retrofit_energy_kwh
    )


@SETTINGS
@given(row=machines, kind=fan_or_pump, static=st.floats(0, 0.9).map(lambda x: round(x, 4)))
def test_a_drive_never_saves_at_a_100_percent_flow_profile(
    run_measure, frame_of_rows, row, kind, static
):
    category, control = kind
    a = computed(
        run_measure,
        frame_of_rows,
        [
            row
            | {
                "category": category,
                "measure": "add_vfd",
                "control": control,
                "flow_profile": "100:100",
                "static_head_fraction": static,
            }
        ],
    )
    assert a.energy_saved_kwh.iloc[0] <= 0


@SETTINGS
@given(
    row=machines,
    profile=profiles(),
    statics=st.lists(st.floats(0, 0.95).map(lambda x: round(x, 4)), min_size=2, max_size=5),
)
# found by hypothesis: a 1 hp 2-pole standard motor whose AMO curve made input power fall
# as load rose (the curve is now removed from motor_part_load_amo)
@example(
    row={
        "rated_power_kw": 0.75,
        "poles": 2,
        "load_factor": 0.5,
        "operating_hours_h": 100.0,
        "efficiency_class": "IE1",
    },
    profile="64:100",
    statics=[0.5, 0.75],
)
def test_savings_fall_as_static_head_rises(run_measure, frame_of_rows, row, profile, statics):
    statics = sorted(statics)
    a = computed(
        run_measure,
        frame_of_rows,
        [
            row
            | {
                "category": "pump",
                "measure": "add_vfd",
                "control": "throttle",
                "flow_profile": profile,
                "static_head_fraction": s,
            }
            for s in statics
        ],
    )
    saved = a.energy_saved_kwh.to_numpy()
    assert np.all(np.diff(saved) <= 1e-9 * np.abs(saved[:-1]) + 1e-9), saved


@SETTINGS
@given(row=machines, kind=fan_or_pump, profile=profiles(), factor=st.floats(0.1, 1.0))
def test_savings_scale_with_hours(run_measure, frame_of_rows, row, kind, profile, factor):
    category, control = kind
    base = row | {
        "category": category,
        "measure": "add_vfd",
        "control": control,
        "flow_profile": profile,
    }
    a = computed(
        run_measure,
        frame_of_rows,
        [base, base | {"operating_hours_h": row["operating_hours_h"] * factor}],
    )
    saved = a.energy_saved_kwh.to_numpy()
    assert np.isclose(saved[1], saved[0] * factor, rtol=1e-9, atol=1e-9)


@SETTINGS
@given(row=machines, kind=fan_or_pump, profile=profiles())
def test_a_better_motor_behind_the_drive_never_costs_energy(
    run_measure, frame_of_rows, row, kind, profile
):
    category, control = kind
    targets = ["IE2", "IE3", "IE4", "IE5"]
    a = computed(
        run_measure,
        frame_of_rows,
        [
            row
            | {
                "category": category,
                "measure": "upgrade_motor+add_vfd",
                "control": control,
                "flow_profile": profile,
                "efficiency_class": "IE1",
                "target_class": t,
            }
            for t in targets
        ],
    )
    energy = a.retrofit_energy_kwh.to_numpy()
    assert np.all(np.diff(energy) <= 1e-9 * energy[:-1]), dict(zip(targets, energy, strict=True))
    assert (a.baseline_energy_kwh > 0).all() and (a.retrofit_energy_kwh > 0).all()
