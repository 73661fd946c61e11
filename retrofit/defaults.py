"""Fill blank optional inventory cells from the sourced ``inventory_defaults`` table.

Every filled cell is counted under a stable caveat code; with ``strict=True`` each one is an
error instead. Nothing else in retrofit invents a value for a blank cell.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .caveats import CaveatLog
from .exceptions import InventoryIssue
from .reference import Tables
from .schema import COLUMN_BY_NAME

#: Which rows a defaults-table ``category`` covers: "motor" means rows the motor model computes.
MODEL_MEASURES = {"motor": "upgrade_motor"}


def rows_with_measure(measure: pd.Series, name: str) -> np.ndarray:
    """Boolean mask of rows whose ``+``-joined measure list contains ``name``."""
    # an inventory has a handful of distinct measure lists: test each once, not each row
    codes, uniques = pd.factorize(measure)
    hit = np.array([name in str(u).split("+") for u in uniques] + [False], dtype=bool)
    return hit[codes]  # a missing measure (code -1) picks the trailing False


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

    The summary maps each defaulted column to its value, count, source and confidence, for the
    result's assumptions.
    """
    out = assets.copy()
    table = tables["inventory_defaults"]
    issues: list[InventoryIssue] = []
    used: dict[str, dict] = {}
    for _, row in table.iterrows():  # a handful of table rows, not assets
        column = row["column"]
        if row["category"] == "all":
            applies = np.ones(len(out), dtype=bool)
        else:
            applies = rows_with_measure(out["measure"], MODEL_MEASURES[row["category"]])
        present = column in out.columns
        blank = out[column].isna().to_numpy() & applies if present else applies.copy()
        if column == "target_class" and "target_efficiency_pct" in out.columns:
            # a quoted new-motor efficiency replaces the target class: nothing to default
            blank &= out["target_efficiency_pct"].isna().to_numpy()
        if not blank.any():
            continue
        value = _typed(column, row["value"])
        if strict:
            header = header_map.get(column, column)
            rows = out.loc[blank, "source_row"].to_numpy()
            issues.extend(
                InventoryIssue("defaulted-strict", file, int(r), header, "",
                               f"a value (--strict forbids the default {row['value']} "
                               f"[{row['caveat_code']}])")
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
            f"{column} 为空，采用缺省值 {row['value']}（可信度 {row['confidence']}）",
            mask=blank,
            data={"column": column, "value": value, "source": row["source"],
                  "confidence": row["confidence"]},
        )
        used[column] = {"value": value, "unit": row["unit"], "count": int(blank.sum()),
                        "source": row["source"], "confidence": row["confidence"],
                        "caveat_code": row["caveat_code"]}
    for column in ("quantity", "load_factor", "operating_hours_h"):
        if column in out.columns:
            kind = COLUMN_BY_NAME[column].kind
            out[column] = pd.to_numeric(out[column]).astype("int64" if kind == "int" and
                                                             out[column].notna().all() else float)
    return out, issues, used


def _typed(column: str, text: str):
    kind = COLUMN_BY_NAME[column].kind
    if kind == "int":
        return int(text)
    if kind in ("number", "fraction"):
        return float(text)
    return str(text)
