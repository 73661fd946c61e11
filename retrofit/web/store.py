"""The page's only memory: a bounded store of recent results, forgotten after a while.

An estimate is kept so that its report, workbook, JSON and charts can be downloaded after the
results page is shown, and the problems of a file that did not pass validation so that the page
can be shown again in the other language; for no longer: at most ``max_entries`` results, each for ``ttl_s``
seconds, under a random 128-bit token (``secrets.token_urlsafe(16)``) that only the browser
which uploaded the file has seen. Nothing is written to disk.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

#: How long a result is kept [s]: the page says "forgotten after 15 minutes"
DEFAULT_TTL_S = 15 * 60
#: How many results are kept at once [-]: the oldest is forgotten first
DEFAULT_MAX_ENTRIES = 32
#: Random bytes of a token (128 bits)
TOKEN_BYTES = 16


@dataclass
class Entry:
    """One estimate and what was drawn from it.

    Attributes
    ----------
    result : EstimateResult
        The estimate.
    file_name : str
        The uploaded file's name as the user's computer named it (for the download names).
    created : float
        ``time.monotonic()`` when stored [s].
    charts : list of (caption, svg text)
        The figures, drawn once on the first request for one.
    kind : {"result", "problems"}
        What ``result`` holds: an estimate, or the validation problems of a file that had some
        (a token of one kind never opens the other).
    """

    result: Any
    file_name: str
    created: float
    kind: str = "result"
    charts: list[tuple[str, str]] | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)


class ResultStore:
    """A thread-safe, bounded, expiring map token → :class:`Entry`.

    Parameters
    ----------
    max_entries : int
        Results kept at once; storing one more forgets the oldest.
    ttl_s : float
        Seconds a result is kept [s].
    clock : callable
        The time source [s] (``time.monotonic``; tests pass their own).
    """

    def __init__(
        self,
        *,
        max_entries: int = DEFAULT_MAX_ENTRIES,
        ttl_s: float = DEFAULT_TTL_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if max_entries < 1 or ttl_s <= 0:
            raise ValueError("max_entries must be ≥ 1 and ttl_s > 0")
        self.max_entries = max_entries
        self.ttl_s = ttl_s
        self._clock = clock
        self._entries: OrderedDict[str, Entry] = OrderedDict()
        self._lock = threading.Lock()

    def put(self, result: Any, file_name: str, kind: str = "result") -> str:
        """Keep ``result`` (an estimate, or with ``kind="problems"`` a file's validation
        problems); return its new token."""
        token = secrets.token_urlsafe(TOKEN_BYTES)
        with self._lock:
            self._expire()
            self._entries[token] = Entry(result, file_name, self._clock(), kind=kind)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return token

    def get(self, token: str, kind: str = "result") -> Entry | None:
        """The entry of ``token`` holding a ``kind``, or None when unknown, expired (and then
        forgotten) or of the other kind."""
        with self._lock:
            self._expire()
            entry = self._entries.get(token)
            return entry if entry is not None and entry.kind == kind else None

    def __len__(self) -> int:
        with self._lock:
            self._expire()
            return len(self._entries)

    def clear(self) -> None:
        """Forget every result (the server stops)."""
        with self._lock:
            self._entries.clear()

    def _expire(self) -> None:
        """Forget every entry older than the TTL (entries are in the order they were put)."""
        now = self._clock()
        while self._entries:
            token, entry = next(iter(self._entries.items()))
            if now - entry.created < self.ttl_s:
                break
            del self._entries[token]
