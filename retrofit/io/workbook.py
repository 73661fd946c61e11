"""One workbook writer in two styles: the auditor's workbook and the plain data dump.

Both styles write one sheet per table, then the assumptions (flattened to key, value) and the
caveats, through the same sheet writer and the same cell conversion, atomically.

- **audit** (``retrofit estimate -o x.xlsx``, ``retrofit report -o x.xlsx``, the default of
  :meth:`~retrofit.results.EstimateResult.to_excel`): each data sheet has two header rows,
  frozen: the stable English column name (what the CSV and JSON outputs call it) and a label
  with its unit from the glossary (:mod:`retrofit.columns`: 年节电量 [kWh/年] energy saved
  [kWh/yr]). Number formats follow the unit (in Chinese: tce to 2 decimals, money in 万).
  For an estimate, each asset row's savings are live formulas over the row's inputs and the
  factor cells that open the assumptions sheet (:mod:`retrofit.io.audit_formulas` states the
  rule), and a summary sheet comes first: its headline totals are formulas over the assets
  sheet (``=SUM(assets!AB3:AB20)``, ``=SUMIF(…)`` per plant), each beside the value retrofit
  computed, so a reviewer can follow, change and re-check them in Excel. In Chinese every cell
  a person reads is Chinese: statuses and measures from the vocabulary, where a value came from
  and the assumptions' notes through :func:`provenance_in_chinese` (the code in parentheses).
- **plain** (``retrofit estimate --workbook plain -o x.xlsx``, ``retrofit portfolio -o
  x.xlsx``): one header row of column names, frozen; the values as they are, so that
  ``pandas.read_excel`` reads back the tables of the CSV and JSON outputs.

No text cell is ever a formula the tool did not write: every text a spreadsheet would evaluate
(ids, names, pass-through headers and values, caveats, the input file's name) is written as a
string cell with a leading apostrophe and without NUL bytes (:mod:`retrofit.io.cells`), and
sheet names lose the characters Excel refuses. The audit style's own formulas are the only
formulas in a workbook; :data:`TOOL_FORMULAS` matches every one of them.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

import numpy as np
import pandas as pd

from .. import columns
from ..core.caveats import Caveat
from ..core.exceptions import OptionError
from .atomic import atomic_write
from .audit_formulas import (
    FACTOR_COLUMNS,
    FORMULA_COLUMNS,
    INPUT_POWER_COLUMNS,
    ROW_FORMULAS,
    factor_rows,
    row_formulas,
    with_input_power,
)
from .cells import NUL, is_live, neutralise_text
from .json import json_value

if TYPE_CHECKING:
    # openpyxl is imported where a workbook is written: importing this module (the portfolio
    # runner does) costs no spreadsheet library
    from openpyxl import Workbook
    from openpyxl.styles import PatternFill

Style = Literal["plain", "audit"]
STYLES: tuple[Style, ...] = ("plain", "audit")

#: Header rows above the data on every sheet of the audit style (the plain style has one).
HEADER_ROWS = 2
#: Background of the audit style's header cells (a pale blue-grey), as RGB hex.
HEADER_FILL_RGB = "DDE6EE"
#: Header background of the assets sheet's live formula columns (a pale green), as RGB hex.
FORMULA_FILL_RGB = "D8EFD3"
#: Header background of the values retrofit computed that the formulas start from (pale yellow).
COMPUTED_FILL_RGB = "FFF2CC"
#: What the tool computed and the formulas start from: η at the operating load, each unit's
#: input power at the operating point, and the energy before and after.
COMPUTED_COLUMNS = (
    "efficiency_baseline_pct",
    "efficiency_retrofit_pct",
    *INPUT_POWER_COLUMNS,
    "baseline_energy_kwh",
    "retrofit_energy_kwh",
)
#: Money in a Chinese workbook: shown in 万元 with one decimal (the cell keeps 元, every digit):
#: the thousands comma scales by 1,000 and the literal point before the last digit by 10 more.
WAN_YUAN_FORMAT = '0!.0,"万"'

#: Output columns totalled on the audit summary, in order; labels and units from the glossary.
TOTALS = (
    "energy_saved_kwh",
    "coal_saved_tce",
    "coal_saved_tce_equivalent",
    "coal_saved_tce_equal_value",
    "co2_avoided_t",
    "investment_cny",
    "cost_saved_cny",
    "retrofitted_motor_kw",
)

#: The formulas the audit workbook writes (and no other cell of any workbook): on the summary,
#: a total over a column of the assets sheet, a plant's SUMIF, its saving share and its 百一
#: verdict; on the assets sheet, each row's savings (:data:`~.audit_formulas.ROW_FORMULAS`).
TOOL_FORMULAS = (
    re.compile(r"=SUM\(assets!([A-Z]+)\d+:\1\d+\)"),
    re.compile(r"=SUMIF\(assets!([A-Z]+)\d+:\1\d+,A\d+,assets!([A-Z]+)\d+:\2\d+\)"),
    re.compile(r'=IF\(ISNUMBER\(C(\d+)\),B\1/C\1,""\)'),
    re.compile(r'=IF\(ISNUMBER\(C(\d+)\),IF\(D\1>=E\1,"[^"=]+","[^"=]+"\),"[^"=]+"\)'),
    *ROW_FORMULAS,
)
#: Which cells of the assets sheet are formulas and which the tool computed, on the summary
#: (the glossary's vocabulary, ``label,workbook.formula_rule``)
FORMULA_RULE_ZH = columns.value_label("label", "workbook.formula_rule", "zh")
FORMULA_RULE_EN = columns.value_name("label", "workbook.formula_rule", "en")
#: Characters Excel refuses in a sheet name, and its longest sheet name
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\\x00-\x1f]")
SHEET_NAME_MAX = 31

#: Columns of the caveats sheet, in order.
CAVEAT_COLUMNS = ["code", "message", "message_zh", "count", "data"]


class EstimateTables(Protocol):
    """What the writer reads of an estimate's result (:class:`retrofit.results.EstimateResult`
    has it); a protocol, so that io never imports the result it writes."""

    @property
    def assets(self) -> pd.DataFrame: ...

    @property
    def plants(self) -> pd.DataFrame: ...

    @property
    def assumptions(self) -> dict[str, Any]: ...

    @property
    def caveats(self) -> list[Caveat]: ...

    def tables(self) -> dict[str, pd.DataFrame]: ...


def write_workbook(
    result_or_sheets: EstimateTables | Mapping[str, pd.DataFrame],
    path: str | Path,
    style: Style = "audit",
    lang: Literal["zh", "en"] | None = None,
    *,
    assumptions: Mapping[str, Any] | None = None,
    caveats: Sequence[Caveat] = (),
) -> None:
    """Write a result's tables as an .xlsx workbook, atomically.

    Parameters
    ----------
    result_or_sheets : EstimateResult or mapping of str to DataFrame
        An estimate's result (its :meth:`~retrofit.results.EstimateResult.tables`, assumptions
        and caveats are written), or tables by sheet name (a portfolio's), in sheet order.
    path : str or Path
        The .xlsx file to create or replace.
    style : {"audit", "plain"}
        ``"audit"``: two header rows (name, then label with unit), number formats by unit and,
        for an estimate, per-row saving formulas and a summary sheet of SUM/SUMIF formulas
        first. ``"plain"``: one header row of column names and the values only (what
        ``retrofit estimate --workbook plain -o x.xlsx`` writes).
    lang : {"zh", "en"} or None
        Language of the audit style's labels (the second header row and the summary's total
        names); None, the default, writes both, Chinese first. Audit style only.
    assumptions : mapping, optional
        With a mapping of sheets: the run's assumptions, written flattened to (key, value).
    caveats : sequence of Caveat, optional
        With a mapping of sheets: the run's caveats.

    Raises
    ------
    OptionError
        For an unknown style or language, ``lang`` with the plain style, or ``assumptions`` or
        ``caveats`` given beside a result (which carries its own).
    """
    if style not in STYLES:
        raise OptionError(f"unknown workbook style {style!r}; expected one of {list(STYLES)}")
    if lang not in (None, "zh", "en"):
        raise OptionError(f"unknown language {lang!r}; expected 'zh', 'en' or None (both)")
    if lang is not None and style == "plain":
        raise OptionError("lang applies to the audit style only: the plain style has no labels")
    result: EstimateTables | None = None
    if isinstance(result_or_sheets, Mapping):
        sheets = dict(result_or_sheets)
    else:
        if assumptions is not None or caveats:
            raise OptionError("a result carries its own assumptions and caveats")
        result = result_or_sheets
        sheets = result.tables()
        if style == "audit":  # the auditor reads the assets first, then the plants
            sheets = {"assets": result.assets, "plants": result.plants} | sheets
        assumptions, caveats = result.assumptions, result.caveats
    assumption_rows: list[tuple[str, Any]] = list(flatten(assumptions or {}))
    # the audit style's per-row formulas: over each row's inputs and the factor cells, which
    # come first on the assumptions sheet (B3, B4, B5) as numbers
    factors = factor_rows(sheets["assets"]) if style == "audit" and result is not None else None
    formulas: dict[str, list[str | None]] = {}
    if factors is not None:
        sheets["assets"] = with_input_power(sheets["assets"])
        first = HEADER_ROWS + 1
        factor_cells = {c: f"assumptions!$B${first + k}" for k, (c, _) in enumerate(factors)}
        formulas = row_formulas(
            sheets["assets"], column_letters(sheets["assets"]), first, factor_cells
        ).formulas
        assumption_rows = [*factors, *assumption_rows]
    if style == "audit" and lang == "zh":
        assumption_rows = [(k, assumption_in_chinese(k, v)) for k, v in assumption_rows]
    sheets["assumptions"] = pd.DataFrame(assumption_rows, columns=["key", "value"])
    sheets["caveats"] = caveat_frame(caveats, lang if style == "audit" else None)
    if style == "audit" and lang == "zh":  # a Chinese reader reads the Chinese twin only
        if "incentives" in sheets:
            from ..money.incentives import listing_in_language

            sheets["incentives"] = listing_in_language(sheets["incentives"], "zh")
        sheets = {name: without_english_twins(frame) for name, frame in sheets.items()}
        sheets = {
            name: uncertainty_in_chinese(frame) if name.startswith("uncertainty_") else frame
            for name, frame in sheets.items()
        }

    def write(tmp: Path) -> None:
        from openpyxl import Workbook

        wb = Workbook()
        wb.remove(wb.worksheets[0])  # a new workbook has one empty sheet
        letters = {
            name: write_sheet(
                wb, name, frame, style, lang, formulas=formulas if name == "assets" else None
            )
            for name, frame in sheets.items()
        }
        if style == "audit" and result is not None:
            _summary_sheet(wb, result, letters["assets"], lang, formulas=bool(formulas))
        wb.save(tmp)

    atomic_write(path, write)


def write_sheet(
    wb: Workbook,
    name: str,
    frame: pd.DataFrame,
    style: Style = "plain",
    lang: Literal["zh", "en"] | None = None,
    *,
    formulas: Mapping[str, Sequence[str | None]] | None = None,
) -> dict[str, str]:
    """Append a sheet of ``frame`` (no index) to ``wb`` with the header rows of ``style``,
    frozen; returns column name → column letter (for formulas over the sheet).

    ``formulas`` (audit style): per column, one formula or None a row; a formula replaces the
    row's value in that column (the tool's own, :data:`TOOL_FORMULAS`), and the column's header
    is green; the computed values the formulas start from (:data:`COMPUTED_COLUMNS`) are yellow.
    """
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(sheet_title(name))
    audit = style == "audit"
    header_rows = HEADER_ROWS if audit else 1
    letters = {}
    for j, column in enumerate(frame.columns, start=1):
        letter = get_column_letter(j)
        letters[column] = letter
        name_cell = ws.cell(1, j, text_cell(str(column)))
        if audit:  # the plain style's header is unstyled, as pandas writes it
            name_cell.font = Font(bold=True)
            label = ws.cell(2, j, text_cell(column_label(column, lang)))
            label.alignment = Alignment(wrap_text=True, vertical="top")
            rgb = HEADER_FILL_RGB
            if formulas and column in formulas:
                rgb = FORMULA_FILL_RGB
            elif formulas and column in COMPUTED_COLUMNS:
                rgb = COMPUTED_FILL_RGB
            for row in (1, 2):
                ws.cell(row, j).fill = _header_fill(rgb)
            ws.column_dimensions[letter].width = max(10, min(40, len(str(column)) + 2))
        if str(column).endswith("sha256"):  # every one of the 64 hex digits in view
            ws.column_dimensions[letter].width = 66
    # a plain dump shows every digit; the audit style formats by unit
    formats = {c: number_format(c, _unit(c)) for c in frame.columns} if audit else {}
    if lang == "zh":  # a Chinese audit writes tce to 2 decimals (the cell keeps every digit)
        # and money in 万元, as a Chinese client reads it
        formats = {c: _zh_format(c, f) for c, f in formats.items()}
    written = {c: f for c, f in (formulas or {}).items() if c in letters} if audit else {}
    # a Chinese workbook shows statuses, measures and grades in Chinese (the data keep the codes)
    worded = set(columns.WORDED_COLUMNS) if audit and lang == "zh" else set()
    provenance = {c for c in frame.columns if is_provenance_column(c)} if worded else set()
    for i, values in enumerate(frame.itertuples(index=False, name=None), start=header_rows + 1):
        for j, (column, value) in enumerate(zip(frame.columns, values, strict=True), start=1):
            if column in worded and isinstance(value, str) and value:
                value = columns.value_label(column, value, "zh")
            elif column in provenance and isinstance(value, str) and value:
                value = provenance_in_chinese(value)
            elif worded and isinstance(value, float | np.floating) and np.isinf(value):
                value = "∞" if value > 0 else "-∞"  # what cell_value writes as "inf"
            formula = written[column][i - header_rows - 1] if column in written else None
            cell = ws.cell(i, j, cell_value(value) if formula is None else formula)
            fmt = formats.get(column)
            if fmt and (formula is not None or isinstance(cell.value, int | float)):
                cell.number_format = fmt
    ws.freeze_panes = ws.cell(header_rows + 1, 1)
    return letters


#: Assumption keys whose text the vocabulary writes in Chinese under another key
_RULE_OF_ASSUMPTION = {"bai_yi.rule": "bai_yi"}
#: Ends of the assumption keys whose value is a citation, kept in its document's language
_CITATION_KEYS = ("source", "citation", "document", "clause", "quote", "edition", ".file")
#: Assumption keys whose value is a conversion basis (``equivalent``: 当量值)
_BASIS_ASSUMPTIONS = frozenset({"basis", "bai_yi.plant_energy_basis.region_default"})
#: Output columns that say where a value came from (``amo:standard/4p``, ``input:efficiency_pct``,
#: ``above grade_3 limit (1.5)``), besides every ``*_source`` and ``*_method`` column: a Chinese
#: workbook writes them in Chinese with the stable code in parentheses
PROVENANCE_COLUMNS = frozenset(
    {
        "part_load_curve_baseline",
        "part_load_curve_retrofit",
        "control_curve",
        "compressor_control_curve",
        "gb40879_grade_baseline",
        "gb40879_grade_retrofit",
        "new_build",
    }
)
#: A vocabulary value a ``provenance`` row names, ``{measure:add_vfd}``
_NAMED_VALUE = re.compile(r"\{(\w+):([^{}]+)\}")


def is_provenance_column(column: Any) -> bool:
    """True for an output column that says where a value came from (:data:`PROVENANCE_COLUMNS`,
    ``*_source``, ``*_method``) and that the vocabulary does not put in words already."""
    name = str(column)
    return name not in columns.WORDED_COLUMNS and (
        name in PROVENANCE_COLUMNS or name.endswith(("_source", "_method"))
    )


def provenance_in_chinese(text: str) -> str:
    """Where a value came from, or an assumption's note, in Chinese (the ``provenance`` rows of
    ``core/messages.csv``; the stable code in parentheses), the measures, categories and other
    values it names in the vocabulary's words: ``measure_lifetimes: add_vfd, all, 0– kW`` →
    ``参考表 measure_lifetimes：加装变频器，各类设备，0– kW``. A text no row covers stays as it is."""
    from ..core.messages import provenance_text

    return _NAMED_VALUE.sub(
        lambda m: columns.value_label(m.group(1), m.group(2), "zh"), provenance_text(text, "zh")
    )


#: Assumptions whose value lists uncertain inputs by name (drawn, fixed, skewed)
_UNCERTAIN_INPUT_LISTS = (
    "uncertainty.inputs",
    "uncertainty.fixed_inputs",
    "uncertainty.estimate_position.skewed_inputs",
)


def _inputs_in_chinese(items: list[Any]) -> str:
    """A list of uncertain inputs, each named once by its label (``负载率（load_factor）、…``);
    a skewed input with its mean shift as ``目标PUE（target_pue）：均值偏移 -1.23 tce/年``."""
    if all(isinstance(item, str) for item in items):
        return "、".join(str(uncertain_input_in_chinese(name)) for name in dict.fromkeys(items))
    shift = columns.label("mean_shift", "zh")
    unit = columns.unit_text(columns.unit("mean_shift"), "zh")
    return "；".join(
        f"{uncertain_input_in_chinese(item.get('input'))}：{shift} "
        f"{float(item.get('mean_shift_tce', float('nan'))):.2f} {unit}"
        if isinstance(item, Mapping)
        else str(uncertain_input_in_chinese(item))
        for item in items
    )


def assumption_in_chinese(key: str, value: Any) -> Any:
    """An assumption's value as a Chinese workbook shows it: a model's text, a rule's or the
    basis note in the vocabulary's Chinese (rows ``model``, ``rule``, ``label``), a unit and a
    conversion basis in the vocabulary's words, a note or a yes/no through
    :func:`provenance_in_chinese`; any other value as it is (citations keep their document's
    language: no ``provenance`` row matches them)."""
    words = columns.vocabulary()
    if key.startswith("models.") and ("model", key.removeprefix("models.")) in words:
        return words[("model", key.removeprefix("models."))]
    rule = _RULE_OF_ASSUMPTION.get(key, key)
    if ("rule", rule) in words:
        return words[("rule", rule)]
    if key == "basis_note":
        return words[("label", "workbook.basis_note")]
    if not isinstance(value, str) or key.endswith(_CITATION_KEYS):
        return value
    if key in _UNCERTAIN_INPUT_LISTS and value.startswith("["):
        return _inputs_in_chinese(json.loads(value))
    if key.endswith(".unit"):
        return columns.unit_text(value, "zh")
    if key in _BASIS_ASSUMPTIONS:
        return columns.value_label("plant_energy_basis", value, "zh")
    return provenance_in_chinese(value)


def uncertain_input_in_chinese(name: Any) -> Any:
    """An uncertain input or a metric by its glossary label (a column) or its vocabulary label
    (an input that is no column), the stable name kept in full-width parentheses for a
    reviewer who searches the tables: ``load_factor`` → ``负载率（load_factor）``."""
    if not isinstance(name, str):
        return name
    if columns.known(name):
        label = columns.label(name, "zh")
    else:
        label = columns.value_label("uncertain_input", name, "zh")
    return name if label == name else f"{label}（{name}）"


#: The worded columns of the uncertainty sheets and the vocabulary field of each one's values
#: (``input`` and ``metric`` go through :func:`uncertain_input_in_chinese`, ``unit`` through
#: the vocabulary's unit words; ``fixed_because`` is worded by its row's input).
_UNCERTAINTY_FIELDS = {
    "method": "uncertainty_method",
    "distribution": "distribution",
    "applies": "uncertainty_applies",
}


@functools.cache
def uncertainty_sources_in_chinese() -> dict[str, str]:
    """A source of ``uncertainty_distributions`` → its Chinese twin (column ``source_zh``), for
    the sources that explain rather than cite."""
    from ..core.reference import load_table

    table = load_table("uncertainty_distributions")
    twins = table[table["source_zh"].fillna("").astype(str).str.len() > 0]
    return dict(zip(twins["source"].astype(str), twins["source_zh"].astype(str), strict=True))


def uncertainty_in_chinese(frame: pd.DataFrame) -> pd.DataFrame:
    """An uncertainty sheet (plants, portfolio, tornado, inputs, fixed) as a Chinese workbook
    shows it: inputs and metrics by their labels, sampling method, distribution, unit, the
    rows a draw applies to, why an input is not drawn and the sources that explain rather
    than cite in the vocabulary's Chinese. A citation of a publication keeps its document's
    language (no vocabulary row matches it); the English workbook is unchanged."""
    out = frame.copy()
    for column in ("input", "metric"):
        if column in out.columns:
            out[column] = [uncertain_input_in_chinese(v) for v in out[column]]
    if "fixed_because" in out.columns and "input" in frame.columns:
        out["fixed_because"] = [
            columns.value_label("uncertainty_fixed", name, "zh") if isinstance(why, str) else why
            for name, why in zip(frame["input"], frame["fixed_because"], strict=True)
        ]
    if "unit" in out.columns:
        out["unit"] = [columns.unit_text(v, "zh") if isinstance(v, str) else v for v in out["unit"]]
    if "source" in out.columns:  # a citation stays in its document's language
        twins = uncertainty_sources_in_chinese()
        out["source"] = [twins.get(v, v) if isinstance(v, str) else v for v in out["source"]]
    for column, field in _UNCERTAINTY_FIELDS.items():
        if column in out.columns:
            out[column] = [
                columns.value_label(field, v, "zh") if isinstance(v, str) else v
                for v in out[column]
            ]
    return out


def without_english_twins(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` without the English text columns that have a Chinese twin (``why`` beside
    ``why_zh``, ``message`` beside ``message_zh``): a Chinese workbook shows the Chinese one
    (the JSON and CSV keep both)."""
    twins = [c for c in frame.columns if f"{c}_zh" in frame.columns]
    return frame.drop(columns=twins) if twins else frame


def column_letters(frame: pd.DataFrame) -> dict[str, str]:
    """Column name → the letter :func:`write_sheet` gives it (A, B, …, in frame order)."""
    from openpyxl.utils import get_column_letter

    return {str(c): get_column_letter(j) for j, c in enumerate(frame.columns, start=1)}


def cell_value(value: Any) -> Any:
    """A table's value as a cell: missing values empty, a timestamp as a date (with its time
    when it has one), lists and dicts as JSON, an infinite number as text (``inf``, as pandas
    writes it), numpy scalars as Python, text through :func:`text_cell` (never a formula)."""
    if isinstance(value, pd.Timestamp):
        return value.date() if value == value.normalize() else value.to_pydatetime()
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, default=str)
    if isinstance(value, float | np.floating) and np.isinf(value):
        return str(float(value))
    value = json_value(value)
    return text_cell(value) if isinstance(value, str) else value


def text_cell(text: str) -> str:
    """Text as a cell's value: without NUL bytes, with a leading apostrophe when a spreadsheet
    would evaluate it, and without the control characters an .xlsx file cannot hold (openpyxl
    refuses them; they cannot be typed in a cell either)."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return neutralise_text(ILLEGAL_CHARACTERS_RE.sub("", text))


def sheet_title(name: str) -> str:
    """A sheet name Excel accepts and never reads as a formula: without ``[ ] : * ? / \\``
    and control characters, at most 31 characters, and with ``_`` (Excel refuses a leading
    apostrophe in a sheet name) before a first character of :data:`~retrofit.io.cells.LIVE_PREFIXES`.
    """
    title = SHEET_NAME_FORBIDDEN.sub("", name.replace(NUL, "")).strip("'")
    if is_live(title):
        title = "_" + title
    return title[:SHEET_NAME_MAX] or "sheet"


def is_tool_formula(text: str) -> bool:
    """True when ``text`` is one of the formulas the audit workbook writes (:data:`TOOL_FORMULAS`:
    the summary's totals and tests, the assets' per-row savings)."""
    return any(pattern.fullmatch(text) for pattern in TOOL_FORMULAS)


def flatten(value: Any, prefix: str = "") -> list[tuple[str, str]]:
    """Nested assumptions as (dotted key, text) rows; lists as JSON."""
    if isinstance(value, Mapping):
        out: list[tuple[str, str]] = []
        for k, v in value.items():
            out.extend(flatten(v, f"{prefix}.{k}" if prefix else str(k)))
        return out
    if isinstance(value, list):
        return [(prefix, json.dumps(value, ensure_ascii=False, default=str))]
    return [(prefix, "" if value is None else str(value))]


def caveat_frame(
    caveats: Sequence[Caveat], lang: Literal["zh", "en"] | None = None
) -> pd.DataFrame:
    """The caveats sheet: one row per caveat, its data as JSON text (in Chinese, its text
    values through :func:`provenance_in_chinese`: a defaulted ``no`` reads 否; the keys, which
    are codes, and citations stay as they are; true/false reads 是/否)."""

    def data(caveat: Caveat) -> str:
        payload = caveat.data
        if lang == "zh" and isinstance(payload, Mapping):
            payload = {k: _datum_in_chinese(v) for k, v in payload.items()}
        return json.dumps(payload, ensure_ascii=False, default=str)

    return pd.DataFrame(
        [c.to_dict() | {"data": data(c)} for c in caveats],
        columns=CAVEAT_COLUMNS,
    )


def _datum_in_chinese(value: Any) -> Any:
    """A value of a caveat's data as a Chinese workbook shows it: yes/no as 是/否, a text
    through :func:`provenance_in_chinese`, a number as it is."""
    if isinstance(value, bool | np.bool_):
        return "是" if value else "否"
    if isinstance(value, list):
        return [_datum_in_chinese(v) for v in value]
    return provenance_in_chinese(value) if isinstance(value, str) else value


def number_format(column: str, unit: str = "") -> str | None:
    """Excel number format for a column, from its name and unit."""
    if column.endswith("_share") or column in (
        "saving_share",
        "irr",
        "irr_after_incentives",
        "probability_meets_bai_yi",
        "discount_rate",
    ):
        return "0.00%"
    if column.endswith("_tce") or "tce" in unit:
        return "#,##0.000"
    if column.endswith("_pct"):
        return "0.0"
    if column.endswith("_years") or unit == "yr":
        return "0.0"
    if column.endswith(("_kwh", "_cny", "_t")) or unit in ("kWh/yr", "CNY", "CNY/yr"):
        return "#,##0"
    if column.endswith("_kw"):
        return "#,##0.0"
    return None


def column_label(column: Any, lang: Literal["zh", "en"] | None = None) -> str:
    """The audit header's label with units: both languages, Chinese first (年节电量 [kWh/年]
    energy saved [kWh/yr]), or one. A column the glossary does not know (an inventory's own
    pass-through column) keeps its name with spaces."""
    name = str(column)
    if not columns.known(name):
        return name.replace("_", " ")
    if lang is None:
        return f"{columns.header(name, 'zh')} {columns.header(name, 'en')}"
    return columns.header(name, lang)


def _header_fill(rgb: str = HEADER_FILL_RGB) -> PatternFill:
    from openpyxl.styles import PatternFill

    return PatternFill("solid", fgColor=rgb)


def _unit(column: Any) -> str:
    """The glossary's unit of ``column``; "" for a column it does not know."""
    name = str(column)
    return columns.unit(name) if columns.known(name) else ""


def _total_name(column: str, lang: Literal["zh", "en"] | None) -> str:
    if lang is None:
        return f"{columns.label(column, 'zh')} {columns.label(column, 'en')}"
    return columns.label(column, lang)


def summary_word(key: str, lang: Literal["zh", "en"] | None) -> str:
    """A word of the summary sheet from the glossary's vocabulary (``label,workbook.<key>``):
    in ``lang``, or for None (both languages) English then Chinese (``total 合计``)."""
    english = columns.value_name("label", f"workbook.{key}", "en")
    chinese = columns.value_label("label", f"workbook.{key}", "zh")
    return {"en": english, "zh": chinese}.get(lang or "", f"{english} {chinese}")


def _zh_format(column: str, fmt: str | None) -> str | None:
    """A Chinese audit's number format: tce to 2 decimals and money in 万元 (the cell keeps
    every digit in 元)."""
    if _unit(column) in ("CNY", "CNY/yr"):
        return WAN_YUAN_FORMAT
    return "#,##0.00" if fmt == "#,##0.000" else fmt


def _summary_unit(column: str, lang: Literal["zh", "en"] | None) -> str:
    """The unit of a summary total as its cell shows it: in Chinese 万元 for money."""
    unit = columns.unit(column)
    if lang != "zh":
        return unit
    if unit in ("CNY", "CNY/yr"):
        return columns.unit_text(unit.replace("CNY", "万元"), "zh")
    return columns.unit_text(unit, "zh")


def _summary_header(
    column: str, lang: Literal["zh", "en"] | None, *, with_unit: bool = False
) -> str:
    """A summary heading that names an output column: its glossary label (with the unit)."""
    text = columns.header if with_unit else columns.label
    if lang is None:
        return f"{text(column, 'en')} {text(column, 'zh')}"
    return text(column, lang)


def _summary_sheet(
    wb: Workbook,
    result: EstimateTables,
    letters: dict[str, str],
    lang: Literal["zh", "en"] | None,
    formulas: bool = False,
) -> None:
    """The audit summary, first: the run's identity, the headline totals as SUM formulas over
    the assets sheet and each plant's coal saved as a SUMIF against its 百一 target."""
    from openpyxl.styles import Font

    ws = wb.create_sheet("summary", 0)
    a = result.assumptions
    n = len(result.assets)
    first, last = HEADER_ROWS + 1, HEADER_ROWS + n
    word = functools.partial(summary_word, lang=lang)
    if a.get("non_standard"):  # the first row of the first sheet
        tables = ", ".join(a["non_standard_tables"])
        colon = "：" if lang == "zh" else ": "
        ws.append([word("non_standard"), text_cell(f"{word('user_tables')}{colon}{tables}")])
        for cell in ws[1]:
            cell.font = Font(bold=True, color="B00020")
    title = {"zh": word("title"), "en": word("title")}.get(
        lang or "", f"{summary_word('title', 'zh')} / {summary_word('title', 'en')}"
    )
    ws.append(["retrofit", title])
    ws.append(
        [word("input"), text_cell(Path(a["input"]["file"]).name), f"sha256 {a['input']['sha256']}"]
    )
    basis = {"zh": a["basis_zh"], "en": a["basis"]}.get(
        lang or "", f"{a['basis_zh']} ({a['basis']})"
    )
    note = summary_word("basis_note", "zh") if lang == "zh" else a["basis_note"]
    ws.append([_summary_header("basis", lang), basis, text_cell(note)])
    ws.append([word("accounting_year"), a["accounting_year"]])
    if formulas:
        rule = {"zh": [FORMULA_RULE_ZH], "en": [FORMULA_RULE_EN]}
        ws.append([word("formulas"), *rule.get(lang or "", [FORMULA_RULE_ZH, FORMULA_RULE_EN])])
    ws.append([])
    ws.append([word(key) for key in ("total", "formula", "unit", "computed", "formula_text")])
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
        cell.fill = _header_fill()
    totals_header = ws.max_row
    for column in TOTALS:
        if column not in letters:
            continue
        ref = f"assets!{letters[column]}{first}:{letters[column]}{last}"
        values = result.assets[column]
        complete = bool(values.notna().all())
        formula = f"=SUM({ref})"
        row = [
            _total_name(column, lang)
            + ("" if complete else ("" if lang == "zh" else " ") + word("partial")),
            formula,
            _summary_unit(column, lang),
            float(values.sum()),
            formula,
        ]
        ws.append(row)
        shown = ws.cell(ws.max_row, 5)
        # the formula shown as text: a string cell, quote-prefixed so that editing it in Excel
        # does not turn it into a formula either
        shown.data_type, shown.quotePrefix = "s", True
        fmt = (
            _zh_format(column, number_format(column, columns.unit(column)))
            if lang == "zh"
            else (number_format(column, columns.unit(column)))
        )
        for k in (2, 4):
            ws.cell(ws.max_row, k).number_format = fmt or "General"
    ws.append([])
    ws.append(
        [
            _summary_header("plant_id", lang),
            f"{_summary_header('coal_saved_tce', lang, with_unit=True)} {word('sumif')}",
            _summary_header("plant_energy_tce", lang, with_unit=True),
            _summary_header("saving_share", lang),
            _summary_header("bai_yi_target_share", lang),
            word("bai_yi_estimate"),
            word("computed"),
        ]
    )
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
        cell.fill = _header_fill()
    plant_col, tce_col = letters["plant_id"], letters["coal_saved_tce"]
    # the 百一 verdict a formula writes, in the sheet's language (English when both)
    meets, short, unknown = (
        summary_word(key, lang or "en") for key in ("meets", "short", "unknown")
    )
    for plant in result.plants.itertuples(index=False):
        r = ws.max_row + 1
        energy = None if pd.isna(plant.plant_energy_tce) else float(plant.plant_energy_tce)
        ws.append(
            [
                cell_value(plant.plant_id),
                (
                    f"=SUMIF(assets!{plant_col}{first}:{plant_col}{last},A{r},"
                    f"assets!{tce_col}{first}:{tce_col}{last})"
                ),
                energy,
                f'=IF(ISNUMBER(C{r}),B{r}/C{r},"")',
                float(plant.bai_yi_target_share),
                f'=IF(ISNUMBER(C{r}),IF(D{r}>=E{r},"{meets}","{short}"),"{unknown}")',
                float(plant.coal_saved_tce),
            ]
        )
        tce_format = "#,##0.00" if lang == "zh" else "#,##0.000"
        ws.cell(r, 2).number_format = ws.cell(r, 7).number_format = tce_format
        ws.cell(r, 4).number_format = ws.cell(r, 5).number_format = "0.00%"
    ws.column_dimensions["A"].width = 48
    for letter in "BCDEFG":
        ws.column_dimensions[letter].width = 24
    ws.freeze_panes = ws.cell(totals_header + 1, 1)


__all__ = [
    "CAVEAT_COLUMNS",
    "COMPUTED_COLUMNS",
    "COMPUTED_FILL_RGB",
    "FACTOR_COLUMNS",
    "FORMULA_COLUMNS",
    "FORMULA_FILL_RGB",
    "FORMULA_RULE_EN",
    "FORMULA_RULE_ZH",
    "HEADER_FILL_RGB",
    "HEADER_ROWS",
    "PROVENANCE_COLUMNS",
    "SHEET_NAME_FORBIDDEN",
    "SHEET_NAME_MAX",
    "STYLES",
    "TOOL_FORMULAS",
    "TOTALS",
    "WAN_YUAN_FORMAT",
    "EstimateTables",
    "Style",
    "assumption_in_chinese",
    "caveat_frame",
    "cell_value",
    "column_label",
    "column_letters",
    "flatten",
    "is_provenance_column",
    "is_tool_formula",
    "number_format",
    "provenance_in_chinese",
    "sheet_title",
    "summary_word",
    "text_cell",
    "without_english_twins",
    "write_sheet",
    "write_workbook",
]
