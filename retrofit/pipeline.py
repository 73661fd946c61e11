"""The orchestrator: inventory in, :class:`~retrofit.results.EstimateResult` out.

It checks options first, fills documented defaults, hands each measure's rows to its module in
:mod:`retrofit.measures`, converts energy to tce on both bases and to CO2, prices the savings,
aggregates per plant with the 百一 check, and records every assumption. The CLI and notebooks
call only :func:`estimate`.
"""

from __future__ import annotations

import datetime as _dt
import sys
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pandas as pd

from ._version import __version__
from .core import frame
from .core.caveats import CaveatLog
from .core.conversion import (
    BASES,
    BASIS_NAMES_ZH,
    energy_to_co2_t,
    energy_to_tce,
    equal_value_factor,
    equivalent_factor,
    grid_emission_factor,
)
from .core.exceptions import InventoryError, InventoryIssue, OptionError
from .core.issues import IssueCollector
from .core.messages import with_flag_hints
from .core.reference import (
    Tables,
    goal_pack_table,
    load_catalog,
    plant_energy_basis_default,
    region_tables,
)
from .inventory.cells import bounds_text, out_of_range_mask
from .inventory.defaults import apply_defaults, caveat_month_only_dates
from .inventory.headers import check_named_headers, split_renames, typed_headers
from .inventory.plants import previous_year_energy, read_plants
from .inventory.reading import Inventory, read_inventory, validate_frame
from .inventory.schema import COLUMN_BY_NAME, NUMBER_LIMIT, TARIFF_ALIASES, VALUE_ALIASES, normalise
from .inventory.workbook import ReadLimits
from .measures.base import REQUIRED_OUTPUTS, Measure, in_use, model_texts
from .measures.base import route as route_rows
from .money import appraisal as finance
from .money.cost import economics
from .money.incentives import PROJECT_FIELDS, evaluate, load_rules, parse_policies
from .portfolio.trajectory import BAI_YI_RULE, service_dates, year_fraction_in_service
from .results import PLANT_COLUMNS, PLANT_FINANCE_COLUMNS, EstimateResult, asset_columns

# The asset frame grows stage by stage: each measure, the conversions and the finance add their
# columns to it, and past 100 of them pandas warns that the frame is fragmented. Consolidating
# in between would copy the whole frame (about 1 GB at a million rows) for no gain: the output's
# column selection at the end makes the one consolidated copy. Only that warning, and only when
# raised from retrofit's own modules, is silenced (a module filter is thread-safe where
# catch_warnings is not, and the portfolio runs chunks in threads).
warnings.filterwarnings(
    "ignore",
    message="DataFrame is highly fragmented",
    category=pd.errors.PerformanceWarning,
    module=r"retrofit\.",
)


def route(
    category: pd.Series,
    measure: pd.Series,
    measures: Sequence[Measure | ModuleType] | None = None,
) -> np.ndarray:
    """Name of the measure (system module) that computes each row.

    The registered measures (:mod:`retrofit.measures.base`) decide, after the user's own
    ``measures`` if any: transformers, data centres and charging piles go to the measure of
    the same name; compressors with any air-side measure to ``compressed_air`` (which also
    takes a motor upgrade on the same row); fans and pumps with a drive or a new machine to
    ``fan_pump`` (likewise); every other row, a bare motor upgrade, to ``motor``.
    """
    return route_rows(category, measure, in_use(measures))


def estimate(
    inventory: str | Path | pd.DataFrame | Inventory,
    *,
    plants: str | Path | pd.DataFrame | None = None,
    basis: str = "equivalent",
    region: str = "national",
    year: int | None = None,
    equal_value_factor_kgce_per_kwh: float | None = None,
    tables: Mapping[str, str | Path] | None = None,
    strict: bool = False,
    encoding: str | None = None,
    sheet: str | int | None = None,
    max_errors: int = 200,
    tariff: str | None = None,
    discount_rate: float | None = None,
    policy: str | list[str] | None = None,
    eligibility: Mapping[str, object] | None = None,
    uncertainty: int | None = None,
    seed: int = 0,
    project_tables: bool = True,
    measures: Sequence[Measure | ModuleType] | None = None,
    goals: str | Path | None = None,
    plant_energy_basis: str | None = None,
    rename: Mapping[str, str] | None = None,
    passthrough: Sequence[str] = (),
    limits: ReadLimits | None = None,
) -> EstimateResult:
    """Estimate energy, standard coal, CO2 and cost saved for every row of an inventory.

    Parameters
    ----------
    inventory : path, DataFrame or Inventory
        A CSV/XLSX file, a DataFrame with canonical or alias headers, or a read inventory.
    plants : path or DataFrame, optional
        Plant table (plant_id, plant_energy_tce, name, region) for the 百一 check.
    basis : {"equivalent", "equal_value"}
        Which tce basis fills the headline ``coal_saved_tce`` (当量值 or 等价值); both are
        always reported.
    region : str
        Region for the grid CO2 factor and the 等价值 series (see ``retrofit tables``); it also
        picks the default goal pack and time-of-use tariff table (reference table
        ``region_defaults``).
    year : int, optional
        Accounting year of the savings (default: this year). The 等价值 is that of year − 1.
    equal_value_factor_kgce_per_kwh : float, optional
        Override the 等价值 factor [kgce/kWh].
    tables : mapping, optional
        Reference table name → user CSV; the result is then marked non-standard.
    strict : bool
        Treat every default that would fill a blank cell as an error.
    tariff : str, optional
        Time-of-use tariff class of the region's tariff table (large_industry_two_part, general_two_part,
        single_part, or a Chinese name such as 大工业两部制) for rows that give none; the price
        is then read as the flat-period price (see :mod:`retrofit.money.cost`).
    discount_rate : float, optional
        Real discount rate [fraction/yr] for NPV, IRR and the cost of saved energy (default:
        table finance_parameters, the 8 % social discount rate).
    policy : str or list, optional
        Policy packs to evaluate (``"shanghai-2024,national"``; names in
        :data:`retrofit.money.incentives.PACKS` or CSV paths): fills ``result.incentives`` and the
        after-incentive columns of ``result.projects``.
    eligibility : mapping, optional
        Values for project attributes that rows leave blank (financing, loan_rate,
        loan_term_years, eit_payable_cny, eit_rate, particularly_major, …).
    uncertainty : int, optional
        Monte Carlo draws (:mod:`retrofit.uncertainty.montecarlo`); fills ``result.uncertainty`` and
        compares metered savings with the P10–P90 band.
    seed : int
        Seed of the Monte Carlo (the same seed and draws give the same numbers).
    project_tables : bool
        Build the projects table, the plant economics and the supply curve (a portfolio's
        chunks skip them: only the asset rows are summed).
    measures : list of Measure or module, optional
        Your own measures for this run (:class:`retrofit.measures.base.Measure`, or a module
        that exposes one as ``MEASURE``). They are consulted before the built-in measures, so
        one may take rows a built-in would; their ``compute`` must return
        ``baseline_energy_kwh`` and ``retrofit_energy_kwh`` for the rows it takes, their
        output columns follow the built-ins' and their model text joins
        ``assumptions["models"]`` under ``model_key``. See CONTRIBUTING.md, "How to add a
        measure".
    goals : str or path, optional
        Goal pack for the 百一 check, the goal progress and the data-centre rules: a bundled
        pack (``shanghai-2024``, ``liaocheng-2024``, …) or a goal CSV (see
        :mod:`retrofit.portfolio.goals`). Default: the region's pack (``region_defaults``). A
        pack without an annual-share (百一-like) goal leaves the 百一 check unknown.
    plant_energy_basis : {"equivalent", "equal_value"}, optional
        Basis (当量值 or 等价值) of the plants' previous-year energy where neither the inventory
        nor the plants file gives one (column ``plant_energy_basis``, which wins). Default: the
        region's (table ``plant_energy_basis_defaults``), reported as assumed. The 百一 share
        divides the savings on this basis; the headline ``basis`` does not change the verdict.
    rename : mapping, optional
        Your own header mapping, header as typed → column: ``{"运行时数": "operating_hours_h"}``
        (a 万元 or other unit in the header still scales the cells). A header that resembles
        a known column is otherwise an error naming it, so no typed number is dropped.
    passthrough : sequence of str, optional
        Headers to carry through unread (no "looks like" error); every header that is not
        read is listed in ``assumptions["input"]["passthrough_columns"]``.
    limits : ReadLimits, optional
        Bounds on what the inventory and plants files may hold (rows, columns, cell length,
        unpacked bytes; :class:`~retrofit.inventory.workbook.ReadLimits`), the API's
        ``--max-rows`` and siblings. Default: those of an enclosing
        :func:`~retrofit.inventory.files.reading_limits` block in this thread, else the
        defaults. Pass them here from a worker thread: a block does not reach other threads.

    Returns
    -------
    EstimateResult

    Raises
    ------
    InventoryError
        Any data problem, with every issue located by file, row and column.
    OptionError
        Bad options (unknown basis, region, tariff, policy pack or table name).
    ReferenceDataError
        A reference table (bundled or the user's own) is broken or lacks a row the run needs.
    TypeError
        A measure in ``measures`` lacks a field, or a field is of the wrong kind (the message
        names each).
    """
    run_measures = in_use(measures)
    checked = run_checks(
        inventory,
        plants=plants,
        basis=basis,
        region=region,
        year=year,
        equal_value_factor_kgce_per_kwh=equal_value_factor_kgce_per_kwh,
        tables=tables,
        strict=strict,
        encoding=encoding,
        sheet=sheet,
        max_errors=max_errors,
        tariff=tariff,
        discount_rate=discount_rate,
        policy=policy,
        eligibility=eligibility,
        project_tables=project_tables,
        measures=measures,
        goals=goals,
        plant_energy_basis=plant_energy_basis,
        rename=rename,
        passthrough=passthrough,
        limits=limits,
    )
    if checked.issues:
        error = checked.issues.error(max_errors, checked.column_order)
        raise InventoryError(
            with_flag_hints(error.issues, checked.inv.meta.header_map), total=error.total
        )
    assert checked.out is not None and checked.plant_frame is not None  # no issue: every stage ran
    out, log, tabs, meta = checked.out, checked.log, checked.tabs, checked.inv.meta
    rate, flows, totals, projects = checked.rate, checked.flows, checked.totals, checked.projects
    equivalent, equal, grid = checked.equivalent, checked.equal, checked.grid
    accounting_year, tariff_class = checked.accounting_year, checked.tariff_class
    packs, rules, options = checked.packs, checked.rules, checked.options
    listing, defaults_used = checked.listing, checked.defaults_used
    plant_frame, bai_yi, row_codes = checked.plant_frame, checked.bai_yi, checked.row_codes
    curve = None
    if project_tables:
        plant_frame = _plant_finance(plant_frame, out, rate, projects, flows, totals)
        curve = finance.supply_curve(out, plant_frame)
    # a few distinct code lists, each up to a few hundred characters: as Python objects the rows
    # share them, where Arrow strings would copy one into every row (~250 MB a million rows)
    out["caveats"] = pd.Series(row_codes, index=out.index, dtype=object)
    column_order = asset_columns(run_measures)
    ordered = [c for c in column_order if c in out.columns]
    extra = [c for c in out.columns if c not in column_order]
    assets_out = out[ordered + extra].reset_index(drop=True)
    if tabs.non_standard:  # the mark travels with every row: a CSV or a filtered copy keeps it
        assets_out.insert(0, "nonstandard_tables", ",".join(tabs.non_standard))

    assumptions = {
        "retrofit_version": __version__,
        "input": {
            "file": meta.path,
            "sha256": meta.sha256,
            "format": meta.file_format,
            "encoding": meta.encoding,
            "encoding_detected": meta.encoding_detected,
            "sheet": meta.sheet,
            "header_row": meta.header_row,
            "rows": meta.n_rows,
            "columns": meta.header_map,
            "unit_factors": meta.unit_factors,
            "passthrough_columns": meta.passthrough,
            "notes": meta.notes,
        },
        "basis": basis,
        "basis_zh": BASIS_NAMES_ZH[basis],
        "basis_note": "coal_saved_tce is on this basis; both bases are always reported",
        "accounting_year": accounting_year,
        "region": region,
        "factors": {
            "equivalent": equivalent.to_dict(),
            "equal_value": equal.factor.to_dict()
            | {
                "wanted_year": equal.wanted_year,
                "region_used": equal.region_used,
                "fallback": equal.fallback or "none",
            },
            "grid_co2": grid.to_dict(),
        },
        "models": model_texts(run_measures),
        "defaults": defaults_used,
        "bai_yi": bai_yi,
        "goal_pack": {
            "table": tabs.goals,
            "chosen_by": "option goals"
            if goals is not None
            else f"table region_defaults ({region})",
            "tariff_table": tabs.tariff,
            "document": _pack_document(tabs),
        },
        "goals": _goal_progress(out, tabs, accounting_year),
        "economics": {
            "cost_saved_cny": "energy_saved_kwh × electricity_price_cny_per_kwh × "
            "price_multiplier (1 without a tariff; a pile's standby saving "
            "× standby_price_multiplier)",
            "load_shift_cost_saved_cny": "charging_input_retrofit_kwh × "
            "offpeak_shift_fraction × price × (peak − valley "
            "multiplier of the profile's hours); cost only, never "
            "energy or tce",
            "payback_years": "investment_cny ÷ (cost_saved_cny + load_shift_cost_saved_cny) "
            "(null without both, or when the sum is not positive)",
            "tariff": tariff_class or "per row (tariff_class) or none",
            "tariff_note": "with a tariff class the row's price is the flat-period (平段) "
            "price; without one it is the average price paid",
        },
        "tables": {name: use.to_dict() for name, use in tabs.used.items()},
        "non_standard": bool(tabs.non_standard),
        "non_standard_tables": tabs.non_standard,
    }
    if tabs.non_standard:
        log.add_global(
            "reference.user_table",
            "user-supplied reference tables were used: the "
            "result is non-standard: " + ", ".join(tabs.non_standard),
            "使用了用户提供的参考表，结果为非标准结果",
            data={"tables": tabs.non_standard},
        )
    assumptions["finance"] = _finance_assumptions(tabs, rate, discount_rate, packs, rules, options)
    result = EstimateResult(
        assets_out,
        plant_frame,
        assumptions,
        log.summary(),
        projects=projects,
        incentives=listing,
        supply_curve=curve,
    )
    if uncertainty is not None:
        from .uncertainty.montecarlo import attach

        attach(result, uncertainty, seed=seed, tables=tabs, measures=run_measures)
    elif "metered_saving_kwh" in result.assets.columns:
        from .uncertainty.montecarlo import flag_metered

        flag_metered(result, None)
    return result


@dataclass
class Checked:
    """What the checks of an estimate found, and what they computed on the way.

    ``issues`` holds every problem of every stage; a row with a problem is left out of the
    stages after the one that found it, so ``out`` and ``log`` cover the rows still standing.
    ``out`` is None when a stage could not go on (a problem of a whole file, or no row left).
    """

    inv: Inventory
    issues: IssueCollector
    tabs: Tables
    accounting_year: int
    tariff_class: str | None
    packs: list[str]
    rules: pd.DataFrame | None
    options: dict[str, object]
    grid: Any
    equivalent: Any
    equal: Any
    log: CaveatLog
    defaults_used: dict[str, dict] = field(default_factory=dict)
    out: pd.DataFrame | None = None
    rate: float = 0.0
    listing: pd.DataFrame | None = None
    flows: pd.DataFrame | None = None
    totals: pd.DataFrame | None = None
    projects: pd.DataFrame | None = None
    row_codes: np.ndarray | None = None
    plant_frame: pd.DataFrame | None = None
    bai_yi: dict[str, Any] = field(default_factory=dict)
    plants_read: pd.DataFrame | None = None

    @property
    def column_order(self) -> dict[str, int]:
        """Header (as typed) → its position in the inventory, to order issues as the file."""
        return {header: n for n, header in enumerate(self.inv.meta.header_map.values())}


def run_checks(
    inventory: str | Path | pd.DataFrame | Inventory,
    *,
    plants: str | Path | pd.DataFrame | None = None,
    basis: str = "equivalent",
    region: str = "national",
    year: int | None = None,
    equal_value_factor_kgce_per_kwh: float | None = None,
    tables: Mapping[str, str | Path] | None = None,
    strict: bool = False,
    encoding: str | None = None,
    sheet: str | int | None = None,
    max_errors: int | None = 200,
    tariff: str | None = None,
    discount_rate: float | None = None,
    policy: str | list[str] | None = None,
    eligibility: Mapping[str, object] | None = None,
    project_tables: bool = True,
    measures: Sequence[Measure | ModuleType] | None = None,
    goals: str | Path | None = None,
    plant_energy_basis: str | None = None,
    rename: Mapping[str, str] | None = None,
    passthrough: Sequence[str] = (),
    limits: ReadLimits | None = None,
) -> Checked:
    """Run the checking stages of :func:`estimate` in its order, collecting every issue.

    The stages: options (raise at once: they are usage errors), input cells, defaults
    (``strict``), each measure's domain (table coverage, physical bounds), metered readings,
    economics, finance, incentives and the plants file. A row with a problem goes no further,
    so later stages report nothing its failure caused, but they still check every other row.
    With no problem at all, every stage ran and left exactly what :func:`estimate` builds on
    (the projects table only with ``project_tables``). ``max_errors`` caps the issues a
    reader builds per check (None: no cap); the collector counts the rest. ``measures`` are
    the user's own, consulted before the registered ones (see :func:`estimate`).
    """
    run_measures = in_use(measures)
    if basis not in BASES:
        raise OptionError(f"unknown basis '{basis}'; expected one of {', '.join(BASES)}")
    if equal_value_factor_kgce_per_kwh is not None and not (
        0 < equal_value_factor_kgce_per_kwh < 1
    ):
        raise OptionError(
            f"equal-value factor {equal_value_factor_kgce_per_kwh} kgce/kWh is implausible; "
            "expected a value between 0 and 1 (e.g. 0.3)"
        )
    energy_basis = _choice_option(
        "plant_energy_basis", plant_energy_basis, "plant energy basis",
        f"{', '.join(BASES)} (or 当量值, 等价值)",
    )  # fmt: skip
    accounting_year = int(year) if year is not None else _dt.date.today().year
    tariff_class = _choice_option(
        "tariff_class", tariff, "tariff",
        f"{', '.join(TARIFF_ALIASES)} (or 大工业两部制, 一般工商业两部制, 单一制)",
    )  # fmt: skip
    if discount_rate is not None and not (0 <= discount_rate < 1):
        raise OptionError(
            f"discount rate {discount_rate} is implausible; expected a fraction "
            "per year from 0 to below 1 (e.g. 0.08)"
        )
    cap = sys.maxsize if max_errors is None else max_errors
    collected = IssueCollector()
    packs = parse_policies(policy)
    options = _eligibility_options(eligibility)
    overrides = dict(tables or {})
    chosen_goal_table, goal_file = _chosen_goals(goals)
    tabs = Tables(overrides)
    rules = None
    if packs:
        try:
            rules = load_rules(packs, tabs)
        except InventoryError as error:  # a user's pack file: incentives go unchecked
            collected.add_error(error)
    grid = grid_emission_factor(tabs, region)  # validates region before reading data
    region_goal_table, tabs.tariff_table = region_tables(region, tabs)
    tabs.goal_table = chosen_goal_table or region_goal_table
    if goal_file is not None:  # a user's pack stands in for the region's: a non-standard run
        overrides[tabs.goal_table] = goal_file
    equivalent = equivalent_factor(tabs)
    equal = equal_value_factor(tabs, region, accounting_year, equal_value_factor_kgce_per_kwh)

    # input: the cells; a problem of the whole file (a missing column) stops here
    # with a plants file, each rename goes to the file whose column it names, and a header
    # named in --rename or --keep-column need only be in one of the two files
    plants_file = plants is not None and not isinstance(plants, pd.DataFrame)
    inventory_rename, plants_rename = (
        split_renames(rename or {}) if plants_file else (dict(rename or {}), {})
    )
    inv = _as_inventory(
        inventory,
        encoding=encoding,
        sheet=sheet,
        max_errors=cap,
        rename=inventory_rename,
        passthrough=passthrough,
        limits=limits,
        check_named=not plants_file,
    )
    collected.add(inv.issues, inv.issue_total)
    meta = inv.meta
    log = CaveatLog(len(inv.assets))
    if meta.renamed:  # an input column named like an output: kept, but not under that name
        kept = ", ".join(f"{h} → {n}" for h, n in meta.renamed.items())
        log.add_global(
            "inventory.column.renamed",
            f"input columns named like columns retrofit computes were kept renamed: {kept}",
            f"与计算输出同名的输入列已改名保留：{kept}",
            data={"renamed": dict(meta.renamed)},
        )
    checked = Checked(
        inv, collected, tabs, accounting_year, tariff_class, packs, rules, options, grid,
        equivalent, equal, log,
    )  # fmt: skip
    plant_table = _read_plant_table(
        plants,
        collected,
        encoding=encoding,
        sheet=sheet,
        cap=cap,
        limits=limits,
        rename=plants_rename,
        passthrough=passthrough,
    )
    if plants_file and plant_table is not None and "meta" in plant_table.attrs:
        check_named_headers(
            [*(rename or {}), *passthrough],
            typed_headers(inv.meta) | typed_headers(plant_table.attrs["meta"]),
            "neither the inventory nor the plants file",
        )
    checked.plants_read = plant_table
    if not len(inv.assets):
        return checked

    caveat_month_only_dates(inv.assets, meta.month_only_rows, meta.header_map, log)
    # defaults: with --strict each default that would fill a blank is a problem
    assets, found, checked.defaults_used = apply_defaults(
        inv.assets, tabs, log, file=meta.path, header_map=meta.header_map, strict=strict
    )
    assets, log = _without_failed(assets, log, found, collected, meta.path)
    if assets is None:
        return checked
    checked.log = log

    # measures: every system module on its rows (table coverage, physical bounds)
    issues: list[InventoryIssue] = []
    computed = []
    routes = route_rows(assets["category"], assets["measure"], run_measures)
    for system in run_measures:
        positions = np.flatnonzero(routes == system.name)
        if positions.size:
            frame, found = system.compute(
                assets, positions, tabs, log, file=meta.path, header_map=meta.header_map
            )
            _check_computed(system, frame, assets.index[positions])
            issues.extend(found)
            computed.append(frame)
    results = (
        pd.concat(computed).reindex(assets.index) if computed else pd.DataFrame(index=assets.index)
    )
    del computed  # a million rows' worth of module frames: free them as soon as they are merged

    out = assets  # apply_defaults returned a copy of the input: no need for another
    del assets
    fresh = [c for c in results.columns if c not in out.columns]
    for column in results.columns:
        if column in out.columns:
            # a module's column fills its own rows; other rows keep their input value, if any
            out[column] = results[column].where(results[column].notna(), out[column])
    # new columns in one concat: inserting them one by one fragments the frame (pandas warns
    # past 100 blocks, and every later insert gets slower)
    out = pd.concat([out, results[fresh]], axis=1)
    del results
    saved = out["baseline_energy_kwh"].to_numpy(float) - out["retrofit_energy_kwh"].to_numpy(float)
    out["energy_saved_kwh"] = saved
    out["coal_saved_tce_equivalent"] = energy_to_tce(saved, equivalent.value)
    out["coal_saved_tce_equal_value"] = energy_to_tce(saved, equal.factor.value)
    out["coal_saved_tce"] = out[f"coal_saved_tce_{basis}"]
    out["co2_avoided_t"] = energy_to_co2_t(saved, grid.value)
    out["factor_equivalent_kgce_per_kwh"] = equivalent.value
    out["factor_equal_value_kgce_per_kwh"] = equal.factor.value
    out["grid_factor_tco2_per_mwh"] = grid.value
    out, log = _without_failed(out, log, issues, collected, meta.path)
    if out is None:
        checked.log = log  # the caveats found so far
        return checked

    # metered readings: both or neither
    found = _metered(out, meta.path, meta.header_map)
    out, log = _without_failed(out, log, found, collected, meta.path)
    if out is None:
        checked.log = log  # the caveats found so far
        return checked

    def priced(rows: pd.DataFrame, rows_log: CaveatLog) -> list[InventoryIssue]:
        return economics(
            rows,
            tabs,
            rows_log,
            year=accounting_year,
            tariff=tariff_class,
            file=meta.path,
            header_map=meta.header_map,
        )

    out, log = _stage_until_clean(priced, out, log, collected, meta.path)
    if out is None:
        checked.log = log  # the caveats found so far
        return checked
    _conversion_caveats(log, equal, basis)
    rate = (
        discount_rate
        if discount_rate is not None
        else finance.parameter(tabs, "discount_rate", "default")
    )
    checked.rate = rate

    def financed(rows: pd.DataFrame, rows_log: CaveatLog) -> list[InventoryIssue]:
        return finance.asset_finance(
            rows,
            tabs,
            rows_log,
            discount_rate=rate,
            file=meta.path,
            header_map=meta.header_map,
            rates=project_tables,
        )

    # no consolidating copy before the finance columns: see the fragmented-frame filter above
    out, log = _stage_until_clean(financed, out, log, collected, meta.path)
    if out is None:
        checked.log = log  # the caveats found so far
        return checked
    listing = flows = totals = None
    if rules is not None:
        evaluated: dict[str, Any] = {}

        def subsidised(rows: pd.DataFrame, rows_log: CaveatLog) -> list[InventoryIssue]:
            listed, row_flows, row_totals, found = evaluate(
                rows,
                rules,
                tabs,
                rows_log,
                options=options,
                year=accounting_year,
                discount_rate=rate,
                file=meta.path,
                header_map=meta.header_map,
            )
            evaluated.update(listing=listed, flows=row_flows, totals=row_totals)
            return found

        out, log = _stage_until_clean(subsidised, out, log, collected, meta.path)
        if out is None:
            checked.log = log  # the caveats found so far
            return checked
        listing, flows, totals = evaluated["listing"], evaluated["flows"], evaluated["totals"]
    checked.listing, checked.flows, checked.totals = listing, flows, totals
    if project_tables and not collected:
        checked.projects = finance.project_finance(out, rate, flows, totals)

    row_codes = log.row_codes()  # _plants adds only run-wide caveats: the rows' codes are final
    plant_frame, bai_yi, found = _plants(
        out, row_codes, plant_table, tabs, log, basis, accounting_year, energy_basis, region
    )
    collected.add(found)
    checked.out, checked.log, checked.row_codes = out, log, row_codes
    checked.plant_frame, checked.bai_yi = plant_frame, bai_yi
    return checked


def _read_plant_table(
    plants,
    collected: IssueCollector,
    *,
    encoding,
    sheet,
    cap,
    limits=None,
    rename=None,
    passthrough=(),
):
    """The plants file read with its cell problems collected (its bad rows left out); None
    when none was given or the file as a whole is unreadable."""
    if plants is None or isinstance(plants, pd.DataFrame):
        return plants
    try:
        table = read_plants(
            plants,
            encoding=encoding,
            sheet=sheet,
            max_errors=cap,
            collect=True,
            limits=limits,
            rename=rename,
            passthrough=passthrough,
            check_named=False,
        )
    except InventoryError as error:
        collected.add_error(error)
        return None
    collected.add(table.attrs.pop("issues", []), table.attrs.pop("issue_total", None))
    return table


def _without_failed(
    rows: pd.DataFrame,
    log: CaveatLog,
    found: list[InventoryIssue],
    collected: IssueCollector,
    file: str,
) -> tuple[Any, CaveatLog]:
    """Collect a stage's issues and leave their rows out of the stages after it.

    Returns ``(None, log)`` when no row is left, or when an issue names no row (nothing
    tells which rows are sound).
    """
    if not found:
        return rows, log
    collected.add(found)
    if any(issue.row is None for issue in found):
        return None, log
    failed = {issue.row for issue in found if issue.file == file}
    keep = ~rows["source_row"].isin(failed).to_numpy()
    if not keep.any():
        return None, log
    return rows[keep].reset_index(drop=True), log.take(np.flatnonzero(keep))


def _stage_until_clean(stage, rows, log, collected, file):
    """Run a money stage; when it reports problems it stops before computing anything, so
    run it again on the rows it did not flag, to check them and to compute their columns."""
    for _ in range(_MAX_STAGE_PASSES):
        found = stage(rows, log)
        if not found:
            return rows, log
        rows, log = _without_failed(rows, log, found, collected, file)
        if rows is None:
            return None, log
    return None, log  # the stage flags new rows on every pass: stop rather than loop on


#: A money stage flags its rows on the first pass; the rows left then pass. A third pass that
#: still finds problems means the stage judges rows by each other (a project's rows).
_MAX_STAGE_PASSES = 3


def _check_computed(system: Measure, frame: object, index: pd.Index) -> None:
    """A measure's ``compute`` returned a frame of its rows with both energies (a user's
    measure is checked like the built-ins: a wrong frame would fail far from its cause)."""
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(
            f"measure '{system.name}': compute() must return (DataFrame, issues), "
            f"got {type(frame).__name__} as the frame"
        )
    missing = [c for c in REQUIRED_OUTPUTS if c not in frame.columns]
    if missing:
        raise TypeError(
            f"measure '{system.name}': compute() returned no {', '.join(missing)} column"
        )
    if not frame.index.equals(index):
        raise TypeError(
            f"measure '{system.name}': compute() must return a frame indexed like the rows it "
            "was given (assets.iloc[positions].index)"
        )


def _plant_metered(frame: pd.DataFrame, plant_meta: pd.DataFrame) -> list[InventoryIssue]:
    """A plant's metered saving from the plants file, beside its estimate; returns the
    problems (one reading without the other)."""
    meta = getattr(plant_meta, "attrs", {}).get("meta")
    file = meta.path if meta is not None else "<plants DataFrame>"
    header_map = meta.header_map if meta is not None else {}
    readings = plant_meta.reindex(frame.index)
    readings = readings.assign(
        energy_saved_kwh=frame["energy_saved_kwh"],
        source_row=readings.get("source_row", pd.Series(0, index=readings.index))
        .fillna(0)
        .astype(int),
    )
    issues = _metered(readings, file, header_map)
    frame["metered_saving_kwh"] = readings["metered_saving_kwh"]
    frame["metered_difference_kwh"] = readings["metered_difference_kwh"]
    return issues


def _metered(out: pd.DataFrame, file: str, header_map: dict[str, str]):
    """Metered saving (before − after) and its difference from the estimate, where a row
    gives both readings; one reading without the other is an error."""
    if "metered_baseline_kwh" not in out.columns and "metered_retrofit_kwh" not in out.columns:
        return []
    before = frame.numbers(out, "metered_baseline_kwh")
    after = frame.numbers(out, "metered_retrofit_kwh")
    issues = frame.blank_issues(
        out,
        np.isnan(before) & ~np.isnan(after),
        "metered_baseline_kwh",
        file,
        header_map,
        "a metered saving needs both readings",
    )
    issues += frame.blank_issues(
        out,
        ~np.isnan(before) & np.isnan(after),
        "metered_retrofit_kwh",
        file,
        header_map,
        "a metered saving needs both readings",
    )
    out["metered_saving_kwh"] = before - after
    out["metered_difference_kwh"] = out["metered_saving_kwh"] - out["energy_saved_kwh"]
    return issues


def _plant_finance(plant_frame, out, rate, projects, flows, totals) -> pd.DataFrame:
    """Add the plant-level economics: the plant's projects' flows and incentives summed."""
    plant_flows = plant_totals = None
    if flows is not None:
        plant_of = projects.set_index("project_id")["plant_id"]
        plant_flows = flows.groupby(plant_of.reindex(flows.index).to_numpy()).sum()
        plant_totals = totals.groupby(plant_of.reindex(totals.index).to_numpy()).sum()
    per_plant = finance.plant_finance(out, rate, plant_flows, plant_totals).set_index("plant_id")
    frame = plant_frame.copy()
    for column in PLANT_FINANCE_COLUMNS:
        if column in per_plant.columns:
            frame[column] = per_plant[column].reindex(frame["plant_id"]).to_numpy()
    return frame


def _choice_option(column: str, value: str | None, what: str, expected: str) -> str | None:
    """The canonical value of a run option spelled as the inventory column ``column`` accepts
    (English or Chinese); None when not given. An unknown spelling is an :class:`OptionError`."""
    if value is None:
        return None
    canonical = VALUE_ALIASES[column].get(normalise(value))
    if canonical is None:
        raise OptionError(f"unknown {what} '{value}'; expected one of {expected}")
    return canonical


def _eligibility_number(name: str, value: str | float) -> float:
    """A run-wide number (loan_rate, eit_payable_cny, …) checked like its inventory column:
    finite, within the column's range and :data:`NUMBER_LIMIT` (inf and NaN are refused)."""
    try:
        number = float(value)
    except ValueError:
        raise OptionError(f"{name} {value!r} — expected a number") from None
    column = COLUMN_BY_NAME.get(name)
    ok = np.array([np.isfinite(number) and abs(number) <= NUMBER_LIMIT])
    if column is not None:
        ok &= ~out_of_range_mask(column, np.array([number]), ok)
        unit = "" if column.kind == "fraction" else f" ({column.unit})"  # a fraction: "0–1"
        expected = f"a number {bounds_text(column, 1.0)}".rstrip() + unit
    else:
        expected = "a number ≥ 0"
        ok &= number >= 0
    if not ok[0]:
        raise OptionError(f"{name} {value} — expected {expected}")
    return number


def _eligibility_options(eligibility: Mapping[str, object] | None) -> dict[str, object]:
    """Normalise run-wide eligibility values (Chinese spellings accepted)."""
    options: dict[str, object] = {}
    for name, value in (eligibility or {}).items():
        if value is None:
            continue
        if name not in PROJECT_FIELDS:
            raise OptionError(
                f"unknown eligibility field '{name}'; expected one of {', '.join(PROJECT_FIELDS)}"
            )
        if name in VALUE_ALIASES:
            canonical = VALUE_ALIASES[name].get(normalise(str(value)))
            if canonical is None:
                raise OptionError(
                    f"{name} '{value}' — expected one of "
                    f"{', '.join(sorted(set(VALUE_ALIASES[name].values())))}"
                )
            value = canonical
        else:
            if not isinstance(value, str | int | float):
                raise OptionError(f"{name} {value!r} — expected a number")
            value = _eligibility_number(name, value)
        options[name] = value
    return options


def _finance_assumptions(tabs, rate, given, packs, rules, options) -> dict[str, Any]:
    return {
        "discount_rate": rate,
        "discount_rate_source": "option --discount-rate"
        if given is not None
        else "table finance_parameters: "
        + tabs["finance_parameters"]
        .set_index(["parameter", "key"])
        .loc[("discount_rate", "default"), "source"],
        "cash_flows": "investment at year 0; cost savings constant in real terms at the end of "
        "each year of the measure's life; grants at year 0; interest subsidies in "
        "the years they are paid; tax credits in the years the tax payable "
        "absorbs them",
        "npv": "annual_cost_saved_cny × (1 − (1 + r)^−n) / r − investment_cny",
        "cost_of_saved_energy": "investment_cny × CRF(r, n) ÷ annual saving (Meier 1982)",
        "lifetimes": "lifetime_years, else table measure_lifetimes; several measures on one "
        "row: each measure's share of the saving over its own life (no replacement, no residual "
        "value) where the saving is split by measure, else the shortest life",
        "policy_packs": packs,
        "rules": 0 if rules is None else len(rules),
        "eligibility_options": options,
        "stacking": "within a stacking group marked highest only the largest programme counts "
        "(就高不重复); Shanghai's municipal awards are grouped so (conservative: "
        "355号 states no stacking rule); groups add to each other, except that the interest "
        "subsidies of a loan are capped together at each year's interest (the central subsidy "
        "first; whether it stacks with a municipal one is not stated)",
        "label": "a self-assessment estimate, not an award: every amount carries its rule's "
        "confidence, and rules from secondary sources say verify",
    }


def _pack_document(tabs: Tables) -> str:
    """The goal pack's document as a reader names it: the shortest ``document`` of its rows
    (the first row may carry the full title)."""
    documents = tabs[tabs.goals]["document"].dropna().astype(str)
    return min(documents, key=len) if len(documents) else tabs.goals


def _goal_progress(out: pd.DataFrame, tabs: Tables, year: int) -> dict[str, dict[str, Any]]:
    """This inventory's contribution to each counted goal of the run's pack (one year of
    savings); an energy goal shows both bases: the full annual potential and the energy
    realised in the accounting ``year`` (by in_service_date)."""
    dates, _ = service_dates(out, year)
    in_year = year_fraction_in_service(dates, year)
    goals = tabs[tabs.goals].set_index("goal")
    counted = goals[goals["kind"] == "cumulative"]["counts"]
    progress = {}
    for goal, column in counted.items():
        row = goals.loc[goal]
        progress[goal] = {
            "this_inventory": float(out[column].sum()),
            "goal": float(row["value"]),
            "unit": row["unit"],
            "by": int(row["period_end"]),
            "quote": f"{row['document']} {row['clause']}: {row['quote']}",
        }
    for goal, column in counted[
        counted.isin(["coal_saved_tce", "energy_saved_kwh", "co2_avoided_t"])
    ].items():
        full_year = progress[goal]["this_inventory"]
        realised = float((out[column] * in_year).sum())
        progress[goal] |= {
            "this_inventory_basis": "full annual potential",
            "full_annual_potential": full_year,
            f"realised_in_{year}": realised,
            "bases": {
                "full annual potential": "the full annual saving of every row, whatever its "
                "in_service_date (this_inventory)",
                f"realised in {year}": "each row's annual saving × the fraction of "
                f"{year} it is in service (by in_service_date; no date: from 1 January)",
            },
        }
    for goal in counted[counted == "coal_saved_tce"].index:
        progress[goal]["note"] = (
            "one year of coal_saved_tce on the headline basis, counted as the full annual "
            f"potential (this_inventory) and as realised in {year}; the goal is cumulative to "
            f"{progress[goal]['by']}"
        )
    if "meets_local_pue" in out.columns:
        dc = out["category"].eq("datacenter")
        progress["datacenters"] = {
            "rows": int(dc.sum()),
            "above_local_pue_limit_after_retrofit": int(
                (~out.loc[dc, "meets_local_pue"].astype("boolean")).fillna(False).sum()
            ),
            "bai_yi_closure_profile": int(
                out.loc[dc, "bai_yi_closure_profile"].astype("boolean").fillna(False).sum()
            ),
        }
    return progress


def _chosen_goals(goals: str | Path | None) -> tuple[str | None, str | Path | None]:
    """The goal-pack table named by ``goals`` (a bundled pack) or the user's goal file.

    Returns ``(table, None)`` for a bundled pack, ``(None, file)`` for a file (checked against
    the goal-pack schema) and ``(None, None)`` without ``goals`` (the region's pack).

    Raises
    ------
    OptionError
        An unknown pack name; the message lists the bundled ones.
    InventoryError
        A goal file that is missing or breaks the schema.
    """
    if goals is None:
        return None, None
    from .portfolio.goals import load_goal_pack  # lazy: the portfolio package imports this one

    pack = load_goal_pack(goals)  # raises for an unknown name or a broken file
    if pack.standard:
        table = goal_pack_table(pack.name)
        assert table in load_catalog().index  # load_goal_pack found it there
        return table, None
    return None, goals


def _as_inventory(
    inventory,
    *,
    encoding,
    sheet,
    max_errors,
    rename=None,
    passthrough=(),
    limits=None,
    check_named=True,
) -> Inventory:
    """The inventory read with its cell problems collected (see ``read_inventory``)."""
    if isinstance(inventory, Inventory):
        return inventory
    if isinstance(inventory, pd.DataFrame):
        return validate_frame(
            inventory,
            max_errors=max_errors,
            collect=True,
            rename=rename,
            passthrough=passthrough,
        )
    return read_inventory(
        inventory,
        encoding=encoding,
        sheet=sheet,
        max_errors=max_errors,
        collect=True,
        rename=rename,
        passthrough=passthrough,
        limits=limits,
        check_named=check_named,
    )


def _conversion_caveats(log: CaveatLog, equal, basis: str) -> None:
    factor = equal.factor
    if equal.fallback == "user":
        log.add_global(
            "conversion.equal_value.user_factor",
            "the 等价值 factor was given by the user",
            "等价值折算系数由用户给定",
            data={"kgce_per_kwh": factor.value},
        )
        return
    messages = {
        "earlier_year": (
            f"no 等价值 statistic for {equal.wanted_year}: the latest earlier one, "
            f"{factor.key}, is used"
        ),
        "region": (
            f"no 等价值 series for the region up to {equal.wanted_year}: the national "
            f"{factor.key} is used"
        ),
        "target": (
            f"the 等价值 for {equal.wanted_year} is a policy target ({factor.key}), not a "
            "measured statistic"
        ),
    }
    codes = {"earlier_year": "earlier_year", "region": "national_used", "target": "target_used"}
    if equal.fallback in messages:
        log.add_global(
            f"conversion.equal_value.{codes[equal.fallback]}",
            f"{messages[equal.fallback]}: {factor.value} kgce/kWh, confidence "
            f"{factor.confidence} ({factor.note})",
            f"{equal.wanted_year} 年等价值采用 {factor.key}（{factor.value} kgce/kWh）",
            data={"wanted_year": equal.wanted_year, "used": factor.key},
        )
    if factor.confidence in ("L", "M"):
        log.add_global(
            "conversion.equal_value.weak_source",
            f"the 等价值 factor {factor.value} kgce/kWh has confidence "
            f"{factor.confidence}; override it with --equal-value-factor when the "
            "authority publishes its own",
            "等价值折算系数来源较弱，可用 --equal-value-factor 覆盖",
            data={"confidence": factor.confidence, "basis_is_headline": basis == "equal_value"},
        )


def _plants(out, row_codes, plant_table, tabs, log, basis, year, plant_energy_basis, region):
    """The plant frame and the 百一 record; the third item lists the plants file's problems
    (a conflicting energy figure, a meter reading without its pair)."""
    found: list[InventoryIssue] = []
    goals = tabs[tabs.goals].set_index("goal")
    # the pack's per-enterprise annual saving share (百一 in Shanghai's); a pack without one
    # leaves the check unknown rather than borrowing another place's target
    shares = goals[goals["kind"] == "annual_share"]
    target = float(shares["value"].iloc[0]) if len(shares) else np.nan
    for column in ("it_renewed_kw", "piles_replaced"):
        out[column] = (
            out[column].fillna(0.0) if column in out.columns else pd.Series(0.0, index=out.index)
        )
    sums = [
        "retrofitted_motor_kw",
        "it_renewed_kw",
        "piles_replaced",
        "baseline_energy_kwh",
        "retrofit_energy_kwh",
        "energy_saved_kwh",
        "coal_saved_tce",
        "coal_saved_tce_equivalent",
        "coal_saved_tce_equal_value",
        "co2_avoided_t",
    ]
    # the 百一 counts the savings realised in the accounting year: a row in service from day d
    # of a year of N days saves (N − d + 1)/N of its annual saving; a row without a date is
    # taken as in service from 1 January (the same rule as the portfolio's realised energy)
    dates, undated = service_dates(out, year)
    in_year = year_fraction_in_service(dates, year)
    realised = {
        f"{column}_realised": out[column] * in_year
        for column in ("coal_saved_tce", "coal_saved_tce_equivalent", "coal_saved_tce_equal_value")
    }
    grouped = out.groupby("plant_id", sort=False)
    frame = grouped[sums].sum()
    frame = frame.join(pd.DataFrame(realised).groupby(out["plant_id"], sort=False).sum())
    frame.insert(0, "assets", grouped.size())
    frame["in_service_date_defaulted"] = (
        pd.Series(undated, index=out.index).groupby(out["plant_id"], sort=False).sum()
    )
    if "plant_name" in out.columns:
        frame.insert(0, "plant_name", grouped["plant_name"].first())
    # a plant total is null, not a partial sum, when any row lacks the input
    for column in ("cost_saved_cny", "load_shift_cost_saved_cny", "investment_cny"):
        complete = out[column].notna().groupby(out["plant_id"], sort=False).all()
        frame[column] = grouped[column].sum(min_count=1).where(complete)
    energy = pd.Series(np.nan, index=frame.index)
    if "plant_energy_tce" in out.columns:
        energy = grouped["plant_energy_tce"].first().astype(float)
    plant_meta: Any = None
    if plant_table is not None:
        plant_meta = plant_table
        try:
            energy = previous_year_energy(plant_meta, year, energy)
        except InventoryError as error:  # the plant keeps the inventory's figure meanwhile
            found.extend(error.issues)
        plant_meta = plant_meta.set_index("plant_id")
        for column in ("industry", "district", "region", "name"):
            if column in plant_meta.columns:
                frame.insert(1, column, plant_meta[column].reindex(frame.index))
        if {"metered_baseline_kwh", "metered_retrofit_kwh"} & set(plant_meta.columns):
            found.extend(_plant_metered(frame, plant_meta))
    frame["plant_energy_tce"] = energy
    basis_of_plant, basis_source, region_default = _plant_energy_bases(
        out, grouped, plant_meta, frame.index, plant_energy_basis, tabs, region, log
    )
    frame["plant_energy_basis"] = basis_of_plant
    frame["plant_energy_basis_source"] = basis_source
    on_equal_value = (basis_of_plant == "equal_value").to_numpy()

    # the saving divided by the plant's energy must be on the basis that energy is on
    def on_basis(suffix: str) -> pd.Series:
        return pd.Series(
            np.where(
                on_equal_value,
                frame[f"coal_saved_tce_equal_value{suffix}"],
                frame[f"coal_saved_tce_equivalent{suffix}"],
            ),
            index=frame.index,
        )

    saved_on_basis = on_basis("_realised")
    frame["saving_share_equivalent"] = frame["coal_saved_tce_equivalent_realised"] / energy
    frame["saving_share_equal_value"] = frame["coal_saved_tce_equal_value_realised"] / energy
    share = saved_on_basis / energy
    frame["saving_share"] = share
    # the full annual potential, shown beside the verdict's share, never used by it
    frame["saving_share_full_year"] = on_basis("") / energy
    frame["bai_yi_target_share"] = target
    known = energy.notna()
    meets = pd.Series(pd.NA, index=frame.index, dtype="boolean")
    meets[known] = share[known] >= target
    frame["meets_bai_yi"] = meets
    frame["shortfall_tce"] = np.where(
        known, np.maximum(0.0, target * energy - saved_on_basis), np.nan
    )
    frame["bai_yi_status"] = np.where(
        ~known,
        "unknown (no plant energy)",
        np.where(meets.fillna(False), "meets (estimate)", "short (estimate)"),
    )
    _basis_caveats(frame, known, basis, region, region_default, log)
    if np.isnan(target):
        frame["meets_bai_yi"] = pd.Series(pd.NA, index=frame.index, dtype="boolean")
        frame["bai_yi_status"] = "unknown (no annual-share goal in the goal pack)"
        log.add_global(
            "plant.bai_yi.no_target",
            f"goal pack table {tabs.goals} has no annual-share (百一-like) goal: the 百一 "
            "check is unknown for every plant",
            "目标包无年节能量占上年综合能耗比例（百一类）目标：百一判定为未知",
            data={"goal_table": tabs.goals},
        )
    frame["caveats"] = _plant_codes(out["plant_id"], row_codes).reindex(frame.index, fill_value="")
    unknown = frame.index[~known]
    if len(unknown):
        log.add_global(
            "plant.energy.unknown",
            "plants without previous-year energy: the 百一 "
            "check is unknown, not failed: " + ", ".join(map(str, unknown[:20])),
            "缺少上年综合能耗的企业：百一判定为未知",
            data={"plants": list(map(str, unknown))},
        )
    frame = frame.reset_index()
    ordered = [c for c in PLANT_COLUMNS if c in frame.columns]
    front = [
        c
        for c in ("plant_id", "plant_name", "name", "region", "district", "industry")
        if c in frame.columns
    ]
    frame = frame[front + [c for c in ordered if c not in front]]
    if not len(shares):
        bai_yi: dict[str, Any] = {
            "target_share": None,
            "source": f"goal pack table {tabs.goals} has no annual-share (百一-like) goal",
            "confidence": None,
            "label": "no target: the 百一 check is unknown",
        }
        return frame, bai_yi, found
    share_goal = shares.iloc[0]
    bai_yi = {
        "target_share": target,
        "source": f"{share_goal['document']} {share_goal['clause']}: {share_goal['quote']}",
        "document": share_goal["document"],
        "clause": share_goal["clause"],
        "quote": share_goal["quote"],
        "confidence": share_goal["confidence"],
        "rule": BAI_YI_RULE,
        "accounting_year": year,
        "full_year_potential": "saving_share_full_year = the full annual saving of every row "
        "(coal_saved_tce on the plant's basis, whatever its in_service_date) ÷ plant_energy_tce; "
        "shown beside the verdict's share, not used by it",
        "in_service_default": f"{int(undated.sum())} rows without in_service_date taken as in "
        f"service from 1 January {year}",
        "plant_energy_basis": _basis_record(frame, plant_energy_basis, region, region_default),
        "label": "an estimate from the measures listed, not a verified saving",
    }
    return frame, bai_yi, found


def _plant_energy_bases(out, grouped, plant_meta, plants, option, tabs, region, log):
    """Per plant, the basis of its previous-year energy and where it came from: the inventory
    rows' ``plant_energy_basis``, else the plants file's ("input"), else ``option``, else the
    region's default (table ``plant_energy_basis_defaults``). The third item is the region's
    default (:func:`~retrofit.core.reference.plant_energy_basis_default`)."""
    given = pd.Series(pd.NA, index=plants, dtype=object)
    several = pd.Series(False, index=plants)
    if "plant_energy_basis" in out.columns:
        given = grouped["plant_energy_basis"].first().reindex(plants).astype(object)
        several = grouped["plant_energy_basis"].nunique().reindex(plants).fillna(0) > 1
    if plant_meta is not None and "plant_energy_basis" in plant_meta.columns:
        listed = plant_meta["plant_energy_basis"].reindex(plants).astype(object)
        several |= given.notna() & listed.notna() & (given != listed)
        given = given.fillna(listed)
    if several.any():  # the first row's basis is used: never silently
        conflicting = list(map(str, plants[several.to_numpy()]))
        log.add_global(
            "plant.energy_basis.conflict",
            "more than one basis is given for the previous-year energy of "
            + ", ".join(conflicting[:20])
            + ": the inventory's first row's is used (give one per plant)",
            "同一企业给出了不同的上年综合能耗口径：采用清单首行的口径",
            data={"plants": conflicting},
        )
    region_default = plant_energy_basis_default(region, tabs)
    source = pd.Series(
        np.where(given.notna(), "input", "option" if option else "region default"),
        index=plants,
        dtype=object,
    )
    fallback = option or region_default["basis"]
    return given.fillna(fallback).astype(object), source, region_default


def _basis_caveats(frame, known, basis, region, region_default, log) -> None:
    """Say when a plant's energy basis was assumed, and when the verdict's basis is not the
    headline basis (the two shares differ 2.3–2.5-fold for electric savings)."""
    assumed = frame.index[(frame["plant_energy_basis_source"] == "region default") & known]
    if len(assumed):
        default = region_default["basis"]
        log.add_global(
            "plant.energy_basis.assumed",
            f"the basis of the previous-year energy was not given: {BASIS_NAMES_ZH[default]} "
            f"({default}) is assumed from the region ({region}; table "
            f"plant_energy_basis_defaults, confidence {region_default['confidence']}) for "
            + ", ".join(map(str, assumed[:20]))
            + "; give plant_energy_basis or --plant-energy-basis",
            f"未给出上年综合能耗口径：按地区默认采用{BASIS_NAMES_ZH[default]}",
            data={"plants": list(map(str, assumed)), "basis": default, "region": region},
        )
    differs = frame.index[(frame["plant_energy_basis"] != basis) & known]
    if len(differs):
        bases = sorted(set(frame.loc[differs, "plant_energy_basis"]))
        log.add_global(
            "plant.energy_basis.differs_from_headline",
            f"the 百一 verdict uses each plant's energy basis "
            f"({', '.join(f'{BASIS_NAMES_ZH[b]} ({b})' for b in bases)}), not the headline "
            f"basis {BASIS_NAMES_ZH[basis]} ({basis}), for "
            + ", ".join(map(str, differs[:20]))
            + ": saving_share is on the plant's basis, coal_saved_tce on the headline basis",
            f"百一判定按企业上年综合能耗口径，而非标题口径{BASIS_NAMES_ZH[basis]}",
            data={"plants": list(map(str, differs)), "headline_basis": basis, "used": bases},
        )


def _basis_record(frame, option, region, region_default) -> dict[str, Any]:
    """``assumptions.bai_yi.plant_energy_basis``: the rule, the option, the region's default
    with its source, and how many plants took each basis from each source."""
    counts = frame.groupby(["plant_energy_basis_source", "plant_energy_basis"]).size()
    return {
        "rule": "the plants' plant_energy_basis (inventory, else plants file), else the option "
        "plant_energy_basis, else the region's default",
        "option": option,
        "region": region,
        "region_default": region_default["basis"],
        "region_default_source": region_default["source"],
        "region_default_confidence": region_default["confidence"],
        "region_default_note": region_default["note"],
        "plants": {f"{source}: {basis}": int(n) for (source, basis), n in counts.items()},
    }


def _plant_codes(plant_id: pd.Series, row_codes: np.ndarray) -> pd.Series:
    """Per plant, the sorted ``;``-joined union of its rows' caveat codes (plants with none
    are absent)."""
    # rows repeat a few code combinations and plants a few unions of them: mark the codes of
    # each combination in a boolean matrix, OR the rows' marks per plant (one grouped max, not
    # a Python call per plant), and join the strings once per distinct union
    combo, combos = pd.factorize(row_codes)
    lists = [[c for c in str(text).split(";") if c] for text in combos]
    names = np.array(sorted({c for codes in lists for c in codes}), dtype=object)
    plant, plants = pd.factorize(plant_id)
    if not len(names):
        return pd.Series([], index=pd.Index(plants[:0], name="plant_id"), dtype=object)
    column = {name: i for i, name in enumerate(names)}
    marks = np.zeros((len(combos), len(names)), dtype=bool)
    for i, codes in enumerate(lists):
        marks[i, [column[c] for c in codes]] = True
    pairs = pd.DataFrame({"plant": plant, "combo": combo})
    pairs = pairs[pairs["plant"] >= 0].drop_duplicates()  # a missing plant_id has no plant
    unions = pd.DataFrame(marks[pairs["combo"].to_numpy()]).groupby(pairs["plant"].to_numpy()).max()
    patterns, inverse = np.unique(unions.to_numpy(), axis=0, return_inverse=True)
    joined = np.array([";".join(names[row]) for row in patterns], dtype=object)[inverse.ravel()]
    codes = pd.Series(joined, index=pd.Index(plants[unions.index], name="plant_id"), name="code")
    return codes[joined != ""]
