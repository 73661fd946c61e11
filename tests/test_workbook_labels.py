"""The audit workbook's summary speaks the run's language only (issue 19): its labels come from
the glossary (columns.csv, vocabulary.csv, vocabulary_en.csv), Chinese only under zh, English
only under en, both when no language is given; output column names (row 1 of the data
sheets) stay English."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pytest

from retrofit import estimate
from retrofit.io.workbook import write_workbook

SAMPLE = Path(__file__).resolve().parent.parent / "retrofit" / "samples" / "example_plant.csv"
CJK = re.compile(r"[\u4e00-\u9fff]")
#: Chinese terms an English label keeps, as the glossary writes them (百一 target share)
CHINESE_TERMS = ("百一", "当量值", "等价值")


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    result = estimate(SAMPLE, year=2026)
    folder = tmp_path_factory.mktemp("labels")
    paths = {}
    for lang in ("zh", "en", None):
        paths[lang] = folder / f"{lang}.xlsx"
        write_workbook(result, paths[lang], style="audit", lang=lang)
    return {lang: openpyxl.load_workbook(path) for lang, path in paths.items()}


def _labels(ws) -> list[str]:
    """Column A of the summary: the labels a reader reads first (plant ids aside)."""
    return [
        str(r[0])
        for r in ws.iter_rows(values_only=True)
        if r[0] and not str(r[0]).startswith("SH-")
    ]


def test_zh_summary_is_chinese_only(books):
    rows = list(books["zh"]["summary"].iter_rows(values_only=True))
    labels = _labels(books["zh"]["summary"])
    assert labels[:4] == ["retrofit", "清单", "折算口径", "核算年度"]
    assert rows[0][1] == "节能改造评估"
    assert rows[2][1] == "当量值" and rows[2][2].startswith("年节能量（coal_saved_tce）按此口径")
    assert "合计" in labels and "投资额（部分行为空）" in labels
    header = next(r for r in rows if r[0] == "合计")
    assert header == ("合计", "公式", "单位", "程序计算值", "公式文本", None, None)
    money = next(r for r in rows if r[0] == "投资额（部分行为空）")
    assert money[2] == "万元"  # 9,531,000 元 shown as 953.1万 (the cell keeps 元)
    verdict = next(r for r in rows if r[0] == "SH-0001")[5]
    assert verdict == '=IF(ISNUMBER(C18),IF(D18>=E18,"达到","未达到"),"未知")'
    words = [w for label in labels[1:] for w in re.findall(r"[A-Za-z]{2,}", label)]
    assert set(words) <= {"SUMIF", "tce", "kWh", "kW"}, words


def test_en_summary_is_english_only(books):
    rows = list(books["en"]["summary"].iter_rows(values_only=True))
    labels = _labels(books["en"]["summary"])
    assert labels[:4] == ["retrofit", "input", "tce basis", "accounting year"]
    assert rows[0][1] == "energy-saving retrofit assessment" and rows[2][1] == "equivalent"
    header = next(r for r in rows if r[0] == "total")
    assert header[:5] == ("total", "formula", "unit", "value computed by retrofit", "formula text")
    plants = next(r for r in rows if r[0] == "plant")
    assert plants[1] == "standard coal saved [tce/yr] (SUMIF)"
    verdict = next(r for r in rows if r[0] == "SH-0001")[5]
    assert verdict == '=IF(ISNUMBER(C18),IF(D18>=E18,"meets","short"),"unknown")'
    for text in [*labels, *(str(c) for c in plants if c)]:
        for term in CHINESE_TERMS:
            text = text.replace(term, "")
        assert not CJK.search(text), text


def test_both_languages_when_none_is_given(books):
    labels = _labels(books[None]["summary"])
    assert labels[1:3] == ["input 清单", "tce basis 折算口径"]


def test_column_names_stay_english(books):
    for lang in ("zh", "en"):
        names = [c.value for c in books[lang]["assets"][1]]
        assert names[:3] == ["plant_id", "plant_name", "asset_id"], names[:3]


def test_choice_values_read_in_the_workbook_language(books):
    """The example's fan F-011 is throttled (调节方式 阀门调节): the zh workbook names the
    control in Chinese from the vocabulary, the en one keeps the code."""
    for lang, word in (("zh", "阀门节流调节"), ("en", "throttle")):
        ws = books[lang]["assets"]
        names = [c.value for c in ws[1]]
        j = names.index("control")
        values = {row[j] for row in ws.iter_rows(min_row=3, values_only=True)}
        assert word in values, values


def test_zh_assumptions_name_models_and_rules_in_chinese(books):
    """The zh assumptions sheet writes each model's and rule's text from the vocabulary; the
    en one the English; keys stay the JSON's (a reviewer searches for them)."""
    rows = {r[0]: r[1] for r in books["zh"]["assumptions"].iter_rows(min_row=3, values_only=True)}
    assert rows["models.charger"].startswith("每台充电桩：输入电量 = 充电量 ÷ η")
    assert rows["economics.payback_years"].startswith("投资回收期 = 投资额 ÷ (年节约电费")
    english = {
        r[0]: r[1] for r in books["en"]["assumptions"].iter_rows(min_row=3, values_only=True)
    }
    assert english["economics.payback_years"].startswith("investment_cny ÷ (cost_saved_cny")
