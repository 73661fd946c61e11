"""A live ``retrofit serve`` for the browser tests: the app under uvicorn in a thread of the
test process, on a free 127.0.0.1 port, stopped when the block ends. Imported by the
``test_web_*`` files that drive Chromium (not a test module itself)."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

#: Chromium's flags, as the report tests use them (tests/test_report_html.py)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def live_server(**app_options: Any) -> Iterator[str]:
    """The base address of a running app made by ``create_app(**app_options)``."""
    import uvicorn

    from retrofit.web.app import create_app

    port = free_port()
    config = uvicorn.Config(
        create_app(**app_options), host="127.0.0.1", port=port, log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)
