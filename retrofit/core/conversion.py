"""Energy → standard coal (tce) on a named basis, and electricity → CO2.

Two bases of GB/T 2589-2020 are always computed for electricity:

- ``equivalent`` (当量值): the heat content of a kWh, 3.6 MJ ÷ 29.3076 MJ/kgce = 0.1229 kgce/kWh;
- ``equal_value`` (等价值): the coal burnt to supply a kWh, taken as the previous year's
  power-plant 供电标准煤耗 for the region (a table by year and region, overridable).

The factors come from ``reference_data``; this module only selects and applies them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from .exceptions import OptionError
from .reference import Tables, missing_row

BASES = ("equivalent", "equal_value")
BASIS_NAMES_ZH = {"equivalent": "当量值", "equal_value": "等价值"}


def energy_to_tce(energy_kwh: npt.ArrayLike, kgce_per_kwh: npt.ArrayLike) -> np.ndarray:
    """Electricity [kWh] → standard coal [tce] with a factor [kgce/kWh]; 1 tce = 1000 kgce."""
    return np.asarray(energy_kwh, dtype=float) * np.asarray(kgce_per_kwh, dtype=float) / 1000.0


def energy_to_co2_t(energy_kwh: npt.ArrayLike, factor_tco2_per_mwh: npt.ArrayLike) -> np.ndarray:
    """Electricity [kWh] → CO2 [t] with a grid factor [tCO2/MWh]; 1 MWh = 1000 kWh."""
    return np.asarray(energy_kwh, dtype=float) * np.asarray(factor_tco2_per_mwh) / 1000.0


@dataclass(frozen=True)
class Factor:
    """A conversion factor with everything a reviewer needs to check it."""

    value: float
    unit: str
    table: str
    key: str
    year: int | None
    confidence: str
    source: str
    note: str = ""

    def to_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


def equivalent_factor(tables: Tables) -> Factor:
    """Electricity 当量值 [kgce/kWh] from GB/T 2589-2020."""
    table = tables["energy_conversion_coefficients"]
    rows = table[(table["carrier"] == "electricity") & (table["basis"] == "equivalent")]
    if rows.empty:
        raise missing_row("energy_conversion_coefficients", ("electricity", "equivalent"))
    row = rows.iloc[0]
    return Factor(
        float(row["coefficient"]),
        "kgce/kWh",
        "energy_conversion_coefficients",
        "electricity/equivalent",
        None,
        row["confidence"],
        row["source"],
        _text(row.get("note")),
    )


@dataclass(frozen=True)
class EqualValueChoice:
    factor: Factor
    wanted_year: int
    region_used: str
    fallback: str  # "", "earlier_year", "region", "target", "user"


def equal_value_factor(
    tables: Tables, region: str, accounting_year: int, override_kgce_per_kwh: float | None = None
) -> EqualValueChoice:
    """Electricity 等价值 [kgce/kWh] for savings in ``accounting_year``.

    GB/T 2589-2020 ties the 等价值 to the previous year's 供电标准煤耗, so the wanted year is
    ``accounting_year − 1``. The region's own series is used when it has a value for that year
    or earlier; otherwise the national series. The latest tabulated year not after the wanted
    one is taken; a target (not a statistic) is used only when it is that latest row, and the
    choice says so.
    """
    wanted = accounting_year - 1
    if override_kgce_per_kwh is not None:
        factor = Factor(
            float(override_kgce_per_kwh),
            "kgce/kWh",
            "user option",
            "--equal-value-factor",
            None,
            "user",
            "given by the user",
        )
        return EqualValueChoice(factor, wanted, region, "user")
    regions = tables["regions"]
    match = regions[regions["region"] == region]
    series_region = match["equal_value_region"].iloc[0] if len(match) else "national"
    table = tables["electricity_equal_value_factors"]
    fallback = ""
    candidates = table[(table["region"] == series_region) & (table["year"] <= wanted)]
    if candidates.empty:
        candidates = table[(table["region"] == "national") & (table["year"] <= wanted)]
        fallback = "region"
    if candidates.empty:
        candidates = table[table["region"] == "national"]
        fallback = "earlier_year"
        row = candidates.sort_values("year").iloc[0]
    else:
        row = candidates.sort_values("year").iloc[-1]
    if not fallback and int(row["year"]) != wanted:
        fallback = "earlier_year"
    if row["value_kind"] == "target":
        fallback = fallback or "target"
    factor = Factor(
        float(row["kgce_per_kwh"]),
        "kgce/kWh",
        "electricity_equal_value_factors",
        f"{row['region']}/{int(row['year'])}",
        int(row["year"]),
        row["confidence"],
        row["source"],
        f"{row['value_kind']}: {_text(row.get('note'))}",
    )
    return EqualValueChoice(factor, wanted, str(row["region"]), fallback)


def grid_emission_factor(tables: Tables, region: str) -> Factor:
    """Electricity CO2 factor [tCO2/MWh] for ``region`` (the row marked default for it)."""
    table = tables["grid_emission_factors"]
    rows = table[(table["region_key"] == region) & (table["default_for_region"] == "yes")]
    if rows.empty:
        valid = ", ".join(sorted(table.loc[table["default_for_region"] == "yes", "region_key"]))
        raise OptionError(f"unknown region '{region}'; valid regions: {valid}")
    row = rows.iloc[0]
    year = str(row["data_year"])
    document = _text(row.get("document"))
    source = f"{document} — {row['source']}" if document else str(row["source"])
    return Factor(
        float(row["factor_tco2_per_mwh"]),
        "tCO2/MWh",
        "grid_emission_factors",
        region,
        int(year) if year.isdigit() else None,
        row["confidence"],
        source,
        _text(row.get("note")),
    )


def _text(value: object) -> str:
    """A table cell as text; blank and missing cells become ''."""
    return "" if value is None or pd.isna(value) else str(value)
