"""The page's own words in English and Chinese, kept as data (``words.csv`` beside this file)
as the problems' texts are in ``core/messages.csv``; column and value names come from the
glossary (:mod:`retrofit.columns`), never from here."""

from __future__ import annotations

import csv
import functools
from importlib import resources

LANGS = ("zh", "en")


@functools.cache
def words(lang: str) -> dict[str, str]:
    """Key → text in ``lang`` (``"zh"`` or ``"en"``), from ``words.csv``."""
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(LANGS)}, not {lang!r}")
    text = resources.files(__package__).joinpath("words.csv").read_text(encoding="utf-8")
    table: dict[str, str] = {}
    for row in csv.DictReader(text.splitlines()):
        if row["key"] in table:
            raise ValueError(f"words.csv: {row['key']} is listed twice")
        table[row["key"]] = row[lang]
    return table


def say(key: str, lang: str, **fields: object) -> str:
    """The text ``key`` in ``lang`` with its fields filled in."""
    return words(lang)[key].format(**fields)
