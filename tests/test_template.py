"""Tests of retrofit.template: the blank inventory reads back through read_inventory.

Expected headers are written out by hand from the aliases and units in retrofit/schema.py.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from retrofit import schema
from retrofit.exceptions import InventoryError
from retrofit.inventory import read_inventory
from retrofit.template import template_headers, write_template

HEADERS_ZH = [
    "企业编号",
    "企业名称",
    "设备编号",
    "设备类型",
    "改造措施",
    "数量",
    "额定功率(kW)",
    "极数",
    "能效等级",
    "目标能效等级",
    "效率(%)",
    "目标效率(%)",
    "负载率",
    "年运行小时(h/yr)",
    "投资额(元)",
    "电价(元/kWh)",
    "投运日期",
    "调节方式",
    "流量工况",
    "静扬程占比",
    "设备效率(%)",
    "新设备效率(%)",
    "设备目标能效等级",
    "风机类型",
    "压力系数",
    "比转速",
    "机号",
    "轮毂比",
    "泵类型",
    "流量(m³/h)",
    "扬程(m)",
    "转速(r/min)",
    "级数",
    "比功率(kW/(m³/min))",
    "目标比功率(kW/(m³/min))",
    "排气压力(MPa)",
    "空压机类型",
    "冷却方式",
    "泄漏率",
    "目标泄漏率",
    "降压幅度(bar)",
    "额定容量(kVA)",
    "变压器系列",
    "变压器类型",
    "铁芯材料",
    "绝缘等级",
    "联结组别",
    "空载损耗(kW)",
    "负载损耗(kW)",
    "新变压器空载损耗(kW)",
    "新变压器负载损耗(kW)",
    "IT设备平均负荷(kW)",
    "更新的IT设备容量(kW)",
    "现状PUE",
    "改造后PUE",
    "IT节能率",
    "机架数",
    "已运行年限(yr)",
    "是否新建",
    "充电桩类型",
    "单桩年充电量(kWh/yr)",
    "待机功率(W)",
    "新桩待机功率(W)",
    "峰转谷比例",
    "分时电价类别",
    "用电时段",
    "项目编号",
    "使用寿命(yr)",
    "融资方式",
    "贷款金额(元)",
    "贷款利率",
    "贷款期限(yr)",
    "融资租赁合同设备投资额(元)",
    "特别重大项目",
    "能源管理中心",
    "试点项目类型",
    "链主企业",
    "三首",
    "创新产品推荐目录",
    "节能节水专用设备",
    "应纳所得税额",
    "企业所得税税率",
    "扶持产品类别",
    "改造前年计量电量(kWh/yr)",
    "改造后年计量电量(kWh/yr)",
    "上年综合能耗(tce)",
]


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


def test_chinese_headers_are_the_first_chinese_alias_with_an_accepted_unit():
    assert template_headers("zh") == HEADERS_ZH


def test_english_headers_are_the_canonical_names():
    assert template_headers("en") == [c.name for c in schema.COLUMNS]


def test_zh_csv_is_utf8_with_bom_and_header_only():
    write_template("blank.csv")
    data = Path("blank.csv").read_bytes()
    assert data == b"\xef\xbb\xbf" + (",".join(HEADERS_ZH) + "\r\n").encode("utf-8")


def test_en_csv_has_no_bom():
    write_template("blank.csv", lang="en")
    data = Path("blank.csv").read_bytes()
    assert data == (",".join(c.name for c in schema.COLUMNS) + "\r\n").encode("ascii")


@pytest.mark.parametrize("name", ["blank.csv", "blank.xlsx"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_blank_template_reads_back_as_header_without_rows(name, lang):
    write_template(name, lang=lang)
    with pytest.raises(InventoryError) as info:
        read_inventory(name)
    assert [str(i) for i in info.value.issues] == [
        f"{name}: the file has a header but no data rows"
    ]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_template_header_maps_to_its_column(lang):
    write_template("filled.csv", lang=lang)
    with open("filled.csv", "a", encoding="utf-8", newline="") as fh:
        # cells in schema order (the motor-system columns blank); 投资额(元) 30000 stays 30000
        blank_system_columns = "," * 34
        fh.write(
            "P1,示例厂,M1,电机,电机更换,1,55,4,二级,IE4,,,75%,6000,30000,0.6,2025-06-30,"
            + blank_system_columns
            + "5000\r\n"
        )
    inv = read_inventory("filled.csv")
    assert list(inv.meta.header_map) == [c.name for c in schema.COLUMNS]
    assert all(f == 1.0 for f in inv.meta.unit_factors.values())
    assert inv.assets["investment_cny"][0] == 30000.0
    assert inv.meta.encoding == ("utf-8-sig" if lang == "zh" else "utf-8")


def test_xlsx_has_a_frozen_inventory_sheet_and_a_guide():
    openpyxl = pytest.importorskip("openpyxl")
    write_template("blank.xlsx")
    wb = openpyxl.load_workbook("blank.xlsx")
    assert wb.sheetnames == ["inventory", "说明"]
    ws = wb["inventory"]
    assert [c.value for c in ws[1]] == HEADERS_ZH
    assert ws.freeze_panes == "A2"
    assert ws.max_row == 1
    assert ws.column_dimensions["A"].width >= 10
    guide = list(wb["说明"].iter_rows(values_only=True))
    assert guide[0][:2] == ("列名（英文）", "表头")
    by_name = {row[0]: row for row in guide[1:]}
    assert list(by_name) == [c.name for c in schema.COLUMNS]
    assert by_name["rated_power_kw"][1] == "额定功率(kW)"
    assert by_name["plant_id"][8] == "是"
    assert "motor: 电机" in by_name["category"][5]
    assert "grade_2: 二级" in by_name["efficiency_class"][5]
    assert "add_vfd: 变频改造, 加装变频器, 变频调速改造, 变频" in by_name["measure"][5]
    assert "improve_pue: PUE改造, 降低PUE, PUE优化" in by_name["measure"][5]
    assert "暂未建模" not in by_name["measure"][5]  # every measure is modelled
    assert "throttle: 阀门, 阀门调节, 节流" in by_name["control"][5]
    assert by_name["rated_power_kw"][6] == "数值 > 0（kW）"
    assert by_name["poles"][6] == "其中之一：2, 4, 6, 8"


def test_en_xlsx_guide_sheet_is_named_columns():
    openpyxl = pytest.importorskip("openpyxl")
    write_template("blank.xlsx", lang="en")
    wb = openpyxl.load_workbook("blank.xlsx")
    assert wb.sheetnames == ["inventory", "columns"]
    rows = {r[0]: r for r in wb["columns"].iter_rows(min_row=2, values_only=True)}
    assert rows["rated_power_kw"][6] == "a number > 0 (kW)"
    assert rows["load_factor"][7] == "reference table inventory_defaults"


def test_template_replaces_an_existing_file_and_leaves_no_temporary_file():
    with open("blank.csv", "w") as fh:
        fh.write("old")
    write_template("blank.csv", lang="en")
    assert Path("blank.csv").read_text().startswith("plant_id,")
    assert os.listdir(".") == ["blank.csv"]


def test_unknown_suffix_and_language_are_value_errors():
    with pytest.raises(ValueError, match=r"use a \.csv or \.xlsx file"):
        write_template("blank.txt")
    with pytest.raises(ValueError, match="lang must be one of zh, en"):
        write_template("blank.csv", lang="fr")
    assert os.listdir(".") == []
