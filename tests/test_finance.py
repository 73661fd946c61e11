"""Economics per asset, project and plant in an estimate, and the supply curve, against
hand calculations written out here."""

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from retrofit import estimate
from retrofit.cli import cli
from retrofit.core.exceptions import InventoryError

SAMPLE = "retrofit/samples/example_plant.csv"


def motor(**extra):
    row = {
        "plant_id": "P1",
        "asset_id": "M1",
        "category": "motor",
        "measure": "upgrade_motor",
        "rated_power_kw": 55,
        "poles": 4,
        "efficiency_class": "IE2",
        "target_class": "grade_2",
        "load_factor": 1.0,
        "operating_hours_h": 4000,
        "investment_cny": 18_000,
        "electricity_price_cny_per_kwh": 0.72,
        "plant_energy_tce": 100,
    }
    row.update(extra)
    return row


def af(r, n):
    """Annuity factor written out: (1 − (1 + r)^−n) / r."""
    return (1 - (1 + r) ** -n) / r


def test_example_motor_m001_by_hand():
    # README hand check: 55 kW → life 22 years (NSW ESS Table F7.4, 41–100 kW band), r = 8 %
    result = estimate(SAMPLE, year=2026)
    m = result.assets.set_index("asset_id").loc["M-001"]
    assert m["lifetime_years"] == 22 and "41–100 kW" in m["lifetime_source"]
    saving = m["cost_saved_cny"]
    assert m["npv_cny"] == pytest.approx(saving * af(0.08, 22) - 18_000, rel=1e-12)
    assert m["npv_cny"] == pytest.approx(21_727.03, abs=0.01)
    crf = 1 / af(0.08, 22)
    assert m["cost_of_saved_tce_cny_per_tce"] == pytest.approx(
        18_000 * crf / m["coal_saved_tce"], rel=1e-12
    )
    assert m["cost_of_saved_energy_cny_per_kwh"] == pytest.approx(
        18_000 * crf / m["energy_saved_kwh"], rel=1e-12
    )
    assert m["net_cost_of_saved_tce_cny_per_tce"] == pytest.approx(
        (18_000 * crf - saving) / m["coal_saved_tce"], rel=1e-12
    )


@pytest.mark.parametrize(
    ("row", "life", "source"),
    [
        (motor(rated_power_kw=5.5), 15, "2.6–9.2 kW"),
        (motor(rated_power_kw=2.2), 12, "0–2.6 kW"),
        (motor(rated_power_kw=200), 25, "100– kW"),
        (motor(lifetime_years=7), 7, "input lifetime_years"),
        (
            motor(
                category="pump",
                measure="upgrade_motor+add_vfd",
                control="throttle",
                flow_profile="100:50;70:50",
            ),
            10,
            "add_vfd",
        ),  # drive 10 < motor 22: shortest
        (
            motor(
                category="compressor",
                measure="upgrade_equipment",
                compressor_type="screw",
                discharge_pressure_mpa=0.8,
                cooling="air",
                specific_power_kw_per_m3min=8.2,
                operating_hours_h=8000,
                rated_power_kw=90,
            ),
            10,
            "compressor",
        ),  # 80,000 h / 8,000
    ],
)
def test_lifetime_lookup(row, life, source):
    asset = estimate(pd.DataFrame([row]), year=2026).assets.iloc[0]
    assert asset["lifetime_years"] == pytest.approx(life)
    assert source in asset["lifetime_source"]


def test_leak_repair_counts_one_year_unless_a_life_is_given():
    """measure_lifetimes gives leak repair 1 year (a proxy, L): NPV = S × 1/1.08 − I."""
    row = motor(
        category="compressor",
        measure="fix_leaks",
        leak_fraction=0.3,
        rated_power_kw=90,
        operating_hours_h=6000,
    )
    result = estimate(pd.DataFrame([row]), year=2026)
    asset = result.assets.iloc[0]
    assert asset["lifetime_years"] == 1
    assert asset["lifetime_source"] == "measure_lifetimes: fix_leaks, compressor, 0– kW"
    assert asset["npv_cny"] == pytest.approx(asset["cost_saved_cny"] / 1.08 - 18_000)
    assert "finance.lifetime.unknown" not in asset["caveats"]
    given = estimate(pd.DataFrame([row | {"lifetime_years": 3}]), year=2026).assets.iloc[0]
    assert given["npv_cny"] == pytest.approx(given["cost_saved_cny"] * af(0.08, 3) - 18_000)


def test_projects_sum_their_rows_and_take_the_irr_of_the_summed_flows():
    rows = [
        motor(asset_id="A", project_id="X"),
        motor(asset_id="B", project_id="X", rated_power_kw=5.5, investment_cny=3_000),
        motor(asset_id="C", project_id="Y"),
    ]
    result = estimate(pd.DataFrame(rows), year=2026, discount_rate=0.06)
    assets = result.assets.set_index("asset_id")
    x = result.projects.set_index("project_id").loc["X"]
    assert x["investment_cny"] == 21_000
    assert x["npv_cny"] == pytest.approx(assets.loc["A", "npv_cny"] + assets.loc["B", "npv_cny"])
    sa, sb = assets.loc["A", "cost_saved_cny"], assets.loc["B", "cost_saved_cny"]
    # flows: −21,000; sa + sb in years 1–15; sa alone in years 16–22: NPV at the IRR is 0
    irr = x["irr"]
    npv_at_irr = -21_000 + (sa + sb) * af(irr, 15) + sa * (af(irr, 22) - af(irr, 15))
    assert npv_at_irr == pytest.approx(0.0, abs=1e-6)
    plant = result.plants.iloc[0]
    assert plant["npv_cny"] == pytest.approx(assets["npv_cny"].sum())


def test_a_project_with_a_row_missing_a_price_is_null_not_partial():
    rows = [motor(asset_id="A"), motor(asset_id="B", electricity_price_cny_per_kwh=None)]
    project = estimate(pd.DataFrame(rows), year=2026).projects.iloc[0]
    assert np.isnan(project["npv_cny"]) and np.isnan(project["annual_cost_saved_cny"])
    assert project["finance_status"] == "incomplete: no electricity price"


def test_supply_curve_ranks_by_cost_and_draws_the_bai_yi_line():
    rows = [
        motor(asset_id="cheap", investment_cny=5_000),
        motor(asset_id="dear", investment_cny=50_000),
        motor(asset_id="other", plant_id="P2", investment_cny=10_000),
    ]
    result = estimate(pd.DataFrame(rows), year=2026)
    curve = result.supply_curve
    p1 = curve[curve["plant_id"] == "P1"]
    assert list(p1["asset_id"]) == ["cheap", "dear"] and list(p1["plant_rank"]) == [1, 2]
    assert p1["plant_cumulative_tce"].iloc[-1] == pytest.approx(p1["coal_saved_tce"].sum())
    assert p1["bai_yi_line_tce"].iloc[0] == pytest.approx(0.01 * 100)  # 1 % of 100 tce
    assert list(curve["asset_id"]) == ["cheap", "other", "dear"]
    assert list(curve["rank"]) == [1, 2, 3]
    assert curve["cumulative_tce"].iloc[-1] == pytest.approx(curve["coal_saved_tce"].sum())
    assert np.all(np.diff(curve["cost_of_saved_tce_cny_per_tce"]) >= 0)


def test_discount_rate_option_is_checked():
    with pytest.raises(ValueError, match="discount rate"):
        estimate(pd.DataFrame([motor()]), year=2026, discount_rate=1.5)


def test_a_life_beyond_the_horizon_is_a_data_error_naming_the_row():
    with pytest.raises(InventoryError) as error:
        estimate(pd.DataFrame([motor(lifetime_years=80)]), year=2026)
    issue = error.value.issues[0]
    assert issue.column == "lifetime_years" and issue.value == "80"


# --- command line ------------------------------------------------------------------------


def test_incentives_command_lists_rules_and_writes_the_listing(tmp_path):
    out = tmp_path / "listing.csv"
    args = [
        "incentives",
        SAMPLE,
        "--year",
        "2026",
        "--policy",
        "shanghai-2024,national",
        "--financing",
        "银行贷款",
        "--loan-rate",
        "0.04",
        "--eit-payable",
        "50000",
    ]
    result = CliRunner().invoke(cli, [*args, "--all"])
    assert result.exit_code == 0, result.output
    assert (
        "CN-ONE-OFF-DEDUCTION" in result.stdout and "[not applicable] SH-355-LEASE" in result.stdout
    )
    written = CliRunner().invoke(cli, [*args, "-o", str(out)])
    assert written.exit_code == 0 and f"wrote {out}" in written.stderr
    listing = pd.read_csv(out, encoding="utf-8-sig")
    assert set(listing["status"]) <= {"applies", "superseded", "needs", "not applicable"}
    assert len(listing) == 4 * 15  # 4 projects × (7 Shanghai + 8 national rules)


def test_incentives_command_in_chinese():
    result = CliRunner().invoke(
        cli,
        [
            "incentives",
            SAMPLE,
            "--year",
            "2026",
            "--policy",
            "shenyang-2025",
            "--designation",
            "shenyang-point",
            "--lang",
            "zh",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "可能适用的补贴与税收政策" in result.stdout and "计入的政策支持" in result.stdout


@pytest.mark.parametrize(
    "args", [[], ["--policy", "atlantis-2030"], ["--policy", "national", "--financing", "barter"]]
)
def test_incentives_command_usage_errors(args):
    result = CliRunner().invoke(cli, ["incentives", SAMPLE, *args])
    assert result.exit_code == 2


@pytest.mark.slow
def test_estimate_writes_supply_curve_figures(tmp_path):
    result = CliRunner().invoke(
        cli, ["estimate", SAMPLE, "--year", "2026", "--plots", str(tmp_path), "--format", "csv"]
    )
    assert result.exit_code == 0, result.output
    names = {p.name for p in tmp_path.iterdir()}
    assert {"supply_curve_all.png", "supply_curve_all.svg", "supply_curve_SH-0001.png"} <= names
    assert (tmp_path / "supply_curve_all.png").stat().st_size > 5_000
