"""The 百一 line of a plant's supply curve quotes 355号 as the reports do (issue 16, point 7):
“实现年节能量1%” from 沪经信技〔2024〕355号（十四）, never the paraphrase "1 % of
previous-year energy"."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("matplotlib")

import retrofit
from retrofit.plotting.estimate import bai_yi_label, estimate_figures
from retrofit.plotting.fonts import find_cjk_font

SAMPLE = Path(retrofit.__file__).parent / "samples" / "example_plant.csv"

# the goal row of goals_shanghai_2024 (bai_yi), as the run records it
GOAL = {
    "bai_yi": {
        "document": "沪经信技〔2024〕355号 上海市推动工业领域大规模设备更新和创新产品扩大应用的专项行动",
        "clause": "（十四）",
        "quote": "开展工业企业“百一”行动，通过推广节能高效产品、淘汰落后设备、优化节能管理等综合"
        "措施，实现年节能量1%。",
    }
}


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "百一, 355号（十四）: “实现年节能量1%” (54.0 tce/yr)"),
        ("zh", "百一，355号（十四）：“实现年节能量1%”（54.0 tce/年）"),
    ],
)
def test_label_quotes_the_clause(lang, expected):
    # SH-0002: 1 % of 5,400 tce = 54.0 tce/yr
    assert bai_yi_label(GOAL, 54.0, lang) == expected


def test_without_a_quoted_goal_the_label_has_only_the_value():
    assert bai_yi_label({}, 12.0, "en") == "百一 (12.0 tce/yr)"


@pytest.mark.skipif(find_cjk_font() is None, reason="no CJK font: Chinese labels are stripped")
def test_plant_figures_carry_the_quote():
    result = retrofit.estimate(
        SAMPLE, year=2026, region="shanghai", plant_energy_basis="equivalent"
    )
    figures = {stem: ax for stem, _, ax in estimate_figures(result, lang="zh")}
    labels = [line.get_label() for line in figures["supply_curve_SH-0002"].get_lines()]
    quoted = [text for text in labels if "实现年节能量1%" in text]
    assert quoted, labels
    assert "上年能耗的1%" not in " ".join(labels)
    # 1 % of SH-0002's 5,400 tce
    assert "54.0" in quoted[0]
