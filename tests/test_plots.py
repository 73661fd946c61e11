"""retrofit.plotting: artists carry the data, files are written atomically, Chinese renders in a
CJK font (never as boxes), and without one the plots fall back to English."""

from __future__ import annotations

import copy
import os
import re
import warnings
from pathlib import Path

import matplotlib.image
import matplotlib.patches
import numpy as np
import pandas as pd
import pytest
from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.text import Text
from matplotlib.ticker import PercentFormatter

from retrofit import plotting as plots
from retrofit.plotting import fonts, labels

BASIS = "tce, 当量值 (equivalent) basis"
CJK = re.compile("[\u2e80-\u9fff\uff00-\uffef]")


# ------------------------------------------------------------------ fixtures (hand-made data)


@pytest.fixture
def trajectory() -> pd.DataFrame:
    """Four years; cumulative = running sum of added (90 + 130 + 140 + 150 = 510 thousand)."""
    return pd.DataFrame(
        {
            "year": [2024, 2025, 2026, 2027],
            "capacity_added": [90_000.0, 130_000.0, 140_000.0, 150_000.0],
            "capacity_cumulative": [90_000.0, 220_000.0, 360_000.0, 510_000.0],
            "realised_cumulative": [45_000.0, 200_000.0, 490_000.0, 920_000.0],
        }
    )


@pytest.fixture
def by_measure() -> pd.DataFrame:
    """Sum by hand: 5200 + 8300 - 420 + 2100 + 900 = 16,080 tce/yr."""
    return pd.DataFrame(
        {
            "measure_type": [
                "motor: upgrade_motor",
                "fan_pump: add_vfd",
                "charger: replace_ac_pile",
                "datacenter: pue",
                "transformer: upgrade",
            ],
            "saved": [5200.0, 8300.0, -420.0, 2100.0, 900.0],
        }
    )


@pytest.fixture
def bai_yi() -> pd.DataFrame:
    """Six plants, two with unknown energy; three known plants reach 1 %, one does not."""
    return pd.DataFrame(
        {
            "plant_id": ["P1", "P2", "P3", "P4", "宝钢一厂", "P6"],
            "saving_share": [0.004, np.nan, 0.02, 0.011, 0.01, np.nan],
            "target_share": 0.01,
        }
    )


@pytest.fixture
def curve() -> pd.DataFrame:
    """Sorted by cost: b (-100, 3 tce), a (300, 5 tce), c (900, 2 tce) → edges 0, 3, 8, 10."""
    return pd.DataFrame(
        {
            "label": ["a: motor IE4", "b: VSD fans", "c: IT refresh"],
            "saved_tce": [5.0, 3.0, 2.0],
            "cost_per_tce_cny": [300.0, -100.0, 900.0],
        }
    )


def _bars(ax: Axes) -> list[Rectangle]:
    return [p for p in ax.patches if isinstance(p, Rectangle)]


def _line(ax: Axes, label: str) -> Line2D:
    matches = [line for line in ax.get_lines() if line.get_label() == label]
    assert len(matches) == 1, [line.get_label() for line in ax.get_lines()]
    return matches[0]


def _render(ax: Axes, folder: Path, stem: str) -> Path:
    """Save as PNG with every warning an error, so a missing glyph fails the test."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        (png,) = plots.save_figure(ax, folder, stem, formats=("png",))
    return png


def _texts(ax: Axes) -> list[Text]:
    return [t for t in ax.get_figure().findobj(match=Text) if t.get_text() and t.get_visible()]


def _supply() -> pd.DataFrame:
    """Two measures: 4 tce/yr at 500 CNY/tce and 6 tce/yr at 2,000; their savings are worth
    (8,000 + 10,000) / 10 = 1,800 CNY/tce."""
    return pd.DataFrame(
        {
            "asset_id": ["M-1", "泵-2"],
            "measure": ["upgrade_motor", "add_vfd"],
            "coal_saved_tce": [4.0, 6.0],
            "cost_of_saved_tce_cny_per_tce": [500.0, 2000.0],
            "annual_cost_saved_cny": [8000.0, 10000.0],
        }
    )


def _all_plots(trajectory, by_measure, bai_yi, curve, lang: str) -> dict[str, Axes]:
    return {
        "supply": plots.plot_supply_curve(
            _supply(), basis_note=BASIS, lang=lang, bai_yi_tce=7.0, title="供给曲线 supply"
        ),
        # a goal 50,000 curve widths away is named in a note, not drawn
        "curve_note": plots.plot_abatement_curve(
            curve, basis_note=BASIS, lang=lang, goal_value=500_000.0
        ),
        "trajectory": plots.plot_trajectory(
            trajectory,
            goal_value=500_000,
            goal_label="2027 目标 (goal)",
            unit="tce/yr",
            basis_note=BASIS,
            lang=lang,
        ),
        "measure": plots.plot_savings_by_measure(
            by_measure, unit="tce/yr", basis_note=BASIS, lang=lang
        ),
        "bai_yi": plots.plot_bai_yi_ranking(bai_yi, year=2025, lang=lang),
        "curve": plots.plot_abatement_curve(curve, basis_note=BASIS, lang=lang, goal_value=9.0),
    }


# ------------------------------------------------------------------ trajectory


def test_trajectory_artists(trajectory):
    ax = plots.plot_trajectory(
        trajectory, goal_value=500_000, goal_label="2027 goal", unit="tce/yr", basis_note=BASIS
    )
    assert isinstance(ax, Axes)
    goal = _line(ax, "2027 goal")
    assert list(goal.get_ydata()) == [500_000, 500_000]
    assert goal.get_linestyle() == "--"
    heights = [bar.get_height() for bar in _bars(ax)]
    assert heights == [90_000.0, 130_000.0, 140_000.0, 150_000.0]
    capacity = _line(
        ax,
        plots.LABELS["en"]["capacity_cumulative"]
        if plots.find_cjk_font()
        else "saving capacity, cumulative",
    )
    assert list(capacity.get_ydata()) == [90_000.0, 220_000.0, 360_000.0, 510_000.0]
    realised = _line(ax, "energy realised, cumulative")
    assert list(realised.get_ydata()) == [45_000.0, 200_000.0, 490_000.0, 920_000.0]
    assert ax.get_ylabel() == "tce/yr"
    assert "equivalent" in ax.get_title()
    assert list(ax.get_xticks()) == [2024, 2025, 2026, 2027]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2024", "2025", "2026", "2027"]


def test_trajectory_without_realised_and_unsorted_years(trajectory):
    frame = trajectory.iloc[::-1].assign(realised_cumulative=np.nan)
    ax = plots.plot_trajectory(
        frame, goal_value=3e6, goal_label="kW goal", unit="kW", basis_note=""
    )
    labels = [line.get_label() for line in ax.get_lines()]
    assert "energy realised, cumulative" not in labels
    # 3,000,000 kW is 5.88× the 510,000 kW drawn: named in the legend, not drawn as a line
    assert len(ax.get_lines()) == 1
    notes = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "kW goal: 6× the largest value drawn, not to scale" in notes
    assert [bar.get_x() + bar.get_width() / 2 for bar in _bars(ax)] == [2024, 2025, 2026, 2027]
    ax = plots.plot_trajectory(
        trajectory.drop(columns="realised_cumulative"),
        goal_value=1,
        goal_label="g",
        unit="piles",
        basis_note="",
    )
    assert len(ax.get_lines()) == 2


def test_trajectory_scaled_to_a_small_portfolio_not_to_the_city_goal():
    # a 391 tce/yr portfolio against the 500,000 tce goal: the axis ends near 391 (matplotlib
    # rounds up to the next tick, 400), the goal is a legend note: 500,000 ÷ 391 = 1,279×
    frame = pd.DataFrame(
        {
            "year": [2025, 2026],
            "capacity_added": [191.0, 200.0],
            "capacity_cumulative": [191.0, 391.0],
        }
    )
    ax = plots.plot_trajectory(
        frame, goal_value=500_000, goal_label="goal 500,000 tce", unit="tce", basis_note=BASIS
    )
    assert ax.get_ylim()[1] < 500
    notes = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "goal 500,000 tce: 1,279× the largest value drawn, not to scale" in notes
    assert not [line for line in ax.get_lines() if line.get_linestyle() == "--"]


def test_trajectory_tce_needs_basis_and_columns(trajectory):
    with pytest.raises(ValueError, match="basis_note must name the conversion basis"):
        plots.plot_trajectory(
            trajectory, goal_value=1, goal_label="g", unit="tce/yr", basis_note=" "
        )
    with pytest.raises(ValueError, match=r"missing column\(s\) \['capacity_added'\]"):
        plots.plot_trajectory(
            trajectory.drop(columns="capacity_added"),
            goal_value=1,
            goal_label="g",
            unit="kW",
            basis_note="",
        )


def test_trajectory_draws_on_given_axes(trajectory):
    ax = Figure().add_subplot()
    out = plots.plot_trajectory(trajectory, goal_value=1, goal_label="g", unit="kW", basis_note="")
    assert out is not ax
    assert (
        plots.plot_trajectory(
            trajectory, goal_value=1, goal_label="g", unit="kW", basis_note="", ax=ax
        )
        is ax
    )


# ------------------------------------------------------------------ waterfall


def test_waterfall_sorted_cumulative_with_total(by_measure):
    ax = plots.plot_savings_by_measure(by_measure, unit="tce/yr", basis_note=BASIS)
    bars = _bars(ax)
    assert len(bars) == 6  # five measures and the total
    heights = [bar.get_height() for bar in bars]
    assert heights[:-1] == [8300.0, 5200.0, 2100.0, 900.0, -420.0]
    assert heights[-1] == pytest.approx(16_080.0)
    assert bars[-1].get_y() == 0.0
    # each bar starts where the previous one ended
    assert [bar.get_y() for bar in bars[:-1]] == [0.0, 8300.0, 13_500.0, 15_600.0, 16_500.0]
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    # measures in words from the English vocabulary; codes it does not know stay as written
    assert ticks[:2] == ["fan_pump: variable-speed drive", "motor: high-efficiency motor"]
    assert ticks[-2] == "charger: replace_ac_pile"
    assert ticks[-1] == "total"
    gain, loss, total = bars[0].get_facecolor(), bars[4].get_facecolor(), bars[5].get_facecolor()
    assert bars[1].get_facecolor() == gain
    assert loss != gain
    assert total not in (gain, loss)
    assert "equivalent" in ax.get_title()
    assert ax.get_ylabel() == "tce/yr"


# ------------------------------------------------------------------ 百一 ranking


def test_bai_yi_ranking(bai_yi):
    ax = plots.plot_bai_yi_ranking(bai_yi, year=2025)
    bars = _bars(ax)
    assert [bar.get_height() for bar in bars] == [0.02, 0.011, 0.01, 0.004]
    colours = [bar.get_facecolor() for bar in bars]
    assert colours[0] == colours[1] == colours[2]  # 0.01 meets a 0.01 target (≥)
    assert colours[3] != colours[0]
    target = [line for line in ax.get_lines() if line.get_linestyle() == "--"]
    assert len(target) == 1
    assert list(target[0].get_ydata()) == [0.01, 0.01]
    assert target[0].get_label() in ("百一 1 %", "bai-yi 1 %")
    notes = [t.get_text() for t in ax.texts]
    assert "2 plants without previous-year energy not shown" in notes
    formatter = ax.yaxis.get_major_formatter()
    assert isinstance(formatter, PercentFormatter)
    assert formatter.xmax == 1.0
    plant = "宝钢一厂" if plots.find_cjk_font() else "?"
    ticks = ["P3", "P4", plant, "P1"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ticks
    assert "2025" in ax.get_title()


def test_bai_yi_target_from_data_and_top(bai_yi):
    ax = plots.plot_bai_yi_ranking(bai_yi.assign(target_share=0.015), year=2026, top=2)
    (line,) = [line for line in ax.get_lines() if line.get_linestyle() == "--"]
    assert line.get_label().endswith(" 1.5 %")
    bars = _bars(ax)
    assert [bar.get_height() for bar in bars] == [0.02, 0.011]
    assert bars[0].get_facecolor() != bars[1].get_facecolor()  # 1.1 % is short of 1.5 %
    note = "\n".join(t.get_text() for t in ax.texts)
    assert "best 2 of 4 plants with known energy shown" in note
    assert "2 plants without previous-year energy not shown" in note


def test_bai_yi_many_plants_no_tick_labels():
    frame = pd.DataFrame(
        {
            "plant_id": [f"P{i}" for i in range(45)],
            "saving_share": np.linspace(0.0, 0.02, 45),
            "bai_yi_target_share": 0.01,
        }
    )  # the estimate's plant-frame name
    ax = plots.plot_bai_yi_ranking(frame, year=2025)
    assert len(_bars(ax)) == 45
    assert list(ax.get_xticks()) == []
    assert ax.get_xlabel() == "plants ranked"
    assert len(ax.texts) == 0  # nothing unknown, nothing cut: no note
    ax = plots.plot_bai_yi_ranking(frame, year=2025, top=40)
    assert len(ax.get_xticklabels()) == 40
    assert ax.get_xlabel() == "plant"


def test_bai_yi_rejects_mixed_targets(bai_yi):
    with pytest.raises(ValueError, match="target_share must be one finite value"):
        plots.plot_bai_yi_ranking(bai_yi.assign(target_share=[0.01] * 5 + [0.02]), year=2025)


# ------------------------------------------------------------------ abatement curve


def test_abatement_curve_edges_are_cumulative_tce(curve):
    ax = plots.plot_abatement_curve(curve, basis_note=BASIS, goal_value=9.0, goal_label="goal")
    bars = _bars(ax)
    lefts = [bar.get_x() for bar in bars]
    rights = [bar.get_x() + bar.get_width() for bar in bars]
    assert lefts == [0.0, 3.0, 8.0]
    assert rights == [3.0, 8.0, 10.0]
    assert [bar.get_height() for bar in bars] == [-100.0, 300.0, 900.0]
    assert [c.get_label() for c in ax.containers] == [
        "b: VSD fans",
        "a: motor IE4",
        "c: IT refresh",
    ]
    goal = _line(ax, "goal")
    assert list(goal.get_xdata()) == [9.0, 9.0]
    assert ax.get_ylabel() == "investment per unit of saving capacity [CNY/(tce/yr)]"
    assert "equivalent" in ax.get_title()


def test_supply_curve_bars_bai_yi_line_and_value_of_saved_energy():
    ax = plots.plot_supply_curve(_supply(), basis_note=BASIS, bai_yi_tce=7.0)
    bars = [p for p in ax.patches if isinstance(p, matplotlib.patches.Rectangle)][:2]
    assert [(b.get_x(), b.get_width(), b.get_height()) for b in bars] == [
        (0.0, 4.0, 500.0),
        (4.0, 6.0, 2000.0),
    ]
    vertical = [line for line in ax.get_lines() if line.get_xdata()[0] == line.get_xdata()[-1]]
    assert any(line.get_xdata()[0] == 7.0 for line in vertical)  # the 百一 line
    flat = [
        line.get_ydata()[0]
        for line in ax.get_lines()
        if line.get_ydata()[0] == line.get_ydata()[-1]
    ]
    assert 1800.0 in flat  # (8,000 + 10,000) CNY/yr ÷ 10 tce/yr


def test_abatement_curve_names_a_goal_too_far_right_to_draw(curve):
    # the curve is 10 tce/yr wide: a goal at 30 is drawn, one at 500,000 only named
    near = plots.plot_abatement_curve(curve, basis_note=BASIS, goal_value=30.0)
    assert any(line.get_xdata()[0] == 30.0 for line in near.get_lines())
    far = plots.plot_abatement_curve(curve, basis_note=BASIS, goal_value=500_000.0)
    assert not any(line.get_xdata()[0] == 500_000.0 for line in far.get_lines())
    # named in the legend, right of the axes, where it covers no bar
    notes = [t.get_text() for t in far.get_legend().get_texts()]
    assert "goal 500,000 tce → 50,000× this curve's width" in notes


def test_abatement_curve_ylabel_and_validation(curve):
    ax = plots.plot_abatement_curve(curve, basis_note=BASIS, ylabel="CNY/(tce/yr)")
    assert ax.get_ylabel() == "CNY/(tce/yr)"
    assert not [line for line in ax.get_lines() if line.get_linestyle() == "--"]
    with pytest.raises(ValueError, match="saved_tce must be positive"):
        plots.plot_abatement_curve(curve.assign(saved_tce=[1.0, 0.0, 2.0]), basis_note=BASIS)
    with pytest.raises(ValueError, match="basis_note"):
        plots.plot_abatement_curve(curve, basis_note="")


# ------------------------------------------------------------------ save_figure


def test_save_figure_png_and_svg(trajectory, tmp_path):
    ax = plots.plot_trajectory(trajectory, goal_value=1, goal_label="g", unit="kW", basis_note="")
    folder = tmp_path / "new" / "figures"
    paths = plots.save_figure(ax, folder, "trajectory")
    assert paths == [folder / "trajectory.png", folder / "trajectory.svg"]
    assert sorted(os.listdir(folder)) == ["trajectory.png", "trajectory.svg"]  # no temp files
    pixels = matplotlib.image.imread(paths[0])
    assert pixels.ndim == 3
    assert pixels.std() > 0.01
    assert len(np.unique(pixels.reshape(-1, pixels.shape[-1]), axis=0)) > 10
    svg = paths[1].read_text(encoding="utf-8")
    assert svg.lstrip().startswith("<?xml")
    assert "<svg" in svg
    assert "<path" in svg
    # overwriting works and a Figure is accepted too
    before = paths[0].stat().st_mtime_ns
    assert plots.save_figure(ax.get_figure(), folder, "trajectory", formats=("png",)) == [paths[0]]
    assert paths[0].stat().st_mtime_ns >= before
    assert sorted(os.listdir(folder)) == ["trajectory.png", "trajectory.svg"]


def test_save_figure_rejects_bad_names(trajectory, tmp_path):
    ax = plots.plot_trajectory(trajectory, goal_value=1, goal_label="g", unit="kW", basis_note="")
    with pytest.raises(ValueError, match="plain file name"):
        plots.save_figure(ax, tmp_path, "sub/name")
    with pytest.raises(ValueError, match="unsupported format"):
        plots.save_figure(ax, tmp_path, "x", formats=("png", "docx"))
    assert os.listdir(tmp_path) == []


# ------------------------------------------------------------------ language and fonts


def test_strip_cjk_for_english_without_font():
    assert labels.strip_cjk(BASIS) == "tce, equivalent basis"
    assert labels.strip_cjk("saving capacity, cumulative (节能能力)") == (
        "saving capacity, cumulative"
    )
    assert labels.strip_cjk("百一 1 %") == "bai-yi 1 %"
    assert labels.strip_cjk("宝钢一厂 P1") == "? P1"
    assert labels.strip_cjk("plain") == "plain"


def test_resolve_language_rejects_unknown():
    with pytest.raises(ValueError, match="lang must be one of"):
        plots.resolve_language("fr")
    assert plots.resolve_language("en")[0] == "en"


def test_last_resort_font_is_not_cjk():
    """matplotlib ≥ 3.10 bundles a 'Last Resort' font: a box for every character."""
    entries = [e for e in font_manager.fontManager.ttflist if e.name.startswith("Last Resort")]
    if not entries:
        pytest.skip("this matplotlib bundles no Last Resort font")
    assert not fonts.has_cjk_glyph(entries[0].fname)
    assert not fonts.has_cjk_glyph(font_manager.findfont("DejaVu Sans"))


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_plots_render_in_cjk_font(cjk_font, lang, trajectory, by_measure, bai_yi, curve, tmp_path):
    font_file = font_manager.findfont(
        font_manager.FontProperties(family=cjk_font), fallback_to_default=False
    )
    assert fonts.has_cjk_glyph(font_file)
    for name, ax in _all_plots(trajectory, by_measure, bai_yi, curve, lang).items():
        png = _render(ax, tmp_path, f"{name}_{lang}")
        assert matplotlib.image.imread(png).std() > 0
        texts = _texts(ax)
        assert any(CJK.search(t.get_text()) for t in texts), name
        for text in texts:
            resolved = font_manager.findfont(text.get_fontproperties())
            assert resolved == font_file, (name, text.get_text(), resolved)
        if lang == "zh":
            assert CJK.search(ax.get_title()), (name, ax.get_title())


def test_zh_labels_are_chinese(cjk_font, trajectory):
    ax = plots.plot_trajectory(
        trajectory,
        goal_value=1,
        goal_label="目标",
        unit="tce/年",
        basis_note="tce，当量值",
        lang="zh",
    )
    assert [line.get_label() for line in ax.get_lines()][:2] == ["累计节能能力", "累计实现节能量"]
    assert ax.get_title() == "节能能力目标进度\ntce，当量值"
    assert ax.get_xlabel() == "年份"


def test_find_cjk_font_sees_fonts_missing_from_stale_cache(cjk_font, fontconfig, monkeypatch):
    """A font installed after matplotlib wrote its cache is found through fontconfig."""
    stale = copy.copy(font_manager.fontManager)
    stale.ttflist = [e for e in stale.ttflist if not fonts.has_cjk_glyph(e.fname)]
    monkeypatch.setattr(font_manager, "fontManager", stale)
    plots.find_cjk_font.cache_clear()
    try:
        assert fonts.find_in_font_manager() is None
        found = plots.find_cjk_font()
        assert found is not None
        assert any(e.name == found for e in stale.ttflist)
    finally:
        plots.find_cjk_font.cache_clear()


def test_fallback_to_english_without_cjk_font(
    monkeypatch, trajectory, by_measure, bai_yi, curve, tmp_path
):
    monkeypatch.setattr(fonts, "find_cjk_font", lambda: None)
    assert plots.resolve_language("zh") == ("en", plots.NO_CJK_FONT_MESSAGE)
    assert plots.NO_CJK_FONT_MESSAGE == (
        "no CJK font found (install e.g. fonts-noto-cjk or fonts-wqy-microhei); "
        "plot labels are in English"
    )
    assert plots.resolve_language("en") == ("en", None)
    with pytest.warns(plots.MissingCJKFontWarning, match="no CJK font found"):
        axes = _all_plots(trajectory, by_measure, bai_yi, curve, "zh")
    for name, ax in axes.items():
        _render(ax, tmp_path, name)  # no "Glyph ... missing" warning
        assert not [t.get_text() for t in _texts(ax) if CJK.search(t.get_text())], name
    trajectory_ax = axes["trajectory"]
    labels = [line.get_label() for line in trajectory_ax.get_lines()]
    assert labels[:2] == ["saving capacity, cumulative", "energy realised, cumulative"]
    assert labels[-1] == "2027 goal"
    assert trajectory_ax.get_title().endswith("\ntce, equivalent basis")
    (target,) = [line for line in axes["bai_yi"].get_lines() if line.get_linestyle() == "--"]
    assert target.get_label() == "bai-yi 1 %"
