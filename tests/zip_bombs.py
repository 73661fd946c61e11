"""Hostile zip archives written byte by byte, for the tests of the xlsx zip checks
(``test_zip_limits.py``) and of the web page's uploads (``test_web_hostile.py``); not a test
module itself.

The archives follow PKWARE's APPNOTE 6.3.10, sections 4.3.7 (local file header), 4.3.12
(central directory header) and 4.3.16 (end of central directory record), because a bomb
needs what no zip writer produces: a gigabyte of zeros packed without first being held in
memory, a directory that lies about the size of a part. The gigabyte is one megabyte of zeros
deflated with a full flush (which empties the compressor's window, so the packed megabyte
does not depend on what came before) repeated 1,024 times: 1 GiB unpacked from about 1 MB,
built in milliseconds.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import openpyxl

MIB = 1 << 20
SHEET1 = "xl/worksheets/sheet1.xml"
HEADER = ["企业编号", "设备编号", "设备类型", "改造措施", "额定功率(kW)", "极数", "能效等级"]
ROW = ["P1", "M1", "电机", "电机更换", 55, 4, "二级"]


@dataclass
class Member:
    """One part of an archive as written: its raw deflate stream and what the headers say."""

    name: str
    packed: bytes
    declared_size: int
    crc: int


def deflated(name: str, data: bytes) -> Member:
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return Member(name, packer.compress(data) + packer.flush(), len(data), zlib.crc32(data))


def zeros(name: str, mib: int, prefix: bytes = b"", declared_size: int | None = None) -> Member:
    """``prefix`` then ``mib`` MiB of zero bytes, packed without holding them (see the module
    docstring); ``declared_size`` overrides the size the headers give (a lying header)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = packer.compress(prefix) + packer.flush(zlib.Z_FULL_FLUSH)
    block = b"\0" * MIB
    one_mib = packer.compress(block) + packer.flush(zlib.Z_FULL_FLUSH)
    crc = zlib.crc32(prefix)
    for _ in range(mib):
        crc = zlib.crc32(block, crc)
    size = len(prefix) + mib * MIB
    packed = head + one_mib * mib + packer.flush()
    return Member(name, packed, size if declared_size is None else declared_size, crc)


def write_zip(path: Path, members: list[Member], declared_entries: int | None = None) -> Path:
    """An archive of ``members`` (method 8, deflate); ``declared_entries`` overrides the count
    in the end record."""
    body = bytearray()
    directory = bytearray()
    for m in members:
        name = m.name.encode("utf-8")
        offset = len(body)
        sizes = (m.crc, len(m.packed), m.declared_size)
        body += struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0x21, *sizes, len(name), 0)
        body += name + m.packed
        directory += struct.pack(
            "<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 8, 0, 0x21, *sizes, len(name), 0, 0, 0, 0,
            0, offset,
        )  # fmt: skip
        directory += name
    entries = len(members) if declared_entries is None else declared_entries
    end = struct.pack(
        "<4s4H2LH", b"PK\x05\x06", 0, 0, entries, entries, len(directory), len(body), 0
    )
    path.write_bytes(bytes(body + directory + end))
    return path


def workbook_members(tmp_path: Path) -> list[Member]:
    """The parts of a genuine one-row inventory workbook (openpyxl), re-packed."""
    wb = openpyxl.Workbook()
    for row in (HEADER, ROW):
        wb.active.append(row)
    wb.save(tmp_path / "genuine.xlsx")
    with zipfile.ZipFile(tmp_path / "genuine.xlsx") as zf:
        return [deflated(i.filename, zf.read(i.filename)) for i in zf.infolist()]


def with_part(members: list[Member], part: Member) -> list[Member]:
    return [part if m.name == part.name else m for m in members]


def bomb_workbook(path: Path, gib: int = 1) -> Path:
    """A one-row inventory workbook whose sheet is ``gib`` GiB of zeros packed to ~1 MB."""
    bomb = zeros(SHEET1, 1024 * gib, prefix=b"<worksheet>")
    return write_zip(path, with_part(workbook_members(path.parent), bomb))
