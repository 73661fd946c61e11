"""Every label a chart draws comes from the glossary in both languages (issue 19): an English
chart names measures, goals and uncertain inputs in words (``variable-speed drive``), never by
their codes (``add_vfd``), as a Chinese chart names them from the vocabulary."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from retrofit import columns, estimate

pytest.importorskip("matplotlib")

SAMPLE = Path(__file__).resolve().parent.parent / "retrofit" / "samples" / "example_plant.csv"
#: A code as the data write it: lower-case words joined by underscores (upgrade_motor, pue is
#: a word of a label and is caught by the hand-written checks below instead).
CODE = re.compile(r"\b[a-z0-9]+(?:_[a-z0-9]+)+\b")


def _texts(ax) -> list[str]:
    from matplotlib.text import Text

    return [t.get_text() for t in ax.figure.findobj(match=Text) if t.get_text().strip()]


def test_value_names_by_hand():
    assert columns.value_name("measure", "add_vfd", "en") == "variable-speed drive"
    assert columns.value_name("measure", "upgrade_motor+add_vfd", "en") == (
        "high-efficiency motor + variable-speed drive"
    )
    assert columns.value_name("measure", "upgrade_motor+add_vfd", "zh") == (
        "更换高效电机、加装变频器"
    )
    assert columns.value_name("goal", "energy_saving_cumulative", "en") == (
        "energy saving, cumulative"
    )
    assert columns.value_name("category", "motor", "en") == "motor"  # English already
    assert columns.value_name("measure", "my_own_measure", "en") == "my_own_measure"


def test_every_english_vocabulary_code_has_its_chinese():
    """A code named in English is named in Chinese too (the two tables cannot drift)."""
    chinese = columns.vocabulary()
    lacking = [key for key in columns.vocabulary_en() if key not in chinese]
    assert not lacking, lacking


def test_figure_text_names_measure_types_and_inputs():
    from retrofit.plotting.labels import FigureText

    en = FigureText("en")
    assert en.worded("measure_type", "fan: add_vfd") == "fan: variable-speed drive"
    assert en.worded("measure_type", "charger: replace_charger (dc)") == (
        "charger: charging-pile replacement (DC)"
    )
    assert en.input_label("efficiency_losses_baseline") == (
        "present motor's losses (IEC 60034-1 tolerance)"
    )
    assert en.input_label("operating_hours_h") == "operating hours"


def test_zh_pile_type_in_words(cjk_font):
    from retrofit.plotting.labels import FigureText

    zh = FigureText("zh")
    assert (
        zh.worded("measure_type", "charger: replace_charger (ac)") == "充电桩：更换充电桩（交流桩）"
    )


@pytest.mark.slow
def test_english_charts_of_the_example_name_no_code():
    """Every figure of the example (supply curves, savings by measure, 百一 shares, goal
    contributions, tornado) and of its portfolio (trajectories, savings by measure, ranking,
    abatement curve) in English: no text is a code, and the measures read as words."""
    import matplotlib.pyplot as plt

    from retrofit.plotting.estimate import estimate_figures
    from retrofit.plotting.portfolio import portfolio_figures
    from retrofit.portfolio.runner import portfolio

    result = estimate(SAMPLE, year=2026, policy="shanghai-2024", uncertainty=100, seed=3)
    figures = {stem: ax for stem, _, ax in estimate_figures(result, lang="en")}
    figures |= {f"portfolio {k}": ax for k, ax in portfolio_figures(portfolio([SAMPLE])).items()}
    codes = {}
    for stem, ax in figures.items():
        for text in _texts(ax):
            for code in CODE.findall(text):
                codes.setdefault(code, f"{stem}: {text}")
        plt.close(ax.figure)
    assert not codes, codes
    assert "tornado" in figures and "portfolio savings_by_measure" in figures


def test_english_savings_by_measure_ticks():
    import matplotlib.pyplot as plt
    import pandas as pd

    from retrofit.plotting.portfolio import plot_savings_by_measure

    by_measure = pd.DataFrame(
        {"measure_type": ["motor: upgrade_motor", "fan: add_vfd"], "saved": [3.0, 2.0]}
    )
    ax = plot_savings_by_measure(by_measure, unit="tce/yr", basis_note="equivalent", lang="en")
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    plt.close(ax.figure)
    assert ticks[:2] == ["motor: high-efficiency motor", "fan: variable-speed drive"]


def test_zh_values_with_a_pile_type_or_a_year():
    """A portfolio's measure of ac piles and a 百一 status that names the year without energy
    read in Chinese (the portfolio tables and its report show them)."""
    assert columns.value_label("measure", "replace_charger (ac)", "zh") == "更换充电桩（交流桩）"
    assert columns.value_label("bai_yi_status", "unknown (no energy for 2025)", "zh") == (
        "未知（缺 2025 年综合能耗）"
    )
    assert columns.value_label("bai_yi_status", "unknown (no energy for 2025)", "en") == (
        "unknown (no energy for 2025)"
    )
