"""Goal packs: a policy's quantitative goals as data, each with its document, clause and quote.

A goal pack is a table ``reference_data/goals_<place>_<year>.csv`` (or a user's CSV with the same
columns), one row per goal. Its ``kind`` says how :mod:`retrofit.portfolio.runner` tracks it:

``cumulative``
    A portfolio total over ``period_start``–``period_end``, summed from the per-asset output
    column named in ``counts`` over the measures entering service in that window (355号's
    500,000 tce, 3,000,000 kW of motors, 20,000 piles, 100 MW of IT).
``annual_share``
    Per enterprise and year: ``counts`` of the measures entering service that year ÷ the
    enterprise's energy use of the year before, at least ``value`` (百一: 1 %).
``asset_rule``
    A limit a model applies to each asset (PUE ≤ 1.4); the portfolio counts the assets whose
    boolean ``counts`` column is true and false.
``not_tracked``
    A goal of the document that an equipment inventory cannot count (investment growth,
    demonstration scenes); listed so that a reader sees the whole document.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..core.exceptions import InventoryError, InventoryIssue, OptionError
from ..core.reference import CONFIDENCE_LEVELS, Tables, load_catalog, region_tables

GOAL_KINDS = ("cumulative", "annual_share", "asset_rule", "not_tracked")

#: Output columns a ``cumulative`` or ``annual_share`` goal may count, with their unit
COUNTABLE_COLUMNS: dict[str, str] = {
    "coal_saved_tce": "tce/yr",
    "energy_saved_kwh": "kWh/yr",
    "co2_avoided_t": "t/yr",
    "retrofitted_motor_kw": "kW",
    "it_renewed_kw": "kW",
    "piles_replaced": "piles",
    "investment_cny": "CNY",
}
#: Countable columns that are flows of energy: they can also be realised year by year
ENERGY_COLUMNS = ("coal_saved_tce", "energy_saved_kwh", "co2_avoided_t")
#: Boolean per-asset columns an ``asset_rule`` goal may count
RULE_COLUMNS = ("meets_local_pue", "bai_yi_closure_profile", "it_renewed_kw")

GOAL_COLUMNS = (
    "goal",
    "metric",
    "value",
    "unit",
    "kind",
    "counts",
    "period_start",
    "period_end",
    "document",
    "clause",
    "quote",
    "source",
    "confidence",
)
_PACK_NAME = re.compile(r"^[a-z][a-z_]*-\d{4}$")


@dataclass(frozen=True)
class GoalPack:
    """The goals of one policy document.

    Attributes
    ----------
    name : str
        ``shanghai-2024`` for a bundled pack, else the user's file as given.
    goals : pandas.DataFrame
        One row per goal, columns :data:`GOAL_COLUMNS` (plus ``scope`` and ``note`` when given);
        ``value`` float, periods int.
    file, sha256 : str
        Where the table came from and its hash.
    standard : bool
        False for a user file.
    """

    name: str
    goals: pd.DataFrame
    file: str
    sha256: str
    standard: bool

    def of_kind(self, kind: str) -> pd.DataFrame:
        return self.goals[self.goals["kind"] == kind]

    @property
    def years(self) -> range:
        """The years the pack's progress goals span (cumulative and annual_share rows)."""
        tracked = self.goals[self.goals["kind"].isin(["cumulative", "annual_share"])]
        if tracked.empty:
            tracked = self.goals
        return range(int(tracked["period_start"].min()), int(tracked["period_end"].max()) + 1)

    @property
    def annual_share(self) -> pd.Series | None:
        """The per-enterprise annual-share goal (百一), or None when the pack has none."""
        rows = self.of_kind("annual_share")
        return None if rows.empty else rows.iloc[0]

    def describe(self) -> dict[str, object]:
        return {
            "name": self.name,
            "file": self.file,
            "sha256": self.sha256,
            "standard": self.standard,
            "years": [self.years.start, self.years.stop - 1],
        }


def bundled_goal_packs() -> list[str]:
    """Names of the bundled packs, e.g. ``['shanghai-2024']``."""
    tables = load_catalog()["table"]
    return sorted(_pack_name(t) for t in tables if t.startswith("goals_"))


def region_goal_pack(region: str) -> str:
    """The bundled pack a run in ``region`` takes without ``goals`` (table ``region_defaults``)."""
    return _pack_name(region_tables(region)[0])


def _pack_name(table: str) -> str:
    place, _, year = table.removeprefix("goals_").rpartition("_")
    return f"{place}-{year}"


def load_goal_pack(spec: str | Path, tables: Tables | None = None) -> GoalPack:
    """A bundled pack by name (``shanghai-2024``) or a user's goal file by path.

    Raises
    ------
    OptionError
        An unknown pack name; the message lists the bundled ones.
    InventoryError
        A user file that breaks the schema, with file, row, column and value of each problem.
    """
    text = str(spec)
    if _PACK_NAME.match(text) and not Path(text).is_file():
        table = "goals_" + text.replace("-", "_")
        if table not in load_catalog().index:
            raise OptionError(
                f"unknown goal pack '{text}'; bundled: "
                f"{', '.join(bundled_goal_packs())} (or give a CSV file)"
            )
        tabs = tables if tables is not None else Tables()
        frame = tabs[table]
        use = tabs.used[table]
        return GoalPack(text, _typed(frame, use.file), use.file, use.sha256, True)
    path = Path(text)
    if not path.is_file():
        raise InventoryError(
            [InventoryIssue("empty-file", text, None, None, None, "goal file not found")]
        )
    raw = path.read_bytes()
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except UnicodeDecodeError:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="gb18030")
    _check(frame, text)
    return GoalPack(text, _typed(frame, text), text, hashlib.sha256(raw).hexdigest(), False)


def _typed(frame: pd.DataFrame, file: str) -> pd.DataFrame:
    out = frame.copy()
    out["value"] = pd.to_numeric(out["value"], errors="coerce").astype(float)
    for column in ("period_start", "period_end"):
        out[column] = pd.to_numeric(out[column], errors="coerce").astype(int)
    out["counts"] = [c if isinstance(c, str) else "" for c in out["counts"]]
    return out.reset_index(drop=True)


def _check(frame: pd.DataFrame, file: str) -> None:
    """Every problem of a user goal file, located by row and column."""
    missing = [c for c in GOAL_COLUMNS if c not in frame.columns]
    if missing:
        raise InventoryError(
            [
                InventoryIssue(
                    "missing-column",
                    file,
                    None,
                    c,
                    None,
                    "a goal file has the columns " + ", ".join(GOAL_COLUMNS),
                )
                for c in missing
            ]
        )
    if frame.empty:
        raise InventoryError(
            [
                InventoryIssue(
                    "empty-file", file, None, None, None, "the goal file has a header but no goals"
                )
            ]
        )
    issues: list[InventoryIssue] = []

    def flag(mask, column: str, expected: str) -> None:
        issues.extend(
            InventoryIssue(
                "out-of-range", file, int(i) + 2, column, str(frame[column].iloc[i]), expected
            )
            for i in np.flatnonzero(np.asarray(mask))
        )

    strip = {c: frame[c].str.strip() for c in GOAL_COLUMNS}
    kind = strip["kind"]
    flag(~kind.isin(GOAL_KINDS), "kind", "one of " + ", ".join(GOAL_KINDS))
    value = pd.to_numeric(strip["value"], errors="coerce")
    flag(kind.ne("not_tracked") & ~(value > 0), "value", "a number > 0")
    start = pd.to_numeric(strip["period_start"], errors="coerce")
    end = pd.to_numeric(strip["period_end"], errors="coerce")
    year_ok = lambda y: (y >= 2000) & (y <= 2100) & (y == y.round())
    flag(~year_ok(start), "period_start", "a year such as 2024")
    flag(
        ~year_ok(end) | (year_ok(start) & (end < start)),
        "period_end",
        "a year such as 2027, not before period_start",
    )
    counts = strip["counts"]
    countable = kind.isin(["cumulative", "annual_share"])
    flag(
        countable & ~counts.isin(list(COUNTABLE_COLUMNS)),
        "counts",
        "for a cumulative or annual_share goal, one of " + ", ".join(COUNTABLE_COLUMNS),
    )
    flag(
        kind.eq("annual_share") & (value >= 1),
        "value",
        "a share of energy use below 1 (0.01 = 1 %)",
    )
    flag(
        kind.eq("asset_rule") & counts.ne("") & ~counts.isin(RULE_COLUMNS),
        "counts",
        "for an asset_rule goal, blank or one of " + ", ".join(RULE_COLUMNS),
    )
    flag(strip["goal"].eq(""), "goal", "a goal name")
    flag(
        strip["goal"].ne("") & strip["goal"].duplicated(),
        "goal",
        "a goal name not used on an earlier row",
    )
    flag(strip["source"].eq(""), "source", "where the goal comes from")
    flag(~strip["confidence"].isin(CONFIDENCE_LEVELS), "confidence", "H, M or L")
    if (kind == "annual_share").sum() > 1:
        flag(
            kind.eq("annual_share") & kind.eq("annual_share").cumsum().gt(1),
            "kind",
            "at most one annual_share goal per pack",
        )
    if issues:
        issues.sort(key=lambda i: i.row or 0)
        raise InventoryError(issues)
