"""Text cells made safe for spreadsheets: no formula injection, no NUL byte.

A spreadsheet evaluates a cell whose text starts with ``=``, ``+``, ``-`` or ``@`` as a formula
(``=HYPERLINK(…)``, ``=cmd|' /C calc'!A0``, ``+1+1``, ``@SUM(A1)``), and Excel does so after a
leading tab or carriage return too; Excel on Chinese Windows also reads the full-width forms
``＝ ＋ － ＠`` that a Chinese input method types. Following OWASP's "CSV Injection" advice, every
such text cell that retrofit writes to CSV or XLSX gets a leading apostrophe ``'``, which makes
the spreadsheet show the text as typed. Numbers are never touched (a negative number stays a
number); only text is: ids, names, pass-through headers and values, caveat texts, file names.

NUL bytes (``\\x00``) are stripped from every text cell at the same boundary: spreadsheets,
databases and C tools cut a string at the first NUL, so the text after it would silently
vanish or, in an .xlsx file, make the file unreadable. Stripping (not refusing) keeps a result
whose inventory carried one in a free-text column; the inventory reader reports the cell.

The one rule is :data:`LIVE_PREFIXES`; :func:`neutralise_text` applies it to one string (the
workbook writer, headers, file names) and :func:`neutralise_arrow` to a whole Arrow column at
C++ speed (the CSV writer).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pyarrow is imported where a column is rewritten (the CSV writer has it)
    import pyarrow as pa

#: First characters that make a spreadsheet evaluate a text cell: OWASP's = + - @ tab and
#: carriage return, and the full-width ＝ ＋ － ＠ (U+FF1D, U+FF0B, U+FF0D, U+FF20).
LIVE_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
#: What goes in front of a live cell: the apostrophe every spreadsheet reads as "text follows"
NEUTRAL_PREFIX = "'"
#: Stripped from every text cell
NUL = "\x00"


def is_live(text: str) -> bool:
    """True when a spreadsheet would evaluate ``text`` as a formula (see :data:`LIVE_PREFIXES`)."""
    return text.startswith(LIVE_PREFIXES)


def neutralise_text(text: str) -> str:
    """``text`` without NUL bytes and, when a spreadsheet would evaluate it, with a leading
    apostrophe.

    >>> neutralise_text('=HYPERLINK("http://x","y")')
    '\\'=HYPERLINK("http://x","y")'
    >>> neutralise_text("P-01")
    'P-01'
    """
    if NUL in text:
        text = text.replace(NUL, "")
    return NEUTRAL_PREFIX + text if is_live(text) else text


def neutralise_arrow(values: pa.Array) -> pa.Array:
    """:func:`neutralise_text` over a whole column: string columns are rewritten, any other
    type is returned as it is (numbers stay numbers)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not (pa.types.is_string(values.type) or pa.types.is_large_string(values.type)):
        return values
    if _may_hold_nul(values):  # a byte search of the text buffers: no copy when none has one
        values = pc.replace_substring(values, NUL, "")
    # each cell's first character against the set: cheaper than a regex over every cell
    live = pc.is_in(pc.utf8_slice_codeunits(values, 0, 1), value_set=pa.array(LIVE_PREFIXES))
    if not pc.any(live).as_py():
        return values
    # the prefix and separator in the column's own type (string or large_string)
    prefix, separator = pa.scalar(NEUTRAL_PREFIX, values.type), pa.scalar("", values.type)
    prefixed = pc.binary_join_element_wise(prefix, values, separator)
    return pc.if_else(live, prefixed, values)


def _may_hold_nul(values: pa.Array | pa.ChunkedArray) -> bool:
    """False when no text buffer of ``values`` holds a NUL byte (a buffer may extend beyond a
    sliced array's cells: True then only costs the replacement)."""
    chunks = values.chunks if hasattr(values, "chunks") else [values]
    return any(
        data is not None and data.to_pybytes().find(NUL.encode()) >= 0
        for data in (chunk.buffers()[2] for chunk in chunks)
    )


__all__ = [
    "LIVE_PREFIXES",
    "NEUTRAL_PREFIX",
    "NUL",
    "is_live",
    "neutralise_arrow",
    "neutralise_text",
]
