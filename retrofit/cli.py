"""Command-line interface: a thin layer over :func:`retrofit.estimate` and the loaders.

Exit codes (see :data:`EXIT_CODES_HELP`): 0 success, 1 data error (the report names file, row,
column and value), 2 usage error (a bad option), 3 reference-data error (a reference table,
bundled or given with --table, is broken; the message names the table). Library errors map by
type; any other exception is a bug and keeps its traceback.
"""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import click

from ._version import __version__
from .core.exceptions import InventoryError, OptionError, ReferenceDataError, RetrofitError

if TYPE_CHECKING:
    from click._termui_impl import ProgressBar

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"]}
OUTPUT_SUFFIXES = (".csv", ".json", ".xlsx")

#: The exit codes, at the end of `retrofit --help`
EXIT_CODES_HELP = (
    "Exit codes: 0 success; 1 data error (the inventory, plants or goal file: every problem "
    "with file, row, column and value); 2 usage error (a bad option, e.g. an unknown "
    "--region); 3 reference-data error (a reference table, bundled or given with --table, "
    "is broken; the message names the table)."
)


class DataError(click.ClickException):
    """A data problem: exit code 1 with the full report on stderr."""

    exit_code = 1


class ReferenceTableError(click.ClickException):
    """A broken reference table: exit code 3, so scripts tell it from bad data and bad
    options."""

    exit_code = 3


def _data_errors(func):
    """Turn library errors into exit codes by type: :class:`OptionError` 2 (click's usage
    error), :class:`InventoryError` and other data errors 1, :class:`ReferenceDataError` 3.
    Anything else is a bug and keeps its traceback."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except OptionError as error:
            raise click.UsageError(str(error)) from None
        except ReferenceDataError as error:
            raise ReferenceTableError(f"reference data: {error}") from None
        except InventoryError as error:
            total = error.total
            noun = "problem" if total == 1 else "problems"
            raise DataError(f"{total} data {noun} found; nothing was written.\n{error}") from None
        except RetrofitError as error:
            raise DataError(str(error)) from None

    return wrapper


def _reading_limit_options(func):
    """``--max-rows``, ``--max-columns``, ``--max-cell-chars`` and ``--max-unzipped-mb``:
    the command runs within :func:`~retrofit.inventory.files.reading_limits`."""

    @functools.wraps(func)
    def wrapper(*args, max_rows, max_columns, max_cell_chars, max_unzipped_mb, **kwargs):
        from .inventory.files import reading_limits
        from .inventory.workbook import ReadLimits

        limits = ReadLimits(
            max_rows=max_rows,
            max_columns=max_columns,
            max_cell_chars=max_cell_chars,
            max_unzipped_mb=max_unzipped_mb,
        )
        with reading_limits(limits):
            return func(*args, **kwargs)

    from .inventory.workbook import DEFAULT_LIMITS as LIMITS

    options = [
        click.option(
            "--max-rows",
            type=click.IntRange(1),
            default=LIMITS.max_rows,
            show_default=True,
            help="Most rows an Excel sheet may use (a sheet is read whole; a larger "
            "inventory reads in chunks as CSV).",
        ),
        click.option(
            "--max-columns",
            type=click.IntRange(1),
            default=LIMITS.max_columns,
            show_default=True,
            help="Most columns an Excel sheet may use.",
        ),
        click.option(
            "--max-cell-chars",
            type=click.IntRange(1),
            default=LIMITS.max_cell_chars,
            show_default=True,
            help="Longest cell text in a sheet or CSV [characters].",
        ),
        click.option(
            "--max-unzipped-mb",
            type=click.FloatRange(0, min_open=True),
            default=LIMITS.max_unzipped_mb,
            show_default=True,
            help="Most an .xlsx workbook may unpack to [MiB] (a zip bomb is refused before "
            "it is unpacked).",
        ),
    ]
    for option in reversed(options):
        wrapper = option(wrapper)
    return wrapper


def input_options(func):
    func = _reading_limit_options(func)
    func = click.option(
        "--encoding",
        default=None,
        help="CSV encoding (default: detect UTF-8, UTF-8 with BOM or GB18030; "
        "e.g. gbk, gb18030, utf-8-sig).",
    )(func)
    func = click.option(
        "--sheet",
        default=None,
        help="Excel sheet name or 0-based index (default: the first visible sheet).",
    )(func)
    func = click.option(
        "--max-errors",
        default=200,
        show_default=True,
        type=click.IntRange(1),
        help="Most data problems to list.",
    )(func)
    return func


def _sheet(value: str | None):
    return int(value) if value is not None and value.isdigit() else value


def _parse_tables(values: tuple[str, ...]) -> dict[str, str]:
    tables = {}
    for item in values:
        name, sep, path = item.partition("=")
        if not sep or not name or not path:
            raise click.BadParameter(f"'{item}' — expected NAME=PATH", param_hint="--table")
        tables[name] = path
    return tables


def money_options(func):
    """Discount rate, policy packs and run-wide eligibility values (estimate, incentives)."""
    options = [
        click.option(
            "--discount-rate",
            type=float,
            default=None,
            help="Real discount rate [fraction/yr] for NPV, IRR and the cost of saved "
            "energy (default: table finance_parameters, the social discount rate of "
            "建设项目经济评价方法与参数 第三版).",
        ),
        click.option(
            "--policy",
            default=None,
            metavar="PACK[,PACK]",
            help="Policy packs to check: shanghai-2024 (355号), shanghai-2025 (per-kW "
            "equipment support), shenyang-2025, national, or a CSV of your own.",
        ),
        click.option(
            "--financing",
            default=None,
            metavar="loan|lease|own",
            help="Financing of projects that give none (银行贷款/融资租赁/自有资金).",
        ),
        click.option(
            "--loan-rate",
            type=float,
            default=None,
            help="Loan interest rate [fraction/yr] for projects that give none.",
        ),
        click.option(
            "--loan-term-years",
            type=float,
            default=None,
            help="Loan term [yr] for projects that give none (blank: interest only).",
        ),
        click.option(
            "--eit-payable",
            "eit_payable_cny",
            type=float,
            default=None,
            help="Enterprise income tax payable [CNY/yr] (the tax position) for "
            "plants that give none.",
        ),
        click.option(
            "--eit-rate",
            type=float,
            default=None,
            help="Enterprise income tax rate [fraction] (default: table "
            "finance_parameters, the statutory rate).",
        ),
        click.option(
            "--designation",
            "designations",
            multiple=True,
            type=click.Choice(
                [
                    "particularly-major",
                    "energy-management-centre",
                    "shenyang-point",
                    "shenyang-line",
                    "shenyang-face",
                    "chain-leader",
                    "renewal-project-list",
                    "relending-loan",
                ]
            ),
            help="Project designations for projects that give none (repeatable).",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _eligibility(
    financing, loan_rate, loan_term_years, eit_payable_cny, eit_rate, designations
) -> dict[str, object]:
    values: dict[str, object] = {
        "financing": financing,
        "loan_rate": loan_rate,
        "loan_term_years": loan_term_years,
        "eit_payable_cny": eit_payable_cny,
        "eit_rate": eit_rate,
    }
    for name in designations:
        if name.startswith("shenyang-"):
            values["shenyang_tier"] = name.removeprefix("shenyang-")
        else:
            values[name.replace("-", "_")] = "yes"
    return values


@click.group(context_settings=CONTEXT_SETTINGS, epilog=EXIT_CODES_HELP)
@click.version_option(__version__, prog_name="retrofit")
def cli() -> None:
    """Estimate energy, standard coal (tce), CO2 and money saved by retrofitting equipment."""


def check_options(func):
    """The options of an estimate that change what is checked (estimate, validate, …)."""
    options = [
        click.option(
            "--plants",
            type=click.Path(exists=True, dir_okay=False),
            help="Plant table: plant_id, plant_energy_tce, name, region.",
        ),
        click.option(
            "--basis",
            type=click.Choice(["equivalent", "equal-value"]),
            default="equivalent",
            show_default=True,
            help="tce basis of the headline coal_saved_tce: equivalent (当量值) or "
            "equal-value (等价值). Both are always in the output.",
        ),
        click.option(
            "--plant-energy-basis",
            type=click.Choice(["equivalent", "equal-value"]),
            default=None,
            help="Basis of the plants' previous-year energy (上年综合能耗口径) where the "
            "inventory or plants file gives none: equivalent (当量值) or equal-value (等价值). "
            "The 百一 share uses savings on this basis (default: the region's, table "
            "plant_energy_basis_defaults, reported as assumed).",
        ),
        click.option(
            "--region",
            default="national",
            show_default=True,
            help="Grid CO2 factor and 等价值 region (see `retrofit show-table regions`); it "
            "also picks the default goal pack and tariff table (`retrofit show-table "
            "region_defaults`).",
        ),
        click.option(
            "--goals",
            default=None,
            metavar="PACK|FILE",
            help="Goal pack for the 百一 check, goal progress and data-centre PUE rules: a "
            "bundled one (shanghai-2024, liaocheng-2024, shenyang-2025) or your own goal CSV "
            "(default: the region's pack).",
        ),
        click.option(
            "--year",
            type=click.IntRange(2000, 2100),
            default=None,
            help="Accounting year of the savings (default: this year); 等价值 uses "
            "year − 1; rows without in_service_date meet the policy windows on "
            "1 January of it.",
        ),
        click.option(
            "--equal-value-factor",
            type=float,
            default=None,
            help="Override the 等价值 factor [kgce/kWh], e.g. 0.3.",
        ),
        click.option(
            "--table",
            "table_files",
            multiple=True,
            metavar="NAME=PATH",
            help="Use your own file for a reference table (result marked non-standard).",
        ),
        click.option(
            "--strict", is_flag=True, help="Treat every default for a blank cell as an error."
        ),
        click.option(
            "--tariff",
            default=None,
            metavar="CLASS",
            help="Time-of-use tariff class (of the region's tariff table) for rows without "
            "tariff_class: "
            "large_industry_two_part (大工业两部制), general_two_part, single_part; "
            "prices are then read as flat-period (平段) prices.",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return input_options(money_options(func))


def estimate_options(func):
    """The options of an estimate, shared by estimate, incentives and report."""
    options = [
        click.option(
            "--uncertainty",
            "draws",
            type=click.IntRange(1),
            default=None,
            metavar="N",
            help="Monte Carlo draws: P10/P50/P90 of savings per plant "
            "and in all, the probability of meeting 百一, a tornado of the inputs "
            "(distributions: table uncertainty_distributions).",
        ),
        click.option(
            "--seed",
            type=int,
            default=0,
            show_default=True,
            help="Seed of the Monte Carlo (same seed and N, same numbers).",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return check_options(func)


@cli.command()
@click.argument("path", type=click.Path(dir_okay=False))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
    help="What to print on stdout.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    help="Write the result: .csv (assets), .json (everything) or .xlsx (all sheets).",
)
@click.option(
    "--lang",
    type=click.Choice(["en", "zh"]),
    default="en",
    show_default=True,
    help="Language of the terminal table and the plots.",
)
@click.option(
    "--plots",
    "plots_dir",
    type=click.Path(file_okay=False),
    help="Folder for the conservation supply curves and, with --uncertainty, the "
    "tornado (PNG and SVG).",
)
@estimate_options
@_data_errors
def estimate(path, fmt, output, lang, plots_dir, **options):
    """Estimate savings for the inventory at PATH (CSV or XLSX)."""
    if output is not None and Path(output).suffix.lower() not in OUTPUT_SUFFIXES:
        raise click.BadParameter(
            f"'{output}' — expected a file ending in .csv, .json or .xlsx", param_hint="-o/--output"
        )
    if plots_dir is not None:
        _require_plots()  # before the estimate, not after it
    result = _run_estimate(path, **options)
    from .report.terminal import render_table

    _write(result, output, f"{len(result.assets)} asset rows, {len(result.plants)} plants")
    if plots_dir is not None:
        from .plotting.estimate import write_supply_curves

        _write_plots(write_supply_curves, result, plots_dir, lang)
    _print(result, fmt, output, result.assets, lambda: render_table(result, lang=lang))


@cli.command()
@click.argument("path", type=click.Path(dir_okay=False))
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False),
    help="report.html (one self-contained page, prints on A4) or report.xlsx (the "
    "auditor's workbook with formulas).",
)
@click.option(
    "--lang",
    type=click.Choice(["en", "zh"]),
    default="en",
    show_default=True,
    help="Language of the report.",
)
@estimate_options
@_data_errors
def report(path, output, lang, **options):
    """Write the auditor's report for the inventory at PATH: HTML or Excel."""
    suffix = Path(output).suffix.lower()
    if suffix not in (".html", ".htm", ".xlsx"):
        raise click.BadParameter(
            f"'{output}' — expected a file ending in .html or .xlsx", param_hint="-o/--output"
        )
    result = _run_estimate(path, **options)
    if suffix == ".xlsx":
        from .io.workbook import write_workbook

        write_workbook(result, output, style="audit")
    else:
        from ._optional import MissingExtraError
        from .report.html import write_html

        try:
            from .plotting.fonts import resolve_language

            used, message = resolve_language(lang)  # figures need a CJK font for zh labels
        except MissingExtraError as error:  # the page says so where the figures would be
            used, message = lang, f"{error}; the report has no figures"
        if message:
            click.echo(message, err=True)
        write_html(result, output, lang=lang, figure_lang=used)
    click.echo(
        f"wrote {output}: {len(result.assets)} asset rows, {len(result.plants)} plants", err=True
    )


def _require_plots() -> None:
    """``--plots`` needs matplotlib, the [plots] extra: fail early, naming it (exit 1)."""
    from ._optional import MissingExtraError, require_plots

    try:
        require_plots()
    except MissingExtraError as error:
        raise click.ClickException(str(error)) from None


def _write_plots(writer, result, plots_dir: str, lang: str) -> None:
    """Write a result's figures with ``writer`` and say what was written (and any font
    fallback) on stderr."""
    written, message = writer(result, plots_dir, lang=lang)
    if message:
        click.echo(message, err=True)
    click.echo(f"wrote {len(written)} figures to {plots_dir}", err=True)


def _run_estimate(
    path,
    *,
    plants=None,
    basis="equivalent",
    plant_energy_basis=None,
    region="national",
    year=None,
    equal_value_factor=None,
    table_files=(),
    strict=False,
    tariff=None,
    goals=None,
    discount_rate=None,
    policy=None,
    financing=None,
    loan_rate=None,
    loan_term_years=None,
    eit_payable_cny=None,
    eit_rate=None,
    designations=(),
    draws=None,
    seed=0,
    encoding=None,
    sheet=None,
    max_errors=200,
):
    """Run :func:`retrofit.estimate` with the CLI's options (errors map in :func:`_data_errors`)."""
    from .pipeline import estimate as run

    if not Path(path).is_file():
        raise DataError(f"{path}: file not found")
    eligibility = _eligibility(
        financing, loan_rate, loan_term_years, eit_payable_cny, eit_rate, designations
    )
    return run(
        path,
        plants=plants,
        basis=basis.replace("-", "_"),
        plant_energy_basis=plant_energy_basis,
        region=region,
        year=year,
        equal_value_factor_kgce_per_kwh=equal_value_factor,
        tables=_parse_tables(table_files),
        strict=strict,
        encoding=encoding,
        sheet=_sheet(sheet),
        max_errors=max_errors,
        tariff=tariff,
        discount_rate=discount_rate,
        policy=policy,
        eligibility=eligibility,
        uncertainty=draws,
        seed=seed,
        goals=goals,
    )


@cli.command()
@click.argument("path", type=click.Path(dir_okay=False))
@click.option(
    "--all",
    "show_all",
    is_flag=True,
    help="One line per rule that did not apply, with the value that failed "
    "(default: the rules grouped by reason).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
    help="What to print on stdout (csv: the listing).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    help="Write the result: .csv (the listing), .json or .xlsx (everything).",
)
@click.option(
    "--lang",
    type=click.Choice(["en", "zh"]),
    default="en",
    show_default=True,
    help="Language of the terminal report.",
)
@estimate_options
@_data_errors
def incentives(path, show_all, fmt, output, lang, **options):
    """List, per project, the subsidy and tax rules that may apply, why, and how much."""
    if options["policy"] is None:
        raise click.UsageError("give --policy, e.g. --policy shanghai-2024,national")
    if output is not None and Path(output).suffix.lower() not in OUTPUT_SUFFIXES:
        raise click.BadParameter(
            f"'{output}' — expected a file ending in .csv, .json or .xlsx", param_hint="-o/--output"
        )
    result = _run_estimate(path, **options)
    from .report.terminal import render_incentives

    if output is not None:
        if Path(output).suffix.lower() == ".csv":
            from .io.atomic import atomic_write
            from .io.csv import write_csv

            atomic_write(output, lambda tmp: write_csv(result.incentives, tmp))
            click.echo(f"wrote {output}: {len(result.incentives)} rule checks", err=True)
        else:
            _write(result, output, f"{len(result.projects)} projects")
    _print(
        result,
        fmt,
        output,
        result.incentives,
        lambda: render_incentives(result, lang=lang, show_all=show_all),
    )


def _write(result, output: str | None, what: str) -> None:
    """Write ``-o`` by its suffix (``to_csv``, ``to_json`` or ``to_excel``, all atomic)."""
    if output is not None:
        suffix = Path(output).suffix.lower()
        {".csv": result.to_csv, ".json": result.to_json, ".xlsx": result.to_excel}[suffix](output)
        click.echo(f"wrote {output}: {what}", err=True)


def _print(result, fmt: str, output: str | None, csv_frame, render) -> None:
    """``--format``: JSON, the CSV table, or the terminal report (not when -o writes to a
    pipe)."""
    if fmt == "json":
        click.echo(result.to_json())
    elif fmt == "csv":
        click.echo(csv_frame.to_csv(index=False), nl=False)
    elif output is None or sys.stdout.isatty():
        click.echo(render())


class _ProgressBar:
    """Feeds ``progress(done, total, label)`` calls to a :func:`click.progressbar` on stderr,
    drawn only when stderr is a terminal (a pipe or a log file gets nothing). The bar starts
    at the first call, when the number of files is known."""

    def __init__(self, stream: TextIO | None = None):
        self.stream = stream or sys.stderr
        self.bar: ProgressBar[str] | None = None

    def __call__(self, done: int, total: int, label: str) -> None:
        if self.bar is None:
            self.bar = click.progressbar(
                length=total,
                file=self.stream,
                hidden=not self.stream.isatty(),
                show_pos=True,
                show_eta=False,
                width=30,
                item_show_func=lambda item: (item or "")[:40],
                update_min_steps=0,  # the label changes within a file, so redraw on every call
            )
            self.bar.__enter__()
        self.bar.update(done - self.bar.pos, label)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option(
    "--plants",
    type=click.Path(exists=True, dir_okay=False),
    help="Plants file: plant_id, name, district, industry, region and energy use by "
    "year (energy_tce_2023 … or 2023年综合能耗 …).",
)
@click.option(
    "--goals",
    "goal_pack",
    default=None,
    metavar="PACK|FILE",
    help="Goal pack: a bundled one (shanghai-2024, "
    "liaocheng-2024, shenyang-2025) or your own goal CSV (default: the region's pack, "
    "shanghai-2024 for national).",
)
@click.option(
    "--basis",
    type=click.Choice(["equivalent", "equal-value"]),
    default="equivalent",
    show_default=True,
    help="tce basis of the headline figures (当量值 or 等价值).",
)
@click.option(
    "--plant-energy-basis",
    type=click.Choice(["equivalent", "equal-value"]),
    default=None,
    help="Basis of the plants' energy (上年综合能耗口径) where the plants file gives none: "
    "equivalent (当量值) or equal-value (等价值); the 百一 shares use savings on it "
    "(default: the region's, table plant_energy_basis_defaults).",
)
@click.option(
    "--region", default="national", show_default=True, help="Grid CO2 factor and 等价值 region."
)
@click.option(
    "--year",
    type=click.IntRange(2000, 2100),
    default=None,
    help="As-of year (default: this year): progress to date counts measures in "
    "service by its end; rows without in_service_date enter service on 1 January.",
)
@click.option(
    "--tariff",
    default=None,
    metavar="CLASS",
    help="Time-of-use tariff class (of the region's tariff table) for rows without tariff_class.",
)
@click.option(
    "--table",
    "table_files",
    multiple=True,
    metavar="NAME=PATH",
    help="Use your own file for a reference table (result marked non-standard).",
)
@click.option("--strict", is_flag=True, help="Treat every default for a blank cell as an error.")
@click.option(
    "--keep-going",
    is_flag=True,
    help="Report files that fail validation and go on with the others (exit code "
    "is still 1); without it nothing is written when any file fails.",
)
@click.option(
    "--chunk-rows",
    default=250_000,
    show_default=True,
    type=click.IntRange(1000),
    help="Rows of a big CSV or Parquet file estimated at a time (bounds memory).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
    help="What to print on stdout (csv: the plants table).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    help="Write the result: .csv (plants), .json (everything) or .xlsx (all tables).",
)
@click.option(
    "--plots",
    "plots_dir",
    type=click.Path(file_okay=False),
    help="Folder for the figures (PNG and SVG).",
)
@click.option(
    "--lang",
    type=click.Choice(["en", "zh"]),
    default="en",
    show_default=True,
    help="Language of the terminal report and the plot labels.",
)
@input_options
@_data_errors
def portfolio(
    paths,
    plants,
    goal_pack,
    basis,
    plant_energy_basis,
    region,
    year,
    tariff,
    table_files,
    strict,
    keep_going,
    chunk_rows,
    fmt,
    output,
    plots_dir,
    lang,
    encoding,
    sheet,
    max_errors,
):
    """Estimate many inventories (files, folders, big files) against a goal pack."""
    from .portfolio.runner import portfolio as run

    if output is not None and Path(output).suffix.lower() not in OUTPUT_SUFFIXES:
        raise click.BadParameter(
            f"'{output}' — expected a file ending in .csv, .json or .xlsx", param_hint="-o/--output"
        )
    if plots_dir is not None:
        _require_plots()
    bar = _ProgressBar()
    try:
        result = run(
            list(paths),
            plants=plants,
            goals=goal_pack,
            basis=basis.replace("-", "_"),
            plant_energy_basis=plant_energy_basis,
            region=region,
            year=year,
            tariff=tariff,
            tables=_parse_tables(table_files),
            strict=strict,
            encoding=encoding,
            sheet=_sheet(sheet),
            max_errors=max_errors,
            keep_going=keep_going,
            chunk_rows=chunk_rows,
            progress=bar,
        )
    finally:
        bar.close()
    from .report.terminal import render_portfolio

    _write(result, output, f"{len(result.plants)} plants")
    if plots_dir is not None:
        from .plotting.portfolio import write_portfolio_figures

        _write_plots(write_portfolio_figures, result, plots_dir, lang)
    _print(result, fmt, output, result.plants, lambda: render_portfolio(result, lang=lang))
    failed = result.files[result.files["status"] != "ok"]
    if len(failed):
        lines = [
            (
                f"{len(failed)} of {len(result.files)} files failed validation and are not "
                "in the result:"
            )
        ]
        lines += [
            f"{path}: {problem}"
            for path, problems in result.assumptions["failed_files"].items()
            for problem in problems
        ]
        raise DataError("\n".join(lines))


@cli.command()
@click.argument("path", type=click.Path(dir_okay=False))
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@check_options
@_data_errors
def validate(path, fmt, **options):
    """Check the inventory at PATH in one pass and list every problem; exit 1 if there is any.

    Every check of an estimate runs (cells, defaults with --strict, each measure's tables
    and bounds, metered readings, prices, finance, --policy incentives, --plants), so one
    run lists every problem. Also shown: how each header was read, the headers carried
    through unread, and the defaults an estimate would use.
    """
    report = _run_validate(path, **options)
    if fmt == "json":
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        from .report.terminal import render_validation

        if report.valid:
            click.echo(f"{path}: valid — {report.rows} rows, encoding {report.encoding}")
        else:
            noun = "problem" if report.total == 1 else "problems"
            click.echo(f"{path}: {report.total} {noun}", err=True)
            click.echo(str(InventoryError(report.issues, report.total)), err=True)
        click.echo(render_validation(report), nl=False)
    if not report.valid:
        sys.exit(1)


def _run_validate(path, *, strict=False, table_files=(), max_errors=200, **options):
    """Run :func:`retrofit.validate` (errors map to exit codes in :func:`_data_errors`)."""
    from .validation import validate as run

    if not Path(path).is_file():
        raise DataError(f"{path}: file not found")
    eligibility = _eligibility(
        options["financing"],
        options["loan_rate"],
        options["loan_term_years"],
        options["eit_payable_cny"],
        options["eit_rate"],
        options["designations"],
    )
    return run(
        path,
        plants=options["plants"],
        tables=_parse_tables(table_files),
        strict=strict,
        encoding=options["encoding"],
        sheet=_sheet(options["sheet"]),
        tariff=options["tariff"],
        policy=options["policy"],
        eligibility=eligibility,
        year=options["year"],
        region=options["region"],
        basis=options["basis"].replace("-", "_"),
        plant_energy_basis=options["plant_energy_basis"],
        equal_value_factor_kgce_per_kwh=options["equal_value_factor"],
        discount_rate=options["discount_rate"],
        max_errors=max_errors,
        goals=options["goals"],
    )


@cli.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
)
def tables(fmt):
    """List the bundled reference tables with their sources."""
    from .core.reference import list_tables

    frame = list_tables()
    if fmt == "csv":
        click.echo(frame.to_csv(index=False), nl=False)
    elif fmt == "json":
        click.echo(frame.to_json(orient="records", force_ascii=False, indent=2))
    else:
        for row in frame.itertuples(index=False):
            click.echo(
                f"{row.table}  [{row.confidence}]  {row.title}\n    source: {row.citation}"
                f"\n    edition: {row.edition}; file: {row.file}"
            )


@cli.command("show-table")
@click.argument("name")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "csv"]), default="table", show_default=True
)
@_data_errors
def show_table(name, fmt):
    """Print one reference table (all rows, with source and confidence)."""
    from .core.reference import load_table

    frame = load_table(name)
    if fmt == "csv":
        click.echo(frame.to_csv(index=False), nl=False)
    else:
        import pandas as pd

        with pd.option_context(
            "display.max_rows",
            None,
            "display.max_columns",
            None,
            "display.width",
            200,
            "display.max_colwidth",
            60,
        ):
            click.echo(frame.to_string(index=False))


@cli.command()
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False),
    help="Template file: .csv or .xlsx (with a sheet explaining every column).",
)
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True)
def template(output, lang):
    """Write a blank inventory to fill in."""
    from .inventory.template import write_template

    try:
        write_template(output, lang=lang)
    except OptionError as error:  # the only option it can refuse is the file's suffix
        raise click.BadParameter(str(error), param_hint="-o/--output") from None
    click.echo(f"wrote {output}", err=True)


def main() -> None:  # pragma: no cover - console entry
    cli()
