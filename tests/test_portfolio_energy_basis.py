"""``portfolio`` reads ``plant_energy_basis`` from the inventory rows as ``estimate`` does
(issue 16, point 6): the rows' basis wins over the plants file and the option, so the two
commands give the same verdict on the same plant whatever the source of the basis.

Hand figures for the demo inventory's plant SH-0002 (上年综合能耗 5,400 tce), accounting year
2026, national region (as in tests/test_bai_yi_basis.py): 223,880 kWh saved, 27.515 tce on
当量值 (0.1229 kgce/kWh, GB/T 2589-2020 附录A); on 等价值 (the national 2025 target,
0.300 kgce/kWh) 223,880 × 0.300 = 67.164 tce. Shares: 27.515 ÷ 5,400 = 0.5095 % (short of 1 %),
67.164 ÷ 5,400 = 1.2438 % (meets). The rows have no in_service_date: they enter service on
1 January 2026 in both commands, so the year's realised saving is the full annual one.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import retrofit
from retrofit.portfolio.runner import portfolio

SAMPLE = Path(retrofit.__file__).parent / "samples" / "example_plant.csv"
YEAR = 2026
SAVED_KWH = 223_880.1  # SH-0002's six rows, as in tests/test_bai_yi_basis.py
SHARE_EQUIVALENT = SAVED_KWH * 0.1229 / 1000 / 5400  # 0.5095 %
SHARE_EQUAL_VALUE = SAVED_KWH * 0.300 / 1000 / 5400  # 1.2438 %


def inventory_with_basis(tmp_path: Path, basis_by_row: list[str]) -> Path:
    frame = pd.read_csv(SAMPLE, dtype=str, keep_default_na=False)
    frame["能耗口径"] = ""
    rows = frame.index[frame["企业编号"] == "SH-0002"]
    for row, basis in zip(rows, basis_by_row, strict=False):
        frame.loc[row, "能耗口径"] = basis
    path = tmp_path / "inventory.csv"
    frame.to_csv(path, index=False, encoding="utf-8")
    return path


def portfolio_row(result) -> pd.Series:
    rows = result.bai_yi[result.bai_yi["year"] == YEAR].set_index("plant_id")
    return rows.loc["SH-0002"]


def estimate_row(path: Path, **options) -> pd.Series:
    return retrofit.estimate(path, year=YEAR, **options).plants.set_index("plant_id").loc["SH-0002"]


@pytest.mark.parametrize(
    ("given", "option", "basis", "share", "meets"),
    [
        # rows say 等价值, the option 当量值: the rows win, 1.467 % meets
        ("等价值", "equivalent", "equal_value", SHARE_EQUAL_VALUE, True),
        # rows say 当量值, the option 等价值: the rows win, 0.601 % is short
        ("当量值", "equal_value", "equivalent", SHARE_EQUIVALENT, False),
    ],
)
def test_portfolio_takes_the_inventory_rows_basis_as_estimate_does(
    tmp_path, given, option, basis, share, meets
):
    path = inventory_with_basis(tmp_path, [given] * 10)
    ours = portfolio_row(portfolio([path], year=YEAR, plant_energy_basis=option))
    theirs = estimate_row(path, plant_energy_basis=option)
    for row in (ours, theirs):
        assert row["plant_energy_basis"] == basis
        assert row["plant_energy_basis_source"] == "input"
        assert row["saving_share"] == pytest.approx(share, abs=5e-6)
        assert bool(row["meets_bai_yi"]) is meets


def test_inventory_rows_win_over_the_plants_file(tmp_path):
    # the plants file says 当量值 (short), the rows 等价值 (meets): estimate's order is rows first
    path = inventory_with_basis(tmp_path, ["等价值"] * 10)
    plants = tmp_path / "plants.csv"
    plants.write_text("企业编号,2025年综合能耗(tce),能耗口径\nSH-0002,5400,当量值\n", "utf-8")
    ours = portfolio_row(portfolio([path], plants=plants, year=YEAR))
    theirs = estimate_row(path, plants=plants)
    for row in (ours, theirs):
        assert row["plant_energy_basis"] == "equal_value"
        assert row["saving_share"] == pytest.approx(SHARE_EQUAL_VALUE, abs=5e-6)
        assert bool(row["meets_bai_yi"])


def test_two_bases_on_the_rows_are_reported_and_the_first_is_used(tmp_path):
    path = inventory_with_basis(tmp_path, ["当量值", "等价值"])
    result = portfolio([path], year=YEAR, plant_energy_basis="equal_value")
    row = portfolio_row(result)
    assert row["plant_energy_basis"] == "equivalent"  # the first row's, as estimate
    assert not bool(row["meets_bai_yi"])
    conflict = [c for c in result.caveats if c.code == "plant.energy_basis.conflict"]
    assert conflict and conflict[0].data["plants"] == ["SH-0002"]
    assert "inventory rows" in result.assumptions["portfolio"]["plant_energy_basis"]["rule"]
