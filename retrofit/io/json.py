"""JSON of results: cells as JSON-ready values, tables as records, text written atomically."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .atomic import atomic_write

#: A JSON ``\u0000`` escape (a NUL byte in a string), not an escaped backslash before "u0000"
_NUL_ESCAPE = re.compile(r"(?<!\\)((?:\\\\)*)\\u0000")


def json_value(value: Any) -> Any:
    """A cell as a JSON-ready Python value (NaN, NA, NaT → None; numpy scalars → Python; a
    timestamp → its date as ``YYYY-MM-DD``)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    return value


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """DataFrame → list of JSON-ready dicts, one per row (NaN/NA → null, numpy scalars →
    Python)."""
    columns = list(frame.columns)
    return [
        {c: json_value(v) for c, v in zip(columns, row, strict=True)}
        for row in frame.itertuples(index=False, name=None)
    ]


def write_json(
    data: dict[str, Any], path: str | Path | None = None, *, indent: int | None = 2
) -> str:
    """JSON text of a result's ``to_dict()`` (UTF-8, Chinese kept as written); also written
    atomically to ``path`` when one is given. NUL bytes in strings are dropped, as in the CSV
    and workbook outputs (:mod:`retrofit.io.cells`)."""
    text = json.dumps(data, ensure_ascii=False, indent=indent, default=json_value)
    if "\\u0000" in text:
        text = _NUL_ESCAPE.sub(r"\1", text)
    if path is not None:
        atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    return text
