"""The portfolio's charts, readable at any size (issue 19, points 5 and 8).

Every figure of a portfolio report is drawn for a synthetic city of 20, 200 and 2,000 plants, in
Chinese and English, and written as PNG to ``tests/output/charts/portfolio_*`` (git-ignored) to
be looked at; the test measures what a reader sees (no text drawn over another, legends
bounded, no English word in a Chinese chart). The numbers are checked on small cases worked by
hand: savings by measure on both tce bases, and the trajectory of each district and industry
against the city goal.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("matplotlib")

from retrofit.plotting import MAX_NAMED, save_figure
from retrofit.plotting.portfolio import portfolio_figures
from retrofit.plotting.portfolio_groups import plot_group_trajectories
from retrofit.portfolio import portfolio
from retrofit.portfolio.tables import group_trajectories

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_plots_scale import _latin_words, _overlaps, _visible_texts
from test_report_html_portfolio import INVENTORY, PLANTS

OUTPUT = Path(__file__).parent / "output" / "charts"


@pytest.fixture(scope="module")
def three_plants(tmp_path_factory):
    folder = tmp_path_factory.mktemp("three")
    (folder / "inventory.csv").write_text(INVENTORY, encoding="utf-8")
    (folder / "plants.csv").write_text(PLANTS, encoding="utf-8")
    return portfolio(
        [folder / "inventory.csv"], plants=folder / "plants.csv", year=2026, goals="shanghai-2024"
    )


def test_savings_by_measure_shows_both_bases(three_plants, cjk_font):
    """The three plants of tests/test_report_html_portfolio.py: the compressor saves
    123,750 kWh, the motors 20,358.6 + 4,255.3 = 24,613.9 kWh; on 当量值 (0.1229 kgce/kWh,
    GB/T 2589-2020 Appendix A) 15.2089 and 3.0250 tce/yr, on 等价值 (0.3000 kgce/kWh, the
    national 2025 target) 37.1250 and 7.3842 tce/yr."""
    by_measure = three_plants.by_measure.set_index("measure_type")
    assert by_measure.loc["compressor: upgrade_equipment", "coal_saved_tce_equivalent"] == (
        pytest.approx(15.2089, abs=1e-3)
    )
    assert by_measure.loc["compressor: upgrade_equipment", "coal_saved_tce_equal_value"] == (
        pytest.approx(37.125, abs=1e-3)
    )
    assert by_measure.loc["motor: upgrade_motor", "coal_saved_tce_equal_value"] == (
        pytest.approx(7.3842, abs=1e-3)
    )
    ax = portfolio_figures(three_plants, lang="zh")["savings_by_measure"]
    widths = [p.get_width() for p in ax.patches]
    # 当量值 bars top to bottom, then the 等价值 bars
    assert widths == pytest.approx([15.2089, 3.0250, 37.125, 7.3842], abs=1e-3)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["当量值", "等价值"]


def test_group_trajectories_worked_by_hand():
    """Two plants in 甲区 (P1: 10 tce/yr from 2024, P2: 5 tce/yr from 2025) and one in 乙区
    (P3: 2 tce/yr from 2025, in service from 1 July: 184 of 365 days realised in 2025). 甲区's
    capacity in service: 10 at the end of 2024, 15 at the end of 2025 = 0.003 % of a
    500,000 tce/yr goal; 乙区's: 0, then 2. The industries group the same rows another way."""
    window = pd.DataFrame(
        {
            "plant_id": ["P1", "P2", "P3"],
            "in_service_year": [2024, 2025, 2025],
            "coal_saved_tce": [10.0, 5.0, 2.0],
            "coal_saved_tce_realised_2024": [10.0, 0.0, 0.0],
            "coal_saved_tce_realised_2025": [10.0, 5.0, 2.0 * 184 / 365],
        }
    )
    plants = pd.DataFrame(
        {
            "plant_id": ["P1", "P2", "P3"],
            "district": ["甲区", "甲区", "乙区"],
            "industry": ["化工", None, "化工"],
        }
    )
    table = group_trajectories(
        window, plants, [2024, 2025], basis="equivalent", goal_tce=500_000.0
    ).set_index(["grouped_by", "group", "year"])
    assert table.loc[("district", "甲区", 2024), "capacity_cumulative"] == 10.0
    assert table.loc[("district", "甲区", 2025), "capacity_added"] == 5.0
    assert table.loc[("district", "甲区", 2025), "capacity_cumulative"] == 15.0
    assert table.loc[("district", "甲区", 2025), "goal_share_cumulative"] == pytest.approx(3e-5)
    assert table.loc[("district", "乙区", 2024), "capacity_cumulative"] == 0.0
    assert table.loc[("district", "乙区", 2025), "realised"] == pytest.approx(2 * 184 / 365)
    assert table.loc[("district", "甲区", 2025), "realised_cumulative"] == 25.0  # 10 + 15
    # P2 has no industry: counted under (not given), never dropped
    assert table.loc[("industry", "化工", 2025), "capacity_cumulative"] == 12.0
    assert table.loc[("industry", "(not given)", 2025), "capacity_cumulative"] == 5.0
    # no plants file column, no grouping
    assert group_trajectories(
        window, plants[["plant_id"]], [2024, 2025], basis="equivalent", goal_tce=None
    ).empty


def _groups(n: int) -> pd.DataFrame:
    """``n`` districts, district k (1-based) with k tce/yr in 2024 and 2k in 2025."""
    return pd.DataFrame(
        [
            {"group": f"区{k:02d}", "year": year, "capacity_cumulative": float(k * factor)}
            for k in range(1, n + 1)
            for year, factor in ((2024, 1), (2025, 2))
        ]
    )


def test_group_trajectory_names_the_largest_and_sums_the_rest(cjk_font):
    # 15 districts: the 11 largest (区15 … 区05) named, 区01 … 区04 one line of 2 + 4 + 6 + 8
    ax = plot_group_trajectories(
        _groups(15), grouping="district", basis_note="标准煤，当量值", goal_value=500_000, lang="zh"
    )
    lines = [line for line in ax.get_lines() if not line.get_label().startswith("_")]
    assert len(lines) == MAX_NAMED
    assert lines[0].get_label() == "区15：30.00（占全市目标 0.006 %）"
    assert lines[-1].get_label().startswith("其他（4 个区县）：20.00")
    assert list(lines[-1].get_ydata()) == [10.0, 20.0]
    # 500,000 tce/yr is 16,667 × the largest district (30): named, not drawn
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any("为最大分组的 16,667 倍，未绘出" in t for t in texts)
    assert not any(line.get_ydata()[0] == 500_000 for line in ax.get_lines())


def test_group_trajectory_draws_a_goal_within_reach(cjk_font):
    # a goal of 15 tce/yr is 2.5 × the largest group (区03: 6): drawn as a line
    ax = plot_group_trajectories(
        _groups(3), grouping="industry", basis_note="tce, 当量值", goal_value=15.0, lang="en"
    )
    goal = [line for line in ax.get_lines() if line.get_label().startswith("city goal 15")]
    assert len(goal) == 1 and list(goal[0].get_ydata()) == [15.0, 15.0]
    assert ax.get_lines()[0].get_label() == "区03: 6.00 (40 % of the goal)"
    with pytest.raises(ValueError, match="grouping"):
        plot_group_trajectories(_groups(3), grouping="city", basis_note="tce, 当量值")


@pytest.fixture(scope="module")
def cities(tmp_path_factory):
    from retrofit.samples.synthetic_city import synthetic_city

    made = {}
    folder = tmp_path_factory.mktemp("cities")
    for n in (20, 200, 2000):
        inventory, plants = synthetic_city(n, assets_per_plant=3, seed=2024)
        inventory.to_csv(folder / f"inventory_{n}.csv", index=False)
        plants.to_csv(folder / f"plants_{n}.csv", index=False)
        made[n] = portfolio(
            [folder / f"inventory_{n}.csv"],
            plants=folder / f"plants_{n}.csv",
            year=2026,
            goals="shanghai-2024",
        )
    return made


@pytest.mark.slow
# 2,000 plants in zh only (English words are checked at 20 and 200 plants and in
# test_chart_labels.py): the suite must stay under 5 minutes on CI's 2 cores
@pytest.mark.parametrize(
    ("plants", "lang"), [(20, "zh"), (20, "en"), (200, "zh"), (200, "en"), (2000, "zh")]
)
def test_every_portfolio_chart_readable_at_any_size(cities, plants, lang, cjk_font):
    result = cities[plants]
    figures = portfolio_figures(result, lang=lang)
    for stem in ("savings_by_measure", "bai_yi_ranking", "districts_trajectory"):
        assert stem in figures
    folder = OUTPUT / f"portfolio_{plants}_{lang}"
    for stem, ax in figures.items():
        (png,) = save_figure(ax, folder, stem, formats=("png",))
        assert png.stat().st_size > 10_000
        legend = ax.get_legend()
        if legend is not None:
            assert len(legend.get_texts()) <= MAX_NAMED + 4, (stem, len(legend.get_texts()))
        assert not _overlaps(ax), (stem, _overlaps(ax)[:3])
        texts = [t.get_text() for t in _visible_texts(ax)]
        if lang == "zh":
            found = _latin_words(texts, {"DC", "AC"})
            assert not found, (stem, sorted(found)[:10])
        else:
            assert not any("其他" in t for t in texts), stem
    # the smallest districts summed into one line that says how many it holds
    districts = result.group_trajectory.query("grouped_by == 'district'")["group"].nunique()
    lines = [
        line.get_label()
        for line in figures["districts_trajectory"].get_lines()
        if not line.get_label().startswith("_")
    ]
    other = "其他（{n} 个区县）" if lang == "zh" else "other ({n} districts)"
    if districts > MAX_NAMED:
        assert lines[MAX_NAMED - 1].startswith(other.format(n=districts - MAX_NAMED + 1))
    else:
        assert len(lines) == districts
    print(f"charts written to {folder}")  # where to look at them
    assert np.isfinite(result.group_trajectory["capacity_cumulative"]).all()
