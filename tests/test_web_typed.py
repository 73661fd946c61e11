"""The page's editable table (issue 21, point 2): a small inventory typed into the page, checked
as it is typed by the code that checks a file, its problems shown on their cells, estimated
through the upload flow.

The route tests use Starlette's TestClient; the browser test drives headless Chromium against
the app served by uvicorn on 127.0.0.1 (skipped without playwright or Chromium, a failure
under CI) and writes screenshots of the table with an error to ``tests/output/web/``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

pytest.importorskip("starlette")
pytest.importorskip("httpx")
from starlette.testclient import TestClient

from retrofit.columns import value_label
from retrofit.web.app import create_app
from retrofit.web.typed import MAX_TYPED_ROWS, typed_table

sys.path.insert(0, str(Path(__file__).resolve().parent))
from web_live import CHROMIUM_ARGS, live_server

SHOTS = Path(__file__).resolve().parent / "output" / "web"
#: The columns the table opens with: those the template's example motor row fills
FIRST_ZH = ["企业编号", "企业名称", "设备编号", "设备类型", "改造措施", "数量", "额定功率(kW)",
            "极数", "能效等级", "目标能效等级", "负载率", "年运行小时(h)", "投资额(元)",
            "电价(元/kWh)", "上年综合能耗(吨标准煤)"]  # fmt: skip
FIRST_EN = ["plant_id", "plant_name", "asset_id", "category", "measure", "quantity",
            "rated_power_kw", "poles", "efficiency_class", "target_class", "load_factor",
            "operating_hours_h", "investment_cny", "electricity_price_cny_per_kwh",
            "plant_energy_tce"]  # fmt: skip


def typed_rows(lang: str, power_m2: str) -> list[dict[str, str]]:
    """Three motors of plant P1, the second one's rated power ``power_m2``. The plant used
    10 tce last year: even a 1 % gain in efficiency on the 55 kW motor alone (55 kW × 0.8 ×
    4,000 h = 176,000 kWh in, 1,760 kWh saved, 0.216 tce at 0.1229 kgce/kWh) is 2.2 % of it,
    so the plant meets 百一 (a saving of 1 % of its energy) on either basis."""
    headers = FIRST_ZH if lang == "zh" else FIRST_EN
    motor = "电机" if lang == "zh" else "motor"
    replace = "电机更换" if lang == "zh" else "upgrade_motor"
    cells = [
        ["P1", "Plant one", "M1", motor, replace, "1", "55", "4", "IE2", "IE4", "0.8", "4000",
         "20000", "0.7", "10"],
        ["P1", "Plant one", "M2", motor, replace, "1", power_m2, "4", "IE2", "IE4", "0.8",
         "4000", "15000", "0.7", "10"],
        ["P1", "Plant one", "M3", motor, replace, "2", "22", "4", "IE2", "IE4", "0.8", "4000",
         "9000", "0.7", "10"],
    ]  # fmt: skip
    return [dict(zip(headers, row, strict=True)) for row in cells]


def failed(response) -> bool:
    """A response of the page's own that failed (the browser's own favicon request aside:
    the page names no icon, Chromium asks for one anyway)."""
    return response.status >= 400 and not response.url.endswith("/favicon.ico")


@pytest.fixture(scope="module")
def client():
    client = TestClient(create_app())
    client.get("/")
    return client


def csrf(client) -> str:
    return client.cookies.get("retrofit_csrf")


def test_the_table_opens_with_the_example_motor_rows_columns():
    assert [c.header for c in typed_table("zh").shown] == FIRST_ZH
    assert [c.name for c in typed_table("en").shown] == FIRST_EN
    assert [c.header for c in typed_table("en").shown] == FIRST_EN
    every = typed_table("zh").shown + typed_table("zh").addable
    assert len(every) == 110 and "空载损耗(kW)" in [c.header for c in typed_table("zh").addable]
    category = typed_table("zh").shown[3]
    assert category.choices == ("电机", "风机", "水泵", "空压机", "变压器", "数据中心", "充电桩")
    assert typed_table("zh").max_rows == MAX_TYPED_ROWS == 30


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_page_holds_the_table_in_its_language(client, lang):
    page = client.get(f"/?lang={lang}").text
    assert 'id="step-typed"' in page and 'data-max-rows="30"' in page
    first = FIRST_ZH if lang == "zh" else FIRST_EN
    assert all(f'<th data-header="{h}"' in page for h in first)
    assert '<script src="/static/typed-table.js" defer></script>' in page
    assert '<datalist id="choices-category"><option value="' in page
    assert client.get("/static/typed-table.js").status_code == 200


def test_typed_rows_are_checked_with_table_row_numbers(client):
    body = {"rows": typed_rows("zh", "abc"), "region": "national", "year": "2025", "lang": "zh"}
    answer = client.post("/api/validate", json=body, headers={"X-CSRF-Token": csrf(client)})
    assert answer.status_code == 200
    reply = answer.json()
    assert reply["valid"] is False and reply["total"] == 1
    [problem] = reply["problems"]
    assert problem["row"] == "2"  # the table's second row (a file would say row 3)
    assert problem["header"] == "额定功率(kW)" and problem["value"] == "abc"
    assert problem["suggestion"] == "数值 > 0 (kW)"
    body["rows"] = typed_rows("zh", "37")
    answer = client.post("/api/validate", json=body, headers={"X-CSRF-Token": csrf(client)})
    assert answer.json()["valid"] is True and answer.json()["rows"] == 3


def test_the_check_needs_the_csrf_header(client):
    body = {"rows": typed_rows("zh", "37")}
    assert client.post("/api/validate", json=body).status_code == 403
    answer = client.post("/api/validate", json=body, headers={"X-CSRF-Token": "forged" * 5})
    assert answer.status_code == 403


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_type_an_inventory_see_the_error_fix_it_and_estimate(chromium, lang):
    sync_playwright, executable = chromium
    rows = typed_rows(lang, "abc")
    power = "额定功率(kW)" if lang == "zh" else "rated_power_kw"
    dialogs: list[str] = []
    errors: list[str] = []
    SHOTS.mkdir(parents=True, exist_ok=True)
    with live_server() as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1100})
            # an estimate or a report drawn while the other xdist worker runs can take longer than
            # playwright's default 30 s on CI's 2 cores
            page.set_default_timeout(120_000)
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on(
                "response", lambda r: errors.append(f"{r.status} {r.url}") if failed(r) else None
            )
            page.goto(f"{base}/?lang={lang}")
            page.wait_for_selector("#step-typed[data-ready=true]")
            for number, row in enumerate(rows, start=1):
                for header, text in row.items():
                    page.fill(
                        f'#typed-table tr[data-row="{number}"] input[data-header="{header}"]', text
                    )
            bad = f'#typed-table tr[data-row="2"] td.bad input[data-header="{power}"]'
            page.wait_for_selector(bad, timeout=30_000)
            assert page.locator("#typed-table td.bad").count() == 1
            note = page.locator('#typed-table tr[data-row="2"] td.bad .cell-problem').inner_text()
            assert note == ("数值 > 0 (kW)" if lang == "zh" else "a number > 0 (kW)")
            status = page.locator("#typed-status").inner_text()
            assert status == ("共 1 处问题需要修改，已在单元格上标出" if lang == "zh"
                              else "1 problems to correct, marked on their cells")  # fmt: skip
            # back to the first column for the screenshot (typing the last one scrolled right)
            page.evaluate("document.querySelector('.typed-scroll').scrollLeft = 0")
            page.locator("#step-typed").screenshot(
                path=str(SHOTS / f"typed-table-error-{lang}.png")
            )

            # estimating with the error marked is refused on the page
            page.click("#typed-estimate")
            assert page.url.startswith(f"{base}/?lang={lang}")

            page.fill(f'#typed-table tr[data-row="2"] input[data-header="{power}"]', "37")
            page.wait_for_selector("#typed-status.ok", timeout=30_000)
            assert page.locator("#typed-table td.bad").count() == 0
            with page.expect_navigation(timeout=120_000):
                page.click("#typed-estimate")
            page.wait_for_selector("#bai-yi-table")
            verdict = value_label("bai_yi_status", "meets (estimate)", lang)
            plant_row = page.locator("#bai-yi-table tbody tr").first.inner_text()
            assert plant_row.startswith("P1") and verdict in plant_row
            file_name = "手填清单.csv" if lang == "zh" else "typed-inventory.csv"
            assert file_name in page.locator("#summary h2").inner_text()
            page.screenshot(path=str(SHOTS / f"typed-table-results-{lang}.png"), full_page=True)
        finally:
            browser.close()
    assert dialogs == [] and errors == []
