"""A Chinese deliverable holds no English a client cannot read (issue 19, point 1).

The example plant (every measure: motors, a fan and a pump with a drive, an air compressor with
three measures, a transformer, a data hall and charging piles) and a mixed synthetic inventory
are rendered in Chinese — terminal report, the HTML report's text and the audit workbook's
label rows and worded cells — and every Latin-letter word left is checked against what a
Chinese report legitimately shows. The allow-list is kept small, each entry with its reason:

- units and unit-like symbols (kWh, tce, tCO2, kgce …) and acronyms Chinese engineers write
  in Latin letters (PUE, IT, CO2, P10/P50/P90);
- a standard's or a document's number (GB 18613-2020, GB/T 2589-2020, IE3, IEC 60034-1);
- what the user typed: plant, asset and project ids, the file name, the inventory's own
  headers and values (motor series such as YE3);
- stable codes a reviewer searches for: caveat codes, reference-table names, policy rule ids
  and command-line flags (``--tariff``);
- citations: a source names its document in the document's own language (an English report's
  title stays English), so cells of the citation columns are not checked;
- proper names: retrofit (this tool) and sha256 (the hash named with its value).
"""

from __future__ import annotations

import html as html_lib
import re
import sys
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from retrofit import estimate
from retrofit.cli import cli
from retrofit.core.reference import list_tables
from retrofit.report.html import render_html
from retrofit.report.terminal import render_portfolio, render_table

#: every face rendered for the demo and a 400-row campus: `make test` runs them, `make test-fast` leaves them out
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "retrofit" / "samples" / "example_plant.csv"
sys.path.insert(0, str(ROOT / "tests" / "benchmarks"))

UNITS = {
    "kWh",
    "kW",
    "MW",
    "kVA",
    "kV",
    "MWh",
    "GJ",
    "MJ",
    "tce",
    "kgce",
    "tCO",
    "CO",
    "h",
    "W",
    "psi",
    "bar",
    "kcal",
    "kJ",
}
#: Symbols of the standards' formulas: P0 and Pk (GB 20052 losses), η, E, a pump's specific
#: speed ns (GB 19762).
SYMBOLS = {"Pk", "E", "CRF", "ns"}
ACRONYMS = {"PUE", "IT", "P", "AC", "DC", "ac", "dc"}
#: This tool, the hash named beside its value, the ORNL software (AMO-Tools-Suite, MEASUR) and
#: the author cited for the cost of saved energy.
PROPER_NAMES = {"retrofit", "sha", "AMO", "Tools", "Suite", "MEASUR", "Meier"}
#: Standards and numbered documents: the letters before a number (GB 18613-2020, IE3).
STANDARD = re.compile(
    r"\b(?:GB/T|GB|IEC|ISO/IEC|ISO|DB31/T|SL|EU|IE|JB/T|NEMA)\s?\d[\w.:/-]*", re.IGNORECASE
)
#: Cells of these columns are citations, written in their document's language.
CITATION_COLUMNS = ("source", "citation", "document", "clause", "quote", "edition")
WORD = re.compile(r"[A-Za-z][A-Za-z]+")


def _user_words(inventory: pd.DataFrame, path: Path) -> set[str]:
    words = set(WORD.findall(path.name))
    for column in inventory.columns:
        words |= set(WORD.findall(str(column)))
        for value in inventory[column].dropna().astype(str).unique()[:500]:
            words |= set(WORD.findall(value))
    return words


def _code_words(result) -> set[str]:
    codes = [c.code for c in result.caveats] + list(list_tables()["table"])
    if result.incentives is not None:
        codes += list(result.incentives["rule_id"])
    words = set()
    for code in codes:
        words |= set(WORD.findall(code))
    return words


def _citations(result) -> list[str]:
    """Every citation text the outputs show (they stay in their documents' language)."""
    found: list[str] = []

    def walk(value, key=""):
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, str(k))
        elif isinstance(value, list):
            for v in value:
                walk(v, key)
        elif isinstance(value, str) and (
            key in CITATION_COLUMNS or key.endswith("_source") or key in ("file", "table")
        ):
            found.append(value)

    walk(result.assumptions)
    frames = [result.incentives]
    if result.uncertainty is not None:
        frames.append(result.uncertainty.inputs)
    for frame in frames:
        if frame is not None:
            for column in CITATION_COLUMNS:
                if column in frame.columns:
                    found += [str(v) for v in frame[column].dropna()]
    found += list(list_tables()["citation"].astype(str))
    if result.uncertainty is not None:  # a source's Chinese twin quotes the same documents
        from retrofit.core.reference import load_table

        found += list(load_table("uncertainty_distributions")["source_zh"].dropna().astype(str))
    return sorted(set(found), key=len, reverse=True)


def english_words(text: str, allowed: set[str], citations: list[str]) -> dict[str, str]:
    """The Latin-letter words of ``text`` not allowed, each with the line it is on."""
    for citation in citations:
        if len(citation) > 3:
            text = text.replace(citation, " ")
    text = re.sub(r"--[a-z-]+(=[a-z|-]+)?", " ", text)  # command-line flags (and =value)
    text = re.sub(r"\b[0-9a-f]{16,64}\b", " ", text)  # a file's sha256 (or its first digits)
    text = STANDARD.sub(" ", text)
    text = re.sub(r"\b[A-Za-z]+[0-9][\w.-]*", " ", text)  # codes with digits: IE3, YE3, P90
    found = {}
    for line in text.splitlines():
        for word in WORD.findall(line):
            if word in allowed or word.lower() in allowed:
                continue
            found.setdefault(word, line.strip()[:160])
    return found


def _allowed(inventory, path, result) -> set[str]:
    return (
        UNITS
        | SYMBOLS
        | ACRONYMS
        | PROPER_NAMES
        | _user_words(inventory, path)
        | _code_words(result)
    )


def _html_text(page: str) -> str:
    page = re.sub(r"<style>.*?</style>", "", page, flags=re.DOTALL)
    page = re.sub(r"<svg.*?</svg>", "", page, flags=re.DOTALL)  # figures: not text
    return html_lib.unescape(re.sub(r"<[^>]+>", "\n", page))


@pytest.fixture(scope="module")
def demo():
    result = estimate(SAMPLE, year=2026, policy="shanghai-2024,national", uncertainty=300, seed=3)
    inventory = pd.read_csv(SAMPLE, dtype=str)
    return result, inventory, SAMPLE


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    from bench_estimate import synthetic_campus_inventory

    path = tmp_path_factory.mktemp("zh") / "campus.csv"
    # 120 rows hold every category and measure pair of the 400-row mix
    synthetic_campus_inventory(120).to_csv(path, index=False)
    result = estimate(path, year=2026, policy="shanghai-2024")
    return result, pd.read_csv(path, dtype=str), path


@pytest.mark.parametrize("run", ["demo", "mixed"])
def test_zh_terminal_report_has_no_english(run, request):
    result, inventory, path = request.getfixturevalue(run)
    text = render_table(result, lang="zh", max_rows=1000)
    found = english_words(text, _allowed(inventory, path, result), _citations(result))
    assert not found, found


@pytest.mark.parametrize("run", ["demo", "mixed"])
def test_zh_html_report_has_no_english(run, request):
    result, inventory, path = request.getfixturevalue(run)
    text = _html_text(render_html(result, lang="zh", figures=False))
    found = english_words(text, _allowed(inventory, path, result), _citations(result))
    assert not found, found


def test_zh_workbook_labels_and_worded_cells_have_no_english(demo, tmp_path):
    from openpyxl import load_workbook

    from retrofit import columns
    from retrofit.io.workbook import write_workbook

    result, inventory, path = demo
    out = tmp_path / "report.xlsx"
    write_workbook(result, out, style="audit", lang="zh")
    allowed = _allowed(inventory, path, result)
    citations = _citations(result)
    wb = load_workbook(out, read_only=True)
    texts = []
    for name in ("assets", "plants", "projects"):
        rows = list(wb[name].iter_rows(values_only=True))
        names, labels = rows[0], rows[1]
        texts += [str(label) for label in labels]
        for row in rows[2:]:
            texts += [
                str(value)
                for column, value in zip(names, row, strict=False)
                if column in columns.WORDED_COLUMNS and value is not None
            ]
    found = english_words("\n".join(texts), allowed, citations)
    assert not found, found


#: A stable code kept in full-width parentheses beside its Chinese rendering, as a reviewer
#: searches for it: 「AMO 部分负载曲线：标准效率/4 极（amo:standard/4p）」
_CODE_IN_PARENTHESES = re.compile(r"（[!-~][ -~]*）")
#: Columns of the workbook whose cells are stable codes: an assumption's dotted key, a caveat's
#: code, the codes of the caveats a row carries, and on the uncertainty sheets the inventory
#: columns an input stands for and the table condition that selects its rows (both name
#: columns and values as the inventory and reference_data write them)
_CODE_COLUMNS = ("key", "code", "caveats", "inventory_columns", "condition")


def workbook_texts(book: Path) -> list[str]:
    """Every text cell of every sheet of an audit workbook a person reads: not the first
    header row (the stable column names the CSV and JSON share), not the tool's formulas, not
    the code columns, not citations (a citation column, or an assumption whose key names one);
    a caveat's data without its keys (codes)."""
    from openpyxl import load_workbook

    texts = []
    wb = load_workbook(book, read_only=True)
    for ws in wb.worksheets:
        rows = list(ws.iter_rows(values_only=True))
        names = rows[0] if ws.title != "summary" else ()
        for row in rows[1:] if ws.title != "summary" else rows:
            key = str(row[0]) if ws.title == "assumptions" else ""
            if key.endswith((*CITATION_COLUMNS, ".file")):
                continue
            for column, value in zip(names or [None] * len(row), row, strict=False):
                if not isinstance(value, str) or value.startswith("="):
                    continue
                if column in CITATION_COLUMNS or column in _CODE_COLUMNS:
                    continue
                if column == "data":
                    value = re.sub(r'"\w+": ', " ", value)
                texts.append(_CODE_IN_PARENTHESES.sub(" ", value))
    return texts


@pytest.mark.parametrize("run", ["demo", "mixed"])
def test_zh_audit_workbook_every_cell_of_every_sheet_reads_chinese(run, request, tmp_path):
    """``retrofit estimate … -o x.xlsx --lang zh --uncertainty 200``: every cell a person reads,
    on every sheet (the provenance codes of the assets, the notes and input details of the
    assumptions, the caveats' data, the uncertainty sheets' inputs, methods, distributions,
    units, the rows a draw applies to and why an input is not drawn), holds no English beyond
    units, codes and citations."""
    result, inventory, path = request.getfixturevalue(run)
    policy = "shanghai-2024,national" if run == "demo" else "shanghai-2024"
    book = tmp_path / "audit.xlsx"
    args = ["estimate", str(path), "--year", "2026", "--policy", policy, "--lang", "zh"]
    args += ["--uncertainty", "200", "--seed", "1"]
    out = CliRunner().invoke(cli, [*args, "-o", str(book)])
    assert out.exit_code == 0, out.output
    citations = _citations(result)
    allowed = _allowed(inventory, path, result) | {"assets", "assumptions", "SUMIF"}
    text = _without_codes("\n".join(workbook_texts(book)), path, citations=citations)
    found = english_words(text, allowed, citations)
    assert not found, found


def test_zh_provenance_codes_read_chinese_by_hand():
    """Each kind of provenance code in the words an auditor reads, the code kept where it is
    what a reviewer searches for (texts written by hand from the vocabulary)."""
    from retrofit.io.workbook import provenance_in_chinese

    assert provenance_in_chinese("amo:standard/4p") == (
        "AMO 部分负载曲线：标准效率/4 极（amo:standard/4p）"
    )
    assert provenance_in_chinese("input:efficiency_pct") == "填写值（input:efficiency_pct）"
    assert provenance_in_chinese("above grade_3 limit (1.5)") == "超出 3 级限定值（1.5）"
    assert provenance_in_chinese("measure_lifetimes: add_vfd, all, 0– kW") == (
        "参考表 measure_lifetimes：加装变频器，各类设备，0– kW"
    )
    assert provenance_in_chinese("gb20052_2024 表1 oil 10 kV 1000 kVA steel grade_2") == (
        "gb20052_2024 表1 油浸式 10 kV 1000 kVA 电工钢带 2级"
    )
    assert provenance_in_chinese("charger_defaults ac new") == "charger_defaults 交流桩 新设备"
    assert provenance_in_chinese(
        "gb20052_2024 表2 dry 10 kV 400 kVA steel insulation F grade_2"
    ) == ("gb20052_2024 表2 干式 10 kV 400 kVA 电工钢带 绝缘等级 F 2级")
    # a citation no row covers stays in its document's language
    assert provenance_in_chinese("GB 18613-2020 表1") == "GB 18613-2020 表1"


def test_zh_uncertainty_sheet_cells_by_hand():
    """The uncertainty sheets' worded cells in a Chinese workbook (texts written by hand from
    the glossary, the vocabulary and the distributions table's ``source_zh``); a citation of
    an English-language publication stays as it is."""
    from retrofit.io.workbook import assumption_in_chinese, uncertainty_in_chinese

    doe = "US DOE Motor Challenge fact sheet 'Determining Electric Motor Load and Efficiency'"
    inputs = pd.DataFrame(
        {
            "input": ["load_factor", "target_pue"],
            "method": ["scale", "recompute"],
            "distribution": ["triangular", "uniform"],
            "unit": ["fraction of rated output", "h/yr"],
            "applies": ["motor.load_factor.defaulted", "always"],
            "source": ["not drawn: see note", doe],
        }
    )
    shown = uncertainty_in_chinese(inputs)
    assert list(shown["input"]) == ["负载率（load_factor）", "改造后PUE（target_pue）"]
    assert list(shown["method"]) == ["按比例缩放能耗", "按分布节点重算该行"]
    assert list(shown["distribution"]) == ["三角分布", "均匀分布"]
    assert list(shown["unit"]) == ["额定输出的比例", "h/年"]
    assert list(shown["applies"]) == [
        "负载率取默认值的电机（motor.load_factor.defaulted）",
        "所有适用的行",
    ]
    assert list(shown["source"]) == ["未抽样：见“未抽样原因”", doe]
    fixed = pd.DataFrame({"input": ["quantity"], "fixed_because": ["a count, not an estimate"]})
    assert uncertainty_in_chinese(fixed)["fixed_because"].tolist() == ["台数，非估计值"]
    portfolio = pd.DataFrame({"metric": ["coal_saved_tce"]})
    assert uncertainty_in_chinese(portfolio)["metric"].tolist() == ["年节能量（coal_saved_tce）"]
    assert assumption_in_chinese("uncertainty.inputs", '["pue", "load_factor", "pue"]') == (
        "现状PUE（pue）、负载率（load_factor）"
    )
    skewed = '[{"input": "target_pue", "mean_shift_tce": -1.234}]'
    assert assumption_in_chinese("uncertainty.estimate_position.skewed_inputs", skewed) == (
        "改造后PUE（target_pue）：均值偏移 -1.23 tce/年"
    )
    assert list(inputs["input"]) == ["load_factor", "target_pue"]  # the frame itself unchanged


def test_the_check_finds_english():
    """The checks above can fail: an English status or unit word is caught."""
    found = english_words("百一达标情况 meets (estimate) 1,186 piles", {"kWh"}, [])
    assert set(found) == {"meets", "estimate", "piles"}
    assert english_words("GB 18613-2020 2级 IE3 0.1229 kgce/kWh", {"kgce", "kWh"}, []) == {}


def test_zh_values_by_hand():
    from retrofit.columns import unit_text, value_label

    assert value_label("bai_yi_status", "meets (estimate)", "zh") == "达到（估算）"
    assert value_label("bai_yi_status", "meets (estimate)", "en") == "meets (estimate)"
    assert value_label("measure", "add_vfd", "zh") == "加装变频器"
    assert value_label("measure", "upgrade_motor+add_vfd", "zh") == "更换高效电机、加装变频器"
    assert value_label("goal", "energy_saving_cumulative", "zh") == "累计节能量"
    assert value_label("efficiency_class_retrofit", "grade_2", "zh") == "2级"
    assert value_label("efficiency_class_retrofit", "IE3", "zh") == "IE3"  # a standard's name
    assert value_label("finance_status", "incomplete: no lifetime_years", "zh") == (
        "不完整：缺使用寿命（模板列“使用寿命 [年]”）"
    )
    assert unit_text("piles", "zh") == "台"
    assert unit_text("CNY/kWh", "zh") == "元/kWh"
    assert unit_text("fraction of rated load", "zh") == "额定负载的比例"  # the phrase, not a word


def test_zh_terminal_money_in_wan_and_tce_to_two_decimals(demo):
    """Project SH-0001's investment: 334,000 元 in the example inventory (33.4 万元 typed as
    投资额(万元) over its rows) is shown as 33.40 万元; tce totals carry 2 decimals."""
    result, _, _ = demo
    text = render_table(result, lang="zh")
    assert "投资额 [万元]" in text
    projects = text.split("== 项目经济性")[1].split("==\n")[1]
    assert re.search(r"SH-0001\s+33\.40\s", projects)
    both = next(line for line in text.splitlines() if line.startswith("节约标准煤：当量值"))
    assert re.fullmatch(
        r"节约标准煤：当量值 [\d,]+\.\d{2} tce/年，等价值 [\d,]+\.\d{2} tce/年（主口径：当量值）",
        both,
    )


def test_zh_terminal_columns_line_up_by_display_width(demo):
    """Each row of the plants table is as wide on screen as its header (CJK = 2 cells)."""
    import unicodedata

    def width(text: str) -> int:
        return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)

    result, _, _ = demo
    lines = render_table(result, lang="zh").splitlines()
    table = lines[1 : 1 + 1 + len(result.plants)]
    assert len({width(line) for line in table}) == 1, [width(line) for line in table]


def test_validate_names_no_encoding_for_a_workbook(tmp_path):
    book = tmp_path / "plant.xlsx"
    pd.read_csv(SAMPLE).to_excel(book, index=False)
    out = CliRunner().invoke(cli, ["validate", str(book), "--lang", "en"])
    assert out.exit_code == 0, out.output
    first = out.output.splitlines()[0]
    assert first == f"{book}: valid — 18 rows"
    assert "None" not in out.output


def test_files_sheet_shows_the_whole_sha256(tmp_path):
    from openpyxl import Workbook

    from retrofit.io.workbook import write_sheet

    wb = Workbook()
    digest = "0123456789abcdef" * 4
    write_sheet(wb, "files", pd.DataFrame({"file": ["a.csv"], "sha256": [digest]}), "audit")
    assert wb["files"].column_dimensions["B"].width >= 64


def test_zh_portfolio_terminal_names_goals_and_units(tmp_path):
    from retrofit.portfolio.runner import portfolio

    result = portfolio([SAMPLE], year=2026)
    text = render_portfolio(result, lang="zh")
    assert "累计节能量" in text
    assert "energy_saving_cumulative" not in text
    assert " rows]" not in text
    assert "(equivalent)" not in text and "region default" not in text
    assert "(not given)" not in text and "未填写" in text
    # money goals in 万元 to 2 decimals: 9,531,000 元 of the example's investment is 953.10 万元
    assert "至今 953.10 / 20,000,000 万元" in text


def test_zh_plots_name_measures_and_inputs_in_chinese():
    """Tick labels of the savings-by-measure waterfall and the tornado come from the
    vocabulary, not the codes (a zh chart with English keys is the issue's complaint)."""
    pytest.importorskip("matplotlib")
    from retrofit.plotting import fonts
    from retrofit.plotting.portfolio import plot_savings_by_measure

    if fonts.find_cjk_font() is None:
        pytest.skip("no CJK font: Chinese figure labels fall back to English")
    import matplotlib.pyplot as plt

    by_measure = pd.DataFrame(
        {"measure_type": ["motor: upgrade_motor", "fan: add_vfd"], "saved": [3.0, 2.0]}
    )
    ax = plot_savings_by_measure(by_measure, unit="tce/yr", basis_note="当量值", lang="zh")
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    plt.close(ax.figure)
    assert ticks[:2] == ["电机：更换高效电机", "风机：加装变频器"]


def test_kpi_cards_show_both_bases_with_the_headline_marked(demo):
    """The example's 等价值 total is larger than its 当量值 total (0.3 vs 0.1229 kgce/kWh on the
    same kWh): both cards are shown, the run's basis (当量值) marked as the headline."""
    result, _, _ = demo
    page = render_html(result, lang="zh", figures=False)
    kpis = _html_text(page.split("id='kpis'>")[1].split("</section>")[0])
    equivalent = result.assets["coal_saved_tce_equivalent"].sum()
    equal_value = result.assets["coal_saved_tce_equal_value"].sum()
    assert equal_value / equivalent == pytest.approx(0.3 / 0.1229, rel=1e-6)
    assert "年节能量（当量值） (主口径)" in kpis
    assert f"{equivalent:,.2f} tce/年" in kpis and f"{equal_value:,.2f} tce/年" in kpis


def test_every_caveat_call_gives_a_chinese_message():
    """Each ``log.add(code, message, message_zh, …)`` / ``add_global`` in the package passes a
    non-empty Chinese message (a caveat without one would print English in a zh report)."""
    import ast

    missing = []
    for path in (ROOT / "retrofit").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("add", "add_global")
                and node.args
                and ast.unparse(node.func) != "np.char.add"  # string arrays, not a caveat
            ):
                continue
            code = node.args[0]
            is_code = isinstance(code, ast.JoinedStr) or (
                isinstance(code, ast.Constant)
                and isinstance(code.value, str)
                and re.fullmatch(r"[a-z_0-9]+(\.[a-z_0-9{}]+)+", code.value)
            )
            if not is_code:
                continue
            zh = node.args[2] if len(node.args) >= 3 else None
            zh = zh or next((k.value for k in node.keywords if k.arg == "message_zh"), None)
            if zh is None or (isinstance(zh, ast.Constant) and not zh.value):
                missing.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not missing, missing


# ------------------------------------------------------------------ every command's zh output

#: Stable codes a reviewer searches for and may meet in a Chinese output: a glossary column
#: name (企业编号 → plant_id in validate's header map), a dotted caveat code
#: (portfolio.in_service_date.defaulted) and an example file name (-o out.csv|out.json)
_SNAKE = re.compile(r"\b[a-z0-9]+(?:_[a-z0-9]+)+\b")
_DOTTED = re.compile(r"\b[a-z_0-9]+(?:\.[a-z_0-9{}]+)+\b")
_EXAMPLE_FILES = re.compile(r"\bout\.(?:csv|json|xlsx)\b")


def _without_codes(text: str, *paths: Path, citations: list[str] = ()) -> str:
    from retrofit import columns

    for citation in citations:  # first: a citation may hold a dotted web address
        if len(citation) > 3:
            text = text.replace(citation, " ")
    for path in paths:  # the user's own paths
        text = text.replace(str(path), " ")
    text = _DOTTED.sub(" ", _EXAMPLE_FILES.sub(" ", text))
    text = re.sub(r"\butf-8(?:-sig)?\b|\bgb18030\b", " ", text)  # an encoding's name
    text = re.sub(  # a header mapped to its column: 数量 → quantity
        r"→ (\w+)", lambda m: "→" if columns.known(m.group(1)) else m.group(0), text
    )
    return _SNAKE.sub(lambda m: " " if columns.known(m.group(0)) else m.group(0), text)


@pytest.mark.parametrize("run", ["demo", "mixed"])
def test_zh_every_command_prints_no_english(run, request, tmp_path):
    """estimate, incentives, validate, portfolio and report (HTML, the portfolio report) in
    Chinese: stdout and stderr hold no English word."""
    from retrofit.core.reference import load_table

    _, inventory, path = request.getfixturevalue(run)
    result = estimate(path, year=2026, policy="shanghai-2024,national")  # every rule id named
    allowed = _allowed(inventory, path, result)
    # the sources of the reference tables the report quotes are citations too
    sources = {str(s) for name in list_tables()["table"] for s in load_table(name)["source"]}
    citations = sorted(set(_citations(result)) | sources, key=len, reverse=True)
    runner = CliRunner()
    policy = ["--year", "2026", "--policy", "shanghai-2024,national", "--lang", "zh"]
    page, book = tmp_path / "r.html", tmp_path / "r.xlsx"
    commands = {
        "estimate": ["estimate", str(path), *policy],
        "incentives": ["incentives", str(path), *policy],
        "validate": ["validate", str(path), "--lang", "zh"],
        "portfolio": ["portfolio", str(path), "--year", "2026", "--lang", "zh"],
        "report": ["report", str(path), *policy, "-o", str(page)],
        "workbook": ["report", str(path), *policy, "-o", str(book)],
    }
    for name, args in commands.items():
        out = runner.invoke(cli, args)
        assert out.exit_code == 0, (name, out.output)
        text = _without_codes(out.stdout + out.stderr, path, page, book, citations=citations)
        found = english_words(text, allowed, citations)
        assert not found, (name, found)
    text = _without_codes(_html_text(page.read_text(encoding="utf-8")), path, citations=citations)
    found = english_words(text, allowed, citations)
    assert not found, ("report html", found)


def test_zh_errors_of_a_bad_file_print_no_english(tmp_path):
    """A file with errors (a negative power, a load that is no number): validate and
    estimate under --lang zh, and with no --lang (the headers are Chinese)."""
    lines = SAMPLE.read_text(encoding="utf-8-sig").splitlines()
    lines[1] = lines[1].replace(",55,", ",-5,").replace(",100%,", ",abc,")
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    allowed = (
        UNITS | SYMBOLS | ACRONYMS | PROPER_NAMES | _user_words(pd.read_csv(bad, dtype=str), bad)
    )
    runner = CliRunner()
    for args in (
        ["validate", str(bad), "--lang", "zh"],
        ["estimate", str(bad), "--lang", "zh"],
        ["validate", str(bad)],
        ["estimate", str(bad)],
    ):
        out = runner.invoke(cli, args)
        assert out.exit_code == 1, out.output
        assert "错误：" in out.stderr or args[0] == "validate"
        found = english_words(_without_codes(out.stdout + out.stderr, bad), allowed, [])
        assert not found, (args, found)


def test_zh_workbook_summary_and_chinese_twins(demo, tmp_path):
    """Every cell of the summary reads Chinese; the incentives and caveats sheets show the
    Chinese name, reason and message (their English twins are left to the JSON and CSV)."""
    from openpyxl import load_workbook

    from retrofit.io.workbook import write_workbook

    result, inventory, path = demo
    result = estimate(SAMPLE, year=2026, policy="shanghai-2024,national")
    out = tmp_path / "report.xlsx"
    write_workbook(result, out, style="audit", lang="zh")
    wb = load_workbook(out, read_only=True)
    summary = [
        str(v)
        for row in wb["summary"].iter_rows(values_only=True)
        for v in row
        if isinstance(v, str) and not v.startswith("=")
    ]
    # the formula rule names its sheets and cells (assets, assumptions!B3:B5); SUMIF is Excel's
    allowed = _allowed(inventory, path, result) | {"assets", "assumptions", "SUMIF"}
    found = english_words(_without_codes("\n".join(summary)), allowed, _citations(result))
    assert not found, found
    incentives = next(wb["incentives"].iter_rows(values_only=True))
    assert {"name_zh", "why_zh"} <= set(incentives) and not {"name", "why"} & set(incentives)
    # every other cell of the listing reads Chinese too: kind, needs, priority, verify, rows
    cells = [
        str(v)
        for row in list(wb["incentives"].iter_rows(values_only=True))[1:]
        for name, v in zip(incentives, row, strict=True)
        if isinstance(v, str) and name not in CITATION_COLUMNS
    ]
    found = english_words(_without_codes("\n".join(cells)), allowed, _citations(result))
    assert not found, found
    caveats = next(wb["caveats"].iter_rows(values_only=True))
    assert "message_zh" in caveats and "message" not in caveats


def test_zh_charts_draw_no_english(cjk_font):
    """Every text of every figure of the example (with its tornado) and of its portfolio, in
    Chinese."""
    import matplotlib.pyplot as plt
    from matplotlib.text import Text

    from retrofit.plotting.estimate import estimate_figures
    from retrofit.plotting.portfolio import portfolio_figures
    from retrofit.portfolio.runner import portfolio

    result = estimate(SAMPLE, year=2026, policy="shanghai-2024", uncertainty=100, seed=3)
    inventory = pd.read_csv(SAMPLE, dtype=str)
    allowed, citations = _allowed(inventory, SAMPLE, result), _citations(result)
    axes = [ax for _, _, ax in estimate_figures(result, lang="zh")]
    axes += list(portfolio_figures(portfolio([SAMPLE], year=2026), lang="zh").values())
    for ax in axes:
        texts = [t.get_text() for t in ax.figure.findobj(match=Text)]
        plt.close(ax.figure)
        found = english_words(_without_codes("\n".join(texts)), allowed, citations)
        assert not found, found
