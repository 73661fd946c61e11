"""Collecting issues from vectorised masks: every problem of a file is gathered (at most
``cap`` issue objects built per check, all of them counted) and raised once, sorted by row."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np

from ..core.exceptions import InventoryError, InventoryIssue

__all__ = ["ROW_CHECKABLE", "CellIssues"]

#: File-level issue types after which every row can still be checked: the one-pass
#: validation reports them with the cell problems instead of stopping at them.
ROW_CHECKABLE = frozenset({"missing-column", "header-error", "similar-header"})


class CellIssues:
    """One file's cell issues, collected from vectorised masks; builds at most ``cap`` objects
    per check. (A run's issues of every stage are :class:`retrofit.core.issues.IssueCollector`.)"""

    def __init__(self, file: str, rows: np.ndarray, cap: int):
        self.file = file
        self.rows = rows
        self.cap = max(int(cap), 0)
        self.total = 0
        self.file_total = 0  # issues of the file as a whole: no row can be checked further
        self.failed_positions: list[np.ndarray] = []  # every flagged row, even past the cap
        self._items: list[tuple[tuple[int, int, int, int], InventoryIssue]] = []

    def file_level(
        self,
        type_: str,
        column: str | None,
        expected: str,
        order: int = 0,
        value: str | None = None,
    ) -> None:
        self.total += 1
        self.file_total += 1
        for n, (_, known) in enumerate(self._items):
            if known.row is None and (known.type, known.column) == (type_, column):
                # one missing column is one problem, however many measures need it
                self.total -= 1
                self.file_total -= 1
                if expected not in known.expected:
                    merged = replace(known, expected=f"{known.expected}; {expected}")
                    self._items[n] = (self._items[n][0], merged)
                return
        issue = InventoryIssue(type_, self.file, None, column, value, expected)
        self._items.append(((0, 0, order, len(self._items)), issue))

    @property
    def stops_file(self) -> bool:
        """Whether a problem of the file as a whole leaves no row to check (an empty table);
        a missing column or a header problem does not (see :data:`ROW_CHECKABLE`)."""
        return any(
            issue.row is None and issue.type not in ROW_CHECKABLE for _, issue in self._items
        )

    def amend_missing(self, column: str, text: str) -> None:
        """Add ``text`` to the missing-column issue of ``column``, if there is one."""
        for n, (key, issue) in enumerate(self._items):
            if issue.row is None and issue.type == "missing-column" and issue.column == column:
                self._items[n] = (key, replace(issue, expected=issue.expected + text))

    def fail_rows(self, positions: np.ndarray) -> None:
        """Rows (positions) that go no further though no cell of theirs is wrong (a column
        their measure needs is missing)."""
        self.failed_positions.append(np.asarray(positions))

    def cells(
        self,
        type_: str,
        mask: np.ndarray,
        column: str | None,
        order: int,
        values: Callable[[np.ndarray], list[str | None]] | None,
        expected: str | Callable[[np.ndarray], list[str]],
    ) -> None:
        pos = np.flatnonzero(np.asarray(mask, dtype=bool))
        if len(pos) == 0:
            return
        self.total += len(pos)
        self.failed_positions.append(pos)
        pos = pos[: self.cap]
        vals = values(pos) if values is not None else [None] * len(pos)
        exps = [expected] * len(pos) if isinstance(expected, str) else expected(pos)
        for p, v, e in zip(pos.tolist(), vals, exps, strict=True):
            row = int(self.rows[p])
            issue = InventoryIssue(type_, self.file, row, column, v, e)
            self._items.append(((1, row, order, len(self._items)), issue))

    def sorted_issues(self) -> list[InventoryIssue]:
        items = sorted(self._items, key=lambda kv: kv[0])
        return [i for _, i in items[: self.cap]]

    def failed(self, n_rows: int) -> np.ndarray:
        """Boolean mask of the rows (positions) that carry at least one cell issue."""
        mask = np.zeros(n_rows, dtype=bool)
        for pos in self.failed_positions:
            mask[pos] = True
        return mask

    def raise_if_any(self) -> None:
        if self.total:
            raise InventoryError(self.sorted_issues(), total=self.total)
