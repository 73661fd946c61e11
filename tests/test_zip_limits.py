"""Zip bombs and hostile archives (issue 21, point 3): an .xlsx is checked from its central
directory before anything is unpacked, and a part is counted while it unpacks.

The archives are written byte by byte (``zip_bombs.py`` beside this file): a gigabyte of zeros
packed to a megabyte, thousands of entries, a header that lies about a part's size.
"""

from __future__ import annotations

import sys
import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from retrofit.cli import cli
from retrofit.core.exceptions import InventoryError
from retrofit.core.messages import issue_text
from retrofit.inventory.reading import read_inventory
from retrofit.inventory.workbook import DEFAULT_LIMITS, ReadLimits, check_archive

sys.path.insert(0, str(Path(__file__).resolve().parent))
from zip_bombs import (
    HEADER,
    MIB,
    SHEET1,
    Member,
    deflated,
    with_part,
    workbook_members,
    write_zip,
    zeros,
)

openpyxl = pytest.importorskip("openpyxl")


def refusal(path: Path, **kw) -> tuple[InventoryError, float, int]:
    """The error reading ``path`` raises, the seconds it took and the peak of memory
    allocated meanwhile [bytes]."""
    tracemalloc.start()
    start = time.perf_counter()
    try:
        with pytest.raises(InventoryError) as info:
            read_inventory(path, **kw)
        seconds = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return info.value, seconds, peak


def test_the_genuine_workbook_written_by_hand_reads(tmp_path):
    # the writer of this file makes archives a reader takes: the refusals below are the checks'
    path = write_zip(tmp_path / "plant.xlsx", workbook_members(tmp_path))
    inv = read_inventory(path)
    assert inv.assets["rated_power_kw"].tolist() == [55.0]


def test_the_defaults_are_those_of_issue_21():
    assert DEFAULT_LIMITS.max_unzipped_mb == 256
    assert DEFAULT_LIMITS.max_compression_ratio == 100
    assert DEFAULT_LIMITS.ratio_checked_mb == 1
    assert DEFAULT_LIMITS.max_zip_entries == 10_000


def test_a_gigabyte_of_zeros_is_refused_from_the_directory_alone(tmp_path):
    # 1 GiB of zeros packs to about 1 MiB (1,030 to 1); neither is read to refuse it
    bomb = zeros(SHEET1, 1024, prefix=b"<worksheet>")
    members = with_part(workbook_members(tmp_path), bomb)
    path = write_zip(tmp_path / "bomb.xlsx", members)
    assert path.stat().st_size < 3 * MIB
    error, seconds, peak = refusal(path)
    [issue] = error.issues
    assert issue.type == "limit-exceeded"
    packed = len(bomb.packed)
    ratio = round(bomb.declared_size / packed)
    assert issue.expected == (
        f"part {SHEET1} unpacks from {packed:,} to {1024 * MIB + 11:,} bytes ({ratio:,} to 1, "
        "the limit is 100 to 1): the workbook looks like a zip bomb; if it is genuine, save the "
        "sheet as CSV UTF-8"
    )
    assert issue_text(issue, "zh").endswith(
        f"部件 {SHEET1} 由 {packed:,} 字节解压为 {1024 * MIB + 11:,} 字节（压缩比 {ratio:,}:1，"
        "上限 100:1）：工作簿疑似 zip 炸弹；如文件确实无误，请将工作表另存为 CSV UTF-8"
    )
    assert seconds < 2.0  # unpacking the gigabyte takes several seconds
    assert peak < 8 * MIB


def test_a_bomb_under_the_ratio_is_refused_by_the_total(tmp_path):
    # 300 parts of 1 MiB at about 1,000 to 1 each: each under ratio_checked_mb, together
    # 300 MiB, over the 256 MiB the workbook may unpack to
    members = workbook_members(tmp_path)
    one = zeros("xl/media/part0.bin", 1)
    parts = [
        Member(f"xl/media/part{i}.bin", one.packed, one.declared_size, one.crc) for i in range(300)
    ]
    error, _, peak = refusal(write_zip(tmp_path / "bomb.xlsx", members + parts))
    [issue] = error.issues
    assert issue.expected.startswith(
        "the workbook unpacks to 300.0 MiB, more than the limit of 256.0 MiB (save the sheet as CSV "
        "UTF-8 to read it in chunks); raise the limit with --max-unzipped-mb"
    )
    assert issue_text(issue, "zh").startswith(
        f"{issue.file}：工作簿解压后为 300.0 MiB，超过上限 256.0 MiB（请将工作表另存为 CSV UTF-8 以分块"
        "读取）；如数据无误，可用 --max-unzipped-mb"
    )
    assert peak < 8 * MIB


def test_thousands_of_entries_are_refused_before_zipfile_lists_them(tmp_path, monkeypatch):
    members = workbook_members(tmp_path)
    empty = deflated("x", b"")
    filler = [Member(f"customXml/item{i}.xml", empty.packed, 0, empty.crc) for i in range(20_000)]
    path = write_zip(tmp_path / "many.xlsx", members + filler)

    def no_zipfile(*args, **kwargs):
        raise AssertionError("zipfile.ZipFile was opened before the entries were counted")

    monkeypatch.setattr(zipfile, "ZipFile", no_zipfile)
    error, seconds, peak = refusal(path)
    [issue] = error.issues
    n = len(members) + 20_000
    assert issue.type == "limit-exceeded"
    assert issue.expected == (
        f"the workbook holds {n:,} parts, more than the limit of 10,000 (a workbook holds "
        "tens): it looks like a zip bomb; raise the limit with ReadLimits(max_zip_entries=…) in "
        "Python if it is right"
    )
    assert issue_text(issue, "zh") == (
        f"{issue.file}：工作簿含 {n:,} 个部件，超过上限 10,000 个（正常工作簿只有几十个）：疑似 zip 炸弹；"
        "如数据无误，可用 Python 中的 ReadLimits(max_zip_entries=…) 提高上限"
    )
    assert seconds < 1.0 and peak < 4 * MIB


def test_an_end_record_that_understates_the_entries_is_caught_when_they_are_listed(tmp_path):
    members = workbook_members(tmp_path)
    empty = deflated("x", b"")
    filler = [Member(f"customXml/item{i}.xml", empty.packed, 0, empty.crc) for i in range(10_001)]
    path = write_zip(tmp_path / "many.xlsx", members + filler, declared_entries=9)
    check_archive(path, "many.xlsx", DEFAULT_LIMITS)  # the end record alone lets it pass
    error, _, _ = refusal(path)
    [issue] = error.issues
    assert issue.expected.startswith(f"the workbook holds {len(members) + 10_001:,} parts")


def test_a_directory_too_large_for_its_declared_entries_is_refused(tmp_path):
    # 2,000 entries with 2,006-character names: 4.1 MB of directory (46 + 2,006 bytes each),
    # more than the 3,072,000 bytes (1 KiB a part) that the limit of 3,000 parts allows
    long_names = [deflated("d/" + f"{i:04d}" * 500 + ".xml", b"") for i in range(2_000)]
    path = write_zip(tmp_path / "wide.xlsx", workbook_members(tmp_path) + long_names)
    with pytest.raises(InventoryError) as info:
        check_archive(path, "wide.xlsx", ReadLimits(max_zip_entries=3_000))
    directory_bytes = 2_000 * (46 + 2_006) + sum(
        46 + len(m.name) for m in workbook_members(tmp_path)
    )
    assert info.value.issues[0].expected.startswith(
        f"the workbook's list of parts takes {directory_bytes:,} bytes"
    )
    assert "room for more than the limit of 3,000 parts" in info.value.issues[0].expected


@pytest.mark.parametrize(
    "name", ["../../evil.xml", "/etc/evil.xml", "xl/../../evil.xml", "C:/evil.xml", "\\evil.xml"]
)
def test_a_part_with_an_absolute_path_or_dotdot_is_refused(tmp_path, name):
    members = [*workbook_members(tmp_path), deflated(name, b"<x/>")]
    error, _, _ = refusal(write_zip(tmp_path / "evil.xlsx", members))
    [issue] = error.issues
    assert issue.type == "encoding-error"
    assert issue.expected == (
        f"part '{name}' is named with an absolute path or '..', which no workbook holds: the "
        "file is refused as hostile"
    )
    assert issue_text(issue, "zh").endswith(
        f"部件「{name}」使用绝对路径或含“..”，正常工作簿不会如此：文件被视为恶意文件，拒绝读取"
    )


def test_a_header_that_understates_the_size_stops_at_the_size_declared(tmp_path):
    # the directory says the sheet unpacks to 2,000 bytes, the stream holds 1 GiB: reading
    # stops at 2,000 bytes and the file is refused, in bounded time and memory
    liar = zeros(SHEET1, 1024, prefix=b"<worksheet>", declared_size=2_000)
    path = write_zip(tmp_path / "liar.xlsx", with_part(workbook_members(tmp_path), liar))
    error, seconds, peak = refusal(path)
    [issue] = error.issues
    assert issue.type == "encoding-error"
    assert issue.expected.startswith(
        f"part {SHEET1} does not unpack to the bytes its header declares ("
    )
    assert issue.expected.endswith("): the workbook is damaged or hostile")
    assert issue_text(issue, "zh").startswith(
        f"{issue.file}：部件 {SHEET1} 解压后的内容与其文件头声明的不符（"
    )
    assert seconds < 2.0 and peak < 8 * MIB


def test_the_part_counter_stops_a_part_that_unpacks_past_its_declared_size(tmp_path, monkeypatch):
    # whatever a zip library does with a lying header, more bytes than declared stop the read:
    # here the library is made to hand out the whole stream (as one that trusts the stream's
    # own end would), and the counter refuses the part at 2,001 bytes
    liar = zeros(SHEET1, 64, prefix=b"<worksheet>", declared_size=2_000)
    path = write_zip(tmp_path / "liar.xlsx", with_part(workbook_members(tmp_path), liar))
    real_open = zipfile.ZipFile.open

    def open_trusting_the_stream(self, name, mode="r", pwd=None, **kw):
        info = self.getinfo(name) if isinstance(name, str) else name
        if info.filename == SHEET1:
            info.file_size = 64 * MIB + 11
            info.CRC = liar.crc
        return real_open(self, info, mode, pwd, **kw)

    monkeypatch.setattr(zipfile.ZipFile, "open", open_trusting_the_stream)
    error, seconds, peak = refusal(path)
    [issue] = error.issues
    assert issue.type == "limit-exceeded"
    assert issue.expected == (
        f"part {SHEET1} unpacks to more than the 2,000 bytes its header declares: the workbook "
        "is damaged or hostile"
    )
    assert issue_text(issue, "zh").endswith(
        f"部件 {SHEET1} 解压后超过其文件头声明的 2,000 字节：工作簿已损坏或为恶意文件"
    )
    assert seconds < 2.0 and peak < 8 * MIB


def test_the_cli_refuses_a_bomb_with_exit_1_in_chinese(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    members = with_part(workbook_members(tmp_path), zeros(SHEET1, 1024, prefix=b"<worksheet>"))
    write_zip(tmp_path / "炸弹.xlsx", members)
    result = CliRunner().invoke(cli, ["validate", "炸弹.xlsx", "--lang", "zh"])
    assert result.exit_code == 1
    assert "工作簿疑似 zip 炸弹" in result.output
    assert "Traceback" not in result.output


def test_a_genuine_workbook_under_a_tighter_ratio_is_refused_and_reads_with_the_default(tmp_path):
    # openpyxl packs a sheet of 2,000 similar rows about 10 to 1 (measured 10.1 for a
    # 12.8 MB sheet): a ratio limit of 2 refuses it, the default of 100 reads it
    wb = openpyxl.Workbook()
    wb.active.append(HEADER)
    for i in range(2_000):
        wb.active.append(["P1", f"M{i}", "电机", "电机更换", 55, 4, "二级"])
    wb.save(tmp_path / "plant.xlsx")
    assert len(read_inventory(tmp_path / "plant.xlsx").assets) == 2_000
    tight = ReadLimits(max_compression_ratio=2, ratio_checked_mb=0.01)
    error, _, _ = refusal(tmp_path / "plant.xlsx", limits=tight)
    assert "the workbook looks like a zip bomb" in error.issues[0].expected
