"""Rows typed into a table (issue 21, point 2: the web page's editable table) are checked by the
code that checks a file: :func:`retrofit.validate_records` gives the issues a CSV of the same
rows gives, numbered by table row (the CSV's row number − 1, its header being row 1)."""

from __future__ import annotations

import csv
from dataclasses import replace

import pytest

import retrofit
from retrofit.core.exceptions import OptionError
from retrofit.core.messages import issue_text

ZH = ["企业编号", "设备编号", "设备类型", "改造措施", "额定功率(kW)", "极数", "能效等级", "负载率"]
EN = ["plant_id", "asset_id", "category", "measure", "rated_power_kw", "poles", "efficiency_class",
      "load_factor"]  # fmt: skip


def zh_row(asset: str, power: str = "55", grade: str = "二级", load: str = "0.8") -> dict:
    return dict(zip(ZH, ["P1", asset, "电机", "电机更换", power, "4", grade, load], strict=True))


def write_csv(path, rows: list[dict]) -> None:
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def located(issues) -> list[tuple]:
    return [(i.row, i.column, i.value, i.type) for i in issues]


def test_typed_rows_give_the_issues_of_the_same_rows_in_a_file(tmp_path):
    rows = [zh_row("M1"), zh_row("M2", power="abc"), zh_row("M3", grade="九级", load="1.5")]
    report = retrofit.validate_records(rows)
    assert not report.valid
    assert located(report.issues) == [
        (2, "额定功率(kW)", "abc", "type-error"),
        (3, "能效等级", "九级", "unknown-value"),
        (3, "负载率", "1.5", "out-of-range"),
    ]
    assert report.file == "<table>" and report.rows == 3 and report.language == "zh"
    write_csv(tmp_path / "plant.csv", rows)
    from_file = retrofit.validate(tmp_path / "plant.csv")
    assert [replace(i, row=i.row - 1, file="<table>") for i in from_file.issues] == report.issues
    assert issue_text(report.issues[0], "zh") == (
        "<table> 第 2 行，列「额定功率(kW)」：“abc” — 应为 数值 > 0 (kW)"
    )


def test_english_headers_and_the_language_asked():
    rows = [
        dict(zip(EN, ["P1", "M1", "motor", "upgrade_motor", "-5", "4", "IE2", "0.8"], strict=True))
    ]
    report = retrofit.validate_records(rows, file="table")
    assert located(report.issues) == [(1, "rated_power_kw", "-5", "out-of-range")]
    assert report.language == "en"
    assert retrofit.validate_records(rows, lang="zh").language == "zh"
    with pytest.raises(ValueError, match="unknown language 'fr'"):
        retrofit.validate_records(rows, lang="fr")


def test_valid_rows_and_the_blank_lines_of_the_table():
    # a table of 30 lines sends its unused ones blank: they are no rows; a blank line between
    # two rows is dropped with a note and the next row keeps its table number
    blank = dict.fromkeys(ZH, "")
    rows = [zh_row("M1"), blank, zh_row("M3", power="0"), *[blank] * 27]
    report = retrofit.validate_records(rows)
    assert located(report.issues) == [(3, "额定功率(kW)", "0", "out-of-range")]
    assert any("blank row" in note for note in report.notes)
    ok = retrofit.validate_records([zh_row("M1"), zh_row("M2", power="22"), blank, blank])
    assert ok.valid and ok.issues == [] and ok.rows == 2


def test_numbers_and_none_as_cells():
    row = {**zh_row("M1"), "额定功率(kW)": 55, "负载率": None}
    assert retrofit.validate_records([row]).valid  # a blank load factor takes the default


def test_a_missing_column_is_one_issue_for_the_table():
    rows = [{k: v for k, v in zh_row("M1").items() if k != "额定功率(kW)"}]
    report = retrofit.validate_records(rows)
    [issue] = report.issues
    assert (issue.type, issue.row, issue.column) == ("missing-column", None, "rated_power_kw")


def test_an_empty_table_and_too_many_rows():
    [issue] = retrofit.validate_records([dict.fromkeys(ZH, "")] * 3).issues
    assert issue.type == "empty-file"
    report = retrofit.validate_records([zh_row(f"M{i}") for i in range(31)], max_rows=30)
    [issue] = report.issues
    assert issue.type == "limit-exceeded"
    assert issue.expected == (
        "the table holds 31 rows, more than the limit of 30; upload a larger inventory as a file"
    )
    assert (
        issue_text(issue, "zh") == "<table>：表格有 31 行，超过上限 30 行；较大的清单请以文件上传"
    )


def test_options_reach_the_checks():
    # the options of validate act as for a file: an unknown region is a usage error, and
    # strict turns the default load factor of a blank cell into an issue at its row
    with pytest.raises(OptionError):
        retrofit.validate_records([zh_row("M1")], region="atlantis")
    assert retrofit.validate_records([zh_row("M1", load="")]).valid
    report = retrofit.validate_records([zh_row("M1", load="")], strict=True)
    assert (1, "负载率", "", "defaulted-strict") in located(report.issues)
    assert {(i.row, i.type) for i in report.issues} == {(1, "defaulted-strict")}
