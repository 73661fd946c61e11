"""Many plants at once: :func:`portfolio` estimates files, folders and big files read in chunks
(memory bounded by the chunk, not the inventory), pools small files into one estimate, names
the file of every problem (assets or files given twice included), and builds the analyst's
tables (:mod:`retrofit.portfolio.tables`) from the sums of the files that passed.
"""

from __future__ import annotations

import datetime as _dt
import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..core.caveats import Caveat
from ..core.exceptions import InventoryError, InventoryIssue, OptionError
from ..core.reference import Tables, plant_energy_basis_default
from ..inventory import schema
from ..inventory.files import current_limits
from ..inventory.headers import check_named_headers, split_renames, typed_headers
from ..inventory.plants import read_plants
from ..inventory.reading import Inventory
from ..inventory.workbook import ReadLimits
from ..io.json import records
from ..results import EstimateResult
from .goals import load_goal_pack, region_goal_pack
from .tables import PortfolioResult, build, combine, summarise

#: Inventory files a folder may hold
INPUT_SUFFIXES = (".csv", ".xlsx", ".xlsm", ".parquet")


# --- stage 1 over files ------------------------------------------------------------------------


def expand_inputs(paths: Iterable[str | Path], *, exclude: Iterable[str | Path] = ()) -> list[Path]:
    """Files named, and the inventory files of folders named (recursively, sorted, hidden
    files and ``exclude`` skipped)."""
    skip = {Path(p).resolve() for p in exclude}
    found: list[Path] = []
    for item in paths:
        p = Path(item)
        if p.is_dir():
            found.extend(
                sorted(
                    f
                    for f in p.rglob("*")
                    if f.is_file()
                    and f.suffix.lower() in INPUT_SUFFIXES
                    and not any(part.startswith(".") for part in f.relative_to(p).parts)
                    and f.resolve() not in skip
                )
            )
        elif p.is_file():
            found.append(p)
        else:
            raise InventoryError(
                [InventoryIssue("empty-file", str(p), None, None, None, "file or folder not found")]
            )
    return found


@dataclass
class _FileRun:
    path: str
    parts: list[pd.DataFrame] = field(default_factory=list)
    keys: list[pd.DataFrame] = field(default_factory=list)
    issues: list[InventoryIssue] = field(default_factory=list)
    total_issues: int = 0
    rows: int = 0
    sha256: str = ""
    encoding: str | None = None
    file_format: str = ""

    @property
    def ok(self) -> bool:
        return self.total_issues == 0


def portfolio(
    paths: str | Path | Sequence[str | Path],
    *,
    plants: str | Path | pd.DataFrame | None = None,
    goals: str | Path | None = None,
    basis: str = "equivalent",
    plant_energy_basis: str | None = None,
    region: str = "national",
    year: int | None = None,
    tariff: str | None = None,
    tables: Mapping[str, str | Path] | None = None,
    strict: bool = False,
    encoding: str | None = None,
    sheet: str | int | None = None,
    max_errors: int = 200,
    keep_going: bool = False,
    chunk_rows: int = 250_000,
    progress: Callable[[int, int, str], None] | None = None,
    rename: Mapping[str, str] | None = None,
    passthrough: Sequence[str] = (),
    limits: ReadLimits | None = None,
) -> PortfolioResult:
    """Estimate many inventories and report them against a goal pack.

    Parameters
    ----------
    paths : path or sequence of paths
        Inventory files (CSV, XLSX, Parquet) and folders of them. A big file is read in chunks
        of ``chunk_rows`` rows, so memory follows the chunk, not the file.
    plants : path or DataFrame, optional
        Plants file: plant_id, name, district, industry, region, energy by year
        (``energy_tce_2023`` …, ``2023年综合能耗``) or ``plant_energy_tce``.
    goals : str or path, optional
        A bundled goal pack (``shanghai-2024``) or a goal CSV (see :mod:`retrofit.portfolio.goals`);
        default: the region's pack (table ``region_defaults``).
    year : int, optional
        The as-of year (default: this year): progress to date counts measures in service by
        its end, and the estimate's accounting year (等价值 of year − 1).
    plant_energy_basis : {"equivalent", "equal_value"}, optional
        Basis of the plants' energy where the plants file gives none (its
        ``plant_energy_basis`` wins); default: the region's (table
        ``plant_energy_basis_defaults``). The 百一 shares divide savings on that basis.
    keep_going : bool
        When a file fails validation, report it and go on with the others; otherwise raise
        with every problem of every failing file.
    progress : callable, optional
        Called as ``progress(done, total, label)`` after each file or chunk.
    rename : mapping, optional
        Header as typed → column, in every file that has the header: an inventory column
        for the inventories, a plants-file column (``plant_energy_tce``, ``name`` …) for the
        plants file, e.g. ``{"运行时数": "operating_hours_h", "能耗总量": "plant_energy_tce"}``.
        A header named here or in ``passthrough`` must be in at least one file.
    passthrough : sequence of str, optional
        Headers carried through unread in every file that has them (no "looks like" error).
    limits : ReadLimits, optional
        What each inventory and the plants file may hold
        (:class:`~retrofit.inventory.workbook.ReadLimits`); default: those of an enclosing
        :func:`~retrofit.inventory.files.reading_limits` block when this is called, else the
        defaults. They are passed to every read explicitly.

    Other parameters are those of :func:`retrofit.estimate`.

    Raises
    ------
    InventoryError
        Without ``keep_going``: every problem of every failing file, and assets listed twice
        across files; with it, only when no file could be used.
    """
    from ..inventory.streaming import iter_inventory
    from ..pipeline import estimate

    as_of = int(year) if year is not None else _dt.date.today().year
    limits = limits if limits is not None else current_limits()
    tabs = Tables(dict(tables or {}))
    if goals is None:
        goals = region_goal_pack(region)
    pack = load_goal_pack(goals, tabs)
    years = list(pack.years)
    plants_path = None if plants is None or isinstance(plants, pd.DataFrame) else str(plants)
    # one path is a list of one, so the messages below name it, not its letters
    named = [paths] if isinstance(paths, str | Path) else list(paths)
    files = expand_inputs(named, exclude=[plants_path] if plants_path else [])
    if not files:
        raise InventoryError(
            [
                InventoryIssue(
                    "empty-file",
                    ", ".join(map(str, named)),
                    None,
                    None,
                    None,
                    f"no inventory files found ({', '.join(INPUT_SUFFIXES)})",
                )
            ]
        )
    inventory_rename, plants_rename = split_renames(rename or {})
    seen_headers: set[str] = set()
    register = None
    if plants is not None:
        register = (
            plants
            if isinstance(plants, pd.DataFrame)
            else read_plants(
                plants,
                encoding=encoding,
                sheet=sheet,
                max_errors=max_errors,
                rename=plants_rename,
                passthrough=passthrough,
                check_named=False,
                limits=limits,
            )
        )
        if "meta" in register.attrs:
            seen_headers |= typed_headers(register.attrs["meta"])
    runs: list[_FileRun] = []
    assumptions: dict[str, Any] = {}
    caveats: dict[str, Caveat] = {}
    run_estimate = functools.partial(
        estimate,
        basis=basis,
        plant_energy_basis=plant_energy_basis,
        region=region,
        year=as_of,
        tables=tables,
        strict=strict,
        max_errors=max_errors,
        tariff=tariff,
        project_tables=False,
        goals=goals,  # the data-centre rules and 百一 of each estimate follow the same pack
    )
    batch: list[tuple[int, Inventory]] = []

    def flush() -> None:
        """Estimate the batched chunks at once (one estimate has a fixed cost of ~0.1 s, so
        small enterprise files are pooled); on an error, each chunk alone, to name its file."""
        nonlocal assumptions
        if not batch:
            return
        results: list[EstimateResult]
        try:
            results = [run_estimate(_pooled(batch))]
        except InventoryError:
            results = []
            for index, chunk in batch:
                try:
                    results.append(run_estimate(chunk))
                except InventoryError as error:
                    runs[index].issues.extend(error.issues)
                    runs[index].total_issues += error.total
        batch.clear()
        for result in results:
            _collect(result, runs, years, as_of)
            # a chunk's estimate sees no plants file: its plant caveats do not apply
            _merge_caveats(caveats, [c for c in result.caveats if not c.code.startswith("plant.")])
            if not assumptions:
                assumptions = {
                    k: v
                    for k, v in result.assumptions.items()
                    if k not in ("input", "bai_yi", "goals")
                }

    for number, path in enumerate(files):
        run = _FileRun(str(path))
        runs.append(run)
        try:
            for chunk in iter_inventory(
                path,
                chunk_rows=chunk_rows,
                encoding=encoding,
                sheet=sheet,
                max_errors=max_errors,
                rename=inventory_rename,
                passthrough=passthrough,
                check_named=False,
                limits=limits,
            ):
                seen_headers |= typed_headers(chunk.meta)
                run.sha256, run.encoding = chunk.meta.sha256, chunk.meta.encoding
                run.file_format = chunk.meta.file_format
                chunk.assets[_FILE] = number
                batch.append((number, chunk))
                if sum(len(c.assets) for _, c in batch) >= chunk_rows:
                    flush()
                if progress is not None:
                    progress(number, len(files), f"{path.name}: {len(chunk.assets):,} rows")
        except InventoryError as error:
            run.issues.extend(error.issues)
            run.total_issues += error.total
        if progress is not None:
            progress(number + 1, len(files), path.name)
    flush()
    if all(r.ok for r in runs):  # a failed file's headers are unknown: it may hold them
        check_named_headers(
            [*(rename or {}), *passthrough],
            seen_headers,
            "no file",
            f" ({len(files)} file(s) read)",
        )
    _check_same_content(runs)
    _check_duplicate_assets(runs, max_errors)
    failed = [r for r in runs if not r.ok]
    if (failed and not keep_going) or len(failed) == len(runs):
        issues = [i for r in failed for i in r.issues]
        raise InventoryError(issues[:max_errors], total=sum(r.total_issues for r in failed))
    good = [r for r in runs if r.ok]
    summary = combine([p for r in good for p in r.parts], years)
    file_table = pd.DataFrame(
        {
            "file": [r.path for r in runs],
            "status": ["ok" if r.ok else "failed" for r in runs],
            "rows": [r.rows for r in runs],
            "problems": [r.total_issues for r in runs],
            "first_problem": [str(r.issues[0]) if r.issues else "" for r in runs],
            "format": [r.file_format for r in runs],
            "encoding": [r.encoding for r in runs],
            "sha256": [r.sha256 for r in runs],
        }
    )
    assumptions["inputs"] = records(file_table)
    assumptions["failed_files"] = {r.path: [str(i) for i in r.issues] for r in failed}
    result = build(
        summary,
        pack=pack,
        basis=basis,
        as_of_year=as_of,
        plants=register,
        plants_file=plants_path,
        files=file_table,
        assumptions=assumptions,
        caveats=[c for c in caveats.values() if not c.code.startswith("plant.energy_basis.")],
        plant_energy_basis=_energy_basis_option(plant_energy_basis),
        energy_basis_default=plant_energy_basis_default(region, tabs),
    )
    result.assumptions["tables"] = {
        n: u.to_dict() for n, u in tabs.used.items()
    } | result.assumptions.get("tables", {})
    if assumptions.get("non_standard_tables"):  # the estimates' mark, on the plants table too
        marked = ",".join(assumptions["non_standard_tables"])
        result.plants.insert(0, "nonstandard_tables", marked)
    return result


def _energy_basis_option(value: str | None) -> str | None:
    """``--plant-energy-basis`` as a canonical basis (当量值, equal-value … accepted)."""
    if value is None:
        return None
    canonical = schema.VALUE_ALIASES["plant_energy_basis"].get(schema.normalise(value))
    if canonical is None:
        raise OptionError(
            f"unknown plant energy basis '{value}'; expected one of equivalent, equal_value "
            "(or 当量值, 等价值)"
        )
    return canonical


#: Internal column: index of the input file of each row, while chunks are pooled
_FILE = "__retrofit_file__"


def _pooled(batch: list[tuple[int, Inventory]]) -> Inventory:
    """Chunks of several files as one inventory for one estimate (pass-through columns are
    dropped; errors are then attributed by re-running each chunk alone)."""
    if len(batch) == 1:
        return batch[0][1]
    known = set(schema.COLUMN_BY_NAME) | {"source_row", _FILE}
    frames = [c.assets[[k for k in c.assets.columns if k in known]] for _, c in batch]
    assets = pd.concat(frames, ignore_index=True)
    meta = replace(
        batch[0][1].meta,
        path=f"{len(batch)} pooled chunks",
        sha256="",
        file_format="pooled",
        header_map={},
        passthrough=[],
        notes=[],
        n_rows=len(assets),
    )
    return Inventory(assets, meta)


def _collect(result: EstimateResult, runs: list[_FileRun], years, as_of: int) -> None:
    """File by file, the sums and asset keys of an estimate of pooled chunks."""
    assets = result.assets
    for index, rows in assets.groupby(_FILE, sort=False).groups.items():
        run = runs[int(index)]
        part = assets.loc[rows]
        run.rows += len(part)
        if run.ok:
            run.parts.append(summarise(part, years=years, default_year=as_of))
            run.keys.append(_asset_keys(part))


def _asset_keys(assets: pd.DataFrame) -> pd.DataFrame:
    """(plant, asset) hash and row of each asset, to find assets listed twice."""
    if "asset_id" not in assets.columns:
        return pd.DataFrame({"key": np.array([], np.uint64)})
    has = assets["asset_id"].notna()
    keys = pd.util.hash_pandas_object(
        assets.loc[has, ["plant_id", "asset_id"]].astype(str), index=False
    ).to_numpy()
    return pd.DataFrame(
        {"key": keys, "row": assets.loc[has, "source_row"].to_numpy(dtype=np.int64)}
    )


def _check_duplicate_assets(runs: list[_FileRun], max_errors: int) -> None:
    """An asset (plant_id, asset_id) listed in two files, or two chunks, would count twice:
    the later listing is an error of its file."""
    frames = [k.assign(run=i) for i, r in enumerate(runs) if r.ok for k in r.keys if len(k)]
    if not frames:
        return
    keys = pd.concat(frames, ignore_index=True)
    dup = keys["key"].duplicated(keep=False)
    if not dup.any():
        return
    seen = keys[dup]
    first = seen.groupby("key").first()
    later = seen[seen["key"].duplicated(keep="first")]
    for row in later.head(max_errors).itertuples(index=False):
        origin = first.loc[row.key]
        run = runs[row.run]
        run.issues.append(
            InventoryIssue(
                "duplicate-id",
                run.path,
                int(row.row),
                "asset_id",
                None,
                f"an asset not listed before: plant and asset id already on row {int(origin.row)} "
                f"of {runs[int(origin.run)].path} (it would be counted twice)",
            )
        )
        run.total_issues += 1
    for run in runs:
        if not run.ok:
            run.parts.clear()


def _check_same_content(runs: list[_FileRun]) -> None:
    seen: dict[str, str] = {}
    for run in runs:
        if run.sha256 and run.sha256 in seen:
            run.issues.insert(
                0,
                InventoryIssue(
                    "duplicate-id",
                    run.path,
                    None,
                    None,
                    None,
                    f"the same content as {seen[run.sha256]}: a file given twice would count twice",
                ),
            )
            run.total_issues += 1
            run.parts.clear()
            run.keys.clear()
        elif run.sha256:
            seen[run.sha256] = run.path


def _merge_caveats(into: dict[str, Caveat], new: Iterable[Caveat]) -> None:
    for c in new:
        if c.code in into:
            old = into[c.code]
            into[c.code] = Caveat(
                old.code, old.message, old.message_zh, old.count + c.count, old.data
            )
        else:
            into[c.code] = c
