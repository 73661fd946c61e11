"""The audit workbook's per-row formulas, recomputed by a spreadsheet evaluator (pycel).

Every asset row's energy saving, tce on both bases, CO2 and money is a live formula over the
row's inputs and the factor cells of the assumptions sheet: recomputed, each equals the value
retrofit computed (1e-9 relative) for every row of the example and of a 1,000-row mixed
inventory; a changed load, hours or factor moves the saving by the hand-computed amount."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from retrofit import estimate
from retrofit.cli import cli
from retrofit.io.audit_formulas import FORMULA_COLUMNS
from retrofit.io.workbook import (
    FORMULA_RULE_EN,
    FORMULA_RULE_ZH,
    HEADER_ROWS,
    WAN_YUAN_FORMAT,
    is_tool_formula,
)

#: audit workbooks recomputed by pycel: `make test` runs them, `make test-fast` leaves them out
pytestmark = pytest.mark.slow

pycel = pytest.importorskip("pycel")

SAMPLE = "retrofit/samples/example_plant.csv"
# the benchmarks' inventory generators (the campus mix)
sys.path.insert(0, str(Path(__file__).resolve().parent / "benchmarks"))


def _letters(ws) -> dict[str, str]:
    return {c.value: c.column_letter for c in ws[1]}


def _formula_count(path: Path) -> int:
    """Every formula in the workbook, each checked to be the tool's own."""
    count = 0
    for ws in openpyxl.load_workbook(path).worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    assert is_tool_formula(cell.value), (ws.title, cell.coordinate, cell.value)
                    count += 1
    return count


def _recomputed_rows_match(result, path: Path) -> int:
    """Recompute every formula cell of the assets sheet; return how many were checked."""
    ws = openpyxl.load_workbook(path)["assets"]
    letters = _letters(ws)
    excel = pycel.ExcelCompiler(filename=str(path))
    checked = 0
    for column in FORMULA_COLUMNS:
        values = result.assets[column].to_numpy(float)
        for i, expected in enumerate(values):
            address = f"{letters[column]}{HEADER_ROWS + 1 + i}"
            formula = ws[address].value
            if not np.isfinite(expected):  # nothing computed, nothing to redo: a blank cell
                assert formula is None, (address, formula)
                continue
            assert isinstance(formula, str) and formula.startswith("="), (address, formula)
            got = excel.evaluate(f"assets!{address}")
            assert got == pytest.approx(expected, rel=1e-9, abs=1e-9), (address, formula)
            checked += 1
    return checked


def test_every_row_of_the_example_is_redone_by_its_formulas(tmp_path):
    result = estimate(SAMPLE, year=2026, policy="shanghai-2024")
    path = tmp_path / "audit.xlsx"
    result.to_excel(path)
    n = len(result.assets)
    checked = _recomputed_rows_match(result, path)
    # energy, both bases, the headline tce and CO2 on every row; money where there is a price
    priced = int(result.assets["cost_saved_cny"].notna().sum())
    assert checked == 5 * n + priced
    # the summary's totals and plant SUMIFs now add up formulas: still equal to retrofit's
    excel = pycel.ExcelCompiler(filename=str(path))
    summary = openpyxl.load_workbook(path)["summary"]
    totals = 0
    for row in summary.iter_rows(min_col=1, max_col=4):
        formula = row[1].value
        if isinstance(formula, str) and formula.startswith("=SUM("):
            got = excel.evaluate(f"summary!{row[1].coordinate}")
            assert got == pytest.approx(row[3].value, rel=1e-9)
            totals += 1
    assert totals >= 6
    assert _formula_count(path) >= 6 * n


@pytest.mark.slow
def test_every_row_of_a_1000_row_mixed_inventory_is_redone(tmp_path):
    from bench_estimate import synthetic_campus_inventory

    source = tmp_path / "campus.csv"
    synthetic_campus_inventory(1000).to_csv(source, index=False)
    result = estimate(source, year=2026)
    assert len(result.assets) == 1000
    # a mix: transformers, data centres and piles as well as motors, fans, pumps, compressors
    assert {"transformer", "charger", "compressor", "pump"} <= set(result.assets["category"])
    path = tmp_path / "audit.xlsx"
    result.to_excel(path)
    checked = _recomputed_rows_match(result, path)
    assert checked >= 5 * 1000


def _one_motor(tmp_path: Path) -> Path:
    """One 55 kW motor at full load, 4,000 h/yr, η 91.0 % → 94.0 % as typed (hand values)."""
    path = tmp_path / "motor.csv"
    pd.DataFrame(
        {
            "plant_id": ["P1"],
            "asset_id": ["M-1"],
            "category": ["motor"],
            "measure": ["upgrade_motor"],
            "quantity": [1],
            "rated_power_kw": [55],
            "poles": [4],
            "efficiency_pct": [91.0],
            "target_efficiency_pct": [94.0],
            "load_factor": [1.0],
            "operating_hours_h": [4000],
            "electricity_price_cny_per_kwh": [0.7],
            "plant_energy_tce": [1000],
        }
    ).to_csv(path, index=False)
    return path


def test_a_changed_load_hours_or_factor_moves_the_saving_by_hand(tmp_path):
    result = estimate(_one_motor(tmp_path), year=2026)
    path = tmp_path / "audit.xlsx"
    result.to_excel(path)
    ws = openpyxl.load_workbook(path)["assets"]
    letters = _letters(ws)
    row = HEADER_ROWS + 1
    # at full load η is the nameplate's: 55 kW × 4,000 h × (100/91 − 100/94)
    saving = 55 * 4000 * (100 / 91 - 100 / 94)
    assert ws[f"{letters['efficiency_baseline_pct']}{row}"].value == pytest.approx(91.0)
    assert ws[f"{letters['efficiency_retrofit_pct']}{row}"].value == pytest.approx(94.0)
    excel = pycel.ExcelCompiler(filename=str(path))

    def cell(column: str) -> str:
        return f"assets!{letters[column]}{row}"

    assert excel.evaluate(cell("energy_saved_kwh")) == pytest.approx(saving, rel=1e-12)
    # the reviewer lowers the load to 60 % and the hours to 3,000: the saving follows
    excel.set_value(cell("load_factor"), 0.6)
    excel.set_value(cell("operating_hours_h"), 3000)
    moved = 55 * 0.6 * 3000 * (100 / 91 - 100 / 94)
    assert excel.evaluate(cell("energy_saved_kwh")) == pytest.approx(moved, rel=1e-12)
    assert excel.evaluate(cell("coal_saved_tce_equivalent")) == pytest.approx(
        moved * 0.1229 / 1000, rel=1e-12
    )
    assert excel.evaluate(cell("cost_saved_cny")) == pytest.approx(moved * 0.7, rel=1e-12)
    # and replaces the 当量值 factor (assumptions!B3) by 0.3 kgce/kWh and the grid factor by 0.6
    assumptions = openpyxl.load_workbook(path)["assumptions"]
    assert [assumptions[f"A{r}"].value for r in (3, 4, 5)] == [
        "factor_equivalent_kgce_per_kwh",
        "factor_equal_value_kgce_per_kwh",
        "grid_factor_tco2_per_mwh",
    ]
    assert assumptions["B3"].value == 0.1229
    grid = assumptions["B5"].value
    assert excel.evaluate(cell("co2_avoided_t")) == pytest.approx(moved * grid / 1000, rel=1e-12)
    excel.set_value("assumptions!B3", 0.3)
    excel.set_value("assumptions!B5", 0.6)
    assert excel.evaluate(cell("coal_saved_tce_equivalent")) == pytest.approx(
        moved * 0.3 / 1000, rel=1e-12
    )
    assert excel.evaluate(cell("coal_saved_tce")) == pytest.approx(moved * 0.3 / 1000, rel=1e-12)
    assert excel.evaluate(cell("co2_avoided_t")) == pytest.approx(moved * 0.6 / 1000, rel=1e-12)


def test_a_pump_saving_scales_with_its_hours(tmp_path):
    """A pump with a VFD takes the power form: quantity × hours × (kW before − kW after), the
    two kW computed by retrofit; halving the hours halves the saving."""
    result = estimate(SAMPLE, year=2026)
    path = tmp_path / "audit.xlsx"
    result.to_excel(path)
    ws = openpyxl.load_workbook(path)["assets"]
    letters = _letters(ws)
    vfd = result.assets.index[result.assets["baseline_shaft_kw"].notna()]
    assert len(vfd) > 0
    i = int(vfd[0])
    row = HEADER_ROWS + 1 + i
    formula = ws[f"{letters['energy_saved_kwh']}{row}"].value
    assert formula == (
        f"={letters['quantity']}{row}*{letters['operating_hours_h']}{row}"
        f"*({letters['baseline_input_kw']}{row}-{letters['retrofit_input_kw']}{row})"
    )
    excel = pycel.ExcelCompiler(filename=str(path))
    hours = float(result.assets.loc[i, "operating_hours_h"])
    saved = float(result.assets.loc[i, "energy_saved_kwh"])
    energy = f"assets!{letters['energy_saved_kwh']}{row}"
    assert excel.evaluate(energy) == pytest.approx(saved, rel=1e-9)
    excel.set_value(f"assets!{letters['operating_hours_h']}{row}", hours / 2)
    assert excel.evaluate(energy) == pytest.approx(saved / 2, rel=1e-9)


def test_estimate_and_report_write_the_same_audit_workbook_in_chinese(tmp_path):
    runner = CliRunner()
    paths = {}
    for command in ("estimate", "report"):
        paths[command] = tmp_path / f"{command}.xlsx"
        args = [command, SAMPLE, "--year", "2026", "--lang", "zh", "-o", str(paths[command])]
        run = runner.invoke(cli, args)
        assert run.exit_code == 0, run.output
    books = {k: openpyxl.load_workbook(p) for k, p in paths.items()}
    assert books["estimate"].sheetnames == books["report"].sheetnames
    for name in books["estimate"].sheetnames[1:]:  # the summary names the run, the same run
        a, b = books["estimate"][name], books["report"][name]
        assert [[c.value for c in r] for r in a.iter_rows()] == [
            [c.value for c in r] for r in b.iter_rows()
        ]
    # the summary says which cells are formulas and which retrofit computed, in Chinese only
    summary = [c.value for row in books["estimate"]["summary"].iter_rows() for c in row]
    assert FORMULA_RULE_ZH in summary and FORMULA_RULE_EN not in summary
    ws = books["estimate"]["assets"]
    letters = _letters(ws)
    labels = {c.value: ws.cell(2, c.column).value for c in ws[1]}
    assert labels["energy_saved_kwh"] == "年节电量 [kWh/年]"
    assert labels["baseline_input_kw"] == "改造前运行点输入功率 [kW]"
    assert ws.freeze_panes == "A3"
    first = HEADER_ROWS + 1
    assert ws[f"{letters['coal_saved_tce']}{first}"].number_format == "#,##0.00"
    assert ws[f"{letters['cost_saved_cny']}{first}"].number_format == WAN_YUAN_FORMAT
    # the plain dump stays one option away
    plain = tmp_path / "plain.xlsx"
    args = ["estimate", SAMPLE, "--year", "2026", "--workbook", "plain", "-o", str(plain)]
    assert runner.invoke(cli, args).exit_code == 0
    assert _formula_count(plain) == 0
    assert openpyxl.load_workbook(plain)["assets"]["A2"].value is not None


@pytest.mark.parametrize(
    ("formula", "tool"),
    [
        ("=N3*O3*P3*Q3*(100/AA3-100/AB3)", True),
        ("=N3*Q3*(AC3-AD3)", True),
        ("=AE3-AF3", True),
        ("=AG3*assumptions!$B$3/1000", True),
        ("=R3*(S3*(AG3-T3)+U3*T3)", True),
        ("=R3*S3*AG3", True),
        ("=N3*O4*P3*Q3*(100/AA3-100/AB3)", False),  # another row: not a per-row formula
        ("=AE3-AF4", False),
        ('=HYPERLINK("http://x","y")', False),
        ("=AG3*assumptions!B3/1000", False),  # a relative factor cell is not the tool's
    ],
)
def test_row_formulas_are_recognised_by_pattern(formula, tool):
    assert is_tool_formula(formula) is tool
