"""Write the outputs a refactoring must not change, for comparing two checkouts byte for byte.

Not a pytest test. Run it once with the code before a change and once after, then diff::

    .venv/bin/python tests/benchmarks/same_outputs.py /tmp/before --source /path/to/old/checkout
    .venv/bin/python tests/benchmarks/same_outputs.py /tmp/after
    diff -r /tmp/before /tmp/after

``--source`` puts another checkout first on ``sys.path`` (its own ``reference_data/`` is then
used too), so one virtual environment serves both. The runs are those the structure issue
names: ``make demo``'s inventory (JSON and CSV, with and without the policy packs and the
Monte Carlo), a mixed 20,000-row inventory with every system module (the benchmark's
``campus`` mix) and a portfolio of a synthetic city with its plants file. Paths and the run
date are replaced by placeholders; nothing else is touched.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def run(source: Path | None, args: list[str], cwd: Path) -> None:
    env = dict(os.environ)
    if source is not None:
        env["PYTHONPATH"] = str(source)
    proc = subprocess.run(
        [sys.executable, "-m", "retrofit", *args],
        check=False,
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        sys.exit(f"retrofit {' '.join(args)} failed ({proc.returncode}):\n{proc.stderr}")


def scrub(path: Path, work: Path, sample: Path) -> None:
    """Replace the run's paths by placeholders (JSON and CSV alike: plain text replace)."""
    text = path.read_text(encoding="utf-8-sig" if path.suffix == ".csv" else "utf-8")
    for real, placeholder in ((str(sample), "<sample>"), (str(work), "<work>")):
        text = text.replace(real, placeholder)
        text = text.replace(json.dumps(real)[1:-1], placeholder)
    path.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="folder for the outputs (created)")
    parser.add_argument("--source", type=Path, help="checkout whose retrofit/ to run")
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--plants", type=int, default=300)
    args = parser.parse_args(argv)
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    source = args.source.resolve() if args.source else None
    root = source or HERE.parent.parent
    sample = root / "retrofit" / "samples" / "example_plant.csv"

    sys.path.insert(0, str(HERE))
    from bench_estimate import synthetic_campus_inventory

    mixed = out / "mixed_input.csv"
    synthetic_campus_inventory(args.rows).to_csv(mixed, index=False)
    gen = [
        sys.executable,
        "-c",
        (
            "import sys; from retrofit.samples.synthetic_city import synthetic_city as s; "
            "inv, plants = s(int(sys.argv[1]), seed=2024); "
            "inv.to_csv(sys.argv[2], index=False, encoding='utf-8-sig'); "
            "plants.to_csv(sys.argv[3], index=False, encoding='utf-8-sig')"
        ),
        str(args.plants),
        str(out / "city.csv"),
        str(out / "city_plants.csv"),
    ]
    subprocess.run(
        gen, check=True, env=dict(os.environ) | ({"PYTHONPATH": str(source)} if source else {})
    )

    runs = {
        "demo": [str(sample), "--year", "2026"],
        "demo_policy": [
            str(sample),
            "--year",
            "2026",
            "--policy",
            "shanghai-2024,shanghai-2025,shenyang-2025,national",
        ],
        "demo_mc": [str(sample), "--year", "2026", "--uncertainty", "500", "--seed", "3"],
        "mixed": [str(mixed), "--year", "2026", "--policy", "shanghai-2024,national"],
    }
    written = []
    for name, estimate_args in runs.items():
        for suffix in (".json", ".csv"):
            target = out / f"{name}{suffix}"
            run(source, ["estimate", *estimate_args, "-o", str(target)], out)
            written.append(target)
    for suffix in (".json", ".csv"):
        target = out / f"portfolio{suffix}"
        run(
            source,
            [
                "portfolio",
                str(out / "city.csv"),
                "--plants",
                str(out / "city_plants.csv"),
                "--year",
                "2026",
                "--chunk-rows",
                "5000",
                "-o",
                str(target),
            ],
            out,
        )
        written.append(target)
    for path in written:
        scrub(path, out, sample)
    for path in (mixed, out / "city.csv", out / "city_plants.csv"):
        path.unlink()
    print("\n".join(f"{p.name}: {p.stat().st_size:,} bytes" for p in written))
    return 0


if __name__ == "__main__":
    sys.exit(main())
