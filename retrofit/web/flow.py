"""The work behind the page, without the web: an uploaded file checked and estimated, a JSON
list of rows checked, a stored result written as report, workbook, JSON and charts.

Each function here is synchronous and CPU-bound; the app runs it in a worker thread. An upload
is written only into a private temporary folder (``tempfile.TemporaryDirectory``: mode 0700,
removed when the function returns, whatever happens), because the readers take a path.
"""

from __future__ import annotations

import dataclasses
import re
import tempfile
import threading
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.exceptions import InventoryError
from ..inventory.reading import Inventory, read_inventory
from ..inventory.workbook import ReadLimits
from ..pipeline import estimate
from ..results import EstimateResult
from ..validation import ValidationReport, validate, validate_records

#: The policy packs the page offers (the bundled ones of ``--policy``)
POLICY_PACKS = ("shanghai-2024", "shanghai-2025", "shenyang-2025", "national")
#: The plant-energy bases the page offers ("" = the inventory's, else the region's default)
PLANT_ENERGY_BASES = ("", "equivalent", "equal_value")
#: Rows above the header a sheet may use (a title row, a merged group-title row) [rows]
SHEET_ROWS_ABOVE_DATA = 5
#: The longest file name kept for display [characters]
MAX_NAME_CHARS = 120

#: matplotlib's pyplot state is global: one figure is drawn at a time
PLOTTING = threading.Lock()


@dataclass(frozen=True)
class Options:
    """What the user chose on the page besides the file.

    Attributes
    ----------
    region : str
        Region of the grid CO2 factor and the 等价值 (table ``regions``).
    year : int or None
        Accounting year (None: this year).
    plant_energy_basis : str
        ``"equivalent"``, ``"equal_value"`` or ``""`` (the inventory's, else the region's).
    policy : tuple of str
        Policy packs to check (none: no subsidies).
    """

    region: str = "national"
    year: int | None = None
    plant_energy_basis: str = ""
    policy: tuple[str, ...] = ()

    def keywords(self) -> dict[str, Any]:
        """The keywords of :func:`retrofit.estimate` and :func:`retrofit.validate`."""
        return {
            "region": self.region,
            "year": self.year,
            "plant_energy_basis": self.plant_energy_basis or None,
            "policy": list(self.policy) or None,
        }


class TooManyRows(Exception):
    """The inventory has more rows than the page takes."""


@dataclass
class Outcome:
    """An upload's outcome: the estimate when the file was valid, else the validation report
    with every problem."""

    report: ValidationReport | None
    result: EstimateResult | None = None
    notes: list[str] = field(default_factory=list)


def display_name(name: str | None) -> str:
    """The uploaded file's name as shown and used in download names: its last path part,
    without control characters, at most :data:`MAX_NAME_CHARS` long ("inventory" if empty)."""
    text = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    text = "".join(c for c in text if unicodedata.category(c)[0] != "C").strip().lstrip(".")
    return text[-MAX_NAME_CHARS:] or "inventory"


def _safe_file_name(name: str) -> str:
    """A name for the private copy: the shown name with anything a file system may refuse
    replaced, the suffix kept (the reader looks at the content first, then the suffix)."""
    return re.sub(r'[/\\:*?"<>|\s]', "_", name) or "inventory"


def check_and_estimate(
    data: bytes, name: str, options: Options, *, max_rows: int, limits: ReadLimits | None = None
) -> Outcome:
    """Read ``data`` (the uploaded file, named ``name``), check it in one pass and, when
    valid, estimate it.

    Raises
    ------
    TooManyRows
        More than ``max_rows`` data rows.
    OptionError, ReferenceDataError
        As :func:`retrofit.estimate`.
    """
    shown = display_name(name)
    limits = limits or ReadLimits()
    limits = dataclasses.replace(limits, max_rows=max_rows + 1 + SHEET_ROWS_ABOVE_DATA)
    with tempfile.TemporaryDirectory(prefix="retrofit-serve-") as folder:
        path = Path(folder) / _safe_file_name(shown)
        path.write_bytes(data)
        try:
            inventory = read_inventory(path, collect=True, limits=limits)
        except InventoryError as error:
            if any(i.type == "limit-exceeded" and "--max-rows" in i.expected for i in error.issues):
                raise TooManyRows from None
            report = validate(path, limits=limits, **options.keywords())  # the file-level issues
            return Outcome(_named(report, shown))
    if inventory.meta.n_rows > max_rows:
        raise TooManyRows
    inventory = _renamed(inventory, shown)
    if not inventory.issues:
        # the estimate runs every check of validate first (pipeline.run_checks) and raises on
        # any problem: a valid file is checked once, and only a file with problems is checked
        # again to list them all
        try:
            return Outcome(None, estimate(inventory, **options.keywords()))
        except InventoryError:
            pass
    return Outcome(validate(inventory, **options.keywords()))


def check_rows(
    rows: Sequence[Mapping[str, Any]], options: Options, *, max_rows: int
) -> ValidationReport:
    """Check rows typed on the page (header → cell text; the first row is row 1 of the table)
    with the same checks and issues as a file (:func:`retrofit.validate_records`).

    Raises
    ------
    TooManyRows
        More than ``max_rows`` rows.
    """
    if len(rows) > max_rows:
        raise TooManyRows
    return validate_records(rows, **options.keywords())


def _renamed(inventory: Inventory, name: str) -> Inventory:
    """The inventory as read from the private copy, named as the user's file (in the
    assumptions, the report and the JSON: never the temporary path)."""
    return dataclasses.replace(inventory, meta=dataclasses.replace(inventory.meta, path=name))


def _named(report: ValidationReport, name: str) -> ValidationReport:
    issues = [dataclasses.replace(issue, file=name) for issue in report.issues]
    return dataclasses.replace(report, issues=issues, file=name)


# -- outputs of a stored result ------------------------------------------------------------


def report_html(result: EstimateResult, lang: str) -> str:
    """The auditor's HTML report (``retrofit report -o x.html``), figures included."""
    from ..report.html import render_html

    with PLOTTING:
        return render_html(result, lang=lang, figure_lang=_figure_language(lang))


def workbook_bytes(result: EstimateResult, lang: str) -> bytes:
    """The audit workbook (``retrofit report -o x.xlsx``): Chinese headers for ``zh``, both
    languages' otherwise, written in a private temporary folder and read back."""
    with tempfile.TemporaryDirectory(prefix="retrofit-serve-") as folder:
        path = Path(folder) / "workbook.xlsx"
        result.to_excel(path, style="audit", lang="zh" if lang == "zh" else None)
        return path.read_bytes()


def json_text(result: EstimateResult) -> str:
    """The result as JSON (``retrofit estimate --format json``)."""
    return result.to_json()


def charts(result: EstimateResult, lang: str) -> list[tuple[str, str]]:
    """The estimate's figures as ``(caption, SVG text)``, as the HTML report draws them (the
    first ten plants' supply curves); none without matplotlib."""
    from .._optional import MissingExtraError

    try:
        from ..plotting.estimate import estimate_figures
        from ..report.html import MAX_PLANT_FIGURES, svg_figure

        with PLOTTING:
            figures = estimate_figures(
                result, lang=_figure_language(lang), max_plants=MAX_PLANT_FIGURES
            )
            return [(caption, svg_figure(ax)) for _stem, caption, ax in figures]
    except MissingExtraError:
        return []


def _figure_language(lang: str) -> str:
    """``lang``, or English when Chinese labels are asked for and no CJK font exists."""
    from .._optional import MissingExtraError

    try:
        from ..plotting.fonts import resolve_language
    except MissingExtraError:
        return lang
    return resolve_language(lang)[0]
