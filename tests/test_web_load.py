"""The load test of issue 21 (point 4): 50 concurrent uploads of a 1,000-row inventory to a
``retrofit serve`` started here on 127.0.0.1; nothing fails, the latency percentiles are
printed (and written to ``tests/output/web/load.json``), and the server's memory returns to
within :data:`RSS_MARGIN_MIB` of its start once the results have expired and garbage is
collected (``tests/benchmarks/load_serve.py`` does the work and says how it measures).

On the shared 2-core machine of December 2026 one 1,000-row upload (every system module) costs
1–3 s of CPU, and the work holds the GIL, so 50 of them take 1.5–3.5 minutes however they are
spread (docs/benchmarks.md); that test is marked slow.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

pytest.importorskip("uvicorn")
pytest.importorskip("httpx")

sys.path.insert(0, str(Path(__file__).resolve().parent / "benchmarks"))
from load_serve import run_load

OUTPUT = Path(__file__).resolve().parent / "output" / "web"
#: How far above its start the server's resident memory may stay after the load [MiB]. With
#: two worker threads it stayed 19 MiB above; with Starlette's default pool of 40 threads it
#: stayed 195 MiB above (allocator caches held per thread), which this margin refuses.
RSS_MARGIN_MIB = 48


@pytest.mark.slow
def test_fifty_concurrent_uploads_of_a_1000_row_inventory():
    report = run_load(uploads=50, rows=1000, ttl_s=5.0, settle_s=1.0)
    print(report.text())
    OUTPUT.mkdir(parents=True, exist_ok=True)
    (OUTPUT / "load.json").write_text(json.dumps(report.summary(), indent=2), encoding="utf-8")
    assert report.failures == []
    assert len(report.latencies_s) == 50
    rss = report.rss_mib
    assert rss["loaded"] > rss["start"]  # the figures are of a server that did the work
    assert rss["collected"] <= rss["start"] + RSS_MARGIN_MIB, rss


def test_the_percentiles_are_nearest_rank():
    from load_serve import LoadReport

    # nearest rank of 1..10 s: p50 the 5th value, p90 the 9th, p99 the 10th
    report = LoadReport(10, 1, 1, latencies_s=[float(s) for s in range(10, 0, -1)])
    assert (report.percentile(50), report.percentile(90), report.percentile(99)) == (5, 9, 10)
