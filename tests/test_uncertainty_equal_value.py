"""The 等价值 rows of the uncertainty table (issue 16, point 2) bound the factor the engine
uses: one row per factor key of table electricity_equal_value_factors, chosen by the run's
key, with the deterministic factor inside its range.

Hand figures: a national run for accounting year 2026 wants 2025's 等价值; no generation-basis
statistic exists, so the 2025 target 0.300 kgce/kWh stands in (national/2025). Its row runs from
0.282 (0.300 × (1 − 6 %), the generation basis) to 0.3055 (2020's supply-basis statistic).
A Shanghai run takes shanghai/2024, 0.28078 kgce/kWh, in [0.28078, 0.28232] (the two published
Shanghai 等价值 factors)."""

from __future__ import annotations

import pytest

from retrofit import estimate
from retrofit.core.reference import load_table
from retrofit.uncertainty.montecarlo import groups

SAMPLE = "retrofit/samples/example_plant.csv"


def equal_value_rows():
    table = load_table("uncertainty_distributions")
    return table[table["input"] == "equal_value_factor"]


@pytest.mark.parametrize(
    ("key", "low", "high", "value"),
    [("national/2025", 0.282, 0.3055, 0.300), ("shanghai/2024", 0.28078, 0.28232, 0.28078)],
)
def test_each_factor_has_one_row_and_sits_in_its_range(key, low, high, value):
    rows = equal_value_rows()
    row = rows[rows["condition"] == f"equal_value_factor={key}"]
    assert len(row) == 1
    assert float(row["low"].iloc[0]) == pytest.approx(low)
    assert float(row["high"].iloc[0]) == pytest.approx(high)
    factors = load_table("electricity_equal_value_factors")
    region, year = key.split("/")
    used = factors[(factors["region"] == region) & (factors["year"] == int(year))]
    assert float(used["kgce_per_kwh"].iloc[0]) == pytest.approx(value)
    assert low <= value <= high
    assert row["source"].iloc[0] and row["confidence"].iloc[0] in ("H", "M", "L")


def test_no_row_spans_the_old_supply_basis_only_range():
    # the earlier row spanned 0.3019-0.3055 (supply basis), which the engine's 0.300 is below
    for row in equal_value_rows().itertuples():
        assert not (row.low == pytest.approx(0.3019) and row.high == pytest.approx(0.3055))


@pytest.mark.parametrize(("region", "factor"), [("national", 0.300), ("shanghai", 0.28078)])
def test_the_run_draws_around_the_factor_it_used(region, factor):
    result = estimate(SAMPLE, year=2026, region=region, basis="equal_value")
    assert result.assumptions["factors"]["equal_value"]["value"] == pytest.approx(factor)
    found = [g for g in groups(result, equal_value_rows()) if g.name == "equal_value_factor"]
    assert len(found) == 1
    spec = found[0].spec
    assert float(spec["low"]) <= factor <= float(spec["high"])
    assert found[0].values == pytest.approx(factor)


def test_a_users_factor_is_not_drawn():
    result = estimate(SAMPLE, year=2026, basis="equal_value", equal_value_factor_kgce_per_kwh=0.29)
    assert not [g for g in groups(result, equal_value_rows()) if g.name == "equal_value_factor"]
