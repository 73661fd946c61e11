"""Which headers the reader knows besides the inventory schema's: the columns of a plants file
(:data:`PLANT_COLUMNS`), energy-by-year headers (``2023年综合能耗``), a unit in brackets
after a header (``年耗电量(万kWh)``), the headers of real audit sheets (reference table
``header_aliases``: safe aliases, suggestions and known pass-through headers), a unit written
without brackets (``功率kW``, ``额定功率/kW``) and the known column an unknown header resembles
(:func:`similar_headers`), so that no typed number is dropped without a word."""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from . import schema
from .schema import Column

__all__ = [
    "PLANT_COLUMNS",
    "UNIT_SUFFIX",
    "HeaderVocabulary",
    "SimilarHeader",
    "check_named_headers",
    "column_display_name",
    "energy_year",
    "header_vocabulary",
    "is_known_header",
    "match_inventory_header",
    "match_plant_header",
    "renamed_matcher",
    "resembled_column",
    "resembled_plant_column",
    "similar_headers",
    "split_renames",
    "typed_headers",
    "unit_factor",
]

#: Columns of a plants file (``--plants``): one row per plant.
PLANT_COLUMNS: tuple[Column, ...] = (
    replace(schema.COLUMN_BY_NAME["plant_id"], required=True),
    replace(schema.COLUMN_BY_NAME["plant_energy_tce"], required=True),
    Column(
        "name",
        "text",
        "",
        "plant or enterprise name",
        "企业全称",
        ("name", "plant name", "plant_name", "enterprise name", "名称", "企业全称", "企业名称"),
    ),
    Column(
        "region",
        "text",
        "",
        "city or province",
        "所在地区",
        ("region", "area", "city", "province", "地区", "所在地区", "区域", "城市", "省份"),
    ),
    Column(
        "district",
        "text",
        "",
        "district or county, for the district totals of ``retrofit portfolio``",
        "所在区县",
        ("district", "county", "区", "区县", "所在区", "所在区县", "行政区"),
    ),
    Column(
        "industry",
        "text",
        "",
        "industry, for the industry totals of ``retrofit portfolio``",
        "所属行业",
        ("industry", "sector", "行业", "所属行业", "行业类别", "行业分类"),
    ),
    # a plant's metered energy before and after its retrofits, compared with the estimate
    schema.COLUMN_BY_NAME["metered_baseline_kwh"],
    schema.COLUMN_BY_NAME["metered_retrofit_kwh"],
    # the basis of the plant's energy figures (当量值 or 等价值), for the 百一 share
    schema.COLUMN_BY_NAME["plant_energy_basis"],
)

#: Header of a plant's energy use in one year: ``energy_tce_2023``, ``2023年综合能耗``,
#: ``综合能耗2023`` …, optionally with a unit in brackets (normalised text, see schema.normalise)
_ENERGY_YEAR_HEADER = re.compile(
    r"^(?:(?:energy(?:_tce)?|综合能耗|能耗)[_-]?(?P<a>(?:19|20)\d\d)年?"
    r"|(?P<b>(?:19|20)\d\d)年?[_-]?(?:energy(?:_tce)?|年?综合能耗|能耗|综合能源消费量))$"
)


def energy_year(header: str) -> int | None:
    """The year of a plants-file header that gives energy use by year, else None.

    >>> energy_year("2023年综合能耗(万吨标准煤)"), energy_year("energy_tce_2024")
    (2023, 2024)
    """
    key = schema.normalise(header)
    m = UNIT_SUFFIX.match(key)
    m = _ENERGY_YEAR_HEADER.match(m.group("base") if m else key)
    if m is None:
        return None
    return int(m.group("a") or m.group("b"))


_PLANT_INDEX = {schema.normalise(a): c.name for c in PLANT_COLUMNS for a in (c.name, *c.aliases)}
_PLANT_BY_NAME = {c.name: c for c in PLANT_COLUMNS}
UNIT_SUFFIX = re.compile(r"^(?P<base>.+?)[(\[](?P<unit>[^()\[\]]*)[)\]]$")


def match_plant_header(header: str) -> tuple[str | None, float]:
    """:func:`retrofit.inventory.schema.match_header` over :data:`PLANT_COLUMNS`."""
    key = schema.normalise(header)
    if key in _PLANT_INDEX:
        return _PLANT_INDEX[key], 1.0
    m = UNIT_SUFFIX.match(key)
    if m is None or m.group("base") not in _PLANT_INDEX:
        return None, 1.0
    column = _PLANT_BY_NAME[_PLANT_INDEX[m.group("base")]]
    return column.name, unit_factor(column, m.group("unit"), header)


def is_known_header(text: str) -> bool:
    """Whether ``text`` names an inventory or plants-file column (an alias, with or without a
    unit; a unit the column does not accept still marks a header row)."""
    if not text.strip():
        return False
    try:
        canonical, _ = match_inventory_header(text)
    except ValueError:
        return True
    return canonical is not None or schema.normalise(text) in _PLANT_INDEX


def unit_factor(column: Column, unit: str, header: str) -> float:
    """The factor that brings a value given in ``unit`` (from ``header``) to ``column``'s unit.

    Raises
    ------
    ValueError
        The column does not accept that unit (the message names the accepted ones).
    """
    if unit in column.units:
        return column.units[unit]
    accepted = ", ".join(sorted(column.units)) or "none"
    raise ValueError(
        f"unit '{unit}' in header '{header}' is not accepted for "
        f"{column.name}; accepted units: {accepted}"
    )


# --- issue collection ------------------------------------------------------------------


# --- headers of real audit sheets ------------------------------------------------------


@dataclass(frozen=True)
class HeaderVocabulary:
    """The rows of reference table ``header_aliases``, by normalised header."""

    #: Safe aliases: read silently as the column (and listed as mapped).
    aliases: Mapping[str, str]
    #: Ambiguous headers: an error naming the column until the user maps or keeps them.
    suggestions: Mapping[str, str]
    #: Headers known to be no column of the schema: carried through without a suggestion.
    keep: frozenset[str]


@functools.cache
def header_vocabulary() -> HeaderVocabulary:
    """The bundled table ``header_aliases`` (read once)."""
    from ..core.reference import load_table  # reference_data is read only when a file is

    table = load_table("header_aliases")
    aliases: dict[str, str] = {}
    suggestions: dict[str, str] = {}
    keep: set[str] = set()
    for header, column, match in table[["header", "column", "match"]].itertuples(index=False):
        key = schema.normalise(header)
        if match == "keep":
            keep.add(key)
            continue
        if column not in schema.COLUMN_BY_NAME:
            raise ValueError(f"header_aliases: '{header}' names no inventory column '{column}'")
        (aliases if match == "alias" else suggestions)[key] = column
    return HeaderVocabulary(aliases, suggestions, frozenset(keep))


#: A unit in brackets; the unit may itself hold one pair of brackets: 比功率(kW/(m³/min))
_BRACKETED_UNIT = re.compile(r"^(?P<base>.+?)[(\[](?P<unit>(?:[^()\[\]]|\([^()\[\]]*\))*)[)\]]$")
#: Every unit some column accepts, longest first (normalised: ``kw``, ``万元``, ``h/a``)
_UNITS = sorted({u for c in schema.COLUMNS for u in c.units}, key=len, reverse=True)
_SEPARATORS = ("/", "_", "-", ":")


def _unit_splits(key: str) -> list[tuple[str, str | None]]:
    """Ways to read a normalised header as ``base`` + ``unit``: the whole header, a unit in
    brackets, a unit after a separator (``额定功率/kw``) or, after a Chinese base, a unit
    written straight after it (``功率kw``). An ASCII base needs the separator, so that
    ``depth`` is never ``dept`` in hours."""
    splits: list[tuple[str, str | None]] = [(key, None)]
    m = _BRACKETED_UNIT.match(key)
    if m is not None:
        splits.append((m.group("base"), m.group("unit")))
        return splits
    for unit in _UNITS:
        if not key.endswith(unit) or len(key) == len(unit):
            continue
        base = key[: -len(unit)]
        if base[-1] in _SEPARATORS:
            base = base[:-1].rstrip("".join(_SEPARATORS))
            if base:
                splits.append((base, unit))
        elif not base[-1].isascii():
            splits.append((base, unit))
    return splits


def match_inventory_header(header: str) -> tuple[str | None, float]:
    """:func:`retrofit.inventory.schema.match_header`, then the safe aliases of table
    ``header_aliases`` and units written without brackets (``功率kW``, ``额定功率/kW``).

    >>> match_inventory_header("投资金额(万元)")
    ('investment_cny', 10000.0)
    >>> match_inventory_header("额定功率/kW")
    ('rated_power_kw', 1.0)

    Raises
    ------
    ValueError
        A known base with a unit its column does not accept (``投资金额(美元)``).
    """
    canonical, factor = schema.match_header(header)
    if canonical is not None:
        return canonical, factor
    vocabulary = header_vocabulary()
    for base, unit in _unit_splits(schema.normalise(header)):
        column = schema.COLUMN_ALIASES.get(base) or vocabulary.aliases.get(base)
        if column is None:
            continue
        if unit is None:
            return column, 1.0
        return column, unit_factor(schema.COLUMN_BY_NAME[column], unit, header)
    return None, 1.0


def renamed_matcher(
    rename: Mapping[str, str] | None,
    match: Callable[[str], tuple[str | None, float]] = match_inventory_header,
    plants: bool = False,
) -> Callable[[str], tuple[str | None, float]]:
    """``match`` with the user's own mapping first: header as typed → column (a canonical
    name or any alias of one). A unit in the renamed header still scales its cells
    (``投资金额(万元)`` → investment_cny reads 万元).

    Raises
    ------
    OptionError
        A target that is no inventory column.
    """
    from ..core.exceptions import OptionError

    if not rename:
        return match
    index = _PLANT_INDEX if plants else schema.COLUMN_ALIASES
    by_name = _PLANT_BY_NAME if plants else schema.COLUMN_BY_NAME
    targets: dict[str, str] = {}
    for header, target in rename.items():
        column = index.get(schema.normalise(target))
        if column is None:
            kind, example = (
                ("plants-file", "plant_energy_tce")
                if plants
                else ("inventory", "operating_hours_h")
            )
            raise OptionError(
                f"rename {header}={target}: '{target}' is no {kind} column; expected a "
                f"column name such as {example} (see docs/inventory-columns.md)"
            )
        targets[schema.normalise(header)] = column

    def renamed(header: str) -> tuple[str | None, float]:
        key = schema.normalise(header)
        if key not in targets:
            return match(header)
        column = by_name[targets[key]]
        m = _BRACKETED_UNIT.match(key)
        if m is None or not column.units:
            return column.name, 1.0
        return column.name, unit_factor(column, m.group("unit"), header)

    return renamed


def column_display_name(name: str) -> str:
    """A column's Chinese name as a sheet would head it (its first Chinese alias, e.g.
    ``年运行小时`` for operating_hours_h), else its canonical name."""
    column = schema.COLUMN_BY_NAME.get(name)
    if column is None:
        return name
    for alias in column.aliases:
        if not alias.isascii():
            return alias
    return name


@dataclass(frozen=True)
class SimilarHeader:
    """A header the reader did not map that resembles a known column."""

    position: int
    header: str
    column: str
    #: Why: ``vocabulary`` (table header_aliases), ``similar`` (spelling, shared characters)
    why: str

    def message(self) -> str:
        """The English text of the problem (the zh text is in ``retrofit/core/messages.csv``)."""
        return (
            f"looks like {column_display_name(self.column)} ({self.column}); its values are "
            f"not read — map it with --rename {self.header}={self.column} (API: rename=) or "
            f"keep it unread with --keep-column {self.header} (API: passthrough=)"
        )


#: Least resemblance (0–1) that makes an unknown header a suggestion
SIMILARITY_THRESHOLD = 0.8
#: Resemblance added when the header's unit is one the column accepts (``(万元)``, ``kW``)
UNIT_BONUS = 0.1
#: Shortest alias that counts when found inside a longer header (``平均负载率`` holds
#: ``负载率``): two Chinese characters make a word, an English word needs five letters
_SHORTEST_CONTAINED = {False: 2, True: 5}


def _resemblance(base: str, alias: str) -> float:
    """How much two normalised headers look alike, 0–1: one holds the other as a word
    (``额定效率`` holds ``效率``: 0.8 plus a little for a longer alias), else the spelling ratio
    (difflib: ``rated_powr`` and ``rated_power`` 0.95). Two four-character Chinese words that
    differ in one character score 0.75, under the threshold: ``额定电流`` is not ``额定流量``."""
    if base == alias:
        return 1.0
    shorter, longer = sorted((base, alias), key=len)
    if len(shorter) >= _SHORTEST_CONTAINED[shorter.isascii()] and shorter in longer:
        return 0.8 + 0.01 * min(len(shorter), 10)
    return difflib.SequenceMatcher(None, base, alias).ratio()


@functools.cache
def _alias_keys() -> tuple[tuple[str, str], ...]:
    """(normalised alias, column) of every inventory column, and every safe alias and
    suggestion of the table: a header that holds a suggested one (改造方案说明 holds 改造方案)
    resembles its column as much as one that holds a safe alias."""
    pairs = [(schema.normalise(a), c.name) for c in schema.COLUMNS for a in (c.name, *c.aliases)]
    pairs += list(header_vocabulary().aliases.items())
    pairs += list(header_vocabulary().suggestions.items())
    return tuple(pairs)


def resembled_column(header: str, exclude: Sequence[str] = ()) -> tuple[str, str] | None:
    """(column, why) for an unknown header that resembles a known column, else None.

    Table ``header_aliases`` decides first (a ``suggest`` row names the column, a ``keep`` row
    rules a suggestion out); otherwise the closest alias by spelling or shared Chinese
    characters (a unit the column accepts counts for it) at :data:`SIMILARITY_THRESHOLD`.
    Columns in ``exclude`` (already read from another header) are never suggested.

    >>> resembled_column("运行时数")
    ('operating_hours_h', 'vocabulary')
    """
    vocabulary = header_vocabulary()
    key = schema.normalise(header)
    splits = _unit_splits(key)
    if any(base in vocabulary.keep for base, _ in splits):
        return None
    for base, _ in splits:
        column = vocabulary.suggestions.get(base)
        if column is not None:
            return (column, "vocabulary") if column not in exclude else None
    best, best_score = None, 0.0
    for base, unit in splits:
        for alias, column in _alias_keys():
            if column in exclude:
                continue
            score = _resemblance(base, alias)
            if score and unit is not None and unit in schema.COLUMN_BY_NAME[column].units:
                score += UNIT_BONUS
            if score > best_score:
                best, best_score = column, score
    if best is None or best_score < SIMILARITY_THRESHOLD:
        return None
    return best, "similar"


def resembled_plant_column(header: str, exclude: Sequence[str] = ()) -> tuple[str, str] | None:
    """(column, ``"similar"``) for an unknown header of a plants file that resembles one of
    :data:`PLANT_COLUMNS` by spelling or shared characters, else None.

    >>> resembled_plant_column("上年综合能耗量")
    ('plant_energy_tce', 'similar')
    """
    best, best_score = None, 0.0
    for base, _ in _unit_splits(schema.normalise(header)):
        for alias, column in _PLANT_INDEX.items():
            if column in exclude:
                continue
            score = _resemblance(base, alias)
            if score > best_score:
                best, best_score = column, score
    if best is None or best_score < SIMILARITY_THRESHOLD:
        return None
    return best, "similar"


def similar_headers(
    headers: Sequence[str],
    unmapped: Mapping[int, str],
    mapped: Sequence[str],
    blank: Mapping[int, np.ndarray],
    keep: Sequence[str] = (),
    resemble: Callable[[str, Sequence[str]], tuple[str, str] | None] = resembled_column,
) -> list[SimilarHeader]:
    """The unmapped headers (position → header) that resemble a known column and hold at
    least one value: each is a typed number the reader would otherwise drop. Headers in
    ``keep`` (the user's pass-through list) and empty columns are never reported.
    ``resemble`` finds the column (:func:`resembled_plant_column` for a plants file)."""
    kept = {schema.normalise(k) for k in keep}
    found = []
    for position in unmapped:
        header = "" if headers[position] is None else str(headers[position])
        if not header.strip() or schema.normalise(header) in kept:
            continue
        if bool(np.all(blank[position])):
            continue
        resembled = resemble(header, mapped)
        if resembled is not None:
            found.append(SimilarHeader(position, header, *resembled))
    return found


def split_renames(rename: Mapping[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """``rename`` as (the inventories' renames, the plants file's): each by the kind of
    column it names (plant_id and the plant's energy are both).

    Raises
    ------
    OptionError
        A target that is neither an inventory nor a plants-file column.
    """
    from ..core.exceptions import OptionError

    plant_names = {schema.normalise(a): c.name for c in PLANT_COLUMNS for a in (c.name, *c.aliases)}
    inventory, plants = {}, {}
    for header, target in rename.items():
        key = schema.normalise(target)
        if key not in schema.COLUMN_ALIASES and key not in plant_names:
            raise OptionError(
                f"rename {header}={target}: '{target}' is no inventory or plants-file column; "
                "expected a column name such as operating_hours_h (see docs/inventory-columns.md)"
            )
        if key in schema.COLUMN_ALIASES:
            inventory[header] = target
        if key in plant_names:
            plants[header] = target
    return inventory, plants


def typed_headers(meta: Any) -> set[str]:
    """The headers of a read file (an ``InventoryMeta``) as typed, normalised: those read and
    those carried through."""
    return {schema.normalise(str(h)) for h in [*meta.header_map.values(), *meta.passthrough]}


def check_named_headers(
    named: Sequence[str], seen: set[str], nowhere: str, detail: str = ""
) -> None:
    """Every header named in --rename or --keep-column is among ``seen`` (the files'
    :func:`typed_headers`): a misspelt option would otherwise be silently without effect.
    ``nowhere`` says which files lacked it ("no file", "neither the inventory nor the plants
    file"); ``detail`` is added after the header ("(3 file(s) read)")."""
    from ..core.exceptions import OptionError

    for header in named:
        if schema.normalise(header) not in seen:
            raise OptionError(
                f"--rename/--keep-column {header}: {nowhere} has a header '{header}'{detail}"
            )
