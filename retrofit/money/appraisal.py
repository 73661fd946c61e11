"""Project economics per asset, project and plant, before and after incentives, and the
conservation supply curve.

Each asset row is a measure: its investment ``I`` (investment_cny), its yearly cost saving ``S``
(cost_saved_cny + load_shift_cost_saved_cny, constant in real terms) over its life ``n``
(lifetime_years, or table ``measure_lifetimes``), discounted at ``r`` (--discount-rate, or table
``finance_parameters``). A project is the rows sharing a project_id (default: the plant's rows);
its incentives (:mod:`retrofit.money.incentives`) are yearly cash flows added to the sum of its rows'
flows. The pure formulas are in :mod:`retrofit.models.finance`.

Everything is vectorised over rows; projects are built with ``np.add.at`` on a
(project × year) matrix, never a loop per asset.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..columns import describe
from ..core import frame
from ..core.caveats import CaveatLog
from ..core.exceptions import InventoryIssue
from ..core.reference import Tables
from ..inventory.defaults import rows_with_measure
from ..models import finance as fm

LIFETIMES_TABLE = "measure_lifetimes"
INPUT_SOURCE = "input lifetime_years"
#: Start of the lifetime_source of a combined row whose measures keep their own lives.
EQUIVALENT_SOURCE = "equivalent life at the discount rate: "
PARAMETERS_TABLE = "finance_parameters"
#: Longest horizon of a project's yearly cash flows [yr]; a longer life is an input error.
MAX_LIFETIME_YEARS = 60
#: Yearly flows smaller than this are rounding residues of the running sum [CNY].
RESIDUE_CNY = 1e-6

#: Asset output columns (name → meaning [unit]), for the README.
ASSET_COLUMNS: dict[str, str] = describe(
    [
        "project_id",
        "lifetime_years",
        "lifetime_source",
        "discount_rate",
        "annual_cost_saved_cny",
        "npv_cny",
        "irr",
        "discounted_payback_years",
        "cost_of_saved_energy_cny_per_kwh",
        "cost_of_saved_tce_cny_per_tce",
        "net_cost_of_saved_tce_cny_per_tce",
    ]
)

#: Project output columns (name → meaning [unit]).
PROJECT_COLUMNS: dict[str, str] = describe(
    [
        "project_id",
        "plant_id",
        "assets",
        "investment_cny",
        "annual_cost_saved_cny",
        "energy_saved_kwh",
        "coal_saved_tce",
        "lifetime_years_max",
        "payback_years",
        "npv_cny",
        "irr",
        "cost_of_saved_energy_cny_per_kwh",
        "cost_of_saved_tce_cny_per_tce",
        "incentives_cny",
        "incentives_before_interest_cap_cny",
        "incentives_pv_cny",
        "incentives_needing_inputs_cny",
        "payback_after_incentives_years",
        "npv_after_incentives_cny",
        "irr_after_incentives",
        "cost_of_saved_energy_after_incentives_cny_per_kwh",
        "cost_of_saved_tce_after_incentives_cny_per_tce",
        "finance_status",
    ]
)


def parameter(tables: Tables, name: str, key: str) -> float:
    """A value of table ``finance_parameters``."""
    return float(tables.keyed(PARAMETERS_TABLE, ["parameter", "key"], "value")[(name, key)])


#: Per-measure saving columns of combined rows [kWh/yr]: the measures' shares of the saving.
SAVING_SHARE_COLUMNS = {
    "upgrade_equipment": "saving_upgrade_equipment_kwh",
    "fix_leaks": "saving_fix_leaks_kwh",
    "reduce_pressure": "saving_reduce_pressure_kwh",
    "upgrade_motor": "saving_upgrade_motor_kwh",
    "refresh_it": "saving_refresh_it_kwh",
    "improve_pue": "saving_improve_pue_kwh",
}


def measure_lives(rows: pd.DataFrame, tables: Tables) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Economic life [yr] of each measure on each row, and its source text.

    Returns measure name → (life, source) over all rows: NaN and "" where the row does not
    have the measure or the table has no life for it at the row's category and size.
    """
    table = tables[LIFETIMES_TABLE]
    n = len(rows)
    measure = rows["measure"]
    category = rows["category"].to_numpy(dtype=object)
    kw = frame.numbers(rows, "rated_power_kw")
    hours = frame.numbers(rows, "operating_hours_h")
    size = np.nan_to_num(kw, nan=0.0)
    names = {m for text in pd.unique(measure.dropna()) for m in str(text).split("+")}
    lives: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for name in sorted(names):
        has = rows_with_measure(measure, name)
        found = np.full(n, np.nan)
        source = np.full(n, "", dtype=object)
        # rows for any category first, so that a category's own row overrides them
        part = table[table["measure"] == name].sort_values(
            "category", key=lambda c: c.ne("all"), kind="stable"
        )
        for row in part.itertuples(index=False):
            lo = 0.0 if pd.isna(row.rated_kw_min) else float(row.rated_kw_min)
            hi = np.inf if pd.isna(row.rated_kw_max) else float(row.rated_kw_max)
            match = (
                has
                & ((category == row.category) | (row.category == "all"))
                & (size >= lo)
                & (size < hi)
            )
            # written into the matched rows only: a where over every row per table row costs
            # a pass over all rows, and for the text a copy of every row's object
            years = np.full(int(match.sum()), float(row.lifetime_years))
            if not pd.isna(row.lifetime_operating_hours_h):
                with np.errstate(divide="ignore", invalid="ignore"):
                    years = np.fmin(years, float(row.lifetime_operating_hours_h) / hours[match])
            found[match] = years
            band = f"{lo:g}–{'' if np.isinf(hi) else f'{hi:g}'} kW"
            source[match] = f"{LIFETIMES_TABLE}: {name}, {row.category}, {band}"
        lives[name] = (found, source)
    return lives


def _shares(rows: pd.DataFrame, names: list[str], has: dict[str, np.ndarray]) -> np.ndarray:
    """Each measure's share of the row's saving (n × measures), NaN where the row has no
    per-measure saving for all its measures or a share is negative or the total is not
    positive (those rows fall back to the shortest life)."""
    n = len(rows)
    parts = np.zeros((n, len(names)))
    known = np.ones(n, dtype=bool)
    for k, name in enumerate(names):
        column = SAVING_SHARE_COLUMNS.get(name)
        values = (
            frame.numbers(rows, column)
            if column is not None and column in rows.columns
            else np.full(n, np.nan)
        )
        values = np.where(has[name], values, 0.0)
        known &= ~np.isnan(values) & (values >= 0)
        parts[:, k] = np.nan_to_num(values)
    total = parts.sum(axis=1)
    known &= total > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(known[:, None], parts / total[:, None], np.nan)


def equivalent_life(rate: float, lives: np.ndarray, shares: np.ndarray) -> np.ndarray:
    """Uniform life [yr] whose annuity factor at ``rate`` equals Σ share·annuity_factor(life).

    ``lives`` and ``shares`` are (rows × measures); a share of 0 ignores its life. At that life,
    S·annuity_factor(r, n_eq) − I is exactly Σ_m share_m·S·annuity_factor(r, n_m) − I: each
    measure's saving counted over its own life, none replaced, no residual value.
    """
    factor = np.where(shares > 0, shares * fm.annuity_factor(rate, np.nan_to_num(lives)), 0.0)
    total = factor.sum(axis=1)
    if abs(rate) < 1e-12:
        return total
    # invert A = (1 − (1 + r)^−n) / r
    with np.errstate(divide="ignore", invalid="ignore"):
        return -np.log1p(-rate * total) / np.log1p(rate)


def lifetimes(
    rows: pd.DataFrame, tables: Tables, discount_rate: float | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Economic life of each row [yr] and where it came from.

    A row with one measure takes that measure's life. A row with several measures whose
    saving is split by measure (saving_<measure>_kwh: compressors, data centres) counts each
    measure's share of the saving over its own life: its life is the :func:`equivalent_life`
    at ``discount_rate``. Other combined rows (and every combined row when ``discount_rate`` is
    None) take the shortest life among their measures. A row with a measure the table does not
    cover has no life unless the row gives lifetime_years.
    """
    n = len(rows)
    lives = measure_lives(rows, tables)
    names = sorted(lives)
    has = {m: rows_with_measure(rows["measure"], m) for m in names}
    if names:
        life_matrix = np.column_stack([lives[m][0] for m in names])
        has_matrix = np.column_stack([has[m] for m in names])
    else:
        life_matrix = np.zeros((n, 0))
        has_matrix = np.zeros((n, 0), dtype=bool)
    uncovered = (has_matrix & np.isnan(life_matrix)).any(axis=1)
    count = has_matrix.sum(axis=1)
    masked = np.where(has_matrix, life_matrix, np.inf)
    shortest = masked.min(axis=1, initial=np.inf)
    pick = masked.argmin(axis=1) if names else np.zeros(n, dtype=int)
    source = np.full(n, "", dtype=object)
    for k, m in enumerate(names):
        source = np.where(has_matrix[:, k] & (pick == k), lives[m][1], source)
    life = shortest.copy()
    combined = np.zeros(n, dtype=bool)
    if discount_rate is not None and names:
        shares = _shares(rows, names, has)
        combined = (count > 1) & ~np.isnan(shares).any(axis=1) & ~uncovered
        if combined.any():
            life = np.where(
                combined,
                equivalent_life(discount_rate, life_matrix, np.nan_to_num(shares)),
                life,
            )
            # the text is built on the combined rows only (a few of a million, usually)
            rows_on = np.flatnonzero(combined)
            text = np.full(len(rows_on), "", dtype=object)
            for k, m in enumerate(names):
                on = has_matrix[rows_on, k]
                if not on.any():
                    continue
                at = rows_on[on]
                part = (
                    m
                    + " "
                    + pd.Series(life_matrix[at, k]).map("{:g}".format).to_numpy(object)
                    + " yr × "
                    + pd.Series(100 * shares[at, k]).map("{:.0f}".format).to_numpy(object)
                    + " % of the saving ("
                    + lives[m][1][at].astype(object)
                    + ")"
                )
                sep = np.where(text[on] != "", "; ", "")
                text[on] = text[on] + sep + part
            full = np.full(n, "", dtype=object)
            full[rows_on] = text
            text = full
            source = np.where(combined, EQUIVALENT_SOURCE + text, source)
    life = np.where(uncovered | np.isinf(life), np.nan, life)
    source = np.where(np.isnan(life), "", source)
    given = frame.numbers(rows, "lifetime_years")
    use_given = ~np.isnan(given)
    return np.where(use_given, given, life), np.where(use_given, INPUT_SOURCE, source)


def asset_finance(
    out: pd.DataFrame,
    tables: Tables,
    log: CaveatLog,
    *,
    discount_rate: float,
    file: str,
    header_map: dict[str, str],
    rates: bool = True,
) -> list[InventoryIssue]:
    """Add the per-asset finance columns (:data:`ASSET_COLUMNS`) to ``out`` in place.

    ``rates=False`` leaves out the IRR and the discounted payback (the slowest columns), for a
    portfolio's chunks, which sum only lives, investments and savings.
    """
    life, source = lifetimes(out, tables, discount_rate)
    too_long = life > MAX_LIFETIME_YEARS
    if too_long.any():
        return [
            InventoryIssue(
                "out-of-range",
                file,
                int(r),
                frame.header(header_map, "lifetime_years"),
                f"{v:g}",
                f"a life of at most {MAX_LIFETIME_YEARS} years",
            )
            for r, v in zip(out["source_row"].to_numpy()[too_long], life[too_long], strict=True)
        ]
    invest = out["investment_cny"].to_numpy(float)
    saving = out["cost_saved_cny"].to_numpy(float) + out["load_shift_cost_saved_cny"].fillna(
        0.0
    ).to_numpy(float)
    kwh = out["energy_saved_kwh"].to_numpy(float)
    tce = out["coal_saved_tce"].to_numpy(float)
    r = np.full(len(out), discount_rate)
    if "project_id" not in out.columns:
        out["project_id"] = None
    project = out["project_id"].astype(object)
    defaulted = project.isna().to_numpy()
    out["project_id"] = project.where(~defaulted, out["plant_id"].astype(str)).to_numpy(object)
    out["lifetime_years"] = life
    out["lifetime_source"] = source
    out["discount_rate"] = r
    out["annual_cost_saved_cny"] = saving
    with np.errstate(invalid="ignore", divide="ignore"):
        out["npv_cny"] = fm.npv_uniform(invest, saving, r, life)
        if rates:
            out["irr"] = fm.irr_uniform(invest, saving, life)
            out["discounted_payback_years"] = fm.discounted_payback_years(invest, saving, r)
        annualised = invest * fm.capital_recovery_factor(r, life)
        out["cost_of_saved_energy_cny_per_kwh"] = fm.levelised_cost(invest, kwh, r, life)
        out["cost_of_saved_tce_cny_per_tce"] = fm.levelised_cost(invest, tce, r, life)
        out["net_cost_of_saved_tce_cny_per_tce"] = np.where(
            tce > 0, (annualised - saving) / tce, np.nan
        )
    log.add(
        "finance.project.defaulted",
        "no project_id: the plant's rows form one project",
        "未填项目编号：同一企业的各行视为一个项目",
        mask=defaulted,
    )
    from_table = ~np.isnan(life) & (source != INPUT_SOURCE)
    log.add(
        "finance.lifetime.defaulted",
        "economic life from table measure_lifetimes (most rows "
        "rest on one secondary source, confidence L); give lifetime_years to override",
        "使用寿命取自参考表 measure_lifetimes（多为单一来源）",
        mask=from_table,
    )
    log.add(
        "finance.lifetime.unknown",
        "no economic life for a measure of the row at its category and size in table "
        "measure_lifetimes: NPV, IRR and cost of saved energy are null; give lifetime_years",
        "参考表 measure_lifetimes 中无该行措施的使用寿命：净现值等为空",
        mask=np.isnan(life),
    )
    # a few distinct sources (one per table row, and the combined rows' own): test each once
    source_codes, distinct_sources = pd.factorize(source)
    equivalent = np.array(
        [str(text).startswith(EQUIVALENT_SOURCE) for text in distinct_sources] + [False],
        dtype=bool,
    )[source_codes]
    log.add(
        "finance.lifetime.shortest_measure",
        "several measures on one row and no saving per measure: the shortest economic life "
        "among them is used",
        "一行多项措施且无分措施节能量：取最短使用寿命",
        mask=out["measure"].str.contains("+", regex=False).to_numpy(bool)
        & from_table
        & ~equivalent,
    )
    log.add(
        "finance.lifetime.per_measure",
        "several measures on one row: each measure's share of the saving is counted over its "
        "own life (no replacement, no residual value); lifetime_years is the equivalent "
        "uniform life at the discount rate (exact for NPV and cost of saved energy; IRR and "
        "payback use it as an approximation)",
        "一行多项措施：各措施的节能收益按各自寿命计（不重置、无残值），使用寿命为折现率下的等效寿命",
        mask=equivalent,
    )
    log.add(
        "finance.no_saving",
        "the energy saved is not positive: no cost of saved energy "
        "(the measure costs energy, e.g. an ac pile's higher standby)",
        "节能量不为正：不计算节能成本",
        mask=~(kwh > 0),
    )
    return []


def _flows_matrix(
    codes: np.ndarray,
    n_groups: int,
    invest: np.ndarray,
    saving: np.ndarray,
    life: np.ndarray,
    horizon: int,
) -> np.ndarray:
    """Σ over each group's rows of −I at year 0 and S a year for ``life`` years (the last,
    partial year pro rata): shape (n_groups, horizon + 1)."""
    whole = np.floor(life).astype(int)
    part = life - whole
    steps = np.zeros((n_groups, horizon + 2))
    np.add.at(steps, (codes, np.ones_like(codes)), saving)
    np.add.at(steps, (codes, whole + 1), -saving)
    flows = np.cumsum(steps, axis=1)[:, : horizon + 1]
    tail = np.zeros((n_groups, horizon + 2))
    np.add.at(tail, (codes, whole + 1), part * saving)
    flows += tail[:, : horizon + 1]
    start = np.zeros(n_groups)
    np.add.at(start, codes, -invest)
    flows[:, 0] += start
    # the running sum leaves rounding residues after a measure's life ends: a residue of
    # −1e-11 would count as a second change of sign and hide the IRR
    flows[np.abs(flows) < RESIDUE_CNY] = 0.0
    return flows


def project_finance(
    out: pd.DataFrame,
    discount_rate: float,
    incentive_flows: pd.DataFrame | None = None,
    incentive_totals: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per project (:data:`PROJECT_COLUMNS`), before and after incentives.

    ``incentive_flows`` has one row per project (index project_id) and columns 0 … H, the
    yearly cash flows of its incentives; ``incentive_totals`` the undiscounted total that
    counts toward payback and the amounts that need inputs.
    """
    return _group_finance(out, "project_id", discount_rate, incentive_flows, incentive_totals)


def _group_finance(out, key, discount_rate, incentive_flows, incentive_totals) -> pd.DataFrame:
    codes, groups = pd.factorize(out[key], sort=False)
    g = len(groups)
    invest = out["investment_cny"].to_numpy(float)
    saving = out["annual_cost_saved_cny"].to_numpy(float)
    life = out["lifetime_years"].to_numpy(float)
    kwh = out["energy_saved_kwh"].to_numpy(float)
    tce = out["coal_saved_tce"].to_numpy(float)
    r = discount_rate

    def total(values):
        sums = np.zeros(g)
        np.add.at(sums, codes, np.nan_to_num(values))
        return sums

    def missing(values):
        bad = np.zeros(g, dtype=bool)
        np.logical_or.at(bad, codes, np.isnan(values))
        return bad

    lacks = {
        "investment_cny": missing(invest),
        "electricity price": missing(saving),
        "lifetime_years": missing(life),
    }
    incomplete = lacks["investment_cny"] | lacks["electricity price"] | lacks["lifetime_years"]
    frame = pd.DataFrame({key: groups})
    if key == "project_id":
        plant = np.empty(g, dtype=object)
        plant[codes] = out["plant_id"].to_numpy(object)
        frame["plant_id"] = plant
    frame["assets"] = np.bincount(codes, minlength=g)
    frame["investment_cny"] = np.where(lacks["investment_cny"], np.nan, total(invest))
    frame["annual_cost_saved_cny"] = np.where(lacks["electricity price"], np.nan, total(saving))
    frame["energy_saved_kwh"] = total(kwh)
    frame["coal_saved_tce"] = total(tce)
    max_life = np.zeros(g)
    np.maximum.at(max_life, codes, np.nan_to_num(life))
    frame["lifetime_years_max"] = np.where(lacks["lifetime_years"], np.nan, max_life)
    with np.errstate(invalid="ignore", divide="ignore"):
        annualised = total(invest * fm.capital_recovery_factor(r, life))
        npv = total(out["npv_cny"].to_numpy(float))
        horizon = int(np.ceil(np.nan_to_num(life).max())) if len(life) else 0
        flows = _flows_matrix(
            codes, g, np.nan_to_num(invest), np.nan_to_num(saving), np.nan_to_num(life), horizon
        )
        s = frame["annual_cost_saved_cny"].to_numpy(float)
        i = frame["investment_cny"].to_numpy(float)
        frame["payback_years"] = np.where(s > 0, i / s, np.nan)
        frame["npv_cny"] = np.where(incomplete, np.nan, npv)
        frame["irr"] = np.where(incomplete, np.nan, fm.irr_flows(flows))
        kwh_g, tce_g = total(kwh), total(tce)
        frame["cost_of_saved_energy_cny_per_kwh"] = np.where(
            (kwh_g > 0) & ~lacks["investment_cny"] & ~lacks["lifetime_years"],
            annualised / kwh_g,
            np.nan,
        )
        frame["cost_of_saved_tce_cny_per_tce"] = np.where(
            (tce_g > 0) & ~lacks["investment_cny"] & ~lacks["lifetime_years"],
            annualised / tce_g,
            np.nan,
        )
        if incentive_flows is not None:
            extra = incentive_flows.reindex(groups).fillna(0.0).to_numpy(float)
            width = max(flows.shape[1], extra.shape[1])
            flows = np.pad(flows, ((0, 0), (0, width - flows.shape[1])))
            extra = np.pad(extra, ((0, 0), (0, width - extra.shape[1])))
            totals = incentive_totals.reindex(groups).fillna(0.0)
            pv = fm.npv_flows(extra, r) if g else np.zeros(0)
            counted = totals["incentives_cny"].to_numpy(float)
            frame["incentives_cny"] = counted
            frame["incentives_before_interest_cap_cny"] = totals[
                "incentives_before_interest_cap_cny"
            ].to_numpy(float)
            frame["incentives_pv_cny"] = pv
            frame["incentives_needing_inputs_cny"] = totals["needs_cny"].to_numpy(float)
            frame["payback_after_incentives_years"] = np.where(
                s > 0, np.maximum(i - counted, 0.0) / s, np.nan
            )
            frame["npv_after_incentives_cny"] = frame["npv_cny"] + pv
            frame["irr_after_incentives"] = np.where(
                incomplete, np.nan, fm.irr_flows(flows + extra)
            )
            mean_crf = annualised / total(invest)
            after = annualised - pv * mean_crf
            frame["cost_of_saved_energy_after_incentives_cny_per_kwh"] = np.where(
                frame["cost_of_saved_energy_cny_per_kwh"].notna(), after / kwh_g, np.nan
            )
            frame["cost_of_saved_tce_after_incentives_cny_per_tce"] = np.where(
                frame["cost_of_saved_tce_cny_per_tce"].notna(), after / tce_g, np.nan
            )
    status = np.full(g, "complete", dtype=object)
    for name, bad in lacks.items():
        status = np.where(
            bad,
            np.where(status == "complete", f"incomplete: no {name}", status + f", no {name}"),
            status,
        )
    frame["finance_status"] = status
    return frame


def plant_finance(
    out: pd.DataFrame,
    discount_rate: float,
    incentive_flows: pd.DataFrame | None = None,
    incentive_totals: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The same columns per plant (a plant's projects' flows summed), keyed by plant_id."""
    return _group_finance(out, "plant_id", discount_rate, incentive_flows, incentive_totals)


def supply_curve(out: pd.DataFrame, plants: pd.DataFrame) -> pd.DataFrame:
    """Conservation supply curve: measures ranked by cost of saved tce (Meier 1982).

    One row per measure that saves coal and has a cost, cheapest first: ``rank`` and
    ``cumulative_tce`` over the whole inventory, ``plant_rank`` and ``plant_cumulative_tce``
    within its plant (a plant's curve is the whole curve filtered to the plant), and
    ``bai_yi_line_tce``, 1 % (the 百一 share) of the plant's previous-year energy (null when
    unknown). Measures that save nothing or lack investment or life are left out.
    """
    cost = out["cost_of_saved_tce_cny_per_tce"].to_numpy(float)
    tce = out["coal_saved_tce"].to_numpy(float)
    keep = np.flatnonzero((tce > 0) & ~np.isnan(cost))
    order = keep[np.argsort(cost[keep], kind="stable")]  # ties keep inventory order
    cols = [
        "plant_id",
        "asset_id",
        "measure",
        "category",
        "coal_saved_tce",
        "cost_of_saved_tce_cny_per_tce",
        "net_cost_of_saved_tce_cny_per_tce",
        "annual_cost_saved_cny",
    ]
    curve = out[[c for c in cols if c in out.columns]].iloc[order].reset_index(drop=True)
    curve.insert(0, "rank", np.arange(1, len(curve) + 1))
    curve["cumulative_tce"] = np.cumsum(tce[order])
    codes, _ = pd.factorize(curve["plant_id"])
    by_plant = pd.Series(tce[order]).groupby(codes, sort=False)
    curve["plant_rank"] = by_plant.cumcount().to_numpy() + 1
    curve["plant_cumulative_tce"] = by_plant.cumsum().to_numpy()
    curve["bai_yi_line_tce"] = bai_yi_line(plants).reindex(curve["plant_id"]).to_numpy()
    return curve


def bai_yi_line(plants: pd.DataFrame) -> pd.Series:
    """Per plant (index plant_id), the saving 百一 asks of it: previous-year energy × target
    share [tce/yr]; NaN when the energy is unknown."""
    target = plants.set_index("plant_id")
    return (target["plant_energy_tce"] * target["bai_yi_target_share"]).astype(float)


#: Supply-curve columns (name → meaning [unit]), for the README.
SUPPLY_CURVE_COLUMNS: dict[str, str] = describe(
    [
        "rank",
        "plant_id",
        "asset_id",
        "measure",
        "category",
        "coal_saved_tce",
        "cost_of_saved_tce_cny_per_tce",
        "net_cost_of_saved_tce_cny_per_tce",
        "annual_cost_saved_cny",
        "cumulative_tce",
        "plant_rank",
        "plant_cumulative_tce",
        "bai_yi_line_tce",
    ]
)
