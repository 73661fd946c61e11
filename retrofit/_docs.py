"""Generated README sections: the inventory and output column tables, read from the glossary
(:mod:`retrofit.columns`) and the schema.

``python -m retrofit._docs README.md`` rewrites the blocks between the markers; a test fails
when the README and the code disagree.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from . import columns
from .finance import PROJECT_COLUMNS, SUPPLY_CURVE_COLUMNS
from .incentives import LISTING_COLUMNS
from .results import ASSET_COLUMNS, PLANT_COLUMNS
from .schema import CATEGORY_ALIASES, CHOICE_ALIASES, CLASS_ALIASES, COLUMNS, MEASURES


def _chinese(text: str) -> bool:
    return any("\u3400" <= ch <= "\u9fff" for ch in text)


def inventory_columns_markdown() -> str:
    lines = [
        "| column | unit | meaning | Chinese headers accepted | required / default |",
        "|---|---|---|---|---|",
    ]
    for c in COLUMNS:
        zh = ", ".join(a for a in c.aliases if _chinese(a))
        need = "required" if c.required else (f"default: {c.default}" if c.default else "optional")
        lines.append(
            f"| `{c.name}` | {columns.unit(c.name)} | {columns.description(c.name)} | {zh} "
            f"| {need} |"
        )
    lines.append("")
    lines.append(
        "Values: categories "
        + "; ".join(
            f"`{k}` ({', '.join(a for a in v if _chinese(a))})" for k, v in CATEGORY_ALIASES.items()
        )
    )
    lines.append("")
    lines.append(
        "Measures: "
        + "; ".join(
            f"`{m.name}` ({', '.join(a for a in m.aliases if _chinese(a))})"
            + ("" if m.modelled else " — recognised, not modelled yet")
            for m in MEASURES
        )
    )
    lines.append("")
    lines.append(
        "Classes: "
        + "; ".join(
            f"`{k}` ({', '.join(a for a in v if _chinese(a))})"
            if any(_chinese(a) for a in v)
            else f"`{k}`"
            for k, v in CLASS_ALIASES.items()
        )
    )
    for name, values in CHOICE_ALIASES.items():
        if name in ("category", "efficiency_class", "target_class", "target_equipment_grade"):
            continue
        lines.append("")
        lines.append(
            f"`{name}`: "
            + "; ".join(
                f"`{k}` ({', '.join(a for a in v if _chinese(a))})"
                if any(_chinese(a) for a in v)
                else f"`{k}`"
                for k, v in values.items()
            )
        )
    return "\n".join(lines)


def _output_table(title: str, described: dict[str, str]) -> list[str]:
    """One output table: name, the glossary's short labels (English, Chinese), meaning [unit]."""
    lines = [title, "", "| column | label | 中文 | meaning [unit] |", "|---|---|---|---|"]
    lines += [
        f"| `{k}` | {columns.label(k, 'en')} | {columns.label(k, 'zh')} | {v} |"
        for k, v in described.items()
    ]
    return lines


def output_columns_markdown() -> str:
    tables = [
        ("Asset rows (`assets`):", ASSET_COLUMNS),
        ("Plant rows (`plants`):", PLANT_COLUMNS),
        ("Project rows (`projects`):", PROJECT_COLUMNS),
        ("Rule checks (`incentives`, with `--policy`):", LISTING_COLUMNS),
        ("Conservation supply curve (`supply_curve`):", SUPPLY_CURVE_COLUMNS),
    ]
    lines: list[str] = []
    for title, described in tables:
        lines += (
            ["", *_output_table(title, described)] if lines else _output_table(title, described)
        )
    return "\n".join(lines)


BLOCKS = {
    "inventory-columns": inventory_columns_markdown,
    "output-columns": output_columns_markdown,
}


def render(readme: str) -> str:
    """``readme`` with every generated block replaced by its current text."""
    for name, make in BLOCKS.items():
        pattern = re.compile(
            rf"(<!-- begin {name} -->\n)(?:.*?\n)?(<!-- end {name} -->)", re.DOTALL
        )
        readme = pattern.sub(lambda m, make=make: m.group(1) + make() + "\n" + m.group(2), readme)
    return readme


if __name__ == "__main__":  # pragma: no cover - maintainers' tool
    path = Path(sys.argv[1] if len(sys.argv) > 1 else "README.md")
    path.write_text(render(path.read_text(encoding="utf-8")), encoding="utf-8")
