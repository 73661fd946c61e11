"""The HTML report's measures table: the client's own columns, the inputs a reviewer checks,
and a layout that fits a 1,280 px window and A4 paper (checked in headless Chromium).

Expected savings are worked by hand from the inputs written below:
- M-01: 2 × 55 kW × 1.00 × 4,000 h × (1/0.91 − 1/0.95) = 440,000 × 0.046270 = 20,358.6 kWh
- M-02: 30 kW × 1.00 × 3,000 h × (1/0.90 − 1/0.94) = 90,000 × 0.047281 = 4,255.3 kWh
- C-01: 110 kW × 1.00 × 6,000 h × (1 − 6.5/8.0) = 660,000 × 0.1875 = 123,750 kWh
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from retrofit import estimate
from retrofit.report.html import render_html

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "benchmarks"))
SAMPLE = "retrofit/samples/example_plant.csv"
SCREENSHOTS = ROOT / "build" / "screenshots"
#: as tests/test_report_html.py
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"]

PLANT_A = "91310000MA1FL0001X"
PLANT_B = "91310000MA1FL0002Y"
INVENTORY = f"""企业编号,企业名称,设备编号,设备名称,设备类型,改造措施,数量,额定功率(kW),极数,效率(%),目标效率(%),负载率,年运行小时,上年综合能耗(tce),空压机类型,比功率(kW/(m³/min)),目标比功率(kW/(m³/min)),排气压力(MPa),冷却方式
{PLANT_A},甲厂,M-01,1号主电机,电机,电机更换,2,55,4,91,95,100%,4000,1000,,,,,
{PLANT_A},甲厂,M-02,2号主电机,电机,电机更换,1,30,4,90,94,100%,3000,1000,,,,,
{PLANT_B},乙厂,C-01,空压站1号机,空压机,设备更新,1,110,,,,100%,6000,2000,螺杆,8.0,6.5,0.8,风冷
"""
#: A4 at 96 px per inch less the print CSS's 12 mm side margins (@page)
A4_PORTRAIT_CONTENT_PX = round((210 - 24) / 25.4 * 96)  # 703
A4_LANDSCAPE_CONTENT_PX = round((297 - 24) / 25.4 * 96)  # 1032


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    path = tmp_path_factory.mktemp("layout") / "two_plants.csv"
    path.write_text(INVENTORY, encoding="utf-8")
    return estimate(path, year=2026)


def _section(page: str, name: str) -> str:
    start = page.index(f"<section id='{name}'>")
    return page[start : page.index("</section>", start)]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_measures_table_groups_by_plant_and_names_each_asset(small, lang):
    measures = _section(render_html(small, lang=lang, figures=False), "measures")
    # the credit code once per plant group, not on every row
    assert measures.count(PLANT_A) == 1 and measures.count(PLANT_B) == 1
    assert re.search(rf"<tr class='plant'><th colspan='\d+'>{PLANT_A} 甲厂</th></tr>", measures)
    # the client's own 设备名称 right after the asset id, which never wraps
    assert "<th class='id'>" in measures and "<th>设备名称</th>" in measures
    assert "<td class='id'>M-01</td><td>1号主电机</td>" in measures
    assert "<td class='id'>C-01</td><td>空压站1号机</td>" in measures
    # the inputs a reviewer checks: quantity, kW, load, hours
    row = measures[measures.index("<td class='id'>M-01</td>") :].split("</tr>")[0]
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", row)
    assert cells[4:8] == ["2", "55", "1", "4,000"]
    # the figure each measure changes, before → after, as typed in the inventory
    efficiency, specific_power = ("η", "specific power") if lang == "en" else ("效率", "比功率")
    assert f"{efficiency} 91.0 → 95.0 %" in measures
    assert f"{efficiency} 90.0 → 94.0 %" in measures
    assert f"{specific_power} 8.00 → 6.50 kW/(m³/min)" in measures
    # the savings worked by hand (module docstring)
    for kwh in ("20,359", "4,255", "123,750"):
        assert f"<td class='num'>{kwh}</td>" in measures


def test_before_after_judges_a_drive_by_its_shaft_power_and_leaks_by_energy():
    from retrofit.report.html import before_after

    drive = pd.Series(
        {
            "category": "fan",
            "measure": "add_vfd",
            "efficiency_baseline_pct": 93.0,
            "efficiency_retrofit_pct": 91.0,  # a motor at part load: not what a VSD improves
            "baseline_shaft_kw": 40.0,
            "retrofit_shaft_kw": 25.0,
        }
    )
    assert before_after(drive, "en") == "shaft power 40.0 → 25.0 kW"
    leaks = pd.Series(
        {
            "category": "compressor",
            "measure": "fix_leaks",
            "baseline_energy_kwh": 400_000.0,
            "retrofit_energy_kwh": 340_000.0,
        }
    )
    assert before_after(leaks, "zh") == "耗电量 400,000 → 340,000 kWh/年"


def factory_inventory(path: Path, rows: int = 32) -> Path:
    """The campus mix of every system module (32 rows) with the client's own 设备名称."""
    from bench_estimate import synthetic_campus_inventory

    frame = synthetic_campus_inventory(rows)
    names = {"motor": "主电机", "pump": "循环水泵", "fan": "引风机", "compressor": "空压机"}
    frame.insert(
        frame.columns.get_loc("asset_id") + 1,
        "设备名称",
        [f"{names.get(c, '设备')}{i + 1}号" for i, c in enumerate(frame["category"])],
    )
    frame.to_csv(path, index=False)
    return path


#: Every table and figure of the page whose right edge passes the content box, with its width
OVERFLOW = """() => {
  const limit = document.body.getBoundingClientRect().right + 0.5;
  return Array.from(document.querySelectorAll('table, figure'))
    .filter(t => t.getBoundingClientRect().right > limit || t.scrollWidth > t.clientWidth + 1)
    .map(t => [(t.closest('section') || {}).id, Math.round(t.getBoundingClientRect().width)]);
}"""
#: Id cells whose text is drawn on more than one line
WRAPPED_IDS = """() => Array.from(document.querySelectorAll('td.id')).filter(td => {
  const range = document.createRange(); range.selectNodeContents(td);
  return range.getClientRects().length > 1;
}).map(td => td.textContent)"""


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("inventory", ["demo", "factory32"])
def test_measures_table_fits_a_window_and_a4_in_chromium(
    tmp_path, lang, inventory, chromium, request
):
    sync_playwright, executable = chromium
    if lang == "zh":
        request.getfixturevalue("cjk_font")
    source = SAMPLE if inventory == "demo" else factory_inventory(tmp_path / "factory.csv")
    result = estimate(source, year=2026, policy="shanghai-2024,national")
    path = tmp_path / f"report_{inventory}_{lang}.html"
    path.write_text(render_html(result, lang=lang), encoding="utf-8")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            page.goto(path.as_uri())
            page.wait_for_load_state("load")
            width, client = page.evaluate(
                "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
            )
            assert width <= client == 1280
            assert page.evaluate(OVERFLOW) == []
            assert page.locator("table.measures td.id").count() == len(result.assets)
            assert page.evaluate(WRAPPED_IDS) == []
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / f"measures_{inventory}_{lang}.png"))
            # print: every table fits an A4 portrait page; the wide measures and economics
            # tables go on landscape pages (@page wide) and fit those as well
            page.emulate_media(media="print")
            for width in (A4_PORTRAIT_CONTENT_PX, A4_LANDSCAPE_CONTENT_PX):
                page.set_viewport_size({"width": width, "height": 1000})
                assert page.evaluate(OVERFLOW) == [], width
                assert page.evaluate(WRAPPED_IDS) == [], width
            assert (
                page.evaluate("getComputedStyle(document.querySelector('#measures')).page")
                == "wide"
            )
            pdf = page.pdf(format="A4", prefer_css_page_size=True)
            sizes = Counter(re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf))
            landscape = sum(n for (w, h), n in sizes.items() if float(w) > float(h))
            portrait = sum(n for (w, h), n in sizes.items() if float(w) < float(h))
            assert landscape >= 1 and portrait >= 1, sizes
        finally:
            browser.close()
