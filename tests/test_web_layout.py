"""The results page's layout in headless Chromium at a desktop's 1,280 px and a phone's 390 px,
as an auditor reads it: the page never scrolls sideways, a figure or an identifier is never
broken across lines, at 1,280 px every table fits its section and the headline cards sit in
one row, at 390 px a wide table scrolls by itself; the language switch is reached by the
keyboard and keeps the result. Screenshots go to tests/output/web/ (git-ignored) for review.
"""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from retrofit.web.app import create_app

pytestmark = pytest.mark.slow  # a server, a browser and a whole estimate per width

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "retrofit" / "samples" / "example_plant.csv"
SCREENSHOTS = ROOT / "tests" / "output" / "web"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"]

#: The cells of figures and identifiers whose text takes more than one line box
BROKEN_CELLS = """() => [...document.querySelectorAll('td.num, td.id')].filter(td => {
    const range = document.createRange();
    range.selectNodeContents(td);
    return range.getClientRects().length > 1;
}).map(td => td.textContent)"""
#: The tables wider than the section that holds them
OVERFLOWING_TABLES = """() => [...document.querySelectorAll('section table')].filter(t =>
    t.getBoundingClientRect().right > t.closest('section').getBoundingClientRect().right + 0.5
).map(t => t.id)"""


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """The app on a free loopback port, served by uvicorn in a thread; its address."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    serving = uvicorn.Server(
        uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning")
    )
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


@pytest.mark.parametrize("width", [1280, 390])
def test_the_results_page_at_a_desktops_and_a_phones_width(server, chromium, cjk_font, width):
    sync_playwright, executable = chromium
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": 900})
            # an estimate or a report drawn while the other xdist worker runs can take longer than
            # playwright's default 30 s on CI's 2 cores
            page.set_default_timeout(120_000)
            page.goto(f"{server}/?lang=zh")
            page.select_option("#region", "shanghai")
            page.set_input_files("#inventory", str(SAMPLE))
            page.click("#submit")
            page.wait_for_selector("#bai-yi-table")
            page.screenshot(path=str(SCREENSHOTS / f"layout-zh-{width}.png"), full_page=True)

            assert page.evaluate("document.documentElement.scrollWidth") <= width
            assert page.evaluate(BROKEN_CELLS) == []
            assert page.locator("td.num").count() > 40  # the figures are marked as such
            if width >= 1000:
                assert page.evaluate(OVERFLOWING_TABLES) == []
                tops = page.evaluate(
                    "[...document.querySelectorAll('.kpi')]"
                    ".map(k => Math.round(k.getBoundingClientRect().top))"
                )
                assert len(tops) == 4 and len(set(tops)) == 1
            else:
                scrolls = page.evaluate(
                    "(() => { const t = document.getElementById('payback-table');"
                    " return [getComputedStyle(t).overflowX, t.scrollWidth > t.clientWidth]; })()"
                )
                assert scrolls == ["auto", True]

            # the keyboard reaches the language switch (after the title), which keeps the result
            token = re.search(r"/result/([\w-]+)", page.get_attribute("#lang-switch", "href"))
            page.keyboard.press("Tab")
            page.keyboard.press("Tab")
            assert page.evaluate("document.activeElement.id") == "lang-switch"
            page.keyboard.press("Enter")
            page.wait_for_selector("#bai-yi-table")
            assert token is not None and page.url.endswith(f"/result/{token.group(1)}?lang=en")
            assert "Investment and payback per project" in page.inner_text("#payback")
            assert "万元" not in page.content()
            page.screenshot(path=str(SCREENSHOTS / f"layout-en-{width}.png"), full_page=True)
        finally:
            browser.close()
