"""Load test of ``retrofit serve``: N concurrent uploads of a generated inventory to a local
server, with the latency percentiles, the failures and the server's memory.

Not a pytest test (``tests/test_web_load.py`` runs it with the issue's figures). Run::

    .venv/bin/python tests/benchmarks/load_serve.py --uploads 50 --rows 1000

It starts the app under uvicorn on a free 127.0.0.1 port in a subprocess (this file, run with
``--serve``: the app of :func:`retrofit.web.app.create_app` with a result store of a short
life, ``--ttl`` seconds), waits for it to answer, takes the page's CSRF token, then sends
``--uploads`` uploads of the mixed inventory of ``bench_estimate.py`` (the ``campus`` mix:
every system module; ``--rows`` rows, written as CSV UTF-8) from as many threads, released
together. Each upload is ``POST /estimate`` as the page's form sends it (the file, region,
year, plant-energy basis, a policy pack and the token) and counts as a failure unless it
answers 200 with a results page. Then it waits for the store's results to expire, asks for
one of them (the store forgets expired results when next used), and asks the server to
collect garbage and hand freed memory back to the system (``SIGUSR1`` to the server process:
``gc.collect()``, glibc's ``malloc_trim(0)`` and Arrow's ``release_unused()`` — the "gc" of
the issue; they free no live object, they return memory already freed; the app itself has no
such route). The server's resident memory (``VmRSS`` of ``/proc/PID/status``) is read
when it is idle after one warm-up upload (the *start*: the libraries the first estimate
imports are loaded then and stay), right after the load, after the results expire, and
after the gc. The server is stopped at the end, whatever happens.
"""

from __future__ import annotations

import argparse
import json
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Self

HERE = Path(__file__).resolve().parent
#: The cookie holding the session's CSRF token (retrofit/web/app.py)
CSRF_COOKIE = "retrofit_csrf"
#: A results page links its downloads under the result's token
TOKEN_LINK = re.compile(r'href="/download/([A-Za-z0-9_-]+)/result\.json')


@dataclass
class LoadReport:
    """What one load run measured.

    Attributes
    ----------
    uploads, rows, inventory_bytes : int
        Uploads sent at once, rows of the inventory, its size [bytes].
    failures : list of str
        One line per upload that did not answer 200 with a results page.
    latencies_s : list of float
        Seconds from sending to the last byte of each answer [s].
    wall_s : float
        Seconds from the release of the uploads to the last answer [s].
    rss_mib : dict
        Server resident memory [MiB] at ``idle`` (started, no request), ``start`` (after a
        warm-up upload), ``loaded`` (after the uploads), ``expired`` (results expired and
        forgotten) and ``collected`` (after ``gc.collect()``, ``malloc_trim`` and Arrow's
        ``release_unused``).
    """

    uploads: int
    rows: int
    inventory_bytes: int
    failures: list[str] = field(default_factory=list)
    latencies_s: list[float] = field(default_factory=list)
    wall_s: float = 0.0
    rss_mib: dict[str, float] = field(default_factory=dict)

    def percentile(self, p: float) -> float:
        """The ``p``-th percentile of the latencies (nearest rank) [s]."""
        ordered = sorted(self.latencies_s)
        rank = max(1, -(-len(ordered) * p // 100))  # ceil(n p / 100), at least 1
        return ordered[int(rank) - 1]

    def summary(self) -> dict[str, object]:
        lat = self.latencies_s
        return {
            "uploads": self.uploads,
            "rows": self.rows,
            "inventory_bytes": self.inventory_bytes,
            "failures": len(self.failures),
            "wall_s": round(self.wall_s, 2),
            "latency_s": {
                "p50": round(self.percentile(50), 2) if lat else None,
                "p90": round(self.percentile(90), 2) if lat else None,
                "p99": round(self.percentile(99), 2) if lat else None,
                "max": round(max(lat), 2) if lat else None,
                "mean": round(statistics.fmean(lat), 2) if lat else None,
            },
            "rss_mib": {k: round(v, 1) for k, v in self.rss_mib.items()},
        }

    def text(self) -> str:
        s = self.summary()
        lat = s["latency_s"]
        rss = s["rss_mib"]
        assert isinstance(lat, dict) and isinstance(rss, dict)
        lines = [
            (
                f"{self.uploads} concurrent uploads of a {self.rows:,}-row inventory "
                f"({self.inventory_bytes:,} bytes): {len(self.failures)} failed, "
                f"all answered in {s['wall_s']} s"
            ),
            "latency [s]: " + ", ".join(f"{k} {v}" for k, v in lat.items()),
            "server RSS [MiB]: " + ", ".join(f"{k} {v}" for k, v in rss.items()),
        ]
        lines += [f"failure: {f}" for f in self.failures[:10]]
        return "\n".join(lines)


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rss_mib(pid: int) -> float:
    """Resident memory of process ``pid`` [MiB] (Linux ``/proc``)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def mixed_inventory_csv(rows: int) -> bytes:
    """The campus mix of ``bench_estimate.py`` (every system module), as CSV UTF-8."""
    sys.path.insert(0, str(HERE))
    from bench_estimate import synthetic_campus_inventory

    return synthetic_campus_inventory(rows).to_csv(index=False).encode("utf-8")


class Server:
    """The app under uvicorn in a subprocess on 127.0.0.1; a context manager that stops it."""

    def __init__(self, ttl_s: float, max_entries: int, port: int | None = None) -> None:
        self.port = port or free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        cmd = [sys.executable, str(Path(__file__).resolve()), "--serve", str(self.port)]
        cmd += ["--ttl", str(ttl_s), "--max-entries", str(max_entries)]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def wait_ready(self, timeout_s: float = 60.0) -> None:
        import httpx

        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server stopped: {self.stderr()}")
            try:
                if httpx.get(self.base + "/", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"the server did not answer within {timeout_s} s")

    def rss_mib(self) -> float:
        return rss_mib(self.proc.pid)

    def collect(self, settle_s: float = 1.0) -> None:
        """``gc.collect()``, ``malloc_trim(0)`` and Arrow's ``release_unused()`` in the
        server (see :func:`_serve`)."""
        self.proc.send_signal(signal.SIGUSR1)
        time.sleep(settle_s)

    def stderr(self) -> str:
        if self.proc.poll() is None or self.proc.stderr is None:
            return ""
        return self.proc.stderr.read().decode("utf-8", "replace")[-2000:]

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc.stderr is not None:
            self.proc.stderr.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def upload(base: str, token: str, data: bytes, timeout_s: float) -> tuple[float, str | None, str]:
    """One ``POST /estimate`` as the page's form sends it: (seconds, failure or None, the
    result's token or "")."""
    import httpx

    form = {
        "region": "national",
        "year": "2025",
        "plant_energy_basis": "",
        "policy": "shanghai-2024",
        "csrf_token": token,
    }
    files = {"inventory": ("mixed.csv", data, "text/csv")}
    start = time.perf_counter()
    try:
        with httpx.Client(cookies={CSRF_COOKIE: token}, timeout=timeout_s) as client:
            response = client.post(base + "/estimate?lang=en", data=form, files=files)
    except httpx.HTTPError as e:
        return time.perf_counter() - start, f"{type(e).__name__}: {e}", ""
    seconds = time.perf_counter() - start
    found = TOKEN_LINK.search(response.text)
    if response.status_code != 200 or found is None:
        return seconds, f"HTTP {response.status_code}: {response.text[:200]!r}", ""
    return seconds, None, found.group(1)


def csrf_token(base: str) -> str:
    import httpx

    response = httpx.get(base + "/", timeout=10)
    token = response.cookies.get(CSRF_COOKIE)
    if not token:
        raise RuntimeError("the page set no CSRF cookie")
    return token


def run_load(
    uploads: int = 50,
    rows: int = 1000,
    *,
    ttl_s: float = 10.0,
    settle_s: float = 2.0,
    timeout_s: float = 300.0,
    data: bytes | None = None,
) -> LoadReport:
    """Start a server, send ``uploads`` concurrent uploads of a ``rows``-row inventory, and
    measure (see the module docstring); the server is stopped before this returns."""
    data = data if data is not None else mixed_inventory_csv(rows)
    report = LoadReport(uploads, rows, len(data))
    with Server(ttl_s=ttl_s, max_entries=max(uploads, 1) + 1) as server:
        server.wait_ready()
        report.rss_mib["idle"] = server.rss_mib()
        token = csrf_token(server.base)
        _, failure, warm = upload(server.base, token, data, timeout_s)  # imports, caches
        if failure:
            raise RuntimeError(f"the warm-up upload failed: {failure}")
        time.sleep(ttl_s)
        _expire(server.base, warm)
        server.collect(settle_s)
        report.rss_mib["start"] = server.rss_mib()

        gate = threading.Barrier(uploads)

        def one(_: int) -> tuple[float, str | None, str]:
            gate.wait()
            return upload(server.base, token, data, timeout_s)

        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=uploads) as pool:
            answers = list(pool.map(one, range(uploads)))
        report.wall_s = time.perf_counter() - started
        report.rss_mib["loaded"] = server.rss_mib()
        tokens = [t for _, _, t in answers if t]
        for seconds, failure, _ in answers:
            report.latencies_s.append(seconds)
            if failure:
                report.failures.append(failure)
        time.sleep(ttl_s)
        if tokens:
            _expire(server.base, tokens[0])
        time.sleep(settle_s)
        report.rss_mib["expired"] = server.rss_mib()
        server.collect(settle_s)
        report.rss_mib["collected"] = server.rss_mib()
    return report


def _expire(base: str, token: str) -> None:
    """Ask for an expired result: the store forgets every expired one (404 expected)."""
    import httpx

    status = httpx.get(f"{base}/download/{token}/result.json", timeout=10).status_code
    if status != 404:
        raise RuntimeError(f"a result past its time was still served (HTTP {status})")


def _serve(port: int, ttl_s: float, max_entries: int) -> None:
    """The server process: the app with a short-lived store, under uvicorn; SIGUSR1 runs
    ``gc.collect()``, ``malloc_trim(0)`` (glibc) and Arrow's ``release_unused()`` for the
    measurement."""
    import ctypes
    import ctypes.util
    import gc

    import uvicorn

    from retrofit.web.app import create_app
    from retrofit.web.store import ResultStore

    libc_name = ctypes.util.find_library("c")
    libc = ctypes.CDLL(libc_name) if libc_name else None

    def collect(signum: int, frame: object) -> None:
        gc.collect()
        if libc is not None and hasattr(libc, "malloc_trim"):
            libc.malloc_trim(0)
        try:  # pandas' Arrow-backed strings: Arrow's pool keeps freed memory for reuse
            import pyarrow

            pyarrow.default_memory_pool().release_unused()
        except ImportError:
            pass

    signal.signal(signal.SIGUSR1, collect)
    app = create_app(store=ResultStore(ttl_s=ttl_s, max_entries=max_entries))
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uploads", type=int, default=50)
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--ttl", type=float, default=10.0, help="result store's TTL [s]")
    parser.add_argument("--settle", type=float, default=2.0, help="wait before reading RSS [s]")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--serve", type=int, metavar="PORT", help=argparse.SUPPRESS)
    parser.add_argument("--max-entries", type=int, default=64, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        _serve(args.serve, args.ttl, args.max_entries)
        return 0
    report = run_load(args.uploads, args.rows, ttl_s=args.ttl, settle_s=args.settle)
    if args.json:
        print(json.dumps({**report.summary(), "failures_text": report.failures}, indent=2))
    else:
        print(report.text())
    return 1 if report.failures else 0


if __name__ == "__main__":
    sys.exit(main())
