"""Time ``retrofit estimate`` on a large synthetic motor inventory against a pyarrow floor.

Not a pytest test (pytest collects ``test_*.py`` only); run it directly::

    .venv/bin/python tests/benchmarks/bench_estimate.py            # 1,000,000 rows
    .venv/bin/python tests/benchmarks/bench_estimate.py --rows 200000 --keep /tmp/bench

The floor is the least any CSV-in, CSV-out tool must do, done as fast as pyarrow does it: in one
fresh interpreter, ``pyarrow.csv.read_csv`` of the inventory and ``pyarrow.csv.write_csv`` of a
table of the output's shape (the rows, column names and column types of retrofit's ``out.csv``,
read from its first block). The floor's columns are the input's columns of the same type, floats
divided by 3 so that they print with all their digits, as computed results do. Each command runs
in its own subprocess; wall time is measured around it, and CPU time (user + system, all
threads) and peak RSS are that process's ``ru_utime + ru_stime`` and ``ru_maxrss`` as returned
by ``os.wait4``. On a shared machine the CPU ratio is the steadier figure. The table printed at
the end is what to paste into a report.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

#: IEC 60034-30-1 standard rated outputs from 0.75 to 200 kW [kW]
IEC_SIZES_KW = (
    0.75,
    1.1,
    1.5,
    2.2,
    3,
    4,
    5.5,
    7.5,
    11,
    15,
    18.5,
    22,
    30,
    37,
    45,
    55,
    75,
    90,
    110,
    132,
    160,
    200,
)
ROWS_PER_PLANT = 100  # 1,000,000 rows -> about 10,000 plants

#: The floor: read the input (argv[1]) and write a table with the columns and types of argv[3]
#: (a JSON list of [name, Arrow type]) to argv[2]
FLOOR_CODE = """
import json, sys
import pyarrow as pa, pyarrow.compute as pc, pyarrow.csv as pacsv

source = pacsv.read_csv(sys.argv[1])
by_type = {}
for column in source.columns:
    kind = "float" if pa.types.is_floating(column.type) else str(column.type)
    by_type.setdefault(kind, []).append(column)
floats = [pc.divide(c, 3.0) for c in by_type.get("float", [])]  # all 17 digits, as results
arrays = []
for i, (name, kind) in enumerate(json.loads(sys.argv[3])):
    if kind in ("double", "float"):
        arrays.append(floats[i % len(floats)])
    elif kind == "bool":
        arrays.append(pc.greater(floats[i % len(floats)], 1.0))
    elif kind in by_type:
        arrays.append(by_type[kind][i % len(by_type[kind])])
    else:  # null (a column empty in the output's first block) or a type the input lacks
        arrays.append(pa.nulls(source.num_rows))
names = [name for name, _ in json.loads(sys.argv[3])]
pacsv.write_csv(pa.Table.from_arrays(arrays, names=names), sys.argv[2])
"""


def synthetic_inventory(rows: int, seed: int = 20261101) -> pd.DataFrame:
    """A plausible motor inventory with canonical column names, built without Python loops."""
    rng = np.random.default_rng(seed)
    n_plants = max(1, rows // ROWS_PER_PLANT)
    plant = np.sort(rng.integers(0, n_plants, rows))  # rows of a plant are contiguous
    plant_energy = np.round(rng.lognormal(mean=8.0, sigma=1.0, size=n_plants), 1)  # [tce]
    sizes = np.asarray(IEC_SIZES_KW)
    size_weights = 1.0 / np.sqrt(sizes)  # small motors are the more numerous
    power = rng.choice(sizes, rows, p=size_weights / size_weights.sum())
    quantity = rng.integers(1, 5, rows)
    return pd.DataFrame(
        {
            "plant_id": pd.Series(plant).map("P{:05d}".format),
            "asset_id": pd.Series(np.arange(rows)).map("M{:07d}".format),
            "category": "motor",
            "measure": "upgrade_motor",
            "quantity": quantity,
            "rated_power_kw": power,
            "poles": rng.choice([2, 4, 6, 8], rows, p=[0.3, 0.45, 0.2, 0.05]),
            "efficiency_class": rng.choice(["IE1", "IE2", "IE3"], rows, p=[0.4, 0.4, 0.2]),
            "target_class": rng.choice(["IE4", "grade_2"], rows),
            "load_factor": np.round(rng.uniform(0.4, 1.0, rows), 2),
            "operating_hours_h": rng.integers(2000, 8001, rows),
            "electricity_price_cny_per_kwh": np.round(rng.uniform(0.5, 0.9, rows), 3),
            "investment_cny": np.round(power * quantity * rng.uniform(300, 900, rows), -1),
            "plant_energy_tce": plant_energy[plant],
        }
    )


def synthetic_systems_inventory(rows: int, seed: int = 20261125) -> pd.DataFrame:
    """A mixed inventory: the motor rows above plus fans and pumps on drives (several duty
    profiles and static heads), pump replacements, compressors (new package, leaks, pressure)
    and transformers with nameplate losses — every system module of the estimator."""
    rng = np.random.default_rng(seed)
    df = synthetic_inventory(rows, seed)
    kind = rng.choice(
        ["motor", "fan_vfd", "pump_vfd", "pump_new", "compressor", "transformer"],
        rows,
        p=[0.4, 0.2, 0.15, 0.05, 0.1, 0.1],
    )
    n = rows
    empty = np.full(n, np.nan)
    df["control"] = pd.Series(
        np.where(
            kind == "fan_vfd",
            rng.choice(["damper_outlet", "damper_inlet", "inlet_vane"], n),
            np.where(kind == "pump_vfd", rng.choice(["throttle", "bypass"], n), None),
        ),
        dtype=object,
    )
    profiles = np.array(
        [
            "100:20;80:50;60:30",
            "doe_tip_sheet_12_fan",
            "90:40;70:40;50:20",
            "100:10;75:30;50:40;30:20",
        ],
        dtype=object,
    )
    df["flow_profile"] = pd.Series(
        np.where(np.isin(kind, ["fan_vfd", "pump_vfd"]), rng.choice(profiles, n), None),
        dtype=object,
    )
    df["static_head_fraction"] = np.where(kind == "pump_vfd", rng.choice([0, 0.1, 0.3], n), empty)
    df.loc[kind == "fan_vfd", "category"] = "fan"
    df.loc[np.isin(kind, ["pump_vfd", "pump_new"]), "category"] = "pump"
    df.loc[kind == "fan_vfd", "measure"] = "add_vfd"
    df.loc[kind == "pump_vfd", "measure"] = rng.choice(["add_vfd", "upgrade_motor+add_vfd"], n)[
        kind == "pump_vfd"
    ]
    df.loc[kind == "pump_new", "measure"] = "upgrade_equipment"
    df["machine_efficiency_pct"] = np.where(
        kind == "pump_new", np.round(rng.uniform(55, 70, n), 1), empty
    )
    df["pump_type"] = pd.Series(np.where(kind == "pump_new", "end_suction", None), dtype=object)
    df["flow_m3h"] = np.where(kind == "pump_new", rng.choice([50, 100, 200, 280], n), empty)
    df["head_m"] = np.where(kind == "pump_new", rng.choice([20, 32, 50, 80], n), empty)
    df["speed_rpm"] = np.where(kind == "pump_new", 2900.0, empty)
    comp = kind == "compressor"
    df.loc[comp, "category"] = "compressor"
    df.loc[comp, "measure"] = rng.choice(
        ["upgrade_equipment", "fix_leaks+reduce_pressure", "upgrade_equipment+fix_leaks"], n
    )[comp]
    df.loc[comp, "rated_power_kw"] = rng.choice([22, 37, 55, 75, 90, 110, 132, 160], n)[comp]
    df["compressor_type"] = pd.Series(np.where(comp, "oil_injected_rotary", None), dtype=object)
    df["discharge_pressure_mpa"] = np.where(comp, 0.8, empty)
    df["cooling"] = pd.Series(np.where(comp, "air", None), dtype=object)
    df["specific_power_kw_per_m3min"] = np.where(comp, np.round(rng.uniform(7.6, 9.5, n), 2), empty)
    df["leak_fraction"] = np.where(comp, np.round(rng.uniform(0.15, 0.35, n), 2), empty)
    df["pressure_reduction_bar"] = np.where(comp, rng.choice([0.3, 0.5, 1.0], n), empty)
    tr = kind == "transformer"
    kva = rng.choice([315, 400, 630, 800, 1000, 1250, 1600], n)
    df.loc[tr, "category"] = "transformer"
    df.loc[tr, "measure"] = "upgrade_equipment"
    df["rated_kva"] = np.where(tr, kva, empty)
    df["transformer_type"] = pd.Series(np.where(tr, "oil", None), dtype=object)
    df["no_load_loss_kw"] = np.where(tr, np.round(kva * 0.0017, 3), empty)  # S9-like nameplates
    df["load_loss_kw"] = np.where(tr, np.round(kva * 0.0105, 2), empty)
    for column in ("rated_power_kw", "poles", "efficiency_class"):
        df[column] = df[column].astype(object).where(~tr, None)
    df["target_class"] = df["target_class"].where(~(tr | comp), None)
    df.loc[tr, "operating_hours_h"] = 8760
    return df


def synthetic_campus_inventory(rows: int, seed: int = 20261126) -> pd.DataFrame:
    """The systems mix with a share of its motor rows turned into data halls (PUE retrofit and
    IT refresh) and charging piles (ac with defaults, dc with measured values, some on a
    time-of-use tariff with off-peak shifting) — every module and the tariff pricing."""
    rng = np.random.default_rng(seed + 1)  # not the systems mix's stream: its draws would align
    df = synthetic_systems_inventory(rows, seed)
    n = rows
    empty = np.full(n, np.nan)
    motor = (df["category"] == "motor").to_numpy()
    kind = np.where(
        motor, rng.choice(["motor", "dc", "ac", "dcpile"], n, p=[0.4, 0.2, 0.2, 0.2]), "other"
    )
    dc, ac, dcp = kind == "dc", kind == "ac", kind == "dcpile"
    piles = ac | dcp
    new = dc | piles
    df.loc[dc, "category"] = "datacenter"
    df.loc[dc, "measure"] = rng.choice(["improve_pue", "refresh_it", "improve_pue+refresh_it"], n)[
        dc
    ]
    df.loc[piles, "category"] = "charger"
    df.loc[piles, "measure"] = "replace_charger"
    for column in ("poles", "efficiency_class", "target_class"):
        df[column] = df[column].astype(object).where(~new, None)
    df["load_factor"] = df["load_factor"].where(~(dc | ac))
    df["operating_hours_h"] = df["operating_hours_h"].where(~(dc | ac))
    df.loc[dcp, "operating_hours_h"] = rng.choice([800, 1500, 2500], n)[dcp]
    df.loc[dc, "rated_power_kw"] = np.nan
    df.loc[ac, "rated_power_kw"] = 7.0
    df.loc[dcp, "rated_power_kw"] = rng.choice([30.0, 60.0, 120.0], n)[dcp]
    pue = np.round(rng.uniform(1.4, 2.0, n), 2)
    df["it_load_kw"] = np.where(dc, rng.choice([50.0, 200.0, 800.0, 3000.0], n), empty)
    df["pue"] = np.where(dc, pue, empty)
    df["target_pue"] = np.where(dc, np.round(pue - rng.uniform(0.05, 0.35, n), 2), empty)
    df["it_energy_reduction"] = np.where(dc, rng.choice([0.1, 0.18, 0.25, 0.3], n), empty)
    df["racks"] = np.where(dc, rng.choice([80.0, 300.0, 800.0, 2000.0], n), empty)
    df["years_in_service"] = np.where(dc, rng.choice([3.0, 10.0, 15.0], n), empty)
    df["charger_type"] = pd.Series(np.where(ac, "ac", np.where(dcp, "dc", None)), dtype=object)
    df["energy_delivered_kwh"] = np.where(ac, rng.choice([1500.0, 3000.0, 6000.0], n), empty)
    df["efficiency_pct"] = df["efficiency_pct"].where(~new) if "efficiency_pct" in df else empty
    df.loc[dcp, "efficiency_pct"] = rng.choice([88.0, 90.0, 92.0], n)[dcp]
    df["target_efficiency_pct"] = np.where(dcp, 95.0, empty)
    df["standby_w"] = np.where(dcp, rng.choice([60.0, 120.0, 200.0], n), empty)
    df["target_standby_w"] = np.where(dcp, 40.0, empty)
    tou = dcp & (rng.random(n) < 0.5)
    df["tariff_class"] = pd.Series(
        np.where(
            tou, rng.choice(["large_industry_two_part", "general_two_part", "single_part"], n), None
        ),
        dtype=object,
    )
    df["load_profile"] = pd.Series(
        np.where(
            tou, rng.choice(["08:00-11:00;13:00-16:00", "office_hours", "two_shift"], n), None
        ),
        dtype=object,
    )
    df["offpeak_shift_fraction"] = np.where(tou, 0.2, empty)
    return df


@dataclass
class Run:
    seconds: float
    cpu_seconds: float
    peak_mb: float
    returncode: int
    stderr: str


def measure(cmd: list[str], workdir: Path, label: str) -> Run:
    """Run ``cmd`` in a fresh process; wall time and that process's own peak RSS."""
    out, err = workdir / f"{label}.stdout", workdir / f"{label}.stderr"
    with out.open("wb") as fo, err.open("wb") as fe:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=fo, stderr=fe, cwd=workdir)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    # ru_maxrss is in KiB on Linux, bytes on macOS
    peak = usage.ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)
    cpu = usage.ru_utime + usage.ru_stime  # on a shared machine, steadier than wall time
    return Run(seconds, cpu, peak, proc.returncode, err.read_text(errors="replace"))


def output_schema(path: Path) -> list[tuple[str, str]]:
    """Column names and Arrow types of a CSV, inferred from its first block."""
    import pyarrow.csv as pacsv

    schema = pacsv.open_csv(path).schema
    return [(field.name, str(field.type)) for field in schema]


def compile_package() -> None:
    """Write the bytecode of the ``retrofit`` package being timed, as ``pip install`` does.

    An editable install run under ``PYTHONDONTWRITEBYTECODE`` (set on the project's machines)
    would otherwise compile every module of the package from source on each run, about 0.1 s
    of CPU that no installed copy spends; ``__pycache__`` is ignored by git.
    """
    import importlib.util

    spec = importlib.util.find_spec("retrofit")
    if spec is None or not spec.submodule_search_locations:
        return
    package = spec.submodule_search_locations[0]
    subprocess.run([sys.executable, "-m", "compileall", "-q", package], check=True)


def retrofit_command() -> list[str]:
    script = Path(sys.executable).with_name("retrofit")
    if script.is_file():
        return [str(script)]
    found = shutil.which("retrofit")
    return [found] if found else [sys.executable, "-m", "retrofit"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="inventory rows [default 1e6]")
    parser.add_argument("--keep", type=Path, help="write the files here and keep them")
    parser.add_argument(
        "--mix",
        choices=("motors", "systems", "campus"),
        default="motors",
        help="motors only, every kind of motor-system row, or those with data "
        "halls and charging piles [default motors]",
    )
    parser.add_argument(
        "--policy",
        default=None,
        metavar="PACKS",
        help="also check these policy packs (e.g. shanghai-2024,shanghai-2025,"
        "shenyang-2025,national), with every project on a 4 %% loan and a "
        "tax position, so that the incentive rules do their full work",
    )
    parser.add_argument(
        "--no-compile",
        action="store_true",
        help="time retrofit without writing its bytecode first (each run then compiles the "
        "package's modules, as an editable install under PYTHONDONTWRITEBYTECODE does)",
    )
    args = parser.parse_args(argv)

    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        workdir, cleanup = args.keep.resolve(), None
    else:
        cleanup = tempfile.TemporaryDirectory(prefix="retrofit-bench-")
        workdir = Path(cleanup.name)
    try:
        big = workdir / "big.csv"
        start = time.perf_counter()
        make = {
            "motors": synthetic_inventory,
            "systems": synthetic_systems_inventory,
            "campus": synthetic_campus_inventory,
        }[args.mix]
        make(args.rows).to_csv(big, index=False)
        print(
            f"generated {big} ({args.rows:,} rows, {big.stat().st_size / 1e6:,.0f} MB) "
            f"in {time.perf_counter() - start:.1f} s",
            file=sys.stderr,
        )

        if not args.no_compile:
            compile_package()
        cmd = [*retrofit_command(), "estimate", str(big), "-o", str(workdir / "out.csv")]
        if args.policy:
            cmd += [
                "--policy",
                args.policy,
                "--financing",
                "loan",
                "--loan-rate",
                "0.04",
                "--eit-payable",
                "1000000",
                "--designation",
                "shenyang-point",
            ]
        print("timing:", " ".join(cmd), file=sys.stderr)
        ours = measure(cmd, workdir, "retrofit")
        if ours.returncode:
            print(f"retrofit exited {ours.returncode}:\n{ours.stderr[-4000:]}", file=sys.stderr)
            return 1
        out_rows = sum(1 for _ in (workdir / "out.csv").open("rb")) - 1
        shape = json.dumps(output_schema(workdir / "out.csv"))
        floor = measure(
            [sys.executable, "-c", FLOOR_CODE, str(big), str(workdir / "floor.csv"), shape],
            workdir,
            "floor",
        )
        if floor.returncode:
            print(f"floor failed:\n{floor.stderr}", file=sys.stderr)
            return 1

        import pyarrow

        print(
            f"python {platform.python_version()}, pandas {pd.__version__}, numpy "
            f"{np.__version__}, pyarrow {pyarrow.__version__}, {os.cpu_count()} CPUs, "
            f"{platform.platform()}, load average {os.getloadavg()[0]:.1f}"
        )
        header = (
            "rows",
            "floor s",
            "retrofit s",
            "ratio",
            "floor CPU s",
            "retrofit CPU s",
            "CPU ratio",
            "floor peak MB",
            "retrofit peak MB",
        )
        values = (
            f"{args.rows:,}",
            f"{floor.seconds:.1f}",
            f"{ours.seconds:.1f}",
            f"{ours.seconds / floor.seconds:.2f}x",
            f"{floor.cpu_seconds:.1f}",
            f"{ours.cpu_seconds:.1f}",
            f"{ours.cpu_seconds / floor.cpu_seconds:.2f}x",
            f"{floor.peak_mb:,.0f}",
            f"{ours.peak_mb:,.0f}",
        )
        widths = [max(len(h), len(v)) for h, v in zip(header, values, strict=True)]
        print("  ".join(h.rjust(w) for h, w in zip(header, widths, strict=True)))
        print("  ".join(v.rjust(w) for v, w in zip(values, widths, strict=True)))
        if out_rows != args.rows:
            print(
                f"warning: out.csv has {out_rows:,} rows, expected {args.rows:,}", file=sys.stderr
            )
        return 0
    finally:
        if cleanup is not None:
            cleanup.cleanup()


if __name__ == "__main__":
    sys.exit(main())
