"""The measure registry: what a system module declares about itself, and the ordered list.

A *measure* here is a system module: it takes whole inventory rows (every retrofit measure on
the row at once, so that a new motor behind a new drive is never counted twice) and computes
their baseline and retrofit energy. Each built-in module declares a :class:`Measure` and
:func:`register`\\ s it at import; the orchestrator, the output column order, the assumptions'
model list and the Monte Carlo's groups are all read from the registry, as pvlib's ModelChain
reads its model functions and sqlite-utils its plugins. A user's own :class:`Measure` (or a
module exposing one as ``MEASURE``) can be passed to :func:`retrofit.pipeline.estimate` for one
run without registering it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import Protocol

import numpy as np
import pandas as pd

from ..core.caveats import CaveatLog
from ..core.exceptions import InventoryIssue, OptionError
from ..core.reference import Tables


class Compute(Protocol):
    """A system module's ``compute``: energy of the rows at ``positions`` of ``assets``.

    Returns a frame indexed like those rows, holding at least ``baseline_energy_kwh`` and
    ``retrofit_energy_kwh`` [kWh/yr] and every intermediate value a reviewer needs, and the
    data issues found (an empty list when there are none).
    """

    def __call__(
        self,
        assets: pd.DataFrame,
        positions: np.ndarray,
        tables: Tables,
        log: CaveatLog,
        *,
        file: str,
        header_map: dict[str, str],
    ) -> tuple[pd.DataFrame, list[InventoryIssue]]: ...


#: Which rows a measure takes: (validated ``category``, ``+``-joined ``measure``) → bool per row.
Takes = Callable[[pd.Series, pd.Series], np.ndarray]

#: Columns every measure's ``compute`` must return: the rest of the estimate reads them.
REQUIRED_OUTPUTS = ("baseline_energy_kwh", "retrofit_energy_kwh")


@dataclass(frozen=True)
class EfficiencyTolerance:
    """An input of table ``uncertainty_distributions`` that acts on an efficiency the measure
    reports: each draw ``m`` multiplies the losses ``1 − η`` of the efficiency in
    ``efficiency_column`` (``{side}`` is ``baseline`` or ``retrofit``), so that side's energy is
    multiplied by ``η / (1 − (1 − η)·m)``.

    ``part_load_ratio_column``, when given, restricts the input to rows whose ratio (efficiency
    at load ÷ full-load efficiency) is not 1, i.e. rows actually read off a part-load curve.
    """

    input: str
    efficiency_column: str = "efficiency_{side}_pct"
    part_load_ratio_column: str | None = None
    #: the sides it acts on: a series → class mapping is a doubt about the present motor only
    sides: tuple[str, ...] = ("baseline", "retrofit")


@dataclass(frozen=True, eq=False)
class Measure:
    """What a system module is: its name, which rows it takes, how it computes them, what it
    reports and how it is described.

    Attributes
    ----------
    name : str
        System name, unique in a run (``"motor"``, ``"fan_pump"``, …); the value of
        :func:`route` for the rows it takes.
    takes : callable
        ``takes(category, measure) -> bool ndarray``: the rows this measure computes, given the
        validated ``category`` and ``+``-joined ``measure`` columns.
    compute : callable
        See :class:`Compute`.
    output_columns : mapping
        Column name → description with its unit in brackets, in output order. Columns that a
        run's core already lists (energy, tce, money) keep the core's position.
    model : str
        The model in one paragraph (equations and tables used), written to
        ``assumptions["models"]``.
    model_key : str
        Key of ``model`` in ``assumptions["models"]``; defaults to ``name``.
    uncertain_inputs : tuple of EfficiencyTolerance
        Measure-specific inputs of table ``uncertainty_distributions`` (load factor, hours and
        the conversion factors are the run's own and need no declaration).
    fallback : bool
        Takes every row no other measure takes, whatever ``takes`` says; consulted last. One
        built-in (``motor``) is the fallback.
    """

    name: str
    takes: Takes
    compute: Compute
    output_columns: Mapping[str, str]
    model: str
    model_key: str = ""
    uncertain_inputs: tuple[EfficiencyTolerance, ...] = ()
    fallback: bool = False

    def __post_init__(self) -> None:
        # model_key defaults to the name; the dataclass is frozen, so it is set here once
        if not self.model_key:
            object.__setattr__(self, "model_key", self.name)
        _check(self)


def _check(measure: Measure) -> None:
    """Raise ``TypeError`` naming every field that is missing or of the wrong kind."""
    problems = []
    if not isinstance(measure.name, str) or not measure.name.isidentifier():
        problems.append(f"name {measure.name!r} (a snake_case identifier such as 'lighting')")
    problems += [
        f"{attribute} (a function, got {getattr(measure, attribute)!r})"
        for attribute in ("takes", "compute")
        if not callable(getattr(measure, attribute))
    ]
    columns = measure.output_columns
    if not isinstance(columns, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in columns.items()
    ):
        problems.append("output_columns (a dict of column name → description with its unit)")
    if not isinstance(measure.model, str) or not measure.model.strip():
        problems.append("model (a non-empty description of the model)")
    if not isinstance(measure.model_key, str):
        problems.append(f"model_key {measure.model_key!r} (a text)")
    if not all(isinstance(u, EfficiencyTolerance) for u in measure.uncertain_inputs):
        problems.append("uncertain_inputs (a tuple of EfficiencyTolerance)")
    if problems:
        raise TypeError(f"measure {measure.name!r} is malformed: " + "; ".join(problems))


_REGISTRY: dict[str, Measure] = {}


def register(measure: Measure) -> Measure:
    """Add ``measure`` to the registry (after those already there) and return it.

    The order of registration is the order of the output columns and of the model texts.
    Registering a second measure of the same name, or a second fallback, is an error.
    """
    if not isinstance(measure, Measure):
        raise TypeError(f"register() takes a Measure, not {type(measure).__name__}")
    if measure.name in _REGISTRY:
        raise ValueError(f"a measure named '{measure.name}' is already registered")
    if measure.fallback and any(m.fallback for m in _REGISTRY.values()):
        raise ValueError(f"measure '{measure.name}': only one measure may be the fallback")
    _REGISTRY[measure.name] = measure
    return measure


def registered() -> tuple[Measure, ...]:
    """The registered measures, in registration order."""
    return tuple(_REGISTRY.values())


def as_measure(candidate: Measure | ModuleType | object) -> Measure:
    """``candidate`` itself, or the ``MEASURE`` a module exposes; ``TypeError`` otherwise."""
    if isinstance(candidate, Measure):
        return candidate
    if isinstance(candidate, ModuleType):
        found = getattr(candidate, "MEASURE", None)
        if isinstance(found, Measure):
            return found
        raise TypeError(
            f"module {candidate.__name__} has no MEASURE: declare "
            "MEASURE = Measure(name=..., takes=..., compute=..., output_columns=..., model=...)"
        )
    raise TypeError(
        f"expected a retrofit.measures.base.Measure or a module exposing one as MEASURE, "
        f"got {type(candidate).__name__}"
    )


def in_use(measures: Iterable[Measure | ModuleType] | None = None) -> tuple[Measure, ...]:
    """The measures of a run: the registered ones, then the user's ``measures`` (checked)."""
    chosen = list(registered())
    names = {m.name for m in chosen}
    keys = {m.model_key for m in chosen}
    for candidate in measures or ():
        measure = as_measure(candidate)
        if measure.name in names:
            raise OptionError(f"measure name '{measure.name}' is already taken: choose another")
        if measure.model_key in keys:
            raise OptionError(f"model_key '{measure.model_key}' is already taken: choose another")
        if measure.fallback:
            raise OptionError(
                f"measure '{measure.name}': a user's measure cannot be the fallback; its takes "
                "says which rows it computes"
            )
        names.add(measure.name)
        keys.add(measure.model_key)
        chosen.append(measure)
    return tuple(chosen)


def route(
    category: pd.Series,
    measure: pd.Series,
    measures: Sequence[Measure] | None = None,
) -> np.ndarray:
    """Name of the measure that computes each row.

    The user's measures (those in ``measures`` that are not registered) are consulted first,
    so they may take rows a built-in would; then the registered measures in order; the
    fallback (``motor``) takes the rest. The built-ins' rules: transformers, data centres and
    charging piles go to the measure of the same name; compressors with any air-side measure
    to ``compressed_air`` (which also takes a motor upgrade on the same row); fans and pumps
    with a drive or a new machine to ``fan_pump`` (likewise); every other row, a bare motor
    upgrade, to ``motor``.
    """
    chosen = in_use() if measures is None else tuple(measures)
    builtin = {m.name for m in registered()}
    ordered = [m for m in chosen if m.name not in builtin] + [
        m for m in chosen if m.name in builtin
    ]
    fallback = next((m.name for m in ordered if m.fallback), None)
    deciding = [m for m in ordered if not m.fallback]
    conditions = [_mask(m, category, measure) for m in deciding]
    names = np.select(conditions, [m.name for m in deciding], default=fallback or "")
    if fallback is None and len(names) and (names == "").any():
        raise ValueError("no measure takes some rows and none is the fallback")
    return names


def _mask(measure: Measure, category: pd.Series, listed: pd.Series) -> np.ndarray:
    mask = np.asarray(measure.takes(category, listed), dtype=bool)
    if mask.shape != (len(category),):
        raise ValueError(
            f"measure '{measure.name}': takes() returned shape {mask.shape}; expected one "
            f"boolean per row ({len(category)},)"
        )
    return mask


def model_texts(measures: Iterable[Measure]) -> dict[str, str]:
    """``assumptions["models"]``: model_key → model text, in registration order."""
    return {m.model_key: m.model for m in measures}


def uncertain_inputs(measures: Iterable[Measure]) -> dict[str, EfficiencyTolerance]:
    """Measure-specific uncertain inputs by table input name (the first declaration wins:
    several measures report the same motor efficiency columns)."""
    found: dict[str, EfficiencyTolerance] = {}
    for m in measures:
        for tolerance in m.uncertain_inputs:
            found.setdefault(tolerance.input, tolerance)
    return found
