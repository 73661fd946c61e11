"""One cell → one value: text as the reader sees it, numbers (thousands separators, %, full-width
digits, the unit of the header), choices (Chinese aliases, measures joined with +), integers and
dates; and the wording of what a column expects. Every function works on a whole column at once
(vectorised) and reports bad cells as a boolean mask; :mod:`.checks` turns masks into issues."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from . import schema
from .schema import Column

__all__ = [
    "bounds_text",
    "canonical_measure",
    "choice_expected",
    "column_letter",
    "display_text",
    "fold_width",
    "foreign_characters",
    "int_array",
    "is_text",
    "nfkc_fold",
    "number_text",
    "out_of_range_mask",
    "parse_choice",
    "parse_date",
    "parse_number",
    "strip_count_word",
    "to_float",
    "to_text",
    "unknown_choice_expected",
    "xlsx_cell_text",
]


def number_text(v: float) -> str:
    """A float as a person writes it: 4.0 as 4, 0.1 as 0.1; inf and nan (an xlsx number of
    1E400 reads as inf) as Python writes them, never through int(), which fails on them."""
    if not np.isfinite(v):
        return repr(float(v))
    if v == int(v) and abs(v) < 1e15:
        return str(int(v))
    return repr(v)


def xlsx_cell_text(cell: Any) -> str:
    """The text of an Excel cell as the reader sees it; numbers exactly, dates as ISO dates."""
    import datetime as dt

    v = cell.value
    if v is None:
        return ""
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, int | float):
        fmt = getattr(cell, "number_format", "General") or "General"
        if "%" in fmt and isinstance(v, int | float):
            return number_text(float(f"{v * 100:.12g}")) + "%"
        return number_text(float(v)) if isinstance(v, float) else str(v)
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time() else v.isoformat(sep=" ")
    if isinstance(v, dt.date | dt.time):
        return v.isoformat()
    return str(v)


def display_text(v: Any) -> str:
    """A cell as text for a message: strings unchanged, blanks empty, 4.0 as 4."""
    if isinstance(v, str):
        return v
    if v is None or (not isinstance(v, str | bytes) and pd.api.types.is_scalar(v) and pd.isna(v)):
        return ""
    if isinstance(v, float | np.floating):
        return number_text(float(v)) if np.isfinite(v) else str(v)
    if isinstance(v, pd.Timestamp):
        return v.date().isoformat() if v == v.normalize() else str(v)
    return str(v)


_THOUSANDS = r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?"
_DATE = (
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)
#: A month without a day: 2025年10月, 2025-10, 2025/10, 2025.10
_MONTH = r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$"


def is_text(s: pd.Series) -> bool:
    """Whether ``s`` holds strings (a str or string dtype, not bool)."""
    return pd.api.types.is_string_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype)


def to_text(s: pd.Series) -> pd.Series:
    """Any Series as stripped text, blanks as ''."""
    if s.dtype == object or is_text(s):
        blank = s.isna().to_numpy()
        if s.dtype == object and not blank.all():
            kinds = s[~blank].map(type).unique()
            if not all(k is str for k in kinds):
                out = pd.Series([display_text(v) for v in s], index=s.index, dtype="str")
                return out.str.strip()
        out = s.astype("str")
        if blank.any():
            out = out.where(~blank, "")
        return out.str.strip()
    if pd.api.types.is_float_dtype(s.dtype):
        v = s.to_numpy(dtype=float, na_value=np.nan)
        return pd.Series([display_text(x) for x in v], index=s.index, dtype="str")
    blank = s.isna().to_numpy()
    out = s.astype("str")
    return out.where(~blank, "") if blank.any() else out


#: Full-width forms (U+FF01–U+FF5E: ０-９, ，, ．, ％, ＋, －, ｅ) → their ASCII twins, and the
#: ideographic space → a space: what a Chinese input method types in a number. Nothing else is
#: folded, because NFKC would also read 5⁵ as 55, 5² as 52 and ② as 2.
_WIDTH_FOLD = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def fold_width(t: pd.Series) -> pd.Series:
    """Fold only full-width characters and the ideographic space to ASCII (see _WIDTH_FOLD);
    superscripts, circled digits and every other character are kept, to be refused."""
    wide = ~t.str.isascii().to_numpy(dtype=bool)
    if wide.any():
        t = t.copy()
        t[wide] = t[wide].str.translate(_WIDTH_FOLD).str.strip()
    return t


def foreign_characters(text: str) -> str:
    """The characters of ``text`` a number may not hold even after :func:`fold_width`: those
    outside ASCII ("5²" → "²"), each once, in order."""
    folded = text.translate(_WIDTH_FOLD)
    return "".join(dict.fromkeys(ch for ch in folded if not ch.isascii()))


def nfkc_fold(t: pd.Series) -> pd.Series:
    """NFKC-fold only the cells that need it (full-width digits, ％, ideographic space)."""
    wide = ~t.str.isascii().to_numpy(dtype=bool)
    if wide.any():
        t = t.copy()
        t[wide] = t[wide].str.normalize("NFKC").str.strip()
    return t


def parse_number(
    col: Column, s: pd.Series, blank: np.ndarray, factor: float
) -> tuple[np.ndarray, np.ndarray]:
    """Text or numeric cells → (float values in canonical units, bad-type mask).

    A cell is bad when it is no finite number (inf, NaN, 1e400) or when it holds a character
    other than ASCII and the full-width forms folded by :func:`fold_width` ("5²", "②")."""
    if not is_text(s):
        with np.errstate(over="ignore", invalid="ignore"):
            v = pd.to_numeric(s, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        bad = ~blank & ~np.isfinite(v)
        with np.errstate(over="ignore", invalid="ignore"):  # 1e308 × 万: inf, out of range
            return np.where(blank, np.nan, v) * factor, bad
    t = fold_width(s)
    foreign = ~t.str.isascii().to_numpy(dtype=bool)
    if foreign.any():  # float() would read other scripts' digits; a number here is 0-9 only
        t = t.where(~foreign, "x")
    pct = np.zeros(len(t), dtype=bool)
    if col.kind == "fraction" or "%" in col.units:
        pct = t.str.endswith("%").to_numpy(dtype=bool)
        if pct.any():
            t = t.where(~pct, t.str[:-1].str.rstrip())
    comma = t.str.contains(",", regex=False).to_numpy(dtype=bool)
    if comma.any():
        strict = t.str.fullmatch(_THOUSANDS).to_numpy(dtype=bool)
        t = t.where(~(comma & strict), t.str.replace(",", "", regex=False))
    v = to_float(t)
    bad = ~blank & ~np.isfinite(v)
    with np.errstate(over="ignore", invalid="ignore"):  # 1e308 × 万: inf, out of range
        if col.kind == "fraction":
            # "75%" is 0.75 whatever the header says; a plain number is scaled by the header unit
            return np.where(pct, v / 100, v * factor), bad
        return v * factor, bad


def to_float(t: pd.Series) -> np.ndarray:
    """Parse text to float64; unparsable cells (and blanks) become NaN, to be reported."""
    arr = t.array
    if hasattr(arr, "_pa_array"):  # arrow-backed strings: one C cast when every cell is clean
        import pyarrow as pa
        import pyarrow.compute as pc

        a = arr._pa_array
        try:
            a = pc.if_else(pc.equal(a, ""), pa.scalar("nan"), a)  # blanks are masked by caller
            return pc.cast(a, pa.float64()).to_numpy(zero_copy_only=False)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            pass
    return pd.to_numeric(t, errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def out_of_range_mask(col: Column, v: np.ndarray, ok: np.ndarray) -> np.ndarray:
    """Cells (among ``ok``) whose value ``v`` lies outside ``col``'s minimum and maximum."""
    out = np.zeros(len(v), dtype=bool)
    with np.errstate(invalid="ignore"):
        if col.minimum is not None:
            out |= (v < col.minimum) if col.minimum_inclusive else (v <= col.minimum)
        if col.maximum is not None:
            out |= (v > col.maximum) if col.maximum_inclusive else (v >= col.maximum)
    return out & ok


def _chinese(text: str) -> bool:
    return any("\u3400" <= ch <= "\u9fff" for ch in text)


def choice_expected(col: Column) -> str:
    if col.name == "measure":
        names = [m.name for m in schema.MEASURES]
        zh = [next((a.upper() for a in m.aliases if _chinese(a)), None) for m in schema.MEASURES]
        head = "one or more of " + ", ".join(names) + " joined with +"
    elif col.name == "poles":
        return f"one of {', '.join(col.choices)} (or {', '.join(c + '极' for c in col.choices)})"
    else:
        source = schema.CHOICE_ALIASES[col.name]
        names = list(col.choices)
        zh = [next((a.upper() for a in source.get(n, ()) if _chinese(a)), None) for n in names]
        head = "one of " + ", ".join(names)
    zh_names = [z for z in zh if z]
    return head + (f" (or {', '.join(zh_names)})" if zh_names else "")


#: What joins several measures in one cell: + as documented, and the 、 , ; of real sheets
#: ("电机更换、变频改造"); full-width ＋，； fold to these in schema.normalise.
_MEASURE_JOINERS = re.compile(r"[+、,;]")


def canonical_measure(text: str) -> tuple[str | None, str | None]:
    """'电机更换+变频改造' (or '电机更换、变频改造') → ('upgrade_motor+add_vfd', None), or
    (None, why-not)."""
    aliases = schema.VALUE_ALIASES["measure"]
    parts = _MEASURE_JOINERS.split(schema.normalise(text))
    found = [m for m in (aliases.get(p) for p in parts) if m is not None]
    if not parts or len(found) < len(parts):
        return None, None
    dupes = sorted({f for f in found if found.count(f) > 1})
    if dupes:
        return None, f"each measure at most once ({', '.join(dupes)} is listed twice)"
    order = {m.name: i for i, m in enumerate(schema.MEASURES)}
    return "+".join(sorted(found, key=order.__getitem__)), None


def unknown_choice_expected(
    codes: np.ndarray, why: list[str | None], expected: str, positions: np.ndarray
) -> list[str]:
    """What each unknown cell at ``positions`` should have been: the reason its value was
    refused (a measure listed twice…) or the column's accepted values."""
    return [why[codes[p]] or expected for p in positions]


def parse_choice(col: Column, s: pd.Series) -> tuple[np.ndarray, np.ndarray, list[str | None]]:
    """Text cells → (canonical values as an object array, None where unknown; the factorize
    code of each cell; per unique code, why its value was refused, or None)."""
    codes, uniques = pd.factorize(s)
    mapped: list[str | None] = []
    why: list[str | None] = []
    if col.name == "measure":
        for u in uniques:
            m, w = canonical_measure(u)
            mapped.append(m)
            why.append(w)
    else:
        table = schema.VALUE_ALIASES[col.name]
        mapped = [table.get(schema.normalise(u)) for u in uniques]
        why = [None] * len(mapped)
    arr = np.array([*mapped, None], dtype=object)
    return arr[codes], codes, why


# --- validation --------------------------------------------------------------------------


def column_letter(i: int) -> str:
    """The spreadsheet letter of 0-based column ``i``: 0 → A, 26 → AA."""
    out = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        out = chr(65 + r) + out
    return out


def bounds_text(col: Column, scale: float) -> str:
    """``col``'s range in words, its bounds multiplied by ``scale``: "> 0 and ≤ 100"."""
    parts = []
    if col.minimum is not None:
        parts.append(f"{'≥' if col.minimum_inclusive else '>'} {number_text(col.minimum * scale)}")
    if col.maximum is not None:
        parts.append(f"{'≤' if col.maximum_inclusive else '<'} {number_text(col.maximum * scale)}")
    return " and ".join(parts)


def int_array(v: np.ndarray, missing: np.ndarray) -> pd.Series:
    """Whole-number floats ``v`` as a nullable Int64 Series, NA where ``missing``."""
    values = np.where(missing, 0, v).astype(np.int64)
    return pd.Series(pd.arrays.IntegerArray(values, missing.copy()))


def parse_date(s: pd.Series, blank: np.ndarray) -> tuple[pd.Series, np.ndarray, np.ndarray]:
    """Cells → (datetime64 Series, bad-date mask, month-only mask); 2023-05-01, 2023/5/1 and
    2023年5月1日 all parse, a time of day after the date is ignored. A month without a day
    (2025年10月, 2025-10, 2025/10, 2025.10) reads as the first day of that month and is marked
    in the third mask, for the caller to caveat."""
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        none = np.zeros(len(s), dtype=bool)
        return s.reset_index(drop=True), none, none.copy()
    codes, uniques = pd.factorize(to_text(s))  # dates repeat: parse each spelling once
    t = nfkc_fold(pd.Series(uniques, dtype="str"))
    parts = t.str.extract(_DATE)
    month = t.str.extract(_MONTH)
    month_only = parts[0].isna() & month[0].notna()
    parts[0] = parts[0].where(~month_only, month[0])
    parts[1] = parts[1].where(~month_only, month[1])
    parts[2] = parts[2].where(~month_only, "1")
    parsed = pd.to_datetime({"year": parts[0], "month": parts[1], "day": parts[2]}, errors="coerce")
    d = pd.Series(parsed.to_numpy()[codes] if len(uniques) else [], dtype=parsed.dtype)
    bad = ~blank & d.isna().to_numpy(dtype=bool)
    by_code = np.append(month_only.to_numpy(dtype=bool), False)  # code -1 (blank): not a month
    return d, bad, by_code[codes] & ~bad


#: A count followed by its measure word: 6台, 6 台, 6套 (units of equipment).
_COUNT_WORD = r"^\s*(\d+)\s*(?:台|套|个|只|件|组|部)\s*$"


def strip_count_word(s: pd.Series) -> pd.Series:
    """Text cells of a count with the measure word dropped: "6台", "6 台", "６套" → "6"; every
    other cell unchanged, so that "5²" or "②" still reaches the number check and is refused
    (only full-width digits are folded, as :func:`fold_width` does). The measure words are
    CJK, so only cells that are not plain ASCII are looked at."""
    wide = ~s.str.isascii().to_numpy(dtype=bool)
    if not wide.any():
        return s
    counted = fold_width(s[wide]).str.extract(_COUNT_WORD)[0]
    if counted.isna().all():
        return s
    out = s.copy()
    hit = counted.notna()
    out.loc[counted.index[hit]] = counted[hit]
    return out
