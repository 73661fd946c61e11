"""Every notebook runs top to bottom, and matches its paired ``# %%`` script cell for cell.

The ``.py`` file is the one to edit and review; the ``.ipynb`` is generated from it with
nbformat, outputs cleared (no jupytext needed)::

    .venv/bin/python tests/test_notebooks.py      # rewrite every notebooks/*.ipynb from its .py

Text before the first ``# %%`` line of a script (e.g. a ``# ruff: noqa`` line) is not a cell.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
IPYNBS = sorted(NOTEBOOKS.glob("*.ipynb"))
TIMEOUT_S = 120
_MARKER = re.compile(r"^# %%(?P<rest>.*)$")


def script_cells(text: str) -> list[tuple[str, str]]:
    """(cell_type, source) of each ``# %%`` cell; markdown lines lose their ``# `` prefix."""
    cells: list[tuple[str, list[str]]] = []
    for line in text.splitlines():
        marker = _MARKER.match(line)
        if marker:
            kind = "markdown" if "[markdown]" in marker["rest"] else "code"
            cells.append((kind, []))
        elif cells:
            cells[-1][1].append(line)
    out = []
    for kind, lines in cells:
        if kind == "markdown":
            lines = [ln[2:] if ln.startswith("# ") else ln.removeprefix("#") for ln in lines]
        out.append((kind, "\n".join(lines).strip("\n")))
    return out


def notebook_from_script(script: Path):
    import nbformat

    cells = [
        nbformat.v4.new_markdown_cell(src) if kind == "markdown" else nbformat.v4.new_code_cell(src)
        for kind, src in script_cells(script.read_text(encoding="utf-8"))
    ]
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.metadata["language_info"] = {"name": "python"}
    for i, cell in enumerate(nb.cells):  # stable ids keep the generated file diff-free
        cell["id"] = f"cell-{i:02d}"
    return nb


def test_every_notebook_is_found() -> None:
    assert IPYNBS, f"no notebooks in {NOTEBOOKS}"


@pytest.mark.parametrize("ipynb", IPYNBS, ids=lambda p: p.name)
def test_notebook_matches_its_script(ipynb: Path) -> None:
    import nbformat

    script = ipynb.with_suffix(".py")
    assert script.is_file(), f"{ipynb.name} has no paired {script.name}"
    nb = nbformat.read(ipynb, as_version=4)
    nbformat.validate(nb)
    in_notebook = [(c.cell_type, c.source.strip("\n")) for c in nb.cells]
    in_script = script_cells(script.read_text(encoding="utf-8"))
    regen = "regenerate with `.venv/bin/python tests/test_notebooks.py`"
    assert [s for k, s in in_notebook if k == "code"] == [s for k, s in in_script if k == "code"], (
        f"code cells of {ipynb.name} and {script.name} differ: {regen}"
    )
    assert in_notebook == in_script, (
        f"markdown cells of {ipynb.name} and {script.name} differ: {regen}"
    )
    dirty = [
        i
        for i, c in enumerate(nb.cells)
        if c.cell_type == "code" and (c.outputs or c.execution_count is not None)
    ]
    assert not dirty, f"{ipynb.name}: outputs not cleared in cells {dirty}"


@pytest.mark.slow
@pytest.mark.parametrize("ipynb", IPYNBS, ids=lambda p: p.name)
def test_notebook_executes(ipynb: Path) -> None:
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(ipynb, as_version=4)
    client = NotebookClient(
        nb,
        timeout=TIMEOUT_S,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOKS)}},
    )
    client.execute()  # raises CellExecutionError, with the cell and traceback, on any error
    stderr = [
        (i, out.text)
        for i, cell in enumerate(nb.cells)
        if cell.cell_type == "code"
        for out in cell.outputs
        if out.output_type == "stream" and out.name == "stderr"
    ]
    assert not stderr, f"{ipynb.name} wrote to stderr (warnings?): {stderr}"


if __name__ == "__main__":
    import nbformat

    for script in sorted(NOTEBOOKS.glob("*.py")):
        target = script.with_suffix(".ipynb")
        nbformat.write(notebook_from_script(script), target)
        print(f"wrote {target}", file=sys.stderr)
