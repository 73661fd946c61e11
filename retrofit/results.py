"""The result of an estimate and its output columns; its serialisations (JSON, CSV, Excel) are
written atomically by :mod:`retrofit.io`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from .columns import describe
from .core.caveats import Caveat
from .io.atomic import atomic_write
from .io.csv import write_csv
from .io.json import records, write_json
from .measures.base import Measure, registered
from .money.appraisal import ASSET_COLUMNS as FINANCE_COLUMNS
from .money.cost import OUTPUT_COLUMNS as ECONOMICS_COLUMNS

#: The first output columns of ``assets``: the row's identity and the inputs every measure
#: shares; descriptions with units from the glossary (retrofit/columns.csv).
CORE_COLUMNS: dict[str, str] = describe(
    [
        "plant_id",
        "plant_name",
        "asset_id",
        "source_row",
        "category",
        "measure",
        "quantity",
        "rated_power_kw",
        "poles",
        "load_factor",
        "operating_hours_h",
    ]
)

#: The last output columns of ``assets``, after the measures' own: energy, coal, CO2, money,
#: goal counters, metered savings, factors and caveats.
TOTAL_COLUMNS: dict[str, str] = describe(
    [
        "baseline_energy_kwh",
        "retrofit_energy_kwh",
        "energy_saved_kwh",
        "coal_saved_tce",
        "coal_saved_tce_equivalent",
        "coal_saved_tce_equal_value",
        "co2_avoided_t",
        "electricity_price_cny_per_kwh",
        *ECONOMICS_COLUMNS,
        "cost_saved_cny",
        "investment_cny",
        "payback_years",
        *FINANCE_COLUMNS,
        "retrofitted_motor_kw",
        "it_renewed_kw",
        "piles_replaced",
        "metered_saving_kwh",
        "metered_difference_kwh",
        "metered_flag",
        "factor_equivalent_kgce_per_kwh",
        "factor_equal_value_kgce_per_kwh",
        "grid_factor_tco2_per_mwh",
        "caveats",
    ]
)


def asset_columns(measures: Iterable[Measure]) -> dict[str, str]:
    """Output columns of ``assets`` for a run of ``measures``, in order, with units: the core
    columns, each measure's own in registration order, then the totals.

    A column listed twice keeps its first position and its last description (as ``{**a, **b}``
    does), so a measure may restate a shared column without moving it.
    """
    columns = dict(CORE_COLUMNS)
    for measure in measures:
        columns.update(measure.output_columns)
    columns.update(TOTAL_COLUMNS)
    return columns


#: Output columns of ``assets`` with the registered measures, in order, with units; a test
#: checks each is documented.
ASSET_COLUMNS: dict[str, str] = asset_columns(registered())

#: Plant columns of the plant-level economics (money.appraisal.plant_finance), in output order
PLANT_FINANCE_COLUMNS = (
    "npv_cny",
    "irr",
    "cost_of_saved_tce_cny_per_tce",
    "incentives_cny",
    "incentives_pv_cny",
    "incentives_needing_inputs_cny",
    "payback_after_incentives_years",
    "npv_after_incentives_cny",
    "irr_after_incentives",
)

PLANT_COLUMNS: dict[str, str] = describe(
    [
        "plant_id",
        "plant_name",
        "district",
        "industry",
        "assets",
        "retrofitted_motor_kw",
        "it_renewed_kw",
        "piles_replaced",
        "baseline_energy_kwh",
        "retrofit_energy_kwh",
        "energy_saved_kwh",
        "coal_saved_tce",
        "coal_saved_tce_equivalent",
        "coal_saved_tce_equal_value",
        "coal_saved_tce_realised",
        "coal_saved_tce_equivalent_realised",
        "coal_saved_tce_equal_value_realised",
        "in_service_date_defaulted",
        "co2_avoided_t",
        "cost_saved_cny",
        "load_shift_cost_saved_cny",
        "investment_cny",
        "plant_energy_tce",
        "plant_energy_basis",
        "plant_energy_basis_source",
        "saving_share",
        "saving_share_equivalent",
        "saving_share_equal_value",
        "saving_share_full_year",
        "bai_yi_target_share",
        "meets_bai_yi",
        "shortfall_tce",
        "bai_yi_status",
        *PLANT_FINANCE_COLUMNS,
        "metered_saving_kwh",
        "metered_difference_kwh",
        "metered_flag",
        "caveats",
    ]
)


@dataclass
class EstimateResult:
    """Everything an estimate produced.

    Attributes
    ----------
    assets : pandas.DataFrame
        One row per inventory row; columns in :data:`ASSET_COLUMNS` (units in the names) and the
        input's pass-through columns.
    plants : pandas.DataFrame
        One row per plant; columns in :data:`PLANT_COLUMNS`.
    assumptions : dict
        Every table, factor, basis, year and default the run used.
    caveats : list of Caveat
        One entry per caveat code with the number of rows it applies to.
    """

    assets: pd.DataFrame
    plants: pd.DataFrame
    assumptions: dict[str, Any]
    caveats: list[Caveat] = field(default_factory=list)
    projects: pd.DataFrame | None = None
    incentives: pd.DataFrame | None = None
    supply_curve: pd.DataFrame | None = None
    uncertainty: Any = None

    def tables(self) -> dict[str, pd.DataFrame]:
        """The result's tables by sheet name (finance and uncertainty sheets only when
        computed)."""
        sheets = {"plants": self.plants, "assets": self.assets}
        for name in ("projects", "incentives", "supply_curve"):
            frame = getattr(self, name)
            if frame is not None:
                sheets[name] = frame
        if self.uncertainty is not None:
            sheets |= self.uncertainty.tables()
        return sheets

    def to_dict(self) -> dict[str, Any]:
        sheets = self.tables()
        order = ["assets", "plants", *[n for n in sheets if n not in ("assets", "plants")]]
        return {
            **{
                name: records(sheets[name]) for name in order if not name.startswith("uncertainty_")
            },
            **({"uncertainty": self.uncertainty.to_dict()} if self.uncertainty is not None else {}),
            "assumptions": self.assumptions,
            "caveats": [c.to_dict() for c in self.caveats],
        }

    def to_json(self, path: str | Path | None = None, *, indent: int | None = 2) -> str:
        """JSON text ``{"assets", "plants", "assumptions", "caveats"}``; also written to ``path``."""
        return write_json(self.to_dict(), path, indent=indent)

    def to_csv(self, path: str | Path) -> None:
        """Asset rows as CSV (UTF-8 with BOM, so Excel on Chinese Windows opens it)."""
        atomic_write(path, lambda tmp: write_csv(self.assets, tmp))

    def to_excel(
        self,
        path: str | Path,
        *,
        style: Literal["audit", "plain"] = "audit",
        lang: Literal["zh", "en"] | None = None,
    ) -> None:
        """The audit workbook (what ``retrofit estimate -o x.xlsx`` and ``retrofit report -o
        x.xlsx`` write): a summary of SUM formulas, then the assets, whose savings are live
        formulas over each row's inputs and the factor cells of the assumptions sheet, the
        plants, projects, incentives (with ``policy``), supply_curve, assumptions and caveats;
        headers in ``lang`` (None: Chinese and English). ``style="plain"``: one header row of
        column names and the values only, a data dump ``pandas.read_excel`` reads back
        (``retrofit estimate --workbook plain``; CSV and JSON are the other dumps)."""
        # imported here: openpyxl is only needed by those who write a workbook
        from .io.workbook import write_workbook

        write_workbook(self, path, style=style, lang=lang if style == "audit" else None)

    @property
    def non_standard(self) -> bool:
        """True when any reference table came from a user file."""
        return bool(self.assumptions.get("non_standard"))
