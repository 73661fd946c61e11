"""Nameplate motor models → series, frame size and poles (and the efficiency class where the
series fixes it), vectorised over a column.

A Chinese motor model is built as GB/T 4831-2016 describes it (table
``motor_model_designation``): a product code (type code ``Y``, feature letters such as ``E``,
``X``, ``B``, a design serial number), then the specification code: centre height in mm, a
frame-length letter ``S``/``M``/``L`` and a core-length digit, then the poles after the last
hyphen. ``Y160M-4`` is the first Y design, centre height 160, medium frame, 4 poles;
``YE3-3551-4`` (frames 355 and up omit the letter) is YE3, 355 with core 1, 4 poles. The model
does not encode kW; table ``motor_frame_rated_kw`` (the MIIT elimination catalogue, batch 3)
gives it for the Y, Y2, Y3, YB and YB2 series.

:func:`parse_models` and :func:`frame_rated_kw` are pure functions of a column and a table;
:func:`fill_from_models` applies them to the cells of an inventory before they are typed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..core.reference import load_table
from . import schema
from .cells import nfkc_fold, number_text, parse_number, to_text

if TYPE_CHECKING:
    from .checks import ColumnCells, HeaderMap
    from .issues import CellIssues

__all__ = ["fill_from_models", "frame_rated_kw", "model_pattern", "parse_models"]

#: Columns a model fills, in the order they are filled.
FILLED = ("motor_series", "frame_size", "poles", "efficiency_class")


def model_pattern(designation: pd.DataFrame | None = None) -> str:
    """The regular expression of a motor model, built from table ``motor_model_designation``
    (its centre heights, frame letters, type and feature codes); groups ``code``, ``serial``,
    ``height``, ``letter``, ``core`` and ``poles``. Longer centre heights are tried first,
    so that ``3551`` is 355 with core 1."""
    t = load_table("motor_model_designation") if designation is None else designation
    values = {e: t.loc[t["element"] == e, "value"].astype(str).tolist() for e in t["element"]}
    heights = sorted(values["centre_height"], key=len, reverse=True)
    features = sorted(values["feature_code"], key=len, reverse=True)
    letters = "".join(values["frame_letter"])
    types = "|".join(values["type_code"])
    return (
        rf"^(?P<code>(?:{types})(?:{'|'.join(features)})*)(?P<serial>\d?)-?"
        rf"(?P<height>{'|'.join(heights)})(?P<letter>[{letters}]?)(?P<core>\d?)"
        r"-(?P<poles>\d{1,2})$"
    )


def parse_models(models: pd.Series, designation: pd.DataFrame | None = None) -> pd.DataFrame:
    """Split motor models into their parts.

    Parameters
    ----------
    models : pandas.Series
        Model text as written (``"Y160M-4"``, ``"ye3-200l-4"``, ``"Y2－160M－4"``); blanks and
        texts that are no motor model give NA.
    designation : pandas.DataFrame, optional
        Table ``motor_model_designation`` (the bundled one by default).

    Returns
    -------
    pandas.DataFrame
        Indexed like ``models``: ``series`` (``Y``, ``Y2``, ``YE3``, ``YB2`` …), ``frame_size``
        (``160M``, ``132S1``, ``3551``), ``poles`` (Int64) and ``parsed`` (bool).
    """
    codes, uniques = pd.factorize(to_text(models))  # a column repeats a few models: parse each once
    folded = (
        nfkc_fold(pd.Series(uniques, dtype="str")).str.upper().str.replace(r"\s+", "", regex=True)
    )
    parts = folded.str.extract(model_pattern(designation))
    parsed = parts["code"].notna().to_numpy(dtype=bool)
    series = (parts["code"].fillna("") + parts["serial"].fillna("")).to_numpy(dtype=object)
    frame = (
        parts["height"].fillna("") + parts["letter"].fillna("") + parts["core"].fillna("")
    ).to_numpy(dtype=object)
    poles = pd.to_numeric(parts["poles"], errors="coerce").to_numpy(dtype=float)

    def spread(values: np.ndarray, missing: Any) -> np.ndarray:
        out = np.append(np.where(parsed, values, missing), missing)  # code -1 (blank) → missing
        return out[codes]

    ok = spread(parsed, False).astype(bool)
    pole_values = spread(poles, np.nan).astype(float)
    return pd.DataFrame(
        {
            "series": pd.Series(spread(series, None), dtype="str").where(ok),
            "frame_size": pd.Series(spread(frame, None), dtype="str").where(ok),
            "poles": pd.array(np.where(ok, pole_values, 0).astype(np.int64), dtype="Int64"),
            "parsed": ok,
        },
        index=models.index,
    ).assign(poles=lambda d: d["poles"].where(d["parsed"]))


def frame_rated_kw(
    series: pd.Series, frame_size: pd.Series, poles: pd.Series, table: pd.DataFrame | None = None
) -> np.ndarray:
    """Rated output of each (series, frame, poles) [kW] from table ``motor_frame_rated_kw``,
    NaN where the table has no such motor (YE3 and the other efficiency series are not in it)."""
    t = load_table("motor_frame_rated_kw") if table is None else table
    key = pd.MultiIndex.from_arrays(
        [t["series"].astype(str), t["frame"].astype(str), t["poles"].astype(int)]
    )
    lookup = pd.Series(t["rated_kw"].to_numpy(dtype=float), index=key)
    wanted = pd.MultiIndex.from_arrays(
        [
            series.fillna("").astype(str),
            frame_size.fillna("").astype(str),
            poles.fillna(0).astype(int),
        ]
    )
    return lookup.reindex(wanted).to_numpy(dtype=float)


def fill_from_models(
    headers: list[str],
    header_map: HeaderMap,
    cells: ColumnCells,
    issues: CellIssues,
    notes: list[str],
) -> None:
    """Fill motor_series, frame_size, poles and (for Y … YE5) efficiency_class from the
    motor_model column, in the cells before they are typed, so that every later check sees
    them; a model whose poles contradict the poles column, or whose frame (in table
    ``motor_frame_rated_kw``) is another kW than the rated-power column, is a conflict at the
    model cell naming both. A blank cell is filled; a given value is never overwritten.
    Columns the file lacks are added, headed ``<model header> → <column>``."""
    mapped = header_map.mapped
    if "motor_model" not in mapped:
        return
    mi = mapped["motor_model"]
    model_header = headers[mi]
    models = to_text(cells.text[mi])
    parts = parse_models(models)
    parsed = parts["parsed"].to_numpy(dtype=bool) & ~cells.blank[mi]
    unread = ~cells.blank[mi] & ~parsed
    if unread.any():
        examples = ", ".join(dict.fromkeys(models[unread].tolist()))
        notes.append(
            f"column {model_header}: {int(unread.sum())} model(s) not read as a motor model "
            f"(GB/T 4831 designation), nothing filled from them: {examples[:120]}"
        )
    if not parsed.any():
        return
    raw_model = cells.raw_values(mi)
    _check_poles(headers, mapped, cells, issues, parts, parsed, mi, raw_model)
    _check_frame_kw(headers, header_map, cells, issues, parts, parsed, mi, raw_model)
    fixes_class = parts["series"].isin(list(schema.CLASS_ALIASES)).to_numpy(dtype=bool)
    values = {
        "motor_series": (parts["series"], parsed),
        "frame_size": (parts["frame_size"], parsed),
        "poles": (parts["poles"].astype("str"), parsed),
        "efficiency_class": (parts["series"], parsed & fixes_class),
    }
    filled = []
    for name in FILLED:
        text, where = values[name]
        if name not in mapped:
            if not where.any():
                continue
            mapped[name] = len(headers)
            header_map.factors[name] = 1.0
            headers.append(f"{model_header} → {name}")
            i = mapped[name]
            cells.text[i] = pd.Series([""] * len(models), dtype="str")
            cells.raw[i] = pd.Series([""] * len(models), dtype="str")
            cells.blank[i] = np.ones(len(models), dtype=bool)
        i = mapped[name]
        fill = where & cells.blank[i]
        if not fill.any():
            continue
        filled.append(f"{headers[i]} ({int(fill.sum())})")
        new = pd.Series(text.to_numpy(dtype=object), dtype="str").fillna("")
        cells.text[i] = to_text(cells.text[i]).where(~fill, new)
        cells.raw[i] = cells.raw[i].astype(object).where(~fill, new.astype(object))
        cells.blank[i] = cells.blank[i] & ~fill
    if filled:
        notes.append(f"column {model_header}: filled from the motor model: {', '.join(filled)}")


def _check_poles(
    headers: list[str],
    mapped: dict[str, int],
    cells: ColumnCells,
    issues: CellIssues,
    parts: pd.DataFrame,
    parsed: np.ndarray,
    mi: int,
    raw_model: Callable[[np.ndarray], list[str | None]],
) -> None:
    """A conflict where the model's poles differ from a given poles cell."""
    if "poles" not in mapped:
        return
    pi = mapped["poles"]
    given_text = nfkc_fold(to_text(cells.text[pi])).str.replace(r"极$", "", regex=True)
    given = pd.to_numeric(given_text, errors="coerce").to_numpy(dtype=float)
    model_poles = parts["poles"].to_numpy(dtype=float, na_value=np.nan)
    with np.errstate(invalid="ignore"):
        conflict = parsed & ~cells.blank[pi] & np.isfinite(given) & (given != model_poles)
    if not conflict.any():
        return
    models = to_text(cells.text[mi]).to_numpy(dtype=object)

    def expected(pos: np.ndarray) -> list[str]:
        return [
            f"a model that agrees with {headers[pi]}: {models[p]} is a "
            f"{int(model_poles[p])}-pole motor, {headers[pi]} says {number_text(given[p])}"
            for p in pos
        ]

    issues.cells("conflict", conflict, headers[mi], mi, raw_model, expected)


def _check_frame_kw(
    headers: list[str],
    header_map: HeaderMap,
    cells: ColumnCells,
    issues: CellIssues,
    parts: pd.DataFrame,
    parsed: np.ndarray,
    mi: int,
    raw_model: Callable[[np.ndarray], list[str | None]],
) -> None:
    """A conflict where the model's frame is listed at another kW than the rated power."""
    mapped = header_map.mapped
    if "rated_power_kw" not in mapped:
        return
    ki = mapped["rated_power_kw"]
    col = schema.COLUMN_BY_NAME["rated_power_kw"]
    kw, bad = parse_number(
        col, to_text(cells.text[ki]), cells.blank[ki], header_map.factors["rated_power_kw"]
    )
    frame_kw = frame_rated_kw(parts["series"], parts["frame_size"], parts["poles"])
    with np.errstate(invalid="ignore"):
        conflict = (
            parsed
            & ~cells.blank[ki]
            & ~bad
            & np.isfinite(frame_kw)
            & (np.abs(kw - frame_kw) > 0.005 * frame_kw)
        )
    if not conflict.any():
        return
    models = to_text(cells.text[mi]).to_numpy(dtype=object)

    def expected(pos: np.ndarray) -> list[str]:
        return [
            f"a model that agrees with {headers[ki]}: {models[p]} is a "
            f"{number_text(frame_kw[p])} kW motor (table motor_frame_rated_kw), "
            f"{headers[ki]} says {number_text(kw[p])} kW"
            for p in pos
        ]

    issues.cells("conflict", conflict, headers[mi], mi, raw_model, expected)
