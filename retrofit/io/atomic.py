"""Atomic writes: a file appears whole under its name, or not at all."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path


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
    disk, Ctrl-C) leaves no partial file and no changed target.
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    os.close(fd)
    try:
        write(Path(tmp))
        # mkstemp creates 0600; give the result the permissions a plain open() would
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
