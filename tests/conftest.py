"""Fixtures shared by the test modules.

- Inventory builders (``frame_of_rows``, ``frame_of_columns``) and ``write_csv`` replace the
  copies each test module used to carry.
- ``run_measure`` runs one measure module's ``compute`` on rows read and defaulted as
  ``retrofit.estimate`` reads them, without the rest of an estimate: properties drawn by the
  hundred stay cheap.
- ``cjk_font`` and ``chromium`` stand for what a fresh machine may lack. Outside CI a test that
  needs one skips and says how to install it; with the ``CI`` environment variable set it fails,
  because ``.ci/run`` installs both.

The builders are session-scoped callables so that hypothesis tests (which reject
function-scoped fixtures) can use them too.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, NoReturn

import numpy as np
import pandas as pd
import pytest

from retrofit.core.caveats import CaveatLog
from retrofit.core.exceptions import InventoryIssue
from retrofit.core.reference import Tables
from retrofit.inventory.defaults import apply_defaults
from retrofit.inventory.reading import validate_frame

pytest_plugins = ["pytester"]

FrameOfRows = Callable[..., pd.DataFrame]
FrameOfColumns = Callable[..., pd.DataFrame]


def _with_ids(df: pd.DataFrame, plant_id: str) -> pd.DataFrame:
    """Put plant_id and asset_id (A0, A1 …) in front, unless the rows give their own."""
    if "plant_id" not in df.columns:
        df.insert(0, "plant_id", plant_id)
    if "asset_id" not in df.columns:
        df.insert(1, "asset_id", [f"A{i}" for i in range(len(df))])
    return df


@pytest.fixture(scope="session")
def frame_of_rows() -> FrameOfRows:
    """``frame_of_rows(rows, plant_id="P1")``: an inventory frame from row dicts."""

    def build(rows: Iterable[Mapping[str, Any]], plant_id: str = "P1") -> pd.DataFrame:
        return _with_ids(pd.DataFrame(list(rows)), plant_id)

    return build


@pytest.fixture(scope="session")
def frame_of_columns() -> FrameOfColumns:
    """``frame_of_columns(plant_id="P1", **columns)``: an inventory frame from columns; a
    scalar is repeated down the longest list given."""

    def build(plant_id: str = "P1", **columns: Any) -> pd.DataFrame:
        n = max([len(v) for v in columns.values() if isinstance(v, list)] + [1])
        df = pd.DataFrame({k: v if isinstance(v, list) else [v] * n for k, v in columns.items()})
        return _with_ids(df, plant_id)

    return build


@pytest.fixture
def write_csv(tmp_path: Path) -> Callable[..., Path]:
    """``write_csv(text_or_frame, name="plant.csv", encoding="utf-8")``: a file in tmp_path."""

    def write(
        content: str | pd.DataFrame, name: str = "plant.csv", encoding: str = "utf-8"
    ) -> Path:
        path = tmp_path / name
        if isinstance(content, pd.DataFrame):
            content.to_csv(path, index=False, encoding=encoding)
        else:
            path.write_text(content, encoding=encoding)
        return path

    return write


@dataclass(frozen=True)
class MeasureRun:
    """What a measure's ``compute`` returned for every row of a frame, and its caveats."""

    rows: pd.DataFrame  # the rows after defaults, as compute saw them
    results: pd.DataFrame
    issues: list[InventoryIssue]
    log: CaveatLog


@pytest.fixture(scope="session")
def tables() -> Tables:
    """The packaged reference tables, read once per session (tests must not change them)."""
    return Tables()


@pytest.fixture(scope="session")
def run_measure(tables: Tables) -> Callable[[ModuleType, pd.DataFrame], MeasureRun]:
    """``run_measure(module, frame)``: validate and default ``frame`` as ``estimate`` does, then
    call ``module.compute`` on all of its rows."""

    def run(module: ModuleType, frame: pd.DataFrame) -> MeasureRun:
        inventory = validate_frame(frame)
        meta = inventory.meta
        log = CaveatLog(len(inventory.assets))
        assets, issues, _ = apply_defaults(
            inventory.assets, tables, log, file=meta.path, header_map=meta.header_map
        )
        assert issues == []
        results, found = module.compute(
            assets,
            np.arange(len(assets)),
            tables,
            log,
            file=meta.path,
            header_map=meta.header_map,
        )
        return MeasureRun(assets, results, found, log)

    return run


def missing(what: str, install: str) -> NoReturn:
    """Skip a test whose tool is missing, saying how to install it; under CI, fail instead."""
    if os.environ.get("CI"):
        pytest.fail(f"CI is set but {what} is missing: .ci/run installs it ({install})")
    pytest.skip(f"{what} is missing ({install}); set CI=1 to make this a failure")


@pytest.fixture
def cjk_font() -> str:
    """The family name of an installed font with Chinese glyphs."""
    from retrofit.plotting import fonts

    font = fonts.find_cjk_font()
    if font is None:
        missing("a CJK font", "apt-get install fonts-wqy-microhei")
    return font


@pytest.fixture
def chromium() -> tuple[Any, str]:
    """playwright's ``sync_playwright`` and the path of a Chromium binary to drive."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("playwright", "make test installs it with the test extras")
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        missing("Chromium", "apt-get install chromium")
    return sync_playwright, executable


@pytest.fixture
def fontconfig() -> str:
    """The path of fontconfig's ``fc-list``."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        missing("fontconfig (fc-list)", "apt-get install fontconfig")
    return fc_list
