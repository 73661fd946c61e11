"""retrofit.core.conversion on its own: unit identities and which tabulated factor is chosen.

Expected factors are the values printed in reference_data (GB/T 2589-2020 当量值 0.1229
kgce/kWh; NDRC 2020 供电煤耗 305.5 g/kWh; Shanghai's 2024 等价值 0.28078 kgce/kWh; MEE 2023
average grid factors), written here by hand.
"""

import numpy as np
import pandas as pd
import pytest

from retrofit.core import conversion
from retrofit.core.exceptions import OptionError


def test_energy_to_tce_is_kwh_times_kgce_per_kwh_over_1000():
    # 1,000,000 kWh × 0.1229 kgce/kWh = 122,900 kgce = 122.9 tce
    assert conversion.energy_to_tce(1_000_000, 0.1229) == pytest.approx(122.9, rel=1e-12)


def test_energy_to_co2_is_kwh_times_t_per_mwh_over_1000():
    # 250,000 kWh = 250 MWh; × 0.5306 tCO2/MWh = 132.65 t
    assert conversion.energy_to_co2_t(250_000, 0.5306) == pytest.approx(132.65, rel=1e-12)


def test_conversions_are_elementwise_and_keep_sign_and_shape():
    energy = np.array([[1000.0, -1000.0], [0.0, 2.5e6]])
    tce = conversion.energy_to_tce(energy, 0.3)
    co2 = conversion.energy_to_co2_t(pd.Series(energy[1]), np.array([0.5, 0.4]))
    np.testing.assert_allclose(tce, [[0.3, -0.3], [0.0, 750.0]], rtol=1e-12)
    np.testing.assert_allclose(co2, [0.0, 1000.0], rtol=1e-12)
    assert tce.shape == (2, 2)


def test_equivalent_factor_is_gb_t_2589_electricity_0_1229(tables):
    factor = conversion.equivalent_factor(tables)
    assert factor.value == 0.1229
    assert factor.unit == "kgce/kWh"
    assert (factor.table, factor.key) == (
        "energy_conversion_coefficients",
        "electricity/equivalent",
    )
    assert factor.confidence == "H"
    assert factor.to_dict()["value"] == 0.1229


def test_equal_value_uses_the_previous_years_statistic(tables):
    # savings in 2021 → wanted year 2020, tabulated as a statistic: 305.5 g/kWh
    choice = conversion.equal_value_factor(tables, "national", 2021)
    assert choice.wanted_year == 2020
    assert choice.factor.value == 0.3055
    assert choice.factor.key == "national/2020"
    assert choice.factor.year == 2020
    assert choice.fallback == ""


def test_equal_value_between_tabulated_years_takes_the_latest_earlier_one(tables):
    # wanted 2023: the table has 2020 (statistic) and 2025 (target); 2020 is the latest ≤ 2023
    choice = conversion.equal_value_factor(tables, "national", 2024)
    assert (choice.factor.value, choice.factor.year) == (0.3055, 2020)
    assert choice.fallback == "earlier_year"


def test_equal_value_says_when_it_is_a_target(tables):
    # wanted 2026: the latest row is the 2025 target of 300 g/kWh
    choice = conversion.equal_value_factor(tables, "national", 2027)
    assert (choice.factor.value, choice.factor.year) == (0.3, 2025)
    assert choice.fallback == "earlier_year"  # 2025 ≠ 2026 is said first
    exact = conversion.equal_value_factor(tables, "national", 2026)
    assert (exact.factor.value, exact.fallback) == (0.3, "target")
    assert exact.factor.note.startswith("target: ")


def test_a_region_with_its_own_series_uses_it(tables):
    choice = conversion.equal_value_factor(tables, "shanghai_local", 2025)
    assert (choice.factor.value, choice.region_used, choice.fallback) == (0.28078, "shanghai", "")


def test_a_region_whose_series_starts_later_falls_back_to_national(tables):
    # Shanghai's series starts in 2024; for savings in 2022 (wanted 2021) the national 2020 row
    choice = conversion.equal_value_factor(tables, "shanghai", 2022)
    assert (choice.factor.value, choice.region_used, choice.fallback) == (
        0.3055,
        "national",
        "region",
    )


def test_a_year_before_every_row_takes_the_earliest_national_one(tables):
    choice = conversion.equal_value_factor(tables, "jiangsu", 2015)
    assert (choice.factor.value, choice.factor.year, choice.fallback) == (
        0.3055,
        2020,
        "earlier_year",
    )


def test_a_users_equal_value_factor_wins_and_says_so(tables):
    choice = conversion.equal_value_factor(tables, "shanghai", 2026, 0.29)
    assert (choice.factor.value, choice.factor.table, choice.fallback) == (
        0.29,
        "user option",
        "user",
    )
    assert choice.wanted_year == 2025


@pytest.mark.parametrize(
    ("region", "factor"),
    [("national", 0.5306), ("east_china", 0.55), ("shanghai", 0.5737), ("sichuan", 0.1564)],
)
def test_grid_factor_is_the_regions_default_row(tables, region, factor):
    chosen = conversion.grid_emission_factor(tables, region)
    assert (chosen.value, chosen.unit, chosen.year) == (factor, "tCO2/MWh", 2023)


def test_grid_factor_whose_year_is_not_a_number_has_no_year(tables):
    chosen = conversion.grid_emission_factor(tables, "shanghai_local")
    assert (chosen.value, chosen.year) == (0.42, None)


def test_an_unknown_region_lists_the_valid_ones(tables):
    with pytest.raises(OptionError, match=r"unknown region 'mars'; valid regions: .*national, "):
        conversion.grid_emission_factor(tables, "mars")
