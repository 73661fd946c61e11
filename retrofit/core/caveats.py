"""Caveats: named, countable notes on what an estimate assumed.

A caveat is data, not a log line: a stable dotted ``code`` that tests and reviewers can rely on,
an English and a Chinese message, and a JSON-serialisable ``data`` payload. Models mark the rows a
caveat applies to with a boolean mask (never a loop per asset); :class:`CaveatLog` turns the masks
into a per-row ``caveats`` column and a per-code summary with counts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Caveat:
    """One caveat with the number of asset rows it applies to."""

    code: str
    message: str
    message_zh: str = ""
    count: int = 0
    data: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "message": self.message,
            "message_zh": self.message_zh,
            "count": self.count,
            "data": self.data,
        }


@dataclass
class CaveatLog:
    """Collects caveats over ``n_rows`` asset rows as boolean masks."""

    n_rows: int
    _masks: dict[str, np.ndarray] = field(default_factory=dict)
    _caveats: dict[str, Caveat] = field(default_factory=dict)

    def add(
        self,
        code: str,
        message: str,
        message_zh: str = "",
        mask: np.ndarray | pd.Series | None = None,
        data: dict[str, Any] | None = None,
    ) -> None:
        """Record ``code`` for the rows where ``mask`` is true (all rows when None).

        A code whose mask selects no row is not recorded. Adding the same code twice ORs the
        masks and keeps the first message.
        """
        if mask is None:
            rows = np.ones(self.n_rows, dtype=bool)
        else:
            rows = np.asarray(mask, dtype=bool)
            if rows.shape != (self.n_rows,):
                raise ValueError(f"caveat mask for {code} has shape {rows.shape}")
        if not rows.any():
            return
        if code in self._masks:
            self._masks[code] = self._masks[code] | rows
        else:
            self._masks[code] = rows
            self._caveats[code] = Caveat(code, message, message_zh, 0, dict(data or {}))

    def add_global(self, code: str, message: str, message_zh: str = "", data=None) -> None:
        """Record a caveat that concerns the run, not particular rows."""
        self._caveats.setdefault(code, Caveat(code, message, message_zh, 0, dict(data or {})))

    def extend(self, other: CaveatLog, positions: np.ndarray | None = None) -> None:
        """Merge another log whose rows are ``positions`` of this one (all rows when None)."""
        for code, caveat in other._caveats.items():
            if code not in other._masks:
                self.add_global(code, caveat.message, caveat.message_zh, caveat.data)
                continue
            mask = np.zeros(self.n_rows, dtype=bool)
            if positions is None:
                mask |= other._masks[code]
            else:
                mask[positions] = other._masks[code]
            self.add(code, caveat.message, caveat.message_zh, mask, caveat.data)

    def take(self, positions: np.ndarray) -> CaveatLog:
        """A log of the rows at ``positions`` only (the rows left once others failed a check);
        run-wide caveats are kept, and a row caveat no kept row carries is dropped."""
        kept = CaveatLog(len(positions))
        for code, caveat in self._caveats.items():
            if code not in self._masks:
                kept.add_global(code, caveat.message, caveat.message_zh, caveat.data)
            else:
                mask = self._masks[code][positions]
                kept.add(code, caveat.message, caveat.message_zh, mask, caveat.data)
        return kept

    def row_codes(self) -> np.ndarray:
        """Per-row ``;``-joined caveat codes (empty string where none), in recording order."""
        codes = list(self._masks)
        if not codes:
            return np.full(self.n_rows, "", dtype=object)
        # rows share a few combinations of codes: pack each row's codes into bits, find the
        # distinct bit patterns, and join the strings once per pattern rather than per row
        bits = np.packbits(np.column_stack([self._masks[c] for c in codes]), axis=1)
        patterns, inverse = np.unique(
            bits.view(np.dtype((np.void, bits.shape[1]))).ravel(), return_inverse=True
        )
        has = np.unpackbits(
            patterns.view(np.uint8).reshape(len(patterns), -1), axis=1, count=len(codes)
        ).astype(bool)
        names = np.asarray(codes, dtype=object)
        joined = np.array([";".join(names[row]) for row in has], dtype=object)
        return joined[inverse.ravel()]

    def summary(self) -> list[Caveat]:
        """One :class:`Caveat` per code with its row count, in the order first recorded."""
        result = []
        for code, caveat in self._caveats.items():
            count = int(self._masks[code].sum()) if code in self._masks else 0
            result.append(
                Caveat(caveat.code, caveat.message, caveat.message_zh, count, caveat.data)
            )
        return result
