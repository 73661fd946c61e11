"""Fonts for Chinese labels: :func:`find_cjk_font` finds a font with CJK glyphs known to
matplotlib, and :func:`resolve_language` says which label language a figure will use (English,
with :data:`NO_CJK_FONT_MESSAGE`, when Chinese is asked for and no such font exists).

Imports matplotlib (the ``plots`` extra) and raises
:class:`retrofit._optional.MissingExtraError` naming the extra when it is missing.
"""

from __future__ import annotations

import functools
import shutil
import subprocess

from .._optional import plots_missing

try:  # matplotlib is the [plots] extra
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font
except ImportError as error:
    raise plots_missing() from error

#: The label languages of the figures
LANGUAGES: tuple[str, ...] = ("en", "zh")

#: Font families tried first, in order, by :func:`find_cjk_font`.
CJK_FONT_PREFERENCE: tuple[str, ...] = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "SimHei",
    "Microsoft YaHei",
    "PingFang SC",
    "Heiti SC",
    "Arial Unicode MS",
)

NO_CJK_FONT_MESSAGE = (
    "no CJK font found (install e.g. fonts-noto-cjk or fonts-wqy-microhei); "
    "plot labels are in English"
)

#: "节" must have a glyph; the others must have different ones (see has_cjk_glyph)
_PROBE_CHARS = "节能百"


class MissingCJKFontWarning(UserWarning):
    """``lang="zh"`` was asked for but no font with CJK glyphs exists: labels are in English."""


def has_cjk_glyph(path: str) -> bool:
    """Whether the font file draws Chinese: real, distinct glyphs for the probe characters.

    Matplotlib's bundled "Last Resort" font maps every character of a block to one placeholder
    glyph (a box), so a non-zero glyph index alone is not enough.
    """
    try:
        font = FT2Font(path)
        indices = [font.get_char_index(ord(char)) for char in _PROBE_CHARS]
    except (OSError, RuntimeError, ValueError):
        return False
    return all(indices) and len(set(indices)) == len(indices)


def _system_cjk_font_files() -> list[str]:
    """Font files the system has that matplotlib's (possibly stale) font cache may not list."""
    fc_list = shutil.which("fc-list")
    if fc_list is not None:
        try:
            out = subprocess.run(
                [fc_list, ":lang=zh", "file"],
                capture_output=True,
                text=True,
                timeout=30,
                check=False,
            ).stdout
        except (OSError, subprocess.SubprocessError):
            out = ""
        return sorted({line.strip().rstrip(":") for line in out.splitlines() if line.strip()})
    known = {entry.fname for entry in font_manager.fontManager.ttflist}
    return sorted(set(font_manager.findSystemFonts()) - known)


def find_in_font_manager() -> str | None:
    entries = font_manager.fontManager.ttflist
    names = {entry.name for entry in entries}
    for name in CJK_FONT_PREFERENCE:
        if name in names:
            return name
    for entry in sorted(entries, key=lambda e: (e.name, e.fname)):
        if has_cjk_glyph(entry.fname):
            return entry.name
    return None


@functools.cache
def find_cjk_font() -> str | None:
    """Name of a font family, known to matplotlib, that has Chinese glyphs; None when none exists.

    The families in :data:`CJK_FONT_PREFERENCE` are tried in order, then any font whose file has
    distinct glyphs for "节", "能" and "百". When matplotlib's font cache knows none (it is not rebuilt when fonts are
    installed after it was written), the system's CJK fonts (``fc-list :lang=zh file``, or
    :func:`matplotlib.font_manager.findSystemFonts` without fontconfig) are added to matplotlib's
    font manager and the search is repeated. The result is cached for the process; call
    ``find_cjk_font.cache_clear()`` after installing a font.

    Returns
    -------
    str or None
        Font family name, e.g. ``"WenQuanYi Micro Hei"``.
    """
    found = find_in_font_manager()
    if found is not None:
        return found
    added = False
    for path in _system_cjk_font_files():
        if has_cjk_glyph(path):
            try:
                font_manager.fontManager.addfont(path)
                added = True
            except (OSError, RuntimeError, ValueError):
                continue
    return find_in_font_manager() if added else None


def resolve_language(lang: str) -> tuple[str, str | None]:
    """The label language a plot will use, and why it differs from ``lang`` if it does.

    Parameters
    ----------
    lang : str
        ``"en"`` or ``"zh"``.

    Returns
    -------
    lang : str
        ``lang``, or ``"en"`` when ``"zh"`` was asked for but :func:`find_cjk_font` found none.
    message : str or None
        Why the language fell back; None when it did not.

    Raises
    ------
    ValueError
        ``lang`` is neither ``"en"`` nor ``"zh"``.
    """
    if lang not in LANGUAGES:
        raise ValueError(f"lang must be one of {sorted(LANGUAGES)}, got {lang!r}")
    if lang == "zh" and find_cjk_font() is None:
        return "en", NO_CJK_FONT_MESSAGE
    return lang, None
