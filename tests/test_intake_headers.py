"""Issue 17, points 1–3: every header form the README and the template promise reads; every
header the reader does not map is listed, and one that resembles a known column is an error
naming both until the user maps or keeps it; one pass reports every problem of a file, one per
cell, in Chinese when the headers are.

Expected values are written by hand: the column each real audit header means, the 万元 factor
(1 万元 = 10,000 元) and the problems a four-row self-assessment sheet holds, row by row."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from click.testing import CliRunner

import retrofit
from retrofit.cli import cli
from retrofit.core.exceptions import InventoryError, InventoryIssue, OptionError
from retrofit.core.messages import issue_text, language_of_headers, with_flag_hints
from retrofit.inventory import schema
from retrofit.inventory.headers import match_inventory_header, resembled_column
from retrofit.inventory.reading import read_inventory, validate_frame
from retrofit.inventory.template import template_headers

ROW = "55,4,IE2,6000"


def write(tmp_path, text: str, name: str = "plant.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- point 1: every layout the README and the template promise -------------------------

#: docs/inventory-columns.md: "with only 企业名称, the name is the plant identifier too"
NAME_ONLY = (
    "企业名称,设备编号,设备类型,改造措施,额定功率(kW),极数,能效等级,年运行小时\n"
    f"示例机械厂,M-1,电机,电机更换,{ROW}\n"
    f"示例机械厂,M-2,电机,电机更换,{ROW}\n"
)


def test_name_without_id_reads_as_plant_id_and_plant_name(tmp_path):
    inv = read_inventory(write(tmp_path, NAME_ONLY))
    assert inv.assets["plant_id"].tolist() == ["示例机械厂", "示例机械厂"]
    assert inv.assets["plant_name"].tolist() == ["示例机械厂", "示例机械厂"]


def test_name_without_id_validates_and_estimates_cli(tmp_path):
    path = write(tmp_path, NAME_ONLY)
    runner = CliRunner()
    validated = runner.invoke(cli, ["validate", str(path)])
    assert validated.exit_code == 0, validated.output
    assert "Traceback" not in validated.output
    out = tmp_path / "out.json"
    estimated = runner.invoke(cli, ["estimate", str(path), "-o", str(out)])
    assert estimated.exit_code == 0, estimated.output
    assert json.loads(out.read_text(encoding="utf-8"))["plants"][0]["plant_id"] == "示例机械厂"


def test_english_plant_name_without_id_api():
    frame = pd.DataFrame(
        {
            "plant_name": ["Acme Works"],
            "asset_id": ["M1"],
            "category": ["motor"],
            "measure": ["upgrade_motor"],
            "rated_power_kw": [55.0],
            "poles": [4],
            "efficiency_class": ["IE2"],
        }
    )
    result = retrofit.estimate(frame)
    assert result.plants["plant_id"].tolist() == ["Acme Works"]
    assert retrofit.validate(frame).valid


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_template_header_reads_as_its_column(lang):
    headers = template_headers(lang)
    assert [match_inventory_header(h)[0] for h in headers] == [c.name for c in schema.COLUMNS]


@pytest.mark.parametrize(
    ("header", "column", "factor"),
    [
        ("企业编号", "plant_id", 1.0),  # README example plant
        ("额定功率(kW)", "rated_power_kw", 1.0),
        ("额定功率（ kW ）", "rated_power_kw", 1.0),  # full-width brackets
        ("投资额(万元)", "investment_cny", 10_000.0),
        ("比功率(kW/(m³/min))", "specific_power_kw_per_m3min", 1.0),
        ("现有能效等级", "efficiency_class", 1.0),  # the template guide's own wording
        ("rated_power_kw", "rated_power_kw", 1.0),
    ],
)
def test_header_forms_of_the_readme_and_template(header, column, factor):
    assert match_inventory_header(header) == (column, factor)


# --- point 2: the real audit headers of issue 17 ---------------------------------------


@pytest.mark.parametrize(
    ("header", "column", "factor"),
    [
        ("年运行时长(h)", "operating_hours_h", 1.0),
        ("运行小时(h/a)", "operating_hours_h", 1.0),
        ("投资金额(万元)", "investment_cny", 10_000.0),
        ("预计投资(万元)", "investment_cny", 10_000.0),
        ("投资估算(万元)", "investment_cny", 10_000.0),
        ("电机功率", "rated_power_kw", 1.0),
        ("装机功率(kW)", "rated_power_kw", 1.0),
        ("功率kW", "rated_power_kw", 1.0),  # a unit without brackets
        ("额定功率/kW", "rated_power_kw", 1.0),
        ("设备编码", "asset_id", 1.0),
        ("设备种类", "category", 1.0),
        ("节能措施", "measure", 1.0),
        ("现有能效等级", "efficiency_class", 1.0),
    ],
)
def test_safe_audit_aliases_map_silently(header, column, factor):
    assert match_inventory_header(header) == (column, factor)


@pytest.mark.parametrize(
    ("header", "column"),
    [
        ("运行时数", "operating_hours_h"),  # table header_aliases: ambiguous, suggested
        ("改造方案", "measure"),
        ("rated_powr", "rated_power_kw"),  # one letter off
        ("平均负载率", "load_factor"),  # holds the alias 负载率
        ("额定效率", "efficiency_pct"),  # holds the alias 效率
        ("改造方案说明", "measure"),  # holds 改造方案, a suggestion of table header_aliases
    ],
)
def test_resembling_headers_are_suggested(header, column):
    assert match_inventory_header(header) == (None, 1.0)
    assert resembled_column(header)[0] == column


@pytest.mark.parametrize(
    "header",
    ["设备名称", "设备型号", "备注", "序号", "功率因数", "累计运行时间", "额定电流(A)"],
)
def test_known_and_unrelated_headers_are_not_suggested(header):
    assert match_inventory_header(header) == (None, 1.0)
    assert resembled_column(header) is None


@pytest.mark.parametrize("header", ["型号", "规格型号", "电机型号"])
def test_model_headers_read_the_nameplate_model(header):
    # a motor list's 型号 is the nameplate model (Y160M-4), read into series, frame and poles
    assert match_inventory_header(header) == ("motor_model", 1.0)


def test_audit_sheet_values_are_read_and_scaled(tmp_path):
    text = (
        "企业名称,设备编码,设备种类,节能措施,电机功率,极数,现有能效等级,运行小时(h/a),"
        "预计投资(万元)\n"
        "示例厂,M1,电机,电机更换,55,4,IE2,6000,1.8\n"
    )
    inv = read_inventory(write(tmp_path, text))
    row = inv.assets.iloc[0]
    assert row["operating_hours_h"] == 6000.0  # the typed hours, not the 4000 h default
    assert row["investment_cny"] == 18_000.0  # 1.8 万元
    assert row["rated_power_kw"] == 55.0
    assert any("电机功率 read as rated_power_kw" in note for note in inv.meta.notes)


HOURS_TYPED = (
    "企业编号,设备编号,设备类型,改造措施,额定功率(kW),极数,能效等级,运行时数,备注\n"
    "P1,M1,电机,电机更换,55,4,IE2,6000,东车间\n"
)


def test_similar_header_is_an_error_naming_both(tmp_path):
    report = retrofit.validate(write(tmp_path, HOURS_TYPED))
    assert not report.valid
    assert [(i.type, i.column) for i in report.issues] == [("similar-header", "运行时数")]
    assert report.issues[0].expected.startswith("looks like 年运行小时 (operating_hours_h)")
    assert report.unmatched_headers == ["运行时数", "备注"]
    with pytest.raises(InventoryError):
        retrofit.estimate(write(tmp_path, HOURS_TYPED))


def test_rename_reads_the_typed_hours(tmp_path):
    path = write(tmp_path, HOURS_TYPED)
    result = retrofit.estimate(path, rename={"运行时数": "operating_hours_h"})
    assert result.assets["operating_hours_h"].tolist() == [6000.0]
    assert result.assumptions["input"]["columns"]["operating_hours_h"] == "运行时数"
    assert result.assumptions["input"]["passthrough_columns"] == ["备注"]


def test_rename_keeps_the_unit_of_the_header(tmp_path):
    text = (
        "企业编号,设备编号,设备类型,改造措施,额定功率(kW),极数,能效等级,改造费用(万元)\n"
        "P1,M1,电机,电机更换,55,4,IE2,2.5\n"
    )
    inv = read_inventory(write(tmp_path, text), rename={"改造费用(万元)": "investment_cny"})
    assert inv.assets["investment_cny"].tolist() == [25_000.0]


def test_passthrough_keeps_the_header_unread(tmp_path):
    report = retrofit.validate(write(tmp_path, HOURS_TYPED), passthrough=["运行时数"])
    assert report.valid
    assert report.unmatched_headers == ["运行时数", "备注"]


def test_rename_of_an_absent_header_or_to_no_column_is_an_option_error(tmp_path):
    path = write(tmp_path, HOURS_TYPED)
    with pytest.raises(OptionError, match="has no header '运行时间数'"):
        read_inventory(path, rename={"运行时间数": "operating_hours_h"})
    with pytest.raises(OptionError, match="'hours_per_day' is no inventory column"):
        read_inventory(path, rename={"运行时数": "hours_per_day"})


def test_cli_rename_and_keep_column(tmp_path):
    path = write(tmp_path, HOURS_TYPED)
    runner = CliRunner()
    failed = runner.invoke(cli, ["validate", str(path), "--lang", "en"])
    assert failed.exit_code == 1
    assert "运行时数: looks like 年运行小时 (operating_hours_h)" in failed.stderr
    assert "运行时数 → (not read: carried through)" in failed.stdout
    renamed = runner.invoke(cli, ["validate", str(path), "--rename", "运行时数=operating_hours_h"])
    assert renamed.exit_code == 0, renamed.output
    assert "运行时数 → operating_hours_h" in renamed.stdout
    kept = runner.invoke(cli, ["estimate", str(path), "--keep-column", "运行时数"])
    assert kept.exit_code == 0, kept.output
    assert "headers not read (carried through): 运行时数, 备注" in kept.stdout
    bad = runner.invoke(cli, ["validate", str(path), "--rename", "运行时数"])
    assert bad.exit_code == 2


def test_required_column_under_another_name_is_named_in_the_missing_error(tmp_path):
    text = (
        "企业编号,设备编号,设备类型,改造方案,额定功率(kW),极数,能效等级\n"
        "P1,M1,电机,电机更换,55,4,IE2\n"
    )
    report = retrofit.validate(write(tmp_path, text))
    by_type = {i.type: i for i in report.issues}
    assert set(by_type) == {"missing-column", "similar-header"}
    assert by_type["missing-column"].column == "measure"
    assert "column 改造方案 looks like it: --rename 改造方案=measure" in (
        by_type["missing-column"].expected
    )


def test_blank_resembling_column_is_listed_not_an_error(tmp_path):
    text = HOURS_TYPED.replace(",6000,", ",,")
    report = retrofit.validate(write(tmp_path, text))
    assert report.valid  # nothing typed, nothing lost
    assert "运行时数" in report.unmatched_headers


def test_unread_headers_in_the_html_report(tmp_path):
    from retrofit.report.html import write_html

    result = retrofit.estimate(write(tmp_path, HOURS_TYPED), passthrough=["运行时数"])
    for lang, label in (("en", "Headers not read"), ("zh", "未读取的表头")):
        page = tmp_path / f"report-{lang}.html"
        write_html(result, page, lang=lang)
        text = page.read_text(encoding="utf-8")
        assert f"<div><b>{label}</b></div><div>运行时数, 备注</div>" in text


# --- point 3: one pass, one issue per cell, in Chinese ---------------------------------

#: A self-assessment sheet as an enterprise fills it: 企业名称 and no id, audit headers,
#: and a problem on nearly every row.
SELF_ASSESSMENT = (
    "企业名称,设备编码,设备种类,节能措施,电机功率,极数,现有能效等级,运行时数,"
    "投资金额(万元),负载率\n"
    "示例机械厂,M-1,电机,电机更换,55,4,IE2,6000,1.8,0.8\n"  # row 2: fine
    "示例机械厂,M-2,电机,电机更换,-5,4,IE2,6000,2,0.8\n"  # row 3: power ≤ 0
    "示例机械厂,M-3,电机,电机更换,37,5,IE2,5000,abc,0.8\n"  # row 4: 5 poles, 'abc' 万元
    "示例机械厂,M-3,风机,变频改造,22,4,IE9,4000,1,1.7\n"  # row 5: M-3 again, IE9, load 1.7
    "示例机械厂,M-5,电机,电机更换,2000,4,IE2,4000,30,0.8\n"  # row 6: 2000 kW past the tables
)

#: Every problem of the sheet, by hand, in reading order: the file-level ones, then by row
#: and column. Row 5's fan lacks the columns its drive needs (调节方式, 流量工况).
SELF_ASSESSMENT_PROBLEMS = [
    ("missing-column", None, "control"),
    ("missing-column", None, "flow_profile"),
    ("similar-header", None, "运行时数"),
    ("out-of-range", 3, "电机功率"),
    ("unknown-value", 4, "极数"),
    ("type-error", 4, "投资金额(万元)"),
    ("duplicate-id", 5, "设备编码"),
    ("unknown-value", 5, "现有能效等级"),
    ("out-of-range", 5, "负载率"),
    ("out-of-range", 6, "电机功率"),
]


def test_self_assessment_every_problem_in_the_first_run(tmp_path):
    report = retrofit.validate(write(tmp_path, SELF_ASSESSMENT))
    found = [(i.type, i.row, i.column) for i in report.issues]
    assert sorted(found, key=str) == sorted(SELF_ASSESSMENT_PROBLEMS, key=str)
    assert report.total == len(SELF_ASSESSMENT_PROBLEMS)
    cells = [(i.row, i.column) for i in report.issues if i.row is not None]
    assert len(cells) == len(set(cells))  # no cell twice
    assert report.language == "zh"
    for issue in report.issues:
        for lang in ("en", "zh"):
            assert re.search(r"\bnan\b", issue_text(issue, lang), re.IGNORECASE) is None


def test_self_assessment_cli_in_chinese_by_default(tmp_path):
    path = write(tmp_path, SELF_ASSESSMENT)
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0] == f"{path}：10 处问题"
    assert f"{path} 第 3 行，列「电机功率」：“-5” — 应为 数值 > 0 (kW)" in lines
    assert f"{path} 列「调节方式（control）」：缺少列 — 措施 add_vfd（首见于第 5 行）" in (lines[1])
    english = CliRunner().invoke(cli, ["validate", str(path), "--lang", "en"])
    assert english.stderr.splitlines()[0] == f"{path}: 10 problems"


def test_a_measure_column_missing_leaves_the_other_rows_checked(tmp_path):
    # rows 2–3 upgrade motors, row 4 a fan drive without 调节方式: the motor rows are still
    # checked past the reader (row 3's 2000 kW is outside the GB 18613 tables)
    text = (
        "企业编号,设备编号,设备类型,改造措施,额定功率(kW),极数,能效等级,流量工况\n"
        "P1,M1,电机,电机更换,55,4,IE2,\n"
        "P1,M2,电机,电机更换,2000,4,IE2,\n"
        "P1,F1,风机,变频改造,22,4,IE2,constant\n"
    )
    report = retrofit.validate(write(tmp_path, text))
    assert [(i.type, i.row, i.column) for i in report.issues] == [
        ("missing-column", None, "control"),
        ("out-of-range", 3, "额定功率(kW)"),
    ]


def test_one_missing_column_needed_by_two_measures_is_one_problem():
    frame = pd.DataFrame(
        {
            "plant_id": ["P1", "P1"],
            "asset_id": ["A", "B"],
            "category": ["motor", "fan"],
            "measure": ["upgrade_motor", "upgrade_motor+add_vfd"],
            "poles": [4, 4],
            "efficiency_class": ["IE2", "IE2"],
            "control": ["outlet_damper", "outlet_damper"],
            "flow_profile": ["constant", "constant"],
        }
    )
    inv = validate_frame(frame, collect=True)
    missing = [i for i in inv.issues if i.column == "rated_power_kw"]
    assert len(missing) == 1 and missing[0].type == "missing-column"
    assert "upgrade_motor" in missing[0].expected and "add_vfd" in missing[0].expected


def test_flag_hint_names_the_option_that_supplies_a_value():
    issue = InventoryIssue("blank-required", "a.csv", 2, "分时电价类别", "", "a value")
    (hinted,) = with_flag_hints([issue], {"tariff_class": "分时电价类别"})
    assert hinted.expected == "a value; or give --tariff CLASS for every row that leaves it blank"
    assert issue_text(hinted, "zh") == (
        "a.csv 第 2 行，列「分时电价类别」：“” — 应为 a value；或用 --tariff CLASS 为所有留空的行统一指定"
    )


def test_language_of_headers():
    assert language_of_headers(["企业名称", "设备编号", "rated_power_kw"]) == "zh"
    assert language_of_headers(["plant_id", "asset_id", "额定功率"]) == "en"


def test_blank_cooling_from_a_file_is_blank_not_nan_cooled(tmp_path):
    # GB 19153-2019 表1 gives separate air and liquid values at 55 kW, 0.8 MPa: a blank
    # cooling cell is a blank to fill, never "nan-cooled units" (issue 17)
    text = (
        "plant_id,asset_id,category,measure,rated_power_kw,load_factor,operating_hours_h,"
        "compressor_type,cooling,discharge_pressure_mpa,specific_power_kw_per_m3min,"
        "target_equipment_grade\n"
        "P1,C1,compressor,upgrade_equipment,55,0.75,4000,oil_injected_rotary,,0.8,8.0,grade_2\n"
    )
    report = retrofit.validate(write(tmp_path, text))
    assert [(i.type, i.row, i.column, i.value) for i in report.issues] == [
        ("blank-required", 2, "cooling", "")
    ]
    assert "nan" not in str(report.issues[0])
