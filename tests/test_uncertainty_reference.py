"""The Monte Carlo's outputs at fixed seeds equal those of the code before the speed work of
issue 20 point 7 (commit 104e44e), to 1e-9 relative.

This is a refactoring check, not a correctness test: the expected values in
``tests/data/uncertainty_reference_104e44e.json`` were written by running :func:`outputs` with
the code of commit 104e44e (``python tests/test_uncertainty_reference.py``, before any change to
``retrofit/uncertainty`` or ``retrofit/models/sampling.py``), so they say only that a faster
Monte Carlo draws the same bands. Whether the bands are right is checked by the tests of
``tests/test_uncertainty*.py`` against hand calculations and published cases.

The cases cover every kind of drawn input: the campus mix (every system module: static head,
leak share, compressor specific power by recomputation; duty profiles by the Dirichlet pair;
PUE, tolerances, load and hours by scaling) with metered savings on some rows, and the bundled
example on the 等价值 basis (the equal-value factor drawn).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from retrofit import estimate
from retrofit.uncertainty.montecarlo import run

HERE = Path(__file__).resolve().parent
REFERENCE = HERE / "data" / "uncertainty_reference_104e44e.json"
SAMPLE = HERE.parent / "retrofit" / "samples" / "example_plant.csv"
#: Relative tolerance: the same arithmetic in another order differs by a few ulps.
RELATIVE = 1e-9
#: Tornado columns that are differences of two totals of coal saved: compared to 1e-9 of the
#: estimate's total (the rounding of a total, not of the difference, bounds them).
DIFFERENCES = ("swing", "mean_shift")

#: (name, draws, seed) of each case.
CASES = (("campus", 300, 11), ("example_equal_value", 400, 3))


def _campus() -> pd.DataFrame:
    sys.path.insert(0, str(HERE / "benchmarks"))
    from bench_estimate import synthetic_campus_inventory

    frame = synthetic_campus_inventory(600)
    # metered savings on every 50th row: the per-row bands are compared too
    metered = np.arange(len(frame)) % 50 == 7
    frame["metered_baseline_kwh"] = np.where(metered, 100_000.0, np.nan)
    frame["metered_retrofit_kwh"] = np.where(metered, 90_000.0, np.nan)
    return frame


def _result(name: str):
    if name == "campus":
        return estimate(_campus(), year=2026)
    return estimate(SAMPLE, year=2026, basis="equal_value")


def _numbers(table: pd.DataFrame) -> dict[str, list]:
    """The table's columns as lists, numbers as floats (NaN as None) and text as text."""
    out = {}
    for column in table.columns:
        values = table[column]
        if pd.api.types.is_numeric_dtype(values):
            out[column] = [None if pd.isna(v) else float(v) for v in values]
        else:
            out[column] = [None if pd.isna(v) else str(v) for v in values]
    return out


def outputs(name: str, draws: int, seed: int) -> dict[str, dict[str, list]]:
    """The Monte Carlo's tables for a case."""
    u = run(_result(name), draws, seed=seed)
    return {
        "plants": _numbers(u.plants),
        "portfolio": _numbers(u.portfolio),
        "tornado": _numbers(u.tornado),
        "inputs": _numbers(u.inputs),
        "asset_bands": _numbers(u.asset_bands),
    }


def _same(found: dict[str, list], expected: dict[str, list], where: str, total: float) -> None:
    assert list(found) == list(expected), where
    for column, values in expected.items():
        got = found[column]
        assert len(got) == len(values), f"{where}.{column}"
        absolute = RELATIVE * abs(total) if column in DIFFERENCES else 0.0
        for k, (g, e) in enumerate(zip(got, values, strict=True)):
            if isinstance(e, float):
                assert g is not None and g == pytest.approx(e, rel=RELATIVE, abs=absolute), (
                    f"{where}.{column}[{k}]: {g} != {e}"
                )
            else:
                assert g == e, f"{where}.{column}[{k}]"


@pytest.mark.parametrize(("name", "draws", "seed"), CASES)
def test_outputs_equal_those_before_the_speed_work(name, draws, seed):
    expected = json.loads(REFERENCE.read_text(encoding="utf-8"))[name]
    found = outputs(name, draws, seed)
    assert len(expected["asset_bands"]["p10"] if expected["asset_bands"] else []) == (
        12 if name == "campus" else 0
    )
    portfolio = expected["portfolio"]
    total = portfolio["deterministic"][portfolio["metric"].index("coal_saved_tce")]
    for table, columns in expected.items():
        _same(found[table], columns, f"{name}.{table}", total)


if __name__ == "__main__":  # how the reference file was written (code of commit 104e44e)
    written = {name: outputs(name, draws, seed) for name, draws, seed in CASES}
    REFERENCE.write_text(json.dumps(written, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
