"""Energy → standard coal (tce) on a named basis, and electricity → CO2.

Two bases of GB/T 2589-2020 are always computed for electricity:

- ``equivalent`` (当量值): the heat content of a kWh, 3.6 MJ ÷ 29.3076 MJ/kgce = 0.1229 kgce/kWh;
- ``equal_value`` (等价值): "电力(等价值) 按上年电厂发电标准煤耗计算" (GB/T 2589-2020 as reproduced
  in GB 30251-2024 附录A 表A.2): the previous year's power-plant coal rate on the *generation*
  basis (发电标准煤耗), or a published regional 等价值 factor (a table by year and region,
  overridable). Supply-basis rows (供电标准煤耗) are tabulated for reference and never chosen.

The factors come from ``reference_data``; this module only selects and applies them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from .exceptions import OptionError
from .reference import Tables

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
        raise tables.missing_row("energy_conversion_coefficients", ("electricity", "equivalent"))
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


# Row kinds that are the 等价值 itself: a generation-basis coal rate (the standard's definition) or
# a factor an authority publishes as 等价值. A supply-basis (供电) rate is a different quantity.
EQUAL_VALUE_BASES = ("generation", "equal_value_factor")


def equal_value_factor(
    tables: Tables, region: str, accounting_year: int, override_kgce_per_kwh: float | None = None
) -> EqualValueChoice:
    """Electricity 等价值 [kgce/kWh] for savings in ``accounting_year``.

    GB/T 2589-2020 ties the 等价值 to the previous year's 发电标准煤耗, so the wanted year is
    ``accounting_year − 1``. Only statistics on the generation basis (or published 等价值
    factors) count: first the region's own series, then the national one, the latest year not
    after the wanted one (``earlier_year`` when it is not the wanted year, ``region`` when the
    national series stands in). When neither series has such a statistic up to the wanted year,
    a policy target is used, the one nearest the wanted year (``target``).
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
    series_region = str(match["equal_value_region"].iloc[0]) if len(match) else "national"
    table = tables["electricity_equal_value_factors"]
    statistics = table[
        (table["value_kind"] == "statistic") & table["coal_rate_basis"].isin(EQUAL_VALUE_BASES)
    ]
    for series in dict.fromkeys((series_region, "national")):
        candidates = statistics[(statistics["region"] == series) & (statistics["year"] <= wanted)]
        if candidates.empty:
            continue
        row = candidates.sort_values("year").iloc[-1]
        if series != series_region:
            fallback = "region"
        elif int(row["year"]) != wanted:
            fallback = "earlier_year"
        else:
            fallback = ""
        return EqualValueChoice(_equal_value_row(row), wanted, series, fallback)
    targets = table[
        (table["value_kind"] == "target") & table["region"].isin((series_region, "national"))
    ]
    if targets.empty:
        raise tables.missing_row("electricity_equal_value_factors", (series_region, wanted))
    nearest = targets.assign(
        own_series=targets["region"] != series_region, distance=(targets["year"] - wanted).abs()
    ).sort_values(["own_series", "distance", "year"])
    row = nearest.iloc[0]
    return EqualValueChoice(_equal_value_row(row), wanted, str(row["region"]), "target")


def _equal_value_row(row: pd.Series) -> Factor:
    return Factor(
        float(row["kgce_per_kwh"]),
        "kgce/kWh",
        "electricity_equal_value_factors",
        f"{row['region']}/{int(row['year'])}",
        int(row["year"]),
        str(row["confidence"]),
        str(row["source"]),
        f"{row['value_kind']}, {row['coal_rate_basis']} basis: {_text(row.get('note'))}",
    )


def grid_emission_factor(tables: Tables, region: str) -> Factor:
    """Electricity CO2 factor [tCO2/MWh] for ``region`` (the row marked default for it)."""
    table = tables["grid_emission_factors"]
    rows = table[(table["region_key"] == region) & (table["default_for_region"] == "yes")]
    if rows.empty:
        if tables.where("grid_emission_factors"):  # the user's table lacks the run's region
            raise tables.missing_row(
                "grid_emission_factors", f"{region} (default_for_region = yes)"
            )
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
