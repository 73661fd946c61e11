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


#: The example's Chinese headers (企业编号, 企业名称, …): a file that speaks Chinese
SAMPLE = "retrofit/samples/example_plant.csv"
#: The command's option errors, each with the Chinese line written by hand from
#: core/messages.csv's wording (the folder and file names are the user's)
OPTION_ERRORS = [
    (["--year", "abc"], "错误：参数 '--year' 的值无效：'abc' 不是有效的整数。"),
    (["--year", "1800"], "错误：参数 '--year' 的值无效：1800 不在范围 2000<=x<=2100 内。"),
    (
        ["--policy", "nowhere"],
        (
            "错误：未知政策包 'nowhere'；应为 shanghai-2024, shanghai-2025, shenyang-2025,"
            " national 之一，或列与之相同的 CSV 文件"
        ),
    ),
    (
        ["-o", "{tmp}/none/x.xlsx"],
        "错误：参数 -o/--output 的值无效：'{tmp}/none/x.xlsx' — 文件夹 '{tmp}/none' 不存在",
    ),
    (
        ["-o", "{tmp}/x.txt"],
        "错误：参数 -o/--output 的值无效：'{tmp}/x.txt' — 应为扩展名为 .csv, .json 或 .xlsx 的文件",
    ),
]


@pytest.mark.parametrize("lang", [["--lang", "zh"], []], ids=["--lang zh", "chinese headers"])
@pytest.mark.parametrize(("options", "said"), OPTION_ERRORS, ids=lambda v: str(v)[:20])
def test_option_errors_in_chinese(runner, tmp_path, lang, options, said):
    """A bad --year, --policy or -o: the whole message in Chinese under --lang zh, and with
    Chinese headers and no --lang; exit code 2 (a usage error), no English word left."""
    args = ["estimate", SAMPLE, *(o.format(tmp=tmp_path) for o in options), *lang]
    result = runner.invoke(cli, prog_name="retrofit", args=args)
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines()[-1] == said.format(tmp=tmp_path)


@pytest.mark.parametrize("lang", [["--lang", "zh"], []], ids=["--lang zh", "chinese headers"])
def test_an_unknown_region_in_chinese(runner, lang):
    result = runner.invoke(
        cli, prog_name="retrofit", args=["estimate", SAMPLE, "--region", "atlantis", *lang]
    )
    assert result.exit_code == 2, result.output
    line = result.stderr.splitlines()[-1]
    assert line.startswith("错误：未知地区 'atlantis'；可选地区：beijing, ")
    assert "shanghai" in line and "unknown" not in line


def test_option_errors_stay_english_for_english_headers_or_lang_en(runner, tmp_path):
    plant = tmp_path / "p.csv"
    plant.write_text("plant_id,asset_id,category\nP1,A1,motor\n", encoding="utf-8")
    for args in (
        ["estimate", str(plant), "--year", "abc"],
        ["estimate", SAMPLE, "--year", "abc", "--lang", "en"],
    ):
        result = runner.invoke(cli, prog_name="retrofit", args=args)
        assert result.exit_code == 2
        assert result.stderr.splitlines()[-1] == (
            "Error: Invalid value for '--year': 'abc' is not a valid integer range."
        )
    result = runner.invoke(
        cli, prog_name="retrofit", args=["estimate", str(plant), "--region", "atlantis"]
    )
    assert result.stderr.splitlines()[-1].startswith("Error: unknown region 'atlantis'; valid")
