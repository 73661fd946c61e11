"""Small helpers the measure modules share for reading rows and reporting their problems."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..inventory.schema import COLUMN_BY_NAME
from .exceptions import InventoryIssue


def column(rows: pd.DataFrame, name: str, numeric: bool = False) -> pd.Series:
    """A column of ``rows``: floats with NaN for blanks (``numeric``) or objects with None; an
    absent column reads as all blank."""
    if name in rows.columns:
        col = rows[name]
        return col.astype(float) if numeric else col.astype(object).where(col.notna(), None)
    return pd.Series(
        np.nan if numeric else None, index=rows.index, dtype=float if numeric else object
    )


def numbers(rows: pd.DataFrame, name: str) -> np.ndarray:
    """A column as a writable float array, NaN for blanks (an absent column is all NaN)."""
    return column(rows, name, numeric=True).to_numpy(dtype=float, copy=True)


def quantity(rows: pd.DataFrame) -> np.ndarray:
    """Identical units per row; a blank or absent quantity is one unit."""
    return column(rows, "quantity", numeric=True).fillna(1.0).to_numpy()


def header(header_map: dict[str, str], name: str) -> str:
    """The user's header for a canonical column (the name itself when it was not in the file)."""
    return header_map.get(name, name)


def blank_issues(rows, mask, name, file, header_map, why) -> list[InventoryIssue]:
    """A ``blank-required`` issue for each row in ``mask``: the column's expected value and why."""
    expected = COLUMN_BY_NAME[name].expected() if name in COLUMN_BY_NAME else name
    return [
        InventoryIssue(
            "blank-required", file, int(r), header(header_map, name), "", f"{expected} ({why})"
        )
        for r in rows["source_row"].to_numpy()[mask]
    ]


def neighbours(sizes: np.ndarray, value: float) -> str:
    """The tabulated sizes either side of ``value`` as text ("500 and 630")."""
    i = int(np.searchsorted(sizes, value))
    return " and ".join(f"{s:g}" for s in sizes[max(i - 1, 0) : i + 1])
