"""Properties of the Monte Carlo that must hold for any seed and any spread (issue 20 point 7):
sampling with zero spread returns the deterministic estimate exactly, and widening a
distribution never narrows the P10–P90 band.

The estimate is ``make demo``'s inventory (every module: motors, a fan and a pump on drives
with duty profiles, a compressor with leak repair, a transformer, a data hall, piles), run
once; each example runs the Monte Carlo on it with a table written for the example.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from retrofit import estimate
from retrofit.core.reference import Tables, load_table
from retrofit.models import sampling
from retrofit.uncertainty import montecarlo

pytestmark = pytest.mark.slow  # dozens of Monte Carlo runs: make test runs them, test-fast not
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])

SAMPLE = "retrofit/samples/example_plant.csv"
TABLE = load_table("uncertainty_distributions")
DRAWN = TABLE[TABLE["distribution"] != montecarlo.FIXED].reset_index(drop=True)
_ESTIMATE = []


def demo():
    if not _ESTIMATE:
        _ESTIMATE.append(estimate(SAMPLE, year=2026))
    return _ESTIMATE[0]


def centre(row: pd.Series) -> float:
    """The value a row's draw takes when it leaves the estimate unchanged."""
    if row["scale"] == "additive":
        return 0.0
    if row["scale"] == "relative":
        return 1.0
    return float(row["mode"])


def scaled(row: pd.Series, factor: float) -> pd.Series:
    """The row with its spread about its centre multiplied by ``factor`` (0: no spread)."""
    out = row.copy()
    if out["distribution"] == "dirichlet":
        out["sd"] = float(out["sd"]) * factor
        return out
    c = centre(out) if out["input"] not in ("grid_co2_factor",) else float(out["low"])
    if out["scale"] == "absolute" and out["input"] in ("load_factor", "operating_hours_h"):
        c = {"load_factor": 0.75, "operating_hours_h": 4000.0}[out["input"]]  # the defaults used
    if out["input"] == "equal_value_factor":
        c = float(out["mode"]) if not pd.isna(out["mode"]) else float(out["low"])
    for name in ("low", "mode", "high"):
        if not pd.isna(out[name]):
            out[name] = c + (float(out[name]) - c) * factor
    if not pd.isna(out["sd"]):
        out["sd"] = float(out["sd"]) * factor
    return out


def run_with(rows: list[pd.Series], draws: int, seed: int) -> montecarlo.UncertaintyResult:
    folder = Path(tempfile.mkdtemp(prefix="retrofit-mc-"))
    path = folder / "distributions.csv"
    pd.DataFrame(rows, columns=TABLE.columns).to_csv(path, index=False)
    return montecarlo.run(
        demo(), draws, seed=seed, tables=Tables({"uncertainty_distributions": str(path)})
    )


@SETTINGS
@given(
    chosen=st.lists(st.integers(0, len(DRAWN) - 1), min_size=1, max_size=len(DRAWN), unique=True),
    draws=st.integers(1, 60),
    seed=st.integers(0, 2**31),
)
def test_zero_spread_returns_the_estimate_exactly(chosen, draws, seed):
    u = run_with([scaled(DRAWN.loc[i], 0.0) for i in chosen], draws, seed)
    det = demo().plants.set_index("plant_id")["coal_saved_tce"]
    plants = u.plants.set_index("plant_id")
    for column in ("p10", "p50", "p90"):
        np.testing.assert_allclose(plants[column], det.reindex(plants.index), rtol=1e-12)
    total = u.portfolio.set_index("metric").loc["coal_saved_tce"]
    assert total[["p10", "p50", "p90"]].tolist() == pytest.approx([total["deterministic"]] * 3)


@SETTINGS
@given(
    index=st.integers(0, len(DRAWN) - 1),
    narrow=st.floats(0.0, 1.0),
    wider_by=st.floats(0.05, 1.0),
    seed=st.integers(0, 2**31),
)
def test_widening_a_distribution_never_narrows_the_band(index, narrow, wider_by, seed):
    """With the same seed, each draw of a wider distribution lies further from its centre in
    the same direction (inverse CDF of a scaled distribution), and every response is
    monotone, so the P10–P90 width of total coal saved cannot shrink."""
    row = DRAWN.loc[index]
    wide = min(1.0, narrow + wider_by)
    bands = []
    for factor in (narrow, wide):
        total = run_with([scaled(row, factor)], 300, seed).portfolio.set_index("metric")
        bands.append(total.loc["coal_saved_tce", "p90"] - total.loc["coal_saved_tce", "p10"])
    assert bands[1] >= bands[0] - 1e-9 * abs(demo().assets["coal_saved_tce"].sum())


@given(
    low=st.floats(-1.0, 0.0),
    high=st.floats(0.0, 1.0),
    factor=st.floats(0.0, 1.0),
    u=st.floats(0.0, 1.0),
)
def test_a_scaled_triangle_draws_nearer_its_mode(low, high, factor, u):
    """The inverse CDF of a triangle scaled about its mode (0) is the scaled draw: the same
    uniform gives a draw ``factor`` times as far from the mode."""
    full = sampling.inverse_cdf("triangular", u, low=low, mode=0.0, high=high)
    part = sampling.inverse_cdf("triangular", u, low=low * factor, mode=0.0, high=high * factor)
    assert float(part) == pytest.approx(float(full) * factor, abs=1e-12)


@given(
    # nodes at least 0.01 apart, as a distribution's ends, mode and centre are in the table
    nodes=st.lists(st.integers(-500, 500), min_size=1, max_size=5, unique=True).map(
        lambda n: sorted(x / 100 for x in n)
    ),
    data=st.data(),
)
def test_the_response_interpolates_its_nodes(nodes, data):
    """At each node the interpolated response is the computed one; between nodes it lies
    between its neighbours (piecewise linear)."""
    grid = np.asarray(nodes)
    response = np.asarray(
        [data.draw(st.lists(st.floats(0, 3), min_size=grid.size, max_size=grid.size))]
    )
    at_nodes = sampling.interpolate_response(grid[:, None], grid, response)
    np.testing.assert_allclose(at_nodes[:, 0], response[0], rtol=1e-9, atol=1e-9)
    if grid.size > 1:
        middle = (grid[:-1] + grid[1:]) / 2
        between = sampling.interpolate_response(middle[:, None], grid, response)[:, 0]
        lower = np.minimum(response[0, :-1], response[0, 1:])
        upper = np.maximum(response[0, :-1], response[0, 1:])
        assert np.all(between >= lower - 1e-9) and np.all(between <= upper + 1e-9)
