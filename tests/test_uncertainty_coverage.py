"""Issue 20 point 7: every inventory input that moves a saving of a registered measure is drawn
by the Monte Carlo or listed as fixed with its reason, on every row where it moves the saving.

The walk is behavioural, not a list kept by hand: each registered measure computes its rows
of ``make demo``'s inventory and of a synthetic campus (every system module); each inventory
column is then moved (a number by 10 %, a choice to other values) and the rows computed again.
A row whose saving moves must be covered for that column by a row of table
uncertainty_distributions (drawn, or ``fixed`` with a note), through the table's ``input`` or
its ``columns``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from retrofit import estimate
from retrofit.core.exceptions import ReferenceDataError
from retrofit.core.reference import Tables, load_table
from retrofit.inventory.schema import COLUMNS
from retrofit.measures.base import in_use, registered, route
from retrofit.uncertainty import montecarlo, recompute

sys.path.insert(0, str(Path(__file__).parent / "benchmarks"))
from bench_estimate import synthetic_campus_inventory

#: Re-running every measure under each moved column takes tens of seconds.
pytestmark = pytest.mark.slow

SAMPLE = "retrofit/samples/example_plant.csv"
#: Identifiers: they name a row, they move nothing.
IDENTIFIERS = {"plant_id", "plant_name", "asset_id", "project_id"}
#: Free-text columns a measure reads, with other values to try.
TEXT_VALUES = {
    "motor_series": ["Y", "Y2", "YE3", "YX3"],
    "motor_model": ["Y2-160M-4", "YE3-200L-4"],
    "flow_profile": ["100:50;60:50"],
    "transformer_series": ["S9", "S13"],
    "frame_size": ["160M", "280S"],
}
#: At most this many other values of a choice column are tried.
CHOICES_TRIED = 4


@pytest.fixture(scope="module")
def estimates():
    return [
        estimate(SAMPLE, year=2026),
        estimate(synthetic_campus_inventory(40), year=2026),
    ]


def _variants(column, values: pd.Series) -> list[pd.Series]:
    """Other values of ``column`` on the rows that have one."""
    present = values.notna()
    if column.kind in ("number", "fraction", "int") and not column.choices:
        number = pd.to_numeric(values, errors="coerce").to_numpy(float)
        moved = number * 1.1 if column.kind != "int" else np.ceil(number * 1.1)
        moved = recompute.bounded(column.name, moved)
        return [pd.Series(moved, index=values.index).where(present, values)]
    others = list(column.choices) if column.choices else TEXT_VALUES.get(column.name, [])
    step = max(1, len(others) // CHOICES_TRIED)
    return [
        pd.Series([value] * len(values), index=values.index, dtype=object).where(present, values)
        for value in others[::step]
    ]


def uncovered(result, table: pd.DataFrame) -> dict[str, dict[str, list[str]]]:
    """measure → column → asset ids whose saving the column moves but the table leaves out."""
    assets = result.assets
    measures = in_use()
    tabs = Tables()
    routes = route(assets["category"], assets["measure"], measures)
    base = recompute.energies(assets, measures, tabs)
    saved = base["baseline"] - base["retrofit"]
    cover = montecarlo.coverage(result, table)
    gaps: dict[str, dict[str, list[str]]] = {}
    for column in COLUMNS:
        if column.name in IDENTIFIERS or column.name not in assets.columns:
            continue
        rows = np.flatnonzero(assets[column.name].notna().to_numpy())
        if not len(rows):
            continue
        subset = assets.iloc[rows]
        moved = np.zeros(len(rows), dtype=bool)
        for values in _variants(column, subset[column.name]):
            changed = subset.copy()
            changed[column.name] = values
            try:
                energy = recompute.energies(changed, measures, tabs)
            except (
                ValueError,
                KeyError,
                ReferenceDataError,
            ):  # a value the measure refuses: it moves nothing
                continue
            after = energy["baseline"] - energy["retrofit"]
            known = np.isfinite(after) & np.isfinite(saved[rows])
            moved |= known & ~np.isclose(after, saved[rows], rtol=1e-9, atol=1e-9)
        entry = cover.get(column.name)
        covered = (entry["sampled"] | entry["fixed"])[rows] if entry else np.zeros(len(rows), bool)
        for position in rows[moved & ~covered]:
            gaps.setdefault(str(routes[position]), {}).setdefault(column.name, []).append(
                str(assets["asset_id"].iloc[position])
            )
    return gaps


def test_every_registered_measure_has_rows_in_the_walk(estimates):
    """A new measure without rows here would escape the walk: give it rows in the campus mix."""
    routed = set()
    for result in estimates:
        a = result.assets
        routed |= set(route(a["category"], a["measure"], in_use()))
    assert {m.name for m in registered()} <= routed


def test_measures_run_again_on_an_estimate_give_its_energies(estimates):
    """The Monte Carlo's responses are ratios to the estimate's own energies: running the
    measures again on the estimate's rows (inputs and outputs side by side) must give them
    exactly, on every module."""
    for result in estimates:
        again = recompute.energies(result.assets, in_use(), Tables())
        for side in recompute.SIDES:
            stored = result.assets[f"{side}_energy_kwh"].to_numpy(float)
            np.testing.assert_array_equal(again[side], stored)


def test_every_input_that_moves_a_saving_is_drawn_or_listed_fixed(estimates):
    table = load_table("uncertainty_distributions")
    for result in estimates:
        assert uncovered(result, table) == {}


def test_the_walk_finds_an_input_left_out_of_the_table(estimates):
    """The walk can fail: without the row listing a compressor's nameplate (its discharge
    pressure picks the GB 19153-2019 cell and the adiabatic relation) the compressor rows of
    the demo are reported for that column, and only those."""
    table = load_table("uncertainty_distributions")
    gaps = uncovered(estimates[0], table[table["input"] != "compressor_nameplate"])
    assert set(gaps) == {"compressed_air"}
    assert gaps["compressed_air"]["discharge_pressure_mpa"] == ["C-301"]
