"""Write a blank inventory for auditors to fill in: CSV (header only) or Excel (with drop-down
lists, input messages, a filled example sheet and a guide).

Headers, allowed values and ranges come from :data:`retrofit.inventory.schema.COLUMNS`, so the template
always reads back through :func:`retrofit.read_inventory` without renaming a column; the guide's
descriptions, units and short labels come from the glossary (:mod:`retrofit.columns`). The
drop-down lists are the schema's vocabularies (with the phrases of table
``audit_value_aliases``); the example rows are the bundled example plant
(``retrofit/samples/example_plant.csv``), written under the template's own headers.

Chinese headers carry Chinese or GBK-safe units (``年运行小时(h)``, ``流量(m3/h)``), because a
CSV template is often saved again as GBK by Excel on Chinese Windows.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from .. import columns
from ..core.exceptions import OptionError
from . import schema
from .cells import number_text
from .schema import Column

__all__ = ["dropdown_values", "example_rows", "template_headers", "write_template"]

LANGS = ("zh", "en")

#: Sheet names of the Excel template.
INVENTORY_SHEET = "inventory"
GUIDE_SHEET = {"zh": "说明", "en": "columns"}
EXAMPLE_SHEET = {"zh": "示例", "en": "example"}
#: Hidden sheet holding the drop-down lists (a list longer than 255 characters cannot be
#: written inline in a data validation).
LISTS_SHEET = "lists"
#: Rows of the inventory sheet that carry the drop-down lists and input messages.
VALIDATED_ROWS = 1000

#: The unit written in a Chinese header, for a canonical unit that is English or not GBK-safe:
#: per year is said by the header (年运行小时, 年充电量), ³ is not in GBK. Each must be a unit
#: the column accepts (checked in _header_unit).
_ZH_UNITS = {
    "h/yr": "h",
    "yr": "年",
    "kWh/yr": "kWh",
    "m³/h": "m3/h",
    "kW/(m³/min)": "kW/(m3/min)",
    "CNY": "元",
    "CNY/yr": "元",
    "CNY/kWh": "元/kWh",
    "tce": "吨标准煤",
}

_GUIDE_LABELS = {
    "zh": (
        "列名（英文）",
        "表头",
        "说明",
        "单位",
        "表头可用单位",
        "可填写的值",
        "取值要求",
        "默认值",
        "是否必填",
        "简称（表格与图表）",
    ),
    "en": (
        "canonical name",
        "header",
        "description",
        "unit",
        "units accepted in the header",
        "allowed values",
        "accepted values",
        "default",
        "required",
        "short label (tables and plots)",
    ),
}


def _chinese(text: str) -> bool:
    return any("\u3400" <= ch <= "\u9fff" for ch in text)


def _header_unit(col: Column, lang: str) -> str:
    """The unit to show in brackets after a Chinese header, when the reader accepts it at a
    factor of 1 (the example values are written in the canonical unit)."""
    unit = _ZH_UNITS.get(col.unit, col.unit) if lang == "zh" else col.unit
    return unit if unit and col.units.get(schema.normalise(unit)) == 1.0 else ""


def template_headers(lang: str = "zh") -> list[str]:
    """Headers of the template, in schema order.

    ``zh``: the first Chinese alias of each column, with its unit in brackets where the
    reader accepts that unit (``额定功率(kW)``, ``投资额(元)``, ``年运行小时(h)``,
    ``流量(m3/h)``); every header can be written in GBK. ``en``: the canonical names,
    which already carry their unit (``rated_power_kw``).
    """
    _check_lang(lang)
    if lang == "en":
        return [c.name for c in schema.COLUMNS]
    headers = []
    for col in schema.COLUMNS:
        base = next((a for a in col.aliases if _chinese(a)), col.name)
        unit = _header_unit(col, lang)
        headers.append(f"{base}({unit})" if unit else base)
    return headers


def write_template(path: str | os.PathLike[str], *, lang: str = "zh") -> Path:
    """Write a blank inventory template.

    Parameters
    ----------
    path : str or path-like
        ``.csv``: the header row only, UTF-8 with a byte-order mark for ``zh`` so that Excel
        on Chinese Windows shows it correctly (every header can also be saved as GBK).
        ``.xlsx``: sheet ``inventory`` (header row, frozen, with column widths; a drop-down
        list on every column with a fixed vocabulary and an input message with unit and
        example on every column, for the first :data:`VALIDATED_ROWS` rows), an example
        sheet (``示例`` / ``example``: the bundled example plant, which validates as it is),
        a guide sheet (``说明`` / ``columns``) describing every column: canonical name,
        header, unit, allowed values, range, default, whether it is required; and the hidden
        sheet of the drop-down lists (``lists``).
    lang : {"zh", "en"}
        Language of the headers and the guide.

    Returns
    -------
    pathlib.Path
        The file written. It is written to a temporary file in the same folder and then
        moved into place, so a failure never leaves a half-written template.

    Raises
    ------
    ValueError
        Unknown suffix or language.
    """
    _check_lang(lang)
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix == ".csv":
        _atomic_write(target, lambda fh: fh.write(_csv_bytes(lang)))
    elif suffix == ".xlsx":
        _atomic_write(target, lambda fh: _write_xlsx(fh, lang))
    else:
        raise OptionError(f"cannot write a template to '{target.name}': use a .csv or .xlsx file")
    return target


def _check_lang(lang: str) -> None:
    if lang not in LANGS:
        raise OptionError(f"lang must be one of {', '.join(LANGS)}, not {lang!r}")


def _csv_bytes(lang: str) -> bytes:
    buf = io.StringIO(newline="")
    csv.writer(buf, lineterminator="\r\n").writerow(template_headers(lang))
    return buf.getvalue().encode("utf-8-sig" if lang == "zh" else "utf-8")


def _atomic_write(target: Path, write: Callable) -> None:
    folder = target.parent if str(target.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; give the file normal permissions
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _needed_by() -> dict[str, list[str]]:
    """Column → the measures that need it (alone or as one of a group)."""
    out: dict[str, list[str]] = {}
    for m in schema.MEASURES:
        for name in m.requires:
            out.setdefault(name, []).append(m.name)
        for group in m.requires_one_of:
            for name in group:
                others = " / ".join(g for g in group if g != name)
                out.setdefault(name, []).append(f"{m.name} (or {others})")
    return out


def _allowed_values(col: Column, lang: str) -> str:
    if col.name in schema.CHOICE_ALIASES:
        pairs = list(schema.CHOICE_ALIASES[col.name].items())
    elif col.name == "measure":
        not_yet = "（暂未建模）" if lang == "zh" else " (not modelled yet)"
        lines = []
        for m in schema.MEASURES:
            zh = [a.upper() for a in m.aliases if _chinese(a)]
            lines.append(
                m.name + (f": {', '.join(zh)}" if zh else "") + ("" if m.modelled else not_yet)
            )
        joiner = (
            "多项用 + 连接，如 电机更换+变频改造"
            if lang == "zh"
            else "join several with +, e.g. upgrade_motor+add_vfd"
        )
        return "\n".join([*lines, joiner])
    elif col.choices:
        return ", ".join(col.choices)
    else:
        return ""
    lines = []
    for name, aliases in pairs:
        zh = [a.upper() for a in aliases if _chinese(a)]
        lines.append(name + (f": {', '.join(zh)}" if zh else ""))
    return "\n".join(lines)


def _guide_rows(lang: str) -> list[list[str]]:
    needed = _needed_by()
    yes, no = ("是", "否") if lang == "zh" else ("yes", "no")
    rows = []
    for col, header in zip(schema.COLUMNS, template_headers(lang), strict=True):
        if col.required:
            required = yes
        elif col.name in needed:
            prefix = "以下措施需要：" if lang == "zh" else "needed by "
            required = prefix + ", ".join(needed[col.name])
        else:
            required = no
        rows.append(
            [
                col.name,
                header,
                columns.description(col.name, lang),
                columns.unit_text(columns.unit(col.name), lang),
                ", ".join(col.units),
                _allowed_values(col, lang),
                _accepted(col, lang),
                col.default,
                required,
                columns.label(col.name, lang),
            ]
        )
    return rows


def _accepted(col: Column, lang: str) -> str:
    """What a cell may hold: the reader's own wording in English, a translation in Chinese."""
    if col.choices and col.kind == "int":
        return ("其中之一：" if lang == "zh" else "one of ") + ", ".join(col.choices)
    if lang == "en":
        return col.expected()
    if col.kind == "text":
        return "文字，不能为空" if col.required else "文字"
    if col.kind == "choice":
        return "左列中的一个值（英文或中文均可）"
    if col.kind == "date":
        return "日期，如 2025-06-30 或 2025/6/30"
    bounds = []
    if col.minimum is not None:
        bounds.append(f"{'≥' if col.minimum_inclusive else '>'} {col.minimum:g}")
    if col.maximum is not None:
        bounds.append(f"{'≤' if col.maximum_inclusive else '<'} {col.maximum:g}")
    text = ("整数" if col.kind == "int" else "数值") + (" " + " 且 ".join(bounds) if bounds else "")
    if col.kind == "fraction":
        return text + '，或百分数如 "75%"'
    unit = _header_unit(col, lang) or col.unit
    return text + (f"（{unit}）" if unit and col.kind != "int" else "")


def _width(text: str) -> float:
    longest = max(
        (sum(2 if _chinese(ch) else 1 for ch in line) for line in str(text).splitlines() or [""]),
        default=0,
    )
    return min(max(longest + 2, 10), 60)


def _display_value(value: str, aliases: tuple[str, ...], lang: str) -> str:
    """A canonical value as the template offers it: its first Chinese spelling (zh)."""
    if lang == "en":
        return value
    return next((a.upper() for a in aliases if _chinese(a)), value)


def dropdown_values(col: Column, lang: str = "zh") -> list[str]:
    """The values of ``col``'s drop-down list (empty for a column without a fixed vocabulary):
    every canonical value, in Chinese where it has a Chinese spelling (``zh``). Each reads back
    as that value; the measures are the modelled ones (several are joined with +)."""
    _check_lang(lang)
    if col.name == "measure":
        return [_display_value(m.name, m.aliases, lang) for m in schema.MEASURES if m.modelled]
    if col.name in schema.CHOICE_ALIASES:
        pairs = schema.CHOICE_ALIASES[col.name]
        return [_display_value(name, pairs.get(name, ()), lang) for name in col.choices]
    return list(col.choices)


def _example_text(col: Column, value: object, lang: str) -> str:
    """A typed value of the example plant as it is written under the template's header."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if col.name == "measure":
        by_name = {m.name: m for m in schema.MEASURES}
        return "+".join(_display_value(n, by_name[n].aliases, lang) for n in str(value).split("+"))
    if col.kind == "choice" and col.name in schema.CHOICE_ALIASES:
        return _display_value(str(value), schema.CHOICE_ALIASES[col.name].get(str(value), ()), lang)
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if col.kind in ("number", "fraction", "int"):
        return number_text(float(value))  # type: ignore[arg-type]
    return str(value)


def example_rows(lang: str = "zh") -> list[list[str]]:
    """The bundled example plant as rows under :func:`template_headers` (cells as text, blank
    where the example has no value): what the example sheet holds, and a template filled
    with it reads back unchanged."""
    _check_lang(lang)
    from .reading import read_inventory

    sample = Path(__file__).resolve().parent.parent / "samples" / "example_plant.csv"
    assets = read_inventory(sample).assets
    columns = [
        assets[col.name].tolist() if col.name in assets.columns else [None] * len(assets)
        for col in schema.COLUMNS
    ]
    return [
        [
            _example_text(col, values[r], lang)
            for col, values in zip(schema.COLUMNS, columns, strict=True)
        ]
        for r in range(len(assets))
    ]


def _input_message(col: Column, header: str, example: str, lang: str) -> tuple[str, str]:
    """(title, text) of the message Excel shows when a cell of ``col`` is selected: what it
    is, its unit and an example (Excel allows 32 and 255 characters)."""
    unit = columns.unit_text(columns.unit(col.name), lang).strip("-– ")
    if col.name in schema.CHOICE_ALIASES or col.name == "measure":
        accepted = (
            "从下拉列表中选择（其他写法见“说明”表）"
            if lang == "zh"
            else "pick from the list (other spellings: see the columns sheet)"
        )
    else:
        accepted = _accepted(col, lang)
    unit_word, example_word = ("单位：", "例：") if lang == "zh" else ("unit: ", "e.g. ")
    parts = [
        columns.description(col.name, lang),
        f"{unit_word}{unit}" if unit else "",
        f"{example_word}{example}" if example else "",
        accepted,
    ]
    text = "\n".join(p for p in parts if p)
    return header[:32], text if len(text) <= 255 else text[:254] + "…"


def _add_validations(wb, ws, lang: str, examples: list[list[str]]) -> None:
    """Drop-down lists (from a hidden lists sheet) on every column with a fixed vocabulary,
    and an input message with unit and example on every column."""
    from openpyxl.utils import get_column_letter, quote_sheetname
    from openpyxl.worksheet.datavalidation import DataValidation

    lists = wb.create_sheet(LISTS_SHEET)
    lists.sheet_state = "hidden"
    list_column = 0
    for i, (col, header) in enumerate(zip(schema.COLUMNS, template_headers(lang), strict=True)):
        letter = get_column_letter(i + 1)
        cells = f"{letter}2:{letter}{VALIDATED_ROWS + 1}"
        values = dropdown_values(col, lang)
        # the example plant's value, else the first value of the list
        example = next((row[i] for row in examples if row[i]), values[0] if values else "")
        title, text = _input_message(col, header, example, lang)
        if values:
            list_column += 1
            list_letter = get_column_letter(list_column)
            lists.cell(1, list_column, col.name)
            for r, value in enumerate(values, start=2):
                lists.cell(r, list_column, value)
            source = (
                f"{quote_sheetname(LISTS_SHEET)}!${list_letter}$2:${list_letter}${len(values) + 1}"
            )
            # a warning, not a stop: other accepted spellings and measures joined with + may
            # still be typed
            dv = DataValidation(type="list", formula1=source, allow_blank=True)
            dv.errorStyle = "warning"
            dv.showErrorMessage = True
            dv.errorTitle = "不在下拉列表中" if lang == "zh" else "not in the list"
            dv.error = (
                "此值不在下拉列表中；其他写法见“说明”表。仍要使用？"
                if lang == "zh"
                else "This value is not in the list; see the columns sheet for other spellings. "
                "Keep it?"
            )
        else:
            dv = DataValidation(allow_blank=True)  # any value: only the input message
        dv.promptTitle, dv.prompt = title, text
        dv.showInputMessage = True
        dv.add(cells)
        ws.add_data_validation(dv)


def _write_xlsx(fh, lang: str) -> None:
    import openpyxl  # only needed here
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = openpyxl.Workbook()
    ws = wb.worksheets[0]  # a new workbook has one empty sheet
    ws.title = INVENTORY_SHEET
    headers = template_headers(lang)
    ws.append(headers)
    for i, header in enumerate(headers, start=1):
        ws.cell(1, i).font = Font(bold=True)
        ws.column_dimensions[get_column_letter(i)].width = _width(header) + 4
    ws.freeze_panes = "A2"
    examples = example_rows(lang)
    _add_validations(wb, ws, lang, examples)

    sample = wb.create_sheet(EXAMPLE_SHEET[lang], 1)
    sample.append(headers)
    for i, header in enumerate(headers, start=1):
        sample.cell(1, i).font = Font(bold=True)
        sample.column_dimensions[get_column_letter(i)].width = _width(header) + 4
    for row in examples:
        sample.append([_cell_value(text) for text in row])
    sample.freeze_panes = "A2"

    guide = wb.create_sheet(GUIDE_SHEET[lang], 2)
    guide.append(list(_GUIDE_LABELS[lang]))
    for cell in guide[1]:
        cell.font = Font(bold=True)
    rows = _guide_rows(lang)
    for row in rows:
        guide.append(row)
    for i in range(len(_GUIDE_LABELS[lang])):
        column = [_GUIDE_LABELS[lang][i], *(r[i] for r in rows)]
        guide.column_dimensions[get_column_letter(i + 1)].width = max(_width(t) for t in column)
    for row in guide.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    guide.freeze_panes = "B2"
    wb.save(fh)


def _cell_value(text: str) -> str | int | float | None:
    """An example cell as Excel should hold it: numbers as numbers, the rest as text."""
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        return text
    return int(number) if number.is_integer() and "." not in text else number
