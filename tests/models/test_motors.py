"""Motor model functions against published tables and hand calculations."""

import numpy as np
import pandas as pd
import pytest

from retrofit.core.reference import load_table
from retrofit.models import motors


@pytest.fixture(scope="module")
def iec60034_30_1_tables_2_to_5():
    """IEC 60034-30-1:2014 Tables 2–5 (EU 2019/1781 Annex I Table 1), as shipped."""
    return load_table("iec60034_30_1_2014_motor_classes")


@pytest.fixture(scope="module")
def eu2019_1781_annex_i_coefficients():
    """Regulation (EU) 2019/1781 Annex I interpolation coefficients (UK SI 2021/745 T27–28)."""
    return load_table("eu2019_1781_interpolation_coefficients")


def test_eu_formula_reproduces_every_tabulated_ie2_to_ie4_value(
    iec60034_30_1_tables_2_to_5, eu2019_1781_annex_i_coefficients
):
    """The formula, rounded to 0.1, equals the standard's table at every tabulated size."""
    checked = 0
    for _, c in eu2019_1781_annex_i_coefficients.iterrows():
        t = iec60034_30_1_tables_2_to_5
        rows = t[
            (t.efficiency_class == c.efficiency_class)
            & (t.poles == c.poles)
            & (t.rated_power_kw >= c.kw_min)
            & (t.rated_power_kw <= c.kw_max)
        ]
        got = motors.eu2019_1781_efficiency_pct(rows.rated_power_kw, c.A, c.B, c.C, c.D)
        np.testing.assert_allclose(got, rows.efficiency_pct, atol=1e-9)
        checked += len(rows)
    assert checked == 348  # IE2–IE4 × 2/4/6/8 poles × 29 sizes from 0.12 to 200 kW


def test_eu_formula_ie3_4pole_55kw_by_hand():
    """IE3 4-pole 0.75–200 kW: A 0.0773, B −1.8951, C 9.2984, D 83.7025; x = log10(55).

    x = 1.740363; η = 0.0773·5.27140 − 1.8951·3.02886 + 9.2984·1.740363 + 83.7025
      = 0.40748 − 5.74000 + 16.18259 + 83.7025 = 94.5526 → 94.6 % (table: 94.6).
    """
    assert motors.eu2019_1781_efficiency_pct(55.0, 0.0773, -1.8951, 9.2984, 83.7025) == 94.6


def test_eu_formula_rounds_half_away_from_zero():
    # constant polynomial D = 90.05 must print as 90.1 (tables round half up), not 90.0
    assert motors.eu2019_1781_efficiency_pct(1.0, 0, 0, 0, 90.05) == pytest.approx(90.1)


def test_log_linear_interpolation_by_hand():
    """Between 0.55 kW (80.0 %) and 0.75 kW (82.0 %) at 0.65 kW:
    w = (log10 0.65 − log10 0.55) / (log10 0.75 − log10 0.55) = 0.072551 / 0.134699 = 0.538617
    → 80.0 + 2.0·0.538617 = 81.0772 %.
    """
    got = motors.log_linear_interpolation(0.65, [0.55, 0.75], [80.0, 82.0])
    assert got == pytest.approx(81.0772, abs=1e-4)
    assert motors.log_linear_interpolation(0.75, [0.55, 0.75], [80.0, 82.0]) == 82.0


def test_log_linear_interpolation_rejects_unsorted_table():
    with pytest.raises(ValueError, match="strictly increasing"):
        motors.log_linear_interpolation(1.0, [2.0, 1.0], [1.0, 2.0])


def test_lagrange_weights_are_exact_at_nodes():
    w = motors.lagrange_weights(motors.PART_LOAD_NODES)
    np.testing.assert_array_equal(w, np.eye(5))


def test_part_load_equals_full_load_at_rated_load_exactly():
    rel = np.array([[0.9, 0.97, 0.995, 1.0, 0.99]])
    assert motors.part_load_efficiency(0.957, [1.0], rel, 0.8)[0] == 0.957


def test_part_load_quartic_reproduces_node_values():
    rel = np.array([[0.9, 0.97, 0.995, 1.0, 0.99]] * 5)
    got = motors.part_load_efficiency(np.full(5, 0.9), motors.PART_LOAD_NODES, rel, 0.8)
    np.testing.assert_allclose(got, 0.9 * rel[0], rtol=1e-12)


def test_part_load_below_quarter_load_linear_losses_by_hand():
    """η_FL 0.90, r(0.25) 0.80 → η25 = 0.72.
    loss25 = 0.25·(1/0.72 − 1) = 0.0972222 per unit rated; loss0 = 0.8·loss25 = 0.0777778.
    At L = 0.125: loss = 0.0777778 + (0.0972222 − 0.0777778)·0.5 = 0.0875;
    η = 0.125 / (0.125 + 0.0875) = 0.5882353.
    """
    rel = np.array([[0.8, 0.95, 0.99, 1.0, 0.99]])
    assert motors.part_load_efficiency(0.9, [0.125], rel, 0.8)[0] == pytest.approx(0.5882353)
    # continuous at 25 % load
    assert motors.part_load_efficiency(0.9, [0.25], rel, 0.8)[0] == pytest.approx(0.72)


def test_input_energy_hand_calculation_55kw_ie2_to_ie4():
    """The issue's example: 4-pole 55 kW at full load, 4000 h, IE2 93.5 % → IE4 95.7 %.
    Baseline 55·1·4000/0.935 = 235 294.12 kWh; retrofit 55·4000/0.957 = 229 885.06 kWh;
    saving 5 409.06 kWh.
    """
    base = motors.input_energy_kwh(55, 1.0, 4000, 1, 0.935)
    new = motors.input_energy_kwh(55, 1.0, 4000, 1, 0.957)
    assert base == pytest.approx(235294.12, abs=0.01)
    assert new == pytest.approx(229885.06, abs=0.01)
    assert base - new == pytest.approx(5409.06, abs=0.01)


def test_scalar_array_series_equivalence():
    args = (55.0, 0.75, 4000.0, 2, 0.95)
    scalar = motors.input_energy_kwh(*args)
    array = motors.input_energy_kwh(*(np.array([a, a]) for a in args))
    series = motors.input_energy_kwh(*(pd.Series([a, a], index=[7, 9]) for a in args))
    assert np.all(array == scalar)
    np.testing.assert_array_equal(np.asarray(series), array)
