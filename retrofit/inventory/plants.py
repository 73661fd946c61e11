"""The plants file (``--plants``): one row per plant with its previous year's energy (or its
energy by year), name, district, industry and metered energy; and how an inventory's
previous-year energy is completed from it."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import replace

import numpy as np
import pandas as pd

from ..core.exceptions import InventoryError, InventoryIssue
from . import schema
from .files import read_table
from .headers import (
    PLANT_COLUMNS,
    UNIT_SUFFIX,
    energy_year,
    match_plant_header,
    renamed_matcher,
    unit_factor,
)
from .reading import check_renamed_headers, validate_table
from .workbook import ReadLimits

__all__ = ["PLANT_COLUMNS", "previous_year_energy", "read_plants"]


def read_plants(
    path: str | os.PathLike[str],
    *,
    encoding: str | None = None,
    sheet: str | int | None = None,
    max_errors: int = 200,
    collect: bool = False,
    limits: ReadLimits | None = None,
    rename: Mapping[str, str] | None = None,
    passthrough: Sequence[str] = (),
    check_named: bool = True,
) -> pd.DataFrame:
    """Read and validate a plants file: one row per plant (``limits``, ``rename``,
    ``passthrough`` and ``check_named`` as in :func:`~retrofit.inventory.reading.read_inventory`;
    a rename names a plants-file column: ``{"能耗总量": "plant_energy_tce"}``).

    A file with 企业名称 (``name``) and no plant_id identifies each plant by its name. A header
    the reader does not map is carried through (``meta.passthrough``); one that resembles a
    plants-file column is a ``similar-header`` error until renamed or passed through.

    Returns
    -------
    pandas.DataFrame
        ``plant_id`` (str), ``plant_energy_tce`` (float64 [tce], the previous year's energy),
        ``name``, ``region``, ``district`` and ``industry`` (str, when present), one
        ``energy_tce_YYYY`` column (float64 [tce]) per year of energy use given (headers such
        as ``energy_tce_2023``, ``2023年综合能耗(tce)``, ``综合能耗2023``) and ``source_row``.
        ``plant_energy_tce`` is required unless energy is given by year; year cells may be
        blank (that year is unknown). The meta record is in ``df.attrs["meta"]``; with
        ``collect=True`` (see :func:`read_inventory`) the cell problems are in
        ``df.attrs["issues"]`` and ``df.attrs["issue_total"]`` and their rows are left out.

    Raises
    ------
    InventoryError
        As :func:`read_inventory`; a plant_id listed twice is a ``duplicate-id`` issue.
    """
    table, meta_kw = read_table(
        path, encoding=encoding, sheet=sheet, limits=limits, own_output_sheet="plants"
    )
    if check_named:
        check_renamed_headers(table.headers, rename, passthrough, table.file)
    years = sorted({y for h in table.headers if h is not None and (y := energy_year(str(h)))})
    columns = PLANT_COLUMNS
    match = match_plant_header
    if years:
        # energy by year replaces the single previous-year figure, and a blank year is allowed:
        # the 百一 check of the year after it is then reported as unknown
        energy = schema.COLUMN_BY_NAME["plant_energy_tce"]
        columns = (
            PLANT_COLUMNS[0],
            replace(energy, required=False),
            *PLANT_COLUMNS[2:],
            *(
                replace(
                    energy,
                    name=f"energy_tce_{y}",
                    required=False,
                    description=f"the plant's total energy use in {y}",
                    description_zh=f"{y}年综合能耗",
                )
                for y in years
            ),
        )

        def match(header: str) -> tuple[str | None, float]:
            year = energy_year(header)
            if year is None:
                return match_plant_header(header)
            m = UNIT_SUFFIX.match(schema.normalise(header))
            if m is None:
                return f"energy_tce_{year}", 1.0
            return f"energy_tce_{year}", unit_factor(energy, m.group("unit"), header)

    inv = validate_table(
        table,
        meta_kw,
        columns,
        renamed_matcher(rename, match, plants=True),
        max_errors,
        plants=True,
        collect=collect,
        passthrough=passthrough,
    )
    keep = [c.name for c in columns if c.name in inv.assets] + ["source_row"]
    out = inv.assets[keep].copy()
    out.attrs["meta"] = inv.meta
    if collect:
        out.attrs["issues"] = inv.issues
        out.attrs["issue_total"] = inv.issue_total
    return out


def previous_year_energy(plants: pd.DataFrame, year: int, energy: pd.Series) -> pd.Series:
    """``energy`` (plant_id → the inventories' previous-year energy [tce]) completed from a
    plants table (:func:`read_plants`): its ``plant_energy_tce``, else its ``energy_tce_<year−1>``.

    Raises
    ------
    InventoryError
        A ``conflict`` issue per plant whose two figures differ, located in the plants file.
    """
    table = plants.set_index("plant_id")
    column = "plant_energy_tce" if "plant_energy_tce" in table.columns else f"energy_tce_{year - 1}"
    if column not in table.columns:
        return energy
    meta = plants.attrs.get("meta")
    from_file = table[column].reindex(energy.index).astype(float)
    both = energy.notna() & from_file.notna() & ~np.isclose(energy, from_file)
    if both.any():
        rows = (
            table["source_row"].reindex(energy.index)
            if "source_row" in table.columns
            else pd.Series(None, energy.index)
        )
        raise InventoryError(
            [
                InventoryIssue(
                    "conflict",
                    meta.path if meta else "<plants DataFrame>",
                    None if pd.isna(rows[p]) else int(rows[p]),
                    (meta.header_map.get(column) if meta else None) or column,
                    f"{from_file[p]:g}",
                    f"the inventory's value {energy[p]:g} tce for plant {p} (give it in one place)",
                )
                for p in energy.index[both]
            ]
        )
    return energy.fillna(from_file)
