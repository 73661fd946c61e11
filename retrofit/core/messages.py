"""The texts of data problems in English and Chinese, kept as data beside each other
(``messages.csv`` in this folder, glossary-style) rather than as literals across the code.

An :class:`~retrofit.core.exceptions.InventoryIssue` is built in English; :func:`issue_text`
renders it in either language: the location and frame from ``text`` rows, the account of
what was expected through the ``fragment`` rows (regular expressions over the English, each
with its Chinese; a part no row covers stays in English rather than being guessed). The
``flag`` rows name the command-line option that supplies a value a column leaves blank
(:func:`with_flag_hints`).

>>> from retrofit.core.exceptions import InventoryIssue
>>> issue = InventoryIssue("blank-required", "a.csv", 3, "额定功率", "", "a number > 0 (kW)")
>>> issue_text(issue, "zh")
'a.csv 第 3 行，列「额定功率」：“” — 应为 数值 > 0 (kW)'
"""

from __future__ import annotations

import csv
import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from importlib import resources

from .exceptions import InventoryIssue

__all__ = [
    "LANGUAGES",
    "Messages",
    "issue_text",
    "issues_text",
    "language_of_headers",
    "messages",
    "note_text",
    "provenance_text",
    "text",
    "translate",
    "with_flag_hints",
]

LANGUAGES = ("en", "zh")
#: Issue types that say a value is missing, where an option may supply it
_MISSING_VALUE = frozenset({"blank-required", "defaulted-strict", "missing-column"})


@dataclass(frozen=True)
class Messages:
    """The rows of ``messages.csv``: texts by key and language, fragments, option flags."""

    texts: Mapping[str, Mapping[str, str]]
    fragments: tuple[tuple[re.Pattern[str], str], ...]
    flags: Mapping[str, Mapping[str, str]]
    notes: tuple[tuple[re.Pattern[str], str], ...] = ()
    #: click's own usage messages (``Missing argument 'PATH'.``) and their Chinese
    click: tuple[tuple[re.Pattern[str], str], ...] = ()
    #: where a value came from (``amo:standard/4p``, ``input:efficiency_pct``) and the notes
    #: of the assumptions, as a Chinese workbook shows them
    provenance: tuple[tuple[re.Pattern[str], str], ...] = ()


@functools.cache
def messages() -> Messages:
    """``messages.csv``, read once."""
    text = resources.files(__package__).joinpath("messages.csv").read_text(encoding="utf-8")
    texts: dict[str, dict[str, str]] = {}
    fragments: list[tuple[re.Pattern[str], str]] = []
    flags: dict[str, dict[str, str]] = {}
    notes: list[tuple[re.Pattern[str], str]] = []
    click: list[tuple[re.Pattern[str], str]] = []
    provenance: list[tuple[re.Pattern[str], str]] = []
    for row in csv.DictReader(text.splitlines()):
        if None in row:
            # an unquoted comma in a text would cut it short silently: refuse the row instead
            raise ValueError(f"messages.csv: row {row['key']!r} has more than four fields")
        if row["kind"] == "fragment":
            fragments.append((re.compile(row["en"]), row["zh"]))
        elif row["kind"] == "note":
            notes.append((re.compile(row["en"]), row["zh"]))
        elif row["kind"] == "click":
            click.append((re.compile(row["en"]), row["zh"]))
        elif row["kind"] == "provenance":
            provenance.append((re.compile(row["en"]), row["zh"]))
        elif row["kind"] == "flag":
            flags[row["key"]] = {"en": row["en"], "zh": row["zh"]}
        else:
            texts[row["key"]] = {"en": row["en"], "zh": row["zh"]}
    return Messages(texts, tuple(fragments), flags, tuple(notes), tuple(click), tuple(provenance))


def translate(expected: str, lang: str) -> str:
    """An issue's ``expected`` text in ``lang`` (English unchanged)."""
    if lang != "zh":
        return expected
    for pattern, zh in messages().fragments:
        expected = pattern.sub(zh, expected)
    return expected


def note_text(note: str, lang: str) -> str:
    """A reading note (``InventoryMeta.notes``: a row skipped, a month-only date, a two-row
    header, …) in ``lang``, through the ``note`` rows (English unchanged)."""
    if lang != "zh":
        return note
    for pattern, zh in messages().notes:
        note = pattern.sub(zh, note)
    return note


def click_text(message: str, lang: str) -> str:
    """One of click's usage messages (``Missing argument 'PATH'.``) in ``lang``, through the
    ``click`` rows; a message no row matches stays as click wrote it."""
    if lang != "zh":
        return message
    for pattern, zh in messages().click:
        message = pattern.sub(zh, message)
    return message


def provenance_text(text: str, lang: str) -> str:
    """Where a value came from (``amo:standard/4p``, ``input:efficiency_pct``, ``above grade_3
    limit (1.5)``) or an assumption's note, in ``lang``, through the ``provenance`` rows; the
    Chinese keeps the stable code a reviewer searches for in parentheses
    (``AMO 部分负载曲线：标准效率/4 极（amo:standard/4p）``) and may name a vocabulary value
    as ``{field:value}`` for the caller to put in words. A part no row covers stays in English.

    >>> provenance_text("input:efficiency_pct", "zh")
    '填写值（input:efficiency_pct）'
    """
    if lang != "zh":
        return text
    for pattern, zh in messages().provenance:
        text = pattern.sub(zh, text)
    return text


def text(key: str, lang: str, **fields: object) -> str:
    """The ``text`` row ``key`` of ``messages.csv`` in ``lang``, its fields filled in."""
    return messages().texts[key][lang].format(**fields)


_text = text


def issue_text(
    issue: InventoryIssue, lang: str = "en", labels: Mapping[str, str] | None = None
) -> str:
    """One issue as a line of text in ``lang``. ``labels`` gives the Chinese name of a column
    an issue names by its canonical name (a column the file lacks), e.g.
    ``{"specific_power_kw_per_m3min": "比功率"}``: in Chinese it reads 比功率（specific_power_kw_per_m3min）."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language '{lang}'; expected one of {', '.join(LANGUAGES)}")
    column = issue.column
    label = (labels or {}).get(column or "", column)
    if lang == "zh" and column is not None and label != column:
        column = f"{label}（{column}）"
    if issue.row is not None and column is not None:
        where = _text("where_row", lang, file=issue.file, row=issue.row, column=column)
    elif issue.row is not None:
        where = _text("where_row_only", lang, file=issue.file, row=issue.row)
    elif column is not None:
        where = _text("where_column", lang, file=issue.file, column=column)
    else:
        where = issue.file
    expected = translate(issue.expected, lang)
    if issue.value is None:
        return _text("no_value", lang, where=where, expected=expected)
    return _text("value_expected", lang, where=where, value=issue.value, expected=expected)


def issues_text(
    issues: Iterable[InventoryIssue],
    total: int,
    lang: str = "en",
    labels: Mapping[str, str] | None = None,
) -> str:
    """Every issue on its own line, then how many were not shown (``total`` counts all)."""
    lines = [issue_text(issue, lang, labels) for issue in issues]
    if total > len(lines):
        lines.append(_text("more", lang, n=total - len(lines)))
    return "\n".join(lines)


def language_of_headers(headers: Iterable[str]) -> str:
    """``"zh"`` when most headers hold Chinese characters, else ``"en"``."""
    headers = [h for h in headers if h and h.strip()]
    chinese = sum(1 for h in headers if re.search(r"[\u4e00-\u9fff]", h))
    return "zh" if headers and chinese * 2 > len(headers) else "en"


def with_flag_hints(
    issues: Iterable[InventoryIssue], header_map: Mapping[str, str] | None = None
) -> list[InventoryIssue]:
    """Issues of a missing value (a blank required cell, a default ``--strict`` refuses, a
    missing column) with the option that supplies it for every row, where one exists
    (``tariff_class`` → ``--tariff CLASS``). ``header_map`` (column → header as typed) finds
    the column of a header."""
    column_of = {header: column for column, header in (header_map or {}).items()}
    flags = messages().flags
    out = []
    for issue in issues:
        column = column_of.get(issue.column or "", issue.column or "")
        if issue.type in _MISSING_VALUE and column in flags:
            flag = flags[column]["en"]
            hint = _text("flag_hint", "en", flag=flag)
            # a stage that already names the option (cost.py: "or give the run's --tariff")
            if flag.split()[0] not in issue.expected:
                issue = replace(issue, expected=issue.expected + hint)
        out.append(issue)
    return out
