"""The HTML report: content, self-containment, and a real headless browser (Chromium).

The browser test needs Chromium from the OS packages (``.ci/run`` installs it when missing),
the ``playwright`` Python package (test extras) and, in Chinese, a CJK font; it is skipped
locally without them and fails under CI (the ``chromium`` and ``cjk_font`` fixtures of
conftest.py). It saves a screenshot to build/screenshots/ for review.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from retrofit import estimate
from retrofit.cli import cli
from retrofit.report.html import render_html

#: whole HTML reports rendered (several with figures): `make test` runs them, `make test-fast` leaves them out
pytestmark = pytest.mark.slow

SAMPLE = "retrofit/samples/example_plant.csv"
ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "build" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def result():
    return estimate(SAMPLE, year=2026, policy="shanghai-2024,national", uncertainty=2000, seed=11)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_report_holds_every_section_and_no_external_resource(result, lang):
    page = render_html(result, lang=lang)
    for section in (
        "summary",
        "measures",
        "economics",
        "uncertainty",
        "figures",
        "assumptions",
        "caveats",
    ):
        assert f"id='{section}'" in page, section
    # self-contained: no script, no stylesheet or image fetched from anywhere
    assert "<script" not in page
    assert not re.search(r"""(src|href)=["'](https?:|//)""", page)
    assert page.count("<svg") >= 2  # supply curves and the tornado, inline
    total = result.assets["coal_saved_tce"].sum()
    # a Chinese report writes tce to 2 decimals, as Chinese audits do
    assert (f"{total:,.3f} tce" if lang == "en" else f"{total:,.2f} tce") in page
    # every default and every reference table used is named, with its source
    for d in result.assumptions["defaults"].values():
        assert d["source"][:40].replace("'", "&#x27;") in page
    for name in result.assumptions["tables"]:
        assert f"<td>{name}</td>" in page
    assert "@media print" in page and "thead { display: table-header-group; }" in page


def test_report_in_chinese_names_the_basis_and_100_percent_rule(result):
    page = render_html(result, lang="zh")
    assert '<html lang="zh-CN">' in page
    assert "节能改造评估报告" in page and "当量值" in page and "百一" in page


# 沪经信技〔2024〕355号（十四）, original text: the report quotes it, not a paraphrase of it
SH355_BAI_YI = "开展工业企业“百一”行动，通过推广节能高效产品、淘汰落后设备、优化节能管理等综合措施，实现年节能量1%。"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_report_quotes_355_for_bai_yi_and_names_the_reading(result, lang):
    page = render_html(result, lang=lang)
    assert "（十四）" in page and SH355_BAI_YI in page
    assert "每年节约上年用能量的1%" not in page  # the old paraphrase
    reading = "confidence L" if lang == "en" else "是本工具的理解，置信度 L"
    assert reading in page


@pytest.mark.slow
def test_report_command_writes_html_and_xlsx(tmp_path):
    runner = CliRunner()
    html = tmp_path / "r.html"
    done = runner.invoke(cli, ["report", SAMPLE, "--year", "2026", "-o", str(html), "--lang", "zh"])
    assert done.exit_code == 0, done.output
    assert html.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    bad = runner.invoke(cli, ["report", SAMPLE, "-o", str(tmp_path / "r.pdf")])
    assert bad.exit_code == 2


def _chinese_font_families(fc_list: str) -> set[str]:
    """Families fontconfig says cover Chinese (what Chromium may draw Chinese with)."""
    import subprocess

    listing = subprocess.run(
        [fc_list, ":lang=zh", "family"], capture_output=True, text=True, check=True
    ).stdout
    return {name.strip() for line in listing.splitlines() for name in line.split(",")}


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_report_renders_in_headless_chromium(result, tmp_path, lang, chromium, request):
    sync_playwright, executable = chromium
    chinese_families: set[str] = set()
    if lang == "zh":
        # the same rule as the plot tests: no Chinese font skips locally and fails under CI
        request.getfixturevalue("cjk_font")
        chinese_families = _chinese_font_families(request.getfixturevalue("fontconfig"))
    path = tmp_path / f"report_{lang}.html"
    path.write_text(render_html(result, lang=lang), encoding="utf-8")
    problems: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            page.on(
                "console",
                lambda m: (
                    problems.append(f"{m.type}: {m.text}")
                    if m.type in ("error", "warning")
                    else None
                ),
            )
            page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
            page.on(
                "request",
                lambda r: (
                    problems.append(f"request: {r.url}") if not r.url.startswith("file:") else None
                ),
            )
            page.goto(path.as_uri())
            page.wait_for_load_state("load")
            assert problems == []
            # the headline figures are on screen
            digits = 2 if lang == "zh" else 3  # a Chinese report writes tce to 2 decimals
            total = f"{result.assets['coal_saved_tce'].sum():,.{digits}f}"
            kpis = page.locator("#kpis")
            assert kpis.is_visible() and total in kpis.inner_text()
            for plant in result.plants["plant_id"]:
                assert page.locator("#summary table").first.get_by_text(plant).is_visible()
            assert page.locator("#figures svg").first.is_visible()
            # Chinese text is drawn with a font that has the glyphs (no tofu boxes)
            if lang == "zh":
                session = page.context.new_cdp_session(page)
                session.send("DOM.enable")
                session.send("CSS.enable")
                root = session.send("DOM.getDocument")["root"]["nodeId"]
                h1 = session.send("DOM.querySelector", {"nodeId": root, "selector": "h1"})
                fonts = session.send("CSS.getPlatformFontsForNode", {"nodeId": h1["nodeId"]})[
                    "fonts"
                ]
                assert fonts and all(f["glyphCount"] > 0 for f in fonts), fonts
                assert {f["familyName"] for f in fonts} <= chinese_families, fonts
                assert page.locator("h1").inner_text() == "节能改造评估报告"
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / f"report_{lang}.png"), full_page=True)
            # print layout: table headers repeat on each page, and the page prints to PDF
            page.emulate_media(media="print")
            display = page.evaluate("getComputedStyle(document.querySelector('thead')).display")
            assert display == "table-header-group"
            pdf = page.pdf(format="A4")
            assert pdf[:4] == b"%PDF" and pdf.count(b"/Type /Page") >= 2
        finally:
            browser.close()
