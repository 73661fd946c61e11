"""The template of issue 17 point 5: drop-down lists, input messages, Chinese and GBK-safe units
in the headers, a filled example sheet, and the round trip (a template filled with the example
values validates without a change). Expected lists and headers are written out by hand."""

from __future__ import annotations

import csv
import io

import pytest

from retrofit.inventory import schema
from retrofit.inventory.reading import read_inventory
from retrofit.inventory.template import (
    EXAMPLE_SHEET,
    dropdown_values,
    example_rows,
    template_headers,
    write_template,
)
from retrofit.validation import validate

#: templates written, filled and validated in every language and format: `make test` runs them, `make test-fast` leaves them out
pytestmark = pytest.mark.slow

openpyxl = pytest.importorskip("openpyxl")


def test_chinese_headers_carry_chinese_or_gbk_safe_units():
    headers = dict(zip([c.name for c in schema.COLUMNS], template_headers("zh"), strict=True))
    assert headers["operating_hours_h"] == "年运行小时(h)"
    assert headers["flow_m3h"] == "流量(m3/h)"
    assert headers["specific_power_kw_per_m3min"] == "比功率(kW/(m3/min))"
    assert headers["lifetime_years"] == "使用寿命(年)"
    assert headers["plant_energy_tce"] == "上年综合能耗(吨标准煤)"
    assert not any("yr" in h or "³" in h for h in headers.values())


def test_the_zh_csv_template_encodes_in_gbk(tmp_path):
    path = write_template(tmp_path / "t.csv", lang="zh")
    text = path.read_bytes().decode("utf-8-sig")
    text.encode("gbk")  # raises UnicodeEncodeError on a character GBK lacks
    headers = next(csv.reader(io.StringIO(text)))
    assert headers == template_headers("zh")
    # every header, new unit spellings included, maps back to its column
    mapped = [schema.match_header(h) for h in headers]
    assert mapped == [(c.name, 1.0) for c in schema.COLUMNS]


def test_dropdown_lists_of_fixed_vocabularies():
    col = schema.COLUMN_BY_NAME
    assert dropdown_values(col["category"], "zh") == [
        "电机",
        "风机",
        "水泵",
        "空压机",
        "变压器",
        "数据中心",
        "充电桩",
    ]
    assert dropdown_values(col["category"], "en") == [
        "motor",
        "fan",
        "pump",
        "compressor",
        "transformer",
        "datacenter",
        "charger",
    ]
    assert dropdown_values(col["poles"], "zh") == ["2", "4", "6", "8"]
    assert dropdown_values(col["new_build"], "zh") == ["是", "否"]
    assert dropdown_values(col["measure"], "zh")[:2] == ["电机更换", "变频改造"]
    assert dropdown_values(col["rated_power_kw"], "zh") == []


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_dropdown_value_reads_back_as_its_column_value(lang):
    for col in schema.COLUMNS:
        values = dropdown_values(col, lang)
        if col.name == "measure":
            assert [schema.VALUE_ALIASES["measure"][schema.normalise(v)] for v in values] == [
                m.name for m in schema.MEASURES if m.modelled
            ]
        elif values and col.kind == "choice":
            table = schema.VALUE_ALIASES[col.name]
            assert [table[schema.normalise(v)] for v in values] == list(col.choices), col.name


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_xlsx_has_a_dropdown_on_every_vocabulary_column_and_a_message_on_every_column(
    tmp_path, lang
):
    path = write_template(tmp_path / "t.xlsx", lang=lang)
    wb = openpyxl.load_workbook(path)
    ws = wb["inventory"]
    assert wb["lists"].sheet_state == "hidden"
    by_column = {str(dv.sqref).split(":")[0][:-1]: dv for dv in ws.data_validations.dataValidation}
    headers = [c.value for c in ws[1]]
    assert len(by_column) == len(headers)
    lists = wb["lists"]
    for i, col in enumerate(schema.COLUMNS):
        letter = openpyxl.utils.get_column_letter(i + 1)
        dv = by_column[letter]
        assert dv.showInputMessage and dv.prompt
        values = dropdown_values(col, lang)
        if values:
            assert dv.type == "list"
            sheet, cells = dv.formula1.split("!")
            assert sheet == "'lists'"
            listed = [c.value for row in lists[cells.replace("$", "")] for c in row]
            assert [str(v) for v in listed] == values
        else:
            assert dv.type is None


def test_input_message_names_unit_and_example(tmp_path):
    path = write_template(tmp_path / "t.xlsx", lang="zh")
    ws = openpyxl.load_workbook(path)["inventory"]
    headers = [c.value for c in ws[1]]
    letter = openpyxl.utils.get_column_letter(headers.index("年运行小时(h)") + 1)
    (dv,) = [
        dv for dv in ws.data_validations.dataValidation if str(dv.sqref).startswith(letter + "2")
    ]
    assert dv.promptTitle == "年运行小时(h)"
    # the example plant's first motor runs 4,000 h/yr (retrofit/samples/example_plant.csv row 2)
    assert "例：4000" in dv.prompt
    assert "单位：" in dv.prompt


def test_example_rows_are_the_example_plant_under_the_template_headers():
    rows = example_rows("zh")
    headers = template_headers("zh")
    first = dict(zip(headers, rows[0], strict=True))
    # row 2 of retrofit/samples/example_plant.csv: 投资额 1.8 万元 = 18,000 元, load 100 % = 1
    assert first["企业编号"] == "SH-0001"
    assert first["设备类型"] == "电机"
    assert first["改造措施"] == "电机更换"
    assert first["额定功率(kW)"] == "55"
    assert first["投资额(元)"] == "18000"
    assert first["负载率"] == "1"
    assert first["年运行小时(h)"] == "4000"
    assert len(rows) == 18


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_xlsx_example_sheet_validates_without_a_change(tmp_path, lang):
    path = write_template(tmp_path / "t.xlsx", lang=lang)
    report = validate(path, sheet=EXAMPLE_SHEET[lang])
    assert report.valid, report.issues[:5]
    assert report.rows == 18


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_xlsx_inventory_sheet_filled_with_the_example_validates(tmp_path, lang):
    path = write_template(tmp_path / "t.xlsx", lang=lang)
    wb = openpyxl.load_workbook(path)
    ws = wb["inventory"]
    for row in wb[EXAMPLE_SHEET[lang]].iter_rows(min_row=2, values_only=True):
        ws.append(list(row))
    wb.save(path)
    report = validate(path)
    assert report.valid, report.issues[:5]
    assert report.rows == 18


@pytest.mark.parametrize(
    ("lang", "encoding"), [("zh", "utf-8-sig"), ("zh", "gbk"), ("en", "utf-8")]
)
def test_the_csv_template_filled_with_the_example_validates(tmp_path, lang, encoding):
    blank = write_template(tmp_path / "t.csv", lang=lang).read_bytes().decode("utf-8-sig")
    buf = io.StringIO(newline="")
    csv.writer(buf, lineterminator="\r\n").writerows(example_rows(lang))
    filled = tmp_path / "filled.csv"
    filled.write_bytes((blank + buf.getvalue()).encode(encoding))
    report = validate(filled)
    assert report.valid, report.issues[:5]
    assert report.rows == 18


def test_the_filled_template_reads_as_the_example_plant(tmp_path):
    sample = read_inventory(__import__("retrofit").sample_path()).assets.drop(
        columns=["source_row"]
    )
    blank = write_template(tmp_path / "t.csv", lang="zh").read_bytes().decode("utf-8-sig")
    buf = io.StringIO(newline="")
    csv.writer(buf, lineterminator="\r\n").writerows(example_rows("zh"))
    filled = tmp_path / "filled.csv"
    filled.write_text(blank + buf.getvalue(), encoding="utf-8")
    read = read_inventory(filled).assets
    for name in sample.columns:
        if name in read.columns:
            left, right = sample[name].tolist(), read[name].tolist()
            assert [str(v) for v in left] == [str(v) for v in right], name


def test_a_vocabulary_column_without_an_example_value_shows_its_first_value(tmp_path):
    # the example plant has no 融资方式 (financing); the list starts with loan = 银行贷款
    path = write_template(tmp_path / "t.xlsx", lang="zh")
    ws = openpyxl.load_workbook(path)["inventory"]
    headers = [c.value for c in ws[1]]
    letter = openpyxl.utils.get_column_letter(headers.index("融资方式") + 1)
    (dv,) = [
        dv for dv in ws.data_validations.dataValidation if str(dv.sqref).startswith(letter + "2")
    ]
    assert "例：银行贷款" in dv.prompt
