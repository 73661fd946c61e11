"""Time the Monte Carlo (``retrofit.uncertainty.montecarlo.run``) on synthetic plants.

Not a pytest test; run it directly::

    .venv/bin/python tests/benchmarks/bench_uncertainty.py            # 10,000 × 5,000 rows
    .venv/bin/python tests/benchmarks/bench_uncertainty.py --draws 1000 --rows 100000 --plants 500
    .venv/bin/python tests/benchmarks/bench_uncertainty.py --mix campus --rows 200000 --draws 200

``--mix example`` (the default) repeats the bundled example's motor rows (each row keeps its
own class, load, hours and defaults; ``--plants`` spreads them over that many plants);
``--mix campus`` is ``bench_estimate.py``'s campus mix (every system module, so the inputs that
act non-linearly are recomputed). Prints the estimate's and the Monte Carlo's wall and CPU
seconds and the peak memory of the process; ``--repeat N`` runs the Monte Carlo N times on
the same estimate and prints the median.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from pathlib import Path

import pandas as pd

from retrofit import estimate
from retrofit.uncertainty.montecarlo import run

HERE = Path(__file__).resolve().parent
SAMPLE = HERE.parents[1] / "retrofit" / "samples" / "example_plant.csv"


def example_inventory(rows: int, plants: int) -> pd.DataFrame:
    """The bundled example's motor rows repeated to ``rows`` rows over ``plants`` plants."""
    frame = pd.read_csv(SAMPLE)
    motors = frame[frame["改造措施"].isin(["电机更换", "变频改造+电机更换", "变频改造"])]
    big = pd.concat([motors] * (rows // len(motors) + 1), ignore_index=True).head(rows)
    big["设备编号"] = [f"A{i}" for i in range(len(big))]
    big["企业编号"] = [f"P{i % plants:05d}" for i in range(len(big))]
    big["上年综合能耗(tce)"] = 50_000.0
    return big


def campus_inventory(rows: int) -> pd.DataFrame:
    """``bench_estimate.py``'s campus mix: every system module."""
    sys.path.insert(0, str(HERE))
    from bench_estimate import synthetic_campus_inventory

    return synthetic_campus_inventory(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mix", choices=("example", "campus"), default="example")
    parser.add_argument("--draws", type=int, default=10_000)
    parser.add_argument("--rows", type=int, default=5_000)
    parser.add_argument("--plants", type=int, default=1, help="plants of --mix example")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=1, help="Monte Carlo runs (median shown)")
    args = parser.parse_args(argv)

    if args.mix == "campus":
        inventory = campus_inventory(args.rows)
    else:
        inventory = example_inventory(args.rows, args.plants)
    wall, cpu = time.perf_counter(), time.process_time()
    result = estimate(inventory, year=2026)
    estimated = (time.perf_counter() - wall, time.process_time() - cpu)
    walls, cpus = [], []
    for _ in range(args.repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        u = run(result, args.draws, seed=args.seed)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{args.mix}: {args.draws:,} draws × {len(inventory):,} rows × "
        f"{len(result.plants):,} plants: estimate {estimated[0]:.1f} s wall, "
        f"{estimated[1]:.1f} s CPU; Monte Carlo {statistics.median(walls):.2f} s wall, "
        f"{statistics.median(cpus):.2f} s CPU (median of {args.repeat}: "
        f"{', '.join(f'{c:.2f}' for c in cpus)} s CPU); peak {peak_mb:,.0f} MB; "
        f"inputs {', '.join(u.inputs['input'].unique())}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
