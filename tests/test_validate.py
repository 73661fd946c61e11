"""One pass: retrofit.validate(), `retrofit validate` and estimate's single InventoryError list
the problems of every stage at once (issue 15, point 2)."""

import json

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

import retrofit
from retrofit.cli import cli
from retrofit.core.caveats import CaveatLog
from retrofit.core.exceptions import InventoryError, InventoryIssue
from retrofit.core.issues import IssueCollector, one_per_cell

HEADER = (
    "企业编号,设备编号,设备类型,改造措施,数量,额定功率(kW),极数,能效等级,目标能效等级,负载率,"
    "年运行小时,电价,用电类别,投资额(万元),上年综合能耗(tce),备注\n"
)
#: Three problems, each found by a different stage:
#: row 2, input: "IE9" is no efficiency class;
#: row 3, measure: 2000 kW lies beyond the motor class tables (IEC 60034-30-1:2014 and
#:   GB 18613-2020 cover 0.12–1000 kW) and no efficiency is given; both the present and the
#:   new motor read that cell. The row also names a time-of-use tariff without a load profile:
#:   having failed already, it must not be reported for that as well;
#: row 4, economics: a time-of-use tariff (大工业两部制) prices energy by the hours it is used,
#:   so it needs a load profile, and the file has none;
#: row 5 is sound.
THREE_STAGES = HEADER + (
    "SH-1,M1,电机,电机更换,1,55,4,IE9,IE3,75%,4000,0.70,,2,500,a\n"
    "SH-1,M2,电机,电机更换,1,2000,4,IE2,IE3,75%,4000,0.70,大工业两部制,2,500,b\n"
    "SH-1,M3,电机,电机更换,1,55,4,IE2,IE3,75%,4000,0.70,大工业两部制,2,500,c\n"
    "SH-1,M4,电机,电机更换,1,55,4,IE2,IE3,75%,4000,0.70,,2,500,d\n"
)
EXPECTED = [
    ("unknown-value", 2, "能效等级", "IE9"),
    ("out-of-range", 3, "额定功率(kW)", "2000"),
    ("blank-required", 4, "load_profile", ""),
]
#: A sound motor row whose load factor is blank: an estimate takes the default.
BLANK_LOAD = HEADER + "SH-1,M1,电机,电机更换,1,55,4,IE2,IE3,,4000,0.70,,2,500,a\n"


def located(issues):
    return [(i.type, i.row, i.column, i.value) for i in issues]


@pytest.fixture
def three_stages(tmp_path):
    path = tmp_path / "three.csv"
    path.write_text(THREE_STAGES, encoding="utf-8")
    return path


def test_validate_lists_the_problems_of_three_stages_in_one_run(three_stages):
    report = retrofit.validate(three_stages, year=2026)
    assert report.valid is False
    assert located(report.issues) == EXPECTED
    assert report.total == 3
    assert report.rows == 4


def test_two_sided_cell_gives_one_issue(three_stages):
    report = retrofit.validate(three_stages, year=2026)
    on_power = [i for i in report.issues if i.column == "额定功率(kW)"]
    assert len(on_power) == 1
    assert "0.12–1000 kW" in on_power[0].expected


def test_a_failed_row_gets_no_issue_from_later_stages(three_stages):
    # row 3 names a tariff without a profile, as row 4 does, but failed in the measure stage
    report = retrofit.validate(three_stages, year=2026)
    assert [i.type for i in report.issues if i.row == 3] == ["out-of-range"]


def test_estimate_raises_one_error_with_every_stage(three_stages):
    with pytest.raises(InventoryError) as caught:
        retrofit.estimate(three_stages, year=2026)
    assert located(caught.value.issues) == EXPECTED
    assert caught.value.total == 3


def test_estimate_caps_the_listing_but_counts_every_problem(three_stages):
    with pytest.raises(InventoryError) as caught:
        retrofit.estimate(three_stages, year=2026, max_errors=2)
    assert located(caught.value.issues) == EXPECTED[:2]
    assert caught.value.total == 3
    assert "… and 1 more problems not shown" in str(caught.value)


def test_cli_validate_prints_all_three_and_exits_1(three_stages):
    result = CliRunner().invoke(
        cli, ["validate", str(three_stages), "--year", "2026", "--lang", "en"]
    )
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0] == f"{three_stages}: 3 problems"
    assert lines[1].startswith(
        f'{three_stages} row 2, column 能效等级: "IE9" — expected one of IE1'
    )
    assert lines[2].startswith(f'{three_stages} row 3, column 额定功率(kW): "2000" — expected')
    assert lines[3].startswith(f'{three_stages} row 4, column load_profile: "" — expected')
    assert "  备注 → (not read: carried through)" in result.stdout.splitlines()


def test_cli_validate_json_is_the_report(three_stages):
    result = CliRunner().invoke(
        cli, ["validate", str(three_stages), "--year", "2026", "--format", "json"]
    )
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["valid"] is False and report["problems"] == 3
    assert [(i["type"], i["row"], i["column"], i["value"]) for i in report["issues"]] == EXPECTED
    assert report["header_map"]["rated_power_kw"] == "额定功率(kW)"
    assert report["unmatched_headers"] == ["备注"]


def test_unmatched_headers_are_listed(three_stages):
    report = retrofit.validate(three_stages, year=2026)
    assert report.unmatched_headers == ["备注"]
    assert report.header_map["efficiency_class"] == "能效等级"
    assert report.header_map["tariff_class"] == "用电类别"


def test_valid_file_lists_the_defaults_that_would_be_used(tmp_path):
    path = tmp_path / "blank_load.csv"
    path.write_text(BLANK_LOAD, encoding="utf-8")
    report = retrofit.validate(path, year=2026)
    assert report.valid is True and report.issues == [] and report.total == 0
    # inventory_defaults: 75 % of rated output, from the US DOE Motor Challenge fact sheet
    used = report.defaults["motor.load_factor.defaulted"]
    assert (used["column"], used["value"], used["count"]) == ("load_factor", 0.75, 1)
    assert "motor.load_factor.defaulted" in [c.code for c in report.caveats]
    assert report.to_dict()["defaults"]["motor.load_factor.defaulted"]["value"] == 0.75


def test_cli_validate_text_lists_the_defaults(tmp_path):
    path = tmp_path / "blank_load.csv"
    path.write_text(BLANK_LOAD, encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", str(path), "--year", "2026", "--lang", "en"])
    assert result.exit_code == 0
    assert result.stdout.startswith(f"{path}: valid — 1 rows, encoding utf-8\n")
    assert "  default used for load_factor on 1 rows: 0.75 " in result.stdout


def test_plants_file_problems_join_the_inventory_problems(tmp_path):
    inventory = tmp_path / "plant.csv"
    inventory.write_text(THREE_STAGES, encoding="utf-8")
    plants = tmp_path / "plants.csv"
    # the inventory says 500 tce for SH-1: a different figure here is a conflict
    plants.write_text("plant_id,plant_energy_tce\nSH-1,600\n", encoding="utf-8")
    report = retrofit.validate(inventory, plants=plants, year=2026)
    assert located(report.issues) == [
        *EXPECTED,
        ("conflict", 2, "plant_energy_tce", "600"),
    ]
    assert report.issues[-1].file == str(plants)


def test_a_missing_column_is_reported_not_raised(tmp_path):
    path = tmp_path / "no_power.csv"
    path.write_text(
        "企业编号,设备编号,设备类型,改造措施,数量,极数,能效等级\nSH-1,M1,电机,电机更换,1,4,IE2\n",
        encoding="utf-8",
    )
    report = retrofit.validate(path)
    assert report.valid is False
    assert ("missing-column", None, "rated_power_kw") in [
        (i.type, i.row, i.column) for i in report.issues
    ]


def test_validate_takes_a_dataframe():
    frame = pd.DataFrame(
        {
            "plant_id": ["P1", "P1"],
            "asset_id": ["A", "B"],
            "category": ["motor", "motor"],
            "measure": ["upgrade_motor", "upgrade_motor"],
            "rated_power_kw": [11.0, -5.0],
            "poles": [4, 4],
            "efficiency_class": ["IE2", "IE2"],
        }
    )
    report = retrofit.validate(frame)
    # a DataFrame's rows are numbered as in a spreadsheet with the header on row 1
    assert located(report.issues) == [("out-of-range", 3, "rated_power_kw", "-5")]


def test_one_per_cell_keeps_the_most_specific():
    bare = InventoryIssue("out-of-range", "f.csv", 4, "kW", "", "a size in the table")
    full = InventoryIssue(
        "out-of-range", "f.csv", 4, "kW", "2000", "a size in the table, 0.12–1000"
    )
    other = InventoryIssue("blank-required", "f.csv", 4, "kW", "", "a value")
    file_level = InventoryIssue("missing-column", "f.csv", None, "poles", None, "a column")
    # issue 17: the same cell is never reported twice, whatever each stage calls its problem,
    # and a column two checks find missing is one missing column
    assert one_per_cell([bare, other, full, file_level, file_level]) == [full, file_level]


def test_collector_counts_what_a_capped_stage_did_not_build():
    collector = IssueCollector()
    first = InventoryIssue("type-error", "f.csv", 2, "kW", "x", "a number")
    collector.add([first], total=5)  # a reader that built 1 of 5
    collector.add([InventoryIssue("type-error", "f.csv", 3, "kW", "y", "a number")])
    error = collector.error(max_errors=1)
    assert error.issues == [first]
    assert error.total == 6


def test_caveat_log_take_keeps_the_rows_left():
    log = CaveatLog(4)
    log.add("a.rows", "on rows 1 and 4", mask=np.array([True, False, False, True]))
    log.add("b.rows", "on row 2 only", mask=np.array([False, True, False, False]))
    log.add_global("c.run", "the run")
    kept = log.take(np.array([0, 2, 3]))
    assert {c.code: c.count for c in kept.summary()} == {"a.rows": 2, "c.run": 0}


def test_retrofit_validate_stays_the_function_once_its_module_is_imported():
    import importlib

    module = importlib.import_module("retrofit.validation")
    assert retrofit.validate is module.validate
    assert retrofit.ValidationReport is module.ValidationReport
