"""The README and reference_data/README.md document what the code does."""

from pathlib import Path

import pytest

from retrofit import _docs, reference, schema
from retrofit.cli import cli

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_generated_blocks_are_current():
    assert _docs.render(README) == README, "run: python -m retrofit._docs README.md"


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_every_command_is_documented(command):
    assert f"`retrofit {command}" in README


@pytest.mark.parametrize("column", [c.name for c in schema.COLUMNS])
def test_every_inventory_column_is_documented(column):
    assert f"| `{column}` |" in README


@pytest.mark.parametrize(
    "option",
    sorted(
        p.opts[0] for p in cli.commands["estimate"].params if p.opts and p.opts[0].startswith("--")
    ),
)
def test_every_estimate_option_is_documented(option):
    assert f"`{option}" in README


def test_every_table_is_in_the_reference_readme():
    text = (reference.reference_data_dir() / "README.md").read_text(encoding="utf-8")
    for name in reference.list_tables()["table"]:
        assert f"`{name}`" in text


def test_quick_start_is_the_two_make_commands():
    quick = README.split("## Quick start", 1)[1].split("##", 1)[0]
    assert "make demo" in quick and "make test" in quick
