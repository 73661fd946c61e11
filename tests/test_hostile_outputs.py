"""Hostile text in outputs, and the output side of "no traceback" (issue 18, points 4 and 6).

Formula injection: every text cell a spreadsheet would evaluate gets OWASP's leading
apostrophe in CSV and XLSX, numbers stay numbers, and the only formulas in a workbook are the
audit summary's own. Output paths: a missing or unwritable folder, a full disk and an unknown
encoding exit with a documented code and one line; SIGINT and SIGTERM remove the temporary
file and exit 130 and 143; temporary files of killed runs are removed by the next run.
"""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pandas as pd
import pyarrow as pa
import pytest
from click.testing import CliRunner

from retrofit.cli import cli
from retrofit.io import atomic
from retrofit.io.cells import LIVE_PREFIXES, neutralise_arrow, neutralise_text
from retrofit.io.csv import write_csv
from retrofit.io.json import write_json
from retrofit.io.workbook import is_tool_formula, sheet_title

#: whole runs written to every output format and re-read: `make test` runs them, `make test-fast` leaves them out
pytestmark = pytest.mark.slow

#: The payloads of issue 18, and the full-width forms Excel on Chinese Windows evaluates
PAYLOADS = [
    '=HYPERLINK("http://x","y")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    "\t=1+2",
    "\r=1+2",
    "＝1+1",
    "－2+3",
    "＋1",
    "＠SUM(A1)",
]

#: In the inventory: a carriage return inside a quoted CSV cell is a line break to the reader
#: (the writer-level tests above cover it)
INVENTORY_PAYLOADS = [p for p in PAYLOADS if not p.startswith("\r")]

HEADER = (
    "企业编号,设备编号,设备类型,改造措施,数量,额定功率(kW),极数,能效等级,目标能效等级,负载率,"
    "年运行小时,电价,投资额(万元),上年综合能耗(tce)"
)


def hostile_inventory(folder: Path) -> Path:
    """An inventory whose name, plant and asset ids, a pass-through header and its values are
    all payloads; every row is the 55 kW IE2 → 二级 motor of tests/test_cli.py."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([*HEADER.split(","), "=cmd|' /C calc'!A0", "@note"])
    for i, payload in enumerate(INVENTORY_PAYLOADS):
        motor = ["电机", "电机更换", 1, 55, 4, "IE2", "二级", "100%", 4000, 0.70, 2, 50]
        writer.writerow([payload, f"{payload}#{i}", *motor, payload, "-5"])
    path = folder / "=HYPERLINK(x).csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def live_text(value: object) -> bool:
    return isinstance(value, str) and value.startswith(LIVE_PREFIXES)


#: A number as the CSV writer writes it (bare): a spreadsheet reads it as a number, not a formula
NUMBER = re.compile(r"-?(\d+(\.\d*)?|\.\d+)(e[-+]?\d+)?")


def assert_no_live_csv_cell(text: str) -> int:
    """Every cell of a CSV text, header included, read as a spreadsheet would: a negative
    number is a number, any other cell starting with a live character would be a formula;
    returns the number of cells read."""
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert not [c for c in cells if live_text(c) and not NUMBER.fullmatch(c)]
    return len(cells)


def assert_only_tool_formulas(path: Path) -> int:
    """No formula in the workbook that the tool did not write (the audit summary's, matched by
    :data:`retrofit.io.workbook.TOOL_FORMULAS`), no live text except the summary's formulas
    shown as quote-prefixed text; returns the number of the tool's formulas."""
    wb = openpyxl.load_workbook(path)
    own = 0
    for ws in wb.worksheets:
        assert not live_text(ws.title)
        for row in ws.iter_rows():
            for cell in row:
                where = f"{path.name} {ws.title}!{cell.coordinate}: {cell.value!r}"
                if cell.data_type == "f":
                    assert is_tool_formula(cell.value), where
                    own += 1
                elif live_text(cell.value):
                    assert cell.quotePrefix and is_tool_formula(cell.value), where
    return own


def test_each_live_prefix_is_neutralised_and_plain_text_is_not():
    for prefix in LIVE_PREFIXES:
        assert neutralise_text(prefix + "x") == "'" + prefix + "x"
    for plain in ["P-01", "1-2", "—", "'=already", "", "电机", "a=b"]:
        assert neutralise_text(plain) == plain


def test_the_arrow_form_gives_the_same_text_as_the_scalar_form():
    """One rule, two forms: the CSV writer's vectorised one and the workbook's scalar one."""
    values = [*PAYLOADS, "P-01", "", None, "a\x00b", "\x00=x"]
    expected = ["'" + p for p in PAYLOADS] + ["P-01", "", None, "ab", "'=x"]
    for kind in (pa.string(), pa.large_string()):
        assert neutralise_arrow(pa.array(values, kind)).to_pylist() == expected
    assert [None if v is None else neutralise_text(v) for v in values] == expected
    numbers = pa.array([-2.5, 3.0])
    assert neutralise_arrow(numbers) is numbers


def test_csv_numbers_stay_numbers_and_text_is_prefixed(tmp_path):
    path = tmp_path / "x.csv"
    frame = pd.DataFrame({"-value": [-2.5, 3], "id": ["-2.5", "=1+1"], "n": [-7, 8]})
    write_csv(frame, path)
    assert path.read_text(encoding="utf-8") == (
        '\ufeff\'-value,id,n\n-2.5,"\'-2.5",-7\n3,"\'=1+1",8\n'
    )


def test_nul_bytes_are_stripped_from_csv_json_and_xlsx(tmp_path):
    frame = pd.DataFrame({"id": ["a\x00b", "\x00"], "x": [1.0, 2.0]})
    write_csv(frame, tmp_path / "x.csv")
    assert (tmp_path / "x.csv").read_bytes().count(b"\x00") == 0
    assert (tmp_path / "x.csv").read_text(encoding="utf-8-sig") == 'id,x\n"ab",1\n"",2\n'
    text = write_json({"id": "a\x00b", "escaped": "\\u0000 stays", "n": ["\x00"]})
    assert json.loads(text) == {"id": "ab", "escaped": "\\u0000 stays", "n": [""]}


def test_sheet_names_never_start_live_and_excel_accepts_them():
    assert sheet_title("=cmd|' /C calc'!A0") == "_=cmd|' C calc'!A0"
    assert sheet_title("a/b[1]:*?\\c") == "ab1c"
    assert sheet_title("'quoted'") == "quoted"
    assert sheet_title("x" * 40) == "x" * 31
    assert sheet_title("\x00") == "sheet"


@pytest.fixture
def runner():
    return CliRunner()


def test_hostile_inventory_every_output_is_inert(runner, tmp_path):
    """The 19 live formulas of the issue's 7-row file: none left in any CSV or XLSX output."""
    path = hostile_inventory(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    base = ["--year", "2026"]
    runs = [
        ["estimate", str(path), "-o", str(out / "assets.csv"), *base],
        ["estimate", str(path), "--workbook", "plain", "-o", str(out / "plain.xlsx"), *base],
        ["estimate", str(path), "-o", str(out / "estimate.xlsx"), *base],
        ["estimate", str(path), "-o", str(out / "all.json"), *base],
        ["report", str(path), "-o", str(out / "audit.xlsx"), *base],
        ["incentives", str(path), "--policy", "national", "-o", str(out / "inc.csv"), *base],
        ["incentives", str(path), "--policy", "national", "-o", str(out / "inc.xlsx"), *base],
        ["portfolio", str(path), "-o", str(out / "portfolio.csv"), *base],
        ["portfolio", str(path), "-o", str(out / "portfolio.xlsx"), *base],
    ]
    for args in runs:
        result = runner.invoke(cli, args)
        assert result.exit_code == 0, (args, result.output)
    for csv_file in out.glob("*.csv"):
        assert assert_no_live_csv_cell(csv_file.read_text(encoding="utf-8-sig")) > 0
    formulas = {x.name: assert_only_tool_formulas(x) for x in out.glob("*.xlsx")}
    # the audit workbook (estimate, report and incentives write the same): on the summary 8
    # totals, and per plant a SUMIF, a share and a verdict (10 plants); on the assets sheet
    # per row energy, tce on both bases, the headline tce, CO2 and money (10 priced rows)
    audit = 8 + 3 * 10 + 6 * 10
    assert formulas == {
        "plain.xlsx": 0,
        "estimate.xlsx": audit,
        "audit.xlsx": audit,
        "inc.xlsx": audit,
        "portfolio.xlsx": 0,
    }

    with open(out / "assets.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["plant_id"] for r in rows] == ["'" + p.strip() for p in INVENTORY_PAYLOADS]
    assert rows[1]["asset_id"] == "'=cmd|' /C calc'!A0#1"
    assert rows[0]["'=cmd|' /C calc'!A0"] == '\'=HYPERLINK("http://x","y")'
    assert rows[0]["'@note"] == "'-5"
    assert rows[0]["rated_power_kw"] == "55"  # a number, written bare

    summary = openpyxl.load_workbook(out / "audit.xlsx")["summary"]
    assert summary["B2"].value == "'=HYPERLINK(x).csv"
    assert summary["B2"].data_type == "s"
    # the JSON keeps the text as it was read (it is not a spreadsheet format)
    doc = json.loads((out / "all.json").read_text(encoding="utf-8"))
    assert doc["assets"][0]["plant_id"] == PAYLOADS[0]

    stdout = runner.invoke(cli, ["estimate", str(path), "--format", "csv", *base])
    assert stdout.exit_code == 0
    assert assert_no_live_csv_cell(stdout.stdout) > 0


def test_output_in_a_missing_folder_is_a_usage_error(runner, tmp_path):
    path = hostile_inventory(tmp_path)
    out = tmp_path / "no" / "such" / "out.csv"
    result = runner.invoke(cli, ["estimate", str(path), "-o", str(out), "--lang", "en"])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        f"Error: Invalid value for -o/--output: '{out}' — folder '{out.parent}' does not exist"
    )
    assert "Traceback" not in result.output


def test_output_in_an_unwritable_folder_is_a_usage_error(runner, tmp_path, monkeypatch):
    path = hostile_inventory(tmp_path)
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    if os.geteuid() == 0:  # root writes anywhere: make the check see what a user would
        monkeypatch.setattr("retrofit.cli.os.access", lambda p, mode: Path(p) != folder)
    try:
        result = runner.invoke(
            cli, ["report", str(path), "-o", str(folder / "r.html"), "--lang", "en"]
        )
    finally:
        folder.chmod(0o700)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        f"Error: Invalid value for -o/--output: '{folder / 'r.html'}' — folder '{folder}' "
        "is not writable"
    )
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize("suffix", [".csv", ".json", ".xlsx"])
def test_a_full_disk_exits_4_and_leaves_the_old_output(runner, tmp_path, monkeypatch, suffix):
    path = hostile_inventory(tmp_path)
    out = tmp_path / f"out{suffix}"
    out.write_text("old")

    def full_disk(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    target = {
        ".csv": "retrofit.io.csv.write_csv_stream",
        ".json": "pathlib.Path.write_text",
        ".xlsx": "openpyxl.Workbook.save",
    }[suffix]
    monkeypatch.setattr(target, full_disk)
    result = runner.invoke(cli, ["estimate", str(path), "-o", str(out), "--year", "2026"])
    assert result.exit_code == 4
    assert result.stderr == f"Error: cannot write {out}: No space left on device\n"
    assert out.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name, out.name]


def test_an_unknown_encoding_is_a_usage_error(runner, tmp_path):
    path = hostile_inventory(tmp_path)
    for command in (["estimate"], ["validate"], ["portfolio"]):
        result = runner.invoke(cli, [*command, str(path), "--encoding", "klingon", "--lang", "en"])
        assert result.exit_code == 2, command
        assert result.stderr.splitlines()[-1] == (
            "Error: Invalid value for '--encoding': unknown encoding 'klingon'; e.g. utf-8, "
            "utf-8-sig, gb18030, gbk"
        )


def test_stale_temporary_files_are_removed_and_reported(runner, tmp_path):
    path = hostile_inventory(tmp_path)
    out = tmp_path / "out.csv"
    dead = tmp_path / ".out.csv.99999999-0123abcd.tmp"  # beyond any pid_max: no such process
    legacy = tmp_path / ".out.csv.k2j4_x9a.tmp"  # mkstemp's name, before the pid was in it
    alive = tmp_path / f".out.csv.{os.getppid()}-0123abcd.tmp"  # a writer still running
    other = tmp_path / ".other.csv.99999999-0123abcd.tmp"  # another output's
    for stale in (dead, legacy, alive, other):
        stale.write_bytes(b"partial")
    an_hour_ago = atomic.RUN_STARTED - 3600
    os.utime(legacy, (an_hour_ago, an_hour_ago))
    result = runner.invoke(cli, ["estimate", str(path), "-o", str(out), "--year", "2026"])
    assert result.exit_code == 0, result.output
    assert sorted(result.stderr.splitlines()[:2]) == sorted(
        f"removed {p}, a temporary file an interrupted run left" for p in (dead, legacy)
    )
    assert not dead.exists() and not legacy.exists()
    assert alive.exists() and other.exists() and out.is_file()


def big_inventory(folder: Path, rows: int) -> Path:
    """``rows`` motors (ten plants): an .xlsx of it takes seconds to build, time to signal."""
    lines = [HEADER] + [
        f"P{i % 10},M{i},电机,电机更换,1,{11 + i % 200},4,IE2,二级,80%,4000,0.70,2,5000"
        for i in range(rows)
    ]
    path = folder / "big.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_signal_mid_write_removes_the_temporary_file(tmp_path, signum, code):
    path = big_inventory(tmp_path, 4000)
    out = tmp_path / "out.xlsx"
    proc = subprocess.Popen(
        [sys.executable, "-m", "retrofit", "estimate", str(path), "-o", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while not list(tmp_path.glob(".out.xlsx.*.tmp")):
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.005)
    proc.send_signal(signum)
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == code, stderr
    name = signal.Signals(signum).name
    assert stderr == f"Error: interrupted ({name}); no partial output was left.\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.csv"]


def test_numpy_floating_point_warnings_become_one_line(runner, tmp_path, monkeypatch):
    """numpy's RuntimeWarnings (a price of 1e308 overflowed in money/cost.py) never reach
    stderr as numpy's text and source line: one line at the end says how many and where."""
    import numpy as np

    from retrofit.report import terminal

    real = terminal.render_table

    def overflowing(result, lang="en"):
        np.array([1e308]) * 10.0  # overflow encountered in multiply
        np.array([0.0]) / np.array([0.0])  # invalid value encountered in divide
        return real(result, lang=lang)

    monkeypatch.setattr(terminal, "render_table", overflowing)
    path = tmp_path / "plant.csv"
    path.write_text(HEADER + "\nSH-1,M1,电机,电机更换,1,55,4,IE2,二级,100%,4000,0.70,2,50\n")
    result = runner.invoke(cli, ["estimate", str(path), "--year", "2026"])
    assert result.exit_code == 0
    assert re.fullmatch(
        r"Warning: 2 floating-point overflow or invalid-value warning\(s\) \(first: overflow "
        r"encountered in multiply, test_hostile_outputs\.py line \d+\); some results may be "
        r"infinite or blank: check the inputs' magnitudes\.\n",
        result.stderr,
    )


def test_the_html_report_is_byte_reproducible(tmp_path):
    """matplotlib salts its SVG ids at random unless svg.hashsalt is set."""
    pytest.importorskip("matplotlib")
    from retrofit import estimate
    from retrofit.report.html import render_html

    result = estimate(Path(__file__).parents[1] / "retrofit" / "samples" / "example_plant.csv")
    first, second = (render_html(result, lang="en", figure_lang="en") for _ in range(2))
    assert "<svg" in first and "clipPath" in first
    assert first == second
