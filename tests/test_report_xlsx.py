"""The auditor's workbook, re-read with openpyxl: sheets, headers, formats and formulas."""

from __future__ import annotations

import re

import openpyxl
import pytest
from openpyxl.utils import column_index_from_string

from retrofit import estimate
from retrofit.io.workbook import HEADER_ROWS, write_workbook

SAMPLE = "retrofit/samples/example_plant.csv"


@pytest.fixture(scope="module")
def workbook(tmp_path_factory):
    result = estimate(SAMPLE, year=2026)
    path = tmp_path_factory.mktemp("xlsx") / "report.xlsx"
    write_workbook(result, path)
    return result, openpyxl.load_workbook(path)


def _column(ws, letter: str, first: int, last: int) -> list:
    j = column_index_from_string(letter)
    return [ws.cell(i, j).value for i in range(first, last + 1)]


def test_sheets_headers_and_frozen_rows(workbook):
    result, wb = workbook
    assert wb.sheetnames[:3] == ["summary", "assets", "plants"]
    assert {"assumptions", "caveats"} <= set(wb.sheetnames)
    assets = wb["assets"]
    assert assets.freeze_panes == "A3"
    names = [c.value for c in assets[1]]
    assert names == list(result.assets.columns)
    labels = dict(zip(names, [c.value for c in assets[2]], strict=True))
    # the glossary's headers, Chinese then English; 年节能量 as an energy auditor writes it
    assert labels["energy_saved_kwh"] == "年节电量 [kWh/年] energy saved [kWh/yr]"
    assert labels["coal_saved_tce"] == "年节能量 [tce/年] standard coal saved [tce/yr]"
    j = names.index("coal_saved_tce") + 1
    assert assets.cell(HEADER_ROWS + 1, j).number_format == "#,##0.000"
    assert (
        assets.cell(HEADER_ROWS + 1, names.index("energy_saved_kwh") + 1).number_format == "#,##0"
    )


def test_headline_totals_are_formulas_that_add_up(workbook):
    result, wb = workbook
    summary, assets = wb["summary"], wb["assets"]
    checked = 0
    for row in summary.iter_rows(values_only=True):
        formula = row[1]
        if not (isinstance(formula, str) and formula.startswith("=SUM(")):
            continue
        sheet, first, last = re.fullmatch(
            r"=SUM\((\w+)!([A-Z]+\d+):([A-Z]+\d+)\)", formula
        ).groups()
        letter, start = re.fullmatch(r"([A-Z]+)(\d+)", first).groups()
        end = int(re.fullmatch(r"[A-Z]+(\d+)", last).group(1))
        assert sheet == "assets" and int(start) == HEADER_ROWS + 1
        assert end == HEADER_ROWS + len(result.assets)
        values = [v for v in _column(assets, letter, int(start), end) if v is not None]
        name = assets.cell(1, column_index_from_string(letter)).value
        # the formula's cells add up to retrofit's own total, which sits beside it
        assert sum(values) == pytest.approx(row[3], rel=1e-12)
        assert row[3] == pytest.approx(result.assets[name].sum(), rel=1e-12)
        checked += 1
    assert checked >= 6


def test_per_plant_sumif_formulas(workbook):
    result, wb = workbook
    summary, assets = wb["summary"], wb["assets"]
    rows = [
        r
        for r in summary.iter_rows(values_only=True)
        if isinstance(r[1], str) and r[1].startswith("=SUMIF(")
    ]
    assert len(rows) == len(result.plants)
    for plant, formula, *_rest, value in rows:
        key_range, _, sum_range = re.fullmatch(
            r"=SUMIF\(assets!([A-Z]+\d+:[A-Z]+\d+),(A\d+),assets!([A-Z]+\d+:[A-Z]+\d+)\)", formula
        ).groups()
        keys = [c.value for row in assets[key_range] for c in row]
        sums = [c.value for row in assets[sum_range] for c in row]
        total = sum(s for k, s in zip(keys, sums, strict=True) if k == plant)
        expected = result.plants.set_index("plant_id").loc[plant, "coal_saved_tce"]
        assert total == pytest.approx(expected, rel=1e-12) and value == pytest.approx(expected)
