"""Real audit sheets (issue 17 point 4): the value vocabularies of real sheets, month-only dates,
counts written with a measure word, two-row headers, total and signature rows, nameplate models.

Every expected value is the reading a person gives the cell, written by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from retrofit.core.exceptions import InventoryError
from retrofit.core.reference import load_table
from retrofit.inventory import schema
from retrofit.inventory.cells import canonical_measure, parse_choice
from retrofit.inventory.reading import read_inventory

MOTOR_HEADER = "企业编号,设备编号,设备类型,改造措施,额定功率(kW),极数,能效等级"


def write(tmp_path, name: str, text: str, encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


def lines(*rows: str) -> str:
    """The text of a CSV file with these rows."""
    return "\n".join(rows) + "\n"


def choice(column: str, *cells: str) -> list[str | None]:
    values, _, _ = parse_choice(schema.COLUMN_BY_NAME[column], pd.Series(cells, dtype="str"))
    return list(values)


# --- value vocabularies ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "measures"),
    [
        ("更换永磁电机", "upgrade_motor"),
        ("永磁电机改造", "upgrade_motor"),
        ("高效电机改造", "upgrade_motor"),
        ("高效电机更换", "upgrade_motor"),
        ("更换高效节能电机", "upgrade_motor"),
        ("电机节能改造", "upgrade_motor"),
        ("变频改造", "add_vfd"),
        ("加装变频器", "add_vfd"),
        ("加装变频", "add_vfd"),
        ("增加变频器", "add_vfd"),
        ("变频器改造", "add_vfd"),
        ("变频节能改造", "add_vfd"),
        ("变频调速", "add_vfd"),
        # two measures in one cell, joined as people join them
        ("电机更换、变频改造", "upgrade_motor+add_vfd"),
        ("变频改造，高效电机改造", "upgrade_motor+add_vfd"),
        ("加装变频器;更换永磁电机", "upgrade_motor+add_vfd"),
    ],
)
def test_measure_phrases_of_real_sheets(cell, measures):
    assert canonical_measure(cell) == (measures, None)


def test_the_same_measure_twice_in_other_words_is_still_refused():
    assert canonical_measure("高效电机改造、电机更换") == (
        None,
        "each measure at most once (upgrade_motor is listed twice)",
    )


@pytest.mark.parametrize(
    ("cell", "category"),
    [
        ("异步电动机", "motor"),
        ("三相异步电机", "motor"),
        ("永磁同步电机", "motor"),
        ("永磁同步电动机", "motor"),
        ("永磁电机", "motor"),
        ("螺杆空压机", "compressor"),
        ("循环水泵", "pump"),
    ],
)
def test_motor_and_machine_types_are_categories(cell, category):
    assert choice("category", cell) == [category]


@pytest.mark.parametrize(
    ("cell", "grade"),
    [
        ("GB三级", "grade_3"),
        ("gb 二级", "grade_2"),
        ("GB一级", "grade_1"),
        ("国标三级", "grade_3"),
        ("国标二级", "grade_2"),
        ("国标一级", "grade_1"),
        ("三级能效", "grade_3"),
        ("3", "grade_3"),
        ("2", "grade_2"),
        ("1", "grade_1"),
    ],
)
def test_grade_phrases_for_present_and_target_class(cell, grade):
    assert choice("efficiency_class", cell) == [grade]
    assert choice("target_class", cell) == [grade]


def test_a_bare_digit_is_a_gb_grade_not_an_ie_class():
    # GB 18613-2020: grade 2 = IE4, grade 3 = IE3; "2" typed under 能效等级 is 2级, not IE2
    assert choice("target_class", "2", "IE2") == ["grade_2", "IE2"]


def test_gaizao_is_no_answer_to_a_yes_no_question():
    # 改造 (retrofit) is not "no": a flag column refuses it
    assert choice("particularly_major", "改造", "是", "否", "√", "×") == [
        None,
        "yes",
        "no",
        "yes",
        "no",
    ]


def test_gaizao_is_an_existing_site_for_new_build():
    assert choice("new_build", "改造", "新建", "既有", "存量") == ["no", "yes", "no", "no"]


def test_pm_motor_phrases_name_the_subsidy_product():
    assert choice("subsidy_product", "永磁同步电机", "异步电动机") == ["pm_motor", "general_motor"]


def test_every_audit_alias_has_a_source_and_reads_as_its_value():
    table = load_table("audit_value_aliases")
    assert table["source"].str.strip().ne("").all()
    column_of = {"yes_no": "particularly_major", "new_build": "new_build"}
    for vocabulary, value, alias in table[["vocabulary", "value", "alias"]].itertuples(index=False):
        if vocabulary == "measure":
            assert canonical_measure(alias) == (value, None), alias
        else:
            assert choice(column_of.get(vocabulary, vocabulary), alias) == [value], alias


def test_real_phrases_read_end_to_end(tmp_path):
    text = lines(
        MOTOR_HEADER + ",目标能效等级",
        "P1,M1,异步电动机,高效电机改造,55,4,GB三级,2",
        "P1,M2,永磁同步电机,更换永磁电机,30,4,三级能效,1",
    )
    assets = read_inventory(write(tmp_path, "plant.csv", text)).assets
    assert list(assets["category"]) == ["motor", "motor"]
    assert list(assets["measure"]) == ["upgrade_motor", "upgrade_motor"]
    assert list(assets["efficiency_class"]) == ["grade_3", "grade_3"]
    assert list(assets["target_class"]) == ["grade_2", "grade_1"]


def test_an_unknown_phrase_is_still_a_located_error(tmp_path):
    text = MOTOR_HEADER + "\nP1,M1,电机,电机翻新,55,4,IE2\n"
    with pytest.raises(InventoryError) as info:
        read_inventory(write(tmp_path, "plant.csv", text))
    (issue,) = info.value.issues
    assert (issue.row, issue.column, issue.value) == (2, "改造措施", "电机翻新")


# --- month-only dates and counts -------------------------------------------------------


def test_month_only_dates_read_as_the_first_day_with_a_note(tmp_path):
    text = lines(
        MOTOR_HEADER + ",投运日期",
        "P1,M1,电机,电机更换,55,4,IE2,2025年10月",
        "P1,M2,电机,电机更换,55,4,IE2,2025-10",
        "P1,M3,电机,电机更换,55,4,IE2,2025/3",
        "P1,M4,电机,电机更换,55,4,IE2,2025年3月9日",
        "P1,M5,电机,电机更换,55,4,IE2,",
    )
    inv = read_inventory(write(tmp_path, "plant.csv", text))
    dates = list(inv.assets["in_service_date"])
    assert dates[:4] == [
        pd.Timestamp("2025-10-01"),
        pd.Timestamp("2025-10-01"),
        pd.Timestamp("2025-03-01"),
        pd.Timestamp("2025-03-09"),
    ]
    assert pd.isna(dates[4])
    assert inv.meta.month_only_rows == {"in_service_date": [2, 3, 4]}
    assert (
        "column 投运日期: a month without a day read as the first day of that month: row 2, 3, 4"
        in inv.meta.notes
    )


def test_a_month_that_does_not_exist_is_still_an_error(tmp_path):
    text = MOTOR_HEADER + ",投运日期\nP1,M1,电机,电机更换,55,4,IE2,2025-13\n"
    with pytest.raises(InventoryError) as info:
        read_inventory(write(tmp_path, "plant.csv", text))
    (issue,) = info.value.issues
    assert (issue.row, issue.column, issue.value) == (2, "投运日期", "2025-13")


def test_an_estimate_caveats_the_month_only_rows(tmp_path):
    from retrofit import estimate

    text = lines(
        MOTOR_HEADER + ",投运日期",
        "P1,M1,电机,电机更换,55,4,IE2,2025年10月",
        "P1,M2,电机,电机更换,55,4,IE2,2025-10-15",
    )
    result = estimate(write(tmp_path, "plant.csv", text))
    (caveat,) = [c for c in result.caveats if c.code == "inventory.date.month_only"]
    assert caveat.count == 1


@pytest.mark.parametrize("cell", ["6台", "6 台", "6套", "６台", " 6个 "])
def test_a_count_with_its_measure_word_reads_as_the_number(tmp_path, cell):
    text = MOTOR_HEADER + f",数量\nP1,M1,电机,电机更换,55,4,IE2,{cell}\n"
    assets = read_inventory(write(tmp_path, "plant.csv", text)).assets
    assert assets["quantity"].tolist() == [6]


@pytest.mark.parametrize("cell", ["6.5台", "台", "六台"])
def test_a_count_that_is_no_whole_number_is_still_an_error(tmp_path, cell):
    text = MOTOR_HEADER + f",数量\nP1,M1,电机,电机更换,55,4,IE2,{cell}\n"
    with pytest.raises(InventoryError) as info:
        read_inventory(write(tmp_path, "plant.csv", text))
    (issue,) = info.value.issues
    assert (issue.row, issue.column, issue.value) == (2, "数量", cell)


# --- total, signature and note rows ----------------------------------------------------


def test_total_signature_and_note_rows_are_skipped_and_reported(tmp_path):
    text = lines(
        MOTOR_HEADER,
        "P1,M1,电机,电机更换,55,4,IE2",
        "小计,,,,55,,",
        "P1,M2,电机,电机更换,30,4,IE2",
        "合  计,,,,85,,",
        "",
        "填表人：张三   审核人：李四,,,,,,",
        "备注：功率为铭牌值,,,,,,",
        "说明,,,,,,",
    )
    inv = read_inventory(write(tmp_path, "plant.csv", text))
    assert inv.assets["asset_id"].tolist() == ["M1", "M2"]
    assert inv.meta.skipped_rows == [
        {"row": 3, "kind": "total", "text": "小计"},
        {"row": 5, "kind": "total", "text": "合  计"},
        {"row": 7, "kind": "signature", "text": "填表人：张三   审核人：李四"},
        {"row": 8, "kind": "note", "text": "备注：功率为铭牌值"},
        {"row": 9, "kind": "note", "text": "说明"},
    ]
    assert "row 5 skipped, a total row: 合  计" in inv.meta.notes
    assert "row 7 skipped, a signature row: 填表人：张三   审核人：李四" in inv.meta.notes


def test_a_total_in_a_later_column_counts_when_the_first_cells_are_blank(tmp_path):
    text = lines(MOTOR_HEADER, "P1,M1,电机,电机更换,55,4,IE2", ",总计,,,55,,")
    inv = read_inventory(write(tmp_path, "plant.csv", text))
    assert inv.meta.skipped_rows == [{"row": 3, "kind": "total", "text": "总计"}]


@pytest.mark.parametrize(
    "plant",
    ["合计泵站", "说明书", "Total-Plant", "注塑机-1", "小型泵站", "Sub-station", "审核中心"],
)
def test_an_asset_whose_name_begins_like_a_total_is_kept(tmp_path, plant):
    text = MOTOR_HEADER + f"\n{plant},M1,电机,电机更换,55,4,IE2\n"
    inv = read_inventory(write(tmp_path, "plant.csv", text))
    assert inv.assets["plant_id"].tolist() == [plant]
    assert inv.meta.skipped_rows == []


def test_a_file_of_totals_only_has_no_data_rows(tmp_path):
    text = MOTOR_HEADER + "\n合计,,,,55,,\n"
    with pytest.raises(InventoryError) as info:
        read_inventory(write(tmp_path, "plant.csv", text))
    assert [i.type for i in info.value.issues] == ["empty-file"]


# --- two-row headers -------------------------------------------------------------------

TWO_ROW_TOP = [
    "企业编号",
    "设备编号",
    "设备类型",
    "改造措施",
    "极数",
    "改造前",
    "",
    "",
    "改造后",
    "",
    "",
]
TWO_ROW_SUB = [
    "",
    "",
    "",
    "",
    "",
    "能效等级",
    "效率(%)",
    "功率(kW)",
    "能效等级",
    "效率(%)",
    "功率(kW)",
]
TWO_ROW_DATA = [
    ["P1", "M1", "电机", "电机更换", "4", "IE2", "91.0", "55", "grade_2", "95.8", "55"],
    ["P1", "M2", "电机", "电机更换", "4", "三级", "", "30", "二级", "", "30"],
    ["合计", "", "", "", "", "", "", "85", "", "", "85"],
]


def check_two_row_reading(inv) -> None:
    a = inv.assets
    assert a["efficiency_class"].tolist() == ["IE2", "grade_3"]
    assert a["target_class"].tolist() == ["grade_2", "grade_2"]
    assert a["efficiency_pct"].tolist()[0] == 91.0
    assert a["target_efficiency_pct"].tolist()[0] == 95.8
    assert a["rated_power_kw"].tolist() == [55.0, 30.0]
    assert a["poles"].tolist() == [4, 4]
    assert inv.meta.header_row == 2
    assert inv.meta.header_map["efficiency_class"] == "改造前/能效等级"
    assert inv.meta.header_map["target_class"] == "改造后/能效等级"
    assert inv.meta.header_map["rated_power_kw"] == "改造前/功率(kW)"
    assert inv.meta.header_map["target_rated_power_kw"] == "改造后/功率(kW)"
    assert a["target_rated_power_kw"].tolist() == [55.0, 30.0]
    assert inv.meta.passthrough == []
    assert [s["row"] for s in inv.meta.skipped_rows] == [5]


def test_two_row_header_in_a_csv(tmp_path):
    text = lines(*(",".join(r) for r in [TWO_ROW_TOP, TWO_ROW_SUB, *TWO_ROW_DATA]))
    inv = read_inventory(write(tmp_path, "plant.csv", text))
    check_two_row_reading(inv)
    assert "two-row header: column(s) F, G, H read under 改造前 (before the retrofit)" in (
        inv.meta.notes
    )


def test_two_row_header_in_an_xlsx_with_merged_cells(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["某企业电机改造清单"])
    ws.merge_cells("A1:K1")
    ws.append(TWO_ROW_TOP)
    ws.append(TWO_ROW_SUB)
    for row in TWO_ROW_DATA:
        ws.append(row)
    for col in "ABCDE":  # the single headers merged down over both header rows
        ws.merge_cells(f"{col}2:{col}3")
    ws.merge_cells("F2:H2")
    ws.merge_cells("I2:K2")
    ws.merge_cells("A6:G6")  # 合计 across the first columns
    path = tmp_path / "plant.xlsx"
    wb.save(path)
    inv = read_inventory(path)
    a = inv.assets
    assert a["efficiency_class"].tolist() == ["IE2", "grade_3"]
    assert a["target_class"].tolist() == ["grade_2", "grade_2"]
    assert a["rated_power_kw"].tolist() == [55.0, 30.0]
    assert inv.meta.header_row == 3
    assert inv.meta.header_map["target_class"] == "改造后/能效等级"
    assert [s["row"] for s in inv.meta.skipped_rows] == [6]


def test_a_two_row_header_with_more_plain_columns_than_sub_columns(tmp_path):
    # the group row holds more known headers than the sub row: the sub row is still the header
    top = ["企业编号", "设备编号", "设备类型", "改造措施", "极数", "额定功率", "改造前", "改造后"]
    sub = ["", "", "", "", "", "", "能效等级", "能效等级"]
    data = ["P1", "M1", "电机", "电机更换", "4", "55", "IE2", "IE4"]
    inv = read_inventory(write(tmp_path, "plant.csv", lines(*map(",".join, [top, sub, data]))))
    assert inv.assets["efficiency_class"].tolist() == ["IE2"]
    assert inv.assets["target_class"].tolist() == ["IE4"]


def test_a_bad_cell_under_a_two_row_header_names_group_and_column(tmp_path):
    bad = [*TWO_ROW_DATA[0][:8], "grade_9", *TWO_ROW_DATA[0][9:]]
    text = lines(*(",".join(r) for r in [TWO_ROW_TOP, TWO_ROW_SUB, bad]))
    with pytest.raises(InventoryError) as info:
        read_inventory(write(tmp_path, "plant.csv", text))
    (issue,) = info.value.issues
    assert (issue.row, issue.column, issue.value) == (3, "改造后/能效等级", "grade_9")


# --- nameplate models ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "series", "frame", "poles"),
    [
        # GB/T 4831-2016 designation: product code, centre height, frame letter, core, poles
        ("Y160M-4", "Y", "160M", 4),
        ("Y2-160M-4", "Y2", "160M", 4),
        ("YE3-200L-4", "YE3", "200L", 4),
        ("YX3-132S-4", "YX3", "132S", 4),
        ("YE2-132S1-2", "YE2", "132S1", 2),
        ("YE3-3551-4", "YE3", "3551", 4),  # GB/T 28575-2012 clause 3.1: 355, core 1, 4 poles
        ("Y2-160M1-8", "Y2", "160M1", 8),
        ("YB2-132M2-6", "YB2", "132M2", 6),
        ("ye3－200l－4", "YE3", "200L", 4),  # lower case and full-width hyphens as typed
        ("Y80M1-2", "Y", "80M1", 2),
    ],
)
def test_a_model_splits_into_series_frame_and_poles(model, series, frame, poles):
    from retrofit.inventory.nameplate import parse_models

    parts = parse_models(pd.Series([model]))
    assert parts.loc[0, "series"] == series
    assert parts.loc[0, "frame_size"] == frame
    assert parts.loc[0, "poles"] == poles
    assert bool(parts.loc[0, "parsed"])


@pytest.mark.parametrize("text", ["ABB M3BP 315", "160M-4", "Y160M", "", "YE3-999L-4"])
def test_text_that_is_no_motor_model_is_not_parsed(text):
    from retrofit.inventory.nameplate import parse_models

    parts = parse_models(pd.Series([text]))
    assert not bool(parts.loc[0, "parsed"])
    assert pd.isna(parts.loc[0, "poles"])


def test_frame_kw_from_the_elimination_catalogue():
    from retrofit.inventory.nameplate import frame_rated_kw, parse_models

    # MIIT batch 3: Y2-160M-4 11 kW, YB2-132M2-6 5.5 kW, Y2-250M-2 55 kW; YE3 is not listed
    parts = parse_models(pd.Series(["Y2-160M-4", "YB2-132M2-6", "Y2-250M-2", "YE3-200L-4"]))
    kw = frame_rated_kw(parts["series"], parts["frame_size"], parts["poles"])
    assert kw[:3].tolist() == [11.0, 5.5, 55.0]
    assert np.isnan(kw[3])


MODEL_HEADER = "企业编号,设备编号,设备类型,改造措施,额定功率(kW),型号"


def test_a_model_column_fills_series_frame_poles_and_class(tmp_path):
    text = lines(
        MODEL_HEADER,
        "P1,M1,电机,电机更换,30,YE3-200L-4",
        "P1,M2,电机,电机更换,11,Y2-160M-4",
        "P1,M3,电机,电机更换,5.5,YB2-132M2-6",
    )
    inv = read_inventory(write(tmp_path, "plant.csv", text), collect=True)
    a = inv.assets
    assert a["poles"].tolist() == [4, 4]
    assert a["motor_series"].tolist() == ["YE3", "Y2"]
    assert a["frame_size"].tolist() == ["200L", "160M"]
    # the series fixes the class for Y … YE5 (table motor_series_classes resolves it)
    assert a["efficiency_class"].tolist() == ["YE3", "Y2"]
    # YB2 (flameproof) fixes no class: the row still lacks an efficiency class or efficiency
    (issue,) = inv.issues
    assert (issue.type, issue.row) == ("blank-required", 4)
    assert issue.expected == (
        "one of 型号 → efficiency_class or efficiency_pct must be given "
        "(measure upgrade_motor needs it)"
    )
    assert inv.meta.header_map["poles"] == "型号 → poles"


def test_a_model_that_contradicts_the_poles_is_an_error_naming_both(tmp_path):
    text = lines(MODEL_HEADER + ",极数", "P1,M1,电机,电机更换,11,Y2-160M-4,2")
    with pytest.raises(InventoryError) as info:
        read_inventory(write(tmp_path, "plant.csv", text))
    (issue,) = info.value.issues
    assert issue.type == "conflict"
    assert (issue.row, issue.column, issue.value) == (2, "型号", "Y2-160M-4")
    assert issue.expected == (
        "a model that agrees with 极数: Y2-160M-4 is a 4-pole motor, 极数 says 2"
    )


def test_a_model_whose_frame_is_another_kw_is_an_error_naming_both(tmp_path):
    # MIIT batch 3 lists Y2-160M-4 at 11 kW; the row says 55 kW
    text = lines(MODEL_HEADER + ",能效等级", "P1,M1,电机,电机更换,55,Y2-160M-4,IE1")
    with pytest.raises(InventoryError) as info:
        read_inventory(write(tmp_path, "plant.csv", text))
    (issue,) = info.value.issues
    assert issue.type == "conflict"
    assert issue.expected == (
        "a model that agrees with 额定功率(kW): Y2-160M-4 is a 11 kW motor "
        "(table motor_frame_rated_kw), 额定功率(kW) says 55 kW"
    )


def test_a_given_class_and_poles_are_never_overwritten(tmp_path):
    text = lines(MODEL_HEADER + ",极数,能效等级", "P1,M1,电机,电机更换,30,YE3-200L-4,4,IE4")
    a = read_inventory(write(tmp_path, "plant.csv", text)).assets
    assert a["efficiency_class"].tolist() == ["IE4"]
    assert a["poles"].tolist() == [4]


def test_a_power_after_that_differs_from_the_power_before_is_an_error(tmp_path):
    changed = [*TWO_ROW_DATA[0][:10], "45"]
    text = lines(*(",".join(r) for r in [TWO_ROW_TOP, TWO_ROW_SUB, changed]))
    with pytest.raises(InventoryError) as info:
        read_inventory(write(tmp_path, "plant.csv", text))
    (issue,) = info.value.issues
    assert (issue.type, issue.row, issue.column, issue.value) == (
        "conflict",
        3,
        "改造后/功率(kW)",
        "45",
    )
    assert issue.expected == (
        "the rated power before, 改造前/功率(kW) = 55 kW (a motor upgrade keeps the rated "
        "power; a motor of another size is not modelled)"
    )


def test_validate_lists_the_skipped_rows_in_json_and_terminal(tmp_path):
    import json

    from click.testing import CliRunner

    from retrofit.cli import cli

    text = lines(MOTOR_HEADER, "P1,M1,电机,电机更换,55,4,IE2", "合计,,,,55,,", "填表人：张三,,,,,,")
    path = write(tmp_path, "plant.csv", text)
    out = CliRunner().invoke(cli, ["validate", str(path), "--format", "json"])
    assert json.loads(out.output)["skipped_rows"] == [
        {"row": 3, "kind": "total", "text": "合计"},
        {"row": 4, "kind": "signature", "text": "填表人：张三"},
    ]
    out = CliRunner().invoke(cli, ["validate", str(path), "--lang", "en"])
    assert "  row 3 skipped (total row): 合计\n" in out.output
    assert "  row 4 skipped (signature row): 填表人：张三\n" in out.output
    # Chinese headers: the listing is in Chinese by default, as the problems are
    out = CliRunner().invoke(cli, ["validate", str(path)])
    assert "  第 3 行已跳过（合计行）：合计\n" in out.output
    assert "  第 4 行已跳过（签字行）：填表人：张三\n" in out.output
