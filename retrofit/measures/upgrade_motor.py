"""Measure ``upgrade_motor``: replace a motor by one of a better efficiency class.

This is glue between the inventory and :mod:`retrofit.models.motors`: it resolves classes and
series through the reference tables, fetches full-load values and part-load curves, calls the
vectorised model functions group by group (a group is a class × pole count, never an asset),
and returns every intermediate value so a reviewer can redo the row by hand.
"""

from __future__ import annotations

import functools
import weakref
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..columns import describe
from ..core import frame
from ..core.caveats import CaveatLog
from ..core.exceptions import InventoryIssue, ReferenceDataError
from ..core.reference import Tables
from ..inventory.schema import normalise
from ..models import drives, motors
from .base import EfficiencyTolerance, Measure, register

#: Output columns of the motor measure, in order, with units (shared by every row that
#: carries a motor: fan_pump and compressed_air report the same columns).
OUTPUT_COLUMNS: dict[str, str] = describe(
    [
        "efficiency_class_baseline",
        "efficiency_fl_baseline_pct",
        "efficiency_fl_baseline_method",
        "efficiency_fl_baseline_source",
        "part_load_curve_baseline",
        "part_load_ratio_baseline",
        "motor_phase_out_listing",
        "efficiency_baseline_pct",
        "efficiency_class_retrofit",
        "efficiency_fl_retrofit_pct",
        "efficiency_fl_retrofit_method",
        "efficiency_fl_retrofit_source",
        "part_load_curve_retrofit",
        "part_load_ratio_retrofit",
        "efficiency_retrofit_pct",
    ]
)

#: One-paragraph statement of the model, for the result's assumptions.
MODEL = (
    "E = P_rated·L·h·q / η(L); η(L) = L/(L + ℓ_FL·λ(L)), ℓ_FL = 1/η_FL − 1 (the curve "
    "scales losses, so η stays below 100 %); η_FL from the class table at "
    "tabulated sizes, EU 2019/1781 formula (IE2–IE4, 0.12–0.55 and 0.75–200 kW) or "
    "log-linear interpolation between sizes; λ(L) = losses ÷ full-load losses of the "
    "AMO-Tools-Suite part-load curve (quartic through 25–125 % load points, linear losses "
    "below 25 %); saving = E_baseline − E_retrofit at the same shaft load"
)

#: The motor efficiencies' uncertain inputs (table uncertainty_distributions): the IEC
#: 60034-1 tolerance on losses, and the part-load curve's losses where a curve was read.
MOTOR_EFFICIENCY_TOLERANCES = (
    EfficiencyTolerance("efficiency_losses"),
    EfficiencyTolerance("part_load_losses", part_load_ratio_column="part_load_ratio_{side}"),
    EfficiencyTolerance("series_efficiency_losses", sides=("baseline",)),
)

IE_LEVELS = ("IE1", "IE2", "IE3", "IE4", "IE5")


@dataclass(frozen=True)
class FullLoad:
    efficiency_pct: np.ndarray
    method: np.ndarray  # "table" | "eu2019_1781_formula" | "log_linear" | "input"
    table: np.ndarray  # table name, or "input:<column>"
    out_of_range: np.ndarray  # bool: size outside the class table


def _is_series(keys: pd.Series, tables: Tables) -> np.ndarray:
    """Rows whose class is given as a series name (Y, YE3 …) of table motor_series_classes."""
    return keys.isin(tables["motor_series_classes"]["series"]).to_numpy()


def _resolve_series(
    keys: pd.Series,
    tables: Tables,
    log: CaveatLog,
    side: str,
    tabulated: np.ndarray | None = None,
) -> pd.Series:
    """Map Chinese series names (YE3, Y2 …) to classes; flag approximate and assumed ones.

    ``tabulated`` marks rows whose efficiency comes from the series' own table: their class
    only picks the part-load curve, so the assumed-mapping caveat is not theirs."""
    series = tables["motor_series_classes"].set_index("series")
    is_series = keys.isin(series.index).to_numpy()
    if not is_series.any():
        return keys
    mapped = keys.map(series["efficiency_class"]).where(is_series, keys)
    approx = keys.map(series["approximate"]).eq("yes").to_numpy() & is_series
    weak = keys.map(series["confidence"]).eq("L").to_numpy() & is_series
    if tabulated is not None:
        weak &= ~tabulated
    log.add(
        f"motor.series.{side}_mapped",
        f"{side} class given as a motor series name and "
        "mapped to an IE class through table motor_series_classes",
        f"{'改造前' if side == 'baseline' else '改造后'}能效以电机系列名给出，按参考表 "
        "motor_series_classes 映射为 IE 等级",
        mask=is_series,
    )
    log.add(
        f"motor.series.{side}_approximate",
        f"the {side} series → class mapping is "
        "approximate (a series was built to an older edition's minimum)",
        "系列与能效等级的对应为近似",
        mask=approx & ~weak,
    )
    log.add(
        f"motor.series.{side}_assumed",
        f"no {side} efficiency table was found for this series (Y2, Y3; YX3's GB/T "
        "22722-2008 = GB 18613-2006 grade 2, whose table is not public; Y outside its "
        "catalogue's sizes) and its series → class mapping has no public source (assumed, "
        "confidence L; see efficiency_fl_*_source): enter the nameplate efficiency",
        "该系列无公开效率表，系列与能效等级的对应为假设（可信度 L），请填写铭牌效率",
        mask=weak,
    )
    return mapped


#: The method of a full-load efficiency read in a class table, by "at a tabulated size"
_HOW_AT_SIZE = np.array(["log_linear", "table"], dtype=object)


def full_load_efficiency(
    classes: pd.Series, poles: np.ndarray, rated_power_kw: np.ndarray, tables: Tables
) -> FullLoad:
    """Minimum full-load efficiency [%] per row for resolved classes (IE1…IE5, grade_N).

    At a tabulated size the class table's value; between sizes the EU 2019/1781 formula where
    it covers the class level and size, else log-linear interpolation in the class table.
    """
    n = len(classes)
    eff = np.full(n, np.nan)
    method = np.full(n, "", dtype=object)
    table_used = np.full(n, "", dtype=object)
    out_of_range = np.zeros(n, dtype=bool)
    class_map = tables["motor_class_map"].set_index("efficiency_class")
    coefficients = tables["eu2019_1781_interpolation_coefficients"]
    for key, pole, idx in _row_groups(classes.to_numpy(dtype=object), poles):
        if key not in class_map.index:
            raise tables.missing_row("motor_class_map", key)
        spec = class_map.loc[key]
        source = tables[spec["full_load_table"]]
        key_column = "efficiency_class" if "efficiency_class" in source.columns else "grade"
        rows_for_class = source[source[key_column] == spec["full_load_key"]]
        curve = rows_for_class[rows_for_class["poles"] == pole].sort_values("rated_power_kw")
        kw_table = curve["rated_power_kw"].to_numpy(dtype=float)
        eff_table = curve["efficiency_pct"].to_numpy(dtype=float)
        if not len(kw_table):
            raise tables.missing_row(spec["full_load_table"], (spec["full_load_key"], int(pole)))
        p = rated_power_kw[idx]
        inside = (p >= kw_table[0]) & (p <= kw_table[-1])
        out_of_range[idx[~inside]] = True
        value = motors.log_linear_interpolation(
            np.clip(p, kw_table[0], kw_table[-1]), kw_table, eff_table
        )
        at_size = np.isin(p, kw_table)
        how = _HOW_AT_SIZE[at_size.view(np.int8)]  # a take, not a text array cast per row
        coef = coefficients[
            (coefficients["efficiency_class"] == spec["ie_level"]) & (coefficients["poles"] == pole)
        ]
        for _, c in coef.iterrows():  # two size ranges per class and pole count
            in_range = (p >= c["kw_min"]) & (p <= c["kw_max"]) & ~at_size
            if in_range.any():
                value[in_range] = motors.eu2019_1781_efficiency_pct(
                    p[in_range], c["A"], c["B"], c["C"], c["D"]
                )
                how[in_range] = "eu2019_1781_formula"
        eff[idx] = value
        method[idx] = how
        table_used[idx] = spec["full_load_table"]
    return FullLoad(eff, method, table_used, out_of_range)


def series_full_load_efficiency(
    series_keys: np.ndarray, poles: np.ndarray, rated_power_kw: np.ndarray, tables: Tables
) -> tuple[np.ndarray, np.ndarray]:
    """Full-load efficiency [%] of series motors (Y …) from table motor_series_efficiency.

    A series with a table there is read at its tabulated size, or log-linearly between two
    tabulated sizes of the same pole count; other series, and sizes outside the table, stay NaN
    (the caller then uses the series' class). Returns the efficiencies and the method per row
    (``series_table`` | ``series_log_linear`` | "").
    """
    n = len(series_keys)
    eff = np.full(n, np.nan)
    method = np.full(n, "", dtype=object)
    table = tables["motor_series_efficiency"]
    for key, pole, idx in _row_groups(series_keys, poles):
        curve = table[(table["series"] == key) & (table["poles"] == pole)]
        if curve.empty:
            continue
        curve = curve.sort_values("rated_power_kw")
        kw_table = curve["rated_power_kw"].to_numpy(dtype=float)
        eff_table = curve["efficiency_pct"].to_numpy(dtype=float)
        p = rated_power_kw[idx]
        inside = (p >= kw_table[0]) & (p <= kw_table[-1])
        value = motors.log_linear_interpolation(
            np.clip(p, kw_table[0], kw_table[-1]), kw_table, eff_table
        )
        eff[idx] = np.where(inside, value, np.nan)
        method[idx] = np.where(
            inside, np.where(np.isin(p, kw_table), "series_table", "series_log_linear"), ""
        )
    return eff, method


def _model_key(text: pd.Series) -> pd.Series:
    """Model texts folded for matching: NFKC, upper case, no spaces, full-width and other
    dashes read as hyphens (``JS 114－4`` → ``JS114-4``); blanks give ""."""
    codes, uniques = pd.factorize(text.astype(object))  # a column repeats a few models
    folded = pd.Series([normalise(str(u)).upper() for u in uniques] + [""], dtype=object)
    folded = folded.str.replace(r"\s+", "", regex=True)
    folded = folded.str.replace(r"[\u2010-\u2015\u2212\uff0d]", "-", regex=True)
    return pd.Series(folded.to_numpy()[codes], index=text.index, dtype=object)


def phase_out_listing(rows: pd.DataFrame, tables: Tables) -> np.ndarray:
    """Per row, the MIIT 高耗能落后机电设备（产品）淘汰目录 entries its motor is on (batch,
    model and condition), or None.

    A catalogue row with a frame is matched on motor_series, frame_size and poles (read from
    motor_model, GB/T 4831 designations such as Y2-132M2-6); one with a model but no frame
    (older designations such as JS114-4) on the motor_model text; one with neither (a whole
    series, such as JO2) on motor_series, or, where that is blank, on a motor_model that starts
    with the series and a hyphen (JO2-51-4 is a JO2). Only rows of equipment ``motor`` are
    matched."""
    n = len(rows)
    listed = np.full(n, None, dtype=object)
    series = frame.column(rows, "motor_series")
    models = frame.column(rows, "motor_model")
    if series.isna().all() and models.isna().all():
        return listed
    catalogue = tables["motor_elimination_catalogue"]
    catalogue = catalogue[catalogue["equipment"] == "motor"]
    model_text = catalogue["model"].where(catalogue["model"].notna(), "").astype(str)
    frame_text = catalogue["frame"].where(catalogue["frame"].notna(), "").astype(str)
    named = np.where(
        model_text != "", model_text, "series " + catalogue["series"].astype(str) + " (all sizes)"
    )
    entry = (
        "batch "
        + catalogue["batch"].astype(str)
        + ": "
        + named
        + ", "
        + catalogue["condition"].astype(str)
    )
    by_frame = frame_text != ""
    by_model = ~by_frame & (model_text != "")
    by_series = ~by_frame & ~by_model
    pole_text = rows["poles"].astype(int).astype(str)
    row_keys = {
        "frame": series.fillna("").astype(str)
        + "|"
        + frame.column(rows, "frame_size").fillna("").astype(str)
        + "|"
        + pole_text,
        "model": _model_key(models),
        "series": series.fillna("").astype(str),
    }
    catalogue_keys = {
        "frame": (
            catalogue["series"].astype(str)
            + "|"
            + frame_text
            + "|"
            + catalogue["poles"].fillna(0).astype(int).astype(str)
        )[by_frame],
        "model": _model_key(model_text)[by_model],
        "series": catalogue["series"].astype(str)[by_series],
    }
    found = pd.Series(None, index=rows.index, dtype=object)
    for kind, keys in catalogue_keys.items():
        if keys.empty:
            continue
        by_key = pd.Series(entry[keys.index].to_numpy(), index=keys.to_numpy())
        by_key = by_key.groupby(level=0).agg("; ".join)
        hit = row_keys[kind].map(by_key)
        hit = hit.where(row_keys[kind] != "")
        if kind == "series":  # no series given: the whole series a model starts with
            hit = hit.where(row_keys["series"] != "", _series_of_models(row_keys["model"], by_key))
        joined = np.where(found.isna(), hit, found.astype(str) + "; " + hit.astype(str))
        found = found.where(hit.isna(), pd.Series(joined, index=rows.index, dtype=object))
    return found.where(found.notna(), None).to_numpy(dtype=object)


def _series_of_models(model_keys: pd.Series, by_series: pd.Series) -> pd.Series:
    """Per row, the entries of the whole series (index of ``by_series``) its folded model text
    starts with, followed by a hyphen (JO2-51-4 → JO2; JO2-WF-51-4 → JO2 and JO2-WF); None
    where none. Each distinct model is looked at once."""
    codes, uniques = pd.factorize(model_keys)
    prefixes = [(str(name).upper() + "-", entries) for name, entries in by_series.items()]
    per_model = np.full(len(uniques) + 1, None, dtype=object)  # the last: missing model
    for i, u in enumerate(uniques):
        per_model[i] = (
            "; ".join(entries for prefix, entries in prefixes if str(u).startswith(prefix)) or None
        )
    return pd.Series(per_model[codes], index=model_keys.index, dtype=object)


def infer_ie_level(
    efficiency_pct: np.ndarray, poles: np.ndarray, rated_power_kw: np.ndarray, tables: Tables
) -> np.ndarray:
    """The best IE class whose minimum a given full-load efficiency meets (IE1 if none)."""
    level = np.zeros(len(efficiency_pct), dtype=int)
    for i, ie in enumerate(IE_LEVELS, start=1):
        minimum = full_load_efficiency(
            pd.Series([ie] * len(efficiency_pct)), poles, rated_power_kw, tables
        ).efficiency_pct
        level = np.where(efficiency_pct >= minimum, i, level)
    # level 0 (below IE1) uses the IE1 curve: the lowest shape tabulated
    return np.asarray(IE_LEVELS, dtype=object)[np.maximum(level, 1) - 1]


def part_load_nodes(
    curves: np.ndarray,
    poles: np.ndarray,
    rated_power_kw: np.ndarray,
    tables: Tables,
    log: CaveatLog,
) -> tuple[np.ndarray, np.ndarray]:
    """Losses ÷ full-load losses at the five load nodes per row, interpolated in log(size).

    Returns the (n, 5) node matrix and a per-row curve label such as ``premium/4p``.
    """
    table = tables["motor_part_load_amo"]
    nodes_in_table = np.sort(table["load_factor"].unique())
    if not np.allclose(nodes_in_table, motors.PART_LOAD_NODES):
        raise ReferenceDataError(
            f"reference table 'motor_part_load_amo'{tables.where('motor_part_load_amo')}: "
            f"load points {nodes_in_table} differ from "
            f"the model's {motors.PART_LOAD_NODES}"
        )
    n = len(curves)
    relative_loss = np.full((n, nodes_in_table.size), np.nan)
    label = np.full(n, "", dtype=object)
    table_poles = np.sort(table["poles"].unique())
    # a pole count the curves lack uses the nearest tabulated one (8-pole → 6-pole)
    curve_poles = table_poles[np.abs(poles[:, None] - table_poles[None, :]).argmin(axis=1)]
    proxy = curve_poles != poles
    clamped = np.zeros(n, dtype=bool)
    for curve, pole, idx in _row_groups(curves, curve_poles):
        losses = _curve_losses(table, curve, pole)
        if losses is None:
            raise tables.missing_row("motor_part_load_amo", (curve, int(pole)))
        kw, lam = losses
        p = rated_power_kw[idx]
        clamped[idx] = (p < kw[0]) | (p > kw[-1])
        pc = np.clip(p, kw[0], kw[-1])
        for j in range(motors.PART_LOAD_NODES.size):
            relative_loss[idx, j] = motors.log_linear_interpolation(pc, kw, lam[:, j])
        label[idx] = f"amo:{curve}/{pole}p"
    log.add(
        "motor.part_load.poles_proxy",
        "no part-load curve for this pole count: the nearest tabulated pole count's curve is used",
        "无该极数的部分负载曲线，采用相近极数曲线",
        mask=proxy,
    )
    log.add(
        "motor.part_load.size_clamped",
        "rated power outside the size range of its part-load "
        "curve (see table motor_part_load_amo): the curve of the nearest tabulated size is "
        "used",
        "额定功率超出部分负载曲线的规格范围，采用最接近规格的曲线",
        mask=clamped,
    )
    return relative_loss, label


#: Per part-load table (held weakly) and (curve, pole count): the curve's sizes [kW] and its
#: losses ÷ full-load losses at the load nodes, or None when the table lacks the curve. The
#: baseline and retrofit sides (and the fan, pump and compressor motors) read the same few
#: curves, and filtering and pivoting the table costs more than interpolating the rows.
_CURVE_LOSSES: dict[int, tuple[weakref.ref, dict[tuple, tuple[np.ndarray, np.ndarray] | None]]] = {}


def _forget_table(key: int, _: object) -> None:
    _CURVE_LOSSES.pop(key, None)


def _curve_losses(
    table: pd.DataFrame, curve: object, pole: object
) -> tuple[np.ndarray, np.ndarray] | None:
    """Sizes [kW] and relative losses (sizes × load nodes) of one curve of ``table``
    (motor_part_load_amo), worked out once per table object."""
    held = _CURVE_LOSSES.get(id(table))
    if held is None or held[0]() is not table:
        # the entry leaves with its table, before its id can be reused
        held = (weakref.ref(table, functools.partial(_forget_table, id(table))), {})
        _CURVE_LOSSES[id(table)] = held
    memo = held[1]
    if (curve, pole) not in memo:
        sub = table[(table["curve"] == curve) & (table["poles"] == pole)]
        if sub.empty:
            memo[(curve, pole)] = None
        else:
            grid = sub.pivot(
                index="rated_power_kw", columns="load_factor", values="relative_efficiency"
            ).sort_index()
            full_load = sub[sub["load_factor"] == 1.0].set_index("rated_power_kw")["efficiency_pct"]
            # the curve's own absolute efficiencies → its losses relative to full-load losses
            node_eta = grid[list(motors.PART_LOAD_NODES)].to_numpy(float) * (
                full_load.reindex(grid.index).to_numpy(float)[:, None] / 100.0
            )
            kw, lam = grid.index.to_numpy(dtype=float), motors.relative_losses(node_eta)
            kw.setflags(write=False)  # shared by every later call: read only
            lam.setflags(write=False)
            memo[(curve, pole)] = (kw, lam)
    return memo[(curve, pole)]


def _present_motor_curves(
    rows: pd.DataFrame,
    poles: np.ndarray,
    rated_power_kw: np.ndarray,
    tables: Tables,
    class_map: pd.DataFrame,
) -> np.ndarray:
    """Part-load curve name of each row's present motor (class given, series mapped, or the
    class its efficiency_pct meets); missing where neither class nor efficiency is given."""
    keys = frame.column(rows, "efficiency_class")
    series = tables["motor_series_classes"].set_index("series")["efficiency_class"]
    # a handful of distinct keys: map each once, then spread to the rows
    key_codes, distinct = pd.factorize(keys)
    distinct_keys = pd.Series(distinct, dtype=object)
    mapped = distinct_keys.map(series).where(distinct_keys.isin(series.index), distinct_keys)
    classes = _per_row(mapped, key_codes, np.nan)
    pct = frame.column(rows, "efficiency_pct").astype(float).to_numpy()
    infer = pd.isna(classes) & ~np.isnan(pct)
    if infer.any():
        classes[infer] = infer_ie_level(pct[infer], poles[infer], rated_power_kw[infer], tables)
    codes, present = pd.factorize(classes)
    return _per_row(class_map.reindex(present)["part_load_curve"], codes, np.nan)


def _row_groups(keys: np.ndarray, poles: np.ndarray):
    """Yield ``(key, pole, positions)`` for each (key, pole count) pair present, skipping
    missing keys; positions ascend.

    One factorize and one sort find every group: comparing the whole object array to each key
    would cost a pass over all rows per group.
    """
    key_codes, key_values = pd.factorize(keys)  # a missing key gets code -1
    pole_codes, pole_values = pd.factorize(poles)
    group = key_codes.astype(np.int64) * len(pole_values) + pole_codes
    if len(group) and group.min() >= -(2**15) and group.max() < 2**15:
        group = group.astype(np.int16)  # a few groups: NumPy's stable sort is then a radix sort
    order = np.argsort(group, kind="stable")
    ordered = group[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    for start, stop in zip(starts, [*starts[1:], len(order)], strict=True):
        first = order[start]
        if key_codes[first] >= 0:
            yield key_values[key_codes[first]], pole_values[pole_codes[first]], order[start:stop]


def _per_row(per_value, codes: np.ndarray, missing) -> np.ndarray:
    """Spread one value per factorized key to the rows; code -1 (missing key) gets ``missing``.
    Booleans stay boolean."""
    values = np.asarray(per_value)
    if values.dtype != bool:
        values = values.astype(object)
    return np.append(values, missing)[codes]


@dataclass(frozen=True)
class Belts:
    """Each row's belt before and after the retrofit, as loss factors of the V-belt loss."""

    before: np.ndarray  # 0 = direct drive or no belt given
    after: np.ndarray
    coefficients: tuple[float, float, float, float, float]
    hp_per_kw: float

    @property
    def any(self) -> bool:
        return bool((self.before > 0).any() or (self.after > 0).any())

    def motor_kw(self, machine_kw: np.ndarray, side: str) -> np.ndarray:
        """Motor shaft power [kW] delivering ``machine_kw`` through the ``side`` belt."""
        factor = self.before if side == "baseline" else self.after
        if factor.ndim < np.ndim(machine_kw):
            factor = factor[:, None]
        return drives.motor_power_through_belt(
            machine_kw, self.coefficients, self.hp_per_kw, factor
        )

    def machine_kw(self, motor_kw: np.ndarray) -> np.ndarray:
        """Machine shaft power [kW] behind the present belt at a motor shaft power."""
        factor = self.before if self.before.ndim == np.ndim(motor_kw) else self.before[:, None]
        return motor_kw * (
            1.0 - drives.belt_loss_fraction(motor_kw, self.coefficients, self.hp_per_kw, factor)
        )


def belts(rows: pd.DataFrame, tables: Tables, log: CaveatLog) -> Belts:
    """The belts of ``rows`` (belt_type, target_belt_type; table model_parameters)."""
    params = tables.keyed("model_parameters", ["model", "parameter"], "value")
    factor = {
        kind: float(params[("belt_drive", f"loss_factor_{kind}")])
        for kind in ("v_belt", "cogged", "synchronous", "direct")
    }
    before_type = frame.column(rows, "belt_type")
    after_type = frame.column(rows, "target_belt_type")
    after_type = after_type.where(after_type.notna(), before_type)
    # each distinct belt type looked up once (a blank or unknown type: 0, no belt)
    before_codes, before_kinds = pd.factorize(before_type)
    after_codes, after_kinds = pd.factorize(after_type)
    before = np.append([factor.get(k, 0.0) for k in before_kinds], 0.0)[before_codes]
    after = np.append([factor.get(k, 0.0) for k in after_kinds], 0.0)[after_codes]
    coefficients = tuple(
        float(params[("belt_drive", f"v_belt_loss_{k}")]) for k in ("a", "b", "c", "d", "e")
    )
    log.add(
        "belt.losses_modelled",
        "belt losses per MEASUR/PSAT (PumpShaftPower.cpp): V-belt loss by motor shaft power "
        "(AMCA 203-90 Appendix L), notched 5/7 and synchronous 2/7 of it; the loss share "
        "rises at part load",
        "按 MEASUR/PSAT 计算皮带传动损耗（V 带按电机功率，齿形带 5/7，同步带 2/7）",
        mask=before_type.notna().to_numpy()
        | frame.column(rows, "target_belt_type").notna().to_numpy(),
    )
    return Belts(
        before,
        after,
        coefficients,  # type: ignore[arg-type]
        float(params[("belt_drive", "hp_per_kw")]),
    )


@dataclass(frozen=True)
class MotorSide:
    """A motor's efficiency at the loads asked for, with the audit columns behind it."""

    efficiency: np.ndarray  # fraction, shaped like the loads
    columns: dict[str, np.ndarray]  # per-row audit columns, named ``…_{side}…``
    issues: list[InventoryIssue]


SIDE_COLUMNS = {
    "baseline": ("efficiency_class", "efficiency_pct"),
    "retrofit": ("target_class", "target_efficiency_pct"),
}


def motor_efficiency(
    rows: pd.DataFrame,
    side: str,
    loads: np.ndarray,
    tables: Tables,
    log: CaveatLog,
    *,
    file: str,
    header_map: dict[str, str],
    inputs_from: str | None = None,
) -> MotorSide:
    """Part-load efficiency of each row's motor at ``loads`` (fraction of rated output).

    ``side`` names the output columns; ``inputs_from`` (default ``side``) picks the input
    columns: ``baseline`` reads efficiency_class / efficiency_pct, ``retrofit`` reads
    target_class / target_efficiency_pct. ``loads`` is ``(n,)`` or ``(n, k)`` for k duty points
    per row. ``log`` covers exactly ``rows``.
    """
    class_col, pct_col = SIDE_COLUMNS[inputs_from or side]
    p_kw = rows["rated_power_kw"].to_numpy(dtype=float)
    poles = rows["poles"].astype(int).to_numpy()
    params = tables.keyed("model_parameters", ["model", "parameter"], "value")
    no_load = float(params[("motor_part_load", "no_load_loss_fraction_of_loss_at_quarter_load")])
    class_map = tables["motor_class_map"].set_index("efficiency_class")
    issues: list[InventoryIssue] = []
    out: dict[str, np.ndarray] = {}

    given_class = frame.column(rows, class_col)
    given_pct = frame.column(rows, pct_col).astype(float).to_numpy()
    has_pct = ~np.isnan(given_pct)
    # a series with its own table (Y) is read there; the others keep their series' class
    raw_keys = given_class.to_numpy(dtype=object)
    series_eff, series_method = series_full_load_efficiency(raw_keys, poles, p_kw, tables)
    from_series = ~has_pct & ~np.isnan(series_eff)
    resolved = _resolve_series(given_class, tables, log, side, tabulated=from_series)
    table_eff = full_load_efficiency(resolved, poles, p_kw, tables)
    bad = table_eff.out_of_range & ~has_pct & ~from_series
    header = header_map.get("rated_power_kw", "rated_power_kw")
    for r, value in zip(rows["source_row"].to_numpy()[bad], p_kw[bad], strict=True):
        issues.append(
            InventoryIssue(
                "out-of-range",
                file,
                int(r),
                header,
                f"{value:g}",
                f"a rated power inside the {side} class table (IEC 60034-30-1 / GB 18613-2020: "
                f"0.12–1000 kW), or give {pct_col}",
            )
        )
    mapped_series = _is_series(given_class, tables) & ~has_pct & ~from_series
    eff_fl = np.where(
        has_pct, given_pct, np.where(from_series, series_eff, table_eff.efficiency_pct)
    )
    method = np.where(has_pct, "input", np.where(from_series, series_method, table_eff.method))
    # the source names the class a series stands for, and that it was mapped (built for the
    # mapped rows only: string concatenation over every row costs more than the motor model)
    class_source = table_eff.table.copy()
    if mapped_series.any():
        class_source[mapped_series] = (
            pd.Series(table_eff.table[mapped_series], dtype=object)
            + " (series "
            + pd.Series(raw_keys[mapped_series], dtype=object).astype(str)
            + " taken as "
            + pd.Series(resolved.to_numpy(dtype=object)[mapped_series], dtype=object).astype(str)
            + ": motor_series_classes)"
        ).to_numpy(dtype=object)
    source = np.where(
        has_pct,
        f"input:{pct_col}",
        np.where(
            from_series,
            "motor_series_efficiency (catalogue, confidence L)",
            class_source,
        ),
    )
    log.add(
        f"motor.series.{side}_catalogue",
        f"{side} full-load efficiency of a Y-series motor read from table "
        "motor_series_efficiency (one public catalogue table, confidence L; about 1.2 points "
        "above the IE1 minimum on average): enter the nameplate efficiency where known",
        "Y 系列电机满载效率取自产品样本数据表 motor_series_efficiency（单一来源，可信度 L）",
        mask=from_series,
    )

    # the curve shape follows the class; a bare efficiency is placed in the class it meets
    curve_class = resolved.to_numpy(dtype=object).copy()
    no_class = pd.isna(curve_class)
    if no_class.any():
        inferred = infer_ie_level(given_pct[no_class], poles[no_class], p_kw[no_class], tables)
        curve_class[no_class] = inferred
        log.add(
            f"motor.part_load.{side}_class_inferred",
            f"no {side} class given: the "
            "part-load curve is that of the best IE class the given efficiency meets",
            "未给出能效等级：按效率值所达到的 IE 等级选取部分负载曲线",
            mask=no_class,
        )
    below_min = has_pct & ~no_class & (given_pct < table_eff.efficiency_pct)
    log.add(
        f"motor.efficiency.{side}_below_class_minimum",
        f"the given {side} efficiency is below the minimum of the given class: check the nameplate",
        "给定效率低于所给能效等级的限值，请核对铭牌",
        mask=below_min,
    )
    # a handful of classes: look each one up once, then spread the answers to the rows
    class_codes, classes_present = pd.factorize(curve_class)
    by_class = class_map.reindex(classes_present)
    curves = _per_row(by_class["part_load_curve"], class_codes, np.nan)
    shape_proxy = _per_row(by_class["ie_level"].isin(["IE4", "IE5"]), class_codes, False)
    if (inputs_from or side) == "retrofit":
        # one loss shape per pair of motors: the present motor's
        present = _present_motor_curves(rows, poles, p_kw, tables, class_map)
        shared = pd.notna(present) & (present != curves)
        curves = np.where(pd.notna(present), present, curves)
        shape_proxy &= ~shared
        log.add(
            "motor.part_load.present_motor_shape",
            "the new motor's part-load losses follow the present motor's curve shape (losses "
            "÷ full-load losses), scaled to the new motor's full-load losses: with one shape "
            "per pair, a motor with lower full-load losses never uses more energy at the same "
            "load, and the saving moves with load as the losses do; switching to another "
            "class's generic shape could make a better motor a loss at part load",
            "新电机部分负载损耗沿用现有电机的曲线形状（按满载损耗缩放），同一对电机用同一形状",
            mask=shared,
        )
    log.add(
        "motor.part_load.shape_proxy",
        "no public IE4/IE5 part-load curve: the IE3 (premium) shape is used",
        "无 IE4/IE5 部分负载曲线，采用 IE3 曲线形状",
        mask=shape_proxy,
    )
    grade1 = (
        _per_row(pd.Index(classes_present).isin(["IE5", "grade_1"]), class_codes, False) & ~has_pct
    )
    log.add(
        "motor.gb_grade1.single_source",
        "GB 18613-2020 grade 1 (IE5 level) values rest "
        "on a single extraction of the standard (confidence M)",
        "GB 18613-2020 一级能效数值仅有单一来源（可信度 M）",
        mask=grade1,
    )
    interpolated = np.isin(method, ["eu2019_1781_formula", "log_linear"])
    log.add(
        "motor.efficiency.interpolated",
        "rated power between tabulated sizes: "
        "EU 2019/1781 formula or log-linear interpolation used (see method column)",
        "额定功率介于表列规格之间：按公式或对数线性插值",
        mask=interpolated,
    )

    relative_loss, curve_label = part_load_nodes(curves, poles, p_kw, tables, log)
    loads = np.asarray(loads, dtype=float)
    if loads.ndim == 1:
        eta = motors.part_load_efficiency(eff_fl / 100.0, loads, relative_loss, no_load)
    else:  # one column of duty points at a time: the model works on one load per row
        eta = (
            np.column_stack(
                [
                    motors.part_load_efficiency(eff_fl / 100.0, loads[:, j], relative_loss, no_load)
                    for j in range(loads.shape[1])
                ]
            )
            if loads.shape[1]
            else np.empty_like(loads)
        )
    out[f"efficiency_class_{side}"] = curve_class
    out[f"efficiency_fl_{side}_pct"] = eff_fl
    out[f"efficiency_fl_{side}_method"] = method
    out[f"efficiency_fl_{side}_source"] = source
    out[f"part_load_curve_{side}"] = curve_label
    if (inputs_from or side) == "baseline" and side == "baseline":
        listing = phase_out_listing(rows, tables)
        out["motor_phase_out_listing"] = listing
        log.add(
            "motor.phase_out_listed",
            "the present motor's model is on the MIIT 高耗能落后机电设备（产品）淘汰目录 (see "
            "motor_phase_out_listing for the batch and its condition, e.g. made in 2003 or "
            "earlier): check the year of manufacture; a listed motor must be replaced",
            "现有电机型号列入《高耗能落后机电设备（产品）淘汰目录》，请核对出厂年份，列入者应淘汰",
            mask=pd.notna(listing),
        )
    return MotorSide(eta, out, issues)


def compute(
    assets: pd.DataFrame,
    positions: np.ndarray,
    tables: Tables,
    log: CaveatLog,
    *,
    file: str,
    header_map: dict[str, str],
) -> tuple[pd.DataFrame, list[InventoryIssue]]:
    """Baseline and retrofit energy for the rows at ``positions`` of ``assets``.

    Returns a frame indexed like those rows, with every intermediate value, and the data issues
    found (sizes outside the efficiency tables when no efficiency was given).
    """
    rows = assets.iloc[positions]
    n = len(rows)
    p_kw = rows["rated_power_kw"].to_numpy(dtype=float)
    load = rows["load_factor"].to_numpy(dtype=float)
    hours = rows["operating_hours_h"].to_numpy(dtype=float)
    qty = rows["quantity"].to_numpy(dtype=float)
    issues: list[InventoryIssue] = []
    out: dict[str, np.ndarray] = {}  # one DataFrame built at the end, not column by column
    efficiency_at_load = {}
    sub_log = CaveatLog(n)  # caveats of these rows, placed into the run's log once at the end
    belt = belts(rows, tables, sub_log)
    loads = {"baseline": load, "retrofit": load}
    if belt.any:  # a belt change: the same machine power through the new belt
        loads["retrofit"] = belt.motor_kw(belt.machine_kw(p_kw * load), "retrofit") / p_kw
    for side in ("baseline", "retrofit"):
        motor = motor_efficiency(
            rows, side, loads[side], tables, sub_log, file=file, header_map=header_map
        )
        issues.extend(motor.issues)
        eta = motor.efficiency
        efficiency_at_load[side] = eta
        out.update(motor.columns)
        out[f"part_load_ratio_{side}"] = eta / (motor.columns[f"efficiency_fl_{side}_pct"] / 100.0)
        out[f"efficiency_{side}_pct"] = eta * 100.0

    baseline = motors.input_energy_kwh(
        p_kw, loads["baseline"], hours, qty, efficiency_at_load["baseline"]
    )
    retrofit = motors.input_energy_kwh(
        p_kw, loads["retrofit"], hours, qty, efficiency_at_load["retrofit"]
    )
    worse = efficiency_at_load["retrofit"] < efficiency_at_load["baseline"]
    sub_log.add(
        "motor.upgrade.not_an_improvement",
        "the target motor is less efficient than the "
        "present one at this load: the saving is negative",
        "目标电机在该负载下效率低于现有电机，节能量为负",
        mask=worse,
    )
    log.extend(sub_log, positions)
    out["baseline_energy_kwh"] = baseline
    out["retrofit_energy_kwh"] = retrofit
    out["retrofitted_motor_kw"] = p_kw * qty
    return pd.DataFrame(out, index=rows.index), issues


def takes_any_row(category: pd.Series, measure: pd.Series) -> np.ndarray:
    """Every row: the motor measure is the fallback, so it gets whatever no other takes."""
    return np.ones(len(category), dtype=bool)


MEASURE = register(
    Measure(
        name="motor",
        takes=takes_any_row,
        compute=compute,
        output_columns=OUTPUT_COLUMNS,
        model=MODEL,
        model_key="upgrade_motor",
        uncertain_inputs=MOTOR_EFFICIENCY_TOLERANCES,
        fallback=True,
    )
)
