"""How sure the savings are: a seeded Monte Carlo over the uncertain inputs of an estimate.

Each uncertain input has a distribution in table ``uncertainty_distributions`` (or a user's
table with the same columns, ``--table uncertainty_distributions=FILE``), with the rows it
applies to: rows whose load or hours were defaulted or stated (by their caveat code), every
motor's efficiency (the IEC 60034-1 tolerance on losses), part-load losses, the PUE, the
non-linear inputs and the conversion and grid factors. A draw perturbs each row's baseline and
retrofit energy:

- load and hours scale both energies by ``draw / value used`` (energy ∝ load × hours; the
  change of part-load efficiency with load is second order and left out);
- a motor's efficiency becomes ``1 − (1 − η)·m`` with ``m`` the losses multiplier, so its
  energy is multiplied by ``η / (1 − (1 − η)·m)`` — drawn independently for the present and
  the new motor;
- the 等价值 factor (equal-value headline basis only) and the grid CO2 factor are one draw per
  iteration shared by every row (a systematic error, not one that averages out);
- an input that acts non-linearly (table column ``method`` = ``recompute``: static head, leak
  share, compressor specific power and load, a transformer's or pile's load) multiplies each
  energy by the row's response to it, computed by running the row's own measure again at the
  ends, the mode and the estimate of its distribution (:mod:`.recompute`, one batch per run)
  and interpolated piecewise-linearly at the draw;
- a drive's duty profile (``method`` = ``dirichlet``) has its shares of hours drawn from a
  Dirichlet around the chosen ones: each row's energy at each duty point alone is computed
  once, and the row's two energies (linear in the shares) are drawn as a normal pair with the
  Dirichlet's exact mean and covariance, clipped to the duty points' range.

Inputs acting on the same energy multiply: each non-linear response is taken with the others
at their estimate (interactions between them are not recomputed). Every inventory column that
moves a saving is drawn or listed as ``fixed`` with its reason
(``tests/test_uncertainty_coverage.py``); :func:`coverage` says which rows each column is
drawn or fixed on.

The draws are ``N × rows`` arrays processed in blocks of draws (memory stays bounded); plant
totals come from one sparse product per block. Seeds are spawned per block, so the same seed
and N give the same numbers. With every distribution of zero spread the draws equal the
deterministic estimate exactly.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse

from ..core import conditions, frame
from ..core.conversion import energy_to_co2_t, energy_to_tce
from ..core.exceptions import OptionError, ReferenceDataError
from ..core.reference import Tables
from ..io.json import records
from ..measures.base import Measure, in_use, uncertain_inputs
from ..models import sampling
from ..results import EstimateResult
from . import recompute

TABLE = "uncertainty_distributions"
#: A table row whose input moves a saving but is not drawn; its ``note`` says why.
FIXED = "fixed"
#: Percentiles reported [%].
PERCENTILES = (10, 50, 90)
#: Elements of one (draws × rows) block: bounds the memory of a block (~8 bytes each, a few
#: arrays at a time).
BLOCK_ELEMENTS = 5_000_000
#: Most plant totals kept in memory (draws × plants) before the run is refused.
MAX_PLANT_DRAWS = 50_000_000
#: The tornado's low and high cumulative probabilities.
TORNADO_QUANTILES = (0.10, 0.90)
#: How a table row's draw reaches the energies (column ``method``; blank: ``scale``):
#: ``scale`` multiplies them, ``recompute`` runs the row's measure again at the nodes of the
#: distribution and interpolates, ``dirichlet`` redraws a duty profile's shares of the hours.
METHODS = ("scale", "recompute", "dirichlet")
#: Draws of a Dirichlet input alone for its tornado bar (its P10 and P90 of total coal saved).
TORNADO_PROFILE_DRAWS = 400
#: Evenly spaced quantiles over which an input's mean effect on the total is taken.
MEAN_GRID = 40
#: Inputs named when the report says why the estimate lies outside P10–P90.
SKEWED_SHOWN = 3


@dataclass
class UncertaintyResult:
    """The Monte Carlo's outputs.

    Attributes
    ----------
    draws, seed : int
    plants : DataFrame
        Per plant: deterministic coal saved and its P10/P50/P90 [tce/yr], the same for
        energy [kWh/yr], and the probability of meeting 百一 (null without plant energy).
    portfolio : DataFrame
        For the whole inventory: deterministic, P10, P50, P90 of coal saved, energy saved and
        CO2 avoided.
    tornado : DataFrame
        One-at-a-time swing of total coal saved when one input goes from its P10 to its P90
        (every row it applies to at the same quantile), largest first.
    inputs : DataFrame
        The distributions used and the rows each applied to.
    asset_bands : DataFrame
        P10/P50/P90 of energy saved for the rows with a metered saving.
    """

    draws: int
    seed: int
    plants: pd.DataFrame
    portfolio: pd.DataFrame
    tornado: pd.DataFrame
    inputs: pd.DataFrame
    asset_bands: pd.DataFrame = field(default_factory=pd.DataFrame)
    fixed: pd.DataFrame = field(default_factory=pd.DataFrame)

    def to_dict(self) -> dict[str, Any]:
        return {
            "draws": self.draws,
            "seed": self.seed,
            "plants": records(self.plants),
            "portfolio": records(self.portfolio),
            "tornado": records(self.tornado),
            "inputs": records(self.inputs),
            "asset_bands": records(self.asset_bands),
            "fixed": records(self.fixed),
        }

    def tables(self) -> dict[str, pd.DataFrame]:
        return {
            "uncertainty_plants": self.plants,
            "uncertainty_portfolio": self.portfolio,
            "uncertainty_tornado": self.tornado,
            "uncertainty_inputs": self.inputs,
            "uncertainty_fixed": self.fixed,
        }


@dataclass
class _Group:
    """One uncertain input applied to some rows: which energy it scales and how.

    ``kind`` turns a draw into a multiplier: ``ratio`` draw ÷ value used, ``multiplier`` the
    draw itself, ``efficiency`` η ÷ (1 − (1 − η)·draw) for the row's efficiency η,
    ``response`` the row's energy at the draw ÷ its energy as estimated, interpolated
    between ``nodes`` (``response``: side → rows × nodes, from re-running the measure), and
    ``profile`` Σ s′ₖ·Eₖ ÷ Σ sₖ·Eₖ for shares s′ drawn from a Dirichlet around the shares s
    (``response``: side → rows × duty points of energy Eₖ at each point alone).
    """

    name: str
    rows: np.ndarray  # positions of the rows it applies to (one for a factor)
    spec: pd.Series  # its distribution row
    target: str  # "both", "baseline", "retrofit", "tce" or "co2"
    kind: str  # "ratio", "multiplier", "efficiency", "response" or "profile"
    values: np.ndarray | float = 1.0  # per row (or one scalar for a factor); profile: shares
    nodes: np.ndarray = field(default_factory=lambda: np.ones(1))
    response: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def per_row(self) -> bool:
        return self.target in ("both", "baseline", "retrofit")

    @property
    def width(self) -> int:
        """Columns of its draws: one per row, or one shared by every row for a factor."""
        return len(self.rows) if self.per_row else 1

    def random(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """This block's random input: uniforms (size × width), or for a profile two standard
        normal draws per row (size × 2 × width)."""
        if self.kind == "profile":
            return rng.standard_normal((size, 2, self.width))
        return rng.random((size, self.width))

    @property
    def concentration(self) -> float:
        """A Dirichlet's α, from the table's ``sd`` (that of a 50 % share)."""
        return sampling.dirichlet_concentration(float(self.spec["sd"]))

    def multipliers(self, random: np.ndarray) -> dict[str, np.ndarray]:
        """The energy multiplier of each side it acts on (``tce``/``co2`` for a factor) for a
        block of random input (uniforms, or gamma draws for a profile)."""
        if self.kind == "profile":
            # the row's baseline and retrofit energies Σ s′ₖ·Eₖ under Dirichlet shares s′: drawn
            # as a normal pair with their exact means and covariance, within the points' range
            assert isinstance(self.values, np.ndarray)
            baseline, retrofit = self.response["baseline"], self.response["retrofit"]
            moments = sampling.dirichlet_linear_moments(
                self.values, baseline, retrofit, self.concentration
            )
            pair = sampling.correlated_pair(*moments, random[:, 0, :], random[:, 1, :])
            has = self.values > 0
            out = {}
            for side, energy, mean, drawn in zip(
                ("baseline", "retrofit"), (baseline, retrofit), moments[:2], pair, strict=True
            ):
                low = np.where(has, energy, np.inf).min(axis=1)
                high = np.where(has, energy, -np.inf).max(axis=1)
                with np.errstate(invalid="ignore", divide="ignore"):
                    out[side] = np.where(mean > 0, np.clip(drawn, low, high) / mean, 1.0)
            return out
        draw = _draw(self, random)
        if self.kind == "response":
            return sampling.interpolate_responses(draw, self.nodes, self.response)
        if self.kind == "ratio":
            m = draw / self.values
        elif self.kind == "efficiency":
            m = self.values / sampling.losses_efficiency(self.values, draw)
        else:
            m = draw
        sides = ("baseline", "retrofit") if self.target == "both" else (self.target,)
        return {side: m for side in sides}

    def reordered(self, position: np.ndarray) -> _Group:
        """The group after the rows move to ``position[old row]``, rows kept ascending."""
        if not self.per_row:
            return self
        moved = position[self.rows]
        order = np.argsort(moved, kind="stable")
        values = self.values
        if isinstance(values, np.ndarray) and values.ndim:
            values = values[order]
        response = {side: table[order] for side, table in self.response.items()}
        return replace(self, rows=moved[order], values=values, response=response)

    @property
    def runs(self) -> list[tuple[int, int, int]]:
        """(start, end, offset) of each contiguous run of its rows: ``rows[offset:…]`` are
        ``start … end − 1``. Rows are sorted so that these runs are few (see :func:`run`)."""
        if not hasattr(self, "_runs"):
            breaks = np.flatnonzero(np.diff(self.rows) != 1) + 1
            offsets = np.concatenate([[0], breaks])
            ends = np.concatenate([breaks, [len(self.rows)]])
            self._runs = [
                (int(self.rows[o]), int(self.rows[e - 1]) + 1, int(o))
                for o, e in zip(offsets, ends, strict=True)
            ]
        return self._runs


#: The caveat lists of the estimates being sampled, while :func:`_caveat_cache` is open:
#: assets frame's id → (the frame, each row's list number, each distinct list's codes). The
#: table's rows ask about a few codes each; factorizing a large caveats column is the cost.
_CAVEAT_LISTS: dict[int, tuple[pd.DataFrame, np.ndarray, list[set[str]]]] = {}
_CAVEAT_CACHE_DEPTH = [0]


@contextmanager
def _caveat_cache() -> Iterator[None]:
    """Factorize each estimate's caveats column once within the block (the frames are not
    changed inside it), forgetting them after."""
    _CAVEAT_CACHE_DEPTH[0] += 1
    try:
        yield
    finally:
        _CAVEAT_CACHE_DEPTH[0] -= 1
        if not _CAVEAT_CACHE_DEPTH[0]:
            _CAVEAT_LISTS.clear()


def _caveat_lists(assets: pd.DataFrame) -> tuple[np.ndarray, list[set[str]]]:
    """Each row's caveat list as a number, and the codes of each distinct list (the last, for
    number −1, empty): a column has a handful of distinct lists."""
    known = _CAVEAT_LISTS.get(id(assets))
    if known is not None and known[0] is assets:
        return known[1], known[2]
    codes, uniques = pd.factorize(assets["caveats"])
    lists = [set(str(u).split(";")) for u in uniques] + [set()]
    if _CAVEAT_CACHE_DEPTH[0]:
        _CAVEAT_LISTS[id(assets)] = (assets, codes, lists)
    return codes, lists


def _codes(assets: pd.DataFrame, code: str) -> np.ndarray:
    """Rows whose caveat codes include ``code`` (``a|b``: either; ``!a``: rows without it);
    every row for ``always``."""
    if code == "always":
        return np.ones(len(assets), dtype=bool)
    if code.startswith("!"):
        return ~_codes(assets, code[1:])
    rows, lists = _caveat_lists(assets)
    wanted = code.split("|")
    hit = np.array([any(one in codes for one in wanted) for codes in lists], dtype=bool)
    return hit[rows]  # a missing list (number −1) picks the trailing empty one


def _condition(assets: pd.DataFrame, text: str) -> np.ndarray:
    """Rows meeting a table ``condition`` (:mod:`retrofit.core.conditions`); ``part_load`` is
    tested per energy by the caller."""
    mask = np.ones(len(assets), dtype=bool)
    for part in conditions.split(text):
        if part.strip() == "part_load":
            continue
        name, op, target = conditions.parse(part)
        values = assets[name] if name in assets.columns else pd.Series(np.nan, index=assets.index)
        mask &= conditions.test(values, op, target)[0]
    return mask


def _names_factor(condition, key: str) -> bool:
    """Whether a 等价值 row's ``condition`` (``equal_value_factor=national/2025``, a key of
    table electricity_equal_value_factors) names the factor the run used; a blank condition
    names every factor."""
    for part in conditions.split(condition):
        name, _, target = conditions.parse(part)
        if name == "equal_value_factor" and key not in target.split("|"):
            return False
    return True


def method(spec) -> str:
    """How a table row's draw reaches the energies (:data:`METHODS`); a user's table without
    the ``method`` column scales them, as before the column existed."""
    value = getattr(spec, "method", None)
    return "scale" if value is None or pd.isna(value) or not str(value).strip() else str(value)


def stands_for(spec) -> list[str]:
    """The inventory columns a table row's draw stands for (column ``inventory_columns``, ``|``-joined;
    blank: the input itself)."""
    value = getattr(spec, "inventory_columns", None)
    if value is None or pd.isna(value) or not str(value).strip():
        return [str(spec.input)]
    return [c.strip() for c in str(value).split("|") if c.strip()]


def applies_to(result: EstimateResult, spec, declared: dict | None = None) -> np.ndarray:
    """The rows a table row acts on (sampled or, for a ``fixed`` row, left at the estimate):
    its ``applies`` codes and ``condition``, and a value in the column it draws."""
    a = result.assets
    n = len(a)
    mask = _codes(a, spec.applies) & _condition(a, spec.condition)
    declared = uncertain_inputs(in_use()) if declared is None else declared
    if spec.input in declared:  # an efficiency tolerance: rows with that efficiency
        tolerance = declared[spec.input]
        either = np.zeros(n, dtype=bool)
        for side in tolerance.sides:
            either |= _tolerance_rows(a, tolerance, side)
        return mask & either
    if spec.input in ("pue", "target_pue"):
        before = frame.numbers(a, "pue_baseline")
        after = frame.numbers(a, "pue_retrofit")
        has = ~np.isnan(before)
        if spec.input == "target_pue":
            has &= ~np.isnan(after) & (after != before)
        return mask & has
    if spec.input in ("equal_value_factor", "grid_co2_factor"):
        return mask
    if method(spec) == "dirichlet":
        return mask & _profiled(result)
    if spec.input in a.columns:
        values = a[spec.input]
        mask &= values.notna().to_numpy()
        if spec.distribution != FIXED:  # a drawn value must be a number
            number = frame.numbers(a, spec.input)
            mask &= ~np.isnan(number)
            if spec.scale == "relative" or spec.input in ("load_factor", "operating_hours_h"):
                mask &= number > 0  # a multiplier of zero draws nothing
    elif spec.distribution != FIXED:
        mask[:] = False  # nothing to draw: no row has the column
    return mask


def _tolerance_rows(a: pd.DataFrame, tolerance, side: str) -> np.ndarray:
    eta = frame.numbers(a, tolerance.efficiency_column.format(side=side))
    mask = ~np.isnan(eta)
    if tolerance.part_load_ratio_column is not None:
        ratio = frame.numbers(a, tolerance.part_load_ratio_column.format(side=side))
        mask &= ~np.isnan(ratio) & (ratio != 1.0)
    return mask


def _profiled(result: EstimateResult) -> np.ndarray:
    """Rows whose energy weights several duty points (a drive on a duty profile)."""
    a = result.assets
    if "flow_profile_used" not in a.columns or "duty_points" not in a.columns:
        return np.zeros(len(a), dtype=bool)
    return a["flow_profile_used"].notna().to_numpy() & (frame.numbers(a, "duty_points") > 1)


def _value(spec, name: str) -> float:
    value = getattr(spec, name)
    return float(value) if not pd.isna(value) else np.nan


def groups(
    result: EstimateResult,
    table: pd.DataFrame,
    measures: Sequence[Measure] | None = None,
    tables: Tables | None = None,
) -> list[_Group]:
    """The uncertain inputs of this estimate, each with the rows it applies to.

    Load factor, hours, PUE and the conversion factors are the run's own inputs; the
    efficiency tolerances are declared by the measures (``Measure.uncertain_inputs``,
    default: the registered ones); ``recompute`` and ``dirichlet`` rows run the rows'
    measures again (:mod:`.recompute`) with ``tables`` (default: the bundled ones).
    """
    run_measures = in_use() if measures is None else tuple(measures)
    declared = uncertain_inputs(run_measures)
    tabs = tables or Tables()
    a = result.assets
    n = len(a)
    basis = result.assumptions["basis"]
    equal_value_key = str(
        result.assumptions.get("factors", {}).get("equal_value", {}).get("key", "")
    )
    out: list[_Group | Callable[[], _Group]] = []
    batch = recompute.Batch()
    for spec in table.itertuples(index=False):
        s = pd.Series(spec._asdict())
        applies = spec.applies
        how = method(spec)
        if how not in METHODS:
            raise ReferenceDataError(
                f"reference table '{TABLE}': unknown method '{how}' for input '{spec.input}' "
                f"(expected {', '.join(METHODS)})"
            )
        if spec.distribution == FIXED:
            continue  # listed by fixed_inputs(), never drawn
        if how == "recompute":
            rows = np.flatnonzero(applies_to(result, spec, declared))
            if not len(rows):
                continue
            unchanged = 1.0 if spec.scale == "relative" else 0.0
            nodes = sampling.response_nodes(
                spec.distribution,
                low=_value(spec, "low"),
                mode=_value(spec, "mode"),
                high=_value(spec, "high"),
                sd=_value(spec, "sd"),
                centre=unchanged,
            )
            tickets = [
                (j, changes, batch.add(variant))
                for j, changes, variant in recompute.node_variants(
                    a, rows, spec.input, nodes, spec.scale
                )
            ]

            def responded(s=s, rows=rows, nodes=nodes, tickets=tickets):
                moved = [(j, changes, batch.energies_of(t)) for j, changes, t in tickets]
                response = recompute.node_response(a, rows, nodes, moved)
                return _Group(
                    s["input"], rows, s, "both", "response", nodes=nodes, response=response
                )

            out.append(responded)
        elif how == "dirichlet":
            if _value(spec, "sd") == 0:
                continue  # no spread: the profile as chosen
            rows = np.flatnonzero(applies_to(result, spec, declared))
            if not len(rows):
                continue
            flows, shares = recompute.profile_points(a["flow_profile_used"].iloc[rows], tabs)
            points = [
                (has, batch.add(variant))
                for has, variant in recompute.duty_point_variants(a, rows, flows, shares)
            ]

            def profiled(s=s, rows=rows, shares=shares, points=points):
                energy = {side: np.zeros(shares.shape) for side in recompute.SIDES}
                for k, (has, ticket) in enumerate(points):
                    for side, e in batch.energies_of(ticket).items():
                        energy[side][has, k] = e
                return _Group(s["input"], rows, s, "both", "profile", shares, response=energy)

            out.append(profiled)
        elif spec.input in ("load_factor", "operating_hours_h"):
            value = frame.numbers(a, spec.input)
            rows = np.flatnonzero(applies_to(result, spec, declared))
            used = value[rows]
            if spec.scale == "relative":  # the draw is a multiplier on the value used
                out.append(_Group(spec.input, rows, s, "both", "multiplier"))
            else:  # the draw is the value itself
                out.append(_Group(spec.input, rows, s, "both", "ratio", used))
        elif spec.input in declared:
            tolerance = declared[spec.input]
            for side in tolerance.sides:
                eta = frame.numbers(a, tolerance.efficiency_column.format(side=side)) / 100.0
                mask = (
                    _tolerance_rows(a, tolerance, side)
                    & _condition(a, spec.condition)
                    & _codes(a, applies)
                )
                rows = np.flatnonzero(mask)
                out.append(_Group(f"{spec.input}_{side}", rows, s, side, "efficiency", eta[rows]))
        elif spec.input in ("pue", "target_pue"):
            # facility energy ∝ PUE (E = E_IT·PUE): a relative draw scales it exactly
            before = frame.numbers(a, "pue_baseline")
            after = frame.numbers(a, "pue_retrofit")
            has = ~np.isnan(before) & _condition(a, spec.condition) & _codes(a, applies)
            changed = has & ~np.isnan(after) & (after != before)
            if spec.input == "pue":  # one PUE on both sides when it is not changed
                out.append(
                    _Group(spec.input, np.flatnonzero(has & ~changed), s, "both", "multiplier")
                )
                out.append(_Group(spec.input, np.flatnonzero(changed), s, "baseline", "multiplier"))
            else:
                out.append(_Group(spec.input, np.flatnonzero(changed), s, "retrofit", "multiplier"))
        elif spec.input == "equal_value_factor":
            if basis == "equal_value" and _names_factor(spec.condition, equal_value_key):
                factor_used = float(a["factor_equal_value_kgce_per_kwh"].iloc[0]) if n else np.nan
                out.append(_Group(spec.input, np.arange(1), s, "tce", "ratio", factor_used))
        elif spec.input == "grid_co2_factor":
            out.append(_Group(spec.input, np.arange(1), s, "co2", "ratio", float(spec.low)))
        else:
            raise ReferenceDataError(f"reference table '{TABLE}': unknown input '{spec.input}'")
    batch.run(run_measures, tabs)  # every recomputed input's variants in one run per measure
    built = [g if isinstance(g, _Group) else g() for g in out]
    # groups acting on the same energy multiply (e.g. tolerance and part-load losses)
    return [g for g in built if len(g.rows)]


def _draw(group: _Group, u: np.ndarray) -> np.ndarray:
    s = group.spec

    def value(name):
        return float(s[name]) if not pd.isna(s[name]) else np.nan

    return sampling.inverse_cdf(
        s["distribution"],
        u,
        low=value("low"),
        mode=value("mode"),
        high=value("high"),
        sd=value("sd"),
    )


def _evaluate(
    result: EstimateResult, gs: list[_Group], draw_for
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Energy saved by each row for a block of draws (block × rows, or 1 × rows when nothing
    is drawn), and the per-draw multipliers of the tce and CO2 factors (block × 1).

    ``draw_for(group, width)`` returns the group's random input (uniforms, block × width, or
    a profile's gamma draws), or None to leave it at its deterministic value.
    """
    a = result.assets
    energy = {
        "baseline": a["baseline_energy_kwh"].to_numpy(float),
        "retrofit": a["retrofit_energy_kwh"].to_numpy(float),
    }
    scaled: dict[str, np.ndarray | None] = {"baseline": None, "retrofit": None}
    factor = {"tce": np.ones((1, 1)), "co2": np.ones((1, 1))}
    for g in gs:
        random = draw_for(g, g.width)
        if random is None:
            continue
        for side, m in g.multipliers(random).items():
            if side in factor:
                factor[side] = factor[side] * m[:, :1]
                continue
            side_scaled = scaled[side]
            if side_scaled is None:
                side_scaled = scaled[side] = np.repeat(energy[side][None, :], m.shape[0], axis=0)
            for start, end, offset in g.runs:  # slices, not a gather and scatter
                side_scaled[:, start:end] *= m[:, offset : offset + end - start]
    b = energy["baseline"][None, :] if scaled["baseline"] is None else scaled["baseline"]
    r = energy["retrofit"][None, :] if scaled["retrofit"] is None else scaled["retrofit"]
    return b - r, factor["tce"], factor["co2"]


def _sorted_by_inputs(
    result: EstimateResult, gs: list[_Group]
) -> tuple[EstimateResult, list[_Group]]:
    """The result with its rows ordered by the set of inputs that apply to them, so that each
    input's rows are a few contiguous runs (multiplied as slices), and the groups moved
    with them."""
    signature = np.zeros(len(result.assets), dtype=np.int64)
    for bit, g in enumerate(g for g in gs if g.per_row):
        signature[g.rows] |= np.int64(1) << np.int64(bit % 62)
    order = np.argsort(signature, kind="stable")
    position = np.empty_like(order)
    position[order] = np.arange(len(order))
    ordered = EstimateResult(
        result.assets.iloc[order].reset_index(drop=True),
        result.plants,
        result.assumptions,
        result.caveats,
    )
    return ordered, [g.reordered(position) for g in gs]


def _weights(result: EstimateResult) -> tuple[np.ndarray, np.ndarray]:
    """Per row, tce and t CO2 per kWh saved at the factors the estimate used."""
    a = result.assets
    unit = np.ones(len(a))
    headline = result.assumptions["basis"]
    return (
        energy_to_tce(unit, a[f"factor_{headline}_kgce_per_kwh"].to_numpy(float)),
        energy_to_co2_t(unit, a["grid_factor_tco2_per_mwh"].to_numpy(float)),
    )


def run(
    result: EstimateResult,
    draws: int,
    *,
    seed: int = 0,
    tables: Tables | None = None,
    measures: Sequence[Measure] | None = None,
) -> UncertaintyResult:
    """Monte Carlo of an estimate's savings (see the module text); ``measures`` are the run's
    (default: the registered ones), whose uncertain inputs are drawn."""
    if draws < 1:
        raise OptionError(f"--uncertainty {draws}: expected at least 1 draw")
    tabs = tables or Tables()
    table = tabs[TABLE]
    for kind in table["distribution"]:
        if kind not in (*sampling.DISTRIBUTIONS, FIXED, "dirichlet"):
            raise ReferenceDataError(f"reference table '{TABLE}': unknown distribution '{kind}'")
    with _caveat_cache():  # the table's rows test the estimate's caveat codes
        found = groups(result, table, measures, tabs)
        fixed = fixed_inputs(result, table, measures)
    result, gs = _sorted_by_inputs(result, found)
    a = result.assets
    n = len(a)
    plant_ids = pd.Index(result.plants["plant_id"])  # the plants table's order
    plant_codes = plant_ids.get_indexer(a["plant_id"])
    p = len(plant_ids)
    if draws * max(p, 1) > MAX_PLANT_DRAWS:
        raise OptionError(
            f"{draws:,} draws × {p:,} plants exceeds {MAX_PLANT_DRAWS:,} plant "
            "totals in memory: use fewer draws or split the inventory"
        )
    membership = sparse.csr_matrix((np.ones(n), (np.arange(n), plant_codes)), shape=(n, p))
    metered = (
        np.flatnonzero(a["metered_saving_kwh"].notna().to_numpy())
        if "metered_saving_kwh" in a.columns
        else np.array([], dtype=int)
    )
    block = max(1, min(draws, BLOCK_ELEMENTS // max(n, 1)))
    starts = range(0, draws, block)
    streams = np.random.SeedSequence(seed).spawn(len(starts))
    plant = {k: np.empty((draws, p)) for k in ("coal_saved_tce", "energy_saved_kwh")}
    total = {k: np.empty(draws) for k in ("coal_saved_tce", "energy_saved_kwh", "co2_avoided_t")}
    band = np.empty((draws, len(metered)))
    tce_per_kwh, co2_per_kwh = _weights(result)
    weighted = {
        "energy_saved_kwh": membership,
        "coal_saved_tce": sparse.diags(tce_per_kwh) @ membership,
        "co2_avoided_t": sparse.diags(co2_per_kwh) @ membership,
    }
    # the three side by side: one product per block (each column summed as alone)
    side_by_side = sparse.hstack(list(weighted.values()), format="csr")
    for start, stream in zip(starts, streams, strict=True):
        size = min(block, draws - start)
        rng = np.random.default_rng(stream)
        # every group's uniforms drawn in a fixed order: the same seed, the same numbers
        uniforms = {id(g): g.random(rng, size) for g in gs}
        saved, tce_factor, co2_factor = _evaluate(
            result, gs, lambda g, _w, uniforms=uniforms: uniforms[id(g)]
        )
        saved = np.broadcast_to(saved, (size, n))
        rows = slice(start, start + size)
        multiplier = {
            "energy_saved_kwh": 1.0,
            "coal_saved_tce": tce_factor,
            "co2_avoided_t": co2_factor,
        }
        # (matrixᵀ · savedᵀ)ᵀ: plant sums of each draw, weighted by the row's factor
        all_sums = np.asarray(side_by_side.T @ saved.T).T
        for k, key in enumerate(weighted):
            sums = all_sums[:, k * p : (k + 1) * p] * multiplier[key]
            sums = np.broadcast_to(sums, (size, p))
            total[key][rows] = sums.sum(axis=1)
            if key in plant:
                plant[key][rows] = sums
        if len(metered):
            band[rows] = saved[:, metered]
    return UncertaintyResult(
        draws=draws,
        seed=seed,
        plants=_plant_table(result, plant_ids, plant),
        portfolio=_portfolio_table(result, total),
        tornado=_tornado(result, gs, seed),
        inputs=_inputs_table(gs, n),
        asset_bands=_asset_bands(result, metered, band),
        fixed=fixed,
    )


def _percentiles(values: np.ndarray) -> np.ndarray:
    return np.percentile(values, PERCENTILES, axis=0)


def _plant_table(result, plant_ids, plant) -> pd.DataFrame:
    det = result.plants.set_index("plant_id").reindex(plant_ids)
    tce = _percentiles(plant["coal_saved_tce"])
    kwh = _percentiles(plant["energy_saved_kwh"])
    energy = det["plant_energy_tce"].to_numpy(float)
    target = det["bai_yi_target_share"].to_numpy(float)
    headline = det["coal_saved_tce"].to_numpy(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        # the verdict is on the plant's energy basis (saving_share), the draws on the headline
        # basis: one run has one factor per basis, so the draws scale by the deterministic ratio
        on_basis = det["saving_share"].to_numpy(float) * energy
        scale = np.where(headline != 0, on_basis / headline, 1.0)
        meets = (plant["coal_saved_tce"] * scale / energy >= target).mean(axis=0)
    return pd.DataFrame(
        {
            "plant_id": np.asarray(plant_ids, dtype=object),
            "deterministic": det["coal_saved_tce"].to_numpy(float),
            "p10": tce[0],
            "p50": tce[1],
            "p90": tce[2],
            "energy_saved_kwh_p10": kwh[0],
            "energy_saved_kwh_p50": kwh[1],
            "energy_saved_kwh_p90": kwh[2],
            "deterministic_percentile": below(plant["coal_saved_tce"], headline),
            "plant_energy_tce": energy,
            "probability_meets_bai_yi": np.where(np.isnan(energy), np.nan, meets),
        }
    )


def below(draws: np.ndarray, estimate) -> np.ndarray:
    """Where the estimate lies among the draws: the percentage of draws below it, ties
    counted half (50 when every draw equals it) [%]; ``draws`` is (draws, columns) or
    (draws,)."""
    value = np.asarray(estimate, dtype=float)
    return 100.0 * ((draws < value).mean(axis=0) + 0.5 * (draws == value).mean(axis=0))


def _portfolio_table(result, total) -> pd.DataFrame:
    rows = []
    for key, values in total.items():
        q = np.percentile(values, PERCENTILES)
        deterministic = float(result.assets[key].sum())
        rows.append(
            {
                "metric": key,
                "deterministic": deterministic,
                "p10": q[0],
                "p50": q[1],
                "p90": q[2],
                "mean": float(values.mean()),
                "deterministic_percentile": float(below(values, deterministic)),
            }
        )
    return pd.DataFrame(rows)


def _totals_alone(
    result: EstimateResult,
    members: list[_Group],
    draw_for: Callable[[_Group, int], np.ndarray],
    tce_per_kwh: np.ndarray,
    estimate: float,
) -> np.ndarray:
    """Total coal saved per draw with only ``members`` drawn (``draw_for(member, width)``: its
    random input, one column shared by its rows unless it is a duty profile), every other
    input as estimated [tce/yr].

    The other rows keep their saving, so only the rows the members act on count: the total is
    the estimate's plus the change on those rows, ``E·(m − 1)`` on each side for the product
    ``m`` of the members' multipliers (the same multipliers, in the same order, as
    :func:`_evaluate`; the sum differs from that over every row by rounding only).
    """
    a = result.assets
    row_members = [g for g in members if g.per_row]
    if len(row_members) == 1:
        rows = row_members[0].rows  # ascending (see _Group.reordered)
    else:
        union = np.zeros(len(a), dtype=bool)
        for g in row_members:
            union[g.rows] = True
        rows = np.flatnonzero(union)
    energy = {
        "baseline": a["baseline_energy_kwh"].to_numpy(float)[rows],
        "retrofit": a["retrofit_energy_kwh"].to_numpy(float)[rows],
    }
    # each side's product of the members' multipliers on these rows (None: 1 everywhere)
    product: dict[str, np.ndarray | None] = {"baseline": None, "retrofit": None}
    factor = np.ones((1, 1))
    for member in members:
        # every row of a member is at the same quantile here (a grid or a percentile): one
        # column of draws broadcasts over its rows (a profile's random input differs by row)
        width = member.width if member.kind == "profile" else 1
        for side, m in member.multipliers(draw_for(member, width)).items():
            if side == "tce":
                factor = factor * m[:, :1]
                continue
            if side == "co2":
                continue  # the total of coal saved does not depend on it
            side_product = product[side]
            if len(member.rows) == len(rows):  # the member's rows are all of them
                product[side] = m if side_product is None else side_product * m
                continue
            # a new array: a multiplier may be shared by both sides, never changed in place
            start = np.ones((m.shape[0], len(rows)))
            side_product = start if side_product is None else start * side_product
            side_product[:, np.searchsorted(rows, member.rows)] *= m
            product[side] = side_product
    change = np.zeros((1, len(rows)))
    for side, sign in (("baseline", 1.0), ("retrofit", -1.0)):
        side_product = product[side]
        if side_product is not None:  # the row's energy × (its multiplier − 1)
            change = change + sign * energy[side] * (side_product - 1.0)
    return (estimate + change @ tce_per_kwh[rows]) * factor.ravel()


def _tornado(result, gs, seed: int = 0) -> pd.DataFrame:
    """Total coal saved with one input at its P10 and then its P90 on every row it applies
    to (the others as estimated), one bar per input. A duty profile has no single quantile
    (its shares move together): its bar is the P10 and P90 of total coal saved over
    :data:`TORNADO_PROFILE_DRAWS` draws of the profiles alone.

    ``mean_shift`` is the mean of total coal saved with the input drawn alone, less the
    estimate: non-zero where the input's distribution is skewed about the value the estimate
    used (its mean is not that value), the reason the estimate can lie outside P10–P90."""
    rows = []
    tce_per_kwh, _ = _weights(result)
    saved, tce_factor, _ = _evaluate(result, gs, lambda _g, _w: None)
    estimate = float((saved @ tce_per_kwh * tce_factor.ravel())[0])
    grid = (np.arange(MEAN_GRID) + 0.5) / MEAN_GRID
    for name in dict.fromkeys(g.name for g in gs):
        members = [g for g in gs if g.name == name]
        ends = []
        if any(m.kind == "profile" for m in members):
            rng = np.random.default_rng(seed)
            # in blocks of draws (bounded memory): a generator's stream gives one member the
            # same normals in blocks as at once; several members draw theirs one after the
            # other, so they take all draws at once
            width = sum(g.width for g in members)
            block = max(1, min(TORNADO_PROFILE_DRAWS, BLOCK_ELEMENTS // max(width, 1)))
            if len(members) > 1:
                block = TORNADO_PROFILE_DRAWS
            parts = []
            for start in range(0, TORNADO_PROFILE_DRAWS, block):
                size = min(block, TORNADO_PROFILE_DRAWS - start)
                alone = {id(g): g.random(rng, size) for g in members}

                def drawn(member: _Group, _width: int, alone=alone) -> np.ndarray:
                    return alone[id(member)]

                parts.append(_totals_alone(result, members, drawn, tce_per_kwh, estimate))
            totals = np.concatenate(parts)
            ends = [float(v) for v in np.percentile(totals, [100 * q for q in TORNADO_QUANTILES])]
            mean = float(totals.mean())
        else:  # the mean over evenly spaced quantiles (the total is a sum over rows)

            def on_grid(member, shape):
                return np.repeat(grid[:, None], shape, axis=1)

            mean = float(_totals_alone(result, members, on_grid, tce_per_kwh, estimate).mean())
        for q in TORNADO_QUANTILES if not ends else ():

            def draw_for(member, shape, q=q):
                return np.full((1, shape), q)

            totals = _totals_alone(result, members, draw_for, tce_per_kwh, estimate)
            ends.append(float(totals[0]))
        s = members[0].spec
        count = sum(len(m.rows) for m in members if m.per_row)
        rows.append(
            {
                "input": name,
                "rows": count or len(result.assets),
                "at_p10": ends[0],
                "at_p90": ends[1],
                "swing": abs(ends[1] - ends[0]),
                "mean_shift": mean - estimate,
                "distribution": s["distribution"],
                "confidence": s["confidence"],
                "source": s["source"],
            }
        )
    frame = pd.DataFrame(
        rows,
        columns=[
            "input",
            "rows",
            "at_p10",
            "at_p90",
            "swing",
            "mean_shift",
            "distribution",
            "confidence",
            "source",
        ],
    )
    frame = frame[frame["swing"] > 0] if len(frame) else frame
    return frame.sort_values("swing", ascending=False, kind="stable").reset_index(drop=True)


def _inputs_table(gs, n) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "input": g.name,
                "rows": len(g.rows) if g.per_row else n,
                "method": method(g.spec),
                "inventory_columns": ", ".join(stands_for(g.spec)),
                "distribution": g.spec["distribution"],
                "low": g.spec["low"],
                "mode": g.spec["mode"],
                "high": g.spec["high"],
                "sd": g.spec["sd"],
                "unit": g.spec["unit"],
                "applies": g.spec["applies"],
                "condition": g.spec["condition"],
                "confidence": g.spec["confidence"],
                "source": g.spec["source"],
            }
            for g in gs
        ]
    )


def fixed_inputs(
    result: EstimateResult, table: pd.DataFrame, measures: Sequence[Measure] | None = None
) -> pd.DataFrame:
    """The inputs that move a saving but stay at their estimate (table rows with distribution
    ``fixed``), with the rows of this estimate they act on and why they are not drawn.

    A row counts when it meets the table row's ``applies`` and ``condition`` and, where the
    input is an inventory column, has a value in it."""
    declared = uncertain_inputs(in_use() if measures is None else measures)
    rows = [
        {
            "input": spec.input,
            "rows": int(applies_to(result, spec, declared).sum()),
            "inventory_columns": ", ".join(stands_for(spec)),
            "fixed_because": spec.note,
            "source": spec.source,
            "confidence": spec.confidence,
        }
        for spec in table[table["distribution"] == FIXED].itertuples(index=False)
    ]
    return pd.DataFrame(
        rows,
        columns=["input", "rows", "inventory_columns", "fixed_because", "source", "confidence"],
    )


def coverage(
    result: EstimateResult,
    table: pd.DataFrame | None = None,
    measures: Sequence[Measure] | None = None,
) -> dict[str, dict[str, np.ndarray]]:
    """Which rows of an estimate each inventory column is drawn on and which it is listed as
    fixed on: ``column → {"sampled": mask, "fixed": mask}`` over the table's rows (columns a
    draw stands for: :func:`stands_for`). A column that moves a row's saving must be one or
    the other on that row (``tests/test_uncertainty_coverage.py`` walks the measures)."""
    table = Tables()[TABLE] if table is None else table
    declared = uncertain_inputs(in_use() if measures is None else measures)
    n = len(result.assets)
    out: dict[str, dict[str, np.ndarray]] = {}
    with _caveat_cache():  # the table's rows test the estimate's caveat codes
        for spec in table.itertuples(index=False):
            kind = "fixed" if spec.distribution == FIXED else "sampled"
            mask = applies_to(result, spec, declared)
            for column in stands_for(spec):
                entry = out.setdefault(
                    column, {"sampled": np.zeros(n, dtype=bool), "fixed": np.zeros(n, dtype=bool)}
                )
                entry[kind] |= mask
    return out


def _asset_bands(result, metered, band) -> pd.DataFrame:
    if not len(metered):
        return pd.DataFrame()
    q = _percentiles(band)
    a = result.assets.iloc[metered]
    return pd.DataFrame(
        {
            "plant_id": a["plant_id"].to_numpy(object),
            "asset_id": a["asset_id"].to_numpy(object),
            "energy_saved_kwh": a["energy_saved_kwh"].to_numpy(float),
            "p10": q[0],
            "p50": q[1],
            "p90": q[2],
            "metered_saving_kwh": a["metered_saving_kwh"].to_numpy(float),
        }
    )


def attach(
    result: EstimateResult,
    draws: int,
    *,
    seed: int = 0,
    tables: Tables | None = None,
    measures: Sequence[Measure] | None = None,
) -> UncertaintyResult:
    """Run the Monte Carlo, attach it to ``result`` (``result.uncertainty``, an assumptions
    entry) and flag metered savings outside the P10–P90 band."""
    outcome = run(result, draws, seed=seed, tables=tables, measures=measures)
    result.uncertainty = outcome
    covered = outcome.inputs["input"].tolist() if len(outcome.inputs) else []
    result.assumptions["uncertainty"] = {
        "draws": draws,
        "seed": seed,
        "table": TABLE,
        "inputs": covered,
        "percentiles": list(PERCENTILES),
        "model": "each draw scales a row's baseline and retrofit energy: load and hours by "
        "draw ÷ value used; a motor's energy by η ÷ (1 − (1 − η)·m) for a losses "
        "multiplier m; inputs acting non-linearly (static head, leak share, compressor "
        "specific power and load, a transformer's or pile's load) by the row's energy "
        "recomputed by its measure at the ends, mode and estimate of the distribution, "
        "interpolated; a duty profile's shares of hours from a Dirichlet around them; the "
        "等价值 and grid factors by one draw per iteration",
        "not_covered": "inputs that move a saving but are not drawn (decisions of the plan, "
        "nameplate facts, metered values, curves without a published spread) stay at their "
        "estimate: the table uncertainty_fixed lists each, the rows it acts on and why",
        "fixed_inputs": outcome.fixed["input"].tolist() if len(outcome.fixed) else [],
        "tornado": "total coal saved with one input at its P10 and at its P90 on every row it "
        "applies to, the others as estimated",
        "estimate_position": estimate_position(outcome),
    }
    flag_metered(result, outcome)
    return outcome


def estimate_position(outcome: UncertaintyResult) -> dict[str, Any]:
    """Where the estimate of total coal saved lies among the draws, and, when it lies outside
    P10–P90, the inputs whose skewed distributions move the draws' mean most (tornado
    ``mean_shift``, largest first)."""
    total = outcome.portfolio.set_index("metric").loc["coal_saved_tce"]
    inside = bool(total["p10"] <= total["deterministic"] <= total["p90"])
    shifts = outcome.tornado[["input", "mean_shift"]] if len(outcome.tornado) else None
    skewed = []
    if shifts is not None and not inside:
        order = shifts["mean_shift"].abs().sort_values(ascending=False, kind="stable").index
        skewed = [
            {"input": str(r.input), "mean_shift_tce": float(r.mean_shift)}
            for r in shifts.loc[order[:SKEWED_SHOWN]].itertuples()
        ]
    return {
        "percentile": float(total["deterministic_percentile"]),
        "inside_p10_p90": inside,
        "mean_shift_tce": float(total["mean"] - total["deterministic"]),
        "skewed_inputs": skewed,
    }


def flag_metered(result: EstimateResult, outcome: UncertaintyResult | None) -> None:
    """``metered_flag`` on the rows and plants with a metered saving: within, above or below
    the estimate's P10–P90 band of energy saved, or no band without a Monte Carlo."""
    if "metered_saving_kwh" in result.plants.columns:
        band = None
        if outcome is not None:
            kwh = outcome.plants.set_index("plant_id").reindex(result.plants["plant_id"])
            band = pd.DataFrame(
                {
                    "p10": kwh["energy_saved_kwh_p10"].to_numpy(),
                    "p90": kwh["energy_saved_kwh_p90"].to_numpy(),
                }
            )
        _flag(
            result,
            result.plants,
            band,
            "plant_id",
            "metered.plant_outside_band",
            "a plant's metered saving",
            "企业计量节能量",
        )
    if "metered_saving_kwh" in result.assets.columns:
        band = None
        if outcome is not None and not outcome.asset_bands.empty:
            band = pd.DataFrame(np.nan, index=result.assets.index, columns=["p10", "p90"])
            rows = result.assets["metered_saving_kwh"].notna().to_numpy()
            band.loc[rows, ["p10", "p90"]] = outcome.asset_bands[["p10", "p90"]].to_numpy()
        _flag(
            result,
            result.assets,
            band,
            "asset_id",
            "metered.outside_band",
            "the metered saving",
            "计量节能量",
        )


def band_flag(value: np.ndarray, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """ "above P90", "below P10" or "within P10–P90" for each metered value."""
    return np.where(
        value > high, "above P90", np.where(value < low, "below P10", "within P10–P90")
    ).astype(object)


def _flag(result, frame, band, key, code, what, what_zh) -> None:
    value = frame["metered_saving_kwh"].to_numpy(float)
    known = ~np.isnan(value)
    flag = np.full(len(frame), None, dtype=object)
    if band is None:
        flag[known] = "no band: run with --uncertainty"
    else:
        flag[known] = band_flag(value, band["p10"].to_numpy(float), band["p90"].to_numpy(float))[
            known
        ]
    frame["metered_flag"] = flag
    outside = np.isin(flag, ["above P90", "below P10"])
    if outside.any():
        names = frame.loc[outside, key].astype(str).tolist()
        result.caveats.append(
            _caveat(
                code,
                f"{what} lies outside the estimate's P10–P90 band: check the meter boundary, "
                "output and hours, or the inventory's inputs: " + ", ".join(names[:20]),
                f"{what_zh}超出估算的 P10–P90 区间，请核查计量边界、产量与运行时间或清单数据",
                int(outside.sum()),
                {key: names},
            )
        )


def _caveat(code, message, message_zh, count, data):
    from ..core.caveats import Caveat

    return Caveat(code, message, message_zh, count, data)
