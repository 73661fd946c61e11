"""retrofit.money.cost on its own: cost saved, payback and time-of-use pricing of saved energy.

Expected values are worked by hand from the Shanghai tariff table (沪发改价管〔2022〕50号 as
tabulated in reference_data/shanghai_tou_tariff.csv) and the calendar of 2026 (not a leap year):
January, July, August, September and December (summer and winter seasons) have 154 days, the
other seven months 211.
"""

import numpy as np
import pandas as pd
import pytest

from retrofit.core.caveats import CaveatLog
from retrofit.core.reference import Tables
from retrofit.money.cost import economics

SUMMER_AND_WINTER_DAYS = 31 + 31 + 31 + 30 + 31
OTHER_DAYS = 365 - SUMMER_AND_WINTER_DAYS


def rows(**columns) -> pd.DataFrame:
    """Result rows as economics sees them after the measures ran (source_row as in a file)."""
    n = len(columns["energy_saved_kwh"])
    columns.setdefault("category", ["motor"] * n)
    columns.setdefault("operating_hours_h", [4000.0] * n)
    return pd.DataFrame({"source_row": range(2, n + 2), **columns})


def priced(
    out: pd.DataFrame, tables: Tables, tariff: str | None = None
) -> tuple[pd.DataFrame, CaveatLog]:
    log = CaveatLog(len(out))
    issues = economics(out, tables, log, year=2026, tariff=tariff, file="f.csv", header_map={})
    assert issues == []
    return out, log


def codes(log: CaveatLog) -> list[str]:
    return list(log.row_codes())


def test_without_a_tariff_cost_is_energy_times_price_and_payback_is_investment_over_it(tables):
    out, log = priced(
        rows(
            energy_saved_kwh=[10_000.0, 10_000.0, -1_000.0, 5_000.0],
            electricity_price_cny_per_kwh=[0.72, np.nan, 0.5, 0.6],
            investment_cny=[18_000.0, 18_000.0, 1_000.0, np.nan],
        ),
        tables,
    )
    # 10,000 kWh × 0.72 CNY/kWh = 7,200 CNY/yr; 18,000 / 7,200 = 2.5 yr
    np.testing.assert_allclose(out["cost_saved_cny"], [7_200.0, np.nan, -500.0, 3_000.0])
    np.testing.assert_allclose(out["payback_years"], [2.5, np.nan, np.nan, np.nan])
    np.testing.assert_array_equal(out["price_multiplier"], [1.0, 1.0, 1.0, 1.0])
    assert out["tariff_class"].isna().all()
    assert codes(log) == [
        "",
        "cost.price.missing",
        "cost.payback.no_saving",
        "cost.investment.missing",
    ]


def test_a_profile_inside_one_period_all_year_takes_that_periods_multiplier(tables):
    # single_part: valley 22:00-06:00 is 0.55 × flat in every season
    out, log = priced(
        rows(
            energy_saved_kwh=[10_000.0],
            electricity_price_cny_per_kwh=[0.8],
            investment_cny=[8_800.0],
            tariff_class=["single_part"],
            load_profile=["night"],
            operating_hours_h=[8 * 365.0],
        ),
        tables,
    )
    assert out.loc[0, "price_multiplier"] == pytest.approx(0.55, rel=1e-12)
    assert out.loc[0, "cost_saved_cny"] == pytest.approx(10_000 * 0.8 * 0.55, rel=1e-12)
    assert out.loc[0, "payback_years"] == pytest.approx(8_800 / 4_400, rel=1e-12)
    assert out.loc[0, "peak_energy_share"] == 0.0
    assert codes(log) == ["tariff.price_is_flat_period;tariff.calendar.weekends_only"]


def test_a_data_centre_without_a_profile_runs_continuously(tables):
    # single_part, every hour: 16 peak hours and 8 valley hours a day
    summer_winter = 16 * 1.20 + 8 * 0.55  # 23.6 multiplier-hours a day
    other = 16 * 1.17 + 8 * 0.55  # 23.12
    expected = (SUMMER_AND_WINTER_DAYS * summer_winter + OTHER_DAYS * other) / (365 * 24)
    assert expected == pytest.approx(0.971772, abs=1e-6)  # (3,634.4 + 4,878.32) / 8,760
    out, log = priced(
        rows(
            category=["datacenter"],
            energy_saved_kwh=[1_000_000.0],
            electricity_price_cny_per_kwh=[0.7],
            investment_cny=[np.nan],
            tariff_class=["single_part"],
            operating_hours_h=[8760.0],
        ),
        tables,
    )
    assert out.loc[0, "load_profile"] == "continuous"
    assert out.loc[0, "price_multiplier"] == pytest.approx(expected, rel=1e-12)
    assert out.loc[0, "cost_saved_cny"] == pytest.approx(700_000 * expected, rel=1e-12)
    assert out.loc[0, "peak_energy_share"] == pytest.approx(16 / 24, rel=1e-12)
    assert "tariff.profile.datacenter_continuous" in codes(log)[0].split(";")


def test_the_runs_tariff_fills_rows_without_a_class_and_says_so(tables):
    # general_two_part valley 22:00-06:00: 0.40 in summer and winter months, 0.50 otherwise
    valley = (SUMMER_AND_WINTER_DAYS * 0.40 + OTHER_DAYS * 0.50) / 365
    assert valley == pytest.approx(0.457808, abs=1e-6)  # (61.6 + 105.5) / 365
    out, log = priced(
        rows(
            energy_saved_kwh=[1_000.0, 1_000.0],
            electricity_price_cny_per_kwh=[1.0, 1.0],
            investment_cny=[np.nan, np.nan],
            tariff_class=[None, "single_part"],
            load_profile=["22:00-06:00", "22:00-06:00"],
            operating_hours_h=[2920.0, 2920.0],
        ),
        tables,
        tariff="general_two_part",
    )
    assert list(out["tariff_class"]) == ["general_two_part", "single_part"]
    np.testing.assert_allclose(out["price_multiplier"], [valley, 0.55], rtol=1e-12)
    assert "tariff.from_option" in codes(log)[0].split(";")
    assert "tariff.from_option" not in codes(log)[1].split(";")


def test_a_profile_without_a_tariff_is_kept_but_unused(tables):
    out, log = priced(
        rows(
            energy_saved_kwh=[1_000.0],
            electricity_price_cny_per_kwh=[0.5],
            investment_cny=[np.nan],
            load_profile=["night"],
        ),
        tables,
    )
    assert (out.loc[0, "price_multiplier"], out.loc[0, "cost_saved_cny"]) == (1.0, 500.0)
    assert out.loc[0, "load_profile"] == "night"
    assert codes(log) == ["cost.investment.missing;tariff.profile.unused"]


def test_profile_hours_far_from_operating_hours_are_caveated(tables):
    # a single shift (08:00-17:00 on workdays) has 9 h × 261 workdays = 2,349 h in 2026;
    # 4,000 operating hours differ by more than the 10 % tolerance
    _, log = priced(
        rows(
            energy_saved_kwh=[1_000.0, 1_000.0],
            electricity_price_cny_per_kwh=[0.5, 0.5],
            investment_cny=[np.nan, np.nan],
            tariff_class=["single_part", "single_part"],
            load_profile=["single_shift", "single_shift"],
            operating_hours_h=[4000.0, 2349.0],
        ),
        tables,
    )
    assert "tariff.profile.hours_differ" in codes(log)[0].split(";")
    assert "tariff.profile.hours_differ" not in codes(log)[1].split(";")


def test_data_issues_are_returned_not_raised(tables):
    out = rows(
        energy_saved_kwh=[1_000.0, 1_000.0, 1_000.0],
        electricity_price_cny_per_kwh=[0.5, 0.5, 0.5],
        investment_cny=[np.nan, np.nan, np.nan],
        tariff_class=[None, "single_part", "single_part"],
        offpeak_shift_fraction=[0.2, np.nan, np.nan],
        load_profile=[None, None, "25:00-26:00"],
    )
    log = CaveatLog(len(out))
    issues = economics(
        out, tables, log, year=2026, tariff=None, file="f.csv", header_map={"load_profile": "时段"}
    )
    found = sorted((i.type, i.row, i.column) for i in issues)
    assert found == [
        ("blank-required", 3, "时段"),
        ("not-applicable", 2, "offpeak_shift_fraction"),
        ("unknown-value", 4, "时段"),
    ]
    assert "cost_saved_cny" not in out.columns  # nothing is written when the rows have issues
