"""The glossary: one row per input and output column, read from ``columns.csv`` beside this file.

Every face that shows a column (terminal tables, the HTML report, workbook headers, plot axes,
the template's guide sheet, the README column tables) takes its label, unit and description
from here, as pvlib keeps one variable glossary. The table is UTF-8 CSV so that a translator can
edit it in a spreadsheet; its fields are

``name``
    the column's name in the CSV and JSON outputs (or the inventory's canonical header). A name
    holding ``{year}`` stands for a family of columns, e.g. ``energy_tce_{year}``.
``unit``
    pint-style unit of the values (``kWh/yr``, ``tce/yr``, ``CNY``, ``%``); ``-`` for a
    dimensionless number or a count; ``row`` when each row names its own unit (in a ``unit``,
    ``metric`` or ``capacity_unit`` column); empty for text, flags and identifiers.
``kind``
    where the column first appears: ``input``, ``asset``, ``plant``, ``project``,
    ``incentive``, ``supply_curve``, ``uncertainty``, ``portfolio``, ``caveat`` or ``report`` (the
    report's own tables of factors, defaults and reference tables). Many output
    columns appear in several tables (``coal_saved_tce`` in assets, plants, projects, …).
``label_en``, ``label_zh``
    short labels for table headers and plot axes, without the unit.
``description_en``, ``description_zh``
    long descriptions for the documentation and the template's guide sheet, without the unit.

The values a person reads (百一 and finance statuses, measure and category names, goal names,
GB grades, unit words, the model texts of the report) have their Chinese text in the sibling
table ``vocabulary.csv`` (``field,value,label_zh``), read by :func:`value_label`; English is
the value itself.

A new input or output column needs one row here (tests/test_columns.py runs a full estimate and
a portfolio and fails on a column the glossary lacks); then regenerate the README tables with
``python -m retrofit._docs README.md``.
"""

from __future__ import annotations

import csv
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "LANGS",
    "WORDED_COLUMNS",
    "Entry",
    "check_columns",
    "describe",
    "description",
    "entry",
    "glossary",
    "header",
    "known",
    "label",
    "missing",
    "unit",
    "unit_text",
    "value_label",
    "value_name",
    "vocabulary",
    "vocabulary_en",
]

LANGS = ("en", "zh")
KINDS = (
    "input",
    "asset",
    "plant",
    "project",
    "incentive",
    "supply_curve",
    "uncertainty",
    "portfolio",
    "caveat",
    "report",
)
#: Units shown without brackets in headers: no unit, a pure number, or a unit each row names.
_UNSHOWN_UNITS = ("", "-", "row")
_TABLE = Path(__file__).with_name("columns.csv")
_FIELDS = ("name", "unit", "kind", "label_en", "label_zh", "description_en", "description_zh")
#: The glossary's sibling for the *values* a person reads in the outputs (statuses, measure and
#: category names, goal names, unit words): ``field,value,label_zh``. The English text is the
#: value itself, so ``--lang en`` output is the data as written.
_VOCABULARY = Path(__file__).with_name("vocabulary.csv")
_VOCABULARY_FIELDS = ("field", "value", "label_zh")
#: English names of the values that are codes (``upgrade_motor``, ``efficiency_losses_baseline``)
#: for the faces that name them in words, the figures: ``field,value,label_en``. A value missing
#: here is already English (``motor``, ``piles``).
_VOCABULARY_EN = Path(__file__).with_name("vocabulary_en.csv")
_VOCABULARY_EN_FIELDS = ("field", "value", "label_en")
#: Output columns whose values are words a person reads (statuses, names of measures and
#: categories, GB grades): every face shows them through :func:`value_label`.
WORDED_COLUMNS = (
    "bai_yi_status",
    "finance_status",
    "measure",
    "category",
    "metered_flag",
    "efficiency_class_baseline",
    "efficiency_class_retrofit",
    "target_class",
    "target_equipment_grade",
    "status",
    "plant_energy_basis",
    "plant_energy_basis_source",
    "district",
    "industry",
    # the inventory's choice columns, as the template's dropdowns offer them
    "control",
    "belt_type",
    "target_belt_type",
    "fan_type",
    "pump_type",
    "compressor_type",
    "compressor_control",
    "cooling",
    "transformer_type",
    "core_material",
    "charger_type",
    "tariff_class",
    "financing",
    "shenyang_tier",
    "subsidy_product",
)
#: Columns whose values share a vocabulary field of another name.
_VALUE_FIELD_OF = {
    "efficiency_class_baseline": "efficiency_class",
    "efficiency_class_retrofit": "efficiency_class",
    "target_class": "efficiency_class",
    "target_equipment_grade": "efficiency_class",
    "plant_energy_basis": "basis",
    "plant_energy_basis_source": "basis_source",
    "district": "grouping",
    "industry": "grouping",
    "target_belt_type": "belt_type",
}


@dataclass(frozen=True)
class Entry:
    """One glossary row (see the module docstring for the fields)."""

    name: str
    unit: str
    kind: str
    label_en: str
    label_zh: str
    description_en: str
    description_zh: str


@functools.cache
def glossary() -> dict[str, Entry]:
    """Every entry by name, in the table's order (inputs first, then outputs by table)."""
    with _TABLE.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if tuple(reader.fieldnames or ()) != _FIELDS:
            raise ValueError(f"{_TABLE.name}: header must be {','.join(_FIELDS)}")
        entries = [Entry(**row) for row in reader]
    table: dict[str, Entry] = {}
    for e in entries:
        if e.name in table:
            raise ValueError(f"{_TABLE.name}: {e.name} is listed twice")
        if e.kind not in KINDS:
            raise ValueError(f"{_TABLE.name}: {e.name} has kind {e.kind!r}, not one of {KINDS}")
        if not all((e.label_en, e.label_zh, e.description_en, e.description_zh)):
            raise ValueError(f"{_TABLE.name}: {e.name} needs both labels and both descriptions")
        table[e.name] = e
    return table


@functools.cache
def _families() -> list[tuple[re.Pattern[str], Entry]]:
    return [
        (re.compile("^" + re.escape(name).replace(r"\{year\}", r"(\d{4})") + "$"), e)
        for name, e in glossary().items()
        if "{year}" in name
    ]


def entry(name: str) -> Entry:
    """The glossary row of ``name``; a ``{year}`` family's row is filled in with the year.

    Raises
    ------
    KeyError
        ``name`` is not in the glossary.
    """
    table = glossary()
    if name in table:
        return table[name]
    for pattern, e in _families():
        match = pattern.match(name)
        if match:
            year = match.group(1)
            return Entry(
                name,
                e.unit,
                e.kind,
                *(
                    text.replace("{year}", year)
                    for text in (e.label_en, e.label_zh, e.description_en, e.description_zh)
                ),
            )
    raise KeyError(f"column {name!r} is not in the glossary (retrofit/columns.csv)")


def _check_lang(lang: str) -> None:
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(LANGS)}, not {lang!r}")


def label(name: str, lang: str = "en") -> str:
    """Short label of a column (no unit): ``label("coal_saved_tce", "zh")`` → ``年节能量``."""
    _check_lang(lang)
    e = entry(name)
    return e.label_zh if lang == "zh" else e.label_en


def unit(name: str) -> str:
    """Unit of a column's values, as in the glossary (``tce/yr``; ``-``, ``row`` or ``""``)."""
    return entry(name).unit


@functools.cache
def vocabulary() -> dict[tuple[str, str], str]:
    """``(field, value)`` → Chinese label, from ``vocabulary.csv`` (the values' glossary)."""
    with _VOCABULARY.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if tuple(reader.fieldnames or ()) != _VOCABULARY_FIELDS:
            raise ValueError(f"{_VOCABULARY.name}: header must be {','.join(_VOCABULARY_FIELDS)}")
        table: dict[tuple[str, str], str] = {}
        for row in reader:
            key = (row["field"], row["value"])
            if key in table:
                raise ValueError(f"{_VOCABULARY.name}: {key} is listed twice")
            if not row["label_zh"]:
                raise ValueError(f"{_VOCABULARY.name}: {key} has no label_zh")
            table[key] = row["label_zh"]
    return table


#: A portfolio's measure of charging piles with the pile type, ``replace_charger (ac)``
_PILE_TYPE = re.compile(r"(.+) \((\w+)\)")
#: A value naming a year (``unknown (no energy for 2025)``): its vocabulary row writes
#: ``{year}`` in its place
_YEAR = re.compile(r"(.*?)((?:19|20)\d\d)(.*)")


def value_label(field: str, value: object, lang: str = "en") -> str:
    """A value of ``field`` as a reader of ``lang`` reads it.

    English is the value itself. Chinese is the vocabulary's label, or the value itself when
    the vocabulary has none (identifiers and model names the user typed). A finance status
    that lists what a project lacks (``incomplete: no lifetime_years, no investment_cny``) is
    translated item by item, each naming the template header that supplies it:
    ``value_label("bai_yi_status", "meets (estimate)", "zh")`` → ``达到（估算）``.
    """
    _check_lang(lang)
    text = str(value)
    if lang == "en":
        return text
    words = vocabulary()
    field = _VALUE_FIELD_OF.get(field, field)  # GB grades read 1级/2级; IE classes as written
    if field == "finance_status" and text != "complete":
        head, _, lacks = text.partition(": ")
        items = [item.removeprefix("no ") for item in lacks.split(", ")] if lacks else []
        named = [words.get(("finance_lack", item), item) for item in items]
        return words.get((field, head), head) + ("：" + "；".join(named) if named else "")
    if (field, text) not in words and field == "measure":
        pile = _PILE_TYPE.fullmatch(text)
        if pile is not None:  # a portfolio's "replace_charger (ac)": the measure, the pile type
            kind = words.get(("charger_type", pile.group(2)), pile.group(2))
            return f"{value_label(field, pile.group(1), lang)}（{kind}）"
        for separator in ("+", ";", ","):  # a row's several measures
            if separator in text:
                parts = [
                    words.get((field, part.strip()), part.strip()) for part in text.split(separator)
                ]
                return "、".join(parts)
    dated = _YEAR.fullmatch(text)
    if (field, text) not in words and dated is not None:  # "unknown (no energy for 2025)"
        head, year, tail = dated.groups()
        pattern = words.get((field, head + "{year}" + tail))
        if pattern is not None:
            return pattern.replace("{year}", year)
    return words.get((field, text), text)


@functools.cache
def vocabulary_en() -> dict[tuple[str, str], str]:
    """``(field, value)`` → English name, from ``vocabulary_en.csv`` (codes only)."""
    with _VOCABULARY_EN.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if tuple(reader.fieldnames or ()) != _VOCABULARY_EN_FIELDS:
            raise ValueError(
                f"{_VOCABULARY_EN.name}: header must be {','.join(_VOCABULARY_EN_FIELDS)}"
            )
        table: dict[tuple[str, str], str] = {}
        for row in reader:
            key = (row["field"], row["value"])
            if key in table:
                raise ValueError(f"{_VOCABULARY_EN.name}: {key} is listed twice")
            if not row["label_en"]:
                raise ValueError(f"{_VOCABULARY_EN.name}: {key} has no label_en")
            table[key] = row["label_en"]
    return table


def value_name(field: str, value: object, lang: str = "en") -> str:
    """A value as a figure names it in words: in Chinese :func:`value_label`; in English the
    English vocabulary's name of a code (``value_name("measure", "add_vfd")`` → ``variable-speed
    drive``), a row's several measures joined by `` + ``, and any other value as it is.

    The tables and the JSON keep the codes (a reviewer searches for them); a chart's legend and
    ticks have no room to explain ``upgrade_motor``.
    """
    _check_lang(lang)
    if lang == "zh":
        return value_label(field, value, lang)
    text = str(value)
    words = vocabulary_en()
    field = _VALUE_FIELD_OF.get(field, field)
    if (field, text) not in words and field == "measure":  # a row's several measures
        for separator in ("+", ";", ","):
            if separator in text:
                parts = [part.strip() for part in text.split(separator)]
                return " + ".join(words.get((field, part), part) for part in parts)
    return words.get((field, text), text)


def unit_text(unit_: str, lang: str = "en") -> str:
    """A unit as a reader of ``lang`` writes it: ``tce/yr`` → ``tce/年``, ``CNY`` → ``元``
    (the words from the vocabulary's ``unit`` rows; the data stay in these units)."""
    _check_lang(lang)
    if lang == "zh":
        words = [(english, zh) for (field, english), zh in vocabulary().items() if field == "unit"]
        for english, chinese in sorted(words, key=lambda pair: -len(pair[0])):  # longest first
            unit_ = re.sub(rf"(?<!\w){re.escape(english)}(?!\w)", chinese, unit_)
    return unit_


def header(name: str, lang: str = "en") -> str:
    """``label [unit]`` for table headers and plot axes; the label alone for a column without a
    shown unit. ``header("coal_saved_tce", "zh")`` → ``年节能量 [tce/年]``."""
    text = label(name, lang)
    u = unit(name)
    return text if u in _UNSHOWN_UNITS else f"{text} [{unit_text(u, lang)}]"


def description(name: str, lang: str = "en") -> str:
    """Long description of a column, without the unit."""
    _check_lang(lang)
    e = entry(name)
    return e.description_zh if lang == "zh" else e.description_en


def describe(names: Iterable[str]) -> dict[str, str]:
    """Name → English description with its unit in brackets, ``"CO2 avoided [t/yr]"``: the
    ``name → meaning [unit]`` dicts the code documents its output tables with."""
    out = {}
    for name in names:
        u = unit(name)
        text = description(name)
        out[name] = text if u in ("", "row") else f"{text} [{u}]"
    return out


def known(name: str) -> bool:
    """True when ``name`` is in the glossary (directly or as a ``{year}`` family member)."""
    try:
        entry(name)
    except KeyError:
        return False
    return True


#: 1 万元 in 元: a Chinese reader sees whole amounts of money in 万元 (JSON, CSV and the
#: workbook's cells keep 元)
WAN_YUAN = 10_000


def is_money(name: str) -> bool:
    """True for a glossary column of whole amounts in 元 or 元 a year (not a unit cost such as
    元/tce)."""
    return known(name) and unit(name) in ("CNY", "CNY/yr")


def shown_in_wan(name: str, lang: str) -> bool:
    """True when a reader of ``lang`` sees column ``name`` in 万元 (Chinese, money)."""
    return lang == "zh" and is_money(name)


def wan_heading(name: str, lang: str) -> str:
    """The heading of a money column shown in 万元: ``label [万元]`` or ``label [万元/年]``."""
    return f"{label(name, lang)} [{unit_text(unit(name).replace('CNY', '万元'), lang)}]"


def missing(names: Iterable[str]) -> list[str]:
    """The names the glossary does not know, in the order given."""
    return [name for name in names if not known(name)]


def check_columns(tables: dict[str, Iterable[str]]) -> None:
    """Raise ``KeyError`` naming every column of ``tables`` (table name → its columns) that is
    not in the glossary, e.g. ``check_columns({n: f.columns for n, f in result.tables().items()})``.
    Pass-through columns of an inventory that the schema does not know are the caller's to
    leave out."""
    unknown = {table: missing(columns) for table, columns in tables.items()}
    unknown = {table: names for table, names in unknown.items() if names}
    if unknown:
        listing = "; ".join(f"{table}: {', '.join(names)}" for table, names in unknown.items())
        raise KeyError(f"columns not in the glossary (retrofit/columns.csv): {listing}")
