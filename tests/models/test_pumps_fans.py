"""GB 19762-2025 pump formula and GB 19761-2020 fan table against the standards' numbers."""

import pytest

from retrofit.core.reference import load_table
from retrofit.models import pumps


def test_gb19762_single_stage_worked_example():
    """Single-stage end-suction, ns 100, Q 100 m³/h → grades 1/2/3 = 80.3 / 78.3 / 73.3 %
    (shared gb_tables.md worked example; the grades differ only by Ci 161.33/163.33/168.33)."""
    t = load_table("gb19762_2025_pump_grades")
    cells = t[(t.pump_type == "end_suction") & (t.q_min_m3h == 5)].set_index("grade")
    got = {
        g: pumps.gb19762_efficiency_pct(100, 100, *cells.loc[g, ["a", "b", "c", "d", "e", "ci"]])
        for g in ("grade_1", "grade_2", "grade_3")
    }
    assert got == pytest.approx({"grade_1": 80.3, "grade_2": 78.3, "grade_3": 73.3}, abs=0.05)


def test_specific_speed_halves_flow_for_double_suction_and_splits_head_by_stage():
    single = pumps.specific_speed(1450, 720, 40)
    # √(1/2) for the flow per impeller eye
    assert pumps.specific_speed(1450, 720, 40, double_suction=True) == pytest.approx(
        single / 2**0.5
    )
    # head per stage: (1/4)^(−0.75) = 2.828427 for four stages
    assert pumps.specific_speed(1450, 720, 40, stages=4) == pytest.approx(
        single * 2.828427, rel=1e-6
    )


def test_gb19761_grades_are_ordered_in_every_cell():
    t = load_table("gb19761_2020_fan_grades")
    t["cell"] = t["as_written"]  # one cell of the standard = one written specification
    wide = t.pivot(index=["table", "fan_type", "cell"], columns="grade", values="efficiency_pct")
    assert not wide.isna().any().any()
    assert (wide["grade_3"] < wide["grade_2"]).all() and (wide["grade_2"] < wide["grade_1"]).all()


def test_gb19761_example_cell():
    # gb_tables.md: centrifugal ψ 0.45–0.55, ns 30–50, No5–10: grades 3/2/1 = 73/79/84 %
    t = load_table("gb19761_2020_fan_grades")
    cell = t[(t.table == "表2") & (t.psi_min == 0.45) & (t.ns_min == 30) & (t.size_min == 5)]
    assert dict(zip(cell.grade, cell.efficiency_pct, strict=True)) == {
        "grade_3": 73,
        "grade_2": 79,
        "grade_1": 84,
    }
