"""Collect the data issues of every check of a run into one list, as frictionless' Report does.

:func:`retrofit.validate` and :func:`retrofit.estimate` run the same stages (input, defaults,
measures, metered readings, money, plants) and hand what each finds to an
:class:`IssueCollector`. It keeps one issue per cell, orders them as a user reads the file and
counts the problems a capped stage found but did not build.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from .exceptions import InventoryError, InventoryIssue


def specificity(issue: InventoryIssue) -> tuple[bool, int]:
    """How much an issue tells the user: a quoted cell value first, then the longer account of
    what would have been accepted (it names more: a table, a standard, the other column)."""
    return (bool(issue.value), len(issue.expected))


def one_per_cell(issues: Iterable[InventoryIssue]) -> list[InventoryIssue]:
    """Issues with one per cell (file, row, column): the most specific (:func:`specificity`)
    is kept, at the place of the first. A cell read for both sides of a measure (the present
    and the new motor) or by two stages is one problem to fix, not two, whatever each stage
    calls it. Issues of a whole row (no column) keep one per type.

    Issues of the file as a whole (no row) keep one per (file, column, type): a column two
    checks find missing is one missing column.
    """
    kept: dict[object, InventoryIssue] = {}
    for issue in issues:
        if issue.row is None:
            key: object = (issue.file, None, issue.column, issue.type)
        elif issue.column is None:
            key = (issue.file, issue.row, None, issue.type)
        else:
            key = (issue.file, issue.row, issue.column)
        first = kept.get(key)
        if first is None:
            kept[key] = issue
        elif specificity(issue) > specificity(first):
            kept[key] = issue  # dict keeps the first one's place
    return list(kept.values())


def in_reading_order(
    issues: Iterable[InventoryIssue], column_order: Mapping[str, int] | None = None
) -> list[InventoryIssue]:
    """Issues sorted by file (in the order first met), then row (file-level issues first),
    then column (its position in ``column_order``, headers as typed, else by name)."""
    issues = list(issues)
    files: dict[str, int] = {}
    for issue in issues:
        files.setdefault(issue.file, len(files))
    order = column_order or {}
    last = len(order)

    def key(pair: tuple[int, InventoryIssue]) -> tuple[int, int, int, str, int]:
        n, issue = pair
        column = issue.column or ""
        return (
            files[issue.file],
            -1 if issue.row is None else issue.row,
            order.get(column, last),
            column,
            n,
        )

    return [issue for _, issue in sorted(enumerate(issues), key=key)]


class IssueCollector:
    """Every issue of every stage of a run; ``not_built`` counts the problems a capped stage
    counted but did not build (a huge file's reader keeps ``max_errors`` per check)."""

    def __init__(self) -> None:
        self.found: list[InventoryIssue] = []
        self.not_built = 0

    def __bool__(self) -> bool:
        return bool(self.found) or self.not_built > 0

    def add(self, issues: Iterable[InventoryIssue], total: int | None = None) -> None:
        issues = list(issues)
        self.found.extend(issues)
        if total is not None:
            self.not_built += max(total - len(issues), 0)

    def add_error(self, error: InventoryError) -> None:
        self.add(error.issues, error.total)

    def issues(self, column_order: Mapping[str, int] | None = None) -> list[InventoryIssue]:
        """One issue per cell, in reading order."""
        return in_reading_order(one_per_cell(self.found), column_order)

    def error(
        self, max_errors: int | None, column_order: Mapping[str, int] | None = None
    ) -> InventoryError:
        """One error holding the first ``max_errors`` issues; its ``total`` counts them all."""
        issues = self.issues(column_order)
        total = len(issues) + self.not_built
        shown = issues if max_errors is None else issues[:max_errors]
        return InventoryError(shown, total=total)
