"""Tests of retrofit.inventory (reading, plants, cells): encodings, Excel layouts, aliases and every issue type.

Every expected value below is written out by hand from the input text in the test and from
the column definitions in retrofit/inventory/schema.py (aliases, units, ranges); none was produced by
running the reader. Files are written in the tests so that their bytes (GBK, BOM) are explicit.
"""

from __future__ import annotations

import dataclasses
import pickle
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from retrofit.core.exceptions import InventoryError
from retrofit.inventory import schema
from retrofit.inventory.cells import parse_choice
from retrofit.inventory.plants import read_plants
from retrofit.inventory.reading import read_inventory, validate_frame

HEADER_ZH = "企业编号,设备编号,设备类型,改造措施,额定功率(kW),极数,能效等级,负载率,投资额(万元)"
ROW_OK = "P1,M1,电机,电机更换,55,4,二级,75%,1.5"


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    """Run in tmp_path so that files are named as a user would name them: 'plant.csv'."""
    monkeypatch.chdir(tmp_path)


def write(name: str, text: str, encoding: str = "utf-8") -> str:
    with open(name, "wb") as fh:
        fh.write(text.encode(encoding))
    return name


def issues(path, **kw) -> list[str]:
    with pytest.raises(InventoryError) as info:
        read_inventory(path, **kw)
    return [str(i) for i in info.value.issues]


def csv_of(*rows: str, header: str = HEADER_ZH) -> str:
    return "\n".join([header, *rows]) + "\n"


# --- encodings -----------------------------------------------------------------------


def test_gbk_file_with_chinese_headers_and_values():
    """GBK bytes, Chinese headers with units, Chinese category/class/measure, 75 %."""
    path = write("plant.csv", csv_of(ROW_OK, "P1,M2,风机,电机更换,7.5,2,IE3,0.6,0.8"), "gbk")
    inv = read_inventory(path)
    a = inv.assets
    assert list(a["plant_id"]) == ["P1", "P1"]
    assert list(a["asset_id"]) == ["M1", "M2"]
    assert list(a["category"]) == ["motor", "fan"]
    assert list(a["measure"]) == ["upgrade_motor", "upgrade_motor"]
    assert list(a["rated_power_kw"]) == [55.0, 7.5]
    assert list(a["poles"]) == [4, 2]
    assert list(a["efficiency_class"]) == ["grade_2", "IE3"]
    # "75%" → 0.75 and a plain 0.6 stays 0.6
    assert a["load_factor"].tolist() == pytest.approx([0.75, 0.6])
    # 投资额(万元): 1.5 万元 = 15,000 CNY; 0.8 万元 = 8,000 CNY
    assert a["investment_cny"].tolist() == pytest.approx([15_000.0, 8_000.0])
    assert list(a["source_row"]) == [2, 3]
    assert a["rated_power_kw"].dtype == np.float64
    assert a["source_row"].dtype == np.int64

    m = inv.meta
    assert m.path == "plant.csv"
    assert m.file_format == "csv"
    assert m.encoding == "gb18030"
    assert m.encoding_detected is True
    assert m.sheet is None
    assert m.header_row == 1
    assert m.header_map["rated_power_kw"] == "额定功率(kW)"
    assert m.header_map["investment_cny"] == "投资额(万元)"
    assert m.unit_factors["investment_cny"] == 10_000.0
    assert m.unit_factors["rated_power_kw"] == 1.0
    assert m.n_rows == 2
    assert m.passthrough == []
    assert len(m.sha256) == 64


def test_utf8_bom_is_detected_and_the_bom_is_not_part_of_the_first_header():
    path = write("plant.csv", "\ufeff" + csv_of(ROW_OK))
    inv = read_inventory(path)
    assert inv.meta.encoding == "utf-8-sig"
    assert inv.meta.header_map["plant_id"] == "企业编号"
    assert list(inv.assets["plant_id"]) == ["P1"]


def test_plain_utf8_is_detected():
    inv = read_inventory(write("plant.csv", csv_of(ROW_OK)))
    assert inv.meta.encoding == "utf-8"
    assert inv.meta.encoding_detected is True


def test_forced_encoding_is_recorded_as_not_detected():
    inv = read_inventory(write("plant.csv", csv_of(ROW_OK), "gbk"), encoding="GBK")
    assert inv.meta.encoding == "gbk"
    assert inv.meta.encoding_detected is False
    assert list(inv.assets["category"]) == ["motor"]


def test_forced_wrong_encoding_names_the_byte_offset_and_line():
    # header "plant_id,asset_id\n" is 18 bytes, so the GBK bytes of 电 (B5 E7) start at 18
    path = write("plant.csv", "plant_id,asset_id\n电机,M1\n", "gbk")
    assert issues(path, encoding="utf-8") == [
        (
            "plant.csv: the file cannot be decoded as utf-8: byte 0xb5 at offset 18 (line 2); "
            "leave out --encoding to detect it, or name another"
        )
    ]


def test_undecodable_file_suggests_encoding():
    path = "plant.csv"
    with open(path, "wb") as fh:
        fh.write(b"plant_id,asset_id\nP1,\xff\xff\n")
    (msg,) = issues(path)
    assert msg.startswith("plant.csv: the file is neither UTF-8 (byte 0xff at offset 21 (line 2))")
    assert msg.endswith("save it as 'CSV UTF-8' or name its encoding with --encoding")


def test_unknown_encoding_name_is_a_lookup_error():
    with pytest.raises(LookupError):
        read_inventory(write("plant.csv", csv_of(ROW_OK)), encoding="no-such-codec")


# --- numbers, choices, dates -----------------------------------------------------------


def test_number_spellings_accepted():
    header = "plant_id,asset_id,category,measure,rated_power_kw,poles,efficiency_pct,quantity"
    rows = [
        "P1,A1,motor,upgrade_motor,５５,4,92.5%,1",  # full-width digits; % in a % column
        'P1,A2,motor,upgrade_motor," 1,234.5 ",4极,93,2',  # strict thousands form, spaces
        "P1,A3,MOTOR,Upgrade_Motor,+7.5,8,1e1,3",  # case-insensitive choices
    ]
    a = read_inventory(write("plant.csv", csv_of(*rows, header=header))).assets
    assert list(a["rated_power_kw"]) == [55.0, 1234.5, 7.5]
    assert list(a["efficiency_pct"]) == [92.5, 93.0, 10.0]
    assert list(a["poles"]) == [4, 4, 8]
    assert list(a["quantity"]) == [1, 2, 3]
    assert list(a["category"]) == ["motor", "motor", "motor"]


@pytest.mark.parametrize("cell", ["abc", "1.2.3", "nan", "NaN", "inf", "-inf", "1,23", "12,34.5"])
def test_non_numbers_are_type_errors(cell):
    header = "plant_id,asset_id,category,measure,额定功率,poles,efficiency_class"
    path = write("plant.csv", csv_of(f'P1,A1,motor,upgrade_motor,"{cell}",4,IE2', header=header))
    assert issues(path) == [
        f'plant.csv row 2, column 额定功率: "{cell}" — expected a number > 0 (kW)'
    ]


def test_out_of_range_message_from_the_issue_text():
    """The example in the issue: row 7, 额定功率 = -5."""
    header = "plant_id,asset_id,category,measure,额定功率,poles,efficiency_class"
    rows = [f"P1,A{i},motor,upgrade_motor,{5 + i},4,IE2" for i in range(5)]
    rows.append("P1,A9,motor,upgrade_motor,-5,4,IE2")
    assert issues(write("plant.csv", csv_of(*rows, header=header))) == [
        'plant.csv row 7, column 额定功率: "-5" — expected a number > 0 (kW)'
    ]


def test_plain_75_in_load_factor_is_not_divided():
    path = write("plant.csv", csv_of("P1,M1,电机,电机更换,55,4,二级,75,1.5"))
    assert issues(path) == [
        (
            'plant.csv row 2, column 负载率: "75" — expected a fraction > 0 and ≤ 1.25: '
            '75 (7500 %) or 75 %? write 0.75 or "75%"'
        )
    ]


def test_load_factor_header_in_percent_reads_plain_numbers_as_percent():
    header = HEADER_ZH.replace("负载率", "负载率(%)")
    rows = ["P1,M1,电机,电机更换,55,4,二级,75,1.5", "P1,M2,电机,电机更换,55,4,二级,80%,1.5"]
    inv = read_inventory(write("plant.csv", csv_of(*rows, header=header)))
    assert inv.assets["load_factor"].tolist() == pytest.approx([0.75, 0.80])
    assert inv.meta.unit_factors["load_factor"] == 0.01


def test_load_factor_header_in_percent_with_a_fraction_is_ambiguous():
    header = HEADER_ZH.replace("负载率", "负载率(%)")
    path = write("plant.csv", csv_of("P1,M1,电机,电机更换,55,4,二级,0.75,1.5", header=header))
    assert issues(path) == [
        (
            'plant.csv row 2, column 负载率(%): "0.75" — expected a percentage (the header '
            "is in %): 0.75 % or 75 %? write 75"
        )
    ]


def test_whole_number_column_rejects_fractions():
    header = "plant_id,asset_id,category,measure,rated_power_kw,poles,efficiency_class,数量"
    path = write("plant.csv", csv_of("P1,A1,motor,upgrade_motor,5,4,IE2,1.5", header=header))
    assert issues(path) == [
        'plant.csv row 2, column 数量: "1.5" — expected a whole number ≥ 1 (units)'
    ]


def test_dates_in_common_spellings_and_a_bad_date():
    header = "plant_id,asset_id,category,measure,rated_power_kw,poles,efficiency_class,投运日期"
    rows = [
        "P1,A1,motor,upgrade_motor,5,4,IE2,2025-06-30",
        "P1,A2,motor,upgrade_motor,5,4,IE2,2025/7/1",
        "P1,A3,motor,upgrade_motor,5,4,IE2,2025年8月2日",
        "P1,A4,motor,upgrade_motor,5,4,IE2,",
    ]
    a = read_inventory(write("plant.csv", csv_of(*rows, header=header))).assets
    assert list(a["in_service_date"][:3]) == [
        pd.Timestamp("2025-06-30"),
        pd.Timestamp("2025-07-01"),
        pd.Timestamp("2025-08-02"),
    ]
    assert pd.isna(a["in_service_date"][3])
    bad = write("bad.csv", csv_of("P1,A1,motor,upgrade_motor,5,4,IE2,2025-02-30", header=header))
    assert issues(bad) == [
        'bad.csv row 2, column 投运日期: "2025-02-30" — expected a date such as 2025-06-30'
    ]


def test_several_measures_are_canonicalised_and_ordered():
    header = "plant_id,asset_id,category,measure"
    rows = ["P1,F1,fan,变频改造+电机更换", "P1,F2,fan,upgrade_motor＋add_vfd"]
    path = write("plant.csv", csv_of(*rows, header=header))
    # the rows lack the inputs the measures need: the point here is the canonical spelling
    with pytest.raises(InventoryError) as info:
        read_inventory(path)
    assert {i.type for i in info.value.issues} == {"missing-column"}
    canon, _, _ = parse_choice(
        schema.COLUMN_BY_NAME["measure"],
        pd.Series(["变频改造+电机更换", "upgrade_motor＋add_vfd"], dtype="str"),
    )
    assert list(canon) == ["upgrade_motor+add_vfd", "upgrade_motor+add_vfd"]


def test_a_measure_listed_twice_is_rejected():
    header = "plant_id,asset_id,category,measure,rated_power_kw,poles,efficiency_class"
    path = write("plant.csv", csv_of("P1,A1,motor,电机更换+upgrade_motor,5,4,IE2", header=header))
    assert issues(path) == [
        (
            'plant.csv row 2, column measure: "电机更换+upgrade_motor" — expected each measure '
            "at most once (upgrade_motor is listed twice)"
        )
    ]


# --- blanks ----------------------------------------------------------------------------


def test_blank_optional_cells_become_missing_values():
    rows = ["P1,M1,电机,电机更换,55,4,二级,,", "P1,M2,电机,电机更换,55,4,二级,0.8,2"]
    a = read_inventory(write("plant.csv", csv_of(*rows))).assets
    assert np.isnan(a["load_factor"][0])
    assert np.isnan(a["investment_cny"][0])
    assert a["load_factor"][1] == 0.8
    assert a["investment_cny"][1] == 20_000.0


def test_blank_required_cell_is_an_error():
    path = write("plant.csv", csv_of(ROW_OK, "P1, ,电机,电机更换,55,4,二级,75%,1.5"))
    assert issues(path) == [
        (
            'plant.csv row 3, column 设备编号: " " — expected a non-empty text '
            "(this column is required)"
        )
    ]


def test_columns_a_measure_needs_must_be_filled():
    rows = ["P1,M1,电机,电机更换,,4,二级,75%,1.5", "P1,M2,电机,电机更换,55,4,,75%,1.5"]
    assert issues(write("plant.csv", csv_of(*rows))) == [
        (
            'plant.csv row 2, column 额定功率(kW): "" — expected a number > 0 (kW) '
            "(measure upgrade_motor needs it)"
        ),
        (
            "plant.csv row 3: one of 能效等级 or efficiency_pct must be given "
            "(measure upgrade_motor needs it)"
        ),
    ]


def test_entirely_blank_rows_are_dropped_with_a_note():
    text = csv_of(ROW_OK, ",,,,,,,,", "", "P1,M2,电机,电机更换,55,4,二级,75%,1.5", ",,,,,,,,")
    inv = read_inventory(write("plant.csv", text))
    assert list(inv.assets["source_row"]) == [2, 5]
    assert inv.meta.notes == ["3 entirely blank row(s) dropped: row 3, 4, 6"]


# --- file-level problems ---------------------------------------------------------------


def test_empty_file():
    assert issues(write("plant.csv", "")) == ["plant.csv: the file is empty (0 bytes)"]


def test_header_without_rows():
    assert issues(write("plant.csv", HEADER_ZH + "\n")) == [
        "plant.csv: the file has a header but no data rows"
    ]


def test_header_followed_only_by_blank_rows():
    assert issues(write("plant.csv", HEADER_ZH + "\n,,,,,,,,\n\n")) == [
        "plant.csv: the file has a header but no data rows"
    ]


def test_blank_file_has_no_header():
    assert issues(write("plant.csv", "\n\n  \n")) == [
        "plant.csv: the file has no header row (it starts blank)"
    ]


def test_missing_required_column():
    header = HEADER_ZH.replace("设备编号,", "")
    path = write("plant.csv", csv_of("P1,电机,电机更换,55,4,二级,75%,1.5", header=header))
    assert issues(path) == [
        (
            "plant.csv column asset_id: missing — add a column asset_id (or one of its aliases: "
            "asset, asset id, equipment id, tag, 设备编号, 设备号, 资产编号)"
        )
    ]


def test_column_a_measure_needs_is_missing():
    header = "plant_id,asset_id,category,measure,poles,efficiency_class"
    path = write("plant.csv", csv_of("P1,A1,motor,upgrade_motor,4,IE2", header=header))
    assert issues(path) == [
        (
            "plant.csv column rated_power_kw: missing — measure upgrade_motor (first on row 2) "
            "needs a column rated_power_kw (or one of its aliases: rated power, rated_power, "
            "power, motor kw, 额定功率, 功率)"
        )
    ]


def test_two_headers_meaning_the_same_column():
    header = HEADER_ZH + ",功率"
    path = write("plant.csv", csv_of(ROW_OK + ",60", header=header))
    assert issues(path) == [
        (
            "plant.csv column 功率: this column and column 额定功率(kW) both mean rated_power_kw; "
            "keep only one"
        )
    ]


def test_header_unit_not_accepted():
    header = HEADER_ZH.replace("投资额(万元)", "投资额(美元)")
    assert issues(write("plant.csv", csv_of(ROW_OK, header=header))) == [
        (
            "plant.csv column 投资额(美元): unit '美元' in header '投资额(美元)' is not accepted "
            "for investment_cny; accepted units: cny, rmb, yuan, 万, 万元, 元"
        )
    ]


def test_row_with_more_cells_than_the_header():
    path = write("plant.csv", csv_of(ROW_OK, ROW_OK.replace("M1", "M2") + ",extra"))
    assert issues(path) == [
        (
            "plant.csv row 3: this row has 10 cells but the header has 9 columns; give the extra "
            "cells a header or delete them"
        )
    ]


# --- values ----------------------------------------------------------------------------


def test_unknown_category():
    """The message lists every category of the schema, each with its first Chinese alias (a
    category added to the schema joins the list without changing this test)."""
    path = write("plant.csv", csv_of("P1,B1,锅炉,电机更换,55,4,二级,75%,1.5"))
    today = {
        "motor": "电机",
        "fan": "风机",
        "pump": "水泵",
        "compressor": "空压机",
        "transformer": "变压器",
        "datacenter": "数据中心",
        "charger": "充电桩",
    }
    assert list(schema.CATEGORY_ALIASES)[: len(today)] == list(today)
    chinese = {
        name: next(a for a in aliases if not a.isascii())
        for name, aliases in schema.CATEGORY_ALIASES.items()
    }
    assert {name: chinese[name] for name in today} == today
    assert issues(path) == [
        (
            'plant.csv row 2, column 设备类型: "锅炉" — expected one of '
            f"{', '.join(chinese)} (or {', '.join(chinese.values())})"
        )
    ]


def test_measure_for_another_category():
    path = write("plant.csv", csv_of("P1,D1,数据中心,电机更换,55,4,二级,75%,1.5"))
    assert issues(path) == [
        (
            'plant.csv row 2, column 改造措施: "电机更换" — expected a measure that applies to '
            "datacenter (improve_pue, refresh_it); upgrade_motor applies to motor, fan, pump, "
            "compressor"
        )
    ]


def test_recognised_but_unmodelled_measure(monkeypatch):
    """Every measure is modelled today; a future recognised-only measure must still be a clear
    error, not a silent zero."""
    unmodelled = dataclasses.replace(schema.MEASURE_BY_NAME["improve_pue"], modelled=False)
    monkeypatch.setattr(
        schema,
        "MEASURES",
        tuple(unmodelled if m.name == "improve_pue" else m for m in schema.MEASURES),
    )
    monkeypatch.setitem(schema.MEASURE_BY_NAME, "improve_pue", unmodelled)
    path = write("plant.csv", csv_of("P1,D1,数据中心,降低PUE,55,4,二级,75%,1.5"))
    modelled = ", ".join(m.name for m in schema.MEASURES if m.modelled)
    assert issues(path) == [
        (
            'plant.csv row 2, column 改造措施: "降低PUE" — expected a measure this version models '
            f"({modelled}); improve_pue is recognised but not modelled yet"
        )
    ]


def test_duplicate_asset_ids_name_the_first_row():
    rows = [ROW_OK, "P2,M1,电机,电机更换,55,4,二级,75%,1.5", ROW_OK, ROW_OK]
    assert issues(write("plant.csv", csv_of(*rows))) == [
        (
            'plant.csv row 4, column 设备编号: "M1" — expected an asset_id not already used in '
            "plant P1 (row 2 has the same one)"
        ),
        (
            'plant.csv row 5, column 设备编号: "M1" — expected an asset_id not already used in '
            "plant P1 (row 2 has the same one)"
        ),
    ]


def test_conflicting_plant_energy():
    header = HEADER_ZH + ",上年综合能耗"
    rows = [
        ROW_OK + ",5000",
        "P1,M2,电机,电机更换,55,4,二级,75%,1.5,6000",
        "P1,M3,电机,电机更换,55,4,二级,75%,1.5,",
        "P2,M1,电机,电机更换,55,4,二级,75%,1.5,70",
    ]
    assert issues(write("plant.csv", csv_of(*rows, header=header))) == [
        (
            'plant.csv row 3, column 上年综合能耗: "6000" — expected 5000 tce as on row 2 '
            "(plant P1 has one previous-year energy figure)"
        )
    ]


def test_unknown_columns_are_kept_unchanged():
    header = HEADER_ZH + ",备注,车间"
    rows = [ROW_OK + ", 老电机 ,一车间", "P1,M2,电机,电机更换,55,4,二级,75%,1.5,,二车间"]
    inv = read_inventory(write("plant.csv", csv_of(*rows, header=header)))
    assert inv.meta.passthrough == ["备注", "车间"]
    assert list(inv.assets["备注"]) == [" 老电机 ", ""]
    assert list(inv.assets["车间"]) == ["一车间", "二车间"]
    assert list(inv.assets.columns[-3:]) == ["备注", "车间", "source_row"]


# --- collecting everything --------------------------------------------------------------


FIVE_PROBLEMS = [
    "P1,M1,电机,电机更换,abc,4,二级,75%,1.5",  # row 2: type-error
    "P1,M2,电机,电机更换,-5,4,二级,75%,1.5",  # row 3: out-of-range
    "P1,M3,锅炉,电机更换,55,4,二级,75%,1.5",  # row 4: unknown-value
    "P1,M3,电机,电机更换,55,4,二级,75%,1.5",  # row 5: duplicate of row 4
    "P1,M5,电机,电机更换,55,4,二级,75%,",  # fine
    ",M6,电机,电机更换,55,4,二级,75%,1.5",  # row 7: blank-required
]


def test_every_problem_is_collected_in_one_pass_in_file_order():
    with pytest.raises(InventoryError) as info:
        read_inventory(write("plant.csv", csv_of(*FIVE_PROBLEMS)))
    err = info.value
    assert [(i.type, i.row) for i in err.issues] == [
        ("type-error", 2),
        ("out-of-range", 3),
        ("unknown-value", 4),
        ("duplicate-id", 5),
        ("blank-required", 7),
    ]
    assert err.total == 5
    assert isinstance(err, ValueError)
    first = err.issues[0]
    assert (first.file, first.row, first.column, first.value) == (
        "plant.csv",
        2,
        "额定功率(kW)",
        "abc",
    )


def test_max_errors_caps_the_list_but_total_counts_all():
    with pytest.raises(InventoryError) as info:
        read_inventory(write("plant.csv", csv_of(*FIVE_PROBLEMS)), max_errors=2)
    err = info.value
    assert [i.row for i in err.issues] == [2, 3]
    assert err.total == 5
    assert str(err).endswith("… and 3 more problems not shown")
    again = pickle.loads(pickle.dumps(err))
    assert again.total == 5 and again.issues == err.issues


# --- readers: pandas fallback, quoting, ragged rows --------------------------------------


def test_the_ragged_row_reader_reads_as_pyarrow_does(monkeypatch):
    # a short row sends the file through pandas' parser; padded, pyarrow reads it
    parsed_by_pandas = []
    read_csv = pd.read_csv
    monkeypatch.setattr(
        pd, "read_csv", lambda path, **kw: parsed_by_pandas.append(path) or read_csv(path, **kw)
    )
    rows = [ROW_OK, "P1,M2,风机,电机更换,7.5,2,IE3,0.6,0.8", "P1,M3,电机,电机更换,7.5,2,IE3"]
    ragged = read_inventory(write("ragged.csv", csv_of(*rows), "gbk"))
    padded = read_inventory(write("padded.csv", csv_of(*rows[:2], rows[2] + ",,"), "gbk"))
    assert [Path(p).name for p in parsed_by_pandas] == ["ragged.csv"]
    pd.testing.assert_frame_equal(ragged.assets, padded.assets)
    blank = {"path": "", "sha256": ""}
    assert dataclasses.replace(ragged.meta, **blank) == dataclasses.replace(padded.meta, **blank)
    assert ragged.meta.encoding == "gb18030"


def test_short_rows_are_padded_with_blanks():
    inv = read_inventory(write("plant.csv", csv_of(ROW_OK, "P1,M2,电机,电机更换,55,4,二级")))
    assert np.isnan(inv.assets["load_factor"][1])
    assert list(inv.assets["source_row"]) == [2, 3]


def test_header_with_a_line_break_inside_quotes_keeps_row_numbers():
    header = 'plant_id,asset_id,category,measure,"额定功率\n(kW)",poles,efficiency_class'
    path = write("plant.csv", csv_of("P1,A1,motor,upgrade_motor,-1,4,IE2", header=header))
    assert issues(path) == [
        'plant.csv row 2, column 额定功率\n(kW): "-1" — expected a number > 0 (kW)'
    ]


def test_csv_with_a_title_row_above_the_header():
    text = "2024年电机台账,,,,,,,,\n" + csv_of(ROW_OK)
    inv = read_inventory(write("plant.csv", text))
    assert inv.meta.header_row == 2
    assert list(inv.assets["source_row"]) == [3]
    assert inv.meta.notes == ["header found on row 2; row(s) above it ignored: 2024年电机台账"]


def test_semicolon_separated_file():
    inv = read_inventory(write("plant.csv", csv_of(ROW_OK).replace(",", ";")))
    assert list(inv.assets["rated_power_kw"]) == [55.0]


# --- Excel -------------------------------------------------------------------------------


def _two_row_header_workbook(path: str, *, first_sheet: str | None = None) -> None:
    """Row 1: 企业编号 and 设备编号 merged down over row 2; 电机参数 merged over C1:I1.
    Row 2: the real headers of C–I. Rows 3–5: data, with plant P1 merged over A3:A5."""
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    if first_sheet is not None:
        ws.title = first_sheet
        ws["A1"] = "这一页是说明"
        ws = wb.create_sheet("inventory")
    ws["A1"], ws["B1"], ws["C1"] = "企业编号", "设备编号", "电机参数"
    for col, text in zip(
        "CDEFGHI",
        ["设备类型", "改造措施", "额定功率(kW)", "极数", "能效等级", "负载率", "投资额(万元)"],
        strict=True,
    ):
        ws[f"{col}2"] = text
    ws.merge_cells("A1:A2")
    ws.merge_cells("B1:B2")
    ws.merge_cells("C1:I1")
    ws["A3"] = "P1"
    ws.merge_cells("A3:A5")
    data = [
        ["M1", "电机", "电机更换", 55, 4, "二级", 0.75, 1.5],
        ["M2", "电机", "电机更换", 7.5, 2, "IE3", "80%", 2],
        ["M3", "风机", "电机更换", 110.0, 6.0, "YE3", 0.9, None],
    ]
    for r, row in enumerate(data, start=3):
        for c, value in enumerate(row, start=2):
            ws.cell(r, c, value)
    ws["H3"].number_format = "0%"
    wb.save(path)


def test_xlsx_with_merged_cells_and_a_two_row_header():
    _two_row_header_workbook("plant.xlsx")
    inv = read_inventory("plant.xlsx")
    a = inv.assets
    assert list(a["plant_id"]) == ["P1", "P1", "P1"]
    assert list(a["asset_id"]) == ["M1", "M2", "M3"]
    assert list(a["source_row"]) == [3, 4, 5]
    assert list(a["rated_power_kw"]) == [55.0, 7.5, 110.0]
    assert list(a["poles"]) == [4, 2, 6]
    assert a["load_factor"].tolist() == pytest.approx([0.75, 0.80, 0.90])
    assert a["investment_cny"][0] == 15_000.0 and a["investment_cny"][1] == 20_000.0
    assert np.isnan(a["investment_cny"][2])
    m = inv.meta
    assert (m.file_format, m.encoding, m.sheet, m.header_row) == ("xlsx", None, "Sheet", 2)
    assert m.header_map["plant_id"] == "企业编号"
    assert m.notes == [
        "header found on row 2; row(s) above it ignored: 企业编号 设备编号 电机参数",
        "merged cells A1:A2 filled from A1",
        "merged cells B1:B2 filled from B1",
        "merged cells C1:I1 filled from C1",
        "merged cells A3:A5 filled from A3",
    ]


def test_xlsx_rows_are_numbered_as_excel_shows_them():
    openpyxl = pytest.importorskip("openpyxl")
    _two_row_header_workbook("plant.xlsx")
    wb = openpyxl.load_workbook("plant.xlsx")
    wb.active["E5"] = -5
    wb.save("plant.xlsx")
    assert issues("plant.xlsx") == [
        'plant.xlsx row 5, column 额定功率(kW): "-5" — expected a number > 0 (kW)'
    ]


def test_xlsx_second_sheet_by_name_and_by_index():
    _two_row_header_workbook("plant.xlsx", first_sheet="说明")
    by_name = read_inventory("plant.xlsx", sheet="inventory")
    by_index = read_inventory("plant.xlsx", sheet=1)
    assert by_name.meta.sheet == by_index.meta.sheet == "inventory"
    assert list(by_name.assets["asset_id"]) == ["M1", "M2", "M3"]
    pd.testing.assert_frame_equal(by_name.assets, by_index.assets)


def test_xlsx_unknown_sheet_lists_the_sheets():
    _two_row_header_workbook("plant.xlsx", first_sheet="说明")
    assert issues("plant.xlsx", sheet="清单") == [
        "plant.xlsx: there is no sheet named '清单'; the sheets are: 说明, inventory"
    ]


def test_xlsx_with_a_header_and_no_rows():
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    wb.active.append(HEADER_ZH.split(","))
    wb.save("plant.xlsx")
    assert issues("plant.xlsx") == ["plant.xlsx: the file has a header but no data rows"]


def test_old_xls_is_refused_with_advice():
    with open("plant.xls", "wb") as fh:
        fh.write(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    assert issues("plant.xls") == [
        (
            "plant.xls: this is an old Excel .xls workbook; save it as .xlsx or as CSV UTF-8 and "
            "try again"
        )
    ]


# --- DataFrames ---------------------------------------------------------------------------


def test_validate_frame_with_alias_headers_and_numeric_dtypes():
    df = pd.DataFrame(
        {
            "企业编号": ["P1", "P1"],
            "asset id": ["M1", "M2"],
            "Type": ["电机", "motor"],
            "措施": ["电机更换", "upgrade_motor"],
            "rated power": [55.0, 7.5],
            "poles": [4, 2],
            "grade": ["二级", "IE3"],
            "load factor": [0.75, np.nan],
            "other": [1, 2],
        }
    )
    inv = validate_frame(df)
    a = inv.assets
    assert list(a["category"]) == ["motor", "motor"]
    assert list(a["efficiency_class"]) == ["grade_2", "IE3"]
    assert list(a["rated_power_kw"]) == [55.0, 7.5]
    assert a["load_factor"][0] == 0.75 and np.isnan(a["load_factor"][1])
    assert list(a["other"]) == [1, 2]
    assert list(a["source_row"]) == [2, 3]
    assert inv.meta.file_format == "dataframe"
    assert inv.meta.header_map["rated_power_kw"] == "rated power"


def test_validate_frame_reports_rows_as_position_plus_two():
    df = pd.DataFrame(
        {
            "plant_id": ["P1", "P1", "P1"],
            "asset_id": ["A1", "A2", "A3"],
            "category": ["motor"] * 3,
            "measure": ["upgrade_motor"] * 3,
            "rated_power_kw": [5.0, np.nan, np.inf],
            "poles": [4, 4, 4],
            "efficiency_class": ["IE2"] * 3,
        },
        index=[10, 20, 30],
    )
    with pytest.raises(InventoryError) as info:
        validate_frame(df, file="frame")
    assert [str(i) for i in info.value.issues] == [
        (
            'frame row 3, column rated_power_kw: "" — expected a number > 0 (kW) '
            "(measure upgrade_motor needs it)"
        ),
        'frame row 4, column rated_power_kw: "inf" — expected a number > 0 (kW)',
    ]


# --- plants ----------------------------------------------------------------------------------


def test_read_plants():
    text = "企业编号,上年综合能耗(万吨标准煤),名称,地区\nP1,1.2,甲厂,江北区\nP2,0.5,乙厂,\n"
    plants = read_plants(write("plants.csv", text, "gbk"))
    assert list(plants["plant_id"]) == ["P1", "P2"]
    # 万吨标准煤: 1.2 × 10,000 = 12,000 tce; 0.5 × 10,000 = 5,000 tce
    assert plants["plant_energy_tce"].tolist() == pytest.approx([12_000.0, 5_000.0])
    assert list(plants["name"]) == ["甲厂", "乙厂"]
    assert plants["region"][0] == "江北区" and pd.isna(plants["region"][1])
    assert plants.attrs["meta"].encoding == "gb18030"


def test_plants_duplicate_and_missing_energy():
    text = "plant_id,plant_energy_tce\nP1,100\nP2,\nP1,100\n"
    with pytest.raises(InventoryError) as info:
        read_plants(write("plants.csv", text))
    assert [str(i) for i in info.value.issues] == [
        (
            'plants.csv row 3, column plant_energy_tce: "" — expected a number > 0 (tce) '
            "(this column is required)"
        ),
        (
            'plants.csv row 4, column plant_id: "P1" — expected a plant_id not listed before '
            "(row 2 has the same one)"
        ),
    ]


def test_inventory_module_imports_nothing_slow():
    import subprocess
    import sys

    code = (
        "import sys, retrofit.inventory.reading, retrofit.inventory.plants; "
        "print(sorted(m for m in ('matplotlib', 'openpyxl', 'scipy') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_csv_two_row_header_takes_blank_headers_from_the_row_above():
    """A sheet with 企业编号/设备编号 merged down over two header rows, saved as CSV."""
    text = (
        "企业编号,设备编号,电机参数,,,,,,\n"
        ",,设备类型,改造措施,额定功率(kW),极数,能效等级,负载率,投资额(万元)\n"
        "P1,M1,电机,电机更换,55,4,二级,75%,1.5\n"
    )
    inv = read_inventory(write("plant.csv", text))
    assert inv.meta.header_row == 2
    assert inv.meta.header_map["plant_id"] == "企业编号"
    assert list(inv.assets["source_row"]) == [3]
    assert inv.meta.notes == [
        "header found on row 2; row(s) above it ignored: 企业编号 设备编号 电机参数",
        "header of column A taken from row 1: 企业编号",
        "header of column B taken from row 1: 设备编号",
    ]


# --- the parts, one at a time (cells, headers, sniff, checks) ------------------------------


def test_cells_parse_number_reads_thousands_full_width_digits_percent_and_the_header_unit():
    from retrofit.inventory.cells import parse_number

    investment = schema.COLUMN_BY_NAME["investment_cny"]
    text = pd.Series(["1,500", "１２", "1.5", "", "1,50"], dtype="str")
    blank = np.array([False, False, False, True, False])
    # a header in 万元: every plain number × 10,000; "1,50" is no thousands grouping
    values, bad = parse_number(investment, text, blank, 10_000.0)
    assert values[:3].tolist() == [15_000_000.0, 120_000.0, 15_000.0]
    assert bad.tolist() == [False, False, False, False, True]
    load = schema.COLUMN_BY_NAME["load_factor"]
    # "75%" is 0.75 whatever the header; under a % header a plain 80 is 0.80
    values, bad = parse_number(
        load, pd.Series(["75%", "80", "７５％"], dtype="str"), np.zeros(3, dtype=bool), 0.01
    )
    assert values.tolist() == pytest.approx([0.75, 0.80, 0.75])
    assert not bad.any()


def test_cells_column_letters_and_number_text_follow_the_spreadsheet():
    from retrofit.inventory.cells import column_letter, number_text

    assert [column_letter(i) for i in (0, 25, 26, 27, 701, 702)] == [
        "A",
        "Z",
        "AA",
        "AB",
        "ZZ",
        "AAA",
    ]
    assert [number_text(v) for v in (4.0, 0.1, -3.0, 1e16)] == ["4", "0.1", "-3", "1e+16"]


def test_headers_know_inventory_and_plants_file_columns_and_energy_years():
    from retrofit.inventory.headers import energy_year, is_known_header, match_plant_header

    assert is_known_header("额定功率(kW)")
    assert is_known_header("企业全称")  # a plants-file column only
    assert is_known_header("额定功率(马力)")  # a unit the column refuses: still a header
    assert not is_known_header("备注说明")
    assert not is_known_header("  ")
    assert energy_year("综合能耗2022") == 2022
    assert energy_year("plant_energy_tce") is None
    assert match_plant_header("企业名称") == ("name", 1.0)
    assert match_plant_header("上年综合能耗(万吨标准煤)")[1] == 10_000.0


def test_sniff_picks_the_header_row_below_a_title_and_fills_a_merged_header_cell():
    from retrofit.inventory.sniff import above_header_note, complete_header, pick_header_row

    records = [
        ["2024年重点用能设备清单", "", ""],
        ["企业编号", "电机参数", ""],
        ["", "设备编号", "额定功率(kW)"],
    ]
    # row 3 matches two known headers (设备编号, 额定功率), row 2 one (企业编号)
    assert pick_header_row(records) == 2
    headers, notes = complete_header(records, 2)
    assert headers == ["企业编号", "设备编号", "额定功率(kW)"]
    assert notes == ["header of column A taken from row 2: 企业编号"]
    assert above_header_note(2, records) == [
        "header found on row 3; row(s) above it ignored: 2024年重点用能设备清单; 企业编号 电机参数"
    ]


def test_checks_map_headers_keeps_a_repeated_unknown_header_under_a_new_name():
    from retrofit.inventory.checks import map_headers
    from retrofit.inventory.issues import CellIssues

    headers = ["企业编号", "备注", "备注", "额定功率(万kW)"]
    blank = {i: np.zeros(1, dtype=bool) for i in range(4)}
    issues = CellIssues("plant.csv", np.array([2]), cap=10)
    notes: list[str] = []
    header_map = map_headers(headers, blank, schema.COLUMNS, schema.match_header, issues, notes)
    assert header_map.mapped == {"plant_id": 0}
    assert header_map.passthrough == {1: "备注", 2: "备注.1"}
    assert notes == ["column C '备注' repeats a header; kept as '备注.1'"]
    assert [(i.type, i.column) for i in issues.sorted_issues()] == [
        ("header-error", "额定功率(万kW)")
    ]
