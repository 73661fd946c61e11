"""Money in the Chinese deliverables is in 万元 to 2 decimals wherever a person reads it
(issue 19): the incentives listing, the estimate's goals block, the projects table and the
portfolio summary. The JSON and CSV keep 元 with every digit under ``_cny`` names."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from retrofit import estimate
from retrofit.report.terminal import render_incentives, render_portfolio, render_table

SAMPLE = Path(__file__).resolve().parent.parent / "retrofit" / "samples" / "example_plant.csv"


@pytest.fixture(scope="module")
def result():
    return estimate(SAMPLE, year=2026, policy="shanghai-2024")


def test_incentives_listing_in_wan(result):
    """SH-0001 invests 33.4 万元 (1.8 + 2.4 + … 万元 typed in 投资额(万元)); 355号（七） gives a
    particularly major project 10 % of its investment: 3.34 万元 if it qualifies."""
    text = render_incentives(result, lang="zh")
    head = next(line for line in text.splitlines() if line.startswith("项目 SH-0001"))
    assert "投资 33.40 万元" in head and re.search(
        r"净现值 [\d,]+\.\d{2} → [\d,]+\.\d{2} 万元", head
    )
    major = next(line for line in text.splitlines() if "SH-355-MAJOR" in line)
    assert major.endswith("如符合条件：最多 3.34 万元，未计入")
    assert "计入的政策支持：0.00 万元" in text
    assert not re.search(r"\d 元", text)  # no amount left in 元
    english = render_incentives(result, lang="en")
    assert "investment 334,000;" in english and "up to 33,400 CNY, not counted" in english


def test_goals_block_and_projects_in_wan(result):
    """The example's investments add up to 9,531,000 元 = 953.10 万元 against the 355号
    2,000 亿元 (20,000,000 万元) renewal-investment goal."""
    text = render_table(result, lang="zh")
    assert "工业设备更新投资：953.10 / 20,000,000 万元（目标年 2027）" in text
    assert re.search(r"累计节能量：[\d,]+\.\d{2} / 500,000 tce（目标年 2027）", text)
    assert "年节约费用 [万元/年]" in text and "投资额 [万元]" in text
    english = render_table(result, lang="en")
    assert "9,531,000.0 of 200,000,000,000 CNY (by 2027)" in english


def test_portfolio_summary_in_wan_and_tce_to_two_decimals():
    from retrofit.portfolio.runner import portfolio

    text = render_portfolio(portfolio([SAMPLE], year=2026), lang="zh")
    assert "至今 953.10 / 20,000,000 万元" in text
    assert re.search(r"节能能力 [\d,]+\.\d{2} tce/年", text)


def test_json_keeps_yuan(result):
    assert result.projects.set_index("project_id").loc["SH-0001", "investment_cny"] == 334_000
