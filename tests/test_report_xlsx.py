"""The workbook writer, re-read with openpyxl: the auditor's style (sheets, headers, formats and
formulas) and the plain style (one header row, the values as they are)."""

from __future__ import annotations

import datetime as dt
import errno
import json
import math
import re
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from openpyxl.utils import column_index_from_string

import retrofit
from retrofit import estimate
from retrofit.core.caveats import Caveat
from retrofit.core.exceptions import OptionError
from retrofit.io.workbook import HEADER_ROWS, cell_value, flatten, write_workbook
from retrofit.results import EstimateResult

SAMPLE = "retrofit/samples/example_plant.csv"


@pytest.fixture(scope="module")
def workbook(tmp_path_factory):
    result = estimate(SAMPLE, year=2026)
    path = tmp_path_factory.mktemp("xlsx") / "report.xlsx"
    write_workbook(result, path)
    return result, openpyxl.load_workbook(path), path


def _evaluated(path: Path, sheet: str, cells) -> list:
    """The cells' values as a spreadsheet computes them: the assets' savings are formulas."""
    pycel = pytest.importorskip("pycel")
    excel = pycel.ExcelCompiler(filename=str(path))
    return [excel.evaluate(f"{sheet}!{c.coordinate}") for c in cells]


def test_sheets_headers_and_frozen_rows(workbook):
    result, wb, _ = workbook
    assert wb.sheetnames[:3] == ["summary", "assets", "plants"]
    assert {"assumptions", "caveats"} <= set(wb.sheetnames)
    assets = wb["assets"]
    assert assets.freeze_panes == "A3"
    names = [c.value for c in assets[1]]
    # the result's columns, and each unit's input kW at the operating point that the energy
    # formulas start from, after the energy used
    expected = list(result.assets.columns)
    at = expected.index("retrofit_energy_kwh") + 1
    expected[at:at] = ["baseline_input_kw", "retrofit_input_kw"]
    assert names == expected
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
    result, wb, path = workbook
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
        j = column_index_from_string(letter)
        cells = [assets.cell(i, j) for i in range(int(start), end + 1)]
        values = [v for v in _evaluated(path, "assets", cells) if isinstance(v, int | float)]
        name = assets.cell(1, j).value
        # the formula's cells add up to retrofit's own total, which sits beside it
        assert sum(values) == pytest.approx(row[3], rel=1e-12)
        assert row[3] == pytest.approx(result.assets[name].sum(), rel=1e-12)
        checked += 1
    assert checked >= 6


def test_per_plant_sumif_formulas(workbook):
    result, wb, path = workbook
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
        sums = _evaluated(path, "assets", [c for row in assets[sum_range] for c in row])
        total = sum(s for k, s in zip(keys, sums, strict=True) if k == plant)
        expected = result.plants.set_index("plant_id").loc[plant, "coal_saved_tce"]
        assert total == pytest.approx(expected, rel=1e-12) and value == pytest.approx(expected)


def _hand_result() -> EstimateResult:
    """Two asset rows and one plant written by hand, with the awkward values a sheet meets."""
    assets = pd.DataFrame(
        {
            "plant_id": ["P1", "P1"],
            "energy_saved_kwh": [5409.061, np.nan],
            "coal_saved_tce": [0.665, 0.0],
            "payback_years": [3.5, math.inf],
            "commissioned": pd.to_datetime(["2020-05-01 00:00", "2021-06-02 08:30"]),
            "meets_bai_yi": [True, False],
        }
    )
    plants = pd.DataFrame({"plant_id": ["P1"], "coal_saved_tce": [0.665]})
    caveat = Caveat("motor.load_factor.defaulted", "load factor defaulted", "负载率取默认值", 2)
    assumptions = {"basis": "equivalent", "tables": {"motor": "gb18613-2020"}, "years": [1, 2]}
    return EstimateResult(assets=assets, plants=plants, assumptions=assumptions, caveats=[caveat])


def test_plain_style_writes_one_header_row_and_the_values(tmp_path):
    path = tmp_path / "plain.xlsx"
    write_workbook(_hand_result(), path, style="plain")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["plants", "assets", "assumptions", "caveats"]
    assets = wb["assets"]
    assert assets.freeze_panes == "A2"
    rows = list(assets.iter_rows(values_only=True))
    assert rows[0] == (
        "plant_id",
        "energy_saved_kwh",
        "coal_saved_tce",
        "payback_years",
        "commissioned",
        "meets_bai_yi",
    )
    # a missing value is a blank cell, an infinite payback the text pandas writes, a midnight
    # a date, a time of day kept
    assert rows[1] == ("P1", 5409.061, 0.665, 3.5, dt.datetime(2020, 5, 1), True)
    assert rows[2] == ("P1", None, 0, "inf", dt.datetime(2021, 6, 2, 8, 30), False)
    assert assets["B2"].number_format == "General"  # a plain dump shows every digit
    assert list(wb["assumptions"].iter_rows(values_only=True)) == [
        ("key", "value"),
        ("basis", "equivalent"),
        ("tables.motor", "gb18613-2020"),
        ("years", "[1, 2]"),
    ]
    assert list(wb["caveats"].iter_rows(values_only=True)) == [
        ("code", "message", "message_zh", "count", "data"),
        ("motor.load_factor.defaulted", "load factor defaulted", "负载率取默认值", 2, "{}"),
    ]


def test_audit_style_of_the_same_result(tmp_path):
    path = tmp_path / "audit.xlsx"
    result = _hand_result()
    result.assumptions |= {
        "input": {"file": "/data/plant.csv", "sha256": "ab12"},
        "basis_zh": "当量值",
        "basis_note": "electricity at 0.1229 kgce/kWh",
        "accounting_year": 2026,
    }
    result.plants = result.plants.assign(plant_energy_tce=[66.5], bai_yi_target_share=[0.01])
    write_workbook(result, path, style="audit", lang="en")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["summary", "assets", "plants", "assumptions", "caveats"]
    assets = wb["assets"]
    assert assets.freeze_panes == "A3"
    assert [c.value for c in assets[2]][:4] == [
        "plant",
        "energy saved [kWh/yr]",
        "standard coal saved [tce/yr]",
        "payback [yr]",
    ]
    assert assets["E2"].value == "commissioned"  # not in the glossary: its name
    assert assets["B3"].number_format == "#,##0" and assets["C3"].number_format == "#,##0.000"
    summary = list(wb["summary"].iter_rows(values_only=True))
    assert summary[1][:3] == ("input", "plant.csv", "sha256 ab12")  # English only
    totals = {row[0]: row[1] for row in summary[6:] if row[0] and str(row[1]).startswith("=SUM(")}
    # the second row's energy is blank, so the total says it is partial
    assert totals == {
        "energy saved (partial: some rows blank)": "=SUM(assets!B3:B4)",
        "standard coal saved": "=SUM(assets!C3:C4)",
    }
    plant_row = next(row for row in summary if row[0] == "P1")
    # 0.665 tce of 66.5 tce is 1 %: the 百一 check of the formula in column F
    assert plant_row[1] == "=SUMIF(assets!A3:A4,A11,assets!C3:C4)"
    assert plant_row[2:5] == (66.5, '=IF(ISNUMBER(C11),B11/C11,"")', 0.01)


def test_a_mapping_of_sheets_in_either_style(tmp_path):
    totals = pd.DataFrame({"coal_saved_tce": [12.5], "label": ["city"]})
    caveat = Caveat("portfolio.plant.missing", "no plants file", count=0, data={"plants": ["P9"]})
    for style in ("plain", "audit"):
        path = tmp_path / f"{style}.xlsx"
        write_workbook(
            {"totals": totals}, path, style=style, assumptions={"year": 2026}, caveats=[caveat]
        )
        wb = openpyxl.load_workbook(path)
        assert wb.sheetnames == ["totals", "assumptions", "caveats"]  # no summary without assets
        first = HEADER_ROWS + 1 if style == "audit" else 2
        assert wb["totals"].cell(first, 1).value == 12.5
        assert wb["assumptions"].cell(first, 1).value == "year"
        assert json.loads(wb["caveats"].cell(first, 5).value) == {"plants": ["P9"]}
    audit = openpyxl.load_workbook(tmp_path / "audit.xlsx")["totals"]
    assert audit["A2"].value == "年节能量 [tce/年] standard coal saved [tce/yr]"


def test_plain_workbook_of_the_sample_reads_back_as_the_result(tmp_path):
    result = retrofit.estimate(retrofit.sample_path(), year=2026)
    path = tmp_path / "out.xlsx"
    result.to_excel(path, style="plain")
    back = pd.read_excel(path, sheet_name=None)
    assert list(back) == ["plants", "assets", "projects", "supply_curve", "assumptions", "caveats"]
    for name in ("plants", "assets"):
        frame = result.tables()[name]
        assert list(back[name].columns) == list(frame.columns)
        numbers = frame.select_dtypes("number").columns
        # openpyxl writes a float with 16 significant digits ("%.16g"; Excel keeps 15): equal
        # within half a unit of the 16th digit, 5e-16 of a leading digit of 1
        np.testing.assert_allclose(
            back[name][numbers].to_numpy(dtype=float, na_value=np.nan),
            frame[numbers].to_numpy(dtype=float, na_value=np.nan),
            rtol=5e-15,
            atol=0,
        )


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"style": "fancy"}, "unknown workbook style 'fancy'"),
        ({"style": "audit", "lang": "fr"}, "unknown language 'fr'"),
        ({"style": "plain", "lang": "zh"}, "lang applies to the audit style only"),
        ({"style": "plain", "assumptions": {"a": 1}}, "carries its own assumptions"),
    ],
)
def test_bad_options_are_option_errors_and_write_nothing(tmp_path, options, message):
    path = tmp_path / "out.xlsx"
    with pytest.raises(OptionError, match=message):
        write_workbook(_hand_result(), path, **options)
    assert list(tmp_path.iterdir()) == []


def test_a_failed_write_leaves_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "out.xlsx"
    path.write_text("old")
    result = _hand_result()

    def full_disk(self, filename):
        Path(filename).write_bytes(b"PK partial")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("openpyxl.Workbook.save", full_disk)
    with pytest.raises(OSError, match="No space left"):
        write_workbook(result, path, style="plain")
    assert path.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["out.xlsx"]


def test_control_characters_no_xlsx_may_hold_are_dropped(tmp_path):
    """openpyxl refuses U+0001 (IllegalCharacterError); the writer drops it, and the NUL."""
    path = tmp_path / "out.xlsx"
    result = _hand_result()
    result.assets.loc[0, "plant_id"] = "bad\x01\x00id"
    write_workbook(result, path, style="plain")
    assert openpyxl.load_workbook(path)["assets"]["A2"].value == "badid"


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        (np.float64("nan"), None),
        (pd.NA, None),
        (pd.NaT, None),
        (np.int64(7), 7),
        (-math.inf, "-inf"),
        (pd.Timestamp("2024-03-05"), dt.date(2024, 3, 5)),
        (pd.Timestamp("2024-03-05 10:30"), dt.datetime(2024, 3, 5, 10, 30)),
        (["IE3", "电机"], '["IE3", "电机"]'),
    ],
)
def test_cell_values(value, cell):
    got = cell_value(value)
    assert got == cell and type(got) is type(cell)


def test_flatten_nested_assumptions():
    assert flatten({"a": {"b": 1, "c": None}, "d": ["x", 2]}) == [
        ("a.b", "1"),
        ("a.c", ""),
        ("d", '["x", 2]'),
    ]
