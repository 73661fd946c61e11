"""Time-of-use tariff tables and load-profile text: reading them into the numeric grids of
:mod:`retrofit.models.tariff`.

:func:`parse_hours` reads clock intervals (``"08:00-15:00;18:00-21:00"``, full-width or with
Chinese dashes) into an hour mask; :func:`tariff_grid` lays one tariff class of a tidy TOU table
(the bundled one is reference table ``shanghai_tou_tariff``) out over month × day type × hour.
The pricing kernels that take these arrays stay in :mod:`retrofit.models.tariff`, which parses
no text and reads no table.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd

from ..models.tariff import (
    BASE_PERIODS,
    DAY_TYPES,
    GRID_SHAPE,
    OVERRIDES,
    TARIFF_DAY_TYPES,
    TariffGrid,
)

_TABLE_COLUMNS = ("tariff_class", "months", "day_type", "period", "hours", "multiplier", "document")
_EXPECTED_HOURS = (
    "expected intervals like 08:00-17:00;22:00-06:00 on whole hours "
    "(00:00 to 24:00; an interval may wrap past midnight)"
)
_DASHES = re.compile(r"[~–—−至到]")
_SEPARATORS = re.compile(r"[;,、]")
_SPACE = re.compile(r"\s+")
_INTERVAL = re.compile(r"(\d{1,2})(?::(\d{2}))?-(\d{1,2})(?::(\d{2}))?")


def parse_hours(text: str) -> np.ndarray:
    """Hours of the day covered by a list of clock intervals.

    Parameters
    ----------
    text : str
        Intervals separated by ``;`` (or ``,`` / ``、``), each ``HH:MM-HH:MM`` or ``H-H`` on
        whole hours, e.g. ``"08:00-15:00;18:00-21:00"``, ``"8-17"``. Full-width characters
        (``０８：００－１７：００；``) are normalised with Unicode NFKC; ``~``, ``–``, ``—``,
        ``至`` and ``到`` are read as the dash. An interval whose end is before its start wraps
        past midnight (``"22:00-06:00"``); ``24:00`` is allowed as an end (and as a start,
        meaning 00:00). Overlapping intervals are merged.

    Returns
    -------
    numpy.ndarray
        Shape ``(24,)``, bool: element ``h`` is True when the hour [h:00, h+1:00) lies inside
        the union of the intervals.

    Raises
    ------
    ValueError
        Empty text, an interval that is not on whole hours (``08:30``), one that starts where it
        ends (write ``00:00-24:00`` for the whole day), an hour above 24, or text that is not an
        interval. The message names the offending part and the expected form.

    Notes
    -----
    Periods of 沪发改价管〔2022〕50号 [1] all start and end on whole hours, so an hourly
    resolution represents them exactly.

    References
    ----------
    .. [1] 沪发改价管〔2022〕50号 (time periods of the Shanghai TOU tariff).

    Examples
    --------
    >>> int(parse_hours("22:00-06:00").sum())
    8
    """
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"hours {text!r} are empty; {_EXPECTED_HOURS}")
    normal = _DASHES.sub("-", unicodedata.normalize("NFKC", text))
    hour = np.arange(24)
    mask = np.zeros(24, dtype=bool)
    pieces = [_SPACE.sub("", p) for p in _SEPARATORS.split(normal)]
    if not any(pieces):
        raise ValueError(f"hours {text!r} are empty; {_EXPECTED_HOURS}")
    for piece in pieces:
        if not piece:
            continue  # a trailing or doubled separator
        match = _INTERVAL.fullmatch(piece)
        if match is None:
            raise ValueError(
                f"hours {text!r}: cannot read {piece!r} as an interval; {_EXPECTED_HOURS}"
            )
        start_h, start_m, end_h, end_m = match.groups()
        if (start_m or "00") != "00" or (end_m or "00") != "00":
            raise ValueError(f"hours {text!r}: {piece!r} is not on whole hours; {_EXPECTED_HOURS}")
        start, end = int(start_h), int(end_h)
        if start > 24 or end > 24:
            raise ValueError(f"hours {text!r}: {piece!r} has an hour above 24; {_EXPECTED_HOURS}")
        if start % 24 == end % 24 and (start, end) != (0, 24):
            raise ValueError(
                f"hours {text!r}: {piece!r} starts where it ends (write 00:00-24:00 "
                f"for the whole day); {_EXPECTED_HOURS}"
            )
        start %= 24
        if start < end:
            mask |= (hour >= start) & (hour < end)
        else:
            mask |= (hour >= start) | (hour < end)
    return mask


def _parse_months(value: object, where: str) -> np.ndarray:
    text = unicodedata.normalize("NFKC", str(value)).strip()
    try:
        months = np.array([int(p) for p in text.split(";")])
    except ValueError:
        months = np.array([0])
    if months.size == 0 or np.any((months < 1) | (months > 12)):
        raise ValueError(
            f"{where}: months {value!r} — expected month numbers 1-12 separated by ';', e.g. 7;8;9"
        )
    return months


def _cells(ix: tuple[np.ndarray, ...], shape: tuple[int, ...] = GRID_SHAPE) -> np.ndarray:
    cells = np.zeros(shape, dtype=bool)
    cells[np.ix_(*ix)] = True
    return cells


def _list_cells(cells: np.ndarray, limit: int = 5) -> str:
    found = np.argwhere(cells)
    text = ", ".join(
        f"month {m + 1} {DAY_TYPES[d]} {h:02d}:00-{h + 1:02d}:00" for m, d, h in found[:limit]
    )
    return text + (f" and {len(found) - limit} more" if len(found) > limit else "")


def tariff_grid(table: pd.DataFrame, tariff_class: str) -> TariffGrid:
    """Lay one tariff class of a TOU table out over month × day type × hour.

    Parameters
    ----------
    table : pandas.DataFrame
        A TOU table with columns ``tariff_class``, ``months`` ("7;8;9"), ``day_type``
        (``all`` | ``workday`` | ``rest_day``), ``period``, ``hours`` (see
        :func:`parse_hours`), ``multiplier`` [× flat price] and ``document``; the bundled one is
        reference table ``shanghai_tou_tariff``.
    tariff_class : str
        One of the table's classes, e.g. ``large_industry_two_part``, ``general_two_part``,
        ``single_part``.

    Returns
    -------
    TariffGrid
        Multipliers [unitless] and period names, shape ``(12, 2, 24)``, and the documents used.

    Raises
    ------
    KeyError
        ``tariff_class`` is not in the table; the message lists the valid classes.
    ValueError
        A row has unreadable months, day type, period, hours or multiplier (≤ 0 or not a
        number); or, after the override rule, an hour of some month and day type is covered by
        no period or by two. The message names the row or the cells.

    Notes
    -----
    Base periods (peak, flat, valley) must cover every hour of every month and day type exactly
    once. Override periods then replace a base period on the days of their ``day_type``:
    ``critical_peak`` (尖峰) replaces ``peak`` [1], ``deep_valley`` (深谷) replaces ``valley``
    [2]; an override that lands on another period, or two overrides on one hour, is an error.

    References
    ----------
    .. [1] 沪发改价管〔2022〕50号: 尖峰 in July-August 12:00-14:00 and in January and December
       19:00-21:00, inside the peak periods, at peak × 1.25.
    .. [2] 沪发改价管〔2024〕28号: 深谷 for 大工业两部制 on rest days in months 2-6 and 9-11,
       00:00-06:00 and 22:00-24:00, at flat × 0.2.
    """
    missing = [c for c in _TABLE_COLUMNS if c not in table.columns]
    if missing:
        raise ValueError(f"TOU table lacks columns {missing}; expected {', '.join(_TABLE_COLUMNS)}")
    classes = sorted(table["tariff_class"].astype(str).unique())
    if tariff_class not in classes:
        raise KeyError(
            f"unknown tariff class {tariff_class!r}; valid classes: {', '.join(classes)}"
        )
    rows = table[table["tariff_class"] == tariff_class]
    multiplier = np.full(GRID_SHAPE, np.nan)
    period = np.full(GRID_SHAPE, "", dtype=object)
    base_count = np.zeros(GRID_SHAPE, dtype=int)
    overrides = []
    valid_periods = (*BASE_PERIODS, *OVERRIDES)
    for row in rows.itertuples(index=False):  # rows of a tariff table (tens), not assets
        where = (
            f"tariff class {tariff_class!r}, {row.day_type} {row.period} row (months {row.months})"
        )
        if row.period not in valid_periods:
            raise ValueError(
                f"{where}: period {row.period!r} — expected one of {', '.join(valid_periods)}"
            )
        if row.day_type not in TARIFF_DAY_TYPES:
            raise ValueError(
                f"{where}: day_type {row.day_type!r} — expected one of "
                f"{', '.join(TARIFF_DAY_TYPES)}"
            )
        value = pd.to_numeric(pd.Series([row.multiplier]), errors="coerce").iloc[0]
        if not np.isfinite(value) or value <= 0:
            raise ValueError(
                f"{where}: multiplier {row.multiplier!r} — expected a number > 0 "
                "(price ÷ flat price)"
            )
        months = _parse_months(row.months, where)
        try:
            hours = np.flatnonzero(parse_hours(str(row.hours)))
        except ValueError as err:
            raise ValueError(f"{where}: {err}") from err
        cells = _cells((months - 1, np.array(TARIFF_DAY_TYPES[row.day_type]), hours))
        if row.period in OVERRIDES:
            overrides.append((row.period, float(value), cells, where))
        else:
            base_count += cells
            multiplier[cells] = value
            period[cells] = row.period
    if np.any(base_count != 1):
        gaps, doubles = base_count == 0, base_count > 1
        problems = []
        if gaps.any():
            problems.append(f"covered by no period: {_list_cells(gaps)}")
        if doubles.any():
            problems.append(f"covered by more than one period: {_list_cells(doubles)}")
        raise ValueError(
            f"tariff class {tariff_class!r}: every hour of every month and day type "
            f"must be covered exactly once; {'; '.join(problems)}"
        )
    overridden = np.zeros(GRID_SHAPE, dtype=bool)
    for name, value, cells, where in overrides:
        target = OVERRIDES[name]
        wrong = cells & (period != target)
        if wrong.any():
            raise ValueError(
                f"{where}: {name} may only replace {target} hours, but covers {_list_cells(wrong)}"
            )
        twice = cells & overridden
        if twice.any():
            raise ValueError(
                f"{where}: hours covered by two override periods: {_list_cells(twice)}"
            )
        overridden |= cells
        multiplier[cells] = value
        period[cells] = name
    multiplier.setflags(write=False)
    period.setflags(write=False)
    sources = list(dict.fromkeys(rows["document"].astype(str)))
    return TariffGrid(tariff_class, multiplier, period, sources)
