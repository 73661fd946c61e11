"""The Dask path (map_partitions over partitioned Parquet, on a local 2-worker cluster) gives
the tables of the pandas path on the same rows."""

from __future__ import annotations

import pandas as pd
import pytest

from retrofit.portfolio import portfolio, portfolio_dask
from retrofit.samples.synthetic_city import synthetic_city, write_parquet

dd = pytest.importorskip("dask.dataframe", reason="dask is a test extra")
distributed = pytest.importorskip("distributed", reason="distributed is a test extra")

pytestmark = pytest.mark.slow  # a local 2-worker cluster and a 10,000-row portfolio twice


def test_dask_equals_pandas_on_partitioned_parquet(tmp_path):
    inventory, plants = synthetic_city(60, assets_per_plant=20, seed=11)
    folder = tmp_path / "parquet"
    write_parquet(inventory, folder, rows_per_file=400)
    assert len(list(folder.glob("*.parquet"))) >= 3
    pandas_result = portfolio(folder, plants=plants, year=2026)
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster),
    ):
        ddf = dd.read_parquet(str(folder))
        dask_result = portfolio_dask(ddf, plants=plants, year=2026)
    assert dask_result.assumptions["partitions"] >= 3
    for name in (
        "plants",
        "trajectory",
        "goals",
        "bai_yi",
        "districts",
        "industries",
        "by_measure",
        "totals",
        "abatement",
    ):
        got, want = getattr(dask_result, name), getattr(pandas_result, name)
        pd.testing.assert_frame_equal(got, want, check_exact=False, rtol=1e-12, obj=name)
    # the totals are real: every row of the inventory was estimated once
    assert dask_result.totals.iloc[0]["assets"] == len(inventory)
