"""retrofit.models.tariff against the Shanghai TOU documents and hand calculations.

Every expected number below is worked out by hand from the periods and multipliers of
沪发改价管〔2022〕50号 (two-part and single-part users) and 沪发改价管〔2024〕28号 (大工业 deep
valley), and from the 2026 calendar written out in ``calendar_2026``; none was produced by
running the code under test.
"""

import calendar
from functools import cache

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retrofit.core import reference
from retrofit.models import tariff
from retrofit.money import tariff as tariff_tables

CLASSES = ("large_industry_two_part", "general_two_part", "single_part")
JUL, SEP, OCT = 6, 8, 9  # month positions on the grid's first axis
WORK, REST = 0, 1


@cache
def _table() -> pd.DataFrame:
    return reference.load_table("shanghai_tou_tariff")


@cache
def _grid(tariff_class: str) -> tariff.TariffGrid:
    return tariff_tables.tariff_grid(_table(), tariff_class)


@pytest.fixture
def hu_fagai_2022_50_table():
    """The bundled ``shanghai_tou_tariff`` table (沪发改价管〔2022〕50号 and 〔2024〕28号)."""
    return _table()


@pytest.fixture
def calendar_2026():
    """Workdays and weekend days of each month of 2026, counted by hand.

    1 January 2026 is a Thursday (2025-01-01 was a Wednesday and 2025 has 365 days). Each month
    opens on: Jan Thu, Feb Sun, Mar Sun, Apr Wed, May Fri, Jun Mon, Jul Wed, Aug Sat, Sep Tue,
    Oct Thu, Nov Sun, Dec Tue (each = previous + month length mod 7). Four full weeks give 8
    weekend days; the 29th day onwards repeat the weekdays of the 1st onwards:
    Jan Thu Fri Sat → +1 = 9; Feb none → 8; Mar Sun Mon Tue → +1 = 9; Apr Wed Thu → 8;
    May Fri Sat Sun → +2 = 10; Jun Mon Tue → 8; Jul Wed Thu Fri → 8; Aug Sat Sun Mon → +2 = 10;
    Sep Tue Wed → 8; Oct Thu Fri Sat → +1 = 9; Nov Sun Mon → +1 = 9; Dec Tue Wed Thu → 8.
    Total 104 weekend days and 261 workdays.
    """
    rest = [9, 8, 9, 8, 10, 8, 8, 10, 8, 9, 9, 8]
    length = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    work = [n - r for n, r in zip(length, rest, strict=True)]
    return np.array([work, rest], dtype=float).T


# --- parse_hours -----------------------------------------------------------------------------


def _hours(*ranges):
    mask = np.zeros(24, dtype=bool)
    for start, end in ranges:
        mask[start:end] = True
    return mask


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("08:00-17:00", _hours((8, 17))),
        ("08:00-17:00;18:00-20:00", _hours((8, 17), (18, 20))),
        ("8-17", _hours((8, 17))),
        ("22:00-06:00", _hours((22, 24), (0, 6))),
        ("00:00-06:00;22:00-24:00", _hours((0, 6), (22, 24))),
        ("00:00-24:00", _hours((0, 24))),
        ("22:00-00:00", _hours((22, 24))),
        ("24:00-06:00", _hours((0, 6))),
        ("２２：００－０６：００", _hours((22, 24), (0, 6))),  # full-width, NFKC
        ("08:00-11:00；18:00-21:00", _hours((8, 11), (18, 21))),  # full-width semicolon
        ("08:00～11:00, 18:00至21:00", _hours((8, 11), (18, 21))),
        (" 08:00 - 11:00 ; ", _hours((8, 11))),  # spaces, trailing separator
        ("08:00-15:00;12:00-14:00", _hours((8, 15))),  # overlap: union
    ],
)
def test_parse_hours_accepts(text, expected):
    mask = tariff_tables.parse_hours(text)
    assert mask.shape == (24,)
    assert mask.dtype == bool
    np.testing.assert_array_equal(mask, expected)


EXPECTED_FORM = (
    "expected intervals like 08:00-17:00;22:00-06:00 on whole hours "
    "(00:00 to 24:00; an interval may wrap past midnight)"
)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "hours '' are empty"),
        ("  ;  ", "hours '  ;  ' are empty"),
        ("08:30-17:00", "hours '08:30-17:00': '08:30-17:00' is not on whole hours"),
        (
            "08:00-08:00",
            (
                "hours '08:00-08:00': '08:00-08:00' starts where it ends "
                "(write 00:00-24:00 for the whole day)"
            ),
        ),
        (
            "24:00-00:00",
            (
                "hours '24:00-00:00': '24:00-00:00' starts where it ends "
                "(write 00:00-24:00 for the whole day)"
            ),
        ),
        ("08:00-25:00", "hours '08:00-25:00': '08:00-25:00' has an hour above 24"),
        ("morning", "hours 'morning': cannot read 'morning' as an interval"),
        ("08:00", "hours '08:00': cannot read '08:00' as an interval"),
    ],
)
def test_parse_hours_rejects_with_the_expected_form(text, problem):
    with pytest.raises(ValueError) as info:
        tariff_tables.parse_hours(text)
    assert str(info.value) == f"{problem}; {EXPECTED_FORM}"


# --- calendar_days ---------------------------------------------------------------------------


def test_calendar_days_2026_by_hand(calendar_2026):
    days = tariff.calendar_days(2026)
    assert days.shape == (12, 2)
    np.testing.assert_array_equal(days, calendar_2026)
    assert days[:, WORK].sum() == 261
    assert days[:, REST].sum() == 104


@pytest.mark.parametrize("year", [2023, 2024, 2026, 2027, 2028, 2100])
def test_calendar_days_agree_with_the_calendar_module(year):
    """An independent count with :mod:`calendar` (weekday 5 = Saturday, 6 = Sunday)."""
    expected = np.zeros((12, 2))
    for month in range(1, 13):
        for day in range(1, calendar.monthrange(year, month)[1] + 1):
            expected[month - 1, int(calendar.weekday(year, month, day) >= 5)] += 1
    np.testing.assert_array_equal(tariff.calendar_days(year), expected)


def test_calendar_days_rejects_a_non_integer_year():
    with pytest.raises(TypeError, match="expected a whole calendar year"):
        tariff.calendar_days(2026.5)


# --- the bundled table and tariff_grid -------------------------------------------------------


def test_table_columns_and_vocabulary(hu_fagai_2022_50_table):
    t = hu_fagai_2022_50_table
    assert list(t.columns) == [
        "tariff_class",
        "season",
        "months",
        "day_type",
        "period",
        "hours",
        "multiplier",
        "document",
        "source",
        "confidence",
        "note",
    ]
    assert set(t.tariff_class) == set(CLASSES)
    assert set(t.season) <= {"summer", "winter", "other"}
    assert set(t.day_type) <= {"all", "rest_day"}
    assert set(t.period) <= {"critical_peak", "peak", "flat", "valley", "deep_valley"}
    assert not t.document.str.contains("DO NOT USE").any()
    assert not t.note.astype(str).str.contains("DO NOT USE").any()


def test_deep_valley_rows_only_for_large_industry_on_rest_days(hu_fagai_2022_50_table):
    """沪发改价管〔2024〕28号: 大工业两部制 only, rest days of months 2-6 and 9-11, 0.20 × flat."""
    dv = hu_fagai_2022_50_table.query("period == 'deep_valley'")
    assert set(dv.tariff_class) == {"large_industry_two_part"}
    assert set(dv.day_type) == {"rest_day"}
    months = sorted(int(m) for text in dv.months.astype(str) for m in text.split(";"))
    assert months == [2, 3, 4, 5, 6, 9, 10, 11]
    assert set(dv.hours) == {"00:00-06:00;22:00-24:00"}
    assert set(dv.multiplier) == {0.20}
    assert set(dv.confidence) == {"M"}


def test_both_two_part_classes_share_the_2022_periods(hu_fagai_2022_50_table):
    t = hu_fagai_2022_50_table.query("period != 'deep_valley'")
    cols = ["season", "months", "day_type", "period", "hours", "multiplier"]
    large = t[t.tariff_class == "large_industry_two_part"][cols].astype(str)
    general = t[t.tariff_class == "general_two_part"][cols].astype(str)
    assert large.reset_index(drop=True).equals(general.reset_index(drop=True))


@pytest.mark.parametrize("tariff_class", CLASSES)
def test_every_hour_is_covered_exactly_once_after_overrides(hu_fagai_2022_50_table, tariff_class):
    """Counted here independently of tariff_grid, by plain loops over months and day types.

    Base periods (peak, flat, valley) cover each hour once; critical_peak may only land on peak
    hours, deep_valley only on valley hours of rest days; no hour gets two overrides.
    """
    rows = hu_fagai_2022_50_table[hu_fagai_2022_50_table.tariff_class == tariff_class]
    for month in range(1, 13):
        for day_type in ("workday", "rest_day"):
            applies = rows[
                rows.months.astype(str).str.split(";").apply(lambda ms, m=month: str(m) in ms)
                & rows.day_type.isin(["all", day_type])
            ]
            base = applies[applies.period.isin(["peak", "flat", "valley"])]
            owner = {}
            for period, hours in zip(base.period, base.hours, strict=True):
                for h in np.flatnonzero(tariff_tables.parse_hours(hours)):
                    assert h not in owner, (month, day_type, h)
                    owner[h] = period
            assert sorted(owner) == list(range(24)), (month, day_type)
            overridden = set()
            for period, hours in zip(applies.period, applies.hours, strict=True):
                if period in ("critical_peak", "deep_valley"):
                    target = "peak" if period == "critical_peak" else "valley"
                    for h in np.flatnonzero(tariff_tables.parse_hours(hours)):
                        assert owner[h] == target, (month, day_type, h)
                        assert h not in overridden
                        overridden.add(h)
    grid = _grid(tariff_class)
    assert grid.multiplier.shape == grid.period.shape == (12, 2, 24)
    assert np.all(np.isfinite(grid.multiplier)) and np.all(grid.period != "")


def test_grid_spot_values_from_the_documents():
    """沪发改价管〔2022〕50号 and 〔2024〕28号, hour by hour."""
    large, general, single = (_grid(c) for c in CLASSES)
    # July workday 12:00-13:00: critical peak 1.80 × 1.25 = 2.25
    assert (large.period[JUL, WORK, 12], large.multiplier[JUL, WORK, 12]) == ("critical_peak", 2.25)
    # September 12:00: peak (critical peak is July-August only)
    assert (general.period[SEP, WORK, 12], general.multiplier[SEP, WORK, 12]) == ("peak", 1.80)
    # January 19:00 and 20:00 critical peak; 18:00 peak
    assert list(large.multiplier[0, WORK, 18:21]) == [1.80, 2.25, 2.25]
    # September rest day 03:00: deep valley 0.20 for 大工业, valley 0.40 for 一般工商业
    assert (large.period[SEP, REST, 3], large.multiplier[SEP, REST, 3]) == ("deep_valley", 0.20)
    assert (general.period[SEP, REST, 3], general.multiplier[SEP, REST, 3]) == ("valley", 0.40)
    # September workday 03:00: valley 0.40 (deep valley is rest days only)
    assert large.multiplier[SEP, WORK, 3] == 0.40
    # January rest day 23:00: valley 0.40 (no deep valley in January on ordinary weekends)
    assert large.period[0, REST, 23] == "valley"
    # October: peak 1.60, valley 0.50; single part: peak 1.17, valley 0.55
    assert (large.multiplier[OCT, WORK, 9], large.multiplier[OCT, WORK, 23]) == (1.60, 0.50)
    assert (single.multiplier[OCT, WORK, 6], single.multiplier[OCT, WORK, 22]) == (1.17, 0.55)
    assert (single.multiplier[JUL, REST, 21], single.multiplier[JUL, REST, 5]) == (1.20, 0.55)


def test_grid_records_its_documents_and_is_read_only():
    large = _grid("large_industry_two_part")
    assert [s.split(" ")[0] for s in large.sources] == [
        "沪发改价管〔2022〕50号",
        "沪发改价管〔2024〕28号",
    ]
    assert [s.split(" ")[0] for s in _grid("single_part").sources] == ["沪发改价管〔2022〕50号"]
    with pytest.raises(ValueError, match="read-only"):
        large.multiplier[0, 0, 0] = 9.0


def test_unknown_tariff_class_lists_valid_classes(hu_fagai_2022_50_table):
    with pytest.raises(KeyError) as info:
        tariff_tables.tariff_grid(hu_fagai_2022_50_table, "residential")
    assert info.value.args[0] == (
        "unknown tariff class 'residential'; valid classes: "
        "general_two_part, large_industry_two_part, single_part"
    )


def test_gap_in_coverage_is_an_error(hu_fagai_2022_50_table):
    t = hu_fagai_2022_50_table
    drop = (t.tariff_class == "single_part") & (t.season == "winter") & (t.period == "valley")
    with pytest.raises(
        ValueError,
        match=r"'single_part': every hour .* covered by no period: "
        r"month 1 workday 00:00-01:00",
    ):
        tariff_tables.tariff_grid(t[~drop], "single_part")


def test_double_coverage_is_an_error(hu_fagai_2022_50_table):
    t = hu_fagai_2022_50_table
    extra = t[(t.tariff_class == "single_part") & (t.season == "other") & (t.period == "peak")]
    extra = extra.assign(hours="20:00-23:00")
    with pytest.raises(
        ValueError,
        match=r"covered by more than one period: month 2 workday "
        r"20:00-21:00",
    ):
        tariff_tables.tariff_grid(pd.concat([t, extra]), "single_part")


def test_override_on_the_wrong_period_is_an_error(hu_fagai_2022_50_table):
    t = hu_fagai_2022_50_table.copy()
    critical = (t.tariff_class == "general_two_part") & (t.period == "critical_peak")
    t.loc[critical & (t.season == "summer"), "hours"] = "15:00-16:00"  # a flat hour
    with pytest.raises(
        ValueError,
        match=r"critical_peak may only replace peak hours, but covers "
        r"month 7 workday 15:00-16:00",
    ):
        tariff_tables.tariff_grid(t, "general_two_part")


def test_bad_row_values_are_errors(hu_fagai_2022_50_table):
    t = hu_fagai_2022_50_table.copy()
    bad = t.assign(multiplier=np.where(t.period == "flat", 0.0, t.multiplier))
    with pytest.raises(ValueError, match=r"multiplier 0.0 — expected a number > 0"):
        tariff_tables.tariff_grid(bad, "general_two_part")
    bad = t.assign(months=np.where(t.period == "flat", "13", t.months.astype(str)))
    with pytest.raises(ValueError, match=r"months '13' — expected month numbers 1-12"):
        tariff_tables.tariff_grid(bad, "general_two_part")
    bad = t.assign(hours=np.where(t.period == "flat", "06:00-08:30", t.hours))
    with pytest.raises(
        ValueError,
        match=r"'general_two_part', all flat row \(months 7;8;9\): "
        r"hours '06:00-08:30': .* is not on whole hours",
    ):
        tariff_tables.tariff_grid(bad, "general_two_part")
    bad = t.assign(period=np.where(t.period == "flat", "shoulder", t.period))
    with pytest.raises(ValueError, match=r"period 'shoulder' — expected one of peak, flat"):
        tariff_tables.tariff_grid(bad, "general_two_part")


# --- load profiles ---------------------------------------------------------------------------


def test_load_profiles_table_parses():
    """Definitions: continuous 24 h, two_shift 16 h, single_shift 9 h, office 9 h, night 8 h."""
    t = reference.load_table("load_profiles").set_index("profile")
    counts = {name: int(tariff_tables.parse_hours(h).sum()) for name, h in t.hours.items()}
    assert counts == {
        "continuous": 24,
        "two_shift": 16,
        "single_shift": 9,
        "office_hours": 9,
        "night": 8,
    }
    assert t.days.to_dict() == {
        "continuous": "all",
        "two_shift": "all",
        "single_shift": "workdays",
        "office_hours": "workdays",
        "night": "all",
    }
    assert set(t.confidence) == {"H"}
    assert t.note.str.contains("entered as hours").all()


# --- prices of load shapes: hand calculations ------------------------------------------------


def test_single_part_continuous_2026(calendar_2026):
    """单一制, continuous load, 2026 (365 days, 24 h each, uniform power).

    Months 1, 7, 8, 9, 12: 31 + 31 + 31 + 30 + 31 = 154 days; peak 06-22 (16 h) × 1.20, valley
    (8 h) × 0.55 → 16 × 1.20 + 8 × 0.55 = 19.2 + 4.4 = 23.6 multiplier-hours per day.
    Other months: 365 − 154 = 211 days; 16 × 1.17 + 8 × 0.55 = 18.72 + 4.4 = 23.12 per day.
    Mean = (154 × 23.6 + 211 × 23.12) / (365 × 24) = (3634.4 + 4878.32) / 8760
         = 8512.72 / 8760 = 0.971771…
    Peak share = 16/24 in every month = 0.6667.
    """
    grid = _grid("single_part")
    w = tariff.profile_weights(tariff_tables.parse_hours("00:00-24:00"), "all", calendar_2026)
    assert tariff.mean_multiplier(grid, w) == pytest.approx(8512.72 / 8760, rel=1e-12)
    assert tariff.peak_share(grid, w) == pytest.approx(16 / 24, rel=1e-12)
    # every peak hour of the day moves to the valley of the same day:
    # summer/winter 1.20 − 0.55 = 0.65 on 154 × 16 h, other 1.17 − 0.55 = 0.62 on 211 × 16 h
    assert tariff.shift_gap(grid, w) == pytest.approx((154 * 0.65 + 211 * 0.62) / 365, rel=1e-12)


def test_large_industry_night_profile_2026(calendar_2026):
    """大工业两部制, overnight 22:00-06:00 every day (e.g. EV charging), 2026.

    All 8 hours are valley. Workdays: months 1, 7, 8, 9, 12 (22 + 23 + 21 + 22 + 23 = 111 days)
    at 0.40; months 2-6, 10, 11 (20 + 22 + 22 + 21 + 22 + 22 + 21 = 150 days) at 0.50.
    Rest days: months 1, 7, 8, 12 (9 + 8 + 10 + 8 = 35 days) at valley 0.40; months 2-6 and
    9-11 (8 + 9 + 8 + 10 + 8 + 8 + 9 + 9 = 69 days) at deep valley 0.20 (〔2024〕28号).
    111 + 150 + 35 + 69 = 365 days, 8 h each:
    mean = (111 × 0.40 + 150 × 0.50 + 35 × 0.40 + 69 × 0.20) / 365
         = (44.4 + 75 + 14 + 13.8) / 365 = 147.2 / 365 = 0.403288…
    Without the deep valley (一般工商业两部制): (154 × 0.40 + 211 × 0.50) / 365
         = (61.6 + 105.5) / 365 = 167.1 / 365 = 0.457808…
    """
    night = tariff_tables.parse_hours("22:00-06:00")
    w = tariff.profile_weights(night, "all", calendar_2026)
    large, general = _grid("large_industry_two_part"), _grid("general_two_part")
    assert tariff.mean_multiplier(large, w) == pytest.approx(147.2 / 365, rel=1e-12)
    assert tariff.mean_multiplier(general, w) == pytest.approx(167.1 / 365, rel=1e-12)
    assert tariff.peak_share(large, w) == 0.0
    assert tariff.shift_gap(large, w) == 0.0


def _only_month(month_index: int, hours: str) -> np.ndarray:
    mask = np.zeros((12, 2, 24), dtype=bool)
    mask[month_index] = tariff_tables.parse_hours(hours)
    return mask


def test_single_shift_in_july_general_two_part(calendar_2026):
    """一般工商业两部制, single shift 08:00-17:00 on the 23 workdays of July 2026.

    July hours 8-16 (9 h): 8, 9, 10, 11 peak × 1.80 (4 h); 12, 13 critical peak × 2.25 (2 h);
    14 peak × 1.80 (1 h); 15, 16 flat × 1.00 (2 h).
    Peak share = 7 / 9 = 0.777…
    Mean multiplier = (5 × 1.80 + 2 × 2.25 + 2 × 1.00) / 9 = (9 + 4.5 + 2) / 9 = 15.5 / 9.
    Shift gap: mean of the peak-ish hours (5 × 1.80 + 2 × 2.25) / 7 = 13.5 / 7 = 1.928571…,
    valley 22:00-06:00 all at 0.40 → 13.5 / 7 − 0.40 = 1.528571…
    The day count (23) cancels: one month and one day type.
    """
    grid = _grid("general_two_part")
    w = tariff.profile_weights(_only_month(JUL, "08:00-17:00"), "workdays", calendar_2026)
    assert w[JUL, WORK].sum() == pytest.approx(1.0)
    assert tariff.peak_share(grid, w) == pytest.approx(7 / 9, rel=1e-12)
    assert tariff.mean_multiplier(grid, w) == pytest.approx(15.5 / 9, rel=1e-12)
    assert tariff.shift_gap(grid, w) == pytest.approx(13.5 / 7 - 0.40, rel=1e-12)


def test_two_shift_in_october_large_industry_uses_the_deep_valley(calendar_2026):
    """大工业两部制, two shifts 06:00-22:00 every day of October 2026 (22 workdays, 9 rest days).

    October is an 'other' month: peak 08-11 and 18-21 × 1.60 → 6 of the 16 hours.
    Peak share = 6 / 16 = 0.375 (same share on both day types).
    Mean = (6 × 1.60 + 10 × 1.00) / 16 = 19.6 / 16 = 1.225.
    Shift gap: workdays 1.60 − valley 0.50 = 1.10; rest days 1.60 − deep valley 0.20 = 1.40;
    peak energy ∝ 22 × 6 and 9 × 6 → (22 × 1.10 + 9 × 1.40) / 31 = (24.2 + 12.6) / 31
    = 36.8 / 31 = 1.187097…
    """
    grid = _grid("large_industry_two_part")
    w = tariff.profile_weights(_only_month(OCT, "06:00-22:00"), "all", calendar_2026)
    assert tariff.peak_share(grid, w) == pytest.approx(0.375, rel=1e-12)
    assert tariff.mean_multiplier(grid, w) == pytest.approx(19.6 / 16, rel=1e-12)
    assert tariff.shift_gap(grid, w) == pytest.approx(36.8 / 31, rel=1e-12)
    general = _grid("general_two_part")  # no deep valley: 1.60 − 0.50 on both day types
    assert tariff.shift_gap(general, w) == pytest.approx(1.10, rel=1e-12)


# --- weights ---------------------------------------------------------------------------------


def test_profile_weights_are_day_counts_over_total_hours(calendar_2026):
    """single_shift 08:00-17:00 workdays, 2026: 261 workdays × 9 h = 2349 operating hours.

    Each operating hour of January carries 22 / 2349 of the energy; rest days carry none.
    """
    w = tariff.profile_weights(tariff_tables.parse_hours("08:00-17:00"), "workdays", calendar_2026)
    assert w.shape == (12, 2, 24)
    assert w.sum() == pytest.approx(1.0, rel=1e-12)
    assert w[0, WORK, 8] == pytest.approx(22 / 2349, rel=1e-12)
    assert w[0, WORK, 17] == 0.0
    assert not w[:, REST].any()


def test_complement_weights_standby_of_a_workday_profile(calendar_2026):
    """Standby outside single_shift: workdays' 15 off hours and every rest-day hour.

    261 × 15 + 104 × 24 = 3915 + 2496 = 6411 standby hours in 2026. A January rest day hour
    carries 9 / 6411, a January workday 03:00 hour 22 / 6411, a workday 10:00 hour nothing.
    """
    w = tariff.complement_weights(
        tariff_tables.parse_hours("08:00-17:00"), "workdays", calendar_2026
    )
    assert w.sum() == pytest.approx(1.0, rel=1e-12)
    assert w[0, REST, 10] == pytest.approx(9 / 6411, rel=1e-12)
    assert w[0, WORK, 3] == pytest.approx(22 / 6411, rel=1e-12)
    assert w[0, WORK, 10] == 0.0


def test_complement_of_a_continuous_profile_is_empty(calendar_2026):
    w = tariff.complement_weights(tariff_tables.parse_hours("00:00-24:00"), "all", calendar_2026)
    assert not w.any()
    with pytest.raises(
        ValueError,
        match=r"weights sum to 0\.0: expected non-negative energy "
        r"shares summing to 1",
    ):
        tariff.mean_multiplier(_grid("single_part"), w)


def test_profile_weights_rejects_bad_input(calendar_2026):
    with pytest.raises(ValueError, match="has no operating hours on any day"):
        tariff.profile_weights(np.zeros(24, dtype=bool), "all", calendar_2026)
    with pytest.raises(ValueError, match="days 'weekends': expected one of all, workdays"):
        tariff.profile_weights(tariff_tables.parse_hours("8-17"), "weekends", calendar_2026)
    with pytest.raises(ValueError, match=r"expected a boolean array of shape \(24,\)"):
        tariff.profile_weights(np.ones(24), "all", calendar_2026)
    with pytest.raises(ValueError, match=r"expected non-negative day counts of shape \(12, 2\)"):
        tariff.profile_weights(tariff_tables.parse_hours("8-17"), "all", np.ones(12))


# --- properties ------------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(
    tariff_class=st.sampled_from(CLASSES),
    year=st.integers(1990, 2100),
    hours=st.lists(st.booleans(), min_size=24, max_size=24).filter(any),
    days=st.sampled_from(["all", "workdays"]),
)
def test_mean_multiplier_lies_within_the_class_range(tariff_class, year, hours, days):
    grid = _grid(tariff_class)
    day_counts = tariff.calendar_days(year)
    w = tariff.profile_weights(np.array(hours), days, day_counts)
    assert w.sum() == pytest.approx(1.0, abs=1e-12)
    assert np.all(w >= 0)
    m = tariff.mean_multiplier(grid, w)
    assert grid.multiplier.min() - 1e-12 <= m <= grid.multiplier.max() + 1e-12
    assert 0.0 <= tariff.peak_share(grid, w) <= 1.0 + 1e-12
    assert tariff.shift_gap(grid, w) >= 0.0
    c = tariff.complement_weights(np.array(hours), days, day_counts)
    assert c.sum() == pytest.approx(0.0 if all(hours) and days == "all" else 1.0, abs=1e-12)


@settings(max_examples=100, deadline=None)
@given(
    tariff_class=st.sampled_from(CLASSES),
    flat_mask=st.lists(st.booleans(), min_size=12 * 2 * 24, max_size=12 * 2 * 24).filter(any),
)
@pytest.mark.slow
def test_general_mask_weights_sum_to_one(tariff_class, flat_mask):
    grid = _grid(tariff_class)
    mask = np.array(flat_mask).reshape(12, 2, 24)
    w = tariff.profile_weights(mask, "all", tariff.calendar_days(2026))
    assert w.sum() == pytest.approx(1.0, abs=1e-12)
    assert not w[~mask].any()
    m = tariff.mean_multiplier(grid, w)
    assert grid.multiplier.min() - 1e-12 <= m <= grid.multiplier.max() + 1e-12
