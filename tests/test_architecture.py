"""No private name crosses a module border (issue 15, point 4).

A leading underscore says "this can change without notice"; that promise only holds if no other
module leans on the name. The test parses every module of ``retrofit/`` with :mod:`ast` (nothing
is imported or run) and fails with ``file:line`` for each of these:

1. ``from .x import _y`` (or ``from retrofit.x import _y``): a private name taken from another
   module, package ``__init__`` included.
2. ``from ._x import y``, ``from . import _x``, ``import retrofit._x``: a private module imported
   from outside it.
3. ``from ..core import frame as _rows``: a retrofit module or name bound to a private alias. The
   reader of ``_rows.numbers(...)`` cannot tell that the helper is public and lives in
   ``core/frame.py``; that disguise is how ``measures/_rows.py`` was shared by four packages.
4. ``module._name`` (read, write or delete) and ``getattr``/``setattr``/``hasattr``/``delattr``
   with a private string, where ``module`` was bound by an import from retrofit. This also catches
   a private attribute of an imported class (``SomeClass._cache``).

Allowed:

- ``from __future__ import ...`` and other packages (``import datetime as _dt`` is the module's own
  choice of a short local name for something outside retrofit).
- Dunders (``__version__``, ``__all__``): their underscores are Python's, not privacy.
- The package-private modules ``_version``, ``_optional`` and ``_docs``. Their underscore means
  "not part of the API users import", not "not for sibling modules": every module of retrofit may
  import them and the names they define. A new module of that kind is added to
  ``PACKAGE_PRIVATE_MODULES`` with a reason, never a module that hides one helper for another.

Not checked: a private attribute of an *instance* built in another module (``result._cache``);
that needs types, not syntax. Tests (``tests/``) may test internals and are not scanned.

A private helper another module needs becomes public, with a docstring, in the module that owns
it (or in ``core/`` when several packages share it).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE_ROOT = Path(__file__).resolve().parents[1] / "retrofit"

#: Package-private modules: private to ``retrofit`` (not user API), importable by its modules.
PACKAGE_PRIVATE_MODULES = frozenset(
    {
        "_version",  # the version string, a leaf so that no module imports the package's faces
        "_optional",  # the message and check for optional dependencies (matplotlib, dask, ...)
        "_docs",  # generated documentation tables, read by the docs build and its sync tests
    }
)

#: Known violations allowed for a while, as (file relative to the repository, private name):
#: none today. ``test_allow_list_has_no_stale_entries`` fails once a listed one is fixed.
KNOWN_VIOLATIONS: frozenset[tuple[str, str]] = frozenset()

_ATTRIBUTE_FUNCTIONS = frozenset({"getattr", "setattr", "hasattr", "delattr"})


@dataclass(frozen=True)
class Violation:
    """One private name used across a module border."""

    file: str
    line: int
    name: str
    what: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.what}"


def _is_private(name: str) -> bool:
    """A leading underscore that is not a dunder and not a package-private module."""
    if name.startswith("__") and name.endswith("__"):
        return False
    return name.startswith("_") and name not in PACKAGE_PRIVATE_MODULES


def private_name_violations(source: str, file: str) -> list[Violation]:
    """Every use in ``source`` of a private name of another retrofit module (rules 1 to 4)."""
    tree = ast.parse(source, filename=file)
    found: list[Violation] = []
    imported: set[str] = set()  # local names bound by imports from retrofit

    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level == 0 and module.split(".")[0] != "retrofit":
                continue
            spelled = "." * node.level + module
            found.extend(
                Violation(file, node.lineno, part, f"from {spelled} import ...")
                for part in module.split(".")
                if _is_private(part)
            )
            for alias in node.names:
                if _is_private(alias.name):
                    what = f"from {spelled} import {alias.name}"
                    found.append(Violation(file, node.lineno, alias.name, what))
                if alias.asname is not None and _is_private(alias.asname):
                    what = f"from {spelled} import {alias.name} as {alias.asname}"
                    found.append(Violation(file, node.lineno, alias.asname, what))
                imported.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] != "retrofit":
                    continue
                found.extend(
                    Violation(file, node.lineno, part, f"import {alias.name}")
                    for part in parts
                    if _is_private(part)
                )
                if alias.asname is not None and _is_private(alias.asname):
                    what = f"import {alias.name} as {alias.asname}"
                    found.append(Violation(file, node.lineno, alias.asname, what))
                imported.add(alias.asname or parts[0])

    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and _is_private(node.attr):
            base = node.value
            while isinstance(base, ast.Attribute):
                base = base.value
            if isinstance(base, ast.Name) and base.id in imported:
                found.append(Violation(file, node.lineno, node.attr, ast.unparse(node)))
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in _ATTRIBUTE_FUNCTIONS
            and len(node.args) >= 2
            and isinstance(node.args[0], ast.Name)
            and node.args[0].id in imported
            and isinstance(node.args[1], ast.Constant)
            and isinstance(node.args[1].value, str)
            and _is_private(node.args[1].value)
        ):
            found.append(Violation(file, node.lineno, node.args[1].value, ast.unparse(node)))
    return sorted(found, key=lambda v: (v.line, v.name))


def _package_violations() -> list[Violation]:
    found: list[Violation] = []
    for path in sorted(PACKAGE_ROOT.rglob("*.py")):
        file = path.relative_to(PACKAGE_ROOT.parent).as_posix()
        found.extend(private_name_violations(path.read_text(encoding="utf-8"), file))
    return found


def test_no_private_name_crosses_a_module_border() -> None:
    new = [v for v in _package_violations() if (v.file, v.name) not in KNOWN_VIOLATIONS]
    assert not new, (
        "private names used across a module border (make the name public with a docstring in "
        "the module that owns it, or import the module under its own name):\n"
        + "\n".join(str(v) for v in new)
    )


def test_allow_list_has_no_stale_entries() -> None:
    seen = {(v.file, v.name) for v in _package_violations()}
    stale = sorted(KNOWN_VIOLATIONS - seen)
    assert not stale, f"fixed: remove from KNOWN_VIOLATIONS: {stale}"


# The checker itself, on sources written here: each case names the lines it must report.
CHECKER_CASES = [
    pytest.param("from .reading import _finish, read_inventory\n", [(1, "_finish")], id="name"),
    pytest.param("from retrofit.inventory.reading import _Table\n", [(1, "_Table")], id="abs"),
    pytest.param("from .measures import _rows\n", [(1, "_rows")], id="private-module"),
    pytest.param("from ._rows import numbers\n", [(1, "_rows")], id="from-private-module"),
    pytest.param("import retrofit._hidden\n", [(1, "_hidden")], id="import-private-module"),
    pytest.param("from ..core import frame as _rows\n", [(1, "_rows")], id="private-alias"),
    pytest.param(
        "from . import reading\n\nreading._USE_PYARROW = False\n",
        [(3, "_USE_PYARROW")],
        id="attribute-write",
    ),
    pytest.param(
        "import retrofit.inventory.reading\nx = retrofit.inventory.reading._empty(1)\n",
        [(2, "_empty")],
        id="attribute-dotted",
    ),
    pytest.param(
        "from .core import frame\n\nf = getattr(frame, '_helper')\n",
        [(3, "_helper")],
        id="getattr",
    ),
    pytest.param(
        "def f():\n    from .money import cost\n    return cost._table\n",
        [(3, "_table")],
        id="function-import",
    ),
]

ALLOWED_CASES = [
    pytest.param("from __future__ import annotations\n", id="future"),
    pytest.param("from ._version import __version__\n", id="version"),
    pytest.param("from . import _optional\n\n_optional.require\n", id="optional"),
    pytest.param("from .._docs import tables\n", id="docs"),
    pytest.param("import datetime as _dt\n\n_dt.date._private\n", id="other-package"),
    pytest.param("from .core import frame\n\nframe.__doc__\n", id="dunder"),
    pytest.param("def _own():\n    return 1\n\n_own()\n", id="own-private-name"),
    pytest.param("import numpy as np\n\nnp._NoValue\n", id="numpy-private"),
]


@pytest.mark.parametrize(("source", "expected"), CHECKER_CASES)
def test_checker_reports_file_and_line(source: str, expected: list[tuple[int, str]]) -> None:
    found = private_name_violations(source, "retrofit/example.py")
    assert [(v.line, v.name) for v in found] == expected
    assert all(str(v).startswith(f"retrofit/example.py:{v.line}: ") for v in found)


@pytest.mark.parametrize("source", ALLOWED_CASES)
def test_checker_allows(source: str) -> None:
    assert private_name_violations(source, "retrofit/example.py") == []
