"""Command-line interface: a thin layer over :func:`retrofit.estimate` and the loaders.

Exit codes (see :data:`EXIT_CODES_HELP`): 0 success, 1 data error (the report names file, row,
column and value), 2 usage error (a bad option, an unknown encoding, an ``-o`` in a missing or
unwritable folder), 3 reference-data error (a reference table, bundled or given with --table,
is broken; the message names the table), 4 output error (an output could not be written, e.g. a
full disk), 130 interrupted by Ctrl-C (SIGINT), 143 terminated (SIGTERM). Library errors map by
type; any other exception is a bug and keeps its traceback.
"""

from __future__ import annotations

import codecs
import contextlib
import contextvars
import functools
import inspect
import json
import math
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import click

from ._version import __version__
from .core.exceptions import InventoryError, OptionError, ReferenceDataError, RetrofitError
from .io.atomic import Interrupted, remove_stale_temps, signals_interrupt

if TYPE_CHECKING:
    from click._termui_impl import ProgressBar

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"]}
OUTPUT_SUFFIXES = (".csv", ".json", ".xlsx")

#: The exit codes, at the end of `retrofit --help`
EXIT_CODES_HELP = (
    "Exit codes: 0 success; 1 data error (the inventory, plants or goal file: every problem "
    "with file, row, column and value); 2 usage error (a bad option, e.g. an unknown "
    "--region, an unknown --encoding, an -o in a missing or unwritable folder); 3 "
    "reference-data error (a reference table, bundled or given with --table, is broken; the "
    "message names the file, row and column); 4 output error (an output could not be written, "
    "e.g. a full disk; the previous file is left as it was); 130 interrupted (Ctrl-C, SIGINT); "
    "143 terminated (SIGTERM). After 4, 130 and 143 no partial file is left."
)

#: Exit code of an output that could not be written (a full disk, an I/O error)
OUTPUT_ERROR_EXIT = 4


#: The language the running command shows its errors in: its ``--lang`` on the command line,
#: else the command's default (``template`` writes Chinese); set by :class:`RetrofitGroup`.
_ERROR_LANGUAGE: contextvars.ContextVar[str] = contextvars.ContextVar(
    "retrofit_error_language", default="en"
)
#: The command line when it names no language (no ``--lang``, no Chinese default): a usage
#: error then speaks the language of the input file's headers (:func:`_inputs_language`)
_UNSAID_LANGUAGE_ARGV: contextvars.ContextVar[tuple[str, ...] | None] = contextvars.ContextVar(
    "retrofit_unsaid_language_argv", default=None
)
#: Input files whose headers :func:`_inputs_language` reads, and how many bytes of a CSV
_HEADED_SUFFIXES = (".csv", ".txt", ".xlsx")
_HEADER_BYTES = 64 * 1024


class DataError(click.ClickException):
    """A data problem: exit code 1 with the full report on stderr. ``lang`` is the language
    the report was written in (zh when the inventory's headers are Chinese and no ``--lang``
    was given), so that its ``Error:`` prefix matches it."""

    exit_code = 1

    def __init__(self, message: str, lang: str | None = None):
        super().__init__(message)
        self.lang = lang


class ShownInLanguage(click.ClickException):
    """A click error (click's own usage errors included) shown in the run's language through
    click's hooks: in Chinese the ``Usage:`` line is written by the context's formatter with
    the prefix 用法：, the help hint and the ``Error:`` prefix come from ``messages.csv``
    (错误：…), and click's usage messages are translated by its ``click`` rows; in English
    the error shows itself as click writes it."""

    def __init__(self, error: click.ClickException, lang: str):
        super().__init__(error.message)
        self.error = error
        self.lang = lang
        self.exit_code = error.exit_code  # type: ignore[misc]  # the wrapped error's code

    def format_message(self) -> str:
        from .core.messages import click_text

        return click_text(self.error.format_message(), self.lang)

    def show(self, file: TextIO | None = None) -> None:  # type: ignore[override]
        if self.lang != "zh":
            self.error.show(file)
            return
        from .core.messages import text

        ctx = self.error.ctx if isinstance(self.error, click.UsageError) else None
        if ctx is not None:
            formatter = ctx.make_formatter()
            pieces = " ".join(ctx.command.collect_usage_pieces(ctx))
            formatter.write_usage(ctx.command_path, pieces, prefix=text("cli_usage", "zh"))
            hint = ""
            if ctx.command.get_help_option(ctx) is not None:
                option = max(ctx.command.get_help_option_names(ctx), key=len)
                hint = text("cli_help_hint", "zh", command=ctx.command_path, option=option)
            usage = f"{formatter.getvalue().rstrip()}\n{hint}\n"
            click.echo(usage, file=file, err=True, color=ctx.color)
        click.echo(text("cli_error", "zh", message=self.format_message()), file=file, err=True)


def _inputs_language(argv: Sequence[str]) -> str:
    """``"zh"`` when the first inventory file a command line names has mostly Chinese headers
    (the first line of a CSV, the first row of a workbook's first sheet), else ``"en"``; a
    file that cannot be read says nothing (its own error comes later, in its own words)."""
    from .core.messages import language_of_headers

    for token in argv:
        path = Path(token)
        if token.startswith("-") or path.suffix.lower() not in _HEADED_SUFFIXES:
            continue
        try:
            if not path.is_file():
                continue
            if path.suffix.lower() == ".xlsx":
                from openpyxl import load_workbook

                wb = load_workbook(path, read_only=True)
                try:
                    first = next(wb.worksheets[0].iter_rows(max_row=1, values_only=True), ())
                finally:
                    wb.close()
                headers = [str(h) for h in first if h is not None]
            else:
                with path.open("rb") as file:
                    head = file.read(_HEADER_BYTES)
                try:
                    line = head.decode("utf-8-sig").splitlines()[0]
                except UnicodeDecodeError:
                    line = head.decode("gb18030", errors="replace").splitlines()[0]
                headers = line.split(",")
        except Exception:  # noqa: BLE001 - any unreadable file: its own error comes later
            headers = []
        if headers:
            return language_of_headers(headers)
    return "en"


def _in_language(error: click.ClickException) -> click.ClickException:
    """``error`` to be shown in its own language (a :class:`DataError`'s) or the run's."""
    lang = getattr(error, "lang", None) or _ERROR_LANGUAGE.get()
    argv = _UNSAID_LANGUAGE_ARGV.get()
    if lang != "zh" and argv is not None and isinstance(error, click.UsageError):
        lang = _inputs_language(argv)  # an option error, no --lang: the file's headers' language
    if lang != "zh" or isinstance(error, ShownInLanguage):
        return error
    return ShownInLanguage(error, lang)


class ReferenceTableError(click.ClickException):
    """A broken reference table: exit code 3, so scripts tell it from bad data and bad
    options."""

    exit_code = 3


class FiniteFloat(click.ParamType):
    """A number option that must be finite: click's float takes "inf" and "nan", which would
    make a loan rate, a discount rate or a factor (and every saving from it) meaningless."""

    name = "float"

    def convert(self, value, param, ctx):
        number = click.FLOAT.convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number.", param, ctx)
        return number


FINITE_FLOAT = FiniteFloat()


class OutputError(click.ClickException):
    """An output that could not be written (a full disk, an I/O error): exit code 4; the
    atomic writer has left the previous file as it was and no temporary file."""

    exit_code = OUTPUT_ERROR_EXIT


class RetrofitGroup(click.Group):
    """The command group: SIGINT and SIGTERM interrupt a command through the same clean-up
    path (every atomic write removes its temporary file), then exit 128 + the signal's
    number (130, 143) with a one-line message instead of a traceback or click's "Aborted!"."""

    def main(self, args=None, *rest, **kwargs):
        from .core.messages import text

        argv = [str(a) for a in (sys.argv[1:] if args is None else args)]
        language = _ERROR_LANGUAGE.set(self.language_of(argv))
        unsaid = _UNSAID_LANGUAGE_ARGV.set(None if self.names_language(argv) else tuple(argv))
        try:
            with _floating_point_warnings_summarised():
                try:
                    with signals_interrupt():
                        return super().main(args, *rest, **kwargs)
                except Interrupted as interrupt:
                    message = text("cli_interrupted", _ERROR_LANGUAGE.get(), signal=interrupt.name)
                    click.echo(message, err=True)
                    sys.exit(128 + interrupt.signum)
        finally:
            _ERROR_LANGUAGE.reset(language)
            _UNSAID_LANGUAGE_ARGV.reset(unsaid)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except click.ClickException as error:
            raise _in_language(error) from None

    def names_language(self, argv: list[str]) -> bool:
        """True when the command line gives ``--lang en|zh`` or its command writes Chinese
        by default (``template``): its errors then speak that language whatever the file."""
        said = {f"--lang={lang}" for lang in ("en", "zh")}
        pairs = zip(argv, [*argv[1:], ""], strict=True)
        return self.language_of(argv) == "zh" or any(
            token in said or (token == "--lang" and value in ("en", "zh")) for token, value in pairs
        )

    def language_of(self, argv: list[str]) -> str:
        """The language of a command line's errors: its last ``--lang en|zh``, else the
        command's default language (``template``: zh), else English (``--lang auto``
        decides by the headers: :class:`DataError` carries that)."""
        given = None
        for position, token in enumerate(argv):
            if token == "--":
                break
            if token == "--lang" and position + 1 < len(argv):
                given = argv[position + 1]
            elif token.startswith("--lang="):
                given = token.partition("=")[2]
        if given in ("en", "zh"):
            return given
        name = next((token for token in argv if not token.startswith("-")), None)
        command = self.commands.get(name) if name is not None else None
        default = (
            next((p.default for p in command.params if p.name == "lang"), None)
            if (command is not None)
            else None
        )
        return default if default in ("en", "zh") else "en"


@contextlib.contextmanager
def _floating_point_warnings_summarised():
    """numpy's floating-point RuntimeWarnings ("overflow encountered in multiply") become one
    line at the end of the command instead of a source line each on stderr; other warnings
    are shown as usual.

    They come from numbers out of any sensible range reaching the arithmetic (a price of
    1e308, a quantity of 1e19: inventory/cells.py, models/motors.py, money/cost.py); the
    inventory's range checks are the cure, and this line says that the result holds infinite
    or blank values when one slips through, where numpy's text names no input."""
    import warnings

    caught: list[warnings.WarningMessage] = []
    try:
        # the filters stay as they are (an "error" filter still raises); shown ones are kept
        with warnings.catch_warnings(record=True) as recorded:
            try:
                yield
            finally:
                caught = list(recorded)
    finally:
        numeric = [
            w
            for w in caught
            if issubclass(w.category, RuntimeWarning) and "encountered in" in str(w.message)
        ]
        for w in caught:
            if w not in numeric:
                warnings.showwarning(w.message, w.category, w.filename, w.lineno)
        if numeric:
            first = numeric[0]
            where = f"{Path(first.filename).name} line {first.lineno}"
            click.echo(
                f"Warning: {len(numeric)} floating-point overflow or invalid-value "
                f"warning(s) (first: {first.message}, {where}); some results may be "
                "infinite or blank: check the inputs' magnitudes.",
                err=True,
            )


@contextlib.contextmanager
def _writing(output: str | os.PathLike[str]):
    """Where an output is written, an operating-system error (a full disk, a folder removed
    during the run) exits 4 with one line naming the file and the reason."""
    try:
        yield
    except OSError as error:
        reason = error.strerror or str(error) or type(error).__name__
        raise OutputError(f"cannot write {output}: {reason}") from None


def _check_output(output: str | None, param_hint: str = "-o/--output") -> None:
    """Before a run: ``output``'s folder exists and is writable (usage error, exit 2, if
    not), and temporary files that killed runs left beside it are removed and reported."""
    if output is None:
        return
    folder = Path(output).parent
    if not folder.is_dir():
        raise click.BadParameter(
            f"'{output}' — folder '{folder}' does not exist", param_hint=param_hint
        )
    if not os.access(folder, os.W_OK | os.X_OK):
        raise click.BadParameter(
            f"'{output}' — folder '{folder}' is not writable", param_hint=param_hint
        )
    if Path(output).is_dir():
        raise click.BadParameter(f"'{output}' is a folder", param_hint=param_hint)
    for stale in remove_stale_temps(output):
        click.echo(f"removed {stale}, a temporary file an interrupted run left", err=True)


def _check_encoding(ctx, param, value: str | None) -> str | None:
    """``--encoding``: a codec Python knows, or a usage error (exit 2) naming it."""
    if value is not None:
        try:
            codecs.lookup(value)
        except LookupError:
            raise click.BadParameter(
                f"unknown encoding '{value}'; e.g. utf-8, utf-8-sig, gb18030, gbk"
            ) from None
    return value


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
            if _error_language(kwargs.get("lang"), error) == "zh":
                raise DataError(
                    f"发现 {total} 处数据问题，未写出任何文件。\n"
                    + _issues_text(error.issues, total, "zh"),
                    lang="zh",
                ) from None
            noun = "problem" if total == 1 else "problems"
            raise DataError(
                f"{total} data {noun} found; nothing was written.\n"
                + _issues_text(error.issues, total, "en")
            ) from None
        except RetrofitError as error:
            raise DataError(str(error)) from None

    return wrapper


def _error_language(lang: str | None, error: InventoryError) -> str:
    """The language of a command's data problems: its ``--lang`` when given on the command
    line, else zh when most headers the problems name are Chinese."""
    from click.core import ParameterSource

    from .core.messages import language_of_headers

    ctx = click.get_current_context(silent=True)
    given = ctx is not None and ctx.get_parameter_source("lang") == ParameterSource.COMMANDLINE
    if lang in ("en", "zh") and given:
        return lang
    return language_of_headers(i.column or "" for i in error.issues if i.row is not None)


def _issues_text(issues, total: int, lang: str) -> str:
    """The problems, one a line, in ``lang``; a missing column named as a sheet heads it."""
    from .core.messages import issues_text
    from .inventory.headers import column_display_name
    from .inventory.schema import COLUMN_BY_NAME

    labels = {i.column: column_display_name(i.column) for i in issues if i.column}
    labels = {name: label for name, label in labels.items() if name in COLUMN_BY_NAME}
    return issues_text(issues, total, lang, labels)


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
        callback=_check_encoding,
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
    # "²".isdigit() is true but int("²") fails: only ASCII digits are an index
    return int(value) if value is not None and value.isascii() and value.isdigit() else value


def _parse_renames(values: tuple[str, ...]) -> dict[str, str]:
    renames = {}
    for item in values:
        header, sep, column = item.rpartition("=")
        if not sep or not header.strip() or not column.strip():
            raise click.BadParameter(f"'{item}' — expected HEADER=COLUMN", param_hint="--rename")
        renames[header.strip()] = column.strip()
    return renames


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
            type=FINITE_FLOAT,
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
            type=FINITE_FLOAT,
            default=None,
            help="Loan interest rate [fraction/yr] for projects that give none.",
        ),
        click.option(
            "--loan-term-years",
            type=FINITE_FLOAT,
            default=None,
            help="Loan term [yr] for projects that give none (blank: interest only).",
        ),
        click.option(
            "--eit-payable",
            "eit_payable_cny",
            type=FINITE_FLOAT,
            default=None,
            help="Enterprise income tax payable [CNY/yr] (the tax position) for "
            "plants that give none.",
        ),
        click.option(
            "--eit-rate",
            type=FINITE_FLOAT,
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


@click.group(cls=RetrofitGroup, context_settings=CONTEXT_SETTINGS, epilog=EXIT_CODES_HELP)
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
            metavar="equivalent|equal-value|当量值|等价值",
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
            type=FINITE_FLOAT,
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
            "--rename",
            "renames",
            multiple=True,
            metavar="HEADER=COLUMN",
            help="Read a header of the file as a column, e.g. --rename 运行时数=operating_hours_h "
            "(repeatable; a 万元 in the header still scales the values).",
        ),
        click.option(
            "--keep-column",
            "kept_columns",
            multiple=True,
            metavar="HEADER",
            help="Carry a header through unread although it looks like a known column "
            "(repeatable).",
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
            type=click.IntRange(0),
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
    help="Write the result: .csv (assets), .json (everything) or .xlsx (the audit workbook, "
    "as retrofit report writes it: every row's savings are live formulas).",
)
@click.option(
    "--workbook",
    "workbook_style",
    type=click.Choice(["audit", "plain"]),
    default="audit",
    show_default=True,
    help="Style of -o x.xlsx: audit (formatted, formulas) or plain (one header row of column "
    "names and the values only, a data dump like the CSV).",
)
@click.option(
    "--lang",
    type=click.Choice(["en", "zh"]),
    default="en",
    show_default=True,
    help="Language of the terminal table, the plots and the audit workbook's headers.",
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
def estimate(path, fmt, output, workbook_style, lang, plots_dir, **options):
    """Estimate savings for the inventory at PATH (CSV or XLSX)."""
    if output is not None and Path(output).suffix.lower() not in OUTPUT_SUFFIXES:
        raise click.BadParameter(
            f"'{output}' — expected a file ending in .csv, .json or .xlsx", param_hint="-o/--output"
        )
    _check_output(output)
    if plots_dir is not None:
        _require_plots()  # before the estimate, not after it
    result = _run_estimate(path, **options)
    from .report.terminal import render_table

    what = _said("count_assets_plants", assets=len(result.assets), plants=len(result.plants))
    if output is not None and Path(output).suffix.lower() == ".xlsx":
        # the audit workbook, the same as report -o x.xlsx writes (zh: Chinese headers)
        with _writing(output):
            result.to_excel(output, style=workbook_style, lang="zh" if lang == "zh" else None)
        click.echo(_said("wrote_what", path=output, what=what), err=True)
    else:
        _write(result, output, what)
    if plots_dir is not None:
        from .plotting.estimate import write_supply_curves

        _write_plots(write_supply_curves, result, plots_dir, lang)
    _print(result, fmt, output, result.assets, lambda: render_table(result, lang=lang))


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
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
def report(paths, output, lang, **options):
    """Write the auditor's report for the inventory at PATH: HTML or Excel. Over several
    inventories or a folder: the city's portfolio page (HTML), as ``portfolio --report``."""
    suffix = Path(output).suffix.lower()
    if suffix not in (".html", ".htm", ".xlsx"):
        raise click.BadParameter(
            f"'{output}' — expected a file ending in .html or .xlsx", param_hint="-o/--output"
        )
    _check_output(output)
    if len(paths) > 1 or Path(paths[0]).is_dir():
        _report_over_inventories(paths, output, lang, suffix, options)
        return
    path = paths[0]
    result = _run_estimate(path, **options)
    if suffix == ".xlsx":
        # --lang zh: a Chinese workbook (headers and worded cells); else both languages' headers
        with _writing(output):
            result.to_excel(output, style="audit", lang="zh" if lang == "zh" else None)
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
        with _writing(output):
            write_html(result, output, lang=lang, figure_lang=used)
    click.echo(
        _said(
            "wrote_what",
            path=output,
            what=_said("count_assets_plants", assets=len(result.assets), plants=len(result.plants)),
        ),
        err=True,
    )


#: Options of ``report`` that value one inventory's projects: a page over many inventories
#: (the portfolio's) has no projects to apply them to.
_SINGLE_INVENTORY_OPTIONS = (
    "discount_rate",
    "policy",
    "financing",
    "loan_rate",
    "loan_term_years",
    "eit_payable_cny",
    "eit_rate",
    "equal_value_factor",
    "draws",
)


def _report_over_inventories(paths, output: str, lang: str, suffix: str, options) -> None:
    """``report`` over several files or a folder: the portfolio run and its HTML page."""
    from .portfolio.runner import portfolio as run

    if suffix == ".xlsx":
        raise click.BadParameter(
            f"'{output}' — a report over several inventories is an HTML page (.html); the "
            "workbook is per inventory (or use `retrofit portfolio -o plants.csv`)",
            param_hint="-o/--output",
        )
    given = [name for name in _SINGLE_INVENTORY_OPTIONS if options.get(name) not in (None, ())]
    if options.get("designations"):
        given.append("designations")
    if given:
        flags = {p.name: p.opts[0] for p in click.get_current_context().command.params}
        names = ", ".join(flags.get(n, n) for n in given)
        raise click.UsageError(
            f"{names}: for the report of one inventory; the portfolio page has no projects"
        )
    shared = set(inspect.signature(_portfolio_inputs).parameters)
    result = run(list(paths), **_portfolio_inputs(**{k: options[k] for k in shared}))
    _write_portfolio_report(result, output, lang)


def _portfolio_inputs(
    *,
    plants,
    goals,
    basis,
    plant_energy_basis,
    region,
    year,
    tariff,
    table_files,
    strict,
    encoding,
    sheet,
    max_errors,
    renames,
    kept_columns,
) -> dict:
    """The keywords of :func:`retrofit.portfolio.portfolio` from the CLI options that
    ``portfolio`` and ``report`` over several inventories share."""
    return {
        "plants": plants,
        "goals": goals,
        "basis": basis.replace("-", "_"),
        "plant_energy_basis": plant_energy_basis,
        "region": region,
        "year": year,
        "tariff": tariff,
        "tables": _parse_tables(table_files),
        "strict": strict,
        "encoding": encoding,
        "sheet": _sheet(sheet),
        "max_errors": max_errors,
        "rename": _parse_renames(renames),
        "passthrough": list(kept_columns),
    }


def _write_portfolio_report(result, path: str, lang: str) -> None:
    """``portfolio --report``: the HTML page, with figures when matplotlib is installed (the
    page says how to install it otherwise) and in English labels when no CJK font exists."""
    from ._optional import MissingExtraError
    from .report.portfolio_html import write_portfolio_html

    try:
        from .plotting.fonts import resolve_language

        used, message = resolve_language(lang)
    except MissingExtraError as error:
        used, message = lang, f"{error}; the report has no figures"
    if message:
        click.echo(message, err=True)
    with _writing(path):
        write_portfolio_html(result, path, lang=lang, figure_lang=used)
    what = _said("count_plants", plants=len(result.plants))
    click.echo(_said("wrote_what", path=path, what=what), err=True)


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
    with _writing(plots_dir):
        written, message = writer(result, plots_dir, lang=lang)
    if message:
        click.echo(message, err=True)
    click.echo(_said("wrote_figures", n=len(written), folder=plots_dir), err=True)


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
    renames=(),
    kept_columns=(),
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
        rename=_parse_renames(renames),
        passthrough=list(kept_columns),
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
    help="Write the result: .csv (the listing), .json or .xlsx (the audit workbook).",
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
    _check_output(output)
    result = _run_estimate(path, **options)
    from .report.terminal import render_incentives

    if output is not None:
        if Path(output).suffix.lower() == ".csv":
            from .io.atomic import atomic_write
            from .io.csv import write_csv

            with _writing(output):
                atomic_write(output, lambda tmp: write_csv(result.incentives, tmp))
            what = _said("count_rules", n=len(result.incentives))
            click.echo(_said("wrote_what", path=output, what=what), err=True)
        else:
            _write(result, output, _said("count_projects", projects=len(result.projects)))
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
        write = {".csv": result.to_csv, ".json": result.to_json, ".xlsx": result.to_excel}[suffix]
        with _writing(output):
            write(output)
        click.echo(_said("wrote_what", path=output, what=what), err=True)


def _said(key: str, **fields: object) -> str:
    """A line the CLI says on stderr (``wrote x.html: 18 asset rows, 4 plants``) in the run's
    language (:data:`_ERROR_LANGUAGE`: its ``--lang``, or the command's default)."""
    from .core.messages import text

    return text(key, _ERROR_LANGUAGE.get(), **fields)


def _print(result, fmt: str, output: str | None, csv_frame, render) -> None:
    """``--format``: JSON, the CSV table, or the terminal report (not when -o writes to a
    pipe)."""
    if fmt == "json":
        click.echo(result.to_json())
    elif fmt == "csv":  # through the file writer: the same neutralised cells as -o x.csv
        import io

        from .io.csv import write_csv_stream

        buffer = io.BytesIO()
        write_csv_stream(csv_frame, buffer)
        click.echo(buffer.getvalue().decode("utf-8"), nl=False)
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
    metavar="equivalent|equal-value|当量值|等价值",
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
    "--report",
    "report_path",
    type=click.Path(dir_okay=False),
    help="Write the portfolio report: one self-contained HTML page (百一 ranking, goals, "
    "districts and industries; prints on A4).",
)
@click.option(
    "--lang",
    type=click.Choice(["en", "zh"]),
    default="en",
    show_default=True,
    help="Language of the terminal report, the plot labels and --report.",
)
@click.option(
    "--rename",
    "renames",
    multiple=True,
    metavar="HEADER=COLUMN",
    help="Read a header as a column in every file that has it, e.g. --rename "
    "运行时数=operating_hours_h, or a plants-file column: --rename 能耗总量=plant_energy_tce "
    "(repeatable).",
)
@click.option(
    "--keep-column",
    "kept_columns",
    multiple=True,
    metavar="HEADER",
    help="Carry a header through unread although it looks like a known column (repeatable).",
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
    report_path,
    lang,
    renames,
    kept_columns,
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
    _check_output(output)
    if report_path is not None:
        if Path(report_path).suffix.lower() not in (".html", ".htm"):
            raise click.BadParameter(
                f"'{report_path}' — expected a file ending in .html", param_hint="--report"
            )
        _check_output(report_path, param_hint="--report")
    if plots_dir is not None:
        _require_plots()
    bar = _ProgressBar()
    try:
        result = run(
            list(paths),
            **_portfolio_inputs(
                plants=plants,
                goals=goal_pack,
                basis=basis,
                plant_energy_basis=plant_energy_basis,
                region=region,
                year=year,
                tariff=tariff,
                table_files=table_files,
                strict=strict,
                encoding=encoding,
                sheet=sheet,
                max_errors=max_errors,
                renames=renames,
                kept_columns=kept_columns,
            ),
            keep_going=keep_going,
            chunk_rows=chunk_rows,
            progress=bar,
        )
    finally:
        bar.close()
    from .report.terminal import render_portfolio

    _write(result, output, _said("count_plants", plants=len(result.plants)))
    if plots_dir is not None:
        from .plotting.portfolio import write_portfolio_figures

        _write_plots(write_portfolio_figures, result, plots_dir, lang)
    if report_path is not None:
        _write_portfolio_report(result, report_path, lang)
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
@click.option(
    "--lang",
    type=click.Choice(["auto", "en", "zh"]),
    default="auto",
    show_default=True,
    help="Language of the problems: auto is zh when most headers are Chinese.",
)
@check_options
@_data_errors
def validate(path, fmt, lang, **options):
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
        from .core.messages import text
        from .report.terminal import render_validation

        used = report.language if lang == "auto" else lang
        if report.valid:
            # a workbook has no text encoding: name one only for text files
            encoding = text("encoding", used, encoding=report.encoding) if report.encoding else ""
            click.echo(text("valid", used, file=path, rows=report.rows, encoding=encoding))
        else:
            noun = "problem" if report.total == 1 else "problems"
            click.echo(
                text("file_problems", used, file=path, total=report.total, noun=noun), err=True
            )
            click.echo(_issues_text(report.issues, report.total, used), err=True)
        click.echo(render_validation(report, used), nl=False)
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
        rename=_parse_renames(options["renames"]),
        passthrough=list(options["kept_columns"]),
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

    _check_output(output)
    try:
        with _writing(output):
            write_template(output, lang=lang)
    except OptionError as error:  # the only option it can refuse is the file's suffix
        raise click.BadParameter(str(error), param_hint="-o/--output") from None
    click.echo(_said("wrote", path=output), err=True)


#: Hosts that only this computer reaches
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


@cli.command()
@click.option("--port", type=click.IntRange(1, 65535), default=8765, show_default=True)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; another than 127.0.0.1 serves the intranet (no "
    "authentication: a warning is printed).",
)
@click.option(
    "--max-upload-mb",
    type=click.FloatRange(0.001, 1024),
    default=20,
    show_default=True,
    help="Largest upload [MB], counted while it arrives.",
)
@click.option(
    "--max-rows",
    "max_rows",
    type=click.IntRange(1),
    default=10_000,
    show_default=True,
    help="Most data rows of an uploaded inventory.",
)
@click.option(
    "--lang",
    type=click.Choice(["zh", "en"]),
    default="zh",
    show_default=True,
    help="First language.",
)
def serve(port, host, max_upload_mb, max_rows, lang):
    """Start the local web page: download the template, upload an inventory, see every
    problem or the 百一 verdict, savings, subsidies and charts, download the report. Nothing
    leaves this computer; results are forgotten after 15 minutes. Needs the web extra."""
    try:
        import uvicorn

        from .web.app import create_app
    except ImportError as error:
        from .web import WEB_INSTALL

        raise click.UsageError(
            f"the web page needs the web extra ({error.name} is not installed): "
            f"{WEB_INSTALL}, or `make serve` in a clone of the repository"
        ) from None
    app = create_app(
        max_upload_bytes=int(max_upload_mb * 2**20), max_rows=max_rows, lang_default=lang
    )
    if host not in LOOPBACK_HOSTS:
        click.echo(
            f"warning: serving on {host}: anyone on this network can open the page (there is "
            "no authentication); use it on a trusted intranet only",
            err=True,
        )
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"retrofit serve: open http://{shown}:{port}/ (Ctrl-C to stop)", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)


def main() -> None:  # pragma: no cover - console entry
    cli()
