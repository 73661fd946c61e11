"""The one loader of ``reference_data/``: every engineering number retrofit uses comes through here.

Each table is a tidy CSV with per-row ``source`` and ``confidence`` (H, M or L) columns, and a row in
``catalog.csv`` with its citation, edition, licence note and sha256. The loader checks the hash and
the schema on every load, so an edited table cannot pass silently as the published one.

A user may replace any table with a file of their own (same columns); results computed with it are
marked non-standard. This module is the only code that knows where the tables live: inside the
installed wheel (``retrofit/reference_data``) or, in a source checkout or editable install, the
top-level ``reference_data/`` folder.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from .exceptions import OptionError, ReferenceDataError

CONFIDENCE_LEVELS = ("H", "M", "L")
CATALOG = "catalog.csv"
_CATALOG_COLUMNS = (
    "table",
    "file",
    "title",
    "citation",
    "edition",
    "retrieved",
    "licence",
    "confidence",
    "key_columns",
    "sha256",
)


def reference_data_dir() -> Path:
    """Folder holding the bundled tables (wheel first, then the source checkout)."""
    packaged = resources.files("retrofit").joinpath("reference_data")
    if packaged.is_dir() and packaged.joinpath(CATALOG).is_file():
        return Path(str(packaged))
    checkout = Path(__file__).resolve().parents[2] / "reference_data"
    if checkout.joinpath(CATALOG).is_file():
        return checkout
    raise ReferenceDataError(
        "reference_data/ not found: neither inside the installed package nor beside it"
    )


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@cache
def load_catalog() -> pd.DataFrame:
    """The catalogue of bundled tables, one row per table."""
    path = reference_data_dir() / CATALOG
    catalog = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in _CATALOG_COLUMNS if c not in catalog.columns]
    if missing:
        raise ReferenceDataError(f"{path}: catalog lacks columns {missing}")
    return catalog.set_index("table", drop=False)


def list_tables() -> pd.DataFrame:
    """Table name, title, citation, edition and overall confidence of every bundled table."""
    return load_catalog()[
        ["table", "title", "citation", "edition", "confidence", "file"]
    ].reset_index(drop=True)


def _catalog_row(name: str) -> pd.Series:
    catalog = load_catalog()
    if name not in catalog.index:
        valid = ", ".join(sorted(catalog.index))
        raise OptionError(f"unknown reference table '{name}'; valid names: {valid}")
    return catalog.loc[name]


def _check_schema(frame: pd.DataFrame, name: str, where: str, key_columns: list[str]) -> None:
    missing = [c for c in [*key_columns, "source", "confidence"] if c not in frame.columns]
    if missing:
        raise ReferenceDataError(f"{where}: table '{name}' lacks columns {missing}")
    if frame.empty:
        raise ReferenceDataError(f"{where}: table '{name}' has no rows")
    source = frame["source"]
    blank_source = source.isna() | source.astype(str).str.strip().eq("")
    if blank_source.any():
        row = int(blank_source.to_numpy().argmax()) + 2
        raise ReferenceDataError(f"{where} row {row}: empty source in table '{name}'")
    bad_conf = ~frame["confidence"].isin(CONFIDENCE_LEVELS)
    if bad_conf.any():
        row = int(bad_conf.to_numpy().argmax()) + 2
        value = frame["confidence"].iloc[row - 2]
        raise ReferenceDataError(
            f"{where} row {row}: confidence \"{value}\" in table '{name}' — expected H, M or L"
        )


@cache
def _load_bundled(name: str) -> pd.DataFrame:
    row = _catalog_row(name)
    path = reference_data_dir() / row["file"]
    if not path.is_file():
        raise ReferenceDataError(f"reference table '{name}' missing: {path}")
    digest = _sha256(path)
    if digest != row["sha256"]:
        raise ReferenceDataError(
            f"reference table '{name}' ({path.name}) does not match its catalog sha256 "
            f"(catalog {row['sha256'][:12]}…, file {digest[:12]}…): the file was changed "
            "without updating catalog.csv"
        )
    frame = pd.read_csv(path, keep_default_na=False, na_values=[""])
    _check_schema(frame, name, path.name, row["key_columns"].split())
    return frame


def load_table(name: str, path: str | Path | None = None) -> pd.DataFrame:
    """Load a reference table by name; a ``path`` replaces the bundled file with the user's own.

    Parameters
    ----------
    name : str
        Table name as listed by :func:`list_tables`.
    path : str or Path, optional
        A CSV with the same key columns (and ``source``, ``confidence``) to use instead.

    Returns
    -------
    pandas.DataFrame
        A fresh copy: callers may modify it.

    Raises
    ------
    KeyError
        Unknown ``name``; the message lists the valid names.
    ReferenceDataError
        Missing file, hash mismatch, missing columns, empty ``source`` or bad ``confidence``.
    """
    if path is None:
        return _load_bundled(name).copy()
    row = _catalog_row(name)
    user = Path(path)
    if not user.is_file():
        raise ReferenceDataError(f"table file for '{name}' not found: {user}")
    frame = _read_user_csv(user, name)
    key_columns = row["key_columns"].split()
    _check_schema(frame, name, str(user), key_columns)
    problems = check_user_table(frame, _load_bundled(name), key_columns)
    if problems:
        shown = problems[:MAX_TABLE_PROBLEMS]
        more = len(problems) - len(shown)
        lines = [f"{user} {problem}" for problem in shown]
        if more:
            lines.append(f"… and {more} more")
        noun = "problem" if len(problems) == 1 else "problems"
        raise ReferenceDataError(
            f"{user}: {len(problems)} {noun} in your table for '{name}':\n" + "\n".join(lines)
        )
    return frame


#: Most problems of a user's table listed in one error
MAX_TABLE_PROBLEMS = 20
#: Columns whose values must be > 0, whatever the bundled table holds: factors, coefficients,
#: efficiencies, ratings, lifetimes (a zero or negative one gives a wrong sign or a division by 0)
POSITIVE_COLUMNS = frozenset(
    {
        "factor_tco2_per_mwh",
        "kgce_per_kwh",
        "coefficient",
        "efficiency_pct",
        "efficiency",
        "relative_efficiency",
        "rated_power_kw",
        "rated_hp",
        "vfd_rated_kw",
        "vfd_rated_hp",
        "rated_kva",
        "lifetime_years",
        "specific_power_kw_per_m3min",
        "multiplier",
    }
)
#: Upper bounds by column: an efficiency is at most 100 % (or 1 as a fraction), any other
#: percentage at most 100
UPPER_BOUNDS = {"efficiency": 1.0}


def _read_user_csv(user: Path, name: str) -> pd.DataFrame:
    """A user's table file as a frame; a file that is not a UTF-8 CSV table is a
    :class:`ReferenceDataError` naming the file (and the row, where the parser knows it)."""
    raw = user.read_bytes()
    if b"\x00" in raw:
        raise ReferenceDataError(
            f"{user}: your table for '{name}' contains NUL bytes: not a CSV text file"
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ReferenceDataError(
            f"{user}: your table for '{name}' is not UTF-8 text (byte 0x{raw[error.start]:02x} "
            f"at offset {error.start}); save it as CSV UTF-8"
        ) from None
    _check_csv_shape(text, user, name)
    return pd.read_csv(io.StringIO(text), keep_default_na=False, na_values=[""])


def _check_csv_shape(text: str, user: Path, name: str) -> None:
    """Every record of a user's table has the header's number of fields and every quote
    closes, or a :class:`ReferenceDataError` names the row (as a spreadsheet numbers it).

    Checked with the csv module before pandas reads the file: pandas would take a row with
    one field too many as an index column, silently, and report a bad quote by parser line."""
    reader = csv.reader(io.StringIO(text), strict=True)
    header: list[str] | None = None
    row = 0
    try:
        for row, fields in enumerate(reader, start=1):
            if header is None:
                header = fields
            elif fields and len(fields) != len(header):
                raise ReferenceDataError(
                    f"{user} row {row}: {len(fields)} fields where the header has "
                    f"{len(header)} (table '{name}'); quote a value that holds a comma"
                )
    except csv.Error:
        raise ReferenceDataError(
            f"{user} row {row + 1}: a quote that opens a value never closes (table '{name}')"
        ) from None
    if header is None:
        raise ReferenceDataError(f"{user}: your table for '{name}' is empty")


def _bounds(column: str, bundled: pd.Series) -> tuple[float | None, bool, float | None]:
    """(lower, lower is strict, upper) of a numeric column of a user's table: explicit for
    factors, efficiencies and percentages (:data:`POSITIVE_COLUMNS`, :data:`UPPER_BOUNDS`),
    otherwise "not negative" when no bundled value is negative."""
    upper = UPPER_BOUNDS.get(column, 100.0 if column.endswith("_pct") else None)
    if column in POSITIVE_COLUMNS:
        return 0.0, True, upper
    values = bundled.dropna()
    if len(values) and (values >= 0).all():
        return 0.0, False, upper
    return None, False, upper


def _expected_range(lower: float | None, strict: bool, upper: float | None) -> str:
    parts = []
    if lower is not None:
        parts.append(f"{'>' if strict else '≥'} {lower:g}")
    if upper is not None:
        parts.append(f"≤ {upper:g}")
    return "a number " + " and ".join(parts) if parts else "a number"


def check_user_table(
    frame: pd.DataFrame, bundled: pd.DataFrame, key_columns: list[str]
) -> list[str]:
    """What is wrong with a user's replacement of a bundled table, checked against the
    bundled table's own columns (its schema): each ``"row R, column C: "value" — expected …"``.

    - a column that is numeric in the bundled table holds finite numbers (whole numbers where
      the bundled ones are); a key column, a factor or an efficiency is blank only where the
      bundled column has blanks;
    - in range: factors, efficiencies and ratings > 0 (:data:`POSITIVE_COLUMNS`), percentages
      ≤ 100 and efficiencies as fractions ≤ 1, and no negative number where the bundled table
      has none;
    - units: a row whose key (the catalog's key columns that are text) matches a bundled row
      gives that row's unit (``unit``, ``rate_unit``, ``coefficient_unit``), and a table whose
      rows all share one unit keeps it.

    Rows are numbered as a spreadsheet shows them (the header is row 1).
    """
    problems: list[str] = []
    for column in frame.columns:
        if column not in bundled.columns or bundled[column].dtype.kind not in "iuf":
            continue
        reference = bundled[column]
        if reference.isna().all():  # a column the bundled table leaves blank: no type to keep
            continue
        given = frame[column]
        numbers = pd.to_numeric(given, errors="coerce")
        blank = given.isna() | given.astype(str).str.strip().eq("")
        lower, strict, upper = _bounds(column, reference)
        whole = reference.dtype.kind in "iu"
        # a key, a factor or an efficiency cannot be blank; another column may be where the row
        # does not use it (a normal distribution's low and high, beside its sd)
        required = column in key_columns or column in POSITIVE_COLUMNS
        for i, (value, number, is_blank) in enumerate(
            zip(given.tolist(), numbers.tolist(), blank.tolist(), strict=True)
        ):
            where = f'row {i + 2}, column {column}: "{"" if is_blank else value}"'
            if is_blank:
                if required and not reference.isna().any():
                    problems.append(f"{where} — expected a number (required: no blank)")
                continue
            if number is None or math.isnan(number):
                problems.append(f"{where} — expected a number")
            elif not math.isfinite(number):
                problems.append(f"{where} — expected a finite number")
            elif whole and not float(number).is_integer():
                problems.append(f"{where} — expected a whole number")
            elif (lower is not None and (number <= lower if strict else number < lower)) or (
                upper is not None and number > upper
            ):
                problems.append(f"{where} — expected {_expected_range(lower, strict, upper)}")
    problems.extend(_duplicate_keys(frame, bundled, key_columns))
    problems.extend(_unit_problems(frame, bundled, key_columns))
    return problems


def lookup_key(bundled: pd.DataFrame, key_columns: list[str]) -> list[str] | None:
    """The columns that identify a row of a table: the shortest leading part of the catalog's
    key columns on which the bundled rows are unique (``efficiency_class, poles,
    rated_power_kw`` of a motor class table; ``region_key, data_year`` of the grid factors).
    None where the bundled rows repeat even the whole key (the fan grades list one fan type
    under several grades by design)."""
    for size in range(1, len(key_columns) + 1):
        key = key_columns[:size]
        if all(c in bundled.columns for c in key) and not bundled.duplicated(subset=key).any():
            return key
    return None


def _duplicate_keys(
    frame: pd.DataFrame, bundled: pd.DataFrame, key_columns: list[str]
) -> list[str]:
    """Rows of a user's table that repeat an earlier row's key (:func:`lookup_key`), where the
    bundled table has one row per key: a lookup would take one of the two silently."""
    keys = lookup_key(bundled, key_columns)
    if keys is None or not all(c in frame.columns for c in keys):
        return []
    repeated = frame.duplicated(subset=keys, keep=False)
    if not repeated.any():
        return []
    problems = []
    first_row: dict[str, int] = {}
    for i, key in zip(
        repeated.to_numpy().nonzero()[0],
        frame.loc[repeated, keys].itertuples(index=False, name=None),
        strict=True,
    ):
        row = int(i) + 2  # the header is row 1
        shown = ", ".join("" if pd.isna(v) else str(v) for v in key)  # a blank key: one key
        if shown not in first_row:
            first_row[shown] = row
            continue
        problems.append(
            f'row {row}, column{"s" if len(keys) > 1 else ""} {", ".join(keys)}: "{shown}" — '
            f"the key repeats row {first_row[shown]}; expected one row per key (as in the "
            "bundled table)"
        )
    return problems


def _unit_problems(frame: pd.DataFrame, bundled: pd.DataFrame, key_columns: list[str]) -> list[str]:
    """Units of a user's table that differ from the bundled table's (see
    :func:`check_user_table`)."""
    problems = []
    for unit in [c for c in bundled.columns if c == "unit" or c.endswith("_unit")]:
        if unit not in frame.columns:
            continue
        given = frame[unit].astype(str).str.strip()
        known = bundled[unit].dropna().astype(str).str.strip()
        if known.nunique() == 1:
            only = known.iloc[0]
            for i, value in enumerate(given.tolist()):
                if value != only:
                    problems.append(
                        f'row {i + 2}, column {unit}: "{value}" — expected "{only}" (the unit '
                        "of every row of the bundled table)"
                    )
            continue
        keys = [
            c
            for c in key_columns
            if c in frame.columns
            and c in bundled.columns
            and bundled[c].dtype.kind not in "iufc"
            and not (c == "unit" or c.endswith("_unit"))
        ]
        if not keys:
            continue
        units = bundled.groupby(keys, dropna=False)[unit].agg(lambda v: set(v.astype(str)))
        for i, (key, value) in enumerate(
            zip(frame[keys].itertuples(index=False, name=None), given.tolist(), strict=True)
        ):
            lookup = key[0] if len(keys) == 1 else key
            if lookup not in units.index:
                continue
            wanted = units.loc[lookup]
            if len(wanted) == 1 and value not in wanted:
                problems.append(
                    f'row {i + 2}, column {unit}: "{value}" — expected "{next(iter(wanted))}" '
                    f"(the bundled table's unit for {lookup!r})"
                )
    return problems


@dataclass
class TableUse:
    """How one table was used in a run: which file, its hash, and whether it is the bundled one."""

    table: str
    file: str
    sha256: str
    standard: bool
    citation: str
    edition: str
    confidence: str

    def to_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


def missing_row(table: str, key: object, file: str | Path | None = None) -> ReferenceDataError:
    """The error for a table (bundled or a user's own, then named by its ``file``) that lacks
    the row a run needs."""
    where = "" if file is None else f" (your file {file})"
    return ReferenceDataError(f"reference table '{table}'{where} has no row for {key!r}")


@dataclass(frozen=True)
class KeyedValues:
    """One column of a reference table indexed by its key columns (see :meth:`Tables.keyed`)."""

    table: str
    values: pd.Series
    #: The user's file that replaced the bundled table, None for the bundled one
    file: str | Path | None = None

    def __getitem__(self, key: object) -> Any:
        try:
            return self.values.loc[key]
        except KeyError:
            raise missing_row(self.table, key, self.file) from None

    def __contains__(self, key: object) -> bool:
        return key in self.values.index


@dataclass
class Tables:
    """The reference tables of one run, with user overrides, recording every table used.

    ``overrides`` maps a table name to a user file. Asking for an unknown override name fails
    at construction, not silently later.
    """

    overrides: Mapping[str, str | Path] = field(default_factory=dict)
    used: dict[str, TableUse] = field(default_factory=dict)
    #: The run's goal pack and time-of-use tariff tables (see :func:`region_tables`); None
    #: takes the national default of table ``region_defaults``.
    goal_table: str | None = None
    tariff_table: str | None = None

    def __post_init__(self) -> None:
        for name in self.overrides:
            _catalog_row(name)
        self._cache: dict[str, pd.DataFrame] = {}

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in self._cache:
            user = self.overrides.get(name)
            self._cache[name] = load_table(name, user)
            row = _catalog_row(name)
            if user is None:
                self.used[name] = TableUse(
                    name,
                    row["file"],
                    row["sha256"],
                    True,
                    row["citation"],
                    row["edition"],
                    row["confidence"],
                )
            else:
                self.used[name] = TableUse(
                    name,
                    str(user),
                    _sha256(Path(user)),
                    False,
                    f"user-supplied table replacing {row['citation']}",
                    "user",
                    "user",
                )
        return self._cache[name]

    @property
    def goals(self) -> str:
        """Name of the run's goal-pack table (e.g. ``goals_shanghai_2024``)."""
        return self.goal_table or region_tables("national")[0]

    @property
    def tariff(self) -> str:
        """Name of the run's time-of-use tariff table."""
        return self.tariff_table or region_tables("national")[1]

    def missing_row(self, name: str, key: object) -> ReferenceDataError:
        """The error for table ``name`` lacking the row for ``key``, naming the user's file
        when the run replaced the bundled table (see :func:`missing_row`)."""
        return missing_row(name, key, self.overrides.get(name))

    def where(self, name: str) -> str:
        """`` (your file F)`` when the run replaced table ``name`` by a user's file, else
        ``""``: for messages about the table's content."""
        user = self.overrides.get(name)
        return "" if user is None else f" (your file {user})"

    def keyed(self, name: str, key_columns: str | list[str], column: str) -> KeyedValues:
        """``column`` of table ``name`` looked up by its key: a missing key raises
        :class:`ReferenceDataError` naming the table and the key (a user's table may lack a row
        the bundled one has)."""
        frame = self[name]
        missing = [
            c
            for c in [*([key_columns] if isinstance(key_columns, str) else key_columns), column]
            if c not in frame.columns
        ]
        if missing:
            raise ReferenceDataError(f"table '{name}'{self.where(name)} lacks columns {missing}")
        return KeyedValues(name, frame.set_index(key_columns)[column], self.overrides.get(name))

    @property
    def non_standard(self) -> list[str]:
        """Names of tables used from user files."""
        return [name for name, use in self.used.items() if not use.standard]


def goal_pack_table(pack: str) -> str:
    """The reference table of a bundled goal pack: ``shanghai-2024`` → ``goals_shanghai_2024``."""
    return "goals_" + pack.replace("-", "_")


def region_tables(region: str, tables: Tables | None = None) -> tuple[str, str]:
    """The goal-pack table and tariff table a run in ``region`` takes by default.

    Read from table ``region_defaults``, through ``tables`` when given so that the run records
    it among the tables it used (its source and confidence say why a region takes a pack).

    Raises
    ------
    OptionError
        ``region`` has no row.
    """
    frame = tables["region_defaults"] if tables is not None else load_table("region_defaults")
    frame = frame.set_index("region")
    if region not in frame.index:
        raise OptionError(f"unknown region '{region}'; expected one of {', '.join(frame.index)}")
    row = frame.loc[region]
    return goal_pack_table(str(row["goal_pack"])), str(row["tariff_table"])


def plant_energy_basis_default(region: str, tables: Tables | None = None) -> dict[str, str]:
    """The basis (``equivalent`` or ``equal_value``) a plant's previous-year energy is taken
    to be on in ``region`` when no input gives it, with the row's source, confidence and note
    (table ``plant_energy_basis_defaults``).

    Raises
    ------
    ReferenceDataError
        The table has no row for ``region``.
    """
    frame = (
        tables["plant_energy_basis_defaults"]
        if tables is not None
        else load_table("plant_energy_basis_defaults")
    ).set_index("region")
    if region not in frame.index:
        raise ReferenceDataError(
            f"table 'plant_energy_basis_defaults' has no row for region '{region}'"
        )
    row = frame.loc[region]
    return {
        "region": region,
        "basis": str(row["plant_energy_basis"]),
        "source": str(row["source"]),
        "confidence": str(row["confidence"]),
        "note": str(row["note"]),
    }


def update_catalog_hashes() -> list[str]:
    """Maintainers' helper: rewrite catalog sha256 values after editing a table.

    Returns the names whose hash changed. Run it only after reviewing the table change.
    """
    folder = reference_data_dir()
    path = folder / CATALOG
    catalog = pd.read_csv(path, dtype=str, keep_default_na=False)
    changed = []
    for i, file in enumerate(catalog["file"]):
        digest = _sha256(folder / file)
        if catalog.at[i, "sha256"] != digest:
            catalog.at[i, "sha256"] = digest
            changed.append(catalog.at[i, "table"])
    catalog.to_csv(path, index=False)
    load_catalog.cache_clear()
    _load_bundled.cache_clear()
    return changed
