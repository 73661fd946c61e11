"""matplotlib is the ``plots`` extra: everything but figures works without it, and asking for
figures without it names the extra."""

from __future__ import annotations

import importlib
import subprocess
import sys
import textwrap

import pytest
from click.testing import CliRunner

import retrofit
from retrofit._optional import MissingExtraError, require_plots
from retrofit.cli import cli

#: a second Python without matplotlib: `make test` runs them, `make test-fast` leaves them out
pytestmark = pytest.mark.slow

EXTRA = "pip install 'retrofit[plots]'"
#: Every module of retrofit.plotting: each needs matplotlib
PLOTTING_MODULES = ("fonts", "labels", "common", "estimate", "portfolio")


@pytest.fixture
def no_matplotlib(monkeypatch):
    """``import matplotlib`` fails as on an install without the extra (None in sys.modules
    makes the import system raise ImportError); the modules of retrofit.plotting are imported
    afresh."""
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    for name in PLOTTING_MODULES:
        monkeypatch.delitem(sys.modules, f"retrofit.plotting.{name}", raising=False)


@pytest.mark.parametrize("name", PLOTTING_MODULES)
def test_plots_module_names_the_extra(no_matplotlib, name):
    with pytest.raises(MissingExtraError) as info:
        importlib.import_module(f"retrofit.plotting.{name}")
    assert str(info.value) == f"figures need matplotlib, which is not installed: {EXTRA}"
    assert isinstance(info.value, ImportError)  # `except ImportError` still catches it
    with pytest.raises(MissingExtraError):
        require_plots()


def test_estimate_plots_option_fails_first_naming_the_extra(no_matplotlib, tmp_path):
    figures = tmp_path / "figures"
    out = tmp_path / "out.json"
    run = CliRunner().invoke(
        cli, ["estimate", str(retrofit.sample_path()), "--plots", str(figures), "-o", str(out)]
    )
    assert run.exit_code == 1
    assert EXTRA in run.output
    assert not figures.exists() and not out.exists()  # refused before estimating


def test_portfolio_plots_option_names_the_extra(no_matplotlib, tmp_path):
    run = CliRunner().invoke(
        cli, ["portfolio", str(retrofit.sample_path()), "--plots", str(tmp_path / "figures")]
    )
    assert run.exit_code == 1
    assert EXTRA in run.output


def test_html_report_without_matplotlib_says_the_figures_are_missing(no_matplotlib, tmp_path):
    path = tmp_path / "report.html"
    run = CliRunner().invoke(cli, ["report", str(retrofit.sample_path()), "-o", str(path)])
    assert run.exit_code == 0, run.output
    html = path.read_text(encoding="utf-8")
    assert "Figures omitted: matplotlib is not installed. To draw them: " + EXTRA in html.replace(
        "&#x27;", "'"
    )
    assert "<svg" not in html
    assert "the report has no figures" in run.output


def test_everything_but_figures_runs_in_a_python_without_matplotlib(tmp_path):
    # a fresh interpreter whose import system refuses matplotlib: the faces and the library
    # work, and nothing imports matplotlib behind the scenes
    code = textwrap.dedent(
        f"""
        import sys

        class Refuse:
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] == "matplotlib":
                    raise ImportError("no matplotlib here")

        sys.meta_path.insert(0, Refuse())
        import retrofit
        from retrofit.cli import cli
        from retrofit.portfolio.runner import portfolio

        sample = str(retrofit.sample_path())
        result = retrofit.estimate(sample, year=2026)
        assert len(result.assets) > 0
        portfolio([sample], year=2026)
        for args in (
            ["validate", sample],
            ["estimate", sample, "-o", r"{tmp_path / "out.csv"}"],
            ["portfolio", sample, "-o", r"{tmp_path / "portfolio.json"}"],
            ["report", sample, "-o", r"{tmp_path / "report.xlsx"}"],
            ["report", sample, "-o", r"{tmp_path / "report.html"}"],
        ):
            try:
                cli.main(args, standalone_mode=False)
            except SystemExit as exit:
                assert exit.code in (0, None), (args, exit.code)
        print(sorted(m for m in sys.modules if m.startswith("matplotlib")))
        """
    )
    run = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr[-3000:]
    assert run.stdout.strip().splitlines()[-1] == "[]"
    for name in ("out.csv", "portfolio.json", "report.xlsx", "report.html"):
        assert (tmp_path / name).stat().st_size > 0
