"""Time the Monte Carlo (``retrofit.uncertainty.montecarlo.run``) on synthetic motor plants.

Not a pytest test; run it directly::

    .venv/bin/python tests/benchmarks/bench_uncertainty.py            # 10,000 × 5,000 rows
    .venv/bin/python tests/benchmarks/bench_uncertainty.py --draws 1000 --rows 100000 --plants 500

The inventory is the bundled example's motor rows repeated (each row keeps its own class, load,
hours and defaults). Prints the estimate time, the Monte Carlo time and its peak memory.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

import pandas as pd

from retrofit import estimate
from retrofit.uncertainty.montecarlo import run

SAMPLE = Path(__file__).resolve().parents[2] / "retrofit" / "samples" / "example_plant.csv"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--draws", type=int, default=10_000)
    parser.add_argument("--rows", type=int, default=5_000)
    parser.add_argument("--plants", type=int, default=1)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    frame = pd.read_csv(SAMPLE)
    motors = frame[frame["改造措施"].isin(["电机更换", "变频改造+电机更换", "变频改造"])]
    big = pd.concat([motors] * (args.rows // len(motors) + 1), ignore_index=True).head(args.rows)
    big["设备编号"] = [f"A{i}" for i in range(len(big))]
    big["企业编号"] = [f"P{i % args.plants:05d}" for i in range(len(big))]
    big["上年综合能耗(tce)"] = 50_000.0
    start = time.perf_counter()
    result = estimate(big, year=2026)
    estimated = time.perf_counter() - start
    start = time.perf_counter()
    u = run(result, args.draws, seed=args.seed)
    simulated = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{args.draws:,} draws × {len(big):,} rows × {args.plants:,} plants: estimate "
        f"{estimated:.1f} s, Monte Carlo {simulated:.1f} s, peak {peak_mb:,.0f} MB; "
        f"inputs {', '.join(u.inputs['input'].unique())}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
