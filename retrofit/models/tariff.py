"""Time-of-use (TOU) electricity tariffs: calendars, tariff grids, load-shape prices.

A TOU tariff prices each hour at a multiple of the flat (平段) price. On a grid of multipliers
over month × day type × hour (:class:`TariffGrid`, built from a tariff table by
:func:`retrofit.money.tariff.tariff_grid`) this module prices a load shape: the energy-weighted
mean multiplier (the load's price ÷ flat price), the share of its energy in peak periods, and
what moving its peak energy to the valley hours would save per kWh.

Functions are pure numpy: they read no file, table or text (hour text is read by
:func:`retrofit.money.tariff.parse_hours`). Work is per *distinct* load profile, not
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

from dataclasses import dataclass

import numpy as np

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
#: Layout of every grid: month (January first) × day type (:data:`DAY_TYPES`) × hour of day.
GRID_SHAPE = (12, len(DAY_TYPES), 24)

_SUM_TOLERANCE = 1e-9  # numerical tolerance on Σ weights = 1, not an engineering number


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


def _on_mask(hours_mask: np.ndarray, days: str) -> np.ndarray:
    mask = np.asarray(hours_mask)
    if mask.dtype != bool or mask.shape not in ((24,), GRID_SHAPE):
        raise ValueError(
            f"hours_mask of dtype {mask.dtype} and shape {mask.shape}: expected a "
            "boolean array of shape (24,) (see retrofit.money.tariff.parse_hours) or (12, 2, 24)"
        )
    if days not in PROFILE_DAYS:
        raise ValueError(f"days {days!r}: expected one of {', '.join(PROFILE_DAYS)}")
    day_on = np.array(PROFILE_DAYS[days])
    return np.broadcast_to(mask, GRID_SHAPE) & day_on[None, :, None]


def _day_weights(day_counts: np.ndarray) -> np.ndarray:
    counts = np.asarray(day_counts, dtype=float)
    if counts.shape != GRID_SHAPE[:2] or not np.all(np.isfinite(counts)) or np.any(counts < 0):
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
        Bool, shape ``(24,)``: the hours the load runs (from
        :func:`retrofit.money.tariff.parse_hours`); or shape
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
    return weights / total if total > 0 else np.zeros(GRID_SHAPE)


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
