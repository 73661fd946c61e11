"""Write a blank inventory for auditors to fill in: CSV (header only) or Excel (with a guide).

Headers, allowed values and ranges come from :data:`retrofit.inventory.schema.COLUMNS`, so the template
always reads back through :func:`retrofit.read_inventory` without renaming a column; the guide's
descriptions, units and short labels come from the glossary (:mod:`retrofit.columns`).
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from .. import columns
from ..core.exceptions import OptionError
from . import schema
from .schema import Column

__all__ = ["template_headers", "write_template"]

LANGS = ("zh", "en")

#: Sheet names of the Excel template.
INVENTORY_SHEET = "inventory"
GUIDE_SHEET = {"zh": "说明", "en": "columns"}

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
    """The unit to show in brackets after a Chinese header, when the reader accepts it."""
    unit = col.unit.replace("CNY", "元") if lang == "zh" else col.unit
    return unit if unit and schema.normalise(unit) in col.units else ""


def template_headers(lang: str = "zh") -> list[str]:
    """Headers of the template, in schema order.

    ``zh``: the first Chinese alias of each column, with its unit in brackets where the
    reader accepts that unit (``额定功率(kW)``, ``投资额(元)``). ``en``: the canonical names,
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
        on Chinese Windows shows it correctly. ``.xlsx``: sheet ``inventory`` (header row,
        frozen, with column widths) and a guide sheet (``说明`` / ``columns``) describing
        every column: canonical name, header, unit, allowed values, range, default, whether
        it is required.
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

    guide = wb.create_sheet(GUIDE_SHEET[lang])
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
