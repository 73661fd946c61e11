"""Properties of the year-by-year counting (retrofit.portfolio.trajectory)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retrofit.portfolio.trajectory import capacity_by_year, year_fraction_in_service

days = st.integers(min_value=0, max_value=365 * 6)  # 2023-01-01 + days
YEARS = [2024, 2025, 2026, 2027]
pytestmark = pytest.mark.slow  # hundreds of drawn rows: make test runs them, make test-fast not


def _dates(offsets):
    return np.datetime64("2023-01-01", "D") + np.asarray(offsets, dtype="timedelta64[D]")


@settings(max_examples=200, deadline=None)
@given(st.lists(days, min_size=1, max_size=50), st.sampled_from(YEARS))
def test_fraction_is_a_share_and_falls_with_later_dates(offsets, year):
    dates = np.sort(_dates(offsets))
    f = year_fraction_in_service(dates, year)
    assert ((f >= 0) & (f <= 1)).all()
    assert (np.diff(f) <= 1e-15).all()  # a later start never realises more


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(days, st.floats(0, 1e4)), min_size=1, max_size=50))
def test_realised_never_exceeds_capacity_in_service(rows):
    offsets, saving = zip(*rows, strict=True)
    dates, saving = _dates(offsets), np.asarray(saving)
    years = dates.astype("datetime64[Y]").astype(int) + 1970
    frame = pd.DataFrame({"in_service_year": years, "s": saving})
    cap = capacity_by_year(frame, YEARS, ["s"])
    before = saving[years < YEARS[0]].sum()
    for y in YEARS:
        realised = (saving * year_fraction_in_service(dates, y)).sum()
        # what is realised in year y comes from measures in service by its end
        assert realised <= cap.loc[y, "s_cumulative"] + before + 1e-9 * (1 + saving.sum())
        # and a measure in service all year realises all of it
        full = saving[dates <= np.datetime64(f"{y}-01-01", "D")].sum()
        assert realised >= full - 1e-9 * (1 + saving.sum())


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(days, st.floats(0, 1e4)), min_size=1, max_size=30), st.floats(0.1, 10))
def test_counts_scale_linearly(rows, k):
    offsets, saving = zip(*rows, strict=True)
    years = _dates(offsets).astype("datetime64[Y]").astype(int) + 1970
    frame = pd.DataFrame({"in_service_year": years, "s": np.asarray(saving)})
    scaled = frame.assign(s=frame["s"] * k)
    a = capacity_by_year(frame, YEARS, ["s"])
    b = capacity_by_year(scaled, YEARS, ["s"])
    np.testing.assert_allclose(b.to_numpy(), a.to_numpy() * k, rtol=1e-9, atol=1e-9)
