"""A fresh machine without a Chinese font or Chromium: tests that need them skip, saying how to
install what is missing, and fail when the ``CI`` environment variable is set (``.ci/run``
installs both). The missing tool is simulated: ``retrofit.plotting.fonts.find_cjk_font`` answering None,
no ``chromium`` on PATH.

Each case runs a small test file in a separate pytest session (pytester) with this folder's
conftest.py, so that the fixtures' skip and fail are seen as a user would see them.
"""

from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # five pytest sessions; the set-up rarely changes

CONFTEST = (Path(__file__).parent / "conftest.py").read_text(encoding="utf-8")

NEEDS_A_CJK_FONT = """
import pytest
from retrofit.plotting import fonts


@pytest.fixture(autouse=True)
def no_cjk_font(monkeypatch):
    monkeypatch.setattr(fonts, "find_cjk_font", lambda: None)


def test_chinese_labels(cjk_font):
    pass
"""

NEEDS_CHROMIUM = """
import pytest


@pytest.fixture(autouse=True)
def no_chromium(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))


def test_browser(chromium):
    pass
"""


def run(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, source: str, ci: bool):
    if ci:
        monkeypatch.setenv("CI", "1")
    else:
        monkeypatch.delenv("CI", raising=False)
    pytester.makeconftest(CONFTEST.replace('pytest_plugins = ["pytester"]', ""))
    pytester.makepyfile(test_needs=source)
    return pytester.runpytest_inprocess("-rs", "-p", "no:cacheprovider")


def test_no_cjk_font_skips_with_the_package_to_install(pytester, monkeypatch):
    outcome = run(pytester, monkeypatch, NEEDS_A_CJK_FONT, ci=False)
    outcome.assert_outcomes(skipped=1)
    outcome.stdout.fnmatch_lines(
        ["*a CJK font is missing (apt-get install fonts-wqy-microhei); set CI=1*"]
    )


def test_no_cjk_font_fails_under_ci(pytester, monkeypatch):
    outcome = run(pytester, monkeypatch, NEEDS_A_CJK_FONT, ci=True)
    outcome.assert_outcomes(errors=1)
    outcome.stdout.fnmatch_lines(["*CI is set but a CJK font is missing: .ci/run installs it*"])


def test_no_chromium_skips_and_fails_under_ci(pytester, monkeypatch):
    pytest.importorskip("playwright")
    skipped = run(pytester, monkeypatch, NEEDS_CHROMIUM, ci=False)
    skipped.assert_outcomes(skipped=1)
    skipped.stdout.fnmatch_lines(["*Chromium is missing (apt-get install chromium)*"])
    failed = run(pytester, monkeypatch, NEEDS_CHROMIUM, ci=True)
    failed.assert_outcomes(errors=1)
