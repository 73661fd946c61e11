"""Tests of retrofit.inventory.template: the blank inventory reads back through read_inventory.

Expected headers are written out by hand from the aliases and units in retrofit/inventory/schema.py.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from retrofit.core.exceptions import InventoryError
from retrofit.inventory import schema
from retrofit.inventory.reading import read_inventory
from retrofit.inventory.template import template_headers, write_template

#: Chinese header of each column, written out by hand; a column added to the schema needs no
#: entry here (the tests below take the column list from the schema).
HEADERS_ZH = {
    "plant_id": "企业编号",
    "plant_name": "企业名称",
    "asset_id": "设备编号",
    "category": "设备类型",
    "measure": "改造措施",
    "quantity": "数量",
    "rated_power_kw": "额定功率(kW)",
    "poles": "极数",
    "efficiency_class": "能效等级",
    "target_class": "目标能效等级",
    "efficiency_pct": "效率(%)",
    "target_efficiency_pct": "目标效率(%)",
    "load_factor": "负载率",
    "operating_hours_h": "年运行小时(h)",
    "investment_cny": "投资额(元)",
    "electricity_price_cny_per_kwh": "电价(元/kWh)",
    "in_service_date": "投运日期",
    "control": "调节方式",
    "flow_profile": "流量工况",
    "static_head_fraction": "静扬程占比",
    "machine_efficiency_pct": "设备效率(%)",
    "target_machine_efficiency_pct": "新设备效率(%)",
    "target_equipment_grade": "设备目标能效等级",
    "fan_type": "风机类型",
    "pressure_coefficient": "压力系数",
    "specific_speed": "比转速",
    "fan_size_no": "机号",
    "hub_ratio": "轮毂比",
    "pump_type": "泵类型",
    "flow_m3h": "流量(m3/h)",
    "head_m": "扬程(m)",
    "speed_rpm": "转速(r/min)",
    "stages": "级数",
    "specific_power_kw_per_m3min": "比功率(kW/(m3/min))",
    "target_specific_power_kw_per_m3min": "目标比功率(kW/(m3/min))",
    "discharge_pressure_mpa": "排气压力(MPa)",
    "compressor_type": "空压机类型",
    "cooling": "冷却方式",
    "leak_fraction": "泄漏率",
    "target_leak_fraction": "目标泄漏率",
    "pressure_reduction_bar": "降压幅度(bar)",
    "rated_kva": "额定容量(kVA)",
    "transformer_series": "变压器系列",
    "transformer_type": "变压器类型",
    "core_material": "铁芯材料",
    "insulation_class": "绝缘等级",
    "vector_group": "联结组别",
    "no_load_loss_kw": "空载损耗(kW)",
    "load_loss_kw": "负载损耗(kW)",
    "target_no_load_loss_kw": "新变压器空载损耗(kW)",
    "target_load_loss_kw": "新变压器负载损耗(kW)",
    "it_load_kw": "IT设备平均负荷(kW)",
    "it_capacity_kw": "更新的IT设备容量(kW)",
    "pue": "现状PUE",
    "target_pue": "改造后PUE",
    "it_energy_reduction": "IT节能率",
    "racks": "机架数",
    "years_in_service": "已运行年限(年)",
    "new_build": "是否新建",
    "charger_type": "充电桩类型",
    "energy_delivered_kwh": "单桩年充电量(kWh)",
    "standby_w": "待机功率(W)",
    "target_standby_w": "新桩待机功率(W)",
    "offpeak_shift_fraction": "峰转谷比例",
    "tariff_class": "分时电价类别",
    "load_profile": "用电时段",
    "project_id": "项目编号",
    "lifetime_years": "使用寿命(年)",
    "financing": "融资方式",
    "loan_principal_cny": "贷款金额(元)",
    "loan_rate": "贷款利率",
    "loan_term_years": "贷款期限(年)",
    "lease_equipment_cny": "融资租赁合同设备投资额(元)",
    "particularly_major": "特别重大项目",
    "energy_management_centre": "能源管理中心",
    "shenyang_tier": "试点项目类型",
    "chain_leader": "链主企业",
    "shenyang_pilot_sector": "试点行业",
    "shenyang_demonstration": "示范牵引项目",
    "sanshou": "三首",
    "innovation_catalogue": "创新产品推荐目录",
    "eit_catalogue": "节能节水专用设备",
    "eit_payable_cny": "应纳所得税额(元)",
    "eit_rate": "企业所得税税率",
    "subsidy_product": "扶持产品类别",
    "metered_baseline_kwh": "改造前年计量电量(kWh)",
    "metered_retrofit_kwh": "改造后年计量电量(kWh)",
    "plant_energy_tce": "上年综合能耗(吨标准煤)",
}


SCHEMA_NAMES = [c.name for c in schema.COLUMNS]


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


def test_chinese_headers_are_the_first_chinese_alias_with_an_accepted_unit():
    headers = dict(zip(SCHEMA_NAMES, template_headers("zh"), strict=True))
    assert {name: headers[name] for name in HEADERS_ZH} == HEADERS_ZH
    assert len(set(headers.values())) == len(headers), "two columns share a header"


def test_english_headers_are_the_canonical_names():
    assert template_headers("en") == [c.name for c in schema.COLUMNS]


def test_zh_csv_is_utf8_with_bom_and_header_only():
    write_template("blank.csv")
    data = Path("blank.csv").read_bytes()
    assert data == b"\xef\xbb\xbf" + (",".join(template_headers("zh")) + "\r\n").encode("utf-8")
    assert data.startswith(b"\xef\xbb\xbf" + "企业编号,企业名称,设备编号,".encode())


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
        # cells in schema order up to in_service_date, the system columns after it blank up
        # to it_load_kw (5000); 投资额(元) 30000 stays 30000
        assert SCHEMA_NAMES[20] == "in_service_date"
        blank_system_columns = "," * (SCHEMA_NAMES.index("it_load_kw") - 21)
        fh.write(
            "P1,示例厂,M1,电机,电机更换,1,55,,4,,,,二级,IE4,,,75%,6000,30000,0.6,2025-06-30,"
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
    assert wb.sheetnames == ["inventory", "示例", "说明", "lists"]
    ws = wb["inventory"]
    assert [c.value for c in ws[1]] == template_headers("zh")
    assert [c.value for c in ws[1]][:3] == ["企业编号", "企业名称", "设备编号"]
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
    assert wb.sheetnames == ["inventory", "example", "columns", "lists"]
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
