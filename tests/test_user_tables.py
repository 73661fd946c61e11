"""Tables given with ``--table`` (issue 18, point 7): validated like the bundled ones against
the bundled table's columns, errors naming file, row and column, and every output marked
non-standard."""

from __future__ import annotations

import csv
import json

import openpyxl
import pytest
from click.testing import CliRunner

from retrofit.cli import cli
from retrofit.core import reference
from retrofit.core.exceptions import ReferenceDataError

GRID_HEADER = "region_key,data_year,factor_tco2_per_mwh,default_for_region,source,confidence\n"
GOOD = (
    "企业编号,设备编号,设备类型,改造措施,数量,额定功率(kW),极数,能效等级,目标能效等级,负载率,"
    "年运行小时,电价,投资额(万元),上年综合能耗(tce)\n"
    "SH-1,M1,电机,电机更换,1,55,4,IE2,二级,100%,4000,0.70,2,50\n"
)


@pytest.fixture
def plant(tmp_path):
    path = tmp_path / "plant.csv"
    path.write_text(GOOD, encoding="utf-8")
    return path


def grid_table(tmp_path, rows: str):
    path = tmp_path / "grid.csv"
    path.write_text(GRID_HEADER + rows, encoding="utf-8")
    return path


def test_every_bundled_table_passes_its_own_checks():
    catalog = reference.load_catalog()
    for name in catalog.index:
        table = reference.load_table(name)
        assert not reference.check_user_table(
            table, table, catalog.loc[name, "key_columns"].split()
        )


def test_a_negative_grid_factor_is_refused_naming_file_row_and_column(tmp_path, plant):
    """Issue 18: a negative grid factor gave negative CO2."""
    own = grid_table(tmp_path, "national,2025,0.5,yes,my audit,M\nshanghai,2025,-0.5,yes,x,M\n")
    result = CliRunner().invoke(
        cli, ["estimate", str(plant), "--table", f"grid_emission_factors={own}"]
    )
    assert result.exit_code == 3
    assert result.stderr == (
        f"Error: reference data: {own}: 1 problem in your table for 'grid_emission_factors':\n"
        f'{own} row 3, column factor_tco2_per_mwh: "-0.5" — expected a number > 0\n'
    )


def test_an_efficiency_over_100_percent_is_refused(tmp_path):
    """Issue 18: a 150 % IE4 efficiency was used."""
    own = tmp_path / "iec.csv"
    own.write_text(
        "efficiency_class,poles,frequency_hz,rated_power_kw,efficiency_pct,source,confidence\n"
        "IE4,4,50,55,150,my test,M\n"
        "IE2,4,50,55,0,my test,M\n"
        "IE3,4.5,50,55,abc,my test,M\n"
        "IE3,4,50,inf,95,my test,M\n",
        encoding="utf-8",
    )
    with pytest.raises(ReferenceDataError) as raised:
        reference.load_table("iec60034_30_1_2014_motor_classes", own)
    # column by column, in the file's order
    assert str(raised.value).splitlines()[1:] == [
        f'{own} row 4, column poles: "4.5" — expected a whole number',
        f'{own} row 5, column rated_power_kw: "inf" — expected a finite number',
        f'{own} row 2, column efficiency_pct: "150" — expected a number > 0 and ≤ 100',
        f'{own} row 3, column efficiency_pct: "0" — expected a number > 0 and ≤ 100',
        f'{own} row 4, column efficiency_pct: "abc" — expected a number',
    ]
    assert str(raised.value).splitlines()[0] == (
        f"{own}: 5 problems in your table for 'iec60034_30_1_2014_motor_classes':"
    )


def test_a_unit_other_than_the_bundled_rows_is_refused(tmp_path):
    own = tmp_path / "finance.csv"
    own.write_text(
        "parameter,key,value,unit,source,confidence\n"
        "discount_rate,default,8,%,my audit,M\n"
        "depreciation_years,machinery,10,yr,my audit,M\n",
        encoding="utf-8",
    )
    with pytest.raises(ReferenceDataError) as raised:
        reference.load_table("finance_parameters", own)
    assert str(raised.value).splitlines()[1:] == [
        (
            f'{own} row 2, column unit: "%" — expected "fraction per year" (the bundled '
            "table's unit for ('discount_rate', 'default'))"
        )
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            GRID_HEADER + "national,2025,0.5,yes,my audit,M,extra\n",
            (
                "{own} row 2: 7 fields where the header has 6 (table 'grid_emission_factors'); "
                "quote a value that holds a comma"
            ),
        ),
        (
            GRID_HEADER + "national,2025,0.5,yes,my audit,M\n" + 'national,2024,0.6,no,"x,M\n',
            "{own} row 3: a quote that opens a value never closes (table 'grid_emission_factors')",
        ),
        ("", "{own}: your table for 'grid_emission_factors' is empty"),
    ],
)
def test_a_malformed_table_is_named_without_a_pandas_message(tmp_path, text, message):
    own = tmp_path / "grid.csv"
    own.write_text(text, encoding="utf-8")
    with pytest.raises(ReferenceDataError) as raised:
        reference.load_table("grid_emission_factors", own)
    assert str(raised.value) == message.format(own=own)


def test_a_table_that_is_not_utf8_or_has_nul_bytes_is_named(tmp_path):
    own = tmp_path / "grid.csv"
    own.write_bytes((GRID_HEADER + "national,2025,0.5,yes,我的审计,M\n").encode("gbk"))
    with pytest.raises(ReferenceDataError, match=r"grid\.csv: your table for .* is not UTF-8"):
        reference.load_table("grid_emission_factors", own)
    own.write_bytes(b"\x00" * 64)
    with pytest.raises(ReferenceDataError, match="contains NUL bytes"):
        reference.load_table("grid_emission_factors", own)


def test_every_output_of_a_run_with_a_user_table_is_marked(tmp_path, plant):
    own = grid_table(tmp_path, "national,2025,0.5,yes,my audit 2025,M\n")
    runner = CliRunner()
    option = ["--table", f"grid_emission_factors={own}", "--year", "2026"]
    for name in ("out.csv", "out.json", "out.xlsx"):
        result = runner.invoke(cli, ["estimate", str(plant), "-o", str(tmp_path / name), *option])
        assert result.exit_code == 0, result.output
    for name in ("report.xlsx", "report.html"):
        result = runner.invoke(cli, ["report", str(plant), "-o", str(tmp_path / name), *option])
        assert result.exit_code == 0, result.output

    with open(tmp_path / "out.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["nonstandard_tables"] for r in rows] == ["grid_emission_factors"]
    doc = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert doc["assumptions"]["non_standard_tables"] == ["grid_emission_factors"]
    assert doc["assets"][0]["nonstandard_tables"] == "grid_emission_factors"
    audit = openpyxl.load_workbook(tmp_path / "out.xlsx")["assets"]  # two header rows
    header = [c.value for c in audit[1]]
    column = header.index("nonstandard_tables") + 1
    assert audit.cell(3, column).value == "grid_emission_factors"
    summary = openpyxl.load_workbook(tmp_path / "report.xlsx")["summary"]
    assert summary["A1"].value == "NON-STANDARD 非标准"
    assert summary["B1"].value == "user tables 用户表: grid_emission_factors"
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    body = html[html.index("<body") :]
    banner = body.index("id='non-standard'")
    assert banner < body.index("<h1")  # the first thing on the page
    assert "grid_emission_factors" in body[banner : banner + 600]

    terminal = runner.invoke(cli, ["estimate", str(plant), *option])
    assert terminal.output.splitlines()[0] == ("NON-STANDARD: user tables grid_emission_factors")


def test_a_standard_run_has_no_mark(tmp_path, plant):
    """The column exists only in a non-standard run (README, "Non-standard runs"): its presence
    is the mark, and a standard run's outputs stay as they were."""
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(cli, ["estimate", str(plant), "-o", str(out), "--year", "2026"])
    assert result.exit_code == 0
    header = out.read_text(encoding="utf-8-sig").splitlines()[0].split(",")
    assert header[0] == "plant_id" and "nonstandard_tables" not in header


def test_a_portfolio_with_a_user_table_marks_its_plants(tmp_path, plant):
    own = grid_table(tmp_path, "national,2025,0.5,yes,my audit 2025,M\n")
    out = tmp_path / "plants.csv"
    result = CliRunner().invoke(
        cli,
        ["portfolio", str(plant), "--table", f"grid_emission_factors={own}", "-o", str(out)],
    )
    assert result.exit_code == 0, result.output
    with open(out, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["plant_id"], r["nonstandard_tables"]) for r in rows] == [
        ("SH-1", "grid_emission_factors")
    ]


def test_a_blank_factor_is_refused_a_blank_unused_value_is_not(tmp_path):
    own = grid_table(tmp_path, "national,2025,,yes,my audit,M\n")
    with pytest.raises(ReferenceDataError) as raised:
        reference.load_table("grid_emission_factors", own)
    assert str(raised.value).splitlines()[1:] == [
        f'{own} row 2, column factor_tco2_per_mwh: "" — expected a number (required: no blank)'
    ]
    # a normal distribution gives sd, not low and high
    own = tmp_path / "distributions.csv"
    own.write_text(
        "input,applies,condition,distribution,low,mode,high,sd,scale,unit,source,confidence\n"
        "operating_hours_h,all,,normal,,,,0.1,relative,h/yr,my audit,M\n",
        encoding="utf-8",
    )
    assert len(reference.load_table("uncertainty_distributions", own)) == 1


# --- a user's table that lacks a row a run needs: the error names the file and the key -------


def bundled_without(tmp_path, name: str, keep) -> str:
    """The bundled table ``name`` as a user's CSV, with only the rows ``keep`` selects."""
    table = reference.load_table(name)
    path = tmp_path / f"{name}.csv"
    table[keep(table)].to_csv(path, index=False)
    return str(path)


@pytest.mark.parametrize(
    ("name", "keep", "key"),
    [
        ("motor_class_map", lambda t: t["efficiency_class"] != "IE2", "'IE2'"),
        (
            "iec60034_30_1_2014_motor_classes",
            lambda t: ~((t["efficiency_class"] == "IE2") & (t["poles"] == 4)),
            "('IE2', 4)",
        ),
        (
            "energy_conversion_coefficients",
            lambda t: t["carrier"] != "electricity",
            "('electricity', 'equivalent')",
        ),
        (
            "grid_emission_factors",
            lambda t: t["region_key"] != "national",
            "'national (default_for_region = yes)'",
        ),
    ],
)
def test_a_missing_row_names_the_users_file_and_the_key(tmp_path, plant, name, keep, key):
    """Issue 18: the missing-row errors of the measures named no --table file."""
    own = bundled_without(tmp_path, name, keep)
    result = CliRunner().invoke(
        cli, ["estimate", str(plant), "--year", "2026", "--table", f"{name}={own}"]
    )
    assert result.exit_code == 3, result.output
    assert result.stderr == (
        f"Error: reference data: reference table '{name}' (your file {own}) has no row for {key}\n"
    )


def test_a_missing_flow_control_curve_names_the_users_file(tmp_path):
    """fan_pump's lookup of the baseline curve of a pump's throttle (the bundled sample plant)."""
    import retrofit

    own = bundled_without(
        tmp_path, "flow_control_power_curves", lambda t: t["role"] != "baseline_default"
    )
    with pytest.raises(ReferenceDataError) as raised:
        retrofit.estimate(
            "retrofit/samples/example_plant.csv",
            year=2026,
            tables={"flow_control_power_curves": own},
        )
    assert str(raised.value) == (
        f"reference table 'flow_control_power_curves' (your file {own}) has no row for "
        "('baseline_default', 'pump', 'throttle')"
    )


# --- duplicate keys -------------------------------------------------------------------------


def test_a_repeated_key_is_refused_where_the_bundled_keys_are_unique(tmp_path):
    """Two rows for one region and year: the lookup would take one of them silently."""
    own = grid_table(
        tmp_path,
        "national,2025,0.5,yes,my audit,M\nshanghai,2025,0.6,yes,x,M\nnational,2025,0.55,no,y,M\n",
    )
    with pytest.raises(ReferenceDataError) as raised:
        reference.load_table("grid_emission_factors", own)
    assert str(raised.value).splitlines()[1:] == [
        (
            f'{own} row 4, columns region_key, data_year: "national, 2025" — the key repeats '
            "row 2; expected one row per key (as in the bundled table)"
        )
    ]


def test_the_lookup_key_is_the_shortest_unique_part_of_the_catalog_key():
    catalog = reference.load_catalog()

    def key(name):
        return reference.lookup_key(
            reference.load_table(name), catalog.loc[name, "key_columns"].split()
        )

    assert key("iec60034_30_1_2014_motor_classes") == [
        "efficiency_class",
        "poles",
        "rated_power_kw",
    ]
    assert key("motor_class_map") == ["efficiency_class"]
    assert key("policy_national") == ["rule_id"]
    # the fan grades list one fan type under several grades by design: not checked
    assert key("gb19761_2020_fan_grades") is None


def test_repeated_keys_stay_allowed_where_the_bundled_table_repeats_them(tmp_path):
    own = tmp_path / "fans.csv"
    reference.load_table("gb19761_2020_fan_grades").to_csv(own, index=False)
    assert len(reference.load_table("gb19761_2020_fan_grades", own)) == 444
