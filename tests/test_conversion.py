"""retrofit.core.conversion on its own: unit identities and which tabulated factor is chosen.

Expected factors are the values printed in reference_data (GB/T 2589-2020 当量值 0.1229
kgce/kWh; NDRC 2020 供电煤耗 305.5 g/kWh and its 2025 target 300 g/kWh; People's Daily 2022
供电标准煤耗 300.7 g/kWh; Shanghai's 2024 等价值 0.28078 kgce/kWh; MEE 2023
average grid factors), written here by hand.
"""

import numpy as np
import pandas as pd
import pytest

from retrofit.core import conversion
from retrofit.core.exceptions import OptionError
from retrofit.core.reference import Tables


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
    # savings in 2025 → wanted year 2024; Shanghai publishes 电力（等价值）0.28078 kgce/kWh per the
    # 上海市统计局 2024 rules (DB31/T 783-2026 附录A as quoted): that year's own figure
    choice = conversion.equal_value_factor(tables, "shanghai", 2025)
    assert choice.wanted_year == 2024
    assert choice.factor.value == 0.28078
    assert choice.factor.key == "shanghai/2024"
    assert choice.factor.year == 2024
    assert (choice.region_used, choice.fallback) == ("shanghai", "")


def test_a_later_year_takes_the_latest_earlier_statistic(tables):
    # savings in 2027 → wanted 2026; Shanghai's latest 等价值 statistic is 2024's
    choice = conversion.equal_value_factor(tables, "shanghai_local", 2027)
    assert (choice.factor.value, choice.factor.year, choice.fallback) == (
        0.28078,
        2024,
        "earlier_year",
    )


def test_supply_basis_statistics_are_never_the_equal_value(tables):
    # GB/T 2589-2020: 等价值 按上年电厂发电标准煤耗. The 2022 供电标准煤耗 of 300.7 g/kWh and the
    # 2020 供电 figure of 305.5 g/kWh are tabulated but are the supply basis: for savings in 2023
    # (wanted 2022) and 2021 (wanted 2020) the national series has no generation-basis statistic,
    # so the 2025 target of 300 g/kWh stands in and says so
    table = tables["electricity_equal_value_factors"]
    supply = table[(table["region"] == "national") & (table["coal_rate_basis"] == "supply")]
    assert {2020: 0.3055, 2022: 0.3007}.items() <= dict(
        zip(supply["year"], supply["kgce_per_kwh"], strict=True)
    ).items()
    for accounting_year in (2021, 2023):
        choice = conversion.equal_value_factor(tables, "national", accounting_year)
        assert (choice.factor.value, choice.factor.year, choice.fallback) == (0.3, 2025, "target")


def test_a_year_with_only_a_target_says_it_is_a_target(tables):
    # savings in 2026 → wanted 2025: only the NDRC target of 300 g/kWh (供电) exists
    choice = conversion.equal_value_factor(tables, "national", 2026)
    assert (choice.factor.value, choice.factor.key, choice.fallback) == (
        0.3,
        "national/2025",
        "target",
    )
    assert choice.factor.note.startswith("target, supply basis: ")


def test_a_region_without_a_series_falls_back_to_national_then_the_target(tables):
    # Jiangsu has no 等价值 series of its own (regions.csv: national); the national series has no
    # generation-basis statistic either, so the target is used
    choice = conversion.equal_value_factor(tables, "jiangsu", 2024)
    assert (choice.factor.value, choice.region_used, choice.fallback) == (0.3, "national", "target")


def test_a_region_whose_series_starts_later_uses_the_target_before_it(tables):
    # Shanghai's series starts in 2024; for savings in 2022 (wanted 2021) neither Shanghai nor
    # the national series has a 等价值 statistic up to 2021, so the national target is used
    choice = conversion.equal_value_factor(tables, "shanghai", 2022)
    assert (choice.factor.value, choice.region_used, choice.fallback) == (0.3, "national", "target")


def test_the_national_series_stands_in_for_a_region_with_none(tables, tmp_path):
    # a table (as a user's own copy may be) with a national generation-basis statistic of
    # 290 g/kWh for 2023: Jiangsu (national series) gets it with no caveat, Shanghai before its
    # own series starts gets it as the national stand-in
    table = tables["electricity_equal_value_factors"]
    extra = {
        "region": "national",
        "year": 2023,
        "kgce_per_kwh": 0.290,
        "value_kind": "statistic",
        "coal_rate_basis": "generation",
        "metric": "hand-made row",
        "source": "test",
        "confidence": "M",
        "note": "",
    }
    own_copy = tmp_path / "equal_value.csv"
    pd.concat([table, pd.DataFrame([extra])], ignore_index=True).to_csv(own_copy, index=False)
    patched = Tables(overrides={"electricity_equal_value_factors": own_copy})
    jiangsu = conversion.equal_value_factor(patched, "jiangsu", 2024)
    assert (jiangsu.factor.value, jiangsu.fallback) == (0.29, "")
    shanghai = conversion.equal_value_factor(patched, "shanghai", 2024)
    assert (shanghai.factor.value, shanghai.region_used, shanghai.fallback) == (
        0.29,
        "national",
        "region",
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
