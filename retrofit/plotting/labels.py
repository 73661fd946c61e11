"""The texts the figures draw: :data:`LABELS` (one dict per language, axis labels of output
columns from the glossary :mod:`retrofit.columns`), :func:`strip_cjk` (English only, for a
machine without a CJK font) and :class:`FigureText` (one figure's language and font).

Imports matplotlib (the ``plots`` extra) and raises
:class:`retrofit._optional.MissingExtraError` naming the extra when it is missing.
"""

from __future__ import annotations

import re
import warnings

from .. import columns
from .._optional import plots_missing

try:  # matplotlib is the [plots] extra
    import matplotlib as mpl
    from matplotlib.axes import Axes
    from matplotlib.text import Text
except ImportError as error:
    raise plots_missing() from error

from . import fonts
from .fonts import MissingCJKFontWarning

#: Every fixed text the plots draw, one dict per language. ``{placeholders}`` are filled in by
#: the plot functions; data (plant ids, measure names, goal labels, units) comes from arguments.
#: Axes and legend entries that show an output column take its label from the glossary
#: (:mod:`retrofit.columns`).
LABELS: dict[str, dict[str, str]] = {
    "en": {
        "year": columns.label("year", "en"),
        "goal": "goal",
        "trajectory_title": "Saving capacity toward the goal",
        "capacity_added": columns.label("capacity_added", "en"),
        "capacity_cumulative": columns.label("capacity_cumulative", "en"),
        "realised_cumulative": columns.label("realised_cumulative", "en"),
        "measure_title": "Savings by measure",
        "measure_xlabel": columns.label("measure", "en"),
        "measure_gain": "saving",
        "measure_loss": "added consumption",
        "measure_total": "total",
        "bai_yi_title": "百一 {year}: estimated saving as a share of previous-year energy",
        "bai_yi_ylabel": columns.label("saving_share", "en"),
        "bai_yi_line": "百一 {target}",
        "bai_yi_meets": "meets the target",
        "bai_yi_short": "short of the target",
        "bai_yi_unknown": "{n} plants without previous-year energy not shown",
        "bai_yi_unknown_one": "1 plant without previous-year energy not shown",
        "bai_yi_top": "best {top} of {n} plants with known energy shown",
        "plant": columns.label("plant_id", "en"),
        "plants_ranked": "plants ranked",
        "mac_title": "Saving-capacity supply curve (marginal abatement cost)",
        "mac_xlabel": columns.header("cumulative_tce", "en"),
        "mac_ylabel": columns.header("investment_per_tce_cny", "en"),
        "levelised_ylabel": columns.header("cost_of_saved_tce_cny_per_tce", "en"),
        "goal_beyond": "goal {goal:,.0f} tce → {times:,.0f}× this curve's width",
        "mac_other": "other ({n} measures)",
        "goal_off_scale": "{goal}: {times:,.0f}× the largest value drawn, not to scale",
    },
    "zh": {
        "year": columns.label("year", "zh"),
        "goal": "目标",
        "trajectory_title": "节能能力目标进度",
        "capacity_added": columns.label("capacity_added", "zh"),
        "capacity_cumulative": columns.label("capacity_cumulative", "zh"),
        "realised_cumulative": columns.label("realised_cumulative", "zh"),
        "measure_title": "按措施分解的节能量",
        "measure_xlabel": columns.label("measure", "zh"),
        "measure_gain": "节能",
        "measure_loss": "新增能耗",
        "measure_total": "合计",
        "bai_yi_title": "{year} 年百一进度：节能量占上年能耗比例（估算）",
        "bai_yi_ylabel": columns.label("saving_share", "zh"),
        "bai_yi_line": "百一 {target}",
        "bai_yi_meets": "达标",
        "bai_yi_short": "未达标",
        "bai_yi_unknown": "{n} 家企业缺少上年能耗，未显示",
        "bai_yi_unknown_one": "1 家企业缺少上年能耗，未显示",
        "bai_yi_top": "显示前 {top} 家（已知能耗的共 {n} 家）",
        "plant": columns.label("plant_id", "zh"),
        "plants_ranked": "企业（按比例排序）",
        "mac_title": "节能能力供给曲线（边际减排成本）",
        "mac_xlabel": columns.header("cumulative_tce", "zh"),
        "mac_ylabel": columns.header("investment_per_tce_cny", "zh"),
        "levelised_ylabel": columns.header("cost_of_saved_tce_cny_per_tce", "zh"),
        "goal_beyond": "目标 {goal:,.0f} tce → 为本曲线宽度的 {times:,.0f} 倍",
        "mac_other": "其他（{n} 项措施）",
        "goal_off_scale": "{goal}：为图中最大值的 {times:,.0f} 倍，未按比例绘出",
    },
}

#: Chinese terms in English labels and their replacements when no CJK font exists.
_EN_FALLBACK_TERMS = {
    "当量值": "equivalent",
    "等价值": "equal-value",
    "节能能力": "saving capacity",
    "百一": "bai-yi",
    "目标": "goal",
}

#: A portfolio's measure type of charging piles, ``replace_charger (ac)``: the measure and the
#: pile type the portfolio adds (ac and dc piles save in opposite directions).
_PILE_TYPE = re.compile(r"(.+) \((\w+)\)")

_CJK = "\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
_CJK_RUN = re.compile(f"[{_CJK}]+")
# "当量值 (equivalent)" → "equivalent": the English gloss already says it
_CJK_GLOSSED = re.compile(rf"[{_CJK}]+\s*[(（]([^()（）{_CJK}]+)[)）]")
# "cumulative (节能能力)" → "cumulative": a Chinese gloss of the English before it
_CJK_PAREN = re.compile(rf"\s*[(（][^()（）A-Za-z]*[{_CJK}][^()（）A-Za-z]*[)）]")


def strip_cjk(text: str) -> str:
    """English-only version of ``text`` for figures drawn without a CJK font."""
    if not _CJK_RUN.search(text):
        return text
    text = _CJK_GLOSSED.sub(r"\1", text)
    text = _CJK_PAREN.sub("", text)
    for term, english in _EN_FALLBACK_TERMS.items():
        text = text.replace(term, english)
    return _CJK_RUN.sub("?", text)


class FigureText:
    """Label lookup and font for one figure: the language and font resolved once."""

    def __init__(self, lang: str):
        used, message = fonts.resolve_language(lang)
        if message is not None:
            warnings.warn(message, MissingCJKFontWarning, stacklevel=3)
        self.lang = used
        font = fonts.find_cjk_font()  # looked up here, so tests can replace it
        # the CJK font first, then the user's own families for any glyph it lacks
        self.families: list[str] | None = (
            None if font is None else [font, *mpl.rcParams["font.family"]]
        )

    def __getitem__(self, key: str) -> str:
        return self.clean(LABELS[self.lang][key])

    def clean(self, text: object) -> str:
        """``text`` as drawn: unchanged with a CJK font, Chinese replaced without one."""
        text = str(text)
        return text if self.families is not None else strip_cjk(text)

    def worded(self, field: str, value: object) -> str:
        """A value a person reads (a measure, a category) in the figure's language, from the
        vocabulary (:func:`retrofit.columns.value_name`); ``motor: upgrade_motor`` (a
        portfolio's measure type) reads ``电机：更换高效电机`` in Chinese and ``motor:
        high-efficiency motor`` in English, a charging pile's type in brackets after it."""
        text = str(value)
        if field == "measure_type" and ": " in text:
            category, _, measure = text.partition(": ")
            pile = _PILE_TYPE.fullmatch(measure)
            if pile is not None:  # "replace_charger (ac)": the portfolio splits piles by type
                measure = pile.group(1)
            name = (
                columns.value_name("category", category, self.lang)
                + ("：" if self.lang == "zh" else ": ")
                + columns.value_name("measure", measure, self.lang)
            )
            if pile is not None:
                kind = columns.value_name("charger_type", pile.group(2), self.lang)
                name += f"（{kind}）" if self.lang == "zh" else f" ({kind})"
            return self.clean(name)
        return self.clean(columns.value_name(field, text, self.lang))

    def input_label(self, name: object) -> str:
        """An uncertain input (a tornado bar): the glossary's label of the column, else the
        vocabulary's name (``efficiency_losses_baseline`` → 改造前电机损耗（IEC 60034-1 容差）,
        present motor's losses (IEC 60034-1 tolerance))."""
        text = str(name)
        if columns.known(text):
            return self.clean(columns.label(text, self.lang))
        return self.clean(columns.value_name("uncertain_input", text, self.lang))

    def apply(self, ax: Axes) -> None:
        """Give every text of ``ax``, tick labels to come included, the CJK font."""
        if self.families is None:
            return
        ax.tick_params(axis="both", which="both", labelfontfamily=self.families)
        for text in ax.findobj(match=Text):
            text.set_fontfamily(self.families)
