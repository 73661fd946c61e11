"""Drawing helpers the estimate and portfolio figures share: colours, a new Axes outside
pyplot, checks of the input frames, number formats, and :func:`save_figure` (PNG and SVG,
written atomically).

Imports matplotlib (the ``plots`` extra) and raises
:class:`retrofit._optional.MissingExtraError` naming the extra when it is missing.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd

from .._optional import plots_missing
from ..io.atomic import atomic_write

try:  # matplotlib is the [plots] extra
    from matplotlib.artist import Artist
    from matplotlib.axes import Axes
    from matplotlib.axis import Axis
    from matplotlib.figure import Figure, SubFigure
    from matplotlib.lines import Line2D
    from matplotlib.ticker import StrMethodFormatter
except ImportError as error:
    raise plots_missing() from error

from .labels import FigureText

#: Colours of the figures' elements, by role
COLOURS = {
    "gain": "tab:blue",
    "loss": "tab:red",
    "total": "dimgray",
    "meets": "tab:green",
    "short": "tab:orange",
    "capacity": "tab:blue",
    "realised": "tab:green",
    "goal": "black",
}


#: Bars or legend entries a chart names one by one; beyond, the smallest are one 其他 (other)
#: entry that says how many it holds
MAX_NAMED = 12


def outside_legend(
    ax: Axes, notes: Sequence[str] = (), last: Sequence[str] = (), first: Sequence[Artist] = ()
) -> None:
    """The legend of ``ax`` right of the axes, where it covers no bar whatever their number:
    ``first`` (patches naming bar colours), the labelled artists of ``ax`` with those labelled
    in ``last`` (the 其他 entry) moved to the end, then ``notes`` (a goal too far to draw, …)
    as entries without a symbol."""
    pairs = [(handle, str(handle.get_label())) for handle in first]
    pairs += list(zip(*ax.get_legend_handles_labels(), strict=True))
    pairs.sort(key=lambda pair: pair[1] in last)  # stable: only the ``last`` ones move
    handles = [handle for handle, _label in pairs]
    labels = [label for _handle, label in pairs]
    for note in notes:
        handles.append(Line2D([], [], linestyle="none"))
        labels.append(note)
    if handles:
        ax.legend(handles, labels, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small")


def new_axes(figsize: tuple[float, float] | None = None) -> Axes:
    """An Axes on a new Figure of its own, so pyplot's global state is never touched;
    ``figsize`` [inch] as matplotlib's, its default when None."""
    return Figure(figsize=figsize, layout="constrained").add_subplot()


def require_columns(frame: pd.DataFrame, name: str, columns: Iterable[str]) -> None:
    """Raise ValueError naming ``name`` when ``frame`` lacks one of ``columns`` or has no rows."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{name} is missing column(s) {missing}; found {list(frame.columns)}")
    if frame.empty:
        raise ValueError(f"{name} has no rows")


def title_with_basis(text: FigureText, key: str, basis_note: str, **fields: object) -> str:
    """The title ``key`` filled with ``fields``, and the conversion basis under it."""
    title = text[key].format(**fields)
    note = text.clean(basis_note).strip()
    return f"{title}\n{note}" if note else title


def check_basis(unit: str, basis_note: str) -> None:
    """Raise ValueError when a tce figure does not name its conversion basis."""
    if "tce" in unit.lower() and not basis_note.strip():
        raise ValueError(
            f"unit {unit!r} is tce: basis_note must name the conversion basis, "
            "e.g. 'tce, 当量值 (equivalent) basis'"
        )


def thousands_separators(axis: Axis) -> None:
    """Tick labels of ``axis`` with thousands separators (12,345)."""
    axis.set_major_formatter(StrMethodFormatter("{x:,.12g}"))


def format_percent(fraction: float) -> str:
    """``fraction`` [0–1] as a percentage with four significant digits, e.g. "1.25 %"."""
    return f"{fraction * 100:.4g} %"


def format_value(value: float) -> str:
    """A bar label: no decimals from 100, one from 1, two significant digits below."""
    magnitude = abs(value)
    if magnitude >= 100:
        return f"{value:,.0f}"
    if magnitude >= 1:
        return f"{value:,.1f}"
    return f"{value:.2g}"


def save_figure(
    ax_or_fig: Axes | Figure | SubFigure,
    folder: str | Path,
    stem: str,
    formats: Sequence[str] = ("png", "svg"),
) -> list[Path]:
    """Write the figure as ``folder/stem.<format>`` for each format, each atomically.

    Each file is written to a temporary file in ``folder`` and renamed over the target, so a
    failure leaves neither a partial file nor a changed target.

    Parameters
    ----------
    ax_or_fig : matplotlib.axes.Axes or matplotlib.figure.Figure
        The figure, or any Axes on it.
    folder : str or pathlib.Path
        Created if missing.
    stem : str
        File name without extension; no path separators.
    formats : sequence of str, default ("png", "svg")
        Formats matplotlib can write.

    Returns
    -------
    list of pathlib.Path
        The files written, in ``formats`` order.

    Raises
    ------
    ValueError
        ``stem`` is empty or contains a path separator, or a format is not supported.
    """
    if not stem or Path(stem).name != stem:
        raise ValueError(f"stem must be a plain file name without folders, got {stem!r}")
    fig = ax_or_fig if isinstance(ax_or_fig, Figure) else ax_or_fig.figure
    while isinstance(fig, SubFigure):
        fig = fig.figure
    if not isinstance(fig, Figure):
        raise TypeError(f"ax_or_fig must be an Axes or a Figure, got {type(ax_or_fig).__name__}")
    supported = fig.canvas.get_supported_filetypes()
    unknown = [f for f in formats if f not in supported]
    if unknown:
        raise ValueError(f"unsupported format(s) {unknown}; one of {sorted(supported)}")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for fmt in formats:
        target = folder / f"{stem}.{fmt}"
        # SVG's default metadata holds the date: leave it out so reruns give the same bytes
        metadata = {"Date": None} if fmt == "svg" else None
        atomic_write(target, functools.partial(_savefig, fig, fmt=fmt, metadata=metadata))
        written.append(target)
    return written


def _savefig(fig: Figure, path: Path, *, fmt: str, metadata: dict | None) -> None:
    fig.savefig(path, format=fmt, bbox_inches="tight", metadata=metadata)
