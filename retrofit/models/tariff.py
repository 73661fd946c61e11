"""Time-of-use (TOU) electricity tariffs: hour sets, calendars, tariff grids, load-shape prices.

A TOU tariff prices each hour at a multiple of the flat (平段) price. This module turns the
tidy ``shanghai_tou_tariff`` reference table into a grid of multipliers over
month × day type × hour, and prices a load shape on it: the energy-weighted mean multiplier
(the load's price ÷ flat price), the share of its energy in peak periods, and what moving its
peak energy to the valley hours would save per kWh.

Functions are pure and never read files: callers fetch the tables through
:class:`retrofit.core.reference.Tables` and pass them in. Work is per *distinct* load profile, not
per asset: callers factorize their profiles and call once for each. Every array has the fixed
layout ``(12, 2, 24)`` = month (January first) × day type (:data:`DAY_TYPES`: workday, rest
day) × hour of day (0 = 00:00-01:00).

References
----------
.. [1] 沪发改价管〔2022〕50号《关于进一步完善我市分时电价机制有关事项的通知》(Shanghai DRC,
   effective 2023-01-01): periods and multipliers of 两部制 (大工业 and 一般工商业) and 单一制
   users; fgw.sh.gov.cn/fgw_jggl/20221216/e2652e3ab7ee49438d6e82af8880b160.html, as quoted by
   two public code repositories (see ``reference_data/shanghai_tou_tariff.csv``).
.. [2] 沪发改价管〔2024〕28号《关于增加大工业深谷电价实施时间有关事项的通知》: deep valley
   (深谷, flat − 80 %) for 大工业两部制 on rest days in months 2-6 and 9-11 and on public
   holidays, as quoted by one public code repository.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import numpy as np
import pandas as pd

#: Order of the day-type axis of every ``(12, 2, 24)`` array.
DAY_TYPES = ("workday", "rest_day")
#: Values of a profile's ``days``: which day types the load runs on (Mon-Fri or every day).
PROFILE_DAYS = {"all": (True, True), "workdays": (True, False)}
#: Values of a tariff row's ``day_type``: the day-type axis positions the row applies to.
TARIFF_DAY_TYPES = {"all": (0, 1), "workday": (0,), "rest_day": (1,)}
#: Base periods must cover every hour once; an override period replaces the named base period.
BASE_PERIODS = ("peak", "flat", "valley")
OVERRIDES = {"critical_peak": "peak", "deep_valley": "valley"}
#: Periods energy can be shifted into (see :func:`shift_gap`).
VALLEY_PERIODS = ("valley", "deep_valley")

_TABLE_COLUMNS = ("tariff_class", "months", "day_type", "period", "hours", "multiplier", "document")
_SHAPE = (12, len(DAY_TYPES), 24)
_EXPECTED_HOURS = (
    "expected intervals like 08:00-17:00;22:00-06:00 on whole hours "
    "(00:00 to 24:00; an interval may wrap past midnight)"
)
_DASHES = re.compile(r"[~–—−至到]")
_SEPARATORS = re.compile(r"[;,、]")
_SPACE = re.compile(r"\s+")
_INTERVAL = re.compile(r"(\d{1,2})(?::(\d{2}))?-(\d{1,2})(?::(\d{2}))?")
_SUM_TOLERANCE = 1e-9  # numerical tolerance on Σ weights = 1, not an engineering number


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


def calendar_days(year: int) -> np.ndarray:
    """Number of workdays and rest days in each month of a year.

    Parameters
    ----------
    year : int
        Calendar year, e.g. 2026.

    Returns
    -------
    numpy.ndarray
        Shape ``(12, 2)``, float [d]: column 0 the workdays (Monday to Friday), column 1 the
        rest days (Saturday and Sunday) of each month, January first. Each row sums to the
        month's length.

    Raises
    ------
    TypeError
        ``year`` is not an integer.

    Notes
    -----
    Counted with :func:`numpy.busday_count`. Statutory holidays (元旦, 春节, 清明, 劳动节, 端午,
    中秋, 国庆) and the weekend workdays that make up for them (调休) are **not** modelled:
    a holiday on a weekday counts as a workday, a 调休 Saturday as a rest day. Under
    沪发改价管〔2024〕28号 [1] holidays carry the deep-valley price for 大工业 users, so the
    deep-valley energy is slightly understated; callers report this as a caveat.

    References
    ----------
    .. [1] 沪发改价管〔2024〕28号 (deep valley on rest days and holidays).
    """
    if isinstance(year, bool) or not isinstance(year, int | np.integer):
        raise TypeError(f"year {year!r}: expected a whole calendar year such as 2026")
    months = np.arange(f"{int(year):04d}-01", f"{int(year) + 1:04d}-01", dtype="datetime64[M]")
    starts = months.astype("datetime64[D]")
    ends = (months + 1).astype("datetime64[D]")
    workdays = np.busday_count(starts, ends, weekmask="1111100")
    rest_days = np.busday_count(starts, ends, weekmask="0000011")
    return np.stack([workdays, rest_days], axis=1).astype(float)


@dataclass(frozen=True, eq=False)
class TariffGrid:
    """A tariff class laid out over month × day type × hour.

    Attributes
    ----------
    tariff_class : str
        Key of the class in the tariff table, e.g. ``"large_industry_two_part"``.
    multiplier : numpy.ndarray
        Shape ``(12, 2, 24)``, float [unitless]: price of each hour ÷ flat (平段) price.
    period : numpy.ndarray
        Shape ``(12, 2, 24)``, object (str): the period of each hour (``critical_peak``,
        ``peak``, ``flat``, ``valley``, ``deep_valley``).
    sources : list of str
        The ``document`` of every table row used, in table order, without repeats.

    Both arrays are read-only.
    """

    tariff_class: str
    multiplier: np.ndarray
    period: np.ndarray
    sources: list[str]


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


def _cells(ix: tuple[np.ndarray, ...], shape: tuple[int, ...] = _SHAPE) -> np.ndarray:
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
    multiplier = np.full(_SHAPE, np.nan)
    period = np.full(_SHAPE, "", dtype=object)
    base_count = np.zeros(_SHAPE, dtype=int)
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
    overridden = np.zeros(_SHAPE, dtype=bool)
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


def _on_mask(hours_mask: np.ndarray, days: str) -> np.ndarray:
    mask = np.asarray(hours_mask)
    if mask.dtype != bool or mask.shape not in ((24,), _SHAPE):
        raise ValueError(
            f"hours_mask of dtype {mask.dtype} and shape {mask.shape}: expected a "
            "boolean array of shape (24,) (see parse_hours) or (12, 2, 24)"
        )
    if days not in PROFILE_DAYS:
        raise ValueError(f"days {days!r}: expected one of {', '.join(PROFILE_DAYS)}")
    day_on = np.array(PROFILE_DAYS[days])
    return np.broadcast_to(mask, _SHAPE) & day_on[None, :, None]


def _day_weights(day_counts: np.ndarray) -> np.ndarray:
    counts = np.asarray(day_counts, dtype=float)
    if counts.shape != _SHAPE[:2] or not np.all(np.isfinite(counts)) or np.any(counts < 0):
        raise ValueError(
            f"day_counts of shape {counts.shape}: expected non-negative day counts of "
            "shape (12, 2) (see calendar_days)"
        )
    return counts[:, :, None]


def profile_weights(hours_mask: np.ndarray, days: str, day_counts: np.ndarray) -> np.ndarray:
    """Energy share of each month, day type and hour for a load running at constant power.

    Parameters
    ----------
    hours_mask : numpy.ndarray
        Bool, shape ``(24,)``: the hours the load runs (from :func:`parse_hours`); or shape
        ``(12, 2, 24)``: a general on/off mask over month × day type × hour.
    days : str
        ``"all"`` (every day) or ``"workdays"`` (Monday to Friday only); applied on top of the
        mask.
    day_counts : numpy.ndarray
        Shape ``(12, 2)`` [d]: workdays and rest days per month (:func:`calendar_days`).

    Returns
    -------
    numpy.ndarray
        Shape ``(12, 2, 24)``, 0–1 [unitless], summing to 1: ``w = on·n_days / Σ on·n_days``.

    Raises
    ------
    ValueError
        Bad mask, ``days`` or ``day_counts``; or a profile with no hours on any day.

    Notes
    -----
    A definition, not a measurement: uniform power over the profile's hours. The weights are
    what the tariff functions (:func:`mean_multiplier`, :func:`peak_share`, :func:`shift_gap`)
    average over; the tariff's month and day-type structure is that of
    沪发改价管〔2022〕50号 and 〔2024〕28号 [1].

    References
    ----------
    .. [1] 沪发改价管〔2022〕50号; 沪发改价管〔2024〕28号 (periods vary by month and, for the
       deep valley, by day type, which is why the weights carry both axes).
    """
    weights = _on_mask(hours_mask, days) * _day_weights(day_counts)
    total = weights.sum()
    if total <= 0:
        raise ValueError(
            f"the profile (days {days!r}) has no operating hours on any day: "
            "expected at least one hour, e.g. 08:00-17:00"
        )
    return weights / total


def complement_weights(hours_mask: np.ndarray, days: str, day_counts: np.ndarray) -> np.ndarray:
    """Energy share of each month, day type and hour for constant power *outside* a profile.

    For a load's standby (a charging pile idling between sessions): every hour the profile does
    not run, i.e. the profile's off hours on its days plus every hour of the other days
    (all hours of rest days when ``days == "workdays"``).

    Parameters
    ----------
    hours_mask, days, day_counts
        As for :func:`profile_weights`.

    Returns
    -------
    numpy.ndarray
        Shape ``(12, 2, 24)``, 0–1 [unitless], summing to 1; **all zeros** when the profile
        covers every hour of every day (there is no standby energy to price: check
        ``weights.any()`` before pricing).

    References
    ----------
    .. [1] 沪发改价管〔2022〕50号; 沪发改价管〔2024〕28号 (see :func:`profile_weights`).
    """
    weights = ~_on_mask(hours_mask, days) * _day_weights(day_counts)
    total = weights.sum()
    return weights / total if total > 0 else np.zeros(_SHAPE)


def _check_weights(grid: TariffGrid, weights: np.ndarray) -> np.ndarray:
    w = np.asarray(weights, dtype=float)
    if w.shape != grid.multiplier.shape:
        raise ValueError(
            f"weights of shape {w.shape}: expected {grid.multiplier.shape} (see profile_weights)"
        )
    if not np.all(np.isfinite(w)) or np.any(w < 0) or abs(w.sum() - 1) > _SUM_TOLERANCE:
        raise ValueError(
            f"weights sum to {float(w.sum())!r}: expected non-negative energy shares "
            "summing to 1 (an all-zero complement has no energy to price)"
        )
    return w


def mean_multiplier(grid: TariffGrid, weights: np.ndarray) -> float:
    """Energy-weighted mean price multiplier of a load shape.

    Parameters
    ----------
    grid : TariffGrid
        From :func:`tariff_grid`.
    weights : numpy.ndarray
        Shape ``(12, 2, 24)`` energy shares summing to 1 (:func:`profile_weights`).

    Returns
    -------
    float
        ``Σ w·m`` [unitless]: the load's average price ÷ flat (平段) price.

    Raises
    ------
    ValueError
        Weights of the wrong shape, negative, or not summing to 1.

    References
    ----------
    .. [1] 沪发改价管〔2022〕50号 (multipliers of each period on the flat price);
       沪发改价管〔2024〕28号 (deep valley, flat × 0.2).
    """
    w = _check_weights(grid, weights)
    return float(np.sum(w * grid.multiplier))


def peak_share(grid: TariffGrid, weights: np.ndarray) -> float:
    """Share of a load's energy that falls in peak and critical-peak hours.

    Parameters
    ----------
    grid : TariffGrid
        From :func:`tariff_grid`.
    weights : numpy.ndarray
        Shape ``(12, 2, 24)`` energy shares summing to 1.

    Returns
    -------
    float
        ``Σ w over hours with multiplier > 1``, 0–1 [unitless].

    References
    ----------
    .. [1] 沪发改价管〔2022〕50号: peak (高峰) and critical peak (尖峰) are the periods priced
       above flat.
    """
    w = _check_weights(grid, weights)
    # a ratio to the weights' own sum, so rounding in weights that sum to 1 ± ε cannot give a
    # share above 1 for a profile that lies wholly in peak hours
    return min(1.0, float(np.sum(w[grid.multiplier > 1]) / np.sum(w)))


def shift_gap(grid: TariffGrid, weights: np.ndarray) -> float:
    """Multiplier saved per kWh moved from a load's peak hours to the valley of the same day.

    Parameters
    ----------
    grid : TariffGrid
        From :func:`tariff_grid`.
    weights : numpy.ndarray
        Shape ``(12, 2, 24)`` energy shares summing to 1.

    Returns
    -------
    float
        [unitless, × flat price per kWh shifted]; 0.0 when the load has no energy in hours
        priced above flat.

    Raises
    ------
    ValueError
        Bad weights; or a month and day type where the load has peak energy but the tariff has
        no valley hours to move it to.

    Notes
    -----
    The load's peak-ish energy (hours with multiplier > 1) in each month and day type (cell c)
    is moved to that cell's valley hours (period ``valley`` or ``deep_valley``), spread evenly
    over them::

        gap = Σ_c w_peak(c)·(m̄_peak(c) − m̄_valley(c)) / Σ_c w_peak(c)

    with ``w_peak(c)`` the load's energy share in the peak-ish hours of c, ``m̄_peak(c)`` the
    energy-weighted mean multiplier of those hours and ``m̄_valley(c)`` the plain mean
    multiplier of c's valley hours. Multiply by the flat price [CNY/kWh] and the energy shifted
    [kWh] for money; the shift itself (storage losses, process limits) is the caller's model.

    References
    ----------
    .. [1] 沪发改价管〔2022〕50号 (peak, critical peak and valley multipliers and hours);
       沪发改价管〔2024〕28号 (deep valley on 大工业 rest days).
    """
    w = _check_weights(grid, weights)
    peakish = grid.multiplier > 1
    w_peak = np.where(peakish, w, 0.0)
    w_peak_cell = w_peak.sum(axis=2)
    total = w_peak_cell.sum()
    if total <= 0:
        return 0.0
    valley = np.isin(grid.period, VALLEY_PERIODS)
    n_valley = valley.sum(axis=2)
    stranded = (w_peak_cell > 0) & (n_valley == 0)
    if stranded.any():
        m, d = np.argwhere(stranded)[0]
        raise ValueError(
            f"tariff class {grid.tariff_class!r}: month {m + 1} {DAY_TYPES[d]} has "
            "peak energy but no valley hours to shift it to"
        )
    valley_sum = np.where(valley, grid.multiplier, 0.0).sum(axis=2)
    valley_mean = np.divide(valley_sum, n_valley, out=np.zeros_like(valley_sum), where=n_valley > 0)
    gap = (w_peak * grid.multiplier).sum(axis=2) - w_peak_cell * valley_mean
    return float(gap.sum() / total)
