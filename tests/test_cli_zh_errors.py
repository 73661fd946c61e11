"""Under ``--lang zh`` (or Chinese headers with no ``--lang``, or a command whose default is
Chinese) the CLI's own prefixes are Chinese: 用法：, the help hint and 错误：, and click's usage
messages are translated (issue 19); ``--lang en`` keeps click's English as it is."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from retrofit.cli import cli


@pytest.fixture
def runner():
    return CliRunner()


def test_missing_argument_in_chinese(runner):
    result = runner.invoke(cli, prog_name="retrofit", args=["estimate", "--lang", "zh"])
    assert result.exit_code == 2
    assert result.stderr == (
        "用法：retrofit estimate [OPTIONS] PATH\n"
        "运行 'retrofit estimate --help' 查看帮助。\n"
        "\n"
        "错误：缺少参数 'PATH'。\n"
    )


def test_english_unchanged(runner):
    result = runner.invoke(cli, prog_name="retrofit", args=["estimate", "--lang", "en"])
    assert result.exit_code == 2
    assert result.stderr == (
        "Usage: retrofit estimate [OPTIONS] PATH\n"
        "Try 'retrofit estimate --help' for help.\n"
        "\n"
        "Error: Missing argument 'PATH'.\n"
    )


def test_bad_option_value_and_unknown_option_in_chinese(runner, tmp_path):
    plant = tmp_path / "p.csv"
    plant.write_text("x\n", encoding="utf-8")
    result = runner.invoke(
        cli, prog_name="retrofit", args=["estimate", str(plant), "--lang=zh", "--max-rows", "0"]
    )
    assert result.exit_code == 2
    assert (
        result.stderr.splitlines()[-1] == "错误：参数 '--max-rows' 的值无效：0 不在范围 x>=1 内。"
    )
    result = runner.invoke(
        cli, prog_name="retrofit", args=["estimate", str(plant), "--lang", "zh", "--foo"]
    )
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == "错误：没有选项 '--foo'。您是否要用 '--format'？"
    assert "Error" not in result.stderr and "Usage" not in result.stderr


def test_unknown_command_under_zh(runner):
    result = runner.invoke(cli, prog_name="retrofit", args=["estimat", "--lang", "zh"])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == "用法：retrofit [OPTIONS] COMMAND [ARGS]..."
    assert result.stderr.splitlines()[-1] == "错误：没有命令 'estimat'。您是否要用 'estimate'？"


def test_missing_file_exits_1_in_chinese(runner, tmp_path):
    missing = tmp_path / "none.csv"
    result = runner.invoke(
        cli, prog_name="retrofit", args=["validate", str(missing), "--lang", "zh"]
    )
    assert result.exit_code == 1
    assert result.stderr == f"错误：{missing}：找不到文件\n"


def test_template_is_chinese_by_default(runner):
    """``template`` writes a Chinese template unless told otherwise: its errors follow."""
    result = runner.invoke(cli, prog_name="retrofit", args=["template"])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == "错误：缺少选项 '-o' / '--output'。"
    result = runner.invoke(cli, prog_name="retrofit", args=["template", "--lang", "en"])
    assert result.stderr.splitlines()[-1] == "Error: Missing option '-o' / '--output'."


def test_data_problems_of_chinese_headers_have_a_chinese_prefix(runner, tmp_path):
    bad = tmp_path / "plant.csv"
    bad.write_text("企业编号,设备编号,设备类型,改造措施,额定功率(kW)\nA,M-1,电机,电机更换,-5\n")
    result = runner.invoke(cli, prog_name="retrofit", args=["estimate", str(bad)])
    assert result.exit_code == 1
    assert result.stderr.startswith("错误：发现 ")
    result = runner.invoke(cli, prog_name="retrofit", args=["estimate", str(bad), "--lang", "en"])
    assert result.stderr.startswith("Error: ")
