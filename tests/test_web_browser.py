"""The web page of ``retrofit serve`` in headless Chromium, as an energy manager uses it.

uvicorn serves :func:`retrofit.web.app.create_app` on a free 127.0.0.1 port in a thread of the
test; playwright drives Chromium (``/usr/bin/chromium``, the ``chromium`` fixture: skipped
with a message outside CI when missing, a failure under CI). The test downloads the template,
uploads the bundled example and a GBK CSV, sees the verdict and the subsidy lists, downloads
each file and opens it, uploads a file with errors and sees every error, and uploads a file
whose names are scripts (nothing runs). Screenshots of each state, in Chinese and English, go
to tests/output/web/ (git-ignored) for review.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
import uvicorn

from retrofit.web.app import create_app

pytestmark = pytest.mark.slow  # a server, a browser and several whole estimates

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "retrofit" / "samples" / "example_plant.csv"
SCREENSHOTS = ROOT / "tests" / "output" / "web"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCRIPT = "<script>alert(1)</script>"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """The app on a free loopback port, served by uvicorn in a thread; its address."""
    port = free_port()
    config = uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning")
    serving = uvicorn.Server(config)
    thread = threading.Thread(target=serving.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not serving.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    serving.should_exit = True
    thread.join(timeout=10)


def bad_inventory(text: str) -> str:
    """The example with three bad cells: a word as a power, an unknown measure, 150 % load."""
    rows = [line.split(",") for line in text.splitlines()]
    rows[1][6], rows[2][4], rows[3][11] = "abc", "换电机啦", "150%"
    return "\n".join(",".join(row) for row in rows) + "\n"


def open_download(page, selector: str, folder: Path) -> Path:
    with page.expect_download() as download:
        page.click(selector)
    path = folder / download.value.suggested_filename
    download.value.save_as(path)
    return path


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_page_in_headless_chromium(server, chromium, request, tmp_path, lang):
    sync_playwright, executable = chromium
    if lang == "zh":
        request.getfixturevalue("cjk_font")  # Chinese text needs a font with its glyphs
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    text = SAMPLE.read_text(encoding="utf-8")
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes(text.replace("³", "3").encode("gbk"))  # GBK has no ³
    bad = tmp_path / "bad.csv"
    bad.write_text(bad_inventory(text), encoding="utf-8")
    hostile = tmp_path / "hostile.csv"
    hostile.write_text(
        text.replace("上海示例机械厂", SCRIPT).replace("M-001", SCRIPT), encoding="utf-8"
    )
    problems: list[str] = []
    dialogs: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(
                accept_downloads=True, viewport={"width": 1280, "height": 1000}
            )
            page = context.new_page()
            # an estimate or a report drawn while the other xdist worker runs can take longer than
            # playwright's default 30 s on CI's 2 cores
            page.set_default_timeout(120_000)
            page.on(
                "console",
                lambda m: problems.append(f"{m.type}: {m.text}") if m.type == "error" else None,
            )
            page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
            page.on(
                "request",
                lambda r: (
                    problems.append(f"request elsewhere: {r.url}")
                    if not r.url.startswith(server)
                    else None
                ),
            )
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))

            # the start page, in the language asked for
            page.goto(f"{server}/?lang={lang}")
            start = "下载设备清单模板" if lang == "zh" else "Download the inventory template"
            assert start in page.inner_text("#step-template")
            page.screenshot(path=str(SCREENSHOTS / f"{lang}-start.png"), full_page=True)
            template = open_download(page, "#template-xlsx", tmp_path)
            header = "额定功率(kW)" if lang == "zh" else "rated_power_kw"
            sheet = openpyxl.load_workbook(template)["inventory"]
            assert header in [c.value for c in next(sheet.iter_rows(max_row=1))]

            # the bundled example: every plant's verdict, the subsidies, the charts
            page.set_input_files("#inventory", str(SAMPLE))
            page.click("#submit")
            page.wait_for_selector("#bai-yi-table")
            verdicts = page.inner_text("#bai-yi-table")
            counts = "★ 计入" if lang == "zh" else "★ counts"
            assert verdicts.count(counts) == 4 and "SH-0004" in verdicts
            assert "SH-355-SANSHOU" in page.inner_text("#need-table")
            page.wait_for_selector("#charts[data-loaded]", timeout=120_000)
            assert int(page.get_attribute("#charts", "data-loaded") or 0) >= 3
            page.wait_for_function(
                "[...document.querySelectorAll('img.chart')].every(i => i.complete "
                "&& i.naturalWidth > 0)",
                timeout=60_000,
            )
            page.screenshot(path=str(SCREENSHOTS / f"{lang}-results.png"), full_page=True)
            report = open_download(page, "#download-report", tmp_path)
            assert "百一" in report.read_text(encoding="utf-8")
            workbook = openpyxl.load_workbook(open_download(page, "#download-workbook", tmp_path))
            assert len(workbook.sheetnames) >= 4
            data = json.loads(open_download(page, "#download-json", tmp_path).read_bytes())
            assert len(data["plants"]) == 4

            # a GBK CSV
            page.goto(f"{server}/")
            page.set_input_files("#inventory", str(gbk))
            page.click("#submit")
            page.wait_for_selector("#bai-yi-table")
            assert "上海示例科技园区" in page.inner_text("#bai-yi-table")

            # a file with errors: every one at once, row, header as typed and cell
            page.goto(f"{server}/")
            page.set_input_files("#inventory", str(bad))
            page.click("#submit")
            page.wait_for_selector("#problems")
            rows = page.locator("tr.problem")
            assert rows.count() == 3
            listed = [rows.nth(i).inner_text() for i in range(3)]
            assert "额定功率(kW)" in listed[0] and "abc" in listed[0]
            assert "换电机啦" in listed[1] and "150%" in listed[2]
            page.screenshot(path=str(SCREENSHOTS / f"{lang}-problems.png"), full_page=True)
            # the language switch shows the same problems in the other language
            page.click("#lang-switch")
            page.wait_for_selector("#problems")
            assert page.locator("tr.problem").count() == 3
            other = "problems to correct" if lang == "zh" else "处问题需要修改"
            assert other in page.inner_text("#problems h2")

            # names that are scripts are shown as text and run nothing
            page.goto(f"{server}/")
            page.set_input_files("#inventory", str(hostile))
            page.click("#submit")
            page.wait_for_selector("#bai-yi-table")
            assert SCRIPT in page.inner_text("#bai-yi-table")
            page.wait_for_selector("#charts[data-loaded]", timeout=120_000)
            page.screenshot(path=str(SCREENSHOTS / f"{lang}-hostile.png"), full_page=True)
        finally:
            browser.close()
    assert dialogs == []
    assert problems == []
