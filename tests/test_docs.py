"""The README, the documentation site (docs/) and reference_data/README.md document what the code
does, and their links lead somewhere."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

from retrofit import _docs
from retrofit.cli import cli
from retrofit.core import reference
from retrofit.inventory import schema

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
README = (ROOT / "README.md").read_text(encoding="utf-8")
CLI_PAGE = (DOCS / "cli.md").read_text(encoding="utf-8")
INVENTORY_PAGE = (DOCS / "inventory-columns.md").read_text(encoding="utf-8")
#: Every Markdown file a reader follows links through.
LINKED_FILES = [
    ROOT / "README.md",
    ROOT / "CONTRIBUTING.md",
    ROOT / "reference_data" / "README.md",
    *sorted(DOCS.glob("*.md")),
]


@pytest.mark.parametrize("page", sorted(_docs.PAGES))
def test_generated_pages_are_current(page):
    text = (ROOT / page).read_text(encoding="utf-8")
    for name in _docs.PAGES[page]:
        assert f"<!-- begin {name} -->\n" in text and f"<!-- end {name} -->" in text, (
            f"{page} lost the markers of its generated block {name}"
        )
    assert _docs.render(text) == text, f"{page} is stale; run: {_docs.REGENERATE}"


def test_make_demo_runs_the_command_whose_output_the_readme_shows():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    demo = makefile.split("\ndemo:", 1)[1].split("\n\n", 1)[0]
    assert f"$(BIN)/retrofit {' '.join(_docs.DEMO_ARGS)}" in demo


def test_abridge_cuts_each_named_section_and_marks_the_cut():
    output = "== Plants ==\nh\na\nb\n\n== Assets ==\nh\n1\n2\n3\n\n== Caveats ==\nc1\nc2\n"
    assert _docs.abridge(output, {"Assets": 2, "Caveats": 2}) == (
        "== Plants ==\nh\na\nb\n\n== Assets ==\nh\n1\n…\n\n== Caveats ==\nc1\nc2"
    )


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_every_command_is_documented(command):
    assert f"`retrofit {command}" in CLI_PAGE


@pytest.mark.parametrize("column", [c.name for c in schema.COLUMNS])
def test_every_inventory_column_is_documented(column):
    assert f"| `{column}` |" in INVENTORY_PAGE


@pytest.mark.parametrize(
    "option",
    sorted(
        p.opts[0] for p in cli.commands["estimate"].params if p.opts and p.opts[0].startswith("--")
    ),
)
def test_every_estimate_option_is_documented(option):
    assert f"`{option}" in CLI_PAGE


def test_every_table_is_in_the_reference_readme():
    text = (reference.reference_data_dir() / "README.md").read_text(encoding="utf-8")
    for name in reference.list_tables()["table"]:
        assert f"`{name}`" in text


def test_quick_start_is_the_two_make_commands():
    quick = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    assert "make demo" in quick and "make test" in quick
    assert "Python ≥ 3.11" in quick and "make" in quick


def test_readme_is_a_five_minute_read():
    assert len(README.splitlines()) < 150


def test_every_docs_page_is_in_the_site_navigation():
    nav = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    for page in DOCS.glob("*.md"):
        assert f": {page.name}\n" in nav, f"{page.name} is missing from the nav of mkdocs.yml"


def table_rows_with_wrong_width(markdown: str) -> list[str]:
    """Table rows whose cell count differs from their header's: a bare ``|`` in a cell splits it
    and the renderer drops the overflow. Cells split on pipes not escaped as ``\\|``."""
    wrong = []
    width = None
    for line in FENCE.sub("", markdown).splitlines():
        if not line.startswith("|"):
            width = None
            continue
        cells = len(re.findall(r"(?<!\\)\|", line)) - 1
        if width is None:
            width = cells
        elif cells != width:
            wrong.append(line)
    return wrong


@pytest.mark.parametrize("path", LINKED_FILES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_table_rows_have_their_header_width(path):
    assert table_rows_with_wrong_width(path.read_text(encoding="utf-8")) == []


def test_table_width_check_finds_a_bare_pipe():
    table = "| a | b |\n|---|---|\n| x | table \\| input |\n| y | table | input |\n"
    assert table_rows_with_wrong_width(table) == ["| y | table | input |"]


# --- links ---------------------------------------------------------------------------------

FENCE = re.compile(r"^(```|~~~).*?^\1", re.DOTALL | re.MULTILINE)
CODE_SPAN = re.compile(r"`[^`\n]*`")
LINK = re.compile(r"\[[^\]\n]*\]\(([^)\s]+)\)")
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces → hyphens.

    Python-Markdown's default (the docs site) agrees on ASCII headings; mkdocs --strict checks
    the site's own anchors."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors(markdown: str) -> set[str]:
    return {slug(h) for h in HEADING.findall(FENCE.sub("", markdown))}


def broken_links(path: Path, root: Path) -> list[str]:
    """Relative links of a Markdown file whose target file or heading does not exist.

    A target starting with ``/`` is read from ``root`` (as GitHub does); web links are not
    followed."""
    text = CODE_SPAN.sub("", FENCE.sub("", path.read_text(encoding="utf-8")))
    broken = []
    for target in LINK.findall(text):
        if re.match(r"[a-z][a-z0-9+.-]*:", target):  # http:, https:, mailto:
            continue
        file_part, _, anchor = target.partition("#")
        if not file_part:
            found = path
        elif file_part.startswith("/"):
            found = root / file_part.lstrip("/")
        else:
            found = path.parent / file_part
        if not found.exists():
            broken.append(f"{target}: no such file")
        elif (
            anchor
            and found.suffix == ".md"
            and anchor not in anchors(found.read_text(encoding="utf-8"))
        ):
            broken.append(f"{target}: no heading with that anchor")
    return broken


@pytest.mark.parametrize("path", LINKED_FILES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_relative_links_lead_to_a_file_and_heading(path):
    assert broken_links(path, ROOT) == []


def test_link_check_reports_a_missing_file_and_a_missing_heading(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.md").write_text("# A page\n\n## The `--basis` option\n")
    page = tmp_path / "docs" / "index.md"
    page.write_text(
        "[ok](a.md#the---basis-option) [root](/docs/a.md) [web](https://example.org/x)\n"
        "`[code](nowhere.md)` [gone](b.md) [bad anchor](a.md#nothing)\n"
        "```text\n[fenced](nowhere.md)\n```\n"
    )
    assert broken_links(page, tmp_path) == [
        "b.md: no such file",
        "a.md#nothing: no heading with that anchor",
    ]


def test_site_hook_rewrites_repository_links_to_site_pages():
    spec = importlib.util.spec_from_file_location("repository_pages", DOCS / "repository_pages.py")
    assert spec is not None and spec.loader is not None
    hook = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hook)
    # a docs page: "/X" is read from the repository root; its own relative links stay
    assert hook.rewrite_link("/CONTRIBUTING.md", "index.md", None) == "repository/CONTRIBUTING.md"
    assert hook.rewrite_link("cli.md#exit-codes", "index.md", None) == "cli.md#exit-codes"
    # the README, served as repository/README.md, links from the repository root
    assert hook.rewrite_link("docs/cli.md#exit-codes", "repository/README.md", "") == (
        "../cli.md#exit-codes"
    )
    assert hook.rewrite_link("CONTRIBUTING.md", "repository/README.md", "") == "CONTRIBUTING.md"
    assert hook.rewrite_link("https://example.org/a.md", "index.md", None) == (
        "https://example.org/a.md"
    )
    # a file the site does not serve is left for mkdocs --strict to report
    assert hook.rewrite_link("/notebooks/a.py", "index.md", None) == "/notebooks/a.py"
