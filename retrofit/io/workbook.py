"""The auditor's workbook: summary with formulas, assets, plants, assumptions and caveats.

Each data sheet has two header rows, frozen: the stable English column name (what the CSV and
JSON outputs call it) and a bilingual label with its unit from the glossary
(:mod:`retrofit.columns`: 年节电量 [kWh/年] energy saved [kWh/yr]). Number
formats follow the unit. The summary's headline totals are spreadsheet formulas over the assets
sheet (``=SUM(assets!AB3:AB20)``, ``=SUMIF(…)`` per plant), each beside the value retrofit
computed, so a reviewer can follow and re-check them in Excel.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .. import columns
from ..results import EstimateResult, atomic_write, flatten, json_value

#: Header rows above the data on every data sheet.
HEADER_ROWS = 2
_HEAD_FILL = PatternFill("solid", fgColor="DDE6EE")

#: Output columns totalled on the summary, in order; labels and units from the glossary.
TOTALS = (
    "energy_saved_kwh",
    "coal_saved_tce",
    "coal_saved_tce_equivalent",
    "coal_saved_tce_equal_value",
    "co2_avoided_t",
    "investment_cny",
    "cost_saved_cny",
    "retrofitted_motor_kw",
)


def _unit(column: str) -> str:
    """The glossary's unit of ``column``; "" for a column it does not know."""
    return columns.unit(column) if columns.known(column) else ""


def _label(column: str) -> str:
    """Bilingual header with units, Chinese first: 年节电量 [kWh/年] energy saved [kWh/yr]. A
    column the glossary does not know (an inventory's own pass-through column) keeps its name
    with spaces."""
    if not columns.known(column):
        return column.replace("_", " ")
    return f"{columns.header(column, 'zh')} {columns.header(column, 'en')}"


def number_format(column: str, unit: str = "") -> str | None:
    """Excel number format for a column, from its name and unit."""
    if column.endswith("_share") or column in (
        "saving_share",
        "irr",
        "irr_after_incentives",
        "probability_meets_bai_yi",
        "discount_rate",
    ):
        return "0.00%"
    if column.endswith("_tce") or "tce" in unit:
        return "#,##0.000"
    if column.endswith("_pct"):
        return "0.0"
    if column.endswith("_years") or unit == "yr":
        return "0.0"
    if column.endswith(("_kwh", "_cny", "_t")) or unit in ("kWh/yr", "CNY", "CNY/yr"):
        return "#,##0"
    if column.endswith("_kw"):
        return "#,##0.0"
    return None


def _cell(value: Any) -> Any:
    """A value as a cell: dates as dates, lists as JSON, an infinite payback as text."""
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, default=str)
    if isinstance(value, float | np.floating) and np.isinf(value):
        return str(float(value))
    return json_value(value)


def _data_sheet(wb: Workbook, name: str, frame: pd.DataFrame) -> dict[str, str]:
    """A sheet with the two header rows, frozen; returns column name → letter."""
    ws = wb.create_sheet(name)
    letters = {}
    for j, column in enumerate(frame.columns, start=1):
        letter = get_column_letter(j)
        letters[column] = letter
        ws.cell(1, j, column).font = Font(bold=True)
        label = ws.cell(2, j, _label(column))
        label.alignment = Alignment(wrap_text=True, vertical="top")
        for row in (1, 2):
            ws.cell(row, j).fill = _HEAD_FILL
        ws.column_dimensions[letter].width = max(10, min(40, len(str(column)) + 2))
    fmt = {c: number_format(c, _unit(c)) for c in frame.columns}
    for i, values in enumerate(frame.itertuples(index=False, name=None), start=HEADER_ROWS + 1):
        for j, (column, value) in enumerate(zip(frame.columns, values, strict=True), start=1):
            cell = ws.cell(i, j, _cell(value))
            if fmt[column] and isinstance(cell.value, int | float):
                cell.number_format = fmt[column]
    ws.freeze_panes = ws.cell(HEADER_ROWS + 1, 1)
    return letters


def _summary_sheet(wb: Workbook, result: EstimateResult, letters: dict[str, str]) -> None:
    ws = wb.create_sheet("summary", 0)
    a = result.assumptions
    n = len(result.assets)
    first, last = HEADER_ROWS + 1, HEADER_ROWS + n
    ws.append(["retrofit", "节能改造评估 / energy-saving retrofit assessment"])
    ws.append(["input 清单", Path(a["input"]["file"]).name, f"sha256 {a['input']['sha256']}"])
    ws.append(["basis 折算口径", f"{a['basis_zh']} ({a['basis']})", a["basis_note"]])
    ws.append(["accounting year 核算年度", a["accounting_year"]])
    ws.append([])
    ws.append(
        [
            "total 合计",
            "formula 公式",
            "unit 单位",
            "value computed by retrofit 程序计算值",
            "formula text 公式文本",
        ]
    )
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
        cell.fill = _HEAD_FILL
    for column in TOTALS:
        if column not in letters:
            continue
        ref = f"assets!{letters[column]}{first}:{letters[column]}{last}"
        values = result.assets[column]
        complete = bool(values.notna().all())
        formula = f"=SUM({ref})"
        row = [
            f"{columns.label(column, 'zh')} {columns.label(column, 'en')}"
            + ("" if complete else " (partial: some rows blank 部分行为空)"),
            formula,
            columns.unit(column),
            float(values.sum()),
            formula,
        ]
        ws.append(row)
        ws.cell(ws.max_row, 5).data_type = "s"  # the formula shown as text
        fmt = number_format(column, columns.unit(column))
        for k in (2, 4):
            ws.cell(ws.max_row, k).number_format = fmt or "General"
    ws.append([])
    ws.append(
        [
            "plant 企业",
            "coal saved 节约标准煤 [tce/yr] (SUMIF)",
            "previous-year energy 上年综合能耗 [tce]",
            "saving share 节能率",
            "百一 target 目标",
            "百一 (estimate 估算)",
            "value computed by retrofit 程序计算值",
        ]
    )
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
        cell.fill = _HEAD_FILL
    plant_col, tce_col = letters["plant_id"], letters["coal_saved_tce"]
    for plant in result.plants.itertuples(index=False):
        r = ws.max_row + 1
        energy = None if pd.isna(plant.plant_energy_tce) else float(plant.plant_energy_tce)
        ws.append(
            [
                plant.plant_id,
                (
                    f"=SUMIF(assets!{plant_col}{first}:{plant_col}{last},A{r},"
                    f"assets!{tce_col}{first}:{tce_col}{last})"
                ),
                energy,
                f'=IF(ISNUMBER(C{r}),B{r}/C{r},"")',
                float(plant.bai_yi_target_share),
                f'=IF(ISNUMBER(C{r}),IF(D{r}>=E{r},"meets","short"),"unknown")',
                float(plant.coal_saved_tce),
            ]
        )
        ws.cell(r, 2).number_format = ws.cell(r, 7).number_format = "#,##0.000"
        ws.cell(r, 4).number_format = ws.cell(r, 5).number_format = "0.00%"
    ws.column_dimensions["A"].width = 48
    for letter in "BCDEFG":
        ws.column_dimensions[letter].width = 24
    ws.freeze_panes = "A7"


def write_workbook(result: EstimateResult, path: str | Path) -> None:
    """Write the auditor's workbook atomically."""

    def write(tmp: Path) -> None:
        wb = Workbook()
        wb.remove(wb.worksheets[0])  # a new workbook has one empty sheet
        letters = _data_sheet(wb, "assets", result.assets)
        _data_sheet(wb, "plants", result.plants)
        for name, frame in result.tables().items():
            if name not in ("assets", "plants"):
                _data_sheet(wb, name, frame)
        _summary_sheet(wb, result, letters)
        assumptions = pd.DataFrame(flatten(result.assumptions), columns=["key", "value"])
        _data_sheet(wb, "assumptions", assumptions)
        caveats = pd.DataFrame(
            [
                c.to_dict() | {"data": json.dumps(c.data, ensure_ascii=False, default=str)}
                for c in result.caveats
            ],
            columns=["code", "message", "message_zh", "count", "data"],
        )
        _data_sheet(wb, "caveats", caveats)
        wb.save(tmp)

    atomic_write(path, write)
