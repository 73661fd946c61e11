"""What the page shows, as plain rows of text: the problems of a validation, and per plant the
百一 verdict on both bases, the savings by measure, the projects' payback and the subsidies in
three groups. The templates only lay these out (and Jinja escapes every string), so the page's
content is testable without a browser.

Every heading comes from the glossary (:func:`retrofit.columns.header`) or the page's words,
every value a person reads from the vocabulary (:func:`retrofit.columns.value_label`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .. import columns
from ..columns import value_label
from ..core.exceptions import InventoryIssue
from ..core.messages import translate
from ..money.incentives import input_source, needs_text
from .words import say, words

#: The two tce bases, in the order the page shows them
BASES = ("equivalent", "equal_value")


@dataclass
class Table:
    """A table as text: headings and rows of cells (``None`` renders as a dash)."""

    headings: list[str]
    rows: list[list[str]] = field(default_factory=list)
    #: per row, the CSS class of the row ("" for none), e.g. the counting basis marked
    marks: list[str] = field(default_factory=list)
    #: per column, the CSS class of its cells: ``num`` (right-aligned, one line), ``id`` (an
    #: identifier, one line) or "" (text that wraps); none for all text
    kinds: list[str] = field(default_factory=list)


def number(value: Any, digits: int = 0) -> str:
    """A number with thousands separators, or a dash when blank."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or pd.isna(value):
        return "–"
    return f"{float(value):,.{digits}f}"


def percent(value: Any, digits: int = 2) -> str:
    """A fraction as a percentage, or a dash when blank."""
    if value is None or pd.isna(value):
        return "–"
    return f"{float(value):.{digits}%}"


#: 1 万元 [CNY]: a Chinese page writes money as an auditor does, in 万元 to 2 decimals (a unit
#: cost such as 元/tce stays in 元)
WAN = columns.WAN_YUAN
#: Digits of a tce figure: 2 as Chinese audits write them, 3 in English (as the reports)
TCE_DIGITS = {"zh": 2, "en": 3}


_is_money = columns.is_money


def money(value: Any, lang: str) -> str:
    """An amount in 元 as the page writes it: 万元 to 2 decimals in Chinese, whole CNY in
    English; a dash when blank."""
    if value is None or pd.isna(value):
        return "–"
    return number(float(value) / WAN, 2) if lang == "zh" else number(value)


def basis_name(basis: str, lang: str) -> str:
    """A tce basis as a reader of ``lang`` knows it: 当量值, or ``equivalent (当量值)``."""
    chinese = value_label("basis", basis, "zh")
    return chinese if lang == "zh" else f"{basis.replace('_', '-')} ({chinese})"


def _heading(name: str, lang: str) -> str:
    """The glossary's ``label [unit]``; money in ``[万元]`` or ``[万元/年]`` in Chinese."""
    if columns.shown_in_wan(name, lang):
        return columns.wan_heading(name, lang)
    return columns.header(name, lang)


def _cell(name: str, value: Any, lang: str) -> str:
    """A figure of column ``name`` with the digits an auditor writes: money as :func:`money`,
    tce to :data:`TCE_DIGITS`, CO2 to 1 decimal, kWh whole, years to 1 decimal."""
    if _is_money(name):
        return money(value, lang)
    if "tce" in name:
        return number(value, TCE_DIGITS[lang])
    if name.startswith("co2") or name.endswith("_years"):
        return number(value, 1)
    return number(value)


# -- validation problems -------------------------------------------------------------------


@dataclass
class Problem:
    """One problem as the page's table shows it.

    Attributes
    ----------
    row : str
        The spreadsheet row (header = row 1), or the words for the whole file.
    column : str
        The column's name in the glossary (in ``lang``), or the header itself when unknown.
    header : str
        The header exactly as the user typed it ("" when the file lacks the column).
    value : str
        The cell as typed ("" when none).
    message : str
        What is wrong, in ``lang``.
    suggestion : str
        What would have been accepted, in ``lang``.
    type : str
        The issue's stable code (``type-error``, ``unknown-value`` …).
    """

    row: str
    column: str
    header: str
    value: str
    message: str
    suggestion: str
    type: str

    def to_dict(self) -> dict[str, str]:
        return {
            "row": self.row,
            "column": self.column,
            "header": self.header,
            "value": self.value,
            "message": self.message,
            "suggestion": self.suggestion,
            "type": self.type,
        }


def problems(
    issues: Iterable[InventoryIssue], header_map: Mapping[str, str], lang: str
) -> list[Problem]:
    """The issues of a validation as :class:`Problem` rows in ``lang``. ``header_map``
    (column → header as typed) names the glossary column of a header."""
    column_of = {typed: canonical for canonical, typed in header_map.items()}
    out = []
    for issue in issues:
        typed = issue.column or ""
        if typed in column_of:  # a header of the file, read as a known column
            canonical, header = column_of[typed], typed
        elif columns.known(typed):  # a column the file lacks, named by its glossary name
            canonical, header = typed, ""
        else:  # a header no column reads
            canonical, header = "", typed
        label = columns.label(canonical, lang) if canonical else typed
        out.append(
            Problem(
                row=str(issue.row) if issue.row is not None else say("whole_file", lang),
                column=label,
                header=header,
                value=issue.value or "",
                message=words(lang).get(f"issue_{issue.type}", issue.type),
                suggestion=expected_text(issue.expected, lang),
                type=issue.type,
            )
        )
    return out


#: A list of accepted codes followed by their Chinese names, as core/messages translates it:
#: ``以下之一：2, 4 （或 2极, 4极)``
_CODES_THEN_NAMES = re.compile(
    r"^(?P<lead>[^：]*：)?(?P<codes>[^（]+?) ?（或 (?P<names>[^）)]+)[）)]$"
)
_CJK = re.compile(r"[\u4e00-\u9fff]")


def expected_text(expected: str, lang: str) -> str:
    """What a cell should hold, in ``lang``. A Chinese reader is shown the Chinese names of
    the accepted values first and the codes after (``以下一项或多项（用 + 连接）：电机更换、
    变频改造…（也可填代码：upgrade_motor, add_vfd…）``); the shared message (core/messages,
    also the CLI's) lists the codes first."""
    text = translate(expected, lang)
    match = _CODES_THEN_NAMES.match(text) if lang == "zh" else None
    if match is None or not _CJK.search(match["names"]):
        return text
    names = "、".join(n.strip() for n in match["names"].split(","))
    return f"{match['lead'] or ''}{names}（也可填代码：{match['codes'].strip()}）"


# -- results -------------------------------------------------------------------------------


def _verdict(share: Any, target: Any) -> str:
    """The 百一 status of one share against its target (the vocabulary's words)."""
    if share is None or pd.isna(share) or target is None or pd.isna(target):
        return "unknown (no plant energy)"
    return "meets (estimate)" if float(share) >= float(target) else "short (estimate)"


def fill_in(column: str, lang: str) -> str:
    """What the page asks for a missing input: its template header (no command-line option:
    a browser has none), filled in and uploaded again."""
    return say("fill_in", lang, where=input_source(column, lang, options=False))


def bai_yi_note(assumptions: Mapping[str, Any], lang: str) -> str:
    """One line on what 百一 is, quoting the goal pack as the reports and the charts do
    (355号（十四）“实现年节能量1%”, the last phrase of the quoted sentence), and that the
    page's share is an estimate; without a quoted goal, only the estimate."""
    goal = assumptions.get("bai_yi") or {}
    quote = str(goal.get("quote") or "").strip().rstrip("。.")
    if not quote:
        return say("bai_yi_unquoted", lang)
    number_ = re.search(r"〔\d{4}〕(\d+号)", str(goal.get("document", "")))
    return say(
        "bai_yi_what",
        lang,
        document=number_.group(1) if number_ else str(goal.get("document", "")),
        clause=str(goal.get("clause", "")),
        words=re.split(r"[，,；;]", quote)[-1].strip(),
    )


def _basis_with_source(basis: str, source: Any, lang: str) -> str:
    """The plant energy's basis, with where it came from unless the inventory gave it: an
    auditor must see that ``等价值（地区缺省）`` is an assumption, not the enterprise's word."""
    if not basis:
        return "–"
    name = basis_name(basis, lang)
    if source is None or pd.isna(source) or str(source) == "input":
        return name
    said = value_label("plant_energy_basis_source", source, lang)
    return f"{name}（{said}）" if lang == "zh" else f"{name} ({said})"


def bai_yi_table(plants: pd.DataFrame, lang: str) -> Table:
    """Per plant: its previous-year energy and basis, then on each basis the share and the
    verdict, the counting basis (the plant energy's) marked ★, and the status that counts;
    a plant without previous-year energy is told which template header to fill in."""
    w = words(lang)
    basis_names = {b: basis_name(b, lang) for b in BASES}
    headings = [
        _heading("plant_id", lang),
        _heading("plant_name", lang),
        _heading("plant_energy_tce", lang),
        _heading("plant_energy_basis", lang),
    ]
    for basis in BASES:
        headings += [
            w["share_on"].format(basis=basis_names[basis]),
            w["verdict_on"].format(basis=basis_names[basis]),
        ]
    headings.append(_heading("bai_yi_status", lang))
    table = Table(headings, kinds=["id", "", "num", ""] + ["num", ""] * len(BASES) + [""])
    for plant in plants.to_dict("records"):
        counting = str(plant.get("plant_energy_basis") or "")
        target = plant.get("bai_yi_target_share")
        cells = [
            str(plant["plant_id"]),
            str(plant.get("plant_name") or ""),
            number(plant.get("plant_energy_tce"), TCE_DIGITS[lang]),
            _basis_with_source(counting, plant.get("plant_energy_basis_source"), lang),
        ]
        for basis in BASES:
            share = plant.get(f"saving_share_{basis}")
            verdict = value_label("bai_yi_status", _verdict(share, target), lang)
            mark = f" {w['counts']}" if basis == counting else ""
            cells += [percent(share), verdict + mark]
        status = value_label("bai_yi_status", plant.get("bai_yi_status", ""), lang)
        if pd.isna(plant.get("plant_energy_tce")):
            status += f"\n{fill_in('plant_energy_tce', lang)}"
        cells.append(status)
        table.rows.append(cells)
    return table


#: The sums of the savings-by-measure table, in order
MEASURE_SUMS = (
    "energy_saved_kwh",
    "coal_saved_tce_equivalent",
    "coal_saved_tce_equal_value",
    "co2_avoided_t",
    "cost_saved_cny",
    "investment_cny",
)


def savings_by_measure(assets: pd.DataFrame, lang: str) -> Table:
    """The asset rows summed by measure (a row's several measures as one group); a money
    sum is shown only when every row of the group has it (never a partial sum)."""
    present = [c for c in MEASURE_SUMS if c in assets.columns]
    table = Table(
        [_heading("measure", lang), _heading("assets", lang)]
        + [_heading(c, lang) for c in present],
        kinds=["", "num"] + ["num"] * len(present),
    )
    for measure, group in assets.groupby("measure", sort=False):
        cells = [value_label("measure", measure, lang), str(len(group))]
        for column in present:
            values = group[column]
            total = values.sum() if values.notna().all() else None
            cells.append(_cell(column, total, lang))
        table.rows.append(cells)
    return table


#: The projects' columns on the page, in order
PROJECT_COLUMNS = (
    "project_id",
    "plant_id",
    "investment_cny",
    "annual_cost_saved_cny",
    "payback_years",
    "incentives_cny",
    "payback_after_incentives_years",
    "finance_status",
)
#: A command-line option named in a finance status's Chinese words (``或参数 --tariff``):
#: the page has no command line, its readers fill in the template header named before it
_OPTION_WORDS = re.compile(r"或参数 --[^）)；;]+")


def payback_table(projects: pd.DataFrame | None, lang: str) -> Table | None:
    """Per project: investment, annual cost saved, payback before and after the counted
    incentives and what the finance lacks; None without projects."""
    if projects is None or projects.empty:
        return None
    present = [c for c in PROJECT_COLUMNS if c in projects.columns]
    kinds = {"project_id": "id", "plant_id": "id", "finance_status": ""}
    table = Table(
        [_heading(c, lang) for c in present], kinds=[kinds.get(c, "num") for c in present]
    )
    for project in projects.to_dict("records"):
        cells = []
        for column in present:
            value = project[column]
            if column in ("project_id", "plant_id"):
                cells.append(str(value))
            elif column == "finance_status":
                cells.append(_OPTION_WORDS.sub("", value_label("finance_status", value, lang)))
            else:
                cells.append(_cell(column, value, lang))
        table.rows.append(cells)
    return table


@dataclass
class Subsidies:
    """The incentive rules in the three groups the page shows."""

    apply: Table
    need: Table
    not_apply: Table


def _citation(rule: Mapping[str, Any]) -> str:
    """A rule's document and clause: ``沪经信技〔2024〕355号 …专项行动 （七）``."""
    return f"{rule.get('document') or ''} {rule.get('clause') or ''}".strip()


def subsidies(incentives: pd.DataFrame | None, lang: str) -> Subsidies | None:
    """The rules that apply (per project, with the amount; a superseded one says so), the
    rules that need information (one row per rule: its citation, each project with the
    amount it would become, and the template headers to fill in) and the rules that do not
    apply with every condition that failed; None without a policy pack."""
    if incentives is None:
        return None
    w = words(lang)
    name = "name_zh" if lang == "zh" else "name"
    why = "why_zh" if lang == "zh" and "why_zh" in incentives.columns else "why"
    apply = Table(
        [w["project"], w["rule"], w["amount"], w["document"], w["why"]],
        kinds=["id", "", "num", "", ""],
    )
    need = Table([w["rule"], w["document"], w["projects_would_become"], w["give"]])
    not_apply = Table([w["project"], w["rule"], w["document"], w["why"]], kinds=["id", "", "", ""])
    needing: dict[str, list[dict[str, Any]]] = {}
    for rule in incentives.to_dict("records"):
        title = f"{rule['rule_id']} {rule[name]}"
        status = rule["status"]
        if status in ("applies", "superseded"):
            amount = money(rule["amount_cny"], lang)
            if status == "superseded":
                amount += f" ({value_label('status', status, lang)})"
            apply.rows.append(
                [str(rule["project_id"]), title, amount, _citation(rule), str(rule[why])]
            )
        elif status == "needs":
            needing.setdefault(str(rule["rule_id"]), []).append(rule)
        else:
            not_apply.rows.append([str(rule["project_id"]), title, _citation(rule), str(rule[why])])
    for listings in needing.values():
        first = listings[0]
        by_amount: dict[str, list[str]] = {}  # projects of one amount on one line
        for rule in listings:
            amount = (
                f"{money(rule['potential_cny'], lang)} {w['money_unit']}"
                if pd.notna(rule["potential_cny"])
                else w["amount_unknown"]
            )
            by_amount.setdefault(amount, []).append(str(rule["project_id"]))
        separator = "、" if lang == "zh" else ", "
        amounts = [
            w["project_amount"].format(project=separator.join(projects), amount=amount)
            for amount, projects in by_amount.items()
        ]
        inputs = dict.fromkeys(
            n.strip() for rule in listings for n in str(rule["needs"]).split(",") if n.strip()
        )
        need.rows.append(
            [
                f"{first['rule_id']} {first[name]}",
                _citation(first),
                "\n".join(amounts),
                needs_text(", ".join(inputs), lang, options=False),
            ]
        )
    return Subsidies(apply, need, not_apply)


@dataclass
class Figure:
    """A headline figure: its label with unit, its value, and whether it is on the basis that
    counts for 百一 (every plant's energy on that basis)."""

    label: str
    value: str
    counts: bool = False


def totals(assets: pd.DataFrame, lang: str, plants: pd.DataFrame | None = None) -> list[Figure]:
    """The headline figures: energy, coal on both bases (the counting one marked when all
    plants count on it) and CO2 saved."""
    counting = set()
    if plants is not None and "plant_energy_basis" in plants:
        counting = set(plants["plant_energy_basis"].dropna().astype(str))
    names = ["energy_saved_kwh"]
    names += [f"coal_saved_tce_{b}" for b in BASES if f"coal_saved_tce_{b}" in assets]
    names.append("co2_avoided_t")
    return [
        Figure(
            _heading(c, lang),
            _cell(c, assets[c].sum(), lang),
            counts=len(counting) == 1 and c == f"coal_saved_tce_{next(iter(counting))}",
        )
        for c in names
    ]


def header_names(names: Sequence[str]) -> list[str]:
    """Headers as strings (a header may be a number in a spreadsheet)."""
    return [str(n) for n in names]
