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
    lam = np.array([[0.4, 0.55, 0.75, 1.0, 1.3]])
    assert motors.part_load_efficiency(0.957, [1.0], lam, 0.8)[0] == 0.957


def test_relative_losses_by_hand():
    """A curve of 72 / 85.5 / 89.1 / 90 / 89.1 % at 25–125 % load. Losses per unit of rated
    output ℓ = L·(1/η − 1): 0.0972222, 0.0847953, 0.0917508, 0.1111111, 0.1529181;
    ÷ 0.1111111 → 0.875, 0.7631579, 0.8257576, 1, 1.3762626."""
    lam = motors.relative_losses([[0.72, 0.855, 0.891, 0.9, 0.891]])
    np.testing.assert_allclose(lam[0], [0.875, 0.7631579, 0.8257576, 1.0, 1.3762626], rtol=1e-6)


def test_part_load_quartic_reproduces_node_losses_by_hand():
    """η_FL 0.90 → ℓ_FL = 1/0.9 − 1 = 0.1111111; λ = 0.4, 0.55, 0.75, 1, 1.3 at the nodes.
    L = 0.25: ℓ = 0.0444444, η = 0.25/0.2944444 = 0.8490566; L = 0.5: ℓ = 0.0611111,
    η = 0.5/0.5611111 = 0.8910891; L = 0.75: ℓ = 0.0833333, η = 0.9; L = 1.25: ℓ = 0.1444444,
    η = 1.25/1.3944444 = 0.8964143."""
    lam = np.array([[0.4, 0.55, 0.75, 1.0, 1.3]] * 5)
    got = motors.part_load_efficiency(np.full(5, 0.9), motors.PART_LOAD_NODES, lam, 0.8)
    np.testing.assert_allclose(got, [0.8490566, 0.8910891, 0.9, 0.9, 0.8964143], rtol=1e-6)


def test_part_load_below_quarter_load_linear_losses_by_hand():
    """η_FL 0.90, λ(0.25) 0.4 → ℓ25 = 0.4·0.1111111 = 0.0444444 per unit rated;
    ℓ0 = 0.8·ℓ25 = 0.0355556. At L = 0.125: ℓ = 0.0355556 + (0.0444444 − 0.0355556)·0.5 =
    0.04; η = 0.125 / 0.165 = 0.7575758.
    """
    lam = np.array([[0.4, 0.55, 0.75, 1.0, 1.3]])
    assert motors.part_load_efficiency(0.9, [0.125], lam, 0.8)[0] == pytest.approx(0.7575758)
    # continuous at 25 % load
    assert motors.part_load_efficiency(0.9, [0.25], lam, 0.8)[0] == pytest.approx(0.8490566)


def test_a_99_percent_motor_stays_below_100_percent_at_part_load():
    """The issue's case: a relative part-load efficiency above 1 (here 1.0166 at 75 % load, as
    on AMO curves of motors that peak below rated load) times a quoted η_FL of 99 % gave
    0.99 × 1.0166 = 100.64 %. Scaling losses instead: the curve's own motor (η_FL 0.90)
    has η(0.75) = 0.91494 → ℓ = 0.75·(1/0.91494 − 1) = 0.0697144, λ = 0.6275330; the 99 %
    motor has ℓ_FL = 0.0101010, ℓ(0.75) = 0.0063387, η = 0.75/0.7563387 = 0.9916192."""
    curve = np.array([[0.8, 0.88, 0.9 * 1.0166, 0.9, 0.891]])
    lam = motors.relative_losses(curve)
    assert lam[0, 2] == pytest.approx(0.6275330, rel=1e-6)
    eta = motors.part_load_efficiency(0.99, [0.75], lam, 0.8)[0]
    assert eta == pytest.approx(0.9916192, rel=1e-6)
    assert eta < 1.0


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
