"""Fill blank optional inventory cells from the sourced ``inventory_defaults`` table.

Every filled cell is counted under a stable caveat code; with ``strict=True`` each one is an
error instead. Nothing else in retrofit invents a value for a blank cell.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import columns
from ..core.caveats import CaveatLog
from ..core.exceptions import InventoryIssue
from ..core.reference import Tables
from .schema import COLUMN_BY_NAME


def rows_with_measure(measure: pd.Series, name: str) -> np.ndarray:
    """Boolean mask of rows whose ``+``-joined measure list contains ``name``."""
    return rows_listing(measure, name, "+")


def rows_listing(lists: pd.Series, item: str, sep: str) -> np.ndarray:
    """Boolean mask of rows whose ``sep``-joined list (measures, caveat codes) holds ``item``."""
    # a column has a handful of distinct lists: test each once, not each row
    codes, uniques = pd.factorize(lists)
    hit = np.array([item in str(u).split(sep) for u in uniques] + [False], dtype=bool)
    return hit[codes]  # a missing list (code -1) picks the trailing False


def apply_defaults(
    assets: pd.DataFrame,
    tables: Tables,
    log: CaveatLog,
    *,
    file: str,
    header_map: dict[str, str],
    strict: bool = False,
) -> tuple[pd.DataFrame, list[InventoryIssue], dict[str, dict]]:
    """Return a copy of ``assets`` with defaults filled, the strict-mode issues, and a summary.

    The summary maps each default applied (by its caveat code: a column may have several
    defaults, e.g. 4000 h for motors and 8760 h for data centres) to its column, value, count,
    source and confidence, for the result's assumptions.
    """
    out = assets.copy()
    table = tables["inventory_defaults"]
    issues: list[InventoryIssue] = []
    used: dict[str, dict] = {}
    _grade_from_target_class(out, log)
    for _, row in table.iterrows():  # a handful of table rows, not assets
        column = row["column"]
        applies = _rows_covered(out, row["categories"], row["measures"])
        present = column in out.columns
        blank = out[column].isna().to_numpy() & applies if present else applies.copy()
        for quoted in _QUOTE_REPLACES.get(column, ()):
            if quoted in out.columns:  # a quoted value replaces the default: nothing to fill
                blank &= out[quoted].isna().to_numpy()
        if not blank.any():
            continue
        value = _typed(column, row["value"])
        if strict:
            header = header_map.get(column, column)
            rows = out.loc[blank, "source_row"].to_numpy()
            issues.extend(
                InventoryIssue(
                    "defaulted-strict",
                    file,
                    int(r),
                    header,
                    "",
                    f"a value (--strict forbids the default {row['value']} [{row['caveat_code']}])",
                )
                for r in rows
            )
            continue
        if column not in out.columns:
            out[column] = pd.Series([pd.NA] * len(out), index=out.index, dtype=object)
        if isinstance(value, str):
            out[column] = out[column].astype(object)
        out.loc[blank, column] = value
        log.add(
            row["caveat_code"],
            f"{column} was blank and took the default {row['value']} {row['unit']} "
            f"(confidence {row['confidence']}: {row['note'] or row['source']})",
            f"{columns.label(column, 'zh') if columns.known(column) else column}为空，采用缺省值 "
            f"{columns.value_label('default', row['value'], 'zh')}（可信度 {row['confidence']}）",
            mask=blank,
            data={
                "column": column,
                "value": value,
                "source": row["source"],
                "confidence": row["confidence"],
            },
        )
        used[row["caveat_code"]] = {
            "column": column,
            "value": value,
            "unit": row["unit"],
            "count": int(blank.sum()),
            "source": row["source"],
            "confidence": row["confidence"],
            "caveat_code": row["caveat_code"],
        }
    for column in ("quantity", "load_factor", "operating_hours_h", "static_head_fraction"):
        if column in out.columns:
            kind = COLUMN_BY_NAME[column].kind
            out[column] = pd.to_numeric(out[column]).astype(
                "int64" if kind == "int" and out[column].notna().all() else float
            )
    return out, issues, used


#: A default is not needed where the row quotes the value it would stand for.
_QUOTE_REPLACES = {
    "target_class": ("target_efficiency_pct",),
    "target_equipment_grade": (
        "target_machine_efficiency_pct",
        "target_specific_power_kw_per_m3min",
        "target_no_load_loss_kw",
    ),
}


def _rows_covered(out: pd.DataFrame, categories: str, measures: str) -> np.ndarray:
    """Rows a defaults-table entry covers: its categories (or ``all``) and, among those, rows
    with any of its measures (or ``all``)."""
    covered = np.ones(len(out), dtype=bool)
    if categories != "all":
        covered &= out["category"].isin(categories.split()).to_numpy()
    if measures != "all":
        # one factorize for all the entry's measures, not one pass over the rows per measure
        wanted = set(measures.split())
        codes, lists = pd.factorize(out["measure"])
        hit = [bool(wanted.intersection(str(listed).split("+"))) for listed in lists]
        covered &= np.array([*hit, False], dtype=bool)[codes]  # a missing list: no measure
    return covered


def _grade_from_target_class(out: pd.DataFrame, log: CaveatLog) -> None:
    """An equipment upgrade without a motor upgrade takes a GB grade written as target_class.

    Inventories often have one 目标能效等级 column; for a transformer or a compressor it can
    only mean the machine's grade. With a motor upgrade on the same row it means the motor's,
    and the machine's grade must be given in target_equipment_grade.
    """
    if "target_class" not in out.columns:
        return
    grade = out["target_class"].astype(object)
    is_grade = grade.isin(["grade_1", "grade_2", "grade_3"]).to_numpy()
    equipment = rows_with_measure(out["measure"], "upgrade_equipment")
    motor = rows_with_measure(out["measure"], "upgrade_motor")
    if "target_equipment_grade" not in out.columns:
        out["target_equipment_grade"] = pd.Series([None] * len(out), index=out.index, dtype=object)
    take = is_grade & equipment & ~motor & out["target_equipment_grade"].isna().to_numpy()
    if take.any():
        out["target_equipment_grade"] = out["target_equipment_grade"].astype(object)
        out.loc[take, "target_equipment_grade"] = grade[take]
        log.add(
            "equipment.target_grade.from_target_class",
            "the machine's target grade was read from target_class (no motor upgrade on the row)",
            "设备目标能效等级取自目标能效等级列（该行无电机更换）",
            mask=take,
        )


def _typed(column: str, text: str):
    kind = COLUMN_BY_NAME[column].kind
    if kind == "int":
        return int(text)
    if kind in ("number", "fraction"):
        return float(text)
    return str(text)


def caveat_month_only_dates(
    assets: pd.DataFrame,
    month_only_rows: dict[str, list[int]],
    header_map: dict[str, str],
    log: CaveatLog,
) -> None:
    """Caveat the rows whose date gave a month without a day (read as the first day)."""
    for column, rows in month_only_rows.items():
        header = header_map.get(column, column)
        log.add(
            "inventory.date.month_only",
            f"{header}: a month without a day was read as the first day of that month",
            f"{header}：只有年月，按当月1日计",
            mask=assets["source_row"].isin(rows).to_numpy(),
            data={"column": column},
        )
