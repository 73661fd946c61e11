"""Exceptions raised by retrofit.

Every error derives from :class:`RetrofitError` and from the built-in type a caller would
expect (``ValueError`` for bad data and bad options), so ``except ValueError`` keeps working.
Three kinds map to the CLI's exit codes: :class:`InventoryError` (the data, exit 1),
:class:`OptionError` (an option, exit 2) and :class:`ReferenceDataError` (a reference table,
exit 3). Messages are
composed from structured fields, and every error pickles, so multiprocessing and Dask can
carry them across processes.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


class RetrofitError(Exception):
    """Base class of every error retrofit raises on purpose."""


@dataclass(frozen=True)
class InventoryIssue:
    """One problem found in an inventory file, located as a spreadsheet user sees it.

    Parameters
    ----------
    type : str
        Stable code: ``missing-column``, ``type-error``, ``out-of-range``, ``unknown-value``,
        ``blank-required``, ``duplicate-id``, ``conflict``, ``defaulted-strict``,
        ``empty-file``, ``encoding-error``, ``not-applicable``, ``header-error``,
        ``similar-header`` (a header not read that resembles a known column),
        ``uncached-formula`` (an xlsx formula without the value a spreadsheet caches),
        ``limit-exceeded`` (a file over a reading limit; the text names the option).
    file : str
        The file as the user named it.
    row : int or None
        Row number as a spreadsheet shows it (header = row 1); None for file-level issues.
    column : str or None
        The column header exactly as written in the file.
    value : str or None
        The offending cell text, unchanged.
    expected : str
        What would have been accepted.
    """

    type: str
    file: str
    row: int | None
    column: str | None
    value: str | None
    expected: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f" row {self.row}"
        if self.column is not None:
            where += f", column {self.column}" if self.row is not None else f" column {self.column}"
        if self.value is None:
            return f"{where}: {self.expected}"
        return f'{where}: "{self.value}" — expected {self.expected}'

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class InventoryError(ValueError, RetrofitError):
    """An inventory failed validation; ``issues`` holds every problem found, in file order."""

    def __init__(self, issues: list[InventoryIssue], total: int | None = None):
        self.issues = list(issues)
        self.total = len(self.issues) if total is None else total
        super().__init__(issues, total)

    def __str__(self) -> str:
        lines = [str(issue) for issue in self.issues]
        if self.total > len(self.issues):
            lines.append(f"… and {self.total - len(self.issues)} more problems not shown")
        return "\n".join(lines)

    def __reduce__(self):
        return (type(self), (self.issues, self.total))


class OptionError(ValueError, RetrofitError):
    """A bad option of a run: an unknown basis, region, tariff, policy pack, goal pack or table
    name, or an implausible number. The CLI reports it as a usage error (exit code 2)."""


class UnknownEncodingError(OptionError, LookupError):
    """An ``encoding`` Python does not know: a usage error (exit code 2) that is also the
    ``LookupError`` that ``codecs.lookup`` raises, as the readers have always documented."""


class ReferenceDataError(RetrofitError):
    """A reference table is missing, altered (hash mismatch), breaks its schema or lacks a row
    the run needs. The message names the table and, for a missing row, the key."""


class ModelDomainError(ValueError, RetrofitError):
    """An input lies outside the range a model or its table is valid for."""
