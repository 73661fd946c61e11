"""Time ``retrofit portfolio`` on a province-sized synthetic inventory (not a pytest test).

    .venv/bin/python tests/benchmarks/bench_portfolio.py                 # 20,000 plants, ~2M rows
    .venv/bin/python tests/benchmarks/bench_portfolio.py --plants 2000 --keep /tmp/city

The city comes from :func:`retrofit.samples.synthetic_city.synthetic_city` (seeded,
illustrative). It is written once as one big CSV and as Parquet partitions, with a plants file;
then each command runs in its own subprocess: wall time around it, peak RSS from ``os.wait4``.

- ``csv``: ``retrofit portfolio city.csv`` (one file, read in chunks of ``--chunk-rows``)
- ``parquet``: ``retrofit portfolio parquet/`` (a folder of partitions, each read in chunks)
- ``dask``: :func:`retrofit.portfolio.dask.portfolio_dask` on ``dd.read_parquet`` with a local
  cluster of 2 single-threaded worker processes (peak RSS here is the client process only; the
  workers' peaks are printed by the script itself)
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DASK_CODE = """
import sys, resource
import dask.dataframe as dd
from distributed import Client, LocalCluster
from retrofit.portfolio.dask import portfolio_dask
if __name__ == "__main__":
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        result = portfolio_dask(dd.read_parquet(sys.argv[1]), plants=sys.argv[2], year=2026)
        peaks = client.run(lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    print("workers peak RSS MiB:", sorted(round(v / 1024) for v in peaks.values()))
    print("assets:", int(result.totals.iloc[0]["assets"]))
"""


def run(cmd: list[str], label: str) -> tuple[str, float, float]:
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    output = proc.stdout.read() if proc.stdout else ""
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{label} failed:\n{output}")
    print(f"{label}: {wall:.1f} s, peak RSS {usage.ru_maxrss / 1024:.0f} MiB  {output.strip()}")
    return label, wall, usage.ru_maxrss / 1024


def generate(work: Path, n_plants: int, assets_per_plant: float, rows_per_file: int) -> None:
    from retrofit.samples.synthetic_city import synthetic_city, write_parquet

    inventory, plants = synthetic_city(n_plants, assets_per_plant=assets_per_plant, seed=2024)
    inventory.to_csv(work / "city.csv", index=False, encoding="utf-8-sig")
    plants.to_csv(work / "plants.csv", index=False, encoding="utf-8-sig")
    if (work / "parquet").exists():
        shutil.rmtree(work / "parquet")
    write_parquet(inventory, work / "parquet", rows_per_file=rows_per_file)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plants", type=int, default=20_000)
    parser.add_argument("--assets-per-plant", type=float, default=100)
    parser.add_argument("--chunk-rows", type=int, default=250_000)
    parser.add_argument("--keep", type=Path, help="keep the generated files in this folder")
    parser.add_argument("--skip", nargs="*", default=[], choices=["csv", "parquet", "dask"])
    parser.add_argument("--generate", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.generate is not None:
        generate(args.generate, args.plants, args.assets_per_plant, args.chunk_rows)
        return 0

    work = args.keep or Path(tempfile.mkdtemp(prefix="bench_portfolio_"))
    work.mkdir(parents=True, exist_ok=True)
    big, plants_csv, parquet = work / "city.csv", work / "plants.csv", work / "parquet"
    # generated in a child process: a forked child's peak RSS starts at its parent's
    start = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            __file__,
            "--generate",
            str(work),
            "--plants",
            str(args.plants),
            "--assets-per-plant",
            str(args.assets_per_plant),
            "--chunk-rows",
            str(args.chunk_rows),
        ],
        check=True,
    )
    rows = sum(1 for _ in big.open(encoding="utf-8-sig")) - 1
    print(
        f"{rows:,} asset rows, {args.plants:,} plants, generated and written in "
        f"{time.perf_counter() - start:.0f} s; {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}"
    )
    retrofit = [sys.executable, "-m", "retrofit", "portfolio"]
    common = ["--plants", str(plants_csv), "--year", "2026", "--chunk-rows", str(args.chunk_rows)]
    if "csv" not in args.skip:
        run([*retrofit, str(big), *common, "-o", str(work / "out_csv.json")], "csv")
    if "parquet" not in args.skip:
        run([*retrofit, str(parquet), *common, "-o", str(work / "out_parquet.json")], "parquet")
    if "dask" not in args.skip:
        script = work / "dask_run.py"
        script.write_text(DASK_CODE, encoding="utf-8")
        run([sys.executable, str(script), str(parquet), str(plants_csv)], "dask")
    if args.keep is None:
        shutil.rmtree(work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
