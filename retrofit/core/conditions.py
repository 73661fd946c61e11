"""Row conditions written in the reference tables: ``field=value``, ``field=a|b``,
``field<=x``, ``field>x`` …, several joined by ``;``.

The policy packs (``requires``) and the uncertainty distributions (``condition``) use the same
small language; each condition is tested over a whole column and says where the value is
blank (unknown), so a rule can list the input it needs instead of failing.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

PATTERN = re.compile(r"^\s*([a-z_0-9]+)\s*(<=|>=|=|<|>)\s*(.+?)\s*$")


def split(text) -> list[str]:
    """The conditions of a ``;``-joined text (blank: none)."""
    return [] if pd.isna(text) else [p for p in str(text).split(";") if p.strip()]


def parse(text: str) -> tuple[str, str, str]:
    """``"rated_power_kw<=22"`` → ``("rated_power_kw", "<=", "22")``; ValueError otherwise."""
    match = PATTERN.match(text)
    if match is None:
        raise ValueError(f"condition '{text}': expected field=value, field=a|b or field<=x")
    field, operator, value = match.groups()
    return field, operator, value


def test(values: pd.Series, op: str, target: str) -> tuple[np.ndarray, np.ndarray]:
    """(true, known) of a condition on a column: known is False where the value is blank."""
    known = values.notna().to_numpy()
    if op == "=":
        true = values.astype(object).isin(target.split("|")).to_numpy() & known
        return true, known
    x = pd.to_numeric(values, errors="coerce").to_numpy(float)
    t = float(target)
    with np.errstate(invalid="ignore"):
        true = {"<=": x <= t, ">=": x >= t, "<": x < t, ">": x > t}[op]
    return true & known, known


def describe(name: str, op: str, target: str) -> str:
    """A condition as a reader sees it: ``rated_power_kw≤22``, ``shenyang_tier=line or face``."""
    symbol = "≤" if op == "<=" else "≥" if op == ">=" else op
    return f"{name}{symbol}{target.replace('|', ' or ')}"
