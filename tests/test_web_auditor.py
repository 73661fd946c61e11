"""The results and problems pages as a Chinese auditor reads them: money in 万元 to 2 decimals,
tce to 2, CO2 to 1; the subsidies that need information one row per rule with its citation
and the template headers to fill in (never a command-line option); the 百一 table quoting
355号（十四） and telling a plant without previous-year energy which header to fill; the
accepted values of an unknown cell named in Chinese first. Expected values are worked by hand
from the bundled example (retrofit/samples/example_plant.csv) and the cited factors."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pandas as pd
import pytest
from starlette.testclient import TestClient

from retrofit.core.exceptions import InventoryIssue
from retrofit.money.incentives import needs_text
from retrofit.web.app import create_app
from retrofit.web.views import bai_yi_table, money, problems, subsidies

SAMPLE = Path("retrofit/samples/example_plant.csv")
#: GB/T 2589-2020 附录A: electricity 当量值 0.1229 kgce/kWh
EQUIVALENT_KGCE_PER_KWH = 0.1229
#: DB31/T 783-2026 附录A: electricity 等价值 in Shanghai 0.28078 kgce/kWh
SHANGHAI_EQUAL_VALUE_KGCE_PER_KWH = 0.28078


def table(page: str, table_id: str) -> list[list[str]]:
    """The rows (heading row first) of the table ``table_id`` of ``page``, cells as text."""
    body = re.search(rf'<table id="{table_id}">(.*?)</table>', page, re.DOTALL)
    assert body, table_id
    rows = re.findall(r"<tr>(.*?)</tr>", body.group(1), re.DOTALL)
    return [
        [
            html.unescape(re.sub(r"<[^>]+>", "", c)).strip()
            for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.DOTALL)
        ]
        for row in rows
    ]


@pytest.fixture(scope="module")
def pages() -> dict[str, str]:
    """The example's results page in Chinese and, through the language switch, in English
    (Shanghai, 2026, the 355号 pack)."""
    client = TestClient(create_app(), raise_server_exceptions=False)
    client.get("/")
    form = {
        "csrf_token": client.cookies.get("retrofit_csrf"),
        "policy": ["shanghai-2024"],
        "region": "shanghai",
        "year": "2026",
    }
    files = {"inventory": ("示例.csv", SAMPLE.read_bytes(), "text/csv")}
    chinese = client.post("/estimate?lang=zh", data=form, files=files)
    assert chinese.status_code == 200
    token = re.search(r"/result/([\w-]+)\?lang=en", chinese.text).group(1)
    english = client.get(f"/result/{token}?lang=en")
    return {"zh": chinese.text, "en": english.text}


@pytest.mark.slow  # a whole estimate
def test_a_vfd_rows_saving_reads_in_wan_yuan_and_tce_to_two_decimals(pages):
    """F-011 (变频改造 alone, 9.0 万元, 0.72 元/kWh) is the only row of its measure: its cost
    saved is its kWh × 0.72 元/kWh, in 万元; its coal is kWh × 0.1229 kgce/kWh (当量值) and
    × 0.28078 kgce/kWh (Shanghai 等价值), in tce to 2 decimals."""
    rows = table(pages["zh"], "savings-table")
    assert rows[0][-2:] == ["年节约电费 [万元/年]", "投资额 [万元]"]
    (vfd,) = [r for r in rows if r[0] == "加装变频器"]
    kwh = float(vfd[2].replace(",", ""))
    assert vfd[3] == f"{kwh * EQUIVALENT_KGCE_PER_KWH / 1000:,.2f}"
    assert vfd[4] == f"{kwh * SHANGHAI_EQUAL_VALUE_KGCE_PER_KWH / 1000:,.2f}"
    assert re.fullmatch(r"[\d,]+\.\d", vfd[5])  # CO2 to 1 decimal
    assert vfd[6] == f"{kwh * 0.72 / 10_000:,.2f}"
    assert vfd[7] == "9.00"
    # English keeps whole CNY
    (english,) = [r for r in table(pages["en"], "savings-table") if r[0] == "add_vfd"]
    assert english[7] == "90,000" and english[3] == f"{kwh * EQUIVALENT_KGCE_PER_KWH / 1000:,.3f}"


@pytest.mark.slow  # a whole estimate
def test_a_projects_investment_is_its_rows_sum_in_wan_yuan(pages):
    """SH-0001's eight rows invest 1.8 + 2.4 + 4.5 + 6.0 + 1.2 + 2.0 + 6.5 + 9.0 = 33.4 万元;
    SH-0004's three 800 + 12 + 32 = 844 万元."""
    rows = {r[0]: r for r in table(pages["zh"], "payback-table")[1:]}
    assert rows["SH-0001"][2] == "33.40" and rows["SH-0004"][2] == "844.00"
    # SH-0002 lacks an electricity price: the page names the template column, not --tariff
    assert "电价" in rows["SH-0002"][-1] and "--" not in rows["SH-0002"][-1]
    english = {r[0]: r for r in table(pages["en"], "payback-table")[1:]}
    assert english["SH-0001"][2] == "334,000"


@pytest.mark.slow  # a whole estimate
def test_the_rules_needing_information_are_one_row_each_with_citation_and_headers(pages):
    """355号 lists seven rules that need information for the example's four projects: seven
    rows, not 28. 三首 (355号（十六）: "不超过创新产品合同金额30%") would give SH-0001 30 % of
    33.40 万元 = 10.02 万元 and SH-0004 30 % of 844 万元 = 253.20 万元."""
    rows = table(pages["zh"], "need-table")
    assert rows[0] == [
        "政策",
        "文件与条款",
        "各项目如符合条件的金额（未计入）",
        "请在模板中填写以下表头后重新上传",
    ]
    assert len(rows) - 1 == 7
    assert len({r[0] for r in rows[1:]}) == 7
    (sanshou,) = [r for r in rows if r[0].startswith("SH-355-SANSHOU")]
    assert (
        sanshou[1]
        == "沪经信技〔2024〕355号 上海市推动工业领域大规模设备更新和创新产品扩大应用的专项行动 （十六）"
    )
    assert "项目 SH-0001：10.02 万元" in sanshou[2] and "项目 SH-0004：253.20 万元" in sanshou[2]
    assert sanshou[3] == "表头“三首”"
    (loan,) = [r for r in rows if r[0].startswith("SH-355-LOAN")]
    assert loan[1].endswith("（七）")
    # the four projects whose amount is unknown share one line
    assert loan[2] == "项目 SH-0001、SH-0002、SH-0003、SH-0004：补充信息后方可计算"
    assert loan[3] == "表头“融资方式”、表头“贷款金额(元)”、表头“贷款利率”"
    assert all("--" not in r[3] and "参数" not in r[3] for r in rows[1:])
    english = table(pages["en"], "need-table")
    (loan_en,) = [r for r in english if r[0].startswith("SH-355-LOAN")]
    assert loan_en[3] == "column financing, column loan_principal_cny, column loan_rate"


@pytest.mark.slow  # a whole estimate
def test_the_bai_yi_section_quotes_355_and_names_the_header_to_fill(pages):
    assert "百一：355号（十四）“实现年节能量1%”" in pages["zh"]
    assert "估算" in re.search(r'<p id="bai-yi-what">(.*?)</p>', pages["zh"]).group(1)
    rows = {r[0]: r for r in table(pages["zh"], "bai-yi-table")[1:]}
    # SH-0003 gives no 上年综合能耗: the template header to fill
    assert rows["SH-0003"][-1].endswith("请在表头“上年综合能耗(吨标准煤)”填写后重新上传")
    assert "请在表头" not in rows["SH-0001"][-1]
    assert rows["SH-0001"][2] == "1,200.00"
    # the example gives no basis: Shanghai's default is an assumption, and says so
    assert rows["SH-0001"][3] == "等价值（地区缺省）"
    english = {r[0]: r for r in table(pages["en"], "bai-yi-table")[1:]}
    assert english["SH-0003"][-1].endswith("fill in column plant_energy_tce and upload again")
    assert english["SH-0003"][3] == "equal-value (等价值) (region default)"
    # the headline figure on the counting basis (等价值, every plant's) is marked
    kpi = re.search(r'<div class="kpi counts">(.*?)</div></div>', pages["zh"], re.DOTALL).group(1)
    assert "等价值" in kpi and "★ 计入" in kpi


@pytest.mark.slow  # a whole estimate
def test_the_english_page_writes_no_wan_yuan(pages):
    assert "万元" not in pages["en"] and "请在" not in pages["en"]


def test_money_is_wan_yuan_to_two_decimals_in_chinese_and_whole_cny_in_english():
    assert money(1_234_567, "zh") == "123.46"
    assert money(1_234_567, "en") == "1,234,567"
    assert money(None, "zh") == money(float("nan"), "en") == "–"


def test_an_unknown_measure_lists_the_chinese_names_first_on_the_chinese_page():
    expected = "one or more of upgrade_motor, add_vfd joined with + (or 电机更换, 变频改造)"
    issue = InventoryIssue("unknown-value", "a.csv", 2, "改造措施", "换电机", expected)
    (chinese,) = problems([issue], {"measure": "改造措施"}, "zh")
    assert chinese.suggestion == (
        "以下一项或多项（用 + 连接）：电机更换、变频改造（也可填代码：upgrade_motor, add_vfd）"
    )
    assert (chinese.column, chinese.header) == ("改造措施", "改造措施")
    (english,) = problems([issue], {"measure": "改造措施"}, "en")
    assert english.suggestion == expected


def test_a_rule_without_a_clause_cites_its_document_alone():
    listing = pd.DataFrame(
        [
            {
                "project_id": "P1",
                "rule_id": "R1",
                "name": "rule",
                "name_zh": "规则",
                "status": "applies",
                "amount_cny": 25_000.0,
                "potential_cny": None,
                "why": "ok",
                "why_zh": "符合",
                "needs": "",
                "document": "某文件",
                "clause": "",
            }
        ]
    )
    found = subsidies(listing, "zh")
    assert found is not None
    assert found.apply.rows == [["P1", "R1 规则", "2.50", "某文件", "符合"]]


def test_the_counting_basis_and_tce_digits_follow_the_language():
    plants = pd.DataFrame(
        [
            {
                "plant_id": "P1",
                "plant_name": "甲厂",
                "plant_energy_tce": 1234.5,
                "plant_energy_basis": "equivalent",
                "saving_share_equivalent": 0.02,
                "saving_share_equal_value": 0.04,
                "bai_yi_target_share": 0.01,
                "bai_yi_status": "meets (estimate)",
            }
        ]
    )
    assert bai_yi_table(plants, "zh").rows[0][2:6:3] == ["1,234.50", "达到（估算） ★ 计入"]
    assert bai_yi_table(plants, "en").rows[0][2] == "1,234.500"


def test_the_problems_page_keeps_the_options_the_user_chose():
    """A file with a problem comes back with the form as filled: Shanghai, 2025, 当量值 and
    the two packs ticked, not the defaults (national, this year, 355号 only)."""
    client = TestClient(create_app(), raise_server_exceptions=False)
    client.get("/")
    text = SAMPLE.read_text(encoding="utf-8").replace("电机更换", "换电机", 1)
    form = {
        "csrf_token": client.cookies.get("retrofit_csrf"),
        "policy": ["shanghai-2025", "national"],
        "region": "shanghai",
        "year": "2025",
        "plant_energy_basis": "equivalent",
    }
    files = {"inventory": ("bad.csv", text.encode("utf-8"), "text/csv")}
    page = client.post("/estimate?lang=zh", data=form, files=files).text
    assert 'id="problems"' in page
    assert '<option value="shanghai" selected>' in page
    assert '<option value="national" selected>' not in page
    assert 'name="year" min="2000" max="2100" value="2025"' in page
    assert '<option value="equivalent" selected>' in page
    ticked = re.findall(r'name="policy" value="([\w-]+)" checked', page)
    assert ticked == ["shanghai-2025", "national"]
    # the unknown measure's accepted values: Chinese names first
    (suggestion,) = re.findall(r'data-type="unknown-value">.*?</tr>', page, re.DOTALL)
    assert "电机更换、变频改造" in suggestion and "（也可填代码：upgrade_motor" in suggestion


def test_a_needed_input_without_options_names_the_template_header_alone():
    """The CLI names the column and its option; a page with no command line names the
    column alone (the template's Chinese header: 融资方式, 三首)."""
    assert needs_text("financing, sanshou", "zh") == "表头“融资方式”或参数 --financing、表头“三首”"
    assert needs_text("financing, sanshou", "zh", options=False) == "表头“融资方式”、表头“三首”"
    assert needs_text("financing", "en", options=False) == "column financing"
    assert needs_text("financing") == "financing (column financing or --financing loan|lease|own)"


@pytest.mark.slow  # a whole estimate
def test_the_title_names_the_file_and_the_tool_and_a_blank_sum_is_explained(pages):
    assert "<title>示例.csv：测算结果 · retrofit — 设备更新节能自评</title>" in pages["zh"]
    assert (
        "<title>示例.csv: results · retrofit — energy-saving self-assessment</title>"
        in (pages["en"])
    )
    # 更换高效电机: SH-0002's P-102 has no investment and F-201 no price, so no sum in 万元
    (motors,) = [r for r in table(pages["zh"], "savings-table") if r[0] == "更换高效电机"]
    assert motors[-2:] == ["–", "–"]
    assert "不列部分合计" in pages["zh"]
