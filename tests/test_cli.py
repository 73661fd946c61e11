"""The CLI: exit codes 0/1/2, exact error text, atomic outputs, encodings."""

import json

import pandas as pd
import pytest
from click.testing import CliRunner

import retrofit
from retrofit import pipeline
from retrofit.cli import cli
from retrofit.core import reference

GOOD = (
    "企业编号,设备编号,设备类型,改造措施,数量,额定功率(kW),极数,能效等级,目标能效等级,负载率,"
    "年运行小时,电价,投资额(万元),上年综合能耗(tce)\n"
    "SH-1,M1,电机,电机更换,1,55,4,IE2,二级,100%,4000,0.70,2,50\n"
)


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture
def gbk_plant(tmp_path):
    path = tmp_path / "plant.csv"
    path.write_bytes(GOOD.encode("gbk"))
    return path


def test_estimate_gbk_file_table_output(runner, gbk_plant):
    result = runner.invoke(cli, ["estimate", str(gbk_plant), "--year", "2026"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("== Plants")
    assert "SH-1" in result.output and "meets (estimate)" in result.output
    assert "当量值 0.1229 kgce/kWh" in result.output


def test_estimate_json_on_stdout_has_exact_top_level_keys(runner, gbk_plant):
    result = runner.invoke(cli, ["estimate", str(gbk_plant), "--format", "json", "--year", "2026"])
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert list(doc) == ["assets", "plants", "projects", "supply_curve", "assumptions", "caveats"]
    asset = doc["assets"][0]
    # hand calculation in tests/test_estimate.py: 55 kW IE2 → IE4 at full load, 4000 h
    assert asset["energy_saved_kwh"] == pytest.approx(5409.061, abs=1e-3)
    assert asset["investment_cny"] == 20000  # 2 万元
    assert doc["assumptions"]["input"]["encoding"] == "gb18030"
    assert doc["plants"][0]["meets_bai_yi"] is True


@pytest.mark.parametrize("suffix", [".csv", ".json", ".xlsx"])
def test_output_files(runner, gbk_plant, tmp_path, suffix):
    out = tmp_path / f"result{suffix}"
    result = runner.invoke(cli, ["estimate", str(gbk_plant), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.is_file()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".result")] == []
    if suffix == ".csv":
        assert out.read_bytes().startswith(b"\xef\xbb\xbf")
        assert pd.read_csv(out, encoding="utf-8-sig").energy_saved_kwh.iloc[0] == pytest.approx(
            5409.061, abs=1e-3
        )


def test_bad_data_exits_1_with_every_problem_and_writes_nothing(runner, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "plant_id,asset_id,category,measure,rated_power_kw,poles,efficiency_class\n"
        "P,1,motor,upgrade_motor,-5,4,IE2\n"
        "P,1,电机,foo,5,3,IE9\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.csv"
    result = runner.invoke(cli, ["estimate", str(bad), "-o", str(out)])
    assert result.exit_code == 1
    assert not out.exists()
    assert result.stderr.splitlines()[:3] == [
        "Error: 5 data problems found; nothing was written.",
        f'{bad} row 2, column rated_power_kw: "-5" — expected a number > 0 (kW)',
        (
            f'{bad} row 3, column asset_id: "1" — expected an asset_id not already used in plant P '
            "(row 2 has the same one)"
        ),
    ]
    assert f'{bad} row 3, column poles: "3" — expected one of 2, 4, 6, 8' in result.stderr


def test_chinese_header_named_in_error(runner, tmp_path):
    bad = tmp_path / "plant.csv"
    bad.write_bytes(GOOD.replace(",55,", ",-5,").encode("gbk"))
    result = runner.invoke(cli, ["estimate", str(bad), "--lang", "en"])
    assert result.exit_code == 1
    assert f'{bad} row 2, column 额定功率(kW): "-5" — expected a number > 0 (kW)' in result.stderr
    # without --lang the problems of a sheet with Chinese headers are in Chinese (issue 17)
    result = runner.invoke(cli, ["estimate", str(bad)])
    assert result.stderr.startswith("错误：发现 1 处数据问题，未写出任何文件。\n")
    assert f"{bad} 第 2 行，列「额定功率(kW)」：“-5” — 应为 数值 > 0 (kW)" in result.stderr


def test_existing_output_survives_a_failed_run(runner, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("plant_id,asset_id\nP,1\n", encoding="utf-8")
    out = tmp_path / "out.json"
    out.write_text("previous result", encoding="utf-8")
    assert runner.invoke(cli, ["estimate", str(bad), "-o", str(out)]).exit_code == 1
    assert out.read_text(encoding="utf-8") == "previous result"


def test_usage_errors_exit_2(runner, gbk_plant):
    assert runner.invoke(cli, ["estimate", str(gbk_plant), "--region", "mars"]).exit_code == 2
    assert runner.invoke(cli, ["estimate", str(gbk_plant), "-o", "x.txt"]).exit_code == 2
    assert runner.invoke(cli, ["estimate", str(gbk_plant), "--basis", "coal"]).exit_code == 2
    assert runner.invoke(cli, ["estimate", str(gbk_plant), "--table", "nonsense"]).exit_code == 2
    assert runner.invoke(cli, ["estimate"]).exit_code == 2


# --- errors map to exit codes by type: option 2, data 1, reference data 3 ----------------------


def test_bad_region_is_an_option_error_exit_2_in_click_usage_style(runner, gbk_plant):
    # --lang en: the plant's headers are Chinese, which without --lang says it in Chinese
    result = runner.invoke(cli, ["estimate", str(gbk_plant), "--region", "mars", "--lang", "en"])
    assert result.exit_code == 2
    assert result.stderr.startswith("Usage: ")
    assert "Error: unknown region 'mars'; valid regions: beijing, " in result.stderr
    assert ", shanghai_local, " in result.stderr


def test_broken_reference_table_exits_3_naming_the_table(runner, gbk_plant, tmp_path):
    broken = tmp_path / "broken.csv"
    broken.write_text("curve,poles\npremium,4\n", encoding="utf-8")
    result = runner.invoke(
        cli, ["estimate", str(gbk_plant), "--table", f"motor_part_load_amo={broken}"]
    )
    assert result.exit_code == 3
    assert result.stderr == (
        f"Error: reference data: {broken}: table 'motor_part_load_amo' lacks columns "
        "['rated_power_kw', 'load_factor', 'relative_efficiency', 'source', 'confidence']\n"
    )


def test_reference_table_without_a_needed_row_exits_3_naming_table_and_key(
    runner, gbk_plant, tmp_path
):
    """Was ``Error: ('motor_part_load', …)`` with exit 2, as if an option were wrong."""
    bundled = reference.reference_data_dir() / "model_parameters.csv"
    lines = bundled.read_text(encoding="utf-8").splitlines(keepends=True)
    own = tmp_path / "model_parameters.csv"
    own.write_text(
        "".join(line for line in lines if not line.startswith("motor_part_load,")),
        encoding="utf-8",
    )
    result = runner.invoke(cli, ["estimate", str(gbk_plant), "--table", f"model_parameters={own}"])
    assert result.exit_code == 3
    assert result.stderr == (
        f"Error: reference data: reference table 'model_parameters' (your file {own}) has no "
        "row for ('motor_part_load', 'no_load_loss_fraction_of_loss_at_quarter_load')\n"
    )


def test_bad_inventory_is_a_data_error_exit_1(runner, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(GOOD.replace(",55,4,", ",-55,4,"), encoding="utf-8")
    result = runner.invoke(cli, ["estimate", str(bad), "--lang", "en"])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: 1 data problem found; nothing was written.\n")
    assert f'{bad} row 2, column 额定功率(kW): "-55"' in result.stderr


def test_unexpected_exceptions_are_not_caught(runner, gbk_plant, monkeypatch):
    """A KeyError from a bug is a traceback, not a usage error: the CLI catches only
    retrofit's own error types."""

    def broken(*args, **kwargs):
        raise KeyError("a bug")

    monkeypatch.setattr(pipeline, "estimate", broken)
    result = runner.invoke(cli, ["estimate", str(gbk_plant)])
    assert isinstance(result.exception, KeyError)
    assert "Usage:" not in result.output


def test_help_lists_the_exit_codes(runner):
    text = " ".join(runner.invoke(cli, ["--help"]).output.split())
    assert "Exit codes: 0 success; 1 data error" in text
    assert "2 usage error (a bad option, e.g. an unknown --region, an unknown --encoding" in text
    assert "3 reference-data error" in text
    assert "4 output error" in text
    assert "130 interrupted (Ctrl-C, SIGINT); 143 terminated (SIGTERM)" in text


def test_missing_file_exits_1(runner, tmp_path):
    result = runner.invoke(cli, ["estimate", str(tmp_path / "none.csv")])
    assert result.exit_code == 1
    assert result.stderr == f"Error: {tmp_path / 'none.csv'}: file not found\n"


def test_empty_file_exits_1(runner, tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    result = runner.invoke(cli, ["estimate", str(empty)])
    assert result.exit_code == 1
    assert str(empty) in result.stderr


def test_encoding_override(runner, tmp_path):
    path = tmp_path / "plant.csv"
    path.write_bytes(GOOD.encode("gbk"))
    ok = runner.invoke(cli, ["estimate", str(path), "--encoding", "gbk", "--format", "json"])
    assert ok.exit_code == 0
    assert json.loads(ok.stdout)["assumptions"]["input"]["encoding_detected"] is False


def test_validate_reports_and_exit_codes(runner, gbk_plant, tmp_path):
    ok = runner.invoke(cli, ["validate", str(gbk_plant), "--lang", "en"])
    assert ok.exit_code == 0
    assert ok.stdout.startswith(f"{gbk_plant}: valid — 1 rows, encoding gb18030")
    strict = runner.invoke(cli, ["validate", str(gbk_plant.parent / "x.csv")])
    assert strict.exit_code == 1
    blank_load = tmp_path / "blank.csv"
    blank_load.write_bytes(GOOD.replace("100%", "").encode("gbk"))
    result = runner.invoke(cli, ["validate", str(blank_load), "--strict", "--lang", "en"])
    assert result.exit_code == 1
    assert "row 2, column 负载率" in result.stderr
    report = runner.invoke(cli, ["validate", str(blank_load), "--format", "json"])
    # the report lists each default by its caveat code: the DOE Motor Challenge 75 % load
    defaulted = json.loads(report.stdout)["defaults"]
    assert list(defaulted) == ["motor.load_factor.defaulted"]
    assert defaulted["motor.load_factor.defaulted"]["column"] == "load_factor"
    assert defaulted["motor.load_factor.defaulted"]["value"] == 0.75
    assert defaulted["motor.load_factor.defaulted"]["count"] == 1


def test_tables_and_show_table(runner):
    listing = runner.invoke(cli, ["tables"])
    assert listing.exit_code == 0
    assert "iec60034_30_1_2014_motor_classes  [H]" in listing.output
    assert "source: IEC 60034-30-1:2014" in listing.output
    shown = runner.invoke(cli, ["show-table", "regions", "--format", "csv"])
    assert shown.exit_code == 0 and "shanghai_local" in shown.output
    assert runner.invoke(cli, ["show-table", "nope"]).exit_code == 2


def test_user_table_option_marks_non_standard(runner, gbk_plant, tmp_path):
    own = tmp_path / "grid.csv"
    own.write_text(
        "region_key,data_year,factor_tco2_per_mwh,default_for_region,source,confidence"
        "\nnational,2025,0.5,yes,my audit 2025,M\n",
        encoding="utf-8",
    )
    result = runner.invoke(
        cli, ["estimate", str(gbk_plant), "--table", f"grid_emission_factors={own}"]
    )
    assert result.exit_code == 0
    assert "NON-STANDARD: user tables grid_emission_factors" in result.output


def test_template_round_trip(runner, tmp_path):
    for name in ("blank.csv", "blank.xlsx"):
        result = runner.invoke(cli, ["template", "-o", str(tmp_path / name)])
        assert result.exit_code == 0
    assert runner.invoke(cli, ["template", "-o", str(tmp_path / "x.doc")]).exit_code == 2


def test_version_and_help(runner):
    assert runner.invoke(cli, ["--version"]).output == f"retrofit, version {retrofit.__version__}\n"
    assert runner.invoke(cli, ["-h"]).exit_code == 0


def test_chinese_terminal_table(runner, gbk_plant):
    result = runner.invoke(cli, ["estimate", str(gbk_plant), "--lang", "zh"])
    assert result.exit_code == 0
    assert result.output.startswith("== 企业汇总")
    assert "年节能量 [tce/年]" in result.output  # the glossary's header, as an auditor writes it


def test_output_file_has_ordinary_permissions(runner, gbk_plant, tmp_path):
    import os
    import stat

    out = tmp_path / "result.csv"
    assert runner.invoke(cli, ["estimate", str(gbk_plant), "-o", str(out)]).exit_code == 0
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~umask
