"""Atomic writes: a file appears whole under its name, or not at all.

The temporary file is named ``.{target}.{pid}-{random}.tmp`` beside the target. A run that
dies without running its clean-up (SIGKILL, a power cut) leaves one behind; the next write to
the same target removes the temporary files of that pattern whose process is gone
(:func:`remove_stale_temps`), and so do those of the older ``.{target}.{random}.tmp`` pattern
written before this run started. SIGTERM and Ctrl-C do run the clean-up: the command line
turns both signals into :class:`Interrupted` (:func:`signals_interrupt`), an exception that
unwinds through :func:`atomic_write` like any other.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import signal
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

#: When this process started (of this module's import, close enough): a legacy temporary file
#: older than this belongs to an earlier run
RUN_STARTED = time.time()
#: The signals :func:`signals_interrupt` turns into :class:`Interrupted`
INTERRUPT_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupted(BaseException):
    """SIGINT (Ctrl-C) or SIGTERM arrived: unwinds like :class:`KeyboardInterrupt` (so every
    ``finally`` and clean-up runs), carrying the signal's number for the exit code
    (128 + signal: 130 for SIGINT, 143 for SIGTERM)."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum

    @property
    def name(self) -> str:
        return signal.Signals(self.signum).name


@contextlib.contextmanager
def signals_interrupt() -> Iterator[None]:
    """Within the block, SIGINT and SIGTERM raise :class:`Interrupted` in the main thread
    (SIGTERM's default would end the process at once, leaving temporary files behind); the
    previous handlers come back afterwards. Outside the main thread, a no-op (Python delivers
    signals to the main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: object) -> None:
        raise Interrupted(signum)

    previous = {signum: signal.signal(signum, interrupt) for signum in INTERRUPT_SIGNALS}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def temp_name(target: Path) -> str:
    """The name of a temporary file for ``target``: hidden, with this process's id."""
    return f".{target.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp"


def _temp_pattern(target: Path) -> re.Pattern[str]:
    """Temporary files of ``target``: ``.{name}.{pid}-{hex}.tmp`` (group ``pid``) or the
    earlier ``.{name}.{mkstemp's 8 characters}.tmp``."""
    return re.compile(
        rf"\.{re.escape(target.name)}\.(?:(?P<pid>\d+)-[0-9a-f]{{8}}|[a-z0-9_]{{8}})\.tmp"
    )


def _process_alive(pid: int) -> bool:
    if os.name == "nt":  # os.kill(pid, 0) would send CTRL_C_EVENT there: ask no process
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True


def remove_stale_temps(path: str | Path) -> list[Path]:
    """Remove the temporary files an earlier, killed write to ``path`` left beside it.

    A file of the pattern of :func:`temp_name` is stale when its process no longer runs; one
    of the earlier pattern (no process id), or any on Windows, when it is older than this run. Files of a write
    still running (another process writing the same target) are left alone. Returns the files
    removed; one that cannot be removed is left and not returned.
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    pattern = _temp_pattern(target)
    removed = []
    try:
        candidates = list(folder.iterdir())
    except OSError:  # no folder (yet) or not readable: nothing to clean
        return []
    for candidate in candidates:
        match = pattern.fullmatch(candidate.name)
        if match is None:
            continue
        pid = match["pid"]
        try:
            if pid is not None and os.name != "nt":
                stale = int(pid) != os.getpid() and not _process_alive(int(pid))
            else:  # no process to ask (Windows keeps a file open by its writer undeletable)
                stale = candidate.stat().st_mtime < RUN_STARTED
            if stale:
                candidate.unlink()
                removed.append(candidate)
        except OSError:
            continue
    return removed


def atomic_write(path: str | Path, write: Callable[[Path], object]) -> None:
    """Write through a temporary file in the same folder, then rename over ``path``.

    Parameters
    ----------
    path : str or Path
        The file to create or replace.
    write : callable
        Called with the temporary file's path; writes the whole content there.

    Notes
    -----
    The temporary file sits in the target's folder so that :func:`os.replace` is a rename on one
    file system, which POSIX and Windows make atomic. A failure part-way (an exception, a full
    disk, Ctrl-C, SIGTERM under the command line) leaves no partial file and no changed target.
    Temporary files that killed runs left beside ``path`` are removed first
    (:func:`remove_stale_temps`).
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    remove_stale_temps(target)
    tmp = folder / temp_name(target)
    try:
        # exclusive create: never write into a file that is already there
        with open(tmp, "xb"):
            pass
        write(tmp)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


__all__ = [
    "INTERRUPT_SIGNALS",
    "RUN_STARTED",
    "Interrupted",
    "atomic_write",
    "remove_stale_temps",
    "signals_interrupt",
    "temp_name",
]
