"""Generated documentation: the column pages under ``docs/`` and the README's demo output.

Column labels and units are read from the glossary (:mod:`retrofit.columns`) and the schema.

Each generated block sits between ``<!-- begin NAME -->`` and ``<!-- end NAME -->`` in the
file :data:`PAGES` names. ``python -m retrofit._docs`` rewrites every block from the code;
``tests/test_docs.py`` fails, naming that command, when a page and the code disagree.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path

from . import columns
from .inventory.schema import CATEGORY_ALIASES, CHOICE_ALIASES, CLASS_ALIASES, COLUMNS, MEASURES
from .money.appraisal import PROJECT_COLUMNS, SUPPLY_CURVE_COLUMNS
from .money.incentives import LISTING_COLUMNS
from .results import ASSET_COLUMNS, PLANT_COLUMNS


def _chinese(text: str) -> bool:
    return any("\u3400" <= ch <= "\u9fff" for ch in text)


def _cell(text: str) -> str:
    """``text`` for a table cell: a bare ``|`` (as in "table | input") would start a new cell."""
    return text.replace("|", "\\|")


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
        f"| `{k}` | {_cell(columns.label(k, 'en'))} | {_cell(columns.label(k, 'zh'))} "
        f"| {_cell(v)} |"
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


#: The arguments of ``make demo`` after ``retrofit`` (the Makefile runs exactly these).
DEMO_ARGS = ("estimate", "retrofit/samples/example_plant.csv", "--year", "2026")

#: Body lines kept per section of the demo output in the README (all when not named); the
#: rest of a section is shown as one "…" line, so the quick start stays one screen long.
DEMO_SECTION_LINES = {"Assets": 4, "Basis and assumptions": 4, "Caveats": 2}


def demo_output() -> str:
    """What ``make demo`` prints on stdout: ``retrofit`` run with :data:`DEMO_ARGS`."""
    from click.testing import CliRunner

    from .cli import cli

    root = Path(__file__).resolve().parent.parent
    args = [str(root / a) if a.endswith(".csv") else a for a in DEMO_ARGS]
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    if result.exit_code != 0:
        raise RuntimeError(f"retrofit {' '.join(DEMO_ARGS)} exited {result.exit_code}")
    return result.stdout


def abridge(output: str, section_lines: dict[str, int]) -> str:
    """``output`` with each ``== Title ==`` section cut to its number of body lines."""
    kept: list[str] = []
    limit: int | None = None
    body = 0
    for line in output.rstrip().splitlines():
        line = line.rstrip()  # trailing blanks of padded tables: editors strip them
        if line.startswith("== ") and line.endswith(" =="):
            title = line[3:-3]
            limit = next((n for name, n in section_lines.items() if title.startswith(name)), None)
            body = 0
            kept.append(line)
            continue
        if not line.strip():
            kept.append(line)
            continue
        body += 1
        if limit is None or body <= limit:
            kept.append(line)
        elif body == limit + 1:
            kept.append("…")
    return "\n".join(kept)


def demo_output_markdown() -> str:
    return "```text\n" + abridge(demo_output(), DEMO_SECTION_LINES) + "\n```"


#: Generated files, relative to the repository root, and the blocks generated in each.
PAGES: dict[str, dict[str, Callable[[], str]]] = {
    "README.md": {"demo-output": demo_output_markdown},
    "docs/inventory-columns.md": {"inventory-columns": inventory_columns_markdown},
    "docs/output-columns.md": {"output-columns": output_columns_markdown},
}

BLOCKS = {name: make for blocks in PAGES.values() for name, make in blocks.items()}

REGENERATE = "python -m retrofit._docs"


def block_pattern(name: str) -> re.Pattern[str]:
    return re.compile(rf"(<!-- begin {name} -->\n)(?:.*?\n)?(<!-- end {name} -->)", re.DOTALL)


def render(text: str) -> str:
    """``text`` with every generated block it holds replaced by its current text."""
    for name, make in BLOCKS.items():
        if block_pattern(name).search(text):
            text = _replace_block(text, name, make())
    return text


def write_pages(root: Path) -> list[str]:
    """Rewrite the generated blocks of every page under ``root``; return the pages changed."""
    changed = []
    for page in PAGES:
        path = root / page
        text = path.read_text(encoding="utf-8")
        new = render(text)
        if new != text:
            path.write_text(new, encoding="utf-8")
            changed.append(page)
    return changed


def _replace_block(text: str, name: str, body: str) -> str:
    """``text`` with the lines between the markers of block ``name`` replaced by ``body``."""
    return block_pattern(name).sub(lambda m: m.group(1) + body + "\n" + m.group(2), text)


if __name__ == "__main__":  # pragma: no cover - maintainers' tool
    given = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent
    # A file argument (the old ``python -m retrofit._docs README.md``) means its folder.
    repository = given if given.is_dir() else given.parent
    for page in write_pages(repository):
        print(f"rewrote {page}")
