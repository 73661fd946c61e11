"""Monte Carlo: zero spread equals the estimate, percentiles ordered, a known analytic case,
reproducible seeds, the tornado, metered data against the band, and speed."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest
from scipy.special import ndtri

from retrofit import estimate
from retrofit.core.reference import load_table
from retrofit.models import sampling

#: Monte Carlo runs over whole estimates: `make test` runs them, `make test-fast` leaves them out
pytestmark = pytest.mark.slow

SAMPLE = "retrofit/samples/example_plant.csv"


def _table(tmp_path, frame: pd.DataFrame):
    path = tmp_path / "distributions.csv"
    frame.to_csv(path, index=False)
    return {"uncertainty_distributions": str(path)}


def test_zero_spread_equals_the_deterministic_estimate(tmp_path):
    table = load_table("uncertainty_distributions")
    flat = table.copy()
    # every distribution collapsed on the value the estimate used
    absolute = flat["scale"] == "absolute"
    flat.loc[absolute & (flat["input"] == "load_factor"), ["low", "mode", "high"]] = 0.75
    flat.loc[absolute & (flat["input"] == "operating_hours_h"), ["low", "mode", "high"]] = 4000
    # relative draws (stated loads and hours, PUE, series losses) collapse on a multiplier of 1
    flat.loc[flat["scale"] == "relative", ["low", "mode", "high"]] = 1.0
    flat.loc[flat["input"].str.endswith("losses"), ["low", "high"]] = 1.0
    flat.loc[flat["input"] == "grid_co2_factor", ["low", "high"]] = 0.5306
    # recomputed inputs added to the value used collapse on zero; a duty profile's shares get
    # no spread (the profile as chosen)
    flat.loc[flat["scale"] == "additive", ["low", "mode", "high"]] = 0.0
    flat.loc[flat["distribution"] == "dirichlet", "sd"] = 0.0
    result = estimate(SAMPLE, year=2026, uncertainty=300, seed=1, tables=_table(tmp_path, flat))
    u = result.uncertainty
    det = result.plants.set_index("plant_id")["coal_saved_tce"]
    for column in ("p10", "p50", "p90"):
        assert u.plants.set_index("plant_id")[column].to_numpy() == pytest.approx(
            det.to_numpy(), rel=1e-12
        )
    portfolio = u.portfolio.set_index("metric")
    for metric in ("coal_saved_tce", "energy_saved_kwh", "co2_avoided_t"):
        assert portfolio.loc[metric, "p10"] == pytest.approx(
            portfolio.loc[metric, "deterministic"], rel=1e-12
        )
    assert u.tornado.empty


def test_percentiles_are_ordered_and_probability_is_a_share():
    u = estimate(SAMPLE, year=2026, uncertainty=2000, seed=5).uncertainty
    p = u.plants
    assert (p["p10"] <= p["p50"]).all() and (p["p50"] <= p["p90"]).all()
    known = p["probability_meets_bai_yi"].dropna()
    assert ((known >= 0) & (known <= 1)).all()
    assert p.loc[p["plant_energy_tce"].isna(), "probability_meets_bai_yi"].isna().all()


def test_sum_of_independent_normal_savings_matches_exact_percentiles(tmp_path):
    # hours on every row × N(1, 0.1), independent: each saving S_i(1 + 0.1 z_i), so the total is
    # normal with mean ΣS_i and sd 0.1·sqrt(ΣS_i²); its P10/P90 are mean ∓ 1.28155 sd
    table = pd.DataFrame(
        [
            {
                "input": "operating_hours_h",
                "applies": "always",
                "condition": "",
                "distribution": "normal",
                "low": "",
                "mode": 1.0,
                "high": "",
                "sd": 0.1,
                "scale": "relative",
                "unit": "multiplier",
                "source": "test: analytic case",
                "confidence": "H",
                "note": "",
            }
        ]
    )
    result = estimate(
        SAMPLE, year=2026, uncertainty=40_000, seed=2024, tables=_table(tmp_path, table)
    )
    covered = result.assets["operating_hours_h"].notna()
    s = result.assets["coal_saved_tce"].to_numpy()
    mean = s.sum()
    sd = 0.1 * np.sqrt((s[covered.to_numpy()] ** 2).sum())
    z = ndtri(0.9)
    assert z == pytest.approx(1.281552, abs=1e-6)
    portfolio = result.uncertainty.portfolio.set_index("metric").loc["coal_saved_tce"]
    # sampling error of a normal quantile at N = 40,000: about 0.0086 sd; allow 4× that
    assert portfolio["p50"] == pytest.approx(mean, abs=0.04 * sd)
    assert portfolio["p10"] == pytest.approx(mean - z * sd, abs=0.04 * sd)
    assert portfolio["p90"] == pytest.approx(mean + z * sd, abs=0.04 * sd)


@pytest.mark.slow
def test_same_seed_same_numbers_other_seed_other_numbers():
    a = estimate(SAMPLE, year=2026, uncertainty=500, seed=9).uncertainty.plants
    b = estimate(SAMPLE, year=2026, uncertainty=500, seed=9).uncertainty.plants
    c = estimate(SAMPLE, year=2026, uncertainty=500, seed=10).uncertainty.plants
    pd.testing.assert_frame_equal(a, b)
    assert not np.allclose(a["p10"], c["p10"])


def test_tornado_orders_inputs_by_swing_and_names_them():
    u = estimate(SAMPLE, year=2026, uncertainty=200, seed=1).uncertainty
    t = u.tornado
    assert list(t["swing"]) == sorted(t["swing"], reverse=True)
    assert {
        "efficiency_losses_baseline",
        "efficiency_losses_retrofit",
        "load_factor",
        "operating_hours_h",
    } <= set(t["input"])
    # losses of the present motor up → more saved; of the new motor up → less saved
    base = t.set_index("input").loc["efficiency_losses_baseline"]
    new = t.set_index("input").loc["efficiency_losses_retrofit"]
    assert base["at_p90"] > base["at_p10"] and new["at_p90"] < new["at_p10"]


def test_efficiency_tolerance_by_hand():
    # IEC 60034-1: losses up to 15 % higher. A 93.5 % motor at the top of the range:
    # 1 − 0.065 × 1.15 = 0.92525, so its energy × 0.935 / 0.92525
    eta = sampling.losses_efficiency(0.935, 1.15)
    assert eta == pytest.approx(0.92525)
    assert sampling.inverse_cdf("uniform", [0.0, 0.5, 1.0], low=1.0, high=1.15) == pytest.approx(
        [1.0, 1.075, 1.15]
    )
    # triangular(0.5, 0.75, 1.0): the median is the mode by symmetry
    assert sampling.inverse_cdf("triangular", 0.5, low=0.5, mode=0.75, high=1.0) == pytest.approx(
        0.75
    )
    assert sampling.inverse_cdf("triangular", [0.3], low=2.0, mode=2.0, high=2.0) == [2.0]


def test_metered_saving_is_flagged_against_the_band():
    frame = pd.read_csv(SAMPLE)
    frame["改造前年计量电量"] = np.nan
    frame["改造后年计量电量"] = np.nan
    frame.loc[0, ["改造前年计量电量", "改造后年计量电量"]] = [100_000, 94_600]  # 5,400 kWh
    frame.loc[1, ["改造前年计量电量", "改造后年计量电量"]] = [100_000, 70_000]  # 30,000 kWh
    result = estimate(frame, year=2026, uncertainty=2000, seed=3)
    a = result.assets.set_index("asset_id")
    assert a.loc["M-001", "metered_saving_kwh"] == 5_400
    assert a.loc["M-001", "metered_difference_kwh"] == pytest.approx(
        5_400 - a.loc["M-001", "energy_saved_kwh"]
    )
    assert a.loc["M-001", "metered_flag"] == "within P10–P90"
    assert a.loc["M-002", "metered_flag"] == "above P90"
    assert "metered.outside_band" in [c.code for c in result.caveats]
    plain = estimate(frame, year=2026).assets.set_index("asset_id")
    assert plain.loc["M-001", "metered_flag"] == "no band: run with --uncertainty"


def test_one_meter_reading_without_the_other_is_an_error():
    from retrofit.core.exceptions import InventoryError

    frame = pd.read_csv(SAMPLE)
    frame["改造前年计量电量"] = np.nan
    frame.loc[2, "改造前年计量电量"] = 50_000
    with pytest.raises(InventoryError) as error:
        estimate(frame, year=2026)
    issue = error.value.issues[0]
    assert issue.row == 4 and "metered_retrofit_kwh" in issue.column


@pytest.mark.slow
def test_ten_thousand_draws_of_five_thousand_assets_take_seconds():
    frame = pd.read_csv(SAMPLE)
    motors = frame[
        frame["设备类型"].isin(["电机", "水泵", "风机"]) & frame["改造措施"].eq("电机更换")
    ]
    big = pd.concat([motors] * (5000 // len(motors) + 1), ignore_index=True).head(5000)
    big["设备编号"] = [f"A{i}" for i in range(len(big))]
    big["企业编号"] = "BIG"
    big["上年综合能耗(tce)"] = 50_000
    result = estimate(big, year=2026)
    from retrofit.uncertainty.montecarlo import run

    start = time.perf_counter()
    u = run(result, 10_000, seed=1)
    seconds = time.perf_counter() - start
    assert len(u.plants) == 1 and seconds < 30, seconds


def test_plant_metered_saving_from_the_plants_file(tmp_path):
    plants = tmp_path / "plants.csv"
    plants.write_text(
        "企业编号,上年综合能耗(tce),改造前年计量电量,改造后年计量电量\n"
        "SH-0001,1200,1000000,726000\nSH-0002,5400,800000,700000\n",
        encoding="utf-8",
    )
    result = estimate(SAMPLE, year=2026, plants=str(plants), uncertainty=2000, seed=4)
    p = result.plants.set_index("plant_id")
    assert p.loc["SH-0001", "metered_saving_kwh"] == 274_000
    assert p.loc["SH-0001", "metered_difference_kwh"] == pytest.approx(
        274_000 - p.loc["SH-0001", "energy_saved_kwh"]
    )
    assert p.loc["SH-0001", "metered_flag"] == "within P10–P90"
    assert p.loc["SH-0002", "metered_flag"] == "below P10"  # 100,000 kWh vs ~264,000
    assert "metered.plant_outside_band" in [c.code for c in result.caveats]
    from retrofit.report.html import render_html

    assert "below P10" in render_html(result, figures=False)


def test_a_plant_meter_reading_without_the_other_names_the_plants_file_row(tmp_path):
    from retrofit.core.exceptions import InventoryError

    plants = tmp_path / "plants.csv"
    plants.write_text(
        "企业编号,上年综合能耗(tce),改造前年计量电量,改造后年计量电量\n"
        "SH-0001,1200,1000000,\nSH-0002,5400,800000,700000\n",
        encoding="utf-8",
    )
    with pytest.raises(InventoryError) as error:
        estimate(SAMPLE, year=2026, plants=str(plants))
    issue = error.value.issues[0]
    assert issue.file.endswith("plants.csv") and issue.row == 2
    assert issue.column == "改造后年计量电量" and issue.value == ""
    assert "both readings" in issue.expected


def test_demo_estimate_sits_inside_its_band_and_fixed_inputs_are_listed():
    """Issue 20 point 7 on make demo's inventory: with stated loads and hours, the PUE, and the
    assumed series → class mappings drawn, the deterministic total coal saved lies inside
    P10–P90 for the inventory and for every plant; the inputs left fixed are listed with the
    rows they act on (2 rows with a flow profile: W-010 and F-011; 1 with a leak fraction,
    C-301) and a reason."""
    result = estimate(SAMPLE, year=2026, uncertainty=2000, seed=1)
    u = result.uncertainty
    total = u.portfolio.set_index("metric").loc["coal_saved_tce"]
    assert total["p10"] <= total["deterministic"] <= total["p90"]
    for plant in u.plants.itertuples():
        assert plant.p10 <= plant.deterministic <= plant.p90, plant.plant_id
    drawn = set(u.inputs["input"])
    assert {"pue", "target_pue", "series_efficiency_losses_baseline"} <= drawn
    # the series doubt acts on the present motor only: the Y2 fan and the YX3 motor
    series = u.inputs[u.inputs["input"] == "series_efficiency_losses_baseline"]
    assert int(series["rows"].iloc[0]) == 2
    drawn_rows = u.inputs.groupby("input")["rows"].sum()
    assert drawn_rows["flow_profile"] == 2 and drawn_rows["leak_fraction"] == 1
    fixed = u.fixed.set_index("input")
    assert fixed.loc["pressure_reduction_bar", "rows"] == 1
    assert fixed["fixed_because"].str.len().min() > 10
    assert "uncertainty_fixed" in result.tables()


def test_pue_draws_scale_the_facility_energy_by_hand(frame_of_columns):
    """The issue's data-centre example: 4,380,000 kWh IT × PUE 1.6 → 1.3 saves 1,314,000 kWh.
    Present PUE at its P10 (triangular 0.95–1.0–1.05: 0.95 + √(0.1 × 0.1 × 0.05) = 0.972361):
    7,008,000 × 0.972361 − 5,694,000 = 1,120,306 kWh saved. Target PUE at its P90
    (triangular 0.97–1.0–1.10: 1.10 − √(0.1 × 0.13 × 0.10) = 1.063944): 7,008,000 −
    5,694,000 × 1.063944 = 949,903 kWh. Tornado bars are in tce: divide by the factor used."""
    df = frame_of_columns(
        category="datacenter",
        measure="improve_pue",
        it_load_kw=500,
        operating_hours_h=8760,
        pue=1.6,
        target_pue=1.3,
    )
    result = estimate(df, year=2026, uncertainty=200, seed=1)
    a = result.assets.iloc[0]
    per_kwh = a["coal_saved_tce"] / a["energy_saved_kwh"]
    bars = result.uncertainty.tornado.set_index("input")
    assert bars.loc["pue", "at_p10"] / per_kwh == pytest.approx(1_120_306, rel=1e-5)
    assert bars.loc["target_pue", "at_p90"] / per_kwh == pytest.approx(949_903, rel=1e-5)
