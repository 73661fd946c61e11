"""The analyst's tables of a portfolio, in two stages so that the run scales and so that other
engines can run the first:

1. :func:`summarise` reduces the asset rows of one :class:`~retrofit.results.EstimateResult`
   (a file, a chunk of a big file, a Dask partition) to sums per (plant, in-service year,
   measure type): annual savings, counters toward the goals, and the energy realised in each
   year of the window. Sums of sums are sums, so chunks and partitions combine exactly
   (:func:`combine`).
2. :func:`build` turns the combined sums, the plants file and the goal pack into the tables
   an analyst reads (a :class:`PortfolioResult`): plants, districts, industries, savings by
   measure, the trajectory, goal progress and 百一 per enterprise per year.

:func:`retrofit.portfolio.runner.portfolio` runs both over files, folders and big files;
:mod:`retrofit.portfolio.dask` runs stage 1 with Dask.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..core.caveats import Caveat
from ..core.conversion import BASIS_NAMES_ZH
from ..core.exceptions import InventoryError, InventoryIssue
from ..core.reference import plant_energy_basis_default
from ..inventory.plants import previous_year_energy
from ..io.atomic import atomic_write
from ..io.csv import write_csv
from ..io.json import records, write_json
from ..io.workbook import write_workbook
from ..models import finance as fm
from .goals import COUNTABLE_COLUMNS, ENERGY_COLUMNS, GoalPack
from .trajectory import (
    BAI_YI_RULE,
    capacity_by_year,
    in_service_year,
    service_dates,
    share_of_previous_year,
    year_fraction_in_service,
)

KEY = ["plant_id", "in_service_year", "measure_type"]
#: Annual quantities summed as they are
SUM_COLUMNS = (
    "assets",
    "in_service_defaulted",
    "baseline_energy_kwh",
    "retrofit_energy_kwh",
    "energy_saved_kwh",
    "coal_saved_tce",
    "coal_saved_tce_equivalent",
    "coal_saved_tce_equal_value",
    "co2_avoided_t",
    "retrofitted_motor_kw",
    "it_renewed_kw",
    "piles_replaced",
)
#: Money columns: a total is null when any row lacks the value (counted in ``<name>_missing``)
NULLABLE_COLUMNS = (
    "cost_saved_cny",
    "load_shift_cost_saved_cny",
    "investment_cny",
    "annualised_investment_cny",
)
#: Per-asset yes/no results of asset rules, counted true and false
RULE_FLAGS = ("meets_local_pue", "bai_yi_closure_profile")
ENERGY_LABELS = {"coal_saved_tce": "tce", "energy_saved_kwh": "kWh", "co2_avoided_t": "t CO2"}
#: Columns whose energy realised in each year is kept: the energy goals' columns and the tce on
#: both bases (the 百一 divides the realised saving on the plant's energy basis)
REALISED_COLUMNS = (*ENERGY_COLUMNS, "coal_saved_tce_equivalent", "coal_saved_tce_equal_value")


def summary_columns(years: Sequence[int]) -> list[str]:
    """Numeric columns of a :func:`summarise` frame, in order."""
    return [
        *SUM_COLUMNS,
        *NULLABLE_COLUMNS,
        *(f"{c}_missing" for c in NULLABLE_COLUMNS),
        *(f"{f}_{v}" for f in RULE_FLAGS for v in ("true", "false")),
        *(f"{c}_realised_{y}" for c in REALISED_COLUMNS for y in years),
    ]


def summarise(assets: pd.DataFrame, *, years: Sequence[int], default_year: int) -> pd.DataFrame:
    """Sums per (plant_id, in_service_year, measure_type) of one estimate's asset rows.

    Parameters
    ----------
    assets : DataFrame
        ``EstimateResult.assets`` of any estimate: a whole inventory, a chunk or a partition.
    years : sequence of int
        The years for which realised energy is computed.
    default_year : int
        A row without ``in_service_date`` is taken to enter service on 1 January of this year
        (counted in ``in_service_defaulted``).

    Returns
    -------
    DataFrame
        Columns :data:`KEY`, ``plant_name``, ``plant_energy_min_tce``/``_max_tce`` (the
        inventory's previous-year plant energy, to detect conflicts) and
        :func:`summary_columns`.
    """
    a = assets
    n = len(a)
    dates, defaulted = service_dates(a, default_year)
    cols: dict[str, Any] = {
        "plant_id": a["plant_id"].astype(str).to_numpy(),
        "in_service_year": in_service_year(dates),
        "measure_type": _measure_type(a),
        "plant_name": (
            a["plant_name"].to_numpy(dtype=object)
            if "plant_name" in a.columns
            else np.full(n, None, dtype=object)
        ),
        "assets": np.ones(n),
        "in_service_defaulted": defaulted.astype(float),
    }
    for c in SUM_COLUMNS[2:]:
        cols[c] = _numbers(a, c).fillna(0.0).to_numpy() if c in a.columns else np.zeros(n)
    for c in NULLABLE_COLUMNS:
        if c == "annualised_investment_cny":
            values = _annualised_investment(a)
        else:
            values = _numbers(a, c) if c in a.columns else pd.Series(np.nan, index=a.index)
        cols[c] = values.fillna(0.0).to_numpy()
        cols[f"{c}_missing"] = values.isna().to_numpy(dtype=float)
    for flag in RULE_FLAGS:
        b = (
            a[flag].astype("boolean")
            if flag in a.columns
            else pd.Series(pd.NA, index=a.index, dtype="boolean")
        )
        cols[f"{flag}_true"] = b.fillna(False).to_numpy(dtype=float)
        cols[f"{flag}_false"] = (~b).fillna(False).to_numpy(dtype=float)
    for y in years:
        fraction = year_fraction_in_service(dates, y)
        for c in REALISED_COLUMNS:
            cols[f"{c}_realised_{y}"] = cols[c] * fraction
    energy = (
        _numbers(a, "plant_energy_tce")
        if "plant_energy_tce" in a.columns
        else pd.Series(np.nan, index=a.index)
    )
    cols["plant_energy_min_tce"] = energy.to_numpy()
    cols["plant_energy_max_tce"] = energy.to_numpy()
    # the basis of that energy as the inventory rows give it: it wins over the plants file and
    # the option, as in estimate, so both commands judge a plant on the same basis
    cols["plant_energy_basis"] = _bases_in_row_order(a)
    return combine([pd.DataFrame(cols)], years)


def _bases_in_row_order(a: pd.DataFrame) -> np.ndarray:
    """Each row's plant's ``plant_energy_basis`` values in the order of the rows, joined with
    "|" (the sums are grouped by measure, which loses the row order estimate's "first row"
    rule needs)."""
    if "plant_energy_basis" not in a.columns:
        return np.full(len(a), None, dtype=object)
    key = a["plant_id"].astype(str)
    per_plant = (
        a["plant_energy_basis"]
        .astype(object)
        .groupby(key, sort=False)
        .agg(lambda values: "|".join(dict.fromkeys(values.dropna().astype(str))) or None)
    )
    return key.map(per_plant).to_numpy(dtype=object)


def _annualised_investment(a: pd.DataFrame) -> pd.Series:
    """investment_cny × CRF(discount_rate, lifetime_years) per row [CNY/yr]; NaN when the
    investment or the life is unknown."""
    if not {"investment_cny", "lifetime_years", "discount_rate"} <= set(a.columns):
        return pd.Series(np.nan, index=a.index)
    crf = fm.capital_recovery_factor(
        _numbers(a, "discount_rate").to_numpy(), _numbers(a, "lifetime_years").to_numpy()
    )
    return pd.Series(_numbers(a, "investment_cny").to_numpy() * crf, index=a.index)


def _measure_type(assets: pd.DataFrame) -> np.ndarray:
    """``category: measure``, with the pile type for charging piles (ac and dc piles save in
    opposite directions: an ac pile's saving is its standby change alone)."""
    text = assets["category"].astype(str) + ": " + assets["measure"].astype(str)
    if "charger_type" in assets.columns:
        pile = assets["category"].eq("charger") & assets["charger_type"].notna()
        text = text.where(~pile, text + " (" + assets["charger_type"].astype(str) + ")")
    return text.to_numpy()


def _numbers(frame: pd.DataFrame, column: str) -> pd.Series:
    return pd.to_numeric(frame[column], errors="raise").astype(float)


def combine(parts: Iterable[pd.DataFrame], years: Sequence[int]) -> pd.DataFrame:
    """Add up :func:`summarise` frames (files, chunks, partitions) into one."""
    frame = pd.concat(list(parts), ignore_index=True)
    numeric = summary_columns(years)
    grouped = frame.groupby(KEY, sort=True)
    out = grouped[numeric].sum()
    out.insert(0, "plant_name", grouped["plant_name"].first())
    out["plant_energy_min_tce"] = grouped["plant_energy_min_tce"].min()
    out["plant_energy_max_tce"] = grouped["plant_energy_max_tce"].max()
    out["plant_energy_basis"] = _bases(frame, grouped)
    out = out.reset_index()
    out["in_service_year"] = out["in_service_year"].astype(np.int64)
    return out[[*KEY, "plant_name", *numeric, *PLANT_ENERGY_COLUMNS]]


#: Per-plant facts a summary carries beside the sums: the inventory's previous-year energy
#: (smallest and largest, to detect conflicts) and its basis.
PLANT_ENERGY_COLUMNS = ("plant_energy_min_tce", "plant_energy_max_tce", "plant_energy_basis")


def _bases(frame: pd.DataFrame, grouped) -> pd.Series:
    """The plant_energy_basis values of each group in the order the rows give them, joined with
    "|" (one value when the rows agree; a conflict stays visible through any number of
    combines, and the first row's value is the one used, as in estimate)."""
    if "plant_energy_basis" not in frame.columns:
        return pd.Series(None, index=grouped.size().index, dtype=object)
    return grouped["plant_energy_basis"].agg(
        lambda values: (
            "|".join(dict.fromkeys(p for v in values.dropna() for p in str(v).split("|"))) or None
        )
    )


def empty_summary(years: Sequence[int]) -> pd.DataFrame:
    """A :func:`summarise` frame with no rows and the right dtypes (Dask's ``meta``)."""
    data: dict[str, Any] = {
        "plant_id": pd.Series([], dtype=object),
        "in_service_year": pd.Series([], dtype=np.int64),
        "measure_type": pd.Series([], dtype=object),
        "plant_name": pd.Series([], dtype=object),
    }
    for c in [*summary_columns(years), "plant_energy_min_tce", "plant_energy_max_tce"]:
        data[c] = pd.Series([], dtype=float)
    data["plant_energy_basis"] = pd.Series([], dtype=object)
    return pd.DataFrame(data)


# --- stage 2 -----------------------------------------------------------------------------------


@dataclass
class PortfolioResult:
    """Everything a portfolio run produced; each table is a DataFrame with stable English
    columns (units in the names)."""

    plants: pd.DataFrame
    districts: pd.DataFrame
    industries: pd.DataFrame
    totals: pd.DataFrame
    by_measure: pd.DataFrame
    trajectory: pd.DataFrame
    goals: pd.DataFrame
    bai_yi: pd.DataFrame
    abatement: pd.DataFrame
    files: pd.DataFrame
    assumptions: dict[str, Any]
    caveats: list[Caveat] = field(default_factory=list)
    #: The tce trajectory of each district and each industry (:func:`group_trajectories`)
    group_trajectory: pd.DataFrame = field(default_factory=pd.DataFrame)

    TABLES = (
        "totals",
        "goals",
        "trajectory",
        "group_trajectory",
        "bai_yi",
        "plants",
        "districts",
        "industries",
        "by_measure",
        "abatement",
        "files",
    )

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {name: records(getattr(self, name)) for name in self.TABLES}
        out["bai_yi_summary"] = bai_yi_summary(self.bai_yi, self.plants)
        out["assumptions"] = self.assumptions
        out["caveats"] = [c.to_dict() for c in self.caveats]
        return out

    def to_json(self, path: str | Path | None = None, *, indent: int | None = 2) -> str:
        """JSON text of :meth:`to_dict`; also written to ``path``."""
        return write_json(self.to_dict(), path, indent=indent)

    def to_csv(self, path: str | Path) -> None:
        """The plants table as CSV (UTF-8 with BOM)."""
        atomic_write(path, lambda tmp: write_csv(self.plants, tmp))

    def to_excel(self, path: str | Path) -> None:
        """One sheet per table, plus assumptions and caveats."""
        write_workbook(
            {name: getattr(self, name) for name in self.TABLES},
            path,
            style="plain",
            assumptions=self.assumptions,
            caveats=self.caveats,
        )


def build(
    summary: pd.DataFrame,
    *,
    pack: GoalPack,
    basis: str,
    as_of_year: int,
    plants: pd.DataFrame | None = None,
    plants_file: str | None = None,
    files: pd.DataFrame | None = None,
    assumptions: Mapping[str, Any] | None = None,
    caveats: Sequence[Caveat] = (),
    plant_energy_basis: str | None = None,
    energy_basis_default: Mapping[str, str] | None = None,
) -> PortfolioResult:
    """The analyst's tables from combined sums (see :func:`combine`).

    Parameters
    ----------
    summary : DataFrame
        :func:`combine` output.
    pack : GoalPack
        Goals to track; its years are the trajectory's window.
    basis : {"equivalent", "equal_value"}
        The headline tce basis of ``coal_saved_tce`` in ``summary`` (named on every table).
    as_of_year : int
        Progress "to date" counts measures in service up to the end of this year.
    plants : DataFrame, optional
        :func:`retrofit.inventory.plants.read_plants` output: name, district, industry, region and
        energy by year (``energy_tce_YYYY``) or the previous year's (``plant_energy_tce``),
        and the basis of those figures (``plant_energy_basis``).
    plant_energy_basis : {"equivalent", "equal_value"}, optional
        Basis of the plants' energy where neither the inventory rows nor the plants file give
        one (their ``plant_energy_basis`` wins: the rows', then the file's, as in estimate).
    energy_basis_default : mapping, optional
        The region's default basis where neither gives one
        (:func:`retrofit.core.reference.plant_energy_basis_default`; default: the national row).
    """
    years = list(pack.years)
    default = dict(energy_basis_default or plant_energy_basis_default("national"))
    basis_note = f"tce, {BASIS_NAMES_ZH[basis]} ({basis.replace('_', '-')}) basis"
    register = _register(summary, plants, as_of_year)
    given = register.pop("plant_energy_basis_given").astype(object)
    several = given.str.contains("|", regex=False).fillna(False).astype(bool)
    conflicting = list(map(str, register.index[several.to_numpy()]))
    _with_energy_basis(register, plant_energy_basis, default["basis"])
    plant_table = _plant_table(summary, register)
    bai_yi = _bai_yi(summary, register, pack, years, as_of_year, basis)
    plant_table = _with_bai_yi_counts(plant_table, bai_yi)
    window = summary[summary["in_service_year"].isin(years)]
    trajectory = _trajectory(window, years, basis)
    tce_goals = pack.of_kind("cumulative")
    tce_goals = tce_goals[tce_goals["counts"] == "coal_saved_tce"]
    group_trajectory = group_trajectories(
        window,
        plant_table,
        years,
        basis=basis,
        goal_tce=float(tce_goals["value"].iloc[0]) if len(tce_goals) else None,
    )
    goals = _goal_progress(summary, trajectory, pack, years, as_of_year, basis)
    caveats = list(caveats)
    if conflicting:  # the first row's basis is used: never silently (as estimate does)
        caveats.append(
            Caveat(
                "plant.energy_basis.conflict",
                "more than one basis is given for the previous-year energy of "
                + ", ".join(conflicting[:20])
                + ": the inventory's first row's is used (give one per plant)",
                "同一企业给出了不同的上年综合能耗口径：采用清单首行的口径",
                0,
                {"plants": conflicting},
            )
        )
    defaulted = int(summary["in_service_defaulted"].sum())
    if defaulted:
        caveats.append(
            Caveat(
                "portfolio.in_service_date.defaulted",
                f"{defaulted} asset rows have no in_service_date: taken to enter service on "
                f"1 January {as_of_year}; their realised energy is an upper bound",
                f"{defaulted} 行缺少投运日期，按 {as_of_year} 年 1 月 1 日投运计",
                defaulted,
                {"date": f"{as_of_year}-01-01"},
            )
        )
    unknown = bai_yi[bai_yi["meets_bai_yi"].isna()].groupby("year").size()
    if len(unknown):
        caveats.append(
            Caveat(
                "portfolio.plant_energy.unknown",
                "百一 is unknown where the plant's energy use of the year before is not given: "
                + ", ".join(f"{n} plants in {y}" for y, n in unknown.items()),
                "上年综合能耗缺失的企业年度，百一判定为未知",
                0,
                {"plants_by_year": {int(y): int(n) for y, n in unknown.items()}},
            )
        )
    caveats.extend(_energy_basis_caveats(bai_yi, basis, default))
    run = dict(assumptions or {})
    run["portfolio"] = {
        "goal_pack": pack.describe(),
        "as_of_year": as_of_year,
        "window": [years[0], years[-1]],
        "basis": basis,
        "basis_note": basis_note,
        "capacity": "saving capacity (节能能力): the full annual saving of each measure, "
        "counted in the year it enters service",
        "realised": "energy realised: a measure in service from day d of a year of N days "
        "saves (N − d + 1)/N of its annual saving that year and all of it later",
        "in_service_default": "a row without in_service_date enters service on 1 January of "
        f"{as_of_year} (counted in in_service_defaulted; its realised "
        "energy is then an upper bound)",
        "bai_yi_rule": BAI_YI_RULE + "; unknown when that year's energy is not given (never "
        "filled from another year); saving_share_full_year (full_year_tce: the full annual "
        "saving of every measure in service by the end of the year) and capacity_added_tce are "
        "shown beside it, not used by the verdict",
        "plant_energy_basis": {
            "rule": "the inventory rows' plant_energy_basis, else the plants file's, else the "
            "option plant_energy_basis, else the region's default",
            "option": plant_energy_basis,
            "region": default["region"],
            "region_default": default["basis"],
            "region_default_source": default["source"],
            "region_default_confidence": default["confidence"],
        },
        "outside_window": _outside_window(summary, years),
        "plants_file": plants_file,
    }
    return PortfolioResult(
        plants=plant_table,
        districts=_groups(plant_table, "district", as_of_year),
        industries=_groups(plant_table, "industry", as_of_year),
        totals=_totals(summary, plant_table, basis),
        by_measure=_by_measure(summary),
        trajectory=trajectory,
        goals=goals,
        bai_yi=bai_yi,
        abatement=_abatement(summary, pack),
        files=files if files is not None else pd.DataFrame(),
        assumptions=run,
        caveats=caveats,
        group_trajectory=group_trajectory,
    )


#: A plant with no district (industry) in the plants file is counted under this group name
NOT_GIVEN = "(not given)"


def group_trajectories(
    window: pd.DataFrame,
    plants: pd.DataFrame,
    years: Sequence[int],
    *,
    basis: str,
    goal_tce: float | None,
) -> pd.DataFrame:
    """The tce trajectory of each district and each industry: per group and year, the saving
    capacity added and its running total [tce/yr], the energy realised and its running total
    [tce], and the running capacity's share of the pack's cumulative tce goal (a city goal: a
    district's share of it, not a district goal).

    Parameters
    ----------
    window : DataFrame
        :func:`combine` rows of the years of the pack (``in_service_year`` in ``years``).
    plants : DataFrame
        The plant table (``plant_id`` and, when the plants file gives them, ``district`` and
        ``industry``); a grouping none of whose plants has a value is left out.
    years : sequence of int
        The pack's years, in order.
    basis : str
        The headline tce basis of ``coal_saved_tce``.
    goal_tce : float, optional
        The pack's cumulative tce goal [tce/yr]; ``goal_share_cumulative`` is NaN without one.

    Returns
    -------
    DataFrame
        One row per (grouping, group, year): ``grouped_by`` ("district" or "industry"),
        ``group``, ``year``, ``capacity_unit``, ``capacity_added``, ``capacity_cumulative``,
        ``realised_unit``, ``realised``, ``realised_cumulative``, ``goal_share_cumulative``,
        ``basis``; groups in name order (plants without one under :data:`NOT_GIVEN`).
    """
    columns = [
        "grouped_by",
        "group",
        "year",
        "capacity_unit",
        "capacity_added",
        "capacity_cumulative",
        "realised_unit",
        "realised",
        "realised_cumulative",
        "goal_share_cumulative",
        "basis",
    ]
    years = list(years)
    frames = []
    for grouping in ("district", "industry"):
        if grouping not in plants.columns or plants[grouping].isna().all():
            continue
        group_of = plants.set_index("plant_id")[grouping].astype(object).fillna(NOT_GIVEN)
        groups = sorted(set(group_of.astype(str)))
        key = window["plant_id"].map(group_of).fillna(NOT_GIVEN).astype(str)
        added = (
            window.groupby([key, window["in_service_year"]])["coal_saved_tce"]
            .sum()
            .unstack(fill_value=0.0)
            .reindex(index=groups, columns=years, fill_value=0.0)
        )
        realised = pd.DataFrame(
            {y: window.groupby(key)[f"coal_saved_tce_realised_{y}"].sum() for y in years}
        ).reindex(index=groups, fill_value=0.0)
        realised = realised.fillna(0.0)
        cumulative = added.cumsum(axis=1)
        n = len(groups) * len(years)
        frames.append(
            pd.DataFrame(
                {
                    "grouped_by": grouping,
                    "group": np.repeat(groups, len(years)),
                    "year": np.tile(years, len(groups)),
                    "capacity_unit": "tce/yr",
                    "capacity_added": added.to_numpy().ravel(),
                    "capacity_cumulative": cumulative.to_numpy().ravel(),
                    "realised_unit": "tce",
                    "realised": realised.to_numpy().ravel(),
                    "realised_cumulative": realised.cumsum(axis=1).to_numpy().ravel(),
                    "goal_share_cumulative": (
                        cumulative.to_numpy().ravel() / goal_tce if goal_tce else np.full(n, np.nan)
                    ),
                    "basis": basis,
                },
                columns=columns,
            )
        )
    if not frames:
        return pd.DataFrame(columns=columns)
    out = pd.concat(frames, ignore_index=True)
    out["year"] = out["year"].astype(np.int64)
    return out


def bai_yi_summary(bai_yi: pd.DataFrame, plants: pd.DataFrame) -> list[dict[str, Any]]:
    """Per year, the plants meeting, short of and unknown to 百一, with the plants short of it
    named: id, name, the basis the verdict counts (the plant's energy basis) and the share on
    it, and the share on each basis (JSON's summary; the terminal and HTML say the same)."""
    names = _plant_names(plants)
    out = []
    for year, part in bai_yi.groupby("year", sort=True):
        met = part["meets_bai_yi"].astype("boolean")
        short = part[(~met).fillna(False).to_numpy(bool)]
        out.append(
            {
                "year": int(year),
                "met": int(met.fillna(False).sum()),
                "short": len(short),
                "unknown": int(met.isna().sum()),
                "short_plants": [
                    {
                        "plant_id": str(row.plant_id),
                        "name": names.get(str(row.plant_id)),
                        "counted_basis": row.basis,
                        "saving_share": _float(row.saving_share),
                        "saving_share_equivalent": _float(row.saving_share_equivalent),
                        "saving_share_equal_value": _float(row.saving_share_equal_value),
                        "target_share": _float(row.target_share),
                        "shortfall_tce": _float(row.shortfall_tce),
                    }
                    for row in short.itertuples(index=False)
                ],
            }
        )
    return out


def _plant_names(plants: pd.DataFrame) -> dict[str, str]:
    """Each plant's name: the plants file's ``name``, else the inventory's ``plant_name``."""
    names: dict[str, str] = {}
    for column in ("plant_name", "name"):  # the later wins
        if column in plants.columns:
            for plant, name in zip(plants["plant_id"], plants[column], strict=True):
                if pd.notna(name) and str(name).strip():
                    names[str(plant)] = str(name)
    return names


def _float(value: Any) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _register(summary: pd.DataFrame, plants: pd.DataFrame | None, as_of_year: int) -> pd.DataFrame:
    """One row per plant: its names and energy by year, from the plants file and inventories."""
    inv = summary.groupby("plant_id", sort=True).agg(
        plant_name=("plant_name", "first"),
        energy_min=("plant_energy_min_tce", "min"),
        energy_max=("plant_energy_max_tce", "max"),
    )
    conflict = inv["energy_min"].notna() & ~np.isclose(inv["energy_min"], inv["energy_max"])
    if conflict.any():
        raise InventoryError(
            [
                InventoryIssue(
                    "conflict",
                    "inventories",
                    None,
                    "plant_energy_tce",
                    f"{inv.at[p, 'energy_max']:g}",
                    f"one previous-year energy per plant; plant {p} also has {inv.at[p, 'energy_min']:g} "
                    "tce in another file or chunk",
                )
                for p in inv.index[conflict]
            ]
        )
    register = pd.DataFrame(index=inv.index)
    register["plant_name"] = inv["plant_name"]
    given = _bases(summary, summary.groupby("plant_id", sort=True)).reindex(inv.index)
    register["plant_energy_basis"] = given.str.split("|").str[0].astype(object)
    register["plant_energy_basis_given"] = given.astype(object)
    previous = f"energy_tce_{as_of_year - 1}"
    register[previous] = inv["energy_min"]
    register["in_inventory"] = True
    if plants is None:
        return register
    table = plants.set_index("plant_id")
    extra = table.index.difference(register.index)
    register = register.reindex(register.index.append(extra))
    register["in_inventory"] = register["in_inventory"].astype("boolean").fillna(False).astype(bool)
    for column in ("name", "region", "district", "industry"):
        if column in table.columns:
            register[column] = table[column].reindex(register.index)
    if "plant_energy_basis" in table.columns:  # the inventory rows' basis wins, as in estimate
        listed = table["plant_energy_basis"].reindex(register.index).astype(object)
        inventory = register["plant_energy_basis"].astype(object)
        register["plant_energy_basis"] = inventory.where(inventory.notna(), listed)
        joined = register["plant_energy_basis_given"].astype(object)
        differs = inventory.notna() & listed.notna() & (inventory != listed)
        register["plant_energy_basis_given"] = joined.where(
            ~differs, joined.astype(str) + "|" + listed.astype(str)
        )
    register[previous] = previous_year_energy(plants, as_of_year, register[previous])
    for column in table.columns:
        if column.startswith("energy_tce_") and column != previous:
            register[column] = table[column].reindex(register.index).astype(float)
    return register.sort_index()


def _plant_table(summary: pd.DataFrame, register: pd.DataFrame) -> pd.DataFrame:
    sums = [c for c in SUM_COLUMNS if c != "in_service_defaulted"]
    grouped = summary.groupby("plant_id", sort=True)
    totals = grouped[[*sums, "in_service_defaulted", *NULLABLE_COLUMNS]].sum()
    missing = grouped[[f"{c}_missing" for c in NULLABLE_COLUMNS]].sum()
    for c in NULLABLE_COLUMNS:
        totals[c] = totals[c].where(missing[f"{c}_missing"] == 0)
    totals = totals.reindex(register.index)
    totals[[*sums, "in_service_defaulted"]] = totals[[*sums, "in_service_defaulted"]].fillna(0.0)
    totals["assets"] = totals["assets"].astype(np.int64)
    front = register.drop(columns=[c for c in register.columns if c.startswith("energy_tce_")])
    energy = register[[c for c in register.columns if c.startswith("energy_tce_")]]
    energy = energy[sorted(energy.columns)]
    out = pd.concat([front, totals, energy], axis=1)
    out.index.name = "plant_id"
    return out.reset_index()


def _bai_yi(summary, register, pack, years, as_of_year, basis) -> pd.DataFrame:
    """百一 per plant and year: the saving realised in the year (by in-service date) ÷ energy of
    the year before, with the capacity added and the full annual potential beside it."""
    goal = pack.annual_share
    columns = [
        "plant_id",
        "year",
        "previous_year",
        "previous_year_energy_tce",
        "capacity_added_tce",
        "realised_tce",
        "full_year_tce",
        "saving_share",
        "saving_share_full_year",
        "target_share",
        "meets_bai_yi",
        "shortfall_tce",
        "bai_yi_status",
        "in_progress",
        "basis",
        "plant_energy_basis",
        "plant_energy_basis_source",
        "saving_share_equivalent",
        "saving_share_equal_value",
    ]
    if goal is None:  # the pack sets no per-enterprise share
        return pd.DataFrame(columns=columns)
    counts, target = goal["counts"], float(goal["value"])
    on_equal_value = (register["plant_energy_basis"] == "equal_value").to_numpy()
    # the saving divided by the plant's energy must be on the basis that energy is on
    by_basis = counts == "coal_saved_tce"

    def per_plant(rows: pd.DataFrame, column: str) -> np.ndarray:
        return rows.groupby("plant_id")[column].sum().reindex(register.index).fillna(0.0).to_numpy()

    def on_plant_basis(rows: pd.DataFrame, suffix: str) -> np.ndarray:
        if not by_basis:
            return per_plant(rows, f"{counts}{suffix}")
        return np.where(
            on_equal_value,
            per_plant(rows, f"coal_saved_tce_equal_value{suffix}"),
            per_plant(rows, f"coal_saved_tce_equivalent{suffix}"),
        )

    frames = []
    for y in years:
        column = f"energy_tce_{y - 1}"
        energy = (
            register[column]
            if column in register.columns
            else pd.Series(np.nan, index=register.index)
        ).to_numpy(dtype=float)
        added = on_plant_basis(summary[summary["in_service_year"] == y], "")
        # the full annual potential of every measure in service by the end of the year
        full_year = on_plant_basis(summary[summary["in_service_year"] <= y], "")
        realised = (
            on_plant_basis(summary, f"_realised_{y}")
            if counts in ENERGY_COLUMNS
            else np.full(len(register), np.nan)
        )
        share = share_of_previous_year(realised, energy)
        shares = {
            b: share_of_previous_year(
                per_plant(summary, f"coal_saved_tce_{b}_realised_{y}"), energy
            )
            if by_basis
            else np.full(len(register), np.nan)
            for b in ("equivalent", "equal_value")
        }
        known = ~np.isnan(energy)
        meets = pd.array(np.where(known, share >= target, False), dtype="boolean")
        meets[~known] = pd.NA
        status = np.where(
            ~known,
            f"unknown (no energy for {y - 1})",
            np.where(meets.fillna(False), "meets (estimate)", "short (estimate)"),
        )
        frames.append(
            pd.DataFrame(
                {
                    "plant_id": register.index,
                    "year": y,
                    "previous_year": y - 1,
                    "previous_year_energy_tce": energy,
                    "capacity_added_tce": added,
                    "realised_tce": realised,
                    "full_year_tce": full_year,
                    "saving_share": share,
                    "saving_share_full_year": share_of_previous_year(full_year, energy),
                    "target_share": target,
                    "meets_bai_yi": meets,
                    "shortfall_tce": np.where(
                        known, np.maximum(0.0, target * energy - realised), np.nan
                    ),
                    "bai_yi_status": status,
                    "in_progress": y >= as_of_year,
                    # the basis of this row's capacity, realised tce and share
                    "basis": register["plant_energy_basis"].to_numpy() if by_basis else basis,
                    "plant_energy_basis": register["plant_energy_basis"].to_numpy(),
                    "plant_energy_basis_source": register["plant_energy_basis_source"].to_numpy(),
                    "saving_share_equivalent": shares["equivalent"],
                    "saving_share_equal_value": shares["equal_value"],
                },
                columns=columns,
            )
        )
    return pd.concat(frames, ignore_index=True)


def _with_energy_basis(register: pd.DataFrame, option: str | None, default: str) -> None:
    """Add each plant's ``plant_energy_basis`` and its ``plant_energy_basis_source``: the
    inventory rows' or the plants file's value ("input"), else ``option`` ("option"), else the
    region's default."""
    given = (  # popped: the column goes after its source, where the tables have it
        register.pop("plant_energy_basis").astype(object)
        if "plant_energy_basis" in register.columns
        else pd.Series(None, index=register.index, dtype=object)
    )
    register["plant_energy_basis_source"] = np.where(
        given.notna(), "input", "option" if option else "region default"
    )
    register["plant_energy_basis"] = given.fillna(option or default).astype(object)


def _energy_basis_caveats(
    bai_yi: pd.DataFrame, basis: str, default: Mapping[str, str]
) -> list[Caveat]:
    """Say which plants' energy basis was assumed, and where the verdict's basis is not the
    headline basis."""
    if not len(bai_yi):
        return []
    known = bai_yi[bai_yi["meets_bai_yi"].notna()]
    out = []
    assumed = sorted(
        set(known.loc[known["plant_energy_basis_source"] == "region default", "plant_id"])
    )
    if assumed:
        out.append(
            Caveat(
                "plant.energy_basis.assumed",
                "the basis of the plants' energy was not given: "
                f"{BASIS_NAMES_ZH[default['basis']]} ({default['basis']}) is assumed from the "
                f"region ({default['region']}; table plant_energy_basis_defaults, confidence "
                f"{default['confidence']}) for "
                + ", ".join(map(str, assumed[:20]))
                + "; give plant_energy_basis in the plants file or --plant-energy-basis",
                f"未给出企业能耗口径：按地区默认采用{BASIS_NAMES_ZH[default['basis']]}",
                0,
                {"plants": list(map(str, assumed)), "basis": default["basis"]},
            )
        )
    differs = known[known["plant_energy_basis"] != basis]
    if len(differs):
        used = sorted(set(differs["plant_energy_basis"]))
        plants = sorted(set(differs["plant_id"]))
        out.append(
            Caveat(
                "plant.energy_basis.differs_from_headline",
                "the 百一 verdict uses each plant's energy basis "
                f"({', '.join(f'{BASIS_NAMES_ZH[b]} ({b})' for b in used)}), not the headline "
                f"basis {BASIS_NAMES_ZH[basis]} ({basis}), for " + ", ".join(map(str, plants[:20])),
                f"百一判定按企业能耗口径，而非标题口径{BASIS_NAMES_ZH[basis]}",
                0,
                {"plants": list(map(str, plants)), "headline_basis": basis, "used": used},
            )
        )
    return out


def _with_bai_yi_counts(plants: pd.DataFrame, bai_yi: pd.DataFrame) -> pd.DataFrame:
    per = bai_yi.groupby("plant_id", sort=False)["meets_bai_yi"]
    plants = plants.set_index("plant_id")
    plants["bai_yi_years_known"] = per.count().reindex(plants.index).fillna(0).astype(np.int64)
    plants["bai_yi_years_met"] = per.sum().reindex(plants.index).fillna(0).astype(np.int64)
    return plants.reset_index()


def _trajectory(window: pd.DataFrame, years: list[int], basis: str) -> pd.DataFrame:
    """Long table: one row per (metric, year) with capacity added, its running total and, for
    energy metrics, the energy realised that year and its running total."""
    metrics = list(COUNTABLE_COLUMNS)
    cap = capacity_by_year(window, years, metrics)
    frames = []
    for metric in metrics:
        realised = (
            np.array([window[f"{metric}_realised_{y}"].sum() for y in years])
            if metric in ENERGY_COLUMNS
            else np.full(len(years), np.nan)
        )
        frames.append(
            pd.DataFrame(
                {
                    "metric": metric,
                    "capacity_unit": COUNTABLE_COLUMNS[metric],
                    "realised_unit": (
                        COUNTABLE_COLUMNS[metric].removesuffix("/yr")
                        if metric in ENERGY_COLUMNS
                        else ""
                    ),
                    "year": years,
                    "capacity_added": cap[metric].to_numpy(),
                    "capacity_cumulative": cap[f"{metric}_cumulative"].to_numpy(),
                    "realised": realised,
                    "realised_cumulative": np.cumsum(realised),
                    "basis": basis if metric == "coal_saved_tce" else "",
                }
            )
        )
    out = pd.concat(frames, ignore_index=True)
    rows_missing = window.groupby("in_service_year")["investment_cny_missing"].sum()
    incomplete = out["metric"].eq("investment_cny") & out["year"].map(rows_missing).fillna(0).gt(0)
    out["note"] = np.where(incomplete, "partial: some rows have no investment_cny", "")
    return out


def _goal_progress(summary, trajectory, pack, years, as_of_year, basis) -> pd.DataFrame:
    rows = []
    for goal in pack.goals.itertuples(index=False):
        base = {
            "goal": goal.goal,
            "metric": goal.metric,
            "kind": goal.kind,
            "counts": goal.counts,
            "target": goal.value,
            "unit": goal.unit,
            "period_start": goal.period_start,
            "period_end": goal.period_end,
        }
        quote = f"{goal.document} {goal.clause}: {goal.quote}"
        tail = {"confidence": goal.confidence, "source": quote}
        if goal.kind == "cumulative":
            t = trajectory[trajectory["metric"] == goal.counts].set_index("year")
            span = [y for y in years if goal.period_start <= y <= goal.period_end]
            ways = ["capacity", "realised"] if goal.counts in ENERGY_COLUMNS else ["capacity"]
            for way in ways:
                per_year = t.loc[span, "capacity_added" if way == "capacity" else "realised"]
                to_date = float(per_year[per_year.index <= as_of_year].sum())
                by_end = float(per_year.sum())
                unit = t["capacity_unit" if way == "capacity" else "realised_unit"].iloc[0]
                missing = (
                    float(
                        summary.loc[
                            summary["in_service_year"].isin(span), f"{goal.counts}_missing"
                        ].sum()
                    )
                    if f"{goal.counts}_missing" in summary.columns
                    else 0.0
                )
                rows.append(
                    base
                    | {
                        "counted_as": (
                            "saving capacity (节能能力)" if way == "capacity" else "energy realised"
                        ),
                        "achieved_unit": unit,
                        "note": (
                            f"partial: {missing:,.0f} asset rows have no {goal.counts}"
                            if missing
                            else ""
                        ),
                        "as_of_year": as_of_year,
                        "achieved_to_date": to_date,
                        "share_to_date": to_date / goal.value,
                        "planned_by_end": by_end,
                        "share_by_end": by_end / goal.value,
                        "remaining_by_end": max(0.0, goal.value - by_end),
                        "basis": basis if goal.counts == "coal_saved_tce" else "",
                    }
                    | tail
                )
        elif goal.kind == "annual_share":
            rows.append(base | {"counted_as": "per enterprise and year: see bai_yi"} | tail)
        elif goal.kind == "asset_rule" and f"{goal.counts}_true" in summary.columns:
            rows.append(
                base
                | {
                    "counted_as": f"assets with {goal.counts} true / false",
                    "assets_true": float(summary[f"{goal.counts}_true"].sum()),
                    "assets_false": float(summary[f"{goal.counts}_false"].sum()),
                }
                | tail
            )
        else:
            rows.append(
                base
                | {
                    "counted_as": (
                        "applied by the asset models"
                        if goal.kind == "asset_rule"
                        else "not tracked from an inventory"
                    )
                }
                | tail
            )
    columns = [
        "goal",
        "metric",
        "kind",
        "counts",
        "counted_as",
        "target",
        "unit",
        "period_start",
        "period_end",
        "as_of_year",
        "achieved_unit",
        "achieved_to_date",
        "share_to_date",
        "planned_by_end",
        "share_by_end",
        "remaining_by_end",
        "assets_true",
        "assets_false",
        "basis",
        "note",
        "confidence",
        "source",
    ]
    return pd.DataFrame(rows).reindex(columns=columns)


def _outside_window(summary: pd.DataFrame, years: list[int]) -> dict[str, Any]:
    out = {}
    for label, mask in (
        ("before", summary["in_service_year"] < years[0]),
        ("after", summary["in_service_year"] > years[-1]),
    ):
        part = summary[mask]
        out[label] = {
            "assets": int(part["assets"].sum()),
            "coal_saved_tce": float(part["coal_saved_tce"].sum()),
            "note": "not counted toward the goals (in service outside the window)",
        }
    return out


def _groups(plants: pd.DataFrame, column: str, as_of_year: int) -> pd.DataFrame:
    """Totals per district or industry (plants without one under "(not given)")."""
    key = (
        plants[column].fillna("(not given)")
        if column in plants.columns
        else pd.Series("(not given)", index=plants.index)
    )
    sums = [
        "assets",
        "retrofitted_motor_kw",
        "it_renewed_kw",
        "piles_replaced",
        "energy_saved_kwh",
        "coal_saved_tce",
        "coal_saved_tce_equivalent",
        "coal_saved_tce_equal_value",
        "co2_avoided_t",
        "bai_yi_years_known",
        "bai_yi_years_met",
    ]
    grouped = plants.groupby(key.rename(column), sort=True)
    out = grouped[sums].sum()
    out.insert(0, "plants", grouped.size())
    for c in NULLABLE_COLUMNS:  # a group total is null when any of its plants' is
        out[c] = grouped[c].sum(min_count=1).where(grouped[c].count() == out["plants"])
    return out.reset_index()


def _totals(summary: pd.DataFrame, plants: pd.DataFrame, basis: str) -> pd.DataFrame:
    sums = [c for c in SUM_COLUMNS]
    row = summary[sums].sum().to_dict()
    row["plants"] = len(plants)
    row["plants_with_assets"] = int((plants["assets"] > 0).sum())
    for c in NULLABLE_COLUMNS:
        complete = summary[f"{c}_missing"].sum() == 0
        row[c] = float(summary[c].sum()) if complete else np.nan
        row[f"{c}_rows_missing"] = float(summary[f"{c}_missing"].sum())
    row["basis"] = basis
    out = pd.DataFrame([row])
    counts = [
        "assets",
        "in_service_defaulted",
        "piles_replaced",
        "plants",
        "plants_with_assets",
        *(f"{c}_rows_missing" for c in NULLABLE_COLUMNS),
    ]
    out[counts] = out[counts].round().astype(np.int64)
    return out


def _by_measure(summary: pd.DataFrame) -> pd.DataFrame:
    """Sums per measure type, largest headline tce first, with the tce on both bases (a chart
    and a table show 当量值 and 等价值 side by side)."""
    cols = [
        "assets",
        "retrofitted_motor_kw",
        "energy_saved_kwh",
        "coal_saved_tce",
        "coal_saved_tce_equivalent",
        "coal_saved_tce_equal_value",
        "co2_avoided_t",
    ]
    out = summary.groupby("measure_type", sort=False)[cols].sum()
    return out.sort_values("coal_saved_tce", ascending=False).reset_index()


def _abatement(summary: pd.DataFrame, pack: GoalPack) -> pd.DataFrame:
    """Conservation supply curve by measure type: levelised cost of saved tce
    (Σ investment × CRF ÷ Σ tce/yr), rows with investment and life only, cheapest first, with
    the pack's cumulative tce goal as ``goal_line_tce``."""
    known = summary[
        (summary["investment_cny_missing"] == 0)
        & (summary["annualised_investment_cny_missing"] == 0)
    ]
    cols = [
        "investment_cny",
        "annualised_investment_cny",
        "coal_saved_tce",
        "assets",
        "cost_saved_cny",
        "cost_saved_cny_missing",
    ]
    per = known.groupby("measure_type")[cols].sum()
    per = per[per["coal_saved_tce"] > 0]
    per["cost_per_tce_cny"] = per["annualised_investment_cny"] / per["coal_saved_tce"]
    per["net_cost_per_tce_cny"] = np.where(
        per["cost_saved_cny_missing"] == 0,
        (per["annualised_investment_cny"] - per["cost_saved_cny"]) / per["coal_saved_tce"],
        np.nan,
    )
    per["investment_per_tce_cny"] = per["investment_cny"] / per["coal_saved_tce"]
    per = per.drop(columns=["cost_saved_cny", "cost_saved_cny_missing"])
    per = per.sort_values("cost_per_tce_cny").reset_index()
    per["cumulative_tce"] = per["coal_saved_tce"].cumsum()
    goal = pack.of_kind("cumulative")
    goal = goal[goal["counts"] == "coal_saved_tce"]
    per["goal_line_tce"] = float(goal["value"].iloc[0]) if len(goal) else np.nan
    return per.rename(columns={"measure_type": "label", "coal_saved_tce": "saved_tce"})
