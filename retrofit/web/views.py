"""What the page shows, as plain rows of text: the problems of a validation, and per plant the
百一 verdict on both bases, the savings by measure, the projects' payback and the subsidies in
three groups. The templates only lay these out (and Jinja escapes every string), so the page's
content is testable without a browser.

Every heading comes from the glossary (:func:`retrofit.columns.header`) or the page's words,
every value a person reads from the vocabulary (:func:`retrofit.columns.value_label`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .. import columns
from ..columns import value_label
from ..core.exceptions import InventoryIssue
from ..core.messages import translate
from ..money.incentives import needs_text
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


def basis_name(basis: str, lang: str) -> str:
    """A tce basis as a reader of ``lang`` knows it: 当量值, or ``equivalent (当量值)``."""
    chinese = value_label("basis", basis, "zh")
    return chinese if lang == "zh" else f"{basis.replace('_', '-')} ({chinese})"


def _heading(name: str, lang: str) -> str:
    return columns.header(name, lang)


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
                suggestion=translate(issue.expected, lang),
                type=issue.type,
            )
        )
    return out


# -- results -------------------------------------------------------------------------------


def _verdict(share: Any, target: Any) -> str:
    """The 百一 status of one share against its target (the vocabulary's words)."""
    if share is None or pd.isna(share) or target is None or pd.isna(target):
        return "unknown (no plant energy)"
    return "meets (estimate)" if float(share) >= float(target) else "short (estimate)"


def bai_yi_table(plants: pd.DataFrame, lang: str) -> Table:
    """Per plant: its previous-year energy and basis, then on each basis the share and the
    verdict, the counting basis (the plant energy's) marked, and the status that counts."""
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
    table = Table(headings)
    for plant in plants.to_dict("records"):
        counting = str(plant.get("plant_energy_basis") or "")
        target = plant.get("bai_yi_target_share")
        cells = [
            str(plant["plant_id"]),
            str(plant.get("plant_name") or ""),
            number(plant.get("plant_energy_tce"), 1),
            basis_name(counting, lang) if counting else "–",
        ]
        for basis in BASES:
            share = plant.get(f"saving_share_{basis}")
            verdict = value_label("bai_yi_status", _verdict(share, target), lang)
            mark = f" {w['counts']}" if basis == counting else ""
            cells += [percent(share), verdict + mark]
        cells.append(value_label("bai_yi_status", plant.get("bai_yi_status", ""), lang))
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
        [_heading("measure", lang), _heading("assets", lang)] + [_heading(c, lang) for c in present]
    )
    digits = {"coal_saved_tce_equivalent": 3, "coal_saved_tce_equal_value": 3, "co2_avoided_t": 1}
    for measure, group in assets.groupby("measure", sort=False):
        cells = [value_label("measure", measure, lang), str(len(group))]
        for column in present:
            values = group[column]
            total = values.sum() if values.notna().all() else None
            cells.append(number(total, digits.get(column, 0)))
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


def payback_table(projects: pd.DataFrame | None, lang: str) -> Table | None:
    """Per project: investment, annual cost saved, payback before and after the counted
    incentives and what the finance lacks; None without projects."""
    if projects is None or projects.empty:
        return None
    present = [c for c in PROJECT_COLUMNS if c in projects.columns]
    table = Table([_heading(c, lang) for c in present])
    for project in projects.to_dict("records"):
        cells = []
        for column in present:
            value = project[column]
            if column in ("project_id", "plant_id"):
                cells.append(str(value))
            elif column == "finance_status":
                cells.append(value_label("finance_status", value, lang))
            elif column.endswith("_years"):
                cells.append(number(value, 1))
            else:
                cells.append(number(value))
        table.rows.append(cells)
    return table


@dataclass
class Subsidies:
    """The incentive rules in the three groups the page shows."""

    apply: Table
    need: Table
    not_apply: Table


def subsidies(incentives: pd.DataFrame | None, lang: str) -> Subsidies | None:
    """The rules that apply (with the amount; a superseded one says so), the rules that need
    information (which header or option supplies each input, and the amount it would
    become) and the rules that do not apply with every condition that failed; None without
    a policy pack."""
    if incentives is None:
        return None
    w = words(lang)
    name = "name_zh" if lang == "zh" else "name"
    why = "why_zh" if lang == "zh" and "why_zh" in incentives.columns else "why"
    apply = Table([w["project"], w["rule"], w["amount"], w["document"], w["why"]])
    need = Table([w["project"], w["rule"], w["give"], w["would_become"], w["why"]])
    not_apply = Table([w["project"], w["rule"], w["why"]])
    for rule in incentives.to_dict("records"):
        title = f"{rule['rule_id']} {rule[name]}"
        status = rule["status"]
        if status in ("applies", "superseded"):
            amount = number(rule["amount_cny"])
            if status == "superseded":
                amount += f" ({value_label('status', status, lang)})"
            document = f"{rule['document']} {rule['clause']}".strip()
            apply.rows.append([str(rule["project_id"]), title, amount, document, str(rule[why])])
        elif status == "needs":
            potential = (
                number(rule["potential_cny"])
                if pd.notna(rule["potential_cny"])
                else w["amount_unknown"]
            )
            need.rows.append(
                [
                    str(rule["project_id"]),
                    title,
                    needs_text(str(rule["needs"]), lang),
                    potential,
                    str(rule[why] or ""),
                ]
            )
        else:
            not_apply.rows.append([str(rule["project_id"]), title, str(rule[why])])
    return Subsidies(apply, need, not_apply)


def totals(assets: pd.DataFrame, lang: str) -> list[tuple[str, str]]:
    """The headline figures: energy, coal on both bases and CO2 saved (label with unit, value)."""
    figures = [("energy_saved_kwh", 0)]
    figures += [(f"coal_saved_tce_{b}", 3) for b in BASES if f"coal_saved_tce_{b}" in assets]
    figures.append(("co2_avoided_t", 1))
    return [(_heading(c, lang), number(assets[c].sum(), d)) for c, d in figures]


def header_names(names: Sequence[str]) -> list[str]:
    """Headers as strings (a header may be a number in a spreadsheet)."""
    return [str(n) for n in names]
