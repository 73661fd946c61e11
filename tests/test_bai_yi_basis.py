"""The 百一 share divides savings on the basis of the plant's previous-year energy (issue 16).

Hand figures for the demo inventory's plant SH-0002 (上年综合能耗 5,400 tce), accounting year
2026 at the national region:

- its six rows save 223,880 kWh (issue 20: compressor C-301's leak repair and pressure cut read
  on its load/unload control curve, motors on loss-scaled part load; 264,068 kWh = 32.454 tce,
  the issue-16 figure, before); at the 当量值 of 0.1229 kgce/kWh (GB/T 2589-2020 附录A) that is
  223,880 × 0.1229 = 27,515 kgce = 27.515 tce;
- the 等价值 of 2025 (year − 1) is the national 2025 target of 300 g/kWh = 0.300 kgce/kWh
  (table electricity_equal_value_factors), so the same kWh are 223,880 × 0.300 = 67,164 kgce
  = 67.164 tce on 等价值;
- shares: 27.515 ÷ 5,400 = 0.5095 % (short of 1 % by 54 − 27.515 = 26.485 tce) on 当量值;
  67.164 ÷ 5,400 = 1.2438 % (meets) on 等价值.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import retrofit
from retrofit.cli import cli
from retrofit.core.exceptions import OptionError

#: the demo estimated under each basis, region and option: `make test` runs them, `make test-fast` leaves them out
pytestmark = pytest.mark.slow

SAMPLE = Path(retrofit.__file__).parent / "samples" / "example_plant.csv"
YEAR = 2026

SH0002_ENERGY_TCE = 5400.0
SH0002_SAVED_KWH = 223_880.1  # the plant's six rows (264,068 kWh before issue 20)
SH0002_SAVED_EQUIVALENT_TCE = SH0002_SAVED_KWH * 0.1229 / 1000  # 27.515 tce
SH0002_SAVED_EQUAL_VALUE_TCE = SH0002_SAVED_KWH * 0.300 / 1000  # 67.164 tce


def plant_row(result, plant_id: str = "SH-0002") -> pd.Series:
    return result.plants.set_index("plant_id").loc[plant_id]


def caveat(result, code: str):
    found = [c for c in result.caveats if c.code == code]
    assert found, f"no caveat {code}"
    return found[0]


def test_sh0002_on_equivalent_is_short() -> None:
    result = retrofit.estimate(SAMPLE, year=YEAR, plant_energy_basis="equivalent")
    row = plant_row(result)
    assert row["plant_energy_basis"] == "equivalent"
    assert row["plant_energy_basis_source"] == "option"
    assert row["saving_share"] == pytest.approx(0.005095, abs=5e-6)
    assert row["saving_share_equivalent"] == pytest.approx(0.005095, abs=5e-6)
    assert not row["meets_bai_yi"]
    assert row["shortfall_tce"] == pytest.approx(54.0 - SH0002_SAVED_EQUIVALENT_TCE, abs=1e-3)
    assert row["bai_yi_status"] == "short (estimate)"


def test_sh0002_on_equal_value_meets() -> None:
    result = retrofit.estimate(SAMPLE, year=YEAR, plant_energy_basis="equal_value")
    row = plant_row(result)
    assert row["energy_saved_kwh"] == pytest.approx(SH0002_SAVED_KWH, rel=1e-4)
    assert row["coal_saved_tce_equal_value"] == pytest.approx(
        SH0002_SAVED_EQUAL_VALUE_TCE, rel=1e-4
    )
    assert row["saving_share"] == pytest.approx(0.012438, abs=5e-6)
    assert row["saving_share_equal_value"] == pytest.approx(0.012438, abs=5e-6)
    # the other share is still reported, on its own basis
    assert row["saving_share_equivalent"] == pytest.approx(0.005095, abs=5e-6)
    assert row["meets_bai_yi"]
    assert row["shortfall_tce"] == 0.0


def test_headline_basis_does_not_change_the_verdict() -> None:
    on_equivalent = retrofit.estimate(
        SAMPLE, year=YEAR, basis="equivalent", plant_energy_basis="equivalent"
    )
    on_equal_value = retrofit.estimate(
        SAMPLE, year=YEAR, basis="equal_value", plant_energy_basis="equivalent"
    )
    assert not plant_row(on_equivalent)["meets_bai_yi"]
    assert not plant_row(on_equal_value)["meets_bai_yi"]
    # the headline is 等价值 (67.164 tce) while the verdict divides the 当量值 savings
    assert plant_row(on_equal_value)["coal_saved_tce"] == pytest.approx(67.164, abs=0.01)
    assert plant_row(on_equal_value)["saving_share"] == pytest.approx(0.005095, abs=5e-6)
    mismatch = caveat(on_equal_value, "plant.energy_basis.differs_from_headline")
    assert "SH-0002" in mismatch.data["plants"]
    assert mismatch.data["headline_basis"] == "equal_value"
    assert mismatch.data["used"] == ["equivalent"]
    codes = {c.code for c in on_equivalent.caveats}
    assert "plant.energy_basis.differs_from_headline" not in codes


def test_row_value_wins_over_the_option() -> None:
    frame = pd.read_csv(SAMPLE, dtype=str)
    frame["能耗口径"] = ""
    frame.loc[frame["企业编号"] == "SH-0002", "能耗口径"] = "当量值"
    result = retrofit.estimate(frame, year=YEAR, plant_energy_basis="equal-value")
    row = plant_row(result)
    assert row["plant_energy_basis"] == "equivalent"
    assert row["plant_energy_basis_source"] == "input"
    assert not row["meets_bai_yi"]
    other = plant_row(result, "SH-0001")
    assert other["plant_energy_basis"] == "equal_value"
    assert other["plant_energy_basis_source"] == "option"


def test_plants_file_value_wins_over_the_option(tmp_path: Path) -> None:
    plants = tmp_path / "plants.csv"
    plants.write_text("企业编号,上年综合能耗(tce),上年综合能耗口径\nSH-0002,5400,等价值\n", "utf-8")
    result = retrofit.estimate(SAMPLE, year=YEAR, plants=plants, plant_energy_basis="equivalent")
    row = plant_row(result)
    assert row["plant_energy_basis"] == "equal_value"
    assert row["plant_energy_basis_source"] == "input"
    assert row["meets_bai_yi"]
    assert plant_row(result, "SH-0001")["plant_energy_basis_source"] == "option"


def test_region_default_is_reported_as_assumed() -> None:
    result = retrofit.estimate(SAMPLE, year=YEAR, region="shanghai")
    row = plant_row(result)
    # table plant_energy_basis_defaults: Shanghai's statistics are on 等价值
    assert row["plant_energy_basis"] == "equal_value"
    assert row["plant_energy_basis_source"] == "region default"
    assumed = caveat(result, "plant.energy_basis.assumed")
    # SH-0003 has no energy figure: nothing was assumed for its share
    assert assumed.data["plants"] == ["SH-0001", "SH-0002", "SH-0004"]
    record = result.assumptions["bai_yi"]["plant_energy_basis"]
    assert record["region_default"] == "equal_value"
    assert record["region_default_confidence"] == "L"
    assert "DB31/T 783-2026" in record["region_default_source"]


def test_given_basis_is_not_reported_as_assumed() -> None:
    result = retrofit.estimate(SAMPLE, year=YEAR, plant_energy_basis="equivalent")
    assert "plant.energy_basis.assumed" not in {c.code for c in result.caveats}


def test_unknown_option_is_a_usage_error() -> None:
    with pytest.raises(OptionError, match="unknown plant energy basis 'heat'"):
        retrofit.estimate(SAMPLE, year=YEAR, plant_energy_basis="heat")


def test_validate_takes_the_option() -> None:
    report = retrofit.validate(SAMPLE, year=YEAR, plant_energy_basis="等价值")
    assert report.issues == []
    assert "plant.energy_basis.assumed" not in {c.code for c in report.caveats}
    with pytest.raises(OptionError, match="unknown plant energy basis"):
        retrofit.validate(SAMPLE, year=YEAR, plant_energy_basis="heat")


def test_cli_option_flips_the_verdict(tmp_path: Path) -> None:
    runner = CliRunner()
    verdicts = {}
    for basis in ("equivalent", "equal-value", "当量值", "等价值"):  # as the column reads them
        out = tmp_path / f"{basis}.json"
        done = runner.invoke(
            cli,
            [
                "estimate",
                str(SAMPLE),
                "--year",
                str(YEAR),
                "--plant-energy-basis",
                basis,
                "-o",
                str(out),
            ],
        )
        assert done.exit_code == 0, done.output
        plants = json.loads(out.read_text("utf-8"))["plants"]
        verdicts[basis] = {p["plant_id"]: p["meets_bai_yi"] for p in plants}["SH-0002"]
    assert verdicts == {"equivalent": False, "equal-value": True, "当量值": False, "等价值": True}
    bogus = runner.invoke(cli, ["estimate", str(SAMPLE), "--plant-energy-basis", "heat"])
    assert bogus.exit_code == 2 and "unknown plant energy basis 'heat'" in bogus.output


def test_portfolio_uses_the_plants_file_basis(tmp_path: Path) -> None:
    from retrofit.portfolio.runner import portfolio

    plants = tmp_path / "plants.csv"
    plants.write_text(
        "企业编号,2025年综合能耗(tce),能耗口径\nSH-0002,5400,等价值\nSH-0001,1200,\n", "utf-8"
    )
    result = portfolio([SAMPLE], plants=plants, year=YEAR, plant_energy_basis="equivalent")
    rows = result.bai_yi[result.bai_yi["year"] == YEAR].set_index("plant_id")
    sh0002 = rows.loc["SH-0002"]
    # the rows have no in_service_date: all enter service on 1 January 2026, so the year's
    # capacity is the full annual saving, 67.164 tce on 等价值
    assert sh0002["plant_energy_basis"] == "equal_value"
    assert sh0002["plant_energy_basis_source"] == "input"
    assert sh0002["capacity_added_tce"] == pytest.approx(SH0002_SAVED_EQUAL_VALUE_TCE, rel=1e-4)
    assert sh0002["saving_share"] == pytest.approx(0.012438, abs=5e-6)
    assert sh0002["saving_share_equivalent"] == pytest.approx(0.005095, abs=5e-6)
    assert sh0002["meets_bai_yi"]
    assert rows.loc["SH-0001", "plant_energy_basis_source"] == "option"
    mismatch = [c for c in result.caveats if c.code == "plant.energy_basis.differs_from_headline"]
    assert mismatch and mismatch[0].data["plants"] == ["SH-0002"]


def test_portfolio_region_default_is_reported_as_assumed(tmp_path: Path) -> None:
    from retrofit.portfolio.runner import portfolio

    result = portfolio([SAMPLE], year=YEAR, region="shanghai")
    rows = result.bai_yi[result.bai_yi["year"] == YEAR].set_index("plant_id")
    assert rows.loc["SH-0002", "plant_energy_basis_source"] == "region default"
    assert rows.loc["SH-0002", "meets_bai_yi"]
    assumed = [c for c in result.caveats if c.code == "plant.energy_basis.assumed"]
    assert assumed[0].data["plants"] == ["SH-0001", "SH-0002", "SH-0004"]
    record = result.assumptions["portfolio"]["plant_energy_basis"]
    assert record["region_default"] == "equal_value"


def test_two_bases_for_one_plant_are_reported(tmp_path: Path) -> None:
    frame = pd.read_csv(SAMPLE, dtype=str)
    frame["能耗口径"] = ""
    rows = frame.index[frame["企业编号"] == "SH-0002"]
    frame.loc[rows[0], "能耗口径"] = "当量值"
    frame.loc[rows[1], "能耗口径"] = "等价值"
    result = retrofit.estimate(frame, year=YEAR)
    conflict = caveat(result, "plant.energy_basis.conflict")
    assert conflict.data["plants"] == ["SH-0002"]
    assert plant_row(result)["plant_energy_basis"] == "equivalent"  # the first row's
