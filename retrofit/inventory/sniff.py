"""What the top of a file says before it is read: its hash and encoding (UTF-8, UTF-8 with a
BOM or GBK/GB18030, in one streaming pass), the CSV delimiter and the header row (the row among
the first :data:`HEADER_SEARCH_ROWS` that matches the most known headers, below title rows,
completed from a header cell merged down from the row above), and the rows below or inside a
table that are no asset: totals, signatures and notes (:func:`summary_rows`)."""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..core.exceptions import InventoryError, InventoryIssue, UnknownEncodingError
from .cells import column_letter, is_text
from .headers import is_known_header
from .schema import group_role

__all__ = [
    "HEADER_SEARCH_ROWS",
    "MAX_NOTE_ITEMS",
    "CsvHead",
    "above_header_note",
    "complete_header",
    "empty_file_issue",
    "file_error",
    "hash_file",
    "pick_header_row",
    "read_csv_head",
    "scan_file",
    "summary_rows",
]

#: Number of leading rows searched for the header (a group title above it is common).
HEADER_SEARCH_ROWS = 5

_CHUNK = 1 << 20
#: At most this many items (merged ranges, dropped rows) are listed in one note.
MAX_NOTE_ITEMS = 10
#: The csv module's field limit, which the header search reads under.
_CSV_FIELD_LIMIT = csv.field_size_limit()


def file_error(type_: str, file: str, text: str, row: int | None = None) -> InventoryError:
    """An error with one file-level issue, for problems that stop reading at once."""
    return InventoryError([InventoryIssue(type_, file, row, None, None, text)])


def empty_file_issue(file: str, text: str) -> InventoryIssue:
    """The issue of a file with nothing to read (no bytes, no header or no data rows)."""
    return InventoryIssue("empty-file", file, None, None, None, text)


def scan_file(p: Path, forced: str | None, file: str) -> tuple[str, str, bool]:
    """Hash the file and find its encoding in one streaming pass (two if not UTF-8)."""
    sha = hashlib.sha256()
    if forced is not None:
        try:
            name = codecs.lookup(forced).name
        except LookupError:
            raise UnknownEncodingError(
                f"--encoding '{forced}' is not an encoding Python knows; try utf-8, "
                "utf-8-sig, gbk or gb18030, or leave it out to detect the encoding"
            ) from None
        err = _decode_error(p, name, sha, file)
        if err is not None:
            raise file_error(
                "encoding-error",
                file,
                f"the file cannot be decoded as {forced}: {err}; "
                "leave out --encoding to detect it, or name another",
            )
        return sha.hexdigest(), name, False
    with p.open("rb") as fh:
        head = fh.read(4)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        hash_file(p, sha)
        raise file_error(
            "encoding-error",
            file,
            "the file is UTF-16 (Excel's 'Unicode text'); save it as 'CSV UTF-8' instead",
        )
    if head.startswith(codecs.BOM_UTF8):
        err = _decode_error(p, "utf-8-sig", sha, file)
        if err is not None:
            raise file_error(
                "encoding-error",
                file,
                f"the file starts with a UTF-8 byte-order mark but is not valid UTF-8: {err}; "
                "pass --encoding to read it in another encoding",
            )
        return sha.hexdigest(), "utf-8-sig", True
    err_utf8 = _decode_error(p, "utf-8", sha, file)
    if err_utf8 is None:
        return sha.hexdigest(), "utf-8", True
    err_gb = _decode_error(p, "gb18030", None, file)
    if err_gb is None:
        return sha.hexdigest(), "gb18030", True
    raise file_error(
        "encoding-error",
        file,
        f"the file is neither UTF-8 ({err_utf8}) nor GBK/GB18030 ({err_gb}); "
        "save it as 'CSV UTF-8' or name its encoding with --encoding",
    )


def hash_file(p: Path, sha: Any) -> None:
    """Feed the whole file to the ``hashlib`` object ``sha``, a block at a time."""
    with p.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            sha.update(chunk)


def _decode_error(p: Path, encoding: str, sha: Any, file: str) -> str | None:
    """Decode the file chunk by chunk; describe the first undecodable byte, or None.

    A NUL byte (U+0000) decodes, but is no text a person typed: it is described too (the
    file is then binary or damaged), rather than passed on into the outputs: an error."""
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    offset = 0
    lines = 1
    error = None
    with p.open("rb") as fh:
        while True:
            chunk = fh.read(_CHUNK)
            if sha is not None:
                sha.update(chunk)
            if error is None:
                try:
                    text = decoder.decode(chunk, final=not chunk)
                except UnicodeDecodeError as e:
                    pos = max(0, min(e.start, len(chunk)))
                    bad = chunk[pos : pos + 1] or b"?"
                    line = lines + chunk.count(b"\n", 0, pos)
                    error = f"byte 0x{bad.hex()} at offset {offset + pos} (line {line})"
                    if sha is None:
                        return error
                else:
                    if "\0" in text:
                        pos = chunk.find(b"\0")  # in the text's bytes: NUL is one 0x00 byte
                        line = lines + chunk.count(b"\n", 0, pos)
                        raise file_error(
                            "encoding-error",
                            file,
                            f"line {line} holds a NUL byte (0x00, offset {offset + pos}), which "
                            "is no text: the file is binary or damaged; remove the NUL bytes",
                        )
                lines += chunk.count(b"\n")
                offset += len(chunk)
            if not chunk:
                return error


def _head_records(
    p: Path, file: str, encoding: str, delimiter: str | None = None
) -> tuple[list[tuple[list[str], int]], str]:
    """Parse the first few records with the csv module: ((record, lines used), delimiter)."""
    size = 1 << 16
    while True:
        with p.open("rb") as fh:
            raw = fh.read(size)
            at_eof = not fh.read(1)
        text = codecs.getincrementaldecoder(encoding)("replace").decode(raw, final=at_eof)
        text = text.removeprefix("\ufeff")
        if delimiter is None:
            first = next((ln for ln in text.splitlines() if ln.strip()), "")
            delimiter = max([",", "\t", ";"], key=first.count) if first else ","
            if first.count(delimiter) == 0:
                delimiter = ","
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        records: list[tuple[list[str], int]] = []
        try:
            for rec in reader:
                records.append((rec, reader.line_num))
                if len(records) > HEADER_SEARCH_ROWS:
                    break
        except csv.Error as e:  # a cell over the csv module's field limit
            if "field limit" not in str(e):
                raise file_error(
                    "header-error", file, f"line {reader.line_num} cannot be parsed: {e}"
                ) from None
            raise file_error(
                "limit-exceeded",
                file,
                f"a cell on line {reader.line_num} holds more than {_CSV_FIELD_LIMIT:,} "
                "characters, more than a header search reads (and than --max-cell-chars "
                "allows by default); shorten it",
            ) from None
        if at_eof or len(records) > HEADER_SEARCH_ROWS:
            return records[: HEADER_SEARCH_ROWS + (1 if at_eof else 0)], delimiter
        size *= 4


@dataclass
class CsvHead:
    """What the top of a CSV says: encoding, delimiter, header and where the body starts."""

    meta_kw: dict[str, Any]
    delimiter: str
    headers: list[str]
    header_row: int  # spreadsheet row of the header (1-based)
    lines_used: int  # physical lines up to and including the header
    notes: list[str]


def read_csv_head(
    p: Path, file: str, encoding: str | None, *, max_cell_chars: int | None = None
) -> CsvHead:
    """Hash and encoding of the file, and its header (found among the first rows); a cell
    of those rows longer than ``max_cell_chars`` is an error naming its line."""
    sha, enc, detected = scan_file(p, encoding, file)
    records, delimiter = _head_records(p, file, enc)
    records = records[:HEADER_SEARCH_ROWS]
    if max_cell_chars is not None:
        check_cell_lengths(file, records, max_cell_chars)
    if not any(any(c.strip() for c in rec) for rec, _ in records):
        raise InventoryError(
            [empty_file_issue(file, "the file has no header row (it starts blank)")]
        )
    h = pick_header_row([rec for rec, _ in records])
    headers, filled = complete_header([rec for rec, _ in records], h)
    headers = [c.removeprefix("\ufeff") for c in headers]
    meta_kw = {
        "path": file,
        "sha256": sha,
        "file_format": "csv",
        "encoding": enc,
        "encoding_detected": detected,
        "sheet": None,
    }
    return CsvHead(
        meta_kw,
        delimiter,
        headers,
        h + 1,
        records[h][1],
        above_header_note(h, [rec for rec, _ in records]) + filled,
    )


def check_cell_lengths(file: str, records: list[tuple[list[str], int]], limit: int) -> None:
    """A cell longer than ``limit`` characters in the records (with their last line) is an
    error naming its line, the limit and the option that raises it."""
    for rec, line in records:
        for i, cell in enumerate(rec):
            if len(cell) > limit:
                raise file_error(
                    "limit-exceeded",
                    file,
                    f"the cell in column {column_letter(i)} of the record ending on line {line} "
                    f"holds {len(cell):,} characters, more than the limit of {limit:,}; raise "
                    "the limit with --max-cell-chars if it is right",
                )


def _header_score(record: Sequence[Any]) -> int:
    """How many cells of ``record`` are headers the reader knows."""
    return sum(is_known_header("" if cell is None else str(cell)) for cell in record)


def pick_header_row(records: list[list[Any]]) -> int:
    """Index of the record (among the first few) matching the most known headers; below a
    group row (改造前 / 改造后 over sub-columns), the row of the sub-columns."""
    scores = [_header_score(r) for r in records[:HEADER_SEARCH_ROWS]]
    best = max(scores) if scores else 0
    if best == 0:  # nothing recognised: the first non-blank row is the header
        return next(i for i, r in enumerate(records) if any(str(c or "").strip() for c in r))
    h = scores.index(best)
    if _group_columns(records[h]) and h + 1 < len(records) and _header_score(records[h + 1]):
        return h + 1
    return h


def _group_columns(record: Sequence[Any]) -> dict[int, str]:
    """Column → the group cell over it (改造前, 改造后 …): a group cell covers itself and the
    blank cells to its right (a CSV keeps a merged cell's text in its first cell only)."""
    out: dict[int, str] = {}
    current = None
    for i, cell in enumerate(record):
        text = "" if cell is None else str(cell).strip()
        if text:
            current = text if group_role(text) is not None else None
        if current is not None:
            out[i] = current
    return out


def complete_header(records: list[list[Any]], h: int) -> tuple[list[str], list[str]]:
    """The header row, with a blank cell taken from a known header just above it.

    A CSV saved from a sheet whose header cells were merged down over two rows keeps the
    text in the upper row only: ``企业编号`` on row 1 above a blank on row 2.
    """
    headers = ["" if c is None else str(c) for c in records[h]]
    notes: list[str] = []
    groups = _group_columns(records[h - 1]) if h > 0 else {}
    under: dict[str, list[str]] = {}
    for i, group in groups.items():
        text = headers[i].strip() if i < len(headers) else ""
        if text and text != group:  # a group cell merged down over two rows is a header
            headers[i] = f"{group}/{text}"
            under.setdefault(group, []).append(column_letter(i))
    notes.extend(
        f"two-row header: column(s) {', '.join(letters)} read under {group} "
        f"({'before' if group_role(group) == 'baseline' else 'after'} the retrofit)"
        for group, letters in under.items()
    )
    for i, text in enumerate(headers):
        if text.strip():
            continue
        for above in range(h - 1, -1, -1):
            cell = records[above][i] if i < len(records[above]) else ""
            if cell and str(cell).strip() and _header_score([cell]):
                headers[i] = str(cell)
                notes.append(
                    f"header of column {column_letter(i)} taken from row {above + 1}: {cell}"
                )
                break
    return headers, notes


def above_header_note(h: int, records: list[list[Any]]) -> list[str]:
    """The note that says which title rows above the header (row ``h + 1``) were ignored."""
    if h == 0:
        return []
    texts = [
        " ".join(dict.fromkeys(str(c).strip() for c in rec if c is not None and str(c).strip()))
        for rec in records[:h]
    ]
    shown = "; ".join(t for t in texts if t) or "blank"
    return [f"header found on row {h + 1}; row(s) above it ignored: {shown}"]


#: Rows of a sheet that are no asset, by the first words of their first non-blank cell
#: (NFKC-folded, spaces removed, so "合  计" and "填表人：" match): what each kind is called in
#: the note, and its pattern. A word must stand alone or be followed by a colon, a bracket or a
#: digit, so that an asset named 合计泵 or 说明书柜 is not taken for one.
SUMMARY_ROW_KINDS: dict[str, str] = {
    "total": r"(?:合计|小计|总计|共计|total|subtotal|sum)",
    "signature": r"(?:填表人|填报人|制表人|审核人|复核人|审批人|负责人|联系人|填表日期|填报日期|制表日期)",
    "note": r"(?:备注|说明|注)",
}
_SUMMARY_FIRST = frozenset("合小总共填制审复负联备说注")
#: English footers are taken only as the whole cell (a Sub-station is an asset)
_SUMMARY_LATIN = ("total", "total:", "subtotal", "subtotal:", "sum", "sum:", "grand total")
_SUMMARY_PREFIXES = frozenset(
    ["合计", "小计", "总计", "共计", "填表", "填报", "制表", "审核", "复核", "审批", "负责"]
    + ["联系", "备注", "说明"]
    + ["注" + c for c in ":：(（[【0123456789"]
)
_SUMMARY_PATTERNS = {
    kind: rf"^{pattern}(?:$|[:：(（\[【\d])" for kind, pattern in SUMMARY_ROW_KINDS.items()
}


def summary_rows(
    texts: dict[int, pd.Series], blanks: dict[int, np.ndarray], n_rows: int
) -> tuple[np.ndarray, list[str]]:
    """Which rows are totals, signatures or notes (合计, 填表人：, 备注：…) rather than assets.

    Only the first non-blank cell of a row decides; columns are visited left to right and a
    row leaves the search at its first non-blank cell, so a sheet of assets costs one cheap
    first-character test of its first column.

    Returns
    -------
    (numpy.ndarray, list of str)
        The kind of each row (an index into ``list(SUMMARY_ROW_KINDS)``, -1 for an asset row)
        and the first non-blank cell of each summary row, in row order.
    """
    names = list(SUMMARY_ROW_KINDS)
    kind = np.full(n_rows, -1, dtype=np.int8)
    first = np.empty(n_rows, dtype=object)
    undecided = np.ones(n_rows, dtype=bool)
    for i in sorted(texts):
        here = undecided & ~blanks[i]
        if not here.any():
            continue
        undecided &= ~here
        s = texts[i]
        if not is_text(s):
            continue
        cjk = s.str[:1].isin(_SUMMARY_FIRST).to_numpy(dtype=bool)
        latin = s.str.lower().isin(_SUMMARY_LATIN).to_numpy(dtype=bool)
        candidate = np.flatnonzero(here & (cjk | latin))
        if not len(candidate):
            continue
        sub = s.iloc[candidate]
        # a second cheap filter on the first two characters (spaces out: 合 计), so that a
        # column of 注塑机 or 小型泵 names never reaches the regular expressions
        head = sub.str[:4].str.replace(" ", "", regex=False).str.replace("\u3000", "", regex=False)
        keep = (head.str[:2].isin(_SUMMARY_PREFIXES) | (head == "注")).to_numpy(
            dtype=bool, copy=True
        )
        keep |= latin[candidate]
        candidate, sub = candidate[keep], sub[keep]
        if not len(candidate):
            continue
        # one C-level regex pass per kind (no per-cell Python): 注塑机 or Sub-station rows
        # that pass the first-character filter cost little
        folded = sub.str.replace(r"\s+", "", regex=True).str.lower()
        for k, name in enumerate(names):
            hit = folded.str.match(_SUMMARY_PATTERNS[name]).to_numpy(dtype=bool)
            kind[candidate[hit]] = k
            first[candidate[hit]] = sub[hit].to_numpy()
        if not undecided.any():
            break
    found = kind >= 0
    return kind, [str(t) for t in first[found]]
