"""Optional dependencies (the package's extras) and the error when one is missing.

matplotlib is the ``plots`` extra: estimates, validation, portfolios and reports work without
it; figures (``--plots``, the HTML report's figures, :mod:`retrofit.plotting`) need it.
"""

from __future__ import annotations

from .core.exceptions import RetrofitError

#: What to install for figures
PLOTS_INSTALL = "pip install 'retrofit[plots]'"


class MissingExtraError(ImportError, RetrofitError):
    """An optional dependency is not installed; the message names the extra that brings it."""

    def __init__(self, feature: str, module: str, install: str) -> None:
        self.feature, self.module, self.install = feature, module, install
        super().__init__(f"{feature} need {module}, which is not installed: {install}")

    def __reduce__(self):
        return type(self), (self.feature, self.module, self.install)


def plots_missing() -> MissingExtraError:
    """The error to raise when importing matplotlib failed."""
    return MissingExtraError("figures", "matplotlib", PLOTS_INSTALL)


def require_plots() -> None:
    """Raise :class:`MissingExtraError` unless matplotlib can be imported."""
    try:
        import matplotlib  # noqa: F401
    except ImportError as error:
        raise plots_missing() from error
