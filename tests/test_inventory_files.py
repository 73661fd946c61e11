"""Hostile and broken input files (issue 18, points 3, 5 and 6): each is a located one-line
message (exit 1 for data, 2 for a usage error), never a traceback, a silent blank or an
unbounded allocation. Workbooks are written with openpyxl and, where a case needs what
openpyxl does not write (a cached formula value, 1E400, no dimension, a zip bomb), edited at
the XML level."""

from __future__ import annotations

import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from retrofit.cli import cli
from retrofit.core.exceptions import InventoryError
from retrofit.inventory.files import read_table, reading_limits
from retrofit.inventory.reading import read_inventory
from retrofit.inventory.workbook import DEFAULT_LIMITS, ReadLimits

openpyxl = pytest.importorskip("openpyxl")

HEADER = ["企业编号", "设备编号", "设备类型", "改造措施", "额定功率(kW)", "极数", "能效等级"]
ROW = ["P1", "M1", "电机", "电机更换", 55, 4, "二级"]
SHEET1 = "xl/worksheets/sheet1.xml"


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


def workbook(path: str, *rows: list, title: str = "Sheet") -> str:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def edit_part(path: str, part: str, edit) -> None:
    """Rewrite one part of the zip with ``edit(text) -> text`` (the others copied as they are)."""
    src = Path(path).read_bytes()
    Path("tmp.zip").write_bytes(src)
    with (
        zipfile.ZipFile("tmp.zip") as zin,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout,
    ):
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == part:
                data = edit(data.decode("utf-8")).encode("utf-8")
            zout.writestr(info.filename, data)


def issues(path, **kw) -> list:
    with pytest.raises(InventoryError) as info:
        read_inventory(path, **kw)
    return info.value.issues


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


# --- formulas (point 3) ----------------------------------------------------------------


def test_formula_without_a_cached_value_is_an_error_naming_the_cell_and_formula():
    # openpyxl stores the formula and no value (it does not calculate): <f>50+5</f><v/>
    workbook("plant.xlsx", HEADER, ["P1", "M1", "电机", "电机更换", "=50+5", 4, "二级"])
    [issue] = issues("plant.xlsx")
    assert (issue.type, issue.row, issue.column, issue.value) == (
        "uncached-formula",
        2,
        "E",
        "=50+5",
    )
    assert "Sheet!E2" in issue.expected
    result = run("validate", "plant.xlsx")
    assert result.exit_code == 1
    assert 'plant.xlsx row 2, column E: "=50+5" — expected the value the formula in Sheet!E2' in (
        result.output
    )
    assert "Traceback" not in result.output


def test_formula_with_a_cached_value_reads_the_value():
    workbook("plant.xlsx", HEADER, ["P1", "M1", "电机", "电机更换", "=50+5", 4, "二级"])
    # what Excel writes after calculating: the formula and its result, 55
    edit_part("plant.xlsx", SHEET1, lambda x: x.replace("<f>50+5</f><v />", "<f>50+5</f><v>55</v>"))
    inv = read_inventory("plant.xlsx")
    assert inv.assets["rated_power_kw"].tolist() == [55.0]


def test_a_formula_whose_cached_value_is_empty_text_reads_blank():
    # Excel caches a formula giving "" as t="str" with an empty <v>: a blank, not an error
    workbook("plant.xlsx", [*HEADER, "备注"], [*ROW, '=IF(1,"","x")'])
    edit_part(
        "plant.xlsx",
        SHEET1,
        lambda x: x.replace('<c r="H2">', '<c r="H2" t="str">').replace("<v />", "<v></v>"),
    )
    inv = read_inventory("plant.xlsx")
    assert inv.assets["rated_power_kw"].tolist() == [55.0]


def test_a_shared_formula_without_values_names_the_formula_of_its_first_cell():
    workbook("plant.xlsx", HEADER, ROW, ["P1", "M2", "电机", "电机更换", 7.5, 4, "二级"])
    # rows 2-3 of column F hold one shared formula, defined in F2 and used in F3
    edit_part(
        "plant.xlsx",
        SHEET1,
        lambda x: x.replace(
            '<c r="F3" t="n"><v>4</v></c>', '<c r="F3"><f t="shared" si="0" /></c>'
        ).replace(
            '<c r="F2" t="n"><v>4</v></c>',
            '<c r="F2"><f t="shared" ref="F2:F3" si="0">2*2</f><v>4</v></c>',
        ),
    )
    [issue] = issues("plant.xlsx")
    assert (issue.row, issue.column, issue.value) == (3, "F", "=2*2")
    assert "Sheet!F3" in issue.expected


# --- bounded workbooks (point 5) -------------------------------------------------------


def test_one_cell_at_xfd1048576_is_refused_without_building_a_grid():
    wb = openpyxl.Workbook()
    wb.active["XFD1048576"] = "x"
    wb.save("far.xlsx")
    assert Path("far.xlsx").stat().st_size < 10_000
    tracemalloc.start()
    start = time.perf_counter()
    [issue] = issues("far.xlsx")
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert issue.type == "limit-exceeded"
    assert issue.expected.startswith(
        "sheet 'Sheet' declares cells down to row 1,048,576 (XFD1048576:XFD1048576), past the "
        "limit of 300,000 rows"
    )
    assert "--max-rows" in issue.expected
    assert seconds < 5 and peak < 50 * 2**20  # 17 billion cells would need terabytes


def test_a_far_cell_without_a_declared_dimension_is_refused_at_that_cell():
    wb = openpyxl.Workbook()
    wb.active.append(HEADER)
    wb.active["XFD2"] = "x"
    wb.save("far.xlsx")
    edit_part("far.xlsx", SHEET1, lambda x: x.replace('<dimension ref="A1:XFD2" />', ""))
    [issue] = issues("far.xlsx")
    assert issue.expected == (
        "sheet 'Sheet' has a value in column 16,384 (Sheet!XFD2), past the limit of 1,000 "
        "columns; raise the limit with --max-columns (API: limits=ReadLimits(max_columns=…)) "
        "if it is right"
    )
    # raised, the same sheet reads: one row of 16,384 columns, not a grid to row 1,048,576
    table, _ = read_table("far.xlsx", encoding=None, sheet=None, limits=ReadLimits(16, 16_384))
    assert (len(table.headers), table.header_row, table.rows.tolist()) == (16_384, 1, [2])
    assert table.cells.iloc[0, 16_383] == "x"


def test_rows_over_the_limit_are_refused_from_the_dimension_and_from_the_cells():
    rows = [["P1", f"M{i}", "电机", "电机更换", 55, 4, "二级"] for i in range(1, 11)]
    workbook("plant.xlsx", HEADER, *rows)  # header + 10 rows: A1:G11
    [issue] = issues("plant.xlsx", limits=ReadLimits(max_rows=5))
    assert "sheet 'Sheet' declares cells down to row 11 (A1:G11), past the limit of 5 rows" in (
        issue.expected
    )
    edit_part("plant.xlsx", SHEET1, lambda x: x.replace('<dimension ref="A1:G11" />', ""))
    with reading_limits(ReadLimits(max_rows=5)):  # as the CLI's --max-rows 5 sets it
        [issue] = issues("plant.xlsx")
    assert "has a value in row 6 (Sheet!A6), past the limit of 5 rows" in issue.expected
    assert len(read_inventory("plant.xlsx", limits=ReadLimits(max_rows=11)).assets) == 10
    result = run("validate", "plant.xlsx", "--max-rows", "5")
    assert result.exit_code == 1 and "--max-rows" in result.output


@pytest.mark.parametrize("chunk", [7, 1 << 20])
def test_a_sheet_without_a_dimension_is_counted_and_refused_before_it_is_parsed(monkeypatch, chunk):
    # openpyxl's streaming writer declares no dimension: a million-row sheet from it was
    # parsed for minutes before its row 300,001 was seen; its row elements are now counted
    from retrofit.inventory import workbook as wbmod

    rows = [["P1", f"M{i}", "电机", "电机更换", 55, 4, "二级"] for i in range(1, 11)]
    workbook("plant.xlsx", HEADER, *rows)
    edit_part("plant.xlsx", SHEET1, lambda x: x.replace('<dimension ref="A1:G11" />', ""))
    monkeypatch.setattr(wbmod, "_PRECOUNT_BYTES", 0)  # count even this small sheet
    monkeypatch.setattr(wbmod, "_COUNT_CHUNK", chunk)  # 7 bytes: "<row " split at a boundary
    [issue] = issues("plant.xlsx", limits=ReadLimits(max_rows=10))
    assert issue.expected.startswith(
        "sheet 'Sheet' has 11 rows, more than the limit of 10; a sheet is read whole"
    )
    assert len(read_inventory("plant.xlsx", limits=ReadLimits(max_rows=11)).assets) == 10


def test_a_zip_bomb_is_refused_before_it_is_unpacked():
    workbook("bomb.xlsx", HEADER, ROW)
    # 64 MiB of blanks inside the sheet XML pack to about 64 KiB (1,000 to 1)
    edit_part("bomb.xlsx", SHEET1, lambda x: x.replace("<sheetData>", "<sheetData>" + " " * 2**26))
    tracemalloc.start()
    [issue] = issues("bomb.xlsx")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert issue.type == "limit-exceeded"
    assert f"part {SHEET1} unpacks from" in issue.expected
    assert "the workbook looks like a zip bomb" in issue.expected
    assert peak < 16 * 2**20


def test_unpacked_size_over_the_limit_names_the_option():
    workbook("plant.xlsx", HEADER, ROW)
    [issue] = issues("plant.xlsx", limits=ReadLimits(max_unzipped_mb=0.001))
    assert "MiB, more than the limit of 0.001 MiB" in issue.expected
    assert "--max-unzipped-mb" in issue.expected
    assert issue.expected.startswith("the workbook unpacks to 0.0")


def test_a_long_cell_in_a_sheet_is_refused_at_its_cell():
    workbook("plant.xlsx", [*HEADER, "备注"], [*ROW, "x" * 40])
    [issue] = issues("plant.xlsx", limits=ReadLimits(max_cell_chars=32))
    assert issue.expected.startswith(
        "cell Sheet!H2 holds 40 characters, more than the limit of 32; raise the limit with "
        "--max-cell-chars"
    )
    assert DEFAULT_LIMITS.max_cell_chars == 32_767  # Excel's own limit for a cell


def test_a_hidden_first_sheet_is_skipped_and_said():
    wb = openpyxl.Workbook()
    hidden = wb.active
    hidden.title = "lookup"
    hidden.append(["not", "an", "inventory"])
    hidden.append([1, 2, 3])
    hidden.sheet_state = "hidden"
    ws = wb.create_sheet("清单")
    ws.append(HEADER)
    ws.append(ROW)
    wb.save("plant.xlsx")
    inv = read_inventory("plant.xlsx")
    assert inv.meta.sheet == "清单"
    assert inv.meta.notes[0] == (
        "hidden sheet(s) 'lookup' skipped: read '清单', the first visible sheet "
        "(name another with --sheet)"
    )
    assert inv.assets["asset_id"].tolist() == ["M1"]
    # named, the hidden sheet is read (and is not an inventory)
    assert issues("plant.xlsx", sheet=0)[0].type == "missing-column"


def test_a_vertical_merge_reaching_far_below_the_data_costs_nothing():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER)
    ws.append(ROW)
    ws.append(["", "M2", "电机", "电机更换", 7.5, 2, "二级"])
    wb.save("plant.xlsx")
    # openpyxl would write a million merged cells; Excel writes the range alone
    edit_part(
        "plant.xlsx",
        SHEET1,
        lambda x: x.replace(
            "</sheetData>",
            '</sheetData><mergeCells count="1"><mergeCell ref="A2:A1000000" /></mergeCells>',
        ),
    )
    inv = read_inventory("plant.xlsx", limits=ReadLimits(max_rows=1_048_576))
    assert inv.assets["plant_id"].tolist() == ["P1", "P1"]
    assert inv.assets["source_row"].tolist() == [2, 3]


# --- no traceback (point 6) ------------------------------------------------------------


def test_an_xlsx_number_1e400_is_a_located_error():
    workbook("plant.xlsx", HEADER, ROW)
    edit_part(
        "plant.xlsx",
        SHEET1,
        lambda x: x.replace('<c r="E2" t="n"><v>55</v>', '<c r="E2"><v>1E400</v>'),
    )
    result = run("validate", "plant.xlsx")
    assert result.exit_code == 1
    assert (
        'plant.xlsx row 2, column E: "1E400" — expected a finite number in Sheet!E2 (this one '
        "overflows a 64-bit float)"
    ) in result.output
    assert "Traceback" not in result.output


def csv_file(name: str, text: str) -> str:
    Path(name).write_bytes(text.encode("utf-8"))
    return name


HEADER_CSV = ",".join(HEADER)
ROW_CSV = "P1,M1,电机,电机更换,55,4,二级"


def test_a_csv_cell_over_the_csv_field_limit_in_the_first_rows():
    csv_file("plant.csv", f"{HEADER_CSV},备注\nP1,M1,电机,电机更换,55,4,二级,{'x' * 140_000}\n")
    result = run("validate", "plant.csv")
    assert result.exit_code == 1
    assert "plant.csv: a cell on line 2 holds more than 131,072 characters" in result.output


def test_a_long_csv_cell_below_the_header_rows_is_refused_at_its_row():
    rows = [f"P1,M{i},电机,电机更换,55,4,二级," for i in range(1, 11)]
    rows.append("P1,M11,电机,电机更换,55,4,二级," + "y" * 40_000)
    csv_file("plant.csv", "\n".join([HEADER_CSV + ",备注", *rows]) + "\n")
    [issue] = issues("plant.csv")
    assert (issue.row, issue.column) == (12, "备注")
    assert issue.expected.startswith("the cell holds 40,000 characters, more than the limit of")
    assert len(read_inventory("plant.csv", limits=ReadLimits(max_cell_chars=40_000)).assets) == 11


def test_a_long_chinese_cell_is_counted_in_characters_not_bytes():
    # 30,000 characters of 3 UTF-8 bytes each: 90,000 bytes, within the 32,767-character limit
    csv_file(
        "plant.csv",
        f"{HEADER_CSV},备注\n{ROW_CSV},\n{ROW_CSV.replace('M1', 'M2')},{'节' * 30_000}\n",
    )
    assert read_inventory("plant.csv").assets["备注"].str.len().tolist() == [0, 30_000]


def test_a_file_of_nul_bytes():
    Path("plant.csv").write_bytes(b"\0" * 4096)
    result = run("validate", "plant.csv")
    assert result.exit_code == 1
    assert "plant.csv: line 1 holds a NUL byte (0x00, offset 0), which is no text" in result.output


def test_a_nul_byte_inside_a_text_cell_is_reported_not_passed_on():
    csv_file("plant.csv", f"{HEADER_CSV}\nP1,M\x001,电机,电机更换,55,4,二级\n")
    offset = len(f"{HEADER_CSV}\nP1,M".encode())
    [issue] = issues("plant.csv")
    assert issue.expected.startswith(f"line 2 holds a NUL byte (0x00, offset {offset})")


def test_an_unterminated_quote_is_reported_at_its_row():
    rows = [ROW_CSV, 'P1,"M2,电机,电机更换,55,4,二级', "P1,M3,电机,电机更换,55,4,二级"]
    csv_file("plant.csv", "\n".join(["设备清单", HEADER_CSV, *rows]) + "\n")  # a title row
    [issue] = issues("plant.csv")
    # row 1 title, row 2 header, row 3 M1, row 4 the quote that never closes
    assert issue.row == 4
    assert issue.expected.startswith('a quote (") opened in this row is never closed')


def test_an_unknown_encoding_is_a_usage_error():
    csv_file("plant.csv", f"{HEADER_CSV}\n{ROW_CSV}\n")
    result = run("validate", "plant.csv", "--encoding", "klingon")
    assert result.exit_code == 2
    assert "unknown encoding 'klingon'" in result.output
    assert "Traceback" not in result.output
    with pytest.raises(LookupError):  # as the API has always said
        read_inventory("plant.csv", encoding="klingon")


def test_a_part_that_declares_xml_entities_is_refused():
    # the "billion laughs": a few entities that would expand to gigabytes of text
    workbook("plant.xlsx", HEADER, ROW)
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    )
    edit_part("plant.xlsx", SHEET1, lambda x: laughs + x.split("?>", 1)[-1])
    [issue] = issues("plant.xlsx")
    assert issue.expected == f"part {SHEET1} declares XML entities; refused"


def test_a_nul_character_in_a_parquet_text_cell_is_reported_at_its_cell():
    pytest.importorskip("pyarrow")
    import pandas as pd

    frame = pd.DataFrame(
        {"plant_id": ["P1", "P1"], "asset_id": ["M1", "M\x002"], "category": ["motor"] * 2}
    )
    frame.to_parquet("plant.parquet")
    [issue] = issues("plant.parquet")
    assert str(issue) == (
        'plant.parquet row 3, column asset_id: "M\\02" — expected text without NUL '
        "characters (\\0): remove them"
    )


def test_a_nul_character_reference_in_a_sheet_is_a_parse_error_not_a_cell():
    workbook("plant.xlsx", HEADER, ROW)
    edit_part("plant.xlsx", SHEET1, lambda x: x.replace("<t>M1</t>", "<t>M&#0;1</t>"))
    [issue] = issues("plant.xlsx")
    assert issue.type == "encoding-error"
    assert issue.expected.startswith(f"part {SHEET1} is not well-formed XML (reference to invalid")


def test_a_long_csv_cell_in_a_later_chunk_is_refused_at_its_row():
    from retrofit.inventory.streaming import iter_inventory

    rows = [f"P1,M{i},电机,电机更换,55,4,二级," for i in range(1, 11)]
    rows[8] += "z" * 40  # spreadsheet row 10, in the third chunk of 4 rows
    csv_file("plant.csv", "\n".join([HEADER_CSV + ",备注", *rows]) + "\n")
    with reading_limits(ReadLimits(max_cell_chars=32)):
        chunks = iter_inventory("plant.csv", chunk_rows=4)
    assert len(next(chunks).assets) == 4
    assert len(next(chunks).assets) == 4
    with pytest.raises(InventoryError) as info:
        next(chunks)
    [issue] = info.value.issues
    assert (issue.row, issue.column) == (10, "备注")
    assert issue.expected.startswith("the cell holds 40 characters, more than the limit of 32")


def test_every_reading_command_takes_the_limits():
    rows = [["P1", f"M{i}", "电机", "电机更换", 55, 4, "二级"] for i in range(1, 11)]
    workbook("plant.xlsx", HEADER, *rows)
    for command in ("estimate", "validate", "incentives", "portfolio"):
        policy = ["--policy", "national"] if command == "incentives" else []
        result = run(command, "plant.xlsx", "--max-rows", "5", "--year", "2025", *policy)
        assert result.exit_code == 1, (command, result.output)
        assert "past the limit of 5 rows" in result.output, command
        assert "Traceback" not in result.output
    result = run("estimate", "plant.xlsx", "--max-rows", "11", "--year", "2025", "-o", "out.csv")
    assert result.exit_code == 0, result.output
