"""Check an inventory in one pass and report every problem, as frictionless' ``validate`` does.

>>> import retrofit
>>> report = retrofit.validate("plant.csv", policy="national")   # doctest: +SKIP
>>> report.valid, len(report.issues)                             # doctest: +SKIP

:func:`validate` runs the checks of :func:`retrofit.estimate` (the same code, in the same
order: :func:`retrofit.pipeline.run_checks`) and returns a :class:`ValidationReport` instead
of raising at the first stage with a problem. It computes only what a check needs: no Monte
Carlo, no project tables, no supply curve, no report.

:func:`validate_records` checks rows typed into a table (the web page's editable table: a
list of dicts keyed by the template's headers, in Chinese or English) with the same code,
returning the same issues a file holding those rows would give, numbered by table row.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import pandas as pd

from .core.caveats import Caveat
from .core.exceptions import InventoryError, InventoryIssue
from .core.issues import in_reading_order, one_per_cell
from .core.messages import LANGUAGES, language_of_headers, with_flag_hints
from .inventory.reading import Inventory, validate_frame
from .inventory.workbook import ReadLimits

if TYPE_CHECKING:  # the measures are imported with the orchestrator, only when used
    from .measures.base import Measure


@dataclass
class ValidationReport:
    """Every problem of an inventory and what an estimate of it would assume.

    Attributes
    ----------
    valid : bool
        True when no check found a problem (an estimate would run).
    issues : list of InventoryIssue
        Every problem, one per cell, sorted by file, row (file-level first), then column in
        the file's order.
    total : int
        How many problems there are (more than ``len(issues)`` only when ``max_errors``
        capped the listing).
    file : str
        The inventory as the user named it.
    rows : int
        Data rows read (0 when the file could not be read as a table).
    encoding : str or None
        The CSV encoding used.
    header_map : dict
        Canonical column → the header as typed in the file.
    unmatched_headers : list of str
        Headers that map to no canonical column; they are carried through unchanged (a
        header among them that resembles a known column is also an issue,
        ``similar-header``, unless the user kept it with ``passthrough``).
    notes : list of str
        What the reader did that a reviewer should know: headers read through table
        header_aliases or ``rename``, 企业名称 also used as plant_id, blank rows dropped …
    language : str
        ``"zh"`` when most of the file's headers are Chinese, else ``"en"``: the language the
        CLI writes the problems in unless ``--lang`` says otherwise.
    defaults : dict
        The defaults an estimate would use for blank cells, by caveat code: column, value,
        unit, count of rows, source and confidence (the ``defaults`` of an estimate's
        assumptions).
    caveats : list of Caveat
        The caveats of the rows that passed every check.
    skipped_rows : list of dict
        Rows that are no asset and were skipped (totals 合计/小计, signatures 填表人：…, notes
        备注：…): ``{"row", "kind", "text"}`` each.
    """

    valid: bool
    issues: list[InventoryIssue]
    total: int
    file: str
    rows: int = 0
    encoding: str | None = None
    header_map: dict[str, str] = field(default_factory=dict)
    unmatched_headers: list[str] = field(default_factory=list)
    defaults: dict[str, dict[str, Any]] = field(default_factory=dict)
    caveats: list[Caveat] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    language: str = "en"
    skipped_rows: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable record (``retrofit validate --format json`` prints it)."""
        return {
            "valid": self.valid,
            "file": self.file,
            "rows": self.rows,
            "encoding": self.encoding,
            "problems": self.total,
            "issues": [issue.to_dict() for issue in self.issues],
            "header_map": dict(self.header_map),
            "unmatched_headers": list(self.unmatched_headers),
            "notes": list(self.notes),
            "language": self.language,
            "defaults": {code: dict(used) for code, used in self.defaults.items()},
            "caveats": [caveat.to_dict() for caveat in self.caveats],
            "skipped_rows": [dict(item) for item in self.skipped_rows],
        }


def validate(
    path_or_frame: str | Path | pd.DataFrame | Inventory,
    *,
    plants: str | Path | pd.DataFrame | None = None,
    tables: Mapping[str, str | Path] | None = None,
    strict: bool = False,
    encoding: str | None = None,
    sheet: str | int | None = None,
    tariff: str | None = None,
    policy: str | list[str] | None = None,
    eligibility: Mapping[str, object] | None = None,
    year: int | None = None,
    region: str = "national",
    basis: str = "equivalent",
    equal_value_factor_kgce_per_kwh: float | None = None,
    discount_rate: float | None = None,
    max_errors: int | None = None,
    measures: Sequence[Measure | ModuleType] | None = None,
    goals: str | Path | None = None,
    plant_energy_basis: str | None = None,
    rename: Mapping[str, str] | None = None,
    passthrough: Sequence[str] = (),
    limits: ReadLimits | None = None,
) -> ValidationReport:
    """Check an inventory as :func:`retrofit.estimate` would, collecting every problem.

    The stages: the cells of the file, the defaults (``strict``), each measure's domain
    (rows inside its reference tables and physical bounds), metered readings, economics,
    finance, incentives (with ``policy``) and the plants file. A row with a problem goes no
    further, so a later stage reports nothing that the first problem caused, but it still
    checks every other row.

    Parameters
    ----------
    path_or_frame : path, DataFrame or Inventory
        As the first argument of :func:`retrofit.estimate`.
    plants, tables, strict, encoding, sheet, tariff, policy, eligibility, year, region, basis, goals
    plant_energy_basis, rename, passthrough, limits
        As for :func:`retrofit.estimate`: each changes what is checked (``limits``: what the
        files may hold, :class:`~retrofit.inventory.workbook.ReadLimits`).
    equal_value_factor_kgce_per_kwh, discount_rate : float, optional
        As for :func:`retrofit.estimate` (checked as options).
    max_errors : int, optional
        List at most this many problems (``total`` still counts them all); default: every one.
    measures : list of Measure or module, optional
        A user's own measures, as for :func:`retrofit.estimate`: their ``compute`` checks
        their rows.

    Returns
    -------
    ValidationReport

    Raises
    ------
    OptionError
        Bad options (unknown basis, region, tariff or table name), as :func:`estimate`.
    ReferenceDataError
        A reference table is broken or lacks a row the checks need.
    FileNotFoundError
        The inventory file does not exist.
    """
    from .pipeline import run_checks  # the orchestrator imports the measures: only when used

    file = _name_of(path_or_frame)
    try:
        checked = run_checks(
            path_or_frame,
            plants=plants,
            basis=basis,
            region=region,
            year=year,
            equal_value_factor_kgce_per_kwh=equal_value_factor_kgce_per_kwh,
            tables=tables,
            strict=strict,
            encoding=encoding,
            sheet=sheet,
            max_errors=max_errors,
            tariff=tariff,
            discount_rate=discount_rate,
            policy=policy,
            eligibility=eligibility,
            project_tables=False,
            measures=measures,
            goals=goals,
            plant_energy_basis=plant_energy_basis,
            rename=rename,
            passthrough=passthrough,
            limits=limits,
        )
    except InventoryError as error:  # the file as a whole: unreadable, a column missing
        issues = with_flag_hints(in_reading_order(one_per_cell(error.issues)))
        total = error.total - len(error.issues) + len(issues)
        language = language_of_headers(i.column or "" for i in issues if i.row is not None)
        return ValidationReport(False, _capped(issues, max_errors), total, file, language=language)
    meta = checked.inv.meta
    issues = with_flag_hints(checked.issues.issues(checked.column_order), meta.header_map)
    total = len(issues) + checked.issues.not_built
    return ValidationReport(
        valid=not checked.issues,
        issues=_capped(issues, max_errors),
        total=total,
        file=meta.path,
        rows=meta.n_rows,
        encoding=meta.encoding,
        header_map=dict(meta.header_map),
        unmatched_headers=list(meta.passthrough),
        defaults=checked.defaults_used,
        caveats=checked.log.summary(),
        notes=list(meta.notes),
        language=language_of_headers([*meta.header_map.values(), *meta.passthrough]),
        skipped_rows=list(meta.skipped_rows),
    )


def validate_records(
    rows: Sequence[Mapping[str, object]],
    *,
    lang: str | None = None,
    file: str = "<table>",
    max_rows: int | None = None,
    max_errors: int | None = None,
    rename: Mapping[str, str] | None = None,
    passthrough: Sequence[str] = (),
    **options: Any,
) -> ValidationReport:
    """Check rows typed into a table as :func:`validate` checks a file holding them.

    Each row is a dict from header to cell: the headers are those of the template
    (:func:`retrofit.inventory.template.template_headers`, Chinese or English) or any other
    header a file may carry (canonical names, aliases); a cell is the text as typed (numbers
    and None are taken too; None and "" are blank). The columns are the headers in the order
    they first appear. Rows are numbered as the table shows them: the first row is row 1.
    Blank rows at the end of the table (its unused lines) are left out; a blank row between
    two filled ones is dropped with a note, as in a file.

    Parameters
    ----------
    rows : sequence of mapping
        The table's rows, top to bottom.
    lang : {"zh", "en"}, optional
        The language the problems are to be shown in (``ValidationReport.language``);
        default: Chinese when most headers are, as for a file.
    file : str, default "<table>"
        The name the issues give the table.
    max_rows : int, optional
        Most rows the table may hold once its trailing blank rows are left out; more is one
        ``limit-exceeded`` issue (a larger inventory belongs in a file).
    max_errors, rename, passthrough, **options
        As for :func:`validate` (``region``, ``year``, ``policy``, ``plant_energy_basis``,
        ``strict``, ``tariff``, …).

    Returns
    -------
    ValidationReport
        ``file`` is ``file``; every issue's ``row`` is a table row.

    Raises
    ------
    OptionError
        Bad options, as :func:`validate`.
    ValueError
        ``lang`` is not one of ``"zh"``, ``"en"``.
    """
    if lang is not None and lang not in LANGUAGES:
        raise ValueError(f"unknown language '{lang}'; expected one of {', '.join(LANGUAGES)}")
    headers: dict[str, None] = {}
    for row in rows:
        headers.update(dict.fromkeys(str(header) for header in row))
    cells = [[_typed_cell(row.get(h)) for h in headers] for row in _as_str_keys(rows)]
    while cells and all(c is None for c in cells[-1]):
        cells.pop()
    if max_rows is not None and len(cells) > max_rows:
        issue = InventoryIssue(
            "limit-exceeded",
            file,
            None,
            None,
            None,
            f"the table holds {len(cells):,} rows, more than the limit of {max_rows:,}; "
            "upload a larger inventory as a file",
        )
        return ValidationReport(False, [issue], 1, file, language=lang or "en")
    frame = pd.DataFrame(cells, columns=list(headers), dtype=object)
    language = lang or language_of_headers(headers)
    cap = 200 if max_errors is None else max_errors
    try:
        inventory = validate_frame(
            frame,
            file=file,
            max_errors=cap,
            collect=True,
            rename=rename,
            passthrough=passthrough,
            first_row=1,
        )
    except InventoryError as error:  # the table as a whole: no rows, a column missing
        issues = with_flag_hints(in_reading_order(one_per_cell(error.issues)))
        total = error.total - len(error.issues) + len(issues)
        return ValidationReport(False, _capped(issues, max_errors), total, file, language=language)
    report = validate(inventory, max_errors=max_errors, **options)
    report.language = language
    return report


def _as_str_keys(rows: Sequence[Mapping[str, object]]) -> list[dict[str, object]]:
    return [{str(header): value for header, value in row.items()} for row in rows]


def _typed_cell(value: object) -> object:
    """A typed cell as the checks take it: text as typed, numbers as numbers, a blank as
    None; anything else (a bool, a list sent by a client) as its text."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return value
    return str(value)


def _capped(issues: list[InventoryIssue], max_errors: int | None) -> list[InventoryIssue]:
    return issues if max_errors is None else issues[:max_errors]


def _name_of(path_or_frame: object) -> str:
    if isinstance(path_or_frame, Inventory):
        return path_or_frame.meta.path
    if isinstance(path_or_frame, pd.DataFrame):
        return "<DataFrame>"
    return str(path_or_frame)


__all__ = ["ValidationReport", "validate", "validate_records"]
