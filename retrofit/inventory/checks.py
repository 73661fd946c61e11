"""The checks of an inventory's cells, one named step each, in the order :func:`.reading.validate_table`
runs them: cells by column (:func:`cells_by_column`), headers → canonical columns
(:func:`map_headers`), blank rows dropped (:func:`drop_blank_rows`), required columns present
(:func:`check_required_columns`), each column typed and checked against its kind and range
(:func:`type_columns`), then the checks across columns: measures fit the row and have their
inputs (:func:`check_measures`), no id repeated (:func:`check_duplicates`), one previous-year
energy per plant (:func:`check_plant_energy`). Every step adds to one :class:`.CellIssues`,
so a file's problems are all reported at once."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from . import schema
from .cells import (
    bounds_text,
    choice_expected,
    column_letter,
    display_text,
    fold_width,
    foreign_characters,
    int_array,
    is_text,
    number_text,
    out_of_range_mask,
    parse_choice,
    parse_date,
    parse_number,
    strip_count_word,
    to_text,
    unknown_choice_expected,
)
from .files import CellTable
from .issues import CellIssues
from .schema import Column
from .sniff import MAX_NOTE_ITEMS

__all__ = [
    "ColumnCells",
    "HeaderMap",
    "TypedColumns",
    "cells_by_column",
    "check_duplicates",
    "check_measures",
    "check_plant_energy",
    "check_required_cells",
    "check_required_columns",
    "drop_blank_rows",
    "keep_rows",
    "map_headers",
    "type_choice",
    "type_columns",
    "type_date",
    "type_int_choice",
    "type_number",
]


@dataclass
class ColumnCells:
    """A table's cells by column position while the checks go through them.

    Each column is dropped from ``text`` once typed, and from ``raw`` once no later check
    quotes it, so that a large file's cells are freed column by column."""

    #: The cells as read, quoted in messages.
    raw: dict[int, pd.Series]
    #: Stripped text ('' for blank); numbers and dates of a DataFrame stay as they are.
    text: dict[int, pd.Series]
    #: Blank cells of each column.
    blank: dict[int, np.ndarray]

    def raw_values(self, i: int) -> Callable[[np.ndarray], list[str | None]]:
        """The cells of column ``i`` at some row positions, as text for a message."""
        return lambda pos: [display_text(v) for v in self.raw[i].iloc[pos]]


@dataclass
class HeaderMap:
    """Which column of the table each canonical column is, and what else is kept."""

    #: Canonical column → position in the table.
    mapped: dict[str, int]
    #: Canonical column → factor from the unit in its header (``万元`` → 10000).
    factors: dict[str, float]
    #: Position → name of an unknown column kept unchanged.
    passthrough: dict[int, str]
    #: Header → the name it is kept under, for the headers that name an output column.
    renamed: dict[str, str]


@dataclass
class TypedColumns:
    """Each canonical column found, typed, with the cells that passed its own checks."""

    #: Canonical column → typed values (NA where blank or bad).
    values: dict[str, Any]
    #: Canonical column → cells neither blank nor bad.
    valid: dict[str, np.ndarray]
    #: Choice column → (factorize codes, why each unique value was refused, canonical values).
    choice_codes: dict[str, tuple[np.ndarray, list[str | None], np.ndarray]]
    #: Date column → cells that gave a month without a day (read as its first day).
    month_only: dict[str, np.ndarray] = field(default_factory=dict)


#: Columns whose raw cells are still needed after their own checks (for messages).
_CROSS_CHECKED = frozenset(
    {"plant_id", "asset_id", "measure", "plant_energy_tce"}
    | {name for m in schema.MEASURES for name in m.requires}
)


def cells_by_column(table: CellTable) -> ColumnCells:
    """Take the cells out of ``table`` (which keeps none, so each column can be freed once
    checked) as stripped text and blank masks by column."""
    n_cols = len(table.headers)
    raw: dict[int, pd.Series] = {i: table.cells[i] for i in range(n_cols)}
    table.cells = pd.DataFrame()
    text: dict[int, pd.Series] = {}
    blank: dict[int, np.ndarray] = {}
    for i in range(n_cols):
        s = raw[i]
        if is_text(s) or s.dtype == object or pd.api.types.is_bool_dtype(s.dtype):
            s = to_text(s)
            b = (s == "").to_numpy(dtype=bool)
        else:
            b = s.isna().to_numpy(dtype=bool)
        text[i] = s
        blank[i] = b
    return ColumnCells(raw, text, blank)


def map_headers(
    headers: list[str],
    blank: dict[int, np.ndarray],
    columns: Sequence[Column],
    match: Callable[[str], tuple[str | None, float]],
    issues: CellIssues,
    notes: list[str],
    reserved: frozenset[str] = frozenset(),
) -> HeaderMap:
    """Headers → canonical columns: a header-error for a unit a column does not accept or for
    two headers of one column; unknown headers are kept (renamed when repeated).

    An unknown header in ``reserved`` (the names of columns the tool computes, such as
    ``piles_replaced``) is kept as ``"<header> (input)"`` with a note: carried under its own
    name it would stand beside, or be summed with, the computed column of that name. Renaming
    rather than refusing lets the tool's own output be read back as an inventory."""
    by_name = {c.name: c for c in columns}
    mapped: dict[str, int] = {}
    factors: dict[str, float] = {}
    passthrough: dict[int, str] = {}
    renamed: dict[str, str] = {}
    used_names: set[str] = set()
    for i, header in enumerate(headers):
        header = "" if header is None else str(header)
        if not header.strip():
            if blank[i].all():
                continue  # an empty column without a header: an artefact of the export
            name = f"Unnamed: {column_letter(i)}"
            notes.append(f"column {column_letter(i)} has no header; kept as '{name}'")
            passthrough[i] = name
            continue
        try:
            canonical, factor = match(header)
        except ValueError as e:
            issues.file_level("header-error", header, str(e), order=i)
            continue
        if canonical is None:
            output = header in reserved or header.strip() in reserved
            base = f"{header.strip()} (input)" if output else header
            name = base
            k = 1
            while name in used_names or name == "source_row" or name in by_name:
                name = f"{base}.{k}"
                k += 1
            if output:
                renamed[header] = name
                notes.append(
                    f"column {column_letter(i)} '{header}' has the name of a column retrofit "
                    f"computes; kept as '{name}' (the computed {header.strip()} is written "
                    "beside it)"
                )
            elif name != header:
                notes.append(
                    f"column {column_letter(i)} '{header}' repeats a header; kept as '{name}'"
                )
            used_names.add(name)
            passthrough[i] = name
            continue
        if canonical in mapped:
            first = headers[mapped[canonical]]
            issues.file_level(
                "header-error",
                header,
                f"this column and column {first} both mean {canonical}; keep only one",
                order=i,
            )
            continue
        mapped[canonical] = i
        factors[canonical] = factor

    # the plant's name: plant_name in an inventory, name in a plants file
    name_column = "plant_name" if "plant_name" in by_name else "name"
    if "plant_id" in by_name and "plant_id" not in mapped and name_column in mapped:
        # a sheet with only 企业名称 identifies plants by name, as many enterprise lists do
        mapped["plant_id"] = mapped[name_column]
        factors["plant_id"] = 1.0
        notes.append(
            f"column {headers[mapped[name_column]]} is also used as plant_id "
            "(no separate plant identifier column)"
        )
    return HeaderMap(mapped, factors, passthrough, renamed)


def drop_blank_rows(
    cells: ColumnCells, rows: np.ndarray, issues: CellIssues, notes: list[str]
) -> np.ndarray:
    """Drop the entirely blank rows (trailing Excel rows) with a note; the rows kept."""
    n_cols = len(cells.blank)
    blank = cells.blank
    all_blank = np.logical_and.reduce([blank[i] for i in range(n_cols)]) if n_cols else None
    if all_blank is not None and all_blank.any():
        keep = ~all_blank
        dropped = rows[all_blank]
        shown = ", ".join(str(r) for r in dropped[:MAX_NOTE_ITEMS])
        more = "" if len(dropped) <= MAX_NOTE_ITEMS else f", … ({len(dropped)} in all)"
        notes.append(f"{len(dropped)} entirely blank row(s) dropped: row {shown}{more}")
        rows = keep_rows(cells, rows, issues, keep)
    return rows


def keep_rows(
    cells: ColumnCells, rows: np.ndarray, issues: CellIssues, keep: np.ndarray
) -> np.ndarray:
    """Keep only the rows of ``keep`` in every column (and in ``issues``); the rows kept."""
    for i in list(cells.text):
        cells.text[i] = cells.text[i][keep].reset_index(drop=True)
        cells.blank[i] = cells.blank[i][keep]
        cells.raw[i] = cells.raw[i][keep].reset_index(drop=True)
    rows = rows[keep]
    issues.rows = rows
    return rows


def check_required_columns(
    columns: Sequence[Column], header_map: HeaderMap, issues: CellIssues, n_cols: int
) -> None:
    """A missing-column issue for each required column without a header."""
    for col in columns:
        if col.required and col.name not in header_map.mapped:
            issues.file_level("missing-column", col.name, _missing_text(col), order=n_cols)


@dataclass
class _ColumnCheck:
    """One column under check: where its issues go and how its cells are quoted."""

    column: Column
    position: int
    header: str
    blank: np.ndarray
    raw_values: Callable[[np.ndarray], list[str | None]]
    issues: CellIssues

    def report(
        self,
        type_: str,
        mask: np.ndarray,
        expected: str | Callable[[np.ndarray], list[str]],
    ) -> None:
        self.issues.cells(type_, mask, self.header, self.position, self.raw_values, expected)


def type_columns(
    columns: Sequence[Column],
    headers: list[str],
    header_map: HeaderMap,
    cells: ColumnCells,
    issues: CellIssues,
) -> TypedColumns:
    """Each mapped column typed by its kind (text, choice, int, number, fraction, date), with
    an issue for a blank required cell, a cell of the wrong type, an unknown choice and a
    value out of range."""
    mapped = header_map.mapped
    out: dict[str, Any] = {}
    valid: dict[str, np.ndarray] = {}
    codes_of: dict[str, tuple[np.ndarray, list[str | None], np.ndarray]] = {}
    month_only: dict[str, np.ndarray] = {}
    for col in columns:
        if col.name not in mapped:
            continue
        i = mapped[col.name]
        s, b = cells.text[i], cells.blank[i]
        if (col.kind in ("text", "choice") and not is_text(s)) or (
            col.kind != "date" and pd.api.types.is_datetime64_any_dtype(s.dtype)
        ):
            s = to_text(s)
        check = _ColumnCheck(col, i, headers[i], b, cells.raw_values(i), issues)
        if col.required:
            check_required_cells(check)
        bad = np.zeros(len(s), dtype=bool)
        if col.kind == "text":
            out[col.name] = s.where(~b) if b.any() else s
        elif col.kind == "int" and col.choices:
            out[col.name], bad = type_int_choice(check, s)
        elif col.kind == "choice":
            out[col.name], bad, codes_of[col.name] = type_choice(check, s)
        elif col.kind in ("int", "number", "fraction"):
            out[col.name], bad = type_number(check, s, header_map.factors[col.name])
        elif col.kind == "date":
            out[col.name], bad, month_only[col.name] = type_date(check, s)
        valid[col.name] = ~b & ~bad
        del s
        if sum(1 for p in mapped.values() if p == i) > 1 and any(
            c.name in mapped and mapped[c.name] == i and c.name not in out for c in columns
        ):
            continue  # 企业名称 serves as plant_id and plant_name: keep its cells for the other
        del cells.text[i]
        if not any(n in _CROSS_CHECKED for n, p in mapped.items() if p == i):
            del cells.raw[i]
    return TypedColumns(out, valid, codes_of, month_only)


def check_required_cells(check: _ColumnCheck) -> None:
    """A blank-required issue for each blank cell of a required column."""
    col = check.column
    expected = col.expected() if col.kind != "choice" else choice_expected(col)
    check.report("blank-required", check.blank, f"{expected} (this column is required)")


def type_int_choice(check: _ColumnCheck, s: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """A whole number from a short list (poles: 4, "4", "4极"): (Int64 values, bad mask)."""
    col, b = check.column, check.blank
    t = fold_width(to_text(s)).str.replace(r"极$", "", regex=True)
    v, _ = parse_number(col, t, b, 1.0)
    unknown = ~b & ~np.isin(v, [float(c) for c in col.choices])
    check.report("unknown-value", unknown, choice_expected(col))
    return int_array(v, b | unknown), unknown


def type_choice(
    check: _ColumnCheck, s: pd.Series
) -> tuple[pd.Series, np.ndarray, tuple[np.ndarray, list[str | None], np.ndarray]]:
    """A choice column's canonical values: (values, unknown mask, (codes, why, canonical))."""
    col = check.column
    canon, codes, why = parse_choice(col, s)
    # one canonical value per distinct cell (code -1, a blank, takes the last slot, None):
    # test and convert those, then spread them, rather than every row's Python object
    distinct = np.empty(len(why) + 1, dtype=object)
    distinct[codes] = canon
    unknown = ~check.blank & pd.isna(distinct)[codes]
    expected = choice_expected(col)
    check.report(
        "unknown-value", unknown, functools.partial(unknown_choice_expected, codes, why, expected)
    )
    return pd.Series(pd.array(distinct, dtype="str").take(codes)), unknown, (codes, why, canon)


#: :data:`.schema.NUMBER_LIMIT` as written in a message: 1e15.
_LIMIT_TEXT = f"{schema.NUMBER_LIMIT:.0e}".replace("e+", "e")
#: The smallest magnitude other than 0 a number column accepts (1e-15): a ratio of two inputs
#: within both bounds stays finite.
_SMALLEST = 1 / schema.NUMBER_LIMIT
_SMALLEST_TEXT = f"{_SMALLEST:.0e}"


def type_number(check: _ColumnCheck, s: pd.Series, factor: float) -> tuple[pd.Series, np.ndarray]:
    """An int, number or fraction column in canonical units (``factor`` from the header's
    unit): a type-error for text that is no finite number (or no whole number, or holds a
    character other than the digits, "5²"), out-of-range for a value outside the column's
    bounds or beyond :data:`.schema.NUMBER_LIMIT`, and for a value whose scale is ambiguous
    (0.935 in a % column, 75 in a fraction column): the message gives both readings."""
    col, b = check.column, check.blank
    if col.kind == "int" and is_text(s):
        s = strip_count_word(s)  # 6台 → 6
    v, bad = parse_number(col, s, b, factor)
    check.report("type-error", bad, _number_expected(col, s))
    ok = ~b & ~bad
    if col.kind == "int":
        frac = ok & (v != np.floor(v))
        check.report("type-error", frac, col.expected())
        bad |= frac
        ok &= ~frac
    huge = ok & ~(np.abs(v) <= schema.NUMBER_LIMIT)
    check.report(
        "out-of-range",
        huge,
        f"{col.expected()}, at most {_LIMIT_TEXT} in size (larger values overflow the arithmetic)",
    )
    bad |= huge
    ok &= ~huge
    # the mirror of NUMBER_LIMIT: 1e-320 hours is no real input, and a cost over it overflows
    tiny = ok & (v != 0) & (np.abs(v) < _SMALLEST)
    check.report(
        "out-of-range",
        tiny,
        f"{col.expected()}, 0 or at least {_SMALLEST_TEXT} in size (smaller values overflow "
        "the arithmetic)",
    )
    bad |= tiny
    ok &= ~tiny
    oor = out_of_range_mask(col, v, ok)
    amb = _ambiguous_scale(col, s, v, ok, oor, factor)
    if amb.any():
        shown = v / factor if col.scale == "fraction" else v
        check.report("out-of-range", amb, functools.partial(_two_readings, col, factor, shown))
        oor &= ~amb
        bad |= amb
    expected = col.expected()
    if col.kind == "fraction" and factor != 1.0:
        expected = f"a percentage {bounds_text(col, 1 / factor)} (the header is in %)"
    check.report("out-of-range", oor, expected)
    bad |= oor
    if col.kind == "int":
        return int_array(v, b | bad), bad
    return pd.Series(np.where(b | bad, np.nan, v), dtype="float64"), bad


def _number_expected(col: Column, s: pd.Series) -> str | Callable[[np.ndarray], list[str]]:
    """What a cell that is no number should have been; for text with a superscript, a circled
    digit or another script's digit, that only 0-9 are read as digits."""
    if not is_text(s):
        return col.expected()

    def expected(pos: np.ndarray) -> list[str]:
        out = []
        for text in s.iloc[pos]:
            odd = [ch for ch in foreign_characters(text) if ch.isnumeric()]  # ², ②, ٥, 五
            verb = "is not one" if len(odd) == 1 else "are not"
            out.append(
                f"{col.expected()}, written with the digits 0-9 ({', '.join(odd)} {verb})"
                if odd
                else col.expected()
            )
        return out

    return expected


def _ambiguous_scale(
    col: Column, s: pd.Series, v: np.ndarray, ok: np.ndarray, oor: np.ndarray, factor: float
) -> np.ndarray:
    """Plain numbers (no % sign) that read sensibly both as a percentage and as a fraction:
    0.935 in a % column (0.935 % or 93.5 %), 0.75 under a fraction header in % (0.75 % or
    75 %), 75 in a fraction column (7,500 % or 75 %). A cell written "75%" is never ambiguous."""
    if col.scale is None:
        return np.zeros(len(v), dtype=bool)
    plain = ok.copy()
    if is_text(s):
        plain &= ~s.str.contains("[%％]", regex=True).to_numpy(dtype=bool)
    with np.errstate(over="ignore", invalid="ignore"):
        if col.scale == "percent":  # in range as a %, and in range again read as a fraction
            return plain & ~oor & (v < 1) & ~out_of_range_mask(col, v * 100, plain)
        if factor != 1.0:  # a fraction under a % header: 0.75 there may be 0.75 or 75 %
            return plain & ~oor & ~out_of_range_mask(col, v * 100, plain)
        # a fraction column: 75 is out of range, but 75 % would not be
        return plain & oor & ~out_of_range_mask(col, v / 100, plain)


def _two_readings(col: Column, factor: float, written: np.ndarray, pos: np.ndarray) -> list[str]:
    """The two readings of each ambiguous cell and how to write the one meant."""

    def t(x: float) -> str:
        return number_text(float(f"{x:.12g}"))

    out = []
    for p in pos:
        x = float(written[p])
        if col.scale == "percent":
            out.append(f"a percentage: {t(x)} % or {t(x * 100)} %? write {t(x * 100)}")
        elif factor != 1.0:
            out.append(
                f"a percentage (the header is in %): {t(x)} % or {t(x * 100)} %? write {t(x * 100)}"
            )
        else:
            out.append(
                f"a fraction {bounds_text(col, 1.0)}: {t(x)} ({t(x * 100)} %) or {t(x)} %? "
                f'write {t(x / 100)} or "{t(x)}%"'
            )
    return out


def type_date(check: _ColumnCheck, s: pd.Series) -> tuple[pd.Series, np.ndarray, np.ndarray]:
    """A date column: (datetime64 values, bad mask, month-only mask), a type-error for each
    bad date."""
    d, bad, month_only = parse_date(s, check.blank)
    check.report("type-error", bad, check.column.expected())
    return d, bad, month_only


def _missing_text(col: Column) -> str:
    aliases = [a for a in col.aliases if a != col.name]
    return f"missing — add a column {col.name} (or one of its aliases: {', '.join(aliases)})"


def _header_or_name(headers: list[str], mapped: dict[str, int], name: str) -> str:
    return headers[mapped[name]] if name in mapped else name


def _why_measure_does_not_apply(category: str, measures: str) -> str | None:
    """What a row of ``category`` with ``measures`` (canonical, joined with +) should have
    had, when one of its measures does not apply to the category or is not modelled yet."""
    if not measures:
        return None
    for name in measures.split("+"):
        m = schema.MEASURE_BY_NAME[name]
        if category and category not in m.categories:
            fits = [x.name for x in schema.MEASURES if category in x.categories]
            return (
                f"a measure that applies to {category} ({', '.join(fits) or 'none'}); "
                f"{name} applies to {', '.join(m.categories)}"
            )
        if not m.modelled:
            modelled = [x.name for x in schema.MEASURES if x.modelled]
            return (
                f"a measure this version models ({', '.join(modelled)}); "
                f"{name} is recognised but not modelled yet"
            )
    return None


def check_measures(
    issues: CellIssues,
    headers: list[str],
    header_map: HeaderMap,
    typed: TypedColumns,
    cells: ColumnCells,
) -> None:
    """Measures must apply to the row's category, be modelled, and have their inputs."""
    mapped, out, codes_of = header_map.mapped, typed.values, typed.choice_codes
    if "measure" not in codes_of:
        return
    mi = mapped["measure"]
    mheader = headers[mi]
    # the typed columns are text already: join them as they are, not through Python objects
    measures = pd.Series(out["measure"], dtype="str").reset_index(drop=True)
    cats = (
        pd.Series(out["category"], dtype="str").reset_index(drop=True)
        if "category" in out
        else pd.Series(None, index=measures.index, dtype="str")
    )
    key = cats.fillna("") + "|" + measures.fillna("")
    codes, uniques = pd.factorize(key)
    messages = [_why_measure_does_not_apply(*u.partition("|")[::2]) for u in uniques]
    has_msg = np.array([m is not None for m in messages] + [False])[codes]
    issues.cells(
        "not-applicable",
        has_msg,
        mheader,
        mi,
        cells.raw_values(mi),
        lambda pos: [messages[codes[p]] or "" for p in pos],
    )
    measures_of_key = [u.partition("|")[2] for u in uniques]
    _check_measure_inputs(issues, headers, mapped, cells, codes, measures_of_key, has_msg)


def _check_measure_inputs(
    issues: CellIssues,
    headers: list[str],
    mapped: dict[str, int],
    cells: ColumnCells,
    codes: np.ndarray,
    measures_of_key: list[str],
    has_msg: np.ndarray,
) -> None:
    """Each measure's input columns present, and given on the rows that name the measure
    (rows whose measure does not apply, ``has_msg``, are already reported)."""
    blank, raw_values, n_cols = cells.blank, cells.raw_values, len(headers)
    for m in schema.MEASURES:
        with_m = np.array(
            [bool(meas) and m.name in meas.split("+") for meas in measures_of_key] + [False]
        )[codes]
        with_m &= ~has_msg
        if not with_m.any():
            continue
        first_row = int(issues.rows[np.flatnonzero(with_m)[0]])
        for name in m.requires:
            col = schema.COLUMN_BY_NAME[name]
            if name not in mapped:
                issues.file_level(
                    "missing-column",
                    name,
                    f"missing — measure {m.name} (first on row {first_row}) needs a column "
                    f"{name} (or one of its aliases: "
                    f"{', '.join(a for a in col.aliases if a != name)})",
                    order=n_cols,
                )
                issues.fail_rows(np.flatnonzero(with_m))
                continue
            i = mapped[name]
            issues.cells(
                "blank-required",
                with_m & blank[i],
                headers[i],
                i,
                raw_values(i),
                f"{col.expected()} (measure {m.name} needs it)",
            )
        for group in m.requires_one_of:
            present = [g for g in group if g in mapped]
            names = " or ".join(_header_or_name(headers, mapped, g) for g in group)
            if not present:
                issues.file_level(
                    "missing-column",
                    group[0],
                    f"missing — measure {m.name} (first on row {first_row}) needs a column "
                    f"{' or '.join(group)}",
                    order=n_cols,
                )
                issues.fail_rows(np.flatnonzero(with_m))
                continue
            none_given = with_m & np.logical_and.reduce([blank[mapped[g]] for g in present])
            issues.cells(
                "blank-required",
                none_given,
                None,
                mapped[present[0]],
                None,
                f"one of {names} must be given (measure {m.name} needs it)",
            )


def _key_codes(out: dict[str, Any], names: list[str]) -> np.ndarray:
    """One int64 code per row for the combination of ``names`` (no Python string objects)."""
    key = np.zeros(len(out[names[0]]), dtype=np.int64)
    for name in names:
        codes, uniques = pd.factorize(out[name])
        key = key * (len(uniques) + 1) + (codes + 1)
    return key


def check_duplicates(
    issues: CellIssues,
    headers: list[str],
    header_map: HeaderMap,
    typed: TypedColumns,
    cells: ColumnCells,
    rows: np.ndarray,
    id_cols: list[str],
) -> None:
    """The same plant_id (and asset_id) on several rows: name the first row it repeats."""
    mapped, out, valid = header_map.mapped, typed.values, typed.valid
    if not all(c in mapped for c in id_cols):
        return
    ok = np.logical_and.reduce([valid[c] for c in id_cols])
    if not ok.any():
        return
    key = _key_codes(out, id_cols)[ok]
    dup = pd.Series(key).duplicated(keep="first").to_numpy()
    if not dup.any():
        return
    first = pd.Series(rows[ok]).groupby(key, sort=False).transform("first").to_numpy()
    idx = np.flatnonzero(ok)
    mask = np.zeros(len(rows), dtype=bool)
    mask[idx[dup]] = True
    first_row = np.zeros(len(rows), dtype=np.int64)
    first_row[idx] = first
    last = id_cols[-1]
    i = mapped[last]
    plant = out["plant_id"]
    if last == "asset_id":

        def expected(pos: np.ndarray) -> list[str]:
            return [
                f"an asset_id not already used in plant {plant.iloc[p]} (row {first_row[p]} "
                "has the same one)"
                for p in pos
            ]
    else:

        def expected(pos: np.ndarray) -> list[str]:
            return [
                f"a plant_id not listed before (row {first_row[p]} has the same one)" for p in pos
            ]

    issues.cells("duplicate-id", mask, headers[i], i, cells.raw_values(i), expected)


def check_plant_energy(
    issues: CellIssues,
    headers: list[str],
    header_map: HeaderMap,
    typed: TypedColumns,
    cells: ColumnCells,
    rows: np.ndarray,
) -> None:
    """One plant, one previous-year energy figure: later rows must repeat the first value."""
    mapped, out, valid = header_map.mapped, typed.values, typed.valid
    if "plant_energy_tce" not in mapped or "plant_id" not in mapped:
        return
    ok = valid["plant_energy_tce"] & valid["plant_id"]
    if not ok.any():
        return
    v = out["plant_energy_tce"].to_numpy()[ok]
    grp = pd.DataFrame({"v": v, "r": rows[ok]}).groupby(
        _key_codes(out, ["plant_id"])[ok], sort=False
    )
    first_v = grp["v"].transform("first").to_numpy()
    first_r = grp["r"].transform("first").to_numpy()
    differs = ~np.isclose(v, first_v, rtol=1e-9, atol=0.0)
    if not differs.any():
        return
    idx = np.flatnonzero(ok)
    mask = np.zeros(len(rows), dtype=bool)
    mask[idx[differs]] = True
    fv = np.full(len(rows), np.nan)
    fr = np.zeros(len(rows), dtype=np.int64)
    fv[idx], fr[idx] = first_v, first_r
    i = mapped["plant_energy_tce"]
    plant = out["plant_id"]

    def expected(pos: np.ndarray) -> list[str]:
        return [
            f"{number_text(fv[p])} tce as on row {fr[p]} (plant {plant.iloc[p]} has one "
            "previous-year energy figure)"
            for p in pos
        ]

    issues.cells("conflict", mask, headers[i], i, cells.raw_values(i), expected)
