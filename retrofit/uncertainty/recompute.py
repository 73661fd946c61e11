"""Responses of an estimate's rows to inputs that act non-linearly, by running their measures
again.

The energy-scaling Monte Carlo (:mod:`.montecarlo`) multiplies a row's energies by a factor
per draw. That is exact for load, hours and PUE, but a static head enters the system curve and
the speed a drive needs, a leak share and a compressor's load act through its part-load
control curve, and a duty profile weights the duty points. For such inputs the rows are
computed again by their own measure (the same ``compute`` the estimate used):

- :func:`node_response`: at a few values of the input (the nodes of its distribution), giving
  each row's baseline and retrofit energy as a ratio to the row at the value the estimate used;
  a draw then interpolates between the nodes (:func:`retrofit.models.sampling.interpolate_response`);
- :func:`duty_point_energies`: each duty point of a row's flow profile alone (its whole hours
  at that flow), so that any other split of the hours gives the row's energy exactly as the
  share-weighted sum (the energy is linear in the shares).

Both run each measure once per node (or duty point) on the rows concerned only, vectorised
over those rows.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..core.caveats import CaveatLog
from ..core.reference import Tables
from ..inventory.schema import COLUMN_BY_NAME, normalise
from ..measures.base import Measure, route
from ..models import flow_control

#: The energies a response is read from.
SIDES = ("baseline", "retrofit")


def energies(
    assets: pd.DataFrame, measures: Sequence[Measure], tables: Tables
) -> dict[str, np.ndarray]:
    """Baseline and retrofit energy of every row of ``assets`` [kWh/yr], each row computed by
    the measure that computed it in the estimate (NaN where a measure refused it)."""
    n = len(assets)
    out = {side: np.full(n, np.nan) for side in SIDES}
    routes = route(assets["category"], assets["measure"], measures)
    for measure in measures:
        positions = np.flatnonzero(routes == measure.name)
        if not positions.size:
            continue
        frame, _ = measure.compute(assets, positions, tables, CaveatLog(n), file="", header_map={})
        for side in SIDES:
            out[side][positions] = frame[f"{side}_energy_kwh"].to_numpy(float)
    return out


def _ratio(energy: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """``energy / reference``; 1 where the reference is zero or either is unknown (such a row
    keeps its estimate: a ratio cannot carry a change from zero)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = energy / reference
    return np.where(np.isfinite(ratio), ratio, 1.0)


def bounded(column: str, values: np.ndarray) -> np.ndarray:
    """``values`` clipped to the inventory column's allowed range (an open bound is kept just
    inside), so that a perturbed input is one the measure accepts."""
    spec = COLUMN_BY_NAME.get(column)
    out = np.asarray(values, dtype=float)
    if spec is None:
        return out
    if spec.minimum is not None:
        low = spec.minimum if spec.minimum_inclusive else np.nextafter(spec.minimum, np.inf)
        out = np.maximum(out, low)
    if spec.maximum is not None:
        high = spec.maximum if spec.maximum_inclusive else np.nextafter(spec.maximum, -np.inf)
        out = np.minimum(out, high)
    return out


class Batch:
    """Frames of varied rows gathered from every input, so that each measure runs once over all
    of them (a measure's cost is mostly per call, not per row).

    :meth:`add` returns a ticket; after :meth:`run`, :meth:`energies_of` gives that ticket's
    energies, side → (rows,) [kWh/yr]. Frames keep only the inventory columns (the estimate's
    outputs are not inputs of a measure), which bounds the memory of the stack.
    """

    def __init__(self) -> None:
        self._frames: list[pd.DataFrame] = []
        self._spans: list[tuple[int, int]] = []  # (first row, rows)
        self._energy: dict[str, np.ndarray] = {}
        self._size = 0

    def add(self, variant: pd.DataFrame) -> int:
        self._spans.append((self._size, len(variant)))
        if len(variant):
            self._frames.append(variant)
        self._size += len(variant)
        return len(self._spans) - 1

    def run(self, measures: Sequence[Measure], tables: Tables) -> None:
        if self._frames:
            stacked = pd.concat(self._frames, ignore_index=True)
            self._frames = []
            self._energy = energies(stacked, measures, tables)

    def energies_of(self, ticket: int) -> dict[str, np.ndarray]:
        first, rows = self._spans[ticket]
        if not rows:
            return {side: np.empty(0) for side in SIDES}
        return {side: self._energy[side][first : first + rows] for side in SIDES}


def inputs_of(assets: pd.DataFrame, rows: np.ndarray) -> pd.DataFrame:
    """The inventory columns of the rows at ``rows`` (what a measure reads)."""
    keep = [k for k, c in enumerate(assets.columns) if c in COLUMN_BY_NAME or c == "source_row"]
    return assets.iloc[rows, keep]  # the columns chosen first: the outputs are never copied


def node_variants(
    assets: pd.DataFrame, rows: np.ndarray, column: str, nodes: np.ndarray, scale: str
) -> list[tuple[int, np.ndarray, pd.DataFrame]]:
    """For each node that changes ``column`` on some row: its index, the positions in ``rows``
    of the rows it changes, and those rows with ``column`` moved to the node.

    ``nodes`` are multipliers of the value used (``scale="relative"``) or amounts added to it
    (``scale="additive"``); the result is clipped to the column's range. A row the clip leaves
    at its value is not computed again: its measure would give its estimate exactly (ratio 1).
    """
    subset = inputs_of(assets, rows)
    used = pd.to_numeric(subset[column], errors="coerce").to_numpy(float)
    unchanged = 1.0 if scale == "relative" else 0.0
    variants = []
    for j, node in enumerate(nodes):
        if node == unchanged:  # ratio 1 on every row
            continue
        moved = bounded(column, used * node if scale == "relative" else used + node)
        changes = np.flatnonzero(~(moved == used))  # a NaN is computed, as any other value
        if not changes.size:
            continue
        variant = subset.iloc[changes].copy() if changes.size < len(rows) else subset.copy()
        variant[column] = moved[changes]
        variants.append((j, changes, variant))
    return variants


def node_response(
    assets: pd.DataFrame,
    rows: np.ndarray,
    nodes: np.ndarray,
    moved: list[tuple[int, np.ndarray, dict[str, np.ndarray]]],
) -> dict[str, np.ndarray]:
    """Each row's energy at each node as a ratio to the row as estimated: side → (rows,
    nodes) [unitless], 1 at the node that leaves the value unchanged and on rows a node does
    not change; ``moved`` holds, per node that changes rows, its index, the positions in
    ``rows`` it changes and their energies (side → (positions,), from a :class:`Batch`)."""
    # the estimate's own energies: its measures on these rows give them again exactly
    # (tests/test_uncertainty_coverage.py checks it on every module)
    reference = {side: assets[f"{side}_energy_kwh"].to_numpy(float)[rows] for side in SIDES}
    response = {side: np.ones((len(rows), len(nodes))) for side in SIDES}
    for j, changes, energy in moved:
        for side in SIDES:
            response[side][changes, j] = _ratio(energy[side], reference[side][changes])
    return response


def profile_points(texts: pd.Series, tables: Tables) -> tuple[np.ndarray, np.ndarray]:
    """Duty points of each profile text used (``flow_profile_used``: a name of table
    flow_profiles or ``% flow:% hours`` pairs): flows and shares, (rows, K), padded with
    zero shares. A text that cannot be read gives the design point alone."""
    named = tables["flow_profiles"]
    by_name = {normalise(k): g for k, g in named.groupby("profile")}
    codes, uniques = pd.factorize(texts.astype(object))
    parsed = []
    for text in uniques:
        group = by_name.get(normalise(text))
        if group is not None:
            time = group["time_pct"].to_numpy(float)
            parsed.append((group["flow_pct"].to_numpy(float) / 100.0, time / time.sum()))
            continue
        try:
            parsed.append(flow_control.parse_flow_profile(text))
        except ValueError:
            parsed.append((np.ones(1), np.ones(1)))
    width = max([len(f) for f, _ in parsed] + [1])
    flows = np.ones((len(parsed) + 1, width))
    shares = np.zeros((len(parsed) + 1, width))
    shares[-1, 0] = 1.0  # code −1 (no text): the design point
    for k, (flow, share) in enumerate(parsed):
        flows[k, : len(flow)] = flow
        shares[k, : len(share)] = share
    return flows[codes], shares[codes]


def duty_point_variants(
    assets: pd.DataFrame, rows: np.ndarray, flows: np.ndarray, shares: np.ndarray
) -> list[tuple[np.ndarray, pd.DataFrame]]:
    """For each duty point k, the rows that have it with all their hours at it: (positions in
    ``rows``, frame). The energy of a row for shares ``s`` is then ``Σ_k s_k·E_k`` (the
    measures weight each point's power by its share of the hours)."""
    subset = inputs_of(assets, rows)
    variants = []
    for k in range(flows.shape[1]):
        has = np.flatnonzero(shares[:, k] > 0)
        variant = subset.iloc[has].copy()
        codes, distinct = pd.factorize(flows[has, k])  # a few flows: format each once
        texts = np.array([f"{flow * 100:.12g}:100" for flow in distinct], dtype=object)
        variant["flow_profile"] = texts[codes]
        variants.append((has, variant))
    return variants
