"""Generated README sections: the inventory and output column tables.

``python -m retrofit._docs README.md`` rewrites the blocks between the markers; a test fails
when the README and the code disagree.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

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
        lines.append(f"| `{c.name}` | {c.unit} | {c.description} | {zh} | {need} |")
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


def output_columns_markdown() -> str:
    lines = ["Asset rows (`assets`):", "", "| column | meaning [unit] |", "|---|---|"]
    lines += [f"| `{k}` | {v} |" for k, v in ASSET_COLUMNS.items()]
    lines += ["", "Plant rows (`plants`):", "", "| column | meaning [unit] |", "|---|---|"]
    lines += [f"| `{k}` | {v} |" for k, v in PLANT_COLUMNS.items()]
    lines += ["", "Project rows (`projects`):", "", "| column | meaning [unit] |", "|---|---|"]
    lines += [f"| `{k}` | {v} |" for k, v in PROJECT_COLUMNS.items()]
    lines += [
        "",
        "Rule checks (`incentives`, with `--policy`):",
        "",
        "| column | meaning [unit] |",
        "|---|---|",
    ]
    lines += [f"| `{k}` | {v} |" for k, v in LISTING_COLUMNS.items()]
    lines += [
        "",
        "Conservation supply curve (`supply_curve`):",
        "",
        "| column | meaning [unit] |",
        "|---|---|",
    ]
    lines += [f"| `{k}` | {v} |" for k, v in SUPPLY_CURVE_COLUMNS.items()]
    return "\n".join(lines)


BLOCKS = {
    "inventory-columns": inventory_columns_markdown,
    "output-columns": output_columns_markdown,
}


def render(readme: str) -> str:
    """``readme`` with every generated block replaced by its current text."""
    for name, make in BLOCKS.items():
        readme = _replace_block(readme, name, make())
    return readme


def _replace_block(readme: str, name: str, text: str) -> str:
    """``readme`` with the lines between the markers of block ``name`` replaced by ``text``."""
    pattern = re.compile(rf"(<!-- begin {name} -->\n)(?:.*?\n)?(<!-- end {name} -->)", re.DOTALL)
    return pattern.sub(lambda m: m.group(1) + text + "\n" + m.group(2), readme)


if __name__ == "__main__":  # pragma: no cover - maintainers' tool
    path = Path(sys.argv[1] if len(sys.argv) > 1 else "README.md")
    path.write_text(render(path.read_text(encoding="utf-8")), encoding="utf-8")
