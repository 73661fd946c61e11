"""Charts a client can read at any size, with or without money (issue 19, point 5).

Every figure of an estimate is drawn at 20, 200 and 2,000 measures, in Chinese and English, and
written as PNG to ``tests/output/charts/`` (git-ignored) to be looked at; the test measures what
a reader would see: legend entries bounded, no text drawn over another, labels in the report's
language, the 1 % line of 百一 present and quoted, names not codes, and a supply curve that
says what it leaves out.
"""

from __future__ import annotations

import re
import sys
from itertools import combinations
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("matplotlib")

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.text import Text

from retrofit import estimate
from retrofit.plotting import MAX_NAMED, save_figure
from retrofit.plotting.estimate import estimate_figures
from retrofit.plotting.savings import (
    goal_contributions,
    group_smallest,
    plot_bai_yi_shares,
    plot_goal_contributions,
    plot_measure_savings,
)

#: charts drawn at 20, 200 and 2,000 measures: `make test` runs them, `make test-fast` leaves them out
pytestmark = pytest.mark.slow

OUTPUT = Path(__file__).parent / "output" / "charts"
sys.path.insert(0, str(Path(__file__).parent / "benchmarks"))  # the synthetic inventories

#: Latin words a Chinese chart may show: units, standards' and models' names, codes
ZH_ALLOWED = {"tce", "kW", "kWh", "MW", "PUE", "IT", "CO", "IE", "GB", "P10", "P90"}
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


def _inventory(rows: int, *, money: bool = True) -> pd.DataFrame:
    from bench_estimate import synthetic_campus_inventory

    frame = synthetic_campus_inventory(rows)
    # the client's names: a chart must show these, not the codes
    numbers = frame["plant_id"].str[1:].astype(int)
    frame["plant_name"] = [f"示例工厂{n}号" for n in numbers]
    if not money:
        frame = frame.drop(columns=["investment_cny"])
    return frame


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    made = {}
    folder = tmp_path_factory.mktemp("scale")
    for rows, money in ((20, True), (200, True), (2000, True), (200, False)):
        path = folder / f"inventory_{rows}_{money}.csv"
        _inventory(rows, money=money).to_csv(path, index=False)
        made[(rows, money)] = estimate(path, year=2026, policy="shanghai-2024")
    return made


def _visible_texts(ax: Axes) -> list[Text]:
    """The texts drawn: tick labels outside the axis range are kept by matplotlib, not drawn."""
    figure = ax.get_figure(root=True)
    hidden = set()
    for axis in (ax.xaxis, ax.yaxis):
        low, high = sorted(axis.get_view_interval())
        for tick in axis.get_major_ticks():
            if not low - 1e-9 * abs(high - low) <= tick.get_loc() <= high + 1e-9 * abs(high - low):
                hidden |= {id(tick.label1), id(tick.label2)}
    return [
        t
        for t in figure.findobj(match=Text)
        if t.get_visible() and t.get_text().strip() and id(t) not in hidden
    ]


def _overlaps(ax: Axes) -> list[tuple[str, str]]:
    """Pairs of texts whose drawn boxes intersect (shrunk by a pixel: touching is fine)."""
    figure = ax.get_figure(root=True)
    canvas = FigureCanvasAgg(figure)
    canvas.draw()  # lays the figure out as it is saved
    renderer = canvas.get_renderer()
    boxes = []
    for text in _visible_texts(ax):
        box = text.get_window_extent(renderer)
        if box.width > 0 and box.height > 0:
            boxes.append((text.get_text(), box.expanded(1.0, 1.0).padded(-1.0)))
    legend = ax.get_legend()
    if legend is not None:  # the legend box must cover no bar label or tick either
        frame = legend.get_window_extent(renderer).padded(-1.0)
        inside = {t.get_text() for t in legend.get_texts()}
        boxes += [(f"legend box {sorted(inside)[:2]}", frame)]
    else:
        inside = set()
    return [
        (a, b)
        for (a, box_a), (b, box_b) in combinations(boxes, 2)
        if box_a.overlaps(box_b)
        and not (a.startswith("legend box") and b in inside)
        and not (b.startswith("legend box") and a in inside)
    ]


def _latin_words(texts: list[str], allowed: set[str]) -> set[str]:
    return {
        word
        for text in texts
        for word in LATIN_WORD.findall(text)
        if word not in ZH_ALLOWED and word not in allowed
    }


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(
    "rows, money",
    [
        (20, True),
        (200, True),
        pytest.param(2000, True, marks=pytest.mark.slow),  # a minute of drawing on 2 cores
        (200, False),
    ],
    ids=str,
)
def test_every_chart_readable_at_any_size(results, rows, money, lang, cjk_font):
    result = results[(rows, money)]
    figures = estimate_figures(result, lang=lang, max_plants=2)
    stems = [stem for stem, _caption, _ax in figures]
    # the figures that need no money are always there; the supply curve only with costs, on top
    for stem in ("savings_by_measure", "bai_yi_shares", "goal_contributions"):
        assert stem in stems
    assert (stems[0] == "supply_curve_all") is money
    assert ("supply_curve_all" in stems) is money
    plant_ids = set(result.assets["plant_id"])
    folder = OUTPUT / f"{rows}{'' if money else '_no_money'}_{lang}"
    for stem, _caption, ax in figures:
        (png,) = save_figure(ax, folder, stem, formats=("png",))
        assert png.stat().st_size > 10_000
        texts = [t.get_text() for t in _visible_texts(ax)]
        legend = ax.get_legend()
        if legend is not None:
            assert len(legend.get_texts()) <= MAX_NAMED + 4, (stem, len(legend.get_texts()))
        assert not _overlaps(ax), (stem, _overlaps(ax)[:3])
        # names, not codes, in titles and axes
        assert not any(pid in ax.get_title() for pid in plant_ids), ax.get_title()
        if lang == "zh":
            found = _latin_words(texts, set())
            assert not found, (stem, sorted(found)[:10])
        else:
            assert not any("其他" in t for t in texts), stem
    print(f"charts written to {folder}")  # where to look at them


def test_bai_yi_chart_draws_and_quotes_the_one_percent_line(results, cjk_font):
    result = results[(200, True)]
    figures = {stem: ax for stem, _c, ax in estimate_figures(result, lang="zh", max_plants=0)}
    ax = figures["bai_yi_shares"]
    # 355号（十四）: 实现年节能量1% — a vertical line at 0.01 quoting the clause
    lines = [line for line in ax.get_lines() if list(line.get_xdata()) == [0.01, 0.01]]
    assert len(lines) == 1
    assert "355号（十四）" in lines[0].get_label()
    assert "实现年节能量1%" in lines[0].get_label()
    names = {t.get_text() for t in ax.get_yticklabels()}
    assert "示例工厂0号" in names  # the client's plant name, not P00000


def test_savings_on_both_bases_match_the_assets(results, cjk_font):
    result = results[(200, False)]
    figures = {stem: ax for stem, _c, ax in estimate_figures(result, lang="en")}
    ax = figures["savings_by_measure"]
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["当量值 (equivalent)", "等价值 (equal-value)"]
    widths = [bar.get_width() for bar in ax.patches]
    half = len(widths) // 2
    assert sum(widths[:half]) == pytest.approx(result.assets["coal_saved_tce_equivalent"].sum())
    assert sum(widths[half:]) == pytest.approx(result.assets["coal_saved_tce_equal_value"].sum())


def test_supply_curve_says_what_it_leaves_out(tmp_path, cjk_font):
    # 20 rows, the investment of rows 0, 3, 6, …, 18 blanked: 7 rows lack it, 6 of them save
    # coal (row 6 is a charging pile that adds consumption, not on any supply curve)
    frame = _inventory(20)
    frame.loc[frame.index % 3 == 0, "investment_cny"] = np.nan
    path = tmp_path / "half.csv"
    frame.to_csv(path, index=False)
    result = estimate(path, year=2026, policy="shanghai-2024")
    lacking = result.assets["investment_cny"].isna() & (result.assets["coal_saved_tce"] > 0)
    assert list(lacking[lacking].index) == [0, 3, 9, 12, 15, 18]
    figures = {stem: ax for stem, _c, ax in estimate_figures(result, lang="zh", max_plants=0)}
    title = figures["supply_curve_all"].get_title()
    assert "6 行缺少投资额" in title
    assert "无法计算单位节能量成本" in title
    shown = float(result.supply_curve["coal_saved_tce"].sum())
    total = float(result.assets.loc[result.assets["coal_saved_tce"] > 0, "coal_saved_tce"].sum())
    assert f"{shown / total * 100:.4g} %" in title


# ------------------------------------------------------------------ hand-made inputs


def test_group_smallest_sums_the_rest_into_other_with_its_count():
    # 14 measures of 14, 13, …, 1 tce/yr: 11 named, the other 3 (3 + 2 + 1 = 6) in 其他
    frame = pd.DataFrame({"label": [f"m{i}" for i in range(14)], "equivalent": range(14, 0, -1)})
    grouped = group_smallest(frame, "equivalent", "label", "其他（{n} 项措施）", keep=12)
    assert len(grouped) == 12
    assert list(grouped["label"])[-1] == "其他（3 项措施）"
    assert grouped["equivalent"].iloc[-1] == 6
    assert grouped["equivalent"].sum() == 105  # 14 × 15 / 2, nothing lost


def test_measure_savings_chart_names_at_most_twelve(cjk_font):
    frame = pd.DataFrame(
        {
            "label": [f"措施{i}" for i in range(40)],
            "equivalent": np.arange(40.0, 0.0, -1.0),
            "equal_value": np.arange(40.0, 0.0, -1.0) * 2.5,
        }
    )
    ax = plot_measure_savings(frame, lang="zh")
    ticks = [t.get_text() for t in ax.get_yticklabels()]
    assert len(ticks) == 12
    assert ticks[-1] == "其他（29 项措施）"
    # the other bar: 29 + 28 + … + 1 = 435 tce/yr on 当量值, 2.5 × that on 等价值
    assert ax.patches[11].get_width() == 435.0
    assert ax.patches[23].get_width() == 1087.5


def test_bai_yi_shares_of_many_plants_is_a_ranked_profile(cjk_font):
    # 40 plants, shares 0.1 % … 4 %: 31 of 40 reach 1 % (shares 1.0 %, 1.1 %, …, 4.0 %)
    plants = pd.DataFrame(
        {
            "label": [f"厂{i}" for i in range(40)],
            "saving_share": np.arange(1, 41) / 1000.0,
            "target_share": 0.01,
        }
    )
    plants.loc[40] = ["缺能耗厂", np.nan, 0.01]
    ax = plot_bai_yi_shares(plants, line_label="百一 1 %", lang="zh")
    assert len(ax.patches) == 40
    assert "已知能耗的 40 家企业中 31 家达到百一" in ax.get_title()
    assert "1 家企业缺少上年综合能耗，未显示" in ax.get_title()
    assert list(ax.get_lines()[0].get_ydata()) == [0.01, 0.01]


def test_goal_contributions_are_shares_of_each_goal(cjk_font):
    # 391.2 tce/yr of a 500,000 tce goal is 0.07824 %; 600 kW of 3,000,000 kW is 0.02 %
    progress = {
        "energy_saving_cumulative": {
            "this_inventory": 391.2,
            "goal": 500_000.0,
            "unit": "tce",
            "realised_in_2026": 195.6,
        },
        "motors_retrofitted": {"this_inventory": 600.0, "goal": 3_000_000.0, "unit": "kW"},
        "datacenters": {"rows": 3},
    }
    frame = goal_contributions(progress, 2026)
    assert list(frame["basis"]) == ["full_year", "realised", "full_year"]
    ax = plot_goal_contributions(frame, year=2026, lang="zh")
    widths = [bar.get_width() for bar in ax.patches]
    assert widths == pytest.approx([391.2 / 500_000, 195.6 / 500_000, 600 / 3_000_000])
    labels = [t.get_text() for t in ax.texts]
    assert "391 / 500,000 tce（0.07824 %）" in labels
    assert "600 / 3,000,000 kW（0.02 %）" in labels
    ticks = [t.get_text() for t in ax.get_yticklabels()]
    assert ticks[0] == "累计节能量\n全年节能潜力"
    assert ticks[1] == "累计节能量\n2026年实现"


def test_bai_yi_axis_keeps_the_line_in_view(cjk_font):
    # shares 0.5 %, 3 % and 175 %: the axis ends at 10 × 1 % (×1.2 room = 12 %), the 175 % bar
    # is cut at 10 % and says 175 %
    plants = pd.DataFrame(
        {
            "label": ["甲厂", "乙厂", "丙厂"],
            "saving_share": [0.005, 0.03, 1.75],
            "target_share": 0.01,
        }
    )
    ax = plot_bai_yi_shares(plants, line_label="百一 1 %", lang="zh")
    assert ax.get_xlim()[1] == pytest.approx(0.12)
    assert [bar.get_width() for bar in ax.patches] == pytest.approx([0.1, 0.03, 0.005])
    assert [t.get_text() for t in ax.texts] == ["175.00 % →", "3.00 %", "0.50 %"]
    assert "1 家超过 10 %，条形在轴端截断" in ax.get_title()


def test_html_report_without_investment_has_the_money_free_charts(results, cjk_font):
    from retrofit.report.html import render_html

    result = results[(200, False)]
    assert result.supply_curve is None or result.supply_curve.empty
    page = render_html(result, lang="zh")
    figures = page[page.index("<section id='figures'>") :]
    figures = figures[: figures.index("</section>")]
    # savings by measure, 百一 shares and goal contributions, inline; no supply curve
    assert figures.count("<svg") == 3
    for caption in (
        "按措施分解的年节能量（当量值与等价值）",
        "百一：各企业年节能量占上年综合能耗比例",
    ):
        assert f"<figcaption>{caption}</figcaption>" in figures
    assert render_html(result, lang="zh") == page  # byte-reproducible
