"""The built wheel works on its own: tables, sample and console script ship inside it.

An editable install finds ``reference_data/`` beside the source tree, so a wheel that forgot to
bundle a table would still pass every other test. Here the wheel is built from the checkout,
installed with ``--no-deps`` into a fresh virtualenv outside the repository, and exercised from
a scratch folder. The fresh venv borrows the test environment's third-party packages through a
one-line ``.pth`` file: ``site`` only appends the lines of a ``.pth`` to ``sys.path`` and does not
process the ``.pth`` files inside that folder, so the repository's editable finder stays off.
"""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
import sysconfig
import textwrap
import venv
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
TIMEOUT_S = 120


def _run(cmd: list[str], **kwargs) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        cmd,
        check=False,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=TIMEOUT_S,
        **kwargs,
    )
    shown = " ".join(a if "\n" not in a else "<script>" for a in cmd)
    assert proc.returncode == 0, (
        f"{shown} exited {proc.returncode}\n--- stdout\n{proc.stdout}\n--- stderr\n{proc.stderr}"
    )
    return proc


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheelhouse")
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--disable-pip-version-check",
            "-q",
            "-w",
            str(out),
            str(REPO),
        ]
    )
    (built,) = out.glob("retrofit-*.whl")
    return built


@pytest.fixture(scope="module")
def wheel_names(wheel: Path) -> set[str]:
    with zipfile.ZipFile(wheel) as zf:
        return set(zf.namelist())


class FreshEnv:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.bin = root / ("Scripts" if os.name == "nt" else "bin")
        self.python = self.bin / ("python.exe" if os.name == "nt" else "python")
        self.script = self.bin / ("retrofit.exe" if os.name == "nt" else "retrofit")
        self.site_packages = Path(
            _run(
                [
                    str(self.python),
                    "-c",
                    "import sysconfig; print(sysconfig.get_path('purelib'))",
                ]
            ).stdout.strip()
        )

    def env(self) -> dict[str, str]:
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in {"PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "VIRTUAL_ENV"}
        }
        env.update(
            PYTHONNOUSERSITE="1",
            MPLBACKEND="Agg",
            VIRTUAL_ENV=str(self.root),
            PATH=str(self.bin) + os.pathsep + env.get("PATH", ""),
        )
        return env


@pytest.fixture(scope="module")
def fresh(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> FreshEnv:
    root = tmp_path_factory.mktemp("fresh") / "venv"
    assert not root.resolve().is_relative_to(REPO)
    venv.EnvBuilder(with_pip=False, clear=True).create(root)
    env = FreshEnv(root)
    # pip of the test environment installs into the fresh interpreter: no network, no deps
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(env.python),
            "install",
            "--no-deps",
            "--no-index",
            "--disable-pip-version-check",
            "-q",
            str(wheel),
        ]
    )
    deps = {sysconfig.get_path("purelib"), sysconfig.get_path("platlib")}
    (env.site_packages / "_test_borrowed_deps.pth").write_text(
        "".join(p + "\n" for p in sorted(deps)), encoding="utf-8"
    )
    return env


def _catalog_files(catalog_text: str) -> list[str]:
    return [row["file"] for row in csv.DictReader(io.StringIO(catalog_text))]


def test_wheel_bundles_tables_and_sample(wheel_names: set[str], wheel: Path) -> None:
    assert "retrofit/reference_data/catalog.csv" in wheel_names
    assert "retrofit/samples/example_plant.csv" in wheel_names
    assert "retrofit/columns.csv" in wheel_names  # the glossary every face reads
    with zipfile.ZipFile(wheel) as zf:
        shipped = _catalog_files(zf.read("retrofit/reference_data/catalog.csv").decode("utf-8"))
    in_repo = _catalog_files((REPO / "reference_data" / "catalog.csv").read_text("utf-8"))
    assert shipped == in_repo
    missing = [f for f in shipped if f"retrofit/reference_data/{f}" not in wheel_names]
    assert not missing, f"catalogued tables missing from the wheel: {missing}"
    on_disk = sorted(p.name for p in (REPO / "reference_data").glob("*.csv"))
    assert sorted([*shipped, "catalog.csv"]) == on_disk, (
        "a csv in reference_data/ is not catalogued"
    )


CHECK = textwrap.dedent(
    """
    import sys
    from pathlib import Path

    import retrofit
    from retrofit.core import reference

    venv_root = Path(sys.argv[1]).resolve()
    site_packages = Path(sys.argv[2]).resolve()
    repo = Path(sys.argv[3]).resolve()

    here = Path(retrofit.__file__).resolve()
    assert here.is_relative_to(site_packages), here
    assert not any(Path(p or ".").resolve() == repo for p in sys.path), sys.path
    assert not any("editable" in type(f).__name__.lower() for f in sys.meta_path), sys.meta_path

    data_dir = reference.reference_data_dir().resolve()
    assert data_dir == site_packages / "retrofit" / "reference_data", data_dir
    assert data_dir.is_relative_to(venv_root), data_dir

    tables = reference.list_tables()
    assert len(tables) > 0
    for name in tables["table"]:
        frame = reference.load_table(name)
        assert len(frame) > 0, name

    sample = retrofit.sample_path().resolve()
    assert sample.is_relative_to(site_packages), sample
    result = retrofit.estimate(sample)
    assert len(result.assets) > 0 and len(result.plants) > 0
    saved = result.assets.set_index("asset_id")["energy_saved_kwh"]
    # the sample's ac piles (EV-01) draw more in standby after replacement: kept negative
    assert (saved.drop("EV-01") > 0).all() and saved["EV-01"] < 0
    print("ok", len(tables), len(result.assets))
    """
)


def test_installed_wheel_runs_from_its_own_files(fresh: FreshEnv, tmp_path: Path) -> None:
    proc = _run(
        [str(fresh.python), "-c", CHECK, str(fresh.root), str(fresh.site_packages), str(REPO)],
        cwd=tmp_path,
        env=fresh.env(),
    )
    assert proc.stdout.startswith("ok "), proc.stdout


def test_console_script_version_and_tables(fresh: FreshEnv, tmp_path: Path) -> None:
    import retrofit

    assert fresh.script.is_file()
    version = _run([str(fresh.script), "--version"], cwd=tmp_path, env=fresh.env())
    assert retrofit.__version__ in version.stdout
    tables = _run([str(fresh.script), "tables"], cwd=tmp_path, env=fresh.env())
    catalog = (REPO / "reference_data" / "catalog.csv").read_text("utf-8")
    for row in csv.DictReader(io.StringIO(catalog)):
        assert row["table"] in tables.stdout
