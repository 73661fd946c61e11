"""Subsidy and tax rules as data: which may apply to each project, why, and how much.

A policy pack is a table ``reference_data/policy_<name>.csv`` (or a user's CSV with the same
columns), one rule a row: its document, clause and quote, dates, rate and base, caps,
eligibility conditions (``requires``), stacking group and confidence. This module evaluates
every rule against every project (and, for equipment rules, every asset row) and returns

- a listing, one row per (project, rule): ``applies`` with the amount after caps and stacking
  and the conditions that matched; ``superseded`` when a higher award of the same stacking
  group wins (就高不重复); ``needs: …`` when an input the inventory lacks decides it (never
  dropped silently), with the amount it would give (never counted); ``not applicable`` with
  every condition that failed, whole, in the order of :data:`CONDITION_STAGES` (the date
  window first); ``why_zh`` says the same in Chinese. A priority threshold
  (``priority_min_investment_cny``, 355号（七）"对投资2000万元以上……优先给予") never makes a rule
  not applicable: below it the rule still ``applies`` and its ``why`` says "not prioritised —
  check the application guide" (未列入优先支持);
- each project's incentives as yearly cash flows, for :mod:`retrofit.money.appraisal`.

Conditions are ``field=value``, ``field=a|b``, ``field<=x``, ``field>x`` … joined by ``;``.
Caps apply in the order of the shared policy notes (policy.md §5): rate × base, the share of
investment, the CNY cap, then the per-enterprise cap. Work is per rule over whole columns.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .. import columns
from ..columns import describe, value_label
from ..core import conditions, frame
from ..core.caveats import CaveatLog
from ..core.exceptions import InventoryError, InventoryIssue, OptionError
from ..core.reference import Tables, load_catalog
from ..inventory import schema
from ..inventory.defaults import rows_with_measure
from ..inventory.template import template_headers
from ..models import finance as fm
from ..portfolio.trajectory import service_dates
from .appraisal import parameter

#: Bundled packs: ``--policy`` name → reference table.
PACKS = {
    "shanghai-2024": "policy_shanghai_2024",
    "shanghai-2025": "policy_shanghai_2025",
    "shenyang-2025": "policy_shenyang_2025",
    "national": "policy_national",
}
RULE_COLUMNS = (
    "rule_id",
    "program",
    "name",
    "kind",
    "level",
    "base",
    "rate",
    "rate_unit",
    "requires",
    "valid_from",
    "valid_to",
    "date_basis",
    "stack_group",
    "stack_rule",
    "document",
    "clause",
    "source",
    "primary_text",
    "confidence",
)
KINDS = ("grant", "interest_subsidy", "principal_subsidy", "tax_credit", "tax_timing", "esco_tax")
#: Kinds whose money is not the enterprise's: the energy-service company's tax relief under an
#: energy-performance contract (财税〔2010〕110号). Listed with their conditions, never counted in
#: the enterprise's incentives (their amount is zero: the ESCO's income is not an input).
NOT_THE_ENTERPRISES = ("esco_tax",)
ESCO_NOTE = (
    "the energy-service company's tax relief, not the enterprise's money: listed, never counted "
    "in the enterprise's incentives / 节能服务公司享受的税收优惠，不计入用能企业的补贴"
)
BASES = (
    "project_investment",
    "energy_centre_investment",
    "asset_investment",
    "lease_equipment",
    "loan_interest",
    "catalogue_loan_interest",
    "loan_principal",
    "rated_power_kw",
    "rated_kva",
    "emc_payments",
    "none",
)
#: Project attributes: one value per project (the rows of a project must agree).
PROJECT_FIELDS = (
    "financing",
    "renewal_project_list",
    "relending_loan",
    "loan_principal_cny",
    "loan_rate",
    "loan_term_years",
    "lease_equipment_cny",
    "particularly_major",
    "energy_management_centre",
    "energy_centre_investment_cny",
    "shenyang_tier",
    "chain_leader",
    "shenyang_pilot_sector",
    "shenyang_demonstration",
    "eit_payable_cny",
    "eit_rate",
    "emc_contract",
    "esco_qualified",
    "emc_payments_cny",
    "emc_sharing_years",
)
VERIFY = "verify against the official text before applying"

#: Listing columns (name → meaning [unit]), for the README.
LISTING_COLUMNS: dict[str, str] = describe(
    [
        "project_id",
        "plant_id",
        "rule_id",
        "name",
        "name_zh",
        "kind",
        "status",
        "amount_cny",
        "counted_cny",
        "counted_before_interest_cap_cny",
        "potential_cny",
        "why",
        "why_zh",
        "needs",
        "priority",
        "rows",
        "document",
        "clause",
        "valid_from",
        "valid_to",
        "confidence",
        "verify",
        "note",
    ]
)


@dataclass
class Eligibility:
    """Run-wide values for project attributes a row leaves blank (CLI options)."""

    values: dict[str, object] = field(default_factory=dict)


def parse_policies(spec: str | list[str] | None) -> list[str]:
    """``"shanghai-2024,national"`` → ``["shanghai-2024", "national"]`` (or file paths)."""
    if spec is None:
        return []
    items = spec.split(",") if isinstance(spec, str) else list(spec)
    return [item.strip() for item in items if item.strip()]


def load_rules(packs: list[str], tables: Tables) -> pd.DataFrame:
    """The rules of the named packs (bundled names or CSV paths), checked."""
    frames = []
    for pack in packs:
        if pack in PACKS:
            frame = tables[PACKS[pack]].copy()
            frame["pack"] = pack
        else:
            path = Path(pack)
            if not path.is_file():
                raise OptionError(
                    f"unknown policy pack '{pack}'; expected one of "
                    f"{', '.join(PACKS)} or a CSV file with the same columns"
                )
            frame = pd.read_csv(path, keep_default_na=False, na_values=[""], encoding="utf-8-sig")
            frame["pack"] = str(path)
            _check_user_pack(frame, str(path))
        frames.append(frame)
    rules = pd.concat(frames, ignore_index=True)
    duplicated = rules["rule_id"].duplicated()
    if duplicated.any():
        raise OptionError(f"rule {rules['rule_id'][duplicated].iloc[0]} is in two packs")
    return rules


def _check_user_pack(frame: pd.DataFrame, file: str) -> None:
    issues = []
    missing = [c for c in RULE_COLUMNS if c not in frame.columns]
    if missing:
        raise InventoryError(
            [
                InventoryIssue("missing-column", file, None, c, "", "a policy pack column")
                for c in missing
            ]
        )
    for i, row in frame.iterrows():  # a pack has tens of rules, not assets
        line = int(i) + 2
        if row["kind"] not in KINDS:
            issues.append(
                InventoryIssue(
                    "unknown-value",
                    file,
                    line,
                    "kind",
                    str(row["kind"]),
                    "one of " + ", ".join(KINDS),
                )
            )
        if row["base"] not in BASES:
            issues.append(
                InventoryIssue(
                    "unknown-value",
                    file,
                    line,
                    "base",
                    str(row["base"]),
                    "one of " + ", ".join(BASES),
                )
            )
        issues.extend(
            InventoryIssue(
                "bad-value",
                file,
                line,
                "requires",
                part,
                "conditions such as financing=loan;rated_power_kw<=22",
            )
            for part in conditions.split(row["requires"])
            if not conditions.PATTERN.match(part)
        )
        if row["confidence"] not in ("H", "M", "L"):
            issues.append(
                InventoryIssue(
                    "unknown-value", file, line, "confidence", str(row["confidence"]), "H, M or L"
                )
            )
    if issues:
        raise InventoryError(issues)


# --- attributes of rows and projects -----------------------------------------------------


def _gb_grade_of_class(tables: Tables) -> dict[str, str]:
    """Motor class → GB 18613-2020 grade ("1", "2", "3") via its IE level."""
    classes = tables["motor_class_map"].set_index("efficiency_class")["ie_level"]
    grade_of_ie = {
        ie: cls.removeprefix("grade_")
        for cls, ie in classes.items()
        if str(cls).startswith("grade_")
    }
    mapping = {cls: grade_of_ie.get(ie) for cls, ie in classes.items()}
    series = tables["motor_series_classes"].set_index("series")["efficiency_class"]
    mapping |= {s: mapping.get(c) for s, c in series.items()}
    return {k: v for k, v in mapping.items() if v is not None}


def row_attributes(out: pd.DataFrame, tables: Tables, log: CaveatLog) -> pd.DataFrame:
    """The fields asset rules test: subsidy_product, new_grade, unit_value_cny, … per row."""
    n = len(out)
    measure = out["measure"]
    category = out["category"].to_numpy(dtype=object)
    machine = rows_with_measure(measure, "upgrade_equipment")
    motor = rows_with_measure(measure, "upgrade_motor")
    product = np.full(n, "none", dtype=object)
    product = np.where(motor, "general_motor", product)
    compressor_type = frame.column(out, "compressor_type").to_numpy(dtype=object)
    displacement = np.isin(
        compressor_type,
        ["oil_injected_rotary", "oil_injected_rotary_vsd", "piston", "oil_free_piston"],
    )
    pump_type = frame.column(out, "pump_type").notna().to_numpy()
    by_category = np.select(
        [
            category == "fan",
            category == "transformer",
            (category == "compressor") & displacement,
            (category == "pump") & pump_type,
        ],
        ["fan", "transformer", "displacement_compressor", "clean_water_pump"],
        default="none",
    )
    product = np.where(machine, by_category, product)
    given = frame.column(out, "subsidy_product")
    defaulted = given.isna().to_numpy() & (product != "none")
    product = given.where(given.notna(), pd.Series(product, index=out.index)).to_numpy(object)
    grade_of_class = _gb_grade_of_class(tables)
    motor_grade = frame.column(out, "efficiency_class_retrofit").map(grade_of_class)
    machine_grade = (
        frame.column(out, "target_equipment_grade").astype(object).str.removeprefix("grade_")
    )
    new_grade = np.where(
        machine, machine_grade.to_numpy(object), np.where(motor, motor_grade.to_numpy(object), None)
    )
    quantity = frame.quantity(out)
    attrs = pd.DataFrame(
        {
            "category": category,
            "subsidy_product": product,
            "new_grade": pd.Series(new_grade, index=out.index)
            .where(pd.notna(new_grade), None)
            .to_numpy(object),
            "quantity": quantity,
            "rated_power_kw": frame.numbers(out, "rated_power_kw"),  # per unit: size bands
            "rated_kva": frame.numbers(out, "rated_kva"),
            "unit_value_cny": out["investment_cny"].to_numpy(float) / quantity,
            "investment_cny": out["investment_cny"].to_numpy(float),
            "sanshou": frame.column(out, "sanshou").to_numpy(object),
            "innovation_catalogue": frame.column(out, "innovation_catalogue").to_numpy(object),
            "eit_catalogue": frame.column(out, "eit_catalogue").to_numpy(object),
            # a row is a purchase unless the inventory says it is a digital retrofit: the
            # purchase credit and the digital-retrofit credit never both take the same row
            "digital_retrofit": frame.column(out, "digital_retrofit").fillna("no").to_numpy(object),
        },
        index=out.index,
    )
    log.add(
        "incentives.subsidy_product.defaulted",
        "subsidy product type taken from the "
        "category and measure (new motor → general_motor; fan, transformer; screw or piston "
        "compressor → displacement_compressor; pump with pump_type → clean_water_pump); "
        "give subsidy_product for permanent-magnet, high-voltage, petrochemical or "
        "submersible equipment",
        "扶持产品类别按设备类型推定",
        mask=defaulted,
    )
    return attrs


def project_attributes(
    out: pd.DataFrame,
    options: dict[str, object],
    file: str,
    header_map: dict[str, str],
    log: CaveatLog,
    row_date: pd.Series,
) -> tuple[pd.DataFrame, list[InventoryIssue]]:
    """One row per project: its attributes (rows must agree; options fill blanks), investment,
    plant and date (the latest of its rows' ``row_date``)."""
    issues: list[InventoryIssue] = []
    key = out["project_id"]
    attrs = pd.DataFrame(index=pd.Index(key.unique(), name="project_id"))
    for name in PROJECT_FIELDS:
        col = frame.column(out, name)
        distinct = pd.DataFrame({"p": key, "v": col}).dropna().drop_duplicates()
        conflict = distinct["p"].duplicated(keep=False)
        for p in distinct.loc[conflict, "p"].unique():
            rows = out.loc[(key == p) & col.notna()]
            values = ", ".join(map(str, col[rows.index].unique()))
            issues.append(
                InventoryIssue(
                    "inconsistent",
                    file,
                    int(rows["source_row"].iloc[-1]),
                    frame.header(header_map, name),
                    values,
                    f"one value for all rows of project {p} (a project attribute)",
                )
            )
        first = distinct.drop_duplicates("p").set_index("p")["v"]
        values = first.reindex(attrs.index).astype(object)
        if name in options and options[name] is not None:
            filled = values.isna()
            values = values.where(~filled, options[name])
            log.add_global(
                f"incentives.option.{name}",
                f"{name} from the run's option for projects that give none: {options[name]}",
                f"{name} 取自运行参数",
                data={"projects": int(filled.sum())},
            )
        attrs[name] = values.where(values.notna(), None)
    invest = out["investment_cny"].groupby(key, sort=False)
    attrs["investment_cny"] = invest.sum(min_count=1).where(
        out["investment_cny"].notna().groupby(key, sort=False).all()
    )
    attrs["plant_id"] = out.groupby(key, sort=False)["plant_id"].first()
    attrs["date"] = row_date.groupby(key, sort=False).max()
    return attrs, issues


# --- conditions --------------------------------------------------------------------------


#: The order in which a rule's conditions are checked and reported (the first that fails is
#: the reason a reader acts on): the date window, then the region's programme designations,
#: the sector, the product, the financing and contract, and last the amounts (any numeric
#: comparison). A field not named here is checked after the product.
CONDITION_STAGES: dict[str, tuple[str, ...]] = {
    "region": (
        "shenyang_tier",
        "chain_leader",
        "shenyang_demonstration",
        "particularly_major",
        "energy_management_centre",
        "renewal_project_list",
    ),
    "sector": ("shenyang_pilot_sector", "category"),
    "product": (
        "subsidy_product",
        "new_grade",
        "sanshou",
        "innovation_catalogue",
        "eit_catalogue",
        "digital_retrofit",
    ),
    "financing": ("financing", "relending_loan", "emc_contract", "esco_qualified"),
}
_STAGE_ORDER = ("region", "sector", "product", "other", "financing", "amounts")


def condition_stage(condition: tuple[str, str, str]) -> str:
    """The stage of :data:`CONDITION_STAGES` a parsed condition is checked in."""
    name, op, _ = condition
    if op != "=":
        return "amounts"
    return next((s for s, names in CONDITION_STAGES.items() if name in names), "other")


def ordered_conditions(requires) -> list[tuple[str, str, str]]:
    """A rule's parsed conditions in the order they are checked (stable within a stage)."""
    parsed = [conditions.parse(part) for part in conditions.split(requires)]
    return sorted(parsed, key=lambda c: _STAGE_ORDER.index(condition_stage(c)))


#: Where a reader supplies each input a rule may need: the run-wide CLI option (for the
#: project attributes that have one); every input is also an inventory column.
INPUT_FLAGS: dict[str, str] = {
    "financing": "--financing",
    "loan_rate": "--loan-rate",
    "loan_term_years": "--loan-term-years",
    "eit_payable_cny": "--eit-payable",
    "eit_rate": "--eit-rate",
    "particularly_major": "--designation particularly-major",
    "energy_management_centre": "--designation energy-management-centre",
    "shenyang_tier": "--designation shenyang-point|shenyang-line|shenyang-face",
    "chain_leader": "--designation chain-leader",
    "renewal_project_list": "--designation renewal-project-list",
    "relending_loan": "--designation relending-loan",
}


@functools.cache
def _template_headers_zh() -> dict[str, str]:
    """Column name → the Chinese header the inventory template writes for it."""
    return dict(zip((c.name for c in schema.COLUMNS), template_headers("zh"), strict=True))


#: The values an option takes, shown with it in English (the Chinese header's own guide lists
#: them in Chinese: 银行贷款/融资租赁/自有资金).
_FLAG_VALUES = {"financing": "loan|lease|own"}


def input_source(name: str, lang: str = "en", *, options: bool = True) -> str:
    """Where an input comes from, as the listing names it: the column (its template header in
    Chinese) and the CLI option when there is one: ``financing`` → ``column financing or
    --financing loan|lease|own``; in Chinese ``表头“融资方式”或参数 --financing``.
    ``options=False`` names the column alone, for a reader with no command line (the web
    page, where the user fills the template and uploads it again)."""
    flag = INPUT_FLAGS.get(name) if options else None
    if flag is not None and lang == "en" and name in _FLAG_VALUES:  # the English names them
        flag = f"{flag} {_FLAG_VALUES[name]}"
    if lang == "zh":
        head = _template_headers_zh().get(name) or (
            columns.label(name, "zh") if columns.known(name) else name
        )
        # an option's value joined by "=" (click reads --designation=chain-leader): the
        # command as typed, one token
        typed = flag.replace(" ", "=", 1) if flag else ""
        return f"表头“{head}”" + (f"或参数 {typed}" if flag else "")
    return f"column {name}" + (f" or {flag}" if flag else "")


def needs_text(needs: str, lang: str = "en", *, options: bool = True) -> str:
    """A listing's ``needs`` (``"financing, sanshou"``) with where each input comes from:
    ``financing (column financing or --financing loan|lease|own), sanshou (column sanshou)``;
    in Chinese each input by its template header (``表头“融资方式”或参数 --financing、
    表头“三首”``); ``options=False`` names the columns alone (:func:`input_source`)."""
    names = [n.strip() for n in str(needs).split(",") if n.strip()]
    if lang == "zh":
        return "、".join(input_source(n, "zh", options=options) for n in names)
    if not options:
        return ", ".join(input_source(n, options=False) for n in names)
    return ", ".join(f"{n} ({input_source(n)})" for n in names)


def _field_zh(name: str) -> str:
    """A field a condition tests, in Chinese: its glossary label, or the vocabulary's
    ``condition`` label for the attributes the rules derive (new_grade, unit_value_cny)."""
    return (
        columns.label(name, "zh") if columns.known(name) else value_label("condition", name, "zh")
    )


def _value_zh(name: str, value: object) -> str:
    """A condition's value in Chinese: yes/no as 是/否, a GB grade as 2级, a coded value as the
    vocabulary says (or as written: a code the user typed)."""
    text = str(value)
    if text in ("yes", "no"):
        return "是" if text == "yes" else "否"
    if name == "new_grade":
        return value_label("efficiency_class", f"grade_{text}", "zh")
    return value_label(name, text, "zh")


def describe_zh(name: str, op: str, target: str) -> str:
    """A condition in Chinese: ``融资方式=银行贷款或融资租赁``, ``额定功率≤22``."""
    symbol = "≤" if op == "<=" else "≥" if op == ">=" else op
    head = _field_zh(name)
    values = "或".join(_value_zh(name, v) for v in target.split("|"))
    return f"{head}{symbol}{values}"


@dataclass
class _Verdict:
    """Outcome of a rule's conditions on each row; texts are built only for rows shown."""

    ok: np.ndarray  # every condition true and the date in the window
    failed: np.ndarray  # some condition false, or the date outside the window
    outside: np.ndarray  # the date outside the rule's window (checked first)
    false: np.ndarray  # (rows × conditions): the value is known and the condition false
    unknown: np.ndarray  # (rows × conditions): the value is blank
    conditions: list[tuple[str, str, str]]  # in the order of CONDITION_STAGES
    frame: pd.DataFrame
    date: np.ndarray
    window: tuple[pd.Timestamp | None, pd.Timestamp | None]

    def matched(self, lang: str = "en") -> str:
        if lang == "zh":
            return (
                "满足："
                + "".join(describe_zh(*c) + "；" for c in self.conditions)
                + f"日期在政策有效期（{window_text(*self.window, 'zh')}）内"
            )
        return (
            "; ".join(conditions.describe(*c) for c in self.conditions)
            + f"; in window {window_text(*self.window)}"
        )

    def why(self, rows: np.ndarray, lang: str = "en") -> np.ndarray:
        """Every condition that failed on each row, in the checking order, whole: the date
        outside the window first, then each false condition with the row's value."""
        parts: list[list[str]] = [[] for _ in rows]
        if self.outside[rows].any():
            days = pd.DatetimeIndex(self.date[rows]).strftime("%Y-%m-%d")
            window = window_text(*self.window, lang)
            for k in np.flatnonzero(self.outside[rows]):
                parts[k].append(
                    f"日期 {days[k]} 不在政策有效期（{window}）内"
                    if lang == "zh"
                    else f"date {days[k]} outside the rule's window {window}"
                )
        for i, condition in enumerate(self.conditions):  # per condition, not per row
            pick = np.flatnonzero(self.false[rows, i])
            if len(pick) == 0:
                continue
            name = condition[0]
            values = self.frame[name].to_numpy(object)[rows[pick]]
            for k, v in zip(pick, values, strict=True):
                if lang == "zh":
                    parts[k].append(
                        f"不满足{describe_zh(*condition)}（本项为{_value_zh(name, v)}）"
                    )
                else:
                    parts[k].append(f"{conditions.describe(*condition)} not met ({name} = {v})")
        joiner = "；" if lang == "zh" else "; "
        return np.array([joiner.join(p) for p in parts], dtype=object)

    def needs(self, rows: np.ndarray) -> np.ndarray:
        """The blank fields that decide the rule, comma-separated."""
        names = [c[0] for c in self.conditions]
        return np.array(
            [
                ", ".join(n for n, blank in zip(names, self.unknown[row], strict=True) if blank)
                for row in rows
            ],
            dtype=object,
        )


def window_text(start: pd.Timestamp | None, end: pd.Timestamp | None, lang: str = "en") -> str:
    """A rule's date window as a reader sees it, whole when one end is open:
    ``2025-01-01 to 2025-12-31``, ``from 2025-03-10 (no end date)``,
    ``until 2027-12-31 (no start date)`` or ``any date`` (in Chinese ``2025-01-01 至
    2025-12-31``, ``自 2025-03-10 起（无截止日期）``, ``至 2027-12-31 止（无起始日期）``,
    ``不限日期``)."""
    zh = lang == "zh"
    if start is not None and end is not None:
        return (
            f"{start:%Y-%m-%d} 至 {end:%Y-%m-%d}" if zh else f"{start:%Y-%m-%d} to {end:%Y-%m-%d}"
        )
    if start is not None:
        return (
            f"自 {start:%Y-%m-%d} 起（无截止日期）"
            if zh
            else f"from {start:%Y-%m-%d} (no end date)"
        )
    if end is not None:
        return (
            f"至 {end:%Y-%m-%d} 止（无起始日期）" if zh else f"until {end:%Y-%m-%d} (no start date)"
        )
    return "不限日期" if zh else "any date"


def _evaluate(rule, frame: pd.DataFrame, date: pd.Series) -> _Verdict:
    n = len(frame)
    parsed = ordered_conditions(rule.requires)
    ok = np.ones(n, dtype=bool)
    false = np.zeros((n, len(parsed)), dtype=bool)
    unknown = np.zeros((n, len(parsed)), dtype=bool)
    for i, (name, op, target) in enumerate(parsed):
        values = (
            frame[name]
            if name in frame.columns
            else pd.Series(None, index=frame.index, dtype=object)
        )
        true, known = conditions.test(values, op, target)
        false[:, i] = known & ~true
        unknown[:, i] = ~known
        ok &= true
    start = pd.Timestamp(rule.valid_from) if not pd.isna(rule.valid_from) else None
    end = pd.Timestamp(rule.valid_to) if not pd.isna(rule.valid_to) else None
    d = date.to_numpy(dtype="datetime64[ns]")
    outside = np.zeros(n, dtype=bool)
    if start is not None:
        outside |= d < np.datetime64(start)
    if end is not None:
        outside |= d > np.datetime64(end)
    failed = outside | false.any(axis=1)
    return _Verdict(ok & ~outside, failed, outside, false, unknown, parsed, frame, d, (start, end))


# --- evaluation --------------------------------------------------------------------------


@dataclass
class _Context:
    """What every rule of a run is evaluated against: rows, projects and their schedules."""

    rows: pd.DataFrame  # row attributes (row_attributes + project attributes)
    projects: pd.DataFrame  # project attributes, index project_id
    code: np.ndarray  # each row's project position
    row_date: pd.Series
    project_date: pd.Series
    investment: np.ndarray  # per project [CNY]
    lease: np.ndarray
    principal: np.ndarray
    loan_rate: np.ndarray
    interest: np.ndarray  # (projects × years) [CNY]
    outstanding: np.ndarray
    catalogue_investment: np.ndarray
    eit_rate: np.ndarray  # per project
    depreciation_life: np.ndarray  # per row [yr]
    discount_rate: float

    @property
    def n(self) -> int:
        return len(self.projects)


@dataclass
class _Outcome:
    """One rule's result per project, before the enterprise caps and stacking."""

    status: np.ndarray
    amount: np.ndarray  # after the rule's own caps
    uncapped: np.ndarray
    potential: np.ndarray  # what the rows or project that need inputs would give
    why: np.ndarray
    why_zh: np.ndarray  # the same reasons in Chinese
    needs: np.ndarray
    rows: list[str]
    priority: np.ndarray | None = None  # the 优先 note of rules that apply or need inputs


def evaluate(
    out: pd.DataFrame,
    rules: pd.DataFrame,
    tables: Tables,
    log: CaveatLog,
    *,
    options: dict[str, object],
    year: int,
    discount_rate: float,
    file: str,
    header_map: dict[str, str],
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, list[InventoryIssue]]:
    """Evaluate ``rules`` for every project of ``out`` (asset rows with finance columns).

    Returns ``(listing, flows, totals, issues)``: the listing (:data:`LISTING_COLUMNS`), each
    project's yearly incentive cash flows (index project_id, columns 0 … H), and per project
    ``incentives_cny`` (counted, undiscounted, no tax timing) and ``needs_cny`` (what the
    rules needing inputs would add: see :func:`_needs_total`).
    """
    dates, undated = service_dates(out, year)
    row_date = pd.Series(dates.astype("datetime64[ns]"), index=out.index)
    log.add(
        "incentives.date.defaulted",
        f"no in_service_date: the rule windows are checked at "
        f"1 January {year} (the accounting year)",
        f"未填投运日期：按{year}年1月1日判断政策有效期",
        mask=undated,
    )
    projects, issues = project_attributes(out, options, file, header_map, log, row_date)
    if issues:
        return pd.DataFrame(), pd.DataFrame(), pd.DataFrame(), issues
    years = int(max([0, *pd.to_numeric(rules["years"], errors="coerce").fillna(0)]))
    horizon = (
        max(
            years,
            int(parameter(tables, "depreciation_years", "machinery")),
            int(parameter(tables, "eit_credit", "carry_forward_years")) + 1,
        )
        + 1
    )
    ctx = _context(out, projects, tables, log, row_date, discount_rate, horizon)
    listing = [
        _listing_rows(
            rule, _asset_rule(rule, ctx) if rule.level == "asset" else _project_rule(rule, ctx), ctx
        )
        for rule in rules.itertuples(index=False)
    ]  # tens of rules, not assets
    table = pd.concat(listing, ignore_index=True) if listing else pd.DataFrame()
    table = _enterprise_caps(table)
    table = _tax_credit(table, ctx.projects, tables)
    table = _stack(table)
    table, interest_years = _interest_cap(table, ctx, horizon, log)
    table, needs_cny = _needs_total(table, ctx, horizon, interest_years)
    flows = _flows(table, ctx.projects, interest_years, horizon, tables, discount_rate)
    not_timing = table[table["kind"] != "tax_timing"].groupby("project_id")
    totals = (
        pd.DataFrame(
            {
                "incentives_cny": not_timing["counted_cny"].sum(),
                "incentives_before_interest_cap_cny": not_timing[
                    "counted_before_interest_cap_cny"
                ].sum(),
                "needs_cny": needs_cny,
            }
        )
        .reindex(ctx.projects.index)
        .fillna(0.0)
    )
    return table[[c for c in LISTING_COLUMNS if c in table.columns]], flows, totals, []


def _context(out, projects, tables, log, row_date, discount_rate, horizon) -> _Context:
    rows = row_attributes(out, tables, log)
    code = pd.Index(projects.index).get_indexer(out["project_id"])
    for name in PROJECT_FIELDS:  # asset rules may test project attributes
        rows[name] = projects[name].to_numpy(object)[code]
    principal = frame.numbers(projects, "loan_principal_cny")
    loan_rate = frame.numbers(projects, "loan_rate")
    interest, outstanding = fm.loan_schedule(
        principal, loan_rate, frame.numbers(projects, "loan_term_years"), horizon
    )
    # a project buys catalogue products when any row says so; with none said yes and some
    # blank it is unknown, and the amount it would give counts the blank rows too
    n = len(projects)
    flag = rows["innovation_catalogue"]
    invest_rows = rows["investment_cny"].fillna(0.0).to_numpy()
    said_yes = flag.eq("yes").to_numpy(bool)
    blank = flag.isna().to_numpy()
    any_yes = np.bincount(code, weights=said_yes, minlength=n) > 0
    any_blank = np.bincount(code, weights=blank, minlength=n) > 0
    blank_or_no = np.full(n, "no", dtype=object)
    blank_or_no[any_blank] = None
    projects["innovation_catalogue"] = np.where(any_yes, "yes", blank_or_no)
    catalogue = np.where(
        any_yes,
        np.bincount(code, weights=invest_rows * said_yes, minlength=n),
        np.bincount(code, weights=invest_rows * blank, minlength=n),
    )
    eit_rate = (
        pd.Series(frame.numbers(projects, "eit_rate"))
        .fillna(parameter(tables, "eit_rate", "standard"))
        .to_numpy(float)
    )
    life = np.where(
        rows_with_measure(out["measure"], "refresh_it"),
        parameter(tables, "depreciation_years", "electronic"),
        parameter(tables, "depreciation_years", "machinery"),
    )
    return _Context(
        rows,
        projects,
        code,
        row_date,
        projects["date"],
        projects["investment_cny"].to_numpy(float),
        frame.numbers(projects, "lease_equipment_cny"),
        principal,
        loan_rate,
        interest,
        outstanding,
        catalogue,
        eit_rate,
        life,
        discount_rate,
    )


def _asset_rule(rule, ctx: _Context) -> _Outcome:
    """An equipment rule: evaluated on every row, summed per project."""
    code, n = ctx.code, ctx.n
    dates = (
        ctx.row_date
        if rule.date_basis == "asset"
        else pd.Series(ctx.project_date.to_numpy()[code], index=ctx.rows.index)
    )
    verdict = _evaluate(rule, ctx.rows, dates)
    base, base_need = _asset_base(rule.base, ctx.rows)
    if rule.kind == "tax_timing":  # worth the present value of deducting at once
        amount = fm.one_off_deduction_value(
            base, ctx.eit_rate[code], ctx.discount_rate, ctx.depreciation_life
        )
    else:
        amount = float(rule.rate) * base
    if not pd.isna(rule.cap_share_of_investment):
        amount = np.minimum(
            amount, float(rule.cap_share_of_investment) * ctx.rows["investment_cny"].to_numpy(float)
        )
    applies = verdict.ok & (base_need == "")
    needing = ~verdict.failed & ~applies
    got = np.bincount(code, weights=np.where(applies, np.nan_to_num(amount), 0.0), minlength=n)
    potential = np.bincount(
        code, weights=np.where(needing, np.nan_to_num(amount), 0.0), minlength=n
    )
    n_ok = np.bincount(code, weights=applies, minlength=n)
    n_need = np.bincount(code, weights=needing, minlength=n)
    n_all = np.bincount(code, minlength=n)
    any_ok = n_ok > 0
    why = np.where(any_ok, verdict.matched(), "").astype(object)
    why_zh = np.where(any_ok, verdict.matched("zh"), "").astype(object)
    # the row shown for a project where no row matched is the one closest to matching (the
    # fewest failed conditions): a transformer row for a transformer rule, not the first motor
    misses = verdict.false.sum(axis=1) + verdict.outside
    shown = _closest_row(code, n, verdict.failed & ~any_ok[code], misses)
    why[shown >= 0] = verdict.why(shown[shown >= 0])
    why_zh[shown >= 0] = verdict.why(shown[shown >= 0], "zh")
    shown = _first_row(code, n, needing)
    needs = np.full(n, "", dtype=object)
    needs[shown >= 0] = _join(verdict.needs(shown[shown >= 0]), base_need[shown[shown >= 0]])
    status = np.where(any_ok, "applies", np.where(n_need > 0, "needs", "not applicable"))
    rows_text = [
        f"{a:.0f} matched / {b:.0f} need inputs / {c - a - b:.0f} not"
        for a, b, c in zip(n_ok, n_need, n_all, strict=True)
    ]
    return _Outcome(
        status, got, got, np.where(n_need > 0, potential, np.nan), why, why_zh, needs, rows_text
    )


def _project_rule(rule, ctx: _Context) -> _Outcome:
    """A project rule: evaluated on the project's attributes, with its investment threshold
    and share-of-investment cap."""
    verdict = _evaluate(rule, ctx.projects, ctx.project_date)
    base, base_need = _project_base(rule.base, 0 if pd.isna(rule.years) else int(rule.years), ctx)
    amount = float(rule.rate) * base
    every = np.arange(ctx.n)
    needs = _join(verdict.needs(every), base_need)
    status = np.where(verdict.failed, "not applicable", np.where(needs == "", "applies", "needs"))
    why = np.where(verdict.ok, verdict.matched(), "").astype(object)
    why_zh = np.where(verdict.ok, verdict.matched("zh"), "").astype(object)
    why[verdict.failed] = verdict.why(every[verdict.failed])
    why_zh[verdict.failed] = verdict.why(every[verdict.failed], "zh")
    if not pd.isna(rule.min_project_investment_cny):
        status, why, why_zh, needs = _threshold(
            float(rule.min_project_investment_cny), ctx.investment, status, why, why_zh, needs
        )
    threshold = getattr(rule, "priority_min_investment_cny", np.nan)
    priority = None
    if not pd.isna(threshold):
        priority = _priority(float(threshold), ctx.investment, status)
        why = np.where(status == "applies", why + "; " + priority, why)
        halves = np.array([priority_text(str(p), "zh") for p in priority], dtype=object)
        why_zh = np.where(status == "applies", why_zh + "；" + halves, why_zh)
    uncapped = np.where(status == "applies", np.nan_to_num(amount), 0.0)
    got = uncapped
    potential = np.where(status == "needs", amount, np.nan)
    if not pd.isna(rule.cap_share_of_investment):
        share = float(rule.cap_share_of_investment) * ctx.investment
        got, potential = np.minimum(got, share), np.minimum(potential, share)
    return _Outcome(status, got, uncapped, potential, why, why_zh, needs, [""] * ctx.n, priority)


def _threshold(minimum: float, investment: np.ndarray, status, why, why_zh, needs):
    """A project investment threshold: below it the rule does not apply; unknown, it needs
    investment_cny."""
    text = f"project investment ≥ {minimum:,.0f} CNY"
    text_zh = f"项目投资≥{minimum / 1e4:,.0f}万元"
    low = (investment < minimum) & (status != "not applicable")
    shown = pd.Series(investment).map("{:,.0f}".format).to_numpy(object)
    shown_wan = pd.Series(investment / 1e4).map("{:,.2f}".format).to_numpy(object)
    why = np.where(low, text + " not met (" + shown + ")", why)
    why_zh = np.where(low, "不满足" + text_zh + "（本项目投资" + shown_wan + "万元）", why_zh)
    status = np.where(low, "not applicable", status)
    unknown = np.isnan(investment) & (status != "not applicable")
    needs = np.where(unknown, _join(needs, np.where(unknown, "investment_cny", "")), needs)
    needs = np.array(
        [", ".join(dict.fromkeys(t.split(", "))) if t else t for t in needs], dtype=object
    )  # investment_cny once, when the base also needs it
    status = np.where(unknown & (status == "applies"), "needs", status)
    why = np.where(status == "applies", why + "; " + text, why)
    why_zh = np.where(status == "applies", why_zh + "；" + text_zh, why_zh)
    return status, why, why_zh, needs


def _priority(minimum: float, investment: np.ndarray, status) -> np.ndarray:
    """A priority threshold (优先): it ranks applications and never decides eligibility, so it
    is a note, in English then Chinese ("English / 中文", each half complete so a face in one
    language shows its half alone), on every rule that applies or needs inputs (blank for
    the others)."""
    shown = pd.Series(investment).map("{:,.0f}".format).to_numpy(object)
    shown_wan = pd.Series(investment / 1e4).map("{:,.2f}".format).to_numpy(object)
    text = f"project investment ≥ {minimum:,.0f} CNY"
    text_zh = f"项目投资≥{minimum / 1e4:,.0f}万元"
    prioritised = f"prioritised: {text} / 优先支持：{text_zh}"
    not_prioritised = (
        f"not prioritised — check the application guide ({text} is a priority, not a "
        f"condition; investment " + shown + " CNY) / 未达优先支持投资额，请查阅申报指南（"
        f"{text_zh}为优先支持条件，不是申报条件；本项目投资" + shown_wan + "万元）"
    )
    unknown = (
        f"priority unknown: give investment_cny ({text} is prioritised) / "
        f"未填项目投资，无法判断是否优先支持（{text_zh}优先支持）"
    )
    note = np.where(
        np.isnan(investment), unknown, np.where(investment >= minimum, prioritised, not_prioritised)
    )
    return np.where(np.isin(status, ["applies", "needs"]), note, "").astype(object)


def priority_text(note: str, lang: str) -> str:
    """The half of a bilingual priority note (``"English / 中文"``) a face in ``lang`` shows."""
    if not note or " / " not in note:
        return note
    english, chinese = note.rsplit(" / ", 1)
    return chinese if lang == "zh" else english


#: The tally of a rule's rows (``3 matched / 1 need inputs / 2 not``) and its Chinese
_ROWS_TALLY = re.compile(r"(\d+) matched / (\d+) need inputs / (\d+) not")


def listing_in_language(listing: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The incentives listing as a reader of ``lang`` reads it in a table (the audit
    workbook's incentives sheet). In Chinese: the Chinese name and reason in place of their
    English twins, the Chinese half of the priority note, each input needed by its template
    header or flag, the kind and the verify flag in words, the rows tally in Chinese, and no
    English maintainers' note (the HTML report shows none either). English: unchanged. The
    JSON and CSV keep the listing as it is."""
    if lang != "zh" or listing.empty:
        return listing
    out = listing.drop(columns=[c for c in ("name", "why", "note") if c in listing.columns])
    if "priority" in out.columns:
        out["priority"] = [priority_text(str(v), "zh") for v in out["priority"].fillna("")]
    if "needs" in out.columns:
        out["needs"] = [needs_text(str(v), "zh") if v else "" for v in out["needs"].fillna("")]
    if "kind" in out.columns:
        out["kind"] = [value_label("incentive_kind", v, "zh") for v in out["kind"]]
    if "verify" in out.columns:
        verify = value_label("label", "incentive.verify", "zh")
        out["verify"] = [verify if v else "" for v in out["verify"].fillna("")]
    if "rows" in out.columns:
        out["rows"] = [
            _ROWS_TALLY.sub(r"符合 \1 / 需补充信息 \2 / 不符合 \3", str(v)) for v in out["rows"]
        ]
    return out


def _listing_rows(rule, outcome: _Outcome, ctx: _Context) -> pd.DataFrame:
    """The rule's listing rows, one per project, with its CNY cap applied."""
    amount, potential = outcome.amount, outcome.potential
    if not pd.isna(rule.cap_cny):
        amount = np.minimum(amount, float(rule.cap_cny))
        potential = np.minimum(potential, float(rule.cap_cny))
    status = outcome.status
    why = np.where(status == "needs", "", outcome.why)
    why_zh = np.where(status == "needs", "", outcome.why_zh)
    if rule.kind in NOT_THE_ENTERPRISES:  # zero for the enterprise, and the listing says why
        amount = np.zeros(len(status))
        potential = np.full(len(status), np.nan)
        why = np.where(
            status == "not applicable",
            why,
            np.where(why == "", ESCO_NOTE, ESCO_NOTE + "; " + why.astype(str)),
        )
        note_zh = priority_text(ESCO_NOTE, "zh")
        why_zh = np.where(
            status == "not applicable",
            why_zh,
            np.where(why_zh == "", note_zh, note_zh + "；" + why_zh.astype(str)),
        )
    return pd.DataFrame(
        {
            "project_id": ctx.projects.index,
            "plant_id": ctx.projects["plant_id"].to_numpy(object),
            "rule_id": rule.rule_id,
            "program": rule.program,
            "name": rule.name,
            "name_zh": getattr(rule, "name_zh", ""),
            "kind": rule.kind,
            "stack_group": rule.stack_group,
            "stack_rule": rule.stack_rule,
            "status": status,
            "amount_cny": np.where(status == "applies", amount, 0.0),
            "uncapped_cny": outcome.uncapped,
            "potential_cny": potential,
            "why": why,
            "why_zh": why_zh,
            "needs": np.where(status == "not applicable", "", outcome.needs),
            "priority": np.full(len(status), "", dtype=object)
            if outcome.priority is None
            else outcome.priority,
            "rows": outcome.rows,
            "cap_enterprise_cny": getattr(rule, "cap_enterprise_cny", np.nan),
            "years": 0 if pd.isna(rule.years) else int(rule.years),
            "base": rule.base,
            "rate": float(rule.rate),
            "document": rule.document,
            "clause": "" if pd.isna(rule.clause) else rule.clause,
            "valid_from": rule.valid_from,
            "valid_to": rule.valid_to,
            "confidence": rule.confidence,
            "verify": np.where(str(rule.primary_text) == "yes", "", VERIFY),
            "note": getattr(rule, "note", ""),
        }
    )


def _closest_row(code: np.ndarray, n: int, mask: np.ndarray, misses: np.ndarray) -> np.ndarray:
    """Per project, the position of its row in ``mask`` with the fewest ``misses`` (the first
    such row on a tie); −1 when none."""
    first = np.full(n, -1)
    idx = np.flatnonzero(mask)
    idx = idx[np.lexsort((idx, misses[idx]))][::-1]  # written worst first: the closest wins
    first[code[idx]] = idx
    return first


def _first_row(code: np.ndarray, n: int, mask: np.ndarray) -> np.ndarray:
    """Per project, the position of its first row in ``mask``; −1 when none."""
    first = np.full(n, -1)
    idx = np.flatnonzero(mask)[::-1]  # written last to first: the first row wins
    first[code[idx]] = idx
    return first


def _join(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Element-wise ", "-join of two text arrays, blanks skipped."""
    return np.array(
        [", ".join(t for t in (a, b) if t) for a, b in zip(left, right, strict=True)], dtype=object
    )


def _asset_base(base: str, rows: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """The base of an equipment rule for each row: its investment, or its rated kW (kVA)
    times its quantity."""
    column = {
        "asset_investment": "investment_cny",
        "rated_power_kw": "rated_power_kw",
        "rated_kva": "rated_kva",
    }[base]
    values = rows[column].to_numpy(float)
    if column != "investment_cny":
        values = values * rows["quantity"].to_numpy(float)
    return values, np.where(np.isnan(values), column, "")


def _project_base(base: str, years: int, ctx: _Context) -> tuple[np.ndarray, np.ndarray]:
    """The base of a project rule per project, and the input each project lacks for it."""
    invest = ctx.investment
    blank = np.full(len(invest), "", dtype=object)
    if base == "project_investment":
        return invest, np.where(np.isnan(invest), "investment_cny", blank)
    if base == "energy_centre_investment":
        # the centre's own investment; blank, the project's investment bounds the potential
        centre = frame.numbers(ctx.projects, "energy_centre_investment_cny")
        known = ~np.isnan(centre)
        return np.where(known, centre, invest), np.where(
            known, blank, "energy_centre_investment_cny"
        )
    if base == "lease_equipment":
        return ctx.lease, np.where(np.isnan(ctx.lease), "lease_equipment_cny", blank)
    if base == "none":  # a rule listed for its conditions only (the ESCO's relief)
        return np.full(len(invest), np.nan), blank
    if base == "emc_payments":
        # worth the present value of deducting the contract's payments as paid instead of
        # depreciating them as the asset's price (财税〔2010〕110号 二（二）1)
        payments = frame.numbers(ctx.projects, "emc_payments_cny")
        sharing = frame.numbers(ctx.projects, "emc_sharing_years")
        life = pd.Series(ctx.depreciation_life).groupby(ctx.code).max()
        value = fm.contract_payment_deduction_value(
            payments,
            sharing,
            ctx.eit_rate,
            ctx.discount_rate,
            life.reindex(range(len(invest))).to_numpy(float),
        )
        return value, _join(
            np.where(np.isnan(payments), "emc_payments_cny", blank),
            np.where(np.isnan(sharing), "emc_sharing_years", blank),
        )
    paid = ctx.interest[:, :years].sum(axis=1)
    no_principal, no_rate = np.isnan(ctx.principal), np.isnan(ctx.loan_rate)
    no_loan = _join(
        np.where(no_principal, "loan_principal_cny", blank), np.where(no_rate, "loan_rate", blank)
    )
    if base == "loan_interest":
        return paid, no_loan
    if base == "catalogue_loan_interest":
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.clip(ctx.catalogue_investment / invest, 0.0, 1.0)
        return paid * share, np.where(
            np.isnan(invest),
            _join(no_loan, np.where(np.isnan(invest), "investment_cny", blank)),
            no_loan,
        )
    if base == "loan_principal":
        owed = ctx.outstanding[:, :years].sum(axis=1)
        return owed, np.where(no_principal, "loan_principal_cny", blank)
    raise ValueError(f"unknown base {base}")


def _enterprise_caps(table: pd.DataFrame) -> pd.DataFrame:
    """Scale a programme's amounts so that an enterprise's total stays within its cap."""
    capped = table["cap_enterprise_cny"].notna() & (table["status"] == "applies")
    if not capped.any():
        return table
    part = table[capped]
    total = part.groupby(["plant_id", "program"])["amount_cny"].transform("sum")
    cap = part["cap_enterprise_cny"].astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        scale = np.where(total > cap, cap / total, 1.0)
    table.loc[capped, "amount_cny"] = part["amount_cny"] * scale
    scaled = capped & (table.index.isin(part.index[scale < 1]))
    table.loc[scaled, "why"] += "; scaled to the enterprise cap"
    table.loc[scaled, "why_zh"] += "；按企业补贴上限等比例缩减"
    return table


def _tax_credit(table, projects, tables):
    """Tax credits count only as far as the enterprise's tax payable absorbs them over the
    carry-forward years (shared pro rata by its projects)."""
    credit = (table["kind"] == "tax_credit") & (table["status"] == "applies")
    if credit.any():
        carry = int(parameter(tables, "eit_credit", "carry_forward_years"))
        part = table[credit]
        payable = (
            pd.to_numeric(projects["eit_payable_cny"], errors="coerce")
            .reindex(part["project_id"])
            .to_numpy(float)
        )
        plant_total = part.groupby("plant_id")["amount_cny"].transform("sum").to_numpy(float)
        usable = np.minimum(plant_total, payable * (carry + 1))
        with np.errstate(invalid="ignore", divide="ignore"):
            scale = np.where(plant_total > 0, usable / plant_total, 0.0)
        table.loc[credit, "amount_cny"] = part["amount_cny"].to_numpy(float) * scale
        short = credit.copy()
        short[credit] = scale < 1
        table.loc[short, "why"] += (
            f"; limited to the tax payable over {carry + 1} years (purchase year and carry-forward)"
        )
        table.loc[short, "why_zh"] += f"；以{carry + 1}年（购置当年及结转年度）应纳税额为限"
        table.loc[credit, "payable_share_cny"] = payable * np.where(
            plant_total > 0, part["amount_cny"].to_numpy(float) / plant_total, 0.0
        )
    return table


def _stack(table: pd.DataFrame) -> pd.DataFrame:
    """就高不重复: within a stacking group with rule ``highest`` only the programme with the
    largest total counts; the others are ``superseded``."""
    table["counted_cny"] = np.where(table["status"] == "applies", table["amount_cny"], 0.0)
    applies = table["status"] == "applies"
    program_total = (
        table[applies]
        .groupby(["project_id", "stack_group", "program"])["amount_cny"]
        .sum()
        .reset_index()
    )
    best = program_total.sort_values("amount_cny", ascending=False, kind="stable").drop_duplicates(
        ["project_id", "stack_group"]
    )
    winner = best.set_index(["project_id", "stack_group"])["program"]
    key = pd.MultiIndex.from_arrays([table["project_id"], table["stack_group"]])
    top = winner.reindex(key).to_numpy(object)
    highest = table["stack_rule"].eq("highest").to_numpy()
    lose = applies.to_numpy() & highest & (top != table["program"].to_numpy(object))
    table.loc[lose, "status"] = "superseded"
    table.loc[lose, "counted_cny"] = 0.0
    table.loc[lose, "why"] = (
        "就高不重复: "
        + pd.Series(top[lose], dtype=object).astype(str).to_numpy()
        + " is higher in stacking group "
        + table.loc[lose, "stack_group"].astype(str)
        + "; "
        + table.loc[lose, "why"]
    )
    table.loc[lose, "why_zh"] = (
        "就高不重复："
        + pd.Series(top[lose], dtype=object).astype(str).to_numpy()
        + " 在叠加组 "
        + table.loc[lose, "stack_group"].astype(str)
        + " 中金额更高；"
        + table.loc[lose, "why_zh"]
    )
    return table


#: Kinds paid against the interest of the project's loan, in the order they take their share
#: of a year's interest when the stacked amounts exceed it (the last is cut first). The central
#: subsidy on the outstanding principal comes first: it is settled through the lending bank
#: (the bank lends on the renewal-loan list and charges the subsidised rate), so it is known
#: before a municipal fund reimburses a share of the interest paid; the municipal interest
#: subsidies (a share of the interest) share what is left.
INTEREST_CAP_ORDER = ("principal_subsidy", "interest_subsidy")


def _interest_years(
    table: pd.DataFrame, ctx: _Context, horizon: int, column: str = "counted_cny"
) -> np.ndarray:
    """Each interest-type listing row's ``column`` amount (counted, or the potential of a rule
    needing inputs) spread over years 1 … ``horizon`` in proportion to its base (interest, or
    principal outstanding) within its ``years`` (rows × horizon) [CNY]; zero for other kinds."""
    yearly = np.zeros((len(table), horizon))
    kinds = table["kind"].to_numpy(object)
    amount = np.nan_to_num(table[column].to_numpy(float))
    pick = np.flatnonzero(np.isin(kinds, INTEREST_CAP_ORDER) & (amount > 0))
    if len(pick) == 0:
        return yearly
    p = pd.Index(ctx.projects.index).get_indexer(table["project_id"].to_numpy(object)[pick])
    years = table["years"].to_numpy(int)[pick]
    schedule = np.where(
        (kinds[pick] == "interest_subsidy")[:, None], ctx.interest[p], ctx.outstanding[p]
    )
    shape = np.where(np.arange(horizon)[None, :] < years[:, None], schedule, 0.0)
    weights = shape / np.maximum(shape.sum(axis=1, keepdims=True), 1e-300)
    yearly[pick] = weights * amount[pick, None]
    return yearly


def _interest_cap(
    table: pd.DataFrame, ctx: _Context, horizon: int, log: CaveatLog
) -> tuple[pd.DataFrame, np.ndarray]:
    """Cap the stacked interest subsidies of each project year by year at that year's interest.

    A subsidy of the interest cannot exceed the interest paid: a 30 M CNY loan at 2 % pays
    600,000 CNY a year, and the central 1.5 points (450,000) plus Shanghai's 50 % of the
    interest (300,000) would count 750,000. Rules take their share of a year's interest in
    :data:`INTEREST_CAP_ORDER`, then in listing order; ``counted_cny`` becomes the capped
    amount and ``counted_before_interest_cap_cny`` keeps the amount before the cap. Where a
    central and a municipal interest subsidy both count, neither text says whether they stack:
    the rows and a caveat say so. Returns the table and the capped yearly amounts (rows ×
    horizon) [CNY].
    """
    table["counted_before_interest_cap_cny"] = table["counted_cny"].to_numpy(float)
    yearly = _interest_years(table, ctx, horizon)
    counted = table["counted_cny"].to_numpy(float)
    kinds = table["kind"].to_numpy(object)
    interest_rows = np.isin(kinds, INTEREST_CAP_ORDER) & (counted > 0)
    if not interest_rows.any():
        return table, yearly
    remaining = np.nan_to_num(ctx.interest[:, :horizon]).copy()  # (projects × horizon)
    project = pd.Index(ctx.projects.index).get_indexer(table["project_id"].to_numpy(object))
    rank = np.array([INTEREST_CAP_ORDER.index(k) if k in INTEREST_CAP_ORDER else -1 for k in kinds])
    rule_ids = table["rule_id"].to_numpy(object)
    order = list(
        dict.fromkeys(
            rule_ids[i] for i in sorted(np.flatnonzero(interest_rows), key=lambda i: rank[i])
        )
    )  # the rules in cap order (tens of rules, one row per project each)
    for rule_id in order:
        rows = np.flatnonzero(interest_rows & (rule_ids == rule_id))
        taken = np.minimum(yearly[rows], remaining[project[rows]])
        remaining[project[rows]] -= taken
        yearly[rows] = taken
    capped = yearly.sum(axis=1)
    cut = interest_rows & (capped < counted - 0.005)
    table["counted_cny"] = np.where(interest_rows, capped, counted)
    why = table["why"].to_numpy(object)
    why[cut] = why[cut] + (
        "; cut to the loan's interest of each year: "
        + pd.Series(capped[cut]).map("{:,.0f}".format).to_numpy(object)
        + " of "
        + pd.Series(counted[cut]).map("{:,.0f}".format).to_numpy(object)
        + " CNY counted (subsidies of interest never exceed the interest paid)"
    )
    why_zh = table["why_zh"].to_numpy(object)
    why_zh[cut] = why_zh[cut] + (
        "；按每年贷款利息封顶：计入 "  # money in 万元, as a Chinese reader writes it
        + pd.Series(capped[cut] / 1e4).map("{:,.2f}".format).to_numpy(object)
        + " 万元（原 "
        + pd.Series(counted[cut] / 1e4).map("{:,.2f}".format).to_numpy(object)
        + " 万元；贴息不超过实付利息）"
    )
    central = pd.Series(interest_rows & (kinds == "principal_subsidy")).groupby(project).any()
    municipal = pd.Series(interest_rows & (kinds == "interest_subsidy")).groupby(project).any()
    both = (central & municipal).reindex(range(ctx.n), fill_value=False).to_numpy(bool)
    unknown = interest_rows & both[project]
    names = (
        table["rule_id"]
        .where(interest_rows)
        .groupby(project)
        .agg(lambda ids: " and ".join(ids.dropna()))
    )
    why[unknown] = why[unknown] + (
        "; stacking of "
        + names.reindex(project[unknown]).to_numpy(object)
        + " is not stated in either text: both counted within the interest, check before "
        "relying on both"
    )
    why_zh[unknown] = why_zh[unknown] + (
        "；"
        + names.reindex(project[unknown]).str.replace(" and ", "与").to_numpy(object)
        + " 能否叠加原文均未规定：两者均在利息额度内计入，依赖两者前请核实"
    )
    table["why"] = why
    table["why_zh"] = why_zh
    if both.any():
        log.add_global(
            "incentives.interest.stacking_unknown",
            "a central and a municipal interest subsidy both count on one loan; no text found "
            "says whether they stack, so both are counted and capped together at each year's "
            "interest (the central subsidy first): check with the bank and the city",
            "中央财政贴息与地方贴息是否可叠加未见明文：两者合计按每年实付利息封顶（先计中央贴息）",
            data={"projects": [str(p) for p in ctx.projects.index[both]]},
        )
    return table, yearly


def _needs_total(
    table: pd.DataFrame, ctx: _Context, horizon: int, counted_years: np.ndarray
) -> tuple[pd.DataFrame, pd.Series]:
    """What the rules needing inputs would add to each project, never a sum of alternatives.

    1. Interest potentials take the same year-by-year cap as counted interest subsidies: each
       needing row's yearly potential is cut to the interest left in that year after the
       counted ones (``potential_cny`` becomes the capped amount and ``why`` says so).
    2. Within a stacking group whose rule is ``highest`` (就高不重复) the programmes are
       alternatives: the group adds the largest programme total it could reach once the inputs
       are known (its counted and superseded amounts plus its potentials) less what the group
       already counts, and nothing when that is smaller. Other groups add their potentials.
    3. The interest potentials the groups add are capped together at the interest left each
       year, in :data:`INTEREST_CAP_ORDER`.

    Returns the table and ``needs_cny`` per project [CNY].
    """
    n_rows = len(table)
    kinds = table["kind"].to_numpy(object)
    status = table["status"].to_numpy(object)
    project = pd.Index(ctx.projects.index).get_indexer(table["project_id"].to_numpy(object))
    remaining = np.nan_to_num(ctx.interest[:, :horizon]).copy()  # (projects × horizon)
    np.subtract.at(remaining, project, counted_years)
    remaining = np.maximum(remaining, 0.0)
    potential = table["potential_cny"].to_numpy(float).copy()
    interest_need = (
        (status == "needs") & np.isin(kinds, INTEREST_CAP_ORDER) & (np.nan_to_num(potential) > 0)
    )
    alone = np.zeros((n_rows, horizon))
    if interest_need.any():
        yearly = _interest_years(
            table.assign(potential_cny=potential), ctx, horizon, "potential_cny"
        )
        rows = np.flatnonzero(interest_need)
        alone[rows] = np.minimum(yearly[rows], remaining[project[rows]])
        capped = alone[rows].sum(axis=1)
        cut = capped < potential[rows] - 0.005
        why = table["why"].to_numpy(object).copy()
        why[rows[cut]] = [
            f"potential cut to the loan's interest left each year: {c:,.0f} of {p:,.0f} CNY "
            "(subsidies of interest never exceed the interest paid)"
            for c, p in zip(capped[cut], potential[rows][cut], strict=True)
        ]
        table["why"] = why
        why_zh = table["why_zh"].to_numpy(object).copy()
        why_zh[rows[cut]] = [
            f"可得金额按每年剩余贷款利息封顶：{c / 1e4:,.2f} 万元（原 {p / 1e4:,.2f} 万元；"
            "贴息不超过实付利息）"
            for c, p in zip(capped[cut], potential[rows][cut], strict=True)
        ]
        table["why_zh"] = why_zh
        potential[rows] = capped
        table["potential_cny"] = potential
    # 2. per stacking group: the best programme once the inputs are known, less what counts
    reachable = np.where(
        status == "needs",
        np.nan_to_num(potential),
        np.where(np.isin(status, ["applies", "superseded"]), table["amount_cny"], 0.0),
    )
    reachable = np.where(status == "applies", table["counted_cny"], reachable)
    frame = pd.DataFrame(
        {
            "p": project,
            "group": table["stack_group"].to_numpy(object),
            "program": table["program"].to_numpy(object),
            "highest": table["stack_rule"].eq("highest").to_numpy(),
            "reachable": reachable,
            "counted": table["counted_cny"].to_numpy(float),
            "potential": np.where(status == "needs", np.nan_to_num(potential), 0.0),
        }
    )
    program = frame.groupby(["p", "group", "program"], sort=False).agg(
        reachable=("reachable", "sum"), highest=("highest", "first")
    )
    group = frame.groupby(["p", "group"], sort=False).agg(
        counted=("counted", "sum"), potential=("potential", "sum"), highest=("highest", "first")
    )
    group["best"] = program.groupby(level=["p", "group"], sort=False)["reachable"].max()
    group["adds"] = np.where(
        group["highest"], np.maximum(group["best"] - group["counted"], 0.0), group["potential"]
    )
    adds = group["adds"].groupby(level="p").sum()
    # 3. the interest potentials of the programmes that add, capped together each year
    best_program = (
        program.reset_index()
        .sort_values("reachable", ascending=False, kind="stable")
        .drop_duplicates(["p", "group"])
        .set_index(["p", "group"])["program"]
    )
    key = pd.MultiIndex.from_arrays([frame["p"], frame["group"]])
    chosen = interest_need & (
        ~frame["highest"].to_numpy()
        | (best_program.reindex(key).to_numpy(object) == frame["program"].to_numpy(object))
    )
    chosen &= group["adds"].reindex(key).to_numpy(float) > 0
    over = np.zeros(len(ctx.projects))
    if chosen.any():
        left = remaining.copy()
        rank = np.array(
            [INTEREST_CAP_ORDER.index(k) if k in INTEREST_CAP_ORDER else -1 for k in kinds]
        )
        for i in sorted(np.flatnonzero(chosen), key=lambda i: rank[i]):  # a few loan rules
            taken = np.minimum(alone[i], left[project[i]])
            left[project[i]] -= taken
            over[project[i]] += alone[i].sum() - taken.sum()
    total = adds.reindex(range(len(ctx.projects)), fill_value=0.0).to_numpy(float) - over
    return table, pd.Series(np.maximum(total, 0.0), index=ctx.projects.index)


def _flows(table, projects, interest_years, horizon, tables, discount_rate):
    """Yearly cash flows of the counted incentives, one row per project; the interest-type
    rows take their capped yearly amounts (``interest_years``, rows × horizon)."""
    p_count = len(projects)
    flows = np.zeros((p_count, horizon + 1))
    index = pd.Index(projects.index)
    counted = table[table["counted_cny"] > 0]
    for kind, part in counted.groupby("kind"):  # five kinds at most: not a loop over assets
        p = index.get_indexer(part["project_id"])
        amount = part["counted_cny"].to_numpy(float)
        if kind == "grant":
            np.add.at(flows[:, 0], p, amount)
        elif kind in INTEREST_CAP_ORDER:
            yearly = interest_years[table.index.get_indexer(part.index)]
            np.add.at(flows, (p[:, None], np.arange(1, horizon + 1)[None, :]), yearly)
        elif kind == "tax_credit":
            payable = part["payable_share_cny"].to_numpy(float)
            carry = int(parameter(tables, "eit_credit", "carry_forward_years"))
            k = np.arange(carry + 1)[None, :]
            used = np.clip(amount[:, None] - k * payable[:, None], 0.0, payable[:, None])
            np.add.at(flows, (p[:, None], 1 + k), used)
        elif kind == "tax_timing":
            # a timing benefit: one year-1 flow with the present value computed for it
            np.add.at(flows[:, 1], p, amount * (1.0 + discount_rate))
    return pd.DataFrame(flows, index=index)


def bundled_packs() -> list[str]:
    """Names accepted by ``--policy``."""
    catalog = load_catalog()
    return [name for name, table in PACKS.items() if table in catalog.index]
